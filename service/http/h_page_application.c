/*
 * The application pages (FR.APL.01 + FR.APL.02): the candidate's form for an exam and where
 * it stands; the staff list of applications and one application with its eligibility
 * decision. The forms act through the JSON API (layout_action_form: with static/staff.js
 * they post JSON, without it the page routes forward the same fields). The NIK is shown
 * masked; a staff member opens it only by asking (?reveal=nik), which is audited.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/application.h"
#include "common/catalog.h"
#include "common/evidence.h"
#include "http/presented.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/page_time.h"
#include "http/pager.h"
#include "http/reply.h"
#include "http/requtil.h"

static const char *const personal_keys[] = {"full_name", "birth_place", "birth_date", "address",
                                            "phone",     "education",   "occupation"};
#define NPERSONAL_KEYS (sizeof personal_keys / sizeof personal_keys[0])

/* The catalogue's word for an application's status. */
static const char *status_text(const struct req *r, const char *status) {
  if (0 == strcmp(status, STORE_APPLICATION_ELIGIBLE)) {
    return L(r, "apl.status_eligible");
  }
  if (0 == strcmp(status, STORE_APPLICATION_NOT_YET)) {
    return L(r, "apl.status_not_yet");
  }
  return L(r, "apl.status_pending");
}

static const char *field_label(const struct req *r, const char *key) {
  static const struct {
    const char *key, *label;
  } labels[] = {{"full_name", "apl.full_name"},   {"birth_place", "apl.birth_place"},
                {"birth_date", "apl.birth_date"}, {"address", "apl.address"},
                {"phone", "apl.phone"},           {"education", "apl.education"},
                {"occupation", "apl.occupation"}, {"nik", "apl.nik"}};
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
    if (0 == strcmp(labels[i].key, key)) {
      return L(r, labels[i].label);
    }
  }
  return key;
}

/* Where an application stands, as a notice. */
static void status_notice(struct html *h, const struct req *r, const struct application_view *v) {
  bool eligible = 0 == strcmp(v->a.status, STORE_APPLICATION_ELIGIBLE);
  html_fmt(h, "<div class=\"notice%s\" role=\"status\" id=\"application-status\"><p><strong>%s",
           eligible ? "" : " warn", L(r, "apl.status"));
  html_fmt(h, ": %s</strong></p>", status_text(r, v->a.status));
  if (NULL != v->a.reason) {
    html_fmt(h, "<p>%s: ", L(r, "apl.reason"));
    html_text(h, v->a.reason);
    HTML_LIT(h, "</p>");
  }
  HTML_LIT(h, "</div>");
}

/* The personal data as a definition list (NIK masked unless opened). */
static void personal_list(struct html *h, const struct req *r, const struct application_view *v) {
  HTML_LIT(h, "<dl class=\"facts\">");
  for (size_t i = 0; i < NPERSONAL_KEYS; i++) {
    html_fmt(h, "<dt>%s</dt><dd>", field_label(r, personal_keys[i]));
    html_text(h, json_string_value(json_object_get(v->personal, personal_keys[i])));
    HTML_LIT(h, "</dd>");
  }
  html_fmt(h, "<dt>%s</dt><dd id=\"nik\">", L(r, "apl.nik"));
  if (v->nik_revealed) {
    html_text(h, v->nik);
  } else {
    html_fmt(h, "************%s", v->nik_last4);
  }
  HTML_LIT(h, "</dd></dl>");
}

/* The self-assessment as a table: unit, element, answer, evidence. */
static void self_table(struct html *h, const struct req *r, const struct exam *x,
                       const json_t *self) {
  static const char *const cols[] = {"apl.unit", "apl.element", "apl.answer", "apl.evidence"};
  layout_table_begin(h, r, false, cols, sizeof cols / sizeof cols[0]);
  for (size_t u = 0; NULL != x && u < x->nunits; u++) {
    for (size_t e = 0; e < x->units[u].nelements; e++) {
      char key[24];
      snprintf(key, sizeof key, "%ld", x->units[u].elements[e].id);
      const json_t *entry = json_object_get(json_object_get(self, x->units[u].code), key);
      const char *answer = json_string_value(json_object_get(entry, "answer"));
      HTML_LIT(h, "<tr><td>");
      html_text(h, x->units[u].code);
      HTML_LIT(h, "</td><td>");
      html_text(h, x->units[u].elements[e].title);
      html_fmt(h, "</td><td>%s</td><td>",
               NULL != answer && 0 == strcmp(answer, "dapat") ? L(r, "apl.can")
                                                              : L(r, "apl.cannot_yet"));
      html_text(h, json_string_value(json_object_get(entry, "evidence")));
      HTML_LIT(h, "</td></tr>");
    }
  }
  HTML_LIT(h, "</tbody></table></div>");
}

