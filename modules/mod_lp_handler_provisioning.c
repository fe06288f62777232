/*
 * mod_lp_handler_provisioning — handler `linphone-provisioning`: the URI space
 * below its <Location> (the URLs of README.md).
 */
#include "mod_lp_handlers.h"
#include "mod_lp_handler_common.h"
#include "mod_lp_document.h"
#include "mod_lp_location.h"
#include "mod_lp_respond.h"

static int claim(request_rec *r, lp_claim_kind kind, const char *token,
                 const char *location)
{
    lp_claim cl;

    lp_claim_init(r, kind, &cl);
    cl.token = token;
    return lp_claim_send(r, &cl, location);
}

int lp_handler_provisioning(request_rec *r)
{
    const char *location;
    lp_route route;
    int status;

    if (!lp_handler_start(r, LP_HANDLER_PROVISIONING, &status, &location,
                          &route))
        return status;

    switch (route.kind) {
    case LP_ROUTE_BASE:
        if (lp_header_missing(r))
            break;
        return lp_document_send_base(r, lp_base_url(r, location));
    case LP_ROUTE_TOKEN:
        if (lp_header_missing(r))
            break;
        return claim(r, LP_CLAIM_PROVISIONING_TOKEN, route.token, location);
    case LP_ROUTE_AUTH_TOKEN:
        return claim(r, LP_CLAIM_AUTH_TOKEN, route.token, location);
    case LP_ROUTE_ME:
        return lp_handler_me(r, location);
    case LP_ROUTE_QRCODE:
        return lp_serve_qrcode(r, location, route.token);
    default:
        return lp_respond_error(r, HTTP_NOT_FOUND, "Not found");
    }
    return lp_respond_header_missing(r);
}

int lp_fixup_no_redirect(request_rec *r)
{
    /* mod_dir redirects a directory URL lacking its slash; a Linphone
     * client does not follow redirects, and our URLs are not files.
     * (lp_map_to_storage already skips the file walk for the locations found
     * at startup; this covers <LocationMatch> mappings.) */
    if (r->handler && (!strcmp(r->handler, LP_HANDLER_PROVISIONING)
                       || !strcmp(r->handler, LP_HANDLER_WIZARD)
                       || !strcmp(r->handler, LP_HANDLER_CONTACTS)))
        r->finfo.filetype = APR_NOFILE;
    return DECLINED;
}
