/* Unit tests: the slot table of API key uses (lp_key_counter.c). */
#include "tap.h"
#include "lp_key_counter.h"

#include <stdio.h>
#include <stdlib.h>

#define SEC(n) apr_time_from_sec(n)

int main(void)
{
    apr_size_t size = lp_kc_size(4);
    void *mem = malloc(size);
    lp_kc_table *t = lp_kc_init(mem, 3);
    lp_kc_write w;
    apr_uint32_t cursor, n, i;
    apr_time_t t0 = SEC(1000000);
    char buf[16];

    ok(t->nslots == 4, "slots rounded up to a power of two");
    ok(lp_kc_last(t, 0, 7) == 0, "an unknown key has no last use");

    /* the first use of a key is written at once */
    ok(lp_kc_count(t, 0, 7, t0, SEC(5), &w) == 1, "first use: written now");
    ok(w.id == 7 && w.n == 1 && w.last == t0, "first use: one use at t0");
    /* then uses wait for the interval */
    ok(lp_kc_count(t, 0, 7, t0 + SEC(1), SEC(5), &w) == 0, "second use waits");
    ok(lp_kc_count(t, 0, 7, t0 + SEC(2), SEC(5), &w) == 0, "third use waits");
    ok(lp_kc_last(t, 0, 7) == t0 + SEC(2), "last use: the freshest, pending");
    ok(lp_kc_count(t, 0, 7, t0 + SEC(5), SEC(5), &w) == 1,
       "a use an interval after the last write is written");
    ok(w.n == 3 && w.last == t0 + SEC(5), "it takes every pending use");
    ok(lp_kc_last(t, 0, 7) == t0 + SEC(5), "last use kept once written");

    /* keys are apart, and so are the same ids of two virtual hosts */
    ok(lp_kc_count(t, 1, 7, t0 + SEC(6), SEC(5), &w) == 1
       && w.server == 1 && w.n == 1, "another server's key 7 is its own");
    ok(lp_kc_count(t, 0, 7, t0 + SEC(6), SEC(5), &w) == 0,
       "server 0's key 7 still waits");
    snprintf(buf, sizeof buf, "%u", t->used);
    is(buf, "2", "two slots used");

    /* interval 0: every use written, nothing pending */
    ok(lp_kc_count(t, 0, 9, t0, 0, &w) == 1 && w.n == 1, "interval 0");
    ok(lp_kc_count(t, 0, 9, t0, 0, &w) == 1 && w.n == 1, "interval 0 again");
    lp_kc_give_back(t, &w);
    ok(lp_kc_count(t, 0, 9, t0, 0, &w) == 1 && w.n == 2,
       "interval 0: uses given back go with the next one");

    /* the flush of the whole table takes each pending key once */
    ok(lp_kc_count(t, 1, 7, t0 + SEC(7), SEC(5), &w) == 0, "pending on 1");
    cursor = 0;
    n = 0;
    while (lp_kc_take(t, &cursor, &w))
        n += w.n;
    ok(n == 2, "flush: the two pending uses (none of key 9's left)");
    cursor = 0;
    ok(lp_kc_take(t, &cursor, &w) == 0, "flush again: nothing");
    ok(lp_kc_last(t, 1, 7) == t0 + SEC(7), "flush keeps the last use");

    /* a failed write is given back and goes with the next one */
    ok(lp_kc_count(t, 0, 7, t0 + SEC(20), SEC(5), &w) == 1, "due again");
    lp_kc_give_back(t, &w);
    ok(lp_kc_count(t, 0, 7, t0 + SEC(30), SEC(5), &w) == 1 && w.n == 2,
       "given back: counted with the next write");

    /* a full table writes through */
    for (i = 100; i < 104; i++)
        lp_kc_count(t, 0, i, t0, SEC(5), &w);
    ok(t->used == t->nslots, "table full");
    ok(lp_kc_count(t, 0, 555, t0, SEC(5), &w) == 1 && w.n == 1
       && w.id == 555, "full: a new key is written at once");
    ok(lp_kc_count(t, 0, 555, t0 + 1, SEC(5), &w) == 1 && w.n == 1,
       "full: every use of it");

    /* a clock that went back does not hold uses for ever */
    lp_kc_init(mem, 4);
    lp_kc_count(t, 0, 1, t0, SEC(5), &w);
    ok(lp_kc_count(t, 0, 1, t0 - SEC(60), SEC(5), &w) == 1,
       "clock went back: written");

    free(mem);
    return tap_done();
}
