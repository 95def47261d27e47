/*
 * The verdict (common/verify.c): the judgement table on its own, then against a real store
 * and key directory: an issued certificate is genuine in every form; a row written into the
 * store without the key is not; tokens signed with the real key for a serial never issued,
 * or for a real serial with another name, are not genuine and raise exactly one audited
 * alarm per serial and reason, whose counters of past hours each alarm purges; after the key
 * is retired as compromised, what the log recorded before the compromise stays genuine and a
 * new forgery is key_compromised.
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
#include "common/issued_claims.h"
#include "common/verify.h"
#include "test_verify_fixture.h"
#include "ujikom/clock.h"

/* --- the judgement, pure --- */

struct judged {
  enum cert_verdict verdict;
  enum verify_reason reason;
};

static struct judged judge(const struct cert_verification *v, bool reg, bool same, bool logged,
                           int64_t logged_ms, int64_t since, const char *status) {
  struct cert_verification copy = *v;
  const struct verify_facts f = {.v = &copy,
                                 .in_register = reg,
                                 .claims_equal = same,
                                 .logged = logged,
                                 .logged_ms = logged_ms,
                                 .compromised_since_ms = since,
                                 .status = status};
  struct judged j;
  verify_judge(&j.verdict, &j.reason, &f);
  return j;
}

static void expect(struct judged j, enum cert_verdict verdict, enum verify_reason reason) {
  if (j.verdict != verdict || j.reason != reason) {
    fail_msg("got %s/%s, want %s/%s", cert_verdict_name(j.verdict), verify_reason_code(j.reason),
             cert_verdict_name(verdict), verify_reason_code(reason));
  }
}

