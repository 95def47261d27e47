/*
 * Test events over the JSON API: schedules (create, list, one with its batch), bulk
 * enrolment (dry run and commit), attendance, the BNSP documents and the import templates,
 * and a candidate's own schedules. The rules are common/schedule.c's, common/enrolment.c's
 * and common/bnsp_outputs.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bnsp_outputs.h"
#include "common/checkin.h"
#include "common/enrolment.h"
#include "common/schedule.h"
#include "http/handlers.h"
#include "http/layout.h"
#include "http/pager.h"
#include "ujikom/sheet.h"
#include "ujikom/timefmt.h"

/* The most assessors a create request lists. */
#define ASSESSORS_MAX SCHEDULE_MAX_ASSESSORS

static int reply_schedule_rc(struct req *r, enum schedule_rc rc, int store_rc, const char *field) {
  char detail[160];
  switch (rc) {
  case SCHEDULE_BAD_FIELD:
    snprintf(detail, sizeof detail, "%s: %s", field,
             0 == strcmp(field, "opens") || 0 == strcmp(field, "closes")
                 ? "a time HH:MM of the TUK's day (closes after opens)."
             : 0 == strcmp(field, "date")         ? "a date YYYY-MM-DD."
             : 0 == strcmp(field, "time_zone")    ? "WIB, WITA or WIT."
             : 0 == strcmp(field, "capacity")     ? "a whole number from 1 to 5000."
             : 0 == strcmp(field, "session_code") ? "4 to 32 letters and digits, or empty."
             : 0 == strcmp(field, "assessors")    ? "at most 20 assessor ids."
                                                  : "1 to 200 characters of text.");
    return reply_error(r, ERR_INVALID_FIELD, detail);
  case SCHEDULE_EXAM_NOT_FOUND:
    return reply_error(r, ERR_EXAM_NOT_FOUND, NULL);
  case SCHEDULE_NOT_ASSESSOR:
    return reply_error(r, ERR_NOT_AN_ASSESSOR, NULL);
  case SCHEDULE_NOT_FOUND:
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  case SCHEDULE_NOT_ENROLLED:
    return reply_error(r, ERR_NOT_ENROLLED, NULL);
  case SCHEDULE_MARKED_ALREADY:
    return reply_error(r, ERR_ATTENDANCE_MARKED, NULL);
  default:
    return reply_store_error(r, store_rc, "schedule");
  }
}

/* A whole number given as a JSON integer or as digits (a form's field). */
static bool member_int(const json_t *obj, const char *name, int64_t *out) {
  json_t *v = json_object_get(obj, name);
  if (json_is_integer(v)) {
    *out = (int64_t)json_integer_value(v);
    return true;
  }
  const char *s = json_member_str(obj, name);
  char *end = NULL;
  if (NULL == s || '\0' == s[0]) {
    return false;
  }
  errno = 0;
  long long n = strtoll(s, &end, 10);
  if (0 != errno || '\0' != *end) {
    return false;
  }
  *out = (int64_t)n;
  return true;
}

/* "assessors": an array of ids, or a form's text "3, 4". false when malformed. */
static bool assessor_ids(const json_t *obj, int64_t ids[ASSESSORS_MAX], size_t *n) {
  json_t *v = json_object_get(obj, "assessors");
  *n = 0;
  if (NULL == v) {
    return true;
  }
  if (json_is_array(v)) {
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
      if (!json_is_integer(e) || *n >= ASSESSORS_MAX) {
        return false;
      }
      ids[(*n)++] = (int64_t)json_integer_value(e);
    }
    return true;
  }
  const char *s = json_member_str(obj, "assessors");
  while (NULL != s && '\0' != *s) {
    char *end = NULL;
    errno = 0;
    long long id = strtoll(s, &end, 10);
    if (0 != errno || end == s || id <= 0 || *n >= ASSESSORS_MAX) {
      return false;
    }
    ids[(*n)++] = (int64_t)id;
    s = end + strspn(end, " ,");
  }
  return NULL != s;
}

