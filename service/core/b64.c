/*
 * Text codecs for signed tokens: base64url (JWS) and RFC 4648 base32 (QR token, which must
 * stay inside the QR alphanumeric set). Decoders are strict: one alphabet, no padding, no
 * whitespace, canonical trailing bits — so one byte string has exactly one text form and a
 * changed character can never decode to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/token.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int b64url_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if ('-' == c)
    return 62;
  if ('_' == c)
    return 63;
  return -1;
}

static int b32_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

/* Generic bit-packing encoder: `bits` bits per output character. */
static char *encode_bits(const void *data, size_t len, unsigned bits, const char *alphabet) {
  const unsigned char *in = data;
  size_t outlen = (len * 8 + bits - 1) / bits;
  char *out = malloc(outlen + 1);
  if (NULL == out)
    return NULL;
  uint32_t acc = 0;
  unsigned nacc = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    acc = (acc << 8) | in[i];
    nacc += 8;
    while (nacc >= bits) {
      nacc -= bits;
      out[o++] = alphabet[(acc >> nacc) & ((1u << bits) - 1)];
    }
    acc &= (1u << nacc) - 1;
  }
  if (nacc > 0)
    out[o++] = alphabet[(acc << (bits - nacc)) & ((1u << bits) - 1)];
  out[o] = '\0';
  return out;
}

static int decode_bits(unsigned char **out, size_t *out_len, const char *text, size_t len,
                       unsigned bits, int (*value)(unsigned char)) {
  *out = NULL;
  *out_len = 0;
  /* A trailing group too short to hold a whole byte is never produced by the encoder. */
  size_t rem_bits = (len * bits) % 8;
  if (len > 0 && rem_bits >= bits)
    return -1;
  size_t n = len * bits / 8;
  unsigned char *buf = malloc(n + 1);
  if (NULL == buf)
    return -1;
  uint32_t acc = 0;
  unsigned nacc = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int v = value((unsigned char)text[i]);
    if (v < 0)
      goto fail;
    acc = (acc << bits) | (uint32_t)v;
    nacc += bits;
    if (nacc >= 8) {
      nacc -= 8;
      buf[o++] = (unsigned char)(acc >> nacc);
      acc &= (1u << nacc) - 1;
    }
  }
  if (0 != acc) /* non-zero padding bits: not the canonical encoding */
    goto fail;
  buf[o] = 0;
  *out = buf;
  *out_len = o;
  return 0;
fail:
  free(buf);
  return -1;
}

char *token_b64url_encode(const void *data, size_t len) {
  return encode_bits(data, len, 6, b64url_alphabet);
}

int token_b64url_decode(unsigned char **out, size_t *out_len, const char *text, size_t len) {
  return decode_bits(out, out_len, text, len, 6, b64url_value);
}

char *token_b32_encode(const void *data, size_t len) {
  return encode_bits(data, len, 5, b32_alphabet);
}

int token_b32_decode(unsigned char **out, size_t *out_len, const char *text, size_t len) {
  return decode_bits(out, out_len, text, len, 5, b32_value);
}
