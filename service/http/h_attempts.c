/*
 * The attempts API, the candidate's side of an exam: start, list, read (form without keys,
 * saved answers, server time and remaining seconds), save one answer, submit and the released
 * result. Each handler parses, calls the attempts layer (common/attempts.h, where every rule
 * lives) and writes the answer; the attempt documents are written as text (jsontext.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/attempts.h"
#include "common/form_index.h"
#include "common/planned_time.h"
#include "common/prefs.h"
#include "http/handlers.h"
#include "http/jsontext.h"
#include "store/store.h"
#include "ujikom/clock.h"
#include "ujikom/exam_form.h"
#include "ujikom/json_compact.h"
#include "ujikom/timefmt.h"

/* The attempt id in the path, or 0 (no attempt has it: answered as not found). */
static int64_t path_attempt_id(const struct req *r) {
  int64_t id = 0;
  return parse_id(r->params[0], &id) ? id : 0;
}

/* How each outcome that is not ATTEMPTS_OK is answered: the registry error and, where the
 * registry's text is not the answer, the message (NULL: the caller's detail, if any). */
static const struct {
  enum err code;
  const char *message;
} outcome_errors[] = {
    [ATTEMPTS_OK] = {ERR_INTERNAL, NULL},
    [ATTEMPTS_NO_CATALOG] = {ERR_UNAVAILABLE, "The exam catalogue is not loaded."},
    [ATTEMPTS_EXAM_NOT_FOUND] = {ERR_EXAM_NOT_FOUND, NULL},
    [ATTEMPTS_NOT_FOUND] = {ERR_ATTEMPT_NOT_FOUND, NULL},
    [ATTEMPTS_LIMIT] = {ERR_ATTEMPT_LIMIT, NULL},
    [ATTEMPTS_ALREADY_COMPETENT] = {ERR_ALREADY_COMPETENT, NULL},
    [ATTEMPTS_AWAITING_REVIEW] = {ERR_AWAITING_REVIEW, NULL},
    [ATTEMPTS_COOLDOWN] = {ERR_ATTEMPT_COOLDOWN, NULL},
    [ATTEMPTS_NOT_ELIGIBLE] = {ERR_NOT_ELIGIBLE, NULL},
    [ATTEMPTS_WINDOW_NOT_OPEN] = {ERR_WINDOW_NOT_OPEN, NULL},
    [ATTEMPTS_WINDOW_CLOSED] = {ERR_WINDOW_CLOSED, NULL},
    [ATTEMPTS_SESSION_CODE] = {ERR_SESSION_CODE, NULL},
    [ATTEMPTS_CLOSED] = {ERR_ATTEMPT_CLOSED, NULL},
    [ATTEMPTS_DEADLINE] = {ERR_ATTEMPT_DEADLINE, NULL},
    [ATTEMPTS_ITEM_NOT_IN_FORM] = {ERR_ITEM_NOT_IN_FORM, NULL},
    [ATTEMPTS_NO_VALUE] = {ERR_BAD_ANSWER, "The body must be a JSON object {\"value\": ...}."},
    [ATTEMPTS_BAD_ANSWER] = {ERR_BAD_ANSWER, NULL},
    [ATTEMPTS_BAD_NUMBER] = {ERR_NUMBER_NOT_DIGITS, NULL},
    [ATTEMPTS_TOO_LONG] = {ERR_BAD_ANSWER, "The answer is too long."},
    [ATTEMPTS_EXAM_VERSION_MISSING] = {ERR_EXAM_VERSION_MISSING, NULL},
    [ATTEMPTS_BUSY] = {ERR_BUSY, NULL},
    [ATTEMPTS_UNAVAILABLE] = {ERR_UNAVAILABLE, NULL},
    [ATTEMPTS_INTERNAL] = {ERR_INTERNAL, NULL},
};

/* Answers an outcome that is not ATTEMPTS_OK; detail (may be NULL) is the message of the
 * outcomes that carry one (limit, cooldown, bad answer). */
