/*
 * The guessability-based password policy: every weak password of the security review is
 * refused with a reason, normalisation defeats fullwidth letters, spaced-out words and
 * invisible characters, the person's own words and the caller's extra words count as cheap,
 * and long passphrases and random strings pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/password.h"
#include "ujikom/password_policy.h"

static void refused(const char *pw, const char *email, const char *name, const char *const *extra,
                    enum password_policy_verdict want) {
  struct password_policy_report r;
  enum password_policy_verdict v = password_policy_check(&r, pw, email, name, extra);
  if (want != v) {
    fail_msg("\"%s\": %s (%.1f bits, %zu chars), want %s", pw, password_policy_code(v), r.bits,
             r.chars, password_policy_code(want));
  }
  assert_int_equal(v, r.verdict);
}

static void accepted(const char *pw, const char *email, const char *name) {
  struct password_policy_report r;
  enum password_policy_verdict v = password_policy_check(&r, pw, email, name, NULL);
  if (PASSWORD_POLICY_OK != v) {
    fail_msg("\"%s\" refused: %s (%.1f bits, %zu chars)", pw, password_policy_code(v), r.bits,
             r.chars);
  }
  assert_true(r.bits >= PASSWORD_POLICY_MIN_BITS);
}

/* Issue finding 7, each one as reported. */
static void test_review_weak_passwords_refused(void **state) {
  (void)state;
  static const char *const weak[] = {
      "          x",
      "aaaaaaaaab",
      "12345678901",
      "abcdabcdab",
      "passwordxy",
      "P a s s w o r d 1",
      "\xEF\xBC\xB0\xEF\xBC\xA1\xEF\xBC\xB3\xEF\xBC\xB3\xEF\xBC\xB7\xEF\xBC\xAF\xEF\xBC\xB2"
      "\xEF\xBC\xA4\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", /* fullwidth PASSWORD123 */
  };
  for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
    struct password_policy_report r;
    enum password_policy_verdict v =
        password_policy_check(&r, weak[i], "rina@example.id", "Rina Wulandari", NULL);
    if (PASSWORD_POLICY_OK == v) {
      fail_msg("weak password \"%s\" accepted (%.1f bits)", weak[i], r.bits);
    }
  }
  /* With the reason each one is refused for. */
  refused("          x", NULL, NULL, NULL, PASSWORD_POLICY_TOO_SHORT);
  refused("P a s s w o r d 1", NULL, NULL, NULL, PASSWORD_POLICY_TOO_SHORT);
  refused("\xEF\xBC\xB0\xEF\xBC\xA1\xEF\xBC\xB3\xEF\xBC\xB3\xEF\xBC\xB7\xEF\xBC\xAF\xEF\xBC\xB2"
          "\xEF\xBC\xA4\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93",
          NULL, NULL, NULL, PASSWORD_POLICY_TOO_COMMON);
  refused("passwordxy", NULL, NULL, NULL, PASSWORD_POLICY_TOO_COMMON);
  refused("aaaaaaaaab", NULL, NULL, NULL, PASSWORD_POLICY_TOO_GUESSABLE);
  refused("12345678901", NULL, NULL, NULL, PASSWORD_POLICY_TOO_GUESSABLE);
  refused("abcdabcdab", NULL, NULL, NULL, PASSWORD_POLICY_TOO_GUESSABLE);
  /* Words of the service and common Indonesian words are dictionary words here. */
  refused("ujikomkompetensi", NULL, NULL, NULL, PASSWORD_POLICY_TOO_COMMON);
  refused("garudaindonesia", NULL, NULL, NULL, PASSWORD_POLICY_TOO_COMMON);
}

