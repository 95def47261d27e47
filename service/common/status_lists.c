/*
 * Status list credentials (see status_lists.h): read the change counter, the highest status
 * index given and the stored credential in one read transaction; when they still match (and
 * the key and URL do, and the stored list is as long as the register needs), serve the stored
 * one, else set the bits of every revoked (or suspended) certificate in a list that covers
 * every index given, sign, and store the result for the next request.
 */
#include "common/status_lists.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keystore.h"
#include "common/log.h"
#include "store/store.h"
#include "ujikom/cert.h"
#include "ujikom/clock.h"
#include "ujikom/ob3.h"

static const char *const status_of[] = {[STATUS_PURPOSE_REVOCATION] = STORE_CERT_REVOKED,
                                        [STATUS_PURPOSE_SUSPENSION] = STORE_CERT_SUSPENDED};
static const char *const path_of[] = {[STATUS_PURPOSE_REVOCATION] = CERT_STATUS_PATH_REVOCATION,
                                      [STATUS_PURPOSE_SUSPENSION] = CERT_STATUS_PATH_SUSPENSION};

/* The stored credential of each purpose that was found to verify under a key and to name an
 * issuer, with its list's length: facts about that text which stay true, so the same list
 * served again (every GET /status/... while no status changed) is compared, not verified and
 * decoded again. */
static struct {
  pthread_mutex_t lock;
  char *text[2]; /* malloc'd, kept for the life of the process */
  unsigned char pub[2][TOKEN_PUB_LEN];
  char issuer[2][OB3_DID_SIZE];
  size_t nbits[2];
} verified = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Whether credential is the text last found to verify under key and name issuer for
 * purpose; if so, *nbits is its list's length. */
static bool verified_fact(enum status_purpose purpose, const char *credential,
                          const struct token_key *key, const char *issuer, size_t *nbits) {
  size_t p = STATUS_PURPOSE_SUSPENSION == purpose ? 1 : 0;
  pthread_mutex_lock(&verified.lock);
  bool known = NULL != verified.text[p] && 0 == strcmp(verified.text[p], credential) &&
               0 == memcmp(verified.pub[p], key->pub.pub, TOKEN_PUB_LEN) &&
               0 == strcmp(verified.issuer[p], issuer);
  *nbits = verified.nbits[p];
  pthread_mutex_unlock(&verified.lock);
  return known;
}

static void keep_fact(enum status_purpose purpose, const char *credential,
                      const struct token_key *key, const char *issuer, size_t nbits) {
  size_t p = STATUS_PURPOSE_SUSPENSION == purpose ? 1 : 0;
  char *text = strdup(credential);
  if (NULL == text) {
    return; /* verified again next time */
  }
  pthread_mutex_lock(&verified.lock);
  char *old = verified.text[p];
  verified.text[p] = text;
  memcpy(verified.pub[p], key->pub.pub, TOKEN_PUB_LEN);
  snprintf(verified.issuer[p], sizeof verified.issuer[p], "%s", issuer);
  verified.nbits[p] = nbits;
  pthread_mutex_unlock(&verified.lock);
  free(old);
}

/* Whether the stored credential verifies under key, names issuer (lists signed before the
 * issuer became the did:web named the service URL are signed again rather than served) and
 * publishes a list of nbits entries (a shorter one, made before the register outgrew it, is
 * signed again): checked once per stored text. */
static bool serves(enum status_purpose purpose, const char *credential, const struct token_key *key,
                   const char *issuer, size_t nbits) {
  struct status_list_credential l;
  char err[160];
  size_t known_bits = 0;
  if (NULL == credential) {
    return false;
  }
  if (verified_fact(purpose, credential, key, issuer, &known_bits)) {
    return known_bits == nbits;
  }
  if (0 != status_list_credential_verify(&l, credential, strlen(credential), &key->pub, 1, err,
                                         sizeof err)) {
    return false;
  }
  bool same = 0 == strcmp(l.issuer, issuer);
  size_t got_bits = l.list->nbits;
  status_list_credential_clear(&l);
  if (same) {
    keep_fact(purpose, credential, key, issuer, got_bits);
  }
  return same && got_bits == nbits;
}