static int reply_attempts_error(struct req *r, enum attempts_rc rc, const char *detail) {
  if ((size_t)rc >= sizeof(outcome_errors) / sizeof(outcome_errors[0])) {
    rc = ATTEMPTS_INTERNAL;
  }
  bool own_detail = ATTEMPTS_LIMIT == rc || ATTEMPTS_COOLDOWN == rc || ATTEMPTS_BAD_ANSWER == rc ||
                    ATTEMPTS_WINDOW_NOT_OPEN == rc || ATTEMPTS_WINDOW_CLOSED == rc;
  const char *message = NULL != outcome_errors[rc].message ? outcome_errors[rc].message
                        : own_detail                       ? detail
                                                           : NULL;
  return reply_error(r, outcome_errors[rc].code, message);
}

/* Answers a numeric answer's text that does not read as a number: one registry error per
 * reason, so that a page can say which in its own language. */
static int reply_number_error(struct req *r, enum numeric_rc why) {
  switch (why) {
  case NUMERIC_AMBIGUOUS:
    return reply_error(r, ERR_NUMBER_AMBIGUOUS, NULL);
  case NUMERIC_SEPARATORS:
    return reply_error(r, ERR_NUMBER_SEPARATORS, NULL);
  case NUMERIC_TOO_LONG:
    return reply_error(r, ERR_NUMBER_TOO_LONG, NULL);
  default:
    return reply_error(r, ERR_NUMBER_NOT_DIGITS, NULL);
  }
}

/* The body's field name when the body is an object with that field alone, else NULL. */
static const json_t *sole_field(const struct req *r, const char *name) {
  if (NULL == r->json || !json_is_object(r->json) || 1 != json_object_size(r->json)) {
    return NULL;
  }
  return json_object_get(r->json, name);
}

/* ------------------------------------------------------------------ the attempt as text */

/* As json_time(): "YYYY-MM-DDTHH:MM:SSZ" (UTC), or null for "not yet" (ms <= 0). */
static void jt_time(struct jtext *b, int64_t ms) {
  if (ms <= 0) {
    JT_LIT(b, "null");
    return;
  }
  char t[TIME_TEXT_SIZE + 2];
  t[0] = '"';
  size_t n = time_format(t + 1, TIME_TEXT_SIZE, ms / 1000, TIME_ISO);
  t[n + 1] = '"';
  jt_raw(b, t, n + 2);
}

void attempt_summary_text(struct jtext *b, const struct svc *svc, const struct store_attempt *a,
                          int64_t now_ms) {
  JT_LIT(b, "{\"id\":");
  jt_int(b, a->id);
  JT_LIT(b, ",\"exam_id\":");
  jt_str(b, a->exam_id);
  JT_LIT(b, ",\"exam_title\":");
  jt_str(b, attempts_exam_title(svc, a));
  JT_LIT(b, ",\"status\":");
  jt_str(b, attempt_status_name(a->status));
  JT_LIT(b, ",\"started_at\":");
  jt_time(b, a->started_ms);
  JT_LIT(b, ",\"deadline_at\":");
  jt_time(b, a->deadline_ms);
  JT_LIT(b, ",\"server_time\":");
  jt_time(b, now_ms);
  JT_LIT(b, ",\"remaining_seconds\":");
  jt_int(b, attempts_remaining_s(a, now_ms));
  if (!attempts_is_open(a)) {
    JT_LIT(b, ",\"finished_at\":");
    jt_time(b, a->finished_ms);
  }
  const char *verdict = attempts_visible_verdict(a);
  if (NULL != verdict) {
    JT_LIT(b, ",\"verdict\":");
    jt_str(b, verdict);
  }
}

