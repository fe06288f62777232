/*
 * pool_interpose — APR pool functions replaced by exact-size malloc blocks,
 * so that AddressSanitizer and memcheck see a pool string overrun by a
 * byte, or a pointer used after its pool was cleared (APR pools carve
 * allocations out of large blocks, where neither notices).
 *
 * Interposed: apr_palloc (and so apr_pcalloc, a macro over it),
 * apr_pmemdup, apr_pstrdup, apr_pstrmemdup, apr_pstrndup, apr_pvsprintf,
 * apr_psprintf, apr_pstrcat.  The includer defines, before including:
 *   POOL_EXACT_WANTED()  true when this call must get an exact block (it
 *                        is expanded inside each interposed function, so
 *                        __builtin_return_address(0) names its caller);
 *   static void *pool_exact(apr_pool_t *p, apr_size_t n);
 *                        a block of exactly n bytes (1 for 0), freed
 *                        later by the includer's own rule.
 * Other calls get real pool memory.  Used by test/exact_pools.c (the
 * module's calls inside httpd) and test/fuzz/fuzz.h (one fuzz input's).
 */
#ifndef POOL_INTERPOSE_H
#define POOL_INTERPOSE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdarg.h>
#include <string.h>

#include "apr_pools.h"
#include "apr_strings.h"

#define REAL(name) \
    static __typeof__(name) *real; \
    if (!real) \
        real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static void *pool_exact_copy(apr_pool_t *p, const void *src, apr_size_t n)
{
    void *b = pool_exact(p, n);

    memcpy(b, src, n);
    return b;
}

/* n bytes of s and a NUL, in an exact block */
static char *pool_exact_strn(apr_pool_t *p, const char *s, apr_size_t n)
{
    char *out = pool_exact(p, n + 1);

    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

void *apr_palloc(apr_pool_t *p, apr_size_t n)
{
    REAL(apr_palloc);
    if (!POOL_EXACT_WANTED())
        return real(p, n);
    return pool_exact(p, n);
}

void *apr_pmemdup(apr_pool_t *p, const void *m, apr_size_t n)
{
    REAL(apr_pmemdup);
    if (!POOL_EXACT_WANTED() || !m)
        return real(p, m, n);
    return pool_exact_copy(p, m, n);
}

char *apr_pstrdup(apr_pool_t *p, const char *s)
{
    REAL(apr_pstrdup);
    if (!POOL_EXACT_WANTED() || !s)
        return real(p, s);
    return pool_exact_copy(p, s, strlen(s) + 1);
}

char *apr_pstrmemdup(apr_pool_t *p, const char *s, apr_size_t n)
{
    REAL(apr_pstrmemdup);
    if (!POOL_EXACT_WANTED() || !s)
        return real(p, s, n);
    return pool_exact_strn(p, s, n);
}

char *apr_pstrndup(apr_pool_t *p, const char *s, apr_size_t n)
{
    REAL(apr_pstrndup);
    if (!POOL_EXACT_WANTED() || !s)
        return real(p, s, n);
    return pool_exact_strn(p, s, strnlen(s, n));
}

char *apr_pvsprintf(apr_pool_t *p, const char *fmt, va_list ap)
{
    char *s;

    REAL(apr_pvsprintf);
    s = real(p, fmt, ap);
    if (!POOL_EXACT_WANTED() || !s)
        return s;
    return pool_exact_copy(p, s, strlen(s) + 1);
}

char *apr_psprintf(apr_pool_t *p, const char *fmt, ...)
{
    REAL(apr_pvsprintf);
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = real(p, fmt, ap);
    va_end(ap);
    if (!POOL_EXACT_WANTED() || !s)
        return s;
    return pool_exact_copy(p, s, strlen(s) + 1);
}

char *apr_pstrcat(apr_pool_t *p, ...)
{
    va_list ap;
    const char *s;
    apr_size_t n = 0;
    char *out, *w;

    va_start(ap, p);
    while ((s = va_arg(ap, const char *)) != NULL)
        n += strlen(s);
    va_end(ap);
    if (POOL_EXACT_WANTED())
        out = pool_exact(p, n + 1);
    else {
        REAL(apr_palloc);
        out = real(p, n + 1);
    }
    w = out;
    va_start(ap, p);
    while ((s = va_arg(ap, const char *)) != NULL) {
        apr_size_t k = strlen(s);

        memcpy(w, s, k);
        w += k;
    }
    va_end(ap);
    *w = '\0';
    return out;
}

#endif