/* A list of nbits entries with the bit of each index set. */
static int build_list(struct status_list **out, size_t nbits, const int64_t *indexes, size_t n) {
  if (0 != status_list_new(out, nbits)) {
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    if (indexes[i] < 0 || 0 != status_list_set(*out, (uint64_t)indexes[i], true)) {
      status_list_free(*out);
      *out = NULL;
      return -1;
    }
  }
  return 0;
}

struct put_ctx {
  const char *purpose;
  const struct store_status_list *list;
};

static int put_list_fn(struct store_tx *tx, void *arg) {
  const struct put_ctx *p = arg;
  return store_status_list_put(tx, p->purpose, p->list);
}

enum status_lists_rc status_lists_credential(char **out, struct svc *svc,
                                             enum status_purpose purpose) {
  const struct keystore *keys = svc->keys;
  const struct token_key *key = NULL == keys ? NULL : keystore_active(keys);
  struct store_status_list cached;
  struct store_rd *rd = NULL;
  int64_t *indexes = NULL;
  size_t n = 0;
  char url[sizeof cached.url], issuer[OB3_DID_SIZE];
  *out = NULL;
  memset(&cached, 0, sizeof cached);
  if (NULL == key) {
    return STATUS_LISTS_NO_KEYS;
  }
  snprintf(url, sizeof url, "%s%s", svc->cfg->public_url, path_of[purpose]);
  if (0 != ob3_did_web(issuer, sizeof issuer, svc->cfg->public_url)) {
    return STATUS_LISTS_INTERNAL;
  }
  int64_t epoch = 0, highest = -1;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_status_epoch(rd, &epoch);
  }
  if (STORE_OK == rc) {
    rc = store_cert_status_index_max(rd, &highest);
  }
  /* Every index given is inside the list (the schema keeps them below the largest). */
  size_t nbits = status_list_bits_for((uint64_t)(highest + 1));
  int crc = STORE_OK == rc ? store_status_list_get(rd, &cached, status_purpose_name(purpose)) : rc;
  bool fresh = STORE_OK == crc && cached.epoch == epoch && 0 == strcmp(cached.kid, key->pub.kid) &&
               0 == strcmp(cached.url, url) &&
               serves(purpose, cached.credential, key, issuer, nbits);
  if (STORE_OK == rc && !fresh) {
    rc = store_cert_status_indexes(rd, &indexes, &n, status_of[purpose]);
  }
  store_rd_end(rd);
  if (STORE_OK != rc || crc < 0) {
    store_status_list_clear(&cached);
    return STATUS_LISTS_UNAVAILABLE;
  }
  if (fresh) {
    *out = cached.credential;
    return STATUS_LISTS_OK;
  }
  store_status_list_clear(&cached);
  struct status_list *list = NULL;
  char *signed_list = NULL;
  int64_t now_ms = clock_wall_ms();
  int brc = 0 == nbits ? -1 : build_list(&list, nbits, indexes, n);
  free(indexes);
  if (0 == brc) {
    brc = status_list_credential_sign(&signed_list, list, purpose, url, issuer, now_ms / 1000, key);
  }
  status_list_free(list);
  if (0 != brc) {
    return STATUS_LISTS_INTERNAL;
  }
  keep_fact(purpose, signed_list, key, issuer, nbits); /* made now: it verifies and names it */
  struct store_status_list fresh_list = {
      .epoch = epoch, .built_ms = now_ms, .credential = signed_list};
  snprintf(fresh_list.kid, sizeof fresh_list.kid, "%s", key->pub.kid);
  snprintf(fresh_list.url, sizeof fresh_list.url, "%s", url);
  struct put_ctx put = {status_purpose_name(purpose), &fresh_list};
  rc = store_txn(svc->store, put_list_fn, &put);
  if (STORE_OK != rc) { /* only the next request signs again */
    log_msg(LOG_WARN, NULL, "status list %s not cached: %s", put.purpose, store_rc_name(rc));
  }
  *out = signed_list;
  return STATUS_LISTS_OK;
}
