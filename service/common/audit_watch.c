/*
 * The audit chain's watch: full passes on a thread of its own, on the node that leads the
 * periodic work, what they find kept in the store, and the entries appended since checked on
 * demand (see audit_watch.h).
 */
#include "common/audit_watch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "store/store.h"
#include "ujikom/clock.h"

struct audit_watch {
  struct store *store;
  int64_t interval_ms;
  int64_t started_ms;  /* wall clock at audit_watch_start */
  int64_t last_end_ms; /* wall clock when this process's last full pass ended (0: none) */
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;   /* the thread's: a pass asked for, or stop */
  pthread_cond_t passed; /* a full pass ended */
  bool stopping;
  uint64_t started, finished, asked; /* full passes: numbers started, ended, asked for */
  bool running;
  int64_t running_at;
  /* how far this process has seen the chain intact since the kept full check: a report moves
   * it on, so that the next checks only what came after (none: the kept tail) */
  bool have_tail;
  struct store_audit_mark tail;
};

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* What the store keeps; false (logged) when it cannot be read. */
static bool kept(struct audit_watch *w, struct store_audit_watch *out) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(w->store, &rd);
  if (STORE_OK == rc) {
    rc = store_audit_watch_get(rd, out);
  }
  store_rd_end(rd);
  if (STORE_OK != rc && STORE_NONE != rc) {
    log_msg(LOG_WARN, NULL, "audit log: the watch's record cannot be read (%s)", store_rc_name(rc));
    return false;
  }
  return true;
}

struct keep_args {
  bool broken;
  int64_t seq, full_entries;
  enum store_audit_fault fault;
  struct store_audit_mark tail;
};

static int keep_tx(struct store_tx *tx, void *arg) {
  const struct keep_args *a = arg;
  return a->broken ? store_audit_watch_broken(tx, a->seq, a->fault)
                   : store_audit_watch_full(tx, a->full_entries, &a->tail);
}

/* Keeps a break in the store (logged as an error; why: the reason in English, or NULL when
 * it was already kept, which is not logged again). */
static void keep_break(struct audit_watch *w, int64_t seq, enum store_audit_fault fault,
                       const char *why) {
  struct keep_args a = {.broken = true, .seq = seq, .fault = fault};
  if (NULL != why) {
    log_msg(LOG_ERROR, NULL, "audit log: the hash chain is broken: %s", why);
  }
  int rc = store_txn(w->store, keep_tx, &a);
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, NULL, "audit log: the break cannot be recorded (%s)", store_rc_name(rc));
  }
}

/* The point this process or the store knows the chain intact up to, the further of the two
 * (the start mark when neither knows one). */
static struct store_audit_mark known_tail(struct audit_watch *w,
                                          const struct store_audit_watch *k) {
  struct store_audit_mark t = k->tail;
  pthread_mutex_lock(&w->lock);
  if (w->have_tail && w->tail.seq > t.seq) {
    t = w->tail;
  }
  pthread_mutex_unlock(&w->lock);
  return t;
}

static void move_tail(struct audit_watch *w, const struct store_audit_mark *t) {
  pthread_mutex_lock(&w->lock);
  if (!w->have_tail || w->tail.seq < t->seq) {
    w->tail = *t;
    w->have_tail = true;
  }
  pthread_mutex_unlock(&w->lock);
}

/* A full pass has reached the log's end at m: the point known intact before it must still be
 * there with its hash (checked on from it when it lies past m), and then the pass is kept,
 * with the further of the two as the tail. Called without the lock. */
static void finish_pass(struct audit_watch *w, const struct store_audit_mark *m, int64_t took_ms) {
  struct store_audit_watch k;
  if (!kept(w, &k)) {
    return;
  }
  struct store_audit_mark before = known_tail(w, &k), tail = *m;
  bool end = false;
  int64_t bad = 0;
  enum store_audit_fault fault = STORE_AUDIT_INTACT;
  char why[256] = "";
  int rc = STORE_OK;
  if (before.seq > 0) {
    struct store_audit_mark at = before;
    rc = store_audit_check(w->store, &at, before.seq > m->seq ? 0 : 1, &end, &bad, &fault, why,
                           sizeof why);
    if (STORE_OK == rc && before.seq > m->seq) {
      tail = at;
    }
  }
  if (STORE_CONFLICT == rc) {
    keep_break(w, bad, fault, why);
    return;
  }
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, NULL, "audit log: the full check's end cannot be read (%s)",
            store_rc_name(rc));
    return;
  }
  struct keep_args a = {.full_entries = m->seq, .tail = tail};
  rc = store_txn(w->store, keep_tx, &a);
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, NULL, "audit log: the full check cannot be recorded (%s)", store_rc_name(rc));
    return;
  }
  move_tail(w, &tail);
  if (k.broken_seq > 0) {
    log_msg(LOG_INFO, NULL, "audit log: the hash chain is whole again");
  }
  log_msg(LOG_INFO, NULL, "audit log: %lld entries intact (full check, %lld ms)", (long long)m->seq,
          (long long)took_ms);
}

