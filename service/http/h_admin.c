/*
 * Administration: assessor and administrator accounts (create, list, disable), every
 * attempt with filters, extra time for an attempt in progress (a reasonable adjustment,
 * FR.AK.07), item analysis of an exam, and the audit log (list and chain check). Every
 * change is written to the audit log in the same transaction, with its before and after.
 * Accounts and item analysis are decided in their application-layer modules
 * (common/accounts.c, common/analysis.c); these handlers parse and answer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "common/accounts.h"
#include "common/analysis.h"
#include "common/attempts.h"
#include "common/audit_watch.h"
#include "common/planned_time.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/pager.h"
#include "store/store.h"
#include "ujikom/exam.h"
#include "ujikom/password.h"
#include "ujikom/timefmt.h"

#define ADMIN_LIST_LIMIT 500

static json_t *user_json(const struct store_user *u) {
  return json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)u->id, "email", u->email,
                   "name", u->name, "role", role_name(u->role), "disabled", u->disabled,
                   "created_at", json_time(u->created_ms));
}

/* ------------------------------------------------------------------------------------ */
/* users */

/* Answers a refused or failed account operation. */
static int reply_accounts(struct req *r, enum accounts_rc rc, enum password_policy_verdict verdict,
                          int store_rc, const char *name) {
  char text[400];
  switch (rc) {
  case ACCOUNTS_BAD_EMAIL:
    return reply_error(r, ERR_INVALID_FIELD, "email: an e-mail address is required.");
  case ACCOUNTS_BAD_NAME:
    accounts_name_refusal(text, sizeof text, name);
    return reply_error(r, ERR_INVALID_FIELD, text);
  case ACCOUNTS_BAD_ROLE:
    return reply_error(r, ERR_INVALID_FIELD, "role: \"assessor\" or \"admin\".");
  case ACCOUNTS_NO_PASSWORD:
    return reply_error(r, ERR_INVALID_FIELD, "password: an initial password is required.");
  case ACCOUNTS_WEAK_PASSWORD:
    return reply_error_reason(r, ERR_WEAK_PASSWORD, password_policy_code(verdict),
                              password_policy_message(verdict));
  case ACCOUNTS_EMAIL_TAKEN:
    return reply_error(r, ERR_EMAIL_TAKEN, NULL);
  case ACCOUNTS_NOT_FOUND:
    return reply_error(r, ERR_USER_NOT_FOUND, NULL);
  case ACCOUNTS_DISABLE_SELF:
    return reply_error(r, ERR_CANNOT_DISABLE_SELF, NULL);
  case ACCOUNTS_BAD_REASON:
    return reply_error(r, ERR_INVALID_FIELD, "reason: at most 1000 bytes of text.");
  case ACCOUNTS_STORE_FAILED:
    return reply_store_error(r, store_rc, "accounts");
  case ACCOUNTS_OK:
  case ACCOUNTS_INTERNAL:
    break;
  }
  return reply_error(r, ERR_INTERNAL, NULL);
}

/* POST /api/admin/users {"email","name","role":"assessor"|"admin","password"} */
int h_admin_users_create(struct req *r) {
  struct accounts_new_staff in = {0};
  struct store_user u;
  const char *role = NULL;
  enum password_policy_verdict verdict = PASSWORD_POLICY_OK;
  enum accounts_rc rc;
  int store_rc = STORE_OK;
  if (!reply_need_object(r)) {
    return 0; /* answered */
  }
  in.email = json_member_str(r->json, "email");
  in.name = json_member_str(r->json, "name");
  role = NULL == json_object_get(r->json, "role") ? role_name(ROLE_ASSESSOR)
                                                  : json_member_str(r->json, "role");
  if (!role_parse(role, &in.role)) {
    in.role = ROLE_ANON; /* refused by the accounts module, after the e-mail and name */
  }
  in.password = json_member_str(r->json, "password");
  in.actor = r->user->id;
  in.hash = auth_password_hash;
  in.log2n = (unsigned)r->svc->cfg->kdf_log2n;
  rc = accounts_create_staff(&u, r->svc->store, &in, &verdict, &store_rc);
  if (ACCOUNTS_OK != rc) {
    return reply_accounts(r, rc, verdict, store_rc, in.name);
  }
  return reply_json(r, 201, json_pack("{s:o}", "user", user_json(&u)));
}

