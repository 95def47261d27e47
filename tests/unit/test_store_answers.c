/*
 * The store's save path for answers: a checked save writes only into an open attempt whose
 * deadline (plus the caller's grace) has not passed, reports the deadline it read in the same
 * transaction, and changes nothing when it refuses; the brief and state reads agree with the
 * full read without carrying the form; open attempts are paged with their forms.
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

static const char version[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct fixture {
  struct temp_store t;
  int64_t user, attempt;
};

static int make_txn(struct store_tx *tx, void *arg) {
  struct fixture *m = arg;
  int rc = store_user_create(tx, &m->user, "asesi-simpan@contoh.id", "Asesi", ROLE_CANDIDATE,
                             "$scrypt$test");
  if (STORE_OK == rc) {
    rc = store_exam_source_put(tx, version, "DKV-UJI", "dkv-uji.exam.yaml", "format: 1\n", 10);
  }
  if (STORE_OK == rc) {
    rc = store_attempt_create(tx, &m->attempt, m->user, "DKV-UJI", version, "{\"format\":1}",
                              store_tx_now_ms(tx) + 60000);
  }
  return rc;
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "answers", NULL, make_txn);
}

struct save {
  int64_t id;
  const char *item, *value;
  int64_t not_after_ms;
  int64_t deadline_ms;
};

static int save_txn(struct store_tx *tx, void *arg) {
  struct save *s = arg;
  return store_answer_put_checked(tx, s->id, s->item, s->value, store_tx_now_ms(tx),
                                  s->not_after_ms, &s->deadline_ms);
}

struct finish {
  int64_t id;
};

static int finish_txn(struct store_tx *tx, void *arg) {
  struct finish *fi = arg;
  return store_attempt_finish(tx, fi->id, ATTEMPT_SUBMITTED, store_tx_now_ms(tx), VERDICT_BK, "{}");
}

/* Every stored answer of the attempt as "item=value;..." */
static void answers(struct fixture *f, char *out, size_t len) {
  struct store_rd *rd = NULL;
  struct store_answer *list = NULL;
  size_t n = 0;
  out[0] = '\0';
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_answers_get(rd, &list, &n, f->attempt));
  store_rd_end(rd);
  for (size_t i = 0; i < n; i++) {
    size_t used = strlen(out);
    snprintf(out + used, len - used, "%s=%s;", list[i].item_id, list[i].value);
  }
  store_answers_free(list, n);
}

static void test_checked_save(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  struct store_attempt full, brief;
  char got[256];
  bool open = false;
  int64_t deadline = 0;

  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_attempt_get(rd, &full, f->attempt));
  assert_int_equal(STORE_OK, store_attempt_get_brief(rd, &brief, f->attempt));
  assert_int_equal(STORE_OK, store_attempt_state(rd, f->attempt, &open, &deadline));
  assert_int_equal(STORE_NONE, store_attempt_get_brief(rd, &brief, f->attempt + 100));
  assert_int_equal(STORE_OK, store_attempt_get_brief(rd, &brief, f->attempt));
  store_rd_end(rd);
  assert_non_null(full.form);
  assert_null(brief.form);
  assert_null(brief.result);
  assert_int_equal(full.id, brief.id);
  assert_int_equal(full.user_id, brief.user_id);
  assert_int_equal(full.status, brief.status);
  assert_int_equal(full.deadline_ms, brief.deadline_ms);
  assert_true(open);
  assert_int_equal(full.deadline_ms, deadline);

  /* In time: saved, and again (replaced). */
  struct save s = {f->attempt, "A1", "\"a\"", full.deadline_ms - 1, 0};
  assert_int_equal(STORE_OK, store_txn(f->t.s, save_txn, &s));
  assert_int_equal(full.deadline_ms, s.deadline_ms);
  s.value = "\"b\"";
  s.not_after_ms = full.deadline_ms; /* exactly at the deadline still counts */
  assert_int_equal(STORE_OK, store_txn(f->t.s, save_txn, &s));
  answers(f, got, sizeof got);
  assert_string_equal("A1=\"b\";", got);

  /* Past the deadline: refused, nothing written, the deadline reported. */
  s.value = "\"late\"";
  s.not_after_ms = full.deadline_ms + 1;
  s.deadline_ms = 0;
  assert_int_equal(STORE_CONFLICT, store_txn(f->t.s, save_txn, &s));
  assert_int_equal(full.deadline_ms, s.deadline_ms);
  answers(f, got, sizeof got);
  assert_string_equal("A1=\"b\";", got);

  /* No such attempt. */
  struct save none = {f->attempt + 100, "A1", "1", 0, 0};
  assert_int_equal(STORE_NONE, store_txn(f->t.s, save_txn, &none));
  assert_int_equal(0, none.deadline_ms);

  /* Finished: refused, nothing written. */
  struct finish fi = {f->attempt};
  assert_int_equal(STORE_OK, store_txn(f->t.s, finish_txn, &fi));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_attempt_state(rd, f->attempt, &open, &deadline));
  store_rd_end(rd);
  assert_false(open);
  s.item = "A2";
  s.not_after_ms = 0;
  assert_int_equal(STORE_CONFLICT, store_txn(f->t.s, save_txn, &s));
  answers(f, got, sizeof got);
  assert_string_equal("A1=\"b\";", got);
  store_attempt_clear(&full);
}

