/*
 * mod_lp_store — the accounts and tokens, through mod_dbd.  Each claim is one
 * transaction on the request's pooled connection: it either happens whole
 * or not at all, and of concurrent claims on one token exactly one wins (a
 * conditional UPDATE/DELETE whose affected-row count decides).  A check is
 * one read and writes nothing.  Connections and transactions are lp_dbd's,
 * FlexiAPI's rules on what is read lp_rules'.
 */
#ifndef MOD_LP_STORE_H
#define MOD_LP_STORE_H

#include "httpd.h"
#include "mod_linphone_provisioning.h"
#include "lp_vcard.h"
#include "lp_sql.h"
#include "lp_key_counter.h"

typedef enum {
    LP_STORE_OK = 0,
    LP_STORE_NOT_FOUND,     /* unknown, used, not current, lost the race */
    LP_STORE_EXPIRED,       /* provisioning token past its lifetime */
    LP_STORE_BLOCKED,       /* the account is blocked: nothing changed */
    LP_STORE_UNAVAILABLE    /* database failure: nothing changed, logged */
} lp_store_status;

typedef enum {
    LP_CLAIM_PROVISIONING_TOKEN,   /* consumes it and activates the account */
    LP_CLAIM_AUTH_TOKEN,           /* deletes it */
    LP_CLAIM_ACCOUNT               /* an authenticated account, by id */
} lp_claim_kind;

typedef struct {
    lp_claim_kind kind;
    const char *token;
    apr_int64_t account_id;        /* for LP_CLAIM_ACCOUNT */
    apr_interval_time_t lifetime;  /* 0: forever */
    int reset_password;
    const char *algorithm;         /* of the reset password's HA1 */
    const char *ip;                /* recorded on the token row */
    const char *user_agent;
    /* with LinphoneProvisioningSpaces On, the request space's domain: a
     * token of an account of another domain is unknown here (NULL: any) */
    const char *domain;
    /* the realm of the site or space (lp_realm), NULL: the account's
     * domain; the HA1 of a reset password is computed in it */
    const char *realm;
} lp_claim;

/** Claims a token; on LP_STORE_OK *account holds the account and its
 *  passwords as they are after the transaction.  For a HEAD request
 *  (r->header_only) the verdict is the same but reached by reads only:
 *  nothing is written, and a password reset is computed, not stored. */
lp_store_status lp_store_claim(request_rec *r, const lp_claim *claim,
                               linphone_account **account);

/** The account of a SIP address, username and domain matching byte for
 *  byte, with its passwords (read only). */
lp_store_status lp_store_account(request_rec *r, const char *username,
                                 const char *domain,
                                 linphone_account **account);

/** Loads the account's passwords (read only). */
lp_store_status lp_store_passwords(request_rec *r, linphone_account *account);

/**
 * Checks an API key (IP binding, expiry after the freshest last use, stored
 * or counted by mod_lp_key_uses and not yet written: see lp_rules.h) and, when
 * valid, counts its use (mod_lp_key_uses: written now or with a later write).
 * LP_STORE_NOT_FOUND for an invalid key; LP_STORE_BLOCKED, with *account
 * set and the use not counted, when its account is blocked or, `domain`
 * not NULL, of another domain.
 */
lp_store_status lp_store_api_key(request_rec *r, const char *key,
                                 const char *domain,
                                 linphone_account **account);
/** Writes API key uses counted by mod_lp_key_uses: requests + w->n,
 *  last_used_at the later of w->last and the stored value. */
lp_store_status lp_store_api_key_uses(request_rec *r, const lp_kc_write *w);

/** The `spaces` row of a host as strings (NULL for SQL NULL), its columns
 *  named by lp_sql.h's LP_COL_SPACE_* (and, *generation LP_FLEXIAPI_21,
 *  LP_COL_SPACE21_*).  A database of neither generation is
 *  LP_STORE_UNAVAILABLE (logged). */
lp_store_status lp_store_space(request_rec *r, const char *host,
                               const char ***row, lp_flexiapi *generation);
/** The CardDAV servers of a space, by its id, as rows named by lp_sql.h's
 *  LP_COL_CARDDAV_* (none without FlexiAPI 2.1's table). */
lp_store_status lp_store_carddav_servers(request_rec *r, const char *space_id,
                                         apr_array_header_t **rows);
/** Checks a provisioning token as a claim would (NOT_FOUND, EXPIRED,
 *  BLOCKED, UNAVAILABLE) and changes nothing: one read, no transaction.
 *  domain as in lp_claim (NULL: any). */
lp_store_status lp_store_check_token(request_rec *r, const char *token,
                                     apr_interval_time_t lifetime,
                                     const char *domain);

/** The contacts of an account (FlexiAPI's contacts and contacts lists), by
 *  account id, each once, as lp_vcard_contact.  A database without the
 *  contacts tables has none (LP_STORE_OK, logged once per process). */
lp_store_status lp_store_contacts(request_rec *r, apr_int64_t account_id,
                                  apr_array_header_t **contacts);

#endif
