/*
 * Attempts, the candidate's side of an exam: start (retake policy), read (form without keys,
 * saved answers, server time and remaining seconds), save one answer (durable before 2xx),
 * submit (scores; pending while open items await an assessor) and the released result.
 *
 * The deadline lives in the store (extra time moves it); an attempt whose deadline plus the
 * save grace has passed is closed and scored AT its deadline the moment anyone touches it,
 * and by attempts_close_overdue() at start-up and periodically.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "common/catalog.h"
#include "common/form_index.h"
#include "common/issue.h"
#include "common/log.h"
#include "http/handlers.h"
#include "http/jsontext.h"
#include "store/store.h"
#include "ujikom/exam_form.h"
#include "ujikom/score.h"

#define DAY_MS          (86400LL * 1000LL)
#define MAX_ANSWER_JSON 65536

/* ------------------------------------------------------------------ small helpers */

static int64_t grace_ms(const struct svc *svc) {
  return (int64_t)svc->cfg->save_grace_s * 1000;
}

static bool is_open(const struct store_attempt *a) {
  return ATTEMPT_OPEN == a->status;
}

/* Past its deadline plus the grace for answers still in flight. */
static bool overdue(const struct svc *svc, const struct store_attempt *a, int64_t now_ms) {
  return is_open(a) && now_ms > a->deadline_ms + grace_ms(svc);
}

static json_int_t remaining_seconds(const struct store_attempt *a, int64_t now_ms) {
  if (!is_open(a) || now_ms >= a->deadline_ms) {
    return 0;
  }
  return (json_int_t)((a->deadline_ms - now_ms + 999) / 1000);
}

/* Reads attempt `id` into *out. Returns STORE_OK, STORE_NONE, or negative. */
static int read_attempt(struct svc *svc, struct store_attempt *out, int64_t id) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_attempt_get(rd, out, id);
  store_rd_end(rd);
  return rc;
}

/* The attempt named in the path, if it is the caller's; otherwise answers 404 (the same for
 * "does not exist" and "someone else's", so ids leak nothing) and returns -1. */
static int own_attempt_read(struct req *r, struct store_attempt *out, bool brief);

static int own_attempt(struct req *r, struct store_attempt *out) {
  return own_attempt_read(r, out, false);
}

/* As own_attempt(), with brief: without the attempt's form and result texts. */
static int own_attempt_read(struct req *r, struct store_attempt *out, bool brief) {
  if (NULL == r->svc->catalog) {
    reply_error(r, ERR_UNAVAILABLE, "The exam catalogue is not loaded.");
    return -1;
  }
  int64_t id = 0;
  if (!parse_id(r->params[0], &id)) {
    reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
    return -1;
  }
  int rc = STORE_OK;
  if (brief) {
    struct store_rd *rd = NULL;
    rc = store_rd_begin(r->svc->store, &rd);
    if (STORE_OK == rc) {
      rc = store_attempt_get_brief(rd, out, id);
      store_rd_end(rd);
    }
  } else {
    rc = read_attempt(r->svc, out, id);
  }
  if (STORE_OK == rc && out->user_id != r->user->id) {
    store_attempt_clear(out);
    rc = STORE_NONE;
  }
  if (STORE_NONE == rc) {
    reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
    return -1;
  }
  if (STORE_OK != rc) {
    reply_store_error(r, rc, __func__);
    return -1;
  }
  return 0;
}

/* The drawn form of an attempt: from the form index, else rebuilt from the attempt's stored
 * form against its exam version (and then indexed; forms never change once drawn, so the
 * index cannot go stale). Returns 0, or -1 (logged) when the version cannot be loaded or the
 * stored form does not match it (broken invariants), or -2 when the store could not be read
 * or memory ran out. */
