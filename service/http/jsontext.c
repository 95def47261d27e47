/*
 * JSON as text (see jsontext.h). The validator is a recursive descent over RFC 8259's
 * grammar; tests/fuzz/fuzz_json_text.c holds it against jansson.
 */
#include "http/jsontext.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/growbuf.h"
#include "ujikom/json_compact.h"
#include "ujikom/utf8.h"

bool jt_reserve(struct jtext *b, size_t n) {
  if (b->failed) {
    return false;
  }
  if (n >= SIZE_MAX - b->len) {
    b->failed = true;
    return false;
  }
  return growbuf_fit(&b->s, &b->cap, b->len + n + 1, 4096, &b->failed);
}

void jt_raw(struct jtext *b, const char *p, size_t n) {
  if (!jt_reserve(b, n)) {
    return;
  }
  memcpy(b->s + b->len, p, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void jt_str(struct jtext *b, const char *s) {
  size_t n = strlen(s);
  if (n > JSON_QUOTE_MAX_IN || !jt_reserve(b, JSON_QUOTED_MAX(n))) {
    b->failed = true;
    return;
  }
  size_t k = json_quote(b->s + b->len, s, n);
  if ((size_t)-1 == k) {
    b->s[b->len] = '\0';
    b->failed = true;
    return;
  }
  b->len += k;
  b->s[b->len] = '\0';
}

void jt_int(struct jtext *b, int64_t v) {
  char buf[JSON_INT_TEXT_SIZE];
  const char *p = json_int_text(buf, v);
  jt_raw(b, p, (size_t)(buf + sizeof buf - p));
}

/* ---- the keyed writer */

static bool in_object(const struct jtext *b) {
  return b->depth > 0 && 0 != ((b->is_object >> (b->depth - 1)) & 1u);
}

/* Places the next value: a comma when its container has one already, and the written key
 * (qkey, qlen bytes; NULL for none) inside an object. False (and the text failed) on
 * misuse: a key where none belongs or none where one does, or a second top-level value. */
static bool place(struct jtext *b, const char *qkey, size_t qlen) {
  if (b->failed) {
    return false;
  }
  uint64_t bit = (uint64_t)1 << b->depth;
  if ((NULL != qkey) != in_object(b) || (0 == b->depth && 0 != (b->has_value & 1u))) {
    b->failed = true;
    return false;
  }
  bool comma = 0 != (b->has_value & bit);
  b->has_value |= bit;
  if (!comma && NULL == qkey) {
    return true;
  }
  if (!jt_reserve(b, qlen + 1)) {
    return false;
  }
  char *p = b->s + b->len;
  if (comma) {
    *p++ = ',';
  }
  if (NULL != qkey) {
    memcpy(p, qkey, qlen);
    p += qlen;
  }
  *p = '\0';
  b->len = (size_t)(p - b->s);
  return true;
}

static void open_container(struct jtext *b, const char *qkey, size_t qlen, bool object) {
  if (!place(b, qkey, qlen)) {
    return;
  }
  if (b->depth >= JT_MAX_DEPTH) {
    b->failed = true;
    return;
  }
  uint64_t bit = (uint64_t)1 << b->depth;
  b->is_object = object ? b->is_object | bit : b->is_object & ~bit;
  b->depth++;
  b->has_value &= ~((uint64_t)1 << b->depth);
  jt_raw(b, object ? "{" : "[", 1);
}

static void close_container(struct jtext *b, bool object) {
  if (b->failed) {
    return;
  }
  if (0 == b->depth || in_object(b) != object) {
    b->failed = true;
    return;
  }
  b->depth--;
  jt_raw(b, object ? "}" : "]", 1);
}

/* A p form given no key is misuse, like a plain form inside an object. */
static bool key_given(struct jtext *b, const char *qkey) {
  if (NULL == qkey) {
    b->failed = true;
    return false;
  }
  return true;
}

void jt_open(struct jtext *b, bool is_object) {
  open_container(b, NULL, 0, is_object);
}

void jt_openp_q(struct jtext *b, const char *qkey, size_t qlen, bool is_object) {
  if (key_given(b, qkey)) {
    open_container(b, qkey, qlen, is_object);
  }
}

void jt_close(struct jtext *b, bool is_object) {
  close_container(b, is_object);
}

static void put_string(struct jtext *b, const char *qkey, size_t qlen, const char *s) {
  if (NULL == s) {
    b->failed = true;
    return;
  }
  if (place(b, qkey, qlen)) {
    jt_str(b, s);
  }
}

void jt_putstring(struct jtext *b, const char *s) {
  put_string(b, NULL, 0, s);
}

void jt_putstringp_q(struct jtext *b, const char *qkey, size_t qlen, const char *s) {
  if (key_given(b, qkey)) {
    put_string(b, qkey, qlen, s);
  }
}

void jt_putint(struct jtext *b, int64_t v) {
  if (place(b, NULL, 0)) {
    jt_int(b, v);
  }
}

void jt_putintp_q(struct jtext *b, const char *qkey, size_t qlen, int64_t v) {
  if (key_given(b, qkey) && place(b, qkey, qlen)) {
    jt_int(b, v);
  }
}

static void put_raw(struct jtext *b, const char *qkey, size_t qlen, const char *json, size_t n) {
  if (NULL == json) {
    b->failed = true;
    return;
  }
  if (place(b, qkey, qlen)) {
    jt_raw(b, json, n);
  }
}

void jt_putbool(struct jtext *b, bool v) {
  put_raw(b, NULL, 0, v ? "true" : "false", v ? 4 : 5);
}

void jt_putboolp_q(struct jtext *b, const char *qkey, size_t qlen, bool v) {
  if (key_given(b, qkey)) {
    put_raw(b, qkey, qlen, v ? "true" : "false", v ? 4 : 5);
  }
}

void jt_putnull(struct jtext *b) {
  put_raw(b, NULL, 0, "null", 4);
}

void jt_putnullp_q(struct jtext *b, const char *qkey, size_t qlen) {
  if (key_given(b, qkey)) {
    put_raw(b, qkey, qlen, "null", 4);
  }
}

void jt_putraw(struct jtext *b, const char *json, size_t n) {
  put_raw(b, NULL, 0, json, n);
}

void jt_putrawp_q(struct jtext *b, const char *qkey, size_t qlen, const char *json, size_t n) {
  if (key_given(b, qkey)) {
    put_raw(b, qkey, qlen, json, n);
  }
}

bool jt_done(const struct jtext *b) {
  return !b->failed && 0 == b->depth && 0 != (b->has_value & 1u);
}

/* ---- a strict check that stored text is one JSON value (RFC 8259), without a tree */

static const char *jv_value(const char *p, int depth);

static const char *jv_ws(const char *p) {
  while (' ' == *p || '\t' == *p || '\n' == *p || '\r' == *p) {
    p++;
  }
  return p;
}

static const char *jv_string(const char *p) {
  p++; /* the opening quote */
  for (;;) {
    unsigned char c = (unsigned char)*p;
    if ('"' == c) {
      return p + 1;
    }
    if (c < 0x20) {
      return NULL; /* control characters, and the end of the text */
    }
    if ('\\' == c) {
      p++;
      if ('u' == *p) {
        for (int i = 1; i <= 4; i++) {
          if (!isxdigit((unsigned char)p[i])) {
            return NULL;
          }
        }
        p += 5;
      } else if (NULL != strchr("\"\\/bfnrt", *p) && '\0' != *p) {
        p++;
      } else {
        return NULL;
      }
    } else if (c >= 0x80) {
      size_t k = utf8_seq_len(p, 4); /* stops at the NUL that ends the text */
      if (0 == k) {
        return NULL;
      }
      p += k;
    } else {
      p++;
    }
  }
}

static const char *jv_digits(const char *p) {
  if (!isdigit((unsigned char)*p)) {
    return NULL;
  }
  while (isdigit((unsigned char)*p)) {
    p++;
  }
  return p;
}

static const char *jv_number(const char *p) {
  if ('-' == *p) {
    p++;
  }
  if ('0' == *p) {
    p++;
  } else if (NULL == (p = jv_digits(p))) {
    return NULL;
  }
  if ('.' == *p && NULL == (p = jv_digits(p + 1))) {
    return NULL;
  }
  if ('e' == *p || 'E' == *p) {
    p++;
    if ('+' == *p || '-' == *p) {
      p++;
    }
    p = jv_digits(p);
  }
  return p;
}

/* An array or object whose opening bracket is at p, itself nested in depth containers. */
static const char *jv_members(const char *p, int depth, char close, bool keys) {
  if (depth >= 64) { /* 64 levels of nesting at most, as jansson counts them */
    return NULL;
  }
  p = jv_ws(p + 1);
  if (close == *p) {
    return p + 1;
  }
  for (;;) {
    if (keys) {
      if ('"' != *p || NULL == (p = jv_string(p))) {
        return NULL;
      }
      p = jv_ws(p);
      if (':' != *p) {
        return NULL;
      }
      p = jv_ws(p + 1);
    }
    if (NULL == (p = jv_value(p, depth + 1))) {
      return NULL;
    }
    p = jv_ws(p);
    if (close == *p) {
      return p + 1;
    }
    if (',' != *p) {
      return NULL;
    }
    p = jv_ws(p + 1);
  }
}

static const char *jv_value(const char *p, int depth) {
  switch (*p) {
  case '{':
    return jv_members(p, depth, '}', true);
  case '[':
    return jv_members(p, depth, ']', false);
  case '"':
    return jv_string(p);
  case 't':
    return 0 == strncmp(p, "true", 4) ? p + 4 : NULL;
  case 'f':
    return 0 == strncmp(p, "false", 5) ? p + 5 : NULL;
  case 'n':
    return 0 == strncmp(p, "null", 4) ? p + 4 : NULL;
  default:
    return '-' == *p || isdigit((unsigned char)*p) ? jv_number(p) : NULL;
  }
}

bool json_text_valid(const char *s) {
  const char *end = jv_value(jv_ws(s), 0);
  return NULL != end && '\0' == *jv_ws(end);
}
