/*
 * Write transactions (store_txn) on the single writer connection, by group commit: callers
 * queue their bodies, and one of them, the leader, runs everything queued in one
 * BEGIN IMMEDIATE ... COMMIT, each body in its own savepoint, so one fsync acknowledges many
 * writes. One lock budget per caller bounds the waiting, with bounded retries when the
 * database is busy, and a short probe instead while it is known to be locked elsewhere.
 * store_txn_async queues a body the same way without a caller waiting for it: whoever leads
 * the batch that takes it calls its done function after the commit, and a thread of the
 * store's own (the committer) leads when only such bodies are queued.
 *
 * Once the syncer runs, a batch's COMMIT does not wait for the disk: the writer commits
 * with synchronous=NORMAL and releases the writer at once, and the syncer flushes the WAL
 * (store_sqlite_wal.c) before it tells the batch's members, so that the next batch runs
 * while this one's fdatasync is under way ("early lock release"). Nobody learns of a commit
 * before it is durable; what is not durable yet is visible to readers for that moment, and
 * a write that read it is told only after a flush that covers both (the WAL is a log, and a
 * flush covers everything written before it).
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "store/store_sqlite_foundation.h"
#include "ujikom/clock.h"

/* While the database is known to be locked elsewhere, a write waits this long at most. */
#define STORE_BUSY_PROBE_MS 50

/* One caller of store_txn, queued for the group commit. */
struct txn_req {
  store_txn_fn fn;
  void *ctx;
  int64_t deadline; /* monotonic ms: its lock budget ends here */
  int result;
  bool settled;   /* result is final */
  bool tentative; /* fn succeeded in the current transaction, not yet committed */
  bool taken;     /* a leader took it into a batch (set under qlock) */
  /* The caller sleeps on this word of its own (a futex), so a finished batch wakes only its
   * members and the caller queued first (the next leader), not every waiting writer. Bit 0
   * (REQ_DONE) says the result is final and the caller may return; it is set with one atomic
   * operation, after which the leader no longer touches the request (it lives on the
   * caller's stack), so the leader wakes its members without holding qlock and a woken
   * member returns without taking it. The bits above count hints to lead (REQ_HINT), given
   * under qlock while the request is queued. */
  _Atomic uint32_t word;
  /* NULL: a caller waits in store_txn (the request lives on its stack). Else queued by
   * store_txn_async: allocated, called once settled and then freed by whoever led it. */
  store_txn_done_fn done;
  struct txn_req *next;
};

#define REQ_DONE 1u
#define REQ_HINT 2u

/* Wakes the caller sleeping on w. w may belong to a request whose caller has returned
 * meanwhile: the kernel only compares the address, and a sleeper on a reused address takes
 * it as a spurious wake-up, as every futex sleeper must. */
static void word_wake(_Atomic uint32_t *w) {
  (void)syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Sleeps while *w still equals seen (a change made before the call returns at once), until a
 * wake-up, a signal or, when deadline (monotonic ms) is not negative, the deadline. */
static void word_wait(_Atomic uint32_t *w, uint32_t seen, int64_t deadline) {
  struct timespec rel;
  struct timespec *timeout = NULL;
  if (deadline >= 0) {
    int64_t left = deadline - clock_mono_ms();
    if (left <= 0) {
      return;
    }
    rel.tv_sec = (time_t)(left / 1000);
    rel.tv_nsec = (long)(left % 1000) * 1000000L;
    timeout = &rel; /* FUTEX_WAIT's timeout is relative, on CLOCK_MONOTONIC */
  }
  (void)syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, seen, timeout, NULL, 0);
}

/* The longest one write may wait for locks, in- and out-of-process together: every attempt's
 * busy timeout plus the back-off between attempts. Waiting for the writer mutex counts
 * against it too, so N writers blocked behind a lock held elsewhere all answer BUSY within
 * one budget instead of one after another (N budgets). */
static int64_t txn_budget_ms(const struct sq_store *s) {
  int64_t budget = (int64_t)s->base.opts.busy_timeout_ms * (s->base.opts.txn_retries + 1);
  for (int i = 0; i < s->base.opts.txn_retries; i++) {
    budget += 10L * (i + 1);
  }
  return budget;
}

