/*
 * The cache of what verification proved (common/verify_cache.c) through verify_certificate,
 * against a real store and key directory: a second verification of the same QR token or
 * number is answered from the cache with the same verdict and claims; a suspension,
 * reinstatement or revocation shows at once, whether written through the service's store
 * handle, another handle on the same database (another process: the `ujikom` CLI) or a raw
 * SQL write; a key retired as compromised before the certificate was logged turns a cached
 * certificate into key_compromised; a certificate that failed is never cached; a full cache
 * lets a certificate displace another only when it is asked for a second time.
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
#include "common/verify.h"
#include "common/verify_cache.h"
#include "test_verify_fixture.h"
#include "ujikom/clock.h"

static int cache_setup(void **state) {
  if (0 != setup(state)) {
    return -1;
  }
  struct fixture *f = *state;
  return verify_cache_new(&f->svc.verdicts, 64);
}

static int cache_teardown(void **state) {
  struct fixture *f = *state;
  verify_cache_free(f->svc.verdicts);
  return teardown(state);
}

/* Verifies text and checks the verdict, and whether the cache answered (hit). */
static void expect(struct fixture *f, enum verify_form form, const char *text,
                   enum cert_verdict verdict, enum verify_reason reason, bool hit) {
  uint64_t hits0 = 0, misses0 = 0, hits = 0, misses = 0, refused = 0;
  verify_cache_counts(f->svc.verdicts, &hits0, &misses0, &refused);
  struct verify_result *o = verify(f, form, text);
  verify_cache_counts(f->svc.verdicts, &hits, &misses, &refused);
  if (o->v.verdict != verdict || o->reason != reason) {
    fail_msg("%.40s: got %s/%s, want %s/%s", text, cert_verdict_name(o->v.verdict),
             verify_reason_code(o->reason), cert_verdict_name(verdict), verify_reason_code(reason));
  }
  if ((hits > hits0) != hit) {
    fail_msg("%.40s: %s the cache, want %s", text, hits > hits0 ? "answered from" : "not from",
             hit ? "a hit" : "a miss");
  }
  free(o);
}

static void change(struct store *s, const char *serial, enum store_cert_change to) {
  assert_int_equal(STORE_OK, temp_store_cert_change(s, serial, to));
}

static void test_hit_same_answer(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  issue(f, &c);
  struct verify_result *first = verify(f, VERIFY_FORM_QR, c.qr_token);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_GENUINE, VERIFY_REASON_NONE, true);
  struct verify_result *again = verify(f, VERIFY_FORM_QR, c.qr_token);
  /* The same answer: claims (units from the display text included), log position. */
  assert_int_equal(CERT_GENUINE, again->v.verdict);
  assert_string_equal(first->v.claims.holder, again->v.claims.holder);
  assert_true(again->v.claims.nunits > 0);
  assert_int_equal(first->v.claims.nunits, again->v.claims.nunits);
  assert_string_equal(first->v.claims.units[0].title, again->v.claims.units[0].title);
  assert_int_equal(first->v.claims.expires, again->v.claims.expires);
  assert_true(again->logged);
  assert_int_equal(first->log_index, again->log_index);
  assert_int_equal(first->logged_ms, again->logged_ms);
  free(first);
  free(again);
  /* The number: its own entry (what its seal proved is the stored credential). */
  expect(f, VERIFY_FORM_SERIAL, c.serial, CERT_GENUINE, VERIFY_REASON_NONE, false);
  expect(f, VERIFY_FORM_SERIAL, c.serial, CERT_GENUINE, VERIFY_REASON_NONE, true);
  /* A token that differs from the stored one is verified in full, and says what it is. */
  char *changed = strdup(c.qr_token);
  assert_non_null(changed);
  changed[10] = 'A' == changed[10] ? 'B' : 'A';
  struct verify_result *o = verify(f, VERIFY_FORM_QR, changed);
  assert_int_equal(CERT_NOT_GENUINE, o->v.verdict);
  free(o);
  free(changed);
  store_cert_clear(&c);
}

