/*
 * The reviews and accounts application layer against a real store: who may decide (the
 * claim-first rule, assigned appeals, administrators), claiming, the candidate's feedback,
 * filing and assigning appeals, and creating and disabling staff accounts. Each refusal is
 * the layer's own outcome, never a store code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/accounts.h"
#include "common/attempts.h"
#include "common/catalog.h"
#include "common/config.h"
#include "common/reviews.h"
#include "store/store.h"
#include "test_store_fixture.h"
#include "ujikom/exam_form.h"

struct fixture {
  struct temp_store t;
  struct config cfg;
  struct svc svc;
  int64_t candidate, assessor, assessor2, admin;
};

/* The accounts every test starts with, created in one transaction. */
static int seed_users(struct store_tx *tx, void *arg) {
  struct fixture *f = arg;
  int rc =
      store_user_create(tx, &f->candidate, "calon@contoh.test", "Nama Orang", ROLE_CANDIDATE, "x");
  if (STORE_OK == rc) {
    rc =
        store_user_create(tx, &f->assessor, "asesor@contoh.test", "Nama Orang", ROLE_ASSESSOR, "x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->assessor2, "asesor2@contoh.test", "Nama Orang", ROLE_ASSESSOR,
                           "x");
  }
  if (STORE_OK == rc) {
    rc = store_user_create(tx, &f->admin, "admin@contoh.test", "Nama Orang", ROLE_ADMIN, "x");
  }
  return rc;
}

struct user_txn {
  const char *email;
  enum role role;
  int64_t id;
};

static int create_user(struct store_tx *tx, void *arg) {
  struct user_txn *u = arg;
  return store_user_create(tx, &u->id, u->email, "Nama Orang", u->role, "x");
}

static int64_t new_user(struct fixture *f, const char *email, enum role role) {
  struct user_txn u = {email, role, 0};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, create_user, &u));
  return u.id;
}

struct attempt_txn {
  int64_t user;
  enum verdict verdict;
  int64_t id;
};

#define VERSION "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int create_attempt(struct store_tx *tx, void *arg) {
  struct attempt_txn *a = arg;
  int rc = store_exam_source_put(tx, VERSION, "EXM", "ex.exam.yaml", "x", 1);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_attempt_create(tx, &a->id, a->user, "EXM", VERSION, "{}",
                            store_tx_now_ms(tx) + 3600000);
  if (STORE_OK != rc) {
    return rc;
  }
  return store_attempt_finish(tx, a->id, ATTEMPT_SUBMITTED, store_tx_now_ms(tx), a->verdict, "{}");
}

static int64_t new_attempt(struct fixture *f, int64_t user, enum verdict verdict) {
  struct attempt_txn a = {user, verdict, 0};
  int rc = store_txn(f->svc.store, create_attempt, &a);
  if (STORE_OK != rc) {
    fail_msg("create attempt: %s", store_rc_name(rc));
  }
  return a.id;
}

