/*
 * gzip for answers (see gzip.h).
 */
#include "http/gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libdeflate.h>

bool gzip_worthwhile_type(const char *content_type) {
  if (NULL == content_type) {
    return false;
  }
  size_t n = strcspn(content_type, "; \t");
  static const char *const exact[] = {"application/json", "application/javascript",
                                      "application/xml", "image/svg+xml"};
  for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
    if (strlen(exact[i]) == n && 0 == strncasecmp(content_type, exact[i], n)) {
      return true;
    }
  }
  if (n > 5 && 0 == strncasecmp(content_type, "text/", 5)) {
    return true;
  }
  /* application/ld+json, application/problem+json, ... */
  return n > 17 && 0 == strncasecmp(content_type, "application/", 12) &&
         0 == strncasecmp(content_type + n - 5, "+json", 5);
}

unsigned char *gzip_compress(const void *data, size_t size, int level, size_t *out_len) {
  *out_len = 0;
  /* Worth sending only when it saves a tenth: a buffer that small, and libdeflate answers 0
   * when the output does not fit. */
  size_t room = size - size / 10;
  if (room < 2) {
    return NULL;
  }
  room--;
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
  unsigned char *out = NULL == c ? NULL : malloc(room);
  size_t len = NULL == out ? 0 : libdeflate_gzip_compress(c, data, size, out, room);
  libdeflate_free_compressor(c);
  if (0 == len) {
    free(out);
    return NULL;
  }
  *out_len = len;
  return out;
}