static void test_guessable_patterns(void **state) {
  (void)state;
  static const char *const weak[] = {
      "aaaaaaaaab",
      "12345678901",
      "abcdabcdab",
      "qwertyuiop12",
      "P a s s w o r d 1 2 3 4",
      "ujikomkompetensi",
      "Ujikom2024!",
      "merahputih17",
      "garudaindonesia",
      "1qaz2wsx3edc",
      "zxcvbnmasdfg",
      "abcabcabcabcabc",
  };
  for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
    struct password_policy_report r;
    enum password_policy_verdict v = password_policy_check(&r, weak[i], NULL, NULL, NULL);
    if (PASSWORD_POLICY_OK == v) {
      fail_msg("guessable password \"%s\" accepted (%.1f bits)", weak[i], r.bits);
    }
  }
}

static void test_spaces_and_invisibles_removed(void **state) {
  (void)state;
  char *out = NULL;
  /* Ordinary, no-break, ideographic and em spaces, a tab, a zero-width space and a soft
   * hyphen all vanish; NFKC turns fullwidth letters and the ligature into ASCII. */
  assert_int_equal(PASSWORD_POLICY_OK,
                   password_policy_normalize(&out, " a\xC2\xA0"
                                                   "b\xE3\x80\x80"
                                                   "c\xE2\x80\x83"
                                                   "d\te\xE2\x80\x8B"
                                                   "f\xC2\xAD"
                                                   "g\xEF\xBD\x88\xEF\xAC\x81 "));
  assert_string_equal("abcdefghfi", out);
  password_policy_free(out);
  /* A removed space can leave a combining mark beside a letter: U+00B8 is NFKC " " U+0327,
   * and "k" U+0327 composes to U+0137, so folding twice gives what folding once gives. */
  char *again = NULL;
  assert_int_equal(PASSWORD_POLICY_OK, password_policy_normalize(&out, "fhjk\xC2\xB8"));
  assert_string_equal("fhj\xC4\xB7", out);
  assert_int_equal(PASSWORD_POLICY_OK, password_policy_normalize(&again, out));
  assert_string_equal(out, again);
  password_policy_free(again);
  password_policy_free(out);
  /* Spacing out or padding a weak password does not lengthen it. */
  refused("p a s s w o r d x y z", NULL, NULL, NULL, PASSWORD_POLICY_TOO_COMMON);
  refused("s\xE2\x80\x8B"
          "a\xE2\x80\x8By\xE2\x80\x8B"
          "ang",
          NULL, NULL, NULL, PASSWORD_POLICY_TOO_SHORT);
  refused("x\t\t\t\t\t\t\t\t\t\t\t", NULL, NULL, NULL, PASSWORD_POLICY_TOO_SHORT);
}

static void test_invalid_input(void **state) {
  (void)state;
  char sentinel[] = "x", *out = sentinel;
  assert_int_equal(PASSWORD_POLICY_INVALID, password_policy_normalize(&out, "abc\xff"));
  assert_null(out);
  refused("abcdefghij\xc3", NULL, NULL, NULL, PASSWORD_POLICY_INVALID);
  refused("abcdefghij\xc0\xaf", NULL, NULL, NULL, PASSWORD_POLICY_INVALID);
  refused("abcdefghij\x01xyz", NULL, NULL, NULL, PASSWORD_POLICY_INVALID);
  refused("abcdefghij\x7fxyz", NULL, NULL, NULL, PASSWORD_POLICY_INVALID);
  refused("abcdefghij\xc2\x9fxyz", NULL, NULL, NULL, PASSWORD_POLICY_INVALID); /* C1 */
  refused(NULL, NULL, NULL, NULL, PASSWORD_POLICY_INVALID);
  char *big = malloc(PASSWORD_MAX_LEN + 2);
  assert_non_null(big);
  for (size_t i = 0; i <= PASSWORD_MAX_LEN; i++) {
    big[i] = (char)('a' + (i * 7 + i / 26) % 26);
  }
  big[PASSWORD_MAX_LEN + 1] = '\0';
  refused(big, NULL, NULL, NULL, PASSWORD_POLICY_TOO_LONG);
  assert_int_equal(PASSWORD_POLICY_TOO_LONG, password_policy_normalize(&out, big));
  free(big);
}

