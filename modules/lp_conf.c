/*
 * lp_conf — configuration records, directive handlers and merging.
 * Server values merge vhost-over-main; directory values merge the Apache way
 * (the more specific section wins); LP_UNSET means "inherit".
 */
#include "lp_conf.h"
#include "lp_doc.h"
#include "lp_crypto.h"
#include "lp_additions.h"
#include "lp_space.h"
#include "lp_location.h"
#include "lp_auth.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_uri.h"
#include "apr_lib.h"

#define DEFAULT_AUTH_TOKEN_EXPIRY 5
#define DEFAULT_DB_TIMEOUT 3
#define DEFAULT_ALGORITHM "SHA-256"
#define DEFAULT_NONCE_LIFETIME 300
#define DEFAULT_SPACES_CACHE 10

void *lp_conf_create_server(apr_pool_t *p, server_rec *s)
{
    lp_server_conf *c = apr_pcalloc(p, sizeof *c);

    c->token_expiry = LP_UNSET;
    c->auth_token_expiry = LP_UNSET;
    c->db_timeout = LP_UNSET;
    c->vcard_none = LP_UNSET;
    c->nonce_lifetime = LP_UNSET;
    c->spaces = LP_UNSET;
    c->spaces_cache = LP_UNSET;
    return c;
}

#define PICK(f) c->f = (add->f != LP_UNSET) ? add->f : base->f
#define PICKP(f) c->f = add->f ? add->f : base->f

void *lp_conf_merge_server(apr_pool_t *p, void *basev, void *addv)
{
    lp_server_conf *base = basev, *add = addv;
    lp_server_conf *c = apr_pcalloc(p, sizeof *c);

    PICKP(rc);
    PICK(token_expiry);
    PICK(auth_token_expiry);
    PICKP(password_algorithm);
    PICKP(realm);
    PICKP(domain);
    PICK(vcard_none);
    /* the URL and "none" are one setting: take both from the same level */
    c->vcard_url = (add->vcard_none != LP_UNSET) ? add->vcard_url
                                                  : base->vcard_url;
    PICKP(base_url);
    PICK(db_timeout);
    c->digest_algorithms = add->digest_algorithms ? add->digest_algorithms
                                                  : base->digest_algorithms;
    PICK(nonce_lifetime);
    PICK(spaces);
    PICK(spaces_cache);
    PICKP(nonce_cache);
    PICKP(secret);
    return c;
}

void *lp_conf_create_dir(apr_pool_t *p, char *dir)
{
    lp_dir_conf *c = apr_pcalloc(p, sizeof *c);

    c->require_header = LP_UNSET;
    c->overwrite_all = LP_UNSET;
    c->api_key = LP_UNSET;
    return c;
}

void *lp_conf_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    lp_dir_conf *base = basev, *add = addv;
    lp_dir_conf *c = apr_pcalloc(p, sizeof *c);

    PICK(require_header);
    PICK(overwrite_all);
    PICK(api_key);
    c->additions = lp_additions_merge(p, base->additions, add->additions);
    return c;
}

lp_server_conf *lp_server_conf_get(server_rec *s)
{
    return ap_get_module_config(s->module_config,
                                &linphone_provisioning_module);
}

static lp_dir_conf *dir_conf(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config,
                                &linphone_provisioning_module);
}

int lp_require_header(request_rec *r)
{
    int missing, failed;
    const lp_space *space = lp_space_of(r, &missing, &failed);

    if (space && space->require_header >= 0)
        return space->require_header;
    return dir_conf(r)->require_header != 0;        /* default On */
}

int lp_overwrite_all(request_rec *r)
{
    int missing, failed;
    const lp_space *space = lp_space_of(r, &missing, &failed);

    return dir_conf(r)->overwrite_all == 1          /* default Off */
           || (space && space->overwrite_all);
}

int lp_api_key_enabled(request_rec *r)
{
    return dir_conf(r)->api_key != 0;               /* default On */
}

lp_request *lp_request_of(request_rec *r)
{
    lp_request *q = ap_get_module_config(r->request_config,
                                         &linphone_provisioning_module);

    if (!q) {
        q = apr_pcalloc(r->pool, sizeof *q);
        ap_set_module_config(r->request_config,
                             &linphone_provisioning_module, q);
    }
    return q;
}

const char *lp_realm(request_rec *r, const char *domain)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    int missing, failed;
    const lp_space *space = lp_space_of(r, &missing, &failed);

    if (space && space->realm && *space->realm)
        return space->realm;
    return c->realm ? c->realm : domain;
}

