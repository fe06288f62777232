/*
 * mod_lp_respond — what the handlers send: documents, and short plain-text
 * errors (never Apache's HTML pages, never SQL or paths).
 */
#ifndef MOD_LP_RESPOND_H
#define MOD_LP_RESPOND_H

#include "httpd.h"
#include "util_filter.h"

/** Sends a status with a one-line text/plain body; returns OK. */
int lp_respond_error(request_rec *r, int status, const char *message);
/* Seconds a client is told to wait after a 503 (database or nonce cache
 * down: a restart or failover usually takes that long). */
#define LP_RETRY_AFTER "5"

/** 503 + Retry-After: the database failed (already logged). */
int lp_respond_unavailable(request_rec *r);
/** 400: the x-linphone-provisioning header is required and absent. */
int lp_respond_header_missing(request_rec *r);
/** 405 + Allow: GET, HEAD. */
int lp_respond_method_not_allowed(request_rec *r);
/** Sends pieces of a body of the given type as one 200 response. */
int lp_respond_body(request_rec *r, const char *content_type, int no_store,
                    const struct iovec *parts, int nparts);

/**
 * For errors returned from another phase (authentication): makes Apache's
 * error response for `status` our one-line text/plain body.  Return the
 * status from the hook after calling it.
 */
int lp_respond_phase_error(request_rec *r, int status, const char *message);

/* The error filter that turns those responses into text/plain, and its
 * insert_error_filter hook. */
#define LP_PLAIN_ERROR_FILTER "LINPHONE_PLAIN_ERROR"
apr_status_t lp_plain_error_filter(ap_filter_t *f, apr_bucket_brigade *bb);
void lp_insert_plain_error_filter(request_rec *r);

#endif
