/*
 * The register seal (see ujikom/cert.h): an HMAC-SHA256 the issuer writes beside each
 * certificate it stores, so that presenting the very token it issued is checked with one
 * HMAC instead of an Ed25519 verification, while a row written without the signing key is
 * refused. Also the validity window's one definition of "valid until".
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
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
#define SEAL_HEX_LEN   ((size_t)(2 * CERT_SEAL_LEN)) /* lower-case hex */

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

/* HMAC-SHA256 (RFC 2104) with its two keyed states made once: each seal then copies them
 * instead of hashing the padded key again (and instead of fetching a MAC implementation,
 * which cost more than the rest of a verification from the row). */
struct cert_sealer {
  EVP_MD_CTX *inner; /* SHA-256 after (key XOR ipad) */
  EVP_MD_CTX *outer; /* SHA-256 after (key XOR opad) */
};

void cert_sealer_free(struct cert_sealer *s) {
  if (NULL == s) {
    return;
  }
  EVP_MD_CTX_free(s->inner);
  EVP_MD_CTX_free(s->outer);
  free(s);
}

/* Starts ctx as SHA-256 over the key padded to a block and XORed with pad_byte (RFC 2104's
 * ipad 0x36 or opad 0x5c); pad is scratch space. 0 or -1. */
static int keyed_state(EVP_MD_CTX *ctx, unsigned char pad[64], const unsigned char k[CERT_SEAL_LEN],
                       unsigned char pad_byte) {
  memset(pad, pad_byte, 64);
  for (size_t i = 0; i < CERT_SEAL_LEN; i++) {
    pad[i] ^= k[i];
  }
  return 1 == EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && 1 == EVP_DigestUpdate(ctx, pad, 64)
             ? 0
             : -1;
}

int cert_sealer_new(struct cert_sealer **out, const struct token_key *key) {
  unsigned char k[CERT_SEAL_LEN], pad[64];
  unsigned int len = 0;
  struct cert_sealer *s = calloc(1, sizeof *s);
  int rc = -1;
  *out = NULL;
  if (NULL == s ||
      NULL == HMAC(EVP_sha256(), key->seed, TOKEN_SEED_LEN, (const unsigned char *)SEAL_KEY_LABEL,
                   sizeof SEAL_KEY_LABEL - 1, k, &len) ||
      CERT_SEAL_LEN != len || NULL == (s->inner = EVP_MD_CTX_new()) ||
      NULL == (s->outer = EVP_MD_CTX_new())) {
    goto cleanup;
  }
  if (0 != keyed_state(s->inner, pad, k, 0x36) || 0 != keyed_state(s->outer, pad, k, 0x5c)) {
    goto cleanup;
  }
  *out = s;
  s = NULL;
  rc = 0;
cleanup:
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  cert_sealer_free(s);
  return rc;
}

/* The sealed bytes, gathered: short fields collect in buf and reach the hash in one update,
 * long ones (display text, token) go straight through. */
struct feed {
  EVP_MD_CTX *ctx;
  unsigned char buf[512];
  size_t n;
  bool ok;
};

static void feed_bytes(struct feed *f, const void *data, size_t len) {
  if (len > sizeof f->buf - f->n) {
    f->ok = f->ok && 1 == EVP_DigestUpdate(f->ctx, f->buf, f->n);
    f->n = 0;
  }
  if (len > sizeof f->buf) {
    f->ok = f->ok && 1 == EVP_DigestUpdate(f->ctx, data, len);
  } else if (len > 0) {
    memcpy(f->buf + f->n, data, len);
    f->n += len;
  }
}

/* 8 bytes, big-endian. */
static void feed_u64(struct feed *f, uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) {
    b[i] = (unsigned char)(v >> (56 - 8 * i));
  }
  feed_bytes(f, b, sizeof b);
}

/* One field, length first, so no two inputs give the same bytes. */
static void feed_text(struct feed *f, const char *s) {
  size_t len = NULL == s ? 0 : strlen(s);
  feed_u64(f, len);
  feed_bytes(f, s, len);
}

static void feed_int(struct feed *f, int64_t v) {
  feed_u64(f, 8);
  feed_u64(f, (uint64_t)v);
}

