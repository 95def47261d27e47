/*
 * The domain states' name/parse pairs: every value survives a round trip through its name,
 * the names are the stored ones, and unknown text (wrong case, empty, NULL) is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ujikom/states.h"

static void verdict_round_trip(void **state) {
  (void)state;
  static const enum verdict all[] = {VERDICT_K, VERDICT_BK, VERDICT_PENDING, VERDICT_NONE};
  static const char *const names[] = {"K", "BK", "PENDING", ""};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    enum verdict v = VERDICT_K;
    assert_string_equal(verdict_name(all[i]), names[i]);
    assert_true(verdict_parse(verdict_name(all[i]), &v));
    assert_int_equal(v, all[i]);
  }
  enum verdict v = VERDICT_BK;
  assert_false(verdict_parse("k", &v));
  assert_false(verdict_parse("KB", &v));
  assert_false(verdict_parse("PENDING ", &v));
  assert_false(verdict_parse(NULL, &v));
  assert_int_equal(v, VERDICT_BK);
}

static void attempt_status_round_trip(void **state) {
  (void)state;
  static const enum attempt_status all[] = {ATTEMPT_OPEN, ATTEMPT_SUBMITTED, ATTEMPT_CLOSED};
  static const char *const names[] = {"open", "submitted", "closed"};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    enum attempt_status s = ATTEMPT_OPEN;
    assert_string_equal(attempt_status_name(all[i]), names[i]);
    assert_true(attempt_status_parse(names[i], &s));
    assert_int_equal(s, all[i]);
  }
  enum attempt_status s = ATTEMPT_CLOSED;
  assert_false(attempt_status_parse("Open", &s));
  assert_false(attempt_status_parse("", &s));
  assert_false(attempt_status_parse("decided", &s));
  assert_false(attempt_status_parse(NULL, &s));
  assert_int_equal(s, ATTEMPT_CLOSED);
}

static void role_round_trip(void **state) {
  (void)state;
  static const enum role all[] = {ROLE_CANDIDATE, ROLE_ASSESSOR, ROLE_ADMIN};
  static const char *const names[] = {"candidate", "assessor", "admin"};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    enum role r = ROLE_ANON;
    assert_string_equal(role_name(all[i]), names[i]);
    assert_true(role_parse(names[i], &r));
    assert_int_equal(r, all[i]);
  }
  enum role r = ROLE_ADMIN;
  assert_string_equal(role_name(ROLE_ANON), "anonymous");
  assert_false(role_parse("anonymous", &r));
  assert_false(role_parse("anon", &r));
  assert_false(role_parse("Admin", &r));
  assert_false(role_parse("", &r));
  assert_false(role_parse(NULL, &r));
  assert_int_equal(r, ROLE_ADMIN);
}

static void appeal_status_round_trip(void **state) {
  (void)state;
  static const enum appeal_status all[] = {APPEAL_OPEN, APPEAL_ASSIGNED, APPEAL_DECIDED};
  static const char *const names[] = {"open", "assigned", "decided"};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    enum appeal_status s = APPEAL_OPEN;
    assert_string_equal(appeal_status_name(all[i]), names[i]);
    assert_true(appeal_status_parse(names[i], &s));
    assert_int_equal(s, all[i]);
  }
  enum appeal_status s = APPEAL_DECIDED;
  assert_false(appeal_status_parse("closed", &s));
  assert_false(appeal_status_parse("", &s));
  assert_false(appeal_status_parse(NULL, &s));
  assert_int_equal(s, APPEAL_DECIDED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(verdict_round_trip),
      cmocka_unit_test(attempt_status_round_trip),
      cmocka_unit_test(role_round_trip),
      cmocka_unit_test(appeal_status_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
