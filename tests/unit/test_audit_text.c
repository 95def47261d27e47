/*
 * Tests of recording a change in the audit log (common/audit_text.c): the subject names the
 * record, before and after are compact JSON with sorted keys, a new record has nothing
 * before it, and a state that could not be built records nothing at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit_text.h"
#include "store/store.h"
#include "test_store_fixture.h"

struct fixture {
  struct temp_store t;
};

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "audit-text", NULL, NULL);
}

static int tx_change(struct store_tx *tx, void *ctx) {
  (void)ctx;
  return audit_change(
      tx, 7, "attempt.extra_time", "attempt", 42,
      json_pack("{s:I}", "deadline_at", (json_int_t)1000),
      json_pack("{s:s, s:I}", "reason", "power cut", "deadline_at", (json_int_t)2000));
}

static int tx_creation(struct store_tx *tx, void *ctx) {
  (void)ctx;
  return audit_creation(tx, 9, "appeal.create", "attempt", 5, json_pack("{s:s}", "status", "open"));
}

static int tx_missing_before(struct store_tx *tx, void *ctx) {
  (void)ctx;
  return audit_change(tx, 7, "user.disable", "user", 3, NULL, json_pack("{s:b}", "disabled", 1));
}

/* The newest entry of the log. */
static void newest(struct fixture *f, struct store_audit_entry **list, size_t *n) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_audit_list(rd, list, n, NULL, 0, 1));
  store_rd_end(rd);
}

static void test_change_is_recorded_with_sorted_states(void **state) {
  struct fixture *f = *state;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_change, NULL));
  newest(f, &list, &n);
  assert_int_equal(1, n);
  assert_int_equal(7, list[0].actor);
  assert_string_equal("attempt.extra_time", list[0].action);
  assert_string_equal("attempt:42", list[0].subject);
  assert_string_equal("{\"deadline_at\":1000}", list[0].before);
  assert_string_equal("{\"deadline_at\":2000,\"reason\":\"power cut\"}", list[0].after);
  store_audit_list_free(list, n);
}

static void test_creation_has_nothing_before(void **state) {
  struct fixture *f = *state;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_creation, NULL));
  newest(f, &list, &n);
  assert_int_equal(1, n);
  assert_string_equal("attempt:5", list[0].subject);
  assert_null(list[0].before);
  assert_string_equal("{\"status\":\"open\"}", list[0].after);
  store_audit_list_free(list, n);
}

static void test_missing_state_records_nothing(void **state) {
  struct fixture *f = *state;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_HARD, store_txn(f->t.s, tx_missing_before, NULL));
  newest(f, &list, &n);
  assert_int_equal(0, n);
  store_audit_list_free(list, n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_change_is_recorded_with_sorted_states, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_creation_has_nothing_before, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_missing_state_records_nothing, setup,
                                      temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
