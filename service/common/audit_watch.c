/*
 * The audit chain's watch: full passes on a thread of their own, and the tail checked on
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
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;   /* the thread's: a pass asked for, or stop */
  pthread_cond_t passed; /* a full pass finished */
  bool stopping;
  uint64_t started, finished, asked; /* full passes: numbers started, finished, asked for */
  bool running;
  int64_t running_at;
  /* the last full pass that found the chain intact, and the point known intact since */
  int64_t full_at_ms, full_entries;
  bool have_tail;
  struct store_audit_mark tail;
  /* the first break found, until a full pass finds the chain whole */
  bool broken;
  int64_t first_bad, found_at_ms;
  enum store_audit_fault fault;
};

static int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Keeps the break found (under the lock); logged when it is news. */
static void note_break(struct audit_watch *w, int64_t bad, enum store_audit_fault fault,
                       const char *why) {
  if (!w->broken || w->first_bad != bad || w->fault != fault) {
    log_msg(LOG_ERROR, NULL, "audit log: the hash chain is broken: %s", why);
    w->broken = true;
    w->first_bad = bad;
    w->fault = fault;
    w->found_at_ms = clock_wall_ms();
  }
}

/* Waits on the thread's condition until until_mono_ms or a stop (under the lock); true when
 * stopping. */
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

/* A full pass has reached the log's end at m: the point remembered from before must still
 * be there with its hash (checked from it to the end when it lies past m), and then m (or the
 * end reached from that point) is the new tail. Called without the lock. */
static void finish_pass(struct audit_watch *w, const struct store_audit_mark *m, int64_t took_ms) {
  struct store_audit_mark tail = *m, before;
  bool had = false, end = false;
  int64_t bad = 0;
  enum store_audit_fault fault = STORE_AUDIT_INTACT;
  char why[256] = "";
  int rc = STORE_OK;
  pthread_mutex_lock(&w->lock);
  had = w->have_tail;
  before = w->tail;
  pthread_mutex_unlock(&w->lock);
  if (had) {
    struct store_audit_mark at = before;
    rc = store_audit_check(w->store, &at, before.seq > m->seq ? 0 : 1, &end, &bad, &fault, why,
                           sizeof why);
    if (STORE_OK == rc && before.seq > m->seq) {
      tail = at;
    }
  }
  pthread_mutex_lock(&w->lock);
  if (STORE_CONFLICT == rc) {
    note_break(w, bad, fault, why);
  } else if (STORE_OK != rc) {
    log_msg(LOG_WARN, NULL, "audit log: the full check's end could not be read (%s)",
            store_rc_name(rc));
  } else {
    if (w->broken) {
      log_msg(LOG_INFO, NULL, "audit log: the hash chain is whole again");
    }
    w->broken = false;
    w->full_at_ms = clock_wall_ms();
    w->full_entries = m->seq;
    if (!w->have_tail || w->tail.seq < tail.seq) {
      w->tail = tail;
    }
    w->have_tail = true;
    log_msg(LOG_INFO, NULL, "audit log: %lld entries intact (full check, %lld ms)",
            (long long)m->seq, (long long)took_ms);
  }
  pthread_mutex_unlock(&w->lock);
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
    if (STORE_OK == rc && end) {
      finish_pass(w, &at, clock_mono_ms() - began);
    }
    pthread_mutex_lock(&w->lock);
    w->running_at = at.seq;
    if (STORE_CONFLICT == rc) {
      note_break(w, bad, fault, why);
      return;
    }
    if (STORE_OK != rc) {
      log_msg(LOG_WARN, NULL, "audit log: the full check stopped at entry %lld (%s)",
              (long long)at.seq, store_rc_name(rc));
      return;
    }
    if (end) {
      return;
    }
    int64_t rest_ms = took_us * 9 / 1000;
    if (rest(w, clock_mono_ms() + (rest_ms < 1 ? 1 : rest_ms), false)) {
      return;
    }
  }
}

static void *watch_main(void *arg) {
  struct audit_watch *w = arg;
  /* The first pass a while after start, not in the burst of reconnecting clients and cold
   * caches a restart brings (sooner when asked for). */
  int64_t first = AUDIT_WATCH_FIRST_S * 1000;
  int64_t due = clock_mono_ms() + (w->interval_ms < first ? w->interval_ms : first);
  pthread_mutex_lock(&w->lock);
  for (;;) {
    if (rest(w, due, true)) {
      break;
    }
    w->started++;
    w->running = true;
    w->running_at = 0;
    full_pass(w);
    w->running = false;
    w->finished = w->started;
    pthread_cond_broadcast(&w->passed);
    if (w->stopping) {
      break;
    }
    due = clock_mono_ms() + w->interval_ms;
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

/* The parts of the report every state has (under the lock). */
static void report_common(const struct audit_watch *w, struct audit_watch_report *out) {
  memset(out, 0, sizeof *out);
  out->full_at_ms = w->full_at_ms;
  out->full_entries = w->full_entries;
  out->running = w->running;
  out->running_at = w->running_at;
  if (w->broken) {
    out->state = AUDIT_WATCH_BROKEN;
    out->first_bad = w->first_bad;
    out->fault = w->fault;
    out->found_at_ms = w->found_at_ms;
  } else {
    out->state = w->have_tail ? AUDIT_WATCH_INTACT : AUDIT_WATCH_FIRST;
    out->entries = w->tail.seq;
    out->since = w->tail.seq - w->full_entries;
  }
}

void audit_watch_report(struct audit_watch *w, struct audit_watch_report *out) {
  struct store_audit_mark at;
  bool end = false;
  int64_t bad = 0;
  enum store_audit_fault fault = STORE_AUDIT_INTACT;
  char why[256] = "";
  pthread_mutex_lock(&w->lock);
  report_common(w, out);
  at = w->tail;
  pthread_mutex_unlock(&w->lock);
  if (AUDIT_WATCH_INTACT != out->state) {
    return;
  }
  int rc = store_audit_check(w->store, &at, 0, &end, &bad, &fault, why, sizeof why);
  pthread_mutex_lock(&w->lock);
  if (STORE_CONFLICT == rc) {
    note_break(w, bad, fault, why);
  } else if (STORE_OK == rc && w->have_tail && w->tail.seq < at.seq) {
    w->tail = at;
  }
  report_common(w, out);
  pthread_mutex_unlock(&w->lock);
  if (STORE_OK != rc && STORE_CONFLICT != rc) {
    out->state = AUDIT_WATCH_UNKNOWN;
  }
}
