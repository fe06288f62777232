/*
 * lp_text — pure string helpers (see lp_text.h).
 */
#include "lp_text.h"

#include "apr_strings.h"
#include "apr_lib.h"
#include <stdlib.h>
#include <string.h>

static int token_char(char c)
{
    return apr_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

/* The token at s up to the end of the string, or NULL when invalid. */
static const char *token_at(apr_pool_t *p, const char *s)
{
    apr_size_t n = 0;

    while (s[n] && n <= LP_TOKEN_MAX && token_char(s[n]))
        n++;
    if (n == 0 || n > LP_TOKEN_MAX || s[n] != '\0')
        return NULL;
    /* "." and ".." are path segments, never tokens */
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return NULL;
    return apr_pstrmemdup(p, s, n);
}

lp_route lp_route_parse(apr_pool_t *p, const char *rest)
{
    lp_route route = { LP_ROUTE_NONE, NULL };

    if (!*rest || strcmp(rest, "/") == 0) {
        route.kind = LP_ROUTE_BASE;
        return route;
    }
    if (*rest != '/')
        return route;
    rest++;
    if (strcmp(rest, "me") == 0) {
        route.kind = LP_ROUTE_ME;
        return route;
    }
    if (strncmp(rest, "auth_token/", 11) == 0) {
        route.kind = LP_ROUTE_AUTH_TOKEN;
        rest += 11;
    }
    else if (strncmp(rest, "qrcode/", 7) == 0) {
        route.kind = LP_ROUTE_QRCODE;
        rest += 7;
    }
    else {
        route.kind = LP_ROUTE_TOKEN;
    }
    route.token = token_at(p, rest);
    if (!route.token)
        route.kind = LP_ROUTE_NONE;
    return route;
}

int lp_query_has(apr_pool_t *p, const char *args, const char *name)
{
    apr_size_t n = strlen(name);

    while (args && *args) {
        const char *end = strchr(args, '&');
        apr_size_t klen = strcspn(args, "=&");

        if (klen == n && strncmp(args, name, n) == 0)
            return 1;
        if (klen >= n && memchr(args, '%', klen)) {
            /* an encoded name: decode it before comparing */
            const char *key = lp_percent_decode(p, args, klen);

            if (key && strcmp(key, name) == 0)
                return 1;
        }
        args = end ? end + 1 : NULL;
    }
    return 0;
}

static int hexval(char c)
{
    return apr_isdigit(c) ? c - '0' : apr_tolower(c) - 'a' + 10;
}

char *lp_percent_decode(apr_pool_t *p, const char *s, apr_size_t n)
{
    char *out = apr_palloc(p, n + 1), *w = out;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        char c = s[i];

        if (c == '%') {
            if (i + 2 >= n || !apr_isxdigit(s[i + 1]) || !apr_isxdigit(s[i + 2]))
                return NULL;
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        }
        if (apr_iscntrl(c))
            return NULL;
        *w++ = c;
    }
    *w = '\0';
    return out;
}

int lp_sip_address_parse(apr_pool_t *p, const char *s, const char **user,
                         const char **domain)
{
    const char *start, *end, *at;

    while (*s == ' ' || *s == '\t')
        s++;
    start = strchr(s, '<');
    if (start) {
        end = strchr(++start, '>');
        if (!end)
            return -1;
    }
    else {
        start = s;
        end = s + strlen(s);
    }
    if (end - start >= 4 && !strncasecmp(start, "sip:", 4))
        start += 4;
    else if (end - start >= 5 && !strncasecmp(start, "sips:", 5))
        start += 5;
    end = start + strcspn(start, ";?> \t");
    at = memchr(start, '@', (apr_size_t)(end - start));
    if (at && memchr(at + 1, '@', (apr_size_t)(end - at - 1)))
        return -1;
    *user = lp_percent_decode(p, start, (apr_size_t)((at ? at : end) - start));
    *domain = at ? lp_percent_decode(p, at + 1, (apr_size_t)(end - at - 1))
                 : NULL;
    if (!*user || !**user || (at && (!*domain || !**domain)))
        return -1;
    return 0;
}

/* A byte another auth module's user part may hold: no whitespace or
 * controls, nothing of SIP's name-addr, params, headers or password syntax,
 * no escape (the name is never decoded). */
static int user_char(unsigned char c)
{
    return c > 0x20 && c != 0x7f && !strchr("<>;?@\"%,\\:", c);
}

/* A bare user name gets the configured domain: a deliberately small set. */
static int bare_user_char(char c)
{
    return apr_isalnum(c) || (c && strchr("._~+-", c));
}

static int domain_char(char c)
{
    return apr_isalnum(c) || c == '.' || c == '-';
}

