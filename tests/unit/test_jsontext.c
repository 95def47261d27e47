/*
 * Tests of JSON as text: the strict single-value check (what stored answers must pass before
 * they are spliced into an answer), the string writer's escapes (jansson's), and the keyed
 * writer: its documents equal jansson's compact output, and misuse fails the text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    if (!json_text_valid(ok[i])) {
      fail_msg("'%s' is one JSON value", ok[i]);
    }
  }
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
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    if (json_text_valid(bad[i])) {
      fail_msg("'%s' is not one JSON value", bad[i]);
    }
  }
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

/* Compares a written text with jansson's compact dump of j (which it takes). */
static void expect_jansson(struct jtext *t, json_t *j) {
  assert_non_null(j);
  char *want = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
  assert_non_null(want);
  assert_true(jt_done(t));
  if (0 != strcmp(want, t->s)) {
    fail_msg("keyed writer: %s\njansson:      %s", t->s, want);
  }
  assert_int_equal(strlen(t->s), t->len);
  free(want);
  json_decref(j);
  free(t->s);
}

static void keyed_writer_matches_jansson(void **state) {
  (void)state;
  struct jtext u = {0};
  jt_obj_open(&u);
  jt_putstringp(&u, "name", "Désain \"grafis\" \\ 🙂\n\x01/");
  jt_putintp(&u, "n", -42);
  jt_putboolp(&u, "yes", true);
  jt_putboolp(&u, "no", false);
  jt_putnullp(&u, "none");
  jt_arrp_open(&u, "empty");
  jt_arr_close(&u);
  jt_objp_open(&u, "nothing");
  jt_obj_close(&u);
  jt_arrp_open(&u, "list");
  jt_putint(&u, 1);
  jt_putstring(&u, "two");
  jt_obj_open(&u);
  struct jtext key = {0}; /* a key known at run time, written as jt_str writes it */
  jt_str(&key, "k\"ey\x02é");
  JT_LIT(&key, ":");
  jt_putstringp_q(&u, key.s, key.len, "v");
  free(key.s);
  jt_obj_close(&u);
  jt_arr_open(&u);
  jt_putnull(&u);
  jt_putbool(&u, true);
  jt_arr_close(&u);
  jt_putraw(&u, "{\"raw\":[1,2]}", 13);
  jt_arr_close(&u);
  jt_putintp(&u, "big", INT64_MIN);
  jt_obj_close(&u);
  json_t *j =
      json_pack("{s:s, s:I, s:b, s:b, s:n, s:[], s:{}, s:[i, s, {s:s}, [n, b], {s:[i, i]}], "
                "s:I}",
                "name", "Désain \"grafis\" \\ 🙂\n\x01/", "n", (json_int_t)-42, "yes", 1, "no", 0,
                "none", "empty", "nothing", "list", 1, "two", "k\"ey\x02é", "v", 1, "raw", 1, 2,
                "big", (json_int_t)INT64_MIN);
  expect_jansson(&u, j);

  /* top-level values of every kind */
  struct jtext v = {0};
  jt_putstring(&v, "x");
  expect_jansson(&v, json_string("x"));
  struct jtext w = {0};
  jt_arr_open(&w);
  jt_arr_close(&w);
  expect_jansson(&w, json_array());
  struct jtext x = {0};
  jt_putint(&x, 7);
  expect_jansson(&x, json_integer(7));
}

static void keyed_writer_refuses_misuse(void **state) {
  (void)state;
  struct jtext t = {0};
  jt_obj_open(&t);
  jt_putint(&t, 1); /* no key inside an object */
  assert_true(t.failed);
  free(t.s);

  struct jtext a = {0};
  jt_arr_open(&a);
  jt_putrawp(&a, "k", "1", 1); /* a key inside an array */
  assert_true(a.failed);
  free(a.s);

  struct jtext u = {0};
  jt_putintp(&u, "k", 1); /* a key at the top level */
  assert_true(u.failed);
  free(u.s);

  struct jtext v = {0};
  jt_obj_open(&v);
  jt_arr_close(&v); /* the wrong close */
  assert_true(v.failed);
  free(v.s);

  struct jtext w = {0};
  jt_arr_open(&w);
  jt_arr_close(&w);
  jt_arr_close(&w); /* nothing open */
  assert_true(w.failed);
  free(w.s);

  struct jtext x = {0};
  jt_putint(&x, 1);
  jt_putint(&x, 2); /* a second top-level value */
  assert_true(x.failed);
  free(x.s);

  struct jtext y = {0};
  jt_obj_open(&y);
  jt_putstringp(&y, "k", NULL); /* jansson refuses NULL strings too */
  assert_true(y.failed);
  free(y.s);

  struct jtext z = {0};
  jt_obj_open(&z);
  jt_putstringp(&z, "k", "bad \xc0\xaf UTF-8");
  assert_true(z.failed);
  free(z.s);

  struct jtext open = {0};
  jt_obj_open(&open); /* not closed: not a document */
  assert_false(open.failed);
  assert_false(jt_done(&open));
  free(open.s);

  struct jtext none = {0};
  assert_false(jt_done(&none)); /* nothing written */

  /* JT_MAX_DEPTH containers nest; one more fails */
  struct jtext d = {0};
  for (int i = 0; i < JT_MAX_DEPTH; i++) {
    jt_arr_open(&d);
  }
  assert_false(d.failed);
  for (int i = 0; i < JT_MAX_DEPTH; i++) {
    jt_arr_close(&d);
  }
  assert_true(jt_done(&d));
  assert_true(json_text_valid(d.s));
  free(d.s);
  struct jtext e = {0};
  for (int i = 0; i <= JT_MAX_DEPTH; i++) {
    jt_arr_open(&e);
  }
  assert_true(e.failed);
  free(e.s);
}

/* jt_str decides eight bytes at a time while none needs escaping or checking: every kind of
 * byte that does, at every position of strings longer and shorter than a word, is written
 * as jansson reads back the same string; a byte that is not UTF-8 anywhere fails the text. */
static void string_writer_every_position(void **state) {
  (void)state;
  static const char *const specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "é", "🙂"};
  for (size_t len = 0; len <= 40; len++) {
    for (size_t at = 0; at <= len; at++) {
      for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
        char text[64]; /* at 'a's, the special byte(s), len - at 'b's */
        size_t n = strlen(specials[k]);
        memset(text, 'a', at);
        memcpy(text + at, specials[k], n);
        memset(text + at + n, 'b', len - at);
        text[len + n] = '\0';
        struct jtext t = {0};
        jt_str(&t, text);
        assert_false(t.failed);
        json_t *back = json_loads(t.s, JSON_DECODE_ANY, NULL);
        if (NULL == back || 0 != strcmp(text, json_string_value(back))) {
          fail_msg("len %zu at %zu special %zu: %s", len, at, k, t.s);
        }
        json_decref(back);
        free(t.s);
      }
      char bad[64];
      memset(bad, 'a', len + 1);
      bad[at] = (char)0xff;
      bad[len + 1] = '\0';
      struct jtext u = {0};
      jt_str(&u, bad);
      assert_true(u.failed);
      free(u.s);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(valid_values),
      cmocka_unit_test(invalid_values),
      cmocka_unit_test(string_writer),
      cmocka_unit_test(string_writer_every_position),
      cmocka_unit_test(keyed_writer_matches_jansson),
      cmocka_unit_test(keyed_writer_refuses_misuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
