/*
 * Fuzz target for the CSV reader of bulk imports: any bytes give a table within the limits
 * (rows in order, bounded UTF-8 cells) or a refusal with a message; never a crash or a leak.
 */
#include <stddef.h>
#include <stdint.h>

#include "sheet_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct sheet *s = NULL;
  char err[256];
  enum sheet_rc rc =
      sheet_read_csv(&s, (const char *)data, size, &fuzz_sheet_limits, err, sizeof err);
  fuzz_sheet_check(rc, s, err);
  return 0;
}
