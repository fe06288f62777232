/*
 * lp_rules — FlexiAPI's rules on tokens, API keys and a space's password
 * reset algorithm, as pure functions of
 * the stored values (strings as the database returns them, NULL for SQL
 * NULL) and of `now`.  No request, no database: unit-tested alone.
 */
#ifndef LP_RULES_H
#define LP_RULES_H

#include "apr_time.h"

typedef enum {
    LP_RULE_OK = 0,
    LP_RULE_UNKNOWN,        /* as if it did not exist */
    LP_RULE_EXPIRED,        /* a provisioning token past its lifetime */
    LP_RULE_ELSEWHERE,      /* an API key bound to another address */
    LP_RULE_STALE           /* an API key unused for too long */
} lp_rule_verdict;

/** 1 when created_at plus lifetime is before now, or created_at cannot be
 *  read; 0 when lifetime is 0 or less (forever). */
int lp_rules_expired(const char *created_at, apr_interval_time_t lifetime,
                     apr_time_t now);

/** A provisioning token: usable only unused and when it is its account's
 *  newest unused one (newest_unused_id), then until its lifetime ends. */
lp_rule_verdict lp_rules_token(const char *id, const char *used,
                               const char *created_at,
                               const char *newest_unused_id,
                               apr_interval_time_t lifetime, apr_time_t now);

/** An auth token: unknown once past its lifetime. */
lp_rule_verdict lp_rules_auth_token(const char *created_at,
                                    apr_interval_time_t lifetime,
                                    apr_time_t now);

/** An API key: bound to an address (ip, empty or NULL: any), it is unknown
 *  to any other client (LP_RULE_ELSEWHERE); it expires (LP_RULE_STALE)
 *  when unused for minutes (empty or NULL: never) since last_used_at
 *  (empty or NULL: never used, still fresh).  Either refusal is an unknown
 *  key to the client; the verdicts differ for the log. */
lp_rule_verdict lp_rules_api_key(const char *ip, const char *last_used_at,
                                 const char *minutes, const char *client_ip,
                                 apr_time_t now);

/** 1 when a request bound to a domain (want, NULL: any) meets an account
 *  of another one (have): the token is then unknown here. */
int lp_rules_other_domain(const char *want, const char *have);

/** FlexiAPI 2.1's password reset algorithm of a space, from its digest
 *  configuration (config_id NULL: it has none): NULL, no reset at all (the
 *  space does not use digest authentication); else "MD5" for exactly
 *  "MD5", "SHA-256" for anything else (FlexiAPI's only two, SHA-256 its
 *  default). */
const char *lp_rules_reset_algorithm(const char *config_id,
                                     const char *algorithm);

#endif
