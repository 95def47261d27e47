/*
 * The observation checklist (FR.IA.01) as pure rules: the exam format's observation units, a
 * save's body checked field by field, a unit's K/BK from its records, and the scorer and the
 * decision taking that outcome.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/observation.h"
#include "ujikom/review.h"
#include "ujikom/score.h"

#include "test_exam_fixture.h"

static const char exam_text[] = TEST_EXAM_OBSERVED("TST-OBS");

static struct exam *load_sample(void) {
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  int rc = exam_parse(&exam, &errs, exam_text, sizeof exam_text - 1, "observation", NULL);
  for (size_t k = 0; k < errs.n; k++) {
    print_error("%s\n", errs.lines[k]);
  }
  assert_int_equal(rc, 0);
  exam_errors_clear(&errs);
  return exam;
}

/* The format: an observation unit has elements and KUKs, no pools, and a cut of 100; the
 * exam says it requires an application. */
static void test_format(void **state) {
  (void)state;
  struct exam *x = load_sample();
  assert_true(x->requires_application);
  assert_int_equal(x->nunits, 2);
  assert_false(exam_unit_is_observed(&x->units[0]));
  const struct exam_unit *u = &x->units[1];
  assert_true(exam_unit_is_observed(u));
  assert_int_equal(u->npools, 0);
  assert_int_equal(u->cut_score, 100);
  assert_int_equal(exam_unit_kuk_count(u), 3);
  assert_string_equal(exam_unit_kuk(u, "2.1")->text, "Klowongan rata.");
  assert_null(exam_unit_kuk(u, "3.1"));
  assert_ptr_equal(exam_find_unit(x, "U.OBS", NULL), u);
  assert_null(exam_find_unit(x, "NO.SUCH", NULL));
  /* A form draws nothing from it. */
  struct exam_form *form = NULL;
  assert_int_equal(0, exam_form_assemble(&form, x, 42));
  assert_int_equal(form->units[1].nitems, 0);
  exam_form_free(form);
  exam_free(x);
}

/* K when every KUK is observed, BK when all are recorded and one is not, pending otherwise. */
static void test_unit_verdict(void **state) {
  (void)state;
  struct exam *x = load_sample();
  const struct exam_unit *u = &x->units[1];
  size_t observed = 99, missing = 99;
  assert_int_equal(VERDICT_PENDING, observation_unit_verdict(u, NULL, &observed, &missing));
  assert_int_equal(observed, 0);
  assert_int_equal(missing, 3);
  json_t *m = json_pack("{s:b, s:b}", "1.1", 1, "1.2", 1);
  assert_int_equal(VERDICT_PENDING, observation_unit_verdict(u, m, &observed, &missing));
  assert_int_equal(missing, 1);
  json_object_set_new(m, "2.1", json_true());
  assert_int_equal(VERDICT_K, observation_unit_verdict(u, m, &observed, &missing));
  assert_int_equal(observed, 3);
  json_object_set_new(m, "1.2", json_false());
  assert_int_equal(VERDICT_BK, observation_unit_verdict(u, m, &observed, &missing));
  assert_int_equal(observed, 2);
  assert_int_equal(missing, 0);
  /* A record of a KUK the unit lacks changes nothing; a value that is no boolean is none. */
  json_object_set_new(m, "9.9", json_true());
  json_object_set_new(m, "1.2", json_string("yes"));
  assert_int_equal(VERDICT_PENDING, observation_unit_verdict(u, m, &observed, &missing));
  assert_int_equal(missing, 1);
  json_decref(m);
  exam_free(x);
}

static int check(const struct exam_unit *u, const char *kuk, const char *body_text, char *err) {
  struct observation_record rec;
  json_t *body = json_loads(body_text, 0, NULL);
  int rc = observation_record_check(&rec, u, kuk, body, err, 200);
  json_decref(body);
  return rc;
}

