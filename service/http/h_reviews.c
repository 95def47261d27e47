/*
 * Reviews: the assessor's queue, claiming an attempt, the review sheet (answers beside keys
 * and rubrics) and the decision per unit and overall; also an administrator's change of a
 * decided attempt. Every decision is a new record (earlier ones stay) and goes to the audit
 * log in the same transaction as the verdict it sets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/catalog.h"
#include "common/issue.h"
#include "common/log.h"
#include "http/handlers.h"
#include "store/store.h"
#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/review.h"
#include "ujikom/score.h"

#define REVIEW_QUEUE_LIMIT 200

/* ------------------------------------------------------------------------------------ */
/* loading an attempt with its exam version, form and answers */

struct loaded {
  struct store_attempt att;
  const struct exam *exam;
  struct exam_form *form;
  json_t *answers; /* object item id -> value */
};

static void loaded_free(struct loaded *l) {
  store_attempt_clear(&l->att);
  exam_form_free(l->form);
  json_decref(l->answers);
  memset(l, 0, sizeof *l);
}

/* Loads attempt `id`. Returns 0, or -1 after replying (404, 409 for an attempt still open,
 * 500/503). */
static int load_attempt(struct req *r, struct loaded *out, int64_t id, bool need_finished) {
  struct store_rd *rd = NULL;
  struct store_answer *ans = NULL;
  size_t nans = 0;
  json_t *form_json = NULL;
  char err[200];
  int rc = STORE_HARD;
  int crc = 0;
  memset(out, 0, sizeof *out);
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__), -1;
  rc = store_attempt_get(rd, &out->att, id);
  if (STORE_OK == rc)
    rc = store_answers_get(rd, &ans, &nans, id);
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
    goto fail;
  }
  if (STORE_OK != rc) {
    reply_store_error(r, rc, __func__);
    goto fail;
  }
  if (need_finished && ATTEMPT_OPEN == out->att.status) {
    reply_error(r, ERR_NOT_AWAITING_REVIEW, "The attempt is still in progress.");
    goto fail;
  }
  crc =
      catalog_version_from_store(r->svc->catalog, r->svc->store, &out->exam, out->att.exam_version);
  if (0 != crc) {
    reply_error(r, -2 == crc ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    goto fail;
  }
  form_json = json_loads(NULL == out->att.form ? "" : out->att.form, 0, NULL);
  if (NULL == form_json ||
      0 != exam_form_from_json(&out->form, out->exam, form_json, err, sizeof err)) {
    reply_error(r, ERR_INTERNAL, NULL);
    goto fail;
  }
  out->answers = json_object();
  if (NULL == out->answers) {
    reply_error(r, ERR_INTERNAL, NULL);
    goto fail;
  }
  for (size_t i = 0; i < nans; i++) {
    json_t *v = json_loads(ans[i].value, JSON_DECODE_ANY, NULL);
    if (NULL != v)
      json_object_set_new(out->answers, ans[i].item_id, v);
  }
  json_decref(form_json);
  store_answers_free(ans, nans);
  return 0;
fail:
  json_decref(form_json);
  store_answers_free(ans, nans);
  loaded_free(out);
  return -1;
}

/* ------------------------------------------------------------------------------------ */
/* JSON views */

