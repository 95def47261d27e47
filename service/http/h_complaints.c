/*
 * The complaints JSON API (pengaduan, ISO/IEC 17024 9.9): anyone lodges a complaint, reads
 * its status and replies through the private token it was given; a signed-in account lists
 * its own; an
 * administrator lists, takes, notes and closes them. The page forms of the staff actions come
 * through these same handlers (h_page_form_bridge). Who may do what, the texts' rules, the
 * audit entries and the mails are the complaints module's (common/complaints.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/complaints.h"
#include "common/log.h"
#include "http/layout.h"
#include "http/page_time.h"
#include "ujikom/csv.h"
#include "http/handlers.h"
#include "http/pager.h"
#include "http/ratelimit.h"

void h_complaints_quota(struct complaints_quota *q, char key[H_COMPLAINTS_KEY_MAX],
                        const struct req *r) {
  if (NULL != r->user) {
    snprintf(key, H_COMPLAINTS_KEY_MAX, "complaint:user:%" PRId64, r->user->id);
  } else {
    snprintf(key, H_COMPLAINTS_KEY_MAX, "complaint:ip:%s",
             NULL != r->client_ip ? r->client_ip : "-");
  }
  *q = (struct complaints_quota){.key = key, .per_hour = r->svc->cfg->complaints_per_hour};
}

int h_complaints_limited(struct req *r, const struct complaints_quota *q) {
  log_msg(LOG_INFO, r->request_id, "rate limited: %s", q->key);
  return ratelimit_reply(r, q->retry_after_s);
}

void h_complaints_as_account(const struct req *r, struct complaints_lodging *in) {
  if (NULL != r->user) {
    in->user_id = r->user->id;
    in->name = NULL != in->name ? in->name : r->user->name;
    in->email = NULL != in->email ? in->email : r->user->email;
  }
}

int h_complaints_refused(struct req *r, enum complaints_rc rc, const char *why, int store_rc,
                         const char *what) {
  switch (rc) {
  case COMPLAINTS_INVALID_FIELD:
    return reply_error(r, ERR_INVALID_FIELD, NULL != why && '\0' != why[0] ? why : NULL);
  case COMPLAINTS_NOT_FOUND:
    return reply_error(r, ERR_COMPLAINT_NOT_FOUND, NULL);
  case COMPLAINTS_OWN:
    return reply_error(r, ERR_OWN_COMPLAINT, NULL);
  case COMPLAINTS_NOT_RECEIVED:
    return reply_error(r, ERR_COMPLAINT_TAKEN, NULL);
  case COMPLAINTS_NOT_IN_REVIEW:
    return reply_error(r, ERR_COMPLAINT_NOT_IN_REVIEW, NULL);
  case COMPLAINTS_CLOSED:
    return reply_error(r, ERR_COMPLAINT_CLOSED, NULL);
  case COMPLAINTS_STORE_FAILED:
    return reply_store_error(r, store_rc, what);
  case COMPLAINTS_LIMITED: /* h_complaints_limited's: the caller holds the quota */
  case COMPLAINTS_OK:
    break;
  }
  log_msg(LOG_ERROR, r->request_id, "%s: unexpected complaints outcome %d", what, (int)rc);
  return reply_error(r, ERR_INTERNAL, NULL);
}

/* Member name of the body as text into *out: NULL when absent or null; false, with 400
 * answered, when it is there but not text (or text holding a NUL byte). */
static bool optional_text(struct req *r, const char *name, const char **out) {
  const json_t *v = json_object_get(r->json, name);
  char why[96];
  *out = NULL;
  if (NULL == v || json_is_null(v)) {
    return true;
  }
  *out = json_member_str(r->json, name);
  if (NULL != *out) {
    return true;
  }
  snprintf(why, sizeof why, "%s: must be text.", name);
  reply_error(r, ERR_INVALID_FIELD, why);
  return false;
}

/* Answers {"complaint": <the view>} with status, and frees the complaint and its notes. */
static int reply_complaint(struct req *r, unsigned status, struct store_complaint *c,
                           struct store_complaint_note *notes, size_t n, bool staff) {
  json_t *view = complaints_json(c, notes, n, staff);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(c);
  json_t *body = NULL != view ? json_pack("{s:o}", "complaint", view) : NULL;
  return NULL != body ? reply_json(r, status, body) : reply_error(r, ERR_INTERNAL, NULL);
}

/* POST /api/complaints {"name","email","category","about","body"}: 201 with the
 * complainant's view, the status link and its token. */
