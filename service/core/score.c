/*
 * Scoring: item, unit and overall results from a form, the candidate's answers and the
 * assessors' rubric marks. Pure functions; the rules are stated in the public header.
 */
#include "ujikom/score.h"

#include "ujikom/exam_text.h"
#include "ujikom/numeric.h"
#include "ujikom/observation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST_ANSWER 32

static bool string_list_ok(const json_t *v, char *err, size_t errlen) {
  if (!json_is_array(v)) {
    snprintf(err, errlen, "the answer must be a list of option ids");
    return false;
  }
  if (json_array_size(v) > MAX_LIST_ANSWER) {
    snprintf(err, errlen, "the answer lists too many options");
    return false;
  }
  for (size_t i = 0; i < json_array_size(v); i++) {
    const json_t *e = json_array_get(v, i);
    if (!json_is_string(e) || json_string_length(e) > 64) {
      snprintf(err, errlen, "every entry of the answer must be an option id");
      return false;
    }
  }
  return true;
}

/* An evidence answer is written by the server when an upload completes: the list of the
 * files handed in, each {"sha256": 64 lowercase hex digits, "name", "type", "size"}, at most
 * the item's max_files. */
static bool evidence_shape_ok(const struct exam_item *item, const json_t *v, char *err,
                              size_t errlen) {
  if (!json_is_array(v) || json_array_size(v) > (size_t)item->max_files) {
    snprintf(err, errlen, "the answer must be a list of at most %ld files", item->max_files);
    return false;
  }
  size_t i = 0;
  const json_t *f = NULL;
  json_array_foreach(v, i, f) {
    const char *h = json_string_value(json_object_get(f, "sha256"));
    if (NULL == h || 64 != strlen(h) || 64 != strspn(h, "0123456789abcdef") ||
        !json_is_string(json_object_get(f, "name")) ||
        !json_is_string(json_object_get(f, "type")) ||
        !json_is_integer(json_object_get(f, "size"))) {
      snprintf(err, errlen, "file %zu of the answer is not {sha256, name, type, size}", i + 1);
      return false;
    }
  }
  return true;
}

static bool text_ok(const json_t *v, size_t max, char *err, size_t errlen) {
  if (!json_is_string(v)) {
    snprintf(err, errlen, "the answer must be text");
    return false;
  }
  if (json_string_length(v) > max) {
    snprintf(err, errlen, "the answer is longer than %zu bytes", max);
    return false;
  }
  if (strlen(json_string_value(v)) != json_string_length(v)) {
    snprintf(err, errlen, "the answer must not contain NUL characters");
    return false;
  }
  return true;
}

bool score_item_whole(const struct exam_item *item) {
  return item->type == EXAM_ITEM_NUMERIC && floor(item->key_value) == item->key_value &&
         floor(item->key_tolerance) == item->key_tolerance;
}

enum numeric_rc score_numeric_answer(double *out, const struct exam_item *item,
                                     const json_t *value) {
  if (json_is_number(value)) {
    double x = json_number_value(value);
    if (!isfinite(x)) {
      return NUMERIC_NOT_DIGITS;
    }
    *out = x;
    return NUMERIC_OK;
  }
  if (!json_is_string(value)) {
    return NUMERIC_NOT_DIGITS;
  }
  return numeric_parse(out, json_string_value(value), json_string_length(value),
                       score_item_whole(item));
}

bool score_answer_shape_ok(const struct exam_item *item, const json_t *value, char *err,
                           size_t errlen) {
  if (value == NULL) {
    snprintf(err, errlen, "missing answer value");
    return false;
  }
  if (json_is_null(value)) {
    return true;
  }
  switch (item->type) {
  case EXAM_ITEM_SINGLE:
    if (!json_is_string(value) || json_string_length(value) > 64) {
      snprintf(err, errlen, "the answer must be one option id");
      return false;
    }
    return true;
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    return string_list_ok(value, err, errlen);
  case EXAM_ITEM_TRUEFALSE:
    if (!json_is_boolean(value)) {
      snprintf(err, errlen, "the answer must be true or false");
      return false;
    }
    return true;
  case EXAM_ITEM_NUMERIC: {
    double x;
    enum numeric_rc rc = score_numeric_answer(&x, item, value);
    if (NUMERIC_OK != rc) {
      snprintf(err, errlen, "%s", numeric_rc_message(rc));
      return false;
    }
    return true;
  }
  case EXAM_ITEM_SHORT:
    return text_ok(value, SCORE_MAX_SHORT_ANSWER, err, errlen);
  case EXAM_ITEM_OPEN:
    return text_ok(value, SCORE_MAX_OPEN_ANSWER, err, errlen);
  case EXAM_ITEM_EVIDENCE:
    return evidence_shape_ok(item, value, err, errlen);
  }
  snprintf(err, errlen, "unknown item type");
  return false;
}

static bool is_key(const struct exam_item *item, const char *id) {
  for (size_t k = 0; k < item->nkey_ids; k++) {
    if (strcmp(item->key_ids[k], id) == 0) {
      return true;
    }
  }
  return false;
}

