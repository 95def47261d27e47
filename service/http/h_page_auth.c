/*
 * Log-in, registration and log-out pages. The forms post to page routes that call the same
 * account functions as the JSON API (auth_login, h_auth_register_account, auth_logout); only
 * the answer differs: a redirect to the user's start page instead of JSON. A staff account with
 * a second factor gets the code form after its password (auth_login_second_factor). A refusal
 * of what was typed shows the form again, with what was typed (never a password) and the
 * reason. The password page changes the password (auth_change_password).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "http/auth.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/page_time.h"

/* Where each role starts after logging in. */
static const char *start_page(enum role role) {
  if (ROLE_ADMIN == role) {
    return "/admin";
  }
  if (ROLE_ASSESSOR == role) {
    return "/review";
  }
  return "/me";
}

/* A labelled input; invalid marks it (aria-invalid) and adds the form's error paragraph
 * (#form-error) to its description. */
static void field_input(struct html *h, const char *id, const char *type, const char *label,
                        const char *hint, const char *value, const char *autocomplete,
                        bool invalid) {
  html_fmt(h, "<label for=\"%s\">%s</label>", id, label);
  if (NULL != hint) {
    html_fmt(h, "<p class=\"hint\" id=\"%s-hint\">%s</p>", id, hint);
  }
  HTML_LIT(h, "<input required");
  html_attr(h, "type", type);
  html_attr(h, "id", id);
  html_attr(h, "name", id);
  html_attr(h, "autocomplete", autocomplete);
  if (NULL != hint || invalid) {
    html_fmt(h, " aria-describedby=\"%s%s%s\"", NULL != hint ? id : "", NULL != hint ? "-hint" : "",
             invalid ? (NULL != hint ? " form-error" : "form-error") : "");
  }
  if (invalid) {
    HTML_LIT(h, " aria-invalid=\"true\"");
  }
  html_attr(h, "value", value);
  HTML_LIT(h, ">");
}

static void field(struct html *h, const char *id, const char *type, const char *label,
                  const char *hint, const char *value, const char *autocomplete) {
  field_input(h, id, type, label, hint, value, autocomplete, false);
}

void auth_form_error(struct html *h, const struct req *r, const char *error_key) {
  if (NULL != error_key) {
    html_fmt(h, "<p class=\"notice err\" role=\"alert\" id=\"form-error\">%s</p>", L(r, error_key));
  }
}

/* Opens an account form page: the heading, the error (a catalogue key) if any, and the form
 * posting to action; the caller writes the fields and closes with form_end. A form with a
 * password field (secret) loads the show-password toggle. NULL when out of memory. */
static struct html *form_begin(const struct req *r, const char *title_key, const char *error_key,
                               const char *action, bool secret) {
  struct html *h = layout_page_new(r, title_key, secret ? "static/password.js" : NULL);
  if (NULL == h) {
    return NULL;
  }
  auth_form_error(h, r, error_key);
  html_fmt(h, "<form method=\"post\" action=\"%s\" class=\"card\">", action);
  return h;
}

/* Closes the form with its submit button and a link to the other form, and replies. */
static int form_end(struct req *r, struct html *h, unsigned status, const char *submit_key,
                    const char *link, const char *link_key) {
  html_fmt(h, "<p><button type=\"submit\">%s</button></p></form><p><a href=\"%s\">%s</a></p>",
           L(r, submit_key), link, L(r, link_key));
  layout_end(h, r);
  return layout_reply(r, status, h);
}

/* The log-in form, optionally with an error (catalogue key) and the e-mail kept. */
static int login_form(struct req *r, unsigned status, const char *error_key, const char *email) {
  struct html *h = form_begin(r, "auth.login_title", error_key, "/login", true);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  bool wrong = NULL != error_key;
  field_input(h, "email", "email", L(r, "auth.email"), NULL, email, "username", wrong);
  field_input(h, "password", "password", L(r, "auth.password"), NULL, NULL, "current-password",
              wrong);
  if (NULL != r->svc->mailer) {
    html_fmt(h, "<p><a href=\"/lupa-sandi\">%s</a></p>", L(r, "reset.forgot_link"));
  } else { /* no e-mail: reset links come from an administrator */
    html_fmt(h, "<p class=\"hint\">%s</p>", L(r, "auth.forgot_ask_admin"));
  }
  html_fmt(h, "<p><a href=\"/masuk\">%s</a></p>", L(r, "checkin.link"));
  return form_end(r, h, status, "auth.submit_login", "/register", "auth.no_account");
}

static bool blank(const char *s) {
  return NULL == s || '\0' == s[0];
}

/* The check-in form (kode masuk): the code as typed is kept after a refusal, whose reason is
 * error_key; a code outside its window says the window (res) in the TUK's zone. */
