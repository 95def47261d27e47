/*
 * Tests of the store foundation: opening and the checks that refuse a file without touching
 * it, migrations (fresh and from every older version), transactions (commit, rollback,
 * nesting, concurrent writers), users, sessions, rate limits, backup and restore.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <time.h>

#include "store/store.h"
#include "store/store_sqlite.h"
#include "test_store_fixture.h"

/* Reads a whole file into a malloc'd buffer. */
static unsigned char *slurp(const char *path, size_t *out_len) {
  FILE *fp = fopen(path, "rb");
  unsigned char *buf = NULL;
  long n = 0;
  *out_len = 0;
  if (NULL == fp) {
    return NULL;
  }
  if (0 == fseek(fp, 0, SEEK_END) && (n = ftell(fp)) >= 0 && 0 == fseek(fp, 0, SEEK_SET)) {
    buf = malloc((size_t)n + 1);
    if (NULL != buf && (size_t)n != fread(buf, 1, (size_t)n, fp)) {
      free(buf);
      buf = NULL;
    }
  }
  fclose(fp);
  if (NULL != buf) {
    *out_len = (size_t)n;
  }
  return buf;
}

static void write_file(const char *path, const void *data, size_t len) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(len, fwrite(data, 1, len, fp));
  assert_int_equal(0, fclose(fp));
}

/* Opens the store at f->db or fails the test with the store's message. */
static struct store *open_ok(const struct temp_store *f, int migrate_to) {
  struct store *s = NULL;
  char err[512] = "";
  struct store_opts o = {.busy_timeout_ms = 2000, .migrate_to = migrate_to};
  int rc = store_open(&s, f->db, &o, err, sizeof err);
  if (STORE_OK != rc) {
    fail_msg("store_open(%s): %s (%s)", f->db, err, store_rc_name(rc));
  }
  return s;
}

/* --- helpers running one write in a transaction --- */
struct user_args {
  const char *email, *name;
  enum role role;
  int64_t id;
};

static int tx_create_user(struct store_tx *tx, void *ctx) {
  struct user_args *a = ctx;
  return store_user_create(tx, &a->id, a->email, a->name, a->role, "$scrypt$test");
}

static int create_user(struct store *s, const char *email, enum role role, int64_t *out_id) {
  struct user_args a = {email, "Siti Rahayu", role, 0};
  int rc = store_txn(s, tx_create_user, &a);
  if (NULL != out_id) {
    *out_id = a.id;
  }
  return rc;
}

static int user_by_email(struct store *s, const char *email, struct store_user *out) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(s, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_user_by_email(rd, out, email);
  store_rd_end(rd);
  return rc;
}

/* ------------------------------------------------------------------------------------ */

static void test_fresh_database_is_migrated(void **state) {
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  int v = -1;
  assert_int_equal(STORE_OK, store_schema_version(s, &v));
  assert_int_equal(store_schema_latest(), v);
  assert_true(v >= 5);
  assert_int_equal(STORE_OK, store_health(s));
  store_close(s);
  /* Re-opening an existing WAL database (a daemon restart) works and changes nothing. */
  s = open_ok(f, 0);
  assert_int_equal(STORE_OK, store_schema_version(s, &v));
  assert_int_equal(store_schema_latest(), v);
  store_close(s);
}

/* Sample rows for every table that exists at schema version v: an account (1), an exam
 * source and a finished attempt awaiting review (2), an assessor's claim on it (4), an
 * audit entry (5). */
struct sample {
  int version;
  const char *email;
  int64_t user_id, attempt_id, assessor_id;
};

