/*
 * Fuzzes the request-target parser and the query string split that follows it: a decoded
 * path starts with '/', has no NUL, is valid UTF-8 and has no "." or ".." segment (so no
 * file look-up can climb out of its directory); the query parses or fails cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "ujikom/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *path) {
  size_t n = strlen(path);
  if ('/' != path[0] || !utf8_well_formed(path, n)) {
    abort();
  }
  for (const char *seg = path; NULL != seg; seg = strchr(seg + 1, '/')) {
    const char *name = seg + 1;
    size_t len = strcspn(name, "/");
    if ((1 == len && '.' == name[0]) || (2 == len && '.' == name[0] && '.' == name[1])) {
      abort(); /* a dot segment survived */
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *target = malloc(size + 1);
  char *path = NULL;
  const char *query = NULL;
  if (NULL == target) {
    return 0;
  }
  memcpy(target, data, size);
  target[size] = '\0';
  if (PARSE_OK == parse_target(&path, &query, target)) {
    check_path(path);
    if (NULL != query) {
      struct kv_list l;
      if (query < target || query > target + size) {
        abort(); /* the query must point into the target */
      }
      if (PARSE_OK == parse_urlencoded(&l, query, strlen(query), 100)) {
        kv_list_free(&l);
      }
    }
  } else if (NULL != path || NULL != query) {
    abort();
  }
  free(path);
  free(target);
  return 0;
}