/* The deadline (monotonic ms) of a write queued now: one budget, or the short probe while the
 * database is known to be locked elsewhere. */
static int64_t queued_deadline(struct sq_store *s) {
  int64_t start = clock_mono_ms();
  bool degraded = start < (int64_t)atomic_load(&s->busy_until_ms);
  return start + (degraded ? STORE_BUSY_PROBE_MS : txn_budget_ms(s));
}

/* A write gave up after its whole budget: writes make one short attempt for the next budget. */
static void busy_beyond_budget(struct sq_store *s) {
  atomic_store(&s->busy_until_ms, (long long)(clock_mono_ms() + txn_budget_ms(s)));
  store_logf(&s->base, STORE_LOG_WARN, "store_txn: writer busy beyond the budget");
}

/* Takes the writer mutex before deadline (monotonic ms). 0, ETIMEDOUT, or EDEADLK when this
 * thread already holds it (a nested store_txn). */
static int lock_writer(struct sq_store *s, int64_t deadline) {
  struct timespec abs;
  int64_t wait = deadline - clock_mono_ms();
  int rc = pthread_mutex_trylock(&s->wlock);
  if (EBUSY != rc) {
    return rc;
  }
  if (wait <= 0) {
    return ETIMEDOUT;
  }
  abs = clock_realtime_after(wait); /* pthread_mutex_timedlock measures CLOCK_REALTIME */
  return pthread_mutex_timedlock(&s->wlock, &abs);
}

/* Settles every request of the batch that is not settled yet with rc. */
static void settle_rest(struct txn_req *batch, int rc) {
  for (struct txn_req *r = batch; NULL != r; r = r->next) {
    if (!r->settled) {
      r->result = rc;
      r->settled = true;
    }
    r->tentative = false;
  }
}

/* Runs one request's body inside the open transaction, in a savepoint, so that a body that
 * fails rolls back only its own writes. Returns false when SQLite ended the whole
 * transaction (the bodies that succeeded before it lost their writes and run again). */
static bool run_one(struct sq_conn *c, struct store_tx *tx, struct txn_req *r) {
  int rc = store_core_exec(c, CORE_SAVEPOINT, "savepoint");
  if (STORE_OK != rc) {
    r->result = rc;
    r->settled = true;
    return 0 == sqlite3_get_autocommit(c->db);
  }
  int frc = r->fn(tx, r->ctx);
  store_conn_reset_active(c);
  if (0 != sqlite3_get_autocommit(c->db)) {
    /* The body's error (disk full, I/O) ended the transaction: that is this body's answer,
     * unless it was BUSY, which the next attempt retries. */
    if (STORE_BUSY != frc) {
      r->result = STORE_OK == frc ? STORE_UNAVAILABLE : frc;
      r->settled = true;
    }
    return false;
  }
  if (STORE_OK == frc) {
    if (STORE_OK == store_core_exec(c, CORE_RELEASE, "release savepoint")) {
      r->tentative = true;
      return true;
    }
    frc = STORE_HARD;
  }
  store_core_exec(c, CORE_ROLLBACK_TO, "rollback to savepoint");
  store_core_exec(c, CORE_RELEASE, "release savepoint");
  if (STORE_BUSY != frc) { /* BUSY: retried in the next attempt */
    r->result = frc;
    r->settled = true;
  }
  return 0 == sqlite3_get_autocommit(c->db);
}

/* Runs a batch: one BEGIN IMMEDIATE ... COMMIT for every body in it, attempts repeated (for
 * the bodies not settled yet) when the lock is busy or a body asked for it, never waiting for
 * a lock past the earliest deadline in the batch. */
