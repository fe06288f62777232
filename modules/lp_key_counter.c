/*
 * lp_key_counter — the slot table of API key uses (see lp_key_counter.h).
 * Pure: no httpd, no locking (the caller's).
 */
#include "lp_key_counter.h"

#include <string.h>

static apr_uint32_t round_up(apr_uint32_t n)
{
    apr_uint32_t p = 1;

    while (p < n && p < 0x80000000u)
        p <<= 1;
    return p;
}

apr_size_t lp_kc_size(apr_uint32_t nslots)
{
    return sizeof(lp_kc_table) + (round_up(nslots) - 1) * sizeof(lp_kc_slot);
}

lp_kc_table *lp_kc_init(void *mem, apr_uint32_t nslots)
{
    lp_kc_table *t = mem;

    memset(mem, 0, lp_kc_size(nslots));
    t->nslots = round_up(nslots);
    return t;
}

/* The key's slot, or the free slot where it would go (create), or NULL. */
static lp_kc_slot *find(const lp_kc_table *t, apr_uint32_t server,
                        apr_int64_t id, int create)
{
    apr_uint32_t mask = t->nslots - 1;
    apr_uint32_t i = (apr_uint32_t)(((apr_uint64_t)id * 2654435761u)
                                    ^ (server * 40503u)) & mask;
    apr_uint32_t n;

    for (n = 0; n < t->nslots; n++, i = (i + 1) & mask) {
        lp_kc_slot *s = (lp_kc_slot *)&t->slot[i];

        if (s->id == id && s->server == server)
            return s;
        if (!s->id)
            return create ? s : NULL;
    }
    return NULL;
}

apr_time_t lp_kc_last(const lp_kc_table *t, apr_uint32_t server,
                      apr_int64_t id)
{
    const lp_kc_slot *s = find(t, server, id, 0);

    return s ? s->last : 0;
}

static void take(lp_kc_slot *s, apr_time_t now, lp_kc_write *w)
{
    w->id = s->id;
    w->server = s->server;
    w->n = s->pending;
    w->last = s->last;
    s->pending = 0;
    s->written = now;
}

int lp_kc_count(lp_kc_table *t, apr_uint32_t server, apr_int64_t id,
                apr_time_t now, apr_interval_time_t interval,
                lp_kc_write *w)
{
    /* with no interval, a slot exists only for uses given back: they go
     * with this one */
    lp_kc_slot *s = id ? find(t, server, id, interval > 0) : NULL;

    if (!s) {
        /* no room (or nothing to wait for): this use alone, now */
        w->id = id;
        w->server = server;
        w->n = 1;
        w->last = now;
        return 1;
    }
    if (!s->id) {
        s->id = id;
        s->server = server;
        t->used++;
    }
    s->pending++;
    if (now > s->last)
        s->last = now;
    if (s->written && now - s->written < interval && now >= s->written)
        return 0;
    take(s, now, w);
    return 1;
}

int lp_kc_take(lp_kc_table *t, apr_uint32_t *cursor, lp_kc_write *w)
{
    for (; *cursor < t->nslots; (*cursor)++) {
        lp_kc_slot *s = &t->slot[*cursor];

        if (s->id && s->pending) {
            take(s, s->written, w);
            (*cursor)++;
            return 1;
        }
    }
    return 0;
}

void lp_kc_give_back(lp_kc_table *t, const lp_kc_write *w)
{
    lp_kc_slot *s = find(t, w->server, w->id, 1);

    if (!s)
        return;
    if (!s->id) {
        s->id = w->id;
        s->server = w->server;
        t->used++;
    }
    s->pending += w->n;
    if (w->last > s->last)
        s->last = w->last;
}
