/*
 * Fuzz target: the Authorization: Digest tokenizer (lp_digest_parse), the
 * nonce-count parser (lp_digest_nc), the nonce check and the response
 * computation, as mod_lp_auth.c chains them on a request's header.
 *
 * Properties checked besides "no crash, no overrun, no UB, no leak":
 * - a parsed header has the five required parameters;
 * - parsing is stable: the parameters written back as quoted-strings (with
 *   `"` and `\` escaped) parse to the same values;
 * - lp_digest_nc accepts exactly 8 hex digits, and reads their value;
 * - a nonce made by lp_digest_nonce checks as valid, and the input never
 *   checks as valid unless it is that nonce.
 */
#include "fuzz.h"
#include "lp_digest.h"
#include "lp_text.h"
#include "apr_lib.h"

static const lp_secret secret = { (const unsigned char *)"0123456789abcdef"
                                  "fuzz-secret", 27 };

#define FIELDS(X) X(username) X(realm) X(nonce) X(uri) X(response) \
    X(algorithm) X(cnonce) X(opaque) X(qop) X(nc)

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_nc(const char *s)
{
    apr_uint32_t v = 0;
    int i, want = strlen(s) == 8;

    for (i = 0; want && i < 8; i++)
        want = !!apr_isxdigit(s[i]);
    FUZZ_ASSERT((lp_digest_nc(s, &v) == 0) == want);
    if (want)
        FUZZ_ASSERT(v == (apr_uint32_t)strtoul(s, NULL, 16));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_begin();
    char *s = fuzz_cstr(data, size);
    lp_digest_credentials cr, back;
    apr_time_t now = apr_time_from_sec(1700000000), issued = 0;
    unsigned char random[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    const char *nonce = lp_digest_nonce(p, &secret, now, random);

    FUZZ_ASSERT(lp_digest_nonce_check(&secret, nonce, now,
                                      apr_time_from_sec(300), &issued)
                == LP_NONCE_VALID && issued == now);
    /* the whole input as a nonce and as a nonce count */
    if (lp_digest_nonce_check(&secret, s, now, apr_time_from_sec(300),
                              &issued) == LP_NONCE_VALID)
        FUZZ_ASSERT(!strcmp(s, nonce));
    check_nc(s);

    if (lp_digest_parse(p, s, &cr) == 0) {
        char *again = "";
        const char *opaque = lp_digest_opaque(p, &secret, cr.realm);
        apr_uint32_t nc;

        FUZZ_ASSERT(cr.username && cr.realm && cr.nonce && cr.uri
                    && cr.response);
#define PUT(f) if (cr.f) again = apr_pstrcat(p, again, *again ? ", " : "", \
                                             #f "=", lp_sip_quote(p, cr.f), NULL);
        FIELDS(PUT)
#undef PUT
        FUZZ_ASSERT(lp_digest_parse(p, again, &back) == 0);
#define SAME(f) FUZZ_ASSERT(same(cr.f, back.f));
        FIELDS(SAME)
#undef SAME
        if (cr.nc)
            check_nc(cr.nc);
        (void)lp_digest_nc(cr.nc, &nc);
        (void)lp_digest_nonce_check(&secret, cr.nonce, now,
                                    apr_time_from_sec(300), &issued);
        (void)lp_secure_equal(cr.opaque ? cr.opaque : "", opaque);
        (void)lp_secure_equal(cr.response, "");
        (void)lp_digest_expected(p, "MD5", "00112233445566778899aabbccddeeff",
                                 &cr, "GET");
        (void)lp_digest_expected(p, "SHA-256", cr.response, &cr, "HEAD");
        (void)lp_digest_challenge(p, cr.realm, nonce, opaque,
                                  cr.algorithm ? cr.algorithm : "MD5", 1);
    }
    fuzz_end(p);
    return 0;
}
