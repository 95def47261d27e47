/*
 * The credential's VC-JOSE JWT form: the payload of tests/data/ob3/example-credential.json
 * (the JSON-LD example of docs/certificates.md) is the document without its proof plus the
 * five OB 3.0 claims derived from it; the rules refuse a payload whose claims differ from the
 * document; the display claims come back; a JWT signed here verifies offline, and fails once
 * its payload is not the one signed; the worked example of docs/certificates.md
 * (docs/examples/credential-es256.jwt and .jwk) verifies as the text says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/vc_jwt.h"

static json_t *example(void) {
  char path[512];
  const char *src = getenv("UJIKOM_SOURCE_DIR");
  snprintf(path, sizeof path, "%s/tests/data/ob3/example-credential.json", src ? src : ".");
  json_t *doc = json_load_file(path, 0, NULL);
  assert_non_null(doc);
  return doc;
}

static void test_payload_claims(void **state) {
  (void)state;
  json_t *doc = example();
  assert_non_null(json_object_get(doc, "proof"));
  json_t *p = vc_jwt_payload(doc);
  assert_non_null(p);
  assert_null(json_object_get(p, "proof"));
  assert_string_equal(json_string_value(json_object_get(p, "iss")),
                      "did:web:sertifikasi.lspekraf-jakut.go.id");
  assert_string_equal(
      json_string_value(json_object_get(p, "jti")),
      "https://sertifikasi.lspekraf-jakut.go.id/credentials/UJK-HG8N-5A83-ZSVH-0GMX-M");
  /* no DID bound: the hashed e-mail identifier, not the name in clear */
  assert_string_equal(json_string_value(json_object_get(p, "sub")),
                      "sha256$f524f07c2f2e538afd58a0342bb440a3733cd51ddf6282ba8208bbc16d8aa95d");
  assert_int_equal(json_integer_value(json_object_get(p, "nbf")), 1795341600); /* 2026-11-22T10Z */
  assert_int_equal(json_integer_value(json_object_get(p, "exp")), 1890036000); /* 2029-11-22T10Z */
  char why[160];
  assert_int_equal(vc_jwt_check_claims(p, why, sizeof why), 0);
  /* a bound DID is the subject */
  json_object_set_new(json_object_get(doc, "credentialSubject"), "id",
                      json_string("did:example:holder"));
  json_t *q = vc_jwt_payload(doc);
  assert_string_equal(json_string_value(json_object_get(q, "sub")), "did:example:holder");
  json_decref(q);
  /* each rule */
  static const char *const keys[] = {"iss", "sub", "jti"};
  for (size_t i = 0; i < 3; i++) {
    json_t *bad = json_deep_copy(p);
    json_object_set_new(bad, keys[i], json_string("something else"));
    assert_int_equal(vc_jwt_check_claims(bad, why, sizeof why), -1);
    assert_non_null(strstr(why, keys[i]));
    json_decref(bad);
  }
  json_t *bad = json_deep_copy(p);
  json_object_set_new(bad, "exp", json_integer(4070908800));
  assert_int_equal(vc_jwt_check_claims(bad, why, sizeof why), -1);
  json_object_set_new(bad, "exp", json_integer(1890036000));
  json_object_set_new(bad, "validUntil", json_string("2099-01-01T00:00:00Z"));
  assert_int_equal(vc_jwt_check_claims(bad, why, sizeof why), -1);
  json_decref(bad);
  /* a document without validUntil gives no payload */
  json_object_del(doc, "validUntil");
  assert_null(vc_jwt_payload(doc));
  json_decref(p);
  json_decref(doc);
}

static void test_display_claims(void **state) {
  (void)state;
  json_t *doc = example();
  struct cert_claims *c = malloc(sizeof *c);
  assert_int_equal(vc_credential_claims(c, doc), 0);
  assert_string_equal(c->serial, "UJK-HG8N-5A83-ZSVH-0GMX-M");
  assert_int_equal(0, strncmp(c->holder, "Raden Ajeng Kartika", 19));
  assert_true(c->has_status);
  assert_string_equal(c->issuer_url, "https://sertifikasi.lspekraf-jakut.go.id");
  assert_int_equal(c->issued, 1795341600);
  free(c);
  json_decref(doc);
}

