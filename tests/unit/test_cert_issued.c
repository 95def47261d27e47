/*
 * Verifying what this service issued: a QR token or credential that is byte for byte the one
 * the service signed and stored skips the Ed25519 check and gets the same verdict and claims
 * as a full verification; anything else (a changed byte, another token) is verified in full;
 * the structural checks (known kid, claims, dates) still apply; and the serial can be read
 * from a token before verifying, to find what was stored. The display text stored next to
 * the tokens gives back exactly the credential's display claims, and a verification made
 * from stored claims judges dates exactly as the verifiers do.
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
#define US  "\x1f" /* the display text's separator */

struct ctx {
  struct fixture_keys keys;
  struct token_pubkey set[1]; /* the signer alone */
  struct cert_claims claims;
  char *token, *jws;
  struct cert_verification full, quick;
};

static int setup(void **state) {
  struct ctx *c = calloc(1, sizeof *c);
  if (NULL == c) {
    return -1;
  }
  fixture_keys_init(&c->keys);
  c->set[0] = c->keys.signer.pub;
  fixture_claims(&c->claims);
  if (0 != cert_qr_token_sign(&c->token, &c->claims, &c->keys.signer) ||
      0 != cert_jws_sign(&c->jws, &c->claims, &c->keys.signer)) {
    return -1;
  }
  *state = c;
  return 0;
}

