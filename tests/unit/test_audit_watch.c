/*
 * Tests of the audit watch (common/audit_watch.h): its full passes and what they find, the
 * entries appended since checked on each report, a log cut short behind the watch seen at once,
 * an old entry edited in place seen by the next full pass, and a pass of many steps that ends,
 * or is stopped between two steps. Tampering is done as in test_audit.c: a raw connection that
 * drops the append-only triggers first.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/audit_watch.h"
#include "store/store.h"
#include "test_store_fixture.h"

#define WAIT_MS 30000 /* a pass of a test's log takes milliseconds; this is only a bound */

struct fixture {
  struct temp_store t;
  struct audit_watch *w;
};

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "audit_watch", NULL, NULL);
}

static int teardown(void **state) {
  struct fixture *f = *state;
  audit_watch_stop(f->w);
  f->w = NULL;
  return temp_store_teardown(state);
}

static int tx_append(struct store_tx *tx, void *ctx) {
  const int *n = ctx;
  for (int i = 0; i < *n; i++) {
    char subject[32];
    snprintf(subject, sizeof subject, "user:%d", i + 1);
    int rc = store_audit_append(tx, NULL, 7, "user.disable", subject, "{\"disabled\":false}",
                                "{\"disabled\":true}");
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

static void append(struct fixture *f, int n) {
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_append, &n));
}

static void tamper(struct fixture *f, const char *lite_sql, const char *pg_sql) {
  char msg[256];
  if (0 != test_raw_tamper(f->t.db, lite_sql, pg_sql, msg, sizeof msg)) {
    fail_msg("tamper: %s", msg);
  }
}

static void start(struct fixture *f) {
  char err[200] = "";
  if (0 != audit_watch_start(&f->w, f->t.s, 3600, err, sizeof err)) {
    fail_msg("audit_watch_start: %s", err);
  }
}

/* A full pass asked for now, and waited for. */
static void full_pass(struct fixture *f) {
  uint64_t pass = audit_watch_request(f->w);
  assert_true(pass >= 1);
  assert_true(audit_watch_wait(f->w, pass, WAIT_MS));
}

static void test_refuses_a_bad_start(void **state) {
  struct fixture *f = *state;
  struct audit_watch *w = (struct audit_watch *)f; /* any non-NULL value, overwritten */
  char err[200] = "";
  assert_int_equal(-1, audit_watch_start(&w, f->t.s, 0, err, sizeof err));
  assert_null(w);
  assert_non_null(strstr(err, "interval"));
  assert_int_equal(-1, audit_watch_start(&w, NULL, 60, err, sizeof err));
  assert_null(w);
  audit_watch_stop(NULL);
}

static void test_intact_then_what_was_appended(void **state) {
  struct fixture *f = *state;
  struct audit_watch_report r;
  append(f, 5);
  start(f);
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_INTACT, r.state);
  assert_int_equal(5, r.entries);
  assert_int_equal(5, r.full_entries);
  assert_int_equal(0, r.since);
  assert_true(r.full_at_ms > 0);
  assert_false(r.running);
  /* appended after the pass: checked by the report, which says how many were */
  append(f, 3);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_INTACT, r.state);
  assert_int_equal(8, r.entries);
  assert_int_equal(5, r.full_entries);
  assert_int_equal(3, r.since);
  /* the next pass takes them in */
  int64_t first_at = r.full_at_ms;
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(8, r.full_entries);
  assert_int_equal(0, r.since);
  assert_true(r.full_at_ms >= first_at);
}

static void test_old_edit_seen_by_the_full_pass(void **state) {
  struct fixture *f = *state;
  struct audit_watch_report r;
  append(f, 6);
  start(f);
  full_pass(f);
  tamper(f,
         "DROP TRIGGER audit_log_no_update;"
         "UPDATE audit_log SET after = '{\"disabled\":false}' WHERE seq = 2;",
         "DROP TRIGGER audit_log_no_update ON audit_log;"
         "UPDATE audit_log SET after = '{\"disabled\":false}' WHERE seq = 2;");
  append(f, 1);
  /* the report checks only the entry appended since: it cannot see the old edit */
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_INTACT, r.state);
  assert_int_equal(7, r.entries);
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_BROKEN, r.state);
  assert_int_equal(2, r.first_bad);
  assert_int_equal(STORE_AUDIT_ALTERED, r.fault);
  assert_true(r.found_at_ms > 0);
  /* the break is kept: appending goes on, reports keep saying so, and so does another pass */
  int64_t found = r.found_at_ms;
  append(f, 1);
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_BROKEN, r.state);
  assert_int_equal(2, r.first_bad);
  assert_int_equal(found, r.found_at_ms);
}

static void test_cut_short_seen_at_once(void **state) {
  struct fixture *f = *state;
  struct audit_watch_report r;
  append(f, 6);
  start(f);
  full_pass(f);
  append(f, 2);
  audit_watch_report(f->w, &r); /* the tail is now entry 8 */
  assert_int_equal(8, r.entries);
  tamper(f, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 5;",
         "DROP TRIGGER audit_log_no_delete ON audit_log; DELETE FROM audit_log WHERE seq > 5;");
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_BROKEN, r.state);
  assert_int_equal(8, r.first_bad);
  assert_int_equal(STORE_AUDIT_REWRITTEN, r.fault);
  /* what is left is a whole chain of five, but a full pass does not forget the eight seen */
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_BROKEN, r.state);
  assert_int_equal(STORE_AUDIT_REWRITTEN, r.fault);
}

