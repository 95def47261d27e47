/*
 * The fixture of the tests that issue certificates against a real store, exam catalogue and
 * key directory (test_cert_issue.c, test_verify.c): a candidate, attempts of one exam with
 * a chosen verdict, and a struct svc over them.
 *
 *   cmocka_unit_test_setup_teardown(test_x, setup, teardown)
 *   int64_t id = new_attempt(f, VERDICT_K);
 */
#ifndef TEST_ISSUE_FIXTURE_H
#define TEST_ISSUE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "common/config.h"
#include "common/keystore.h"
#include "store/store.h"
#include "test_store_fixture.h"

#define EXAM_ID "DKV-DGM-JR"

struct fixture {
  struct temp_store t; /* the store, and the key directory too */
  struct config cfg;
  struct svc svc;
  int64_t user_id;
  char version[65];
};

struct user_txn {
  int64_t id;
};

static int create_user(struct store_tx *tx, void *arg) {
  struct user_txn *u = arg;
  return store_user_create(tx, &u->id, "ayu@contoh.test",
                           "Raden Ajeng Kartika Sekar Ayu Prameswari", ROLE_CANDIDATE, "x");
}

struct attempt_txn {
  const struct fixture *f;
  enum verdict verdict;
  const char *src;
  size_t len;
  int64_t id;
};

static int create_attempt(struct store_tx *tx, void *arg) {
  struct attempt_txn *a = arg;
  int rc = store_exam_source_put(tx, a->f->version, EXAM_ID, "dkv.exam.yaml", a->src, a->len);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_attempt_create(tx, &a->id, a->f->user_id, EXAM_ID, a->f->version, "{}",
                            store_tx_now_ms(tx) + 3600000);
  if (STORE_OK != rc) {
    return rc;
  }
  return store_attempt_finish(tx, a->id, ATTEMPT_SUBMITTED, store_tx_now_ms(tx), a->verdict, "{}");
}

static int64_t new_attempt(struct fixture *f, enum verdict verdict) {
  const char *src = NULL, *file = NULL;
  size_t len = 0;
  assert_int_equal(0, catalog_source(f->svc.catalog, f->version, &src, &len, &file));
  struct attempt_txn a = {f, verdict, src, len, 0};
  int rc = store_txn(f->svc.store, create_attempt, &a);
  if (STORE_OK != rc) {
    fail_msg("create attempt: %s", store_rc_name(rc));
  }
  return a.id;
}

static int setup(void **state) {
  char err[512], exams[600];
  if (0 != temp_store_setup_with(state, sizeof(struct fixture), "issue", NULL, NULL)) {
    return -1;
  }
  struct fixture *f = *state;
  f->cfg.cert_validity_years = 3;
  snprintf(f->cfg.cert_issuer, sizeof f->cfg.cert_issuer, "LSP Uji Coba");
  snprintf(f->cfg.public_url, sizeof f->cfg.public_url, "https://sertifikat.contoh.id");
  snprintf(f->cfg.data_dir, sizeof f->cfg.data_dir, "%s", f->t.dir);
  f->svc.cfg = &f->cfg;
  f->svc.store = f->t.s;
  struct keystore *ks = NULL;
  if (0 != keystore_open(&ks, f->t.dir, true, err, sizeof err)) {
    print_error("%s\n", err);
    return -1;
  }
  f->svc.keys = ks;
  const char *src = getenv("UJIKOM_SOURCE_DIR");
  snprintf(exams, sizeof exams, "%s/exams", src ? src : ".");
  if (0 != catalog_open(&f->svc.catalog, exams, err, sizeof err)) {
    print_error("%s\n", err);
    return -1;
  }
  const struct exam *e = catalog_current(f->svc.catalog, EXAM_ID);
  if (NULL == e) {
    return -1;
  }
  memcpy(f->version, e->version, sizeof f->version);
  struct user_txn u = {0};
  if (STORE_OK != store_txn(f->svc.store, create_user, &u)) {
    return -1;
  }
  f->user_id = u.id;
  return 0;
}

static int teardown(void **state) {
  struct fixture *f = *state;
  catalog_free(f->svc.catalog);
  keystore_free(f->svc.keys);
  return temp_store_teardown(state);
}

#endif