/* One labelled text field of the personal data, prefilled with value. */
static void personal_input(struct html *h, const struct req *r, const char *key,
                           const char *value) {
  char id[40], name[40];
  snprintf(id, sizeof id, "f-%s", key);
  snprintf(name, sizeof name, "personal/%s", key);
  if (0 == strcmp(key, "address")) {
    html_labelled(h, id, field_label(r, key), "<textarea rows=\"3\" required", name);
    HTML_LIT(h, ">");
    html_text(h, value);
    HTML_LIT(h, "</textarea>");
    return;
  }
  html_labelled(h, id, field_label(r, key), "<input required", name);
  html_attr(h, "type",
            0 == strcmp(key, "birth_date") ? "date"
            : 0 == strcmp(key, "phone")    ? "tel"
                                           : "text");
  html_attr(h, "value", value);
  if (0 == strcmp(key, "full_name")) {
    HTML_LIT(h, " autocomplete=\"name\"");
  }
  HTML_LIT(h, ">");
}

/* The self-assessment fields: per unit a fieldset, per element dapat / belum dapat and the
 * evidence. */
/* The supporting documents attached to the application, each a link to the file; with
 * editable (the candidate's own, until it is found eligible) also a remove button on each and
 * the picker that static/upload.js drives (uploads need the script: the page says so
 * without it). */
static void files_list(struct html *h, const struct req *r, const struct application_view *v,
                       const char *exam_id, bool editable) {
  HTML_LIT(h, "<section id=\"application-documents\" aria-labelledby=\"files-h\"");
  if (editable) {
    char csrf[SESSION_CSRF_LEN + 1];
    html_attr(h, "data-csrf", presented_csrf(r, csrf));
  }
  html_fmt(
      h,
      "><h2 id=\"files-h\">%s</h2><p id=\"application-files-none\" class=\"files-none\"%s>%s</p>",
      L(r, "apl.files"), 0 == v->nfiles ? "" : " hidden", L(r, "apl.files_none"));
  HTML_LIT(h, "<ul id=\"application-files\" class=\"evidence-list\">");
  for (size_t i = 0; i < v->nfiles; i++) {
    /* the id and a hash of 64 hex digits: nothing to escape */
    html_fmt(h, "<li><a href=\"/api/applications/%" PRId64 "/files/%s\">", v->a.id,
             v->files[i].sha256);
    html_text(h, v->files[i].name);
    HTML_LIT(h, "</a> (");
    html_text(h, v->files[i].mime);
    html_fmt(h, ", %lld B)", (long long)v->files[i].size);
    if (editable) {
      layout_file_remove(h, r, v->files[i].sha256, v->files[i].name, "apl.file_remove",
                         "apl.file_remove_label");
    }
    HTML_LIT(h, "</li>");
  }
  HTML_LIT(h, "</ul>");
  if (editable) {
    char create[96], files[96], rm_url[112], key[64], mb[16], nfiles[16];
    snprintf(create, sizeof create, "/api/exams/%s/application/uploads", exam_id);
    snprintf(files, sizeof files, "/api/applications/%" PRId64 "/files/", v->a.id);
    snprintf(rm_url, sizeof rm_url, "/api/exams/%s/application/files/", exam_id);
    snprintf(key, sizeof key, "application.%s", exam_id);
    snprintf(mb, sizeof mb, "%d", EVIDENCE_APPLICATION_MAX_MB);
    snprintf(nfiles, sizeof nfiles, "%d", EVIDENCE_APPLICATION_MAX_FILES);
    HTML_LIT(h, "<div class=\"evidence-upload\"");
    html_attr(h, "data-create", create);
    html_attr(h, "data-files", files);
    html_attr(h, "data-remove", rm_url);
    html_attr(h, "data-remove-text", L(r, "apl.file_remove"));
    html_attr(h, "data-remove-label", L(r, "apl.file_remove_label"));
    html_attr(h, "data-key", key);
    html_attr(h, "data-max-mb", mb);
    HTML_LIT(h, "><p class=\"hint\" id=\"files-hint\">");
    html_text_sub(h, L(r, "apl.files_limits"), "files", nfiles, "mb", mb, NULL);
    html_fmt(h, "</p><label for=\"f-files\">%s</label>", L(r, "apl.files_pick"));
    HTML_LIT(h, "<input type=\"file\" id=\"f-files\" multiple accept=\"image/*,application/pdf\" "
                "aria-describedby=\"files-hint\"><noscript><p class=\"hint\">");
    html_text(h, L(r, "exam.evidence_noscript"));
    HTML_LIT(h, "</p></noscript></div>");
    json_t *strings = i18n_subset(r->lang, "upload.");
    if (NULL != strings) {
      html_json_script(h, "upload-strings", strings);
    }
    json_decref(strings);
    layout_script(h, "static/upload.js");
  }
  HTML_LIT(h, "</section>");
}

