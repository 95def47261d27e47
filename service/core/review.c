/*
 * Review decisions: checks an assessor's or administrator's decision against the attempt's
 * form and the automatic result, and builds the texts that are stored. Pure: the caller
 * loads and stores.
 */
#include "ujikom/review.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/json_compact.h"
#include "ujikom/score.h"

static enum review_status fail(enum review_status st, char *err, size_t errlen, const char *fmt,
                               ...) __attribute__((format(printf, 4, 5)));

static enum review_status fail(enum review_status st, char *err, size_t errlen, const char *fmt,
                               ...) {
  va_list ap;
  if (NULL != err && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return st;
}

/* A text value: absent/null gives *out = NULL (refused when required); otherwise a string
 * without NUL bytes of at most max bytes, non-empty when required. */
static enum review_status text_value(const json_t *v, const char *name, size_t max, bool required,
                                     const char **out, char *err, size_t errlen) {
  *out = NULL;
  if (NULL != v && !json_is_null(v)) {
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    size_t len = NULL != s ? json_string_length(v) : 0;
    if (NULL != s && strlen(s) == len && len <= max && (!required || len > 0)) {
      *out = s;
      return REVIEW_OK;
    }
  } else if (!required) {
    return REVIEW_OK;
  }
  return fail(REVIEW_INVALID_FIELD, err, errlen, "%s: %s text of at most %zu bytes is required.",
              name, required ? "a non-empty" : "a", max);
}

/* jansson's iteration API takes non-const objects though it does not modify them; the
 * casts below go through uintptr_t for that reason only. */

/* The per-criterion comments of an item's marks ({criterion: text}, or absent): each names a
 * criterion of the rubric and is a text of at most REVIEW_MAX_COMMENT bytes; empty ones are
 * left out of *out (an object, possibly empty). */
static enum review_status check_notes(json_t **out, const struct exam_item *it, const json_t *notes,
                                      char *err, size_t errlen) {
  const char *crit;
  json_t *v;
  *out = json_object();
  if (NULL == *out) {
    return REVIEW_NOMEM;
  }
  if (NULL != notes && !json_is_null(notes) && !json_is_object(notes)) {
    return fail(REVIEW_BAD_MARKS, err, errlen,
                "items.%.64s.notes: must be an object keyed by criterion id.", it->id);
  }
  json_object_foreach((json_t *)(uintptr_t)notes, crit, v) {
    const char *text = NULL;
    bool known = false;
    for (size_t c = 0; c < it->nrubric && !known; c++) {
      known = 0 == strcmp(it->rubric[c].id, crit);
    }
    if (!known) {
      return fail(REVIEW_BAD_MARKS, err, errlen,
                  "items.%.64s.notes: %.32s is not a criterion of the rubric.", it->id, crit);
    }
    enum review_status st = text_value(v, "notes", REVIEW_MAX_COMMENT, false, &text, err, errlen);
    if (REVIEW_OK != st) {
      return st;
    }
    if (NULL != text && '\0' != text[0] &&
        0 != json_object_set_new(*out, crit, json_string(text))) {
      return REVIEW_NOMEM;
    }
  }
  return REVIEW_OK;
}

/* The level descriptor each criterion's points match ({criterion: text}; criteria without
 * levels, or with points between levels, are left out). crit has been checked. */
static json_t *chosen_levels(const struct exam_item *it, const json_t *crit) {
  json_t *levels = json_object();
  for (size_t c = 0; NULL != levels && c < it->nrubric; c++) {
    const struct exam_level *lv = exam_criterion_level(
        &it->rubric[c], (long)json_integer_value(json_object_get(crit, it->rubric[c].id)));
    if (NULL != lv && 0 != json_object_set_new(levels, it->rubric[c].id, json_string(lv->text))) {
      json_decref(levels);
      return NULL;
    }
  }
  return levels;
}

enum review_status review_item_marks(json_t **out, double *out_points, const struct exam_item *it,
                                     const json_t *v, char *err, size_t errlen) {
  const json_t *crit = json_is_object(v) ? json_object_get(v, "criteria") : NULL;
  const char *comment = NULL;
  json_t *notes = NULL, *levels = NULL;
  char why[200];
  enum review_status st = REVIEW_BAD_MARKS;
  *out = NULL;
  *out_points = 0;
  if (!exam_item_is_open(it)) {
    return fail(REVIEW_BAD_MARKS, err, errlen,
                "items.%.64s: not an assessor-scored item of this form.", it->id);
  }
  if (NULL == crit || 0 != score_open_item(out_points, it, crit, why, sizeof why)) {
    return fail(REVIEW_BAD_MARKS, err, errlen, "items.%.64s.criteria: %s", it->id,
                NULL == crit ? "missing." : why);
  }
  st = text_value(json_object_get(v, "comment"), "comment", REVIEW_MAX_COMMENT, false, &comment,
                  err, errlen);
  if (REVIEW_OK == st) {
    st = check_notes(&notes, it, json_object_get(v, "notes"), err, errlen);
  }
  if (REVIEW_OK == st) {
    st = REVIEW_NOMEM;
    levels = chosen_levels(it, crit);
    if (NULL != levels) {
      *out = json_pack("{s:O, s:s?, s:f}", "criteria", crit, "comment", comment, "points",
                       *out_points);
    }
    if (NULL != *out) {
      st = REVIEW_OK;
      /* Only what was given: a decision without notes or levels reads as before. */
      if (json_object_size(notes) > 0) {
        json_object_set(*out, "notes", notes);
      }
      if (json_object_size(levels) > 0) {
        json_object_set(*out, "levels", levels);
      }
    }
  }
  json_decref(notes);
  json_decref(levels);
  return st;
}

/* Assessor marks: every open item of the form marked, criteria as the rubric says. Fills
 * *out_marks ({item: criteria}, for the scorer) and *out_stored (what is kept). */
static enum review_status check_marks(const struct exam_form *form, const json_t *items,
                                      json_t *marks, json_t *stored, char *err, size_t errlen) {
  const char *id;
  json_t *v;
  if (!json_is_object(items)) {
    return fail(REVIEW_BAD_MARKS, err, errlen, "items: must be an object keyed by item id.");
  }
  json_object_foreach((json_t *)(uintptr_t)items, id, v) {
    const struct form_item *fi = exam_form_find_item(form, id);
    json_t *kept = NULL;
    double pts = 0;
    if (NULL == fi) {
      return fail(REVIEW_BAD_MARKS, err, errlen,
                  "items.%.64s: not an assessor-scored item of this form.", id);
    }
    enum review_status st = review_item_marks(&kept, &pts, fi->item, v, err, errlen);
    if (REVIEW_OK != st) {
      return st;
    }
    if (0 != json_object_set(marks, id, json_object_get(kept, "criteria")) ||
        0 != json_object_set_new(stored, id, kept)) {
      return REVIEW_NOMEM;
    }
  }
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      const struct exam_item *it = form->units[u].items[i].item;
      if (exam_item_is_open(it) && NULL == json_object_get(marks, it->id)) {
        return fail(REVIEW_BAD_MARKS, err, errlen,
                    "items.%.64s: marks for every rubric criterion are required.", it->id);
      }
    }
  }
  return REVIEW_OK;
}

