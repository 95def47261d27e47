/*
 * Search and keyset paging in the store, as the admin pages use them: accounts by part of
 * the name or e-mail (ASCII case ignored), role and state, pages that cover every match once
 * and in order; attempts by their candidate; audit entries by action (exact or a family
 * "user."), actor, record and time, newest first; and the planned extra time of a candidate.
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

#define NUSERS 120

struct fixture {
  struct temp_store t;
  int64_t users[NUSERS];
  int64_t first_attempt_of_7; /* user index 7's first attempt */
  int64_t t0;                 /* the seeding transaction's time */
};

static const char version[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/* Users "Peserta NNN" <pNNN@contoh.id>: every 10th an assessor, every 7th disabled; user 3 is
 * "Ibu Lis_%" to show that search text is literal. Three attempts for users 5..9; audit entries
 * by users 0 and 10 of several actions. */
static int tx_seed(struct store_tx *tx, void *ctx) {
  struct fixture *f = ctx;
  int rc = STORE_OK;
  f->t0 = store_tx_now_ms(tx);
  for (int i = 0; STORE_OK == rc && i < NUSERS; i++) {
    char email[64], name[64];
    snprintf(email, sizeof email, "p%03d@contoh.id", i);
    snprintf(name, sizeof name, 3 == i ? "Ibu Lis_%%" : "Peserta %03d", i);
    rc = store_user_create(tx, &f->users[i], email, name,
                           0 == i % 10 ? ROLE_ASSESSOR : ROLE_CANDIDATE, "$h");
    if (STORE_OK == rc && 0 == i % 7) {
      rc = store_user_set_disabled(tx, f->users[i], true);
    }
  }
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv.exam.yaml", "format: 1\n", 10);
  }
  for (int i = 5; STORE_OK == rc && i < 10; i++) {
    for (int k = 0; STORE_OK == rc && k < 3; k++) {
      int64_t id = 0;
      rc = store_attempt_create(tx, &id, f->users[i], "DKV-UJI", version, "{}",
                                store_tx_now_ms(tx) + 60000);
      if (STORE_OK == rc && 7 == i && 0 == k) {
        f->first_attempt_of_7 = id;
      }
      if (STORE_OK == rc && k < 2) {
        rc = store_attempt_finish(tx, id, ATTEMPT_SUBMITTED, store_tx_now_ms(tx), VERDICT_BK, "{}");
      }
    }
  }
  static const char *const actions[] = {"user.create", "user.disable", "user_x.other",
                                        "appeal.assign", "user.second_factor.reset"};
  for (int i = 0; STORE_OK == rc && i < 60; i++) {
    char subject[32];
    snprintf(subject, sizeof subject, "user:%d", i % 4);
    rc = store_audit_append(tx, NULL, f->users[0 == i % 2 ? 0 : 10], actions[i % 5], subject, NULL,
                            "{}");
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "paging", NULL, tx_seed);
}

/* Pages through the accounts matching filter, page size `page`, and returns how many there
 * were, checking that ids only grow. */
static size_t walk_users(struct store *s, const struct store_user_filter *filter, int page) {
  struct store_rd *rd = NULL;
  size_t total = 0;
  int64_t after = 0, last = 0;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  for (bool more = true; more;) {
    struct store_user *list = NULL;
    size_t n = 0;
    assert_int_equal(STORE_OK, store_user_search(rd, &list, &n, filter, after, page, &more));
    /* a next page is announced only when there is one: never an empty page after a full one */
    assert_true(more ? (int)n == page : (int)n <= page);
    assert_true(n > 0 || (0 == after && !more));
    for (size_t i = 0; i < n; i++) {
      assert_true(list[i].id > last);
      last = list[i].id;
    }
    total += n;
    after = n > 0 ? list[n - 1].id : 0;
    store_user_list_free(list, n);
  }
  store_rd_end(rd);
  return total;
}