static const char sample_version[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static int tx_sample(struct store_tx *tx, void *ctx) {
  struct sample *m = ctx;
  struct store_claim claim;
  int rc =
      store_user_create(tx, &m->user_id, m->email, "Siti Rahayu", ROLE_CANDIDATE, "$scrypt$test");
  if (STORE_OK != rc || m->version < 2) {
    return rc;
  }
  rc = store_exam_source_put(tx, sample_version, "DKV-UJI", "dkv-uji.exam.yaml", "format: 1\n", 10);
  if (STORE_OK == rc) {
    rc = store_attempt_create(tx, &m->attempt_id, m->user_id, "DKV-UJI", sample_version,
                              "{\"units\":[]}", store_tx_now_ms(tx) + 60000);
  }
  if (STORE_OK == rc) {
    rc = store_attempt_finish(tx, m->attempt_id, ATTEMPT_SUBMITTED, store_tx_now_ms(tx),
                              VERDICT_PENDING, "{\"overall\":\"PENDING\"}");
  }
  if (STORE_OK != rc || m->version < 4) {
    return rc;
  }
  rc = store_user_create(tx, &m->assessor_id, "asesor-sample@contoh.id", "Asesor", ROLE_ASSESSOR,
                         "$scrypt$test");
  if (STORE_OK == rc) {
    rc = store_claim_take(tx, &claim, m->attempt_id, m->assessor_id, 60000);
  }
  if (STORE_OK != rc || m->version < 5) {
    return rc;
  }
  return store_audit_append(tx, NULL, m->assessor_id, "review.claim", "attempt:1", NULL, "{}");
}

static void test_upgrade_from_every_older_version(void **state) {
  struct temp_store *f = *state;
  int latest = store_schema_latest();
  /* Every version a database could be at: 1 up to (not including) the latest. */
  for (int k = 1; k < latest; k++) {
    struct store *s = NULL;
    struct store_rd *rd = NULL;
    struct store_user u;
    struct store_attempt att;
    struct store_claim claim;
    int v = -1;
    char email[64];
    struct sample m = {0};
    assert_int_equal(0, temp_store_reset(f));
    s = open_ok(f, k);
    assert_int_equal(STORE_OK, store_schema_version(s, &v));
    if (v != k) { /* k is not a migration number: the store stops at the one below */
      assert_true(v < k);
    }
    snprintf(email, sizeof email, "asesi%d@contoh.id", k);
    m.version = v;
    m.email = email;
    if (STORE_OK != store_txn(s, tx_sample, &m)) {
      fail_msg("sample rows at schema %d", v);
    }
    store_close(s);

    s = open_ok(f, 0);
    assert_int_equal(STORE_OK, store_schema_version(s, &v));
    assert_int_equal(latest, v);
    if (STORE_OK != user_by_email(s, email, &u)) {
      fail_msg("user written at schema %d lost after migrating to %d", k, latest);
    }
    assert_string_equal("Siti Rahayu", u.name);
    assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
    if (m.attempt_id > 0) {
      memset(&att, 0, sizeof att);
      assert_int_equal(STORE_OK, store_attempt_get(rd, &att, m.attempt_id));
      assert_int_equal(VERDICT_PENDING, att.verdict);
      store_attempt_clear(&att);
    }
    if (m.assessor_id > 0) {
      assert_int_equal(STORE_OK, store_claim_get(rd, &claim, m.attempt_id));
      assert_int_equal(m.assessor_id, claim.assessor_id);
    }
    store_rd_end(rd);
    store_close(s);
  }
}

/* An upgrade is all or nothing: a database two versions behind whose second pending
 * migration fails (here a column that migration 0042 adds exists already, as a hand edit
 * could leave it) stays at its version, without what the first pending one (0041) makes,
 * and the program that made it still opens it. With one transaction per migration it was
 * left at 41, which neither program could run on. */
static void test_failed_upgrade_applies_nothing(void **state) {
  struct temp_store *f = *state;
  char msg[512] = "", err[512] = "";
  int v = -1;
  assert_int_equal(0, temp_store_reset(f));
  struct store *s = open_ok(f, 40);
  assert_int_equal(STORE_OK, store_schema_version(s, &v));
  assert_int_equal(40, v);
  store_close(s);
  if (0 != test_raw_tamper(f->db, "ALTER TABLE sessions ADD COLUMN device TEXT",
                           "ALTER TABLE sessions ADD COLUMN device TEXT", msg, sizeof msg)) {
    fail_msg("adding the column: %s", msg);
  }
  s = NULL;
  struct store_opts o = {.busy_timeout_ms = 2000};
  assert_int_not_equal(STORE_OK, store_open(&s, f->db, &o, err, sizeof err));
  assert_null(s);
  s = open_ok(f, 40); /* as the program of version 40 opens it */
  assert_int_equal(STORE_OK, store_schema_version(s, &v));
  assert_int_equal(40, v);
  store_close(s);
  if (0 != test_raw_tamper(f->db, "SELECT count(*) FROM email_changes",
                           "SELECT count(*) FROM email_changes", msg, sizeof msg)) {
    assert_non_null(strstr(msg, "email_changes")); /* no such table: 0041 rolled back */
  } else {
    fail_msg("migration 0041's table exists after the failed upgrade");
  }
  assert_non_null(strstr(err, "migration 0042_session_device failed"));
  assert_non_null(strstr(err, "nothing applied; still at 40"));
}

static void test_garbage_file_is_refused_unchanged(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* a property of the SQLite file (store_sqlite.h) */
  }
  struct temp_store *f = *state;
  struct store *s = NULL;
  char err[512] = "";
  unsigned char junk[8192];
  size_t n1 = 0, n2 = 0;
  unsigned char *before = NULL, *after = NULL;
  for (size_t i = 0; i < sizeof junk; i++) {
    junk[i] = (unsigned char)(i * 131 + 7);
  }
  write_file(f->db, junk, sizeof junk);
  before = slurp(f->db, &n1);
  assert_int_equal(STORE_HARD, store_open(&s, f->db, NULL, err, sizeof err));
  assert_null(s);
  assert_non_null(strstr(err, "not an SQLite database"));
  after = slurp(f->db, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(before, after, n1);
  free(before);
  free(after);
}

static void test_corrupt_database_is_refused_unchanged(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* a property of the SQLite file (store_sqlite.h) */
  }
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  char err[512] = "";
  size_t n1 = 0, n2 = 0;
  unsigned char *before = NULL, *after = NULL;
  for (int i = 0; i < 40; i++) {
    char email[64];
    snprintf(email, sizeof email, "asesi%d@contoh.id", i);
    assert_int_equal(STORE_OK, create_user(s, email, ROLE_CANDIDATE, NULL));
  }
  store_close(s); /* checkpoints the WAL into the main file */
  before = slurp(f->db, &n1);
  assert_true(n1 >= 3 * 4096);
  /* Scribble over the second page (a b-tree page) but keep the header intact. */
  for (size_t i = 4096; i < 2 * 4096; i++) {
    before[i] = (unsigned char)(0xA5 ^ i);
  }
  write_file(f->db, before, n1);
  s = NULL;
  assert_true(store_open(&s, f->db, NULL, err, sizeof err) < 0);
  assert_null(s);
  assert_non_null(strstr(err, "corrupt"));
  after = slurp(f->db, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(before, after, n1);
  free(before);
  free(after);
}

/* A database cut short (its size no longer a whole number of pages) is refused at open by
 * the header check, without reading further, and left unchanged. */
static void test_truncated_database_is_refused_unchanged(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* a property of the SQLite file (store_sqlite.h) */
  }
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  char err[512] = "";
  size_t n1 = 0, n2 = 0;
  unsigned char *before = NULL, *after = NULL;
  store_close(s);
  before = slurp(f->db, &n1);
  assert_true(n1 >= 2 * 4096);
  write_file(f->db, before, n1 - 1000);
  s = NULL;
  assert_int_equal(STORE_HARD, store_open(&s, f->db, NULL, err, sizeof err));
  assert_null(s);
  assert_non_null(strstr(err, "corrupt"));
  after = slurp(f->db, &n2);
  assert_int_equal(n1 - 1000, n2);
  assert_memory_equal(before, after, n2);
  free(before);
  free(after);
}

