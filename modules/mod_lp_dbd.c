/*
 * mod_lp_dbd — connections, sessions, statements and the transaction runner
 * (see mod_lp_dbd.h).
 *
 * A server database (pgsql, mysql) can lose the session under the same
 * connection: mod_dbd's check before each use reconnects the handle in place
 * (apr_dbd_pgsql's PQreset, apr_dbd_mysql's reconnecting mysql_ping), and
 * the session's prepared statements and settings are gone.  So on those
 * drivers any failed statement marks the connection's setup stale (the next
 * use prepares again, after deallocating what may be left), and when the
 * first statement of an operation fails, the connection is checked (which
 * reconnects it), set up again and the operation run once more: the first
 * request after a database restart succeeds instead of failing on every
 * pooled connection in turn.
 *
 * SQLite's part (the write turn, lock waits, broken connections) is
 * mod_lp_sqlite.c's.
 */
#include "mod_lp_dbd.h"
#include "mod_lp_sqlite.h"
#include "mod_lp_conf.h"

#include "http_log.h"
#include "apr_dbd.h"
#include "mod_dbd.h"
#include "apr_strings.h"
#include "apr_optional.h"
#include "apr_atomic.h"

#include <dlfcn.h>

APLOG_USE_MODULE(linphone_provisioning);

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire;

#define CONN_KEY "linphone_provisioning_conn"

/* Our state of a connection, in its pool. */
typedef struct {
    lp_dialect dialect;
    int ready;              /* session set and statements prepared */
    int prepared_before;    /* statements of an earlier setup may remain */
    apr_pool_t *pool;       /* the statements' pool, under the connection's */
    apr_dbd_prepared_t *stmt[LP_SQL_COUNT];
    apr_time_t deadline;    /* of the request using it: see tx_deadline() */
    int lock_wait;          /* server: the session's lock wait, -1 unknown */
    apr_time_t zone_synced; /* mysql: when the session's time_zone was set */
    lp_flexiapi generation; /* of the spaces statements that prepared */
} lp_conn;

struct lp_tx {
    request_rec *r;
    ap_dbd_t *dbd;
    lp_conn *conn;
    int started;            /* a prepared statement of it has succeeded */
    int retried;
    int dropped;            /* conn_drop() closed it: touch it no more */
    int in_tx;              /* between our BEGIN and its COMMIT/ROLLBACK */
    int wait_set_in_tx;     /* a lock wait SET that a ROLLBACK undoes */
    int turn;               /* holds SQLite's write turn */
    int conflict;           /* lost to a concurrent transaction: see lost() */
    int wrote;              /* an autocommitted write of it succeeded */
    apr_time_t deadline;
};

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

int lp_dbd_init(void)
{
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    return dbd_acquire ? 0 : -1;
}

int lp_dbd_pre_config(apr_pool_t *pconf)
{
    return lp_sqlite_pre_config(pconf);
}

int lp_dbd_post_config(apr_pool_t *pconf, server_rec *s)
{
    return lp_sqlite_post_config(pconf, s);
}

void lp_dbd_child_init(apr_pool_t *p, server_rec *s)
{
    lp_sqlite_child_init(p, s);
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

/* Closes a broken SQLite connection so that mod_dbd discards it. */
static void conn_drop(lp_tx *t, const char *why)
{
    if (t->dropped || !lp_sqlite_is(t->dbd) || !lp_sqlite_close(t->dbd))
        return;
    t->dropped = 1;
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, t->r, LPLOGNO(0109)
                  "database connection dropped (%s); mod_dbd opens a new "
                  "one for the next request", why);
}

/* Runs one session statement; the driver's result. */
static int session_statement(request_rec *r, ap_dbd_t *dbd, lp_conn *c,
                             const char *line)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv, nrows;

    if (!lp_sql_session_returns_rows(c->dialect))
        return apr_dbd_query(dbd->driver, dbd->handle, &nrows, line);
    rv = apr_dbd_select(dbd->driver, r->pool, dbd->handle, &res, line, 1);
    while (!rv && apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0)
        ;
    return rv;
}