static int setup(void **state) {
  struct fixture *f = NULL;
  if (0 != temp_store_setup_with(state, sizeof *f, "reviews", NULL, seed_users)) {
    return -1;
  }
  f = *state;
  f->cfg.claim_ttl_s = 3600;
  f->cfg.appeal_days = 14;
  f->cfg.kdf_log2n = 10;
  f->svc.cfg = &f->cfg;
  f->svc.store = f->t.s;
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* the rules as predicates */

static void test_who_may_decide(void **state) {
  (void)state;
  struct store_attempt att = {.id = 1, .user_id = 10};
  struct store_appeal ap = {.id = 5, .attempt_id = 1, .assessor_id = 20};
  struct store_claim claim = {.attempt_id = 1, .assessor_id = 20, .expires_ms = 2000};
  enum reviews_kind kind = REVIEWS_APPEAL;

  att.verdict = VERDICT_PENDING;
  assert_int_equal(REVIEWS_OK, reviews_assessor_may_decide(&kind, &att, NULL, 20));
  assert_int_equal(REVIEWS_FIRST_REVIEW, kind);
  assert_true(reviews_claim_is_mine(&claim, 20, 1000));
  assert_false(reviews_claim_is_mine(&claim, 21, 1000)); /* someone else's claim */
  assert_false(reviews_claim_is_mine(&claim, 20, 2000)); /* lapsed */
  assert_false(reviews_claim_is_mine(NULL, 20, 1000));   /* no claim: claim first */

  att.verdict = VERDICT_K;
  assert_true(attempts_decided(&att));
  assert_int_equal(REVIEWS_NOT_AWAITING_REVIEW, reviews_assessor_may_decide(&kind, &att, NULL, 20));
  ap.status = APPEAL_ASSIGNED;
  assert_int_equal(REVIEWS_OK, reviews_assessor_may_decide(&kind, &att, &ap, 20));
  assert_int_equal(REVIEWS_APPEAL, kind);
  assert_int_equal(REVIEWS_APPEAL_ELSEWHERE, reviews_assessor_may_decide(&kind, &att, &ap, 21));
  ap.status = APPEAL_DECIDED;
  assert_int_equal(REVIEWS_NOT_AWAITING_REVIEW, reviews_assessor_may_decide(&kind, &att, &ap, 20));

  att.verdict = VERDICT_PENDING;
  assert_false(attempts_decided(&att));
}

static void test_sheet_editor(void **state) {
  (void)state;
  struct reviews_sheet s;
  memset(&s, 0, sizeof s);
  s.att.user_id = 10;
  s.att.verdict = VERDICT_PENDING;
  /* an assessor edits a first review only under their live claim */
  assert_int_equal(REVIEWS_EDIT_NONE, reviews_sheet_editor(&s, 20, true, false, 1000));
  s.has_claim = true;
  s.claim = (struct store_claim){.attempt_id = 1, .assessor_id = 20, .expires_ms = 5000};
  assert_int_equal(REVIEWS_EDIT_ASSESSOR, reviews_sheet_editor(&s, 20, true, false, 1000));
  assert_int_equal(REVIEWS_EDIT_NONE, reviews_sheet_editor(&s, 21, true, false, 1000));
  assert_int_equal(REVIEWS_EDIT_NONE, reviews_sheet_editor(&s, 20, true, false, 6000));
  /* an administrator changes decided attempts only */
  assert_int_equal(REVIEWS_EDIT_NONE, reviews_sheet_editor(&s, 30, false, true, 1000));
  s.att.verdict = VERDICT_BK;
  assert_int_equal(REVIEWS_EDIT_ADMIN, reviews_sheet_editor(&s, 30, false, true, 1000));
  /* a decided attempt is an assessor's only through an appeal assigned to them */
  assert_int_equal(REVIEWS_EDIT_NONE, reviews_sheet_editor(&s, 20, true, false, 1000));
  s.has_appeal = true;
  s.appeal.status = APPEAL_ASSIGNED;
  s.appeal.assessor_id = 21;
  assert_int_equal(REVIEWS_EDIT_ASSESSOR, reviews_sheet_editor(&s, 21, true, false, 1000));
  assert_int_equal(REVIEWS_EDIT_NONE, reviews_sheet_editor(&s, 20, true, false, 1000));
}

static void test_may_assign(void **state) {
  (void)state;
  struct store_user u = {.id = 7};
  struct store_appeal a = {.candidate_id = 3, .original_assessor_id = 8};
  u.role = ROLE_ASSESSOR;
  assert_int_equal(REVIEWS_OK, reviews_may_assign(&u, &a));
  u.disabled = true;
  assert_int_equal(REVIEWS_NOT_AN_ASSESSOR, reviews_may_assign(&u, &a));
  u.disabled = false;
  u.role = ROLE_ADMIN;
  assert_int_equal(REVIEWS_NOT_AN_ASSESSOR, reviews_may_assign(&u, &a));
  u.role = ROLE_ASSESSOR;
  u.id = 8;
  assert_int_equal(REVIEWS_SAME_ASSESSOR, reviews_may_assign(&u, &a));
}

/* ------------------------------------------------------------------------------------ */
/* operations against the store */

static void test_claim(void **state) {
  struct fixture *f = *state;
  struct store_claim c;
  struct reviews_err err;
  int64_t pending = new_attempt(f, f->candidate, VERDICT_PENDING);
  int64_t decided = new_attempt(f, f->candidate, VERDICT_K);
  assert_int_equal(REVIEWS_NOT_FOUND, reviews_claim(&c, &f->svc, 999999, f->assessor, &err));
  assert_int_equal(REVIEWS_OWN_ATTEMPT, reviews_claim(&c, &f->svc, pending, f->candidate, &err));
  assert_int_equal(REVIEWS_OK, reviews_claim(&c, &f->svc, pending, f->assessor, &err));
  assert_int_equal(f->assessor, c.assessor_id);
  assert_true(c.expires_ms > c.claimed_ms);
  assert_int_equal(REVIEWS_OK, reviews_claim(&c, &f->svc, pending, f->assessor, &err)); /* renew */
  assert_int_equal(REVIEWS_CLAIM_HELD, reviews_claim(&c, &f->svc, pending, f->assessor2, &err));
  assert_int_equal(REVIEWS_NOT_AWAITING_REVIEW,
                   reviews_claim(&c, &f->svc, decided, f->assessor, &err));
}

static void test_feedback_and_appeal(void **state) {
  struct fixture *f = *state;
  struct reviews_feedback fb;
  struct store_appeal a;
  struct reviews_err err;
  int64_t other = new_user(f, "lain@contoh.test", ROLE_CANDIDATE);
  int64_t pending = new_attempt(f, f->candidate, VERDICT_PENDING);
  int64_t decided = new_attempt(f, f->candidate, VERDICT_BK);
  int64_t period = 14LL * 86400 * 1000;

  assert_int_equal(REVIEWS_NOT_DECIDED,
                   reviews_feedback(&fb, &f->svc, pending, f->candidate, &err));
  assert_int_equal(REVIEWS_NOT_FOUND, reviews_feedback(&fb, &f->svc, decided, other, &err));
  assert_int_equal(REVIEWS_OK, reviews_feedback(&fb, &f->svc, decided, f->candidate, &err));
  assert_int_equal(VERDICT_BK, fb.verdict);
  assert_false(fb.has_decision); /* an automatic result */
  assert_false(fb.has_appeal);
  assert_int_equal(fb.decided_ms + period, fb.appeal_until_ms);
  int64_t decided_ms = fb.decided_ms;
  reviews_feedback_clear(&fb);

  assert_int_equal(REVIEWS_APPEAL_REASON_INVALID,
                   reviews_appeal_file(&a, &f->svc, decided, f->candidate, "", decided_ms, &err));
  assert_int_equal(REVIEWS_APPEAL_REASON_INVALID,
                   reviews_appeal_file(&a, &f->svc, decided, f->candidate, NULL, decided_ms, &err));
  assert_int_equal(REVIEWS_NOT_FOUND,
                   reviews_appeal_file(&a, &f->svc, decided, other, "why", decided_ms, &err));
  assert_int_equal(REVIEWS_NOT_DECIDED, reviews_appeal_file(&a, &f->svc, pending, f->candidate,
                                                            "why", decided_ms, &err));
  assert_int_equal(REVIEWS_APPEAL_PERIOD_OVER,
                   reviews_appeal_file(&a, &f->svc, decided, f->candidate, "why",
                                       decided_ms + period + 1, &err));
  assert_int_equal(REVIEWS_OK, reviews_appeal_file(&a, &f->svc, decided, f->candidate, "why",
                                                   decided_ms + period, &err));
  assert_int_equal(APPEAL_OPEN, a.status);
  assert_string_equal("why", a.reason);
  int64_t appeal_id = a.id;
  store_appeal_clear(&a);
  assert_int_equal(REVIEWS_ALREADY_APPEALED, reviews_appeal_file(&a, &f->svc, decided, f->candidate,
                                                                 "again", decided_ms, &err));

  assert_int_equal(REVIEWS_APPEAL_NOT_FOUND,
                   reviews_appeal_assign(&a, &f->svc, 999999, f->assessor, f->admin, &err));
  assert_int_equal(REVIEWS_NOT_AN_ASSESSOR,
                   reviews_appeal_assign(&a, &f->svc, appeal_id, f->admin, f->admin, &err));
  assert_int_equal(REVIEWS_NOT_AN_ASSESSOR,
                   reviews_appeal_assign(&a, &f->svc, appeal_id, 999999, f->admin, &err));
  assert_int_equal(REVIEWS_OK,
                   reviews_appeal_assign(&a, &f->svc, appeal_id, f->assessor2, f->admin, &err));
  assert_int_equal(APPEAL_ASSIGNED, a.status);
  assert_int_equal(f->assessor2, a.assessor_id);
  store_appeal_clear(&a);

  /* the candidate now sees the appeal; the queue holds it for its assessor alone */
  assert_int_equal(REVIEWS_OK, reviews_feedback(&fb, &f->svc, decided, f->candidate, &err));
  assert_true(fb.has_appeal);
  assert_int_equal(appeal_id, fb.appeal.id);
  reviews_feedback_clear(&fb);
  struct reviews_queue_entry *q = NULL;
  size_t n = 0;
  struct reviews_viewer mine = {f->assessor2, false}, theirs = {f->assessor, false};
  struct reviews_queue_query all = {0};
  struct reviews_queue_cursor next;
  bool seen = false;
  assert_int_equal(REVIEWS_OK,
                   reviews_queue(&q, &n, &next, &f->svc, &mine, &all, decided_ms, &err));
  for (size_t i = 0; i < n; i++) {
    seen = seen || q[i].appeal_id == appeal_id;
  }
  assert_true(seen);
  free(q);
  seen = false;
  assert_int_equal(REVIEWS_OK,
                   reviews_queue(&q, &n, &next, &f->svc, &theirs, &all, decided_ms, &err));
  for (size_t i = 0; i < n; i++) {
    seen = seen || q[i].appeal_id == appeal_id;
  }
  assert_false(seen);
  free(q);
}

struct many_txn {
  int64_t user;
  size_t n;
  int64_t first, last;
  const char *(*form)(size_t i); /* the i-th attempt's form; NULL: "{}" */
};

/* n attempts awaiting review, finished in the same transaction (many at the same ms). */
static int create_many(struct store_tx *tx, void *arg) {
  struct many_txn *m = arg;
  int rc = store_exam_source_put(tx, VERSION, "EXM", "ex.exam.yaml", "x", 1);
  int64_t now = store_tx_now_ms(tx);
  for (size_t i = 0; STORE_OK == rc && i < m->n; i++) {
    rc = store_attempt_create(tx, &m->last, m->user, "EXM", VERSION,
                              NULL == m->form ? "{}" : m->form(i), now + 3600000);
    if (STORE_OK == rc) {
      rc = store_attempt_finish(tx, m->last, ATTEMPT_SUBMITTED, now, VERDICT_PENDING, "{}");
    }
    m->first = 0 == i ? m->last : m->first;
  }
  return rc;
}

/* The queue past what one store read holds: a filter finds an entry however far back it
 * is, and paging with the cursor lists every entry once, ties (the same finishing ms)
 * included, the last page with no cursor. */
static void test_queue_deep(void **state) {
  struct fixture *f = *state;
  struct reviews_queue_entry *q = NULL;
  struct reviews_queue_cursor next;
  struct reviews_err err;
  struct store_claim claim;
  size_t n = 0;
  struct many_txn m = {f->candidate, 1234, 0, 0, NULL};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, create_many, &m));
  assert_int_equal(REVIEWS_OK, reviews_claim(&claim, &f->svc, m.last, f->assessor2, &err));
  int64_t now = claim.claimed_ms;

  struct reviews_viewer viewer = {f->assessor2, false};
  struct reviews_queue_query mine = {.state = REVIEWS_QUEUE_MINE};
  assert_int_equal(REVIEWS_OK, reviews_queue(&q, &n, &next, &f->svc, &viewer, &mine, now, &err));
  assert_int_equal(1, n);
  assert_int_equal(m.last, q[0].attempt_id);
  assert_int_equal(f->assessor2, q[0].holder_id);
  assert_int_equal(0, next.attempt_id);
  reviews_queue_free(q, n);

  struct reviews_queue_query all = {0};
  int64_t previous = 0;
  size_t total = 0, pages = 0;
  do {
    assert_int_equal(REVIEWS_OK, reviews_queue(&q, &n, &next, &f->svc, &viewer, &all, now, &err));
    pages++;
    assert_true(n <= REVIEWS_QUEUE_LIMIT);
    for (size_t i = 0; i < n; i++) {
      assert_true(q[i].attempt_id > previous); /* one finishing ms: id order */
      previous = q[i].attempt_id;
    }
    total += n;
    assert_true(0 == next.attempt_id ||
                (n == REVIEWS_QUEUE_LIMIT && next.attempt_id == q[n - 1].attempt_id));
    reviews_queue_free(q, n);
    all.after = next;
  } while (0 != next.attempt_id && pages < 100);
  assert_int_equal(1234, total);
  assert_int_equal((1234 + REVIEWS_QUEUE_LIMIT - 1) / REVIEWS_QUEUE_LIMIT, pages);
  assert_int_equal(m.last, previous);

  /* the candidate's own attempts are never theirs to review */
  struct reviews_viewer own = {f->candidate, false};
  all.after = (struct reviews_queue_cursor){0, 0};
  assert_int_equal(REVIEWS_OK, reviews_queue(&q, &n, &next, &f->svc, &own, &all, now, &err));
  assert_int_equal(0, n);
  assert_int_equal(0, next.attempt_id);
  reviews_queue_free(q, n);
}

