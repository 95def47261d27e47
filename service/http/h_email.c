/*
 * An account's e-mail address over the JSON API (common/email_change.h): the holder's
 * request, confirmed by a link to the new address, and an administrator's correction. The
 * pages (h_page_email.c) call the same functions.
 */
#include <string.h>

#include "common/api_time.h"
#include "common/email_change.h"
#include "common/log.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/ratelimit.h"

/* The change waiting as the API shows it: {"email", "expires_at"}, or null. */
static json_t *pending_json(const struct email_change_pending *p) {
  if (NULL == p || '\0' == p->email[0]) {
    return json_null();
  }
  return json_pack("{s:s, s:o}", "email", p->email, "expires_at", json_time(p->expires_ms));
}

int reply_email_change(struct req *r, enum email_change_rc rc, int64_t retry_s, int store_rc) {
  switch (rc) {
  case EMAIL_CHANGE_BAD_EMAIL:
    return reply_error(r, ERR_INVALID_FIELD, "email: an e-mail address (3 to 254 bytes).");
  case EMAIL_CHANGE_SAME:
    return reply_error(r, ERR_EMAIL_UNCHANGED, NULL);
  case EMAIL_CHANGE_TAKEN:
    return reply_error(r, ERR_EMAIL_TAKEN, NULL);
  case EMAIL_CHANGE_NO_MAIL:
    return reply_error(r, ERR_EMAIL_CHANGE_NO_MAIL, NULL);
  case EMAIL_CHANGE_RATE_LIMITED:
    log_msg(LOG_INFO, r->request_id, "rate limited: e-mail change requests");
    return ratelimit_reply(r, retry_s);
  case EMAIL_CHANGE_BAD_TOKEN:
    return reply_error(r, ERR_EMAIL_CHANGE_LINK_INVALID, NULL);
  case EMAIL_CHANGE_BAD_REASON:
    return reply_error(r, ERR_REASON_REQUIRED,
                       "reason: how the person was identified (1 to 1000 bytes of text).");
  case EMAIL_CHANGE_NOT_FOUND:
    return reply_error(r, ERR_USER_NOT_FOUND, NULL);
  case EMAIL_CHANGE_STORE_FAILED:
    return reply_store_error(r, store_rc, "e-mail change");
  case EMAIL_CHANGE_OK:
  case EMAIL_CHANGE_INTERNAL:
  default:
    return reply_error(r, ERR_INTERNAL, NULL);
  }
}

int h_email_request(struct req *r, const char *email, const char *password, bool page,
                    struct email_change_pending *out, enum email_change_rc *out_refused) {
  int64_t retry_s = 0;
  int store_rc = STORE_OK;
  memset(out, 0, sizeof *out);
  *out_refused = EMAIL_CHANGE_OK;
  /* The cheap refusals first: no password hashing for a request that cannot go anywhere. */
  enum email_change_rc rc = email_change_precheck(r->svc, email);
  if (page && EMAIL_CHANGE_BAD_EMAIL == rc) {
    *out_refused = rc;
    return H_EMAIL_REFUSED;
  }
  if (EMAIL_CHANGE_OK != rc) {
    reply_email_change(r, rc, 0, STORE_OK);
    return -1;
  }
  int ret = auth_check_password(r, password, page);
  if (0 != ret) {
    return ret;
  }
  rc = email_change_request(out, r->svc, r->user->id, email, &retry_s, &store_rc);
  if (page && EMAIL_CHANGE_SAME == rc) {
    *out_refused = rc;
    return H_EMAIL_REFUSED;
  }
  if (EMAIL_CHANGE_OK != rc) {
    reply_email_change(r, rc, retry_s, store_rc);
    return -1;
  }
  log_msg(LOG_INFO, r->request_id, "account %lld asked to change its e-mail address",
          (long long)r->user->id);
  return 0;
}

/* GET /api/me/email: the address, the change waiting (or null), and whether the holder can
 * change it here (an SMTP server confirms new addresses). */