/* Runs the session statements of the dialect (one per line). */
static int session_setup(request_rec *r, ap_dbd_t *dbd, lp_conn *c)
{
    lp_server_conf *sc = lp_server_conf_get(r->server);
    char buf[256];
    char *session, *line, *state;
    int rv, busy_handler = 0;

    session = apr_pstrdup(r->pool, lp_sql_session(c->dialect, sc->db_timeout,
                                                  buf, sizeof buf));
    if (c->dialect == LP_DIALECT_PGSQL)
        pq_terse(dbd);
    if (c->dialect == LP_DIALECT_SQLITE3)
        busy_handler = lp_sqlite_busy_wait(dbd, &c->deadline);
    else
        c->lock_wait = lp_sql_lock_wait(c->dialect, sc->db_timeout * 1000);
    for (line = apr_strtok(session, "\n", &state); line;
         line = apr_strtok(NULL, "\n", &state)) {
        /* the busy handler replaces it (it would replace the handler) */
        if (busy_handler && !strncmp(line, "PRAGMA busy_timeout", 19))
            continue;
        if ((rv = session_statement(r, dbd, c, line)) != 0) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0101)
                          "database session setup failed: %s",
                          driver_error(r, dbd, rv));
            return rv;
        }
    }
    return 0;
}

/* Prepares statement i; the driver's result, 0 for an optional statement
 * that could not be prepared (left NULL). */
static int prepare(request_rec *r, ap_dbd_t *dbd, lp_conn *c, lp_sql_id i)
{
    int rv;

    /* the drivers fill a statement given non-NULL in place: the previous
     * setup's lives in a destroyed pool */
    c->stmt[i] = NULL;
    rv = apr_dbd_prepare(dbd->driver, c->pool, dbd->handle,
                         lp_sql_text(i, c->dialect), lp_sql_label(i),
                         &c->stmt[i]);
    if (!rv)
        return 0;
    c->stmt[i] = NULL;
    if (i == LP_SQL_CONTACTS_FIND || i == LP_SQL_CONTACT_TYPES_FIND
        || i == LP_SQL_CONTACT_ACTIONS_FIND) {
        /* only the contacts list uses them: a database without its tables
         * (an older FlexiAPI) serves an empty list, said once per process
         * by lp_store_contacts */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, LPLOGNO(0120)
                      "cannot prepare statement %s: %s", lp_sql_label(i),
                      driver_error(r, dbd, rv));
        return 0;
    }
    if (i == LP_SQL_SPACE_FIND || i == LP_SQL_SPACE_FIND_21
        || i == LP_SQL_CARDDAV_SERVERS_FIND
        || i == LP_SQL_CARDDAV_CREDENTIALS_FIND) {
        /* which spaces statement prepares tells the schema's generation
         * (said once by generation_say); the CardDAV tables are FlexiAPI
         * 2.1's, optional */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, LPLOGNO(0130)
                      "cannot prepare statement %s: %s", lp_sql_label(i),
                      driver_error(r, dbd, rv));
        return 0;
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0102)
                  "cannot prepare statement %s: %s (is the schema "
                  "installed?)", lp_sql_label(i), driver_error(r, dbd, rv));
    return rv;
}

/* FlexiAPI's schema generation, by which spaces statement prepared.
 * Neither still serves everything but LinphoneProvisioningSpaces. */
static lp_flexiapi generation_of(const lp_conn *c)
{
    if (c->stmt[LP_SQL_SPACE_FIND])
        return LP_FLEXIAPI_20;
    if (c->stmt[LP_SQL_SPACE_FIND_21])
        return LP_FLEXIAPI_21;
    return LP_FLEXIAPI_NONE;
}

/* The generations this process has said, a bit each: each once, so that
 * virtual hosts on databases of different generations do not say them
 * again whenever their connections are renewed in turn, and a database
 * upgraded under a running server is still said. */
static apr_uint32_t generations_said;

