/*
 * Scoring rules: every item type, answer-shape checks, rubric marks, unit verdicts against the
 * cut score (including the exact boundary), PENDING while open items are unscored, and the
 * overall verdict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/score.h"

static const char exam_src[] =
    "format: 1\n"
    "id: TST-SCORE\n"
    "subsector: FSN\n"
    "title: Uji Skor\n"
    "title_en: Score Test\n"
    "scheme: Skema\n"
    "standard: SKKNI\n"
    "duration_minutes: 30\n"
    "validity_years: 3\n"
    "retake: {max_attempts: 3, cooldown_days: 0}\n"
    "units:\n"
    "  - code: U.001\n"
    "    title: Unit Objektif\n"
    "    cut_score: 70\n"
    "    elements:\n"
    "      - id: 1\n"
    "        title: E\n"
    "        kuk: [{id: \"1.1\", text: K}]\n"
    "    pools:\n"
    "      - id: P\n"
    "        draw: 6\n"
    "        items:\n"
    "          - {id: S1, type: single, kuk: [\"1.1\"], prompt: p, answer: b,\n"
    "             options: [{id: a, text: A}, {id: b, text: B}, {id: c, text: C}]}\n"
    "          - {id: M1, type: multiple, kuk: [\"1.1\"], points: 2, prompt: p, answer: [a, c],\n"
    "             options: [{id: a, text: A}, {id: b, text: B}, {id: c, text: C}, {id: d, "
    "text: D}]}\n"
    "          - {id: T1, type: truefalse, kuk: [\"1.1\"], prompt: p, answer: false}\n"
    "          - {id: N1, type: numeric, kuk: [\"1.1\"], prompt: p,\n"
    "             answer: {value: 12.5, tolerance: 0.5, unit: cm}}\n"
    "          - {id: SH1, type: short, kuk: [\"1.1\"], prompt: p,\n"
    "             answer: [\"Pita Ukur\", \"meteran jahit\"]}\n"
    "          - {id: O1, type: ordering, kuk: [\"1.1\"], prompt: p, answer: [c, a, b],\n"
    "             options: [{id: a, text: A}, {id: b, text: B}, {id: c, text: C}]}\n"
    "  - code: U.002\n"
    "    title: Unit Uraian\n"
    "    cut_score: 50\n"
    "    elements:\n"
    "      - id: 1\n"
    "        title: E\n"
    "        kuk: [{id: \"1.1\", text: K}]\n"
    "    pools:\n"
    "      - id: P\n"
    "        draw: 2\n"
    "        items:\n"
    "          - {id: OP1, type: open, kuk: [\"1.1\"], prompt: p,\n"
    "             rubric: [{id: R1, text: r, max_points: 3}, {id: R2, text: r, max_points: "
    "2}]}\n"
    "          - {id: S2, type: single, kuk: [\"1.1\"], prompt: p, answer: a,\n"
    "             options: [{id: a, text: A}, {id: b, text: B}]}\n";

struct fx {
  struct exam *exam;
  struct exam_form *form;
};

static int setup(void **state) {
  struct fx *fx = calloc(1, sizeof(*fx));
  struct exam_errors errs = {0};
  if (fx == NULL || exam_parse(&fx->exam, &errs, exam_src, sizeof(exam_src) - 1, "t", NULL)) {
    for (size_t i = 0; i < errs.n; i++) {
      print_error("%s\n", errs.lines[i]);
    }
    exam_errors_clear(&errs);
    free(fx);
    return -1;
  }
  if (exam_form_assemble(&fx->form, fx->exam, 42) != 0) {
    return -1;
  }
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  struct fx *fx = *state;
  exam_form_free(fx->form);
  exam_free(fx->exam);
  free(fx);
  return 0;
}

static const struct exam_item *item(void **state, const char *id) {
  struct fx *fx = *state;
  const struct exam_item *it = exam_find_item(fx->exam, id, NULL);
  assert_non_null(it);
  return it;
}

/* Scores the answer given as JSON text. */
static double sc(const struct exam_item *it, const char *json) {
  json_error_t e;
  json_t *v = json_loads(json, JSON_DECODE_ANY, &e);
  assert_non_null(v);
  double r = score_item(it, v);
  json_decref(v);
  return r;
}

static bool shape(const struct exam_item *it, const char *json) {
  json_error_t e;
  char err[128];
  json_t *v = json_loads(json, JSON_DECODE_ANY, &e);
  assert_non_null(v);
  bool ok = score_answer_shape_ok(it, v, err, sizeof(err));
  json_decref(v);
  return ok;
}

