/*
 * Fuzzes both certificate verifiers (compact JWS and COSE QR token) with arbitrary bytes
 * against the key that signed the seeds, so mutations reach the signature and claim
 * parsers. They must never crash or leak, and whatever they accept must carry claims that
 * are internally consistent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_fixed_key.h"
#include "ujikom/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct cert_verification *v) {
  char canon[CERT_SERIAL_SIZE];
  if (CERT_REVOKED == v->verdict) {
    abort(); /* only the caller's store can revoke */
  }
  if ((CERT_GENUINE == v->verdict || CERT_EXPIRED == v->verdict) && !v->claims_valid) {
    abort();
  }
  if (v->claims_valid && (0 != cert_serial_parse(canon, NULL, v->claims.serial) ||
                          0 != strcmp(canon, v->claims.serial) || '\0' == v->claims.holder[0] ||
                          v->claims.expires <= v->claims.issued)) {
    abort();
  }
  if (CERT_NOT_GENUINE == v->verdict && !v->claims_valid && '\0' == v->reason[0]) {
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const struct token_key *key = fuzz_fixed_key(0x5a);
  struct cert_verification *v = malloc(sizeof *v);
  if (NULL == v) {
    return 0;
  }
  cert_jws_verify(v, (const char *)data, size, &key->pub, 1, 1795341600);
  check(v);
  cert_qr_token_verify(v, (const char *)data, size, &key->pub, 1, 1795341600);
  check(v);
  /* The same bytes as raw CBOR, base32-encoded, reach the COSE parser directly. */
  char *b32 = token_b32_encode(data, size);
  if (NULL != b32) {
    cert_qr_token_verify(v, b32, strlen(b32), &key->pub, 1, 1795341600);
    check(v);
    free(b32);
  }
  free(v);
  return 0;
}
