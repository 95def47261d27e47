/*
 * Fuzzes the Bitstring Status List decoder with arbitrary bytes and with the bytes as a
 * GZIP body. It must never crash, leak or inflate past its limit; a list it accepts
 * encodes and decodes back to the same bits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/status_list.h"
#include "ujikom/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text, size_t len) {
  struct status_list *l = NULL, *back = NULL;
  char err[160];
  if (0 != status_list_decode(&l, text, len, err, sizeof err)) {
    return;
  }
  if (l->nbits < STATUS_LIST_MIN_BITS || l->nbits > STATUS_LIST_MAX_BITS || 0 != l->nbits % 8) {
    abort();
  }
  char *enc = NULL;
  if (0 != status_list_encode(&enc, l) ||
      0 != status_list_decode(&back, enc, strlen(enc), err, sizeof err) ||
      back->nbits != l->nbits || 0 != memcmp(back->bits, l->bits, l->nbits / 8)) {
    abort();
  }
  free(enc);
  status_list_free(back);
  status_list_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check((const char *)data, size);
  /* The same bytes as the compressed body, so mutations reach the inflater. */
  char *b64 = token_b64url_encode(data, size);
  if (NULL == b64) {
    return 0;
  }
  size_t n = strlen(b64);
  char *text = malloc(n + 2);
  if (NULL != text) {
    text[0] = 'u';
    memcpy(text + 1, b64, n + 1);
    check(text, n + 1);
    free(text);
  }
  free(b64);
  return 0;
}
