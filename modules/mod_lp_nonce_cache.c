/*
 * mod_lp_nonce_cache — nonce counts in an Apache socache (see the header).
 */
#include "mod_lp_nonce_cache.h"
#include "mod_lp_conf.h"
#include "lp_digest.h"

#include "http_log.h"
#include "util_mutex.h"
#include "apr_strings.h"
#include "apr_general.h"

#include <string.h>

APLOG_USE_MODULE(linphone_provisioning);

#define MUTEX_TYPE "linphone-nonce"
#define DEFAULT_SPEC "shmcb"
#define SECRET_BYTES 32
/* a count entry's key: the nonce's bytes (see cache_key) */
#define KEY_LEN (LP_NONCE_LEN / 2)
/* mod_socache_shmcb sizes its index for entries of the hinted size, but
 * each entry also takes an index record (24 bytes on LP64): hinted without
 * it, a quarter of the default cache's data room held every count */
#define INDEX_RECORD 24

const char *lp_set_nonce_cache(cmd_parms *cmd, void *dc, const char *arg)
{
    lp_server_conf *c = lp_server_conf_get(cmd->server);
    const char *sep = ap_strchr_c(arg, ':');
    const char *name = sep ? apr_pstrmemdup(cmd->pool, arg,
                                            (apr_size_t)(sep - arg)) : arg;

    c->nonce_cache = apr_pcalloc(cmd->pool, sizeof *c->nonce_cache);
    c->nonce_cache->spec = arg;
    c->nonce_cache->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP,
                                                  name,
                                                  AP_SOCACHE_PROVIDER_VERSION);
    if (!c->nonce_cache->provider)
        return apr_psprintf(cmd->pool, "%s: unknown socache provider '%s' "
                            "(is mod_socache_%s loaded?)", cmd->cmd->name,
                            name, name);
    return NULL;
}

int lp_nonce_cache_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t cache_destroy(void *data)
{
    lp_nonce_cache *c = data;

    if (c->instance)
        c->provider->destroy(c->instance, NULL);
    c->instance = NULL;
    return APR_SUCCESS;
}

static int cache_start(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s,
                       lp_nonce_cache *c)
{
    static struct ap_socache_hints hints = { KEY_LEN, 4 + INDEX_RECORD, 0 };
    const char *sep = ap_strchr_c(c->spec, ':');
    const char *err;
    apr_status_t rv;

    hints.expiry_interval = apr_time_from_sec(300);
    err = c->provider->create(&c->instance, sep ? sep + 1 : NULL, ptemp,
                              pconf);
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0401)
                     "LinphoneDigestNonceCache %s: %s", c->spec, err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = c->provider->init(c->instance, "linphone-nonce", &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, LPLOGNO(0402)
                     "LinphoneDigestNonceCache %s: cannot initialise",
                     c->spec);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, c, cache_destroy, apr_pool_cleanup_null);
    /* for every provider, not only the ones unsafe across processes: a
     * count is read, compared and written, and two children doing that at
     * once would both accept one (nonce, nc) */
    rv = ap_global_mutex_create(&c->mutex, NULL, MUTEX_TYPE, NULL, s, pconf,
                                0);
    if (rv != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    return OK;
}

int lp_nonce_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                               server_rec *s)
{
    lp_server_conf *main_conf = lp_server_conf_get(s);
    server_rec *v;
    int rc;

    if (!main_conf->nonce_cache) {
        /* the default: only when mod_socache_shmcb is there, else digest
         * answers 503 (and says why) while API keys keep working */
        const ap_socache_provider_t *shmcb =
            ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, DEFAULT_SPEC,
                               AP_SOCACHE_PROVIDER_VERSION);

        if (shmcb) {
            main_conf->nonce_cache = apr_pcalloc(pconf,
                                                 sizeof(lp_nonce_cache));
            main_conf->nonce_cache->spec = DEFAULT_SPEC;
            main_conf->nonce_cache->provider = shmcb;
        }
    }
    if (!main_conf->secret) {
        unsigned char *bytes = apr_palloc(pconf, SECRET_BYTES);

        if (apr_generate_random_bytes(bytes, SECRET_BYTES) != APR_SUCCESS)
            return HTTP_INTERNAL_SERVER_ERROR;
        main_conf->secret = apr_palloc(pconf, sizeof(lp_secret));
        main_conf->secret->bytes = bytes;
        main_conf->secret->len = SECRET_BYTES;
    }
    for (v = s; v; v = v->next) {
        lp_server_conf *c = lp_server_conf_get(v);

        if (!c->secret)
            c->secret = main_conf->secret;
        if (!c->nonce_cache)
            c->nonce_cache = main_conf->nonce_cache;
        if (c->nonce_cache && !c->nonce_cache->instance
            && (rc = cache_start(pconf, ptemp, v, c->nonce_cache)) != OK)
            return rc;
    }
    return OK;
}

