/*
 * lp_digest — RFC 7616 Digest, pure logic (see lp_digest.h).
 */
#include "lp_digest.h"
#include "lp_crypto.h"
#include "lp_text.h"

#include "apr_strings.h"
#include "apr_lib.h"
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <string.h>

/* The nonce's hex characters (LP_NONCE_LEN): the issue time in seconds,
 * random bytes, then the HMAC of the signed part (time and random). */
#define NONCE_TIME 16
#define NONCE_RANDOM 16
#define NONCE_SIGNED (NONCE_TIME + NONCE_RANDOM)
#define NONCE_MAC (LP_NONCE_LEN - NONCE_SIGNED)
/* seconds a nonce may seem issued in the future: cluster nodes' clocks
 * differ a little */
#define CLOCK_SKEW 5

static int tchar(char c)
{
    return apr_isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* The slot of a known parameter name, or NULL for an unknown one. */
static const char **slot(lp_digest_credentials *c, const char *name,
                         apr_size_t n)
{
    static const struct { const char *name; apr_size_t off; } names[] = {
#define F(x) { #x, APR_OFFSETOF(lp_digest_credentials, x) }
        F(username), F(realm), F(nonce), F(uri), F(response), F(algorithm),
        F(cnonce), F(opaque), F(qop), F(nc)
#undef F
    };
    apr_size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && !strncasecmp(names[i].name, name, n))
            return (const char **)((char *)c + names[i].off);
    return NULL;
}

int lp_digest_parse(apr_pool_t *p, const char *s, lp_digest_credentials *out)
{
    memset(out, 0, sizeof *out);
    s = skip_ows(s);
    while (*s) {
        const char *name = s, **dst;
        apr_size_t n;
        char *value;

        while (tchar(*s))
            s++;
        n = (apr_size_t)(s - name);
        s = skip_ows(s);
        if (!n || *s++ != '=')
            return -1;
        s = skip_ows(s);
        if (*s == '"') {
            char *w = value = apr_palloc(p, strlen(s));

            for (s++; *s && *s != '"'; s++) {
                if (*s == '\\' && s[1])
                    s++;
                if ((unsigned char)*s < 0x20 && *s != '\t')
                    return -1;
                *w++ = *s;
            }
            if (*s++ != '"')
                return -1;                  /* unterminated quoted-string */
            *w = '\0';
        }
        else {
            const char *v = s;

            while (tchar(*s) || *s == '/' || *s == ':' || *s == '@'
                   || *s == '=' || *s == '?' || *s == ';')
                s++;
            if (s == v)
                return -1;
            value = apr_pstrmemdup(p, v, (apr_size_t)(s - v));
        }
        dst = slot(out, name, n);
        if (dst) {
            if (*dst)
                return -1;                  /* repeated parameter */
            *dst = value;
        }
        s = skip_ows(s);
        if (*s == ',')
            s = skip_ows(s + 1);
        else if (*s)
            return -1;
    }
    if (!out->username || !out->realm || !out->nonce || !out->uri
        || !out->response)
        return -1;
    return 0;
}

/* hex(HMAC-SHA256(secret, data)), first `chars` characters. */
static void mac(char *out, apr_size_t chars, const lp_secret *secret,
                const char *data)
{
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char full[2 * EVP_MAX_MD_SIZE + 1];

    HMAC(EVP_sha256(), secret->bytes, (int)secret->len,
         (const unsigned char *)data, strlen(data), raw, &n);
    lp_hex(full, raw, n);
    memcpy(out, full, chars);
    out[chars] = '\0';
}

const char *lp_digest_nonce(apr_pool_t *p, const lp_secret *secret,
                            apr_time_t now, const unsigned char random[8])
{
    char *nonce = apr_palloc(p, LP_NONCE_LEN + 1);

    apr_snprintf(nonce, NONCE_TIME + 1, "%016" APR_UINT64_T_HEX_FMT,
                 (apr_uint64_t)apr_time_sec(now));
    lp_hex(nonce + NONCE_TIME, random, NONCE_RANDOM / 2);
    mac(nonce + NONCE_SIGNED, NONCE_MAC, secret,
        apr_pstrmemdup(p, nonce, NONCE_SIGNED));
    return nonce;
}

