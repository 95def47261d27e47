/*
 * Appeals (banding, FR.AK.04): a candidate appeals a decided result within the configured
 * period; an administrator assigns the appeal to a second assessor (never the one who
 * decided); that assessor's decision, made through the reviews API, then stands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/handlers.h"
#include "store/store.h"

#define APPEAL_MAX_REASON 5000
#define APPEAL_LIST_LIMIT 500

static json_t *appeal_json(const struct store_appeal *a) {
  return json_pack(
      "{s:I, s:I, s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)a->id, "attempt_id",
      (json_int_t)a->attempt_id, "candidate_id", (json_int_t)a->candidate_id, "reason", a->reason,
      "created_at", json_time(a->created_ms), "status", appeal_status_name(a->status),
      "original_assessor_id",
      a->original_assessor_id > 0 ? json_integer(a->original_assessor_id) : json_null(),
      "assessor_id", a->assessor_id > 0 ? json_integer(a->assessor_id) : json_null(), "assigned_at",
      json_time(a->assigned_ms), "decided_at", json_time(a->decided_ms));
}

/* Writes {"id":..,...} of the appeal as compact JSON for the audit log (caller frees). */
static char *appeal_audit_text(const struct store_appeal *a) {
  json_t *j = appeal_json(a);
  char *s = NULL == j ? NULL : json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(j);
  return s;
}

/* ------------------------------------------------------------------------------------ */
/* POST /api/attempts/:id/appeal */

struct create_ctx {
  int64_t attempt_id, candidate_id, original_assessor_id;
  const char *reason;
  int64_t appeal_id;
};

static int tx_create(struct store_tx *tx, void *vctx) {
  struct create_ctx *c = vctx;
  struct store_appeal a;
  char subject[40];
  char *after = NULL;
  int rc = store_appeal_create(tx, &c->appeal_id, c->attempt_id, c->candidate_id, c->reason,
                               c->original_assessor_id);
  if (STORE_OK != rc)
    return rc;
  rc = store_appeal_get(store_tx_rd(tx), &a, c->appeal_id);
  if (STORE_OK != rc)
    return rc < 0 ? rc : STORE_HARD;
  after = appeal_audit_text(&a);
  store_appeal_clear(&a);
  if (NULL == after)
    return STORE_HARD;
  snprintf(subject, sizeof subject, "attempt:%lld", (long long)c->attempt_id);
  rc = store_audit_append(tx, NULL, c->candidate_id, "appeal.create", subject, NULL, after);
  free(after);
  return rc;
}

int h_appeals_create(struct req *r) {
  struct create_ctx c = {0};
  struct store_rd *rd = NULL;
  struct store_attempt att;
  struct store_decision d;
  struct store_appeal a;
  json_t *reason = NULL;
  int64_t decided_ms = 0;
  int rc = STORE_HARD, drc = STORE_NONE;
  memset(&att, 0, sizeof att);
  memset(&d, 0, sizeof d);
  memset(&a, 0, sizeof a);
  if (!parse_id(r->params[0], &c.attempt_id))
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  if (NULL == r->json || !json_is_object(r->json))
    return reply_error(r, ERR_INVALID_FIELD, "A JSON object body is required.");
  reason = json_object_get(r->json, "reason");
  if (!json_is_string(reason) || 0 == json_string_length(reason) ||
      json_string_length(reason) > APPEAL_MAX_REASON ||
      strlen(json_string_value(reason)) != json_string_length(reason))
    return reply_error(r, ERR_INVALID_FIELD,
                       "reason: say why you appeal (1 to 5000 bytes of text).");
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_attempt_get(rd, &att, c.attempt_id);
  if (STORE_OK == rc && att.user_id == r->user->id)
    drc = store_decision_latest(rd, &d, c.attempt_id);
  store_rd_end(rd);
  store_attempt_clear(&att);
  /* Someone else's attempt is "not found": do not confirm that it exists. */
  if (STORE_NONE == rc || (STORE_OK == rc && att.user_id != r->user->id))
    rc = STORE_NONE;
  if (drc < 0)
    rc = drc;
  if (STORE_NONE == rc)
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__);
  if (VERDICT_K != att.verdict && VERDICT_BK != att.verdict) {
    store_decision_clear(&d);
    return reply_error(r, ERR_NOT_DECIDED, NULL);
  }
  /* The period runs from the decision that is being appealed. */
  decided_ms = STORE_OK == drc      ? d.decided_ms
               : att.decided_ms > 0 ? att.decided_ms
                                    : att.finished_ms;
  c.original_assessor_id = STORE_OK == drc ? d.decided_by : 0;
  store_decision_clear(&d);
  if (r->now_ms - decided_ms > (int64_t)r->svc->cfg->appeal_days * 86400 * 1000)
    return reply_error(r, ERR_APPEAL_PERIOD_OVER, NULL);
  c.candidate_id = r->user->id;
  c.reason = json_string_value(reason);
  rc = store_txn(r->svc->store, tx_create, &c);
  if (STORE_EXISTS == rc)
    return reply_error(r, ERR_ALREADY_APPEALED, NULL);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__);
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_appeal_get(rd, &a, c.appeal_id);
  store_rd_end(rd);
  if (STORE_OK != rc)
    return reply_store_error(r, rc < 0 ? rc : STORE_HARD, __func__);
  {
    json_t *body = json_pack("{s:o}", "appeal", appeal_json(&a));
    store_appeal_clear(&a);
    return reply_json(r, 201, body);
  }
}

