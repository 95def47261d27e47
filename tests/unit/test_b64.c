/*
 * The RFC 4648 codecs: the test vectors of RFC 4648 section 10 (written without padding, as
 * every codec here writes), both base64 alphabets, round trips of every length, and the strict
 * decoder's refusals (padding, whitespace, foreign alphabet, impossible lengths, non-canonical
 * trailing bits, too small a buffer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/b64.h"

struct vector {
  const char *plain, *b64, *b32, *padded;
};

/* RFC 4648 section 10, with padding (padded) and without (the others). */
static const struct vector vectors[] = {
    {"", "", "", ""},
    {"f", "Zg", "MY", "Zg=="},
    {"fo", "Zm8", "MZXQ", "Zm8="},
    {"foo", "Zm9v", "MZXW6", "Zm9v"},
    {"foob", "Zm9vYg", "MZXW6YQ", "Zm9vYg=="},
    {"fooba", "Zm9vYmE", "MZXW6YTB", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy", "MZXW6YTBOI", "Zm9vYmFy"},
};

static void check_vector(const char *plain, const char *text, enum b64_alphabet a) {
  char out[64];
  unsigned char back[64];
  size_t len = strlen(plain);
  memset(out, 'x', sizeof out);
  assert_int_equal(strlen(text), b64_encoded_len(len, a));
  assert_int_equal(strlen(text), b64_encode(out, sizeof out, plain, len, a));
  assert_string_equal(text, out);
  long n = b64_decode(back, sizeof back, text, strlen(text), a);
  assert_int_equal((long)len, n);
  assert_memory_equal(plain, back, len);
}

static void test_rfc4648_vectors(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    check_vector(vectors[i].plain, vectors[i].b64, B64_STD);
    check_vector(vectors[i].plain, vectors[i].b64, B64_URL); /* no 62/63 in these */
    check_vector(vectors[i].plain, vectors[i].b32, B64_BASE32);
    check_vector(vectors[i].plain, vectors[i].padded, B64_STD_PADDED);
  }
}

static void test_alphabets_differ_in_62_63(void **state) {
  (void)state;
  static const unsigned char bytes[] = {0xfb, 0xff, 0xbf};
  char out[8];
  unsigned char back[8];
  assert_int_equal(4, b64_encode(out, sizeof out, bytes, sizeof bytes, B64_STD));
  assert_string_equal("+/+/", out);
  assert_int_equal(4, b64_encode(out, sizeof out, bytes, sizeof bytes, B64_URL));
  assert_string_equal("-_-_", out);
  assert_int_equal(-1, b64_decode(back, sizeof back, "+/+/", 4, B64_URL));
  assert_int_equal(-1, b64_decode(back, sizeof back, "-_-_", 4, B64_STD));
  assert_int_equal(3, b64_decode(back, sizeof back, "-_-_", 4, B64_URL));
  assert_memory_equal(bytes, back, 3);
  /* base32 is read in either case, written in upper case */
  assert_int_equal(6, b64_decode(back, sizeof back, "mzxw6ytboi", 10, B64_BASE32));
  assert_memory_equal("foobar", back, 6);
}

static void test_round_trip_every_length(void **state) {
  (void)state;
  unsigned char in[70], back[70];
  char text[128];
  for (size_t i = 0; i < sizeof in; i++) {
    in[i] = (unsigned char)(i * 37 + 11);
  }
  static const enum b64_alphabet all[] = {B64_STD, B64_URL, B64_BASE32, B64_STD_PADDED,
                                          B64_BASE32_STRICT};
  for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
    for (size_t len = 0; len <= sizeof in; len++) {
      size_t n = b64_encode(text, sizeof text, in, len, all[k]);
      assert_int_equal(b64_encoded_len(len, all[k]), n);
      assert_int_equal((long)len, b64_decode(back, sizeof back, text, n, all[k]));
      assert_memory_equal(in, back, len);
    }
  }
}

static void test_strict_refusals(void **state) {
  (void)state;
  unsigned char back[16];
  /* padding; a lone character holds no byte; non-zero trailing bits ("Zh" is not "f"); an
   * impossible length; whitespace; characters of no alphabet */
  static const char *const bad64[] = {"Zg==",  "Zm8=",   "Z",    "Zh",      "Zm9vY",
                                      "Zm 9v", "Zm9v\n", "Zm.9", "\xc3\xa9"};
  for (size_t i = 0; i < sizeof bad64 / sizeof bad64[0]; i++) {
    if (b64_decode(back, sizeof back, bad64[i], strlen(bad64[i]), B64_STD) >= 0) {
      fail_msg("base64 accepted \"%s\"", bad64[i]);
    }
  }
  static const char *const bad32[] = {"MZ", "M", "MZX", "MY======", "MZXW6YQ1", "MZXW60", "MZ XW"};
  for (size_t i = 0; i < sizeof bad32 / sizeof bad32[0]; i++) {
    if (b64_decode(back, sizeof back, bad32[i], strlen(bad32[i]), B64_BASE32) >= 0) {
      fail_msg("base32 accepted \"%s\"", bad32[i]);
    }
  }
  /* padding: whole groups of four, '=' only at the end, canonical bits before it */
  static const char *const bad_padded[] = {
      "Zg", "Zg=", "Zg=a", "Z===", "====", "Zh==", "Zm9=", "Zg==Zg==", "Zm9v\n"};
  for (size_t i = 0; i < sizeof bad_padded / sizeof bad_padded[0]; i++) {
    if (b64_decode(back, sizeof back, bad_padded[i], strlen(bad_padded[i]), B64_STD_PADDED) >= 0) {
      fail_msg("padded base64 accepted \"%s\"", bad_padded[i]);
    }
  }
  /* strict base32: upper case only, no padding or exactly the padding the length needs */
  static const char *const bad32s[] = {
      "mzxw6ytb", "MY=====", "MY=======", "MZXW6YTB========", "MY==MY==", "=", "========", "MZ"};
  for (size_t i = 0; i < sizeof bad32s / sizeof bad32s[0]; i++) {
    if (b64_decode(back, sizeof back, bad32s[i], strlen(bad32s[i]), B64_BASE32_STRICT) >= 0) {
      fail_msg("strict base32 accepted \"%s\"", bad32s[i]);
    }
  }
  assert_int_equal(1, b64_decode(back, sizeof back, "MY======", 8, B64_BASE32_STRICT));
  assert_int_equal(1, b64_decode(back, sizeof back, "MY", 2, B64_BASE32_STRICT));
  /* the result must fit */
  assert_int_equal(-1, b64_decode(back, 5, "Zm9vYmFy", 8, B64_STD));
  assert_int_equal(6, b64_decode(back, 6, "Zm9vYmFy", 8, B64_STD));
}

