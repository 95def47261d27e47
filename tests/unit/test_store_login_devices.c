/*
 * Known login devices: a device is known to the account it logged in to, and only within
 * the age the caller asks for; a later login moves its last use; an account keeps its most
 * recently used devices only; devices unused past the cut-off are forgotten; the schema
 * refuses a malformed hash. An account's sign-ins (its sessions and devices) list by last use,
 * only its own, without tokens.
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

struct fixture {
  struct temp_store t;
  int64_t users[2]; /* the owner, another account */
};

static int make_txn(struct store_tx *tx, void *arg) {
  static const char *const emails[] = {"pemilik@contoh.id", "lain@contoh.id"};
  struct fixture *f = arg;
  int rc = STORE_OK;
  for (int i = 0; STORE_OK == rc && i < 2; i++) {
    rc = store_user_create(tx, &f->users[i], emails[i], "Sri Wahyuni", ROLE_CANDIDATE,
                           "$scrypt$rahasia");
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "devices", NULL, make_txn);
}

/* A 64-character hash made of one character. */
static void hash_of(char out[65], char c) {
  memset(out, c, 64);
  out[64] = '\0';
}

struct put_args {
  const char *hash;
  int64_t user;
  int64_t now;
  int64_t keep;
  int64_t unused_before;
};

static int put_txn(struct store_tx *tx, void *arg) {
  struct put_args *a = arg;
  return store_login_device_put(tx, a->hash, a->user, a->now, a->keep, a->unused_before);
}

static int put(struct fixture *f, const char *hash, int64_t user, int64_t now, int64_t keep,
               int64_t unused_before) {
  struct put_args a = {hash, user, now, keep, unused_before};
  return store_txn(f->t.s, put_txn, &a);
}

/* store_login_device_user; *user is -1 unless STORE_OK. */
static int user_of(struct fixture *f, const char *hash, int64_t used_since, int64_t *user) {
  struct store_rd *rd = NULL;
  *user = -1;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = store_login_device_user(rd, hash, used_since, user);
  store_rd_end(rd);
  return rc;
}

static void test_known_to_its_account_within_age(void **state) {
  struct fixture *f = *state;
  char a[65];
  char b[65];
  int64_t user = 0;
  hash_of(a, 'a');
  hash_of(b, 'b');
  assert_int_equal(STORE_NONE, user_of(f, a, 0, &user));
  assert_int_equal(STORE_OK, put(f, a, f->users[0], 1000, 20, 0));
  assert_int_equal(STORE_OK, user_of(f, a, 1000, &user));
  assert_int_equal(f->users[0], user);
  assert_int_equal(STORE_NONE, user_of(f, b, 0, &user));
  /* too old for the caller's age limit */
  assert_int_equal(STORE_NONE, user_of(f, a, 1001, &user));
  /* a later login moves its last use */
  assert_int_equal(STORE_OK, put(f, a, f->users[0], 5000, 20, 0));
  assert_int_equal(STORE_OK, user_of(f, a, 4000, &user));
  assert_int_equal(f->users[0], user);
  assert_int_equal(STORE_NONE, user_of(f, NULL, 0, &user));
}

static void test_keeps_most_recent_and_purges_unused(void **state) {
  struct fixture *f = *state;
  char h[5][65];
  int64_t user = 0;
  for (int i = 0; i < 5; i++) {
    hash_of(h[i], (char)('c' + i));
  }
  /* the other account's device, last used at 100 */
  assert_int_equal(STORE_OK, put(f, h[4], f->users[1], 100, 3, 0));
  for (int i = 0; i < 4; i++) {
    assert_int_equal(STORE_OK, put(f, h[i], f->users[0], 1000 + i, 3, 0));
  }
  /* the owner keeps its three most recent: the first is gone */
  assert_int_equal(STORE_NONE, user_of(f, h[0], 0, &user));
  for (int i = 1; i < 4; i++) {
    assert_int_equal(STORE_OK, user_of(f, h[i], 0, &user));
    assert_int_equal(f->users[0], user);
  }
  assert_int_equal(STORE_OK, user_of(f, h[4], 0, &user));
  assert_int_equal(f->users[1], user);
  /* using an old device again makes it recent, so the oldest of the others goes */
  assert_int_equal(STORE_OK, put(f, h[1], f->users[0], 2000, 3, 0));
  assert_int_equal(STORE_OK, put(f, h[0], f->users[0], 2001, 3, 0));
  assert_int_equal(STORE_NONE, user_of(f, h[2], 0, &user));
  assert_int_equal(STORE_OK, user_of(f, h[1], 0, &user));
  /* devices unused since before the cut-off are forgotten, whoever's they are */
  assert_int_equal(STORE_OK, put(f, h[0], f->users[0], 3000, 3, 1500));
  assert_int_equal(STORE_NONE, user_of(f, h[4], 0, &user));
  assert_int_equal(STORE_NONE, user_of(f, h[3], 0, &user));
  assert_int_equal(STORE_OK, user_of(f, h[1], 0, &user));
  assert_int_equal(STORE_OK, user_of(f, h[0], 0, &user));
}

