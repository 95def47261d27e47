/*
 * The certificate JWS: round trip of every claim, and the strict verifier against forgery —
 * every changed character, swapped kid, alg none, HS256 keyed with the public key, extra or
 * missing segments, truncation, over-long input, duplicate header members, expiry; the
 * credentialStatus entries and the replaced serial, read back strictly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/hmac.h>

#include "test_cert_fixture.h"
#include "ujikom/cert.h"

#define NOW (FIX_ISSUED + 3600)

struct ctx {
  struct fixture_keys keys;
  struct cert_claims claims;
  char *jws;
};

static int setup(void **state) {
  struct ctx *c = calloc(1, sizeof *c);
  if (NULL == c) {
    return -1;
  }
  fixture_keys_init(&c->keys);
  fixture_claims(&c->claims);
  if (0 != cert_jws_sign(&c->jws, &c->claims, &c->keys.signer)) {
    return -1;
  }
  *state = c;
  return 0;
}

static int teardown(void **state) {
  struct ctx *c = *state;
  fixture_keys_wipe(&c->keys);
  free(c->jws);
  free(c);
  return 0;
}

static void verify(struct cert_verification *v, const struct ctx *c, const char *jws, int64_t now) {
  cert_jws_verify(v, jws, strlen(jws), c->keys.trusted, 2, now);
}

static void expect_not_genuine(const struct ctx *c, const char *jws, const char *what) {
  struct cert_verification *v = malloc(sizeof *v);
  assert_non_null(v);
  verify(v, c, jws, NOW);
  if (CERT_NOT_GENUINE != v->verdict || v->claims_valid) {
    fail_msg("%s: verdict %s, expected not_genuine", what, cert_verdict_name(v->verdict));
  }
  assert_true(strlen(v->reason) > 0);
  free(v);
}

static void test_round_trip(void **state) {
  struct ctx *c = *state;
  struct cert_verification *v = malloc(sizeof *v);
  assert_non_null(v);
  verify(v, c, c->jws, NOW);
  assert_int_equal(CERT_GENUINE, v->verdict);
  assert_true(v->claims_valid);
  assert_string_equal(c->claims.serial, v->claims.serial);
  assert_string_equal(c->claims.holder, v->claims.holder);
  assert_string_equal(c->claims.holder_id, v->claims.holder_id);
  assert_string_equal(c->claims.subsector, v->claims.subsector);
  assert_string_equal(c->claims.subsector_name, v->claims.subsector_name);
  assert_string_equal(c->claims.scheme_id, v->claims.scheme_id);
  assert_string_equal(c->claims.scheme_title, v->claims.scheme_title);
  assert_string_equal(c->claims.issuer_name, v->claims.issuer_name);
  assert_string_equal(c->claims.issuer_url, v->claims.issuer_url);
  assert_int_equal(c->claims.issued, v->claims.issued);
  assert_int_equal(c->claims.expires, v->claims.expires);
  assert_string_equal(c->keys.signer.pub.kid, v->claims.kid);
  assert_int_equal(3, v->claims.nunits);
  for (size_t i = 0; i < 3; i++) {
    assert_string_equal(c->claims.units[i].code, v->claims.units[i].code);
    assert_string_equal(c->claims.units[i].title, v->claims.units[i].title);
  }
  /* expired, and not yet valid */
  verify(v, c, c->jws, FIX_EXPIRES);
  assert_int_equal(CERT_EXPIRED, v->verdict);
  assert_true(v->claims_valid);
  verify(v, c, c->jws, FIX_ISSUED - 86400);
  assert_int_equal(CERT_NOT_GENUINE, v->verdict);
  free(v);
}

static void test_header_shape(void **state) {
  struct ctx *c = *state;
  const char *dot = strchr(c->jws, '.');
  unsigned char *h = NULL;
  size_t hl = 0;
  assert_non_null(dot);
  assert_int_equal(0, token_b64url_decode(&h, &hl, c->jws, (size_t)(dot - c->jws)));
  char expect[128];
  snprintf(expect, sizeof expect, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"vc+jwt\"}",
           c->keys.signer.pub.kid);
  assert_string_equal(expect, (const char *)h);
  free(h);
}

static void test_every_changed_character(void **state) {
  struct ctx *c = *state;
  char *t = strdup(c->jws);
  assert_non_null(t);
  size_t n = strlen(t);
  for (size_t i = 0; i < n; i++) {
    char orig = t[i];
    t[i] = ('A' == orig) ? 'B' : 'A';
    char what[64];
    snprintf(what, sizeof what, "character %zu changed", i);
    expect_not_genuine(c, t, what);
    t[i] = orig;
  }
  free(t);
}

