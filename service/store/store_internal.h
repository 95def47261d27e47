/*
 * The statement layer every resource file is written against, whatever the backend:
 * connections, the per-connection statement cache, error mapping, and the bind, column and
 * list helpers. The backends (store_sqlite_foundation.c, store_pg_foundation.c) implement
 * it behind opaque handles (store_backend.h); resource files include this header only and
 * never call a database library. Nothing outside service/store includes it.
 *
 * How a resource file is written (copy this pattern):
 *
 *   enum attempts_stmt { ATTEMPTS_INSERT, ATTEMPTS_BY_ID, ATTEMPTS__MAX };
 *   static const char *const attempts_sqls[ATTEMPTS__MAX] = {
 *       [ATTEMPTS_INSERT] = "INSERT INTO attempts(user_id, ...) VALUES(?1, ...)",
 *       [ATTEMPTS_BY_ID] = "SELECT id, ... FROM attempts WHERE id = ?1",
 *   };
 *   static const struct store_sqlset attempts_set = {"attempts", attempts_sqls, ATTEMPTS__MAX};
 *
 *   static const struct store_rowtype attempt_one = {"attempt by id", sizeof(struct
 *       store_attempt), attempt_row, NULL};                // attempt_row reads the columns
 *
 *   int store_attempt_get(struct store_rd *rd, struct store_attempt *out, int64_t id) {
 *     struct store_conn *c = store_rd_conn(rd);
 *     struct store_stmt *st = store_stmt(c, &attempts_set, ATTEMPTS_BY_ID);
 *     if (NULL != st)
 *       store_bind_int64(st, 1, id);
 *     return store_row_get(c, st, &attempt_one, out);    // OK on a row, NONE, or < 0; resets st
 *   }
 *
 *   Single rows: store_row_get (as above; the blob reads and the answer-save path's state
 *   checks step themselves); a count: store_row_int64; a write whose "no row changed" is an
 *   answer: store_step_changes; many parameters: store_bind_all; a plain write (bind, step,
 *   reset): store_write.
 *   Lists: one `static const struct store_rowtype` per element type (its size, a row reader
 *   and, when elements own memory, a clear), then one call with the parameters as
 *   store_args: store_rows_query(c, &set, id, args, nargs, &type, limit, out, out_n) (or
 *   store_rows_query_all); the public *_list_free(list, n) is store_rows_free(&type, list, n).
 * (Only store_attempts_overdue, which fills the caller's array, and the audit chain's verification
 * step through rows themselves.)
 *
 *   Writes take struct store_tx * and use store_tx_conn(tx); they run inside store_txn().
 *   store_stmt() prepares each SQL text once per connection and caches it; statements are
 *   never finalised until the connection closes. Always bind parameters; never build SQL
 *   from data.
 *
 *   SQL is written once for both backends (SQLite and PostgreSQL): parameters are ?1, ?2, ...
 *   (the PostgreSQL backend rewrites them to $1, $2, ... when it prepares a statement);
 *   integers are 64-bit; upserts are ON CONFLICT ... DO NOTHING/UPDATE; no INSERT OR REPLACE,
 *   no strftime/julianday or other functions of one engine only (times are integer ms passed
 *   as parameters); a parameter whose type the context does not fix is written
 *   CAST(?n AS BIGINT) or CAST(?n AS TEXT). The few SQLite functions the statements use that
 *   PostgreSQL lacks (instr) are defined in its schema by the migrations
 *   (migrations/pg/). See docs/architecture.md, "How to write a store resource file".
 */
#ifndef UJIKOM_STORE_INTERNAL_H
#define UJIKOM_STORE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A named list of SQL texts indexed by a resource's statement enum. Define it `static const`
 * in the resource file; its address identifies the set in every connection's cache. */
struct store_sqlset {
  const char *name; /* for log messages */
  const char *const *sqls;
  int count;
};

struct store_conn; /* one database connection and its statement cache */
struct store_stmt; /* one prepared statement of a connection */

/* The connection behind a reader or a write transaction. Never NULL for valid arguments. */
struct store_conn *store_rd_conn(struct store_rd *rd);
struct store_conn *store_tx_conn(struct store_tx *tx);

