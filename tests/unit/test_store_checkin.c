/*
 * Check-in codes in the store (store_checkin.h, migration 0033), on both backends: a code is
 * stored by its hash and found again; a new code of the same candidate and schedule deletes
 * the unused one; a hash is unique; a code is used once; the per-candidate states of a
 * schedule; attendance by a check-in (kept when marked before, none for someone not
 * enrolled); a session's scope and its schedule's exam and session code come back with the
 * session; the scope's look-ups of the attempt and the evidence upload.
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
static const char hash_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char hash_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char hash_c[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
static const char upload_id[] = "00112233445566778899aabbccddeeff";

struct fixture {
  struct temp_store t;
  int64_t cand, other, admin, sched, attempt;
};

static int seed(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int rc = store_user_create(tx, &f->cand, "budi@contoh.id", "Budi", ROLE_CANDIDATE, "$x");
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->other, "ani@contoh.id", "Ani", ROLE_CANDIDATE, "$x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin, "admin@contoh.id", "Admin", ROLE_ADMIN, "$x");
  }
  if (STORE_OK == rc) {
    rc = temp_store_schedule(tx, &f->sched, "KLN-1", 1000, 2000, "KODE7");
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_add(tx, f->sched, f->cand, f->admin);
  }
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "KLN-1", "kln.exam.yaml", "format: 1\n", 10);
  }
  if (STORE_OK == rc) {
    rc = store_attempt_create(tx, &f->attempt, f->cand, "KLN-1", version, "{\"units\":[]}",
                              store_tx_now_ms(tx) + 60000);
  }
  if (STORE_OK == rc) {
    struct store_upload u = {.id = "00112233445566778899aabbccddeeff",
                             .attempt_id = f->attempt,
                             .item_id = "E1",
                             .user_id = f->cand,
                             .name = "bukti.jpg",
                             .size = 10,
                             .created_ms = store_tx_now_ms(tx)};
    rc = store_upload_create(tx, &u);
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "checkin", NULL, seed);
}

/* One write's own answer, in a transaction that commits either way. */
struct op {
  struct fixture *f;
  int which;
  const char *hash;
  int64_t user;
  int rc;
};
enum { OP_PUT, OP_USE, OP_ATTEND, OP_SESSION, OP_PASSWORD_SESSION, OP_END };

static int op_tx(struct store_tx *tx, void *arg) {
  struct op *o = arg;
  struct fixture *f = o->f;
  switch (o->which) {
  case OP_PUT:
    o->rc = store_checkin_code_put(tx, o->hash, f->sched, o->user, f->admin);
    break;
  case OP_USE:
    o->rc = store_checkin_code_use(tx, o->hash);
    break;
  case OP_ATTEND:
    o->rc = store_enrolment_checked_in(tx, f->sched, o->user);
    break;
  case OP_END: { /* the answer is the count of sessions ended */
    int64_t n = -1;
    o->rc = store_checkin_sessions_end(tx, f->sched, o->user, &n);
    o->rc = STORE_OK == o->rc ? (int)n : o->rc;
    break;
  }
  default: {
    struct store_session s = {.user_id = o->user,
                              .created_ms = 1,
                              .last_seen_ms = 1,
                              .expires_ms = INT64_MAX / 2,
                              .absolute_expires_ms = INT64_MAX / 2,
                              .scope_schedule_id = OP_SESSION == o->which ? f->sched : 0};
    memcpy(s.token_hash, o->hash, sizeof s.token_hash);
    o->rc = store_session_create(tx, &s);
  }
  }
  return o->rc < 0 ? o->rc : STORE_OK;
}

static int run(struct fixture *f, int which, const char *hash, int64_t user) {
  struct op o = {f, which, hash, user, STORE_HARD};
  assert_int_equal(STORE_OK, store_txn(f->t.s, op_tx, &o));
  return o.rc;
}

static int get(struct fixture *f, const char *hash, struct store_checkin_code *out) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = store_checkin_code_get(rd, out, hash);
  store_rd_end(rd);
  return rc;
}

