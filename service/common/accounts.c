/*
 * Staff accounts: checks, then one transaction per change with its audit entry.
 */
#include "common/accounts.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/audit_text.h"
#include "ujikom/person_name.h"

bool accounts_plain_text(const char *s, size_t min, size_t max) {
  size_t n = 0;
  if (NULL == s) {
    return false;
  }
  n = strlen(s);
  if (n < min || n > max) {
    return false;
  }
  for (; '\0' != *s; s++) {
    if ((unsigned char)*s < 0x20 || 0x7f == *s) {
      return false;
    }
  }
  return true;
}

/* A plain address: 3-254 printable ASCII characters, one '@', a local part of 1-64, a
 * domain with a dot that neither starts nor ends the domain. Internationalised addresses
 * are not accepted (yet). */
static bool email_valid(const char *email) {
  size_t len = strnlen(email, 256);
  const char *at = strchr(email, '@');
  const char *domain;
  size_t local;
  if (len < 3 || len > 254 || NULL == at || NULL != strchr(at + 1, '@')) {
    return false;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)email[i];
    if (c <= 0x20 || c >= 0x7f || '"' == c || '\\' == c || '<' == c || '>' == c || ',' == c ||
        ';' == c || ':' == c || '(' == c || ')' == c || '[' == c || ']' == c) {
      return false;
    }
  }
  local = (size_t)(at - email);
  domain = at + 1;
  return local >= 1 && local <= 64 && NULL != strchr(domain, '.') && '.' != domain[0] &&
         '.' != email[len - 1] && NULL == strstr(domain, "..");
}

enum accounts_rc accounts_name(char **out, const char *name, char *why, size_t whylen) {
  *out = NULL;
  if (NULL != why && whylen > 0) {
    snprintf(why, whylen, "the name is missing");
  }
  if (NULL == name ||
      PERSON_NAME_OK != person_name_for_record(out, name, strlen(name), why, whylen)) {
    return ACCOUNTS_BAD_NAME;
  }
  return ACCOUNTS_OK;
}

void accounts_name_refusal(char *buf, size_t len, const char *name) {
  char why[160], *norm = NULL;
  if (ACCOUNTS_OK == accounts_name(&norm, name, why, sizeof why)) {
    snprintf(why, sizeof why, "accepted");
  }
  free(norm);
  snprintf(buf, len,
           "name: %s. A name is 1 to 200 characters (letters of any script) without "
           "control, invisible or bidirectional formatting characters.",
           why);
}

bool accounts_email_valid(const char *email) {
  return NULL != email && email_valid(email);
}

/* The name rule without keeping the normalised form. */
static enum accounts_rc check_name(const char *name) {
  char *norm = NULL;
  enum accounts_rc rc = accounts_name(&norm, name, NULL, 0);
  free(norm);
  return rc;
}

enum accounts_rc accounts_check_registration(const char *name, const char *email,
                                             const char *password,
                                             enum password_policy_verdict *out_verdict) {
  *out_verdict = PASSWORD_POLICY_OK;
  if (ACCOUNTS_OK != check_name(name)) {
    return ACCOUNTS_BAD_NAME;
  }
  if (!accounts_email_valid(email)) {
    return ACCOUNTS_BAD_EMAIL;
  }
  return accounts_check_password(password, email, name, out_verdict);
}

enum accounts_rc accounts_check_staff(const char *email, const char *name, enum role role) {
  if (!accounts_email_valid(email)) {
    return ACCOUNTS_BAD_EMAIL;
  }
  if (ACCOUNTS_OK != check_name(name)) {
    return ACCOUNTS_BAD_NAME;
  }
  if (ROLE_ASSESSOR != role && ROLE_ADMIN != role) {
    return ACCOUNTS_BAD_ROLE;
  }
  return ACCOUNTS_OK;
}

