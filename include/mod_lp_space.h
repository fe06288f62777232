/*
 * mod_lp_space — FlexiAPI's `spaces` (docs/directives.md,
 * LinphoneProvisioningSpaces): with LinphoneProvisioningSpaces
 * On, the request's host selects a row whose settings override the
 * directives for that request: header requirement, realm, custom entries,
 * overwrite-all and the `ui` flags; on FlexiAPI 2.1 also the password
 * reset's algorithm, and the CardDAV servers the document lists.
 */
#ifndef MOD_LP_SPACE_H
#define MOD_LP_SPACE_H

#include "httpd.h"
#include "lp_space_row.h"

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
 * lp_space_of (mod_lp_request.h), which asks once per request.
 */
lp_space_status lp_space_fetch(request_rec *r, lp_space *out);

void lp_space_child_init(apr_pool_t *p, server_rec *s);

#endif
