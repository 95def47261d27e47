/*
 * The window rule of test events on a real store (common/schedule.h): local times of the
 * TUK's zone, a start before, inside and after a window, the session code (case ignored,
 * missing or wrong), several schedules of one exam, and a start that used its enrolment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/schedule.h"
#include "store/store.h"
#include "test_store_fixture.h"

#define HOUR_MS (3600LL * 1000)
#define T0      1796342400000LL /* 2026-12-04T00:00:00Z */

struct fixture {
  struct temp_store t;
  int64_t cand, admin, s_now, s_later;
};

static int add_schedule(struct store_tx *tx, int64_t *id, const char *exam, int64_t opens,
                        int64_t closes, const char *code) {
  return temp_store_schedule(tx, id, exam, opens, closes, code);
}

static int seed(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int rc = store_user_create(tx, &f->cand, "asesi@contoh.id", "Asesi", ROLE_CANDIDATE, "$x");
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin, "admin@contoh.id", "Admin", ROLE_ADMIN, "$x");
  }
  if (STORE_OK == rc) {
    rc = add_schedule(tx, &f->s_now, "KLN-1", T0 + HOUR_MS, T0 + 3 * HOUR_MS, "KODE7");
  }
  if (STORE_OK == rc) {
    rc = add_schedule(tx, &f->s_later, "KLN-1", T0 + 5 * HOUR_MS, T0 + 6 * HOUR_MS, "");
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_add(tx, f->s_now, f->cand, f->admin);
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_add(tx, f->s_later, f->cand, f->admin);
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "schedule", NULL, seed);
}

static enum schedule_gate gate(struct fixture *f, const char *exam, const char *code, int64_t now,
                               int64_t *out_id) {
  struct store_rd *rd = NULL;
  struct store_schedule s;
  enum schedule_gate g = SCHEDULE_GATE_FREE;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, schedule_start_gate(&g, &s, rd, f->cand, exam, code, 0, now));
  store_rd_end(rd);
  *out_id = s.id;
  return g;
}

