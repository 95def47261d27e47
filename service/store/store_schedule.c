/*
 * Test events (schedules, their assessors and enrolled candidates), for both backends.
 */
#include <stddef.h>
#include <string.h>

#include "store/store_internal.h"

enum schedule_stmt {
  SCHEDULE_INSERT,
  SCHEDULE_GET,
  SCHEDULE_LIST,
  SCHEDULE_LIST_CANDIDATE,
  SCHEDULE_PENDING,
  SCHEDULE_ASSESSOR_ADD,
  SCHEDULE_ASSESSOR_IS,
  SCHEDULE_ASSESSORS,
  ENROLMENT_ADD,
  ENROLMENT_SET_ATTEMPT,
  ENROLMENT_MARK,
  ENROLMENT_LIST,
  SCHEDULE__MAX
};

#define SCHEDULE_COLS                                                                              \
  "s.id, s.exam_id, s.title, s.tuk_name, s.tuk_address, s.time_zone, s.exam_date, s.opens_at, "    \
  "s.closes_at, s.capacity, s.session_code, s.created_by, s.created_at, "                          \
  "(SELECT count(*) FROM schedule_enrolments e WHERE e.schedule_id = s.id)"

static const char *const schedule_sqls[SCHEDULE__MAX] = {
    [SCHEDULE_INSERT] = "INSERT INTO schedules(exam_id, title, tuk_name, tuk_address, time_zone, "
                        "exam_date, opens_at, closes_at, capacity, session_code, created_by, "
                        "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [SCHEDULE_GET] = "SELECT " SCHEDULE_COLS " FROM schedules s WHERE s.id = ?1",
    /* Keyset paging: after schedule ?3 (0: from the newest) in the list's order. */
    [SCHEDULE_LIST] = "SELECT " SCHEDULE_COLS " FROM schedules s WHERE (?1 = 0 OR EXISTS (SELECT 1 "
                      "FROM schedule_assessors a WHERE a.schedule_id = s.id AND a.user_id = ?1)) "
                      "AND (?3 = 0 OR (s.opens_at, s.id) < (SELECT b.opens_at, b.id FROM "
                      "schedules b WHERE b.id = ?3)) ORDER BY s.opens_at DESC, s.id DESC LIMIT ?2",
    [SCHEDULE_LIST_CANDIDATE] =
        "SELECT " SCHEDULE_COLS " FROM schedules s JOIN schedule_enrolments m ON m.schedule_id = "
        "s.id WHERE m.user_id = ?1 ORDER BY s.opens_at DESC, s.id DESC LIMIT 100",
    [SCHEDULE_PENDING] = "SELECT " SCHEDULE_COLS " FROM schedules s JOIN schedule_enrolments m ON "
                         "m.schedule_id = s.id WHERE m.user_id = ?1 AND s.exam_id = ?2 AND "
                         "m.attempt_id IS NULL ORDER BY s.opens_at, s.id LIMIT 100",
    [SCHEDULE_ASSESSOR_ADD] = "INSERT INTO schedule_assessors(schedule_id, user_id) VALUES(?1, ?2)",
    [SCHEDULE_ASSESSOR_IS] =
        "SELECT 1 FROM schedule_assessors WHERE schedule_id = ?1 AND user_id = ?2",
    [SCHEDULE_ASSESSORS] = "SELECT a.schedule_id, u.id, u.name, u.email, 0, 0, 0, 0 FROM "
                           "schedule_assessors a JOIN users u ON u.id = a.user_id WHERE "
                           "a.schedule_id = ?1 ORDER BY u.name, u.id",
    [ENROLMENT_ADD] = "INSERT INTO schedule_enrolments(schedule_id, user_id, enrolled_by, "
                      "enrolled_at) VALUES(?1, ?2, ?3, ?4)",
    [ENROLMENT_SET_ATTEMPT] =
        "UPDATE schedule_enrolments SET attempt_id = ?3, attended_at = coalesce(attended_at, ?4) "
        "WHERE schedule_id = ?1 AND user_id = ?2",
    [ENROLMENT_MARK] = "UPDATE schedule_enrolments SET attended_at = ?4, attended_by = ?3 WHERE "
                       "schedule_id = ?1 AND user_id = ?2 AND attended_at IS NULL",
    [ENROLMENT_LIST] =
        "SELECT m.schedule_id, u.id, u.name, u.email, m.enrolled_at, coalesce(m.attempt_id, 0), "
        "coalesce(m.attended_at, 0), coalesce(m.attended_by, 0) FROM schedule_enrolments m JOIN "
        "users u ON u.id = m.user_id WHERE m.schedule_id = ?1 ORDER BY u.name, u.id",
};
static const struct store_sqlset schedule_set = {"schedules", schedule_sqls, SCHEDULE__MAX};

