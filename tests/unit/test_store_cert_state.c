/*
 * The certificate state generation (store_cert_state_generation, migration 0032), on both
 * backends: it grows in the transaction of a status change, whether the change comes through
 * this store handle, another handle on the same database (another process or node) or a raw
 * SQL write beside the store; a new certificate and the QR image leave it as it is, and a
 * handle opened later reads the same value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "test_store_fixture.h"

static const char version[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct seed {
  const char *serial;
  int64_t user_id, attempt_id;
};

static int tx_seed(struct store_tx *tx, void *arg) {
  struct seed *s = arg;
  int rc = store_user_create(tx, &s->user_id, "sekar@contoh.test", "Sekar Ayu", ROLE_CANDIDATE,
                             "$scrypt$test");
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv-uji.exam.yaml", "format: 1\n", 10);
  }
  if (STORE_OK != rc) {
    return rc;
  }
  struct store_cert c;
  memset(&c, 0, sizeof c);
  snprintf(c.serial, sizeof c.serial, "%s", s->serial);
  snprintf(c.holder, sizeof c.holder, "Sekar Ayu");
  c.user_id = s->user_id;
  rc = temp_store_certified(tx, &c, version);
  s->attempt_id = c.attempt_id;
  return rc;
}

static const char the_serial[] = "UJK-AAAA-BBBB-CCCC-DDDD-E";

static int tx_png(struct store_tx *tx, void *arg) {
  (void)arg;
  return store_cert_png_put(tx, the_serial, "https://contoh.test/V/TOKEN", "png", 3);
}

static int64_t generation(struct store *s) {
  struct store_rd *rd = NULL;
  int64_t g = -1;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_cert_state_generation(rd, &g));
  store_rd_end(rd);
  return g;
}

/* The generation read beside the row by store_cert_by_serial_logged. */
static int64_t generation_with_row(struct store *s, const char *serial, const char *status) {
  struct store_rd *rd = NULL;
  struct store_cert_logged l;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_cert_by_serial_logged(rd, &l, serial));
  store_rd_end(rd);
  assert_string_equal(status, l.cert.status);
  store_cert_clear(&l.cert);
  return l.generation;
}

static void test_generation(void **state) {
  struct temp_store *t = *state;
  const char *serial = the_serial;
  int64_t g0 = generation(t->s);
  struct seed seed = {serial, 0, 0};
  assert_int_equal(STORE_OK, store_txn(t->s, tx_seed, &seed));
  assert_int_equal(g0, generation(t->s)); /* a new certificate: nothing proved about it yet */
  assert_int_equal(g0, generation_with_row(t->s, serial, STORE_CERT_VALID));
  assert_int_equal(STORE_OK, store_txn(t->s, tx_png, NULL));
  assert_int_equal(g0, generation(t->s)); /* the QR image is not part of a verdict */

  /* Another handle on the same database: another process, or another node. */
  struct store *other = NULL;
  char err[512];
  assert_int_equal(STORE_OK, store_open(&other, t->db, NULL, err, sizeof err));
  assert_int_equal(STORE_OK, temp_store_cert_change(other, serial, STORE_CERT_TO_SUSPENDED));
  int64_t g1 = generation(t->s);
  assert_true(g1 > g0);
  assert_int_equal(g1, generation(other));
  assert_int_equal(g1, generation_with_row(t->s, serial, STORE_CERT_SUSPENDED));
  store_close(other);

  /* A raw SQL write beside the store (an operator's shell): the triggers count it too. */
  struct test_raw raw;
  char msg[256];
  assert_int_equal(0, test_raw_open(&raw, t->db));
  if (0 != test_raw_exec(&raw,
                         "UPDATE certificates SET status = 'valid', suspended_at = NULL, "
                         "suspended_reason = NULL, suspended_by = NULL WHERE serial = "
                         "'UJK-AAAA-BBBB-CCCC-DDDD-E'",
                         msg, sizeof msg)) {
    fail_msg("raw update: %s", msg);
  }
  test_raw_close(&raw);
  int64_t g2 = generation(t->s);
  assert_true(g2 > g1);
  assert_int_equal(g2, generation_with_row(t->s, serial, STORE_CERT_VALID));

  assert_int_equal(STORE_OK, temp_store_cert_change(t->s, serial, STORE_CERT_TO_REVOKED));
  assert_true(generation(t->s) > g2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_generation, temp_store_setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