static void test_local_time(void **state) {
  (void)state;
  int64_t ms = 0;
  assert_int_equal(0, schedule_local_time(&ms, "2026-12-04", "08:00", "WIB"));
  assert_int_equal(T0 + HOUR_MS, ms);
  assert_int_equal(0, schedule_local_time(&ms, "2026-12-04", "08:00", "WITA"));
  assert_int_equal(T0, ms);
  assert_int_equal(0, schedule_local_time(&ms, "2026-12-04", "08:30", "WIT"));
  assert_int_equal(T0 - HOUR_MS + 30 * 60 * 1000, ms);
  static const char *const bad[][3] = {
      {"2026-12-04", "24:00", "WIB"}, {"2026-12-04", "8:00", "WIB"},
      {"2026-12-04", "08:60", "WIB"}, {"2026-12-04", "08:00", "UTC"},
      {"2026-02-30", "08:00", "WIB"}, {"2026-12-04", "08-00", "WIB"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (0 == schedule_local_time(&ms, bad[i][0], bad[i][1], bad[i][2])) {
      fail_msg("accepted %s %s %s", bad[i][0], bad[i][1], bad[i][2]);
    }
  }
}

static void test_window_and_code(void **state) {
  struct fixture *f = *state;
  int64_t id = 0;
  /* Before the first window: not yet, naming the earliest. */
  assert_int_equal(SCHEDULE_GATE_NOT_YET, gate(f, "KLN-1", NULL, T0, &id));
  assert_int_equal(f->s_now, id);
  /* Inside it: the code decides. */
  assert_int_equal(SCHEDULE_GATE_CODE_NEEDED, gate(f, "KLN-1", NULL, T0 + 2 * HOUR_MS, &id));
  assert_int_equal(SCHEDULE_GATE_CODE_NEEDED, gate(f, "KLN-1", "", T0 + 2 * HOUR_MS, &id));
  assert_int_equal(SCHEDULE_GATE_CODE_WRONG, gate(f, "KLN-1", "KODE8", T0 + 2 * HOUR_MS, &id));
  assert_int_equal(SCHEDULE_GATE_CODE_WRONG, gate(f, "KLN-1", "KODE", T0 + 2 * HOUR_MS, &id));
  assert_int_equal(SCHEDULE_GATE_OPEN, gate(f, "KLN-1", "kode7", T0 + 2 * HOUR_MS, &id));
  assert_int_equal(f->s_now, id);
  /* The window closes at its end (exclusive); the later schedule is next. */
  assert_int_equal(SCHEDULE_GATE_NOT_YET, gate(f, "KLN-1", "KODE7", T0 + 3 * HOUR_MS, &id));
  assert_int_equal(f->s_later, id);
  assert_int_equal(SCHEDULE_GATE_OPEN, gate(f, "KLN-1", NULL, T0 + 5 * HOUR_MS, &id));
  assert_int_equal(SCHEDULE_GATE_CLOSED, gate(f, "KLN-1", NULL, T0 + 7 * HOUR_MS, &id));
  assert_int_equal(f->s_later, id);
  /* Another exam: no rule. */
  assert_int_equal(SCHEDULE_GATE_FREE, gate(f, "DKV-1", NULL, T0, &id));
}

/* A session started by a check-in for one schedule: that schedule alone decides, by its
 * window, without its session code. */
static void test_checked_in_schedule_decides(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  struct store_schedule s;
  enum schedule_gate g = SCHEDULE_GATE_FREE;
  struct {
    int64_t checked_in, now;
    enum schedule_gate want;
  } cases[] = {
      {f->s_now, T0 + 2 * HOUR_MS, SCHEDULE_GATE_OPEN},      /* no code needed */
      {f->s_now, T0, SCHEDULE_GATE_NOT_YET},                 /* its own window */
      {f->s_now, T0 + 4 * HOUR_MS, SCHEDULE_GATE_CLOSED},    /* though s_later opens soon */
      {f->s_later, T0 + 2 * HOUR_MS, SCHEDULE_GATE_NOT_YET}, /* though s_now is open */
      {f->s_later, T0 + 5 * HOUR_MS, SCHEDULE_GATE_OPEN},
      {f->s_later + 100, T0 + 2 * HOUR_MS, SCHEDULE_GATE_FREE}, /* not pending: no rule */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
    assert_int_equal(STORE_OK, schedule_start_gate(&g, &s, rd, f->cand, "KLN-1", NULL,
                                                   cases[i].checked_in, cases[i].now));
    store_rd_end(rd);
    if (cases[i].want != g) {
      fail_msg("case %zu: gate %d, wanted %d", i, (int)g, (int)cases[i].want);
    }
    if (SCHEDULE_GATE_FREE != g) {
      assert_int_equal(cases[i].checked_in, s.id);
    }
  }
}

struct start_ctx {
  int64_t schedule, user, attempt;
};

static int record(struct store_tx *tx, void *arg) {
  struct start_ctx *c = arg;
  return schedule_record_start(tx, c->schedule, c->user, c->attempt);
}

static void test_start_uses_enrolment(void **state) {
  struct fixture *f = *state;
  int64_t id = 0;
  struct start_ctx c = {f->s_now, f->cand, 42};
  assert_int_equal(STORE_OK, store_txn(f->t.s, record, &c));
  /* The used enrolment no longer gates; the later one still does. */
  assert_int_equal(SCHEDULE_GATE_NOT_YET, gate(f, "KLN-1", NULL, T0 + 2 * HOUR_MS, &id));
  assert_int_equal(f->s_later, id);
  c.schedule = f->s_later;
  assert_int_equal(STORE_OK, store_txn(f->t.s, record, &c));
  assert_int_equal(SCHEDULE_GATE_FREE, gate(f, "KLN-1", NULL, T0 + 2 * HOUR_MS, &id));
  /* Attendance was recorded by the start, with the attempt. */
  struct store_rd *rd = NULL;
  struct store_enrolment *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_enrolment_list(rd, &list, &n, f->s_now));
  store_rd_end(rd);
  assert_int_equal(1, n);
  assert_int_equal(42, list[0].attempt_id);
  assert_true(list[0].attended_ms > 0);
  assert_int_equal(0, list[0].attended_by);
  store_enrolment_list_free(list, n);
  /* Recording a start for someone not enrolled is a broken invariant. */
  c.user = f->admin;
  assert_int_equal(STORE_HARD, store_txn(f->t.s, record, &c));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_local_time),
      cmocka_unit_test_setup_teardown(test_window_and_code, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_start_uses_enrolment, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_checked_in_schedule_decides, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