/* Builds header.payload.sig from parts; returns a malloc'd string. */
static char *assemble(const char *header_json, const char *payload_b64, const char *sig_b64) {
  char *h = token_b64url_encode(header_json, strlen(header_json));
  size_t len = strlen(h) + strlen(payload_b64) + strlen(sig_b64) + 3;
  char *out = malloc(len);
  snprintf(out, len, "%s.%s.%s", h, payload_b64, sig_b64);
  free(h);
  return out;
}

static char *payload_of(const char *jws) {
  const char *d1 = strchr(jws, '.');
  const char *d2 = strchr(d1 + 1, '.');
  return strndup(d1 + 1, (size_t)(d2 - d1 - 1));
}

static void test_algorithm_attacks(void **state) {
  struct ctx *c = *state;
  char *payload = payload_of(c->jws);
  const char *sig = strrchr(c->jws, '.') + 1;
  char hdr[160];
  /* alg none, with and without a signature */
  snprintf(hdr, sizeof hdr, "{\"alg\":\"none\",\"kid\":\"%s\",\"typ\":\"vc+jwt\"}",
           c->keys.signer.pub.kid);
  char *t = assemble(hdr, payload, sig);
  expect_not_genuine(c, t, "alg none with signature");
  free(t);
  char *h64 = token_b64url_encode(hdr, strlen(hdr));
  size_t len = strlen(h64) + strlen(payload) + 3;
  t = malloc(len);
  snprintf(t, len, "%s.%s.", h64, payload);
  expect_not_genuine(c, t, "alg none, empty signature");
  free(t);
  free(h64);
  /* HS256 keyed with the public key (raw bytes and its base64url text) */
  for (int variant = 0; variant < 2; variant++) {
    snprintf(hdr, sizeof hdr, "{\"alg\":\"HS256\",\"kid\":\"%s\",\"typ\":\"vc+jwt\"}",
             c->keys.signer.pub.kid);
    h64 = token_b64url_encode(hdr, strlen(hdr));
    char input[8192];
    snprintf(input, sizeof input, "%s.%s", h64, payload);
    unsigned char mac[32];
    unsigned maclen = 0;
    char *xb64 = token_b64url_encode(c->keys.signer.pub.pub, TOKEN_PUB_LEN);
    const void *secret = variant ? (const void *)xb64 : (const void *)c->keys.signer.pub.pub;
    int secret_len = variant ? (int)strlen(xb64) : TOKEN_PUB_LEN;
    assert_non_null(HMAC(EVP_sha256(), secret, secret_len, (const unsigned char *)input,
                         strlen(input), mac, &maclen));
    char *m64 = token_b64url_encode(mac, maclen);
    t = assemble(hdr, payload, m64);
    expect_not_genuine(c, t, "HS256 with the public key as secret");
    free(t);
    free(m64);
    free(xb64);
    free(h64);
  }
  /* other algorithms, case variants, missing alg, wrong typ, extra header member */
  static const char *const parts[][2] = {
      {"{\"alg\":\"eddsa\",\"kid\":\"", "\",\"typ\":\"vc+jwt\"}"},
      {"{\"alg\":\"ES256\",\"kid\":\"", "\",\"typ\":\"vc+jwt\"}"},
      {"{\"kid\":\"", "\",\"typ\":\"vc+jwt\"}"},
      {"{\"alg\":\"EdDSA\",\"kid\":\"", "\",\"typ\":\"JWT\"}"},
      {"{\"alg\":\"EdDSA\",\"kid\":\"", "\",\"typ\":\"vc+jwt\",\"crit\":[\"b64\"],\"b64\":false}"},
      {"{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\",\"kid\":\"", "\",\"typ\":\"vc+jwt\"}"},
      {"[\"EdDSA\",\"", "\"]"},
  };
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    snprintf(hdr, sizeof hdr, "%s%s%s", parts[i][0], c->keys.signer.pub.kid, parts[i][1]);
    t = assemble(hdr, payload, sig);
    expect_not_genuine(c, t, hdr);
    free(t);
  }
  free(payload);
}

