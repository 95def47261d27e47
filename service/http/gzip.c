/*
 * gzip for answers (see gzip.h).
 */
#include "http/gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

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
  if (size > (size_t)UINT32_MAX) {
    return NULL;
  }
  z_stream z;
  memset(&z, 0, sizeof z);
  /* windowBits 15 + 16: a gzip header; memLevel 9: the most memory, the best ratio */
  if (Z_OK != deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY)) {
    return NULL;
  }
  uLong bound = deflateBound(&z, (uLong)size);
  unsigned char *out = malloc(bound);
  if (NULL == out) {
    deflateEnd(&z);
    return NULL;
  }
  z.next_in = (Bytef *)(uintptr_t)data;
  z.avail_in = (uInt)size;
  z.next_out = out;
  z.avail_out = (uInt)bound;
  int rc = deflate(&z, Z_FINISH);
  size_t len = (size_t)z.total_out;
  deflateEnd(&z);
  if (Z_STREAM_END != rc || len >= size - size / 10) {
    free(out);
    return NULL;
  }
  *out_len = len;
  return out;
}
