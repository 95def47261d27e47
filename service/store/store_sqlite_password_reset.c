/*
 * Password-reset links in SQLite.
 */
#include <string.h>

#include "store/store_internal.h"

enum reset_stmt { RESET_INSERT, RESET_GET, RESET_USE, RESET_END_USER, RESET_PURGE, RESET__MAX };

#define RESET_COLS "token_hash, user_id, issued_by, created_at, expires_at, used_at"

static const char *const reset_sqls[RESET__MAX] = {
    [RESET_INSERT] = "INSERT INTO password_resets(" RESET_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, NULL)",
    [RESET_GET] = "SELECT token_hash, user_id, coalesce(issued_by, -1), created_at, expires_at, "
                  "coalesce(used_at, 0) FROM password_resets WHERE token_hash = ?1",
    [RESET_USE] = "UPDATE password_resets SET used_at = ?2 "
                  "WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
    [RESET_END_USER] =
        "UPDATE password_resets SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
    [RESET_PURGE] = "DELETE FROM password_resets WHERE expires_at < ?1",
};
static const struct store_sqlset reset_set = {"password_resets", reset_sqls, RESET__MAX};

int store_reset_create(struct store_tx *tx, const struct store_reset *r) {
  struct store_conn *c = store_tx_conn(tx);
  sqlite3_stmt *st = NULL;
  int rc = STORE_HARD;
  if (NULL == r || r->expires_ms <= r->created_ms) {
    return STORE_HARD;
  }
  st = store_stmt(c, &reset_set, RESET_INSERT);
  if (NULL == st) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(r->token_hash), STORE_ARG_INT(r->user_id),
                                   STORE_ARG_INT(r->issued_by), STORE_ARG_INT(r->created_ms),
                                   STORE_ARG_INT(r->expires_ms)};
  store_bind_all(st, args, sizeof args / sizeof args[0]);
  if (STORE_RESET_SELF == r->issued_by) {
    sqlite3_bind_null(st, 3);
  }
  rc = store_step_done(c, st, "reset insert", NULL);
  store_stmt_done(st);
  return rc;
}

static int reset_row(sqlite3_stmt *st, void *elem) {
  struct store_reset *r = elem;
  memset(r, 0, sizeof *r);
  if (0 != store_col_copy(st, 0, r->token_hash, sizeof r->token_hash)) {
    return STORE_HARD;
  }
  r->user_id = sqlite3_column_int64(st, 1);
  r->issued_by = sqlite3_column_int64(st, 2);
  r->created_ms = sqlite3_column_int64(st, 3);
  r->expires_ms = sqlite3_column_int64(st, 4);
  r->used_ms = sqlite3_column_int64(st, 5);
  return STORE_OK;
}

static const struct store_rowtype reset_one = {"reset lookup", sizeof(struct store_reset),
                                               reset_row, NULL};

int store_reset_get(struct store_rd *rd, struct store_reset *out, const char *token_hash) {
  struct store_conn *c = store_rd_conn(rd);
  sqlite3_stmt *st = NULL;
  if (NULL == token_hash) {
    return STORE_NONE;
  }
  st = store_stmt(c, &reset_set, RESET_GET);
  if (NULL != st) {
    store_bind_text(st, 1, token_hash);
  }
  return store_row_get(c, st, &reset_one, out);
}

int store_reset_use(struct store_tx *tx, const char *token_hash, int64_t now_ms) {
  struct store_conn *c = store_tx_conn(tx);
  sqlite3_stmt *st = NULL;
  if (NULL == token_hash) {
    return STORE_NONE;
  }
  st = store_stmt(c, &reset_set, RESET_USE);
  if (NULL != st) {
    store_bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, now_ms);
  }
  return store_step_changes(c, st, "reset use");
}

/* Runs a write bound to (?1 = a, ?2 = b, when the statement has it) and reports the rows it
 * changed through *out_n (may be NULL). */
static int reset_write(struct store_tx *tx, int which, int64_t a, int64_t b, int64_t *out_n,
                       const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  sqlite3_stmt *st = store_stmt(c, &reset_set, which);
  int64_t changes = 0;
  int rc = STORE_HARD;
  if (NULL != out_n) {
    *out_n = 0;
  }
  if (NULL == st) {
    return STORE_HARD;
  }
  sqlite3_bind_int64(st, 1, a);
  if (sqlite3_bind_parameter_count(st) >= 2) {
    sqlite3_bind_int64(st, 2, b);
  }
  rc = store_step_done(c, st, what, &changes);
  store_stmt_done(st);
  if (STORE_OK == rc && NULL != out_n) {
    *out_n = changes;
  }
  return rc;
}

int store_reset_end_user(struct store_tx *tx, int64_t user_id, int64_t now_ms, int64_t *out_n) {
  return reset_write(tx, RESET_END_USER, user_id, now_ms, out_n, "reset end user");
}

int store_reset_purge(struct store_tx *tx, int64_t before_ms, int64_t *out_n) {
  return reset_write(tx, RESET_PURGE, before_ms, 0, out_n, "reset purge");
}