static void test_swapped_and_unknown_kid(void **state) {
  struct ctx *c = *state;
  char *payload = payload_of(c->jws);
  const char *sig = strrchr(c->jws, '.') + 1;
  char hdr[160];
  /* the other (known) key's kid: signature must not verify under it */
  snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"vc+jwt\"}",
           c->keys.other.pub.kid);
  char *t = assemble(hdr, payload, sig);
  expect_not_genuine(c, t, "swapped kid");
  free(t);
  snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"AAAAAAAA\",\"typ\":\"vc+jwt\"}");
  t = assemble(hdr, payload, sig);
  expect_not_genuine(c, t, "unknown kid");
  free(t);
  /* a token signed by a key that is not in the set at all */
  struct token_key stranger;
  fixture_stranger_key(&stranger);
  char *foreign = NULL;
  assert_int_equal(0, cert_jws_sign(&foreign, &c->claims, &stranger));
  expect_not_genuine(c, foreign, "signed by a stranger's key");
  free(foreign);
  token_key_wipe(&stranger);
  /* an empty key set */
  struct cert_verification *v = malloc(sizeof *v);
  cert_jws_verify(v, c->jws, strlen(c->jws), NULL, 0, NOW);
  assert_int_equal(CERT_NOT_GENUINE, v->verdict);
  free(v);
  free(payload);
}

static void test_structure_attacks(void **state) {
  struct ctx *c = *state;
  size_t n = strlen(c->jws);
  char *t = malloc(n + CERT_JWS_MAX + 16);
  /* every truncation */
  for (size_t cut = 0; cut < n; cut++) {
    memcpy(t, c->jws, cut);
    t[cut] = '\0';
    char what[64];
    snprintf(what, sizeof what, "truncated to %zu", cut);
    expect_not_genuine(c, t, what);
  }
  /* extra segment, trailing dot, padding, whitespace */
  static const char *const suffix[] = {".", ".AAAA", "=", " ", "\n"};
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    snprintf(t, n + 16, "%s%s", c->jws, suffix[i]);
    expect_not_genuine(c, t, suffix[i]);
  }
  /* over-long: the valid token followed by junk past the limit */
  memcpy(t, c->jws, n);
  memset(t + n, 'A', CERT_JWS_MAX);
  t[n + CERT_JWS_MAX] = '\0';
  expect_not_genuine(c, t, "over-long");
  /* payload of another valid token spliced in */
  struct cert_claims other = c->claims;
  snprintf(other.holder, sizeof other.holder, "Budi Santoso");
  char *jws2 = NULL;
  assert_int_equal(0, cert_jws_sign(&jws2, &other, &c->keys.signer));
  char *p2 = payload_of(jws2);
  const char *d1 = strchr(c->jws, '.');
  const char *sig = strrchr(c->jws, '.');
  snprintf(t, n + CERT_JWS_MAX, "%.*s.%s%s", (int)(d1 - c->jws), c->jws, p2, sig);
  expect_not_genuine(c, t, "spliced payload");
  free(p2);
  free(jws2);
  free(t);
  struct cert_verification *v = malloc(sizeof *v);
  cert_jws_verify(v, NULL, 0, c->keys.trusted, 2, NOW);
  assert_int_equal(CERT_NOT_GENUINE, v->verdict);
  free(v);
}

static void test_sign_rejects_bad_claims(void **state) {
  struct ctx *c = *state;
  struct cert_claims bad = c->claims;
  char *out = NULL;
  bad.holder[0] = '\0';
  assert_int_equal(-1, cert_jws_sign(&out, &bad, &c->keys.signer));
  assert_null(out);
  bad = c->claims;
  bad.expires = bad.issued;
  assert_int_equal(-1, cert_jws_sign(&out, &bad, &c->keys.signer));
  bad = c->claims;
  snprintf(bad.serial, sizeof bad.serial, "UJK-0000-0000-0000-0000-1");
  assert_int_equal(-1, cert_jws_sign(&out, &bad, &c->keys.signer));
  bad = c->claims;
  snprintf(bad.holder, sizeof bad.holder, "bad \xff utf8");
  assert_int_equal(-1, cert_jws_sign(&out, &bad, &c->keys.signer));
  /* hostile but valid text is signed and comes back byte for byte */
  bad = c->claims;
  snprintf(bad.holder, sizeof bad.holder, "<img src=x onerror=alert(1)> \"Ñoño\" \\ '");
  assert_int_equal(0, cert_jws_sign(&out, &bad, &c->keys.signer));
  struct cert_verification *v = malloc(sizeof *v);
  verify(v, c, out, NOW);
  assert_int_equal(CERT_GENUINE, v->verdict);
  assert_string_equal(bad.holder, v->claims.holder);
  free(v);
  free(out);
}

/* The largest certificate the issuer can make (64 units, long titles) is signed and
 * verifies: the signer never produces what the verifier refuses. */
