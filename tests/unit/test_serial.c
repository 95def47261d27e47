/*
 * Certificate serials and the token text codecs: shape, check character, typing tolerance
 * (case, hyphens, Crockford aliases), and that every single-character error is caught.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/cert.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void test_generate_shape(void **state) {
  (void)state;
  char a[CERT_SERIAL_SIZE], b[CERT_SERIAL_SIZE], canon[CERT_SERIAL_SIZE];
  for (int i = 0; i < 500; i++) {
    assert_int_equal(0, cert_serial_generate(a));
    assert_int_equal(CERT_SERIAL_LEN, strlen(a));
    assert_memory_equal("UJK-", a, 4);
    for (int k = 4; k < CERT_SERIAL_LEN; k++) {
      if (8 == k || 13 == k || 18 == k || 23 == k) {
        assert_int_equal('-', a[k]);
      } else if (NULL == strchr(crockford, a[k])) {
        fail_msg("serial %s has a non-Crockford character at %d", a, k);
      }
    }
    assert_int_equal(0, cert_serial_parse(canon, NULL, a));
    assert_string_equal(a, canon);
  }
  assert_int_equal(0, cert_serial_generate(b));
  assert_string_not_equal(a, b);
}

static void test_round_trip_raw(void **state) {
  (void)state;
  unsigned char raw[CERT_SERIAL_BYTES], back[CERT_SERIAL_BYTES];
  char s[CERT_SERIAL_SIZE];
  for (int v = 0; v < 256; v++) {
    memset(raw, v, sizeof raw);
    raw[v % CERT_SERIAL_BYTES] ^= 0x5a;
    cert_serial_format(s, raw);
    assert_int_equal(0, cert_serial_parse(NULL, back, s));
    assert_memory_equal(raw, back, sizeof raw);
  }
}

static void test_typing_tolerance(void **state) {
  (void)state;
  unsigned char raw[CERT_SERIAL_BYTES] = {0x01, 0x23, 0x45, 0x67, 0x89,
                                          0xab, 0xcd, 0xef, 0x10, 0x32};
  char s[CERT_SERIAL_SIZE], canon[CERT_SERIAL_SIZE], typed[64];
  cert_serial_format(s, raw);
  /* lower case, no hyphens, spaces around */
  size_t o = 0;
  typed[o++] = ' ';
  for (const char *p = s; *p; p++) {
    if ('-' != *p) {
      typed[o++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
    }
  }
  typed[o++] = ' ';
  typed[o] = '\0';
  assert_int_equal(0, cert_serial_parse(canon, NULL, typed));
  assert_string_equal(s, canon);
  /* O for 0 and l for 1 */
  snprintf(typed, sizeof typed, "%s", s);
  int replaced = 0;
  for (char *p = typed + 4; *p; p++) {
    if ('0' == *p) {
      *p = 'O';
      replaced++;
    } else if ('1' == *p) {
      *p = 'l';
      replaced++;
    }
  }
  assert_true(replaced > 0);
  assert_int_equal(0, cert_serial_parse(canon, NULL, typed));
  assert_string_equal(s, canon);
}

static void test_single_errors_caught(void **state) {
  (void)state;
  char s[CERT_SERIAL_SIZE], bad[CERT_SERIAL_SIZE];
  for (int trial = 0; trial < 50; trial++) {
    assert_int_equal(0, cert_serial_generate(s));
    for (int pos = 4; pos < CERT_SERIAL_LEN; pos++) {
      if ('-' == s[pos]) {
        continue;
      }
      for (const char *c = crockford; *c; c++) {
        if (*c == s[pos]) {
          continue;
        }
        memcpy(bad, s, sizeof bad);
        bad[pos] = *c;
        if (0 == cert_serial_parse(NULL, NULL, bad)) {
          fail_msg("%s accepted though it differs from %s at %d", bad, s, pos);
        }
      }
    }
  }
}

static void test_rejects(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "UJK",
      "UJK-",
      "XYZ-0000-0000-0000-0000-0",
      "UJK-0000-0000-0000-000",
      "UJK-0000-0000-0000-0000-00",
      "UJK-0000-0000-0000-000U-0",
      "UJK-0000-0000-0000-0000-*",
      "UJK-0000-0000-0000-0000-\xc3\xa9",
      "UJK-0000\n0000-0000-0000-0",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (0 == cert_serial_parse(NULL, NULL, bad[i])) {
      fail_msg("accepted bad serial #%zu \"%s\"", i, bad[i]);
    }
  }
  assert_int_equal(-1, cert_serial_parse(NULL, NULL, NULL));
  char longtext[300];
  memset(longtext, '0', sizeof longtext - 1);
  longtext[sizeof longtext - 1] = '\0';
  memcpy(longtext, "UJK-", 4);
  assert_int_equal(-1, cert_serial_parse(NULL, NULL, longtext));
}

static void test_codecs(void **state) {
  (void)state;
  /* RFC 4648 test vectors. */
  static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *const b32[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
  static const char *const b64[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (size_t i = 0; i < 7; i++) {
    char *e = token_b32_encode(in[i], strlen(in[i]));
    assert_non_null(e);
    assert_string_equal(b32[i], e);
    free(e);
    e = token_b64url_encode(in[i], strlen(in[i]));
    assert_non_null(e);
    assert_string_equal(b64[i], e);
    free(e);
    unsigned char *d = NULL;
    size_t dl = 0;
    assert_int_equal(0, token_b32_decode(&d, &dl, b32[i], strlen(b32[i])));
    assert_int_equal(strlen(in[i]), dl);
    assert_memory_equal(in[i], d, dl);
    free(d);
    assert_int_equal(0, token_b64url_decode(&d, &dl, b64[i], strlen(b64[i])));
    assert_int_equal(strlen(in[i]), dl);
    assert_memory_equal(in[i], d, dl);
    free(d);
  }
  unsigned char *d = NULL;
  size_t dl = 0;
  /* lower-case base32 is accepted (QR URLs get lower-cased) */
  assert_int_equal(0, token_b32_decode(&d, &dl, "mzxw6ytboi", 10));
  assert_memory_equal("foobar", d, 6);
  free(d);
  static const char *const bad64[] = {"Zg==", "Z", "Zh", "Zm9v+", "Zm9/", "Zm 9v", "Zm9vY"};
  for (size_t i = 0; i < sizeof bad64 / sizeof bad64[0]; i++) {
    if (0 == token_b64url_decode(&d, &dl, bad64[i], strlen(bad64[i]))) {
      free(d);
      fail_msg("base64url accepted \"%s\"", bad64[i]);
    }
    assert_null(d);
  }
  static const char *const bad32[] = {"MZ", "M", "MZX", "MY======", "MZXW6YQ1", "MZXW60", "MZ XW"};
  for (size_t i = 0; i < sizeof bad32 / sizeof bad32[0]; i++) {
    if (0 == token_b32_decode(&d, &dl, bad32[i], strlen(bad32[i]))) {
      free(d);
      fail_msg("base32 accepted \"%s\"", bad32[i]);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generate_shape),   cmocka_unit_test(test_round_trip_raw),
      cmocka_unit_test(test_typing_tolerance), cmocka_unit_test(test_single_errors_caught),
      cmocka_unit_test(test_rejects),          cmocka_unit_test(test_codecs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