static json_t *item_key_json(const struct exam_item *it) {
  json_t *arr = NULL;
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    arr = json_array();
    for (size_t i = 0; NULL != arr && i < it->nkey_ids; i++)
      json_array_append_new(arr, json_string(it->key_ids[i]));
    return arr;
  case EXAM_ITEM_TRUEFALSE:
    return json_boolean(it->key_bool);
  case EXAM_ITEM_NUMERIC:
    return json_pack("{s:f, s:f, s:s?}", "value", it->key_value, "tolerance", it->key_tolerance,
                     "unit", it->key_unit);
  case EXAM_ITEM_SHORT:
    arr = json_array();
    for (size_t i = 0; NULL != arr && i < it->naccepted; i++)
      json_array_append_new(arr, json_string(it->accepted[i]));
    return arr;
  case EXAM_ITEM_OPEN:
  default:
    return json_null();
  }
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
  for (size_t i = 0; i < it->nkuk; i++)
    json_array_append_new(kuk, json_string(it->kuk[i]));
  for (size_t i = 0; i < fi->noptions; i++)
    json_array_append_new(
        opts, json_pack("{s:s, s:s}", "id", fi->options[i]->id, "text", fi->options[i]->text));
  for (size_t i = 0; i < it->nrubric; i++)
    json_array_append_new(rubric, json_pack("{s:s, s:s, s:I}", "id", it->rubric[i].id, "text",
                                            it->rubric[i].text, "max_points",
                                            (json_int_t)it->rubric[i].max_points));
  json_object_set_new(o, "kuk", kuk);
  json_object_set_new(o, "options", opts);
  json_object_set_new(o, "rubric", rubric);
  if (NULL != it->explanation)
    json_object_set_new(o, "explanation", json_string(it->explanation));
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

static json_t *attempt_summary_json(const struct store_attempt *a) {
  return json_pack(
      "{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)a->id, "candidate_id",
      (json_int_t)a->user_id, "exam_id", a->exam_id, "exam_version", a->exam_version, "status",
      attempt_status_name(a->status), "started_at", json_time(a->started_ms), "deadline_at",
      json_time(a->deadline_ms), "finished_at", json_time(a->finished_ms), "verdict",
      VERDICT_NONE != a->verdict ? json_string(verdict_name(a->verdict)) : json_null());
}

/* ------------------------------------------------------------------------------------ */
/* GET /api/reviews/queue */

int h_reviews_queue(struct req *r) {
  const char *exam = req_query(r, "exam");
  const char *subsector = req_query(r, "subsector");
  const struct req_user *me = r->user;
  struct store_rd *rd = NULL;
  struct store_queue_entry *q = NULL;
  size_t n = 0;
  json_t *items = NULL;
  int rc = STORE_HARD;
  if (NULL != exam && (strlen(exam) < 1 || strlen(exam) > 40))
    return reply_error(r, ERR_INVALID_FIELD, "exam: unknown exam id.");
  if (NULL != subsector && strlen(subsector) > 16)
    return reply_error(r, ERR_INVALID_FIELD, "subsector: unknown subsector code.");
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_review_queue(rd, &q, &n, exam, 1000);
  store_rd_end(rd);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__);
  items = json_array();
  for (size_t i = 0; NULL != items && i < n && json_array_size(items) < REVIEW_QUEUE_LIMIT; i++) {
    const struct exam *ex = catalog_current(r->svc->catalog, q[i].exam_id);
    bool live_claim = q[i].claim_expires_ms > r->now_ms;
    if (q[i].user_id == me->id)
      continue; /* nobody reviews their own attempt */
    if (q[i].appeal_id > 0 && ROLE_ADMIN != me->role && q[i].holder_id != me->id)
      continue; /* an appeal is for the assessor it was assigned to */
    if (NULL != subsector && (NULL == ex || 0 != strcmp(ex->subsector, subsector)))
      continue;
    json_array_append_new(
        items,
        json_pack("{s:I, s:I, s:s, s:s?, s:s?, s:o, s:o, s:o, s:o}", "attempt_id",
                  (json_int_t)q[i].attempt_id, "candidate_id", (json_int_t)q[i].user_id, "exam_id",
                  q[i].exam_id, "exam_title", NULL == ex ? NULL : ex->title, "subsector",
                  NULL == ex ? NULL : ex->subsector, "since", json_time(q[i].since_ms),
                  "claimed_by",
                  (q[i].appeal_id > 0 || live_claim) && q[i].holder_id > 0
                      ? json_integer((json_int_t)q[i].holder_id)
                      : json_null(),
                  "claim_expires_at", live_claim ? json_time(q[i].claim_expires_ms) : json_null(),
                  "appeal_id",
                  q[i].appeal_id > 0 ? json_integer((json_int_t)q[i].appeal_id) : json_null()));
  }
  store_queue_list_free(q, n);
  if (NULL == items)
    return reply_error(r, ERR_INTERNAL, NULL);
  return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ------------------------------------------------------------------------------------ */