static int tx_create_users(struct store_tx *tx, void *ctx) {
  (void)ctx;
  for (int i = 0; i < 3000; i++) {
    char email[64];
    int64_t id = 0;
    snprintf(email, sizeof email, "asesi%04d@contoh.id", i);
    int rc = store_user_create(tx, &id, email, "Siti Rahayu", ROLE_CANDIDATE, "$scrypt$test");
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* The start-up check reads a bounded number of pages; damage it does not reach (a page in
 * the middle of a big table) is found by the full check, store_check_file, which reads every
 * page without writing anything. */
static void test_full_check_reads_every_page(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* a property of the SQLite file (store_sqlite.h) */
  }
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  char err[512] = "", missing[160];
  size_t n1 = 0, n2 = 0;
  unsigned char *before = NULL, *after = NULL;
  assert_int_equal(STORE_OK, store_txn(s, tx_create_users, NULL));
  store_close(s);
  assert_int_equal(STORE_OK, store_check_file(f->db, err, sizeof err));
  snprintf(missing, sizeof missing, "%s/none.db", f->dir);
  assert_int_equal(STORE_NONE, store_check_file(missing, err, sizeof err));
  before = slurp(f->db, &n1);
  assert_true(n1 >= 40 * 4096);
  size_t page = n1 / 4096 / 2; /* a page in the middle of the users table's leaves */
  for (size_t i = page * 4096; i < (page + 1) * 4096; i++) {
    before[i] = (unsigned char)(0xA5 ^ i);
  }
  write_file(f->db, before, n1);
  err[0] = '\0';
  assert_int_equal(STORE_HARD, store_check_file(f->db, err, sizeof err));
  assert_non_null(strstr(err, "corrupt"));
  after = slurp(f->db, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(before, after, n1);
  free(before);
  free(after);
}

/* n copies of the UTF-8 letter l, NUL-terminated, into buf. */
static const char *repeat_letter(char *buf, size_t size, const char *l, int n) {
  size_t len = strlen(l), o = 0;
  for (int i = 0; i < n && o + len < size; i++, o += len) {
    memcpy(buf + o, l, len);
  }
  buf[o] = '\0';
  return buf;
}

static int name_user(struct store *s, const char *email, const char *name) {
  struct user_args a = {email, name, ROLE_CANDIDATE, 0};
  return store_txn(s, tx_create_user, &a);
}

/* The users table limits a name in characters (migration 0013): 200 letters of two, three
 * or four bytes are stored and read back whole, 201 are refused by the table itself, in a
 * new database and in one that existed before the change (whose old check counted bytes). */
static void test_user_name_limit_in_characters(void **state) {
  struct temp_store *f = *state;
  static const char *const letters[] = {"\xC3\xA9", "\xE1\xB9\xA2", "\xF0\xA0\x80\x80"};
  char name[1024], email[64], err[512] = "";
  struct store_user u;
  struct store *s = open_ok(f, 12);
  /* Before: 150 two-byte letters (300 bytes) break the byte limit. */
  assert_true(STORE_OK !=
              name_user(s, "lama@contoh.id", repeat_letter(name, sizeof name, "\xC3\xA9", 150)));
  assert_int_equal(STORE_OK, name_user(s, "lama@contoh.id", "Siti Rahayu"));
  store_close(s);
  for (int fresh = 0; fresh < 2; fresh++) {
    if (fresh) {
      assert_int_equal(0, temp_store_reset(f));
    }
    s = open_ok(f, 0);
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++) {
      snprintf(email, sizeof email, "nama%d-%zu@contoh.id", fresh, i);
      repeat_letter(name, sizeof name, letters[i], 200);
      if (STORE_OK != name_user(s, email, name)) {
        fail_msg("200 letters of %zu bytes refused (fresh %d)", strlen(letters[i]), fresh);
      }
      memset(&u, 0, sizeof u);
      assert_int_equal(STORE_OK, user_by_email(s, email, &u));
      assert_string_equal(name, u.name);
      snprintf(email, sizeof email, "lebih%d-%zu@contoh.id", fresh, i);
      repeat_letter(name, sizeof name, letters[i], 201);
      assert_true(STORE_OK != name_user(s, email, name));
      assert_int_equal(STORE_NONE, user_by_email(s, email, &u));
    }
    assert_true(STORE_OK != name_user(s, "kosong@contoh.id", ""));
    if (!fresh) {
      assert_int_equal(STORE_OK, user_by_email(s, "lama@contoh.id", &u));
      assert_string_equal("Siti Rahayu", u.name);
    }
    store_close(s);
    if (!temp_store_is_pg()) {
      assert_int_equal(STORE_OK, store_check_file(f->db, err, sizeof err));
    }
  }
}

struct source_args {
  int n;
  const char *blob;
  size_t len;
};

static int tx_put_source(struct store_tx *tx, void *ctx) {
  struct source_args *a = ctx;
  char version[65];
  snprintf(version, sizeof version, "%064d", a->n);
  return store_exam_source_put(tx, version, "ekraf.wal", "wal.exam.yaml", a->blob, a->len);
}

/* Checkpoints run beside the writer, not in it: the WAL is still copied into the database
 * as it grows, so it never holds more than a bounded number of pages however much is
 * written (here ~26 MB in 400 commits; the WAL stays a few MB and is reused). */
static void test_wal_is_checkpointed_in_the_background(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* a property of the SQLite file (store_sqlite.h) */
  }
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  char wal[700];
  struct stat sb;
  size_t len = 64 * 1024;
  char *blob = malloc(len);
  assert_non_null(blob);
  for (size_t i = 0; i < len; i++) {
    blob[i] = (char)('a' + (i * 7919) % 26);
  }
  for (int i = 0; i < 400; i++) {
    struct source_args a = {i, blob, len};
    assert_int_equal(STORE_OK, store_txn(s, tx_put_source, &a));
    if (0 == i % 50) {
      struct timespec pause = {0, 100 * 1000000L}; /* lets the checkpointer run */
      nanosleep(&pause, NULL);
    }
  }
  snprintf(wal, sizeof wal, "%s-wal", f->db);
  assert_int_equal(0, stat(wal, &sb));
  assert_true(sb.st_size < 12 * 1024 * 1024);
  store_close(s);
  s = open_ok(f, 0);
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  store_rd_end(rd);
  store_close(s);
  free(blob);
}