static void test_single(void **state) {
  const struct exam_item *it = item(state, "S1");
  assert_true(sc(it, "\"b\"") == 1.0);
  assert_true(sc(it, "\"a\"") == 0.0);
  assert_true(sc(it, "\"zz\"") == 0.0); /* unknown id: wrong, not an error */
  assert_true(sc(it, "null") == 0.0);
  assert_true(score_item(it, NULL) == 0.0);
  assert_true(sc(it, "[\"b\"]") == 0.0); /* wrong shape scores 0 */
}

static void test_multiple_partial_credit(void **state) {
  const struct exam_item *it = item(state, "M1"); /* key a,c; 2 points */
  assert_true(sc(it, "[\"a\",\"c\"]") == 2.0);
  assert_true(sc(it, "[\"c\",\"a\"]") == 2.0);
  assert_true(sc(it, "[\"a\"]") == 1.0);
  assert_true(sc(it, "[\"a\",\"b\"]") == 0.0);
  assert_true(sc(it, "[\"a\",\"c\",\"b\"]") == 1.0);
  assert_true(sc(it, "[\"a\",\"a\"]") == 1.0);             /* repeats count once */
  assert_true(sc(it, "[\"a\",\"c\",\"zz\"]") == 1.0);      /* unknown id is a wrong choice */
  assert_true(sc(it, "[\"b\",\"d\"]") == 0.0);             /* never negative */
  assert_true(sc(it, "[\"a\",\"b\",\"c\",\"d\"]") == 0.0); /* choosing all earns nothing */
  assert_true(sc(it, "[]") == 0.0);
}

static void test_truefalse(void **state) {
  const struct exam_item *it = item(state, "T1"); /* key false */
  assert_true(sc(it, "false") == 1.0);
  assert_true(sc(it, "true") == 0.0);
  assert_true(sc(it, "\"false\"") == 0.0);
}

static void test_numeric_tolerance(void **state) {
  const struct exam_item *it = item(state, "N1"); /* 12.5 +- 0.5 */
  assert_true(sc(it, "12.5") == 1.0);
  assert_true(sc(it, "12") == 1.0);
  assert_true(sc(it, "13.0") == 1.0);
  assert_true(sc(it, "13.01") == 0.0);
  assert_true(sc(it, "11.99") == 0.0);
  assert_true(sc(it, "-12.5") == 0.0);
  /* Text as typed is read by numeric_parse: Indonesian and English decimal marks alike. */
  assert_true(sc(it, "\"12,5\"") == 1.0);
  assert_true(sc(it, "\" 12.5 \"") == 1.0);
  assert_true(sc(it, "\"13,01\"") == 0.0);
  /* Text that does not read is no answer, never a guess. */
  assert_true(sc(it, "\"dua belas koma lima\"") == 0.0);
  assert_true(sc(it, "\"12,5,0\"") == 0.0);
  assert_true(sc(it, "\"\"") == 0.0);
}

static void test_short_normalisation(void **state) {
  const struct exam_item *it = item(state, "SH1");
  assert_true(sc(it, "\"pita ukur\"") == 1.0);
  assert_true(sc(it, "\"  PITA   ukur \"") == 1.0);
  assert_true(sc(it, "\"\\uff30\\uff29\\uff34\\uff21 \\uff35\\uff2b\\uff35\\uff32\"") == 1.0);
  assert_true(sc(it, "\"pita\\u00a0ukur\"") == 1.0); /* no-break space is a space */
  assert_true(sc(it, "\"Meteran\\tJahit\"") == 1.0);
  assert_true(sc(it, "\"pita ukurr\"") == 0.0);
  assert_true(sc(it, "\"pitaukur\"") == 0.0);
  assert_true(sc(it, "\"\"") == 0.0);
}

static void test_ordering_exact_only(void **state) {
  const struct exam_item *it = item(state, "O1"); /* key c,a,b */
  assert_true(sc(it, "[\"c\",\"a\",\"b\"]") == 1.0);
  assert_true(sc(it, "[\"a\",\"b\",\"c\"]") == 0.0);
  assert_true(sc(it, "[\"c\",\"a\"]") == 0.0);
  assert_true(sc(it, "[\"c\",\"a\",\"b\",\"b\"]") == 0.0);
  assert_true(sc(it, "[\"c\",\"c\",\"c\"]") == 0.0);
}

