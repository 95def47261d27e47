/*
 * Fuzz target for the XLSX reader of bulk imports (libzip + expat): any bytes give a table
 * within the limits or a refusal with a message; never a crash, a leak, or a part inflated
 * past its limit.
 */
#include <stddef.h>
#include <stdint.h>

#include "sheet_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct sheet *s = NULL;
  char err[256];
  enum sheet_rc rc = sheet_read_xlsx(&s, data, size, &fuzz_sheet_limits, err, sizeof err);
  fuzz_sheet_check(rc, s, err);
  return 0;
}