/* POST /api/reviews/:attempt/claim */

struct claim_ctx {
  int64_t attempt_id, assessor_id, ttl_ms;
  struct store_claim claim;
};

static int tx_claim(struct store_tx *tx, void *vctx) {
  struct claim_ctx *c = vctx;
  int rc = store_claim_take(tx, &c->claim, c->attempt_id, c->assessor_id, c->ttl_ms);
  /* Hand NONE/CONFLICT back through the rollback path; nothing was written for them. */
  return rc;
}

int h_reviews_claim(struct req *r) {
  struct claim_ctx c = {0};
  struct store_rd *rd = NULL;
  struct store_attempt att;
  int rc = STORE_HARD;
  if (!parse_id(r->params[0], &c.attempt_id))
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  memset(&att, 0, sizeof att);
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_attempt_get(rd, &att, c.attempt_id);
  store_rd_end(rd);
  store_attempt_clear(&att);
  if (STORE_NONE == rc)
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__);
  if (att.user_id == r->user->id)
    return reply_error(r, ERR_OWN_ATTEMPT, NULL);
  c.assessor_id = r->user->id;
  c.ttl_ms = (int64_t)r->svc->cfg->claim_ttl_s * 1000;
  rc = store_txn(r->svc->store, tx_claim, &c);
  if (STORE_NONE == rc)
    return reply_error(r, ERR_NOT_AWAITING_REVIEW, NULL);
  if (STORE_CONFLICT == rc)
    return reply_error(r, ERR_CLAIM_HELD, NULL);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__);
  return reply_json(
      r, 200,
      json_pack("{s:{s:I, s:I, s:o, s:o}}", "claim", "attempt_id", (json_int_t)c.claim.attempt_id,
                "assessor_id", (json_int_t)c.claim.assessor_id, "claimed_at",
                json_time(c.claim.claimed_ms), "expires_at", json_time(c.claim.expires_ms)));
}

/* ------------------------------------------------------------------------------------ */
/* GET /api/reviews/:attempt */