static bool seen_before(const json_t *arr, size_t i) {
  const char *s = json_string_value(json_array_get(arr, i));
  for (size_t k = 0; k < i; k++) {
    const char *t = json_string_value(json_array_get(arr, k));
    if (t != NULL && s != NULL && strcmp(s, t) == 0) {
      return true;
    }
  }
  return false;
}

static double score_multiple(const struct exam_item *item, const json_t *v) {
  long correct = 0, wrong = 0;
  for (size_t i = 0; i < json_array_size(v); i++) {
    const char *s = json_string_value(json_array_get(v, i));
    if (s == NULL || seen_before(v, i)) {
      continue;
    }
    if (is_key(item, s)) {
      correct++;
    } else {
      wrong++;
    }
  }
  if (item->nkey_ids == 0 || correct <= wrong) {
    return 0.0;
  }
  return (double)(correct - wrong) / (double)item->nkey_ids * (double)item->points;
}

static double score_ordering(const struct exam_item *item, const json_t *v) {
  if (json_array_size(v) != item->nkey_ids) {
    return 0.0;
  }
  for (size_t i = 0; i < item->nkey_ids; i++) {
    const char *s = json_string_value(json_array_get(v, i));
    if (s == NULL || strcmp(s, item->key_ids[i]) != 0) {
      return 0.0;
    }
  }
  return (double)item->points;
}

static double score_short(const struct exam_item *item, const json_t *v) {
  char *norm = NULL;
  if (exam_text_normalize(&norm, json_string_value(v), json_string_length(v)) != 0) {
    return 0.0;
  }
  double res = 0.0;
  for (size_t i = 0; i < item->naccepted; i++) {
    if (strcmp(norm, item->accepted_norm[i]) == 0) {
      res = (double)item->points;
      break;
    }
  }
  free(norm);
  return res;
}

double score_item(const struct exam_item *item, const json_t *value) {
  char err[128];
  if (value == NULL || json_is_null(value) ||
      !score_answer_shape_ok(item, value, err, sizeof(err))) {
    return 0.0;
  }
  switch (item->type) {
  case EXAM_ITEM_SINGLE:
    return item->nkey_ids == 1 && strcmp(json_string_value(value), item->key_ids[0]) == 0
               ? (double)item->points
               : 0.0;
  case EXAM_ITEM_MULTIPLE:
    return score_multiple(item, value);
  case EXAM_ITEM_ORDERING:
    return score_ordering(item, value);
  case EXAM_ITEM_TRUEFALSE:
    return json_is_true(value) == item->key_bool ? (double)item->points : 0.0;
  case EXAM_ITEM_NUMERIC: {
    double x = 0.0;
    if (NUMERIC_OK != score_numeric_answer(&x, item, value)) {
      return 0.0;
    }
    double allowance = 1e-9 * fmax(1.0, fabs(item->key_value));
    return fabs(x - item->key_value) <= item->key_tolerance + allowance ? (double)item->points
                                                                        : 0.0;
  }
  case EXAM_ITEM_SHORT:
    return score_short(item, value);
  case EXAM_ITEM_OPEN:
  case EXAM_ITEM_EVIDENCE:
    return 0.0;
  }
  return 0.0;
}

int score_open_item(double *out, const struct exam_item *item, const json_t *marks, char *err,
                    size_t errlen) {
  *out = 0.0;
  if (!exam_item_is_open(item)) {
    snprintf(err, errlen, "item %s is not an open or evidence item", item->id);
    return -1;
  }
  if (!json_is_object(marks)) {
    snprintf(err, errlen, "marks must be an object of criterion id to points");
    return -1;
  }
  long total = 0;
  for (size_t r = 0; r < item->nrubric; r++) {
    const json_t *m = json_object_get(marks, item->rubric[r].id);
    if (!json_is_integer(m)) {
      snprintf(err, errlen, "criterion %s needs whole points", item->rubric[r].id);
      return -1;
    }
    json_int_t p = json_integer_value(m);
    if (p < 0 || p > item->rubric[r].max_points) {
      snprintf(err, errlen, "criterion %s must get 0 to %ld points", item->rubric[r].id,
               item->rubric[r].max_points);
      return -1;
    }
    total += (long)p;
  }
  /* Every criterion was found above, so any further key is one the rubric does not have. */
  if (json_object_size(marks) != item->nrubric) {
    snprintf(err, errlen, "marks name a criterion the rubric does not have");
    return -1;
  }
  *out = (double)total;
  return 0;
}

void score_result_free(struct score_result *res) {
  if (res == NULL) {
    return;
  }
  for (size_t u = 0; u < res->nunits; u++) {
    free(res->units[u].items);
  }
  free(res->units);
  free(res);
}

