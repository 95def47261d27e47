/*
 * The shared key files of the nodes on one database, checked by fingerprint (node_keys.h).
 * A secret file's fingerprint is SHA-256 over a purpose tag, the file's name and its bytes:
 * the secret itself never leaves the data directory, and 256 random bits cannot be found
 * from their hash. A signing key's is SHA-256 over a tag and its public key.
 */
#include "common/node_keys.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/application.h"
#include "common/certlog.h"
#include "common/keyfile.h"
#include "common/keystore.h"
#include "common/second_factor.h"
#include "store/store.h"
#include "ujikom/note.h"

#define FINGERPRINT_TAG "ujikom node key v1"

/* The secret key files, each as long as its module reads it. */
static const struct {
  const char *file;
  size_t len;
} secret_files[] = {
    {CERTLOG_KEY_FILE, NOTE_SEED_LEN},
    {SECOND_FACTOR_KEY_FILE, SECOND_FACTOR_KEY_LEN},
    {APPLICATION_KEY_FILE, APPLICATION_KEY_LEN},
};
#define NSECRETS (sizeof secret_files / sizeof secret_files[0])

/* One key as registered: its name ("file:<name>", "ed25519:<kid>", "es256:<kid>") and the
 * hex SHA-256 of the tag, the name and the key's bytes. */
struct node_key {
  char name[STORE_NODE_KEY_NAME_MAX + 1];
  char fingerprint[STORE_NODE_KEY_FP_LEN + 1];
};

static int fingerprint(struct node_key *k, const unsigned char *bytes, size_t len) {
  unsigned char md[32];
  unsigned int mdlen = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  bool ok = NULL != ctx && 1 == EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
            1 == EVP_DigestUpdate(ctx, FINGERPRINT_TAG, sizeof FINGERPRINT_TAG) &&
            1 == EVP_DigestUpdate(ctx, k->name, strlen(k->name) + 1) &&
            1 == EVP_DigestUpdate(ctx, bytes, len) && 1 == EVP_DigestFinal_ex(ctx, md, &mdlen) &&
            sizeof md == mdlen;
  EVP_MD_CTX_free(ctx);
  for (size_t i = 0; ok && i < sizeof md; i++) {
    snprintf(k->fingerprint + 2 * i, 3, "%02x", md[i]);
  }
  return ok ? 0 : -1;
}

/* What this node has: the secret files first, then every public key of ks. */
struct local_keys {
  struct node_key *keys; /* calloc'd, room for cap */
  size_t n, cap;
};

static int add_public(struct local_keys *lk, const char *kind, const char *kid,
                      const unsigned char *pub, size_t len) {
  if (lk->n >= lk->cap) {
    return -1;
  }
  struct node_key *k = &lk->keys[lk->n++];
  snprintf(k->name, sizeof k->name, "%s:%s", kind, kid);
  return fingerprint(k, pub, len);
}

/* Fills lk (its keys calloc'd: free them whatever this returns). 0, or -1 with err. */
static int local_keys_read(struct local_keys *lk, const char *data_dir, const struct keystore *ks,
                           char *err, size_t errlen) {
  unsigned char secret[64];
  size_t ned = 0, nec = 0;
  const struct token_pubkey *ed = keystore_public(ks, &ned);
  const struct es256_pubkey *ec = keystore_es256_public(ks, &nec);
  lk->n = 0;
  lk->cap = NSECRETS + ned + nec;
  if (NULL == (lk->keys = calloc(lk->cap, sizeof *lk->keys))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < NSECRETS; i++) {
    char path[1100];
    struct node_key *k = &lk->keys[lk->n++];
    snprintf(k->name, sizeof k->name, "file:%s", secret_files[i].file);
    snprintf(path, sizeof path, "%s/%s", data_dir, secret_files[i].file);
    if (0 != keyfile_secret(secret, secret_files[i].len, path, false, err, errlen)) {
      return -1;
    }
    int rc = fingerprint(k, secret, secret_files[i].len);
    OPENSSL_cleanse(secret, sizeof secret);
    if (0 != rc) {
      snprintf(err, errlen, "%s: cannot compute its fingerprint", path);
      return -1;
    }
  }
  for (size_t i = 0; i < ned; i++) {
    if (0 != add_public(lk, "ed25519", ed[i].kid, ed[i].pub, sizeof ed[i].pub)) {
      snprintf(err, errlen, "cannot compute the fingerprint of key %s", ed[i].kid);
      return -1;
    }
  }
  for (size_t i = 0; i < nec; i++) {
    if (0 != add_public(lk, "es256", ec[i].kid, ec[i].pub, sizeof ec[i].pub)) {
      snprintf(err, errlen, "cannot compute the fingerprint of key %s", ec[i].kid);
      return -1;
    }
  }
  return 0;
}

