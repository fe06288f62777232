/*
 * mod_lp_space — the request host's `spaces` row (see mod_lp_space.h).
 *
 * Rows are cached per child process for LinphoneProvisioningSpacesCache
 * seconds, keyed by virtual host and host name: an admin's change is seen
 * within that time.  Only existing rows are cached (unknown hosts are asked
 * again each time), so the cache is bounded by the table, and each entry
 * owns a sub-pool that a refresh destroys: nothing grows per request.
 * Requests copy the entry into their own pool under the lock.
 */
#include "mod_lp_space.h"
#include "mod_lp_conf.h"
#include "lp_doc.h"
#include "lp_rules.h"
#include "lp_sql.h"
#include "mod_lp_store.h"
#include "lp_text.h"

#include "http_log.h"
#include "apr_hash.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

APLOG_USE_MODULE(linphone_provisioning);

typedef struct {
    apr_pool_t *pool;
    apr_time_t fetched;
    lp_space space;
} cache_entry;

static apr_pool_t *cache_pool;
static apr_hash_t *cache;
#if APR_HAS_THREADS
static apr_thread_mutex_t *cache_lock;
#endif

void lp_space_child_init(apr_pool_t *p, server_rec *s)
{
#if APR_HAS_THREADS
    apr_status_t rv = apr_thread_mutex_create(&cache_lock,
                                              APR_THREAD_MUTEX_DEFAULT, p);

    if (rv != APR_SUCCESS) {
        /* without its lock the cache is not used: every request asks */
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, LPLOGNO(0602)
                     "cannot create the spaces cache lock: spaces rows are "
                     "not cached in this process");
        return;
    }
#endif
    apr_pool_create(&cache_pool, p);    /* aborts the child on failure */
    cache = apr_hash_make(cache_pool);
}

static void lock(void)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(cache_lock);
#endif
}

static void unlock(void)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(cache_lock);
#endif
}

static void copy(apr_pool_t *p, lp_space *to, const lp_space *from)
{
    int i;

#define DUP(s) ((s) ? apr_pstrdup(p, s) : NULL)
    to->host = DUP(from->host);
    to->domain = DUP(from->domain);
    to->id = DUP(from->id);
    to->generation = from->generation;
    to->realm = DUP(from->realm);
    to->custom = DUP(from->custom);
    to->overwrite_all = from->overwrite_all;
    to->require_header = from->require_header;
    to->password_algorithm = DUP(from->password_algorithm);
    for (i = 0; i < LP_UI_FLAGS; i++)
        to->ui[i] = DUP(from->ui[i]);
    to->carddav = apr_array_make(p, from->carddav ? from->carddav->nelts : 1,
                                 sizeof(lp_carddav_server));
    for (i = 0; from->carddav && i < from->carddav->nelts; i++) {
        const lp_carddav_server *f = &APR_ARRAY_IDX(from->carddav, i,
                                                    lp_carddav_server);
        lp_carddav_server *t = apr_array_push(to->carddav);

        t->enabled = DUP(f->enabled);
        t->uri = DUP(f->uri);
        t->min_characters = DUP(f->min_characters);
        t->results_limit = DUP(f->results_limit);
        t->timeout = DUP(f->timeout);
        t->delay = DUP(f->delay);
        t->fields_for_user_input = DUP(f->fields_for_user_input);
        t->fields_for_domain = DUP(f->fields_for_domain);
        t->use_exact_match_policy = DUP(f->use_exact_match_policy);
    }
#undef DUP
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* A row of LP_SQL_SPACE_FIND or, generation LP_FLEXIAPI_21, of
 * LP_SQL_SPACE_FIND_21 as a space (strings in `p`). */
static void from_row(request_rec *r, apr_pool_t *p, const char **v,
                     lp_flexiapi generation, lp_space *s)
{
    const char *max = v[LP_COL_SPACE_MAX_ACCOUNT];
    int i;

    s->host = v[LP_COL_SPACE_HOST];
    s->domain = v[LP_COL_SPACE_DOMAIN];
    s->id = v[LP_COL_SPACE_ID];
    s->generation = generation;
    s->realm = nonempty(v[LP_COL_SPACE_REALM]);
    s->custom = nonempty(v[LP_COL_SPACE_ENTRIES]);
    if (s->custom) {
        xmlDocPtr check = lp_doc_new();
        const char *err;

        lp_doc_pool_free(r->pool, check);
        err = lp_rc_parse(r->pool, s->custom, strlen(s->custom), check);
        if (err) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, LPLOGNO(0601)
                          "space %s: custom_provisioning_entries ignored: %s",
                          ap_escape_logitem(r->pool, s->host), err);
            s->custom = NULL;
        }
    }
    s->overwrite_all = lp_bool_parse(v[LP_COL_SPACE_OVERWRITE_ALL]) == 1;
    if (generation == LP_FLEXIAPI_21) {
        /* FlexiAPI 2.1 always requires the header: the directive decides
         * (default On) */
        s->require_header = -1;
        s->password_algorithm = lp_rules_reset_algorithm(
            v[LP_COL_SPACE21_DIGEST_ID], v[LP_COL_SPACE21_ALGORITHM]);
    }
    else                                                /* default: required */
        s->require_header = lp_bool_parse(v[LP_COL_SPACE_REQUIRE_HEADER]) != 0;
    for (i = 0; i < LP_UI_FLAGS - 1; i++)
        s->ui[i] = lp_bool_parse(v[LP_COL_SPACE_UI + i]) == 1 ? "1" : "0";
    s->ui[LP_UI_FLAGS - 1] = apr_psprintf(p, "%d", max ? atoi(max) : 0);
}

