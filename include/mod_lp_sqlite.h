/*
 * mod_lp_sqlite — what APR's sqlite3 driver needs from us, and nothing else:
 * the day the driver waits for a lock without holding its process-wide
 * mutex and lets a dead connection go, this unit is deleted.
 *
 * - the write turn: our writers take turns on a global mutex, across
 *   threads and child processes, instead of in SQLite's busy handler;
 * - a busy handler that sleeps with the driver's mutex released;
 * - transaction control run by SQLite itself, without the driver's retries;
 * - connection hygiene: no SQL on an empty main file, and a broken
 *   connection closed so that mod_dbd discards it.
 *
 * The few pieces of SQLite's C API used are looked up at run time in the
 * libsqlite3 the driver loaded: no build dependency on SQLite.
 */
#ifndef MOD_LP_SQLITE_H
#define MOD_LP_SQLITE_H

#include "httpd.h"
#include "apr_dbd.h"
#include "mod_dbd.h"

/* SQLite result codes that matter to the callers */
#define LP_SQLITE_ERROR 1
#define LP_SQLITE_BUSY 5
#define LP_SQLITE_LOCKED 6

/** 1 when the connection is APR's sqlite3 driver's. */
int lp_sqlite_is(ap_dbd_t *dbd);

/** pre_config: registers the write turn's mutex type (`Mutex`). */
int lp_sqlite_pre_config(apr_pool_t *pconf);
/** post_config: creates the write turn's mutex. */
int lp_sqlite_post_config(apr_pool_t *pconf, server_rec *s);
/** child_init: attaches the child to it. */
void lp_sqlite_child_init(apr_pool_t *p, server_rec *s);

/** Takes our turn to write, waiting until deadline; 0, or -1 logged. */
int lp_sqlite_write_lock(request_rec *r, apr_time_t deadline);
void lp_sqlite_write_unlock(void);

/** Installs the busy handler, which waits until *deadline (the caller
 *  keeps it current); 1 when installed, 0 when SQLite's API is missing. */
int lp_sqlite_busy_wait(ap_dbd_t *dbd, const apr_time_t *deadline);

/** Runs a plain statement (BEGIN, COMMIT, ROLLBACK) under the driver's
 *  mutex; 1 with *rv set to SQLite's result, 0 when it cannot (the
 *  caller then runs it through the driver). */
int lp_sqlite_exec(ap_dbd_t *dbd, const char *sql, int *rv);

/** 1 when the connection's main database file is empty (0 bytes). */
int lp_sqlite_main_empty(ap_dbd_t *dbd);

/** 1 for a result that condemns the connection (I/O, damage, no file). */
int lp_sqlite_fatal(int rv);

/** Closes the connection so that mod_dbd discards it at its next acquire;
 *  1 when closed, 0 when it cannot (the handle is not the layout known). */
int lp_sqlite_close(ap_dbd_t *dbd);

/** 1 (and one fewer pending) when a connection closed by this process has
 *  not yet been discarded by mod_dbd: that acquire returned none. */
int lp_sqlite_take_pending_close(void);

#endif
