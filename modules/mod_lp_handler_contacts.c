/*
 * mod_lp_handler_contacts — handler `linphone-contacts`: the authenticated
 * account's contacts as vCard 4.0, the list `misc/contacts-vcard-list`
 * points the clients at.  `{location}` is every contact, `{location}/{sip}`
 * one of them.  Authentication happened in Apache's auth phase, as for
 * /provisioning/me: AuthType Linphone (mod_lp_auth.c) or another module's
 * r->user.  No x-linphone-provisioning header: clients send none here.
 */
#include "mod_lp_handlers.h"
#include "mod_lp_auth.h"
#include "lp_crypto.h"
#include "mod_lp_handler_common.h"
#include "mod_lp_location.h"
#include "mod_lp_respond.h"
#include "lp_vcard.h"

#include "apr_strings.h"

#define VCARD_TYPE "text/vcard; charset=utf-8"
/* hex digits of the body's SHA-256 kept in the ETag */
#define ETAG_HEX 32

/* 1 when the If-None-Match list names etag (weak comparison) or is "*". */
static int none_match(request_rec *r, const char *etag)
{
    const char *h = apr_table_get(r->headers_in, "If-None-Match");
    char *list, *item, *state;

    if (!h)
        return 0;
    list = apr_pstrdup(r->pool, h);
    for (item = apr_strtok(list, ",", &state); item;
         item = apr_strtok(NULL, ",", &state)) {
        apr_size_t n;

        while (*item == ' ' || *item == '\t')
            item++;
        n = strlen(item);
        while (n > 0 && (item[n - 1] == ' ' || item[n - 1] == '\t'))
            item[--n] = '\0';
        if (!strcmp(item, "*"))
            return 1;
        if (!strncmp(item, "W/", 2))
            item += 2;
        if (!strcmp(item, etag))
            return 1;
    }
    return 0;
}

/* `{sip}` of the URL against a contact: user@domain, with or without the
 * sip: scheme. */
static int is_contact(const char *sip, const lp_vcard_contact *c)
{
    apr_size_t n = strlen(c->username);

    if (!strncmp(sip, "sip:", 4))
        sip += 4;
    return !strncmp(sip, c->username, n) && sip[n] == '@'
           && !strcmp(sip + n + 1, c->domain);
}

int lp_handler_contacts(request_rec *r)
{
    const char *location, *rest, *sip = NULL, *etag;
    linphone_account *a;
    apr_array_header_t *contacts, *cards;
    struct iovec body;
    lp_route route;
    int status, i;

    if (!lp_handler_start(r, LP_HANDLER_CONTACTS, &status, &location,
                          &route))
        return status;
    /* {location}, {location}/ or {location}/{sip}: one segment at most */
    rest = location ? r->uri + strlen(location) : NULL;
    if (rest && *rest == '/' && rest[1])
        sip = rest + 1;
    if (!rest || (*rest && *rest != '/') || (sip && strchr(sip, '/')))
        return lp_respond_error(r, HTTP_NOT_FOUND, "Not found");

    if (!(a = lp_auth_request_account(r, &status)))
        return status;

    if (lp_store_contacts(r, a->id, &contacts) != LP_STORE_OK)
        return lp_respond_unavailable(r);
    cards = apr_array_make(r->pool, contacts->nelts + 1, sizeof(char *));
    for (i = 0; i < contacts->nelts; i++) {
        const lp_vcard_contact *c = &APR_ARRAY_IDX(contacts, i,
                                                   lp_vcard_contact);

        if (sip && !is_contact(sip, c))
            continue;
        APR_ARRAY_PUSH(cards, const char *) = lp_vcard_write(r->pool, c);
        if (sip)
            break;
    }
    if (sip && cards->nelts == 0)
        return lp_respond_error(r, HTTP_NOT_FOUND, "Not found");
    body.iov_base = apr_array_pstrcat(r->pool, cards, 0);
    body.iov_len = strlen(body.iov_base);

    /* clients fetch the list at every start: unchanged, it is a 304 */
    etag = apr_pstrcat(r->pool, "\"",
                       apr_pstrndup(r->pool,
                                    lp_digest_hex(r->pool, LP_ALG_NAME_SHA256,
                                                  body.iov_base,
                                                  body.iov_len), ETAG_HEX),
                       "\"", NULL);
    apr_table_setn(r->headers_out, "ETag", etag);
    if (none_match(r, etag)) {
        apr_table_setn(r->headers_out, "Cache-Control", "no-store");
        r->status = HTTP_NOT_MODIFIED;
        return OK;
    }
    return lp_respond_body(r, VCARD_TYPE, 1, &body, 1);
}
