/*
 * Session tokens and the CSRF tokens derived from them: generation from the OS-seeded
 * CSPRNG, the hash that is stored instead of the token, and constant-time comparison.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ujikom/session_token.h"

#define TOKEN_BYTES 32u

/* Purpose tag: a CSRF token can never be mistaken for any other digest of the token. */
static const char csrf_tag[] = "ujikom csrf v1";

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Both are the unpadded base64url of TOKEN_BYTES bytes: ceil(32 * 4 / 3) = 43 characters. */
#define B64URL_32_LEN 43
_Static_assert(SESSION_TOKEN_LEN == B64URL_32_LEN && SESSION_CSRF_LEN == B64URL_32_LEN,
               "session and CSRF tokens are the base64url of 32 bytes");

/* Unpadded base64url of exactly 32 bytes into B64URL_32_LEN chars + NUL. */
static void encode32(char out[B64URL_32_LEN + 1], const unsigned char in[TOKEN_BYTES]) {
  size_t o = 0;
  size_t i = 0;

  for (; i + 3 <= TOKEN_BYTES; i += 3) {
    uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
    out[o++] = b64url[(v >> 18) & 63];
    out[o++] = b64url[(v >> 12) & 63];
    out[o++] = b64url[(v >> 6) & 63];
    out[o++] = b64url[v & 63];
  }
  /* 32 = 10 * 3 + 2: two bytes left, three characters. */
  {
    uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
    out[o++] = b64url[(v >> 18) & 63];
    out[o++] = b64url[(v >> 12) & 63];
    out[o++] = b64url[(v >> 6) & 63];
  }
  out[o] = '\0';
}

static bool is_b64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || '-' == c ||
         '_' == c;
}

int session_token_new(char out[SESSION_TOKEN_LEN + 1]) {
  unsigned char raw[TOKEN_BYTES];
  int rc = -1;

  out[0] = '\0';
  if (1 != RAND_bytes(raw, sizeof raw)) {
    goto cleanup;
  }
  encode32(out, raw);
  rc = 0;
cleanup:
  OPENSSL_cleanse(raw, sizeof raw);
  return rc;
}

bool session_token_well_formed(const char *token) {
  if (NULL == token) {
    return false;
  }
  for (size_t i = 0; i < SESSION_TOKEN_LEN; i++) {
    if (!is_b64url(token[i])) {
      return false; /* also stops at a NUL before 43 characters */
    }
  }
  return '\0' == token[SESSION_TOKEN_LEN];
}

/* SHA-256, fetched from the provider once: EVP_sha256() makes every EVP_DigestInit_ex fetch
 * it again (a provider look-up under a lock), which cost as much as the hashing itself on
 * every request that presents a session. Each thread also keeps one digest context, so a
 * hash allocates nothing. */
static EVP_MD *sha256_md;
static pthread_key_t ctx_key;
static bool ctx_key_ok;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void ctx_free(void *ctx) {
  EVP_MD_CTX_free(ctx);
}

static void sha256_fetch(void) {
  sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
  ctx_key_ok = 0 == pthread_key_create(&ctx_key, ctx_free);
}

/* This thread's digest context, or NULL. */
static EVP_MD_CTX *thread_ctx(void) {
  if (0 != pthread_once(&sha256_once, sha256_fetch) || NULL == sha256_md || !ctx_key_ok) {
    return NULL;
  }
  EVP_MD_CTX *ctx = pthread_getspecific(ctx_key);
  if (NULL == ctx) {
    ctx = EVP_MD_CTX_new();
    if (NULL != ctx && 0 != pthread_setspecific(ctx_key, ctx)) {
      EVP_MD_CTX_free(ctx);
      ctx = NULL;
    }
  }
  return ctx;
}

/* SHA-256 over (prefix, prefix_len) then the token text; 0 or -1. */
static int digest(unsigned char out[TOKEN_BYTES], const char *prefix, size_t prefix_len,
                  const char *token) {
  EVP_MD_CTX *ctx = thread_ctx();
  unsigned int len = 0;

  if (NULL == ctx || 1 != EVP_DigestInit_ex(ctx, sha256_md, NULL) ||
      (prefix_len > 0 && 1 != EVP_DigestUpdate(ctx, prefix, prefix_len)) ||
      1 != EVP_DigestUpdate(ctx, token, SESSION_TOKEN_LEN) ||
      1 != EVP_DigestFinal_ex(ctx, out, &len) || TOKEN_BYTES != len) {
    return -1;
  }
  return 0;
}

int session_token_hash(char out[SESSION_HASH_LEN + 1], const char *token) {
  static const char hex[] = "0123456789abcdef";
  unsigned char md[TOKEN_BYTES];

  out[0] = '\0';
  if (!session_token_well_formed(token) || digest(md, NULL, 0, token)) {
    return -1;
  }
  for (size_t i = 0; i < TOKEN_BYTES; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[SESSION_HASH_LEN] = '\0';
  return 0;
}

int session_csrf_token(char out[SESSION_CSRF_LEN + 1], const char *token) {
  unsigned char md[TOKEN_BYTES];

  out[0] = '\0';
  /* sizeof includes the NUL, which separates the tag from the token. */
  if (!session_token_well_formed(token) || digest(md, csrf_tag, sizeof csrf_tag, token)) {
    return -1;
  }
  encode32(out, md);
  return 0;
}

bool session_csrf_equal(const char *expected, const char *presented) {
  size_t n;

  if (NULL == expected || NULL == presented) {
    return false;
  }
  n = strnlen(expected, SESSION_CSRF_LEN + 1);
  if (0 == n || n != strnlen(presented, SESSION_CSRF_LEN + 1)) {
    return false;
  }
  return 0 == CRYPTO_memcmp(expected, presented, n);
}
