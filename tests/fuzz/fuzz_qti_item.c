/*
 * Fuzz target for one QTI 3.0 item: the bytes are the qti-assessment-item document, placed in
 * a fixed package (a manifest and a test naming KUK 1.1 for it), so the fuzzer spends its time
 * in the item reader rather than in the zip. Every accepted item must load with the exam
 * loader as reported.
 */
#include "fuzz_itembank_check.h"

#include "zip_build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char MANIFEST[] =
    "<manifest><resources>"
    "<resource type=\"imsqti_test_xmlv3p0\" href=\"test.xml\"/>"
    "<resource type=\"imsqti_item_xmlv3p0\" href=\"items/item.xml\"/></resources></manifest>";
static const char TEST[] =
    "<qti-assessment-test xmlns=\"http://www.imsglobal.org/xsd/imsqtiasi_v3p0\" identifier=\"T\">"
    "<qti-test-part identifier=\"P\"><qti-assessment-section identifier=\"S\" title=\"U\">"
    "<qti-assessment-item-ref identifier=\"I\" href=\"items/item.xml\" category=\"kuk-1.1\"/>"
    "</qti-assessment-section></qti-test-part></qti-assessment-test>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > ITEMBANK_MAX_INPUT) {
    return 0;
  }
  const struct zip_build_entry e[] = {{"imsmanifest.xml", MANIFEST, 0},
                                      {"test.xml", TEST, 0},
                                      {"items/item.xml", (const char *)data, size}};
  size_t len = 0;
  unsigned char *pkg = zip_build(e, 3, &len);
  if (pkg != NULL) {
    fuzz_itembank_import(ITEMBANK_QTI, (const char *)pkg, len, false);
    free(pkg);
  }
  return 0;
}
