/*
 * The session cache (common/session_cache.c) against a real store: a session read from the
 * store and kept is answered from the cache with the same session and user, while the
 * generation holds; a log-out or an account disabled on another handle (another process:
 * the `ujikom` CLI, another node) or by raw SQL makes the next look-up miss; a new session of
 * someone else or a touch does not; an expired entry is never answered; a committed touch
 * moves the entry's last use; an older read never replaces a newer one; a full set replaces
 * its oldest entry; an account whose e-mail and name exceed an entry is read every time.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/session_cache.h"
#include "store/store.h"
#include "test_store_fixture.h"

struct fixture {
  struct temp_store t;
  int64_t user;
  int64_t now;
  struct session_cache *cache;
};

/* The token hash of session i: 64 hex digits. */
static void hash_of(char out[65], int i) {
  snprintf(out, 65, "%016x%048d", (unsigned)(0x9e3779b9u * (unsigned)(i + 1)), i);
}

static int add_session(struct store_tx *tx, int64_t user, int i, int64_t now) {
  struct store_session s = {.user_id = user,
                            .created_ms = now,
                            .last_seen_ms = now,
                            .expires_ms = now + 1800000,
                            .absolute_expires_ms = now + 7200000};
  hash_of(s.token_hash, i);
  return store_session_create(tx, &s);
}

static int make_txn(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  f->now = store_tx_now_ms(tx);
  int rc = store_user_create(tx, &f->user, "tembolok@contoh.id", "Wayan Tembolok", ROLE_ASSESSOR,
                             "$scrypt$rahasia");
  for (int i = 0; STORE_OK == rc && i < 12; i++) {
    rc = add_session(tx, f->user, i, f->now);
  }
  /* An account whose e-mail and name do not fit an entry: its session 40 is never kept. */
  char email[160], name[201];
  memset(email, 'e', 140);
  snprintf(email + 140, sizeof email - 140, "@contoh.id");
  memset(name, 'N', 200);
  name[200] = '\0';
  int64_t roomy = 0;
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &roomy, email, name, ROLE_CANDIDATE, "$scrypt$rahasia");
  }
  if (STORE_OK == rc) {
    rc = add_session(tx, roomy, 40, f->now);
  }
  /* A check-in session (41), scoped to a schedule's exam. */
  int64_t schedule = 0;
  if (STORE_OK == rc) {
    rc = temp_store_schedule(tx, &schedule, "DKV-UJI", f->now, f->now + 3600000, "");
  }
  if (STORE_OK == rc) {
    struct store_session s = {.user_id = f->user,
                              .created_ms = f->now,
                              .last_seen_ms = f->now,
                              .expires_ms = f->now + 1800000,
                              .absolute_expires_ms = f->now + 7200000,
                              .scope_schedule_id = schedule};
    hash_of(s.token_hash, 41);
    rc = store_session_create(tx, &s);
  }
  return rc;
}

static int setup(void **state) {
  if (0 != temp_store_setup_with(state, sizeof(struct fixture), "sesscache", NULL, make_txn)) {
    return -1;
  }
  struct fixture *f = *state;
  return session_cache_new(&f->cache, 8); /* one set of eight */
}

static int teardown(void **state) {
  struct fixture *f = *state;
  session_cache_free(f->cache);
  return temp_store_teardown(state);
}

/* Reads session i as the authentication does: from the cache, else from the store (kept).
 * Returns the look-up's result; *hit says whether the cache answered. */
static int look_up(struct fixture *f, int i, int64_t now, struct store_session *s,
                   struct store_user *u, bool *hit) {
  char hash[65];
  hash_of(hash, i);
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = session_cache_get(f->cache, s, u, hash, now, rd);
  *hit = STORE_OK == rc;
  if (STORE_NONE == rc) {
    rc = store_session_user_get(rd, s, u, hash);
    if (STORE_OK == rc) {
      session_cache_put(f->cache, s, u);
    }
  }
  store_rd_end(rd);
  return rc;
}

