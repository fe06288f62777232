/*
 * mod_lp_additions — the sysadmin's additions to the document
 * (docs/document.md, Customising the document): LinphoneProvisioningEntry
 * (a literal or an ap_expr value), LinphoneProvisioningInclude (a static
 * lpconfig XML fragment), and the optional hooks and function of
 * mod_linphone_provisioning.h for C modules.
 */
#ifndef MOD_LP_ADDITIONS_H
#define MOD_LP_ADDITIONS_H

#include "httpd.h"
#include "http_config.h"
#include "ap_expr.h"
#include "mod_linphone_provisioning.h"

typedef struct {
    const char *section;      /* "proxy", "auth", or a literal name */
    const char *name;
    const char *value;        /* literal value, or NULL with expr */
    ap_expr_info_t *expr;     /* compiled at startup */
    int overwrite;
    xmlDocPtr include;        /* LinphoneProvisioningInclude instead */
} lp_addition;

const char *lp_set_entry(cmd_parms *cmd, void *dc, const char *args);
const char *lp_set_include(cmd_parms *cmd, void *dc, const char *path);

/** Directory merge: base's additions, then add's; an entry of add replaces
 *  base's entry of the same section and name in place. */
apr_array_header_t *lp_additions_merge(apr_pool_t *p,
                                       apr_array_header_t *base,
                                       apr_array_header_t *add);

/** 1 when the base document of this request cannot be the pre-rendered
 *  one (additions configured, or an additional-sections hook registered). */
int lp_additions_dynamic(request_rec *r);

/** Applies additions then hooks to a document (account NULL: base). */
void lp_additions_apply(request_rec *r, xmlDocPtr doc,
                        const linphone_account *account);

/** register_hooks: provides the optional function
 *  linphone_provisioning_set_entry (mod_linphone_provisioning.h). */
void lp_additions_register(void);

/** expr_lookup hook: the LINPHONE_* variables in ap_expr values. */
int lp_additions_expr_lookup(ap_expr_lookup_parms *parms);

#endif
