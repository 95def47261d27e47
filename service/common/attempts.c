/*
 * The attempt rules: reads with the ownership check and the close-at-read rule, the retake
 * policy and the form draw at start, answer saves checked against the deadline inside their
 * transaction, scoring at submit or at the deadline, and the overdue sweep. Store codes stop
 * here: callers see attempts_rc alone.
 */
#include "common/attempts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/application.h"
#include "common/audit_text.h"
#include "common/catalog.h"
#include "common/form_index.h"
#include "common/issue.h"
#include "common/log.h"
#include "common/planned_time.h"
#include "common/recert.h"
#include "common/schedule.h"
#include "ujikom/exam_form.h"
#include "ujikom/json_compact.h"
#include "ujikom/score.h"

#define DAY_MS (86400LL * 1000LL)

static const char *const rc_names[] = {
    [ATTEMPTS_OK] = "ok",
    [ATTEMPTS_NO_CATALOG] = "no_catalog",
    [ATTEMPTS_EXAM_NOT_FOUND] = "exam_not_found",
    [ATTEMPTS_NOT_FOUND] = "not_found",
    [ATTEMPTS_LIMIT] = "limit",
    [ATTEMPTS_ALREADY_COMPETENT] = "already_competent",
    [ATTEMPTS_AWAITING_REVIEW] = "awaiting_review",
    [ATTEMPTS_COOLDOWN] = "cooldown",
    [ATTEMPTS_NOT_ELIGIBLE] = "not_eligible",
    [ATTEMPTS_WINDOW_NOT_OPEN] = "window_not_open",
    [ATTEMPTS_WINDOW_CLOSED] = "window_closed",
    [ATTEMPTS_SESSION_CODE] = "session_code",
    [ATTEMPTS_CLOSED] = "closed",
    [ATTEMPTS_DEADLINE] = "deadline",
    [ATTEMPTS_ITEM_NOT_IN_FORM] = "item_not_in_form",
    [ATTEMPTS_NO_VALUE] = "no_value",
    [ATTEMPTS_BAD_ANSWER] = "bad_answer",
    [ATTEMPTS_BAD_NUMBER] = "bad_number",
    [ATTEMPTS_TOO_LONG] = "too_long",
    [ATTEMPTS_EXAM_VERSION_MISSING] = "exam_version_missing",
    [ATTEMPTS_BUSY] = "busy",
    [ATTEMPTS_UNAVAILABLE] = "unavailable",
    [ATTEMPTS_INTERNAL] = "internal",
};

const char *attempts_rc_name(enum attempts_rc rc) {
  return (size_t)rc < sizeof(rc_names) / sizeof(rc_names[0]) ? rc_names[rc] : "internal";
}

/* A store code that is not an outcome of the operation at hand: busy and unavailable stay
 * retryable, anything else (a missing row included) is a broken invariant. */
static enum attempts_rc from_store(int rc, const char *what) {
  log_msg(STORE_BUSY == rc || STORE_UNAVAILABLE == rc ? LOG_WARN : LOG_ERROR, NULL,
          "attempts: %s: store %s", what, store_rc_name(rc));
  if (STORE_BUSY == rc) {
    return ATTEMPTS_BUSY;
  }
  if (STORE_UNAVAILABLE == rc) {
    return ATTEMPTS_UNAVAILABLE;
  }
  return ATTEMPTS_INTERNAL;
}

/* ------------------------------------------------------------------ rules on a read attempt */

static int64_t grace_ms(const struct svc *svc) {
  return (int64_t)svc->cfg->save_grace_s * 1000;
}

int64_t attempts_save_not_after(const struct svc *svc, int64_t now_ms) {
  return now_ms - grace_ms(svc);
}

bool attempts_is_open(const struct store_attempt *a) {
  return ATTEMPT_OPEN == a->status;
}

bool attempts_time_up(const struct store_attempt *a, int64_t now_ms) {
  return attempts_is_open(a) && now_ms >= a->deadline_ms;
}

bool attempts_overdue(const struct svc *svc, const struct store_attempt *a, int64_t now_ms) {
  return attempts_is_open(a) && now_ms > a->deadline_ms + grace_ms(svc);
}

int64_t attempts_remaining_s(const struct store_attempt *a, int64_t now_ms) {
  if (!attempts_is_open(a) || now_ms >= a->deadline_ms) {
    return 0;
  }
  return (a->deadline_ms - now_ms + 999) / 1000;
}

bool attempts_decided(const struct store_attempt *a) {
  return VERDICT_K == a->verdict || VERDICT_BK == a->verdict;
}

const char *attempts_visible_verdict(const struct store_attempt *a) {
  if (attempts_decided(a)) {
    return verdict_name(a->verdict);
  }
  return attempts_is_open(a) ? NULL : "pending";
}

enum attempts_rc attempts_accepts_answers(const struct store_attempt *a) {
  if (attempts_is_open(a)) {
    return ATTEMPTS_OK;
  }
  return ATTEMPT_CLOSED == a->status ? ATTEMPTS_DEADLINE : ATTEMPTS_CLOSED;
}

const struct exam *attempts_exam(const struct svc *svc, const struct store_attempt *a) {
  if (NULL == svc->catalog) {
    return NULL;
  }
  const struct exam *e = catalog_version(svc->catalog, a->exam_version);
  return NULL != e ? e : catalog_current(svc->catalog, a->exam_id);
}

const char *attempts_exam_title(const struct svc *svc, const struct store_attempt *a) {
  const struct exam *e = attempts_exam(svc, a);
  return NULL != e ? e->title : a->exam_id;
}

/* ------------------------------------------------------------------ reads */

/* Reads attempt `id` (brief or in full) in rd (ended here; NULL: a read of its own):
 * STORE_OK, STORE_NONE, or negative. */
static int read_attempt(struct svc *svc, struct store_rd *rd, struct store_attempt *out, int64_t id,
                        bool brief) {
  int rc = NULL != rd ? STORE_OK : store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = brief ? store_attempt_get_brief(rd, out, id) : store_attempt_get(rd, out, id);
  store_rd_end(rd);
  return rc;
}