/* ------------------------------------------------------------------------------------ */
/* GET /api/admin/appeals?status= */

int h_appeals_list(struct req *r) {
  const char *status_text = req_query(r, "status");
  enum appeal_status status = APPEAL_OPEN;
  struct store_rd *rd = NULL;
  struct store_appeal *list = NULL;
  size_t n = 0;
  json_t *items = NULL;
  int rc = STORE_HARD;
  if (NULL != status_text && !appeal_status_parse(status_text, &status))
    return reply_error(r, ERR_INVALID_FIELD, "status: one of open, assigned, decided.");
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_appeal_list(rd, &list, &n, NULL == status_text ? NULL : &status, APPEAL_LIST_LIMIT);
  store_rd_end(rd);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__);
  items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++)
    json_array_append_new(items, appeal_json(&list[i]));
  store_appeal_list_free(list, n);
  if (NULL == items)
    return reply_error(r, ERR_INTERNAL, NULL);
  return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ------------------------------------------------------------------------------------ */
/* POST /api/admin/appeals/:id/assign {"assessor_id": N} */

struct assign_ctx {
  int64_t appeal_id, assessor_id, actor;
  int why; /* 0, or an enum err for a refusal found inside the transaction */
};

static int tx_assign(struct store_tx *tx, void *vctx) {
  struct assign_ctx *c = vctx;
  struct store_rd *rd = store_tx_rd(tx);
  struct store_appeal before, after;
  struct store_user u;
  char *before_s = NULL, *after_s = NULL;
  char subject[40];
  int rc = STORE_HARD;
  c->why = 0;
  memset(&before, 0, sizeof before);
  memset(&after, 0, sizeof after);
  rc = store_appeal_get(rd, &before, c->appeal_id);
  if (STORE_NONE == rc)
    c->why = ERR_APPEAL_NOT_FOUND;
  if (STORE_OK != rc)
    goto done;
  rc = store_user_by_id(rd, &u, c->assessor_id);
  if (rc < 0)
    goto done;
  if (STORE_NONE == rc || ROLE_ASSESSOR != u.role || u.disabled) {
    c->why = ERR_NOT_AN_ASSESSOR;
    rc = STORE_CONFLICT;
    goto done;
  }
  if (c->assessor_id == before.original_assessor_id || c->assessor_id == before.candidate_id) {
    c->why = ERR_SAME_ASSESSOR;
    rc = STORE_CONFLICT;
    goto done;
  }
  rc = store_appeal_assign(tx, c->appeal_id, c->assessor_id);
  if (STORE_CONFLICT == rc)
    c->why = ERR_APPEAL_DECIDED;
  if (STORE_OK != rc)
    goto done;
  rc = store_appeal_get(rd, &after, c->appeal_id);
  if (STORE_OK != rc) {
    rc = rc < 0 ? rc : STORE_HARD;
    goto done;
  }
  before_s = appeal_audit_text(&before);
  after_s = appeal_audit_text(&after);
  if (NULL == before_s || NULL == after_s) {
    rc = STORE_HARD;
    goto done;
  }
  snprintf(subject, sizeof subject, "attempt:%lld", (long long)before.attempt_id);
  rc = store_audit_append(tx, NULL, c->actor, "appeal.assign", subject, before_s, after_s);
done:
  free(before_s);
  free(after_s);
  store_appeal_clear(&before);
  store_appeal_clear(&after);
  return rc;
}

int h_appeals_assign(struct req *r) {
  struct assign_ctx c = {0};
  struct store_rd *rd = NULL;
  struct store_appeal a;
  json_t *who = NULL;
  int rc = STORE_HARD;
  if (!parse_id(r->params[0], &c.appeal_id))
    return reply_error(r, ERR_APPEAL_NOT_FOUND, NULL);
  if (NULL == r->json || !json_is_object(r->json))
    return reply_error(r, ERR_INVALID_FIELD, "A JSON object body is required.");
  who = json_object_get(r->json, "assessor_id");
  /* A number, or its decimal text (what an HTML form without JavaScript sends). */
  if (json_is_integer(who) && json_integer_value(who) > 0)
    c.assessor_id = (int64_t)json_integer_value(who);
  else if (!json_is_string(who) || !parse_id(json_string_value(who), &c.assessor_id))
    return reply_error(r, ERR_INVALID_FIELD, "assessor_id: the id of an assessor account.");
  c.actor = r->user->id;
  rc = store_txn(r->svc->store, tx_assign, &c);
  if (0 != c.why && STORE_OK != rc)
    return reply_error(r, (enum err)c.why, NULL);
  if (STORE_OK != rc)
    return reply_store_error(r, rc, __func__);
  memset(&a, 0, sizeof a);
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc)
    rc = store_appeal_get(rd, &a, c.appeal_id);
  store_rd_end(rd);
  if (STORE_OK != rc)
    return reply_store_error(r, rc < 0 ? rc : STORE_HARD, __func__);
  {
    json_t *body = json_pack("{s:o}", "appeal", appeal_json(&a));
    store_appeal_clear(&a);
    return reply_json(r, 200, body);
  }
}
