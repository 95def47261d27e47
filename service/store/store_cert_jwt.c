/*
 * The credential's JWT forms of each certificate, for both backends (see store_cert_jwt.h).
 */
#include <stdlib.h>

#include "store/store_internal.h"

enum jwt_stmt { JWT_PUT, JWT_LATEST, JWT_LIST, JWT__MAX };

/* A new JWT is numbered after the certificate's others (its first is 1). */
#define JWT_PUT_SQL                                                                                \
  "INSERT INTO certificate_jwt(serial, seq, jwt, made_at) "                                        \
  "SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3 FROM certificate_jwt WHERE serial = ?1"

static const char *const jwt_sqls[JWT__MAX] = {
    [JWT_PUT] = JWT_PUT_SQL,
    [JWT_LATEST] = "SELECT jwt FROM certificate_jwt WHERE serial = ?1 ORDER BY seq DESC LIMIT 1",
    [JWT_LIST] = "SELECT jwt FROM certificate_jwt WHERE serial = ?1 ORDER BY seq",
};
static const struct store_sqlset jwt_set = {"certificate_jwt", jwt_sqls, JWT__MAX};

int store_cert_jwt_put(struct store_tx *tx, const char *serial, const char *jwt, int64_t now_ms) {
  const struct store_arg args[] = {STORE_ARG_TEXT(serial), STORE_ARG_TEXT(jwt),
                                   STORE_ARG_INT(now_ms)};
  return store_write(store_tx_conn(tx), &jwt_set, JWT_PUT, args, 3, "certificate jwt insert");
}

static int jwt_row(struct store_stmt *st, void *elem) {
  int oom = 0;
  char **out = elem;
  *out = store_col_strdup(st, 0, &oom);
  return oom ? STORE_UNAVAILABLE : (NULL == *out ? STORE_HARD : STORE_OK);
}

static void jwt_clear(void *elem) {
  char **text = elem;
  free(*text);
  *text = NULL;
}

static const struct store_rowtype jwt_type = {"certificate jwt", sizeof(char *), jwt_row,
                                              jwt_clear};

int store_cert_jwt_latest(struct store_rd *rd, char **out, const char *serial) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_TEXT(serial);
  struct store_stmt *st = store_stmt(c, &jwt_set, JWT_LATEST);
  *out = NULL;
  if (NULL != st) {
    store_bind_all(st, &key, 1);
  }
  return store_row_get(c, st, &jwt_type, out);
}

int store_cert_jwt_list(struct store_rd *rd, char ***out, size_t *out_n, const char *serial) {
  const struct store_arg key = STORE_ARG_TEXT(serial);
  *out = NULL;
  *out_n = 0;
  return store_rows_query_all(store_rd_conn(rd), &jwt_set, JWT_LIST, &key, 1, &jwt_type, out,
                              out_n);
}

void store_cert_jwt_list_free(char **list, size_t n) {
  store_rows_free(&jwt_type, list, n);
}
