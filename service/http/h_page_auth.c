/*
 * Log-in, registration and log-out pages. The forms post to page routes that call the same
 * account functions as the JSON API (auth_login, h_auth_register_account, auth_logout); only
 * the answer differs: a redirect to the user's start page instead of JSON.
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
  html_fmt(h, "<label for=\"%s\">", id);
  html_text(h, label);
  HTML_LIT(h, "</label>");
  if (NULL != hint) {
    html_fmt(h, "<p class=\"hint\" id=\"%s-hint\">", id);
    html_text(h, hint);
    HTML_LIT(h, "</p>");
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

/* The log-in form, optionally with an error (catalogue key) and the e-mail kept. */
static int login_form(struct req *r, unsigned status, const char *error_key, const char *email) {
  struct html *h = html_new();
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  layout_begin(h, r, L(r, "auth.login_title"));
  HTML_LIT(h, "<h1>");
  html_text(h, L(r, "auth.login_title"));
  HTML_LIT(h, "</h1>");
  if (NULL != error_key) {
    HTML_LIT(h, "<p class=\"notice err\" role=\"alert\">");
    html_text(h, L(r, error_key));
    HTML_LIT(h, "</p>");
  }
  HTML_LIT(h, "<form method=\"post\" action=\"/login\" class=\"card\">");
  field(h, "email", "email", L(r, "auth.email"), NULL, email, "username");
  field(h, "password", "password", L(r, "auth.password"), NULL, NULL, "current-password");
  HTML_LIT(h, "<p><button type=\"submit\">");
  html_text(h, L(r, "auth.submit_login"));
  HTML_LIT(h, "</button></p></form><p><a href=\"/register\">");
  html_text(h, L(r, "auth.no_account"));
  HTML_LIT(h, "</a></p>");
  layout_end(h, r);
  return layout_reply(r, status, h);
}

static int register_form(struct req *r, unsigned status, const char *error_key, const char *name,
                         const char *email) {
  struct html *h = html_new();
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  layout_begin(h, r, L(r, "auth.register_title"));
  HTML_LIT(h, "<h1>");
  html_text(h, L(r, "auth.register_title"));
  HTML_LIT(h, "</h1>");
  if (NULL != error_key) {
    HTML_LIT(h, "<p class=\"notice err\" role=\"alert\">");
    html_text(h, L(r, error_key));
    HTML_LIT(h, "</p>");
  }
  HTML_LIT(h, "<form method=\"post\" action=\"/register\" class=\"card\">");
  field(h, "name", "text", L(r, "auth.name"), L(r, "auth.name_hint"), name, "name");
  field(h, "email", "email", L(r, "auth.email"), NULL, email, "email");
  field(h, "password", "password", L(r, "auth.password"), L(r, "auth.password_hint"), NULL,
        "new-password");
  HTML_LIT(h, "<p><button type=\"submit\">");
  html_text(h, L(r, "auth.submit_register"));
  HTML_LIT(h, "</button></p></form><p><a href=\"/login\">");
  html_text(h, L(r, "auth.have_account"));
  HTML_LIT(h, "</a></p>");
  layout_end(h, r);
  return layout_reply(r, status, h);
}

static bool blank(const char *s) {
  return NULL == s || '\0' == s[0];
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
  char token[44];
  struct req_user user;
  if (blank(email) || blank(password)) {
    return login_form(r, 400, "auth.invalid", email);
  }
  /* On failure auth_login has replied (wrong password, back-off, disabled account). */
  if (0 != auth_login(r, email, password, token, &user)) {
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
  char token[44];
  struct req_user user;
  int64_t id = 0;
  if (blank(name) || blank(email) || blank(password)) {
    return register_form(r, 400, "auth.invalid", name, email);
  }
  if (0 != h_auth_register_account(r, name, email, password, &id)) {
    return 0;
  }
  if (0 != auth_login(r, email, password, token, &user)) {
    return 0;
  }
  auth_set_cookie(r, token);
  memset(token, 0, sizeof(token));
  return reply_redirect(r, start_page(user.role));
}

int h_page_logout(struct req *r) {
  if (0 != auth_logout(r)) {
    return 0;
  }
  auth_set_cookie(r, NULL);
  return reply_redirect(r, "/");
}
