/*
 * mod_lp_additions — sysadmin additions and C hooks (see mod_lp_additions.h).
 */
#include "mod_lp_additions.h"
#include "lp_assemble.h"
#include "mod_lp_conf.h"
#include "lp_doc.h"
#include "mod_lp_location.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_optional_hooks.h"
#include <libxml/parser.h>

APLOG_USE_MODULE(linphone_provisioning);

APR_IMPLEMENT_OPTIONAL_HOOK_RUN_ALL(lp, LINPHONE, int,
    linphone_provisioning_proxy,
    (request_rec *r, const linphone_account *account, xmlNodePtr section),
    (r, account, section), OK, DECLINED)
APR_IMPLEMENT_OPTIONAL_HOOK_RUN_ALL(lp, LINPHONE, int,
    linphone_provisioning_auth,
    (request_rec *r, const linphone_account *account, xmlNodePtr section),
    (r, account, section), OK, DECLINED)
APR_IMPLEMENT_OPTIONAL_HOOK_RUN_ALL(lp, LINPHONE, int,
    linphone_provisioning_additional_sections,
    (request_rec *r, const linphone_account *account, xmlNodePtr config),
    (r, account, config), OK, DECLINED)

#define EXPR_PREFIX "expr="
#define VAR_PREFIX "LINPHONE_"

static apr_array_header_t *additions_of(cmd_parms *cmd, void *dc)
{
    lp_dir_conf *d = dc;

    if (!d->additions)
        d->additions = apr_array_make(cmd->pool, 4, sizeof(lp_addition));
    return d->additions;
}

const char *lp_set_entry(cmd_parms *cmd, void *dc, const char *args)
{
    const char *section, *name, *value, *flag;
    lp_addition *a;

    /* RAW_ARGS so that a quoted empty value ("") counts as a value */
    section = ap_getword_conf(cmd->temp_pool, &args);
    name = ap_getword_conf(cmd->temp_pool, &args);
    if (!*section || !*name || !*args)
        return apr_pstrcat(cmd->pool, cmd->cmd->name,
                           " takes: section name value [overwrite]", NULL);
    value = ap_getword_conf(cmd->temp_pool, &args);
    flag = ap_getword_conf(cmd->temp_pool, &args);
    if (*args || (*flag && strcasecmp(flag, "overwrite")))
        return apr_pstrcat(cmd->pool, cmd->cmd->name,
                           ": only \"overwrite\" may follow the value", NULL);
    a = apr_array_push(additions_of(cmd, dc));
    memset(a, 0, sizeof *a);
    a->section = apr_pstrdup(cmd->pool, section);
    a->name = apr_pstrdup(cmd->pool, name);
    a->overwrite = *flag != '\0';
    if (!strncmp(value, EXPR_PREFIX, strlen(EXPR_PREFIX))) {
        const char *err = NULL;

        a->expr = ap_expr_parse_cmd(cmd, value + strlen(EXPR_PREFIX), 
                                    AP_EXPR_FLAG_STRING_RESULT, &err, NULL);
        if (err)
            return apr_pstrcat(cmd->pool, cmd->cmd->name,
                               ": cannot parse expression '",
                               value + strlen(EXPR_PREFIX), "': ", err, NULL);
    }
    else {
        a->value = apr_pstrdup(cmd->pool, value);
    }
    return NULL;
}

/* 1 when the document is lpconfig XML: <config> of sections of entries. */
static int lpconfig_shaped(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc), s, e;

    if (!root || xmlStrcmp(root->name, (const xmlChar *)"config"))
        return 0;
    for (s = root->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrcmp(s->name, (const xmlChar *)"section")
            || !xmlHasProp(s, (const xmlChar *)"name"))
            return 0;
        for (e = s->children; e; e = e->next)
            if (e->type == XML_ELEMENT_NODE
                && (xmlStrcmp(e->name, (const xmlChar *)"entry")
                    || !xmlHasProp(e, (const xmlChar *)"name")))
                return 0;
    }
    return 1;
}

