/*
 * The published status lists against a real store and key directory: issued by the
 * service's did:web (the issuer the OB 3.0 credential names), served from the store while
 * nothing changed, and signed again when the stored list names another issuer (the service
 * URL, as lists signed before did) or, though once served, is replaced in the store by a
 * text that does not verify under the service's key; and a register that fills the first
 * list goes on issuing, into lists twice as long.
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

/* Revoked certificates written beside the store with every index of the first list but
 * `taken` (a certificate already has it), as a register that has issued 131,072 would hold
 * (a real one has fewer when the lists grow: the draw grows them before the first is full). */
static void fill_first_list(struct fixture *f, int64_t attempt, int64_t taken) {
  struct test_raw raw;
  char sql[1024], msg[256];
  snprintf(sql, sizeof sql,
           "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %u) "
           "INSERT INTO certificates(serial, attempt_id, user_id, holder, subsector, exam_id, "
           "issued_at, expires_at, kid, status, revoked_at, revoked_reason, qr_token, units, "
           "jws, status_index) SELECT printf('UJK-T%%020d', i), %lld, %lld, 'Uji Coba', 'DKV', "
           "'" EXAM_ID "', 1700000000, 1800000000, 'ABCDEFGH', 'revoked', 1700000000000, "
           "'uji', 'x', '[]', 'x', i FROM n WHERE i <> %lld",
           CERT_STATUS_LIST_BITS - 1, (long long)attempt, (long long)f->user_id, (long long)taken);
  assert_int_equal(0, test_raw_open(&raw, f->t.db));
  if (0 != test_raw_exec(&raw, sql, msg, sizeof msg)) {
    fail_msg("%s", msg);
  }
  test_raw_close(&raw);
}

static void test_lists_grow(void **state) {
  struct fixture *f = *state;
  struct status_list_credential l;
  struct store_cert c;
  char *jws = NULL, err[256];
  const uint64_t first = CERT_STATUS_LIST_BITS;
  /* One certificate: the lists are as long as the first. */
  assert_int_equal(ISSUE_CREATED,
                   issue_certificate(&c, &f->svc, new_attempt(f, VERDICT_K), 0, err, sizeof err));
  assert_true(c.status_index >= 0 && (uint64_t)c.status_index < first);
  published(f, STATUS_PURPOSE_REVOCATION, &jws, &l);
  assert_int_equal(first, l.list->nbits);
  status_list_credential_clear(&l);
  free(jws);
  /* Every index of the first list given: issuance goes on, beyond it. */
  fill_first_list(f, new_attempt(f, VERDICT_BK), c.status_index);
  store_cert_clear(&c);
  assert_int_equal(ISSUE_CREATED,
                   issue_certificate(&c, &f->svc, new_attempt(f, VERDICT_K), 0, err, sizeof err));
  assert_true(c.has_status_index);
  assert_true((uint64_t)c.status_index >= first && (uint64_t)c.status_index < 2 * first);
  /* Its credential carries that index and verifies. */
  size_t nkeys = 0;
  const struct token_pubkey *keys = keystore_public(f->svc.keys, &nkeys);
  struct cert_verification *v = malloc(sizeof *v);
  assert_non_null(v);
  cert_jws_verify(v, c.jws, strlen(c.jws), keys, nkeys, c.issued_s + 60);
  assert_int_equal(CERT_GENUINE, v->verdict);
  assert_true(v->claims.has_status);
  assert_int_equal(c.status_index, v->claims.status_index);
  free(v);
  /* The lists grew to cover it (the stored, shorter one is not served again): every bit of
   * the first list set (all revoked), the new certificate's clear until it is revoked. */
  for (int p = STATUS_PURPOSE_REVOCATION; p <= STATUS_PURPOSE_SUSPENSION; p++) {
    published(f, (enum status_purpose)p, &jws, &l);
    assert_int_equal(2 * first, l.list->nbits);
    size_t set = 0;
    for (uint64_t i = 0; i < first; i++) {
      set += 1 == status_list_get(l.list, i);
    }
    assert_int_equal(STATUS_PURPOSE_REVOCATION == p ? first - 1 : 0, set);
    assert_int_equal(0, status_list_get(l.list, (uint64_t)c.status_index));
    status_list_credential_clear(&l);
    free(jws);
  }
  assert_int_equal(STORE_OK, temp_store_cert_change(f->svc.store, c.serial, STORE_CERT_TO_REVOKED));
  published(f, STATUS_PURPOSE_REVOCATION, &jws, &l);
  assert_int_equal(2 * first, l.list->nbits);
  assert_int_equal(1, status_list_get(l.list, (uint64_t)c.status_index));
  status_list_credential_clear(&l);
  free(jws);
  store_cert_clear(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_issued_by_did_web, setup, teardown),
      cmocka_unit_test_setup_teardown(test_url_issued_list_signed_again, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stored_text_checked_again, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lists_grow, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