static void test_answer_shapes(void **state) {
  assert_true(shape(item(state, "S1"), "\"a\""));
  assert_true(shape(item(state, "S1"), "null"));
  assert_false(shape(item(state, "S1"), "1"));
  assert_false(shape(item(state, "S1"), "[\"a\"]"));
  assert_true(shape(item(state, "M1"), "[]"));
  assert_false(shape(item(state, "M1"), "\"a\""));
  assert_false(shape(item(state, "M1"), "[1]"));
  assert_true(shape(item(state, "T1"), "true"));
  assert_false(shape(item(state, "T1"), "\"true\""));
  assert_false(shape(item(state, "T1"), "0"));
  assert_true(shape(item(state, "N1"), "3"));
  assert_true(shape(item(state, "N1"), "3.25"));
  assert_true(shape(item(state, "N1"), "\"3,25\"")); /* text as typed, read as a number */
  assert_false(shape(item(state, "N1"), "\"tiga\""));
  assert_false(shape(item(state, "N1"), "\"1.234\"")); /* N1 allows decimals: ambiguous */
  assert_false(shape(item(state, "N1"), "true"));
  assert_true(shape(item(state, "SH1"), "\"x\""));
  assert_false(shape(item(state, "SH1"), "{}"));
  assert_false(shape(item(state, "O1"), "{\"a\":1}"));
  assert_true(shape(item(state, "OP1"), "\"uraian\""));
  assert_false(shape(item(state, "OP1"), "[\"uraian\"]"));
  char err[128];
  assert_false(score_answer_shape_ok(item(state, "S1"), NULL, err, sizeof(err)));
  /* Too long for a short answer, fine for an open one. */
  size_t len = SCORE_MAX_SHORT_ANSWER + 1;
  char *big = malloc(len + 1);
  assert_non_null(big);
  memset(big, 'x', len);
  big[len] = '\0';
  json_t *v = json_string(big);
  assert_false(score_answer_shape_ok(item(state, "SH1"), v, err, sizeof(err)));
  assert_true(score_answer_shape_ok(item(state, "OP1"), v, err, sizeof(err)));
  json_decref(v);
  /* An embedded NUL is refused. */
  v = json_stringn("a\0b", 3);
  assert_false(score_answer_shape_ok(item(state, "SH1"), v, err, sizeof(err)));
  json_decref(v);
  /* Too many entries in a list. */
  v = json_array();
  for (int i = 0; i < 40; i++) {
    json_array_append_new(v, json_string("a"));
  }
  assert_false(score_answer_shape_ok(item(state, "M1"), v, err, sizeof(err)));
  json_decref(v);
  free(big);
}

static int open_marks(const struct exam_item *it, const char *json, double *out) {
  json_error_t e;
  char err[128];
  json_t *v = json_loads(json, JSON_DECODE_ANY, &e);
  assert_non_null(v);
  int rc = score_open_item(out, it, v, err, sizeof(err));
  json_decref(v);
  return rc;
}

static void test_open_marks(void **state) {
  const struct exam_item *it = item(state, "OP1"); /* R1 max 3, R2 max 2 */
  double p = -1;
  assert_int_equal(it->points, 5);
  assert_int_equal(open_marks(it, "{\"R1\":3,\"R2\":1}", &p), 0);
  assert_true(p == 4.0);
  assert_int_equal(open_marks(it, "{\"R1\":0,\"R2\":0}", &p), 0);
  assert_true(p == 0.0);
  assert_int_equal(open_marks(it, "{\"R1\":3}", &p), -1);                   /* missing R2 */
  assert_int_equal(open_marks(it, "{\"R1\":4,\"R2\":1}", &p), -1);          /* above max */
  assert_int_equal(open_marks(it, "{\"R1\":-1,\"R2\":1}", &p), -1);         /* negative */
  assert_int_equal(open_marks(it, "{\"R1\":1.5,\"R2\":1}", &p), -1);        /* not whole */
  assert_int_equal(open_marks(it, "{\"R1\":1,\"R2\":1,\"R3\":1}", &p), -1); /* unknown */
  assert_int_equal(open_marks(it, "[1,1]", &p), -1);
  assert_int_equal(open_marks(item(state, "S1"), "{}", &p), -1); /* not an open item */
}

/* Builds an answers object where every U.001 item is right except those listed wrong. */
static json_t *answers_all_right(void) {
  json_error_t e;
  json_t *a = json_loads("{\"S1\":\"b\",\"M1\":[\"a\",\"c\"],\"T1\":false,\"N1\":12.4,"
                         "\"SH1\":\"pita ukur\",\"O1\":[\"c\",\"a\",\"b\"],\"S2\":\"a\","
                         "\"OP1\":\"uraian\"}",
                         0, &e);
  assert_non_null(a);
  return a;
}

