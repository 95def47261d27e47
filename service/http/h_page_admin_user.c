/*
 * One account as an administrator manages it (GET /admin/users/:id): what the service
 * keeps of it (name, e-mail address, role, state, when it was made and last signed in or
 * used, a staff member's second factor, how many sessions are open), the actions it
 * allows, each irreversible one behind its confirmation page, and where its records are
 * (attempts, certificates, the audit entries about it and by it).
 * The pages of those actions live here too: disabling, resetting a second factor,
 * correcting the name or the e-mail address, planning extra time; each comes back to the
 * account's page. The accounts list on the admin page links each name here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/accounts.h"
#include "common/catalog.h"
#include "common/recovery.h"
#include "common/second_factor.h"
#include "http/auth.h"
#include "http/confirm.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/page_time.h"
#include "http/pager.h"
#include "http/session_table.h"
#include "store/store.h"
#include "ujikom/person_name.h"

#define ADMIN_LIST_LIMIT 100

/* The path of account id's page (and the prefix of its actions' paths). */
static void user_path(char *out, size_t len, int64_t id) {
  snprintf(out, len, "/admin/users/%" PRId64, id);
}

/* Where a confirmation of one of account id's actions (its path's last part: verb) posts
 * (action without scripts, api with), comes back to on success (next, with the notice's
 * code) and on cancel (back: the account's page). */
struct confirm_paths {
  char action[64], api[80], next[96], back[48];
};

static void confirm_paths(struct confirm_paths *p, int64_t id, const char *verb,
                          const char *notice) {
  user_path(p->back, sizeof p->back, id);
  snprintf(p->action, sizeof p->action, "%s/%s", p->back, verb);
  snprintf(p->api, sizeof p->api, "/api%s", p->action);
  snprintf(p->next, sizeof p->next, "%s?notice=%s", p->back, notice);
}

/* The actions on one account: each irreversible one behind its confirmation page; a second
 * factor's reset only when the account has one (has_factor), ending its sessions only when
 * it has some and is not the administrator's own (who signs out with "Keluar"). */
static void account_actions(struct html *h, const struct req *r, const struct store_user *u,
                            bool has_factor, size_t sessions) {
  char href[96], aria[PERSON_NAME_SIZE + 160];
  if (sessions > 0 && u->id != r->user->id) {
    snprintf(href, sizeof href, "/admin/users/%" PRId64 "/sessions/end", u->id);
    snprintf(aria, sizeof aria, "%s: %s", L(r, "admin.end_sessions"), u->name);
    confirm_link(h, href, L(r, "admin.end_sessions"), aria);
  }
  if (accounts_may_disable(r->user->id, u)) {
    snprintf(href, sizeof href, "/admin/users/%" PRId64 "/disable", u->id);
    snprintf(aria, sizeof aria, "%s: %s", L(r, "admin.disable"), u->name);
    confirm_link(h, href, L(r, "admin.disable"), aria);
  }
  if (has_factor && !u->disabled && u->id != r->user->id) {
    snprintf(href, sizeof href, "/admin/users/%" PRId64 "/2fa/reset", u->id);
    snprintf(aria, sizeof aria, "%s: %s", L(r, "admin.reset_2fa"), u->name);
    confirm_link(h, href, L(r, "admin.reset_2fa"), aria);
  }
  if (ROLE_CANDIDATE == u->role) {
    html_fmt(h, "<a class=\"button secondary\" href=\"/admin/users/%lld/extra-time\"",
             (long long)u->id);
    html_fmt(h, " aria-label=\"%s: %s\">%s</a>", L(r, "admin.plan_extra"), u->name,
             L(r, "admin.plan_extra"));
  }
  html_fmt(h, "<a class=\"button secondary\" href=\"/admin/users/%" PRId64 "/name\"", u->id);
  html_fmt(h, " aria-label=\"%s: %s\">%s</a>", L(r, "admin.rename"), u->name, L(r, "admin.rename"));
  html_fmt(h, "<a class=\"button secondary\" href=\"/admin/users/%" PRId64 "/email\"", u->id);
  html_fmt(h, " aria-label=\"%s: %s\">%s</a>", L(r, "admin.email_change"), u->name,
           L(r, "admin.email_change"));
  /* the person's data, for a request made to the LSP (common/personal_data.h) */
  html_fmt(h, "<a class=\"button secondary\" href=\"/api/admin/users/%" PRId64 "/data\" download",
           u->id);
  html_fmt(h, " aria-label=\"%s: %s\">%s</a>", L(r, "admin.personal_data"), u->name,
           L(r, "admin.personal_data"));
  if (recovery_may_issue(u)) {
    html_fmt(h, "<form method=\"post\" action=\"/admin/users/%" PRId64 "/reset-link\">", u->id);
    layout_csrf_field(h, r);
    html_fmt(h,
             "<button type=\"submit\" class=\"secondary\" aria-label=\"%s: %s\">%s</button>"
             "</form>",
             L(r, "reset.admin_button"), u->name, L(r, "reset.admin_button"));
  }
}

