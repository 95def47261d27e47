/*
 * Verifying what this service issued: a QR token or credential that is byte for byte the one
 * the service signed and stored skips the Ed25519 check and gets the same verdict and claims
 * as a full verification; anything else (a changed byte, another token) is verified in full;
 * the structural checks (known kid, claims, dates) still apply; and the serial can be read
 * from a token before verifying, to find what was stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_cert_fixture.h"
#include "ujikom/cert.h"

#define NOW (FIX_ISSUED + 3600)

struct ctx {
  struct token_key key, other;
  struct token_pubkey set[1];
  struct cert_claims claims;
  char *token, *jws;
  struct cert_verification full, quick;
};

static int setup(void **state) {
  struct ctx *c = calloc(1, sizeof *c);
  if (NULL == c)
    return -1;
  fixture_key(&c->key, 0x11);
  fixture_key(&c->other, 0x22);
  c->set[0] = c->key.pub;
  fixture_claims(&c->claims);
  if (0 != cert_qr_token_sign(&c->token, &c->claims, &c->key) ||
      0 != cert_jws_sign(&c->jws, &c->claims, &c->key))
    return -1;
  *state = c;
  return 0;
}

static int teardown(void **state) {
  struct ctx *c = *state;
  token_key_wipe(&c->key);
  token_key_wipe(&c->other);
  free(c->token);
  free(c->jws);
  free(c);
  return 0;
}

static void test_issued_qr_token_gets_the_full_verdict(void **state) {
  struct ctx *c = *state;
  size_t len = strlen(c->token);
  cert_qr_token_verify(&c->full, c->token, len, c->set, 1, NOW);
  cert_qr_token_verify_issued(&c->quick, c->token, len, c->set, 1, NOW, c->token);
  assert_int_equal(CERT_GENUINE, c->full.verdict);
  assert_int_equal(c->full.verdict, c->quick.verdict);
  assert_true(c->quick.claims_valid);
  assert_memory_equal(&c->full.claims, &c->quick.claims, sizeof c->full.claims);
  /* Letter case does not matter to base32; dates still do. */
  char *lower = strdup(c->token);
  assert_non_null(lower);
  for (char *p = lower; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  cert_qr_token_verify_issued(&c->quick, lower, len, c->set, 1, NOW, c->token);
  assert_int_equal(CERT_GENUINE, c->quick.verdict);
  cert_qr_token_verify_issued(&c->quick, c->token, len, c->set, 1, FIX_EXPIRES + 86400 * 2,
                              c->token);
  assert_int_equal(CERT_EXPIRED, c->quick.verdict);
  free(lower);
}

static void test_anything_else_is_verified_in_full(void **state) {
  struct ctx *c = *state;
  size_t len = strlen(c->token);
  char *forged = strdup(c->token);
  assert_non_null(forged);
  /* A changed character near the end (the signature) against the real issued token. */
  forged[len - 3] = 'A' == forged[len - 3] ? 'B' : 'A';
  cert_qr_token_verify_issued(&c->quick, forged, len, c->set, 1, NOW, c->token);
  assert_int_equal(CERT_NOT_GENUINE, c->quick.verdict);
  /* Another key's token is not skipped because some other token was issued. */
  char *stranger = NULL;
  assert_int_equal(0, cert_qr_token_sign(&stranger, &c->claims, &c->other));
  cert_qr_token_verify_issued(&c->quick, stranger, strlen(stranger), c->set, 1, NOW, c->token);
  assert_int_equal(CERT_NOT_GENUINE, c->quick.verdict);
  /* Even "issued" text is refused when its kid is not among the service's keys. */
  cert_qr_token_verify_issued(&c->quick, stranger, strlen(stranger), c->set, 1, NOW, stranger);
  assert_int_equal(CERT_NOT_GENUINE, c->quick.verdict);
  /* No issued token: a full verification. */
  cert_qr_token_verify_issued(&c->quick, forged, len, c->set, 1, NOW, NULL);
  assert_int_equal(CERT_NOT_GENUINE, c->quick.verdict);
  free(forged);
  free(stranger);
}

static void test_issued_credential(void **state) {
  struct ctx *c = *state;
  size_t len = strlen(c->jws);
  cert_jws_verify(&c->full, c->jws, len, c->set, 1, NOW);
  cert_jws_verify_issued(&c->quick, c->jws, len, c->set, 1, NOW, c->jws);
  assert_int_equal(CERT_GENUINE, c->quick.verdict);
  assert_memory_equal(&c->full.claims, &c->quick.claims, sizeof c->full.claims);
  char *forged = strdup(c->jws);
  assert_non_null(forged);
  forged[len - 2] = 'A' == forged[len - 2] ? 'B' : 'A';
  cert_jws_verify_issued(&c->quick, forged, len, c->set, 1, NOW, c->jws);
  assert_int_equal(CERT_NOT_GENUINE, c->quick.verdict);
  free(forged);
}

static void test_serial_is_read_before_verifying(void **state) {
  struct ctx *c = *state;
  char serial[CERT_SERIAL_SIZE];
  assert_int_equal(0, cert_qr_token_serial(serial, c->token, strlen(c->token)));
  assert_string_equal(c->claims.serial, serial);
  assert_int_equal(-1, cert_qr_token_serial(serial, "BUKANTOKEN", 10));
  assert_int_equal(-1, cert_qr_token_serial(serial, c->jws, strlen(c->jws)));
  assert_int_equal(-1, cert_qr_token_serial(serial, "", 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_issued_qr_token_gets_the_full_verdict),
      cmocka_unit_test(test_anything_else_is_verified_in_full),
      cmocka_unit_test(test_issued_credential),
      cmocka_unit_test(test_serial_is_read_before_verifying),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
