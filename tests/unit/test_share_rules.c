/*
 * Public credential URLs against a real store with a real certificate: only the holder makes
 * or ends one; making it twice gives the same token; ending it makes the token open nothing,
 * for good, and sharing again gives a new one; malformed tokens and serials are refused
 * without a store error; each change is one audit entry by the holder, without the token, in
 * the intact chain; a suspended or revoked certificate gets no new URL (one made before keeps
 * working); a token longer or shorter than the table allows is refused by the store.
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
#include "common/share.h"
#include "store/store.h"

#include "test_issue_fixture.h"

/* A certificate of the fixture's candidate; its serial into out. */
static void certificate(struct fixture *f, char out[26]) {
  struct store_cert c;
  char err[256];
  int64_t id = new_attempt(f, VERDICT_K);
  assert_int_equal(ISSUE_CREATED, issue_certificate(&c, &f->svc, id, 0, err, sizeof err));
  memcpy(out, c.serial, 26);
  store_cert_clear(&c);
}

static void test_share_lifecycle(void **state) {
  struct fixture *f = *state;
  char serial[26], opened[26];
  struct store_share s1, s2, s3, mine;
  bool created = false;
  int rc = STORE_OK;
  certificate(f, serial);

  assert_int_equal(SHARE_NOT_FOUND, share_of(&mine, &f->svc, serial, &rc));
  assert_int_equal(SHARE_OK, share_create(&s1, &created, &f->svc, f->user_id, serial, &rc));
  assert_true(created);
  assert_string_equal(s1.serial, serial);
  assert_int_equal(SESSION_TOKEN_LEN, strlen(s1.token));
  assert_int_equal(SHARE_OK, share_create(&s2, &created, &f->svc, f->user_id, serial, &rc));
  assert_false(created);
  assert_string_equal(s2.token, s1.token);
  assert_int_equal(SHARE_OK, share_of(&mine, &f->svc, serial, &rc));
  assert_string_equal(mine.token, s1.token);
  assert_int_equal(SHARE_OK, share_open(opened, &f->svc, s1.token, &rc));
  assert_string_equal(opened, serial);

  /* someone else's hands: nothing ends, nothing is made */
  assert_int_equal(SHARE_NOT_FOUND, share_remove(&f->svc, f->user_id + 1000, serial, &rc));
  assert_int_equal(SHARE_NOT_FOUND,
                   share_create(&s3, &created, &f->svc, f->user_id + 1000, serial, &rc));
  assert_int_equal(STORE_OK, rc);
  assert_int_equal(SHARE_OK, share_open(opened, &f->svc, s1.token, &rc));

  assert_int_equal(SHARE_OK, share_remove(&f->svc, f->user_id, serial, &rc));
  assert_int_equal(SHARE_NOT_FOUND, share_open(opened, &f->svc, s1.token, &rc));
  assert_string_equal(opened, "");
  assert_int_equal(SHARE_NOT_FOUND, share_remove(&f->svc, f->user_id, serial, &rc));
  assert_int_equal(SHARE_OK, share_create(&s3, &created, &f->svc, f->user_id, serial, &rc));
  assert_true(created);
  assert_string_not_equal(s3.token, s1.token);
  assert_int_equal(SHARE_NOT_FOUND, share_open(opened, &f->svc, s1.token, &rc));

  /* the audit: share, unshare, share by the holder, the serial and never the token */
  struct store_rd *rd = NULL;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  char subject[48];
  snprintf(subject, sizeof subject, "certificate:%s", serial);
  const struct store_audit_filter filter = {.subject = subject};
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_audit_search(rd, &list, &n, &filter, 0, 50, NULL));
  store_rd_end(rd);
  const char *expected[] = {"certificate.share", "certificate.unshare", "certificate.share",
                            "certificate.issue"};
  assert_int_equal(4, n);
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(expected[i], list[i].action);
    if (i < 3) {
      assert_int_equal(f->user_id, list[i].actor);
      char after[64];
      snprintf(after, sizeof after, "{\"serial\":\"%s\"}", serial);
      assert_string_equal(after, list[i].after);
    }
    assert_null(strstr(NULL == list[i].after ? "" : list[i].after, s1.token));
    assert_null(strstr(NULL == list[i].after ? "" : list[i].after, s3.token));
  }
  store_audit_list_free(list, n);
  int64_t bad = 0, count = 0;
  assert_int_equal(STORE_OK, store_audit_verify(f->svc.store, &bad, &count, NULL, 0));
}