static bool run_batch(struct sq_store *s, struct txn_req *batch) {
  struct sq_conn *c = s->writer;
  int64_t deadline = batch->deadline;
  for (struct txn_req *r = batch; NULL != r; r = r->next) {
    if (r->deadline < deadline) {
      deadline = r->deadline;
    }
  }
  int64_t now = clock_mono_ms();
  bool degraded = now < (int64_t)atomic_load(&s->busy_until_ms);
  if (degraded && deadline > now + STORE_BUSY_PROBE_MS) {
    deadline = now + STORE_BUSY_PROBE_MS;
  }
  int lrc = lock_writer(s, deadline);
  if (0 != lrc) {
    if (ETIMEDOUT == lrc) {
      busy_beyond_budget(s);
    } else {
      store_logf(&s->base, STORE_LOG_ERROR, "store_txn: cannot take the writer: %s", strerror(lrc));
    }
    settle_rest(batch, ETIMEDOUT == lrc ? STORE_BUSY : STORE_HARD);
    return false;
  }
  int last = STORE_OK;
  for (int attempt = 0;; attempt++) {
    bool pending = false;
    for (struct txn_req *r = batch; NULL != r; r = r->next) {
      pending = pending || !r->settled;
    }
    if (!pending) {
      break;
    }
    now = clock_mono_ms();
    if (!degraded && now < (int64_t)atomic_load(&s->busy_until_ms)) {
      /* Writers gave up behind us meanwhile: stop waiting a full budget too. */
      degraded = true;
      if (deadline > now + STORE_BUSY_PROBE_MS) {
        deadline = now + STORE_BUSY_PROBE_MS;
      }
    }
    int64_t left = deadline - now;
    bool retry_left = attempt < s->base.opts.txn_retries;
    struct store_tx tx = {.rd = {.conn = &c->base}, .now_ms = clock_wall_ms()};
    int rc = STORE_BUSY;
    if (left > 0) {
      /* Never wait for the database lock past the batch's deadline. */
      sqlite3_busy_timeout(
          c->db, (int)(left < s->base.opts.busy_timeout_ms ? left : s->base.opts.busy_timeout_ms));
      rc = store_core_exec(c, CORE_BEGIN_IMMEDIATE, "begin transaction");
    }
    if (STORE_BUSY == rc && retry_left && left > 0) {
      store_sleep_ms(10L * (attempt + 1));
      continue;
    }
    if (STORE_OK != rc) {
      last = rc;
      settle_rest(batch, rc);
      break;
    }
    bool alive = true;
    for (struct txn_req *r = batch; alive && NULL != r; r = r->next) {
      if (!r->settled) {
        alive = run_one(c, &tx, r);
      }
    }
    rc = STORE_BUSY;
    if (alive) {
      rc = store_core_exec(c, CORE_COMMIT, "commit");
      if (STORE_OK == rc) {
        for (struct txn_req *r = batch; NULL != r; r = r->next) {
          if (r->tentative) {
            r->result = STORE_OK;
            r->settled = true;
          }
        }
      }
    }
    if (0 == sqlite3_get_autocommit(c->db)) {
      store_core_exec(c, CORE_ROLLBACK, "rollback");
    }
    /* Bodies that succeeded in a transaction that did not commit run again. */
    for (struct txn_req *r = batch; NULL != r; r = r->next) {
      r->tentative = false;
    }
    last = rc;
    if (!retry_left || deadline <= clock_mono_ms()) {
      /* Whatever is still pending gets the last failure, or BUSY. */
      settle_rest(batch, STORE_OK == rc ? STORE_BUSY : rc);
      break;
    }
    if (STORE_BUSY == rc) {
      store_sleep_ms(10L * (attempt + 1));
    }
  }
  bool any_ok = false, any_busy = false;
  for (struct txn_req *r = batch; NULL != r; r = r->next) {
    any_ok = any_ok || STORE_OK == r->result;
    any_busy = any_busy || STORE_BUSY == r->result;
  }
  if (any_ok) {
    atomic_store(&s->busy_until_ms, 0LL);
  } else if (any_busy && STORE_BUSY == last) {
    atomic_store(&s->busy_until_ms, (long long)(clock_mono_ms() + txn_budget_ms(s)));
  }
  pthread_mutex_unlock(&s->wlock);
  return any_ok;
}

/* Hints the caller queued first to lead the next batch (under qlock); returns it, to be woken
 * with word_wake, or NULL. A body nobody waits for is led by the committer: woken here. */
static struct txn_req *hint_next_leader(struct sq_store *s) {
  if (s->leading || NULL == s->qhead) {
    return NULL;
  }
  if (NULL != s->qhead->done) {
    pthread_cond_signal(&s->qwake);
    return NULL;
  }
  atomic_fetch_add_explicit(&s->qhead->word, REQ_HINT, memory_order_relaxed);
  return s->qhead;
}

