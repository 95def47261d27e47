/*
 * The administrator's page: accounts (search, paging, create assessors and admins; each
 * name leads to the account's own page, h_page_admin_user.c, which holds its actions),
 * attempts (search, paging, extra time for an attempt in progress, the review sheet), open
 * appeals with assignment, certificates with revocation, links to the item analysis per
 * scheme, the complaints (with how many wait) and the audit log, the signing keys.
 * Every action is a form that acts through the admin JSON API; an irreversible one asks
 * first (confirm.h) and every one comes back with a success notice (layout_notice). Which
 * actions a row offers (assign an appeal to an assessor) the reviews module decides.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/accounts.h"
#include "common/attempts.h"
#include "common/catalog.h"
#include "common/complaints.h"
#include "common/keystore.h"
#include "common/reviews.h"
#include "http/auth.h"
#include "http/confirm.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/page_time.h"
#include "http/pager.h"
#include "store/store.h"
#include "ujikom/cert.h"
#include "ujikom/person_name.h"
#include "ujikom/token.h"

/* Rows per page of the accounts, attempts, appeals and certificates lists. */
#define ADMIN_PAGE_SIZE 50

/* Opens a section with its heading: <section> labelled by the <h2> with the given id. */
static void section_begin(struct html *h, const struct req *r, const char *id,
                          const char *title_key) {
  html_fmt(h, "<section aria-labelledby=\"%s\"><h2 id=\"%s\">%s</h2>", id, id, L(r, title_key));
}

/* A section holding a table: its id, heading, whether the rows are numbered (a "#" column
 * first) and the catalogue keys of its columns, up to a NULL. */
struct table_section {
  const char *id;
  const char *title_key;
  bool numbered;
  const char *cols[8];
};

static const struct table_section accounts_table = {
    "s-accounts",
    "admin.accounts",
    true,
    {"admin.name", "admin.email", "admin.role", "page.status", NULL}};
static const struct table_section attempts_table = {"s-attempts",
                                                    "admin.attempts",
                                                    false,
                                                    {"admin.attempt", "review.candidate",
                                                     "review.exam", "page.status", "me.result",
                                                     "page.actions", NULL}};
static const struct table_section certs_table = {
    "s-certs",
    "admin.certificates",
    false,
    {"me.cert_serial", "admin.holder", "review.exam", "page.status", "page.actions", NULL}};

/* The opening of a table (after its section's heading), up to the opened <tbody>. */
static void table_begin(struct html *h, const struct req *r, const struct table_section *t) {
  size_t ncols = 0;
  while (NULL != t->cols[ncols]) {
    ncols++;
  }
  layout_table_begin(h, r, t->numbered, t->cols, ncols);
}

void admin_input(struct html *h, const char *type, const char *name, const char *label,
                 const char *suffix, bool required) {
  char id[128];
  snprintf(id, sizeof(id), "f-%s-%s", '#' == name[0] ? name + 1 : name, suffix);
  html_fmt(h, "<label for=\"%s\">", id);
  html_text(h, label);
  HTML_LIT(h, "</label><input");
  html_attr(h, "type", type);
  html_attr(h, "id", id);
  html_attr(h, "name", name);
  if (required) {
    HTML_LIT(h, " required");
  }
  HTML_LIT(h, ">");
}

/* A search field of a list's filter form, showing the request's value. */
static void search_input(struct html *h, const struct req *r, const char *name,
                         const char *label_key) {
  html_fmt(h, "<p><label for=\"q-%s\">%s</label><input type=\"search\" id=\"q-%s\"", name,
           L(r, label_key), name);
  html_attr(h, "name", name);
  html_attr(h, "value", pager_query(r, name));
  HTML_LIT(h, " maxlength=\"100\"></p>");
}

/* A choice of a list's filter form: "all" and the given values with their catalogue keys
 * (value, key, ..., NULL), the request's value selected. */
static void search_select(struct html *h, const struct req *r, const char *name,
                          const char *label_key, const char *const *choices) {
  const char *cur = pager_query(r, name);
  html_fmt(h, "<p><label for=\"q-%s\">%s</label><select id=\"q-%s\"", name, L(r, label_key), name);
  html_attr(h, "name", name);
  html_fmt(h, "><option value=\"\">%s</option>", L(r, "admin.filter_all"));
  for (size_t i = 0; NULL != choices[i]; i += 2) {
    HTML_LIT(h, "<option");
    html_attr(h, "value", choices[i]);
    if (NULL != cur && 0 == strcmp(cur, choices[i])) {
      HTML_LIT(h, " selected");
    }
    HTML_LIT(h, ">");
    html_text(h, L(r, choices[i + 1]));
    HTML_LIT(h, "</option>");
  }
  HTML_LIT(h, "</select></p>");
}

