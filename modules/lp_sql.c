/*
 * lp_sql — the SQL catalogue (see lp_sql.h).
 */
#include "lp_sql.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *label;
    const char *sql;                         /* portable text */
    const char *variant[LP_DIALECT_COUNT];   /* NULL: the portable text */
    int ncols;                               /* of its rows (lp_sql.h) */
} statement;

/* The contacts of account %lld (given twice), each once, as a derived
 * table "ids" (column id) that the statements join by index: MariaDB runs
 * `x IN (... UNION ...)` as a dependent subquery, once per row of the
 * outer table (every account: seconds on a large database). */
#define LP_SQL_CONTACT_IDS \
    "(SELECT c.contact_id AS id FROM contacts c WHERE c.account_id = %lld " \
    "UNION SELECT l.contact_id FROM account_contacts_list m " \
    "JOIN contacts_list_contact l ON l.contacts_list_id = m.contacts_list_id " \
    "WHERE m.account_id = %lld) ids"

/* SQLite stores a boolean as whatever was written (a database converted
 * from a PostgreSQL dump holds 't'/'f', some tools write 'true'), and there
 * `NOT 't'` is true: its variants read booleans as lp_bool_parse does.
 * Anything else is neither true nor false, as there. */
#define SQ_FALSE(col) "lower(" col ") IN ('0', 'f', 'false')"
#define SQ_TRUE(col) "(lower(" col ") IN ('1', 't', 'true'))"

/* The account's newest unused token id, given the test for "unused" */
#define NEWEST_UNUSED(unused) \
    "(SELECT MAX(c.id) FROM provisioning_tokens c " \
    "  WHERE c.account_id = t.account_id AND " unused ")"

#define TOKEN_FIND(newest) \
    "SELECT " LP_SQL_TOKEN_FIND_COLUMNS(newest) \
    " FROM provisioning_tokens t JOIN accounts a ON a.id = t.account_id" \
    " WHERE t.token = %s"

/* the QR code's read-only look at a token */
#define TOKEN_CHECK(newest) \
    "SELECT " LP_SQL_TOKEN_CHECK_COLUMNS(newest) \
    " FROM provisioning_tokens t JOIN accounts a ON a.id = t.account_id" \
    " WHERE t.token = %s"

/* The winner of a race is the one request whose UPDATE changes a row, and
 * the token must still be the account's newest unused one when the UPDATE
 * runs (a newer one may have been created since the SELECT).  MariaDB
 * refuses a subquery on the updated table (error 1093) but not one on a
 * derived table, which it materialises.  Parameters: ip, user agent, now,
 * token id, account id, token id. */
#define TOKEN_CONSUME(unused, n_unused) \
    "UPDATE provisioning_tokens SET used = TRUE, ip = %s, " \
    "user_agent = %s, updated_at = %pDs WHERE id = %lld AND " unused \
    " AND NOT EXISTS (SELECT 1 FROM (SELECT n.id FROM provisioning_tokens n" \
    " WHERE n.account_id = %lld AND n.id > %lld AND " n_unused ") newer)"

#define ACCOUNT_ACTIVATE(not_activated) \
    "UPDATE accounts SET activated = TRUE, updated_at = %pDs " \
    "WHERE id = %lld AND " not_activated

