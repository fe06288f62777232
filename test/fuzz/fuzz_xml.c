/*
 * Fuzz target: XML cleaning (lp_xml_clean) and document assembly
 * (lp_assemble) with hostile account fields, as a database could hold
 * them.  The input is split at NUL bytes into: username, domain, display
 * name, realm, password, password algorithm, second password, vCard URL,
 * ui flag value.  Missing fields get a plain value.
 *
 * Properties: lp_xml_clean returns its argument when it is valid UTF-8 of
 * characters XML allows, else a copy where only offending bytes became
 * U+FFFD, valid itself (cleaning twice changes nothing); the assembled
 * document renders to well-formed XML; parsed back, every value that came
 * from the account reads exactly as lp_xml_clean made it (nothing lost or
 * altered by escaping, CR and tabs included).
 */
#include "fuzz.h"
#include "lp_assemble.h"
#include "lp_text.h"

#define NFIELDS 9

/* Length of the well-formed UTF-8 sequence at u (Unicode's table 3-7 of
 * well-formed byte sequences), 0 when there is none; *cp gets its value. */
static int utf8_seq(const unsigned char *u, unsigned int *cp)
{
    unsigned char b = u[0];
    int n, i;
    unsigned char lo = 0x80, hi = 0xBF;

    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF)
        n = 2, *cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF)
        n = 3, *cp = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4)
        n = 4, *cp = b & 0x07;
    else
        return 0;
    if (b == 0xE0)
        lo = 0xA0;
    else if (b == 0xED)
        hi = 0x9F;
    else if (b == 0xF0)
        lo = 0x90;
    else if (b == 0xF4)
        hi = 0x8F;
    for (i = 1; i < n; i++) {
        if (u[i] < (i == 1 ? lo : 0x80) || u[i] > (i == 1 ? hi : 0xBF))
            return 0;
        *cp = (*cp << 6) | (u[i] & 0x3F);
    }
    return n;
}

/* 1 when every character is well-formed UTF-8 and allowed by XML 1.0. */
static int xml_valid(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;

    while (*u) {
        unsigned int c;
        int len = utf8_seq(u, &c);

        if (!len || !(c == 0x9 || c == 0xA || c == 0xD
                      || (c >= 0x20 && c <= 0xD7FF)
                      || (c >= 0xE000 && c <= 0xFFFD)
                      || (c >= 0x10000 && c <= 0x10FFFF)))
            return 0;
        u += len;
    }
    return 1;
}

static void check_clean(apr_pool_t *p, const char *s)
{
    const char *c = lp_xml_clean(p, s);

    FUZZ_ASSERT(c && xml_valid(c));
    if (xml_valid(s))
        FUZZ_ASSERT(c == s);
    else
        FUZZ_ASSERT(c != s && strlen(c) >= strlen(s) + 2);
    FUZZ_ASSERT(lp_xml_clean(p, c) == c);
}

/* The text of entry `name` in section `section` of a parsed document. */
static char *entry(apr_pool_t *p, xmlDocPtr doc, const char *section,
                   const char *name)
{
    xmlNodePtr s, e;
    char *out = NULL;

    for (s = xmlDocGetRootElement(doc)->children; s; s = s->next) {
        xmlChar *sn;
        int hit;

        if (s->type != XML_ELEMENT_NODE)
            continue;
        sn = xmlGetProp(s, (const xmlChar *)"name");
        hit = sn && !strcmp((char *)sn, section);
        xmlFree(sn);
        if (!hit)
            continue;
        for (e = s->children; e; e = e->next) {
            xmlChar *en, *v;

            if (e->type != XML_ELEMENT_NODE)
                continue;
            en = xmlGetProp(e, (const xmlChar *)"name");
            if (en && !strcmp((char *)en, name)) {
                v = xmlNodeGetContent(e);
                out = apr_pstrdup(p, v ? (char *)v : "");
                xmlFree(v);
            }
            xmlFree(en);
        }
    }
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const defaults[NFIELDS] = {
        "alice", "sip.example.org", "Alice", "realm.example.org",
        "0123456789abcdef0123456789abcdef", "", "secret",
        "https://h/contacts/vcard", "1"
    };
    static const char *const algorithms[] = { "MD5", "SHA-256", "CLRTXT" };
    apr_pool_t *p = fuzz_begin();
    const char *f[NFIELDS];
    size_t off = 0;
    int i, n = 0;
    linphone_account *a;
    linphone_password *pw;
    lp_space space;
    xmlDocPtr rc, doc, back;
    apr_size_t len;
    char *text;
    const char *alg;

    for (n = 0; n < NFIELDS; n++) {
        if (off <= size && (off < size || n == 0)) {
            f[n] = fuzz_cstr(data + off, size - off);
            off += strlen(f[n]) + 1;
        }
        else {
            f[n] = defaults[n];
        }
        check_clean(p, f[n]);
    }
    alg = *f[5] ? algorithms[(unsigned char)f[5][0] % 3] : "SHA-256";

    a = apr_pcalloc(p, sizeof *a);
    a->id = 42;
    a->username = f[0];
    a->domain = f[1];
    a->display_name = *f[2] ? f[2] : NULL;
    a->realm = *f[3] ? f[3] : NULL;
    a->passwords = apr_array_make(p, 2, sizeof(linphone_password));
    pw = apr_array_push(a->passwords);
    pw->password = f[4];
    pw->algorithm = alg;
    pw = apr_array_push(a->passwords);
    pw->password = f[6];
    pw->algorithm = "CLRTXT";

    memset(&space, 0, sizeof space);
    for (i = 0; i < LP_UI_FLAGS; i++)
        space.ui[i] = f[8];

    rc = lp_doc_new();
    lp_doc_pool_free(p, rc);
    lp_rc_parse(p, "[misc]\nk=v\n[auth_info_0]\nusername=x\n", 36, rc);
    doc = lp_assemble(p, (size & 1) ? rc : NULL, (size & 2) ? &space : NULL,
                      *f[7] ? f[7] : NULL, a);
    if (size & 4)
        lp_doc_overwrite_all(doc);
    text = lp_doc_render(p, doc, &len);
    FUZZ_ASSERT(text);
    back = xmlReadMemory(text, (int)len, NULL, NULL, XML_PARSE_NONET
                         | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    FUZZ_ASSERT(back);
    lp_doc_pool_free(p, back);

#define SAME(section, name, value) do { \
        const char *got_ = entry(p, back, section, name); \
        FUZZ_ASSERT(got_ && !strcmp(got_, lp_xml_clean(p, value))); \
    } while (0)
    SAME("proxy_0", "reg_identity",
         lp_reg_identity(p, a->display_name, a->username, a->domain));
    SAME("auth_info_0", "username", a->username);
    SAME("auth_info_0", "domain", a->domain);
    SAME("auth_info_0", "realm", a->realm ? a->realm : a->domain);
    SAME("auth_info_0", strcmp(alg, "CLRTXT") ? "ha1" : "passwd", f[4]);
    SAME("auth_info_1", "passwd", f[6]);
    if (*f[7])
        SAME("misc", "contacts-vcard-list", f[7]);
    if (size & 2)
        SAME("ui", "hide_settings", f[8]);
    (void)text;
    fuzz_end(p);
    return 0;
}
