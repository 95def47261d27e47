/*
 * Fuzzes the check-in code normaliser and its hash (what anyone can type into /masuk or
 * POST to /api/checkin). Nothing may crash or leak, and what is accepted is canonical:
 * twelve characters of Crockford's alphabet that normalise to themselves and hash the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/checkin_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) {
    return 0;
  }
  /* Text up to the first NUL, as a form field or a JSON string reaches the normaliser. */
  char *s = strndup((const char *)data, size);
  if (NULL == s) {
    return 0;
  }
  char norm[CHECKIN_CODE_CHARS + 1], again[CHECKIN_CODE_CHARS + 1];
  char h1[CHECKIN_CODE_HASH_LEN + 1], h2[CHECKIN_CODE_HASH_LEN + 1];
  bool ok = checkin_code_normalize(norm, s);
  if (ok != (0 == checkin_code_hash(h1, s))) {
    abort();
  }
  if (ok) {
    if (CHECKIN_CODE_CHARS != strlen(norm) ||
        strspn(norm, crockford_alphabet) != CHECKIN_CODE_CHARS ||
        !checkin_code_normalize(again, norm) || 0 != strcmp(norm, again) ||
        0 != checkin_code_hash(h2, norm) || 0 != strcmp(h1, h2)) {
      abort();
    }
  }
  free(s);
  return 0;
}