static void test_encode_needs_room(void **state) {
  (void)state;
  char out[9];
  memset(out, 'x', sizeof out);
  assert_int_equal(0, b64_encode(out, 8, "foobar", 6, B64_STD)); /* 8 chars + NUL */
  assert_int_equal('x', out[0]);
  assert_int_equal(8, b64_encode(out, 9, "foobar", 6, B64_STD));
  assert_string_equal("Zm9vYmFy", out);
}

static void test_values(void **state) {
  (void)state;
  assert_int_equal(0, b64_value('A', B64_STD));
  assert_int_equal(62, b64_value('+', B64_STD));
  assert_int_equal(63, b64_value('_', B64_URL));
  assert_int_equal(-1, b64_value('=', B64_URL));
  assert_int_equal(-1, b64_value('-', B64_STD));
  assert_int_equal(26, b64_value('2', B64_BASE32));
  assert_int_equal(-1, b64_value('1', B64_BASE32));
  assert_int_equal(-1, b64_value(0x80, B64_URL));
}

/* Every byte against every alphabet, from the alphabets as RFC 4648 writes them: a byte's
 * value is its place in the alphabet; base32 also reads lower case, except strictly. */
static int place_in(const char *alphabet, int c) {
  const char *p = 0 == c ? NULL : strchr(alphabet, c);
  return NULL == p ? -1 : (int)(p - alphabet);
}

static void test_values_every_byte(void **state) {
  (void)state;
  const char *std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const char *b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  for (int c = 0; c < 256; c++) {
    int upper = c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
    assert_int_equal(place_in(std, c), b64_value((unsigned char)c, B64_STD));
    assert_int_equal(place_in(std, c), b64_value((unsigned char)c, B64_STD_PADDED));
    assert_int_equal(place_in(url, c), b64_value((unsigned char)c, B64_URL));
    assert_int_equal(place_in(b32, c), b64_value((unsigned char)c, B64_BASE32_STRICT));
    assert_int_equal(place_in(b32, upper), b64_value((unsigned char)c, B64_BASE32));
    assert_int_equal(place_in("0123456789abcdef", c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c),
                     b16_value(c));
  }
  assert_int_equal(-1, b16_value(-1));
  assert_int_equal(-1, b16_value(256));
}

static void test_b16_values(void **state) {
  (void)state;
  const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 16; i++) {
    assert_int_equal(b16_value(digits[i]), i);
    assert_int_equal(b16_value(toupper((unsigned char)digits[i])), i);
  }
  assert_int_equal(b16_value('g'), -1);
  assert_int_equal(b16_value('G'), -1);
  assert_int_equal(b16_value('/'), -1);
  assert_int_equal(b16_value(':'), -1);
  assert_int_equal(b16_value(0), -1);
  assert_int_equal(b16_value(0xFF), -1);
}

static void test_alloc_forms(void **state) {
  (void)state;
  char *e = b64_encode_alloc("fooba", 5, B64_STD_PADDED);
  assert_string_equal("Zm9vYmE=", e);
  unsigned char *d = NULL;
  size_t n = 0;
  assert_int_equal(0, b64_decode_alloc(&d, &n, e, strlen(e), B64_STD_PADDED));
  assert_int_equal(5, n);
  assert_memory_equal("fooba", d, 5);
  assert_int_equal(0, d[n]); /* NUL-terminated for convenience */
  free(d);
  free(e);
  assert_int_equal(-1, b64_decode_alloc(&d, &n, "Zm9vYmE", 7, B64_STD_PADDED));
  assert_null(d);
  assert_int_equal(0, n);
  assert_null(b64_encode_alloc("x", SIZE_MAX / 4, B64_URL)); /* too large to encode */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc4648_vectors),
      cmocka_unit_test(test_values_every_byte),
      cmocka_unit_test(test_b16_values),
      cmocka_unit_test(test_alphabets_differ_in_62_63),
      cmocka_unit_test(test_round_trip_every_length),
      cmocka_unit_test(test_strict_refusals),
      cmocka_unit_test(test_encode_needs_room),
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_alloc_forms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
