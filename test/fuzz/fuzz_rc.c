/*
 * Fuzz target: the lpconfig rc (INI) parser, which reads the sysadmin's
 * LinphoneProvisioningRC file at startup and, per request, a space's
 * custom_provisioning_entries from the database.  The input is the text,
 * in an exact-size buffer without a terminator.
 *
 * Properties: the document rendered after parsing (whether or not the text
 * was accepted: a rejected text leaves a partial document) is well-formed
 * XML; an accepted text written back as rc (`[section]`, `key=value`)
 * parses to the same document; the text used as a space's custom entries
 * in lp_assemble (as mod_lp_space.c does once it validated it) gives a
 * well-formed account document.
 */
#include "fuzz.h"
#include "lp_assemble.h"

static char *render(apr_pool_t *p, xmlDocPtr doc, apr_size_t *len)
{
    char *text = lp_doc_render(p, doc, len);

    FUZZ_ASSERT(text);
    FUZZ_ASSERT(fuzz_well_formed(text, *len));
    return text;
}

/* The document written back in rc syntax. */
static char *to_rc(apr_pool_t *p, xmlDocPtr doc)
{
    char *out = "";
    xmlNodePtr s, e;

    for (s = xmlDocGetRootElement(doc)->children; s; s = s->next) {
        xmlChar *name;

        if (s->type != XML_ELEMENT_NODE)
            continue;
        name = xmlGetProp(s, (const xmlChar *)"name");
        out = apr_pstrcat(p, out, "[", (char *)name, "]\n", NULL);
        xmlFree(name);
        for (e = s->children; e; e = e->next) {
            xmlChar *key, *value;

            if (e->type != XML_ELEMENT_NODE)
                continue;
            key = xmlGetProp(e, (const xmlChar *)"name");
            value = xmlNodeGetContent(e);
            out = apr_pstrcat(p, out, (char *)key, "=",
                              value ? (char *)value : "", "\n", NULL);
            xmlFree(key);
            xmlFree(value);
        }
    }
    return out;
}

static linphone_account *account(apr_pool_t *p)
{
    linphone_account *a = apr_pcalloc(p, sizeof *a);
    linphone_password *pw;

    a->id = 1;
    a->username = "alice";
    a->domain = "sip.example.org";
    a->display_name = "Alice";
    a->realm = "sip.example.org";
    a->passwords = apr_array_make(p, 1, sizeof(linphone_password));
    pw = apr_array_push(a->passwords);
    pw->password = "0123456789abcdef0123456789abcdef";
    pw->algorithm = "MD5";
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_begin();
    const char *text = fuzz_copy(data, size);
    xmlDocPtr doc = lp_doc_new(), again, base;
    const char *err;
    apr_size_t len, len2;

    lp_doc_pool_free(p, doc);
    err = lp_rc_parse(p, text, size, doc);
    render(p, doc, &len);
    if (err) {
        FUZZ_ASSERT(!strncmp(err, "line ", 5));
    }
    else {
        char *rc = to_rc(p, doc);
        lp_space space;
        int i;

        again = lp_doc_new();
        lp_doc_pool_free(p, again);
        FUZZ_ASSERT(lp_rc_parse(p, rc, strlen(rc), again) == NULL);
        render(p, again, &len2);
        /* the same sections, entries and values in the same order (an
         * empty value may serialise as <entry/> or <entry></entry>) */
        FUZZ_ASSERT(!strcmp(to_rc(p, again), rc));

        /* as a space's custom_provisioning_entries, over a base rc */
        base = lp_doc_new();
        lp_doc_pool_free(p, base);
        lp_rc_parse(p, "[misc]\nk=v\n[proxy_0]\nreg_proxy=<sip:x>\n", 38,
                    base);
        memset(&space, 0, sizeof space);
        space.custom = fuzz_cstr(data, size);
        for (i = 0; i < LP_UI_FLAGS; i++)
            space.ui[i] = "0";
        doc = lp_assemble(p, base, &space, "https://h/contacts/vcard",
                          account(p));
        lp_doc_overwrite_all(doc);
        render(p, doc, &len);
        doc = lp_assemble(p, NULL, &space, NULL, NULL);
        render(p, doc, &len);
        /* merged into itself: nothing doubles, no value changes (an
         * empty entry may serialise as <entry/> afterwards) */
        lp_doc_merge(again, again);
        render(p, again, &len2);
        FUZZ_ASSERT(!strcmp(to_rc(p, again), rc));
    }
    fuzz_end(p);
    return 0;
}
