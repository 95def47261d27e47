/*
 * E-mail address changes waiting for confirmation, for both backends (migration 0041).
 */
#include <string.h>

#include "store/store_internal.h"

enum change_stmt {
  CHANGE_INSERT,
  CHANGE_GET,
  CHANGE_PENDING,
  CHANGE_USE,
  CHANGE_END_USER,
  CHANGE_PURGE,
  CHANGE__MAX
};

#define CHANGE_COLS "token_hash, user_id, email, created_at, expires_at"

static const char *const change_sqls[CHANGE__MAX] = {
    [CHANGE_INSERT] = "INSERT INTO email_changes(" CHANGE_COLS ", used_at) "
                      "VALUES(?1, ?2, ?3, ?4, ?5, NULL)",
    [CHANGE_GET] = "SELECT " CHANGE_COLS ", coalesce(used_at, 0) FROM email_changes "
                   "WHERE token_hash = ?1",
    [CHANGE_PENDING] = "SELECT " CHANGE_COLS ", 0 FROM email_changes WHERE user_id = ?1 "
                       "AND used_at IS NULL AND expires_at > ?2 "
                       "ORDER BY created_at DESC, token_hash LIMIT 1",
    [CHANGE_USE] = ("UPDATE email_changes SET used_at = ?2 "
                    "WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2"),
    [CHANGE_END_USER] =
        "UPDATE email_changes SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
    [CHANGE_PURGE] = "DELETE FROM email_changes WHERE expires_at < ?1",
};
static const struct store_sqlset change_set = {"email_changes", change_sqls, CHANGE__MAX};

/* Runs the write statement `which` with args bound to ?1, ?2, ...: STORE_OK or a mapped
 * error; *out_n (may be NULL) receives the rows it changed. */
static int change_run(struct store_tx *tx, int which, const struct store_arg *args, size_t nargs,
                      int64_t *out_n, const char *what) {
  return store_write_n(store_tx_conn(tx), &change_set, which, args, nargs, what, out_n);
}

int store_email_change_create(struct store_tx *tx, const struct store_email_change *c) {
  if (NULL == c || c->expires_ms <= c->created_ms) {
    return STORE_HARD;
  }
  int rc = store_email_change_end_user(tx, c->user_id, c->created_ms, NULL);
  if (STORE_OK != rc) {
    return rc;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(c->token_hash), STORE_ARG_INT(c->user_id),
                                   STORE_ARG_TEXT(c->email), STORE_ARG_INT(c->created_ms),
                                   STORE_ARG_INT(c->expires_ms)};
  return change_run(tx, CHANGE_INSERT, args, sizeof args / sizeof args[0], NULL,
                    "email change insert");
}

static int change_row(struct store_stmt *st, void *elem) {
  struct store_email_change *c = elem;
  memset(c, 0, sizeof *c);
  if (0 != store_col_copy(st, 0, c->token_hash, sizeof c->token_hash) ||
      0 != store_col_copy(st, 2, c->email, sizeof c->email)) {
    return STORE_HARD;
  }
  c->user_id = store_col_int64(st, 1);
  c->created_ms = store_col_int64(st, 3);
  c->expires_ms = store_col_int64(st, 4);
  c->used_ms = store_col_int64(st, 5);
  return STORE_OK;
}

static const struct store_rowtype change_one = {
    "email change lookup", sizeof(struct store_email_change), change_row, NULL};

int store_email_change_get(struct store_rd *rd, struct store_email_change *out,
                           const char *token_hash) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_TEXT(token_hash);
  struct store_stmt *st = NULL == token_hash ? NULL : store_stmt(c, &change_set, CHANGE_GET);
  if (NULL == st) {
    return NULL == token_hash ? STORE_NONE : STORE_HARD;
  }
  store_bind_all(st, &key, 1);
  return store_row_get(c, st, &change_one, out);
}

int store_email_change_pending(struct store_rd *rd, struct store_email_change *out, int64_t user_id,
                               int64_t now_ms) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(now_ms)};
  struct store_stmt *st = store_stmt(c, &change_set, CHANGE_PENDING);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, 2);
  return store_row_get(c, st, &change_one, out);
}

int store_email_change_use(struct store_tx *tx, const char *token_hash, int64_t now_ms) {
  const struct store_arg args[] = {STORE_ARG_TEXT(token_hash), STORE_ARG_INT(now_ms)};
  int64_t changed = 0;
  int rc = STORE_NONE;
  if (NULL != token_hash) {
    rc = change_run(tx, CHANGE_USE, args, 2, &changed, "email change use");
  }
  return STORE_OK == rc && 0 == changed ? STORE_NONE : rc;
}

int store_email_change_end_user(struct store_tx *tx, int64_t user_id, int64_t now_ms,
                                int64_t *out_n) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(now_ms)};
  return change_run(tx, CHANGE_END_USER, args, 2, out_n, "email change end user");
}

int store_email_change_purge(struct store_tx *tx, int64_t before_ms, int64_t *out_n) {
  const struct store_arg args[] = {STORE_ARG_INT(before_ms)};
  return change_run(tx, CHANGE_PURGE, args, 1, out_n, "email change purge");
}
