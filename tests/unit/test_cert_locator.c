/*
 * Where certificates are (store/cert_locator.h) and how the verification look-up uses it
 * (store_cert_by_serial_logged with opts.cert_locator).
 *
 * The table alone: a location comes back for its own serial only, the last one kept wins,
 * sets that overflow lose locations but never answer with another serial's, and threads
 * putting and getting at once see only whole locations of their own serials.
 *
 * Through a store: certificates issued before the store was opened are located in the
 * background, and a look-up then answers what the look-up by serial answers on a store
 * without a locator, field for field; a status change made by another handle moves the
 * generation, and the next look-up reads the log's record again instead of the kept one; a
 * location whose row now has another serial, or whose generation is older than the
 * database's, is not taken; and one that matches both is (the kept log position is what
 * comes back), so the checks above are the ones that decide. PostgreSQL ignores the option.
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

#include "store/cert_locator.h"
#include "store/store_internal.h"
#include "test_verify_fixture.h"

/* ------------------------------------------------------------------------------------ */
/* the table */

static void serial_of(char *buf, size_t size, unsigned i) {
  snprintf(buf, size, "UJK-%04X-%04X-TEST-0000-A", (i >> 16) & 0xffffu, i & 0xffffu);
}

static struct cert_location location(int64_t i) {
  return (struct cert_location){
      .rowid = i, .log_index = (uint64_t)i * 3u, .logged_ms = i * 7, .generation = i % 5};
}

static void expect_location(const struct cert_location *got, int64_t i) {
  struct cert_location want = location(i);
  assert_int_equal(want.rowid, got->rowid);
  assert_int_equal(want.log_index, got->log_index);
  assert_int_equal(want.logged_ms, got->logged_ms);
  assert_int_equal(want.generation, got->generation);
}

static void test_kept_and_replaced(void **state) {
  (void)state;
  struct cert_locator *l = NULL;
  struct cert_location got;
  assert_int_equal(0, cert_locator_new(&l, 10));
  assert_int_equal(65536, cert_locator_slots(l));
  assert_false(cert_locator_get(l, "UJK-AAAA-BBBB-CCCC-DDDD-E", &got));
  struct cert_location one = location(1), two = location(2);
  cert_locator_put(l, "UJK-AAAA-BBBB-CCCC-DDDD-E", &one);
  assert_true(cert_locator_get(l, "UJK-AAAA-BBBB-CCCC-DDDD-E", &got));
  expect_location(&got, 1);
  assert_false(cert_locator_get(l, "UJK-AAAA-BBBB-CCCC-DDDD-F", &got));
  cert_locator_put(l, "UJK-AAAA-BBBB-CCCC-DDDD-E", &two);
  assert_true(cert_locator_get(l, "UJK-AAAA-BBBB-CCCC-DDDD-E", &got));
  expect_location(&got, 2);
  uint64_t found = 0, missed = 0;
  cert_locator_counts(l, &found, &missed);
  assert_int_equal(2, found);
  assert_int_equal(2, missed);
  cert_locator_free(l);

  /* Sized from the certificates stored: 1.125 times as many slots, a power of two. */
  assert_int_equal(0, cert_locator_new(&l, 100000));
  assert_int_equal(131072, cert_locator_slots(l));
  cert_locator_free(l);
  assert_int_equal(0, cert_locator_new(&l, 200000));
  assert_int_equal(262144, cert_locator_slots(l));
  cert_locator_free(l);
  assert_int_equal(0, cert_locator_new(&l, 5000000)); /* at most 42 MB */
  assert_int_equal(1048576, cert_locator_slots(l));
  cert_locator_free(l);
}

/* Four and a half times as many serials as slots: most are evicted, the rest come back as
 * they were put, and none comes back with another serial's location. */
static void test_overflow_evicts_own_only(void **state) {
  (void)state;
  struct cert_locator *l = NULL;
  assert_int_equal(0, cert_locator_new(&l, 0));
  const unsigned n = 300000;
  char serial[32];
  for (unsigned i = 0; i < n; i++) {
    serial_of(serial, sizeof serial, i);
    struct cert_location loc = location(i);
    cert_locator_put(l, serial, &loc);
  }
  unsigned kept = 0;
  for (unsigned i = 0; i < n; i++) {
    struct cert_location got;
    serial_of(serial, sizeof serial, i);
    if (cert_locator_get(l, serial, &got)) {
      expect_location(&got, i);
      kept++;
    }
  }
  /* Every slot holds one of them at the end, and the last put of each set is kept. */
  assert_int_equal(cert_locator_slots(l), kept);
  serial_of(serial, sizeof serial, n - 1);
  struct cert_location got;
  assert_true(cert_locator_get(l, serial, &got));
  expect_location(&got, n - 1);
  cert_locator_free(l);
}

struct worker {
  struct cert_locator *l;
  unsigned first, n;
  unsigned found, wrong;
};

