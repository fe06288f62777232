/*
 * lp_store — accounts and tokens over mod_dbd (see lp_store.h).
 *
 * Statements are prepared once per database connection, on its first use
 * by this module, and kept in the connection's own pool: a connection that
 * mod_dbd opens anew is a new pool and gets them again.  That is also where
 * the per-driver variant and the lock wait are chosen, and it never disturbs
 * other mod_dbd users of the same virtual host.
 *
 * A server database (pgsql, mysql) can also lose the session under the same
 * connection: mod_dbd's check before each use reconnects the handle in place
 * (apr_dbd_pgsql's PQreset, apr_dbd_mysql's reconnecting mysql_ping), and
 * the session's prepared statements and settings are gone.  So on those
 * drivers any failed statement marks the connection's setup stale (the next
 * use prepares again, after deallocating what may be left), and when the
 * first statement of a request fails, the connection is checked (which
 * reconnects it), set up again and the statement retried once: the first
 * request after a database restart succeeds instead of failing on every
 * pooled connection in turn.
 *
 * SQLite has one writer at a time, and our writes (a claim's transaction,
 * an API key's counter) take turns on a global mutex, across threads and
 * child processes, instead of in SQLite's busy handler.  APR's sqlite3
 * driver runs every statement under one process-wide mutex, and SQLite's
 * busy_timeout sleeps inside it: a writer waiting for the database lock
 * stalls every database call of its process, the lock holder's next
 * statement included when it is in the same process, and the driver
 * retries a busy statement 16 times.  Under concurrent claims that convoy
 * turned seconds into minutes (the benchmark saw 1 request/s); on the
 * mutex a waiter sleeps on a futex and the lock holder never waits.  The
 * mutex is waited for at most the lock timeout.  Other programs writing
 * the file (FlexiAPI, sqlite3, a backup) are waited for by our own busy
 * handler, which sleeps with the driver's mutex released (busy_wait).
 *
 * SQLite connections are also kept off a missing or damaged database file
 * (see "SQLite connection hygiene").
 */
#include "lp_store.h"
#include "lp_sql.h"
#include "lp_conf.h"
#include "lp_crypto.h"
#include "lp_text.h"

#include "http_log.h"
#include "apr_dbd.h"
#include "mod_dbd.h"
#include "apr_strings.h"
#include "apr_optional.h"
#include "apr_global_mutex.h"
#include "apr_atomic.h"
#include "util_mutex.h"

#include <dlfcn.h>

APLOG_USE_MODULE(linphone_provisioning);

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire;

#define WRITE_MUTEX_TYPE "linphone-sqlite-write"
static apr_global_mutex_t *write_mutex;

#define CONN_KEY "linphone_provisioning_conn"

typedef struct {
    lp_dialect dialect;
    int ready;              /* session set and statements prepared */
    int prepared_before;    /* statements of an earlier setup may remain */
    apr_pool_t *pool;       /* the statements' pool, under the connection's */
    apr_dbd_prepared_t *stmt[LP_SQL_COUNT];
    apr_time_t deadline;    /* of the request using it: see tx_deadline() */
    int lock_wait;          /* server: the session's lock wait, -1 unknown */
    apr_time_t zone_synced; /* mysql: when the session's time_zone was set */
    int generation;         /* FlexiAPI's spaces: LP_FLEXIAPI_*, see below */
} lp_conn;

typedef struct {
    request_rec *r;
    ap_dbd_t *dbd;
    lp_conn *conn;
    int started;            /* a prepared statement of it has succeeded */
    int retried;
    int dropped;            /* conn_drop() closed it: touch it no more */
    int in_tx;              /* between our BEGIN and its COMMIT/ROLLBACK */
    int wait_set_in_tx;     /* a lock wait SET that a ROLLBACK undoes */
    apr_time_t deadline;
} tx;

/* The end of the request's database waits: LinphoneProvisioningDBTimeout
 * bounds them all together, however many statements and turns the request
 * takes, so it runs from the request's first use of the database. */
static apr_time_t tx_deadline(request_rec *r)
{
    static const char key[] = "linphone_provisioning_deadline";
    lp_server_conf *sc = lp_server_conf_get(r->server);
    apr_time_t *d = NULL;

    apr_pool_userdata_get((void **)&d, key, r->pool);
    if (!d) {
        d = apr_palloc(r->pool, sizeof *d);
        *d = apr_time_now() + apr_time_from_sec(sc->db_timeout);
        apr_pool_userdata_setn(d, key, apr_pool_cleanup_null, r->pool);
    }
    return *d;
}

int lp_store_init(void)
{
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    return dbd_acquire ? 0 : -1;
}

int lp_store_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, WRITE_MUTEX_TYPE, NULL, APR_LOCK_DEFAULT,
                             0);
}

int lp_store_post_config(apr_pool_t *pconf, server_rec *s)
{
    apr_status_t rv = ap_global_mutex_create(&write_mutex, NULL,
                                             WRITE_MUTEX_TYPE, NULL, s,
                                             pconf, 0);

    return rv == APR_SUCCESS ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

void lp_store_child_init(apr_pool_t *p, server_rec *s)
{
    if (write_mutex
        && apr_global_mutex_child_init(&write_mutex,
                                       apr_global_mutex_lockfile(write_mutex),
                                       p) != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0106)
                     "cannot attach to the %s mutex", WRITE_MUTEX_TYPE);
}

/* Takes our turn to write (SQLite only, see above); 0, or -1 logged.
 * The turn and then the database lock are waited for until the request's
 * deadline, so writers queued behind one that waits for another program's
 * lock do not each wait that long again. */
static int write_lock(request_rec *r, lp_conn *c)
{
    apr_interval_time_t left;
    apr_status_t rv;

    if (c->dialect != LP_DIALECT_SQLITE3 || !write_mutex)
        return 0;
    left = c->deadline - apr_time_now();
    rv = apr_global_mutex_timedlock(write_mutex, left > 0 ? left : 0);
    if (rv == APR_ENOTIMPL)
        rv = apr_global_mutex_lock(write_mutex);
    if (APR_STATUS_IS_TIMEUP(rv)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0108)
                      "gave up waiting for our turn to write: another "
                      "writer is waiting for the database lock (see "
                      "LinphoneProvisioningDBTimeout)");
        return -1;
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, LPLOGNO(0107)
                      "cannot take the %s mutex", WRITE_MUTEX_TYPE);
        return -1;
    }
    return 0;
}

/* (c may be NULL after a failed reconnection: only server drivers retry,
 * and they never took the lock) */
static void write_unlock(request_rec *r, lp_conn *c)
{
    if (c && c->dialect == LP_DIALECT_SQLITE3 && write_mutex)
        apr_global_mutex_unlock(write_mutex);
}

/*
 * What a driver error is, for the log, without row data: a server's
 * message can quote values (MariaDB's "Duplicate entry '...'", "Incorrect
 * string value: '...'", PostgreSQL's DETAIL lines and a trigger's RAISE).
 * So the log names the error by its code and class only:
 *
 * - PostgreSQL: the SQLSTATE.  libpq (12 and later) is asked to make its
 *   messages the severity and SQLSTATE alone (PQERRORS_SQLSTATE, set on
 *   each session by session_setup); a message without a SQLSTATE is the
 *   client library's own (a lost connection) and holds no data.  With an
 *   older libpq the message is withheld.
 * - MariaDB: the error number, which the APR driver returns; the message
 *   of a client error (2000-2999: connection, protocol) holds no data and
 *   is kept.
 * - SQLite: the result code, and the message, which never quotes values
 *   (constraint messages name columns, RAISE takes a literal).
 */