/* GET /api/admin/users?role=&q=&state=&after= (keyset paging: next_after) */
int h_admin_users_list(struct req *r) {
  const char *role_text = req_query(r, "role");
  const char *state = req_query(r, "state");
  struct store_user_filter f = {NULL, NULL, STORE_USER_ANY};
  enum role role = ROLE_ANON;
  struct store_user *list = NULL;
  size_t n = 0;
  int64_t after = 0;
  json_t *items = NULL;
  enum accounts_rc rc;
  int store_rc = STORE_OK;
  if (NULL != role_text) {
    if (!role_parse(role_text, &role)) {
      return reply_error(r, ERR_INVALID_FIELD, "role: candidate, assessor or admin.");
    }
    f.role = &role;
  }
  if (!pager_text(r, "q", &f.text) || !pager_cursor(r, "after", &after)) {
    return 0; /* answered */
  }
  if (NULL != state) {
    if (0 != strcmp(state, "active") && 0 != strcmp(state, "disabled")) {
      return reply_error(r, ERR_INVALID_FIELD, "state: active or disabled.");
    }
    f.disabled = 0 == strcmp(state, "disabled") ? 1 : 0;
  }
  bool more = false;
  rc = accounts_search(&list, &n, &more, r->svc->store, &f, after, ACCOUNTS_LIST_MAX, &store_rc);
  if (ACCOUNTS_OK != rc) {
    return reply_accounts(r, rc, PASSWORD_POLICY_OK, store_rc, NULL);
  }
  items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++) {
    json_array_append_new(items, user_json(&list[i]));
  }
  after = more ? list[n - 1].id : 0; /* where the next page starts */
  if (NULL != list) {
    OPENSSL_cleanse(list, n * sizeof *list);
  }
  store_user_list_free(list, n);
  if (NULL == items) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200,
                    json_pack("{s:o, s:o}", "items", items, "next_after",
                              after > 0 ? json_integer(after) : json_null()));
}

/* POST /api/admin/users/:id/disable {"reason": optional} — also ends the user's sessions. */
int h_admin_users_disable(struct req *r) {
  const char *reason = NULL;
  bool given = false, changed = false;
  int64_t id = 0;
  enum accounts_rc rc;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_USER_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  if (NULL != r->json && json_is_object(r->json) && NULL != json_object_get(r->json, "reason")) {
    given = true;
    reason = json_member_str(r->json, "reason");
  }
  rc = accounts_disable(&changed, r->svc->store, r->user->id, id, given, reason, &store_rc);
  if (ACCOUNTS_OK != rc) {
    return reply_accounts(r, rc, PASSWORD_POLICY_OK, store_rc, NULL);
  }
  return reply_json(r, 200,
                    json_pack("{s:{s:I, s:b}, s:b}", "user", "id", (json_int_t)id, "disabled", 1,
                              "changed", changed));
}

/* POST /api/admin/users/:id/sessions/end: ends every session of the account (audited). */
int h_admin_users_end_sessions(struct req *r) {
  int64_t id = 0, n = 0;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_USER_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  enum accounts_rc rc = accounts_end_sessions(&n, r->svc->store, r->user->id, id, &store_rc);
  if (ACCOUNTS_OK != rc) {
    return reply_accounts(r, rc, PASSWORD_POLICY_OK, store_rc, NULL);
  }
  return reply_json(
      r, 200, json_pack("{s:{s:I}, s:I}", "user", "id", (json_int_t)id, "sessions", (json_int_t)n));
}