/* A save's body: each field checked, nothing else accepted. */
static void test_record_check(void **state) {
  (void)state;
  struct exam *x = load_sample();
  const struct exam_unit *u = &x->units[1];
  char err[200];
  struct observation_record rec;
  json_t *ok = json_pack("{s:b, s:s, s:I, s:s}", "observed", 1, "notes", "Rapi.\nTanpa tetesan.",
                         "recorded_at", (json_int_t)1767225600000, "op", "op-abcdefgh");
  assert_int_equal(0, observation_record_check(&rec, u, "1.2", ok, err, sizeof err));
  assert_true(rec.observed);
  assert_string_equal(rec.notes, "Rapi.\nTanpa tetesan.");
  assert_int_equal(rec.recorded_ms, 1767225600000);
  assert_string_equal(rec.op, "op-abcdefgh");
  /* a written unit, an unknown KUK */
  assert_int_equal(-1, observation_record_check(&rec, &x->units[0], "1.1", ok, err, sizeof err));
  assert_non_null(strstr(err, "unit"));
  assert_int_equal(-1, observation_record_check(&rec, u, "3.1", ok, err, sizeof err));
  assert_non_null(strstr(err, "kuk"));
  json_decref(ok);
  static const struct {
    const char *body, *field;
  } bad[] = {
      {"[]", "body"},
      {"{\"observed\":1,\"recorded_at\":1767225600000,\"op\":\"op-abcdefgh\"}", "observed"},
      {"{\"observed\":true,\"recorded_at\":\"now\",\"op\":\"op-abcdefgh\"}", "recorded_at"},
      {"{\"observed\":true,\"recorded_at\":5,\"op\":\"op-abcdefgh\"}", "recorded_at"},
      {"{\"observed\":true,\"recorded_at\":1767225600000,\"op\":\"short\"}", "op"},
      {"{\"observed\":true,\"recorded_at\":1767225600000,\"op\":\"op with space\"}", "op"},
      {"{\"observed\":true,\"recorded_at\":1767225600000}", "op"},
      {"{\"observed\":true,\"notes\":\"a\\u0007b\",\"recorded_at\":1767225600000,\"op\":\"op-"
       "abcdefgh\"}",
       "notes"},
      {"{\"observed\":true,\"notes\":7,\"recorded_at\":1767225600000,\"op\":\"op-abcdefgh\"}",
       "notes"},
      {"{\"observed\":true,\"recorded_at\":1767225600000,\"op\":\"op-abcdefgh\",\"x\":1}", "body"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    assert_int_equal(-1, check(u, "1.1", bad[i].body, err));
    if (0 != strncmp(err, bad[i].field, strlen(bad[i].field))) {
      fail_msg("%s: expected a refusal of %s, got \"%s\"", bad[i].body, bad[i].field, err);
    }
  }
  /* notes of 2000 bytes pass, 2001 do not */
  char *notes = malloc(OBSERVATION_MAX_NOTES + 2);
  memset(notes, 'a', OBSERVATION_MAX_NOTES + 1);
  notes[OBSERVATION_MAX_NOTES + 1] = '\0';
  json_t *big = json_pack("{s:b, s:s, s:I, s:s}", "observed", 0, "notes", notes + 1, "recorded_at",
                          (json_int_t)1767225600000, "op", "op-abcdefgh");
  assert_int_equal(0, observation_record_check(&rec, u, "1.1", big, err, sizeof err));
  json_object_set_new(big, "notes", json_string(notes));
  assert_int_equal(-1, observation_record_check(&rec, u, "1.1", big, err, sizeof err));
  json_decref(big);
  free(notes);
  exam_free(x);
}

/* The scorer: the observation unit earns a point per KUK observed and is pending until each
 * is recorded; the decision takes its outcome, and refuses to decide it pending. */
static void test_score_and_decision(void **state) {
  (void)state;
  struct exam *x = load_sample();
  struct exam_form *form = NULL;
  struct score_result *res = NULL;
  assert_int_equal(0, exam_form_assemble(&form, x, 7));
  json_t *answers = json_pack("{s:b}", "Q1", 1); /* the right answer */
  assert_int_equal(0, score_form(&res, form, answers, NULL));
  assert_int_equal(VERDICT_K, res->units[0].verdict);
  assert_int_equal(VERDICT_PENDING, res->units[1].verdict);
  assert_int_equal(3, res->units[1].pending_items);
  assert_int_equal(VERDICT_PENDING, res->overall);
  score_result_free(res);

  json_t *obs = json_pack("{s:{s:b, s:b, s:b}}", "U.OBS", "1.1", 1, "1.2", 1, "2.1", 1);
  assert_int_equal(0, score_form_observed(&res, form, answers, NULL, obs));
  assert_int_equal(VERDICT_K, res->units[1].verdict);
  assert_true(res->units[1].earned == 3.0);
  assert_int_equal(3, res->units[1].possible);
  assert_int_equal(VERDICT_K, res->overall);
  json_t *j = score_result_json(res, form);
  assert_string_equal("observation",
                      json_string_value(json_object_get(
                          json_array_get(json_object_get(j, "units"), 1), "assessment")));
  assert_null(json_object_get(json_array_get(json_object_get(j, "units"), 0), "assessment"));
  json_decref(j);
  score_result_free(res);

  /* The decision: pending without records, K/BK with them. */
  struct review_outcome out;
  char err[300];
  json_t *overall = json_string("K"), *items = json_object();
  struct review_request rq = {.items = items, .overall = overall};
  assert_int_equal(REVIEW_INVALID_FIELD, review_decide(&out, form, answers, &rq, err, sizeof err));
  assert_non_null(strstr(err, "observation sheet has 3 KUK"));
  rq.observations = obs;
  assert_int_equal(REVIEW_OK, review_decide(&out, form, answers, &rq, err, sizeof err));
  assert_int_equal(VERDICT_K, out.overall);
  review_outcome_free(&out);
  json_object_set_new(json_object_get(obs, "U.OBS"), "2.1", json_false());
  assert_int_equal(REVIEW_INVALID_FIELD, review_decide(&out, form, answers, &rq, err, sizeof err));
  assert_non_null(strstr(err, "overall"));
  json_decref(overall);
  json_decref(items);
  json_decref(obs);
  json_decref(answers);
  exam_form_free(form);
  exam_free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_unit_verdict),
      cmocka_unit_test(test_record_check),
      cmocka_unit_test(test_score_and_decision),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