int h_reviews_get(struct req *r) {
  struct loaded l;
  struct store_rd *rd = NULL;
  struct store_claim claim;
  struct store_appeal appeal;
  struct store_decision *hist = NULL;
  size_t nhist = 0;
  struct score_result *res = NULL;
  json_t *units = NULL, *decisions = NULL, *body = NULL;
  int64_t id = 0;
  int crc = STORE_HARD, arc = STORE_HARD, hrc = STORE_HARD, rc = STORE_HARD;
  memset(&appeal, 0, sizeof appeal);
  if (!parse_id(r->params[0], &id))
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  if (0 != load_attempt(r, &l, id, false))
    return 0;
  if (l.att.user_id == r->user->id) {
    loaded_free(&l);
    return reply_error(r, ERR_OWN_ATTEMPT, NULL);
  }
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    crc = store_claim_get(rd, &claim, id);
    arc = store_appeal_for_attempt(rd, &appeal, id);
    hrc = store_decision_history(rd, &hist, &nhist, id);
    store_rd_end(rd);
    if (crc < 0 || arc < 0 || hrc < 0)
      rc = crc < 0 ? crc : arc < 0 ? arc : hrc;
  }
  if (STORE_OK != rc) {
    loaded_free(&l);
    store_appeal_clear(&appeal);
    store_decision_list_free(hist, nhist);
    return reply_store_error(r, rc, __func__);
  }
  {
    json_t *marks = NULL;
    if (nhist > 0) {
      /* Show the current decision's rubric points beside each open item. */
      json_t *items = json_loads(hist[nhist - 1].marks, 0, NULL);
      const char *key;
      json_t *v;
      marks = json_object();
      json_object_foreach(items, key, v) {
        json_t *crit = json_object_get(v, "criteria");
        if (NULL != crit && NULL != marks)
          json_object_set(marks, key, crit);
      }
      json_decref(items);
    }
    if (0 != score_form(&res, l.form, l.answers, marks))
      res = NULL;
    json_decref(marks);
  }
  units = json_array();
  for (size_t u = 0; NULL != units && u < l.form->nunits; u++) {
    const struct form_unit *fu = &l.form->units[u];
    const struct score_unit_result *ur = NULL != res && u < res->nunits ? &res->units[u] : NULL;
    json_t *items = json_array();
    for (size_t i = 0; NULL != items && i < fu->nitems; i++) {
      const struct score_item_result *ir = NULL;
      for (size_t k = 0; NULL != ur && k < ur->nitems; k++)
        if (0 == strcmp(ur->items[k].item_id, fu->items[i].item->id))
          ir = &ur->items[k];
      json_array_append_new(items, item_review_json(&fu->items[i], l.answers, ir));
    }
    json_array_append_new(units,
                          json_pack("{s:s, s:s, s:s?, s:I, s:s?, s:f, s:o}", "code", fu->unit->code,
                                    "title", fu->unit->title, "title_en", fu->unit->title_en,
                                    "cut_score", (json_int_t)fu->unit->cut_score, "automatic",
                                    NULL == ur ? NULL : verdict_name(ur->verdict), "percent",
                                    NULL == ur ? 0.0 : ur->percent, "items",
                                    NULL != items ? items : json_array()));
  }
  decisions = json_array();
  for (size_t i = 0; NULL != decisions && i < nhist; i++)
    json_array_append_new(decisions, decision_json(&hist[i]));
  body = json_pack(
      "{s:o, s:{s:s, s:s, s:s}, s:o, s:o, s:o, s:o}", "attempt", attempt_summary_json(&l.att),
      "exam", "id", l.exam->id, "title", l.exam->title, "subsector", l.exam->subsector, "claim",
      STORE_OK == crc && claim.expires_ms > r->now_ms
          ? json_pack("{s:I, s:o}", "assessor_id", (json_int_t)claim.assessor_id, "expires_at",
                      json_time(claim.expires_ms))
          : json_null(),
      "appeal",
      STORE_OK == arc
          ? json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)appeal.id, "status",
                      appeal_status_name(appeal.status), "reason", appeal.reason, "created_at",
                      json_time(appeal.created_ms), "assessor_id",
                      appeal.assessor_id > 0 ? json_integer((json_int_t)appeal.assessor_id)
                                             : json_null())
          : json_null(),
      "units", NULL != units ? units : json_array(), "decisions",
      NULL != decisions ? decisions : json_array());
  score_result_free(res);
  store_appeal_clear(&appeal);
  store_decision_list_free(hist, nhist);
  loaded_free(&l);
  if (NULL == body)
    return reply_error(r, ERR_INTERNAL, NULL);
  return reply_json(r, 200, body);
}

/* ------------------------------------------------------------------------------------ */
/* decisions */

/* What a decision writes, prepared outside the transaction. */
struct decide_ctx {
  int64_t attempt_id;
  int64_t actor;
  const char *kind; /* STORE_DECISION_* */
  int64_t appeal_id;
  bool expect_pending; /* a first review: the verdict must be PENDING (else K or BK) */
  bool need_claim;
  struct store_decision d;
  char *result_json;
  const char *audit_action;
  /* out */
  int64_t decision_id;
  enum verdict old_verdict;
};

