/*
 * Attempts, saved answers and exam source snapshots in SQLite.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum attempts_stmt {
  SRC_PUT,
  SRC_GET,
  ATT_INSERT,
  ATT_GET,
  ATT_OPEN_FOR,
  ATT_LIST_USER,
  ATT_LIST_USER_EXAM,
  ATT_STATUS,
  ANS_PUT,
  ANS_GET,
  ATT_FINISH,
  ATT_SET_RESULT,
  ATT_EXTEND,
  ATT_OVERDUE,
  ATT_BRIEF,
  ATT_STATE,
  ATT_FORM_HAS,
  ATT_OPEN_PAGE,
  ATTEMPTS__MAX
};

static const char *const attempts_sqls[ATTEMPTS__MAX] = {
    [SRC_PUT] = "INSERT INTO exam_sources(version, exam_id, file, source, stored_at) "
                "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(version) DO NOTHING",
    [SRC_GET] = "SELECT source, file FROM exam_sources WHERE version = ?1",
    [ATT_INSERT] = "INSERT INTO attempts(user_id, exam_id, exam_version, form, status, "
                   "started_at, deadline_at) VALUES(?1, ?2, ?3, ?4, 'open', ?5, ?6)",
    [ATT_GET] = "SELECT " STORE_ATTEMPT_COLS ", form, result FROM attempts WHERE id = ?1",
    [ATT_OPEN_FOR] = "SELECT " STORE_ATTEMPT_COLS " FROM attempts "
                     "WHERE user_id = ?1 AND exam_id = ?2 AND status = 'open'",
    [ATT_LIST_USER] =
        "SELECT " STORE_ATTEMPT_COLS " FROM attempts WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2",
    [ATT_LIST_USER_EXAM] = "SELECT " STORE_ATTEMPT_COLS " FROM attempts WHERE user_id = ?1 "
                           "AND exam_id = ?3 ORDER BY id DESC LIMIT ?2",
    [ATT_STATUS] = "SELECT status FROM attempts WHERE id = ?1",
    [ANS_PUT] = "INSERT INTO attempt_answers(attempt_id, item_id, value, saved_at) "
                "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(attempt_id, item_id) DO UPDATE SET "
                "value = excluded.value, saved_at = excluded.saved_at",
    [ANS_GET] = "SELECT item_id, value, saved_at FROM attempt_answers WHERE attempt_id = ?1 "
                "ORDER BY item_id",
    [ATT_FINISH] = "UPDATE attempts SET status = ?2, finished_at = ?3, verdict = ?4, "
                   "result = ?5, decided_at = ?6 WHERE id = ?1 AND status = 'open'",
    [ATT_SET_RESULT] = "UPDATE attempts SET verdict = ?2, result = ?3, decided_at = ?4 "
                       "WHERE id = ?1 AND status <> 'open'",
    [ATT_EXTEND] = "UPDATE attempts SET deadline_at = deadline_at + ?2 "
                   "WHERE id = ?1 AND status = 'open'",
    [ATT_OVERDUE] = "SELECT id FROM attempts WHERE status = 'open' AND deadline_at < ?1 "
                    "ORDER BY deadline_at LIMIT ?2",
    [ATT_BRIEF] = "SELECT " STORE_ATTEMPT_COLS " FROM attempts WHERE id = ?1",
    [ATT_STATE] = "SELECT status, deadline_at FROM attempts WHERE id = ?1",
    [ATT_FORM_HAS] = "SELECT instr(form, ?2) > 0 FROM attempts WHERE id = ?1",
    [ATT_OPEN_PAGE] = "SELECT " STORE_ATTEMPT_COLS ", form, result FROM attempts "
                      "WHERE id > ?1 AND status = 'open' ORDER BY id LIMIT ?2",
};
static const struct store_sqlset attempts_set = {"attempts", attempts_sqls, ATTEMPTS__MAX};

void store_attempt_clear(struct store_attempt *a) {
  if (NULL == a) {
    return;
  }
  free(a->form);
  free(a->result);
  a->form = NULL;
  a->result = NULL;
}

/* Fills *a from the STORE_ATTEMPT_COLS columns; -1 if a value does not fit. */
static int read_attempt(struct store_stmt *st, struct store_attempt *a) {
  memset(a, 0, sizeof *a);
  a->id = store_col_int64(st, 0);
  a->user_id = store_col_int64(st, 1);
  if (0 != store_col_copy(st, 2, a->exam_id, sizeof a->exam_id) ||
      0 != store_col_copy(st, 3, a->exam_version, sizeof a->exam_version) ||
      !attempt_status_parse(store_col_text(st, 4), &a->status) ||
      !verdict_parse(store_col_text(st, 8), &a->verdict)) {
    return -1;
  }
  a->started_ms = store_col_int64(st, 5);
  a->deadline_ms = store_col_int64(st, 6);
  a->finished_ms = store_col_int64(st, 7);
  a->decided_ms = store_col_int64(st, 9);
  return 0;
}

