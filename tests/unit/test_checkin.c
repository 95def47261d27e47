/*
 * Check-in codes on a real store (common/checkin.h): who may make codes (an admin, an assessor
 * assigned to the schedule; not another assessor), a batch gets one code per candidate
 * without an unused one, a new code for one candidate stops the old one; redeeming refuses a
 * code before and after its window (with the window), an unknown, malformed or used code
 * (one answer), a disabled account; a redeemed code records attendance, is audited and
 * starts a session scoped to the schedule that ends at the window's close; the scope reaches
 * only the attempt started under the schedule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/checkin.h"
#include "common/schedule.h"
#include "store/store.h"
#include "test_store_fixture.h"

#define HOUR_MS (3600LL * 1000)
#define T0      1893456000000LL /* 2030-01-01T00:00:00Z: sessions made here outlive the test */

static const char hash_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char hash_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char hash_c[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

struct fixture {
  struct temp_store t;
  struct svc svc;
  int64_t cand1, cand2, outsider, admin, assessor, other_assessor, sched;
};

static int seed(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int rc = store_user_create(tx, &f->cand1, "budi@contoh.id", "Budi", ROLE_CANDIDATE, "$x");
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->cand2, "ani@contoh.id", "Ani", ROLE_CANDIDATE, "$x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->outsider, "luar@contoh.id", "Luar", ROLE_CANDIDATE, "$x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin, "admin@contoh.id", "Admin", ROLE_ADMIN, "$x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->assessor, "asesor@contoh.id", "Asesor", ROLE_ASSESSOR, "$x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->other_assessor, "lain@contoh.id", "Lain", ROLE_ASSESSOR, "$x");
  }
  if (STORE_OK == rc) {
    rc = temp_store_schedule(tx, &f->sched, "KLN-1", T0 + HOUR_MS, T0 + 3 * HOUR_MS, "KODE7");
  }
  if (STORE_OK == rc) {
    rc = store_schedule_assessor_add(tx, f->sched, f->assessor);
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_add(tx, f->sched, f->cand1, f->admin);
  }
  if (STORE_OK == rc) {
    rc = store_enrolment_add(tx, f->sched, f->cand2, f->admin);
  }
  return rc;
}

static int setup(void **state) {
  int rc = temp_store_setup_with(state, sizeof(struct fixture), "checkin", NULL, seed);
  if (0 == rc) {
    struct fixture *f = *state;
    f->svc.store = f->t.s;
  }
  return rc;
}

static enum checkin_rc make(struct fixture *f, int64_t actor, enum role role, int64_t user,
                            struct checkin_issued **out, size_t *n) {
  int store_rc = STORE_OK;
  enum checkin_rc rc = checkin_codes_make(out, n, &f->svc, actor, role, f->sched, user, &store_rc);
  assert_int_equal(STORE_OK, store_rc);
  return rc;
}

static enum checkin_rc redeem(struct fixture *f, const char *code, const char *session, int64_t now,
                              struct checkin_result *out) {
  int store_rc = STORE_OK;
  const struct checkin_from from = {"192.0.2.7", "chrome/android"};
  enum checkin_rc rc =
      checkin_redeem(out, &f->svc, code, session, NULL, &from, now, 30 * 60 * 1000, &store_rc);
  assert_int_equal(STORE_OK, store_rc);
  return rc;
}

/* The code of user in list (NULL when none). */
static const char *code_of(const struct checkin_issued *list, size_t n, int64_t user) {
  for (size_t i = 0; i < n; i++) {
    if (list[i].user_id == user) {
      return list[i].code;
    }
  }
  return NULL;
}

static int64_t audit_count(struct fixture *f, const char *action) {
  struct store_rd *rd = NULL;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  int64_t count = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_audit_list(rd, &list, &n, NULL, 0, 1000));
  store_rd_end(rd);
  for (size_t i = 0; i < n; i++) {
    count += 0 == strcmp(list[i].action, action);
  }
  store_audit_list_free(list, n);
  return count;
}