static void test_judge(void **state) {
  (void)state;
  struct cert_verification *v = calloc(1, sizeof *v);
  assert_non_null(v);
  /* The token's own faults come first, whatever the register says. */
  v->verdict = CERT_NOT_GENUINE;
  const enum cert_fault faults[] = {CERT_FAULT_MALFORMED, CERT_FAULT_UNKNOWN_KEY,
                                    CERT_FAULT_BAD_SIGNATURE};
  const enum verify_reason reasons[] = {VERIFY_MALFORMED, VERIFY_UNKNOWN_KEY, VERIFY_BAD_SIGNATURE};
  for (size_t i = 0; i < 3; i++) {
    v->fault = faults[i];
    expect(judge(v, true, true, true, 1, -1, STORE_CERT_VALID), CERT_NOT_GENUINE, reasons[i]);
  }
  /* Signed: register, claims and log, in that order. */
  v->fault = CERT_FAULT_NONE;
  v->claims_valid = true;
  v->verdict = CERT_GENUINE;
  expect(judge(v, true, true, true, 1, -1, STORE_CERT_VALID), CERT_GENUINE, VERIFY_REASON_NONE);
  expect(judge(v, false, false, false, 0, -1, NULL), CERT_NOT_GENUINE, VERIFY_NOT_IN_REGISTER);
  expect(judge(v, true, false, true, 1, -1, STORE_CERT_VALID), CERT_NOT_GENUINE,
         VERIFY_CLAIMS_DIFFER);
  expect(judge(v, true, true, false, 0, -1, STORE_CERT_VALID), CERT_NOT_GENUINE, VERIFY_NOT_IN_LOG);
  /* Status, once all of that holds. */
  expect(judge(v, true, true, true, 1, -1, STORE_CERT_REVOKED), CERT_REVOKED, VERIFY_REASON_NONE);
  expect(judge(v, true, true, true, 1, -1, STORE_CERT_SUSPENDED), CERT_SUSPENDED,
         VERIFY_REASON_NONE);
  expect(judge(v, false, false, false, 0, -1, STORE_CERT_REVOKED), CERT_NOT_GENUINE,
         VERIFY_NOT_IN_REGISTER);
  v->verdict = CERT_EXPIRED;
  expect(judge(v, true, true, true, 1, -1, STORE_CERT_VALID), CERT_EXPIRED, VERIFY_REASON_NONE);
  expect(judge(v, true, true, true, 1, -1, STORE_CERT_REVOKED), CERT_REVOKED, VERIFY_REASON_NONE);
  v->verdict = CERT_NOT_GENUINE;
  v->fault = CERT_FAULT_NOT_YET_VALID;
  expect(judge(v, true, true, true, 1, -1, STORE_CERT_VALID), CERT_NOT_GENUINE,
         VERIFY_NOT_YET_VALID);
  expect(judge(v, false, true, true, 1, -1, STORE_CERT_VALID), CERT_NOT_GENUINE,
         VERIFY_NOT_IN_REGISTER);
  /* A compromised key: only what the log recorded before the compromise is genuine. */
  v->verdict = CERT_GENUINE;
  v->fault = CERT_FAULT_NONE;
  expect(judge(v, true, true, true, 999, 1000, STORE_CERT_VALID), CERT_GENUINE, VERIFY_REASON_NONE);
  expect(judge(v, true, true, true, 1000, 1000, STORE_CERT_VALID), CERT_NOT_GENUINE,
         VERIFY_KEY_COMPROMISED);
  expect(judge(v, false, false, false, 0, 1000, NULL), CERT_NOT_GENUINE, VERIFY_KEY_COMPROMISED);
  expect(judge(v, true, false, true, 1, 1000, STORE_CERT_VALID), CERT_NOT_GENUINE,
         VERIFY_KEY_COMPROMISED);
  expect(judge(v, true, true, false, 0, 1000, STORE_CERT_VALID), CERT_NOT_GENUINE,
         VERIFY_KEY_COMPROMISED);
  expect(judge(v, true, true, true, 1, 1000, STORE_CERT_REVOKED), CERT_REVOKED, VERIFY_REASON_NONE);
  /* Every code is distinct, stable and alarms only for "signed, but not issued so". */
  for (int i = 0; i < VERIFY_REASON__MAX; i++) {
    for (int k = i + 1; k < VERIFY_REASON__MAX; k++) {
      assert_string_not_equal(verify_reason_code((enum verify_reason)i),
                              verify_reason_code((enum verify_reason)k));
    }
  }
  assert_string_equal("not_in_register", verify_reason_code(VERIFY_NOT_IN_REGISTER));
  assert_true(verify_reason_alarms(VERIFY_CLAIMS_DIFFER));
  assert_false(verify_reason_alarms(VERIFY_BAD_SIGNATURE));
  free(v);
}

/* --- against the store --- */

static void expect_verdict(struct fixture *f, enum verify_form form, const char *text,
                           enum cert_verdict verdict, enum verify_reason reason) {
  struct verify_result *o = verify(f, form, text);
  if (o->v.verdict != verdict || o->reason != reason) {
    fail_msg("%.40s: got %s/%s, want %s/%s", text, cert_verdict_name(o->v.verdict),
             verify_reason_code(o->reason), cert_verdict_name(verdict), verify_reason_code(reason));
  }
  free(o);
}

/* Audit entries about a certificate with the forgery action. */
static size_t alarms_about(struct fixture *f, const char *serial) {
  struct store_rd *rd = NULL;
  struct store_audit_entry *list = NULL;
  size_t n = 0, found = 0;
  char subject[64];
  snprintf(subject, sizeof subject, "certificate:%s", serial);
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_audit_list(rd, &list, &n, subject, 0, 100));
  for (size_t i = 0; i < n; i++) {
    found += 0 == strcmp(list[i].action, "certificate.forgery");
  }
  store_audit_list_free(list, n);
  store_rd_end(rd);
  return found;
}

