/*
 * Fuzzes json_text_valid, the strict check that a stored answer is one JSON value before the
 * exam form splices it into an answer as it is, against jansson's parser. The check may only
 * accept what jansson accepts, except what RFC 8259's grammar allows and jansson refuses for
 * its own representation (numbers beyond int64/double, \u escapes of lone surrogates), which
 * any JSON parser reads; and it must accept everything jansson accepts, except nesting deeper
 * than its 64 levels. The writer (jt_str) is held to the same: its output must parse back.
 * The keyed writer is driven by the same bytes read as a program (open, close, put a
 * string, an integer, a boolean, null or a raw value, with keys taken from the input) and
 * must write byte for byte what jansson dumps for the document built alongside.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/jsontext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether a key is UTF-8 (json_object_set refuses one that is not). */
static bool utf8_key_ok(const char *key) {
  json_t *probe = json_string(key);
  json_decref(probe);
  return NULL != probe;
}

static size_t brackets(const char *s) {
  size_t n = 0;
  for (; '\0' != *s; s++) {
    n += '[' == *s || '{' == *s;
  }
  return n;
}

/* The input read as a program, one instruction after another. */
struct program {
  const uint8_t *p, *end;
};

static unsigned next_byte(struct program *pr) {
  return pr->p < pr->end ? *pr->p++ : 0u;
}

/* Up to 15 input bytes as a C string (it ends at a NUL byte, as stored texts do). */
static void next_text(struct program *pr, char out[16]) {
  size_t n = next_byte(pr) % 16u, i = 0;
  for (; i < n && pr->p < pr->end; i++) {
    out[i] = (char)*pr->p++;
  }
  out[i] = '\0';
}

/* Adds v to the container on top (key in an object, unique so that jansson keeps each), or
 * makes it the root. Takes v. */
static void add(json_t **root, json_t *top, const char *key, json_t *v) {
  if (NULL == top) {
    *root = v;
  } else if (json_is_object(top)) {
    json_object_set_new(top, key, v);
  } else {
    json_array_append_new(top, v);
  }
}

static void keyed_writer(const uint8_t *data, size_t size) {
  struct program pr = {data, data + size};
  struct jtext t = {0};
  json_t *root = NULL;
  json_t *stack[JT_MAX_DEPTH];
  unsigned depth = 0, nkeys = 0;
  bool bad_text = false, unchecked = false;
  struct jtext qk = {0};
  static const char raw[] = "[1,{\"a\":null,\"b\":\"\xc3\xa9\"},true]";
  do {
    json_t *top = 0 == depth ? NULL : stack[depth - 1];
    char key[40], text[16];
    const char *k = NULL;
    unsigned op = next_byte(&pr) % 8u;
    if (2 == op) {
      if (0 == depth) {
        continue;
      }
      if (json_is_object(top)) {
        jt_obj_close(&t);
      } else {
        jt_arr_close(&t);
      }
      depth--;
      continue;
    }
    if (NULL != top && json_is_object(top)) {
      next_text(&pr, text);
      snprintf(key, sizeof key, "%s#%u", text, nkeys++);
      if (!utf8_key_ok(key)) {
        unchecked = true; /* jansson cannot hold such a key: the document ends unchecked */
        break;
      }
      qk.len = 0; /* the key as written: jt_str of it, then ':' */
      jt_str(&qk, key);
      JT_LIT(&qk, ":");
      if (qk.failed) {
        abort(); /* a UTF-8 key must be writable */
      }
      k = key;
    }
    json_t *v = NULL;
    switch (op) {
    case 0:
    case 1:
      if (depth == JT_MAX_DEPTH) {
        continue;
      }
      v = 0 == op ? json_object() : json_array();
      if (0 == op) {
        NULL == k ? jt_obj_open(&t) : jt_openp_q(&t, qk.s, qk.len, true);
      } else {
        NULL == k ? jt_arr_open(&t) : jt_openp_q(&t, qk.s, qk.len, false);
      }
      add(&root, top, k, json_incref(v));
      stack[depth++] = v;
      json_decref(v);
      continue;
    case 3:
      next_text(&pr, text);
      NULL == k ? jt_putstring(&t, text) : jt_putstringp_q(&t, qk.s, qk.len, text);
      v = json_string(text);
      if (NULL == v) {
        bad_text = true; /* not UTF-8: jansson refuses it, the writer must fail */
      }
      break;
    case 4: {
      int64_t n = 0;
      for (int i = 0; i < 8; i++) {
        n = (int64_t)((uint64_t)n << 8 | next_byte(&pr));
      }
      NULL == k ? jt_putint(&t, n) : jt_putintp_q(&t, qk.s, qk.len, n);
      v = json_integer((json_int_t)n);
      break;
    }
    case 5:
      NULL == k ? jt_putbool(&t, pr.p < pr.end) : jt_putboolp_q(&t, qk.s, qk.len, pr.p < pr.end);
      v = json_boolean(pr.p < pr.end);
      break;
    case 6:
      NULL == k ? jt_putnull(&t) : jt_putnullp_q(&t, qk.s, qk.len);
      v = json_null();
      break;
    default:
      NULL == k ? jt_putraw(&t, raw, sizeof raw - 1)
                : jt_putrawp_q(&t, qk.s, qk.len, raw, sizeof raw - 1);
      v = json_loads(raw, 0, NULL);
      break;
    }
    if (bad_text) {
      json_decref(v);
      break;
    }
    add(&root, top, k, v);
  } while (depth > 0 && pr.p < pr.end);
  while (!bad_text && !unchecked && depth > 0) {
    depth--; /* json_is_object evaluates its argument twice */
    if (json_is_object(stack[depth])) {
      jt_obj_close(&t);
    } else {
      jt_arr_close(&t);
    }
  }
  if (bad_text) {
    if (!t.failed) {
      abort(); /* wrote a text jansson refuses */
    }
  } else if (!unchecked && NULL != root) {
    char *want = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (NULL == want || !jt_done(&t) || 0 != strcmp(want, t.s) || t.len != strlen(want)) {
      abort(); /* not the document jansson writes */
    }
    free(want);
  }
  json_decref(root);
  free(qk.s);
  free(t.s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  keyed_writer(data, size);
  char *s = malloc(size + 1);
  if (NULL == s) {
    return 0;
  }
  memcpy(s, data, size);
  s[size] = '\0'; /* stored texts are C strings: the text ends at the first NUL */
  bool mine = json_text_valid(s);
  json_error_t err;
  json_t *j = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
  if (mine && NULL == j && NULL == strstr(err.text, "overflow") &&
      NULL == strstr(err.text, "too big") && NULL == strstr(err.text, "nicode")) {
    abort(); /* accepted what is not JSON */
  }
  if (!mine && NULL != j && brackets(s) <= 64) {
    abort(); /* refused a JSON value a client could have stored */
  }
  json_decref(j);

  /* The same bytes as a string value: written, it must be one JSON string with them. */
  struct jtext t = {0};
  jt_str(&t, s);
  if (!t.failed) {
    if (!json_text_valid(t.s)) {
      abort();
    }
    json_t *back = json_loads(t.s, JSON_DECODE_ANY, &err);
    if (NULL == back || !json_is_string(back) || 0 != strcmp(json_string_value(back), s)) {
      abort();
    }
    json_decref(back);
  }
  free(t.s);
  free(s);
  return 0;
}
