/*
 * Fuzz target for the exam loader: any bytes must give either an exam or a list of
 * file:line:column errors, never a crash, a leak or undefined behaviour. A loaded exam is
 * also assembled into a form, scored with no answers and rendered for the candidate, so the
 * whole pipeline downstream of the parser sees odd but valid exams.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct exam_errors errs = {0};
  struct exam *exam = NULL;
  if (0 == exam_parse(&exam, &errs, (const char *)data, size, "fuzz", NULL)) {
    struct exam_form *form = NULL;
    if (0 == exam_form_assemble(&form, exam, size)) {
      json_t *j = exam_form_candidate_json(form);
      json_decref(j);
      struct score_result *res = NULL;
      if (0 == score_form(&res, form, NULL, NULL)) {
        score_result_free(res);
      }
      exam_form_free(form);
    }
    exam_free(exam);
  } else if (0 == errs.n) {
    __builtin_trap(); /* a failure must say why */
  }
  exam_errors_clear(&errs);
  return 0;
}