static int checkin_form(struct req *r, unsigned status, const char *error_key, const char *code,
                        const struct checkin_result *res) {
  struct html *h = layout_page_new(r, "checkin.title", NULL);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  if (NULL != res) {
    char opens[48], closes[48];
    enum time_zone z = TIME_ZONE_WIB;
    (void)time_zone_parse(res->time_zone, &z);
    page_time(opens, sizeof opens, res->opens_ms, z, false);
    page_time(closes, sizeof closes, res->closes_ms, z, false);
    HTML_LIT(h, "<p class=\"notice err\" role=\"alert\" id=\"form-error\">");
    html_text_sub(h, L(r, error_key), "opens", opens, "closes", closes, NULL);
    HTML_LIT(h, "</p>");
  } else {
    auth_form_error(h, r, error_key);
  }
  html_fmt(h, "<p>%s</p>", L(r, "checkin.intro"));
  HTML_LIT(h, "<form method=\"post\" action=\"/masuk\" class=\"card\">");
  field_input(h, "code", "text", L(r, "checkin.code"), L(r, "checkin.code_hint"), code, "off",
              NULL != error_key);
  reply_header(r, "Cache-Control", "no-store");
  return form_end(r, h, status, "checkin.submit", "/login", "checkin.password_instead");
}

int h_page_checkin_form(struct req *r) {
  return checkin_form(r, 200, NULL, NULL, NULL);
}

int h_page_checkin(struct req *r) {
  const char *code = req_form(r, "code");
  char token[SESSION_TOKEN_LEN + 1];
  struct req_user user;
  struct checkin_result res;
  if (blank(code) || strlen(code) > CHECKIN_CODE_INPUT_MAX) {
    return checkin_form(r, 400, "checkin.invalid", NULL, NULL);
  }
  int rc = auth_checkin(r, code, true, token, &user, &res);
  if (AUTH_CHECKIN_REFUSED == rc) {
    return checkin_form(r, 401, "checkin.refused", code, NULL);
  }
  if (AUTH_CHECKIN_WINDOW == rc) {
    return checkin_form(r, 403, res.opens_ms > r->now_ms ? "checkin.not_yet" : "checkin.closed",
                        code, &res);
  }
  if (0 != rc) {
    return 0;
  }
  auth_set_cookie(r, token);
  OPENSSL_cleanse(token, sizeof token);
  OPENSSL_cleanse(&user, sizeof user);
  char where[80];
  snprintf(where, sizeof where, "/exams/%s/start", res.exam_id);
  return reply_redirect(r, where);
}

/* Which field of the registration form a refusal is about. */
enum reg_field { REG_NONE, REG_NAME, REG_EMAIL, REG_PASSWORD };

/* The registration form, with the name and e-mail as typed (never the password) and, after a
 * refusal, its reason (a catalogue key) with the field it is about marked invalid. */
static int register_form(struct req *r, unsigned status, const char *error_key, const char *name,
                         const char *email, enum reg_field bad) {
  struct html *h = form_begin(r, "auth.register_title", error_key, "/register", true);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  field_input(h, "name", "text", L(r, "auth.name"), L(r, "auth.name_hint"), name, "name",
              REG_NAME == bad);
  field_input(h, "email", "email", L(r, "auth.email"), NULL, email, "email", REG_EMAIL == bad);
  field_input(h, "password", "password", L(r, "auth.password"), L(r, "auth.password_hint"), NULL,
              "new-password", REG_PASSWORD == bad);
  return form_end(r, h, status, "auth.submit_register", "/login", "auth.have_account");
}

/* The code step of a staff log-in: the ticket travels in a hidden field (the page is never
 * cached), the code or a recovery code is typed; error_key says why the last one was not
 * taken. */
static int code_form(struct req *r, unsigned status, const char *ticket, const char *error_key) {
  struct html *h = form_begin(r, "auth.code_title", error_key, "/login/totp", false);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  html_hidden(h, "ticket", ticket);
  field(h, "code", "text", L(r, "auth.code"), L(r, "auth.code_hint"), NULL, "one-time-code");
  reply_header(r, "Cache-Control", "no-store");
  return form_end(r, h, status, "auth.submit_code", "/login", "auth.code_restart");
}

/* Logs in and sends the user to their start page (on failure auth_login has replied: wrong
 * password, back-off, disabled account), or to the code form when a second factor is due. */