static void test_codes(void **state) {
  struct fixture *f = *state;
  struct store_checkin_code c;
  assert_int_equal(STORE_NONE, get(f, hash_a, &c));
  assert_int_equal(STORE_OK, run(f, OP_PUT, hash_a, f->cand));
  assert_int_equal(STORE_OK, get(f, hash_a, &c));
  assert_string_equal(hash_a, c.code_hash);
  assert_int_equal(f->sched, c.schedule_id);
  assert_int_equal(f->cand, c.user_id);
  assert_int_equal(f->admin, c.created_by);
  assert_true(c.created_ms > 0);
  assert_int_equal(0, c.used_ms);
  /* The same hash for another candidate is refused. */
  assert_int_equal(STORE_EXISTS, run(f, OP_PUT, hash_a, f->other));
  /* A new code replaces the unused one. */
  assert_int_equal(STORE_OK, run(f, OP_PUT, hash_b, f->cand));
  assert_int_equal(STORE_NONE, get(f, hash_a, &c));
  assert_int_equal(STORE_OK, get(f, hash_b, &c));
  /* Used once. */
  assert_int_equal(STORE_OK, run(f, OP_USE, hash_b, 0));
  assert_int_equal(STORE_NONE, run(f, OP_USE, hash_b, 0));
  assert_int_equal(STORE_NONE, run(f, OP_USE, hash_a, 0));
  assert_int_equal(STORE_OK, get(f, hash_b, &c));
  assert_true(c.used_ms > 0);
  /* A used code stays (the record) beside a new unused one. */
  assert_int_equal(STORE_OK, run(f, OP_PUT, hash_c, f->cand));
  assert_int_equal(STORE_OK, get(f, hash_b, &c));
  assert_int_equal(STORE_OK, run(f, OP_PUT, hash_a, f->other));

  struct store_rd *rd = NULL;
  struct store_checkin_state *st = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_checkin_states(rd, &st, &n, f->sched));
  store_rd_end(rd);
  assert_int_equal(2, n);
  assert_int_equal(f->cand, st[0].user_id);
  assert_int_equal(1, st[0].unused);
  assert_true(st[0].used_ms > 0);
  assert_int_equal(f->other, st[1].user_id);
  assert_int_equal(1, st[1].unused);
  assert_int_equal(0, st[1].used_ms);
  store_checkin_states_free(st, n);
}

static void test_attendance_and_scope(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_NONE, run(f, OP_ATTEND, NULL, f->other)); /* not enrolled */
  assert_int_equal(STORE_OK, run(f, OP_ATTEND, NULL, f->cand));
  struct store_enrolment *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_enrolment_list(rd, &list, &n, f->sched));
  store_rd_end(rd);
  assert_int_equal(1, n);
  int64_t first = list[0].attended_ms;
  assert_true(first > 0);
  assert_int_equal(0, list[0].attempt_id);
  store_enrolment_list_free(list, n);

  /* Before the start the scope reaches no attempt; after it, only that one and its upload. */
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_NONE, store_checkin_attempt_is(rd, f->sched, f->cand, f->attempt));
  assert_int_equal(STORE_NONE, store_checkin_upload_is(rd, f->sched, f->cand, upload_id));
  store_rd_end(rd);
  assert_int_equal(STORE_OK, run(f, OP_SESSION, hash_a, f->cand));
  struct store_session s;
  struct store_user u;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_session_user_get(rd, &s, &u, hash_a));
  assert_int_equal(f->sched, s.scope_schedule_id);
  assert_string_equal("KLN-1", s.scope_exam_id);
  assert_string_equal("budi@contoh.id", u.email);
  assert_int_equal(STORE_OK, store_session_get(rd, &s, hash_a));
  assert_int_equal(f->sched, s.scope_schedule_id);
  store_rd_end(rd);
  /* Ending the check-in sessions of the schedule leaves a password session alone. */
  assert_int_equal(STORE_OK, run(f, OP_PASSWORD_SESSION, hash_b, f->cand));
  assert_int_equal(1, run(f, OP_END, NULL, f->cand));
  assert_int_equal(0, run(f, OP_END, NULL, f->cand));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_NONE, store_session_get(rd, &s, hash_a));
  assert_int_equal(STORE_OK, store_session_get(rd, &s, hash_b));
  assert_int_equal(0, s.scope_schedule_id);
  store_rd_end(rd);
}

static int set_attempt(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  return store_enrolment_set_attempt(tx, f->sched, f->cand, f->attempt);
}

static void test_scope_lookups(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_txn(f->t.s, set_attempt, f));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_checkin_attempt_is(rd, f->sched, f->cand, f->attempt));
  assert_int_equal(STORE_NONE, store_checkin_attempt_is(rd, f->sched, f->cand, f->attempt + 1));
  assert_int_equal(STORE_NONE, store_checkin_attempt_is(rd, f->sched, f->other, f->attempt));
  assert_int_equal(STORE_NONE, store_checkin_attempt_is(rd, f->sched + 1, f->cand, f->attempt));
  assert_int_equal(STORE_OK, store_checkin_upload_is(rd, f->sched, f->cand, upload_id));
  assert_int_equal(STORE_NONE, store_checkin_upload_is(rd, f->sched, f->other, upload_id));
  assert_int_equal(STORE_NONE, store_checkin_upload_is(rd, f->sched, f->cand,
                                                       "ffeeddccbbaa99887766554433221100"));
  store_rd_end(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_codes, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_attendance_and_scope, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_scope_lookups, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