/* Administrator: the current decision's marks are kept as they are. */
static enum review_status keep_marks(const json_t *kept, json_t *marks, json_t *stored) {
  const char *id;
  json_t *v;
  json_object_foreach((json_t *)(uintptr_t)kept, id, v) {
    json_t *crit = json_object_get(v, "criteria");
    if (NULL != crit && 0 != json_object_set(marks, id, crit)) {
      return REVIEW_NOMEM;
    }
    if (0 != json_object_set(stored, id, v)) {
      return REVIEW_NOMEM;
    }
  }
  return REVIEW_OK;
}

/* Per-unit outcomes: given ones checked, the rest automatic. final[u] receives each. */
static enum review_status check_units(const struct exam_form *form, const struct score_result *res,
                                      const json_t *given, const char *reason_all,
                                      enum verdict *final, json_t *out, char *err, size_t errlen) {
  const char *code;
  json_t *v;
  if (NULL != given && !json_is_null(given) && !json_is_object(given)) {
    return fail(REVIEW_INVALID_FIELD, err, errlen, "units: must be an object keyed by unit code.");
  }
  json_object_foreach((json_t *)(uintptr_t)given, code, v) {
    bool known = false;
    for (size_t u = 0; u < form->nunits; u++) {
      known = known || 0 == strcmp(form->units[u].unit->code, code);
    }
    if (!known) {
      return fail(REVIEW_INVALID_FIELD, err, errlen, "units: %.60s is not a unit of this exam.",
                  code);
    }
  }
  for (size_t u = 0; u < form->nunits && u < res->nunits; u++) {
    const char *ucode = form->units[u].unit->code;
    json_t *g = json_is_object(given) ? json_object_get(given, ucode) : NULL;
    enum verdict automatic = res->units[u].verdict;
    const char *reason = NULL;
    final[u] = automatic;
    if (NULL != g) {
      json_t *o = NULL;
      enum verdict outcome = VERDICT_NONE;
      enum review_status st;
      if (!json_is_object(g)) {
        return fail(REVIEW_INVALID_FIELD, err, errlen, "units.%.60s: must be an object.", ucode);
      }
      o = json_object_get(g, "outcome");
      if (!verdict_parse(json_is_string(o) ? json_string_value(o) : NULL, &outcome) ||
          (VERDICT_K != outcome && VERDICT_BK != outcome)) {
        return fail(REVIEW_INVALID_FIELD, err, errlen,
                    "units.%.60s.outcome: must be \"K\" or \"BK\".", ucode);
      }
      st = text_value(json_object_get(g, "reason"), "reason", REVIEW_MAX_REASON, false, &reason,
                      err, errlen);
      if (REVIEW_OK != st) {
        return st;
      }
      final[u] = outcome;
    }
    if (final[u] != automatic && (NULL == reason || '\0' == reason[0]) &&
        (NULL == reason_all || '\0' == reason_all[0])) {
      return fail(REVIEW_REASON_REQUIRED, err, errlen,
                  "units.%.60s.reason: required when the outcome differs from the automatic "
                  "result (%s).",
                  ucode, verdict_name(automatic));
    }
    if (VERDICT_PENDING == final[u] && exam_unit_is_observed(form->units[u].unit)) {
      return fail(REVIEW_INVALID_FIELD, err, errlen,
                  "units.%.60s.outcome: the observation sheet has %zu KUK not recorded yet.", ucode,
                  res->units[u].pending_items);
    }
    if (VERDICT_PENDING == final[u]) {
      return fail(REVIEW_INVALID_FIELD, err, errlen,
                  "units.%.60s.outcome: the unit is still pending.", ucode);
    }
    if (0 != json_object_set_new(out, ucode,
                                 json_pack("{s:s, s:s, s:s?}", "outcome", verdict_name(final[u]),
                                           "automatic", verdict_name(automatic), "reason",
                                           NULL != reason && '\0' != reason[0] ? reason : NULL))) {
      return REVIEW_NOMEM;
    }
  }
  return REVIEW_OK;
}

