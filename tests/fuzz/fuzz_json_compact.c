/*
 * Fuzzes json_compact against json_dumps: for any document jansson parses (NUL bytes in
 * strings allowed, any value at the top), the text must be byte for byte what json_dumps
 * gives with JSON_COMPACT | JSON_ENCODE_ANY, keys in document order and sorted alike. An
 * input starting with 0xFF is instead taken as raw bytes made into a string and a key
 * without jansson's UTF-8 check, so that both must fail together on text that is not UTF-8.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ujikom/json_compact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(const char *want, const char *got) {
  fprintf(stderr, "json_dumps: %s\njson_compact: %s\n", want ? want : "(null)",
          got ? got : "(null)");
  abort();
}

static void same(const json_t *v, size_t flags, bool sort) {
  char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | flags);
  char *got = json_compact(v, sort);
  if ((NULL == want) != (NULL == got) || (NULL != want && 0 != strcmp(want, got))) {
    differ(want, got);
  }
  free(want);
  free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *v = NULL;
  if (size > 0 && 0xFF == data[0]) {
    const char *raw = (const char *)data + 1;
    size_t n = size - 1, half = n / 2;
    json_t *key_probe = json_stringn(raw, half); /* NULL when the key is not UTF-8 */
    v = json_object();
    json_t *text = json_stringn_nocheck(raw, n);
    if (NULL == v || NULL == text || 0 != json_object_setn_new_nocheck(v, raw, half, text) ||
        0 != json_object_set_new(v, "a", json_pack("[s#,i]", "x", (size_t)1, (json_int_t)n))) {
      json_decref(key_probe);
      json_decref(v);
      return 0;
    }
    if (NULL == key_probe) {
      char *got = json_compact(v, false);
      if (NULL != got) {
        differ("(a key that is not UTF-8 must fail)", got);
      }
      json_decref(v);
      return 0;
    }
    json_decref(key_probe);
  } else {
    v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (NULL == v) {
      return 0;
    }
  }
  same(v, 0, false);
  same(v, JSON_SORT_KEYS, true);
  json_decref(v);
  return 0;
}