static int teardown(void **state) {
  struct ctx *c = *state;
  fixture_keys_wipe(&c->keys);
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
  for (char *p = lower; *p; p++) {
    if (*p >= 'A' && *p <= 'Z') {
      *p = (char)(*p - 'A' + 'a');
    }
  }
  cert_qr_token_verify_issued(&c->quick, lower, len, c->set, 1, NOW, c->token);
  assert_int_equal(CERT_GENUINE, c->quick.verdict);
  cert_qr_token_verify_issued(&c->quick, c->token, len, c->set, 1, FIX_EXPIRES + (int64_t)86400 * 2,
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
  assert_int_equal(0, cert_qr_token_sign(&stranger, &c->claims, &c->keys.other));
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

/* Every prefix of a token and every single-byte change of its CBOR must be read safely (the
 * serial reader walks CBOR by hand); whenever the full verifier accepts claims, the serial
 * read beforehand is the same. */
static void test_serial_reader_is_safe_on_any_bytes(void **state) {
  struct ctx *c = *state;
  char serial[CERT_SERIAL_SIZE];
  unsigned char *raw = NULL;
  size_t rawlen = 0;
  assert_int_equal(0, token_b32_decode(&raw, &rawlen, c->token, strlen(c->token)));
  for (size_t n = 0; n < rawlen; n++) { /* prefixes */
    char *t = token_b32_encode(raw, n);
    assert_non_null(t);
    int rc = cert_qr_token_serial(serial, t, strlen(t));
    if (0 == rc) {
      assert_string_equal(c->claims.serial, serial); /* the serial came before the cut */
    }
    free(t);
  }
  unsigned char *m = malloc(rawlen);
  assert_non_null(m);
  for (size_t i = 0; i < rawlen; i++) {
    for (unsigned v = 0; v < 256; v += 7) {
      memcpy(m, raw, rawlen);
      m[i] = (unsigned char)v;
      char *t = token_b32_encode(m, rawlen);
      assert_non_null(t);
      int rc = cert_qr_token_serial(serial, t, strlen(t));
      cert_qr_token_verify(&c->full, t, strlen(t), c->set, 1, NOW);
      if (c->full.claims_valid) {
        assert_int_equal(0, rc);
        assert_string_equal(c->full.claims.serial, serial);
      }
      free(t);
    }
  }
  free(m);
  free(raw);
}

static void test_display_text_round_trip(void **state) {
  struct ctx *c = *state;
  struct cert_claims *back = calloc(1, sizeof *back);
  assert_non_null(back);
  char *text = cert_display_encode(&c->claims);
  assert_non_null(text);
  assert_int_equal(0, cert_display_decode(back, text));
  assert_string_equal(c->claims.subsector_name, back->subsector_name);
  assert_string_equal(c->claims.scheme_title, back->scheme_title);
  assert_string_equal(c->claims.issuer_name, back->issuer_name);
  assert_int_equal(c->claims.nunits, back->nunits);
  assert_memory_equal(c->claims.units, back->units, c->claims.nunits * sizeof back->units[0]);
  assert_string_equal("", back->holder); /* nothing else is touched */
  free(text);
  /* Empty optional fields and no units; the most units with the longest texts. */
  struct cert_claims *big = malloc(sizeof *big);
  assert_non_null(big);
  *big = c->claims;
  big->subsector_name[0] = big->scheme_title[0] = big->issuer_name[0] = '\0';
  big->nunits = 0;
  text = cert_display_encode(big);
  assert_non_null(text);
  assert_int_equal(0, cert_display_decode(back, text));
  assert_string_equal("", back->scheme_title);
  assert_int_equal(0, back->nunits);
  free(text);
  big->nunits = CERT_MAX_UNITS;
  for (size_t i = 0; i < CERT_MAX_UNITS; i++) {
    memset(big->units[i].code, 'K', sizeof big->units[i].code - 1);
    big->units[i].code[sizeof big->units[i].code - 1] = '\0';
    memset(big->units[i].title, 'j', sizeof big->units[i].title - 1);
    big->units[i].title[sizeof big->units[i].title - 1] = '\0';
  }
  memset(big->issuer_name, 'i', sizeof big->issuer_name - 1);
  big->issuer_name[sizeof big->issuer_name - 1] = '\0';
  text = cert_display_encode(big);
  assert_non_null(text);
  assert_int_equal(0, cert_display_decode(back, text));
  assert_int_equal(CERT_MAX_UNITS, back->nunits);
  assert_memory_equal(big->units, back->units, sizeof big->units);
  assert_string_equal(big->issuer_name, back->issuer_name);
  free(text);
  /* Claims a signer refuses are refused here too (a control character). */
  snprintf(big->scheme_title, sizeof big->scheme_title, "tab\there");
  assert_null(cert_display_encode(big));
  free(big);
  free(back);
}

static void test_display_text_that_is_not_exactly_the_shape_is_refused(void **state) {
  (void)state;
  struct cert_claims *back = calloc(1, sizeof *back);
  assert_non_null(back);
  static const char *const bad[] = {
      "",
      "2" US "a" US "b" US "c" US "0",                                 /* unknown version */
      "1" US "a" US "b" US "c",                                        /* no count */
      "1" US "a" US "b" US "c" US "0" US,                              /* trailing separator */
      "1" US "a" US "b" US "c" US "1",                                 /* a unit missing */
      "1" US "a" US "b" US "c" US "1" US "K.1",                        /* a unit without title */
      "1" US "a" US "b" US "c" US "1" US "K.1" US "t" US "K.2" US "t", /* one unit too many */
      "1" US "a" US "b" US "c" US "1" US US "t",                       /* empty unit code */
      "1" US "a" US "b" US "c" US "65",                                /* above CERT_MAX_UNITS */
      "1" US "a" US "b" US "c" US "-1",                                /* negative */
      "1" US "a" US "b" US "c" US " 1" US "K" US "t",                  /* not digits only */
      "1" US "a\tb" US "b" US "c" US "0",                              /* a control character */
      "1" US "\xff" US "b" US "c" US "0",                              /* not UTF-8 */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(-1, cert_display_decode(back, bad[i]));
  }
  assert_int_equal(-1, cert_display_decode(back, NULL));
  char *long_title = malloc(600);
  assert_non_null(long_title);
  snprintf(long_title, 600, "1" US "a" US "%0300d" US "c" US "0", 7); /* longer than scheme_title */
  assert_int_equal(-1, cert_display_decode(back, long_title));
  free(long_title);
  assert_int_equal(0, cert_display_decode(back, "1" US "a" US "b" US "c" US "1" US "K.1" US));
  assert_int_equal(1, back->nunits);
  assert_string_equal("", back->units[0].title);
  free(back);
}

/* Claims taken from the store (as the issuer wrote them) and judged with
 * cert_verification_issued give what verifying the issued token gives, at every moment. */
static void test_stored_claims_judge_like_the_verifier(void **state) {
  struct ctx *c = *state;
  static const int64_t moments[] = {
      FIX_ISSUED - 86400, FIX_ISSUED - 301, FIX_ISSUED - 300,    FIX_ISSUED,         NOW,
      FIX_EXPIRES - 1,    FIX_EXPIRES,      FIX_EXPIRES + 86399, FIX_EXPIRES + 86400};
  struct cert_verification *v = malloc(sizeof *v);
  assert_non_null(v);
  for (size_t i = 0; i < sizeof moments / sizeof moments[0]; i++) {
    /* QR token: dates as whole days. */
    cert_qr_token_verify(&c->full, c->token, strlen(c->token), c->set, 1, moments[i]);
    memset(v, 0, sizeof *v);
    v->claims = c->claims;
    cert_claims_qr_days(&v->claims);
    assert_int_equal(c->full.claims.issued, v->claims.issued);
    assert_int_equal(c->full.claims.expires, v->claims.expires);
    cert_verification_issued(v, moments[i]);
    assert_true(v->claims_valid);
    assert_int_equal(c->full.verdict, v->verdict);
    assert_string_equal(c->full.reason, v->reason);
    /* Credential: exact dates. */
    cert_jws_verify(&c->full, c->jws, strlen(c->jws), c->set, 1, moments[i]);
    memset(v, 0, sizeof *v);
    v->claims = c->claims;
    cert_verification_issued(v, moments[i]);
    assert_int_equal(c->full.verdict, v->verdict);
    assert_string_equal(c->full.reason, v->reason);
  }
  free(v);
}

/* The register seal: it holds for exactly the record, display text and token it was made for,
 * under the key it was made with, and the sealed display text still decodes. */
static void test_register_seal(void **state) {
  struct ctx *c = *state;
  struct cert_sealer *s = NULL, *other = NULL;
  unsigned char qr[CERT_SEAL_LEN], jws[CERT_SEAL_LEN], got[2][CERT_SEAL_LEN];
  assert_int_equal(0, cert_sealer_new(&s, &c->keys.signer));
  assert_int_equal(0, cert_sealer_new(&other, &c->keys.other));
  char *display = cert_display_encode(&c->claims);
  assert_non_null(display);
  struct cert_record r = {.serial = c->claims.serial,
                          .holder = c->claims.holder,
                          .subsector = c->claims.subsector,
                          .scheme_id = c->claims.scheme_id,
                          .kid = c->claims.kid,
                          .issued = c->claims.issued,
                          .expires = c->claims.expires};
  assert_int_equal(0, cert_seal(qr, s, CERT_SEAL_QR, &r, c->token, display));
  assert_int_equal(0, cert_seal(jws, s, CERT_SEAL_JWS, &r, c->jws, display));
  char *sealed = cert_display_sealed(display, qr, jws);
  assert_non_null(sealed);
  const char *inside = NULL;
  assert_int_equal(0, cert_display_unseal(&inside, got[0], got[1], sealed));
  assert_string_equal(display, inside);
  assert_memory_equal(qr, got[0], CERT_SEAL_LEN);
  assert_memory_equal(jws, got[1], CERT_SEAL_LEN);
  struct cert_claims *back = calloc(1, sizeof *back);
  assert_non_null(back);
  assert_int_equal(0, cert_display_decode(back, sealed)); /* the display text inside */
  assert_int_equal(c->claims.nunits, back->nunits);
  assert_true(cert_seal_check(s, CERT_SEAL_QR, &r, c->token, display, qr));
  assert_true(cert_seal_check(s, CERT_SEAL_JWS, &r, c->jws, display, jws));
  /* Another key, form, token, display text or any field of the record: no seal. */
  assert_false(cert_seal_check(other, CERT_SEAL_QR, &r, c->token, display, qr));
  assert_false(cert_seal_check(s, CERT_SEAL_JWS, &r, c->token, display, qr));
  assert_false(cert_seal_check(s, CERT_SEAL_QR, &r, c->jws, display, qr));
  assert_false(cert_seal_check(s, CERT_SEAL_QR, &r, c->token, "", qr));
  struct cert_record changed = r;
  changed.holder = "Budi Santoso";
  assert_false(cert_seal_check(s, CERT_SEAL_QR, &changed, c->token, display, qr));
  changed = r;
  changed.expires++;
  assert_false(cert_seal_check(s, CERT_SEAL_QR, &changed, c->token, display, qr));
  changed = r;
  changed.kid = "AAAAAAAA";
  assert_false(cert_seal_check(s, CERT_SEAL_QR, &changed, c->token, display, qr));
  /* Not sealed, or seals cut short: no seals found (a plain display text still decodes). */
  assert_int_equal(-1, cert_display_unseal(&inside, got[0], got[1], display));
  sealed[10] = '\0';
  assert_int_equal(-1, cert_display_unseal(&inside, got[0], got[1], sealed));
  free(back);
  free(sealed);
  free(display);
  cert_sealer_free(s);
  cert_sealer_free(other);
}

/* "Valid until" is the last valid day, and issuance's day boundary is the next midnight. */
static void test_valid_until(void **state) {
  (void)state;
  char d[16];
  cert_valid_until_text(d, sizeof d, 1891036800); /* 2029-12-04T00:00:00Z */
  assert_string_equal("2029-12-03", d);
  cert_valid_until_text(d, sizeof d, 1891036801);
  assert_string_equal("2029-12-04", d);
  assert_int_equal(1891036800, cert_day_ceil(1891036800));
  assert_int_equal(1891036800, cert_day_ceil(1891036800 - 86399));
  assert_int_equal(1891036800 + 86400, cert_day_ceil(1891036801));
  assert_int_equal(0, cert_day_ceil(-86399));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_register_seal),
      cmocka_unit_test(test_valid_until),
      cmocka_unit_test(test_issued_qr_token_gets_the_full_verdict),
      cmocka_unit_test(test_anything_else_is_verified_in_full),
      cmocka_unit_test(test_issued_credential),
      cmocka_unit_test(test_serial_is_read_before_verifying),
      cmocka_unit_test(test_serial_reader_is_safe_on_any_bytes),
      cmocka_unit_test(test_display_text_round_trip),
      cmocka_unit_test(test_display_text_that_is_not_exactly_the_shape_is_refused),
      cmocka_unit_test(test_stored_claims_judge_like_the_verifier),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
