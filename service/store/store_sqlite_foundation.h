/*
 * Private to the SQLite backend's own files (foundation, group commit, file check and
 * backup): the structures behind the opaque handles and the helpers these files share.
 * Resource files use store_internal.h only; nothing outside service/store includes this.
 */
#ifndef UJIKOM_STORE_SQLITE_FOUNDATION_H
#define UJIKOM_STORE_SQLITE_FOUNDATION_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "store/store_internal.h"

struct txn_req; /* one queued store_txn caller (group commit) */

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

/* Logs through the store's callback (printf-style); s may be NULL. */
void store_logf(const struct store *s, enum store_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes a one-line message into err (may be NULL). */
void store_set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sleeps ms milliseconds, resuming after signals. */
void store_sleep_ms(long ms);

/* An SQLite result code as a store_rc, without logging. */
int store_map_code(int sqlite_rc);

/* Opens a connection to s->path: the writer (read-write, creating, with the durability
 * pragmas) or a reader (read-only). On STORE_OK *out is closed with store_conn_close. */
int store_conn_open(struct store *s, bool writer, struct store_conn **out, char *err,
                    size_t errlen);
void store_conn_close(struct store_conn *c);

/* Runs one of the foundation's statements that returns no rows of interest. */
int store_core_exec(struct store_conn *c, enum core_stmt id, const char *what);

/* Resets every statement still stepping, so COMMIT/ROLLBACK do not meet open cursors. */
void store_conn_reset_active(struct store_conn *c);

/* Checks an existing database file read-only before anything is written (bounded, or with
 * full every page) and reports its schema version: see the definition for what is checked. */
int store_file_check_existing(const char *path, bool full, int *out_version, char *err,
                              size_t errlen);
/* Refuses a directory we cannot write (WAL needs the -wal and -shm files beside the db). */
int store_file_check_directory(const char *path, char *err, size_t errlen);
/* Creates a missing database file empty with mode 0600, or refuses an existing one that
 * group or others may read or write (STORE_HARD with a message saying what to do). */
int store_file_check_private(const char *path, char *err, size_t errlen);

#endif