static enum verdict unit_verdict(const struct score_unit_result *ur) {
  if (ur->pending_items > 0) {
    return VERDICT_PENDING;
  }
  /* earned/possible >= cut/100, compared without dividing; allow for rounding in partial
   * credit sums. */
  double lhs = ur->earned * 100.0;
  double rhs = (double)ur->cut_score * (double)ur->possible;
  return lhs + 1e-9 >= rhs ? VERDICT_K : VERDICT_BK;
}

/* An observation unit's totals from its records (ujikom/observation.h): one point per KUK
 * observed out of one per KUK, pending while any KUK has no record. */
static void observed_unit(struct score_unit_result *ur, const struct exam_unit *unit,
                          const json_t *marks) {
  size_t observed = 0, missing = 0;
  ur->verdict = observation_unit_verdict(unit, marks, &observed, &missing);
  ur->earned = (double)observed;
  ur->possible = (long)exam_unit_kuk_count(unit);
  ur->pending_items = missing;
  ur->percent = ur->possible > 0 ? ur->earned * 100.0 / (double)ur->possible : 0.0;
}

int score_form(struct score_result **out, const struct exam_form *form, const json_t *answers,
               const json_t *open_marks) {
  return score_form_observed(out, form, answers, open_marks, NULL);
}

int score_form_observed(struct score_result **out, const struct exam_form *form,
                        const json_t *answers, const json_t *open_marks,
                        const json_t *observations) {
  *out = NULL;
  struct score_result *res = calloc(1, sizeof(*res));
  if (res == NULL) {
    return -1;
  }
  res->units = calloc(form->nunits ? form->nunits : 1, sizeof(*res->units));
  if (res->units == NULL) {
    free(res);
    return -1;
  }
  res->nunits = form->nunits;
  bool any_bk = false, any_pending = false;
  for (size_t u = 0; u < form->nunits; u++) {
    const struct form_unit *fu = &form->units[u];
    struct score_unit_result *ur = &res->units[u];
    ur->code = fu->unit->code;
    ur->cut_score = fu->unit->cut_score;
    ur->items = calloc(fu->nitems ? fu->nitems : 1, sizeof(*ur->items));
    if (ur->items == NULL) {
      score_result_free(res);
      return -1;
    }
    ur->nitems = fu->nitems;
    for (size_t i = 0; i < fu->nitems; i++) {
      const struct exam_item *item = fu->items[i].item;
      struct score_item_result *ir = &ur->items[i];
      ir->item_id = item->id;
      ir->possible = item->points;
      if (exam_item_is_open(item)) {
        const json_t *marks = open_marks ? json_object_get(open_marks, item->id) : NULL;
        char err[128];
        if (marks == NULL || score_open_item(&ir->earned, item, marks, err, sizeof(err)) != 0) {
          ir->pending = true;
          ir->earned = 0.0;
          ur->pending_items++;
        }
      } else {
        ir->earned = score_item(item, answers ? json_object_get(answers, item->id) : NULL);
      }
      ur->earned += ir->earned;
      ur->possible += ir->possible;
    }
    if (exam_unit_is_observed(fu->unit)) {
      observed_unit(ur, fu->unit,
                    observations == NULL ? NULL : json_object_get(observations, ur->code));
    } else {
      ur->percent = ur->possible > 0 ? ur->earned * 100.0 / (double)ur->possible : 0.0;
      ur->verdict = unit_verdict(ur);
    }
    any_bk = any_bk || ur->verdict == VERDICT_BK;
    any_pending = any_pending || ur->verdict == VERDICT_PENDING;
  }
  if (any_pending) {
    res->overall = VERDICT_PENDING;
  } else {
    res->overall = any_bk ? VERDICT_BK : VERDICT_K;
  }
  *out = res;
  return 0;
}

json_t *score_result_json(const struct score_result *res, const struct exam_form *form) {
  json_t *units = json_array();
  json_t *root = json_pack("{s:s, s:o}", "overall", verdict_name(res->overall), "units", units);
  if (root == NULL) {
    return NULL;
  }
  for (size_t u = 0; u < res->nunits; u++) {
    const struct score_unit_result *ur = &res->units[u];
    const struct exam_unit *unit = u < form->nunits ? form->units[u].unit : NULL;
    /* Percent rounded to one decimal so the JSON is stable across platforms. */
    double pct = round(ur->percent * 10.0) / 10.0;
    json_t *ju = json_pack("{s:s, s:s, s:f, s:I, s:f, s:I, s:s, s:I}", "code", ur->code, "title",
                           unit ? unit->title : "", "earned", ur->earned, "possible",
                           (json_int_t)ur->possible, "percent", pct, "cut_score",
                           (json_int_t)ur->cut_score, "verdict", verdict_name(ur->verdict),
                           "pending_items", (json_int_t)ur->pending_items);
    if (ju == NULL || json_array_append_new(units, ju) != 0 ||
        (unit != NULL && exam_unit_is_observed(unit) &&
         json_object_set_new(ju, "assessment", json_string("observation")) != 0)) {
      json_decref(root);
      return NULL;
    }
  }
  return root;
}