/* POST /api/admin/users/:id/name {"name","reason"}: corrects an account's name (audited). */
int h_admin_users_name(struct req *r) {
  int64_t id = 0;
  int store_rc = STORE_OK;
  bool changed = false;
  char why[160];
  if (!reply_need_id(r, ERR_USER_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  const char *name = json_member_str(r->json, "name");
  struct store_user u;
  enum accounts_rc rc =
      accounts_rename(&u, &changed, r->svc->store, r->user->id, id, name,
                      json_member_str(r->json, "reason"), why, sizeof why, &store_rc);
  if (ACCOUNTS_BAD_REASON == rc) {
    return reply_error(r, ERR_REASON_REQUIRED,
                       "reason: what the name was checked against (1 to 1000 bytes of text).");
  }
  if (ACCOUNTS_OK != rc) {
    return reply_accounts(r, rc, PASSWORD_POLICY_OK, store_rc, name);
  }
  return reply_json(r, 200,
                    json_pack("{s:{s:I, s:s}, s:b}", "user", "id", (json_int_t)u.id, "name", u.name,
                              "changed", changed));
}

/* POST /api/admin/users/:id/2fa/reset: removes a staff member's second factor (audited). */
int h_admin_users_reset_second_factor(struct req *r) {
  int64_t id = 0;
  int store_rc = STORE_OK;
  if (!parse_id(r->params[0], &id)) {
    return reply_error(r, ERR_USER_NOT_FOUND, NULL);
  }
  enum second_factor_rc rc = second_factor_reset_account(r->svc->store, r->user->id, id, &store_rc);
  if (SECOND_FACTOR_OK != rc) {
    return auth_second_factor_refused(r, rc, store_rc);
  }
  /* the holder is told; the administrator's device and address are not theirs to see */
  const struct account_notice_from from = {NULL, NULL, r->now_ms};
  (void)account_notice_send(r->svc, id, ACCOUNT_NOTICE_SECOND_FACTOR_RESET, &from, 0);
  return reply_json(
      r, 200, json_pack("{s:{s:I, s:s}}", "user", "id", (json_int_t)id, "second_factor", "none"));
}

/* ------------------------------------------------------------------------------------ */
/* attempts */

static json_t *attempt_json(const struct store_attempt *a) {
  return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)a->id,
                   "candidate_id", (json_int_t)a->user_id, "exam_id", a->exam_id, "exam_version",
                   a->exam_version, "status", attempt_status_name(a->status), "started_at",
                   json_time(a->started_ms), "deadline_at", json_time(a->deadline_ms),
                   "finished_at", json_time(a->finished_ms), "verdict",
                   VERDICT_NONE != a->verdict ? json_string(verdict_name(a->verdict)) : json_null(),
                   "decided_at", json_time(a->decided_ms));
}

/* GET /api/admin/attempts?exam=&status=&verdict=&candidate=&before= */
int h_admin_attempts_list(struct req *r) {
  const char *exam = req_query(r, "exam");
  const char *status_text = req_query(r, "status");
  const char *verdict_text = req_query(r, "verdict");
  const char *candidate = NULL;
  enum attempt_status status = ATTEMPT_OPEN;
  enum verdict verdict = VERDICT_NONE;
  struct store_rd *rd = NULL;
  struct store_attempt *list = NULL;
  size_t n = 0;
  int64_t before = 0;
  json_t *items = NULL;
  int rc = STORE_HARD;
  bool more = false;
  if (NULL != exam && (strlen(exam) < 1 || strlen(exam) > 40)) {
    return reply_error(r, ERR_INVALID_FIELD, "exam: an exam id.");
  }
  if (NULL != status_text && !attempt_status_parse(status_text, &status)) {
    return reply_error(r, ERR_INVALID_FIELD, "status: open, submitted or closed.");
  }
  if (NULL != verdict_text && (!verdict_parse(verdict_text, &verdict) || VERDICT_NONE == verdict)) {
    return reply_error(r, ERR_INVALID_FIELD, "verdict: K, BK or PENDING.");
  }
  if (!pager_cursor(r, "before", &before) || !pager_text(r, "candidate", &candidate)) {
    return 0; /* answered */
  }
  const struct store_attempt_filter f = {exam, NULL == status_text ? NULL : &status,
                                         NULL == verdict_text ? NULL : &verdict, candidate};
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempt_search(rd, &list, &n, &f, before, ADMIN_LIST_LIMIT, &more);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return reply_store_error(r, rc, __func__);
  }
  items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++) {
    json_array_append_new(items, attempt_json(&list[i]));
  }
  before = more ? list[n - 1].id : 0; /* where the next page starts */
  store_attempt_list_free(list, n);
  if (NULL == items) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200,
                    json_pack("{s:o, s:o}", "items", items, "next_before",
                              before > 0 ? json_integer(before) : json_null()));
}