lp_nonce_state lp_digest_nonce_check(const lp_secret *secret,
                                     const char *nonce, apr_time_t now,
                                     apr_interval_time_t lifetime,
                                     apr_time_t *issued)
{
    char head[NONCE_SIGNED + 1], expect[NONCE_MAC + 1];
    apr_uint64_t t = 0;
    int i;

    if (strlen(nonce) != LP_NONCE_LEN)
        return LP_NONCE_FORGED;
    for (i = 0; i < LP_NONCE_LEN; i++)
        if (!apr_isxdigit(nonce[i]) || apr_isupper(nonce[i]))
            return LP_NONCE_FORGED;
    memcpy(head, nonce, NONCE_SIGNED);
    head[NONCE_SIGNED] = '\0';
    mac(expect, NONCE_MAC, secret, head);
    if (!lp_secure_equal(expect, nonce + NONCE_SIGNED))
        return LP_NONCE_FORGED;
    for (i = 0; i < NONCE_TIME; i++)
        t = (t << 4) | (apr_uint64_t)(apr_isdigit(nonce[i]) ? nonce[i] - '0'
                                      : nonce[i] - 'a' + 10);
    *issued = apr_time_from_sec((apr_time_t)t);
    if (*issued > now + apr_time_from_sec(CLOCK_SKEW)
        || now - *issued > lifetime)
        return LP_NONCE_STALE;
    return LP_NONCE_VALID;
}

const char *lp_digest_opaque(apr_pool_t *p, const lp_secret *secret,
                             const char *realm)
{
    char *out = apr_palloc(p, NONCE_MAC + 1);

    mac(out, NONCE_MAC, secret, apr_pstrcat(p, "opaque:", realm, NULL));
    return out;
}

const char *lp_digest_challenge(apr_pool_t *p, const char *realm,
                                const char *nonce, const char *opaque,
                                const char *algorithm, int stale)
{
    return apr_pstrcat(p, "Digest realm=", lp_sip_quote(p, realm),
                       ", qop=\"auth\", algorithm=", algorithm,
                       ", nonce=\"", nonce, "\", opaque=\"", opaque, "\"",
                       stale ? ", stale=true" : "", NULL);
}

const char *lp_digest_expected(apr_pool_t *p, const char *algorithm,
                               const char *ha1, const lp_digest_credentials *c,
                               const char *method)
{
    const char *a2 = apr_pstrcat(p, method, ":", c->uri, NULL);
    const char *ha2 = lp_digest_hex(p, algorithm, a2, strlen(a2));
    const char *kd;

    if (!ha2 || !c->nc || !c->cnonce || !c->qop)
        return NULL;
    kd = apr_pstrcat(p, ha1, ":", c->nonce, ":", c->nc, ":", c->cnonce, ":",
                     c->qop, ":", ha2, NULL);
    return lp_digest_hex(p, algorithm, kd, strlen(kd));
}

int lp_digest_nc(const char *nc, apr_uint32_t *value)
{
    apr_uint32_t v = 0;
    int i;

    if (!nc || strlen(nc) != 8)
        return -1;
    for (i = 0; i < 8; i++) {
        if (!apr_isxdigit(nc[i]))
            return -1;
        v = (v << 4) | (apr_uint32_t)(apr_isdigit(nc[i]) ? nc[i] - '0'
                                      : apr_tolower(nc[i]) - 'a' + 10);
    }
    *value = v;
    return 0;
}

int lp_secure_equal(const char *a, const char *b)
{
    apr_size_t n = strlen(a), m = strlen(b), i;
    unsigned char diff = (unsigned char)(n != m);

    for (i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (m ? m : 1)]);
    return diff == 0;
}