static void generation_say(request_rec *r, const lp_conn *c)
{
    lp_flexiapi generation = c->generation;
    apr_uint32_t bit = (apr_uint32_t)1 << generation, said;

    do {
        said = apr_atomic_read32(&generations_said);
        if (said & bit)
            return;
    } while (apr_atomic_cas32(&generations_said, said | bit, said) != said);
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

/* FlexiAPI leaves its SQLite file in a rollback-journal mode, where every
 * reader waits for every writer: said once per process, at the first use
 * of a connection, and never switched here (the mode is the file's, shared
 * with every program that uses it, and WAL needs them all to write in its
 * directory). */
static apr_uint32_t journal_said;

static void journal_say(request_rec *r, ap_dbd_t *dbd)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *mode = NULL;

    if (apr_atomic_read32(&journal_said)
        || apr_dbd_select(dbd->driver, r->pool, dbd->handle, &res,
                          "PRAGMA journal_mode", 1))
        return;
    if (apr_dbd_get_row(dbd->driver, r->pool, res, &row, 1) == 0)
        mode = apr_dbd_get_entry(dbd->driver, row, 0);
    if (!mode || !strcasecmp(mode, "wal")
        || apr_atomic_cas32(&journal_said, 1, 0) != 0)
        return;
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, LPLOGNO(0132)
                  "the SQLite database is in a rollback-journal mode "
                  "(journal_mode=%s): every reader waits for every writer, "
                  "so /provisioning/me, digest and the contacts list queue "
                  "behind each token claim; switch it once with "
                  "sqlite3 FILE 'PRAGMA journal_mode=WAL' (every program "
                  "using the file must be able to write in its directory; "
                  "said once per process)", ap_escape_logitem(r->pool, mode));
}

/* The connection's state, made on its first use by this module. */
static lp_conn *conn_state(request_rec *r, ap_dbd_t *dbd)
{
    lp_conn *c = NULL;

    apr_pool_userdata_get((void **)&c, CONN_KEY, dbd->pool);
    if (!c) {
        c = apr_pcalloc(dbd->pool, sizeof *c);
        c->dialect = lp_sql_dialect(apr_dbd_name(dbd->driver));
        apr_pool_userdata_set(c, CONN_KEY, apr_pool_cleanup_null, dbd->pool);
    }
    c->deadline = tx_deadline(r);
    return c;
}

/* The connection, set up for our statements, or NULL with *why set to the
 * driver's result (-1: not the driver's). */
static lp_conn *conn_setup(request_rec *r, ap_dbd_t *dbd, int *why)
{
    lp_conn *c = conn_state(r, dbd);
    int i, nrows;

    *why = -1;
    if (c->ready)
        return c;
    if (lp_sqlite_is(dbd) && lp_sqlite_main_empty(dbd)) {
        /* see mod_lp_sqlite.c's connection hygiene: no SQL on this one */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0110)
                      "the SQLite database file is empty: was it missing "
                      "when the connection was opened? (is the schema "
                      "installed?)");
        return NULL;
    }
    /* statements of an earlier setup: their handles are freed with their
     * pool (apr_dbd_mysql closes them), PostgreSQL's named ones are
     * deallocated if the session still holds them (errors ignored) */
    if (c->pool)
        apr_pool_destroy(c->pool);
    if (apr_pool_create(&c->pool, dbd->pool) != APR_SUCCESS)
        return NULL;
    if (c->prepared_before && c->dialect == LP_DIALECT_PGSQL)
        for (i = 0; i < LP_SQL_COUNT; i++)
            (void)apr_dbd_query(dbd->driver, dbd->handle, &nrows,
                                apr_pstrcat(r->pool, "DEALLOCATE ",
                                            lp_sql_label(i), NULL));
    if ((*why = session_setup(r, dbd, c)) != 0)
        return NULL;
    if (c->dialect == LP_DIALECT_SQLITE3)
        journal_say(r, dbd);
    c->zone_synced = apr_time_now();
    c->prepared_before = 1;
    for (i = 0; i < LP_SQL_COUNT; i++)
        if ((*why = prepare(r, dbd, c, i)) != 0)
            return NULL;
    *why = -1;
    c->generation = generation_of(c);
    generation_say(r, c);
    c->ready = 1;
    return c;
}

