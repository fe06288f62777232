/*
 * mod_linphone_provisioning — the Linphone remote-provisioning flow of a SIP
 * service, served from FlexiAPI's database through mod_dbd.
 *
 * This file is the glue: the module record, the directive table and the hook
 * registration.  The work is in modules/ (one unit per concern, pure logic
 * apart from Apache glue; docs/development.md maps them).
 */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_request.h"
#include "http_protocol.h"

#include "mod_linphone_provisioning.h"
#include "mod_lp_conf.h"
#include "mod_lp_document.h"
#include "mod_lp_handlers.h"
#include "mod_lp_location.h"
#include "mod_lp_dbd.h"
#include "mod_lp_auth.h"
#include "mod_lp_nonce_cache.h"
#include "mod_lp_key_uses.h"
#include "mod_lp_store.h"
#include "mod_lp_respond.h"
#include "mod_lp_additions.h"
#include "mod_lp_space.h"

#include <libxml/parser.h>

/* cmd->info of the generic directive handlers: the field's offset */
#define SERVER_FIELD(f) (void *)APR_OFFSETOF(lp_server_conf, f)
#define DIR_FIELD(f) (void *)APR_OFFSETOF(lp_dir_conf, f)

static const command_rec lp_cmds[] = {
    AP_INIT_TAKE1("LinphoneProvisioningRC", lp_set_rc, NULL, RSRC_CONF,
                  "lpconfig rc file holding the base configuration"),
    AP_INIT_FLAG("LinphoneProvisioningRequireHeader", ap_set_flag_slot,
                 DIR_FIELD(require_header), RSRC_CONF | ACCESS_CONF,
                 "On (default): require the x-linphone-provisioning header"),
    AP_INIT_TAKE1("LinphoneProvisioningTokenExpiry", lp_set_minutes,
                  SERVER_FIELD(token_expiry), RSRC_CONF,
                  "provisioning token lifetime in minutes, 0 = never"),
    AP_INIT_TAKE1("LinphoneProvisioningAuthTokenExpiry", lp_set_minutes,
                  SERVER_FIELD(auth_token_expiry), RSRC_CONF,
                  "auth token lifetime in minutes (default 5)"),
    AP_INIT_TAKE1("LinphoneProvisioningPasswordAlgorithm", lp_set_algorithm,
                  NULL, RSRC_CONF,
                  "MD5 or SHA-256 (default): algorithm of reset passwords"),
    AP_INIT_TAKE1("LinphoneProvisioningRealm", lp_set_string,
                  SERVER_FIELD(realm), RSRC_CONF,
                  "digest realm (default: the account's domain)"),
    AP_INIT_TAKE1("LinphoneProvisioningDomain", lp_set_string,
                  SERVER_FIELD(domain), RSRC_CONF,
                  "domain of bare user names (default: ServerName)"),
    AP_INIT_FLAG("LinphoneProvisioningOverwriteAll", ap_set_flag_slot,
                 DIR_FIELD(overwrite_all), RSRC_CONF | ACCESS_CONF,
                 "On: overwrite=\"true\" on every entry"),
    AP_INIT_TAKE1("LinphoneProvisioningVcardListURL", lp_set_vcard_url, NULL,
                  RSRC_CONF, "misc/contacts-vcard-list URL, or none"),
    AP_INIT_TAKE1("LinphoneProvisioningBaseURL", lp_set_base_url, NULL,
                  RSRC_CONF, "absolute base URL of the service"),
    AP_INIT_TAKE1("LinphoneProvisioningDBTimeout", lp_set_seconds,
                  SERVER_FIELD(db_timeout), RSRC_CONF,
                  "longest wait for a database lock, in seconds (default 3)"),
    AP_INIT_ITERATE("LinphoneDigestAlgorithms", lp_set_digest_algorithms,
                    NULL, RSRC_CONF,
                    "digest algorithms offered: MD5 and/or SHA-256"),
    AP_INIT_TAKE1("LinphoneDigestNonceLifetime", lp_set_nonce_lifetime,
                  SERVER_FIELD(nonce_lifetime), RSRC_CONF,
                  "digest nonce validity in seconds (default 300)"),
    AP_INIT_TAKE1("LinphoneDigestNonceCache", lp_set_nonce_cache, NULL,
                  RSRC_CONF, "socache provider[:args] for nonce counts "
                  "(default shmcb)"),
    AP_INIT_TAKE1("LinphoneDigestSecret", lp_set_secret, NULL, RSRC_CONF,
                  "file holding the nonce signing secret (default: random "
                  "per start)"),
    AP_INIT_FLAG("LinphoneAuthAPIKey", ap_set_flag_slot, DIR_FIELD(api_key),
                 RSRC_CONF | ACCESS_CONF,
                 "On (default): AuthType Linphone accepts x-api-key"),
    AP_INIT_TAKE1("LinphoneAuthAPIKeyFlushInterval", lp_set_seconds,
                  SERVER_FIELD(key_flush), RSRC_CONF,
                  "seconds an API key's uses may wait before they are "
                  "written (default 5, 0: every use)"),
    AP_INIT_FLAG("LinphoneProvisioningSpaces", lp_set_server_flag,
                 SERVER_FIELD(spaces), RSRC_CONF,
                 "On: per-host settings from the spaces table"),
    AP_INIT_TAKE1("LinphoneProvisioningSpacesCache", lp_set_seconds,
                  SERVER_FIELD(spaces_cache), RSRC_CONF,
                  "seconds a spaces row is reused by a child (default 10)"),
    AP_INIT_RAW_ARGS("LinphoneProvisioningEntry", lp_set_entry, NULL,
                     RSRC_CONF | ACCESS_CONF,
                     "section name value [overwrite]: adds an entry "
                     "(section proxy = proxy_0, auth = every auth_info_N; "
                     "value expr=... is an ap_expr)"),
    AP_INIT_TAKE1("LinphoneProvisioningInclude", lp_set_include, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "lpconfig XML fragment merged into every document"),
    { NULL }
};

