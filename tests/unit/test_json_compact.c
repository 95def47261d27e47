/*
 * json_compact: the text json_dumps gives (COMPACT, ENCODE_ANY, SORT_KEYS as asked), and
 * failure where json_dumps fails or would write a broken text. The fuzz target
 * (tests/fuzz/fuzz_json_compact.c) compares the two on any parsed document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ujikom/json_compact.h"

/* json_compact(v) equals json_dumps(v) both ways, and equals want when want is given. */
static void same(json_t *v, const char *want, const char *want_sorted) {
  char *a = json_compact(v, false), *b = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  char *c = json_compact(v, true);
  char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
  assert_non_null(a);
  assert_non_null(c);
  assert_string_equal(a, b);
  assert_string_equal(c, d);
  if (NULL != want) {
    assert_string_equal(a, want);
  }
  if (NULL != want_sorted) {
    assert_string_equal(c, want_sorted);
  }
  free(a);
  free(b);
  free(c);
  free(d);
  json_decref(v);
}

static void test_values_as_jansson_writes_them(void **state) {
  (void)state;
  same(json_loads("{\"b\":[1,-2,true,false,null,{},[]],\"a\":\"x\",\"\":{}}", 0, NULL),
       "{\"b\":[1,-2,true,false,null,{},[]],\"a\":\"x\",\"\":{}}",
       "{\"\":{},\"a\":\"x\",\"b\":[1,-2,true,false,null,{},[]]}");
  same(json_integer(INT64_MIN), "-9223372036854775808", NULL);
  same(json_integer(INT64_MAX), "9223372036854775807", NULL);
  same(json_integer(0), "0", NULL);
  same(json_real(2.5), "2.5", NULL);
  same(json_real(1e300), NULL, NULL);
  same(json_real(-0.0), NULL, NULL);
  same(json_string(""), "\"\"", NULL);
}

static void test_strings_escaped_as_jansson_does(void **state) {
  (void)state;
  /* every control character, quote and backslash; UTF-8 and DEL as they are; 8-byte runs
   * with the special byte at each place */
  char s[64];
  for (int c = 1; c < 0x20; c++) {
    snprintf(s, sizeof s, "abcdefg%cabcdefghij%c", c, c);
    same(json_string(s), NULL, NULL);
  }
  same(json_string("\"\\/\x7f \xc3\xa9 \xf0\x9f\x98\x80"),
       "\"\\\"\\\\/\x7f \xc3\xa9 \xf0\x9f\x98\x80\"", NULL);
  same(json_string("a\nb\tc\rd\be\ff\x01g\x1f"), "\"a\\nb\\tc\\rd\\be\\ff\\u0001g\\u001F\"", NULL);
  for (size_t at = 0; at < 17; at++) {
    char t[18];
    memset(t, 'x', 17);
    t[17] = '\0';
    t[at] = '"';
    same(json_string(t), NULL, NULL);
  }
  /* NUL inside a string and a key */
  json_t *o = json_object();
  assert_int_equal(0, json_object_setn_new(o, "k\0z", 3, json_stringn("a\0b", 3)));
  assert_int_equal(0, json_object_set_new(o, "k", json_integer(1)));
  same(o, "{\"k\\u0000z\":\"a\\u0000b\",\"k\":1}", "{\"k\":1,\"k\\u0000z\":\"a\\u0000b\"}");
}

static void test_fails_where_text_would_be_wrong(void **state) {
  (void)state;
  assert_null(json_compact(NULL, false));
  /* a string that is not UTF-8 (made without jansson's check): json_dumps fails too */
  json_t *bad = json_stringn_nocheck("ok\xc0\xaf", 4);
  assert_null(json_compact(bad, false));
  char *dumped = json_dumps(bad, JSON_ENCODE_ANY);
  assert_null(dumped);
  json_decref(bad);
  /* a key that is not UTF-8: json_dumps writes a broken text, json_compact fails */
  json_t *o = json_object();
  assert_int_equal(0, json_object_setn_new_nocheck(o, "k\xff", 2, json_true()));
  assert_null(json_compact(o, false));
  assert_null(json_compact(o, true));
  json_decref(o);
  /* JSON_COMPACT_MAX_DEPTH levels are written; one more fails */
  json_t *deep = json_array(), *at = deep;
  for (int i = 1; i < JSON_COMPACT_MAX_DEPTH; i++) {
    json_t *inner = json_array();
    assert_int_equal(0, json_array_append_new(at, inner));
    at = inner;
  }
  char *text = json_compact(deep, false);
  assert_non_null(text);
  assert_int_equal(2 * JSON_COMPACT_MAX_DEPTH, strlen(text));
  free(text);
  assert_int_equal(0, json_array_append_new(at, json_array()));
  assert_null(json_compact(deep, false));
  json_decref(deep);
}

static void test_quote_into_a_buffer(void **state) {
  (void)state;
  char out[JSON_QUOTED_MAX(24)];
  assert_int_equal(2, json_quote(out, "", 0));
  assert_memory_equal(out, "\"\"", 2);
  assert_int_equal(13, json_quote(out, "hello world", 11));
  assert_memory_equal(out, "\"hello world\"", 13);
  /* the worst case: every byte a six-byte escape */
  char ctl[24];
  memset(ctl, 0x01, sizeof ctl);
  assert_int_equal(JSON_QUOTED_MAX(sizeof ctl), json_quote(out, ctl, sizeof ctl));
  assert_memory_equal(out, "\"\\u0001\\u0001", 13);
  size_t k = json_quote(out, "abcdefgh\"\xc3\xa9\n", 12);
  assert_int_equal(16, k);
  assert_memory_equal(out, "\"abcdefgh\\\"\xc3\xa9\\n\"", 16);
  /* not UTF-8, past the first eight bytes and at the start */
  assert_int_equal((size_t)-1, json_quote(out, "abcdefghi\xc3(", 11));
  assert_int_equal((size_t)-1, json_quote(out, "\xed\xa0\x80", 3)); /* a surrogate */
}

static void test_integer_text_as_printf_writes_it(void **state) {
  (void)state;
  const long long values[] = {0,         1,         -1,           9, 10, -10, 1234567890123LL,
                              INT64_MAX, INT64_MIN, INT64_MIN + 1};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    char want[32], text[JSON_INT_TEXT_SIZE];
    int n = snprintf(want, sizeof want, "%lld", values[i]);
    const char *p = json_int_text(text, values[i]);
    assert_int_equal(n, text + sizeof text - p);
    assert_memory_equal(p, want, (size_t)n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_as_jansson_writes_them),
      cmocka_unit_test(test_strings_escaped_as_jansson_does),
      cmocka_unit_test(test_fails_where_text_would_be_wrong),
      cmocka_unit_test(test_quote_into_a_buffer),
      cmocka_unit_test(test_integer_text_as_printf_writes_it),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
