/*
 * lp_handlers — the content handlers, one unit each.
 */
#ifndef LP_HANDLERS_H
#define LP_HANDLERS_H

#include "httpd.h"

#include "lp_store.h"

#include "lp_text.h"

/**
 * The common start of our handlers.  Returns 0 with *status set when the
 * handler must stop: DECLINED for another handler's request, or the return
 * of an answer already sent (405, or 404/503 for a host without space).
 * Returns 1 with the location and the route of the rest of the URI
 * (LP_ROUTE_NONE outside the location).
 */
int lp_handler_start(request_rec *r, const char *handler, int *status,
                     const char **location, lp_route *route);

int lp_handler_provisioning(request_rec *r);

/** The response for a store failure (not LP_STORE_OK): 404, 410, 403 or
 *  503, the same for every URL that looks a token or an account up. */
int lp_respond_store(request_rec *r, lp_store_status st);
/** The domain a token's account must have for this request: the space's
 *  with LinphoneProvisioningSpaces On, else NULL (any). */
const char *lp_claim_domain(request_rec *r);
/** A claim of `kind` filled from the request and the configuration. */
void lp_claim_init(request_rec *r, lp_claim_kind kind, lp_claim *cl);
/** Runs the claim and sends the account's document, or the error. */
int lp_claim_send(request_rec *r, const lp_claim *cl, const char *location);
/** 1 when spaces are on and the host has none (or the lookup failed):
 *  the 404/503 response is sent and *status holds the handler's return. */
int lp_space_missing(request_rec *r, int *status);
/** 1 when LinphoneProvisioningRequireHeader applies and the header is absent. */
int lp_header_missing(request_rec *r);
/** The /me route: the authenticated account's document. */
int lp_handler_me(request_rec *r, const char *location);
/** `linphone-wizard`: the page that opens the app on its provisioning URL. */
int lp_handler_wizard(request_rec *r);
/** `{location}/qrcode/{token}`, called by linphone-provisioning. */
int lp_serve_qrcode(request_rec *r, const char *location, const char *token);
/** `linphone-contacts`: the authenticated account's contacts as vCards. */
int lp_handler_contacts(request_rec *r);
/** fixups: keeps mod_dir from redirecting our URLs (clients never follow). */
int lp_fixup_no_redirect(request_rec *r);

#endif
