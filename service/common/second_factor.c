/*
 * The staff second factor (see second_factor.h): keys, sealing, and one transaction per
 * step with its audit entry.
 */
#include "common/second_factor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "common/audit_text.h"
#include "common/keyfile.h"
#include "store/store.h"
#include "ujikom/b64.h"

#define SEAL_PREFIX  "v1."
#define SEAL_NONCE   12
#define SEAL_TAG     16
#define SEAL_RAW_LEN (SEAL_NONCE + TOTP_SECRET_LEN + SEAL_TAG)

struct second_factor_key {
  uint8_t seal[32];     /* AES-256-GCM key for TOTP secrets */
  uint8_t recovery[32]; /* HMAC-SHA256 key for recovery codes */
};

/* One derived key: HMAC-SHA256(material, label), a single-block HKDF-Expand with a
 * purpose label, so the two uses never share a key. */
static int derive(uint8_t out[32], const uint8_t material[SECOND_FACTOR_KEY_LEN],
                  const char *label) {
  unsigned int n = 0;
  return NULL != HMAC(EVP_sha256(), material, SECOND_FACTOR_KEY_LEN, (const uint8_t *)label,
                      strlen(label), out, &n) &&
                 32 == n
             ? 0
             : -1;
}

struct second_factor_key *second_factor_key_from(const uint8_t material[SECOND_FACTOR_KEY_LEN]) {
  struct second_factor_key *k = calloc(1, sizeof *k);
  if (NULL == k) {
    return NULL;
  }
  if (0 != derive(k->seal, material, "ujikom second factor: seal v1") ||
      0 != derive(k->recovery, material, "ujikom second factor: recovery codes v1")) {
    second_factor_key_free(k);
    return NULL;
  }
  return k;
}

void second_factor_key_free(struct second_factor_key *key) {
  if (NULL != key) {
    OPENSSL_cleanse(key, sizeof *key);
    free(key);
  }
}

int second_factor_key_open(struct second_factor_key **out, const char *data_dir, bool create,
                           char *err, size_t errlen) {
  uint8_t material[SECOND_FACTOR_KEY_LEN];
  char path[1024];
  int ret = -1;
  *out = NULL;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", data_dir, SECOND_FACTOR_KEY_FILE) >=
      sizeof path) {
    snprintf(err, errlen, "the data directory's path is too long");
    return -1;
  }
  if (0 != keyfile_secret(material, SECOND_FACTOR_KEY_LEN, path, create, err, errlen)) {
    goto cleanup;
  }
  *out = second_factor_key_from(material);
  if (NULL == *out) {
    snprintf(err, errlen, "out of memory");
    goto cleanup;
  }
  ret = 0;
cleanup:
  OPENSSL_cleanse(material, sizeof material);
  return ret;
}

/* The additional data a sealed secret is bound to: its account. */
static int seal_aad(char out[64], int64_t user_id) {
  return snprintf(out, 64, "ujikom totp secret v1, account %lld", (long long)user_id);
}

/* AES-256-GCM in either direction over TOTP_SECRET_LEN bytes; tag is written (seal) or
 * checked (open). 0 or -1. */
static int gcm(bool seal, const struct second_factor_key *key, int64_t user_id,
               const uint8_t nonce[SEAL_NONCE], const uint8_t *in, uint8_t *out, uint8_t *tag) {
  char aad[64];
  int aad_len = seal_aad(aad, user_id);
  int n = 0;
  int ok = 0;
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (NULL == ctx) {
    return -1;
  }
  ok = 1 == EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->seal, nonce, seal ? 1 : 0) &&
       1 == EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)aad, aad_len) &&
       1 == EVP_CipherUpdate(ctx, out, &n, in, TOTP_SECRET_LEN) && TOTP_SECRET_LEN == n &&
       (seal || 1 == EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, tag)) &&
       1 == EVP_CipherFinal_ex(ctx, out + n, &n) && 0 == n &&
       (!seal || 1 == EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, tag));
  EVP_CIPHER_CTX_free(ctx);
  return ok ? 0 : -1;
}

