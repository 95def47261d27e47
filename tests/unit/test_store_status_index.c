/*
 * Status list indexes in the register (migration 0036), on both backends: an index may lie
 * anywhere below 16,777,216 (the lists grow past their first 131,072 entries), never at or
 * beyond it, never twice; the highest index given is read in one look-up, -1 when no
 * certificate has one.
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

static const char version[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct seed {
  int64_t user_id;
};

static int tx_user(struct store_tx *tx, void *arg) {
  struct seed *s = arg;
  int rc = store_user_create(tx, &s->user_id, "sekar@contoh.test", "Sekar Ayu", ROLE_CANDIDATE,
                             "$scrypt$test");
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv-uji.exam.yaml", "format: 1\n", 10);
  }
  return rc;
}

struct cert_tx {
  int64_t user_id;
  int n;
  bool has_index;
  int64_t index;
};

/* A certificate of an attempt of its own (one live certificate per attempt), numbered n,
 * with the given status index or none. */
static int tx_cert(struct store_tx *tx, void *arg) {
  struct cert_tx *a = arg;
  struct store_cert c;
  memset(&c, 0, sizeof c);
  snprintf(c.serial, sizeof c.serial, "UJK-AAAA-BBBB-CCCC-DDDD-%d", a->n);
  snprintf(c.holder, sizeof c.holder, "Sekar Ayu");
  c.user_id = a->user_id;
  c.has_status_index = a->has_index;
  c.status_index = a->index;
  return temp_store_certified(tx, &c, version);
}

static int insert(struct store *s, int64_t user_id, int n, bool has_index, int64_t index) {
  struct cert_tx a = {user_id, n, has_index, index};
  return store_txn(s, tx_cert, &a);
}

static int64_t highest(struct store *s) {
  struct store_rd *rd = NULL;
  int64_t v = -2;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_cert_status_index_max(rd, &v));
  store_rd_end(rd);
  return v;
}

static int used(struct store *s, int64_t index) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  int rc = store_cert_status_index_used(rd, index);
  store_rd_end(rd);
  return rc;
}

static void test_indexes(void **state) {
  struct temp_store *t = *state;
  struct seed s = {0};
  assert_int_equal(STORE_OK, store_txn(t->s, tx_user, &s));
  assert_int_equal(-1, highest(t->s)); /* an empty register */
  assert_int_equal(STORE_OK, insert(t->s, s.user_id, 1, false, 0));
  assert_int_equal(-1, highest(t->s)); /* a certificate issued without an index */
  assert_int_equal(STORE_OK, insert(t->s, s.user_id, 2, true, 4242));
  assert_int_equal(4242, highest(t->s));
  /* Beyond the first list (refused before migration 0036), up to the last index. */
  assert_int_equal(STORE_OK, insert(t->s, s.user_id, 3, true, 131072));
  assert_int_equal(131072, highest(t->s));
  assert_int_equal(STORE_OK, insert(t->s, s.user_id, 4, true, 16777215));
  assert_int_equal(16777215, highest(t->s));
  assert_int_equal(STORE_OK, used(t->s, 131072));
  assert_int_equal(STORE_OK, used(t->s, 16777215));
  assert_int_equal(STORE_NONE, used(t->s, 131073));
  /* Never beyond the longest list, never negative, never twice: nothing is written. */
  assert_true(STORE_OK != insert(t->s, s.user_id, 5, true, 16777216));
  assert_true(STORE_OK != insert(t->s, s.user_id, 6, true, -1));
  assert_true(STORE_OK != insert(t->s, s.user_id, 7, true, 131072));
  assert_int_equal(16777215, highest(t->s));
  assert_int_equal(STORE_NONE, used(t->s, 16777216));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_indexes, temp_store_setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
