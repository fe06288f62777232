/*
 * lp_conf — the module's configuration: per-server (vhost) and per-directory
 * records, their directives, and what post_config derives from them.
 */
#ifndef LP_CONF_H
#define LP_CONF_H

#include "httpd.h"
#include "http_config.h"
#include "ap_socache.h"
#include "apr_global_mutex.h"
#include "lp_digest.h"
#include "mod_linphone_provisioning.h"
#include <libxml/tree.h>

#define LP_UNSET (-1)
#define LPLOGNO(n) "LP" #n ": "

extern module AP_MODULE_DECLARE_DATA linphone_provisioning_module;

/* The base document rendered at startup: `head`, then the request's
 * XML-escaped vCard list URL when `slot` is set, then `tail`. */
typedef struct {
    const char *head;
    apr_size_t head_len;
    const char *tail;
    apr_size_t tail_len;
    int slot;
} lp_prerendered;

#define LP_ALG_MD5 1
#define LP_ALG_SHA256 2

/* The socache holding the highest nonce count seen per digest nonce. */
typedef struct {
    const char *spec;                 /* "provider[:args]" as configured */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex;        /* for providers not safe across procs */
} lp_nonce_cache;

/* A <Location> whose SetHandler names one of our handlers, found at startup. */
typedef struct {
    const char *path;        /* without trailing slash; "" for "/" */
    const char *handler;
} lp_location;

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
    lp_nonce_cache *nonce_cache;
    lp_secret *secret;                /* LinphoneDigestSecret, or random */

    /* derived at post_config */
    lp_prerendered *base_doc[2];      /* indexed by overwrite-all */
    apr_array_header_t *locations;    /* of lp_location */
} lp_server_conf;

typedef struct {
    int require_header;               /* LinphoneProvisioningRequireHeader */
    int overwrite_all;                /* LinphoneProvisioningOverwriteAll */
    int api_key;                      /* LinphoneAuthAPIKey */
    apr_array_header_t *additions;    /* of lp_addition, config order */
} lp_dir_conf;

/* What a request learns once and several phases use (request_config). */
struct lp_space;
typedef struct {
    linphone_account *account;        /* authenticated by AuthType Linphone */
    const struct lp_space *space;     /* the host's space */
    int space_state;                  /* 0 unknown, else an lp_space_of result */
} lp_request;

lp_request *lp_request_of(request_rec *r);

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
const char *lp_set_nonce_cache(cmd_parms *cmd, void *dc, const char *arg);
const char *lp_set_secret(cmd_parms *cmd, void *dc, const char *path);

/* Effective values, defaults applied. */
lp_server_conf *lp_server_conf_get(server_rec *s);
int lp_require_header(request_rec *r);
int lp_overwrite_all(request_rec *r);
int lp_api_key_enabled(request_rec *r);
/** The realm rule of SPEC §3 (digest challenges and HA1 alike):
 *  LinphoneProvisioningRealm, else the account's domain. */
const char *lp_realm(request_rec *r, const char *domain);

/* post_config: applies defaults and refuses settings that cannot work
 * (logged; returns HTTP_INTERNAL_SERVER_ERROR). */
int lp_conf_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

#endif
