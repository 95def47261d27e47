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

#include "store/store_sqlite_foundation.h"

#define STORE_POOL_MAX 32 /* idle read connections kept; more are closed on release */
/* WAL pages after which the checkpointer copies them into the database file (SQLite's own
 * automatic checkpoint uses the same figure). */
#define STORE_CKPT_PAGES    1000
#define STORE_CKPT_PAUSE_MS 20L

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

/* ------------------------------------------------------------------------------------ */
/* logging and small helpers */

static void store_vlog(const struct store *s, enum store_log_level level, const char *fmt,
                       va_list ap) __attribute__((format(printf, 3, 0)));

static void store_vlog(const struct store *s, enum store_log_level level, const char *fmt,
                       va_list ap) {
  char msg[768];
  if (NULL == s || NULL == s->opts.log) {
    return;
  }
  vsnprintf(msg, sizeof msg, fmt, ap);
  s->opts.log(s->opts.log_ctx, level, msg);
}

void store_logf(const struct store *s, enum store_log_level level, const char *fmt, ...) {
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

void store_set_err(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (NULL == err || 0 == errlen) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

void store_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (0 != nanosleep(&ts, &ts) && EINTR == errno) {
    ;
  }
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
  if (0 == store_migrations_count) {
    return 0;
  }
  return store_migrations[store_migrations_count - 1].version;
}

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

int store_map_error(struct store_conn *c, int sqlite_rc, const char *what) {
  int rc = store_map_code(sqlite_rc);
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
    if (NULL == stmts) {
      return NULL;
    }
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
  if (NULL == st) {
    return;
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
}

int store_step_row(struct store_conn *c, sqlite3_stmt *st, const char *what) {
  int rc = sqlite3_step(st);
  if (SQLITE_ROW == rc) {
    return STORE_OK;
  }
  if (SQLITE_DONE == rc) {
    return STORE_NONE;
  }
  return store_map_error(c, rc, what);
}

int store_step_done(struct store_conn *c, sqlite3_stmt *st, const char *what,
                    int64_t *out_changes) {
  int rc = sqlite3_step(st);
  while (SQLITE_ROW == rc) {
    rc = sqlite3_step(st);
  }
  if (SQLITE_DONE != rc) {
    return store_map_error(c, rc, what);
  }
  if (NULL != out_changes) {
    *out_changes = sqlite3_changes64(c->db);
  }
  return STORE_OK;
}

int store_step_changes(struct store_conn *c, sqlite3_stmt *st, const char *what) {
  int64_t changes = 0;
  int rc = STORE_HARD;
  if (NULL == st) {
    return STORE_HARD;
  }
  rc = store_step_done(c, st, what, &changes);
  store_stmt_done(st);
  if (STORE_OK == rc && 0 == changes) {
    return STORE_NONE;
  }
  return rc;
}

int store_row_get(struct store_conn *c, sqlite3_stmt *st, const struct store_rowtype *type,
                  void *out) {
  int rc = STORE_HARD;
  if (NULL == st) {
    return STORE_HARD;
  }
  rc = store_step_row(c, st, type->what);
  if (STORE_OK == rc && NULL != type->read) {
    rc = type->read(st, out);
  }
  store_stmt_done(st);
  return rc;
}

int store_row_int64(struct store_conn *c, sqlite3_stmt *st, const char *what, int64_t *out) {
  int rc = STORE_HARD;
  if (NULL == st) {
    return STORE_HARD;
  }
  rc = store_step_row(c, st, what);
  if (STORE_OK == rc) {
    *out = sqlite3_column_int64(st, 0);
  } else if (STORE_NONE == rc) {
    rc = STORE_HARD;
  }
  store_stmt_done(st);
  return rc;
}

int store_bind_text(sqlite3_stmt *st, int idx, const char *text) {
  if (NULL == text) {
    return sqlite3_bind_null(st, idx);
  }
  return sqlite3_bind_text(st, idx, text, -1, SQLITE_TRANSIENT);
}

void store_bind_all(sqlite3_stmt *st, const struct store_arg *args, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (args[i].is_text) {
      store_bind_text(st, (int)i + 1, args[i].text);
    } else {
      sqlite3_bind_int64(st, (int)i + 1, args[i].num);
    }
  }
}

int store_row_step(struct store_conn *c, const struct store_sqlset *set, int id,
                   const struct store_arg *args, size_t nargs, const char *what,
                   sqlite3_stmt **out_st) {
  sqlite3_stmt *st = store_stmt(c, set, id);
  *out_st = st;
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, nargs);
  return store_step_row(c, st, what);
}

