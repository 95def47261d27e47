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

/* Each alphabet's value of every byte (-1: not in the alphabet), as constant tables made
 * by the macros below, so that decoding is one look-up a character. Base32 also takes lower
 * case, except strictly; hexadecimal takes both cases. */
#define IN(c, lo, hi) ((c) >= (lo) && (c) <= (hi))
#define V_B64_WITH(c, c62, c63)                                                                    \
  (IN(c, 'A', 'Z')   ? (c) - 'A'                                                                   \
   : IN(c, 'a', 'z') ? (c) - 'a' + 26                                                              \
   : IN(c, '0', '9') ? (c) - '0' + 52                                                              \
   : (c62) == (c)    ? 62                                                                          \
   : (c63) == (c)    ? 63                                                                          \
                     : -1)
#define V_B64(c)    V_B64_WITH(c, '+', '/')
#define V_B64URL(c) V_B64_WITH(c, '-', '_')
#define V_B32(c)                                                                                   \
  (IN(c, 'A', 'Z')   ? (c) - 'A'                                                                   \
   : IN(c, 'a', 'z') ? (c) - 'a'                                                                   \
   : IN(c, '2', '7') ? (c) - '2' + 26                                                              \
                     : -1)
#define V_B32_STRICT(c) (IN(c, 'A', 'Z') ? (c) - 'A' : IN(c, '2', '7') ? (c) - '2' + 26 : -1)
#define V_B16(c)                                                                                   \
  (IN(c, '0', '9')   ? (c) - '0'                                                                   \
   : IN(c, 'a', 'f') ? (c) - 'a' + 10                                                              \
   : IN(c, 'A', 'F') ? (c) - 'A' + 10                                                              \
                     : -1)
#define V(f, c)   ((signed char)(f(c)))
#define T4(f, b)  V(f, b), V(f, (b) + 1), V(f, (b) + 2), V(f, (b) + 3)
#define T16(f, b) T4(f, b), T4(f, (b) + 4), T4(f, (b) + 8), T4(f, (b) + 12)
#define T64(f, b) T16(f, b), T16(f, (b) + 16), T16(f, (b) + 32), T16(f, (b) + 48)
#define T256(f)   T64(f, 0), T64(f, 64), T64(f, 128), T64(f, 192)

static const signed char b64_values[256] = {T256(V_B64)};
static const signed char b64url_values[256] = {T256(V_B64URL)};
static const signed char b32_values[256] = {T256(V_B32)};
static const signed char b32_strict_values[256] = {T256(V_B32_STRICT)};
static const signed char b16_values[256] = {T256(V_B16)};

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b32_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* An alphabet: what the encoder writes, the bits per character, and what the decoder reads.
 * The padded and strict variants differ from their plain ones in padding only. */
static const struct alphabet {
  const char *chars;
  unsigned bits;
  const signed char *values;
} alphabets[] = {[B64_STD] = {b64_chars, 6, b64_values},
                 [B64_URL] = {b64url_chars, 6, b64url_values},
                 [B64_BASE32] = {b32_chars, 5, b32_values},
                 [B64_STD_PADDED] = {b64_chars, 6, b64_values},
                 [B64_BASE32_STRICT] = {b32_chars, 5, b32_strict_values}};

int b64_value(unsigned char c, enum b64_alphabet a) {
  return alphabets[a].values[c];
}

size_t b64_encoded_len(size_t len, enum b64_alphabet a) {
  if (B64_STD_PADDED == a) {
    return (len + 2) / 3 * 4;
  }
  unsigned bits = alphabets[a].bits;
  return (len * 8 + bits - 1) / bits;
}

size_t b64_encode(char *out, size_t outlen, const void *data, size_t len, enum b64_alphabet a) {
  const unsigned char *in = data;
  const char *alphabet = alphabets[a].chars;
  unsigned bits = alphabets[a].bits;
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
  unsigned bits = alphabets[a].bits;
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
  return c < 0 || c > 255 ? -1 : b16_values[c];
}