static void test_status_changes_show_at_once(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  issue(f, &c);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  expect(f, VERIFY_FORM_SERIAL, c.serial, CERT_GENUINE, VERIFY_REASON_NONE, false);
  change(f->svc.store, c.serial, STORE_CERT_TO_SUSPENDED);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_SUSPENDED, VERIFY_REASON_NONE, false);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_SUSPENDED, VERIFY_REASON_NONE, true);
  expect(f, VERIFY_FORM_SERIAL, c.serial, CERT_SUSPENDED, VERIFY_REASON_NONE, false);
  change(f->svc.store, c.serial, STORE_CERT_TO_VALID);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  change(f->svc.store, c.serial, STORE_CERT_TO_REVOKED);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_REVOKED, VERIFY_REASON_NONE, false);
  expect(f, VERIFY_FORM_SERIAL, c.serial, CERT_REVOKED, VERIFY_REASON_NONE, false);
  expect(f, VERIFY_FORM_SERIAL, c.serial, CERT_REVOKED, VERIFY_REASON_NONE, true);
  store_cert_clear(&c);
}

static void test_writes_of_other_processes(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  issue(f, &c);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_GENUINE, VERIFY_REASON_NONE, true);
  /* Another store handle on the same database: what the CLI, or another node, writes. */
  struct store *other = NULL;
  char err[512], msg[256];
  assert_int_equal(STORE_OK, store_open(&other, f->t.db, NULL, err, sizeof err));
  change(other, c.serial, STORE_CERT_TO_SUSPENDED);
  store_close(other);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_SUSPENDED, VERIFY_REASON_NONE, false);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_SUSPENDED, VERIFY_REASON_NONE, true);
  /* A raw SQL write beside the store: an operator's shell. */
  struct test_raw raw;
  char sql[256];
  snprintf(sql, sizeof sql,
           "UPDATE certificates SET status = 'revoked', revoked_at = 1, revoked_reason = 'x', "
           "suspended_at = NULL, suspended_reason = NULL, suspended_by = NULL "
           "WHERE serial = '%s'",
           c.serial);
  assert_int_equal(0, test_raw_open(&raw, f->t.db));
  if (0 != test_raw_exec(&raw, sql, msg, sizeof msg)) {
    fail_msg("raw update: %s", msg);
  }
  test_raw_close(&raw);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_REVOKED, VERIFY_REASON_NONE, false);
  store_cert_clear(&c);
}

static void test_key_compromised_after_caching(void **state) {
  struct fixture *f = *state;
  struct store_cert c;
  char err[256], active[TOKEN_KID_LEN + 1];
  issue(f, &c);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_GENUINE, VERIFY_REASON_NONE, true);
  /* Stolen since before the certificate was logged: a thief could have made it. */
  int64_t now = clock_wall_ms();
  assert_int_equal(0, keystore_retire(active, f->t.dir, c.kid, now, now - (int64_t)3600 * 1000, err,
                                      sizeof err));
  struct keystore *ks = NULL;
  assert_int_equal(0, keystore_open(&ks, f->t.dir, false, err, sizeof err));
  keystore_free(f->svc.keys);
  f->svc.keys = ks; /* as SIGHUP installs it */
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_NOT_GENUINE, VERIFY_KEY_COMPROMISED, false);
  /* Cached again under the new keys, still judged with the key's state each time. */
  expect(f, VERIFY_FORM_QR, c.qr_token, CERT_NOT_GENUINE, VERIFY_KEY_COMPROMISED, true);
  store_cert_clear(&c);
}

static int insert_row(struct store_tx *tx, void *arg) {
  return store_cert_insert(tx, arg);
}

static void test_failures_not_cached(void **state) {
  struct fixture *f = *state;
  struct store_cert real, fake;
  issue(f, &real);
  /* A row written without the key (its seals copied from a real one) is never kept. */
  fake = real;
  assert_int_equal(0, cert_serial_generate(fake.serial));
  fake.attempt_id = new_attempt(f, VERDICT_K);
  fake.has_status_index = false;
  fake.jws = strdup("x.y.z");
  fake.qr_token = strdup(real.qr_token);
  fake.units = strdup("[]");
  fake.display = strdup(real.display);
  assert_int_equal(STORE_OK, store_txn(f->svc.store, insert_row, &fake));
  for (int i = 0; i < 2; i++) {
    expect(f, VERIFY_FORM_SERIAL, fake.serial, CERT_NOT_GENUINE, VERIFY_BAD_SIGNATURE, false);
  }
  store_cert_clear(&fake);
  store_cert_clear(&real);
}