/* user_id's attempt `id`, as it is (not closed when overdue). */
static enum attempts_rc read_own(struct store_attempt *out, struct svc *svc, struct store_rd *rd,
                                 int64_t user_id, int64_t id, bool brief) {
  memset(out, 0, sizeof(*out));
  if (NULL == svc->catalog || id <= 0) {
    store_rd_end(rd);
    return NULL == svc->catalog ? ATTEMPTS_NO_CATALOG : ATTEMPTS_NOT_FOUND;
  }
  int rc = read_attempt(svc, rd, out, id, brief);
  if (STORE_OK == rc && out->user_id != user_id) {
    store_attempt_clear(out);
    memset(out, 0, sizeof(*out));
    rc = STORE_NONE;
  }
  if (STORE_NONE == rc) {
    return ATTEMPTS_NOT_FOUND;
  }
  return STORE_OK == rc ? ATTEMPTS_OK : from_store(rc, "attempt read");
}

enum attempts_rc attempts_form(struct exam_form **out, struct svc *svc,
                               const struct store_attempt *a) {
  const struct exam *exam = NULL;
  char err[160];
  *out = NULL;
  int rc = form_index_form(svc->forms, out, a->id, a->exam_version);
  if (1 == rc) {
    return ATTEMPTS_OK;
  }
  if (-2 == rc) {
    return ATTEMPTS_UNAVAILABLE;
  }
  rc = catalog_version_from_store(svc->catalog, svc->store, &exam, a->exam_version);
  if (0 != rc) {
    return -2 == rc ? ATTEMPTS_UNAVAILABLE : ATTEMPTS_EXAM_VERSION_MISSING;
  }
  struct store_attempt full = {0};
  const char *text = a->form;
  if (NULL == text) { /* read briefly: the stored form is needed after all */
    if (STORE_OK != read_attempt(svc, NULL, &full, a->id, false)) {
      return ATTEMPTS_UNAVAILABLE;
    }
    text = full.form;
  }
  rc = exam_form_from_text(out, exam, NULL != text ? text : "", err, sizeof(err));
  store_attempt_clear(&full);
  if (0 != rc) {
    log_msg(LOG_ERROR, NULL, "attempt %" PRId64 ": stored form does not match: %s", a->id, err);
    return ATTEMPTS_EXAM_VERSION_MISSING;
  }
  form_index_put(svc->forms, a->id, a->exam_version, *out);
  return ATTEMPTS_OK;
}

/* Saved answers as a JSON object item id -> value (skipping any that do not parse). */
static int answers_json(struct store_rd *rd, int64_t attempt_id, json_t **out) {
  struct store_answer *list = NULL;
  size_t n = 0;
  *out = NULL;
  int rc = store_answers_get(rd, &list, &n, attempt_id);
  if (STORE_OK != rc) {
    return rc;
  }
  json_t *obj = json_object();
  for (size_t i = 0; NULL != obj && i < n; i++) {
    json_error_t e;
    json_t *v = json_loads(list[i].value, JSON_DECODE_ANY, &e);
    if (NULL != v) {
      json_object_set_new(obj, list[i].item_id, v);
    }
  }
  store_answers_free(list, n);
  if (NULL == obj) {
    return STORE_UNAVAILABLE;
  }
  *out = obj;
  return STORE_OK;
}

enum attempts_rc attempts_answers_json(json_t **out, struct svc *svc, int64_t attempt_id) {
  struct store_rd *rd = NULL;
  *out = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = answers_json(rd, attempt_id, out);
    store_rd_end(rd);
  }
  return STORE_OK == rc ? ATTEMPTS_OK : from_store(rc, "answers read");
}

/* ------------------------------------------------------------------ finishing */

struct finish_ctx {
  int64_t id;
  const struct exam_form *form;
  int64_t now_ms;
  int64_t grace_ms;
  bool by_candidate; /* submit; otherwise the deadline sweep */
  /* out */
  enum verdict verdict;
  bool finished; /* this call finished it (false: it was finished already) */
};

static int finish_txn(struct store_tx *tx, void *arg) {
  struct finish_ctx *fc = arg;
  struct store_attempt a;
  json_t *answers = NULL;
  struct score_result *res = NULL;
  char *result_text = NULL;
  fc->finished = false;
  fc->verdict = VERDICT_NONE;
  int rc = store_attempt_get_brief(store_tx_rd(tx), &a, fc->id);
  if (STORE_OK != rc) {
    return rc;
  }
  if (!attempts_is_open(&a)) {
    fc->verdict = a.verdict;
    store_attempt_clear(&a);
    return STORE_OK; /* finished already: idempotent */
  }
  /* Closed by the clock (also when "submit" arrives after deadline + grace): it ends AT the
   * deadline. Submitted in time: it ends now. */
  bool late = fc->now_ms > a.deadline_ms + fc->grace_ms;
  if (!fc->by_candidate && !late) {
    store_attempt_clear(&a);
    return STORE_OK; /* not overdue (deadline extended meanwhile) */
  }
  enum attempt_status status = late ? ATTEMPT_CLOSED : ATTEMPT_SUBMITTED;
  int64_t finished_ms = late ? a.deadline_ms : fc->now_ms;
  rc = answers_json(store_tx_rd(tx), fc->id, &answers);
  if (STORE_OK != rc) {
    goto cleanup;
  }
  rc = STORE_UNAVAILABLE;
  if (0 != score_form(&res, fc->form, answers, NULL)) {
    goto cleanup;
  }
  json_t *rj = score_result_json(res, fc->form);
  if (NULL == rj) {
    goto cleanup;
  }
  json_object_set_new(rj, "finished", json_string(attempt_status_name(status)));
  result_text = json_compact(rj, false);
  json_decref(rj);
  if (NULL == result_text) {
    goto cleanup;
  }
  rc = store_attempt_finish(tx, fc->id, status, finished_ms, res->overall, result_text);
  if (STORE_OK == rc) {
    fc->verdict = res->overall;
    fc->finished = true;
  }
cleanup:
  free(result_text);
  score_result_free(res);
  json_decref(answers);
  store_attempt_clear(&a);
  return rc;
}

/* An automatic K earns its certificate at once. Issuance is idempotent and runs in its own
 * transaction after the result is committed; if it fails (store busy), the result stands
 * and POST /api/attempts/:id/certificate issues it later. */
