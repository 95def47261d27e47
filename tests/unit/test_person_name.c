/*
 * The person-name validator: NFD becomes NFC, ASCII names pass unchanged, controls (C0, C1),
 * bidirectional and invisible format characters are refused with a message naming the
 * rule and the code point, spaces are trimmed and folded, and the 1..200 limit counts
 * characters, not bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/person_name.h"

static void accepts(const char *in, const char *want) {
  char *out = NULL, err[160];
  enum person_name_status st = person_name_normalize(&out, in, strlen(in), err, sizeof err);
  if (PERSON_NAME_OK != st) {
    fail_msg("\"%s\" refused: %s", in, err);
  }
  assert_string_equal(want, out);
  free(out);
}

static void refuses(const char *in, size_t len, enum person_name_status want, const char *msg) {
  char *out = NULL, err[160] = "";
  enum person_name_status st = person_name_normalize(&out, in, len, err, sizeof err);
  if (want != st) {
    fail_msg("status %d, want %d for input starting \"%.20s\" (%s)", (int)st, (int)want, in, err);
  }
  assert_null(out);
  if (NULL == strstr(err, msg)) {
    fail_msg("message \"%s\" does not say \"%s\"", err, msg);
  }
}

static void test_ascii_unchanged(void **state) {
  (void)state;
  accepts("Rina Wulandari", "Rina Wulandari");
  accepts("O'Brien-Smith, Jr.", "O'Brien-Smith, Jr.");
  accepts("A", "A");
  accepts("Siti Nurhaliza binti Tarudin", "Siti Nurhaliza binti Tarudin");
}

static void test_nfc(void **state) {
  (void)state;
  /* "Rene\u0301" (NFD) -> "Ren\u00e9" (NFC) */
  accepts("Rene\xCC\x81", "Ren\xC3\xA9");
  /* Already NFC stays as it is; Hangul jamo compose. */
  accepts("Ren\xC3\xA9", "Ren\xC3\xA9");
  accepts("\xE1\x84\x80\xE1\x85\xA1", "\xEA\xB0\x80");
  /* Compatibility characters are not folded (NFC, not NFKC): the full-width A stays. */
  accepts("\xEF\xBC\xA1", "\xEF\xBC\xA1");
}

static void test_spaces(void **state) {
  (void)state;
  accepts("  Rina   Wulandari  ", "Rina Wulandari");
  accepts("Rina\xC2\xA0Wulandari", "Rina Wulandari"); /* no-break space */
  accepts("\xE3\x80\x80Rina\xE3\x80\x80", "Rina");    /* ideographic space */
  refuses("   ", 3, PERSON_NAME_EMPTY, "empty");
  refuses("", 0, PERSON_NAME_EMPTY, "empty");
  refuses("\xC2\xA0", 2, PERSON_NAME_EMPTY, "empty");
}

static void test_controls_and_format(void **state) {
  (void)state;
  refuses("Rina \xE2\x80\xAE"
          "kawan Wulandari",
          21, PERSON_NAME_BIDI, "U+202E");
  refuses("Rina\xC2\x85Wulandari", 15, PERSON_NAME_CONTROL, "U+0085");
  refuses("Rina\xE2\x80\x8BWulandari", 16, PERSON_NAME_INVISIBLE, "U+200B");
  refuses("Rina\tWulandari", 14, PERSON_NAME_CONTROL, "control");
  refuses("Rina\nWulandari", 14, PERSON_NAME_CONTROL, "U+000A");
  refuses("Rina\x7FWulandari", 14, PERSON_NAME_CONTROL, "U+007F");
  refuses("Rina\x00Wulandari", 14, PERSON_NAME_CONTROL, "U+0000");
  refuses("Rina\xC2\x9FW", 7, PERSON_NAME_CONTROL, "U+009F");
  refuses("Rina\xE2\x80\xA8W", 8, PERSON_NAME_CONTROL, "U+2028");
  refuses("\xE2\x80\xAA"
          "Rina",
          7, PERSON_NAME_BIDI, "U+202A");
  refuses("Rina\xE2\x81\xA6W", 8, PERSON_NAME_BIDI, "U+2066");
  refuses("Rina\xE2\x81\xA9W", 8, PERSON_NAME_BIDI, "U+2069");
  refuses("Rina\xE2\x80\x8FW", 8, PERSON_NAME_BIDI, "U+200F");
  refuses("Rina\xD8\x9CW", 7, PERSON_NAME_BIDI, "U+061C");
  refuses("Rina\xE2\x80\x8DW", 8, PERSON_NAME_INVISIBLE, "U+200D");
  refuses("Rina\xE2\x81\xA0W", 8, PERSON_NAME_INVISIBLE, "U+2060");
  refuses("\xEF\xBB\xBFRina", 7, PERSON_NAME_INVISIBLE, "U+FEFF");
  refuses("Ri\xC2\xADna", 6, PERSON_NAME_INVISIBLE, "U+00AD");
  refuses("\xE3\x85\xA4", 3, PERSON_NAME_INVISIBLE, "U+3164");
  refuses("Rina\xEE\x80\x80", 7, PERSON_NAME_UNASSIGNED, "private-use");
  refuses("Rina\xCD\xB8", 6, PERSON_NAME_UNASSIGNED, "not assigned");
}