/* Takes a request that gave up out of the queue (under qlock). */
static void unqueue(struct sq_store *s, struct txn_req *me) {
  struct txn_req *prev = NULL;
  for (struct txn_req *r = s->qhead; NULL != r; prev = r, r = r->next) {
    if (r != me) {
      continue;
    }
    if (NULL == prev) {
      s->qhead = r->next;
    } else {
      prev->next = r->next;
    }
    if (s->qtail == r) {
      s->qtail = prev;
    }
    return;
  }
}

/* Tells the members of a finished batch their results: first every waiting caller, by one
 * atomic operation and one futex wake each, then every queued body, by its done function
 * (then freed). The two kinds are sorted apart before anyone is told: once told, a waiting
 * caller returns and its request (on its stack) is gone. */
static void tell(struct txn_req *batch) {
  struct txn_req *queued = NULL;
  struct txn_req *waiting = NULL;
  for (struct txn_req *r = batch, *next = NULL; NULL != r; r = next) {
    next = r->next;
    struct txn_req **list = NULL != r->done ? &queued : &waiting;
    r->next = *list;
    *list = r;
  }
  for (struct txn_req *r = waiting, *next = NULL; NULL != r; r = next) {
    next = r->next; /* read first: once done, r may be gone */
    atomic_fetch_or_explicit(&r->word, REQ_DONE, memory_order_release);
    word_wake(&r->word);
  }
  for (struct txn_req *r = queued, *next = NULL; NULL != r; r = next) {
    next = r->next;
    r->done(r->ctx, r->result);
    free(r);
  }
}

/* Hands a finished batch to the syncer, which tells its members once the WAL is flushed
 * (committed: the batch wrote something). Batches are handed over in the order they ran and
 * told in that order, so a failure answered because of an earlier commit (a batch that
 * committed nothing is not flushed for) is told after that commit is durable too. */
static void hand_over(struct sq_store *s, struct txn_req *batch, bool committed) {
  struct txn_req *last = batch;
  while (NULL != last->next) {
    last = last->next;
  }
  pthread_mutex_lock(&s->slock);
  if (NULL == s->stail) {
    s->shead = batch;
  } else {
    s->stail->next = batch;
  }
  s->stail = last;
  s->sdirty = s->sdirty || committed;
  pthread_cond_signal(&s->swake);
  pthread_mutex_unlock(&s->slock);
}

/* Leads one batch: everything queued so far (a calling leader's own request included);
 * called with qlock held, returns with it released, maybe before the batch is told (a
 * calling leader waits for REQ_DONE like any member). The next leader is hinted as soon as
 * the writer is free; the members are told outside qlock (a woken caller neither finds
 * qlock held nor takes it), by the syncer after the flush when it runs, else here. A queued
 * body whose budget ran out while it waited behind other batches is not run: it is BUSY, as
 * a waiting caller would have been. */
static void lead(struct sq_store *s) {
  struct txn_req *batch = NULL, **tail = &batch, *late = NULL;
  int64_t now = clock_mono_ms();
  for (struct txn_req *r = s->qhead, *next = NULL; NULL != r; r = next) {
    next = r->next;
    r->taken = true;
    if (NULL != r->done && r->deadline <= now) {
      r->result = STORE_BUSY;
      r->settled = true;
      r->next = late;
      late = r;
    } else {
      *tail = r;
      tail = &r->next;
    }
  }
  *tail = NULL;
  s->qhead = s->qtail = NULL;
  s->leading = true;
  s->leader = pthread_self();
  pthread_mutex_unlock(&s->qlock);
  if (NULL != late) {
    busy_beyond_budget(s);
  }
  bool committed = NULL != batch && run_batch(s, batch);
  bool told_later = NULL != batch && s->syncer_running;
  if (told_later) {
    /* Before the next batch can run: the syncer's queue is then in commit order. */
    hand_over(s, batch, committed);
  }
  pthread_mutex_lock(&s->qlock);
  s->leading = false;
  struct txn_req *next_leader = hint_next_leader(s);
  pthread_mutex_unlock(&s->qlock);
  if (NULL != next_leader) {
    word_wake(&next_leader->word);
  }
  if (!told_later) {
    tell(batch);
  }
  tell(late); /* queued bodies only, none of them run */
}

