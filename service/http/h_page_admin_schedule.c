/*
 * Test events on pages: the schedules (with the form that creates one, for administrators),
 * and one schedule with its facts, the BNSP documents, the import of candidates (dry run,
 * then commit: static/schedule.js, with static/import.js, sends the file to the API and shows
 * its report) and the batch with attendance and each candidate's standing (the assessor's
 * queue of the batch).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/accounts.h"
#include "common/bnsp_outputs.h"
#include "common/catalog.h"
#include "common/schedule.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/pager.h"

static void field(struct html *h, const struct req *r, const char *name, const char *label_key,
                  const char *attrs) {
  /* attrs is markup written in this file (never data): it goes out as it is */
  html_fmt(h, "<p><label for=\"f-%s\">%s</label> <input id=\"f-%s\" name=\"%s\" ",
           '#' == name[0] ? name + 1 : name, L(r, label_key), '#' == name[0] ? name + 1 : name,
           name);
  html_raw_(h, attrs, strlen(attrs));
  HTML_LIT(h, "></p>");
}

static void create_form(struct html *h, const struct req *r) {
  const struct exam **exams = NULL;
  size_t n = 0;
  struct store_user *assessors = NULL;
  size_t na = 0;
  int store_rc = STORE_OK;
  const enum role role = ROLE_ASSESSOR;
  html_fmt(h, "<section aria-labelledby=\"s-new\"><h2 id=\"s-new\">%s</h2>", L(r, "schedule.new"));
  layout_action_form(h, r, "/admin/schedules", "/api/schedules",
                     "/admin/schedules?notice=schedule_created");
  html_fmt(h, "<p><label for=\"f-exam\">%s</label> <select id=\"f-exam\" name=\"exam_id\">",
           L(r, "schedule.exam"));
  if (NULL != r->svc->catalog && 0 == catalog_list(r->svc->catalog, &exams, &n)) {
    for (size_t i = 0; i < n; i++) {
      HTML_LIT(h, "<option");
      html_attr(h, "value", exams[i]->id);
      HTML_LIT(h, ">");
      html_text(h, exams[i]->title);
      HTML_LIT(h, "</option>");
    }
  }
  free(exams);
  HTML_LIT(h, "</select></p>");
  field(h, r, "title", "schedule.title", "required maxlength=\"200\"");
  field(h, r, "tuk_name", "schedule.tuk", "required maxlength=\"200\"");
  field(h, r, "tuk_address", "schedule.address", "maxlength=\"500\"");
  html_fmt(h,
           "<p><label for=\"f-zone\">%s</label> <select id=\"f-zone\" name=\"time_zone\">"
           "<option>WIB</option><option>WITA</option><option>WIT</option></select></p>",
           L(r, "schedule.zone"));
  field(h, r, "date", "schedule.date", "type=\"date\" required");
  field(h, r, "opens", "schedule.opens", "type=\"time\" required");
  field(h, r, "closes", "schedule.closes", "type=\"time\" required");
  field(h, r, "#capacity", "schedule.capacity", "type=\"number\" min=\"1\" max=\"5000\" required");
  field(h, r, "session_code", "schedule.session_code",
        "maxlength=\"32\" pattern=\"[A-Za-z0-9]{4,32}\" autocomplete=\"off\"");
  field(h, r, "assessors", "schedule.assessors", "inputmode=\"numeric\"");
  if (ACCOUNTS_OK == accounts_list(&assessors, &na, r->svc->store, &role, &store_rc) && na > 0) {
    html_fmt(h, "<p class=\"hint\">%s ", L(r, "schedule.assessor_ids"));
    for (size_t i = 0; i < na; i++) {
      html_fmt(h, "%s%" PRId64 " — ", 0 == i ? "" : "; ", assessors[i].id);
      html_text(h, assessors[i].name);
    }
    HTML_LIT(h, "</p>");
  }
  store_user_list_free(assessors, na);
  html_fmt(h, "<p><button type=\"submit\">%s</button></p></form></section>",
           L(r, "schedule.create"));
}

static const struct pager schedules_pager = {"/admin/schedules", NULL, "before", NULL};