/*
 * 1 when a server rolled our transaction back because a concurrent one
 * wrote the same rows first: a Galera certification failure, which MariaDB
 * reports as a deadlock (1213) at COMMIT or on a statement that a
 * replicated write set aborted, or a deadlock; PostgreSQL's serialization
 * failure or deadlock (SQLSTATE 40001, 40P01).  The session is sound.
 */
static int lost(lp_tx *t, int rv)
{
    const char *e;

    if (!strcmp(apr_dbd_name(t->dbd->driver), "mysql"))
        return rv == 1213;
    if (strcmp(apr_dbd_name(t->dbd->driver), "pgsql")
        || pq_sqlstate_only != 1)
        return 0;
    e = apr_dbd_error(t->dbd->driver, t->dbd->handle, rv);
    return e && (strstr(e, "40001") || strstr(e, "40P01"));
}

/* 1 when a SQLite statement failed because another program changed the
 * schema: APR's legacy-prepared statements say so with a bare error. */
static int schema_changed(lp_tx *t, int rv)
{
    const char *e;

    if (rv != LP_SQLITE_ERROR || !lp_sqlite_is(t->dbd))
        return 0;
    e = apr_dbd_error(t->dbd->driver, t->dbd->handle, rv);
    return e && strstr(e, "schema has changed") != NULL;
}

static int failed(lp_tx *t, const char *what, int rv)
{
    if (lost(t, rv)) {
        t->conflict = 1;
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, t->r, LPLOGNO(0125)
                      "statement %s lost to a concurrent transaction (%s)",
                      what, driver_error(t->r, t->dbd, rv));
        return LP_DBD_FAILED;
    }
    if (schema_changed(t, rv))
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, t->r, LPLOGNO(0133)
                      "statement %s: the database schema changed; the "
                      "connection's statements are prepared again", what);
    else
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, t->r, LPLOGNO(0103)
                      "statement %s failed: %s", what,
                      driver_error(t->r, t->dbd, rv));
    /* the session may be gone (a reconnected handle has no statements).
     * SQLite: APR prepares with the legacy sqlite3_prepare, whose
     * statements a schema change (a migration, CREATE INDEX, VACUUM by
     * another program) expires for good, failing with a bare SQLITE_ERROR:
     * prepare them again (tx_retry) */
    if (t->conn && (server_dialect(t->conn) || schema_changed(t, rv)))
        t->conn->ready = 0;
    if (lp_sqlite_is(t->dbd) && lp_sqlite_fatal(rv))
        conn_drop(t, "the database file is unreadable or damaged");
    return LP_DBD_FAILED;
}

/* Transaction control (BEGIN, COMMIT, ROLLBACK); 0, or -1 logged.  On
 * SQLite, by SQLite itself: see mod_lp_sqlite.c. */
static int plain(lp_tx *t, const char *sql)
{
    int nrows = 0, rv;
    int begin = !strncmp(sql, "BEGIN", 5) || !strncmp(sql, "START", 5);

    if (t->dropped)
        return LP_DBD_FAILED;
    if (!lp_sqlite_is(t->dbd) || !lp_sqlite_exec(t->dbd, sql, &rv))
        rv = apr_dbd_query(t->dbd->driver, t->dbd->handle, &nrows, sql);
    if (rv)
        return failed(t, sql, rv);
    if (!begin && t->wait_set_in_tx && t->conn
        && !strcmp(sql, LP_SQL_ROLLBACK))
        t->conn->lock_wait = -1;    /* PostgreSQL undid our SET */
    t->in_tx = begin;
    t->wait_set_in_tx = 0;
    return 0;
}

/* 1 when the session's lock wait is close enough to want. */
static int lock_wait_close(const lp_conn *c, int want)
{
    if (c->lock_wait < 0)
        return 0;
    if (c->dialect == LP_DIALECT_PGSQL)
        return c->lock_wait - want <= 100 && want - c->lock_wait <= 100;
    return c->lock_wait == want;
}

/* Before a statement that may wait for a row lock on a server database:
 * the session's lock wait is what is left of the request's deadline (the
 * driver waits per statement).  PostgreSQL's is set to the millisecond
 * when it is off by more than 100 ms, MariaDB's in whole seconds (at least
 * 1), so a request waits at most DBTimeout plus that.  0, or -1 logged. */