/* The account of the request's :id into *out (password hash wiped): false when answered
 * (no such account: 404; the store failed: 503/500). */
static bool page_user(struct req *r, struct store_user *out) {
  struct store_rd *rd = NULL;
  int64_t id = 0;
  memset(out, 0, sizeof *out);
  if (!reply_need_id(r, ERR_USER_NOT_FOUND, &id)) {
    return false;
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_user_by_id(rd, out, id);
  }
  store_rd_end(rd);
  memset(out->password_hash, 0, sizeof out->password_hash);
  if (STORE_NONE == rc) {
    reply_error(r, ERR_USER_NOT_FOUND, NULL);
    return false;
  }
  if (STORE_OK != rc) {
    layout_store_error(r, rc);
    return false;
  }
  return true;
}

/* The second factor of account u into *out (a candidate's: none, as only staff have one):
 * false when the store could not say (answered). */
static bool factor_state(struct req *r, const struct store_user *u, enum second_factor_state *out) {
  struct second_factor_status st = {0};
  int store_rc = STORE_OK;
  *out = SECOND_FACTOR_STATE_NONE;
  if (!second_factor_applies(u->role)) {
    return true;
  }
  enum second_factor_rc sfrc = second_factor_status_get(&st, r->svc, u->id, &store_rc);
  if (SECOND_FACTOR_OK != sfrc) {
    auth_second_factor_refused(r, sfrc, store_rc);
    return false;
  }
  *out = st.state;
  return true;
}

/* A fact of the account: the catalogue's term for key and the value as text. */
static void fact(struct html *h, const struct req *r, const char *key, const char *value) {
  html_fmt(h, "<dt>%s</dt><dd>", L(r, key));
  html_text(h, value);
  HTML_LIT(h, "</dd>");
}

/* A link of the account's records: path?name=value (and #fragment), its text the
 * catalogue's key; nothing when the value does not fit a link. */
static void record_link(struct html *h, const struct req *r, const char *path, const char *name,
                        const char *value, const char *fragment, const char *key) {
  char query[600], href[640];
  if (!pager_param_href(query, sizeof query, path, name, value)) {
    return;
  }
  int n = snprintf(href, sizeof href, "%s%s", query, fragment);
  if (n < 0 || (size_t)n >= sizeof href) {
    return;
  }
  HTML_LIT(h, "<li><a");
  html_attr(h, "href", href);
  html_fmt(h, ">%s</a></li>", L(r, key));
}

static const char *second_factor_key(enum second_factor_state state) {
  switch (state) {
  case SECOND_FACTOR_STATE_CONFIRMED:
    return "admin.user_2fa_on";
  case SECOND_FACTOR_STATE_PENDING:
    return "admin.user_2fa_pending";
  case SECOND_FACTOR_STATE_NONE:
  default:
    return "admin.user_2fa_none";
  }
}