int h_complaints_create(struct req *r) {
  struct complaints_lodging in = {0};
  struct complaints_quota q;
  struct store_complaint c;
  char why[256] = "", key[H_COMPLAINTS_KEY_MAX];
  char url[COMPLAINTS_URL_MAX];
  int store_rc = STORE_OK;
  if (!reply_need_object(r) || !optional_text(r, "name", &in.name) ||
      !optional_text(r, "email", &in.email) || !optional_text(r, "category", &in.category) ||
      !optional_text(r, "about", &in.about) || !optional_text(r, "body", &in.body)) {
    return 0; /* answered */
  }
  h_complaints_as_account(r, &in);
  h_complaints_quota(&q, key, r);
  enum complaints_rc rc = complaints_lodge(&c, r->svc, &in, &q, why, sizeof why, &store_rc);
  if (COMPLAINTS_LIMITED == rc) {
    return h_complaints_limited(r, &q);
  }
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, why, store_rc, __func__);
  }
  if (!complaints_url(url, r->svc->cfg->public_url, c.token)) {
    store_complaint_clear(&c);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  json_t *view = complaints_json(&c, NULL, 0, false);
  json_t *body = NULL != view ? json_pack("{s:o, s:s, s:s}", "complaint", view, "status_url", url,
                                          "token", c.token)
                              : NULL;
  store_complaint_clear(&c);
  return NULL != body ? reply_json(r, 201, body) : reply_error(r, ERR_INTERNAL, NULL);
}

/* GET /api/complaints/:token: the complainant's view with the notes shown to them. */
int h_complaints_status(struct req *r) {
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int store_rc = STORE_OK;
  enum complaints_rc rc = complaints_open(&c, &notes, &n, r->svc, r->params[0], &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, NULL, store_rc, __func__);
  }
  reply_header(r, "X-Robots-Tag", "noindex");
  return reply_complaint(r, 200, &c, notes, n, false);
}

/* POST /api/complaints/:token/replies {"text"}: the complainant answers while the complaint
 * is open; 201 with their view and the notes shown to them, the reply last. Replies count in
 * the lodging's bucket (--complaints-per-hour), so they cannot flood the queue either. */
int h_complaints_reply(struct req *r) {
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  struct complaints_quota q;
  size_t n = 0;
  char why[256] = "", key[H_COMPLAINTS_KEY_MAX];
  const char *text = NULL;
  int store_rc = STORE_OK;
  if (!reply_need_object(r) || !optional_text(r, "text", &text)) {
    return 0; /* answered */
  }
  h_complaints_quota(&q, key, r);
  enum complaints_rc rc =
      complaints_reply(&c, r->svc, r->params[0], text, &q, why, sizeof why, &store_rc);
  if (COMPLAINTS_LIMITED == rc) {
    return h_complaints_limited(r, &q);
  }
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, why, store_rc, __func__);
  }
  store_complaint_clear(&c);
  rc = complaints_open(&c, &notes, &n, r->svc, r->params[0], &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, NULL, store_rc, __func__);
  }
  reply_header(r, "X-Robots-Tag", "noindex");
  return reply_complaint(r, 201, &c, notes, n, false);
}

/* GET /api/me/complaints: the caller's own complaints, newest first, each with its status
 * link (the token is theirs). */
int h_complaints_mine(struct req *r) {
  struct store_complaint *list = NULL;
  size_t n = 0;
  int store_rc = STORE_OK;
  enum complaints_rc rc = complaints_of_user(&list, &n, r->svc, r->user->id, &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, NULL, store_rc, __func__);
  }
  json_t *items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++) {
    char url[COMPLAINTS_URL_MAX];
    json_t *view = complaints_json(&list[i], NULL, 0, false);
    bool made = NULL != view && complaints_url(url, r->svc->cfg->public_url, list[i].token) &&
                0 == json_object_set_new(view, "status_url", json_string(url));
    if (!made) {
      json_decref(view);
    }
    /* json_array_append_new takes the view even when it fails */
    if (!made || 0 != json_array_append_new(items, view)) {
      json_decref(items);
      items = NULL;
    }
  }
  store_complaint_list_free(list, n);
  return reply_json_list(r, "items", items);
}

bool h_complaints_listing(struct req *r, struct complaints_listing *out) {
  enum complaint_status status = COMPLAINT_RECEIVED;
  memset(out, 0, sizeof *out);
  out->status_text = pager_query(r, "status");
  if (NULL != out->status_text && !complaint_status_parse(out->status_text, &status)) {
    reply_error(r, ERR_INVALID_FIELD, "status: one of received, in_review, closed.");
    return false;
  }
  if (!pager_cursor(r, "before", &out->before)) {
    return false; /* answered (400) */
  }
  out->rc = complaints_list(&out->list, &out->n, &out->next, out->counts, r->svc,
                            NULL == out->status_text ? NULL : &status, out->before, &out->store_rc);
  return true;
}

