/*
 * Fuzzes the complaints' text rule and reference parser with arbitrary bytes. Neither may
 * crash or leak. Text the rule accepts is well-formed UTF-8 within its limits (counted in
 * code points), holds no CR, no control character but tab and line feed and no
 * bidirectional embedding, override or isolate, has nothing trimmable at either end, and is
 * tidied again into itself. A reference that parses names an id above 0 whose own reference
 * parses back to it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/complaint.h"
#include "ujikom/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks what complaint_text_tidy returned for [min, max]; aborts when a promise is broken. */
static void check_tidied(const char *out, size_t min, size_t max) {
  size_t n = strlen(out), chars = 0;
  if (!utf8_well_formed(out, n)) {
    abort();
  }
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    size_t k = utf8_decode(out + i, n - i, &cp);
    if (0 == k || (cp < 0x20 && '\t' != cp && '\n' != cp) || (cp >= 0x7F && cp <= 0x9F) ||
        0x2028 == cp || 0x2029 == cp || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069)) {
      abort();
    }
    i += k;
    chars++;
  }
  if (chars < min || chars > max) {
    abort();
  }
  if (n > 0 && (' ' == out[0] || '\t' == out[0] || '\n' == out[0] || ' ' == out[n - 1] ||
                '\t' == out[n - 1] || '\n' == out[n - 1])) {
    abort();
  }
  char *again = NULL;
  if (COMPLAINT_TEXT_OK != complaint_text_tidy(&again, out, n, min, max) ||
      0 != strcmp(out, again)) {
    abort();
  }
  free(again);
}

static void fuzz_ref(const uint8_t *data, size_t size) {
  char text[64];
  int64_t id = 0, back = 0;
  size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
  memcpy(text, data, n);
  text[n] = '\0';
  if (!complaint_ref_parse(text, &id)) {
    return;
  }
  char ref[COMPLAINT_REF_SIZE];
  complaint_ref(ref, id);
  if (id <= 0 || 0 != strncmp(ref, "ADU-", 4) || !complaint_ref_parse(ref, &back) || back != id) {
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The first byte picks the limits: the body's, the reference's, a note's, or tiny ones. */
  static const size_t limits[][2] = {{COMPLAINT_BODY_MIN_CHARS, COMPLAINT_TEXT_MAX_CHARS},
                                     {0, COMPLAINT_ABOUT_MAX_CHARS},
                                     {1, COMPLAINT_TEXT_MAX_CHARS},
                                     {0, 3}};
  if (0 == size) {
    return 0;
  }
  const size_t *lim = limits[data[0] % 4];
  char *out = NULL;
  enum complaint_text_status st =
      complaint_text_tidy(&out, (const char *)data + 1, size - 1, lim[0], lim[1]);
  if ((COMPLAINT_TEXT_OK == st) != (NULL != out)) {
    abort();
  }
  if (NULL != out) {
    check_tidied(out, lim[0], lim[1]);
    free(out);
  }
  fuzz_ref(data + 1, size - 1);
  return 0;
}
