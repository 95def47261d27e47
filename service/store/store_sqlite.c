/*
 * The SQLite backend's foundation: opening (with checks that never modify a refused file),
 * pragmas, migrations, the single-writer transaction runner with bounded retries, the pool
 * of read connections, the per-connection statement cache, error mapping, backup/restore
 * and the health probe. Resource files build on the helpers in store_internal.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_internal.h"
#include "ujikom/clock.h"

#define STORE_POOL_MAX 32 /* idle read connections kept; more are closed on release */
/* While the database is known to be locked elsewhere, a write waits this long at most. */
#define STORE_BUSY_PROBE_MS 50
/* WAL pages after which the checkpointer copies them into the database file (SQLite's own
 * automatic checkpoint uses the same figure). */
#define STORE_CKPT_PAGES    1000
#define STORE_CKPT_PAUSE_MS 20L

struct stmt_cache {
  const struct store_sqlset *set;
  sqlite3_stmt **stmts; /* set->count entries, NULL until first use */
};

struct store_rd {
  struct store_conn *conn;
};

struct store_tx {
  struct store_rd rd;
  int64_t now_ms;
};

struct store_conn {
  struct store *st;
  sqlite3 *db;
  struct stmt_cache *caches;
  size_t ncaches;
  struct store_rd rd;      /* handed out by store_rd_begin() */
  struct store_conn *next; /* free list of the read pool */
};

/* One caller of store_txn, queued for the group commit. */
struct txn_req {
  store_txn_fn fn;
  void *ctx;
  int64_t deadline; /* monotonic ms: its lock budget ends here */
  int result;
  bool settled;   /* result is final */
  bool tentative; /* fn succeeded in the current transaction, not yet committed */
  bool taken;     /* a leader took it into a batch (set under qlock) */
  bool done;      /* the caller may return (set under qlock) */
  /* The caller waits on its own condition: a finished batch wakes only its members and the
   * caller queued first (the next leader), not every waiting writer. */
  pthread_cond_t wake;
  struct txn_req *next;
};

struct store {
  char *path;
  struct store_opts opts;
  pthread_mutex_t wlock; /* serialises use of the writer connection (batches, migrations) */
  struct store_conn *writer;
  pthread_mutex_t plock; /* guards the read pool */
  struct store_conn *pool;
  size_t npool;
  /* Monotonic ms until which the database counts as locked by someone else: set when a
   * write ran out of its budget, cleared by the next commit. Meanwhile writes make one short
   * attempt, so a lock held elsewhere cannot pin every worker thread for a full budget. */
  atomic_llong busy_until_ms;
  /* Group commit: callers queue their bodies; one of them (the leader) runs everything queued
   * in one transaction, so one fsync acknowledges many writes, while the next callers queue
   * behind it. A caller still queued when its budget ends leaves with BUSY. */
  pthread_mutex_t qlock;
  struct txn_req *qhead, *qtail;
  bool leading;     /* a batch is running */
  pthread_t leader; /* the thread running it (to refuse a nested store_txn) */
  /* Checkpoints run on a thread of their own (with its own connection), woken by the writer
   * when the WAL has grown by STORE_CKPT_PAGES, instead of inside the commit that crossed the
   * threshold: a checkpoint writes and fsyncs the database file, which would otherwise hold
   * the writer, and every caller batched behind it, for tens of milliseconds. Commits stay
   * as durable as before (each one still fsyncs the WAL before it returns). */
  pthread_mutex_t ckpt_lock;
  pthread_cond_t cwake;
  pthread_t ckpt;
  bool ckpt_running, ckpt_wanted, ckpt_stop;
  struct store_conn *ckpt_conn;
};

/* Statements of the foundation itself. */
enum core_stmt {
  CORE_BEGIN,
  CORE_BEGIN_IMMEDIATE,
  CORE_COMMIT,
  CORE_ROLLBACK,
  CORE_USER_VERSION,
  CORE_HEALTH,
  CORE_SAVEPOINT,
  CORE_RELEASE,
  CORE_ROLLBACK_TO,
  CORE__MAX
};
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

static const char sqlite_magic[16] = "SQLite format 3";

/* ------------------------------------------------------------------------------------ */
/* logging and small helpers */

static void store_vlog(const struct store *s, enum store_log_level level, const char *fmt,
                       va_list ap) __attribute__((format(printf, 3, 0)));

static void store_vlog(const struct store *s, enum store_log_level level, const char *fmt,
                       va_list ap) {
  char msg[768];
  if (NULL == s || NULL == s->opts.log)
    return;
  vsnprintf(msg, sizeof msg, fmt, ap);
  s->opts.log(s->opts.log_ctx, level, msg);
}

static void store_log(const struct store *s, enum store_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void store_log(const struct store *s, enum store_log_level level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  store_vlog(s, level, fmt, ap);
  va_end(ap);
}

void store_conn_log(struct store_conn *c, enum store_log_level level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  store_vlog(NULL == c ? NULL : c->st, level, fmt, ap);
  va_end(ap);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (NULL == err || 0 == errlen)
    return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (0 != nanosleep(&ts, &ts) && EINTR == errno)
    ;
}

const char *store_rc_name(int rc) {
  switch (rc) {
  case STORE_HARD:
    return "hard error";
  case STORE_UNAVAILABLE:
    return "unavailable";
  case STORE_BUSY:
    return "busy";
  case STORE_NONE:
    return "none";
  case STORE_OK:
    return "ok";
  case STORE_EXISTS:
    return "exists";
  case STORE_CONFLICT:
    return "conflict";
  default:
    return "unknown";
  }
}

int store_schema_latest(void) {
  if (0 == store_migrations_count)
    return 0;
  return store_migrations[store_migrations_count - 1].version;
}

/* ------------------------------------------------------------------------------------ */
/* error mapping and statement helpers */

static int map_code(int sqlite_rc) {
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
    if (SQLITE_CONSTRAINT_UNIQUE == sqlite_rc || SQLITE_CONSTRAINT_PRIMARYKEY == sqlite_rc)
      return STORE_EXISTS;
    return STORE_HARD;
  default:
    return STORE_HARD;
  }
}