enum accounts_rc accounts_check_password(const char *password, const char *email, const char *name,
                                         enum password_policy_verdict *out_verdict) {
  *out_verdict = PASSWORD_POLICY_OK;
  if (NULL == password) {
    return ACCOUNTS_NO_PASSWORD;
  }
  *out_verdict = password_policy_check(NULL, password, email, name, NULL);
  return PASSWORD_POLICY_OK == *out_verdict ? ACCOUNTS_OK : ACCOUNTS_WEAK_PASSWORD;
}

static enum accounts_rc store_failed(int *out_store_rc, int rc) {
  *out_store_rc = rc < 0 ? rc : STORE_HARD;
  return ACCOUNTS_STORE_FAILED;
}

/* Stores a new account: the password hashed by hash (at log2n) goes to *hash_slot for txn,
 * which creates the account with it, and is freed afterwards. ACCOUNTS_OK,
 * ACCOUNTS_INTERNAL (hashing failed), ACCOUNTS_EMAIL_TAKEN or ACCOUNTS_STORE_FAILED
 * (*out_store_rc). */
static enum accounts_rc store_new_account(struct store *store, accounts_hash_fn hash,
                                          const char *password, unsigned log2n,
                                          const char **hash_slot, store_txn_fn txn, void *ctx,
                                          int *out_store_rc) {
  char *hashed = NULL;
  if (PASSWORD_OK != hash(&hashed, password, log2n)) {
    return ACCOUNTS_INTERNAL;
  }
  *hash_slot = hashed;
  int rc = store_txn(store, txn, ctx);
  *hash_slot = NULL;
  password_free(hashed);
  if (STORE_EXISTS == rc) {
    return ACCOUNTS_EMAIL_TAKEN;
  }
  return STORE_OK == rc ? ACCOUNTS_OK : store_failed(out_store_rc, rc);
}

struct create_ctx {
  const struct accounts_new_staff *in;
  const char *name; /* normalised */
  const char *hash;
  int64_t id;
};

static int tx_create(struct store_tx *tx, void *vctx) {
  struct create_ctx *c = vctx;
  const struct accounts_new_staff *in = c->in;
  int rc = store_user_create(tx, &c->id, in->email, c->name, in->role, c->hash);
  if (STORE_OK != rc) {
    return rc;
  }
  return audit_creation(tx, in->actor, "user.create", "user", c->id,
                        json_pack("{s:I, s:s, s:s, s:s, s:b, s:s?}", "id", (json_int_t)c->id,
                                  "email", in->email, "name", c->name, "role", role_name(in->role),
                                  "disabled", 0, "via", in->via));
}

enum accounts_rc accounts_create_staff(struct store_user *out, struct store *store,
                                       const struct accounts_new_staff *in,
                                       enum password_policy_verdict *out_verdict,
                                       int *out_store_rc) {
  struct create_ctx c = {.in = in};
  struct store_rd *rd = NULL;
  char *name = NULL;
  enum accounts_rc res = accounts_check_staff(in->email, in->name, in->role);
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  *out_verdict = PASSWORD_POLICY_OK;
  *out_store_rc = STORE_OK;
  if (ACCOUNTS_OK != res) {
    return res;
  }
  res = accounts_check_password(in->password, in->email, in->name, out_verdict);
  if (ACCOUNTS_OK != res) {
    return res;
  }
  if (ACCOUNTS_OK != accounts_name(&name, in->name, NULL, 0)) {
    return ACCOUNTS_BAD_NAME;
  }
  c.name = name;
  res = store_new_account(store, in->hash, in->password, in->log2n, &c.hash, tx_create, &c,
                          out_store_rc);
  free(name);
  if (ACCOUNTS_OK != res) {
    return res;
  }
  rc = store_rd_begin(store, &rd);
  if (STORE_OK == rc) {
    rc = store_user_by_id(rd, out, c.id);
  }
  store_rd_end(rd);
  OPENSSL_cleanse(out->password_hash, sizeof out->password_hash);
  if (STORE_OK != rc) {
    /* The account is stored; only reading it back failed. */
    out->id = c.id;
    return store_failed(out_store_rc, rc);
  }
  return ACCOUNTS_OK;
}

struct register_ctx {
  const char *email, *name, *hash;
  int64_t id;
};

