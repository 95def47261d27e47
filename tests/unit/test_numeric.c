/*
 * Numbers as people type them (ujikom/numeric.h): Indonesian and English separators, the
 * thousands group that only a whole-number item may read, the refusals with their reasons,
 * and numeric_format's text reading back as the same value in any item.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/numeric.h"

struct case_ {
  const char *text;
  bool whole;
  enum numeric_rc rc;
  double value;
};

static const struct case_ cases[] = {
    /* The issue's own examples. */
    {"30.000", true, NUMERIC_OK, 30000},
    {"2,5", false, NUMERIC_OK, 2.5},
    {"1.234,5", false, NUMERIC_OK, 1234.5},
    {"tiga puluh ribu", true, NUMERIC_NOT_DIGITS, 0},
    /* Indonesian. */
    {"1.234.567", false, NUMERIC_OK, 1234567},
    {"1.234.567,89", false, NUMERIC_OK, 1234567.89},
    {"0,125", false, NUMERIC_OK, 0.125},
    {",5", false, NUMERIC_OK, 0.5},
    {"-2,5", false, NUMERIC_OK, -2.5},
    {"\xe2\x88\x92"
     "2,5",
     false, NUMERIC_OK, -2.5},
    {"+7", true, NUMERIC_OK, 7},
    {"  42\t", true, NUMERIC_OK, 42},
    {"30000", true, NUMERIC_OK, 30000},
    {"1234,567", false, NUMERIC_OK, 1234.567}, /* four digits before: no thousands group */
    /* English where it cannot be mistaken. */
    {"2.5", false, NUMERIC_OK, 2.5},
    {"1,234.5", false, NUMERIC_OK, 1234.5},
    {"1,234,567", true, NUMERIC_OK, 1234567},
    {"0.125", false, NUMERIC_OK, 0.125},
    {"12.50", false, NUMERIC_OK, 12.5},
    /* A lone separator before exactly three digits. */
    {"30,000", true, NUMERIC_OK, 30000},
    {"1.234", true, NUMERIC_OK, 1234},
    {"1.234", false, NUMERIC_AMBIGUOUS, 0},
    {"1,234", false, NUMERIC_AMBIGUOUS, 0},
    {"30.000", false, NUMERIC_AMBIGUOUS, 0},
    {"1,2340", false, NUMERIC_OK, 1.234},
    {"1234,0", false, NUMERIC_OK, 1234},
    /* Refused. */
    {"", true, NUMERIC_EMPTY, 0},
    {"   ", true, NUMERIC_EMPTY, 0},
    {"-", true, NUMERIC_NOT_DIGITS, 0},
    {".", true, NUMERIC_NOT_DIGITS, 0},
    {"1e5", true, NUMERIC_NOT_DIGITS, 0},
    {"12 cm", true, NUMERIC_SEPARATORS, 0},
    {"30 000", true, NUMERIC_SEPARATORS, 0},
    {"Rp30.000", true, NUMERIC_NOT_DIGITS, 0},
    {"5,", true, NUMERIC_SEPARATORS, 0},
    {"1.2.3", true, NUMERIC_SEPARATORS, 0},
    {"1..234", true, NUMERIC_SEPARATORS, 0},
    {"12.34.567", true, NUMERIC_SEPARATORS, 0},
    {"1.234,5,6", false, NUMERIC_SEPARATORS, 0},
    {"1,5.3", false, NUMERIC_SEPARATORS, 0},
    {"1.23,5", false, NUMERIC_SEPARATORS, 0},
    {"--5", true, NUMERIC_NOT_DIGITS, 0},
    {"1234567890123456", true, NUMERIC_TOO_LONG, 0},
    {"123456789012345", true, NUMERIC_OK, 123456789012345.0},
    {"0,000000000000000000001", false, NUMERIC_OK, 1e-21},
    {"1,50000000000000000000", false, NUMERIC_OK, 1.5}, /* trailing zeros are not digits lost */
};

static void test_cases(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct case_ *c = &cases[i];
    double v = -999.0;
    enum numeric_rc rc = numeric_parse(&v, c->text, strlen(c->text), c->whole);
    if (rc != c->rc) {
      fail_msg("\"%s\" (whole %d): %s, expected %s", c->text, c->whole, numeric_rc_name(rc),
               numeric_rc_name(c->rc));
    }
    if (NUMERIC_OK == rc && v != c->value) {
      fail_msg("\"%s\": %.17g, expected %.17g", c->text, v, c->value);
    }
    if (NUMERIC_OK != rc && -999.0 != v) {
      fail_msg("\"%s\": refused, but the output was written", c->text);
    }
  }
}

static void test_limits(void **state) {
  (void)state;
  char long_text[NUMERIC_MAX_TEXT + 2];
  memset(long_text, ' ', sizeof long_text);
  long_text[0] = '1';
  double v = 0;
  assert_int_equal(NUMERIC_TOO_LONG, numeric_parse(&v, long_text, sizeof long_text, true));
  assert_int_equal(NUMERIC_OK, numeric_parse(&v, long_text, NUMERIC_MAX_TEXT, true));
  assert_true(1.0 == v);
  assert_int_equal(NUMERIC_EMPTY, numeric_parse(&v, NULL, 0, true));
  /* A NUL inside is not a digit. */
  assert_int_equal(NUMERIC_NOT_DIGITS, numeric_parse(&v, "1\0002", 3, true));
  assert_int_equal(NUMERIC_OK, numeric_parse(&v, "-0", 2, true));
  assert_false(signbit(v)); /* no negative zero */
}

static void test_format_round_trip(void **state) {
  (void)state;
  static const double values[] = {
      0,     2.5,    -2.5,   1.234, 12.345,  123.456,           1234.5, 30000,
      0.125, -0.125, 0.0001, 0.1,   999.999, 123456789012345.0, -1.234, 1000.001};
  char text[64];
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    for (int comma = 0; comma < 2; comma++) {
      for (int whole = 0; whole < 2; whole++) {
        size_t n = numeric_format(text, sizeof text, values[i], comma);
        double v = -999.0;
        if (0 == n || NUMERIC_OK != numeric_parse(&v, text, n, whole) || v != values[i]) {
          fail_msg("%.17g as \"%s\" (comma %d, whole %d) reads as %.17g", values[i], text, comma,
                   whole, v);
        }
      }
    }
  }
  assert_true(numeric_format(text, sizeof text, 2.5, true) > 0);
  assert_string_equal("2,5", text);
  assert_true(numeric_format(text, sizeof text, 1.234, true) > 0);
  assert_string_equal("1,2340", text);
  assert_true(numeric_format(text, sizeof text, 30000, true) > 0);
  assert_string_equal("30000", text);
  assert_int_equal(0, numeric_format(text, 3, 1234.5, false));          /* does not fit */
  assert_int_equal(0, numeric_format(text, sizeof text, 1e300, false)); /* no exponents */
  assert_int_equal(0, numeric_format(text, sizeof text, 1e-7, false));
}

static void test_names(void **state) {
  (void)state;
  assert_string_equal("ambiguous", numeric_rc_name(NUMERIC_AMBIGUOUS));
  assert_string_equal("not_digits", numeric_rc_name(NUMERIC_NOT_DIGITS));
  assert_non_null(strstr(numeric_rc_message(NUMERIC_AMBIGUOUS), "thousands"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cases),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_format_round_trip),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
