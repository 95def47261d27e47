/*
 * Tests of the audit log: entries commit with the change they record, the table refuses
 * UPDATE and DELETE, and verification names the first entry that was altered, unlinked or
 * removed. Tampering is simulated the way an attacker with file access would do it: a raw
 * SQLite connection that first drops the append-only triggers.
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

#include "store/store.h"
#include "test_store_fixture.h"

struct fixture {
  struct temp_store t;
};

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "audit", NULL, NULL);
}

struct append_args {
  int n;
  int refuse; /* return CONFLICT after appending: the entries must not survive */
};

static int tx_append(struct store_tx *tx, void *ctx) {
  struct append_args *a = ctx;
  for (int i = 0; i < a->n; i++) {
    char subject[32], after[64];
    int64_t seq = 0;
    snprintf(subject, sizeof subject, "attempt:%d", i + 1);
    snprintf(after, sizeof after, "{\"overall\":\"%s\"}", i % 2 ? "BK" : "K");
    int rc = store_audit_append(tx, &seq, 7, "review.decision", subject,
                                i % 3 ? "{\"overall\":null}" : NULL, after);
    if (STORE_OK != rc) {
      return rc;
    }
    if (seq <= 0) {
      return STORE_HARD;
    }
  }
  return a->refuse ? STORE_CONFLICT : STORE_OK;
}

static void append(struct fixture *f, int n) {
  struct append_args a = {n, 0};
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_append, &a));
}

static void expect_intact(struct fixture *f, int64_t count) {
  int64_t bad = -1, n = -1;
  char why[200];
  assert_int_equal(STORE_OK, store_audit_verify(f->t.s, &bad, &n, why, sizeof why));
  assert_int_equal(0, bad);
  assert_int_equal(count, n);
}

static void expect_broken_at(struct fixture *f, int64_t seq, const char *reason) {
  int64_t bad = -1;
  char why[200] = "";
  assert_int_equal(STORE_CONFLICT, store_audit_verify(f->t.s, &bad, NULL, why, sizeof why));
  if (seq != bad) {
    fail_msg("expected the first broken entry to be %lld, got %lld (%s)", (long long)seq,
             (long long)bad, why);
  }
  if (NULL == strstr(why, reason)) {
    fail_msg("reason '%s' does not mention '%s'", why, reason);
  }
}

/* Runs SQL on a separate raw connection, as someone editing the database would (the text
 * for SQLite and the one for PostgreSQL). */
static void tamper(struct fixture *f, const char *lite_sql, const char *pg_sql) {
  char msg[256];
  if (0 != test_raw_tamper(f->t.db, lite_sql, pg_sql, msg, sizeof msg)) {
    fail_msg("tamper: %s", msg);
  }
}

static void test_empty_log_is_intact(void **state) {
  expect_intact(*state, 0);
}

static void test_appended_entries_verify_and_list(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  append(f, 5);
  append(f, 2);
  expect_intact(f, 7);
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_audit_list(rd, &list, &n, "attempt:1", 0, 10));
  assert_int_equal(2, n); /* one from each transaction */
  assert_int_equal(6, list[0].seq);
  assert_int_equal(1, list[1].seq);
  assert_int_equal(7, list[0].actor);
  assert_string_equal("review.decision", list[0].action);
  assert_null(list[1].before);
  assert_string_equal("{\"overall\":\"K\"}", list[1].after);
  assert_int_equal(64, strlen(list[0].hash));
  store_audit_list_free(list, n);
  assert_int_equal(STORE_OK, store_audit_list(rd, &list, &n, NULL, 3, 10));
  assert_int_equal(2, n);
  assert_int_equal(2, list[0].seq);
  store_audit_list_free(list, n);
  store_rd_end(rd);
}

static void test_rolled_back_entries_vanish(void **state) {
  struct fixture *f = *state;
  struct append_args a = {3, 1};
  append(f, 1);
  assert_int_equal(STORE_CONFLICT, store_txn(f->t.s, tx_append, &a));
  expect_intact(f, 1);
  append(f, 1);
  expect_intact(f, 2);
}

static void test_update_and_delete_are_refused(void **state) {
  struct fixture *f = *state;
  struct test_raw r;
  char msg[256];
  append(f, 2);
  assert_int_equal(0, test_raw_open(&r, f->t.db));
  assert_int_not_equal(0, test_raw_exec(&r, "UPDATE audit_log SET action = 'x'", msg, sizeof msg));
  assert_non_null(strstr(msg, "append-only"));
  assert_int_not_equal(0, test_raw_exec(&r, "DELETE FROM audit_log", msg, sizeof msg));
  assert_non_null(strstr(msg, "append-only"));
  test_raw_close(&r);
  expect_intact(f, 2);
}