int h_me_email(struct req *r) {
  struct email_change_pending p;
  int store_rc = STORE_OK;
  enum email_change_rc rc = email_change_pending(&p, r->svc->store, r->user->id, &store_rc);
  if (EMAIL_CHANGE_OK != rc && EMAIL_CHANGE_NOT_FOUND != rc) {
    return reply_email_change(r, rc, 0, store_rc);
  }
  return reply_json(r, 200,
                    json_pack("{s:s, s:o, s:b}", "email", r->user->email, "pending",
                              pending_json(EMAIL_CHANGE_OK == rc ? &p : NULL), "self_service",
                              NULL != r->svc->mailer));
}

/* POST /api/me/email {"email", "current_password"}: 202 with the change waiting for its link. */
int h_me_email_change(struct req *r) {
  struct email_change_pending p;
  enum email_change_rc refused;
  if (!reply_need_object(r)) {
    return 0; /* answered */
  }
  if (0 != h_email_request(r, json_member_str(r->json, "email"),
                           json_member_str(r->json, "current_password"), false, &p, &refused)) {
    return 0; /* answered */
  }
  return reply_json(r, 202, json_pack("{s:o}", "pending", pending_json(&p)));
}

/* POST /api/me/email/cancel: the change waiting stops (its link no longer works). */
int h_me_email_cancel(struct req *r) {
  int store_rc = STORE_OK;
  enum email_change_rc rc = email_change_cancel(r->svc, r->user->id, &store_rc);
  if (EMAIL_CHANGE_OK != rc) {
    return reply_email_change(r, rc, 0, store_rc);
  }
  return reply_json(r, 200, json_pack("{s:o}", "pending", json_null()));
}

int h_email_confirm_link(struct req *r, const char *token, const char *password, bool page,
                         struct store_user *out, struct email_change_pending *out_pending,
                         enum email_change_rc *out_refused) {
  struct store_user u;
  int store_rc = STORE_OK;
  *out_refused = EMAIL_CHANGE_OK;
  memset(out, 0, sizeof *out);
  enum email_change_rc rc = email_change_check(&u, out_pending, r->svc->store, token, &store_rc);
  if (EMAIL_CHANGE_OK == rc) {
    /* The link alone does not move the account: a mistyped new address would hand it to a
     * stranger, who could then reset its password there. */
    int ret = auth_check_account_password(r, u.id, u.email, password, page);
    if (0 != ret) {
      return ret;
    }
    rc = email_change_confirm(out, r->svc, token, &store_rc);
  }
  if (EMAIL_CHANGE_OK == rc) {
    log_msg(LOG_INFO, r->request_id, "account %lld confirmed its new e-mail address",
            (long long)out->id);
    return 0;
  }
  if (page && (EMAIL_CHANGE_BAD_TOKEN == rc || EMAIL_CHANGE_TAKEN == rc)) {
    *out_refused = rc;
    return H_EMAIL_REFUSED;
  }
  reply_email_change(r, rc, 0, store_rc);
  return -1;
}

/* POST /api/auth/email-change {"token", "current_password"}: uses a confirmation link with
 * the account's password (no session needed: the link reached the new address). */
int h_email_confirm(struct req *r) {
  struct store_user u;
  struct email_change_pending p;
  enum email_change_rc refused;
  if (!reply_need_object(r)) {
    return 0; /* answered */
  }
  if (0 != h_email_confirm_link(r, json_member_str(r->json, "token"),
                                json_member_str(r->json, "current_password"), false, &u, &p,
                                &refused)) {
    return 0; /* answered */
  }
  return reply_json(r, 200,
                    json_pack("{s:{s:I, s:s}}", "user", "id", (json_int_t)u.id, "email", u.email));
}

/* POST /api/admin/users/:id/email {"email","reason"}: corrects an account's address. */
int h_admin_users_email(struct req *r) {
  int64_t id = 0;
  int store_rc = STORE_OK;
  bool changed = false;
  struct store_user u;
  if (!reply_need_id(r, ERR_USER_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  enum email_change_rc rc = email_change_by_admin(&u, &changed, r->svc, r->user->id, id,
                                                  json_member_str(r->json, "email"),
                                                  json_member_str(r->json, "reason"), &store_rc);
  if (EMAIL_CHANGE_OK != rc) {
    return reply_email_change(r, rc, 0, store_rc);
  }
  return reply_json(r, 200,
                    json_pack("{s:{s:I, s:s}, s:b}", "user", "id", (json_int_t)u.id, "email",
                              u.email, "changed", changed));
}