static void issue_for_passed(struct svc *svc, int64_t id) {
  struct store_cert cert;
  char err[256] = "";
  enum issue_rc irc = issue_certificate(&cert, svc, id, STORE_AUDIT_SYSTEM, err, sizeof(err));
  if (ISSUE_CREATED == irc || ISSUE_EXISTING == irc) {
    store_cert_clear(&cert);
    return;
  }
  log_msg(LOG_WARN, NULL, "attempt %" PRId64 ": certificate not issued yet (%s): %s", id,
          issue_rc_name(irc), err);
}

/* attempts_finish() for an attempt already read (briefly or not). */
static enum attempts_rc finish_attempt(struct svc *svc, const struct store_attempt *a,
                                       int64_t now_ms, bool by_candidate) {
  struct exam_form *form = NULL;
  int64_t id = a->id;
  enum attempts_rc arc = attempts_form(&form, svc, a);
  if (ATTEMPTS_OK != arc) {
    return arc;
  }
  struct finish_ctx fc = {.id = id,
                          .form = form,
                          .now_ms = now_ms,
                          .grace_ms = grace_ms(svc),
                          .by_candidate = by_candidate};
  int rc = store_txn(svc->store, finish_txn, &fc);
  if (STORE_OK == rc && fc.finished) {
    log_msg(LOG_INFO, NULL, "attempt %" PRId64 " %s: %s", id,
            by_candidate ? "submitted" : "closed at its deadline", verdict_name(fc.verdict));
  }
  if (STORE_OK == rc && VERDICT_K == fc.verdict) {
    issue_for_passed(svc, id);
  }
  exam_form_free(form);
  return STORE_OK == rc ? ATTEMPTS_OK : from_store(rc, "finish");
}

enum attempts_rc attempts_finish(struct svc *svc, int64_t id, int64_t now_ms, bool by_candidate) {
  struct store_attempt a;
  int rc = read_attempt(svc, NULL, &a, id, true);
  if (STORE_OK != rc) {
    return from_store(rc, "finish read");
  }
  enum attempts_rc arc = finish_attempt(svc, &a, now_ms, by_candidate);
  store_attempt_clear(&a);
  return arc;
}

/* If *a is overdue, closes it at its deadline and reads it again (in full). */
static enum attempts_rc settle(struct svc *svc, struct store_attempt *a, int64_t now_ms) {
  if (!attempts_overdue(svc, a, now_ms)) {
    return ATTEMPTS_OK;
  }
  enum attempts_rc arc = finish_attempt(svc, a, now_ms, false);
  if (ATTEMPTS_OK != arc) {
    return arc;
  }
  int64_t id = a->id;
  store_attempt_clear(a);
  int rc = read_attempt(svc, NULL, a, id, false);
  return STORE_OK == rc ? ATTEMPTS_OK : from_store(rc, "re-read after closing");
}

/* attempts_get_own, reading in rd (ended; NULL: a read of its own). */
static enum attempts_rc get_own(struct store_attempt *out, struct svc *svc, struct store_rd *rd,
                                int64_t user_id, int64_t attempt_id, bool brief, int64_t now_ms) {
  enum attempts_rc arc = read_own(out, svc, rd, user_id, attempt_id, brief);
  if (ATTEMPTS_OK == arc) {
    arc = settle(svc, out, now_ms);
  }
  if (ATTEMPTS_OK != arc) {
    store_attempt_clear(out);
    memset(out, 0, sizeof(*out));
  }
  return arc;
}

enum attempts_rc attempts_get_own(struct store_attempt *out, struct svc *svc, int64_t user_id,
                                  int64_t attempt_id, bool brief, int64_t now_ms) {
  return get_own(out, svc, NULL, user_id, attempt_id, brief, now_ms);
}

void attempts_sheet_clear(struct attempts_sheet *s) {
  store_answers_free(s->answers, s->nanswers);
  store_flags_free(s->flags, s->nflags);
  store_attempt_clear(&s->attempt);
  memset(s, 0, sizeof(*s));
}

enum attempts_rc attempts_get_sheet(struct attempts_sheet *out, struct svc *svc, int64_t user_id,
                                    int64_t attempt_id, int64_t now_ms) {
  return attempts_get_sheet_in(out, svc, NULL, user_id, attempt_id, now_ms);
}

enum attempts_rc attempts_get_sheet_in(struct attempts_sheet *out, struct svc *svc,
                                       struct store_rd *rd, int64_t user_id, int64_t attempt_id,
                                       int64_t now_ms) {
  struct store_attempt *a = &out->attempt;
  memset(out, 0, sizeof(*out));
  if (NULL == svc->catalog || attempt_id <= 0) {
    store_rd_end(rd);
    return NULL == svc->catalog ? ATTEMPTS_NO_CATALOG : ATTEMPTS_NOT_FOUND;
  }
  int rc = NULL != rd ? STORE_OK : store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    /* The stored form text only when the form is not indexed: attempts_form then builds it
     * from this snapshot's text instead of reading the attempt again. */
    rc = form_index_has(svc->forms, attempt_id) ? store_attempt_get_brief(rd, a, attempt_id)
                                                : store_attempt_get(rd, a, attempt_id);
    if (STORE_OK == rc && a->user_id != user_id) {
      store_attempt_clear(a);
      rc = STORE_NONE;
    }
    if (STORE_OK == rc) {
      rc = store_answers_get(rd, &out->answers, &out->nanswers, attempt_id);
    }
    if (STORE_OK == rc) {
      rc = store_flags_get(rd, &out->flags, &out->nflags, attempt_id);
    }
    if (STORE_OK != rc) {
      store_answers_free(out->answers, out->nanswers);
      store_attempt_clear(a);
    }
    store_rd_end(rd);
  }
  if (STORE_OK != rc) {
    memset(out, 0, sizeof(*out));
    return STORE_NONE == rc ? ATTEMPTS_NOT_FOUND : from_store(rc, "sheet read");
  }
  if (!attempts_overdue(svc, a, now_ms)) {
    return ATTEMPTS_OK;
  }
  /* Closed at its deadline first; then what it holds now (answers cannot change once it is
   * closed, but read them again with it all the same). */
  store_answers_free(out->answers, out->nanswers);
  out->answers = NULL;
  out->nanswers = 0;
  enum attempts_rc arc = settle(svc, a, now_ms);
  if (ATTEMPTS_OK == arc) {
    rc = store_rd_begin(svc->store, &rd);
    if (STORE_OK == rc) {
      rc = store_answers_get(rd, &out->answers, &out->nanswers, a->id);
      store_rd_end(rd);
    }
    arc = STORE_OK == rc ? ATTEMPTS_OK : from_store(rc, "answers re-read");
  }
  if (ATTEMPTS_OK != arc) {
    attempts_sheet_clear(out);
  }
  return arc;
}