static void test_newer_schema_is_refused_unchanged(void **state) {
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  char err[512] = "";
  size_t n1 = 0, n2 = 0;
  unsigned char *before = NULL, *after = NULL;
  uint32_t newer = (uint32_t)store_schema_latest() + 1;
  store_close(s);
  if (temp_store_is_pg()) {
    struct test_raw r;
    char msg[256], sql[96];
    struct store_opts as_is = {.migrate_to = -1};
    int v = 0;
    assert_int_equal(0, test_raw_open(&r, f->db));
    snprintf(sql, sizeof sql, "UPDATE ujikom_schema SET version = %u", newer);
    assert_int_equal(0, test_raw_exec(&r, sql, msg, sizeof msg));
    test_raw_close(&r);
    s = NULL;
    assert_int_equal(STORE_HARD, store_open(&s, f->db, NULL, err, sizeof err));
    assert_null(s);
    assert_non_null(strstr(err, "newer"));
    assert_int_equal(STORE_OK, store_open(&s, f->db, &as_is, err, sizeof err));
    assert_int_equal(STORE_OK, store_schema_version(s, &v));
    assert_int_equal((int)newer, v);
    store_close(s);
    return;
  }
  before = slurp(f->db, &n1);
  assert_true(n1 >= 100);
  /* PRAGMA user_version lives at offset 60 of the header, big-endian. */
  before[60] = (unsigned char)(newer >> 24);
  before[61] = (unsigned char)(newer >> 16);
  before[62] = (unsigned char)(newer >> 8);
  before[63] = (unsigned char)newer;
  write_file(f->db, before, n1);
  s = NULL;
  assert_int_equal(STORE_HARD, store_open(&s, f->db, NULL, err, sizeof err));
  assert_null(s);
  assert_non_null(strstr(err, "newer"));
  after = slurp(f->db, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(before, after, n1);
  free(before);
  free(after);
}

static void test_unwritable_directory_is_refused(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* a property of the SQLite file (store_sqlite.h) */
  }
  struct temp_store *f = *state;
  struct store *s = NULL;
  char err[512] = "";
  if (0 == geteuid()) {
    skip(); /* root writes anywhere */
  }
  assert_int_equal(0, chmod(f->dir, 0500));
  assert_true(store_open(&s, f->db, NULL, err, sizeof err) < 0);
  assert_null(s);
  assert_non_null(strstr(err, "not writable"));
  assert_int_equal(0, access(f->db, F_OK) == 0 ? 1 : 0);
  chmod(f->dir, 0700);
}

/* --- transactions --- */

static int tx_create_then_refuse(struct store_tx *tx, void *ctx) {
  int rc = tx_create_user(tx, ctx);
  return STORE_OK == rc ? STORE_CONFLICT : rc;
}

struct nested {
  struct store *s;
  int inner;
};

static int tx_inner(struct store_tx *tx, void *ctx) {
  (void)tx;
  (void)ctx;
  return STORE_OK;
}

static int tx_nested(struct store_tx *tx, void *ctx) {
  struct nested *n = ctx;
  (void)tx;
  n->inner = store_txn(n->s, tx_inner, NULL);
  return STORE_OK;
}

