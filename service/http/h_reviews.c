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
#include "ujikom/score.h"

#define REVIEW_MAX_COMMENT  5000
#define REVIEW_MAX_REASON   2000
#define REVIEW_MAX_FEEDBACK 10000
#define REVIEW_QUEUE_LIMIT  200

/* A time as the API shows it (ISO 8601, UTC, seconds), or null for 0 (not yet). */
static json_t *json_time(int64_t ms) {
  char buf[32];
  struct tm tm;
  time_t t = (time_t)(ms / 1000);
  if (ms <= 0 || NULL == gmtime_r(&t, &tm) ||
      0 == strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
    return json_null();
  return json_string(buf);
}

static int reply_store(struct req *r, int rc) {
  if (STORE_BUSY == rc)
    return reply_error(r, ERR_BUSY, NULL);
  if (STORE_UNAVAILABLE == rc)
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  return reply_error(r, ERR_INTERNAL, NULL);
}

/* A positive decimal id from a path segment. */
static bool parse_id(const char *s, int64_t *out) {
  char *end = NULL;
  long long v = 0;
  if (NULL == s || '\0' == s[0] || strlen(s) > 18)
    return false;
  for (const char *p = s; '\0' != *p; p++)
    if (*p < '0' || *p > '9')
      return false;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (0 != errno || '\0' != *end || v <= 0)
    return false;
  *out = (int64_t)v;
  return true;
}

/* A string member without embedded NUL, or NULL when absent / not a string. */
static const char *member_str(const json_t *obj, const char *name, size_t *out_len) {
  json_t *v = json_object_get(obj, name);
  const char *s = NULL;
  if (!json_is_string(v))
    return NULL;
  s = json_string_value(v);
  if (strlen(s) != json_string_length(v))
    return NULL;
  if (NULL != out_len)
    *out_len = json_string_length(v);
  return s;
}

/* An optional text member: true when absent/null (*out = NULL) or a string of at most max
 * bytes without NUL; false (with a reply sent) otherwise. required: absent/empty refused. */
static bool optional_text(struct req *r, const json_t *obj, const char *name, size_t max,
                          bool required, const char **out) {
  json_t *v = json_object_get(obj, name);
  size_t len = 0;
  char detail[160];
  *out = NULL;
  if (NULL == v || json_is_null(v)) {
    if (!required)
      return true;
  } else if (NULL != (*out = member_str(obj, name, &len)) && len <= max) {
    if (!required || len > 0)
      return true;
  }
  snprintf(detail, sizeof detail, "%s: %s text of at most %zu bytes is required.", name,
           required ? "a non-empty" : "a", max);
  reply_error(r, ERR_INVALID_FIELD, detail);
  return false;
}

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
    return reply_store(r, rc), -1;
  rc = store_attempt_get(rd, &out->att, id);
  if (STORE_OK == rc)
    rc = store_answers_get(rd, &ans, &nans, id);
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
    goto fail;
  }
  if (STORE_OK != rc) {
    reply_store(r, rc);
    goto fail;
  }
  if (need_finished && 0 == strcmp(out->att.status, STORE_ATTEMPT_OPEN)) {
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
      "overall", d->overall, "items", NULL != marks ? marks : json_object(), "units",
      NULL != units ? units : json_object(), "feedback", d->feedback, "reason", d->reason,
      "appeal_id", d->appeal_id > 0 ? json_integer((json_int_t)d->appeal_id) : json_null());
}

