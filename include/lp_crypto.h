/*
 * lp_crypto — digests and random secrets, through OpenSSL's EVP (the library
 * httpd's mod_ssl already uses) and APR's random source.  Pure logic.
 */
#ifndef LP_CRYPTO_H
#define LP_CRYPTO_H

#include "apr_pools.h"

#define LP_PASSWORD_LENGTH 10

/** 1 for "MD5" and "SHA-256" (the digest algorithms of passwords rows). */
int lp_digest_known(const char *algorithm);

/** Lowercase hex digest of `len` bytes, or NULL for an unknown algorithm. */
const char *lp_digest_hex(apr_pool_t *p, const char *algorithm,
                          const void *data, apr_size_t len);

/** hex(H(username ":" realm ":" password)), the stored HA1. */
const char *lp_ha1(apr_pool_t *p, const char *algorithm, const char *username,
                   const char *realm, const char *password);

/** A fresh LP_PASSWORD_LENGTH-character password from [A-Za-z0-9]. */
apr_status_t lp_random_password(apr_pool_t *p, const char **password);

#endif