int store_write(struct store_conn *c, const struct store_sqlset *set, int id,
                const struct store_arg *args, size_t nargs, const char *what) {
  sqlite3_stmt *st = store_stmt(c, set, id);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, nargs);
  int rc = store_step_done(c, st, what, NULL);
  store_stmt_done(st);
  return rc;
}

void *store_col_blob(sqlite3_stmt *st, int col, size_t *out_len) {
  const void *blob = sqlite3_column_blob(st, col);
  size_t n = (size_t)sqlite3_column_bytes(st, col);
  *out_len = n;
  char *copy = malloc(n + 1);
  if (NULL == copy) {
    return NULL;
  }
  if (n > 0) {
    memcpy(copy, blob, n);
  }
  copy[n] = '\0';
  return copy;
}

void store_free_texts(char **const *fields, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(*fields[i]);
    *fields[i] = NULL;
  }
}

int store_col_copy(sqlite3_stmt *st, int col, char *buf, size_t bufsize) {
  const unsigned char *t = sqlite3_column_text(st, col);
  size_t n = (size_t)sqlite3_column_bytes(st, col);
  if (0 == bufsize) {
    return -1;
  }
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
  if (NULL != out_oom) {
    *out_oom = 0;
  }
  if (NULL == t) {
    return NULL;
  }
  copy = malloc(n + 1);
  if (NULL == copy) {
    if (NULL != out_oom) {
      *out_oom = 1;
    }
    return NULL;
  }
  memcpy(copy, t, n);
  copy[n] = '\0';
  return copy;
}

void store_rows_free(const struct store_rowtype *type, void *list, size_t n) {
  unsigned char *elems = list;
  if (NULL == list) {
    return;
  }
  for (size_t i = 0; NULL != type->clear && i < n; i++) {
    type->clear(elems + i * type->size);
  }
  free(list);
}

/* The collector behind store_rows_collect (limit > 0: one array of limit elements) and
 * store_rows_collect_all (limit 0: grown as rows come). */
static int rows_collect(struct store_conn *c, sqlite3_stmt *st, const struct store_rowtype *type,
                        size_t limit, void **out, size_t *out_n) {
  unsigned char *list = NULL;
  size_t n = 0;
  size_t cap = 0;
  int rc = STORE_HARD;
  *out = NULL;
  *out_n = 0;
  if (NULL == st) {
    return STORE_HARD;
  }
  if (limit > 0) {
    list = calloc(limit, type->size);
    if (NULL == list) {
      rc = STORE_UNAVAILABLE;
      goto cleanup;
    }
    cap = limit;
  }
  while ((0 == limit || n < limit) && STORE_OK == (rc = store_step_row(c, st, type->what))) {
    if (n == cap) {
      size_t ncap = 0 == cap ? 16 : cap * 2;
      unsigned char *grown = NULL;
      if (ncap > SIZE_MAX / type->size || NULL == (grown = realloc(list, ncap * type->size))) {
        rc = STORE_UNAVAILABLE;
        break;
      }
      list = grown;
      cap = ncap;
    }
    memset(list + n * type->size, 0, type->size);
    rc = type->read(st, list + n * type->size);
    if (STORE_OK != rc) {
      break;
    }
    n++;
  }
  /* The loop ends on the last row (NONE) or, bounded, after limit rows (OK). */
  if (STORE_NONE == rc || (STORE_OK == rc && limit > 0 && n == limit)) {
    rc = STORE_OK;
  }
cleanup:
  store_stmt_done(st);
  if (STORE_OK != rc) {
    store_rows_free(type, list, n);
    return rc < 0 ? rc : STORE_HARD;
  }
  *out = list;
  *out_n = n;
  return STORE_OK;
}

