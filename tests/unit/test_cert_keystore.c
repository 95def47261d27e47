/*
 * Signing keys on disk: first start generates a 0600 key, rotation keeps old keys public,
 * exposed/symlinked/misnamed key files are refused, and the JWKS round-trips; the same for
 * the P-256 keys of the credential's JWT form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/keystore.h"
#include "test_tmpdir.h"
#include "ujikom/es256.h"
#include "ujikom/token.h"

static void path_of(char *out, size_t size, const char *dir, const char *kid) {
  snprintf(out, size, "%s/keys/%s.pem", dir, kid);
}

static void test_lifecycle(void **state) {
  (void)state;
  char dir[] = "/tmp/ujikom-keys-XXXXXX", data[128], err[512], path[256];
  assert_non_null(mkdtemp(dir));
  snprintf(data, sizeof data, "%s/data", dir);
  struct keystore *ks = NULL;
  /* without create, an empty directory is an error */
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_null(ks);
  assert_int_equal(0, keystore_open(&ks, data, true, err, sizeof err));
  char first[TOKEN_KID_LEN + 1];
  memcpy(first, keystore_active(ks)->pub.kid, sizeof first);
  keystore_free(ks);
  path_of(path, sizeof path, data, first);
  struct stat st;
  assert_int_equal(0, stat(path, &st));
  assert_int_equal(0600, st.st_mode & 0777);
  /* opening again loads the same key, does not create another */
  assert_int_equal(0, keystore_open(&ks, data, true, err, sizeof err));
  assert_string_equal(first, keystore_active(ks)->pub.kid);
  size_t n = 0;
  keystore_public(ks, &n);
  assert_int_equal(1, n);
  keystore_free(ks);
  /* rotate: new active, old one still published */
  char second[TOKEN_KID_LEN + 1];
  assert_int_equal(0, keystore_rotate(second, data, err, sizeof err));
  assert_string_not_equal(first, second);
  assert_int_equal(0, keystore_open(&ks, data, false, err, sizeof err));
  assert_string_equal(second, keystore_active(ks)->pub.kid);
  const struct token_pubkey *pubs = keystore_public(ks, &n);
  assert_int_equal(2, n);
  assert_string_equal(second, pubs[0].kid);
  assert_string_equal(first, pubs[1].kid);
  /* signing with the loaded key verifies with its public key */
  unsigned char sig[TOKEN_SIG_LEN];
  assert_int_equal(0, token_ed25519_sign(sig, keystore_active(ks), "x", 1));
  assert_true(token_ed25519_verify(pubs[0].pub, "x", 1, sig));
  assert_false(token_ed25519_verify(pubs[1].pub, "x", 1, sig));
  /* JWKS round trip */
  char *jwks = keystore_jwks(ks);
  assert_non_null(jwks);
  struct token_pubkey *parsed = NULL;
  size_t pn = 0;
  assert_int_equal(0, token_jwks_parse(&parsed, &pn, jwks, strlen(jwks), err, sizeof err));
  assert_int_equal(2, pn);
  for (size_t i = 0; i < 2; i++) { /* kid and key; the loaded set also carries its cache */
    assert_string_equal(pubs[i].kid, parsed[i].kid);
    assert_memory_equal(pubs[i].pub, parsed[i].pub, TOKEN_PUB_LEN);
  }
  free(parsed);
  free(jwks);
  keystore_free(ks);
  /* exposed key file is refused with a clear message */
  path_of(path, sizeof path, data, first);
  assert_int_equal(0, chmod(path, 0644));
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_non_null(strstr(err, "group or others"));
  assert_int_equal(0, chmod(path, 0600));
  /* a key file under a name that is not its kid */
  char renamed[256];
  snprintf(renamed, sizeof renamed, "%s/keys/AAAAAAAA.pem", data);
  assert_int_equal(0, rename(path, renamed));
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_non_null(strstr(err, "its name must be"));
  assert_int_equal(0, rename(renamed, path));
  /* a symlink in place of a key file */
  snprintf(renamed, sizeof renamed, "%s/keys/BBBBBBBB.pem", data);
  assert_int_equal(0, symlink(path, renamed));
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_non_null(strstr(err, "symbolic link"));
  unlink(renamed);
  /* active naming a missing key */
  snprintf(renamed, sizeof renamed, "%s/keys/active", data);
  FILE *f = fopen(renamed, "w");
  fputs("CCCCCCCC\n", f);
  fclose(f);
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_non_null(strstr(err, "CCCCCCCC"));
  assert_int_equal(0, test_tmpdir_remove(dir));
}

