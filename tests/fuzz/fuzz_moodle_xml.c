/*
 * Fuzz target for the Moodle XML import: any bytes give a fragment and a report (every
 * question accounted for, the fragment loading with the exam loader with exactly the reported
 * items) or file:line:column errors; never a crash, a leak, undefined behaviour, or an entity
 * read (there is no document type to declare one).
 */
#include "fuzz_itembank_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_itembank_import(ITEMBANK_MOODLE, (const char *)data, size, false);
  return 0;
}