static int tx_register(struct store_tx *tx, void *vctx) {
  struct register_ctx *c = vctx;
  c->id = 0;
  return store_user_create(tx, &c->id, c->email, c->name, ROLE_CANDIDATE, c->hash);
}

enum accounts_rc accounts_register(int64_t *out_id, struct store *store, const char *name,
                                   const char *email, const char *password, accounts_hash_fn hash,
                                   unsigned log2n, enum password_policy_verdict *out_verdict,
                                   int *out_store_rc) {
  struct register_ctx c = {.email = email};
  char *normalised = NULL;
  enum accounts_rc res = accounts_check_registration(name, email, password, out_verdict);
  *out_id = 0;
  *out_store_rc = STORE_OK;
  if (ACCOUNTS_OK != res) {
    return res;
  }
  if (ACCOUNTS_OK != accounts_name(&normalised, name, NULL, 0)) {
    return ACCOUNTS_BAD_NAME;
  }
  c.name = normalised;
  res = store_new_account(store, hash, password, log2n, &c.hash, tx_register, &c, out_store_rc);
  free(normalised);
  if (ACCOUNTS_OK != res) {
    return res;
  }
  *out_id = c.id;
  return ACCOUNTS_OK;
}

/* accounts_list's and accounts_search's read (out_more NULL: not asked). */
static enum accounts_rc users_read(struct store_user **out, size_t *out_n, bool *out_more,
                                   struct store *store, const struct store_user_filter *f,
                                   int64_t after_id, int limit, int *out_store_rc) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(store, &rd);
  *out = NULL;
  *out_n = 0;
  *out_store_rc = STORE_OK;
  if (STORE_OK == rc) {
    rc = store_user_search(rd, out, out_n, f, after_id, limit, out_more);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  for (size_t i = 0; NULL != *out && i < *out_n; i++) {
    OPENSSL_cleanse((*out)[i].password_hash, sizeof(*out)[i].password_hash);
  }
  return ACCOUNTS_OK;
}

enum accounts_rc accounts_list(struct store_user **out, size_t *out_n, struct store *store,
                               const enum role *role, int *out_store_rc) {
  const struct store_user_filter f = {NULL, role, STORE_USER_ANY};
  return users_read(out, out_n, NULL, store, &f, 0, ACCOUNTS_LIST_MAX, out_store_rc);
}

enum accounts_rc accounts_search(struct store_user **out, size_t *out_n, bool *out_more,
                                 struct store *store, const struct store_user_filter *f,
                                 int64_t after_id, int limit, int *out_store_rc) {
  *out_more = false;
  return users_read(out, out_n, out_more, store, f, after_id, limit, out_store_rc);
}

bool accounts_may_disable(int64_t actor, const struct store_user *u) {
  return !u->disabled && u->id != actor;
}

struct disable_ctx {
  int64_t id, actor;
  const char *reason;
  bool changed;
};

int accounts_read(struct store_rd *rd, int64_t id, struct store_user *out) {
  int rc = store_user_by_id(rd, out, id);
  OPENSSL_cleanse(out->password_hash, sizeof out->password_hash);
  return rc;
}

static int tx_disable(struct store_tx *tx, void *vctx) {
  struct disable_ctx *c = vctx;
  struct store_user u;
  int rc = accounts_read(store_tx_rd(tx), c->id, &u);
  c->changed = false;
  if (STORE_OK != rc) {
    return rc;
  }
  if (u.disabled) {
    return STORE_OK; /* already disabled: nothing changes, nothing to record */
  }
  rc = store_user_set_disabled(tx, c->id, true);
  if (STORE_OK == rc) {
    rc = store_session_delete_user(tx, c->id, NULL);
  }
  if (STORE_OK != rc) {
    return rc;
  }
  rc = audit_change(
      tx, c->actor, "user.disable", "user", c->id,
      json_pack("{s:s, s:b}", "role", role_name(u.role), "disabled", 0),
      json_pack("{s:s, s:b, s:s?}", "role", role_name(u.role), "disabled", 1, "reason", c->reason));
  c->changed = STORE_OK == rc;
  return rc;
}