int store_rows_collect(struct store_conn *c, sqlite3_stmt *st, const struct store_rowtype *type,
                       int limit, void **out, size_t *out_n) {
  if (limit < 1 || limit > STORE_LIST_MAX) {
    *out = NULL;
    *out_n = 0;
    store_stmt_done(st);
    return STORE_HARD;
  }
  return rows_collect(c, st, type, (size_t)limit, out, out_n);
}

int store_rows_collect_all(struct store_conn *c, sqlite3_stmt *st, const struct store_rowtype *type,
                           void **out, size_t *out_n) {
  return rows_collect(c, st, type, 0, out, out_n);
}

/* Binds and collects for store_rows_query (limit >= 0) and store_rows_query_all (limit < 0). */
static int rows_query(struct store_conn *c, const struct store_sqlset *set, int id,
                      const struct store_arg *args, size_t nargs, const struct store_rowtype *type,
                      int limit, void *out_list, size_t *out_n) {
  sqlite3_stmt *st = store_stmt(c, set, id);
  if (NULL != st) {
    store_bind_all(st, args, nargs);
  }
  void *list = NULL;
  int rc = limit < 0 ? store_rows_collect_all(c, st, type, &list, out_n)
                     : store_rows_collect(c, st, type, limit, &list, out_n);
  memcpy(out_list, &list, sizeof(list));
  return rc;
}

int store_rows_query(struct store_conn *c, const struct store_sqlset *set, int id,
                     const struct store_arg *args, size_t nargs, const struct store_rowtype *type,
                     int limit, void *out_list, size_t *out_n) {
  /* A limit below 1 is refused by store_rows_collect, never taken as "all". */
  return rows_query(c, set, id, args, nargs, type, limit < 0 ? 0 : limit, out_list, out_n);
}