static int lock_wait_fit(lp_tx *t)
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
        return LP_DBD_FAILED;
    }
    want = lp_sql_lock_wait(t->conn->dialect,
                            apr_time_as_msec(left) < full
                            ? (int)apr_time_as_msec(left) : full);
    if (lock_wait_close(t->conn, want))
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

/* On SQLite, a write outside our transactions gets one of its own, whose
 * BEGIN waits for the lock without the driver's retries. */
int lp_dbd_write(lp_tx *t, lp_sql_id id, int nargs, const char **args)
{
    int nrows = 0, rv, own;

    if (t->dropped || lock_wait_fit(t))
        return LP_DBD_FAILED;
    own = !t->in_tx && !server_dialect(t->conn);
    if (own && plain(t, lp_sql_begin(t->conn->dialect)))
        return LP_DBD_FAILED;
    rv = apr_dbd_pquery(t->dbd->driver, t->r->pool, t->dbd->handle, &nrows,
                        t->conn->stmt[id], nargs, args);
    if (rv)
        (void)failed(t, lp_sql_label(id), rv);
    else
        t->started = 1;
    if (!rv && !t->in_tx)
        t->wrote = 1;
    if (!own)
        return rv ? LP_DBD_FAILED : nrows;
    if (!rv && !plain(t, LP_SQL_COMMIT))
        return nrows;
    if (!t->dropped && plain(t, LP_SQL_ROLLBACK))
        conn_drop(t, "ROLLBACK failed");
    return LP_DBD_FAILED;
}

/* 0 when the result has the statement's columns; else logged once per
 * statement and process: the schema's SELECT list and lp_sql.h disagree. */
static int columns_match(lp_tx *t, lp_sql_id id, int ncols)
{
    static apr_uint32_t said[LP_SQL_COUNT];

    if (ncols == lp_sql_ncols(id))
        return 0;
    if (apr_atomic_cas32(&said[id], 1, 0) == 0)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, t->r, LPLOGNO(0114)
                      "statement %s returned %d columns, not %d (said once "
                      "per process)", lp_sql_label(id), ncols,
                      lp_sql_ncols(id));
    return LP_DBD_FAILED;
}

/* Rows are fetched by number (1, 2, ...) from a random-access result: that
 * is the one way every driver reads them (apr_dbd_mysql returns no row of a
 * random-access result asked for sequentially, apr_dbd_pgsql's sequential
 * results wait 100 ms on an empty one).  apr_dbd_pgsql gives "" for NULL,
 * so NULL is asked with apr_dbd_datum_get (APR_ENOENT on every driver). */
int lp_dbd_read(lp_tx *t, lp_sql_id id, int nargs, const char **args,
                apr_array_header_t **rows)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    apr_pool_t *p = t->r->pool;
    const apr_dbd_driver_t *d = t->dbd->driver;
    int rv, ncols, i, n;

    if (t->dropped || lock_wait_fit(t))
        return LP_DBD_FAILED;
    rv = apr_dbd_pselect(d, p, t->dbd->handle, &res, t->conn->stmt[id], 1,
                         nargs, args);
    if (rv)
        return failed(t, lp_sql_label(id), rv);
    t->started = 1;
    ncols = apr_dbd_num_cols(d, res);
    if (columns_match(t, id, ncols))
        return LP_DBD_FAILED;
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

