/*
 * The administrator's page: accounts (create assessors and admins, disable), attempts with
 * extra time and the review sheet for changing a decision, open appeals with assignment,
 * certificates with revocation, item analysis per scheme, the signing keys and the audit
 * chain. Every action is a form that acts through the admin JSON API; which actions a row
 * offers (disable an account, assign an appeal to an assessor) the accounts and reviews
 * modules decide.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/accounts.h"
#include "common/catalog.h"
#include "common/keystore.h"
#include "common/recovery.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "store/store.h"
#include "ujikom/token.h"

#define ADMIN_LIST_LIMIT 100

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
    {"admin.name", "admin.email", "admin.role", "page.status", "page.actions", NULL}};
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

/* Opens a table's section, up to the opened <tbody>. */
static void table_section_begin(struct html *h, const struct req *r,
                                const struct table_section *t) {
  size_t ncols = 0;
  while (NULL != t->cols[ncols]) {
    ncols++;
  }
  section_begin(h, r, t->id, t->title_key);
  layout_table_begin(h, r, t->numbered, t->cols, ncols);
}

/* A labelled text input inside an action form (ids made unique with a suffix). */
static void input(struct html *h, const char *type, const char *name, const char *label,
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

static void section_accounts(struct html *h, const struct req *r, const struct store_user *u,
                             size_t n) {
  table_section_begin(h, r, &accounts_table);
  for (size_t i = 0; i < n; i++) {
    html_fmt(h, "<tr><td>%lld</td><td>", (long long)u[i].id);
    html_text(h, u[i].name);
    HTML_LIT(h, "</td><td>");
    html_text(h, u[i].email);
    HTML_LIT(h, "</td><td>");
    html_text(h, layout_role_text(r, u[i].role));
    HTML_LIT(h, "</td><td>");
    html_text(h, L(r, u[i].disabled ? "admin.disabled" : "admin.active"));
    HTML_LIT(h, "</td><td>");
    if (accounts_may_disable(r->user->id, &u[i])) {
      char action[64], api[80];
      snprintf(action, sizeof(action), "/admin/users/%" PRId64 "/disable", u[i].id);
      snprintf(api, sizeof(api), "/api/admin/users/%" PRId64 "/disable", u[i].id);
      layout_api_form(h, r, action, api, "/admin#s-accounts");
      HTML_LIT(h, "<button type=\"submit\" class=\"secondary\"");
      html_fmt(h, " aria-label=\"%s: %s\">", L(r, "admin.disable"), u[i].name);
      html_text(h, L(r, "admin.disable"));
      HTML_LIT(h, "</button></form>");
    }
    if (recovery_may_issue(&u[i])) {
      html_fmt(h, "<form method=\"post\" action=\"/admin/users/%" PRId64 "/reset-link\">", u[i].id);
      layout_csrf_field(h, r);
      html_fmt(h,
               "<button type=\"submit\" class=\"secondary\" aria-label=\"%s: %s\">%s</button>"
               "</form>",
               L(r, "reset.admin_button"), u[i].name, L(r, "reset.admin_button"));
    }
    HTML_LIT(h, "</td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div><div class=\"card\"><h3>");
  html_text(h, L(r, "admin.create_user"));
  HTML_LIT(h, "</h3>");
  layout_api_form(h, r, "/admin/users", "/api/admin/users", "/admin#s-accounts");
  input(h, "text", "name", L(r, "admin.name"), "new", true);
  input(h, "email", "email", L(r, "admin.email"), "new", true);
  input(h, "password", "password", L(r, "admin.password"), "new", true);
  html_fmt(h,
           "<label for=\"f-role-new\">%s</label><select id=\"f-role-new\" name=\"role\">"
           "<option value=\"assessor\">%s</option><option value=\"admin\">%s</option></select>",
           L(r, "admin.role"), L(r, "role.assessor"), L(r, "role.admin"));
  html_fmt(h, "<p><button type=\"submit\">%s</button></p></form></div></section>",
           L(r, "admin.create"));
}

static void section_attempts(struct html *h, const struct req *r, struct store_rd *rd,
                             const struct store_attempt *a, size_t n) {
  table_section_begin(h, r, &attempts_table);
  for (size_t i = 0; i < n; i++) {
    struct store_user cand;
    memset(&cand, 0, sizeof(cand));
    if (STORE_OK != store_user_by_id(rd, &cand, a[i].user_id)) {
      snprintf(cand.name, sizeof(cand.name), "#%" PRId64, a[i].user_id);
    }
    memset(cand.password_hash, 0, sizeof(cand.password_hash));
    bool open = ATTEMPT_OPEN == a[i].status;
    html_fmt(h, "<tr><td>#%lld</td><td>", (long long)a[i].id);
    html_text(h, cand.name);
    HTML_LIT(h, "</td><td>");
    html_text(h, a[i].exam_id);
    HTML_LIT(h, "</td><td>");
    html_text(h, layout_status_text(r, a[i].status));
    if (open) {
      char when[40];
      layout_format_time(when, sizeof(when), a[i].deadline_ms);
      html_fmt(h, "<br><span class=\"hint\">%s: %s</span>", L(r, "me.deadline"), when);
    }
    HTML_LIT(h, "</td><td>");
    html_text(h, layout_verdict_text(r, a[i].verdict));
    HTML_LIT(h, "</td><td>");
    if (open) {
      char action[64], api[80], suffix[24];
      snprintf(action, sizeof(action), "/admin/attempts/%" PRId64 "/extra-time", a[i].id);
      snprintf(api, sizeof(api), "/api/admin/attempts/%" PRId64 "/extra-time", a[i].id);
      snprintf(suffix, sizeof(suffix), "%" PRId64, a[i].id);
      layout_api_form(h, r, action, api, "/admin#s-attempts");
      input(h, "number", "#minutes", L(r, "admin.minutes"), suffix, true);
      input(h, "text", "reason", L(r, "admin.reason"), suffix, true);
      HTML_LIT(h, "<button type=\"submit\" class=\"secondary\">");
      html_text(h, L(r, "admin.grant"));
      HTML_LIT(h, "</button></form>");
    } else {
      html_fmt(h, "<a href=\"/review/%lld\">", (long long)a[i].id);
      html_text(h, L(r, "admin.view_sheet"));
      HTML_LIT(h, "</a>");
    }
    HTML_LIT(h, "</td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div></section>");
}

static void section_appeals(struct html *h, const struct req *r, const struct store_appeal *ap,
                            size_t n, const struct store_user *users, size_t nusers) {
  section_begin(h, r, "s-appeals", "admin.appeals");
  size_t shown = 0;
  for (size_t i = 0; i < n; i++) {
    if (APPEAL_DECIDED == ap[i].status) {
      continue;
    }
    shown++;
    char suffix[24], action[64], api[80];
    snprintf(suffix, sizeof(suffix), "a%" PRId64, ap[i].id);
    snprintf(action, sizeof(action), "/admin/appeals/%" PRId64 "/assign", ap[i].id);
    snprintf(api, sizeof(api), "/api/admin/appeals/%" PRId64 "/assign", ap[i].id);
    html_fmt(h, "<div class=\"card\"><h3>%s #%lld</h3><p class=\"prompt\">", L(r, "admin.attempt"),
             (long long)ap[i].attempt_id);
    html_text(h, ap[i].reason);
    HTML_LIT(h, "</p>");
    layout_api_form(h, r, action, api, "/admin#s-appeals");
    html_fmt(h, "<label for=\"f-assessor-%s\">", suffix);
    html_text(h, L(r, "admin.assign_to"));
    html_fmt(h, "</label><select name=\"#assessor_id\" id=\"f-assessor-%s\" required>", suffix);
    for (size_t k = 0; k < nusers; k++) {
      if (REVIEWS_OK != reviews_may_assign(&users[k], &ap[i])) {
        continue;
      }
      html_fmt(h, "<option value=\"%lld\">", (long long)users[k].id);
      html_text(h, users[k].name);
      HTML_LIT(h, "</option>");
    }
    HTML_LIT(h, "</select> <button type=\"submit\" class=\"secondary\">");
    html_text(h, L(r, "admin.assign"));
    HTML_LIT(h, "</button></form></div>");
  }
  if (0 == shown) {
    html_fmt(h, "<p>%s</p>", L(r, "admin.no_appeals"));
  }
  HTML_LIT(h, "</section>");
}

/* A form that changes a certificate's status (suspend or reinstate): a reason and a
 * checkbox that must be ticked first, so the change is never one stray click. */
static void status_form(struct html *h, const struct req *r, const char *serial, const char *verb,
                        const char *label_key, const char *button_key) {
  char action[96], api[112], suffix[64];
  snprintf(action, sizeof(action), "/admin/certificates/%s/%s", serial, verb);
  snprintf(api, sizeof(api), "/api/certificates/%s/%s", serial, verb);
  snprintf(suffix, sizeof(suffix), "%s-%s", verb, serial);
  layout_api_form(h, r, action, api, "/admin#s-certs");
  input(h, "text", "reason", L(r, label_key), suffix, true);
  HTML_LIT(h, "<label><input type=\"checkbox\" name=\"confirm\" required> ");
  html_text(h, L(r, "admin.status_confirm"));
  HTML_LIT(h, "</label> <button type=\"submit\" class=\"secondary\">");
  html_text(h, L(r, button_key));
  HTML_LIT(h, "</button></form>");
}

static void section_certificates(struct html *h, const struct req *r, const struct store_cert *c,
                                 size_t n) {
  table_section_begin(h, r, &certs_table);
  for (size_t i = 0; i < n; i++) {
    bool revoked = 0 == strcmp(c[i].status, STORE_CERT_REVOKED);
    bool suspended = 0 == strcmp(c[i].status, STORE_CERT_SUSPENDED);
    HTML_LIT(h, "<tr><td>");
    html_fmt(h, "<a href=\"/verify?serial=%s\">%s</a></td><td>", c[i].serial, c[i].serial);
    html_text(h, c[i].holder);
    HTML_LIT(h, "</td><td>");
    html_text(h, c[i].exam_id);
    HTML_LIT(h, "</td><td>");
    html_text(h, L(r, revoked     ? "me.cert_revoked"
                      : suspended ? "me.cert_suspended"
                                  : "admin.active"));
    if (revoked || suspended) {
      HTML_LIT(h, ": ");
      html_text(h, revoked ? c[i].revoked_reason : c[i].suspended_reason);
    }
    HTML_LIT(h, "</td><td>");
    if (!revoked) {
      char action[80], api[96];
      snprintf(action, sizeof(action), "/admin/certificates/%s/revoke", c[i].serial);
      snprintf(api, sizeof(api), "/api/certificates/%s/revoke", c[i].serial);
      layout_api_form(h, r, action, api, "/admin#s-certs");
      input(h, "text", "reason", L(r, "admin.revoke_reason"), c[i].serial, true);
      HTML_LIT(h, "<button type=\"submit\" class=\"danger\">");
      html_text(h, L(r, "admin.revoke"));
      HTML_LIT(h, "</button></form>");
      if (suspended) {
        status_form(h, r, c[i].serial, "reinstate", "admin.reinstate_reason", "admin.reinstate");
      } else {
        status_form(h, r, c[i].serial, "suspend", "admin.suspend_reason", "admin.suspend");
      }
    }
    HTML_LIT(h, "</td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div></section>");
}

static void section_analysis_keys(struct html *h, const struct req *r) {
  section_begin(h, r, "s-analysis", "admin.analysis");
  html_fmt(h, "<p>%s</p><ul>", L(r, "admin.analysis_hint"));
  const struct exam **exams = NULL;
  size_t n = 0;
  if (NULL != r->svc->catalog && 0 == catalog_list(r->svc->catalog, &exams, &n)) {
    for (size_t i = 0; i < n; i++) {
      html_fmt(h, "<li><a data-analysis href=\"/api/admin/analysis/%s\">%s</a> — ", exams[i]->id,
               exams[i]->id);
      html_text(h, exams[i]->title);
      HTML_LIT(h, "</li>");
    }
  }
  free(exams);
  /* staff.js shows a chosen exam's analysis here as a table (without it, the links give the
   * JSON); the column names come from the catalogue. */
  HTML_LIT(h, "</ul><div id=\"analysis-out\" aria-live=\"polite\"");
  html_attr(h, "data-cols", L(r, "admin.analysis_cols"));
  html_attr(h, "data-outcomes", L(r, "admin.analysis_outcomes"));
  /* The item types and flags in words; the JSON has their codes. */
  json_t *labels = i18n_subset(r->lang, "exam.type_");
  json_t *flags = i18n_subset(r->lang, "admin.flag_");
  char *text = NULL != labels && NULL != flags && 0 == json_object_update(labels, flags)
                   ? json_dumps(labels, JSON_COMPACT)
                   : NULL;
  if (NULL != text) {
    html_attr(h, "data-labels", text);
  }
  free(text);
  json_decref(labels);
  json_decref(flags);
  HTML_LIT(h, "></div>");
  HTML_LIT(h, "</section>");
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
  HTML_LIT(h, "</ul><p><a href=\"/.well-known/jwks.json\">JWKS</a></p><h2>");
  html_text(h, L(r, "admin.audit"));
  HTML_LIT(h, "</h2><p><a href=\"/api/admin/audit/verify\">");
  html_text(h, L(r, "admin.audit_verify"));
  HTML_LIT(h, "</a></p></section>");
}

int h_page_admin(struct req *r) {
  struct store_rd *rd = NULL;
  struct store_user *users = NULL;
  struct store_attempt *attempts = NULL;
  struct store_appeal *appeals = NULL;
  struct store_cert *certs = NULL;
  size_t nusers = 0, nattempts = 0, nappeals = 0, ncerts = 0;
  struct html *h = NULL;
  int ret;
  struct reviews_err err;
  int rc = STORE_OK;
  if (ACCOUNTS_OK == accounts_list(&users, &nusers, r->svc->store, NULL, &rc) &&
      REVIEWS_OK !=
          reviews_appeal_list(&appeals, &nappeals, r->svc, NULL, ADMIN_LIST_LIMIT, &err)) {
    rc = err.store_rc;
  }
  if (STORE_OK == rc) {
    rc = store_rd_begin(r->svc->store, &rd);
  }
  if (STORE_OK == rc) {
    rc = store_review_attempts(rd, &attempts, &nattempts, NULL, NULL, NULL, 0, ADMIN_LIST_LIMIT);
  }
  if (STORE_OK == rc) {
    rc = store_cert_list(rd, &certs, &ncerts, 0, 0, ADMIN_LIST_LIMIT);
  }
  h = layout_page_open(r, rc, "admin.title", "static/staff.js", &ret);
  if (NULL == h) {
    goto cleanup;
  }
  HTML_LIT(h, "<nav class=\"toc\"><ul>");
  html_fmt(h, "<li><a href=\"#s-accounts\">%s</a></li>", L(r, "admin.accounts"));
  html_fmt(h, "<li><a href=\"#s-attempts\">%s</a></li>", L(r, "admin.attempts"));
  html_fmt(h, "<li><a href=\"#s-appeals\">%s</a></li>", L(r, "admin.appeals"));
  html_fmt(h, "<li><a href=\"#s-certs\">%s</a></li>", L(r, "admin.certificates"));
  html_fmt(h, "<li><a href=\"#s-analysis\">%s</a></li>", L(r, "admin.analysis"));
  html_fmt(h, "<li><a href=\"#s-keys\">%s</a></li>", L(r, "admin.keys"));
  HTML_LIT(h, "</ul></nav>");
  section_accounts(h, r, users, nusers);
  section_attempts(h, r, rd, attempts, nattempts);
  section_appeals(h, r, appeals, nappeals, users, nusers);
  section_certificates(h, r, certs, ncerts);
  section_analysis_keys(h, r);
  layout_end(h, r);
  ret = layout_reply(r, 200, h);
cleanup:
  store_rd_end(rd);
  store_user_list_free(users, nusers);
  store_attempt_list_free(attempts, nattempts);
  store_appeal_list_free(appeals, nappeals);
  store_cert_list_free(certs, ncerts);
  return ret;
}
