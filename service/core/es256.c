/*
 * ES256 keys, signatures and the compact JWT of the credential's VC-JOSE form (see
 * ujikom/es256.h). OpenSSL signs and verifies ECDSA in DER; JOSE carries r || s, so every
 * signature is converted here, in one place, and both conversions are strict.
 */
#include "ujikom/es256.h"

#include "core/cert_internal.h"
#include "ujikom/json_compact.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct es256_key {
  EVP_PKEY *pkey;
  /* Set up once to sign with pkey (SHA-256), never used itself: es256_sign signs with a copy
   * (see token_signer in cert_sign.c). */
  EVP_MD_CTX *sign_ctx;
  struct es256_pubkey pub;
};

/* --- keys --- */

/* Fills k->pub from k->pkey: 0, or -1 when the key is not on P-256. */
static int fill_public(struct es256_key *k) {
  char group[32] = "";
  BIGNUM *x = NULL, *y = NULL;
  unsigned char xb[ES256_COORD_LEN], yb[ES256_COORD_LEN];
  int rc = -1;
  if (EVP_PKEY_EC != EVP_PKEY_get_base_id(k->pkey) ||
      1 != EVP_PKEY_get_utf8_string_param(k->pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                          NULL) ||
      0 != strcmp(group, "prime256v1")) {
    return -1;
  }
  if (1 == EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
      1 == EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
      ES256_COORD_LEN == BN_bn2binpad(x, xb, ES256_COORD_LEN) &&
      ES256_COORD_LEN == BN_bn2binpad(y, yb, ES256_COORD_LEN)) {
    k->pub.pub[0] = 0x04;
    memcpy(k->pub.pub + 1, xb, ES256_COORD_LEN);
    memcpy(k->pub.pub + 1 + ES256_COORD_LEN, yb, ES256_COORD_LEN);
    es256_kid_from_pub(k->pub.kid, k->pub.pub);
    rc = 0;
  }
  BN_free(x);
  BN_free(y);
  return rc;
}

/* Takes pkey into a new key: 0 and *out, or -1 (pkey freed). */
static int wrap(struct es256_key **out, EVP_PKEY *pkey) {
  struct es256_key *k = NULL == pkey ? NULL : calloc(1, sizeof *k);
  *out = NULL;
  if (NULL == k) {
    EVP_PKEY_free(pkey);
    return -1;
  }
  k->pkey = pkey;
  k->sign_ctx = EVP_MD_CTX_new();
  if (0 != fill_public(k) || NULL == k->sign_ctx ||
      1 != EVP_DigestSignInit_ex(k->sign_ctx, NULL, "SHA256", NULL, NULL, k->pkey, NULL)) {
    es256_key_free(k);
    return -1;
  }
  *out = k;
  return 0;
}

int es256_key_generate(struct es256_key **out) {
  return wrap(out, EVP_EC_gen("P-256"));
}

int es256_key_from_pem(struct es256_key **out, const char *pem, size_t len) {
  *out = NULL;
  if (len > INT32_MAX) {
    return -1;
  }
  BIO *bio = BIO_new_mem_buf(pem, (int)len);
  EVP_PKEY *pkey = NULL == bio ? NULL : PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
  BIO_free(bio);
  return wrap(out, pkey);
}

int es256_key_pem(char **out, size_t *out_len, const struct es256_key *k) {
  BIO *bio = BIO_new(BIO_s_secmem());
  char *data = NULL;
  long n = 0;
  int rc = -1;
  *out = NULL;
  *out_len = 0;
  if (NULL != bio && 1 == PEM_write_bio_PKCS8PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) &&
      (n = BIO_get_mem_data(bio, &data)) > 0 && NULL != (*out = malloc((size_t)n + 1))) {
    memcpy(*out, data, (size_t)n);
    (*out)[n] = '\0';
    *out_len = (size_t)n;
    rc = 0;
  }
  BIO_free(bio); /* a secure memory BIO is cleansed on free */
  return rc;
}

void es256_pem_free(char *pem, size_t len) {
  if (NULL != pem) {
    OPENSSL_cleanse(pem, len);
    free(pem);
  }
}

const struct es256_pubkey *es256_key_public(const struct es256_key *k) {
  return &k->pub;
}

void es256_key_free(struct es256_key *k) {
  if (NULL != k) {
    EVP_MD_CTX_free(k->sign_ctx);
    EVP_PKEY_free(k->pkey);
    free(k);
  }
}

void es256_compress(unsigned char out[ES256_COMPRESSED_LEN],
                    const unsigned char pub[ES256_PUB_LEN]) {
  out[0] = (unsigned char)(0x02 | (pub[ES256_PUB_LEN - 1] & 1));
  memcpy(out + 1, pub + 1, ES256_COORD_LEN);
}