/* POST /api/schedules */
int h_schedules_create(struct req *r) {
  int64_t ids[ASSESSORS_MAX], id = 0, capacity = 0;
  size_t n = 0;
  int store_rc = STORE_OK;
  const char *field = NULL;
  if (!reply_need_object(r)) {
    return 0;
  }
  if (!member_int(r->json, "capacity", &capacity)) {
    return reply_error(r, ERR_INVALID_FIELD, "capacity: a whole number from 1 to 5000.");
  }
  if (!assessor_ids(r->json, ids, &n)) {
    return reply_error(r, ERR_INVALID_FIELD, "assessors: at most 20 assessor ids.");
  }
  const struct schedule_new in = {.exam_id = json_member_str(r->json, "exam_id"),
                                  .title = json_member_str(r->json, "title"),
                                  .tuk_name = json_member_str(r->json, "tuk_name"),
                                  .tuk_address = json_member_str(r->json, "tuk_address"),
                                  .time_zone = json_member_str(r->json, "time_zone"),
                                  .date = json_member_str(r->json, "date"),
                                  .opens = json_member_str(r->json, "opens"),
                                  .closes = json_member_str(r->json, "closes"),
                                  .session_code = json_member_str(r->json, "session_code"),
                                  .capacity = capacity,
                                  .assessors = ids,
                                  .nassessors = n};
  enum schedule_rc rc = schedule_create(&id, r->svc, r->user->id, &in, &field, &store_rc);
  if (SCHEDULE_OK != rc) {
    return reply_schedule_rc(r, rc, store_rc, field);
  }
  struct store_schedule s;
  rc = schedule_get(&s, r->svc, r->user->id, r->user->role, id, &store_rc);
  if (SCHEDULE_OK != rc) {
    return reply_schedule_rc(r, rc, store_rc, NULL);
  }
  return reply_json(r, 201, json_pack("{s:o}", "schedule", schedule_to_json(&s, true)));
}

/* The JSON array of a list a schedule_list* call made (freed here); NULL when out of
 * memory. */
static json_t *schedules_json(struct store_schedule *list, size_t n, bool staff) {
  json_t *arr = json_array();
  for (size_t i = 0; NULL != arr && i < n; i++) {
    json_array_append_new(arr, schedule_to_json(&list[i], staff));
  }
  store_schedule_list_free(list, n);
  return arr;
}

/* GET /api/schedules[?before=ID]: a page of the list, and where the next one starts. */
int h_schedules_list(struct req *r) {
  struct store_schedule *list = NULL;
  size_t n = 0;
  int64_t before = 0, next = 0;
  int store_rc = STORE_OK;
  if (!pager_cursor(r, "before", &before)) {
    return 0; /* answered (400) */
  }
  enum schedule_rc rc =
      schedule_list(&list, &n, &next, r->svc, r->user->id, r->user->role, before, &store_rc);
  if (SCHEDULE_OK != rc) {
    return reply_schedule_rc(r, rc, store_rc, NULL);
  }
  json_t *arr = schedules_json(list, n, true);
  if (NULL == arr) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200,
                    json_pack("{s:o, s:o}", "schedules", arr, "next_before",
                              next > 0 ? json_integer((json_int_t)next) : json_null()));
}

static const char *const standing_names[] = {[BNSP_ABSENT] = "absent",
                                             [BNSP_PRESENT] = "present",
                                             [BNSP_OPEN] = "open",
                                             [BNSP_PENDING] = "pending",
                                             [BNSP_DECIDED] = "decided"};

/* GET /api/schedules/:id: the schedule, its assessors and its batch with each candidate's
 * standing (the assessor's queue of the batch). */