/* The prepared statement `id` of `set` on connection c, prepared on first use and cached.
 * It comes back reset with no bindings. Returns NULL (and logs) if preparing failed, which is
 * a bug in the SQL text or a schema older than the code: treat as STORE_HARD. */
struct store_stmt *store_stmt(struct store_conn *c, const struct store_sqlset *set, int id);

/* Resets a statement obtained from store_stmt() and clears its bindings; NULL allowed. */
void store_stmt_done(struct store_stmt *st);

/* Steps a statement once expecting a row: STORE_OK (row available), STORE_NONE (no row),
 * or a negative mapped error (logged). Errors map alike in every backend: a unique or
 * primary-key violation is STORE_EXISTS (not logged as an error); other constraint
 * violations (checks, foreign keys, append-only triggers) STORE_HARD; a lock not obtained
 * in time, a serialization failure or a deadlock STORE_BUSY; a full disk, an I/O error or a
 * lost connection STORE_UNAVAILABLE. */
int store_step_row(struct store_conn *c, struct store_stmt *st, const char *what);

/* Steps a write statement to completion: STORE_OK, or a mapped error. *out_changes (may be
 * NULL) receives the number of rows the statement changed. */
int store_step_done(struct store_conn *c, struct store_stmt *st, const char *what,
                    int64_t *out_changes);

/* Steps a write statement (parameters bound by the caller) to completion and resets it:
 * STORE_OK when it changed a row, STORE_NONE when it changed none, or a mapped error. st may
 * be NULL (store_stmt failed: STORE_HARD). */
int store_step_changes(struct store_conn *c, struct store_stmt *st, const char *what);

/* A query that always yields one row (a count, a pragma): its first column into *out, which
 * is left untouched otherwise. No row is STORE_HARD. st may be NULL (STORE_HARD); it is
 * always reset. */
int store_row_int64(struct store_conn *c, struct store_stmt *st, const char *what, int64_t *out);

/* Binds parameter ?idx (1-based): a copy of text (NULL binds SQL NULL), an integer, a copy
 * of len bytes as a blob, or SQL NULL. */
void store_bind_text(struct store_stmt *st, int idx, const char *text);
void store_bind_int64(struct store_stmt *st, int idx, int64_t v);
void store_bind_blob(struct store_stmt *st, int idx, const void *data, size_t len);
void store_bind_null(struct store_stmt *st, int idx);

/* The columns of the current row (0-based): an integer (0 for NULL; a boolean is 0 or 1),
 * a text (NULL for SQL NULL; valid until the next step or reset), the length in bytes of a
 * text or blob, a blob's bytes (valid as the text is), whether the value is SQL NULL. */
int64_t store_col_int64(struct store_stmt *st, int col);
const char *store_col_text(struct store_stmt *st, int col);
size_t store_col_bytes(struct store_stmt *st, int col);
const void *store_col_data(struct store_stmt *st, int col);
bool store_col_is_null(struct store_stmt *st, int col);

/* The columns of a statement's result, and the type of a value of the current row (SQLite:
 * the stored value's; PostgreSQL: the column's: integers and booleans INT, bytea BLOB, the
 * rest TEXT), for code that copies rows whatever they hold (store_copy.c). */
enum store_col_type { STORE_COL_NULL, STORE_COL_INT, STORE_COL_TEXT, STORE_COL_BLOB };
int store_col_count(struct store_stmt *st);
enum store_col_type store_col_type(struct store_stmt *st, int col);

/* One parameter of a statement for store_bind_all: an integer or a text (a NULL text binds
 * SQL NULL, as store_bind_text does). */
struct store_arg {
  bool is_text;
  int64_t num;
  const char *text;
  bool is_limit; /* the query's LIMIT: store_rows_query_page binds one more to it */
};
#define STORE_ARG_INT(v)  ((struct store_arg){false, (v), NULL, false})
#define STORE_ARG_TEXT(v) ((struct store_arg){true, 0, (v), false})
#define STORE_ARG_NULL    ((struct store_arg){true, 0, NULL, false})
/* The page size of a list, bound to the query's LIMIT parameter: as STORE_ARG_INT, except
 * that store_rows_query_page asks for one row more through it. */
#define STORE_ARG_LIMIT(v) ((struct store_arg){false, (v), NULL, true})

