/*
 * mod_lp_store — the store operations (see mod_lp_store.h), each an operation of
 * lp_dbd_run: what to read and write, and FlexiAPI's rules (lp_rules.c)
 * on what was read.
 */
#include "mod_lp_store.h"
#include "mod_lp_dbd.h"
#include "lp_rules.h"
#include "lp_crypto.h"
#include "lp_text.h"
#include "mod_lp_conf.h"              /* LPLOGNO */
#include "mod_lp_key_uses.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_atomic.h"

APLOG_USE_MODULE(linphone_provisioning);

#define FAILED LP_DBD_FAILED

/* An operation's result as the store's status. */
static lp_store_status status(int rv)
{
    return rv < 0 ? LP_STORE_UNAVAILABLE : (lp_store_status)rv;
}

/* SQL NULL as the empty string */
static const char *or_empty(const char *v)
{
    return v ? v : "";
}

static const char *id_text(apr_pool_t *p, apr_int64_t id)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, id);
}

/* The account of a row, from column col (LP_SQL_ACCOUNT_COLUMNS). */
static linphone_account *account_from(apr_pool_t *p, const char **row,
                                      int col)
{
    const char **v = row + col;
    linphone_account *a = apr_pcalloc(p, sizeof *a);

    a->id = apr_atoi64(v[LP_COL_ACCOUNT_ID]);
    a->username = or_empty(v[LP_COL_ACCOUNT_USERNAME]);
    a->domain = or_empty(v[LP_COL_ACCOUNT_DOMAIN]);
    a->display_name = v[LP_COL_ACCOUNT_DISPLAY_NAME];
    a->email = v[LP_COL_ACCOUNT_EMAIL];
    a->activated = lp_bool_parse(v[LP_COL_ACCOUNT_ACTIVATED]) == 1;
    a->blocked = lp_bool_parse(v[LP_COL_ACCOUNT_BLOCKED]) == 1;
    return a;
}

/* Fills a new array's element from a row (ctx: the caller's). */
typedef void (*row_fill)(apr_pool_t *p, void *elt, const char **row,
                         void *ctx);

/* The rows of statement id as a new array of size-byte elements, each
 * filled from its row. */
static int read_array(lp_tx *t, request_rec *r, lp_sql_id id, int nargs,
                      const char **args, apr_size_t size, row_fill fill,
                      void *ctx, apr_array_header_t **out)
{
    apr_array_header_t *rows;
    int i;

    if (lp_dbd_read(t, id, nargs, args, &rows))
        return FAILED;
    *out = apr_array_make(r->pool, rows->nelts + 1, size);
    for (i = 0; i < rows->nelts; i++)
        fill(r->pool, apr_array_push(*out),
             APR_ARRAY_IDX(rows, i, const char **), ctx);
    return LP_STORE_OK;
}

static void carddav_fill(apr_pool_t *p, void *elt, const char **v,
                         void *ctx)
{
    linphone_carddav_credential *cr = elt;

    cr->username = or_empty(v[LP_COL_CARDDAV_CREDENTIAL_USERNAME]);
    cr->password = or_empty(v[LP_COL_CARDDAV_CREDENTIAL_PASSWORD]);
    cr->realm = or_empty(v[LP_COL_CARDDAV_CREDENTIAL_REALM]);
    cr->algorithm = or_empty(v[LP_COL_CARDDAV_CREDENTIAL_ALGORITHM]);
}

/* The account's CardDAV credentials (FlexiAPI 2.1; none without the
 * table). */
static int load_carddav(lp_tx *t, request_rec *r, linphone_account *a)
{
    const char *args[1];

    a->carddav = NULL;
    if (!lp_dbd_prepared(t, LP_SQL_CARDDAV_CREDENTIALS_FIND))
        return LP_STORE_OK;
    args[0] = id_text(r->pool, a->id);
    return read_array(t, r, LP_SQL_CARDDAV_CREDENTIALS_FIND, 1, args,
                      sizeof(linphone_carddav_credential), carddav_fill,
                      NULL, &a->carddav);
}

static void password_fill(apr_pool_t *p, void *elt, const char **v,
                          void *ctx)
{
    linphone_password *pw = elt;

    /* as stored: a NULL algorithm is none (never MD5), and mod_lp_auth.c
     * never authenticates with a row that is not a usable password */
    pw->password = or_empty(v[LP_COL_PASSWORD_PASSWORD]);
    pw->algorithm = or_empty(v[LP_COL_PASSWORD_ALGORITHM]);
}

