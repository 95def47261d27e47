/*
 * Fuzzes the application/x-www-form-urlencoded parser (form bodies and query strings):
 * every decoded name and value must be valid UTF-8 without NUL, the field limit must hold,
 * and a failed parse must leave the list empty.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "ujikom/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The first byte picks the field limit, so TOO_MANY is reached too. */
  size_t max_fields = size > 0 ? (size_t)(data[0] % 16) + 1 : 1;
  const char *body = size > 0 ? (const char *)data + 1 : "";
  size_t len = size > 0 ? size - 1 : 0;
  struct kv_list l;
  enum parse_rc rc = parse_urlencoded(&l, body, len, max_fields);

  if (PARSE_OK != rc) {
    if (0 != l.count || NULL != l.items) {
      abort(); /* a failure must not hand back half a list */
    }
    return 0;
  }
  if (l.count > max_fields) {
    abort();
  }
  for (size_t i = 0; i < l.count; i++) {
    const char *n = l.items[i].name;
    const char *v = l.items[i].value;
    if (NULL == n || NULL == v || !utf8_well_formed(n, strlen(n)) ||
        !utf8_well_formed(v, strlen(v))) {
      abort();
    }
    /* Each decoded part is no longer than the raw input. */
    if (strlen(n) > len || strlen(v) > len) {
      abort();
    }
    if (kv_get(&l, n) == NULL) {
      abort(); /* every name is findable */
    }
  }
  kv_list_free(&l);
  return 0;
}