static void test_sign_and_verify_offline(void **state) {
  (void)state;
  json_t *doc = example();
  struct es256_key *k = NULL;
  char *jwt = NULL;
  assert_int_equal(es256_key_generate(&k), 0);
  const struct es256_pubkey *pub = es256_key_public(k);
  char url[128];
  snprintf(url, sizeof url, "https://sertifikasi.lspekraf-jakut.go.id/api/keys/%s", pub->kid);
  assert_int_equal(vc_jwt_sign(&jwt, doc, url, k), 0);
  struct cert_verification *v = malloc(sizeof *v);
  vc_jwt_verify(v, jwt, strlen(jwt), pub, 1, 1800000000);
  assert_int_equal(v->verdict, CERT_GENUINE);
  assert_true(v->claims_valid);
  assert_string_equal(v->claims.serial, "UJK-HG8N-5A83-ZSVH-0GMX-M");
  assert_string_equal(v->claims.kid, pub->kid);
  vc_jwt_verify(v, jwt, strlen(jwt), pub, 1, 1900000000);
  assert_int_equal(v->verdict, CERT_EXPIRED);
  json_t *p = vc_jwt_payload(doc);
  assert_true(vc_jwt_has_payload(jwt, p));
  json_object_set_new(p, "name", json_string("other"));
  assert_false(vc_jwt_has_payload(jwt, p));
  json_decref(p);
  /* the payload segment swapped for another document's: the signature no longer holds */
  json_object_set_new(doc, "name", json_string("other"));
  char *other = NULL;
  assert_int_equal(vc_jwt_sign(&other, doc, url, k), 0);
  const char *d1 = strchr(jwt, '.'), *d2 = strrchr(jwt, '.');
  const char *o1 = strchr(other, '.'), *o2 = strrchr(other, '.');
  size_t size = strlen(jwt) + strlen(other);
  char *mixed = malloc(size);
  snprintf(mixed, size, "%.*s%.*s%s", (int)(d1 - jwt), jwt, (int)(o2 - o1), o1, d2);
  vc_jwt_verify(v, mixed, strlen(mixed), pub, 1, 1800000000);
  assert_int_equal(v->verdict, CERT_NOT_GENUINE);
  assert_int_equal(v->fault, CERT_FAULT_BAD_SIGNATURE);
  free(mixed);
  free(other);
  free(v);
  free(jwt);
  es256_key_free(k);
  json_decref(doc);
}

/* A file of the source tree, NUL-terminated (malloc'd). */
static char *source_file(const char *rel) {
  char path[512];
  const char *src = getenv("UJIKOM_SOURCE_DIR");
  snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = calloc(1, 65536);
  size_t n = fread(buf, 1, 65535, f);
  fclose(f);
  while (n > 0 && '\n' == buf[n - 1]) {
    buf[--n] = '\0';
  }
  return buf;
}

static void test_documented_example(void **state) {
  (void)state;
  char *jwt = source_file("docs/examples/credential-es256.jwt");
  char *jwk = source_file("docs/examples/credential-es256.jwk");
  char jwks[1024], err[200];
  snprintf(jwks, sizeof jwks, "{\"keys\":[%s]}", jwk);
  struct es256_pubkey *keys = NULL;
  size_t n = 0;
  assert_int_equal(es256_jwks_parse(&keys, &n, jwks, strlen(jwks), err, sizeof err), 0);
  assert_int_equal(n, 1);
  struct cert_verification *v = malloc(sizeof *v);
  vc_jwt_verify(v, jwt, strlen(jwt), keys, n, 1800000000);
  assert_int_equal(v->verdict, CERT_GENUINE);
  assert_string_equal(v->claims.holder, "Siti Rahayu");
  assert_string_equal(v->claims.kid, keys[0].kid);
  jwt[strlen(jwt) / 2] ^= 1; /* one character of the payload */
  vc_jwt_verify(v, jwt, strlen(jwt), keys, n, 1800000000);
  assert_int_equal(v->verdict, CERT_NOT_GENUINE);
  free(v);
  free(keys);
  free(jwk);
  free(jwt);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_payload_claims),
      cmocka_unit_test(test_display_claims),
      cmocka_unit_test(test_sign_and_verify_offline),
      cmocka_unit_test(test_documented_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
