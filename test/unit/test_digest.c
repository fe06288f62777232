/* Unit tests: the Digest tokenizer, nonces, responses (lp_digest.c) and the
 * SIP address parser (lp_text.c). */
#include "tap.h"
#include "lp_digest.h"
#include "lp_text.h"
#include "apr_general.h"
#include "apr_strings.h"

int main(void)
{
    apr_pool_t *p;
    lp_digest_credentials c;
    lp_secret secret = { (const unsigned char *)"0123456789abcdef", 16 };
    lp_secret other = { (const unsigned char *)"fedcba9876543210", 16 };
    unsigned char rnd[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    const char *nonce, *user, *domain;
    apr_time_t now, issued;
    apr_uint32_t nc;
    char bad[LP_NONCE_LEN + 1];

    apr_initialize();
    apr_pool_create(&p, NULL);

    /* RFC 7616 §3.9.1 */
    ok(lp_digest_parse(p, "username=\"Mufasa\", realm=\"http-auth@example.org\""
       ", uri=\"/dir/index.html\", algorithm=MD5, "
       "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001,"
       " cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth,"
       " response=\"8ca523f5e9506fed4657c9700eebdbec\", "
       "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", &c) == 0,
       "RFC 7616 example parses");
    is(c.username, "Mufasa", "username");
    is(c.nc, "00000001", "unquoted nc");
    is(lp_digest_expected(p, "MD5", "3d78807defe7de2157e2b0b6573a855f", &c,
                          "GET"), "8ca523f5e9506fed4657c9700eebdbec",
       "RFC 7616 MD5 response");
    is(lp_digest_expected(p, "SHA-256",
       "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
       &c, "GET"),
       "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
       "RFC 7616 SHA-256 response");

    /* liblinphone's order and quoting: algorithm quoted, uri last */
    ok(lp_digest_parse(p, "username=\"a\",realm=\"r\",nonce=\"n\","
       "algorithm=\"MD5\",opaque=\"o\",qop=auth,cnonce=\"c\",nc=00000001,"
       "response=\"x\",uri=\"/provisioning/me?a=1\"", &c) == 0
       && !strcmp(c.algorithm, "MD5") && !strcmp(c.uri, "/provisioning/me?a=1"),
       "quoted algorithm, uri last, no spaces");
    ok(lp_digest_parse(p, "username=\"a\\\"b, c\", realm=\"r\", nonce=n, "
       "uri=\"/\", response=x", &c) == 0 && !strcmp(c.username, "a\"b, c"),
       "escape and comma inside quotes");
    ok(lp_digest_parse(p, "username=\"a\", username=\"b\", realm=r, nonce=n,"
       " uri=u, response=x", &c) != 0, "repeated parameter refused");
    ok(lp_digest_parse(p, "username=\"a, realm=r", &c) != 0,
       "unterminated quote refused");
    ok(lp_digest_parse(p, "realm=r, nonce=n, uri=u, response=x", &c) != 0,
       "missing username refused");
    ok(lp_digest_parse(p, "username=a realm=r", &c) != 0,
       "missing comma refused");
    ok(lp_digest_parse(p, "", &c) != 0, "empty refused");
    ok(lp_digest_parse(p, "username=\"\x01\", realm=r, nonce=n, uri=u, "
       "response=x", &c) != 0, "control character refused");
    ok(lp_digest_parse(p, "username=a, realm=r, nonce=n, uri=u, response=x, "
       "unknown=\"whatever\"", &c) == 0, "unknown parameter ignored");

    now = apr_time_from_sec(1800000000);
    nonce = lp_digest_nonce(p, &secret, now, rnd);
    ok(strlen(nonce) == LP_NONCE_LEN, "nonce length");
    ok(lp_digest_nonce_check(&secret, nonce, now + apr_time_from_sec(10),
       apr_time_from_sec(300), &issued) == LP_NONCE_VALID && issued == now,
       "fresh nonce valid, issue time recovered");
    ok(lp_digest_nonce_check(&secret, nonce, now + apr_time_from_sec(301),
       apr_time_from_sec(300), &issued) == LP_NONCE_STALE, "old nonce stale");
    ok(lp_digest_nonce_check(&other, nonce, now, apr_time_from_sec(300),
       &issued) == LP_NONCE_FORGED, "another secret's nonce refused");
    strcpy(bad, nonce);
    bad[3] = bad[3] == '0' ? '1' : '0';
    ok(lp_digest_nonce_check(&secret, bad, now, apr_time_from_sec(300),
       &issued) == LP_NONCE_FORGED, "tampered time refused");
    ok(lp_digest_nonce_check(&secret, "short", now, apr_time_from_sec(300),
       &issued) == LP_NONCE_FORGED, "malformed nonce refused");
    ok(strcmp(lp_digest_opaque(p, &secret, "r"),
              lp_digest_opaque(p, &other, "r")) != 0
       && !strcmp(lp_digest_opaque(p, &secret, "r"),
                  lp_digest_opaque(p, &secret, "r")), "opaque per secret");

    is(lp_digest_challenge(p, "a\"b", "N", "O", "SHA-256", 0),
       "Digest realm=\"a\\\"b\", qop=\"auth\", algorithm=SHA-256, "
       "nonce=\"N\", opaque=\"O\"", "challenge: algorithm unquoted, qop quoted");

    ok(lp_digest_nc("0000000a", &nc) == 0 && nc == 10, "nc hex");
    ok(lp_digest_nc("1", &nc) != 0 && lp_digest_nc("0000000g", &nc) != 0
       && lp_digest_nc(NULL, &nc) != 0, "bad nc refused");
    ok(lp_secure_equal("abc", "abc") && !lp_secure_equal("abc", "abd")
       && !lp_secure_equal("abc", "ab") && !lp_secure_equal("", "a"),
       "secure equality");

    ok(lp_sip_address_parse(p, "sip:alice@sip.example.org", &user, &domain)
       == 0 && !strcmp(user, "alice") && !strcmp(domain, "sip.example.org"),
       "plain SIP URI");
    ok(lp_sip_address_parse(p, "\"Al\" <sip:al%40x@d.org;transport=tls>;tag=1",
       &user, &domain) == 0 && !strcmp(user, "al@x") && !strcmp(domain, "d.org"),
       "name-addr, params, percent-decoding");
    ok(lp_sip_address_parse(p, "bob@d.org", &user, &domain) == 0
       && !strcmp(user, "bob"), "no scheme");
    ok(lp_sip_address_parse(p, "carol", &user, &domain) == 0 && !domain,
       "bare user name");
    ok(lp_sip_address_parse(p, "sip:@d", &user, &domain) != 0, "empty user");
    ok(lp_sip_address_parse(p, "sip:a@", &user, &domain) != 0, "empty domain");
    ok(lp_sip_address_parse(p, "<sip:a@d", &user, &domain) != 0, "open <");
    ok(lp_sip_address_parse(p, "sip:a%00@d", &user, &domain) != 0, "%00");
    ok(lp_sip_address_parse(p, "sip:a%zz@d", &user, &domain) != 0,
       "bad escape");
    ok(lp_sip_address_parse(p, "sip:a@b@c", &user, &domain) != 0, "two @");

    apr_pool_destroy(p);
    apr_terminate();
    return tap_done();
}
