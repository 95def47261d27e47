/*
 * Check-in codes: generation, Crockford normalisation and the stored hash.
 */
#include "ujikom/checkin_code.h"

#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

const char crockford_alphabet[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool crockford_normalize(char *out, size_t chars, const char *in, size_t max_input) {
  out[0] = '\0';
  if (NULL == in) {
    return false;
  }
  size_t len = strnlen(in, max_input + 1);
  if (len > max_input) {
    return false;
  }
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = in[i];
    if (' ' == c || '-' == c || '_' == c) {
      continue;
    }
    if (c >= 'a' && c <= 'z') {
      c = (char)(c - 'a' + 'A');
    }
    if ('O' == c) {
      c = '0';
    } else if ('I' == c || 'L' == c) {
      c = '1';
    }
    if (n == chars || NULL == memchr(crockford_alphabet, c, sizeof crockford_alphabet - 1)) {
      OPENSSL_cleanse(out, chars + 1);
      out[0] = '\0';
      return false;
    }
    out[n++] = c;
  }
  if (chars != n) {
    OPENSSL_cleanse(out, chars + 1);
    out[0] = '\0';
    return false;
  }
  out[n] = '\0';
  return true;
}

int checkin_code_new(char out[CHECKIN_CODE_TEXT_SIZE]) {
  uint8_t raw[8];
  out[0] = '\0';
  if (1 != RAND_bytes(raw, sizeof raw)) {
    OPENSSL_cleanse(raw, sizeof raw);
    return -1;
  }
  uint64_t bits = 0;
  for (size_t i = 0; i < sizeof raw; i++) {
    bits = (bits << 8) | raw[i];
  }
  size_t o = 0;
  for (size_t i = 0; i < CHECKIN_CODE_CHARS; i++) {
    if (i > 0 && 0 == i % 4) {
      out[o++] = '-';
    }
    out[o++] = crockford_alphabet[(bits >> (5 * (CHECKIN_CODE_CHARS - 1 - i))) & 31u];
  }
  out[o] = '\0';
  OPENSSL_cleanse(raw, sizeof raw);
  bits = 0;
  return 0;
}

bool checkin_code_normalize(char out[CHECKIN_CODE_CHARS + 1], const char *in) {
  return crockford_normalize(out, CHECKIN_CODE_CHARS, in, CHECKIN_CODE_INPUT_MAX);
}

int checkin_code_hash(char out[CHECKIN_CODE_HASH_LEN + 1], const char *in) {
  static const char hex[] = "0123456789abcdef";
  char norm[CHECKIN_CODE_CHARS + 1];
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  out[0] = '\0';
  if (!checkin_code_normalize(norm, in)) {
    return -1;
  }
  int ok = EVP_Digest(norm, CHECKIN_CODE_CHARS, md, &mdlen, EVP_sha256(), NULL);
  OPENSSL_cleanse(norm, sizeof norm);
  if (1 != ok || 32 != mdlen) {
    return -1;
  }
  for (size_t i = 0; i < 32; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[CHECKIN_CODE_HASH_LEN] = '\0';
  return 0;
}