static int attempt_form(struct svc *svc, const struct store_attempt *a, struct exam_form **out) {
  const struct exam *exam = NULL;
  char err[160];
  *out = NULL;
  int rc = form_index_form(svc->forms, out, a->id, a->exam_version);
  if (1 == rc) {
    return 0;
  }
  if (-2 == rc) {
    return -2;
  }
  rc = catalog_version_from_store(svc->catalog, svc->store, &exam, a->exam_version);
  if (0 != rc) {
    return rc;
  }
  struct store_attempt full = {0};
  const char *text = a->form;
  if (NULL == text) { /* read briefly: the stored form is needed after all */
    int src = read_attempt(svc, &full, a->id);
    if (STORE_OK != src) {
      return -2;
    }
    text = full.form;
  }
  rc = exam_form_from_text(out, exam, NULL != text ? text : "", err, sizeof(err));
  store_attempt_clear(&full);
  if (0 != rc) {
    log_msg(LOG_ERROR, NULL, "attempt %" PRId64 ": stored form does not match: %s", a->id, err);
    return -1;
  }
  form_index_put(svc->forms, a->id, a->exam_version, *out);
  return 0;
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
  if (!is_open(&a)) {
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
  result_text = json_dumps(rj, JSON_COMPACT);
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

static int attempt_form(struct svc *svc, const struct store_attempt *a, struct exam_form **out);

/* attempts_finish() for an attempt already read (briefly or not). */
static int finish_attempt(struct svc *svc, const struct store_attempt *a, int64_t now_ms,
                          bool by_candidate) {
  struct exam_form *form = NULL;
  int64_t id = a->id;
  int rc = STORE_OK;
  int frc = attempt_form(svc, a, &form);
  if (-2 == frc) {
    return STORE_UNAVAILABLE;
  }
  if (0 != frc) {
    return ATTEMPTS_EXAM_VERSION_MISSING;
  }
  struct finish_ctx fc = {.id = id,
                          .form = form,
                          .now_ms = now_ms,
                          .grace_ms = grace_ms(svc),
                          .by_candidate = by_candidate};
  rc = store_txn(svc->store, finish_txn, &fc);
  if (STORE_OK == rc && fc.finished) {
    log_msg(LOG_INFO, NULL, "attempt %" PRId64 " %s: %s", id,
            by_candidate ? "submitted" : "closed at its deadline", verdict_name(fc.verdict));
  }
  if (STORE_OK == rc && VERDICT_K == fc.verdict)
    issue_for_passed(svc, id);
  exam_form_free(form);
  return rc;
}

int attempts_finish(struct svc *svc, int64_t id, int64_t now_ms, bool by_candidate) {
  struct store_attempt a;
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_attempt_get_brief(rd, &a, id);
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return rc;
  }
  return finish_attempt(svc, &a, now_ms, by_candidate);
}

/* If *a is overdue, closes it at its deadline and re-reads it. Returns 0, or -1 after
 * answering an error. */
static int settle(struct req *r, struct store_attempt *a) {
  if (!overdue(r->svc, a, r->now_ms)) {
    return 0;
  }
  int rc = attempts_finish(r->svc, a->id, r->now_ms, false);
  if (ATTEMPTS_EXAM_VERSION_MISSING == rc) {
    reply_error(r, ERR_EXAM_VERSION_MISSING, NULL);
    return -1;
  }
  if (STORE_OK != rc) {
    reply_store_error(r, rc, __func__);
    return -1;
  }
  int64_t id = a->id;
  store_attempt_clear(a);
  rc = read_attempt(r->svc, a, id);
  if (STORE_OK != rc) {
    reply_store_error(r, rc, __func__);
    return -1;
  }
  return 0;
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

int attempts_close_overdue(struct svc *svc, int64_t now_ms) {
  int64_t ids[256];
  size_t n = 0;
  int closed = 0;
  struct store_rd *rd = NULL;
  if (NULL == svc->catalog) {
    return -1;
  }
  make_views(svc);
  if (STORE_OK != store_rd_begin(svc->store, &rd)) {
    return -1;
  }
  int rc =
      store_attempts_overdue(rd, ids, sizeof(ids) / sizeof(ids[0]), &n, now_ms - grace_ms(svc));
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    if (STORE_OK == attempts_finish(svc, ids[i], now_ms, false)) {
      closed++;
    } else {
      log_msg(LOG_WARN, NULL, "attempt %" PRId64 ": could not close at its deadline", ids[i]);
    }
  }
  return closed;
}

/* ------------------------------------------------------------------ replies */

static const char *exam_title(struct svc *svc, const struct store_attempt *a) {
  const struct exam *e = catalog_version(svc->catalog, a->exam_version);
  if (NULL == e) {
    e = catalog_current(svc->catalog, a->exam_id);
  }
  return NULL != e ? e->title : a->exam_id;
}

/* The verdict as the candidate may see it: K/BK once decided, "pending" otherwise. */
static const char *visible_verdict(const struct store_attempt *a) {
  if (VERDICT_K == a->verdict || VERDICT_BK == a->verdict) {
    return verdict_name(a->verdict);
  }
  return is_open(a) ? NULL : "pending";
}

static json_t *attempt_summary(struct svc *svc, const struct store_attempt *a, int64_t now_ms) {
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:I}", "id", (json_int_t)a->id,
                        "exam_id", a->exam_id, "exam_title", exam_title(svc, a), "status",
                        attempt_status_name(a->status), "started_at", json_time(a->started_ms),
                        "deadline_at", json_time(a->deadline_ms), "server_time", json_time(now_ms),
                        "remaining_seconds", remaining_seconds(a, now_ms));
  if (NULL == j) {
    return NULL;
  }
  if (!is_open(a)) {
    json_object_set_new(j, "finished_at", json_time(a->finished_ms));
  }
  const char *v = visible_verdict(a);
  if (NULL != v) {
    json_object_set_new(j, "verdict", json_string(v));
  }
  return j;
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
  /* out */
  int64_t id;
};