static lp_server_conf *cmd_conf(cmd_parms *cmd)
{
    return lp_server_conf_get(cmd->server);
}

#define FIELD(c, cmd, type) \
    ((type *)((char *)(c) + (apr_size_t)(cmd)->info))

const char *lp_set_rc(cmd_parms *cmd, void *dc, const char *path)
{
    lp_server_conf *c = cmd_conf(cmd);
    const char *file = ap_server_root_relative(cmd->pool, path);
    const char *err;

    if (!file)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": invalid path ",
                           path, NULL);
    /* parsed once, here: requests copy the tree, never re-read the file */
    c->rc = lp_doc_new();
    lp_doc_pool_free(cmd->pool, c->rc);
    err = lp_rc_load(cmd->temp_pool, file, c->rc);
    if (err)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    return NULL;
}

static const char *set_int(cmd_parms *cmd, const char *arg, int max,
                           const char *unit)
{
    char *end;
    long v;

    v = strtol(arg, &end, 10);
    if (!*arg || *end || v < 0 || v > max)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a number of %s "
                            "from 0 to %d", cmd->cmd->name, arg, unit, max);
    *FIELD(cmd_conf(cmd), cmd, int) = (int)v;
    return NULL;
}

const char *lp_set_minutes(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_int(cmd, arg, 525600 * 10, "minutes");    /* ten years */
}

const char *lp_set_seconds(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_int(cmd, arg, 86400, "seconds");
}

const char *lp_set_nonce_lifetime(cmd_parms *cmd, void *dc, const char *arg)
{
    /* 0 would make every nonce stale on arrival: digest could never pass */
    if (!strcmp(arg, "0"))
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": 0 makes every "
                           "nonce stale at once, so digest authentication "
                           "never succeeds: give 1 to 86400 seconds "
                           "(default 300)", NULL);
    return set_int(cmd, arg, 86400, "seconds");
}

const char *lp_set_server_flag(cmd_parms *cmd, void *dc, int on)
{
    *FIELD(cmd_conf(cmd), cmd, int) = on;
    return NULL;
}

const char *lp_set_string(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!*arg)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": empty value", NULL);
    *FIELD(cmd_conf(cmd), cmd, const char *) = arg;
    return NULL;
}

const char *lp_set_algorithm(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!lp_digest_known(arg))
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg,
                           "' is not MD5 or SHA-256", NULL);
    cmd_conf(cmd)->password_algorithm = strcmp(arg, "MD5") ? "SHA-256"
                                                            : "MD5";
    return NULL;
}

/* An absolute http(s) URL, returned without its trailing slashes.  A query
 * only where the URL is used whole (a base gets paths appended). */
static const char *absolute_url(cmd_parms *cmd, const char *arg,
                                int query_ok, const char **out)
{
    apr_uri_t uri;
    char *u;
    apr_size_t n;

    if (apr_uri_parse(cmd->pool, arg, &uri) != APR_SUCCESS || !uri.scheme
        || (strcasecmp(uri.scheme, "http") && strcasecmp(uri.scheme, "https"))
        || !uri.hostname || !*uri.hostname || uri.fragment)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg,
                           "' is not an absolute http or https URL", NULL);
    if (uri.query && !query_ok)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg,
                           "' has a query string: a base URL cannot", NULL);
    for (n = 0; arg[n]; n++)
        if (apr_iscntrl(arg[n]) || arg[n] == ' ')
            return apr_pstrcat(cmd->pool, cmd->cmd->name,
                               ": the URL holds spaces or control characters",
                               NULL);
    u = apr_pstrdup(cmd->pool, arg);
    n = strlen(u);
    while (n > 0 && u[n - 1] == '/')
        u[--n] = '\0';
    *out = u;
    return NULL;
}

const char *lp_set_vcard_url(cmd_parms *cmd, void *dc, const char *arg)
{
    lp_server_conf *c = cmd_conf(cmd);

    const char *checked, *err;

    c->vcard_none = strcasecmp(arg, "none") == 0;
    c->vcard_url = NULL;
    if (c->vcard_none)
        return NULL;
    err = absolute_url(cmd, arg, 1, &checked);
    c->vcard_url = arg;                   /* used exactly as written */
    return err;
}

const char *lp_set_base_url(cmd_parms *cmd, void *dc, const char *arg)
{
    return absolute_url(cmd, arg, 0, &cmd_conf(cmd)->base_url);
}

