/*
 * The rules of a review decision as pure functions: rubric marks checked against each open
 * item's criteria, per-unit outcomes against the automatic result (an override needs a
 * reason), the overall outcome (K exactly when every unit is K), feedback (required for BK),
 * and the texts that are stored. No I/O: the caller loads the form and answers and stores
 * the outcome.
 */
#ifndef UJIKOM_REVIEW_H
#define UJIKOM_REVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ujikom/exam_form.h"
#include "ujikom/states.h"

#define REVIEW_MAX_COMMENT  5000
#define REVIEW_MAX_REASON   2000
#define REVIEW_MAX_FEEDBACK 10000

enum review_status {
  REVIEW_OK = 0,
  REVIEW_BAD_MARKS,       /* marks do not match the rubrics (points above max, missing, ...) */
  REVIEW_INVALID_FIELD,   /* units / overall / feedback / reason malformed or inconsistent */
  REVIEW_REASON_REQUIRED, /* an outcome differs from the automatic one without a reason */
  REVIEW_NOMEM,
};

/* What a decision request says. Every member is borrowed. */
struct review_request {
  /* Assessor: the body's "items" ({item: {"criteria": {crit: points}, "notes", "comment"}},
   * each as review_item_marks checks it), which
   * must mark every open item of the form. Administrator: NULL, and kept_items (the stored
   * items of the current decision, or NULL) are used as they are. */
  const json_t *items;
  const json_t *kept_items;
  const json_t *units;       /* the body's "units" ({code: {"outcome","reason"}}) or NULL */
  const json_t *overall;     /* the body's "overall" or NULL */
  const json_t *feedback;    /* the body's "feedback" or NULL */
  const char *kept_feedback; /* used when feedback is absent (administrator), may be NULL */
  const char *reason_all;    /* a reason covering every override (administrator), or NULL */
  /* The observation units' records ({unit: {kuk: observed}}, score_form_observed), or NULL:
   * an observation unit's automatic outcome follows from them. */
  const json_t *observations;
};

/* One open item's marks as a request gives them ({"criteria": {crit: points}, "notes":
 * {crit: text}, "comment": text}; notes and comment optional, each text at most
 * REVIEW_MAX_COMMENT bytes): checked against the item's rubric, the same rule for a decision
 * and for marks saved ahead of it. On REVIEW_OK *out (the caller's reference) is what is kept:
 * {"criteria", "comment"?, "notes"? (non-empty only), "levels"? ({crit: the level descriptor
 * the points match}), "points"} and *out_points the item's points. Otherwise *out is NULL
 * and err says why (REVIEW_BAD_MARKS, REVIEW_INVALID_FIELD for a text, REVIEW_NOMEM). */
enum review_status review_item_marks(json_t **out, double *out_points, const struct exam_item *it,
                                     const json_t *v, char *err, size_t errlen);

/* A checked decision: what the store keeps. */
struct review_outcome {
  enum verdict overall; /* VERDICT_K or VERDICT_BK */
  char *items;          /* JSON text {item: {"criteria","comment","notes","levels","points"}} */
  char *units;          /* JSON text {code: {"outcome","automatic","reason"}} */
  char *result;         /* JSON text: the scorer's result with the decided outcomes + feedback */
  char *feedback;       /* copy, or NULL */
};

/* Checks req against the form (answers: item -> value as saved) and fills *out (free with
 * review_outcome_free) on REVIEW_OK. On any other status *out is empty and err holds a
 * one-line English reason naming the field (e.g. "items.ESS-1.criteria: R1 must be 0..4"). */
enum review_status review_decide(struct review_outcome *out, const struct exam_form *form,
                                 const json_t *answers, const struct review_request *req, char *err,
                                 size_t errlen);
void review_outcome_free(struct review_outcome *out);

#endif
