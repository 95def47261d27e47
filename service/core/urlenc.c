/*
 * Percent-encoding of URL path segments and query values (RFC 3986, unreserved kept).
 */
#include "ujikom/urlenc.h"

#include <string.h>

bool url_percent_encode(char *out, size_t size, size_t *pos, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; '\0' != *p; p++) {
    bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 NULL != strchr("-._~", *p);
    size_t need = plain ? 1 : 3;
    if (*pos + need >= size) {
      out[*pos] = '\0';
      return false;
    }
    if (plain) {
      out[(*pos)++] = (char)*p;
    } else {
      out[(*pos)++] = '%';
      out[(*pos)++] = hex[*p >> 4];
      out[(*pos)++] = hex[*p & 15];
    }
  }
  out[*pos] = '\0';
  return true;
}
