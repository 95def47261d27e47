/*
 * The accounts JSON API: register, log in (cookie, optionally a bearer token), log out,
 * log out everywhere, change password, and who am I. Registration's rules are in the
 * accounts module, sessions and logins in the auth module; these only read the JSON body
 * and shape the answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/accounts.h"
#include "common/api_time.h"
#include "common/log.h"
#include "common/second_factor.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/ratelimit.h"
#include "ujikom/device_kind.h"

/* h_auth_register_account; with out_refused not NULL, a refusal of what was typed is not
 * answered but returned there (with *out_verdict for a weak password). */
static int register_account(struct req *r, const char *name, const char *email,
                            const char *password, int64_t *out_id, enum accounts_rc *out_refused,
                            enum password_policy_verdict *out_verdict) {
  const struct config *cfg = r->svc->cfg;
  enum password_policy_verdict verdict = PASSWORD_POLICY_OK;
  enum accounts_rc rc = accounts_check_registration(name, email, password, &verdict);
  char key[128], text[400];
  int store_rc = STORE_OK;
  *out_id = 0;
  /* Counted after the checks (typos cost nothing) but before the e-mail look-up, so the
   * limit also bounds probing which addresses have accounts. */
  if (ACCOUNTS_OK == rc) {
    snprintf(key, sizeof key, "register:ip:%s", r->client_ip ? r->client_ip : "-");
    if (RATELIMIT_OK != ratelimit_hit(r, key, cfg->register_per_hour, 3600)) {
      return -1;
    }
    rc = accounts_register(out_id, r->svc->store, name, email, password, auth_password_hash,
                           (unsigned)cfg->kdf_log2n, &verdict, &store_rc);
  }
  bool typed = ACCOUNTS_BAD_NAME == rc || ACCOUNTS_BAD_EMAIL == rc || ACCOUNTS_NO_PASSWORD == rc ||
               ACCOUNTS_WEAK_PASSWORD == rc || ACCOUNTS_EMAIL_TAKEN == rc;
  if (NULL != out_refused && typed) {
    *out_refused = rc;
    *out_verdict = verdict;
    return -2;
  }
  switch (rc) {
  case ACCOUNTS_OK:
    log_msg(LOG_INFO, r->request_id, "account %lld registered", (long long)*out_id);
    return 0;
  case ACCOUNTS_BAD_NAME:
    accounts_name_refusal(text, sizeof text, name);
    reply_error(r, ERR_INVALID_FIELD, text);
    break;
  case ACCOUNTS_BAD_EMAIL:
    reply_error(r, ERR_INVALID_FIELD, "email: a valid e-mail address is required.");
    break;
  case ACCOUNTS_NO_PASSWORD:
    reply_error(r, ERR_INVALID_FIELD, "password: is required.");
    break;
  case ACCOUNTS_WEAK_PASSWORD:
    reply_error_reason(r, ERR_WEAK_PASSWORD, password_policy_code(verdict),
                       password_policy_message(verdict));
    break;
  case ACCOUNTS_EMAIL_TAKEN:
    reply_error(r, ERR_EMAIL_TAKEN, NULL);
    break;
  case ACCOUNTS_STORE_FAILED:
    reply_store_error(r, store_rc, "creating an account");
    break;
  case ACCOUNTS_INTERNAL:
    log_msg(LOG_ERROR, r->request_id, "password hashing failed");
    reply_error(r, ERR_INTERNAL, NULL);
    break;
  default:
    reply_error(r, ERR_INTERNAL, NULL);
    break;
  }
  return -1;
}

int h_auth_register_account(struct req *r, const char *name, const char *email,
                            const char *password, int64_t *out_id) {
  return register_account(r, name, email, password, out_id, NULL, NULL);
}

int h_auth_register_form(struct req *r, const char *name, const char *email, const char *password,
                         int64_t *out_id, enum accounts_rc *out_refused,
                         enum password_policy_verdict *out_verdict) {
  *out_refused = ACCOUNTS_OK;
  *out_verdict = PASSWORD_POLICY_OK;
  return register_account(r, name, email, password, out_id, out_refused, out_verdict);
}