enum attempts_rc attempts_list_own(struct store_attempt **out, size_t *out_n, struct svc *svc,
                                   int64_t user_id, int limit, int64_t now_ms) {
  struct store_rd *rd = NULL;
  struct store_attempt *list = NULL;
  size_t n = 0;
  *out = NULL;
  *out_n = 0;
  if (NULL == svc->catalog) {
    return ATTEMPTS_NO_CATALOG;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempt_list_user(rd, &list, &n, user_id, NULL, limit);
    store_rd_end(rd);
  }
  if (STORE_OK != rc) {
    return from_store(rc, "attempt list");
  }
  for (size_t i = 0; i < n; i++) {
    /* Overdue ones are closed on sight so the list never shows a stale "open"; one that
     * cannot be closed now is listed as it is. */
    struct store_attempt fresh;
    if (attempts_overdue(svc, &list[i], now_ms) &&
        ATTEMPTS_OK == finish_attempt(svc, &list[i], now_ms, false) &&
        STORE_OK == read_attempt(svc, NULL, &fresh, list[i].id, true)) {
      store_attempt_clear(&fresh);
      list[i] = fresh;
    }
  }
  *out = list;
  *out_n = n;
  return ATTEMPTS_OK;
}

/* ------------------------------------------------------------------ start */

struct start_ctx {
  int64_t user_id;
  const struct exam *exam;
  const char *src;
  size_t src_len;
  const char *file;
  const char *form_text;
  int64_t now_ms; /* the request's clock: the candidate gets the full duration from here */
  const char *session_code;
  int64_t checked_in; /* the schedule of a check-in session (common/checkin.h), 0: none */
  /* out */
  int64_t id;
  bool not_eligible; /* refused: the exam requires an eligible application */
  enum schedule_gate gate;
  struct store_schedule schedule;
};

static int start_txn(struct store_tx *tx, void *arg) {
  struct start_ctx *sc = arg;
  bool eligible = false;
  sc->id = 0;
  /* Checked again where a decision made meanwhile cannot slip past it. */
  int rc = application_allows_start(store_tx_rd(tx), sc->user_id, sc->exam, &eligible);
  if (STORE_OK != rc) {
    return rc;
  }
  if (!eligible) {
    sc->not_eligible = true;
    return STORE_CONFLICT;
  }
  /* The window rule is decided again here, so the attendance it records is the one counted. */
  rc = schedule_start_gate(&sc->gate, &sc->schedule, store_tx_rd(tx), sc->user_id, sc->exam->id,
                           sc->session_code, sc->checked_in, sc->now_ms);
  if (STORE_OK != rc) {
    return rc;
  }
  if (SCHEDULE_GATE_FREE != sc->gate && SCHEDULE_GATE_OPEN != sc->gate) {
    return STORE_CONFLICT;
  }
  rc = store_exam_source_put(tx, sc->exam->version, sc->exam->id, sc->file, sc->src, sc->src_len);
  if (STORE_OK != rc) {
    return rc;
  }
  /* Extra time planned in advance for this candidate and exam joins the duration. */
  int64_t planned = 0;
  rc = planned_time_minutes(tx, sc->user_id, sc->exam->id, &planned);
  if (STORE_OK != rc) {
    return rc;
  }
  int64_t deadline = sc->now_ms + ((int64_t)sc->exam->duration_minutes + planned) * 60 * 1000;
  rc = store_attempt_create(tx, &sc->id, sc->user_id, sc->exam->id, sc->exam->version,
                            sc->form_text, deadline);
  if (STORE_OK == rc && SCHEDULE_GATE_OPEN == sc->gate) {
    rc = schedule_record_start(tx, sc->schedule.id, sc->user_id, sc->id);
  }
  if (STORE_OK != rc || 0 == planned) {
    return rc;
  }
  return planned_time_record_use(tx, sc->user_id, sc->id, planned, deadline);
}

/* The refusal a window rule's outcome is (ATTEMPTS_OK for a start it allows), with the
 * schedule's window in out. */
static enum attempts_rc gate_outcome(struct attempts_started *out, enum schedule_gate gate,
                                     const struct store_schedule *s) {
  out->schedule_id = s->id;
  out->window_opens_ms = s->opens_ms;
  out->window_closes_ms = s->closes_ms;
  out->code_required = '\0' != s->session_code[0];
  switch (gate) {
  case SCHEDULE_GATE_NOT_YET:
    return ATTEMPTS_WINDOW_NOT_OPEN;
  case SCHEDULE_GATE_CLOSED:
    return ATTEMPTS_WINDOW_CLOSED;
  case SCHEDULE_GATE_CODE_NEEDED:
  case SCHEDULE_GATE_CODE_WRONG:
    return ATTEMPTS_SESSION_CODE;
  default:
    return ATTEMPTS_OK;
  }
}

/* The retake policy over the candidate's earlier attempts at the exam (newest first):
 * ATTEMPTS_OK when a new attempt may start, else the refusal (with, for a cooldown, when it
 * ends). */
static enum attempts_rc retake_policy(const struct exam *exam, const struct store_attempt *list,
                                      size_t n, int64_t now_ms, int64_t *out_until_ms) {
  if ((long)n >= exam->max_attempts) {
    return ATTEMPTS_LIMIT;
  }
  if (0 == n) {
    return ATTEMPTS_OK;
  }
  const struct store_attempt *last = &list[0];
  if (VERDICT_K == last->verdict) {
    return ATTEMPTS_ALREADY_COMPETENT;
  }
  if (VERDICT_PENDING == last->verdict) {
    return ATTEMPTS_AWAITING_REVIEW;
  }
  int64_t until = last->finished_ms + (int64_t)exam->cooldown_days * DAY_MS;
  if (now_ms < until) {
    *out_until_ms = until;
    return ATTEMPTS_COOLDOWN;
  }
  return ATTEMPTS_OK;
}

/* The candidate's open attempt at exam_id: STORE_OK (*out filled), STORE_NONE, or < 0. */
static int open_attempt(struct svc *svc, struct store_attempt *out, int64_t user_id,
                        const char *exam_id) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempt_open_for(rd, out, user_id, exam_id);
    store_rd_end(rd);
  }
  return rc;
}