static void *work(void *arg) {
  struct worker *w = arg;
  char serial[32];
  for (unsigned round = 0; round < 3; round++) {
    for (unsigned i = w->first; i < w->first + w->n; i++) {
      struct cert_location got, loc = location(i);
      serial_of(serial, sizeof serial, i);
      if (0 == round) {
        cert_locator_put(w->l, serial, &loc);
      } else if (cert_locator_get(w->l, serial, &got)) {
        w->found++;
        w->wrong += 0 != memcmp(&got, &loc, sizeof got);
      }
    }
  }
  return NULL;
}

static void test_threads(void **state) {
  (void)state;
  struct cert_locator *l = NULL;
  assert_int_equal(0, cert_locator_new(&l, 0));
  struct worker w[4];
  pthread_t t[4];
  for (unsigned i = 0; i < 4; i++) {
    w[i] = (struct worker){l, i * 12000u, 12000u, 0, 0};
    assert_int_equal(0, pthread_create(&t[i], NULL, work, &w[i]));
  }
  unsigned found = 0;
  for (unsigned i = 0; i < 4; i++) {
    assert_int_equal(0, pthread_join(t[i], NULL));
    assert_int_equal(0, w[i].wrong);
    found += w[i].found;
  }
  /* 48,000 serials in 65,536 slots: ~45,700 stay when every put comes before every get (a
   * set of eight overflows when more than eight of them fall in it), more otherwise. */
  assert_true(found > 2u * 45000u);
  cert_locator_free(l);
}

/* ------------------------------------------------------------------------------------ */
/* through a store */

/* A second handle on the fixture's database, with a locator whose first finding is done. */
static struct store *open_located(struct fixture *f) {
  struct store_opts opts = {.cert_locator = true};
  struct store *s = NULL;
  char err[256];
  if (STORE_OK != store_open(&s, f->t.db, &opts, err, sizeof err)) {
    fail_msg("store_open: %s", err);
  }
  store_cert_locator_wait(s);
  return s;
}

static struct store_cert_logged look_up(struct store *s, const char *serial) {
  struct store_rd *rd = NULL;
  struct store_cert_logged l;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  int rc = store_cert_by_serial_logged(rd, &l, serial);
  store_rd_end(rd);
  if (STORE_OK != rc) {
    fail_msg("%s: %s", serial, store_rc_name(rc));
  }
  return l;
}

static void expect_same(struct store_cert_logged *got, struct store_cert_logged *want) {
  assert_string_equal(want->cert.serial, got->cert.serial);
  assert_string_equal(want->cert.holder, got->cert.holder);
  assert_string_equal(want->cert.status, got->cert.status);
  assert_int_equal(want->cert.issued_s, got->cert.issued_s);
  assert_int_equal(want->cert.expires_s, got->cert.expires_s);
  assert_string_equal(want->cert.qr_token, got->cert.qr_token);
  assert_string_equal(want->cert.display, got->cert.display);
  assert_int_equal(want->logged, got->logged);
  assert_int_equal(want->log_index, got->log_index);
  assert_int_equal(want->logged_ms, got->logged_ms);
  assert_int_equal(want->generation, got->generation);
  store_cert_clear(&got->cert);
  store_cert_clear(&want->cert);
}

static void test_located_as_by_serial(void **state) {
  struct fixture *f = *state;
  struct store_cert c[3];
  for (int i = 0; i < 3; i++) {
    issue(f, &c[i]);
  }
  struct store *s = open_located(f);
  uint64_t found = 0, missed = 0;
  if (temp_store_is_pg()) { /* PostgreSQL ignores the option */
    struct store_cert_logged got = look_up(s, c[0].serial), want = look_up(f->t.s, c[0].serial);
    expect_same(&got, &want);
    store_cert_locator_counts(s, &found, &missed);
    assert_int_equal(0, found + missed);
  } else {
    for (int i = 0; i < 3; i++) {
      struct store_cert_logged got = look_up(s, c[i].serial), want = look_up(f->t.s, c[i].serial);
      assert_true(got.logged);
      expect_same(&got, &want);
    }
    store_cert_locator_counts(s, &found, &missed);
    assert_int_equal(3, found); /* all three found by the background pass */
    assert_int_equal(0, missed);

    /* Issued after the pass: looked up by serial once, located from then on. */
    struct store_cert later;
    issue(f, &later);
    for (int i = 0; i < 2; i++) {
      struct store_cert_logged got = look_up(s, later.serial), want = look_up(f->t.s, later.serial);
      expect_same(&got, &want);
    }
    store_cert_locator_counts(s, &found, &missed);
    assert_int_equal(4, found);
    assert_int_equal(1, missed);
    store_cert_clear(&later);
  }
  store_close(s);
  for (int i = 0; i < 3; i++) {
    store_cert_clear(&c[i]);
  }
}

