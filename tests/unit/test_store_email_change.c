/*
 * E-mail changes waiting for confirmation in the store (migration 0041), on both backends: a
 * link is found by its token's hash and keeps the address asked for; a new one ends the
 * account's earlier unused ones; the change waiting now is the newest unused and unexpired;
 * a link is used once and never after its expiry; links are ended and purged; a duplicate
 * hash, an expiry not after the creation and a link for no account are refused. An
 * account's address is set only when no other account has it in any case.
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
  int64_t user, other;
};

static int make_users(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int rc = store_user_create(tx, &f->user, "lama@contoh.id", "Ayu Pindah", ROLE_CANDIDATE,
                             "$scrypt$rahasia");
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->other, "Dipakai@Contoh.id", "Bima Lain", ROLE_CANDIDATE,
                           "$scrypt$rahasia");
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "email", NULL, make_users);
}

struct op {
  const char *hash, *email;
  int64_t user, created, expires, now, n;
};

static int create_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  struct store_email_change c = {
      .user_id = o->user, .created_ms = o->created, .expires_ms = o->expires};
  snprintf(c.token_hash, sizeof c.token_hash, "%s", o->hash);
  snprintf(c.email, sizeof c.email, "%s", o->email);
  return store_email_change_create(tx, &c);
}

static int use_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_email_change_use(tx, o->hash, o->now);
}

static int end_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_email_change_end_user(tx, o->user, o->now, &o->n);
}

static int purge_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_email_change_purge(tx, o->now, &o->n);
}

static int set_email_txn(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_user_set_email(tx, o->user, o->email);
}

static int create(struct fixture *f, const char *hash, const char *email, int64_t created,
                  int64_t expires) {
  struct op o = {
      .hash = hash, .email = email, .user = f->user, .created = created, .expires = expires};
  return store_txn(f->t.s, create_txn, &o);
}

static int use(struct fixture *f, const char *hash, int64_t now) {
  struct op o = {.hash = hash, .now = now};
  return store_txn(f->t.s, use_txn, &o);
}

static int get(struct fixture *f, const char *hash, struct store_email_change *out) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = store_email_change_get(rd, out, hash);
  store_rd_end(rd);
  return rc;
}

static int pending(struct fixture *f, int64_t now, struct store_email_change *out) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = store_email_change_pending(rd, out, f->user, now);
  store_rd_end(rd);
  return rc;
}

static void test_create_get_use_once(void **state) {
  struct fixture *f = *state;
  struct store_email_change c;
  assert_int_equal(STORE_NONE, pending(f, T0, &c));
  assert_int_equal(STORE_OK, create(f, hash_a, "baru@contoh.id", T0, T0 + 600));
  assert_int_equal(STORE_OK, get(f, hash_a, &c));
  assert_string_equal(hash_a, c.token_hash);
  assert_int_equal(f->user, c.user_id);
  assert_string_equal("baru@contoh.id", c.email);
  assert_int_equal(T0, c.created_ms);
  assert_int_equal(T0 + 600, c.expires_ms);
  assert_int_equal(0, c.used_ms);
  assert_int_equal(STORE_NONE, get(f, hash_b, &c));
  assert_int_equal(STORE_NONE, get(f, NULL, &c));
  assert_int_equal(STORE_OK, pending(f, T0 + 599, &c));
  assert_string_equal("baru@contoh.id", c.email);
  assert_int_equal(STORE_NONE, pending(f, T0 + 600, &c)); /* expired: none waits */

  assert_int_equal(STORE_NONE, use(f, hash_a, T0 + 600)); /* expired at its expiry */
  assert_int_equal(STORE_OK, use(f, hash_a, T0 + 599));
  assert_int_equal(STORE_NONE, use(f, hash_a, T0 + 599)); /* once only */
  assert_int_equal(STORE_OK, get(f, hash_a, &c));
  assert_int_equal(T0 + 599, c.used_ms);
  assert_int_equal(STORE_NONE, pending(f, T0 + 1, &c)); /* used: none waits */
  assert_int_equal(STORE_NONE, use(f, hash_b, T0));     /* unknown */
}

