/*
 * The storage interface: everything the service keeps between requests goes through here.
 *
 * Results are tri-state (GNUnet style): a negative value is an error (hard = our bug or a
 * corrupt database, unavailable = the disk/filesystem refused, busy = the write lock was not
 * obtained within the budget), 0 means "no row", 1 means success; a few resource functions
 * return other positive codes (STORE_EXISTS, STORE_CONFLICT) documented where they apply.
 *
 * Writes: one writer connection. Every write runs inside store_txn(store, fn, ctx), which
 * calls fn inside BEGIN IMMEDIATE ... COMMIT with a bounded number of retries, so resource
 * write functions (taking struct store_tx *) compose atomically: e.g. issue a certificate
 * and append the audit entry in one transaction.
 *
 * Reads: store_rd_begin() lends a read-only connection from a pool (WAL lets readers run
 * beside the writer) with a consistent snapshot until store_rd_end(). Inside a write
 * transaction, store_tx_rd(tx) gives a reader that sees the transaction's own writes.
 *
 * Isolation: what each kind of transaction may assume. Every backend must give these
 * guarantees; today SQLite gives them through its single writer, and a PostgreSQL backend
 * must give them explicitly (see the end of this list).
 *
 * - A read snapshot (store_rd_begin ... store_rd_end) sees one consistent state of the whole
 *   database, fixed at its first read, and none of the writes committed after it: several
 *   look-ups in one snapshot agree with each other (PostgreSQL: REPEATABLE READ, READ ONLY).
 *   Separate snapshots (e.g. the pages of a list) may see different states.
 *
 * - A write transaction body (store_txn_fn) is serial: it runs as if no other write
 *   transaction ran between its first read and its commit. (SQLite: BEGIN IMMEDIATE takes the
 *   database's one write lock before the body reads anything, and the group commit runs the
 *   bodies of one batch one after another, each in a savepoint, each seeing the writes of
 *   the bodies before it.) Bodies therefore read, decide and write without row locks, and
 *   these operations depend on it:
 *     . store_audit_append reads the chain's head (last seq and hash) and appends seq + 1
 *       linked to it; two appends interleaved would fork the hash chain (UNIQUE(seq) would
 *       turn the second into STORE_HARD, which must not happen in normal operation).
 *     . store_ratelimit_hit, and the callers' bodies that read a counter with
 *       store_ratelimit_get and write it back, count by read-modify-write; interleaved hits
 *       would be lost, letting a client past its limit.
 *     . store_claim_take checks the current holder, then writes the claim; interleaved, two
 *       assessors could hold one attempt.
 *     . store_answer_put and store_answer_put_checked check that the attempt is open (and
 *       its deadline), then save; interleaved with store_attempt_finish, an answer could be
 *       saved into an attempt already scored.
 *     . store_session_touch reads a session's expiry, then extends or deletes it.
 *     . The callers' multi-step bodies: a review decision (re-read the verdict, the claim
 *       and the latest decision, then add a decision, set the result, release the claim,
 *       mark the appeal, append to the audit log), certificate issuance (look for a
 *       certificate of the attempt, insert, audit), account changes with their audit entry.
 *   Single conditional statements (store_attempt_finish, _set_result, _extend_deadline,
 *   store_appeal_assign/_set_decided, store_cert_revoke, store_cert_set_display) need only
 *   row-level atomicity, and the inserts guarded by a unique key (store_user_create,
 *   store_attempt_create, store_appeal_create, store_cert_insert: STORE_EXISTS) only that
 *   the key is enforced at commit; they rely on nothing more.
 *
 * - A PostgreSQL backend must keep the serial guarantee for every store_txn body: either take
 *   one transaction-level lock before the body's first statement (pg_advisory_xact_lock on a
 *   fixed key: the equivalent of BEGIN IMMEDIATE), or run bodies at SERIALIZABLE and map a
 *   serialization failure (40001) or deadlock (40P01) to STORE_BUSY so store_txn runs the
 *   body again. READ COMMITTED alone breaks the operations listed above.
 *   The PostgreSQL backend (store_pg_foundation.c) takes the lock: every store_txn runs
 *   BEGIN (READ COMMITTED); SELECT pg_advisory_xact_lock(STORE_PG_WRITE_LOCK); body; COMMIT,
 *   so write bodies run one at a time across every node on the database, each seeing every
 *   commit before it, as under SQLite's single writer. The lock wait is bounded by
 *   lock_timeout (busy_timeout_ms); a lock timeout (55P03), serialization failure (40001)
 *   or deadlock (40P01) is STORE_BUSY and the transaction is retried up to txn_retries
 *   times. Each write statement in a body runs in a savepoint, so a failed statement (a
 *   unique violation answered STORE_EXISTS) undoes only itself, as in SQLite. A lost
 *   connection is STORE_UNAVAILABLE; the next call opens a new one. Read snapshots are
 *   REPEATABLE READ, READ ONLY and take no lock.
 */