/* POST /api/admin/attempts/:id/extra-time {"minutes": N, "reason": "..."} */
int h_admin_attempts_extra_time(struct req *r) {
  struct attempts_extended out = {0};
  int64_t id = 0;
  json_t *minutes = NULL;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  minutes = json_object_get(r->json, "minutes");
  if (!json_is_integer(minutes) || json_integer_value(minutes) < 1 ||
      json_integer_value(minutes) > ATTEMPTS_MAX_EXTRA_MINUTES) {
    return reply_error(r, ERR_INVALID_FIELD, "minutes: a whole number from 1 to 600.");
  }
  const char *reason = json_member_str(r->json, "reason");
  if (NULL == reason || '\0' == reason[0]) {
    return reply_error(r, ERR_REASON_REQUIRED, "reason: say why extra time is given.");
  }
  if (!accounts_plain_text(reason, 1, ACCOUNTS_MAX_REASON)) {
    return reply_error(r, ERR_INVALID_FIELD, "reason: at most 1000 bytes of text.");
  }
  switch (attempts_extend_deadline(&out, r->svc, id, (int64_t)json_integer_value(minutes), reason,
                                   r->user->id)) {
  case ATTEMPTS_OK:
    break;
  case ATTEMPTS_NOT_FOUND:
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  case ATTEMPTS_CLOSED:
    return reply_error(r, ERR_ATTEMPT_CLOSED,
                       "Extra time can only be given to an attempt in "
                       "progress.");
  case ATTEMPTS_BUSY:
    return reply_store_error(r, STORE_BUSY, __func__);
  case ATTEMPTS_UNAVAILABLE:
    return reply_store_error(r, STORE_UNAVAILABLE, __func__);
  default:
    return reply_store_error(r, STORE_HARD, __func__);
  }
  return reply_json(r, 200,
                    json_pack("{s:{s:I, s:o, s:o}, s:I}", "attempt", "id", (json_int_t)id,
                              "deadline_at", json_time(out.new_deadline_ms), "previous_deadline_at",
                              json_time(out.old_deadline_ms), "minutes",
                              json_integer_value(minutes)));
}

/* POST /api/admin/users/:id/extra-time {"exam", "minutes": 0..600, "reason"}: extra time
 * planned for a candidate on an exam before they start it (minutes 0 removes it). */
int h_admin_users_extra_time(struct req *r) {
  int64_t id = 0;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_USER_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  json_t *minutes = json_object_get(r->json, "minutes");
  const char *exam = json_member_str(r->json, "exam");
  const char *reason = json_member_str(r->json, "reason");
  if (!json_is_integer(minutes)) {
    return reply_error(r, ERR_INVALID_FIELD, "minutes: a whole number from 0 to 600.");
  }
  switch (planned_time_set(r->svc, r->user->id, id, exam, (int64_t)json_integer_value(minutes),
                           reason, &store_rc)) {
  case PLANNED_TIME_OK:
    break;
  case PLANNED_TIME_NOT_CANDIDATE:
    return reply_error(r, ERR_USER_NOT_FOUND, "No candidate account with this id.");
  case PLANNED_TIME_EXAM_NOT_FOUND:
    return reply_error(r, ERR_EXAM_NOT_FOUND, NULL);
  case PLANNED_TIME_BAD_MINUTES:
    return reply_error(r, ERR_INVALID_FIELD, "minutes: a whole number from 0 to 600.");
  case PLANNED_TIME_BAD_REASON:
    return reply_error(r, ERR_REASON_REQUIRED, "reason: say why (at most 1000 bytes of text).");
  case PLANNED_TIME_NONE:
    return reply_error(r, ERR_NOT_FOUND, "No extra time is planned for this exam.");
  case PLANNED_TIME_STORE_FAILED:
  default:
    return reply_store_error(r, store_rc, __func__);
  }
  return reply_json(r, 200,
                    json_pack("{s:{s:I, s:s, s:I}}", "planned_extra_time", "user_id",
                              (json_int_t)id, "exam_id", exam, "minutes",
                              json_integer_value(minutes)));
}

/* ------------------------------------------------------------------------------------ */
/* item analysis */

static json_t *outcomes_json(const struct analysis_outcomes *o) {
  double rate = 0;
  bool has = analysis_pass_rate(o, &rate);
  return json_pack("{s:I, s:I, s:I, s:I, s:o}", "attempts", (json_int_t)o->attempts, "k",
                   (json_int_t)o->k, "bk", (json_int_t)o->bk, "pending", (json_int_t)o->pending,
                   "pass_rate", has ? json_real(rate) : json_null());
}

bool h_admin_analysis_load(struct req *r, struct analysis_report *rep) {
  int store_rc = STORE_OK;
  switch (analysis_report_build(rep, r->svc, r->params[0], &store_rc)) {
  case ANALYSIS_REPORT_OK:
    return true;
  case ANALYSIS_REPORT_EXAM_NOT_FOUND:
    reply_error(r, ERR_EXAM_NOT_FOUND, NULL);
    return false;
  case ANALYSIS_REPORT_STORE_FAILED:
    reply_store_error(r, store_rc, __func__);
    return false;
  case ANALYSIS_REPORT_INTERNAL:
  default:
    reply_error(r, ERR_INTERNAL, NULL);
    return false;
  }
}