/* Every third attempt's form has the essay E-9, the others E-1 and E-2. */
static const char *form_with_e2(size_t i) {
  return 0 == i % 3 ? "{\"units\":[{\"code\":\"U\",\"items\":[{\"id\":\"E-9\"}]}]}"
                    : "{\"units\":[{\"code\":\"U\",\"items\":[{\"id\":\"E-1\"},"
                      "{\"id\":\"E-2\",\"options\":[]}]}]}";
}

/* Marking one question reaches past the queue's first page: every attempt with the item on
 * its form, in queue order, except those someone else holds; the viewer's own claim stays. */
static void test_marking_list(void **state) {
  struct fixture *f = *state;
  struct reviews_err err;
  struct store_claim claim;
  /* the last one has E-2 */
  struct many_txn m = {f->candidate, 3 * REVIEWS_QUEUE_LIMIT + 8, 0, 0, form_with_e2};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, create_many, &m));
  /* attempt first+1 has E-2 and is held by the other assessor; the last one by the viewer */
  assert_int_equal(REVIEWS_OK, reviews_claim(&claim, &f->svc, m.first + 1, f->assessor, &err));
  assert_int_equal(REVIEWS_OK, reviews_claim(&claim, &f->svc, m.last, f->assessor2, &err));
  int64_t now = claim.claimed_ms;

  struct reviews_viewer viewer = {f->assessor2, false};
  int64_t *ids = NULL;
  size_t n = 0;
  assert_int_equal(REVIEWS_OK,
                   reviews_marking_list(&ids, &n, &f->svc, &viewer, "EXM", "E-2", now, &err));
  size_t want = 0;
  for (size_t i = 0; i < m.n; i++) {
    want += 0 != i % 3 && 1 != i;
  }
  assert_int_equal(want, n);
  assert_true(n > REVIEWS_QUEUE_LIMIT);
  for (size_t i = 0; i < n; i++) {
    size_t at = (size_t)(ids[i] - m.first); /* ids follow creation order here */
    assert_true(0 != at % 3 && 1 != at);
    assert_true(0 == i || ids[i] > ids[i - 1]);
  }
  assert_int_equal(m.last, ids[n - 1]);
  free(ids);

  /* an item no form has, and another exam: nothing */
  assert_int_equal(REVIEWS_OK,
                   reviews_marking_list(&ids, &n, &f->svc, &viewer, "EXM", "E-5", now, &err));
  assert_int_equal(0, n);
  free(ids);
  assert_int_equal(REVIEWS_OK,
                   reviews_marking_list(&ids, &n, &f->svc, &viewer, "LAIN", "E-2", now, &err));
  assert_int_equal(0, n);
  free(ids);
  /* the candidate's own attempts are never theirs to mark */
  struct reviews_viewer own = {f->candidate, false};
  assert_int_equal(REVIEWS_OK,
                   reviews_marking_list(&ids, &n, &f->svc, &own, "EXM", "E-2", now, &err));
  assert_int_equal(0, n);
  free(ids);
}

