/*
 * Fuzz target: the provisioning URI space.  The input is a request's path
 * below the handler's location, then optionally `?` and its query string.
 * Covers lp_route_parse (token extraction), lp_query_has (the
 * reset_password flag), lp_percent_decode (on an exact-size buffer without
 * a terminator) and lp_utf8_clean (the User-Agent as stored: valid UTF-8,
 * at most 255 characters).
 *
 * Properties: a routed token is 1..255 characters of [A-Za-z0-9._~-] and
 * is the rest of the path; lp_query_has agrees with a straightforward
 * reference; percent-decoding agrees with a reference decoder and undoes a
 * full percent-encoding; the cleaned User-Agent is valid UTF-8 within the
 * limit, cleaning it again changes nothing, and ASCII is only cut.
 */
#include "fuzz.h"
#include "lp_text.h"
#include "apr_lib.h"
#include <libxml/xmlstring.h>

static int token_char(char c)
{
    return apr_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

static void check_route(apr_pool_t *p, const char *path)
{
    lp_route r = lp_route_parse(p, path);
    const char *expect_tail = NULL;
    size_t i, n;

    switch (r.kind) {
    case LP_ROUTE_NONE:
        FUZZ_ASSERT(!r.token);
        return;
    case LP_ROUTE_BASE:
        FUZZ_ASSERT(!*path || !strcmp(path, "/"));
        return;
    case LP_ROUTE_ME:
        FUZZ_ASSERT(!strcmp(path, "/me"));
        return;
    case LP_ROUTE_AUTH_TOKEN:
        FUZZ_ASSERT(!strncmp(path, "/auth_token/", 12));
        expect_tail = path + 12;
        break;
    case LP_ROUTE_QRCODE:
        FUZZ_ASSERT(!strncmp(path, "/qrcode/", 8));
        expect_tail = path + 8;
        break;
    case LP_ROUTE_TOKEN:
        FUZZ_ASSERT(path[0] == '/');
        expect_tail = path + 1;
        break;
    }
    FUZZ_ASSERT(r.token && !strcmp(r.token, expect_tail));
    n = strlen(r.token);
    FUZZ_ASSERT(n >= 1 && n <= LP_TOKEN_MAX);
    for (i = 0; i < n; i++)
        FUZZ_ASSERT(token_char(r.token[i]));
    FUZZ_ASSERT(strcmp(r.token, ".") && strcmp(r.token, ".."));
}

/* Reference percent-decoder: NULL on a bad escape or a control. */
static char *ref_decode(apr_pool_t *p, const char *s, size_t n)
{
    char *out = apr_palloc(p, n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        unsigned int c = (unsigned char)s[i];

        if (c == '%') {
            char hex[3];

            if (n - i < 3 || !apr_isxdigit(s[i + 1])
                || !apr_isxdigit(s[i + 2]))
                return NULL;
            hex[0] = s[i + 1];
            hex[1] = s[i + 2];
            hex[2] = '\0';
            c = (unsigned int)strtoul(hex, NULL, 16);
            i += 2;
        }
        if (c < 0x20 || c == 0x7F)
            return NULL;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

static int ref_query_has(apr_pool_t *p, const char *args, const char *name)
{
    const char *seg = args;

    while (seg) {
        const char *amp = strchr(seg, '&');
        size_t len = amp ? (size_t)(amp - seg) : strlen(seg);
        size_t klen = strcspn(seg, "=&");
        char *key;

        if (klen > len)
            klen = len;
        key = ref_decode(p, seg, klen);
        if ((klen == strlen(name) && !strncmp(seg, name, klen))
            || (key && !strcmp(key, name)))
            return 1;
        seg = amp ? amp + 1 : NULL;
    }
    return 0;
}

static void check_decode(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *exact = fuzz_copy(data, size);            /* no terminator */
    char *got = lp_percent_decode(p, exact, size);
    char *want = ref_decode(p, exact, size);

    FUZZ_ASSERT((got == NULL) == (want == NULL));
    if (got) {
        size_t n = strlen(got), i;
        char *enc = apr_palloc(p, 3 * n + 1), *again;

        FUZZ_ASSERT(!strcmp(got, want));
        for (i = 0; i < n; i++)
            snprintf(enc + 3 * i, 4, "%%%02X", (unsigned char)got[i]);
        enc = fuzz_copy(enc, 3 * n);        /* exact, no terminator */
        again = lp_percent_decode(p, enc, 3 * n);
        FUZZ_ASSERT(again && !strcmp(again, got));
    }
}

static void check_clean(apr_pool_t *p, const char *s, size_t max)
{
    const char *clean = lp_utf8_clean(p, s, max);
    int chars;
    size_t i;

    FUZZ_ASSERT(xmlCheckUTF8((const xmlChar *)clean));
    chars = xmlUTF8Strlen((const xmlChar *)clean);
    FUZZ_ASSERT(chars >= 0 && (size_t)chars <= max);
    /* what it lets through is kept as is */
    FUZZ_ASSERT(!strcmp(lp_utf8_clean(p, clean, max), clean));
    for (i = 0; s[i] && !(s[i] & 0x80); i++)
        ;
    if (!s[i])              /* ASCII: a prefix, the whole when it fits */
        FUZZ_ASSERT(strlen(clean) == (i < max ? i : max)
                    && !strncmp(clean, s, strlen(clean)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_begin();
    char *s = fuzz_cstr(data, size);
    char *q = strchr(s, '?');
    const char *args = NULL;

    if (q) {
        *q = '\0';
        args = q + 1;
    }
    check_route(p, s);
    if (args) {
        FUZZ_ASSERT(lp_query_has(p, args, "reset_password")
                    == ref_query_has(p, args, "reset_password"));
        (void)lp_query_has(p, args, "");
    }
    FUZZ_ASSERT(!lp_query_has(p, NULL, "reset_password"));
    check_decode(p, data, size);
    check_clean(p, s, size ? data[0] : 0);
    check_clean(p, s, 255);
    fuzz_end(p);
    return 0;
}