static int start_txn(struct store_tx *tx, void *arg) {
  struct start_ctx *sc = arg;
  sc->id = 0;
  int rc =
      store_exam_source_put(tx, sc->exam->version, sc->exam->id, sc->file, sc->src, sc->src_len);
  if (STORE_OK != rc) {
    return rc;
  }
  int64_t deadline = sc->now_ms + (int64_t)sc->exam->duration_minutes * 60 * 1000;
  return store_attempt_create(tx, &sc->id, sc->user_id, sc->exam->id, sc->exam->version,
                              sc->form_text, deadline);
}

/* The retake policy over the candidate's earlier attempts at the exam (newest first):
 * ATTEMPT_START_OK when a new attempt may start, else the refusal (with, for a cooldown,
 * when it ends). */
static enum attempt_refusal retake_policy(const struct exam *exam, const struct store_attempt *list,
                                          size_t n, int64_t now_ms, int64_t *out_until_ms) {
  if ((long)n >= exam->max_attempts) {
    return ATTEMPT_LIMIT;
  }
  if (0 == n) {
    return ATTEMPT_START_OK;
  }
  const struct store_attempt *last = &list[0];
  if (VERDICT_K == last->verdict) {
    return ATTEMPT_ALREADY_COMPETENT;
  }
  if (VERDICT_PENDING == last->verdict) {
    return ATTEMPT_AWAITING_REVIEW;
  }
  int64_t until = last->finished_ms + (int64_t)exam->cooldown_days * DAY_MS;
  if (now_ms < until) {
    *out_until_ms = until;
    return ATTEMPT_COOLDOWN;
  }
  return ATTEMPT_START_OK;
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

int attempts_start(struct attempt_start *out, struct svc *svc, int64_t user_id,
                   const struct exam *exam, int64_t now_ms) {
  struct store_attempt *list = NULL, open_a;
  size_t n = 0;
  struct exam_form *form = NULL;
  char *form_text = NULL;
  json_t *fj = NULL;
  memset(out, 0, sizeof(*out));
  /* An open attempt is returned as it is (a reload of the start page must not fail). */
  int rc = open_attempt(svc, &open_a, user_id, exam->id);
  if (STORE_OK == rc) {
    bool late = overdue(svc, &open_a, now_ms);
    out->id = open_a.id;
    store_attempt_clear(&open_a);
    if (!late) {
      return STORE_OK;
    }
    out->id = 0;
    rc = attempts_finish(svc, open_a.id, now_ms, false);
    if (STORE_OK != rc) {
      return rc;
    }
  } else if (rc < 0) {
    return rc;
  }
  struct store_rd *rd = NULL;
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempt_list_user(rd, &list, &n, user_id, exam->id, 1000);
    store_rd_end(rd);
  }
  if (STORE_OK != rc) {
    goto cleanup;
  }
  out->refusal = retake_policy(exam, list, n, now_ms, &out->retry_at_ms);
  if (ATTEMPT_START_OK != out->refusal) {
    goto cleanup;
  }
  uint64_t seed = 0;
  rc = ATTEMPTS_INTERNAL;
  if (1 != RAND_bytes((unsigned char *)&seed, sizeof(seed)) ||
      0 != exam_form_assemble(&form, exam, seed) || NULL == (fj = exam_form_to_json(form)) ||
      NULL == (form_text = json_dumps(fj, JSON_COMPACT))) {
    goto cleanup;
  }
  struct start_ctx sc = {
      .user_id = user_id, .exam = exam, .form_text = form_text, .now_ms = now_ms};
  if (0 != catalog_source(svc->catalog, exam->version, &sc.src, &sc.src_len, &sc.file)) {
    goto cleanup;
  }
  rc = store_txn(svc->store, start_txn, &sc);
  if (STORE_EXISTS == rc) {
    /* A concurrent start won the race: hand out its attempt. */
    rc = open_attempt(svc, &open_a, user_id, exam->id);
    if (STORE_OK == rc) {
      out->id = open_a.id;
      store_attempt_clear(&open_a);
    }
    goto cleanup;
  }
  if (STORE_OK == rc) {
    out->id = sc.id;
    out->created = true;
    /* The candidate loads this form next and saves into it: index it now. */
    form_index_put(svc->forms, sc.id, exam->version, form);
  }
cleanup:
  json_decref(fj);
  free(form_text);
  exam_form_free(form);
  store_attempt_list_free(list, n);
  return STORE_NONE == rc ? STORE_HARD : rc;
}