/* A verdict a finished attempt may have: K, BK or PENDING. */
static bool verdict_valid(enum verdict v) {
  return VERDICT_K == v || VERDICT_BK == v || VERDICT_PENDING == v;
}

int store_exam_source_put(struct store_tx *tx, const char *version, const char *exam_id,
                          const char *file, const char *source, size_t len) {
  struct store_conn *c = store_tx_conn(tx);
  if (NULL == version || NULL == exam_id || NULL == file || NULL == source || len > INT32_MAX) {
    return STORE_HARD;
  }
  struct store_stmt *st = store_stmt(c, &attempts_set, SRC_PUT);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_text(st, 1, version);
  store_bind_text(st, 2, exam_id);
  store_bind_text(st, 3, file);
  store_bind_blob(st, 4, source, len);
  store_bind_int64(st, 5, store_tx_now_ms(tx));
  int rc = store_step_done(c, st, "exam source insert", NULL);
  store_stmt_done(st);
  return rc;
}

int store_exam_source_get(struct store_rd *rd, char **out, size_t *out_len, char *file,
                          size_t filelen, const char *version) {
  struct store_conn *c = store_rd_conn(rd);
  *out = NULL;
  *out_len = 0;
  const struct store_arg args[] = {STORE_ARG_TEXT(version)};
  struct store_stmt *st = NULL;
  int rc = store_row_step(c, &attempts_set, SRC_GET, args, 1, "exam source get", &st);
  if (STORE_OK == rc) {
    size_t n = 0;
    char *buf = store_col_blob(st, 0, &n);
    if (NULL == buf) {
      rc = STORE_UNAVAILABLE;
    } else if (0 != store_col_copy(st, 1, file, filelen)) {
      free(buf);
      rc = STORE_HARD;
    } else {
      *out = buf;
      *out_len = n;
    }
  }
  store_stmt_done(st);
  return rc;
}

int store_attempt_create(struct store_tx *tx, int64_t *out_id, int64_t user_id, const char *exam_id,
                         const char *version, const char *form_json, int64_t deadline_ms) {
  struct store_conn *c = store_tx_conn(tx);
  *out_id = 0;
  if (NULL == exam_id || NULL == version || NULL == form_json) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(user_id),
                                   STORE_ARG_TEXT(exam_id),
                                   STORE_ARG_TEXT(version),
                                   STORE_ARG_TEXT(form_json),
                                   STORE_ARG_INT(store_tx_now_ms(tx)),
                                   STORE_ARG_INT(deadline_ms)};
  int rc = store_write(c, &attempts_set, ATT_INSERT, args, sizeof args / sizeof args[0],
                       "attempt insert");
  if (STORE_OK == rc) {
    *out_id = store_conn_last_rowid(c);
  }
  return rc;
}

int store_attempt_row(struct store_stmt *st, void *elem) {
  return 0 == read_attempt(st, elem) ? STORE_OK : STORE_HARD;
}

void store_attempt_row_clear(void *elem) {
  store_attempt_clear(elem);
}

