/*
 * lp_text — small pure helpers on request and database strings: routing of
 * the provisioning URI space, query flags, SIP quoting, UTF-8 truncation,
 * timestamps and portable booleans.  No request_rec.
 */
#ifndef LP_TEXT_H
#define LP_TEXT_H

#include "apr_pools.h"
#include "apr_time.h"

/* Longest token accepted (FlexiAPI stores them in varchar(255)). */
#define LP_TOKEN_MAX 255

typedef enum {
    LP_ROUTE_NONE = 0,    /* not a URL of the provisioning space: 404 */
    LP_ROUTE_BASE,        /* ""  or "/" */
    LP_ROUTE_TOKEN,       /* "/{token}" */
    LP_ROUTE_AUTH_TOKEN,  /* "/auth_token/{token}" */
    LP_ROUTE_QRCODE,      /* "/qrcode/{token}" */
    LP_ROUTE_ME           /* "/me" */
} lp_route_kind;

typedef struct {
    lp_route_kind kind;
    const char *token;    /* for TOKEN, AUTH_TOKEN and QRCODE */
} lp_route;

/**
 * Routes the part of the (already percent-decoded) path that follows the
 * handler's location.  Tokens are 1..LP_TOKEN_MAX bytes of [A-Za-z0-9._~-];
 * anything else is LP_ROUTE_NONE.
 */
lp_route lp_route_parse(apr_pool_t *p, const char *rest);

/** 1 when the query string holds argument `name` (with or without value). */
int lp_query_has(apr_pool_t *p, const char *args, const char *name);

/** Percent-decodes `s` (length n); NULL for a bad escape or a decoded
 *  control character (NUL included). */
char *lp_percent_decode(apr_pool_t *p, const char *s, apr_size_t n);

/**
 * A SIP address as a From header or a user name gives it: an optional
 * display name and <>, an optional sip:/sips: scheme, `;params` and
 * `?headers` ignored, user and domain percent-decoded.  *domain is NULL for
 * a bare user name.  0 on success, -1 when malformed.
 */
int lp_sip_address_parse(apr_pool_t *p, const char *s, const char **user,
                         const char **domain);

/**
 * The user name another auth module set (r->user), strictly: exactly
 * `user@domain` or `sip:user@domain` (no display name, <>, params, headers,
 * whitespace or escapes; never decoded), or a bare user of [A-Za-z0-9._~+-]
 * (*domain NULL).  0 on success, -1 otherwise.
 */
int lp_user_address_parse(apr_pool_t *p, const char *s, const char **user,
                          const char **domain);

/** `"s"`, with `"` and `\` backslash-escaped: a quoted-string of SIP and
 *  HTTP alike (display names, Digest challenge parameters). */
const char *lp_sip_quote(apr_pool_t *p, const char *display);
/** `"Display" <sip:user@domain>` or `<sip:user@domain>`. */
const char *lp_reg_identity(apr_pool_t *p, const char *display,
                            const char *username, const char *domain);

/** Valid UTF-8 of at most `max_chars` characters: each byte that does not
 *  start a valid sequence becomes U+FFFD, and the text is cut on a
 *  character boundary. */
const char *lp_utf8_clean(apr_pool_t *p, const char *s, apr_size_t max_chars);

/** "YYYY-MM-DD HH:MM:SS" in UTC. */
const char *lp_time_format(apr_pool_t *p, apr_time_t t);
/** Minutes (a directive's, a row's) as an APR interval. */
#define LP_MINUTES(m) apr_time_from_sec((apr_interval_time_t)60 * (m))
/** Parses that form (fractions and a zone suffix are ignored); 0 on success. */
int lp_time_parse(const char *s, apr_time_t *t);

/** A database boolean as any driver returns it: 1, 0, or -1 when unknown. */
int lp_bool_parse(const char *s);

#endif
