/*
 * The candidate's view of a decision (see feedback_view.h): the decision as
 * reviews_feedback reads it, its marks turned into what the candidate may learn of them, and
 * the observation records of the attempt's observation units.
 */
#include "common/feedback_view.h"

#include "common/api_time.h"
#include "common/observation.h"
#include "ujikom/review.h"
#include "ujikom/states.h"

/* Per item and criterion what the candidate learns beyond the points:
 * {item: {crit: {"level", "comment"}}} from a decision's stored marks (the level descriptor
 * the points matched, the assessor's comment; each only when there is one). */
static json_t *rubric_notes(json_t *marks) {
  json_t *out = json_object();
  const char *item;
  json_t *v;
  json_object_foreach(marks, item, v) {
    json_t *per = json_object(), *levels = json_object_get(v, "levels"),
           *notes = json_object_get(v, "notes");
    const char *crit;
    json_t *pts;
    json_object_foreach(json_object_get(v, "criteria"), crit, pts) {
      json_t *level = json_object_get(levels, crit), *note = json_object_get(notes, crit);
      if (NULL != per && (NULL != level || NULL != note)) {
        json_object_set_new(per, crit, json_pack("{s:O?, s:O?}", "level", level, "comment", note));
      }
    }
    if (NULL != out && json_object_size(per) > 0) {
      json_object_set(out, item, per);
    }
    json_decref(per);
  }
  return out;
}

/* The observation units' records of the decided attempt f (observation_feedback) into *out:
 * REVIEWS_OK, or a failure recorded in err. */
static enum reviews_rc observations(json_t **out, struct svc *svc, const struct reviews_feedback *f,
                                    int64_t attempt_id, struct reviews_err *err) {
  struct observation_err oerr;
  if (OBSERVATION_OK == observation_feedback(out, svc, f->exam, attempt_id, &oerr)) {
    return REVIEWS_OK;
  }
  json_decref(*out);
  *out = NULL;
  if (REVIEWS_INTERNAL == oerr.reviews) {
    return REVIEWS_INTERNAL;
  }
  err->store_rc = REVIEWS_STORE_FAILED == oerr.reviews ? oerr.r.store_rc : STORE_UNAVAILABLE;
  return REVIEWS_STORE_FAILED;
}

enum reviews_rc feedback_view(json_t **out, struct svc *svc, int64_t attempt_id, int64_t candidate,
                              struct reviews_err *err) {
  struct reviews_feedback f;
  json_t *units = NULL, *marks = NULL, *obs = NULL;
  *out = NULL;
  enum reviews_rc rc = reviews_feedback(&f, svc, attempt_id, candidate, err);
  if (REVIEWS_OK != rc) {
    return rc;
  }
  rc = observations(&obs, svc, &f, attempt_id, err);
  if (REVIEWS_OK != rc) {
    reviews_feedback_clear(&f);
    return rc;
  }
  if (f.has_decision) {
    units = json_loads(f.decision.units, 0, NULL);
    marks = json_loads(f.decision.marks, 0, NULL);
  }
  *out = json_pack("{s:I, s:s, s:o, s:s?, s:o, s:o, s:o, s:o, s:o, s:o}", "attempt_id",
                   (json_int_t)attempt_id, "verdict", verdict_name(f.verdict), "decided_at",
                   json_time(f.decided_ms), "feedback", f.has_decision ? f.decision.feedback : NULL,
                   "units", NULL != units ? units : json_object(), "comments",
                   reviews_marks_pick(marks, "comment"), "notes", rubric_notes(marks),
                   "observations", obs, "appeal_until", json_time(f.appeal_until_ms), "appeal",
                   f.has_appeal ? json_pack("{s:I, s:s}", "id", (json_int_t)f.appeal.id, "status",
                                            appeal_status_name(f.appeal.status))
                                : json_null());
  json_decref(marks);
  reviews_feedback_clear(&f);
  return NULL == *out ? REVIEWS_INTERNAL : REVIEWS_OK;
}
