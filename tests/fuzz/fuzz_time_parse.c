/*
 * Fuzzes the RFC 3339 parser (`ujikom keys retire --compromised-since`, the key set's
 * retirement records) and the stored display text's seal and field parsers: they must never
 * crash, and what the time parser accepts must format back to the same instant (to the
 * second, for the four-digit years RFC 3339 can write).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/cert.h"
#include "ujikom/timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (NULL == text) {
    return 0;
  }
  memcpy(text, data, size);
  text[size] = '\0';
  int64_t ms = 0;
  if (0 == time_parse_rfc3339(&ms, text)) {
    char iso[TIME_TEXT_SIZE];
    int64_t again = 0;
    int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    /* Only four-digit years are written as RFC 3339 ("%Y" gives "226" for the year 226). */
    if (20 == time_format(iso, sizeof iso, s, TIME_ISO) &&
        (0 != time_parse_rfc3339(&again, iso) || again != s * 1000)) {
      abort();
    }
  }
  const char *display = NULL;
  unsigned char seals[2][CERT_SEAL_LEN];
  if (0 == cert_display_unseal(&display, seals[0], seals[1], text) &&
      (display < text || display > text + size)) {
    abort();
  }
  struct cert_claims *c = calloc(1, sizeof *c);
  if (NULL != c) {
    if (0 == cert_display_decode(c, text) && c->nunits > CERT_MAX_UNITS) {
      abort();
    }
    free(c);
  }
  free(text);
  return 0;
}