struct more {
  int64_t user;
  int64_t ids[5];
};

/* Five more attempts of the fixture's exam version, each by a user of its own. */
static int more_txn(struct store_tx *tx, void *arg) {
  struct more *m = arg;
  int rc = STORE_OK;
  for (int i = 0; i < 5 && STORE_OK == rc; i++) {
    char email[64];
    snprintf(email, sizeof email, "asesi-buka%d@contoh.id", i);
    rc = store_user_create(tx, &m->user, email, "Asesi", ROLE_CANDIDATE, "$scrypt$test");
    if (STORE_OK == rc) {
      rc = store_attempt_create(tx, &m->ids[i], m->user, "DKV-UJI", version, "{\"format\":2}",
                                store_tx_now_ms(tx) + 60000);
    }
  }
  return rc;
}

/* Open attempts page by page, by id, each with its stored form; finished ones left out. */
static void test_open_pages(void **state) {
  struct fixture *f = *state;
  struct more m = {0};
  struct store_rd *rd = NULL;
  struct store_attempt *list = NULL;
  size_t n = 0;
  assert_int_equal(STORE_OK, store_txn(f->t.s, more_txn, &m));
  struct finish fi = {m.ids[1]};
  assert_int_equal(STORE_OK, store_txn(f->t.s, finish_txn, &fi));

  /* open: the fixture's attempt, then ids 0, 2, 3, 4 of the five */
  int64_t want[] = {f->attempt, m.ids[0], m.ids[2], m.ids[3], m.ids[4]};
  size_t got = 0;
  int64_t after = 0;
  for (int page = 0; page < 4; page++) {
    assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
    assert_int_equal(STORE_OK, store_attempts_open_page(rd, &list, &n, after, 2));
    store_rd_end(rd);
    assert_true(n <= 2);
    for (size_t i = 0; i < n; i++) {
      assert_true(got < 5);
      assert_int_equal(want[got], list[i].id);
      assert_int_equal(ATTEMPT_OPEN, list[i].status);
      assert_non_null(list[i].form);
      assert_string_equal(list[i].id == f->attempt ? "{\"format\":1}" : "{\"format\":2}",
                          list[i].form);
      after = list[i].id;
      got++;
    }
    store_attempt_list_free(list, n);
  }
  assert_int_equal(5, got);
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_attempts_open_page(rd, &list, &n, after, 2));
  assert_int_equal(0, n);
  store_attempt_list_free(list, n);
  assert_int_not_equal(STORE_OK, store_attempts_open_page(rd, &list, &n, 0, 0)); /* no limit */
  store_rd_end(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_checked_save, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_open_pages, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
