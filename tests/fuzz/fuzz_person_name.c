/*
 * Fuzzes the person-name validator with arbitrary bytes. It must never crash or leak, and a
 * name it accepts is stable (validating it again changes nothing), 1..200 characters, with
 * no leading, trailing or doubled space and no C0 control or DEL; and the stored form
 * (person_name_for_record) takes it unchanged, whatever its bytes: the limit is in
 * characters, and every name that passes fits PERSON_NAME_SIZE.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/person_name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *out = NULL, *again = NULL, err[160];
  if (PERSON_NAME_OK != person_name_normalize(&out, (const char *)data, size, err, sizeof err)) {
    return 0;
  }
  size_t n = strlen(out), chars = 0;
  for (size_t i = 0; i < n; i++) {
    chars += 0x80 != ((unsigned char)out[i] & 0xc0);
  }
  if (0 == n || n >= PERSON_NAME_SIZE || chars > PERSON_NAME_MAX_CHARS || ' ' == out[0] ||
      ' ' == out[n - 1] || NULL != strstr(out, "  ")) {
    abort();
  }
  for (size_t i = 0; i < n; i++) {
    if ((unsigned char)out[i] < 0x20 || 0x7f == out[i]) {
      abort();
    }
  }
  if (PERSON_NAME_OK != person_name_normalize(&again, out, n, err, sizeof err) ||
      0 != strcmp(out, again)) {
    abort();
  }
  free(again);
  if (!person_name_is_record(out)) {
    abort();
  }
  free(out);
  return 0;
}
