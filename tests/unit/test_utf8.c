/*
 * The UTF-8 check: every boundary of RFC 3629's table (the first and last code point of each
 * length), overlong forms, surrogates, values past U+10FFFF, truncated sequences, stray
 * continuation bytes, and cutting text without splitting a sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/utf8.h"

struct seq {
  const char *bytes;
  size_t len;   /* bytes of the sequence */
  size_t valid; /* utf8_seq_len's answer: len, or 0 */
  const char *what;
};

#define OK(b, what)                                                                                \
  { b, sizeof(b) - 1, sizeof(b) - 1, what }
#define BAD(b, what)                                                                               \
  { b, sizeof(b) - 1, 0, what }

static const struct seq seqs[] = {
    OK("\x00", "U+0000"),
    OK("\x7f", "U+007F"),
    OK("\xc2\x80", "U+0080"),
    OK("\xdf\xbf", "U+07FF"),
    OK("\xe0\xa0\x80", "U+0800"),
    OK("\xed\x9f\xbf", "U+D7FF, the last before the surrogates"),
    OK("\xee\x80\x80", "U+E000, the first after the surrogates"),
    OK("\xef\xbf\xbd", "U+FFFD"),
    OK("\xef\xbf\xbf", "U+FFFF"),
    OK("\xf0\x90\x80\x80", "U+10000"),
    OK("\xf4\x8f\xbf\xbf", "U+10FFFF"),
    /* overlong forms */
    BAD("\xc0\x80", "overlong U+0000 (2 bytes)"),
    BAD("\xc0\xaf", "overlong '/' (2 bytes)"),
    BAD("\xc1\xbf", "overlong U+007F"),
    BAD("\xe0\x80\xaf", "overlong '/' (3 bytes)"),
    BAD("\xe0\x9f\xbf", "overlong U+07FF"),
    BAD("\xf0\x80\x80\xaf", "overlong '/' (4 bytes)"),
    BAD("\xf0\x8f\xbf\xbf", "overlong U+FFFF"),
    /* surrogates, alone and paired (CESU-8) */
    BAD("\xed\xa0\x80", "U+D800"),
    BAD("\xed\xbf\xbf", "U+DFFF"),
    BAD("\xed\xa0\xbd\xed\xb2\xa9", "a surrogate pair"),
    /* past U+10FFFF, and bytes that never occur */
    BAD("\xf4\x90\x80\x80", "U+110000"),
    BAD("\xf5\x80\x80\x80", "lead byte F5"),
    BAD("\xf8\x88\x80\x80\x80", "5-byte form"),
    BAD("\xfe", "FE"),
    BAD("\xff", "FF"),
    /* continuation bytes without a lead, and leads without enough of them */
    BAD("\x80", "lone continuation"),
    BAD("\xbf", "lone continuation BF"),
    BAD("\xc2", "truncated 2-byte"),
    BAD("\xe2\x82", "truncated 3-byte"),
    BAD("\xf0\x9f\x8e", "truncated 4-byte"),
    BAD("\xc2\x41", "lead followed by ASCII"),
    BAD("\xe2\x28\xa1", "bad second byte"),
    BAD("\xe2\x82\x28", "bad third byte"),
};

static void test_sequences(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
    const struct seq *s = &seqs[i];
    size_t got = utf8_seq_len(s->bytes, s->len);
    if (got != s->valid) {
      fail_msg("%s: utf8_seq_len %zu, expected %zu", s->what, got, s->valid);
    }
    if (utf8_well_formed(s->bytes, s->len) != (0 != s->valid)) {
      fail_msg("%s: utf8_well_formed disagrees", s->what);
    }
  }
}

