/*
 * mod_lp_dbd — our statements on mod_dbd's connections.
 *
 * Statements are prepared once per database connection, on its first use
 * by this module, and kept in the connection's own pool: a connection that
 * mod_dbd opens anew is a new pool and gets them again.  That is also where
 * the session is set up (lp_sql_session), and it never disturbs other
 * mod_dbd users of the same virtual host.
 *
 * An operation runs through lp_dbd_run, which hands it the request's
 * connection, in a transaction when asked, and runs it once more when a
 * server database lost its session under it (see mod_lp_dbd.c).  Every wait
 * of a request for the database ends at one deadline:
 * LinphoneProvisioningDBTimeout from the request's first use of it.
 */
#ifndef MOD_LP_DBD_H
#define MOD_LP_DBD_H

#include "httpd.h"
#include "lp_sql.h"

/* An operation's result for a database failure (logged); 0 and positive
 * values are the operation's own. */
#define LP_DBD_FAILED (-1)
/* An operation the database rolled back, each time it ran, for a
 * concurrent transaction (a Galera certification failure, a deadlock):
 * nothing of it committed, and another request changed its rows. */
#define LP_DBD_LOST (-2)

/* lp_dbd_run flags */
#define LP_DBD_TX 1     /* one transaction, holding SQLite's write turn */

typedef struct lp_tx lp_tx;

/** An operation: 0 or a positive verdict of its own, or LP_DBD_FAILED. */
typedef int (*lp_dbd_op)(lp_tx *t, request_rec *r, void *baton);

/** Runs op on the request's connection, once more after a lost session
 *  (nothing of it committed), and again after a conflict with a concurrent
 *  transaction; op's result, LP_DBD_FAILED or LP_DBD_LOST. */
int lp_dbd_run(request_rec *r, int flags, lp_dbd_op op, void *baton);

/** Runs a query; *rows holds every row as an array of pool strings (NULL
 *  for SQL NULL), as many as the statement's columns in lp_sql.h (another
 *  count is an error).  0, or LP_DBD_FAILED. */
int lp_dbd_read(lp_tx *t, lp_sql_id id, int nargs, const char **args,
                apr_array_header_t **rows);
/** Runs a write; the affected rows, or LP_DBD_FAILED. */
int lp_dbd_write(lp_tx *t, lp_sql_id id, int nargs, const char **args);
/** A write outside LP_DBD_TX takes SQLite's write turn around it; 0, or
 *  LP_DBD_FAILED. */
int lp_dbd_write_turn(lp_tx *t);
void lp_dbd_write_turn_end(lp_tx *t);

/** 1 when the statement could be prepared on this connection (the
 *  optional ones, see mod_lp_dbd.c, may not). */
int lp_dbd_prepared(const lp_tx *t, lp_sql_id id);
lp_dialect lp_dbd_dialect(const lp_tx *t);
/** FlexiAPI's schema generation of this connection (see lp_sql.h). */
lp_flexiapi lp_dbd_generation(const lp_tx *t);

/** The one row whose column col is exactly value (see lp_sql.h), or
 *  NULL. */
const char **lp_dbd_exact_row(const apr_array_header_t *rows, int col,
                              const char *value);

/** Resolves mod_dbd's optional functions; 0 when mod_dbd is there. */
int lp_dbd_init(void);
/** pre_config, post_config, child_init: SQLite's write turn. */
int lp_dbd_pre_config(apr_pool_t *pconf);
int lp_dbd_post_config(apr_pool_t *pconf, server_rec *s);
void lp_dbd_child_init(apr_pool_t *p, server_rec *s);

#endif
