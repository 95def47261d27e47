/*
 * Re-certification rules without a store: the reminder thresholds (--recert-remind-days)
 * read nearest first, with every malformed list refused; the window they give; whole days
 * left before an expiry, rounded up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "common/config.h"
#include "common/recert.h"

static void test_thresholds(void **state) {
  (void)state;
  struct recert_thresholds t;
  char err[160] = "";
  assert_int_equal(0, recert_thresholds_parse(&t, "90,30,7", err, sizeof err));
  assert_int_equal(3, t.n);
  assert_int_equal(7, t.days[0]);
  assert_int_equal(30, t.days[1]);
  assert_int_equal(90, t.days[2]);
  assert_int_equal(0, recert_thresholds_parse(&t, "3650", err, sizeof err));
  assert_int_equal(1, t.n);
  assert_int_equal(0, recert_thresholds_parse(&t, "", err, sizeof err));
  assert_int_equal(0, t.n);
  assert_int_equal(0, recert_thresholds_parse(&t, "1,2,3,4,5,6,7,8", err, sizeof err));
  assert_int_equal(8, t.n);
  assert_int_equal(8, t.days[7]);
}

static void test_thresholds_refused(void **state) {
  (void)state;
  static const char *const bad[] = {"0",
                                    "3651",
                                    "-1",
                                    "7,",
                                    ",7",
                                    "7,,30",
                                    "30,30",
                                    "7 ,30",
                                    " 7",
                                    "x",
                                    "1,2,3,4,5,6,7,8,9",
                                    "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct recert_thresholds t;
    char err[160] = "";
    if (0 == recert_thresholds_parse(&t, bad[i], err, sizeof err)) {
      fail_msg("'%s' was accepted", bad[i]);
    }
    assert_non_null(strstr(err, "--recert-remind-days"));
  }
}

static void test_window(void **state) {
  (void)state;
  struct config cfg;
  memset(&cfg, 0, sizeof cfg);
  snprintf(cfg.recert_remind_days, sizeof cfg.recert_remind_days, "%s", "7,120,30");
  assert_int_equal(120, recert_window_days(&cfg));
  cfg.recert_remind_days[0] = '\0';
  assert_int_equal(RECERT_DEFAULT_WINDOW_DAYS, recert_window_days(&cfg));
}

static void test_days_left(void **state) {
  (void)state;
  const int64_t day_ms = 86400 * (int64_t)1000;
  const int64_t expires_s = 2000000000;
  assert_int_equal(0, recert_days_left(expires_s, expires_s * 1000));
  assert_int_equal(0, recert_days_left(expires_s, expires_s * 1000 + 1));
  assert_int_equal(1, recert_days_left(expires_s, expires_s * 1000 - 1));
  assert_int_equal(1, recert_days_left(expires_s, expires_s * 1000 - day_ms));
  assert_int_equal(2, recert_days_left(expires_s, expires_s * 1000 - day_ms - 1));
  assert_int_equal(30, recert_days_left(expires_s, expires_s * 1000 - 30 * day_ms));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_thresholds),
      cmocka_unit_test(test_thresholds_refused),
      cmocka_unit_test(test_window),
      cmocka_unit_test(test_days_left),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
