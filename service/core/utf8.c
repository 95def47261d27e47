/*
 * UTF-8 well-formedness (see ujikom/utf8.h), shared by the HTTP input checks, the JSON and
 * HTML writers and the certificate claim checks.
 */
#include "ujikom/utf8.h"

#include <stdint.h>
#include <string.h>

/* The high bit of each of eight bytes: none set means eight ASCII characters. */
#define ASCII_MASK UINT64_C(0x8080808080808080)

size_t utf8_decode(const char *str, size_t n, uint32_t *out_cp) {
  const unsigned char *s = (const unsigned char *)str;
  if (0 == n) {
    return 0;
  }
  unsigned char c = s[0];
  if (c < 0x80) {
    *out_cp = c;
    return 1;
  }
  size_t len;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  for (size_t i = 1; i < len; i++) {
    if (i >= n || 0x80 != (s[i] & 0xC0)) {
      return 0;
    }
    cp = (cp << 6) | (s[i] & 0x3Fu);
  }
  if ((3 == len && cp < 0x800) || (4 == len && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  *out_cp = cp;
  return len;
}

size_t utf8_seq_len(const char *s, size_t n) {
  uint32_t cp;
  return utf8_decode(s, n, &cp);
}

bool utf8_well_formed(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint64_t word; /* eight ASCII bytes at a time: most text is ASCII */
    if (n - i >= sizeof word && (memcpy(&word, s + i, sizeof word), 0 == (word & ASCII_MASK))) {
      i += sizeof word;
      continue;
    }
    if ((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = utf8_seq_len(s + i, n - i);
    if (0 == k) {
      return false;
    }
    i += k;
  }
  return true;
}

size_t utf8_cut(const char *s, size_t len, size_t max) {
  if (len <= max) {
    return len;
  }
  size_t cut = max;
  while (cut > 0 && 0x80 == ((unsigned char)s[cut] & 0xC0)) {
    cut--;
  }
  return cut;
}