int second_factor_seal(char out[SECOND_FACTOR_SEALED_SIZE], const struct second_factor_key *key,
                       int64_t user_id, const uint8_t secret[TOTP_SECRET_LEN]) {
  uint8_t raw[SEAL_RAW_LEN];
  int ret = -1;
  out[0] = '\0';
  if (NULL == key || 1 != RAND_bytes(raw, SEAL_NONCE) ||
      0 != gcm(true, key, user_id, raw, secret, raw + SEAL_NONCE,
               raw + SEAL_NONCE + TOTP_SECRET_LEN)) {
    goto cleanup;
  }
  memcpy(out, SEAL_PREFIX, sizeof SEAL_PREFIX);
  if (0 == b64_encode(out + strlen(SEAL_PREFIX), SECOND_FACTOR_SEALED_SIZE - strlen(SEAL_PREFIX),
                      raw, sizeof raw, B64_URL)) {
    out[0] = '\0';
    goto cleanup;
  }
  ret = 0;
cleanup:
  OPENSSL_cleanse(raw, sizeof raw);
  return ret;
}

int second_factor_unseal(uint8_t out[TOTP_SECRET_LEN], const struct second_factor_key *key,
                         int64_t user_id, const char *sealed) {
  uint8_t raw[SEAL_RAW_LEN];
  size_t plen = strlen(SEAL_PREFIX);
  int ret = -1;
  if (NULL != key && NULL != sealed && 0 == strncmp(sealed, SEAL_PREFIX, plen) &&
      SEAL_RAW_LEN == b64_decode(raw, sizeof raw, sealed + plen, strlen(sealed + plen), B64_URL) &&
      0 == gcm(false, key, user_id, raw, raw + SEAL_NONCE, out,
               raw + SEAL_NONCE + TOTP_SECRET_LEN)) {
    ret = 0;
  } else {
    OPENSSL_cleanse(out, TOTP_SECRET_LEN);
  }
  OPENSSL_cleanse(raw, sizeof raw);
  return ret;
}

int second_factor_recovery_hash(char out[SECOND_FACTOR_HASH_SIZE],
                                const struct second_factor_key *key, int64_t user_id,
                                const char *normalized) {
  static const char hex[] = "0123456789abcdef";
  char msg[64];
  uint8_t mac[32];
  unsigned int n = 0;
  int len = snprintf(msg, sizeof msg, "account %lld: %s", (long long)user_id, normalized);
  out[0] = '\0';
  if (NULL == key || len <= 0 || (size_t)len >= sizeof msg ||
      NULL == HMAC(EVP_sha256(), key->recovery, sizeof key->recovery, (const uint8_t *)msg,
                   (size_t)len, mac, &n) ||
      sizeof mac != n) {
    OPENSSL_cleanse(msg, sizeof msg);
    return -1;
  }
  for (size_t i = 0; i < sizeof mac; i++) {
    out[2 * i] = hex[mac[i] >> 4];
    out[2 * i + 1] = hex[mac[i] & 15];
  }
  out[2 * sizeof mac] = '\0';
  OPENSSL_cleanse(msg, sizeof msg);
  return 0;
}

bool second_factor_applies(enum role role) {
  return ROLE_ADMIN == role || ROLE_ASSESSOR == role;
}

bool second_factor_enforced(const struct config *cfg) {
  return 0 == strcmp(cfg->staff_2fa, "required");
}

bool second_factor_mode_valid(const char *value) {
  return 0 == strcmp(value, "optional") || 0 == strcmp(value, "required");
}

/* Reads the factor in its own snapshot: STORE_OK, STORE_NONE or negative. */
static int read_factor(struct store *store, int64_t user_id, struct store_second_factor *out,
                       int64_t *out_recovery_left) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(store, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_second_factor_get(rd, out, user_id);
  if (STORE_OK == rc && NULL != out_recovery_left) {
    rc = store_recovery_code_count(rd, user_id, out_recovery_left);
  }
  store_rd_end(rd);
  return rc;
}

/* Maps a store code to STORE_FAILED with *out_store_rc set. */
static enum second_factor_rc store_failed(int rc, int *out_store_rc) {
  *out_store_rc = rc;
  return SECOND_FACTOR_STORE_FAILED;
}

enum second_factor_rc second_factor_status_get(struct second_factor_status *out, struct svc *svc,
                                               int64_t user_id, int *out_store_rc) {
  struct store_second_factor f;
  int64_t left = 0;
  memset(out, 0, sizeof *out);
  *out_store_rc = STORE_OK;
  int rc = read_factor(svc->store, user_id, &f, &left);
  OPENSSL_cleanse(f.secret_sealed, sizeof f.secret_sealed);
  if (STORE_NONE == rc) {
    return SECOND_FACTOR_OK;
  }
  if (STORE_OK != rc) {
    return store_failed(rc, out_store_rc);
  }
  out->state = f.confirmed ? SECOND_FACTOR_STATE_CONFIRMED : SECOND_FACTOR_STATE_PENDING;
  out->recovery_left = f.confirmed ? left : 0;
  return SECOND_FACTOR_OK;
}

