/*
 * lp_vcard — vCard 4.0 writer (see lp_vcard.h).
 */
#include "lp_vcard.h"

#include "apr_strings.h"
#include <string.h>

#define FOLD_OCTETS 75
#define REPLACEMENT "\xEF\xBF\xBD"      /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid:
 * overlong forms, surrogates, code points above U+10FFFF, truncation. */
static int utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    int n, i;
    unsigned long cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    }
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    }
    else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    }
    else
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)      /* the NUL terminator included */
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)
        || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return n;
}

const char *lp_vcard_utf8(apr_pool_t *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    char *out, *o;
    int n;

    /* at worst each byte becomes the 3-byte replacement */
    o = out = apr_palloc(p, 3 * strlen(s) + 1);
    while (*u) {
        if ((n = utf8_len(u)) == 0) {
            memcpy(o, REPLACEMENT, 3);
            o += 3;
            u++;
            continue;
        }
        memcpy(o, u, n);
        o += n;
        u += n;
    }
    *o = '\0';
    return out;
}

const char *lp_vcard_text(apr_pool_t *p, const char *s)
{
    const char *v = lp_vcard_utf8(p, s ? s : "");
    char *out = apr_palloc(p, 2 * strlen(v) + 1), *o = out;

    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;

        if (c == '\\' || c == ',') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c == '\r') {
            /* CRLF is one line break, hence one space */
            if (v[1] == '\n')
                v++;
            *o++ = ' ';
        }
        else if (c < 0x20 || c == 0x7F) {
            /* LF, and controls no client shows (TAB too: a folding
             * character of the parser) */
            *o++ = ' ';
        }
        else
            *o++ = (char)c;
    }
    *o = '\0';
    return out;
}

const char *lp_vcard_uri_part(apr_pool_t *p, const char *s, int host)
{
    static const char hex[] = "0123456789ABCDEF";
    /* unreserved and SIP's user-unreserved, without `,` `;` (parameters)
     * and `?` (headers); a host also keeps `:` and brackets (IPv6, port) */
    static const char user_ok[] = "-_.!~*'()&=+$/";
    static const char host_ok[] = "-_.!~*'()&=+$/:[]";
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    char *out = apr_palloc(p, 3 * strlen((const char *)u) + 1), *o = out;

    for (; *u; u++) {
        if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z')
            || (*u >= '0' && *u <= '9')
            || strchr(host ? host_ok : user_ok, *u))
            *o++ = (char)*u;
        else {
            *o++ = '%';
            *o++ = hex[*u >> 4];
            *o++ = hex[*u & 0x0F];
        }
    }
    *o = '\0';
    return out;
}

/* Octets of the unit starting at s that folding must not split: a `\x`
 * escape, a UTF-8 character (valid: the values went through lp_vcard_text
 * or lp_vcard_uri_part), or one byte. */
static apr_size_t unit_len(const char *s)
{
    int n;

    if (s[0] == '\\' && s[1])
        return 2;
    n = utf8_len((const unsigned char *)s);
    return n > 0 ? (apr_size_t)n : 1;
}

const char *lp_vcard_fold(apr_pool_t *p, const char *line)
{
    apr_size_t len = strlen(line);
    /* a fold (3 octets) at most every 74 octets, and the final CRLF */
    char *out = apr_palloc(p, len + 3 * (len / 70 + 1) + 3), *o = out;
    apr_size_t used = 0;       /* octets on the current physical line */

    while (*line) {
        apr_size_t n = unit_len(line);

        if (used + n > FOLD_OCTETS) {
            memcpy(o, "\r\n ", 3);
            o += 3;
            used = 1;          /* the leading space counts */
        }
        memcpy(o, line, n);
        o += n;
        used += n;
        line += n;
    }
    memcpy(o, "\r\n", 3);
    return out;
}

const char *lp_vcard_write(apr_pool_t *p, const lp_vcard_contact *c)
{
    const char *user = lp_vcard_uri_part(p, c->username, 0);
    const char *host = lp_vcard_uri_part(p, c->domain, 1);
    const char *fn = c->display_name && *c->display_name
                     ? c->display_name
                     : apr_pstrcat(p, c->username ? c->username : "", "@",
                                   c->domain ? c->domain : "", NULL);
    apr_array_header_t *lines = apr_array_make(p, 8, sizeof(const char *));
    int i;

    APR_ARRAY_PUSH(lines, const char *) = "BEGIN:VCARD\r\n"
                                          "VERSION:4.0\r\n"
                                          "KIND:individual\r\n";
    APR_ARRAY_PUSH(lines, const char *) =
        lp_vcard_fold(p, apr_pstrcat(p, "IMPP:sip:", user, "@", host, NULL));
    APR_ARRAY_PUSH(lines, const char *) =
        lp_vcard_fold(p, apr_pstrcat(p, "FN:", lp_vcard_text(p, fn), NULL));
    if (c->dtmf_protocol && *c->dtmf_protocol)
        APR_ARRAY_PUSH(lines, const char *) =
            lp_vcard_fold(p, apr_pstrcat(p,
                                         "X-LINPHONE-ACCOUNT-DTMF-PROTOCOL:",
                                         lp_vcard_text(p, c->dtmf_protocol),
                                         NULL));
    for (i = 0; c->types && i < c->types->nelts; i++)
        APR_ARRAY_PUSH(lines, const char *) =
            lp_vcard_fold(p, apr_pstrcat(p, "X-LINPHONE-ACCOUNT-TYPE:",
                                         lp_vcard_text(p, APR_ARRAY_IDX(
                                             c->types, i, const char *)),
                                         NULL));
    for (i = 0; c->actions && i < c->actions->nelts; i++) {
        const lp_vcard_action *a = &APR_ARRAY_IDX(c->actions, i,
                                                  lp_vcard_action);

        /* the `;` between key and code is the value's separator */
        APR_ARRAY_PUSH(lines, const char *) =
            lp_vcard_fold(p, apr_pstrcat(p, "X-LINPHONE-ACCOUNT-ACTION:",
                                         lp_vcard_text(p, a->key), ";",
                                         lp_vcard_text(p, a->code), NULL));
    }
    APR_ARRAY_PUSH(lines, const char *) = "END:VCARD\r\n";
    return apr_array_pstrcat(p, lines, 0);
}