/* A choice filter of the request: the index of its value among choices (value, catalogue
 * key, ..., NULL; the index counts pairs) into *out, -1 when unset; false, with 400 answered
 * naming the values, when it is none of them. */
static bool search_choice(struct req *r, const char *name, const char *const *choices, int *out) {
  const char *v = pager_query(r, name);
  char msg[160];
  size_t len = 0;
  *out = -1;
  if (NULL == v) {
    return true;
  }
  for (size_t i = 0; NULL != choices[2 * i]; i++) {
    if (0 == strcmp(v, choices[2 * i])) {
      *out = (int)i;
      return true;
    }
  }
  int n = snprintf(msg, sizeof msg, "%s: one of", name);
  len = n > 0 ? (size_t)n : 0;
  for (size_t i = 0; NULL != choices[2 * i] && len < sizeof msg; i++) {
    n = snprintf(msg + len, sizeof msg - len, " %s", choices[2 * i]);
    len += n > 0 ? (size_t)n : 0;
  }
  reply_error(r, ERR_INVALID_FIELD, msg);
  return false;
}

/* Opens a list's section with the opening of its filter form (a GET of /admin that comes
 * back to the section), named by label_key. */
static void search_begin(struct html *h, const struct req *r, const struct table_section *t,
                         const char *label_key) {
  section_begin(h, r, t->id, t->title_key);
  html_fmt(h, "<form method=\"get\" action=\"/admin#%s\" class=\"filters\" role=\"search\"", t->id);
  html_attr(h, "aria-label", L(r, label_key));
  HTML_LIT(h, ">");
}

/* The end of a filter form (its button, and a link that clears the filters), how many rows
 * are shown, and the opening of the list's table. */
static void search_end(struct html *h, const struct req *r, const struct table_section *t,
                       size_t shown) {
  char n[24];
  html_fmt(h, "<p class=\"actions\"><button type=\"submit\" class=\"secondary\">%s</button> ",
           L(r, "admin.search"));
  html_fmt(h, "<a href=\"/admin#%s\">%s</a></p></form>", t->id, L(r, "admin.search_clear"));
  snprintf(n, sizeof n, "%zu", shown);
  HTML_LIT(h, "<p class=\"hint\" role=\"status\">");
  html_text_sub(h, L(r, 0 == shown ? "admin.none_found" : "admin.shown"), "n", n, NULL);
  HTML_LIT(h, "</p>");
  table_begin(h, r, t);
}

/* ------------------------------------------------------------------------------------ */
/* accounts */

static const char *const account_filters[] = {"uq", "urole", "ustate", NULL};
static const struct pager accounts_pager = {"/admin", account_filters, "uafter", "s-accounts"};

/* The choices of the accounts' filters (value, catalogue key); a state's index is the
 * store's disabled flag. */
static const char *const account_roles[] = {
    "candidate", "role.candidate", "assessor", "role.assessor", "admin", "role.admin", NULL};
static const char *const account_states[] = {"active", "admin.state_active", "disabled",
                                             "admin.state_disabled", NULL};

/* The accounts filter of the request: false (an error answered) when a value is not one of
 * the choices. */
struct account_query {
  struct store_user_filter f;
  enum role role;
  int64_t after;
};

static bool parse_account_query(struct req *r, struct account_query *q) {
  int role = -1;
  memset(q, 0, sizeof *q);
  if (!pager_text(r, "uq", &q->f.text) || !pager_cursor(r, "uafter", &q->after) ||
      !search_choice(r, "urole", account_roles, &role) ||
      !search_choice(r, "ustate", account_states, &q->f.disabled)) {
    return false; /* answered */
  }
  if (role >= 0 && role_parse(account_roles[2 * (size_t)role], &q->role)) {
    q->f.role = &q->role;
  }
  if (q->f.disabled < 0) {
    q->f.disabled = STORE_USER_ANY;
  }
  return true;
}

