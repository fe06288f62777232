/* Unit tests: XML assembly (lp_assemble.c, lp_doc.c) and XML cleaning. */
#include "tap.h"
#include "lp_assemble.h"
#include "apr_general.h"
#include "apr_strings.h"
#include <libxml/parser.h>

static linphone_account *account(apr_pool_t *p, const char *user,
                                 const char *display)
{
    linphone_account *a = apr_pcalloc(p, sizeof *a);
    linphone_password *pw;

    a->id = 7;
    a->username = user;
    a->domain = "sip.example.org";
    a->display_name = display;
    a->realm = "realm.example.org";
    a->passwords = apr_array_make(p, 2, sizeof(linphone_password));
    pw = apr_array_push(a->passwords);
    pw->password = "0123456789abcdef0123456789abcdef";
    pw->algorithm = "MD5";
    pw = apr_array_push(a->passwords);
    pw->password = "clear<&>\"secret";
    pw->algorithm = "CLRTXT";
    return a;
}

/* Renders, then parses back with libxml2: 1 when well-formed. */
static int well_formed(apr_pool_t *p, xmlDocPtr doc, char **text)
{
    apr_size_t len;
    xmlDocPtr back;

    *text = lp_doc_render(p, doc, &len);
    back = xmlReadMemory(*text, (int)len, NULL, NULL, XML_PARSE_NONET);
    if (!back)
        return 0;
    xmlFreeDoc(back);
    return 1;
}

