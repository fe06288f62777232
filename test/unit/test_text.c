/* Unit tests: routing, query flags, quoting, truncation, time, booleans,
 * digests and random passwords (lp_text.c, lp_crypto.c), SQL catalogue. */
#include "tap.h"
#include "lp_text.h"
#include "lp_crypto.h"
#include "lp_sql.h"
#include "apr_general.h"
#include "apr_strings.h"
#include "apr_lib.h"

/* The columns of a SELECT's list (top-level commas before its FROM), 0
 * for another statement. */
static int select_columns(const char *sql)
{
    int depth = 0, n = 1;
    const char *s;

    if (strncmp(sql, "SELECT ", 7))
        return 0;
    for (s = sql + 7; *s; s++) {
        if (*s == '(')
            depth++;
        else if (*s == ')')
            depth--;
        else if (depth == 0 && *s == ',')
            n++;
        else if (depth == 0 && !strncmp(s, " FROM ", 6))
            return n;
    }
    return -1;
}

static const char *route(apr_pool_t *p, const char *rest)
{
    lp_route r = lp_route_parse(p, rest);
    static const char *kinds[] = { "none", "base", "token", "auth_token",
                                   "qrcode", "me" };

    return r.token ? apr_pstrcat(p, kinds[r.kind], ":", r.token, NULL)
                   : kinds[r.kind];
}

