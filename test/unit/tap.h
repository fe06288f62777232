/* A minimal TAP producer for the unit tests (read by Apache::Test's
 * harness through the .t files of t/unit). */
#ifndef LP_TAP_H
#define LP_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, name) tap_ok(!!(cond), name, __FILE__, __LINE__)
#define is(got, want, name) tap_is(got, want, name, __FILE__, __LINE__)

static void tap_ok(int pass, const char *name, const char *file, int line)
{
    printf("%sok %d - %s\n", pass ? "" : "not ", ++tap_n, name);
    if (!pass) {
        tap_failed++;
        printf("#   failed at %s line %d\n", file, line);
    }
}

static void tap_is(const char *got, const char *want, const char *name,
                   const char *file, int line)
{
    int pass = (got == NULL && want == NULL)
               || (got && want && strcmp(got, want) == 0);

    tap_ok(pass, name, file, line);
    if (!pass)
        printf("#   got: '%s'\n#   expected: '%s'\n", got ? got : "(null)",
               want ? want : "(null)");
}

static int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