static json_t *analysis_item_json(const struct analysis_report_item *col) {
  const struct analysis_item *st = &col->stats;
  json_t *flags = json_array();
  if (st->flags & ANALYSIS_TOO_EASY) {
    json_array_append_new(flags, json_string("too_easy"));
  }
  if (st->flags & ANALYSIS_TOO_HARD) {
    json_array_append_new(flags, json_string("too_hard"));
  }
  if (st->flags & ANALYSIS_NEGATIVE_DISCRIMINATION) {
    json_array_append_new(flags, json_string("negative_discrimination"));
  }
  return json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:o, s:s, s:b, s:o}", "id", col->item->id,
                   "unit", col->unit_code, "type", exam_item_type_name(col->item->type), "question",
                   NULL != col->item->prompt ? col->item->prompt : "", "n", (json_int_t)st->n,
                   "facility", st->n > 0 ? json_real(st->facility) : json_null(), "facility_band",
                   analysis_band_name(analysis_facility_band(st)), "discrimination",
                   st->has_discrimination ? json_real(st->discrimination) : json_null(),
                   "discrimination_band", analysis_band_name(analysis_discrimination_band(st)),
                   "small_sample", analysis_small_sample(st->n), "flags",
                   NULL != flags ? flags : json_array());
}

/* GET /api/admin/analysis/:exam */
int h_admin_analysis(struct req *r) {
  struct analysis_report rep;
  const struct exam *ex = NULL;
  json_t *jitems = NULL, *junits = NULL, *body = NULL;
  if (!h_admin_analysis_load(r, &rep)) {
    return 0; /* answered */
  }
  ex = rep.exam;
  jitems = json_array();
  junits = json_array();
  for (size_t c = 0; NULL != jitems && c < rep.nitems; c++) {
    json_array_append_new(jitems, analysis_item_json(&rep.items[c]));
  }
  for (size_t u = 0; NULL != junits && u < ex->nunits; u++) {
    json_array_append_new(junits,
                          json_pack("{s:s, s:s, s:o}", "code", ex->units[u].code, "title",
                                    ex->units[u].title, "outcomes", outcomes_json(&rep.units[u])));
  }
  body = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:{s:f, s:f, s:i}}", "exam", ex->id, "title",
                   ex->title, "version", ex->version, "outcomes", outcomes_json(&rep.overall),
                   "units", NULL != junits ? junits : json_array(), "items",
                   NULL != jitems ? jitems : json_array(), "thresholds", "too_easy_above",
                   ANALYSIS_TOO_EASY_ABOVE, "too_hard_below", ANALYSIS_TOO_HARD_BELOW,
                   "small_sample_below", ANALYSIS_SMALL_SAMPLE);
  analysis_report_free(&rep);
  if (NULL == body) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200, body);
}

/* ------------------------------------------------------------------------------------ */
/* audit */

bool h_admin_audit_query(struct req *r, struct h_audit_query *q) {
  const char *from = req_query(r, "from");
  const char *to = req_query(r, "to");
  int64_t secs = 0;
  memset(q, 0, sizeof *q);
  if (!pager_text(r, "subject", &q->f.subject) || !pager_text(r, "action", &q->f.action) ||
      !pager_text(r, "actor", &q->f.actor_text) || !pager_cursor(r, "before", &q->before)) {
    return false; /* answered */
  }
  if (NULL != from && '\0' != from[0]) {
    if (0 != time_parse_date(from, &secs)) {
      reply_error(r, ERR_INVALID_FIELD, "from: a date, YYYY-MM-DD.");
      return false;
    }
    q->f.from_ms = secs * 1000;
  }
  if (NULL != to && '\0' != to[0]) {
    if (0 != time_parse_date(to, &secs)) {
      reply_error(r, ERR_INVALID_FIELD, "to: a date, YYYY-MM-DD.");
      return false;
    }
    q->f.to_ms = (secs + 86400) * 1000; /* the whole day is included */
  }
  if (q->f.from_ms > 0 && q->f.to_ms > 0 && q->f.to_ms <= q->f.from_ms) {
    reply_error(r, ERR_INVALID_FIELD, "to: on or after from.");
    return false;
  }
  return true;
}