/* Replies with the text in b (freed here), or 500 when it could not be written. */
static int reply_text(struct req *r, unsigned status, struct jtext *b) {
  if (b->failed) {
    free(b->s);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_bytes_owned(r, status, "application/json; charset=utf-8", b->s, b->len);
}

/* The attempt's summary. */
static int reply_summary(struct req *r, unsigned status, const struct store_attempt *a) {
  struct jtext b = {0};
  attempt_summary_text(&b, r->svc, a, r->now_ms);
  JT_LIT(&b, "}");
  return reply_text(r, status, &b);
}

/* Ends the form read's text: "flags" (the items flagged for review) and "answers" from the
 * stored answer texts (each stored by a save as JSON; one that is not JSON is left out), then
 * replies with it. */
static int reply_answers_tail(struct req *r, struct jtext *b, const struct attempts_sheet *s) {
  const struct store_answer *answers = s->answers;
  size_t nanswers = s->nanswers;
  JT_LIT(b, ",\"flags\":[");
  for (size_t i = 0; i < s->nflags; i++) {
    if (i > 0) {
      JT_LIT(b, ",");
    }
    jt_str(b, s->flags[i].item_id);
  }
  JT_LIT(b, "],\"answers\":{");
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
  return reply_text(r, 200, b);
}

/* Room for the summary, the flags and the answers, plus extra. */
static size_t form_read_cap(const struct attempts_sheet *s, size_t extra) {
  size_t cap = 1024 + extra + s->nflags * (sizeof(s->flags[0].item_id) + 4);
  for (size_t i = 0; i < s->nanswers; i++) {
    cap += strlen(s->answers[i].value) + sizeof(s->answers[i].item_id) + 4;
  }
  return cap;
}

/* GET /api/attempts/:id's answer for a form made (not indexed): the summary, "form" spliced
 * from the exam version's pre-serialised candidate view (form_index_view), else the
 * candidate view written by jansson when no view can be had, and "answers". */
static int reply_attempt_form(struct req *r, const struct attempts_sheet *s,
                              const struct exam_form *form) {
  const struct store_attempt *a = &s->attempt;
  const struct exam_view *view = form_index_view(r->svc->forms, form->exam);
  size_t flen = NULL != view ? exam_view_form_size(view, form) : SIZE_MAX;
  char *ftext = NULL;
  if (SIZE_MAX == flen) {
    json_t *fj = exam_form_candidate_json(form);
    ftext = NULL == fj ? NULL : json_compact(fj, false);
    json_decref(fj);
    if (NULL == ftext) {
      return reply_error(r, ERR_INTERNAL, NULL);
    }
  }
  struct jtext b = {0};
  size_t cap = form_read_cap(s, NULL != ftext ? strlen(ftext) : flen);
  b.s = malloc(cap);
  b.cap = NULL != b.s ? cap : 0;
  attempt_summary_text(&b, r->svc, a, r->now_ms);
  JT_LIT(&b, ",\"form\":");
  if (NULL != ftext) {
    jt_raw(&b, ftext, strlen(ftext));
    free(ftext);
  } else if (jt_reserve(&b, flen) && flen == exam_view_form_write(view, form, b.s + b.len)) {
    b.len += flen;
  } else {
    b.failed = true;
  }
  return reply_answers_tail(r, &b, s);
}

/* The form read for an attempt whose form is in the form index: the view is written straight
 * from the index entry (form_index_view_text), no form is made. Returns 1 after replying, or
 * 0 when the form is not indexed (nothing replied). */
static int reply_attempt_indexed(struct req *r, const struct attempts_sheet *s, int *ret) {
  const struct store_attempt *a = &s->attempt;
  struct jtext b = {0};
  if (!jt_reserve(&b, form_read_cap(s, 15360))) {
    *ret = reply_error(r, ERR_INTERNAL, NULL);
    return 1;
  }
  attempt_summary_text(&b, r->svc, a, r->now_ms);
  JT_LIT(&b, ",\"form\":");
  int vrc = b.failed
                ? -2
                : form_index_view_text(r->svc->forms, a->id, a->exam_version, &b.s, &b.len, &b.cap);
  if (-1 == vrc) {
    free(b.s);
    return 0;
  }
  b.failed = b.failed || 1 != vrc;
  *ret = reply_answers_tail(r, &b, s);
  return 1;
}

/* ------------------------------------------------------------------ handlers */

int h_attempts_start(struct req *r) {
  struct attempts_started st;
  /* Optional body {"session_code": "..."}: the code shown at the TUK. */
  const json_t *code = json_is_object(r->json) ? json_object_get(r->json, "session_code") : NULL;
  if (NULL != code && !json_is_string(code)) {
    return reply_error(r, ERR_INVALID_FIELD, "session_code: must be a string.");
  }
  /* A check-in session starts from its schedule; its code stands for the session code. */
  enum attempts_rc rc = r->user->scope_schedule_id > 0
                            ? attempts_start_checked_in(&st, r->svc, r->user->id, r->params[0],
                                                        r->user->scope_schedule_id, true, r->now_ms)
                            : attempts_start_coded(&st, r->svc, r->user->id, r->params[0],
                                                   json_string_value(code), r->now_ms);
  char detail[200], when[32];
  switch (rc) {
  case ATTEMPTS_OK:
    break;
  case ATTEMPTS_WINDOW_NOT_OPEN:
  case ATTEMPTS_WINDOW_CLOSED:
    iso_time(when, sizeof(when),
             ATTEMPTS_WINDOW_NOT_OPEN == rc ? st.window_opens_ms : st.window_closes_ms);
    snprintf(detail, sizeof(detail), "%s (%s %s).", err_message(outcome_errors[rc].code),
             ATTEMPTS_WINDOW_NOT_OPEN == rc ? "It opens at" : "It closed at", when);
    return reply_attempts_error(r, rc, detail);
  case ATTEMPTS_LIMIT:
    snprintf(detail, sizeof(detail), "You have used all %ld attempt(s) this exam allows.",
             st.max_attempts);
    return reply_attempts_error(r, rc, detail);
  case ATTEMPTS_COOLDOWN:
    iso_time(when, sizeof(when), st.retry_at_ms);
    snprintf(detail, sizeof(detail),
             "Belum kompeten: please study the assessor's feedback; you can start again from %s.",
             when);
    return reply_attempts_error(r, rc, detail);
  default:
    return reply_attempts_error(r, rc, NULL);
  }
  struct store_attempt a;
  rc = attempts_get_own(&a, r->svc, r->user->id, st.id, true, r->now_ms);
  if (ATTEMPTS_OK != rc) {
    return reply_attempts_error(r, rc, NULL);
  }
  int ret = reply_summary(r, st.created ? 201 : 200, &a);
  store_attempt_clear(&a);
  return ret;
}

int h_attempts_list(struct req *r) {
  struct store_attempt *list = NULL;
  size_t n = 0;
  enum attempts_rc rc = attempts_list_own(&list, &n, r->svc, r->user->id, 1000, r->now_ms);
  if (ATTEMPTS_OK != rc) {
    return reply_attempts_error(r, rc, NULL);
  }
  /* Extra time planned for the candidate: the pre-start page tells them before they start. */
  struct store_planned_time *plans = NULL;
  size_t nplans = 0;
  int store_rc = STORE_OK;
  if (PLANNED_TIME_OK != planned_time_list(&plans, &nplans, r->svc, r->user->id, &store_rc)) {
    store_attempt_list_free(list, n);
    return reply_store_error(r, store_rc, __func__);
  }
  struct jtext b = {0};
  JT_LIT(&b, "{\"attempts\":[");
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      JT_LIT(&b, ",");
    }
    attempt_summary_text(&b, r->svc, &list[i], r->now_ms);
    JT_LIT(&b, "}");
  }
  JT_LIT(&b, "],\"planned_extra_time\":[");
  for (size_t i = 0; i < nplans; i++) {
    if (i > 0) {
      JT_LIT(&b, ",");
    }
    JT_LIT(&b, "{\"exam_id\":");
    jt_str(&b, plans[i].exam_id);
    JT_LIT(&b, ",\"minutes\":");
    jt_int(&b, plans[i].minutes);
    JT_LIT(&b, "}");
  }
  JT_LIT(&b, "]}");
  store_attempt_list_free(list, n);
  store_planned_time_list_free(plans, nplans);
  return reply_text(r, 200, &b);
}