#define PQERRORS_SQLSTATE 3
static int (*pq_set_error_verbosity)(void *conn, int verbosity);
static int pq_sqlstate_only = -1;       /* -1: not looked up yet */

static const char *first_line(request_rec *r, const char *e)
{
    return e ? apr_pstrndup(r->pool, e, strcspn(e, "\r\n")) : "no message";
}

static const char *driver_error(request_rec *r, ap_dbd_t *dbd, int rv)
{
    const char *name = apr_dbd_name(dbd->driver);

    if (!strcmp(name, "pgsql"))
        return pq_sqlstate_only == 1
               ? apr_pstrcat(r->pool, "PostgreSQL ", first_line(r,
                             apr_dbd_error(dbd->driver, dbd->handle, rv)),
                             NULL)
               : "PostgreSQL error (message withheld: libpq before 12)";
    if (!strcmp(name, "mysql"))
        return rv >= 2000 && rv < 3000
               ? apr_psprintf(r->pool, "MariaDB client error %d: %s", rv,
                              first_line(r, apr_dbd_error(dbd->driver,
                                                          dbd->handle, rv)))
               : apr_psprintf(r->pool, "MariaDB error %d", rv);
    return apr_psprintf(r->pool, "SQLite result %d: %s", rv,
                        first_line(r, apr_dbd_error(dbd->driver, dbd->handle,
                                                    rv)));
}

/* PostgreSQL: messages of this session are the severity and SQLSTATE. */
static void pq_terse(ap_dbd_t *dbd)
{
    void *conn = apr_dbd_native_handle(dbd->driver, dbd->handle);

    if (pq_sqlstate_only < 0) {
        /* racing threads store the same values */
        pq_set_error_verbosity = (int (*)(void *, int))
                                 dlsym(RTLD_DEFAULT, "PQsetErrorVerbosity");
        /* PQERRORS_SQLSTATE came with libpq 12, as PQresultMemorySize */
        pq_sqlstate_only = pq_set_error_verbosity
                           && dlsym(RTLD_DEFAULT, "PQresultMemorySize");
    }
    if (pq_sqlstate_only == 1 && pq_set_error_verbosity && conn)
        pq_set_error_verbosity(conn, PQERRORS_SQLSTATE);
}

static int server_dialect(const lp_conn *c)
{
    return c->dialect != LP_DIALECT_SQLITE3;
}

/* --- SQLite connection hygiene --------------------------------------
 *
 * mod_dbd keeps a persistent connection for as long as the driver's
 * check_conn says it is alive, and APR's sqlite3 driver always says so (its
 * handle is non-NULL).  Two things follow when the database file goes away
 * for a moment (moved, restored, replaced):
 *
 * - sqlite3_open() creates an empty file at the missing path, and a
 *   connection opened then stays on that empty, soon unlinked file: every
 *   request through it fails, for as long as mod_dbd keeps it;
 * - worse, once the real file and its -wal are back, the first read on
 *   such a connection finds a WAL beside an empty main file and SQLite
 *   deletes that WAL: committed transactions of the real database are lost
 *   and the file is left damaged.
 *
 * So a connection is never used when its main file is empty (asked of the
 * open file, an fstat: nothing is read), and a connection that failed its
 * setup, hit a fatal error or could not roll back is dropped: the SQLite
 * connection is closed (sqlite3_close_v2 waits for the driver to finalise
 * its prepared statements) and the handle's connection pointer cleared —
 * the first member of APR's sqlite3 apr_dbd_t, checked against
 * apr_dbd_native_handle() before writing it — so that at the next acquire
 * the driver's check_conn fails and mod_dbd discards it and opens a new
 * one.  pgsql and mysql need none of this: their check_conn sees a dead
 * link.
 *
 * The few pieces of SQLite's C API used are declared here as sqlite3.h
 * declares them (a frozen ABI) and found at run time in the libsqlite3 the
 * APR driver loaded: no build dependency, and no libsqlite3 at all for a
 * site on another driver.
 */
#define SQLITE_BUSY 5
#define SQLITE_LOCKED 6
#define SQLITE_IOERR 10
#define SQLITE_CORRUPT 11
#define SQLITE_CANTOPEN 14
#define SQLITE_NOTADB 26
#define SQLITE_FCNTL_FILE_POINTER 7

typedef struct sq_file sq_file;
typedef struct {
    int iVersion;
    int (*xClose)(sq_file *);
    int (*xRead)(sq_file *, void *, int, long long);
    int (*xWrite)(sq_file *, const void *, int, long long);
    int (*xTruncate)(sq_file *, long long);
    int (*xSync)(sq_file *, int);
    int (*xFileSize)(sq_file *, long long *);
} sq_io_methods;
struct sq_file {
    const sq_io_methods *pMethods;
};

static int (*sq_close_v2)(void *db);
static int (*sq_file_control)(void *db, const char *name, int op, void *arg);
static int (*sq_busy_handler)(void *db, int (*)(void *, int), void *arg);
static int (*sq_exec)(void *db, const char *sql, void *callback, void *arg,
                      char **errmsg);

static int sq_resolve(void)
{
    /* racing threads store the same values */
    if (!sq_close_v2)
        sq_close_v2 = (int (*)(void *))dlsym(RTLD_DEFAULT,
                                             "sqlite3_close_v2");
    if (!sq_file_control)
        sq_file_control = (int (*)(void *, const char *, int, void *))
                          dlsym(RTLD_DEFAULT, "sqlite3_file_control");
    if (!sq_busy_handler)
        sq_busy_handler = (int (*)(void *, int (*)(void *, int), void *))
                          dlsym(RTLD_DEFAULT, "sqlite3_busy_handler");
    if (!sq_exec)
        sq_exec = (int (*)(void *, const char *, void *, void *, char **))
                  dlsym(RTLD_DEFAULT, "sqlite3_exec");
    return sq_close_v2 && sq_file_control && sq_busy_handler && sq_exec;
}

/*
 * Waiting for a SQLite lock.
 *
 * APR's sqlite3 driver runs every statement of the process under one
 * mutex (apr_dbd_mutex_lock, exported by libaprutil for its drivers), and
 * SQLite's own busy_timeout sleeps inside the statement: a thread waiting
 * for the write lock kept every other thread of its child from running any
 * statement -- the lock holder's next statement and COMMIT included.  Under
 * a burst of writers that convoy stretched each wait to its whole
 * busy_timeout: 20 claims at once took seconds, and some ran past
 * LinphoneProvisioningDBTimeout into 503s (concurrency soak).
 *
 * This busy handler waits until the request's deadline (tx_deadline) and
 * sleeps with the driver's mutex released, as the driver itself does
 * between its retries, polling every few milliseconds.  It is installed
 * before the session's first statement: a new connection's first look at
 * the schema (PRAGMA synchronous needs it) waits like any statement.
 *
 * The driver also retries a busy statement itself, 16 times 100 ms apart:
 * past the deadline that would add 1.6 s.  So the statements that wait for
 * the write lock -- BEGIN IMMEDIATE, and COMMIT -- are run with
 * sqlite3_exec (under the driver's mutex, as the driver runs them), and a
 * write outside a transaction gets one (see write_rows).
 */