static void test_queue_cursor_text(void **state) {
  (void)state;
  char text[REVIEWS_QUEUE_CURSOR_SIZE];
  struct reviews_queue_cursor c = {1733400000123, 4521}, back = {0, 0};
  reviews_queue_cursor_format(text, &c);
  assert_string_equal("1733400000123-4521", text);
  assert_true(reviews_queue_cursor_parse(text, &back));
  assert_int_equal(c.since_ms, back.since_ms);
  assert_int_equal(c.attempt_id, back.attempt_id);
  assert_true(reviews_queue_cursor_parse("0-0", &back));
  assert_true(reviews_queue_cursor_parse("9223372036854775807-1", &back));
  const char *bad[] = {"",
                       "-",
                       "1-",
                       "-1",
                       "1",
                       "1-2-3",
                       "1--2",
                       "a-1",
                       "1-a",
                       " 1-2",
                       "1-2 ",
                       "+1-2",
                       "9223372036854775808-1",
                       "1-99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    back = (struct reviews_queue_cursor){7, 7};
    assert_false(reviews_queue_cursor_parse(bad[i], &back));
    assert_int_equal(7, back.since_ms); /* untouched */
  }
  assert_false(reviews_queue_cursor_parse(NULL, &back));
}

/* ------------------------------------------------------------------------------------ */
/* decisions on a real exam form */

