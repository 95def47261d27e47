/*
 * Ed25519 signing and verification (OpenSSL 3 EVP, pure EdDSA) and key identifiers.
 * Signing and verifying sit side by side so that they cannot drift apart.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/token.h"

void token_key_wipe(struct token_key *k) {
  if (NULL != k) {
    OPENSSL_cleanse(k->seed, sizeof k->seed);
    k->signer = NULL; /* borrowed: its owner frees it */
  }
}

void token_kid_from_pub(char out[TOKEN_KID_LEN + 1], const unsigned char pub[TOKEN_PUB_LEN]) {
  token_kid_from_bytes(out, pub, TOKEN_PUB_LEN);
}

void token_kid_from_bytes(char out[TOKEN_KID_LEN + 1], const void *key, size_t len) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(key, len, digest);
  char *b32 = token_b32_encode(digest, sizeof digest);
  if (NULL == b32) {
    /* Only on allocation failure: a kid that matches no published key. */
    memset(out, '-', TOKEN_KID_LEN);
  } else {
    memcpy(out, b32, TOKEN_KID_LEN);
    free(b32);
  }
  out[TOKEN_KID_LEN] = '\0';
}

int token_key_from_seed(struct token_key *out, const unsigned char seed[TOKEN_SEED_LEN]) {
  int rc = -1;
  EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, TOKEN_SEED_LEN);
  size_t publen = TOKEN_PUB_LEN;
  memset(out, 0, sizeof *out);
  if (NULL == pkey) {
    goto cleanup;
  }
  if (1 != EVP_PKEY_get_raw_public_key(pkey, out->pub.pub, &publen) || TOKEN_PUB_LEN != publen) {
    goto cleanup;
  }
  memcpy(out->seed, seed, TOKEN_SEED_LEN);
  token_kid_from_pub(out->pub.kid, out->pub.pub);
  rc = 0;
cleanup:
  EVP_PKEY_free(pkey);
  if (0 != rc) {
    token_key_wipe(out);
  }
  return rc;
}

int token_key_generate(struct token_key *out) {
  unsigned char seed[TOKEN_SEED_LEN];
  int rc = -1;
  if (1 == RAND_priv_bytes(seed, sizeof seed)) {
    rc = token_key_from_seed(out, seed);
  }
  OPENSSL_cleanse(seed, sizeof seed);
  return rc;
}

/* A digest context set up to sign (or verify) with pkey; NULL when pkey is NULL or OpenSSL
 * fails. Free with EVP_MD_CTX_free. */
static EVP_MD_CTX *ed25519_ctx(EVP_PKEY *pkey, bool sign) {
  EVP_MD_CTX *ctx = NULL != pkey ? EVP_MD_CTX_new() : NULL;
  int init = 0;
  if (NULL != ctx) {
    init = sign ? EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey)
                : EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey);
  }
  if (1 != init) {
    EVP_MD_CTX_free(ctx);
    return NULL;
  }
  return ctx;
}

struct token_signer {
  EVP_PKEY *pkey; /* read-only once made: OpenSSL lets threads sign with it concurrently */
  /* A context set up once to sign with pkey, never used itself: each signature signs with a
   * copy (token_ed25519_sign). Setting a context up looks the algorithm up in OpenSSL's
   * provider store under its locks; copying one takes references. */
  EVP_MD_CTX *sign_ctx;
};

int token_signer_new(struct token_signer **out, const struct token_key *key) {
  struct token_signer *s = calloc(1, sizeof *s);
  *out = NULL;
  if (NULL == s) {
    return -1;
  }
  s->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, key->seed, TOKEN_SEED_LEN);
  s->sign_ctx = ed25519_ctx(s->pkey, true);
  if (NULL == s->sign_ctx) {
    token_signer_free(s);
    return -1;
  }
  *out = s;
  return 0;
}

void token_signer_free(struct token_signer *signer) {
  if (NULL == signer) {
    return;
  }
  EVP_MD_CTX_free(signer->sign_ctx);
  EVP_PKEY_free(signer->pkey); /* EVP_PKEY_free cleanses the private key */
  free(signer);
}

/* A copy of signer's context (the source is only read, so threads may copy it at once);
 * NULL when OpenSSL fails. Free with EVP_MD_CTX_free. */
static EVP_MD_CTX *signer_ctx(const struct token_signer *signer) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (NULL != ctx && 1 != EVP_MD_CTX_copy_ex(ctx, signer->sign_ctx)) {
    EVP_MD_CTX_free(ctx);
    ctx = NULL;
  }
  return ctx;
}

int token_ed25519_sign(unsigned char out[TOKEN_SIG_LEN], const struct token_key *key,
                       const void *msg, size_t len) {
  int rc = -1;
  EVP_MD_CTX *ctx = NULL;
  EVP_PKEY *own = NULL; /* made here when the key has no prepared signer */
  size_t siglen = TOKEN_SIG_LEN;
  if (NULL != key->signer) {
    ctx = signer_ctx(key->signer);
  } else {
    own = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, key->seed, TOKEN_SEED_LEN);
    ctx = ed25519_ctx(own, true);
  }
  if (NULL == ctx) {
    goto cleanup;
  }
  if (1 != EVP_DigestSign(ctx, out, &siglen, msg, len) || TOKEN_SIG_LEN != siglen) {
    goto cleanup;
  }
  rc = 0;
cleanup:
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(own); /* EVP_PKEY_free cleanses the private key */
  return rc;
}

char *token_jws_compact(const char *header64, size_t hl, const char *payload64, size_t pl,
                        const struct token_key *key) {
  unsigned char sig[TOKEN_SIG_LEN];
  size_t size = hl + pl + 2 + (TOKEN_SIG_LEN * 4 + 2) / 3 + 1;
  char *jws = malloc(size), *s64 = NULL;
  if (NULL == jws) {
    return NULL;
  }
  memcpy(jws, header64, hl);
  jws[hl] = '.';
  memcpy(jws + hl + 1, payload64, pl);
  if (0 != token_ed25519_sign(sig, key, jws, hl + 1 + pl) ||
      NULL == (s64 = token_b64url_encode(sig, sizeof sig))) {
    free(jws);
    return NULL;
  }
  snprintf(jws + hl + 1 + pl, size - hl - 1 - pl, ".%s", s64);
  free(s64);
  return jws;
}

bool token_ed25519_verify(const unsigned char pub[TOKEN_PUB_LEN], const void *msg, size_t len,
                          const unsigned char sig[TOKEN_SIG_LEN]) {
  EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, TOKEN_PUB_LEN);
  EVP_MD_CTX *ctx = ed25519_ctx(pkey, false);
  bool ok = NULL != ctx && 1 == EVP_DigestVerify(ctx, sig, TOKEN_SIG_LEN, msg, len);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

const struct token_pubkey *token_keyset_find(const struct token_pubkey *keys, size_t nkeys,
                                             const char *kid) {
  if (NULL == kid || NULL == keys) {
    return NULL;
  }
  for (size_t i = 0; i < nkeys; i++) {
    if (0 == strcmp(keys[i].kid, kid)) {
      return &keys[i];
    }
  }
  return NULL;
}
