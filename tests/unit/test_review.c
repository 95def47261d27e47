/*
 * The rules of a review decision (pure core): marks against rubrics, overrides and their
 * reasons, the overall outcome, feedback for BK, and an administrator's change. Uses a small
 * exam with one objective unit (two one-point items, cut 50) and one essay unit (rubric R1
 * max 4, with level descriptors at 4 and 1, + R2 max 2, cut 50).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/review.h"

static const char exam_yaml[] = "format: 1\n"
                                "id: DKV-UJI-REVIEW\n"
                                "subsector: DKV\n"
                                "title: Uji Tinjauan Asesor\n"
                                "title_en: Assessor Review Test\n"
                                "scheme: Skema Uji\n"
                                "standard: SKKNI Uji\n"
                                "duration_minutes: 30\n"
                                "validity_years: 3\n"
                                "retake:\n"
                                "  max_attempts: 20\n"
                                "  cooldown_days: 0\n"
                                "units:\n"
                                "  - code: U.OBJ.001\n"
                                "    title: Unit Objektif\n"
                                "    cut_score: 50\n"
                                "    elements:\n"
                                "      - id: 1\n"
                                "        title: Elemen satu\n"
                                "        kuk:\n"
                                "          - id: \"1.1\"\n"
                                "            text: Kriteria satu.\n"
                                "    pools:\n"
                                "      - id: P1\n"
                                "        draw: 2\n"
                                "        items:\n"
                                "          - id: OBJ-1\n"
                                "            type: single\n"
                                "            kuk: [\"1.1\"]\n"
                                "            prompt: Warna primer cahaya adalah?\n"
                                "            options:\n"
                                "              - id: a\n"
                                "                text: Merah, hijau, biru\n"
                                "              - id: b\n"
                                "                text: Merah, kuning, biru\n"
                                "            answer: a\n"
                                "          - id: OBJ-2\n"
                                "            type: single\n"
                                "            kuk: [\"1.1\"]\n"
                                "            prompt: Satuan resolusi cetak adalah?\n"
                                "            options:\n"
                                "              - id: a\n"
                                "                text: dpi\n"
                                "              - id: b\n"
                                "                text: fps\n"
                                "            answer: a\n"
                                "  - code: U.ESS.002\n"
                                "    title: Unit Esai\n"
                                "    cut_score: 50\n"
                                "    elements:\n"
                                "      - id: 1\n"
                                "        title: Elemen esai\n"
                                "        kuk:\n"
                                "          - id: \"1.1\"\n"
                                "            text: Kriteria esai.\n"
                                "    pools:\n"
                                "      - id: P2\n"
                                "        draw: 1\n"
                                "        items:\n"
                                "          - id: ESS-1\n"
                                "            type: open\n"
                                "            kuk: [\"1.1\"]\n"
                                "            prompt: Jelaskan prinsip hierarki visual.\n"
                                "            rubric:\n"
                                "              - id: R1\n"
                                "                text: Menjelaskan urutan baca\n"
                                "                max_points: 4\n"
                                "                levels:\n"
                                "                  - {points: 4, text: Runtut dan lengkap}\n"
                                "                  - {points: 1, text: Sebagian}\n"
                                "              - id: R2\n"
                                "                text: Memberi contoh\n"
                                "                max_points: 2\n";

struct fixture {
  struct exam *exam;
  struct exam_form *form;
  json_t *answers;
};

static int setup(void **state) {
  struct fixture *f = calloc(1, sizeof *f);
  struct exam_errors errs = {0};
  if (NULL == f) {
    return -1;
  }
  if (0 != exam_parse(&f->exam, &errs, exam_yaml, sizeof exam_yaml - 1, "review.exam.yaml", NULL) ||
      0 != exam_form_assemble(&f->form, f->exam, 42)) {
    for (size_t i = 0; i < errs.n; i++) {
      fprintf(stderr, "%s\n", errs.lines[i]);
    }
    exam_errors_clear(&errs);
    exam_free(f->exam);
    free(f);
    return -1;
  }
  /* Both objective items right, the essay answered. */
  f->answers = json_pack("{s:s, s:s, s:s}", "OBJ-1", "a", "OBJ-2", "a", "ESS-1",
                         "Hierarki visual mengatur urutan baca.");
  *state = f;
  return NULL == f->answers ? -1 : 0;
}

static int teardown(void **state) {
  struct fixture *f = *state;
  json_decref(f->answers);
  exam_form_free(f->form);
  exam_free(f->exam);
  free(f);
  return 0;
}