static json_t *attempt_summary_json(const struct store_attempt *a) {
  return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)a->id,
                   "candidate_id", (json_int_t)a->user_id, "exam_id", a->exam_id, "exam_version",
                   a->exam_version, "status", a->status, "started_at", json_time(a->started_ms),
                   "deadline_at", json_time(a->deadline_ms), "finished_at",
                   json_time(a->finished_ms), "verdict",
                   '\0' != a->verdict[0] ? json_string(a->verdict) : json_null());
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
    return reply_store(r, rc);
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
  free(q);
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
    return reply_store(r, rc);
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
    return reply_store(r, rc);
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
    return reply_store(r, rc);
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
                                    NULL == ur ? NULL : score_verdict_name(ur->verdict), "percent",
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
          ? json_pack(
                "{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)appeal.id, "status", appeal.status,
                "reason", appeal.reason, "created_at", json_time(appeal.created_ms), "assessor_id",
                appeal.assessor_id > 0 ? json_integer((json_int_t)appeal.assessor_id) : json_null())
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
  const char *expect_verdict; /* "PENDING" for a first review; NULL = K or BK */
  bool need_claim;
  struct store_decision d;
  char *result_json;
  const char *audit_action;
  /* out */
  int64_t decision_id;
  char old_verdict[8];
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
  snprintf(c->old_verdict, sizeof c->old_verdict, "%s", att.verdict);
  if (NULL != c->expect_verdict
          ? 0 != strcmp(att.verdict, c->expect_verdict)
          : (0 != strcmp(att.verdict, "K") && 0 != strcmp(att.verdict, "BK"))) {
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
  before = json_pack("{s:s, s:o}", "verdict", att.verdict, "decision_id",
                     prev_id > 0 ? json_integer((json_int_t)prev_id) : json_null());
  after =
      json_pack("{s:s, s:I, s:s, s:o?, s:s?, s:s?}", "verdict", c->d.overall, "decision_id",
                (json_int_t)c->decision_id, "kind", c->d.kind, "units",
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

/* Parses the "units" object of a decision body against the scored form. final[u] receives
 * each unit's outcome (default: the automatic one). Returns the units JSON to store, or NULL
 * after replying 400. reason_all: a general reason that covers every override (admin). */
static json_t *decide_units(struct req *r, const json_t *body, const struct exam_form *form,
                            const struct score_result *res, enum score_verdict *final,
                            const char *reason_all) {
  json_t *given = json_object_get(body, "units");
  json_t *out = json_object();
  const char *code;
  json_t *v;
  char detail[200];
  if (NULL == out)
    return reply_error(r, ERR_INTERNAL, NULL), NULL;
  if (NULL != given && !json_is_null(given) && !json_is_object(given)) {
    json_decref(out);
    return reply_error(r, ERR_INVALID_FIELD, "units: must be an object keyed by unit code."), NULL;
  }
  json_object_foreach(given, code, v) {
    bool known = false;
    for (size_t u = 0; u < form->nunits; u++)
      known = known || 0 == strcmp(form->units[u].unit->code, code);
    if (!known) {
      snprintf(detail, sizeof detail, "units: %.60s is not a unit of this exam.", code);
      json_decref(out);
      return reply_error(r, ERR_INVALID_FIELD, detail), NULL;
    }
  }
  for (size_t u = 0; u < form->nunits && u < res->nunits; u++) {
    const char *ucode = form->units[u].unit->code;
    json_t *g = NULL == given ? NULL : json_object_get(given, ucode);
    enum score_verdict automatic = res->units[u].verdict;
    const char *outcome = NULL, *reason = NULL;
    final[u] = automatic;
    if (NULL != g) {
      if (!json_is_object(g)) {
        snprintf(detail, sizeof detail, "units.%.60s: must be an object.", ucode);
        json_decref(out);
        return reply_error(r, ERR_INVALID_FIELD, detail), NULL;
      }
      outcome = member_str(g, "outcome", NULL);
      if (NULL == outcome || (0 != strcmp(outcome, "K") && 0 != strcmp(outcome, "BK"))) {
        snprintf(detail, sizeof detail, "units.%.60s.outcome: must be \"K\" or \"BK\".", ucode);
        json_decref(out);
        return reply_error(r, ERR_INVALID_FIELD, detail), NULL;
      }
      if (!optional_text(r, g, "reason", REVIEW_MAX_REASON, false, &reason)) {
        json_decref(out);
        return NULL;
      }
      final[u] = 0 == strcmp(outcome, "K") ? SCORE_K : SCORE_BK;
    }
    if (final[u] != automatic && (NULL == reason || '\0' == reason[0]) &&
        (NULL == reason_all || '\0' == reason_all[0])) {
      snprintf(detail, sizeof detail,
               "units.%.60s.reason: required when the outcome differs from the automatic "
               "result (%s).",
               ucode, score_verdict_name(automatic));
      json_decref(out);
      return reply_error(r, ERR_REASON_REQUIRED, detail), NULL;
    }
    if (SCORE_PENDING == final[u]) {
      snprintf(detail, sizeof detail, "units.%.60s.outcome: the unit is still pending.", ucode);
      json_decref(out);
      return reply_error(r, ERR_INVALID_FIELD, detail), NULL;
    }
    json_object_set_new(out, ucode,
                        json_pack("{s:s, s:s, s:s?}", "outcome", score_verdict_name(final[u]),
                                  "automatic", score_verdict_name(automatic), "reason",
                                  NULL != reason && '\0' != reason[0] ? reason : NULL));
  }
  return out;
}

/* The overall outcome: required, and K exactly when every unit is K. */
static const char *decide_overall(struct req *r, const json_t *body,
                                  const enum score_verdict *final, size_t nunits) {
  const char *overall = member_str(body, "overall", NULL);
  bool all_k = nunits > 0;
  for (size_t u = 0; u < nunits; u++)
    all_k = all_k && SCORE_K == final[u];
  if (NULL == overall || (0 != strcmp(overall, "K") && 0 != strcmp(overall, "BK")))
    return reply_error(r, ERR_INVALID_FIELD, "overall: must be \"K\" or \"BK\"."), NULL;
  if ((0 == strcmp(overall, "K")) != all_k)
    return reply_error(r, ERR_INVALID_FIELD,
                       all_k ? "overall: every unit is K, so the overall result is K."
                             : "overall: K needs every unit to be K."),
           NULL;
  return overall;
}

/* The stored result: the scorer's JSON with the decided outcomes and the feedback. */
static char *decide_result_json(const struct score_result *res, const struct exam_form *form,
                                const enum score_verdict *final, const char *overall,
                                const char *feedback) {
  json_t *j = score_result_json(res, form);
  json_t *units = json_object_get(j, "units");
  char *s = NULL;
  if (NULL == j)
    return NULL;
  for (size_t u = 0; u < json_array_size(units) && u < res->nunits; u++) {
    json_t *ju = json_array_get(units, u);
    json_object_set_new(ju, "automatic", json_string(score_verdict_name(res->units[u].verdict)));
    json_object_set_new(ju, "verdict", json_string(score_verdict_name(final[u])));
  }
  json_object_set_new(j, "overall", json_string(overall));
  json_object_set_new(j, "feedback", NULL == feedback ? json_null() : json_string(feedback));
  s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  return s;
}

/* Validates {"items": {id: {"criteria": {...}, "comment": ".."}}} against the form's open
 * items. On success *out_marks is {id: criteria} for the scorer and *out_items what is
 * stored. Returns 0, or -1 after replying 400. */
static int decide_marks(struct req *r, const json_t *body, const struct exam_form *form,
                        json_t **out_marks, json_t **out_items) {
  json_t *items = json_object_get(body, "items");
  json_t *marks = json_object(), *stored = json_object();
  const char *id;
  json_t *v;
  char detail[300], why[200];
  *out_marks = *out_items = NULL;
  if (NULL == marks || NULL == stored)
    goto internal;
  if (NULL != items && !json_is_object(items)) {
    reply_error(r, ERR_BAD_MARKS, "items: must be an object keyed by item id.");
    goto fail;
  }
  json_object_foreach(items, id, v) {
    const struct form_item *fi = exam_form_find_item(form, id);
    json_t *crit = json_is_object(v) ? json_object_get(v, "criteria") : NULL;
    const char *comment = NULL;
    double pts = 0;
    if (NULL == fi || !exam_item_is_open(fi->item)) {
      snprintf(detail, sizeof detail, "items.%.64s: not an assessor-scored item of this form.", id);
      reply_error(r, ERR_BAD_MARKS, detail);
      goto fail;
    }
    if (NULL == crit || 0 != score_open_item(&pts, fi->item, crit, why, sizeof why)) {
      snprintf(detail, sizeof detail, "items.%.64s.criteria: %s", id,
               NULL == crit ? "missing." : why);
      reply_error(r, ERR_BAD_MARKS, detail);
      goto fail;
    }
    if (!optional_text(r, v, "comment", REVIEW_MAX_COMMENT, false, &comment))
      goto fail;
    json_object_set(marks, id, crit);
    json_object_set_new(
        stored, id,
        json_pack("{s:O, s:s?, s:f}", "criteria", crit, "comment", comment, "points", pts));
  }
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      const struct exam_item *it = form->units[u].items[i].item;
      if (exam_item_is_open(it) && NULL == json_object_get(marks, it->id)) {
        snprintf(detail, sizeof detail,
                 "items.%.64s: marks for every rubric criterion are "
                 "required.",
                 it->id);
        reply_error(r, ERR_BAD_MARKS, detail);
        goto fail;
      }
    }
  }
  *out_marks = marks;
  *out_items = stored;
  return 0;
internal:
  reply_error(r, ERR_INTERNAL, NULL);
fail:
  json_decref(marks);
  json_decref(stored);
  return -1;
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
    return reply_error(r, NULL != c->expect_verdict ? ERR_NOT_AWAITING_REVIEW : ERR_NOT_DECIDED,
                       NULL);
  if (STORE_OK != rc)
    return reply_store(r, rc);
  if (0 == strcmp(c->d.overall, "K")) {
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
                              "kind", c->d.kind, "overall", c->d.overall, "previous_verdict",
                              c->old_verdict, "units", json_loads(c->d.units, 0, NULL), "feedback",
                              c->d.feedback, "certificate_serial", serial));
}