static void test_who_makes_codes(void **state) {
  struct fixture *f = *state;
  struct checkin_issued *list = NULL;
  size_t n = 0;
  assert_int_equal(CHECKIN_NOT_FOUND, make(f, f->other_assessor, ROLE_ASSESSOR, 0, &list, &n));
  assert_int_equal(0, n);
  assert_int_equal(CHECKIN_NOT_FOUND, make(f, f->cand1, ROLE_CANDIDATE, 0, &list, &n));
  assert_int_equal(CHECKIN_OK, make(f, f->assessor, ROLE_ASSESSOR, 0, &list, &n));
  assert_int_equal(2, n);
  assert_string_equal("Ani", list[0].name); /* by name */
  assert_int_equal(CHECKIN_CODE_TEXT_SIZE - 1, strlen(list[0].code));
  assert_non_null(code_of(list, n, f->cand1));
  checkin_issued_free(list, n);
  /* Everyone has an unused code: a second batch makes none. */
  assert_int_equal(CHECKIN_OK, make(f, f->admin, ROLE_ADMIN, 0, &list, &n));
  assert_int_equal(0, n);
  assert_null(list);
  /* One candidate's new code; a candidate outside the batch has none. */
  assert_int_equal(CHECKIN_OK, make(f, f->admin, ROLE_ADMIN, f->cand1, &list, &n));
  assert_int_equal(1, n);
  checkin_issued_free(list, n);
  assert_int_equal(CHECKIN_NOT_ENROLLED, make(f, f->admin, ROLE_ADMIN, f->outsider, &list, &n));
  assert_int_equal(3, audit_count(f, "schedule.checkin_codes"));
}

static int disable(struct store_tx *tx, void *arg) {
  const int64_t *id = arg;
  return store_user_set_disabled(tx, *id, true);
}

static void test_redeem_rules(void **state) {
  struct fixture *f = *state;
  struct checkin_issued *list = NULL, *again = NULL;
  size_t n = 0, n2 = 0;
  struct checkin_result res;
  assert_int_equal(CHECKIN_OK, make(f, f->admin, ROLE_ADMIN, 0, &list, &n));
  char code1[CHECKIN_CODE_TEXT_SIZE], code2[CHECKIN_CODE_TEXT_SIZE];
  snprintf(code1, sizeof code1, "%s", code_of(list, n, f->cand1));
  snprintf(code2, sizeof code2, "%s", code_of(list, n, f->cand2));
  checkin_issued_free(list, n);

  /* Outside the window: refused with the window's times, nothing used. */
  assert_int_equal(CHECKIN_NOT_YET, redeem(f, code1, hash_a, T0, &res));
  assert_int_equal(T0 + HOUR_MS, res.opens_ms);
  assert_int_equal(T0 + 3 * HOUR_MS, res.closes_ms);
  assert_int_equal(CHECKIN_CLOSED, redeem(f, code1, hash_a, T0 + 3 * HOUR_MS, &res));
  /* Unknown and malformed codes: the generic refusal. */
  assert_int_equal(CHECKIN_REFUSED, redeem(f, "0000-0000-0000", hash_a, T0 + 2 * HOUR_MS, &res));
  assert_int_equal(CHECKIN_REFUSED, redeem(f, "not a code", hash_a, T0 + 2 * HOUR_MS, &res));
  assert_int_equal(0, audit_count(f, "auth.checkin"));

  /* Inside: typed in lower case with spaces. */
  char typed[32];
  snprintf(typed, sizeof typed, "%s", code1);
  for (char *p = typed; '\0' != *p; p++) {
    *p = '-' == *p ? ' ' : (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
  }
  assert_int_equal(CHECKIN_OK, redeem(f, typed, hash_a, T0 + 2 * HOUR_MS, &res));
  assert_int_equal(f->cand1, res.user_id);
  assert_int_equal(f->sched, res.schedule_id);
  assert_string_equal("KLN-1", res.exam_id);
  assert_int_equal(T0 + 3 * HOUR_MS, res.session_expires_ms); /* no catalogue: no duration */
  assert_int_equal(1, audit_count(f, "auth.checkin"));

  struct store_rd *rd = NULL;
  struct store_session s;
  struct store_user u;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_session_user_get(rd, &s, &u, hash_a));
  struct store_session with_device;
  assert_int_equal(STORE_OK, store_session_get(rd, &with_device, hash_a));
  store_rd_end(rd);
  assert_string_equal("chrome/android", with_device.device); /* the device it came from */
  assert_int_equal(f->sched, s.scope_schedule_id);
  assert_string_equal("KLN-1", s.scope_exam_id);
  assert_int_equal(T0 + 3 * HOUR_MS, s.absolute_expires_ms);
  assert_int_equal(T0 + 2 * HOUR_MS + 30 * 60 * 1000, s.expires_ms);

  /* Attendance recorded by the check-in. */
  struct store_enrolment *batch = NULL;
  size_t nb = 0;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK, store_enrolment_list(rd, &batch, &nb, f->sched));
  store_rd_end(rd);
  for (size_t i = 0; i < nb; i++) {
    assert_true(batch[i].user_id == f->cand1 ? batch[i].attended_ms > 0
                                             : 0 == batch[i].attended_ms);
  }
  store_enrolment_list_free(batch, nb);

  /* Used: the same refusal as unknown. */
  assert_int_equal(CHECKIN_REFUSED, redeem(f, code1, hash_b, T0 + 2 * HOUR_MS, &res));
  /* A used code is not an unused one: the next batch makes cand1 a code again (after a
   * log-out, say), and only cand1. */
  assert_int_equal(CHECKIN_OK, make(f, f->admin, ROLE_ADMIN, 0, &again, &n2));
  assert_int_equal(1, n2);
  assert_int_equal(f->cand1, again[0].user_id);
  checkin_issued_free(again, n2);

  /* cand1's own new code (a lost paper, say) ends the session the old one started. */
  assert_int_equal(CHECKIN_OK, make(f, f->admin, ROLE_ADMIN, f->cand1, &again, &n2));
  checkin_issued_free(again, n2);
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_NONE, store_session_get(rd, &s, hash_a));
  store_rd_end(rd);

  /* A regenerated code stops the old one. */
  assert_int_equal(CHECKIN_OK, make(f, f->admin, ROLE_ADMIN, f->cand2, &again, &n2));
  assert_int_equal(CHECKIN_REFUSED, redeem(f, code2, hash_b, T0 + 2 * HOUR_MS, &res));
  snprintf(code2, sizeof code2, "%s", again[0].code);
  checkin_issued_free(again, n2);

  /* A disabled account is told so (the code was right). */
  assert_int_equal(STORE_OK, store_txn(f->t.s, disable, &f->cand2));
  assert_int_equal(CHECKIN_DISABLED, redeem(f, code2, hash_c, T0 + 2 * HOUR_MS, &res));
}