static void test_edited_entry_is_named(void **state) {
  struct fixture *f = *state;
  append(f, 5);
  tamper(f,
         "DROP TRIGGER audit_log_no_update;"
         "UPDATE audit_log SET after = '{\"overall\":\"K\"}' WHERE seq = 2;",
         "DROP TRIGGER audit_log_no_update ON audit_log;"
         "UPDATE audit_log SET after = '{\"overall\":\"K\"}' WHERE seq = 2;");
  expect_broken_at(f, 2, "altered");
}

static void test_rehashed_entry_breaks_the_next_link(void **state) {
  struct fixture *f = *state;
  append(f, 4);
  /* Replacing a stored hash is caught at that entry, before the broken link to entry 4. */
  tamper(f,
         "DROP TRIGGER audit_log_no_update;"
         "UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 3;",
         "DROP TRIGGER audit_log_no_update ON audit_log;"
         "UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 3;");
  expect_broken_at(f, 3, "altered");
}

static void test_deleted_entry_is_named(void **state) {
  struct fixture *f = *state;
  append(f, 4);
  tamper(f, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;",
         "DROP TRIGGER audit_log_no_delete ON audit_log; DELETE FROM audit_log WHERE seq = 2;");
  expect_broken_at(f, 2, "missing");
}

static void test_appending_continues_the_chain_after_reopen(void **state) {
  struct fixture *f = *state;
  char err[256];
  append(f, 3);
  store_close(f->t.s);
  f->t.s = NULL;
  assert_int_equal(STORE_OK, store_open(&f->t.s, f->t.db, NULL, err, sizeof err));
  append(f, 3);
  expect_intact(f, 6);
}

/* store_audit_check from the start with a step of max entries: where each step ends, and
 * whether it says the end was reached. */
static void check_step(struct fixture *f, struct store_audit_mark *at, int64_t max,
                       int64_t want_seq, bool want_end) {
  bool end = !want_end;
  int64_t bad = -1;
  enum store_audit_fault fault = STORE_AUDIT_ALTERED;
  char why[200] = "";
  assert_int_equal(STORE_OK,
                   store_audit_check(f->t.s, at, max, &end, &bad, &fault, why, sizeof why));
  assert_int_equal(want_seq, at->seq);
  assert_int_equal(want_end, end);
  assert_int_equal(0, bad);
  assert_int_equal(STORE_AUDIT_INTACT, fault);
  assert_int_equal(64, strlen(at->hash));
}

static void test_check_in_steps(void **state) {
  struct fixture *f = *state;
  struct store_audit_mark at, whole;
  store_audit_mark_start(&at);
  check_step(f, &at, 5, 0, true); /* an empty log: at its end at once */
  append(f, 12);
  check_step(f, &at, 5, 5, false);
  check_step(f, &at, 5, 10, false);
  check_step(f, &at, 5, 12, true);
  /* a step ending on the last entry does not know it was the last; the next one does */
  store_audit_mark_start(&at);
  check_step(f, &at, 6, 6, false);
  check_step(f, &at, 6, 12, false);
  check_step(f, &at, 6, 12, true);
  /* the same point as one check of everything, and the same as the stored head */
  store_audit_mark_start(&whole);
  check_step(f, &whole, 0, 12, true);
  assert_string_equal(at.hash, whole.hash);
  append(f, 2);
  check_step(f, &at, 0, 14, true); /* on from a mark: only what was appended */
}

/* The first bad entry after at, how, and at left on the last good one. */
static void expect_check_broken(struct fixture *f, struct store_audit_mark *at, int64_t seq,
                                enum store_audit_fault want, int64_t last_good) {
  bool end = true;
  int64_t bad = -1;
  enum store_audit_fault fault = STORE_AUDIT_INTACT;
  char why[200] = "";
  assert_int_equal(STORE_CONFLICT,
                   store_audit_check(f->t.s, at, 0, &end, &bad, &fault, why, sizeof why));
  if (seq != bad || want != fault) {
    fail_msg("expected entry %lld, fault %d; got %lld, fault %d (%s)", (long long)seq, (int)want,
             (long long)bad, (int)fault, why);
  }
  assert_int_equal(last_good, at->seq);
  assert_non_null(strstr(why, "entry"));
}

static void test_check_names_the_fault(void **state) {
  struct fixture *f = *state;
  struct store_audit_mark at;
  append(f, 6);
  tamper(f,
         "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
         "UPDATE audit_log SET after = '{}' WHERE seq = 5; DELETE FROM audit_log WHERE seq = 3;",
         "DROP TRIGGER audit_log_no_update ON audit_log;"
         "DROP TRIGGER audit_log_no_delete ON audit_log;"
         "UPDATE audit_log SET after = '{}' WHERE seq = 5; DELETE FROM audit_log WHERE seq = 3;");
  store_audit_mark_start(&at);
  expect_check_broken(f, &at, 3, STORE_AUDIT_MISSING, 2);
  tamper(f,
         "UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE seq = 1) "
         "WHERE seq = 4; UPDATE audit_log SET seq = 3 WHERE seq = 4;",
         "UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE seq = 1) "
         "WHERE seq = 4; UPDATE audit_log SET seq = 3 WHERE seq = 4;");
  store_audit_mark_start(&at);
  expect_check_broken(f, &at, 3, STORE_AUDIT_UNLINKED, 2);
}