#define DKV "DKV-DGM-JR"

struct form_attempt_txn {
  int64_t user;
  const char *version, *src, *form;
  size_t len;
  int64_t id;
};

static int create_form_attempt(struct store_tx *tx, void *arg) {
  struct form_attempt_txn *a = arg;
  int rc = store_exam_source_put(tx, a->version, DKV, "dkv.exam.yaml", a->src, a->len);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_attempt_create(tx, &a->id, a->user, DKV, a->version, a->form,
                            store_tx_now_ms(tx) + 3600000);
  if (STORE_OK != rc) {
    return rc;
  }
  return store_attempt_finish(tx, a->id, ATTEMPT_SUBMITTED, store_tx_now_ms(tx), VERDICT_PENDING,
                              "{}");
}

/* Zero points on every criterion of every open item of form, as the body's "items". */
static json_t *zero_marks(const struct exam_form *form) {
  json_t *items = json_object();
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      const struct exam_item *it = form->units[u].items[i].item;
      if (!exam_item_is_open(it)) {
        continue;
      }
      json_t *crit = json_object();
      for (size_t c = 0; c < it->nrubric; c++) {
        json_object_set_new(crit, it->rubric[c].id, json_integer(0));
      }
      json_object_set_new(items, it->id, json_pack("{s:o}", "criteria", crit));
    }
  }
  return items;
}

struct observe_txn {
  int64_t attempt_id, assessor;
  const struct exam *ex;
  bool observed;
};

/* Records every KUK of every observation unit on the attempt, as the assessor at the test
 * site does (straight into the store: the claim is the decision's business here). */
static int observe_all_txn(struct store_tx *tx, void *arg) {
  const struct observe_txn *o = arg;
  for (size_t u = 0; u < o->ex->nunits; u++) {
    const struct exam_unit *unit = &o->ex->units[u];
    for (size_t e = 0; exam_unit_is_observed(unit) && e < unit->nelements; e++) {
      for (size_t k = 0; k < unit->elements[e].nkuk; k++) {
        struct store_observation rec = {.attempt_id = o->attempt_id,
                                        .observed = o->observed,
                                        .assessor_id = o->assessor,
                                        .recorded_ms = 1767225600000,
                                        .saved_ms = 1767225600000};
        bool applied = false;
        snprintf(rec.unit_code, sizeof rec.unit_code, "%s", unit->code);
        snprintf(rec.kuk_id, sizeof rec.kuk_id, "%s", unit->elements[e].kuk[k].id);
        snprintf(rec.op, sizeof rec.op, "op-test-%zu-%zu", e, k);
        int rc = store_observation_put(tx, &rec, &applied);
        if (STORE_OK != rc || !applied) {
          return STORE_OK != rc ? rc : STORE_HARD;
        }
      }
    }
  }
  return STORE_OK;
}