int h_attempts_get(struct req *r) {
  struct attempts_sheet s;
  struct exam_form *form = NULL;
  /* in the snapshot the session was read in (ROUTE_SHARED_READ) */
  enum attempts_rc rc = attempts_get_sheet_in(&s, r->svc, req_take_read(r), r->user->id,
                                              path_attempt_id(r), r->now_ms);
  if (ATTEMPTS_OK != rc) {
    return reply_attempts_error(r, rc, NULL);
  }
  int ret = 0;
  if (1 == reply_attempt_indexed(r, &s, &ret)) {
    goto cleanup;
  }
  rc = attempts_form(&form, r->svc, &s.attempt);
  ret = ATTEMPTS_OK == rc ? reply_attempt_form(r, &s, form) : reply_attempts_error(r, rc, NULL);
cleanup:
  exam_form_free(form);
  attempts_sheet_clear(&s);
  return ret;
}

/* The answer to a save: the outcome, or on ATTEMPTS_OK
 * {"item":..,"saved":true,"server_time":..,"deadline_at":..,"remaining_seconds":..}. */
static int reply_saved(struct req *r, enum attempts_rc rc, const struct attempts_saved *sv,
                       enum numeric_rc number, const char *err) {
  if (ATTEMPTS_BAD_NUMBER == rc) {
    return reply_number_error(r, number);
  }
  if (ATTEMPTS_OK != rc) {
    return reply_attempts_error(r, rc, err);
  }
  struct jtext b = {0};
  JT_LIT(&b, "{\"item\":");
  jt_str(&b, sv->item->id);
  JT_LIT(&b, ",\"saved\":true,\"server_time\":");
  jt_time(&b, r->now_ms);
  JT_LIT(&b, ",\"deadline_at\":");
  jt_time(&b, sv->deadline_ms);
  JT_LIT(&b, ",\"remaining_seconds\":");
  jt_int(&b, sv->remaining_s);
  JT_LIT(&b, "}");
  return reply_text(r, 200, &b);
}

