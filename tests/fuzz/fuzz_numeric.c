/*
 * Fuzzes the reader of typed numbers with arbitrary bytes (the first byte's low bit says
 * whether the item takes whole numbers). It must never crash; a number it reads is finite;
 * the text numeric_format writes for it reads back as the same value in either kind of item;
 * and the whole-number reading differs from the other only where the other is ambiguous.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ujikom/numeric.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (0 == size) {
    return 0;
  }
  bool whole = 0 != (data[0] & 1);
  const char *text = (const char *)data + 1;
  double v = 0.0, other = 0.0;
  enum numeric_rc rc = numeric_parse(&v, text, size - 1, whole);
  enum numeric_rc orc = numeric_parse(&other, text, size - 1, !whole);
  if (rc != orc && NUMERIC_AMBIGUOUS != rc && NUMERIC_AMBIGUOUS != orc) {
    abort();
  }
  if (NUMERIC_OK == rc && NUMERIC_OK == orc && v != other) {
    abort();
  }
  if (NUMERIC_OK != rc) {
    return 0;
  }
  if (!isfinite(v)) {
    abort();
  }
  char buf[64];
  for (int comma = 0; comma < 2; comma++) {
    size_t n = numeric_format(buf, sizeof buf, v, comma);
    double back = 0.0;
    for (int w = 0; n > 0 && w < 2; w++) {
      if (NUMERIC_OK != numeric_parse(&back, buf, n, w) || back != v) {
        abort();
      }
    }
  }
  return 0;
}