static void test_decide(void **state) {
  struct fixture *f = *state;
  struct catalog *cat = NULL;
  struct exam_form *form = NULL;
  struct reviews_decision d;
  struct reviews_sheet sheet;
  struct store_claim claim;
  struct reviews_err err;
  char exams[600], cerr[256];
  const char *src = NULL, *file = NULL;
  size_t len = 0;
  const char *dir = getenv("UJIKOM_SOURCE_DIR");
  snprintf(exams, sizeof exams, "%s/exams", NULL != dir ? dir : ".");
  assert_int_equal(0, catalog_open(&cat, exams, cerr, sizeof cerr));
  f->svc.catalog = cat;
  const struct exam *ex = catalog_current(cat, DKV);
  assert_non_null(ex);
  assert_int_equal(0, catalog_source(cat, ex->version, &src, &len, &file));
  assert_int_equal(0, exam_form_assemble(&form, ex, 7));
  json_t *fj = exam_form_to_json(form);
  char *form_text = json_dumps(fj, JSON_COMPACT);
  json_decref(fj);
  struct form_attempt_txn a = {f->candidate, ex->version, src, form_text, len, 0};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, create_form_attempt, &a));
  free(form_text);

  json_t *items = zero_marks(form), *overall = json_string("BK"),
         *feedback = json_string("Portofolio belum lengkap.");
  struct reviews_marks marks = {.items = items, .overall = overall, .feedback = feedback};
  struct reviews_marks no_items = {.overall = overall, .feedback = feedback};

  assert_int_equal(REVIEWS_OWN_ATTEMPT,
                   reviews_decide(&d, &f->svc, a.id, f->candidate, &marks, &err));
  assert_int_equal(REVIEWS_BAD_MARKS,
                   reviews_decide(&d, &f->svc, a.id, f->assessor, &no_items, &err));
  assert_string_equal("items: the rubric marks are required.", err.why);
  /* The exam has an observation unit: no decision while its sheet has KUKs not recorded. */
  assert_int_equal(REVIEWS_INVALID_FIELD,
                   reviews_decide(&d, &f->svc, a.id, f->assessor, &marks, &err));
  assert_non_null(strstr(err.why, "observation sheet"));
  struct observe_txn obs = {a.id, f->assessor, ex, false};
  assert_int_equal(STORE_OK, store_txn(f->svc.store, observe_all_txn, &obs));
  /* claim first: valid marks without the assessor's claim are refused */
  assert_int_equal(REVIEWS_NOT_CLAIMED,
                   reviews_decide(&d, &f->svc, a.id, f->assessor, &marks, &err));
  assert_int_equal(REVIEWS_OK, reviews_claim(&claim, &f->svc, a.id, f->assessor, &err));
  assert_int_equal(REVIEWS_NOT_CLAIMED,
                   reviews_decide(&d, &f->svc, a.id, f->assessor2, &marks, &err));
  assert_int_equal(REVIEWS_OK, reviews_decide(&d, &f->svc, a.id, f->assessor, &marks, &err));
  assert_int_equal(VERDICT_BK, d.overall);
  assert_int_equal(VERDICT_PENDING, d.previous_verdict);
  assert_string_equal(STORE_DECISION_ASSESSOR, d.kind);
  assert_string_equal("", d.serial); /* no certificate for BK */
  reviews_decision_clear(&d);
  assert_int_equal(REVIEWS_NOT_AWAITING_REVIEW,
                   reviews_decide(&d, &f->svc, a.id, f->assessor, &marks, &err));

  /* an administrator's change needs a reason and keeps the rubric points */
  assert_int_equal(REVIEWS_REASON_REQUIRED,
                   reviews_override(&d, &f->svc, a.id, f->admin, "", &no_items, &err));
  assert_int_equal(REVIEWS_OK,
                   reviews_override(&d, &f->svc, a.id, f->admin, "Salah input.", &no_items, &err));
  assert_string_equal(STORE_DECISION_ADMIN, d.kind);
  assert_int_equal(VERDICT_BK, d.previous_verdict);
  reviews_decision_clear(&d);

  /* the sheet: both decisions, the current one last; only an administrator may change it */
  assert_int_equal(REVIEWS_OWN_ATTEMPT,
                   reviews_sheet_load(&sheet, &f->svc, a.id, f->candidate, &err));
  assert_int_equal(REVIEWS_OK, reviews_sheet_load(&sheet, &f->svc, a.id, f->assessor, &err));
  assert_int_equal(2, sheet.nhistory);
  assert_string_equal(STORE_DECISION_ADMIN, reviews_sheet_current(&sheet)->kind);
  assert_non_null(sheet.score);
  assert_false(sheet.has_claim); /* released by the decision */
  assert_int_equal(REVIEWS_EDIT_NONE, reviews_sheet_editor(&sheet, f->assessor, true, false, 0));
  assert_int_equal(REVIEWS_EDIT_ADMIN, reviews_sheet_editor(&sheet, f->admin, false, true, 0));
  reviews_sheet_free(&sheet);

  json_decref(items);
  json_decref(overall);
  json_decref(feedback);
  exam_form_free(form);
  f->svc.catalog = NULL;
  catalog_free(cat);
}

/* ------------------------------------------------------------------------------------ */
/* accounts */

