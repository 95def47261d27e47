/*
 * The register seal (see ujikom/cert.h): an HMAC-SHA256 the issuer writes beside each
 * certificate it stores, so that presenting the very token it issued is checked with one
 * HMAC instead of an Ed25519 verification, while a row written without the signing key is
 * refused. Also the validity window's one definition of "valid until".
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cert_internal.h"
#include "ujikom/timefmt.h"
#include "ujikom/token.h"

/* Signed bytes start with a purpose tag, so a seal can never stand for anything else. */
#define SEAL_KEY_LABEL "ujikom-register-seal-key/1"
#define SEAL_TAG       "ujikom-register-seal/1"
#define SEAL_PREFIX    "S1"
#define SEAL_SEP       '\x1f'
#define SEAL_B64_LEN   ((size_t)43) /* base64url of 32 bytes, unpadded */

void cert_valid_until_text(char *out, size_t size, int64_t expires) {
  if (0 == time_format(out, size, expires - 1, TIME_DATE)) {
    snprintf(out, size, "?");
  }
}

int64_t cert_day_ceil(int64_t t) {
  int64_t r = t % CERT_DAY_S;
  if (r < 0) {
    r += CERT_DAY_S;
  }
  return 0 == r ? t : t + (CERT_DAY_S - r);
}

int cert_seal_key(unsigned char out[CERT_SEAL_LEN], const struct token_key *key) {
  unsigned int len = 0;
  if (NULL == HMAC(EVP_sha256(), key->seed, TOKEN_SEED_LEN, (const unsigned char *)SEAL_KEY_LABEL,
                   sizeof SEAL_KEY_LABEL - 1, out, &len) ||
      CERT_SEAL_LEN != len) {
    OPENSSL_cleanse(out, CERT_SEAL_LEN);
    return -1;
  }
  return 0;
}

/* Adds one field, length first (8 bytes, big-endian), so no two inputs give the same bytes. */
static int put(EVP_MAC_CTX *ctx, const void *data, size_t len) {
  unsigned char l[8];
  for (int i = 0; i < 8; i++) {
    l[i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
  }
  return 1 == EVP_MAC_update(ctx, l, sizeof l) && (0 == len || 1 == EVP_MAC_update(ctx, data, len))
             ? 0
             : -1;
}

static int put_text(EVP_MAC_CTX *ctx, const char *s) {
  return put(ctx, NULL == s ? "" : s, NULL == s ? 0 : strlen(s));
}

static int put_int(EVP_MAC_CTX *ctx, int64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) {
    b[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
  }
  return put(ctx, b, sizeof b);
}

int cert_seal(unsigned char out[CERT_SEAL_LEN], const unsigned char key[CERT_SEAL_LEN],
              enum cert_seal_form form, const struct cert_record *r, const char *token,
              const char *display) {
  static const char *const forms[] = {[CERT_SEAL_QR] = "qr", [CERT_SEAL_JWS] = "jws"};
  int rc = -1;
  size_t len = 0;
  EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  EVP_MAC_CTX *ctx = NULL == mac ? NULL : EVP_MAC_CTX_new(mac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                         OSSL_PARAM_construct_end()};
  if (NULL != ctx && 1 == EVP_MAC_init(ctx, key, CERT_SEAL_LEN, params) &&
      0 == put_text(ctx, SEAL_TAG) && 0 == put_text(ctx, forms[form]) &&
      0 == put_text(ctx, r->serial) && 0 == put_text(ctx, r->holder) &&
      0 == put_text(ctx, r->subsector) && 0 == put_text(ctx, r->scheme_id) &&
      0 == put_text(ctx, r->kid) && 0 == put_int(ctx, r->issued) && 0 == put_int(ctx, r->expires) &&
      0 == put_text(ctx, display) && 0 == put_text(ctx, token) &&
      1 == EVP_MAC_final(ctx, out, &len, CERT_SEAL_LEN) && CERT_SEAL_LEN == len) {
    rc = 0;
  }
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return rc;
}

bool cert_seal_check(const unsigned char key[CERT_SEAL_LEN], enum cert_seal_form form,
                     const struct cert_record *r, const char *token, const char *display,
                     const unsigned char seal[CERT_SEAL_LEN]) {
  unsigned char want[CERT_SEAL_LEN];
  return 0 == cert_seal(want, key, form, r, token, display) &&
         0 == CRYPTO_memcmp(want, seal, CERT_SEAL_LEN);
}

char *cert_display_sealed(const char *display, const unsigned char qr_seal[CERT_SEAL_LEN],
                          const unsigned char jws_seal[CERT_SEAL_LEN]) {
  char *a = token_b64url_encode(qr_seal, CERT_SEAL_LEN);
  char *b = token_b64url_encode(jws_seal, CERT_SEAL_LEN);
  char *out = NULL;
  if (NULL != a && NULL != b) {
    size_t size = sizeof SEAL_PREFIX + 2 * (SEAL_B64_LEN + 1) + strlen(display) + 1;
    out = malloc(size);
    if (NULL != out) {
      snprintf(out, size, "%s%c%s%c%s%c%s", SEAL_PREFIX, SEAL_SEP, a, SEAL_SEP, b, SEAL_SEP,
               display);
    }
  }
  free(a);
  free(b);
  return out;
}

/* Decodes one base64url seal of exactly SEAL_B64_LEN characters at p. */
static int seal_field(unsigned char out[CERT_SEAL_LEN], const char *p) {
  unsigned char *raw = NULL;
  size_t len = 0;
  if (NULL != memchr(p, '\0', SEAL_B64_LEN) || SEAL_SEP != p[SEAL_B64_LEN] ||
      0 != token_b64url_decode(&raw, &len, p, SEAL_B64_LEN)) {
    return -1;
  }
  int rc = CERT_SEAL_LEN == len ? 0 : -1;
  if (0 == rc) {
    memcpy(out, raw, CERT_SEAL_LEN);
  }
  free(raw);
  return rc;
}

int cert_display_unseal(const char **out_display, unsigned char qr_seal[CERT_SEAL_LEN],
                        unsigned char jws_seal[CERT_SEAL_LEN], const char *text) {
  const size_t plen = sizeof SEAL_PREFIX - 1;
  if (NULL == text || 0 != strncmp(text, SEAL_PREFIX, plen) || SEAL_SEP != text[plen]) {
    return -1;
  }
  const char *p = text + plen + 1;
  if (0 != seal_field(qr_seal, p) || 0 != seal_field(jws_seal, p + SEAL_B64_LEN + 1)) {
    return -1;
  }
  *out_display = p + 2 * (SEAL_B64_LEN + 1);
  return 0;
}
