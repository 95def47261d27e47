/*
 * Tests of the reviews part of the store: claims (conflict, renewal, lapse), decision
 * history, appeals (one per attempt, assignment and decision transitions), the queue and the
 * administrators' attempt list.
 */
#include <stdarg.h>
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
  int64_t candidate, assessor1, assessor2, admin;
  int64_t attempt; /* finished, verdict PENDING */
};

static const char version[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static int tx_seed(struct store_tx *tx, void *ctx) {
  struct fixture *f = ctx;
  int rc = store_user_create(tx, &f->candidate, "asesi@contoh.id", "Asesi", ROLE_CANDIDATE, "$h");
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->assessor1, "a1@contoh.id", "Asesor 1", ROLE_ASSESSOR, "$h");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->assessor2, "a2@contoh.id", "Asesor 2", ROLE_ASSESSOR, "$h");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin, "adm@contoh.id", "Admin", ROLE_ADMIN, "$h");
  }
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv.exam.yaml", "format: 1\n", 10);
  }
  if (STORE_OK == rc) {
    rc = store_attempt_create(tx, &f->attempt, f->candidate, "DKV-UJI", version, "{}",
                              store_tx_now_ms(tx) + 60000);
  }
  if (STORE_OK == rc) {
    rc = store_attempt_finish(tx, f->attempt, ATTEMPT_SUBMITTED, store_tx_now_ms(tx),
                              VERDICT_PENDING, "{}");
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "reviews", NULL, tx_seed);
}

struct claim_args {
  int64_t attempt, assessor, ttl;
  struct store_claim out;
};

static int tx_claim(struct store_tx *tx, void *ctx) {
  struct claim_args *a = ctx;
  return store_claim_take(tx, &a->out, a->attempt, a->assessor, a->ttl);
}

static int claim(struct fixture *f, int64_t assessor, int64_t ttl, struct store_claim *out) {
  struct claim_args a = {f->attempt, assessor, ttl, {0}};
  int rc = store_txn(f->t.s, tx_claim, &a);
  if (NULL != out) {
    *out = a.out;
  }
  return rc;
}

static void test_claims(void **state) {
  struct fixture *f = *state;
  struct store_claim c;
  assert_int_equal(STORE_OK, claim(f, f->assessor1, 60000, &c));
  assert_int_equal(f->assessor1, c.assessor_id);
  assert_true(c.expires_ms - c.claimed_ms == 60000);
  /* Someone else's live claim: CONFLICT, and the holder is reported. */
  assert_int_equal(STORE_CONFLICT, claim(f, f->assessor2, 60000, &c));
  assert_int_equal(f->assessor1, c.assessor_id);
  /* The holder renews. */
  assert_int_equal(STORE_OK, claim(f, f->assessor1, 60000, &c));
  /* A claim that lapses (1 ms) can be taken over. */
  assert_int_equal(STORE_OK, claim(f, f->assessor1, 1, NULL));
  usleep(5000);
  assert_int_equal(STORE_OK, claim(f, f->assessor2, 60000, &c));
  assert_int_equal(f->assessor2, c.assessor_id);
  /* A missing attempt is NONE. */
  {
    struct claim_args a = {f->attempt + 1000, f->assessor1, 60000, {0}};
    assert_int_equal(STORE_NONE, store_txn(f->t.s, tx_claim, &a));
  }
}

struct decide_args {
  struct store_decision d;
  int64_t id;
  enum verdict verdict;
};

static int tx_decide(struct store_tx *tx, void *ctx) {
  struct decide_args *a = ctx;
  int rc = store_decision_add(tx, &a->id, &a->d);
  if (STORE_OK == rc) {
    rc = store_attempt_set_result(tx, a->d.attempt_id, a->verdict, "{}");
  }
  if (STORE_OK == rc) {
    rc = store_claim_release(tx, a->d.attempt_id);
  }
  return rc;
}

/* The store only reads these; they are arrays so no const has to be cast away. */
static char empty_json[] = "{}";
static char admin_reason[] = "Portofolio diperiksa ulang.";