/* A new attempt at exam for user_id: draws the form (seeded from the CSPRNG) and stores it
 * with the exam's source snapshot. A concurrent start that won the race hands out its own. */
static enum attempts_rc start_new(struct attempts_started *out, struct svc *svc, int64_t user_id,
                                  const struct exam *exam, const char *code, int64_t checked_in,
                                  int64_t now_ms) {
  struct exam_form *form = NULL;
  struct store_attempt open_a;
  char *form_text = NULL;
  json_t *fj = NULL;
  uint64_t seed = 0;
  enum attempts_rc arc = ATTEMPTS_INTERNAL;
  if (1 != RAND_bytes((unsigned char *)&seed, sizeof(seed)) ||
      0 != exam_form_assemble(&form, exam, seed) || NULL == (fj = exam_form_to_json(form)) ||
      NULL == (form_text = json_compact(fj, false))) {
    goto cleanup;
  }
  struct start_ctx sc = {.user_id = user_id,
                         .exam = exam,
                         .form_text = form_text,
                         .now_ms = now_ms,
                         .session_code = code,
                         .checked_in = checked_in};
  if (0 != catalog_source(svc->catalog, exam->version, &sc.src, &sc.src_len, &sc.file)) {
    goto cleanup;
  }
  int rc = store_txn(svc->store, start_txn, &sc);
  if (STORE_CONFLICT == rc && sc.not_eligible) {
    arc = ATTEMPTS_NOT_ELIGIBLE;
    goto cleanup;
  }
  if (STORE_CONFLICT == rc && ATTEMPTS_OK != gate_outcome(out, sc.gate, &sc.schedule)) {
    arc = gate_outcome(out, sc.gate, &sc.schedule);
    goto cleanup;
  }
  if (STORE_EXISTS == rc) {
    /* A concurrent start won the race: hand out its attempt. */
    rc = open_attempt(svc, &open_a, user_id, exam->id);
    if (STORE_OK == rc) {
      out->id = open_a.id;
      store_attempt_clear(&open_a);
    }
  } else if (STORE_OK == rc) {
    out->id = sc.id;
    out->created = true;
    /* The candidate loads this form next and saves into it: index it now. */
    form_index_put(svc->forms, sc.id, exam->version, form);
  }
  arc = STORE_OK == rc ? ATTEMPTS_OK : from_store(rc, "start");
cleanup:
  json_decref(fj);
  free(form_text);
  exam_form_free(form);
  return arc;
}

/* attempts_start (create) or attempts_start_check (!create). */
static enum attempts_rc start_or_check(struct attempts_started *out, struct svc *svc,
                                       int64_t user_id, const char *exam_id, const char *code,
                                       int64_t checked_in, int64_t now_ms, bool create) {
  struct store_attempt *list = NULL, open_a;
  size_t n = 0;
  memset(out, 0, sizeof(*out));
  if (NULL == svc->catalog) {
    return ATTEMPTS_NO_CATALOG;
  }
  const struct exam *exam = catalog_current(svc->catalog, exam_id);
  if (NULL == exam) {
    return ATTEMPTS_EXAM_NOT_FOUND;
  }
  out->max_attempts = exam->max_attempts;
  /* An open attempt is returned as it is (a reload of the start page must not fail). */
  int rc = open_attempt(svc, &open_a, user_id, exam->id);
  if (STORE_OK == rc) {
    bool late = attempts_overdue(svc, &open_a, now_ms);
    int64_t id = open_a.id;
    store_attempt_clear(&open_a);
    if (!late) {
      out->id = id;
      return ATTEMPTS_OK;
    }
    enum attempts_rc arc = attempts_finish(svc, id, now_ms, false);
    if (ATTEMPTS_OK != arc) {
      return arc;
    }
  } else if (rc < 0) {
    return from_store(rc, "open attempt look-up");
  }
  struct store_rd *rd = NULL;
  bool eligible = false;
  int64_t cycle_ms = 0; /* a re-certification the holder opened: its attempts count alone */
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempt_list_user(rd, &list, &n, user_id, exam->id, 1000);
  }
  if (STORE_OK == rc) {
    rc = application_allows_start(rd, user_id, exam, &eligible);
  }
  if (STORE_OK == rc) {
    rc = recert_cycle_start(rd, user_id, exam->id, &cycle_ms);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    store_attempt_list_free(list, n);
    return from_store(rc, "attempt list");
  }
  size_t counted = n; /* newest first: the attempts of the cycle lead the list */
  if (cycle_ms > 0) {
    for (counted = 0; counted < n && list[counted].started_ms >= cycle_ms; counted++) {
    }
  }
  enum attempts_rc arc = retake_policy(exam, list, counted, now_ms, &out->retry_at_ms);
  if (ATTEMPTS_OK == arc && !eligible) {
    arc = ATTEMPTS_NOT_ELIGIBLE;
  }
  store_attempt_list_free(list, n);
  out->used = counted;
  if (ATTEMPTS_OK != arc) {
    return arc;
  }
  /* The candidate's schedule, if any: its window (and session code) before a new start. */
  enum schedule_gate gate = SCHEDULE_GATE_FREE;
  struct store_schedule sched;
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = schedule_start_gate(&gate, &sched, rd, user_id, exam->id, code, checked_in, now_ms);
    store_rd_end(rd);
  }
  if (STORE_OK != rc) {
    return from_store(rc, "schedule window");
  }
  arc = gate_outcome(out, gate, &sched);
  if (!create) {
    /* The page before the clock starts asks for the code itself. */
    return ATTEMPTS_SESSION_CODE == arc && SCHEDULE_GATE_CODE_NEEDED == gate ? ATTEMPTS_OK : arc;
  }
  if (ATTEMPTS_OK != arc) {
    return arc;
  }
  return start_new(out, svc, user_id, exam, code, checked_in, now_ms);
}

enum attempts_rc attempts_start(struct attempts_started *out, struct svc *svc, int64_t user_id,
                                const char *exam_id, int64_t now_ms) {
  return start_or_check(out, svc, user_id, exam_id, NULL, 0, now_ms, true);
}

