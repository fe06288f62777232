/*
 * mod_lp_handler_wizard — handler `linphone-wizard`: `{location}/{token}` is a
 * page whose one big link, `linphone-config:{provisioning URL}/{token}`,
 * opens the Linphone app on its provisioning URL (docs/document.md).  The
 * token is not looked up: the page holds nothing the URL does not already hold, and
 * the app gets the verdict when it follows the link.
 */
#include "mod_lp_handlers.h"
#include "mod_lp_handler_common.h"
#include "mod_lp_location.h"
#include "mod_lp_respond.h"

#include "apr_strings.h"

#define DOWNLOAD_URL "https://www.linphone.org/en/download/"

/* An apr_psprintf format: both %s are the HTML-escaped provisioning URL,
 * and no other '%' may appear. */
static const char page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Configure your Linphone app</title>\n"
    "<style>\n"
    "body{margin:0;padding:2em 1em;background:#f4f4f4;color:#222;"
    "font:1.1em/1.5 system-ui,sans-serif;text-align:center}\n"
    "main{max-width:30em;margin:0 auto}\n"
    "h1{font-size:1.5em}\n"
    ".open{display:block;margin:1.5em 0;padding:1em;border-radius:.5em;"
    "background:#ff5e00;color:#fff;font-size:1.3em;font-weight:bold;"
    "text-decoration:none}\n"
    ".url{color:#666;font-size:.8em;word-break:break-all}\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<main>\n"
    "<h1>Configure your Linphone app</h1>\n"
    "<p>Open this page on the phone or computer where Linphone is installed"
    " and tap the button: the app downloads your SIP account and its"
    " settings.</p>\n"
    "<a class=\"open\" href=\"linphone-config:%s\">Open the app</a>\n"
    "<p>No Linphone yet? <a href=\"" DOWNLOAD_URL "\">Download Linphone</a>,"
    " install it, then come back to this page.</p>\n"
    "<p class=\"url\">The configuration link works once: %s</p>\n"
    "</main>\n"
    "</body>\n"
    "</html>\n";

int lp_handler_wizard(request_rec *r)
{
    const char *location, *url;
    lp_route route;
    struct iovec body;
    int status;

    if (!lp_handler_start(r, LP_HANDLER_WIZARD, &status, &location, &route))
        return status;
    if (route.kind != LP_ROUTE_TOKEN)
        return lp_respond_error(r, HTTP_NOT_FOUND, "Not found");

    /* the host (and the location) come from the request: escape it all */
    url = ap_escape_html2(r->pool,
                          apr_pstrcat(r->pool,
                                      lp_wizard_provisioning_url(r, location),
                                      "/", route.token, NULL), 0);
    body.iov_base = apr_psprintf(r->pool, page, url, url);
    body.iov_len = strlen(body.iov_base);
    apr_table_setn(r->headers_out, "Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; "
                   "frame-ancestors 'none'");
    /* the page's URL holds the token: keep it out of the download site's
     * logs */
    apr_table_setn(r->headers_out, "Referrer-Policy", "no-referrer");
    return lp_respond_body(r, "text/html; charset=utf-8", 1, &body, 1);
}