/* utf8_decode gives the code point of what utf8_seq_len accepts, and nothing else. */
static void test_decode(void **state) {
  (void)state;
  const struct {
    const char *s;
    size_t len;
    uint32_t cp;
  } ok[] = {{"A", 1, 0x41},
            {"\xC3\xA9", 2, 0xE9},
            {"\xE2\x80\xAE", 3, 0x202E},
            {"\xEF\xBF\xBF", 3, 0xFFFF},
            {"\xF0\x9F\x98\x80", 4, 0x1F600},
            {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    uint32_t cp = 0;
    assert_int_equal(utf8_decode(ok[i].s, ok[i].len, &cp), ok[i].len);
    assert_int_equal(cp, ok[i].cp);
  }
  const char *bad[] = {"\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80", "\xE2\x80"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint32_t cp = 7;
    assert_int_equal(utf8_decode(bad[i], strlen(bad[i]), &cp), 0);
    assert_int_equal(cp, 7); /* untouched */
  }
}

static void test_truncation_by_length(void **state) {
  (void)state;
  static const char snowman[] = "\xe2\x98\x83"; /* U+2603 */
  assert_int_equal(3, utf8_seq_len(snowman, 3));
  assert_int_equal(0, utf8_seq_len(snowman, 2));
  assert_int_equal(0, utf8_seq_len(snowman, 1));
  assert_int_equal(0, utf8_seq_len(snowman, 0));
  assert_false(utf8_well_formed(snowman, 2));
  assert_true(utf8_well_formed(snowman, 0));
  /* on NUL-terminated text the NUL ends a sequence whatever n says */
  assert_int_equal(0, utf8_seq_len("\xe2\x98", 4));
  assert_int_equal(3, utf8_seq_len(snowman, 4));
}

static void test_text(void **state) {
  (void)state;
  static const char good[] = "Kompeten \xe2\x9c\x93 \xf0\x9f\x8e\xa8 Rp 150.000 \xe2\x80\x94 ok";
  assert_true(utf8_well_formed(good, strlen(good)));
  static const char bad[] = "Kompeten \xe2\x9c";
  assert_false(utf8_well_formed(bad, strlen(bad)));
  assert_false(utf8_well_formed("ab\xc0\xaf"
                                "cd",
                                6));
  assert_true(utf8_well_formed("a\0b", 3)); /* NUL is U+0000: callers refuse it themselves */
}

/* Text checked eight ASCII bytes at a time: a bad byte or a good sequence at every offset
 * of every length up to 40 is seen wherever the words fall. */
static void test_text_every_offset(void **state) {
  (void)state;
  char buf[48];
  for (size_t n = 0; n <= 40; n++) {
    memset(buf, 'a', sizeof buf);
    assert_true(utf8_well_formed(buf, n));
    for (size_t at = 0; at < n; at++) {
      memset(buf, 'a', sizeof buf);
      buf[at] = (char)0xff;
      assert_false(utf8_well_formed(buf, n));
      buf[at] = (char)0xc2; /* truncated, or followed by 'a' */
      assert_false(utf8_well_formed(buf, n));
      if (at + 2 <= n) {
        buf[at + 1] = (char)0x80; /* U+0080 */
        assert_true(utf8_well_formed(buf, n));
      }
    }
  }
}

static void test_cut(void **state) {
  (void)state;
  static const char s[] = "ab\xe2\x98\x83"
                          "c"; /* a b U+2603 c: 6 bytes */
  assert_int_equal(6, utf8_cut(s, 6, 10));
  assert_int_equal(6, utf8_cut(s, 6, 6));
  assert_int_equal(5, utf8_cut(s, 6, 5)); /* before "c" */
  assert_int_equal(2, utf8_cut(s, 6, 4)); /* inside U+2603: back to its start */
  assert_int_equal(2, utf8_cut(s, 6, 3));
  assert_int_equal(2, utf8_cut(s, 6, 2));
  assert_int_equal(1, utf8_cut(s, 6, 1));
  assert_int_equal(0, utf8_cut(s, 6, 0));
  assert_int_equal(0, utf8_cut("\xe2\x98\x83", 3, 2));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sequences),
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_truncation_by_length),
      cmocka_unit_test(test_text),
      cmocka_unit_test(test_text_every_offset),
      cmocka_unit_test(test_cut),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