static void self_fields(struct html *h, const struct req *r, const struct exam *x,
                        const json_t *prev) {
  for (size_t u = 0; u < x->nunits; u++) {
    const struct exam_unit *unit = &x->units[u];
    HTML_LIT(h, "<fieldset class=\"card\"><legend>");
    html_text(h, unit->code);
    HTML_LIT(h, " — ");
    html_text(h,
              0 == strcmp(r->lang, "en") && NULL != unit->title_en ? unit->title_en : unit->title);
    HTML_LIT(h, "</legend>");
    for (size_t e = 0; e < unit->nelements; e++) {
      char key[24], base[120], id[140];
      snprintf(key, sizeof key, "%ld", unit->elements[e].id);
      snprintf(base, sizeof base, "self_assessment/%s/%s", unit->code, key);
      const json_t *entry = json_object_get(json_object_get(prev, unit->code), key);
      const char *answer = json_string_value(json_object_get(entry, "answer"));
      HTML_LIT(h, "<fieldset><legend>");
      html_text(h, unit->elements[e].title);
      HTML_LIT(h, "</legend>");
      for (int can = 1; can >= 0; can--) {
        snprintf(id, sizeof id, "f-%zu-%zu-%d", u, e, can);
        html_fmt(h, "<label class=\"choice\" for=\"%s\"><input type=\"radio\" required id=\"%s\"",
                 id, id);
        html_fmt(h, " name=\"%s/answer\" value=\"%s\"", base, can ? "dapat" : "belum_dapat");
        if (NULL != answer && (0 == strcmp(answer, "dapat")) == (1 == can)) {
          HTML_LIT(h, " checked");
        }
        html_fmt(h, "> %s</label>", can ? L(r, "apl.can") : L(r, "apl.cannot_yet"));
      }
      snprintf(id, sizeof id, "f-%zu-%zu-ev", u, e);
      char name[160];
      snprintf(name, sizeof name, "%s/evidence", base);
      html_labelled(h, id, L(r, "apl.evidence_label"), "<textarea rows=\"2\"", name);
      HTML_LIT(h, ">");
      html_text(h, json_string_value(json_object_get(entry, "evidence")));
      HTML_LIT(h, "</textarea></fieldset>");
    }
    HTML_LIT(h, "</fieldset>");
  }
}

