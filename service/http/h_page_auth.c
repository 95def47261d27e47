/*
 * Log-in, registration and log-out pages. The forms post to page routes that call the same
 * account functions as the JSON API (auth_login, h_auth_register_account, auth_logout); only
 * the answer differs: a redirect to the user's start page instead of JSON. A staff account with
 * a second factor gets the code form after its password (auth_login_second_factor).
 */
#include <string.h>

#include "http/auth.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"

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

static void field(struct html *h, const char *id, const char *type, const char *label,
                  const char *hint, const char *value, const char *autocomplete) {
  html_fmt(h, "<label for=\"%s\">%s</label>", id, label);
  if (NULL != hint) {
    html_fmt(h, "<p class=\"hint\" id=\"%s-hint\">%s</p>", id, hint);
  }
  HTML_LIT(h, "<input required");
  html_attr(h, "type", type);
  html_attr(h, "id", id);
  html_attr(h, "name", id);
  html_attr(h, "autocomplete", autocomplete);
  if (NULL != hint) {
    html_fmt(h, " aria-describedby=\"%s-hint\"", id);
  }
  html_attr(h, "value", value);
  HTML_LIT(h, ">");
}

/* Opens an account form page: the heading, the error (a catalogue key) if any, and the form
 * posting to action; the caller writes the fields and closes with form_end. NULL when out of
 * memory. */
static struct html *form_begin(const struct req *r, const char *title_key, const char *error_key,
                               const char *action) {
  struct html *h = layout_page_new(r, title_key, NULL);
  if (NULL == h) {
    return NULL;
  }
  if (NULL != error_key) {
    html_fmt(h, "<p class=\"notice err\" role=\"alert\">%s</p>", L(r, error_key));
  }
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
  struct html *h = form_begin(r, "auth.login_title", error_key, "/login");
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  field(h, "email", "email", L(r, "auth.email"), NULL, email, "username");
  field(h, "password", "password", L(r, "auth.password"), NULL, NULL, "current-password");
  if (NULL != r->svc->mailer) {
    html_fmt(h, "<p><a href=\"/lupa-sandi\">%s</a></p>", L(r, "reset.forgot_link"));
  }
  return form_end(r, h, status, "auth.submit_login", "/register", "auth.no_account");
}

static int register_form(struct req *r, unsigned status, const char *error_key, const char *name,
                         const char *email) {
  struct html *h = form_begin(r, "auth.register_title", error_key, "/register");
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  field(h, "name", "text", L(r, "auth.name"), L(r, "auth.name_hint"), name, "name");
  field(h, "email", "email", L(r, "auth.email"), NULL, email, "email");
  field(h, "password", "password", L(r, "auth.password"), L(r, "auth.password_hint"), NULL,
        "new-password");
  return form_end(r, h, status, "auth.submit_register", "/login", "auth.have_account");
}

static bool blank(const char *s) {
  return NULL == s || '\0' == s[0];
}

/* The code step of a staff log-in: the ticket travels in a hidden field (the page is never
 * cached), the code or a recovery code is typed; error_key says why the last one was not
 * taken. */
static int code_form(struct req *r, unsigned status, const char *ticket, const char *error_key) {
  struct html *h = form_begin(r, "auth.code_title", error_key, "/login/totp");
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
  int rc = auth_login(r, email, password, token, &user);
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

int h_page_register_form(struct req *r) {
  if (NULL != r->user) {
    return reply_redirect(r, start_page(r->user->role));
  }
  return register_form(r, 200, NULL, NULL, NULL);
}

int h_page_register(struct req *r) {
  const char *name = req_form(r, "name");
  const char *email = req_form(r, "email");
  const char *password = req_form(r, "password");
  int64_t id = 0;
  if (blank(name) || blank(email) || blank(password)) {
    return register_form(r, 400, "auth.invalid", name, email);
  }
  if (0 != h_auth_register_account(r, name, email, password, &id)) {
    return 0;
  }
  return sign_in(r, email, password);
}

int h_page_logout(struct req *r) {
  if (0 != auth_logout(r)) {
    return 0;
  }
  auth_set_cookie(r, NULL);
  return reply_redirect(r, "/");
}

/* The account-form pieces for the other account pages (password reset). */
struct html *auth_form_begin(const struct req *r, const char *title_key, const char *error_key,
                             const char *action) {
  return form_begin(r, title_key, error_key, action);
}

void auth_form_field(struct html *h, const char *id, const char *type, const char *label,
                     const char *hint, const char *value, const char *autocomplete) {
  field(h, id, type, label, hint, value, autocomplete);
}

int auth_form_end(struct req *r, struct html *h, unsigned status, const char *submit_key,
                  const char *link, const char *link_key) {
  return form_end(r, h, status, submit_key, link, link_key);
}
