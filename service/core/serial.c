/*
 * Certificate serial numbers: 80 bits from the CSPRNG, written in Crockford base32 (no I, L,
 * O, U, so they survive being read aloud and retyped) in four groups of four after a "UJK"
 * prefix, followed by a Luhn mod 32 check character that catches every single-character
 * error and most transpositions of adjacent characters.
 */
#include <ctype.h>
#include <openssl/rand.h>
#include <string.h>

#include "ujikom/cert.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int crockford_value(unsigned char c) {
  c = (unsigned char)toupper(c);
  if ('O' == c) {
    c = '0';
  }
  if ('I' == c || 'L' == c) {
    c = '1';
  }
  const char *p = (0 == c) ? NULL : strchr(crockford, c);
  return NULL == p ? -1 : (int)(p - crockford);
}

/* Luhn mod N (N = 32) over the 16 data characters. */
static int luhn32_check(const int digits[16]) {
  int factor = 2, sum = 0;
  for (int i = 15; i >= 0; i--) {
    int addend = factor * digits[i];
    factor = (2 == factor) ? 1 : 2;
    addend = addend / 32 + addend % 32;
    sum += addend;
  }
  return (32 - sum % 32) % 32;
}

static void raw_to_digits(int digits[16], const unsigned char raw[CERT_SERIAL_BYTES]) {
  unsigned acc = 0, nacc = 0;
  int d = 0;
  for (int i = 0; i < CERT_SERIAL_BYTES; i++) {
    acc = (acc << 8) | raw[i];
    nacc += 8;
    while (nacc >= 5) {
      nacc -= 5;
      digits[d++] = (int)((acc >> nacc) & 31u);
    }
    acc &= (1u << nacc) - 1;
  }
}

void cert_serial_format(char out[CERT_SERIAL_SIZE], const unsigned char raw[CERT_SERIAL_BYTES]) {
  int digits[16];
  raw_to_digits(digits, raw);
  size_t o = 0;
  memcpy(out, "UJK-", 4);
  o = 4;
  for (int i = 0; i < 16; i++) {
    if (i > 0 && 0 == i % 4) {
      out[o++] = '-';
    }
    out[o++] = crockford[digits[i]];
  }
  out[o++] = '-';
  out[o++] = crockford[luhn32_check(digits)];
  out[o] = '\0';
}

int cert_serial_generate(char out[CERT_SERIAL_SIZE]) {
  unsigned char raw[CERT_SERIAL_BYTES];
  if (1 != RAND_bytes(raw, sizeof raw)) {
    return -1;
  }
  cert_serial_format(out, raw);
  return 0;
}

int cert_serial_parse(char out[CERT_SERIAL_SIZE], unsigned char raw[CERT_SERIAL_BYTES],
                      const char *text) {
  if (NULL == text) {
    return -1;
  }
  /* Collect the significant characters; anything but separators must be base32. */
  int vals[17];
  int n = 0;
  size_t len = strnlen(text, 128);
  if (len >= 128) {
    return -1;
  }
  size_t i = 0;
  while (i < len && (' ' == text[i] || '\t' == text[i])) {
    i++;
  }
  if (len - i < 3 || 'U' != toupper((unsigned char)text[i]) ||
      'J' != toupper((unsigned char)text[i + 1]) || 'K' != toupper((unsigned char)text[i + 2])) {
    return -1;
  }
  for (i += 3; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if ('-' == c || ' ' == c || '\t' == c) {
      continue;
    }
    int v = crockford_value(c);
    if (v < 0 || n >= 17) {
      return -1;
    }
    vals[n++] = v;
  }
  if (17 != n || luhn32_check(vals) != vals[16]) {
    return -1;
  }
  /* 16 digits x 5 bits = 80 bits = 10 bytes exactly. */
  unsigned char bytes[CERT_SERIAL_BYTES];
  unsigned acc = 0, nacc = 0;
  int b = 0;
  for (int k = 0; k < 16; k++) {
    acc = (acc << 5) | (unsigned)vals[k];
    nacc += 5;
    if (nacc >= 8) {
      nacc -= 8;
      bytes[b++] = (unsigned char)(acc >> nacc);
      acc &= (1u << nacc) - 1;
    }
  }
  if (NULL != raw) {
    memcpy(raw, bytes, sizeof bytes);
  }
  if (NULL != out) {
    cert_serial_format(out, bytes);
  }
  return 0;
}