void lp_nonce_cache_child_init(apr_pool_t *p, server_rec *s)
{
    for (; s; s = s->next) {
        lp_nonce_cache *c = lp_server_conf_get(s)->nonce_cache;

        apr_status_t rv;

        if (!c || !c->mutex)
            continue;
        rv = apr_global_mutex_child_init(&c->mutex,
                                         apr_global_mutex_lockfile(c->mutex),
                                         p);
        /* then every digest request of this child answers 503 (LP0403) */
        if (rv != APR_SUCCESS)
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, LPLOGNO(0418)
                         "LinphoneDigestNonceCache %s: this process cannot "
                         "attach to the cache's lock", c->spec);
    }
}

static void put_count(unsigned char value[4], apr_uint32_t nc)
{
    value[0] = (unsigned char)(nc >> 24);
    value[1] = (unsigned char)(nc >> 16);
    value[2] = (unsigned char)(nc >> 8);
    value[3] = (unsigned char)nc;
}

static void failure(request_rec *r, lp_nonce_cache *c, apr_status_t rv)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, LPLOGNO(0403)
                  "LinphoneDigestNonceCache %s failed", c->spec);
}

/* The cache key: the nonce's bytes (its hex decoded: checked by the
 * caller, or ours), its random part first.  mod_socache_shmcb picks a
 * sub-cache by the key's first byte.  Keyed by the nonce as it is (its
 * issue time first), every nonce of an era went to one sub-cache; keyed by
 * hex characters, to 16 of them.  Under load (every use of a nonce stores
 * its count anew) a nonce idle for a fraction of a second was evicted, and
 * stale. */
static int hex_value(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static const unsigned char *cache_key(const char *nonce, unsigned char *key)
{
    int i;

    for (i = 0; i < KEY_LEN; i++) {
        /* random (8 bytes), HMAC (16), then the time (8) */
        const char *h = nonce + (2 * i + 16) % LP_NONCE_LEN;

        key[i] = (unsigned char)(hex_value(h[0]) << 4 | hex_value(h[1]));
    }
    return key;
}

int lp_nonce_cache_issue(request_rec *r, const char *nonce, apr_time_t expiry)
{
    unsigned char key[KEY_LEN];
    lp_nonce_cache *c = lp_server_conf_get(r->server)->nonce_cache;
    unsigned char value[4];
    apr_status_t rv;

    if (!c || apr_global_mutex_lock(c->mutex) != APR_SUCCESS)
        return -1;
    put_count(value, 0);
    rv = c->provider->store(c->instance, r->server,
                            cache_key(nonce, key), KEY_LEN,
                            expiry, value, 4, r->pool);
    apr_global_mutex_unlock(c->mutex);
    if (rv != APR_SUCCESS) {
        failure(r, c, rv);
        return -1;
    }
    return 0;
}

int lp_nonce_cache_advance(request_rec *r, const char *nonce,
                           apr_uint32_t nc, apr_time_t expiry)
{
    lp_nonce_cache *c = lp_server_conf_get(r->server)->nonce_cache;
    unsigned char stored[4], value[4], key[KEY_LEN];
    unsigned int len = sizeof stored;
    apr_uint32_t seen;
    apr_status_t rv;
    int verdict;

    if (!c || apr_global_mutex_lock(c->mutex) != APR_SUCCESS)
        return LP_NC_FAILED;
    rv = c->provider->retrieve(c->instance, r->server,
                               cache_key(nonce, key), KEY_LEN,
                               stored, &len, r->pool);
    if (rv == APR_NOTFOUND || (rv == APR_SUCCESS && len != 4)) {
        /* evicted (or never issued here): its history is lost, so nothing
         * tells a replay from a first use */
        verdict = LP_NC_UNKNOWN;
    }
    else if (rv != APR_SUCCESS) {
        verdict = LP_NC_FAILED;
    }
    else {
        seen = ((apr_uint32_t)stored[0] << 24)
               | ((apr_uint32_t)stored[1] << 16)
               | ((apr_uint32_t)stored[2] << 8) | stored[3];
        verdict = LP_NC_REPLAY;
        if (nc > seen) {
            put_count(value, nc);
            rv = c->provider->store(c->instance, r->server,
                                    key, KEY_LEN, expiry, value, 4, r->pool);
            verdict = rv == APR_SUCCESS ? LP_NC_ACCEPTED : LP_NC_FAILED;
        }
    }
    apr_global_mutex_unlock(c->mutex);
    if (verdict == LP_NC_FAILED)
        failure(r, c, rv);
    return verdict;
}