/* Waits on the thread's condition until until_mono_ms, a stop or (wake_on_ask) a pass asked
 * for (under the lock); true when stopping. */
static bool rest(struct audit_watch *w, int64_t until_mono_ms, bool wake_on_ask) {
  while (!w->stopping && !(wake_on_ask && w->asked > w->started)) {
    int64_t left = until_mono_ms - clock_mono_ms();
    if (left <= 0) {
      break;
    }
    struct timespec until = clock_realtime_after(left);
    pthread_cond_timedwait(&w->wake, &w->lock, &until);
  }
  return w->stopping;
}

/* One full pass, a step at a time, resting nine times each step's time after it. Called and
 * returns with the lock held. */
static void full_pass(struct audit_watch *w) {
  struct store_audit_mark at;
  int64_t began = clock_mono_ms();
  store_audit_mark_start(&at);
  for (;;) {
    bool end = false;
    int64_t bad = 0;
    enum store_audit_fault fault = STORE_AUDIT_INTACT;
    char why[256] = "";
    pthread_mutex_unlock(&w->lock);
    int64_t t0 = mono_us();
    int rc =
        store_audit_check(w->store, &at, AUDIT_WATCH_STEP, &end, &bad, &fault, why, sizeof why);
    int64_t took_us = mono_us() - t0;
    if (STORE_CONFLICT == rc) {
      keep_break(w, bad, fault, why);
    } else if (STORE_OK == rc && end) {
      finish_pass(w, &at, clock_mono_ms() - began);
    } else if (STORE_OK != rc) {
      log_msg(LOG_WARN, NULL, "audit log: the full check stopped at entry %lld (%s)",
              (long long)at.seq, store_rc_name(rc));
    }
    pthread_mutex_lock(&w->lock);
    w->running_at = at.seq;
    if (STORE_OK != rc || end) {
      return;
    }
    int64_t rest_ms = took_us * 9 / 1000;
    if (rest(w, clock_mono_ms() + (rest_ms < 1 ? 1 : rest_ms), false)) {
      return;
    }
  }
}

/* Milliseconds until the next full pass is due: the interval after the last one kept or run
 * here, or AUDIT_WATCH_FIRST_S after start (the interval when shorter) when none is known.
 * Called without the lock. */
static int64_t due_in_ms(struct audit_watch *w) {
  struct store_audit_watch k;
  int64_t now = clock_wall_ms(), last = 0;
  if (kept(w, &k)) {
    last = k.full_at_ms;
  }
  pthread_mutex_lock(&w->lock);
  if (w->last_end_ms > last) {
    last = w->last_end_ms;
  }
  pthread_mutex_unlock(&w->lock);
  int64_t first = (int64_t)AUDIT_WATCH_FIRST_S * 1000;
  int64_t due = last > 0 ? last + w->interval_ms
                         : w->started_ms + (w->interval_ms < first ? w->interval_ms : first);
  return due - now;
}

/* The periodic passes run on the node that leads the periodic work (store_lead); one asked
 * for runs where it was asked. The due time is looked at again at least every minute, so a
 * pass another node ran moves it, and a node that takes over the lead finds it. */
