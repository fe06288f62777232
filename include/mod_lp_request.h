/*
 * mod_lp_request — what a request learns once and several phases use (its
 * authenticated account, its host's space), and the settings in effect for
 * it: the directives, overridden by the space's row (docs/directives.md,
 * LinphoneProvisioningSpaces).
 */
#ifndef MOD_LP_REQUEST_H
#define MOD_LP_REQUEST_H

#include "httpd.h"
#include "mod_lp_space.h"
#include "mod_linphone_provisioning.h"

typedef struct {
    linphone_account *account;        /* authenticated by AuthType Linphone */
    const lp_space *space;            /* the host's space */
    int space_known;                  /* space_status is the lookup's */
    lp_space_status space_status;
} lp_request;

/** The request's record (request_config), created on first use. */
lp_request *lp_request_of(request_rec *r);

/**
 * The space of the request's host: LP_SPACE_OFF when spaces are off,
 * LP_SPACE_FOUND with *space set, LP_SPACE_MISSING when no row matches
 * (404 "Host not configured"), LP_SPACE_FAILED on a database failure (503).
 * Looked up once per request; *space is NULL unless found.
 */
lp_space_status lp_space_of(request_rec *r, const lp_space **space);

/** LinphoneProvisioningRequireHeader, or the space's require_header. */
int lp_require_header(request_rec *r);
/** LinphoneProvisioningOverwriteAll, or the space's overwrite_all. */
int lp_overwrite_all(request_rec *r);
/** The realm of digest challenges and HA1 alike: the space's
 *  account_realm, else LinphoneProvisioningRealm, else `domain` (the
 *  account's).  See docs/security.md. */
const char *lp_realm(request_rec *r, const char *domain);
/** The realm override of this request, NULL when the account's domain is
 *  the realm (what a store claim carries, see lp_claim.realm). */
const char *lp_realm_override(request_rec *r);

#endif