/* An id where 0 means none (an optional reference, the audit's system actor): SQL NULL for
 * 0, else the number. */
static inline struct store_arg store_arg_id(int64_t id) {
  return 0 == id ? STORE_ARG_NULL : STORE_ARG_INT(id);
}

/* Binds args[0], args[1], ... to ?1, ?2, ... in the order of the statement's parameters. */
void store_bind_all(struct store_stmt *st, const struct store_arg *args, size_t n);

/* A query of one row whose columns the caller reads itself: statement id of set, args bound
 * (store_bind_all), stepped once. STORE_OK (the row is current in *out_st), STORE_NONE or a
 * negative result; in every case the caller resets *out_st with store_stmt_done (NULL
 * allowed) once done with it. */
int store_row_step(struct store_conn *c, const struct store_sqlset *set, int id,
                   const struct store_arg *args, size_t nargs, const char *what,
                   struct store_stmt **out_st);

/* A write in one call: statement id of set with args bound (store_bind_all), stepped to
 * completion and reset. STORE_OK or a mapped error (STORE_HARD when the statement cannot be
 * prepared). */
int store_write(struct store_conn *c, const struct store_sqlset *set, int id,
                const struct store_arg *args, size_t nargs, const char *what);
/* store_write, with the rows it changed in *out_changes (may be NULL; 0 on an error). */
int store_write_n(struct store_conn *c, const struct store_sqlset *set, int id,
                  const struct store_arg *args, size_t nargs, const char *what,
                  int64_t *out_changes);

/* Copies a text column into buf (NUL-terminated, truncated never: returns -1 if the value
 * does not fit, 0 otherwise; NULL columns give ""). */
int store_col_copy(struct store_stmt *st, int col, char *buf, size_t bufsize);

/* A malloc'd copy of a text column, or NULL for SQL NULL. *out_oom is set to 1 when the
 * allocation failed (so NULL-as-NULL and NULL-as-failure differ). */
char *store_col_strdup(struct store_stmt *st, int col, int *out_oom);

/* A malloc'd copy of a blob column with a NUL after it (so a text blob reads as a string);
 * *out_len receives the column's length in bytes (0 for NULL or empty). NULL when out of
 * memory. */
void *store_col_blob(struct store_stmt *st, int col, size_t *out_len);

/* Frees the malloc'd texts that fields point at (each a char * inside one struct) and sets
 * them to NULL: the clear of a struct that owns several texts. */
void store_free_texts(char **const *fields, size_t n);

/* How one row of a list query becomes one element of the array that store_rows_collect
 * returns. Define it `static const` next to the query. */
struct store_rowtype {
  const char *what; /* for log messages, e.g. "user list" */
  size_t size;      /* sizeof one element */
  /* Fills elem (zeroed beforehand in lists) from the current row: STORE_OK, STORE_HARD (a value
   * does not fit its field) or STORE_UNAVAILABLE (out of memory). On failure it leaves nothing
   * allocated in elem. */
  int (*read)(struct store_stmt *st, void *elem);
  /* Frees what read allocated inside one element; NULL when elements own nothing. */
  void (*clear)(void *elem);
};

/* The most rows a bounded list returns in one call. */
#define STORE_LIST_MAX 1000

/* Every list query in one place: steps st (parameters bound by the caller) and collects at
 * most limit rows (1..STORE_LIST_MAX; anything else is STORE_HARD) into one array allocated
 * up front. st may be NULL (store_stmt failed: STORE_HARD); it is always reset
 * (store_stmt_done). On STORE_OK *out is an array of *out_n elements (possibly none, *out not
 * NULL), the caller's to free with the resource's *_list_free(list, n); on failure *out is
 * NULL, *out_n 0, nothing stays allocated, and the result is negative. */
int store_rows_collect(struct store_conn *c, struct store_stmt *st,
                       const struct store_rowtype *type, int limit, void **out, size_t *out_n);

/* The same for queries without a limit (every row of one attempt): the array grows as rows
 * come, and *out is NULL when there are none. */
int store_rows_collect_all(struct store_conn *c, struct store_stmt *st,
                           const struct store_rowtype *type, void **out, size_t *out_n);