bool second_factor_due(struct svc *svc, int64_t user_id, enum role role, int *out_store_rc) {
  struct second_factor_status s;
  *out_store_rc = STORE_OK;
  if (!second_factor_applies(role)) {
    return false;
  }
  if (SECOND_FACTOR_OK != second_factor_status_get(&s, svc, user_id, out_store_rc)) {
    return false;
  }
  return SECOND_FACTOR_STATE_CONFIRMED == s.state;
}

struct begin_ctx {
  int64_t user_id;
  const char *sealed;
};

static int begin_txn(struct store_tx *tx, void *arg) {
  struct begin_ctx *c = arg;
  return store_second_factor_begin(tx, c->user_id, c->sealed);
}

enum second_factor_rc second_factor_enrol_begin(struct second_factor_enrolment *out,
                                                struct svc *svc, int64_t user_id, enum role role,
                                                const char *account, int *out_store_rc) {
  uint8_t secret[TOTP_SECRET_LEN];
  char sealed[SECOND_FACTOR_SEALED_SIZE];
  struct begin_ctx c = {.user_id = user_id, .sealed = sealed};
  enum second_factor_rc ret = SECOND_FACTOR_INTERNAL;
  memset(out, 0, sizeof *out);
  *out_store_rc = STORE_OK;
  if (!second_factor_applies(role)) {
    return SECOND_FACTOR_NOT_STAFF;
  }
  if (TOTP_OK != totp_secret_generate(secret) ||
      0 != second_factor_seal(sealed, svc->second_factor_key, user_id, secret) ||
      0 == totp_base32_encode(out->secret_b32, sizeof out->secret_b32, secret, sizeof secret)) {
    goto cleanup;
  }
  out->uri = totp_uri(svc->cfg->cert_issuer, account, secret, sizeof secret);
  if (NULL == out->uri) {
    /* an issuer name with ':' or a control character cannot be a label: use the product's */
    out->uri = totp_uri("ujikom", account, secret, sizeof secret);
  }
  if (NULL == out->uri) {
    goto cleanup;
  }
  int rc = store_txn(svc->store, begin_txn, &c);
  if (STORE_NONE == rc) {
    ret = SECOND_FACTOR_ALREADY_ENROLLED;
  } else if (STORE_OK != rc) {
    ret = store_failed(rc, out_store_rc);
  } else {
    ret = SECOND_FACTOR_OK;
  }
cleanup:
  OPENSSL_cleanse(secret, sizeof secret);
  OPENSSL_cleanse(sealed, sizeof sealed);
  if (SECOND_FACTOR_OK != ret) {
    second_factor_enrolment_clear(out);
  }
  return ret;
}

void second_factor_enrolment_clear(struct second_factor_enrolment *e) {
  totp_uri_free(e->uri);
  OPENSSL_cleanse(e, sizeof *e);
}

/* Checks code against the sealed secret of f: the totp_verify outcome as ours, *out_step
 * set on OK. */
static enum second_factor_rc check_code(uint64_t *out_step, const struct second_factor_key *key,
                                        const struct store_second_factor *f, const char *code,
                                        int64_t now_ms) {
  uint8_t secret[TOTP_SECRET_LEN];
  enum second_factor_rc ret = SECOND_FACTOR_INTERNAL;
  if (0 != second_factor_unseal(secret, key, f->user_id, f->secret_sealed)) {
    return SECOND_FACTOR_INTERNAL;
  }
  switch (totp_verify(out_step, secret, code, now_ms / 1000, (uint64_t)f->last_step)) {
  case TOTP_OK:
    ret = SECOND_FACTOR_OK;
    break;
  case TOTP_MISMATCH:
    ret = SECOND_FACTOR_WRONG_CODE;
    break;
  case TOTP_REPLAY:
    ret = SECOND_FACTOR_REPLAYED;
    break;
  case TOTP_MALFORMED:
    ret = SECOND_FACTOR_BAD_CODE;
    break;
  case TOTP_ERROR:
    break;
  }
  OPENSSL_cleanse(secret, sizeof secret);
  return ret;
}

