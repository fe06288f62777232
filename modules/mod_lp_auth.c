/*
 * mod_lp_auth — AuthType Linphone (see mod_lp_auth.h).
 */
#include "mod_lp_auth.h"
#include "mod_lp_conf.h"
#include "lp_crypto.h"
#include "lp_digest.h"
#include "mod_lp_location.h"
#include "mod_lp_nonce_cache.h"
#include "mod_lp_request.h"
#include "mod_lp_respond.h"
#include "mod_lp_store.h"
#include "lp_text.h"

#include "http_core.h"
#include "http_log.h"
#include "util_cookies.h"
#include "apr_strings.h"
#include "apr_lib.h"
#include "apr_atomic.h"

APLOG_USE_MODULE(linphone_provisioning);

#define API_KEY "x-api-key"
#define PROVISIONING_HEADER "x-linphone-provisioning"

int lp_auth_post_config(apr_pool_t *ptemp, server_rec *s)
{
    /* the default nonce cache needs mod_socache_shmcb; without it every
     * digest request would fail with 503 */
    if (!lp_server_conf_get(s)->nonce_cache
        && !ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, "shmcb",
                               AP_SOCACHE_PROVIDER_VERSION)
        && lp_auth_type_used(ptemp, s, LP_AUTH_TYPE)) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0005)
                     "AuthType Linphone needs a nonce cache: load "
                     "mod_socache_shmcb (a2enmod socache_shmcb), or set "
                     "LinphoneDigestNonceCache to a loaded socache provider");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

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

/* One line per refused credential, for the sysadmin and fail2ban
 * (conf/fail2ban/linphone-provisioning.conf): the tag, the client, then
 * the reason and the user name the client sent (escaped; never a secret).
 * At info: a site turns them on with LogLevel linphone_provisioning:info. */
static void rejected(request_rec *r, const char *tag, const char *why,
                     const char *user)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%sclient %s: %s, user \"%s\"",
                  tag, r->useragent_ip, why,
                  user ? ap_escape_logitem(r->pool, user) : "");
}

/* 401 with a one-line body (and the challenges already in the headers). */
static int refuse(request_rec *r, const char *message)
{
    return lp_respond_phase_error(r, HTTP_UNAUTHORIZED, message);
}

static int unavailable(request_rec *r)
{
    apr_table_setn(r->err_headers_out, "Retry-After", LP_RETRY_AFTER);
    return lp_respond_phase_error(r, HTTP_SERVICE_UNAVAILABLE,
                                  "Service temporarily unavailable");
}

const char *lp_auth_space_domain(request_rec *r, int *status)
{
    const lp_space *space;
    lp_space_status st = lp_space_of(r, &space);

    *status = st == LP_SPACE_FAILED ? HTTP_SERVICE_UNAVAILABLE
              : st == LP_SPACE_MISSING ? HTTP_NOT_FOUND
              /* a row without a domain serves no account */
              : space && (!space->domain || !*space->domain) ? HTTP_FORBIDDEN
              : OK;
    return space ? space->domain : NULL;
}

/* The refusal of an account authenticated on this request: blocked, or of
 * another space than the host's.  OK when it may be served. */
static int refusal(request_rec *r, const linphone_account *a,
                   const char *space_domain)
{
    const char *user = apr_pstrcat(r->pool, a->username, "@", a->domain,
                                   NULL);

    if (a->blocked) {
        rejected(r, LPLOGNO(0416), "account blocked", user);
        return lp_respond_phase_error(r, HTTP_FORBIDDEN, "Account blocked");
    }
    if (space_domain && strcmp(a->domain, space_domain)) {
        rejected(r, LPLOGNO(0416), "account not in this host's space", user);
        return lp_respond_phase_error(r, HTTP_FORBIDDEN,
                                      "Account not in this space");
    }
    return OK;
}

/* Every configured algorithm, whatever the account: the challenge must not
 * tell whether it exists or which passwords it has, and needs no lookup.
 * Each nonce gets its count entry now: a nonce without one is stale. */
