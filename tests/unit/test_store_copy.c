/*
 * store_copy: every row of a store into an empty one of the other backend (or the same), with
 * sums that show the copy equal; a destination that is not empty is refused untouched; ids
 * keep counting after the copied ones. In the SQLite pass both sides are files; in the
 * PostgreSQL pass the source is the test's schema, copied to a file and back into a schema.
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
#include "store/store_complaints.h"
#include "test_store_fixture.h"

static const char version[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/* Two complaints: one of the account, taken, with a note for staff, one shown and the
 * complainant's reply, closed; one anonymous, received (its NULLs). */
static char complaint_name[] = "Ayu Lestari \xC3\xA9", complaint_email[] = "ayu@contoh.id",
            complaint_about[] = "UJK-2026-0001",
            complaint_body[] = "Nama salah.\nMohon diperbaiki.", complaint_none[] = "";
static int seed_complaints(struct store_tx *tx, int64_t user) {
  struct store_complaint c = {.token = "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ-_1",
                              .created_ms = 1000,
                              .user_id = user,
                              .name = complaint_name,
                              .email = complaint_email,
                              .category = COMPLAINT_CERTIFICATE,
                              .about = complaint_about,
                              .body = complaint_body};
  int64_t id = 0, seq = 0;
  int rc = store_complaint_create(tx, &id, &c);
  if (STORE_OK == rc) {
    rc = store_complaint_take(tx, id, user, 2000);
  }
  if (STORE_OK == rc) {
    rc = store_complaint_note_add(tx, &seq, id, user, false, "Untuk staf.", 2100);
  }
  if (STORE_OK == rc) {
    rc = store_complaint_note_add(tx, &seq, id, user, true, "Sedang diperiksa.", 2200);
  }
  if (STORE_OK == rc) { /* the complainant's reply: no author (NULL), from_complainant */
    rc = store_complaint_note_add(tx, &seq, id, 0, true, "Jadwalnya 12 Mei.", 2300);
  }
  if (STORE_OK == rc) {
    rc = store_complaint_close(tx, id, user, COMPLAINT_UPHELD, "Diperbaiki.", 3000);
  }
  if (STORE_OK == rc) {
    c.token[42] = '2';
    c.user_id = 0;
    c.email = complaint_none;
    c.about = complaint_none;
    rc = store_complaint_create(tx, &id, &c);
  }
  return rc;
}

/* A few rows in several tables: accounts, an exam source (a blob), an attempt with answers,
 * audit entries (the hash chain), a transparency-log entry and an evidence chunk (blobs), NULLs
 * and texts, a used check-in code and the scoped session it started, complaints and their
 * notes. */
