/*
 * lp_respond — what the handlers send: documents, and short plain-text
 * errors (never Apache's HTML pages, never SQL or paths).
 */
#ifndef LP_RESPOND_H
#define LP_RESPOND_H

#include "httpd.h"

/** Sends a status with a one-line text/plain body; returns OK. */
int lp_respond_error(request_rec *r, int status, const char *message);
/** 503 + Retry-After: the database failed (already logged). */
int lp_respond_unavailable(request_rec *r);
/** 405 + Allow: GET, HEAD. */
int lp_respond_method_not_allowed(request_rec *r);
/** Sends pieces of a body of the given type as one 200 response. */
int lp_respond_body(request_rec *r, const char *content_type, int no_store,
                    const struct iovec *parts, int nparts);

#endif
