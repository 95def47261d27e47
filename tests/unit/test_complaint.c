/*
 * The complaints' core (ujikom/complaint.h): every category, status and outcome has a name
 * that parses back to it and nothing else parses; free text is tidied (CR LF and CR become
 * LF, surrounding white space goes, tabs and inner line feeds stay) or refused (invalid
 * UTF-8, C0 and C1 controls, the line separator, bidirectional embeddings, overrides and
 * isolates; marks and zero-width joiners stay); the limits count characters, not bytes; a
 * reference is "ADU-" and six digits or more, and parses back from any letter case, without
 * the prefix, but not from anything else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/complaint.h"

static void test_names_round_trip(void **state) {
  (void)state;
  for (int i = 0; i < COMPLAINT_CATEGORY__MAX; i++) {
    enum complaint_category c = COMPLAINT_OTHER;
    const char *name = complaint_category_name((enum complaint_category)i);
    assert_non_null(name);
    assert_true(complaint_category_parse(name, &c));
    assert_int_equal(i, c);
  }
  for (int i = COMPLAINT_RECEIVED; i <= COMPLAINT_CLOSED; i++) {
    enum complaint_status s = COMPLAINT_RECEIVED;
    assert_true(complaint_status_parse(complaint_status_name((enum complaint_status)i), &s));
    assert_int_equal(i, s);
  }
  for (int i = COMPLAINT_UPHELD; i <= COMPLAINT_NOT_UPHELD; i++) {
    enum complaint_outcome o = COMPLAINT_UPHELD;
    assert_true(complaint_outcome_parse(complaint_outcome_name((enum complaint_outcome)i), &o));
    assert_int_equal(i, o);
  }
  assert_string_equal("exam_system", complaint_category_name(COMPLAINT_EXAM_SYSTEM));
  assert_string_equal("in_review", complaint_status_name(COMPLAINT_IN_REVIEW));
  assert_string_equal("not_upheld", complaint_outcome_name(COMPLAINT_NOT_UPHELD));
  assert_null(complaint_category_name(COMPLAINT_CATEGORY__MAX));
  assert_null(complaint_category_name((enum complaint_category) - 1));
  assert_null(complaint_status_name((enum complaint_status)3));
  assert_null(complaint_outcome_name((enum complaint_outcome)2));
}

static void test_parse_refuses_near_misses(void **state) {
  (void)state;
  enum complaint_category c = COMPLAINT_SERVICE;
  enum complaint_status s = COMPLAINT_CLOSED;
  enum complaint_outcome o = COMPLAINT_NOT_UPHELD;
  const char *bad[] = {"", "Assessor", "assessor ", " other", "lainnya", "exam-system", "otherx"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (complaint_category_parse(bad[i], &c)) {
      fail_msg("\"%s\" parsed as a category", bad[i]);
    }
  }
  assert_false(complaint_category_parse(NULL, &c));
  assert_int_equal(COMPLAINT_SERVICE, c); /* untouched */
  assert_false(complaint_status_parse("in review", &s));
  assert_false(complaint_status_parse("CLOSED", &s));
  assert_false(complaint_status_parse(NULL, &s));
  assert_int_equal(COMPLAINT_CLOSED, s);
  assert_false(complaint_outcome_parse("maybe", &o));
  assert_false(complaint_outcome_parse("Upheld", &o));
  assert_false(complaint_outcome_parse(NULL, &o));
  assert_int_equal(COMPLAINT_NOT_UPHELD, o);
}

/* in tidies to want within [min, max] characters. */
static void tidies(const char *in, size_t len, size_t min, size_t max, const char *want) {
  char *out = NULL;
  enum complaint_text_status st = complaint_text_tidy(&out, in, len, min, max);
  if (COMPLAINT_TEXT_OK != st) {
    fail_msg("\"%.30s\" refused with %d", in, (int)st);
  }
  assert_string_equal(want, out);
  free(out);
}

static void refused(const char *in, size_t len, size_t min, size_t max,
                    enum complaint_text_status want) {
  static char marker[] = "not reset";
  char *out = marker;
  enum complaint_text_status st = complaint_text_tidy(&out, in, len, min, max);
  if (want != st) {
    fail_msg("\"%.30s\": status %d, want %d", in, (int)st, (int)want);
  }
  assert_null(out);
}

