/*
 * mod_linphone_provisioning — public API for companion modules.
 *
 * A module that wants to add to the provisioning document registers one of
 * the optional hooks at the end of this file.  Each is called while the
 * document is assembled (SPEC §3 step 8, after the LinphoneProvisioningEntry
 * additions), with the request, the account and the libxml2 node to
 * complete.  The document lives as long as the request.
 */
#ifndef MOD_LINPHONE_PROVISIONING_H
#define MOD_LINPHONE_PROVISIONING_H

#include "httpd.h"
#include "apr_optional_hooks.h"
#include <libxml/tree.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The module's version, the upstream part of debian/changelog's (the
 * package build checks that they agree); logged at startup. */
#define MOD_LINPHONE_PROVISIONING_VERSION "1.0.0"

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

/** One row of FlexiAPI 2.1's `account_carddav_credentials`: the account's
 *  credentials on one of its space's CardDAV servers. */
typedef struct linphone_carddav_credential {
    const char *username;
    const char *password;   /* an HA1 */
    const char *realm;
    const char *algorithm;
} linphone_carddav_credential;

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
    /* of linphone_carddav_credential, NULL for none: their auth_info_N
     * sections come first, the passwords' take the next indexes */
    apr_array_header_t *carddav;
} linphone_account;

/*
 * The optional hooks, registered by name ("linphone_provisioning_proxy"...):
 *
 *   static int my_proxy(request_rec *r, const linphone_account *account,
 *                       xmlNodePtr section) { ...; return OK; }
 *   APR_OPTIONAL_HOOK(lp, linphone_provisioning_proxy, my_proxy,
 *                     NULL, NULL, APR_HOOK_MIDDLE);
 *
 * proxy: once, with the proxy_0 section (accounts only).
 * auth: once per auth_info_N section (accounts only).
 * additional_sections: once per document, with the <config> root; account
 * is NULL for the base document.
 * Return OK or DECLINED; anything else stops the hooks after it and is
 * logged.  Entries are easiest added with xmlNewTextChild(section,
 * section->ns, "entry", value) and xmlSetProp(entry, "name", name).
 */
APR_DECLARE_EXTERNAL_HOOK(lp, LINPHONE, int, linphone_provisioning_proxy,
                          (request_rec *r, const linphone_account *account,
                           xmlNodePtr section))
APR_DECLARE_EXTERNAL_HOOK(lp, LINPHONE, int, linphone_provisioning_auth,
                          (request_rec *r, const linphone_account *account,
                           xmlNodePtr section))
APR_DECLARE_EXTERNAL_HOOK(lp, LINPHONE, int,
                          linphone_provisioning_additional_sections,
                          (request_rec *r, const linphone_account *account,
                           xmlNodePtr config))

#ifdef __cplusplus
}
#endif

#endif