static int tx_decide(struct store_tx *tx, void *vctx) {
  struct decide_ctx *c = vctx;
  struct store_rd *rd = store_tx_rd(tx);
  struct store_attempt att;
  struct store_claim claim;
  struct store_decision prev;
  json_t *before = NULL, *after = NULL;
  char *before_s = NULL, *after_s = NULL;
  char subject[40];
  int64_t prev_id = 0;
  int rc = STORE_HARD;
  c->decision_id = 0;
  memset(&att, 0, sizeof att);
  /* Re-check inside the transaction: another request may have decided meanwhile. */
  rc = store_attempt_get(rd, &att, c->attempt_id);
  if (STORE_OK != rc)
    goto done;
  c->old_verdict = att.verdict;
  if (c->expect_pending ? VERDICT_PENDING != att.verdict
                        : (VERDICT_K != att.verdict && VERDICT_BK != att.verdict)) {
    rc = STORE_CONFLICT;
    goto done;
  }
  if (c->need_claim) {
    rc = store_claim_get(rd, &claim, c->attempt_id);
    if (rc < 0)
      goto done;
    if (STORE_OK != rc || claim.assessor_id != c->actor ||
        claim.expires_ms <= store_tx_now_ms(tx)) {
      rc = STORE_NONE; /* "claim first" */
      goto done;
    }
  }
  rc = store_decision_latest(rd, &prev, c->attempt_id);
  if (rc < 0)
    goto done;
  if (STORE_OK == rc)
    prev_id = prev.id;
  store_decision_clear(&prev);
  rc = store_decision_add(tx, &c->decision_id, &c->d);
  if (STORE_OK != rc)
    goto done;
  rc = store_attempt_set_result(tx, c->attempt_id, c->d.overall, c->result_json);
  if (STORE_OK != rc) {
    rc = rc < 0 ? rc : STORE_CONFLICT;
    goto done;
  }
  rc = store_claim_release(tx, c->attempt_id);
  if (STORE_OK == rc && c->appeal_id > 0) {
    rc = store_appeal_set_decided(tx, c->appeal_id);
    if (STORE_OK != rc && rc >= 0)
      rc = STORE_CONFLICT;
  }
  if (STORE_OK != rc)
    goto done;
  before = json_pack("{s:s, s:o}", "verdict", verdict_name(att.verdict), "decision_id",
                     prev_id > 0 ? json_integer((json_int_t)prev_id) : json_null());
  after =
      json_pack("{s:s, s:I, s:s, s:o?, s:s?, s:s?}", "verdict", verdict_name(c->d.overall),
                "decision_id", (json_int_t)c->decision_id, "kind", c->d.kind, "units",
                json_loads(c->d.units, 0, NULL), "reason", c->d.reason, "feedback", c->d.feedback);
  before_s = NULL == before ? NULL : json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
  after_s = NULL == after ? NULL : json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
  if (NULL == before_s || NULL == after_s) {
    rc = STORE_HARD;
    goto done;
  }
  snprintf(subject, sizeof subject, "attempt:%lld", (long long)c->attempt_id);
  rc = store_audit_append(tx, NULL, c->actor, c->audit_action, subject, before_s, after_s);
done:
  json_decref(before);
  json_decref(after);
  free(before_s);
  free(after_s);
  store_attempt_clear(&att);
  return rc;
}

/* Answers a refused decision with the registry error for its status. */
static int reply_review(struct req *r, enum review_status st, const char *why) {
  switch (st) {
  case REVIEW_BAD_MARKS:
    return reply_error(r, ERR_BAD_MARKS, why);
  case REVIEW_INVALID_FIELD:
    return reply_error(r, ERR_INVALID_FIELD, why);
  case REVIEW_REASON_REQUIRED:
    return reply_error(r, ERR_REASON_REQUIRED, why);
  default:
    return reply_error(r, ERR_INTERNAL, NULL);
  }
}

