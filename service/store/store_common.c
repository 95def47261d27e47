/*
 * The neutral half of the store: the public entry points of store.h, which choose the
 * backend (store_open) and then call through its operations (store_backend.h), and the
 * statement helpers of store_internal.h that every resource file uses, written once over the
 * backends' statement operations.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/cert_locator.h"
#include "store/store_backend.h"
#include "store/store_sqlite.h"

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

void store_log_migrations(const struct store *s, const struct store_migration *list, size_t n,
                          int from, int to) {
  for (size_t i = 0; i < n; i++) {
    if (list[i].version > from && list[i].version <= to) {
      store_logf(s, STORE_LOG_INFO, "applied migration %04d_%s", list[i].version, list[i].name);
    }
  }
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

const char *store_backend_name(const struct store *s) {
  return s->ops->name;
}

void store_opts_defaults(struct store_opts *out, const struct store_opts *opts) {
  memset(out, 0, sizeof *out);
  if (NULL != opts) {
    *out = *opts;
  }
  if (out->busy_timeout_ms <= 0) {
    out->busy_timeout_ms = 5000;
  }
  if (out->busy_timeout_ms > INT_MAX) {
    out->busy_timeout_ms = INT_MAX;
  }
  if (out->txn_retries <= 0) {
    out->txn_retries = 3;
  }
}

/* ------------------------------------------------------------------------------------ */
/* the public entry points */

static bool is_pg_uri(const char *name) {
  return 0 == strncmp(name, "postgresql://", 13) || 0 == strncmp(name, "postgres://", 11);
}

int store_open(struct store **out, const char *path, const struct store_opts *opts, char *err,
               size_t errlen) {
  *out = NULL;
  if (NULL == path || '\0' == path[0]) {
    store_set_err(err, errlen, "no database path given");
    return STORE_HARD;
  }
  if (is_pg_uri(path)) {
    return store_pg_open(out, path, opts, err, errlen);
  }
  return store_sqlite_open(out, store_sqlite_path(path), opts, err, errlen);
}

void store_close(struct store *s) {
  if (NULL != s) {
    s->ops->close(s);
  }
}

struct cert_locator *store_conn_locator(struct store_conn *c) {
  return atomic_load_explicit(&c->st->locator, memory_order_acquire);
}

void store_cert_locator_wait(struct store *s) {
  if (NULL != s->ops->locator_wait) {
    s->ops->locator_wait(s);
  }
}

void store_cert_locator_counts(struct store *s, uint64_t *found, uint64_t *missed) {
  struct cert_locator *l = atomic_load_explicit(&s->locator, memory_order_acquire);
  *found = *missed = 0;
  if (NULL != l) {
    cert_locator_counts(l, found, missed);
  }
}

int store_txn(struct store *s, store_txn_fn fn, void *ctx) {
  return s->ops->txn(s, fn, ctx);
}

void store_txn_async(struct store *s, store_txn_fn fn, void *ctx, store_txn_done_fn done) {
  if (NULL != s->ops->txn_async) {
    s->ops->txn_async(s, fn, ctx, done);
  } else {
    done(ctx, s->ops->txn(s, fn, ctx));
  }
}

bool store_txn_async_queues(const struct store *s) {
  return NULL != s->ops->txn_async;
}

int store_rd_begin(struct store *s, struct store_rd **out) {
  return s->ops->rd_begin(s, out);
}

void store_rd_end(struct store_rd *rd) {
  if (NULL != rd) {
    rd->conn->st->ops->rd_end(rd);
  }
}

int store_health(struct store *s) {
  return s->ops->health(s);
}

int store_lead(struct store *s) {
  return s->ops->lead(s);
}

int store_schema_version(struct store *s, int *out) {
  return s->ops->schema_version(s, out);
}

int store_migrate(struct store *s, int to, int *out_from, int *out_to, char *err, size_t errlen) {
  return s->ops->migrate(s, to, out_from, out_to, err, errlen);
}

