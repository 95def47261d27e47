/*
 * Fuzzes json_text_valid, the strict check that a stored answer is one JSON value before the
 * exam form splices it into an answer as it is, against jansson's parser. The check may only
 * accept what jansson accepts, except what RFC 8259's grammar allows and jansson refuses for
 * its own representation (numbers beyond int64/double, \u escapes of lone surrogates), which
 * any JSON parser reads; and it must accept everything jansson accepts, except nesting deeper
 * than its 64 levels. The writer (jt_str) is held to the same: its output must parse back.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/jsontext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t brackets(const char *s) {
  size_t n = 0;
  for (; '\0' != *s; s++)
    n += '[' == *s || '{' == *s;
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (NULL == s)
    return 0;
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
    if (!json_text_valid(t.s))
      abort();
    json_t *back = json_loads(t.s, JSON_DECODE_ANY, &err);
    if (NULL == back || !json_is_string(back) || 0 != strcmp(json_string_value(back), s))
      abort();
    json_decref(back);
  }
  free(t.s);
  free(s);
  return 0;
}
