/*
 * mod_lp_nonce_cache — the highest nonce count seen per digest nonce, in an
 * Apache socache (shmcb on one machine; redis or memcache shared by a
 * cluster), so a replayed Authorization is refused on every child (and,
 * within the limits docs/security.md states, on every node).
 */
#ifndef MOD_LP_NONCE_CACHE_H
#define MOD_LP_NONCE_CACHE_H

#include "httpd.h"
#include "http_config.h"
#include "ap_socache.h"
#include "apr_global_mutex.h"

typedef struct lp_nonce_cache {
    const char *spec;                 /* "provider[:args]" as configured */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex;        /* held around read-compare-write */
} lp_nonce_cache;

/** LinphoneDigestNonceCache provider[:args]. */
const char *lp_set_nonce_cache(cmd_parms *cmd, void *dc, const char *arg);

int lp_nonce_cache_pre_config(apr_pool_t *pconf);
/** Creates the caches (and the per-server digest secrets). */
int lp_nonce_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                               server_rec *s);
void lp_nonce_cache_child_init(apr_pool_t *p, server_rec *s);

enum {
    LP_NC_ACCEPTED = 1,  /* first use of this (nonce, nc) */
    LP_NC_REPLAY = 0,    /* nc not above the highest seen */
    LP_NC_FAILED = -1,   /* the cache failed (logged) */
    LP_NC_UNKNOWN = -2   /* no entry for the nonce (evicted): stale */
};

/**
 * Creates the entry of a nonce being issued (count 0, valid until
 * `expiry`): a nonce without an entry is never accepted.  0, or -1 (logged).
 */
int lp_nonce_cache_issue(request_rec *r, const char *nonce, apr_time_t expiry);

/**
 * Records that `nc` was used with `nonce` (valid until `expiry`) if it is
 * greater than every count seen before, under the cache's global mutex:
 * one of the LP_NC_* verdicts.
 */
int lp_nonce_cache_advance(request_rec *r, const char *nonce,
                           apr_uint32_t nc, apr_time_t expiry);

#endif
