/*
 * One-time check-in codes and the look-ups of a check-in session's scope, for both backends.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum checkin_stmt {
  CHECKIN_DELETE_UNUSED,
  CHECKIN_INSERT,
  CHECKIN_GET,
  CHECKIN_USE,
  CHECKIN_STATES,
  CHECKIN_ATTEND,
  CHECKIN_ATTEMPT_IS,
  CHECKIN_UPLOAD_IS,
  CHECKIN_END_SESSIONS,
  CHECKIN__MAX
};

static const char *const checkin_sqls[CHECKIN__MAX] = {
    [CHECKIN_DELETE_UNUSED] = "DELETE FROM checkin_codes WHERE schedule_id = ?1 AND user_id = ?2 "
                              "AND used_at IS NULL",
    [CHECKIN_INSERT] = "INSERT INTO checkin_codes(code_hash, schedule_id, user_id, created_by, "
                       "created_at) VALUES(?1, ?2, ?3, ?4, ?5)",
    [CHECKIN_GET] = "SELECT code_hash, schedule_id, user_id, created_by, created_at, "
                    "coalesce(used_at, 0) FROM checkin_codes WHERE code_hash = ?1",
    [CHECKIN_USE] =
        "UPDATE checkin_codes SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL",
    [CHECKIN_STATES] = "SELECT user_id, max(CASE WHEN used_at IS NULL THEN 1 ELSE 0 END), "
                       "coalesce(max(used_at), 0) FROM checkin_codes WHERE schedule_id = ?1 "
                       "GROUP BY user_id ORDER BY user_id",
    [CHECKIN_ATTEND] = "UPDATE schedule_enrolments SET attended_at = coalesce(attended_at, ?3) "
                       "WHERE schedule_id = ?1 AND user_id = ?2",
    [CHECKIN_ATTEMPT_IS] = "SELECT 1 FROM schedule_enrolments WHERE schedule_id = ?1 AND "
                           "user_id = ?2 AND attempt_id = ?3",
    [CHECKIN_UPLOAD_IS] = "SELECT 1 FROM evidence_uploads u JOIN schedule_enrolments m ON "
                          "m.attempt_id = u.attempt_id WHERE m.schedule_id = ?1 AND m.user_id = "
                          "?2 AND u.user_id = ?2 AND u.id = ?3",
    [CHECKIN_END_SESSIONS] = "DELETE FROM sessions WHERE user_id = ?2 AND scope_schedule_id = ?1",
};
static const struct store_sqlset checkin_set = {"checkin", checkin_sqls, CHECKIN__MAX};

static int code_row(struct store_stmt *st, void *elem) {
  struct store_checkin_code *c = elem;
  memset(c, 0, sizeof *c);
  if (0 != store_col_copy(st, 0, c->code_hash, sizeof c->code_hash)) {
    return STORE_HARD;
  }
  c->schedule_id = store_col_int64(st, 1);
  c->user_id = store_col_int64(st, 2);
  c->created_by = store_col_int64(st, 3);
  c->created_ms = store_col_int64(st, 4);
  c->used_ms = store_col_int64(st, 5);
  return STORE_OK;
}

static int state_row(struct store_stmt *st, void *elem) {
  struct store_checkin_state *s = elem;
  s->user_id = store_col_int64(st, 0);
  s->unused = store_col_int64(st, 1);
  s->used_ms = store_col_int64(st, 2);
  return STORE_OK;
}

static const struct store_rowtype code_one = {"checkin code", sizeof(struct store_checkin_code),
                                              code_row, NULL};
static const struct store_rowtype state_rows = {"checkin state", sizeof(struct store_checkin_state),
                                                state_row, NULL};

int store_checkin_code_put(struct store_tx *tx, const char *code_hash, int64_t schedule_id,
                           int64_t user_id, int64_t created_by) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg del[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id)};
  int rc = store_write(c, &checkin_set, CHECKIN_DELETE_UNUSED, del, 2, "checkin code replace");
  if (rc < 0) {
    return rc;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(code_hash), STORE_ARG_INT(schedule_id),
                                   STORE_ARG_INT(user_id), STORE_ARG_INT(created_by),
                                   STORE_ARG_INT(store_tx_now_ms(tx))};
  return store_write(c, &checkin_set, CHECKIN_INSERT, args, sizeof args / sizeof args[0],
                     "checkin code insert");
}

int store_checkin_code_get(struct store_rd *rd, struct store_checkin_code *out,
                           const char *code_hash) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &checkin_set, CHECKIN_GET);
  if (NULL != st) {
    store_bind_text(st, 1, code_hash);
  }
  return store_row_get(c, st, &code_one, out);
}

int store_checkin_code_use(struct store_tx *tx, const char *code_hash) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {STORE_ARG_TEXT(code_hash), STORE_ARG_INT(store_tx_now_ms(tx))};
  struct store_stmt *st = store_stmt(c, &checkin_set, CHECKIN_USE);
  if (NULL != st) {
    store_bind_all(st, args, 2);
  }
  return store_step_changes(c, st, "checkin code use");
}

int store_checkin_states(struct store_rd *rd, struct store_checkin_state **out, size_t *out_n,
                         int64_t schedule_id) {
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id)};
  return store_rows_query_all(store_rd_conn(rd), &checkin_set, CHECKIN_STATES, args, 1, &state_rows,
                              out, out_n);
}

void store_checkin_states_free(struct store_checkin_state *list, size_t n) {
  store_rows_free(&state_rows, list, n);
}

int store_enrolment_checked_in(struct store_tx *tx, int64_t schedule_id, int64_t user_id) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id),
                                   STORE_ARG_INT(store_tx_now_ms(tx))};
  struct store_stmt *st = store_stmt(c, &checkin_set, CHECKIN_ATTEND);
  if (NULL != st) {
    store_bind_all(st, args, 3);
  }
  return store_step_changes(c, st, "enrolment check-in");
}

int store_checkin_sessions_end(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                               int64_t *out_n) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id)};
  struct store_stmt *st = store_stmt(c, &checkin_set, CHECKIN_END_SESSIONS);
  int64_t changes = 0;
  if (NULL != out_n) {
    *out_n = 0;
  }
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, 2);
  int rc = store_step_done(c, st, "checkin sessions end", &changes);
  store_stmt_done(st);
  if (STORE_OK == rc && NULL != out_n) {
    *out_n = changes;
  }
  return rc;
}

/* A yes/no look-up of statement id with args: STORE_OK, STORE_NONE, or negative. */
static int exists(struct store_rd *rd, int id, const struct store_arg *args, size_t n) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &checkin_set, id);
  if (NULL != st) {
    store_bind_all(st, args, n);
  }
  static const struct store_rowtype one = {"checkin scope", 0, NULL, NULL};
  return store_row_get(c, st, &one, NULL);
}

int store_checkin_attempt_is(struct store_rd *rd, int64_t schedule_id, int64_t user_id,
                             int64_t attempt_id) {
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id),
                                   STORE_ARG_INT(attempt_id)};
  return exists(rd, CHECKIN_ATTEMPT_IS, args, 3);
}

int store_checkin_upload_is(struct store_rd *rd, int64_t schedule_id, int64_t user_id,
                            const char *upload_id) {
  const struct store_arg args[] = {STORE_ARG_INT(schedule_id), STORE_ARG_INT(user_id),
                                   STORE_ARG_TEXT(upload_id)};
  return exists(rd, CHECKIN_UPLOAD_IS, args, 3);
}
