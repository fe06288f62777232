/*
 * lp_key_counter — API key uses counted in memory shared by the children,
 * written to the database at most once per key per interval.
 *
 * The table is a fixed array of slots in one memory block (shared memory
 * in the server, plain memory in the unit tests); the caller serialises
 * every call (a global mutex in the server).  A slot belongs to one key of
 * one virtual host for the life of the table.  A use is written at once
 * when the key's last write is at least an interval old, otherwise it
 * waits in the slot and goes with the key's next due write, or with the
 * flush of the whole table when a child exits (graceful restart, stop).
 */
#ifndef LP_KEY_COUNTER_H
#define LP_KEY_COUNTER_H

#include "apr.h"
#include "apr_time.h"

typedef struct {
    apr_int64_t id;          /* api_keys.id; 0: free slot */
    apr_uint32_t server;     /* the virtual host's index: its database */
    apr_uint32_t pending;    /* uses not written yet */
    apr_time_t last;         /* the latest use counted, written or not */
    apr_time_t written;      /* when this key's uses were last taken */
} lp_kc_slot;

typedef struct {
    apr_uint32_t nslots;     /* a power of two */
    apr_uint32_t used;
    lp_kc_slot slot[1];
} lp_kc_table;

/* What to write: requests = requests + n, last_used_at = the later of
 * last and the stored value. */
typedef struct {
    apr_int64_t id;
    apr_uint32_t server;
    apr_uint32_t n;
    apr_time_t last;
} lp_kc_write;

/** Bytes for a table of nslots slots (rounded up to a power of two). */
apr_size_t lp_kc_size(apr_uint32_t nslots);
/** Lays an empty table out in mem (lp_kc_size(nslots) bytes). */
lp_kc_table *lp_kc_init(void *mem, apr_uint32_t nslots);
/** The latest use of the key counted here (0: none). */
apr_time_t lp_kc_last(const lp_kc_table *t, apr_uint32_t server,
                      apr_int64_t id);
/** Counts one use at now.  Returns 1 with *w filled when it is to be
 *  written now (the key's last write is at least interval old, interval
 *  is 0, or the table is full), the pending uses being taken; 0 when the
 *  use waits in the table. */
int lp_kc_count(lp_kc_table *t, apr_uint32_t server, apr_int64_t id,
                apr_time_t now, apr_interval_time_t interval,
                lp_kc_write *w);
/** Takes the pending uses of the next slot from *cursor on (start at 0):
 *  1 with *w filled, 0 when none is left. */
int lp_kc_take(lp_kc_table *t, apr_uint32_t *cursor, lp_kc_write *w);
/** Puts back uses whose write failed, to go with the next one. */
void lp_kc_give_back(lp_kc_table *t, const lp_kc_write *w);

#endif