static void test_largest_certificate(void **state) {
  struct ctx *c = *state;
  struct cert_claims *big = malloc(sizeof *big);
  *big = c->claims;
  big->nunits = CERT_MAX_UNITS;
  for (size_t i = 0; i < CERT_MAX_UNITS; i++) {
    snprintf(big->units[i].code, sizeof big->units[i].code, "M.74DKV13.%03zu.3", i);
    memset(big->units[i].title, 'a', sizeof big->units[i].title - 1);
    big->units[i].title[sizeof big->units[i].title - 1] = '\0';
  }
  /* The longest holder the one name validator lets through: 200 characters of four-byte
   * letters (U+20000), 800 bytes, all the holder field holds. */
  for (size_t i = 0; i < PERSON_NAME_MAX_CHARS; i++) {
    memcpy(big->holder + 4 * i, "\xF0\xA0\x80\x80", 4);
  }
  big->holder[PERSON_NAME_MAX_BYTES] = '\0';
  assert_int_equal(sizeof big->holder - 1, strlen(big->holder));
  char *jws = NULL;
  assert_int_equal(0, cert_jws_sign(&jws, big, &c->keys.signer));
  assert_true(strlen(jws) <= CERT_JWS_MAX);
  struct cert_verification *v = malloc(sizeof *v);
  verify(v, c, jws, NOW);
  assert_int_equal(CERT_GENUINE, v->verdict);
  assert_int_equal(CERT_MAX_UNITS, v->claims.nunits);
  assert_string_equal(big->units[63].title, v->claims.units[63].title);
  assert_string_equal(big->holder, v->claims.holder);
  free(v);
  free(jws);
  free(big);
}

/* jws with its payload's vc changed by edit (jansson) and signed again with the signer's key:
 * what a holder of the key could sign, to test the claims parser beyond the signature. */
static char *resign(const struct ctx *c, const char *jws, void (*edit)(json_t *vc)) {
  char *p64 = payload_of(jws);
  unsigned char *raw = NULL;
  size_t rawlen = 0;
  assert_int_equal(0, token_b64url_decode(&raw, &rawlen, p64, strlen(p64)));
  json_t *payload = json_loadb((const char *)raw, rawlen, 0, NULL);
  assert_non_null(payload);
  edit(json_object_get(payload, "vc"));
  char *text = json_dumps(payload, JSON_COMPACT);
  char *np64 = token_b64url_encode(text, strlen(text));
  const char *d1 = strchr(jws, '.');
  size_t hl = (size_t)(d1 - jws), pl = strlen(np64);
  char *out = malloc(hl + pl + 100);
  assert_non_null(out);
  memcpy(out, jws, hl + 1);
  memcpy(out + hl + 1, np64, pl + 1);
  unsigned char sig[TOKEN_SIG_LEN];
  assert_int_equal(0, token_ed25519_sign(sig, &c->keys.signer, out, hl + 1 + pl));
  char *s64 = token_b64url_encode(sig, sizeof sig);
  snprintf(out + hl + 1 + pl, 100, ".%s", s64);
  free(s64);
  free(np64);
  free(text);
  json_decref(payload);
  free(raw);
  free(p64);
  return out;
}

static json_t *entry(json_t *vc, size_t i) {
  return json_array_get(json_object_get(vc, "credentialStatus"), i);
}
static void swap_purpose(json_t *vc) {
  json_object_set_new(entry(vc, 0), "statusPurpose", json_string("suspension"));
}
static void leading_zero(json_t *vc) {
  json_object_set_new(entry(vc, 0), "statusListIndex", json_string("04242"));
  json_object_set_new(entry(vc, 1), "statusListIndex", json_string("04242"));
}
static void two_indexes(json_t *vc) {
  json_object_set_new(entry(vc, 1), "statusListIndex", json_string("4243"));
}
static void index_too_large(json_t *vc) {
  json_object_set_new(entry(vc, 0), "statusListIndex", json_string("16777216"));
  json_object_set_new(entry(vc, 1), "statusListIndex", json_string("16777216"));
}
static void other_host(json_t *vc) {
  json_object_set_new(entry(vc, 0), "statusListCredential",
                      json_string("https://elsewhere.example/status/revocation"));
}
static void one_entry(json_t *vc) {
  json_array_remove(json_object_get(vc, "credentialStatus"), 1);
}
static void numeric_index(json_t *vc) {
  json_object_set_new(entry(vc, 0), "statusListIndex", json_integer(4242));
}
static void bad_replaces(json_t *vc) {
  json_object_set_new(vc, "replaces", json_string("UJK-not-a-serial"));
}
static void no_lifecycle(json_t *vc) {
  json_object_del(vc, "credentialStatus");
  json_object_del(vc, "replaces");
}