static const statement catalogue[LP_SQL_COUNT] = {
    /* TOKEN_FIND for a claim.  PostgreSQL: the account row is locked as
     * the token is read.  A token INSERT checks its foreign key with FOR
     * KEY SHARE on the account row, which FOR UPDATE excludes, so a newer
     * token either commits before the consuming UPDATE starts (and that
     * UPDATE sees it) or waits for our COMMIT; one statement, where a
     * separate lock would be a round trip.  SQLite's claim holds the write
     * lock already, MariaDB's UPDATE reads the latest committed rows (and
     * it has no FOR UPDATE OF). */
    [LP_SQL_TOKEN_FIND_LOCK] = { "linphone_token_find_lock",
        TOKEN_FIND(NEWEST_UNUSED("NOT c.used")) " FOR UPDATE OF a", {
            [LP_DIALECT_SQLITE3] = TOKEN_FIND(NEWEST_UNUSED(
                                       SQ_FALSE("c.used"))),
            [LP_DIALECT_MYSQL] = TOKEN_FIND(NEWEST_UNUSED("NOT c.used")) },
        LP_COL_TOKEN_FIND_NCOLS },
    [LP_SQL_TOKEN_FIND] = { "linphone_token_find",
        TOKEN_FIND(NEWEST_UNUSED("NOT c.used")), {
            [LP_DIALECT_SQLITE3] = TOKEN_FIND(NEWEST_UNUSED(
                                       SQ_FALSE("c.used"))) },
        LP_COL_TOKEN_FIND_NCOLS },
    [LP_SQL_TOKEN_CHECK] = { "linphone_token_check",
        TOKEN_CHECK(NEWEST_UNUSED("NOT c.used")), {
            [LP_DIALECT_SQLITE3] = TOKEN_CHECK(NEWEST_UNUSED(
                                       SQ_FALSE("c.used"))) },
        LP_COL_TOKEN_CHECK_NCOLS },
    [LP_SQL_TOKEN_CONSUME] = { "linphone_token_consume",
        TOKEN_CONSUME("NOT used", "NOT n.used"), {
            [LP_DIALECT_SQLITE3] = TOKEN_CONSUME(SQ_FALSE("used"),
                                                 SQ_FALSE("n.used")) } },
    [LP_SQL_ACCOUNT_ACTIVATE] = { "linphone_account_activate",
        ACCOUNT_ACTIVATE("NOT activated"), {
            [LP_DIALECT_SQLITE3] = ACCOUNT_ACTIVATE(
                "(activated IS NULL OR " SQ_TRUE("activated") " = 0)") } },
    [LP_SQL_AUTH_TOKEN_FIND] = { "linphone_auth_token_find",
        "SELECT " LP_SQL_AUTH_TOKEN_COLUMNS
        " FROM auth_tokens t JOIN accounts a ON a.id = t.account_id"
        " WHERE t.token = %s", { 0 }, LP_COL_AUTH_TOKEN_NCOLS },
    [LP_SQL_AUTH_TOKEN_DELETE] = { "linphone_auth_token_delete",
        "DELETE FROM auth_tokens WHERE id = %lld", { 0 } },
    [LP_SQL_PASSWORDS_DELETE] = { "linphone_passwords_delete",
        "DELETE FROM passwords WHERE account_id = %lld", { 0 } },
    [LP_SQL_PASSWORD_INSERT] = { "linphone_password_insert",
        "INSERT INTO passwords (account_id, password, algorithm) "
        "VALUES (%lld, %s, %s)", { 0 } },
    [LP_SQL_PASSWORDS_FIND] = { "linphone_passwords_find",
        "SELECT " LP_SQL_PASSWORD_COLUMNS " FROM passwords "
        "WHERE account_id = %lld ORDER BY id", { 0 }, LP_COL_PASSWORD_NCOLS },
    [LP_SQL_ACCOUNT_FIND_ID] = { "linphone_account_find_id",
        "SELECT " LP_SQL_ACCOUNT_COLUMNS " FROM accounts a WHERE a.id = %lld",
        { 0 }, LP_COL_ACCOUNT_NCOLS },
    [LP_SQL_ACCOUNT_FIND_ADDRESS] = { "linphone_account_find_address",
        "SELECT " LP_SQL_ACCOUNT_COLUMNS " FROM accounts a "
        "WHERE a.username = %s AND a.domain = %s", { 0 },
        LP_COL_ACCOUNT_NCOLS },
    [LP_SQL_API_KEY_FIND] = { "linphone_api_key_find",
        "SELECT " LP_SQL_API_KEY_COLUMNS
        " FROM api_keys k JOIN accounts a ON a.id = k.account_id"
        " WHERE k.key = %s", { 0 }, LP_COL_API_KEY_NCOLS },
    /* one autocommitted statement: the row lock lasts just this update.
     * Uses counted in shared memory arrive in any order (children, nodes,
     * a flush at exit): the count adds up and the latest use wins.
     * Parameters: uses, last use (twice), key id. */
    [LP_SQL_API_KEY_TOUCH] = { "linphone_api_key_touch",
        "UPDATE api_keys SET requests = requests + %d, last_used_at = "
        "CASE WHEN last_used_at IS NULL OR last_used_at < %pDs THEN %pDs "
        "ELSE last_used_at END WHERE id = %lld", { 0 } },
    [LP_SQL_SPACE_FIND] = { "linphone_space_find",
        "SELECT " LP_SQL_SPACE_COLUMNS " FROM spaces WHERE host = %s", { 0 },
        LP_COL_SPACE_NCOLS },
    /* FlexiAPI 2.1: the realm and the reset password's algorithm are the
     * space's (first) digest configuration's, and there is no header flag */
    [LP_SQL_SPACE_FIND_21] = { "linphone_space_find_21",
        "SELECT " LP_SQL_SPACE21_COLUMNS " FROM spaces s "
        "LEFT JOIN space_digest_authentication_configurations d "
        "ON d.id = (SELECT MIN(e.id) FROM "
        "space_digest_authentication_configurations e "
        "WHERE e.space_id = s.id) "
        "WHERE s.host = %s", { 0 }, LP_COL_SPACE21_NCOLS },
    /* every server of the space, enabled or not, as FlexiAPI lists them */
    [LP_SQL_CARDDAV_SERVERS_FIND] = { "linphone_carddav_servers_find",
        "SELECT " LP_SQL_CARDDAV_SERVER_COLUMNS " FROM space_carddav_servers "
        "WHERE space_id = %lld ORDER BY id", { 0 }, LP_COL_CARDDAV_NCOLS },
    [LP_SQL_CARDDAV_CREDENTIALS_FIND] = { "linphone_carddav_credentials_find",
        "SELECT " LP_SQL_CARDDAV_CREDENTIAL_COLUMNS
        " FROM account_carddav_credentials WHERE account_id = %lld "
        "ORDER BY space_carddav_server_id", { 0 },
        LP_COL_CARDDAV_CREDENTIAL_NCOLS },
    /* FlexiAPI's contacts of an account: its own `contacts` rows and the
     * members of every contacts list attached to it, each once */
    [LP_SQL_CONTACTS_FIND] = { "linphone_contacts_find",
        "SELECT " LP_SQL_CONTACT_COLUMNS " FROM " LP_SQL_CONTACT_IDS " "
        "JOIN accounts a ON a.id = ids.id ORDER BY a.id", { 0 },
        LP_COL_CONTACT_NCOLS },
    /* the type's key by a subquery (LP_SQL_CONTACT_TYPE_COLUMNS), not a
     * join: joined, MariaDB may start from the few account_types rows and
     * read every account of a type */
    [LP_SQL_CONTACT_TYPES_FIND] = { "linphone_contact_types_find",
        "SELECT " LP_SQL_CONTACT_TYPE_COLUMNS " FROM " LP_SQL_CONTACT_IDS " "
        "JOIN account_account_type x ON x.account_id = ids.id "
        "ORDER BY x.account_id, x.account_type_id", { 0 },
        LP_COL_CONTACT_TYPE_NCOLS },
    [LP_SQL_CONTACT_ACTIONS_FIND] = { "linphone_contact_actions_find",
        "SELECT " LP_SQL_CONTACT_ACTION_COLUMNS " FROM " LP_SQL_CONTACT_IDS " "
        "JOIN account_actions x ON x.account_id = ids.id "
        "ORDER BY x.account_id, x.id", { 0 }, LP_COL_CONTACT_ACTION_NCOLS },
};

