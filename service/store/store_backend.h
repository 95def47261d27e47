/*
 * Private to the backends' foundations (store_common.c, store_sqlite_*.c, store_pg_*.c):
 * the handles behind store.h's opaque types and the operations each backend implements.
 * Resource files use store_internal.h only; nothing outside service/store includes this.
 *
 * A backend embeds struct store, struct store_conn and struct store_stmt as the first member
 * of its own structures and fills in their ops; store_common.c implements the neutral API
 * (store.h and store_internal.h) by calling through them.
 */
#ifndef UJIKOM_STORE_BACKEND_H
#define UJIKOM_STORE_BACKEND_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_internal.h"

/* Whole-store operations: the public functions of store.h of the same names. */
struct store_ops {
  const char *name; /* "sqlite", "postgresql" */
  void (*close)(struct store *s);
  int (*txn)(struct store *s, store_txn_fn fn, void *ctx);
  /* NULL: store_txn_async runs txn and then done, on the caller's thread. */
  void (*txn_async)(struct store *s, store_txn_fn fn, void *ctx, store_txn_done_fn done);
  int (*rd_begin)(struct store *s, struct store_rd **out);
  void (*rd_end)(struct store_rd *rd);
  int (*health)(struct store *s);
  int (*lead)(struct store *s);
  int (*schema_version)(struct store *s, int *out);
  int (*migrate)(struct store *s, int to, int *out_from, int *out_to, char *err, size_t errlen);
  /* Waits until the certificates' locations present at opening are found; NULL: none kept. */
  void (*locator_wait)(struct store *s);
};

/* Operations of one connection. */
struct store_conn_ops {
  /* A new statement for set->sqls[id] (store_stmt caches it); NULL (logged) when it cannot
   * be prepared. */
  struct store_stmt *(*prepare)(struct store_conn *c, const struct store_sqlset *set, int id);
  int64_t (*last_rowid)(struct store_conn *c);
};

/* Operations of one prepared statement (see the store_bind_* and store_col_* helpers). */
struct store_stmt_ops {
  /* STORE_OK with a row current, STORE_NONE when there are no (more) rows, or a negative
   * mapped error, logged with what. */
  int (*step)(struct store_stmt *st, const char *what);
  int64_t (*changes)(struct store_stmt *st); /* rows changed by the last completed run */
  void (*done)(struct store_stmt *st);       /* reset, bindings cleared */
  void (*free)(struct store_stmt *st);       /* finalised (the connection closes) */
  void (*bind_int64)(struct store_stmt *st, int idx, int64_t v);
  void (*bind_text)(struct store_stmt *st, int idx, const char *text);
  void (*bind_blob)(struct store_stmt *st, int idx, const void *data, size_t len);
  void (*bind_null)(struct store_stmt *st, int idx);
  int64_t (*col_int64)(struct store_stmt *st, int col);
  const char *(*col_text)(struct store_stmt *st, int col);
  size_t (*col_bytes)(struct store_stmt *st, int col);
  const void *(*col_data)(struct store_stmt *st, int col);
  bool (*col_is_null)(struct store_stmt *st, int col);
  int (*col_count)(struct store_stmt *st);
  enum store_col_type (*col_type)(struct store_stmt *st, int col);
};

struct store {
  const struct store_ops *ops;
  struct store_opts opts;
  /* Where certificates are (opts.cert_locator; store_conn_locator): set once by the backend
   * when made, NULL before and without one; freed by the backend's close. */
  struct cert_locator *_Atomic locator;
};

struct store_rd {
  struct store_conn *conn;
};

struct store_tx {
  struct store_rd rd;
  int64_t now_ms;
};

/* The prepared statements of one set on one connection (set->count slots). */
struct store_stmt_cache {
  const struct store_sqlset *set;
  struct store_stmt **stmts;
};

struct store_conn {
  const struct store_conn_ops *ops;
  struct store *st;
  struct store_rd rd; /* handed out by store_rd_begin() */
  struct store_stmt_cache *caches;
  size_t ncaches;
  struct store_conn *next; /* in a pool's free list */
};

/* Frees every statement the connection cached (before the backend closes it). */
void store_conn_free_stmts(struct store_conn *c);

/* Idle connections kept for reuse (SQLite's readers, PostgreSQL's connections). */
struct store_pool {
  pthread_mutex_t lock;
  struct store_conn *head;
  size_t n, max;
};

/* 0, or -1 when the lock cannot be made. */
int store_pool_init(struct store_pool *p, size_t max);
void store_pool_destroy(struct store_pool *p); /* the pool must be empty (take them all) */
/* An idle connection, or NULL when there is none. Thread-safe. */
struct store_conn *store_pool_take(struct store_pool *p);
/* Keeps c for reuse: true, or false when the pool is full (the caller closes c). */
bool store_pool_give(struct store_pool *p, struct store_conn *c);

struct store_stmt {
  const struct store_stmt_ops *ops;
  struct store_conn *conn;
};

/* The backends' constructors, chosen by store_open from the database name. */
int store_sqlite_open(struct store **out, const char *path, const struct store_opts *opts,
                      char *err, size_t errlen);
int store_pg_open(struct store **out, const char *uri, const struct store_opts *opts, char *err,
                  size_t errlen);

/* Fills the defaults of store_opts (busy_timeout_ms 5000, txn_retries 3) into *out. */
void store_opts_defaults(struct store_opts *out, const struct store_opts *opts);

/* Logs through the store's callback (printf-style); s may be NULL. */
void store_logf(const struct store *s, enum store_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Logs "applied migration NNNN_name" for each migration of list[0..n) whose version is in
 * (from, to], once the transaction that applied them all has committed. */
void store_log_migrations(const struct store *s, const struct store_migration *list, size_t n,
                          int from, int to);

/* Writes a one-line message into err (may be NULL). */
void store_set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sleeps ms milliseconds, resuming after signals. */
void store_sleep_ms(long ms);

#endif
