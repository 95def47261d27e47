/*
 * The embedded proof of a credential: a W3C Data Integrity proof with the eddsa-rdfc-2022
 * cryptosuite (VC Data Integrity EdDSA Cryptosuites v1.0). Both the document (without its
 * proof) and the proof configuration (the proof without proofValue, under the document's
 * @context) are mapped to RDF and canonicalized with RDFC-1.0; the signed bytes are
 * SHA-256(canonical proof configuration) || SHA-256(canonical document). Signing and
 * verifying sit side by side so they cannot drift apart.
 */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/ob3.h"
#include "ujikom/timefmt.h"

#define DI_TYPE        "DataIntegrityProof"
#define DI_CRYPTOSUITE "eddsa-rdfc-2022"
#define DI_PURPOSE     "assertionMethod"
#define HASH_LEN       32

static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

char *ob3_base58btc(const unsigned char *data, size_t n) {
  size_t zeros = 0;
  while (zeros < n && 0 == data[zeros]) {
    zeros++;
  }
  size_t size = (n - zeros) * 138 / 100 + 1; /* log(256) / log(58) */
  unsigned char *digits = calloc(size, 1);
  if (NULL == digits) {
    return NULL;
  }
  size_t len = 0;
  for (size_t i = zeros; i < n; i++) {
    unsigned carry = data[i];
    size_t j = 0;
    for (; j < len || 0 != carry; j++) {
      carry += 256u * digits[j];
      digits[j] = (unsigned char)(carry % 58);
      carry /= 58;
    }
    len = j;
  }
  char *out = malloc(1 + zeros + len + 1);
  if (NULL != out) {
    size_t pos = 0;
    out[pos++] = 'z';
    for (size_t i = 0; i < zeros; i++) {
      out[pos++] = '1';
    }
    for (size_t i = 0; i < len; i++) {
      out[pos++] = b58_alphabet[digits[len - 1 - i]];
    }
    out[pos] = '\0';
  }
  free(digits);
  return out;
}

int ob3_base58btc_decode(unsigned char *out, size_t max, const char *text) {
  if ('z' != text[0]) {
    return -1;
  }
  const char *s = text + 1;
  size_t slen = strlen(s);
  if (slen > 4 * max + 4) {
    return -1;
  }
  size_t zeros = 0;
  while ('1' == s[zeros]) {
    zeros++;
  }
  unsigned char *bytes = calloc(slen + 1, 1); /* little-endian base-256 digits */
  if (NULL == bytes) {
    return -1;
  }
  size_t len = 0;
  for (size_t i = zeros; i < slen; i++) {
    const char *p = strchr(b58_alphabet, s[i]);
    if ('\0' == s[i] || NULL == p) {
      free(bytes);
      return -1;
    }
    unsigned carry = (unsigned)(p - b58_alphabet);
    size_t j = 0;
    for (; j < len || 0 != carry; j++) {
      carry += 58u * bytes[j];
      bytes[j] = (unsigned char)(carry & 0xff);
      carry >>= 8;
    }
    len = j;
  }
  int rc = -1;
  if (zeros + len <= max) {
    memset(out, 0, zeros);
    for (size_t i = 0; i < len; i++) {
      out[zeros + i] = bytes[len - 1 - i];
    }
    rc = (int)(zeros + len);
  }
  free(bytes);
  return rc;
}

/* SHA-256 of the canonical N-Quads of doc into out. 0 or -1 (err set). */
static int canonical_hash(unsigned char out[HASH_LEN], const json_t *doc, char *err,
                          size_t errlen) {
  char *nq = NULL;
  size_t len = 0;
  unsigned int mdlen = 0;
  if (0 != jsonld_canonical(&nq, &len, doc, err, errlen)) {
    return -1;
  }
  int ok = EVP_Digest(nq, len, out, &mdlen, EVP_sha256(), NULL);
  free(nq);
  if (1 != ok || HASH_LEN != mdlen) {
    snprintf(err, errlen, "SHA-256 failed");
    return -1;
  }
  return 0;
}

/* The proof configuration of proof (its members but proofValue) under context. */
static json_t *proof_config(const json_t *proof, const json_t *context) {
  json_t *cfg = json_object();
  const char *key;
  json_t *v;
  if (NULL == cfg || 0 != json_object_set(cfg, "@context", (json_t *)(uintptr_t)context)) {
    json_decref(cfg);
    return NULL;
  }
  json_object_foreach((json_t *)(uintptr_t)proof, key, v) {
    if (0 != strcmp(key, "proofValue") && 0 != json_object_set(cfg, key, v)) {
      json_decref(cfg);
      return NULL;
    }
  }
  return cfg;
}

/* hash(proof configuration) || hash(document without proof) into out. 0 or -1. */
static int hash_data(unsigned char out[2 * HASH_LEN], const json_t *doc, const json_t *proof,
                     char *err, size_t errlen) {
  json_t *cfg = proof_config(proof, json_object_get(doc, "@context"));
  json_t *bare = json_copy((json_t *)(uintptr_t)doc);
  int rc = -1;
  if (NULL == cfg || NULL == bare) {
    snprintf(err, errlen, "out of memory");
  } else {
    json_object_del(bare, "proof");
    if (0 == canonical_hash(out, cfg, err, errlen) &&
        0 == canonical_hash(out + HASH_LEN, bare, err, errlen)) {
      rc = 0;
    }
  }
  json_decref(cfg);
  json_decref(bare);
  return rc;
}