/* Copies a checked outcome into the decision to store (strings owned by the context). */
static void take_outcome(struct decide_ctx *c, struct review_outcome *o) {
  c->d.overall = o->overall;
  c->d.marks = o->items;
  c->d.units = o->units;
  c->d.feedback = o->feedback;
  c->result_json = o->result;
  memset(o, 0, sizeof *o);
}

/* Common tail: runs the transaction and answers. */
static int decide_commit(struct req *r, struct decide_ctx *c) {
  struct store_cert cert;
  json_t *serial = NULL;
  int rc = store_txn(r->svc->store, tx_decide, c);
  memset(&cert, 0, sizeof cert);
  if (STORE_NONE == rc)
    return reply_error(r, ERR_NOT_CLAIMED, NULL);
  if (STORE_CONFLICT == rc)
    return reply_error(r, c->expect_pending ? ERR_NOT_AWAITING_REVIEW : ERR_NOT_DECIDED, NULL);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__);
  if (VERDICT_K == c->d.overall) {
    /* The decision is committed; issuing is idempotent and may be retried later through
     * POST /api/attempts/:id/certificate, so a failure here does not undo the decision. */
    char err[200] = "";
    enum issue_rc irc = issue_certificate(&cert, r->svc, c->attempt_id, c->actor, err, sizeof err);
    if (ISSUE_CREATED == irc || ISSUE_EXISTING == irc)
      serial = json_string(cert.serial);
    else
      log_msg(LOG_WARN, r->request_id, "attempt %lld decided K but not issued: %s (%s)",
              (long long)c->attempt_id, issue_rc_name(irc), err);
    store_cert_clear(&cert);
  }
  return reply_json(r, 200,
                    json_pack("{s:{s:I, s:I, s:s, s:s, s:s, s:o?, s:s?}, s:o?}", "decision", "id",
                              (json_int_t)c->decision_id, "attempt_id", (json_int_t)c->attempt_id,
                              "kind", c->d.kind, "overall", verdict_name(c->d.overall),
                              "previous_verdict", verdict_name(c->old_verdict), "units",
                              json_loads(c->d.units, 0, NULL), "feedback", c->d.feedback,
                              "certificate_serial", serial));
}

/* POST /api/reviews/:attempt/decision (assessor: first review or an assigned appeal). */
int h_reviews_decide(struct req *r) {
  struct loaded l;
  struct store_rd *rd = NULL;
  struct store_appeal appeal;
  struct review_outcome o;
  struct review_request rq;
  struct decide_ctx c;
  char why[300];
  enum review_status st;
  int64_t id = 0;
  int rc = STORE_HARD, ret = 0;
  memset(&c, 0, sizeof c);
  memset(&appeal, 0, sizeof appeal);
  memset(&o, 0, sizeof o);
  if (!parse_id(r->params[0], &id))
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  if (NULL == r->json || !json_is_object(r->json))
    return reply_error(r, ERR_INVALID_FIELD, "A JSON object body is required.");
  if (0 != load_attempt(r, &l, id, true))
    return 0;
  if (l.att.user_id == r->user->id) {
    ret = reply_error(r, ERR_OWN_ATTEMPT, NULL);
    goto cleanup;
  }
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_appeal_for_attempt(rd, &appeal, id);
  store_rd_end(rd);
  if (rc < 0) {
    ret = reply_store_error(r, rc, __func__);
    goto cleanup;
  }
  c.attempt_id = id;
  c.actor = r->user->id;
  if (STORE_OK == rc && APPEAL_ASSIGNED == appeal.status) {
    if (appeal.assessor_id != r->user->id) {
      ret = reply_error(r, ERR_APPEAL_ASSIGNED_ELSEWHERE, NULL);
      goto cleanup;
    }
    c.kind = STORE_DECISION_APPEAL;
    c.appeal_id = appeal.id;
    c.audit_action = "appeal.decision";
  } else {
    if (VERDICT_PENDING != l.att.verdict) {
      ret = reply_error(r, ERR_NOT_AWAITING_REVIEW, NULL);
      goto cleanup;
    }
    c.kind = STORE_DECISION_ASSESSOR;
    c.expect_pending = true;
    c.need_claim = true;
    c.audit_action = "review.decision";
  }
  rq = (struct review_request){.items = json_object_get(r->json, "items"),
                               .units = json_object_get(r->json, "units"),
                               .overall = json_object_get(r->json, "overall"),
                               .feedback = json_object_get(r->json, "feedback")};
  if (NULL == rq.items) {
    ret = reply_error(r, ERR_BAD_MARKS, "items: the rubric marks are required.");
    goto cleanup;
  }
  st = review_decide(&o, l.form, l.answers, &rq, why, sizeof why);
  if (REVIEW_OK != st) {
    ret = reply_review(r, st, why);
    goto cleanup;
  }
  c.d = (struct store_decision){
      .attempt_id = id, .decided_by = r->user->id, .appeal_id = c.appeal_id};
  snprintf(c.d.kind, sizeof c.d.kind, "%s", c.kind);
  take_outcome(&c, &o);
  ret = decide_commit(r, &c);
cleanup:
  store_decision_clear(&c.d);
  free(c.result_json);
  review_outcome_free(&o);
  store_appeal_clear(&appeal);
  loaded_free(&l);
  return ret;
}