int h_schedules_get(struct req *r) {
  int64_t id = 0;
  int store_rc = STORE_OK;
  struct store_schedule s;
  struct bnsp_batch b;
  if (!reply_need_id(r, ERR_SCHEDULE_NOT_FOUND, &id)) {
    return 0;
  }
  enum schedule_rc rc = schedule_get(&s, r->svc, r->user->id, r->user->role, id, &store_rc);
  if (SCHEDULE_OK != rc) {
    return reply_schedule_rc(r, rc, store_rc, NULL);
  }
  if (BNSP_OK != bnsp_batch_load(&b, r->svc, id, r->now_ms, &store_rc)) {
    return reply_store_error(r, store_rc, __func__);
  }
  json_t *cands = json_array();
  for (size_t i = 0; NULL != cands && i < b.ncands; i++) {
    const struct bnsp_candidate *c = &b.cands[i];
    json_array_append_new(cands, json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:s}", "user_id",
                                           (json_int_t)c->user_id, "name", c->name, "email",
                                           c->email, "attempt_id", (json_int_t)c->attempt_id,
                                           "standing", standing_names[c->standing], "present",
                                           BNSP_ABSENT != c->standing, "recommendation",
                                           bnsp_recommendation(c)));
  }
  json_t *j = json_pack("{s:o, s:s, s:o}", "schedule", schedule_to_json(&s, true), "assessors",
                        b.assessors, "candidates", NULL == cands ? json_null() : cands);
  bnsp_batch_clear(&b);
  return reply_json(r, 200, j);
}

/* POST /api/schedules/:id/attendance/:user */
int h_schedules_attendance(struct req *r) {
  int64_t id = 0, user = 0;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_SCHEDULE_NOT_FOUND, &id)) {
    return 0;
  }
  if (r->nparams < 2 || !parse_id(r->params[1], &user)) {
    return reply_error(r, ERR_NOT_ENROLLED, NULL);
  }
  enum schedule_rc rc =
      schedule_mark_attended(r->svc, r->user->id, r->user->role, id, user, &store_rc);
  if (SCHEDULE_OK != rc) {
    return reply_schedule_rc(r, rc, store_rc, NULL);
  }
  return reply_json(r, 200,
                    json_pack("{s:I, s:I, s:b}", "schedule_id", (json_int_t)id, "user_id",
                              (json_int_t)user, "present", 1));
}

/* ------------------------------------------------------------------ import */

/* A problem's sentence in the request's language: "baris 17: e-mail sudah dipakai". */
static void issue_message(char *out, size_t len, const struct req *r,
                          const struct enrol_issue *is) {
  char key[64], col[8];
  snprintf(key, sizeof key, "enrol.reason.%s", enrolment_reason_name(is->reason));
  int n = snprintf(out, len, "%s %zu: %s", L(r, "enrol.row"), is->row, L(r, key));
  if (n < 0 || (size_t)n >= len) {
    return;
  }
  if (ENROL_EMAIL_REPEATED == is->reason) {
    snprintf(out + n, len - (size_t)n, " %s %zu", L(r, "enrol.row"), is->other_row);
  } else if (ENROL_FORMULA == is->reason && is->column > 0) {
    sheet_column_name(col, sizeof col, is->column);
    snprintf(out + n, len - (size_t)n, " (%s %s)", L(r, "enrol.column"), col);
  }
}

static json_t *report_json(const struct req *r, const struct enrol_report *rep) {
  json_t *problems = json_array(), *links = json_array();
  char msg[300], when[32];
  for (size_t i = 0; NULL != problems && i < rep->nissues; i++) {
    const struct enrol_issue *is = &rep->issues[i];
    issue_message(msg, sizeof msg, r, is);
    json_t *p = json_pack("{s:I, s:s, s:s}", "row", (json_int_t)is->row, "reason",
                          enrolment_reason_name(is->reason), "message", msg);
    if (NULL != p && ENROL_EMAIL_REPEATED == is->reason) {
      json_object_set_new(p, "other_row", json_integer((json_int_t)is->other_row));
    }
    json_array_append_new(problems, p);
  }
  for (size_t i = 0; NULL != links && i < rep->nlinks; i++) {
    const struct enrol_link *l = &rep->links[i];
    iso_time(when, sizeof when, l->expires_ms);
    json_array_append_new(links,
                          json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t)l->row,
                                    "user_id", (json_int_t)l->user_id, "name", l->name, "email",
                                    l->email, "url", l->url, "expires_at", when));
  }
  return json_pack("{s:b, s:I, s:I, s:I, s:I, s:o, s:o, s:b, s:b, s:I}", "committed",
                   rep->committed, "rows", (json_int_t)rep->rows, "new_accounts",
                   (json_int_t)rep->new_accounts, "existing_accounts",
                   (json_int_t)rep->existing_accounts, "room", (json_int_t)rep->room, "problems",
                   NULL == problems ? json_null() : problems, "links",
                   NULL == links ? json_null() : links, "mailing", rep->mailing, "mailed",
                   rep->mailed, "mailed_links", (json_int_t)rep->mailed_links);
}