lp_dialect lp_sql_dialect(const char *driver_name)
{
    if (driver_name && strcmp(driver_name, "pgsql") == 0)
        return LP_DIALECT_PGSQL;
    if (driver_name && strcmp(driver_name, "mysql") == 0)
        return LP_DIALECT_MYSQL;
    return LP_DIALECT_SQLITE3;
}

const char *lp_sql_label(lp_sql_id id)
{
    return catalogue[id].label;
}

const char *lp_sql_text(lp_sql_id id, lp_dialect dialect)
{
    const char *v = catalogue[id].variant[dialect];

    return v ? v : catalogue[id].sql;
}

int lp_sql_ncols(lp_sql_id id)
{
    return catalogue[id].ncols;
}

const char *lp_sql_session(lp_dialect dialect, int lock_timeout_seconds,
                           char *buf, int size)
{
    switch (dialect) {
    case LP_DIALECT_PGSQL:
        /* lock_timeout 0 would mean "wait forever": 1 ms is "don't wait".
         * Values are UTF-8 whatever the database's encoding. */
        snprintf(buf, size, "SET lock_timeout = %d\n"
                 "SET client_encoding = 'UTF8'",
                 lp_sql_lock_wait(dialect, lock_timeout_seconds * 1000));
        break;
    case LP_DIALECT_MYSQL:
        /* apr_dbd_mysql sets no character set: the client library's default
         * (latin1 in some builds) would store UTF-8 bytes double-encoded.
         * REPEATABLE READ, InnoDB's default, whatever the server's: an
         * UPDATE reads the latest committed row and waits for its lock, so
         * the token's conditional UPDATE changes one row for one request
         * only (as under READ COMMITTED); under SERIALIZABLE the plain
         * SELECTs would take shared locks and the racing requests deadlock
         * (503), and READ COMMITTED refuses writes under
         * binlog_format=STATEMENT. */
        snprintf(buf, size, "SET NAMES utf8mb4\n"
                 LP_SQL_ZONE_SYNC "\n"
                 "SET SESSION innodb_lock_wait_timeout = %d\n"
                 "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                 lp_sql_lock_wait(dialect, lock_timeout_seconds * 1000));
        break;
    default:
        /* WAL makes synchronous=NORMAL durable across application crashes;
         * mod_lp_sqlite.c replaces busy_timeout by a handler that waits as long
         * without holding APR's driver mutex */
        snprintf(buf, size, "PRAGMA busy_timeout = %d\n"
                 "PRAGMA synchronous = NORMAL",
                 lp_sql_sqlite_busy_ms(lock_timeout_seconds * 1000));
        break;
    }
    return buf;
}

int lp_sql_lock_wait(lp_dialect dialect, int left_ms)
{
    if (dialect == LP_DIALECT_MYSQL)
        return left_ms >= 1500 ? (left_ms + 500) / 1000 : 1;
    return left_ms > 0 ? left_ms : 1;
}

const char *lp_sql_lock_wait_set(lp_dialect dialect, int value, char *buf,
                                 int size)
{
    snprintf(buf, size, dialect == LP_DIALECT_MYSQL
             ? "SET SESSION innodb_lock_wait_timeout = %d"
             : "SET lock_timeout = %d", value);
    return buf;
}

#define DRIVER_TRIES 16
#define DRIVER_NAP_MS 100

int lp_sql_sqlite_busy_ms(int total_ms)
{
    int per_try = total_ms / DRIVER_TRIES - DRIVER_NAP_MS;

    return per_try > 0 ? per_try : 0;
}

int lp_sql_session_returns_rows(lp_dialect dialect)
{
    return dialect == LP_DIALECT_SQLITE3;
}

const char *lp_sql_begin(lp_dialect dialect)
{
    switch (dialect) {
    case LP_DIALECT_PGSQL:
        /* whatever default_transaction_isolation says: under REPEATABLE
         * READ or SERIALIZABLE the losers of a token race would get a
         * serialization failure (503) instead of their 404 */
        return "BEGIN ISOLATION LEVEL READ COMMITTED";
    case LP_DIALECT_MYSQL:
        return "START TRANSACTION";
    default:
        /* take the write lock first: a deferred transaction that read first
         * could not upgrade under concurrency (SQLITE_BUSY, not a wait) */
        return "BEGIN IMMEDIATE";
    }
}