/* The brief columns, then the form and the result. */
static int attempt_full_row(struct store_stmt *st, void *elem) {
  struct store_attempt *a = elem;
  int oom1 = 0, oom2 = 0;
  if (0 != read_attempt(st, a)) {
    return STORE_HARD;
  }
  a->form = store_col_strdup(st, 10, &oom1);
  a->result = store_col_strdup(st, 11, &oom2);
  if (oom1 || oom2 || NULL == a->form) {
    store_attempt_clear(a);
    return oom1 || oom2 ? STORE_UNAVAILABLE : STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype attempt_full_one = {"attempt get", sizeof(struct store_attempt),
                                                      attempt_full_row, NULL};
static const struct store_rowtype attempt_brief_one = {
    "attempt get brief", sizeof(struct store_attempt), store_attempt_row, NULL};
static const struct store_rowtype attempt_open_one = {
    "attempt open for user", sizeof(struct store_attempt), store_attempt_row, NULL};

/* One statement of this file with ?1 = id bound, or NULL (store_stmt failed). */
static struct store_stmt *stmt_by_id(struct store_conn *c, int which, int64_t id) {
  struct store_stmt *st = store_stmt(c, &attempts_set, which);
  if (NULL != st) {
    store_bind_int64(st, 1, id);
  }
  return st;
}

int store_attempt_get(struct store_rd *rd, struct store_attempt *out, int64_t id) {
  struct store_conn *c = store_rd_conn(rd);
  memset(out, 0, sizeof *out);
  return store_row_get(c, stmt_by_id(c, ATT_GET, id), &attempt_full_one, out);
}

int store_attempt_get_brief(struct store_rd *rd, struct store_attempt *out, int64_t id) {
  struct store_conn *c = store_rd_conn(rd);
  memset(out, 0, sizeof *out);
  return store_row_get(c, stmt_by_id(c, ATT_BRIEF, id), &attempt_brief_one, out);
}

/* Whether the status in column col of the current row is "open". */
static bool row_is_open(struct store_stmt *st, int col) {
  enum attempt_status status = ATTEMPT_CLOSED;
  return attempt_status_parse(store_col_text(st, col), &status) && ATTEMPT_OPEN == status;
}

int store_attempt_state(struct store_rd *rd, int64_t id, bool *out_open, int64_t *out_deadline_ms) {
  struct store_conn *c = store_rd_conn(rd);
  *out_open = false;
  *out_deadline_ms = 0;
  const struct store_arg args[] = {STORE_ARG_INT(id)};
  struct store_stmt *st = NULL;
  int rc = store_row_step(c, &attempts_set, ATT_STATE, args, 1, "attempt state", &st);
  if (STORE_OK == rc) {
    *out_open = row_is_open(st, 0);
    *out_deadline_ms = store_col_int64(st, 1);
  }
  store_stmt_done(st);
  return rc;
}

int store_attempt_form_has(struct store_rd *rd, int64_t id, const char *text, bool *out_has) {
  const struct store_arg args[] = {STORE_ARG_INT(id), STORE_ARG_TEXT(text)};
  struct store_stmt *st = NULL;
  *out_has = false;
  int rc = store_row_step(store_rd_conn(rd), &attempts_set, ATT_FORM_HAS, args, 2,
                          "attempt form text", &st);
  if (STORE_OK == rc) {
    *out_has = 0 != store_col_int64(st, 0);
  }
  store_stmt_done(st);
  return rc;
}

int store_attempt_open_for(struct store_rd *rd, struct store_attempt *out, int64_t user_id,
                           const char *exam_id) {
  struct store_conn *c = store_rd_conn(rd);
  memset(out, 0, sizeof *out);
  struct store_stmt *st = stmt_by_id(c, ATT_OPEN_FOR, user_id);
  if (NULL != st) {
    store_bind_text(st, 2, exam_id);
  }
  return store_row_get(c, st, &attempt_open_one, out);
}

static const struct store_rowtype attempt_rows = {"attempt list", sizeof(struct store_attempt),
                                                  store_attempt_row, store_attempt_row_clear};
static const struct store_rowtype attempt_full_rows = {
    "open attempts", sizeof(struct store_attempt), attempt_full_row, store_attempt_row_clear};

int store_attempts_open_page(struct store_rd *rd, struct store_attempt **out, size_t *out_n,
                             int64_t after_id, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(after_id), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &attempts_set, ATT_OPEN_PAGE, args, 2,
                          &attempt_full_rows, limit, out, out_n);
}

void store_attempt_list_free(struct store_attempt *list, size_t n) {
  store_rows_free(&attempt_rows, list, n);
}

int store_attempt_list_user(struct store_rd *rd, struct store_attempt **out, size_t *out_n,
                            int64_t user_id, const char *exam_id, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(limit),
                                   STORE_ARG_TEXT(exam_id)};
  return store_rows_query(store_rd_conn(rd), &attempts_set,
                          NULL == exam_id ? ATT_LIST_USER : ATT_LIST_USER_EXAM, args,
                          NULL == exam_id ? 2 : 3, &attempt_rows, limit, out, out_n);
}

