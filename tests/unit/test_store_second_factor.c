/*
 * The staff second factor in the store: a pending enrolment can be restarted but a confirmed
 * one is never replaced; the replay guard only moves forward; a recovery code is used once;
 * log-in tickets count failures and go with a reset; everything goes with the account.
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

static const char code_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char code_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char ticket[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

struct fixture {
  struct temp_store t;
  int64_t user;
};

static int make_txn(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  return store_user_create(tx, &f->user, "asesor@contoh.id", "Asesor Dua Faktor", ROLE_ASSESSOR,
                           "$scrypt$rahasia");
}

static int setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct fixture), "secondfactor", NULL, make_txn);
}

/* One store call per transaction, chosen by `op`. */
enum op { BEGIN, CONFIRM, ADVANCE, RESET, ADD_CODE, USE_CODE, TICKET, TICKET_FAIL, TICKET_GONE };
struct call {
  enum op op;
  int64_t user;
  const char *text;
  int64_t num;
};

static int call_txn(struct store_tx *tx, void *arg) {
  const struct call *c = arg;
  switch (c->op) {
  case BEGIN:
    return store_second_factor_begin(tx, c->user, c->text);
  case CONFIRM:
    return store_second_factor_confirm(tx, c->user, c->num);
  case ADVANCE:
    return store_second_factor_advance(tx, c->user, c->num);
  case RESET:
    return store_second_factor_delete(tx, c->user);
  case ADD_CODE:
    return store_recovery_code_add(tx, c->user, c->text);
  case USE_CODE:
    return store_recovery_code_use(tx, c->user, c->text);
  case TICKET:
    return store_login_ticket_create(tx, c->text, c->user, c->num);
  case TICKET_FAIL:
    return store_login_ticket_failed(tx, c->text);
  case TICKET_GONE:
    return store_login_ticket_delete(tx, c->text);
  }
  return STORE_HARD;
}

static int call(struct fixture *f, enum op op, const char *text, int64_t num) {
  struct call c = {.op = op, .user = f->user, .text = text, .num = num};
  return store_txn(f->t.s, call_txn, &c);
}

/* One expected answer of a store call. */
struct step {
  enum op op;
  const char *text;
  int64_t num;
  int expect;
  const char *why;
};

static void run_steps(struct fixture *f, const struct step *steps, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int rc = call(f, steps[i].op, steps[i].text, steps[i].num);
    if (steps[i].expect != rc) {
      fail_msg("step %zu (%s): store answered %d, expected %d", i, steps[i].why, rc,
               steps[i].expect);
    }
  }
}
#define RUN(f, steps) run_steps((f), (steps), sizeof(steps) / sizeof((steps)[0]))

static int factor(struct fixture *f, struct store_second_factor *out, int64_t *left) {
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  int rc = store_second_factor_get(rd, out, f->user);
  assert_int_equal(STORE_OK, store_recovery_code_count(rd, f->user, left));
  store_rd_end(rd);
  return rc;
}

static void test_enrolment_and_replay_guard(void **state) {
  struct fixture *f = *state;
  struct store_second_factor sf;
  int64_t left = -1;
  static const struct step begin[] = {
      {CONFIRM, NULL, 5, STORE_NONE, "nothing begun"},
      {BEGIN, "v1.first", 0, STORE_OK, "begin"},
      {BEGIN, "v1.second", 0, STORE_OK, "a pending enrolment restarts"},
  };
  static const struct step confirm[] = {
      {ADVANCE, NULL, 10, STORE_NONE, "not confirmed yet"},
      {CONFIRM, NULL, 100, STORE_OK, "confirm"},
      {CONFIRM, NULL, 101, STORE_NONE, "confirmed once"},
      {BEGIN, "v1.thief", 0, STORE_NONE, "a confirmed factor is never replaced"},
  };
  static const struct step guard[] = {
      {ADVANCE, NULL, 100, STORE_NONE, "the same step again"},
      {ADVANCE, NULL, 99, STORE_NONE, "an older step"},
      {ADVANCE, NULL, 101, STORE_OK, "a newer step"},
      {ADVANCE, NULL, 101, STORE_NONE, "that step again"},
  };
  assert_int_equal(STORE_NONE, factor(f, &sf, &left));
  RUN(f, begin);
  assert_int_equal(STORE_OK, factor(f, &sf, &left));
  assert_string_equal("v1.second", sf.secret_sealed);
  assert_false(sf.confirmed);
  RUN(f, confirm);
  assert_int_equal(STORE_OK, factor(f, &sf, &left));
  assert_true(sf.confirmed);
  assert_string_equal("v1.second", sf.secret_sealed);
  assert_int_equal(100, sf.last_step);
  assert_true(sf.confirmed_ms > 0);
  RUN(f, guard);
  assert_int_equal(STORE_OK, factor(f, &sf, &left));
  assert_int_equal(101, sf.last_step);
}