/* POST /api/schedules/:id/import[?commit=1]: the body is the file itself (CSV or XLSX). */
int h_schedules_import(struct req *r) {
  int64_t id = 0;
  struct enrol_report rep;
  char detail[320];
  if (!reply_need_id(r, ERR_SCHEDULE_NOT_FOUND, &id)) {
    return 0;
  }
  if (NULL == r->body || 0 == r->body_len) {
    return reply_error(r, ERR_IMPORT_UNREADABLE, "The body must be the CSV or XLSX file.");
  }
  const char *commit = req_query(r, "commit");
  bool write = NULL != commit && 0 == strcmp(commit, "1");
  enrolment_import(&rep, r->svc, r->user->id, id, r->body, r->body_len, write);
  int ret = 0;
  switch (rep.rc) {
  case ENROL_OK:
    ret = reply_json(r, write ? 201 : 200, report_json(r, &rep));
    break;
  case ENROL_PROBLEMS: {
    json_t *j = report_json(r, &rep);
    json_object_set_new(j, "error", json_string("import_refused"));
    json_object_set_new(j, "message", json_string(L(r, "err.import_refused")));
    ret = reply_json(r, err_status(ERR_IMPORT_REFUSED), j);
    break;
  }
  case ENROL_UNREADABLE:
    ret = reply_error(r, ERR_IMPORT_UNREADABLE, rep.file_error);
    break;
  case ENROL_TOO_LARGE:
    ret = reply_error(r, ERR_IMPORT_TOO_LARGE, rep.file_error);
    break;
  case ENROL_NO_HEADER:
    ret = reply_error(r, ERR_IMPORT_UNREADABLE,
                      "The first row must name the columns: nama (or name) and email.");
    break;
  case ENROL_EMPTY:
    ret = reply_error(r, ERR_IMPORT_UNREADABLE, "The file has a header row and no candidates.");
    break;
  case ENROL_OVER_CAPACITY:
    snprintf(detail, sizeof detail,
             "The file lists %zu candidates; the schedule has room for %lld more.", rep.rows,
             (long long)rep.room);
    ret = reply_error(r, ERR_CONFLICT, detail);
    break;
  case ENROL_SCHEDULE_NOT_FOUND:
    ret = reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
    break;
  case ENROL_STORE_FAILED:
    ret = reply_store_error(r, rep.store_rc, __func__);
    break;
  default:
    ret = reply_error(r, ERR_INTERNAL, NULL);
    break;
  }
  enrolment_report_free(&rep);
  return ret;
}

/* ------------------------------------------------------------------ documents */

static int reply_document(struct req *r, enum bnsp_format format, const char *type,
                          const char *name) {
  int64_t id = 0;
  unsigned char *doc = NULL;
  size_t len = 0;
  int store_rc = STORE_OK;
  char disposition[128];
  if (!reply_need_id(r, ERR_SCHEDULE_NOT_FOUND, &id)) {
    return 0;
  }
  switch (bnsp_document(&doc, &len, r->svc, id, format, r->now_ms, &store_rc)) {
  case BNSP_OK:
    break;
  case BNSP_NOT_FOUND:
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  case BNSP_STORE_FAILED:
    return reply_store_error(r, store_rc, __func__);
  default:
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%lld.%s\"", name,
           (long long)id,
           BNSP_XLSX == format  ? "xlsx"
           : BNSP_PDF == format ? "pdf"
                                : "csv");
  reply_header(r, "Content-Disposition", disposition);
  return reply_bytes_owned(r, 200, type, doc, len);
}

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* GET /api/schedules/:id/blank-request.xlsx */
int h_schedules_blank_request(struct req *r) {
  return reply_document(r, BNSP_XLSX, XLSX_TYPE, "permohonan-blanko");
}