/* Appends the audit entry of a change to user_id's factor. */
static int audit_factor(struct store_tx *tx, int64_t actor, int64_t user_id, const char *action,
                        json_t *before, json_t *after) {
  char subject[32];
  char *b = audit_text(before);
  char *a = audit_text(after);
  snprintf(subject, sizeof subject, "user:%lld", (long long)user_id);
  int rc =
      (NULL == a) ? STORE_UNAVAILABLE : store_audit_append(tx, NULL, actor, action, subject, b, a);
  free(b);
  free(a);
  return rc;
}

struct confirm_ctx {
  const struct second_factor_key *key;
  int64_t user_id;
  const char *code;
  int64_t now_ms;
  char (*codes)[TOTP_RECOVERY_TEXT_SIZE];
  enum second_factor_rc outcome;
};

static int confirm_txn(struct store_tx *tx, void *arg) {
  struct confirm_ctx *c = arg;
  struct store_second_factor f;
  uint64_t step = 0;
  char norm[TOTP_RECOVERY_TEXT_SIZE];
  char hash[SECOND_FACTOR_HASH_SIZE];
  int rc = store_second_factor_get_tx(tx, &f, c->user_id);
  c->outcome = SECOND_FACTOR_NOT_PENDING;
  if (STORE_OK != rc || f.confirmed) {
    OPENSSL_cleanse(&f, sizeof f);
    return rc < 0 ? rc : STORE_OK;
  }
  c->outcome = check_code(&step, c->key, &f, c->code, c->now_ms);
  OPENSSL_cleanse(&f, sizeof f);
  if (SECOND_FACTOR_OK != c->outcome) {
    return STORE_OK;
  }
  rc = store_second_factor_confirm(tx, c->user_id, (int64_t)step);
  for (size_t i = 0; STORE_OK == rc && i < TOTP_RECOVERY_COUNT; i++) {
    if (TOTP_OK != totp_recovery_normalize(norm, c->codes[i]) ||
        0 != second_factor_recovery_hash(hash, c->key, c->user_id, norm)) {
      rc = STORE_HARD;
      break;
    }
    rc = store_recovery_code_add(tx, c->user_id, hash);
  }
  OPENSSL_cleanse(norm, sizeof norm);
  if (STORE_OK == rc) {
    rc = audit_factor(
        tx, c->user_id, c->user_id, "user.second_factor.enrol", NULL,
        json_pack("{s:s, s:i}", "second_factor", "totp", "recovery_codes", TOTP_RECOVERY_COUNT));
  }
  return rc;
}

enum second_factor_rc
second_factor_enrol_confirm(char out_codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT_SIZE],
                            struct svc *svc, int64_t user_id, const char *code, int64_t now_ms,
                            int *out_store_rc) {
  struct confirm_ctx c = {.key = svc->second_factor_key,
                          .user_id = user_id,
                          .code = code,
                          .now_ms = now_ms,
                          .codes = out_codes,
                          .outcome = SECOND_FACTOR_INTERNAL};
  *out_store_rc = STORE_OK;
  if (NULL == code) {
    c.outcome = SECOND_FACTOR_BAD_CODE;
  } else if (TOTP_OK != totp_recovery_codes_generate(out_codes)) {
    c.outcome = SECOND_FACTOR_INTERNAL;
  } else {
    int rc = store_txn(svc->store, confirm_txn, &c);
    if (STORE_OK != rc) {
      c.outcome = store_failed(rc, out_store_rc);
    }
  }
  if (SECOND_FACTOR_OK != c.outcome) {
    OPENSSL_cleanse(out_codes, (size_t)TOTP_RECOVERY_COUNT * TOTP_RECOVERY_TEXT_SIZE);
  }
  return c.outcome;
}

struct ticket_ctx {
  char hash[SESSION_HASH_LEN + 1]; /* the ticket's, which alone is stored */
  int64_t user_id;
  int64_t expires_ms;
};

static int ticket_txn(struct store_tx *tx, void *arg) {
  struct ticket_ctx *c = arg;
  return store_login_ticket_create(tx, c->hash, c->user_id, c->expires_ms);
}

