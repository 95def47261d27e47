/*
 * Password-reset pages: asking for a link by e-mail (/lupa-sandi, only with --smtp-url),
 * setting a new password with a link (/reset-sandi?t=…: the token comes in the URL, the form
 * posts it back), and the link an administrator issues from the admin page. They call the
 * same functions as the JSON API (h_recovery.c). The site-wide Referrer-Policy is
 * no-referrer and pages are not cached, so the token in the URL leaves the browser
 * only in the request to this page.
 */
#include <openssl/crypto.h>

#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/page_time.h"

static int request_form(struct req *r, unsigned status, const char *error_key, const char *email) {
  struct html *h = NULL;
  if (NULL == r->svc->mailer) {
    return reply_error(r, ERR_NOT_FOUND, NULL); /* no e-mail: links come from an administrator */
  }
  h = auth_form_begin(r, "reset.request_title", error_key, "/lupa-sandi", false);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  auth_form_field(h, "email", "email", L(r, "auth.email"), L(r, "reset.request_hint"), email,
                  "email");
  return auth_form_end(r, h, status, "reset.request_submit", "/login", "auth.have_account");
}

/* GET /lupa-sandi */
int h_page_reset_request_form(struct req *r) {
  return request_form(r, 200, NULL, NULL);
}

/* POST /lupa-sandi: the same page for every address (and the same work, see recovery.h). */
int h_page_reset_request(struct req *r) {
  const char *email = req_form(r, "email");
  if (NULL == email || '\0' == email[0]) {
    return request_form(r, 400, "page.invalid", email);
  }
  if (0 != h_recovery_request(r, email)) {
    return 0;
  }
  return layout_message_page(r, 200, "reset.request_sent_title", "reset.request_sent");
}

static int reset_form(struct req *r, unsigned status, const char *error_key, const char *token) {
  struct html *h = auth_form_begin(r, "reset.title", error_key, "/reset-sandi", true);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  html_hidden(h, "t", token);
  auth_form_field(h, "password", "password", L(r, "reset.new_password"), L(r, "auth.password_hint"),
                  NULL, "new-password");
  return auth_form_end(r, h, status, "reset.submit", "/login", "auth.have_account");
}

static int link_invalid(struct req *r) {
  return layout_message_page(r, 400, "reset.invalid_title", "reset.invalid");
}

/* GET /reset-sandi?t=TOKEN */
int h_page_reset_form(struct req *r) {
  const char *token = req_query(r, "t");
  int store_rc = STORE_OK;
  enum recovery_rc rc = recovery_check(r->svc->store, token, &store_rc);
  if (RECOVERY_BAD_TOKEN == rc) {
    return link_invalid(r);
  }
  if (RECOVERY_OK != rc) {
    return layout_store_error(r, store_rc);
  }
  return reset_form(r, 200, NULL, token);
}

/* POST /reset-sandi (t, password) */
int h_page_reset(struct req *r) {
  const char *token = req_form(r, "t");
  enum password_policy_verdict strength = PASSWORD_POLICY_OK;
  int store_rc = STORE_OK;
  enum recovery_rc rc = h_recovery_redeem(r, token, req_form(r, "password"), &strength, &store_rc);
  switch (rc) {
  case RECOVERY_OK:
    return layout_message_page(r, 200, "reset.done_title", "reset.done");
  case RECOVERY_BAD_TOKEN:
    return link_invalid(r);
  case RECOVERY_NO_PASSWORD:
  case RECOVERY_WEAK_PASSWORD:
    return reset_form(r, 400, "auth.weak_password", token);
  default:
    return reply_recovery(r, rc, strength, store_rc, 0);
  }
}

/* POST /admin/users/:id/reset-link: the new link, to hand to the candidate. */
int h_page_admin_reset_link(struct req *r) {
  struct recovery_link link;
  struct html *h = NULL;
  char expires[40];
  if (0 != h_recovery_issue(r, &link)) {
    return 0;
  }
  h = html_new();
  if (NULL == h) {
    OPENSSL_cleanse(link.url, sizeof link.url);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  page_time(expires, sizeof expires, link.expires_ms, page_zone(r), false);
  layout_begin(h, r, L(r, "reset.admin_title"));
  HTML_LIT(h, "<h1>");
  html_text(h, L(r, "reset.admin_title"));
  HTML_LIT(h, "</h1><div class=\"card\"><p>");
  html_text_sub(h, L(r, "reset.admin_text"), "name", link.name, "email", link.email, "expires",
                expires, NULL);
  HTML_LIT(h, "</p><p><label for=\"reset-url\">URL</label><textarea id=\"reset-url\" rows=\"3\" "
              "readonly>");
  html_text(h, link.url);
  html_fmt(h, "</textarea></p></div><p><a href=\"/admin/users/%lld\">", (long long)link.user_id);
  html_text(h, L(r, "page.back"));
  HTML_LIT(h, "</a></p>");
  layout_end(h, r);
  OPENSSL_cleanse(link.url, sizeof link.url);
  return layout_reply(r, 200, h);
}
