/*
 * mod_lp_auth — `AuthType Linphone` in Apache's authentication phase
 * (docs/security.md):
 * an API key (header or cookie), else RFC 7616 Digest against the account
 * named by the From header.  Blocked accounts and, with spaces, accounts of
 * another space are refused here (403), for every location.  Other auth
 * modules work as usual: the /provisioning/me handler maps their r->user
 * to an account.
 */
#ifndef MOD_LP_AUTH_H
#define MOD_LP_AUTH_H

#include "httpd.h"
#include "mod_linphone_provisioning.h"

#define LP_AUTH_TYPE "Linphone"

/** post_config: refuses a configuration using AuthType Linphone without
 *  any nonce cache (logged; HTTP_INTERNAL_SERVER_ERROR). */
int lp_auth_post_config(apr_pool_t *ptemp, server_rec *s);

/** check_authn hook. */
int lp_auth_check_user_id(request_rec *r);

/** The account AuthType Linphone authenticated for this request, or NULL. */
linphone_account *lp_auth_account(request_rec *r);

/**
 * With LinphoneProvisioningSpaces On, the domain whose accounts the
 * request's space serves, else NULL.  *status is OK, or the refusal: the
 * host has no space (404), its space has no domain and serves no account
 * (403), or the database failed (503).
 */
const char *lp_auth_space_domain(request_rec *r, int *status);

/**
 * The account a handler serves: AuthType Linphone's, or the one another
 * auth module's r->user names exactly (lp_user_address_parse, matched byte
 * for byte, in the request's space).  NULL when the error response has
 * been sent instead (401 no user, 403 no such account, another space's or
 * blocked, 503 database failure), with *status the handler's return.
 */
linphone_account *lp_auth_request_account(request_rec *r, int *status);

#endif
