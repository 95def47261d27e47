/*
 * The session state generation (store_session_state_generation, migration 0035), on both
 * backends: it grows in the transaction of every write that could end a session or change
 * what a request's authentication reads with it, whether the write comes through this store
 * handle, another handle on the same database (another process or node) or a raw SQL write
 * beside the store; a new session, a touch and the purge of sessions long expired leave it as
 * it is; store_session_user_get reads it in the same statement as the session.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "test_store_fixture.h"

#define HASH(c)                                                                                    \
  c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
      c c c c c c c c c c c c c c c c

static const char hash_a[] = HASH("a");
static const char hash_b[] = HASH("b");
static const char hash_old[] = HASH("c");
static const char hash_just[] = HASH("d");

struct fixture {
  struct temp_store t;
  int64_t user;
  int64_t now; /* the store's clock when the fixture was made */
};

static int add_session(struct store_tx *tx, int64_t user, const char *hash, int64_t created,
                       int64_t expires) {
  struct store_session s = {.user_id = user,
                            .created_ms = created,
                            .last_seen_ms = created,
                            .expires_ms = expires,
                            .absolute_expires_ms = expires + 3600000};
  memcpy(s.token_hash, hash, sizeof s.token_hash);
  return store_session_create(tx, &s);
}

static int make_txn(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  f->now = store_tx_now_ms(tx);
  int rc = store_user_create(tx, &f->user, "gen@contoh.id", "Ketut Generasi", ROLE_CANDIDATE,
                             "$scrypt$rahasia");
  if (STORE_OK == rc) {
    rc = add_session(tx, f->user, hash_a, f->now, f->now + 1800000);
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "sessstate", NULL, make_txn);
}

static int64_t generation(struct store *s) {
  struct store_rd *rd = NULL;
  int64_t g = -1;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_session_state_generation(rd, &g));
  store_rd_end(rd);
  return g;
}

/* The generation store_session_user_get reads beside hash's session. */
static int64_t generation_with_session(struct store *s, const char *hash) {
  struct store_rd *rd = NULL;
  struct store_session ss;
  struct store_user u;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_session_user_get(rd, &ss, &u, hash));
  int64_t g = -1;
  assert_int_equal(STORE_OK, store_session_state_generation(rd, &g));
  store_rd_end(rd);
  assert_int_equal(g, ss.generation);
  return ss.generation;
}

struct session_op {
  struct fixture *f;
  const char *hash;
  int64_t created, expires;
};

static int tx_add(struct store_tx *tx, void *arg) {
  struct session_op *op = arg;
  return add_session(tx, op->f->user, op->hash, op->created, op->expires);
}

static int tx_touch(struct store_tx *tx, void *arg) {
  struct session_op *op = arg;
  struct store_session out;
  return store_session_touch(tx, &out, op->hash, store_tx_now_ms(tx), 1800000);
}

static int tx_purge(struct store_tx *tx, void *arg) {
  int64_t *n = arg;
  return store_session_purge(tx, store_tx_now_ms(tx), n);
}

static int tx_delete(struct store_tx *tx, void *arg) {
  struct session_op *op = arg;
  return store_session_delete(tx, op->hash);
}

static int tx_disable(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  return store_user_set_disabled(tx, f->user, true);
}

static void raw(struct fixture *f, const char *sql) {
  struct test_raw r;
  char msg[256];
  assert_int_equal(0, test_raw_open(&r, f->t.db));
  if (0 != test_raw_exec(&r, sql, msg, sizeof msg)) {
    fail_msg("%s: %s", sql, msg);
  }
  test_raw_close(&r);
}

static void test_generation(void **state) {
  struct fixture *f = *state;
  struct store *s = f->t.s;
  int64_t g0 = generation(s);
  assert_int_equal(g0, generation_with_session(s, hash_a));

  /* Another handle on the same database: another process, or another node. */
  struct store *other = NULL;
  char err[512];
  assert_int_equal(STORE_OK, store_open(&other, f->t.db, NULL, err, sizeof err));

  /* Not counted: a new session, a touch, a purge that finds nothing to delete. */
  struct session_op b = {f, hash_b, f->now, f->now + 1800000};
  assert_int_equal(STORE_OK, store_txn(other, tx_add, &b));
  assert_int_equal(g0, generation(s));
  assert_int_equal(STORE_OK, store_txn(other, tx_touch, &b));
  assert_int_equal(g0, generation(s));
  int64_t purged = -1;
  assert_int_equal(STORE_OK, store_txn(s, tx_purge, &purged));
  assert_int_equal(0, purged);
  assert_int_equal(g0, generation(s));

  /* A session that expired ten minutes ago, purged: no copy can be using it. */
  struct session_op old = {f, hash_old, f->now - 3600000, f->now - 600000};
  assert_int_equal(STORE_OK, store_txn(s, tx_add, &old));
  assert_int_equal(STORE_OK, store_txn(s, tx_purge, &purged));
  assert_int_equal(1, purged);
  assert_int_equal(g0, generation(s));

  /* One that expired a moment ago: a copy read before may still be in use; counted. */
  struct session_op just = {f, hash_just, f->now - 3600000, f->now - 1000};
  assert_int_equal(STORE_OK, store_txn(s, tx_add, &just));
  assert_int_equal(STORE_OK, store_txn(s, tx_purge, &purged));
  assert_int_equal(1, purged);
  int64_t g1 = generation(s);
  assert_true(g1 > g0);

  /* A log-out on the other handle. */
  assert_int_equal(STORE_OK, store_txn(other, tx_delete, &b));
  int64_t g2 = generation(s);
  assert_true(g2 > g1);
  assert_int_equal(g2, generation(other));

  /* Raw SQL writes beside the store (an operator's shell): the triggers count them too. */
  raw(f, "UPDATE sessions SET expires_at = expires_at - 1 WHERE token_hash = '" HASH("a") "'");
  int64_t g3 = generation(s);
  assert_true(g3 > g2);
  assert_int_equal(g3, generation_with_session(s, hash_a));
  raw(f, "UPDATE sessions SET expires_at = expires_at + 60000 WHERE token_hash = '" HASH("a") "'");
  assert_int_equal(g3, generation(s)); /* later: as a touch */
  raw(f, "UPDATE users SET name = 'Ketut Baru' WHERE email = 'gen@contoh.id'");
  int64_t g4 = generation(s);
  assert_true(g4 > g3);
  raw(f, "UPDATE users SET password_hash = '$scrypt$lain' WHERE email = 'gen@contoh.id'");
  assert_int_equal(g4, generation(s)); /* not read with a session */

  /* The account disabled through the store, on the other handle. */
  assert_int_equal(STORE_OK, store_txn(other, tx_disable, f));
  int64_t g5 = generation(s);
  assert_true(g5 > g4);
  assert_int_equal(g5, generation_with_session(s, hash_a));
  store_close(other);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_generation, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
