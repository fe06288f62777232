/*
 * mod_lp_handler_me — {location}/me: the authenticated account's document,
 * every time.  Authentication itself happened in Apache's auth
 * phase: AuthType Linphone (mod_lp_auth.c) or any other module's r->user.
 */
#include "mod_lp_handlers.h"
#include "mod_lp_auth.h"
#include "mod_lp_document.h"
#include "mod_lp_handler_common.h"
#include "mod_lp_location.h"
#include "mod_lp_request.h"
#include "mod_lp_respond.h"

int lp_handler_me(request_rec *r, const char *location)
{
    linphone_account *a;
    lp_claim cl;
    int status;

    /* 401 and 403 first, then the header */
    if (!(a = lp_auth_request_account(r, &status)))
        return status;
    if (lp_header_missing(r))
        return lp_respond_header_missing(r);

    lp_claim_init(r, LP_CLAIM_ACCOUNT, &cl);
    cl.account_id = a->id;
    if (cl.reset_password)
        return lp_claim_send(r, &cl, location);
    /* read only: no transaction, no write lock */
    if (!a->passwords && lp_store_passwords(r, a) != LP_STORE_OK)
        return lp_respond_unavailable(r);
    a->realm = lp_realm(r, a->domain);
    return lp_document_send_account(r, lp_base_url(r, location), a);
}
