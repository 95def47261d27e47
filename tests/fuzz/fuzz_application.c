/*
 * Fuzzes the application's and the observation sheet's checks of outside input (the JSON
 * bodies of POST /api/exams/:id/application and PUT .../observations/:unit/:kuk) with
 * arbitrary bytes read as JSON: applicant_personal_check, applicant_self_check against a
 * small exam with a written and an observation unit, observation_record_check on each KUK.
 * They must never crash or leak; what they accept keeps its promises: a NIK that passes is
 * valid and never left in the clean copy, a self-assessment names every element, a record's
 * notes are at most OBSERVATION_MAX_NOTES bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/applicant.h"
#include "ujikom/exam.h"
#include "ujikom/observation.h"

#include "test_exam_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char exam_text[] = TEST_EXAM_OBSERVED("FUZ-APL");

static struct exam *exam;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (NULL == exam) {
    struct exam_errors errs = {0};
    if (0 != exam_parse(&exam, &errs, exam_text, sizeof exam_text - 1, "fuzz", NULL)) {
      abort();
    }
    exam_errors_clear(&errs);
  }
  json_t *in = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
  if (NULL == in) {
    return 0;
  }
  char err[300], nik[APPLICANT_NIK_LEN + 1];
  json_t *out = NULL;
  const json_t *personal = json_is_object(in) ? json_object_get(in, "personal") : in;
  if (0 == applicant_personal_check(&out, nik, personal, err, sizeof err)) {
    if (!applicant_nik_valid(nik) || NULL != json_object_get(out, "nik") ||
        7 != json_object_size(out)) {
      abort();
    }
    json_decref(out);
  }
  const json_t *self = json_is_object(in) ? json_object_get(in, "self_assessment") : in;
  if (0 == applicant_self_check(&out, exam, self, err, sizeof err)) {
    if (json_object_size(out) != exam->nunits) {
      abort();
    }
    for (size_t u = 0; u < exam->nunits; u++) {
      if (json_object_size(json_object_get(out, exam->units[u].code)) != exam->units[u].nelements) {
        abort();
      }
    }
    json_decref(out);
  }
  static const char *const kuks[] = {"1.1", "1.2", "2.1", "9.9"};
  for (size_t k = 0; k < sizeof kuks / sizeof kuks[0]; k++) {
    struct observation_record rec;
    for (size_t u = 0; u < exam->nunits; u++) {
      if (0 == observation_record_check(&rec, &exam->units[u], kuks[k], in, err, sizeof err) &&
          (!exam_unit_is_observed(&exam->units[u]) || strlen(rec.notes) > OBSERVATION_MAX_NOTES ||
           NULL == exam_unit_kuk(&exam->units[u], kuks[k]))) {
        abort();
      }
    }
  }
  json_decref(in);
  return 0;
}