static int challenge(request_rec *r, const char *realm, int stale)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const char *opaque = lp_digest_opaque(r->pool, c->secret, realm);
    apr_time_t now = apr_time_now();
    apr_time_t expiry = apr_time_from_sec(apr_time_sec(now))
                        + apr_time_from_sec(c->nonce_lifetime);
    unsigned i;

    for (i = 0; i < LP_ALGORITHMS; i++) {
        unsigned char random[8];
        const char *nonce;

        if (!(c->digest_algorithms & lp_algorithms[i].bit))
            continue;
        if (apr_generate_random_bytes(random, sizeof random) != APR_SUCCESS)
            return unavailable(r);
        nonce = lp_digest_nonce(r->pool, c->secret, now, random);
        if (lp_nonce_cache_issue(r, nonce, expiry))
            return unavailable(r);
        /* one header line per algorithm: liblinphone reads no folded list */
        apr_table_add(r->err_headers_out, "WWW-Authenticate",
                      lp_digest_challenge(r->pool, realm, nonce, opaque,
                                          lp_algorithms[i].name, stale));
    }
    return refuse(r, "Authentication required");
}

/* 1 for a password row that can authenticate: a hex HA1 of its
 * algorithm's length, or a non-empty clear password.  An empty or
 * malformed HA1 is a value anyone may compute answers for, and a row
 * without an algorithm has none (never MD5 by default). */
static int password_usable(const linphone_password *pw)
{
    const lp_algorithm *alg;
    apr_size_t n, i;

    if (!*pw->password)
        return 0;
    if (!strcmp(pw->algorithm, LP_ALG_CLEAR))
        return 1;
    if (!(alg = lp_algorithm_named(pw->algorithm)))
        return 0;
    n = alg->hex_len;
    for (i = 0; i < n; i++)
        if (!apr_isxdigit(pw->password[i]))
            return 0;
    return pw->password[n] == '\0';
}

/* Said once per process: such a row is a fact about the data, and a
 * request flood must not become a log flood. */
static apr_uint32_t unusable_logged;

/* 1 when the response matches one of the account's usable passwords, 0
 * when it matches none, -1 when the account has no usable password. */
static int response_matches(request_rec *r, const linphone_account *a,
                            const char *realm, const char *alg,
                            const lp_digest_credentials *cr)
{
    int i, match = 0, usable = 0;

    for (i = 0; i < a->passwords->nelts; i++) {
        const linphone_password *pw = &APR_ARRAY_IDX(a->passwords, i,
                                                     linphone_password);
        const char *ha1, *expected;

        if (!password_usable(pw)) {
            if (!apr_atomic_cas32(&unusable_logged, 1, 0))
                ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, LPLOGNO(0405)
                              "account id %" APR_INT64_T_FMT " has a "
                              "password row that never authenticates (empty "
                              "or malformed HA1, or no known algorithm); "
                              "said once per process", a->id);
            continue;
        }
        usable = 1;
        if (!strcmp(pw->algorithm, LP_ALG_CLEAR))
            ha1 = lp_ha1(r->pool, alg, a->username, realm, pw->password);
        else if (!strcmp(pw->algorithm, alg)) {
            /* compared as the lowercase hex clients compute */
            char *lower = apr_pstrdup(r->pool, pw->password);

            ap_str_tolower(lower);
            ha1 = lower;
        }
        else
            continue;
        expected = lp_digest_expected(r->pool, alg, ha1, cr, r->method);
        match |= expected && lp_secure_equal(expected, cr->response);
    }
    return usable ? match : -1;
}

/* 1 when the credentials cannot be checked against the account: another
 * algorithm, user, realm, opaque or URI than this challenge's, or a
 * malformed qop, nc or cnonce (logged).  Else *alg and *nc are set. */
static int credentials_refused(request_rec *r, const lp_server_conf *c,
                               const lp_digest_credentials *cr,
                               const char *user, const char *realm,
                               const char **alg, apr_uint32_t *nc)
{
    const char *who = cr->username;
    int i;

    *alg = NULL;
    /* RFC 7616: no algorithm parameter means MD5 */
    for (i = 0; i < LP_ALGORITHMS; i++)
        if ((c->digest_algorithms & lp_algorithms[i].bit)
            && (cr->algorithm ? !strcasecmp(cr->algorithm,
                                            lp_algorithms[i].name)
                              : lp_algorithms[i].bit == LP_ALG_MD5))
            *alg = lp_algorithms[i].name;
    if (!*alg)
        rejected(r, LPLOGNO(0413), "digest: algorithm not offered", who);
    /* the username is the From user byte for byte, as the row will be */
    else if (strcmp(cr->username, user))
        rejected(r, LPLOGNO(0413), "digest: username is not the From user",
                 who);
    else if (strcmp(cr->realm, realm))
        rejected(r, LPLOGNO(0407), "digest: realm mismatch", who);
    else if (!cr->qop || strcasecmp(cr->qop, "auth")
             || lp_digest_nc(cr->nc, nc) || !cr->cnonce)
        rejected(r, LPLOGNO(0413), "digest: qop, nc or cnonce missing or "
                 "invalid", who);
    else if (!cr->opaque
             || !lp_secure_equal(cr->opaque,
                                 lp_digest_opaque(r->pool, c->secret, realm)))
        rejected(r, LPLOGNO(0413), "digest: opaque mismatch", who);
    else if (strcmp(cr->uri, r->unparsed_uri))
        rejected(r, LPLOGNO(0408), "digest: uri mismatch", who);
    else
        return 0;
    return 1;
}

