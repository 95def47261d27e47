/*
 * The overdue sweep the daemon runs at start-up and periodically: open attempts whose
 * deadline plus the save grace has passed are closed and scored AT their deadline, with the
 * answers saved in time; attempts still in time are left alone. Also checks that the exam
 * version is rebuilt from the store's snapshot when the catalogue does not hold it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/attempts.h"
#include "common/catalog.h"
#include "common/config.h"
#include "common/svc.h"
#include "store/store.h"
#include "test_exam_fixture.h"
#include "test_store_fixture.h"
#include "ujikom/exam_form.h"

static const char subsectors[] = TEST_SUBSECTORS_FSN;
static const char exam_src[] = TEST_EXAM_TWO_TRUEFALSE("FSN-SWEEP", "Uji Sapu", "Sweep");

struct fx {
  struct temp_store t; /* the store, and the catalogue directory too */
  struct config cfg;
  struct svc svc;
  struct exam *exam; /* a private copy: the catalogue does not have to hold it */
  int64_t user;
};

static void write_file(const char *dir, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int mk_user(struct store_tx *tx, void *arg) {
  struct fx *fx = arg;
  return store_user_create(tx, &fx->user, "sapu@contoh.test", "Sapu", ROLE_CANDIDATE, "x");
}

static int setup(void **state) {
  char err[512] = "";
  struct exam_errors errs = {0};
  if (0 != temp_store_setup_with(state, sizeof(struct fx), "sweep", NULL, mk_user)) {
    return -1;
  }
  struct fx *fx = *state;
  /* The catalogue directory holds only the subsector list: the exam comes from the store. */
  write_file(fx->t.dir, "subsectors.yaml", subsectors);
  fx->cfg.save_grace_s = 30;
  fx->svc.cfg = &fx->cfg;
  fx->svc.store = fx->t.s;
  if (0 != catalog_open(&fx->svc.catalog, fx->t.dir, err, sizeof(err)) ||
      0 != exam_parse(&fx->exam, &errs, exam_src, sizeof(exam_src) - 1, "sweep", NULL)) {
    print_error("setup: %s\n", err);
    exam_errors_clear(&errs);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  struct fx *fx = *state;
  catalog_free(fx->svc.catalog);
  exam_free(fx->exam);
  return temp_store_teardown(state);
}

struct start {
  struct fx *fx;
  const char *form;
  int64_t deadline;
  int64_t id;
};

static int start_txn(struct store_tx *tx, void *arg) {
  struct start *s = arg;
  int rc = store_exam_source_put(tx, s->fx->exam->version, s->fx->exam->id, "fsn-sweep.exam.yaml",
                                 exam_src, sizeof(exam_src) - 1);
  if (STORE_OK != rc) {
    return rc;
  }
  return store_attempt_create(tx, &s->id, s->fx->user, s->fx->exam->id, s->fx->exam->version,
                              s->form, s->deadline);
}

struct save {
  int64_t id;
};

static int save_txn(struct store_tx *tx, void *arg) {
  struct save *s = arg;
  int rc = store_answer_put(tx, s->id, "Q1", "true", store_tx_now_ms(tx));
  if (STORE_OK != rc) {
    return rc;
  }
  return store_answer_put(tx, s->id, "Q2", "false", store_tx_now_ms(tx));
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_sweep_closes_at_deadline(void **state) {
  struct fx *fx = *state;
  struct exam_form *form = NULL;
  assert_int_equal(exam_form_assemble(&form, fx->exam, 7), 0);
  json_t *fj = exam_form_to_json(form);
  char *text = json_dumps(fj, JSON_COMPACT);
  json_decref(fj);
  exam_form_free(form);

  int64_t t0 = now_ms();
  struct start s = {.fx = fx, .form = text, .deadline = t0 + 1000};
  assert_int_equal(store_txn(fx->svc.store, start_txn, &s), STORE_OK);
  struct save sv = {.id = s.id};
  assert_int_equal(store_txn(fx->svc.store, save_txn, &sv), STORE_OK);

  /* Before deadline + grace: nothing to do. */
  size_t closed = 99;
  assert_int_equal(attempts_close_overdue(&fx->svc, t0 + 1000 + 30000, &closed), ATTEMPTS_OK);
  assert_int_equal(closed, 0);
  /* After it: closed at the deadline, scored with the saved answers (both right: K). */
  assert_int_equal(attempts_close_overdue(&fx->svc, t0 + 1000 + 30001, &closed), ATTEMPTS_OK);
  assert_int_equal(closed, 1);
  struct store_rd *rd = NULL;
  struct store_attempt a;
  assert_int_equal(store_rd_begin(fx->svc.store, &rd), STORE_OK);
  assert_int_equal(store_attempt_get(rd, &a, s.id), STORE_OK);
  store_rd_end(rd);
  assert_int_equal(a.status, ATTEMPT_CLOSED);
  assert_int_equal(a.finished_ms, t0 + 1000);
  assert_int_equal(a.verdict, VERDICT_K);
  assert_non_null(strstr(a.result, "\"finished\":\"closed\""));
  store_attempt_clear(&a);
  /* The version was rebuilt from the store's snapshot. */
  assert_non_null(catalog_version(fx->svc.catalog, fx->exam->version));
  /* Running again finds nothing. */
  assert_int_equal(attempts_close_overdue(&fx->svc, t0 + 100000, &closed), ATTEMPTS_OK);
  assert_int_equal(closed, 0);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_sweep_closes_at_deadline, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
