/*
 * A test-only authentication module standing for "any other Apache auth
 * module" (mod_auth_openidc, client certificates...): AuthType TestUser sets
 * r->user to the X-Test-User header, which may be sip:user@domain (a form
 * Basic auth cannot carry).  Apache::Test builds and loads it.
 */
#if CONFIG_FOR_HTTPD_TEST
<Location /provisioning-other/me>
    AuthType TestUser
    Require valid-user
</Location>
#endif

#include "httpd.h"
#include "http_config.h"
#include "http_request.h"
#include "http_core.h"
#include "apr_strings.h"

static int test_user_authn(request_rec *r)
{
    const char *type = ap_auth_type(r);
    const char *user;

    if (!type || strcasecmp(type, "TestUser"))
        return DECLINED;
    user = apr_table_get(r->headers_in, "X-Test-User");
    if (!user)
        return HTTP_UNAUTHORIZED;
    r->user = apr_pstrdup(r->pool, user);
    r->ap_auth_type = "TestUser";
    return OK;
}

static void test_user_register_hooks(apr_pool_t *p)
{
    ap_hook_check_authn(test_user_authn, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
}

module AP_MODULE_DECLARE_DATA linphone_test_user_module = {
    STANDARD20_MODULE_STUFF,
    NULL, NULL, NULL, NULL, NULL,
    test_user_register_hooks
};
