/*
 * The appeals JSON API (banding, FR.AK.04): a candidate appeals a decided result, an
 * administrator lists appeals and assigns one to a second assessor, whose decision (made
 * through the reviews API) then stands. The rules are in the reviews module.
 */
#include <string.h>

#include "common/reviews.h"
#include "http/handlers.h"
#include "http/pager.h"

/* Answers {"appeal": ...} with status and frees the appeal. */
static int reply_appeal(struct req *r, unsigned status, struct store_appeal *a) {
  json_t *body = json_pack("{s:o}", "appeal", reviews_appeal_json(a));
  store_appeal_clear(a);
  return reply_json(r, status, body);
}

/* POST /api/attempts/:id/appeal {"reason": "..."} */
int h_appeals_create(struct req *r) {
  struct store_appeal a;
  struct reviews_err err;
  json_t *reason = NULL;
  int64_t id = 0;
  enum reviews_rc rc;
  if (!reply_need_id(r, ERR_ATTEMPT_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  reason = json_object_get(r->json, "reason");
  rc = reviews_appeal_file(&a, r->svc, id, r->user->id,
                           json_is_string(reason) &&
                                   strlen(json_string_value(reason)) == json_string_length(reason)
                               ? json_string_value(reason)
                               : NULL,
                           r->now_ms, &err);
  if (REVIEWS_OK != rc) {
    return reply_reviews(r, rc, &err, __func__);
  }
  return reply_appeal(r, 201, &a);
}

/* GET /api/admin/appeals[?status=&after=ID] */
int h_appeals_list(struct req *r) {
  const char *status_text = req_query(r, "status");
  enum appeal_status status = APPEAL_OPEN;
  struct store_appeal *list = NULL;
  struct reviews_err err;
  size_t n = 0;
  int64_t after = 0;
  json_t *items = NULL;
  enum reviews_rc rc;
  if (NULL != status_text && !appeal_status_parse(status_text, &status)) {
    return reply_error(r, ERR_INVALID_FIELD, "status: one of open, assigned, decided.");
  }
  if (!pager_cursor(r, "after", &after)) {
    return 0; /* answered (400) */
  }
  int64_t next = 0;
  rc = reviews_appeal_list(&list, &n, &next, r->svc, NULL == status_text ? NULL : &status, false,
                           after, REVIEWS_APPEAL_LIST_MAX, &err);
  if (REVIEWS_OK != rc) {
    return reply_reviews(r, rc, &err, __func__);
  }
  items = json_array();
  for (size_t i = 0; NULL != items && i < n; i++) {
    json_array_append_new(items, reviews_appeal_json(&list[i]));
  }
  store_appeal_list_free(list, n);
  if (NULL == items) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200,
                    json_pack("{s:o, s:o}", "items", items, "next_after",
                              next > 0 ? json_integer((json_int_t)next) : json_null()));
}

/* POST /api/admin/appeals/:id/assign {"assessor_id": N} */
int h_appeals_assign(struct req *r) {
  struct store_appeal a;
  struct reviews_err err;
  json_t *who = NULL;
  int64_t id = 0, assessor = 0;
  enum reviews_rc rc;
  if (!reply_need_id(r, ERR_APPEAL_NOT_FOUND, &id) || !reply_need_object(r)) {
    return 0; /* answered */
  }
  who = json_object_get(r->json, "assessor_id");
  /* A number, or its decimal text (what an HTML form without JavaScript sends). */
  if (json_is_integer(who) && json_integer_value(who) > 0) {
    assessor = (int64_t)json_integer_value(who);
  } else if (!json_is_string(who) || !parse_id(json_string_value(who), &assessor)) {
    return reply_error(r, ERR_INVALID_FIELD, "assessor_id: the id of an assessor account.");
  }
  rc = reviews_appeal_assign(&a, r->svc, id, assessor, r->user->id, &err);
  if (REVIEWS_OK != rc) {
    return reply_reviews(r, rc, &err, __func__);
  }
  return reply_appeal(r, 200, &a);
}