APU_DECLARE(apr_status_t) apr_dbd_mutex_lock(void);
APU_DECLARE(apr_status_t) apr_dbd_mutex_unlock(void);

static int busy_wait(void *arg, int count)
{
    lp_conn *c = arg;
    apr_interval_time_t left = c->deadline - apr_time_now(), nap;

    if (left <= 0)
        return 0;                   /* SQLITE_BUSY */
    nap = count < 4 ? apr_time_from_msec(1 << count) : apr_time_from_msec(10);
    if (nap > left)
        nap = left;
    apr_dbd_mutex_unlock();
    apr_sleep(nap);
    apr_dbd_mutex_lock();
    return 1;
}

static int is_sqlite(ap_dbd_t *dbd)
{
    return strcmp(apr_dbd_name(dbd->driver), "sqlite3") == 0;
}

/* 1 when the connection's main database file is empty (0 bytes). */
static int sq_main_empty(ap_dbd_t *dbd)
{
    void *db = apr_dbd_native_handle(dbd->driver, dbd->handle);
    sq_file *f = NULL;
    long long size = -1;

    if (!db || !sq_resolve()
        || sq_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != 0
        || !f || !f->pMethods || !f->pMethods->xFileSize
        || f->pMethods->xFileSize(f, &size) != 0)
        return 0;                      /* cannot tell: let SQLite answer */
    return size == 0;
}

/* Connections dropped in this process and not yet discarded by mod_dbd:
 * the acquire that discards one returns no connection (see tx_open). */
static apr_uint32_t drops_pending;

static int take_pending_drop(void)
{
    apr_uint32_t n;

    while ((n = apr_atomic_read32(&drops_pending)) > 0)
        if (apr_atomic_cas32(&drops_pending, n - 1, n) == n)
            return 1;
    return 0;
}

/* Closes a broken SQLite connection so that mod_dbd discards it. */
static void conn_drop(tx *t, const char *why)
{
    void **first, *db;

    if (t->dropped || !is_sqlite(t->dbd))
        return;
    db = apr_dbd_native_handle(t->dbd->driver, t->dbd->handle);
    first = (void **)t->dbd->handle;
    if (!db || *first != db || !sq_resolve())
        return;                 /* not the layout we know: leave it be */
    sq_close_v2(db);
    *first = NULL;
    t->dropped = 1;
    apr_atomic_inc32(&drops_pending);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, t->r, LPLOGNO(0109)
                  "database connection dropped (%s); mod_dbd opens a new "
                  "one for the next request", why);
}

/* 1 for a SQLite result that condemns the connection. */
static int fatal(tx *t, int rv)
{
    return is_sqlite(t->dbd)
           && (rv == SQLITE_IOERR || rv == SQLITE_CORRUPT
               || rv == SQLITE_CANTOPEN || rv == SQLITE_NOTADB);
}

/* FlexiAPI's schema generation, told by which spaces statement prepares:
 * 2.0 (spaces holds account_realm and the header flag) or 2.1 (they moved
 * to space_digest_authentication_configurations or were dropped).  Neither
 * (no spaces table, or another shape) still serves everything but
 * LinphoneProvisioningSpaces. */
static int generation_of(const lp_conn *c)
{
    if (c->stmt[LP_SQL_SPACE_FIND])
        return LP_FLEXIAPI_20;
    if (c->stmt[LP_SQL_SPACE_FIND_21])
        return LP_FLEXIAPI_21;
    return LP_FLEXIAPI_NONE;
}

/* The generation last said by this process, LP_FLEXIAPI_NONE + 1 for none
 * yet: said again only when a connection finds another one (a database
 * upgraded under a running server, or virtual hosts on different ones). */
static apr_uint32_t generation_said = LP_FLEXIAPI_NONE + 1;

static void generation_say(request_rec *r, const lp_conn *c)
{
    int generation = c->generation;

    if (apr_atomic_xchg32(&generation_said, (apr_uint32_t)generation)
        == (apr_uint32_t)generation)
        return;
    if (generation == LP_FLEXIAPI_NONE)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, LPLOGNO(0131)
                      "the database of %s has no FlexiAPI 2.0 or 2.1 spaces "
                      "table (LinphoneProvisioningSpaces On answers 503 "
                      "there)", r->server->server_hostname);
    else
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, LPLOGNO(0131)
                      "the database of %s has FlexiAPI %s's spaces, %s "
                      "CardDAV tables", r->server->server_hostname,
                      generation == LP_FLEXIAPI_21 ? "2.1" : "2.0",
                      c->stmt[LP_SQL_CARDDAV_SERVERS_FIND]
                      && c->stmt[LP_SQL_CARDDAV_CREDENTIALS_FIND]
                      ? "with" : "without");
}

/* Runs the session statements of the dialect (one per line). */
static int session_setup(request_rec *r, ap_dbd_t *dbd, lp_conn *c)
{
    lp_server_conf *sc = lp_server_conf_get(r->server);
    char buf[256];
    char *session, *line, *state;
    int rv, nrows;

    session = apr_pstrdup(r->pool, lp_sql_session(c->dialect, sc->db_timeout,
                                                  buf, sizeof buf));
    if (c->dialect == LP_DIALECT_PGSQL)
        pq_terse(dbd);
    if (c->dialect == LP_DIALECT_SQLITE3 && sq_resolve())
        sq_busy_handler(apr_dbd_native_handle(dbd->driver, dbd->handle),
                        busy_wait, c);
    else if (server_dialect(c))
        c->lock_wait = lp_sql_lock_wait(c->dialect, sc->db_timeout * 1000);
    for (line = apr_strtok(session, "\n", &state); line;
         line = apr_strtok(NULL, "\n", &state)) {
        /* the busy handler replaces it (it would replace the handler) */
        if (c->dialect == LP_DIALECT_SQLITE3 && sq_busy_handler
            && !strncmp(line, "PRAGMA busy_timeout", 19))
            continue;
        if (lp_sql_session_returns_rows(c->dialect)) {
            apr_dbd_results_t *res = NULL;
            apr_dbd_row_t *row = NULL;

            rv = apr_dbd_select(dbd->driver, r->pool, dbd->handle, &res,
                                line, 1);
            while (!rv && apr_dbd_get_row(dbd->driver, r->pool, res, &row,
                                          -1) == 0)
                ;
        }
        else {
            rv = apr_dbd_query(dbd->driver, dbd->handle, &nrows, line);
        }
        if (rv) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0101)
                          "database session setup failed: %s",
                          driver_error(r, dbd, rv));
            return rv;
        }
    }
    return 0;
}

/* The connection, set up for our statements, or NULL with *why set to the
 * driver's result (-1: not the driver's). */