/* A Digest Authorization being checked. */
typedef struct {
    request_rec *r;
    const lp_server_conf *c;
    lp_digest_credentials cr;
    const char *user, *domain;        /* of the From header */
    const char *realm, *alg;
    apr_uint32_t nc;
    apr_time_t issued;                /* of the nonce */
} digest_check;

/* OK for a nonce this server issued and still honours, else the
 * challenge (stale, or forged). */
static int check_nonce(digest_check *d)
{
    switch (lp_digest_nonce_check(d->c->secret, d->cr.nonce, apr_time_now(),
                                  apr_time_from_sec(d->c->nonce_lifetime),
                                  &d->issued)) {
    case LP_NONCE_VALID:
        return OK;
    case LP_NONCE_STALE:
        rejected(d->r, LPLOGNO(0409), "digest: stale nonce", d->cr.username);
        return challenge(d->r, d->realm, 1);
    default:
        rejected(d->r, LPLOGNO(0414), "digest: nonce not signed with this "
                 "server's LinphoneDigestSecret", d->cr.username);
        return challenge(d->r, d->realm, 0);
    }
}

/* OK with *a the From header's account when the response matches one of
 * its passwords, else the challenge (or 503). */
static int check_response(digest_check *d, linphone_account **a)
{
    request_rec *r = d->r;

    switch (lp_store_account(r, d->user, d->domain, a)) {
    case LP_STORE_OK:
        break;
    case LP_STORE_NOT_FOUND:
        rejected(r, LPLOGNO(0406), "digest: unknown user",
                 apr_pstrcat(r->pool, d->user, "@", d->domain, NULL));
        return challenge(r, d->realm, 0);
    default:
        return unavailable(r);
    }
    switch (response_matches(r, *a, d->realm, d->alg, &d->cr)) {
    case 1:
        return OK;
    case 0:
        rejected(r, LPLOGNO(0411), "digest: bad response (wrong password)",
                 d->cr.username);
        return challenge(r, d->realm, 0);
    default:
        rejected(r, LPLOGNO(0412), "digest: the account has no usable "
                 "password row", d->cr.username);
        return challenge(r, d->realm, 0);
    }
}

/* OK when the nonce count is above every count seen with the nonce. */
static int check_count(digest_check *d)
{
    switch (lp_nonce_cache_advance(d->r, d->cr.nonce, d->nc, d->issued
                                   + apr_time_from_sec(d->c->nonce_lifetime))) {
    case LP_NC_ACCEPTED:
        return OK;
    case LP_NC_REPLAY:
        rejected(d->r, LPLOGNO(0410), "digest: replayed nonce count",
                 d->cr.username);
        return challenge(d->r, d->realm, 0);
    case LP_NC_UNKNOWN:
        rejected(d->r, LPLOGNO(0409), "digest: stale nonce (its count entry "
                 "expired or was evicted)", d->cr.username);
        return challenge(d->r, d->realm, 1);
    default:
        return unavailable(d->r);
    }
}

static int digest(request_rec *r, const char *space_domain)
{
    const char *from = apr_table_get(r->headers_in, "From");
    const char *authz = apr_table_get(r->headers_in, "Authorization");
    linphone_account *a = NULL;
    digest_check d = { r, lp_server_conf_get(r->server) };
    int rc;

    if (!from || lp_sip_address_parse(r->pool, from, &d.user, &d.domain)
        || !d.domain) {
        rejected(r, LPLOGNO(0415), "digest: no From header, or not a SIP "
                 "address", NULL);
        return refuse(r, "From header is required or invalid token");
    }
    if (!d.c->nonce_cache) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0404)
                      "digest needs a nonce cache: load "
                      "mod_socache_shmcb or set LinphoneDigestNonceCache");
        return unavailable(r);
    }
    d.realm = lp_realm(r, d.domain);
    if (!authz || strncasecmp(authz, "Digest ", 7)
        || lp_digest_parse(r->pool, authz + 7, &d.cr))
        return challenge(r, d.realm, 0);
    if (credentials_refused(r, d.c, &d.cr, d.user, d.realm, &d.alg, &d.nc))
        return challenge(r, d.realm, 0);
    if ((rc = check_nonce(&d)) != OK
        || (rc = check_response(&d, &a)) != OK
        || (rc = check_count(&d)) != OK
        || (rc = refusal(r, a, space_domain)) != OK)
        return rc;
    return authenticated(r, a);
}

