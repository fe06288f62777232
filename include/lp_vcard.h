/*
 * lp_vcard — vCard 4.0 text of the contacts list (RFC 6350), written so
 * that the clients' own parser (liblinphone's) reads it whole: text values
 * escaped as it reads them, CRLF line ends, lines folded at 75 octets on
 * character boundaries, valid UTF-8 whatever the database holds.  Pure
 * logic, APR only.
 */
#ifndef LP_VCARD_H
#define LP_VCARD_H

#include "apr_pools.h"
#include "apr_tables.h"

/* One X-LINPHONE-ACCOUNT-ACTION of a contact. */
typedef struct {
    const char *key;
    const char *code;
} lp_vcard_action;

/* One contact: an account as the vCard shows it. */
typedef struct {
    const char *username;
    const char *domain;
    const char *display_name;        /* NULL or "": username@domain */
    const char *dtmf_protocol;       /* NULL or "": no property */
    apr_array_header_t *types;       /* of const char *, may be NULL */
    apr_array_header_t *actions;     /* of lp_vcard_action, may be NULL */
} lp_vcard_contact;

/** `s` as valid UTF-8: each byte of an invalid, overlong, surrogate or
 *  truncated sequence becomes U+FFFD. */
const char *lp_vcard_utf8(apr_pool_t *p, const char *s);

/**
 * A text value: valid UTF-8 (as above), `\` -> `\\`, `,` -> `\,`, `;` kept
 * raw, a line break (CRLF, CR or LF) -> one space, other control
 * characters -> space.
 */
const char *lp_vcard_text(apr_pool_t *p, const char *s);

/** A SIP URI's user or host part: bytes a URI parser or the vCard parser
 *  could misread (`,` `;` `\` `@` spaces, controls, non-ASCII...) are
 *  percent-encoded. */
const char *lp_vcard_uri_part(apr_pool_t *p, const char *s, int host);

/** One content line `line` (no line end) folded: CRLF + space before
 *  each 75-octet limit, never inside a UTF-8 character or a `\x` escape;
 *  ends with CRLF. */
const char *lp_vcard_fold(apr_pool_t *p, const char *line);

/** The whole vCard of a contact, BEGIN to END, CRLF line ends. */
const char *lp_vcard_write(apr_pool_t *p, const lp_vcard_contact *c);

#endif
