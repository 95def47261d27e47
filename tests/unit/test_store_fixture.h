/*
 * The store's unit tests share this fixture: a store in a fresh temporary directory, made
 * by a cmocka set-up and removed again, with everything in it, by the matching tear-down.
 *
 *   struct fixture { struct temp_store t; int64_t user; };   // temp_store first
 *   static int seed(struct store_tx *tx, void *f) { ... }      // optional, a store_txn body
 *   static int setup(void **state) {
 *     return temp_store_setup_with(state, sizeof(struct fixture), "reviews", NULL, seed);
 *   }
 *   cmocka_unit_test_setup_teardown(test_x, setup, temp_store_teardown)
 *
 * A test whose fixture is the store alone uses temp_store_setup; one that opens the store
 * itself (with its own options, or not at all) uses temp_store_dir_setup.
 *
 * Both backends: when UJIKOM_TEST_DATABASE holds a PostgreSQL URI (the ctest pass labelled
 * pg sets it to a throwaway cluster, scripts/pg-cluster.sh), t->db names a schema of its own
 * in that database (made here, dropped by the tear-down) instead of the file in t->dir; the
 * directory is still made for the test's other files. A test that looks into the database
 * itself does so through test_raw (below), which speaks to either backend, and skips the
 * checks that only one backend has with temp_store_is_pg.
 */
#ifndef TEST_STORE_FIXTURE_H
#define TEST_STORE_FIXTURE_H

#include <errno.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "test_tmpdir.h"

struct temp_store {
  char dir[64];    /* /tmp/ujikom-<tag>-XXXXXX */
  char db[640];    /* <dir>/ujikom.db, or the PostgreSQL URI of the schema below */
  char schema[48]; /* PostgreSQL: the test's own schema ("" for SQLite) */
  struct store *s;
};

/* The PostgreSQL database of this test pass, or NULL for the SQLite pass. */
static inline const char *temp_store_pg_uri(void) {
  const char *uri = getenv("UJIKOM_TEST_DATABASE");
  return NULL != uri && 0 == strncmp(uri, "postgresql://", 13) ? uri : NULL;
}

static inline bool temp_store_is_pg(void) {
  return NULL != temp_store_pg_uri();
}

/* A raw connection to the test's database beside the store, as an operator or an attacker
 * with access to the database would have: SQLite (the file) or PostgreSQL (the schema). */
struct test_raw {
  sqlite3 *lite;
  PGconn *pg;
};