int store_rows_query_all(struct store_conn *c, const struct store_sqlset *set, int id,
                         const struct store_arg *args, size_t nargs,
                         const struct store_rowtype *type, void *out_list, size_t *out_n) {
  return rows_query(c, set, id, args, nargs, type, -1, out_list, out_n);
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
int store_core_exec(struct store_conn *c, enum core_stmt id, const char *what) {
  sqlite3_stmt *st = store_stmt(c, &core_set, id);
  int rc = STORE_HARD;
  if (NULL == st) {
    return STORE_HARD;
  }
  rc = store_step_done(c, st, what, NULL);
  store_stmt_done(st);
  return rc;
}

/* Resets every statement still stepping, so COMMIT/ROLLBACK do not meet open cursors. */
void store_conn_reset_active(struct store_conn *c) {
  sqlite3_stmt *st = NULL;
  while (NULL != (st = sqlite3_next_stmt(c->db, st))) {
    if (sqlite3_stmt_busy(st)) {
      sqlite3_reset(st);
    }
  }
}

/* ------------------------------------------------------------------------------------ */
/* connections */

void store_conn_close(struct store_conn *c) {
  if (NULL == c) {
    return;
  }
  for (size_t i = 0; i < c->ncaches; i++) {
    for (int j = 0; j < c->caches[i].set->count; j++) {
      sqlite3_finalize(c->caches[i].stmts[j]);
    }
    free(c->caches[i].stmts);
  }
  free(c->caches);
  sqlite3_close(c->db);
  free(c);
}

int store_conn_open(struct store *s, bool writer, struct store_conn **out, char *err,
                    size_t errlen) {
  struct store_conn *c = calloc(1, sizeof *c);
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
  c->rd.conn = c;
  rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
  if (SQLITE_OK != rc) {
    store_set_err(err, errlen, "%s: cannot open database: %s", s->path,
                  NULL != c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    result = store_map_code(rc);
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

static int read_user_version(struct store_conn *c, int *out) {
  int64_t version = 0;
  int rc = store_row_int64(c, store_stmt(c, &core_set, CORE_USER_VERSION), "read user_version",
                           &version);
  if (STORE_OK == rc) {
    *out = (int)version;
  }
  return rc;
}

static int migrate_locked(struct store *s, int to, int *out_from, int *out_to, char *err,
                          size_t errlen) {
  struct store_conn *c = s->writer;
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
    rc = store_core_exec(c, CORE_BEGIN_IMMEDIATE, "begin migration");
    if (STORE_OK != rc) {
      store_set_err(err, errlen, "migration %04d_%s: cannot begin: %s", m->version, m->name,
                    store_rc_name(rc));
      return rc;
    }
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
    int erc = sqlite3_exec(c->db, m->sql, NULL, NULL, &msg);
    if (SQLITE_OK == erc) {
      erc = sqlite3_exec(c->db, pragma, NULL, NULL, &msg);
    }
    if (SQLITE_OK != erc) {
      store_set_err(err, errlen, "migration %04d_%s failed: %s", m->version, m->name,
                    NULL != msg ? msg : sqlite3_errstr(erc));
      sqlite3_free(msg);
      rc = store_map_code(erc);
      if (sqlite3_get_autocommit(c->db) == 0) {
        store_core_exec(c, CORE_ROLLBACK, "rollback migration");
      }
      return rc < 0 ? rc : STORE_HARD;
    }
    rc = store_core_exec(c, CORE_COMMIT, "commit migration");
    if (STORE_OK != rc) {
      store_set_err(err, errlen, "migration %04d_%s: commit failed: %s", m->version, m->name,
                    store_rc_name(rc));
      if (sqlite3_get_autocommit(c->db) == 0) {
        store_core_exec(c, CORE_ROLLBACK, "rollback migration");
      }
      return rc;
    }
    store_logf(s, STORE_LOG_INFO, "applied migration %04d_%s", m->version, m->name);
    cur = m->version;
  }
  if (NULL != out_to) {
    *out_to = cur;
  }
  return STORE_OK;
}

int store_migrate(struct store *s, int to, int *out_from, int *out_to, char *err, size_t errlen) {
  int rc = STORE_HARD;
  if (0 != pthread_mutex_lock(&s->wlock)) {
    store_set_err(err, errlen, "store_migrate called inside a transaction");
    return STORE_HARD;
  }
  rc = migrate_locked(s, to, out_from, out_to, err, errlen);
  pthread_mutex_unlock(&s->wlock);
  return rc;
}

int store_schema_version(struct store *s, int *out) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
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
      store_logf(s, STORE_LOG_WARN, "checkpoint: %s", sqlite3_errmsg(s->ckpt_conn->db));
    }
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
    while (!s->ckpt_stop && 0 == pthread_cond_timedwait(&s->cwake, &s->ckpt_lock, &until)) {
      ;
    }
  }
  pthread_mutex_unlock(&s->ckpt_lock);
  return NULL;
}

/* Starts the checkpointer and hands it the writer's checkpoints. When it cannot start, the
 * writer keeps SQLite's automatic checkpoints: slower commits now and then, nothing lost. */
static void checkpointer_start(struct store *s) {
  char err[256];
  if (STORE_OK != store_conn_open(s, true, &s->ckpt_conn, err, sizeof err)) {
    store_logf(s, STORE_LOG_WARN, "checkpointer: %s (checkpoints stay in the writer)", err);
    return;
  }
  sqlite3_busy_timeout(s->ckpt_conn->db, 0);
  if (0 != pthread_create(&s->ckpt, NULL, checkpointer, s)) {
    store_logf(s, STORE_LOG_WARN, "checkpointer: no thread (checkpoints stay in the writer)");
    store_conn_close(s->ckpt_conn);
    s->ckpt_conn = NULL;
    return;
  }
  s->ckpt_running = true;
  pthread_mutex_lock(&s->wlock);
  sqlite3_wal_hook(s->writer->db, wal_grown, s); /* replaces the automatic checkpoint */
  pthread_mutex_unlock(&s->wlock);
}

