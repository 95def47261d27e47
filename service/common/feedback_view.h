/*
 * The candidate's view of the decision on their own attempt: what GET
 * /api/attempts/:id/feedback answers, and what the candidate's copy of their data
 * (personal_data.h) holds for each decided attempt. One definition, so the copy can never
 * hold less than the candidate is shown.
 *
 * The rubric's points stay with the assessors: per item and criterion the candidate learns
 * the level descriptor the assessor's points matched and the assessor's comment on it.
 */
#ifndef UJIKOM_COMMON_FEEDBACK_VIEW_H
#define UJIKOM_COMMON_FEEDBACK_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "common/reviews.h"
#include "common/svc.h"

/* {"attempt_id", "verdict", "decided_at", "feedback", "units", "comments", "notes",
 * "observations", "appeal_until", "appeal"} of candidate's decided attempt_id (docs/api.md).
 * REVIEWS_OK with *out (the caller's reference), else *out NULL and reviews_feedback's
 * codes: REVIEWS_NOT_FOUND (also someone else's attempt), REVIEWS_NOT_DECIDED,
 * REVIEWS_STORE_FAILED (err->store_rc; also when the observation records cannot be read),
 * REVIEWS_INTERNAL (no memory). */
enum reviews_rc feedback_view(json_t **out, struct svc *svc, int64_t attempt_id, int64_t candidate,
                              struct reviews_err *err);

#endif