static struct decide_args decision(int64_t attempt, int64_t by, const char *kind,
                                   enum verdict overall, char *reason) {
  struct decide_args a;
  memset(&a, 0, sizeof a);
  a.d.attempt_id = attempt;
  a.d.decided_by = by;
  snprintf(a.d.kind, sizeof a.d.kind, "%s", kind);
  a.d.overall = overall;
  a.d.marks = empty_json;
  a.d.units = empty_json;
  a.d.reason = reason;
  a.verdict = overall;
  return a;
}

static void test_decisions_keep_history(void **state) {
  struct fixture *f = *state;
  struct decide_args a =
      decision(f->attempt, f->assessor1, STORE_DECISION_ASSESSOR, VERDICT_BK, NULL);
  struct store_rd *rd = NULL;
  struct store_decision latest, *hist = NULL;
  struct store_claim c;
  size_t n = 0;
  assert_int_equal(STORE_OK, claim(f, f->assessor1, 60000, NULL));
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_decide, &a));
  /* The table refuses an admin change without a reason. */
  a = decision(f->attempt, f->admin, STORE_DECISION_ADMIN, VERDICT_K, NULL);
  assert_int_equal(STORE_HARD, store_txn(f->t.s, tx_decide, &a));
  a = decision(f->attempt, f->admin, STORE_DECISION_ADMIN, VERDICT_K, admin_reason);
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_decide, &a));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_decision_latest(rd, &latest, f->attempt));
  assert_string_equal("admin", latest.kind);
  assert_int_equal(VERDICT_K, latest.overall);
  assert_string_equal("Portofolio diperiksa ulang.", latest.reason);
  store_decision_clear(&latest);
  assert_int_equal(STORE_OK, store_decision_history(rd, &hist, &n, f->attempt));
  assert_int_equal(2, n);
  assert_int_equal(VERDICT_BK, hist[0].overall);
  assert_int_equal(f->assessor1, hist[0].decided_by);
  assert_null(hist[0].reason);
  store_decision_list_free(hist, n);
  /* The claim went with the decision. */
  assert_int_equal(STORE_NONE, store_claim_get(rd, &c, f->attempt));
  assert_int_equal(STORE_NONE, store_decision_latest(rd, &latest, f->attempt + 1000));
  store_rd_end(rd);
  /* Decided: no longer claimable. */
  assert_int_equal(STORE_NONE, claim(f, f->assessor2, 60000, NULL));
}

struct appeal_args {
  int64_t attempt, candidate, original, id, assessor;
  int step;
};

static int tx_appeal(struct store_tx *tx, void *ctx) {
  struct appeal_args *a = ctx;
  switch (a->step) {
  case 0:
    return store_appeal_create(tx, &a->id, a->attempt, a->candidate, "Mohon ditinjau.",
                               a->original);
  case 1:
    return store_appeal_assign(tx, a->id, a->assessor);
  default:
    return store_appeal_set_decided(tx, a->id);
  }
}

