/*
 * HOTP/TOTP codes, base32 secrets, the otpauth key URI and recovery codes for the staff
 * second factor. Everything here is computation on caller-supplied values (time included),
 * so the replay guard and the storage of secrets and used codes stay with the caller.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ujikom/b64.h"
#include "ujikom/checkin_code.h"
#include "ujikom/totp.h"

enum totp_status totp_hotp(uint32_t *out, const uint8_t *key, size_t key_len, uint64_t counter,
                           unsigned digits) {
  if (NULL == out || NULL == key || key_len < TOTP_KEY_MIN || key_len > TOTP_KEY_MAX ||
      digits < 6 || digits > 8) {
    return TOTP_MALFORMED;
  }
  uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
  for (int i = 7; i >= 0; i--) {
    msg[i] = (uint8_t)(counter & 0xff);
    counter >>= 8;
  }
  size_t mac_len = 0;
  if (NULL == EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, key, key_len, msg, sizeof msg, mac,
                        sizeof mac, &mac_len) ||
      20 != mac_len) {
    OPENSSL_cleanse(mac, sizeof mac);
    return TOTP_ERROR;
  }
  /* Dynamic truncation (RFC 4226 section 5.3): the low nibble of the last byte picks four
   * bytes, the top bit is dropped so the value is the same signed or unsigned. */
  unsigned off = mac[19] & 0x0fu;
  uint32_t bin = ((uint32_t)(mac[off] & 0x7fu) << 24) | ((uint32_t)mac[off + 1] << 16) |
                 ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
  OPENSSL_cleanse(mac, sizeof mac);
  uint32_t mod = 1;
  for (unsigned i = 0; i < digits; i++) {
    mod *= 10;
  }
  *out = bin % mod;
  return TOTP_OK;
}

bool totp_step_at(uint64_t *out, int64_t t) {
  if (NULL == out || t < 0) {
    return false;
  }
  *out = (uint64_t)t / TOTP_PERIOD;
  return true;
}

/* Reads TOTP_DIGITS digits, skipping ASCII spaces, into *out. */
static bool parse_code(uint32_t *out, const char *code) {
  size_t len = strnlen(code, TOTP_INPUT_MAX + 1);
  if (len > TOTP_INPUT_MAX) {
    return false;
  }
  uint32_t v = 0;
  unsigned n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = code[i];
    if (' ' == c) {
      continue;
    }
    if (c < '0' || c > '9' || n == TOTP_DIGITS) {
      return false;
    }
    v = v * 10 + (uint32_t)(c - '0');
    n++;
  }
  if (TOTP_DIGITS != n) {
    return false;
  }
  *out = v;
  return true;
}

bool totp_equal(const void *a, const void *b, size_t n) {
  return 0 == CRYPTO_memcmp(a, b, n);
}

enum totp_status totp_verify(uint64_t *out_step, const uint8_t *secret, const char *code,
                             int64_t now, uint64_t last_step) {
  uint32_t want = 0;
  uint64_t step = 0;
  if (NULL == out_step || NULL == secret || NULL == code || !parse_code(&want, code) ||
      !totp_step_at(&step, now) || step < TOTP_WINDOW) {
    return TOTP_MALFORMED;
  }
  uint64_t fresh = 0;
  bool matched = false, matched_fresh = false;
  /* Compute and compare every step of the window whatever matched, so the time taken says
   * nothing about which step (if any) the code belongs to. */
  for (uint64_t s = step - TOTP_WINDOW; s <= step + TOTP_WINDOW; s++) {
    uint32_t got = 0;
    if (TOTP_OK != totp_hotp(&got, secret, TOTP_SECRET_LEN, s, TOTP_DIGITS)) {
      return TOTP_ERROR;
    }
    bool eq = totp_equal(&got, &want, sizeof got);
    matched |= eq;
    if (eq && s > last_step) {
      matched_fresh = true;
      fresh = s;
    }
  }
  if (matched_fresh) {
    *out_step = fresh;
    return TOTP_OK;
  }
  return matched ? TOTP_REPLAY : TOTP_MISMATCH;
}

enum totp_status totp_secret_generate(uint8_t out[TOTP_SECRET_LEN]) {
  if (1 != RAND_bytes(out, TOTP_SECRET_LEN)) {
    OPENSSL_cleanse(out, TOTP_SECRET_LEN);
    return TOTP_ERROR;
  }
  return TOTP_OK;
}

size_t totp_base32_encode(char *out, size_t out_size, const uint8_t *in, size_t len) {
  if (NULL == out || 0 == out_size) {
    return 0;
  }
  out[0] = '\0';
  if (len > (SIZE_MAX - 4) / 8 || (len > 0 && NULL == in)) {
    return 0;
  }
  return b64_encode(out, out_size, in, len, B64_BASE32);
}

