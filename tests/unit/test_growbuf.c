/*
 * The core's growable buffer: appends keep the text NUL-terminated, the buffer grows past
 * its first allocation, a write past the cap fails the buffer for good (later writes are
 * ignored) and taking a failed buffer gives NULL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/growbuf.h"

static void test_appends_and_takes(void **state) {
  (void)state;
  struct growbuf b = {.max = 1024};
  assert_int_equal(growbuf_str(&b, "ab"), 0);
  assert_int_equal(growbuf_char(&b, 'c'), 0);
  assert_int_equal(growbuf_fmt(&b, "-%d-", 42), 0);
  assert_int_equal(growbuf_add(&b, "xyz", 2), 0);
  assert_string_equal(b.p, "abc-42-xy");
  for (int i = 0; i < 100; i++) { /* past the first allocation */
    assert_int_equal(growbuf_str(&b, "0123456789"), 0);
  }
  assert_int_equal(b.len, 9 + 1000);
  assert_true(b.cap <= b.max);
  size_t len = 0;
  char *text = growbuf_take(&b, &len);
  assert_non_null(text);
  assert_int_equal(len, 1009);
  assert_int_equal(strlen(text), 1009);
  assert_null(b.p);
  assert_int_equal(b.len, 0);
  free(text);
  /* Nothing written: the empty text, not NULL. */
  struct growbuf empty = {.max = 16};
  text = growbuf_take(&empty, &len);
  assert_string_equal(text, "");
  assert_int_equal(len, 0);
  free(text);
}

static void test_cap_fails_for_good(void **state) {
  (void)state;
  struct growbuf b = {.max = 8}; /* seven bytes and the NUL */
  assert_int_equal(growbuf_str(&b, "1234567"), 0);
  assert_int_equal(growbuf_char(&b, '8'), -1);
  assert_true(b.failed);
  assert_int_equal(growbuf_add(&b, "", 0), -1);
  assert_int_equal(growbuf_fmt(&b, "%d", 1), -1);
  assert_int_equal(b.len, 7);
  size_t len = 99;
  assert_null(growbuf_take(&b, &len));
  assert_int_equal(len, 0);
  /* A buffer declared without its cap fails at once rather than growing without one. */
  struct growbuf unset = {0};
  assert_int_equal(growbuf_str(&unset, "a"), -1);
  assert_null(growbuf_take(&unset, NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_appends_and_takes),
      cmocka_unit_test(test_cap_fails_for_good),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