static int sign_in(struct req *r, const char *email, const char *password) {
  char token[44];
  struct req_user user;
  int rc = auth_login_form(r, email, password, token, &user);
  if (AUTH_CREDENTIALS_REFUSED == rc) {
    return login_form(r, 401, "auth.bad_credentials", email); /* the e-mail stays */
  }
  if (AUTH_SECOND_FACTOR_DUE == rc) {
    rc = code_form(r, 200, token, NULL);
    memset(token, 0, sizeof(token));
    return rc;
  }
  if (0 != rc) {
    return 0;
  }
  auth_set_cookie(r, token);
  memset(token, 0, sizeof(token));
  return reply_redirect(r, start_page(user.role));
}

int h_page_login_form(struct req *r) {
  if (NULL != r->user) {
    return reply_redirect(r, start_page(r->user->role));
  }
  return login_form(r, 200, NULL, NULL);
}

int h_page_login(struct req *r) {
  const char *email = req_form(r, "email");
  const char *password = req_form(r, "password");
  if (blank(email) || blank(password)) {
    return login_form(r, 400, "auth.invalid", email);
  }
  return sign_in(r, email, password);
}

/* True when s, spaces aside, is six digits: a code from the app rather than a recovery code. */
static bool looks_like_code(const char *s) {
  size_t digits = 0;
  for (; '\0' != *s; s++) {
    if (*s >= '0' && *s <= '9') {
      digits++;
    } else if (' ' != *s) {
      return false;
    }
  }
  return 6 == digits;
}

int h_page_login_totp(struct req *r) {
  const char *ticket = req_form(r, "ticket");
  const char *code = req_form(r, "code");
  char token[44];
  struct req_user user;
  if (blank(ticket) || blank(code)) {
    return login_form(r, 400, "auth.invalid", NULL);
  }
  bool totp = looks_like_code(code);
  enum second_factor_rc refused = SECOND_FACTOR_OK;
  int rc = auth_login_second_factor(r, ticket, totp ? code : NULL, totp ? NULL : code, token, &user,
                                    &refused);
  if (AUTH_CODE_REFUSED == rc) {
    return code_form(r, 401, ticket,
                     SECOND_FACTOR_REPLAYED == refused ? "err.second_factor_replayed"
                                                       : "err.second_factor_wrong");
  }
  if (0 != rc) {
    return 0;
  }
  auth_set_cookie(r, token);
  memset(token, 0, sizeof(token));
  return reply_redirect(r, start_page(user.role));
}

/* The catalogue key of a registration refusal, and the field it is about. */
static const char *refusal_key(enum accounts_rc rc, enum password_policy_verdict verdict,
                               enum reg_field *out_field) {
  static const char *const weak[] = {
      [PASSWORD_POLICY_OK] = "auth.weak_password",
      [PASSWORD_POLICY_TOO_SHORT] = "reason.weak_password.too_short",
      [PASSWORD_POLICY_TOO_LONG] = "reason.weak_password.too_long",
      [PASSWORD_POLICY_INVALID] = "reason.weak_password.invalid",
      [PASSWORD_POLICY_TOO_COMMON] = "reason.weak_password.too_common",
      [PASSWORD_POLICY_CONTAINS_PERSONAL] = "reason.weak_password.contains_personal",
      [PASSWORD_POLICY_TOO_GUESSABLE] = "reason.weak_password.too_guessable",
      [PASSWORD_POLICY_ERROR] = "reason.weak_password.error",
  };
  *out_field = REG_PASSWORD;
  switch (rc) {
  case ACCOUNTS_BAD_NAME:
    *out_field = REG_NAME;
    return "auth.bad_name";
  case ACCOUNTS_BAD_EMAIL:
    *out_field = REG_EMAIL;
    return "auth.bad_email";
  case ACCOUNTS_EMAIL_TAKEN:
    *out_field = REG_EMAIL;
    return "auth.email_taken";
  case ACCOUNTS_WEAK_PASSWORD:
    return (size_t)verdict < sizeof weak / sizeof weak[0] ? weak[verdict] : "auth.weak_password";
  default:
    return "auth.invalid";
  }
}

int h_page_register_form(struct req *r) {
  if (NULL != r->user) {
    return reply_redirect(r, start_page(r->user->role));
  }
  return register_form(r, 200, NULL, NULL, NULL, REG_NONE);
}

int h_page_register(struct req *r) {
  const char *name = req_form(r, "name");
  const char *email = req_form(r, "email");
  const char *password = req_form(r, "password");
  int64_t id = 0;
  if (blank(name) || blank(email) || blank(password)) {
    return register_form(r, 400, "auth.invalid", name, email,
                         blank(name)    ? REG_NAME
                         : blank(email) ? REG_EMAIL
                                        : REG_PASSWORD);
  }
  enum accounts_rc refused;
  enum password_policy_verdict verdict;
  int rc = h_auth_register_form(r, name, email, password, &id, &refused, &verdict);
  if (-2 == rc) {
    enum reg_field bad = REG_PASSWORD;
    const char *key = refusal_key(refused, verdict, &bad);
    return register_form(r, ACCOUNTS_EMAIL_TAKEN == refused ? 409 : 400, key, name, email, bad);
  }
  if (0 != rc) {
    return 0;
  }
  return sign_in(r, email, password);
}