static void test_appeals(void **state) {
  struct fixture *f = *state;
  struct decide_args d =
      decision(f->attempt, f->assessor1, STORE_DECISION_ASSESSOR, VERDICT_BK, NULL);
  struct appeal_args a = {f->attempt, f->candidate, f->assessor1, 0, 0, 0};
  struct store_rd *rd = NULL;
  struct store_appeal ap, *list = NULL;
  struct store_queue_entry *q = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_decide, &d));
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_appeal, &a));
  assert_true(a.id > 0);
  {
    struct appeal_args twice = a;
    assert_int_equal(STORE_EXISTS, store_txn(f->t.s, tx_appeal, &twice));
  }
  /* Deciding before assignment is a CONFLICT; assigning an unknown appeal is NONE. */
  a.step = 2;
  assert_int_equal(STORE_CONFLICT, store_txn(f->t.s, tx_appeal, &a));
  {
    struct appeal_args missing = {0, 0, 0, a.id + 1000, f->assessor2, 1};
    assert_int_equal(STORE_NONE, store_txn(f->t.s, tx_appeal, &missing));
  }
  a.step = 1;
  a.assessor = f->assessor2;
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_appeal, &a));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_review_queue(rd, &q, &n, NULL, 0, 0, 10));
  assert_int_equal(1, n);
  assert_int_equal(a.id, q[0].appeal_id);
  assert_int_equal(f->assessor2, q[0].holder_id);
  store_queue_list_free(q, n);
  store_rd_end(rd);
  a.step = 2;
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_appeal, &a));
  a.step = 1;
  assert_int_equal(STORE_CONFLICT, store_txn(f->t.s, tx_appeal, &a)); /* decided: final */
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_appeal_for_attempt(rd, &ap, f->attempt));
  assert_int_equal(APPEAL_DECIDED, ap.status);
  assert_int_equal(f->assessor1, ap.original_assessor_id);
  assert_int_equal(f->assessor2, ap.assessor_id);
  assert_true(ap.decided_ms >= ap.assigned_ms && ap.assigned_ms >= ap.created_ms);
  assert_string_equal("Mohon ditinjau.", ap.reason);
  store_appeal_clear(&ap);
  enum appeal_status open = APPEAL_OPEN;
  bool more = true;
  assert_int_equal(STORE_OK, store_appeal_list(rd, &list, &n, &open, 0, 10, &more));
  assert_false(more);
  assert_int_equal(0, n);
  store_appeal_list_free(list, n);
  assert_int_equal(STORE_OK, store_appeal_list(rd, &list, &n, NULL, 0, 10, &more));
  assert_int_equal(1, n);
  store_appeal_list_free(list, n);
  store_rd_end(rd);
}

struct appealed_args {
  int64_t candidate, original, assessor, id;
  bool decided;
};

/* A finished attempt of the candidate, appealed; decided (assigned first) when asked. */
static int tx_appealed(struct store_tx *tx, void *ctx) {
  struct appealed_args *a = ctx;
  int64_t attempt = 0;
  int rc = store_attempt_create(tx, &attempt, a->candidate, "DKV-UJI", version, "{}",
                                store_tx_now_ms(tx) + 60000);
  if (STORE_OK == rc) {
    rc =
        store_attempt_finish(tx, attempt, ATTEMPT_SUBMITTED, store_tx_now_ms(tx), VERDICT_BK, "{}");
  }
  if (STORE_OK == rc) {
    rc = store_appeal_create(tx, &a->id, attempt, a->candidate, "Mohon ditinjau.", a->original);
  }
  if (STORE_OK == rc && a->decided) {
    rc = store_appeal_assign(tx, a->id, a->assessor);
  }
  if (STORE_OK == rc && a->decided) {
    rc = store_appeal_set_decided(tx, a->id);
  }
  return rc;
}

/* The appeals still to be decided are found however many older ones were decided (the
 * administrator's list once read the oldest of all and showed the undecided among them, so
 * new appeals went missing behind decided ones); every list is paged by its last id. */
