/*
 * The published status lists against a real store and key directory: issued by the
 * service's did:web (the issuer the OB 3.0 credential names), served from the store while
 * nothing changed, and signed again when the stored list names another issuer (the service
 * URL, as lists signed before did) or, though once served, is replaced in the store by a
 * text that does not verify under the service's key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/issue.h"
#include "common/keystore.h"
#include "common/status_lists.h"
#include "store/store.h"
#include "ujikom/cert.h"
#include "ujikom/ob3.h"
#include "ujikom/status_list.h"

#include "test_issue_fixture.h"

/* The list of purpose as published, verified under the fixture's keys. */
static void published(struct fixture *f, enum status_purpose purpose, char **jws,
                      struct status_list_credential *out) {
  char err[200] = "";
  size_t n = 0;
  const struct token_pubkey *keys = keystore_public(f->svc.keys, &n);
  assert_int_equal(STATUS_LISTS_OK, status_lists_credential(jws, &f->svc, purpose));
  if (0 != status_list_credential_verify(out, *jws, strlen(*jws), keys, n, err, sizeof err)) {
    fail_msg("%s", err);
  }
}

static void test_issued_by_did_web(void **state) {
  struct fixture *f = *state;
  char did[OB3_DID_SIZE], *jws = NULL, *again = NULL;
  struct status_list_credential l;
  struct store_cert c;
  char err[256];
  /* a register with a certificate in it (an index in both lists, neither bit set) */
  assert_int_equal(ISSUE_CREATED,
                   issue_certificate(&c, &f->svc, new_attempt(f, VERDICT_K), 0, err, sizeof err));
  assert_true(c.has_status_index);
  assert_int_equal(0, ob3_did_web(did, sizeof did, f->cfg.public_url));
  for (int p = STATUS_PURPOSE_REVOCATION; p <= STATUS_PURPOSE_SUSPENSION; p++) {
    published(f, (enum status_purpose)p, &jws, &l);
    assert_string_equal(did, l.issuer);
    assert_int_equal(p, l.purpose);
    assert_int_equal(0, status_list_get(l.list, (uint64_t)c.status_index));
    status_list_credential_clear(&l);
    /* nothing changed: the stored list, byte for byte */
    published(f, (enum status_purpose)p, &again, &l);
    assert_string_equal(jws, again);
    status_list_credential_clear(&l);
    free(jws);
    free(again);
  }
  store_cert_clear(&c);
}

struct put_ctx {
  const struct store_status_list *list;
};

static int put_fn(struct store_tx *tx, void *arg) {
  const struct put_ctx *p = arg;
  return store_status_list_put(tx, "revocation", p->list);
}

/* A stored list, current in every other way, that names issuer, signed by key and stored
 * under the active key's kid. */
static void store_list(struct fixture *f, char **stored, const char *issuer,
                       const struct token_key *key) {
  struct store_rd *rd = NULL;
  struct status_list *bits = NULL;
  int64_t epoch = 0;
  char url[512];
  const struct token_key *active = keystore_active(f->svc.keys);
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_cert_status_epoch(rd, &epoch));
  store_rd_end(rd);
  snprintf(url, sizeof url, "%s%s", f->cfg.public_url, CERT_STATUS_PATH_REVOCATION);
  assert_int_equal(0, status_list_new(&bits, CERT_STATUS_LIST_BITS));
  assert_int_equal(0, status_list_credential_sign(stored, bits, STATUS_PURPOSE_REVOCATION, url,
                                                  issuer, 1796338547, key));
  status_list_free(bits);
  struct store_status_list l = {.epoch = epoch, .built_ms = 1796338547000, .credential = *stored};
  snprintf(l.kid, sizeof l.kid, "%s", active->pub.kid);
  snprintf(l.url, sizeof l.url, "%s", url);
  struct put_ctx put = {&l};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, put_fn, &put));
}

static void test_url_issued_list_signed_again(void **state) {
  struct fixture *f = *state;
  char did[OB3_DID_SIZE], *stored = NULL, *jws = NULL, *again = NULL;
  struct status_list_credential l;
  assert_int_equal(0, ob3_did_web(did, sizeof did, f->cfg.public_url));
  /* the service URL as its issuer, as lists signed before did:web did */
  store_list(f, &stored, f->cfg.public_url, keystore_active(f->svc.keys));
  published(f, STATUS_PURPOSE_REVOCATION, &jws, &l);
  assert_string_not_equal(stored, jws);
  assert_string_equal(did, l.issuer);
  status_list_credential_clear(&l);
  /* and that one is what the store serves from now on */
  published(f, STATUS_PURPOSE_REVOCATION, &again, &l);
  assert_string_equal(jws, again);
  status_list_credential_clear(&l);
  free(stored);
  free(jws);
  free(again);
}

/* The fact "this stored text verifies and names the issuer" is kept per text: after a list
 * was served (and found good), another text in the store under the same kid, URL and epoch
 * (signed with another key: what someone with write access to the database, but not the
 * key, could store) is not served but signed again. */
static void test_stored_text_checked_again(void **state) {
  struct fixture *f = *state;
  char did[OB3_DID_SIZE], *good = NULL, *again = NULL, *stored = NULL, *jws = NULL;
  struct status_list_credential l;
  struct token_key other;
  assert_int_equal(0, ob3_did_web(did, sizeof did, f->cfg.public_url));
  published(f, STATUS_PURPOSE_REVOCATION, &good, &l); /* signed, stored, its fact kept */
  status_list_credential_clear(&l);
  published(f, STATUS_PURPOSE_REVOCATION, &again, &l); /* the stored one, served */
  assert_string_equal(good, again);
  status_list_credential_clear(&l);
  assert_int_equal(0, token_key_generate(&other));
  store_list(f, &stored, did, &other);
  published(f, STATUS_PURPOSE_REVOCATION, &jws, &l); /* verified under the fixture's keys */
  assert_string_not_equal(stored, jws);
  assert_string_equal(did, l.issuer);
  status_list_credential_clear(&l);
  token_key_wipe(&other);
  free(good);
  free(again);
  free(stored);
  free(jws);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_issued_by_did_web, setup, teardown),
      cmocka_unit_test_setup_teardown(test_url_issued_list_signed_again, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stored_text_checked_again, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
