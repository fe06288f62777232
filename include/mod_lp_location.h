/*
 * mod_lp_location — where the sysadmin mapped our handlers (found at startup in
 * the <Location> sections whose SetHandler names them) and the absolute URLs
 * derived from it: {base} (docs/directives.md, LinphoneProvisioningBaseURL) and the provisioning URL.
 */
#ifndef MOD_LP_LOCATION_H
#define MOD_LP_LOCATION_H

#include "httpd.h"

/* A <Location> whose SetHandler names one of our handlers, found at startup. */
typedef struct {
    const char *path;        /* without trailing slash; "" for "/" */
    const char *handler;
} lp_location;

#define LP_HANDLER_PROVISIONING "linphone-provisioning"
#define LP_HANDLER_WIZARD "linphone-wizard"
#define LP_HANDLER_CONTACTS "linphone-contacts"

/** Startup: records the locations of our handlers into each server's conf. */
void lp_locations_find(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

/**
 * The location of `handler` that r->uri falls under (longest match), or
 * when none was found at startup (regex sections, expressions), the part of
 * r->uri up to its first segment named like the handler's conventional
 * location ("provisioning").  NULL when the URI is outside both.
 */
const char *lp_location_of(request_rec *r, const char *handler);

/**
 * map_to_storage: URIs under our locations name no file, so the core's
 * directory walk (a stat per path segment, "File name too long" on huge
 * tokens, directory-slash redirects) is skipped for them, as mod_proxy does.
 */
int lp_map_to_storage(request_rec *r);
/** translate_name hook (run last): URLs under our locations are not files,
 *  r->filename gets "linphone-provisioning:" + the URI. */
int lp_translate_name(request_rec *r);

/** {base}: LinphoneProvisioningBaseURL, else the request's scheme, host and
 *  port followed by the provisioning location without its last segment. */
const char *lp_base_url(request_rec *r, const char *location);

/** {base}/{last segment of location}: prefix of the provisioning URLs. */
const char *lp_provisioning_url(request_rec *r, const char *location);

/**
 * Prefix of the provisioning URLs a wizard page at location `wizard` links
 * to: the server's provisioning location sharing the wizard's parent (a
 * <Location /sip/wizard> links to /sip/provisioning), else its first
 * provisioning location, else the wizard's parent + "/provisioning".
 */
const char *lp_wizard_provisioning_url(request_rec *r, const char *wizard);

/** 1 when some section of some server (<Location>, <Directory>, server
 *  level) sets AuthType `type`; .htaccess files are not seen. */
int lp_auth_type_used(apr_pool_t *ptemp, server_rec *s, const char *type);

/* The request line with its token masked, for LogFormat's %{...}e. */
#define LP_REQUEST_VAR "LINPHONE_REQUEST"
#define LP_MASK "****"
/** header_parser: sets LP_REQUEST_VAR for requests our handlers will
 *  answer, so that their 400, 404 and 405 answers have it too. */
int lp_redact_request_line(request_rec *r);

#endif