/* POST /api/admin/attempts/:id/decision: an administrator changes a decided attempt.
 * The reason is required; the rubric points of the current decision are kept. */
int h_admin_attempt_decision(struct req *r) {
  struct loaded l;
  struct store_rd *rd = NULL;
  struct store_decision prev;
  struct review_outcome o;
  struct review_request rq;
  struct decide_ctx c;
  json_t *kept = NULL, *reason = NULL;
  char why[300];
  enum review_status st;
  int64_t id = 0;
  int rc = STORE_HARD, ret = 0;
  memset(&c, 0, sizeof c);
  memset(&prev, 0, sizeof prev);
  memset(&o, 0, sizeof o);
  if (!parse_id(r->params[0], &id))
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  if (NULL == r->json || !json_is_object(r->json))
    return reply_error(r, ERR_INVALID_FIELD, "A JSON object body is required.");
  reason = json_object_get(r->json, "reason");
  if (NULL != reason && !json_is_null(reason) &&
      (!json_is_string(reason) || json_string_length(reason) > REVIEW_MAX_REASON ||
       strlen(json_string_value(reason)) != json_string_length(reason)))
    return reply_error(r, ERR_INVALID_FIELD, "reason: text of at most 2000 bytes.");
  if (!json_is_string(reason) || 0 == json_string_length(reason))
    return reply_error(r, ERR_REASON_REQUIRED,
                       "reason: an administrator's change needs a "
                       "reason.");
  if (0 != load_attempt(r, &l, id, true))
    return 0;
  if (VERDICT_K != l.att.verdict && VERDICT_BK != l.att.verdict) {
    ret = reply_error(r, ERR_NOT_DECIDED, NULL);
    goto cleanup;
  }
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_decision_latest(rd, &prev, id);
  store_rd_end(rd);
  if (rc < 0) {
    ret = reply_store_error(r, rc, __func__);
    goto cleanup;
  }
  if (STORE_OK == rc && NULL == (kept = json_loads(prev.marks, 0, NULL))) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  rq = (struct review_request){.kept_items = kept,
                               .units = json_object_get(r->json, "units"),
                               .overall = json_object_get(r->json, "overall"),
                               .feedback = json_object_get(r->json, "feedback"),
                               .kept_feedback = STORE_OK == rc ? prev.feedback : NULL,
                               .reason_all = json_string_value(reason)};
  st = review_decide(&o, l.form, l.answers, &rq, why, sizeof why);
  if (REVIEW_OK != st) {
    ret = reply_review(r, st, why);
    goto cleanup;
  }
  c.attempt_id = id;
  c.actor = r->user->id;
  c.kind = STORE_DECISION_ADMIN;
  c.audit_action = "review.admin_change";
  c.d = (struct store_decision){
      .attempt_id = id, .decided_by = r->user->id, .reason = strdup(json_string_value(reason))};
  snprintf(c.d.kind, sizeof c.d.kind, "%s", c.kind);
  take_outcome(&c, &o);
  if (NULL == c.d.reason) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  ret = decide_commit(r, &c);
cleanup:
  store_decision_clear(&c.d);
  free(c.result_json);
  review_outcome_free(&o);
  json_decref(kept);
  store_decision_clear(&prev);
  loaded_free(&l);
  return ret;
}

