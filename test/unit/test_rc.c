/* Unit tests: the lpconfig rc parser (lp_rc.c) and the document model. */
#include "tap.h"
#include "lp_doc.h"
#include "apr_general.h"
#include "apr_strings.h"
#include <libxml/parser.h>

static const char *parse(apr_pool_t *p, const char *text, xmlDocPtr *doc)
{
    *doc = lp_doc_new();
    lp_doc_pool_free(p, *doc);
    return lp_rc_parse(p, text, strlen(text), *doc);
}

static const char *entry(xmlDocPtr doc, const char *section, const char *name)
{
    xmlNodePtr s = lp_doc_find_section(doc, section), e;

    for (e = s ? s->children : NULL; e; e = e->next) {
        xmlChar *n = xmlGetProp(e, (const xmlChar *)"name");
        int same = n && !strcmp((char *)n, name);
        xmlFree(n);
        if (same) {
            xmlChar *v = xmlNodeGetContent(e);
            static char buf[256];
            snprintf(buf, sizeof buf, "%s", (char *)v);
            xmlFree(v);
            return buf;
        }
    }
    return NULL;
}

static int count_sections(xmlDocPtr doc)
{
    int n = 0;
    xmlNodePtr s;

    for (s = xmlDocGetRootElement(doc)->children; s; s = s->next)
        n += s->type == XML_ELEMENT_NODE;
    return n;
}

int main(void)
{
    apr_pool_t *p;
    xmlDocPtr doc;
    const char *err;

    apr_initialize();
    apr_pool_create(&p, NULL);

    err = parse(p, "\xEF\xBB\xBF# comment\n; other comment\n\n[sip]\r\n"
                "  default_proxy = 0 \nuri=sip:a@b;x=y\nempty=\n"
                "[misc]\nkey=v\n[sip]\nadded=1\ndefault_proxy=1\n", &doc);
    is(err, NULL, "a valid rc parses");
    is(entry(doc, "sip", "default_proxy"), "1",
       "a repeated key in a repeated section replaces the value");
    is(entry(doc, "sip", "uri"), "sip:a@b;x=y", "value keeps '=' and ';'");
    is(entry(doc, "sip", "empty"), "", "empty value allowed");
    is(entry(doc, "sip", "added"), "1", "a repeated section is merged");
    ok(count_sections(doc) == 2, "no section is doubled");
    {
        xmlNodePtr first = xmlDocGetRootElement(doc)->children;
        xmlChar *n = xmlGetProp(first, (const xmlChar *)"name");
        is((char *)n, "sip", "sections keep file order");
        xmlFree(n);
    }

    err = parse(p, "[sip]\nno equals sign\n", &doc);
    is(err, "line 2: expected key=value or [section]", "malformed line named");
    err = parse(p, "key=value\n", &doc);
    is(err, "line 1: entry before any [section]", "entry outside a section");
    err = parse(p, "[sip\n", &doc);
    is(err, "line 1: malformed section header", "unclosed section header");
    err = parse(p, "[]\n", &doc);
    is(err, "line 1: empty section name", "empty section name");
    err = parse(p, "[sip]\n=v\n", &doc);
    is(err, "line 2: empty key", "empty key");
    err = parse(p, "[sip]\nk=\xff\xfe\n", &doc);
    is(err, "line 2: not valid UTF-8 text", "invalid UTF-8 refused");
    doc = lp_doc_new();
    lp_doc_pool_free(p, doc);
    err = lp_rc_parse(p, "[a]\nk=v\n\0[b]\n", 12, doc);
    is(err, "line 3: NUL byte", "NUL byte refused with its line");

    doc = lp_doc_new();
    lp_doc_pool_free(p, doc);
    err = lp_rc_load(p, "/nonexistent/linphone.rc", doc);
    ok(err && strstr(err, "/nonexistent/linphone.rc: "),
       "a missing file is named");

    apr_pool_destroy(p);
    apr_terminate();
    return tap_done();
}
