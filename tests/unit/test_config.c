/*
 * Where the database lives: the one function the daemon and every CLI command ask, and the
 * one clock every layer reads (both are small enough to share a test file).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/config.h"
#include "ujikom/clock.h"

static void test_db_path(void **state) {
  (void)state;
  char out[64];
  assert_ptr_equal(out, config_db_path(out, sizeof out, "var"));
  assert_string_equal("var/ujikom.db", out);
  assert_string_equal("/srv/ujikom/data/ujikom.db",
                      config_db_path(out, sizeof out, "/srv/ujikom/data"));
  char small[8];
  assert_string_equal("var/uji", config_db_path(small, sizeof small, "var")); /* as snprintf */
}

static void test_clock(void **state) {
  (void)state;
  int64_t wall = clock_wall_ms(), secs = clock_wall_s();
  assert_true(wall > INT64_C(1700000000000)); /* after November 2023 */
  assert_true(secs >= wall / 1000 && secs <= wall / 1000 + 1);
  int64_t m1 = clock_mono_ms(), m2 = clock_mono_ms();
  assert_true(m2 >= m1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_db_path),
      cmocka_unit_test(test_clock),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
