/*
 * mod_lp_respond — responses of the handlers (see mod_lp_respond.h).
 */
#include "mod_lp_respond.h"
#include "mod_lp_conf.h"

#include "http_protocol.h"
#include "util_filter.h"
#include "http_core.h"
#include "http_log.h"
#include "apr_strings.h"

APLOG_USE_MODULE(linphone_provisioning);

#define NOSNIFF "X-Content-Type-Options"

int lp_respond_error(request_rec *r, int status, const char *message)
{
    if (r->sent_bodyct) {
        /* the status line is gone: a second body would only corrupt the
         * first one; cut the connection so the client sees a failure */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0202)
                      "error %d after the response started: connection "
                      "closed", status);
        r->connection->keepalive = AP_CONN_CLOSE;
        r->connection->aborted = 1;
        return OK;
    }
    r->status = status;
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, NOSNIFF, "nosniff");
    ap_set_content_type(r, "text/plain; charset=utf-8");
    ap_set_content_length(r, strlen(message) + 1);
    if (!r->header_only) {
        ap_rputs(message, r);
        ap_rputc('\n', r);
    }
    return OK;
}

int lp_respond_unavailable(request_rec *r)
{
    apr_table_setn(r->headers_out, "Retry-After", LP_RETRY_AFTER);
    return lp_respond_error(r, HTTP_SERVICE_UNAVAILABLE,
                            "Service temporarily unavailable");
}

int lp_respond_header_missing(request_rec *r)
{
    return lp_respond_error(r, HTTP_BAD_REQUEST,
                            "Missing x-linphone-provisioning header");
}

int lp_respond_method_not_allowed(request_rec *r)
{
    apr_table_setn(r->headers_out, "Allow", "GET, HEAD");
    return lp_respond_error(r, HTTP_METHOD_NOT_ALLOWED, "Method not allowed");
}

int lp_respond_body(request_rec *r, const char *content_type, int no_store,
                    const struct iovec *parts, int nparts)
{
    lp_server_conf *sc = lp_server_conf_get(r->server);
    apr_size_t len = 0;
    int i;

    for (i = 0; i < nparts; i++)
        len += parts[i].iov_len;
    ap_set_content_type(r, content_type);
    apr_table_setn(r->headers_out, NOSNIFF, "nosniff");
    /* URLs built from the Host header, or a space chosen by it: a shared
     * cache must not hand one host's body to another */
    if (!sc->base_url || sc->spaces)
        apr_table_mergen(r->headers_out, "Vary", "Host");
    if (no_store)
        apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, len);
    if (!r->header_only)
        for (i = 0; i < nparts; i++)
            ap_rwrite(parts[i].iov_base, (int)parts[i].iov_len, r);
    return OK;
}

#define PLAIN_NOTE "linphone-plain-error"

int lp_respond_phase_error(request_rec *r, int status, const char *message)
{
    ap_custom_response(r, status, apr_pstrcat(r->pool, message, "\n", NULL));
    apr_table_setn(r->notes, PLAIN_NOTE, "1");
    return status;
}

void lp_insert_plain_error_filter(request_rec *r)
{
    if (apr_table_get(r->notes, PLAIN_NOTE))
        ap_add_output_filter(LP_PLAIN_ERROR_FILTER, NULL, r, r->connection);
}

apr_status_t lp_plain_error_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    /* runs before the HTTP header filter reads the type */
    ap_set_content_type(f->r, "text/plain; charset=utf-8");
    apr_table_setn(f->r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(f->r->err_headers_out, NOSNIFF, "nosniff");
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}