static int lp_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                         apr_pool_t *ptemp)
{
    int rc = lp_dbd_pre_config(pconf);

    if (rc == OK)
        rc = lp_key_uses_pre_config(pconf);
    return rc != OK ? rc : lp_nonce_cache_pre_config(pconf);
}

/* API key uses left in the counter when a child exits. */
static int key_uses_write(request_rec *r, const lp_kc_write *w)
{
    return lp_store_api_key_uses(r, w) == LP_STORE_OK ? 0 : -1;
}

static void lp_child_init(apr_pool_t *p, server_rec *s)
{
    lp_dbd_child_init(p, s);
    lp_nonce_cache_child_init(p, s);
    lp_space_child_init(p, s);
    lp_key_uses_child_init(p, s, key_uses_write);
}

static int lp_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    if (lp_dbd_init() != 0) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0001)
                     "mod_linphone_provisioning needs mod_dbd: "
                     "add LoadModule dbd_module (a2enmod dbd)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (lp_dbd_post_config(pconf, s) != OK) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0002)
                     "cannot create the linphone-sqlite-write mutex");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* once per start or restart, not in the dry run that precedes it */
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG)
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, LPLOGNO(0003)
                     "mod_linphone_provisioning (v%s) initializing",
                     MOD_LINPHONE_PROVISIONING_VERSION);
    xmlInitParser();
    if (lp_conf_post_config(pconf, ptemp, s) != OK
        || lp_auth_post_config(ptemp, s) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    lp_locations_find(pconf, ptemp, s);
    lp_document_prerender(pconf, s);
    if (lp_key_uses_post_config(pconf, s) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    return lp_nonce_cache_post_config(pconf, ptemp, s);
}

static void lp_register_hooks(apr_pool_t *p)
{
    static const char *const after_dbd[] = { "mod_dbd.c", NULL };

    ap_hook_pre_config(lp_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(lp_post_config, after_dbd, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(lp_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_authn(lp_auth_check_user_id, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_insert_error_filter(lp_insert_plain_error_filter, NULL, NULL,
                                APR_HOOK_MIDDLE);
    ap_register_output_filter(LP_PLAIN_ERROR_FILTER, lp_plain_error_filter,
                              NULL, AP_FTYPE_RESOURCE);
    ap_hook_expr_lookup(lp_additions_expr_lookup, NULL, NULL,
                        APR_HOOK_MIDDLE);
    lp_additions_register();
    ap_hook_translate_name(lp_translate_name, NULL, NULL, APR_HOOK_LAST);
    ap_hook_map_to_storage(lp_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_header_parser(lp_redact_request_line, NULL, NULL,
                          APR_HOOK_MIDDLE);
    ap_hook_fixups(lp_fixup_no_redirect, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(lp_handler_provisioning, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(lp_handler_wizard, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(lp_handler_contacts, NULL, NULL, APR_HOOK_MIDDLE);
}

/* The directory record and the additions it holds, each merged by its unit. */
static void *lp_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    lp_dir_conf *base = basev, *add = addv;
    lp_dir_conf *c = lp_conf_merge_dir(p, basev, addv);

    c->additions = lp_additions_merge(p, base->additions, add->additions);
    return c;
}

AP_DECLARE_MODULE(linphone_provisioning) = {
    STANDARD20_MODULE_STUFF,
    lp_conf_create_dir,
    lp_merge_dir,
    lp_conf_create_server,
    lp_conf_merge_server,
    lp_cmds,
    lp_register_hooks
};
