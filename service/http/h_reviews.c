/*
 * The reviews JSON API: the assessor's queue, claiming an attempt, the review sheet
 * (answers beside keys and rubrics), the decision per unit and overall, an administrator's
 * change of a decided attempt and the candidate's view of the decision. The rules are in
 * the reviews module (common/reviews.c); these parse the request and shape the answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/attempts.h"
#include "common/feedback_view.h"
#include "common/log.h"
#include "common/reviews.h"
#include "http/handlers.h"
#include "http/pager.h"
#include "ujikom/review.h"

/* ------------------------------------------------------------------------------------ */
/* JSON views */

static json_t *item_key_json(const struct exam_item *it) {
  json_t *arr = NULL;
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    arr = json_array();
    for (size_t i = 0; NULL != arr && i < it->nkey_ids; i++) {
      json_array_append_new(arr, json_string(it->key_ids[i]));
    }
    return arr;
  case EXAM_ITEM_TRUEFALSE:
    return json_boolean(it->key_bool);
  case EXAM_ITEM_NUMERIC:
    return json_pack("{s:f, s:f, s:s?}", "value", it->key_value, "tolerance", it->key_tolerance,
                     "unit", it->key_unit);
  case EXAM_ITEM_SHORT:
    arr = json_array();
    for (size_t i = 0; NULL != arr && i < it->naccepted; i++) {
      json_array_append_new(arr, json_string(it->accepted[i]));
    }
    return arr;
  case EXAM_ITEM_OPEN:
  default:
    return json_null();
  }
}

/* A rubric criterion with its level descriptors (an empty list when it has none). */
static json_t *criterion_json(const struct exam_criterion *c) {
  json_t *levels = json_array();
  for (size_t l = 0; NULL != levels && l < c->nlevels; l++) {
    json_array_append_new(levels, json_pack("{s:I, s:s}", "points", (json_int_t)c->levels[l].points,
                                            "text", c->levels[l].text));
  }
  return json_pack("{s:s, s:s, s:I, s:o}", "id", c->id, "text", c->text, "max_points",
                   (json_int_t)c->max_points, "levels", NULL != levels ? levels : json_array());
}

static json_t *item_review_json(const struct form_item *fi, const json_t *answers,
                                const struct score_item_result *res) {
  const struct exam_item *it = fi->item;
  json_t *o = json_pack(
      "{s:s, s:s, s:s, s:I, s:o, s:O, s:b}", "id", it->id, "type", exam_item_type_name(it->type),
      "prompt", it->prompt, "points", (json_int_t)it->points, "key", item_key_json(it), "answer",
      json_object_get(answers, it->id) ? json_object_get(answers, it->id) : json_null(), "open",
      exam_item_is_open(it));
  json_t *kuk = json_array(), *opts = json_array(), *rubric = json_array();
  if (NULL == o || NULL == kuk || NULL == opts || NULL == rubric) {
    json_decref(o);
    json_decref(kuk);
    json_decref(opts);
    json_decref(rubric);
    return NULL;
  }
  for (size_t i = 0; i < it->nkuk; i++) {
    json_array_append_new(kuk, json_string(it->kuk[i]));
  }
  for (size_t i = 0; i < fi->noptions; i++) {
    json_array_append_new(
        opts, json_pack("{s:s, s:s}", "id", fi->options[i]->id, "text", fi->options[i]->text));
  }
  for (size_t i = 0; i < it->nrubric; i++) {
    json_array_append_new(rubric, criterion_json(&it->rubric[i]));
  }
  json_object_set_new(o, "kuk", kuk);
  json_object_set_new(o, "options", opts);
  json_object_set_new(o, "rubric", rubric);
  if (NULL != it->explanation) {
    json_object_set_new(o, "explanation", json_string(it->explanation));
  }
  if (NULL != res) {
    json_object_set_new(o, "earned", res->pending ? json_null() : json_real(res->earned));
  }
  return o;
}

