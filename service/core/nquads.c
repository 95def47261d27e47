/*
 * N-Quads: the quad model, a strict parser for untrusted input and the canonical
 * serialization that RDFC-1.0 hashes and outputs (RDF 1.1 N-Quads grammar; escapes as the
 * canonical N-Triples/N-Quads form: ECHAR for \b \t \n \f \r \" \\, UCHAR with upper-case
 * hex for the other C0 controls and U+007F, every other character as itself).
 */
#include "ujikom/rdfc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdf_buf.h"
#include "ujikom/b64.h"
#include "ujikom/utf8.h"

/* ---- UTF-8 and character classes ---- */

static size_t utf8_encode(char *out, uint32_t cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static bool pn_chars_base(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0xD6) ||
         (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
         (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
         (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) ||
         (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
         (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

static bool pn_chars_u(uint32_t c) {
  return pn_chars_base(c) || '_' == c || ':' == c;
}

static bool pn_chars(uint32_t c) {
  return pn_chars_u(c) || '-' == c || (c >= '0' && c <= '9') || 0xB7 == c ||
         (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

/* The ASCII characters above U+0020 that an IRIREF cannot hold as themselves. */
static const bool iri_forbidden_punct[128] = {
    ['<'] = true, ['>'] = true, ['"'] = true, ['{'] = true,  ['}'] = true,
    ['|'] = true, ['^'] = true, ['`'] = true, ['\\'] = true,
};

/* Characters an IRIREF cannot hold as themselves. */
static inline bool iri_forbidden(uint32_t c) {
  return c <= 0x20 || (c < 0x80 && iri_forbidden_punct[c]);
}

static bool is_alpha(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(int c) {
  return c >= '0' && c <= '9';
}

/* ---- term checks (shared by the parser and rdf_dataset_add) ---- */

/* An absolute IRI as N-Quads can write it: a scheme, then no forbidden character. One pass
 * over the bytes; the UTF-8 check runs only when one is not ASCII (most IRIs are). */
static const char *iri_problem(const char *s, size_t n) {
  bool ascii = true, forbidden = false;
  for (size_t k = 0; k < n; k++) {
    unsigned char c = (unsigned char)s[k];
    ascii = ascii && c < 0x80;
    forbidden = forbidden || iri_forbidden(c);
  }
  if (!ascii && !utf8_well_formed(s, n)) {
    return "IRI is not valid UTF-8";
  }
  if (0 == n || !is_alpha((unsigned char)s[0])) {
    return "IRI is not absolute (no scheme)";
  }
  size_t i = 1;
  while (i < n && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) || '+' == s[i] ||
                   '-' == s[i] || '.' == s[i])) {
    i++;
  }
  if (i >= n || ':' != s[i]) {
    return "IRI is not absolute (no scheme)";
  }
  return forbidden ? "IRI holds a character N-Quads forbids in IRIs" : NULL;
}

static const char *blank_problem(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  if (0 == n) {
    return "empty blank node label";
  }
  size_t i = 0;
  uint32_t c = 0;
  while (i < n) {
    size_t k = utf8_decode((const char *)u + i, n - i, &c);
    if (0 == k) {
      return "blank node label is not valid UTF-8";
    }
    bool ok = 0 == i ? (pn_chars_u(c) || is_digit((int)c)) : (pn_chars(c) || '.' == c);
    if (!ok) {
      return "character not allowed in a blank node label";
    }
    i += k;
  }
  if ('.' == c) {
    return "blank node label ends with '.'";
  }
  return NULL;
}

static const char *language_problem(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && is_alpha((unsigned char)s[i])) {
    i++;
  }
  if (0 == i) {
    return "language tag must start with a letter";
  }
  while (i < n) {
    if ('-' != s[i]) {
      return "character not allowed in a language tag";
    }
    size_t start = ++i;
    while (i < n && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]))) {
      i++;
    }
    if (i == start) {
      return "empty language subtag";
    }
  }
  return NULL;
}

enum position { POS_SUBJECT, POS_PREDICATE, POS_OBJECT, POS_GRAPH };

static const char *term_problem(const struct rdf_term *t, enum position pos) {
  switch (t->kind) {
  case RDF_TERM_DEFAULT_GRAPH:
    return POS_GRAPH == pos ? NULL : "default graph outside the graph position";
  case RDF_TERM_IRI:
    if (NULL == t->value) {
      return "missing value";
    }
    return iri_problem(t->value, t->len);
  case RDF_TERM_BLANK:
    if (POS_PREDICATE == pos) {
      return "blank node as predicate";
    }
    if (NULL == t->value) {
      return "missing value";
    }
    return blank_problem(t->value, t->len);
  case RDF_TERM_LITERAL:
    if (POS_OBJECT != pos) {
      return "literal outside the object position";
    }
    if (NULL == t->value || !utf8_well_formed(t->value, t->len)) {
      return "literal is not valid UTF-8";
    }
    if (NULL != t->datatype && NULL != t->language) {
      return "literal with both datatype and language";
    }
    if (NULL != t->datatype) {
      return iri_problem(t->datatype, strlen(t->datatype));
    }
    if (NULL != t->language) {
      return language_problem(t->language, strlen(t->language));
    }
    return NULL;
  }
  return "unknown term kind";
}

/* ---- the dataset ---- */

static void term_clear(struct rdf_term *t) {
  free(t->value);
  free(t->datatype);
  free(t->language);
  memset(t, 0, sizeof *t);
}

static void quad_clear(struct rdf_quad *q) {
  term_clear(&q->subject);
  term_clear(&q->predicate);
  term_clear(&q->object);
  term_clear(&q->graph);
}

struct rdf_dataset *rdf_dataset_new(void) {
  return calloc(1, sizeof(struct rdf_dataset));
}

void rdf_dataset_free(struct rdf_dataset *d) {
  if (NULL == d) {
    return;
  }
  for (size_t i = 0; i < d->nquads; i++) {
    quad_clear(&d->quads[i]);
  }
  free(d->quads);
  free(d);
}

/* Takes q's strings over (q is zeroed) on success. */
static int dataset_push(struct rdf_dataset *d, struct rdf_quad *q) {
  if (d->nquads >= RDF_NQUADS_MAX_QUADS) {
    return -1;
  }
  if (d->nquads == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 16;
    struct rdf_quad *p = realloc(d->quads, cap * sizeof *p);
    if (NULL == p) {
      return -1;
    }
    d->quads = p;
    d->cap = cap;
  }
  d->quads[d->nquads++] = *q;
  memset(q, 0, sizeof *q);
  return 0;
}

static char *dup_bytes(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (NULL == p) {
    return NULL;
  }
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static int term_copy(struct rdf_term *dst, const struct rdf_term *src) {
  memset(dst, 0, sizeof *dst);
  dst->kind = src->kind;
  if (RDF_TERM_DEFAULT_GRAPH == src->kind) {
    return 0;
  }
  dst->len = src->len;
  dst->value = dup_bytes(src->value, src->len);
  if (NULL == dst->value) {
    return -1;
  }
  /* xsd:string is the default datatype: stored as none, as the parser does. */
  if (NULL != src->datatype && 0 != strcmp(src->datatype, RDF_XSD_STRING)) {
    dst->datatype = dup_bytes(src->datatype, strlen(src->datatype));
    if (NULL == dst->datatype) {
      return -1;
    }
  }
  if (NULL != src->language) {
    dst->language = dup_bytes(src->language, strlen(src->language));
    if (NULL == dst->language) {
      return -1;
    }
  }
  return 0;
}

int rdf_dataset_add(struct rdf_dataset *d, const struct rdf_quad *q) {
  if (NULL == d || NULL == q || NULL != term_problem(&q->subject, POS_SUBJECT) ||
      NULL != term_problem(&q->predicate, POS_PREDICATE) ||
      NULL != term_problem(&q->object, POS_OBJECT) || NULL != term_problem(&q->graph, POS_GRAPH)) {
    return -1;
  }
  if (RDF_TERM_IRI != q->predicate.kind) {
    return -1;
  }
  struct rdf_quad c;
  memset(&c, 0, sizeof c);
  if (0 != term_copy(&c.subject, &q->subject) || 0 != term_copy(&c.predicate, &q->predicate) ||
      0 != term_copy(&c.object, &q->object) || 0 != term_copy(&c.graph, &q->graph) ||
      0 != dataset_push(d, &c)) {
    quad_clear(&c);
    return -1;
  }
  return 0;
}

/* ---- canonical serialization ---- */

static int buf_escaped_literal(struct growbuf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  size_t run = 0; /* where the characters written as themselves start */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    switch (c) {
    case '\b':
      esc = "\\b";
      break;
    case '\t':
      esc = "\\t";
      break;
    case '\n':
      esc = "\\n";
      break;
    case '\f':
      esc = "\\f";
      break;
    case '\r':
      esc = "\\r";
      break;
    case '"':
      esc = "\\\"";
      break;
    case '\\':
      esc = "\\\\";
      break;
    default:
      if (c >= 0x20 && 0x7F != c) {
        continue;
      }
      break;
    }
    growbuf_add(b, s + run, i - run);
    run = i + 1;
    if (NULL != esc) {
      growbuf_str(b, esc);
    } else {
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
      growbuf_add(b, u, sizeof u);
    }
  }
  return growbuf_add(b, s + run, n - run);
}

int rdf_buf_term(struct growbuf *b, const struct rdf_term *t) {
  switch (t->kind) {
  case RDF_TERM_DEFAULT_GRAPH:
    return 0;
  case RDF_TERM_IRI:
    growbuf_char(b, '<');
    growbuf_add(b, t->value, t->len);
    return growbuf_char(b, '>');
  case RDF_TERM_BLANK:
    growbuf_str(b, "_:");
    return growbuf_add(b, t->value, t->len);
  case RDF_TERM_LITERAL:
    growbuf_char(b, '"');
    buf_escaped_literal(b, t->value, t->len);
    growbuf_char(b, '"');
    if (NULL != t->language) {
      growbuf_char(b, '@');
      return growbuf_str(b, t->language);
    }
    if (NULL != t->datatype && 0 != strcmp(t->datatype, RDF_XSD_STRING)) {
      growbuf_str(b, "^^<");
      growbuf_str(b, t->datatype);
      return growbuf_char(b, '>');
    }
    return b->failed ? -1 : 0;
  }
  return -1;
}

char *rdf_term_to_nquads(const struct rdf_term *t) {
  struct growbuf b = {.max = RDF_BUF_MAX};
  if (0 != rdf_buf_term(&b, t) || 0 != growbuf_reserve(&b, 0)) {
    free(b.p);
    return NULL;
  }
  return b.p;
}

int rdf_nquads_serialize(char **out, size_t *outlen, const struct rdf_dataset *d) {
  *out = NULL;
  *outlen = 0;
  struct growbuf b = {.max = RDF_BUF_MAX};
  growbuf_reserve(&b, 0);
  for (size_t i = 0; i < d->nquads; i++) {
    const struct rdf_quad *q = &d->quads[i];
    rdf_buf_term(&b, &q->subject);
    growbuf_char(&b, ' ');
    rdf_buf_term(&b, &q->predicate);
    growbuf_char(&b, ' ');
    rdf_buf_term(&b, &q->object);
    if (RDF_TERM_DEFAULT_GRAPH != q->graph.kind) {
      growbuf_char(&b, ' ');
      rdf_buf_term(&b, &q->graph);
    }
    growbuf_str(&b, " .\n");
  }
  if (b.failed) {
    free(b.p);
    return -1;
  }
  *out = b.p;
  *outlen = b.len;
  return 0;
}

/* ---- the parser ---- */

struct parser {
  const char *s;
  size_t n, i;
  size_t line, line_start;
  char *err;
  size_t errlen;
};

static int fail_at(struct parser *p, size_t at, const char *msg) {
  if (NULL != p->err && p->errlen > 0) {
    /* Columns count characters (UTF-8 sequences), from 1. */
    size_t col = 1;
    for (size_t k = p->line_start; k < at && k < p->n; k++) {
      if (0x80 != ((unsigned char)p->s[k] & 0xC0)) {
        col++;
      }
    }
    snprintf(p->err, p->errlen, "%zu:%zu: %s", p->line, col, msg);
  }
  return -1;
}

static int peek(const struct parser *p) {
  return p->i < p->n ? (unsigned char)p->s[p->i] : -1;
}

static void skip_ws(struct parser *p) {
  while (p->i < p->n && (' ' == p->s[p->i] || '\t' == p->s[p->i])) {
    p->i++;
  }
}

/* After a backslash and 'u' or 'U' at p->i: reads the hex digits into *cp. */
static int read_uchar(struct parser *p, uint32_t *cp) {
  size_t start = p->i - 1;
  size_t digits = 'u' == p->s[p->i] ? 4 : 8;
  p->i++;
  if (p->n - p->i < digits) {
    return fail_at(p, start, "truncated \\u escape");
  }
  uint32_t v = 0;
  for (size_t k = 0; k < digits; k++) {
    int h = b16_value((unsigned char)p->s[p->i + k]);
    if (h < 0) {
      return fail_at(p, start, "bad hex digit in \\u escape");
    }
    v = (v << 4) | (uint32_t)h;
  }
  if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    return fail_at(p, start, "escape is not a Unicode scalar value");
  }
  p->i += digits;
  *cp = v;
  return 0;
}

/* Reads characters (one UTF-8 sequence, validated) into b. */
static int copy_char(struct parser *p, struct growbuf *b, uint32_t *cp) {
  size_t k = utf8_decode(p->s + p->i, p->n - p->i, cp);
  if (0 == k) {
    return fail_at(p, p->i, "invalid UTF-8");
  }
  if (0 != growbuf_add(b, p->s + p->i, k)) {
    return fail_at(p, p->i, "out of memory");
  }
  p->i += k;
  return 0;
}

/* The closing character of a quoted term was read (see quoted_char). */
#define QUOTED_END 256

/* The next character inside a quoted term that opened at start and ends at close: the
 * character (not consumed), QUOTED_END once close is read, or -1 (reported as unterminated)
 * at the end of the line. */
static int quoted_char(struct parser *p, size_t start, int close, const char *unterminated) {
  int c = peek(p);
  if (c < 0 || '\n' == c || '\r' == c) {
    return fail_at(p, start, unterminated);
  }
  if (close == c) {
    p->i++;
    return QUOTED_END;
  }
  return c;
}

/* The characters of an IRI (after its '<', through its '>') into b. */
static int iri_chars(struct parser *p, size_t start, struct growbuf *b) {
  int c;
  while (QUOTED_END != (c = quoted_char(p, start, '>', "unterminated IRI"))) {
    uint32_t cp = 0;
    if (c < 0) {
      return -1;
    }
    if ('\\' == c) {
      p->i++;
      int e = peek(p);
      if ('u' != e && 'U' != e) {
        return fail_at(p, p->i - 1, "only \\u and \\U escapes are allowed in IRIs");
      }
      if (0 != read_uchar(p, &cp)) {
        return -1;
      }
      if (iri_forbidden(cp)) {
        return fail_at(p, start, "escape stands for a character IRIs cannot hold");
      }
      char u[4];
      if (0 != growbuf_add(b, u, utf8_encode(u, cp))) {
        return fail_at(p, start, "out of memory");
      }
    } else if (c < 0x80 && iri_forbidden((uint32_t)c)) {
      return fail_at(p, p->i, "character not allowed in an IRI");
    } else if (0 != copy_char(p, b, &cp)) {
      return -1;
    }
  }
  const char *why = NULL == b->p ? "IRI is not absolute (no scheme)" : iri_problem(b->p, b->len);
  return NULL != why ? fail_at(p, start, why) : 0;
}

static int parse_iri(struct parser *p, char **out, size_t *outlen) {
  size_t start = p->i;
  struct growbuf b = {.max = RDF_BUF_MAX};
  p->i++; /* '<' */
  if (0 != iri_chars(p, start, &b)) {
    free(b.p);
    return -1;
  }
  *out = b.p;
  *outlen = b.len;
  return 0;
}

static int parse_blank(struct parser *p, struct rdf_term *t) {
  size_t start = p->i;
  p->i += 2; /* "_:" */
  size_t label = p->i, end = p->i;
  bool first = true;
  while (p->i < p->n) {
    uint32_t c;
    size_t k = utf8_decode(p->s + p->i, p->n - p->i, &c);
    if (0 == k) {
      return fail_at(p, p->i, "invalid UTF-8");
    }
    bool ok = first ? (pn_chars_u(c) || is_digit((int)c)) : (pn_chars(c) || '.' == c);
    if (!ok) {
      break;
    }
    first = false;
    p->i += k;
    if ('.' != c) {
      end = p->i;
    }
  }
  if (first) {
    return fail_at(p, start, "empty blank node label");
  }
  p->i = end; /* trailing dots belong to the statement */
  t->kind = RDF_TERM_BLANK;
  t->value = dup_bytes(p->s + label, end - label);
  t->len = end - label;
  return NULL == t->value ? fail_at(p, start, "out of memory") : 0;
}

/* What the one-character escapes of a string stand for (ECHAR); 0: none. */
static const char string_escapes[128] = {['t'] = '\t', ['b'] = '\b', ['n'] = '\n',  ['r'] = '\r',
                                         ['f'] = '\f', ['"'] = '"',  ['\''] = '\'', ['\\'] = '\\'};

/* The characters of a string (after its opening '"', through its closing one) into b. */
static int string_chars(struct parser *p, size_t start, struct growbuf *b) {
  int c;
  while (QUOTED_END != (c = quoted_char(p, start, '"', "unterminated string"))) {
    uint32_t cp;
    if (c < 0) {
      return -1;
    }
    if ('\\' != c) {
      if (0 != copy_char(p, b, &cp)) {
        return -1;
      }
      continue;
    }
    p->i++;
    int e = peek(p);
    if (e >= 0 && e < 128 && 0 != string_escapes[e]) {
      p->i++;
      growbuf_char(b, string_escapes[e]);
      continue;
    }
    if ('u' != e && 'U' != e) {
      return fail_at(p, p->i - 1, "unknown escape in string");
    }
    if (0 != read_uchar(p, &cp)) {
      return -1;
    }
    char u[4];
    growbuf_add(b, u, utf8_encode(u, cp));
  }
  return b->failed ? fail_at(p, start, "out of memory") : 0;
}

static int parse_literal(struct parser *p, struct rdf_term *t) {
  size_t start = p->i;
  struct growbuf b = {.max = RDF_BUF_MAX};
  growbuf_reserve(&b, 0);
  p->i++; /* '"' */
  if (0 != string_chars(p, start, &b)) {
    free(b.p);
    return -1;
  }
  t->kind = RDF_TERM_LITERAL;
  t->value = b.p;
  t->len = b.len;
  if ('@' == peek(p)) {
    size_t ls = ++p->i;
    while (p->i < p->n && (is_alpha((unsigned char)p->s[p->i]) ||
                           is_digit((unsigned char)p->s[p->i]) || '-' == p->s[p->i])) {
      p->i++;
    }
    const char *why = language_problem(p->s + ls, p->i - ls);
    if (NULL != why) {
      return fail_at(p, ls, why);
    }
    t->language = dup_bytes(p->s + ls, p->i - ls);
    return NULL == t->language ? fail_at(p, ls, "out of memory") : 0;
  }
  if ('^' == peek(p)) {
    if (p->i + 2 >= p->n || '^' != p->s[p->i + 1] || '<' != p->s[p->i + 2]) {
      return fail_at(p, p->i, "expected ^^<datatype IRI>");
    }
    p->i += 2;
    size_t len;
    if (0 != parse_iri(p, &t->datatype, &len)) {
      return -1;
    }
    if (NULL == t->datatype || 0 == strcmp(t->datatype, RDF_XSD_STRING)) {
      free(t->datatype);
      t->datatype = NULL;
    }
  }
  return 0;
}

static int parse_term(struct parser *p, struct rdf_term *t, enum position pos) {
  int c = peek(p);
  if ('<' == c) {
    t->kind = RDF_TERM_IRI;
    return parse_iri(p, &t->value, &t->len);
  }
  if ('_' == c && POS_PREDICATE != pos) {
    if (p->i + 1 >= p->n || ':' != p->s[p->i + 1]) {
      return fail_at(p, p->i, "expected '_:' of a blank node");
    }
    return parse_blank(p, t);
  }
  if ('"' == c && POS_OBJECT == pos) {
    return parse_literal(p, t);
  }
  static const char *const expected[] = {
      [POS_SUBJECT] = "expected subject (IRI or blank node)",
      [POS_PREDICATE] = "expected predicate (IRI)",
      [POS_OBJECT] = "expected object (IRI, blank node or literal)",
      [POS_GRAPH] = "expected graph name or '.'",
  };
  return fail_at(p, p->i, expected[pos]);
}

/* One line: blank, a comment, or a statement with an optional comment. */
static int parse_line(struct parser *p, struct rdf_dataset *d) {
  skip_ws(p);
  int c = peek(p);
  if (c < 0 || '\n' == c || '\r' == c) {
    return 0;
  }
  if ('#' != c) {
    struct rdf_quad q;
    memset(&q, 0, sizeof q);
    size_t start = p->i;
    if (0 != parse_term(p, &q.subject, POS_SUBJECT)) {
      goto fail;
    }
    skip_ws(p);
    if (0 != parse_term(p, &q.predicate, POS_PREDICATE)) {
      goto fail;
    }
    skip_ws(p);
    if (0 != parse_term(p, &q.object, POS_OBJECT)) {
      goto fail;
    }
    skip_ws(p);
    if ('.' != peek(p) && 0 != parse_term(p, &q.graph, POS_GRAPH)) {
      goto fail;
    }
    skip_ws(p);
    if ('.' != peek(p)) {
      fail_at(p, p->i, "expected '.' at the end of the statement");
      goto fail;
    }
    p->i++;
    if (d->nquads >= RDF_NQUADS_MAX_QUADS) {
      fail_at(p, start, "too many statements");
      goto fail;
    }
    if (0 != dataset_push(d, &q)) {
      fail_at(p, start, "out of memory");
      goto fail;
    }
    skip_ws(p);
    c = peek(p);
    if (c >= 0 && '\n' != c && '\r' != c && '#' != c) {
      return fail_at(p, p->i, "expected end of line after '.'");
    }
    if ('#' != c) {
      return 0;
    }
    goto comment;
  fail:
    quad_clear(&q);
    return -1;
  }
comment:
  /* A comment runs to the end of the line; it must still be valid UTF-8. */
  while (p->i < p->n && '\n' != p->s[p->i] && '\r' != p->s[p->i]) {
    uint32_t cp;
    size_t k = utf8_decode(p->s + p->i, p->n - p->i, &cp);
    if (0 == k) {
      return fail_at(p, p->i, "invalid UTF-8");
    }
    p->i += k;
  }
  return 0;
}

int rdf_nquads_parse(struct rdf_dataset **out, const char *text, size_t len, char *err,
                     size_t errlen) {
  *out = NULL;
  struct parser p = {.s = text, .n = len, .line = 1, .errlen = errlen};
  p.err = err;
  if (len > RDF_NQUADS_MAX_BYTES) {
    return fail_at(&p, 0, "input too large");
  }
  struct rdf_dataset *d = rdf_dataset_new();
  if (NULL == d) {
    return fail_at(&p, 0, "out of memory");
  }
  while (p.i < p.n) {
    if (0 != parse_line(&p, d)) {
      rdf_dataset_free(d);
      return -1;
    }
    /* EOL ::= [#xD#xA]+ ; each LF (or a CR not followed by LF) starts a new line. */
    while (p.i < p.n && ('\n' == p.s[p.i] || '\r' == p.s[p.i])) {
      if ('\n' == p.s[p.i] || p.i + 1 >= p.n || '\n' != p.s[p.i + 1]) {
        p.line++;
        p.line_start = p.i + 1;
      }
      p.i++;
    }
  }
  *out = d;
  return 0;
}
