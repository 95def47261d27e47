/*
 * The credential's JWT form of each certificate in SQLite (see store_cert_jwt.h).
 */
#include <stdlib.h>

#include "store/store_internal.h"

enum jwt_stmt { JWT_PUT, JWT_GET, JWT__MAX };

static const char *const jwt_sqls[JWT__MAX] = {
    [JWT_PUT] = "INSERT INTO certificate_jwt(serial, jwt) VALUES(?1, ?2)",
    [JWT_GET] = "SELECT jwt FROM certificate_jwt WHERE serial = ?1",
};
static const struct store_sqlset jwt_set = {"certificate_jwt", jwt_sqls, JWT__MAX};

int store_cert_jwt_put(struct store_tx *tx, const char *serial, const char *jwt) {
  const struct store_arg args[] = {STORE_ARG_TEXT(serial), STORE_ARG_TEXT(jwt)};
  return store_write(store_tx_conn(tx), &jwt_set, JWT_PUT, args, 2, "certificate jwt insert");
}

static int jwt_row(sqlite3_stmt *st, void *elem) {
  int oom = 0;
  char **out = elem;
  *out = store_col_strdup(st, 0, &oom);
  return oom ? STORE_UNAVAILABLE : (NULL == *out ? STORE_HARD : STORE_OK);
}

static const struct store_rowtype jwt_one = {"certificate jwt", sizeof(char *), jwt_row, NULL};

int store_cert_jwt_get(struct store_rd *rd, char **out, const char *serial) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_TEXT(serial);
  sqlite3_stmt *st = store_stmt(c, &jwt_set, JWT_GET);
  *out = NULL;
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, &key, 1);
  return store_row_get(c, st, &jwt_one, out);
}
