/*
 * Fuzzes the User-Agent reader and the stored device code with arbitrary bytes. Neither may
 * crash or leak; any header gives a pair of known families whose code reads back as the
 * same pair, and a text read as a code is exactly the code that pair writes (so no other
 * text can pass as one); any text gives bounded words and JSON null or an object.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/device_kind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct device_kind k = device_kind_of((const char *)data, size), back;
  char code[DEVICE_KIND_CODE_SIZE];
  if ((unsigned)k.browser >= DEVICE_BROWSER__COUNT || (unsigned)k.os >= DEVICE_OS__COUNT) {
    abort();
  }
  size_t n = device_kind_code(k, code, sizeof code);
  if (n != strlen(code) || !device_kind_parse(code, &back) || back.browser != k.browser ||
      back.os != k.os) {
    abort();
  }
  /* the same bytes as a stored code */
  if (size < 64 && NULL == memchr(data, '\0', size)) {
    char text[64];
    memcpy(text, data, size);
    text[size] = '\0';
    if (device_kind_parse(text, &back)) {
      device_kind_code(back, code, sizeof code);
      if (0 != strcmp(code, text)) {
        abort();
      }
    }
    /* words and JSON for any stored text: bounded, and null or an object */
    char words[32];
    if (device_kind_words(text, size & 1, words, sizeof words) >= sizeof words ||
        strlen(words) >= sizeof words) {
      abort();
    }
    json_t *j = device_kind_json(text);
    if (NULL == j || !(json_is_null(j) || json_is_object(j))) {
      abort();
    }
    json_decref(j);
  }
  return 0;
}