/* The account's passwords, and its CardDAV credentials that the document
 * sends before them. */
static int load_passwords(lp_tx *t, request_rec *r, linphone_account *a)
{
    const char *args[1];

    if (load_carddav(t, r, a) != LP_STORE_OK)
        return FAILED;
    args[0] = id_text(r->pool, a->id);
    return read_array(t, r, LP_SQL_PASSWORDS_FIND, 1, args,
                      sizeof(linphone_password), password_fill, NULL,
                      &a->passwords);
}

/* --- claims ------------------------------------------------------------ */

typedef struct {
    const lp_claim *cl;
    linphone_account *account;
} claim_baton;

/* An authenticated account, by id. */
static int claim_account(lp_tx *t, request_rec *r, claim_baton *b)
{
    apr_array_header_t *rows;
    const char *args[1];

    args[0] = id_text(r->pool, b->cl->account_id);
    if (lp_dbd_read(t, LP_SQL_ACCOUNT_FIND_ID, 1, args, &rows))
        return FAILED;
    if (rows->nelts != 1)
        return LP_STORE_NOT_FOUND;
    b->account = account_from(r->pool, APR_ARRAY_IDX(rows, 0, const char **),
                              0);
    return b->account->blocked ? LP_STORE_BLOCKED : LP_STORE_OK;
}

/* Consumes the token of row v and activates its account: the one request
 * whose UPDATE changes the row wins. */
static int consume_token(lp_tx *t, request_rec *r, claim_baton *b,
                         const char **v)
{
    const char *now = lp_time_format(r->pool, apr_time_now());
    const char *account_id = v[LP_COL_TOKEN_FIND_ACCOUNT + LP_COL_ACCOUNT_ID];
    const char *args[6];
    int n;

    args[0] = b->cl->ip;
    args[1] = b->cl->user_agent;
    args[2] = now;
    args[3] = v[LP_COL_TOKEN_ID];
    args[4] = account_id;
    args[5] = v[LP_COL_TOKEN_ID];
    if ((n = lp_dbd_write(t, LP_SQL_TOKEN_CONSUME, 6, args)) < 0)
        return FAILED;
    if (n != 1)
        return LP_STORE_NOT_FOUND;          /* another request won */
    /* an account provisioned again is active already: no write */
    if (b->account->activated)
        return LP_STORE_OK;
    args[0] = now;
    args[1] = account_id;
    if (lp_dbd_write(t, LP_SQL_ACCOUNT_ACTIVATE, 2, args) < 0)
        return FAILED;
    b->account->activated = 1;
    return LP_STORE_OK;
}

/* The row of a secret looked up by statement id: the one whose column
 * secret_col is it byte for byte (see lp_sql.h), of an account of domain
 * (column domain_col; domain NULL: any).  0, or a status. */
static int secret_row(lp_tx *t, lp_sql_id id, const char *secret,
                      int secret_col, const char *domain, int domain_col,
                      const char ***v)
{
    apr_array_header_t *rows;
    const char *args[1];

    args[0] = secret;
    if (lp_dbd_read(t, id, 1, args, &rows))
        return FAILED;
    if (!(*v = lp_dbd_exact_row(rows, secret_col, secret))
        || lp_rules_other_domain(domain, (*v)[domain_col]))
        return LP_STORE_NOT_FOUND;
    return LP_STORE_OK;
}

/* The verdict on a provisioning token row (TOKEN_FIND, TOKEN_CHECK). */
static lp_store_status token_verdict(const char **v,
                                     apr_interval_time_t lifetime)
{
    switch (lp_rules_token(v[LP_COL_TOKEN_ID], v[LP_COL_TOKEN_USED],
                           v[LP_COL_TOKEN_CREATED_AT],
                           v[LP_COL_TOKEN_NEWEST_UNUSED], lifetime,
                           apr_time_now())) {
    case LP_RULE_OK:
        return LP_STORE_OK;
    case LP_RULE_EXPIRED:
        return LP_STORE_EXPIRED;
    default:
        return LP_STORE_NOT_FOUND;
    }
}

/* A provisioning token; read only (HEAD) stops at the verdict.  A claim
 * reads it with TOKEN_FIND_LOCK: PostgreSQL's UPDATE sees rows committed
 * before it starts, not those committing while it waits (see lp_sql.c). */
