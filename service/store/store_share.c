/*
 * Public credential URLs (share tokens), for both backends.
 */
#include <string.h>

#include "store/store_internal.h"

enum share_stmt { SHARE_INSERT, SHARE_DELETE, SHARE_BY_SERIAL, SHARE_BY_TOKEN, SHARE__MAX };

#define SHARE_COLS "serial, token, created_at"

static const char *const share_sqls[SHARE__MAX] = {
    [SHARE_INSERT] = ("INSERT INTO certificate_shares(" SHARE_COLS ") VALUES(?1, ?2, ?3) "
                      "ON CONFLICT (serial) DO NOTHING"),
    [SHARE_DELETE] = "DELETE FROM certificate_shares WHERE serial = ?1",
    [SHARE_BY_SERIAL] = ("SELECT " SHARE_COLS " FROM certificate_shares WHERE serial = ?1"),
    [SHARE_BY_TOKEN] = ("SELECT " SHARE_COLS " FROM certificate_shares WHERE token = ?1"),
};
static const struct store_sqlset share_set = {"certificate_shares", share_sqls, SHARE__MAX};

/* Runs the write `which` with args; *out_changes: the rows it changed. */
static int share_write(struct store_tx *tx, int which, const struct store_arg *args, size_t nargs,
                       int64_t *out_changes, const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &share_set, which);
  int rc = STORE_HARD;
  *out_changes = 0;
  if (NULL != st) {
    store_bind_all(st, args, nargs);
    rc = store_step_done(c, st, what, out_changes);
    store_stmt_done(st);
  }
  return rc;
}

int store_share_put(struct store_tx *tx, const struct store_share *s) {
  const struct store_arg args[] = {STORE_ARG_TEXT(s->serial), STORE_ARG_TEXT(s->token),
                                   STORE_ARG_INT(s->created_ms)};
  int64_t changed = 0;
  int rc =
      share_write(tx, SHARE_INSERT, args, sizeof args / sizeof args[0], &changed, "share insert");
  return STORE_OK == rc && 0 == changed ? STORE_CONFLICT : rc;
}

int store_share_delete(struct store_tx *tx, const char *serial) {
  const struct store_arg key = STORE_ARG_TEXT(serial);
  int64_t changed = 0;
  int rc = share_write(tx, SHARE_DELETE, &key, 1, &changed, "share delete");
  return STORE_OK == rc && 0 == changed ? STORE_NONE : rc;
}

static int share_row(struct store_stmt *st, void *elem) {
  struct store_share *s = elem;
  memset(s, 0, sizeof *s);
  if (0 != store_col_copy(st, 0, s->serial, sizeof s->serial) ||
      0 != store_col_copy(st, 1, s->token, sizeof s->token)) {
    return STORE_HARD;
  }
  s->created_ms = store_col_int64(st, 2);
  return STORE_OK;
}

static const struct store_rowtype share_one = {"share lookup", sizeof(struct store_share),
                                               share_row, NULL};

/* The share whose column (statement which) equals key. */
static int share_get(struct store_rd *rd, struct store_share *out, int which, const char *key) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg arg = STORE_ARG_TEXT(key);
  if (NULL == key) {
    return STORE_NONE;
  }
  struct store_stmt *st = store_stmt(c, &share_set, which);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, &arg, 1);
  return store_row_get(c, st, &share_one, out);
}

int store_share_by_serial(struct store_rd *rd, struct store_share *out, const char *serial) {
  return share_get(rd, out, SHARE_BY_SERIAL, serial);
}

int store_share_by_token(struct store_rd *rd, struct store_share *out, const char *token) {
  return share_get(rd, out, SHARE_BY_TOKEN, token);
}
