/*
 * The transparency log in the store: entries are numbered from 0 in append order inside the
 * caller's transaction (a rolled-back append leaves no gap), a serial is issued once, leaf
 * hashes and entries read back by range, checkpoints are stored once per size, and the
 * tables refuse UPDATE and DELETE even from another connection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "test_store_fixture.h"

struct append {
  const char *serial, *event;
  int rollback; /* return this instead of STORE_OK after appending (0: commit) */
  uint64_t index;
  int rc;
};

static int append_txn(struct store_tx *tx, void *arg) {
  struct append *a = arg;
  unsigned char leaf[STORE_TLOG_HASH_LEN];
  char entry[64];
  int n = snprintf(entry, sizeof entry, "%s %s", a->event, a->serial);
  memset(leaf, a->serial[0], sizeof leaf);
  a->rc = store_tlog_append(tx, &a->index, entry, (size_t)n, leaf, a->serial, a->event, 42);
  return STORE_OK == a->rc && 0 != a->rollback ? a->rollback : a->rc;
}

static int do_append(struct store *s, struct append *a) {
  return store_txn(s, append_txn, a);
}

static void test_append_numbers_without_gaps(void **state) {
  struct temp_store *t = *state;
  struct append a = {.serial = "A", .event = "issue"};
  assert_int_equal(STORE_OK, do_append(t->s, &a));
  assert_int_equal(0, a.index);
  struct append lost = {.serial = "B", .event = "issue", .rollback = STORE_CONFLICT};
  assert_int_equal(STORE_CONFLICT, do_append(t->s, &lost)); /* rolled back with its change */
  struct append b = {.serial = "B", .event = "issue"};
  assert_int_equal(STORE_OK, do_append(t->s, &b));
  assert_int_equal(1, b.index);
  struct append again = {.serial = "A", .event = "issue"};
  assert_int_equal(STORE_EXISTS, do_append(t->s, &again)); /* issued once */
  struct append revoke = {.serial = "A", .event = "revoke"};
  assert_int_equal(STORE_OK, do_append(t->s, &revoke));
  assert_int_equal(2, revoke.index);

  struct store_rd *rd = NULL;
  uint64_t size = 0, idx = 0;
  int64_t at = 0;
  unsigned char leaves[3 * STORE_TLOG_HASH_LEN];
  assert_int_equal(STORE_OK, store_rd_begin(t->s, &rd));
  assert_int_equal(STORE_OK, store_tlog_size(rd, &size));
  assert_int_equal(3, size);
  assert_int_equal(STORE_OK, store_tlog_leaves(rd, leaves, 0, 3));
  assert_int_equal('A', leaves[0]);
  assert_int_equal('B', leaves[STORE_TLOG_HASH_LEN]);
  assert_int_equal('A', leaves[(size_t)2 * STORE_TLOG_HASH_LEN]);
  assert_int_equal(STORE_NONE, store_tlog_leaves(rd, leaves, 2, 2)); /* beyond the end */
  assert_int_equal(STORE_OK, store_tlog_issued(rd, "B", &idx, &at));
  assert_int_equal(1, idx);
  assert_int_equal(42, at);
  assert_int_equal(STORE_NONE, store_tlog_issued(rd, "C", &idx, &at));
  struct store_tlog_entry *e = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_tlog_entries(rd, &e, &n, 1, 10));
  assert_int_equal(2, n);
  assert_int_equal(1, e[0].index);
  assert_int_equal(strlen("issue B"), e[0].len);
  assert_memory_equal("issue B", e[0].entry, e[0].len);
  assert_string_equal("revoke", e[1].event);
  assert_string_equal("A", e[1].serial);
  store_tlog_entries_free(e, n);
  store_rd_end(rd);
}

struct cp {
  uint64_t size;
  const char *note;
};

static int cp_txn(struct store_tx *tx, void *arg) {
  const struct cp *c = arg;
  return store_tlog_checkpoint_put(tx, c->size, c->note);
}

static void test_checkpoints(void **state) {
  struct temp_store *t = *state;
  struct store_rd *rd = NULL;
  uint64_t size = 0;
  char *note = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(t->s, &rd));
  assert_int_equal(STORE_NONE, store_tlog_checkpoint_latest(rd, &size, &note));
  store_rd_end(rd);
  struct cp a = {3, "three"}, b = {7, "seven"}, again = {3, "other"};
  assert_int_equal(STORE_OK, store_txn(t->s, cp_txn, &a));
  assert_int_equal(STORE_OK, store_txn(t->s, cp_txn, &b));
  assert_int_equal(STORE_EXISTS, store_txn(t->s, cp_txn, &again));
  assert_int_equal(STORE_OK, store_rd_begin(t->s, &rd));
  assert_int_equal(STORE_OK, store_tlog_checkpoint_latest(rd, &size, &note));
  store_rd_end(rd);
  assert_int_equal(7, size);
  assert_string_equal("seven", note);
  free(note);
}

static void test_append_only_for_everyone(void **state) {
  struct temp_store *t = *state;
  struct append a = {.serial = "A", .event = "issue"};
  assert_int_equal(STORE_OK, do_append(t->s, &a));
  struct cp c = {1, "one"};
  assert_int_equal(STORE_OK, store_txn(t->s, cp_txn, &c));
  struct test_raw other;
  assert_int_equal(0, test_raw_open(&other, t->db));
  static const char *const edits[] = {
      "UPDATE tlog_entries SET serial = 'Z'",
      "UPDATE tlog_entries SET leaf_hash = zeroblob(32)",
      "DELETE FROM tlog_entries",
      "UPDATE tlog_checkpoints SET note = 'forged'",
      "DELETE FROM tlog_checkpoints",
      "INSERT INTO tlog_entries(idx, entry, leaf_hash, serial, event, appended_at) "
      "VALUES(5, x'00', zeroblob(31), 'Q', 'issue', 0)", /* a 31-byte leaf hash */
      "INSERT INTO tlog_entries(idx, entry, leaf_hash, serial, event, appended_at) "
      "VALUES(5, x'00', zeroblob(32), 'Q', 'publish', 0)", /* no such event */
  };
  /* The same edits in PostgreSQL's words (zeroblob(n) is SQLite's). */
  static const char *const pg_edits[] = {
      "UPDATE tlog_entries SET serial = 'Z'",
      "UPDATE tlog_entries SET leaf_hash = decode(repeat('00', 32), 'hex')",
      "DELETE FROM tlog_entries",
      "UPDATE tlog_checkpoints SET note = 'forged'",
      "DELETE FROM tlog_checkpoints",
      "INSERT INTO tlog_entries(idx, entry, leaf_hash, serial, event, appended_at) "
      "VALUES(5, '\\x00', decode(repeat('00', 31), 'hex'), 'Q', 'issue', 0)",
      "INSERT INTO tlog_entries(idx, entry, leaf_hash, serial, event, appended_at) "
      "VALUES(5, '\\x00', decode(repeat('00', 32), 'hex'), 'Q', 'publish', 0)",
  };
  for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
    char msg[256];
    assert_int_not_equal(0, test_raw_exec2(&other, edits[i], pg_edits[i], msg, sizeof msg));
  }
  test_raw_close(&other);
  struct store_rd *rd = NULL;
  uint64_t idx = 0;
  int64_t at = 0;
  assert_int_equal(STORE_OK, store_rd_begin(t->s, &rd));
  assert_int_equal(STORE_OK, store_tlog_issued(rd, "A", &idx, &at));
  store_rd_end(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_append_numbers_without_gaps, temp_store_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_checkpoints, temp_store_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_append_only_for_everyone, temp_store_setup,
                                      temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
