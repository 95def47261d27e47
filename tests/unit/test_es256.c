/*
 * ES256: the example of RFC 7515 appendix A.3 (its JWK, signing input and JOSE signature
 * verify here, and fail once a byte changes), the conversion between JOSE's raw r || s and
 * OpenSSL's DER both ways (short and high-bit integers, trailing bytes refused), keys through
 * PEM, the JWK and JWKS forms, and the compact JWT: signed here, verified here, refused when
 * its header, payload or signature is altered or its key is unknown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "ujikom/es256.h"

/* RFC 7515 A.3.1 */
static const char *const a3_x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
static const char *const a3_y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
static const char *const a3_input =
    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNv"
    "bS9pc19yb290Ijp0cnVlfQ";
static const char *const a3_sig =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

static unsigned char *b64(const char *text, size_t *out_len) {
  unsigned char *out = NULL;
  assert_int_equal(token_b64url_decode(&out, out_len, text, strlen(text)), 0);
  return out;
}

static void a3_key(unsigned char pub[ES256_PUB_LEN]) {
  size_t xl = 0, yl = 0;
  unsigned char *x = b64(a3_x, &xl), *y = b64(a3_y, &yl);
  assert_int_equal(es256_pub_from_xy(pub, x, y), 0);
  free(x);
  free(y);
}

static void test_rfc7515_a3(void **state) {
  (void)state;
  unsigned char pub[ES256_PUB_LEN], der[ES256_DER_SIG_MAX], back[ES256_SIG_LEN];
  size_t sl = 0;
  unsigned char *sig = b64(a3_sig, &sl);
  assert_int_equal(sl, ES256_SIG_LEN);
  a3_key(pub);
  assert_true(es256_verify(pub, a3_input, strlen(a3_input), sig));
  /* the same signature through DER and back is the same 64 bytes */
  int n = es256_sig_to_der(der, sig);
  assert_true(n > 8 && n <= ES256_DER_SIG_MAX);
  assert_int_equal(der[0], 0x30);
  assert_int_equal(es256_sig_from_der(back, der, (size_t)n), 0);
  assert_memory_equal(back, sig, ES256_SIG_LEN);
  /* one bit anywhere: refused */
  sig[10] ^= 1;
  assert_false(es256_verify(pub, a3_input, strlen(a3_input), sig));
  sig[10] ^= 1;
  char *input = strdup(a3_input);
  input[5] ^= 1;
  assert_false(es256_verify(pub, input, strlen(input), sig));
  free(input);
  free(sig);
}

