/*
 * mod_linphone_provisioning — public API for companion modules.
 *
 * A module that wants to add to the provisioning document registers one of
 * the optional hooks below (APR_OPTIONAL_HOOK(linphone, provisioning_proxy,
 * my_fn, NULL, NULL, APR_HOOK_MIDDLE)).  Each is called while the document
 * is assembled (SPEC §3 step 8), with the request, the account (NULL for the
 * base document) and the libxml2 node to complete: a <section> element for
 * the proxy and auth hooks, the <config> root for additional sections.
 * Nodes must be created with the helpers of lp_doc.h or plain libxml2 in
 * the node's document; the document lives as long as the request.
 */
#ifndef MOD_LINPHONE_PROVISIONING_H
#define MOD_LINPHONE_PROVISIONING_H

#include "httpd.h"
#include "apr_optional_hooks.h"
#include <libxml/tree.h>

/* Linkage for the hook declarations below (the hooks are optional: found by
 * name at run time, so no symbol is shared between the modules). */
#ifndef LINPHONE_DECLARE
#define LINPHONE_DECLARE(type) type
#define LINPHONE_DECLARE_NONSTD(type) type
#define LINPHONE_DECLARE_DATA
#endif

/** One row of `passwords`. */
typedef struct linphone_password {
    const char *password;   /* HA1 (lowercase hex) or clear text for CLRTXT */
    const char *algorithm;  /* "MD5", "SHA-256" or "CLRTXT" */
} linphone_password;

/** An account as read from `accounts` and `passwords`. */
typedef struct linphone_account {
    apr_int64_t id;
    const char *username;
    const char *domain;
    const char *display_name;   /* NULL when unset */
    const char *email;          /* NULL when unset */
    int activated;
    int blocked;
    const char *realm;          /* the realm rule of SPEC §3, resolved */
    apr_array_header_t *passwords;  /* of linphone_password */
} linphone_account;

APR_DECLARE_EXTERNAL_HOOK(linphone, LINPHONE, int, provisioning_proxy,
                          (request_rec *r, const linphone_account *account,
                           xmlNodePtr section))
APR_DECLARE_EXTERNAL_HOOK(linphone, LINPHONE, int, provisioning_auth,
                          (request_rec *r, const linphone_account *account,
                           xmlNodePtr section))
APR_DECLARE_EXTERNAL_HOOK(linphone, LINPHONE, int,
                          provisioning_additional_sections,
                          (request_rec *r, const linphone_account *account,
                           xmlNodePtr config))

#endif
