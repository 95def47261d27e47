/*
 * Publishing and reading verification keys as a JWKS (RFC 7517) with Ed25519 OKP keys
 * (RFC 8037), so any JOSE library can verify a certificate, and so the offline verifier can
 * take the same document the service publishes.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cert_internal.h"
#include "ujikom/json_compact.h"
#include "ujikom/token.h"

char *token_jwks_build(const struct token_pubkey *keys, size_t nkeys) {
  json_t *arr = json_array();
  char *text = NULL;
  if (NULL == arr) {
    return NULL;
  }
  for (size_t i = 0; i < nkeys; i++) {
    char *x = token_b64url_encode(keys[i].pub, TOKEN_PUB_LEN);
    if (NULL == x) {
      goto cleanup;
    }
    json_t *k = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x", x,
                          "kid", keys[i].kid, "alg", "EdDSA", "use", "sig");
    free(x);
    if (NULL != k && keys[i].compromised_since > 0 &&
        0 != json_object_set_new(k, "revoked",
                                 json_pack("{s:I, s:s}", "revoked_at",
                                           (json_int_t)keys[i].compromised_since, "reason",
                                           "keyCompromise"))) {
      json_decref(k);
      k = NULL;
    }
    if (NULL == k || 0 != json_array_append_new(arr, k)) {
      goto cleanup;
    }
  }
  json_t *doc = json_pack("{s:O}", "keys", arr);
  if (NULL != doc) {
    text = json_compact(doc, false);
    json_decref(doc);
  }
cleanup:
  json_decref(arr);
  return text;
}

int cert_jwks_read(void **out, size_t *out_n, size_t key_size, const char *json, size_t len,
                   cert_jwk_read_fn read, char *err, size_t errlen) {
  json_error_t je;
  json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
  const json_t *arr = json_object_get(doc, "keys");
  unsigned char *keys = NULL;
  size_t n = 0, i;
  const json_t *k;
  int rc = -1;
  *out = NULL;
  *out_n = 0;
  if (NULL == doc) {
    snprintf(err, errlen, "JWKS is not valid JSON (line %d, column %d: %s)", je.line, je.column,
             je.text);
    goto cleanup;
  }
  if (!json_is_array(arr) || json_array_size(arr) > JWKS_MAX_KEYS) {
    snprintf(err, errlen, "JWKS must be an object with a \"keys\" array (at most %d keys)",
             JWKS_MAX_KEYS);
    goto cleanup;
  }
  keys = calloc(json_array_size(arr) + 1, key_size);
  if (NULL == keys) {
    snprintf(err, errlen, "out of memory");
    goto cleanup;
  }
  json_array_foreach(arr, i, k) {
    int got = read(keys + n * key_size, k, i, err, errlen);
    if (got < 0) {
      goto cleanup;
    }
    n += (size_t)got;
  }
  *out = keys;
  *out_n = n;
  keys = NULL;
  rc = 0;
cleanup:
  free(keys);
  json_decref(doc);
  return rc;
}

int cert_jwk_own_kid(const char *kid, const char *own, size_t index, char *err, size_t errlen) {
  if (NULL == kid || 0 != strcmp(kid, own)) {
    snprintf(err, errlen, "JWKS key #%zu: \"kid\" is not the key's own id (%s)", index, own);
    return -1;
  }
  return 1;
}

/* One Ed25519 OKP signing key of a JWKS (see cert_jwk_read_fn). */
static int read_okp(void *elem, const json_t *k, size_t i, char *err, size_t errlen) {
  struct token_pubkey *key = elem;
  const char *kty = json_string_value(json_object_get(k, "kty"));
  const char *crv = json_string_value(json_object_get(k, "crv"));
  const char *use = json_string_value(json_object_get(k, "use"));
  const char *alg = json_string_value(json_object_get(k, "alg"));
  if (NULL == kty || NULL == crv || 0 != strcmp(kty, "OKP") || 0 != strcmp(crv, "Ed25519") ||
      (NULL != use && 0 != strcmp(use, "sig")) || (NULL != alg && 0 != strcmp(alg, "EdDSA"))) {
    return 0;
  }
  const json_t *xj = json_object_get(k, "x");
  const char *kid = json_string_value(json_object_get(k, "kid"));
  unsigned char *x = NULL;
  size_t xl = 0;
  if (!json_is_string(xj) ||
      0 != token_b64url_decode(&x, &xl, json_string_value(xj), json_string_length(xj)) ||
      TOKEN_PUB_LEN != xl) {
    free(x);
    snprintf(err, errlen, "JWKS key #%zu: \"x\" is not a base64url Ed25519 public key", i);
    return -1;
  }
  memcpy(key->pub, x, TOKEN_PUB_LEN);
  free(x);
  token_kid_from_pub(key->kid, key->pub);
  return cert_jwk_own_kid(kid, key->kid, i, err, errlen);
}

int token_jwks_parse(struct token_pubkey **out, size_t *out_n, const char *json, size_t len,
                     char *err, size_t errlen) {
  void *keys = NULL;
  if (0 != cert_jwks_read(&keys, out_n, sizeof **out, json, len, read_okp, err, errlen)) {
    *out = NULL;
    return -1;
  }
  if (0 == *out_n) {
    snprintf(err, errlen, "JWKS holds no Ed25519 signing key");
    free(keys);
    *out = NULL;
    return -1;
  }
  *out = keys;
  return 0;
}