static int reply_summary(struct req *r, unsigned status, const struct store_attempt *a);

static int reply_existing(struct req *r, int64_t id, unsigned status) {
  struct store_attempt a;
  int rc = read_attempt(r->svc, &a, id);
  if (STORE_OK != rc) {
    return reply_store_error(r, rc, __func__);
  }
  int ret = reply_summary(r, status, &a);
  store_attempt_clear(&a);
  return ret;
}

int h_attempts_start(struct req *r) {
  struct svc *svc = r->svc;
  if (NULL == svc->catalog) {
    return reply_error(r, ERR_UNAVAILABLE, "The exam catalogue is not loaded.");
  }
  const struct exam *exam = catalog_current(svc->catalog, r->params[0]);
  if (NULL == exam) {
    return reply_error(r, ERR_EXAM_NOT_FOUND, NULL);
  }
  struct attempt_start st;
  int rc = attempts_start(&st, svc, r->user->id, exam, r->now_ms);
  if (ATTEMPTS_EXAM_VERSION_MISSING == rc) {
    return reply_error(r, ERR_EXAM_VERSION_MISSING, NULL);
  }
  if (ATTEMPTS_INTERNAL == rc) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  if (STORE_OK != rc) {
    return reply_store_error(r, rc, __func__);
  }
  char detail[200], when[32];
  switch (st.refusal) {
  case ATTEMPT_START_OK:
    break;
  case ATTEMPT_LIMIT:
    snprintf(detail, sizeof(detail), "You have used all %ld attempt(s) this exam allows.",
             exam->max_attempts);
    return reply_error(r, ERR_ATTEMPT_LIMIT, detail);
  case ATTEMPT_ALREADY_COMPETENT:
    return reply_error(r, ERR_ALREADY_COMPETENT, NULL);
  case ATTEMPT_AWAITING_REVIEW:
    return reply_error(r, ERR_AWAITING_REVIEW, NULL);
  case ATTEMPT_COOLDOWN:
    iso_time(when, sizeof(when), st.retry_at_ms);
    snprintf(detail, sizeof(detail),
             "Belum kompeten: please study the assessor's feedback; you can start again from %s.",
             when);
    return reply_error(r, ERR_ATTEMPT_COOLDOWN, detail);
  }
  return reply_existing(r, st.id, st.created ? 201 : 200);
}

/* ------------------------------------------------------------------ list and read */

int h_attempts_list(struct req *r) {
  struct store_rd *rd = NULL;
  if (NULL == r->svc->catalog) {
    return reply_error(r, ERR_UNAVAILABLE, "The exam catalogue is not loaded.");
  }
  struct store_attempt *list = NULL;
  size_t n = 0;
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempt_list_user(rd, &list, &n, r->user->id, NULL, 1000);
    store_rd_end(rd);
  }
  if (STORE_OK != rc) {
    return reply_store_error(r, rc, __func__);
  }
  json_t *arr = json_array();
  for (size_t i = 0; NULL != arr && i < n; i++) {
    /* Overdue ones are closed on sight so the list never shows a stale "open". */
    if (overdue(r->svc, &list[i], r->now_ms) &&
        STORE_OK == attempts_finish(r->svc, list[i].id, r->now_ms, false)) {
      struct store_attempt fresh;
      if (STORE_OK == read_attempt(r->svc, &fresh, list[i].id)) {
        store_attempt_clear(&fresh);
        list[i] = fresh;
      }
    }
    json_array_append_new(arr, attempt_summary(r->svc, &list[i], r->now_ms));
  }
  store_attempt_list_free(list, n);
  if (NULL == arr) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200, json_pack("{s:o}", "attempts", arr));
}

/* ------------------------------------------------------------------ the form as text */

/* As json_time(): "YYYY-MM-DDTHH:MM:SSZ" (UTC), or null for "not yet" (ms <= 0). Computed
 * directly (days to civil date, proleptic Gregorian) rather than with gmtime_r and strftime,
 * which took more than the rest of a save's answer; years past 9999 fall back to them. */