/* GET /api/admin/complaints[?status=received|in_review|closed&before=ID]: one page, newest
 * first, with the next page's cursor and how many complaints are in each status. */
int h_complaints_list(struct req *r) {
  struct complaints_listing page;
  if (!h_complaints_listing(r, &page)) {
    return 0; /* answered (400) */
  }
  if (COMPLAINTS_OK != page.rc) {
    return h_complaints_refused(r, page.rc, NULL, page.store_rc, __func__);
  }
  const struct store_complaint *list = page.list;
  const size_t n = page.n;
  const int64_t next = page.next, *counts = page.counts;
  json_t *items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++) {
    if (0 != json_array_append_new(items, complaints_json(&list[i], NULL, 0, true))) {
      json_decref(items);
      items = NULL;
    }
  }
  store_complaint_list_free(page.list, page.n);
  json_t *body = NULL == items
                     ? NULL
                     : json_pack("{s:o, s:o, s:{s:I, s:I, s:I}}", "items", items, "next_before",
                                 next > 0 ? json_integer((json_int_t)next) : json_null(), "counts",
                                 "received", (json_int_t)counts[COMPLAINT_RECEIVED], "in_review",
                                 (json_int_t)counts[COMPLAINT_IN_REVIEW], "closed",
                                 (json_int_t)counts[COMPLAINT_CLOSED]);
  return NULL != body ? reply_json(r, 200, body) : reply_error(r, ERR_INTERNAL, NULL);
}

/* The export's largest size: some 400,000 complaints. */
#define CSV_MAX_BYTES ((size_t)64 << 20)

struct csv_walk {
  const struct req *r;
  struct csv *csv;
  enum time_zone zone;
};

/* A time as the pages show it in the reader's zone; an empty cell for 0 (not yet). */
static void csv_time(struct csv_walk *w, int64_t ms) {
  char when[TIME_TEXT_SIZE] = "";
  if (ms > 0) {
    page_time(when, sizeof when, ms, w->zone, false);
  }
  csv_text(w->csv, when);
}

/* One complaint's row: what management review and the LSP's reports count (when, about
 * what, how it ended, how long it took, who handled it), never the complainant's name,
 * contact or words. */
static bool csv_row(const struct store_complaint *c, void *ctx) {
  struct csv_walk *w = ctx;
  const struct req *r = w->r;
  char ref[COMPLAINT_REF_SIZE];
  complaint_ref(ref, c->id);
  csv_text(w->csv, ref);
  csv_time(w, c->created_ms);
  csv_text(w->csv, layout_complaint_category_text(r, c->category));
  csv_text(w->csv, layout_complaint_status_text(r, c->status));
  csv_text(w->csv,
           COMPLAINT_CLOSED == c->status ? layout_complaint_outcome_text(r, c->outcome) : NULL);
  csv_time(w, c->taken_ms);
  csv_time(w, c->closed_ms);
  if (c->closed_ms > 0) {
    csv_number(w->csv, (double)(c->closed_ms - c->created_ms) / 86400000.0, 1);
  } else {
    csv_text(w->csv, NULL);
  }
  csv_text(w->csv, L(r, c->user_id > 0 ? "page.yes" : "page.no"));
  csv_text(w->csv, c->handler_name);
  csv_end_record(w->csv);
  return csv_length(w->csv) <= CSV_MAX_BYTES;
}

/* GET /api/admin/complaints/csv[?status=received|in_review|closed]: every complaint the
 * filter keeps, newest first, as CSV in the reader's language and time zone. */
int h_complaints_csv(struct req *r) {
  static const char *const headings[] = {"complaint.reference",     "complaint.received_at",
                                         "complaint.category",      "page.status",
                                         "complaint.outcome",       "complaint.taken_at",
                                         "complaint.closed_at",     "complaint.csv_days",
                                         "complaint.csv_signed_in", "complaint.handler"};
  const char *status_text = pager_query(r, "status");
  enum complaint_status status = COMPLAINT_RECEIVED;
  int store_rc = STORE_OK;
  size_t len = 0;
  if (NULL != status_text && !complaint_status_parse(status_text, &status)) {
    return reply_error(r, ERR_INVALID_FIELD, "status: one of received, in_review, closed.");
  }
  struct csv_walk w = {.r = r, .csv = csv_new(CSV_MAX_BYTES), .zone = page_zone(r)};
  if (NULL == w.csv) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  for (size_t i = 0; i < sizeof headings / sizeof headings[0]; i++) {
    csv_text(w.csv, L(r, headings[i]));
  }
  csv_end_record(w.csv);
  enum complaints_rc rc =
      complaints_each(r->svc, NULL == status_text ? NULL : &status, csv_row, &w, &store_rc);
  if (COMPLAINTS_OK != rc) {
    csv_free(w.csv);
    return h_complaints_refused(r, rc, NULL, store_rc, __func__);
  }
  char *text = csv_take(w.csv, &len); /* NULL past the largest size, too */
  if (NULL == text) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  reply_header(r, "Content-Disposition", "attachment; filename=\"pengaduan.csv\"");
  return reply_bytes_owned(r, 200, "text/csv; charset=utf-8; header=present", text, len);
}

