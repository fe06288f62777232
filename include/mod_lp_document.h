/*
 * mod_lp_document — the provisioning document for a request: the base document
 * pre-rendered at startup (no libxml2, no database per request), or an
 * account's document assembled per request.
 */
#ifndef MOD_LP_DOCUMENT_H
#define MOD_LP_DOCUMENT_H

#include "httpd.h"
#include "mod_linphone_provisioning.h"

/* The base document rendered at startup: `head`, then the request's
 * XML-escaped vCard list URL when `slot` is set, then `tail`. */
typedef struct lp_prerendered {
    const char *head;
    apr_size_t head_len;
    const char *tail;
    apr_size_t tail_len;
    int slot;
} lp_prerendered;

/** post_config: renders each server's base document (both overwrite modes). */
void lp_document_prerender(apr_pool_t *pconf, server_rec *s);

/** Sends the base document; `base` is {base} for the vCard list URL. */
int lp_document_send_base(request_rec *r, const char *base);

/** Sends the account's document (credentials: Cache-Control no-store). */
int lp_document_send_account(request_rec *r, const char *base,
                             const linphone_account *account);

#endif