/* GET /api/admin/audit?actor=&action=&subject=&from=&to=&before= (keyset: next_before) */
int h_admin_audit_list(struct req *r) {
  struct h_audit_query q;
  struct store_rd *rd = NULL;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  json_t *items = NULL;
  int rc = STORE_HARD;
  bool more = false;
  if (!h_admin_audit_query(r, &q)) {
    return 0; /* answered */
  }
  rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_audit_search(rd, &list, &n, &q.f, q.before, 200, &more);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return reply_store_error(r, rc, __func__);
  }
  items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++) {
    json_t *b = NULL == list[i].before ? json_null() : json_loads(list[i].before, 0, NULL);
    json_t *a = NULL == list[i].after ? json_null() : json_loads(list[i].after, 0, NULL);
    json_array_append_new(
        items, json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:o, s:s}", "seq", (json_int_t)list[i].seq,
                         "at", json_time(list[i].at_ms), "actor",
                         list[i].actor > 0 ? json_integer(list[i].actor) : json_null(), "action",
                         list[i].action, "subject", list[i].subject, "before",
                         NULL != b ? b : json_string(list[i].before), "after",
                         NULL != a ? a : json_string(list[i].after), "hash", list[i].hash));
  }
  int64_t next = more ? list[n - 1].seq : 0;
  store_audit_list_free(list, n);
  if (NULL == items) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200,
                    json_pack("{s:o, s:o}", "items", items, "next_before",
                              next > 0 ? json_integer(next) : json_null()));
}

/* The audit watch's fault names, as the API gives them. */
const char *h_audit_fault_name(enum store_audit_fault f) {
  switch (f) {
  case STORE_AUDIT_MISSING:
    return "missing";
  case STORE_AUDIT_UNLINKED:
    return "unlinked";
  case STORE_AUDIT_ALTERED:
    return "altered";
  case STORE_AUDIT_REWRITTEN:
    return "rewritten";
  case STORE_AUDIT_INTACT:
    break;
  }
  return "intact";
}

static json_t *ms_or_null(int64_t ms) {
  return ms > 0 ? json_integer((json_int_t)ms) : json_null();
}

/* GET /api/admin/audit/status: what the audit watch knows, the entries since its last full
 * check checked now. */
int h_admin_audit_status(struct req *r) {
  static const char *const states[] = {"first_check", "intact", "broken", "unknown"};
  struct audit_watch_report w;
  if (NULL == r->svc->audit) {
    return reply_error(r, ERR_AUDIT_WATCH_UNAVAILABLE, NULL);
  }
  audit_watch_report(r->svc->audit, &w);
  json_t *o =
      json_pack("{s:s, s:I, s:o, s:I, s:I, s:b, s:I}", "state", states[w.state], "entries",
                (json_int_t)w.entries, "full_check_at_ms", ms_or_null(w.full_at_ms),
                "full_check_entries", (json_int_t)w.full_entries, "since", (json_int_t)w.since,
                "running", w.running, "running_at", (json_int_t)w.running_at);
  if (NULL != o && AUDIT_WATCH_BROKEN == w.state) {
    json_object_set_new(o, "first_bad", json_integer((json_int_t)w.first_bad));
    json_object_set_new(o, "fault", json_string(h_audit_fault_name(w.fault)));
    json_object_set_new(o, "found_at_ms", ms_or_null(w.found_at_ms));
  }
  return reply_json(r, 200, o);
}

/* POST /api/admin/audit/check: a full check of the chain now, by the watch's thread (202:
 * GET /api/admin/audit/status tells when it has run). */
int h_admin_audit_check(struct req *r) {
  if (NULL == r->svc->audit) {
    return reply_error(r, ERR_AUDIT_WATCH_UNAVAILABLE, NULL);
  }
  uint64_t pass = audit_watch_request(r->svc->audit);
  return reply_json(r, 202, json_pack("{s:I}", "pass", (json_int_t)pass));
}

/* GET /api/admin/audit/verify */
int h_admin_audit_verify(struct req *r) {
  int64_t bad = 0, count = 0;
  char why[256] = "";
  int rc = store_audit_verify(r->svc->store, &bad, &count, why, sizeof why);
  if (STORE_OK != rc && STORE_CONFLICT != rc) {
    return reply_store_error(r, rc, __func__);
  }
  return reply_json(r, 200,
                    json_pack("{s:b, s:I, s:o, s:s}", "intact", STORE_OK == rc, "entries",
                              (json_int_t)count, "first_bad",
                              bad > 0 ? json_integer(bad) : json_null(), "reason", why));
}