/* GET /api/admin/complaints/:id: the staff view with every note. */
int h_complaints_get(struct req *r) {
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int64_t id = 0;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_COMPLAINT_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  enum complaints_rc rc = complaints_get(&c, &notes, &n, r->svc, id, &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, NULL, store_rc, __func__);
  }
  return reply_complaint(r, 200, &c, notes, n, true);
}

/* A yes/no member of the body (name): true, false or absent (false), or the text a form's
 * checkbox sends ("true", "on", "1"; "false", "off", "0"). False, with 400 answered, for
 * anything else. */
static bool body_flag(struct req *r, const char *name, bool *out) {
  static const char *const yes[] = {"true", "on", "1"}, *const no[] = {"false", "off", "0"};
  const json_t *v = json_object_get(r->json, name);
  char why[64];
  *out = false;
  if (NULL == v || json_is_null(v) || json_is_boolean(v)) {
    *out = json_is_true(v);
    return true;
  }
  const char *s = json_member_str(r->json, name);
  for (size_t i = 0; NULL != s && i < sizeof yes / sizeof yes[0]; i++) {
    if (0 == strcmp(s, yes[i]) || 0 == strcmp(s, no[i])) {
      *out = 0 == strcmp(s, yes[i]);
      return true;
    }
  }
  snprintf(why, sizeof why, "%s: true or false.", name);
  reply_error(r, ERR_INVALID_FIELD, why);
  return false;
}

/* POST /api/admin/complaints/:id/take {"not_involved": true}: the caller handles it from now
 * on, having declared they took no part in what it is about. */
int h_complaints_take(struct req *r) {
  struct store_complaint c;
  char why[256] = "";
  bool not_involved = false;
  int64_t id = 0;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_COMPLAINT_NOT_FOUND, &id) || !reply_need_object(r) ||
      !body_flag(r, "not_involved", &not_involved)) {
    return 0; /* answered */
  }
  enum complaints_rc rc =
      complaints_take(&c, r->svc, id, r->user->id, not_involved, why, sizeof why, &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, why, store_rc, __func__);
  }
  return reply_complaint(r, 200, &c, NULL, 0, true);
}

/* POST /api/admin/complaints/:id/notes {"text","shown"}: 201 with the complaint and its
 * notes. */
int h_complaints_note(struct req *r) {
  struct store_complaint c;
  char why[256] = "";
  const char *text = NULL;
  bool shown = false;
  int64_t id = 0;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_COMPLAINT_NOT_FOUND, &id) || !reply_need_object(r) ||
      !optional_text(r, "text", &text) || !body_flag(r, "shown", &shown)) {
    return 0; /* answered */
  }
  enum complaints_rc rc =
      complaints_note(&c, r->svc, id, r->user->id, shown, text, why, sizeof why, &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, why, store_rc, __func__);
  }
  return reply_complaint(r, 201, &c, NULL, 0, true);
}

/* POST /api/admin/complaints/:id/close {"outcome": "upheld"|"not_upheld", "text",
 * "not_involved": true}. */
int h_complaints_close(struct req *r) {
  struct store_complaint c;
  char why[256] = "";
  bool not_involved = false;
  const char *outcome = NULL, *text = NULL;
  int64_t id = 0;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_COMPLAINT_NOT_FOUND, &id) || !reply_need_object(r) ||
      !optional_text(r, "outcome", &outcome) || !optional_text(r, "text", &text) ||
      !body_flag(r, "not_involved", &not_involved)) {
    return 0; /* answered */
  }
  enum complaints_rc rc = complaints_close(&c, r->svc, id, r->user->id, not_involved, outcome, text,
                                           why, sizeof why, &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, why, store_rc, __func__);
  }
  return reply_complaint(r, 200, &c, NULL, 0, true);
}