static void test_txn_commit_rollback_and_nesting(void **state) {
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  struct user_args a = {"batal@contoh.id", "Budi", ROLE_CANDIDATE, 0};
  struct store_user u;
  struct nested n = {s, 0};
  /* A body that returns anything but OK rolls back and its value comes through. */
  assert_int_equal(STORE_CONFLICT, store_txn(s, tx_create_then_refuse, &a));
  assert_int_equal(STORE_NONE, user_by_email(s, "batal@contoh.id", &u));
  /* Nested use on the same thread is a bug, reported as HARD instead of a deadlock. */
  assert_int_equal(STORE_OK, store_txn(s, tx_nested, &n));
  assert_int_equal(STORE_HARD, n.inner);
  /* The writer is still usable afterwards. */
  assert_int_equal(STORE_OK, create_user(s, "lanjut@contoh.id", ROLE_CANDIDATE, NULL));
  store_close(s);
}

struct hammer {
  struct store *s;
  int fails;
};

static int tx_hit(struct store_tx *tx, void *ctx) {
  struct store_ratelimit r;
  (void)ctx;
  return store_ratelimit_hit(tx, &r, "hammer", 1000, 1000000, 1000000, 0);
}

static void *hammer_thread(void *arg) {
  struct hammer *h = arg;
  for (int i = 0; i < 50; i++) {
    struct store_rd *rd = NULL;
    struct store_ratelimit r;
    if (STORE_OK != store_txn(h->s, tx_hit, NULL)) {
      h->fails++;
    }
    /* Readers run beside the writer. */
    if (STORE_OK != store_rd_begin(h->s, &rd)) {
      h->fails++;
      continue;
    }
    if (STORE_OK != store_ratelimit_get(rd, &r, "hammer")) {
      h->fails++;
    }
    store_rd_end(rd);
  }
  return NULL;
}

static void test_concurrent_writers_are_serialised(void **state) {
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  struct hammer h[4];
  pthread_t t[4];
  struct store_rd *rd = NULL;
  struct store_ratelimit r;
  for (int i = 0; i < 4; i++) {
    h[i] = (struct hammer){s, 0};
    assert_int_equal(0, pthread_create(&t[i], NULL, hammer_thread, &h[i]));
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(0, h[i].fails);
  }
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_ratelimit_get(rd, &r, "hammer"));
  store_rd_end(rd);
  assert_int_equal(200, r.count); /* no lost update */
  store_close(s);
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Another process holding the write lock: store_txn gives up after its bounded retries with
 * STORE_BUSY (503), reads keep working (WAL; PostgreSQL's snapshots), and the next write after
 * the lock is released succeeds. The other process (or node) is simulated with a raw
 * connection taking the write lock. */
static void test_busy_lock_is_bounded(void **state) {
  struct temp_store *f = *state;
  struct store *s = NULL;
  struct store_user u;
  struct test_raw other;
  char err[256];
  struct store_opts o = {.busy_timeout_ms = 50, .txn_retries = 2};
  int64_t t0 = 0, elapsed = 0;
  assert_int_equal(STORE_OK, store_open(&s, f->db, &o, err, sizeof err));
  assert_int_equal(STORE_OK, create_user(s, "ada@contoh.id", ROLE_CANDIDATE, NULL));
  assert_int_equal(0, test_raw_open(&other, f->db));
  assert_int_equal(0, test_raw_hold_write_lock(&other));
  t0 = mono_ms();
  assert_int_equal(STORE_BUSY, create_user(s, "tertahan@contoh.id", ROLE_CANDIDATE, NULL));
  elapsed = mono_ms() - t0;
  /* 3 attempts x 50 ms plus 10 + 20 ms of back-off: well under a second. */
  assert_true(elapsed >= 150);
  assert_true(elapsed < 2000);
  assert_int_equal(STORE_OK, user_by_email(s, "ada@contoh.id", &u));
  assert_int_equal(0, test_raw_release(&other));
  test_raw_close(&other);
  assert_int_equal(STORE_OK, create_user(s, "tertahan@contoh.id", ROLE_CANDIDATE, NULL));
  store_close(s);
}

struct blocked_writer {
  struct store *s;
  int index;
  int rc;
  int64_t ms;
};

static void *blocked_writer_thread(void *arg) {
  struct blocked_writer *w = arg;
  char email[64];
  int64_t t0 = mono_ms();
  snprintf(email, sizeof email, "antri%d@contoh.id", w->index);
  w->rc = create_user(w->s, email, ROLE_CANDIDATE, NULL);
  w->ms = mono_ms() - t0;
  return NULL;
}

/* Several writers of this process behind a lock held elsewhere: each answers BUSY within
 * about one budget (busy timeout x attempts + back-off), not one budget per writer ahead of
 * it in the queue. */
static void test_blocked_writers_do_not_queue(void **state) {
  struct temp_store *f = *state;
  struct store *s = NULL;
  struct test_raw other;
  char err[256];
  struct store_opts o = {.busy_timeout_ms = 100, .txn_retries = 1}; /* budget 210 ms */
  struct blocked_writer w[6];
  pthread_t t[6];
  int64_t worst = 0;
  assert_int_equal(STORE_OK, store_open(&s, f->db, &o, err, sizeof err));
  assert_int_equal(0, test_raw_open(&other, f->db));
  assert_int_equal(0, test_raw_hold_write_lock(&other));
  for (int i = 0; i < 6; i++) {
    w[i] = (struct blocked_writer){s, i, 0, 0};
    assert_int_equal(0, pthread_create(&t[i], NULL, blocked_writer_thread, &w[i]));
  }
  for (int i = 0; i < 6; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(STORE_BUSY, w[i].rc);
    if (w[i].ms > worst) {
      worst = w[i].ms;
    }
  }
  if (worst >= 3 * 210) {
    fail_msg("a blocked writer waited %lld ms; the budget is 210 ms", (long long)worst);
  }
  assert_int_equal(0, test_raw_release(&other));
  test_raw_close(&other);
  assert_int_equal(STORE_OK, create_user(s, "sesudah@contoh.id", ROLE_CANDIDATE, NULL));
  store_close(s);
}

/* --- users, sessions, rate limits --- */

struct id_arg {
  int64_t id;
  int rc;
};

static int tx_disable(struct store_tx *tx, void *ctx) {
  struct id_arg *a = ctx;
  a->rc = store_user_set_disabled(tx, a->id, true);
  return a->rc < 0 ? a->rc : STORE_OK;
}

static void test_users(void **state) {
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  struct store_user u;
  struct store_user *list = NULL;
  struct store_rd *rd = NULL;
  size_t n = 0;
  int64_t id = 0, count = 0;
  struct id_arg a;
  assert_int_equal(STORE_OK, create_user(s, "Asesor.Satu@Contoh.ID", ROLE_ASSESSOR, &id));
  assert_true(id > 0);
  /* E-mail addresses are unique regardless of case. */
  assert_int_equal(STORE_EXISTS, create_user(s, "asesor.satu@contoh.id", ROLE_CANDIDATE, NULL));
  assert_int_equal(STORE_OK, user_by_email(s, "ASESOR.SATU@contoh.id", &u));
  assert_int_equal(id, u.id);
  assert_int_equal(ROLE_ASSESSOR, u.role);
  assert_false(u.disabled);
  /* An invalid role never reaches the table. */
  enum role superuser = ROLE_ANON;
  assert_false(role_parse("superuser", &superuser));
  assert_int_equal(STORE_HARD, create_user(s, "x@contoh.id", superuser, NULL));
  assert_int_equal(STORE_HARD, create_user(s, "x@contoh.id", (enum role)0, NULL));
  a = (struct id_arg){id, 0};
  assert_int_equal(STORE_OK, store_txn(s, tx_disable, &a));
  assert_int_equal(STORE_OK, a.rc);
  a = (struct id_arg){id + 1000, 0};
  assert_int_equal(STORE_OK, store_txn(s, tx_disable, &a));
  assert_int_equal(STORE_NONE, a.rc);
  assert_int_equal(STORE_OK, create_user(s, "admin@contoh.id", ROLE_ADMIN, NULL));
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_user_by_id(rd, &u, id));
  assert_true(u.disabled);
  assert_int_equal(STORE_OK, store_user_list(rd, &list, &n, NULL, 0, 10));
  assert_int_equal(2, n);
  assert_string_equal("Asesor.Satu@Contoh.ID", list[0].email);
  store_user_list_free(list, n);
  enum role admin = ROLE_ADMIN;
  assert_int_equal(STORE_OK, store_user_list(rd, &list, &n, &admin, 0, 10));
  assert_int_equal(1, n);
  assert_string_equal("admin@contoh.id", list[0].email);
  store_user_list_free(list, n);
  assert_int_equal(STORE_OK, store_user_count(rd, &count, &admin));
  assert_int_equal(1, count);
  store_rd_end(rd);
  store_close(s);
}