static void checkpointer_stop(struct store *s) {
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
  if (NULL != opts) {
    s->opts = *opts;
  }
  if (s->opts.busy_timeout_ms <= 0) {
    s->opts.busy_timeout_ms = 5000;
  }
  if (s->opts.busy_timeout_ms > INT_MAX) {
    s->opts.busy_timeout_ms = INT_MAX;
  }
  if (s->opts.txn_retries <= 0) {
    s->opts.txn_retries = 3;
  }
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
  plock_init = 0 == pthread_mutex_init(&s->plock, NULL);
  qlock_init = 0 == pthread_mutex_init(&s->qlock, NULL);
  ckpt_lock_init = 0 == pthread_mutex_init(&s->ckpt_lock, NULL);
  cwake_init = 0 == pthread_cond_init(&s->cwake, NULL);
  if (!wlock_init || !plock_init || !qlock_init || !ckpt_lock_init || !cwake_init) {
    store_set_err(err, errlen, "cannot initialise locks");
    rc = STORE_HARD;
    goto cleanup;
  }
  rc = store_conn_open(s, true, &s->writer, err, errlen);
  if (STORE_OK != rc) {
    goto cleanup;
  }
  if (s->opts.migrate_to >= 0) {
    rc = store_migrate(s, s->opts.migrate_to, NULL, NULL, err, errlen);
    if (STORE_OK != rc) {
      goto cleanup;
    }
  }
  checkpointer_start(s);
  *out = s;
  return STORE_OK;
cleanup:
  if (NULL != s) {
    store_conn_close(s->writer);
    if (wlock_init) {
      pthread_mutex_destroy(&s->wlock);
    }
    if (plock_init) {
      pthread_mutex_destroy(&s->plock);
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
    free(s->path);
    free(s);
  }
  return rc;
}

void store_close(struct store *s) {
  if (NULL == s) {
    return;
  }
  checkpointer_stop(s);
  while (NULL != s->pool) {
    struct store_conn *c = s->pool;
    s->pool = c->next;
    store_conn_close(c);
  }
  store_conn_close(s->writer);
  pthread_mutex_destroy(&s->wlock);
  pthread_mutex_destroy(&s->plock);
  pthread_mutex_destroy(&s->qlock);
  pthread_mutex_destroy(&s->ckpt_lock);
  pthread_cond_destroy(&s->cwake);
  free(s->path);
  free(s);
}

/* ------------------------------------------------------------------------------------ */
/* readers */

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
    rc = store_conn_open(s, false, &c, err, sizeof err);
    if (STORE_OK != rc) {
      store_logf(s, STORE_LOG_ERROR, "read connection: %s", err);
      return rc;
    }
  }
  c->next = NULL;
  rc = store_core_exec(c, CORE_BEGIN, "begin read");
  if (STORE_OK != rc) {
    store_conn_close(c);
    return rc;
  }
  *out = &c->rd;
  return STORE_OK;
}

void store_rd_end(struct store_rd *rd) {
  struct store_conn *c = NULL;
  struct store *s = NULL;
  if (NULL == rd) {
    return;
  }
  c = rd->conn;
  s = c->st;
  store_conn_reset_active(c);
  if (0 == sqlite3_get_autocommit(c->db) &&
      STORE_OK != store_core_exec(c, CORE_COMMIT, "end read")) {
    store_core_exec(c, CORE_ROLLBACK, "end read");
  }
  pthread_mutex_lock(&s->plock);
  if (s->npool < STORE_POOL_MAX) {
    c->next = s->pool;
    s->pool = c;
    s->npool++;
    c = NULL;
  }
  pthread_mutex_unlock(&s->plock);
  store_conn_close(c);
}

int store_health(struct store *s) {
  struct store_rd *rd = NULL;
  sqlite3_stmt *st = NULL;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  st = store_stmt(rd->conn, &core_set, CORE_HEALTH);
  rc = NULL == st ? STORE_HARD : store_step_row(rd->conn, st, "health");
  if (STORE_NONE == rc) {
    rc = STORE_HARD;
  }
  store_stmt_done(st);
  store_rd_end(rd);
  return rc;
}
