/*
 * lp_sql — every SQL statement of the module, one catalogue.  The text is
 * portable across the sqlite3, pgsql and mysql APR DBD drivers (TRUE/FALSE
 * literals, the reserved word `key` only table-qualified); a statement
 * that cannot be portable carries per-driver variants (SQLite's reads of
 * booleans stored as text, PostgreSQL's row lock), chosen once per
 * connection from apr_dbd_name().  Parameters are always bound.
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
    LP_SQL_TOKEN_FIND_LOCK,
    LP_SQL_SPACE_FIND_21,
    LP_SQL_CARDDAV_SERVERS_FIND,
    LP_SQL_CARDDAV_CREDENTIALS_FIND,
    LP_SQL_COUNT
} lp_sql_id;

/*
 * The columns of each SELECT, named: an enum per statement (or per shared
 * column list) beside its list.  lp_sql_ncols() gives each statement's
 * count, and the rows read are checked against it (lp_dbd_read).
 */

/* The account, in every statement that returns one */
#define LP_SQL_ACCOUNT_COLUMNS \
    "a.id, a.username, a.domain, a.display_name, a.email, a.activated, " \
    "a.blocked"
enum {
    LP_COL_ACCOUNT_ID, LP_COL_ACCOUNT_USERNAME, LP_COL_ACCOUNT_DOMAIN,
    LP_COL_ACCOUNT_DISPLAY_NAME, LP_COL_ACCOUNT_EMAIL,
    LP_COL_ACCOUNT_ACTIVATED, LP_COL_ACCOUNT_BLOCKED,
    LP_COL_ACCOUNT_NCOLS        /* ACCOUNT_FIND_ID, ACCOUNT_FIND_ADDRESS */
};

/* A provisioning token, first in TOKEN_FIND and TOKEN_CHECK (one verdict
 * serves both); newest: the account's newest unused token id */
#define LP_SQL_TOKEN_COLUMNS(newest) \
    "t.id, t.used, t.created_at, " newest
enum {
    LP_COL_TOKEN_ID, LP_COL_TOKEN_USED, LP_COL_TOKEN_CREATED_AT,
    LP_COL_TOKEN_NEWEST_UNUSED,
    LP_COL_TOKEN_NCOMMON
};

/* TOKEN_FIND: the token's columns, the account, the token */
#define LP_SQL_TOKEN_FIND_COLUMNS(newest) \
    LP_SQL_TOKEN_COLUMNS(newest) ", " LP_SQL_ACCOUNT_COLUMNS ", t.token"
enum {
    LP_COL_TOKEN_FIND_ACCOUNT = LP_COL_TOKEN_NCOMMON,
    LP_COL_TOKEN_FIND_TOKEN = LP_COL_TOKEN_FIND_ACCOUNT + LP_COL_ACCOUNT_NCOLS,
    LP_COL_TOKEN_FIND_NCOLS
};

/* TOKEN_CHECK: the token's columns, the account's blocked flag and
 * domain, the token */
#define LP_SQL_TOKEN_CHECK_COLUMNS(newest) \
    LP_SQL_TOKEN_COLUMNS(newest) ", a.blocked, a.domain, t.token"
enum {
    LP_COL_TOKEN_CHECK_BLOCKED = LP_COL_TOKEN_NCOMMON,
    LP_COL_TOKEN_CHECK_DOMAIN,
    LP_COL_TOKEN_CHECK_TOKEN,
    LP_COL_TOKEN_CHECK_NCOLS
};

/* AUTH_TOKEN_FIND */
#define LP_SQL_AUTH_TOKEN_COLUMNS \
    "t.id, t.created_at, " LP_SQL_ACCOUNT_COLUMNS ", t.token"
enum {
    LP_COL_AUTH_TOKEN_ID, LP_COL_AUTH_TOKEN_CREATED_AT,
    LP_COL_AUTH_TOKEN_ACCOUNT,
    LP_COL_AUTH_TOKEN_TOKEN = LP_COL_AUTH_TOKEN_ACCOUNT + LP_COL_ACCOUNT_NCOLS,
    LP_COL_AUTH_TOKEN_NCOLS
};

