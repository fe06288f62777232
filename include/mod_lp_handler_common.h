/*
 * mod_lp_handler_common — what the content handlers share: the common start of
 * a request, the answers for a missing space or header, and the claim of a
 * token or account that ends with its document.
 */
#ifndef MOD_LP_HANDLER_COMMON_H
#define MOD_LP_HANDLER_COMMON_H

#include "httpd.h"
#include "mod_lp_store.h"
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

#endif
