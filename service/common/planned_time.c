/*
 * Extra time planned in advance: the rules of granting it and of its use at a start.
 */
#include "common/planned_time.h"

#include <string.h>

#include "common/accounts.h"
#include "common/attempts.h"
#include "common/audit_text.h"
#include "common/catalog.h"

struct plan_ctx {
  int64_t actor;
  struct store_planned_time p;
  int64_t minutes;
  enum planned_time_rc refusal;
};

static json_t *plan_json(const struct store_planned_time *p) {
  return json_pack("{s:s, s:I, s:s}", "exam_id", p->exam_id, "minutes", (json_int_t)p->minutes,
                   "reason", p->reason);
}

static int plan_txn(struct store_tx *tx, void *arg) {
  struct plan_ctx *c = arg;
  struct store_user u;
  struct store_planned_time old;
  memset(&u, 0, sizeof u);
  memset(&old, 0, sizeof old);
  c->refusal = PLANNED_TIME_OK;
  int rc = accounts_read(store_tx_rd(tx), c->p.user_id, &u);
  memset(u.password_hash, 0, sizeof u.password_hash);
  if (STORE_NONE == rc || (STORE_OK == rc && ROLE_CANDIDATE != u.role)) {
    c->refusal = PLANNED_TIME_NOT_CANDIDATE;
    return STORE_CONFLICT; /* nothing written */
  }
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_planned_time_get(store_tx_rd(tx), &old, c->p.user_id, c->p.exam_id);
  if (STORE_OK != rc && STORE_NONE != rc) {
    return rc;
  }
  bool had = STORE_OK == rc;
  if (0 == c->minutes) {
    if (!had) {
      c->refusal = PLANNED_TIME_NONE;
      return STORE_CONFLICT;
    }
    rc = store_planned_time_delete(tx, c->p.user_id, c->p.exam_id);
  } else {
    c->p.minutes = c->minutes;
    rc = store_planned_time_put(tx, &c->p);
  }
  if (STORE_OK != rc) {
    return rc;
  }
  return audit_change(tx, c->actor, 0 == c->minutes ? "user.extra_time_removed" : "user.extra_time",
                      "user", c->p.user_id, had ? plan_json(&old) : json_object(),
                      0 == c->minutes ? json_object() : plan_json(&c->p));
}

enum planned_time_rc planned_time_set(struct svc *svc, int64_t actor, int64_t user_id,
                                      const char *exam_id, int64_t minutes, const char *reason,
                                      int *out_store_rc) {
  struct plan_ctx c;
  memset(&c, 0, sizeof c);
  *out_store_rc = STORE_OK;
  if (minutes < 0 || minutes > ATTEMPTS_MAX_EXTRA_MINUTES) {
    return PLANNED_TIME_BAD_MINUTES;
  }
  if (NULL == reason) {
    reason = "";
  }
  if ((minutes > 0 && !accounts_plain_text(reason, 1, ACCOUNTS_MAX_REASON)) ||
      (0 == minutes && '\0' != reason[0] && !accounts_plain_text(reason, 1, ACCOUNTS_MAX_REASON))) {
    return PLANNED_TIME_BAD_REASON;
  }
  if (NULL == exam_id || NULL == svc->catalog || NULL == catalog_current(svc->catalog, exam_id) ||
      strlen(exam_id) >= sizeof c.p.exam_id) {
    return PLANNED_TIME_EXAM_NOT_FOUND;
  }
  c.actor = actor;
  c.minutes = minutes;
  c.p.user_id = user_id;
  c.p.created_by = actor;
  memcpy(c.p.exam_id, exam_id, strlen(exam_id) + 1);
  memcpy(c.p.reason, reason, strlen(reason) + 1);
  int rc = store_txn(svc->store, plan_txn, &c);
  if (STORE_CONFLICT == rc && PLANNED_TIME_OK != c.refusal) {
    return c.refusal;
  }
  if (STORE_OK != rc) {
    *out_store_rc = rc;
    return PLANNED_TIME_STORE_FAILED;
  }
  return PLANNED_TIME_OK;
}

enum planned_time_rc planned_time_list(struct store_planned_time **out, size_t *out_n,
                                       struct svc *svc, int64_t user_id, int *out_store_rc) {
  struct store_rd *rd = NULL;
  *out = NULL;
  *out_n = 0;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_planned_time_list(rd, out, out_n, user_id, 100);
  }
  store_rd_end(rd);
  *out_store_rc = rc;
  return STORE_OK == rc ? PLANNED_TIME_OK : PLANNED_TIME_STORE_FAILED;
}

int planned_time_minutes(struct store_tx *tx, int64_t user_id, const char *exam_id,
                         int64_t *out_minutes) {
  struct store_planned_time p;
  *out_minutes = 0;
  int rc = store_planned_time_get(store_tx_rd(tx), &p, user_id, exam_id);
  if (STORE_NONE == rc) {
    return STORE_OK;
  }
  if (STORE_OK == rc) {
    *out_minutes = p.minutes;
  }
  return rc;
}

int planned_time_record_use(struct store_tx *tx, int64_t user_id, int64_t attempt_id,
                            int64_t minutes, int64_t deadline_ms) {
  return audit_creation(tx, user_id, "attempt.planned_extra_time", "attempt", attempt_id,
                        json_pack("{s:I, s:I}", "minutes", (json_int_t)minutes, "deadline_at",
                                  (json_int_t)deadline_ms));
}