static json_t *decision_json(const struct store_decision *d) {
  json_t *marks = json_loads(d->marks, 0, NULL);
  json_t *units = json_loads(d->units, 0, NULL);
  return json_pack(
      "{s:I, s:s, s:I, s:o, s:s, s:o, s:o, s:s?, s:s?, s:o}", "id", (json_int_t)d->id, "kind",
      d->kind, "decided_by", (json_int_t)d->decided_by, "decided_at", json_time(d->decided_ms),
      "overall", verdict_name(d->overall), "items", NULL != marks ? marks : json_object(), "units",
      NULL != units ? units : json_object(), "feedback", d->feedback, "reason", d->reason,
      "appeal_id", d->appeal_id > 0 ? json_integer((json_int_t)d->appeal_id) : json_null());
}

/* The attempt as the sheet shows it; hidden: blind marking keeps the candidate unnamed. */
static json_t *attempt_summary_json(const struct store_attempt *a, bool hidden) {
  return json_pack(
      "{s:I, s:o, s:b, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)a->id, "candidate_id",
      hidden ? json_null() : json_integer((json_int_t)a->user_id), "blind", hidden, "exam_id",
      a->exam_id, "exam_version", a->exam_version, "status", attempt_status_name(a->status),
      "started_at", json_time(a->started_ms), "deadline_at", json_time(a->deadline_ms),
      "finished_at", json_time(a->finished_ms), "verdict",
      VERDICT_NONE != a->verdict ? json_string(verdict_name(a->verdict)) : json_null());
}

/* ------------------------------------------------------------------------------------ */
/* outcomes */