enum attempts_rc attempts_start_coded(struct attempts_started *out, struct svc *svc,
                                      int64_t user_id, const char *exam_id,
                                      const char *session_code, int64_t now_ms) {
  return start_or_check(out, svc, user_id, exam_id, session_code, 0, now_ms, true);
}

enum attempts_rc attempts_start_checked_in(struct attempts_started *out, struct svc *svc,
                                           int64_t user_id, const char *exam_id,
                                           int64_t schedule_id, bool create, int64_t now_ms) {
  return start_or_check(out, svc, user_id, exam_id, NULL, schedule_id, now_ms, create);
}

enum attempts_rc attempts_start_check(struct attempts_started *out, struct svc *svc,
                                      int64_t user_id, const char *exam_id, int64_t now_ms) {
  return start_or_check(out, svc, user_id, exam_id, NULL, 0, now_ms, false);
}

/* ------------------------------------------------------------------ saves */

enum attempts_rc attempts_answer_text(char **out, enum numeric_rc *out_number,
                                      const struct exam_item *item, const json_t *value, char *err,
                                      size_t errlen) {
  *out = NULL;
  if (NULL != out_number) {
    *out_number = NUMERIC_OK;
  }
  if (EXAM_ITEM_EVIDENCE == item->type) {
    snprintf(err, errlen,
             "the files of an evidence item are handed in as uploads "
             "(POST /api/attempts/{id}/uploads), not as an answer");
    return ATTEMPTS_BAD_ANSWER;
  }
  /* A number typed as text is stored as the number it reads as, so that every later reader
   * (scorer, review page, analysis) sees one value; text that does not read is refused. */
  json_t *number = NULL;
  if (EXAM_ITEM_NUMERIC == item->type && json_is_string(value)) {
    double x = 0.0;
    enum numeric_rc nrc = score_numeric_answer(&x, item, value);
    if (NUMERIC_OK != nrc) {
      if (NULL != out_number) {
        *out_number = nrc;
      }
      snprintf(err, errlen, "%s", numeric_rc_message(nrc));
      return ATTEMPTS_BAD_NUMBER;
    }
    number = json_real(x);
    if (NULL == number) {
      return ATTEMPTS_INTERNAL;
    }
    value = number;
  }
  if (!score_answer_shape_ok(item, value, err, errlen)) {
    json_decref(number);
    return ATTEMPTS_BAD_ANSWER;
  }
  char *text = json_compact(value, false);
  json_decref(number);
  if (NULL == text) {
    return ATTEMPTS_INTERNAL;
  }
  if (strlen(text) > ATTEMPTS_MAX_ANSWER_JSON) {
    free(text);
    return ATTEMPTS_TOO_LONG;
  }
  *out = text;
  return ATTEMPTS_OK;
}

struct save_ctx {
  int64_t id;
  const char *const *items;
  char *const *values;
  size_t n;
  int64_t not_after_ms; /* the request's time less the save grace */
  /* out */
  int64_t deadline_ms;
};

static int save_txn(struct store_tx *tx, void *arg) {
  struct save_ctx *sc = arg;
  /* Checked inside the transaction: the deadline may have moved, the attempt may have been
   * submitted by another tab a moment ago. The first answer's write checks it for all. */
  int rc = store_answer_put_checked(tx, sc->id, sc->items[0], sc->values[0], store_tx_now_ms(tx),
                                    sc->not_after_ms, &sc->deadline_ms);
  for (size_t i = 1; STORE_OK == rc && i < sc->n; i++) {
    rc = store_answer_put(tx, sc->id, sc->items[i], sc->values[i], store_tx_now_ms(tx));
  }
  return rc;
}

/* What a save's transaction returned, as the attempt's outcome (sc as the body left it). */
static enum attempts_rc saved_rc(const struct svc *svc, const struct save_ctx *sc, int rc,
                                 int64_t now_ms) {
  if (STORE_CONFLICT == rc) {
    return now_ms > sc->deadline_ms + grace_ms(svc) && 0 != sc->deadline_ms ? ATTEMPTS_DEADLINE
                                                                            : ATTEMPTS_CLOSED;
  }
  return STORE_OK == rc ? ATTEMPTS_OK : from_store(rc, "save");
}

/* Saves sc (n >= 1) in one transaction: ATTEMPTS_OK, or why not. */
static enum attempts_rc save_answers(struct svc *svc, struct save_ctx *sc, int64_t now_ms) {
  sc->not_after_ms = attempts_save_not_after(svc, now_ms);
  return saved_rc(svc, sc, store_txn(svc->store, save_txn, sc), now_ms);
}

enum attempts_rc attempts_save_many(struct svc *svc, int64_t attempt_id, const char *const *items,
                                    char *const *values, size_t n, int64_t now_ms) {
  if (0 == n) {
    return ATTEMPTS_OK;
  }
  struct save_ctx sc = {.id = attempt_id, .items = items, .values = values, .n = n};
  return save_answers(svc, &sc, now_ms);
}

/* attempts_open_item, reading the attempt in rd (ended; NULL: a read of its own). */
static enum attempts_rc open_item(struct store_attempt *a, const struct exam_item **out_item,
                                  struct exam_form **out_form, struct svc *svc, struct store_rd *rd,
                                  int64_t user_id, int64_t attempt_id, const char *item_id,
                                  int64_t now_ms) {
  *out_item = NULL;
  enum attempts_rc arc = get_own(a, svc, rd, user_id, attempt_id, true, now_ms);
  if (ATTEMPTS_OK != arc) {
    return arc;
  }
  arc = attempts_accepts_answers(a);
  if (ATTEMPTS_OK != arc) {
    return arc;
  }
  /* Which item this is: from the form index, else from the rebuilt form (then indexed). */
  if (form_index_find(svc->forms, out_item, a->id, a->exam_version, item_id) < 0) {
    arc = attempts_form(out_form, svc, a);
    if (ATTEMPTS_OK != arc) {
      return arc;
    }
    const struct form_item *fi = exam_form_find_item(*out_form, item_id);
    *out_item = NULL == fi ? NULL : fi->item;
  }
  return NULL == *out_item ? ATTEMPTS_ITEM_NOT_IN_FORM : ATTEMPTS_OK;
}

enum attempts_rc attempts_open_item(struct store_attempt *a, const struct exam_item **out_item,
                                    struct exam_form **out_form, struct svc *svc, int64_t user_id,
                                    int64_t attempt_id, const char *item_id, int64_t now_ms) {
  return open_item(a, out_item, out_form, svc, NULL, user_id, attempt_id, item_id, now_ms);
}