static int claim_provisioning_token(lp_tx *t, request_rec *r,
                                    claim_baton *b, int read_only)
{
    const char **v;
    int st = secret_row(t, read_only ? LP_SQL_TOKEN_FIND
                                     : LP_SQL_TOKEN_FIND_LOCK, b->cl->token,
                        LP_COL_TOKEN_FIND_TOKEN, b->cl->domain,
                        LP_COL_TOKEN_FIND_ACCOUNT + LP_COL_ACCOUNT_DOMAIN, &v);

    if (st != LP_STORE_OK
        || (st = token_verdict(v, b->cl->lifetime)) != LP_STORE_OK)
        return st;
    b->account = account_from(r->pool, v, LP_COL_TOKEN_FIND_ACCOUNT);
    if (b->account->blocked)
        return LP_STORE_BLOCKED;
    return read_only ? LP_STORE_OK : consume_token(t, r, b, v);
}

/* An auth token, deleted; read only (HEAD) stops at the verdict. */
static int claim_auth_token(lp_tx *t, request_rec *r, claim_baton *b,
                            int read_only)
{
    const char **v;
    const char *args[1];
    int n = secret_row(t, LP_SQL_AUTH_TOKEN_FIND, b->cl->token,
                       LP_COL_AUTH_TOKEN_TOKEN, b->cl->domain,
                       LP_COL_AUTH_TOKEN_ACCOUNT + LP_COL_ACCOUNT_DOMAIN, &v);

    if (n != LP_STORE_OK)
        return n;
    if (lp_rules_auth_token(v[LP_COL_AUTH_TOKEN_CREATED_AT], b->cl->lifetime,
                            apr_time_now()) != LP_RULE_OK)
        return LP_STORE_NOT_FOUND;
    b->account = account_from(r->pool, v, LP_COL_AUTH_TOKEN_ACCOUNT);
    if (b->account->blocked)
        return LP_STORE_BLOCKED;
    if (read_only)
        return LP_STORE_OK;
    args[0] = v[LP_COL_AUTH_TOKEN_ID];
    if ((n = lp_dbd_write(t, LP_SQL_AUTH_TOKEN_DELETE, 1, args)) < 0)
        return FAILED;
    return n == 1 ? LP_STORE_OK : LP_STORE_NOT_FOUND;
}

/* The token part of a claim; on LP_STORE_OK b->account is set, its realm
 * the claim's. */
static int claim_token(lp_tx *t, request_rec *r, claim_baton *b,
                       int read_only)
{
    int st;

    if (b->cl->kind == LP_CLAIM_ACCOUNT)
        st = claim_account(t, r, b);
    else if (b->cl->kind == LP_CLAIM_PROVISIONING_TOKEN)
        st = claim_provisioning_token(t, r, b, read_only);
    else
        st = claim_auth_token(t, r, b, read_only);
    if (st == LP_STORE_OK)
        b->account->realm = b->cl->realm ? b->cl->realm : b->account->domain;
    return st;
}

/* A fresh password's HA1 for the account, or NULL (logged). */
static const char *fresh_ha1(request_rec *r, const lp_claim *cl,
                             const linphone_account *a)
{
    const char *password;

    if (lp_random_password(r->pool, &password) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0104)
                      "no random source for the new password");
        return NULL;
    }
    return lp_ha1(r->pool, cl->algorithm, a->username, a->realm, password);
}

/* Replaces every password of the account by one fresh HA1 row, which is
 * then the account's only password: no read needed to know it. */
static int reset_password(lp_tx *t, request_rec *r, const lp_claim *cl,
                          linphone_account *a)
{
    linphone_password *pw;
    const char *ha1;
    const char *args[3];

    if (!(ha1 = fresh_ha1(r, cl, a)))
        return FAILED;
    args[0] = id_text(r->pool, a->id);
    if (lp_dbd_write(t, LP_SQL_PASSWORDS_DELETE, 1, args) < 0)
        return FAILED;
    args[1] = ha1;
    args[2] = cl->algorithm;
    if (lp_dbd_write(t, LP_SQL_PASSWORD_INSERT, 3, args) < 0)
        return FAILED;
    a->passwords = apr_array_make(r->pool, 1, sizeof *pw);
    pw = apr_array_push(a->passwords);
    pw->password = ha1;
    pw->algorithm = cl->algorithm;
    return LP_STORE_OK;
}

