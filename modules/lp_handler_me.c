/*
 * lp_handler_me — {location}/me: the authenticated account's document,
 * every time (SPEC §2).  Authentication itself happened in Apache's auth
 * phase: AuthType Linphone (lp_auth.c) or any other module's r->user.
 */
#include "lp_handlers.h"
#include "lp_auth.h"
#include "lp_conf.h"
#include "lp_document.h"
#include "lp_location.h"
#include "lp_respond.h"
#include "lp_text.h"

#include "http_log.h"
#include "http_protocol.h"

/* The account another module's r->user names: exactly sip:user@domain,
 * user@domain, or a bare user in LinphoneProvisioningDomain, never decoded
 * (lp_user_address_parse); the row must match it byte for byte. */
static lp_store_status account_of_user(request_rec *r, linphone_account **a)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const char *user, *domain;

    if (lp_user_address_parse(r->pool, r->user, &user, &domain)
        || (!domain && !c->domain))
        return LP_STORE_NOT_FOUND;
    return lp_store_account(r, user, domain ? domain : c->domain, a);
}

int lp_handler_me(request_rec *r, const char *location)
{
    linphone_account *a = lp_auth_account(r);
    lp_claim cl;

    if (!a) {
        const char *space_domain;
        int status;

        if (!r->user)
            return lp_respond_error(r, HTTP_UNAUTHORIZED,
                                    "Authentication required");
        switch (account_of_user(r, &a)) {
        case LP_STORE_OK:
            break;
        case LP_STORE_NOT_FOUND:
            return lp_respond_error(r, HTTP_FORBIDDEN,
                                    "No account for this user");
        default:
            return lp_respond_unavailable(r);
        }
        /* AuthType Linphone checked this in the auth phase */
        space_domain = lp_auth_space_domain(r, &status);
        if (status == HTTP_SERVICE_UNAVAILABLE)
            return lp_respond_unavailable(r);
        if (status != OK || (space_domain && strcmp(a->domain, space_domain)))
            return lp_respond_error(r, HTTP_FORBIDDEN,
                                    "Account not in this space");
    }
    /* SPEC order: 401 above, then 403, then the header */
    if (a->blocked)
        return lp_respond_error(r, HTTP_FORBIDDEN, "Account blocked");
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
