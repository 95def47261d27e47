/*
 * The application's checks (FR.APL.01, FR.APL.02): the NIK, the personal data, the
 * self-assessment per element of every unit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/applicant.h"
#include "ujikom/exam.h"

#include "test_exam_fixture.h"

static void test_nik(void **state) {
  (void)state;
  static const char *const good[] = {
      "3171014508900003",                                         /* a woman: day 45 = 5 */
      "3273012301950002", "1101010101000001", "9471047112990001", /* day 71 = 31 (woman) */
  };
  static const char *const bad[] = {
      "",
      "317101450890000",   /* 15 digits */
      "31710145089000031", /* 17 */
      "3171014508900000",  /* serial 0000 */
      "1071014508900003",  /* province 10 */
      "9571014508900003",  /* province 95 */
      "3171010008900003",  /* day 00 */
      "3171013208900003",  /* day 32 */
      "3171014008900003",  /* day 40: neither */
      "3171017208900003",  /* day 72 */
      "3171014500900003",  /* month 00 */
      "3171014513900003",  /* month 13 */
      "31710145089O0003",  /* a letter O */
      "3171 14508900003",
      "+171014508900003",
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    if (!applicant_nik_valid(good[i])) {
      fail_msg("%s should be a valid NIK", good[i]);
    }
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (applicant_nik_valid(bad[i])) {
      fail_msg("\"%s\" should be refused", bad[i]);
    }
  }
  assert_false(applicant_nik_valid(NULL));
}

static json_t *personal(void) {
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "full_name", "  Dewi   Lestari ",
                   "birth_place", " Jakarta ", "birth_date", "1990-08-05", "address",
                   "Jl. Kemang Raya No. 10", "phone", "+62 812-3456-7890", "education", "SMK DKV",
                   "occupation", "Desainer lepas", "nik", "3171014508900003");
}

