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
} statement;

/* the ids of the contacts of account %lld (given twice) */
#define LP_SQL_CONTACT_IDS \
    "SELECT c.contact_id FROM contacts c WHERE c.account_id = %lld " \
    "UNION SELECT l.contact_id FROM contacts_list_contact l " \
    "JOIN account_contacts_list m ON m.contacts_list_id = l.contacts_list_id " \
    "WHERE m.account_id = %lld"

static const statement catalogue[LP_SQL_COUNT] = {
    [LP_SQL_TOKEN_FIND] = { "linphone_token_find",
        "SELECT t.id, t.used, t.created_at, "
        "(SELECT MAX(c.id) FROM provisioning_tokens c "
        "  WHERE c.account_id = t.account_id AND NOT c.used), "
        LP_SQL_ACCOUNT_COLUMNS ", t.token"
        " FROM provisioning_tokens t JOIN accounts a ON a.id = t.account_id"
        " WHERE t.token = %s", { 0 } },
    /* the QR code's read-only look at a token: TOKEN_FIND's first four
     * columns (one verdict serves both) and the account's blocked flag */
    [LP_SQL_TOKEN_CHECK] = { "linphone_token_check",
        "SELECT t.id, t.used, t.created_at, "
        "(SELECT MAX(c.id) FROM provisioning_tokens c "
        "  WHERE c.account_id = t.account_id AND NOT c.used), a.blocked, "
        "t.token"
        " FROM provisioning_tokens t JOIN accounts a ON a.id = t.account_id"
        " WHERE t.token = %s", { 0 } },
    /* the winner of a race is the one request whose UPDATE changes a row */
    [LP_SQL_TOKEN_CONSUME] = { "linphone_token_consume",
        "UPDATE provisioning_tokens SET used = TRUE, ip = %s, "
        "user_agent = %s, updated_at = %pDs WHERE id = %lld AND NOT used",
        { 0 } },
    [LP_SQL_ACCOUNT_ACTIVATE] = { "linphone_account_activate",
        "UPDATE accounts SET activated = TRUE, updated_at = %pDs "
        "WHERE id = %lld AND NOT activated", { 0 } },
    [LP_SQL_AUTH_TOKEN_FIND] = { "linphone_auth_token_find",
        "SELECT t.id, t.created_at, " LP_SQL_ACCOUNT_COLUMNS ", t.token"
        " FROM auth_tokens t JOIN accounts a ON a.id = t.account_id"
        " WHERE t.token = %s", { 0 } },
    [LP_SQL_AUTH_TOKEN_DELETE] = { "linphone_auth_token_delete",
        "DELETE FROM auth_tokens WHERE id = %lld", { 0 } },
    [LP_SQL_PASSWORDS_DELETE] = { "linphone_passwords_delete",
        "DELETE FROM passwords WHERE account_id = %lld", { 0 } },
    [LP_SQL_PASSWORD_INSERT] = { "linphone_password_insert",
        "INSERT INTO passwords (account_id, password, algorithm) "
        "VALUES (%lld, %s, %s)", { 0 } },
    [LP_SQL_PASSWORDS_FIND] = { "linphone_passwords_find",
        "SELECT password, algorithm FROM passwords WHERE account_id = %lld "
        "ORDER BY id", { 0 } },
    [LP_SQL_ACCOUNT_FIND_ID] = { "linphone_account_find_id",
        "SELECT " LP_SQL_ACCOUNT_COLUMNS " FROM accounts a WHERE a.id = %lld",
        { 0 } },
    [LP_SQL_ACCOUNT_FIND_ADDRESS] = { "linphone_account_find_address",
        "SELECT " LP_SQL_ACCOUNT_COLUMNS " FROM accounts a "
        "WHERE a.username = %s AND a.domain = %s", { 0 } },
    /* `key` is reserved in MySQL: table-qualified, it needs no quoting */
    [LP_SQL_API_KEY_FIND] = { "linphone_api_key_find",
        "SELECT k.id, k.ip, k.last_used_at, "
        "k.expires_after_last_used_minutes, " LP_SQL_ACCOUNT_COLUMNS ", k.key"
        " FROM api_keys k JOIN accounts a ON a.id = k.account_id"
        " WHERE k.key = %s", { 0 } },
    /* one autocommitted statement: the row lock lasts just this update */
    [LP_SQL_API_KEY_TOUCH] = { "linphone_api_key_touch",
        "UPDATE api_keys SET requests = requests + 1, last_used_at = %pDs "
        "WHERE id = %lld", { 0 } },
    /* the ui flags in lp_ui_flags order after the first six columns */
    [LP_SQL_SPACE_FIND] = { "linphone_space_find",
        "SELECT host, domain, account_realm, custom_provisioning_entries, "
        "custom_provisioning_overwrite_all, "
        "provisioning_use_linphone_provisioning_header, "
        "super, disable_chat_feature, disable_meetings_feature, "
        "disable_broadcast_feature, hide_settings, hide_account_settings, "
        "disable_call_recordings_feature, only_display_sip_uri_username, "
        "assistant_hide_create_account, assistant_disable_qr_code, "
        "assistant_hide_third_party_account, max_account "
        "FROM spaces WHERE host = %s", { 0 } },
    /* FlexiAPI's contacts of an account: its own `contacts` rows and the
     * members of every contacts list attached to it, each once */
    [LP_SQL_CONTACTS_FIND] = { "linphone_contacts_find",
        "SELECT a.id, a.username, a.domain, a.display_name, a.dtmf_protocol "
        "FROM accounts a WHERE a.id IN (" LP_SQL_CONTACT_IDS ") "
        "ORDER BY a.id", { 0 } },
    [LP_SQL_CONTACT_TYPES_FIND] = { "linphone_contact_types_find",
        "SELECT x.account_id, t.key FROM account_account_type x "
        "JOIN account_types t ON t.id = x.account_type_id "
        "WHERE x.account_id IN (" LP_SQL_CONTACT_IDS ") "
        "ORDER BY x.account_id, t.id", { 0 } },
    [LP_SQL_CONTACT_ACTIONS_FIND] = { "linphone_contact_actions_find",
        "SELECT x.account_id, x.key, x.code FROM account_actions x "
        "WHERE x.account_id IN (" LP_SQL_CONTACT_IDS ") "
        "ORDER BY x.account_id, x.id", { 0 } },
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

const char *lp_sql_session(lp_dialect dialect, int lock_timeout_seconds,
                           char *buf, int size)
{
    switch (dialect) {
    case LP_DIALECT_PGSQL:
        /* lock_timeout 0 would mean "wait forever": 1 ms is "don't wait".
         * Values are UTF-8 whatever the database's encoding. */
        snprintf(buf, size, "SET lock_timeout = %d\n"
                 "SET client_encoding = 'UTF8'",
                 lock_timeout_seconds > 0 ? lock_timeout_seconds * 1000 : 1);
        break;
    case LP_DIALECT_MYSQL:
        /* apr_dbd_mysql sets no character set: the client library's default
         * (latin1 in some builds) would store UTF-8 bytes double-encoded.
         * REPEATABLE READ, InnoDB's default, whatever the server's: an
         * UPDATE reads the latest committed row and waits for its lock, so
         * the token's conditional UPDATE changes one row for one request
         * only (verified: concurrency.t and cluster.t, also under READ
         * COMMITTED); under SERIALIZABLE the plain SELECTs would take
         * shared locks and the racing requests deadlock (503), and READ
         * COMMITTED refuses writes under binlog_format=STATEMENT. */
        snprintf(buf, size, "SET NAMES utf8mb4\n"
                 "SET SESSION innodb_lock_wait_timeout = %d\n"
                 "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                 lock_timeout_seconds > 0 ? lock_timeout_seconds : 1);
        break;
    default:
        /* WAL makes synchronous=NORMAL durable across application crashes;
         * lp_store.c replaces busy_timeout by a handler that waits as long
         * without holding APR's driver mutex */
        snprintf(buf, size, "PRAGMA busy_timeout = %d\n"
                 "PRAGMA synchronous = NORMAL",
                 lp_sql_sqlite_busy_ms(lock_timeout_seconds * 1000));
        break;
    }
    return buf;
}

#define DRIVER_TRIES 16
#define DRIVER_NAP_MS 100

int lp_sql_sqlite_busy_ms(int total_ms)
{
    int per_try = total_ms / DRIVER_TRIES - DRIVER_NAP_MS;

    return per_try > 0 ? per_try : 0;
}

int lp_sql_sqlite_turn_ms(int total_ms)
{
    int turn = total_ms - DRIVER_TRIES * DRIVER_NAP_MS;

    return turn > 400 ? turn : 400;
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