/* A string member of the JSON body, or NULL when the body is not an object or the member
 * is missing, not a string, or contains a NUL. */
static const char *json_str(const struct req *r, const char *name) {
  json_t *v;
  const char *s;
  if (NULL == r->json || !json_is_object(r->json)) {
    return NULL;
  }
  v = json_object_get(r->json, name);
  if (!json_is_string(v)) {
    return NULL;
  }
  s = json_string_value(v);
  return strlen(s) == json_string_length(v) ? s : NULL;
}

static json_t *user_json(int64_t id, const char *name, const char *email, enum role role) {
  return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name", name, "email", email,
                   "role", role_name(role));
}

/* {"user": ..., "csrf": ...}: the signed-in account and its session's CSRF token. */
static json_t *session_json(const struct req_user *u, const char *csrf) {
  return json_pack("{s:o, s:s}", "user", user_json(u->id, u->name, u->email, u->role), "csrf",
                   csrf);
}

/* Answers a new session: the cookie, and the account (with the token too when bearer, and the
 * members of extra, taken; may be NULL); then wipes the token and the user. */
static int reply_session(struct req *r, char token[SESSION_TOKEN_LEN + 1], struct req_user *u,
                         bool bearer, json_t *extra) {
  json_t *body = session_json(u, u->csrf);
  if (NULL != body && NULL != extra) {
    json_object_update(body, extra);
  }
  json_decref(extra);
  if (NULL != body && bearer) {
    json_object_set_new(body, "token", json_string(token));
  }
  auth_set_cookie(r, token);
  reply_header(r, "Cache-Control", "no-store");
  int ret = reply_json(r, 200, body);
  OPENSSL_cleanse(token, SESSION_TOKEN_LEN + 1);
  OPENSSL_cleanse(u, sizeof *u);
  return ret;
}

/* {"second_factor":"totp","ticket":...}: the password was right, the code step is next
 * (POST /api/auth/login/totp); then wipes the ticket and the user. */
static int reply_second_factor_due(struct req *r, char ticket[SESSION_TOKEN_LEN + 1],
                                   struct req_user *u) {
  json_t *body = json_pack("{s:s, s:s, s:i}", "second_factor", "totp", "ticket", ticket,
                           "expires_in", SECOND_FACTOR_TICKET_TTL_MS / 1000);
  reply_header(r, "Cache-Control", "no-store");
  int ret = reply_json(r, 200, body);
  OPENSSL_cleanse(ticket, SESSION_TOKEN_LEN + 1);
  OPENSSL_cleanse(u, sizeof *u);
  return ret;
}

int h_auth_register(struct req *r) {
  const char *name;
  const char *email;
  int64_t id = 0;
  if (!reply_need_object(r)) {
    return 0;
  }
  name = json_str(r, "name");
  email = json_str(r, "email");
  if (0 != h_auth_register_account(r, name, email, json_str(r, "password"), &id)) {
    return 0; /* already answered */
  }
  /* The name as stored (NFC, spaces folded), not as typed: the validator is deterministic
   * and has just accepted it. */
  char *stored = NULL;
  if (ACCOUNTS_OK != accounts_name(&stored, name, NULL, 0)) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  int ret =
      reply_json(r, 201, json_pack("{s:o}", "user", user_json(id, stored, email, ROLE_CANDIDATE)));
  free(stored);
  return ret;
}

int h_auth_login(struct req *r) {
  struct req_user u;
  char token[44];
  json_t *bearer;
  if (!reply_need_object(r)) {
    return 0;
  }
  bearer = json_object_get(r->json, "bearer");
  if (NULL != bearer && !json_is_boolean(bearer)) {
    return reply_error(r, ERR_INVALID_FIELD, "bearer: must be true or false.");
  }
  int rc = auth_login(r, json_str(r, "email"), json_str(r, "password"), token, &u);
  if (AUTH_SECOND_FACTOR_DUE == rc) {
    return reply_second_factor_due(r, token, &u);
  }
  if (0 != rc) {
    return 0; /* already answered */
  }
  return reply_session(r, token, &u, json_is_true(bearer), NULL);
}

