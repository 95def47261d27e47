/*
 * Fuzzes the HTML builder's escaping: whatever bytes arrive as text, attribute value,
 * template parameter or URL, the output is valid UTF-8, contains no raw markup characters
 * from the input, and URL attributes only ever carry a local path or http(s).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/html.h"
#include "ujikom/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (NULL == s) {
    return 0;
  }
  memcpy(s, data, size);
  s[size] = '\0';

  struct html *h = html_new();
  if (NULL == h) {
    free(s);
    return 0;
  }
  html_textn(h, s, size); /* the raw bytes, NULs included */
  if (html_failed(h)) {
    abort();
  }
  const char *out = html_data(h);
  size_t len = html_len(h);
  if (!utf8_well_formed(out, len) || NULL != memchr(out, '<', len) ||
      NULL != memchr(out, '>', len) || NULL != memchr(out, '"', len) ||
      NULL != memchr(out, '\'', len) || strlen(out) != len) {
    abort();
  }
  html_free(h);

  /* As an attribute, a template parameter and a URL (s is cut at its first NUL). */
  h = html_new();
  if (NULL == h) {
    free(s);
    return 0;
  }
  html_attr(h, "title", s);
  html_text_sub(h, "{a} dan {b} {a}", "a", s, "b", s, NULL);
  size_t before = html_len(h);
  html_attr_url(h, "href", s);
  out = html_data(h);
  len = html_len(h);
  if (!utf8_well_formed(out, len) || NULL != memchr(out, '<', len)) {
    abort();
  }
  const char *href = out + before;
  if (0 != strncmp(href, " href=\"#", 8) && 0 != strncmp(href, " href=\"/", 8) &&
      0 != strncmp(href, " href=\"http://", 14) && 0 != strncmp(href, " href=\"https://", 15)) {
    abort();
  }
  if (0 == strncmp(href, " href=\"//", 9)) {
    abort();
  }
  html_free(h);
  free(s);
  return 0;
}