static lp_conn *conn_setup(request_rec *r, ap_dbd_t *dbd, int *why)
{
    lp_conn *c;
    int i, rv, nrows;

    *why = -1;
    apr_pool_userdata_get((void **)&c, CONN_KEY, dbd->pool);
    if (c) {
        c->deadline = tx_deadline(r);
        if (c->ready)
            return c;
    }
    if (is_sqlite(dbd) && sq_main_empty(dbd)) {
        /* see "SQLite connection hygiene": no SQL on this one */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0110)
                      "the SQLite database file is empty: was it missing "
                      "when the connection was opened? (is the schema "
                      "installed?)");
        return NULL;
    }
    if (!c) {
        c = apr_pcalloc(dbd->pool, sizeof *c);
        c->dialect = lp_sql_dialect(apr_dbd_name(dbd->driver));
        c->deadline = tx_deadline(r);
        apr_pool_userdata_set(c, CONN_KEY, apr_pool_cleanup_null, dbd->pool);
    }
    /* statements of an earlier setup: their handles are freed with their
     * pool (apr_dbd_mysql closes them), PostgreSQL's named ones are
     * deallocated if the session still holds them (errors ignored) */
    if (c->pool)
        apr_pool_destroy(c->pool);
    if (apr_pool_create(&c->pool, dbd->pool) != APR_SUCCESS)
        return NULL;
    if (c->prepared_before && c->dialect == LP_DIALECT_PGSQL) {
        for (i = 0; i < LP_SQL_COUNT; i++)
            apr_dbd_query(dbd->driver, dbd->handle, &nrows,
                          apr_pstrcat(r->pool, "DEALLOCATE ",
                                      lp_sql_label(i), NULL));
    }
    if ((*why = session_setup(r, dbd, c)) != 0)
        return NULL;
    c->zone_synced = apr_time_now();
    c->prepared_before = 1;
    for (i = 0; i < LP_SQL_COUNT; i++) {
        c->stmt[i] = NULL;
        rv = apr_dbd_prepare(dbd->driver, c->pool, dbd->handle,
                             lp_sql_text(i, c->dialect), lp_sql_label(i),
                             &c->stmt[i]);
        if (rv && (i == LP_SQL_SPACE_FIND || i == LP_SQL_SPACE_FIND_21
                   || i == LP_SQL_CARDDAV_SERVERS_FIND
                   || i == LP_SQL_CARDDAV_CREDENTIALS_FIND)) {
            /* which of them prepare tells the schema's generation (said
             * below); the CardDAV tables are FlexiAPI 2.1's, optional */
            c->stmt[i] = NULL;
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, LPLOGNO(0130)
                          "cannot prepare statement %s: %s", lp_sql_label(i),
                          driver_error(r, dbd, rv));
        }
        else if (rv && (i == LP_SQL_CONTACTS_FIND
                        || i == LP_SQL_CONTACT_TYPES_FIND
                        || i == LP_SQL_CONTACT_ACTIONS_FIND)) {
            /* only the contacts list uses them: a database without its
             * tables (an older FlexiAPI) serves an empty list, said once
             * per process by lp_store_contacts */
            c->stmt[i] = NULL;
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, LPLOGNO(0120)
                          "cannot prepare statement %s: %s", lp_sql_label(i),
                          driver_error(r, dbd, rv));
        }
        else if (rv) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0102)
                          "cannot prepare statement %s: %s (is the schema "
                          "installed?)", lp_sql_label(i),
                          driver_error(r, dbd, rv));
            *why = rv;
            return NULL;
        }
    }
    c->generation = generation_of(c);
    generation_say(r, c);
    c->ready = 1;
    return c;
}

static int failed(tx *t, const char *what, int rv)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, t->r, LPLOGNO(0103)
                  "statement %s failed: %s", what,
                  driver_error(t->r, t->dbd, rv));
    /* the session may be gone (a reconnected handle has no statements) */
    if (t->conn && server_dialect(t->conn))
        t->conn->ready = 0;
    if (fatal(t, rv))
        conn_drop(t, "the database file is unreadable or damaged");
    return -1;
}

/* Transaction control (BEGIN, COMMIT, ROLLBACK); 0, or -1 logged.  On
 * SQLite, natively: see busy_wait. */
static int plain(tx *t, const char *sql)
{
    int nrows = 0, rv;
    int begin = !strncmp(sql, "BEGIN", 5) || !strncmp(sql, "START", 5);

    if (t->dropped)
        return -1;
    if (is_sqlite(t->dbd) && sq_resolve()) {
        apr_dbd_mutex_lock();
        rv = sq_exec(apr_dbd_native_handle(t->dbd->driver, t->dbd->handle),
                     sql, NULL, NULL, NULL);
        apr_dbd_mutex_unlock();
    }
    else {
        rv = apr_dbd_query(t->dbd->driver, t->dbd->handle, &nrows, sql);
    }
    if (rv)
        return failed(t, sql, rv);
    if (!begin && t->wait_set_in_tx && t->conn && !strcmp(sql, LP_SQL_ROLLBACK))
        t->conn->lock_wait = -1;    /* PostgreSQL undid our SET */
    t->in_tx = begin;
    t->wait_set_in_tx = 0;
    return 0;
}

/* Before a statement that may wait for a row lock on a server database:
 * the session's lock wait is what is left of the request's deadline (the
 * driver waits per statement).  PostgreSQL's is set to the millisecond
 * when it is off by more than 100 ms, MariaDB's in whole seconds (at least
 * 1), so a request waits at most DBTimeout plus that.  0, or -1 logged. */
static int lock_wait_fit(tx *t)
{
    lp_server_conf *sc = lp_server_conf_get(t->r->server);
    apr_interval_time_t left = t->deadline - apr_time_now();
    char sql[96];
    int want, nrows, rv, full = sc->db_timeout * 1000;

    if (!server_dialect(t->conn))
        return 0;
    if (left <= 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, t->r, LPLOGNO(0113)
                      "gave up: the request has waited for the database as "
                      "long as LinphoneProvisioningDBTimeout allows");
        return -1;
    }
    want = lp_sql_lock_wait(t->conn->dialect,
                            apr_time_as_msec(left) < full
                            ? (int)apr_time_as_msec(left) : full);
    if (t->conn->lock_wait >= 0
        && (t->conn->dialect == LP_DIALECT_PGSQL
            ? t->conn->lock_wait - want <= 100 && want - t->conn->lock_wait
                                                  <= 100
            : t->conn->lock_wait == want))
        return 0;
    rv = apr_dbd_query(t->dbd->driver, t->dbd->handle, &nrows,
                       lp_sql_lock_wait_set(t->conn->dialect, want, sql,
                                            sizeof sql));
    if (rv)
        return failed(t, "the lock wait setting", rv);
    t->conn->lock_wait = want;
    t->wait_set_in_tx = t->in_tx;
    return 0;
}

/* Runs a write statement; returns the affected rows, or -1.  On SQLite, a
 * write outside our transactions gets one of its own, whose BEGIN waits
 * for the lock without the driver's retries. */
static int write_rows(tx *t, lp_sql_id id, int nargs, const char **args)
{
    int nrows = 0, rv, own;

    if (t->dropped || lock_wait_fit(t))
        return -1;
    own = !t->in_tx && !server_dialect(t->conn);
    if (own && plain(t, lp_sql_begin(t->conn->dialect)))
        return -1;
    rv = apr_dbd_pquery(t->dbd->driver, t->r->pool, t->dbd->handle, &nrows,
                        t->conn->stmt[id], nargs, args);
    if (rv)
        failed(t, lp_sql_label(id), rv);
    else
        t->started = 1;
    if (!own)
        return rv ? -1 : nrows;
    if (!rv && !plain(t, LP_SQL_COMMIT))
        return nrows;
    if (!t->dropped && plain(t, LP_SQL_ROLLBACK))
        conn_drop(t, "ROLLBACK failed");
    return -1;
}