static void test_a_pass_of_many_steps(void **state) {
  struct fixture *f = *state;
  struct audit_watch_report r;
  const int n = 2 * AUDIT_WATCH_STEP + 7;
  append(f, n);
  start(f);
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_INTACT, r.state);
  assert_int_equal(n, r.full_entries);
  assert_int_equal(n, r.entries);
  /* asked while one runs: the one asked for runs after it, and the wait is for that one */
  uint64_t a = audit_watch_request(f->w);
  uint64_t b = audit_watch_request(f->w);
  assert_true(b >= a);
  assert_true(audit_watch_wait(f->w, b, WAIT_MS));
  /* stopped in the middle of a pass: between two steps, without waiting for its end */
  (void)audit_watch_request(f->w);
  audit_watch_stop(f->w);
  f->w = NULL;
}

static void test_first_pass_reported_until_done(void **state) {
  struct fixture *f = *state;
  struct audit_watch_report r;
  append(f, 2);
  start(f); /* its first pass a minute away */
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_FIRST, r.state);
  assert_int_equal(0, r.entries);
  assert_int_equal(0, r.full_at_ms);
  assert_false(r.running);
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_INTACT, r.state);
  assert_int_equal(2, r.entries);
  assert_true(r.full_at_ms > 0);
}

/* What a watch found is kept in the store: the next process (a restart, or another node on
 * the same database) reports it at once, the break with the time it was first found. */
static void test_kept_for_the_next_process(void **state) {
  struct fixture *f = *state;
  struct audit_watch_report r;
  append(f, 4);
  start(f);
  full_pass(f);
  audit_watch_report(f->w, &r);
  int64_t full_at = r.full_at_ms;
  audit_watch_stop(f->w);
  f->w = NULL;
  start(f); /* its own first pass a minute away: the kept one is reported */
  append(f, 2);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_INTACT, r.state);
  assert_int_equal(full_at, r.full_at_ms);
  assert_int_equal(4, r.full_entries);
  assert_int_equal(6, r.entries);
  assert_int_equal(2, r.since);
  tamper(f,
         "DROP TRIGGER audit_log_no_update;"
         "UPDATE audit_log SET subject = 'user:99' WHERE seq = 3;",
         "DROP TRIGGER audit_log_no_update ON audit_log;"
         "UPDATE audit_log SET subject = 'user:99' WHERE seq = 3;");
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_BROKEN, r.state);
  assert_int_equal(3, r.first_bad);
  int64_t found = r.found_at_ms;
  audit_watch_stop(f->w);
  f->w = NULL;
  start(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_BROKEN, r.state);
  assert_int_equal(3, r.first_bad);
  assert_int_equal(STORE_AUDIT_ALTERED, r.fault);
  assert_int_equal(found, r.found_at_ms);
  /* the entry put back as it was: the next full pass finds the chain whole and says so */
  tamper(f, "UPDATE audit_log SET subject = 'user:3' WHERE seq = 3;",
         "UPDATE audit_log SET subject = 'user:3' WHERE seq = 3;");
  full_pass(f);
  audit_watch_report(f->w, &r);
  assert_int_equal(AUDIT_WATCH_INTACT, r.state);
  assert_int_equal(6, r.full_entries);
  assert_true(r.full_at_ms >= full_at);
}

/* Without being asked: the first pass comes after the interval when it is shorter than a
 * minute, on the process that leads the periodic work (store_lead), and the next one an
 * interval after it ended. */
static void test_passes_on_its_own(void **state) {
  struct fixture *f = *state;
  struct audit_watch_report r;
  char err[200] = "";
  append(f, 3);
  if (0 != audit_watch_start(&f->w, f->t.s, 1, err, sizeof err)) {
    fail_msg("audit_watch_start: %s", err);
  }
  int64_t first = 0;
  for (int i = 0; i < 400 && 0 == first; i++) {
    usleep(50 * 1000);
    audit_watch_report(f->w, &r);
    first = AUDIT_WATCH_INTACT == r.state ? r.full_at_ms : 0;
  }
  assert_true(first > 0);
  assert_int_equal(3, r.full_entries);
  append(f, 1);
  for (int i = 0; i < 400 && r.full_entries < 4; i++) {
    usleep(50 * 1000);
    audit_watch_report(f->w, &r);
  }
  assert_int_equal(4, r.full_entries);
  assert_true(r.full_at_ms >= first + 1000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_refuses_a_bad_start, setup, teardown),
      cmocka_unit_test_setup_teardown(test_intact_then_what_was_appended, setup, teardown),
      cmocka_unit_test_setup_teardown(test_old_edit_seen_by_the_full_pass, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cut_short_seen_at_once, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_pass_of_many_steps, setup, teardown),
      cmocka_unit_test_setup_teardown(test_first_pass_reported_until_done, setup, teardown),
      cmocka_unit_test_setup_teardown(test_kept_for_the_next_process, setup, teardown),
      cmocka_unit_test_setup_teardown(test_passes_on_its_own, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
