/*
 * lp_rc — the lpconfig rc syntax (INI): `[section]`, `key=value`, comments
 * starting with `#` or `;`.  Keys and values are trimmed; a value may hold
 * `=`.  Used for LinphoneProvisioningRC (parsed once, at startup) and for the
 * spaces' custom_provisioning_entries.
 */
#include "lp_doc.h"

#include "apr_strings.h"
#include "apr_file_io.h"
#include "apr_lib.h"
#include <string.h>

static char *trim(char *s, char *end)
{
    while (s < end && apr_isspace(*s))
        s++;
    while (end > s && apr_isspace(end[-1]))
        end--;
    *end = '\0';
    return s;
}

const char *lp_rc_parse(apr_pool_t *p, const char *text, apr_size_t len,
                        xmlDocPtr doc)
{
    char *buf = apr_pstrmemdup(p, text, len);
    char *line = buf, *next;
    xmlNodePtr section = NULL;
    unsigned lineno = 0;
    const char *nul = memchr(text, '\0', len);

    if (nul) {
        for (line = buf; line < buf + (nul - text); line++)
            lineno += (*line == '\n');
        return apr_psprintf(p, "line %u: NUL byte", lineno + 1);
    }
    line = buf;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        line += 3;                                  /* UTF-8 BOM */
    for (; line; line = next) {
        char *end, *s, *eq;

        lineno++;
        next = strchr(line, '\n');
        end = next ? next : line + strlen(line);
        if (next)
            next++;
        s = trim(line, end);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (lp_xml_clean(p, s) != s)
            return apr_psprintf(p, "line %u: not valid UTF-8 text", lineno);
        if (*s == '[') {
            char *close = strchr(s, ']');

            if (!close || close[1] != '\0')
                return apr_psprintf(p, "line %u: malformed section header",
                                    lineno);
            s = trim(s + 1, close);
            if (!*s)
                return apr_psprintf(p, "line %u: empty section name", lineno);
            section = lp_doc_section(doc, s);
            continue;
        }
        eq = strchr(s, '=');
        if (!eq)
            return apr_psprintf(p, "line %u: expected key=value or [section]",
                                lineno);
        if (!section)
            return apr_psprintf(p, "line %u: entry before any [section]",
                                lineno);
        {
            char *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
            char *key = trim(s, eq);

            if (!*key)
                return apr_psprintf(p, "line %u: empty key", lineno);
            lp_doc_set(section, key, value, 0);
        }
    }
    return NULL;
}

const char *lp_rc_load(apr_pool_t *p, const char *path, xmlDocPtr doc)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    apr_size_t len;
    char *text;
    const char *err;
    char ebuf[120];

    rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BUFFERED,
                       APR_OS_DEFAULT, p);
    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv != APR_SUCCESS)
        return apr_psprintf(p, "%s: %s", path,
                            apr_strerror(rv, ebuf, sizeof ebuf));
    len = (apr_size_t)fi.size;
    text = apr_palloc(p, len + 1);
    rv = apr_file_read_full(f, text, len, &len);
    (void)apr_file_close(f);           /* read only: nothing to lose */
    if (rv != APR_SUCCESS && rv != APR_EOF)
        return apr_psprintf(p, "%s: %s", path,
                            apr_strerror(rv, ebuf, sizeof ebuf));
    text[len] = '\0';
    err = lp_rc_parse(p, text, len, doc);
    return err ? apr_psprintf(p, "%s: %s", path, err) : NULL;
}