static void test_accounts(void **state) {
  struct fixture *f = *state;
  struct store_user u;
  enum password_policy_verdict strength;
  int store_rc = STORE_OK;
  bool changed = true;
  struct accounts_new_staff in = {.email = "baru@contoh.test",
                                  .name = "Asesor Baru",
                                  .role = ROLE_ASSESSOR,
                                  .password = "Lintang-Kemukus-1987",
                                  .actor = f->admin,
                                  .hash = password_hash,
                                  .log2n = 10};

  assert_int_equal(ACCOUNTS_BAD_EMAIL, accounts_check_staff("no-at-sign", "N", ROLE_ADMIN));
  assert_int_equal(ACCOUNTS_BAD_EMAIL, accounts_check_staff("a b@c.d", "N", ROLE_ADMIN));
  assert_int_equal(ACCOUNTS_BAD_NAME, accounts_check_staff("a@b.c", "", ROLE_ADMIN));
  assert_int_equal(ACCOUNTS_BAD_NAME, accounts_check_staff("a@b.c", "tab\there", ROLE_ADMIN));
  assert_int_equal(ACCOUNTS_BAD_ROLE, accounts_check_staff("a@b.c", "N", ROLE_CANDIDATE));
  assert_int_equal(ACCOUNTS_BAD_ROLE, accounts_check_staff("a@b.c", "N", ROLE_ANON));
  assert_int_equal(ACCOUNTS_OK, accounts_check_staff("a@b.c", "N", ROLE_ADMIN));
  /* One validator per field: staff and candidates share the name and e-mail rules. */
  const char *bad_names[] = {"Rina\xC2\x85W", "Rina \xE2\x80\xAEW", "Rina\xE2\x80\x8BW",
                             "\xC2\xA0"};
  for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
    assert_int_equal(ACCOUNTS_BAD_NAME, accounts_check_staff("a@b.c", bad_names[i], ROLE_ADMIN));
    assert_int_equal(
        ACCOUNTS_BAD_NAME,
        accounts_check_registration(bad_names[i], "c@d.id", "Lintang-Kemukus-1987", &strength));
  }
  assert_int_equal(ACCOUNTS_BAD_EMAIL, accounts_check_staff("a@b", "N", ROLE_ADMIN));
  assert_int_equal(ACCOUNTS_BAD_EMAIL, accounts_check_staff("a@.b.c", "N", ROLE_ADMIN));
  char why[400] = "";
  accounts_name_refusal(why, sizeof why, "Rina\xC2\x85W");
  assert_non_null(strstr(why, "U+0085"));

  in.password = NULL;
  assert_int_equal(ACCOUNTS_NO_PASSWORD,
                   accounts_create_staff(&u, f->svc.store, &in, &strength, &store_rc));
  in.password = "password";
  assert_int_equal(ACCOUNTS_WEAK_PASSWORD,
                   accounts_create_staff(&u, f->svc.store, &in, &strength, &store_rc));
  assert_int_not_equal(PASSWORD_POLICY_OK, strength);
  in.password = "Lintang-Kemukus-1987";
  assert_int_equal(ACCOUNTS_OK, accounts_create_staff(&u, f->svc.store, &in, &strength, &store_rc));
  assert_string_equal("baru@contoh.test", u.email);
  assert_int_equal(ROLE_ASSESSOR, u.role);
  assert_string_equal("", u.password_hash); /* never handed out */
  int64_t id = u.id;
  assert_int_equal(ACCOUNTS_EMAIL_TAKEN,
                   accounts_create_staff(&u, f->svc.store, &in, &strength, &store_rc));

  assert_true(accounts_may_disable(f->admin, &(struct store_user){.id = id}));
  assert_false(accounts_may_disable(id, &(struct store_user){.id = id}));
  assert_false(accounts_may_disable(f->admin, &(struct store_user){.id = id, .disabled = true}));
  assert_int_equal(ACCOUNTS_DISABLE_SELF, accounts_disable(&changed, f->svc.store, f->admin,
                                                           f->admin, false, NULL, &store_rc));
  assert_int_equal(ACCOUNTS_BAD_REASON,
                   accounts_disable(&changed, f->svc.store, f->admin, id, true, NULL, &store_rc));
  assert_int_equal(ACCOUNTS_NOT_FOUND, accounts_disable(&changed, f->svc.store, f->admin, 999999,
                                                        false, NULL, &store_rc));
  assert_int_equal(ACCOUNTS_OK,
                   accounts_disable(&changed, f->svc.store, f->admin, id, true, "left", &store_rc));
  assert_true(changed);
  assert_int_equal(ACCOUNTS_OK,
                   accounts_disable(&changed, f->svc.store, f->admin, id, false, NULL, &store_rc));
  assert_false(changed); /* already disabled: nothing recorded */

  struct store_user *list = NULL;
  size_t n = 0;
  enum role assessors = ROLE_ASSESSOR;
  assert_int_equal(ACCOUNTS_OK, accounts_list(&list, &n, f->svc.store, &assessors, &store_rc));
  assert_int_equal(3, n);
  for (size_t i = 0; i < n; i++) {
    assert_string_equal("", list[i].password_hash);
  }
  store_user_list_free(list, n);

  /* a candidate's registration: its own name and e-mail rules, no audit entry */
  int64_t cand = 0;
  assert_int_equal(ACCOUNTS_BAD_NAME, accounts_check_registration("   ", "c@d.id", "x", &strength));
  assert_int_equal(ACCOUNTS_BAD_NAME, accounts_check_registration(NULL, "c@d.id", "x", &strength));
  assert_int_equal(ACCOUNTS_BAD_EMAIL, accounts_check_registration("Sari", "c@d", "x", &strength));
  assert_int_equal(ACCOUNTS_BAD_EMAIL,
                   accounts_check_registration("Sari", "c@@d.id", "x", &strength));
  assert_int_equal(ACCOUNTS_NO_PASSWORD,
                   accounts_check_registration("Sari", "c@d.id", NULL, &strength));
  assert_int_equal(ACCOUNTS_WEAK_PASSWORD,
                   accounts_check_registration("Sari", "c@d.id", "12345678", &strength));
  assert_int_equal(ACCOUNTS_OK, accounts_register(&cand, f->svc.store, "Sari", "sari@contoh.id",
                                                  "Lintang-Kemukus-1987", password_hash, 10,
                                                  &strength, &store_rc));
  assert_true(cand > 0);
  /* Stored as the validator normalises it (NFC, spaces folded). */
  int64_t nfd = 0;
  assert_int_equal(ACCOUNTS_OK, accounts_register(&nfd, f->svc.store, "  Rene\xCC\x81   Sari ",
                                                  "rene@contoh.id", "Lintang-Kemukus-1987",
                                                  password_hash, 10, &strength, &store_rc));
  struct store_rd *rd = NULL;
  struct store_user back;
  assert_int_equal(STORE_OK, store_rd_begin(f->svc.store, &rd));
  assert_int_equal(STORE_OK, store_user_by_id(rd, &back, nfd));
  store_rd_end(rd);
  assert_string_equal("Ren\xC3\xA9 Sari", back.name);
  /* The policy, not the older rules alone: the report's weak passwords. */
  const char *weak[] = {"          x", "aaaaaaaaab", "12345678901",
                        "abcdabcdab",  "passwordxy", "P a s s w o r d 1"};
  for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
    assert_int_equal(ACCOUNTS_WEAK_PASSWORD,
                     accounts_check_password(weak[i], "c@d.id", "Sari", &strength));
    assert_int_not_equal(PASSWORD_POLICY_OK, strength);
  }
  assert_int_equal(ACCOUNTS_EMAIL_TAKEN,
                   accounts_register(&cand, f->svc.store, "Sari", "SARI@contoh.id",
                                     "Lintang-Kemukus-1987", password_hash, 10, &strength,
                                     &store_rc));

  /* both changes are in the intact audit chain */
  int64_t bad = 0, count = 0;
  why[0] = '\0';
  assert_int_equal(STORE_OK, store_audit_verify(f->svc.store, &bad, &count, why, sizeof why));
  assert_true(count >= 2);
}