/* GET /admin/users/:id: the account as recorded, the actions it allows and links to its
 * records. */
int h_page_admin_user(struct req *r) {
  struct store_user u;
  enum second_factor_state factor = SECOND_FACTOR_STATE_NONE;
  char when[40], subject[40], count[24];
  struct store_session_info *sessions = NULL;
  size_t nsessions = 0;
  struct store_rd *rd = NULL;
  if (!page_user(r, &u) || !factor_state(r, &u, &factor)) {
    return 0; /* answered */
  }
  struct store_sign_in *last = NULL; /* the latest sign-in or use, if any */
  size_t nlast = 0;
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_user_sessions(rd, &sessions, &nsessions, u.id, NULL, r->now_ms, AUTH_SESSIONS_MAX);
  }
  if (STORE_OK == rc) {
    rc = store_user_sign_ins(rd, &last, &nlast, u.id, 1);
  }
  store_rd_end(rd);
  int64_t last_ms = nlast > 0 ? last[0].last_ms : 0;
  free(last);
  if (STORE_OK != rc) {
    free(sessions);
    return layout_store_error(r, rc);
  }
  bool staff = second_factor_applies(u.role);
  /* the person's name in the heading and the window's title: several accounts open in
   * tabs are told apart */
  char title[PERSON_NAME_SIZE + 64];
  snprintf(title, sizeof title, "%s: %s", L(r, "admin.user_title"), u.name);
  struct html *h = layout_page_new_text(r, title, "static/staff.js");
  if (NULL == h) {
    free(sessions);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  HTML_LIT(h, "<dl class=\"facts\" id=\"account-facts\">");
  fact(h, r, "admin.name", u.name);
  fact(h, r, "admin.email", u.email);
  fact(h, r, "admin.role", layout_role_text(r, u.role));
  fact(h, r, "page.status", L(r, u.disabled ? "admin.disabled" : "admin.active"));
  page_time(when, sizeof when, u.created_ms, page_zone(r), false);
  fact(h, r, "admin.user_created", when);
  if (staff) {
    fact(h, r, "admin.user_2fa", L(r, second_factor_key(factor)));
  }
  if (last_ms > 0) {
    page_time(when, sizeof when, last_ms, page_zone(r), false);
  }
  fact(h, r, "admin.user_last_used", last_ms > 0 ? when : L(r, "admin.user_never_used"));
  snprintf(count, sizeof count, "%zu", nsessions);
  fact(h, r, "admin.user_sessions", count);
  html_fmt(h,
           "</dl><section aria-labelledby=\"u-actions\"><h2 id=\"u-actions\">%s</h2>"
           "<div class=\"row-actions\">",
           L(r, "page.actions"));
  account_actions(h, r, &u, SECOND_FACTOR_STATE_NONE != factor, nsessions);
  HTML_LIT(h, "</div></section>");
  if (nsessions > 0) {
    /* where the account is signed in: a device its holder would not use stands out */
    html_fmt(h,
             "<section aria-labelledby=\"u-sessions\" id=\"account-sessions\"><h2 "
             "id=\"u-sessions\">%s</h2>",
             L(r, "sessions.title"));
    session_table(h, r, sessions, nsessions, NULL, false);
    HTML_LIT(h, "</section>");
  }
  free(sessions);
  html_fmt(h, "<section aria-labelledby=\"u-records\"><h2 id=\"u-records\">%s</h2><ul>",
           L(r, "admin.user_records"));
  if (ROLE_CANDIDATE == u.role) {
    record_link(h, r, "/admin", "aq", u.email, "#s-attempts", "admin.user_attempts");
    record_link(h, r, "/admin", "cq", u.name, "#s-certs", "admin.user_certificates");
  }
  snprintf(subject, sizeof subject, "user:%" PRId64, u.id);
  record_link(h, r, "/admin/audit", "subject", subject, "", "admin.user_audit_about");
  if (ROLE_CANDIDATE != u.role) {
    record_link(h, r, "/admin/audit", "actor", u.email, "", "admin.user_audit_by");
  }
  HTML_LIT(h, "</ul></section>");
  return layout_reply_with_back(r, h, "/admin#s-accounts");
}

