/*
 * lp_digest — HTTP Digest (RFC 7616, qop=auth, MD5 and SHA-256) as pure
 * logic: the Authorization tokenizer, self-validating nonces (time + HMAC
 * with the server's secret), the opaque value, challenges and the expected
 * response.  No request_rec and no state: the nonce-count memory is the
 * socache's business (mod_lp_auth.c).
 */
#ifndef LP_DIGEST_H
#define LP_DIGEST_H

#include "apr_pools.h"
#include "apr_time.h"

/* Lowercase hex characters of a nonce: 16 time, 16 random, 32 HMAC. */
#define LP_NONCE_LEN 64

typedef struct {
    const char *username, *realm, *nonce, *uri, *response, *algorithm;
    const char *cnonce, *opaque, *qop, *nc;
} lp_digest_credentials;

typedef struct {
    const unsigned char *bytes;
    apr_size_t len;
} lp_secret;

/**
 * Parses the auth-params after "Digest " (tokens or quoted strings with
 * backslash escapes, in any order, separated by commas).  0 on success; -1
 * when malformed, a parameter is repeated, or a required one is missing.
 */
int lp_digest_parse(apr_pool_t *p, const char *params,
                    lp_digest_credentials *out);

/** A new nonce for time `now` and 8 random bytes. */
const char *lp_digest_nonce(apr_pool_t *p, const lp_secret *secret,
                            apr_time_t now, const unsigned char random[8]);

typedef enum { LP_NONCE_VALID, LP_NONCE_STALE, LP_NONCE_FORGED } lp_nonce_state;
/** Checks a nonce's HMAC and age; *issued gets its time when not forged. */
lp_nonce_state lp_digest_nonce_check(const lp_secret *secret,
                                     const char *nonce, apr_time_t now,
                                     apr_interval_time_t lifetime,
                                     apr_time_t *issued);

/** The opaque value for a realm (constant per secret and realm). */
const char *lp_digest_opaque(apr_pool_t *p, const lp_secret *secret,
                             const char *realm);

/** The value of one WWW-Authenticate header; algorithm unquoted, qop
 *  quoted (liblinphone's parser needs exactly that). */
const char *lp_digest_challenge(apr_pool_t *p, const char *realm,
                                const char *nonce, const char *opaque,
                                const char *algorithm, int stale);

/** The response the client must send, from the stored HA1. */
const char *lp_digest_expected(apr_pool_t *p, const char *algorithm,
                               const char *ha1, const lp_digest_credentials *c,
                               const char *method);

/** nc as a number: exactly 8 hex digits; -1 otherwise. */
int lp_digest_nc(const char *nc, apr_uint32_t *value);

/** Constant-time string equality (time depends on lengths only). */
int lp_secure_equal(const char *a, const char *b);

#endif
