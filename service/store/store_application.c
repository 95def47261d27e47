/*
 * Applications and their eligibility decisions, for both backends.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum app_stmt {
  APP_PUT,
  APP_DECIDE,
  APP_GET,
  APP_BY_ID,
  APP_LIST,
  APP_ASSIGNED,
  APP_OF_USER,
  APP__MAX
};

#define APP_COLS                                                                                   \
  "id, user_id, exam_id, personal, nik_sealed, self_assessment, status, submitted_at, "            \
  "coalesce(decided_by, 0), coalesce(decided_at, 0), reason"
/* The list leaves the sealed NIK where it is. */
#define APP_LIST_COLS                                                                              \
  "id, user_id, exam_id, personal, NULL, self_assessment, status, submitted_at, "                  \
  "coalesce(decided_by, 0), coalesce(decided_at, 0), reason"

/* Assessor (parameter) p is assigned to a schedule of application a's exam in which its
 * candidate is enrolled. */
#define ASSIGNED(p)                                                                                \
  "SELECT 1 FROM schedules s JOIN schedule_enrolments e ON e.schedule_id = s.id "                  \
  "JOIN schedule_assessors x ON x.schedule_id = s.id WHERE s.exam_id = a.exam_id "                 \
  "AND e.user_id = a.user_id AND x.user_id = " p

static const char *const app_sqls[APP__MAX] = {
    [APP_PUT] = "INSERT INTO applications(user_id, exam_id, personal, nik_sealed, "
                "self_assessment, status, submitted_at) VALUES(?1, ?2, ?3, ?4, ?5, 'pending', ?6) "
                "ON CONFLICT(user_id, exam_id) DO UPDATE SET personal = excluded.personal, "
                "nik_sealed = excluded.nik_sealed, self_assessment = excluded.self_assessment, "
                "status = 'pending', submitted_at = excluded.submitted_at, decided_by = NULL, "
                "decided_at = NULL, reason = NULL",
    [APP_DECIDE] = "UPDATE applications SET status = ?2, decided_by = ?3, decided_at = ?4, "
                   "reason = ?5 WHERE id = ?1",
    [APP_GET] = "SELECT " APP_COLS " FROM applications WHERE user_id = ?1 AND exam_id = ?2",
    [APP_BY_ID] = "SELECT " APP_COLS " FROM applications WHERE id = ?1",
    [APP_LIST] = "SELECT " APP_LIST_COLS " FROM applications a WHERE (CAST(?1 AS TEXT) IS NULL "
                 "OR status = ?1) AND (?3 = 0 OR EXISTS (" ASSIGNED(
                     "?3") ")) "
                           "AND (?4 = 0 OR (a.submitted_at, a.id) > (SELECT b.submitted_at, b.id "
                           "FROM applications b WHERE b.id = ?4)) "
                           "ORDER BY submitted_at, id LIMIT ?2",
    [APP_ASSIGNED] =
        "SELECT count(*) FROM applications a WHERE a.id = ?1 AND EXISTS (" ASSIGNED("?2") ")",
    [APP_OF_USER] = "SELECT " APP_LIST_COLS " FROM applications WHERE user_id = ?1 "
                    "ORDER BY submitted_at DESC, id DESC LIMIT ?2",
};
static const struct store_sqlset app_set = {"applications", app_sqls, APP__MAX};

void store_application_clear(struct store_application *a) {
  if (NULL == a) {
    return;
  }
  char **const texts[] = {&a->personal, &a->nik_sealed, &a->self_assessment, &a->reason};
  store_free_texts(texts, sizeof texts / sizeof texts[0]);
}

static void app_clear(void *elem) {
  store_application_clear(elem);
}

int store_application_put(struct store_tx *tx, const struct store_application *a, int64_t *out_id) {
  struct store_application got;
  const struct store_arg args[] = {
      STORE_ARG_INT(a->user_id),          STORE_ARG_TEXT(a->exam_id),
      STORE_ARG_TEXT(a->personal),        STORE_ARG_TEXT(a->nik_sealed),
      STORE_ARG_TEXT(a->self_assessment), STORE_ARG_INT(a->submitted_ms)};
  *out_id = 0;
  int rc = store_write(store_tx_conn(tx), &app_set, APP_PUT, args, sizeof args / sizeof args[0],
                       "application put");
  if (STORE_OK != rc) {
    return rc;
  }
  memset(&got, 0, sizeof got);
  rc = store_application_get(store_tx_rd(tx), &got, a->user_id, a->exam_id);
  *out_id = got.id;
  store_application_clear(&got);
  return STORE_NONE == rc ? STORE_HARD : rc;
}