/* A queued save settled (on the thread that committed it): answer, and hand the request
 * back to its worker. */
static void save_settled(void *cls, enum attempts_rc rc, const struct attempts_saved *sv) {
  struct req *r = cls;
  reply_saved(r, rc, sv, NUMERIC_OK, "");
  req_resume(r);
}

int h_attempts_save_answer(struct req *r) {
  struct attempts_save *job = NULL;
  struct attempts_saved sv;
  enum numeric_rc number = NUMERIC_OK;
  char err[160];
  const json_t *value = NULL;
  /* Judged by when the body completed (now), not by when the head arrived: a body sent
   * after time was up must not count. */
  r->now_ms = clock_wall_ms();
  value = sole_field(r, "value");
  /* the attempt read in the session's snapshot (ROUTE_SHARED_READ), ended before the write */
  enum attempts_rc rc =
      attempts_save_prepare(&job, &number, r->svc, req_take_read(r), r->user->id,
                            path_attempt_id(r), r->params[1], value, r->now_ms, err, sizeof(err));
  memset(&sv, 0, sizeof(sv));
  if (ATTEMPTS_OK == rc && attempts_save_queues(r->svc) && req_defer(r)) {
    /* On the worker (ROUTE_QUEUES_WRITE): the write joins the next group commit and this
     * worker goes on serving; save_settled answers. */
    attempts_save_queue(job, save_settled, r);
    return 0;
  }
  if (ATTEMPTS_OK == rc) {
    rc = attempts_save_write(job, &sv);
  }
  return reply_saved(r, rc, &sv, number, err);
}

int h_attempts_flag(struct req *r) {
  const json_t *flagged = sole_field(r, "flagged"); /* {"flagged": true|false} */
  if (!json_is_boolean(flagged)) {
    return reply_error(r, ERR_INVALID_FIELD, "The body must be {\"flagged\": true} or false.");
  }
  enum attempts_rc rc = attempts_flag(r->svc, r->user->id, path_attempt_id(r), r->params[1],
                                      json_is_true(flagged), clock_wall_ms());
  if (ATTEMPTS_OK != rc) {
    return reply_attempts_error(r, rc, NULL);
  }
  struct jtext b = {0};
  JT_LIT(&b, "{\"item\":");
  jt_str(&b, r->params[1]);
  if (json_is_true(flagged)) {
    JT_LIT(&b, ",\"flagged\":true}");
  } else {
    JT_LIT(&b, ",\"flagged\":false}");
  }
  return reply_text(r, 200, &b);
}