static void jt_time(struct jtext *b, int64_t ms) {
  if (ms <= 0) {
    JT_LIT(b, "null");
    return;
  }
  int64_t secs = ms / 1000;
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  /* civil_from_days (H. Hinnant), days since 1970-01-01 >= 0 */
  int64_t z = days + 719468;
  int64_t era = z / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
  if (y > 9999) {
    char buf[32];
    iso_time(buf, sizeof buf, ms);
    jt_str(b, buf);
    return;
  }
  int64_t hh = rem / 3600, mm = rem % 3600 / 60, ss = rem % 60;
  char t[23] = "\"0000-00-00T00:00:00Z\"";
  t[1] = (char)('0' + y / 1000);
  t[2] = (char)('0' + y / 100 % 10);
  t[3] = (char)('0' + y / 10 % 10);
  t[4] = (char)('0' + y % 10);
  t[6] = (char)('0' + m / 10);
  t[7] = (char)('0' + m % 10);
  t[9] = (char)('0' + d / 10);
  t[10] = (char)('0' + d % 10);
  t[12] = (char)('0' + hh / 10);
  t[13] = (char)('0' + hh % 10);
  t[15] = (char)('0' + mm / 10);
  t[16] = (char)('0' + mm % 10);
  t[18] = (char)('0' + ss / 10);
  t[19] = (char)('0' + ss % 10);
  jt_raw(b, t, 22);
}

/* attempt_summary() as text, without its closing brace (the caller adds more or closes it). */
static void jt_summary(struct jtext *b, struct svc *svc, const struct store_attempt *a,
                       int64_t now_ms) {
  JT_LIT(b, "{\"id\":");
  jt_int(b, a->id);
  JT_LIT(b, ",\"exam_id\":");
  jt_str(b, a->exam_id);
  JT_LIT(b, ",\"exam_title\":");
  jt_str(b, exam_title(svc, a));
  JT_LIT(b, ",\"status\":");
  jt_str(b, attempt_status_name(a->status));
  JT_LIT(b, ",\"started_at\":");
  jt_time(b, a->started_ms);
  JT_LIT(b, ",\"deadline_at\":");
  jt_time(b, a->deadline_ms);
  JT_LIT(b, ",\"server_time\":");
  jt_time(b, now_ms);
  JT_LIT(b, ",\"remaining_seconds\":");
  jt_int(b, (int64_t)remaining_seconds(a, now_ms));
  if (!is_open(a)) {
    JT_LIT(b, ",\"finished_at\":");
    jt_time(b, a->finished_ms);
  }
  const char *verdict = visible_verdict(a);
  if (NULL != verdict) {
    JT_LIT(b, ",\"verdict\":");
    jt_str(b, verdict);
  }
}

