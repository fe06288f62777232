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
static inline void *fuzz_copy(const void *src, size_t n)
{
    void *b = fuzz_track(malloc(n ? n : 1));

    memcpy(b, src, n);
    return b;
}

/* Every block of the input, whatever the pool: freed by fuzz_end. */
static void *pool_exact(apr_pool_t *p, apr_size_t n)
{
    return fuzz_track(malloc(n ? n : 1));
}

#define POOL_EXACT_WANTED() fuzz_tracking
#include "../pool_interpose.h"

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
