/*
 * exact_pools — an LD_PRELOAD library for the sanitizer and valgrind runs
 * of the test suite (test/httpd-wrapper.sh preloads it after the sanitizer
 * runtimes when LP_WRAP_EXACT_POOLS is set).
 *
 * APR pools carve allocations out of large blocks, so neither
 * AddressSanitizer nor memcheck sees a pool string overrun by a few bytes,
 * or a pointer used after its pool was cleared.  This library interposes
 * the pool functions mod_linphone_provisioning calls (apr_palloc, and so
 * apr_pcalloc; apr_pmemdup, apr_pstrdup, apr_pstrmemdup, apr_pstrndup,
 * apr_pstrcat, apr_psprintf, apr_pvsprintf): when the caller is the module
 * itself, the result lives in its own malloc block of exactly the size
 * asked for, freed by a cleanup of the pool (test/pool_interpose.h).
 * Every other caller (httpd, APR, mod_dbd...) gets real pool memory.
 *
 * The module's code range is learnt when httpd dlopen()s it (a restart
 * loads it again, at another address: the range follows).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apr_pools.h"
#include "apr_strings.h"

#define MODULE_NAME "mod_linphone_provisioning.so"

static volatile uintptr_t text_lo, text_hi;
static unsigned long exact_blocks;       /* racy count: a report, no more */

/* One line in the error log (httpd's stderr) when the process ends, so a
 * run shows the library was in effect. */
__attribute__((destructor)) static void report(void)
{
    char line[160];
    int n;

    if (!exact_blocks)
        return;
    n = snprintf(line, sizeof line, "exact_pools: %lu allocations of "
                 MODULE_NAME " made exact-size blocks in process %ld\n",
                 exact_blocks, (long)getpid());
    if (n > 0)
        (void)!write(2, line, (size_t)n);
}

static int find_text(struct dl_phdr_info *info, size_t size, void *data)
{
    const char *want = data;
    const char *name = info->dlpi_name;
    size_t n = strlen(name), m = strlen(want);
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    int i;

    if (n < m || strcmp(name + n - m, want))
        return 0;
    for (i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        if (info->dlpi_addr + ph->p_vaddr < lo)
            lo = info->dlpi_addr + ph->p_vaddr;
        if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
            hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    }
    if (hi) {
        text_lo = lo;
        text_hi = hi;
    }
    return 1;
}

void *dlopen(const char *file, int mode)
{
    static void *(*real)(const char *, int);
    void *h;

    if (!real)
        real = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
    h = real(file, mode);
    if (h && file) {
        size_t n = strlen(file), m = strlen(MODULE_NAME);

        if (n >= m && !strcmp(file + n - m, MODULE_NAME)) {
            text_lo = text_hi = 0;
            dl_iterate_phdr(find_text, (void *)MODULE_NAME);
        }
    }
    return h;
}

#define FROM_MODULE(ra) ((uintptr_t)(ra) >= text_lo \
                         && (uintptr_t)(ra) < text_hi)

static apr_status_t release(void *block)
{
    free(block);
    return APR_SUCCESS;
}

/* A block of exactly n bytes (1 for 0) that the pool frees. */
static void *pool_exact(apr_pool_t *p, apr_size_t n)
{
    void *b = malloc(n ? n : 1);

    if (!b)
        abort();
    exact_blocks++;
    apr_pool_cleanup_register(p, b, release, apr_pool_cleanup_null);
    return b;
}

#define POOL_EXACT_WANTED() FROM_MODULE(__builtin_return_address(0))
#include "pool_interpose.h"
