/*
 * Check-in codes: making them for a schedule's batch, redeeming one into a scoped session,
 * and what such a session reaches.
 */
#include "common/checkin.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/accounts.h"
#include "common/audit_text.h"
#include "common/catalog.h"
#include "common/planned_time.h"
#include "common/schedule.h"

#define MINUTE_MS (60LL * 1000)
/* Fresh codes tried for one candidate before giving up: a 60-bit code colliding with a
 * stored one is already next to impossible. */
#define CODE_TRIES 3

static enum checkin_rc store_failed(int *out_store_rc, int rc) {
  *out_store_rc = rc < 0 ? rc : STORE_HARD;
  return CHECKIN_STORE_FAILED;
}

void checkin_issued_free(struct checkin_issued *list, size_t n) {
  if (NULL != list) {
    OPENSSL_cleanse(list, n * sizeof *list);
  }
  free(list);
}

/* ------------------------------------------------------------------ making codes */

struct make_ctx {
  int64_t actor, schedule_id, user_id;
  enum role role;
  struct checkin_issued *list;
  size_t n;
  enum checkin_rc refusal;
};

static int by_user(const void *key, const void *elem) {
  int64_t a = *(const int64_t *)key, b = ((const struct store_checkin_state *)elem)->user_id;
  return a < b ? -1 : a > b;
}

/* A new code for enrolment e, stored (hash only) and kept in c->list. */
static int make_one(struct store_tx *tx, struct make_ctx *c, const struct store_enrolment *e) {
  struct checkin_issued *it = &c->list[c->n];
  char hash[CHECKIN_CODE_HASH_LEN + 1];
  int rc = STORE_EXISTS;
  for (int i = 0; STORE_EXISTS == rc && i < CODE_TRIES; i++) {
    if (0 != checkin_code_new(it->code) || 0 != checkin_code_hash(hash, it->code)) {
      OPENSSL_cleanse(it->code, sizeof it->code);
      c->refusal = CHECKIN_NO_RANDOM;
      return STORE_CONFLICT;
    }
    rc = store_checkin_code_put(tx, hash, c->schedule_id, e->user_id, c->actor);
  }
  if (STORE_OK != rc) {
    OPENSSL_cleanse(it->code, sizeof it->code); /* not counted in c->n: wiped here */
    return STORE_EXISTS == rc ? STORE_HARD : rc;
  }
  it->user_id = e->user_id;
  memcpy(it->name, e->name, sizeof it->name);
  memcpy(it->email, e->email, sizeof it->email);
  c->n++;
  return STORE_OK;
}