/* A claim, in one transaction (LP_DBD_TX). */
static int claim_op(lp_tx *t, request_rec *r, void *baton)
{
    claim_baton *b = baton;
    int st = claim_token(t, r, b, 0);

    if (st != LP_STORE_OK)
        return st;
    if (!b->cl->reset_password)
        return load_passwords(t, r, b->account);
    st = reset_password(t, r, b->cl, b->account);
    return st != LP_STORE_OK ? st : load_carddav(t, r, b->account);
}

/* A claim for HEAD: the verdict and document of the GET, by reads only (no
 * transaction, no turn to write).  A password reset's new HA1 is computed
 * as the GET would and not stored, so the answer's headers (its length
 * included) are those of the GET. */
static int claim_read_only_op(lp_tx *t, request_rec *r, void *baton)
{
    claim_baton *b = baton;
    linphone_password *pw;
    const char *ha1;
    int st = claim_token(t, r, b, 1);

    if (st != LP_STORE_OK)
        return st;
    if (!b->cl->reset_password)
        return load_passwords(t, r, b->account);
    if (!(ha1 = fresh_ha1(r, b->cl, b->account))
        || load_carddav(t, r, b->account) != LP_STORE_OK)
        return FAILED;
    b->account->passwords = apr_array_make(r->pool, 1, sizeof *pw);
    pw = apr_array_push(b->account->passwords);
    pw->password = ha1;
    pw->algorithm = b->cl->algorithm;
    return LP_STORE_OK;
}

lp_store_status lp_store_claim(request_rec *r, const lp_claim *cl,
                               linphone_account **account)
{
    claim_baton b = { cl, NULL };
    lp_store_status st;
    int rv;

    if (r->header_only)
        rv = lp_dbd_run(r, 0, claim_read_only_op, &b);
    else
        rv = lp_dbd_run(r, LP_DBD_TX, claim_op, &b);
    /* lost to concurrent claims every time: another request consumed it */
    st = rv == LP_DBD_LOST ? LP_STORE_NOT_FOUND : status(rv);
    *account = b.account;
    return st;
}

/* --- accounts and API keys --------------------------------------------- */

typedef struct {
    const char *username, *domain, *key;
    linphone_account *account;
    apr_int64_t id;                 /* the API key's row */
} account_baton;

static int account_op(lp_tx *t, request_rec *r, void *baton)
{
    account_baton *b = baton;
    apr_array_header_t *rows;
    const char **found = NULL;
    const char *args[2];
    int i;

    args[0] = b->username;
    args[1] = b->domain;
    if (lp_dbd_read(t, LP_SQL_ACCOUNT_FIND_ADDRESS, 2, args, &rows))
        return FAILED;
    /* byte for byte: a case- or accent-insensitive collation (MariaDB's
     * utf8mb4_unicode_ci) finds `alice` for `Alice` or `alicé` */
    for (i = 0; i < rows->nelts; i++) {
        const char **v = APR_ARRAY_IDX(rows, i, const char **);
        const char *user = v[LP_COL_ACCOUNT_USERNAME];
        const char *domain = v[LP_COL_ACCOUNT_DOMAIN];

        if (user && domain && !strcmp(user, b->username)
            && !strcmp(domain, b->domain)) {
            if (found)
                return LP_STORE_NOT_FOUND;
            found = v;
        }
    }
    if (!found)
        return LP_STORE_NOT_FOUND;
    b->account = account_from(r->pool, found, 0);
    return load_passwords(t, r, b->account);
}

/* Runs an operation that finds an account; *account as it left it. */
static lp_store_status account_run(request_rec *r, lp_dbd_op op,
                                   account_baton *b,
                                   linphone_account **account)
{
    lp_store_status st = status(lp_dbd_run(r, 0, op, b));

    *account = b->account;
    return st;
}

lp_store_status lp_store_account(request_rec *r, const char *username,
                                 const char *domain,
                                 linphone_account **account)
{
    account_baton b = { username, domain, NULL, NULL, 0 };

    return account_run(r, account_op, &b, account);
}

/* Writes uses of a key: requests = requests + n, last_used_at the later
 * one, so that children, nodes and flushes add up in any order.  One
 * autocommitted statement. */