/* A free-text reason field of a confirmation (required or not). */
static void reason_field(struct html *h, const struct req *r, const void *ctx) {
  const bool *required = ctx;
  admin_input(h, "text", "reason", L(r, "admin.reason"), "confirm", *required);
}

/* GET /admin/users/:id/disable: what disabling the account does, and the form doing it. */
int h_page_admin_disable_confirm(struct req *r) {
  struct store_user u;
  struct confirm_paths p;
  static const bool optional = false;
  if (!page_user(r, &u)) {
    return 0; /* answered */
  }
  if (!accounts_may_disable(r->user->id, &u)) {
    return reply_error(r, u.id == r->user->id ? ERR_CANNOT_DISABLE_SELF : ERR_CONFLICT,
                       "The account is disabled already.");
  }
  confirm_paths(&p, u.id, "disable", "user_disabled");
  const struct confirm c = {.title_key = "confirm.disable_title",
                            .what_key = "confirm.disable_what",
                            .name = u.name,
                            .action = p.action,
                            .api = p.api,
                            .next = p.next,
                            .back = p.back,
                            .button_key = "confirm.disable_button",
                            .fields = reason_field,
                            .ctx = &optional};
  return confirm_page(r, &c);
}

/* GET /admin/users/:id/sessions/end: what ending an account's sessions does. */
int h_page_admin_end_sessions_confirm(struct req *r) {
  struct store_user u;
  struct confirm_paths p;
  if (!page_user(r, &u)) {
    return 0; /* answered */
  }
  confirm_paths(&p, u.id, "sessions/end", "user_sessions_ended");
  const struct confirm c = {.title_key = "confirm.end_sessions_title",
                            .what_key = "confirm.end_sessions_what",
                            .name = u.name,
                            .action = p.action,
                            .api = p.api,
                            .next = p.next,
                            .back = p.back,
                            .button_key = "confirm.end_sessions_button"};
  return confirm_page(r, &c);
}

/* GET /admin/users/:id/2fa/reset: what removing a staff member's second factor does. */
int h_page_admin_2fa_reset_confirm(struct req *r) {
  struct store_user u;
  struct confirm_paths p;
  enum second_factor_state state = SECOND_FACTOR_STATE_NONE;
  if (!page_user(r, &u)) {
    return 0; /* answered */
  }
  if (u.id == r->user->id) {
    return reply_error(r, ERR_SECOND_FACTOR_OWN, NULL);
  }
  if (!factor_state(r, &u, &state)) {
    return 0; /* answered */
  }
  if (SECOND_FACTOR_STATE_NONE == state) {
    return reply_error(r, ERR_SECOND_FACTOR_NONE, NULL);
  }
  confirm_paths(&p, u.id, "2fa/reset", "second_factor_reset");
  const struct confirm c = {.title_key = "confirm.reset_2fa_title",
                            .what_key = "confirm.reset_2fa_what",
                            .name = u.name,
                            .action = p.action,
                            .api = p.api,
                            .next = p.next,
                            .back = p.back,
                            .button_key = "confirm.reset_2fa_button"};
  return confirm_page(r, &c);
}