/* GET /api/schedules/:id/berita-acara.pdf */
int h_schedules_minutes(struct req *r) {
  return reply_document(r, BNSP_PDF, "application/pdf", "berita-acara");
}

/* GET /api/schedules/:id/results.csv */
int h_schedules_results(struct req *r) {
  return reply_document(r, BNSP_CSV, "text/csv; charset=utf-8; header=present", "hasil");
}

/* GET /api/enrolment-template.csv */
int h_schedules_template_csv(struct req *r) {
  const char *t = enrolment_template_csv();
  reply_header(r, "Content-Disposition", "attachment; filename=\"templat-peserta.csv\"");
  return reply_bytes(r, 200, "text/csv; charset=utf-8; header=present", t, strlen(t));
}

/* GET /api/enrolment-template.xlsx */
int h_schedules_template_xlsx(struct req *r) {
  unsigned char *doc = NULL;
  size_t len = 0;
  if (BNSP_OK != bnsp_template_xlsx(&doc, &len)) {
    free(doc);
    doc = NULL;
  }
  return reply_download(r, XLSX_TYPE, "templat-peserta.xlsx", doc, len);
}

/* GET /api/me/schedules: the candidate's own schedules (without session codes). */
int h_schedules_mine(struct req *r) {
  struct store_schedule *list = NULL;
  size_t n = 0;
  int store_rc = STORE_OK;
  enum schedule_rc rc = schedule_list_candidate(&list, &n, r->svc, r->user->id, &store_rc);
  if (SCHEDULE_OK != rc) {
    return reply_schedule_rc(r, rc, store_rc, NULL);
  }
  return reply_json_list(r, "schedules", schedules_json(list, n, false));
}

/* ------------------------------------------------------------------ check-in codes */

/* Body (optional) {"user_id": N}: a new code for that candidate only; without it, a code for
 * every enrolled candidate who has no unused one. The codes are in this answer only. */
int h_checkin_codes(struct req *r) {
  int64_t id = 0, user = 0;
  int store_rc = STORE_OK;
  if (!reply_need_id(r, ERR_SCHEDULE_NOT_FOUND, &id)) {
    return 0;
  }
  if (json_is_object(r->json) && NULL != json_object_get(r->json, "user_id") &&
      (!member_int(r->json, "user_id", &user) || user <= 0)) {
    return reply_error(r, ERR_INVALID_FIELD, "user_id: a candidate's id.");
  }
  struct checkin_issued *list = NULL;
  size_t n = 0;
  enum checkin_rc rc =
      checkin_codes_make(&list, &n, r->svc, r->user->id, r->user->role, id, user, &store_rc);
  switch (rc) {
  case CHECKIN_OK:
    break;
  case CHECKIN_NOT_FOUND:
    return reply_error(r, ERR_SCHEDULE_NOT_FOUND, NULL);
  case CHECKIN_NOT_ENROLLED:
    return reply_error(r, ERR_NOT_ENROLLED, NULL);
  case CHECKIN_STORE_FAILED:
    return reply_store_error(r, store_rc, "check-in codes");
  default:
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  json_t *codes = json_array();
  for (size_t i = 0; NULL != codes && i < n; i++) {
    json_array_append_new(codes, json_pack("{s:I, s:s, s:s, s:s}", "user_id",
                                           (json_int_t)list[i].user_id, "name", list[i].name,
                                           "email", list[i].email, "code", list[i].code));
  }
  checkin_issued_free(list, n);
  reply_header(r, "Cache-Control", "no-store");
  return reply_json(r, 201,
                    json_pack("{s:I, s:I, s:o*}", "schedule_id", (json_int_t)id, "count",
                              (json_int_t)n, "codes", codes));
}
