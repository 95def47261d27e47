/*
 * Fuzzes the Cookie header parser and what the session layer does with its result: the
 * value found must fit the buffer and be a cookie-octet string, and a token that passes the
 * shape check must hash and derive a CSRF token. The same bytes go to the Accept-Encoding
 * parser.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/parse.h"
#include "ujikom/session_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(const char *v, size_t outlen) {
  size_t n = strlen(v);
  if (n >= outlen) {
    abort(); /* overran the caller's buffer */
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c < 0x21 || c > 0x7e || ';' == c || ',' == c || '"' == c || '\\' == c) {
      abort(); /* a separator or control character leaked into a value */
    }
  }
}

static bool names_gzip_or_star(const char *s) {
  for (; '\0' != *s; s++) {
    if ('*' == *s || 0 == strncasecmp(s, "gzip", 4)) {
      return true;
    }
  }
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const names[] = {"ujikom_session", "lang", "a", ""};
  char *header = malloc(size + 1);
  if (NULL == header) {
    return 0;
  }
  memcpy(header, data, size);
  header[size] = '\0'; /* headers arrive NUL-terminated from libmicrohttpd */
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    char small[8];
    char big[512];
    if (parse_cookie(header, names[k], small, sizeof small)) {
      check_value(small, sizeof small);
    }
    if (parse_cookie(header, names[k], big, sizeof big)) {
      check_value(big, sizeof big);
      if (session_token_well_formed(big)) {
        char hash[SESSION_HASH_LEN + 1];
        char csrf[SESSION_CSRF_LEN + 1];
        if (0 != session_token_hash(hash, big) || 0 != session_csrf_token(csrf, big) ||
            SESSION_HASH_LEN != strlen(hash) || !session_csrf_equal(csrf, csrf)) {
          abort();
        }
      }
    }
  }
  /* The same bytes as an Accept-Encoding value: any answer, but no crash or over-read; and
   * a header that refuses everything never accepts gzip. */
  bool gz = accepts_gzip(header);
  if (gz && !names_gzip_or_star(header)) {
    abort(); /* gzip accepted without gzip or * being named */
  }
  free(header);
  return 0;
}