static void expect(struct fixture *f, int i, int rc, bool hit) {
  struct store_session s;
  struct store_user u;
  bool was = false;
  assert_int_equal(rc, look_up(f, i, f->now + 1000, &s, &u, &was));
  if (was != hit) {
    fail_msg("session %d: %s, want %s", i, was ? "hit" : "miss", hit ? "hit" : "miss");
  }
}

struct op {
  struct fixture *f;
  int i;
};

static int tx_delete(struct store_tx *tx, void *arg) {
  struct op *op = arg;
  char hash[65];
  hash_of(hash, op->i);
  return store_session_delete(tx, hash);
}

static int tx_touch(struct store_tx *tx, void *arg) {
  struct op *op = arg;
  char hash[65];
  struct store_session out;
  hash_of(hash, op->i);
  return store_session_touch(tx, &out, hash, store_tx_now_ms(tx), 1800000);
}

static int tx_add(struct store_tx *tx, void *arg) {
  struct op *op = arg;
  return add_session(tx, op->f->user, op->i, store_tx_now_ms(tx));
}

static void test_hit_is_the_store_read(void **state) {
  struct fixture *f = *state;
  struct store_session s1, s2;
  struct store_user u1, u2;
  bool hit = true;
  assert_int_equal(STORE_OK, look_up(f, 0, f->now + 1000, &s1, &u1, &hit));
  assert_false(hit);
  assert_int_equal(STORE_OK, look_up(f, 0, f->now + 1000, &s2, &u2, &hit));
  assert_true(hit);
  assert_memory_equal(&s1, &s2, sizeof s1);
  assert_int_equal(u1.id, u2.id);
  assert_int_equal(f->user, u2.id);
  assert_string_equal("tembolok@contoh.id", u2.email);
  assert_string_equal("Wayan Tembolok", u2.name);
  assert_int_equal(ROLE_ASSESSOR, u2.role);
  assert_false(u2.disabled);
  assert_int_equal(u1.created_ms, u2.created_ms);
  assert_string_equal("", u2.password_hash);
  uint64_t hits = 0, misses = 0;
  session_cache_counts(f->cache, &hits, &misses);
  assert_int_equal(1, hits);
  assert_int_equal(1, misses);
  assert_int_equal(f->now, s2.created_ms);
  assert_int_equal(f->now + 1800000, s2.expires_ms);
  assert_int_equal(f->now + 7200000, s2.absolute_expires_ms);

  /* The kept session's hash in upper case names the same bytes but no session: the cache
   * does not answer for it, and the store knows none. */
  char upper[65];
  hash_of(upper, 0);
  for (char *p = upper; '\0' != *p; p++) {
    *p = (char)toupper((unsigned char)*p);
  }
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_NONE, session_cache_get(f->cache, &s2, &u2, upper, f->now + 1000, rd));
  assert_int_equal(STORE_NONE, store_session_user_get(rd, &s2, &u2, upper));
  store_rd_end(rd);

  /* A scoped session's copy keeps its scope and the schedule's exam. */
  assert_int_equal(STORE_OK, look_up(f, 41, f->now + 1000, &s1, &u1, &hit));
  assert_false(hit);
  assert_int_equal(STORE_OK, look_up(f, 41, f->now + 1000, &s2, &u2, &hit));
  assert_true(hit);
  assert_memory_equal(&s1, &s2, sizeof s1);
  assert_string_equal("DKV-UJI", s2.scope_exam_id);
  assert_true(s2.scope_schedule_id > 0);

  /* Unknown to the cache and the store. */
  expect(f, 99, STORE_NONE, false);
  /* Too long to keep: read from the store every time, the same as kept ones. */
  expect(f, 40, STORE_OK, false);
  expect(f, 40, STORE_OK, false);
}

