/*
 * The growth step of the text buffers (see growbuf.h).
 */
#include "http/growbuf.h"

#include <stdint.h>
#include <stdlib.h>

bool growbuf_fit(char **buf, size_t *cap, size_t need, size_t first, bool *failed) {
  if (need <= *cap) {
    return true;
  }
  size_t grown = 0 != *cap ? *cap : first;
  while (grown < need) {
    if (0 == grown || grown > SIZE_MAX / 2) {
      *failed = true;
      return false;
    }
    grown *= 2;
  }
  char *nb = realloc(*buf, grown);
  if (NULL == nb) {
    *failed = true;
    return false;
  }
  *buf = nb;
  *cap = grown;
  return true;
}
