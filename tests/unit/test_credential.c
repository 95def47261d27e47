/*
 * The OB 3.0 credential kept with a certificate, against a real store, catalogue and key
 * directory: made at issuance, its proof verifies under the service's did:web and keys, the
 * same bytes on every request; a certificate stored without one (issued before) gets it on
 * its first request, once, even when 16 requests race; a bound DID is named after the
 * credential is made again with the same salt; a bad DID is refused and nothing changes.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/catalog.h"
#include "common/config.h"
#include "common/credential.h"
#include "common/issue.h"
#include "common/keystore.h"
#include "store/store.h"
#include "ujikom/ob3.h"

#include "test_issue_fixture.h"

#define HOLDER_DID "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

static json_t *parse(const char *text) {
  json_error_t je;
  json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
  assert_non_null(j);
  return j;
}

/* The proof verifies under the fixture's public URL and keys. */
static void assert_proof_ok(struct fixture *f, const json_t *vc) {
  char did[OB3_DID_SIZE], err[200] = "";
  size_t n = 0;
  const struct token_pubkey *keys = keystore_public(f->svc.keys, &n);
  assert_int_equal(0, ob3_did_web(did, sizeof did, f->cfg.public_url));
  if (OB3_PROOF_OK != ob3_proof_verify(vc, did, keys, n, NULL, err, sizeof err)) {
    fail_msg("proof: %s", err);
  }
}

static const char *salt_of(const json_t *vc) {
  const json_t *ids = json_object_get(json_object_get(vc, "credentialSubject"), "identifier");
  return json_string_value(json_object_get(json_array_get(ids, 1), "salt"));
}

static void test_made_at_issuance(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  char err[256], *a = NULL, *b = NULL;
  assert_int_equal(ISSUE_CREATED,
                   issue_certificate(&c, &f->svc, new_attempt(f, VERDICT_K), 0, err, sizeof err));
  /* Kept by the issuing transaction itself. */
  struct store_rd *rd = NULL;
  char salt[STORE_SALT_SIZE], *kept = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_credential_get(rd, salt, &kept, c.serial));
  store_rd_end(rd);
  assert_non_null(kept);
  assert_int_equal(CREDENTIAL_OK, credential_jsonld(&a, &f->svc, &c));
  assert_int_equal(CREDENTIAL_OK, credential_jsonld(&b, &f->svc, &c));
  assert_string_equal(kept, a);
  assert_string_equal(a, b);
  assert_null(strstr(a, "ayu@contoh.test"));
  json_t *vc = parse(a);
  assert_proof_ok(f, vc);
  assert_string_equal(salt, salt_of(vc));
  json_decref(vc);
  free(kept);
  free(a);
  free(b);
  store_cert_clear(&c);
}

static int insert_fn(struct store_tx *tx, void *arg) {
  return store_cert_insert(tx, arg);
}

/* A certificate stored as before this form existed: signed and inserted, no credential. */
static void old_certificate(struct fixture *f, struct store_cert *out) {
  struct issue_prep prep;
  char err[256];
  int64_t id = new_attempt(f, VERDICT_K);
  assert_int_equal(ISSUE_CREATED, issue_prepare(&prep, &f->svc, id, err, sizeof err));
  memset(out, 0, sizeof *out);
  assert_int_equal(0, issue_cert_sign(out, prep.claims, keystore_active(f->svc.keys)));
  out->attempt_id = id;
  out->user_id = prep.user_id;
  issue_prep_clear(&prep);
  assert_int_equal(STORE_OK, store_txn(f->svc.store, insert_fn, out));
}

struct race {
  struct fixture *f;
  const struct store_cert *c;
  char *text;
  enum credential_rc rc;
};

static void *race_fn(void *arg) {
  struct race *r = arg;
  r->rc = credential_jsonld(&r->text, &r->f->svc, r->c);
  return NULL;
}

static void test_made_on_first_request(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  old_certificate(f, &c);
  enum { N = 16 };
  pthread_t th[N];
  struct race r[N];
  for (int i = 0; i < N; i++) {
    r[i] = (struct race){f, &c, NULL, CREDENTIAL_INTERNAL};
    assert_int_equal(0, pthread_create(&th[i], NULL, race_fn, &r[i]));
  }
  for (int i = 0; i < N; i++) {
    assert_int_equal(0, pthread_join(th[i], NULL));
  }
  for (int i = 0; i < N; i++) {
    assert_int_equal(CREDENTIAL_OK, r[i].rc);
    assert_string_equal(r[0].text, r[i].text);
  }
  json_t *vc = parse(r[0].text);
  assert_proof_ok(f, vc);
  /* The claims are the signed credential's. */
  assert_string_equal(
      c.holder, json_string_value(json_object_get(
                    json_array_get(
                        json_object_get(json_object_get(vc, "credentialSubject"), "identifier"), 0),
                    "identityHash")));
  json_decref(vc);
  for (int i = 0; i < N; i++) {
    free(r[i].text);
  }
  store_cert_clear(&c);
}

static void test_bind_did(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  char err[256], *before = NULL, *after = NULL, *again = NULL;
  assert_int_equal(ISSUE_CREATED,
                   issue_certificate(&c, &f->svc, new_attempt(f, VERDICT_K), 0, err, sizeof err));
  assert_int_equal(CREDENTIAL_OK, credential_jsonld(&before, &f->svc, &c));
  static const char *const bad[] = {"",         "did:",        "did:key",      "did:Key:abc",
                                    "did:key:", "did:key:a b", "did:key:abc:", "did:key:%zz",
                                    "urn:x:y"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(CREDENTIAL_BAD_DID, credential_bind_did(&f->svc, f->user_id, bad[i]));
  }
  assert_int_equal(CREDENTIAL_OK, credential_jsonld(&again, &f->svc, &c));
  assert_string_equal(before, again); /* nothing changed */
  free(again);
  assert_int_equal(CREDENTIAL_OK, credential_bind_did(&f->svc, f->user_id, HOLDER_DID));
  assert_int_equal(CREDENTIAL_OK, credential_jsonld(&after, &f->svc, &c));
  json_t *b = parse(before), *a = parse(after);
  assert_string_equal(HOLDER_DID, json_string_value(json_object_get(
                                      json_object_get(a, "credentialSubject"), "id")));
  assert_null(json_object_get(json_object_get(b, "credentialSubject"), "id"));
  assert_string_equal(salt_of(b), salt_of(a));
  assert_proof_ok(f, a);
  /* Unbound: made again without it. */
  assert_int_equal(CREDENTIAL_OK, credential_bind_did(&f->svc, f->user_id, NULL));
  assert_int_equal(CREDENTIAL_OK, credential_jsonld(&again, &f->svc, &c));
  json_t *u = parse(again);
  assert_null(json_object_get(json_object_get(u, "credentialSubject"), "id"));
  json_decref(u);
  json_decref(a);
  json_decref(b);
  free(again);
  free(before);
  free(after);
  store_cert_clear(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_made_at_issuance, setup, teardown),
      cmocka_unit_test_setup_teardown(test_made_on_first_request, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bind_did, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