struct sess_args {
  struct store_session in, out;
  char id[STORE_SESSION_ID_LEN + 1]; /* for store_session_delete_mine */
  int64_t now, idle;
  int rc;
};

static int tx_session_create(struct store_tx *tx, void *ctx) {
  struct sess_args *a = ctx;
  return store_session_create(tx, &a->in);
}

static int tx_session_touch(struct store_tx *tx, void *ctx) {
  struct sess_args *a = ctx;
  a->rc = store_session_touch(tx, &a->out, a->in.token_hash, a->now, a->idle);
  return a->rc < 0 ? a->rc : STORE_OK;
}

static int tx_session_delete_user(struct store_tx *tx, void *ctx) {
  struct sess_args *a = ctx;
  int64_t n = 0;
  int rc = store_session_delete_user(tx, a->in.user_id, &n);
  a->rc = (int)n;
  return rc;
}

static int tx_session_delete_mine(struct store_tx *tx, void *ctx) {
  struct sess_args *a = ctx;
  return store_session_delete_mine(tx, a->in.user_id, a->id);
}

static int tx_session_delete_others(struct store_tx *tx, void *ctx) {
  struct sess_args *a = ctx;
  int64_t n = 0;
  int rc = store_session_delete_others(tx, a->in.user_id, a->in.token_hash, &n);
  a->rc = (int)n;
  return rc;
}

/* A user's sessions as the sessions page lists them at a.now: how many, and the current
 * one's place (-1: none marked). */
static void list_sessions(struct store *s, int64_t uid, const char *current, int64_t now,
                          size_t *out_n, int *out_current, struct store_session_info *first) {
  struct store_rd *rd = NULL;
  struct store_session_info *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_OK, store_user_sessions(rd, &list, &n, uid, current, now, 10));
  store_rd_end(rd);
  *out_current = -1;
  for (size_t i = 0; i < n; i++) {
    if (list[i].current) {
      assert_int_equal(-1, *out_current); /* at most one */
      *out_current = (int)i;
    }
  }
  if (n > 0 && NULL != first) {
    *first = list[0];
  }
  *out_n = n;
  free(list);
}