int cert_seal(unsigned char out[CERT_SEAL_LEN], const struct cert_sealer *s,
              enum cert_seal_form form, const struct cert_record *r, const char *token,
              const char *display) {
  static const char *const forms[] = {[CERT_SEAL_QR] = "qr", [CERT_SEAL_JWS] = "jws"};
  unsigned char inner[CERT_SEAL_LEN];
  unsigned int len = 0, olen = 0;
  struct feed f = {.ctx = EVP_MD_CTX_new(), .n = 0, .ok = true};
  int rc = -1;
  if (NULL == f.ctx || 1 != EVP_MD_CTX_copy_ex(f.ctx, s->inner)) {
    goto cleanup;
  }
  feed_text(&f, SEAL_TAG);
  feed_text(&f, forms[form]);
  feed_text(&f, r->serial);
  feed_text(&f, r->holder);
  feed_text(&f, r->subsector);
  feed_text(&f, r->scheme_id);
  feed_text(&f, r->kid);
  feed_int(&f, r->issued);
  feed_int(&f, r->expires);
  feed_text(&f, display);
  feed_text(&f, token);
  if (f.ok && 1 == EVP_DigestUpdate(f.ctx, f.buf, f.n) &&
      1 == EVP_DigestFinal_ex(f.ctx, inner, &len) && CERT_SEAL_LEN == len &&
      1 == EVP_MD_CTX_copy_ex(f.ctx, s->outer) && 1 == EVP_DigestUpdate(f.ctx, inner, len) &&
      1 == EVP_DigestFinal_ex(f.ctx, out, &olen) && CERT_SEAL_LEN == olen) {
    rc = 0;
  }
cleanup:
  EVP_MD_CTX_free(f.ctx);
  return rc;
}

bool cert_seal_check(const struct cert_sealer *s, enum cert_seal_form form,
                     const struct cert_record *r, const char *token, const char *display,
                     const unsigned char seal[CERT_SEAL_LEN]) {
  unsigned char want[CERT_SEAL_LEN];
  return 0 == cert_seal(want, s, form, r, token, display) &&
         0 == CRYPTO_memcmp(want, seal, CERT_SEAL_LEN);
}

/* Writes the 32 bytes as lower-case hex (no NUL). */
static void put_hex(char *out, const unsigned char *b) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < CERT_SEAL_LEN; i++) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 15];
  }
}

char *cert_display_sealed(const char *display, const unsigned char qr_seal[CERT_SEAL_LEN],
                          const unsigned char jws_seal[CERT_SEAL_LEN]) {
  const size_t plen = sizeof SEAL_PREFIX - 1, dlen = strlen(display);
  char *out = malloc(plen + 2 * (1 + SEAL_HEX_LEN) + 1 + dlen + 1);
  if (NULL == out) {
    return NULL;
  }
  char *p = out;
  memcpy(p, SEAL_PREFIX, plen);
  p += plen;
  *p++ = SEAL_SEP;
  put_hex(p, qr_seal);
  p += SEAL_HEX_LEN;
  *p++ = SEAL_SEP;
  put_hex(p, jws_seal);
  p += SEAL_HEX_LEN;
  *p++ = SEAL_SEP;
  memcpy(p, display, dlen + 1);
  return out;
}

/* The value of each lower-case hex digit plus one; 0 for every other byte (NUL included). A
 * table, because every verification from the row reads a seal twice (the check and the
 * display text's decoding), and a comparison chain per digit was a visible part of it. */
static const unsigned char hex_plus_one[256] = {
    ['0'] = 1, ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16};

/* Reads one seal of exactly SEAL_HEX_LEN lower-case hex digits and its separator at p (out may
 * be NULL: only check the shape). 0 or -1. */
static int seal_field(unsigned char *out, const char *p) {
  const unsigned char *u = (const unsigned char *)p;
  for (size_t i = 0; i < SEAL_HEX_LEN; i++) {
    if (0 == hex_plus_one[u[i]]) {
      return -1; /* also at a NUL: the text ends inside the seal */
    }
  }
  if (NULL != out) {
    for (size_t i = 0; i < CERT_SEAL_LEN; i++) {
      out[i] =
          (unsigned char)((hex_plus_one[u[2 * i]] - 1u) << 4 | (hex_plus_one[u[2 * i + 1]] - 1u));
    }
  }
  return SEAL_SEP == p[SEAL_HEX_LEN] ? 0 : -1;
}

int cert_display_unseal(const char **out_display, unsigned char qr_seal[CERT_SEAL_LEN],
                        unsigned char jws_seal[CERT_SEAL_LEN], const char *text) {
  const size_t plen = sizeof SEAL_PREFIX - 1;
  if (NULL == text || 0 != strncmp(text, SEAL_PREFIX, plen) || SEAL_SEP != text[plen]) {
    return -1;
  }
  const char *p = text + plen + 1;
  if (0 != seal_field(qr_seal, p) || 0 != seal_field(jws_seal, p + SEAL_HEX_LEN + 1)) {
    return -1;
  }
  *out_display = p + 2 * (SEAL_HEX_LEN + 1);
  return 0;
}