static void test_jwks_parse_errors(void **state) {
  (void)state;
  char err[256];
  struct token_pubkey *keys = NULL;
  size_t n = 0;
  static const char *const bad[] = {
      "",
      "[]",
      "{\"keys\":{}}",
      "{\"keys\":[]}",
      "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"x\",\"e\":\"AQAB\"}]}",
      "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\",\"kid\":\"X\"}]}",
      ("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
       "\"6JZL-4I1rJT0feT29B_LOfJHi9wrid14lWPZGp8JN4U\",\"kid\":\"AAAAAAAA\"}]}"),
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (0 == token_jwks_parse(&keys, &n, bad[i], strlen(bad[i]), err, sizeof err)) {
      fail_msg("accepted bad JWKS #%zu", i);
    }
    assert_null(keys);
    assert_true(strlen(err) > 0);
  }
}

/* Retirement: the active key is replaced, the record is kept and read back, the JWKS marks a
 * compromised key, and a bad record or an active file naming a retired key is refused. */
static void test_retire(void **state) {
  (void)state;
  char dir[] = "/tmp/ujikom-keys-XXXXXX", data[128], err[512], path[256], active[TOKEN_KID_LEN + 1];
  char first[TOKEN_KID_LEN + 1];
  struct keystore *ks = NULL;
  struct keystore_key_state st;
  assert_non_null(mkdtemp(dir));
  snprintf(data, sizeof data, "%s/data", dir);
  assert_int_equal(0, keystore_open(&ks, data, true, err, sizeof err));
  memcpy(first, keystore_active(ks)->pub.kid, sizeof first);
  assert_int_equal(0, keystore_key_state(ks, first, &st));
  assert_false(st.retired);
  assert_int_equal(-1, st.compromised_since_ms);
  assert_non_null(keystore_sealer(ks, first));
  assert_null(keystore_sealer(ks, "AAAAAAAA"));
  keystore_free(ks);
  assert_int_equal(-1, keystore_retire(active, data, "AAAAAAAA", 1000, -1, err, sizeof err));
  assert_int_equal(
      0, keystore_retire(active, data, first, 1796320000123, 1796310000250, err, sizeof err));
  assert_string_not_equal(first, active);
  assert_int_equal(-1, keystore_retire(active, data, first, 1796320000123, -1, err, sizeof err));
  assert_non_null(strstr(err, "already retired"));
  assert_int_equal(0, keystore_open(&ks, data, false, err, sizeof err));
  assert_string_equal(active, keystore_active(ks)->pub.kid);
  assert_int_equal(0, keystore_key_state(ks, first, &st));
  assert_true(st.retired);
  assert_int_equal(1796320000000, st.retired_ms);
  assert_int_equal(1796310000250, st.compromised_since_ms);
  char *jwks = keystore_jwks(ks);
  assert_non_null(
      strstr(jwks, "\"revoked\":{\"revoked_at\":1796310000,\"reason\":\"keyCompromise\"}"));
  free(jwks);
  keystore_free(ks);
  /* A record that is not exactly "retired TIME" (+ "compromised-since TIME") is refused. */
  snprintf(path, sizeof path, "%s/keys/%s.retired", data, first);
  FILE *f = fopen(path, "w");
  fputs("retired yesterday\n", f);
  fclose(f);
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_non_null(strstr(err, "not a retirement record"));
  /* The active file may not name a retired key. */
  f = fopen(path, "w");
  fputs("retired 2026-12-03T00:00:00Z\n", f);
  fclose(f);
  snprintf(path, sizeof path, "%s/keys/%s.retired", data, active);
  f = fopen(path, "w");
  fputs("retired 2026-12-03T00:00:00Z\n", f);
  fclose(f);
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_non_null(strstr(err, "retired"));
  assert_int_equal(0, test_tmpdir_remove(dir));
}

/* The P-256 keys of the JWT form: created beside the Ed25519 key with mode 0600, none for a
 * data directory from before when opened without create, rotated and retired (as
 * compromised) like the Ed25519 ones, published in the JWKS, one JWK per kid and the DID
 * document; a P-256 key file that is exposed or not a P-256 key is refused. */
