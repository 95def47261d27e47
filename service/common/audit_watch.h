/*
 * Keeping watch over the audit log's hash chain (service/store/store_audit.h), so that
 * reading the log never means re-hashing all of it.
 *
 * A thread of its own re-computes the whole chain ("a full pass") every interval after the
 * last one ended, on the node that leads the periodic work (store_lead), the first
 * AUDIT_WATCH_FIRST_S after start when none was ever recorded; a pass asked for
 * (audit_watch_request) runs at once where it was asked. A pass checks AUDIT_WATCH_STEP entries
 * at a time, each step in its own read snapshot, and rests nine times as long as each step
 * took (so it takes at most a tenth of one core, whatever the log's size). What it finds is
 * kept in the store (store_audit_watch_*, migration 0038), so every node and the daemon after
 * a restart report the same: when the last intact pass ended, and the point up to which the
 * chain was then intact (the tail). audit_watch_report checks only the entries appended since
 * the tail (or since the further point this process has seen), starting from that point's own
 * entry: a log cut short or re-chained behind it is seen at once, an old entry edited in
 * place by the next full pass. A break is kept with when it was found (the same break found
 * again keeps its first time) and logged as an error; a later full pass that finds the chain
 * whole, with the tail it knew still in place (a restored database), clears it.
 */
#ifndef UJIKOM_AUDIT_WATCH_H
#define UJIKOM_AUDIT_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_audit.h"

/* Entries a full pass checks in one read snapshot. */
#define AUDIT_WATCH_STEP 5000
/* Seconds after start before the first full pass when none was ever recorded. */
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
  int64_t full_at_ms;           /* wall clock when the last intact full pass ended (0: none) */
  int64_t full_entries;         /* the entries that pass checked */
  int64_t since;                /* INTACT: entries after that pass, checked by the watch since */
  int64_t first_bad;            /* BROKEN: the first bad entry */
  enum store_audit_fault fault; /* BROKEN: how */
  int64_t found_at_ms;          /* BROKEN: wall clock when the break was found */
  bool running;                 /* a full pass is under way in this process */
  int64_t running_at;           /* ... and has checked this many entries */
};

/* Starts the watch over s's audit log, full passes every interval_s seconds (>= 1) as above. On 0,
 * *out is the caller's to stop with audit_watch_stop; -1 with a one-line message in err. */
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