const char *lp_set_include(cmd_parms *cmd, void *dc, const char *path)
{
    const char *file = ap_server_root_relative(cmd->temp_pool, path);
    xmlDocPtr doc;
    lp_addition *a;

    doc = file ? xmlReadFile(file, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS
                             | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
               : NULL;
    if (!doc)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", path,
                           " is missing or not well-formed XML", NULL);
    lp_doc_pool_free(cmd->pool, doc);
    if (!lpconfig_shaped(doc))
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", path,
                           " is not lpconfig XML (<config> of <section "
                           "name> of <entry name>)", NULL);
    a = apr_array_push(additions_of(cmd, dc));
    memset(a, 0, sizeof *a);
    a->include = doc;
    return NULL;
}

static int same_entry(const lp_addition *a, const lp_addition *b)
{
    return !a->include && !b->include && !strcmp(a->section, b->section)
           && !strcmp(a->name, b->name);
}

apr_array_header_t *lp_additions_merge(apr_pool_t *p,
                                       apr_array_header_t *base,
                                       apr_array_header_t *add)
{
    apr_array_header_t *out;
    int i, j;

    if (!add || !base)
        return add ? add : base;
    out = apr_array_copy(p, base);
    for (i = 0; i < add->nelts; i++) {
        const lp_addition *a = &APR_ARRAY_IDX(add, i, lp_addition);

        for (j = 0; j < out->nelts; j++)
            if (same_entry(&APR_ARRAY_IDX(out, j, lp_addition), a))
                break;
        if (j < out->nelts)
            APR_ARRAY_IDX(out, j, lp_addition) = *a;   /* later wins */
        else
            *(lp_addition *)apr_array_push(out) = *a;
    }
    return out;
}

int lp_additions_dynamic(request_rec *r)
{
    lp_dir_conf *d = ap_get_module_config(r->per_dir_config,
                                          &linphone_provisioning_module);

    return (d->additions && d->additions->nelts)
           || apr_optional_hook_get("linphone_provisioning_additional_sections");
}

/* The account's fields as LINPHONE_* request variables (docs/document.md). */
static void export_account(request_rec *r, const linphone_account *a)
{
    apr_table_t *e = r->subprocess_env;

    apr_table_setn(e, "LINPHONE_USERNAME", a->username);
    apr_table_setn(e, "LINPHONE_DOMAIN", a->domain);
    apr_table_setn(e, "LINPHONE_DISPLAY_NAME",
                   a->display_name ? a->display_name : "");
    apr_table_setn(e, "LINPHONE_REALM", a->realm ? a->realm : a->domain);
    apr_table_setn(e, "LINPHONE_ACCOUNT_ID",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT, a->id));
}

static void add_entry(request_rec *r, xmlDocPtr doc,
                      const linphone_account *account, const lp_addition *a)
{
    const char *value = a->value, *err = NULL;
    int i;

    if (!strcmp(a->section, "proxy") || !strcmp(a->section, "auth")) {
        if (!account)
            return;                   /* needs an account: not on the base */
    }
    if (a->expr) {
        value = ap_expr_str_exec(r, a->expr, &err);
        if (err || !value) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, LPLOGNO(0501)
                          "LinphoneProvisioningEntry %s %s: %s", a->section,
                          a->name, err ? err : "no value");
            return;
        }
    }
    value = lp_xml_clean(r->pool, value);
    if (!strcmp(a->section, "proxy"))
        lp_doc_set(lp_doc_section(doc, "proxy_0"), a->name, value,
                   a->overwrite);
    else if (!strcmp(a->section, "auth"))
        for (i = 0; account->passwords && i < account->passwords->nelts; i++)
            lp_doc_set(lp_doc_section(doc, lp_doc_auth_section(
                           r->pool, lp_auth_info_first(account) + i)),
                       a->name, value, a->overwrite);
    else
        lp_doc_set(lp_doc_section(doc, a->section), a->name, value,
                   a->overwrite);
}

/* The optional function of mod_linphone_provisioning.h: the rules of
 * LinphoneProvisioningEntry for companion modules. */
