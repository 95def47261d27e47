/*
 * Tests of the attempts layer: the rules on a read attempt (open, overdue after the grace,
 * remaining seconds, the verdict a candidate sees), the operations' outcomes against a real
 * store and catalogue (retake policy, ownership, save checks, the deadline), and the one
 * writer of the attempt summary, compared with the document jansson writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/attempts.h"
#include "common/catalog.h"
#include "common/config.h"
#include "common/form_index.h"
#include "common/svc.h"
#include "http/handlers.h"
#include "http/jsontext.h"
#include "store/store.h"
#include "test_exam_fixture.h"
#include "test_store_fixture.h"

#define DAY_MS (86400LL * 1000LL)

static const char subsectors[] = TEST_SUBSECTORS_FSN;
static const char exam_src[] = TEST_EXAM_TWO_TRUEFALSE("FSN-LAYER", "Uji Lapis", "Layer");

/* ------------------------------------------------------------------ rules */

static struct store_attempt attempt(enum attempt_status status, enum verdict verdict,
                                    int64_t deadline_ms) {
  struct store_attempt a;
  memset(&a, 0, sizeof(a));
  a.id = 7;
  a.user_id = 3;
  snprintf(a.exam_id, sizeof(a.exam_id), "%s", "FSN-X");
  a.status = status;
  a.verdict = verdict;
  a.started_ms = 1000;
  a.deadline_ms = deadline_ms;
  return a;
}

static void rules_on_an_attempt(void **state) {
  (void)state;
  struct config cfg = {0};
  struct svc svc = {.cfg = &cfg};
  cfg.save_grace_s = 30;
  struct store_attempt open = attempt(ATTEMPT_OPEN, VERDICT_NONE, 100000);
  assert_true(attempts_is_open(&open));
  assert_false(attempts_overdue(&svc, &open, 100000 + 30000));
  assert_true(attempts_overdue(&svc, &open, 100000 + 30001));
  assert_int_equal(attempts_remaining_s(&open, 100000 - 1001), 2);
  assert_int_equal(attempts_remaining_s(&open, 100000 - 1000), 1);
  assert_int_equal(attempts_remaining_s(&open, 100000), 0);
  assert_null(attempts_visible_verdict(&open));
  assert_int_equal(attempts_accepts_answers(&open), ATTEMPTS_OK);
  assert_false(attempts_decided(&open));

  struct store_attempt closed = attempt(ATTEMPT_CLOSED, VERDICT_PENDING, 100000);
  assert_false(attempts_is_open(&closed));
  assert_false(attempts_overdue(&svc, &closed, 1000000));
  assert_int_equal(attempts_remaining_s(&closed, 0), 0);
  assert_string_equal(attempts_visible_verdict(&closed), "pending");
  assert_int_equal(attempts_accepts_answers(&closed), ATTEMPTS_DEADLINE);
  assert_false(attempts_decided(&closed));

  struct store_attempt done = attempt(ATTEMPT_SUBMITTED, VERDICT_BK, 100000);
  assert_string_equal(attempts_visible_verdict(&done), "BK");
  assert_int_equal(attempts_accepts_answers(&done), ATTEMPTS_CLOSED);
  assert_true(attempts_decided(&done));
  /* Without a catalogue the exam's title is its id. */
  assert_null(attempts_exam(&svc, &done));
  assert_string_equal(attempts_exam_title(&svc, &done), "FSN-X");
}

/* ------------------------------------------------------------------ the summary vs jansson */

/* The summary as jansson writes it: the document every attempts answer starts with. */
static char *summary_by_jansson(const struct svc *svc, const struct store_attempt *a,
                                int64_t now_ms) {
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:I}", "id", (json_int_t)a->id,
                        "exam_id", a->exam_id, "exam_title", attempts_exam_title(svc, a), "status",
                        attempt_status_name(a->status), "started_at", json_time(a->started_ms),
                        "deadline_at", json_time(a->deadline_ms), "server_time", json_time(now_ms),
                        "remaining_seconds", (json_int_t)attempts_remaining_s(a, now_ms));
  assert_non_null(j);
  if (!attempts_is_open(a)) {
    json_object_set_new(j, "finished_at", json_time(a->finished_ms));
  }
  const char *v = attempts_visible_verdict(a);
  if (NULL != v) {
    json_object_set_new(j, "verdict", json_string(v));
  }
  char *text = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  assert_non_null(text);
  return text;
}