static int api_key_write_op(lp_tx *t, request_rec *r, void *baton)
{
    const lp_kc_write *w = baton;
    const char *args[4];
    int n;

    args[0] = apr_itoa(r->pool, (int)w->n);
    args[1] = args[2] = lp_time_format(r->pool, w->last);
    args[3] = id_text(r->pool, w->id);
    if (lp_dbd_write_turn(t))
        return FAILED;
    n = lp_dbd_write(t, LP_SQL_API_KEY_TOUCH, 4, args);
    lp_dbd_write_turn_end(t);
    return n < 0 ? FAILED : LP_STORE_OK;
}

lp_store_status lp_store_api_key_uses(request_rec *r, const lp_kc_write *w)
{
    return status(lp_dbd_run(r, 0, api_key_write_op, (void *)w));
}

/* The key's freshest last use: the stored one, or a later one counted
 * here and not yet written. */
static const char *api_key_last_use(request_rec *r, const char *stored,
                                    apr_int64_t id)
{
    apr_time_t pending = lp_key_uses_last(r, id), t;

    if (pending && (!stored || !*stored || lp_time_parse(stored, &t) != 0
                    || t < pending))
        return lp_time_format(r->pool, pending);
    return stored;
}

static int api_key_op(lp_tx *t, request_rec *r, void *baton)
{
    account_baton *b = baton;
    const char **v;
    int st = secret_row(t, LP_SQL_API_KEY_FIND, b->key, LP_COL_API_KEY_KEY,
                        NULL, 0, &v);

    /* refusals are logged as mod_lp_auth.c's are (the key never is) */
    if (st == LP_STORE_NOT_FOUND)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, LPLOGNO(0122)
                      "client %s: api key: unknown key, user \"\"",
                      r->useragent_ip);
    if (st != LP_STORE_OK)
        return st;
    b->account = account_from(r->pool, v, LP_COL_API_KEY_ACCOUNT);
    b->id = apr_atoi64(v[LP_COL_API_KEY_ID]);
    switch (lp_rules_api_key(v[LP_COL_API_KEY_IP],
                             api_key_last_use(r,
                                              v[LP_COL_API_KEY_LAST_USED_AT],
                                              b->id),
                             v[LP_COL_API_KEY_MINUTES], r->useragent_ip,
                             apr_time_now())) {
    case LP_RULE_OK:
        break;
    case LP_RULE_ELSEWHERE:
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, LPLOGNO(0123)
                      "client %s: api key: wrong IP (bound to %s), user "
                      "\"%s@%s\"", r->useragent_ip,
                      ap_escape_logitem(r->pool, v[LP_COL_API_KEY_IP]),
                      ap_escape_logitem(r->pool, b->account->username),
                      ap_escape_logitem(r->pool, b->account->domain));
        return LP_STORE_NOT_FOUND;
    default:
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, LPLOGNO(0124)
                      "client %s: api key: expired key, user \"%s@%s\"",
                      r->useragent_ip,
                      ap_escape_logitem(r->pool, b->account->username),
                      ap_escape_logitem(r->pool, b->account->domain));
        return LP_STORE_NOT_FOUND;
    }
    /* of another domain: known, but refused; refused keys are not counted */
    if (b->account->blocked
        || (b->domain && strcmp(b->account->domain, b->domain)))
        return LP_STORE_BLOCKED;
    return LP_STORE_OK;
}

lp_store_status lp_store_api_key(request_rec *r, const char *key,
                                 const char *domain,
                                 linphone_account **account)
{
    account_baton b = { NULL, domain, key, NULL, 0 };
    lp_kc_write w;
    int rv = lp_dbd_run(r, 0, api_key_op, &b);

    *account = b.account;
    if (rv != LP_STORE_OK)
        return status(rv);
    /* a key that authenticated counts; most uses wait in shared memory
     * (mod_lp_key_uses) and go to the database in one write per interval */
    if (!lp_key_uses_count(r, b.id, &w))
        return LP_STORE_OK;
    rv = lp_dbd_run(r, 0, api_key_write_op, &w);
    if (rv == LP_STORE_OK)
        return LP_STORE_OK;
    /* not written: the uses go with the key's next write */
    lp_key_uses_give_back(r, &w);
    /* simultaneous uses on other Galera nodes kept winning the key's row:
     * served all the same */
    return rv == LP_DBD_LOST ? LP_STORE_OK : status(rv);
}

static int passwords_op(lp_tx *t, request_rec *r, void *baton)
{
    return load_passwords(t, r, baton);
}

lp_store_status lp_store_passwords(request_rec *r, linphone_account *a)
{
    return status(lp_dbd_run(r, 0, passwords_op, a));
}