/* Runs review_decide on a JSON body (assessor) and returns the status. */
static enum review_status decide(struct fixture *f, const char *body_text,
                                 struct review_outcome *out, char *why, size_t whylen) {
  json_error_t e;
  json_t *body = json_loads(body_text, 0, &e);
  struct review_request rq;
  enum review_status st;
  if (NULL == body) {
    fail_msg("bad test JSON: %s", e.text);
  }
  rq = (struct review_request){.items = json_object_get(body, "items"),
                               .units = json_object_get(body, "units"),
                               .overall = json_object_get(body, "overall"),
                               .feedback = json_object_get(body, "feedback")};
  st = review_decide(out, f->form, f->answers, &rq, why, whylen);
  json_decref(body);
  return st;
}

#define FULL "{\"ESS-1\":{\"criteria\":{\"R1\":4,\"R2\":2},\"comment\":\"Lengkap.\"}}"
#define LOW  "{\"ESS-1\":{\"criteria\":{\"R1\":1,\"R2\":0}}}"

static void test_k_decision(void **state) {
  struct fixture *f = *state;
  struct review_outcome o;
  char why[300];
  json_t *units = NULL, *result = NULL;
  assert_int_equal(REVIEW_OK,
                   decide(f, "{\"items\":" FULL ",\"overall\":\"K\"}", &o, why, sizeof why));
  assert_int_equal(VERDICT_K, o.overall);
  assert_null(o.feedback);
  units = json_loads(o.units, 0, NULL);
  assert_string_equal(
      "K", json_string_value(json_object_get(json_object_get(units, "U.ESS.002"), "outcome")));
  result = json_loads(o.result, 0, NULL);
  assert_string_equal("K", json_string_value(json_object_get(result, "overall")));
  assert_non_null(strstr(o.items, "\"points\":6"));
  json_decref(units);
  json_decref(result);
  review_outcome_free(&o);
}