static void test_der_conversion_edges(void **state) {
  (void)state;
  unsigned char raw[ES256_SIG_LEN], der[ES256_DER_SIG_MAX], back[ES256_SIG_LEN];
  /* r = 1 (31 leading zero bytes: DER keeps one byte), s with its top bit set (DER adds 00) */
  memset(raw, 0, sizeof raw);
  raw[31] = 1;
  memset(raw + 32, 0xff, 32);
  int n = es256_sig_to_der(der, raw);
  static const unsigned char head[] = {0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00, 0xff};
  assert_int_equal(n, 2 + 3 + 35);
  assert_memory_equal(der, head, sizeof head);
  assert_int_equal(es256_sig_from_der(back, der, (size_t)n), 0);
  assert_memory_equal(back, raw, sizeof raw);
  /* trailing garbage, a truncated structure, an integer of 33 significant bytes: refused */
  der[n] = 0;
  assert_int_equal(es256_sig_from_der(back, der, (size_t)n + 1), -1);
  assert_int_equal(es256_sig_from_der(back, der, (size_t)n - 1), -1);
  static const unsigned char big[] = {
      0x30, 0x27, 0x02, 0x01, 0x01, 0x02, 0x22, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  assert_int_equal(es256_sig_from_der(back, big, sizeof big), -1);
}

static void test_keys_sign_verify_pem(void **state) {
  (void)state;
  struct es256_key *k = NULL, *again = NULL;
  unsigned char sig[ES256_SIG_LEN];
  char *pem = NULL;
  size_t pl = 0;
  assert_int_equal(es256_key_generate(&k), 0);
  const struct es256_pubkey *p = es256_key_public(k);
  assert_int_equal(p->pub[0], 0x04);
  assert_int_equal(strlen(p->kid), TOKEN_KID_LEN);
  assert_int_equal(es256_sign(sig, k, "message", 7), 0);
  assert_true(es256_verify(p->pub, "message", 7, sig));
  assert_false(es256_verify(p->pub, "messagf", 7, sig));
  assert_int_equal(es256_key_pem(&pem, &pl, k), 0);
  assert_non_null(strstr(pem, "BEGIN PRIVATE KEY"));
  assert_int_equal(es256_key_from_pem(&again, pem, pl), 0);
  assert_memory_equal(es256_key_public(again)->pub, p->pub, ES256_PUB_LEN);
  assert_string_equal(es256_key_public(again)->kid, p->kid);
  es256_pem_free(pem, pl);
  /* an Ed25519 PEM is not a P-256 key */
  static const char ed[] = "-----BEGIN PRIVATE KEY-----\n"
                           "MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
                           "-----END PRIVATE KEY-----\n";
  struct es256_key *none = NULL;
  assert_int_equal(es256_key_from_pem(&none, ed, strlen(ed)), -1);
  assert_null(none);
  es256_key_free(again);
  es256_key_free(k);
}

static void test_not_a_point(void **state) {
  (void)state;
  unsigned char x[ES256_COORD_LEN], y[ES256_COORD_LEN], pub[ES256_PUB_LEN];
  memset(x, 1, sizeof x);
  memset(y, 2, sizeof y);
  assert_int_equal(es256_pub_from_xy(pub, x, y), -1);
}

static void test_jwk_and_jwks(void **state) {
  (void)state;
  struct es256_pubkey k = {.compromised_since = 0};
  a3_key(k.pub);
  es256_kid_from_pub(k.kid, k.pub);
  json_t *jwk = es256_jwk(&k);
  assert_string_equal(json_string_value(json_object_get(jwk, "x")), a3_x);
  assert_string_equal(json_string_value(json_object_get(jwk, "y")), a3_y);
  assert_string_equal(json_string_value(json_object_get(jwk, "kty")), "EC");
  assert_string_equal(json_string_value(json_object_get(jwk, "crv")), "P-256");
  assert_string_equal(json_string_value(json_object_get(jwk, "alg")), "ES256");
  json_t *okp = json_pack("{s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x", "AA");
  json_t *doc = json_pack("{s:[o, o]}", "keys", okp, jwk);
  char *text = json_dumps(doc, JSON_COMPACT);
  struct es256_pubkey *keys = NULL;
  size_t n = 0;
  char err[200];
  assert_int_equal(es256_jwks_parse(&keys, &n, text, strlen(text), err, sizeof err), 0);
  assert_int_equal(n, 1);
  assert_string_equal(keys[0].kid, k.kid);
  assert_memory_equal(keys[0].pub, k.pub, ES256_PUB_LEN);
  free(keys);
  free(text);
  /* a kid that is not the key's own: refused */
  json_object_set_new(json_array_get(json_object_get(doc, "keys"), 1), "kid",
                      json_string("AAAAAAAA"));
  text = json_dumps(doc, JSON_COMPACT);
  assert_int_equal(es256_jwks_parse(&keys, &n, text, strlen(text), err, sizeof err), -1);
  assert_non_null(strstr(err, "kid"));
  free(text);
  json_decref(doc);
}

/* base64url(JSON of obj) */
static char *b64_of(const json_t *obj) {
  char *t = json_dumps(obj, JSON_COMPACT);
  char *b = token_b64url_encode(t, strlen(t));
  free(t);
  return b;
}

static void test_jwt(void **state) {
  (void)state;
  struct es256_key *k = NULL, *other = NULL;
  assert_int_equal(es256_key_generate(&k), 0);
  assert_int_equal(es256_key_generate(&other), 0);
  const struct es256_pubkey *pub = es256_key_public(k);
  char url[128], why[200];
  snprintf(url, sizeof url, "https://example.org/api/keys/%s", pub->kid);
  json_t *payload = json_pack("{s:s, s:i}", "iss", "did:web:example.org", "nbf", 1700000000);
  char *jwt = NULL;
  assert_int_equal(es256_jwt_sign(&jwt, payload, url, k), 0);
  json_t *got = NULL;
  const struct es256_pubkey *key = NULL;
  assert_int_equal(es256_jwt_verify(&got, &key, jwt, strlen(jwt), pub, 1, why, sizeof why),
                   CERT_FAULT_NONE);
  assert_ptr_equal(key, pub);
  assert_true(json_equal(got, payload));
  json_decref(got);
  char alg[16];
  assert_int_equal(es256_jws_alg(alg, sizeof alg, jwt, strlen(jwt)), 0);
  assert_string_equal(alg, "ES256");
  /* unknown key */
  assert_int_equal(
      es256_jwt_verify(&got, &key, jwt, strlen(jwt), es256_key_public(other), 1, why, sizeof why),
      CERT_FAULT_UNKNOWN_KEY);
  assert_null(got);
  /* a payload replaced (same header, same signature) */
  const char *d1 = strchr(jwt, '.'), *d2 = strrchr(jwt, '.');
  json_t *forged = json_pack("{s:s, s:i}", "iss", "did:web:example.org", "nbf", 1700000001);
  char *f64 = b64_of(forged);
  size_t size = strlen(jwt) + 64;
  char *t = malloc(size);
  snprintf(t, size, "%.*s.%s%s", (int)(d1 - jwt), jwt, f64, d2);
  assert_int_equal(es256_jwt_verify(&got, &key, t, strlen(t), pub, 1, why, sizeof why),
                   CERT_FAULT_BAD_SIGNATURE);
  /* a header with another typ (re-signed is impossible: the signature covers it) */
  json_t *h = json_pack("{s:s, s:s, s:s}", "alg", "ES256", "typ", "vc+jwt", "kid", url);
  char *h64 = b64_of(h);
  snprintf(t, size, "%s%s", h64, d1);
  assert_int_equal(es256_jwt_verify(&got, &key, t, strlen(t), pub, 1, why, sizeof why),
                   CERT_FAULT_MALFORMED);
  /* alg none, two segments, a signature of DER length */
  assert_int_equal(es256_jwt_verify(&got, &key, jwt, (size_t)(d2 - jwt), pub, 1, why, sizeof why),
                   CERT_FAULT_MALFORMED);
  snprintf(t, size, "%.*sAAAA", (int)(strlen(jwt)), jwt);
  assert_int_equal(es256_jwt_verify(&got, &key, t, strlen(t), pub, 1, why, sizeof why),
                   CERT_FAULT_BAD_SIGNATURE);
  free(h64);
  json_decref(h);
  free(t);
  free(f64);
  json_decref(forged);
  free(jwt);
  json_decref(payload);
  es256_key_free(other);
  es256_key_free(k);
}

static void test_kid_of_url(void **state) {
  (void)state;
  char kid[TOKEN_KID_LEN + 1];
  assert_int_equal(es256_kid_of_url(kid, "https://x.org/api/keys/ABCDEF23"), 0);
  assert_string_equal(kid, "ABCDEF23");
  assert_int_equal(es256_kid_of_url(kid, "did:web:x.org#QRSTUV67"), 0);
  assert_string_equal(kid, "QRSTUV67");
  assert_int_equal(es256_kid_of_url(kid, "https://x.org/api/keys/abcdef23"), -1);
  assert_int_equal(es256_kid_of_url(kid, "https://x.org/api/keys/ABCDEF234"), -1);
  assert_int_equal(es256_kid_of_url(kid, "https://x.org/api/keys/"), -1);
}

/* es256_sign signs with a copy of the key's prepared context: each signature still draws a
 * nonce of its own (a nonce used twice would give the private key away), and threads signing
 * with one key at once all give signatures that verify. */
#define ES_SIGNERS    4
#define ES_SIGNS_EACH 20
struct es_job {
  const struct es256_key *k;
  int bad;
};

static void *es_sign_many(void *arg) {
  struct es_job *j = arg;
  unsigned char sig[ES256_SIG_LEN];
  for (int i = 0; i < ES_SIGNS_EACH; i++) {
    if (0 != es256_sign(sig, j->k, "sertifikat", 10) ||
        !es256_verify(es256_key_public(j->k)->pub, "sertifikat", 10, sig)) {
      j->bad++;
    }
  }
  return NULL;
}

static void test_every_signature_its_own_nonce(void **state) {
  (void)state;
  struct es256_key *k = NULL;
  unsigned char a[ES256_SIG_LEN], b[ES256_SIG_LEN];
  assert_int_equal(es256_key_generate(&k), 0);
  assert_int_equal(es256_sign(a, k, "sertifikat", 10), 0);
  assert_int_equal(es256_sign(b, k, "sertifikat", 10), 0);
  /* r (the first half) comes from the nonce alone */
  assert_memory_not_equal(a, b, ES256_SIG_LEN / 2);
  assert_true(es256_verify(es256_key_public(k)->pub, "sertifikat", 10, a));
  assert_true(es256_verify(es256_key_public(k)->pub, "sertifikat", 10, b));
  pthread_t t[ES_SIGNERS];
  struct es_job jobs[ES_SIGNERS];
  for (int i = 0; i < ES_SIGNERS; i++) {
    jobs[i] = (struct es_job){.k = k};
    assert_int_equal(0, pthread_create(&t[i], NULL, es_sign_many, &jobs[i]));
  }
  for (int i = 0; i < ES_SIGNERS; i++) {
    assert_int_equal(0, pthread_join(t[i], NULL));
    assert_int_equal(0, jobs[i].bad);
  }
  es256_key_free(k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc7515_a3),
      cmocka_unit_test(test_der_conversion_edges),
      cmocka_unit_test(test_keys_sign_verify_pem),
      cmocka_unit_test(test_not_a_point),
      cmocka_unit_test(test_jwk_and_jwks),
      cmocka_unit_test(test_jwt),
      cmocka_unit_test(test_kid_of_url),
      cmocka_unit_test(test_every_signature_its_own_nonce),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
