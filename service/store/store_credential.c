/*
 * OB 3.0 credentials kept with certificates, and holders' bound DIDs, for both backends.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum cred_stmt { CRED_GET, CRED_PUT, CRED_FORGET_USER, DID_GET, DID_SET, DID_UNSET, CRED__MAX };

static const char *const cred_sqls[CRED__MAX] = {
    [CRED_GET] = "SELECT email_salt, jsonld FROM certificate_credentials WHERE serial = ?1",
    [CRED_PUT] = "INSERT INTO certificate_credentials(serial, email_salt, jsonld, made_at) "
                 "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(serial) DO UPDATE SET "
                 "jsonld = excluded.jsonld, made_at = excluded.made_at "
                 "WHERE certificate_credentials.jsonld IS NULL "
                 "AND certificate_credentials.email_salt = excluded.email_salt",
    [CRED_FORGET_USER] = "UPDATE certificate_credentials SET jsonld = NULL WHERE serial IN "
                         "(SELECT serial FROM certificates WHERE user_id = ?1)",
    [DID_GET] = "SELECT did FROM holder_dids WHERE user_id = ?1",
    [DID_SET] =
        "INSERT INTO holder_dids(user_id, did, bound_at) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(user_id) DO UPDATE SET did = excluded.did, bound_at = excluded.bound_at",
    [DID_UNSET] = "DELETE FROM holder_dids WHERE user_id = ?1",
};
static const struct store_sqlset cred_set = {"certificate_credentials", cred_sqls, CRED__MAX};

int store_credential_get(struct store_rd *rd, char salt[STORE_SALT_SIZE], char **out_jsonld,
                         const char *serial) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg key = STORE_ARG_TEXT(serial);
  struct store_stmt *st = NULL;
  *out_jsonld = NULL;
  int rc = store_row_step(c, &cred_set, CRED_GET, &key, 1, "credential get", &st);
  if (STORE_OK == rc) {
    int oom = 0;
    if (0 != store_col_copy(st, 0, salt, STORE_SALT_SIZE)) {
      rc = STORE_HARD;
    } else {
      *out_jsonld = store_col_strdup(st, 1, &oom);
      rc = oom ? STORE_UNAVAILABLE : STORE_OK;
    }
  }
  store_stmt_done(st);
  return rc;
}

int store_credential_put(struct store_tx *tx, const char *serial, const char *salt,
                         const char *jsonld, int64_t now_ms) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {STORE_ARG_TEXT(serial), STORE_ARG_TEXT(salt),
                                   STORE_ARG_TEXT(jsonld), STORE_ARG_INT(now_ms)};
  struct store_stmt *st = store_stmt(c, &cred_set, CRED_PUT);
  int64_t changed = 0;
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_all(st, args, sizeof args / sizeof args[0]);
  int rc = store_step_done(c, st, "credential put", &changed);
  store_stmt_done(st);
  return STORE_OK == rc && 0 == changed ? STORE_NONE : rc;
}

int store_credential_forget_user(struct store_tx *tx, int64_t user_id) {
  const struct store_arg arg = STORE_ARG_INT(user_id);
  return store_write(store_tx_conn(tx), &cred_set, CRED_FORGET_USER, &arg, 1, "credential forget");
}

int store_holder_did_get(struct store_rd *rd, char did[STORE_DID_SIZE], int64_t user_id) {
  const struct store_arg key = STORE_ARG_INT(user_id);
  struct store_stmt *st = NULL;
  int rc = store_row_step(store_rd_conn(rd), &cred_set, DID_GET, &key, 1, "holder did get", &st);
  if (STORE_OK == rc && 0 != store_col_copy(st, 0, did, STORE_DID_SIZE)) {
    rc = STORE_HARD;
  }
  store_stmt_done(st);
  return rc;
}

int store_holder_did_set(struct store_tx *tx, int64_t user_id, const char *did, int64_t now_ms) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(did),
                                   STORE_ARG_INT(now_ms)};
  if (NULL == did) {
    return store_write(store_tx_conn(tx), &cred_set, DID_UNSET, args, 1, "holder did unset");
  }
  return store_write(store_tx_conn(tx), &cred_set, DID_SET, args, 3, "holder did set");
}