int reply_reviews(struct req *r, enum reviews_rc rc, const struct reviews_err *err,
                  const char *what) {
  switch (rc) {
  case REVIEWS_NOT_FOUND:
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  case REVIEWS_OWN_ATTEMPT:
    return reply_error(r, ERR_OWN_ATTEMPT, NULL);
  case REVIEWS_STILL_OPEN:
    return reply_error(r, ERR_NOT_AWAITING_REVIEW, "The attempt is still in progress.");
  case REVIEWS_NOT_AWAITING_REVIEW:
    return reply_error(r, ERR_NOT_AWAITING_REVIEW, NULL);
  case REVIEWS_CLAIM_HELD:
    return reply_error(r, ERR_CLAIM_HELD, NULL);
  case REVIEWS_NOT_CLAIMED:
    return reply_error(r, ERR_NOT_CLAIMED, NULL);
  case REVIEWS_NOT_DECIDED:
    return reply_error(r, ERR_NOT_DECIDED, NULL);
  case REVIEWS_APPEAL_ELSEWHERE:
    return reply_error(r, ERR_APPEAL_ASSIGNED_ELSEWHERE, NULL);
  case REVIEWS_BAD_MARKS:
    return reply_error(r, ERR_BAD_MARKS, err->why);
  case REVIEWS_INVALID_FIELD:
    return reply_error(r, ERR_INVALID_FIELD, err->why);
  case REVIEWS_REASON_REQUIRED:
    return reply_error(r, ERR_REASON_REQUIRED, err->why);
  case REVIEWS_APPEAL_REASON_INVALID:
    return reply_error(r, ERR_INVALID_FIELD,
                       "reason: say why you appeal (1 to 5000 bytes of text).");
  case REVIEWS_APPEAL_PERIOD_OVER:
    return reply_error(r, ERR_APPEAL_PERIOD_OVER, NULL);
  case REVIEWS_ALREADY_APPEALED:
    return reply_error(r, ERR_ALREADY_APPEALED, NULL);
  case REVIEWS_APPEAL_NOT_FOUND:
    return reply_error(r, ERR_APPEAL_NOT_FOUND, NULL);
  case REVIEWS_NOT_AN_ASSESSOR:
    return reply_error(r, ERR_NOT_AN_ASSESSOR, NULL);
  case REVIEWS_SAME_ASSESSOR:
    return reply_error(r, ERR_SAME_ASSESSOR, NULL);
  case REVIEWS_APPEAL_DECIDED:
    return reply_error(r, ERR_APPEAL_DECIDED, NULL);
  case REVIEWS_EXAM_VERSION_UNAVAILABLE:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  case REVIEWS_STORE_FAILED:
    return reply_store_error(r, err->store_rc, what);
  case REVIEWS_OK:
  case REVIEWS_EXAM_VERSION_MISSING:
  case REVIEWS_INTERNAL:
    break;
  }
  return reply_error(r, ERR_INTERNAL, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* GET /api/reviews/queue */

int h_reviews_queue(struct req *r) {
  const char *after = pager_query(r, "after");
  bool admin = ROLE_ADMIN == r->user->role;
  struct reviews_viewer viewer = {.id = r->user->id, .admin = ROLE_ADMIN == r->user->role};
  struct reviews_queue_query query = {.exam_id = req_query(r, "exam"),
                                      .subsector = req_query(r, "subsector")};
  struct reviews_queue_entry *q = NULL;
  struct reviews_queue_cursor next;
  struct reviews_err err;
  size_t n = 0;
  json_t *items = NULL;
  enum reviews_rc rc;
  if (NULL != query.exam_id && (strlen(query.exam_id) < 1 || strlen(query.exam_id) > 40)) {
    return reply_error(r, ERR_INVALID_FIELD, "exam: unknown exam id.");
  }
  if (NULL != query.subsector && strlen(query.subsector) > 16) {
    return reply_error(r, ERR_INVALID_FIELD, "subsector: unknown subsector code.");
  }
  if (!reviews_queue_state_parse(req_query(r, "state"), &query.state)) {
    return reply_error(r, ERR_INVALID_FIELD, "state: one of free, mine, others, appeals.");
  }
  if (NULL != after && !reviews_queue_cursor_parse(after, &query.after)) {
    return reply_error(r, ERR_INVALID_FIELD, "after: the next_after of a previous page.");
  }
  rc = reviews_queue(&q, &n, &next, r->svc, &viewer, &query, r->now_ms, &err);
  if (REVIEWS_OK != rc) {
    return reply_reviews(r, rc, &err, __func__);
  }
  items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++) {
    const struct exam *ex = q[i].exam;
    /* an appeal's attempt has a decision, so its candidate is never hidden */
    bool hidden = reviews_candidate_hidden(ex, q[i].appeal_id > 0, admin);
    json_array_append_new(
        items,
        json_pack(
            "{s:I, s:o, s:b, s:s, s:s?, s:s?, s:o, s:o, s:o, s:o}", "attempt_id",
            (json_int_t)q[i].attempt_id, "candidate_id",
            hidden ? json_null() : json_integer((json_int_t)q[i].candidate_id), "blind", hidden,
            "exam_id", q[i].exam_id, "exam_title", NULL == ex ? NULL : ex->title, "subsector",
            NULL == ex ? NULL : ex->subsector, "since", json_time(q[i].since_ms), "claimed_by",
            q[i].holder_id > 0 ? json_integer((json_int_t)q[i].holder_id) : json_null(),
            "claim_expires_at",
            q[i].claim_expires_ms > 0 ? json_time(q[i].claim_expires_ms) : json_null(), "appeal_id",
            q[i].appeal_id > 0 ? json_integer((json_int_t)q[i].appeal_id) : json_null()));
  }
  reviews_queue_free(q, n);
  if (NULL == items) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  char cursor[REVIEWS_QUEUE_CURSOR_SIZE];
  reviews_queue_cursor_format(cursor, &next);
  return reply_json(r, 200,
                    json_pack("{s:o, s:o}", "items", items, "next_after",
                              next.attempt_id > 0 ? json_string(cursor) : json_null()));
}

/* ------------------------------------------------------------------------------------ */
/* POST /api/reviews/:attempt/claim */

int h_reviews_claim(struct req *r) {
  struct store_claim claim;
  struct reviews_err err;
  int64_t id = 0;
  enum reviews_rc rc;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  rc = reviews_claim(&claim, r->svc, id, r->user->id, &err);
  if (REVIEWS_OK != rc) {
    return reply_reviews(r, rc, &err, __func__);
  }
  return reply_json(
      r, 200,
      json_pack("{s:{s:I, s:I, s:o, s:o}}", "claim", "attempt_id", (json_int_t)claim.attempt_id,
                "assessor_id", (json_int_t)claim.assessor_id, "claimed_at",
                json_time(claim.claimed_ms), "expires_at", json_time(claim.expires_ms)));
}

/* ------------------------------------------------------------------------------------ */
/* GET /api/reviews/:attempt */

static json_t *sheet_units_json(const struct reviews_sheet *s) {
  const struct score_result *res = s->score;
  json_t *units = json_array();
  for (size_t u = 0; NULL != units && u < s->form->nunits; u++) {
    const struct form_unit *fu = &s->form->units[u];
    const struct score_unit_result *ur = NULL != res && u < res->nunits ? &res->units[u] : NULL;
    json_t *items = json_array();
    for (size_t i = 0; NULL != items && i < fu->nitems; i++) {
      const struct score_item_result *ir = NULL;
      for (size_t k = 0; NULL != ur && k < ur->nitems; k++) {
        if (0 == strcmp(ur->items[k].item_id, fu->items[i].item->id)) {
          ir = &ur->items[k];
        }
      }
      json_array_append_new(items, item_review_json(&fu->items[i], s->answers, ir));
    }
    json_array_append_new(units,
                          json_pack("{s:s, s:s, s:s?, s:I, s:s?, s:f, s:o}", "code", fu->unit->code,
                                    "title", fu->unit->title, "title_en", fu->unit->title_en,
                                    "cut_score", (json_int_t)fu->unit->cut_score, "automatic",
                                    NULL == ur ? NULL : verdict_name(ur->verdict), "percent",
                                    NULL == ur ? 0.0 : ur->percent, "items",
                                    NULL != items ? items : json_array()));
  }
  return units;
}

int h_reviews_get(struct req *r) {
  struct reviews_sheet s;
  struct reviews_err err;
  json_t *units = NULL, *decisions = NULL, *body = NULL;
  int64_t id = 0;
  enum reviews_rc rc;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  rc = reviews_sheet_load(&s, r->svc, id, r->user->id, &err);
  if (REVIEWS_OK != rc) {
    return reply_reviews(r, rc, &err, __func__);
  }
  units = sheet_units_json(&s);
  decisions = json_array();
  for (size_t i = 0; NULL != decisions && i < s.nhistory; i++) {
    json_array_append_new(decisions, decision_json(&s.history[i]));
  }
  body = json_pack(
      "{s:o, s:{s:s, s:s, s:s}, s:o, s:o, s:o, s:o}", "attempt",
      attempt_summary_json(
          &s.att, reviews_candidate_hidden(s.exam, s.nhistory > 0, ROLE_ADMIN == r->user->role)),
      "exam", "id", s.exam->id, "title", s.exam->title, "subsector", s.exam->subsector, "claim",
      s.has_claim && reviews_claim_is_live(&s.claim, r->now_ms)
          ? json_pack("{s:I, s:o}", "assessor_id", (json_int_t)s.claim.assessor_id, "expires_at",
                      json_time(s.claim.expires_ms))
          : json_null(),
      "appeal",
      s.has_appeal
          ? json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)s.appeal.id, "status",
                      appeal_status_name(s.appeal.status), "reason", s.appeal.reason, "created_at",
                      json_time(s.appeal.created_ms), "assessor_id",
                      s.appeal.assessor_id > 0 ? json_integer((json_int_t)s.appeal.assessor_id)
                                               : json_null())
          : json_null(),
      "units", NULL != units ? units : json_array(), "decisions",
      NULL != decisions ? decisions : json_array());
  reviews_sheet_free(&s);
  if (NULL == body) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200, body);
}

