/*
 * lp_nonce_cache — the highest nonce count seen per digest nonce, in an
 * Apache socache (shmcb on one machine; redis or memcache shared by a
 * cluster), so a replayed Authorization is refused on every child and node.
 */
#ifndef LP_NONCE_CACHE_H
#define LP_NONCE_CACHE_H

#include "httpd.h"
#include "lp_conf.h"

int lp_nonce_cache_pre_config(apr_pool_t *pconf);
/** Creates the caches (and the per-server digest secrets). */
int lp_nonce_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                               server_rec *s);
void lp_nonce_cache_child_init(apr_pool_t *p, server_rec *s);

/**
 * Records that `nc` was used with `nonce` (valid until `expiry`) if it is
 * greater than every count seen before: 1 accepted, 0 replay, -1 failure.
 */
int lp_nonce_cache_advance(request_rec *r, const char *nonce,
                           apr_uint32_t nc, apr_time_t expiry);

#endif