/* Returns once the request's result is final (REQ_DONE, the leader's or the syncer's last
 * touch of it). */
static void wait_done(struct txn_req *me) {
  uint32_t seen = atomic_load_explicit(&me->word, memory_order_acquire);
  while (0 == (seen & REQ_DONE)) {
    word_wait(&me->word, seen, -1);
    seen = atomic_load_explicit(&me->word, memory_order_acquire);
  }
}

int store_sqlite_txn(struct store *base, store_txn_fn fn, void *ctx) {
  struct sq_store *s = sq_store(base);
  struct txn_req me = {.fn = fn, .ctx = ctx, .deadline = queued_deadline(s), .result = STORE_HARD};
  atomic_init(&me.word, 0u);
  pthread_mutex_lock(&s->qlock);
  if (s->leading && pthread_equal(s->leader, pthread_self())) {
    pthread_mutex_unlock(&s->qlock);
    store_logf(&s->base, STORE_LOG_ERROR, "store_txn: nested transaction refused (deadlock)");
    return STORE_HARD;
  }
  if (s->syncer_running && pthread_equal(s->syncer, pthread_self())) {
    /* A done function of store_txn_async (the syncer calls them) would wait for itself. */
    pthread_mutex_unlock(&s->qlock);
    store_logf(&s->base, STORE_LOG_ERROR, "store_txn: refused in a done function (deadlock)");
    return STORE_HARD;
  }
  if (NULL == s->qtail) {
    s->qhead = &me;
  } else {
    s->qtail->next = &me;
  }
  s->qtail = &me;
  for (;;) {
    if (me.taken) {
      /* In a batch, which keeps to its own deadline: wait for its end, however long. Never
       * return before REQ_DONE, which is the leader's last touch of this request. */
      pthread_mutex_unlock(&s->qlock);
      wait_done(&me);
      return me.result; /* written before REQ_DONE was set */
    }
    if (!s->leading) {
      lead(s);
      wait_done(&me); /* our own request was in the batch: told with its members */
      return me.result;
    }
    /* Queued behind a running batch: sleep until a hint to lead, the end of the batch that
     * takes us, or our deadline. */
    uint32_t seen = atomic_load_explicit(&me.word, memory_order_acquire);
    pthread_mutex_unlock(&s->qlock);
    word_wait(&me.word, seen, me.deadline);
    if (0 != (atomic_load_explicit(&me.word, memory_order_acquire) & REQ_DONE)) {
      return me.result; /* taken while we slept, and already done */
    }
    pthread_mutex_lock(&s->qlock);
    if (me.taken || !s->leading || clock_mono_ms() < me.deadline) {
      continue;
    }
    /* The batch ahead has held the writer for our whole budget: the database is locked
     * elsewhere (or a transaction runs far too long). Let the writers after us know. */
    unqueue(s, &me); /* the running batch's leader hints whoever is first now */
    atomic_store(&s->busy_until_ms, (long long)(clock_mono_ms() + txn_budget_ms(s)));
    pthread_mutex_unlock(&s->qlock);
    store_logf(&s->base, STORE_LOG_WARN, "store_txn: writer busy beyond the budget");
    return STORE_BUSY;
  }
}

/* The committer: leads whenever bodies are queued and nobody leads; at close, once every
 * queued body is settled, ends. */
static void *committer(void *arg) {
  struct sq_store *s = arg;
  pthread_mutex_lock(&s->qlock);
  for (;;) {
    if (NULL != s->qhead && !s->leading) {
      lead(s);
      pthread_mutex_lock(&s->qlock);
      continue;
    }
    if (s->committer_stop && NULL == s->qhead) {
      break;
    }
    pthread_cond_wait(&s->qwake, &s->qlock);
  }
  pthread_mutex_unlock(&s->qlock);
  return NULL;
}