int main(void)
{
    apr_pool_t *p;
    char big[400];
    const char *pw, *pw2;
    apr_time_t t;
    int i, alnum;

    apr_initialize();
    apr_pool_create(&p, NULL);

    is(route(p, ""), "base", "empty rest is the base document");
    is(route(p, "/"), "base", "a lone slash is the base document");
    is(route(p, "/abc-DEF_1.2~"), "token:abc-DEF_1.2~", "token");
    is(route(p, "/auth_token/xyz"), "auth_token:xyz", "auth token");
    is(route(p, "/qrcode/xyz"), "qrcode:xyz", "qrcode");
    is(route(p, "/me"), "me", "me");
    is(route(p, "/abc/"), "none", "trailing slash after a token");
    is(route(p, "/a/b"), "none", "two segments");
    is(route(p, "/auth_token/"), "none", "empty auth token");
    is(route(p, "/auth_token"), "token:auth_token", "bare word is a token");
    is(route(p, "/.."), "none", "dot-dot");
    is(route(p, "/a b"), "none", "space");
    is(route(p, "/a\x01"), "none", "control byte");
    is(route(p, "x"), "none", "no leading slash");
    memset(big, 'a', sizeof big);
    big[0] = '/';
    big[256] = '\0';
    ok(strcmp(route(p, big), "none") != 0, "255-byte token accepted");
    big[256] = 'a';
    big[257] = '\0';
    is(route(p, big), "none", "256-byte token refused");

    ok(lp_query_has(p, "reset_password", "reset_password"), "bare flag");
    ok(lp_query_has(p, "a=1&reset_password=1", "reset_password"),
       "flag with value after another");
    ok(lp_query_has(p, "reset%5Fpassword", "reset_password"), "encoded name");
    ok(!lp_query_has(p, "reset_passwords=1", "reset_password"), "longer name");
    ok(!lp_query_has(p, "x=reset_password", "reset_password"), "as a value");
    ok(!lp_query_has(p, NULL, "reset_password"), "no query");
    ok(!lp_query_has(p, "%zz&%", "reset_password"), "bad escapes");

    is(lp_sip_quote(p, "a\"b\\c"), "\"a\\\"b\\\\c\"", "quoted-string");
    is(lp_reg_identity(p, NULL, "u", "d"), "<sip:u@d>", "no display name");
    is(lp_reg_identity(p, "", "u", "d"), "<sip:u@d>", "empty display name");
    is(lp_reg_identity(p, "Al", "u", "d"), "\"Al\" <sip:u@d>", "display name");

    is(lp_utf8_clean(p, "short", 255), "short", "short string unchanged");
    is(lp_utf8_clean(p, "ab\xc3\xa9", 2), "ab", "cut before a character");
    is(lp_utf8_clean(p, "ab\xc3\xa9", 3), "ab\xc3\xa9", "exact fit");
    is(lp_utf8_clean(p, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 1),
       "\xf0\x9f\x98\x80", "4-byte character not split");
    is(lp_utf8_clean(p, "Linphone/5.1 (\xc3\xa9)", 255),
       "Linphone/5.1 (\xc3\xa9)", "valid UTF-8 unchanged");
    is(lp_utf8_clean(p, "T\xe9l\xe9phone de Ren\xe9", 255),
       "T\xef\xbf\xbdl\xef\xbf\xbdphone de Ren\xef\xbf\xbd",
       "Latin-1 bytes become U+FFFD");
    is(lp_utf8_clean(p, "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80", 255),
       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
       "overlong, surrogate and beyond U+10FFFF refused byte by byte");
    is(lp_utf8_clean(p, "a\xe2\x82", 255), "a\xef\xbf\xbd\xef\xbf\xbd",
       "truncated sequence at the end");
    is(lp_utf8_clean(p, "\xf0\x9f\x98\x80\xc3\xa9z", 2),
       "\xf0\x9f\x98\x80\xc3\xa9", "cut counts characters, not bytes");
    is(lp_utf8_clean(p, "ab\xff", 3), "ab\xef\xbf\xbd",
       "a replacement counts as one character");
    {
        char many[601];

        for (i = 0; i < 300; i++) {
            many[2 * i] = '\xc3';
            many[2 * i + 1] = '\xa9';
        }
        many[600] = '\0';
        ok(strlen(lp_utf8_clean(p, many, 255)) == 510,
           "300 two-byte characters cut to 255 characters");
    }

    ok(lp_time_parse("2026-11-29 14:05:09", &t) == 0, "timestamp parses");
    is(lp_time_format(p, t), "2026-11-29 14:05:09", "round trip");
    ok(lp_time_parse("2026-11-29T14:05:09.123456+00", &t) == 0,
       "fractions and zone ignored");
    ok(lp_time_parse("2026-11-29", &t) != 0, "date alone refused");
    ok(lp_time_parse(NULL, &t) != 0, "NULL refused");

    ok(lp_bool_parse("1") == 1 && lp_bool_parse("t") == 1
       && lp_bool_parse("true") == 1, "true forms");
    ok(lp_bool_parse("0") == 0 && lp_bool_parse("f") == 0
       && lp_bool_parse("FALSE") == 0, "false forms");
    ok(lp_bool_parse("yes") == -1 && lp_bool_parse(NULL) == -1, "unknown");

    /* the RFC 7616 example account; values computed independently */
    is(lp_ha1(p, "MD5", "Mufasa", "http-auth@example.org", "Circle of Life"),
       "3d78807defe7de2157e2b0b6573a855f", "MD5 HA1");
    is(lp_ha1(p, "SHA-256", "Mufasa", "http-auth@example.org",
              "Circle of Life"),
       "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232", "SHA-256 HA1");
    is(lp_digest_hex(p, "SHA-256", "abc", 3),
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
       "SHA-256 test vector");
    is(lp_digest_hex(p, "MD5", "", 0), "d41d8cd98f00b204e9800998ecf8427e",
       "MD5 test vector");
    ok(lp_digest_hex(p, "SHA-1", "", 0) == NULL, "unknown algorithm refused");

    ok(lp_random_password(p, &pw) == APR_SUCCESS
       && strlen(pw) == LP_PASSWORD_LENGTH, "random password length");
    for (alnum = 1, i = 0; pw[i]; i++)
        alnum &= apr_isalnum(pw[i]) != 0;
    ok(alnum, "random password is alphanumeric");
    lp_random_password(p, &pw2);
    ok(strcmp(pw, pw2) != 0, "two draws differ");

    ok(lp_sql_dialect("pgsql") == LP_DIALECT_PGSQL
       && lp_sql_dialect("mysql") == LP_DIALECT_MYSQL
       && lp_sql_dialect("sqlite3") == LP_DIALECT_SQLITE3, "dialects");
    for (alnum = 1, i = 0; i < LP_SQL_COUNT; i++)
        alnum &= lp_sql_text(i, LP_DIALECT_MYSQL) != NULL
                 && strncmp(lp_sql_label(i), "linphone_", 9) == 0;
    ok(alnum, "every statement has a text and a label");

    /* SQLite lock waits: spread over the APR driver's 16 tries 100 ms apart */
    ok(lp_sql_sqlite_busy_ms(3000) == 87, "3 s: 87 ms a try (16 x 187 ms)");
    ok(lp_sql_sqlite_busy_ms(1600) == 0 && lp_sql_sqlite_busy_ms(1000) == 0
       && lp_sql_sqlite_busy_ms(-5) == 0, "below the driver's 1.6 s: 0");
    /* a server session's lock wait: what is left of the request's */
    ok(lp_sql_lock_wait(LP_DIALECT_PGSQL, 2345) == 2345
       && lp_sql_lock_wait(LP_DIALECT_PGSQL, 0) == 1,
       "PostgreSQL: milliseconds, never 0 (wait forever)");
    ok(lp_sql_lock_wait(LP_DIALECT_MYSQL, 3000) == 3
       && lp_sql_lock_wait(LP_DIALECT_MYSQL, 2990) == 3
       && lp_sql_lock_wait(LP_DIALECT_MYSQL, 2400) == 2
       && lp_sql_lock_wait(LP_DIALECT_MYSQL, 1499) == 1
       && lp_sql_lock_wait(LP_DIALECT_MYSQL, 10) == 1,
       "MariaDB: the nearest whole second, at least 1");
    {
        char buf[64];

        ok(!strcmp(lp_sql_lock_wait_set(LP_DIALECT_MYSQL, 2, buf, sizeof buf),
                   "SET SESSION innodb_lock_wait_timeout = 2")
           && !strcmp(lp_sql_lock_wait_set(LP_DIALECT_PGSQL, 900, buf,
                                           sizeof buf),
                      "SET lock_timeout = 900"), "the lock wait statements");
    }
    {
        char buf[128];

        ok(strstr(lp_sql_session(LP_DIALECT_SQLITE3, 3, buf, sizeof buf),
                  "busy_timeout = 87") != NULL, "session's busy_timeout");
    }

    /* the named columns of lp_sql.h are the SELECT lists of the text */
    {
        int d, same = 1;

        for (i = 0; i < LP_SQL_COUNT; i++)
            for (d = 0; d < LP_DIALECT_COUNT; d++)
                if (select_columns(lp_sql_text(i, d)) != lp_sql_ncols(i)) {
                    printf("# %s: %d columns, lp_sql_ncols %d\n",
                           lp_sql_label(i), select_columns(lp_sql_text(i, d)),
                           lp_sql_ncols(i));
                    same = 0;
                }
        ok(same, "every statement's column count is its SELECT list's");
        ok(lp_sql_ncols(LP_SQL_TOKEN_FIND) == 12
           && lp_sql_ncols(LP_SQL_API_KEY_FIND) == 12
           && lp_sql_ncols(LP_SQL_SPACE_FIND) == 19
           && lp_sql_ncols(LP_SQL_SPACE_FIND_21) == 20
           && lp_sql_ncols(LP_SQL_TOKEN_CONSUME) == 0,
           "column counts of the longest lists, and of a write");
    }

    apr_pool_destroy(p);
    apr_terminate();
    return tap_done();
}
