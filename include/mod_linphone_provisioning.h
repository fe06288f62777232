/*
 * mod_linphone_provisioning — public API for companion modules.
 *
 * A module that wants to add to the provisioning document registers one of
 * the optional hooks at the end of this file.  Each is called while the
 * document is assembled (after the LinphoneProvisioningEntry and
 * LinphoneProvisioningInclude additions, before
 * LinphoneProvisioningOverwriteAll: see docs/document.md), with the
 * request, the account and the libxml2 node to complete, and adds its
 * entries with the optional function linphone_provisioning_set_entry.
 * The document lives as long as the request.
 */
#ifndef MOD_LINPHONE_PROVISIONING_H
#define MOD_LINPHONE_PROVISIONING_H

#include "apr_hooks.h"
#include "apr_optional.h"
#include "apr_optional_hooks.h"
#include <libxml/tree.h>

#ifdef __cplusplus
extern "C" {
#endif

/* httpd's request (httpd.h), named here without its header so that the
 * types below serve code built without httpd's headers too */
struct request_rec;

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

/** One row of FlexiAPI's `passwords` table. */
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

/** An account as read from FlexiAPI's `accounts` and `passwords` tables.
 *  Every string lives in the request's pool. */
typedef struct linphone_account {
    apr_int64_t id;             /* accounts.id */
    const char *username;       /* the SIP user, byte for byte */
    const char *domain;         /* the SIP domain */
    const char *display_name;   /* NULL when unset */
    const char *email;          /* NULL when unset */
    int activated;              /* 1 or 0 */
    int blocked;                /* 1 or 0 (a blocked account is never served) */
    const char *realm;          /* the digest realm of its HA1s: the space's
                                 * or LinphoneProvisioningRealm, else the
                                 * domain (docs/security.md) */
    apr_array_header_t *passwords;  /* of linphone_password, in row order:
                                     * passwords[i] is auth_info_(C + i),
                                     * C the number of carddav rows */
    /* of linphone_carddav_credential (FlexiAPI 2.1's
     * account_carddav_credentials), NULL for none: they are auth_info_0 to
     * auth_info_(C - 1), before the passwords */
    apr_array_header_t *carddav;
} linphone_account;

/**
 * Sets entry `name` of `section` (a node a hook received, or a section it
 * created) to `value`, by the module's rules: an entry of that name already
 * in the section has its value replaced in place (a key is never emitted
 * twice), and name and value are cleaned to valid UTF-8 that XML allows
 * (each offending byte becomes U+FFFD).  `overwrite` non-zero adds
 * overwrite="true" (the client then replaces a value its user changed).
 * Returns the entry, or NULL when an argument is NULL.  Copies what it
 * keeps: the strings need not outlive the call.
 *
 * Look it up once, in the hook or at post_config, and check it:
 *
 *   APR_OPTIONAL_FN_TYPE(linphone_provisioning_set_entry) *set_entry =
 *       APR_RETRIEVE_OPTIONAL_FN(linphone_provisioning_set_entry);
 *   if (set_entry)
 *       set_entry(r, section, "name", "value", 0);
 *
 * r is the request whose document is assembled (its pool holds the
 * cleaned copies).
 */
APR_DECLARE_OPTIONAL_FN(xmlNodePtr, linphone_provisioning_set_entry,
                        (struct request_rec *r, xmlNodePtr section,
                         const char *name, const char *value,
                         int overwrite));

/*
 * The optional hooks, registered by name ("linphone_provisioning_proxy"...):
 *
 *   static int my_proxy(request_rec *r, const linphone_account *account,
 *                       xmlNodePtr section) { ...; return OK; }
 *   APR_OPTIONAL_HOOK(lp, linphone_provisioning_proxy, my_proxy,
 *                     NULL, NULL, APR_HOOK_MIDDLE);
 *
 * Parameters of every hook:
 *   r        the request being answered (its pool lives as long as the
 *            document; r->per_dir_config holds the hook module's settings);
 *   account  the account the document provisions, read only; NULL for the
 *            base document (additional_sections only);
 *   section  (proxy, auth) the <section> to complete; add entries with
 *            linphone_provisioning_set_entry;
 *   config   (additional_sections) the document's <config> root: add a
 *            section with xmlNewChild(config, config->ns, "section", NULL)
 *            and its name attribute, then its entries as above.
 *
 * proxy: once, with the proxy_0 section (accounts only).
 * auth: once per auth_info_N section (accounts only).
 * additional_sections: once per document, base and accounts.
 * Return OK or DECLINED; anything else stops the hooks after it and is
 * logged (LP0502).
 */
APR_DECLARE_EXTERNAL_HOOK(lp, LINPHONE, int, linphone_provisioning_proxy,
                          (struct request_rec *r,
                           const linphone_account *account,
                           xmlNodePtr section))
APR_DECLARE_EXTERNAL_HOOK(lp, LINPHONE, int, linphone_provisioning_auth,
                          (struct request_rec *r,
                           const linphone_account *account,
                           xmlNodePtr section))
APR_DECLARE_EXTERNAL_HOOK(lp, LINPHONE, int,
                          linphone_provisioning_additional_sections,
                          (struct request_rec *r,
                           const linphone_account *account,
                           xmlNodePtr config))

#ifdef __cplusplus
}
#endif

#endif