static void test_es256(void **state) {
  (void)state;
  char dir[] = "/tmp/ujikom-keys-XXXXXX", data[128], err[512], path[256], kid[TOKEN_KID_LEN + 1];
  char second[TOKEN_KID_LEN + 1], active[TOKEN_KID_LEN + 1], edkid[TOKEN_KID_LEN + 1];
  struct keystore *ks = NULL;
  struct keystore_key_state st;
  struct stat sb;
  size_t n = 0;
  assert_non_null(mkdtemp(dir));
  snprintf(data, sizeof data, "%s/data", dir);
  /* a data directory with only an Ed25519 key (from before): a tool sees no P-256 key */
  assert_int_equal(0, keystore_rotate(edkid, data, err, sizeof err));
  assert_int_equal(0, keystore_open(&ks, data, false, err, sizeof err));
  assert_null(keystore_es256_active(ks));
  assert_null(keystore_es256_public(ks, &n));
  assert_int_equal(0, n);
  keystore_free(ks);
  /* the daemon (create) makes one */
  assert_int_equal(0, keystore_open(&ks, data, true, err, sizeof err));
  assert_non_null(keystore_es256_active(ks));
  const struct es256_pubkey *ec = keystore_es256_public(ks, &n);
  assert_int_equal(1, n);
  memcpy(kid, ec[0].kid, sizeof kid);
  assert_string_equal(kid, es256_key_public(keystore_es256_active(ks))->kid);
  snprintf(path, sizeof path, "%s/keys/es256/%s.pem", data, kid);
  assert_int_equal(0, stat(path, &sb));
  assert_int_equal(0600, sb.st_mode & 0777);
  /* it signs, and its JWK and the JWKS carry it */
  unsigned char sig[ES256_SIG_LEN];
  assert_int_equal(0, es256_sign(sig, keystore_es256_active(ks), "x", 1));
  assert_true(es256_verify(ec[0].pub, "x", 1, sig));
  char *jwk = keystore_jwk(ks, kid);
  assert_non_null(strstr(jwk, "\"kty\":\"EC\""));
  free(jwk);
  jwk = keystore_jwk(ks, edkid);
  assert_non_null(strstr(jwk, "\"kty\":\"OKP\""));
  free(jwk);
  assert_null(keystore_jwk(ks, "AAAAAAAA"));
  char *jwks = keystore_jwks(ks);
  struct es256_pubkey *parsed = NULL;
  assert_int_equal(0, es256_jwks_parse(&parsed, &n, jwks, strlen(jwks), err, sizeof err));
  assert_int_equal(1, n);
  assert_string_equal(kid, parsed[0].kid);
  free(parsed);
  free(jwks);
  char *did = keystore_did_document(ks, "did:web:example.org");
  assert_non_null(strstr(did, "\"did:web:example.org#"));
  assert_non_null(strstr(did, "\"publicKeyMultibase\":\"zDn"));
  assert_non_null(strstr(did, "\"publicKeyMultibase\":\"z6Mk"));
  free(did);
  char url[KEYSTORE_KID_URL_SIZE];
  assert_int_equal(0, keystore_kid_url(url, sizeof url, "https://lsp.example", kid));
  assert_int_equal(0, strncmp(url, "https://lsp.example/api/keys/", 29));
  keystore_free(ks);
  /* rotate: a new active P-256 key, the old one still published; the Ed25519 key untouched */
  assert_int_equal(0, keystore_rotate_es256(second, data, err, sizeof err));
  assert_string_not_equal(kid, second);
  assert_int_equal(0, keystore_open(&ks, data, false, err, sizeof err));
  assert_string_equal(edkid, keystore_active(ks)->pub.kid);
  ec = keystore_es256_public(ks, &n);
  assert_int_equal(2, n);
  assert_string_equal(second, ec[0].kid);
  assert_string_equal(kid, ec[1].kid);
  keystore_free(ks);
  /* retire the active P-256 key as compromised: a third one becomes active */
  assert_int_equal(
      0, keystore_retire(active, data, second, 1796320000123, 1796310000250, err, sizeof err));
  assert_string_not_equal(second, active);
  assert_string_not_equal(kid, active);
  assert_int_equal(0, keystore_open(&ks, data, false, err, sizeof err));
  assert_string_equal(active, es256_key_public(keystore_es256_active(ks))->kid);
  assert_int_equal(0, keystore_key_state(ks, second, &st));
  assert_true(st.retired);
  assert_int_equal(1796310000250, st.compromised_since_ms);
  jwks = keystore_jwks(ks);
  assert_non_null(strstr(jwks, "\"revoked\":{\"revoked_at\":1796310000"));
  free(jwks);
  keystore_free(ks);
  /* an exposed P-256 key file, and an Ed25519 key in its place, are refused */
  assert_int_equal(0, chmod(path, 0640));
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_non_null(strstr(err, "group or others"));
  assert_int_equal(0, chmod(path, 0600));
  char edpath[256];
  snprintf(edpath, sizeof edpath, "%s/keys/%s.pem", data, edkid);
  assert_int_equal(0, unlink(path));
  assert_int_equal(0, link(edpath, path));
  assert_int_equal(-1, keystore_open(&ks, data, false, err, sizeof err));
  assert_non_null(strstr(err, "not a P-256"));
  assert_int_equal(0, test_tmpdir_remove(dir));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lifecycle),
      cmocka_unit_test(test_jwks_parse_errors),
      cmocka_unit_test(test_retire),
      cmocka_unit_test(test_es256),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