/* STORE_OK when the attempt is open, STORE_CONFLICT when finished, STORE_NONE, or < 0. */
static int attempt_is_open(struct store_conn *c, int64_t id) {
  const struct store_arg args[] = {STORE_ARG_INT(id)};
  struct store_stmt *st = NULL;
  int rc = store_row_step(c, &attempts_set, ATT_STATUS, args, 1, "attempt status", &st);
  if (STORE_OK == rc && !row_is_open(st, 0)) {
    rc = STORE_CONFLICT;
  }
  store_stmt_done(st);
  return rc;
}

/* The upsert alone: the attempt is known to be open in this transaction. */
static int answer_upsert(struct store_conn *c, int64_t attempt_id, const char *item_id,
                         const char *value_json, int64_t saved_ms) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(item_id),
                                   STORE_ARG_TEXT(value_json), STORE_ARG_INT(saved_ms)};
  return store_write(c, &attempts_set, ANS_PUT, args, sizeof args / sizeof args[0], "answer save");
}

int store_answer_put(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                     const char *value_json, int64_t saved_ms) {
  struct store_conn *c = store_tx_conn(tx);
  if (NULL == item_id || NULL == value_json) {
    return STORE_HARD;
  }
  int rc = attempt_is_open(c, attempt_id);
  if (STORE_OK != rc) {
    return rc;
  }
  return answer_upsert(c, attempt_id, item_id, value_json, saved_ms);
}

int store_answer_put_checked(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                             const char *value_json, int64_t saved_ms, int64_t not_after_ms,
                             int64_t *out_deadline_ms) {
  bool open = false;
  *out_deadline_ms = 0;
  if (NULL == item_id || NULL == value_json) {
    return STORE_HARD;
  }
  int rc = store_attempt_state(store_tx_rd(tx), attempt_id, &open, out_deadline_ms);
  if (STORE_OK != rc) {
    return rc;
  }
  if (!open || not_after_ms > *out_deadline_ms) {
    return STORE_CONFLICT;
  }
  return answer_upsert(store_tx_conn(tx), attempt_id, item_id, value_json, saved_ms);
}

static int answer_row(struct store_stmt *st, void *elem) {
  struct store_answer *a = elem;
  int oom = 0;
  if (0 != store_col_copy(st, 0, a->item_id, sizeof a->item_id)) {
    return STORE_HARD;
  }
  a->value = store_col_strdup(st, 1, &oom);
  if (oom || NULL == a->value) {
    return oom ? STORE_UNAVAILABLE : STORE_HARD;
  }
  a->saved_ms = store_col_int64(st, 2);
  return STORE_OK;
}

static void answer_row_clear(void *elem) {
  struct store_answer *a = elem;
  free(a->value);
  a->value = NULL;
}

static const struct store_rowtype answer_rows = {"answers get", sizeof(struct store_answer),
                                                 answer_row, answer_row_clear};

void store_answers_free(struct store_answer *list, size_t n) {
  store_rows_free(&answer_rows, list, n);
}

