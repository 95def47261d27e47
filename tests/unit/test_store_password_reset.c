/*
 * Password-reset links in the store: a link is found by its token's hash, used once (a used
 * or expired link cannot be used again), ended with every other unused link of its user,
 * purged after expiry; a duplicate hash, a link for no user and an expiry not after the
 * creation are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "test_store_fixture.h"

static const char hash_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char hash_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char hash_c[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

#define T0 1000000

struct fixture {
  struct temp_store t;
  int64_t user;
};

static int make_user(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  return store_user_create(tx, &f->user, "lupa@contoh.id", "Rina Lupa", ROLE_CANDIDATE,
                           "$scrypt$rahasia");
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "reset", NULL, make_user);
}

struct op {
  struct fixture *f;
  const char *hash;
  int64_t user, issued_by, created, expires, now, n;
};

static int create_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  struct store_reset r = {.user_id = o->user,
                          .issued_by = o->issued_by,
                          .created_ms = o->created,
                          .expires_ms = o->expires};
  snprintf(r.token_hash, sizeof r.token_hash, "%s", o->hash);
  return store_reset_create(tx, &r);
}

static int use_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_reset_use(tx, o->hash, o->now);
}

static int end_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_reset_end_user(tx, o->user, o->now, &o->n);
}

static int purge_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_reset_purge(tx, o->now, &o->n);
}

static int create(struct fixture *f, const char *hash, int64_t issued_by, int64_t expires) {
  struct op o = {
      .hash = hash, .user = f->user, .issued_by = issued_by, .created = T0, .expires = expires};
  return store_txn(f->t.s, create_txn, &o);
}

static int use(struct fixture *f, const char *hash, int64_t now) {
  struct op o = {.hash = hash, .now = now};
  return store_txn(f->t.s, use_txn, &o);
}

static int get(struct fixture *f, const char *hash, struct store_reset *out) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = store_reset_get(rd, out, hash);
  store_rd_end(rd);
  return rc;
}

static void test_create_get_use_once(void **state) {
  struct fixture *f = *state;
  struct store_reset r;
  assert_int_equal(STORE_OK, create(f, hash_a, 7, T0 + 600));
  assert_int_equal(STORE_OK, get(f, hash_a, &r));
  assert_string_equal(hash_a, r.token_hash);
  assert_int_equal(f->user, r.user_id);
  assert_int_equal(7, r.issued_by);
  assert_int_equal(T0, r.created_ms);
  assert_int_equal(T0 + 600, r.expires_ms);
  assert_int_equal(0, r.used_ms);
  assert_int_equal(STORE_NONE, get(f, hash_b, &r));
  assert_int_equal(STORE_NONE, get(f, NULL, &r));

  assert_int_equal(STORE_NONE, use(f, hash_a, T0 + 600)); /* expired at its expiry */
  assert_int_equal(STORE_OK, use(f, hash_a, T0 + 599));
  assert_int_equal(STORE_NONE, use(f, hash_a, T0 + 599)); /* once only */
  assert_int_equal(STORE_OK, get(f, hash_a, &r));
  assert_int_equal(T0 + 599, r.used_ms);
  assert_int_equal(STORE_NONE, use(f, hash_b, T0)); /* unknown */
}

static void test_requested_by_mail(void **state) {
  struct fixture *f = *state;
  struct store_reset r;
  assert_int_equal(STORE_OK, create(f, hash_b, STORE_RESET_SELF, T0 + 10));
  assert_int_equal(STORE_OK, get(f, hash_b, &r));
  assert_int_equal(STORE_RESET_SELF, r.issued_by);
}

static void test_refusals(void **state) {
  struct fixture *f = *state;
  struct op o = {.hash = hash_c, .user = 999, .created = T0, .expires = T0 + 10};
  assert_int_equal(STORE_OK, create(f, hash_a, 0, T0 + 10));
  assert_int_equal(STORE_EXISTS, create(f, hash_a, 0, T0 + 10));
  assert_int_equal(STORE_HARD, create(f, hash_c, 0, T0));     /* expires not after creation */
  assert_true(STORE_OK != store_txn(f->t.s, create_txn, &o)); /* no such user */
  assert_int_equal(STORE_HARD, create(f, "short", 0, T0 + 10));
}

static void test_end_user_and_purge(void **state) {
  struct fixture *f = *state;
  struct store_reset r;
  struct op o = {.user = f->user, .now = T0 + 5};
  assert_int_equal(STORE_OK, create(f, hash_a, 0, T0 + 100));
  assert_int_equal(STORE_OK, create(f, hash_b, 0, T0 + 200));
  assert_int_equal(STORE_OK, use(f, hash_a, T0 + 1));
  assert_int_equal(STORE_OK, store_txn(f->t.s, end_txn, &o));
  assert_int_equal(1, o.n); /* only the unused one */
  assert_int_equal(STORE_NONE, use(f, hash_b, T0 + 6));
  assert_int_equal(STORE_OK, get(f, hash_b, &r));
  assert_int_equal(T0 + 5, r.used_ms);

  o.now = T0 + 150; /* hash_a expired before it, hash_b not */
  assert_int_equal(STORE_OK, store_txn(f->t.s, purge_txn, &o));
  assert_int_equal(1, o.n);
  assert_int_equal(STORE_NONE, get(f, hash_a, &r));
  assert_int_equal(STORE_OK, get(f, hash_b, &r));
}

int main(void) {
/* Every test runs on a fresh store with one candidate. */
#define WITH_STORE(test) cmocka_unit_test_setup_teardown(test, setup, temp_store_teardown)
  const struct CMUnitTest tests[] = {WITH_STORE(test_create_get_use_once),
                                     WITH_STORE(test_requested_by_mail), WITH_STORE(test_refusals),
                                     WITH_STORE(test_end_user_and_purge)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