/* ------------------------------------------------------------------------------------ */
/* decisions */

/* Parses a decision request: the attempt id of the path and the body's members (each NULL
 * when absent). Returns 0, or -1 after replying. */
static int decision_request(struct req *r, int64_t *out_id, struct reviews_marks *out) {
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, out_id) || !reply_need_object(r)) {
    return -1;
  }
  *out = (struct reviews_marks){.items = json_object_get(r->json, "items"),
                                .units = json_object_get(r->json, "units"),
                                .overall = json_object_get(r->json, "overall"),
                                .feedback = json_object_get(r->json, "feedback")};
  return 0;
}

/* Answers a decision's outcome: the committed decision (logging a certificate that could not
 * be issued yet), or the refusal. Frees *d. */
static int reply_decision(struct req *r, enum reviews_rc rc, struct reviews_decision *d,
                          const struct reviews_err *err, const char *what) {
  bool issued = ISSUE_CREATED == d->issue || ISSUE_EXISTING == d->issue;
  int ret;
  if (REVIEWS_OK != rc) {
    return reply_reviews(r, rc, err, what);
  }
  if (VERDICT_K == d->overall && !issued) {
    log_msg(LOG_WARN, r->request_id, "attempt %lld decided K but not issued: %s (%s)",
            (long long)d->attempt_id, issue_rc_name(d->issue), d->issue_err);
  }
  /* The certificate followed the decision: the one issued (and the revoked one it
   * replaces), or the one revoked. */
  ret = reply_json(
      r, 200,
      json_pack("{s:{s:I, s:I, s:s, s:s, s:s, s:o?, s:s?}, s:o?, s:o?, s:o?}", "decision", "id",
                (json_int_t)d->id, "attempt_id", (json_int_t)d->attempt_id, "kind", d->kind,
                "overall", verdict_name(d->overall), "previous_verdict",
                verdict_name(d->previous_verdict), "units", json_loads(d->units, 0, NULL),
                "feedback", d->feedback, "certificate_serial",
                issued ? json_string(d->serial) : NULL, "certificate_replaces",
                issued && d->replaces[0] ? json_string(d->replaces) : NULL, "certificate_revoked",
                d->revoked[0] ? json_string(d->revoked) : NULL));
  reviews_decision_clear(d);
  return ret;
}