enum second_factor_rc second_factor_ticket_issue(char out_ticket[SESSION_TOKEN_LEN + 1],
                                                 struct svc *svc, int64_t user_id, int64_t now_ms,
                                                 int *out_store_rc) {
  struct ticket_ctx c = {.user_id = user_id, .expires_ms = now_ms + SECOND_FACTOR_TICKET_TTL_MS};
  int rc = STORE_HARD;
  *out_store_rc = STORE_OK;
  /* A collision of 256-bit random tickets will not happen; one retry keeps it harmless. */
  for (int attempt = 0; attempt < 2; attempt++) {
    if (0 != session_token_new(out_ticket) || 0 != session_token_hash(c.hash, out_ticket)) {
      OPENSSL_cleanse(out_ticket, SESSION_TOKEN_LEN + 1);
      return SECOND_FACTOR_INTERNAL;
    }
    rc = store_txn(svc->store, ticket_txn, &c);
    if (STORE_EXISTS != rc) {
      break;
    }
  }
  if (STORE_OK != rc) {
    OPENSSL_cleanse(out_ticket, SESSION_TOKEN_LEN + 1);
    return store_failed(rc, out_store_rc);
  }
  return SECOND_FACTOR_OK;
}

/* The hash of a well-formed ticket, or -1. */
static int ticket_hash(char out[SESSION_HASH_LEN + 1], const char *ticket) {
  return NULL != ticket && session_token_well_formed(ticket) && 0 == session_token_hash(out, ticket)
             ? 0
             : -1;
}

enum second_factor_rc second_factor_ticket_user(int64_t *out_user_id, struct svc *svc,
                                                const char *ticket, int64_t now_ms,
                                                int *out_store_rc) {
  char hash[SESSION_HASH_LEN + 1];
  struct store_login_ticket t;
  struct store_rd *rd = NULL;
  *out_user_id = 0;
  *out_store_rc = STORE_OK;
  if (0 != ticket_hash(hash, ticket)) {
    return SECOND_FACTOR_BAD_TICKET;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_login_ticket_get(rd, &t, hash);
    store_rd_end(rd);
  }
  if (STORE_NONE == rc || (STORE_OK == rc && t.expires_ms <= now_ms)) {
    return SECOND_FACTOR_BAD_TICKET;
  }
  if (STORE_OK != rc) {
    return store_failed(rc, out_store_rc);
  }
  *out_user_id = t.user_id;
  return SECOND_FACTOR_OK;
}

struct login_ctx {
  const struct second_factor_key *key;
  int64_t user_id;
  const char *hash; /* the ticket's */
  const char *code;
  const char *recovery;
  int64_t now_ms;
  enum second_factor_rc outcome;
};

/* A recovery code: used up when it is one of the account's (a delete that changed a row). */
static int use_recovery(struct store_tx *tx, struct login_ctx *c) {
  char norm[TOTP_RECOVERY_TEXT_SIZE];
  char hash[SECOND_FACTOR_HASH_SIZE];
  int rc = STORE_OK;
  if (TOTP_OK != totp_recovery_normalize(norm, c->recovery)) {
    c->outcome = SECOND_FACTOR_BAD_CODE;
    return STORE_OK;
  }
  if (0 != second_factor_recovery_hash(hash, c->key, c->user_id, norm)) {
    c->outcome = SECOND_FACTOR_INTERNAL;
  } else {
    rc = store_recovery_code_use(tx, c->user_id, hash);
    c->outcome = STORE_OK == rc ? SECOND_FACTOR_OK : SECOND_FACTOR_WRONG_CODE;
    rc = STORE_NONE == rc ? STORE_OK : rc;
  }
  OPENSSL_cleanse(norm, sizeof norm);
  if (STORE_OK == rc && SECOND_FACTOR_OK == c->outcome) {
    rc = audit_factor(tx, c->user_id, c->user_id, "user.second_factor.recovery_used", NULL,
                      json_pack("{s:s}", "second_factor", "recovery_code"));
  }
  return rc;
}