int store_application_decide(struct store_tx *tx, int64_t id, const char *status, int64_t by,
                             int64_t at_ms, const char *reason) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {STORE_ARG_INT(id), STORE_ARG_TEXT(status), STORE_ARG_INT(by),
                                   STORE_ARG_INT(at_ms), STORE_ARG_TEXT(reason)};
  struct store_stmt *st = store_stmt(c, &app_set, APP_DECIDE);
  if (NULL != st) {
    store_bind_all(st, args, sizeof args / sizeof args[0]);
  }
  return store_step_changes(c, st, "application decide");
}

static int app_row(struct store_stmt *st, void *elem) {
  struct store_application *a = elem;
  int oom = 0;
  memset(a, 0, sizeof *a);
  a->id = store_col_int64(st, 0);
  a->user_id = store_col_int64(st, 1);
  a->submitted_ms = store_col_int64(st, 7);
  a->decided_by = store_col_int64(st, 8);
  a->decided_ms = store_col_int64(st, 9);
  if (0 != store_col_copy(st, 2, a->exam_id, sizeof a->exam_id) ||
      0 != store_col_copy(st, 6, a->status, sizeof a->status)) {
    return STORE_HARD;
  }
  a->personal = store_col_strdup(st, 3, &oom);
  a->nik_sealed = store_col_strdup(st, 4, &oom);
  a->self_assessment = store_col_strdup(st, 5, &oom);
  a->reason = store_col_strdup(st, 10, &oom);
  if (oom || NULL == a->personal || NULL == a->self_assessment) {
    store_application_clear(a);
    return oom ? STORE_UNAVAILABLE : STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype app_rows = {"application", sizeof(struct store_application),
                                              app_row, app_clear};

int store_application_get(struct store_rd *rd, struct store_application *out, int64_t user_id,
                          const char *exam_id) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(exam_id)};
  struct store_stmt *st = store_stmt(c, &app_set, APP_GET);
  if (NULL != st) {
    store_bind_all(st, args, sizeof args / sizeof args[0]);
  }
  return store_row_get(c, st, &app_rows, out);
}

int store_application_by_id(struct store_rd *rd, struct store_application *out, int64_t id) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_INT(id);
  struct store_stmt *st = store_stmt(c, &app_set, APP_BY_ID);
  if (NULL != st) {
    store_bind_all(st, &key, 1);
  }
  return store_row_get(c, st, &app_rows, out);
}

int store_application_list(struct store_rd *rd, struct store_application **out, size_t *out_n,
                           const char *status, int64_t assessor_id, int64_t after_id, int limit,
                           bool *out_more) {
  const struct store_arg args[] = {STORE_ARG_TEXT(status), STORE_ARG_LIMIT(limit),
                                   STORE_ARG_INT(assessor_id), STORE_ARG_INT(after_id)};
  return store_rows_query_page(store_rd_conn(rd), &app_set, APP_LIST, args,
                               sizeof args / sizeof args[0], &app_rows, out, out_n, out_more);
}

int store_application_list_user(struct store_rd *rd, struct store_application **out, size_t *out_n,
                                int64_t user_id, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &app_set, APP_OF_USER, args,
                          sizeof args / sizeof args[0], &app_rows, limit, out, out_n);
}

void store_application_list_free(struct store_application *list, size_t n) {
  store_rows_free(&app_rows, list, n);
}

int store_application_assigned(struct store_rd *rd, int64_t id, int64_t assessor_id, bool *out) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_INT(id), STORE_ARG_INT(assessor_id)};
  struct store_stmt *st = store_stmt(c, &app_set, APP_ASSIGNED);
  int64_t n = 0;
  if (NULL != st) {
    store_bind_all(st, args, 2);
  }
  int rc = store_row_int64(c, st, "application assigned", &n);
  *out = STORE_OK == rc && n > 0;
  return rc;
}