static void test_writes_elsewhere(void **state) {
  struct fixture *f = *state;
  expect(f, 0, STORE_OK, false);
  expect(f, 1, STORE_OK, false);
  expect(f, 0, STORE_OK, true);

  struct store *other = NULL;
  char err[512];
  assert_int_equal(STORE_OK, store_open(&other, f->t.db, NULL, err, sizeof err));
  /* A new session and a touch elsewhere leave the copies in use. */
  struct op add = {f, 20}, touch1 = {f, 1};
  assert_int_equal(STORE_OK, store_txn(other, tx_add, &add));
  assert_int_equal(STORE_OK, store_txn(other, tx_touch, &touch1));
  expect(f, 0, STORE_OK, true);
  expect(f, 1, STORE_OK, true);

  /* A log-out elsewhere: that session is gone at the next look-up, and the other copy is
   * read again (the generation moved), then answered again. */
  struct op logout = {f, 0};
  assert_int_equal(STORE_OK, store_txn(other, tx_delete, &logout));
  expect(f, 0, STORE_NONE, false);
  expect(f, 1, STORE_OK, false);
  expect(f, 1, STORE_OK, true);
  store_close(other);

  /* The account disabled by raw SQL: read again, and disabled. */
  struct test_raw raw;
  char msg[256];
  assert_int_equal(0, test_raw_open(&raw, f->t.db));
  if (0 != test_raw_exec(&raw, "UPDATE users SET disabled = 1", msg, sizeof msg)) {
    fail_msg("raw update: %s", msg);
  }
  test_raw_close(&raw);
  struct store_session s;
  struct store_user u;
  bool hit = true;
  assert_int_equal(STORE_OK, look_up(f, 1, f->now + 1000, &s, &u, &hit));
  assert_false(hit);
  assert_true(u.disabled);
}

static void test_expiry_and_touch(void **state) {
  struct fixture *f = *state;
  struct store_session s;
  struct store_user u;
  bool hit = false;
  char hash[65];
  hash_of(hash, 2);
  expect(f, 2, STORE_OK, false);
  /* Past its idle expiry the entry is not answered: the store decides. */
  assert_int_equal(STORE_OK, look_up(f, 2, f->now + 1800000, &s, &u, &hit));
  assert_false(hit);
  /* A touch committed at now + 20 min moves the entry's last use and idle expiry on... */
  session_cache_touched(f->cache, hash, f->now + 1200000, f->now + 3000000);
  assert_int_equal(STORE_OK, look_up(f, 2, f->now + 1800000, &s, &u, &hit));
  assert_true(hit);
  assert_int_equal(f->now + 1200000, s.last_seen_ms);
  assert_int_equal(f->now + 3000000, s.expires_ms);
  /* ...never back, and never past the hard expiry. */
  session_cache_touched(f->cache, hash, f->now + 5000, f->now + 60000);
  assert_int_equal(STORE_OK, look_up(f, 2, f->now + 1800000, &s, &u, &hit));
  assert_true(hit);
  assert_int_equal(f->now + 1200000, s.last_seen_ms);
  assert_int_equal(STORE_OK, look_up(f, 2, f->now + 7200000, &s, &u, &hit));
  assert_false(hit);
}

static void test_newer_read_stays(void **state) {
  struct fixture *f = *state;
  struct store_session s;
  struct store_user u;
  bool hit = false;
  assert_int_equal(STORE_OK, look_up(f, 3, f->now + 1000, &s, &u, &hit));
  struct store_session older = s;
  older.generation = s.generation - 1;
  snprintf(u.name, sizeof u.name, "Nama Lama");
  session_cache_put(f->cache, &older, &u);
  assert_int_equal(STORE_OK, look_up(f, 3, f->now + 1000, &s, &u, &hit));
  assert_true(hit);
  assert_string_equal("Wayan Tembolok", u.name);
}

static void test_full_set_replaces_oldest(void **state) {
  struct fixture *f = *state;
  for (int i = 0; i < 8; i++) {
    expect(f, i, STORE_OK, false);
  }
  for (int i = 0; i < 8; i++) {
    expect(f, i, STORE_OK, true);
  }
  expect(f, 8, STORE_OK, false); /* the ninth replaces the first */
  expect(f, 0, STORE_OK, false);
  expect(f, 8, STORE_OK, true);
  expect(f, 2, STORE_OK, true);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_hit_is_the_store_read, setup, teardown),
      cmocka_unit_test_setup_teardown(test_writes_elsewhere, setup, teardown),
      cmocka_unit_test_setup_teardown(test_expiry_and_touch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_newer_read_stays, setup, teardown),
      cmocka_unit_test_setup_teardown(test_full_set_replaces_oldest, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
