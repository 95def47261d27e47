/*
 * JSON as text (see jsontext.h). The validator is a recursive descent over RFC 8259's
 * grammar; tests/fuzz/fuzz_json_text.c holds it against jansson.
 */
#include "http/jsontext.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/utf8.h"

bool jt_reserve(struct jtext *b, size_t n) {
  if (b->failed)
    return false;
  if (n + 1 > b->cap - b->len || 0 == b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < n + 1)
      cap *= 2;
    char *s = realloc(b->s, cap);
    if (NULL == s) {
      b->failed = true;
      return false;
    }
    b->s = s;
    b->cap = cap;
  }
  return true;
}

void jt_raw(struct jtext *b, const char *p, size_t n) {
  if (!jt_reserve(b, n))
    return;
  memcpy(b->s + b->len, p, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void jt_str(struct jtext *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  const char *run = s;
  bool checked = false; /* UTF-8 is checked from the first byte above ASCII, if any */
  JT_LIT(b, "\"");
  for (const char *p = s; '\0' != *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c >= 0x80 && !checked) {
      if (!utf8_well_formed(p, strlen(p))) {
        b->failed = true;
        return;
      }
      checked = true;
    }
    if (c >= 0x20 && '"' != c && '\\' != c)
      continue;
    jt_raw(b, run, (size_t)(p - run));
    run = p + 1;
    char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    switch (c) {
    case '"':
    case '\\':
      esc[1] = (char)c;
      jt_raw(b, esc, 2);
      break;
    case '\b':
    case '\f':
    case '\n':
    case '\r':
    case '\t':
      esc[1] = '\b' == c ? 'b' : '\f' == c ? 'f' : '\n' == c ? 'n' : '\r' == c ? 'r' : 't';
      jt_raw(b, esc, 2);
      break;
    default:
      jt_raw(b, esc, 6);
    }
  }
  jt_raw(b, run, strlen(run));
  JT_LIT(b, "\"");
}

void jt_int(struct jtext *b, int64_t v) {
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%" PRId64, v);
  jt_raw(b, buf, (size_t)n);
}

/* ---- the keyed writer */

static bool in_object(const struct jtext *b) {
  return b->depth > 0 && 0 != ((b->is_object >> (b->depth - 1)) & 1u);
}

/* Whether key needs no escape (keys are short ASCII names in practice). */
static bool plain_key(const char *key, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)key[i];
    if (c < 0x20 || c >= 0x80 || '"' == c || '\\' == c) {
      return false;
    }
  }
  return true;
}

/* Places the next value: a comma when its container has one already, and "key": inside an
 * object. False (and the text failed) on misuse: a key where none belongs or none where one
 * does, or a second value at the top level. */
static bool place(struct jtext *b, const char *key) {
  if (b->failed) {
    return false;
  }
  uint64_t bit = (uint64_t)1 << b->depth;
  if ((NULL != key) != in_object(b) || (0 == b->depth && 0 != (b->has_value & 1u))) {
    b->failed = true;
    return false;
  }
  bool comma = 0 != (b->has_value & bit);
  b->has_value |= bit;
  if (NULL == key) {
    if (comma) {
      JT_LIT(b, ",");
    }
    return !b->failed;
  }
  size_t klen = strlen(key);
  if (!plain_key(key, klen)) {
    if (comma) {
      JT_LIT(b, ",");
    }
    jt_str(b, key);
    JT_LIT(b, ":");
    return !b->failed;
  }
  if (!jt_reserve(b, klen + 4)) { /* ,"key": in one append */
    return false;
  }
  char *p = b->s + b->len;
  if (comma) {
    *p++ = ',';
  }
  *p++ = '"';
  memcpy(p, key, klen);
  p += klen;
  *p++ = '"';
  *p++ = ':';
  *p = '\0';
  b->len = (size_t)(p - b->s);
  return true;
}

static void open_container(struct jtext *b, const char *key, bool object) {
  if (!place(b, key)) {
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

void jt_obj_open(struct jtext *b) {
  open_container(b, NULL, true);
}

void jt_objp_open(struct jtext *b, const char *key) {
  if (NULL == key) {
    b->failed = true;
    return;
  }
  open_container(b, key, true);
}

void jt_obj_close(struct jtext *b) {
  close_container(b, true);
}

void jt_arr_open(struct jtext *b) {
  open_container(b, NULL, false);
}

void jt_arrp_open(struct jtext *b, const char *key) {
  if (NULL == key) {
    b->failed = true;
    return;
  }
  open_container(b, key, false);
}

void jt_arr_close(struct jtext *b) {
  close_container(b, false);
}

static void put_string(struct jtext *b, const char *key, const char *s) {
  if (NULL == s) {
    b->failed = true;
    return;
  }
  if (place(b, key)) {
    jt_str(b, s);
  }
}

void jt_putstring(struct jtext *b, const char *s) {
  put_string(b, NULL, s);
}

void jt_putstringp(struct jtext *b, const char *key, const char *s) {
  if (NULL == key) {
    b->failed = true;
    return;
  }
  put_string(b, key, s);
}

void jt_putint(struct jtext *b, int64_t v) {
  if (place(b, NULL)) {
    jt_int(b, v);
  }
}

void jt_putintp(struct jtext *b, const char *key, int64_t v) {
  if (NULL == key) {
    b->failed = true;
    return;
  }
  if (place(b, key)) {
    jt_int(b, v);
  }
}

static void put_raw(struct jtext *b, const char *key, const char *json, size_t n) {
  if (NULL == json) {
    b->failed = true;
    return;
  }
  if (place(b, key)) {
    jt_raw(b, json, n);
  }
}

void jt_putbool(struct jtext *b, bool v) {
  put_raw(b, NULL, v ? "true" : "false", v ? 4 : 5);
}

void jt_putboolp(struct jtext *b, const char *key, bool v) {
  if (NULL == key) {
    b->failed = true;
    return;
  }
  put_raw(b, key, v ? "true" : "false", v ? 4 : 5);
}

void jt_putnull(struct jtext *b) {
  put_raw(b, NULL, "null", 4);
}

void jt_putnullp(struct jtext *b, const char *key) {
  if (NULL == key) {
    b->failed = true;
    return;
  }
  put_raw(b, key, "null", 4);
}

void jt_putraw(struct jtext *b, const char *json, size_t n) {
  put_raw(b, NULL, json, n);
}

void jt_putrawp(struct jtext *b, const char *key, const char *json, size_t n) {
  if (NULL == key) {
    b->failed = true;
    return;
  }
  put_raw(b, key, json, n);
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
