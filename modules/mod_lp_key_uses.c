/*
 * mod_lp_key_uses — the shared API key counter (see mod_lp_key_uses.h).
 */
#include "mod_lp_key_uses.h"
#include "mod_lp_conf.h"

#include "http_log.h"
#include "http_protocol.h"
#include "util_mutex.h"
#include "apr_shm.h"
#include "apr_global_mutex.h"
#include "apr_strings.h"

APLOG_USE_MODULE(linphone_provisioning);

#define MUTEX_TYPE "linphone-api-key"
/* keys in use at once per generation; past that, uses are written one by
 * one, as with LinphoneAuthAPIKeyFlushInterval 0 */
#define SLOTS 4096

static apr_shm_t *shm;
static lp_kc_table *table;
static apr_global_mutex_t *mutex;
static server_rec *main_server;
static lp_key_uses_writer writer;

int lp_key_uses_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t forget(void *data)
{
    shm = NULL;
    table = NULL;
    mutex = NULL;
    return APR_SUCCESS;
}

int lp_key_uses_post_config(apr_pool_t *pconf, server_rec *s)
{
    apr_size_t size = lp_kc_size(SLOTS);
    apr_status_t rv;

    main_server = s;
    /* anonymous: inherited by the children of this generation only, so a
     * graceful restart's new children start from an empty table while the
     * old ones flush theirs on their way out */
    rv = apr_shm_create(&shm, size, NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, LPLOGNO(0901)
                     "cannot create the API key counter's shared memory "
                     "(%" APR_SIZE_T_FMT " bytes)", size);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    table = lp_kc_init(apr_shm_baseaddr_get(shm), SLOTS);
    rv = ap_global_mutex_create(&mutex, NULL, MUTEX_TYPE, NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, LPLOGNO(0902)
                     "cannot create the %s mutex", MUTEX_TYPE);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, NULL, forget, apr_pool_cleanup_null);
    return OK;
}

static server_rec *server_of(apr_uint32_t index)
{
    server_rec *s;

    for (s = main_server; s; s = s->next)
        if (lp_server_conf_get(s)->key_server == index)
            return s;
    return NULL;
}

/* Writes every pending use through a request-shaped record of the
 * key's server: the store's connections and statements are the request
 * path's, from mod_dbd's pool of this child, still open at this point
 * (a pre-cleanup of the child's pool runs before its sub-pools go). */
static apr_status_t flush_all(void *data)
{
    apr_pool_t *pchild = data, *p;
    apr_array_header_t *writes;
    apr_uint32_t cursor = 0;
    lp_kc_write w;
    int i, locked;

    if (!table || !mutex || apr_pool_create(&p, pchild) != APR_SUCCESS)
        return APR_SUCCESS;
    writes = apr_array_make(p, 8, sizeof w);
    /* a graceful restart may have removed the old generation's mutex
     * (SysV semaphores): its last children take the uses anyway */
    locked = apr_global_mutex_lock(mutex) == APR_SUCCESS;
    while (lp_kc_take(table, &cursor, &w))
        APR_ARRAY_PUSH(writes, lp_kc_write) = w;
    if (locked)
        apr_global_mutex_unlock(mutex);
    for (i = 0; i < writes->nelts; i++) {
        lp_kc_write *x = &APR_ARRAY_IDX(writes, i, lp_kc_write);
        server_rec *s = server_of(x->server);
        request_rec *r;
        conn_rec *c;

        if (!s)
            continue;
        r = apr_pcalloc(p, sizeof *r);
        c = apr_pcalloc(p, sizeof *c);
        c->pool = p;
        c->base_server = s;
        c->client_ip = c->local_ip = "-";
        c->notes = apr_table_make(p, 1);
        r->pool = p;
        r->connection = c;
        r->server = s;
        r->useragent_ip = "-";
        r->per_dir_config = s->lookup_defaults;
        r->request_config = ap_create_request_config(p);
        r->notes = apr_table_make(p, 1);
        r->headers_in = apr_table_make(p, 1);
        r->headers_out = apr_table_make(p, 1);
        r->err_headers_out = apr_table_make(p, 1);
        r->subprocess_env = apr_table_make(p, 1);
        r->request_time = apr_time_now();
        if (writer(r, x) != 0)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, LPLOGNO(0903)
                         "%u use(s) of API key id %" APR_INT64_T_FMT
                         " could not be written when this process exited",
                         x->n, x->id);
    }
    apr_pool_destroy(p);
    return APR_SUCCESS;
}

void lp_key_uses_child_init(apr_pool_t *pchild, server_rec *s,
                            lp_key_uses_writer write)
{
    if (!mutex)
        return;
    writer = write;
    if (apr_global_mutex_child_init(&mutex,
                                    apr_global_mutex_lockfile(mutex),
                                    pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0904)
                     "cannot attach to the %s mutex: this child writes "
                     "every API key use at once", MUTEX_TYPE);
        mutex = NULL;
        return;
    }
    apr_pool_pre_cleanup_register(pchild, pchild, flush_all);
}

int lp_key_uses_count(request_rec *r, apr_int64_t id, lp_kc_write *w)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    apr_time_t now = apr_time_now();
    int due;

    if (!table || !mutex || apr_global_mutex_lock(mutex) != APR_SUCCESS) {
        w->id = id;
        w->server = c->key_server;
        w->n = 1;
        w->last = now;
        return 1;
    }
    due = lp_kc_count(table, c->key_server, id, now,
                      apr_time_from_sec(c->key_flush), w);
    apr_global_mutex_unlock(mutex);
    return due;
}

apr_time_t lp_key_uses_last(request_rec *r, apr_int64_t id)
{
    apr_time_t last = 0;

    if (table && mutex && apr_global_mutex_lock(mutex) == APR_SUCCESS) {
        last = lp_kc_last(table, lp_server_conf_get(r->server)->key_server,
                          id);
        apr_global_mutex_unlock(mutex);
    }
    return last;
}

void lp_key_uses_give_back(request_rec *r, const lp_kc_write *w)
{
    if (table && mutex && apr_global_mutex_lock(mutex) == APR_SUCCESS) {
        lp_kc_give_back(table, w);
        apr_global_mutex_unlock(mutex);
    }
}
