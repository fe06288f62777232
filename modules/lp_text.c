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
            /* an encoded name: decode a copy of it before comparing */
            char *key = apr_pstrmemdup(p, args, klen);
            char *w = key, *r = key;

            while (*r) {
                if (r[0] == '%' && apr_isxdigit(r[1]) && apr_isxdigit(r[2])) {
                    char hex[3] = { r[1], r[2], 0 };
                    *w++ = (char)strtol(hex, NULL, 16);
                    r += 3;
                }
                else {
                    *w++ = *r++;
                }
            }
            *w = '\0';
            if (strcmp(key, name) == 0)
                return 1;
        }
        args = end ? end + 1 : NULL;
    }
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

const char *lp_utf8_prefix(apr_pool_t *p, const char *s, apr_size_t max)
{
    apr_size_t n = strlen(s);

    if (n <= max)
        return s;
    n = max;
    /* back off continuation bytes so the cut lands before a lead byte */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return apr_pstrmemdup(p, s, n);
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