static inline void test_raw_quiet(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

static inline int test_raw_open(struct test_raw *r, const char *db) {
  r->lite = NULL;
  r->pg = NULL;
  if (0 == strncmp(db, "postgresql://", 13)) {
    r->pg = PQconnectdb(db);
    PQsetNoticeProcessor(r->pg, test_raw_quiet, NULL);
    return CONNECTION_OK == PQstatus(r->pg) ? 0 : -1;
  }
  if (SQLITE_OK != sqlite3_open(db, &r->lite)) {
    return -1;
  }
  sqlite3_busy_timeout(r->lite, 5000);
  return 0;
}

/* Runs sql (the text for the backend: SQLite's or PostgreSQL's, which may differ): 0, or -1
 * with the database's message in msg. */
static inline int test_raw_exec2(struct test_raw *r, const char *lite_sql, const char *pg_sql,
                                 char *msg, size_t msglen) {
  if (NULL != r->pg) {
    PGresult *res = PQexec(r->pg, pg_sql);
    ExecStatusType es = NULL == res ? PGRES_FATAL_ERROR : PQresultStatus(res);
    int ok = PGRES_COMMAND_OK == es || PGRES_TUPLES_OK == es;
    snprintf(msg, msglen, "%s", ok ? "" : PQerrorMessage(r->pg));
    PQclear(res);
    return ok ? 0 : -1;
  }
  char *m = NULL;
  int rc = sqlite3_exec(r->lite, lite_sql, NULL, NULL, &m);
  snprintf(msg, msglen, "%s", NULL == m ? "" : m);
  sqlite3_free(m);
  return SQLITE_OK == rc ? 0 : -1;
}

static inline int test_raw_exec(struct test_raw *r, const char *sql, char *msg, size_t msglen) {
  return test_raw_exec2(r, sql, sql, msg, msglen);
}

/* Takes the store's write lock as another process (or node) would, until test_raw_release:
 * SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory transaction lock of every store_txn. */
static inline int test_raw_hold_write_lock(struct test_raw *r) {
  char msg[256];
  return test_raw_exec2(
      r, "BEGIN IMMEDIATE",
      "BEGIN; SELECT pg_advisory_xact_lock(1970170219, hashtext(current_schema()))", msg,
      sizeof msg);
}

static inline int test_raw_release(struct test_raw *r) {
  char msg[256];
  return test_raw_exec(r, "ROLLBACK", msg, sizeof msg);
}

static inline void test_raw_close(struct test_raw *r) {
  sqlite3_close(r->lite);
  PQfinish(r->pg);
  r->lite = NULL;
  r->pg = NULL;
}

/* Runs sql on a connection of its own to database db, as someone editing the database file
 * would (the text for each backend): 0, or -1 with the message in msg. */
static inline int test_raw_tamper(const char *db, const char *lite_sql, const char *pg_sql,
                                  char *msg, size_t msglen) {
  struct test_raw r;
  if (0 != test_raw_open(&r, db)) {
    snprintf(msg, msglen, "cannot open %s", db);
    return -1;
  }
  int rc = test_raw_exec2(&r, lite_sql, pg_sql, msg, msglen);
  test_raw_close(&r);
  return rc;
}

/* PostgreSQL: runs one statement on the pass's database. 0 or -1 (with a line on stderr). */
static inline int temp_store_pg_admin(const char *sql) {
  struct test_raw r;
  char msg[256];
  int rc = test_raw_open(&r, temp_store_pg_uri());
  if (0 == rc && 0 != (rc = test_raw_exec(&r, sql, msg, sizeof msg))) {
    fprintf(stderr, "%s: %s\n", sql, msg);
  }
  test_raw_close(&r);
  return rc;
}

/* Closes the store (if open) and removes its directory (if made): 0, or -1 when the
 * directory could not be removed. */
static inline int temp_store_close(struct temp_store *t) {
  int rc = 0;
  store_close(t->s);
  t->s = NULL;
  if ('\0' != t->schema[0]) {
    char sql[96];
    snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", t->schema);
    rc = temp_store_pg_admin(sql);
    t->schema[0] = '\0';
  }
  if ('\0' == t->dir[0]) {
    return 0;
  }
  rc |= test_tmpdir_remove(t->dir);
  t->dir[0] = '\0';
  return rc;
}

/* Makes the directory and names the database in it, without opening it. 0 or -1. */
static inline int temp_store_make_dir(struct temp_store *t, const char *tag) {
  t->s = NULL;
  if (0 != test_tmpdir_make(t->dir, sizeof t->dir, tag)) {
    return -1;
  }
  snprintf(t->db, sizeof t->db, "%s/ujikom.db", t->dir);
  if (temp_store_is_pg()) {
    static unsigned seq;
    const char *uri = temp_store_pg_uri();
    char sql[96];
    snprintf(t->schema, sizeof t->schema, "t_%ld_%u", (long)getpid(), seq++);
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", t->schema);
    snprintf(t->db, sizeof t->db, "%s%soptions=-csearch_path%%3D%s", uri,
             NULL == strchr(uri, '?') ? "?" : "&", t->schema);
    if (0 != temp_store_pg_admin(sql)) {
      t->schema[0] = '\0';
      test_tmpdir_remove(t->dir);
      t->dir[0] = '\0';
      return -1;
    }
  }
  return 0;
}

/* Empties the test's database (SQLite: removes the file; PostgreSQL: makes the schema again),
 * the store being closed. 0 or -1. */
static inline int temp_store_reset(struct temp_store *t) {
  if ('\0' == t->schema[0]) {
    return 0 == unlink(t->db) || ENOENT == errno ? 0 : -1;
  }
  char sql[160];
  snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE; CREATE SCHEMA %s", t->schema, t->schema);
  return temp_store_pg_admin(sql);
}

/* Opens a store in a new directory named after tag; opts as store_open takes them (NULL:
 * the defaults). Returns 0, or -1 with a line on stderr and nothing left behind. */
static inline int temp_store_open(struct temp_store *t, const char *tag,
                                  const struct store_opts *opts) {
  char err[256];
  if (0 != temp_store_make_dir(t, tag)) {
    return -1;
  }
  if (STORE_OK != store_open(&t->s, t->db, opts, err, sizeof err)) {
    fprintf(stderr, "store_open: %s\n", err);
    temp_store_close(t);
    return -1;
  }
  return 0;
}

/* cmocka set-up: allocates a zeroed fixture of size bytes whose first member is a struct
 * temp_store, opens a store in it (opts: NULL for the defaults), runs seed (may be NULL) in
 * one transaction with the fixture as its context, and leaves the fixture in *state.
 * 0, or -1 with nothing left behind. */
static inline int temp_store_setup_with(void **state, size_t size, const char *tag,
                                        const struct store_opts *opts, store_txn_fn seed) {
  struct temp_store *t = NULL;
  *state = NULL;
  if (size < sizeof *t || NULL == (t = calloc(1, size))) {
    return -1;
  }
  if (0 != temp_store_open(t, tag, opts)) {
    free(t);
    return -1;
  }
  if (NULL != seed && STORE_OK != store_txn(t->s, seed, t)) {
    fprintf(stderr, "setup: seeding failed\n");
    temp_store_close(t);
    free(t);
    return -1;
  }
  *state = t;
  return 0;
}

/* cmocka set-up: a struct temp_store with an open store of default options. */
static inline int temp_store_setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct temp_store), "store", NULL, NULL);
}