static void section_accounts(struct html *h, const struct req *r, const struct store_user *u,
                             size_t n, int64_t next) {
  search_begin(h, r, &accounts_table, "admin.search_accounts");
  search_input(h, r, "uq", "admin.search_text");
  search_select(h, r, "urole", "admin.role", account_roles);
  search_select(h, r, "ustate", "page.status", account_states);
  search_end(h, r, &accounts_table, n);
  for (size_t i = 0; i < n; i++) {
    /* the name leads to the account's page, which holds its actions */
    html_fmt(h, "<tr><td>%lld</td><td><a href=\"/admin/users/%lld\">", (long long)u[i].id,
             (long long)u[i].id);
    html_text(h, u[i].name);
    HTML_LIT(h, "</a></td><td>");
    html_text(h, u[i].email);
    HTML_LIT(h, "</td><td>");
    html_text(h, layout_role_text(r, u[i].role));
    HTML_LIT(h, "</td><td>");
    html_text(h, L(r, u[i].disabled ? "admin.disabled" : "admin.active"));
    HTML_LIT(h, "</td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div>");
  pager_nav(h, r, &accounts_pager, next, "admin.accounts_pages");
  HTML_LIT(h, "<div class=\"card\"><h3>");
  html_text(h, L(r, "admin.create_user"));
  HTML_LIT(h, "</h3>");
  layout_action_form(h, r, "/admin/users", "/api/admin/users",
                     "/admin?notice=user_created#s-accounts");
  admin_input(h, "text", "name", L(r, "admin.name"), "new", true);
  admin_input(h, "email", "email", L(r, "admin.email"), "new", true);
  admin_input(h, "password", "password", L(r, "admin.password"), "new", true);
  layout_script(h, "static/password.js");
  html_fmt(h,
           "<label for=\"f-role-new\">%s</label><select id=\"f-role-new\" name=\"role\">"
           "<option value=\"assessor\">%s</option><option value=\"admin\">%s</option></select>",
           L(r, "admin.role"), L(r, "role.assessor"), L(r, "role.admin"));
  html_fmt(h, "<p><button type=\"submit\">%s</button></p></form></div></section>",
           L(r, "admin.create"));
}

/* ------------------------------------------------------------------------------------ */
/* attempts */

static const char *const attempt_filters[] = {"aq", "astatus", NULL};
static const struct pager attempts_pager = {"/admin", attempt_filters, "abefore", "s-attempts"};

/* The choices of the attempts' status filter (value, catalogue key). */
static const char *const attempt_statuses[] = {
    "open",   "me.status_open",   "submitted", "me.status_submitted",
    "closed", "me.status_closed", NULL};

struct attempt_query {
  struct store_attempt_filter f;
  enum attempt_status status;
  int64_t before;
};

static bool parse_attempt_query(struct req *r, struct attempt_query *q) {
  int status = -1;
  memset(q, 0, sizeof *q);
  if (!pager_text(r, "aq", &q->f.candidate) || !pager_cursor(r, "abefore", &q->before) ||
      !search_choice(r, "astatus", attempt_statuses, &status)) {
    return false; /* answered */
  }
  if (status >= 0 && attempt_status_parse(attempt_statuses[2 * (size_t)status], &q->status)) {
    q->f.status = &q->status;
  }
  return true;
}

/* The extra-time form of an open attempt, or the link to a finished one's review sheet. */
static void attempt_actions(struct html *h, const struct req *r, const struct store_attempt *a) {
  if (ATTEMPT_OPEN != a->status) {
    html_fmt(h, "<a href=\"/review/%lld\">", (long long)a->id);
    html_text(h, L(r, "admin.view_sheet"));
    HTML_LIT(h, "</a>");
    return;
  }
  char action[64], api[80], suffix[24];
  snprintf(action, sizeof(action), "/admin/attempts/%" PRId64 "/extra-time", a->id);
  snprintf(api, sizeof(api), "/api/admin/attempts/%" PRId64 "/extra-time", a->id);
  snprintf(suffix, sizeof(suffix), "%" PRId64, a->id);
  layout_action_form(h, r, action, api, "/admin?notice=extra_time#s-attempts");
  admin_input(h, "number", "#minutes", L(r, "admin.minutes"), suffix, true);
  admin_input(h, "text", "reason", L(r, "admin.reason"), suffix, true);
  HTML_LIT(h, "<button type=\"submit\" class=\"secondary\">");
  html_text(h, L(r, "admin.grant"));
  HTML_LIT(h, "</button></form>");
}

static void section_attempts(struct html *h, const struct req *r, struct store_rd *rd,
                             const struct store_attempt *a, size_t n, int64_t next,
                             enum time_zone zone) {
  search_begin(h, r, &attempts_table, "admin.search_attempts");
  search_input(h, r, "aq", "admin.search_candidate");
  search_select(h, r, "astatus", "page.status", attempt_statuses);
  search_end(h, r, &attempts_table, n);
  for (size_t i = 0; i < n; i++) {
    struct store_user cand;
    memset(&cand, 0, sizeof(cand));
    if (STORE_OK != store_user_by_id(rd, &cand, a[i].user_id)) {
      snprintf(cand.name, sizeof(cand.name), "#%" PRId64, a[i].user_id);
    }
    memset(cand.password_hash, 0, sizeof(cand.password_hash));
    html_fmt(h, "<tr><td>#%lld</td><td>", (long long)a[i].id);
    html_text(h, cand.name);
    HTML_LIT(h, "</td><td>");
    html_text(h, attempts_exam_title(r->svc, &a[i]));
    HTML_LIT(h, "</td><td>");
    html_text(h, layout_status_text(r, a[i].status));
    if (ATTEMPT_OPEN == a[i].status) {
      char when[40];
      page_time(when, sizeof(when), a[i].deadline_ms, zone, false);
      html_fmt(h, "<br><span class=\"hint\">%s: %s</span>", L(r, "me.deadline"), when);
    }
    HTML_LIT(h, "</td><td>");
    html_text(h, layout_verdict_text(r, a[i].verdict));
    HTML_LIT(h, "</td><td>");
    attempt_actions(h, r, &a[i]);
    HTML_LIT(h, "</td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div>");
  pager_nav(h, r, &attempts_pager, next, "admin.attempts_pages");
  HTML_LIT(h, "</section>");
}

/* ------------------------------------------------------------------------------------ */
/* appeals */

/* The candidate, exam and dates of the attempt an appeal is against, as a list of terms. */
static void appeal_details(struct html *h, const struct req *r, struct store_rd *rd,
                           const struct store_appeal *ap, enum time_zone zone) {
  struct store_user cand;
  struct store_attempt att;
  char filed[40], finished[40];
  memset(&cand, 0, sizeof cand);
  memset(&att, 0, sizeof att);
  if (STORE_OK != store_user_by_id(rd, &cand, ap->candidate_id)) {
    snprintf(cand.name, sizeof cand.name, "#%" PRId64, ap->candidate_id);
  }
  memset(cand.password_hash, 0, sizeof cand.password_hash);
  bool have_attempt = STORE_OK == store_attempt_get_brief(rd, &att, ap->attempt_id);
  page_time(filed, sizeof filed, ap->created_ms, zone, false);
  page_time(finished, sizeof finished, have_attempt ? att.finished_ms : 0, zone, false);
  html_fmt(h, "<dl class=\"facts\"><dt>%s</dt><dd>", L(r, "review.candidate"));
  html_text(h, cand.name);
  html_fmt(h, "</dd><dt>%s</dt><dd>", L(r, "review.exam"));
  html_text(h, have_attempt ? attempts_exam_title(r->svc, &att) : "—");
  html_fmt(h, "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
           L(r, "admin.appeal_finished"), finished, L(r, "admin.appeal_filed"), filed,
           L(r, "page.status"), layout_appeal_text(r, ap->status));
  store_attempt_clear(&att);
}

/* The assignment form of an appeal, or why it has no assessor to offer. */
static void appeal_assign(struct html *h, const struct req *r, const struct store_appeal *ap,
                          const struct store_user *assessors, size_t nassessors) {
  size_t eligible = 0, active = 0;
  for (size_t k = 0; k < nassessors; k++) {
    active += assessors[k].disabled ? 0 : 1;
    if (REVIEWS_OK == reviews_may_assign(&assessors[k], ap)) {
      eligible++;
    }
  }
  if (0 == eligible) {
    HTML_LIT(h, "<p class=\"notice warn\">");
    html_text(h, L(r, 0 == active ? "admin.no_assessors" : "admin.no_other_assessor"));
    HTML_LIT(h, " <a href=\"/admin#s-accounts\">");
    html_text(h, L(r, "admin.create_user"));
    HTML_LIT(h, "</a></p>");
    return;
  }
  char suffix[24], action[64], api[80];
  snprintf(suffix, sizeof(suffix), "a%" PRId64, ap->id);
  snprintf(action, sizeof(action), "/admin/appeals/%" PRId64 "/assign", ap->id);
  snprintf(api, sizeof(api), "/api/admin/appeals/%" PRId64 "/assign", ap->id);
  layout_action_form(h, r, action, api, "/admin?notice=appeal_assigned#s-appeals");
  html_fmt(h, "<label for=\"f-assessor-%s\">", suffix);
  html_text(h, L(r, "admin.assign_to"));
  html_fmt(h, "</label><select name=\"#assessor_id\" id=\"f-assessor-%s\" required>", suffix);
  for (size_t k = 0; k < nassessors; k++) {
    if (REVIEWS_OK != reviews_may_assign(&assessors[k], ap)) {
      continue;
    }
    html_fmt(h, "<option value=\"%lld\"", (long long)assessors[k].id);
    if (assessors[k].id == ap->assessor_id) {
      HTML_LIT(h, " selected");
    }
    HTML_LIT(h, ">");
    html_text(h, assessors[k].name);
    HTML_LIT(h, "</option>");
  }
  HTML_LIT(h, "</select> <button type=\"submit\" class=\"secondary\">");
  html_text(h, L(r, "admin.assign"));
  HTML_LIT(h, "</button></form>");
}

static const struct pager appeals_pager = {"/admin", NULL, "pafter", "s-appeals"};

/* The appeals still to be decided, oldest first, a page at a time; next: the id the next
 * page starts after, or 0. */
static void section_appeals(struct html *h, const struct req *r, struct store_rd *rd,
                            const struct store_appeal *ap, size_t n, int64_t next,
                            const struct store_user *assessors, size_t nassessors,
                            enum time_zone zone) {
  section_begin(h, r, "s-appeals", "admin.appeals");
  size_t shown = 0;
  for (size_t i = 0; i < n; i++) {
    if (APPEAL_DECIDED == ap[i].status) {
      continue;
    }
    shown++;
    html_fmt(h, "<div class=\"card appeal\" id=\"appeal-%lld\"><h3>%s #%lld</h3>",
             (long long)ap[i].id, L(r, "admin.attempt"), (long long)ap[i].attempt_id);
    appeal_details(h, r, rd, &ap[i], zone);
    html_fmt(h, "<p><strong>%s:</strong></p><p class=\"prompt\">", L(r, "admin.appeal_reason"));
    html_text(h, ap[i].reason);
    HTML_LIT(h, "</p>");
    appeal_assign(h, r, &ap[i], assessors, nassessors);
    HTML_LIT(h, "</div>");
  }
  if (0 == shown) {
    html_fmt(h, "<p>%s</p>", L(r, "admin.no_appeals"));
  }
  pager_nav(h, r, &appeals_pager, next, "admin.appeals_pages");
  HTML_LIT(h, "</section>");
}

/* ------------------------------------------------------------------------------------ */
/* certificates */

/* A certificate action behind its confirmation page: revoke, suspend or reinstate. */
struct cert_action {
  const char *verb;       /* the path's last segment, as in the API */
  const char *label_key;  /* the link's words */
  const char *reason_key; /* the reason field's label */
  const char *title_key, *what_key, *button_key;
  const char *next; /* with the success notice */
};
static const struct cert_action cert_revoke = {"revoke",
                                               "admin.revoke",
                                               "admin.revoke_reason",
                                               "confirm.revoke_title",
                                               "confirm.revoke_what",
                                               "confirm.revoke_button",
                                               "/admin?notice=certificate_revoked#s-certs"};
static const struct cert_action cert_suspend = {"suspend",
                                                "admin.suspend",
                                                "admin.suspend_reason",
                                                "confirm.suspend_title",
                                                "confirm.suspend_what",
                                                "confirm.suspend_button",
                                                "/admin?notice=certificate_suspended#s-certs"};
static const struct cert_action cert_reinstate = {"reinstate",
                                                  "admin.reinstate",
                                                  "admin.reinstate_reason",
                                                  "confirm.reinstate_title",
                                                  "confirm.reinstate_what",
                                                  "confirm.reinstate_button",
                                                  "/admin?notice=certificate_reinstated#s-certs"};

static void cert_action_link(struct html *h, const struct req *r, const struct store_cert *c,
                             const struct cert_action *a) {
  char href[96], aria[PERSON_NAME_SIZE + 160];
  snprintf(href, sizeof href, "/admin/certificates/%s/%s", c->serial, a->verb);
  snprintf(aria, sizeof aria, "%s: %s (%s)", L(r, a->label_key), c->serial, c->holder);
  confirm_link(h, href, L(r, a->label_key), aria);
}

/* The actions on a certificate that is not revoked: revoke, and suspend or reinstate. */
static void cert_actions(struct html *h, const struct req *r, const struct store_cert *c) {
  if (0 == strcmp(c->status, STORE_CERT_REVOKED)) {
    return;
  }
  cert_action_link(h, r, c, &cert_revoke);
  cert_action_link(h, r, c,
                   0 == strcmp(c->status, STORE_CERT_SUSPENDED) ? &cert_reinstate : &cert_suspend);
}

static const char *const cert_filters[] = {"cq", "cstatus", NULL};
static const struct pager certs_pager = {"/admin", cert_filters, "cafter", "s-certs"};
static const char *const cert_statuses[] = {STORE_CERT_VALID,
                                            "admin.active",
                                            STORE_CERT_SUSPENDED,
                                            "me.cert_suspended",
                                            STORE_CERT_REVOKED,
                                            "me.cert_revoked",
                                            NULL};

/* The certificates filter of the request (text, status, the page's cursor): false (an error
 * answered) when a value is not one of the choices or the cursor is not a serial's shape. */
static bool parse_cert_query(struct req *r, struct store_cert_query *q) {
  int status = -1;
  memset(q, 0, sizeof *q);
  if (!pager_text(r, "cq", &q->text) || !search_choice(r, "cstatus", cert_statuses, &status)) {
    return false; /* answered */
  }
  q->status = status >= 0 ? cert_statuses[2 * (size_t)status] : NULL;
  return pager_serial_cursor(r, "cafter", &q->after_serial);
}

/* Every certificate ever issued, newest first, a page at a time, found by part of its
 * serial or its holder's name and by status: each with its verification page and actions.
 * next: the serial the next page starts after, or NULL. */
static void section_certificates(struct html *h, const struct req *r, const struct store_cert *c,
                                 size_t n, const char *next) {
  search_begin(h, r, &certs_table, "admin.search_certs");
  search_input(h, r, "cq", "admin.search_cert_text");
  search_select(h, r, "cstatus", "page.status", cert_statuses);
  search_end(h, r, &certs_table, n);
  for (size_t i = 0; i < n; i++) {
    bool revoked = 0 == strcmp(c[i].status, STORE_CERT_REVOKED);
    bool suspended = 0 == strcmp(c[i].status, STORE_CERT_SUSPENDED);
    HTML_LIT(h, "<tr><td>");
    html_fmt(h, "<a href=\"/verify?serial=%s\">%s</a></td><td>", c[i].serial, c[i].serial);
    html_text(h, c[i].holder);
    HTML_LIT(h, "</td><td>");
    const struct exam *ex =
        NULL == r->svc->catalog ? NULL : catalog_current(r->svc->catalog, c[i].exam_id);
    html_text(h, NULL != ex ? ex->title : c[i].exam_id); /* the exam by its title */
    HTML_LIT(h, "</td><td>");
    html_text(h, L(r, revoked     ? "me.cert_revoked"
                      : suspended ? "me.cert_suspended"
                                  : "admin.active"));
    if (revoked || suspended) {
      HTML_LIT(h, ": ");
      html_text(h, revoked ? c[i].revoked_reason : c[i].suspended_reason);
    }
    HTML_LIT(h, "</td><td class=\"row-actions\">");
    cert_actions(h, r, &c[i]);
    HTML_LIT(h, "</td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div>");
  pager_nav_text(h, r, &certs_pager, next, "admin.certs_pages");
  HTML_LIT(h, "</section>");
}

static void section_analysis_keys(struct html *h, const struct req *r) {
  section_begin(h, r, "s-analysis", "admin.analysis");
  html_fmt(h, "<p>%s</p><ul>", L(r, "admin.analysis_hint"));
  const struct exam **exams = NULL;
  size_t n = 0;
  if (NULL != r->svc->catalog && 0 == catalog_list(r->svc->catalog, &exams, &n)) {
    for (size_t i = 0; i < n; i++) {
      HTML_LIT(h, "<li><a");
      char href[96];
      snprintf(href, sizeof href, "/admin/analysis/%s", exams[i]->id);
      html_attr_url(h, "href", href);
      HTML_LIT(h, ">");
      html_text(h, exams[i]->title);
      HTML_LIT(h, "</a> <span class=\"hint\">");
      html_text(h, exams[i]->id);
      HTML_LIT(h, "</span></li>");
    }
  }
  free(exams);
  HTML_LIT(h, "</ul></section>");
  section_begin(h, r, "s-keys", "admin.keys");
  HTML_LIT(h, "<ul>");
  if (NULL != r->svc->keys) {
    size_t nk = 0;
    const struct token_pubkey *pk = keystore_public(r->svc->keys, &nk);
    for (size_t i = 0; NULL != pk && i < nk; i++) {
      html_fmt(h, "<li><code>%s</code> — ", pk[i].kid);
      html_text(h, L(r, 0 == i ? "admin.key_active" : "admin.key_old"));
      HTML_LIT(h, "</li>");
    }
  }
  HTML_LIT(h, "</ul><p><a href=\"/.well-known/jwks.json\">JWKS</a></p></section>");
  section_begin(h, r, "s-audit", "admin.audit");
  html_fmt(h, "<p>%s</p><p><a class=\"button secondary\" href=\"/admin/audit\">%s</a></p>",
           L(r, "admin.audit_hint"), L(r, "admin.audit_open"));
  HTML_LIT(h, "</section>");
}

/* The sections' link to the complaints, with how many wait to be taken (none said when they
 * cannot be counted: the queue itself then says why). */
static void complaints_link(struct html *h, const struct req *r) {
  int64_t counts[3] = {0, 0, 0};
  int store_rc = STORE_OK;
  char waiting[24];
  bool counted = COMPLAINTS_OK == complaints_counts(counts, r->svc, &store_rc);
  snprintf(waiting, sizeof waiting, "%" PRId64, counts[COMPLAINT_RECEIVED]);
  HTML_LIT(h, "<li><a href=\"/admin/complaints\" id=\"admin-complaints\"");
  html_attr(h, "data-received", counted ? waiting : NULL);
  HTML_LIT(h, ">");
  if (counted && counts[COMPLAINT_RECEIVED] > 0) {
    html_text_sub(h, L(r, "complaint.admin_link_waiting"), "n", waiting, NULL);
  } else {
    html_text(h, L(r, "complaint.admin_title"));
  }
  HTML_LIT(h, "</a></li>");
}

int h_page_admin(struct req *r) {
  struct store_rd *rd = NULL;
  struct store_user *users = NULL, *assessors = NULL;
  struct store_attempt *attempts = NULL;
  struct store_appeal *appeals = NULL;
  struct store_cert *certs = NULL;
  size_t nusers = 0, nassessors = 0, nattempts = 0, nappeals = 0, ncerts = 0;
  struct account_query uq;
  struct attempt_query aq;
  const enum role assessor = ROLE_ASSESSOR;
  struct html *h = NULL;
  int ret = 0;
  struct reviews_err err;
  int rc = STORE_OK;
  struct store_cert_query cq;
  int64_t appeals_after = 0, appeals_next = 0;
  if (!parse_account_query(r, &uq) || !parse_attempt_query(r, &aq) || !parse_cert_query(r, &cq) ||
      !pager_cursor(r, "pafter", &appeals_after)) {
    return 0; /* answered */
  }
  bool more_users = false, more_attempts = false, more_certs = false;
  if (ACCOUNTS_OK == accounts_search(&users, &nusers, &more_users, r->svc->store, &uq.f, uq.after,
                                     ADMIN_PAGE_SIZE, &rc) &&
      ACCOUNTS_OK == accounts_list(&assessors, &nassessors, r->svc->store, &assessor, &rc) &&
      REVIEWS_OK != reviews_appeal_list(&appeals, &nappeals, &appeals_next, r->svc, NULL, true,
                                        appeals_after, ADMIN_PAGE_SIZE, &err)) {
    rc = err.store_rc;
  }
  if (STORE_OK == rc) {
    rc = store_rd_begin(r->svc->store, &rd);
  }
  if (STORE_OK == rc) {
    rc = store_attempt_search(rd, &attempts, &nattempts, &aq.f, aq.before, ADMIN_PAGE_SIZE,
                              &more_attempts);
  }
  if (STORE_OK == rc) {
    rc = store_cert_list(rd, &certs, &ncerts, &cq, ADMIN_PAGE_SIZE, &more_certs);
  }
  enum time_zone zone = page_zone(r);
  h = layout_page_open(r, rc, "admin.title", "static/staff.js", &ret);
  if (NULL == h) {
    goto cleanup;
  }
  page_zone_form(h, r, zone, "/admin");
  HTML_LIT(h, "<nav class=\"toc\"");
  html_attr(h, "aria-label", L(r, "admin.sections"));
  HTML_LIT(h, "><ul>");
  html_fmt(h, "<li><a href=\"#s-accounts\">%s</a></li>", L(r, "admin.accounts"));
  html_fmt(h, "<li><a href=\"#s-attempts\">%s</a></li>", L(r, "admin.attempts"));
  html_fmt(h, "<li><a href=\"#s-appeals\">%s</a></li>", L(r, "admin.appeals"));
  html_fmt(h, "<li><a href=\"#s-certs\">%s</a></li>", L(r, "admin.certificates"));
  html_fmt(h, "<li><a href=\"#s-analysis\">%s</a></li>", L(r, "admin.analysis"));
  html_fmt(h, "<li><a href=\"#s-keys\">%s</a></li>", L(r, "admin.keys"));
  complaints_link(h, r);
  html_fmt(h, "<li><a href=\"/admin/audit\">%s</a></li>", L(r, "admin.audit"));
  html_fmt(h, "<li><a href=\"/admin/bank-soal\">%s</a></li>", L(r, "itembank.title"));
  HTML_LIT(h, "</ul></nav>");
  section_accounts(h, r, users, nusers, more_users ? users[nusers - 1].id : 0);
  section_attempts(h, r, rd, attempts, nattempts, more_attempts ? attempts[nattempts - 1].id : 0,
                   zone);
  section_appeals(h, r, rd, appeals, nappeals, appeals_next, assessors, nassessors, zone);
  section_certificates(h, r, certs, ncerts, more_certs ? certs[ncerts - 1].serial : NULL);
  section_analysis_keys(h, r);
  layout_end(h, r);
  ret = layout_reply(r, 200, h);
cleanup:
  store_rd_end(rd);
  store_user_list_free(users, nusers);
  store_user_list_free(assessors, nassessors);
  store_attempt_list_free(attempts, nattempts);
  store_appeal_list_free(appeals, nappeals);
  store_cert_list_free(certs, ncerts);
  return ret;
}

/* The reason field of a certificate action, labelled for it. */
static void cert_reason_field(struct html *h, const struct req *r, const void *ctx) {
  const struct cert_action *a = ctx;
  admin_input(h, "text", "reason", L(r, a->reason_key), "confirm", true);
}

/* GET /admin/certificates/:serial/<verb>: what the action does to the certificate, with the
 * reason asked; refused (409) when the certificate's status does not allow it. */
static int cert_confirm(struct req *r, const struct cert_action *a) {
  char serial[CERT_SERIAL_SIZE], action[96], api[96], name[PERSON_NAME_SIZE + 64];
  struct store_rd *rd = NULL;
  struct store_cert c;
  memset(&c, 0, sizeof c);
  if (0 != cert_serial_parse(serial, NULL, r->params[0])) {
    return reply_error(r, ERR_CERT_NOT_FOUND, NULL);
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_by_serial_brief(rd, &c, serial);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return reply_error(r, ERR_CERT_NOT_FOUND, NULL);
  }
  if (STORE_OK != rc) {
    return layout_store_error(r, rc);
  }
  snprintf(name, sizeof name, "%s (%s)", c.serial, c.holder);
  bool revoked = 0 == strcmp(c.status, STORE_CERT_REVOKED);
  bool suspended = 0 == strcmp(c.status, STORE_CERT_SUSPENDED);
  store_cert_clear(&c);
  if (revoked) {
    return reply_error(r, ERR_CERT_REVOKED_ALREADY, NULL);
  }
  if (&cert_suspend == a && suspended) {
    return reply_error(r, ERR_CERT_SUSPENDED_ALREADY, NULL);
  }
  if (&cert_reinstate == a && !suspended) {
    return reply_error(r, ERR_CERT_NOT_SUSPENDED, NULL);
  }
  snprintf(action, sizeof action, "/admin/certificates/%s/%s", serial, a->verb);
  snprintf(api, sizeof api, "/api/certificates/%s/%s", serial, a->verb);
  const struct confirm cf = {.title_key = a->title_key,
                             .what_key = a->what_key,
                             .name = name,
                             .action = action,
                             .api = api,
                             .next = a->next,
                             .back = "/admin#s-certs",
                             .button_key = a->button_key,
                             .fields = cert_reason_field,
                             .ctx = a};
  return confirm_page(r, &cf);
}

int h_page_admin_revoke_confirm(struct req *r) {
  return cert_confirm(r, &cert_revoke);
}

int h_page_admin_suspend_confirm(struct req *r) {
  return cert_confirm(r, &cert_suspend);
}

int h_page_admin_reinstate_confirm(struct req *r) {
  return cert_confirm(r, &cert_reinstate);
}
