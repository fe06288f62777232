/*
 * lp_rules — FlexiAPI's rules (see lp_rules.h).
 */
#include "lp_rules.h"
#include "lp_text.h"

#include "apr_strings.h"

#include <string.h>

int lp_rules_expired(const char *created_at, apr_interval_time_t lifetime,
                     apr_time_t now)
{
    apr_time_t t;

    if (lifetime <= 0)
        return 0;
    if (lp_time_parse(created_at, &t) != 0)
        return 1;
    return t + lifetime < now;
}

lp_rule_verdict lp_rules_token(const char *id, const char *used,
                               const char *created_at,
                               const char *newest_unused_id,
                               apr_interval_time_t lifetime, apr_time_t now)
{
    /* used, or not the account's newest unused token */
    if (lp_bool_parse(used) != 0 || !id || !newest_unused_id
        || strcmp(id, newest_unused_id))
        return LP_RULE_UNKNOWN;
    if (lp_rules_expired(created_at, lifetime, now))
        return LP_RULE_EXPIRED;
    return LP_RULE_OK;
}

lp_rule_verdict lp_rules_auth_token(const char *created_at,
                                    apr_interval_time_t lifetime,
                                    apr_time_t now)
{
    return lp_rules_expired(created_at, lifetime, now) ? LP_RULE_UNKNOWN
                                                       : LP_RULE_OK;
}

/* FlexiAPI's SQLite migration leaves '' where there is no value. */
static int unset(const char *v)
{
    return !v || !*v;
}

lp_rule_verdict lp_rules_api_key(const char *ip, const char *last_used_at,
                                 const char *minutes, const char *client_ip,
                                 apr_time_t now)
{
    if (!unset(ip) && (!client_ip || strcmp(ip, client_ip)))
        return LP_RULE_ELSEWHERE;
    if (!unset(minutes) && !unset(last_used_at)
        && lp_rules_expired(last_used_at, LP_MINUTES(apr_atoi64(minutes)),
                            now))
        return LP_RULE_STALE;
    return LP_RULE_OK;
}

int lp_rules_other_domain(const char *want, const char *have)
{
    return want && (!have || strcmp(have, want));
}

const char *lp_rules_reset_algorithm(const char *config_id,
                                     const char *algorithm)
{
    if (!config_id)
        return NULL;
    return algorithm && !strcmp(algorithm, "MD5") ? "MD5" : "SHA-256";
}
