/*
 * Fuzzes the text side of verification: QR URL/token extraction, serial parsing and the
 * two JWKS parsers `ujikom verify` reads published keys with (Ed25519, and P-256 for the
 * credential's JWT form). Checks the invariants: an extracted token lies inside the input and
 * holds only base32 letters; a parsed serial re-parses to itself; a P-256 key read carries
 * its own kid, and the JWK written for it reads back as the same key.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/cert.h"
#include "ujikom/es256.h"

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
  struct es256_pubkey *ec = NULL;
  if (0 == es256_jwks_parse(&ec, &n, s, size, err, sizeof err)) {
    for (size_t i = 0; i < n; i++) {
      char kid[TOKEN_KID_LEN + 1];
      es256_kid_from_pub(kid, ec[i].pub);
      if (0 != strcmp(kid, ec[i].kid)) {
        abort();
      }
      /* what es256_jwk writes for the key reads back as the same key */
      json_t *jwk = es256_jwk(&ec[i]);
      json_t *set = NULL == jwk ? NULL : json_pack("{s:[o]}", "keys", jwk);
      char *written = NULL == set ? NULL : json_dumps(set, JSON_COMPACT);
      struct es256_pubkey *back = NULL;
      size_t nb = 0;
      if (NULL != written &&
          (0 != es256_jwks_parse(&back, &nb, written, strlen(written), err, sizeof err) ||
           1 != nb || 0 != memcmp(back[0].pub, ec[i].pub, ES256_PUB_LEN) ||
           0 != strcmp(back[0].kid, ec[i].kid))) {
        abort();
      }
      free(back);
      free(written);
      json_decref(set);
    }
    free(ec);
  }
  free(s);
  return 0;
}