static int login_txn(struct store_tx *tx, void *arg) {
  struct login_ctx *c = arg;
  struct store_login_ticket t;
  struct store_second_factor f;
  uint64_t step = 0;
  int rc = store_login_ticket_get_tx(tx, &t, c->hash);
  c->outcome = SECOND_FACTOR_BAD_TICKET;
  if (STORE_OK != rc || t.user_id != c->user_id || t.expires_ms <= c->now_ms) {
    return rc < 0 ? rc : STORE_OK;
  }
  rc = store_second_factor_get_tx(tx, &f, c->user_id);
  if (STORE_OK != rc || !f.confirmed) {
    OPENSSL_cleanse(&f, sizeof f);
    return rc < 0 ? rc : STORE_OK; /* reset meanwhile: log in again */
  }
  if (NULL != c->code) {
    c->outcome = check_code(&step, c->key, &f, c->code, c->now_ms);
    rc = SECOND_FACTOR_OK == c->outcome ? store_second_factor_advance(tx, c->user_id, (int64_t)step)
                                        : STORE_OK;
    /* The guard moved meanwhile (another log-in with the same code): a replay. */
    if (STORE_NONE == rc) {
      c->outcome = SECOND_FACTOR_REPLAYED;
      rc = STORE_OK;
    }
  } else {
    rc = use_recovery(tx, c);
  }
  OPENSSL_cleanse(&f, sizeof f);
  if (rc < 0 || SECOND_FACTOR_INTERNAL == c->outcome) {
    return rc;
  }
  if (SECOND_FACTOR_OK == c->outcome || t.failures + 1 >= SECOND_FACTOR_TICKET_MAX_FAILURES) {
    rc = store_login_ticket_delete(tx, c->hash);
  } else {
    rc = store_login_ticket_failed(tx, c->hash);
  }
  return rc < 0 ? rc : STORE_OK;
}

enum second_factor_rc second_factor_login(bool *out_used_recovery, struct svc *svc, int64_t user_id,
                                          const char *ticket, const char *code,
                                          const char *recovery, int64_t now_ms, int *out_store_rc) {
  char hash[SESSION_HASH_LEN + 1];
  struct login_ctx c = {.key = svc->second_factor_key,
                        .user_id = user_id,
                        .hash = hash,
                        .code = code,
                        .recovery = recovery,
                        .now_ms = now_ms,
                        .outcome = SECOND_FACTOR_INTERNAL};
  *out_used_recovery = false;
  *out_store_rc = STORE_OK;
  if (0 != ticket_hash(hash, ticket)) {
    return SECOND_FACTOR_BAD_TICKET;
  }
  if ((NULL == code) == (NULL == recovery)) {
    return SECOND_FACTOR_BAD_CODE;
  }
  int rc = store_txn(svc->store, login_txn, &c);
  if (STORE_OK != rc) {
    return store_failed(rc, out_store_rc);
  }
  *out_used_recovery = SECOND_FACTOR_OK == c.outcome && NULL != recovery;
  return c.outcome;
}

struct reset_ctx {
  int64_t actor;
  int64_t user_id;
};

static int reset_txn(struct store_tx *tx, void *arg) {
  struct reset_ctx *c = arg;
  int rc = store_second_factor_delete(tx, c->user_id);
  if (STORE_OK != rc) {
    return rc;
  }
  return audit_factor(tx, c->actor, c->user_id, "user.second_factor.reset",
                      json_pack("{s:s}", "second_factor", "totp"),
                      json_pack("{s:n}", "second_factor"));
}

/* Removes user_id's factor, audited with actor. */
static enum second_factor_rc reset_factor(struct store *store, int64_t actor, int64_t user_id,
                                          int *out_store_rc) {
  struct reset_ctx c = {.actor = actor, .user_id = user_id};
  int rc = store_txn(store, reset_txn, &c);
  if (STORE_NONE == rc) {
    return SECOND_FACTOR_NOT_ENROLLED;
  }
  return STORE_OK == rc ? SECOND_FACTOR_OK : store_failed(rc, out_store_rc);
}

enum second_factor_rc second_factor_reset_account(struct store *store, int64_t actor,
                                                  int64_t user_id, int *out_store_rc) {
  *out_store_rc = STORE_OK;
  if (actor == user_id) {
    return SECOND_FACTOR_OWN_RESET;
  }
  return reset_factor(store, actor, user_id, out_store_rc);
}

enum second_factor_rc second_factor_reset(int64_t *out_user_id, struct store *store, int64_t actor,
                                          const char *email, int *out_store_rc) {
  struct store_user u;
  struct store_rd *rd = NULL;
  *out_user_id = 0;
  *out_store_rc = STORE_OK;
  memset(&u, 0, sizeof u);
  int rc = store_rd_begin(store, &rd);
  if (STORE_OK == rc) {
    rc = store_user_by_email(rd, &u, email);
    store_rd_end(rd);
  }
  OPENSSL_cleanse(u.password_hash, sizeof u.password_hash);
  if (STORE_NONE == rc) {
    return SECOND_FACTOR_NO_ACCOUNT;
  }
  if (STORE_OK != rc) {
    return store_failed(rc, out_store_rc);
  }
  *out_user_id = u.id;
  return reset_factor(store, actor, u.id, out_store_rc);
}