void store_sqlite_txn_async(struct store *base, store_txn_fn fn, void *ctx,
                            store_txn_done_fn done) {
  struct sq_store *s = sq_store(base);
  struct txn_req *r = calloc(1, sizeof(*r));
  if (NULL == r) {
    store_logf(&s->base, STORE_LOG_ERROR, "store_txn_async: out of memory");
    done(ctx, STORE_UNAVAILABLE);
    return;
  }
  r->fn = fn;
  r->ctx = ctx;
  r->done = done;
  r->deadline = queued_deadline(s);
  r->result = STORE_HARD;
  atomic_init(&r->word, 0u);
  pthread_mutex_lock(&s->qlock);
  if (!s->committer_running && !s->committer_stop) {
    s->committer_running = 0 == pthread_create(&s->committer, NULL, committer, s);
  }
  if (!s->committer_running) {
    /* No thread to lead (or the store is closing): run it here, as store_txn would. */
    pthread_mutex_unlock(&s->qlock);
    free(r);
    done(ctx, store_sqlite_txn(base, fn, ctx));
    return;
  }
  if (NULL == s->qtail) {
    s->qhead = r;
  } else {
    s->qtail->next = r;
  }
  s->qtail = r;
  if (!s->leading) {
    pthread_cond_signal(&s->qwake);
  }
  pthread_mutex_unlock(&s->qlock);
}

void store_sqlite_committer_stop(struct sq_store *s) {
  pthread_mutex_lock(&s->qlock);
  bool running = s->committer_running;
  s->committer_stop = true;
  pthread_cond_signal(&s->qwake);
  pthread_mutex_unlock(&s->qlock);
  if (running) {
    pthread_join(s->committer, NULL);
    s->committer_running = false;
  }
}

/* The syncer: takes every batch handed over since it last looked, flushes the WAL once for
 * all of them when one committed, then tells them in order. At close, once nothing is left,
 * ends. */
static void *syncer(void *arg) {
  struct sq_store *s = arg;
  pthread_mutex_lock(&s->slock);
  for (;;) {
    if (NULL == s->shead) {
      if (s->syncer_stop) {
        break;
      }
      pthread_cond_wait(&s->swake, &s->slock);
      continue;
    }
    struct txn_req *batches = s->shead;
    bool dirty = s->sdirty;
    s->shead = s->stail = NULL;
    s->sdirty = false;
    pthread_mutex_unlock(&s->slock);
    if (dirty) {
      store_sqlite_wal_flush_or_stop(s);
    }
    tell(batches);
    pthread_mutex_lock(&s->slock);
  }
  pthread_mutex_unlock(&s->slock);
  return NULL;
}

bool store_sqlite_syncer_start(struct sq_store *s) {
  char err[256];
  if (s->base.opts.bulk_load) {
    return false; /* synchronous=OFF: nothing to flush */
  }
  if (STORE_OK != store_sqlite_wal_open(s, err, sizeof err)) {
    store_logf(&s->base, STORE_LOG_WARN, "syncer: %s (commits keep their own fsync)", err);
    return false;
  }
  if (0 != pthread_mutex_init(&s->slock, NULL)) {
    goto no_lock;
  }
  if (0 != pthread_cond_init(&s->swake, NULL)) {
    goto no_cond;
  }
  if (0 != pthread_create(&s->syncer, NULL, syncer, s)) {
    goto no_thread;
  }
  /* Running from here on: store_sqlite_syncer_stop undoes all of it. No batch runs yet. */
  s->syncer_running = true;
  pthread_mutex_lock(&s->wlock);
  int rc = sqlite3_exec(s->writer->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
  pthread_mutex_unlock(&s->wlock);
  if (SQLITE_OK == rc) {
    return true;
  }
  store_sqlite_syncer_stop(s);
  goto failed;
no_thread:
  pthread_cond_destroy(&s->swake);
no_cond:
  pthread_mutex_destroy(&s->slock);
no_lock:
  store_sqlite_wal_close(s);
failed:
  store_logf(&s->base, STORE_LOG_WARN, "syncer: cannot start (commits keep their own fsync)");
  return false;
}

void store_sqlite_syncer_stop(struct sq_store *s) {
  if (!s->syncer_running) {
    return;
  }
  pthread_mutex_lock(&s->slock);
  s->syncer_stop = true;
  pthread_cond_signal(&s->swake);
  pthread_mutex_unlock(&s->slock);
  pthread_join(s->syncer, NULL);
  s->syncer_running = false;
  pthread_cond_destroy(&s->swake);
  pthread_mutex_destroy(&s->slock);
  store_sqlite_wal_close(s);
}