enum totp_status totp_base32_decode(uint8_t *out, size_t out_size, size_t *out_len, const char *in,
                                    size_t in_len) {
  if (NULL == out_len || (in_len > 0 && NULL == in) || (out_size > 0 && NULL == out)) {
    return TOTP_MALFORMED;
  }
  *out_len = 0;
  long n = b64_decode(out, out_size, in, in_len, B64_BASE32_STRICT);
  if (n < 0) {
    if (out_size > 0) {
      OPENSSL_cleanse(out, out_size); /* no part of a secret stays behind */
    }
    return TOTP_MALFORMED;
  }
  *out_len = (size_t)n;
  return TOTP_OK;
}

/* Appends the percent-encoded form of s to buf at *pos (buf is large enough). */
static void percent_encode(char *buf, size_t *pos, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || '-' == c ||
        '.' == c || '_' == c || '~' == c) {
      buf[(*pos)++] = (char)c;
    } else {
      buf[(*pos)++] = '%';
      buf[(*pos)++] = hex[c >> 4];
      buf[(*pos)++] = hex[c & 15u];
    }
  }
}

static bool uri_part_ok(const char *s, size_t *len) {
  if (NULL == s) {
    return false;
  }
  size_t n = strnlen(s, 256);
  if (0 == n || n > 255) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (':' == c || c < 0x20 || 0x7f == c) {
      return false;
    }
  }
  *len = n;
  return true;
}

static void append(char *buf, size_t *pos, const char *s) {
  size_t n = strlen(s);
  memcpy(buf + *pos, s, n);
  *pos += n;
}

char *totp_uri(const char *issuer, const char *account, const uint8_t *secret, size_t secret_len) {
  size_t ilen = 0, alen = 0;
  if (!uri_part_ok(issuer, &ilen) || !uri_part_ok(account, &alen) || NULL == secret ||
      TOTP_SECRET_LEN != secret_len) {
    return NULL;
  }
  char b32[TOTP_SECRET_B32_LEN + 1];
  if (TOTP_SECRET_B32_LEN != totp_base32_encode(b32, sizeof b32, secret, secret_len)) {
    return NULL;
  }
  static const char scheme[] = "otpauth://totp/", q_secret[] = "?secret=", q_issuer[] = "&issuer=",
                    q_rest[] = "&algorithm=SHA1&digits=6&period=30";
  /* Each byte encodes to at most 3; the issuer appears twice. */
  size_t cap = sizeof scheme + 3 * (2 * ilen + alen) + 1 + sizeof q_secret + TOTP_SECRET_B32_LEN +
               sizeof q_issuer + sizeof q_rest + 1;
  char *buf = malloc(cap);
  if (NULL == buf) {
    OPENSSL_cleanse(b32, sizeof b32);
    return NULL;
  }
  size_t pos = 0;
  append(buf, &pos, scheme);
  percent_encode(buf, &pos, issuer);
  buf[pos++] = ':';
  percent_encode(buf, &pos, account);
  append(buf, &pos, q_secret);
  append(buf, &pos, b32);
  append(buf, &pos, q_issuer);
  percent_encode(buf, &pos, issuer);
  append(buf, &pos, q_rest);
  buf[pos] = '\0';
  OPENSSL_cleanse(b32, sizeof b32);
  return buf;
}

void totp_uri_free(char *uri) {
  if (NULL == uri) {
    return;
  }
  OPENSSL_cleanse(uri, strlen(uri));
  free(uri);
}

void totp_recovery_code_format(char out[TOTP_RECOVERY_TEXT_SIZE],
                               const uint8_t random[TOTP_RECOVERY_CHARS]) {
  size_t o = 0;
  for (size_t i = 0; i < TOTP_RECOVERY_CHARS; i++) {
    if (TOTP_RECOVERY_CHARS / 2 == i) {
      out[o++] = '-';
    }
    /* Crockford's base32 (no I, L, O or U): a code read aloud or copied by hand survives. */
    out[o++] = crockford_alphabet[random[i] & 31u];
  }
  out[o] = '\0';
}

enum totp_status
totp_recovery_codes_generate(char out[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT_SIZE]) {
  uint8_t rnd[TOTP_RECOVERY_COUNT * TOTP_RECOVERY_CHARS];
  if (1 != RAND_bytes(rnd, sizeof rnd)) {
    OPENSSL_cleanse(rnd, sizeof rnd);
    OPENSSL_cleanse(out, (size_t)TOTP_RECOVERY_COUNT * TOTP_RECOVERY_TEXT_SIZE);
    return TOTP_ERROR;
  }
  for (size_t i = 0; i < TOTP_RECOVERY_COUNT; i++) {
    totp_recovery_code_format(out[i], rnd + i * TOTP_RECOVERY_CHARS);
  }
  OPENSSL_cleanse(rnd, sizeof rnd);
  return TOTP_OK;
}

enum totp_status totp_recovery_normalize(char out[TOTP_RECOVERY_TEXT_SIZE], const char *in) {
  if (NULL == out) {
    return TOTP_MALFORMED;
  }
  return crockford_normalize(out, TOTP_RECOVERY_CHARS, in, TOTP_INPUT_MAX) ? TOTP_OK
                                                                           : TOTP_MALFORMED;
}
