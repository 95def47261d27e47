/*
 * The observation sheet's JSON API (FR.IA.01): the sheet of an attempt's observation units
 * for its assessor (and administrators), and one KUK's record saved from the tablet. The
 * rules are in common/observation.c; these parse the request and shape the answers.
 */
#include <stdio.h>
#include <string.h>

#include "common/api_time.h"
#include "common/observation.h"
#include "http/handlers.h"

int reply_observation(struct req *r, enum observation_rc rc, const struct observation_err *err,
                      const char *what) {
  switch (rc) {
  case OBSERVATION_NOT_FOUND:
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  case OBSERVATION_UNKNOWN_KUK:
    return reply_error(r, ERR_NOT_OBSERVED_UNIT, NULL);
  case OBSERVATION_INVALID:
    return reply_error(r, ERR_INVALID_FIELD, err->why);
  case OBSERVATION_REFUSED:
  case OBSERVATION_FAILED:
    return reply_reviews(r, err->reviews, &err->r, what);
  case OBSERVATION_OK:
    break;
  }
  return reply_error(r, ERR_INTERNAL, NULL);
}

/* GET /api/reviews/:attempt/observations */
int h_observation_sheet(struct req *r) {
  struct observation_sheet sh;
  struct observation_err err;
  int64_t id = 0;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  enum observation_rc rc = observation_sheet_load(&sh, r->svc, id, r->user->id,
                                                  ROLE_ADMIN == r->user->role, r->now_ms, &err);
  if (OBSERVATION_OK != rc) {
    return reply_observation(r, rc, &err, __func__);
  }
  json_t *body = observation_sheet_json(&sh);
  observation_sheet_free(&sh);
  return NULL == body ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, body);
}

/* PUT /api/reviews/:attempt/observations/:unit/:kuk {"observed","notes","recorded_at","op"} */
int h_observation_save(struct req *r) {
  struct observation_saved s;
  struct observation_err err;
  int64_t id = 0;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  enum observation_rc rc = observation_record(&s, r->svc, id, r->params[1], r->params[2],
                                              r->user->id, r->json, r->now_ms, &err);
  if (OBSERVATION_OK != rc) {
    return reply_observation(r, rc, &err, __func__);
  }
  const struct store_observation *o = &s.record;
  json_t *body =
      json_pack("{s:I, s:s, s:s, s:b, s:{s:b, s:s, s:I, s:I, s:I, s:s}, s:{s:s, s:I, s:I}, s:o}",
                "attempt_id", (json_int_t)id, "unit", o->unit_code, "kuk", o->kuk_id, "applied",
                s.applied, "record", "observed", o->observed, "notes", o->notes, "recorded_at",
                (json_int_t)o->recorded_ms, "saved_at", (json_int_t)o->saved_ms, "assessor_id",
                (json_int_t)o->assessor_id, "op", o->op, "unit_result", "verdict",
                verdict_name(s.unit_verdict), "observed", (json_int_t)s.observed, "missing",
                (json_int_t)s.missing, "claim_expires_at",
                s.claim_expires_ms > 0 ? json_time(s.claim_expires_ms) : json_null());
  return NULL == body ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, body);
}