/* POST /api/reviews/:attempt/decision (assessor: first review or an assigned appeal). */
int h_reviews_decide(struct req *r) {
  struct loaded l;
  struct store_rd *rd = NULL;
  struct store_appeal appeal;
  struct score_result *res = NULL;
  enum score_verdict *final = NULL;
  json_t *marks = NULL, *items = NULL, *units = NULL;
  struct decide_ctx c;
  const char *overall = NULL, *feedback = NULL, *reason = NULL;
  int64_t id = 0;
  int rc = STORE_HARD, ret = 0;
  memset(&c, 0, sizeof c);
  memset(&appeal, 0, sizeof appeal);
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
    ret = reply_store(r, rc);
    goto cleanup;
  }
  c.attempt_id = id;
  c.actor = r->user->id;
  if (STORE_OK == rc && 0 == strcmp(appeal.status, STORE_APPEAL_ASSIGNED)) {
    if (appeal.assessor_id != r->user->id) {
      ret = reply_error(r, ERR_APPEAL_ASSIGNED_ELSEWHERE, NULL);
      goto cleanup;
    }
    c.kind = STORE_DECISION_APPEAL;
    c.appeal_id = appeal.id;
    c.expect_verdict = NULL;
    c.need_claim = false;
    c.audit_action = "appeal.decision";
  } else {
    c.kind = STORE_DECISION_ASSESSOR;
    c.expect_verdict = "PENDING";
    c.need_claim = true;
    c.audit_action = "review.decision";
    if (0 != strcmp(l.att.verdict, "PENDING")) {
      ret = reply_error(r, ERR_NOT_AWAITING_REVIEW, NULL);
      goto cleanup;
    }
  }
  if (0 != decide_marks(r, r->json, l.form, &marks, &items))
    goto cleanup;
  if (0 != score_form(&res, l.form, l.answers, marks)) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  final = calloc(res->nunits + 1, sizeof *final);
  if (NULL == final) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  units = decide_units(r, r->json, l.form, res, final, NULL);
  if (NULL == units)
    goto cleanup;
  overall = decide_overall(r, r->json, final, res->nunits);
  if (NULL == overall)
    goto cleanup;
  if (!optional_text(r, r->json, "feedback", REVIEW_MAX_FEEDBACK, 0 == strcmp(overall, "BK"),
                     &feedback))
    goto cleanup;
  c.d = (struct store_decision){.attempt_id = id,
                                .decided_by = r->user->id,
                                .appeal_id = c.appeal_id,
                                .feedback = NULL == feedback ? NULL : strdup(feedback),
                                .reason = NULL};
  snprintf(c.d.kind, sizeof c.d.kind, "%s", c.kind);
  snprintf(c.d.overall, sizeof c.d.overall, "%s", overall);
  c.d.marks = json_dumps(items, JSON_COMPACT | JSON_SORT_KEYS);
  c.d.units = json_dumps(units, JSON_COMPACT | JSON_SORT_KEYS);
  c.result_json = decide_result_json(res, l.form, final, overall, feedback);
  if (NULL == c.d.marks || NULL == c.d.units || NULL == c.result_json ||
      (NULL != feedback && NULL == c.d.feedback) || (NULL != reason && NULL == c.d.reason)) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  ret = decide_commit(r, &c);
