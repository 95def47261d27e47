/*
 * The attempts part of the store: exam source snapshots, one open attempt per candidate and
 * exam, idempotent answer saves that stop once the attempt is finished, finishing exactly
 * once, results, deadline extension and the overdue query.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "test_store_fixture.h"

struct fx {
  struct temp_store t;
  int64_t user;
  int64_t other;
};

static int mk_users(struct store_tx *tx, void *arg) {
  struct fx *fx = arg;
  int rc = store_user_create(tx, &fx->user, "asesi@contoh.test", "Asesi", ROLE_CANDIDATE, "x");
  if (STORE_OK != rc) {
    return rc;
  }
  return store_user_create(tx, &fx->other, "lain@contoh.test", "Lain", ROLE_CANDIDATE, "x");
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fx), "exam-store", NULL, mk_users);
}

static const char version[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

struct op {
  struct fx *fx;
  int64_t id;
  int64_t user;
  int64_t deadline;
  const char *item;
  const char *value;
  enum attempt_status status;
  enum verdict verdict;
  int64_t extra;
};

static int op_start(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  int rc = store_exam_source_put(tx, version, "TST-EXAM", "tst.exam.yaml", "format: 1\n", 10);
  if (STORE_OK != rc) {
    return rc;
  }
  return store_attempt_create(tx, &o->id, o->user, "TST-EXAM", version, "{\"form\":1}",
                              o->deadline);
}

static int op_save(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_answer_put(tx, o->id, o->item, o->value, 1000);
}

static int op_finish(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_attempt_finish(tx, o->id, o->status, 5000, o->verdict, "{\"units\":[]}");
}

static int op_result(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_attempt_set_result(tx, o->id, o->verdict, "{\"units\":[1]}");
}

static int op_extend(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  return store_attempt_extend_deadline(tx, o->id, o->extra);
}

static void test_attempt_life(void **state) {
  struct fx *fx = *state;
  struct op o = {
      .fx = fx, .user = fx->user, .deadline = INT64_C(4102444800000) + 1, .verdict = VERDICT_NONE};
  assert_int_equal(store_txn(fx->t.s, op_start, &o), STORE_OK);
  int64_t first = o.id;
  assert_true(first > 0);
  /* A second open attempt at the same exam is refused by the unique index. */
  assert_int_equal(store_txn(fx->t.s, op_start, &o), STORE_EXISTS);
  /* Another candidate may start the same exam. */
  struct op other = {
      .fx = fx, .user = fx->other, .deadline = INT64_C(4102444800000) - 1, .verdict = VERDICT_NONE};
  assert_int_equal(store_txn(fx->t.s, op_start, &other), STORE_OK);

  /* Saving twice replaces the value. */
  o.id = first;
  o.item = "Q1";
  o.value = "\"a\"";
  assert_int_equal(store_txn(fx->t.s, op_save, &o), STORE_OK);
  o.value = "\"b\"";
  assert_int_equal(store_txn(fx->t.s, op_save, &o), STORE_OK);
  o.item = "Q2";
  o.value = "[\"a\",\"c\"]";
  assert_int_equal(store_txn(fx->t.s, op_save, &o), STORE_OK);

  struct store_rd *rd = NULL;
  struct store_answer *ans = NULL;
  size_t n = 0;
  assert_int_equal(store_rd_begin(fx->t.s, &rd), STORE_OK);
  assert_int_equal(store_answers_get(rd, &ans, &n, first), STORE_OK);
  assert_int_equal(n, 2);
  assert_string_equal(ans[0].item_id, "Q1");
  assert_string_equal(ans[0].value, "\"b\"");
  assert_string_equal(ans[1].value, "[\"a\",\"c\"]");
  store_answers_free(ans, n);

  struct store_attempt a;
  assert_int_equal(store_attempt_get(rd, &a, first), STORE_OK);
  assert_int_equal(a.status, ATTEMPT_OPEN);
  assert_int_equal(a.verdict, VERDICT_NONE);
  assert_string_equal(a.form, "{\"form\":1}");
  assert_null(a.result);
  assert_int_equal(a.user_id, fx->user);
  store_attempt_clear(&a);
  assert_int_equal(store_attempt_open_for(rd, &a, fx->user, "TST-EXAM"), STORE_OK);
  assert_int_equal(a.id, first);
  assert_int_equal(store_attempt_get(rd, &a, 999999), STORE_NONE);

  char *src = NULL, file[64];
  size_t len = 0;
  assert_int_equal(store_exam_source_get(rd, &src, &len, file, sizeof(file), version), STORE_OK);
  assert_int_equal(len, 10);
  assert_string_equal(src, "format: 1\n");
  assert_string_equal(file, "tst.exam.yaml");
  free(src);

  /* Only the other candidate's attempt has a deadline before the cut-off. */
  int64_t ids[8];
  assert_int_equal(store_attempts_overdue(rd, ids, 8, &n, INT64_C(4102444800000)), STORE_OK);
  assert_int_equal(n, 1);
  assert_int_equal(ids[0], other.id);
  store_rd_end(rd);

  /* Extend the deadline of an open attempt; then finish once. */
  o.extra = 60000;
  assert_int_equal(store_txn(fx->t.s, op_extend, &o), STORE_OK);
  o.status = ATTEMPT_SUBMITTED;
  o.verdict = VERDICT_PENDING;
  assert_int_equal(store_txn(fx->t.s, op_finish, &o), STORE_OK);
  assert_int_equal(store_txn(fx->t.s, op_finish, &o), STORE_CONFLICT);
  /* Finished: no more answers, no more extra time. */
  o.item = "Q1";
  o.value = "\"c\"";
  assert_int_equal(store_txn(fx->t.s, op_save, &o), STORE_CONFLICT);
  assert_int_equal(store_txn(fx->t.s, op_extend, &o), STORE_CONFLICT);
  /* An assessor's decision replaces the verdict. */
  o.verdict = VERDICT_K;
  assert_int_equal(store_txn(fx->t.s, op_result, &o), STORE_OK);
  /* Unknown ids. */
  struct op none = {.fx = fx,
                    .id = 999999,
                    .item = "Q1",
                    .value = "1",
                    .status = ATTEMPT_CLOSED,
                    .verdict = VERDICT_BK,
                    .extra = 1};
  assert_int_equal(store_txn(fx->t.s, op_save, &none), STORE_NONE);
  assert_int_equal(store_txn(fx->t.s, op_finish, &none), STORE_NONE);
  assert_int_equal(store_txn(fx->t.s, op_result, &none), STORE_NONE);
  assert_int_equal(store_txn(fx->t.s, op_extend, &none), STORE_NONE);
  /* The decision on an open attempt is refused. */
  assert_int_equal(store_txn(fx->t.s, op_result, &other), STORE_HARD); /* no verdict */
  other.verdict = VERDICT_BK;
  assert_int_equal(store_txn(fx->t.s, op_result, &other), STORE_CONFLICT);

  assert_int_equal(store_rd_begin(fx->t.s, &rd), STORE_OK);
  assert_int_equal(store_attempt_get(rd, &a, first), STORE_OK);
  assert_int_equal(a.status, ATTEMPT_SUBMITTED);
  assert_int_equal(a.verdict, VERDICT_K);
  assert_true(a.decided_ms > 0);
  assert_int_equal(a.finished_ms, 5000);
  assert_int_equal(a.deadline_ms, INT64_C(4102444800000) + 1 + 60000);
  assert_string_equal(a.result, "{\"units\":[1]}");
  store_attempt_clear(&a);
  assert_int_equal(store_attempt_open_for(rd, &a, fx->user, "TST-EXAM"), STORE_NONE);

  /* Now a new attempt may start; the list is newest first. */
  store_rd_end(rd);
  assert_int_equal(store_txn(fx->t.s, op_start, &o), STORE_OK);
  struct store_attempt *list = NULL;
  assert_int_equal(store_rd_begin(fx->t.s, &rd), STORE_OK);
  assert_int_equal(store_attempt_list_user(rd, &list, &n, fx->user, "TST-EXAM", 10), STORE_OK);
  assert_int_equal(n, 2);
  assert_int_equal(list[0].id, o.id);
  assert_int_equal(list[1].id, first);
  assert_null(list[0].form);
  store_attempt_list_free(list, n);
  assert_int_equal(store_attempt_list_user(rd, &list, &n, fx->user, "OTHER", 10), STORE_OK);
  assert_int_equal(n, 0);
  store_attempt_list_free(list, n);
  store_rd_end(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_attempt_life, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