enum attempts_rc attempts_save(struct attempts_saved *out, struct svc *svc, int64_t user_id,
                               int64_t attempt_id, const char *item_id, const json_t *value,
                               int64_t now_ms, char *err, size_t errlen) {
  return attempts_save_in(out, svc, NULL, user_id, attempt_id, item_id, value, now_ms, err, errlen);
}

/* One answer on its way into the store: checked and encoded by attempts_save_prepare,
 * written by attempts_save_write (waiting) or attempts_save_queue (not waiting). */
struct attempts_save {
  struct svc *svc;
  struct store_attempt a;
  struct exam_form *form; /* the rebuilt form when the form index had no entry */
  const struct exam_item *item;
  char *value_text;
  const char *items[1];
  char *values[1];
  struct save_ctx sc;
  int64_t now_ms;
  attempts_save_done_fn done;
  void *cls;
};

void attempts_save_free(struct attempts_save *job) {
  if (NULL == job) {
    return;
  }
  free(job->value_text);
  exam_form_free(job->form);
  store_attempt_clear(&job->a);
  free(job);
}

enum attempts_rc attempts_save_prepare(struct attempts_save **out, enum numeric_rc *number,
                                       struct svc *svc, struct store_rd *rd, int64_t user_id,
                                       int64_t attempt_id, const char *item_id, const json_t *value,
                                       int64_t now_ms, char *err, size_t errlen) {
  *out = NULL;
  *number = NUMERIC_OK;
  if (errlen > 0) {
    err[0] = '\0';
  }
  struct attempts_save *job = calloc(1, sizeof(*job));
  if (NULL == job) {
    store_rd_end(rd);
    return ATTEMPTS_UNAVAILABLE;
  }
  job->svc = svc;
  job->now_ms = now_ms;
  enum attempts_rc arc =
      open_item(&job->a, &job->item, &job->form, svc, rd, user_id, attempt_id, item_id, now_ms);
  arc = ATTEMPTS_OK != arc ? arc : NULL == value ? ATTEMPTS_NO_VALUE : ATTEMPTS_OK;
  if (ATTEMPTS_OK == arc) {
    arc = attempts_answer_text(&job->value_text, number, job->item, value, err, errlen);
  }
  if (ATTEMPTS_OK != arc) {
    attempts_save_free(job);
    return arc;
  }
  job->items[0] = job->item->id;
  job->values[0] = job->value_text;
  job->sc = (struct save_ctx){.id = job->a.id, .items = job->items, .values = job->values, .n = 1};
  job->sc.not_after_ms = attempts_save_not_after(svc, now_ms);
  *out = job;
  return ATTEMPTS_OK;
}

/* The outcome of job's write (rc from its transaction), and *out on ATTEMPTS_OK. */
static enum attempts_rc save_finish(struct attempts_save *job, int rc, struct attempts_saved *out) {
  memset(out, 0, sizeof(*out));
  enum attempts_rc arc = saved_rc(job->svc, &job->sc, rc, job->now_ms);
  if (ATTEMPTS_OK == arc) {
    job->a.deadline_ms = job->sc.deadline_ms;
    out->item = job->item;
    out->deadline_ms = job->sc.deadline_ms;
    out->remaining_s = attempts_remaining_s(&job->a, job->now_ms);
  }
  return arc;
}

enum attempts_rc attempts_save_write(struct attempts_save *job, struct attempts_saved *out) {
  int rc = store_txn(job->svc->store, save_txn, &job->sc);
  enum attempts_rc arc = save_finish(job, rc, out);
  attempts_save_free(job);
  return arc;
}

static int save_job_txn(struct store_tx *tx, void *arg) {
  struct attempts_save *job = arg;
  return save_txn(tx, &job->sc);
}

static void save_written(void *arg, int rc) {
  struct attempts_save *job = arg;
  struct attempts_saved sv;
  enum attempts_rc arc = save_finish(job, rc, &sv);
  job->done(job->cls, arc, &sv);
  attempts_save_free(job);
}

void attempts_save_queue(struct attempts_save *job, attempts_save_done_fn done, void *cls) {
  job->done = done;
  job->cls = cls;
  store_txn_async(job->svc->store, save_job_txn, job, save_written);
}

bool attempts_save_queues(const struct svc *svc) {
  return store_txn_async_queues(svc->store);
}

enum attempts_rc attempts_save_in(struct attempts_saved *out, struct svc *svc, struct store_rd *rd,
                                  int64_t user_id, int64_t attempt_id, const char *item_id,
                                  const json_t *value, int64_t now_ms, char *err, size_t errlen) {
  struct attempts_save *job = NULL;
  memset(out, 0, sizeof(*out));
  enum attempts_rc arc = attempts_save_prepare(&job, &out->number, svc, rd, user_id, attempt_id,
                                               item_id, value, now_ms, err, errlen);
  return ATTEMPTS_OK != arc ? arc : attempts_save_write(job, out);
}

/* ------------------------------------------------------------------ flags for review */

struct flag_ctx {
  int64_t id;
  const char *item_id;
  bool flagged;
};

static int flag_txn(struct store_tx *tx, void *arg) {
  const struct flag_ctx *fc = arg;
  return store_flag_set(tx, fc->id, fc->item_id, fc->flagged, store_tx_now_ms(tx));
}

enum attempts_rc attempts_flag(struct svc *svc, int64_t user_id, int64_t attempt_id,
                               const char *item_id, bool flagged, int64_t now_ms) {
  struct store_attempt a;
  struct exam_form *form = NULL;
  const struct exam_item *item = NULL;
  enum attempts_rc arc =
      attempts_open_item(&a, &item, &form, svc, user_id, attempt_id, item_id, now_ms);
  if (ATTEMPTS_OK == arc) {
    struct flag_ctx fc = {a.id, item->id, flagged};
    int rc = store_txn(svc->store, flag_txn, &fc);
    arc = STORE_CONFLICT == rc ? ATTEMPTS_CLOSED
          : STORE_OK == rc     ? ATTEMPTS_OK
                               : from_store(rc, "flag");
  }
  exam_form_free(form);
  store_attempt_clear(&a);
  return arc;
}