cleanup:
  store_decision_clear(&c.d);
  free(c.result_json);
  free(final);
  json_decref(marks);
  json_decref(items);
  json_decref(units);
  score_result_free(res);
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
  struct score_result *res = NULL;
  enum score_verdict *final = NULL;
  json_t *marks = NULL, *units = NULL, *items = NULL;
  struct decide_ctx c;
  const char *overall = NULL, *feedback = NULL, *reason = NULL;
  int64_t id = 0;
  int rc = STORE_HARD, ret = 0;
  memset(&c, 0, sizeof c);
  memset(&prev, 0, sizeof prev);
  if (!parse_id(r->params[0], &id))
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  if (NULL == r->json || !json_is_object(r->json))
    return reply_error(r, ERR_INVALID_FIELD, "A JSON object body is required.");
  if (!optional_text(r, r->json, "reason", REVIEW_MAX_REASON, false, &reason))
    return 0;
  if (NULL == reason || '\0' == reason[0])
    return reply_error(r, ERR_REASON_REQUIRED,
                       "reason: an administrator's change needs a "
                       "reason.");
  if (0 != load_attempt(r, &l, id, true))
    return 0;
  if (0 != strcmp(l.att.verdict, "K") && 0 != strcmp(l.att.verdict, "BK")) {
    ret = reply_error(r, ERR_NOT_DECIDED, NULL);
    goto cleanup;
  }
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_decision_latest(rd, &prev, id);
  store_rd_end(rd);
  if (rc < 0) {
    ret = reply_store(r, rc);
    goto cleanup;
  }
  items = STORE_OK == rc ? json_loads(prev.marks, 0, NULL) : json_object();
  marks = json_object();
  if (NULL == items || NULL == marks) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  {
    const char *key;
    json_t *v;
    json_object_foreach(items, key, v) {
      json_t *crit = json_object_get(v, "criteria");
      if (NULL != crit)
        json_object_set(marks, key, crit);
    }
  }
  if (0 != score_form(&res, l.form, l.answers, marks)) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  final = calloc(res->nunits + 1, sizeof *final);
  if (NULL == final) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  units = decide_units(r, r->json, l.form, res, final, reason);
  if (NULL == units)
    goto cleanup;
  overall = decide_overall(r, r->json, final, res->nunits);
  if (NULL == overall)
    goto cleanup;
  if (!optional_text(r, r->json, "feedback", REVIEW_MAX_FEEDBACK, false, &feedback))
    goto cleanup;
  if (NULL == feedback && STORE_OK == rc)
    feedback = prev.feedback;
  c.attempt_id = id;
  c.actor = r->user->id;
  c.kind = STORE_DECISION_ADMIN;
  c.expect_verdict = NULL;
  c.need_claim = false;
  c.audit_action = "review.admin_change";
  c.d = (struct store_decision){.attempt_id = id,
                                .decided_by = r->user->id,
                                .feedback = NULL == feedback ? NULL : strdup(feedback),
                                .reason = strdup(reason)};
  snprintf(c.d.kind, sizeof c.d.kind, "%s", c.kind);
  snprintf(c.d.overall, sizeof c.d.overall, "%s", overall);
  c.d.marks = json_dumps(items, JSON_COMPACT | JSON_SORT_KEYS);
  c.d.units = json_dumps(units, JSON_COMPACT | JSON_SORT_KEYS);
  c.result_json = decide_result_json(res, l.form, final, overall, feedback);
  if (NULL == c.d.marks || NULL == c.d.units || NULL == c.result_json ||
      (NULL != feedback && NULL == c.d.feedback) || (NULL != reason && NULL == c.d.reason)) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  ret = decide_commit(r, &c);
cleanup:
  store_decision_clear(&c.d);
  free(c.result_json);
  free(final);
  json_decref(marks);
  json_decref(items);
  json_decref(units);
  score_result_free(res);
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
    rc = reply_store(r, rc);
    goto cleanup;
  }
  if (0 != strcmp(att.verdict, "K") && 0 != strcmp(att.verdict, "BK")) {
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
  body =
      json_pack("{s:I, s:s, s:o, s:s?, s:o, s:o, s:o, s:o}", "attempt_id", (json_int_t)id,
                "verdict", att.verdict, "decided_at", json_time(decided_ms), "feedback",
                STORE_OK == drc ? d.feedback : NULL, "units", NULL != units ? units : json_object(),
                "comments", NULL != comments ? comments : json_object(), "appeal_until",
                json_time(decided_ms + (int64_t)r->svc->cfg->appeal_days * 86400 * 1000), "appeal",
                STORE_OK == arc
                    ? json_pack("{s:I, s:s}", "id", (json_int_t)appeal.id, "status", appeal.status)
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
