/*
 * Brotli for answers (see brotli.h).
 */
#include "http/brotli.h"

#include <stdlib.h>

#include <brotli/encode.h>

unsigned char *brotli_compress(const void *data, size_t size, int quality, size_t *out_len) {
  *out_len = 0;
  /* Worth sending only when it saves a tenth; the encoder fails when the output does not
   * fit in the buffer it is given. */
  size_t room = size - size / 10;
  if (room < 2) {
    return NULL;
  }
  room--;
  /* The smallest window that holds the whole body: a larger one only costs the encoder
   * memory and set-up time. */
  int lgwin = BROTLI_MIN_WINDOW_BITS;
  while (lgwin < BROTLI_MAX_WINDOW_BITS && ((size_t)1 << lgwin) - 16 < size) {
    lgwin++;
  }
  unsigned char *out = malloc(room);
  size_t len = room;
  if (NULL == out || BROTLI_TRUE != BrotliEncoderCompress(quality, lgwin, BROTLI_MODE_TEXT, size,
                                                          data, &len, out)) {
    free(out);
    return NULL;
  }
  *out_len = len;
  return out;
}