/* PUT /api/me/time-zone {"time_zone": "WIB"|"WITA"|"WIT"}: the zone the candidate's pages
 * show every time in. */
int h_attempts_time_zone(struct req *r) {
  const json_t *zone = sole_field(r, "time_zone");
  switch (prefs_set_time_zone(r->svc, r->user->id, json_string_value(zone))) {
  case PREFS_OK:
    break;
  case PREFS_BAD_ZONE:
    return reply_error(r, ERR_INVALID_FIELD,
                       "The body must be {\"time_zone\": \"WIB\"}, \"WITA\" or \"WIT\".");
  case PREFS_BUSY:
    return reply_error(r, ERR_BUSY, NULL);
  default:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  }
  struct jtext b = {0};
  JT_LIT(&b, "{\"time_zone\":");
  jt_str(&b, json_string_value(zone));
  JT_LIT(&b, "}");
  return reply_text(r, 200, &b);
}

int h_attempts_submit(struct req *r) {
  struct store_attempt a;
  r->now_ms = clock_wall_ms(); /* as a save: the time the body completed */
  enum attempts_rc rc = attempts_submit(&a, r->svc, r->user->id, path_attempt_id(r), r->now_ms);
  if (ATTEMPTS_OK != rc) {
    return reply_attempts_error(r, rc, NULL);
  }
  int ret = reply_summary(r, 200, &a);
  store_attempt_clear(&a);
  return ret;
}

int h_attempts_result(struct req *r) {
  struct store_attempt a;
  enum attempts_rc rc =
      attempts_get_own(&a, r->svc, r->user->id, path_attempt_id(r), false, r->now_ms);
  if (ATTEMPTS_OK != rc) {
    return reply_attempts_error(r, rc, NULL);
  }
  int ret = 0;
  if (attempts_is_open(&a)) {
    ret = reply_error(r, ERR_RESULT_NOT_READY, NULL);
    goto cleanup;
  }
  struct jtext b = {0};
  attempt_summary_text(&b, r->svc, &a, r->now_ms);
  if (!attempts_decided(&a)) { /* "pending" */
    JT_LIT(&b, ",\"released\":false,\"message\":");
    jt_str(&b, "Menunggu penilaian asesor.");
    JT_LIT(&b, ",\"message_en\":");
    jt_str(&b, "Awaiting assessor review.");
    JT_LIT(&b, "}");
    ret = reply_text(r, 200, &b);
    goto cleanup;
  }
  /* The units as the stored result holds them (written back as jansson writes them). */
  json_error_t e;
  json_t *res = NULL != a.result ? json_loads(a.result, 0, &e) : NULL;
  json_t *units = json_object_get(res, "units");
  bool has_units = json_is_array(units);
  char *units_text = has_units ? json_compact(units, false) : NULL;
  json_decref(res);
  JT_LIT(&b, ",\"released\":true,\"units\":");
  if (NULL != units_text) {
    jt_raw(&b, units_text, strlen(units_text));
  } else if (has_units) {
    b.failed = true; /* out of memory */
  } else {
    JT_LIT(&b, "[]");
  }
  free(units_text);
  bool k = VERDICT_K == a.verdict;
  JT_LIT(&b, ",\"message\":");
  jt_str(&b, k ? "Kompeten. Selamat!"
               : "Belum kompeten — silakan pelajari umpan balik asesor dan daftar ulang setelah "
                 "masa tunggu.");
  JT_LIT(&b, ",\"message_en\":");
  jt_str(&b, k ? "Competent. Congratulations!"
               : "Not yet competent — please study the assessor's feedback and register again "
                 "after the waiting period.");
  JT_LIT(&b, "}");
  ret = reply_text(r, 200, &b);
cleanup:
  store_attempt_clear(&a);
  return ret;
}
