/*
 * The applications JSON API (FR.APL.01 + FR.APL.02): a candidate applies for an exam and
 * reads their application; assessors and administrators list, read and decide eligibility.
 * The NIK is shown masked unless the reader asks for it (?reveal=nik). The rules are in
 * common/application.c; these parse the request and shape the answers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/api_time.h"
#include "common/application.h"
#include "http/handlers.h"
#include "http/pager.h"

int reply_application(struct req *r, enum application_rc rc, const struct application_err *err,
                      const char *what) {
  switch (rc) {
  case APPLICATION_EXAM_NOT_FOUND:
    return reply_error(r, ERR_EXAM_NOT_FOUND, NULL);
  case APPLICATION_NOT_FOUND:
    return reply_error(r, ERR_APPLICATION_NOT_FOUND, NULL);
  case APPLICATION_INVALID:
    return reply_error(r, ERR_INVALID_FIELD, err->why);
  case APPLICATION_LOCKED:
    return reply_error(r, ERR_APPLICATION_LOCKED, NULL);
  case APPLICATION_NOT_PENDING:
    return reply_error(r, ERR_APPLICATION_DECIDED, NULL);
  case APPLICATION_NO_KEY:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  case APPLICATION_STORE_FAILED:
    return reply_store_error(r, err->store_rc, what);
  case APPLICATION_OK:
  case APPLICATION_INTERNAL:
    break;
  }
  return reply_error(r, ERR_INTERNAL, NULL);
}

/* Whether the request asks to see the NIK in full. */
static bool wants_nik(const struct req *r) {
  const char *reveal = req_query(r, "reveal");
  return NULL != reveal && 0 == strcmp(reveal, "nik");
}

static int reply_view(struct req *r, unsigned status, const struct application_view *v,
                      bool staff) {
  json_t *body = application_view_json(v, staff);
  return NULL == body ? reply_error(r, ERR_INTERNAL, NULL)
                      : reply_json(r, status, json_pack("{s:o}", "application", body));
}

/* POST /api/exams/:id/application */
int h_application_submit(struct req *r) {
  struct application_err err;
  struct application_view v;
  int64_t id = 0;
  if (!reply_need_object(r)) {
    return 0; /* answered */
  }
  enum application_rc rc =
      application_submit(&id, r->svc, r->user->id, r->params[0], r->json, r->now_ms, &err);
  if (APPLICATION_OK == rc) {
    rc = application_own(&v, r->svc, r->user->id, r->params[0], false, &err);
  }
  if (APPLICATION_OK != rc) {
    return reply_application(r, rc, &err, __func__);
  }
  int ret = reply_view(r, 201, &v, false);
  application_view_clear(&v);
  return ret;
}

/* GET /api/exams/:id/application */
int h_application_own(struct req *r) {
  struct application_err err;
  struct application_view v;
  enum application_rc rc =
      application_own(&v, r->svc, r->user->id, r->params[0], wants_nik(r), &err);
  if (APPLICATION_OK != rc) {
    return reply_application(r, rc, &err, __func__);
  }
  int ret = reply_view(r, 200, &v, false);
  application_view_clear(&v);
  return ret;
}

/* GET /api/applications/:id */
int h_application_get(struct req *r) {
  struct application_err err;
  struct application_view v;
  int64_t id = 0;
  if (!reply_need_id(r, ERR_APPLICATION_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  enum application_rc rc = application_for_staff(
      &v, r->svc, r->user->id, ROLE_ADMIN == r->user->role, id, wants_nik(r), &err);
  if (APPLICATION_OK != rc) {
    return reply_application(r, rc, &err, __func__);
  }
  int ret = reply_view(r, 200, &v, true);
  application_view_clear(&v);
  return ret;
}

/* A listed application: who, which exam, where it stands (no personal data). */
static json_t *list_entry_json(const struct store_application *a) {
  return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:s?}", "id", (json_int_t)a->id, "candidate_id",
                   (json_int_t)a->user_id, "exam_id", a->exam_id, "status", a->status,
                   "submitted_at", json_time(a->submitted_ms), "decided_at",
                   json_time(a->decided_ms), "reason", a->reason);
}

/* GET /api/applications[?status=&after=ID] */
int h_application_list(struct req *r) {
  struct application_err err;
  struct store_application *list = NULL;
  size_t n = 0;
  int64_t after = 0, next = 0;
  if (!pager_cursor(r, "after", &after)) {
    return 0; /* answered (400) */
  }
  enum application_rc rc =
      application_list(&list, &n, &next, r->svc, r->user->id, ROLE_ADMIN == r->user->role,
                       req_query(r, "status"), after, &err);
  if (APPLICATION_OK != rc) {
    return reply_application(r, rc, &err, __func__);
  }
  json_t *items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++) {
    if (0 != json_array_append_new(items, list_entry_json(&list[i]))) {
      json_decref(items);
      items = NULL;
    }
  }
  store_application_list_free(list, n);
  return NULL == items
             ? reply_error(r, ERR_INTERNAL, NULL)
             : reply_json(r, 200,
                          json_pack("{s:o, s:o}", "applications", items, "next_after",
                                    next > 0 ? json_integer((json_int_t)next) : json_null()));
}

/* POST /api/applications/:id/decision {"outcome": "eligible" | "not_yet", "reason"} */
int h_application_decide(struct req *r) {
  struct application_err err;
  struct store_application a;
  int64_t id = 0;
  if (!reply_need_id(r, ERR_APPLICATION_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  enum application_rc rc =
      application_decide(&a, r->svc, r->user->id, ROLE_ADMIN == r->user->role, id,
                         json_string_value(json_object_get(r->json, "outcome")),
                         json_string_value(json_object_get(r->json, "reason")), &err);
  if (APPLICATION_OK != rc) {
    return reply_application(r, rc, &err, __func__);
  }
  json_t *body = list_entry_json(&a);
  if (NULL != body) {
    json_object_set_new(body, "decided_by", json_integer(a.decided_by));
  }
  store_application_clear(&a);
  return NULL == body ? reply_error(r, ERR_INTERNAL, NULL)
                      : reply_json(r, 200, json_pack("{s:o}", "application", body));
}
