/* Unit tests: FlexiAPI's token and API-key rules (lp_rules.c), given now. */
#include "tap.h"
#include "lp_rules.h"
#include "lp_text.h"
#include "apr_general.h"

#include <string.h>

#define MIN(n) apr_time_from_sec((apr_interval_time_t)60 * (n))

static const char *verdict(lp_rule_verdict v)
{
    return v == LP_RULE_OK ? "ok" : v == LP_RULE_EXPIRED ? "expired"
                                                        : "unknown";
}

int main(void)
{
    apr_time_t now;

    apr_initialize();
    ok(lp_time_parse("2026-01-01 12:00:00", &now) == 0, "now parses");

    /* expiry */
    ok(!lp_rules_expired("2026-01-01 11:00:00", 0, now),
       "lifetime 0: never expires");
    ok(!lp_rules_expired("garbage", 0, now),
       "lifetime 0: even an unreadable date");
    ok(lp_rules_expired("garbage", MIN(5), now), "unreadable date: expired");
    ok(lp_rules_expired(NULL, MIN(5), now), "NULL date: expired");
    ok(!lp_rules_expired("2026-01-01 11:55:00", MIN(5), now),
       "exactly at the end of its lifetime: still valid");
    ok(lp_rules_expired("2026-01-01 11:54:59", MIN(5), now),
       "a second past its lifetime: expired");
    ok(!lp_rules_expired("2026-01-01 12:10:00", MIN(5), now),
       "created in the future (clock skew): valid");

    /* provisioning tokens */
    ok(lp_rules_token("7", "0", "2026-01-01 11:59:00", "7", MIN(5), now)
       == LP_RULE_OK, "unused, newest, fresh: OK");
    ok(lp_rules_token("7", "f", "2026-01-01 11:59:00", "7", 0, now)
       == LP_RULE_OK, "'f' is unused (PostgreSQL dump in SQLite)");
    ok(lp_rules_token("7", "1", "2026-01-01 11:59:00", "7", MIN(5), now)
       == LP_RULE_UNKNOWN, "used: unknown");
    ok(lp_rules_token("7", "maybe", "2026-01-01 11:59:00", "7", 0, now)
       == LP_RULE_UNKNOWN, "used neither true nor false: unknown");
    ok(lp_rules_token("7", NULL, "2026-01-01 11:59:00", "7", 0, now)
       == LP_RULE_UNKNOWN, "used NULL: unknown");
    ok(lp_rules_token("7", "0", "2026-01-01 11:59:00", "8", MIN(5), now)
       == LP_RULE_UNKNOWN, "a newer unused token exists: unknown");
    ok(lp_rules_token("7", "0", "2026-01-01 11:59:00", NULL, MIN(5), now)
       == LP_RULE_UNKNOWN, "no newest unused token: unknown");
    is(verdict(lp_rules_token("7", "0", "2026-01-01 11:00:00", "7", MIN(5),
                              now)), "expired", "past its lifetime: expired");
    is(verdict(lp_rules_token("7", "1", "2026-01-01 11:00:00", "7", MIN(5),
                              now)), "unknown",
       "used and old: unknown, not expired");
    ok(lp_rules_token("7", "0", "2020-01-01 00:00:00", "7", 0, now)
       == LP_RULE_OK, "lifetime 0: any age");

    /* auth tokens */
    ok(lp_rules_auth_token("2026-01-01 11:59:00", MIN(5), now) == LP_RULE_OK,
       "fresh auth token: OK");
    ok(lp_rules_auth_token("2026-01-01 11:00:00", MIN(5), now)
       == LP_RULE_UNKNOWN, "expired auth token: unknown (not expired)");

    /* API keys */
    ok(lp_rules_api_key(NULL, NULL, NULL, "192.0.2.1", now) == LP_RULE_OK,
       "unbound, never used, no expiry: OK");
    ok(lp_rules_api_key("", "", "", "192.0.2.1", now) == LP_RULE_OK,
       "empty strings are unset (FlexiAPI's SQLite migration)");
    ok(lp_rules_api_key("192.0.2.1", NULL, NULL, "192.0.2.1", now)
       == LP_RULE_OK, "bound to the client's address: OK");
    ok(lp_rules_api_key("192.0.2.1", NULL, NULL, "192.0.2.2", now)
       == LP_RULE_ELSEWHERE, "bound to another address: elsewhere");
    ok(lp_rules_api_key("192.0.2.1", NULL, NULL, NULL, now)
       == LP_RULE_ELSEWHERE, "bound, no client address: elsewhere");
    ok(lp_rules_api_key(NULL, "2026-01-01 11:50:00", "15", "192.0.2.1", now)
       == LP_RULE_OK, "used 10 minutes ago, expires after 15: OK");
    ok(lp_rules_api_key(NULL, "2026-01-01 11:40:00", "15", "192.0.2.1", now)
       == LP_RULE_STALE, "used 20 minutes ago, expires after 15: stale");
    ok(lp_rules_api_key(NULL, NULL, "15", "192.0.2.1", now) == LP_RULE_OK,
       "never used: fresh whatever its expiry");
    ok(lp_rules_api_key(NULL, "2020-01-01 00:00:00", NULL, "192.0.2.1", now)
       == LP_RULE_OK, "no expiry: any last use");
    ok(lp_rules_api_key(NULL, "garbage", "15", "192.0.2.1", now)
       == LP_RULE_STALE, "unreadable last use with an expiry: stale");

    /* domains */
    ok(!lp_rules_other_domain(NULL, "example.org"), "no domain wanted: any");
    ok(!lp_rules_other_domain("example.org", "example.org"), "same domain");
    ok(lp_rules_other_domain("example.org", "example.com"), "another domain");
    ok(lp_rules_other_domain("example.org", NULL), "account without domain");
    ok(lp_rules_other_domain("", "example.org"),
       "a space without a domain serves no account");

    /* FlexiAPI 2.1's reset algorithm */
    ok(lp_rules_reset_algorithm(NULL, "MD5") == NULL,
       "no digest configuration: no reset");
    ok(!strcmp(lp_rules_reset_algorithm("1", "MD5"), "MD5"), "MD5");
    ok(!strcmp(lp_rules_reset_algorithm("1", "SHA-256"), "SHA-256"),
       "SHA-256");
    ok(!strcmp(lp_rules_reset_algorithm("1", NULL), "SHA-256"),
       "no algorithm: FlexiAPI's default, SHA-256");
    ok(!strcmp(lp_rules_reset_algorithm("1", "md5"), "SHA-256"),
       "not exactly MD5: SHA-256");

    return tap_done();
}