static void test_sessions(void **state) {
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  struct sess_args a;
  int64_t uid = 0;
  assert_int_equal(STORE_OK, create_user(s, "asesi@contoh.id", ROLE_CANDIDATE, &uid));
  memset(&a, 0, sizeof a);
  memset(a.in.token_hash, 'a', 64);
  a.in.user_id = uid;
  a.in.created_ms = a.in.last_seen_ms = 1000;
  a.in.expires_ms = 1000 + 600;
  a.in.absolute_expires_ms = 1000 + 1000;
  strcpy(a.in.device, "chrome/windows");
  assert_int_equal(STORE_OK, store_txn(s, tx_session_create, &a));
  assert_int_equal(STORE_EXISTS, store_txn(s, tx_session_create, &a));
  /* Used within the idle window: moves forward, capped by the absolute expiry. */
  a.now = 1500;
  a.idle = 600;
  assert_int_equal(STORE_OK, store_txn(s, tx_session_touch, &a));
  assert_int_equal(STORE_OK, a.rc);
  assert_int_equal(1500, a.out.last_seen_ms);
  assert_int_equal(2000, a.out.expires_ms);
  assert_string_equal("chrome/windows", a.out.device);
  /* At the absolute expiry it is gone, and stays gone. */
  a.now = 2000;
  assert_int_equal(STORE_OK, store_txn(s, tx_session_touch, &a));
  assert_int_equal(STORE_NONE, a.rc);
  a.now = 1600;
  assert_int_equal(STORE_OK, store_txn(s, tx_session_touch, &a));
  assert_int_equal(STORE_NONE, a.rc);
  /* Two sessions, then "log out everywhere". */
  memset(a.in.token_hash, 'b', 64);
  assert_int_equal(STORE_OK, store_txn(s, tx_session_create, &a));
  memset(a.in.token_hash, 'c', 64);
  assert_int_equal(STORE_OK, store_txn(s, tx_session_create, &a));
  assert_int_equal(STORE_OK, store_txn(s, tx_session_delete_user, &a));
  assert_int_equal(2, a.rc);

  /* The list: live sessions only, most recently used first, the presented one marked; the
   * expiry shown is the earlier of the idle and the absolute one. Signing out of the others
   * keeps the presented one and another user's. */
  int64_t other = 0;
  assert_int_equal(STORE_OK, create_user(s, "lain@contoh.id", ROLE_CANDIDATE, &other));
  const struct {
    char fill;
    int64_t user, last, expires, absolute;
  } made[] = {
      {'d', 0, 5000, 9000, 8000}, /* used last; ends at its absolute expiry */
      {'e', 0, 4000, 7000, 9000}, /* the one presented below */
      {'f', 0, 3000, 4500, 9000}, /* idle-expired at 5000 */
      {'g', 1, 6000, 9000, 9000}, /* another user's */
  };
  for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
    memset(a.in.token_hash, made[i].fill, 64);
    a.in.user_id = made[i].user ? other : uid;
    a.in.created_ms = 1000;
    a.in.last_seen_ms = made[i].last;
    a.in.expires_ms = made[i].expires;
    a.in.absolute_expires_ms = made[i].absolute;
    strcpy(a.in.device, 'd' == made[i].fill ? "safari/iphone" : "");
    assert_int_equal(STORE_OK, store_txn(s, tx_session_create, &a));
  }
  char presented[65];
  memset(presented, 'e', 64);
  presented[64] = '\0';
  size_t n = 0;
  int current = -1;
  struct store_session_info first;
  list_sessions(s, uid, presented, 5000, &n, &current, &first);
  assert_int_equal(2, n);
  assert_int_equal(1, current);
  assert_int_equal(5000, first.last_ms);
  assert_int_equal(8000, first.expires_ms);
  assert_false(first.checkin);
  assert_string_equal("safari/iphone", first.device); /* as stored, "" for the others */
  list_sessions(s, uid, NULL, 5000, &n, &current, NULL);
  assert_int_equal(2, n);
  assert_int_equal(-1, current);
  a.in.user_id = uid;
  memcpy(a.in.token_hash, presented, sizeof presented);
  assert_int_equal(STORE_OK, store_txn(s, tx_session_delete_others, &a));
  assert_int_equal(2, a.rc); /* 'd' and the expired 'f', not yet purged */
  list_sessions(s, uid, presented, 5000, &n, &current, NULL);
  assert_int_equal(1, n);
  assert_int_equal(0, current);
  list_sessions(s, other, NULL, 5000, &n, &current, NULL);
  assert_int_equal(1, n);

  /* One session by its id (16 hex digits of its hash): only the user's own. */
  struct store_session_info mine;
  list_sessions(s, uid, presented, 5000, &n, &current, &mine);
  assert_string_equal("eeeeeeeeeeeeeeee", mine.id);
  memcpy(a.id, mine.id, sizeof a.id);
  a.in.user_id = other;
  assert_int_equal(STORE_NONE, store_txn(s, tx_session_delete_mine, &a)); /* not theirs */
  a.in.user_id = uid;
  memcpy(a.id, "gggggggggggggggg", sizeof a.id); /* the other user's session */
  assert_int_equal(STORE_NONE, store_txn(s, tx_session_delete_mine, &a));
  memcpy(a.id, mine.id, sizeof a.id);
  assert_int_equal(STORE_OK, store_txn(s, tx_session_delete_mine, &a));
  list_sessions(s, uid, presented, 5000, &n, &current, NULL);
  assert_int_equal(0, n);
  list_sessions(s, other, NULL, 5000, &n, &current, NULL);
  assert_int_equal(1, n);
  store_close(s);
}