static void test_refusals(void **state) {
  struct fixture *f = *state;
  struct review_outcome o;
  char why[300];
  static const struct {
    const char *body;
    enum review_status st;
    const char *mention;
  } cases[] = {
      {"{\"items\":{\"ESS-1\":{\"criteria\":{\"R1\":5,\"R2\":2}}},\"overall\":\"K\"}",
       REVIEW_BAD_MARKS, "ESS-1"},
      {"{\"items\":{\"ESS-1\":{\"criteria\":{\"R1\":4}}},\"overall\":\"K\"}", REVIEW_BAD_MARKS,
       "ESS-1"},
      {"{\"items\":{},\"overall\":\"K\"}", REVIEW_BAD_MARKS, "ESS-1"},
      {"{\"items\":{\"OBJ-1\":{\"criteria\":{}}},\"overall\":\"K\"}", REVIEW_BAD_MARKS, "OBJ-1"},
      {"{\"items\":[],\"overall\":\"K\"}", REVIEW_BAD_MARKS, "items"},
      {"{\"items\":" FULL "}", REVIEW_INVALID_FIELD, "overall"},
      {"{\"items\":" FULL ",\"overall\":\"BK\",\"feedback\":\"x\"}", REVIEW_INVALID_FIELD,
       "overall"},
      {"{\"items\":" LOW ",\"overall\":\"BK\"}", REVIEW_INVALID_FIELD, "feedback"},
      {"{\"items\":" FULL ",\"units\":{\"U.ESS.002\":{\"outcome\":\"BK\"}},\"overall\":\"BK\","
       "\"feedback\":\"x\"}",
       REVIEW_REASON_REQUIRED, "U.ESS.002"},
      {"{\"items\":" FULL ",\"units\":{\"NOPE\":{\"outcome\":\"K\"}},\"overall\":\"K\"}",
       REVIEW_INVALID_FIELD, "NOPE"},
      {"{\"items\":" FULL ",\"units\":{\"U.ESS.002\":\"K\"},\"overall\":\"K\"}",
       REVIEW_INVALID_FIELD, "U.ESS.002"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    enum review_status st = decide(f, cases[i].body, &o, why, sizeof why);
    if (cases[i].st != st) {
      fail_msg("case %zu: status %d, expected %d (%s)", i, (int)st, (int)cases[i].st, why);
    }
    if (NULL == strstr(why, cases[i].mention)) {
      fail_msg("case %zu: reason '%s' does not name '%s'", i, why, cases[i].mention);
    }
    assert_null(o.items);
  }
}

static void test_override_with_reason(void **state) {
  struct fixture *f = *state;
  struct review_outcome o;
  char why[300];
  assert_int_equal(REVIEW_OK,
                   decide(f,
                          "{\"items\":" FULL ",\"units\":{\"U.ESS.002\":{\"outcome\":\"BK\","
                          "\"reason\":\"Disalin.\"}},\"overall\":\"BK\",\"feedback\":\"Tulis "
                          "sendiri.\"}",
                          &o, why, sizeof why));
  assert_int_equal(VERDICT_BK, o.overall);
  assert_string_equal("Tulis sendiri.", o.feedback);
  assert_non_null(strstr(o.units, "\"automatic\":\"K\""));
  assert_non_null(strstr(o.units, "\"reason\":\"Disalin.\""));
  assert_non_null(strstr(o.result, "\"feedback\":\"Tulis sendiri.\""));
  review_outcome_free(&o);
}

static void test_admin_change(void **state) {
  struct fixture *f = *state;
  struct review_outcome o;
  char why[300];
  json_t *kept = json_loads(LOW, 0, NULL);
  json_t *units = json_loads("{\"U.ESS.002\":{\"outcome\":\"K\"}}", 0, NULL);
  json_t *overall = json_string("K");
  struct review_request rq = {
      .kept_items = kept, .units = units, .overall = overall, .kept_feedback = "Perlu latihan."};
  /* No reason: refused, whatever else is right. */
  assert_int_equal(REVIEW_REASON_REQUIRED,
                   review_decide(&o, f->form, f->answers, &rq, why, sizeof why));
  rq.reason_all = "Portofolio tambahan diperiksa.";
  assert_int_equal(REVIEW_OK, review_decide(&o, f->form, f->answers, &rq, why, sizeof why));
  assert_int_equal(VERDICT_K, o.overall);
  assert_string_equal("Perlu latihan.", o.feedback); /* kept from the earlier decision */
  assert_non_null(strstr(o.items, "\"R1\":1"));      /* the points are kept as they were */
  assert_non_null(strstr(o.units, "\"automatic\":\"BK\""));
  review_outcome_free(&o);
  json_decref(kept);
  json_decref(units);
  json_decref(overall);
}

/* One item's marks: per-criterion notes and the level the points match are kept; notes name
 * rubric criteria and are texts of at most REVIEW_MAX_COMMENT bytes. */
static void test_item_marks_notes_and_levels(void **state) {
  struct fixture *f = *state;
  const struct form_item *fi = exam_form_find_item(f->form, "ESS-1");
  json_t *out = NULL;
  double pts = -1;
  char why[300];
  char *big = malloc(REVIEW_MAX_COMMENT + 2);
  assert_non_null(fi);
  assert_non_null(big);
  memset(big, 'a', REVIEW_MAX_COMMENT + 1);
  big[REVIEW_MAX_COMMENT + 1] = '\0';
  json_t *v =
      json_pack("{s:{s:i, s:i}, s:{s:s, s:s}, s:s#}", "criteria", "R1", 1, "R2", 2, "notes", "R1",
                "Contoh kurang.", "R2", "", "comment", big, (size_t)REVIEW_MAX_COMMENT);
  assert_int_equal(REVIEW_OK, review_item_marks(&out, &pts, fi->item, v, why, sizeof why));
  assert_true(3.0 == pts);
  assert_string_equal("Contoh kurang.",
                      json_string_value(json_object_get(json_object_get(out, "notes"), "R1")));
  assert_null(json_object_get(json_object_get(out, "notes"), "R2")); /* empty: left out */
  assert_string_equal("Sebagian",
                      json_string_value(json_object_get(json_object_get(out, "levels"), "R1")));
  assert_null(json_object_get(json_object_get(out, "levels"), "R2")); /* no levels listed */
  assert_int_equal(REVIEW_MAX_COMMENT, json_string_length(json_object_get(out, "comment")));
  json_decref(out);
  /* a comment one byte over the limit */
  json_object_set_new(v, "comment", json_string(big));
  assert_int_equal(REVIEW_INVALID_FIELD,
                   review_item_marks(&out, &pts, fi->item, v, why, sizeof why));
  assert_null(out);
  json_object_del(v, "comment");
  /* a note on a criterion the rubric does not have */
  json_object_set_new(json_object_get(v, "notes"), "R9", json_string("?"));
  assert_int_equal(REVIEW_BAD_MARKS, review_item_marks(&out, &pts, fi->item, v, why, sizeof why));
  assert_non_null(strstr(why, "R9"));
  json_object_set_new(v, "notes", json_string("not an object"));
  assert_int_equal(REVIEW_BAD_MARKS, review_item_marks(&out, &pts, fi->item, v, why, sizeof why));
  /* the decision keeps the same shape */
  struct review_outcome o;
  assert_int_equal(
      REVIEW_OK,
      decide(
          f,
          "{\"items\":{\"ESS-1\":{\"criteria\":{\"R1\":4,\"R2\":2},\"notes\":{\"R2\":\"Baik.\"}}},"
          "\"overall\":\"K\"}",
          &o, why, sizeof why));
  assert_non_null(strstr(o.items, "\"levels\":{\"R1\":\"Runtut dan lengkap\"}"));
  assert_non_null(strstr(o.items, "\"notes\":{\"R2\":\"Baik.\"}"));
  review_outcome_free(&o);
  json_decref(v);
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_k_decision, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_override_with_reason, setup, teardown),
      cmocka_unit_test_setup_teardown(test_admin_change, setup, teardown),
      cmocka_unit_test_setup_teardown(test_item_marks_notes_and_levels, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
