/*
 * lp_handlers — the content handlers, one unit each.
 */
#ifndef LP_HANDLERS_H
#define LP_HANDLERS_H

#include "httpd.h"

int lp_handler_provisioning(request_rec *r);
/** `linphone-wizard`: the page that opens the app on its provisioning URL. */
int lp_handler_wizard(request_rec *r);
/** `{location}/qrcode/{token}`, called by linphone-provisioning. */
int lp_serve_qrcode(request_rec *r, const char *location, const char *token);
/** fixups: keeps mod_dir from redirecting our URLs (clients never follow). */
int lp_fixup_no_redirect(request_rec *r);

#endif
