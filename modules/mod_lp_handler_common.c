/*
 * mod_lp_handler_common — what the content handlers share (see the header).
 */
#include "mod_lp_handler_common.h"
#include "mod_lp_conf.h"
#include "mod_lp_document.h"
#include "mod_lp_location.h"
#include "mod_lp_request.h"
#include "mod_lp_respond.h"
#include "lp_sql.h"

#include "http_log.h"

APLOG_USE_MODULE(linphone_provisioning);

#define PROVISIONING_HEADER "x-linphone-provisioning"
/* FlexiAPI's provisioning_tokens.user_agent is varchar(255): characters on
 * PostgreSQL and MariaDB, which also refuse invalid UTF-8 */
#define USER_AGENT_MAX 255

int lp_handler_start(request_rec *r, const char *handler, int *status,
                     const char **location, lp_route *route)
{
    if (!r->handler || strcmp(r->handler, handler)) {
        *status = DECLINED;
        return 0;
    }
    if (r->method_number != M_GET) {        /* HEAD is M_GET too */
        *status = lp_respond_method_not_allowed(r);
        return 0;
    }
    if (lp_space_missing(r, status))
        return 0;
    *location = lp_location_of(r, handler);
    *route = *location ? lp_route_parse(r->pool, r->uri + strlen(*location))
                       : (lp_route){ LP_ROUTE_NONE, NULL };
    return 1;
}

int lp_space_missing(request_rec *r, int *status)
{
    const lp_space *space;

    switch (lp_space_of(r, &space)) {
    case LP_SPACE_FAILED:
        *status = lp_respond_unavailable(r);
        return 1;
    case LP_SPACE_MISSING:
        *status = lp_respond_error(r, HTTP_NOT_FOUND, "Host not configured");
        return 1;
    default:
        return 0;
    }
}

int lp_header_missing(request_rec *r)
{
    return lp_require_header(r)
           && !apr_table_get(r->headers_in, PROVISIONING_HEADER);
}

const char *lp_claim_domain(request_rec *r)
{
    const lp_space *space;

    lp_space_of(r, &space);
    /* a space without a domain serves no account */
    return space ? (space->domain ? space->domain : "") : NULL;
}

/* FlexiAPI 2.1 resets with the space's digest configuration, and not at
 * all in a space without one (one that does not use digest
 * authentication). */
static void space_reset_rule(request_rec *r, lp_claim *cl)
{
    const lp_space *space;

    if (lp_space_of(r, &space) != LP_SPACE_FOUND
        || space->generation != LP_FLEXIAPI_21)
        return;
    if (space->password_algorithm)
        cl->algorithm = space->password_algorithm;
    else if (cl->reset_password) {
        cl->reset_password = 0;
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, LPLOGNO(0302)
                      "space %s has no digest authentication "
                      "configuration: the password is not reset",
                      ap_escape_logitem(r->pool, space->host));
    }
}

void lp_claim_init(request_rec *r, lp_claim_kind kind, lp_claim *cl)
{
    lp_server_conf *sc = lp_server_conf_get(r->server);
    const char *ua = apr_table_get(r->headers_in, "User-Agent");

    memset(cl, 0, sizeof *cl);
    cl->kind = kind;
    cl->lifetime = LP_MINUTES(kind == LP_CLAIM_AUTH_TOKEN
                              ? sc->auth_token_expiry
                              : kind == LP_CLAIM_PROVISIONING_TOKEN
                              ? sc->token_expiry : 0);
    cl->reset_password = lp_query_has(r->pool, r->args, "reset_password");
    cl->algorithm = sc->password_algorithm;
    space_reset_rule(r, cl);
    cl->ip = r->useragent_ip;
    cl->user_agent = ua ? lp_utf8_clean(r->pool, ua, USER_AGENT_MAX) : NULL;
    cl->domain = lp_claim_domain(r);
    cl->realm = lp_realm_override(r);
}

int lp_respond_store(request_rec *r, lp_store_status st)
{
    switch (st) {
    case LP_STORE_EXPIRED:
        return lp_respond_error(r, HTTP_GONE, "Token expired");
    case LP_STORE_BLOCKED:
        return lp_respond_error(r, HTTP_FORBIDDEN, "Account blocked");
    case LP_STORE_UNAVAILABLE:
        return lp_respond_unavailable(r);
    default:
        return lp_respond_error(r, HTTP_NOT_FOUND, "Not found");
    }
}

int lp_claim_send(request_rec *r, const lp_claim *cl, const char *location)
{
    static const char *const by[] = { "token", "auth token", "account" };
    linphone_account *account = NULL;
    lp_store_status st = lp_store_claim(r, cl, &account);

    if (st != LP_STORE_OK)
        return lp_respond_store(r, st);
    /* what changed the database is logged; a plain /me fetch and HEAD
     * (read only) are not.  Not the user agent: the error log carries no
     * request data (the access log can, see LogFormat). */
    if (!r->header_only
        && (cl->kind != LP_CLAIM_ACCOUNT || cl->reset_password))
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, LPLOGNO(0301)
                      "provisioned account %" APR_INT64_T_FMT " (%s@%s) by "
                      "%s%s for client %s, user agent \"%s\"", account->id,
                      ap_escape_logitem(r->pool, account->username),
                      ap_escape_logitem(r->pool, account->domain),
                      by[cl->kind],
                      cl->reset_password ? ", password reset" : "",
                      r->useragent_ip,
                      cl->user_agent ? ap_escape_logitem(r->pool,
                                                         cl->user_agent) : "");
    return lp_document_send_account(r, lp_base_url(r, location), account);
}
