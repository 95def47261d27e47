/*
 * FNV-1a 64 (ujikom/fnv.h): the reference values of draft-eastlake-fnv (public domain test
 * suite of the FNV authors), a hash continued in pieces equal to one over the whole, and the
 * string form stopping at the NUL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/fnv.h"

static void test_reference_values(void **state) {
  (void)state;
  assert_true(0xcbf29ce484222325ull == fnv1a64("", 0));
  assert_true(0xaf63dc4c8601ec8cull == fnv1a64("a", 1));
  assert_true(0x85944171f73967e8ull == fnv1a64("foobar", 6));
  assert_true(0x85944171f73967e8ull == fnv1a64_add_str(FNV1A64_OFFSET, "foobar"));
}

static void test_pieces_equal_the_whole(void **state) {
  (void)state;
  const char *text = "UJK-FSN-2026-000123-ABCDE";
  uint64_t whole = fnv1a64(text, strlen(text));
  for (size_t cut = 0; cut <= strlen(text); cut++) {
    uint64_t h = fnv1a64_add(FNV1A64_OFFSET, text, cut);
    assert_true(whole == fnv1a64_add_str(h, text + cut));
  }
  /* Bytes above 0x7f are taken unsigned by both forms ("é" in UTF-8; the value computed
   * apart). A char taken signed would be XORed in as 0xffffffffffffffc3. */
  const unsigned char e[] = {0xc3, 0xa9};
  assert_true(0x0ac21707b7181e01ull == fnv1a64(e, 2));
  assert_true(0x0ac21707b7181e01ull == fnv1a64_add_str(FNV1A64_OFFSET, "\xc3\xa9"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference_values),
      cmocka_unit_test(test_pieces_equal_the_whole),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
