/*
 * Password-reset links over the JSON API: an administrator issues one for a candidate; anyone
 * holding a link sets a new password with it; with an SMTP server configured, anyone may ask
 * for a link to be mailed to an address. The rules are in the recovery module
 * (common/recovery.c); these parse, call and answer, and the pages (h_page_reset.c) share
 * the calls and the answers.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "common/recovery.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/ratelimit.h"

/* The plain refusals: the registry error (and detail) of each outcome that needs nothing
 * else; the other outcomes are answered in reply_recovery itself. */
static const struct {
  bool set;
  enum err code;
  const char *detail;
} refusals[] = {
    [RECOVERY_NOT_FOUND] = {true, ERR_USER_NOT_FOUND, NULL},
    [RECOVERY_NOT_CANDIDATE] = {true, ERR_RESET_NOT_CANDIDATE, NULL},
    [RECOVERY_DISABLED] = {true, ERR_ACCOUNT_DISABLED, NULL},
    [RECOVERY_BAD_TOKEN] = {true, ERR_RESET_LINK_INVALID, NULL},
    [RECOVERY_NO_PASSWORD] = {true, ERR_INVALID_FIELD, "password: a new password is required."},
    [RECOVERY_BAD_EMAIL] = {true, ERR_INVALID_FIELD, "email: 3 to 254 bytes of text."},
};

int reply_recovery(struct req *r, enum recovery_rc rc, enum password_policy_verdict strength,
                   int store_rc, int64_t retry_s) {
  if ((size_t)rc < sizeof refusals / sizeof refusals[0] && refusals[rc].set) {
    return reply_error(r, refusals[rc].code, refusals[rc].detail);
  }
  if (RECOVERY_WEAK_PASSWORD == rc) {
    return reply_error_reason(r, ERR_WEAK_PASSWORD, password_policy_code(strength),
                              password_policy_message(strength));
  }
  if (RECOVERY_RATE_LIMITED == rc) {
    return ratelimit_reply(r, retry_s);
  }
  if (RECOVERY_STORE_FAILED == rc) {
    return reply_store_error(r, store_rc, "password reset");
  }
  log_msg(LOG_ERROR, r->request_id, "password reset: internal failure");
  return reply_error(r, ERR_INTERNAL, NULL);
}

int h_recovery_issue(struct req *r, struct recovery_link *out) {
  const struct config *cfg = r->svc->cfg;
  struct recovery_issue_in in = {
      .actor = r->user->id, .public_url = cfg->public_url, .ttl_s = cfg->reset_ttl_s};
  enum recovery_rc rc;
  int store_rc = STORE_OK;
  if (!parse_id(r->params[0], &in.user_id)) {
    reply_error(r, ERR_USER_NOT_FOUND, NULL);
    return -1;
  }
  rc = recovery_issue(out, r->svc->store, &in, &store_rc);
  if (RECOVERY_OK != rc) {
    reply_recovery(r, rc, PASSWORD_POLICY_OK, store_rc, 0);
    return -1;
  }
  log_msg(LOG_INFO, r->request_id, "administrator %lld issued a reset link for account %lld",
          (long long)r->user->id, (long long)out->user_id);
  return 0;
}

enum recovery_rc h_recovery_redeem(struct req *r, const char *token, const char *password,
                                   enum password_policy_verdict *out_strength, int *out_store_rc) {
  struct recovery_redeem_in in = {.token = token,
                                  .password = password,
                                  .hash = auth_password_hash,
                                  .log2n = (unsigned)r->svc->cfg->kdf_log2n};
  struct store_user u;
  enum recovery_rc rc = recovery_redeem(&u, r->svc->store, &in, out_strength, out_store_rc);
  if (RECOVERY_OK == rc) {
    log_msg(LOG_INFO, r->request_id, "account %lld set a new password with a reset link",
            (long long)u.id);
    /* The holder of the link may log in at once, from any device, even during a back-off. */
    ratelimit_login_succeeded(r, u.email, NULL);
    auth_notice(r, u.id, ACCOUNT_NOTICE_PASSWORD_RESET);
  }
  return rc;
}

int h_recovery_request(struct req *r, const char *email) {
  const struct config *cfg = r->svc->cfg;
  struct recovery_request_in in = {.email = email,
                                   .client_addr = r->client_ip,
                                   .public_url = cfg->public_url,
                                   .ttl_s = cfg->reset_ttl_s,
                                   .per_addr_per_hour = cfg->reset_per_hour,
                                   .mails_per_hour = cfg->reset_mails_per_hour,
                                   .mailer = r->svc->mailer};
  int64_t retry_s = 0;
  int store_rc = STORE_OK;
  enum recovery_rc rc;
  if (NULL == r->svc->mailer) {
    reply_error(r, ERR_NOT_FOUND, NULL); /* no e-mail: links come from an administrator */
    return -1;
  }
  rc = recovery_request(r->svc->store, &in, &retry_s, &store_rc);
  if (RECOVERY_OK != rc) {
    reply_recovery(r, rc, PASSWORD_POLICY_OK, store_rc, retry_s);
    return -1;
  }
  return 0;
}

/* A string member of the JSON body (no NUL inside), or NULL. */
static const char *body_text(const struct req *r, const char *name) {
  const char *s = NULL;
  size_t len = 0;
  if (NULL == r->json || 0 != json_unpack(r->json, "{s:s%}", name, &s, &len) || strlen(s) != len) {
    return NULL;
  }
  return s;
}

/* POST /api/admin/users/:id/reset-link */
int h_recovery_admin_link(struct req *r) {
  struct recovery_link link;
  int ret;
  if (0 != h_recovery_issue(r, &link)) {
    return 0;
  }
  ret = reply_json(r, 201,
                   json_pack("{s:s, s:I, s:s, s:o}", "url", link.url, "user_id",
                             (json_int_t)link.user_id, "email", link.email, "expires_at",
                             json_time(link.expires_ms)));
  OPENSSL_cleanse(link.url, sizeof link.url);
  return ret;
}

/* POST /api/auth/reset {"token","password"} */
int h_recovery_reset(struct req *r) {
  enum password_policy_verdict strength = PASSWORD_POLICY_OK;
  int store_rc = STORE_OK;
  enum recovery_rc rc =
      h_recovery_redeem(r, body_text(r, "token"), body_text(r, "password"), &strength, &store_rc);
  if (RECOVERY_OK != rc) {
    return reply_recovery(r, rc, strength, store_rc, 0);
  }
  return reply_json(r, 200, json_pack("{s:s}", "status", "password_changed"));
}

/* POST /api/auth/reset-request {"email"} */
int h_recovery_request_api(struct req *r) {
  if (0 != h_recovery_request(r, body_text(r, "email"))) {
    return 0;
  }
  return reply_json(r, 202,
                    json_pack("{s:s, s:s}", "status", "accepted", "message",
                              "If the address belongs to an account, a link has been sent."));
}
