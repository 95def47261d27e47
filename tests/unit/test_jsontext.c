/*
 * Tests of JSON as text: the strict single-value check (what stored answers must pass before
 * they are spliced into an answer) and the string writer's escapes (jansson's).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http/jsontext.h"

static void valid_values(void **state) {
  (void)state;
  static const char *const ok[] = {
      "0",
      "-0",
      "12",
      "-1.5e+10",
      "2E-3",
      "true",
      "false",
      "null",
      "\"\"",
      " \"a\" ",
      "\"\\u00e9\\n\\t\\\"\\\\\\/\"",
      "\"batik 🙂 é\"",
      "[]",
      "{}",
      "[1,[2,[3]]]",
      "{\"a\":{\"b\":[true,null]},\"c\":\"d\"}",
      "\t\r\n[ 1 , 2 ]\n",
  };
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
    if (!json_text_valid(ok[i]))
      fail_msg("'%s' is one JSON value", ok[i]);
}

static void invalid_values(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      " ",
      "01",
      "1.",
      ".5",
      "+1",
      "1e",
      "-",
      "tru",
      "nul",
      "True",
      "'a'",
      "\"a",
      "\"a\nb\"",
      "\"\\x41\"",
      "\"\\u12G4\"",
      "[1,]",
      "[1 2]",
      "{\"a\"}",
      "{\"a\":}",
      "{1:2}",
      "{\"a\":1,}",
      "[] []",
      "1 2",
      "\"\xc0\xaf\"",
      "\"\xed\xa0\x80\"",
      "\"\xf4\x90\x80\x80\"",
      "\"\xe2\x82\"",
      "NaN",
      "Infinity",
      "[",
      "]",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    if (json_text_valid(bad[i]))
      fail_msg("'%s' is not one JSON value", bad[i]);
  /* nesting: 64 levels pass, 65 do not */
  char deep[200];
  memset(deep, '[', 64);
  memset(deep + 64, ']', 64);
  deep[128] = '\0';
  assert_true(json_text_valid(deep));
  memset(deep, '[', 65);
  memset(deep + 65, ']', 65);
  deep[130] = '\0';
  assert_false(json_text_valid(deep));
  /* a value inside the 64th level is not a level of its own */
  memset(deep, '[', 64);
  deep[64] = '7';
  memset(deep + 65, ']', 64);
  deep[129] = '\0';
  assert_true(json_text_valid(deep));
}

static void string_writer(void **state) {
  (void)state;
  struct jtext t = {0};
  jt_str(&t, "a\"b\\c\n\t\x01\x1f/é🙂");
  JT_LIT(&t, ",");
  jt_int(&t, -9007199254740993);
  assert_false(t.failed);
  assert_string_equal("\"a\\\"b\\\\c\\n\\t\\u0001\\u001F/é🙂\",-9007199254740993", t.s);
  assert_int_equal(strlen(t.s), t.len);
  free(t.s);
  struct jtext u = {0};
  jt_str(&u, "ok \xff no"); /* not UTF-8: the text fails, as jansson refuses it */
  assert_true(u.failed);
  JT_LIT(&u, "more"); /* appends after a failure do nothing */
  assert_true(u.failed);
  free(u.s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(valid_values),
      cmocka_unit_test(invalid_values),
      cmocka_unit_test(string_writer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