/* ------------------------------------------------------------------------------------ */
/* statements */

/* The cache of set on c, made on first use; NULL when out of memory. */
static struct store_stmt_cache *stmt_cache(struct store_conn *c, const struct store_sqlset *set) {
  for (size_t i = 0; i < c->ncaches; i++) {
    if (c->caches[i].set == set) {
      return &c->caches[i];
    }
  }
  struct store_stmt **stmts = calloc((size_t)set->count, sizeof *stmts);
  struct store_stmt_cache *grown = NULL;
  if (NULL == stmts || NULL == (grown = realloc(c->caches, (c->ncaches + 1) * sizeof *grown))) {
    free(stmts);
    return NULL;
  }
  c->caches = grown;
  grown[c->ncaches] = (struct store_stmt_cache){set, stmts};
  return &grown[c->ncaches++];
}

struct store_stmt *store_stmt(struct store_conn *c, const struct store_sqlset *set, int id) {
  if (NULL == c || NULL == set || id < 0 || id >= set->count) {
    store_conn_log(c, STORE_LOG_ERROR, "bad statement id %d in set %s", id,
                   NULL == set ? "?" : set->name);
    return NULL;
  }
  struct store_stmt_cache *cache = stmt_cache(c, set);
  if (NULL == cache) {
    store_conn_log(c, STORE_LOG_ERROR, "%s[%d]: out of memory", set->name, id);
    return NULL;
  }
  if (NULL == cache->stmts[id]) {
    cache->stmts[id] = c->ops->prepare(c, set, id);
    return cache->stmts[id];
  }
  cache->stmts[id]->ops->done(cache->stmts[id]);
  return cache->stmts[id];
}

int store_pool_init(struct store_pool *p, size_t max) {
  p->head = NULL;
  p->n = 0;
  p->max = max;
  return 0 == pthread_mutex_init(&p->lock, NULL) ? 0 : -1;
}

void store_pool_destroy(struct store_pool *p) {
  pthread_mutex_destroy(&p->lock);
}

struct store_conn *store_pool_take(struct store_pool *p) {
  pthread_mutex_lock(&p->lock);
  struct store_conn *c = p->head;
  if (NULL != c) {
    p->head = c->next;
    p->n--;
    c->next = NULL;
  }
  pthread_mutex_unlock(&p->lock);
  return c;
}

bool store_pool_give(struct store_pool *p, struct store_conn *c) {
  bool kept = false;
  pthread_mutex_lock(&p->lock);
  if (p->n < p->max) {
    c->next = p->head;
    p->head = c;
    p->n++;
    kept = true;
  }
  pthread_mutex_unlock(&p->lock);
  return kept;
}

void store_conn_free_stmts(struct store_conn *c) {
  for (size_t i = 0; i < c->ncaches; i++) {
    for (int j = 0; j < c->caches[i].set->count; j++) {
      if (NULL != c->caches[i].stmts[j]) {
        c->caches[i].stmts[j]->ops->free(c->caches[i].stmts[j]);
      }
    }
    free(c->caches[i].stmts);
  }
  free(c->caches);
  c->caches = NULL;
  c->ncaches = 0;
}

void store_stmt_done(struct store_stmt *st) {
  if (NULL == st) {
    return;
  }
  st->ops->done(st);
}

int store_step_row(struct store_conn *c, struct store_stmt *st, const char *what) {
  (void)c;
  return st->ops->step(st, what);
}

int store_step_done(struct store_conn *c, struct store_stmt *st, const char *what,
                    int64_t *out_changes) {
  int rc = STORE_OK;
  (void)c;
  while (STORE_OK == (rc = st->ops->step(st, what))) {
    ;
  }
  if (STORE_NONE != rc) {
    return rc;
  }
  if (NULL != out_changes) {
    *out_changes = st->ops->changes(st);
  }
  return STORE_OK;
}