/* 1 when the cache holds a fresh row for key: copied into out. */
static int cached(request_rec *r, const char *key, apr_interval_time_t ttl,
                  apr_time_t now, lp_space *out)
{
    cache_entry *e;
    int found = 0;

    if (!cache)
        return 0;
    lock();
    e = apr_hash_get(cache, key, APR_HASH_KEY_STRING);
    if (e && now - e->fetched < ttl) {
        copy(r->pool, out, &e->space);
        found = 1;
    }
    unlock();
    return found;
}

static void remember(const char *key, apr_time_t now, const lp_space *space)
{
    cache_entry *e;

    if (!cache)
        return;
    lock();
    e = apr_hash_get(cache, key, APR_HASH_KEY_STRING);
    if (!e) {
        /* once per existing host: the entry and key live as long as the
         * child; the row's strings live in the entry's own pool */
        e = apr_pcalloc(cache_pool, sizeof *e);
        apr_pool_create(&e->pool, cache_pool);
        apr_hash_set(cache, apr_pstrdup(cache_pool, key), APR_HASH_KEY_STRING,
                     e);
    }
    apr_pool_clear(e->pool);            /* a refresh drops the old strings */
    copy(e->pool, &e->space, space);
    e->fetched = now;
    unlock();
}

/* The space's CardDAV servers (FlexiAPI 2.1; none on 2.0) into
 * out->carddav: 0, or -1 when the database failed. */
static int carddav_servers(request_rec *r, lp_space *out)
{
    apr_array_header_t *servers;
    int i;

    if (lp_store_carddav_servers(r, out->id ? out->id : "0", &servers)
        != LP_STORE_OK)
        return -1;
    out->carddav = apr_array_make(r->pool, servers->nelts + 1,
                                  sizeof(lp_carddav_server));
    for (i = 0; i < servers->nelts; i++) {
        const char **v = APR_ARRAY_IDX(servers, i, const char **);
        lp_carddav_server *cs = apr_array_push(out->carddav);

#define TEXT(col) (v[col] ? v[col] : "")
        cs->enabled =
            lp_bool_parse(v[LP_COL_CARDDAV_ENABLED]) == 1 ? "1" : "0";
        cs->uri = TEXT(LP_COL_CARDDAV_URI);
        cs->min_characters = TEXT(LP_COL_CARDDAV_MIN_CHARACTERS);
        cs->results_limit = TEXT(LP_COL_CARDDAV_RESULTS_LIMIT);
        cs->timeout = TEXT(LP_COL_CARDDAV_TIMEOUT);
        cs->delay = TEXT(LP_COL_CARDDAV_DELAY);
        cs->fields_for_user_input = TEXT(LP_COL_CARDDAV_FIELDS_FOR_USER_INPUT);
        cs->fields_for_domain = TEXT(LP_COL_CARDDAV_FIELDS_FOR_DOMAIN);
        cs->use_exact_match_policy =
            lp_bool_parse(v[LP_COL_CARDDAV_EXACT_MATCH]) == 1 ? "1" : "0";
#undef TEXT
    }
    return 0;
}

lp_space_status lp_space_fetch(request_rec *r, lp_space *out)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const char *key = apr_psprintf(r->pool, "%pp %s", (void *)r->server,
                                   r->hostname ? r->hostname : "");
    apr_time_t now = apr_time_now();
    const char **row;
    lp_flexiapi generation;

    if (cached(r, key, apr_time_from_sec(c->spaces_cache), now, out))
        return LP_SPACE_FOUND;
    switch (lp_store_space(r, r->hostname ? r->hostname : "", &row,
                           &generation)) {
    case LP_STORE_OK:
        break;
    case LP_STORE_NOT_FOUND:
        return LP_SPACE_MISSING;
    default:
        return LP_SPACE_FAILED;
    }
    from_row(r, r->pool, row, generation, out);
    if (carddav_servers(r, out))
        return LP_SPACE_FAILED;
    if (c->spaces_cache > 0)
        remember(key, now, out);
    return LP_SPACE_FOUND;
}