/* ------------------------------------------------------------------------------------ */
/* GET /api/attempts/:id/feedback — the candidate's view of the assessor's decision */

int h_reviews_feedback(struct req *r) {
  struct store_rd *rd = NULL;
  struct store_attempt att;
  struct store_decision d;
  struct store_appeal appeal;
  json_t *units = NULL, *marks = NULL, *comments = NULL, *body = NULL;
  int64_t id = 0, decided_ms = 0;
  int rc = STORE_HARD, drc = STORE_NONE, arc = STORE_NONE;
  memset(&att, 0, sizeof att);
  memset(&d, 0, sizeof d);
  memset(&appeal, 0, sizeof appeal);
  if (!parse_id(r->params[0], &id))
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_attempt_get(rd, &att, id);
  if (STORE_OK == rc && att.user_id == r->user->id) {
    drc = store_decision_latest(rd, &d, id);
    arc = store_appeal_for_attempt(rd, &appeal, id);
  }
  store_rd_end(rd);
  store_attempt_clear(&att);
  if (STORE_OK == rc && (drc < 0 || arc < 0))
    rc = drc < 0 ? drc : arc;
  /* Someone else's attempt is "not found", like a missing one. */
  if (STORE_NONE == rc || (STORE_OK == rc && att.user_id != r->user->id)) {
    rc = reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
    goto cleanup;
  }
  if (STORE_OK != rc) {
    rc = reply_store_error(r, rc, __func__);
    goto cleanup;
  }
  if (VERDICT_K != att.verdict && VERDICT_BK != att.verdict) {
    rc = reply_error(r, ERR_NOT_DECIDED, NULL);
    goto cleanup;
  }
  decided_ms = STORE_OK == drc      ? d.decided_ms
               : att.decided_ms > 0 ? att.decided_ms
                                    : att.finished_ms;
  if (STORE_OK == drc) {
    const char *key;
    json_t *v;
    units = json_loads(d.units, 0, NULL);
    marks = json_loads(d.marks, 0, NULL);
    comments = json_object();
    json_object_foreach(marks, key, v) {
      json_t *c = json_object_get(v, "comment");
      if (json_is_string(c) && NULL != comments)
        json_object_set(comments, key, c);
    }
  }
  body = json_pack(
      "{s:I, s:s, s:o, s:s?, s:o, s:o, s:o, s:o}", "attempt_id", (json_int_t)id, "verdict",
      verdict_name(att.verdict), "decided_at", json_time(decided_ms), "feedback",
      STORE_OK == drc ? d.feedback : NULL, "units", NULL != units ? units : json_object(),
      "comments", NULL != comments ? comments : json_object(), "appeal_until",
      json_time(decided_ms + (int64_t)r->svc->cfg->appeal_days * 86400 * 1000), "appeal",
      STORE_OK == arc ? json_pack("{s:I, s:s}", "id", (json_int_t)appeal.id, "status",
                                  appeal_status_name(appeal.status))
                      : json_null());
  units = comments = NULL; /* owned by body (or freed by json_pack on failure) */
  rc = NULL == body ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, body);
cleanup:
  json_decref(units);
  json_decref(comments);
  json_decref(marks);
  store_decision_clear(&d);
  store_appeal_clear(&appeal);
  return rc;
}
