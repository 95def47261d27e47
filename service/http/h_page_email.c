/*
 * The pages of an account's e-mail address (common/email_change.h): the holder's page
 * (/account/email: the address, a change waiting for its link, the form asking for one), the
 * page a confirmation link opens (/ubah-email?t=…: it asks before it changes anything, so a
 * mail scanner that opens links changes nothing) and its form. They call the functions the
 * JSON API calls (h_email.c). Referrer-Policy is no-referrer site-wide and pages are not
 * cached, so the token leaves the browser only in the request to this page.
 */
#include <string.h>

#include "http/auth.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/page_time.h"

/* The holder's page, with error_key's message (NULL: none) and the typed address kept. */
static int email_page(struct req *r, unsigned status, const char *error_key, const char *email,
                      bool password_wrong) {
  struct email_change_pending p;
  int store_rc = STORE_OK;
  enum email_change_rc rc = email_change_pending(&p, r->svc->store, r->user->id, &store_rc);
  if (EMAIL_CHANGE_OK != rc && EMAIL_CHANGE_NOT_FOUND != rc) {
    return layout_store_error(r, store_rc);
  }
  struct html *h = layout_page_new(r, "email.title", "static/password.js");
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  HTML_LIT(h, "<p id=\"email-current\">");
  html_text_sub(h, L(r, "email.current"), "email", r->user->email, NULL);
  HTML_LIT(h, "</p>");
  if (EMAIL_CHANGE_OK == rc) {
    char until[40];
    page_time(until, sizeof until, p.expires_ms, page_zone(r), false);
    HTML_LIT(h, "<div class=\"card\" id=\"email-pending\"><p>");
    html_text_sub(h, L(r, "email.pending"), "email", p.email, "until", until, NULL);
    HTML_LIT(h, "</p>");
    layout_action_form(h, r, "/account/email/cancel", "/api/me/email/cancel",
                       "/account/email?notice=email_change_cancelled");
    html_fmt(h, "<button type=\"submit\" class=\"secondary\">%s</button></form></div>",
             L(r, "email.cancel"));
  }
  if (NULL == r->svc->mailer) {
    /* No mail to confirm a new address with: the LSP's administrator changes it. */
    html_fmt(h, "<p class=\"hint\" id=\"email-ask-admin\">%s</p>", L(r, "email.ask_admin"));
    return layout_reply_with_back(r, h, auth_start_page(r->user->role));
  }
  auth_form_error(h, r, error_key);
  HTML_LIT(h, "<form method=\"post\" action=\"/account/email\" class=\"card\">");
  layout_csrf_field(h, r);
  auth_form_input(h, "email", "email", L(r, "email.new"), L(r, "email.hint"), email, "email",
                  NULL != error_key && !password_wrong);
  auth_form_input(h, "current_password", "password", L(r, "auth.current_password"), NULL, NULL,
                  "current-password", NULL != error_key && password_wrong);
  html_fmt(h, "<p><button type=\"submit\">%s</button></p></form>", L(r, "email.submit"));
  layout_end(h, r);
  return layout_reply(r, status, h);
}

/* GET /account/email */
int h_page_email_form(struct req *r) {
  return email_page(r, 200, NULL, NULL, false);
}

/* POST /account/email (email, password): a link to the new address, then this page again. */
int h_page_email(struct req *r) {
  const char *email = req_form(r, "email");
  const char *password = req_form(r, "current_password");
  struct email_change_pending p;
  enum email_change_rc refused = EMAIL_CHANGE_OK;
  if (NULL == password || '\0' == password[0]) {
    return email_page(r, 400, "auth.current_missing", email, true);
  }
  int rc = h_email_request(r, email, password, true, &p, &refused);
  if (AUTH_CREDENTIALS_REFUSED == rc) {
    return email_page(r, 403, "auth.current_wrong", email, true);
  }
  if (H_EMAIL_REFUSED == rc) {
    return email_page(r, EMAIL_CHANGE_SAME == refused ? 409 : 400,
                      EMAIL_CHANGE_SAME == refused ? "email.same" : "email.invalid", email, false);
  }
  if (0 != rc) {
    return 0; /* answered */
  }
  return reply_redirect(r, "/account/email?notice=email_change_sent");
}

static int link_invalid(struct req *r) {
  return layout_message_page(r, 400, "email.link_invalid_title", "email.link_invalid");
}

/* The link's form: the new address, and the account's password (whoever holds the link is
 * not shown the account's name nor its address before: a mistyped address reaches a
 * stranger). */
static int confirm_form(struct req *r, unsigned status, const char *error_key, const char *token,
                        const char *email) {
  struct html *h = layout_page_new(r, "email.confirm_title", "static/password.js");
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  HTML_LIT(h, "<p id=\"email-confirm-text\">");
  html_text_sub(h, L(r, "email.confirm_text"), "email", email, NULL);
  HTML_LIT(h, "</p>");
  auth_form_error(h, r, error_key);
  HTML_LIT(h, "<form method=\"post\" action=\"" EMAIL_CHANGE_PAGE "\" class=\"card\">");
  html_hidden(h, "t", token);
  auth_form_input(h, "current_password", "password", L(r, "auth.current_password"),
                  L(r, "email.confirm_hint"), NULL, "current-password", NULL != error_key);
  html_fmt(h, "<p><button type=\"submit\">%s</button></p></form>", L(r, "email.confirm_submit"));
  layout_end(h, r);
  return layout_reply(r, status, h);
}

/* GET /ubah-email?t=TOKEN: what the link would do, and the form that does it. */
int h_page_email_confirm_form(struct req *r) {
  const char *token = req_query(r, "t");
  struct store_user u;
  struct email_change_pending p;
  int store_rc = STORE_OK;
  enum email_change_rc rc = email_change_check(&u, &p, r->svc->store, token, &store_rc);
  if (EMAIL_CHANGE_BAD_TOKEN == rc) {
    return link_invalid(r);
  }
  if (EMAIL_CHANGE_OK != rc) {
    return layout_store_error(r, store_rc);
  }
  return confirm_form(r, 200, NULL, token, p.email);
}

/* POST /ubah-email (t, current_password) */
int h_page_email_confirm(struct req *r) {
  const char *token = req_form(r, "t");
  struct store_user u;
  struct email_change_pending p;
  enum email_change_rc refused = EMAIL_CHANGE_OK;
  int rc = h_email_confirm_link(r, token, req_form(r, "current_password"), true, &u, &p, &refused);
  if (0 == rc) {
    return layout_message_page(r, 200, "email.done_title", "email.done");
  }
  if (AUTH_CREDENTIALS_REFUSED == rc) {
    return confirm_form(r, 403, "auth.current_wrong", token, p.email);
  }
  if (H_EMAIL_REFUSED == rc) {
    return EMAIL_CHANGE_TAKEN == refused
               ? layout_message_page(r, 409, "email.taken_title", "email.taken")
               : link_invalid(r);
  }
  return 0; /* answered */
}