static int seed(struct store_tx *tx, void *ctx) {
  int64_t user = 0, attempt = 0, seq = 0;
  (void)ctx;
  int rc = store_user_create(tx, &user, "ayu@contoh.id", "Ayu Lestari \xC3\xA9", ROLE_CANDIDATE,
                             "$scrypt$x");
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv.exam.yaml", "format: 1\n\0x", 12);
  }
  if (STORE_OK == rc) {
    rc = store_attempt_create(tx, &attempt, user, "DKV-UJI", version, "{\"units\":[]}",
                              store_tx_now_ms(tx) + 60000);
  }
  if (STORE_OK == rc) {
    rc = store_answer_put(tx, attempt, "q1", "\"jawaban\"", store_tx_now_ms(tx));
  }
  for (int i = 0; STORE_OK == rc && i < 3; i++) {
    rc = store_audit_append(tx, &seq, 0 == i ? STORE_AUDIT_SYSTEM : user, "user.create", "user:1",
                            NULL, "{\"n\":1}");
  }
  if (STORE_OK == rc) {
    /* An evidence upload whose chunk holds every byte value (bytea on PostgreSQL). */
    struct store_upload u = {.id = "00112233445566778899aabbccddeeff",
                             .attempt_id = attempt,
                             .item_id = "E1",
                             .user_id = user,
                             .name = "bukti.bin",
                             .size = 256,
                             .created_ms = store_tx_now_ms(tx)};
    unsigned char chunk[256];
    for (int i = 0; i < 256; i++) {
      chunk[i] = (unsigned char)i;
    }
    rc = store_upload_create(tx, &u);
    if (STORE_OK == rc) {
      rc = store_upload_append(tx, u.id, 0, chunk, sizeof chunk, store_tx_now_ms(tx));
    }
  }
  if (STORE_OK == rc) {
    unsigned char entry[5] = {0, 1, 2, 0, 255}, leaf[STORE_TLOG_HASH_LEN] = {0};
    uint64_t idx = 0;
    leaf[0] = 0xAB;
    rc = store_tlog_append(tx, &idx, entry, sizeof entry, leaf, "UJK-AAAA-BBBB-CCCC-DDDD-E",
                           "issue", store_tx_now_ms(tx));
  }
  /* A schedule with a used check-in code, and the scoped session it started. */
  int64_t sched = 0;
  if (STORE_OK == rc) {
    rc = temp_store_schedule(tx, &sched, "DKV-UJI", 1000, 2000, "");
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_add(tx, sched, user, user);
  }
  static const char code_hash[] =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  if (STORE_OK == rc) {
    rc = store_checkin_code_put(tx, code_hash, sched, user, user);
  }
  if (STORE_OK == rc) {
    rc = store_checkin_code_use(tx, code_hash);
  }
  if (STORE_OK == rc) {
    struct store_session ss = {
        .token_hash = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
        .user_id = user,
        .created_ms = 1,
        .last_seen_ms = 1,
        .expires_ms = INT64_MAX / 2,
        .absolute_expires_ms = INT64_MAX / 2,
        .scope_schedule_id = sched};
    rc = store_session_create(tx, &ss);
  }
  if (STORE_OK == rc) {
    rc = seed_complaints(tx, user);
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct temp_store), "copy", NULL, seed);
}

static void assert_same_sums(struct store *a, struct store *b) {
  struct store_table_sum x[STORE_COPY_TABLES], y[STORE_COPY_TABLES];
  char err[256];
  assert_int_equal(STORE_OK, store_table_sums(a, x, err, sizeof err));
  assert_int_equal(STORE_OK, store_table_sums(b, y, err, sizeof err));
  for (size_t i = 0; i < STORE_COPY_TABLES; i++) {
    if (x[i].rows != y[i].rows || 0 != memcmp(x[i].digest, y[i].digest, 32)) {
      fail_msg("%s differs: %lld and %lld rows", x[i].table, (long long)x[i].rows,
               (long long)y[i].rows);
    }
  }
}

static int create_one(struct store_tx *tx, void *ctx) {
  return store_user_create(tx, ctx, "baru@contoh.id", "Baru", ROLE_CANDIDATE, "$scrypt$x");
}

static int create_complaint(struct store_tx *tx, void *ctx) {
  struct store_complaint c = {.token = "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ-_3",
                              .name = complaint_name,
                              .category = COMPLAINT_OTHER,
                              .body = complaint_body};
  return store_complaint_create(tx, ctx, &c);
}

/* The rows of table in s. */
static int64_t table_rows(struct store *s, const char *table) {
  struct store_table_sum sums[STORE_COPY_TABLES];
  char err[256];
  assert_int_equal(STORE_OK, store_table_sums(s, sums, err, sizeof err));
  for (size_t i = 0; i < STORE_COPY_TABLES; i++) {
    if (0 == strcmp(table, sums[i].table)) {
      return sums[i].rows;
    }
  }
  fail_msg("the copy has no table %s", table);
  return -1;
}

/* The closed complaint came through both copies as it was, notes (the complainant's reply
 * among them) and all. */
