/*
 * A growable byte buffer shared by the N-Quads and RDFC-1.0 code, with a hard cap so that
 * no input can make it grow without bound.
 */
#ifndef UJIKOM_RDF_BUF_H
#define UJIKOM_RDF_BUF_H

#include <stdlib.h>
#include <string.h>

/* Larger than any canonical form of an input the parser accepts (escapes at most double
 * RDF_NQUADS_MAX_BYTES, plus the relabelled blank nodes). */
#define RDF_BUF_MAX ((size_t)256 * 1024 * 1024)

struct rdf_buf {
  char *p;
  size_t len, cap;
  int failed;
};

static inline int rdf_buf_reserve(struct rdf_buf *b, size_t more) {
  if (b->failed) {
    return -1;
  }
  if (more > RDF_BUF_MAX - b->len - 1) {
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
    cap = cap > RDF_BUF_MAX / 2 ? RDF_BUF_MAX : cap * 2;
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

static inline int rdf_buf_add(struct rdf_buf *b, const void *data, size_t n) {
  if (0 != rdf_buf_reserve(b, n)) {
    return -1;
  }
  if (n > 0) {
    memcpy(b->p + b->len, data, n);
  }
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static inline int rdf_buf_str(struct rdf_buf *b, const char *s) {
  return rdf_buf_add(b, s, strlen(s));
}

static inline int rdf_buf_char(struct rdf_buf *b, char c) {
  return rdf_buf_add(b, &c, 1);
}

/* Appends a term in canonical N-Quads form; blank nodes are written as "_:" + label. */
struct rdf_term;
int rdf_buf_term(struct rdf_buf *b, const struct rdf_term *t);

#endif