/* The overall outcome: required, and K exactly when every unit is K. */
static enum review_status check_overall(const json_t *v, const enum verdict *final, size_t nunits,
                                        enum verdict *out, char *err, size_t errlen) {
  enum verdict overall = VERDICT_NONE;
  bool all_k = nunits > 0;
  for (size_t u = 0; u < nunits; u++) {
    all_k = all_k && VERDICT_K == final[u];
  }
  if (!verdict_parse(json_is_string(v) ? json_string_value(v) : NULL, &overall) ||
      (VERDICT_K != overall && VERDICT_BK != overall)) {
    return fail(REVIEW_INVALID_FIELD, err, errlen, "overall: must be \"K\" or \"BK\".");
  }
  if ((VERDICT_K == overall) != all_k) {
    return fail(REVIEW_INVALID_FIELD, err, errlen, "%s",
                all_k ? "overall: every unit is K, so the overall result is K."
                      : "overall: K needs every unit to be K.");
  }
  *out = all_k ? VERDICT_K : VERDICT_BK;
  return REVIEW_OK;
}

/* The stored result: the scorer's JSON with the decided outcomes and the feedback. */
static char *result_text(const struct score_result *res, const struct exam_form *form,
                         const enum verdict *final, enum verdict overall, const char *feedback) {
  json_t *j = score_result_json(res, form);
  json_t *units = json_object_get(j, "units");
  char *s = NULL;
  if (NULL == j) {
    return NULL;
  }
  for (size_t u = 0; u < json_array_size(units) && u < res->nunits; u++) {
    json_t *ju = json_array_get(units, u);
    json_object_set_new(ju, "automatic", json_string(verdict_name(res->units[u].verdict)));
    json_object_set_new(ju, "verdict", json_string(verdict_name(final[u])));
  }
  json_object_set_new(j, "overall", json_string(verdict_name(overall)));
  json_object_set_new(j, "feedback", NULL == feedback ? json_null() : json_string(feedback));
  s = json_compact(j, false);
  json_decref(j);
  return s;
}

