/*
 * mod_lp_sqlite — the workarounds APR's sqlite3 driver needs (see mod_lp_sqlite.h).
 *
 * SQLite has one writer at a time, and our writes (a claim's transaction,
 * an API key's counter) take turns on a global mutex, across threads and
 * child processes, instead of in SQLite's busy handler.  APR's sqlite3
 * driver runs every statement under one process-wide mutex, and SQLite's
 * busy_timeout sleeps inside it: a writer waiting for the database lock
 * stalls every database call of its process, the lock holder's next
 * statement included when it is in the same process, and the driver
 * retries a busy statement 16 times.  Under concurrent claims that convoy
 * turns seconds into minutes; on the mutex a waiter sleeps on a futex and
 * the lock holder never waits.  The mutex is waited for at most the
 * request's deadline.  Other programs writing the file (FlexiAPI, sqlite3,
 * a backup) are waited for by our own busy handler, which sleeps with the
 * driver's mutex released (busy_wait).
 */
#include "mod_lp_sqlite.h"
#include "mod_lp_conf.h"              /* LPLOGNO */

#include "http_log.h"
#include "apr_dbd.h"
#include "apr_atomic.h"
#include "apr_global_mutex.h"
#include "util_mutex.h"

#include <dlfcn.h>

APLOG_USE_MODULE(linphone_provisioning);

#define WRITE_MUTEX_TYPE "linphone-sqlite-write"
static apr_global_mutex_t *write_mutex;

int lp_sqlite_is(ap_dbd_t *dbd)
{
    return strcmp(apr_dbd_name(dbd->driver), "sqlite3") == 0;
}

int lp_sqlite_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, WRITE_MUTEX_TYPE, NULL, APR_LOCK_DEFAULT,
                             0);
}

int lp_sqlite_post_config(apr_pool_t *pconf, server_rec *s)
{
    apr_status_t rv = ap_global_mutex_create(&write_mutex, NULL,
                                             WRITE_MUTEX_TYPE, NULL, s,
                                             pconf, 0);

    return rv == APR_SUCCESS ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

void lp_sqlite_child_init(apr_pool_t *p, server_rec *s)
{
    if (write_mutex
        && apr_global_mutex_child_init(&write_mutex,
                                       apr_global_mutex_lockfile(write_mutex),
                                       p) != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0106)
                     "cannot attach to the %s mutex", WRITE_MUTEX_TYPE);
}

/* The turn and then the database lock are waited for until the request's
 * deadline, so writers queued behind one that waits for another program's
 * lock do not each wait that long again. */
int lp_sqlite_write_lock(request_rec *r, apr_time_t deadline)
{
    apr_interval_time_t left = deadline - apr_time_now();
    apr_status_t rv;

    if (!write_mutex)
        return 0;
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

void lp_sqlite_write_unlock(void)
{
    if (write_mutex)
        apr_global_mutex_unlock(write_mutex);
}

/* --- SQLite's C API ----------------------------------------------------
 *
 * Declared here as sqlite3.h declares them (a frozen ABI) and found at run
 * time in the libsqlite3 the APR driver loaded: no build dependency, and no
 * libsqlite3 at all for a site on another driver.
 */
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
 * for the write lock keeps every other thread of its child from running
 * any statement, the lock holder's next statement and COMMIT included.
 * Under a burst of writers that convoy stretches each wait to its whole
 * busy_timeout, past LinphoneProvisioningDBTimeout into 503s.
 *
 * This busy handler waits until the request's deadline and sleeps with the
 * driver's mutex released, as the driver itself does between its retries,
 * polling every few milliseconds.  It is installed before the session's
 * first statement: a new connection's first look at the schema (PRAGMA
 * synchronous needs it) waits like any statement.
 *
 * The driver also retries a busy statement itself, 16 times 100 ms apart:
 * past the deadline that would add 1.6 s.  So the statements that wait for
 * the write lock -- BEGIN IMMEDIATE, and COMMIT -- are run with
 * sqlite3_exec (lp_sqlite_exec), under the driver's mutex as the driver
 * runs them.
 */
APU_DECLARE(apr_status_t) apr_dbd_mutex_lock(void);
APU_DECLARE(apr_status_t) apr_dbd_mutex_unlock(void);

static int busy_wait(void *arg, int count)
{
    const apr_time_t *deadline = arg;
    apr_interval_time_t left = *deadline - apr_time_now(), nap;

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

int lp_sqlite_busy_wait(ap_dbd_t *dbd, const apr_time_t *deadline)
{
    if (!sq_resolve())
        return 0;
    sq_busy_handler(apr_dbd_native_handle(dbd->driver, dbd->handle),
                    busy_wait, (void *)deadline);
    return 1;
}

int lp_sqlite_exec(ap_dbd_t *dbd, const char *sql, int *rv)
{
    if (!sq_resolve())
        return 0;
    apr_dbd_mutex_lock();
    *rv = sq_exec(apr_dbd_native_handle(dbd->driver, dbd->handle), sql,
                  NULL, NULL, NULL);
    apr_dbd_mutex_unlock();
    return 1;
}

/* --- connection hygiene ------------------------------------------------
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
 * setup, hit a fatal error or could not roll back is closed
 * (sqlite3_close_v2 waits for the driver to finalise its prepared
 * statements) and the handle's connection pointer cleared -- the first
 * member of APR's sqlite3 apr_dbd_t, checked against
 * apr_dbd_native_handle() before writing it -- so that at the next acquire
 * the driver's check_conn fails and mod_dbd discards it and opens a new
 * one.  pgsql and mysql need none of this: their check_conn sees a dead
 * link.
 */
int lp_sqlite_main_empty(ap_dbd_t *dbd)
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

int lp_sqlite_fatal(int rv)
{
    return rv == SQLITE_IOERR || rv == SQLITE_CORRUPT
           || rv == SQLITE_CANTOPEN || rv == SQLITE_NOTADB;
}

/* Connections closed in this process and not yet discarded by mod_dbd. */
static apr_uint32_t closes_pending;

int lp_sqlite_take_pending_close(void)
{
    apr_uint32_t n;

    while ((n = apr_atomic_read32(&closes_pending)) > 0)
        if (apr_atomic_cas32(&closes_pending, n - 1, n) == n)
            return 1;
    return 0;
}

int lp_sqlite_close(ap_dbd_t *dbd)
{
    void *db = apr_dbd_native_handle(dbd->driver, dbd->handle);
    void **first = (void **)dbd->handle;

    if (!db || *first != db || !sq_resolve())
        return 0;               /* not the layout we know: leave it be */
    sq_close_v2(db);
    *first = NULL;
    apr_atomic_inc32(&closes_pending);
    return 1;
}