/* From a mark, an old entry edited in place is not seen (the full check's job), but a log cut
 * short behind the mark, or the mark's entry given another hash, is. */
static void test_check_from_a_mark(void **state) {
  struct fixture *f = *state;
  struct store_audit_mark at, kept;
  append(f, 6);
  store_audit_mark_start(&at);
  check_step(f, &at, 0, 6, true);
  kept = at;
  tamper(f,
         "DROP TRIGGER audit_log_no_update;"
         "UPDATE audit_log SET after = '{}' WHERE seq = 2;",
         "DROP TRIGGER audit_log_no_update ON audit_log;"
         "UPDATE audit_log SET after = '{}' WHERE seq = 2;");
  append(f, 2);
  check_step(f, &at, 0, 8, true);
  expect_broken_at(f, 2, "altered");
  /* the last two entries cut off: the mark at 8 is gone */
  tamper(f, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 6;",
         "DROP TRIGGER audit_log_no_delete ON audit_log; DELETE FROM audit_log WHERE seq > 6;");
  expect_check_broken(f, &at, 8, STORE_AUDIT_REWRITTEN, 8);
  /* the mark at 6 is there, but its entry's hash is not the one seen */
  tamper(f, "UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 6;",
         "UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 6;");
  expect_check_broken(f, &kept, 6, STORE_AUDIT_REWRITTEN, 6);
}

struct watch_args {
  int64_t seq, full_entries;
  enum store_audit_fault fault;
  const struct store_audit_mark *tail;
};

static int tx_watch(struct store_tx *tx, void *arg) {
  const struct watch_args *a = arg;
  return NULL != a->tail ? store_audit_watch_full(tx, a->full_entries, a->tail)
                         : store_audit_watch_broken(tx, a->seq, a->fault);
}

static void watch_get(struct fixture *f, struct store_audit_watch *w, int want_rc) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(want_rc, store_audit_watch_get(rd, w));
  store_rd_end(rd);
}

/* The audit watch's record: none at first, a full check, a break kept with its first time,
 * another break, and a full check that clears it. */
static void test_watch_record(void **state) {
  struct fixture *f = *state;
  struct store_audit_watch w;
  struct store_audit_mark at;
  watch_get(f, &w, STORE_NONE);
  assert_int_equal(0, w.full_at_ms);
  assert_int_equal(0, w.tail.seq);
  assert_int_equal(64, strlen(w.tail.hash));
  append(f, 3);
  store_audit_mark_start(&at);
  check_step(f, &at, 0, 3, true);
  struct watch_args full = {.full_entries = 3, .tail = &at};
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_watch, &full));
  watch_get(f, &w, STORE_OK);
  assert_true(w.full_at_ms > 0);
  assert_int_equal(3, w.full_entries);
  assert_int_equal(3, w.tail.seq);
  assert_string_equal(at.hash, w.tail.hash);
  assert_int_equal(0, w.broken_seq);
  struct watch_args bad = {.seq = 2, .fault = STORE_AUDIT_ALTERED};
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_watch, &bad));
  watch_get(f, &w, STORE_OK);
  assert_int_equal(2, w.broken_seq);
  assert_int_equal(STORE_AUDIT_ALTERED, w.fault);
  assert_true(w.found_at_ms > 0);
  assert_int_equal(3, w.full_entries); /* the last full check stays */
  int64_t found = w.found_at_ms;
  usleep(5000);
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_watch, &bad));
  watch_get(f, &w, STORE_OK);
  assert_int_equal(found, w.found_at_ms); /* the same break: its first time */
  struct watch_args other = {.seq = 1, .fault = STORE_AUDIT_MISSING};
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_watch, &other));
  watch_get(f, &w, STORE_OK);
  assert_int_equal(1, w.broken_seq);
  assert_int_equal(STORE_AUDIT_MISSING, w.fault);
  assert_true(w.found_at_ms > found);
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_watch, &full));
  watch_get(f, &w, STORE_OK);
  assert_int_equal(0, w.broken_seq);
  assert_int_equal(0, w.found_at_ms);
  assert_int_equal(STORE_AUDIT_INTACT, w.fault);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_empty_log_is_intact, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_appended_entries_verify_and_list, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_rolled_back_entries_vanish, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_update_and_delete_are_refused, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_edited_entry_is_named, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_rehashed_entry_breaks_the_next_link, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_deleted_entry_is_named, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_appending_continues_the_chain_after_reopen, setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_check_in_steps, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_check_names_the_fault, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_check_from_a_mark, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_watch_record, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