/* 200 with the attempt's summary, as reply_json(attempt_summary()) answers it. */
static int reply_summary(struct req *r, unsigned status, const struct store_attempt *a) {
  struct jtext b = {0};
  jt_summary(&b, r->svc, a, r->now_ms);
  JT_LIT(&b, "}");
  if (b.failed) {
    free(b.s);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_bytes_owned(r, status, "application/json; charset=utf-8", b.s, b.len);
}

/* Ends the form read's text: "answers" from the stored answer texts (each stored by a save
 * as JSON; one that is not JSON is left out), then replies with it. */
static int reply_answers_tail(struct req *r, struct jtext *b, const struct store_answer *answers,
                              size_t nanswers) {
  JT_LIT(b, ",\"answers\":{");
  bool first = true;
  for (size_t i = 0; i < nanswers; i++) {
    if (!json_text_valid(answers[i].value)) {
      continue;
    }
    if (!first) {
      JT_LIT(b, ",");
    }
    first = false;
    jt_str(b, answers[i].item_id);
    JT_LIT(b, ":");
    jt_raw(b, answers[i].value, strlen(answers[i].value));
  }
  JT_LIT(b, "}}");
  if (b->failed) {
    free(b->s);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_bytes_owned(r, 200, "application/json; charset=utf-8", b->s, b->len);
}

/* GET /api/attempts/:id's answer, written directly: the summary (as attempt_summary), "form"
 * spliced from the exam version's pre-serialised candidate view (form_index_view) and
 * "answers" from the stored answer texts (each stored by a save as JSON; one that is not
 * JSON is left out). The same JSON as the jansson-built answer, which remains the fallback
 * when no view can be had. */
static int reply_attempt_form(struct req *r, const struct store_attempt *a,
                              const struct exam_form *form, const struct store_answer *answers,
                              size_t nanswers) {
  const struct exam_view *view = form_index_view(r->svc->forms, form->exam);
  size_t flen = NULL != view ? exam_view_form_size(view, form) : SIZE_MAX;
  if (SIZE_MAX == flen) {
    json_t *j = attempt_summary(r->svc, a, r->now_ms);
    json_t *fj = exam_form_candidate_json(form);
    json_t *aj = json_object();
    for (size_t i = 0; NULL != aj && i < nanswers; i++) {
      json_error_t e;
      json_t *v = json_loads(answers[i].value, JSON_DECODE_ANY, &e);
      if (NULL != v) {
        json_object_set_new(aj, answers[i].item_id, v);
      }
    }
    if (NULL == j || NULL == fj || NULL == aj) {
      json_decref(j);
      json_decref(fj);
      json_decref(aj);
      return reply_error(r, ERR_INTERNAL, NULL);
    }
    json_object_set_new(j, "form", fj);
    json_object_set_new(j, "answers", aj);
    return reply_json(r, 200, j);
  }
  struct jtext b = {0};
  size_t cap = 1024 + flen;
  for (size_t i = 0; i < nanswers; i++) {
    cap += strlen(answers[i].value) + sizeof(answers[i].item_id) + 4;
  }
  b.s = malloc(cap);
  b.cap = NULL != b.s ? cap : 0;
  jt_summary(&b, r->svc, a, r->now_ms);
  JT_LIT(&b, ",\"form\":");
  if (jt_reserve(&b, flen) && flen == exam_view_form_write(view, form, b.s + b.len)) {
    b.len += flen;
  } else {
    b.failed = true;
  }
  return reply_answers_tail(r, &b, answers, nanswers);
}

/* The form read for an attempt whose form is in the form index: the view is written straight
 * from the index entry (form_index_view_text), no form is made. Returns 1 after replying, or
 * 0 when the form is not indexed (nothing replied). */
static int reply_attempt_indexed(struct req *r, const struct store_attempt *a,
                                 const struct store_answer *answers, size_t nanswers, int *ret) {
  struct jtext b = {0};
  size_t cap = 16384;
  for (size_t i = 0; i < nanswers; i++) {
    cap += strlen(answers[i].value) + sizeof(answers[i].item_id) + 4;
  }
  if (!jt_reserve(&b, cap)) {
    *ret = reply_error(r, ERR_INTERNAL, NULL);
    return 1;
  }
  jt_summary(&b, r->svc, a, r->now_ms);
  JT_LIT(&b, ",\"form\":");
  int vrc = b.failed
                ? -2
                : form_index_view_text(r->svc->forms, a->id, a->exam_version, &b.s, &b.len, &b.cap);
  if (-1 == vrc) {
    free(b.s);
    return 0;
  }
  b.failed = b.failed || 1 != vrc;
  *ret = reply_answers_tail(r, &b, answers, nanswers);
  return 1;
}

/* The attempt named in the path and its saved answers, read in one snapshot, if it is the
 * caller's; otherwise answers as own_attempt() does and returns -1. */
static int own_attempt_answers(struct req *r, struct store_attempt *out,
                               struct store_answer **answers, size_t *nanswers) {
  struct store_rd *rd = NULL;
  int64_t id = 0;
  *answers = NULL;
  *nanswers = 0;
  memset(out, 0, sizeof(*out));
  if (NULL == r->svc->catalog) {
    reply_error(r, ERR_UNAVAILABLE, "The exam catalogue is not loaded.");
    return -1;
  }
  if (!parse_id(r->params[0], &id)) {
    reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
    return -1;
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempt_get_brief(rd, out, id); /* the form text only if not indexed */
    if (STORE_OK == rc && out->user_id != r->user->id) {
      store_attempt_clear(out);
      rc = STORE_NONE;
    }
    if (STORE_OK == rc) {
      rc = store_answers_get(rd, answers, nanswers, id);
      if (STORE_OK != rc) {
        store_attempt_clear(out);
      }
    }
    store_rd_end(rd);
  }
  if (STORE_NONE == rc) {
    reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
    return -1;
  }
  if (STORE_OK != rc) {
    reply_store_error(r, rc, __func__);
    return -1;
  }
  return 0;
}

int h_attempts_get(struct req *r) {
  struct store_attempt a;
  struct exam_form *form = NULL;
  struct store_answer *answers = NULL;
  size_t n = 0;
  if (0 != own_attempt_answers(r, &a, &answers, &n)) {
    return 0;
  }
  int ret = 0;
  if (overdue(r->svc, &a, r->now_ms)) {
    /* Closed at its deadline first; then what it holds now (answers cannot change once it
     * is closed, but read them again with it all the same). */
    store_answers_free(answers, n);
    answers = NULL;
    n = 0;
    struct store_rd *rd = NULL;
    if (0 != settle(r, &a)) {
      goto cleanup;
    }
    int rc = store_rd_begin(r->svc->store, &rd);
    if (STORE_OK == rc) {
      rc = store_answers_get(rd, &answers, &n, a.id);
      store_rd_end(rd);
    }
    if (STORE_OK != rc) {
      ret = reply_store_error(r, rc, __func__);
      goto cleanup;
    }
  }
  if (1 == reply_attempt_indexed(r, &a, answers, n, &ret)) {
    goto cleanup;
  }
  int frc = attempt_form(r->svc, &a, &form);
  if (0 != frc) {
    ret = -2 == frc ? reply_error(r, ERR_UNAVAILABLE, NULL)
                    : reply_error(r, ERR_EXAM_VERSION_MISSING, NULL);
    goto cleanup;
  }
  ret = reply_attempt_form(r, &a, form, answers, n);
cleanup:
  store_answers_free(answers, n);
  exam_form_free(form);
  store_attempt_clear(&a);
  return ret;
}

/* ------------------------------------------------------------------ save an answer */

struct save_ctx {
  int64_t id;
  const char *item_id;
  const char *value_text;
  int64_t now_ms;
  int64_t grace_ms;
  /* out */
  int64_t deadline_ms;
};

static int save_txn(struct store_tx *tx, void *arg) {
  struct save_ctx *sc = arg;
  /* Checked inside the transaction: the deadline may have moved, the attempt may have been
   * submitted by another tab a moment ago. */
  return store_answer_put_checked(tx, sc->id, sc->item_id, sc->value_text, store_tx_now_ms(tx),
                                  sc->now_ms - sc->grace_ms, &sc->deadline_ms);
}

int h_attempts_save_answer(struct req *r) {
  struct store_attempt a;
  struct exam_form *form = NULL;
  char *value_text = NULL;
  char err[160];
  if (0 != own_attempt_read(r, &a, true)) {
    return 0;
  }
  int ret = 0;
  if (0 != settle(r, &a)) {
    goto cleanup;
  }
  if (!is_open(&a)) {
    ret = reply_error(r, ATTEMPT_CLOSED == a.status ? ERR_ATTEMPT_DEADLINE : ERR_ATTEMPT_CLOSED,
                      NULL);
    goto cleanup;
  }
  /* Which item this is: from the form index, else from the rebuilt form (then indexed). */
  const struct exam_item *item = NULL;
  if (form_index_find(r->svc->forms, &item, a.id, a.exam_version, r->params[1]) < 0) {
    int frc = attempt_form(r->svc, &a, &form);
    if (0 != frc) {
      ret = -2 == frc ? reply_error(r, ERR_UNAVAILABLE, NULL)
                      : reply_error(r, ERR_EXAM_VERSION_MISSING, NULL);
      goto cleanup;
    }
    const struct form_item *fi = exam_form_find_item(form, r->params[1]);
    item = NULL == fi ? NULL : fi->item;
  }
  if (NULL == item) {
    ret = reply_error(r, ERR_ITEM_NOT_IN_FORM, NULL);
    goto cleanup;
  }
  if (NULL == r->json || !json_is_object(r->json) || 1 != json_object_size(r->json) ||
      NULL == json_object_get(r->json, "value")) {
    ret = reply_error(r, ERR_BAD_ANSWER, "The body must be a JSON object {\"value\": ...}.");
    goto cleanup;
  }
  const json_t *value = json_object_get(r->json, "value");
  if (!score_answer_shape_ok(item, value, err, sizeof(err))) {
    ret = reply_error(r, ERR_BAD_ANSWER, err);
    goto cleanup;
  }
  value_text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
  if (NULL == value_text || strlen(value_text) > MAX_ANSWER_JSON) {
    ret = NULL == value_text ? reply_error(r, ERR_INTERNAL, NULL)
                             : reply_error(r, ERR_BAD_ANSWER, "The answer is too long.");
    goto cleanup;
  }
  struct save_ctx sc = {.id = a.id,
                        .item_id = item->id,
                        .value_text = value_text,
                        .now_ms = r->now_ms,
                        .grace_ms = grace_ms(r->svc)};
  int rc = store_txn(r->svc->store, save_txn, &sc);
  if (STORE_CONFLICT == rc) {
    ret = r->now_ms > sc.deadline_ms + grace_ms(r->svc) && 0 != sc.deadline_ms
              ? reply_error(r, ERR_ATTEMPT_DEADLINE, NULL)
              : reply_error(r, ERR_ATTEMPT_CLOSED, NULL);
    goto cleanup;
  }
  if (STORE_OK != rc) {
    ret = reply_store_error(r, rc, __func__);
    goto cleanup;
  }
  a.deadline_ms = sc.deadline_ms;
  /* {"item":..,"saved":true,"server_time":..,"deadline_at":..,"remaining_seconds":..} */
  struct jtext b = {0};
  JT_LIT(&b, "{\"item\":");
  jt_str(&b, item->id);
  JT_LIT(&b, ",\"saved\":true,\"server_time\":");
  jt_time(&b, r->now_ms);
  JT_LIT(&b, ",\"deadline_at\":");
  jt_time(&b, sc.deadline_ms);
  JT_LIT(&b, ",\"remaining_seconds\":");
  jt_int(&b, (int64_t)remaining_seconds(&a, r->now_ms));
  JT_LIT(&b, "}");
  if (b.failed) {
    free(b.s);
    ret = reply_error(r, ERR_INTERNAL, NULL);
  } else {
    ret = reply_bytes_owned(r, 200, "application/json; charset=utf-8", b.s, b.len);
  }
cleanup:
  free(value_text);
  exam_form_free(form);
  store_attempt_clear(&a);
  return ret;
}

/* ------------------------------------------------------------------ submit and result */

int h_attempts_submit(struct req *r) {
  struct store_attempt a;
  if (0 != own_attempt_read(r, &a, true)) {
    return 0;
  }
  int ret = 0;
  if (is_open(&a)) {
    int rc = finish_attempt(r->svc, &a, r->now_ms, true);
    if (STORE_OK != rc) {
      ret = ATTEMPTS_EXAM_VERSION_MISSING == rc ? reply_error(r, ERR_EXAM_VERSION_MISSING, NULL)
                                                : reply_store_error(r, rc, __func__);
      goto cleanup;
    }
    int64_t id = a.id;
    struct store_rd *rd = NULL;
    rc = store_rd_begin(r->svc->store, &rd);
    if (STORE_OK == rc) {
      rc = store_attempt_get_brief(rd, &a, id);
      store_rd_end(rd);
    }
    if (STORE_OK != rc) {
      ret = reply_store_error(r, rc, __func__);
      goto cleanup;
    }
  }
  ret = reply_summary(r, 200, &a);
cleanup:
  store_attempt_clear(&a);
  return ret;
}

int h_attempts_result(struct req *r) {
  struct store_attempt a;
  if (0 != own_attempt(r, &a)) {
    return 0;
  }
  int ret = 0;
  if (0 != settle(r, &a)) {
    goto cleanup;
  }
  if (is_open(&a)) {
    ret = reply_error(r, ERR_RESULT_NOT_READY, NULL);
    goto cleanup;
  }
  const char *v = visible_verdict(&a);
  json_t *j = attempt_summary(r->svc, &a, r->now_ms);
  if (NULL == j) {
    ret = reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  if (0 == strcmp(v, "pending")) {
    json_object_set_new(j, "released", json_false());
    json_object_set_new(j, "message", json_string("Menunggu penilaian asesor."));
    json_object_set_new(j, "message_en", json_string("Awaiting assessor review."));
    ret = reply_json(r, 200, j);
    goto cleanup;
  }
  json_error_t e;
  json_t *res = NULL != a.result ? json_loads(a.result, 0, &e) : NULL;
  json_t *units = json_object_get(res, "units");
  json_object_set_new(j, "released", json_true());
  json_object_set_new(j, "units", json_is_array(units) ? json_incref(units) : json_array());
  json_decref(res);
  bool k = VERDICT_K == a.verdict;
  json_object_set_new(j, "message",
                      json_string(k ? "Kompeten. Selamat!"
                                    : "Belum kompeten — silakan pelajari umpan balik asesor dan "
                                      "daftar ulang setelah masa tunggu."));
  json_object_set_new(j, "message_en",
                      json_string(k ? "Competent. Congratulations!"
                                    : "Not yet competent — please study the assessor's feedback "
                                      "and register again after the waiting period."));
  ret = reply_json(r, 200, j);
cleanup:
  store_attempt_clear(&a);
  return ret;
}