static void test_user_search(void **state) {
  struct fixture *f = *state;
  struct store *s = f->t.s;
  assert_int_equal(NUSERS, walk_users(s, NULL, 50));
  const struct store_user_filter all = {NULL, NULL, STORE_USER_ANY};
  assert_int_equal(NUSERS, walk_users(s, &all, 7));
  const struct store_user_filter text = {"PESERTA 01", NULL, STORE_USER_ANY};
  assert_int_equal(10, walk_users(s, &text, 3)); /* Peserta 010..019 */
  assert_int_equal(10, walk_users(s, &text, 5)); /* two full pages, and no empty third */
  assert_int_equal(10, walk_users(s, &text, 10));
  const struct store_user_filter mail = {"p11", NULL, STORE_USER_ANY};
  assert_int_equal(10, walk_users(s, &mail, 50)); /* p110..p119 */
  const struct store_user_filter literal = {"lis_%", NULL, STORE_USER_ANY};
  assert_int_equal(1, walk_users(s, &literal, 50));
  const struct store_user_filter wildcard = {"_", NULL, STORE_USER_ANY};
  assert_int_equal(1, walk_users(s, &wildcard, 50)); /* '_' matches itself only */
  const enum role assessor = ROLE_ASSESSOR;
  const struct store_user_filter role = {NULL, &assessor, STORE_USER_ANY};
  assert_int_equal(12, walk_users(s, &role, 5));
  const struct store_user_filter disabled = {NULL, NULL, 1};
  assert_int_equal(18, walk_users(s, &disabled, 50)); /* 0, 7, ..., 119 */
  const struct store_user_filter active = {NULL, NULL, 0};
  assert_int_equal(NUSERS - 18, walk_users(s, &active, 50));
  const struct store_user_filter both = {NULL, &assessor, 1};
  assert_int_equal(2, walk_users(s, &both, 50)); /* 0 and 70 */
  struct store_rd *rd = NULL;
  struct store_user *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  assert_int_equal(STORE_HARD, store_user_search(rd, &list, &n, NULL, 0, 0, NULL));
  assert_int_equal(STORE_HARD, store_user_search(rd, &list, &n, NULL, 0, 1001, NULL));
  /* a page may be as long as the store's ceiling; the row read ahead is not held to it */
  bool more = true;
  assert_int_equal(STORE_OK, store_user_search(rd, &list, &n, NULL, 0, 1000, &more));
  assert_int_equal(NUSERS, n);
  assert_false(more);
  store_user_list_free(list, n);
  assert_int_equal(STORE_HARD, store_user_search(rd, &list, &n, NULL, 0, 1001, &more));
  store_rd_end(rd);
}

static void test_attempt_search(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  struct store_attempt *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  const struct store_attempt_filter mine = {NULL, NULL, NULL, "P007@"};
  bool more = false;
  assert_int_equal(STORE_OK, store_attempt_search(rd, &list, &n, &mine, 0, 2, &more));
  assert_int_equal(2, n);
  assert_true(more);
  assert_true(list[0].id > list[1].id);
  int64_t before = list[1].id;
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(f->users[7], list[i].user_id);
  }
  store_attempt_list_free(list, n);
  assert_int_equal(STORE_OK, store_attempt_search(rd, &list, &n, &mine, before, 2, &more));
  assert_int_equal(1, n);
  assert_false(more);
  assert_int_equal(f->first_attempt_of_7, list[0].id);
  store_attempt_list_free(list, n);
  const enum attempt_status open = ATTEMPT_OPEN;
  const struct store_attempt_filter open_ones = {"DKV-UJI", &open, NULL, "peserta"};
  assert_int_equal(STORE_OK, store_attempt_search(rd, &list, &n, &open_ones, 0, 50, NULL));
  assert_int_equal(5, n);
  store_attempt_list_free(list, n);
  const struct store_attempt_filter nobody = {NULL, NULL, NULL, "tak ada"};
  assert_int_equal(STORE_OK, store_attempt_search(rd, &list, &n, &nobody, 0, 50, NULL));
  assert_int_equal(0, n);
  store_attempt_list_free(list, n);
  assert_int_equal(STORE_OK, store_attempt_search(rd, &list, &n, NULL, 0, 50, NULL));
  assert_int_equal(15, n);
  store_attempt_list_free(list, n);
  /* exactly one full page: no next one */
  assert_int_equal(STORE_OK, store_attempt_search(rd, &list, &n, NULL, 0, 15, &more));
  assert_int_equal(15, n);
  assert_false(more);
  store_attempt_list_free(list, n);
  store_rd_end(rd);
}

/* Entries matching filter in pages of `page`: how many, checking seq only falls. */
static size_t walk_audit(struct store *s, const struct store_audit_filter *filter, int page) {
  struct store_rd *rd = NULL;
  size_t total = 0;
  int64_t before = 0, last = INT64_MAX;
  assert_int_equal(STORE_OK, store_rd_begin(s, &rd));
  for (bool more = true; more;) {
    struct store_audit_entry *list = NULL;
    size_t n = 0;
    assert_int_equal(STORE_OK, store_audit_search(rd, &list, &n, filter, before, page, &more));
    /* a next page is announced only when there is one */
    assert_true(more ? (int)n == page : (int)n <= page);
    assert_true(n > 0 || (0 == before && !more));
    for (size_t i = 0; i < n; i++) {
      assert_true(list[i].seq < last);
      last = list[i].seq;
      if (NULL != filter && NULL != filter->subject) {
        assert_string_equal(filter->subject, list[i].subject);
      }
    }
    total += n;
    before = n > 0 ? list[n - 1].seq : 0;
    store_audit_list_free(list, n);
  }
  store_rd_end(rd);
  return total;
}

