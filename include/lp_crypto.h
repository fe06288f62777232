/*
 * lp_crypto — digests and random secrets, through OpenSSL's EVP (the library
 * httpd's mod_ssl already uses) and APR's random source.  Pure logic.
 */
#ifndef LP_CRYPTO_H
#define LP_CRYPTO_H

#include "apr_pools.h"

#define LP_PASSWORD_LENGTH 10

/* The digest algorithms: bits of LinphoneDigestAlgorithms, and names as
 * in Digest headers and passwords rows. */
#define LP_ALG_MD5 1
#define LP_ALG_SHA256 2
#define LP_ALG_NAME_MD5 "MD5"
#define LP_ALG_NAME_SHA256 "SHA-256"

typedef struct {
    int bit;                  /* LP_ALG_* */
    const char *name;         /* as in Digest headers and passwords rows */
    apr_size_t hex_len;       /* characters of a hex HA1 */
} lp_algorithm;

/** Every digest algorithm, most preferred first (as RFC 7616 asks). */
extern const lp_algorithm lp_algorithms[];
#define LP_ALGORITHMS 2
/** The algorithm of that exact name; NULL for another name. */
const lp_algorithm *lp_algorithm_named(const char *name);
#define LP_ALG_DEFAULT LP_ALG_NAME_SHA256
/** The passwords row algorithm of a clear-text password. */
#define LP_ALG_CLEAR "CLRTXT"

/** 1 for "MD5" and "SHA-256" (the digest algorithms of passwords rows). */
int lp_digest_known(const char *algorithm);

/** Lowercase hex of `n` bytes into out (2n characters and a NUL). */
void lp_hex(char *out, const unsigned char *in, apr_size_t n);

/** Lowercase hex digest of `len` bytes, or NULL for an unknown algorithm. */
const char *lp_digest_hex(apr_pool_t *p, const char *algorithm,
                          const void *data, apr_size_t len);

/** hex(H(username ":" realm ":" password)), the stored HA1. */
const char *lp_ha1(apr_pool_t *p, const char *algorithm, const char *username,
                   const char *realm, const char *password);

/** A fresh LP_PASSWORD_LENGTH-character password from [A-Za-z0-9]. */
apr_status_t lp_random_password(apr_pool_t *p, const char **password);

#endif
