/*
 * The observation sheet (FR.IA.01) as the application sees it: the assessor at the test site
 * records per KUK of each observation unit observed / not observed with notes; the unit's
 * outcome follows from the records (ujikom/observation.h) and joins the decision like any
 * other unit's automatic result. The sheet opens once the candidate has finished the attempt
 * (as the review sheet does) and is saved under the conditions marks are saved: a first
 * review takes or renews the assessor's claim, an appeal must be assigned to them
 * (reviews_save_beside). Saves are idempotent and order-safe: each carries the time it was
 * recorded on the tablet and an id of its own; the later recording of a KUK wins.
 *
 * Who sees a sheet: an administrator; the assessor who holds the attempt (a live claim, its
 * assigned appeal, or its current decision) and, while nobody holds it, any assessor who may
 * review it. Everyone else is told it does not exist.
 */
#ifndef UJIKOM_COMMON_OBSERVATION_H
#define UJIKOM_COMMON_OBSERVATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/reviews.h"
#include "common/svc.h"
#include "store/store.h"
#include "ujikom/observation.h"

enum observation_rc {
  OBSERVATION_OK = 0,
  OBSERVATION_NOT_FOUND,   /* no such attempt, or not the viewer's to see */
  OBSERVATION_UNKNOWN_KUK, /* the attempt's exam has no such observation unit or KUK */
  OBSERVATION_INVALID,     /* the save's body breaks a rule: err->why */
  OBSERVATION_REFUSED,     /* the review rules refuse: err->reviews (still open, claim held..) */
  OBSERVATION_FAILED,      /* the store or memory failed: err->reviews says how */
};

struct observation_err {
  enum reviews_rc reviews; /* with OBSERVATION_REFUSED / _FAILED */
  struct reviews_err r;
  char why[300];
};

struct observation_sheet {
  struct reviews_sheet s;
  struct store_observation *records; /* by unit and KUK */
  size_t nrecords;
  struct store_observation_photo *photos; /* the photos taken (common/evidence.h), by KUK */
  size_t nphotos;
  bool may_record;     /* the viewer may record now (an assessor who holds or may take it) */
  bool hide_candidate; /* blind marking: the candidate's name is not shown */
};
void observation_sheet_free(struct observation_sheet *sh);

/* Loads the sheet of attempt_id for viewer (admin: an administrator). OBSERVATION_OK (free
 * with observation_sheet_free), OBSERVATION_NOT_FOUND (also: the exam has no observation
 * unit), OBSERVATION_REFUSED (err->reviews REVIEWS_STILL_OPEN: not finished yet) or
 * OBSERVATION_FAILED. */
enum observation_rc observation_sheet_load(struct observation_sheet *out, struct svc *svc,
                                           int64_t attempt_id, int64_t viewer, bool admin,
                                           int64_t now_ms, struct observation_err *err);

/* The sheet as the API gives it: {"attempt_id","exam_id","exam_title","candidate" (null when
 * hidden),"may_record","units":[{"code","title","title_en","verdict","observed","kuk_total",
 * "missing","elements":[{"id","title","kuk":[{"id","text","record": null |
 * {"observed","notes","recorded_at","saved_at","assessor_id","op"},"photos":[{"sha256","name",
 * "type","size","url"}]}]}]}]}. Times in ms. NULL when memory runs out. */
json_t *observation_sheet_json(const struct observation_sheet *sh);

/* What a save did. */
struct observation_saved {
  bool applied;                    /* false: a later (or the same) recording was kept */
  struct store_observation record; /* the KUK's record as it stands now */
  enum verdict unit_verdict;       /* the unit's outcome from its records now */
  size_t observed, missing;
  int64_t claim_expires_ms;
};

/* Assessor actor records KUK kuk_id of unit_code on attempt_id from body
 * (observation_record_check). OBSERVATION_OK with *out, OBSERVATION_NOT_FOUND,
 * OBSERVATION_UNKNOWN_KUK, OBSERVATION_INVALID, OBSERVATION_REFUSED (REVIEWS_STILL_OPEN,
 * REVIEWS_CLAIM_HELD, REVIEWS_NOT_AWAITING_REVIEW, REVIEWS_APPEAL_ELSEWHERE) or
 * OBSERVATION_FAILED. Audited when applied. */
enum observation_rc observation_record(struct observation_saved *out, struct svc *svc,
                                       int64_t attempt_id, const char *unit_code,
                                       const char *kuk_id, int64_t actor, const json_t *body,
                                       int64_t now_ms, struct observation_err *err);

/* What the candidate learns of the observation of a decided attempt: per observation unit of
 * exam the KUKs with {"kuk","text","observed","notes"} as recorded ({unit code: [...]}; a
 * KUK without a record is left out). The caller has already established that the reader may
 * see the attempt's decision (reviews_feedback). OBSERVATION_OK with *out (the caller's
 * reference; an empty object for an exam without observation units) or OBSERVATION_FAILED. */
enum observation_rc observation_feedback(json_t **out, struct svc *svc, const struct exam *exam,
                                         int64_t attempt_id, struct observation_err *err);

/* Whether assessor actor may record KUK kuk_id of unit_code on attempt_id's sheet now (the
 * rule of a save, without taking the claim): OBSERVATION_OK, OBSERVATION_NOT_FOUND,
 * OBSERVATION_UNKNOWN_KUK, OBSERVATION_REFUSED (err->reviews: another assessor holds it, it
 * is decided, ...) or OBSERVATION_FAILED. Photos on the sheet (common/evidence.h) ask it. */
enum observation_rc observation_may_record(struct svc *svc, int64_t attempt_id,
                                           const char *unit_code, const char *kuk_id, int64_t actor,
                                           int64_t now_ms, struct observation_err *err);

/* True when the exam has at least one observation unit. */
bool observation_exam_has_units(const struct exam *exam);

#endif
