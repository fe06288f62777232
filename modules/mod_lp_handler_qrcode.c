/*
 * mod_lp_handler_qrcode — `{provisioning location}/qrcode/{token}`
 * (docs/document.md, QR codes):
 * the PNG QR code of the token's provisioning URL, for an admin to show.
 * It reads the token and changes nothing.
 */
#include "mod_lp_handlers.h"
#include "mod_lp_conf.h"
#include "mod_lp_handler_common.h"
#include "mod_lp_location.h"
#include "lp_qrcode.h"
#include "mod_lp_respond.h"

#include "http_log.h"
#include "apr_strings.h"

APLOG_USE_MODULE(linphone_provisioning);

int lp_serve_qrcode(request_rec *r, const char *location, const char *token)
{
    lp_server_conf *sc = lp_server_conf_get(r->server);
    const unsigned char *png;
    apr_size_t len;
    const char *url;
    struct iovec body;
    apr_status_t rv;
    lp_store_status st = lp_store_check_token(r, token,
                             LP_MINUTES(sc->token_expiry),
                             lp_claim_domain(r));

    if (st != LP_STORE_OK)
        return lp_respond_store(r, st);
    url = apr_pstrcat(r->pool, lp_provisioning_url(r, location), "/", token,
                      lp_query_has(r->pool, r->args, "reset_password")
                      ? "?reset_password=1" : "", NULL);
    rv = lp_qrcode_png(r->pool, url, &png, &len);
    if (rv == APR_ENOSPC)       /* a Host header of a kilobyte or so */
        return lp_respond_error(r, HTTP_BAD_REQUEST,
                                "URL too long for a QR code");
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, LPLOGNO(0701)
                      "cannot render the QR code");
        return lp_respond_error(r, HTTP_INTERNAL_SERVER_ERROR,
                                "Cannot render the QR code");
    }
    apr_table_setn(r->headers_out, "X-Qrcode-URL", url);
    body.iov_base = (void *)png;
    body.iov_len = len;
    /* the URL provisions an account: nobody should keep a copy */
    return lp_respond_body(r, "image/png", 1, &body, 1);
}
