/*
 * lp_space — FlexiAPI's `spaces` (docs/directives.md,
 * LinphoneProvisioningSpaces): with LinphoneProvisioningSpaces
 * On, the request's host selects a row whose settings override the
 * directives for that request: header requirement, realm, custom entries,
 * overwrite-all and the `ui` flags; on FlexiAPI 2.1 also the password
 * reset's algorithm, and the CardDAV servers the document lists.
 */
#ifndef LP_SPACE_H
#define LP_SPACE_H

#include "httpd.h"

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

typedef enum {
    LP_SPACE_OFF = 0,             /* LinphoneProvisioningSpaces Off */
    LP_SPACE_FOUND,
    LP_SPACE_MISSING,             /* no row for the host */
    LP_SPACE_FAILED               /* the database failed (logged) */
} lp_space_status;

/**
 * Reads the space of the request's host into *out (strings in r->pool):
 * LP_SPACE_FOUND, LP_SPACE_MISSING or LP_SPACE_FAILED.  Rows are cached
 * per child for LinphoneProvisioningSpacesCache seconds.  Requests use
 * lp_space_of (lp_request.h), which asks once per request.
 */
lp_space_status lp_space_fetch(request_rec *r, lp_space *out);

void lp_space_child_init(apr_pool_t *p, server_rec *s);

#endif
