/*
 * mod_lp_key_uses — API key uses counted in shared memory (lp_key_counter's
 * table, one for all the children of a generation) and written by the
 * store: at a key's first use after LinphoneAuthAPIKeyFlushInterval,
 * and for every key when a child exits (graceful restart, stop, a child
 * the MPM retires).
 */
#ifndef MOD_LP_KEY_USES_H
#define MOD_LP_KEY_USES_H

#include "httpd.h"
#include "lp_key_counter.h"

/** pre_config: registers the counter's mutex type (`Mutex` directive). */
int lp_key_uses_pre_config(apr_pool_t *pconf);
/** post_config: the shared table and its mutex. */
int lp_key_uses_post_config(apr_pool_t *pconf, server_rec *s);
/** Writes uses (lp_store_api_key_uses): 0 when written. */
typedef int (*lp_key_uses_writer)(request_rec *r, const lp_kc_write *w);

/** child_init: attaches to the mutex; the child's exit flushes the table
 *  through write. */
void lp_key_uses_child_init(apr_pool_t *pchild, server_rec *s,
                            lp_key_uses_writer write);
/** Counts one use of api_keys row id at r's time: 1 with *w filled when
 *  the caller is to write it now, 0 when it waits in the table. */
int lp_key_uses_count(request_rec *r, apr_int64_t id, lp_kc_write *w);
/** The latest use of the key counted on this server, written or not
 *  (0: none). */
apr_time_t lp_key_uses_last(request_rec *r, apr_int64_t id);
/** Puts back uses whose write failed. */
void lp_key_uses_give_back(request_rec *r, const lp_kc_write *w);

#endif