static void test_share_refusals(void **state) {
  struct fixture *f = *state;
  char opened[26];
  struct store_share s;
  bool created = true;
  int rc = STORE_OK;
  const char *tokens[] = {NULL,
                          "",
                          "x",
                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                          "' OR 1=1 --"};
  for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
    assert_int_equal(SHARE_NOT_FOUND, share_open(opened, &f->svc, tokens[i], &rc));
    assert_int_equal(STORE_OK, rc);
  }
  /* a well-formed token nobody has */
  assert_int_equal(SHARE_NOT_FOUND,
                   share_open(opened, &f->svc, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &rc));
  const char *serials[] = {NULL, "", "UJK-0000-0000-0000-0000-0", "bukan", "UJK-"};
  for (size_t i = 0; i < sizeof serials / sizeof serials[0]; i++) {
    assert_int_equal(SHARE_NOT_FOUND,
                     share_create(&s, &created, &f->svc, f->user_id, serials[i], &rc));
    assert_false(created);
    assert_int_equal(SHARE_NOT_FOUND, share_remove(&f->svc, f->user_id, serials[i], &rc));
    assert_int_equal(STORE_OK, rc);
  }
}

static int suspend_fn(struct store_tx *tx, void *arg) {
  return store_cert_set_status(tx, arg, STORE_CERT_TO_SUSPENDED, 0, "Pemeriksaan berkas");
}

static int revoke_fn(struct store_tx *tx, void *arg) {
  return store_cert_set_status(tx, arg, STORE_CERT_TO_REVOKED, 0, "Data pemegang tidak benar");
}

static void test_not_valid(void **state) {
  struct fixture *f = *state;
  char shared[26], fresh[26], opened[26];
  struct store_share s, again;
  bool created = true;
  int rc = STORE_OK;
  certificate(f, shared);
  certificate(f, fresh);
  assert_int_equal(SHARE_OK, share_create(&s, &created, &f->svc, f->user_id, shared, &rc));
  assert_int_equal(STORE_OK, store_txn(f->svc.store, suspend_fn, shared));
  assert_int_equal(STORE_OK, store_txn(f->svc.store, suspend_fn, fresh));
  /* no new URL for a suspended certificate; the one made before stays */
  assert_int_equal(SHARE_NOT_VALID,
                   share_create(&again, &created, &f->svc, f->user_id, fresh, &rc));
  assert_false(created);
  assert_int_equal(STORE_OK, rc);
  assert_int_equal(SHARE_OK, share_create(&again, &created, &f->svc, f->user_id, shared, &rc));
  assert_false(created);
  assert_string_equal(again.token, s.token);
  assert_int_equal(SHARE_OK, share_open(opened, &f->svc, s.token, &rc));
  /* revoked: still no new URL; the holder may still end the old one */
  assert_int_equal(STORE_OK, store_txn(f->svc.store, revoke_fn, fresh));
  assert_int_equal(SHARE_NOT_VALID,
                   share_create(&again, &created, &f->svc, f->user_id, fresh, &rc));
  assert_int_equal(SHARE_OK, share_remove(&f->svc, f->user_id, shared, &rc));
  assert_int_equal(SHARE_NOT_VALID,
                   share_create(&again, &created, &f->svc, f->user_id, shared, &rc));
  assert_int_equal(SHARE_NOT_FOUND, share_of(&again, &f->svc, fresh, &rc));
}

struct put_txn {
  struct store_share s;
};

static int put_fn(struct store_tx *tx, void *arg) {
  return store_share_put(tx, &((struct put_txn *)arg)->s);
}

static void test_store_checks(void **state) {
  struct fixture *f = *state;
  char serial[26];
  certificate(f, serial);
  struct put_txn p;
  memset(&p, 0, sizeof p);
  memcpy(p.s.serial, serial, 26);
  snprintf(p.s.token, sizeof p.s.token, "pendek");
  assert_int_equal(STORE_HARD, store_txn(f->svc.store, put_fn, &p));
  memcpy(p.s.serial, "UJK-0000-0000-0000-0000-0", 26); /* no such certificate */
  snprintf(p.s.token, sizeof p.s.token, "%s", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
  assert_int_equal(STORE_HARD, store_txn(f->svc.store, put_fn, &p));
  memcpy(p.s.serial, serial, 26);
  assert_int_equal(STORE_OK, store_txn(f->svc.store, put_fn, &p));
  snprintf(p.s.token, sizeof p.s.token, "%s", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC");
  assert_int_equal(STORE_CONFLICT, store_txn(f->svc.store, put_fn, &p));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_share_lifecycle, setup, teardown),
      cmocka_unit_test_setup_teardown(test_share_refusals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_not_valid, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_checks, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