/* credentialStatus (Bitstring Status List) and replaces: signed, read back, and strict. */
static void test_status_and_replaces(void **state) {
  struct ctx *c = *state;
  struct cert_claims cl = c->claims;
  char *jws = NULL;
  cl.has_status = true;
  cl.status_index = 4242;
  snprintf(cl.replaces, sizeof cl.replaces, "UJK-0000-0000-0000-0000-0");
  assert_int_equal(0, cert_jws_sign(&jws, &cl, &c->keys.signer));
  struct cert_verification *v = malloc(sizeof *v);
  assert_non_null(v);
  verify(v, c, jws, NOW);
  assert_int_equal(CERT_GENUINE, v->verdict);
  assert_true(v->claims.has_status);
  assert_int_equal(4242, v->claims.status_index);
  assert_string_equal(cl.replaces, v->claims.replaces);
  /* the entries as the specification writes them */
  char *p64 = payload_of(jws);
  unsigned char *raw = NULL;
  size_t rawlen = 0;
  assert_int_equal(0, token_b64url_decode(&raw, &rawlen, p64, strlen(p64)));
  json_t *p = json_loadb((const char *)raw, rawlen, 0, NULL);
  json_t *vc = json_object_get(p, "vc");
  char url[300];
  snprintf(url, sizeof url, "%s/status/suspension", cl.issuer_url);
  assert_string_equal("BitstringStatusListEntry",
                      json_string_value(json_object_get(entry(vc, 1), "type")));
  assert_string_equal("4242", json_string_value(json_object_get(entry(vc, 1), "statusListIndex")));
  assert_string_equal(url,
                      json_string_value(json_object_get(entry(vc, 1), "statusListCredential")));
  assert_string_equal("urn:ujikom:cert:UJK-0000-0000-0000-0000-0",
                      json_string_value(json_object_get(vc, "replaces")));
  json_decref(p);
  free(raw);
  free(p64);
  /* without them (as before), and with every malformed form refused */
  char *t = resign(c, jws, no_lifecycle);
  verify(v, c, t, NOW);
  assert_int_equal(CERT_GENUINE, v->verdict);
  assert_false(v->claims.has_status);
  assert_string_equal("", v->claims.replaces);
  free(t);
  void (*const bad[])(json_t *) = {swap_purpose, leading_zero, two_indexes,   index_too_large,
                                   other_host,   one_entry,    numeric_index, bad_replaces};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char what[32];
    snprintf(what, sizeof what, "lifecycle edit %zu", i);
    t = resign(c, jws, bad[i]);
    expect_not_genuine(c, t, what);
    free(t);
  }
  free(jws);
  /* an index in a list grown past its first length (ujikom/status_list.h), up to the last */
  const uint64_t grown[] = {CERT_STATUS_LIST_BITS, CERT_STATUS_INDEX_LIMIT - 1};
  for (size_t i = 0; i < sizeof grown / sizeof grown[0]; i++) {
    cl.status_index = grown[i];
    assert_int_equal(0, cert_jws_sign(&jws, &cl, &c->keys.signer));
    verify(v, c, jws, NOW);
    assert_int_equal(CERT_GENUINE, v->verdict);
    assert_int_equal(grown[i], v->claims.status_index);
    free(jws);
  }
  free(v);
  /* the signer refuses what the parser would */
  cl.status_index = CERT_STATUS_INDEX_LIMIT;
  assert_int_equal(-1, cert_jws_sign(&jws, &cl, &c->keys.signer));
  cl.status_index = 1;
  memcpy(cl.replaces, cl.serial, sizeof cl.replaces);
  assert_int_equal(-1, cert_jws_sign(&jws, &cl, &c->keys.signer));
  snprintf(cl.replaces, sizeof cl.replaces, "UJK-0000-0000-0000-0000-1");
  assert_int_equal(-1, cert_jws_sign(&jws, &cl, &c->keys.signer));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_header_shape),
      cmocka_unit_test(test_every_changed_character),
      cmocka_unit_test(test_algorithm_attacks),
      cmocka_unit_test(test_swapped_and_unknown_kid),
      cmocka_unit_test(test_structure_attacks),
      cmocka_unit_test(test_sign_rejects_bad_claims),
      cmocka_unit_test(test_largest_certificate),
      cmocka_unit_test(test_status_and_replaces),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