static void check_complaints(struct store *s) {
  struct store_rd *rd = NULL;
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  assert_int_equal(2, table_rows(s, "complaints"));
  assert_int_equal(3, table_rows(s, "complaint_notes"));
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_complaint_get(rd, &c, 1));
  assert_int_equal(STORE_OK, store_complaint_notes(rd, &notes, &n, 1, true));
  store_rd_end(rd);
  assert_string_equal("ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ-_1", c.token);
  assert_string_equal(complaint_name, c.name);
  assert_int_equal(COMPLAINT_CLOSED, c.status);
  assert_int_equal(COMPLAINT_UPHELD, c.outcome);
  assert_string_equal("Diperbaiki.", c.outcome_text);
  assert_int_equal(2000, c.taken_ms);
  assert_int_equal(3000, c.closed_ms);
  assert_int_equal(2, n);
  assert_int_equal(2, notes[0].seq);
  assert_string_equal("Sedang diperiksa.", notes[0].body);
  assert_false(notes[0].from_complainant);
  assert_int_equal(1, notes[0].author_id);
  assert_int_equal(3, notes[1].seq);
  assert_string_equal("Jadwalnya 12 Mei.", notes[1].body);
  assert_true(notes[1].from_complainant);
  assert_int_equal(0, notes[1].author_id);
  assert_int_equal(2300, notes[1].created_ms);
  store_complaint_notes_free(notes, n);
  store_complaint_clear(&c);
}

static void test_copy_there_and_back(void **state) {
  struct temp_store *t = *state;
  char file[200], err[256];
  struct store *mid = NULL, *back = NULL;
  struct temp_store again = {.s = NULL};
  int64_t rows = 0, id = 0, bad = 0, count = 0;
  snprintf(file, sizeof file, "sqlite:%s/copy.db", t->dir);
  assert_int_equal(STORE_OK, store_open(&mid, file, NULL, err, sizeof err));
  assert_int_equal(STORE_OK, store_copy(t->s, mid, &rows, err, sizeof err));
  assert_true(rows >= 8);
  assert_same_sums(t->s, mid);
  assert_int_equal(STORE_OK, store_audit_verify(mid, &bad, &count, err, sizeof err));
  assert_int_equal(3, count);

  /* Back into a new database of the pass's backend. */
  assert_int_equal(0, temp_store_open(&again, "copy-back", NULL));
  back = again.s;
  assert_int_equal(STORE_OK, store_copy(mid, back, &rows, err, sizeof err));
  assert_same_sums(t->s, back);

  /* The evidence chunk came through both copies byte for byte. */
  struct store_rd *rd = NULL;
  void *chunk = NULL;
  size_t len = 0;
  assert_int_equal(STORE_OK, store_rd_begin(back, &rd));
  assert_int_equal(STORE_OK,
                   store_upload_chunk_get(rd, "00112233445566778899aabbccddeeff", 0, &chunk, &len));
  store_rd_end(rd);
  assert_int_equal(256, len);
  for (size_t i = 0; i < len; i++) {
    assert_int_equal(i, ((unsigned char *)chunk)[i]);
  }
  free(chunk);

  /* A second copy into a database that has rows is refused and changes nothing. */
  assert_int_equal(STORE_CONFLICT, store_copy(t->s, back, &rows, err, sizeof err));
  assert_non_null(strstr(err, "not empty"));
  assert_same_sums(t->s, back);

  check_complaints(back);

  /* New ids continue after the copied ones. */
  assert_int_equal(STORE_OK, store_txn(back, create_one, &id));
  assert_int_equal(2, id);
  assert_int_equal(STORE_OK, store_txn(back, create_complaint, &id));
  assert_int_equal(3, id);
  store_close(mid);
  assert_int_equal(0, temp_store_close(&again));
}

/* More rows than one multi-row INSERT takes (128): users and answers in full batches and a
 * shorter last one, names of 1 to 200 bytes. */
