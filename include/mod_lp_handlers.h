/*
 * mod_lp_handlers — the content handlers' entry points, one unit each (what
 * they share is in mod_lp_handler_common.h).
 */
#ifndef MOD_LP_HANDLERS_H
#define MOD_LP_HANDLERS_H

#include "httpd.h"

int lp_handler_provisioning(request_rec *r);

/** The /me route: the authenticated account's document. */
int lp_handler_me(request_rec *r, const char *location);
/** `linphone-wizard`: the page that opens the app on its provisioning URL. */
int lp_handler_wizard(request_rec *r);
/** `{location}/qrcode/{token}`, called by linphone-provisioning. */
int lp_serve_qrcode(request_rec *r, const char *location, const char *token);
/** `linphone-contacts`: the authenticated account's contacts as vCards. */
int lp_handler_contacts(request_rec *r);
/** fixups: keeps mod_dir from redirecting our URLs (clients never follow). */
int lp_fixup_no_redirect(request_rec *r);

#endif