/* The grants of a candidate, each with a form removing it. */
static void planned_list(struct html *h, const struct req *r, const struct store_user *u,
                         const struct store_planned_time *p, size_t n, const char *action,
                         const char *api, const char *next, enum time_zone zone) {
  static const char *const cols[] = {"review.exam", "admin.minutes", "admin.reason", "page.date",
                                     "page.actions"};
  if (0 == n) {
    html_fmt(h, "<p>%s</p>", L(r, "admin.plan_none"));
    return;
  }
  layout_table_begin(h, r, false, cols, sizeof cols / sizeof cols[0]);
  for (size_t i = 0; i < n; i++) {
    const struct exam *ex =
        NULL == r->svc->catalog ? NULL : catalog_current(r->svc->catalog, p[i].exam_id);
    char when[40];
    page_time(when, sizeof when, p[i].created_ms, zone, false);
    HTML_LIT(h, "<tr><td>");
    html_text(h, NULL != ex ? ex->title : p[i].exam_id);
    html_fmt(h, "</td><td>%lld</td><td>", (long long)p[i].minutes);
    html_text(h, p[i].reason);
    html_fmt(h, "</td><td>%s</td><td>", when);
    layout_action_form(h, r, action, api, next);
    html_hidden(h, "exam", p[i].exam_id);
    HTML_LIT(h, "<input type=\"hidden\" name=\"#minutes\" value=\"0\">");
    html_fmt(h, "<button type=\"submit\" class=\"secondary\" aria-label=\"%s: %s, ",
             L(r, "admin.plan_remove"), u->name);
    html_text(h, NULL != ex ? ex->title : p[i].exam_id);
    html_fmt(h, "\">%s</button></form></td></tr>", L(r, "admin.plan_remove"));
  }
  HTML_LIT(h, "</tbody></table></div>");
}

/* A form that corrects one field of an account with a reason (POST through the API route
 * of the same path under /api), the value as recorded filled in. */
struct correction {
  const char *field;      /* the path's last segment and the field's name: "name", "email" */
  const char *input_type; /* "text", "email" */
  const char *maxlength;
  const char *label_key;
  const char *prefix; /* of the catalogue keys: <prefix>_title, _intro, _reason, _hint, _save */
  const char *notice; /* the success notice's code */
  const char *id;     /* of the intro paragraph and (f-<field>-<id>) of the input */
};

static int correction_page(struct req *r, const struct correction *c,
                           const char *(*value)(const struct store_user *)) {
  struct store_user u;
  char action[64], api[80], next[96], key[48], input_id[48], back[48];
  int ret = 0;
  if (!page_user(r, &u)) {
    return 0; /* answered */
  }
  snprintf(key, sizeof key, "%s_title", c->prefix);
  struct html *h = layout_page_open(r, STORE_OK, key, "static/staff.js", &ret);
  if (NULL == h) {
    return ret;
  }
  snprintf(action, sizeof action, "/admin/users/%" PRId64 "/%s", u.id, c->field);
  snprintf(api, sizeof api, "/api%s", action);
  snprintf(next, sizeof next, "%s?notice=%s", action, c->notice);
  snprintf(key, sizeof key, "%s_intro", c->prefix);
  html_fmt(h, "<p id=\"%s-current\">", c->id);
  html_text_sub(h, L(r, key), "name", u.name, "email", u.email, NULL);
  HTML_LIT(h, "</p><div class=\"card\">");
  layout_action_form(h, r, action, api, next);
  snprintf(input_id, sizeof input_id, "f-%s-%s", c->field, c->id);
  html_fmt(h, "<label for=\"%s\">%s</label><input", input_id, L(r, c->label_key));
  html_attr(h, "type", c->input_type);
  html_attr(h, "id", input_id);
  html_attr(h, "name", c->field);
  html_fmt(h, " required autocomplete=\"off\" maxlength=\"%s\"", c->maxlength);
  html_attr(h, "value", value(&u));
  HTML_LIT(h, ">");
  snprintf(key, sizeof key, "%s_reason", c->prefix);
  admin_input(h, "text", "reason", L(r, key), c->id, true);
  snprintf(key, sizeof key, "%s_hint", c->prefix);
  html_fmt(h, "<p class=\"hint\">%s</p>", L(r, key));
  snprintf(key, sizeof key, "%s_save", c->prefix);
  html_fmt(h, "<p><button type=\"submit\">%s</button></p></form></div>", L(r, key));
  user_path(back, sizeof back, u.id);
  return layout_reply_with_back(r, h, back);
}