/* Runs a query; *rows holds every row as an array of pool strings
 * (NULL for SQL NULL).  Returns 0, or -1.
 *
 * Rows are fetched by number (1, 2, ...) from a random-access result: that
 * is the one way every driver reads them (apr_dbd_mysql returns no row of a
 * random-access result asked for sequentially, apr_dbd_pgsql's sequential
 * results wait 100 ms on an empty one).  apr_dbd_pgsql gives "" for NULL,
 * so NULL is asked with apr_dbd_datum_get (APR_ENOENT on every driver). */
static int read_rows(tx *t, lp_sql_id id, int nargs, const char **args,
                     apr_array_header_t **rows)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    apr_pool_t *p = t->r->pool;
    const apr_dbd_driver_t *d = t->dbd->driver;
    int rv, ncols, i, n;

    if (t->dropped || lock_wait_fit(t))
        return -1;
    rv = apr_dbd_pselect(d, p, t->dbd->handle, &res, t->conn->stmt[id], 1,
                         nargs, args);
    if (rv)
        return failed(t, lp_sql_label(id), rv);
    t->started = 1;
    ncols = apr_dbd_num_cols(d, res);
    *rows = apr_array_make(p, 2, sizeof(const char **));
    for (n = 1; apr_dbd_get_row(d, p, res, &row, n) == 0; n++) {
        const char **values = apr_pcalloc(p, ncols * sizeof *values);

        for (i = 0; i < ncols; i++) {
            const char *v = NULL;

            if (apr_dbd_datum_get(d, row, i, APR_DBD_TYPE_STRING, &v)
                == APR_SUCCESS && v)
                values[i] = apr_pstrdup(p, v);
        }
        APR_ARRAY_PUSH(*rows, const char **) = values;
    }
    return 0;
}

/* The one row whose column col is exactly value (see lp_sql.h), or NULL. */
static const char **exact_row(apr_array_header_t *rows, int col,
                              const char *value)
{
    const char **found = NULL;
    int i;

    for (i = 0; i < rows->nelts; i++) {
        const char **v = APR_ARRAY_IDX(rows, i, const char **);

        if (v[col] && strcmp(v[col], value) == 0) {
            if (found)
                return NULL;
            found = v;
        }
    }
    return found;
}

static linphone_account *account_from(apr_pool_t *p, const char **v)
{
    linphone_account *a = apr_pcalloc(p, sizeof *a);

    a->id = apr_atoi64(v[0]);
    a->username = v[1] ? v[1] : "";
    a->domain = v[2] ? v[2] : "";
    a->display_name = v[3];
    a->email = v[4];
    a->activated = lp_bool_parse(v[5]) == 1;
    a->blocked = lp_bool_parse(v[6]) == 1;
    return a;
}

/* 1 when `created_at` plus `lifetime` is in the past (or unreadable). */
static int expired(const char *created_at, apr_interval_time_t lifetime)
{
    apr_time_t t;

    if (lifetime <= 0)
        return 0;
    if (lp_time_parse(created_at, &t) != 0)
        return 1;
    return t + lifetime < apr_time_now();
}

/* The verdict on a provisioning token row starting with id, used,
 * created_at and the account's newest unused token id (TOKEN_FIND and
 * TOKEN_CHECK). */
static lp_store_status token_verdict(const char **v,
                                     apr_interval_time_t lifetime)
{
    /* used, or not the account's newest unused token */
    if (lp_bool_parse(v[1]) != 0 || !v[3] || strcmp(v[0], v[3]))
        return LP_STORE_NOT_FOUND;
    if (expired(v[2], lifetime))
        return LP_STORE_EXPIRED;
    return LP_STORE_OK;
}

/* 1 when the claim is bound to a domain and the account is of another:
 * the token is then unknown here, whatever its state. */
static int other_domain(const lp_claim *cl, const char *domain)
{
    return cl->domain && (!domain || strcmp(domain, cl->domain));
}

/* The token part of a claim; on LP_STORE_OK *account is set.  Read only
 * (HEAD) stops at the verdict, before the first write. */
static lp_store_status claim_token(tx *t, const lp_claim *cl, const char *now,
                                   int read_only, linphone_account **account)
{
    apr_pool_t *p = t->r->pool;
    apr_array_header_t *rows;
    const char **v;
    const char *args[6];
    lp_store_status st;
    int n;

    if (cl->kind == LP_CLAIM_ACCOUNT) {
        args[0] = apr_psprintf(p, "%" APR_INT64_T_FMT, cl->account_id);
        if (read_rows(t, LP_SQL_ACCOUNT_FIND_ID, 1, args, &rows))
            return LP_STORE_UNAVAILABLE;
        if (rows->nelts != 1)
            return LP_STORE_NOT_FOUND;
        *account = account_from(p, APR_ARRAY_IDX(rows, 0, const char **));
        return (*account)->blocked ? LP_STORE_BLOCKED : LP_STORE_OK;
    }
    args[0] = cl->token;
    if (cl->kind == LP_CLAIM_PROVISIONING_TOKEN) {
        if (read_rows(t, LP_SQL_TOKEN_FIND, 1, args, &rows))
            return LP_STORE_UNAVAILABLE;
        if (!(v = exact_row(rows, 4 + LP_SQL_ACCOUNT_NCOLS, cl->token))
            || other_domain(cl, v[4 + 2]))
            return LP_STORE_NOT_FOUND;
        if ((st = token_verdict(v, cl->lifetime)) != LP_STORE_OK)
            return st;
        *account = account_from(p, v + 4);
        if ((*account)->blocked)
            return LP_STORE_BLOCKED;
        if (read_only)
            return LP_STORE_OK;
        /* PostgreSQL's UPDATE sees rows committed before it starts, not
         * those committing while it waits: see LP_SQL_ACCOUNT_LOCK */
        args[0] = v[4];
        if (t->conn->dialect == LP_DIALECT_PGSQL
            && read_rows(t, LP_SQL_ACCOUNT_LOCK, 1, args, &rows))
            return LP_STORE_UNAVAILABLE;
        args[0] = cl->ip;
        args[1] = cl->user_agent;
        args[2] = now;
        args[3] = v[0];
        args[4] = v[4];
        args[5] = v[0];
        n = write_rows(t, LP_SQL_TOKEN_CONSUME, 6, args);
        if (n < 0)
            return LP_STORE_UNAVAILABLE;
        if (n != 1)
            return LP_STORE_NOT_FOUND;          /* another request won */
        args[0] = now;
        args[1] = v[4];
        if (write_rows(t, LP_SQL_ACCOUNT_ACTIVATE, 2, args) < 0)
            return LP_STORE_UNAVAILABLE;
        (*account)->activated = 1;
        return LP_STORE_OK;
    }

    if (read_rows(t, LP_SQL_AUTH_TOKEN_FIND, 1, args, &rows))
        return LP_STORE_UNAVAILABLE;
    if (!(v = exact_row(rows, 2 + LP_SQL_ACCOUNT_NCOLS, cl->token))
        || other_domain(cl, v[2 + 2]))
        return LP_STORE_NOT_FOUND;
    if (expired(v[1], cl->lifetime))
        return LP_STORE_NOT_FOUND;
    *account = account_from(p, v + 2);
    if ((*account)->blocked)
        return LP_STORE_BLOCKED;
    if (read_only)
        return LP_STORE_OK;
    args[0] = v[0];
    n = write_rows(t, LP_SQL_AUTH_TOKEN_DELETE, 1, args);
    if (n < 0)
        return LP_STORE_UNAVAILABLE;
    return n == 1 ? LP_STORE_OK : LP_STORE_NOT_FOUND;
}