/* --- spaces and the QR code's token check ------------------------------ */

typedef struct {
    const char *host;
    const char ***row;
    lp_flexiapi *generation;
} space_baton;

static int space_op(lp_tx *t, request_rec *r, void *baton)
{
    space_baton *b = baton;
    apr_array_header_t *rows;
    const char *args[1];

    *b->generation = lp_dbd_generation(t);
    if (*b->generation == LP_FLEXIAPI_NONE) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0112)
                      "LinphoneProvisioningSpaces is On but the database "
                      "has neither FlexiAPI 2.0's nor 2.1's spaces (see "
                      "LP0131: is the spaces table installed?)");
        return FAILED;
    }
    args[0] = b->host;
    if (lp_dbd_read(t, *b->generation == LP_FLEXIAPI_21 ? LP_SQL_SPACE_FIND_21
                                                       : LP_SQL_SPACE_FIND,
                    1, args, &rows))
        return FAILED;
    if (rows->nelts != 1)
        return LP_STORE_NOT_FOUND;
    *b->row = APR_ARRAY_IDX(rows, 0, const char **);
    return LP_STORE_OK;
}

lp_store_status lp_store_space(request_rec *r, const char *host,
                               const char ***row, lp_flexiapi *generation)
{
    space_baton b = { host, row, generation };

    *row = NULL;
    *generation = LP_FLEXIAPI_NONE;
    return status(lp_dbd_run(r, 0, space_op, &b));
}

typedef struct {
    const char *space_id;
    apr_array_header_t **rows;
} carddav_baton;

static int carddav_servers_op(lp_tx *t, request_rec *r, void *baton)
{
    carddav_baton *b = baton;
    const char *args[1];

    if (!lp_dbd_prepared(t, LP_SQL_CARDDAV_SERVERS_FIND)) {
        *b->rows = apr_array_make(r->pool, 1, sizeof(const char **));
        return LP_STORE_OK;
    }
    args[0] = b->space_id;
    return lp_dbd_read(t, LP_SQL_CARDDAV_SERVERS_FIND, 1, args, b->rows)
           ? FAILED : LP_STORE_OK;
}

lp_store_status lp_store_carddav_servers(request_rec *r, const char *space_id,
                                         apr_array_header_t **rows)
{
    carddav_baton b = { space_id, rows };

    *rows = NULL;
    return status(lp_dbd_run(r, 0, carddav_servers_op, &b));
}

typedef struct {
    const char *token, *domain;
    apr_interval_time_t lifetime;
} check_baton;

/* One SELECT is a consistent snapshot on every driver: no transaction. */
static int check_token_op(lp_tx *t, request_rec *r, void *baton)
{
    check_baton *b = baton;
    const char **v;
    int st = secret_row(t, LP_SQL_TOKEN_CHECK, b->token,
                        LP_COL_TOKEN_CHECK_TOKEN, b->domain,
                        LP_COL_TOKEN_CHECK_DOMAIN, &v);

    if (st == LP_STORE_OK)
        st = token_verdict(v, b->lifetime);
    if (st == LP_STORE_OK
        && lp_bool_parse(v[LP_COL_TOKEN_CHECK_BLOCKED]) == 1)
        st = LP_STORE_BLOCKED;
    return st;
}

lp_store_status lp_store_check_token(request_rec *r, const char *token,
                                     apr_interval_time_t lifetime,
                                     const char *domain)
{
    check_baton b = { token, domain, lifetime };

    return status(lp_dbd_run(r, 0, check_token_op, &b));
}

/* --- contacts ---------------------------------------------------------- */

/* Set once a process has said its database has no contacts tables. */
static apr_uint32_t contacts_missing_said;

typedef struct {
    apr_int64_t account_id;
    apr_array_header_t *contacts;
} contacts_baton;

/* The first of the rows (ordered like the contacts by the account id in
 * column col) of contact id, from *next on; *next moves past them.  Rows
 * of a contact added between the reads (not one snapshot) are skipped. */
static int rows_of(const apr_array_header_t *rows, int col, int *next,
                   const char *id)
{
    apr_int64_t want = apr_atoi64(id);
    int first;

    while (*next < rows->nelts
           && apr_atoi64(APR_ARRAY_IDX(rows, *next, const char **)[col])
              < want)
        (*next)++;
    first = *next;
    while (*next < rows->nelts
           && !strcmp(APR_ARRAY_IDX(rows, *next, const char **)[col], id))
        (*next)++;
    return first;
}