/* PASSWORDS_FIND */
#define LP_SQL_PASSWORD_COLUMNS "password, algorithm"
enum {
    LP_COL_PASSWORD_PASSWORD, LP_COL_PASSWORD_ALGORITHM,
    LP_COL_PASSWORD_NCOLS
};

/* API_KEY_FIND (`key` is reserved in MySQL: table-qualified, it needs no
 * quoting) */
#define LP_SQL_API_KEY_COLUMNS \
    "k.id, k.ip, k.last_used_at, k.expires_after_last_used_minutes, " \
    LP_SQL_ACCOUNT_COLUMNS ", k.key"
enum {
    LP_COL_API_KEY_ID, LP_COL_API_KEY_IP, LP_COL_API_KEY_LAST_USED_AT,
    LP_COL_API_KEY_MINUTES,
    LP_COL_API_KEY_ACCOUNT,
    LP_COL_API_KEY_KEY = LP_COL_API_KEY_ACCOUNT + LP_COL_ACCOUNT_NCOLS,
    LP_COL_API_KEY_NCOLS
};

/* FlexiAPI's schema generations, told per connection by which spaces
 * statement prepares (mod_lp_dbd.c): 2.0's spaces hold the realm and the header
 * flag, 2.1 moved the realm to space_digest_authentication_configurations
 * and dropped the flag.  NONE: neither (no spaces table, or another shape). */
typedef enum {
    LP_FLEXIAPI_NONE = 0,
    LP_FLEXIAPI_20 = 20,
    LP_FLEXIAPI_21 = 21
} lp_flexiapi;

/* SPACE_FIND (2.0) and SPACE_FIND_21 share their columns' order: the ui
 * flags in lp_ui_flags order from LP_COL_SPACE_UI on, the space's id;
 * where 2.0 has the header flag 2.1 has its digest configuration's
 * default_password_algorithm, and 2.1 adds that configuration's id (NULL:
 * the space has none). */
#define LP_SQL_SPACE_COLUMNS \
    "host, domain, account_realm, custom_provisioning_entries, " \
    "custom_provisioning_overwrite_all, " \
    "provisioning_use_linphone_provisioning_header, " \
    "super, disable_chat_feature, disable_meetings_feature, " \
    "disable_broadcast_feature, hide_settings, hide_account_settings, " \
    "disable_call_recordings_feature, only_display_sip_uri_username, " \
    "assistant_hide_create_account, assistant_disable_qr_code, " \
    "assistant_hide_third_party_account, max_account, id"
#define LP_SQL_SPACE21_COLUMNS \
    "s.host, s.domain, d.realm, s.custom_provisioning_entries, " \
    "s.custom_provisioning_overwrite_all, d.default_password_algorithm, " \
    "s.super, s.disable_chat_feature, s.disable_meetings_feature, " \
    "s.disable_broadcast_feature, s.hide_settings, " \
    "s.hide_account_settings, s.disable_call_recordings_feature, " \
    "s.only_display_sip_uri_username, s.assistant_hide_create_account, " \
    "s.assistant_disable_qr_code, s.assistant_hide_third_party_account, " \
    "s.max_account, s.id, d.id"
enum {
    LP_COL_SPACE_HOST, LP_COL_SPACE_DOMAIN, LP_COL_SPACE_REALM,
    LP_COL_SPACE_ENTRIES, LP_COL_SPACE_OVERWRITE_ALL,
    LP_COL_SPACE_REQUIRE_HEADER,
    LP_COL_SPACE21_ALGORITHM = LP_COL_SPACE_REQUIRE_HEADER,
    LP_COL_SPACE_UI,
    LP_COL_SPACE_MAX_ACCOUNT = LP_COL_SPACE_UI + 11,
    LP_COL_SPACE_ID,
    LP_COL_SPACE_NCOLS,
    LP_COL_SPACE21_DIGEST_ID = LP_COL_SPACE_NCOLS,
    LP_COL_SPACE21_NCOLS
};

/* CARDDAV_SERVERS_FIND, by space id */
#define LP_SQL_CARDDAV_SERVER_COLUMNS \
    "enabled, uri, min_characters, results_limit, timeout, delay, " \
    "fields_for_user_input, fields_for_domain, use_exact_match_policy"