int store_step_changes(struct store_conn *c, struct store_stmt *st, const char *what) {
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

int store_row_get(struct store_conn *c, struct store_stmt *st, const struct store_rowtype *type,
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

int store_row_int64(struct store_conn *c, struct store_stmt *st, const char *what, int64_t *out) {
  int rc = STORE_HARD;
  if (NULL == st) {
    return STORE_HARD;
  }
  rc = store_step_row(c, st, what);
  if (STORE_OK == rc) {
    *out = store_col_int64(st, 0);
  } else if (STORE_NONE == rc) {
    rc = STORE_HARD;
  }
  store_stmt_done(st);
  return rc;
}

void store_bind_text(struct store_stmt *st, int idx, const char *text) {
  st->ops->bind_text(st, idx, text);
}

void store_bind_int64(struct store_stmt *st, int idx, int64_t v) {
  st->ops->bind_int64(st, idx, v);
}

void store_bind_blob(struct store_stmt *st, int idx, const void *data, size_t len) {
  st->ops->bind_blob(st, idx, data, len);
}

void store_bind_null(struct store_stmt *st, int idx) {
  st->ops->bind_null(st, idx);
}

int64_t store_col_int64(struct store_stmt *st, int col) {
  return st->ops->col_int64(st, col);
}

const char *store_col_text(struct store_stmt *st, int col) {
  return st->ops->col_text(st, col);
}

size_t store_col_bytes(struct store_stmt *st, int col) {
  return st->ops->col_bytes(st, col);
}

const void *store_col_data(struct store_stmt *st, int col) {
  return st->ops->col_data(st, col);
}

bool store_col_is_null(struct store_stmt *st, int col) {
  return st->ops->col_is_null(st, col);
}

int store_col_count(struct store_stmt *st) {
  return st->ops->col_count(st);
}

enum store_col_type store_col_type(struct store_stmt *st, int col) {
  return st->ops->col_type(st, col);
}

void store_bind_all(struct store_stmt *st, const struct store_arg *args, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (args[i].is_text) {
      store_bind_text(st, (int)i + 1, args[i].text);
    } else {
      store_bind_int64(st, (int)i + 1, args[i].num);
    }
  }
}

int store_row_step(struct store_conn *c, const struct store_sqlset *set, int id,
                   const struct store_arg *args, size_t nargs, const char *what,
                   struct store_stmt **out_st) {
  struct store_stmt *st = store_stmt(c, set, id);
  *out_st = st;
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, nargs);
  return store_step_row(c, st, what);
}

int store_write_n(struct store_conn *c, const struct store_sqlset *set, int id,
                  const struct store_arg *args, size_t nargs, const char *what,
                  int64_t *out_changes) {
  struct store_stmt *st = store_stmt(c, set, id);
  int64_t changes = 0;
  int rc = STORE_HARD;
  if (NULL != st) {
    store_bind_all(st, args, nargs);
    rc = store_step_done(c, st, what, &changes);
    store_stmt_done(st);
  }
  if (NULL != out_changes) {
    *out_changes = STORE_OK == rc ? changes : 0;
  }
  return rc;
}

int store_write(struct store_conn *c, const struct store_sqlset *set, int id,
                const struct store_arg *args, size_t nargs, const char *what) {
  return store_write_n(c, set, id, args, nargs, what, NULL);
}