int store_answers_get(struct store_rd *rd, struct store_answer **out, size_t *out_n,
                      int64_t attempt_id) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id)};
  return store_rows_query_all(store_rd_conn(rd), &attempts_set, ANS_GET, args, 1, &answer_rows, out,
                              out_n);
}

/* Binds the verdict, the result and the decision time (NULL while the verdict is pending) to
 * ?first, ?first+1 and ?first+2: the columns that finishing and re-deciding both write. */
static void bind_decision(struct store_stmt *st, int first, struct store_tx *tx,
                          enum verdict verdict, const char *result_json) {
  store_bind_text(st, first, verdict_name(verdict));
  store_bind_text(st, first + 1, result_json);
  if (VERDICT_PENDING == verdict) {
    store_bind_null(st, first + 2);
  } else {
    store_bind_int64(st, first + 2, store_tx_now_ms(tx));
  }
}

/* An UPDATE that only applies in one state (st bound, or NULL when store_stmt failed): 0
 * changes means no row (NONE) or the wrong state (CONFLICT). */
static int update_in_state(struct store_conn *c, struct store_stmt *st, int64_t id,
                           const char *what) {
  int rc = store_step_changes(c, st, what);
  if (STORE_NONE != rc) {
    return rc;
  }
  rc = attempt_is_open(c, id);
  if (STORE_OK == rc || STORE_CONFLICT == rc) {
    return STORE_CONFLICT;
  }
  return rc;
}

int store_attempt_finish(struct store_tx *tx, int64_t id, enum attempt_status status,
                         int64_t finished_ms, enum verdict verdict, const char *result_json) {
  struct store_conn *c = store_tx_conn(tx);
  if (!verdict_valid(verdict) || NULL == result_json ||
      (ATTEMPT_SUBMITTED != status && ATTEMPT_CLOSED != status)) {
    return STORE_HARD;
  }
  struct store_stmt *st = stmt_by_id(c, ATT_FINISH, id);
  if (NULL != st) {
    store_bind_text(st, 2, attempt_status_name(status));
    store_bind_int64(st, 3, finished_ms);
    bind_decision(st, 4, tx, verdict, result_json);
  }
  return update_in_state(c, st, id, "attempt finish");
}

int store_attempt_set_result(struct store_tx *tx, int64_t id, enum verdict verdict,
                             const char *result_json) {
  struct store_conn *c = store_tx_conn(tx);
  if (!verdict_valid(verdict) || NULL == result_json) {
    return STORE_HARD;
  }
  struct store_stmt *st = stmt_by_id(c, ATT_SET_RESULT, id);
  if (NULL != st) {
    bind_decision(st, 2, tx, verdict, result_json);
  }
  return update_in_state(c, st, id, "attempt set result"); /* open -> conflict; none -> none */
}

int store_attempt_extend_deadline(struct store_tx *tx, int64_t id, int64_t extra_ms) {
  struct store_conn *c = store_tx_conn(tx);
  if (extra_ms <= 0) {
    return STORE_HARD;
  }
  struct store_stmt *st = stmt_by_id(c, ATT_EXTEND, id);
  if (NULL != st) {
    store_bind_int64(st, 2, extra_ms);
  }
  return update_in_state(c, st, id, "attempt extend deadline");
}

int store_attempts_overdue(struct store_rd *rd, int64_t *ids, size_t max, size_t *out_n,
                           int64_t before_ms) {
  struct store_conn *c = store_rd_conn(rd);
  *out_n = 0;
  if (0 == max || max > 100000) {
    return STORE_HARD;
  }
  struct store_stmt *st = store_stmt(c, &attempts_set, ATT_OVERDUE);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_int64(st, 1, before_ms);
  store_bind_int64(st, 2, (int64_t)max);
  size_t n = 0;
  int rc = STORE_NONE;
  while (n < max && STORE_OK == (rc = store_step_row(c, st, "attempts overdue"))) {
    ids[n++] = store_col_int64(st, 0);
  }
  store_stmt_done(st);
  if (n == max || STORE_NONE == rc) {
    rc = STORE_OK;
  }
  if (STORE_OK == rc) {
    *out_n = n;
  }
  return rc;
}
