/*
 * Fuzzes the date parser (time_parse_date) with arbitrary bytes, as the audit viewer's date
 * filters arrive. It must never crash, and a date it accepts is a UTC midnight whose
 * formatting gives the same text back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char text[64], back[TIME_TEXT_SIZE];
  int64_t secs = 0;
  if (size >= sizeof text) {
    return 0;
  }
  memcpy(text, data, size);
  text[size] = '\0';
  if (0 != time_parse_date(text, &secs)) {
    return 0;
  }
  struct time_civil c;
  time_civil_of(&c, secs);
  if (0 != secs % 86400 || 0 != c.hour || 0 != c.minute || 0 != c.second) {
    abort();
  }
  size_t n = time_format(back, sizeof back, secs, TIME_ISO);
  if (n < 10 || 0 != memcmp(back, text, 10)) {
    abort();
  }
  return 0;
}