/* POST /api/reviews/:attempt/decision (assessor: first review or an assigned appeal). */
int h_reviews_decide(struct req *r) {
  struct reviews_decision d;
  struct reviews_marks marks;
  struct reviews_err err;
  int64_t id = 0;
  if (0 != decision_request(r, &id, &marks)) {
    return 0;
  }
  return reply_decision(r, reviews_decide(&d, r->svc, id, r->user->id, &marks, &err), &d, &err,
                        __func__);
}

/* POST /api/admin/attempts/:id/decision: an administrator changes a decided attempt.
 * The reason is required; the rubric points of the current decision are kept. */
int h_admin_attempt_decision(struct req *r) {
  struct reviews_decision d;
  struct reviews_marks marks;
  struct reviews_err err;
  json_t *reason = NULL;
  int64_t id = 0;
  if (0 != decision_request(r, &id, &marks)) {
    return 0;
  }
  reason = json_object_get(r->json, "reason");
  if (NULL != reason && !json_is_null(reason) &&
      (!json_is_string(reason) || json_string_length(reason) > REVIEW_MAX_REASON ||
       strlen(json_string_value(reason)) != json_string_length(reason))) {
    return reply_error(r, ERR_INVALID_FIELD, "reason: text of at most 2000 bytes.");
  }
  marks.items = NULL; /* an administrator keeps the assessor's rubric points */
  return reply_decision(
      r, reviews_override(&d, r->svc, id, r->user->id, json_string_value(reason), &marks, &err), &d,
      &err, __func__);
}

/* ------------------------------------------------------------------------------------ */
/* POST /api/reviews/:attempt/marks/:item — marks for one item ahead of the decision */

int h_reviews_item_marks(struct req *r) {
  struct reviews_item_marks m;
  struct reviews_err err;
  int64_t id = 0;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  enum reviews_rc rc =
      reviews_save_item_marks(&m, r->svc, id, r->params[1], r->user->id, r->json, &err);
  if (REVIEWS_OK != rc) {
    return reply_reviews(r, rc, &err, __func__);
  }
  json_t *body = json_pack("{s:I, s:s, s:O, s:f, s:o}", "attempt_id", (json_int_t)id, "item_id",
                           r->params[1], "marks", m.marks, "points", m.points, "claim_expires_at",
                           m.claim_expires_ms > 0 ? json_time(m.claim_expires_ms) : json_null());
  reviews_item_marks_clear(&m);
  return NULL == body ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, body);
}

/* ------------------------------------------------------------------------------------ */
/* GET /api/attempts/:id/feedback — the candidate's view of the assessor's decision */

int h_reviews_feedback(struct req *r) {
  struct reviews_err err;
  json_t *body = NULL;
  int64_t id = 0;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  enum reviews_rc rc = feedback_view(&body, r->svc, id, r->user->id, &err);
  return REVIEWS_OK == rc ? reply_json(r, 200, body) : reply_reviews(r, rc, &err, __func__);
}
