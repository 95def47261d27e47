/*
 * The verified-signature cache: remembers that an Ed25519 signature was checked and held,
 * keyed by SHA-256 over (public key, message length, message, signature), so the verify page
 * and API do not redo a 60-microsecond verification for a certificate they already checked.
 * Only signatures that verified are remembered, so the cache can never make a bad
 * signature pass: a hit needs the same key, message and signature as a past success, and
 * Ed25519 verification is a pure function of those. A fixed table (direct-mapped by the
 * digest's first bytes, a newer entry replaces an older one) bounds the memory; striped
 * locks let worker threads share it.
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/token.h"

#define VCACHE_STRIPES 64

struct token_vcache {
  size_t mask;
  unsigned char (*slots)[TOKEN_VCACHE_DIGEST_LEN];
  unsigned char *used;
  pthread_mutex_t locks[VCACHE_STRIPES];
  atomic_size_t hits, misses;
};

/* The smallest power of two not below n: a slot count that a mask can index. */
static size_t pow2_at_least(size_t n) {
  size_t p = 1;
  while (p < n) {
    p <<= 1;
  }
  return p;
}

int token_vcache_new(struct token_vcache **out, size_t slots) {
  *out = NULL;
  if (slots < 1 || slots > ((size_t)1 << 24)) {
    return -1;
  }
  size_t n = pow2_at_least(slots);
  struct token_vcache *c = calloc(1, sizeof *c);
  if (NULL == c) {
    return -1;
  }
  c->slots = calloc(n, sizeof *c->slots);
  c->used = calloc(n, 1);
  if (NULL == c->slots || NULL == c->used) {
    free(c->slots);
    free(c->used);
    free(c);
    return -1;
  }
  c->mask = n - 1;
  for (size_t i = 0; i < VCACHE_STRIPES; i++) {
    pthread_mutex_init(&c->locks[i], NULL);
  }
  atomic_init(&c->hits, 0);
  atomic_init(&c->misses, 0);
  *out = c;
  return 0;
}

void token_vcache_free(struct token_vcache *c) {
  if (NULL == c) {
    return;
  }
  for (size_t i = 0; i < VCACHE_STRIPES; i++) {
    pthread_mutex_destroy(&c->locks[i]);
  }
  free(c->slots);
  free(c->used);
  free(c);
}

static int digest(unsigned char out[TOKEN_VCACHE_DIGEST_LEN], const unsigned char *pub,
                  const void *msg, size_t len, const unsigned char *sig) {
  unsigned char lenbuf[8];
  unsigned int outlen = 0;
  int ok = 0;
  uint64_t l = (uint64_t)len;
  for (int i = 0; i < 8; i++) {
    lenbuf[i] = (unsigned char)(l >> (8 * i));
  }
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (NULL != ctx && 1 == EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
      1 == EVP_DigestUpdate(ctx, pub, TOKEN_PUB_LEN) &&
      1 == EVP_DigestUpdate(ctx, lenbuf, sizeof lenbuf) && 1 == EVP_DigestUpdate(ctx, msg, len) &&
      1 == EVP_DigestUpdate(ctx, sig, TOKEN_SIG_LEN) &&
      1 == EVP_DigestFinal_ex(ctx, out, &outlen) && TOKEN_VCACHE_DIGEST_LEN == outlen) {
    ok = 1;
  }
  EVP_MD_CTX_free(ctx);
  return ok ? 0 : -1;
}

static size_t slot_of(const struct token_vcache *c,
                      const unsigned char d[TOKEN_VCACHE_DIGEST_LEN]) {
  uint64_t h = 0;
  for (int i = 0; i < 8; i++) {
    h = (h << 8) | d[i];
  }
  return (size_t)h & c->mask;
}

bool token_pubkey_verify(const struct token_pubkey *key, const void *msg, size_t len,
                         const unsigned char sig[TOKEN_SIG_LEN]) {
  struct token_vcache *c = key->vcache;
  unsigned char d[TOKEN_VCACHE_DIGEST_LEN];
  if (NULL == c || 0 != digest(d, key->pub, msg, len, sig)) {
    return token_ed25519_verify(key->pub, msg, len, sig);
  }
  size_t slot = slot_of(c, d);
  pthread_mutex_t *lock = &c->locks[slot % VCACHE_STRIPES];
  pthread_mutex_lock(lock);
  bool hit = c->used[slot] && 0 == memcmp(c->slots[slot], d, sizeof d);
  pthread_mutex_unlock(lock);
  if (hit) {
    atomic_fetch_add(&c->hits, 1);
    return true;
  }
  atomic_fetch_add(&c->misses, 1);
  bool ok = token_ed25519_verify(key->pub, msg, len, sig);
  if (ok) {
    pthread_mutex_lock(lock);
    memcpy(c->slots[slot], d, sizeof d);
    c->used[slot] = 1;
    pthread_mutex_unlock(lock);
  }
  return ok;
}

void token_vcache_stats(const struct token_vcache *c, size_t *out_hits, size_t *out_misses) {
  *out_hits = NULL == c ? 0 : atomic_load(&c->hits);
  *out_misses = NULL == c ? 0 : atomic_load(&c->misses);
}