#define S(lit) (lit), (sizeof(lit) - 1)

static void test_tidy_line_ends_and_spaces(void **state) {
  (void)state;
  tidies(S("Baris satu.\r\nBaris dua.\rBaris tiga.\n"), 0, 100,
         "Baris satu.\nBaris dua.\nBaris tiga.");
  tidies(S("  \t\r\n Isi \t dengan\ttab.\r\n\r\n  "), 0, 100, "Isi \t dengan\ttab.");
  tidies(S("\r\r\nA\r"), 0, 100, "A");
  /* Unicode spaces at the ends go (no-break, ideographic), inner ones stay. */
  tidies(S("\xC2\xA0\xE3\x80\x80"
           "Ada\xC2\xA0spasi\xE3\x80\x80"),
         0, 100, "Ada\xC2\xA0spasi");
  tidies(S(""), 0, 10, "");
  tidies(S(" \n\t "), 0, 10, "");
  tidies(NULL, 0, 0, 10, "");
}

static void test_tidy_refusals(void **state) {
  (void)state;
  refused(S("ada \xC2\x85 NEL di sini"), 0, 100, COMPLAINT_TEXT_CONTROL); /* C1 U+0085 */
  refused(S("ada \x1B[31m warna"), 0, 100, COMPLAINT_TEXT_CONTROL);       /* ESC */
  refused(S("ada \x7F DEL"), 0, 100, COMPLAINT_TEXT_CONTROL);
  refused("ada\0NUL", 7, 0, 100, COMPLAINT_TEXT_CONTROL);
  refused(S("pemisah\xE2\x80\xA8"
            "baris"),
          0, 100, COMPLAINT_TEXT_CONTROL); /* U+2028 */
  refused(S("ada \xE2\x80\xAE"
            "kebalikan"),
          0, 100, COMPLAINT_TEXT_BIDI); /* U+202E */
  refused(S("ada \xE2\x80\xAA"
            "LRE"),
          0, 100, COMPLAINT_TEXT_BIDI); /* U+202A */
  refused(S("ada \xE2\x81\xA6"
            "LRI"),
          0, 100, COMPLAINT_TEXT_BIDI); /* U+2066 */
  refused(S("ada \xE2\x81\xA9"
            "PDI"),
          0, 100, COMPLAINT_TEXT_BIDI); /* U+2069 */
  refused(S("rusak \xC3"), 0, 100, COMPLAINT_TEXT_INVALID_UTF8);
  refused(S("overlong \xC0\xAF"), 0, 100, COMPLAINT_TEXT_INVALID_UTF8);
  refused(S("surrogate \xED\xA0\x80"), 0, 100, COMPLAINT_TEXT_INVALID_UTF8);
  /* A refusal is a refusal whatever the length: nothing is cut to fit. */
  refused(S("\xE2\x80\xAE"), 0, 0, COMPLAINT_TEXT_BIDI);
}

static void test_tidy_keeps_marks_and_joiners(void **state) {
  (void)state;
  /* RLM, ZWJ in an emoji sequence, ZWNJ, the Arabic letter mark: kept as written. */
  tidies(S("a\xE2\x80\x8F"
           "b"),
         0, 10,
         "a\xE2\x80\x8F"
         "b");
  tidies(S("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB"), 0, 10,
         "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB");
  tidies(S("\xD9\x85\xE2\x80\x8C\xD9\x8A"), 0, 10, "\xD9\x85\xE2\x80\x8C\xD9\x8A");
  tidies(S("\xD8\x9C"), 0, 10, "\xD8\x9C");
}

/* n copies of the UTF-8 character ch, between the bytes of pre and post. */
static char *repeat(const char *pre, const char *ch, size_t n, const char *post) {
  size_t a = strlen(pre), k = strlen(ch), b = strlen(post);
  char *s = malloc(a + n * k + b + 1);
  assert_non_null(s);
  memcpy(s, pre, a);
  for (size_t i = 0; i < n; i++) {
    memcpy(s + a + i * k, ch, k);
  }
  memcpy(s + a + n * k, post, b + 1);
  return s;
}

