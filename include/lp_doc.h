/*
 * lp_doc — the lpconfig XML document (docs/document.md) and the rc (INI) syntax that
 * feeds it.  Pure logic over libxml2 and APR pools: no request_rec, so the
 * unit tests drive it directly.
 *
 * A document is <config xmlns=LP_XMLNS> holding <section name> holding
 * <entry name [overwrite="true"]>value</entry>.  Adding an entry to a
 * section that already has one of that name replaces its value in place;
 * asking for a section that exists returns it: sections are never doubled.
 */
#ifndef LP_DOC_H
#define LP_DOC_H

#include "apr_pools.h"
#include <libxml/tree.h>

#define LP_XMLNS "http://www.linphone.org/xsds/lpconfig.xsd"

/** A new empty document (malloc'ed by libxml2: pair with lp_doc_pool_free). */
xmlDocPtr lp_doc_new(void);
/** A deep copy of a shared, read-only document. */
xmlDocPtr lp_doc_copy(xmlDocPtr doc);
/** Frees the document when the pool is cleared. */
void lp_doc_pool_free(apr_pool_t *p, xmlDocPtr doc);

/** The name of the section of an account's password number i
 *  ("auth_info_0"...). */
const char *lp_doc_auth_section(apr_pool_t *p, int i);
/** The section of that name, appended when missing. */
xmlNodePtr lp_doc_section(xmlDocPtr doc, const char *name);
/** The section of that name, or NULL. */
xmlNodePtr lp_doc_find_section(xmlDocPtr doc, const char *name);
/** Sets entry `name` of a section to `value` (replacing it if present). */
xmlNodePtr lp_doc_set(xmlNodePtr section, const char *name, const char *value,
                      int overwrite);
/** Appends every section of `from` into `doc` with the merge rule above. */
void lp_doc_merge(xmlDocPtr doc, xmlDocPtr from);
/** overwrite="true" on every entry (LinphoneProvisioningOverwriteAll). */
void lp_doc_overwrite_all(xmlDocPtr doc);

/** Serialises the document (UTF-8, with declaration) into pool memory. */
char *lp_doc_render(apr_pool_t *p, xmlDocPtr doc, apr_size_t *len);

/**
 * `s` when it is valid UTF-8 made of characters XML allows, else a pool
 * copy where each offending byte is replaced by U+FFFD: whatever the
 * database holds, the document stays well-formed.
 */
const char *lp_xml_clean(apr_pool_t *p, const char *s);

/**
 * Parses rc text (`[section]`, `key=value`, `#`/`;` comments) into `doc`,
 * merging as above.  Returns NULL, or an error "line N: why" in `p`.
 */
const char *lp_rc_parse(apr_pool_t *p, const char *text, apr_size_t len,
                        xmlDocPtr doc);
/** Reads and parses an rc file; the error names the file and line. */
const char *lp_rc_load(apr_pool_t *p, const char *path, xmlDocPtr doc);

#endif
