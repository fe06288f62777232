/*
 * mod_lp_location — our handlers' locations and the URLs built from them.
 *
 * httpd does not tell a handler which <Location> mapped it, and our
 * URLs are relative to it (/sip/provisioning/{token}).  So at startup we read
 * the core's <Location> sections of every server, evaluate their SetHandler
 * (a constant string in practice) and keep the paths naming our handlers.
 */
#include "mod_lp_location.h"
#include "mod_lp_conf.h"
#include "lp_text.h"

#include "http_core.h"
#include "http_log.h"
#include "ap_expr.h"
#include "apr_strings.h"
#include <string.h>

/* A blank request on one section's configuration, for reading at startup
 * what httpd only tells a request (SetHandler's ap_expr, AuthType). */
static request_rec *section_request(apr_pool_t *ptemp, server_rec *s,
                                    ap_conf_vector_t *section,
                                    const char *uri)
{
    request_rec *r;
    conn_rec *c;

    c = apr_pcalloc(ptemp, sizeof *c);
    c->pool = ptemp;
    c->base_server = s;
    c->notes = apr_table_make(ptemp, 1);
    r = apr_pcalloc(ptemp, sizeof *r);
    r->pool = ptemp;
    r->server = s;
    r->connection = c;
    r->per_dir_config = section;
    r->headers_in = apr_table_make(ptemp, 1);
    r->headers_out = apr_table_make(ptemp, 1);
    r->err_headers_out = apr_table_make(ptemp, 1);
    r->subprocess_env = apr_table_make(ptemp, 1);
    r->notes = apr_table_make(ptemp, 1);
    r->method = "GET";
    r->uri = r->unparsed_uri = (char *)uri;
    return r;
}

/* SetHandler is an ap_expr: a constant string touches nothing of the blank
 * request it evaluates against. */
static const char *set_handler(apr_pool_t *ptemp, server_rec *s,
                               ap_conf_vector_t *section,
                               const core_dir_config *d)
{
    const char *err = NULL, *result;

    if (!d->expr_handler)
        return d->handler;
    result = ap_expr_str_exec(section_request(ptemp, s, section, d->d),
                              d->expr_handler, &err);
    return err ? NULL : result;
}

static int section_uses(apr_pool_t *ptemp, server_rec *s,
                        ap_conf_vector_t *section, const char *type)
{
    module *authn = ap_find_linked_module("mod_authn_core.c");
    const char *t;

    /* a section read before LoadModule authn_core has no record of it */
    if (!authn || !section || !ap_get_module_config(section, authn))
        return 0;
    t = ap_auth_type(section_request(ptemp, s, section, "/"));
    return t && !strcasecmp(t, type);
}

int lp_auth_type_used(apr_pool_t *ptemp, server_rec *s, const char *type)
{
    for (; s; s = s->next) {
        core_server_config *core = ap_get_core_module_config(s->module_config);
        apr_array_header_t *lists[2];
        int l, i;

        if (section_uses(ptemp, s, s->lookup_defaults, type))
            return 1;
        lists[0] = core->sec_url;
        lists[1] = core->sec_dir;
        for (l = 0; l < 2; l++)
            for (i = 0; i < lists[l]->nelts; i++)
                if (section_uses(ptemp, s,
                                 ((ap_conf_vector_t **)lists[l]->elts)[i],
                                 type))
                    return 1;
    }
    return 0;
}

void lp_locations_find(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    for (; s; s = s->next) {
        lp_server_conf *c = lp_server_conf_get(s);
        core_server_config *core = ap_get_core_module_config(s->module_config);
        ap_conf_vector_t **sec = (ap_conf_vector_t **)core->sec_url->elts;
        int i;

        c->locations = apr_array_make(pconf, 2, sizeof(lp_location));
        for (i = 0; i < core->sec_url->nelts; i++) {
            core_dir_config *d = ap_get_core_module_config(sec[i]);
            const char *h;
            lp_location *loc;
            apr_size_t n;

            if (d->r || !d->d || d->d_is_fnmatch)
                continue;         /* regex and wildcard sections: fallback */
            h = set_handler(ptemp, s, sec[i], d);
            if (!h || (strcmp(h, LP_HANDLER_PROVISIONING)
                       && strcmp(h, LP_HANDLER_WIZARD)
                       && strcmp(h, LP_HANDLER_CONTACTS)))
                continue;
            loc = apr_array_push(c->locations);
            loc->handler = apr_pstrdup(pconf, h);
            n = strlen(d->d);
            while (n > 0 && d->d[n - 1] == '/')
                n--;
            loc->path = apr_pstrmemdup(pconf, d->d, n);
        }
    }
}

/* 1 when uri is `path` or below it, on a segment boundary. */
static int under(const char *uri, const char *path)
{
    apr_size_t n = strlen(path);

    return strncmp(uri, path, n) == 0 && (uri[n] == '\0' || uri[n] == '/');
}

/* 1 when the request's URI is under one of our locations. */
static int ours(request_rec *r)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const lp_location *locs = (const lp_location *)c->locations->elts;
    int i;

    for (i = 0; i < c->locations->nelts; i++)
        if (under(r->uri, locs[i].path))
            return 1;
    return 0;
}

int lp_map_to_storage(request_rec *r)
{
    return ours(r) ? OK : DECLINED;
}