static void test_limits_in_characters(void **state) {
  (void)state;
  const char *letters[] = {"a", "\xC3\xA9", "\xE0\xA4\x95", "\xF0\x9F\x98\x80"};
  for (size_t l = 0; l < sizeof letters / sizeof letters[0]; l++) {
    /* The body's minimum: 20 characters pass, 19 do not, whatever their bytes; the spaces
     * trimmed around them do not count. */
    char *s = repeat("  ", letters[l], COMPLAINT_BODY_MIN_CHARS, "\r\n");
    char *t = repeat("", letters[l], COMPLAINT_BODY_MIN_CHARS, "");
    tidies(s, strlen(s), COMPLAINT_BODY_MIN_CHARS, COMPLAINT_TEXT_MAX_CHARS, t);
    free(s);
    free(t);
    s = repeat("  ", letters[l], COMPLAINT_BODY_MIN_CHARS - 1, "  ");
    refused(s, strlen(s), COMPLAINT_BODY_MIN_CHARS, COMPLAINT_TEXT_MAX_CHARS,
            COMPLAINT_TEXT_TOO_SHORT);
    free(s);
    /* The maximum: 5,000 pass, 5,001 do not. */
    s = repeat("", letters[l], COMPLAINT_TEXT_MAX_CHARS, "\n");
    char *out = NULL;
    assert_int_equal(COMPLAINT_TEXT_OK,
                     complaint_text_tidy(&out, s, strlen(s), 1, COMPLAINT_TEXT_MAX_CHARS));
    assert_int_equal(COMPLAINT_TEXT_MAX_CHARS * strlen(letters[l]), strlen(out));
    free(out);
    free(s);
    s = repeat("", letters[l], COMPLAINT_TEXT_MAX_CHARS + 1, "");
    refused(s, strlen(s), 1, COMPLAINT_TEXT_MAX_CHARS, COMPLAINT_TEXT_TOO_LONG);
    free(s);
  }
  /* A line end counts as one character, CR LF too. */
  tidies(S("ab\r\ncd"), 5, 5, "ab\ncd");
  refused(S("ab\r\ncd"), 6, 10, COMPLAINT_TEXT_TOO_SHORT);
  refused(S("ab\r\ncd"), 0, 4, COMPLAINT_TEXT_TOO_LONG);
  refused(S("   "), 1, 10, COMPLAINT_TEXT_TOO_SHORT);
}

static void test_reference(void **state) {
  (void)state;
  char ref[COMPLAINT_REF_SIZE];
  int64_t id = 0;
  complaint_ref(ref, 42);
  assert_string_equal("ADU-000042", ref);
  complaint_ref(ref, 1);
  assert_string_equal("ADU-000001", ref);
  complaint_ref(ref, 1234567);
  assert_string_equal("ADU-1234567", ref);
  complaint_ref(ref, INT64_MAX);
  assert_string_equal("ADU-9223372036854775807", ref);
  assert_true(complaint_ref_parse(ref, &id));
  assert_int_equal(INT64_MAX, id);

  const struct {
    const char *text;
    int64_t id;
  } good[] = {{"ADU-000042", 42}, {"adu-42", 42}, {"Adu-000001", 1},
              {"42", 42},         {"000042", 42}, {"aDu-7", 7}};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    id = 0;
    if (!complaint_ref_parse(good[i].text, &id)) {
      fail_msg("\"%s\" did not parse", good[i].text);
    }
    assert_int_equal(good[i].id, id);
  }
  const char *bad[] = {"",
                       "ADU-",
                       "ADU",
                       "ADU42",
                       "ADU--42",
                       "ADU-0",
                       "0",
                       "-42",
                       "+42",
                       " 42",
                       "42 ",
                       "ADU-4 2",
                       "ADU-42a",
                       "ADX-42",
                       "ADU_42",
                       "4.2",
                       "ADU-0x2A",
                       "9223372036854775808",
                       "ADU-99999999999999999999"};
  id = 77;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (complaint_ref_parse(bad[i], &id)) {
      fail_msg("\"%s\" parsed as %lld", bad[i], (long long)id);
    }
  }
  assert_false(complaint_ref_parse(NULL, &id));
  assert_int_equal(77, id); /* untouched */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_round_trip),
      cmocka_unit_test(test_parse_refuses_near_misses),
      cmocka_unit_test(test_tidy_line_ends_and_spaces),
      cmocka_unit_test(test_tidy_refusals),
      cmocka_unit_test(test_tidy_keeps_marks_and_joiners),
      cmocka_unit_test(test_limits_in_characters),
      cmocka_unit_test(test_reference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