/* A fresh password's HA1 for the account, or NULL (logged). */
static const char *fresh_ha1(tx *t, const lp_claim *cl,
                             const linphone_account *a)
{
    apr_pool_t *p = t->r->pool;
    const char *password;

    if (lp_random_password(p, &password) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, t->r, LPLOGNO(0104)
                      "no random source for the new password");
        return NULL;
    }
    return lp_ha1(p, cl->algorithm, a->username, a->realm, password);
}

/* Replaces every password of the account by one fresh HA1 row. */
static lp_store_status reset_password(tx *t, const lp_claim *cl,
                                      const linphone_account *a)
{
    apr_pool_t *p = t->r->pool;
    const char *id = apr_psprintf(p, "%" APR_INT64_T_FMT, a->id);
    const char *ha1;
    const char *args[3];

    if (!(ha1 = fresh_ha1(t, cl, a)))
        return LP_STORE_UNAVAILABLE;
    args[0] = id;
    if (write_rows(t, LP_SQL_PASSWORDS_DELETE, 1, args) < 0)
        return LP_STORE_UNAVAILABLE;
    args[1] = ha1;
    args[2] = cl->algorithm;
    if (write_rows(t, LP_SQL_PASSWORD_INSERT, 3, args) < 0)
        return LP_STORE_UNAVAILABLE;
    return LP_STORE_OK;
}

/* The account's CardDAV credentials (FlexiAPI 2.1; none without the
 * table). */
static lp_store_status load_carddav(tx *t, linphone_account *a)
{
    apr_array_header_t *rows;
    const char *args[1];
    int i;

    a->carddav = NULL;
    if (!t->conn->stmt[LP_SQL_CARDDAV_CREDENTIALS_FIND])
        return LP_STORE_OK;
    args[0] = apr_psprintf(t->r->pool, "%" APR_INT64_T_FMT, a->id);
    if (read_rows(t, LP_SQL_CARDDAV_CREDENTIALS_FIND, 1, args, &rows))
        return LP_STORE_UNAVAILABLE;
    a->carddav = apr_array_make(t->r->pool, rows->nelts + 1,
                                sizeof(linphone_carddav_credential));
    for (i = 0; i < rows->nelts; i++) {
        const char **v = APR_ARRAY_IDX(rows, i, const char **);
        linphone_carddav_credential *cr = apr_array_push(a->carddav);

        cr->username = v[0] ? v[0] : "";
        cr->password = v[1] ? v[1] : "";
        cr->realm = v[2] ? v[2] : "";
        cr->algorithm = v[3] ? v[3] : "";
    }
    return LP_STORE_OK;
}

static lp_store_status load_passwords(tx *t, linphone_account *a)
{
    apr_array_header_t *rows;
    const char *args[1];
    int i;

    if (load_carddav(t, a) != LP_STORE_OK)
        return LP_STORE_UNAVAILABLE;
    args[0] = apr_psprintf(t->r->pool, "%" APR_INT64_T_FMT, a->id);
    if (read_rows(t, LP_SQL_PASSWORDS_FIND, 1, args, &rows))
        return LP_STORE_UNAVAILABLE;
    a->passwords = apr_array_make(t->r->pool, rows->nelts,
                                  sizeof(linphone_password));
    for (i = 0; i < rows->nelts; i++) {
        const char **v = APR_ARRAY_IDX(rows, i, const char **);
        linphone_password *pw = apr_array_push(a->passwords);

        /* as stored: a NULL algorithm is none (never MD5), and lp_auth.c
         * never authenticates with a row that is not a usable password */
        pw->password = v[0] ? v[0] : "";
        pw->algorithm = v[1] ? v[1] : "";
    }
    return LP_STORE_OK;
}

/* MariaDB: a pooled session keeps the time_zone it was given, while new
 * sessions (FlexiAPI's) take the server's current one: re-read it at most
 * once a second per connection, so that a change of the server's zone
 * never makes a token look hours older or younger.  0, or -1 logged. */
static int zone_sync(tx *t)
{
    apr_time_t now = apr_time_now();
    int nrows, rv;

    if (t->conn->dialect != LP_DIALECT_MYSQL
        || now - t->conn->zone_synced < apr_time_from_sec(1))
        return 0;
    rv = apr_dbd_query(t->dbd->driver, t->dbd->handle, &nrows,
                       LP_SQL_ZONE_SYNC);
    if (rv)
        return failed(t, "the time zone setting", rv);
    t->conn->zone_synced = now;
    return 0;
}

/* The request's pooled connection, ready for our statements; -1 if none. */
static int tx_open(request_rec *r, tx *t)
{
    lp_conn *c = NULL;
    int why;

    t->r = r;
    t->conn = NULL;
    t->started = 0;
    t->retried = 0;
    t->dropped = 0;
    t->in_tx = 0;
    t->wait_set_in_tx = 0;
    t->deadline = tx_deadline(r);
    t->dbd = dbd_acquire(r);
    /* mod_dbd discards a dropped connection at the acquire that picks it
     * and returns none for that request: ask once more, for a new one */
    if (!t->dbd && take_pending_drop())
        t->dbd = dbd_acquire(r);
    if (!t->dbd) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0105)
                      "no database connection (see mod_dbd's messages)");
        return -1;
    }
    /* dropped earlier in this request (mod_dbd hands a request the same
     * connection every time) */
    if (!apr_dbd_native_handle(t->dbd->driver, t->dbd->handle)) {
        t->dropped = 1;
        return -1;
    }
    t->conn = conn_setup(r, t->dbd, &why);
    if (t->conn && zone_sync(t) == 0)
        return 0;
    if (t->conn) {
        /* a lost session: the check below reconnects it */
        t->conn = NULL;
        why = -1;
    }
    /* a SQLite connection that cannot prepare our statements is on the
     * wrong file (or none): retrying on it cannot help.  One that waited
     * for another program's lock until the deadline is sound: the next
     * request sets it up again (dropping it would only make mod_dbd open
     * another one into the same lock). */
    if (why != SQLITE_BUSY && why != SQLITE_LOCKED)
        conn_drop(t, "its setup failed");
    /* a server's session lost since mod_dbd checked it: check again (that
     * reconnects) and set up once more */
    apr_pool_userdata_get((void **)&c, CONN_KEY, t->dbd->pool);
    if (c && server_dialect(c)
        && apr_dbd_check_conn(t->dbd->driver, r->pool, t->dbd->handle)
           == APR_SUCCESS) {
        t->retried = 1;
        t->conn = conn_setup(r, t->dbd, &why);
    }
    return t->conn ? 0 : -1;
}

/* After an operation failed on a server database before any prepared
 * statement of it succeeded (what a dropped session looks like: the BEGIN
 * fails on a dead connection, or a statement is unknown to a reconnected
 * one), and nothing was committed: check the connection (mod_dbd's check,
 * which reconnects it), prepare again and say whether to run the operation
 * once more.  A lock wait never comes first, so it is never waited twice. */
