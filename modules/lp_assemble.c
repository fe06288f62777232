/*
 * lp_assemble — SPEC §3 assembly steps that need no request.
 */
#include "lp_assemble.h"
#include "lp_text.h"

#include "apr_strings.h"
#include <string.h>

static void set(apr_pool_t *p, xmlNodePtr section, const char *name,
                const char *value)
{
    lp_doc_set(section, name, lp_xml_clean(p, value), 0);
}

xmlDocPtr lp_assemble(apr_pool_t *p, xmlDocPtr rc, const char *vcard,
                      const linphone_account *a)
{
    xmlDocPtr doc = rc ? lp_doc_copy(rc) : lp_doc_new();
    int i;

    lp_doc_pool_free(p, doc);
    if (vcard)
        set(p, lp_doc_section(doc, "misc"), "contacts-vcard-list", vcard);
    if (!a)
        return doc;

    set(p, lp_doc_section(doc, "proxy_0"), "reg_identity",
        lp_reg_identity(p, a->display_name, a->username, a->domain));

    for (i = 0; a->passwords && i < a->passwords->nelts; i++) {
        const linphone_password *pw =
            &APR_ARRAY_IDX(a->passwords, i, linphone_password);
        xmlNodePtr s = lp_doc_section(doc,
                                      apr_psprintf(p, "auth_info_%d", i));
        int clear = strcmp(pw->algorithm, "CLRTXT") == 0;

        set(p, s, "username", a->username);
        set(p, s, "domain", a->domain);
        set(p, s, clear ? "passwd" : "ha1", pw->password);
        set(p, s, "realm", a->realm ? a->realm : a->domain);
        if (!clear)
            set(p, s, "algorithm", pw->algorithm);
    }
    return doc;
}
