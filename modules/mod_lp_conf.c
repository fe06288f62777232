/*
 * mod_lp_conf — configuration records, directive handlers and merging.
 * Server values merge vhost-over-main; directory values merge the Apache way
 * (the more specific section wins); LP_UNSET means "inherit".
 */
#include "mod_lp_conf.h"
#include "lp_crypto.h"
#include "lp_doc.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_uri.h"
#include "apr_lib.h"

#include <string.h>

#define DEFAULT_AUTH_TOKEN_EXPIRY 5
#define DEFAULT_DB_TIMEOUT 3
#define DEFAULT_NONCE_LIFETIME 300
#define DEFAULT_SPACES_CACHE 10
#define DEFAULT_KEY_FLUSH 5

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
    c->key_flush = LP_UNSET;
    return c;
}

/* A setting unset at the inner level (an int at LP_UNSET, a pointer at
 * NULL) is the outer level's.  Each record lists the settings it merges so
 * by offset, as the directive table names them. */
typedef struct {
    apr_size_t offset;
    int pointer;                      /* else an int */
} inherited;

#define INT_SETTING(rec, f) { APR_OFFSETOF(rec, f), 0 }
#define PTR_SETTING(rec, f) { APR_OFFSETOF(rec, f), 1 }

/* A new record (what is not listed is zero) from base and add. */
static void *merge_record(apr_pool_t *p, apr_size_t size, const void *basev,
                          const void *addv, const inherited *settings, int n)
{
    char *c = apr_pcalloc(p, size);
    int i;

    for (i = 0; i < n; i++) {
        apr_size_t o = settings[i].offset;
        const char *from = addv;

        if (settings[i].pointer ? *(void *const *)(from + o) == NULL
                                : *(const int *)(from + o) == LP_UNSET)
            from = basev;
        memcpy(c + o, from + o, settings[i].pointer ? sizeof(void *)
                                                    : sizeof(int));
    }
    return c;
}

static const inherited server_settings[] = {
    PTR_SETTING(lp_server_conf, rc),
    INT_SETTING(lp_server_conf, token_expiry),
    INT_SETTING(lp_server_conf, auth_token_expiry),
    PTR_SETTING(lp_server_conf, password_algorithm),
    PTR_SETTING(lp_server_conf, realm),
    PTR_SETTING(lp_server_conf, domain),
    INT_SETTING(lp_server_conf, vcard_none),
    PTR_SETTING(lp_server_conf, base_url),
    INT_SETTING(lp_server_conf, db_timeout),
    INT_SETTING(lp_server_conf, nonce_lifetime),
    INT_SETTING(lp_server_conf, spaces),
    INT_SETTING(lp_server_conf, spaces_cache),
    PTR_SETTING(lp_server_conf, nonce_cache),
    PTR_SETTING(lp_server_conf, secret),
    INT_SETTING(lp_server_conf, key_flush)
};

void *lp_conf_merge_server(apr_pool_t *p, void *basev, void *addv)
{
    const lp_server_conf *base = basev, *add = addv;
    lp_server_conf *c = merge_record(p, sizeof *c, base, add, server_settings,
                                     sizeof server_settings
                                     / sizeof server_settings[0]);

    /* the URL and "none" are one setting: take both from the same level */
    c->vcard_url = (add->vcard_none != LP_UNSET) ? add->vcard_url
                                                  : base->vcard_url;
    /* 0 (no LinphoneDigestAlgorithms) inherits */
    c->digest_algorithms = add->digest_algorithms ? add->digest_algorithms
                                                  : base->digest_algorithms;
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

static const inherited dir_settings[] = {
    INT_SETTING(lp_dir_conf, require_header),
    INT_SETTING(lp_dir_conf, overwrite_all),
    INT_SETTING(lp_dir_conf, api_key)
};

/* additions: merged by lp_additions_merge (see the module's glue) */
void *lp_conf_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    return merge_record(p, sizeof(lp_dir_conf), basev, addv, dir_settings,
                        sizeof dir_settings / sizeof dir_settings[0]);
}

lp_server_conf *lp_server_conf_get(server_rec *s)
{
    return ap_get_module_config(s->module_config,
                                &linphone_provisioning_module);
}

lp_dir_conf *lp_dir_conf_get(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config,
                                &linphone_provisioning_module);
}

int lp_api_key_enabled(request_rec *r)
{
    return lp_dir_conf_get(r)->api_key != 0;        /* default On */
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
    const lp_algorithm *alg = lp_algorithm_named(arg);

    if (!alg)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg,
                           "' is not MD5 or SHA-256", NULL);
    cmd_conf(cmd)->password_algorithm = alg->name;
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

    const lp_algorithm *alg = lp_algorithm_named(arg);

    /* ITERATE: called once per word */
    if (alg) {
        c->digest_algorithms |= alg->bit;
        return NULL;
    }
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg,
                       "' is not MD5 or SHA-256", NULL);
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
    (void)apr_file_close(f);           /* read only: nothing to lose */
    secret = apr_palloc(cmd->pool, sizeof *secret);
    secret->bytes = bytes;
    secret->len = len;
    cmd_conf(cmd)->secret = secret;
    return NULL;
}

/* The int settings' defaults, for what no level set. */
static const struct {
    apr_size_t offset;
    int value;
} int_defaults[] = {
    { APR_OFFSETOF(lp_server_conf, token_expiry), 0 },
    { APR_OFFSETOF(lp_server_conf, auth_token_expiry),
      DEFAULT_AUTH_TOKEN_EXPIRY },
    { APR_OFFSETOF(lp_server_conf, db_timeout), DEFAULT_DB_TIMEOUT },
    { APR_OFFSETOF(lp_server_conf, vcard_none), 0 },
    { APR_OFFSETOF(lp_server_conf, spaces), 0 },
    { APR_OFFSETOF(lp_server_conf, spaces_cache), DEFAULT_SPACES_CACHE },
    { APR_OFFSETOF(lp_server_conf, nonce_lifetime), DEFAULT_NONCE_LIFETIME },
    { APR_OFFSETOF(lp_server_conf, key_flush), DEFAULT_KEY_FLUSH }
};

int lp_conf_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    unsigned index = 0;

    /* merged records exist now: give unset values their defaults once, so
     * request code reads plain values */
    for (; s; s = s->next) {
        lp_server_conf *c = lp_server_conf_get(s);

        int i;

        for (i = 0; i < (int)(sizeof int_defaults / sizeof int_defaults[0]);
             i++) {
            int *v = (int *)((char *)c + int_defaults[i].offset);

            if (*v == LP_UNSET)
                *v = int_defaults[i].value;
        }
        if (!c->password_algorithm)
            c->password_algorithm = LP_ALG_DEFAULT;
        if (!c->domain)
            c->domain = s->server_hostname;
        if (!c->digest_algorithms)
            c->digest_algorithms = LP_ALG_MD5 | LP_ALG_SHA256;
        c->key_server = index++;
        /* a reset would store an HA1 that digest never challenges for:
         * the account could not authenticate again */
        if (!(c->digest_algorithms
              & lp_algorithm_named(c->password_algorithm)->bit)) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, LPLOGNO(0004)
                         "LinphoneProvisioningPasswordAlgorithm %s is not "
                         "among LinphoneDigestAlgorithms: add it there, or "
                         "choose one of them", c->password_algorithm);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}