struct check_ctx {
  const struct local_keys *lk;
  const char *data_dir;
  int64_t now_ms;
  char *err;
  size_t errlen;
};

static bool have_key(const struct local_keys *lk, const char *name) {
  for (size_t i = 0; i < lk->n; i++) {
    if (0 == strcmp(lk->keys[i].name, name)) {
      return true;
    }
  }
  return false;
}

/* Every signing key of kind ("ed25519:" or "es256:") registered by some node is in lk. */
static int check_registered(struct store_tx *tx, struct check_ctx *c, const char *kind) {
  struct store_node_key *list = NULL;
  size_t n = 0;
  int rc = store_node_keys_list(tx, &list, &n, kind);
  for (size_t i = 0; STORE_OK == rc && i < n; i++) {
    if (!have_key(c->lk, list[i].name)) {
      snprintf(c->err, c->errlen,
               "signing key %s, registered by another node on this database, is not under "
               "%s/keys: deploy the same keys/ directory to every node",
               list[i].name, c->data_dir);
      rc = STORE_CONFLICT;
    }
  }
  store_node_keys_free(list, n);
  return rc;
}

static int check_txn(struct store_tx *tx, void *arg) {
  struct check_ctx *c = arg;
  for (size_t i = 0; i < c->lk->n; i++) {
    const struct node_key *k = &c->lk->keys[i];
    char registered[STORE_NODE_KEY_FP_LEN + 1];
    int rc = store_node_key_claim(tx, registered, k->name, k->fingerprint, c->now_ms);
    if (STORE_OK != rc) {
      return rc;
    }
    if (0 != strcmp(registered, k->fingerprint)) {
      if (0 == strncmp(k->name, "file:", 5)) {
        snprintf(c->err, c->errlen,
                 "%s/%s is not the file another node on this database registered: deploy the "
                 "same key files to every node",
                 c->data_dir, k->name + 5);
      } else {
        snprintf(c->err, c->errlen,
                 "signing key %s is not the key another node on this database registered under "
                 "that kid: deploy the same keys/ directory to every node",
                 k->name);
      }
      return STORE_CONFLICT;
    }
  }
  int rc = check_registered(tx, c, "ed25519:");
  return STORE_OK == rc ? check_registered(tx, c, "es256:") : rc;
}

int node_keys_check(struct store *s, const char *data_dir, const struct keystore *ks,
                    int64_t now_ms, char *err, size_t errlen) {
  struct local_keys lk = {NULL, 0, 0};
  err[0] = '\0';
  if (0 == strcmp(store_backend_name(s), "sqlite")) {
    /* One process uses a SQLite file, and its keys are beside it: a key file replaced
     * there was replaced on purpose (a lost key, docs/operations.md "Backups"). */
    return 0;
  }
  int rc = local_keys_read(&lk, data_dir, ks, err, errlen);
  if (0 == rc) {
    struct check_ctx c = {&lk, data_dir, now_ms, err, errlen};
    int src = store_txn(s, check_txn, &c);
    if (STORE_OK != src && '\0' == err[0]) {
      snprintf(err, errlen, "cannot check the shared key files: store %s", store_rc_name(src));
    }
    rc = STORE_OK == src ? 0 : -1;
  }
  free(lk.keys);
  return rc;
}