static void test_issued_is_genuine(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  issue(f, &c);
  struct verify_result *o = verify(f, VERIFY_FORM_QR, c.qr_token);
  assert_int_equal(CERT_GENUINE, o->v.verdict);
  assert_true(o->logged && o->in_register);
  assert_true(o->v.claims.nunits > 0); /* the units, from the sealed display text */
  assert_string_equal(c.holder, o->v.claims.holder);
  free(o);
  expect_verdict(f, VERIFY_FORM_CREDENTIAL, c.jws, CERT_GENUINE, VERIFY_REASON_NONE);
  expect_verdict(f, VERIFY_FORM_SERIAL, c.serial, CERT_GENUINE, VERIFY_REASON_NONE);
  /* A typed number: letter case and hyphens do not matter, the check character does. */
  char typed[CERT_SERIAL_SIZE];
  memcpy(typed, c.serial, sizeof typed);
  typed[CERT_SERIAL_LEN - 1] = '0' == typed[CERT_SERIAL_LEN - 1] ? '1' : '0';
  expect_verdict(f, VERIFY_FORM_SERIAL, typed, CERT_NOT_GENUINE, VERIFY_MALFORMED);
  expect_verdict(f, VERIFY_FORM_SERIAL, "UJK-0000-0000-0000-0000-0", CERT_NOT_GENUINE,
                 VERIFY_NOT_FOUND);
  expect_verdict(f, VERIFY_FORM_QR, "not a token!", CERT_NOT_GENUINE, VERIFY_MALFORMED);
  assert_int_equal(0, alarms_about(f, c.serial));
  store_cert_clear(&c);
}

struct insert_txn {
  const struct store_cert *c;
};

static int insert_row(struct store_tx *tx, void *arg) {
  const struct insert_txn *a = arg;
  return store_cert_insert(tx, a->c);
}

static void test_row_without_key(void **state) {
  struct fixture *f = *state;
  struct store_cert real, fake;
  issue(f, &real);
  /* What someone with write access to the database, but not the key, can write: a copy of
   * a real row's claims under a new serial, with random signatures and the real display
   * text (seals included, copied). */
  memset(&fake, 0, sizeof fake);
  fake = real;
  assert_int_equal(0, cert_serial_generate(fake.serial));
  fake.attempt_id = new_attempt(f, VERDICT_K);
  fake.has_status_index = false; /* the status list index is the real one's */
  fake.jws = strdup("x.y.z");
  fake.qr_token = strdup("2KCE3IQBE4CEQQRVKBJFKNKVJKQFQUVGAFFBTZO3HMRLVZVOMZQAE6BJHRUW2ZZA");
  fake.units = strdup("[]");
  fake.display = strdup(real.display);
  struct insert_txn t = {&fake};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, insert_row, &t));
  expect_verdict(f, VERIFY_FORM_SERIAL, fake.serial, CERT_NOT_GENUINE, VERIFY_BAD_SIGNATURE);
  expect_verdict(f, VERIFY_FORM_QR, fake.qr_token, CERT_NOT_GENUINE, VERIFY_MALFORMED);
  expect_verdict(f, VERIFY_FORM_CREDENTIAL, fake.jws, CERT_NOT_GENUINE, VERIFY_MALFORMED);
  store_cert_clear(&fake);
  store_cert_clear(&real);
}

/* Signs the claims of c with holder and serial changed (NULL: unchanged) with the active key:
 * what a thief of the key could make. Writes the QR token and credential (free()). */
static void forge(struct fixture *f, const struct store_cert *c, const char *holder,
                  const char *serial, char **out_qr, char **out_jws) {
  struct cert_claims *cl = calloc(1, sizeof *cl);
  assert_non_null(cl);
  assert_int_equal(0, issued_claims_of(cl, &f->svc, c));
  if (NULL != holder) {
    snprintf(cl->holder, sizeof cl->holder, "%s", holder);
  }
  if (NULL != serial) {
    snprintf(cl->serial, sizeof cl->serial, "%s", serial);
  }
  const struct token_key *key = keystore_active(f->svc.keys);
  assert_int_equal(0, cert_qr_token_sign(out_qr, cl, key));
  assert_int_equal(0, cert_jws_sign(out_jws, cl, key));
  free(cl);
}