/* A list query in one call: statement id of set, args bound to ?1, ?2, ... (store_bind_all),
 * its rows collected as store_rows_collect does. out_list is the address of the caller's
 * element pointer (a struct store_x **), set as *out is there: every object pointer has the
 * representation of void * on the platforms this builds for. */
int store_rows_query(struct store_conn *c, const struct store_sqlset *set, int id,
                     const struct store_arg *args, size_t nargs, const struct store_rowtype *type,
                     int limit, void *out_list, size_t *out_n);

/* One page of a keyset-paged list, in the same single read: as store_rows_query, where args
 * hold the page size limit (1..STORE_LIST_MAX) as STORE_ARG_LIMIT(limit); STORE_HARD when
 * they hold none (or it is out of range). With out_more, the
 * query is asked for limit + 1 rows through that argument, the extra row (when there is
 * one) is cleared again and left out of *out_n, and *out_more says whether it was there, i.e.
 * whether a next page exists; without (NULL), it reads limit rows. */
int store_rows_query_page(struct store_conn *c, const struct store_sqlset *set, int id,
                          const struct store_arg *args, size_t nargs,
                          const struct store_rowtype *type, void *out_list, size_t *out_n,
                          bool *out_more);

/* The same without a limit, as store_rows_collect_all. */
int store_rows_query_all(struct store_conn *c, const struct store_sqlset *set, int id,
                         const struct store_arg *args, size_t nargs,
                         const struct store_rowtype *type, void *out_list, size_t *out_n);

/* Every single-row look-up in one place: steps st (parameters bound by the caller) once and,
 * on a row, has type->read fill out (type->read NULL: only whether a row exists). st may be
 * NULL (store_stmt failed: STORE_HARD); it is always reset. Returns STORE_OK, STORE_NONE (no
 * row: *out untouched, so the caller zeroes it first where callers expect that) or what
 * type->read returned, or a negative mapped error. Nothing is allocated here. */
int store_row_get(struct store_conn *c, struct store_stmt *st, const struct store_rowtype *type,
                  void *out);

/* Frees a list made by store_rows_collect(_all) with the same type: type->clear on each of
 * the n elements, then the array. NULL allowed. Every public *_list_free is this. */
void store_rows_free(const struct store_rowtype *type, void *list, size_t n);

/* An attempt without form and result, as more than one resource file lists it: the columns
 * in the order store_attempt_row reads them (a row type's read and clear). Defined with the
 * attempts (store_attempts.c). */
#define STORE_ATTEMPT_COLS                                                                         \
  "id, user_id, exam_id, exam_version, status, started_at, deadline_at, "                          \
  "coalesce(finished_at, 0), coalesce(verdict, ''), coalesce(decided_at, 0)"
int store_attempt_row(struct store_stmt *st, void *elem);
void store_attempt_row_clear(void *elem);

/* The id the last INSERT on this connection gave its row (SQLite: the rowid; PostgreSQL:
 * lastval(), the value the identity column's sequence handed out). */
int64_t store_conn_last_rowid(struct store_conn *c);

/* Where the store keeps certificates' locations (store/cert_locator.h; SQLite with
 * opts.cert_locator), or NULL: none, or not made yet. */
struct cert_locator *store_conn_locator(struct store_conn *c);
/* The certificates in rd's snapshot (store_certs.c). */
int store_certs_count(struct store_rd *rd, int64_t *out);
/* Keeps in loc where every certificate logged in rd's snapshot is (SQLite: the rowid), at
 * the certificate state generation of that snapshot; gives up with STORE_BUSY as soon as
 * *stop is set (store_certs.c). */
int store_certs_locate_all(struct store_rd *rd, struct cert_locator *loc, const atomic_bool *stop);

/* Logs through the store's callback (printf-style). */
void store_conn_log(struct store_conn *c, enum store_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Migrations embedded at build time from service/store/migrations/NNNN_name.sql (SQLite) and
 * service/store/migrations/pg/NNNN_name.sql (PostgreSQL, one twin of each with the same
 * number), sorted by version (generated by cmake/EmbedMigrations.cmake). */
struct store_migration {
  int version;
  const char *name;
  const char *sql;
};
extern const struct store_migration store_migrations[];
extern const size_t store_migrations_count;
extern const struct store_migration store_pg_migrations[];
extern const size_t store_pg_migrations_count;

#endif