int ob3_proof_add(json_t *credential, const char *vm, int64_t created, const struct token_key *key,
                  char *err, size_t errlen) {
  char when[TIME_TEXT_SIZE];
  unsigned char data[2 * HASH_LEN], sig[TOKEN_SIG_LEN];
  char *value = NULL;
  int rc = -1;
  if (!json_is_object(credential) || NULL != json_object_get(credential, "proof")) {
    snprintf(err, errlen, "not a credential without a proof");
    return -1;
  }
  if (0 == time_format(when, sizeof when, created, TIME_ISO)) {
    snprintf(err, errlen, "creation time out of range");
    return -1;
  }
  json_t *proof =
      json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", DI_TYPE, "created", when, "verificationMethod",
                vm, "cryptosuite", DI_CRYPTOSUITE, "proofPurpose", DI_PURPOSE);
  if (NULL == proof) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (0 != hash_data(data, credential, proof, err, errlen)) {
    goto cleanup;
  }
  if (0 != token_ed25519_sign(sig, key, data, sizeof data) ||
      NULL == (value = ob3_base58btc(sig, sizeof sig)) ||
      0 != json_object_set_new(proof, "proofValue", json_string(value)) ||
      0 != json_object_set(credential, "proof", proof)) {
    snprintf(err, errlen, "signing failed");
    goto cleanup;
  }
  rc = 0;
cleanup:
  OPENSSL_cleanse(data, sizeof data);
  free(value);
  json_decref(proof);
  return rc;
}

static enum ob3_proof_rc refuse(enum ob3_proof_rc rc, char *err, size_t errlen, const char *why) {
  snprintf(err, errlen, "%s", why);
  return rc;
}

/* Whether proof has exactly the members of an eddsa-rdfc-2022 assertion proof, as made. */
static bool proof_shape_ok(const json_t *proof) {
  static const char *const members[] = {"type",        "created",      "verificationMethod",
                                        "cryptosuite", "proofPurpose", "proofValue"};
  const size_t n = sizeof members / sizeof members[0];
  if (!json_is_object(proof) || n != json_object_size(proof)) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (!json_is_string(json_object_get(proof, members[i]))) {
      return false;
    }
  }
  int64_t ms = 0;
  const char *created = json_string_value(json_object_get(proof, "created"));
  return 0 == strcmp(json_string_value(json_object_get(proof, "type")), DI_TYPE) &&
         0 == strcmp(json_string_value(json_object_get(proof, "cryptosuite")), DI_CRYPTOSUITE) &&
         0 == strcmp(json_string_value(json_object_get(proof, "proofPurpose")), DI_PURPOSE) &&
         0 == time_parse_rfc3339(&ms, created);
}

enum ob3_proof_rc ob3_proof_verify(const json_t *credential, const char *did_web,
                                   const struct token_pubkey *keys, size_t nkeys,
                                   char kid_out[TOKEN_KID_LEN + 1], char *err, size_t errlen) {
  unsigned char data[2 * HASH_LEN], sig[TOKEN_SIG_LEN + 1];
  const json_t *proof = json_is_object(credential) ? json_object_get(credential, "proof") : NULL;
  if (!proof_shape_ok(proof)) {
    return refuse(OB3_PROOF_MALFORMED, err, errlen,
                  "not a credential with one DataIntegrityProof (eddsa-rdfc-2022, "
                  "assertionMethod)");
  }
  const char *vm = json_string_value(json_object_get(proof, "verificationMethod"));
  size_t dl = strlen(did_web);
  if (0 != strncmp(vm, did_web, dl) || '#' != vm[dl] || TOKEN_KID_LEN != strlen(vm + dl + 1)) {
    return refuse(OB3_PROOF_UNKNOWN_KEY, err, errlen,
                  "the verification method is not a key of this issuer");
  }
  const struct token_pubkey *key = NULL;
  for (size_t i = 0; i < nkeys && NULL == key; i++) {
    if (0 == strcmp(keys[i].kid, vm + dl + 1)) {
      key = &keys[i];
    }
  }
  if (NULL == key) {
    return refuse(OB3_PROOF_UNKNOWN_KEY, err, errlen, "unknown key");
  }
  if (TOKEN_SIG_LEN !=
      ob3_base58btc_decode(sig, sizeof sig,
                           json_string_value(json_object_get(proof, "proofValue")))) {
    return refuse(OB3_PROOF_MALFORMED, err, errlen, "proofValue is not a base58btc signature");
  }
  if (0 != hash_data(data, credential, proof, err, errlen)) {
    return OB3_PROOF_MALFORMED;
  }
  if (!token_pubkey_verify(key, data, sizeof data, sig)) {
    return refuse(OB3_PROOF_BAD_SIGNATURE, err, errlen, "bad signature");
  }
  if (NULL != kid_out) {
    memcpy(kid_out, key->kid, TOKEN_KID_LEN + 1);
  }
  err[0] = '\0';
  return OB3_PROOF_OK;
}
