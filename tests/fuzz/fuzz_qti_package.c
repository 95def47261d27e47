/*
 * Fuzz target for the QTI 3.0 package import: the bytes are the package (a zip). Whatever
 * they hold (a broken archive, a bomb, paths leaving the package, hostile XML in the manifest,
 * the test or an item), the import gives a fragment and a report or clear errors; a fragment
 * loads with the exam loader (its items may name KUK ids of their own, which the minimal exam
 * does not define).
 */
#include "fuzz_itembank_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_itembank_import(ITEMBANK_QTI, (const char *)data, size, true);
  return 0;
}