enum attempts_rc attempts_flags_json(json_t **out, struct svc *svc, int64_t attempt_id) {
  struct store_rd *rd = NULL;
  struct store_flag *flags = NULL;
  size_t n = 0;
  *out = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_flags_get(rd, &flags, &n, attempt_id);
    store_rd_end(rd);
  }
  if (STORE_OK != rc) {
    return from_store(rc, "flags read");
  }
  json_t *ids = json_object();
  for (size_t i = 0; NULL != ids && i < n; i++) {
    if (0 != json_object_set_new(ids, flags[i].item_id, json_true())) {
      json_decref(ids);
      ids = NULL;
    }
  }
  store_flags_free(flags, n);
  if (NULL == ids) {
    return ATTEMPTS_UNAVAILABLE;
  }
  *out = ids;
  return ATTEMPTS_OK;
}

/* ------------------------------------------------------------------ submit and the sweep */

enum attempts_rc attempts_submit(struct store_attempt *out, struct svc *svc, int64_t user_id,
                                 int64_t attempt_id, int64_t now_ms) {
  enum attempts_rc arc = read_own(out, svc, NULL, user_id, attempt_id, true);
  if (ATTEMPTS_OK != arc || !attempts_is_open(out)) {
    return arc;
  }
  arc = finish_attempt(svc, out, now_ms, true);
  int64_t id = out->id;
  store_attempt_clear(out);
  memset(out, 0, sizeof(*out));
  if (ATTEMPTS_OK != arc) {
    return arc;
  }
  int rc = read_attempt(svc, NULL, out, id, true);
  if (STORE_OK != rc) {
    memset(out, 0, sizeof(*out));
    return from_store(rc, "re-read after submit");
  }
  return ATTEMPTS_OK;
}

/* Makes the candidate view of every current exam version (once each; a reload's new versions
 * on the next sweep), so that no candidate's form read pays for it. */
static void make_views(struct svc *svc) {
  const struct exam **list = NULL;
  size_t n = 0;
  if (NULL == svc->forms || 0 != catalog_list(svc->catalog, &list, &n)) {
    return;
  }
  for (size_t i = 0; i < n; i++) {
    form_index_view(svc->forms, list[i]);
  }
  free(list);
}

enum attempts_rc attempts_index_open(struct svc *svc, int64_t *after_id, size_t *out_n) {
  struct store_attempt *list = NULL;
  struct store_rd *rd = NULL;
  size_t n = 0;
  *out_n = 0;
  if (NULL == svc->catalog || NULL == svc->forms) {
    return NULL == svc->catalog ? ATTEMPTS_NO_CATALOG : ATTEMPTS_OK;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempts_open_page(rd, &list, &n, *after_id, 256);
    store_rd_end(rd);
  }
  if (STORE_OK != rc) {
    return from_store(rc, "open attempts");
  }
  for (size_t i = 0; i < n; i++) {
    struct exam_form *form = NULL;
    /* builds the form from the text just read and indexes it (nothing when indexed) */
    if (!form_index_has(svc->forms, list[i].id)) {
      (void)attempts_form(&form, svc, &list[i]);
      exam_form_free(form);
    }
    *after_id = list[i].id;
  }
  store_attempt_list_free(list, n);
  *out_n = n;
  return ATTEMPTS_OK;
}

enum attempts_rc attempts_close_overdue(struct svc *svc, int64_t now_ms, size_t *out_closed) {
  int64_t ids[256];
  size_t n = 0;
  struct store_rd *rd = NULL;
  *out_closed = 0;
  if (NULL == svc->catalog) {
    return ATTEMPTS_NO_CATALOG;
  }
  make_views(svc);
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return from_store(rc, "overdue sweep");
  }
  rc = store_attempts_overdue(rd, ids, sizeof(ids) / sizeof(ids[0]), &n, now_ms - grace_ms(svc));
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return from_store(rc, "overdue sweep");
  }
  for (size_t i = 0; i < n; i++) {
    if (ATTEMPTS_OK == attempts_finish(svc, ids[i], now_ms, false)) {
      (*out_closed)++;
    } else {
      log_msg(LOG_WARN, NULL, "attempt %" PRId64 ": could not close at its deadline", ids[i]);
    }
  }
  return ATTEMPTS_OK;
}

/* ------------------------------------------------------------------ extra time (admin) */

struct extend_ctx {
  int64_t id;
  int64_t actor;
  int64_t minutes;
  const char *reason;
  struct attempts_extended *out;
};

static int extend_txn(struct store_tx *tx, void *arg) {
  struct extend_ctx *c = arg;
  struct store_attempt a;
  memset(&a, 0, sizeof a);
  int rc = store_attempt_get_brief(store_tx_rd(tx), &a, c->id);
  if (STORE_OK != rc) {
    return rc;
  }
  c->out->old_deadline_ms = a.deadline_ms;
  c->out->new_deadline_ms = a.deadline_ms + c->minutes * 60000;
  rc = store_attempt_extend_deadline(tx, c->id, c->minutes * 60000);
  if (STORE_OK != rc) {
    return rc;
  }
  return audit_change(tx, c->actor, "attempt.extra_time", "attempt", c->id,
                      json_pack("{s:I}", "deadline_at", (json_int_t)c->out->old_deadline_ms),
                      json_pack("{s:I, s:I, s:s}", "deadline_at",
                                (json_int_t)c->out->new_deadline_ms, "minutes",
                                (json_int_t)c->minutes, "reason", c->reason));
}

enum attempts_rc attempts_extend_deadline(struct attempts_extended *out, struct svc *svc,
                                          int64_t attempt_id, int64_t minutes, const char *reason,
                                          int64_t actor_user_id) {
  struct extend_ctx c = {
      .id = attempt_id, .actor = actor_user_id, .minutes = minutes, .reason = reason, .out = out};
  memset(out, 0, sizeof(*out));
  if (minutes < 1 || minutes > ATTEMPTS_MAX_EXTRA_MINUTES || NULL == reason || '\0' == reason[0]) {
    return ATTEMPTS_INTERNAL;
  }
  int rc = store_txn(svc->store, extend_txn, &c);
  if (STORE_NONE == rc) {
    return ATTEMPTS_NOT_FOUND;
  }
  if (STORE_CONFLICT == rc) {
    return ATTEMPTS_CLOSED;
  }
  return STORE_OK == rc ? ATTEMPTS_OK : from_store(rc, "extending a deadline");
}
