/*
 * Shared by the libFuzzer targets of test/fuzz (built with clang,
 * -fsanitize=fuzzer,address,undefined by `make -f Makefile.apxs fuzz`).
 *
 * APR pools hand out pieces of large blocks, so AddressSanitizer would not
 * see a pool string overrun by a few bytes.  While an input runs, the pool
 * functions the pure units call (apr_palloc and apr_pcalloc, which is a
 * macro over it, apr_pmemdup, apr_pstrmemdup, apr_pstrdup, apr_pstrndup,
 * apr_pstrcat, apr_psprintf) are replaced here by exact-size malloc blocks,
 * all freed when the input is done: one byte too far is a heap overflow
 * report, a pointer kept past the input a use-after-free report.
 * libapr's own internal calls still use real pool memory.
 */
#ifndef LP_FUZZ_H
#define LP_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"
#include "apr_strings.h"
#include <libxml/parser.h>

/* A property a target checks: a failure aborts (a crash for libFuzzer). */
#define FUZZ_ASSERT(cond) do { if (!(cond)) { \
        fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
                #cond); abort(); } } while (0)

static apr_pool_t *fuzz_root;
static int fuzz_tracking;
static void **fuzz_blocks;
static size_t fuzz_nblocks, fuzz_cap;

static void *fuzz_track(void *b)
{
    if (!b)
        abort();
    if (fuzz_nblocks == fuzz_cap) {
        fuzz_cap = fuzz_cap ? 2 * fuzz_cap : 256;
        fuzz_blocks = realloc(fuzz_blocks, fuzz_cap * sizeof *fuzz_blocks);
        if (!fuzz_blocks)
            abort();
    }
    fuzz_blocks[fuzz_nblocks++] = b;
    return b;
}

/* An exact-size copy of n bytes (plus nothing: the caller's size counts
 * any terminator). */
static void *fuzz_copy(const void *src, size_t n)
{
    void *b = fuzz_track(malloc(n ? n : 1));

    memcpy(b, src, n);
    return b;
}

#define REAL(name) \
    static __typeof__(name) *real; \
    if (!real) \
        real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

void *apr_palloc(apr_pool_t *p, apr_size_t n)
{
    REAL(apr_palloc);
    if (!fuzz_tracking)
        return real(p, n);
    return fuzz_track(malloc(n ? n : 1));
}

void *apr_pmemdup(apr_pool_t *p, const void *m, apr_size_t n)
{
    REAL(apr_pmemdup);
    if (!fuzz_tracking || !m)
        return real(p, m, n);
    return fuzz_copy(m, n);
}

char *apr_pstrmemdup(apr_pool_t *p, const char *s, apr_size_t n)
{
    char *out;

    REAL(apr_pstrmemdup);
    if (!fuzz_tracking || !s)
        return real(p, s, n);
    out = fuzz_track(malloc(n + 1));
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

char *apr_pstrdup(apr_pool_t *p, const char *s)
{
    REAL(apr_pstrdup);
    if (!fuzz_tracking || !s)
        return real(p, s);
    return fuzz_copy(s, strlen(s) + 1);
}

char *apr_pstrndup(apr_pool_t *p, const char *s, apr_size_t n)
{
    REAL(apr_pstrndup);
    if (!fuzz_tracking || !s)
        return real(p, s, n);
    return apr_pstrmemdup(p, s, strnlen(s, n));
}

char *apr_pvsprintf(apr_pool_t *p, const char *fmt, va_list ap)
{
    char *s;

    REAL(apr_pvsprintf);
    s = real(p, fmt, ap);
    return fuzz_tracking && s ? fuzz_copy(s, strlen(s) + 1) : s;
}

char *apr_psprintf(apr_pool_t *p, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = apr_pvsprintf(p, fmt, ap);
    va_end(ap);
    return s;
}

char *apr_pstrcat(apr_pool_t *p, ...)
{
    va_list ap;
    const char *s;
    size_t n = 0;
    char *out, *w;

    va_start(ap, p);
    while ((s = va_arg(ap, const char *)) != NULL)
        n += strlen(s);
    va_end(ap);
    out = w = fuzz_tracking ? fuzz_track(malloc(n + 1))
                            : apr_palloc(p, n + 1);
    va_start(ap, p);
    while ((s = va_arg(ap, const char *)) != NULL) {
        size_t k = strlen(s);

        memcpy(w, s, k);
        w += k;
    }
    va_end(ap);
    *w = '\0';
    return out;
}

/* The pool of one input: every target starts and ends with these. */
static apr_pool_t *fuzz_begin(void)
{
    apr_pool_t *p;

    if (!fuzz_root) {
        apr_initialize();
        apr_pool_create(&fuzz_root, NULL);
        xmlInitParser();
    }
    apr_pool_create(&p, fuzz_root);
    fuzz_tracking = 1;
    return p;
}

static void fuzz_end(apr_pool_t *p)
{
    size_t i;

    apr_pool_destroy(p);           /* cleanups (xmlFreeDoc) still see it all */
    for (i = 0; i < fuzz_nblocks; i++)
        free(fuzz_blocks[i]);
    fuzz_nblocks = 0;
    fuzz_tracking = 0;
}

/* The input as a C string (cut at its first NUL), in a block of exactly
 * strlen + 1 bytes, as a header value is. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    size_t n = strnlen((const char *)data, size);
    char *s = fuzz_track(malloc(n + 1));

    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

/* libxml2 well-formedness of a rendered document. */
static inline int fuzz_well_formed(const char *text, size_t len)
{
    xmlDocPtr back = xmlReadMemory(text, (int)len, NULL, NULL,
                                   XML_PARSE_NONET | XML_PARSE_NOERROR
                                   | XML_PARSE_NOWARNING);

    if (!back)
        return 0;
    xmlFreeDoc(back);
    return 1;
}

#endif