void es256_kid_from_pub(char out[TOKEN_KID_LEN + 1], const unsigned char pub[ES256_PUB_LEN]) {
  unsigned char c[ES256_COMPRESSED_LEN];
  es256_compress(c, pub);
  token_kid_from_bytes(out, c, sizeof c);
}

/* The public key pub as an OpenSSL key (NULL when it is not a point of P-256). */
static EVP_PKEY *public_pkey(const unsigned char pub[ES256_PUB_LEN]) {
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
  EVP_PKEY *pkey = NULL;
  char group[] = "prime256v1";
  unsigned char point[ES256_PUB_LEN]; /* OSSL_PARAM wants a mutable pointer */
  memcpy(point, pub, sizeof point);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
      OSSL_PARAM_construct_end()};
  if (NULL == ctx || 1 != EVP_PKEY_fromdata_init(ctx) ||
      1 != EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params)) {
    pkey = NULL;
  }
  EVP_PKEY_CTX_free(ctx);
  return pkey;
}

int es256_pub_from_xy(unsigned char out[ES256_PUB_LEN], const unsigned char x[ES256_COORD_LEN],
                      const unsigned char y[ES256_COORD_LEN]) {
  out[0] = 0x04;
  memcpy(out + 1, x, ES256_COORD_LEN);
  memcpy(out + 1 + ES256_COORD_LEN, y, ES256_COORD_LEN);
  EVP_PKEY *pkey = public_pkey(out);
  EVP_PKEY_free(pkey);
  return NULL == pkey ? -1 : 0;
}

/* --- signatures --- */

int es256_sig_from_der(unsigned char out[ES256_SIG_LEN], const unsigned char *der, size_t len) {
  const unsigned char *p = der;
  ECDSA_SIG *sig = len > ES256_DER_SIG_MAX ? NULL : d2i_ECDSA_SIG(NULL, &p, (long)len);
  int rc = -1;
  if (NULL != sig && p == der + len) { /* nothing after the structure */
    const BIGNUM *r = ECDSA_SIG_get0_r(sig), *s = ECDSA_SIG_get0_s(sig);
    if (ES256_COORD_LEN == BN_bn2binpad(r, out, ES256_COORD_LEN) &&
        ES256_COORD_LEN == BN_bn2binpad(s, out + ES256_COORD_LEN, ES256_COORD_LEN)) {
      rc = 0;
    }
  }
  ECDSA_SIG_free(sig);
  return rc;
}

int es256_sig_to_der(unsigned char out[ES256_DER_SIG_MAX], const unsigned char sig[ES256_SIG_LEN]) {
  ECDSA_SIG *s = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(sig, ES256_COORD_LEN, NULL);
  BIGNUM *sv = BN_bin2bn(sig + ES256_COORD_LEN, ES256_COORD_LEN, NULL);
  int n = -1;
  if (NULL != s && NULL != r && NULL != sv && 1 == ECDSA_SIG_set0(s, r, sv)) {
    r = sv = NULL; /* owned by s now */
    if (i2d_ECDSA_SIG(s, NULL) <= ES256_DER_SIG_MAX) {
      unsigned char *p = out;
      n = i2d_ECDSA_SIG(s, &p);
    }
  }
  BN_free(r);
  BN_free(sv);
  ECDSA_SIG_free(s);
  return n;
}

int es256_sign(unsigned char out[ES256_SIG_LEN], const struct es256_key *k, const void *msg,
               size_t len) {
  unsigned char der[ES256_DER_SIG_MAX];
  size_t dlen = sizeof der;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int rc = -1;
  if (NULL != ctx && 1 == EVP_MD_CTX_copy_ex(ctx, k->sign_ctx) &&
      1 == EVP_DigestSign(ctx, der, &dlen, msg, len)) {
    rc = es256_sig_from_der(out, der, dlen);
  }
  EVP_MD_CTX_free(ctx);
  return rc;
}

bool es256_verify(const unsigned char pub[ES256_PUB_LEN], const void *msg, size_t len,
                  const unsigned char sig[ES256_SIG_LEN]) {
  unsigned char der[ES256_DER_SIG_MAX];
  int dlen = es256_sig_to_der(der, sig);
  EVP_PKEY *pkey = dlen > 0 ? public_pkey(pub) : NULL;
  EVP_MD_CTX *ctx = NULL == pkey ? NULL : EVP_MD_CTX_new();
  bool ok = NULL != ctx &&
            1 == EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, pkey, NULL) &&
            1 == EVP_DigestVerify(ctx, der, (size_t)dlen, msg, len);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

/* --- JWK --- */