struct rate_args {
  const char *key;
  int64_t now;
  struct store_ratelimit r;
};

static int tx_rate(struct store_tx *tx, void *ctx) {
  struct rate_args *a = ctx;
  /* 3 hits per 10 s window; the 4th blocks for 60 s. */
  return store_ratelimit_hit(tx, &a->r, a->key, a->now, 10000, 3, 60000);
}

static int tx_rate_reset(struct store_tx *tx, void *ctx) {
  struct rate_args *a = ctx;
  return store_ratelimit_reset(tx, a->key);
}

static void test_rate_limits(void **state) {
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  struct rate_args a = {"login:ip:203.0.113.7", 0, {0}};
  for (int i = 1; i <= 3; i++) {
    a.now = 1000 + i;
    assert_int_equal(STORE_OK, store_txn(s, tx_rate, &a));
    assert_int_equal(i, a.r.count);
    assert_int_equal(0, a.r.blocked_until_ms);
  }
  a.now = 1010;
  assert_int_equal(STORE_OK, store_txn(s, tx_rate, &a));
  assert_int_equal(4, a.r.count);
  assert_int_equal(61010, a.r.blocked_until_ms);
  /* A new window does not lift a running block. */
  a.now = 20000;
  assert_int_equal(STORE_OK, store_txn(s, tx_rate, &a));
  assert_int_equal(1, a.r.count);
  assert_int_equal(61010, a.r.blocked_until_ms);
  /* After the block and a new window, counting starts afresh. */
  a.now = 70000;
  assert_int_equal(STORE_OK, store_txn(s, tx_rate, &a));
  assert_int_equal(1, a.r.count);
  assert_int_equal(0, a.r.blocked_until_ms);
  assert_int_equal(STORE_OK, store_txn(s, tx_rate_reset, &a));
  a.now = 70001;
  assert_int_equal(STORE_OK, store_txn(s, tx_rate, &a));
  assert_int_equal(1, a.r.count);
  store_close(s);
}

/* --- backup and restore --- */

static void test_backup_and_restore(void **state) {
  if (temp_store_is_pg()) {
    skip(); /* a property of the SQLite file (store_sqlite.h) */
  }
  struct temp_store *f = *state;
  struct store *s = open_ok(f, 0);
  struct store *b = NULL;
  struct store_user u;
  char bak[100], err[512] = "";
  struct temp_store copy;
  snprintf(bak, sizeof bak, "%s/backup.db", f->dir);
  assert_int_equal(STORE_OK, create_user(s, "sebelum@contoh.id", ROLE_CANDIDATE, NULL));
  if (STORE_OK != store_backup(s, bak, err, sizeof err)) {
    fail_msg("backup: %s", err);
  }
  /* Never overwrites. */
  assert_int_equal(STORE_EXISTS, store_backup(s, bak, err, sizeof err));
  assert_int_equal(STORE_OK, create_user(s, "sesudah@contoh.id", ROLE_CANDIDATE, NULL));
  store_close(s);

  /* The backup is a complete database on its own. */
  copy = *f;
  snprintf(copy.db, sizeof copy.db, "%s", bak);
  b = open_ok(&copy, 0);
  assert_int_equal(STORE_OK, user_by_email(b, "sebelum@contoh.id", &u));
  assert_int_equal(STORE_NONE, user_by_email(b, "sesudah@contoh.id", &u));
  store_close(b);

  /* Restoring brings the database back to the backup's state. */
  if (STORE_OK != store_restore(f->db, bak, NULL, err, sizeof err)) {
    fail_msg("restore: %s", err);
  }
  s = open_ok(f, 0);
  assert_int_equal(STORE_OK, user_by_email(s, "sebelum@contoh.id", &u));
  assert_int_equal(STORE_NONE, user_by_email(s, "sesudah@contoh.id", &u));
  store_close(s);

  /* A file that is not a database is refused and the database is kept. */
  write_file(bak, "not a database at all, just text that is long enough......", 58);
  assert_true(store_restore(f->db, bak, NULL, err, sizeof err) < 0);
  s = open_ok(f, 0);
  assert_int_equal(STORE_OK, user_by_email(s, "sebelum@contoh.id", &u));
  store_close(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_fresh_database_is_migrated, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_upgrade_from_every_older_version, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_failed_upgrade_applies_nothing, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_garbage_file_is_refused_unchanged, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_corrupt_database_is_refused_unchanged,
                                      temp_store_dir_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_truncated_database_is_refused_unchanged,
                                      temp_store_dir_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_full_check_reads_every_page, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_user_name_limit_in_characters, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_wal_is_checkpointed_in_the_background,
                                      temp_store_dir_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_newer_schema_is_refused_unchanged, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_unwritable_directory_is_refused, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_txn_commit_rollback_and_nesting, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_concurrent_writers_are_serialised, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_busy_lock_is_bounded, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_blocked_writers_do_not_queue, temp_store_dir_setup,
                                      temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_users, temp_store_dir_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_sessions, temp_store_dir_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_rate_limits, temp_store_dir_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_backup_and_restore, temp_store_dir_setup,
                                      temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