/* The types and actions of contact c (id), from the rows read. */
static void contact_details(apr_pool_t *p, lp_vcard_contact *c,
                            const char *id, const apr_array_header_t *types,
                            int *nt, const apr_array_header_t *actions,
                            int *na)
{
    int j, first = rows_of(types, LP_COL_CONTACT_TYPE_ACCOUNT_ID, nt, id);

    c->types = apr_array_make(p, *nt - first + 1, sizeof(const char *));
    for (j = first; j < *nt; j++) {
        const char *key = APR_ARRAY_IDX(types, j, const char **)
                          [LP_COL_CONTACT_TYPE_KEY];

        if (key)
            APR_ARRAY_PUSH(c->types, const char *) = key;
    }
    first = rows_of(actions, LP_COL_CONTACT_ACTION_ACCOUNT_ID, na, id);
    c->actions = apr_array_make(p, *na - first + 1, sizeof(lp_vcard_action));
    for (j = first; j < *na; j++) {
        const char **w = APR_ARRAY_IDX(actions, j, const char **);
        lp_vcard_action *a = apr_array_push(c->actions);

        a->key = or_empty(w[LP_COL_CONTACT_ACTION_KEY]);
        a->code = or_empty(w[LP_COL_CONTACT_ACTION_CODE]);
    }
}

/* 1 when the contacts statements are prepared; else said once. */
static int contacts_tables(lp_tx *t, request_rec *r)
{
    if (lp_dbd_prepared(t, LP_SQL_CONTACTS_FIND)
        && lp_dbd_prepared(t, LP_SQL_CONTACT_TYPES_FIND)
        && lp_dbd_prepared(t, LP_SQL_CONTACT_ACTIONS_FIND))
        return 1;
    if (apr_atomic_cas32(&contacts_missing_said, 1, 0) == 0)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, LPLOGNO(0121)
                      "the database of %s has no contacts tables (contacts, "
                      "contacts_lists, account_contacts_list, "
                      "contacts_list_contact, account_types, "
                      "account_account_type, account_actions, "
                      "accounts.dtmf_protocol): every contacts list is "
                      "empty (said once per process)",
                      r->server->server_hostname);
    return 0;
}

/* What contact_fill reads the types and actions from. */
typedef struct {
    const apr_array_header_t *types, *actions;
    int nt, na;
} contact_rows;

static void contact_fill(apr_pool_t *p, void *elt, const char **v,
                         void *ctx)
{
    lp_vcard_contact *c = elt;
    contact_rows *d = ctx;

    c->username = or_empty(v[LP_COL_CONTACT_USERNAME]);
    c->domain = or_empty(v[LP_COL_CONTACT_DOMAIN]);
    c->display_name = v[LP_COL_CONTACT_DISPLAY_NAME];
    c->dtmf_protocol = v[LP_COL_CONTACT_DTMF_PROTOCOL];
    contact_details(p, c, v[LP_COL_CONTACT_ID], d->types, &d->nt,
                    d->actions, &d->na);
}

static int contacts_op(lp_tx *t, request_rec *r, void *baton)
{
    contacts_baton *b = baton;
    apr_array_header_t *types, *actions;
    contact_rows d = { NULL, NULL, 0, 0 };
    const char *args[2];

    if (!contacts_tables(t, r)) {
        b->contacts = apr_array_make(r->pool, 1, sizeof(lp_vcard_contact));
        return LP_STORE_OK;
    }
    args[0] = args[1] = id_text(r->pool, b->account_id);
    if (lp_dbd_read(t, LP_SQL_CONTACT_TYPES_FIND, 2, args, &types)
        || lp_dbd_read(t, LP_SQL_CONTACT_ACTIONS_FIND, 2, args, &actions))
        return FAILED;
    d.types = types;
    d.actions = actions;
    return read_array(t, r, LP_SQL_CONTACTS_FIND, 2, args,
                      sizeof(lp_vcard_contact), contact_fill, &d,
                      &b->contacts);
}

lp_store_status lp_store_contacts(request_rec *r, apr_int64_t account_id,
                                  apr_array_header_t **contacts)
{
    contacts_baton b = { account_id, NULL };
    lp_store_status st = status(lp_dbd_run(r, 0, contacts_op, &b));

    *contacts = b.contacts;
    return st;
}