const char *lp_set_digest_algorithms(cmd_parms *cmd, void *dc,
                                     const char *arg)
{
    lp_server_conf *c = cmd_conf(cmd);

    /* ITERATE: called once per word */
    if (!strcmp(arg, "MD5") || !strcmp(arg, "SHA-256")) {
        c->digest_algorithms |= !strcmp(arg, "MD5") ? LP_ALG_MD5
                                                    : LP_ALG_SHA256;
        return NULL;
    }
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg,
                       "' is not MD5 or SHA-256", NULL);
}

const char *lp_set_nonce_cache(cmd_parms *cmd, void *dc, const char *arg)
{
    lp_server_conf *c = cmd_conf(cmd);
    const char *sep = ap_strchr_c(arg, ':');
    const char *name = sep ? apr_pstrmemdup(cmd->pool, arg,
                                            (apr_size_t)(sep - arg)) : arg;

    c->nonce_cache = apr_pcalloc(cmd->pool, sizeof *c->nonce_cache);
    c->nonce_cache->spec = arg;
    c->nonce_cache->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP,
                                                  name,
                                                  AP_SOCACHE_PROVIDER_VERSION);
    if (!c->nonce_cache->provider)
        return apr_psprintf(cmd->pool, "%s: unknown socache provider '%s' "
                            "(is mod_socache_%s loaded?)", cmd->cmd->name,
                            name, name);
    return NULL;
}

const char *lp_set_secret(cmd_parms *cmd, void *dc, const char *path)
{
    const char *file = ap_server_root_relative(cmd->temp_pool, path);
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len;
    lp_secret *secret;
    unsigned char *bytes;

    if (!file
        || apr_file_open(&f, file, APR_FOPEN_READ, APR_OS_DEFAULT,
                         cmd->temp_pool) != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": cannot read ", path,
                           NULL);
    if (fi.size < 16 || fi.size > 4096)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", path,
                           " must hold 16 to 4096 bytes", NULL);
    len = (apr_size_t)fi.size;
    bytes = apr_palloc(cmd->pool, len);
    if (apr_file_read_full(f, bytes, len, &len) != APR_SUCCESS)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": cannot read ", path,
                           NULL);
    apr_file_close(f);
    secret = apr_palloc(cmd->pool, sizeof *secret);
    secret->bytes = bytes;
    secret->len = len;
    cmd_conf(cmd)->secret = secret;
    return NULL;
}

int lp_conf_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    server_rec *main_server = s;

    /* merged records exist now: give unset values their defaults once, so
     * request code reads plain values */
    for (; s; s = s->next) {
        lp_server_conf *c = lp_server_conf_get(s);

        if (c->token_expiry == LP_UNSET)
            c->token_expiry = 0;
        if (c->auth_token_expiry == LP_UNSET)
            c->auth_token_expiry = DEFAULT_AUTH_TOKEN_EXPIRY;
        if (c->db_timeout == LP_UNSET)
            c->db_timeout = DEFAULT_DB_TIMEOUT;
        if (c->vcard_none == LP_UNSET)
            c->vcard_none = 0;
        if (!c->password_algorithm)
            c->password_algorithm = DEFAULT_ALGORITHM;
        if (!c->domain)
            c->domain = s->server_hostname;
        if (!c->digest_algorithms)
            c->digest_algorithms = LP_ALG_MD5 | LP_ALG_SHA256;
        if (c->spaces == LP_UNSET)
            c->spaces = 0;
        if (c->spaces_cache == LP_UNSET)
            c->spaces_cache = DEFAULT_SPACES_CACHE;
        if (c->nonce_lifetime == LP_UNSET)
            c->nonce_lifetime = DEFAULT_NONCE_LIFETIME;
        /* a reset would store an HA1 that digest never challenges for:
         * the account could not authenticate again */
        if (!(c->digest_algorithms
              & (strcmp(c->password_algorithm, "MD5") ? LP_ALG_SHA256
                                                      : LP_ALG_MD5))) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0004)
                         "LinphoneProvisioningPasswordAlgorithm %s is not "
                         "among LinphoneDigestAlgorithms: add it there, or "
                         "choose one of them", c->password_algorithm);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    /* the default nonce cache needs mod_socache_shmcb; without it every
     * digest request would fail with 503 */
    if (!lp_server_conf_get(main_server)->nonce_cache
        && !ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, "shmcb",
                               AP_SOCACHE_PROVIDER_VERSION)
        && lp_auth_type_used(ptemp, main_server, LP_AUTH_TYPE)) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, main_server, LPLOGNO(0005)
                     "AuthType Linphone needs a nonce cache: load "
                     "mod_socache_shmcb (a2enmod socache_shmcb), or set "
                     "LinphoneDigestNonceCache to a loaded socache provider");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}