int main(void)
{
    apr_pool_t *p;
    xmlDocPtr rc, doc;
    char *text;

    apr_initialize();
    apr_pool_create(&p, NULL);
    xmlInitParser();

    rc = lp_doc_new();
    lp_doc_pool_free(p, rc);
    lp_rc_parse(p, "[sip]\nk=v\n[misc]\na=b\n", 20, rc);

    doc = lp_assemble(p, rc, NULL, NULL, NULL);
    ok(well_formed(p, doc, &text), "base document is well-formed");
    ok(strstr(text, "<config xmlns=\"http://www.linphone.org/xsds/lpconfig.xsd\">")
       != NULL, "root element in the lpconfig namespace");
    ok(!strstr(text, "ha1") && !strstr(text, "passwd"),
       "base document holds no credentials");
    ok(!strstr(text, "contacts-vcard-list"), "no vCard entry when none");

    doc = lp_assemble(p, rc, NULL, "https://h/contacts/vcard", NULL);
    ok(well_formed(p, doc, &text), "with vCard: well-formed");
    ok(strstr(text, "<entry name=\"a\">b</entry>\n    <entry name="
              "\"contacts-vcard-list\">https://h/contacts/vcard</entry>")
       != NULL, "vCard entry added to the existing misc section");

    doc = lp_assemble(p, rc, NULL, NULL, account(p, "alice", "Alice \"A\" \\ <&>"));
    ok(well_formed(p, doc, &text), "account document is well-formed");
    ok(strstr(text, "<entry name=\"reg_identity\">\"Alice \\\"A\\\" \\\\ "
              "&lt;&amp;&gt;\" &lt;sip:alice@sip.example.org&gt;</entry>")
       != NULL, "reg_identity quoted and escaped");
    ok(strstr(text, "<section name=\"auth_info_0\">") != NULL
       && strstr(text, "<section name=\"auth_info_1\">") != NULL,
       "one auth_info_N per password");
    ok(strstr(text, "<entry name=\"ha1\">0123456789abcdef0123456789abcdef"
              "</entry>") != NULL, "HA1 row gives ha1");
    ok(strstr(text, "<entry name=\"algorithm\">MD5</entry>") != NULL,
       "HA1 row gives its algorithm");
    ok(strstr(text, "<entry name=\"passwd\">clear&lt;&amp;&gt;\"secret"
              "</entry>") != NULL, "CLRTXT row gives passwd");
    ok(strstr(text, "CLRTXT") == NULL, "CLRTXT row has no algorithm entry");
    ok(strstr(text, "<entry name=\"realm\">realm.example.org</entry>") != NULL,
       "realm from the account's resolved realm");

    doc = lp_assemble(p, rc, NULL, NULL, account(p, "bob", NULL));
    ok(well_formed(p, doc, &text)
       && strstr(text, "<entry name=\"reg_identity\">&lt;sip:bob@sip.example"
                 ".org&gt;</entry>"), "no display name: bare URI");

    doc = lp_assemble(p, rc, NULL, NULL,
                      account(p, "ev\xff\xfeil\x01", "]]> \xc3\xa9 \xf0\x9f\x98\x80 \xc3"));
    ok(well_formed(p, doc, &text), "invalid UTF-8 and control bytes: "
       "still well-formed");
    ok(strstr(text, "\xc3\xa9 \xf0\x9f\x98\x80") != NULL,
       "valid non-ASCII kept");

    {
        lp_space sp;
        int i;

        memset(&sp, 0, sizeof sp);
        sp.custom = "[sip]\nk=space\n[custom]\nc=1\n";
        for (i = 0; i < LP_UI_FLAGS; i++)
            sp.ui[i] = i == LP_UI_FLAGS - 1 ? "3" : "1";
        doc = lp_assemble(p, rc, &sp, NULL, account(p, "sp", NULL));
        ok(well_formed(p, doc, &text), "space document is well-formed");
        ok(strstr(text, "<entry name=\"k\">space</entry>") != NULL
           && strstr(text, "<section name=\"custom\">") != NULL,
           "space custom entries merged after the rc");
        ok(strstr(text, "<entry name=\"max_account\">3</entry>") != NULL
           && strstr(text, "<entry name=\"hide_settings\">1</entry>"),
           "ui section from the space flags");
        lp_rc_parse(p, "[ui]\nmine=1\n", 12, rc);
        doc = lp_assemble(p, rc, &sp, NULL, account(p, "sp", NULL));
        ok(well_formed(p, doc, &text) && !strstr(text, "max_account"),
           "an existing ui section is left as it is");
        doc = lp_assemble(p, rc, &sp, NULL, NULL);
        ok(well_formed(p, doc, &text) && !strstr(text, "hide_settings"),
           "no ui flags on the base document");
    }
    {
        /* FlexiAPI 2.1's CardDAV: servers, then the account's credentials
         * as the first auth_info_N, its passwords after them */
        lp_space sp;
        lp_carddav_server *cs;
        linphone_carddav_credential *cr;
        linphone_account *a = account(p, "dav", NULL);
        const char *s0, *s1, *a0, *a1, *a2;
        int i;

        memset(&sp, 0, sizeof sp);
        for (i = 0; i < LP_UI_FLAGS; i++)
            sp.ui[i] = "0";
        sp.carddav = apr_array_make(p, 2, sizeof *cs);
        cs = apr_array_push(sp.carddav);
        cs->enabled = "1"; cs->uri = "https://dav.example.org/a?x=1&y=<2>";
        cs->min_characters = "3"; cs->results_limit = "0";
        cs->timeout = "5"; cs->delay = "500";
        cs->fields_for_user_input = "FN,EMAIL"; cs->fields_for_domain = "";
        cs->use_exact_match_policy = "0";
        cs = apr_array_push(sp.carddav);
        *cs = APR_ARRAY_IDX(sp.carddav, 0, lp_carddav_server);
        cs->enabled = "0"; cs->uri = "https://dav2.example.org/";
        a->carddav = apr_array_make(p, 1, sizeof *cr);
        cr = apr_array_push(a->carddav);
        cr->username = "dav-user"; cr->password = "feedface";
        cr->realm = "dav&realm"; cr->algorithm = "SHA-256";
        ok(lp_auth_info_first(a) == 1 && lp_auth_info_first(NULL) == 0,
           "the passwords' first auth_info index follows the credentials");
        doc = lp_assemble(p, rc, &sp, NULL, a);
        ok(well_formed(p, doc, &text), "CardDAV document is well-formed");
        s0 = strstr(text, "<section name=\"remote_contact_directory_0\">");
        s1 = strstr(text, "<section name=\"remote_contact_directory_1\">");
        ok(s0 && s1 && s0 < s1, "one remote_contact_directory_N per server");
        ok(strstr(text, "<section name=\"remote_contact_directory_0\">\n"
                  "    <entry name=\"enabled\">1</entry>\n"
                  "    <entry name=\"type\">carddav</entry>\n"
                  "    <entry name=\"uri\">https://dav.example.org/a?x=1&amp;"
                  "y=&lt;2&gt;</entry>\n"
                  "    <entry name=\"min_characters\">3</entry>\n"
                  "    <entry name=\"results_limit\">0</entry>\n"
                  "    <entry name=\"timeout\">5</entry>\n"
                  "    <entry name=\"delay\">500</entry>\n"
                  "    <entry name=\"carddav_fields_for_user_input\">FN,EMAIL"
                  "</entry>\n"
                  "    <entry name=\"carddav_fields_for_domain\"></entry>\n"
                  "    <entry name=\"carddav_use_exact_match_policy\">0"
                  "</entry>\n  </section>") != NULL,
           "server entries in FlexiAPI's order, escaped");
        a0 = strstr(text, "<section name=\"auth_info_0\">\n"
                    "    <entry name=\"username\">dav-user</entry>\n"
                    "    <entry name=\"realm\">dav&amp;realm</entry>\n"
                    "    <entry name=\"ha1\">feedface</entry>\n"
                    "    <entry name=\"algorithm\">SHA-256</entry>\n"
                    "  </section>");
        a1 = strstr(text, "<section name=\"auth_info_1\">\n"
                    "    <entry name=\"username\">dav</entry>");
        a2 = strstr(text, "<section name=\"auth_info_2\">\n"
                    "    <entry name=\"username\">dav</entry>");
        ok(a0 && a1 && a2 && s1 < a0 && a0 < a1 && a1 < a2
           && !strstr(text, "auth_info_3"),
           "credentials auth_info_0, then the passwords' 1 and 2");
        doc = lp_assemble(p, rc, &sp, NULL, NULL);
        ok(well_formed(p, doc, &text)
           && strstr(text, "remote_contact_directory_1")
           && !strstr(text, "auth_info"),
           "base document: the servers, no credentials");
    }
    doc = lp_assemble(p, rc, NULL, NULL,
                      account(p, "ev\xff\xfeil\x01", "]]> \xc3\xa9 \xf0\x9f\x98\x80 \xc3"));
    lp_doc_overwrite_all(doc);
    ok(well_formed(p, doc, &text), "overwrite-all: well-formed");
    {
        int entries = 0, flagged = 0;
        const char *s;
        for (s = text; (s = strstr(s, "<entry ")); s++)
            entries++;
        for (s = text; (s = strstr(s, " overwrite=\"true\">")); s++)
            flagged++;
        ok(entries > 5 && entries == flagged,
           "overwrite-all: every entry has overwrite=\"true\"");
    }

    is(lp_xml_clean(p, "plain ascii"), "plain ascii", "clean text unchanged");
    is(lp_xml_clean(p, "a\x01" "b"), "a\xef\xbf\xbd" "b",
       "control char replaced");
    is(lp_xml_clean(p, "\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
       "surrogate refused byte by byte");
    is(lp_xml_clean(p, "\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd",
       "overlong form refused");

    apr_pool_destroy(p);
    apr_terminate();
    return tap_done();
}
