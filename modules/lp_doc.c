/*
 * lp_doc — the lpconfig XML document over libxml2 (see lp_doc.h).
 */
#include "lp_doc.h"

#include "apr_strings.h"
#include <libxml/xmlsave.h>
#include <string.h>

#define BAD_CAST_S(s) ((const xmlChar *)(s))

static apr_status_t doc_free(void *doc)
{
    xmlFreeDoc(doc);
    return APR_SUCCESS;
}

void lp_doc_pool_free(apr_pool_t *p, xmlDocPtr doc)
{
    apr_pool_cleanup_register(p, doc, doc_free, apr_pool_cleanup_null);
}

xmlDocPtr lp_doc_new(void)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST_S("1.0"));
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST_S("config"), NULL);

    xmlSetNs(root, xmlNewNs(root, BAD_CAST_S(LP_XMLNS), NULL));
    xmlDocSetRootElement(doc, root);
    return doc;
}

xmlDocPtr lp_doc_copy(xmlDocPtr doc)
{
    return xmlCopyDoc(doc, 1);
}

static int is_element(xmlNodePtr n, const char *tag)
{
    return n->type == XML_ELEMENT_NODE
           && xmlStrEqual(n->name, BAD_CAST_S(tag));
}

/* The child <tag name="name"> of parent, or NULL. */
static xmlNodePtr find_named(xmlNodePtr parent, const char *tag,
                             const char *name)
{
    xmlNodePtr n;

    for (n = parent->children; n; n = n->next) {
        xmlChar *attr;
        int same;

        if (!is_element(n, tag))
            continue;
        attr = xmlGetProp(n, BAD_CAST_S("name"));
        same = attr && xmlStrEqual(attr, BAD_CAST_S(name));
        xmlFree(attr);
        if (same)
            return n;
    }
    return NULL;
}

xmlNodePtr lp_doc_find_section(xmlDocPtr doc, const char *name)
{
    return find_named(xmlDocGetRootElement(doc), "section", name);
}

xmlNodePtr lp_doc_section(xmlDocPtr doc, const char *name)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr section = find_named(root, "section", name);

    if (!section) {
        section = xmlNewChild(root, root->ns, BAD_CAST_S("section"), NULL);
        xmlSetProp(section, BAD_CAST_S("name"), BAD_CAST_S(name));
    }
    return section;
}

const char *lp_doc_auth_section(apr_pool_t *p, int i)
{
    return apr_psprintf(p, "auth_info_%d", i);
}

xmlNodePtr lp_doc_set(xmlNodePtr section, const char *name, const char *value,
                      int overwrite)
{
    xmlNodePtr entry = find_named(section, "entry", name);

    if (entry) {
        /* xmlNodeSetContent would parse entity references: clear, then add
         * the value as raw text so libxml2 escapes it on output. */
        xmlNodeSetContent(entry, NULL);
        xmlNodeAddContent(entry, BAD_CAST_S(value));
    }
    else {
        entry = xmlNewTextChild(section, section->ns, BAD_CAST_S("entry"),
                                BAD_CAST_S(value));
        xmlSetProp(entry, BAD_CAST_S("name"), BAD_CAST_S(name));
    }
    if (overwrite)
        xmlSetProp(entry, BAD_CAST_S("overwrite"), BAD_CAST_S("true"));
    return entry;
}

void lp_doc_merge(xmlDocPtr doc, xmlDocPtr from)
{
    xmlNodePtr s, e;

    for (s = xmlDocGetRootElement(from)->children; s; s = s->next) {
        xmlChar *sname;
        xmlNodePtr target;

        if (!is_element(s, "section"))
            continue;
        sname = xmlGetProp(s, BAD_CAST_S("name"));
        target = lp_doc_section(doc, (const char *)sname);
        for (e = s->children; e; e = e->next) {
            xmlChar *ename, *value, *ow;

            if (!is_element(e, "entry"))
                continue;
            ename = xmlGetProp(e, BAD_CAST_S("name"));
            value = xmlNodeGetContent(e);
            ow = xmlGetProp(e, BAD_CAST_S("overwrite"));
            lp_doc_set(target, (const char *)ename,
                       value ? (const char *)value : "",
                       ow && xmlStrEqual(ow, BAD_CAST_S("true")));
            xmlFree(ename);
            xmlFree(value);
            xmlFree(ow);
        }
        xmlFree(sname);
    }
}

void lp_doc_overwrite_all(xmlDocPtr doc)
{
    xmlNodePtr s, e;

    for (s = xmlDocGetRootElement(doc)->children; s; s = s->next) {
        if (!is_element(s, "section"))
            continue;
        for (e = s->children; e; e = e->next)
            if (is_element(e, "entry"))
                xmlSetProp(e, BAD_CAST_S("overwrite"), BAD_CAST_S("true"));
    }
}

char *lp_doc_render(apr_pool_t *p, xmlDocPtr doc, apr_size_t *len)
{
    xmlChar *mem = NULL;
    int size = 0;
    char *out;

    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
    if (!mem)
        return NULL;
    out = apr_pmemdup(p, mem, (apr_size_t)size + 1);
    xmlFree(mem);
    *len = (apr_size_t)size;
    return out;
}

/* Length of the valid, XML-allowed UTF-8 character at s, or 0. */
static apr_size_t xml_char_len(const unsigned char *s)
{
    unsigned int c;
    apr_size_t n, i;

    if (s[0] < 0x80) {
        c = s[0];
        n = 1;
    }
    else if ((s[0] & 0xE0) == 0xC0) {
        c = s[0] & 0x1F;
        n = 2;
    }
    else if ((s[0] & 0xF0) == 0xE0) {
        c = s[0] & 0x0F;
        n = 3;
    }
    else if ((s[0] & 0xF8) == 0xF0) {
        c = s[0] & 0x07;
        n = 4;
    }
    else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* overlong forms, surrogates, out of range, and what XML 1.0 forbids */
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000)
        || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)
        || c == 0xFFFE || c == 0xFFFF
        || (c < 0x20 && c != 0x9 && c != 0xA && c != 0xD))
        return 0;
    return n;
}

const char *lp_xml_clean(apr_pool_t *p, const char *s)
{
    const unsigned char *in = (const unsigned char *)s;
    apr_size_t i = 0, n, o = 0;
    char *out;

    while (in[i] && (n = xml_char_len(in + i)) != 0)
        i += n;
    if (!in[i])
        return s;                      /* the common case: nothing to do */

    out = apr_palloc(p, strlen(s) * 3 + 1);   /* U+FFFD is 3 bytes */
    memcpy(out, s, i);
    o = i;
    while (in[i]) {
        n = xml_char_len(in + i);
        if (n) {
            memcpy(out + o, in + i, n);
            o += n;
            i += n;
        }
        else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    return out;
}
