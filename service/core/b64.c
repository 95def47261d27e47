/*
 * RFC 4648 codecs (see ujikom/b64.h), and the allocating base64url/base32 forms the token
 * code uses (ujikom/token.h). One bit-packing encoder and one strict decoder serve all three
 * alphabets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/b64.h"
#include "ujikom/token.h"

static const char *const alphabets[] = {
    [B64_STD] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    [B64_URL] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
    [B64_BASE32] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    [B64_STD_PADDED] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    [B64_BASE32_STRICT] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
};

static unsigned bits_of(enum b64_alphabet a) {
  return B64_BASE32 == a || B64_BASE32_STRICT == a ? 5u : 6u;
}

int b64_value(unsigned char c, enum b64_alphabet a) {
  if (B64_BASE32_STRICT == a) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= '2' && c <= '7') {
      return c - '2' + 26;
    }
    return -1;
  }
  if (B64_BASE32 == a) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= '2' && c <= '7') {
      return c - '2' + 26;
    }
    return -1;
  }
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if ((B64_URL == a ? '-' : '+') == c) {
    return 62;
  }
  if ((B64_URL == a ? '_' : '/') == c) {
    return 63;
  }
  return -1;
}

size_t b64_encoded_len(size_t len, enum b64_alphabet a) {
  if (B64_STD_PADDED == a) {
    return (len + 2) / 3 * 4;
  }
  unsigned bits = bits_of(a);
  return (len * 8 + bits - 1) / bits;
}

size_t b64_encode(char *out, size_t outlen, const void *data, size_t len, enum b64_alphabet a) {
  const unsigned char *in = data;
  const char *alphabet = alphabets[a];
  unsigned bits = bits_of(a);
  size_t need = b64_encoded_len(len, a);
  if (need + 1 > outlen) {
    return 0;
  }
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
  if (nacc > 0) {
    out[o++] = alphabet[(acc << (bits - nacc)) & ((1u << bits) - 1)];
  }
  while (o < need) { /* B64_STD_PADDED only */
    out[o++] = '=';
  }
  out[o] = '\0';
  return o;
}

long b64_decode(unsigned char *out, size_t outlen, const char *text, size_t len,
                enum b64_alphabet a) {
  if (B64_STD_PADDED == a) {
    /* Whole groups of four; one or two '=' at the end stand for what the unpadded text
     * leaves out, and nowhere else ('=' is no value of the alphabet). */
    if (0 != len % 4) {
      return -1;
    }
    if (len > 0 && '=' == text[len - 1]) {
      len -= '=' == text[len - 2] ? 2 : 1;
    }
    a = B64_STD;
  } else if (B64_BASE32_STRICT == a) {
    /* Padding only as the exact tail that makes a multiple of eight characters. */
    size_t data = len;
    while (data > 0 && '=' == text[data - 1]) {
      data--;
    }
    if (data < len && (0 == data % 8 || len - data != 8 - data % 8)) {
      return -1;
    }
    len = data;
  }
  unsigned bits = bits_of(a);
  /* A trailing group too short to hold a whole byte is never produced by the encoder. */
  size_t rem_bits = (len * bits) % 8;
  if (len > 0 && rem_bits >= bits) {
    return -1;
  }
  uint32_t acc = 0;
  unsigned nacc = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int v = b64_value((unsigned char)text[i], a);
    if (v < 0) {
      return -1;
    }
    acc = (acc << bits) | (uint32_t)v;
    nacc += bits;
    if (nacc >= 8) {
      nacc -= 8;
      if (o >= outlen) {
        return -1;
      }
      out[o++] = (unsigned char)(acc >> nacc);
      acc &= (1u << nacc) - 1;
    }
  }
  if (0 != acc) { /* non-zero padding bits: not the canonical encoding */
    return -1;
  }
  return (long)o;
}

/* ---- the allocating forms (and ujikom/token.h's) */

char *b64_encode_alloc(const void *data, size_t len, enum b64_alphabet a) {
  if (len > SIZE_MAX / 8 - 8) { /* b64_encoded_len cannot overflow below this */
    return NULL;
  }
  size_t n = b64_encoded_len(len, a);
  char *out = malloc(n + 1);
  if (NULL == out) {
    return NULL;
  }
  b64_encode(out, n + 1, data, len, a);
  return out;
}

int b64_decode_alloc(unsigned char **out, size_t *out_len, const char *text, size_t len,
                     enum b64_alphabet a) {
  *out = NULL;
  *out_len = 0;
  size_t n = len / 4 * 3 + 3; /* at least the decoded length of every variant */
  unsigned char *buf = malloc(n + 1);
  if (NULL == buf) {
    return -1;
  }
  long got = b64_decode(buf, n, text, len, a);
  if (got < 0) {
    free(buf);
    return -1;
  }
  buf[got] = 0;
  *out = buf;
  *out_len = (size_t)got;
  return 0;
}

char *token_b64url_encode(const void *data, size_t len) {
  return b64_encode_alloc(data, len, B64_URL);
}

int token_b64url_decode(unsigned char **out, size_t *out_len, const char *text, size_t len) {
  return b64_decode_alloc(out, out_len, text, len, B64_URL);
}

char *token_b32_encode(const void *data, size_t len) {
  return b64_encode_alloc(data, len, B64_BASE32);
}

int token_b32_decode(unsigned char **out, size_t *out_len, const char *text, size_t len) {
  return b64_decode_alloc(out, out_len, text, len, B64_BASE32);
}

int b16_value(int c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}