static void check_summary(const struct svc *svc, const struct store_attempt *a, int64_t now_ms) {
  struct jtext b = {0};
  attempt_summary_text(&b, svc, a, now_ms);
  JT_LIT(&b, "}");
  assert_false(b.failed);
  char *want = summary_by_jansson(svc, a, now_ms);
  if (0 != strcmp(want, b.s)) {
    fail_msg("summary differs from jansson's:\n text:    %s\n jansson: %s", b.s, want);
  }
  free(want);
  free(b.s);
}

static void summary_matches_jansson(void **state) {
  (void)state;
  struct config cfg = {0};
  struct svc svc = {.cfg = &cfg};
  int64_t now = 1764748800123LL; /* 2025-12-03T08:00:00.123Z */
  struct store_attempt a = attempt(ATTEMPT_OPEN, VERDICT_NONE, now + 90500);
  check_summary(&svc, &a, now);         /* open: no finished_at, no verdict */
  check_summary(&svc, &a, now + 90500); /* open at its deadline: 0 seconds left */
  a = attempt(ATTEMPT_SUBMITTED, VERDICT_PENDING, now);
  a.finished_ms = now - 5000;
  check_summary(&svc, &a, now); /* pending */
  a = attempt(ATTEMPT_CLOSED, VERDICT_BK, now - 1);
  a.finished_ms = now - 1;
  check_summary(&svc, &a, now);
  a = attempt(ATTEMPT_SUBMITTED, VERDICT_K, 0); /* times not set: null */
  a.started_ms = 0;
  check_summary(&svc, &a, now);
  /* Text that must be escaped, and non-ASCII text kept as it is. */
  a = attempt(ATTEMPT_SUBMITTED, VERDICT_K, 951782400000LL); /* 2000-02-29 */
  snprintf(a.exam_id, sizeof(a.exam_id), "%s", "A\"B\\C\t\x01/\xc3\xa9 \xf0\x9f\x99\x82");
  a.finished_ms = 4107542399999LL;            /* 2100-02-28T23:59:59Z */
  check_summary(&svc, &a, 253402300799000LL); /* 9999-12-31T23:59:59Z */
  check_summary(&svc, &a, 253402300800000LL); /* past year 9999: the general formatter */
  a.id = INT64_MAX;
  check_summary(&svc, &a, 1);
}

/* ------------------------------------------------------------------ operations */

struct fx {
  struct temp_store t; /* the store, and the catalogue directory too */
  struct config cfg;
  struct svc svc;
  int64_t user, other;
};