enum {
    LP_COL_CARDDAV_ENABLED, LP_COL_CARDDAV_URI,
    LP_COL_CARDDAV_MIN_CHARACTERS, LP_COL_CARDDAV_RESULTS_LIMIT,
    LP_COL_CARDDAV_TIMEOUT, LP_COL_CARDDAV_DELAY,
    LP_COL_CARDDAV_FIELDS_FOR_USER_INPUT, LP_COL_CARDDAV_FIELDS_FOR_DOMAIN,
    LP_COL_CARDDAV_EXACT_MATCH,
    LP_COL_CARDDAV_NCOLS
};

/* CARDDAV_CREDENTIALS_FIND, by account id */
#define LP_SQL_CARDDAV_CREDENTIAL_COLUMNS \
    "username, password, realm, algorithm"
enum {
    LP_COL_CARDDAV_CREDENTIAL_USERNAME, LP_COL_CARDDAV_CREDENTIAL_PASSWORD,
    LP_COL_CARDDAV_CREDENTIAL_REALM, LP_COL_CARDDAV_CREDENTIAL_ALGORITHM,
    LP_COL_CARDDAV_CREDENTIAL_NCOLS
};

/* The contacts statements, in that order: CONTACTS_FIND's accounts by id,
 * then the types and actions of those accounts, each by account id; every
 * one takes the account's id twice. */
#define LP_SQL_CONTACT_COLUMNS \
    "a.id, a.username, a.domain, a.display_name, a.dtmf_protocol"
enum {
    LP_COL_CONTACT_ID, LP_COL_CONTACT_USERNAME, LP_COL_CONTACT_DOMAIN,
    LP_COL_CONTACT_DISPLAY_NAME, LP_COL_CONTACT_DTMF_PROTOCOL,
    LP_COL_CONTACT_NCOLS
};
/* the key is NULL for a type row whose type is gone (FlexiAPI's foreign
 * keys delete those rows): lp_store.c skips it */
#define LP_SQL_CONTACT_TYPE_COLUMNS \
    "x.account_id, " \
    "(SELECT t.key FROM account_types t WHERE t.id = x.account_type_id)"
enum {
    LP_COL_CONTACT_TYPE_ACCOUNT_ID, LP_COL_CONTACT_TYPE_KEY,
    LP_COL_CONTACT_TYPE_NCOLS
};
#define LP_SQL_CONTACT_ACTION_COLUMNS "x.account_id, x.key, x.code"
enum {
    LP_COL_CONTACT_ACTION_ACCOUNT_ID, LP_COL_CONTACT_ACTION_KEY,
    LP_COL_CONTACT_ACTION_CODE,
    LP_COL_CONTACT_ACTION_NCOLS
};

lp_dialect lp_sql_dialect(const char *driver_name);
const char *lp_sql_label(lp_sql_id id);
const char *lp_sql_text(lp_sql_id id, lp_dialect dialect);
/* The columns of a statement's rows (0 for a write). */
int lp_sql_ncols(lp_sql_id id);

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
/* SQLite lock waits, when mod_lp_sqlite.c cannot install its busy handler.
 * APR's sqlite3 driver tries a busy statement 16 times, 100 ms apart, so
 * a wait of total_ms is spread over the tries: this is one try's wait (0
 * below the driver's own floor of 1.6 s). */
int lp_sql_sqlite_busy_ms(int total_ms);
/* 1 when session statements answer with a row (SQLite's PRAGMAs do), so
 * they must be run as queries, not commands. */
int lp_sql_session_returns_rows(lp_dialect dialect);
const char *lp_sql_begin(lp_dialect dialect);
/* MariaDB: TIMESTAMP columns (FlexiAPI's created_at) are converted through
 * the session's time_zone.  FlexiAPI's Laravel connection sets none (its
 * config/database.php has no 'timezone'), so it writes its UTC strings in
 * the server's global zone: ours reads and writes in that same zone, and
 * follows it when it changes (mod_lp_dbd.c re-reads it, see zone_sync). */
#define LP_SQL_ZONE_SYNC "SET time_zone = @@global.time_zone"
#define LP_SQL_COMMIT "COMMIT"
#define LP_SQL_ROLLBACK "ROLLBACK"

#endif