static void test_invalid_utf8(void **state) {
  (void)state;
  refuses("Rina\xC3", 5, PERSON_NAME_INVALID_UTF8, "UTF-8");
  refuses("\xC0\xAF", 2, PERSON_NAME_INVALID_UTF8, "UTF-8");
  refuses("\xED\xA0\x80", 3, PERSON_NAME_INVALID_UTF8, "UTF-8");
  refuses("\xF4\x90\x80\x80", 4, PERSON_NAME_INVALID_UTF8, "UTF-8");
  refuses("\xFF", 1, PERSON_NAME_INVALID_UTF8, "UTF-8");
}

static void test_length_in_characters(void **state) {
  (void)state;
  char buf[2048];
  /* 200 two-byte letters (U+00E9): 400 bytes, accepted. */
  for (int i = 0; i < 200; i++) {
    memcpy(buf + 2 * i, "\xC3\xA9", 2);
  }
  buf[400] = '\0';
  accepts(buf, buf);
  /* 150, the case refused before this validator existed. */
  buf[300] = '\0';
  accepts(buf, buf);
  /* 201: refused. */
  for (int i = 0; i < 201; i++) {
    memcpy(buf + 2 * i, "\xC3\xA9", 2);
  }
  refuses(buf, 402, PERSON_NAME_TOO_LONG, "200 characters");
  /* 200 decomposed e + U+0301 (400 code points, 600 bytes) are 200 characters after NFC. */
  char nfd[1024], nfc[512];
  for (int i = 0; i < 200; i++) {
    memcpy(nfd + 3 * i, "e\xCC\x81", 3);
    memcpy(nfc + 2 * i, "\xC3\xA9", 2);
  }
  nfd[600] = '\0';
  nfc[400] = '\0';
  accepts(nfd, nfc);
  /* 200 four-byte characters (U+1F600 is So, a symbol; U+20000 is a CJK letter). */
  for (int i = 0; i < 200; i++) {
    memcpy(buf + 4 * i, "\xF0\xA0\x80\x80", 4);
  }
  buf[800] = '\0';
  accepts(buf, buf);
  /* Spaces count once folded: 199 letters with runs of spaces between are fine. */
  size_t o = 0;
  for (int i = 0; i < 100; i++) {
    buf[o++] = 'a';
    if (i < 99) {
      memcpy(buf + o, "   ", 3);
      o += 3;
    }
  }
  buf[o] = '\0';
  char *out = NULL;
  assert_int_equal(PERSON_NAME_OK, person_name_normalize(&out, buf, o, NULL, 0));
  assert_int_equal(199, strlen(out));
  free(out);
  /* Far too long input is refused before any work. */
  static char huge[10000];
  memset(huge, 'a', sizeof huge);
  refuses(huge, sizeof huge, PERSON_NAME_TOO_LONG, "200 characters");
}

/* n copies of the UTF-8 letter l into buf (NUL-terminated); returns the length. */
static size_t repeat(char *buf, const char *l, int n) {
  size_t len = strlen(l);
  for (int i = 0; i < n; i++) {
    memcpy(buf + (size_t)i * len, l, len);
  }
  buf[(size_t)n * len] = '\0';
  return (size_t)n * len;
}