static void test_recovery_codes_and_tickets(void **state) {
  struct fixture *f = *state;
  struct store_second_factor sf;
  struct store_login_ticket t;
  struct store_rd *rd = NULL;
  int64_t left = -1;
  const int64_t later = 9000000000000;
  static const struct step restart[] = {
      {BEGIN, "v1.secret", 0, STORE_OK, "begin"},
      {ADD_CODE, code_a, 0, STORE_OK, "a code"},
      {ADD_CODE, code_a, 0, STORE_EXISTS, "the same code twice"},
      {BEGIN, "v1.secret2", 0, STORE_OK, "restart: the codes before it go"},
  };
  static const struct step codes[] = {
      {CONFIRM, NULL, 7, STORE_OK, "confirm"},
      {ADD_CODE, code_a, 0, STORE_OK, "code a"},
      {ADD_CODE, code_b, 0, STORE_OK, "code b"},
      {USE_CODE, code_a, 0, STORE_OK, "use code a"},
      {USE_CODE, code_a, 0, STORE_NONE, "code a works once"},
  };
  const struct step tickets[] = {
      {TICKET, ticket, later, STORE_OK, "a ticket"},
      {TICKET, ticket, later, STORE_EXISTS, "the same ticket twice"},
      {TICKET_FAIL, ticket, 0, STORE_OK, "first wrong code"},
      {TICKET_FAIL, ticket, 0, STORE_OK, "second wrong code"},
      {TICKET_FAIL, code_a, 0, STORE_NONE, "an unknown ticket"},
  };
  const struct step reset[] = {
      {RESET, NULL, 0, STORE_OK, "reset"},
      {RESET, NULL, 0, STORE_NONE, "nothing left to reset"},
      {TICKET_GONE, ticket, 0, STORE_NONE, "the reset took the ticket"},
      {TICKET, code_a, 1, STORE_OK, "an expired ticket"},
      {TICKET, code_b, later, STORE_OK, "the next ticket purges it"},
      {TICKET_GONE, code_a, 0, STORE_NONE, "purged"},
      {TICKET_GONE, code_b, 0, STORE_OK, "the live one stays"},
  };
  RUN(f, restart);
  assert_int_equal(STORE_OK, factor(f, &sf, &left));
  assert_int_equal(0, left);
  RUN(f, codes);
  assert_int_equal(STORE_OK, factor(f, &sf, &left));
  assert_int_equal(1, left);
  RUN(f, tickets);
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_login_ticket_get(rd, &t, ticket));
  store_rd_end(rd);
  assert_int_equal(f->user, t.user_id);
  assert_int_equal(2, t.failures);
  assert_int_equal(later, t.expires_ms);
  RUN(f, reset);
  assert_int_equal(STORE_NONE, factor(f, &sf, &left));
  assert_int_equal(0, left);
  /* no factor for an account that does not exist */
  f->user = 999;
  assert_int_equal(STORE_HARD, call(f, BEGIN, "v1.x", 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_enrolment_and_replay_guard, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_recovery_codes_and_tickets, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
