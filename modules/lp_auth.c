/*
 * lp_auth — AuthType Linphone (see lp_auth.h).
 */
#include "lp_auth.h"
#include "lp_conf.h"
#include "lp_crypto.h"
#include "lp_digest.h"
#include "lp_nonce_cache.h"
#include "lp_respond.h"
#include "lp_store.h"
#include "lp_text.h"

#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_cookies.h"
#include "apr_strings.h"

APLOG_USE_MODULE(linphone_provisioning);

#define API_KEY "x-api-key"

static const struct { int bit; const char *name; } algorithms[] = {
    /* most preferred first, as RFC 7616 asks */
    { LP_ALG_SHA256, "SHA-256" },
    { LP_ALG_MD5, "MD5" },
};

linphone_account *lp_auth_account(request_rec *r)
{
    return lp_request_of(r)->account;
}

static int authenticated(request_rec *r, linphone_account *a)
{
    r->user = apr_pstrcat(r->pool, a->username, "@", a->domain, NULL);
    r->ap_auth_type = LP_AUTH_TYPE;
    lp_request_of(r)->account = a;
    return OK;
}

/* 401 with a one-line body (and the challenges already in the headers). */
static int refuse(request_rec *r, const char *message)
{
    return lp_respond_phase_error(r, HTTP_UNAUTHORIZED, message);
}

static int unavailable(request_rec *r)
{
    apr_table_setn(r->err_headers_out, "Retry-After", "5");
    return lp_respond_phase_error(r, HTTP_SERVICE_UNAVAILABLE,
                                  "Service temporarily unavailable");
}

/* The LP_ALG_* bits an account can answer with (both for a clear one). */
static int account_algorithms(const linphone_account *a)
{
    int i, bits = 0;

    for (i = 0; i < a->passwords->nelts; i++) {
        const char *alg = APR_ARRAY_IDX(a->passwords, i,
                                        linphone_password).algorithm;

        if (!strcmp(alg, "CLRTXT"))
            bits |= LP_ALG_MD5 | LP_ALG_SHA256;
        else if (!strcmp(alg, "MD5"))
            bits |= LP_ALG_MD5;
        else if (!strcmp(alg, "SHA-256"))
            bits |= LP_ALG_SHA256;
    }
    return bits;
}

static int challenge(request_rec *r, const char *realm, int bits, int stale)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const char *opaque = lp_digest_opaque(r->pool, c->secret, realm);
    unsigned i;

    for (i = 0; i < sizeof algorithms / sizeof algorithms[0]; i++) {
        unsigned char random[8];

        if (!(bits & algorithms[i].bit))
            continue;
        if (apr_generate_random_bytes(random, sizeof random) != APR_SUCCESS)
            return unavailable(r);
        /* one header line per algorithm: liblinphone reads no folded list */
        apr_table_add(r->err_headers_out, "WWW-Authenticate",
                      lp_digest_challenge(r->pool, realm,
                                          lp_digest_nonce(r->pool, c->secret,
                                                          apr_time_now(),
                                                          random),
                                          opaque, algorithms[i].name, stale));
    }
    return refuse(r, "Authentication required");
}

/* 1 when the response matches one of the account's passwords. */
static int response_matches(request_rec *r, const linphone_account *a,
                            const char *realm, const char *alg,
                            const lp_digest_credentials *cr)
{
    int i, match = 0;

    for (i = 0; i < a->passwords->nelts; i++) {
        const linphone_password *pw = &APR_ARRAY_IDX(a->passwords, i,
                                                     linphone_password);
        const char *ha1, *expected;

        if (!strcmp(pw->algorithm, "CLRTXT"))
            ha1 = lp_ha1(r->pool, alg, a->username, realm, pw->password);
        else if (!strcmp(pw->algorithm, alg))
            ha1 = pw->password;
        else
            continue;
        expected = lp_digest_expected(r->pool, alg, ha1, cr, r->method);
        match |= expected && lp_secure_equal(expected, cr->response);
    }
    return match;
}

static int digest(request_rec *r)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const char *from = apr_table_get(r->headers_in, "From");
    const char *authz = apr_table_get(r->headers_in, "Authorization");
    const char *user, *domain, *realm, *alg = NULL;
    linphone_account *a = NULL;
    lp_digest_credentials cr;
    apr_time_t issued;
    apr_uint32_t nc;
    unsigned i;
    int bits;

    if (!from || lp_sip_address_parse(r->pool, from, &user, &domain)
        || !domain)
        return refuse(r, "From header is required or invalid token");
    switch (lp_store_account(r, user, domain, &a)) {
    case LP_STORE_OK:
        break;
    case LP_STORE_NOT_FOUND:
        a = NULL;          /* challenged all the same: no account oracle */
        break;
    default:
        return unavailable(r);
    }
    if (!c->nonce_cache) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0404)
                      "digest needs a nonce cache: load "
                      "mod_socache_shmcb or set LinphoneDigestNonceCache");
        return unavailable(r);
    }
    realm = lp_realm(r, domain);
    bits = c->digest_algorithms & (a ? account_algorithms(a) : ~0);

    if (!a || !authz || strncasecmp(authz, "Digest ", 7)
        || lp_digest_parse(r->pool, authz + 7, &cr))
        return challenge(r, realm, bits, 0);
    for (i = 0; i < sizeof algorithms / sizeof algorithms[0]; i++)
        if ((bits & algorithms[i].bit)
            && !strcasecmp(cr.algorithm ? cr.algorithm : "MD5",
                           algorithms[i].name))
            alg = algorithms[i].name;
    if (!alg || strcmp(cr.username, a->username) || strcmp(cr.realm, realm)
        || !cr.qop || strcasecmp(cr.qop, "auth")
        || lp_digest_nc(cr.nc, &nc) || !cr.cnonce
        || !cr.opaque
        || !lp_secure_equal(cr.opaque, lp_digest_opaque(r->pool, c->secret,
                                                          realm))
        || strcmp(cr.uri, r->unparsed_uri))
        return challenge(r, realm, bits, 0);
    switch (lp_digest_nonce_check(c->secret, cr.nonce, apr_time_now(),
                                  apr_time_from_sec(c->nonce_lifetime),
                                  &issued)) {
    case LP_NONCE_VALID:
        break;
    case LP_NONCE_STALE:
        return challenge(r, realm, bits, 1);
    default:
        return challenge(r, realm, bits, 0);
    }
    if (!response_matches(r, a, realm, alg, &cr))
        return challenge(r, realm, bits, 0);
    switch (lp_nonce_cache_advance(r, cr.nonce, nc,
                                   issued + apr_time_from_sec(
                                       c->nonce_lifetime))) {
    case 1:
        return authenticated(r, a);
    case 0:
        return challenge(r, realm, bits, 0);       /* replayed nc */
    default:
        return unavailable(r);
    }
}

int lp_auth_check_user_id(request_rec *r)
{
    const char *type = ap_auth_type(r);
    const char *key = NULL;
    linphone_account *a;

    if (!type || strcasecmp(type, LP_AUTH_TYPE))
        return DECLINED;
    if (lp_api_key_enabled(r)) {
        key = apr_table_get(r->headers_in, API_KEY);
        if (!key)
            ap_cookie_read(r, API_KEY, &key, 0);
    }
    if (key) {
        switch (lp_store_api_key(r, key, &a)) {
        case LP_STORE_OK:
            return authenticated(r, a);
        case LP_STORE_NOT_FOUND:
            return refuse(r, "Invalid API Key");
        default:
            return unavailable(r);
        }
    }
    return digest(r);
}
