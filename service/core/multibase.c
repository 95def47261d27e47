/*
 * base58btc multibase and the Multikey encodings of Ed25519 and P-256 public keys (see
 * ujikom/multibase.h). Keys are short, so the quadratic base conversion is what it costs.
 */
#include "ujikom/multibase.h"

#include <stdint.h>
#include <string.h>

#define B58_IN_MAX 1024

static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* The multicodec varint prefix of each key type. */
static const unsigned char codec_ed25519[2] = {0xed, 0x01};
static const unsigned char codec_p256[2] = {0x80, 0x24};

int multibase_b58_encode(char *out, size_t size, const unsigned char *data, size_t len) {
  unsigned char digits[B58_IN_MAX * 138 / 100 + 2]; /* base-58 digits, least significant first */
  size_t ndigits = 0, zeros = 0;
  if (len > B58_IN_MAX) {
    return -1;
  }
  while (zeros < len && 0 == data[zeros]) {
    zeros++;
  }
  for (size_t i = zeros; i < len; i++) {
    unsigned carry = data[i];
    for (size_t j = 0; j < ndigits; j++) {
      carry += (unsigned)digits[j] << 8;
      digits[j] = (unsigned char)(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits[ndigits++] = (unsigned char)(carry % 58);
      carry /= 58;
    }
  }
  size_t total = 1 + zeros + ndigits;
  if (total + 1 > size) {
    return -1;
  }
  out[0] = 'z';
  memset(out + 1, '1', zeros);
  for (size_t j = 0; j < ndigits; j++) {
    out[1 + zeros + j] = b58_alphabet[digits[ndigits - 1 - j]];
  }
  out[total] = '\0';
  return (int)total;
}

static int b58_value(char c) {
  const char *p = 0 == c ? NULL : strchr(b58_alphabet, c);
  return NULL == p ? -1 : (int)(p - b58_alphabet);
}

int multibase_b58_decode(unsigned char *out, size_t size, const char *text, size_t len) {
  unsigned char bytes[B58_IN_MAX]; /* least significant first */
  size_t nbytes = 0, zeros = 0;
  if (len < 2 || 'z' != text[0] || len - 1 > B58_IN_MAX) {
    return -1;
  }
  text++;
  len--;
  while (zeros < len && '1' == text[zeros]) {
    zeros++;
  }
  for (size_t i = zeros; i < len; i++) {
    int v = b58_value(text[i]);
    if (v < 0) {
      return -1;
    }
    unsigned carry = (unsigned)v;
    for (size_t j = 0; j < nbytes; j++) {
      carry += (unsigned)bytes[j] * 58;
      bytes[j] = (unsigned char)(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      if (nbytes == sizeof bytes) {
        return -1;
      }
      bytes[nbytes++] = (unsigned char)(carry & 0xff);
      carry >>= 8;
    }
  }
  if (zeros + nbytes > size) {
    return -1;
  }
  memset(out, 0, zeros);
  for (size_t j = 0; j < nbytes; j++) {
    out[zeros + j] = bytes[nbytes - 1 - j];
  }
  return (int)(zeros + nbytes);
}

int multikey_encode(char out[MULTIKEY_TEXT_SIZE], enum multikey_type t, const unsigned char *key) {
  unsigned char buf[2 + MULTIKEY_P256_LEN];
  size_t klen = MULTIKEY_P256 == t ? MULTIKEY_P256_LEN : MULTIKEY_ED25519_LEN;
  memcpy(buf, MULTIKEY_P256 == t ? codec_p256 : codec_ed25519, 2);
  memcpy(buf + 2, key, klen);
  return multibase_b58_encode(out, MULTIKEY_TEXT_SIZE, buf, 2 + klen) < 0 ? -1 : 0;
}

int multikey_decode(enum multikey_type *out_type, unsigned char key[MULTIKEY_P256_LEN],
                    const char *text, size_t len) {
  unsigned char buf[2 + MULTIKEY_P256_LEN + 1];
  int n = multibase_b58_decode(buf, sizeof buf, text, len);
  if (2 + MULTIKEY_ED25519_LEN == n && 0 == memcmp(buf, codec_ed25519, 2)) {
    *out_type = MULTIKEY_ED25519;
    memcpy(key, buf + 2, MULTIKEY_ED25519_LEN);
    return 0;
  }
  if (2 + MULTIKEY_P256_LEN == n && 0 == memcmp(buf, codec_p256, 2) &&
      (0x02 == buf[2] || 0x03 == buf[2])) {
    *out_type = MULTIKEY_P256;
    memcpy(key, buf + 2, MULTIKEY_P256_LEN);
    return 0;
  }
  return -1;
}
