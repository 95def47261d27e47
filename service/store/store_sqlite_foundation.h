/*
 * Private to the SQLite backend's own files (foundation, group commit, file check and
 * backup): its structures behind the neutral handles of store_backend.h and the helpers
 * these files share. Resource files use store_internal.h only; nothing outside
 * service/store includes this.
 */
#ifndef UJIKOM_STORE_SQLITE_FOUNDATION_H
#define UJIKOM_STORE_SQLITE_FOUNDATION_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <sqlite3.h>

#include "store/store_backend.h"
#include "store/store_sqlite.h"

struct txn_req; /* one queued store_txn caller (group commit) */

/* A prepared statement of the SQLite backend. */
struct sq_stmt {
  struct store_stmt base;
  sqlite3_stmt *st;
};

struct sq_conn {
  struct store_conn base;
  struct sq_store *st;
  sqlite3 *db;
};

struct sq_store {
  struct store base;
  char *path;
  pthread_mutex_t wlock; /* serialises use of the writer connection (batches, migrations) */
  struct sq_conn *writer;
  struct store_pool pool; /* idle readers */
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
  /* Bodies queued by store_txn_async have no caller waiting to lead them: this thread does
   * (started with the first of them), woken by qwake when one is queued and nobody leads. */
  pthread_cond_t qwake;
  pthread_t committer;
  bool committer_running, committer_stop;
  /* The syncer: finished batches wait here for the WAL's flush before their members are
   * told (store_sqlite_group_commit.c says how). */
  pthread_mutex_t slock;
  pthread_cond_t swake;
  pthread_t syncer;
  bool syncer_running, syncer_stop;
  struct txn_req *shead, *stail; /* finished batches waiting for the flush, in order */
  bool sdirty;                   /* one of them committed something */
  /* The WAL file, opened by path for its fdatasync (store_sqlite_wal.c). */
  pthread_mutex_t wal_lock;
  int wal_fd;
  char *wal_path;
  /* Tests only: called before each fdatasync of the WAL (store_sqlite_flush_hook). */
  void (*wal_flush_hook)(void *arg);
  void *wal_flush_hook_arg;
  /* Checkpoints run on a thread of their own (with its own connection), woken by the writer
   * when the WAL has grown by STORE_CKPT_PAGES, instead of inside the commit that crossed the
   * threshold: a checkpoint writes and fsyncs the database file, which would otherwise hold
   * the writer, and every caller batched behind it, for tens of milliseconds. Commits stay
   * as durable as before (each one still fsyncs the WAL before it returns). */
  pthread_mutex_t ckpt_lock;
  pthread_cond_t cwake;
  pthread_t ckpt;
  bool ckpt_running, ckpt_wanted, ckpt_stop;
  struct sq_conn *ckpt_conn;
  /* opts.cert_locator: the thread that makes base.locator and finds the certificates
   * already stored (locator_main); locator_stop ends it early at close. */
  pthread_t locator_thread;
  bool locator_running;
  atomic_bool locator_stop;
};

/* The SQLite structures behind the neutral handles (the caller knows the backend). */
static inline struct sq_store *sq_store(struct store *s) {
  return (struct sq_store *)(void *)s;
}
static inline struct sq_conn *sq_conn(struct store_conn *c) {
  return (struct sq_conn *)(void *)c;
}

/* The group commit's store_txn (store_sqlite_group_commit.c). */
int store_sqlite_txn(struct store *base, store_txn_fn fn, void *ctx);
/* Its store_txn_async, and the end of the thread that leads those bodies (at close, after
 * every body queued has been settled). */
void store_sqlite_txn_async(struct store *base, store_txn_fn fn, void *ctx, store_txn_done_fn done);
void store_sqlite_committer_stop(struct sq_store *s);
/* The syncer (above): started at open once the schema is current, so that batches are
 * flushed outside the writer; false (the writer stays synchronous=FULL) when it cannot
 * start. Stopped at close, after the committer, once every batch handed over is told. */
bool store_sqlite_syncer_start(struct sq_store *s);
void store_sqlite_syncer_stop(struct sq_store *s);

/* The writer's WAL file (store_sqlite_wal.c): opened by the name SQLite gives it; flushed
 * with fdatasync, so that every commit written to it before the call is durable when it
 * returns. A failed flush stops the process: after it, Linux may have dropped the unwritten
 * pages, so no later flush could vouch for them. */
int store_sqlite_wal_open(struct sq_store *s, char *err, size_t errlen);
void store_sqlite_wal_flush_or_stop(struct sq_store *s);
void store_sqlite_wal_close(struct sq_store *s);

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

/* An SQLite result code as a store_rc, without logging. */
int store_map_code(int sqlite_rc);

/* Opens a connection to s->path: the writer (read-write, creating, with the durability
 * pragmas) or a reader (read-only). On STORE_OK *out is closed with store_conn_close. */
int store_conn_open(struct sq_store *s, bool writer, struct sq_conn **out, char *err,
                    size_t errlen);
void store_conn_close(struct sq_conn *c);

/* Runs one of the foundation's statements that returns no rows of interest. */
int store_core_exec(struct sq_conn *c, enum core_stmt id, const char *what);

/* Resets every statement still stepping, so COMMIT/ROLLBACK do not meet open cursors. */
void store_conn_reset_active(struct sq_conn *c);

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