json_t *es256_jwk(const struct es256_pubkey *k) {
  char *x = token_b64url_encode(k->pub + 1, ES256_COORD_LEN);
  char *y = token_b64url_encode(k->pub + 1 + ES256_COORD_LEN, ES256_COORD_LEN);
  json_t *jwk = NULL;
  if (NULL != x && NULL != y) {
    jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", x, "y",
                    y, "kid", k->kid, "alg", "ES256", "use", "sig");
  }
  free(x);
  free(y);
  if (NULL != jwk && k->compromised_since > 0 &&
      0 != json_object_set_new(jwk, "revoked",
                               json_pack("{s:I, s:s}", "revoked_at",
                                         (json_int_t)k->compromised_since, "reason",
                                         "keyCompromise"))) {
    json_decref(jwk);
    jwk = NULL;
  }
  return jwk;
}

/* A base64url coordinate of a JWK into out: 0, or -1 when it is not 32 bytes. */
static int coord(unsigned char out[ES256_COORD_LEN], const json_t *v) {
  unsigned char *b = NULL;
  size_t bl = 0;
  int rc = -1;
  if (json_is_string(v) &&
      0 == token_b64url_decode(&b, &bl, json_string_value(v), json_string_length(v)) &&
      ES256_COORD_LEN == bl) {
    memcpy(out, b, ES256_COORD_LEN);
    rc = 0;
  }
  free(b);
  return rc;
}

/* One P-256 EC key of a JWKS (see cert_jwk_read_fn). */
static int read_ec(void *elem, const json_t *k, size_t i, char *err, size_t errlen) {
  struct es256_pubkey *key = elem;
  const char *kty = json_string_value(json_object_get(k, "kty"));
  const char *crv = json_string_value(json_object_get(k, "crv"));
  const char *kid = json_string_value(json_object_get(k, "kid"));
  unsigned char x[ES256_COORD_LEN], y[ES256_COORD_LEN];
  if (NULL == kty || NULL == crv || 0 != strcmp(kty, "EC") || 0 != strcmp(crv, "P-256")) {
    return 0;
  }
  if (0 != coord(x, json_object_get(k, "x")) || 0 != coord(y, json_object_get(k, "y")) ||
      0 != es256_pub_from_xy(key->pub, x, y)) {
    snprintf(err, errlen, "JWKS key #%zu: \"x\"/\"y\" are not a P-256 public key", i);
    return -1;
  }
  es256_kid_from_pub(key->kid, key->pub);
  return cert_jwk_own_kid(kid, key->kid, i, err, errlen);
}

int es256_jwks_parse(struct es256_pubkey **out, size_t *out_n, const char *json, size_t len,
                     char *err, size_t errlen) {
  void *keys = NULL;
  int rc = cert_jwks_read(&keys, out_n, sizeof **out, json, len, read_ec, err, errlen);
  *out = keys;
  return rc;
}

/* --- the compact JWT --- */

static char *b64_json(const json_t *j) {
  char *text = json_compact(j, false);
  char *b = NULL == text ? NULL : token_b64url_encode(text, strlen(text));
  free(text);
  return b;
}

int es256_jwt_sign(char **out, const json_t *payload, const char *kid_url,
                   const struct es256_key *k) {
  unsigned char sig[ES256_SIG_LEN];
  json_t *header = json_pack("{s:s, s:s, s:s}", "alg", "ES256", "typ", "JWT", "kid", kid_url);
  char *h64 = NULL == header ? NULL : b64_json(header);
  char *p64 = b64_json(payload);
  char *s64 = NULL, *jwt = NULL;
  int rc = -1;
  *out = NULL;
  if (NULL == h64 || NULL == p64) {
    goto cleanup;
  }
  size_t hl = strlen(h64), pl = strlen(p64), size = hl + pl + 2 + 86 + 1;
  if (size > ES256_JWT_MAX || NULL == (jwt = malloc(size))) {
    goto cleanup;
  }
  snprintf(jwt, size, "%s.%s", h64, p64);
  if (0 != es256_sign(sig, k, jwt, hl + 1 + pl) ||
      NULL == (s64 = token_b64url_encode(sig, sizeof sig))) {
    goto cleanup;
  }
  snprintf(jwt + hl + 1 + pl, size - hl - 1 - pl, ".%s", s64);
  *out = jwt;
  jwt = NULL;
  rc = 0;
cleanup:
  json_decref(header);
  free(h64);
  free(p64);
  free(s64);
  free(jwt);
  return rc;
}

int es256_kid_of_url(char out[TOKEN_KID_LEN + 1], const char *kid_url) {
  const char *slash = strrchr(kid_url, '/'), *hash = strrchr(kid_url, '#');
  const char *kid = slash > hash ? slash : hash;
  kid = NULL == kid ? kid_url : kid + 1;
  if (TOKEN_KID_LEN != strlen(kid)) {
    return -1;
  }
  for (size_t i = 0; i < TOKEN_KID_LEN; i++) {
    if (!((kid[i] >= 'A' && kid[i] <= 'Z') || (kid[i] >= '2' && kid[i] <= '7'))) {
      return -1;
    }
  }
  memcpy(out, kid, TOKEN_KID_LEN + 1);
  return 0;
}

