/*
 * The SQLite backend's foundation: opening (after the file checks), pragmas, migrations,
 * connections and the per-connection statement cache, error mapping, the column and list
 * helpers the resource files build on (store_internal.h), the pool of read snapshots, the
 * checkpointer and the health probe. Write transactions run in the group commit; checking
 * a database file, backup and restore live apart, as SQLite-only operations.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/cert_locator.h"
#include "store/store_sqlite_foundation.h"
#include "ujikom/clock.h"

#define STORE_POOL_MAX 32 /* idle read connections kept; more are closed on release */
/* WAL pages after which the checkpointer copies them into the database file (SQLite's own
 * automatic checkpoint uses the same figure). */
#define STORE_CKPT_PAGES    1000
#define STORE_CKPT_PAUSE_MS 20L
/* WAL frames after which the checkpointer makes the WAL start over (restart_wal; the
 * store_opts default), how long it then waits at most for readers of older frames to
 * finish, and how long it leaves the WAL alone after such a wait ran out (a long reader,
 * e.g. a backup, is not waited for again and again, each wait holding the writer). */
#define STORE_WAL_RESTART_FRAMES     16384
#define STORE_WAL_RESTART_WAIT_MS    25
#define STORE_WAL_RESTART_BACKOFF_MS 1000

static const char *const core_sqls[CORE__MAX] = {
    [CORE_BEGIN] = "BEGIN",
    [CORE_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
    [CORE_COMMIT] = "COMMIT",
    [CORE_ROLLBACK] = "ROLLBACK",
    [CORE_USER_VERSION] = "PRAGMA user_version",
    [CORE_HEALTH] = "SELECT count(*) FROM sqlite_schema",
    [CORE_SAVEPOINT] = "SAVEPOINT grp",
    [CORE_RELEASE] = "RELEASE grp",
    [CORE_ROLLBACK_TO] = "ROLLBACK TO grp",
};
static const struct store_sqlset core_set = {"core", core_sqls, CORE__MAX};
static const struct store_ops sq_ops;

/* ------------------------------------------------------------------------------------ */
/* error mapping and statement helpers */

int store_map_code(int sqlite_rc) {
  switch (sqlite_rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_DONE:
  case SQLITE_ROW:
    return STORE_OK;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return STORE_BUSY;
  case SQLITE_FULL:
  case SQLITE_READONLY:
  case SQLITE_IOERR:
  case SQLITE_CANTOPEN:
  case SQLITE_NOMEM:
  case SQLITE_PROTOCOL:
  case SQLITE_NOLFS:
    return STORE_UNAVAILABLE;
  case SQLITE_CONSTRAINT:
    if (SQLITE_CONSTRAINT_UNIQUE == sqlite_rc || SQLITE_CONSTRAINT_PRIMARYKEY == sqlite_rc) {
      return STORE_EXISTS;
    }
    return STORE_HARD;
  default:
    return STORE_HARD;
  }
}

static int store_map_error(struct sq_conn *c, int sqlite_rc, const char *what) {
  int rc = store_map_code(sqlite_rc);
  const char *msg =
      (NULL != c && NULL != c->db) ? sqlite3_errmsg(c->db) : sqlite3_errstr(sqlite_rc);
  switch (rc) {
  case STORE_OK:
  case STORE_EXISTS:
    store_logf(&c->st->base, STORE_LOG_DEBUG, "%s: %s", what, msg);
    break;
  case STORE_BUSY:
    store_logf(&c->st->base, STORE_LOG_WARN, "%s: busy (%s)", what, msg);
    break;
  default:
    store_logf(&c->st->base, STORE_LOG_ERROR, "%s: %s (%d)", what, msg, sqlite_rc);
    break;
  }
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* the statement operations */

static sqlite3_stmt *sq(struct store_stmt *st) {
  return ((struct sq_stmt *)(void *)st)->st;
}

static int sq_step(struct store_stmt *st, const char *what) {
  int rc = sqlite3_step(sq(st));
  if (SQLITE_ROW == rc) {
    return STORE_OK;
  }
  if (SQLITE_DONE == rc) {
    return STORE_NONE;
  }
  return store_map_error(sq_conn(st->conn), rc, what);
}

static int64_t sq_changes(struct store_stmt *st) {
  return sqlite3_changes64(sq_conn(st->conn)->db);
}

static void sq_done(struct store_stmt *st) {
  sqlite3_reset(sq(st));
  sqlite3_clear_bindings(sq(st));
}

static void sq_free(struct store_stmt *st) {
  sqlite3_finalize(sq(st));
  free(st);
}

static void sq_bind_int64(struct store_stmt *st, int idx, int64_t v) {
  sqlite3_bind_int64(sq(st), idx, v);
}

static void sq_bind_text(struct store_stmt *st, int idx, const char *text) {
  if (NULL == text) {
    sqlite3_bind_null(sq(st), idx);
  } else {
    sqlite3_bind_text(sq(st), idx, text, -1, SQLITE_TRANSIENT);
  }
}

static void sq_bind_blob(struct store_stmt *st, int idx, const void *data, size_t len) {
  sqlite3_bind_blob64(sq(st), idx, data, len, SQLITE_TRANSIENT);
}

static void sq_bind_null(struct store_stmt *st, int idx) {
  sqlite3_bind_null(sq(st), idx);
}

static int64_t sq_col_int64(struct store_stmt *st, int col) {
  return sqlite3_column_int64(sq(st), col);
}

static const char *sq_col_text(struct store_stmt *st, int col) {
  return (const char *)sqlite3_column_text(sq(st), col);
}

static size_t sq_col_bytes(struct store_stmt *st, int col) {
  return (size_t)sqlite3_column_bytes(sq(st), col);
}

static const void *sq_col_data(struct store_stmt *st, int col) {
  return sqlite3_column_blob(sq(st), col);
}

static bool sq_col_is_null(struct store_stmt *st, int col) {
  return SQLITE_NULL == sqlite3_column_type(sq(st), col);
}

static int sq_col_count(struct store_stmt *st) {
  return sqlite3_column_count(sq(st));
}

static enum store_col_type sq_col_type(struct store_stmt *st, int col) {
  switch (sqlite3_column_type(sq(st), col)) {
  case SQLITE_NULL:
    return STORE_COL_NULL;
  case SQLITE_INTEGER:
    return STORE_COL_INT;
  case SQLITE_BLOB:
    return STORE_COL_BLOB;
  default:
    return STORE_COL_TEXT;
  }
}

static const struct store_stmt_ops sq_stmt_ops = {
    .step = sq_step,
    .changes = sq_changes,
    .done = sq_done,
    .free = sq_free,
    .bind_int64 = sq_bind_int64,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .col_int64 = sq_col_int64,
    .col_text = sq_col_text,
    .col_bytes = sq_col_bytes,
    .col_data = sq_col_data,
    .col_is_null = sq_col_is_null,
    .col_count = sq_col_count,
    .col_type = sq_col_type,
};

static int64_t sq_last_rowid(struct store_conn *c) {
  return sqlite3_last_insert_rowid(sq_conn(c)->db);
}

/* A statement prepared with SQLITE_PREPARE_PERSISTENT (store_stmt caches it). */
static struct store_stmt *sq_prepare(struct store_conn *base, const struct store_sqlset *set,
                                     int id) {
  struct sq_conn *c = sq_conn(base);
  sqlite3_stmt *st = NULL;
  struct sq_stmt *wrap = calloc(1, sizeof *wrap);
  int rc = NULL == wrap
               ? SQLITE_NOMEM
               : sqlite3_prepare_v3(c->db, set->sqls[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (SQLITE_OK != rc || NULL == st) {
    store_conn_log(base, STORE_LOG_ERROR, "preparing %s[%d] failed: %s", set->name, id,
                   sqlite3_errmsg(c->db));
    sqlite3_finalize(st);
    free(wrap);
    return NULL;
  }
  wrap->base.ops = &sq_stmt_ops;
  wrap->base.conn = base;
  wrap->st = st;
  return &wrap->base;
}

static const struct store_conn_ops sq_conn_ops = {.prepare = sq_prepare,
                                                  .last_rowid = sq_last_rowid};
/* Runs one of the foundation's statements that returns no rows of interest. */
int store_core_exec(struct sq_conn *c, enum core_stmt id, const char *what) {
  struct store_stmt *st = store_stmt(&c->base, &core_set, id);
  int rc = STORE_HARD;
  if (NULL == st) {
    return STORE_HARD;
  }
  rc = store_step_done(&c->base, st, what, NULL);
  store_stmt_done(st);
  return rc;
}

/* Resets every statement still stepping, so COMMIT/ROLLBACK do not meet open cursors. */
void store_conn_reset_active(struct sq_conn *c) {
  sqlite3_stmt *st = NULL;
  while (NULL != (st = sqlite3_next_stmt(c->db, st))) {
    if (sqlite3_stmt_busy(st)) {
      sqlite3_reset(st);
    }
  }
}

/* ------------------------------------------------------------------------------------ */
/* connections */

void store_conn_close(struct sq_conn *c) {
  if (NULL == c) {
    return;
  }
  store_conn_free_stmts(&c->base);
  sqlite3_close(c->db);
  free(c);
}

int store_conn_open(struct sq_store *s, bool writer, struct sq_conn **out, char *err,
                    size_t errlen) {
  struct sq_conn *c = calloc(1, sizeof *c);
  int flags = SQLITE_OPEN_NOMUTEX |
              (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
  int rc = SQLITE_OK;
  int result = STORE_UNAVAILABLE;
  *out = NULL;
  if (NULL == c) {
    store_set_err(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  c->st = s;
  c->base.ops = &sq_conn_ops;
  c->base.st = &s->base;
  c->base.rd.conn = &c->base;
  rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
  if (SQLITE_OK != rc) {
    store_set_err(err, errlen, "%s: cannot open database: %s", s->path,
                  NULL != c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    result = store_map_code(rc);
    goto cleanup;
  }
  sqlite3_extended_result_codes(c->db, 1);
  sqlite3_busy_timeout(c->db, (int)s->base.opts.busy_timeout_ms);
  if (writer) {
    /* WAL: readers never block the writer; synchronous=FULL: an acknowledged commit
     * survives power loss (once the group commit's syncer runs, the writer commits with
     * NORMAL and the syncer flushes the WAL before anyone is told: store_sqlite_group_commit.c);
     * foreign keys are off by default in SQLite. */
    const char *const pragmas[] = {
        "PRAGMA journal_mode=WAL",
        s->base.opts.bulk_load ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA trusted_schema=OFF",
        s->base.opts.bulk_load ? "PRAGMA cache_size=-262144" : "PRAGMA cache_size=-2000",
        /* After the WAL starts over, its file is cut back to 256 MiB (a burst may grow it).
         * Below that it keeps its blocks, so a WAL growing again under a steady stream of
         * saves (~80 MB/s at the benchmark's rate) overwrites them instead of allocating
         * new ones inside each commit's fdatasync (docs/performance.md, change 25). */
        "PRAGMA journal_size_limit=268435456",
    };
    for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
      char *msg = NULL;
      rc = sqlite3_exec(c->db, pragmas[i], NULL, NULL, &msg);
      if (SQLITE_OK != rc) {
        store_set_err(err, errlen, "%s: %s: %s", s->path, pragmas[i], NULL != msg ? msg : "failed");
        sqlite3_free(msg);
        result = store_map_code(rc);
        goto cleanup;
      }
    }
  } else {
    sqlite3_exec(c->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    /* Up to STORE_POOL_MAX readers stay open, and each one's page cache fills up on a large
     * database: 512 KiB each (SQLite's default is 2 MiB) holds the interior pages of the
     * indexes a request walks, and the kernel's page cache, shared by all, holds the rest.
     * This is most of the daemon's memory besides its connections. */
    sqlite3_exec(c->db, "PRAGMA cache_size=-512", NULL, NULL, NULL);
  }
  *out = c;
  return STORE_OK;
cleanup:
  store_conn_close(c);
  return result < 0 ? result : STORE_UNAVAILABLE;
}

/* ------------------------------------------------------------------------------------ */
/* migrations */

static int read_user_version(struct sq_conn *c, int *out) {
  int64_t version = 0;
  int rc = store_row_int64(&c->base, store_stmt(&c->base, &core_set, CORE_USER_VERSION),
                           "read user_version", &version);
  if (STORE_OK == rc) {
    *out = (int)version;
  }
  return rc;
}

static int migrate_locked(struct sq_store *s, int to, int *out_from, int *out_to, char *err,
                          size_t errlen) {
  struct sq_conn *c = s->writer;
  int cur = 0;
  int rc = read_user_version(c, &cur);
  if (STORE_OK != rc) {
    store_set_err(err, errlen, "%s: cannot read schema version", s->path);
    return rc;
  }
  if (NULL != out_from) {
    *out_from = cur;
  }
  if (cur > store_schema_latest()) {
    store_set_err(err, errlen, "%s: schema version %d is newer than this program knows (%d)",
                  s->path, cur, store_schema_latest());
    return STORE_HARD;
  }
  /* Every pending migration in one transaction: an upgrade is all or nothing (a failure
   * leaves the file at the version it had, which the previous program still runs on), and a
   * new database is made with one sync instead of one per migration. */
  const int from = cur;
  bool begun = false;
  for (size_t i = 0; i < store_migrations_count; i++) {
    const struct store_migration *m = &store_migrations[i];
    char pragma[64];
    char *msg = NULL;
    if (m->version <= cur) {
      continue;
    }
    if (to > 0 && m->version > to) {
      break;
    }
    if (!begun) {
      rc = store_core_exec(c, CORE_BEGIN_IMMEDIATE, "begin migration");
      if (STORE_OK != rc) {
        store_set_err(err, errlen, "migration %04d_%s: cannot begin: %s", m->version, m->name,
                      store_rc_name(rc));
        return rc;
      }
      begun = true;
    }
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
    int erc = sqlite3_exec(c->db, m->sql, NULL, NULL, &msg);
    if (SQLITE_OK == erc) {
      erc = sqlite3_exec(c->db, pragma, NULL, NULL, &msg);
    }
    if (SQLITE_OK != erc) {
      store_set_err(err, errlen, "migration %04d_%s failed: %s (nothing applied; still at %d)",
                    m->version, m->name, NULL != msg ? msg : sqlite3_errstr(erc), from);
      sqlite3_free(msg);
      rc = store_map_code(erc);
      if (sqlite3_get_autocommit(c->db) == 0) {
        store_core_exec(c, CORE_ROLLBACK, "rollback migration");
      }
      return rc < 0 ? rc : STORE_HARD;
    }
    cur = m->version;
  }
  if (begun) {
    rc = store_core_exec(c, CORE_COMMIT, "commit migration");
    if (STORE_OK != rc) {
      store_set_err(err, errlen, "migrations to %04d: commit failed: %s (still at %d)", cur,
                    store_rc_name(rc), from);
      if (sqlite3_get_autocommit(c->db) == 0) {
        store_core_exec(c, CORE_ROLLBACK, "rollback migration");
      }
      return rc;
    }
    store_log_migrations(&s->base, store_migrations, store_migrations_count, from, cur);
  }
  if (NULL != out_to) {
    *out_to = cur;
  }
  return STORE_OK;
}

static int sq_migrate(struct store *base, int to, int *out_from, int *out_to, char *err,
                      size_t errlen) {
  struct sq_store *s = sq_store(base);
  int rc = STORE_HARD;
  if (0 != pthread_mutex_lock(&s->wlock)) {
    store_set_err(err, errlen, "store_migrate called inside a transaction");
    return STORE_HARD;
  }
  rc = migrate_locked(s, to, out_from, out_to, err, errlen);
  if (STORE_OK == rc && s->syncer_running) {
    store_sqlite_wal_flush_or_stop(s); /* the writer commits without its own fsync */
  }
  pthread_mutex_unlock(&s->wlock);
  return rc;
}

static int sq_schema_version(struct store *s, int *out) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = read_user_version(sq_conn(rd->conn), out);
  store_rd_end(rd);
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* open / close */

/* The writer's WAL hook: called after each commit (under the writer mutex) with the WAL's
 * size in pages. Above STORE_CKPT_PAGES it wakes the checkpointer (SQLite's automatic
 * checkpoint would instead checkpoint, and fsync the database file, inside every commit
 * while the WAL stays that long, which it does as long as readers keep it from starting
 * over). */
static int wal_grown(void *arg, sqlite3 *db, const char *name, int pages) {
  struct sq_store *s = arg;
  (void)db;
  (void)name;
  if (pages >= STORE_CKPT_PAGES) {
    pthread_mutex_lock(&s->ckpt_lock);
    if (!s->ckpt_wanted) {
      s->ckpt_wanted = true;
      pthread_cond_signal(&s->cwake);
    }
    pthread_mutex_unlock(&s->ckpt_lock);
  }
  return SQLITE_OK;
}

/* Makes the WAL start over. A passive checkpoint never catches up with a writer that keeps
 * committing meanwhile, and the WAL only starts over at a write that finds every frame
 * copied: under a steady stream of saves it grew by tens of MB a second with no end, every
 * commit appending to new blocks of the file (and the readers' look-ups in the WAL index
 * growing with it). Here, with the writer mutex held so that no batch commits meanwhile, a
 * RESTART checkpoint copies the few frames the passive ones left and waits (at most
 * STORE_WAL_RESTART_WAIT_MS) for readers of older frames to finish; the next commit then
 * writes from the start of the file again, over blocks the file keeps (journal_size_limit).
 * Batches wait for it as for any commit. */
static int restart_wal(struct sq_store *s) {
  int log = 0, done = 0;
  pthread_mutex_lock(&s->wlock);
  sqlite3_busy_timeout(s->ckpt_conn->db, STORE_WAL_RESTART_WAIT_MS);
  int rc =
      sqlite3_wal_checkpoint_v2(s->ckpt_conn->db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
  sqlite3_busy_timeout(s->ckpt_conn->db, 0);
  pthread_mutex_unlock(&s->wlock);
  if (SQLITE_OK != rc && SQLITE_BUSY != rc) {
    store_logf(&s->base, STORE_LOG_WARN, "checkpoint (restart): %s",
               sqlite3_errmsg(s->ckpt_conn->db));
  }
  return rc;
}

static void *checkpointer(void *arg) {
  struct sq_store *s = arg;
  long restart_frames = s->base.opts.wal_restart_frames > 0 ? s->base.opts.wal_restart_frames
                                                            : STORE_WAL_RESTART_FRAMES;
  int64_t no_restart_before = 0; /* monotonic ms */
  pthread_mutex_lock(&s->ckpt_lock);
  for (;;) {
    while (!s->ckpt_wanted && !s->ckpt_stop) {
      pthread_cond_wait(&s->cwake, &s->ckpt_lock);
    }
    if (s->ckpt_stop) {
      break;
    }
    s->ckpt_wanted = false;
    pthread_mutex_unlock(&s->ckpt_lock);
    /* PASSIVE: copies what no reader still needs, never waits for readers or the writer. */
    int log = 0, done = 0;
    int rc =
        sqlite3_wal_checkpoint_v2(s->ckpt_conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (SQLITE_OK != rc && SQLITE_BUSY != rc) {
      store_logf(&s->base, STORE_LOG_WARN, "checkpoint: %s", sqlite3_errmsg(s->ckpt_conn->db));
    }
    if (SQLITE_OK == rc && log >= restart_frames && clock_mono_ms() >= no_restart_before &&
        SQLITE_BUSY == restart_wal(s)) {
      no_restart_before = clock_mono_ms() + STORE_WAL_RESTART_BACKOFF_MS;
    }
    /* At most one checkpoint per STORE_CKPT_PAUSE_MS: a checkpoint costs an fsync of the
     * database file, and the pages written meanwhile wait for the next one. */
    struct timespec until = clock_realtime_after(STORE_CKPT_PAUSE_MS);
    pthread_mutex_lock(&s->ckpt_lock);
    while (!s->ckpt_stop && 0 == pthread_cond_timedwait(&s->cwake, &s->ckpt_lock, &until)) {
      ;
    }
  }
  pthread_mutex_unlock(&s->ckpt_lock);
  return NULL;
}

/* Starts the checkpointer and hands it the writer's checkpoints. When it cannot start, the
 * writer keeps SQLite's automatic checkpoints: slower commits now and then, nothing lost. */
static void checkpointer_start(struct sq_store *s) {
  char err[256];
  if (STORE_OK != store_conn_open(s, true, &s->ckpt_conn, err, sizeof err)) {
    store_logf(&s->base, STORE_LOG_WARN, "checkpointer: %s (checkpoints stay in the writer)", err);
    return;
  }
  sqlite3_busy_timeout(s->ckpt_conn->db, 0);
  if (0 != pthread_create(&s->ckpt, NULL, checkpointer, s)) {
    store_logf(&s->base, STORE_LOG_WARN,
               "checkpointer: no thread (checkpoints stay in the writer)");
    store_conn_close(s->ckpt_conn);
    s->ckpt_conn = NULL;
    return;
  }
  s->ckpt_running = true;
  pthread_mutex_lock(&s->wlock);
  sqlite3_wal_hook(s->writer->db, wal_grown, s); /* replaces the automatic checkpoint */
  pthread_mutex_unlock(&s->wlock);
}

static void checkpointer_stop(struct sq_store *s) {
  if (!s->ckpt_running) {
    return;
  }
  pthread_mutex_lock(&s->wlock);
  sqlite3_wal_autocheckpoint(s->writer->db, STORE_CKPT_PAGES); /* removes our hook */
  pthread_mutex_unlock(&s->wlock);
  pthread_mutex_lock(&s->ckpt_lock);
  s->ckpt_stop = true;
  pthread_cond_signal(&s->cwake);
  pthread_mutex_unlock(&s->ckpt_lock);
  pthread_join(s->ckpt, NULL);
  s->ckpt_running = false;
  store_conn_close(s->ckpt_conn);
  s->ckpt_conn = NULL;
}

/* The certificate locator (opts.cert_locator): sized for the certificates stored now,
 * published at once (look-ups fill it as they go), then filled with where every logged
 * certificate is, in one read snapshot; the service answers meanwhile, by serial. */
static void *locator_main(void *arg) {
  struct sq_store *s = arg;
  struct store_rd *rd = NULL;
  struct cert_locator *loc = NULL;
  int64_t n = 0;
  int64_t t0 = clock_mono_ms();
  int rc = store_rd_begin(&s->base, &rd);
  if (STORE_OK == rc) {
    rc = store_certs_count(rd, &n);
  }
  if (STORE_OK == rc && 0 != cert_locator_new(&loc, (size_t)n)) {
    rc = STORE_UNAVAILABLE;
  }
  if (STORE_OK == rc) {
    atomic_store_explicit(&s->base.locator, loc, memory_order_release);
    rc = store_certs_locate_all(rd, loc, &s->locator_stop);
  }
  store_rd_end(rd);
  if (STORE_OK == rc) {
    store_logf(&s->base, STORE_LOG_INFO,
               "certificate locations: %lld certificates, found in %lld ms (%zu slots)",
               (long long)n, (long long)(clock_mono_ms() - t0), cert_locator_slots(loc));
  } else if (!atomic_load(&s->locator_stop)) {
    store_logf(&s->base, STORE_LOG_WARN,
               "certificate locations: %s (verification looks the rest up by serial)",
               store_rc_name(rc));
  }
  return NULL;
}

static void locator_start(struct sq_store *s) {
  atomic_init(&s->locator_stop, false);
  if (!s->base.opts.cert_locator) {
    return;
  }
  if (0 != pthread_create(&s->locator_thread, NULL, locator_main, s)) {
    store_logf(&s->base, STORE_LOG_WARN,
               "certificate locations: no thread (verification looks certificates up by serial)");
    return;
  }
  s->locator_running = true;
}

static void sq_locator_wait(struct store *base) {
  struct sq_store *s = sq_store(base);
  if (s->locator_running) {
    pthread_join(s->locator_thread, NULL);
    s->locator_running = false;
  }
}

static void locator_stop(struct sq_store *s) {
  atomic_store(&s->locator_stop, true);
  sq_locator_wait(&s->base);
  cert_locator_free(atomic_exchange(&s->base.locator, NULL));
}

/* SQLite's process-wide settings, made before its first use. If SQLite is already in use,
 * a setting is refused and nothing changes.
 * - Memory statistics off: with them on, every allocation SQLite makes takes one mutex
 *   shared by all connections, and the daemon reads no statistic (the default,
 *   SQLITE_DEFAULT_MEMSTATUS, is on in Debian's build).
 * - Savepoint journals in memory up to STORE_SQLITE_SUBJOURNAL_SPILL (store_sqlite.h): at
 *   SQLite's default, 64 KiB, every batch of issuances wrote each changed page's old copy
 *   to a temporary file besides the WAL. The journal is emptied as each member's savepoint
 *   is released. */
static void configure_sqlite(void) {
  (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STORE_SQLITE_SUBJOURNAL_SPILL);
}

int store_sqlite_open(struct store **out, const char *path, const struct store_opts *opts,
                      char *err, size_t errlen) {
  static pthread_once_t configured = PTHREAD_ONCE_INIT;
  pthread_once(&configured, configure_sqlite);
  struct sq_store *s = NULL;
  struct stat sb;
  pthread_mutexattr_t attr;
  int rc = STORE_HARD;
  int version = 0;
  bool wlock_init = false, plock_init = false, qlock_init = false;
  bool ckpt_lock_init = false, cwake_init = false, qwake_init = false;
  *out = NULL;
  if (NULL == path || '\0' == path[0]) {
    store_set_err(err, errlen, "no database path given");
    return STORE_HARD;
  }
  rc = store_file_check_directory(path, err, errlen);
  if (STORE_OK != rc) {
    return rc;
  }
  if (0 == stat(path, &sb)) {
    if (!S_ISREG(sb.st_mode)) {
      store_set_err(err, errlen, "%s: not a regular file", path);
      return STORE_HARD;
    }
    if (0 != access(path, R_OK | W_OK)) {
      store_set_err(err, errlen, "%s: not writable: %s", path, strerror(errno));
      return STORE_UNAVAILABLE;
    }
    if (sb.st_size > 0) {
      rc = store_file_check_existing(path, false, &version, err, errlen);
      if (STORE_OK != rc) {
        return rc;
      }
    }
  } else if (ENOENT != errno) {
    store_set_err(err, errlen, "%s: %s", path, strerror(errno));
    return STORE_UNAVAILABLE;
  }
  rc = store_file_check_private(path, err, errlen);
  if (STORE_OK != rc) {
    return rc;
  }

  s = calloc(1, sizeof *s);
  if (NULL == s) {
    store_set_err(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  s->base.ops = &sq_ops;
  store_opts_defaults(&s->base.opts, opts);
  atomic_init(&s->busy_until_ms, 0LL);
  s->path = strdup(path);
  if (NULL == s->path) {
    store_set_err(err, errlen, "out of memory");
    rc = STORE_UNAVAILABLE;
    goto cleanup;
  }
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  wlock_init = 0 == pthread_mutex_init(&s->wlock, &attr);
  pthread_mutexattr_destroy(&attr);
  plock_init = 0 == store_pool_init(&s->pool, STORE_POOL_MAX);
  qlock_init = 0 == pthread_mutex_init(&s->qlock, NULL);
  ckpt_lock_init = 0 == pthread_mutex_init(&s->ckpt_lock, NULL);
  cwake_init = 0 == pthread_cond_init(&s->cwake, NULL);
  qwake_init = 0 == pthread_cond_init(&s->qwake, NULL);
  if (!wlock_init || !plock_init || !qlock_init || !ckpt_lock_init || !cwake_init || !qwake_init) {
    store_set_err(err, errlen, "cannot initialise locks");
    rc = STORE_HARD;
    goto cleanup;
  }
  rc = store_conn_open(s, true, &s->writer, err, errlen);
  if (STORE_OK != rc) {
    goto cleanup;
  }
  if (s->base.opts.migrate_to >= 0) {
    rc = sq_migrate(&s->base, s->base.opts.migrate_to, NULL, NULL, err, errlen);
    if (STORE_OK != rc) {
      goto cleanup;
    }
  }
  (void)store_sqlite_syncer_start(s);
  checkpointer_start(s);
  locator_start(s);
  *out = &s->base;
  return STORE_OK;
cleanup:
  if (NULL != s) {
    store_conn_close(s->writer);
    if (wlock_init) {
      pthread_mutex_destroy(&s->wlock);
    }
    if (plock_init) {
      store_pool_destroy(&s->pool);
    }
    if (qlock_init) {
      pthread_mutex_destroy(&s->qlock);
    }
    if (ckpt_lock_init) {
      pthread_mutex_destroy(&s->ckpt_lock);
    }
    if (cwake_init) {
      pthread_cond_destroy(&s->cwake);
    }
    if (qwake_init) {
      pthread_cond_destroy(&s->qwake);
    }
    free(s->path);
    free(s);
  }
  return rc;
}

static void sq_close(struct store *base) {
  struct sq_store *s = sq_store(base);
  store_sqlite_committer_stop(s); /* settles every queued body first */
  store_sqlite_syncer_stop(s);    /* then tells them */
  checkpointer_stop(s);
  locator_stop(s); /* before the readers close: its thread may hold one */
  struct store_conn *idle = NULL;
  while (NULL != (idle = store_pool_take(&s->pool))) {
    store_conn_close(sq_conn(idle));
  }
  store_conn_close(s->writer);
  pthread_mutex_destroy(&s->wlock);
  store_pool_destroy(&s->pool);
  pthread_mutex_destroy(&s->qlock);
  pthread_mutex_destroy(&s->ckpt_lock);
  pthread_cond_destroy(&s->cwake);
  pthread_cond_destroy(&s->qwake);
  free(s->path);
  free(s);
}

/* ------------------------------------------------------------------------------------ */
/* readers */

static int sq_rd_begin(struct store *base, struct store_rd **out) {
  struct sq_store *s = sq_store(base);
  struct sq_conn *c = NULL;
  int rc = STORE_HARD;
  *out = NULL;
  struct store_conn *idle = store_pool_take(&s->pool);
  if (NULL != idle) {
    c = sq_conn(idle);
  } else {
    char err[256];
    rc = store_conn_open(s, false, &c, err, sizeof err);
    if (STORE_OK != rc) {
      store_logf(&s->base, STORE_LOG_ERROR, "read connection: %s", err);
      return rc;
    }
  }
  rc = store_core_exec(c, CORE_BEGIN, "begin read");
  if (STORE_OK != rc) {
    store_conn_close(c);
    return rc;
  }
  *out = &c->base.rd;
  return STORE_OK;
}

static void sq_rd_end(struct store_rd *rd) {
  struct sq_conn *c = sq_conn(rd->conn);
  struct sq_store *s = c->st;
  store_conn_reset_active(c);
  if (0 == sqlite3_get_autocommit(c->db) &&
      STORE_OK != store_core_exec(c, CORE_COMMIT, "end read")) {
    store_core_exec(c, CORE_ROLLBACK, "end read");
  }
  if (!store_pool_give(&s->pool, &c->base)) {
    store_conn_close(c);
  }
}

static int sq_health(struct store *s) {
  struct store_rd *rd = NULL;
  int64_t n = 0;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_row_int64(rd->conn, store_stmt(rd->conn, &core_set, CORE_HEALTH), "health", &n);
  store_rd_end(rd);
  return rc;
}

/* One process writes an SQLite file: it always leads. */
static int sq_lead(struct store *s) {
  (void)s;
  return STORE_OK;
}

static const struct store_ops sq_ops = {
    .name = "sqlite",
    .lead = sq_lead,
    .close = sq_close,
    .txn = store_sqlite_txn,
    .txn_async = store_sqlite_txn_async,
    .rd_begin = sq_rd_begin,
    .rd_end = sq_rd_end,
    .health = sq_health,
    .schema_version = sq_schema_version,
    .migrate = sq_migrate,
    .locator_wait = sq_locator_wait,
};