static int record(struct store_tx *tx, void *arg) {
  const int64_t *ids = arg;
  return schedule_record_start(tx, ids[0], ids[1], ids[2]);
}

static void test_scope(void **state) {
  struct fixture *f = *state;
  struct store_rd *rd = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_NONE,
                   checkin_scope_reaches(rd, f->sched, f->cand1, CHECKIN_TARGET_ATTEMPT, "42"));
  store_rd_end(rd);
  int64_t ids[3] = {f->sched, f->cand1, 42};
  assert_int_equal(STORE_OK, store_txn(f->t.s, record, ids));
  assert_int_equal(STORE_OK, store_rd_begin(f->t.s, &rd));
  assert_int_equal(STORE_OK,
                   checkin_scope_reaches(rd, f->sched, f->cand1, CHECKIN_TARGET_ATTEMPT, "42"));
  static const char *const others[] = {"41", "042x", "", "-42", "99999999999999999999"};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
    assert_int_equal(STORE_NONE, checkin_scope_reaches(rd, f->sched, f->cand1,
                                                       CHECKIN_TARGET_ATTEMPT, others[i]));
  }
  assert_int_equal(STORE_NONE,
                   checkin_scope_reaches(rd, f->sched, f->cand2, CHECKIN_TARGET_ATTEMPT, "42"));
  assert_int_equal(STORE_NONE,
                   checkin_scope_reaches(rd, 0, f->cand1, CHECKIN_TARGET_ATTEMPT, "42"));
  assert_int_equal(STORE_NONE, checkin_scope_reaches(rd, f->sched, f->cand1, CHECKIN_TARGET_UPLOAD,
                                                     "00112233445566778899aabbccddeeff"));
  store_rd_end(rd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_who_makes_codes, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_redeem_rules, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_scope, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
