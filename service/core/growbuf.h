/*
 * The core's one growable buffer (N-Quads and RDFC-1.0 text, the item-bank importer's YAML,
 * the QR code's SVG and PNG), with a hard cap per use so that no input can make it grow
 * without bound. A failed allocation or a write past the cap marks the buffer failed: later
 * writes are ignored and return -1, so a writer may check once at the end. The text is kept
 * NUL-terminated once anything was reserved.
 */
#ifndef UJIKOM_GROWBUF_H
#define UJIKOM_GROWBUF_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct growbuf {
  char *p;
  size_t len, cap;
  size_t max; /* the cap of this use, in bytes (the NUL included): set it when declaring */
  int failed;
};

/* Room for more bytes (and the NUL). Returns 0, or -1 when failed. */
static inline int growbuf_reserve(struct growbuf *b, size_t more) {
  if (b->failed) {
    return -1;
  }
  if (b->len >= b->max || more > b->max - b->len - 1) {
    b->failed = 1;
    return -1;
  }
  size_t need = b->len + more + 1;
  if (need <= b->cap) {
    b->p[b->len] = '\0';
    return 0;
  }
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) {
    cap = cap > b->max / 2 ? b->max : cap * 2;
  }
  char *p = realloc(b->p, cap);
  if (NULL == p) {
    b->failed = 1;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  b->p[b->len] = '\0';
  return 0;
}

static inline int growbuf_add(struct growbuf *b, const void *data, size_t n) {
  if (0 != growbuf_reserve(b, n)) {
    return -1;
  }
  if (n > 0) {
    memcpy(b->p + b->len, data, n);
  }
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static inline int growbuf_str(struct growbuf *b, const char *s) {
  return growbuf_add(b, s, strlen(s));
}

static inline int growbuf_char(struct growbuf *b, char c) {
  return growbuf_add(b, &c, 1);
}

/* printf into the buffer; one call writes at most 255 bytes (the rest is cut off). */
static inline int growbuf_fmt(struct growbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int growbuf_fmt(struct growbuf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (k <= 0) {
    return k < 0 ? -1 : 0;
  }
  return growbuf_add(b, tmp, (size_t)k < sizeof(tmp) ? (size_t)k : sizeof(tmp) - 1);
}

/* Takes the text (the caller's to free; "" when nothing was written) and its length into
 * *len (may be NULL), leaving the buffer empty. NULL, with the buffer freed, when it failed. */
static inline char *growbuf_take(struct growbuf *b, size_t *len) {
  char *p = 0 == growbuf_reserve(b, 0) ? b->p : NULL;
  if (NULL == p) {
    free(b->p);
  }
  if (NULL != len) {
    *len = NULL != p ? b->len : 0;
  }
  b->p = NULL;
  b->len = b->cap = 0;
  return p;
}

#endif
