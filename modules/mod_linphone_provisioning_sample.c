/*
 * mod_linphone_provisioning_sample — a companion module showing the three
 * optional hooks of mod_linphone_provisioning (include/
 * mod_linphone_provisioning.h).  Built by `make -f Makefile.apxs`, loaded by
 * the tests, not by default:
 *
 *   LoadModule linphone_provisioning_sample_module \
 *       modules/mod_linphone_provisioning_sample.so
 *
 * Where `LinphoneProvisioningSample On` is set (server, virtual host or
 * Location) it adds proxy_0/sample_proxy, auth_info_N/sample_auth, and a
 * section `sample` with the request's client address and, for an account,
 * its id.  Entries go through linphone_provisioning_set_entry, so a
 * sample_proxy the sysadmin configured is replaced in place, never doubled.
 */
#include "httpd.h"
#include "http_config.h"
#include "apr_strings.h"
#include "mod_linphone_provisioning.h"

module AP_MODULE_DECLARE_DATA linphone_provisioning_sample_module;

typedef struct {
    int on;                     /* -1 unset */
} sample_conf;

static void *sample_create(apr_pool_t *p, char *dir)
{
    sample_conf *c = apr_pcalloc(p, sizeof *c);

    c->on = -1;
    return c;
}

static void *sample_merge(apr_pool_t *p, void *basev, void *addv)
{
    sample_conf *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof *c);

    c->on = add->on != -1 ? add->on : base->on;
    return c;
}

static int enabled(request_rec *r)
{
    sample_conf *c = ap_get_module_config(r->per_dir_config,
                                          &linphone_provisioning_sample_module);

    return c->on == 1;
}

static APR_OPTIONAL_FN_TYPE(linphone_provisioning_set_entry) *set_entry;

/* mod_linphone_provisioning registered its function in its register_hooks:
 * every module's have run by now, whatever the LoadModule order. */
static int sample_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    set_entry = APR_RETRIEVE_OPTIONAL_FN(linphone_provisioning_set_entry);
    return OK;
}

static void add(request_rec *r, xmlNodePtr section, const char *name,
                const char *value)
{
    if (set_entry)
        set_entry(r, section, name, value, 0);
}

static int sample_proxy(request_rec *r, const linphone_account *account,
                        xmlNodePtr section)
{
    if (!enabled(r))
        return DECLINED;
    add(r, section, "sample_proxy",
        apr_pstrcat(r->pool, "<sip:", account->username, "@",
                    account->domain, ";sample>", NULL));
    return OK;
}

static int sample_auth(request_rec *r, const linphone_account *account,
                       xmlNodePtr section)
{
    if (!enabled(r))
        return DECLINED;
    add(r, section, "sample_auth", account->realm);
    return OK;
}

static int sample_sections(request_rec *r, const linphone_account *account,
                           xmlNodePtr config)
{
    xmlNodePtr s;

    if (!enabled(r))
        return DECLINED;
    s = xmlNewChild(config, config->ns, (const xmlChar *)"section", NULL);
    xmlSetProp(s, (const xmlChar *)"name", (const xmlChar *)"sample");
    add(r, s, "client", r->useragent_ip);
    if (account)
        add(r, s, "account_id",
            apr_psprintf(r->pool, "%" APR_INT64_T_FMT, account->id));
    return OK;
}

static void sample_register_hooks(apr_pool_t *p)
{
    ap_hook_post_config(sample_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(lp, linphone_provisioning_proxy, sample_proxy, NULL,
                      NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(lp, linphone_provisioning_auth, sample_auth, NULL,
                      NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(lp, linphone_provisioning_additional_sections,
                      sample_sections, NULL, NULL, APR_HOOK_MIDDLE);
}

static const command_rec sample_cmds[] = {
    AP_INIT_FLAG("LinphoneProvisioningSample", ap_set_flag_slot,
                 (void *)APR_OFFSETOF(sample_conf, on),
                 RSRC_CONF | ACCESS_CONF, "On: add the sample entries"),
    { NULL }
};

AP_DECLARE_MODULE(linphone_provisioning_sample) = {
    STANDARD20_MODULE_STUFF,
    sample_create,
    sample_merge,
    NULL,
    NULL,
    sample_cmds,
    sample_register_hooks
};