int lp_auth_check_user_id(request_rec *r)
{
    const char *type = ap_auth_type(r);
    const char *key = NULL, *space_domain;
    linphone_account *a;
    int from_cookie = 0, rc;

    if (!type || strcasecmp(type, LP_AUTH_TYPE))
        return DECLINED;
    space_domain = lp_auth_space_domain(r, &rc);
    if (rc == HTTP_SERVICE_UNAVAILABLE)
        return unavailable(r);
    if (rc != OK)
        return lp_respond_phase_error(r, rc, rc == HTTP_NOT_FOUND
                                             ? "Host not configured"
                                             : "Account not in this space");
    if (lp_api_key_enabled(r)) {
        key = apr_table_get(r->headers_in, API_KEY);
        if (!key) {
            (void)ap_cookie_read(r, API_KEY, &key, 0);   /* key NULL: none */
            from_cookie = key != NULL;
        }
    }
    if (key) {
        /* a browser sends the cookie with any site's request: alone it
         * never authorises a state change, whatever RequireHeader says */
        if (from_cookie && lp_query_has(r->pool, r->args, "reset_password")
            && !apr_table_get(r->headers_in, PROVISIONING_HEADER)) {
            rejected(r, LPLOGNO(0417), "API key cookie without the "
                     "x-linphone-provisioning header for reset_password",
                     NULL);
            return lp_respond_phase_error(r, HTTP_FORBIDDEN,
                                          "reset_password with a cookie "
                                          "needs the x-linphone-provisioning "
                                          "header");
        }
        switch (lp_store_api_key(r, key, space_domain, &a)) {
        case LP_STORE_OK:
            return authenticated(r, a);
        case LP_STORE_BLOCKED:
            return refusal(r, a, space_domain);
        case LP_STORE_NOT_FOUND:
            return refuse(r, "Invalid API Key");
        default:
            return unavailable(r);
        }
    }
    return digest(r, space_domain);
}

/* The account another module's r->user names: exactly sip:user@domain,
 * user@domain, or a bare user in LinphoneProvisioningDomain, never decoded;
 * the row must match it byte for byte (lp_store_account). */
static lp_store_status account_of_user(request_rec *r, linphone_account **a)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const char *user, *domain;

    if (lp_user_address_parse(r->pool, r->user, &user, &domain)
        || (!domain && !c->domain))
        return LP_STORE_NOT_FOUND;
    return lp_store_account(r, user, domain ? domain : c->domain, a);
}

linphone_account *lp_auth_request_account(request_rec *r, int *status)
{
    linphone_account *a;
    const char *space_domain;
    int rc;

    if ((a = lp_auth_account(r)))
        /* AuthType Linphone refused blocked and other spaces' accounts */
        return a;
    if (!r->user) {
        *status = lp_respond_error(r, HTTP_UNAUTHORIZED,
                                   "Authentication required");
        return NULL;
    }
    switch (account_of_user(r, &a)) {
    case LP_STORE_OK:
        break;
    case LP_STORE_NOT_FOUND:
        *status = lp_respond_error(r, HTTP_FORBIDDEN,
                                   "No account for this user");
        return NULL;
    default:
        *status = lp_respond_unavailable(r);
        return NULL;
    }
    space_domain = lp_auth_space_domain(r, &rc);
    if (rc == HTTP_SERVICE_UNAVAILABLE)
        *status = lp_respond_unavailable(r);
    else if (rc != OK || (space_domain && strcmp(a->domain, space_domain)))
        *status = lp_respond_error(r, HTTP_FORBIDDEN,
                                   "Account not in this space");
    else if (a->blocked)
        *status = lp_respond_error(r, HTTP_FORBIDDEN, "Account blocked");
    else
        return a;
    return NULL;
}