static void test_forged_with_real_key(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  char *qr = NULL, *jws = NULL, never[CERT_SERIAL_SIZE];
  issue(f, &c);
  assert_int_equal(0, cert_serial_generate(never));
  forge(f, &c, NULL, never, &qr, &jws);
  expect_verdict(f, VERIFY_FORM_QR, qr, CERT_NOT_GENUINE, VERIFY_NOT_IN_REGISTER);
  expect_verdict(f, VERIFY_FORM_CREDENTIAL, jws, CERT_NOT_GENUINE, VERIFY_NOT_IN_REGISTER);
  expect_verdict(f, VERIFY_FORM_QR, qr, CERT_NOT_GENUINE, VERIFY_NOT_IN_REGISTER);
  assert_int_equal(1, alarms_about(f, never)); /* once per serial and reason an hour */
  free(qr);
  free(jws);
  forge(f, &c, "Rina Wulandari", NULL, &qr, &jws);
  expect_verdict(f, VERIFY_FORM_QR, qr, CERT_NOT_GENUINE, VERIFY_CLAIMS_DIFFER);
  expect_verdict(f, VERIFY_FORM_CREDENTIAL, jws, CERT_NOT_GENUINE, VERIFY_CLAIMS_DIFFER);
  assert_int_equal(1, alarms_about(f, c.serial));
  /* The honest certificate is untouched by all that. */
  expect_verdict(f, VERIFY_FORM_QR, c.qr_token, CERT_GENUINE, VERIFY_REASON_NONE);
  free(qr);
  free(jws);
  store_cert_clear(&c);
}

static void test_alarms_are_bounded(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  char *qr = NULL, *jws = NULL, serial[CERT_SERIAL_SIZE];
  size_t written = 0;
  issue(f, &c);
  for (int i = 0; i < VERIFY_ALARMS_PER_HOUR + 5; i++) {
    assert_int_equal(0, cert_serial_generate(serial));
    forge(f, &c, NULL, serial, &qr, &jws);
    struct verify_result *o = verify(f, VERIFY_FORM_QR, qr);
    assert_int_equal(VERIFY_NOT_IN_REGISTER, o->reason);
    written += o->alarmed;
    free(o);
    free(qr);
    free(jws);
  }
  assert_int_equal(VERIFY_ALARMS_PER_HOUR, written);
  store_cert_clear(&c);
}

struct old_counter {
  const char *key;
  int64_t at_ms;
};

static int put_counters(struct store_tx *tx, void *arg) {
  const struct old_counter *c = arg;
  for (; NULL != c->key; c++) {
    struct store_ratelimit r;
    int rc = store_ratelimit_hit(tx, &r, c->key, c->at_ms, (int64_t)3600 * 1000, 1, 0);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

static bool counter_kept(struct fixture *f, const char *key) {
  struct store_rd *rd = NULL;
  struct store_ratelimit r;
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  int rc = store_ratelimit_get(rd, &r, key);
  store_rd_end(rd);
  assert_true(STORE_OK == rc || STORE_NONE == rc);
  return STORE_OK == rc;
}

/* The alarms' counters of past hours go when the next alarm is raised; this hour's stay (they
 * still hold one alarm per serial and reason), and so do other rate limits. */
static void test_old_alarms_purged(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  char *qr = NULL, *jws = NULL, serial[CERT_SERIAL_SIZE], key[96];
  int64_t now = clock_wall_ms(), hour = (int64_t)3600 * 1000;
  struct old_counter counters[] = {
      {"verify-alarm:all", now - 3 * hour},
      {"verify-alarm:UJK-AAAA-AAAA-AAAA-AAAA-A:not_in_register", now - 2 * hour},
      {"verify-alarm:UJK-BBBB-BBBB-BBBB-BBBB-B:claims_differ", now - hour - 1000},
      {"verify-alarm:UJK-CCCC-CCCC-CCCC-CCCC-C:not_in_register", now - hour / 2},
      {"verify-serial:ip:192.0.2.7", now - 5 * hour},
      {NULL, 0}};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, put_counters, counters));
  issue(f, &c);
  assert_int_equal(0, cert_serial_generate(serial));
  forge(f, &c, NULL, serial, &qr, &jws);
  struct verify_result *o = verify(f, VERIFY_FORM_QR, qr);
  assert_true(o->alarmed);
  free(o);
  assert_false(counter_kept(f, counters[1].key));
  assert_false(counter_kept(f, counters[2].key));
  assert_true(counter_kept(f, counters[3].key));
  assert_true(counter_kept(f, counters[4].key));
  snprintf(key, sizeof key, "verify-alarm:%s:not_in_register", serial);
  assert_true(counter_kept(f, key));
  /* The count of all alarms started afresh with this one. */
  struct store_rd *rd = NULL;
  struct store_ratelimit all;
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_ratelimit_get(rd, &all, "verify-alarm:all"));
  store_rd_end(rd);
  assert_int_equal(1, all.count);
  free(qr);
  free(jws);
  store_cert_clear(&c);
}

