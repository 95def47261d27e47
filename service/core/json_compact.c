/*
 * Compact JSON text of jansson values (see json_compact.h).
 */
#include "ujikom/json_compact.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"
#include "ujikom/utf8.h"

/* A text grows to at most this (json_dumps has no cap; nothing of ours comes near it). */
#define JSON_COMPACT_MAX_BYTES ((size_t)1 << 30)

/* Whether one of the 8 bytes of x may need more than a copy: a byte below 0x20, a quote, a
 * backslash, or one of 0x80 and above (to check as UTF-8). Exact for "none does" (a true
 * answer may be wrong: the byte loop then decides). */
static bool word_special(uint64_t x) {
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
  return 0 != (((x - ones * 0x20) | (quote - ones) | (backslash - ones) | x) & high);
}

/* The escape of c (a quote, a backslash or below 0x20) at out: its length, 2 or 6. */
static size_t escape_byte(char *out, unsigned char c) {
  static const char hex[] = "0123456789ABCDEF";
  static const char short_form[0x20] = {
      ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
  out[0] = '\\';
  if ('"' == c || '\\' == c) {
    out[1] = (char)c;
    return 2;
  }
  if ('\0' != short_form[c]) {
    out[1] = short_form[c];
    return 2;
  }
  memcpy(out + 1, "u00", 3);
  out[4] = hex[c >> 4];
  out[5] = hex[c & 15];
  return 6;
}

size_t json_quote(char *out, const char *s, size_t n) {
  char *o = out;
  *o++ = '"';
  bool checked = false; /* UTF-8 is checked from the first byte above ASCII, if any */
  size_t i = 0;
  while (i < n) {
    while (n - i >= 8) { /* eight bytes at a time while they are copied as they are */
      uint64_t word;
      memcpy(&word, s + i, 8);
      if (word_special(word)) {
        break;
      }
      memcpy(o, &word, 8);
      o += 8;
      i += 8;
    }
    if (i == n) {
      break;
    }
    unsigned char c = (unsigned char)s[i++];
    if (c >= 0x80 && !checked) {
      if (!utf8_well_formed(s + i - 1, n - i + 1)) {
        return (size_t)-1;
      }
      checked = true;
    }
    if (c >= 0x20 && '"' != c && '\\' != c) {
      *o++ = (char)c;
    } else {
      o += escape_byte(o, c);
    }
  }
  *o++ = '"';
  return (size_t)(o - out);
}

static int put_string(struct growbuf *b, const char *s, size_t n) {
  if (n > JSON_QUOTE_MAX_IN || 0 != growbuf_reserve(b, JSON_QUOTED_MAX(n))) {
    b->failed = 1;
    return -1;
  }
  size_t k = json_quote(b->p + b->len, s, n);
  if ((size_t)-1 == k) {
    b->p[b->len] = '\0';
    b->failed = 1;
    return -1;
  }
  b->len += k;
  b->p[b->len] = '\0';
  return 0;
}

char *json_int_text(char out[JSON_INT_TEXT_SIZE], long long v) {
  char *p = out + JSON_INT_TEXT_SIZE;
  /* as an unsigned magnitude, so that the most negative value has one too */
  unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do {
    *--p = (char)('0' + (m % 10));
    m /= 10;
  } while (m > 0);
  if (v < 0) {
    *--p = '-';
  }
  return p;
}

static int put_integer(struct growbuf *b, json_int_t v) {
  char text[JSON_INT_TEXT_SIZE];
  const char *p = json_int_text(text, v);
  return growbuf_add(b, p, (size_t)(text + sizeof text - p));
}

/* jansson's own text of a real (its precision, exponent and ".0" rules). */
static int put_real(struct growbuf *b, const json_t *v) {
  char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  int rc = NULL == text ? (b->failed = 1, -1) : growbuf_add(b, text, strlen(text));
  free(text);
  return rc;
}

struct member {
  const char *key;
  size_t len;
  json_t *value;
};

/* jansson's order for JSON_SORT_KEYS: bytes, then length. */
static int by_key(const void *a, const void *b) {
  const struct member *x = a, *y = b;
  int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
  return 0 != c ? c : (x->len > y->len) - (x->len < y->len);
}

static int put_value(struct growbuf *b, const json_t *v, bool sort, int depth);

static int put_member(struct growbuf *b, const struct member *m, bool first, bool sort, int depth) {
  if (!first) {
    growbuf_add(b, ",", 1);
  }
  put_string(b, m->key, m->len);
  growbuf_add(b, ":", 1);
  return put_value(b, m->value, sort, depth);
}

static int put_object(struct growbuf *b, const json_t *v, bool sort, int depth) {
  size_t n = json_object_size(v);
  if (0 == n) {
    return growbuf_add(b, "{}", 2);
  }
  growbuf_add(b, "{", 1);
  void *it = json_object_iter((json_t *)(uintptr_t)v);
  if (!sort) {
    for (bool first = true; NULL != it && !b->failed; first = false) {
      struct member m = {json_object_iter_key(it), json_object_iter_key_len(it),
                         json_object_iter_value(it)};
      put_member(b, &m, first, sort, depth);
      it = json_object_iter_next((json_t *)(uintptr_t)v, it);
    }
    return growbuf_add(b, "}", 1);
  }
  struct member *all = malloc(n * sizeof *all);
  if (NULL == all) {
    b->failed = 1;
    return -1;
  }
  size_t k = 0;
  for (; NULL != it && k < n; k++) {
    all[k] = (struct member){json_object_iter_key(it), json_object_iter_key_len(it),
                             json_object_iter_value(it)};
    it = json_object_iter_next((json_t *)(uintptr_t)v, it);
  }
  qsort(all, k, sizeof *all, by_key);
  for (size_t i = 0; i < k && !b->failed; i++) {
    put_member(b, &all[i], 0 == i, sort, depth);
  }
  free(all);
  return growbuf_add(b, "}", 1);
}

static int put_value(struct growbuf *b, const json_t *v, bool sort, int depth) {
  if (b->failed) {
    return -1;
  }
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    if (depth >= JSON_COMPACT_MAX_DEPTH) {
      break;
    }
    return put_object(b, v, sort, depth + 1);
  case JSON_ARRAY: {
    if (depth >= JSON_COMPACT_MAX_DEPTH) {
      break;
    }
    size_t n = json_array_size(v);
    growbuf_add(b, "[", 1);
    for (size_t i = 0; i < n && !b->failed; i++) {
      if (i > 0) {
        growbuf_add(b, ",", 1);
      }
      put_value(b, json_array_get(v, i), sort, depth + 1);
    }
    return growbuf_add(b, "]", 1);
  }
  case JSON_STRING:
    return put_string(b, json_string_value(v), json_string_length(v));
  case JSON_INTEGER:
    return put_integer(b, json_integer_value(v));
  case JSON_REAL:
    return put_real(b, v);
  case JSON_TRUE:
    return growbuf_add(b, "true", 4);
  case JSON_FALSE:
    return growbuf_add(b, "false", 5);
  case JSON_NULL:
    return growbuf_add(b, "null", 4);
  }
  b->failed = 1;
  return -1;
}

char *json_compact(const json_t *v, bool sort_keys) {
  struct growbuf b = {.max = JSON_COMPACT_MAX_BYTES};
  if (NULL == v || 0 != growbuf_reserve(&b, 1024)) {
    free(b.p);
    return NULL;
  }
  put_value(&b, v, sort_keys, 0);
  size_t len = 0, cap = b.cap;
  char *text = growbuf_take(&b, &len);
  if (NULL != text && cap - len > len / 8 + 64) { /* not to keep twice what a text needs */
    char *fit = realloc(text, len + 1);
    text = NULL != fit ? fit : text;
  }
  return text;
}