/* The columns of a row and where they go in its struct: a text column (size > 0) is copied
 * into a char array of that size, an integer column (size 0) into an int64_t. */
struct col {
  int idx;
  size_t off, size;
};
#define TEXT_COL(i, type, field)                                                                   \
  { (i), offsetof(type, field), sizeof(((type *)0)->field) }
#define INT_COL(i, type, field)                                                                    \
  { (i), offsetof(type, field), 0 }

static int read_cols(struct store_stmt *st, void *elem, size_t elem_size, const struct col *cols,
                     size_t n) {
  unsigned char *base = elem;
  memset(elem, 0, elem_size);
  for (size_t i = 0; i < n; i++) {
    if (0 == cols[i].size) {
      int64_t v = store_col_int64(st, cols[i].idx);
      memcpy(base + cols[i].off, &v, sizeof v);
    } else if (0 != store_col_copy(st, cols[i].idx, (char *)(base + cols[i].off), cols[i].size)) {
      return STORE_HARD;
    }
  }
  return STORE_OK;
}

static const struct col schedule_cols[] = {
    INT_COL(0, struct store_schedule, id),
    TEXT_COL(1, struct store_schedule, exam_id),
    TEXT_COL(2, struct store_schedule, title),
    TEXT_COL(3, struct store_schedule, tuk_name),
    TEXT_COL(4, struct store_schedule, tuk_address),
    TEXT_COL(5, struct store_schedule, time_zone),
    TEXT_COL(6, struct store_schedule, exam_date),
    INT_COL(7, struct store_schedule, opens_ms),
    INT_COL(8, struct store_schedule, closes_ms),
    INT_COL(9, struct store_schedule, capacity),
    TEXT_COL(10, struct store_schedule, session_code),
    INT_COL(11, struct store_schedule, created_by),
    INT_COL(12, struct store_schedule, created_ms),
    INT_COL(13, struct store_schedule, enrolled),
};

static const struct col enrolment_cols[] = {
    INT_COL(0, struct store_enrolment, schedule_id),
    INT_COL(1, struct store_enrolment, user_id),
    TEXT_COL(2, struct store_enrolment, name),
    TEXT_COL(3, struct store_enrolment, email),
    INT_COL(4, struct store_enrolment, enrolled_ms),
    INT_COL(5, struct store_enrolment, attempt_id),
    INT_COL(6, struct store_enrolment, attended_ms),
    INT_COL(7, struct store_enrolment, attended_by),
};

static int schedule_row(struct store_stmt *st, void *elem) {
  return read_cols(st, elem, sizeof(struct store_schedule), schedule_cols,
                   sizeof schedule_cols / sizeof schedule_cols[0]);
}

static int enrolment_row(struct store_stmt *st, void *elem) {
  return read_cols(st, elem, sizeof(struct store_enrolment), enrolment_cols,
                   sizeof enrolment_cols / sizeof enrolment_cols[0]);
}

static const struct store_rowtype schedule_rows = {"schedule", sizeof(struct store_schedule),
                                                   schedule_row, NULL};
static const struct store_rowtype enrolment_rows = {"enrolment", sizeof(struct store_enrolment),
                                                    enrolment_row, NULL};

int store_schedule_create(struct store_tx *tx, int64_t *out_id, const struct store_schedule *s) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {
      STORE_ARG_TEXT(s->exam_id),   STORE_ARG_TEXT(s->title),
      STORE_ARG_TEXT(s->tuk_name),  STORE_ARG_TEXT(s->tuk_address),
      STORE_ARG_TEXT(s->time_zone), STORE_ARG_TEXT(s->exam_date),
      STORE_ARG_INT(s->opens_ms),   STORE_ARG_INT(s->closes_ms),
      STORE_ARG_INT(s->capacity),   STORE_ARG_TEXT(s->session_code),
      STORE_ARG_INT(s->created_by), STORE_ARG_INT(store_tx_now_ms(tx))};
  *out_id = 0;
  int rc = store_write(c, &schedule_set, SCHEDULE_INSERT, args, sizeof args / sizeof args[0],
                       "schedule insert");
  if (STORE_OK == rc) {
    *out_id = store_conn_last_rowid(c);
  }
  return rc;
}

