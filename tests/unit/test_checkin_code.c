/*
 * Check-in codes: the shape of fresh codes (XXXX-XXXX-XXXX of Crockford's alphabet, all
 * different), the normaliser's rules (case, separators, O/I/L read as digits; anything else,
 * another length or too long an input refused) and the stored hash against a value computed
 * independently (Python hashlib).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/checkin_code.h"

static int cmp_str(const void *a, const void *b) {
  return strcmp((const char *)a, (const char *)b);
}

static void test_new_codes(void **state) {
  enum { N = 2000 };
  char(*codes)[CHECKIN_CODE_TEXT_SIZE] = calloc(N, sizeof *codes);
  (void)state;
  assert_non_null(codes);
  for (size_t i = 0; i < N; i++) {
    assert_int_equal(0, checkin_code_new(codes[i]));
    assert_int_equal(CHECKIN_CODE_TEXT_SIZE - 1, strlen(codes[i]));
    for (size_t k = 0; k < CHECKIN_CODE_TEXT_SIZE - 1; k++) {
      if (4 == k || 9 == k) {
        assert_int_equal('-', codes[i][k]);
      } else if (NULL == strchr(crockford_alphabet, codes[i][k])) {
        fail_msg("code %s has %c outside the alphabet", codes[i], codes[i][k]);
      }
    }
    char norm[CHECKIN_CODE_CHARS + 1];
    assert_true(checkin_code_normalize(norm, codes[i]));
    assert_int_equal(CHECKIN_CODE_CHARS, strlen(norm));
  }
  qsort(codes, N, sizeof *codes, cmp_str);
  for (size_t i = 1; i < N; i++) {
    if (0 == strcmp(codes[i - 1], codes[i])) {
      fail_msg("two of %d fresh codes are equal: %s", N, codes[i]);
    }
  }
  free(codes);
}

static void test_normalize(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } good[] = {
      {"0123-ABCD-EFGH", "0123ABCDEFGH"},   {"0123abcdefgh", "0123ABCDEFGH"},
      {" 0123 abcd efgh ", "0123ABCDEFGH"}, {"o123-abcd-efgh", "0123ABCDEFGH"},
      {"OIL0-ABCD-EFGH", "0110ABCDEFGH"},   {"ilo9_zzzz_xxxx", "1109ZZZZXXXX"},
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    char out[CHECKIN_CODE_CHARS + 1];
    if (!checkin_code_normalize(out, good[i].in)) {
      fail_msg("'%s' refused", good[i].in);
    }
    assert_string_equal(good[i].out, out);
  }
  static const char *const bad[] = {
      "",
      "0123-ABCD-EFG",   /* 11 */
      "0123-ABCD-EFGHJ", /* 13 */
      "0123-ABCD-EFGU",  /* U is not in the alphabet */
      "0123-ABCD-EF+H",
      "0123.ABCD.EFGH",
      "0123-ABCD-EFG\xc3\xa9",
      "0123                                                     ABCDEFGH", /* over 64 bytes */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char out[CHECKIN_CODE_CHARS + 1];
    memset(out, 'x', sizeof out);
    if (checkin_code_normalize(out, bad[i])) {
      fail_msg("'%s' accepted as %s", bad[i], out);
    }
    assert_string_equal("", out);
  }
  char out[CHECKIN_CODE_CHARS + 1];
  assert_false(checkin_code_normalize(out, NULL));
}

static void test_hash(void **state) {
  (void)state;
  char a[CHECKIN_CODE_HASH_LEN + 1], b[CHECKIN_CODE_HASH_LEN + 1];
  /* hashlib.sha256(b'0123ABCDEFGH').hexdigest() */
  assert_int_equal(0, checkin_code_hash(a, "0123-abcd-efgh"));
  assert_string_equal("241f781a6df23602adfad0ecb0e66a892e7c1db4d81066c1c687003797b3e36d", a);
  assert_int_equal(0, checkin_code_hash(b, "O123 ABCD EFGH"));
  assert_string_equal(a, b);
  assert_int_equal(-1, checkin_code_hash(b, "0123-ABCD-EFGU"));
  assert_string_equal("", b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_codes),
      cmocka_unit_test(test_normalize),
      cmocka_unit_test(test_hash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