#ifndef UJIKOM_STORE_H
#define UJIKOM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_rc {
  STORE_HARD = -3,        /* our bug, a broken invariant, or a corrupt database -> 500 */
  STORE_UNAVAILABLE = -2, /* disk full, read-only, I/O error, cannot open -> 503, retry later */
  STORE_BUSY = -1,        /* write lock not obtained within the retry budget -> 503 */
  STORE_NONE = 0,         /* no such row */
  STORE_OK = 1,
  STORE_EXISTS = 2,   /* a unique key is already taken (e.g. e-mail address) */
  STORE_CONFLICT = 3, /* the row is in a state that forbids the change (resource-specific) */
};

/* Log levels of the store's callback (same order as the daemon's). */
enum store_log_level { STORE_LOG_ERROR, STORE_LOG_WARN, STORE_LOG_INFO, STORE_LOG_DEBUG };

/* The store never writes to stderr; it reports through this callback (may be NULL). */
typedef void (*store_log_fn)(void *log_ctx, enum store_log_level level, const char *msg);

struct store_opts {
  /* Lock wait per attempt (SQLite: busy handler; PostgreSQL: lock_timeout); <= 0: 5000 */
  long busy_timeout_ms;
  int txn_retries; /* extra attempts of store_txn after BUSY; <= 0 means 3 */
  /* Schema version to migrate to: 0 = the latest this program knows; -1 = do not migrate
   * (open only, e.g. to report the version); k > 0 = stop after migration k (tests). */
  int migrate_to;
  store_log_fn log;
  void *log_ctx;
  /* Bulk loading of a database that can be made again (`ujikom seed`): SQLite: synchronous=OFF
   * and a 256 MiB page cache on the writer; PostgreSQL: synchronous_commit=off. A crash or power
   * loss may then lose or corrupt the file, so never for a service's data (ujikomd never sets it).
   */
  bool bulk_load;
  /* SQLite only: WAL frames after which the checkpointer makes the WAL start over (<= 0:
   * 16,384, ~64 MiB; tests set fewer). */
  long wal_restart_frames;
  /* PostgreSQL only: the password, read from a file by the caller (NULL: libpq's own,
   * PGPASSWORD, PGPASSFILE or ~/.pgpass). Copied by store_open. */
  const char *password;
  /* SQLite only: keep where each certificate's row and log entry are (~40 bytes a
   * certificate), found in the background after opening and on each look-up, so that a
   * verification reads the row by its rowid instead of two indexes first
   * (store_cert_by_serial_logged; store/cert_locator.h). For a long-running service
   * (ujikomd sets it); PostgreSQL ignores it. */
  bool cert_locator;
};

struct store;    /* opaque */
struct store_tx; /* a write transaction in progress (only valid inside the txn callback) */
struct store_rd; /* a read snapshot */

/* Opens the database named by path and migrates it to the latest schema. path is a
 * PostgreSQL URI (postgresql://... or postgres://..., libpq's syntax; the password comes from
 * PGPASSWORD or the password file, never from the URI on a command line), sqlite:FILE, or a
 * file path (SQLite). PostgreSQL: the database must exist; the schema is migrated under an
 * advisory lock, so nodes starting together migrate once.
 * SQLite: the file is created if needed. Before anything is written it checks, and refuses
 * with a one-line message in err:
 * a directory that is not writable, a file that is not an SQLite database, whose header is
 * invalid or whose schema fails PRAGMA quick_check (a bounded check: its cost does not
 * grow with the database; store_check_file checks every page), and a schema newer than
 * this program. A refused file is left byte-for-byte unchanged. opts may be NULL (defaults). On
 * success *out is the caller's to close with store_close(). Returns STORE_OK or a negative
 * store_rc. */
int store_open(struct store **out, const char *path, const struct store_opts *opts, char *err,
               size_t errlen);

/* The backend of an open store: "sqlite" or "postgresql". */
const char *store_backend_name(const struct store *s);

/* Closes every connection. NULL is allowed. No transaction may be in progress. */
void store_close(struct store *s);

/* With opts.cert_locator: waits until the locations of the certificates present at opening
 * have been found (the service does not wait: look-ups by serial serve meanwhile). */
void store_cert_locator_wait(struct store *s);
/* How many verification look-ups found a location and how many did not (0 and 0 without a
 * locator). */
void store_cert_locator_counts(struct store *s, uint64_t *found, uint64_t *missed);

/* The schema version of the open database (SQLite: PRAGMA user_version; PostgreSQL: the
 * ujikom_schema table) and the latest one this program knows. */
int store_schema_version(struct store *s, int *out);
int store_schema_latest(void);