int h_auth_logout(struct req *r) {
  if (0 != auth_logout(r)) {
    return 0;
  }
  auth_set_cookie(r, NULL);
  return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

int h_auth_logout_all(struct req *r) {
  int64_t n = 0;
  if (0 != auth_logout_all(r, r->user->id, &n)) {
    return 0;
  }
  auth_set_cookie(r, NULL);
  return reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, "sessions", (json_int_t)n));
}

/* POST /api/auth/logout-others: every session of the user but this one ends. */
int h_auth_logout_others(struct req *r) {
  int64_t n = 0;
  if (0 != auth_logout_others(r, &n)) {
    return 0;
  }
  return reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, "sessions", (json_int_t)n));
}

/* POST /api/auth/sessions/:id/end: one of the user's sessions ends (a device named on the
 * sessions page). */
int h_auth_session_end(struct req *r) {
  if (0 != auth_logout_session(r, r->nparams > 0 ? r->params[0] : NULL)) {
    return 0;
  }
  return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* GET /api/auth/sessions: the user's sessions still valid, most recently used first. */
int h_auth_sessions(struct req *r) {
  struct store_session_info *list = NULL;
  size_t n = 0;
  if (0 != auth_sessions(r, &list, &n)) {
    return 0;
  }
  json_t *arr = json_array();
  for (size_t i = 0; NULL != arr && i < n; i++) {
    json_array_append_new(
        arr, json_pack("{s:s, s:o, s:o, s:o, s:b, s:b, s:o}", "id", list[i].id, "started_at",
                       json_time(list[i].created_ms), "last_used_at", json_time(list[i].last_ms),
                       "expires_at", json_time(list[i].expires_ms), "current", list[i].current,
                       "checkin", list[i].checkin, "device", device_kind_json(list[i].device)));
  }
  free(list);
  return reply_json(r, 200, json_pack("{s:o*}", "sessions", arr));
}

int h_auth_me(struct req *r) {
  const struct req_user *u = r->user;
  char csrf[SESSION_CSRF_LEN + 1];
  json_t *body = session_json(u, presented_csrf(r, csrf));
  if (NULL != body && u->scope_schedule_id > 0) {
    /* a check-in session: what it is scoped to */
    json_object_set_new(body, "checkin",
                        json_pack("{s:I, s:s}", "schedule_id", (json_int_t)u->scope_schedule_id,
                                  "exam_id", u->scope_exam_id));
  }
  return reply_json(r, 200, body);
}

int h_auth_password(struct req *r) {
  struct req_user u;
  char token[44];
  if (!reply_need_object(r)) {
    return 0;
  }
  if (0 != auth_change_password(r, json_str(r, "current_password"), json_str(r, "new_password"),
                                token, &u)) {
    return 0; /* already answered */
  }
  return reply_session(r, token, &u, false, NULL);
}

/* --- check-in by a code from the TUK --- */

int h_checkin(struct req *r) {
  struct req_user u;
  struct checkin_result res;
  char token[SESSION_TOKEN_LEN + 1];
  if (!reply_need_object(r)) {
    return 0;
  }
  const json_t *bearer = json_object_get(r->json, "bearer");
  if (NULL != bearer && !json_is_boolean(bearer)) {
    return reply_error(r, ERR_INVALID_FIELD, "bearer: must be true or false.");
  }
  if (0 != auth_checkin(r, json_str(r, "code"), false, token, &u, &res)) {
    return 0; /* already answered */
  }
  char ends[32], start[80];
  iso_time(ends, sizeof ends, res.session_expires_ms);
  snprintf(start, sizeof start, "/exams/%s/start", res.exam_id);
  return reply_session(r, token, &u, json_is_true(bearer),
                       json_pack("{s:I, s:s, s:s, s:s}", "schedule_id", (json_int_t)res.schedule_id,
                                 "exam_id", res.exam_id, "session_ends_at", ends, "start", start));
}

/* --- the staff second factor --- */

int h_auth_login_totp(struct req *r) {
  struct req_user u;
  char token[SESSION_TOKEN_LEN + 1];
  const json_t *bearer = json_is_object(r->json) ? json_object_get(r->json, "bearer") : NULL;
  if (!json_is_object(r->json) || (NULL != bearer && !json_is_boolean(bearer))) {
    return reply_error(r, ERR_INVALID_FIELD,
                       "A JSON object is required, with bearer true or false if given.");
  }
  if (0 != auth_login_second_factor(r, json_str(r, "ticket"), json_str(r, "code"),
                                    json_str(r, "recovery_code"), token, &u, NULL)) {
    return 0; /* already answered */
  }
  return reply_session(r, token, &u, json_is_true(bearer), NULL);
}

static const char *state_name(enum second_factor_state s) {
  if (SECOND_FACTOR_STATE_CONFIRMED == s) {
    return "confirmed";
  }
  return SECOND_FACTOR_STATE_PENDING == s ? "pending" : "none";
}

int h_auth_second_factor(struct req *r) {
  struct second_factor_status st;
  int store_rc = STORE_OK;
  enum second_factor_rc rc = second_factor_status_get(&st, r->svc, r->user->id, &store_rc);
  if (SECOND_FACTOR_OK != rc) {
    return auth_second_factor_refused(r, rc, store_rc);
  }
  return reply_json(r, 200,
                    json_pack("{s:s, s:b, s:I}", "state", state_name(st.state), "required",
                              second_factor_enforced(r->svc->cfg), "recovery_codes_left",
                              (json_int_t)st.recovery_left));
}

int h_auth_second_factor_enrol(struct req *r) {
  struct second_factor_enrolment e;
  int store_rc = STORE_OK;
  enum second_factor_rc rc =
      second_factor_enrol_begin(&e, r->svc, r->user->id, r->user->role, r->user->email, &store_rc);
  if (SECOND_FACTOR_OK != rc) {
    return auth_second_factor_refused(r, rc, store_rc);
  }
  json_t *body =
      json_pack("{s:s, s:s, s:s}", "state", "pending", "secret", e.secret_b32, "uri", e.uri);
  second_factor_enrolment_clear(&e);
  reply_header(r, "Cache-Control", "no-store");
  return reply_json(r, 200, body);
}

int h_auth_second_factor_confirm(struct req *r) {
  char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT_SIZE];
  int store_rc = STORE_OK;
  json_t *list;
  if (!reply_need_object(r)) {
    return 0;
  }
  const char *code = json_str(r, "code");
  if (NULL == code || strlen(code) > TOTP_INPUT_MAX) {
    return reply_error(r, ERR_INVALID_FIELD, "code: the 6 digits the app shows are required.");
  }
  enum second_factor_rc rc =
      second_factor_enrol_confirm(codes, r->svc, r->user->id, code, r->now_ms, &store_rc);
  if (SECOND_FACTOR_OK != rc) {
    return auth_second_factor_refused(r, rc, store_rc);
  }
  list = json_array();
  for (size_t i = 0; NULL != list && i < TOTP_RECOVERY_COUNT; i++) {
    json_array_append_new(list, json_string(codes[i]));
  }
  OPENSSL_cleanse(codes, sizeof codes);
  log_msg(LOG_INFO, r->request_id, "account %lld enrolled a second factor", (long long)r->user->id);
  auth_notice(r, r->user->id, ACCOUNT_NOTICE_SECOND_FACTOR_ON);
  reply_header(r, "Cache-Control", "no-store");
  return reply_json(r, 200, json_pack("{s:s, s:o}", "state", "confirmed", "recovery_codes", list));
}
