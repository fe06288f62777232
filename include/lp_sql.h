/*
 * lp_sql — every SQL statement of the module, one catalogue.  The text is
 * portable across the sqlite3, pgsql and mysql APR DBD drivers (TRUE/FALSE
 * literals, the reserved word `key` only table-qualified);
 * a statement that cannot be portable carries per-driver variants (SQLite's
 * read booleans stored as text), chosen
 * once per connection from apr_dbd_name().  Parameters are always bound.
 *
 * Parameter formats: apr_dbd_pgsql declares each parameter's type from its
 * format in PREPARE (%s varchar, %lld bigint, %pDs timestamp), and
 * PostgreSQL assigns a varchar to no timestamp or boolean column: ids are
 * %lld (FlexiAPI's bigint ids too), timestamps %pDs (bound as the text
 * 'YYYY-MM-DD HH:MM:SS' on every driver), booleans only literals.
 *
 * The statements that look a secret up (token, auth token, API key) also
 * return it as their last column: the caller keeps only the row that
 * matches it byte for byte, since MySQL's usual collations compare
 * case-insensitively and ignore trailing spaces (FlexiAPI's columns do).
 */
#ifndef LP_SQL_H
#define LP_SQL_H

typedef enum {
    LP_DIALECT_SQLITE3 = 0,
    LP_DIALECT_PGSQL,
    LP_DIALECT_MYSQL,
    LP_DIALECT_COUNT
} lp_dialect;

typedef enum {
    LP_SQL_TOKEN_FIND = 0,
    LP_SQL_TOKEN_CHECK,
    LP_SQL_TOKEN_CONSUME,
    LP_SQL_ACCOUNT_ACTIVATE,
    LP_SQL_AUTH_TOKEN_FIND,
    LP_SQL_AUTH_TOKEN_DELETE,
    LP_SQL_PASSWORDS_DELETE,
    LP_SQL_PASSWORD_INSERT,
    LP_SQL_PASSWORDS_FIND,
    LP_SQL_ACCOUNT_FIND_ID,
    LP_SQL_ACCOUNT_FIND_ADDRESS,
    LP_SQL_API_KEY_FIND,
    LP_SQL_API_KEY_TOUCH,
    LP_SQL_SPACE_FIND,
    LP_SQL_CONTACTS_FIND,
    LP_SQL_CONTACT_TYPES_FIND,
    LP_SQL_CONTACT_ACTIONS_FIND,
    LP_SQL_ACCOUNT_LOCK,
    LP_SQL_SPACE_FIND_21,
    LP_SQL_CARDDAV_SERVERS_FIND,
    LP_SQL_CARDDAV_CREDENTIALS_FIND,
    LP_SQL_COUNT
} lp_sql_id;

/* Columns of the account, in this order, in every *_FIND that joins it. */
#define LP_SQL_ACCOUNT_COLUMNS \
    "a.id, a.username, a.domain, a.display_name, a.email, a.activated, " \
    "a.blocked"
#define LP_SQL_ACCOUNT_NCOLS 7

/* SPACE_FIND (FlexiAPI 2.0) and SPACE_FIND_21: host, domain, realm,
 * custom_provisioning_entries, overwrite-all, then the header flag (2.0) or
 * the digest configuration's default_password_algorithm (2.1), the ui
 * flags, the space's id and (2.1) the digest configuration's id (NULL: the
 * space has none). */
#define LP_SQL_SPACE_NCOLS 19
#define LP_SQL_SPACE21_NCOLS 20

/* CARDDAV_SERVERS_FIND by space id: enabled, uri, min_characters,
 * results_limit, timeout, delay, fields_for_user_input, fields_for_domain,
 * use_exact_match_policy.  CARDDAV_CREDENTIALS_FIND by account id:
 * username, password, realm, algorithm. */
#define LP_SQL_CARDDAV_NCOLS 9

/* The contacts statements, in that order: CONTACTS_FIND's accounts (id,
 * username, domain, display_name, dtmf_protocol) by id, then the types
 * (account id, key) and actions (account id, key, code) of those accounts,
 * each by account id; every one takes the account's id twice. */
#define LP_SQL_CONTACT_NCOLS 5

lp_dialect lp_sql_dialect(const char *driver_name);
const char *lp_sql_label(lp_sql_id id);
const char *lp_sql_text(lp_sql_id id, lp_dialect dialect);

/* Plain statements run with apr_dbd_query: session setup (one per line),
 * and transaction control. */
const char *lp_sql_session(lp_dialect dialect, int lock_timeout_seconds,
                           char *buf, int size);
/* The lock wait of a server session for a request that has left_ms of
 * its LinphoneProvisioningDBTimeout: PostgreSQL's lock_timeout in ms (at
 * least 1: 0 would wait forever), MariaDB's innodb_lock_wait_timeout in
 * whole seconds, the nearest, at least 1.  Not for SQLite. */
int lp_sql_lock_wait(lp_dialect dialect, int left_ms);
/* The statement that sets it. */
const char *lp_sql_lock_wait_set(lp_dialect dialect, int value, char *buf,
                                 int size);
/* SQLite lock waits, when lp_store.c cannot install its busy handler.  APR's sqlite3 driver tries a busy statement 16
 * times, 100 ms apart, so a wait of total_ms is spread over the tries:
 * this is one try's wait (0 below the driver's own floor of 1.6 s). */
int lp_sql_sqlite_busy_ms(int total_ms);
/* 1 when session statements answer with a row (SQLite's PRAGMAs do), so
 * they must be run as queries, not commands. */
int lp_sql_session_returns_rows(lp_dialect dialect);
const char *lp_sql_begin(lp_dialect dialect);
/* MariaDB: TIMESTAMP columns (FlexiAPI's created_at) are converted through
 * the session's time_zone.  FlexiAPI's Laravel connection sets none (its
 * config/database.php has no 'timezone'), so it writes its UTC strings in
 * the server's global zone: ours reads and writes in that same zone, and
 * follows it when it changes (lp_store.c re-reads it, see zone_sync). */
#define LP_SQL_ZONE_SYNC "SET time_zone = @@global.time_zone"
#define LP_SQL_COMMIT "COMMIT"
#define LP_SQL_ROLLBACK "ROLLBACK"

#endif
