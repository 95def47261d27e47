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

/* Runs the write statement `which` with args bound to ?1, ?2, ...: STORE_OK or a mapped
 * error; *out_n (may be NULL) receives the rows it changed. */
static int reset_run(struct store_tx *tx, int which, const struct store_arg *args, size_t nargs,
                     int64_t *out_n, const char *what) {
  return store_write_n(store_tx_conn(tx), &reset_set, which, args, nargs, what, out_n);
}

int store_reset_create(struct store_tx *tx, const struct store_reset *r) {
  if (NULL == r || r->expires_ms <= r->created_ms) {
    return STORE_HARD;
  }
  /* A link the account holder asked for by e-mail has no issuer: SQL NULL. */
  const struct store_arg args[] = {STORE_ARG_TEXT(r->token_hash), STORE_ARG_INT(r->user_id),
                                   STORE_RESET_SELF == r->issued_by ? STORE_ARG_TEXT(NULL)
                                                                    : STORE_ARG_INT(r->issued_by),
                                   STORE_ARG_INT(r->created_ms), STORE_ARG_INT(r->expires_ms)};
  return reset_run(tx, RESET_INSERT, args, sizeof args / sizeof args[0], NULL, "reset insert");
}

static int reset_row(struct store_stmt *st, void *elem) {
  struct store_reset *r = elem;
  memset(r, 0, sizeof *r);
  if (0 != store_col_copy(st, 0, r->token_hash, sizeof r->token_hash)) {
    return STORE_HARD;
  }
  /* columns 1.. in the order of RESET_GET */
  int64_t *const nums[] = {&r->user_id, &r->issued_by, &r->created_ms, &r->expires_ms, &r->used_ms};
  for (int i = 0; i < (int)(sizeof nums / sizeof nums[0]); i++) {
    *nums[i] = store_col_int64(st, i + 1);
  }
  return STORE_OK;
}

static const struct store_rowtype reset_one = {"reset lookup", sizeof(struct store_reset),
                                               reset_row, NULL};

int store_reset_get(struct store_rd *rd, struct store_reset *out, const char *token_hash) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_TEXT(token_hash);
  struct store_stmt *st = NULL == token_hash ? NULL : store_stmt(c, &reset_set, RESET_GET);
  if (NULL == st) {
    return NULL == token_hash ? STORE_NONE : STORE_HARD;
  }
  store_bind_all(st, &key, 1);
  return store_row_get(c, st, &reset_one, out);
}

int store_reset_use(struct store_tx *tx, const char *token_hash, int64_t now_ms) {
  const struct store_arg args[] = {STORE_ARG_TEXT(token_hash), STORE_ARG_INT(now_ms)};
  int64_t changed = 0;
  int rc = STORE_NONE;
  if (NULL != token_hash) {
    rc = reset_run(tx, RESET_USE, args, 2, &changed, "reset use");
  }
  return STORE_OK == rc && 0 == changed ? STORE_NONE : rc;
}

int store_reset_end_user(struct store_tx *tx, int64_t user_id, int64_t now_ms, int64_t *out_n) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(now_ms)};
  return reset_run(tx, RESET_END_USER, args, 2, out_n, "reset end user");
}

int store_reset_purge(struct store_tx *tx, int64_t before_ms, int64_t *out_n) {
  const struct store_arg args[] = {STORE_ARG_INT(before_ms)};
  return reset_run(tx, RESET_PURGE, args, 1, out_n, "reset purge");
}
