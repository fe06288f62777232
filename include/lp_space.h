/*
 * lp_space — FlexiAPI's `spaces` (docs/directives.md,
 * LinphoneProvisioningSpaces): with LinphoneProvisioningSpaces
 * On, the request's host selects a row whose settings override the
 * directives for that request: header requirement, realm, custom entries,
 * overwrite-all and the `ui` flags.
 */
#ifndef LP_SPACE_H
#define LP_SPACE_H

#include "httpd.h"

#define LP_UI_FLAGS 12

typedef struct lp_space {
    const char *host;
    const char *domain;
    const char *realm;            /* account_realm, NULL when unset */
    const char *custom;           /* custom_provisioning_entries (valid INI) */
    int overwrite_all;
    int require_header;
    const char *ui[LP_UI_FLAGS];  /* integers as text, in lp_ui_flags order */
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