/* GET /admin/schedules[?before=ID] */
int h_page_admin_schedules(struct req *r) {
  static const char *const cols[] = {"schedule.title", "schedule.exam", "schedule.tuk",
                                     "schedule.window", "schedule.enrolled"};
  struct store_schedule *list = NULL;
  size_t n = 0;
  int64_t before = 0, next = 0;
  int store_rc = STORE_OK;
  if (!pager_cursor(r, "before", &before)) {
    return 0; /* answered (400) */
  }
  if (SCHEDULE_OK !=
      schedule_list(&list, &n, &next, r->svc, r->user->id, r->user->role, before, &store_rc)) {
    return layout_store_error(r, store_rc);
  }
  struct html *h = layout_page_new(r, "schedule.list_title", "static/staff.js");
  if (NULL == h) {
    store_schedule_list_free(list, n);
    return layout_reply(r, 500, NULL);
  }
  html_fmt(h, "<p>%s</p>", L(r, "schedule.list_hint"));
  layout_table_begin(h, r, false, cols, sizeof cols / sizeof cols[0]);
  for (size_t i = 0; i < n; i++) {
    const struct store_schedule *s = &list[i];
    json_t *j = schedule_to_json(s, true);
    html_fmt(h, "<tr><td><a href=\"/admin/schedules/%" PRId64 "\">", s->id);
    html_text(h, s->title);
    HTML_LIT(h, "</a></td><td>");
    html_text(h, s->exam_id);
    HTML_LIT(h, "</td><td>");
    html_text(h, s->tuk_name);
    HTML_LIT(h, "</td><td>");
    html_text(h, json_string_value(json_object_get(j, "opens_local")));
    HTML_LIT(h, " – ");
    html_text(h, json_string_value(json_object_get(j, "closes_local")));
    html_fmt(h, "</td><td>%" PRId64 " / %" PRId64 "</td></tr>", s->enrolled, s->capacity);
    json_decref(j);
  }
  HTML_LIT(h, "</tbody></table></div>");
  store_schedule_list_free(list, n);
  pager_nav(h, r, &schedules_pager, next, "schedule.list_pages");
  if (ROLE_ADMIN == r->user->role) {
    create_form(h, r);
  }
  return layout_reply_with_back(r, h, ROLE_ADMIN == r->user->role ? "/admin" : "/review");
}

static void fact(struct html *h, const struct req *r, const char *key, const char *value) {
  html_fmt(h, "<dt>%s</dt><dd>", L(r, key));
  html_text(h, value);
  HTML_LIT(h, "</dd>");
}

static void documents(struct html *h, const struct req *r, int64_t id) {
  static const struct {
    const char *path, *key;
  } docs[] = {{"blank-request.xlsx", "schedule.doc_blank"},
              {"berita-acara.pdf", "schedule.doc_minutes"},
              {"results.csv", "schedule.doc_results"}};
  html_fmt(h, "<section aria-labelledby=\"s-docs\"><h2 id=\"s-docs\">%s</h2><p>",
           L(r, "schedule.documents"));
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    html_fmt(h,
             "<a class=\"button secondary\" id=\"doc-%zu\" download "
             "href=\"/api/schedules/%" PRId64 "/%s\">%s</a> ",
             i, id, docs[i].path, L(r, docs[i].key));
  }
  HTML_LIT(h, "</p></section>");
}

static void import_section(struct html *h, const struct req *r, int64_t id) {
  html_fmt(h, "<section aria-labelledby=\"s-import\"><h2 id=\"s-import\">%s</h2><p>%s</p>",
           L(r, "schedule.import"), L(r, "schedule.import_hint"));
  html_fmt(h,
           "<p><a download href=\"/api/enrolment-template.xlsx\">%s</a> · <a download "
           "href=\"/api/enrolment-template.csv\">%s</a></p>",
           L(r, "schedule.template_xlsx"), L(r, "schedule.template_csv"));
  html_fmt(h,
           "<form id=\"import-form\" class=\"card\" data-import=\"/api/schedules/%" PRId64
           "/import\"",
           id);
  /* The script's words, in the page's language. */
  static const char *const texts[][2] = {{"data-t-ready", "schedule.import_ready"},
                                         {"data-t-done", "schedule.import_done"},
                                         {"data-t-problems", "schedule.import_problems"},
                                         {"data-t-links", "schedule.import_links"},
                                         {"data-t-download", "schedule.import_download"},
                                         {"data-t-name", "schedule.name"},
                                         {"data-t-email", "schedule.email"},
                                         {"data-t-link", "schedule.link"},
                                         {"data-t-mailed", "schedule.import_mailed"},
                                         {"data-t-mail-partial", "schedule.import_mail_partial"}};
  layout_script_texts(h, r, texts, sizeof texts / sizeof texts[0]);
  HTML_LIT(h, ">");
  layout_csrf_field(h, r);
  html_fmt(h,
           "<p><label for=\"import-file\">%s</label> <input id=\"import-file\" name=\"file\" "
           "type=\"file\" accept=\".xlsx,.csv,text/csv\" required></p><p><button type=\"submit\" "
           "name=\"mode\" value=\"check\" id=\"import-check\">%s</button> <button type=\"submit\" "
           "name=\"mode\" value=\"commit\" id=\"import-commit\" class=\"secondary\">%s</button>"
           "</p><noscript><p class=\"notice warn\">%s</p></noscript>"
           "<div id=\"import-report\" role=\"status\" aria-live=\"polite\"></div></form>",
           L(r, "schedule.import_file"), L(r, "schedule.import_check"),
           L(r, "schedule.import_commit"), L(r, "schedule.import_nojs"));
  HTML_LIT(h, "</section>");
}