static void test_appeal_lists(void **state) {
  struct fixture *f = *state;
  int64_t ids[5];
  for (int i = 0; i < 5; i++) {
    struct appealed_args a = {f->candidate, f->assessor1, f->assessor2, 0, i < 3};
    assert_int_equal(STORE_OK, store_txn(f->t.s, tx_appealed, &a));
    ids[i] = a.id;
  }
  struct store_rd *rd = NULL;
  struct store_appeal *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  /* The two open ones, though the three oldest are decided and the limit is 2. */
  bool more = true;
  assert_int_equal(STORE_OK, store_appeal_list_undecided(rd, &list, &n, 0, 2, &more));
  assert_int_equal(2, n);
  assert_int_equal(ids[3], list[0].id);
  assert_int_equal(ids[4], list[1].id);
  assert_false(more);
  store_appeal_list_free(list, n);
  /* one at a time: the first page says a second follows, the second starts after it */
  assert_int_equal(STORE_OK, store_appeal_list_undecided(rd, &list, &n, 0, 1, &more));
  assert_int_equal(1, n);
  assert_int_equal(ids[3], list[0].id);
  assert_true(more);
  store_appeal_list_free(list, n);
  assert_int_equal(STORE_OK, store_appeal_list_undecided(rd, &list, &n, ids[3], 1, &more));
  assert_int_equal(1, n);
  assert_int_equal(ids[4], list[0].id);
  assert_false(more);
  store_appeal_list_free(list, n);
  /* All, two by two from the oldest; whether more follow is read with the page. */
  int64_t after = 0;
  for (int page = 0; page < 3; page++) {
    assert_int_equal(STORE_OK, store_appeal_list(rd, &list, &n, NULL, after, 2, &more));
    assert_int_equal(page < 2 ? 2 : 1, n);
    assert_int_equal(page < 2, more);
    for (size_t i = 0; i < n; i++) {
      assert_int_equal(ids[2 * page + (int)i], list[i].id);
    }
    after = list[n - 1].id;
    store_appeal_list_free(list, n);
  }
  assert_int_equal(STORE_OK, store_appeal_list(rd, &list, &n, NULL, after, 2, &more));
  assert_int_equal(0, n);
  assert_false(more);
  store_appeal_list_free(list, n);
  /* One status, after a cursor. */
  const enum appeal_status decided = APPEAL_DECIDED;
  assert_int_equal(STORE_OK, store_appeal_list(rd, &list, &n, &decided, ids[0], 10, &more));
  assert_int_equal(2, n);
  assert_int_equal(ids[1], list[0].id);
  store_appeal_list_free(list, n);
  /* Exactly a page: nothing more follows. */
  assert_int_equal(STORE_OK, store_appeal_list(rd, &list, &n, &decided, ids[0], 2, &more));
  assert_int_equal(2, n);
  assert_false(more);
  store_appeal_list_free(list, n);
  store_rd_end(rd);
}

static void test_queue_and_admin_list(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  struct store_queue_entry *q = NULL;
  struct store_attempt *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, claim(f, f->assessor1, 60000, NULL));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_review_queue(rd, &q, &n, "DKV-UJI", 0, 0, 10));
  assert_int_equal(1, n);
  assert_int_equal(f->attempt, q[0].attempt_id);
  assert_int_equal(f->candidate, q[0].user_id);
  assert_int_equal(f->assessor1, q[0].holder_id);
  assert_int_equal(0, q[0].appeal_id);
  store_queue_list_free(q, n);
  assert_int_equal(STORE_OK, store_review_queue(rd, &q, &n, "FSN-LAIN", 0, 0, 10));
  assert_int_equal(0, n);
  store_queue_list_free(q, n);
  enum attempt_status submitted = ATTEMPT_SUBMITTED;
  enum verdict pending = VERDICT_PENDING;
  assert_int_equal(STORE_OK,
                   store_review_attempts(rd, &list, &n, NULL, &submitted, &pending, 0, 10));
  assert_int_equal(1, n);
  assert_string_equal("DKV-UJI", list[0].exam_id);
  assert_null(list[0].form);
  store_attempt_list_free(list, n);
  enum verdict none = VERDICT_NONE;
  assert_int_equal(STORE_OK, store_review_attempts(rd, &list, &n, NULL, NULL, &none, 0, 10));
  assert_int_equal(0, n); /* VERDICT_NONE = no verdict yet: none, this one is PENDING */
  store_attempt_list_free(list, n);
  assert_int_equal(STORE_HARD, store_review_attempts(rd, &list, &n, NULL, NULL, NULL, 0, 0));
  store_rd_end(rd);
}

struct finished_args {
  int64_t candidate;
  const char *exam;
  int64_t finished_ms;
  int64_t id;
};

static int tx_finished(struct store_tx *tx, void *ctx) {
  struct finished_args *a = ctx;
  int rc = store_attempt_create(tx, &a->id, a->candidate, a->exam, version, "{}",
                                store_tx_now_ms(tx) + 60000);
  if (STORE_OK == rc) {
    rc = store_attempt_finish(tx, a->id, ATTEMPT_SUBMITTED, a->finished_ms, VERDICT_PENDING, "{}");
  }
  return rc;
}

/* The queue is read a page at a time after the last entry shown, in the order (finished
 * time, attempt id): every entry once, ties broken by id, an exam's filter kept. */