static void write_file(const char *dir, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int mk_users(struct store_tx *tx, void *arg) {
  struct fx *fx = arg;
  int rc = store_user_create(tx, &fx->user, "lapis@contoh.test", "Lapis", ROLE_CANDIDATE, "x");
  if (STORE_OK != rc) {
    return rc;
  }
  return store_user_create(tx, &fx->other, "lain@contoh.test", "Lain", ROLE_CANDIDATE, "x");
}

static int setup(void **state) {
  char err[512] = "";
  if (0 != temp_store_setup_with(state, sizeof(struct fx), "attempts", NULL, mk_users)) {
    return -1;
  }
  struct fx *fx = *state;
  write_file(fx->t.dir, "subsectors.yaml", subsectors);
  write_file(fx->t.dir, "fsn-layer.exam.yaml", exam_src);
  fx->cfg.save_grace_s = 30;
  fx->svc.cfg = &fx->cfg;
  fx->svc.store = fx->t.s;
  if (0 != catalog_open(&fx->svc.catalog, fx->t.dir, err, sizeof(err))) {
    print_error("setup: %s\n", err);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  struct fx *fx = *state;
  catalog_free(fx->svc.catalog);
  return temp_store_teardown(state);
}

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void start_save_submit_retake(void **state) {
  struct fx *fx = *state;
  struct svc *svc = &fx->svc;
  struct attempts_started st;
  struct attempts_saved sv;
  struct store_attempt a;
  char err[160];
  int64_t t0 = wall_ms(); /* the store stamps the start with its own clock */
  int64_t duration = 30LL * 60 * 1000;

  assert_int_equal(attempts_start(&st, svc, fx->user, "NO-SUCH", t0), ATTEMPTS_EXAM_NOT_FOUND);
  assert_int_equal(attempts_start(&st, svc, fx->user, "FSN-LAYER", t0), ATTEMPTS_OK);
  assert_true(st.created);
  int64_t id = st.id;
  /* Starting again resumes the open attempt. */
  assert_int_equal(attempts_start(&st, svc, fx->user, "FSN-LAYER", t0 + 1000), ATTEMPTS_OK);
  assert_false(st.created);
  assert_int_equal(st.id, id);

  /* Visible to its candidate alone. */
  assert_int_equal(attempts_get_own(&a, svc, fx->other, id, true, t0), ATTEMPTS_NOT_FOUND);
  assert_int_equal(attempts_get_own(&a, svc, fx->user, 0, true, t0), ATTEMPTS_NOT_FOUND);
  assert_int_equal(attempts_get_own(&a, svc, fx->user, id, true, t0), ATTEMPTS_OK);
  assert_int_equal(a.deadline_ms, t0 + duration);
  store_attempt_clear(&a);

  /* Saves: checked in order, durable on OK. */
  json_t *yes = json_true();
  json_t *no = json_false();
  json_t *text = json_string("ya");
  assert_int_equal(attempts_save(&sv, svc, fx->other, id, "Q1", yes, t0, err, sizeof(err)),
                   ATTEMPTS_NOT_FOUND);
  assert_int_equal(attempts_save(&sv, svc, fx->user, id, "Q9", yes, t0, err, sizeof(err)),
                   ATTEMPTS_ITEM_NOT_IN_FORM);
  assert_int_equal(attempts_save(&sv, svc, fx->user, id, "Q1", NULL, t0, err, sizeof(err)),
                   ATTEMPTS_NO_VALUE);
  assert_int_equal(attempts_save(&sv, svc, fx->user, id, "Q1", text, t0, err, sizeof(err)),
                   ATTEMPTS_BAD_ANSWER);
  assert_true('\0' != err[0]);
  assert_int_equal(attempts_save(&sv, svc, fx->user, id, "Q1", no, t0 + 60000, err, sizeof(err)),
                   ATTEMPTS_OK);
  assert_string_equal(sv.item->id, "Q1");
  assert_int_equal(sv.deadline_ms, t0 + duration);
  assert_int_equal(sv.remaining_s, 29 * 60);
  struct attempts_sheet sheet;
  assert_int_equal(attempts_get_sheet(&sheet, svc, fx->user, id, t0 + 60000), ATTEMPTS_OK);
  assert_int_equal(sheet.nanswers, 1);
  assert_string_equal(sheet.answers[0].value, "false");
  attempts_sheet_clear(&sheet);

  /* Submitted with no answer right: BK; then no more saves. */
  assert_int_equal(attempts_submit(&a, svc, fx->user, id, t0 + 120000), ATTEMPTS_OK);
  assert_int_equal(a.status, ATTEMPT_SUBMITTED);
  assert_int_equal(a.verdict, VERDICT_BK);
  assert_int_equal(a.finished_ms, t0 + 120000);
  store_attempt_clear(&a);
  assert_int_equal(attempts_save(&sv, svc, fx->user, id, "Q1", yes, t0 + 130000, err, sizeof(err)),
                   ATTEMPTS_CLOSED);

  /* The retake policy: a cooldown after BK, then the last attempt allowed, then the limit. */
  assert_int_equal(attempts_start(&st, svc, fx->user, "FSN-LAYER", t0 + 200000), ATTEMPTS_COOLDOWN);
  assert_int_equal(st.retry_at_ms, t0 + 120000 + DAY_MS);
  int64_t t1 = t0 + 120000 + DAY_MS;
  assert_int_equal(attempts_start(&st, svc, fx->user, "FSN-LAYER", t1), ATTEMPTS_OK);
  assert_true(st.created);
  int64_t id2 = st.id;

  /* Past its deadline plus the grace: closed at its deadline when touched, saves refused. */
  int64_t deadline = t1 + duration;
  assert_int_equal(
      attempts_save(&sv, svc, fx->user, id2, "Q1", yes, deadline + 30001, err, sizeof(err)),
      ATTEMPTS_DEADLINE);
  assert_int_equal(attempts_get_own(&a, svc, fx->user, id2, false, deadline + 40000), ATTEMPTS_OK);
  assert_int_equal(a.status, ATTEMPT_CLOSED);
  assert_int_equal(a.finished_ms, deadline);
  store_attempt_clear(&a);
  size_t closed = 99;
  assert_int_equal(attempts_close_overdue(svc, deadline + 50000, &closed), ATTEMPTS_OK);
  assert_int_equal(closed, 0);

  assert_int_equal(attempts_start(&st, svc, fx->user, "FSN-LAYER", deadline + 2 * DAY_MS),
                   ATTEMPTS_LIMIT);
  assert_int_equal(st.max_attempts, 2);
  struct store_attempt *list = NULL;
  size_t n = 0;
  assert_int_equal(attempts_list_own(&list, &n, svc, fx->user, 100, deadline + 2 * DAY_MS),
                   ATTEMPTS_OK);
  assert_int_equal(n, 2);
  store_attempt_list_free(list, n);
  json_decref(yes);
  json_decref(no);
  json_decref(text);
}

/* --- a save queued without waiting (attempts_save_prepare, attempts_save_queue) --- */

struct queued_save {
  atomic_int calls;
  enum attempts_rc rc;
  char item[32];
  int64_t deadline_ms;
};

static void queued_save_done(void *cls, enum attempts_rc rc, const struct attempts_saved *sv) {
  struct queued_save *q = cls;
  q->rc = rc;
  if (ATTEMPTS_OK == rc) {
    snprintf(q->item, sizeof(q->item), "%s", sv->item->id);
    q->deadline_ms = sv->deadline_ms;
  }
  atomic_fetch_add(&q->calls, 1);
}

static void wait_told(struct queued_save *q) {
  for (int i = 0; i < 4000 && 0 == atomic_load(&q->calls); i++) {
    struct timespec ts = {0, 1000000L};
    nanosleep(&ts, NULL);
  }
  assert_int_equal(1, atomic_load(&q->calls));
}

/* The two steps make attempts_save's checks: those needing no write when prepared, the
 * attempt still open when written. A save prepared before the attempt was submitted is told
 * CLOSED and changes nothing; one prepared and queued while open is told OK once it is
 * stored. */
static void queued_save_keeps_the_rules(void **state) {
  struct fx *fx = *state;
  struct svc *svc = &fx->svc;
  struct attempts_started st;
  struct attempts_save *job = NULL;
  struct store_attempt a;
  enum numeric_rc number = NUMERIC_OK;
  char err[160];
  int64_t t0 = wall_ms();
  assert_int_equal(attempts_start(&st, svc, fx->user, "FSN-LAYER", t0), ATTEMPTS_OK);
  json_t *yes = json_true();
  json_t *text = json_string("ya");

  /* Refused when prepared: nothing to queue. */
  assert_int_equal(attempts_save_prepare(&job, &number, svc, NULL, fx->other, st.id, "Q1", yes, t0,
                                         err, sizeof(err)),
                   ATTEMPTS_NOT_FOUND);
  assert_null(job);
  assert_int_equal(attempts_save_prepare(&job, &number, svc, NULL, fx->user, st.id, "Q1", text, t0,
                                         err, sizeof(err)),
                   ATTEMPTS_BAD_ANSWER);
  assert_null(job);

  /* Queued while open: stored, then told. */
  struct queued_save q1 = {.rc = ATTEMPTS_INTERNAL};
  atomic_init(&q1.calls, 0);
  assert_int_equal(attempts_save_prepare(&job, &number, svc, NULL, fx->user, st.id, "Q1", yes,
                                         t0 + 1000, err, sizeof(err)),
                   ATTEMPTS_OK);
  attempts_save_queue(job, queued_save_done, &q1);
  wait_told(&q1);
  assert_int_equal(ATTEMPTS_OK, q1.rc);
  assert_string_equal("Q1", q1.item);
  assert_int_equal(attempts_get_own(&a, svc, fx->user, st.id, true, t0 + 2000), ATTEMPTS_OK);
  assert_int_equal(a.deadline_ms, q1.deadline_ms);
  store_attempt_clear(&a);
  struct attempts_sheet sheet;
  assert_int_equal(attempts_get_sheet(&sheet, svc, fx->user, st.id, t0 + 2000), ATTEMPTS_OK);
  assert_int_equal(sheet.nanswers, 1);
  assert_string_equal(sheet.answers[0].value, "true");
  attempts_sheet_clear(&sheet);

  /* Prepared while open, submitted before it is written: told CLOSED, nothing changed. */
  json_t *no = json_false();
  struct queued_save q2 = {.rc = ATTEMPTS_INTERNAL};
  atomic_init(&q2.calls, 0);
  assert_int_equal(attempts_save_prepare(&job, &number, svc, NULL, fx->user, st.id, "Q1", no,
                                         t0 + 3000, err, sizeof(err)),
                   ATTEMPTS_OK);
  assert_int_equal(attempts_submit(&a, svc, fx->user, st.id, t0 + 4000), ATTEMPTS_OK);
  store_attempt_clear(&a);
  attempts_save_queue(job, queued_save_done, &q2);
  wait_told(&q2);
  assert_int_equal(ATTEMPTS_CLOSED, q2.rc);
  assert_int_equal(attempts_get_sheet(&sheet, svc, fx->user, st.id, t0 + 5000), ATTEMPTS_OK);
  assert_int_equal(sheet.nanswers, 1);
  assert_string_equal(sheet.answers[0].value, "true");
  attempts_sheet_clear(&sheet);

  /* Prepared and dropped: nothing written, nothing leaked. */
  assert_int_equal(attempts_start(&st, svc, fx->other, "FSN-LAYER", t0), ATTEMPTS_OK);
  assert_int_equal(attempts_save_prepare(&job, &number, svc, NULL, fx->other, st.id, "Q1", yes,
                                         t0 + 1000, err, sizeof(err)),
                   ATTEMPTS_OK);
  attempts_save_free(job);
  assert_int_equal(attempts_get_sheet(&sheet, svc, fx->other, st.id, t0 + 2000), ATTEMPTS_OK);
  assert_int_equal(sheet.nanswers, 0);
  attempts_sheet_clear(&sheet);
  json_decref(yes);
  json_decref(no);
  json_decref(text);
}

/* A sheet read in a snapshot the caller opened (as the form read does with the session's)
 * sees that snapshot; the stored form text comes with the attempt only when the form is not
 * indexed; the open attempts' forms are indexed page by page, the finished ones' not. */
static void sheet_in_a_snapshot_and_open_forms_indexed(void **state) {
  struct svc *svc = &((struct fx *)*state)->svc;
  int64_t t0 = wall_ms();
  assert_int_equal(form_index_new(&svc->forms, 64), 0);
  struct fx *fx = *state;
  struct attempts_started st;
  struct attempts_saved sv;
  struct attempts_sheet sheet;
  struct store_attempt a;
  char err[160];
  assert_int_equal(attempts_start(&st, svc, fx->user, "FSN-LAYER", t0), ATTEMPTS_OK);
  int64_t mine = st.id;
  assert_int_equal(attempts_start(&st, svc, fx->other, "FSN-LAYER", t0), ATTEMPTS_OK);
  int64_t theirs = st.id;
  assert_true(form_index_has(svc->forms, mine)); /* indexed when drawn */

  /* The snapshot is taken (by a first read) before the save: the sheet read in it does not
   * see the answer, a sheet read afresh does. */
  struct store_rd *rd = NULL;
  assert_int_equal(store_rd_begin(svc->store, &rd), STORE_OK);
  assert_int_equal(store_attempt_get_brief(rd, &a, mine), STORE_OK);
  json_t *yes = json_true();
  assert_int_equal(attempts_save(&sv, svc, fx->user, mine, "Q1", yes, t0 + 1000, err, sizeof(err)),
                   ATTEMPTS_OK);
  json_decref(yes);
  assert_int_equal(attempts_get_sheet_in(&sheet, svc, rd, fx->user, mine, t0 + 2000), ATTEMPTS_OK);
  assert_int_equal(sheet.nanswers, 0);
  assert_null(sheet.attempt.form); /* indexed: read briefly */
  attempts_sheet_clear(&sheet);
  assert_int_equal(attempts_get_sheet(&sheet, svc, fx->user, mine, t0 + 2000), ATTEMPTS_OK);
  assert_int_equal(sheet.nanswers, 1);
  attempts_sheet_clear(&sheet);
  /* Someone else's attempt in a given snapshot: not found, and the snapshot is ended. */
  assert_int_equal(store_rd_begin(svc->store, &rd), STORE_OK);
  assert_int_equal(attempts_get_sheet_in(&sheet, svc, rd, fx->user, theirs, t0 + 2000),
                   ATTEMPTS_NOT_FOUND);

  /* A fresh index (a restart): the sheet brings the stored form text along. */
  form_index_free(svc->forms);
  assert_int_equal(form_index_new(&svc->forms, 64), 0);
  assert_int_equal(attempts_get_sheet(&sheet, svc, fx->user, mine, t0 + 2000), ATTEMPTS_OK);
  assert_non_null(sheet.attempt.form);
  struct exam_form *form = NULL;
  assert_int_equal(attempts_form(&form, svc, &sheet.attempt), ATTEMPTS_OK);
  exam_form_free(form);
  attempts_sheet_clear(&sheet);
  assert_true(form_index_has(svc->forms, mine));

  /* A save reading the attempt in a snapshot taken before the attempt was submitted saw it
   * open, yet writes nothing: the write checks again. Then a save in a snapshot of its own. */
  assert_int_equal(store_rd_begin(svc->store, &rd), STORE_OK);
  assert_int_equal(store_attempt_get_brief(rd, &a, mine), STORE_OK);
  struct store_attempt done;
  assert_int_equal(attempts_submit(&done, svc, fx->user, mine, t0 + 3000), ATTEMPTS_OK);
  store_attempt_clear(&done);
  json_t *no = json_false();
  assert_int_equal(
      attempts_save_in(&sv, svc, rd, fx->user, mine, "Q2", no, t0 + 3500, err, sizeof(err)),
      ATTEMPTS_CLOSED);
  assert_int_equal(
      attempts_save_in(&sv, svc, NULL, fx->other, theirs, "Q2", no, t0 + 3500, err, sizeof(err)),
      ATTEMPTS_OK);
  json_decref(no);
  assert_int_equal(attempts_get_sheet(&sheet, svc, fx->user, mine, t0 + 4000), ATTEMPTS_OK);
  assert_int_equal(sheet.nanswers, 1); /* Q1 alone */
  attempts_sheet_clear(&sheet);

  /* Finished attempts are left out of the pages of open ones. */
  form_index_free(svc->forms);
  assert_int_equal(form_index_new(&svc->forms, 64), 0);
  int64_t after = 0;
  size_t n = 99;
  assert_int_equal(attempts_index_open(svc, &after, &n), ATTEMPTS_OK);
  assert_int_equal(n, 1);
  assert_int_equal(after, theirs);
  assert_true(form_index_has(svc->forms, theirs));
  assert_false(form_index_has(svc->forms, mine));
  assert_int_equal(attempts_index_open(svc, &after, &n), ATTEMPTS_OK);
  assert_int_equal(n, 0);
  form_index_free(svc->forms);
  svc->forms = NULL;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rules_on_an_attempt),
      cmocka_unit_test(summary_matches_jansson),
      cmocka_unit_test_setup_teardown(start_save_submit_retake, setup, teardown),
      cmocka_unit_test_setup_teardown(queued_save_keeps_the_rules, setup, teardown),
      cmocka_unit_test_setup_teardown(sheet_in_a_snapshot_and_open_forms_indexed, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