static void batch_row(struct html *h, const struct req *r, int64_t id, size_t i,
                      const struct bnsp_candidate *c) {
  html_fmt(h, "<tr><td>%zu</td><td>", i + 1);
  html_text(h, c->name);
  HTML_LIT(h, "</td><td>");
  html_text(h, c->email);
  HTML_LIT(h, "</td><td>");
  html_text(h, L(r, BNSP_ABSENT == c->standing ? "schedule.absent" : "schedule.present"));
  HTML_LIT(h, "</td><td>");
  if (BNSP_DECIDED == c->standing) {
    html_text(h, layout_verdict_text(r, c->overall));
  } else {
    char key[48];
    snprintf(key, sizeof key, "schedule.standing_%d", (int)c->standing);
    html_text(h, L(r, key));
  }
  HTML_LIT(h, "</td><td>");
  if (BNSP_PENDING == c->standing) {
    html_fmt(h, "<a href=\"/review/%" PRId64 "\">%s</a>", c->attempt_id, L(r, "schedule.review"));
  } else if (BNSP_ABSENT == c->standing) {
    char action[96], api[96], next[64];
    snprintf(action, sizeof action, "/admin/schedules/%" PRId64 "/attendance/%" PRId64, id,
             c->user_id);
    snprintf(api, sizeof api, "/api/schedules/%" PRId64 "/attendance/%" PRId64, id, c->user_id);
    snprintf(next, sizeof next, "/admin/schedules/%" PRId64 "?notice=attendance", id);
    layout_action_form(h, r, action, api, next);
    html_fmt(h, "<button type=\"submit\" class=\"secondary\">%s</button></form>",
             L(r, "schedule.mark_present"));
  }
  if (ROLE_ADMIN == r->user->role && 0 == c->attempt_id) {
    /* Extra time (FR.AK.07) is planned before the start, per candidate and exam. */
    html_fmt(h, "<a href=\"/admin/users/%" PRId64 "/extra-time\">%s</a>", c->user_id,
             L(r, "schedule.extra_time"));
  }
  HTML_LIT(h, "</td></tr>");
}

/* GET /admin/schedules/:id */
int h_page_admin_schedule(struct req *r) {
  static const char *const cols[] = {"schedule.name", "schedule.email", "schedule.attendance",
                                     "schedule.standing", "schedule.action"};
  int64_t id = 0;
  int store_rc = STORE_OK;
  struct store_schedule s;
  struct bnsp_batch b;
  char num[64];
  if (!parse_id(r->params[0], &id)) {
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  }
  enum schedule_rc rc = schedule_get(&s, r->svc, r->user->id, r->user->role, id, &store_rc);
  if (SCHEDULE_NOT_FOUND == rc) {
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  }
  if (SCHEDULE_OK != rc || BNSP_OK != bnsp_batch_load(&b, r->svc, id, r->now_ms, &store_rc)) {
    return layout_store_error(r, store_rc);
  }
  struct html *h = layout_page_new(r, "schedule.title_one", "static/import.js");
  if (NULL == h) {
    bnsp_batch_clear(&b);
    return layout_reply(r, 500, NULL);
  }
  layout_script(h, "static/staff.js");    /* the attendance forms act through the API */
  layout_script(h, "static/schedule.js"); /* after import.js, which it uses */
  json_t *j = schedule_to_json(&s, true);
  HTML_LIT(h, "<p class=\"lead\">");
  html_text(h, s.title);
  HTML_LIT(h, "</p><dl class=\"facts\">");
  fact(h, r, "schedule.exam", b.scheme_title);
  fact(h, r, "schedule.tuk", s.tuk_name);
  fact(h, r, "schedule.address", s.tuk_address);
  fact(h, r, "schedule.date", s.exam_date);
  snprintf(num, sizeof num, "%s – %s", json_string_value(json_object_get(j, "opens_local")),
           json_string_value(json_object_get(j, "closes_local")));
  fact(h, r, "schedule.window", num);
  fact(h, r, "schedule.assessor_names", b.assessors);
  snprintf(num, sizeof num, "%zu / %" PRId64, b.ncands, s.capacity);
  fact(h, r, "schedule.enrolled", num);
  if ('\0' != s.session_code[0]) {
    fact(h, r, "schedule.code", s.session_code);
  }
  HTML_LIT(h, "</dl>");
  json_decref(j);
  if (ROLE_ADMIN == r->user->role) {
    documents(h, r, id);
    import_section(h, r, id);
  }
  /* Check-in codes for the TUK: made here, printed on the attendance list. */
  html_fmt(h, "<h2 id=\"s-checkin\">%s</h2><p class=\"hint\">%s</p>", L(r, "attendance.section"),
           L(r, "attendance.section_hint"));
  snprintf(num, sizeof num, "/admin/schedules/%" PRId64 "/checkin-codes", id);
  layout_post_form(h, r, num);
  html_fmt(h,
           "<p><button type=\"submit\">%s</button> <a href=\"/admin/schedules/%" PRId64
           "/attendance\">%s</a></p></form>",
           L(r, "attendance.make"), id, L(r, "attendance.open"));
  html_fmt(h, "<h2 id=\"s-batch\">%s</h2>", L(r, "schedule.batch"));
  layout_table_begin(h, r, true, cols, sizeof cols / sizeof cols[0]);
  for (size_t i = 0; i < b.ncands; i++) {
    batch_row(h, r, id, i, &b.cands[i]);
  }
  HTML_LIT(h, "</tbody></table></div>");
  bnsp_batch_clear(&b);
  return layout_reply_with_back(r, h, "/admin/schedules");
}