static void test_unit_and_overall_verdicts(void **state) {
  struct fx *fx = *state;
  json_t *ans = answers_all_right();
  struct score_result *res = NULL;

  /* Open item unscored: U.001 decided, U.002 pending, overall pending. */
  assert_int_equal(score_form(&res, fx->form, ans, NULL), 0);
  assert_int_equal(res->nunits, 2);
  assert_int_equal(res->units[0].possible, 7);
  assert_true(res->units[0].earned == 7.0);
  assert_int_equal(res->units[0].verdict, VERDICT_K);
  assert_int_equal(res->units[1].verdict, VERDICT_PENDING);
  assert_int_equal(res->units[1].pending_items, 1);
  assert_int_equal(res->overall, VERDICT_PENDING);
  score_result_free(res);

  /* Marks in: U.002 = (1 + 4) / 6 = 83% >= 50 -> K, overall K. */
  json_error_t e;
  json_t *marks = json_loads("{\"OP1\":{\"R1\":3,\"R2\":1}}", 0, &e);
  assert_int_equal(score_form(&res, fx->form, ans, marks), 0);
  assert_int_equal(res->units[1].verdict, VERDICT_K);
  assert_int_equal(res->overall, VERDICT_K);
  score_result_free(res);

  /* Invalid marks leave the item pending rather than guessing. */
  json_t *bad = json_loads("{\"OP1\":{\"R1\":9,\"R2\":1}}", 0, &e);
  assert_int_equal(score_form(&res, fx->form, ans, bad), 0);
  assert_int_equal(res->units[1].verdict, VERDICT_PENDING);
  score_result_free(res);
  json_decref(bad);

  /* Boundary: U.001 worth 7; 70% needs 4.9. Drop O1 and T1 (-2 -> 5/7 = 71.4%): K. */
  json_object_set_new(ans, "O1", json_null());
  json_object_set_new(ans, "T1", json_true());
  assert_int_equal(score_form(&res, fx->form, ans, marks), 0);
  assert_int_equal(res->units[0].verdict, VERDICT_K);
  score_result_free(res);
  /* Also drop S1 (4/7 = 57%): BK; U.002 K; overall BK. */
  json_object_del(ans, "S1");
  assert_int_equal(score_form(&res, fx->form, ans, marks), 0);
  assert_int_equal(res->units[0].verdict, VERDICT_BK);
  assert_true(fabs(res->units[0].percent - 400.0 / 7.0) < 1e-9);
  assert_int_equal(res->overall, VERDICT_BK);
  score_result_free(res);
  /* BK in one unit but another pending: overall pending. */
  assert_int_equal(score_form(&res, fx->form, ans, NULL), 0);
  assert_int_equal(res->units[0].verdict, VERDICT_BK);
  assert_int_equal(res->overall, VERDICT_PENDING);
  score_result_free(res);

  /* Exactly at the cut: U.002 cut 50 over 6 points; S2 wrong and marks 3 -> 3/6 = 50%: K. */
  json_object_set_new(ans, "S2", json_string("b"));
  json_t *half = json_loads("{\"OP1\":{\"R1\":3,\"R2\":0}}", 0, &e);
  assert_int_equal(score_form(&res, fx->form, ans, half), 0);
  assert_true(res->units[1].percent == 50.0);
  assert_int_equal(res->units[1].verdict, VERDICT_K);
  score_result_free(res);
  json_t *below = json_loads("{\"OP1\":{\"R1\":2,\"R2\":0}}", 0, &e);
  assert_int_equal(score_form(&res, fx->form, ans, below), 0);
  assert_int_equal(res->units[1].verdict, VERDICT_BK);
  /* The JSON summary names verdicts and never per-item keys. */
  json_t *j = score_result_json(res, fx->form);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "overall")), "BK");
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(json_object_get(j, "units"), 1), "verdict")),
      "BK");
  json_decref(j);
  score_result_free(res);

  /* No answers at all: everything objective is 0 -> BK, open pending. */
  assert_int_equal(score_form(&res, fx->form, NULL, NULL), 0);
  assert_true(res->units[0].earned == 0.0);
  assert_int_equal(res->units[0].verdict, VERDICT_BK);
  assert_int_equal(res->overall, VERDICT_PENDING);
  score_result_free(res);

  json_decref(half);
  json_decref(below);
  json_decref(marks);
  json_decref(ans);
}

static void test_verdict_names(void **state) {
  (void)state;
  assert_string_equal(verdict_name(VERDICT_K), "K");
  assert_string_equal(verdict_name(VERDICT_BK), "BK");
  assert_string_equal(verdict_name(VERDICT_PENDING), "PENDING");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single),
      cmocka_unit_test(test_multiple_partial_credit),
      cmocka_unit_test(test_truefalse),
      cmocka_unit_test(test_numeric_tolerance),
      cmocka_unit_test(test_short_normalisation),
      cmocka_unit_test(test_ordering_exact_only),
      cmocka_unit_test(test_answer_shapes),
      cmocka_unit_test(test_open_marks),
      cmocka_unit_test(test_unit_and_overall_verdicts),
      cmocka_unit_test(test_verdict_names),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
