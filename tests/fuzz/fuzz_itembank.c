/*
 * Fuzz target for the item bank import (Aiken and GIFT). The first byte picks the format, the
 * rest is the question file. Any bytes must give either a YAML fragment and a report or a list
 * of file:line:column errors, never a crash, a leak or undefined behaviour. When the import
 * is accepted with at least one item, the fragment nested in a minimal exam must load with
 * the real exam loader with exactly the items the report names: imported text can never add
 * YAML structure or produce an item the loader refuses.
 */
#include "fuzz_itembank_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) {
    return 0;
  }
  fuzz_itembank_import((data[0] & 1) ? ITEMBANK_GIFT : ITEMBANK_AIKEN, (const char *)data + 1,
                       size - 1, false);
  return 0;
}