/* The stored form: the limit is 200 characters whatever their bytes, and the longest name
 * that passes fits every buffer that holds one (PERSON_NAME_SIZE). */
static void test_for_record(void **state) {
  (void)state;
  static const char *const letters[] = {"a", "\xC3\xA9" /* é */, "\xE1\xB9\xA2" /* Ṣ */,
                                        "\xF0\xA0\x80\x80" /* U+20000, a CJK letter */};
  char buf[1024], *out = NULL, err[160] = "";
  for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++) {
    size_t len = repeat(buf, letters[i], 200);
    enum person_name_status st = person_name_for_record(&out, buf, len, err, sizeof err);
    if (PERSON_NAME_OK != st) {
      fail_msg("200 letters of %zu bytes refused: %s", strlen(letters[i]), err);
    }
    assert_string_equal(buf, out);
    assert_true(strlen(out) < PERSON_NAME_SIZE);
    assert_true(person_name_is_record(out));
    free(out);
    len = repeat(buf, letters[i], 201);
    assert_int_equal(PERSON_NAME_TOO_LONG, person_name_for_record(&out, buf, len, err, sizeof err));
    assert_null(out);
    assert_non_null(strstr(err, "200 characters"));
    assert_false(person_name_is_record(buf));
  }
  /* The case refused before: 150 two-byte letters (300 bytes). */
  size_t len = repeat(buf, "\xC3\xA9", 150);
  assert_int_equal(PERSON_NAME_OK, person_name_for_record(&out, buf, len, NULL, 0));
  free(out);
  assert_int_equal(PERSON_NAME_MAX_BYTES + 1, PERSON_NAME_SIZE);
  assert_int_equal(4 * PERSON_NAME_MAX_CHARS, PERSON_NAME_MAX_BYTES);
  /* The other rules are person_name_normalize's, with the rule and code point named. */
  assert_int_equal(PERSON_NAME_CONTROL,
                   person_name_for_record(&out, "Rina\xC2\x85W", 7, err, sizeof err));
  assert_non_null(strstr(err, "control character (U+0085)"));
  assert_int_equal(PERSON_NAME_BIDI,
                   person_name_for_record(&out, "Rina \xE2\x80\xAEkawan", 13, err, sizeof err));
  assert_non_null(strstr(err, "bidirectional formatting character (U+202E)"));
  assert_int_equal(PERSON_NAME_INVISIBLE,
                   person_name_for_record(&out, "Rina\xE2\x80\x8BW", 8, err, sizeof err));
  assert_non_null(strstr(err, "invisible character (U+200B)"));
  assert_null(out);
  assert_int_equal(PERSON_NAME_OK, person_name_for_record(&out, "  Rene\xCC\x81  W ", 12, NULL, 0));
  assert_string_equal("Ren\xC3\xA9 W", out);
  free(out);
  /* NFD in, NFC out, for the name of the certificate tests. */
  const char *nfd = "S\xCC\xA3"
                    "e\xCC\x86kar Ayu N\xCC\x83oviant"
                    "i\xCC\x88";
  assert_int_equal(PERSON_NAME_OK, person_name_for_record(&out, nfd, strlen(nfd), NULL, 0));
  assert_string_equal("\xE1\xB9\xA2\xC4\x95kar Ayu \xC3\x91oviant\xC3\xAF", out);
  free(out);
  /* A holder is accepted only as the validator would store it. */
  assert_true(person_name_is_record("Ren\xC3\xA9 Wulandari"));
  assert_false(person_name_is_record("Rene\xCC\x81 Wulandari")); /* NFD */
  assert_false(person_name_is_record(" Rina"));
  assert_false(person_name_is_record("Rina  W"));
  assert_false(person_name_is_record("Rina\xC2\x85W"));
  assert_false(person_name_is_record(""));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ascii_unchanged), cmocka_unit_test(test_nfc),
      cmocka_unit_test(test_spaces),          cmocka_unit_test(test_controls_and_format),
      cmocka_unit_test(test_invalid_utf8),    cmocka_unit_test(test_length_in_characters),
      cmocka_unit_test(test_for_record),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