/* cmocka set-up: a struct temp_store with its directory made and its database named, the
 * store not opened (the test opens it, and may leave it open in t->s). */
static inline int temp_store_dir_setup(void **state) {
  struct temp_store *t = calloc(1, sizeof *t);
  *state = NULL;
  if (NULL == t || 0 != temp_store_make_dir(t, "store")) {
    free(t);
    return -1;
  }
  *state = t;
  return 0;
}

/* cmocka tear-down for every set-up above: closes the store, removes the directory with
 * everything in it, and frees the fixture. */
/* Writes in tx a finished attempt (verdict K) of exam DKV-UJI at version (its source already
 * stored) by c->user_id, then certificate c of it: c->attempt_id is set here, and what c
 * leaves empty is filled (the subsector, kid and times; placeholder texts for the units,
 * token, credential and display). The caller names the serial and holder, and may set a
 * status index. STORE_OK, or the store's answer. */
static inline int temp_store_certified(struct store_tx *tx, struct store_cert *c,
                                       const char *version) {
  static char units[] = "[]", jws[] = "x.y.z", qr[] = "TOKEN", display[] = "display";
  int rc = store_attempt_create(tx, &c->attempt_id, c->user_id, "DKV-UJI", version, "{}",
                                store_tx_now_ms(tx) + 60000);
  if (STORE_OK == rc) {
    rc = store_attempt_finish(tx, c->attempt_id, ATTEMPT_SUBMITTED, store_tx_now_ms(tx), VERDICT_K,
                              "{}");
  }
  if (STORE_OK != rc) {
    return rc;
  }
  snprintf(c->subsector, sizeof c->subsector, "DKV");
  snprintf(c->exam_id, sizeof c->exam_id, "DKV-UJI");
  if ('\0' == c->kid[0]) {
    snprintf(c->kid, sizeof c->kid, "ABCDEFGH");
  }
  if (0 == c->expires_s) {
    c->issued_s = 1700000000;
    c->expires_s = 1800000000;
  }
  c->units = units;
  c->jws = jws;
  c->qr_token = qr;
  c->display = display;
  return store_cert_insert(tx, c);
}

/* A certificate's status change in a transaction of its own (by the system, "a test"). */
struct temp_store_cert_change {
  const char *serial;
  enum store_cert_change to;
};

static inline int temp_store_cert_change_tx(struct store_tx *tx, void *arg) {
  const struct temp_store_cert_change *c = arg;
  return store_cert_set_status(tx, c->serial, c->to, 0, "a test");
}

/* Changes serial's status through store s: STORE_OK, or what store_txn returned. */
static inline int temp_store_cert_change(struct store *s, const char *serial,
                                         enum store_cert_change to) {
  struct temp_store_cert_change c = {serial, to};
  return store_txn(s, temp_store_cert_change_tx, &c);
}

/* Stores a schedule of exam at a TUK in WIB with the access window [opens, closes) (UTC ms)
 * and session code ("" for none): store_schedule_create's answer, the id in *out_id. */
static inline int temp_store_schedule(struct store_tx *tx, int64_t *out_id, const char *exam,
                                      int64_t opens, int64_t closes, const char *code) {
  struct store_schedule s;
  memset(&s, 0, sizeof s);
  snprintf(s.exam_id, sizeof s.exam_id, "%s", exam);
  snprintf(s.title, sizeof s.title, "Batch");
  snprintf(s.tuk_name, sizeof s.tuk_name, "TUK");
  snprintf(s.time_zone, sizeof s.time_zone, "WIB");
  snprintf(s.exam_date, sizeof s.exam_date, "2026-12-04");
  snprintf(s.session_code, sizeof s.session_code, "%s", code);
  s.opens_ms = opens;
  s.closes_ms = closes;
  s.capacity = 10;
  return store_schedule_create(tx, out_id, &s);
}

static inline int temp_store_teardown(void **state) {
  struct temp_store *t = *state;
  int rc = 0;
  if (NULL == t) {
    return 0;
  }
  rc = temp_store_close(t);
  free(t);
  *state = NULL;
  return rc;
}

#endif
