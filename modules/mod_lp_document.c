/*
 * mod_lp_document — pre-rendered base documents, per-request account documents.
 */
#include "mod_lp_document.h"
#include "lp_assemble.h"
#include "mod_lp_additions.h"
#include "mod_lp_conf.h"
#include "mod_lp_request.h"
#include "mod_lp_respond.h"

#include "http_log.h"
#include "apr_strings.h"
#include <string.h>

APLOG_USE_MODULE(linphone_provisioning);

#define CONTENT_TYPE "application/xml"
#define VCARD_PATH "/contacts/vcard"
/* Stands for the request's vCard list URL in the pre-rendered text: plain
 * characters, so it serialises unchanged. */
#define SLOT "linphone-provisioning-base-url-slot"

/* misc/contacts-vcard-list for a given {base}, or NULL for none. */
static const char *vcard_for(apr_pool_t *p, const lp_server_conf *c,
                             const char *base)
{
    if (c->vcard_none)
        return NULL;
    return c->vcard_url ? c->vcard_url
                        : apr_pstrcat(p, base, VCARD_PATH, NULL);
}

static lp_prerendered *prerender(apr_pool_t *p, const lp_server_conf *c,
                                 int overwrite)
{
    lp_prerendered *pre = apr_pcalloc(p, sizeof *pre);
    /* {base} is known now only when LinphoneProvisioningBaseURL is set */
    int per_request = !c->vcard_none && !c->vcard_url && !c->base_url;
    const char *vcard = vcard_for(p, c, per_request ? SLOT : c->base_url);
    xmlDocPtr doc = lp_assemble(p, c->rc, NULL, vcard, NULL);
    const char *at;
    apr_size_t len;
    char *text;

    if (overwrite)
        lp_doc_overwrite_all(doc);
    text = lp_doc_render(p, doc, &len);
    at = per_request ? strstr(text, SLOT) : NULL;
    pre->head = text;
    pre->head_len = at ? (apr_size_t)(at - text) : len;
    if (at) {
        pre->slot = 1;
        pre->tail = at + strlen(SLOT);
        pre->tail_len = len - pre->head_len - strlen(SLOT);
    }
    return pre;
}

void lp_document_prerender(apr_pool_t *pconf, server_rec *s)
{
    for (; s; s = s->next) {
        lp_server_conf *c = lp_server_conf_get(s);

        c->base_doc[0] = prerender(pconf, c, 0);
        c->base_doc[1] = prerender(pconf, c, 1);
    }
}

/* The handlers answered 404/503 already when the space is missing. */
static const lp_space *space_of(request_rec *r)
{
    const lp_space *space;

    lp_space_of(r, &space);
    return space;
}

/* The additions and overwrite-all on an assembled document (the last
 * steps of docs/document.md), then its bytes. */
static int finish_and_send(request_rec *r, xmlDocPtr doc,
                           const linphone_account *account)
{
    struct iovec part;
    apr_size_t len;

    lp_additions_apply(r, doc, account);
    if (lp_overwrite_all(r))
        lp_doc_overwrite_all(doc);
    part.iov_base = lp_doc_render(r->pool, doc, &len);
    if (!part.iov_base) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0201)
                      "cannot serialise the provisioning document");
        return lp_respond_error(r, HTTP_INTERNAL_SERVER_ERROR,
                                "Cannot build the provisioning document");
    }
    part.iov_len = len;
    return lp_respond_body(r, CONTENT_TYPE, account != NULL, &part, 1);
}

int lp_document_send_base(request_rec *r, const char *base)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const lp_prerendered *pre = c->base_doc[lp_overwrite_all(r)];
    struct iovec parts[3];
    xmlChar *escaped;
    const char *url;

    if (c->spaces || lp_additions_dynamic(r))
        return finish_and_send(r, lp_assemble(r->pool, c->rc,
                                              space_of(r),
                                              vcard_for(r->pool, c, base),
                                              NULL), NULL);
    parts[0].iov_base = (void *)pre->head;
    parts[0].iov_len = pre->head_len;
    if (!pre->slot)
        return lp_respond_body(r, CONTENT_TYPE, 0, parts, 1);
    escaped = xmlEncodeSpecialChars(NULL, (const xmlChar *)base);
    url = apr_pstrdup(r->pool, (const char *)escaped);
    xmlFree(escaped);
    parts[1].iov_base = (void *)url;
    parts[1].iov_len = strlen(url);
    parts[2].iov_base = (void *)pre->tail;
    parts[2].iov_len = pre->tail_len;
    return lp_respond_body(r, CONTENT_TYPE, 0, parts, 3);
}

int lp_document_send_account(request_rec *r, const char *base,
                             const linphone_account *account)
{
    lp_server_conf *c = lp_server_conf_get(r->server);

    return finish_and_send(r, lp_assemble(r->pool, c->rc, space_of(r),
                                          vcard_for(r->pool, c, base),
                                          account), account);
}
