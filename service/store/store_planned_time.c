/*
 * Extra time planned in advance, in SQLite.
 */
#include <string.h>

#include "store/store_internal.h"

enum planned_stmt { PLANNED_PUT, PLANNED_DELETE, PLANNED_GET, PLANNED_LIST, PLANNED__MAX };

#define PLANNED_COLS "user_id, exam_id, minutes, reason, created_by, created_at"

static const char *const planned_sqls[PLANNED__MAX] = {
    [PLANNED_PUT] = "INSERT INTO planned_extra_time(" PLANNED_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, "
                    "?6) ON CONFLICT(user_id, exam_id) DO UPDATE SET minutes = excluded.minutes, "
                    "reason = excluded.reason, created_by = excluded.created_by, "
                    "created_at = excluded.created_at",
    [PLANNED_DELETE] = "DELETE FROM planned_extra_time WHERE user_id = ?1 AND exam_id = ?2",
    [PLANNED_GET] =
        "SELECT " PLANNED_COLS " FROM planned_extra_time WHERE user_id = ?1 AND exam_id = ?2",
    [PLANNED_LIST] = "SELECT " PLANNED_COLS " FROM planned_extra_time "
                     "WHERE (?1 = 0 OR user_id = ?1) ORDER BY created_at DESC, user_id LIMIT ?2",
};
static const struct store_sqlset planned_set = {"planned_extra_time", planned_sqls, PLANNED__MAX};

int store_planned_time_put(struct store_tx *tx, const struct store_planned_time *p) {
  const struct store_arg args[] = {
      STORE_ARG_INT(p->user_id), STORE_ARG_TEXT(p->exam_id),   STORE_ARG_INT(p->minutes),
      STORE_ARG_TEXT(p->reason), STORE_ARG_INT(p->created_by), STORE_ARG_INT(store_tx_now_ms(tx))};
  return store_write(store_tx_conn(tx), &planned_set, PLANNED_PUT, args,
                     sizeof args / sizeof args[0], "planned time put");
}

int store_planned_time_delete(struct store_tx *tx, int64_t user_id, const char *exam_id) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &planned_set, PLANNED_DELETE);
  if (NULL != st) {
    store_bind_int64(st, 1, user_id);
    store_bind_text(st, 2, exam_id);
  }
  return store_step_changes(c, st, "planned time delete");
}

static int planned_row(struct store_stmt *st, void *elem) {
  struct store_planned_time *p = elem;
  memset(p, 0, sizeof *p);
  p->user_id = store_col_int64(st, 0);
  p->minutes = store_col_int64(st, 2);
  p->created_by = store_col_int64(st, 4);
  p->created_ms = store_col_int64(st, 5);
  if (0 != store_col_copy(st, 1, p->exam_id, sizeof p->exam_id) ||
      0 != store_col_copy(st, 3, p->reason, sizeof p->reason)) {
    return STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype planned_rows = {"planned time", sizeof(struct store_planned_time),
                                                  planned_row, NULL};

int store_planned_time_get(struct store_rd *rd, struct store_planned_time *out, int64_t user_id,
                           const char *exam_id) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(exam_id)};
  struct store_stmt *st = store_stmt(c, &planned_set, PLANNED_GET);
  if (NULL != st) {
    store_bind_all(st, args, sizeof args / sizeof args[0]);
  }
  return store_row_get(c, st, &planned_rows, out);
}

int store_planned_time_list(struct store_rd *rd, struct store_planned_time **out, size_t *out_n,
                            int64_t user_id, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &planned_set, PLANNED_LIST, args,
                          sizeof args / sizeof args[0], &planned_rows, limit, out, out_n);
}

void store_planned_time_list_free(struct store_planned_time *list, size_t n) {
  store_rows_free(&planned_rows, list, n);
}