int store_map_error(struct store_conn *c, int sqlite_rc, const char *what) {
  int rc = map_code(sqlite_rc);
  const char *msg =
      (NULL != c && NULL != c->db) ? sqlite3_errmsg(c->db) : sqlite3_errstr(sqlite_rc);
  switch (rc) {
  case STORE_OK:
  case STORE_EXISTS:
    store_conn_log(c, STORE_LOG_DEBUG, "%s: %s", what, msg);
    break;
  case STORE_BUSY:
    store_conn_log(c, STORE_LOG_WARN, "%s: busy (%s)", what, msg);
    break;
  default:
    store_conn_log(c, STORE_LOG_ERROR, "%s: %s (%d)", what, msg, sqlite_rc);
    break;
  }
  return rc;
}

sqlite3_stmt *store_stmt(struct store_conn *c, const struct store_sqlset *set, int id) {
  struct stmt_cache *cache = NULL;
  if (NULL == c || NULL == set || id < 0 || id >= set->count) {
    store_conn_log(c, STORE_LOG_ERROR, "bad statement id %d in set %s", id,
                   NULL == set ? "?" : set->name);
    return NULL;
  }
  for (size_t i = 0; i < c->ncaches; i++) {
    if (c->caches[i].set == set) {
      cache = &c->caches[i];
      break;
    }
  }
  if (NULL == cache) {
    sqlite3_stmt **stmts = calloc((size_t)set->count, sizeof *stmts);
    struct stmt_cache *grown = NULL;
    if (NULL == stmts)
      return NULL;
    grown = realloc(c->caches, (c->ncaches + 1) * sizeof *grown);
    if (NULL == grown) {
      free(stmts);
      return NULL;
    }
    c->caches = grown;
    cache = &c->caches[c->ncaches++];
    cache->set = set;
    cache->stmts = stmts;
  }
  if (NULL == cache->stmts[id]) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(c->db, set->sqls[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (SQLITE_OK != rc || NULL == st) {
      store_conn_log(c, STORE_LOG_ERROR, "preparing %s[%d] failed: %s", set->name, id,
                     sqlite3_errmsg(c->db));
      sqlite3_finalize(st);
      return NULL;
    }
    cache->stmts[id] = st;
    return st;
  }
  sqlite3_reset(cache->stmts[id]);
  sqlite3_clear_bindings(cache->stmts[id]);
  return cache->stmts[id];
}

void store_stmt_done(sqlite3_stmt *st) {
  if (NULL == st)
    return;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
}

int store_step_row(struct store_conn *c, sqlite3_stmt *st, const char *what) {
  int rc = sqlite3_step(st);
  if (SQLITE_ROW == rc)
    return STORE_OK;
  if (SQLITE_DONE == rc)
    return STORE_NONE;
  return store_map_error(c, rc, what);
}

int store_step_done(struct store_conn *c, sqlite3_stmt *st, const char *what,
                    int64_t *out_changes) {
  int rc = sqlite3_step(st);
  while (SQLITE_ROW == rc)
    rc = sqlite3_step(st);
  if (SQLITE_DONE != rc)
    return store_map_error(c, rc, what);
  if (NULL != out_changes)
    *out_changes = sqlite3_changes64(c->db);
  return STORE_OK;
}

int store_bind_text(sqlite3_stmt *st, int idx, const char *text) {
  if (NULL == text)
    return sqlite3_bind_null(st, idx);
  return sqlite3_bind_text(st, idx, text, -1, SQLITE_TRANSIENT);
}

int store_col_copy(sqlite3_stmt *st, int col, char *buf, size_t bufsize) {
  const unsigned char *t = sqlite3_column_text(st, col);
  size_t n = (size_t)sqlite3_column_bytes(st, col);
  if (0 == bufsize)
    return -1;
  if (NULL == t) {
    buf[0] = '\0';
    return 0;
  }
  if (n >= bufsize) {
    buf[0] = '\0';
    return -1;
  }
  memcpy(buf, t, n);
  buf[n] = '\0';
  return 0;
}

char *store_col_strdup(sqlite3_stmt *st, int col, int *out_oom) {
  const unsigned char *t = sqlite3_column_text(st, col);
  size_t n = (size_t)sqlite3_column_bytes(st, col);
  char *copy = NULL;
  if (NULL != out_oom)
    *out_oom = 0;
  if (NULL == t)
    return NULL;
  copy = malloc(n + 1);
  if (NULL == copy) {
    if (NULL != out_oom)
      *out_oom = 1;
    return NULL;
  }
  memcpy(copy, t, n);
  copy[n] = '\0';
  return copy;
}

int64_t store_conn_last_rowid(struct store_conn *c) {
  return sqlite3_last_insert_rowid(c->db);
}

struct store_conn *store_rd_conn(struct store_rd *rd) {
  return rd->conn;
}

struct store_conn *store_tx_conn(struct store_tx *tx) {
  return tx->rd.conn;
}

struct store_rd *store_tx_rd(struct store_tx *tx) {
  return &tx->rd;
}

int64_t store_tx_now_ms(const struct store_tx *tx) {
  return tx->now_ms;
}

/* Runs one of the foundation's statements that returns no rows of interest. */
static int core_exec(struct store_conn *c, enum core_stmt id, const char *what) {
  sqlite3_stmt *st = store_stmt(c, &core_set, id);
  int rc = STORE_HARD;
  if (NULL == st)
    return STORE_HARD;
  rc = store_step_done(c, st, what, NULL);
  store_stmt_done(st);
  return rc;
}

/* Resets every statement still stepping, so COMMIT/ROLLBACK do not meet open cursors. */
static void reset_active(struct store_conn *c) {
  sqlite3_stmt *st = NULL;
  while (NULL != (st = sqlite3_next_stmt(c->db, st))) {
    if (sqlite3_stmt_busy(st))
      sqlite3_reset(st);
  }
}

/* ------------------------------------------------------------------------------------ */
/* connections */

static void conn_close(struct store_conn *c) {
  if (NULL == c)
    return;
  for (size_t i = 0; i < c->ncaches; i++) {
    for (int j = 0; j < c->caches[i].set->count; j++)
      sqlite3_finalize(c->caches[i].stmts[j]);
    free(c->caches[i].stmts);
  }
  free(c->caches);
  sqlite3_close(c->db);
  free(c);
}

static int conn_open(struct store *s, bool writer, struct store_conn **out, char *err,
                     size_t errlen) {
  struct store_conn *c = calloc(1, sizeof *c);
  int flags = SQLITE_OPEN_NOMUTEX |
              (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
  int rc = SQLITE_OK;
  int result = STORE_UNAVAILABLE;
  *out = NULL;
  if (NULL == c) {
    set_err(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  c->st = s;
  c->rd.conn = c;
  rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
  if (SQLITE_OK != rc) {
    set_err(err, errlen, "%s: cannot open database: %s", s->path,
            NULL != c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    result = map_code(rc);
    goto cleanup;
  }
  sqlite3_extended_result_codes(c->db, 1);
  sqlite3_busy_timeout(c->db, (int)s->opts.busy_timeout_ms);
  if (writer) {
    /* WAL: readers never block the writer; synchronous=FULL: an acknowledged commit
     * survives power loss; foreign keys are off by default in SQLite. */
    const char *const pragmas[] = {
        "PRAGMA journal_mode=WAL",
        s->opts.bulk_load ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA trusted_schema=OFF",
        s->opts.bulk_load ? "PRAGMA cache_size=-262144" : "PRAGMA cache_size=-2000",
        /* After the WAL starts over, its file is cut back to 64 MiB (a burst may grow it). */
        "PRAGMA journal_size_limit=67108864",
    };
    for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
      char *msg = NULL;
      rc = sqlite3_exec(c->db, pragmas[i], NULL, NULL, &msg);
      if (SQLITE_OK != rc) {
        set_err(err, errlen, "%s: %s: %s", s->path, pragmas[i], NULL != msg ? msg : "failed");
        sqlite3_free(msg);
        result = map_code(rc);
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
  conn_close(c);
  return result < 0 ? result : STORE_UNAVAILABLE;
}

/* ------------------------------------------------------------------------------------ */
/* checks before any write */

/* Checks the 100-byte database header against the file format's fixed rules (magic, a
 * power-of-two page size, the file a whole number of pages, the fixed payload fractions,
 * known format numbers). Cheap, and it catches a file that is not, or no longer, an SQLite
 * database before SQLite reads anything else of it. */
static int check_header(const char *path, char *err, size_t errlen) {
  unsigned char h[100];
  struct stat sb;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  ssize_t got = 0;
  if (fd < 0) {
    set_err(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    return STORE_UNAVAILABLE;
  }
  got = read(fd, h, sizeof h);
  if (0 != fstat(fd, &sb))
    sb.st_size = 0;
  close(fd);
  if (got < 16 || 0 != memcmp(h, sqlite_magic, sizeof sqlite_magic)) {
    set_err(err, errlen, "%s: not an SQLite database (refusing to touch it)", path);
    return STORE_HARD;
  }
  unsigned page = (unsigned)h[16] << 8 | h[17];
  if (1 == page)
    page = 65536;
  bool page_ok = page >= 512 && page <= 65536 && 0 == (page & (page - 1));
  if (got != (ssize_t)sizeof h || !page_ok || sb.st_size < (off_t)page ||
      0 != sb.st_size % (off_t)page || h[18] < 1 || h[18] > 2 || h[19] < 1 || h[19] > 2 ||
      64 != h[21] || 32 != h[22] || 32 != h[23] || h[44] > 4 || h[56] > 3) {
    set_err(err, errlen, "%s: database is corrupt: invalid header (refusing to touch it)", path);
    return STORE_HARD;
  }
  return STORE_OK;
}

/* Runs one PRAGMA that answers "ok" when the database is intact. */
static int run_check(sqlite3 *db, const char *path, const char *pragma, char *err, size_t errlen) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, pragma, -1, &st, NULL);
  int result = STORE_HARD;
  if (SQLITE_OK == rc)
    rc = sqlite3_step(st);
  if (SQLITE_ROW != rc) {
    set_err(err, errlen, "%s: database is corrupt or unreadable: %s", path, sqlite3_errmsg(db));
  } else {
    const char *res = (const char *)sqlite3_column_text(st, 0);
    if (NULL == res || 0 != strcmp(res, "ok"))
      set_err(err, errlen, "%s: database is corrupt: %s", path, NULL == res ? "?" : res);
    else
      result = STORE_OK;
  }
  sqlite3_finalize(st);
  return result;
}

/* The bounded part of the start-up check: the first and the last row of every table, which
 * makes SQLite read (and validate) each table's root page and the pages down to its first
 * and last leaf, where the most recent writes land: a few pages per table, whatever the
 * database's size. */
static int check_table_ends(sqlite3 *db, const char *path, char *err, size_t errlen) {
  sqlite3_stmt *names = NULL;
  int result = STORE_OK;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
                              "LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%'",
                              -1, &names, NULL);
  if (SQLITE_OK != rc) {
    set_err(err, errlen, "%s: database is corrupt or unreadable: %s", path, sqlite3_errmsg(db));
    return STORE_HARD;
  }
  while (STORE_OK == result && SQLITE_ROW == (rc = sqlite3_step(names))) {
    const char *name = (const char *)sqlite3_column_text(names, 0);
    for (int end = 0; STORE_OK == result && NULL != name && end < 2; end++) {
      /* WITHOUT ROWID tables have no rowid: their first row (by primary key) is read. */
      char *sql = sqlite3_mprintf(0 == end ? "SELECT * FROM \"%w\" LIMIT 1"
                                           : "SELECT * FROM \"%w\" ORDER BY rowid DESC LIMIT 1",
                                  name);
      sqlite3_stmt *st = NULL;
      int prc = NULL == sql ? SQLITE_NOMEM : sqlite3_prepare_v2(db, sql, -1, &st, NULL);
      int src = SQLITE_OK == prc ? sqlite3_step(st) : prc;
      bool no_rowid = 1 == end && SQLITE_ERROR == prc;
      if (!no_rowid && SQLITE_ROW != src && SQLITE_DONE != src) {
        set_err(err, errlen, "%s: database is corrupt or unreadable: table %s: %s", path, name,
                sqlite3_errmsg(db));
        result = STORE_HARD;
      }
      sqlite3_finalize(st);
      sqlite3_free(sql);
    }
  }
  if (STORE_OK == result && SQLITE_DONE != rc) {
    set_err(err, errlen, "%s: database is corrupt or unreadable: %s", path, sqlite3_errmsg(db));
    result = STORE_HARD;
  }
  sqlite3_finalize(names);
  return result;
}

/* Checks an existing, non-empty file read-only: its header, the schema (parsed, and its
 * B-tree checked), the first and last rows of every table, and a schema version this
 * program knows; with full, every page instead (PRAGMA quick_check, which reads the whole
 * file: ~1.6 s per GB). Start-up uses the bounded check, so it does not grow with the
 * database: a file cut off or overwritten, a torn write at a table's end, are refused; damage
 * deeper inside is reported by SQLite when a request reads it, and by the full check
 * (`ujikom check`, which backups and restores also pass through).
 * Writes *out_version. Returns STORE_OK or negative + err. */
static int check_existing(const char *path, bool full, int *out_version, char *err, size_t errlen) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int result = STORE_HARD;
  int rc = check_header(path, err, errlen);
  *out_version = 0;
  if (STORE_OK != rc)
    return rc;
  rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (SQLITE_OK != rc) {
    set_err(err, errlen, "%s: cannot open read-only: %s", path, sqlite3_errstr(rc));
    result = map_code(rc);
    goto cleanup;
  }
  sqlite3_exec(db, "PRAGMA trusted_schema=OFF", NULL, NULL, NULL);
  result = run_check(db, path, full ? "PRAGMA quick_check(1)" : "PRAGMA quick_check(sqlite_schema)",
                     err, errlen);
  if (STORE_OK == result && !full)
    result = check_table_ends(db, path, err, errlen);
  if (STORE_OK != result)
    goto cleanup;
  result = STORE_HARD;
  rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
  if (SQLITE_OK == rc)
    rc = sqlite3_step(st);
  if (SQLITE_ROW != rc) {
    set_err(err, errlen, "%s: cannot read schema version: %s", path, sqlite3_errmsg(db));
    goto cleanup;
  }
  *out_version = sqlite3_column_int(st, 0);
  if (*out_version > store_schema_latest() || *out_version < 0) {
    set_err(err, errlen,
            "%s: schema version %d is newer than this program knows (%d); upgrade ujikom", path,
            *out_version, store_schema_latest());
    goto cleanup;
  }
  result = STORE_OK;
cleanup:
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

int store_check_file(const char *path, char *err, size_t errlen) {
  struct stat sb;
  int version = 0;
  if (NULL == path || 0 != stat(path, &sb) || !S_ISREG(sb.st_mode)) {
    set_err(err, errlen, "%s: no such database file", NULL == path ? "?" : path);
    return STORE_NONE;
  }
  return check_existing(path, true, &version, err, errlen);
}

/* Refuses a directory we cannot write (WAL needs the -wal and -shm files beside the db). */
static int check_directory(const char *path, char *err, size_t errlen) {
  char dir[PATH_MAX];
  const char *slash = strrchr(path, '/');
  size_t n = 0;
  if (NULL == slash) {
    dir[0] = '.';
    dir[1] = '\0';
  } else {
    n = (size_t)(slash - path);
    if (0 == n)
      n = 1; /* "/file" */
    if (n >= sizeof dir) {
      set_err(err, errlen, "%s: path too long", path);
      return STORE_HARD;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
  }
  if (0 != access(dir, W_OK | X_OK)) {
    set_err(err, errlen, "%s: directory is not writable: %s", dir, strerror(errno));
    return STORE_UNAVAILABLE;
  }
  return STORE_OK;
}

/* ------------------------------------------------------------------------------------ */
/* migrations */

static int read_user_version(struct store_conn *c, int *out) {
  sqlite3_stmt *st = store_stmt(c, &core_set, CORE_USER_VERSION);
  int rc = STORE_HARD;
  if (NULL == st)
    return STORE_HARD;
  rc = store_step_row(c, st, "read user_version");
  if (STORE_OK == rc)
    *out = sqlite3_column_int(st, 0);
  else if (STORE_NONE == rc)
    rc = STORE_HARD;
  store_stmt_done(st);
  return rc;
}

static int migrate_locked(struct store *s, int to, int *out_from, int *out_to, char *err,
                          size_t errlen) {
  struct store_conn *c = s->writer;
  int cur = 0;
  int rc = read_user_version(c, &cur);
  if (STORE_OK != rc) {
    set_err(err, errlen, "%s: cannot read schema version", s->path);
    return rc;
  }
  if (NULL != out_from)
    *out_from = cur;
  if (cur > store_schema_latest()) {
    set_err(err, errlen, "%s: schema version %d is newer than this program knows (%d)", s->path,
            cur, store_schema_latest());
    return STORE_HARD;
  }
  for (size_t i = 0; i < store_migrations_count; i++) {
    const struct store_migration *m = &store_migrations[i];
    char pragma[64];
    char *msg = NULL;
    if (m->version <= cur)
      continue;
    if (to > 0 && m->version > to)
      break;
    rc = core_exec(c, CORE_BEGIN_IMMEDIATE, "begin migration");
    if (STORE_OK != rc) {
      set_err(err, errlen, "migration %04d_%s: cannot begin: %s", m->version, m->name,
              store_rc_name(rc));
      return rc;
    }
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
    int erc = sqlite3_exec(c->db, m->sql, NULL, NULL, &msg);
    if (SQLITE_OK == erc)
      erc = sqlite3_exec(c->db, pragma, NULL, NULL, &msg);
    if (SQLITE_OK != erc) {
      set_err(err, errlen, "migration %04d_%s failed: %s", m->version, m->name,
              NULL != msg ? msg : sqlite3_errstr(erc));
      sqlite3_free(msg);
      rc = map_code(erc);
      if (sqlite3_get_autocommit(c->db) == 0)
        core_exec(c, CORE_ROLLBACK, "rollback migration");
      return rc < 0 ? rc : STORE_HARD;
    }
    rc = core_exec(c, CORE_COMMIT, "commit migration");
    if (STORE_OK != rc) {
      set_err(err, errlen, "migration %04d_%s: commit failed: %s", m->version, m->name,
              store_rc_name(rc));
      if (sqlite3_get_autocommit(c->db) == 0)
        core_exec(c, CORE_ROLLBACK, "rollback migration");
      return rc;
    }
    store_log(s, STORE_LOG_INFO, "applied migration %04d_%s", m->version, m->name);
    cur = m->version;
  }
  if (NULL != out_to)
    *out_to = cur;
  return STORE_OK;
}

int store_migrate(struct store *s, int to, int *out_from, int *out_to, char *err, size_t errlen) {
  int rc = STORE_HARD;
  if (0 != pthread_mutex_lock(&s->wlock)) {
    set_err(err, errlen, "store_migrate called inside a transaction");
    return STORE_HARD;
  }
  rc = migrate_locked(s, to, out_from, out_to, err, errlen);
  pthread_mutex_unlock(&s->wlock);
  return rc;
}

int store_schema_version(struct store *s, int *out) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc)
    return rc;
  rc = read_user_version(rd->conn, out);
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
  struct store *s = arg;
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

static void *checkpointer(void *arg) {
  struct store *s = arg;
  pthread_mutex_lock(&s->ckpt_lock);
  for (;;) {
    while (!s->ckpt_wanted && !s->ckpt_stop)
      pthread_cond_wait(&s->cwake, &s->ckpt_lock);
    if (s->ckpt_stop)
      break;
    s->ckpt_wanted = false;
    pthread_mutex_unlock(&s->ckpt_lock);
    /* PASSIVE: copies what no reader still needs, never waits for readers or the writer. */
    int log = 0, done = 0;
    int rc =
        sqlite3_wal_checkpoint_v2(s->ckpt_conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (SQLITE_OK != rc && SQLITE_BUSY != rc)
      store_log(s, STORE_LOG_WARN, "checkpoint: %s", sqlite3_errmsg(s->ckpt_conn->db));
    /* At most one checkpoint per STORE_CKPT_PAUSE_MS: a checkpoint costs an fsync of the
     * database file, and the pages written meanwhile wait for the next one. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += STORE_CKPT_PAUSE_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->ckpt_lock);
    while (!s->ckpt_stop && 0 == pthread_cond_timedwait(&s->cwake, &s->ckpt_lock, &until))
      ;
  }
  pthread_mutex_unlock(&s->ckpt_lock);
  return NULL;
}

/* Starts the checkpointer and hands it the writer's checkpoints. When it cannot start, the
 * writer keeps SQLite's automatic checkpoints: slower commits now and then, nothing lost. */
static void checkpointer_start(struct store *s) {
  char err[256];
  if (STORE_OK != conn_open(s, true, &s->ckpt_conn, err, sizeof err)) {
    store_log(s, STORE_LOG_WARN, "checkpointer: %s (checkpoints stay in the writer)", err);
    return;
  }
  sqlite3_busy_timeout(s->ckpt_conn->db, 0);
  if (0 != pthread_create(&s->ckpt, NULL, checkpointer, s)) {
    store_log(s, STORE_LOG_WARN, "checkpointer: no thread (checkpoints stay in the writer)");
    conn_close(s->ckpt_conn);
    s->ckpt_conn = NULL;
    return;
  }
  s->ckpt_running = true;
  pthread_mutex_lock(&s->wlock);
  sqlite3_wal_hook(s->writer->db, wal_grown, s); /* replaces the automatic checkpoint */
  pthread_mutex_unlock(&s->wlock);
}

static void checkpointer_stop(struct store *s) {
  if (!s->ckpt_running)
    return;
  pthread_mutex_lock(&s->wlock);
  sqlite3_wal_autocheckpoint(s->writer->db, STORE_CKPT_PAGES); /* removes our hook */
  pthread_mutex_unlock(&s->wlock);
  pthread_mutex_lock(&s->ckpt_lock);
  s->ckpt_stop = true;
  pthread_cond_signal(&s->cwake);
  pthread_mutex_unlock(&s->ckpt_lock);
  pthread_join(s->ckpt, NULL);
  s->ckpt_running = false;
  conn_close(s->ckpt_conn);
  s->ckpt_conn = NULL;
}

int store_open(struct store **out, const char *path, const struct store_opts *opts, char *err,
               size_t errlen) {
  struct store *s = NULL;
  struct stat sb;
  pthread_mutexattr_t attr;
  int rc = STORE_HARD;
  int version = 0;
  bool wlock_init = false, plock_init = false, qlock_init = false;
  bool ckpt_lock_init = false, cwake_init = false;
  *out = NULL;
  if (NULL == path || '\0' == path[0]) {
    set_err(err, errlen, "no database path given");
    return STORE_HARD;
  }
  rc = check_directory(path, err, errlen);
  if (STORE_OK != rc)
    return rc;
  if (0 == stat(path, &sb)) {
    if (!S_ISREG(sb.st_mode)) {
      set_err(err, errlen, "%s: not a regular file", path);
      return STORE_HARD;
    }
    if (0 != access(path, R_OK | W_OK)) {
      set_err(err, errlen, "%s: not writable: %s", path, strerror(errno));
      return STORE_UNAVAILABLE;
    }
    if (sb.st_size > 0) {
      rc = check_existing(path, false, &version, err, errlen);
      if (STORE_OK != rc)
        return rc;
    }
  } else if (ENOENT != errno) {
    set_err(err, errlen, "%s: %s", path, strerror(errno));
    return STORE_UNAVAILABLE;
  }

  s = calloc(1, sizeof *s);
  if (NULL == s) {
    set_err(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  if (NULL != opts)
    s->opts = *opts;
  if (s->opts.busy_timeout_ms <= 0)
    s->opts.busy_timeout_ms = 5000;
  if (s->opts.busy_timeout_ms > INT_MAX)
    s->opts.busy_timeout_ms = INT_MAX;
  if (s->opts.txn_retries <= 0)
    s->opts.txn_retries = 3;
  atomic_init(&s->busy_until_ms, 0LL);
  s->path = strdup(path);
  if (NULL == s->path) {
    set_err(err, errlen, "out of memory");
    rc = STORE_UNAVAILABLE;
    goto cleanup;
  }
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  wlock_init = 0 == pthread_mutex_init(&s->wlock, &attr);
  pthread_mutexattr_destroy(&attr);
  plock_init = 0 == pthread_mutex_init(&s->plock, NULL);
  qlock_init = 0 == pthread_mutex_init(&s->qlock, NULL);
  ckpt_lock_init = 0 == pthread_mutex_init(&s->ckpt_lock, NULL);
  cwake_init = 0 == pthread_cond_init(&s->cwake, NULL);
  if (!wlock_init || !plock_init || !qlock_init || !ckpt_lock_init || !cwake_init) {
    set_err(err, errlen, "cannot initialise locks");
    rc = STORE_HARD;
    goto cleanup;
  }
  rc = conn_open(s, true, &s->writer, err, errlen);
  if (STORE_OK != rc)
    goto cleanup;
  if (s->opts.migrate_to >= 0) {
    rc = store_migrate(s, s->opts.migrate_to, NULL, NULL, err, errlen);
    if (STORE_OK != rc)
      goto cleanup;
  }
  checkpointer_start(s);
  *out = s;
  return STORE_OK;
cleanup:
  if (NULL != s) {
    conn_close(s->writer);
    if (wlock_init)
      pthread_mutex_destroy(&s->wlock);
    if (plock_init)
      pthread_mutex_destroy(&s->plock);
    if (qlock_init)
      pthread_mutex_destroy(&s->qlock);
    if (ckpt_lock_init)
      pthread_mutex_destroy(&s->ckpt_lock);
    if (cwake_init)
      pthread_cond_destroy(&s->cwake);
    free(s->path);
    free(s);
  }
  return rc;
}

void store_close(struct store *s) {
  if (NULL == s)
    return;
  checkpointer_stop(s);
  while (NULL != s->pool) {
    struct store_conn *c = s->pool;
    s->pool = c->next;
    conn_close(c);
  }
  conn_close(s->writer);
  pthread_mutex_destroy(&s->wlock);
  pthread_mutex_destroy(&s->plock);
  pthread_mutex_destroy(&s->qlock);
  pthread_mutex_destroy(&s->ckpt_lock);
  pthread_cond_destroy(&s->cwake);
  free(s->path);
  free(s);
}

/* ------------------------------------------------------------------------------------ */
/* transactions and readers */

/* The longest one write may wait for locks, in- and out-of-process together: every attempt's
 * busy timeout plus the back-off between attempts. Waiting for the writer mutex counts
 * against it too, so N writers blocked behind a lock held elsewhere all answer BUSY within
 * one budget instead of one after another (N budgets). */
static int64_t txn_budget_ms(const struct store *s) {
  int64_t budget = (int64_t)s->opts.busy_timeout_ms * (s->opts.txn_retries + 1);
  for (int i = 0; i < s->opts.txn_retries; i++)
    budget += 10L * (i + 1);
  return budget;
}

/* Takes the writer mutex before deadline (monotonic ms). 0, ETIMEDOUT, or EDEADLK when this
 * thread already holds it (a nested store_txn). */
static int lock_writer(struct store *s, int64_t deadline) {
  struct timespec abs;
  int64_t wait = deadline - clock_mono_ms();
  int rc = pthread_mutex_trylock(&s->wlock);
  if (EBUSY != rc)
    return rc;
  if (wait <= 0)
    return ETIMEDOUT;
  clock_gettime(CLOCK_REALTIME, &abs); /* pthread_mutex_timedlock measures CLOCK_REALTIME */
  abs.tv_sec += (time_t)(wait / 1000);
  abs.tv_nsec += (long)(wait % 1000) * 1000000L;
  if (abs.tv_nsec >= 1000000000L) {
    abs.tv_sec++;
    abs.tv_nsec -= 1000000000L;
  }
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
static bool run_one(struct store_conn *c, struct store_tx *tx, struct txn_req *r) {
  int rc = core_exec(c, CORE_SAVEPOINT, "savepoint");
  if (STORE_OK != rc) {
    r->result = rc;
    r->settled = true;
    return 0 == sqlite3_get_autocommit(c->db);
  }
  int frc = r->fn(tx, r->ctx);
  reset_active(c);
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
    if (STORE_OK == core_exec(c, CORE_RELEASE, "release savepoint")) {
      r->tentative = true;
      return true;
    }
    frc = STORE_HARD;
  }
  core_exec(c, CORE_ROLLBACK_TO, "rollback to savepoint");
  core_exec(c, CORE_RELEASE, "release savepoint");
  if (STORE_BUSY != frc) { /* BUSY: retried in the next attempt */
    r->result = frc;
    r->settled = true;
  }
  return 0 == sqlite3_get_autocommit(c->db);
}

/* Runs a batch: one BEGIN IMMEDIATE ... COMMIT for every body in it, attempts repeated (for
 * the bodies not settled yet) when the lock is busy or a body asked for it, never waiting for
 * a lock past the earliest deadline in the batch. */
static void run_batch(struct store *s, struct txn_req *batch) {
  struct store_conn *c = s->writer;
  int64_t deadline = batch->deadline;
  for (struct txn_req *r = batch; NULL != r; r = r->next)
    if (r->deadline < deadline)
      deadline = r->deadline;
  int64_t now = clock_mono_ms();
  bool degraded = now < (int64_t)atomic_load(&s->busy_until_ms);
  if (degraded && deadline > now + STORE_BUSY_PROBE_MS)
    deadline = now + STORE_BUSY_PROBE_MS;
  int lrc = lock_writer(s, deadline);
  if (0 != lrc) {
    if (ETIMEDOUT == lrc) {
      atomic_store(&s->busy_until_ms, (long long)(clock_mono_ms() + txn_budget_ms(s)));
      store_log(s, STORE_LOG_WARN, "store_txn: writer busy beyond the budget");
    } else {
      store_log(s, STORE_LOG_ERROR, "store_txn: cannot take the writer: %s", strerror(lrc));
    }
    settle_rest(batch, ETIMEDOUT == lrc ? STORE_BUSY : STORE_HARD);
    return;
  }
  int last = STORE_OK;
  for (int attempt = 0;; attempt++) {
    bool pending = false;
    for (struct txn_req *r = batch; NULL != r; r = r->next)
      pending = pending || !r->settled;
    if (!pending)
      break;
    now = clock_mono_ms();
    if (!degraded && now < (int64_t)atomic_load(&s->busy_until_ms)) {
      /* Writers gave up behind us meanwhile: stop waiting a full budget too. */
      degraded = true;
      if (deadline > now + STORE_BUSY_PROBE_MS)
        deadline = now + STORE_BUSY_PROBE_MS;
    }
    int64_t left = deadline - now;
    bool retry_left = attempt < s->opts.txn_retries;
    struct store_tx tx = {.rd = {.conn = c}, .now_ms = clock_wall_ms()};
    int rc = STORE_BUSY;
    if (left > 0) {
      /* Never wait for the database lock past the batch's deadline. */
      sqlite3_busy_timeout(c->db,
                           (int)(left < s->opts.busy_timeout_ms ? left : s->opts.busy_timeout_ms));
      rc = core_exec(c, CORE_BEGIN_IMMEDIATE, "begin transaction");
    }
    if (STORE_BUSY == rc && retry_left && left > 0) {
      sleep_ms(10L * (attempt + 1));
      continue;
    }
    if (STORE_OK != rc) {
      last = rc;
      settle_rest(batch, rc);
      break;
    }
    bool alive = true;
    for (struct txn_req *r = batch; alive && NULL != r; r = r->next)
      if (!r->settled)
        alive = run_one(c, &tx, r);
    rc = STORE_BUSY;
    if (alive) {
      rc = core_exec(c, CORE_COMMIT, "commit");
      if (STORE_OK == rc) {
        for (struct txn_req *r = batch; NULL != r; r = r->next) {
          if (r->tentative) {
            r->result = STORE_OK;
            r->settled = true;
          }
        }
      }
    }
    if (0 == sqlite3_get_autocommit(c->db))
      core_exec(c, CORE_ROLLBACK, "rollback");
    /* Bodies that succeeded in a transaction that did not commit run again. */
    for (struct txn_req *r = batch; NULL != r; r = r->next)
      r->tentative = false;
    last = rc;
    if (!retry_left || deadline <= clock_mono_ms()) {
      /* Whatever is still pending gets the last failure, or BUSY. */
      settle_rest(batch, STORE_OK == rc ? STORE_BUSY : rc);
      break;
    }
    if (STORE_BUSY == rc)
      sleep_ms(10L * (attempt + 1));
  }
  bool any_ok = false, any_busy = false;
  for (struct txn_req *r = batch; NULL != r; r = r->next) {
    any_ok = any_ok || STORE_OK == r->result;
    any_busy = any_busy || STORE_BUSY == r->result;
  }
  if (any_ok)
    atomic_store(&s->busy_until_ms, 0LL);
  else if (any_busy && STORE_BUSY == last)
    atomic_store(&s->busy_until_ms, (long long)(clock_mono_ms() + txn_budget_ms(s)));
  pthread_mutex_unlock(&s->wlock);
}

/* Converts a monotonic deadline to the CLOCK_REALTIME time pthread_cond_timedwait wants. */
static struct timespec realtime_at(int64_t mono_deadline) {
  struct timespec abs;
  int64_t wait = mono_deadline - clock_mono_ms();
  if (wait < 0)
    wait = 0;
  clock_gettime(CLOCK_REALTIME, &abs);
  abs.tv_sec += (time_t)(wait / 1000);
  abs.tv_nsec += (long)(wait % 1000) * 1000000L;
  if (abs.tv_nsec >= 1000000000L) {
    abs.tv_sec++;
    abs.tv_nsec -= 1000000000L;
  }
  return abs;
}

/* Wakes the caller queued first, which leads the next batch (under qlock). */
static void wake_next_leader(struct store *s) {
  if (!s->leading && NULL != s->qhead)
    pthread_cond_signal(&s->qhead->wake);
}

/* Takes a request that gave up out of the queue (under qlock). */
static void unqueue(struct store *s, struct txn_req *me) {
  struct txn_req *prev = NULL;
  for (struct txn_req *r = s->qhead; NULL != r; prev = r, r = r->next) {
    if (r != me)
      continue;
    if (NULL == prev)
      s->qhead = r->next;
    else
      prev->next = r->next;
    if (s->qtail == r)
      s->qtail = prev;
    return;
  }
}

int store_txn(struct store *s, store_txn_fn fn, void *ctx) {
  int64_t start = clock_mono_ms();
  bool degraded = start < (int64_t)atomic_load(&s->busy_until_ms);
  struct txn_req me = {.fn = fn,
                       .ctx = ctx,
                       .deadline = start + (degraded ? STORE_BUSY_PROBE_MS : txn_budget_ms(s)),
                       .result = STORE_HARD};
  if (0 != pthread_cond_init(&me.wake, NULL))
    return STORE_HARD;
  pthread_mutex_lock(&s->qlock);
  if (s->leading && pthread_equal(s->leader, pthread_self())) {
    pthread_mutex_unlock(&s->qlock);
    pthread_cond_destroy(&me.wake);
    store_log(s, STORE_LOG_ERROR, "store_txn: nested transaction refused (deadlock)");
    return STORE_HARD;
  }
  if (NULL == s->qtail)
    s->qhead = &me;
  else
    s->qtail->next = &me;
  s->qtail = &me;
  while (!me.done) {
    if (!s->leading) {
      /* Lead: take everything queued so far (our own request included). */
      struct txn_req *batch = s->qhead;
      s->qhead = s->qtail = NULL;
      for (struct txn_req *r = batch; NULL != r; r = r->next)
        r->taken = true;
      s->leading = true;
      s->leader = pthread_self();
      pthread_mutex_unlock(&s->qlock);
      run_batch(s, batch);
      pthread_mutex_lock(&s->qlock);
      for (struct txn_req *r = batch, *next = NULL; NULL != r; r = next) {
        next = r->next;
        r->done = true; /* its caller reads it only after we release qlock */
        if (r != &me)
          pthread_cond_signal(&r->wake);
      }
      s->leading = false;
      wake_next_leader(s);
      continue;
    }
    if (me.taken) { /* in the running batch, which keeps to its own deadline */
      pthread_cond_wait(&me.wake, &s->qlock);
      continue;
    }
    struct timespec abs = realtime_at(me.deadline);
    if (ETIMEDOUT == pthread_cond_timedwait(&me.wake, &s->qlock, &abs) && !me.done && !me.taken &&
        clock_mono_ms() >= me.deadline) {
      /* The batch ahead has held the writer for our whole budget: the database is locked
       * elsewhere (or a transaction runs far too long). Let the writers after us know. */
      unqueue(s, &me);
      wake_next_leader(s); /* in case we were the one to lead next */
      atomic_store(&s->busy_until_ms, (long long)(clock_mono_ms() + txn_budget_ms(s)));
      pthread_mutex_unlock(&s->qlock);
      pthread_cond_destroy(&me.wake);
      store_log(s, STORE_LOG_WARN, "store_txn: writer busy beyond the budget");
      return STORE_BUSY;
    }
  }
  pthread_mutex_unlock(&s->qlock);
  pthread_cond_destroy(&me.wake);
  return me.result;
}

int store_rd_begin(struct store *s, struct store_rd **out) {
  struct store_conn *c = NULL;
  int rc = STORE_HARD;
  *out = NULL;
  pthread_mutex_lock(&s->plock);
  if (NULL != s->pool) {
    c = s->pool;
    s->pool = c->next;
    s->npool--;
  }
  pthread_mutex_unlock(&s->plock);
  if (NULL == c) {
    char err[256];
    rc = conn_open(s, false, &c, err, sizeof err);
    if (STORE_OK != rc) {
      store_log(s, STORE_LOG_ERROR, "read connection: %s", err);
      return rc;
    }
  }
  c->next = NULL;
  rc = core_exec(c, CORE_BEGIN, "begin read");
  if (STORE_OK != rc) {
    conn_close(c);
    return rc;
  }
  *out = &c->rd;
  return STORE_OK;
}

void store_rd_end(struct store_rd *rd) {
  struct store_conn *c = NULL;
  struct store *s = NULL;
  if (NULL == rd)
    return;
  c = rd->conn;
  s = c->st;
  reset_active(c);
  if (0 == sqlite3_get_autocommit(c->db) && STORE_OK != core_exec(c, CORE_COMMIT, "end read")) {
    core_exec(c, CORE_ROLLBACK, "end read");
  }
  pthread_mutex_lock(&s->plock);
  if (s->npool < STORE_POOL_MAX) {
    c->next = s->pool;
    s->pool = c;
    s->npool++;
    c = NULL;
  }
  pthread_mutex_unlock(&s->plock);
  conn_close(c);
}

int store_health(struct store *s) {
  struct store_rd *rd = NULL;
  sqlite3_stmt *st = NULL;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc)
    return rc;
  st = store_stmt(rd->conn, &core_set, CORE_HEALTH);
  rc = NULL == st ? STORE_HARD : store_step_row(rd->conn, st, "health");
  if (STORE_NONE == rc)
    rc = STORE_HARD;
  store_stmt_done(st);
  store_rd_end(rd);
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* backup and restore */

/* Copies everything from src to dst (both open) with the online backup API. */
static int copy_db(sqlite3 *dst, sqlite3 *src, char *err, size_t errlen) {
  sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
  int rc = SQLITE_OK;
  if (NULL == b) {
    set_err(err, errlen, "backup: %s", sqlite3_errmsg(dst));
    return map_code(sqlite3_errcode(dst));
  }
  /* Small steps with a pause on BUSY/LOCKED, so a busy daemon keeps working; a bounded
   * number of pauses so a stuck lock ends in a clear error. */
  for (int pauses = 0;;) {
    rc = sqlite3_backup_step(b, 256);
    if (SQLITE_DONE == rc)
      break;
    if (SQLITE_OK == rc)
      continue;
    if ((SQLITE_BUSY == rc || SQLITE_LOCKED == rc) && pauses < 600) {
      pauses++;
      sleep_ms(50);
      continue;
    }
    break;
  }
  sqlite3_backup_finish(b);
  if (SQLITE_DONE != rc) {
    set_err(err, errlen, "backup: %s", sqlite3_errstr(rc));
    return map_code(rc) < 0 ? map_code(rc) : STORE_HARD;
  }
  rc = sqlite3_errcode(dst);
  if (SQLITE_OK != rc) {
    set_err(err, errlen, "backup: %s", sqlite3_errmsg(dst));
    return map_code(rc) < 0 ? map_code(rc) : STORE_HARD;
  }
  return STORE_OK;
}

int store_backup(struct store *s, const char *dest_path, char *err, size_t errlen) {
  sqlite3 *src = NULL, *dst = NULL;
  int rc = STORE_HARD;
  int fd = -1;
  bool created = false;
  if (NULL == dest_path || '\0' == dest_path[0]) {
    set_err(err, errlen, "no backup file given");
    return STORE_HARD;
  }
  fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    set_err(err, errlen, "%s: %s", dest_path,
            EEXIST == errno ? "already exists (refusing to overwrite)" : strerror(errno));
    return EEXIST == errno ? STORE_EXISTS : STORE_UNAVAILABLE;
  }
  close(fd);
  created = true;
  if (SQLITE_OK !=
      sqlite3_open_v2(s->path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL)) {
    set_err(err, errlen, "%s: %s", s->path, sqlite3_errmsg(src));
    rc = STORE_UNAVAILABLE;
    goto cleanup;
  }
  sqlite3_busy_timeout(src, (int)s->opts.busy_timeout_ms);
  if (SQLITE_OK !=
      sqlite3_open_v2(dest_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)) {
    set_err(err, errlen, "%s: %s", dest_path, sqlite3_errmsg(dst));
    rc = STORE_UNAVAILABLE;
    goto cleanup;
  }
  sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
  rc = copy_db(dst, src, err, errlen);
  if (STORE_OK == rc) {
    /* Leave a self-contained file: no -wal beside it. */
    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
  }
cleanup:
  sqlite3_close(src);
  sqlite3_close(dst);
  if (STORE_OK != rc && created)
    unlink(dest_path);
  return rc;
}

int store_restore(const char *db_path, const char *src_path, const struct store_opts *opts,
                  char *err, size_t errlen) {
  sqlite3 *src = NULL, *dst = NULL;
  struct store *s = NULL;
  struct stat sb;
  struct store_opts o = {0};
  int version = 0;
  int rc = STORE_HARD;
  if (NULL == db_path || NULL == src_path) {
    set_err(err, errlen, "restore needs a database and a backup file");
    return STORE_HARD;
  }
  if (0 != stat(src_path, &sb) || !S_ISREG(sb.st_mode)) {
    set_err(err, errlen, "%s: no such backup file", src_path);
    return STORE_HARD;
  }
  rc = check_existing(src_path, true, &version, err, errlen);
  if (STORE_OK != rc)
    return rc;
  if (version < 1) {
    set_err(err, errlen, "%s: not a ujikom database (schema version 0)", src_path);
    return STORE_HARD;
  }
  if (NULL != opts)
    o = *opts;
  /* Checks the target like start-up does (writable, intact or absent) and creates it. */
  o.migrate_to = -1;
  rc = store_open(&s, db_path, &o, err, errlen);
  if (STORE_OK != rc)
    return rc;
  store_close(s);
  s = NULL;
  if (SQLITE_OK !=
          sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) ||
      SQLITE_OK !=
          sqlite3_open_v2(db_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)) {
    set_err(err, errlen, "cannot open %s or %s", src_path, db_path);
    rc = STORE_UNAVAILABLE;
    goto cleanup;
  }
  sqlite3_busy_timeout(
      dst, o.busy_timeout_ms > 0 && o.busy_timeout_ms < INT_MAX ? (int)o.busy_timeout_ms : 5000);
  sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
  rc = copy_db(dst, src, err, errlen);
  if (STORE_OK != rc)
    goto cleanup;
  sqlite3_close(dst);
  dst = NULL;
  o.migrate_to = 0;
  rc = store_open(&s, db_path, &o, err, errlen);
  store_close(s);
cleanup:
  sqlite3_close(src);
  sqlite3_close(dst);
  return rc;
}