/* store_login_device_others: the account's devices used since, but the one named. */
static int64_t others(struct fixture *f, int64_t user, const char *hash, int64_t used_since) {
  struct store_rd *rd = NULL;
  int64_t n = -1;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_login_device_others(rd, user, hash, used_since, &n));
  store_rd_end(rd);
  return n;
}

static void test_counts_the_other_devices(void **state) {
  struct fixture *f = *state;
  char a[65], b[65], c[65];
  hash_of(a, 'a');
  hash_of(b, 'b');
  hash_of(c, 'c');
  assert_int_equal(0, others(f, f->users[0], a, 0)); /* none yet */
  assert_int_equal(STORE_OK, put(f, a, f->users[0], 1000, 20, 0));
  assert_int_equal(STORE_OK, put(f, b, f->users[0], 2000, 20, 0));
  assert_int_equal(STORE_OK, put(f, c, f->users[1], 3000, 20, 0)); /* another account's */
  assert_int_equal(2, others(f, f->users[0], NULL, 0));
  assert_int_equal(2, others(f, f->users[0], c, 0));
  assert_int_equal(1, others(f, f->users[0], a, 0));       /* not itself */
  assert_int_equal(1, others(f, f->users[0], NULL, 1500)); /* a: too old */
  assert_int_equal(0, others(f, f->users[0], b, 1500));
  assert_int_equal(1, others(f, f->users[1], a, 0));
}

static void test_refuses_bad_arguments(void **state) {
  struct fixture *f = *state;
  char a[65];
  hash_of(a, 'a');
  assert_true(put(f, "pendek", f->users[0], 1000, 20, 0) < 0); /* CHECK: 64 characters */
  assert_true(put(f, NULL, f->users[0], 1000, 20, 0) < 0);
  assert_true(put(f, a, f->users[0], 1000, 0, 0) < 0);
  assert_true(put(f, a, 999999, 1000, 20, 0) < 0); /* no such account */
}

static int session_txn(struct store_tx *tx, void *arg) {
  return store_session_create(tx, arg);
}

static void test_sign_ins_by_last_use(void **state) {
  struct fixture *f = *state;
  char a[65], b[65];
  hash_of(a, 'a');
  hash_of(b, 'b');
  assert_int_equal(STORE_OK, put(f, a, f->users[0], 1000, 20, 0));
  assert_int_equal(STORE_OK, put(f, a, f->users[0], 3000, 20, 0)); /* moved: first 1000 */
  assert_int_equal(STORE_OK, put(f, b, f->users[1], 9000, 20, 0)); /* the other account's */
  struct store_session s[2];
  memset(s, 0, sizeof s);
  const char marks[2] = {'c', 'd'};
  const int64_t users[2] = {f->users[0], f->users[1]};
  for (int i = 0; i < 2; i++) {
    hash_of(s[i].token_hash, marks[i]);
    s[i].user_id = users[i];
    s[i].created_ms = 1500;
    s[i].last_seen_ms = 2000;
    s[i].expires_ms = 4000;
    s[i].absolute_expires_ms = 9000;
    assert_int_equal(STORE_OK, store_txn(f->t.s, session_txn, &s[i]));
  }
  struct store_rd *rd = NULL;
  struct store_sign_in *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_user_sign_ins(rd, &list, &n, f->users[0], 10));
  store_rd_end(rd);
  assert_int_equal(2, n);
  assert_string_equal("device", list[0].kind); /* last used at 3000 */
  assert_int_equal(1000, list[0].created_ms);
  assert_int_equal(3000, list[0].last_ms);
  assert_int_equal(0, list[0].expires_ms);
  assert_string_equal("session", list[1].kind);
  assert_int_equal(1500, list[1].created_ms);
  assert_int_equal(2000, list[1].last_ms);
  assert_int_equal(4000, list[1].expires_ms);
  free(list);
  /* the limit holds */
  list = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_user_sign_ins(rd, &list, &n, f->users[0], 1));
  store_rd_end(rd);
  assert_int_equal(1, n);
  assert_string_equal("device", list[0].kind);
  free(list);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_known_to_its_account_within_age, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_keeps_most_recent_and_purges_unused, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_counts_the_other_devices, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_refuses_bad_arguments, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_sign_ins_by_last_use, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
