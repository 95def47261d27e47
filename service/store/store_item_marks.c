/*
 * Marks saved for one open item ahead of a decision (marking by question) in SQLite.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum item_marks_stmt { ITEM_MARKS_PUT, ITEM_MARKS_LIST, ITEM_MARKS__MAX };

static const char *const item_marks_sqls[ITEM_MARKS__MAX] = {
    [ITEM_MARKS_PUT] = "INSERT INTO review_item_marks(attempt_id, item_id, assessor_id, marks, "
                       "saved_at) VALUES(?1, ?2, ?3, ?4, ?5) "
                       "ON CONFLICT(attempt_id, item_id, assessor_id) DO UPDATE SET "
                       "marks = excluded.marks, saved_at = excluded.saved_at",
    [ITEM_MARKS_LIST] = "SELECT item_id, marks, saved_at FROM review_item_marks "
                        "WHERE attempt_id = ?1 AND assessor_id = ?2 ORDER BY item_id",
};
static const struct store_sqlset item_marks_set = {"item marks", item_marks_sqls, ITEM_MARKS__MAX};

int store_item_marks_put(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                         int64_t assessor_id, const char *marks) {
  if (NULL == item_id || NULL == marks || attempt_id <= 0 || assessor_id <= 0) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(item_id),
                                   STORE_ARG_INT(assessor_id), STORE_ARG_TEXT(marks),
                                   STORE_ARG_INT(store_tx_now_ms(tx))};
  return store_write(store_tx_conn(tx), &item_marks_set, ITEM_MARKS_PUT, args,
                     sizeof args / sizeof args[0], "item marks put");
}

static void item_marks_row_clear(void *elem) {
  struct store_item_marks *m = elem;
  free(m->marks);
  m->marks = NULL;
}

static int item_marks_row(struct store_stmt *st, void *elem) {
  struct store_item_marks *m = elem;
  int oom = 0;
  if (0 != store_col_copy(st, 0, m->item_id, sizeof m->item_id)) {
    return STORE_HARD;
  }
  m->marks = store_col_strdup(st, 1, &oom);
  m->saved_ms = store_col_int64(st, 2);
  if (oom || NULL == m->marks) {
    item_marks_row_clear(m);
    return oom ? STORE_UNAVAILABLE : STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype item_marks_rows = {"item marks", sizeof(struct store_item_marks),
                                                     item_marks_row, item_marks_row_clear};

int store_item_marks_list(struct store_rd *rd, struct store_item_marks **out, size_t *out_n,
                          int64_t attempt_id, int64_t assessor_id) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_INT(assessor_id)};
  return store_rows_query_all(store_rd_conn(rd), &item_marks_set, ITEM_MARKS_LIST, args, 2,
                              &item_marks_rows, out, out_n);
}

void store_item_marks_list_free(struct store_item_marks *list, size_t n) {
  store_rows_free(&item_marks_rows, list, n);
}