static void test_audit_search(void **state) {
  struct fixture *f = *state;
  struct store *s = f->t.s;
  assert_int_equal(60, walk_audit(s, NULL, 50));
  const struct store_audit_filter exact = {.action = "user.disable"};
  assert_int_equal(12, walk_audit(s, &exact, 5));
  assert_int_equal(12, walk_audit(s, &exact, 6)); /* two full pages, and no empty third */
  const struct store_audit_filter family = {.action = "user."};
  assert_int_equal(36, walk_audit(s, &family, 50)); /* not "user_x.other" */
  const struct store_audit_filter no_family = {.action = "user"};
  assert_int_equal(0, walk_audit(s, &no_family, 50));
  const struct store_audit_filter actor = {.actor_text = "PESERTA 010"};
  assert_int_equal(30, walk_audit(s, &actor, 50));
  const struct store_audit_filter actor_mail = {.actor_text = "p000@"};
  assert_int_equal(30, walk_audit(s, &actor_mail, 50));
  const struct store_audit_filter subject = {.subject = "user:1"};
  assert_int_equal(15, walk_audit(s, &subject, 4));
  const struct store_audit_filter today = {.from_ms = f->t0 - 1000, .to_ms = f->t0 + 86400000};
  assert_int_equal(60, walk_audit(s, &today, 50));
  const struct store_audit_filter later = {.from_ms = f->t0 + 86400000};
  assert_int_equal(0, walk_audit(s, &later, 50));
  const struct store_audit_filter earlier = {.to_ms = f->t0 - 1000};
  assert_int_equal(0, walk_audit(s, &earlier, 50));
  const struct store_audit_filter mixed = {
      .action = "user.", .subject = "user:0", .actor_text = "peserta 000"};
  assert_int_equal(walk_audit(s, &mixed, 50), walk_audit(s, &mixed, 1));
}

struct plan_args {
  struct store_planned_time p;
  int64_t user;
  const char *exam;
  int del;
};

static int tx_plan(struct store_tx *tx, void *ctx) {
  struct plan_args *a = ctx;
  return a->del ? store_planned_time_delete(tx, a->user, a->exam)
                : store_planned_time_put(tx, &a->p);
}

static void test_planned_time(void **state) {
  struct fixture *f = *state;
  struct plan_args a;
  memset(&a, 0, sizeof a);
  a.p.user_id = f->users[5];
  snprintf(a.p.exam_id, sizeof a.p.exam_id, "DKV-UJI");
  a.p.minutes = 15;
  snprintf(a.p.reason, sizeof a.p.reason, "Penyesuaian wajar.");
  a.p.created_by = f->users[10];
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_plan, &a));
  a.p.minutes = 25; /* replaces */
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_plan, &a));
  a.p.minutes = 601; /* outside the table's check */
  assert_int_not_equal(STORE_OK, store_txn(f->t.s, tx_plan, &a));
  struct store_rd *rd = NULL;
  struct store_planned_time got, *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_planned_time_get(rd, &got, f->users[5], "DKV-UJI"));
  assert_int_equal(25, got.minutes);
  assert_string_equal("Penyesuaian wajar.", got.reason);
  assert_int_equal(STORE_NONE, store_planned_time_get(rd, &got, f->users[6], "DKV-UJI"));
  assert_int_equal(STORE_OK, store_planned_time_list(rd, &list, &n, f->users[5], 10));
  assert_int_equal(1, n);
  store_planned_time_list_free(list, n);
  assert_int_equal(STORE_OK, store_planned_time_list(rd, &list, &n, f->users[6], 10));
  assert_int_equal(0, n);
  store_planned_time_list_free(list, n);
  store_rd_end(rd);
  a.del = 1;
  a.user = f->users[5];
  a.exam = "DKV-UJI";
  assert_int_equal(STORE_OK, store_txn(f->t.s, tx_plan, &a));
  assert_int_equal(STORE_NONE, store_txn(f->t.s, tx_plan, &a));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_user_search),
      cmocka_unit_test(test_attempt_search),
      cmocka_unit_test(test_audit_search),
      cmocka_unit_test(test_planned_time),
  };
  return cmocka_run_group_tests(tests, setup, temp_store_teardown);
}