int lp_translate_name(request_rec *r)
{
    /* core's translation would merge the URI into the DocumentRoot path
     * and refuse one longer than the system allows (APR_PATH_MAX): a 403
     * in HTML, with the request line, token and all, in the error log.
     * Run last, so Alias, RewriteRule and the like still see the URL
     * first; the name set here (as mod_proxy does) is no file. */
    if (!r->uri || r->uri[0] != '/' || !ours(r))
        return DECLINED;
    r->filename = apr_pstrcat(r->pool, "linphone-provisioning:", r->uri,
                              NULL);
    return OK;
}

const char *lp_location_of(request_rec *r, const char *handler)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const lp_location *locs = (const lp_location *)c->locations->elts;
    const char *best = NULL, *seg;
    const char *word = !strcmp(handler, LP_HANDLER_WIZARD) ? "/wizard"
                       : !strcmp(handler, LP_HANDLER_CONTACTS)
                       ? "/contacts/vcard" : "/provisioning";
    int i;

    for (i = 0; i < c->locations->nelts; i++)
        if (!strcmp(locs[i].handler, handler) && under(r->uri, locs[i].path)
            && (!best || strlen(locs[i].path) > strlen(best)))
            best = locs[i].path;
    if (best)
        return best;
    for (seg = r->uri; (seg = strstr(seg, word)) != NULL; seg++)
        if (under(seg, word))
            return apr_pstrmemdup(r->pool, r->uri,
                                  (apr_size_t)(seg - r->uri) + strlen(word));
    return NULL;
}

const char *lp_base_url(request_rec *r, const char *location)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const char *slash;

    if (c->base_url)
        return c->base_url;
    slash = strrchr(location, '/');
    /* a location path is decoded (the <LocationMatch> fallback takes it
     * from the request): escape it again for a URL */
    return ap_construct_url(r->pool,
                            slash ? ap_escape_uri(r->pool,
                                        apr_pstrmemdup(r->pool, location,
                                            (apr_size_t)(slash - location)))
                                  : "",
                            r);
}

const char *lp_provisioning_url(request_rec *r, const char *location)
{
    const char *slash = strrchr(location, '/');

    return apr_pstrcat(r->pool, lp_base_url(r, location),
                       slash ? ap_escape_uri(r->pool, slash) : "", NULL);
}

/* Length of the parent of a location path ("/sip/wizard" -> "/sip"). */
static apr_size_t parent_len(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? (apr_size_t)(slash - path) : 0;
}

const char *lp_wizard_provisioning_url(request_rec *r, const char *wizard)
{
    lp_server_conf *c = lp_server_conf_get(r->server);
    const lp_location *locs = (const lp_location *)c->locations->elts;
    const char *first = NULL, *sibling = NULL;
    apr_size_t n = parent_len(wizard);
    int i;

    for (i = 0; i < c->locations->nelts && !sibling; i++) {
        const char *path = locs[i].path;

        if (strcmp(locs[i].handler, LP_HANDLER_PROVISIONING))
            continue;
        if (!first)
            first = path;
        if (parent_len(path) == n && strncmp(path, wizard, n) == 0)
            sibling = path;
    }
    if (!first)     /* mapped by a regex section, or on another server */
        first = apr_pstrcat(r->pool, apr_pstrmemdup(r->pool, wizard, n),
                            "/provisioning", NULL);
    return lp_provisioning_url(r, sibling ? sibling : first);
}

/* The part of the path after an URL space's location, tokens masked. */
static const char *redacted_rest(request_rec *r, const char *handler,
                                 const char *rest)
{
    lp_route route = lp_route_parse(r->pool, rest);

    if (!*rest || !strcmp(rest, "/"))
        return rest;
    if (!strcmp(handler, LP_HANDLER_WIZARD))
        return "/" LP_MASK;
    switch (route.kind) {
    case LP_ROUTE_BASE:
    case LP_ROUTE_ME:
        return rest;
    case LP_ROUTE_AUTH_TOKEN:
        return "/auth_token/" LP_MASK;
    case LP_ROUTE_QRCODE:
        return "/qrcode/" LP_MASK;
    default:         /* a token, or something that may hold one */
        return "/" LP_MASK;
    }
}

int lp_redact_request_line(request_rec *r)
{
    core_dir_config *d = ap_get_core_module_config(r->per_dir_config);
    const char *handler = NULL, *location, *err = NULL;

    if (r->main || apr_table_get(r->subprocess_env, LP_REQUEST_VAR))
        return DECLINED;
    if (d->expr_handler)
        handler = ap_expr_str_exec(r, d->expr_handler, &err);
    if (err || !handler || (strcmp(handler, LP_HANDLER_PROVISIONING)
                            && strcmp(handler, LP_HANDLER_WIZARD)))
        return DECLINED;
    location = lp_location_of(r, handler);
    apr_table_setn(r->subprocess_env, LP_REQUEST_VAR,
                   apr_pstrcat(r->pool, r->method, " ",
                               location ? ap_escape_uri(r->pool, location)
                                        : "",
                               location ? redacted_rest(r, handler,
                                              r->uri + strlen(location))
                                        : "/" LP_MASK,
                               r->args ? "?" : "", r->args ? r->args : "",
                               " ", r->protocol, NULL));
    return DECLINED;
}