/* The JSON object a base64url segment carries, or NULL. */
static json_t *segment_object(const char *seg, size_t len) {
  unsigned char *raw = NULL;
  size_t rl = 0;
  json_t *j = NULL;
  if (0 == token_b64url_decode(&raw, &rl, seg, len)) {
    j = json_loadb((const char *)raw, rl, JSON_REJECT_DUPLICATES, NULL);
  }
  free(raw);
  if (NULL != j && !json_is_object(j)) {
    json_decref(j);
    j = NULL;
  }
  return j;
}

/* The three segments of a compact JWS: the ends of the first two ('.' positions). */
static int split(size_t *out_dot1, size_t *out_dot2, const char *jws, size_t len) {
  const char *d1 = memchr(jws, '.', len);
  const char *d2 = NULL == d1 ? NULL : memchr(d1 + 1, '.', len - (size_t)(d1 - jws) - 1);
  if (NULL == d2 || d1 == jws || d2 == d1 + 1 || d2 + 1 == jws + len ||
      NULL != memchr(d2 + 1, '.', len - (size_t)(d2 - jws) - 1)) {
    return -1;
  }
  *out_dot1 = (size_t)(d1 - jws);
  *out_dot2 = (size_t)(d2 - jws);
  return 0;
}

int es256_jws_alg(char *out, size_t size, const char *jws, size_t len) {
  size_t d1 = 0, d2 = 0;
  json_t *h = 0 == split(&d1, &d2, jws, len) ? segment_object(jws, d1) : NULL;
  const char *alg = json_string_value(json_object_get(h, "alg"));
  int rc = NULL == alg ? -1 : 0;
  if (0 == rc) {
    snprintf(out, size, "%s", alg);
  }
  json_decref(h);
  return rc;
}

enum cert_fault es256_jwt_verify(json_t **out_payload, const struct es256_pubkey **out_key,
                                 const char *jwt, size_t len, const struct es256_pubkey *keys,
                                 size_t nkeys, char *why, size_t whylen) {
  size_t d1 = 0, d2 = 0;
  json_t *header = NULL, *payload = NULL;
  unsigned char *sig = NULL;
  size_t siglen = 0;
  char kid[TOKEN_KID_LEN + 1];
  enum cert_fault fault = CERT_FAULT_MALFORMED;
  *out_payload = NULL;
  *out_key = NULL;
  if (0 == len || len > ES256_JWT_MAX || 0 != split(&d1, &d2, jwt, len) ||
      NULL == (header = segment_object(jwt, d1)) ||
      NULL == (payload = segment_object(jwt + d1 + 1, d2 - d1 - 1)) ||
      0 != token_b64url_decode(&sig, &siglen, jwt + d2 + 1, len - d2 - 1)) {
    snprintf(why, whylen, "not a compact JWT (three base64url segments of JSON objects)");
    goto cleanup;
  }
  const char *alg = json_string_value(json_object_get(header, "alg"));
  const char *typ = json_string_value(json_object_get(header, "typ"));
  const char *kid_url = json_string_value(json_object_get(header, "kid"));
  if (3 != json_object_size(header) || NULL == alg || NULL == typ || NULL == kid_url ||
      0 != strcmp(alg, "ES256") || 0 != strcmp(typ, "JWT") || 0 != es256_kid_of_url(kid, kid_url)) {
    snprintf(why, whylen, "the JWT header is not {\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":..}");
    goto cleanup;
  }
  const struct es256_pubkey *key = NULL;
  for (size_t i = 0; i < nkeys && NULL == key; i++) {
    key = 0 == strcmp(keys[i].kid, kid) ? &keys[i] : NULL;
  }
  if (NULL == key) {
    snprintf(why, whylen, "signed with key %s, which is not one of the issuer's keys", kid);
    fault = CERT_FAULT_UNKNOWN_KEY;
    goto cleanup;
  }
  if (ES256_SIG_LEN != siglen || !es256_verify(key->pub, jwt, d2, sig)) {
    snprintf(why, whylen, "the ES256 signature does not hold: altered or forged");
    fault = CERT_FAULT_BAD_SIGNATURE;
    goto cleanup;
  }
  *out_payload = payload;
  *out_key = key;
  payload = NULL;
  why[0] = '\0';
  fault = CERT_FAULT_NONE;
cleanup:
  json_decref(header);
  json_decref(payload);
  free(sig);
  return fault;
}