static void test_newer_ends_older(void **state) {
  struct fixture *f = *state;
  struct store_email_change c;
  assert_int_equal(STORE_OK, create(f, hash_a, "satu@contoh.id", T0, T0 + 600));
  assert_int_equal(STORE_OK, create(f, hash_b, "dua@contoh.id", T0 + 10, T0 + 610));
  assert_int_equal(STORE_OK, get(f, hash_a, &c));
  assert_int_equal(T0 + 10, c.used_ms); /* ended when the newer one was stored */
  assert_int_equal(STORE_NONE, use(f, hash_a, T0 + 20));
  assert_int_equal(STORE_OK, pending(f, T0 + 20, &c));
  assert_string_equal("dua@contoh.id", c.email);
}

static void test_refusals(void **state) {
  struct fixture *f = *state;
  struct op o = {
      .hash = hash_c, .email = "x@contoh.id", .user = 999, .created = T0, .expires = T0 + 10};
  assert_int_equal(STORE_OK, create(f, hash_a, "x@contoh.id", T0, T0 + 10));
  assert_int_equal(STORE_EXISTS, create(f, hash_a, "y@contoh.id", T0 + 1, T0 + 10));
  assert_int_equal(STORE_HARD, create(f, hash_c, "x@contoh.id", T0, T0)); /* not after */
  assert_true(STORE_OK != store_txn(f->t.s, create_txn, &o));             /* no such user */
  assert_int_equal(STORE_HARD, create(f, "short", "x@contoh.id", T0, T0 + 10));
  assert_int_equal(STORE_HARD, create(f, hash_c, "x", T0, T0 + 10)); /* address too short */
}

static void test_end_user_and_purge(void **state) {
  struct fixture *f = *state;
  struct store_email_change c;
  struct op o = {.user = f->user, .now = T0 + 5};
  assert_int_equal(STORE_OK, create(f, hash_a, "a@contoh.id", T0, T0 + 100));
  assert_int_equal(STORE_OK, store_txn(f->t.s, end_txn, &o));
  assert_int_equal(1, o.n);
  assert_int_equal(STORE_NONE, use(f, hash_a, T0 + 6));
  assert_int_equal(STORE_OK, store_txn(f->t.s, end_txn, &o));
  assert_int_equal(0, o.n); /* nothing left to end */
  assert_int_equal(STORE_OK, create(f, hash_b, "b@contoh.id", T0 + 10, T0 + 200));

  o.now = T0 + 150; /* hash_a expired before it, hash_b not */
  assert_int_equal(STORE_OK, store_txn(f->t.s, purge_txn, &o));
  assert_int_equal(1, o.n);
  assert_int_equal(STORE_NONE, get(f, hash_a, &c));
  assert_int_equal(STORE_OK, get(f, hash_b, &c));
}

static void test_set_email_unique_in_any_case(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  struct store_user u;
  struct op o = {.user = f->user, .email = "dipakai@CONTOH.ID"};
  assert_int_equal(STORE_EXISTS, store_txn(f->t.s, set_email_txn, &o));
  o.email = "Baru@contoh.id";
  assert_int_equal(STORE_OK, store_txn(f->t.s, set_email_txn, &o));
  o.user = 999;
  assert_int_equal(STORE_NONE, store_txn(f->t.s, set_email_txn, &o));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_user_by_email(rd, &u, "baru@contoh.id"));
  assert_int_equal(f->user, u.id);
  assert_string_equal("Baru@contoh.id", u.email);
  assert_int_equal(STORE_NONE, store_user_by_email(rd, &u, "lama@contoh.id"));
  store_rd_end(rd);
}

int main(void) {
/* Every test runs on a fresh store with two candidates. */
#define WITH_STORE(test) cmocka_unit_test_setup_teardown(test, setup, temp_store_teardown)
  const struct CMUnitTest tests[] = {WITH_STORE(test_create_get_use_once),
                                     WITH_STORE(test_newer_ends_older), WITH_STORE(test_refusals),
                                     WITH_STORE(test_end_user_and_purge),
                                     WITH_STORE(test_set_email_unique_in_any_case)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