static void test_personal(void **state) {
  (void)state;
  char nik[APPLICANT_NIK_LEN + 1], err[300];
  json_t *out = NULL, *in = personal();
  assert_int_equal(0, applicant_personal_check(&out, nik, in, err, sizeof err));
  assert_string_equal(nik, "3171014508900003");
  assert_null(json_object_get(out, "nik"));
  assert_string_equal(json_string_value(json_object_get(out, "full_name")), "Dewi Lestari");
  assert_string_equal(json_string_value(json_object_get(out, "birth_place")), "Jakarta");
  assert_int_equal(json_object_size(out), 7);
  json_decref(out);

  static const struct {
    const char *field, *value;
  } bad[] = {
      {"nik", "3171014508900000"},
      {"nik", "12"},
      {"birth_date", "1990-02-30"},
      {"birth_date", "1899-12-31"},
      {"birth_date", "05-08-1990"},
      {"phone", "0812"},
      {"phone", "0812-ABC-7890"},
      {"phone", "0812+34567890"},
      {"birth_place", "   "},
      {"education", ""},
      {"occupation", "a\tb"},
      {"full_name", "\xe2\x80\xae"
                    "abc"},
      {"address", "Jl.\nBaru"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *b = personal();
    json_object_set_new(b, bad[i].field, json_string(bad[i].value));
    err[0] = '\0';
    if (0 == applicant_personal_check(&out, nik, b, err, sizeof err)) {
      fail_msg("%s \"%s\" should be refused", bad[i].field, bad[i].value);
    }
    assert_null(out);
    char want[64];
    snprintf(want, sizeof want, "personal.%s", bad[i].field);
    if (NULL == strstr(err, want) || NULL != strstr(err, "3171014508900000")) {
      fail_msg("%s: the reason \"%s\" should name %s and never the NIK", bad[i].value, err, want);
    }
    assert_string_equal(nik, ""); /* wiped */
    json_decref(b);
  }
  /* leap day, a missing field, another field, not an object */
  json_object_set_new(in, "birth_date", json_string("2000-02-29"));
  assert_int_equal(0, applicant_personal_check(&out, nik, in, err, sizeof err));
  json_decref(out);
  json_object_del(in, "phone");
  assert_int_equal(-1, applicant_personal_check(&out, nik, in, err, sizeof err));
  assert_string_equal(err, "personal.phone: required text");
  json_object_set_new(in, "phone", json_string("081234567890"));
  json_object_set_new(in, "religion", json_string("x"));
  assert_int_equal(-1, applicant_personal_check(&out, nik, in, err, sizeof err));
  assert_int_equal(-1, applicant_personal_check(&out, nik, json_null(), err, sizeof err));
  json_decref(in);
}

static const char small_exam[] = TEST_EXAM_OBSERVED("TST-APL");
/* The written unit's element, as every self-assessment below gives it. */
#define WRITTEN "\"U.001\":{\"1\":{\"answer\":\"dapat\",\"evidence\":\"Sertifikat.\"}},"

static void test_self_assessment(void **state) {
  (void)state;
  struct exam_errors errs = {0};
  struct exam *x = NULL;
  assert_int_equal(0, exam_parse(&x, &errs, small_exam, sizeof small_exam - 1, "s", NULL));
  char err[300];
  json_t *out = NULL;
  json_t *in =
      json_loads("{" WRITTEN "\"U.OBS\":{\"1\":{\"answer\":\"dapat\",\"evidence\":\"Foto kain.\"},"
                 "\"2\":{\"answer\":\"belum_dapat\"}}}",
                 0, NULL);
  assert_int_equal(0, applicant_self_check(&out, x, in, err, sizeof err));
  assert_string_equal("", json_string_value(json_object_get(
                              json_object_get(json_object_get(out, "U.OBS"), "2"), "evidence")));
  json_decref(out);
  static const struct {
    const char *text, *reason;
  } bad[] = {
      {"{}", "self_assessment: must name"},
      {"{" WRITTEN "\"U.OBS\":{\"1\":{\"answer\":\"dapat\",\"evidence\":\"x\"}}}",
       "self_assessment.U.OBS: must"},
      {"{" WRITTEN
       "\"U.OBS\":{\"1\":{\"answer\":\"dapat\",\"evidence\":\"x\"},\"3\":{\"answer\":\"dapat\"}}}",
       "self_assessment.U.OBS.2: missing"},
      {"{" WRITTEN
       "\"U.OBS\":{\"1\":{\"answer\":\"bisa\",\"evidence\":\"x\"},\"2\":{\"answer\":\"dapat\","
       "\"evidence\":\"y\"}}}",
       "self_assessment.U.OBS.1.answer"},
      {"{" WRITTEN
       "\"U.OBS\":{\"1\":{\"answer\":\"dapat\"},\"2\":{\"answer\":\"dapat\",\"evidence\":\"y\"}}}",
       "self_assessment.U.OBS.1.evidence"},
      {"{" WRITTEN
       "\"U.OBS\":{\"1\":{\"answer\":\"dapat\",\"evidence\":\"x\",\"files\":[]},\"2\":{\"answer\":"
       "\"dapat\",\"evidence\":\"y\"}}}",
       "self_assessment.U.OBS.1.evidence"},
      {"{" WRITTEN "\"U2\":{}}", "self_assessment.U.OBS: must"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *b = json_loads(bad[i].text, 0, NULL);
    assert_non_null(b);
    if (0 == applicant_self_check(&out, x, b, err, sizeof err) ||
        0 != strncmp(err, bad[i].reason, strlen(bad[i].reason))) {
      fail_msg("%s: expected \"%s...\", got \"%s\"", bad[i].text, bad[i].reason, err);
    }
    json_decref(b);
  }
  json_decref(in);
  exam_free(x);
  exam_errors_clear(&errs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nik),
      cmocka_unit_test(test_personal),
      cmocka_unit_test(test_self_assessment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