/* Migrates to version `to` (0 = latest), each migration in its own transaction. Reports
 * the versions before/after through *out_from / *out_to (either may be NULL).
 * Returns STORE_OK or negative (err holds the message; the failing migration is rolled
 * back, earlier ones stay). */
int store_migrate(struct store *s, int to, int *out_from, int *out_to, char *err, size_t errlen);

/* A write transaction body. Return STORE_OK to commit; any other value rolls back and is
 * returned by store_txn (return STORE_BUSY to have the whole transaction retried). fn may
 * run more than once (after BUSY), so it must not keep side effects outside the database
 * between runs: reset anything it writes into ctx at its start. */
typedef int (*store_txn_fn)(struct store_tx *tx, void *ctx);

/* Runs fn inside BEGIN IMMEDIATE ... COMMIT on the writer connection, retrying up to the
 * configured count when the lock is busy. One budget bounds the whole wait, for the writer
 * mutex and the database lock together: busy_timeout_ms x (txn_retries + 1) plus the short
 * back-off between attempts. While the database is known to be locked elsewhere (a write
 * just ran out of its budget), writes make one short attempt instead, so blocked writers do
 * not hold threads for a budget each; the next successful commit ends that state.
 * Returns fn's value after a successful commit, fn's non-OK value after rollback,
 * STORE_BUSY when the budget ran out, STORE_UNAVAILABLE when the disk refused (the next
 * call tries again), STORE_HARD on misuse (a nested store_txn on the same thread) or a
 * broken database. Thread-safe; writers are serialised. */
int store_txn(struct store *s, store_txn_fn fn, void *ctx);

/* Called once with what store_txn would have returned for a body queued by store_txn_async.
 * It runs on the thread that committed the body's batch, after the commit, while later
 * batches wait: it must be quick and must not wait for a write of its own. */
typedef void (*store_txn_done_fn)(void *ctx, int rc);

/* store_txn without waiting for it: queues fn (with the same budget and the same batches as
 * store_txn) and returns at once; done(ctx, rc) follows exactly once, on another thread, when
 * the batch that took it has committed or given up. ctx must live until then. A backend
 * without a queue of its own (store_txn_async_queues false) runs fn and calls done before
 * returning, as store_txn would. */
void store_txn_async(struct store *s, store_txn_fn fn, void *ctx, store_txn_done_fn done);
/* True when store_txn_async returns without waiting for the transaction (SQLite's group
 * commit); false when it waits as store_txn does (PostgreSQL). */
bool store_txn_async_queues(const struct store *s);

/* A reader inside a write transaction: sees the transaction's uncommitted writes. Valid
 * only until fn returns; do not pass it to store_rd_end(). */
struct store_rd *store_tx_rd(struct store_tx *tx);

/* Milliseconds since the epoch at the start of this transaction attempt (one clock reading
 * per transaction so every row written in it carries the same time). */
int64_t store_tx_now_ms(const struct store_tx *tx);

/* Borrows a read connection and opens a snapshot. On success *out is valid until
 * store_rd_end(). Returns STORE_OK or negative (UNAVAILABLE if no connection can be
 * opened). Thread-safe; any number of readers. */
int store_rd_begin(struct store *s, struct store_rd **out);
/* Ends the snapshot and returns the connection to the pool. NULL is allowed. */
void store_rd_end(struct store_rd *rd);

/* Leadership of the periodic work (the overdue sweep): STORE_OK when this process is to do
 * it now, STORE_NONE when another process on the same database does. SQLite: always
 * STORE_OK (one process writes the file). PostgreSQL: a session-level advisory lock (one per
 * schema) held on a connection of its own; the first process to ask leads until it closes
 * the store or its connection is lost, after which the next one to ask takes over.
 * Thread-safe. */
int store_lead(struct store *s);

/* A quick read for /healthz: STORE_OK, or negative when the database cannot be read. */
int store_health(struct store *s);

/* A short English name for a store_rc ("ok", "none", "busy", ...), for logs. */
const char *store_rc_name(int rc);

#include "store/store_users.h"
#include "store/store_attempts.h"
#include "store/store_certs.h"
#include "store/store_reviews.h"
#include "store/store_audit.h"
#include "store/store_second_factor.h"
#include "store/store_password_reset.h"
#include "store/store_email_change.h"
#include "store/store_tlog.h"
#include "store/store_planned_time.h"
#include "store/store_candidate.h"
#include "store/store_cert_jwt.h"
#include "store/store_credential.h"
#include "store/store_share.h"
#include "store/store_node_keys.h"
#include "store/store_evidence.h"
#include "store/store_application.h"
#include "store/store_observation.h"
#include "store/store_schedule.h"
#include "store/store_recert.h"
#include "store/store_checkin.h"
#include "store/store_copy.h"

#endif
