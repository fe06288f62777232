/*
 * lp_crypto — digests through OpenSSL's EVP, random passwords from APR's
 * cryptographic source (see lp_crypto.h).
 */
#include "lp_crypto.h"

#include "apr_strings.h"
#include "apr_general.h"
#include <openssl/evp.h>
#include <string.h>

const lp_algorithm lp_algorithms[LP_ALGORITHMS] = {
    { LP_ALG_SHA256, LP_ALG_NAME_SHA256, 64 },
    { LP_ALG_MD5, LP_ALG_NAME_MD5, 32 },
};

const lp_algorithm *lp_algorithm_named(const char *name)
{
    int i;

    for (i = 0; name && i < LP_ALGORITHMS; i++)
        if (!strcmp(name, lp_algorithms[i].name))
            return &lp_algorithms[i];
    return NULL;
}

static const EVP_MD *digest_md(const char *algorithm)
{
    const lp_algorithm *alg = lp_algorithm_named(algorithm);

    if (!alg)
        return NULL;
    return alg->bit == LP_ALG_MD5 ? EVP_md5() : EVP_sha256();
}

void lp_hex(char *out, const unsigned char *in, apr_size_t n)
{
    static const char digits[] = "0123456789abcdef";
    apr_size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xF];
    }
    out[2 * n] = '\0';
}

int lp_digest_known(const char *algorithm)
{
    return digest_md(algorithm) != NULL;
}

const char *lp_digest_hex(apr_pool_t *p, const char *algorithm,
                          const void *data, apr_size_t len)
{
    const EVP_MD *md = digest_md(algorithm);
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char *out;

    if (!md || !EVP_Digest(data, len, raw, &n, md, NULL))
        return NULL;
    out = apr_palloc(p, n * 2 + 1);
    lp_hex(out, raw, n);
    return out;
}

const char *lp_ha1(apr_pool_t *p, const char *algorithm, const char *username,
                   const char *realm, const char *password)
{
    const char *a1 = apr_pstrcat(p, username, ":", realm, ":", password, NULL);

    return lp_digest_hex(p, algorithm, a1, strlen(a1));
}

apr_status_t lp_random_password(apr_pool_t *p, const char **password)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char bytes[64];
    char *out = apr_palloc(p, LP_PASSWORD_LENGTH + 1);
    apr_size_t i, n = 0;
    apr_status_t rv;

    while (n < LP_PASSWORD_LENGTH) {
        rv = apr_generate_random_bytes(bytes, sizeof bytes);
        if (rv != APR_SUCCESS)
            return rv;
        /* 248 = 4 * 62: rejecting bytes above keeps the draw unbiased */
        for (i = 0; i < sizeof bytes && n < LP_PASSWORD_LENGTH; i++)
            if (bytes[i] < 248)
                out[n++] = alphabet[bytes[i] % 62];
    }
    out[n] = '\0';
    *password = out;
    return APR_SUCCESS;
}