void *store_col_blob(struct store_stmt *st, int col, size_t *out_len) {
  const void *blob = store_col_data(st, col);
  size_t n = store_col_bytes(st, col);
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

int store_col_copy(struct store_stmt *st, int col, char *buf, size_t bufsize) {
  const char *t = store_col_text(st, col);
  size_t n = store_col_bytes(st, col);
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

char *store_col_strdup(struct store_stmt *st, int col, int *out_oom) {
  const char *t = store_col_text(st, col);
  size_t n = store_col_bytes(st, col);
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
static int rows_collect(struct store_conn *c, struct store_stmt *st,
                        const struct store_rowtype *type, size_t limit, void **out, size_t *out_n) {
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

/* Whether limit is a list's page size: 1..STORE_LIST_MAX (never "all"). */
static bool limit_ok(int64_t limit) {
  return limit >= 1 && limit <= STORE_LIST_MAX;
}

int store_rows_collect(struct store_conn *c, struct store_stmt *st,
                       const struct store_rowtype *type, int limit, void **out, size_t *out_n) {
  if (!limit_ok(limit)) {
    *out = NULL;
    *out_n = 0;
    store_stmt_done(st);
    return STORE_HARD;
  }
  return rows_collect(c, st, type, (size_t)limit, out, out_n);
}

int store_rows_collect_all(struct store_conn *c, struct store_stmt *st,
                           const struct store_rowtype *type, void **out, size_t *out_n) {
  return rows_collect(c, st, type, 0, out, out_n);
}

/* Binds args, with want in place of args[limit_at] when limit_at < nargs, and collects at
 * most want rows (0: every row) into *out_list: the body of store_rows_query,
 * store_rows_query_page and store_rows_query_all. */
static int rows_query(struct store_conn *c, const struct store_sqlset *set, int id,
                      const struct store_arg *args, size_t nargs, size_t limit_at,
                      const struct store_rowtype *type, size_t want, void *out_list,
                      size_t *out_n) {
  struct store_stmt *st = store_stmt(c, set, id);
  if (NULL != st) {
    store_bind_all(st, args, nargs);
    if (limit_at < nargs) {
      store_bind_int64(st, (int)limit_at + 1, (int64_t)want);
    }
  }
  void *list = NULL;
  int rc = rows_collect(c, st, type, want, &list, out_n);
  memcpy(out_list, &list, sizeof(list));
  return rc;
}

int store_rows_query(struct store_conn *c, const struct store_sqlset *set, int id,
                     const struct store_arg *args, size_t nargs, const struct store_rowtype *type,
                     int limit, void *out_list, size_t *out_n) {
  if (!limit_ok(limit)) {
    *out_n = 0;
    memset(out_list, 0, sizeof(void *));
    return STORE_HARD;
  }
  return rows_query(c, set, id, args, nargs, nargs, type, (size_t)limit, out_list, out_n);
}

int store_rows_query_page(struct store_conn *c, const struct store_sqlset *set, int id,
                          const struct store_arg *args, size_t nargs,
                          const struct store_rowtype *type, void *out_list, size_t *out_n,
                          bool *out_more) {
  size_t limit_at = nargs;
  for (size_t i = 0; i < nargs; i++) {
    limit_at = args[i].is_limit ? i : limit_at;
  }
  if (NULL != out_more) {
    *out_more = false;
  }
  *out_n = 0;
  memset(out_list, 0, sizeof(void *));
  int64_t limit = limit_at < nargs ? args[limit_at].num : 0;
  if (!limit_ok(limit)) {
    return STORE_HARD; /* a caller's slip: no page size, or one out of range */
  }
  /* limit + 1 rows with out_more: the ceiling is the page's, not the look-ahead row's */
  int rc = rows_query(c, set, id, args, nargs, limit_at, type,
                      (size_t)limit + (NULL != out_more ? 1 : 0), out_list, out_n);
  if (STORE_OK == rc && NULL != out_more && *out_n > (size_t)limit) {
    /* The array keeps its room for limit + 1; store_rows_free frees it whatever the count. */
    unsigned char *elems = *(void **)out_list;
    if (NULL != type->clear) {
      type->clear(elems + (size_t)limit * type->size);
    }
    *out_n = (size_t)limit;
    *out_more = true;
  }
  return rc;
}

int store_rows_query_all(struct store_conn *c, const struct store_sqlset *set, int id,
                         const struct store_arg *args, size_t nargs,
                         const struct store_rowtype *type, void *out_list, size_t *out_n) {
  return rows_query(c, set, id, args, nargs, nargs, type, 0, out_list, out_n);
}

int64_t store_conn_last_rowid(struct store_conn *c) {
  return c->ops->last_rowid(c);
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