static int make_txn(struct store_tx *tx, void *arg) {
  struct make_ctx *c = arg;
  struct store_rd *rd = store_tx_rd(tx);
  struct store_enrolment *batch = NULL;
  struct store_checkin_state *states = NULL;
  size_t nb = 0, ns = 0;
  checkin_issued_free(c->list, c->n);
  c->list = NULL;
  c->n = 0;
  c->refusal = CHECKIN_OK;
  struct store_schedule s;
  int rc = schedule_may_see(rd, c->actor, c->role, c->schedule_id);
  if (STORE_OK == rc) {
    rc = store_schedule_get(rd, &s, c->schedule_id);
  }
  if (STORE_NONE == rc) {
    c->refusal = CHECKIN_NOT_FOUND;
    return STORE_CONFLICT;
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_list(rd, &batch, &nb, c->schedule_id);
  }
  if (STORE_OK == rc) {
    rc = store_checkin_states(rd, &states, &ns, c->schedule_id);
  }
  if (STORE_OK == rc && nb > 0) {
    c->list = calloc(nb, sizeof *c->list);
    rc = NULL == c->list ? STORE_UNAVAILABLE : STORE_OK;
  }
  for (size_t i = 0; STORE_OK == rc && i < nb; i++) {
    const struct store_checkin_state *st =
        0 == ns ? NULL : bsearch(&batch[i].user_id, states, ns, sizeof *states, by_user);
    bool wanted = 0 == c->user_id ? NULL == st || 0 == st->unused : batch[i].user_id == c->user_id;
    if (wanted) {
      rc = make_one(tx, c, &batch[i]);
    }
  }
  store_enrolment_list_free(batch, nb);
  store_checkin_states_free(states, ns);
  if (STORE_OK != rc) {
    return rc;
  }
  if (0 != c->user_id && 0 == c->n) {
    c->refusal = CHECKIN_NOT_ENROLLED;
    return STORE_CONFLICT;
  }
  /* One candidate's new code (a lost paper, a code someone else used): the sessions their
   * earlier codes of this schedule started end with it. Not for a batch, which also gives
   * new codes to those checked in and working. */
  int64_t ended = 0;
  if (0 != c->user_id) {
    rc = store_checkin_sessions_end(tx, c->schedule_id, c->user_id, &ended);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  json_t *after = json_pack("{s:I}", "count", (json_int_t)c->n);
  if (NULL != after && 0 != c->user_id) {
    json_object_set_new(after, "user_id", json_integer((json_int_t)c->user_id));
    json_object_set_new(after, "sessions_ended", json_integer((json_int_t)ended));
  }
  return audit_creation(tx, c->actor, "schedule.checkin_codes", "schedule", c->schedule_id, after);
}

enum checkin_rc checkin_codes_make(struct checkin_issued **out, size_t *out_n, struct svc *svc,
                                   int64_t actor, enum role role, int64_t schedule_id,
                                   int64_t user_id, int *out_store_rc) {
  struct make_ctx c = {
      .actor = actor, .schedule_id = schedule_id, .user_id = user_id, .role = role};
  *out = NULL;
  *out_n = 0;
  *out_store_rc = STORE_OK;
  int rc = store_txn(svc->store, make_txn, &c);
  if (STORE_OK != rc) {
    checkin_issued_free(c.list, c.n);
    if (STORE_CONFLICT == rc && CHECKIN_OK != c.refusal) {
      return c.refusal;
    }
    return store_failed(out_store_rc, rc);
  }
  if (0 == c.n) {
    checkin_issued_free(c.list, 0);
    c.list = NULL;
  }
  *out = c.list;
  *out_n = c.n;
  return CHECKIN_OK;
}

enum checkin_rc checkin_states(struct store_checkin_state **out, size_t *out_n, struct svc *svc,
                               int64_t asker, enum role role, int64_t schedule_id,
                               int *out_store_rc) {
  struct store_rd *rd = NULL;
  *out = NULL;
  *out_n = 0;
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = schedule_may_see(rd, asker, role, schedule_id);
  }
  if (STORE_OK == rc) {
    rc = store_checkin_states(rd, out, out_n, schedule_id);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return CHECKIN_NOT_FOUND;
  }
  return STORE_OK == rc ? CHECKIN_OK : store_failed(out_store_rc, rc);
}

/* ------------------------------------------------------------------ redeeming */

struct redeem_ctx {
  struct svc *svc;
  const char *code_hash, *session_hash, *old_hash;
  const struct checkin_from *from;
  int64_t now_ms, idle_ms;
  struct checkin_result *out;
  enum checkin_rc refusal;
};

/* A refusal decided inside the transaction: nothing it wrote stays. */
static int refuse(struct redeem_ctx *c, enum checkin_rc why) {
  c->refusal = why;
  return STORE_CONFLICT;
}

/* The session's absolute end: the window's close plus the exam's duration and the planned
 * extra time of the candidate, so an attempt started at the last minute can be finished. */
static int session_end_ms(struct store_tx *tx, struct redeem_ctx *c, const struct store_schedule *s,
                          int64_t *out) {
  const struct exam *x =
      NULL != c->svc->catalog ? catalog_current(c->svc->catalog, s->exam_id) : NULL;
  int64_t planned = 0;
  int rc = planned_time_minutes(tx, c->out->user_id, s->exam_id, &planned);
  *out = s->closes_ms + ((NULL != x ? (int64_t)x->duration_minutes : 0) + planned) * MINUTE_MS;
  return rc;
}

