/*
 * Keeping watch over the audit log's hash chain (service/store/store_audit.h), so that
 * reading the log never means re-hashing all of it.
 *
 * A thread of its own re-computes the whole chain AUDIT_WATCH_FIRST_S after start (or the
 * interval, when shorter) and then every interval after each ended ("a full pass"), a step of
 * AUDIT_WATCH_STEP entries at a time in its own read snapshot, resting nine times as long as each
 * step took (so it takes at most a tenth of one core, whatever the log's size). Between full
 * passes, audit_watch_report checks only the entries appended since the last point known to be
 * intact (the tail), starting from that point's own entry: a log cut short or re-chained behind it
 * is seen at once, an old entry edited in place by the next full pass. The first break found is
 * kept, with when it was found, and logged as an error; a later full pass that finds the chain
 * whole again (a restored database) clears it.
 */
#ifndef UJIKOM_AUDIT_WATCH_H
#define UJIKOM_AUDIT_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_audit.h"

/* Entries a full pass checks in one read snapshot. */
#define AUDIT_WATCH_STEP 5000
/* Seconds after start before the first full pass. */
#define AUDIT_WATCH_FIRST_S 60

struct store;
struct audit_watch;

enum audit_watch_state {
  AUDIT_WATCH_FIRST, /* no full pass has finished yet, and no break is known */
  AUDIT_WATCH_INTACT,
  AUDIT_WATCH_BROKEN,
  AUDIT_WATCH_UNKNOWN, /* the log could not be read just now */
};

/* What is known of the chain, as audit_watch_report tells it. */
struct audit_watch_report {
  enum audit_watch_state state;
  int64_t entries;              /* INTACT: the entries known intact, up to the newest */
  int64_t full_at_ms;           /* wall clock when the last full pass finished (0: none has) */
  int64_t full_entries;         /* the entries that pass checked */
  int64_t since;                /* INTACT: entries after that pass, checked by the watch since */
  int64_t first_bad;            /* BROKEN: the first bad entry */
  enum store_audit_fault fault; /* BROKEN: how */
  int64_t found_at_ms;          /* BROKEN: wall clock when the break was found */
  bool running;                 /* a full pass is under way */
  int64_t running_at;           /* ... and has checked this many entries */
};

/* Starts the watch over s's audit log: the first full pass AUDIT_WATCH_FIRST_S (or interval_s,
 * when shorter) from now, then one interval_s seconds (>= 1) after each ended. On 0, *out is the
 * caller's to stop with audit_watch_stop; -1 with a one-line message in err. */
int audit_watch_start(struct audit_watch **out, struct store *s, long interval_s, char *err,
                      size_t errlen);

/* Ends the pass under way (between two steps) and the thread, and frees w. NULL is a no-op. */
void audit_watch_stop(struct audit_watch *w);

/* Asks for a full pass now: at once when none is under way, else right after it. Returns
 * that pass's number, for audit_watch_wait. */
uint64_t audit_watch_request(struct audit_watch *w);

/* The chain as known now, after checking the entries appended since the tail (when the last
 * full pass found it intact). Thread-safe. */
void audit_watch_report(struct audit_watch *w, struct audit_watch_report *out);

/* Waits up to wait_ms for full pass number pass (audit_watch_request's) to finish: true when
 * it has. For tests. */
bool audit_watch_wait(struct audit_watch *w, uint64_t pass, int64_t wait_ms);

#endif