static xmlNodePtr linphone_provisioning_set_entry(request_rec *r,
                                                  xmlNodePtr section,
                                                  const char *name,
                                                  const char *value,
                                                  int overwrite)
{
    if (!r || !section || !name || !value)
        return NULL;
    return lp_doc_set(section, lp_xml_clean(r->pool, name),
                      lp_xml_clean(r->pool, value), overwrite != 0);
}

void lp_additions_register(void)
{
    APR_REGISTER_OPTIONAL_FN(linphone_provisioning_set_entry);
}

static void hook_result(request_rec *r, const char *hook, int rv)
{
    if (rv != OK && rv != DECLINED)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, LPLOGNO(0502)
                      "hook %s returned %d", hook, rv);
}

void lp_additions_apply(request_rec *r, xmlDocPtr doc,
                        const linphone_account *account)
{
    lp_dir_conf *d = ap_get_module_config(r->per_dir_config,
                                          &linphone_provisioning_module);
    int i;

    if (account)
        export_account(r, account);
    for (i = 0; d->additions && i < d->additions->nelts; i++) {
        const lp_addition *a = &APR_ARRAY_IDX(d->additions, i, lp_addition);

        if (a->include)
            lp_doc_merge(doc, a->include);
        else
            add_entry(r, doc, account, a);
    }
    if (account) {
        hook_result(r, "linphone_provisioning_proxy",
                    lp_run_linphone_provisioning_proxy(
                        r, account, lp_doc_section(doc, "proxy_0")));
        for (i = 0; account->passwords && i < account->passwords->nelts; i++)
            hook_result(r, "linphone_provisioning_auth",
                        lp_run_linphone_provisioning_auth(
                            r, account, lp_doc_section(
                                doc, lp_doc_auth_section(
                                    r->pool,
                                    lp_auth_info_first(account) + i))));
    }
    hook_result(r, "linphone_provisioning_additional_sections",
                lp_run_linphone_provisioning_additional_sections(
                    r, account, xmlDocGetRootElement(doc)));
}

static const char *account_var(ap_expr_eval_ctx_t *ctx, const void *name)
{
    return ctx->r ? apr_table_get(ctx->r->subprocess_env, name) : NULL;
}

/* {provisioning URL}/me of the request's location: the URL a client keeps
 * fetching with its credentials (honours the BaseURL and a prefix). */
static const char *me_url_var(ap_expr_eval_ctx_t *ctx, const void *data)
{
    const char *location;

    if (!ctx->r)
        return NULL;
    location = lp_location_of(ctx->r, LP_HANDLER_PROVISIONING);
    return location ? apr_pstrcat(ctx->r->pool,
                                  lp_provisioning_url(ctx->r, location),
                                  "/me", NULL)
                    : NULL;
}

int lp_additions_expr_lookup(ap_expr_lookup_parms *parms)
{
    static const char *const names[] = {
        "LINPHONE_USERNAME", "LINPHONE_DOMAIN", "LINPHONE_DISPLAY_NAME",
        "LINPHONE_REALM", "LINPHONE_ACCOUNT_ID", NULL
    };
    int i;

    if (parms->type != AP_EXPR_FUNC_VAR
        || strncmp(parms->name, VAR_PREFIX, strlen(VAR_PREFIX)))
        return DECLINED;
    if (!strcmp(parms->name, "LINPHONE_ME_URL")) {
        *parms->func = (const void *)me_url_var;
        *parms->data = parms->name;
        return OK;
    }
    for (i = 0; names[i]; i++)
        if (!strcmp(parms->name, names[i])) {
            *parms->func = (const void *)account_var;
            *parms->data = names[i];
            return OK;
        }
    *parms->err = apr_psprintf(parms->ptemp, "unknown variable %s (known: "
                               "LINPHONE_USERNAME, LINPHONE_DOMAIN, "
                               "LINPHONE_DISPLAY_NAME, LINPHONE_REALM, "
                               "LINPHONE_ACCOUNT_ID, LINPHONE_ME_URL)",
                               parms->name);
    return !OK;
}