int lp_user_address_parse(apr_pool_t *p, const char *s, const char **user,
                          const char **domain)
{
    const char *at, *c;
    int sip = !strncmp(s, "sip:", 4);

    if (sip)
        s += 4;
    at = strchr(s, '@');
    if (!at) {
        /* "sip:alice" is no SIP address: a bare name has no scheme */
        if (sip || !*s)
            return -1;
        for (c = s; *c; c++)
            if (!bare_user_char(*c))
                return -1;
        *user = apr_pstrdup(p, s);
        *domain = NULL;
        return 0;
    }
    if (at == s || !at[1])
        return -1;
    for (c = s; c < at; c++)
        if (!user_char((unsigned char)*c))
            return -1;
    for (c = at + 1; *c; c++)
        if (!domain_char(*c))
            return -1;
    *user = apr_pstrmemdup(p, s, (apr_size_t)(at - s));
    *domain = apr_pstrdup(p, at + 1);
    return 0;
}

const char *lp_sip_quote(apr_pool_t *p, const char *display)
{
    apr_size_t n = strlen(display), i, o = 0;
    char *out = apr_palloc(p, 2 * n + 3);

    out[o++] = '"';
    for (i = 0; i < n; i++) {
        if (display[i] == '"' || display[i] == '\\')
            out[o++] = '\\';
        out[o++] = display[i];
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

const char *lp_reg_identity(apr_pool_t *p, const char *display,
                            const char *username, const char *domain)
{
    const char *uri = apr_pstrcat(p, "<sip:", username, "@", domain, ">",
                                  NULL);

    if (!display || !*display)
        return uri;
    return apr_pstrcat(p, lp_sip_quote(p, display), " ", uri, NULL);
}

/* The well-formed UTF-8 sequences (RFC 3629, Unicode's table 3-7): by
 * lead byte, the length and the range of the second byte, which excludes
 * overlong forms, surrogates and what is above U+10FFFF. */
static const struct {
    unsigned char first, last, len, lo, hi;
} utf8_leads[] = {
    { 0xC2, 0xDF, 2, 0x80, 0xBF },
    { 0xE0, 0xE0, 3, 0xA0, 0xBF },
    { 0xE1, 0xEC, 3, 0x80, 0xBF },
    { 0xED, 0xED, 3, 0x80, 0x9F },
    { 0xEE, 0xEF, 3, 0x80, 0xBF },
    { 0xF0, 0xF0, 4, 0x90, 0xBF },
    { 0xF1, 0xF3, 4, 0x80, 0xBF },
    { 0xF4, 0xF4, 4, 0x80, 0x8F }
};

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one (the
 * string's NUL ends any sequence). */
static apr_size_t utf8_len(const unsigned char *s)
{
    apr_size_t k, i;

    if (s[0] < 0x80)
        return 1;
    for (k = 0; k < sizeof utf8_leads / sizeof utf8_leads[0]; k++) {
        if (s[0] < utf8_leads[k].first || s[0] > utf8_leads[k].last)
            continue;
        if (s[1] < utf8_leads[k].lo || s[1] > utf8_leads[k].hi)
            return 0;
        for (i = 2; i < utf8_leads[k].len; i++)
            if ((s[i] & 0xC0) != 0x80)
                return 0;
        return utf8_leads[k].len;
    }
    return 0;
}

const char *lp_utf8_clean(apr_pool_t *p, const char *s, apr_size_t max_chars)
{
    const unsigned char *in = (const unsigned char *)s;
    /* an invalid byte (1) becomes U+FFFD (3): at most three times longer */
    char *out = apr_palloc(p, 3 * strlen(s) + 1), *w = out;
    apr_size_t chars;

    for (chars = 0; *in && chars < max_chars; chars++) {
        apr_size_t n = utf8_len(in);

        if (n) {
            memcpy(w, in, n);
            w += n;
            in += n;
        }
        else {
            memcpy(w, "\xEF\xBF\xBD", 3);
            w += 3;
            in++;
        }
    }
    *w = '\0';
    return out;
}

const char *lp_time_format(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, t);
    return apr_psprintf(p, "%04d-%02d-%02d %02d:%02d:%02d",
                        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!apr_isdigit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int lp_time_parse(const char *s, apr_time_t *t)
{
    apr_time_exp_t tm;
    int y, mo, d, h, mi, se;

    if (!s || strlen(s) < 19 || s[4] != '-' || s[7] != '-'
        || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':'
        || digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d)
        || digits(s + 11, 2, &h) || digits(s + 14, 2, &mi)
        || digits(s + 17, 2, &se))
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    return apr_time_exp_gmt_get(t, &tm) == APR_SUCCESS ? 0 : -1;
}

int lp_bool_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "1") || !strcasecmp(s, "t") || !strcasecmp(s, "true"))
        return 1;
    if (!strcmp(s, "0") || !strcasecmp(s, "f") || !strcasecmp(s, "false"))
        return 0;
    return -1;
}