/* The password page: the current and the new password (never written back into the page),
 * after a refusal its reason with the field it is about marked invalid. */
static int password_form(struct req *r, unsigned status, const char *error_key,
                         bool current_wrong) {
  struct html *h = form_begin(r, "auth.change_title", error_key, "/account/password", true);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  layout_csrf_field(h, r);
  field_input(h, "current_password", "password", L(r, "auth.current_password"), NULL, NULL,
              "current-password", NULL != error_key && current_wrong);
  field_input(h, "new_password", "password", L(r, "auth.new_password"), L(r, "auth.password_hint"),
              NULL, "new-password", NULL != error_key && !current_wrong);
  return form_end(r, h, status, "auth.change_submit", start_page(r->user->role),
                  "auth.change_back");
}

int h_page_password_form(struct req *r) {
  const char *done = req_query(r, "changed");
  if (NULL != done && 0 == strcmp(done, "1")) {
    return layout_message_page(r, 200, "auth.change_title", "auth.changed");
  }
  return password_form(r, 200, NULL, false);
}

int h_page_password(struct req *r) {
  const char *current = req_form(r, "current_password");
  const char *new_password = req_form(r, "new_password");
  char token[44];
  struct req_user user;
  enum password_policy_verdict verdict;
  if (blank(current)) {
    return password_form(r, 400, "auth.current_missing", true);
  }
  if (blank(new_password)) {
    return password_form(r, 400, "reason.weak_password.too_short", false);
  }
  int rc = auth_change_password_form(r, current, new_password, token, &user, &verdict);
  if (AUTH_CREDENTIALS_REFUSED == rc) {
    return password_form(r, 403, "auth.current_wrong", true);
  }
  if (AUTH_PASSWORD_REFUSED == rc) {
    enum reg_field bad = REG_PASSWORD;
    return password_form(r, 400, refusal_key(ACCOUNTS_WEAK_PASSWORD, verdict, &bad), false);
  }
  if (0 != rc) {
    return 0;
  }
  /* Every session ended, this client's renewed: the new cookie, then the confirmation. */
  auth_set_cookie(r, token);
  memset(token, 0, sizeof(token));
  return reply_redirect(r, "/account/password?changed=1");
}

int h_page_logout(struct req *r) {
  if (0 != auth_logout(r)) {
    return 0;
  }
  auth_set_cookie(r, NULL);
  return reply_redirect(r, "/signed-out");
}

/* GET /signed-out — where logging out lands. Its script drops the copies of exam pages and
 * observation sheets the service worker kept for offline use (they hold the answers or
 * records of the account that just left, and a device at a test site is shared); what is
 * still waiting to be sent stays on the device until that account logs in again. Someone
 * logged in is sent home. */
int h_page_signed_out(struct req *r) {
  if (NULL != r->user) {
    return reply_redirect(r, "/");
  }
  struct html *h = layout_page_new(r, "auth.signed_out_title", "static/signout.js");
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  html_fmt(h, "<p class=\"notice ok\" role=\"status\">%s</p><p>%s</p>", L(r, "auth.logged_out"),
           L(r, "auth.signed_out_shared"));
  html_fmt(h, "<p><a class=\"button\" href=\"/login\">%s</a> <a href=\"/\">%s</a></p>",
           L(r, "auth.login_again"), L(r, "layout.back_home"));
  layout_end(h, r);
  return layout_reply(r, 200, h);
}

/* The account-form pieces for the other account pages (password reset). */
struct html *auth_form_begin(const struct req *r, const char *title_key, const char *error_key,
                             const char *action, bool secret) {
  return form_begin(r, title_key, error_key, action, secret);
}

void auth_form_field(struct html *h, const char *id, const char *type, const char *label,
                     const char *hint, const char *value, const char *autocomplete) {
  field(h, id, type, label, hint, value, autocomplete);
}

int auth_form_end(struct req *r, struct html *h, unsigned status, const char *submit_key,
                  const char *link, const char *link_key) {
  return form_end(r, h, status, submit_key, link, link_key);
}

void auth_form_input(struct html *h, const char *id, const char *type, const char *label,
                     const char *hint, const char *value, const char *autocomplete, bool invalid) {
  field_input(h, id, type, label, hint, value, autocomplete, invalid);
}

const char *auth_start_page(enum role role) {
  return start_page(role);
}