/* SQLite only (the test is skipped on PostgreSQL): two certificates issued, then a located
 * store opened on them. */
static struct store *two_located(struct fixture *f, struct store_cert *a, struct store_cert *b) {
  if (temp_store_is_pg()) {
    skip();
  }
  issue(f, a);
  issue(f, b);
  return open_located(f);
}

/* A revocation by another handle moves the generation: the kept locations are not taken for
 * it (the row and the log's record are read again), and the certificate then revoked, and
 * the others, answer as by serial. */
static void test_generation_moved(void **state) {
  struct fixture *f = *state;
  struct store_cert a, b;
  struct store *s = two_located(f, &a, &b);
  struct store_cert_logged before = look_up(s, b.serial);
  assert_int_equal(STORE_OK, temp_store_cert_change(f->t.s, a.serial, STORE_CERT_TO_REVOKED));
  struct store_cert_logged got = look_up(s, a.serial), want = look_up(f->t.s, a.serial);
  assert_string_equal("revoked", got.cert.status);
  expect_same(&got, &want);
  got = look_up(s, b.serial);
  want = look_up(f->t.s, b.serial);
  assert_true(got.generation > before.generation);
  expect_same(&got, &want);
  store_cert_clear(&before.cert);
  uint64_t found = 0, missed = 0;
  store_cert_locator_counts(s, &found, &missed);
  assert_int_equal(3, found); /* found, but stale: read again by serial */

  /* The verdicts of a service on the located store (no verdict cache): revoked, genuine. */
  struct store *own = f->svc.store;
  f->svc.store = s;
  struct verify_result *o = verify(f, VERIFY_FORM_QR, a.qr_token);
  assert_int_equal(CERT_REVOKED, o->v.verdict);
  free(o);
  o = verify(f, VERIFY_FORM_QR, b.qr_token);
  assert_int_equal(CERT_GENUINE, o->v.verdict);
  assert_true(o->logged);
  free(o);
  f->svc.store = own;
  store_cert_locator_counts(s, &found, &missed);
  assert_int_equal(5, found);
  store_close(s);
  store_cert_clear(&a);
  store_cert_clear(&b);
}

static int64_t rowid_of(struct fixture *f, const char *serial) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int64_t id = -1;
  assert_int_equal(SQLITE_OK, sqlite3_open_v2(f->t.db, &db, SQLITE_OPEN_READONLY, NULL));
  assert_int_equal(
      SQLITE_OK,
      sqlite3_prepare_v2(db, "SELECT rowid FROM certificates WHERE serial = ?1", -1, &st, NULL));
  sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
  if (SQLITE_ROW == sqlite3_step(st)) {
    id = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  assert_true(id > 0);
  return id;
}

/* Puts loc for serial into s's locator (a reader's connection reaches it). */
static void plant(struct store *s, const char *serial, const struct cert_location *loc) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  struct cert_locator *l = store_conn_locator(store_rd_conn(rd));
  store_rd_end(rd);
  assert_non_null(l);
  cert_locator_put(l, serial, loc);
}

static void test_wrong_location_not_taken(void **state) {
  struct fixture *f = *state;
  struct store_cert a, b;
  struct store *s = two_located(f, &a, &b);
  struct store_cert_logged want = look_up(f->t.s, a.serial);
  assert_true(want.logged);
  struct cert_location loc = {.rowid = rowid_of(f, b.serial),
                              .log_index = want.log_index + 100,
                              .logged_ms = 1,
                              .generation = want.generation};

  /* Another certificate's row: its serial is not the one asked for. */
  plant(s, a.serial, &loc);
  struct store_cert_logged got = look_up(s, a.serial), again = look_up(f->t.s, a.serial);
  expect_same(&got, &again);

  /* The right row, but a generation the database has moved past. */
  loc.rowid = rowid_of(f, a.serial);
  loc.generation = want.generation - 1;
  plant(s, a.serial, &loc);
  got = look_up(s, a.serial);
  again = look_up(f->t.s, a.serial);
  expect_same(&got, &again);

  /* Both right: the location is taken, with the log position it kept. */
  loc.generation = want.generation;
  plant(s, a.serial, &loc);
  got = look_up(s, a.serial);
  assert_string_equal(a.serial, got.cert.serial);
  assert_int_equal(want.log_index + 100, got.log_index);
  assert_int_equal(1, got.logged_ms);
  store_cert_clear(&got.cert);
  store_cert_clear(&want.cert);
  store_close(s);
  store_cert_clear(&a);
  store_cert_clear(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kept_and_replaced),
      cmocka_unit_test(test_overflow_evicts_own_only),
      cmocka_unit_test(test_threads),
      cmocka_unit_test_setup_teardown(test_located_as_by_serial, setup, teardown),
      cmocka_unit_test_setup_teardown(test_generation_moved, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wrong_location_not_taken, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
