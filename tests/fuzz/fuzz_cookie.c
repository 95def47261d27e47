/*
 * Fuzzes the Cookie header parser and what the session layer does with its result: the
 * value found must fit the buffer and be a cookie-octet string, and a token that passes the
 * shape check must hash and derive a CSRF token. The same bytes go to the Accept-Encoding
 * and Accept-Language parsers.
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

/* Whether needle occurs in s, ignoring ASCII case. */
static const char *strcasestr_portable(const char *s, const char *needle) {
  size_t n = strlen(needle);
  for (; '\0' != *s; s++) {
    if (0 == strncasecmp(s, needle, n)) {
      return s;
    }
  }
  return NULL;
}

/* Whether s names the coding (case-insensitively) or "*" anywhere. */
static bool names_coding_or_star(const char *s, const char *coding) {
  size_t n = strlen(coding);
  for (; '\0' != *s; s++) {
    if ('*' == *s || 0 == strncasecmp(s, coding, n)) {
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
  if (gz && !names_coding_or_star(header, "gzip")) {
    abort(); /* gzip accepted without gzip or * being named */
  }
  /* The coding picked is one the header accepts: gzip only when accepts_gzip says so, br
   * only when br or * is named. */
  enum content_coding coding = accept_encoding_pick(header);
  if ((CODING_GZIP == coding && !gz) ||
      (CODING_BR == coding && !names_coding_or_star(header, "br")) ||
      (CODING_IDENTITY != coding && CODING_GZIP != coding && CODING_BR != coding)) {
    abort();
  }
  /* As an Accept-Language value: one of our two languages or none, and a language only when
   * the header names it. */
  const char *lang = accept_language_pick(header);
  if (NULL != lang && 0 != strcmp(lang, "id") && 0 != strcmp(lang, "en")) {
    abort();
  }
  bool named =
      NULL != lang && (0 == strcmp(lang, "en") ? NULL != strcasestr_portable(header, "en")
                                               : (NULL != strcasestr_portable(header, "id") ||
                                                  NULL != strcasestr_portable(header, "in")));
  if (NULL != lang && !named) {
    abort(); /* a language picked that the header does not name */
  }
  free(header);
  return 0;
}
