/* Unit tests: identities as other auth modules (r->user) and the From
 * header give them (lp_text.c). */
#include "tap.h"
#include "lp_text.h"
#include "apr_general.h"
#include "apr_strings.h"

/* "user|domain" (domain "-" for a bare user), or "error". */
static const char *user_of(apr_pool_t *p, const char *s)
{
    const char *u, *d;

    if (lp_user_address_parse(p, s, &u, &d))
        return "error";
    return apr_pstrcat(p, u, "|", d ? d : "-", NULL);
}

static const char *from_of(apr_pool_t *p, const char *s)
{
    const char *u, *d;

    if (lp_sip_address_parse(p, s, &u, &d))
        return "error";
    return apr_pstrcat(p, u, "|", d ? d : "-", NULL);
}

int main(void)
{
    apr_pool_t *p;
    static const char *const refused[] = {
        "Eve <alice@example.org>", "<sip:alice@example.org>",
        "Bob <sip:alice@example.com>", "%61lice@example.com",
        "alice@example.com?foo@bar", "alice;x=1@evil.org", "alice x@evil",
        "alice@example.com;transport=tls", " alice@example.com",
        "alice@example.com ", "alice\t@example.com", "alice@exa mple.com",
        "sips:alice@example.com", "SIP:alice@example.com", "sip:alice",
        "alice:pw@example.com", "\"alice\"@example.com", "@example.com",
        "alice@", "", "sip:", "alice@@example.com", "a@b@c",
        "alice@example.com/x", "alice@ex%61mple.com", "al%ice",
        "alicé", "alice bob", "alice,bob@example.com", "a\\b@example.com",
    };
    unsigned i;

    apr_initialize();
    apr_pool_create(&p, NULL);

    is(user_of(p, "alice@example.org"), "alice|example.org", "user@domain");
    is(user_of(p, "sip:alice@example.org"), "alice|example.org",
       "sip:user@domain");
    is(user_of(p, "alice"), "alice|-", "bare user");
    is(user_of(p, "a.b-c_d~e+f"), "a.b-c_d~e+f|-", "bare user's characters");
    is(user_of(p, "Alice@example.org"), "Alice|example.org",
       "case kept (the row must match it byte for byte)");
    is(user_of(p, "alic\xc3\xa9@example.org"), "alic\xc3\xa9|example.org",
       "UTF-8 user part kept as it is");
    is(user_of(p, "a+b=c&d$e!f*g'h(i)j/k#l@example.org"),
       "a+b=c&d$e!f*g'h(i)j/k#l|example.org", "SIP user-unreserved kept");
    for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
        is(user_of(p, refused[i]), "error",
           apr_pstrcat(p, "refused: ", refused[i], NULL));

    /* the From header keeps SIP's grammar; mod_lp_auth.c then wants the row's
     * bytes exactly */
    is(from_of(p, "sip:alice@example.org"), "alice|example.org", "From URI");
    is(from_of(p, "\"Al\" <sip:alice@example.org>;tag=1"),
       "alice|example.org", "From name-addr with params");
    is(from_of(p, "<sip:%61lice@example.org>"), "alice|example.org",
       "From percent-decoded");
    is(from_of(p, "sip:alice;x=1@evil.org"), "alice|-",
       "From params end the user: no domain (refused by digest)");
    is(from_of(p, "sip:a%zz@example.org"), "error", "From bad escape");

    apr_pool_destroy(p);
    apr_terminate();
    return tap_done();
}
