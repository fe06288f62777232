/*
 * Fuzz target: the From header / user name parser (lp_sip_address_parse),
 * then what the module does with the result (SIP quoting of a display
 * name, the reg_identity).
 *
 * Properties: a parsed address has a non-empty user without control
 * characters, and a domain that is NULL or non-empty without them;
 * lp_sip_quote is reversible (unquoting gives the input back).
 */
#include "fuzz.h"
#include "lp_text.h"
#include "apr_lib.h"

static int clean(const char *s)
{
    for (; *s; s++)
        if (apr_iscntrl(*s))
            return 0;
    return 1;
}

/* The inverse of lp_sip_quote, NULL when not a quoted-string. */
static char *unquote(apr_pool_t *p, const char *q)
{
    size_t n = strlen(q), i;
    char *out, *w;

    if (n < 2 || q[0] != '"' || q[n - 1] != '"')
        return NULL;
    out = w = apr_palloc(p, n);
    for (i = 1; i < n - 1; i++) {
        if (q[i] == '"')
            return NULL;
        if (q[i] == '\\') {
            if (++i >= n - 1)
                return NULL;
        }
        *w++ = q[i];
    }
    *w = '\0';
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_begin();
    char *s = fuzz_cstr(data, size);
    const char *user = NULL, *domain = NULL, *quoted, *back;

    if (lp_sip_address_parse(p, s, &user, &domain) == 0) {
        FUZZ_ASSERT(user && *user && clean(user));
        FUZZ_ASSERT(!domain || (*domain && clean(domain)));
        FUZZ_ASSERT(lp_reg_identity(p, s, user, domain ? domain : "d"));
    }
    quoted = lp_sip_quote(p, s);
    back = unquote(p, quoted);
    FUZZ_ASSERT(back && !strcmp(back, s));
    fuzz_end(p);
    return 0;
}