void review_outcome_free(struct review_outcome *out) {
  if (NULL == out) {
    return;
  }
  free(out->items);
  free(out->units);
  free(out->result);
  free(out->feedback);
  memset(out, 0, sizeof *out);
}

enum review_status review_decide(struct review_outcome *out, const struct exam_form *form,
                                 const json_t *answers, const struct review_request *req, char *err,
                                 size_t errlen) {
  json_t *marks = json_object(), *stored = json_object(), *units = json_object();
  struct score_result *res = NULL;
  enum verdict *final = NULL;
  enum verdict overall = VERDICT_NONE;
  const char *feedback = NULL;
  enum review_status st = REVIEW_NOMEM;
  memset(out, 0, sizeof *out);
  if (NULL != err && errlen > 0) {
    err[0] = '\0';
  }
  if (NULL == marks || NULL == stored || NULL == units) {
    goto done;
  }
  if (NULL == req->items) {
    /* An administrator's change: never without a reason. */
    if (NULL == req->reason_all || '\0' == req->reason_all[0]) {
      st = fail(REVIEW_REASON_REQUIRED, err, errlen,
                "reason: an administrator's change needs a reason.");
      goto done;
    }
    st = keep_marks(req->kept_items, marks, stored);
  } else {
    st = check_marks(form, req->items, marks, stored, err, errlen);
  }
  if (REVIEW_OK != st) {
    goto done;
  }
  st = REVIEW_NOMEM;
  if (0 != score_form_observed(&res, form, answers, marks, req->observations)) {
    goto done;
  }
  final = calloc(res->nunits + 1, sizeof *final);
  if (NULL == final) {
    goto done;
  }
  st = check_units(form, res, req->units, req->reason_all, final, units, err, errlen);
  if (REVIEW_OK != st) {
    goto done;
  }
  st = check_overall(req->overall, final, res->nunits, &overall, err, errlen);
  if (REVIEW_OK == st && VERDICT_K != overall && VERDICT_BK != overall) {
    st = REVIEW_INVALID_FIELD; /* unreachable: check_overall sets it on success */
  }
  if (REVIEW_OK != st) {
    goto done;
  }
  /* Feedback is what a BK candidate learns from: required unless an earlier one is kept. */
  st = text_value(req->feedback, "feedback", REVIEW_MAX_FEEDBACK,
                  VERDICT_BK == overall && NULL == req->kept_feedback, &feedback, err, errlen);
  if (REVIEW_OK != st) {
    goto done;
  }
  if (NULL == feedback) {
    feedback = req->kept_feedback;
  }
  st = REVIEW_NOMEM;
  out->overall = overall;
  out->items = json_compact(stored, true);
  out->units = json_compact(units, true);
  out->result = result_text(res, form, final, overall, feedback);
  out->feedback = NULL == feedback ? NULL : strdup(feedback);
  if (NULL == out->items || NULL == out->units || NULL == out->result ||
      (NULL != feedback && NULL == out->feedback)) {
    review_outcome_free(out);
    goto done;
  }
  st = REVIEW_OK;
done:
  if (REVIEW_NOMEM == st) {
    fail(st, err, errlen, "out of memory");
  }
  json_decref(marks);
  json_decref(stored);
  json_decref(units);
  score_result_free(res);
  free(final);
  return st;
}