/* A cache of one set (four ways): the first four certificates take the free ways; a fifth,
 * asked for once, is turned away and displaces none of them; asked for again, it displaces
 * the oldest, and is answered from the cache the third time. */
static int small_cache_setup(void **state) {
  if (0 != setup(state)) {
    return -1;
  }
  struct fixture *f = *state;
  return verify_cache_new(&f->svc.verdicts, 4);
}

static uint64_t refused_count(const struct fixture *f) {
  uint64_t hits = 0, misses = 0, refused = 0;
  verify_cache_counts(f->svc.verdicts, &hits, &misses, &refused);
  return refused;
}

/* Issues n certificates, and verifies the first `cached` of them once each: misses that take
 * the cache's free ways. */
static void issue_and_cache(struct fixture *f, struct store_cert *c, int n, int cached) {
  for (int i = 0; i < n; i++) {
    issue(f, &c[i]);
  }
  for (int i = 0; i < cached; i++) {
    expect(f, VERIFY_FORM_QR, c[i].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  }
  assert_int_equal(0, refused_count(f));
}

static void clear_all(struct store_cert *c, int n) {
  for (int i = 0; i < n; i++) {
    store_cert_clear(&c[i]);
  }
}

static void test_full_cache_admits_the_asked_again(void **state) {
  struct fixture *f = *state;
  enum { N = 5 };
  struct store_cert c[N];
  issue_and_cache(f, c, N, N - 1);
  /* Scanned once: not kept, and the four are all still there. */
  expect(f, VERIFY_FORM_QR, c[N - 1].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  assert_int_equal(1, refused_count(f));
  for (int i = 0; i < N - 1; i++) {
    expect(f, VERIFY_FORM_QR, c[i].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, true);
  }
  /* Scanned again: kept in the place of the oldest (the first), then answered. */
  expect(f, VERIFY_FORM_QR, c[N - 1].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  assert_int_equal(1, refused_count(f));
  expect(f, VERIFY_FORM_QR, c[N - 1].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, true);
  for (int i = 1; i < N - 1; i++) {
    expect(f, VERIFY_FORM_QR, c[i].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, true);
  }
  /* The displaced one is turned away in its turn, once. */
  expect(f, VERIFY_FORM_QR, c[0].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  assert_int_equal(2, refused_count(f));
  clear_all(c, N);
}

/* After a certificate changed, every entry is stale: a certificate asked for once takes the
 * place of one of them at once (a full set of stale entries does not turn it away). */
static void test_stale_entries_make_room(void **state) {
  struct fixture *f = *state;
  enum { N = 6 };
  struct store_cert c[N];
  issue_and_cache(f, c, N, N - 2);
  change(f->svc.store, c[N - 1].serial, STORE_CERT_TO_SUSPENDED); /* another certificate */
  expect(f, VERIFY_FORM_QR, c[N - 2].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, false);
  assert_int_equal(0, refused_count(f));
  expect(f, VERIFY_FORM_QR, c[N - 2].qr_token, CERT_GENUINE, VERIFY_REASON_NONE, true);
  clear_all(c, N);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_hit_same_answer, cache_setup, cache_teardown),
      cmocka_unit_test_setup_teardown(test_status_changes_show_at_once, cache_setup,
                                      cache_teardown),
      cmocka_unit_test_setup_teardown(test_writes_of_other_processes, cache_setup, cache_teardown),
      cmocka_unit_test_setup_teardown(test_key_compromised_after_caching, cache_setup,
                                      cache_teardown),
      cmocka_unit_test_setup_teardown(test_failures_not_cached, cache_setup, cache_teardown),
      cmocka_unit_test_setup_teardown(test_full_cache_admits_the_asked_again, small_cache_setup,
                                      cache_teardown),
      cmocka_unit_test_setup_teardown(test_stale_entries_make_room, small_cache_setup,
                                      cache_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