static int tx_retry(tx *t)
{
    int why;

    if (t->started || t->retried || !t->conn || !server_dialect(t->conn))
        return 0;
    t->retried = 1;
    if (apr_dbd_check_conn(t->dbd->driver, t->r->pool, t->dbd->handle)
        != APR_SUCCESS)
        return 0;
    t->conn->ready = 0;
    t->conn = conn_setup(t->r, t->dbd, &why);
    return t->conn != NULL;
}

static lp_store_status claim_tx(tx *t, const lp_claim *cl,
                                linphone_account **account)
{
    request_rec *r = t->r;
    const char *now = lp_time_format(r->pool, apr_time_now());
    lp_store_status st;

    if (plain(t, lp_sql_begin(t->conn->dialect)))
        return LP_STORE_UNAVAILABLE;
    st = claim_token(t, cl, now, 0, account);
    if (st == LP_STORE_OK) {
        (*account)->realm = lp_realm(r, (*account)->domain);
        if (cl->reset_password)
            st = reset_password(t, cl, *account);
    }
    if (st == LP_STORE_OK)
        st = load_passwords(t, *account);
    if (st == LP_STORE_OK) {
        t->started = 1;             /* a failed COMMIT is never retried */
        if (plain(t, LP_SQL_COMMIT))
            st = LP_STORE_UNAVAILABLE;
    }
    if (st != LP_STORE_OK && !t->dropped && plain(t, LP_SQL_ROLLBACK)) {
        st = LP_STORE_UNAVAILABLE;
        /* it may still be inside the transaction: every later BEGIN on it
         * would fail */
        conn_drop(t, "ROLLBACK failed");
    }
    return st;
}

/* A claim for HEAD: the verdict and document of the GET, by reads only (no
 * transaction, no turn to write).  A password reset's new HA1 is computed
 * as the GET would and not stored, so the answer's headers (its length
 * included) are those of the GET. */
static lp_store_status claim_read_only(tx *t, const lp_claim *cl,
                                       linphone_account **account)
{
    linphone_password *pw;
    const char *ha1;
    lp_store_status st = claim_token(t, cl, NULL, 1, account);

    if (st != LP_STORE_OK)
        return st;
    (*account)->realm = lp_realm(t->r, (*account)->domain);
    if (!cl->reset_password)
        return load_passwords(t, *account);
    if (!(ha1 = fresh_ha1(t, cl, *account))
        || load_carddav(t, *account) != LP_STORE_OK)
        return LP_STORE_UNAVAILABLE;
    (*account)->passwords = apr_array_make(t->r->pool, 1, sizeof *pw);
    pw = apr_array_push((*account)->passwords);
    pw->password = ha1;
    pw->algorithm = cl->algorithm;
    return LP_STORE_OK;
}

lp_store_status lp_store_claim(request_rec *r, const lp_claim *cl,
                               linphone_account **account)
{
    tx t;
    lp_store_status st;

    if (r->header_only) {
        if (tx_open(r, &t))
            return LP_STORE_UNAVAILABLE;
        do
            st = claim_read_only(&t, cl, account);
        while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
        return st;
    }
    if (tx_open(r, &t) || write_lock(r, t.conn))
        return LP_STORE_UNAVAILABLE;
    do
        st = claim_tx(&t, cl, account);
    while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
    write_unlock(r, t.conn);
    return st;
}

static lp_store_status account_tx(tx *t, const char *username,
                                  const char *domain,
                                  linphone_account **account)
{
    apr_array_header_t *rows;
    const char **found = NULL;
    const char *args[2];
    int i;

    args[0] = username;
    args[1] = domain;
    if (read_rows(t, LP_SQL_ACCOUNT_FIND_ADDRESS, 2, args, &rows))
        return LP_STORE_UNAVAILABLE;
    /* byte for byte: a case- or accent-insensitive collation (MariaDB's
     * utf8mb4_unicode_ci) finds `alice` for `Alice` or `alicé` */
    for (i = 0; i < rows->nelts; i++) {
        const char **v = APR_ARRAY_IDX(rows, i, const char **);

        if (v[1] && v[2] && !strcmp(v[1], username) && !strcmp(v[2], domain)) {
            if (found)
                return LP_STORE_NOT_FOUND;
            found = v;
        }
    }
    if (!found)
        return LP_STORE_NOT_FOUND;
    *account = account_from(t->r->pool, found);
    return load_passwords(t, *account);
}

lp_store_status lp_store_account(request_rec *r, const char *username,
                                 const char *domain,
                                 linphone_account **account)
{
    tx t;
    lp_store_status st;

    if (tx_open(r, &t))
        return LP_STORE_UNAVAILABLE;
    do
        st = account_tx(&t, username, domain, account);
    while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
    return st;
}

static lp_store_status api_key_tx(tx *t, const char *key, const char *domain,
                                  linphone_account **account)
{
    request_rec *r = t->r;
    apr_array_header_t *rows;
    const char **v;
    const char *args[2];
    int n;

    args[0] = key;
    if (read_rows(t, LP_SQL_API_KEY_FIND, 1, args, &rows))
        return LP_STORE_UNAVAILABLE;
    if (!(v = exact_row(rows, 4 + LP_SQL_ACCOUNT_NCOLS, key)))
        return LP_STORE_NOT_FOUND;
    /* bound to an address: only that client may use it */
    if (v[1] && *v[1] && strcmp(v[1], r->useragent_ip))
        return LP_STORE_NOT_FOUND;
    /* expires when unused for that many minutes (never used: still fresh;
     * FlexiAPI's SQLite migration leaves '' there) */
    if (v[3] && *v[3] && v[2] && *v[2]
        && expired(v[2], apr_time_from_sec((apr_interval_time_t)60
                                           * apr_atoi64(v[3]))))
        return LP_STORE_NOT_FOUND;
    *account = account_from(r->pool, v + 4);
    /* refused keys are not counted */
    if ((*account)->blocked || (domain && strcmp((*account)->domain, domain)))
        return LP_STORE_BLOCKED;
    args[0] = lp_time_format(r->pool, apr_time_now());
    args[1] = v[0];
    if (write_lock(r, t->conn))
        return LP_STORE_UNAVAILABLE;
    n = write_rows(t, LP_SQL_API_KEY_TOUCH, 2, args);
    write_unlock(r, t->conn);
    return n < 0 ? LP_STORE_UNAVAILABLE : LP_STORE_OK;
}

lp_store_status lp_store_api_key(request_rec *r, const char *key,
                                 const char *domain,
                                 linphone_account **account)
{
    tx t;
    lp_store_status st;

    if (tx_open(r, &t))
        return LP_STORE_UNAVAILABLE;
    do
        st = api_key_tx(&t, key, domain, account);
    while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
    return st;
}

lp_store_status lp_store_passwords(request_rec *r, linphone_account *a)
{
    tx t;
    lp_store_status st;

    if (tx_open(r, &t))
        return LP_STORE_UNAVAILABLE;
    do
        st = load_passwords(&t, a);
    while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
    return st;
}