enum accounts_rc accounts_disable(bool *out_changed, struct store *store, int64_t actor, int64_t id,
                                  bool reason_given, const char *reason, int *out_store_rc) {
  struct disable_ctx c = {.id = id, .actor = actor, .reason = reason};
  int rc = STORE_HARD;
  *out_changed = false;
  *out_store_rc = STORE_OK;
  if (id == actor) {
    return ACCOUNTS_DISABLE_SELF;
  }
  if (reason_given && !accounts_plain_text(reason, 0, ACCOUNTS_MAX_REASON)) {
    return ACCOUNTS_BAD_REASON;
  }
  rc = store_txn(store, tx_disable, &c);
  if (STORE_NONE == rc) {
    return ACCOUNTS_NOT_FOUND;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  *out_changed = c.changed;
  return ACCOUNTS_OK;
}

struct end_sessions_ctx {
  int64_t id, actor, n;
};

static int tx_end_sessions(struct store_tx *tx, void *vctx) {
  struct end_sessions_ctx *c = vctx;
  struct store_user u;
  int rc = accounts_read(store_tx_rd(tx), c->id, &u);
  c->n = 0;
  if (STORE_OK == rc) {
    rc = store_session_delete_user(tx, c->id, &c->n);
  }
  if (STORE_OK == rc) {
    rc = audit_user_entry(tx, c->actor, "user.sessions_end", c->id,
                          json_pack("{s:I}", "sessions", (json_int_t)c->n));
  }
  return rc;
}

enum accounts_rc accounts_end_sessions(int64_t *out_n, struct store *store, int64_t actor,
                                       int64_t id, int *out_store_rc) {
  struct end_sessions_ctx c = {.id = id, .actor = actor};
  *out_n = 0;
  *out_store_rc = STORE_OK;
  int rc = store_txn(store, tx_end_sessions, &c);
  if (STORE_NONE == rc) {
    return ACCOUNTS_NOT_FOUND;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  *out_n = c.n;
  return ACCOUNTS_OK;
}

struct rename_ctx {
  int64_t id, actor;
  const char *name, *reason;
  bool changed;
  struct store_user after;
};

static int tx_rename(struct store_tx *tx, void *vctx) {
  struct rename_ctx *c = vctx;
  struct store_user u;
  int rc = accounts_read(store_tx_rd(tx), c->id, &u);
  c->changed = false;
  if (STORE_OK != rc) {
    return rc;
  }
  c->after = u;
  snprintf(c->after.name, sizeof c->after.name, "%s", c->name);
  if (0 == strcmp(u.name, c->name)) {
    return STORE_OK; /* the name already: nothing changes, nothing to record */
  }
  rc = store_user_set_name(tx, c->id, c->name);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = audit_change(tx, c->actor, "user.rename", "user", c->id, json_pack("{s:s}", "name", u.name),
                    json_pack("{s:s, s:s}", "name", c->name, "reason", c->reason));
  c->changed = STORE_OK == rc;
  return rc;
}

enum accounts_rc accounts_rename(struct store_user *out, bool *out_changed, struct store *store,
                                 int64_t actor, int64_t id, const char *name, const char *reason,
                                 char *why, size_t whylen, int *out_store_rc) {
  char *norm = NULL;
  memset(out, 0, sizeof *out);
  *out_changed = false;
  *out_store_rc = STORE_OK;
  enum accounts_rc res = accounts_name(&norm, name, why, whylen);
  if (ACCOUNTS_OK != res) {
    return res;
  }
  if (!accounts_plain_text(reason, 1, ACCOUNTS_MAX_REASON)) {
    free(norm);
    return ACCOUNTS_BAD_REASON;
  }
  struct rename_ctx c = {.id = id, .actor = actor, .name = norm, .reason = reason};
  int rc = store_txn(store, tx_rename, &c);
  free(norm);
  if (STORE_NONE == rc) {
    return ACCOUNTS_NOT_FOUND;
  }
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  *out_changed = c.changed;
  *out = c.after;
  return ACCOUNTS_OK;
}
