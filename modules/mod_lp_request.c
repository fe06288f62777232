/*
 * mod_lp_request — the request's record and its settings in effect (see
 * mod_lp_request.h).
 */
#include "mod_lp_request.h"
#include "mod_lp_conf.h"

#include "http_config.h"

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

lp_space_status lp_space_of(request_rec *r, const lp_space **space)
{
    lp_request *q = lp_request_of(r);

    if (!q->space_known) {
        if (!lp_server_conf_get(r->server)->spaces)
            q->space_status = LP_SPACE_OFF;
        else {
            lp_space *s = apr_pcalloc(r->pool, sizeof *s);

            q->space_status = lp_space_fetch(r, s);
            q->space = q->space_status == LP_SPACE_FOUND ? s : NULL;
        }
        q->space_known = 1;
    }
    *space = q->space;
    return q->space_status;
}

int lp_require_header(request_rec *r)
{
    const lp_space *space;

    if (lp_space_of(r, &space) == LP_SPACE_FOUND
        && space->require_header >= 0)
        return space->require_header;
    return lp_dir_conf_get(r)->require_header != 0;  /* default On */
}

int lp_overwrite_all(request_rec *r)
{
    const lp_space *space;

    return lp_dir_conf_get(r)->overwrite_all == 1    /* default Off */
           || (lp_space_of(r, &space) == LP_SPACE_FOUND
               && space->overwrite_all);
}

const char *lp_realm_override(request_rec *r)
{
    const lp_space *space;

    if (lp_space_of(r, &space) == LP_SPACE_FOUND && space->realm
        && *space->realm)
        return space->realm;
    return lp_server_conf_get(r->server)->realm;
}

const char *lp_realm(request_rec *r, const char *domain)
{
    const char *realm = lp_realm_override(r);

    return realm ? realm : domain;
}