/* GET /exams/:id/application: the candidate's application for the exam, and its form. */
int h_page_application(struct req *r) {
  struct application_view v;
  struct application_err err;
  const struct exam *x =
      NULL == r->svc->catalog ? NULL : catalog_current(r->svc->catalog, r->params[0]);
  if (NULL == x) {
    return layout_message_page(r, 404, "page.not_found", "err.exam_not_found");
  }
  enum application_rc rc = application_own(&v, r->svc, r->user->id, x->id, false, &err);
  if (APPLICATION_OK != rc && APPLICATION_NOT_FOUND != rc) {
    return reply_application(r, rc, &err, __func__);
  }
  bool has = APPLICATION_OK == rc;
  struct html *h = layout_page_new(r, "apl.title", "static/staff.js");
  if (NULL == h) {
    if (has) {
      application_view_clear(&v);
    }
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  HTML_LIT(h, "<p class=\"lead\">");
  html_text(h, 0 == strcmp(r->lang, "en") ? x->title_en : x->title);
  HTML_LIT(h, "</p><p>");
  html_text(h, L(r, "apl.intro"));
  HTML_LIT(h, "</p>");
  bool eligible = has && 0 == strcmp(v.a.status, STORE_APPLICATION_ELIGIBLE);
  if (has) {
    status_notice(h, r, &v);
    files_list(h, r, &v, x->id, 0 != strcmp(v.a.status, STORE_APPLICATION_ELIGIBLE));
  }
  if (eligible) {
    personal_list(h, r, &v);
    self_table(h, r, x, v.self_assessment);
    html_fmt(h, "<p><a class=\"button\" href=\"/exams/%s/start\">%s</a></p>", x->id,
             L(r, "apl.go_start"));
  } else {
    char action[80], api[96], next[128];
    snprintf(action, sizeof action, "/exams/%s/application", x->id);
    snprintf(api, sizeof api, "/api/exams/%s/application", x->id);
    snprintf(next, sizeof next, "/exams/%s/application?notice=application_sent", x->id);
    layout_action_form(h, r, action, api, next);
    html_fmt(h, "<fieldset class=\"card\"><legend>%s</legend>", L(r, "apl.personal"));
    for (size_t i = 0; i < NPERSONAL_KEYS; i++) {
      const char *prev =
          has ? json_string_value(json_object_get(v.personal, personal_keys[i])) : NULL;
      personal_input(h, r, personal_keys[i], NULL == prev && 0 == i ? r->user->name : prev);
    }
    html_labelled(h, "f-nik", L(r, "apl.nik"), "<input type=\"text\" required", "personal/nik");
    HTML_LIT(h, " inputmode=\"numeric\" pattern=\"[0-9]{16}\" maxlength=\"16\" "
                "autocomplete=\"off\" aria-describedby=\"nik-hint\">");
    html_fmt(h, "<p class=\"hint\" id=\"nik-hint\">%s</p></fieldset>", L(r, "apl.nik_hint"));
    html_fmt(h, "<h2>%s</h2><p>%s</p>", L(r, "apl.self_title"), L(r, "apl.self_intro"));
    self_fields(h, r, x, has ? v.self_assessment : NULL);
    html_fmt(h, "<p><button type=\"submit\">%s</button></p></form>", L(r, "apl.submit"));
  }
  if (has) {
    application_view_clear(&v);
  }
  return layout_reply_with_back(r, h, "/me");
}

static const char *const list_filters[] = {"status", NULL};
static const struct pager list_pager = {"/applications", list_filters, "after", NULL};

/* GET /applications[?status=&after=ID]: the applications for staff, oldest first. */
int h_page_application_list(struct req *r) {
  static const char *const cols[] = {"apl.candidate", "review.exam", "apl.status", "apl.submitted"};
  static const char *const statuses[] = {STORE_APPLICATION_PENDING, STORE_APPLICATION_ELIGIBLE,
                                         STORE_APPLICATION_NOT_YET};
  struct application_err err;
  struct store_application *list = NULL;
  size_t n = 0;
  int64_t after = 0, next = 0;
  const char *status = req_query(r, "status");
  if (NULL == status) {
    status = STORE_APPLICATION_PENDING;
  }
  if (!pager_cursor(r, "after", &after)) {
    return 0; /* answered (400) */
  }
  enum application_rc rc = application_list(&list, &n, &next, r->svc, r->user->id,
                                            ROLE_ADMIN == r->user->role, status, after, &err);
  if (APPLICATION_OK != rc) {
    return reply_application(r, rc, &err, __func__);
  }
  struct html *h = layout_page_new(r, "apl.list_title", NULL);
  if (NULL == h) {
    store_application_list_free(list, n);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  html_fmt(h, "<nav aria-label=\"%s\"><ul class=\"filters\">", L(r, "apl.status"));
  for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
    bool current = 0 == strcmp(status, statuses[i]);
    html_fmt(h, "<li><a href=\"/applications?status=%s\"%s>%s</a></li>", statuses[i],
             current ? " aria-current=\"page\"" : "", status_text(r, statuses[i]));
  }
  HTML_LIT(h, "</ul></nav>");
  enum time_zone zone = page_zone(r);
  if (0 == n) {
    html_fmt(h, "<p id=\"applications-empty\">%s</p>", L(r, "apl.none"));
  } else {
    layout_table_begin(h, r, false, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < n; i++) {
      const struct exam *x =
          NULL == r->svc->catalog ? NULL : catalog_current(r->svc->catalog, list[i].exam_id);
      char when[40];
      page_time(when, sizeof when, list[i].submitted_ms, zone, false);
      html_fmt(h, "<tr><td><a href=\"/applications/%lld\">%s #%lld</a></td><td>",
               (long long)list[i].id, L(r, "apl.candidate"), (long long)list[i].user_id);
      html_text(h, NULL != x ? x->title : list[i].exam_id);
      html_fmt(h, "</td><td>%s</td><td>%s</td></tr>", status_text(r, list[i].status), when);
    }
    HTML_LIT(h, "</tbody></table></div>");
  }
  store_application_list_free(list, n);
  pager_nav(h, r, &list_pager, next, "apl.list_pages");
  return layout_reply_with_back(r, h, "/review");
}

/* GET /applications/:id[?reveal=nik]: one application and, while pending, the decision. */
int h_page_application_staff(struct req *r) {
  struct application_view v;
  struct application_err err;
  int64_t id = 0;
  const char *reveal = req_query(r, "reveal");
  if (!parse_id(r->params[0], &id)) {
    return reply_error(r, ERR_APPLICATION_NOT_FOUND, NULL);
  }
  enum application_rc rc =
      application_for_staff(&v, r->svc, r->user->id, ROLE_ADMIN == r->user->role, id,
                            NULL != reveal && 0 == strcmp(reveal, "nik"), &err);
  if (APPLICATION_OK != rc) {
    return reply_application(r, rc, &err, __func__);
  }
  const struct exam *x =
      NULL == r->svc->catalog ? NULL : catalog_current(r->svc->catalog, v.a.exam_id);
  struct html *h = layout_page_new(r, "apl.staff_title", "static/staff.js");
  if (NULL == h) {
    application_view_clear(&v);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  HTML_LIT(h, "<p class=\"lead\">");
  html_text(h, v.candidate_name);
  HTML_LIT(h, " · ");
  html_text(h, NULL != x ? x->title : v.a.exam_id);
  HTML_LIT(h, "</p>");
  status_notice(h, r, &v);
  personal_list(h, r, &v);
  if (!v.nik_revealed) {
    html_fmt(h, "<p><a href=\"/applications/%lld?reveal=nik\" id=\"reveal-nik\">%s</a></p>",
             (long long)v.a.id, L(r, "apl.reveal_nik"));
  }
  html_fmt(h, "<h2>%s</h2>", L(r, "apl.self_title"));
  self_table(h, r, x, v.self_assessment);
  files_list(h, r, &v, v.a.exam_id, false);
  if (0 == strcmp(v.a.status, STORE_APPLICATION_PENDING)) {
    char action[64], api[80], next[96];
    snprintf(action, sizeof action, "/applications/%" PRId64 "/decision", v.a.id);
    snprintf(api, sizeof api, "/api/applications/%" PRId64 "/decision", v.a.id);
    snprintf(next, sizeof next, "/applications/%" PRId64 "?notice=application_decided", v.a.id);
    html_fmt(h, "<div class=\"card\"><h2>%s</h2>", L(r, "apl.decide"));
    layout_action_form(h, r, action, api, next);
    html_fmt(h, "<fieldset><legend>%s</legend>", L(r, "apl.outcome"));
    html_fmt(h,
             "<label class=\"choice\" for=\"o-eligible\"><input type=\"radio\" id=\"o-eligible\" "
             "name=\"outcome\" value=\"eligible\" required> %s</label>",
             L(r, "apl.status_eligible"));
    html_fmt(h,
             "<label class=\"choice\" for=\"o-not-yet\"><input type=\"radio\" id=\"o-not-yet\" "
             "name=\"outcome\" value=\"not_yet\"> %s</label></fieldset>",
             L(r, "apl.status_not_yet"));
    html_labelled(h, "f-reason", L(r, "apl.reason"), "<textarea rows=\"3\" required", "reason");
    html_fmt(h, "></textarea><p><button type=\"submit\">%s</button></p></form></div>",
             L(r, "apl.decide"));
  }
  application_view_clear(&v);
  return layout_reply_with_back(r, h, "/applications");
}
