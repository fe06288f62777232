/*
 * lp_space_row — a FlexiAPI `spaces` row as the document needs it (read by
 * mod_lp_space, written into documents by lp_assemble).  Pure: no httpd
 * headers.
 */
#ifndef LP_SPACE_ROW_H
#define LP_SPACE_ROW_H

#include "apr_tables.h"

#define LP_UI_FLAGS 12

/** A row of FlexiAPI 2.1's `space_carddav_servers`, as the document's
 *  entries: booleans as "0"/"1", the other values as stored ("" for
 *  NULL). */
typedef struct lp_carddav_server {
    const char *enabled;
    const char *uri;
    const char *min_characters;
    const char *results_limit;
    const char *timeout;
    const char *delay;
    const char *fields_for_user_input;
    const char *fields_for_domain;
    const char *use_exact_match_policy;
} lp_carddav_server;

typedef struct lp_space {
    const char *host;
    const char *domain;
    const char *id;
    int generation;               /* LP_FLEXIAPI_20 or LP_FLEXIAPI_21 */
    const char *realm;            /* NULL when unset */
    const char *custom;           /* custom_provisioning_entries (valid INI) */
    int overwrite_all;
    int require_header;           /* -1: the directive decides (2.1) */
    /* 2.1: the digest configuration's, "MD5" or "SHA-256"; NULL when the
     * space has none (no password reset) */
    const char *password_algorithm;
    const char *ui[LP_UI_FLAGS];  /* integers as text, in lp_ui_flags order */
    apr_array_header_t *carddav;  /* of lp_carddav_server, in id order */
} lp_space;

/** The names of the ui flags, in the order of lp_space.ui (defined with
 *  the assembly, lp_assemble.c, which writes them). */
extern const char *const lp_ui_flags[LP_UI_FLAGS];

#endif