#define MANY 300
static int seed_many(struct store_tx *tx, void *ctx) {
  int64_t user = 0, attempt = 0;
  char email[64], name[208], item[16], value[32];
  (void)ctx;
  int rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv.exam.yaml", "format: 1\n", 10);
  for (int i = 0; STORE_OK == rc && i < MANY; i++) {
    size_t n = 1 + (size_t)i % 200;
    snprintf(email, sizeof email, "asesi%03d@contoh.id", i);
    memset(name, 'a' + i % 26, n);
    name[n] = '\0';
    rc = store_user_create(tx, &user, email, name, ROLE_CANDIDATE, "$scrypt$x");
  }
  if (STORE_OK == rc) {
    rc = store_attempt_create(tx, &attempt, user, "DKV-UJI", version, "{\"units\":[]}",
                              store_tx_now_ms(tx) + 60000);
  }
  for (int i = 0; STORE_OK == rc && i < MANY; i++) {
    snprintf(item, sizeof item, "q%d", i);
    snprintf(value, sizeof value, "\"jawaban %d\"", i);
    rc = store_answer_put(tx, attempt, item, value, store_tx_now_ms(tx) + i);
  }
  return rc;
}

static int setup_many(void **state) {
  return temp_store_setup_with(state, sizeof(struct temp_store), "copy-many", NULL, seed_many);
}

static void test_copy_many_rows(void **state) {
  struct temp_store *t = *state;
  char file[200], err[256];
  struct store *mid = NULL;
  struct temp_store again = {.s = NULL};
  struct store_table_sum sums[STORE_COPY_TABLES];
  int64_t rows = 0;
  snprintf(file, sizeof file, "sqlite:%s/copy-many.db", t->dir);
  assert_int_equal(STORE_OK, store_open(&mid, file, NULL, err, sizeof err));
  assert_int_equal(STORE_OK, store_copy(t->s, mid, &rows, err, sizeof err));
  assert_true(rows >= 2 * MANY + 1);
  assert_same_sums(t->s, mid);
  assert_int_equal(STORE_OK, store_table_sums(mid, sums, err, sizeof err));
  for (size_t i = 0; i < STORE_COPY_TABLES; i++) {
    if (0 == strcmp("users", sums[i].table) || 0 == strcmp("attempt_answers", sums[i].table)) {
      assert_int_equal(MANY, sums[i].rows);
    }
  }
  assert_int_equal(0, temp_store_open(&again, "copy-many-back", NULL));
  assert_int_equal(STORE_OK, store_copy(mid, again.s, &rows, err, sizeof err));
  assert_same_sums(t->s, again.s);
  store_close(mid);
  assert_int_equal(0, temp_store_close(&again));
}

/* Every table of the schema is copied, or named here with the reason it is not: a table a
 * migration adds and nobody lists would otherwise be left behind by store copy without a
 * word. (SQLite's catalogue; lint.migrations keeps the PostgreSQL schema the same.) */
static const char *const not_copied[] = {
    "certificate_state", /* a generation counter: the destination's own only has to grow */
    "session_state",     /* likewise */
    "node_keys",         /* the key files of the nodes serving a database register themselves */
    "audit_watch",       /* what the audit watch found: a copied log is checked from its start */
};

static bool copy_lists(const char *table) {
  for (size_t i = 0; i < STORE_COPY_TABLES; i++) {
    if (0 == strcmp(table, store_copy_table_name(i))) {
      return true;
    }
  }
  for (size_t i = 0; i < sizeof not_copied / sizeof not_copied[0]; i++) {
    if (0 == strcmp(table, not_copied[i])) {
      return true;
    }
  }
  return false;
}

static void test_every_table_accounted_for(void **state) {
  struct temp_store *t = *state;
  if (temp_store_is_pg()) {
    skip();
  }
  sqlite3 *db = NULL;
  assert_int_equal(SQLITE_OK, sqlite3_open_v2(t->db, &db, SQLITE_OPEN_READONLY, NULL));
  sqlite3_stmt *st = NULL;
  assert_int_equal(SQLITE_OK,
                   sqlite3_prepare_v2(db,
                                      "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                      "name NOT LIKE 'sqlite_%' ORDER BY name",
                                      -1, &st, NULL));
  int tables = 0;
  while (SQLITE_ROW == sqlite3_step(st)) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    if (!copy_lists(name)) {
      fail_msg("table %s is neither copied by store copy nor named as not copied", name);
    }
    tables++;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  assert_true(tables >= STORE_COPY_TABLES);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_copy_there_and_back, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_copy_many_rows, setup_many, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_every_table_accounted_for, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