/* Blind marking hides the candidate from assessors of a blind exam until a decision; the
 * queue's state filter by holder. */
static void test_blind_and_queue_state(void **state) {
  (void)state;
  struct exam blind = {.blind_marking = true}, plain = {.blind_marking = false};
  assert_true(reviews_candidate_hidden(&blind, false, false));
  assert_false(reviews_candidate_hidden(&blind, true, false)); /* decided */
  assert_false(reviews_candidate_hidden(&blind, false, true)); /* administrator */
  assert_false(reviews_candidate_hidden(&plain, false, false));
  assert_false(reviews_candidate_hidden(NULL, false, false));

  enum reviews_queue_state st = REVIEWS_QUEUE_MINE;
  assert_true(reviews_queue_state_parse(NULL, &st));
  assert_int_equal(REVIEWS_QUEUE_ANY, st);
  assert_true(reviews_queue_state_parse("others", &st));
  assert_int_equal(REVIEWS_QUEUE_OTHERS, st);
  assert_false(reviews_queue_state_parse("mine ", &st));
  assert_false(reviews_queue_state_parse("MINE", &st));

  struct reviews_queue_entry free_e = {.attempt_id = 1}, mine = {.attempt_id = 2, .holder_id = 7},
                             other = {.attempt_id = 3, .holder_id = 8},
                             appeal = {.attempt_id = 4, .holder_id = 7, .appeal_id = 1};
  const struct {
    const struct reviews_queue_entry *e;
    bool any, free, mine, others, appeals;
  } cases[] = {{&free_e, true, true, false, false, false},
               {&mine, true, false, true, false, false},
               {&other, true, false, false, true, false},
               {&appeal, true, false, true, false, true}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(cases[i].any, reviews_queue_in_state(cases[i].e, REVIEWS_QUEUE_ANY, 7));
    assert_int_equal(cases[i].free, reviews_queue_in_state(cases[i].e, REVIEWS_QUEUE_FREE, 7));
    assert_int_equal(cases[i].mine, reviews_queue_in_state(cases[i].e, REVIEWS_QUEUE_MINE, 7));
    assert_int_equal(cases[i].others, reviews_queue_in_state(cases[i].e, REVIEWS_QUEUE_OTHERS, 7));
    assert_int_equal(cases[i].appeals,
                     reviews_queue_in_state(cases[i].e, REVIEWS_QUEUE_APPEALS, 7));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_who_may_decide),
      cmocka_unit_test(test_sheet_editor),
      cmocka_unit_test(test_may_assign),
      cmocka_unit_test(test_blind_and_queue_state),
      cmocka_unit_test_setup_teardown(test_claim, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_feedback_and_appeal, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_decide, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_queue_deep, setup, temp_store_teardown),
      cmocka_unit_test(test_queue_cursor_text),
      cmocka_unit_test_setup_teardown(test_marking_list, setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_accounts, setup, temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