static const char *user_name(const struct store_user *u) {
  return u->name;
}

static const char *user_email(const struct store_user *u) {
  return u->email;
}

/* GET /admin/users/:id/name: the form that corrects an account's name (POST through
 * h_admin_users_name, accounts_rename), with the name as recorded. */
int h_page_admin_rename(struct req *r) {
  static const struct correction c = {"name",         "text",           "800",   "auth.name",
                                      "admin.rename", "name_corrected", "rename"};
  return correction_page(r, &c, user_name);
}

/* GET /admin/users/:id/email: the form that corrects an account's e-mail address (POST
 * through h_admin_users_email, email_change_by_admin), with the address as recorded. */
int h_page_admin_email(struct req *r) {
  static const struct correction c = {"email",       "email",           "254",  "auth.email",
                                      "admin.email", "email_corrected", "email"};
  return correction_page(r, &c, user_email);
}

/* GET /admin/users/:id/extra-time: a candidate's extra time planned per exam, and the form
 * planning more. */
int h_page_admin_extra_time(struct req *r) {
  struct store_user u;
  struct store_rd *rd = NULL;
  struct store_planned_time *plans = NULL;
  size_t nplans = 0;
  const struct exam **exams = NULL;
  size_t nexams = 0;
  char action[64], api[80], next[96], back[48];
  int ret = 0;
  if (!page_user(r, &u)) {
    return 0; /* answered */
  }
  if (ROLE_CANDIDATE != u.role) {
    return reply_error(r, ERR_INVALID_FIELD, "Extra time is planned for candidates.");
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_planned_time_list(rd, &plans, &nplans, u.id, ADMIN_LIST_LIMIT);
  }
  store_rd_end(rd);
  struct html *h = layout_page_open(r, rc, "admin.plan_title", "static/staff.js", &ret);
  if (NULL == h) {
    goto cleanup;
  }
  snprintf(action, sizeof action, "/admin/users/%" PRId64 "/extra-time", u.id);
  snprintf(api, sizeof api, "/api/admin/users/%" PRId64 "/extra-time", u.id);
  HTML_LIT(h, "<p>");
  html_text_sub(h, L(r, "admin.plan_intro"), "name", u.name, "email", u.email, NULL);
  HTML_LIT(h, "</p>");
  snprintf(next, sizeof next, "%s?notice=extra_time_removed", action);
  planned_list(h, r, &u, plans, nplans, action, api, next, page_zone(r));
  snprintf(next, sizeof next, "%s?notice=extra_time_planned", action);
  HTML_LIT(h, "<div class=\"card\"><h2>");
  html_text(h, L(r, "admin.plan_new"));
  HTML_LIT(h, "</h2>");
  layout_action_form(h, r, action, api, next);
  html_fmt(h,
           "<label for=\"f-exam-plan\">%s</label><select id=\"f-exam-plan\" name=\"exam\" "
           "required>",
           L(r, "review.exam"));
  if (NULL != r->svc->catalog && 0 == catalog_list(r->svc->catalog, &exams, &nexams)) {
    for (size_t i = 0; i < nexams; i++) {
      HTML_LIT(h, "<option");
      html_attr(h, "value", exams[i]->id);
      HTML_LIT(h, ">");
      html_text(h, exams[i]->title);
      HTML_LIT(h, "</option>");
    }
  }
  HTML_LIT(h, "</select>");
  admin_input(h, "number", "#minutes", L(r, "admin.minutes"), "plan", true);
  admin_input(h, "text", "reason", L(r, "admin.reason"), "plan", true);
  html_fmt(h, "<p class=\"hint\">%s</p><p><button type=\"submit\">%s</button></p></form></div>",
           L(r, "admin.plan_hint"), L(r, "admin.plan_save"));
  user_path(back, sizeof back, u.id);
  ret = layout_reply_with_back(r, h, back);
cleanup:
  free(exams);
  store_planned_time_list_free(plans, nplans);
  return ret;
}
