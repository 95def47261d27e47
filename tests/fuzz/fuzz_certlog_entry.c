/*
 * Fuzzes the transparency-log entry parser with arbitrary bytes (entries come from any log a
 * monitor reads). It must never crash or leak, and whatever it accepts must be canonical:
 * encoding the parsed entry gives back exactly the bytes that were parsed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/certlog_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct certlog_entry e;
  char err[160];
  if (0 == certlog_entry_parse(&e, data, size, err, sizeof err)) {
    char again[CERTLOG_ENTRY_MAX];
    size_t len = 0;
    if (0 != certlog_entry_encode(again, sizeof again, &len, &e) || len != size ||
        0 != memcmp(again, data, size)) {
      abort();
    }
  }
  return 0;
}