static void *watch_main(void *arg) {
  struct audit_watch *w = arg;
  pthread_mutex_lock(&w->lock);
  while (!w->stopping) {
    bool asked = w->asked > w->started;
    if (!asked) {
      pthread_mutex_unlock(&w->lock);
      int64_t wait = due_in_ms(w);
      bool lead = wait <= 0 && STORE_OK == store_lead(w->store);
      pthread_mutex_lock(&w->lock);
      if (!lead) {
        int64_t nap = wait <= 0 || wait > 60000 ? 60000 : wait;
        rest(w, clock_mono_ms() + nap, true);
        continue;
      }
    }
    w->started++;
    w->running = true;
    w->running_at = 0;
    full_pass(w);
    w->running = false;
    w->finished = w->started;
    w->last_end_ms = clock_wall_ms();
    pthread_cond_broadcast(&w->passed);
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

int audit_watch_start(struct audit_watch **out, struct store *s, long interval_s, char *err,
                      size_t errlen) {
  struct audit_watch *w = NULL;
  *out = NULL;
  if (NULL == s || interval_s < 1) {
    snprintf(err, errlen, "audit watch: no store, or an interval under a second");
    return -1;
  }
  w = calloc(1, sizeof *w);
  if (NULL == w) {
    snprintf(err, errlen, "audit watch: out of memory");
    return -1;
  }
  w->store = s;
  w->interval_ms = (int64_t)interval_s * 1000;
  w->started_ms = clock_wall_ms();
  store_audit_mark_start(&w->tail);
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->wake, NULL);
  pthread_cond_init(&w->passed, NULL);
  if (0 != pthread_create(&w->thread, NULL, watch_main, w)) {
    pthread_cond_destroy(&w->passed);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
    snprintf(err, errlen, "audit watch: cannot start its thread");
    return -1;
  }
  *out = w;
  return 0;
}

void audit_watch_stop(struct audit_watch *w) {
  if (NULL == w) {
    return;
  }
  pthread_mutex_lock(&w->lock);
  w->stopping = true;
  pthread_cond_broadcast(&w->wake);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->passed);
  pthread_cond_destroy(&w->wake);
  pthread_mutex_destroy(&w->lock);
  free(w);
}

uint64_t audit_watch_request(struct audit_watch *w) {
  pthread_mutex_lock(&w->lock);
  uint64_t pass = w->started + 1; /* the next to start, whether one runs now or not */
  if (w->asked < pass) {
    w->asked = pass;
  }
  pthread_cond_broadcast(&w->wake);
  pthread_mutex_unlock(&w->lock);
  return pass;
}

bool audit_watch_wait(struct audit_watch *w, uint64_t pass, int64_t wait_ms) {
  struct timespec until = clock_realtime_after(wait_ms);
  pthread_mutex_lock(&w->lock);
  while (w->finished < pass && !w->stopping) {
    if (0 != pthread_cond_timedwait(&w->passed, &w->lock, &until)) {
      break;
    }
  }
  bool done = w->finished >= pass;
  pthread_mutex_unlock(&w->lock);
  return done;
}

/* The report's parts that come from what is kept and from the pass under way. */
static void report_from(struct audit_watch *w, const struct store_audit_watch *k,
                        struct audit_watch_report *out) {
  memset(out, 0, sizeof *out);
  out->full_at_ms = k->full_at_ms;
  out->full_entries = k->full_entries;
  pthread_mutex_lock(&w->lock);
  out->running = w->running;
  out->running_at = w->running_at;
  pthread_mutex_unlock(&w->lock);
  if (k->broken_seq > 0) {
    out->state = AUDIT_WATCH_BROKEN;
    out->first_bad = k->broken_seq;
    out->fault = k->fault;
    out->found_at_ms = k->found_at_ms;
  } else {
    out->state = k->full_at_ms > 0 ? AUDIT_WATCH_INTACT : AUDIT_WATCH_FIRST;
  }
}

void audit_watch_report(struct audit_watch *w, struct audit_watch_report *out) {
  struct store_audit_watch k;
  if (!kept(w, &k)) {
    memset(out, 0, sizeof *out);
    out->state = AUDIT_WATCH_UNKNOWN;
    return;
  }
  report_from(w, &k, out);
  if (AUDIT_WATCH_INTACT != out->state) {
    return;
  }
  struct store_audit_mark at = known_tail(w, &k);
  bool end = false;
  int64_t bad = 0;
  enum store_audit_fault fault = STORE_AUDIT_INTACT;
  char why[256] = "";
  int rc = store_audit_check(w->store, &at, 0, &end, &bad, &fault, why, sizeof why);
  if (STORE_CONFLICT == rc) {
    keep_break(w, bad, fault, why);
    if (kept(w, &k)) {
      report_from(w, &k, out);
    }
    if (AUDIT_WATCH_BROKEN != out->state) { /* not kept: say what was found all the same */
      out->state = AUDIT_WATCH_BROKEN;
      out->first_bad = bad;
      out->fault = fault;
      out->found_at_ms = clock_wall_ms();
    }
    return;
  }
  if (STORE_OK != rc) {
    out->state = AUDIT_WATCH_UNKNOWN;
    return;
  }
  move_tail(w, &at);
  out->entries = at.seq;
  out->since = at.seq - k.full_entries;
}