static void test_compromised_key(void **state) {
  struct fixture *f = *state;
  struct store_cert honest;
  char *qr = NULL, *jws = NULL, serial[CERT_SERIAL_SIZE], err[256], active[TOKEN_KID_LEN + 1];
  issue(f, &honest);
  forge(f, &honest, NULL, NULL, &qr, &jws); /* the same claims, signed again: same tokens */
  free(qr);
  free(jws);
  assert_int_equal(0, cert_serial_generate(serial));
  forge(f, &honest, NULL, serial, &qr, &jws);
  /* Stolen since an hour from now: the honest certificate was logged before that. */
  int64_t now = clock_wall_ms();
  assert_int_equal(0, keystore_retire(active, f->t.dir, honest.kid, now, now + (int64_t)3600 * 1000,
                                      err, sizeof err));
  assert_string_not_equal(active, honest.kid);
  struct keystore *ks = NULL;
  assert_int_equal(0, keystore_open(&ks, f->t.dir, false, err, sizeof err));
  keystore_free(f->svc.keys);
  f->svc.keys = ks;
  expect_verdict(f, VERIFY_FORM_QR, honest.qr_token, CERT_GENUINE, VERIFY_REASON_NONE);
  expect_verdict(f, VERIFY_FORM_SERIAL, honest.serial, CERT_GENUINE, VERIFY_REASON_NONE);
  expect_verdict(f, VERIFY_FORM_QR, qr, CERT_NOT_GENUINE, VERIFY_KEY_COMPROMISED);
  expect_verdict(f, VERIFY_FORM_CREDENTIAL, jws, CERT_NOT_GENUINE, VERIFY_KEY_COMPROMISED);
  assert_int_equal(1, alarms_about(f, serial));
  /* The key no longer signs: a new certificate carries the new key. */
  struct store_cert later;
  issue(f, &later);
  assert_string_equal(active, later.kid);
  expect_verdict(f, VERIFY_FORM_QR, later.qr_token, CERT_GENUINE, VERIFY_REASON_NONE);
  free(qr);
  free(jws);
  store_cert_clear(&later);
  store_cert_clear(&honest);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_judge),
      cmocka_unit_test_setup_teardown(test_issued_is_genuine, setup, teardown),
      cmocka_unit_test_setup_teardown(test_row_without_key, setup, teardown),
      cmocka_unit_test_setup_teardown(test_forged_with_real_key, setup, teardown),
      cmocka_unit_test_setup_teardown(test_alarms_are_bounded, setup, teardown),
      cmocka_unit_test_setup_teardown(test_old_alarms_purged, setup, teardown),
      cmocka_unit_test_setup_teardown(test_compromised_key, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
