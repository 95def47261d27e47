/*
 * A request's authentication reads the session and its user in one look-up: the same values
 * as the two separate look-ups (without the password hash), nothing for an unknown token,
 * and nothing once the session is deleted (logout) or every session of the user is
 * (logout everywhere); a disabled account is reported as disabled.
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

struct fixture {
  struct temp_store t;
  int64_t user;
};

static int make_txn(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int64_t now = store_tx_now_ms(tx);
  int rc = store_user_create(tx, &f->user, "sesi@contoh.id", "Made \"Sesi\" Wirawan",
                             ROLE_CANDIDATE, "$scrypt$rahasia");
  for (int i = 0; STORE_OK == rc && i < 2; i++) {
    struct store_session s = {.user_id = f->user,
                              .created_ms = now,
                              .last_seen_ms = now + i,
                              .expires_ms = now + 1000 + i,
                              .absolute_expires_ms = now + 5000};
    memcpy(s.token_hash, 0 == i ? hash_a : hash_b, sizeof s.token_hash);
    rc = store_session_create(tx, &s);
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "sessuser", NULL, make_txn);
}

static int get(struct fixture *f, const char *hash, struct store_session *s, struct store_user *u) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = store_session_user_get(rd, s, u, hash);
  store_rd_end(rd);
  return rc;
}

static int delete_one(struct store_tx *tx, void *arg) {
  (void)arg;
  return store_session_delete(tx, hash_a);
}

static int disable(struct store_tx *tx, void *arg) {
  return store_user_set_disabled(tx, *(int64_t *)arg, true);
}

static int delete_all(struct store_tx *tx, void *arg) {
  return store_session_delete_user(tx, *(int64_t *)arg, NULL);
}

static void test_session_and_user(void **state) {
  struct fixture *f = *state;
  struct store_session s, s2;
  struct store_user u, u2;
  struct store_rd *rd = NULL;

  assert_int_equal(STORE_OK, get(f, hash_b, &s, &u));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_session_get(rd, &s2, hash_b));
  assert_int_equal(STORE_OK, store_user_by_id(rd, &u2, f->user));
  store_rd_end(rd);
  assert_memory_equal(&s, &s2, sizeof s);
  assert_int_equal(u.id, u2.id);
  assert_string_equal(u.email, u2.email);
  assert_string_equal(u.name, u2.name);
  assert_int_equal(u.role, u2.role);
  assert_int_equal(u.disabled, u2.disabled);
  assert_int_equal(u.created_ms, u2.created_ms);
  assert_string_equal("", u.password_hash);

  assert_int_equal(STORE_NONE, get(f, "cccc", &s, &u));
  assert_int_equal(STORE_NONE, get(f, NULL, &s, &u));
  assert_int_equal(STORE_OK, store_txn(f->t.s, delete_one, NULL));
  assert_int_equal(STORE_NONE, get(f, hash_a, &s, &u));
  assert_int_equal(STORE_OK, get(f, hash_b, &s, &u));
  assert_int_equal(STORE_OK, store_txn(f->t.s, disable, &f->user));
  assert_int_equal(STORE_OK, get(f, hash_b, &s, &u));
  assert_true(u.disabled);
  assert_int_equal(STORE_OK, store_txn(f->t.s, delete_all, &f->user));
  assert_int_equal(STORE_NONE, get(f, hash_b, &s, &u));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_session_and_user, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