static void test_queue_pages(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  struct store_queue_entry *q = NULL;
  size_t n = 0;
  /* f->attempt finished now; these finished earlier, two at the same millisecond, and
   * inserted out of order */
  struct finished_args made[] = {{0, "DKV-UJI", 3000, 0},
                                 {0, "DKV-UJI", 1000, 0},
                                 {0, "FSN-LAIN", 2000, 0},
                                 {0, "DKV-UJI", 2000, 0},
                                 {0, "DKV-UJI", 2000, 0}};
  for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
    made[i].candidate = f->candidate;
    assert_int_equal(STORE_OK, store_txn(f->t.s, tx_finished, &made[i]));
  }
  const int64_t order[] = {made[1].id, made[2].id, made[3].id, made[4].id, made[0].id, f->attempt};
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int64_t since = 0, id = 0;
  size_t seen = 0;
  for (int pages = 0; pages < 10; pages++) {
    assert_int_equal(STORE_OK, store_review_queue(rd, &q, &n, NULL, since, id, 2));
    for (size_t i = 0; i < n; i++) {
      assert_true(seen < sizeof order / sizeof order[0]);
      assert_int_equal(order[seen], q[i].attempt_id);
      seen++;
      since = q[i].since_ms;
      id = q[i].attempt_id;
    }
    store_queue_list_free(q, n);
    if (n < 2) {
      break;
    }
  }
  assert_int_equal(sizeof order / sizeof order[0], seen);
  /* after the tie's first entry: its twin, then the rest of one exam */
  assert_int_equal(STORE_OK, store_review_queue(rd, &q, &n, "DKV-UJI", 2000, made[3].id, 10));
  assert_int_equal(3, n);
  assert_int_equal(made[4].id, q[0].attempt_id);
  assert_int_equal(made[0].id, q[1].attempt_id);
  assert_int_equal(f->attempt, q[2].attempt_id);
  store_queue_list_free(q, n);
  store_rd_end(rd);
}

struct item_marks_args {
  int64_t attempt, assessor;
  const char *item, *marks;
};

static int tx_item_marks(struct store_tx *tx, void *ctx) {
  struct item_marks_args *a = ctx;
  return store_item_marks_put(tx, a->attempt, a->item, a->assessor, a->marks);
}

/* Marks saved ahead of a decision: one row per attempt, item and assessor, replaced when
 * saved again, listed by item for their own assessor only. */
static void test_item_marks(void **state) {
  struct fixture *f = *state;
  struct item_marks_args a = {f->attempt, f->assessor1, "ESS-2", "{\"points\":1}"};
  struct store_rd *rd = NULL;
  struct store_item_marks *list = NULL;
  size_t n = 9;
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_item_marks, &a));
  a.item = "ESS-1";
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_item_marks, &a));
  a.marks = "{\"points\":4}";
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_item_marks, &a)); /* replaces */
  struct item_marks_args other = {f->attempt, f->assessor2, "ESS-1", "{\"points\":0}"};
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_item_marks, &other));
  struct item_marks_args bad = {f->attempt, f->assessor1, "ESS-1", NULL};
  assert_int_equal(STORE_HARD, store_txn(f->t.s, tx_item_marks, &bad));
  bad = (struct item_marks_args){f->attempt, f->assessor1, "", "{}"};
  assert_true(store_txn(f->t.s, tx_item_marks, &bad) < 0); /* the table's CHECK */

  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_item_marks_list(rd, &list, &n, f->attempt, f->assessor1));
  assert_int_equal(2, n);
  assert_string_equal("ESS-1", list[0].item_id);
  assert_string_equal("{\"points\":4}", list[0].marks);
  assert_string_equal("ESS-2", list[1].item_id);
  assert_true(list[0].saved_ms > 0);
  store_item_marks_list_free(list, n);
  assert_int_equal(STORE_OK, store_item_marks_list(rd, &list, &n, f->attempt, f->admin));
  assert_int_equal(0, n);
  store_item_marks_list_free(list, n);
  store_rd_end(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_claims, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_decisions_keep_history, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_appeals, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_appeal_lists, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_queue_and_admin_list, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_queue_pages, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_item_marks, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