static lp_store_status space_tx(tx *t, const char *host, const char ***row,
                                int *generation)
{
    apr_array_header_t *rows;
    const char *args[1];

    *generation = t->conn->generation;
    if (*generation == LP_FLEXIAPI_NONE) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, t->r, LPLOGNO(0112)
                      "LinphoneProvisioningSpaces is On but the database "
                      "has neither FlexiAPI 2.0's nor 2.1's spaces (see "
                      "LP0131: is the spaces table installed?)");
        return LP_STORE_UNAVAILABLE;
    }

    args[0] = host;
    if (read_rows(t, *generation == LP_FLEXIAPI_21 ? LP_SQL_SPACE_FIND_21
                                                   : LP_SQL_SPACE_FIND,
                  1, args, &rows))
        return LP_STORE_UNAVAILABLE;
    if (rows->nelts != 1)
        return LP_STORE_NOT_FOUND;
    *row = APR_ARRAY_IDX(rows, 0, const char **);
    return LP_STORE_OK;
}

lp_store_status lp_store_space(request_rec *r, const char *host,
                               const char ***row, int *generation)
{
    tx t;
    lp_store_status st;

    if (tx_open(r, &t))
        return LP_STORE_UNAVAILABLE;
    do
        st = space_tx(&t, host, row, generation);
    while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
    return st;
}

static lp_store_status carddav_servers_tx(tx *t, const char *space_id,
                                          apr_array_header_t **rows)
{
    const char *args[1];

    if (!t->conn->stmt[LP_SQL_CARDDAV_SERVERS_FIND]) {
        *rows = apr_array_make(t->r->pool, 1, sizeof(const char **));
        return LP_STORE_OK;
    }
    args[0] = space_id;
    return read_rows(t, LP_SQL_CARDDAV_SERVERS_FIND, 1, args, rows)
           ? LP_STORE_UNAVAILABLE : LP_STORE_OK;
}

lp_store_status lp_store_carddav_servers(request_rec *r, const char *space_id,
                                         apr_array_header_t **rows)
{
    tx t;
    lp_store_status st;

    if (tx_open(r, &t))
        return LP_STORE_UNAVAILABLE;
    do
        st = carddav_servers_tx(&t, space_id, rows);
    while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
    return st;
}

static lp_store_status check_token_tx(tx *t, const char *token,
                                      apr_interval_time_t lifetime,
                                      const char *domain)
{
    lp_claim cl = { 0 };
    apr_array_header_t *rows;
    const char **v;
    const char *args[1];
    lp_store_status st;

    /* one SELECT is a consistent snapshot on every driver: no transaction */
    args[0] = token;
    if (read_rows(t, LP_SQL_TOKEN_CHECK, 1, args, &rows))
        return LP_STORE_UNAVAILABLE;
    cl.domain = domain;
    if (!(v = exact_row(rows, 6, token)) || other_domain(&cl, v[5]))
        return LP_STORE_NOT_FOUND;
    st = token_verdict(v, lifetime);
    if (st == LP_STORE_OK && lp_bool_parse(v[4]) == 1)
        st = LP_STORE_BLOCKED;
    return st;
}

lp_store_status lp_store_check_token(request_rec *r, const char *token,
                                     apr_interval_time_t lifetime,
                                     const char *domain)
{
    tx t;
    lp_store_status st;

    if (tx_open(r, &t))
        return LP_STORE_UNAVAILABLE;
    do
        st = check_token_tx(&t, token, lifetime, domain);
    while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
    return st;
}

/* Set once a process has said its database has no contacts tables. */
static apr_uint32_t contacts_missing_said;

/* The rows of CONTACT_TYPES_FIND or CONTACT_ACTIONS_FIND for contact id,
 * from *next on (both are ordered by account id like the contacts). */
static int rows_of(apr_array_header_t *rows, int *next, const char *id)
{
    int first = *next;

    while (*next < rows->nelts
           && !strcmp(APR_ARRAY_IDX(rows, *next, const char **)[0], id))
        (*next)++;
    return first;
}

static lp_store_status contacts_tx(tx *t, apr_int64_t account_id,
                                   apr_array_header_t **contacts)
{
    apr_pool_t *p = t->r->pool;
    apr_array_header_t *accounts, *types, *actions;
    const char *args[2];
    int i, j, nt = 0, na = 0;

    if (!t->conn->stmt[LP_SQL_CONTACTS_FIND]
        || !t->conn->stmt[LP_SQL_CONTACT_TYPES_FIND]
        || !t->conn->stmt[LP_SQL_CONTACT_ACTIONS_FIND]) {
        if (apr_atomic_cas32(&contacts_missing_said, 1, 0) == 0)
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, t->r, LPLOGNO(0121)
                          "the database of %s has no contacts tables "
                          "(contacts, "
                          "contacts_lists, account_contacts_list, "
                          "contacts_list_contact, account_types, "
                          "account_account_type, account_actions, "
                          "accounts.dtmf_protocol): every contacts list is "
                          "empty (said once per process)",
                          t->r->server->server_hostname);
        *contacts = apr_array_make(p, 1, sizeof(lp_vcard_contact));
        return LP_STORE_OK;
    }
    args[0] = args[1] = apr_psprintf(p, "%" APR_INT64_T_FMT, account_id);
    if (read_rows(t, LP_SQL_CONTACTS_FIND, 2, args, &accounts)
        || read_rows(t, LP_SQL_CONTACT_TYPES_FIND, 2, args, &types)
        || read_rows(t, LP_SQL_CONTACT_ACTIONS_FIND, 2, args, &actions))
        return LP_STORE_UNAVAILABLE;
    *contacts = apr_array_make(p, accounts->nelts, sizeof(lp_vcard_contact));
    for (i = 0; i < accounts->nelts; i++) {
        const char **v = APR_ARRAY_IDX(accounts, i, const char **);
        lp_vcard_contact *c = apr_array_push(*contacts);
        int first, n;

        c->username = v[1] ? v[1] : "";
        c->domain = v[2] ? v[2] : "";
        c->display_name = v[3];
        c->dtmf_protocol = v[4];
        /* the three reads are not one snapshot: skip the rows of a
         * contact added in between */
        while (nt < types->nelts
               && apr_atoi64(APR_ARRAY_IDX(types, nt, const char **)[0])
                  < apr_atoi64(v[0]))
            nt++;
        while (na < actions->nelts
               && apr_atoi64(APR_ARRAY_IDX(actions, na, const char **)[0])
                  < apr_atoi64(v[0]))
            na++;
        first = rows_of(types, &nt, v[0]);
        c->types = apr_array_make(p, nt - first + 1, sizeof(const char *));
        for (j = first; j < nt; j++) {
            const char *key = APR_ARRAY_IDX(types, j, const char **)[1];

            APR_ARRAY_PUSH(c->types, const char *) = key ? key : "";
        }
        first = rows_of(actions, &na, v[0]);
        n = na - first;
        c->actions = apr_array_make(p, n + 1, sizeof(lp_vcard_action));
        for (j = first; j < na; j++) {
            const char **w = APR_ARRAY_IDX(actions, j, const char **);
            lp_vcard_action *a = apr_array_push(c->actions);

            a->key = w[1] ? w[1] : "";
            a->code = w[2] ? w[2] : "";
        }
    }
    return LP_STORE_OK;
}

lp_store_status lp_store_contacts(request_rec *r, apr_int64_t account_id,
                                  apr_array_header_t **contacts)
{
    tx t;
    lp_store_status st;

    if (tx_open(r, &t))
        return LP_STORE_UNAVAILABLE;
    do
        st = contacts_tx(&t, account_id, contacts);
    while (st == LP_STORE_UNAVAILABLE && tx_retry(&t));
    return st;
}