int store_schedule_get(struct store_rd *rd, struct store_schedule *out, int64_t id) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &schedule_set, SCHEDULE_GET);
  if (NULL != st) {
    store_bind_int64(st, 1, id);
  }
  return store_row_get(c, st, &schedule_rows, out);
}

int store_schedule_list(struct store_rd *rd, struct store_schedule **out, size_t *out_n,
                        int64_t assessor_id, int64_t before_id, int limit, bool *out_more) {
  const struct store_arg args[] = {STORE_ARG_INT(assessor_id), STORE_ARG_LIMIT(limit),
                                   STORE_ARG_INT(before_id)};
  return store_rows_query_page(store_rd_conn(rd), &schedule_set, SCHEDULE_LIST, args,
                               sizeof args / sizeof args[0], &schedule_rows, out, out_n, out_more);
}

int store_schedule_list_candidate(struct store_rd *rd, struct store_schedule **out, size_t *out_n,
                                  int64_t user_id) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id)};
  return store_rows_query(store_rd_conn(rd), &schedule_set, SCHEDULE_LIST_CANDIDATE, args, 1,
                          &schedule_rows, 100, out, out_n);
}

int store_schedule_pending_starts(struct store_rd *rd, struct store_schedule **out, size_t *out_n,
                                  int64_t user_id, const char *exam_id) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(exam_id)};
  return store_rows_query(store_rd_conn(rd), &schedule_set, SCHEDULE_PENDING, args, 2,
                          &schedule_rows, 100, out, out_n);
}

void store_schedule_list_free(struct store_schedule *list, size_t n) {
  store_rows_free(&schedule_rows, list, n);
}

int store_schedule_assessor_add(struct store_tx *tx, int64_t schedule_id, int64_t user_id) {
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id)};
  return store_write(store_tx_conn(tx), &schedule_set, SCHEDULE_ASSESSOR_ADD, args, 2,
                     "schedule assessor add");
}

int store_schedule_assessor_is(struct store_rd *rd, int64_t schedule_id, int64_t user_id) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id)};
  struct store_stmt *st = store_stmt(c, &schedule_set, SCHEDULE_ASSESSOR_IS);
  if (NULL != st) {
    store_bind_all(st, args, 2);
  }
  static const struct store_rowtype exists = {"schedule assessor", 0, NULL, NULL};
  return store_row_get(c, st, &exists, NULL);
}

int store_schedule_assessors(struct store_rd *rd, struct store_enrolment **out, size_t *out_n,
                             int64_t schedule_id) {
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id)};
  return store_rows_query_all(store_rd_conn(rd), &schedule_set, SCHEDULE_ASSESSORS, args, 1,
                              &enrolment_rows, out, out_n);
}

int store_enrolment_add(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                        int64_t enrolled_by) {
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id),
                                   STORE_ARG_INT(enrolled_by), STORE_ARG_INT(store_tx_now_ms(tx))};
  return store_write(store_tx_conn(tx), &schedule_set, ENROLMENT_ADD, args, 4, "enrolment add");
}

/* One of the two enrolment updates: STORE_OK, STORE_NONE when no row changed. */
static int enrolment_update(struct store_tx *tx, int id, int64_t schedule_id, int64_t user_id,
                            int64_t value, const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id),
                                   STORE_ARG_INT(value), STORE_ARG_INT(store_tx_now_ms(tx))};
  struct store_stmt *st = store_stmt(c, &schedule_set, id);
  if (NULL != st) {
    store_bind_all(st, args, 4);
  }
  return store_step_changes(c, st, what);
}

int store_enrolment_set_attempt(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                                int64_t attempt_id) {
  return enrolment_update(tx, ENROLMENT_SET_ATTEMPT, schedule_id, user_id, attempt_id,
                          "enrolment attempt");
}

int store_enrolment_mark_attended(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                                  int64_t assessor_id) {
  return enrolment_update(tx, ENROLMENT_MARK, schedule_id, user_id, assessor_id,
                          "enrolment attendance");
}

int store_enrolment_list(struct store_rd *rd, struct store_enrolment **out, size_t *out_n,
                         int64_t schedule_id) {
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id)};
  return store_rows_query_all(store_rd_conn(rd), &schedule_set, ENROLMENT_LIST, args, 1,
                              &enrolment_rows, out, out_n);
}

void store_enrolment_list_free(struct store_enrolment *list, size_t n) {
  store_rows_free(&enrolment_rows, list, n);
}