const char **lp_dbd_exact_row(const apr_array_header_t *rows, int col,
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

int lp_dbd_prepared(const lp_tx *t, lp_sql_id id)
{
    return t->conn->stmt[id] != NULL;
}

lp_flexiapi lp_dbd_generation(const lp_tx *t)
{
    return t->conn->generation;
}

lp_dialect lp_dbd_dialect(const lp_tx *t)
{
    return t->conn->dialect;
}

int lp_dbd_write_turn(lp_tx *t)
{
    if (t->turn || t->conn->dialect != LP_DIALECT_SQLITE3)
        return 0;
    if (lp_sqlite_write_lock(t->r, t->deadline))
        return LP_DBD_FAILED;
    t->turn = 1;
    return 0;
}

void lp_dbd_write_turn_end(lp_tx *t)
{
    if (t->turn)
        lp_sqlite_write_unlock();
    t->turn = 0;
}

/* MariaDB: a pooled session keeps the time_zone it was given, while new
 * sessions (FlexiAPI's) take the server's current one: re-read it at most
 * once a second per connection, so that a change of the server's zone
 * never makes a token look hours older or younger.  0, or -1 logged. */
static int zone_sync(lp_tx *t)
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

/* The request's pooled connection; 0, or -1 logged. */
static int tx_acquire(request_rec *r, lp_tx *t)
{
    memset(t, 0, sizeof *t);
    t->r = r;
    t->deadline = tx_deadline(r);
    t->dbd = dbd_acquire(r);
    /* mod_dbd discards a dropped connection at the acquire that picks it
     * and returns none for that request: ask once more, for a new one */
    if (!t->dbd && lp_sqlite_take_pending_close())
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
    return 0;
}

/* The request's pooled connection, ready for our statements; -1 if none. */
static int tx_open(request_rec *r, lp_tx *t)
{
    lp_conn *c = NULL;
    int why;

    if (tx_acquire(r, t))
        return -1;
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
    if (why != LP_SQLITE_BUSY && why != LP_SQLITE_LOCKED)
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
 * one), or on SQLite statements a schema change expired, and nothing was
 * committed: check the connection (mod_dbd's check,
 * which reconnects it), prepare again and say whether to run the operation
 * once more.  A lock wait never comes first, so it is never waited twice. */
static int tx_retry(lp_tx *t)
{
    int why;

    if (t->started || t->retried || !t->conn
        || (!server_dialect(t->conn) && t->conn->ready))
        return 0;
    t->retried = 1;
    if (apr_dbd_check_conn(t->dbd->driver, t->r->pool, t->dbd->handle)
        != APR_SUCCESS)
        return 0;
    t->conn->ready = 0;
    t->conn = conn_setup(t->r, t->dbd, &why);
    return t->conn != NULL;
}

/* One run of op, in a transaction with LP_DBD_TX: committed when op
 * returns 0, rolled back otherwise. */
static int run_once(lp_tx *t, int flags, lp_dbd_op op, void *baton)
{
    int rv;

    if (!(flags & LP_DBD_TX))
        return op(t, t->r, baton);
    if (plain(t, lp_sql_begin(t->conn->dialect)))
        return LP_DBD_FAILED;
    rv = op(t, t->r, baton);
    if (rv == 0) {
        t->started = 1;             /* a failed COMMIT is never retried */
        if (plain(t, LP_SQL_COMMIT))
            rv = LP_DBD_FAILED;
    }
    if (rv != 0 && !t->dropped && plain(t, LP_SQL_ROLLBACK)) {
        rv = LP_DBD_FAILED;
        /* it may still be inside the transaction: every later BEGIN on it
         * would fail */
        conn_drop(t, "ROLLBACK failed");
    }
    return rv;
}

int lp_dbd_run(request_rec *r, int flags, lp_dbd_op op, void *baton)
{
    lp_tx t;
    int rv, tries;

    if (tx_open(r, &t))
        return LP_DBD_FAILED;
    if ((flags & LP_DBD_TX) && lp_dbd_write_turn(&t))
        return LP_DBD_FAILED;
    do
        rv = run_once(&t, flags, op, baton);
    while (rv == LP_DBD_FAILED && !t.conflict && tx_retry(&t));
    /* rolled back for a concurrent transaction (another Galera node's,
     * certified first), with nothing of it committed: run it again, after
     * a random pause (up to 64 ms) so that the nodes stop colliding.  It
     * reads what the winner wrote: a claim finds its token used. */
    for (tries = 0; rv == LP_DBD_FAILED && t.conflict && !t.dropped
                    && !t.wrote; tries++) {
        if (tries == 20) {
            rv = LP_DBD_LOST;
            break;
        }
        apr_sleep(apr_time_from_msec(1 + apr_time_now()
                                     % (2 << (tries < 5 ? tries : 5))));
        t.conflict = 0;
        rv = run_once(&t, flags, op, baton);
    }
    lp_dbd_write_turn_end(&t);
    return rv;
}
