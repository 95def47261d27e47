/*
 * Fuzzes the readers of the credential's JWT and JSON-LD forms with arbitrary bytes: the
 * compact JWT verifier (against the P-256 key of RFC 7515 A.3, whose example seeds the
 * corpus), the offline JSON-LD verifier (against a fixed Ed25519 key), and, on the bytes as a
 * JSON document, the OB 3.0 claim rules and the payload builder. None may crash or leak; a
 * payload built from any document must satisfy the rules it is checked against, and a
 * verification that gives claims must give a serial and a validity window.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_fixed_key.h"
#include "ujikom/es256.h"
#include "ujikom/vc_jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 7515 A.3.1's public key, once per process. */
static const struct es256_pubkey *a3_key(void) {
  static struct es256_pubkey key;
  static int ready = 0;
  if (!ready) {
    unsigned char *x = NULL, *y = NULL;
    size_t xl = 0, yl = 0;
    static const char xs[] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    static const char ys[] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    if (0 != token_b64url_decode(&x, &xl, xs, sizeof xs - 1) ||
        0 != token_b64url_decode(&y, &yl, ys, sizeof ys - 1) ||
        0 != es256_pub_from_xy(key.pub, x, y)) {
      abort();
    }
    es256_kid_from_pub(key.kid, key.pub);
    free(x);
    free(y);
    ready = 1;
  }
  return &key;
}

static void check(const struct cert_verification *v) {
  if (v->claims_valid && ('\0' == v->claims.serial[0] || v->claims.expires <= v->claims.issued)) {
    abort();
  }
  if ((CERT_NOT_GENUINE == v->verdict) == (CERT_FAULT_NONE == v->fault)) {
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cert_verification *v = malloc(sizeof *v);
  char why[160];
  if (NULL == v) {
    return 0;
  }
  vc_jwt_verify(v, (const char *)data, size, a3_key(), 1, 1700000000);
  check(v);
  vc_jsonld_verify(v, (const char *)data, size, &fuzz_fixed_key(0x5a)->pub, 1, 1700000000);
  check(v);
  free(v);
  json_t *doc = json_loadb((const char *)data, size, 0, NULL);
  if (NULL != doc) {
    struct cert_claims *c = malloc(sizeof *c);
    if (NULL != c) {
      (void)vc_credential_claims(c, doc);
      free(c);
    }
    (void)vc_jwt_check_claims(doc, why, sizeof why);
    json_t *payload = vc_jwt_payload(doc);
    if (NULL != payload && 0 != vc_jwt_check_claims(payload, why, sizeof why)) {
      abort(); /* what the signer builds always follows the rules the verifier checks */
    }
    json_decref(payload);
    json_decref(doc);
  }
  return 0;
}
