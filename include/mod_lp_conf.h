/*
 * mod_lp_conf — the module's configuration: per-server (vhost) and per-directory
 * records, their directives, and what post_config derives from them.
 */
#ifndef MOD_LP_CONF_H
#define MOD_LP_CONF_H

#include "httpd.h"
#include "http_config.h"
#include "lp_digest.h"
#include <libxml/tree.h>

#define LP_UNSET (-1)
#define LPLOGNO(n) "LP" #n ": "

extern module AP_MODULE_DECLARE_DATA linphone_provisioning_module;

/* Types owned by other units, held in the server record. */
struct lp_nonce_cache;                /* mod_lp_nonce_cache.h */
struct lp_prerendered;                /* mod_lp_document.h */

typedef struct {
    xmlDocPtr rc;                     /* LinphoneProvisioningRC, parsed */
    int token_expiry;                 /* minutes, 0 = never */
    int auth_token_expiry;            /* minutes */
    const char *password_algorithm;   /* "SHA-256" or "MD5" */
    const char *realm;                /* NULL: the account's domain */
    const char *domain;               /* NULL: ServerName */
    const char *vcard_url;            /* NULL: {base}/contacts/vcard */
    int vcard_none;                   /* LinphoneProvisioningVcardListURL none */
    const char *base_url;             /* NULL: from the request */
    int db_timeout;                   /* seconds */
    int spaces;                       /* LinphoneProvisioningSpaces */
    int spaces_cache;                 /* seconds a spaces row is reused */
    int digest_algorithms;            /* LP_ALG_* bits */
    int nonce_lifetime;               /* seconds */
    struct lp_nonce_cache *nonce_cache;
    lp_secret *secret;                /* LinphoneDigestSecret, or random */
    int key_flush;                    /* LinphoneAuthAPIKeyFlushInterval, s */

    /* derived at post_config */
    unsigned key_server;              /* this server's index: mod_lp_key_uses */
    struct lp_prerendered *base_doc[2];  /* indexed by overwrite-all */
    apr_array_header_t *locations;    /* of lp_location (mod_lp_location.h) */
} lp_server_conf;

typedef struct {
    int require_header;               /* LinphoneProvisioningRequireHeader */
    int overwrite_all;                /* LinphoneProvisioningOverwriteAll */
    int api_key;                      /* LinphoneAuthAPIKey */
    apr_array_header_t *additions;    /* of lp_addition, config order */
} lp_dir_conf;

void *lp_conf_create_server(apr_pool_t *p, server_rec *s);
void *lp_conf_merge_server(apr_pool_t *p, void *basev, void *addv);
void *lp_conf_create_dir(apr_pool_t *p, char *dir);
void *lp_conf_merge_dir(apr_pool_t *p, void *basev, void *addv);

/* Directive handlers (the table is in mod_linphone_provisioning.c).  The
 * generic ones take the field's offset in lp_server_conf as cmd->info. */
const char *lp_set_rc(cmd_parms *cmd, void *dc, const char *path);
const char *lp_set_minutes(cmd_parms *cmd, void *dc, const char *arg);
const char *lp_set_seconds(cmd_parms *cmd, void *dc, const char *arg);
const char *lp_set_nonce_lifetime(cmd_parms *cmd, void *dc, const char *arg);
const char *lp_set_server_flag(cmd_parms *cmd, void *dc, int on);
const char *lp_set_string(cmd_parms *cmd, void *dc, const char *arg);
const char *lp_set_algorithm(cmd_parms *cmd, void *dc, const char *arg);
const char *lp_set_vcard_url(cmd_parms *cmd, void *dc, const char *arg);
const char *lp_set_base_url(cmd_parms *cmd, void *dc, const char *arg);
const char *lp_set_digest_algorithms(cmd_parms *cmd, void *dc,
                                     const char *arg);
const char *lp_set_secret(cmd_parms *cmd, void *dc, const char *path);

/* Values of the records, defaults applied (the settings in effect for a
 * request, its space considered, are in mod_lp_request.h). */
lp_server_conf *lp_server_conf_get(server_rec *s);
lp_dir_conf *lp_dir_conf_get(request_rec *r);
int lp_api_key_enabled(request_rec *r);

/* post_config: applies defaults and refuses settings that cannot work
 * (logged; returns HTTP_INTERNAL_SERVER_ERROR). */
int lp_conf_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

#endif