static int redeem_txn(struct store_tx *tx, void *arg) {
  struct redeem_ctx *c = arg;
  struct store_rd *rd = store_tx_rd(tx);
  struct checkin_result *out = c->out;
  struct store_checkin_code code;
  struct store_schedule s;
  struct store_user u;
  memset(out, 0, sizeof *out);
  c->refusal = CHECKIN_OK;
  int rc = store_checkin_code_get(rd, &code, c->code_hash);
  if (STORE_NONE == rc || (STORE_OK == rc && 0 != code.used_ms)) {
    return refuse(c, CHECKIN_REFUSED);
  }
  if (STORE_OK == rc) {
    rc = store_schedule_get(rd, &s, code.schedule_id);
  }
  if (STORE_OK != rc) {
    return STORE_NONE == rc ? refuse(c, CHECKIN_REFUSED) : rc;
  }
  out->schedule_id = s.id;
  out->opens_ms = s.opens_ms;
  out->closes_ms = s.closes_ms;
  memcpy(out->exam_id, s.exam_id, sizeof out->exam_id);
  memcpy(out->time_zone, s.time_zone, sizeof out->time_zone);
  /* The start's own window rule: open from opens (inclusive) to closes (exclusive). */
  if (c->now_ms < s.opens_ms) {
    return refuse(c, CHECKIN_NOT_YET);
  }
  if (c->now_ms >= s.closes_ms) {
    return refuse(c, CHECKIN_CLOSED);
  }
  rc = accounts_read(rd, code.user_id, &u);
  if (STORE_OK != rc) {
    return STORE_NONE == rc ? refuse(c, CHECKIN_REFUSED) : rc;
  }
  if (ROLE_CANDIDATE != u.role) {
    return refuse(c, CHECKIN_REFUSED);
  }
  if (u.disabled) {
    return refuse(c, CHECKIN_DISABLED);
  }
  out->user_id = u.id;
  out->role = u.role;
  memcpy(out->name, u.name, sizeof out->name);
  memcpy(out->email, u.email, sizeof out->email);
  rc = store_enrolment_checked_in(tx, s.id, u.id);
  if (STORE_OK == rc) {
    rc = store_checkin_code_use(tx, c->code_hash);
  }
  if (STORE_NONE == rc) {
    return refuse(c, CHECKIN_REFUSED); /* no longer in the batch */
  }
  int64_t end = 0;
  if (STORE_OK == rc) {
    rc = session_end_ms(tx, c, &s, &end);
  }
  /* No purge of expired sessions here (a log-in does it): it scans the sessions table, and
   * a check-in is to stay one short transaction on the exam day. */
  if (STORE_OK == rc && NULL != c->old_hash) {
    rc = store_session_delete(tx, c->old_hash);
    rc = STORE_NONE == rc ? STORE_OK : rc;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  struct store_session session;
  memset(&session, 0, sizeof session);
  memcpy(session.token_hash, c->session_hash, sizeof session.token_hash);
  session.user_id = u.id;
  session.created_ms = c->now_ms;
  session.last_seen_ms = c->now_ms;
  session.absolute_expires_ms = end;
  session.expires_ms = c->now_ms + c->idle_ms < end ? c->now_ms + c->idle_ms : end;
  session.scope_schedule_id = s.id;
  snprintf(session.device, sizeof session.device, "%s",
           NULL != c->from->device ? c->from->device : "");
  out->session_expires_ms = end;
  rc = store_session_create(tx, &session);
  if (STORE_OK != rc) {
    return rc;
  }
  return audit_creation(tx, u.id, "auth.checkin", "schedule", s.id,
                        json_pack("{s:I, s:s, s:I, s:s?}", "user_id", (json_int_t)u.id, "exam_id",
                                  s.exam_id, "session_ends_at", (json_int_t)end, "address",
                                  c->from->address));
}

enum checkin_rc checkin_redeem(struct checkin_result *out, struct svc *svc, const char *code,
                               const char *session_hash, const char *old_hash,
                               const struct checkin_from *from, int64_t now_ms, int64_t idle_ms,
                               int *out_store_rc) {
  char hash[CHECKIN_CODE_HASH_LEN + 1];
  *out_store_rc = STORE_OK;
  memset(out, 0, sizeof *out);
  if (0 != checkin_code_hash(hash, code)) {
    return CHECKIN_REFUSED; /* not even the shape of a code */
  }
  struct redeem_ctx c = {.svc = svc,
                         .code_hash = hash,
                         .session_hash = session_hash,
                         .old_hash = old_hash,
                         .from = from,
                         .now_ms = now_ms,
                         .idle_ms = idle_ms,
                         .out = out};
  int rc = store_txn(svc->store, redeem_txn, &c);
  if (STORE_CONFLICT == rc && CHECKIN_OK != c.refusal) {
    return c.refusal;
  }
  return STORE_OK == rc ? CHECKIN_OK : store_failed(out_store_rc, rc);
}

/* ------------------------------------------------------------------ the scope */

int checkin_scope_reaches(struct store_rd *rd, int64_t schedule_id, int64_t user_id,
                          enum checkin_target target, const char *id) {
  if (NULL == id || schedule_id <= 0) {
    return STORE_NONE;
  }
  if (CHECKIN_TARGET_UPLOAD == target) {
    return store_checkin_upload_is(rd, schedule_id, user_id, id);
  }
  char *end = NULL;
  long long attempt = strtoll(id, &end, 10);
  if (end == id || '\0' != *end || attempt <= 0) {
    return STORE_NONE;
  }
  return store_checkin_attempt_is(rd, schedule_id, user_id, (int64_t)attempt);
}