static void test_personal_words(void **state) {
  (void)state;
  refused("wulandari-kebun-teh-9", "rina.w@example.id", "Rina Wulandari", NULL,
          PASSWORD_POLICY_CONTAINS_PERSONAL);
  refused("kopi susu RINAW 2019 hujan", "rinaw@example.id", NULL, NULL,
          PASSWORD_POLICY_CONTAINS_PERSONAL);
  /* Non-ASCII names compare after NFKC case folding. */
  refused("gunung ÇAĞLAR laut 7721", NULL, "Çağlar Öztürk", NULL,
          PASSWORD_POLICY_CONTAINS_PERSONAL);
  /* The same password is fine for someone else. */
  accepted("wulandari-kebun-teh-9", "budi@example.id", "Budi Santoso");
}

static void test_extra_words(void **state) {
  (void)state;
  const char *const extra[] = {"tanjungpriokkontainer", "pelabuhan", NULL};
  accepted("tanjungpriokkontainer", NULL, NULL);
  refused("tanjungpriokkontainer", NULL, NULL, extra, PASSWORD_POLICY_TOO_COMMON);
  /* NULL and empty lists are the same as none. */
  const char *const none[] = {NULL};
  accepted("tanjungpriokkontainer", NULL, NULL);
  assert_int_equal(PASSWORD_POLICY_OK,
                   password_policy_check(NULL, "tanjungpriokkontainer", NULL, NULL, none));
}

static void test_strong_passwords_pass(void **state) {
  (void)state;
  accepted("kain batik tulis madura 1987", "rina@example.id", "Rina Wulandari");
  accepted("correct horse battery staple", NULL, NULL);
  accepted("h7Gq9zLm2xVp", "rina@example.id", "Rina Wulandari");
  accepted("qm4z8rt2kx9w", NULL, NULL);
  accepted("Ekor-kadal-nyasar-di-Bogor", NULL, NULL);
  /* Random 12-character strings over letters and digits (a fixed generator, so the test
   * is the same each run). */
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (int n = 0; n < 200; n++) {
    char pw[13];
    for (int i = 0; i < 12; i++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      pw[i] = alphabet[x % (sizeof alphabet - 1)];
    }
    pw[12] = '\0';
    accepted(pw, "rina@example.id", "Rina Wulandari");
  }
}

static void test_codes_and_messages(void **state) {
  (void)state;
  assert_string_equal("ok", password_policy_code(PASSWORD_POLICY_OK));
  assert_string_equal("too_short", password_policy_code(PASSWORD_POLICY_TOO_SHORT));
  assert_string_equal("too_long", password_policy_code(PASSWORD_POLICY_TOO_LONG));
  assert_string_equal("invalid", password_policy_code(PASSWORD_POLICY_INVALID));
  assert_string_equal("too_common", password_policy_code(PASSWORD_POLICY_TOO_COMMON));
  assert_string_equal("contains_personal", password_policy_code(PASSWORD_POLICY_CONTAINS_PERSONAL));
  assert_string_equal("too_guessable", password_policy_code(PASSWORD_POLICY_TOO_GUESSABLE));
  assert_string_equal("error", password_policy_code(PASSWORD_POLICY_ERROR));
  for (int v = PASSWORD_POLICY_OK; v <= PASSWORD_POLICY_ERROR; v++) {
    assert_true(strlen(password_policy_message((enum password_policy_verdict)v)) > 0);
  }
  /* A value that is no verdict reads as the error. */
  assert_string_equal("error", password_policy_code((enum password_policy_verdict)99));
  assert_string_equal("password could not be checked",
                      password_policy_message((enum password_policy_verdict)99));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_review_weak_passwords_refused),
      cmocka_unit_test(test_guessable_patterns),
      cmocka_unit_test(test_spaces_and_invisibles_removed),
      cmocka_unit_test(test_invalid_input),
      cmocka_unit_test(test_personal_words),
      cmocka_unit_test(test_extra_words),
      cmocka_unit_test(test_strong_passwords_pass),
      cmocka_unit_test(test_codes_and_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
