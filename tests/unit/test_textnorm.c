/*
 * Short-answer normalisation: NFKC and case folding, white space (Unicode spaces too)
 * collapsed to single spaces and trimmed, invalid UTF-8 refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/exam_text.h"

static void expect(const char *in, const char *want) {
  char *got = NULL;
  assert_int_equal(exam_text_normalize(&got, in, strlen(in)), 0);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void test_normalizes(void **state) {
  (void)state;
  expect("  Hello\t World  ", "hello world");
  expect("a\xc2\xa0\xc2\xa0"
         "b",
         "a b");                                         /* no-break spaces */
  expect("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc"); /* full-width letters */
  expect("Stra\xc3\x9f"
         "e  \n\n Caf\xc3\xa9",
         "strasse caf\xc3\xa9");
  expect("", "");
  expect(" \t\r\n ", "");
  expect("x", "x");
}

static void test_refuses_invalid_utf8(void **state) {
  (void)state;
  char *got = NULL;
  assert_int_equal(exam_text_normalize(&got, "a\xff", 2), -1);
  assert_null(got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_normalizes),
      cmocka_unit_test(test_refuses_invalid_utf8),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
