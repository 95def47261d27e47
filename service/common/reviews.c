/*
 * Reviews and appeals: reads what a rule needs, applies it, and writes every decision,
 * claim and appeal change with its audit entry in one transaction. The checks that a race
 * could undo (the claim, the verdict) are repeated inside the transaction.
 */
#include "common/reviews.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "common/accounts.h"
#include "common/api_time.h"
#include "common/attempts.h"
#include "common/audit_text.h"
#include "common/catalog.h"
#include "common/cert_status.h"
#include "common/evidence.h"
#include "common/keystore.h"
#include "ujikom/json_compact.h"
#include "ujikom/review.h"
#include "ujikom/utf8.h"

static enum reviews_rc store_failed(struct reviews_err *err, int store_rc) {
  err->store_rc = store_rc < 0 ? store_rc : STORE_HARD;
  return REVIEWS_STORE_FAILED;
}

/* A read's store result as an outcome: no row is REVIEWS_NOT_FOUND. */
static enum reviews_rc read_result(struct reviews_err *err, int store_rc) {
  if (STORE_OK == store_rc) {
    return REVIEWS_OK;
  }
  return STORE_NONE == store_rc ? REVIEWS_NOT_FOUND : store_failed(err, store_rc);
}

static void err_reset(struct reviews_err *err) {
  err->store_rc = STORE_OK;
  err->why[0] = '\0';
}

/* ------------------------------------------------------------------------------------ */
/* the rules */

bool reviews_claim_is_live(const struct store_claim *claim, int64_t now_ms) {
  return NULL != claim && claim->expires_ms > now_ms;
}

bool reviews_claim_is_mine(const struct store_claim *claim, int64_t actor, int64_t now_ms) {
  return reviews_claim_is_live(claim, now_ms) && claim->assessor_id == actor;
}

enum reviews_rc reviews_assessor_may_decide(enum reviews_kind *out_kind,
                                            const struct store_attempt *att,
                                            const struct store_appeal *appeal, int64_t actor) {
  if (NULL != appeal && APPEAL_ASSIGNED == appeal->status) {
    *out_kind = REVIEWS_APPEAL;
    return appeal->assessor_id == actor ? REVIEWS_OK : REVIEWS_APPEAL_ELSEWHERE;
  }
  *out_kind = REVIEWS_FIRST_REVIEW;
  return VERDICT_PENDING == att->verdict ? REVIEWS_OK : REVIEWS_NOT_AWAITING_REVIEW;
}

enum reviews_rc reviews_may_assign(const struct store_user *u, const struct store_appeal *a) {
  if (ROLE_ASSESSOR != u->role || u->disabled) {
    return REVIEWS_NOT_AN_ASSESSOR;
  }
  if (u->id == a->original_assessor_id || u->id == a->candidate_id) {
    return REVIEWS_SAME_ASSESSOR;
  }
  return REVIEWS_OK;
}

/* When the result an appeal is against was decided: the decision's time, else the
 * attempt's (an automatic result). */
static int64_t decided_at(const struct store_attempt *att, const struct store_decision *d) {
  if (NULL != d) {
    return d->decided_ms;
  }
  return att->decided_ms > 0 ? att->decided_ms : att->finished_ms;
}

static int64_t appeal_period_ms(const struct svc *svc) {
  return (int64_t)svc->cfg->appeal_days * 86400 * 1000;
}

/* ------------------------------------------------------------------------------------ */
/* the queue */

void reviews_queue_free(struct reviews_queue_entry *list, size_t n) {
  (void)n; /* the entries own nothing */
  free(list);
}

/* Whether the viewer's queue lists e: nobody reviews their own attempt, an appeal is for
 * the assessor it was assigned to (or an admin), then the query's subsector and state. */
static bool queue_lists(const struct reviews_queue_entry *e, const struct reviews_viewer *viewer,
                        const struct reviews_queue_query *query) {
  if (NULL != viewer && (e->candidate_id == viewer->id ||
                         (e->appeal_id > 0 && !viewer->admin && e->holder_id != viewer->id))) {
    return false;
  }
  if (NULL != query->subsector &&
      (NULL == e->exam || 0 != strcmp(e->exam->subsector, query->subsector))) {
    return false;
  }
  return reviews_queue_in_state(e, query->state, NULL == viewer ? 0 : viewer->id);
}

/* Rows read from the store at a time while looking for a page's entries. */
#define QUEUE_READ 500

enum reviews_rc reviews_queue(struct reviews_queue_entry **out, size_t *out_n,
                              struct reviews_queue_cursor *out_next, struct svc *svc,
                              const struct reviews_viewer *viewer,
                              const struct reviews_queue_query *query, int64_t now_ms,
                              struct reviews_err *err) {
  struct store_rd *rd = NULL;
  struct reviews_queue_cursor at = query->after;
  size_t kept = 0;
  bool more = false, done = false;
  *out = NULL;
  *out_n = 0;
  *out_next = (struct reviews_queue_cursor){0, 0};
  err_reset(err);
  struct reviews_queue_entry *list = calloc(REVIEWS_QUEUE_LIMIT, sizeof *list);
  if (NULL == list) {
    return REVIEWS_INTERNAL;
  }
  /* The filters the store cannot apply (the subsector is the catalogue's; who may see an
   * entry) are applied here, reading on until the page is full or the queue ends: a page
   * never stops short because entries it leaves out came first. */
  int rc = store_rd_begin(svc->store, &rd);
  while (STORE_OK == rc && !done) {
    struct store_queue_entry *q = NULL;
    size_t n = 0;
    rc = store_review_queue(rd, &q, &n, query->exam_id, at.since_ms, at.attempt_id, QUEUE_READ);
    for (size_t i = 0; STORE_OK == rc && i < n && !more; i++) {
      bool live_claim = q[i].claim_expires_ms > now_ms;
      struct reviews_queue_entry e = {
          .attempt_id = q[i].attempt_id,
          .candidate_id = q[i].user_id,
          .exam = NULL == svc->catalog ? NULL : catalog_current(svc->catalog, q[i].exam_id),
          .since_ms = q[i].since_ms,
          .holder_id = (q[i].appeal_id > 0 || live_claim) ? q[i].holder_id : 0,
          .claim_expires_ms = live_claim ? q[i].claim_expires_ms : 0,
          .appeal_id = q[i].appeal_id,
      };
      memcpy(e.exam_id, q[i].exam_id, sizeof e.exam_id);
      at = (struct reviews_queue_cursor){q[i].since_ms, q[i].attempt_id};
      if (!queue_lists(&e, viewer, query)) {
        continue;
      }
      if (REVIEWS_QUEUE_LIMIT == kept) {
        more = true;
      } else {
        list[kept++] = e;
      }
    }
    done = more || n < QUEUE_READ;
    store_queue_list_free(q, n);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    free(list);
    return store_failed(err, rc);
  }
  if (more) {
    *out_next = (struct reviews_queue_cursor){list[kept - 1].since_ms, list[kept - 1].attempt_id};
  }
  *out = list;
  *out_n = kept;
  return REVIEWS_OK;
}

/* Keeps the entries of q that viewer may mark now and whose form has the item (marker:
 * exam_form_item_marker's), appending their ids to *ids (of *n, room *cap). Each form is
 * looked at by the store where it lies, not read out and parsed. STORE_OK or negative. */
static int marking_keep(int64_t **ids, size_t *n, size_t *cap, struct store_rd *rd,
                        const struct reviews_queue_entry *q, size_t nq, int64_t viewer,
                        const char *marker) {
  int rc = STORE_OK;
  for (size_t i = 0; STORE_OK == rc && i < nq; i++) {
    if (!reviews_queue_in_state(&q[i], REVIEWS_QUEUE_FREE, viewer) &&
        !reviews_queue_in_state(&q[i], REVIEWS_QUEUE_MINE, viewer)) {
      continue;
    }
    bool has = false;
    rc = store_attempt_form_has(rd, q[i].attempt_id, marker, &has);
    if (STORE_NONE == rc) {
      rc = STORE_OK; /* gone meanwhile */
      continue;
    }
    if (STORE_OK != rc || !has) {
      continue;
    }
    if (*n == *cap) {
      size_t grown = 0 == *cap ? 64 : *cap * 2;
      int64_t *more = realloc(*ids, grown * sizeof **ids);
      if (NULL == more) {
        return STORE_UNAVAILABLE; /* out of memory */
      }
      *ids = more;
      *cap = grown;
    }
    (*ids)[(*n)++] = q[i].attempt_id;
  }
  return rc;
}

enum reviews_rc reviews_marking_list(int64_t **out, size_t *out_n, struct svc *svc,
                                     const struct reviews_viewer *viewer, const char *exam_id,
                                     const char *item_id, int64_t now_ms, struct reviews_err *err) {
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  struct reviews_queue_query query = {.exam_id = exam_id};
  enum reviews_rc res = REVIEWS_OK;
  char marker[96];
  *out = NULL;
  *out_n = 0;
  err_reset(err);
  if (0 == exam_form_item_marker(marker, sizeof marker, item_id)) {
    return REVIEWS_OK; /* not an item id: on no form */
  }
  /* A page of the queue at a time (its filters say who may see what), each page's forms read
   * in one snapshot: the queue may be thousands long after an exam day. */
  do {
    struct reviews_queue_entry *q = NULL;
    struct reviews_queue_cursor next;
    size_t nq = 0;
    res = reviews_queue(&q, &nq, &next, svc, viewer, &query, now_ms, err);
    if (REVIEWS_OK != res) {
      break;
    }
    struct store_rd *rd = NULL;
    int rc = store_rd_begin(svc->store, &rd);
    if (STORE_OK == rc) {
      rc = marking_keep(&ids, &n, &cap, rd, q, nq, viewer->id, marker);
    }
    store_rd_end(rd);
    reviews_queue_free(q, nq);
    if (STORE_OK != rc) {
      res = store_failed(err, rc);
      break;
    }
    query.after = next;
  } while (0 != query.after.attempt_id);
  if (REVIEWS_OK != res) {
    free(ids);
    return res;
  }
  *out = ids;
  *out_n = n;
  return REVIEWS_OK;
}

void reviews_queue_cursor_format(char out[REVIEWS_QUEUE_CURSOR_SIZE],
                                 const struct reviews_queue_cursor *c) {
  snprintf(out, REVIEWS_QUEUE_CURSOR_SIZE, "%" PRId64 "-%" PRId64, c->since_ms, c->attempt_id);
}

/* A decimal 0..INT64_MAX of 1 to 19 digits at *s, up to stop; advances *s past it. */
static bool cursor_number(const char **s, char stop, int64_t *out) {
  int64_t v = 0;
  const char *p = *s;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > (INT64_MAX - (*p - '0')) / 10) {
      return false;
    }
    v = v * 10 + (*p - '0');
  }
  if (p == *s || *p != stop) {
    return false;
  }
  *s = p;
  *out = v;
  return true;
}

bool reviews_queue_cursor_parse(const char *s, struct reviews_queue_cursor *out) {
  struct reviews_queue_cursor c;
  if (NULL == s || !cursor_number(&s, '-', &c.since_ms)) {
    return false;
  }
  s++;
  if (!cursor_number(&s, '\0', &c.attempt_id)) {
    return false;
  }
  *out = c;
  return true;
}

/* ------------------------------------------------------------------------------------ */
/* claiming */

struct claim_ctx {
  int64_t attempt_id, assessor_id, ttl_ms;
  struct store_claim claim;
};

static int tx_claim(struct store_tx *tx, void *vctx) {
  struct claim_ctx *c = vctx;
  /* NONE/CONFLICT go back through the rollback path; nothing was written for them. */
  return store_claim_take(tx, &c->claim, c->attempt_id, c->assessor_id, c->ttl_ms);
}

/* An attempt's latest decision and its appeal, each read in rd when its out is not NULL;
 * *has_decision and *has_appeal say whether it exists. STORE_OK, or the first negative
 * result. */
static int read_beside(struct store_rd *rd, int64_t attempt_id, struct store_decision *d,
                       bool *has_decision, struct store_appeal *appeal, bool *has_appeal) {
  int rc = STORE_OK;
  if (NULL != d) {
    rc = store_decision_latest(rd, d, attempt_id);
    *has_decision = STORE_OK == rc;
  }
  if (rc >= 0 && NULL != appeal) {
    rc = store_appeal_for_attempt(rd, appeal, attempt_id);
    *has_appeal = STORE_OK == rc;
  }
  return rc < 0 ? rc : STORE_OK;
}

/* An attempt and, when it is found, its latest decision and appeal (as read_beside reads
 * them), in one reader. With owner not 0, someone else's attempt reads as STORE_NONE, like
 * a missing one, so that its existence is not confirmed. STORE_OK, STORE_NONE or negative. */
static int load_attempt(struct svc *svc, int64_t attempt_id, int64_t owner,
                        struct store_attempt *att, struct store_decision *d, bool *has_decision,
                        struct store_appeal *appeal, bool *has_appeal) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_attempt_get(rd, att, attempt_id);
  }
  if (STORE_OK == rc && 0 != owner && att->user_id != owner) {
    rc = STORE_NONE;
  }
  if (STORE_OK == rc) {
    rc = read_beside(rd, attempt_id, d, has_decision, appeal, has_appeal);
  }
  store_rd_end(rd);
  return rc;
}

/* The same in a reader of its own. */
static int load_beside(struct svc *svc, int64_t attempt_id, struct store_decision *d,
                       bool *has_decision, struct store_appeal *appeal, bool *has_appeal) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = read_beside(rd, attempt_id, d, has_decision, appeal, has_appeal);
  }
  store_rd_end(rd);
  return rc;
}

enum reviews_rc reviews_claim(struct store_claim *out, struct svc *svc, int64_t attempt_id,
                              int64_t assessor, struct reviews_err *err) {
  struct claim_ctx c = {.attempt_id = attempt_id, .assessor_id = assessor};
  struct store_attempt att;
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  memset(&att, 0, sizeof att);
  err_reset(err);
  rc = load_attempt(svc, attempt_id, 0, &att, NULL, NULL, NULL, NULL);
  store_attempt_clear(&att);
  enum reviews_rc res = read_result(err, rc);
  if (REVIEWS_OK != res) {
    return res;
  }
  if (att.user_id == assessor) {
    return REVIEWS_OWN_ATTEMPT;
  }
  c.ttl_ms = (int64_t)svc->cfg->claim_ttl_s * 1000;
  rc = store_txn(svc->store, tx_claim, &c);
  if (STORE_NONE == rc) {
    return REVIEWS_NOT_AWAITING_REVIEW;
  }
  if (STORE_CONFLICT == rc) {
    return REVIEWS_CLAIM_HELD;
  }
  if (STORE_OK != rc) {
    return store_failed(err, rc);
  }
  *out = c.claim;
  return REVIEWS_OK;
}

/* ------------------------------------------------------------------------------------ */
/* loading an attempt with its exam version, form and answers */

struct loaded {
  struct store_attempt att;
  const struct exam *exam;
  struct exam_form *form;
  json_t *answers;      /* object item id -> value */
  json_t *observations; /* {unit: {kuk: observed}} of the observation units */
};

static void loaded_free(struct loaded *l) {
  store_attempt_clear(&l->att);
  exam_form_free(l->form);
  json_decref(l->answers);
  json_decref(l->observations);
  memset(l, 0, sizeof *l);
}

static json_t *answers_object(const struct store_answer *ans, size_t n) {
  json_t *o = json_object();
  for (size_t i = 0; NULL != o && i < n; i++) {
    json_t *v = json_loads(ans[i].value, JSON_DECODE_ANY, NULL);
    if (NULL != v) {
      json_object_set_new(o, ans[i].item_id, v);
    }
  }
  return o;
}

/* The read answers as {item: value} into *out; the list is freed (and *ans, *nans
 * emptied) either way. REVIEWS_OK, or REVIEWS_INTERNAL when out of memory. */
static enum reviews_rc take_answers(json_t **out, struct store_answer **ans, size_t *nans) {
  *out = answers_object(*ans, *nans);
  store_answers_free(*ans, *nans);
  *ans = NULL;
  *nans = 0;
  return NULL == *out ? REVIEWS_INTERNAL : REVIEWS_OK;
}

/* The exam version and form of a read attempt. */
static enum reviews_rc rebuild_form(struct loaded *l, struct svc *svc) {
  char why[200];
  json_t *form_json = NULL;
  int crc = catalog_version_from_store(svc->catalog, svc->store, &l->exam, l->att.exam_version);
  if (0 != crc) {
    return -2 == crc ? REVIEWS_EXAM_VERSION_UNAVAILABLE : REVIEWS_EXAM_VERSION_MISSING;
  }
  form_json = json_loads(NULL == l->att.form ? "" : l->att.form, 0, NULL);
  if (NULL == form_json ||
      0 != exam_form_from_json(&l->form, l->exam, form_json, why, sizeof why)) {
    json_decref(form_json);
    return REVIEWS_EXAM_VERSION_MISSING;
  }
  json_decref(form_json);
  return REVIEWS_OK;
}

/* The observation records of attempt id as {unit: {kuk: observed}} into *out (the caller's
 * reference): what the scorer takes (score_form_observed). STORE_OK or negative. */
static int read_observations(struct store_rd *rd, int64_t id, json_t **out) {
  struct store_observation *list = NULL;
  size_t n = 0;
  *out = NULL;
  int rc = store_observation_list(rd, &list, &n, id);
  json_t *all = STORE_OK == rc ? json_object() : NULL;
  for (size_t i = 0; NULL != all && i < n; i++) {
    json_t *unit = json_object_get(all, list[i].unit_code);
    if (NULL == unit) {
      unit = json_object();
      json_object_set_new(all, list[i].unit_code, unit);
    }
    json_object_set_new(unit, list[i].kuk_id, json_boolean(list[i].observed));
  }
  store_observation_list_free(list, n);
  if (STORE_OK == rc && NULL == all) {
    rc = STORE_UNAVAILABLE; /* out of memory */
  }
  *out = all;
  return rc;
}

/* An attempt, its answers and its observation records, in rd: STORE_OK, STORE_NONE (no such
 * attempt) or negative. */
static int read_attempt_answers(struct store_rd *rd, int64_t id, struct store_attempt *att,
                                struct store_answer **ans, size_t *nans, json_t **obs) {
  int rc = store_attempt_get(rd, att, id);
  if (STORE_OK == rc) {
    rc = store_answers_get(rd, ans, nans, id);
  }
  if (STORE_OK == rc) {
    rc = read_observations(rd, id, obs);
  }
  return rc;
}

/* Loads a finished attempt for a decision. */
static enum reviews_rc load_finished(struct loaded *out, struct svc *svc, int64_t id,
                                     struct reviews_err *err) {
  struct store_rd *rd = NULL;
  struct store_answer *ans = NULL;
  size_t nans = 0;
  enum reviews_rc res = REVIEWS_INTERNAL;
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return store_failed(err, rc);
  }
  rc = read_attempt_answers(rd, id, &out->att, &ans, &nans, &out->observations);
  store_rd_end(rd);
  res = read_result(err, rc);
  if (REVIEWS_OK != res) {
    goto fail;
  }
  if (ATTEMPT_OPEN == out->att.status) {
    res = REVIEWS_STILL_OPEN;
    goto fail;
  }
  res = rebuild_form(out, svc);
  if (REVIEWS_OK != res) {
    goto fail;
  }
  res = take_answers(&out->answers, &ans, &nans);
  if (REVIEWS_OK != res) {
    goto fail;
  }
  return REVIEWS_OK;
fail:
  store_answers_free(ans, nans);
  loaded_free(out);
  return res;
}

json_t *reviews_marks_pick(json_t *items, const char *member) {
  json_t *out = json_object();
  const char *key;
  json_t *v;
  json_object_foreach(items, key, v) {
    json_t *m = json_object_get(v, member);
    if (NULL != m && NULL != out) {
      json_object_set(out, key, m);
    }
  }
  return out;
}

/* ------------------------------------------------------------------------------------ */
/* the review sheet */

void reviews_sheet_free(struct reviews_sheet *s) {
  store_attempt_clear(&s->att);
  OPENSSL_cleanse(s->candidate.password_hash, sizeof s->candidate.password_hash);
  exam_form_free(s->form);
  json_decref(s->answers);
  store_appeal_clear(&s->appeal);
  store_decision_list_free(s->history, s->nhistory);
  json_decref(s->marks);
  json_decref(s->observations);
  score_result_free(s->score);
  memset(s, 0, sizeof *s);
}

const struct store_decision *reviews_sheet_current(const struct reviews_sheet *s) {
  return s->nhistory > 0 ? &s->history[s->nhistory - 1] : NULL;
}

enum reviews_rc reviews_sheet_load(struct reviews_sheet *out, struct svc *svc, int64_t attempt_id,
                                   int64_t viewer_id, struct reviews_err *err) {
  struct store_rd *rd = NULL;
  struct store_answer *ans = NULL;
  struct loaded l;
  size_t nans = 0;
  enum reviews_rc res = REVIEWS_INTERNAL;
  int rc = STORE_HARD, crc = STORE_NONE, arc = STORE_NONE, hrc = STORE_OK;
  memset(out, 0, sizeof *out);
  memset(&l, 0, sizeof l);
  err_reset(err);
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return store_failed(err, rc);
  }
  rc = read_attempt_answers(rd, attempt_id, &out->att, &ans, &nans, &out->observations);
  if (STORE_OK == rc) {
    rc = accounts_read(rd, out->att.user_id, &out->candidate);
  }
  if (STORE_OK == rc) {
    crc = store_claim_get(rd, &out->claim, attempt_id);
    arc = store_appeal_for_attempt(rd, &out->appeal, attempt_id);
    hrc = store_decision_history(rd, &out->history, &out->nhistory, attempt_id);
    rc = crc < 0 ? crc : arc < 0 ? arc : hrc < 0 ? hrc : STORE_OK;
  }
  store_rd_end(rd);
  out->has_claim = STORE_OK == crc;
  out->has_appeal = STORE_OK == arc;
  res = read_result(err, rc);
  if (REVIEWS_OK != res) {
    goto fail;
  }
  /* The form is rebuilt from the stored attempt (l borrows out->att; only the exam and form
   * it builds are taken over, and l is never freed). */
  l.att = out->att;
  res = rebuild_form(&l, svc);
  out->exam = l.exam;
  out->form = l.form;
  if (REVIEWS_OK != res) {
    goto fail;
  }
  if (out->att.user_id == viewer_id) {
    res = REVIEWS_OWN_ATTEMPT;
    goto fail;
  }
  /* Answers beside the key while the candidate can still change them: not before the
   * attempt is over. */
  if (ATTEMPT_OPEN == out->att.status) {
    res = REVIEWS_STILL_OPEN;
    goto fail;
  }
  res = take_answers(&out->answers, &ans, &nans);
  if (REVIEWS_OK != res) {
    goto fail;
  }
  if (out->nhistory > 0) {
    out->marks = json_loads(out->history[out->nhistory - 1].marks, 0, NULL);
  }
  {
    /* Scored with the current decision's rubric points beside each open item. */
    json_t *criteria = NULL == out->marks ? NULL : reviews_marks_pick(out->marks, "criteria");
    if (0 !=
        score_form_observed(&out->score, out->form, out->answers, criteria, out->observations)) {
      out->score = NULL;
    }
    json_decref(criteria);
  }
  return REVIEWS_OK;
fail:
  store_answers_free(ans, nans);
  reviews_sheet_free(out);
  return res;
}

enum reviews_editor reviews_sheet_editor(const struct reviews_sheet *s, int64_t viewer_id,
                                         bool viewer_assessor, bool viewer_admin, int64_t now_ms) {
  enum reviews_kind kind = REVIEWS_FIRST_REVIEW;
  if (viewer_admin) {
    return attempts_decided(&s->att) ? REVIEWS_EDIT_ADMIN : REVIEWS_EDIT_NONE;
  }
  if (!viewer_assessor || s->att.user_id == viewer_id ||
      REVIEWS_OK != reviews_assessor_may_decide(&kind, &s->att, s->has_appeal ? &s->appeal : NULL,
                                                viewer_id)) {
    return REVIEWS_EDIT_NONE;
  }
  if (REVIEWS_FIRST_REVIEW == kind &&
      !reviews_claim_is_mine(s->has_claim ? &s->claim : NULL, viewer_id, now_ms)) {
    return REVIEWS_EDIT_NONE;
  }
  return REVIEWS_EDIT_ASSESSOR;
}

/* ------------------------------------------------------------------------------------ */
/* decisions */

/* What a decision writes, prepared outside the transaction. */
struct decide_ctx {
  int64_t attempt_id;
  int64_t actor;
  int64_t appeal_id;
  bool first_review; /* expects PENDING and the actor's live claim; else K or BK */
  bool admin;        /* no claim; expects K or BK */
  struct store_decision d;
  char *result_json;
  const char *audit_action;
  /* issuing with a K, prepared before the transaction (prep.claims NULL: not prepared) */
  struct issue_prep prep;
  const struct token_key *key;
  /* out */
  int64_t decision_id;
  enum verdict old_verdict;
  enum reviews_rc refusal; /* a refusal found inside the transaction */
  enum issue_rc issue;     /* with a K and prep: ISSUE_CREATED or ISSUE_EXISTING, cert set */
  struct store_cert cert;
  char revoked[CERT_SERIAL_SIZE]; /* the certificate a BK revoked, or "" */
};

/* Why a decision revokes a certificate, as recorded with the revocation (at most
 * CERT_STATUS_REASON_MAX bytes, cut at a character boundary). */
static void revocation_reason(char *out, size_t size, const struct decide_ctx *c) {
  char text[CERT_STATUS_REASON_MAX + 200];
  snprintf(text, sizeof text,
           "Keputusan diubah menjadi %s / decision changed to %s (%s, decision %lld)%s%s",
           verdict_name(c->d.overall), verdict_name(c->d.overall), c->d.kind,
           (long long)c->decision_id, NULL != c->d.reason ? ": " : "",
           NULL != c->d.reason ? c->d.reason : "");
  size_t len = utf8_cut(text, strlen(text),
                        size - 1 < CERT_STATUS_REASON_MAX ? size - 1 : CERT_STATUS_REASON_MAX);
  memcpy(out, text, len);
  out[len] = '\0';
}

/* The certificate follows the decision, inside its transaction: away from K revokes the
 * attempt's certificate (valid or suspended) with the decision as reason; K issues one when
 * the attempt has none that is not revoked (naming the revoked one it replaces). */
static int certificate_follows(struct store_tx *tx, struct decide_ctx *c) {
  store_cert_clear(&c->cert);
  memset(&c->cert, 0, sizeof c->cert);
  c->revoked[0] = '\0';
  c->issue = ISSUE_NOT_COMPETENT;
  if (VERDICT_K == c->d.overall) {
    return NULL == c->prep.claims
               ? STORE_OK /* could not be prepared: the decision stands, issuing is retried */
               : issue_insert_tx(tx, &c->cert, &c->issue, &c->prep, c->key, c->actor);
  }
  struct store_cert live;
  char reason[CERT_STATUS_REASON_MAX + 1];
  int rc = store_cert_by_attempt(store_tx_rd(tx), &live, c->attempt_id);
  if (STORE_OK != rc) {
    return STORE_NONE == rc ? STORE_OK : rc;
  }
  snprintf(c->revoked, sizeof c->revoked, "%s", live.serial);
  store_cert_clear(&live);
  revocation_reason(reason, sizeof reason, c);
  return cert_status_change_tx(tx, CERT_STATUS_REVOKE, c->revoked, c->actor, reason, NULL);
}

static int tx_decide(struct store_tx *tx, void *vctx) {
  struct decide_ctx *c = vctx;
  struct store_rd *rd = store_tx_rd(tx);
  struct store_attempt att;
  struct store_claim claim;
  struct store_decision prev;
  int64_t prev_id = 0;
  int rc = STORE_HARD;
  c->decision_id = 0;
  c->refusal = REVIEWS_OK;
  memset(&att, 0, sizeof att);
  /* Re-check inside the transaction: another request may have decided meanwhile. */
  rc = store_attempt_get(rd, &att, c->attempt_id);
  if (STORE_OK != rc) {
    goto done;
  }
  c->old_verdict = att.verdict;
  if (c->first_review ? VERDICT_PENDING != att.verdict : !attempts_decided(&att)) {
    c->refusal = c->first_review ? REVIEWS_NOT_AWAITING_REVIEW : REVIEWS_NOT_DECIDED;
    rc = STORE_CONFLICT;
    goto done;
  }
  if (c->first_review) {
    rc = store_claim_get(rd, &claim, c->attempt_id);
    if (rc < 0) {
      goto done;
    }
    if (!reviews_claim_is_mine(STORE_OK == rc ? &claim : NULL, c->actor, store_tx_now_ms(tx))) {
      c->refusal = REVIEWS_NOT_CLAIMED;
      rc = STORE_CONFLICT;
      goto done;
    }
  }
  rc = store_decision_latest(rd, &prev, c->attempt_id);
  if (rc < 0) {
    goto done;
  }
  if (STORE_OK == rc) {
    prev_id = prev.id;
  }
  store_decision_clear(&prev);
  rc = store_decision_add(tx, &c->decision_id, &c->d);
  if (STORE_OK != rc) {
    goto done;
  }
  rc = store_attempt_set_result(tx, c->attempt_id, c->d.overall, c->result_json);
  if (STORE_OK != rc) {
    if (rc >= 0) {
      c->refusal = c->first_review ? REVIEWS_NOT_AWAITING_REVIEW : REVIEWS_NOT_DECIDED;
      rc = STORE_CONFLICT;
    }
    goto done;
  }
  rc = store_claim_release(tx, c->attempt_id);
  if (STORE_OK == rc && c->appeal_id > 0) {
    rc = store_appeal_set_decided(tx, c->appeal_id);
    if (STORE_OK != rc && rc >= 0) {
      c->refusal = REVIEWS_NOT_DECIDED;
      rc = STORE_CONFLICT;
    }
  }
  if (STORE_OK != rc) {
    goto done;
  }
  rc = audit_change(tx, c->actor, c->audit_action, "attempt", c->attempt_id,
                    json_pack("{s:s, s:o}", "verdict", verdict_name(att.verdict), "decision_id",
                              prev_id > 0 ? json_integer((json_int_t)prev_id) : json_null()),
                    json_pack("{s:s, s:I, s:s, s:o?, s:s?, s:s?, s:o?}", "verdict",
                              verdict_name(c->d.overall), "decision_id", (json_int_t)c->decision_id,
                              "kind", c->d.kind, "units", json_loads(c->d.units, 0, NULL), "reason",
                              c->d.reason, "feedback", c->d.feedback,
                              /* the files the decision was made on, by hash */
                              "evidence", evidence_audit_json(store_tx_rd(tx), c->attempt_id)));
  if (STORE_OK == rc) {
    rc = certificate_follows(tx, c);
  }
done:
  store_attempt_clear(&att);
  return rc;
}

/* The outcome of a refusal by the core's decision check. */
static enum reviews_rc refused(enum review_status st) {
  static const enum reviews_rc outcomes[] = {[REVIEW_OK] = REVIEWS_INTERNAL,
                                             [REVIEW_BAD_MARKS] = REVIEWS_BAD_MARKS,
                                             [REVIEW_INVALID_FIELD] = REVIEWS_INVALID_FIELD,
                                             [REVIEW_REASON_REQUIRED] = REVIEWS_REASON_REQUIRED,
                                             [REVIEW_NOMEM] = REVIEWS_INTERNAL};
  return (size_t)st < sizeof outcomes / sizeof outcomes[0] ? outcomes[st] : REVIEWS_INTERNAL;
}

/* Copies a checked outcome into the decision to store (strings owned by the context). */
static void take_outcome(struct decide_ctx *c, struct review_outcome *o) {
  c->d.overall = o->overall;
  c->d.marks = o->items;
  c->d.units = o->units;
  c->d.feedback = o->feedback;
  c->result_json = o->result;
  memset(o, 0, sizeof *o);
}

/* Scores the marks of rq against the attempt's form (review_decide) and, when they stand, takes
 * the outcome into c as the decision of attempt_id by actor. REVIEWS_OK, or why the marks are
 * refused (err->why says it). */
static enum reviews_rc decide_marks(struct decide_ctx *c, const struct loaded *l,
                                    const struct review_request *rq, int64_t attempt_id,
                                    int64_t actor, struct reviews_err *err) {
  struct review_outcome o;
  memset(&o, 0, sizeof o);
  enum review_status st = review_decide(&o, l->form, l->answers, rq, err->why, sizeof err->why);
  if (REVIEW_OK != st) {
    review_outcome_free(&o);
    return refused(st);
  }
  c->attempt_id = attempt_id;
  c->actor = actor;
  c->d.attempt_id = attempt_id;
  c->d.decided_by = actor;
  take_outcome(c, &o);
  return REVIEWS_OK;
}

void reviews_decision_clear(struct reviews_decision *d) {
  free(d->units);
  free(d->feedback);
  memset(d, 0, sizeof *d);
}

/* Common tail: prepares the certificate of a K, runs the transaction (which revokes or issues
 * the certificate with the decision) and fills *out. */
static enum reviews_rc decide_commit(struct reviews_decision *out, struct svc *svc,
                                     struct decide_ctx *c, struct reviews_err *err) {
  enum issue_rc prepared = ISSUE_NOT_COMPETENT;
  if (VERDICT_K == c->d.overall) {
    /* Claims are built outside the write lock; a failure here (a holder's name no
     * certificate can carry) does not stop the decision: issuing is retried later. */
    prepared = issue_prepare(&c->prep, svc, c->attempt_id, out->issue_err, sizeof out->issue_err);
    c->key = ISSUE_CREATED == prepared ? keystore_active(svc->keys) : NULL;
  }
  int rc = store_txn(svc->store, tx_decide, c);
  if (STORE_CONFLICT == rc) { /* the attempt changed under the decision */
    return REVIEWS_OK != c->refusal ? c->refusal
           : c->first_review        ? REVIEWS_NOT_AWAITING_REVIEW
                                    : REVIEWS_NOT_DECIDED;
  }
  if (STORE_OK != rc) {
    return store_failed(err, rc);
  }
  out->id = c->decision_id;
  out->attempt_id = c->attempt_id;
  memcpy(out->kind, c->d.kind, sizeof out->kind);
  out->overall = c->d.overall;
  out->previous_verdict = c->old_verdict;
  out->units = c->d.units;
  out->feedback = c->d.feedback;
  c->d.units = NULL;
  c->d.feedback = NULL;
  snprintf(out->revoked, sizeof out->revoked, "%s", c->revoked);
  out->issue = VERDICT_K == c->d.overall && ISSUE_CREATED == prepared ? c->issue : prepared;
  if (ISSUE_CREATED == out->issue || ISSUE_EXISTING == out->issue) {
    snprintf(out->serial, sizeof out->serial, "%s", c->cert.serial);
    snprintf(out->replaces, sizeof out->replaces, "%s", c->cert.replaces);
    out->issue_err[0] = '\0';
  }
  return REVIEWS_OK;
}

static void decide_ctx_free(struct decide_ctx *c) {
  store_decision_clear(&c->d);
  issue_prep_clear(&c->prep);
  store_cert_clear(&c->cert);
  free(c->result_json);
  c->result_json = NULL;
}

/* The attempt an assessor would decide or mark, with its appeal (*appeal, cleared when none),
 * and which decision it would be: REVIEWS_OK (free l with loaded_free and the appeal with
 * store_appeal_clear), or what load_finished, the own-attempt rule or
 * reviews_assessor_may_decide refuses (nothing left to free). */
static enum reviews_rc load_for_assessor(struct loaded *l, struct store_appeal *appeal,
                                         enum reviews_kind *kind, struct svc *svc,
                                         int64_t attempt_id, int64_t actor,
                                         struct reviews_err *err) {
  bool has_appeal = false;
  memset(appeal, 0, sizeof *appeal);
  enum reviews_rc res = load_finished(l, svc, attempt_id, err);
  if (REVIEWS_OK != res) {
    return res;
  }
  int rc = STORE_OK;
  if (l->att.user_id == actor) {
    res = REVIEWS_OWN_ATTEMPT;
  } else {
    rc = load_beside(svc, attempt_id, NULL, NULL, appeal, &has_appeal);
  }
  if (rc < 0) {
    res = store_failed(err, rc);
  } else if (REVIEWS_OK == res) {
    res = reviews_assessor_may_decide(kind, &l->att, has_appeal ? appeal : NULL, actor);
  }
  if (REVIEWS_OK != res) {
    store_appeal_clear(appeal);
    loaded_free(l);
  }
  return res;
}

enum reviews_rc reviews_decide(struct reviews_decision *out, struct svc *svc, int64_t attempt_id,
                               int64_t actor, const struct reviews_marks *in,
                               struct reviews_err *err) {
  struct loaded l;
  struct store_appeal appeal;
  struct review_request rq;
  struct decide_ctx c;
  enum reviews_kind kind = REVIEWS_FIRST_REVIEW;
  enum reviews_rc res = REVIEWS_INTERNAL;
  memset(out, 0, sizeof *out);
  memset(&c, 0, sizeof c);
  err_reset(err);
  res = load_for_assessor(&l, &appeal, &kind, svc, attempt_id, actor, err);
  if (REVIEWS_OK != res) {
    return res;
  }
  if (REVIEWS_APPEAL == kind) {
    snprintf(c.d.kind, sizeof c.d.kind, "%s", STORE_DECISION_APPEAL);
    c.appeal_id = appeal.id;
    c.audit_action = "appeal.decision";
  } else {
    snprintf(c.d.kind, sizeof c.d.kind, "%s", STORE_DECISION_ASSESSOR);
    c.first_review = true;
    c.audit_action = "review.decision";
  }
  if (NULL == in->items) {
    snprintf(err->why, sizeof err->why, "items: the rubric marks are required.");
    res = REVIEWS_BAD_MARKS;
    goto cleanup;
  }
  rq = (struct review_request){.items = in->items,
                               .units = in->units,
                               .overall = in->overall,
                               .feedback = in->feedback,
                               .observations = l.observations};
  res = decide_marks(&c, &l, &rq, attempt_id, actor, err);
  if (REVIEWS_OK != res) {
    goto cleanup;
  }
  c.d.appeal_id = c.appeal_id;
  res = decide_commit(out, svc, &c, err);
cleanup:
  decide_ctx_free(&c);
  store_appeal_clear(&appeal);
  loaded_free(&l);
  return res;
}

enum reviews_rc reviews_override(struct reviews_decision *out, struct svc *svc, int64_t attempt_id,
                                 int64_t actor, const char *reason, const struct reviews_marks *in,
                                 struct reviews_err *err) {
  struct loaded l;
  struct store_decision prev;
  struct review_request rq;
  struct decide_ctx c;
  bool has_prev = false;
  json_t *kept = NULL;
  enum reviews_rc res = REVIEWS_INTERNAL;
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  memset(&c, 0, sizeof c);
  memset(&prev, 0, sizeof prev);
  memset(&l, 0, sizeof l);
  err_reset(err);
  if (NULL == reason || '\0' == reason[0]) {
    snprintf(err->why, sizeof err->why, "reason: an administrator's change needs a reason.");
    return REVIEWS_REASON_REQUIRED;
  }
  res = load_finished(&l, svc, attempt_id, err);
  if (REVIEWS_OK != res) {
    return res;
  }
  if (!attempts_decided(&l.att)) {
    res = REVIEWS_NOT_DECIDED;
    goto cleanup;
  }
  rc = load_beside(svc, attempt_id, &prev, &has_prev, NULL, NULL);
  if (rc < 0) {
    res = store_failed(err, rc);
    goto cleanup;
  }
  if (has_prev && NULL == (kept = json_loads(prev.marks, 0, NULL))) {
    res = REVIEWS_INTERNAL;
    goto cleanup;
  }
  rq = (struct review_request){.kept_items = kept,
                               .units = in->units,
                               .overall = in->overall,
                               .feedback = in->feedback,
                               .kept_feedback = has_prev ? prev.feedback : NULL,
                               .reason_all = reason,
                               .observations = l.observations};
  res = decide_marks(&c, &l, &rq, attempt_id, actor, err);
  if (REVIEWS_OK != res) {
    goto cleanup;
  }
  c.admin = true;
  c.audit_action = "review.admin_change";
  c.d.reason = strdup(reason);
  snprintf(c.d.kind, sizeof c.d.kind, "%s", STORE_DECISION_ADMIN);
  if (NULL == c.d.reason) {
    res = REVIEWS_INTERNAL;
    goto cleanup;
  }
  res = decide_commit(out, svc, &c, err);
cleanup:
  decide_ctx_free(&c);
  json_decref(kept);
  store_decision_clear(&prev);
  loaded_free(&l);
  return res;
}

/* ------------------------------------------------------------------------------------ */
/* the candidate's view */

void reviews_feedback_clear(struct reviews_feedback *f) {
  store_decision_clear(&f->decision);
  store_appeal_clear(&f->appeal);
  memset(f, 0, sizeof *f);
}

enum reviews_rc reviews_feedback(struct reviews_feedback *out, struct svc *svc, int64_t attempt_id,
                                 int64_t candidate, struct reviews_err *err) {
  struct store_attempt att;
  memset(out, 0, sizeof *out);
  memset(&att, 0, sizeof att);
  err_reset(err);
  int rc = load_attempt(svc, attempt_id, candidate, &att, &out->decision, &out->has_decision,
                        &out->appeal, &out->has_appeal);
  out->exam = STORE_OK == rc ? attempts_exam(svc, &att) : NULL;
  store_attempt_clear(&att);
  enum reviews_rc res = read_result(err, rc);
  if (REVIEWS_OK != res) {
    reviews_feedback_clear(out);
    return res;
  }
  if (!attempts_decided(&att)) {
    reviews_feedback_clear(out);
    return REVIEWS_NOT_DECIDED;
  }
  out->verdict = att.verdict;
  out->decided_ms = decided_at(&att, out->has_decision ? &out->decision : NULL);
  out->appeal_until_ms = out->decided_ms + appeal_period_ms(svc);
  return REVIEWS_OK;
}

/* ------------------------------------------------------------------------------------ */
/* appeals */

json_t *reviews_appeal_json(const struct store_appeal *a) {
  return json_pack(
      "{s:I, s:I, s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)a->id, "attempt_id",
      (json_int_t)a->attempt_id, "candidate_id", (json_int_t)a->candidate_id, "reason", a->reason,
      "created_at", json_time(a->created_ms), "status", appeal_status_name(a->status),
      "original_assessor_id",
      a->original_assessor_id > 0 ? json_integer(a->original_assessor_id) : json_null(),
      "assessor_id", a->assessor_id > 0 ? json_integer(a->assessor_id) : json_null(), "assigned_at",
      json_time(a->assigned_ms), "decided_at", json_time(a->decided_ms));
}

static enum reviews_rc read_appeal(struct store_appeal *out, struct svc *svc, int64_t id,
                                   struct reviews_err *err) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_appeal_get(rd, out, id);
  }
  store_rd_end(rd);
  return STORE_OK == rc ? REVIEWS_OK : store_failed(err, rc);
}

struct create_ctx {
  int64_t attempt_id, candidate_id, original_assessor_id;
  const char *reason;
  int64_t appeal_id;
};

static int tx_create(struct store_tx *tx, void *vctx) {
  struct create_ctx *c = vctx;
  struct store_appeal a;
  int rc = store_appeal_create(tx, &c->appeal_id, c->attempt_id, c->candidate_id, c->reason,
                               c->original_assessor_id);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_appeal_get(store_tx_rd(tx), &a, c->appeal_id);
  if (STORE_OK != rc) {
    return rc < 0 ? rc : STORE_HARD;
  }
  rc = audit_creation(tx, c->candidate_id, "appeal.create", "attempt", c->attempt_id,
                      reviews_appeal_json(&a));
  store_appeal_clear(&a);
  return rc;
}

enum reviews_rc reviews_appeal_file(struct store_appeal *out, struct svc *svc, int64_t attempt_id,
                                    int64_t candidate, const char *reason, int64_t now_ms,
                                    struct reviews_err *err) {
  struct create_ctx c = {.attempt_id = attempt_id, .candidate_id = candidate, .reason = reason};
  struct store_attempt att;
  struct store_decision d;
  int64_t decided_ms = 0;
  int rc = STORE_HARD;
  bool has_d = false;
  memset(out, 0, sizeof *out);
  memset(&att, 0, sizeof att);
  memset(&d, 0, sizeof d);
  err_reset(err);
  if (NULL == reason || '\0' == reason[0] || strlen(reason) > REVIEWS_APPEAL_MAX) {
    return REVIEWS_APPEAL_REASON_INVALID;
  }
  rc = load_attempt(svc, attempt_id, candidate, &att, &d, &has_d, NULL, NULL);
  store_attempt_clear(&att);
  enum reviews_rc res = read_result(err, rc);
  if (REVIEWS_OK != res) {
    return res;
  }
  if (!attempts_decided(&att)) {
    store_decision_clear(&d);
    return REVIEWS_NOT_DECIDED;
  }
  /* The period runs from the decision that is being appealed. */
  decided_ms = decided_at(&att, has_d ? &d : NULL);
  c.original_assessor_id = has_d ? d.decided_by : 0;
  store_decision_clear(&d);
  if (now_ms - decided_ms > appeal_period_ms(svc)) {
    return REVIEWS_APPEAL_PERIOD_OVER;
  }
  rc = store_txn(svc->store, tx_create, &c);
  if (STORE_EXISTS == rc) {
    return REVIEWS_ALREADY_APPEALED;
  }
  if (STORE_OK != rc) {
    return store_failed(err, rc);
  }
  return read_appeal(out, svc, c.appeal_id, err);
}

enum reviews_rc reviews_appeal_list(struct store_appeal **out, size_t *out_n, int64_t *out_next,
                                    struct svc *svc, const enum appeal_status *status,
                                    bool undecided, int64_t after_id, int limit,
                                    struct reviews_err *err) {
  struct store_rd *rd = NULL;
  int rc = STORE_HARD;
  *out = NULL;
  *out_n = 0;
  if (NULL != out_next) {
    *out_next = 0;
  }
  err_reset(err);
  rc = store_rd_begin(svc->store, &rd);
  bool more = false;
  if (STORE_OK == rc) {
    rc = undecided ? store_appeal_list_undecided(rd, out, out_n, after_id, limit, &more)
                   : store_appeal_list(rd, out, out_n, status, after_id, limit, &more);
  }
  store_rd_end(rd);
  if (NULL != out_next && STORE_OK == rc && more) {
    *out_next = (*out)[*out_n - 1].id;
  }
  return STORE_OK == rc ? REVIEWS_OK : store_failed(err, rc);
}

struct assign_ctx {
  int64_t appeal_id, assessor_id, actor;
  enum reviews_rc refusal; /* a refusal found inside the transaction */
};

static int tx_assign(struct store_tx *tx, void *vctx) {
  struct assign_ctx *c = vctx;
  struct store_rd *rd = store_tx_rd(tx);
  struct store_appeal before, after;
  struct store_user u;
  int rc = STORE_HARD;
  c->refusal = REVIEWS_OK;
  memset(&before, 0, sizeof before);
  memset(&after, 0, sizeof after);
  rc = store_appeal_get(rd, &before, c->appeal_id);
  if (STORE_NONE == rc) {
    c->refusal = REVIEWS_APPEAL_NOT_FOUND;
  }
  if (STORE_OK != rc) {
    goto done;
  }
  rc = accounts_read(rd, c->assessor_id, &u);
  if (rc < 0) {
    goto done;
  }
  c->refusal = STORE_NONE == rc ? REVIEWS_NOT_AN_ASSESSOR : reviews_may_assign(&u, &before);
  if (REVIEWS_OK != c->refusal) {
    rc = STORE_CONFLICT;
    goto done;
  }
  rc = store_appeal_assign(tx, c->appeal_id, c->assessor_id);
  if (STORE_CONFLICT == rc) {
    c->refusal = REVIEWS_APPEAL_DECIDED;
  }
  if (STORE_OK != rc) {
    goto done;
  }
  rc = store_appeal_get(rd, &after, c->appeal_id);
  if (STORE_OK != rc) {
    rc = rc < 0 ? rc : STORE_HARD;
    goto done;
  }
  rc = audit_change(tx, c->actor, "appeal.assign", "attempt", before.attempt_id,
                    reviews_appeal_json(&before), reviews_appeal_json(&after));
done:
  store_appeal_clear(&before);
  store_appeal_clear(&after);
  return rc;
}

enum reviews_rc reviews_appeal_assign(struct store_appeal *out, struct svc *svc, int64_t appeal_id,
                                      int64_t assessor, int64_t actor, struct reviews_err *err) {
  struct assign_ctx c = {.appeal_id = appeal_id, .assessor_id = assessor, .actor = actor};
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  err_reset(err);
  rc = store_txn(svc->store, tx_assign, &c);
  if (REVIEWS_OK != c.refusal && STORE_OK != rc) {
    return c.refusal;
  }
  if (STORE_OK != rc) {
    return store_failed(err, rc);
  }
  return read_appeal(out, svc, appeal_id, err);
}

/* ------------------------------------------------------------------------------------ */
/* marking ahead of the decision */

bool reviews_candidate_hidden(const struct exam *exam, bool decided, bool viewer_admin) {
  return NULL != exam && exam->blind_marking && !decided && !viewer_admin;
}

bool reviews_queue_in_state(const struct reviews_queue_entry *e, enum reviews_queue_state state,
                            int64_t viewer) {
  switch (state) {
  case REVIEWS_QUEUE_ANY:
    return true;
  case REVIEWS_QUEUE_FREE:
    return 0 == e->appeal_id && 0 == e->holder_id;
  case REVIEWS_QUEUE_MINE:
    return viewer == e->holder_id;
  case REVIEWS_QUEUE_OTHERS:
    return 0 != e->holder_id && viewer != e->holder_id;
  case REVIEWS_QUEUE_APPEALS:
    return e->appeal_id > 0;
  }
  return false;
}

bool reviews_queue_state_parse(const char *s, enum reviews_queue_state *out) {
  static const char *const names[] = {[REVIEWS_QUEUE_ANY] = "",
                                      [REVIEWS_QUEUE_FREE] = "free",
                                      [REVIEWS_QUEUE_MINE] = "mine",
                                      [REVIEWS_QUEUE_OTHERS] = "others",
                                      [REVIEWS_QUEUE_APPEALS] = "appeals"};
  *out = REVIEWS_QUEUE_ANY;
  for (size_t i = 0; NULL != s && i < sizeof names / sizeof names[0]; i++) {
    if (0 == strcmp(s, names[i])) {
      *out = (enum reviews_queue_state)i;
      return true;
    }
  }
  return NULL == s;
}

/* The viewer's saved marks of a loaded sheet as {item: marks}; rows that do not parse are
 * skipped (a decision re-checks whatever the sheet shows). */
static int read_saved_marks(struct store_rd *rd, json_t *into, int64_t attempt_id,
                            int64_t viewer_id) {
  struct store_item_marks *list = NULL;
  size_t n = 0;
  int rc = store_item_marks_list(rd, &list, &n, attempt_id, viewer_id);
  for (size_t i = 0; STORE_OK == rc && i < n; i++) {
    json_t *m = json_loads(list[i].marks, 0, NULL);
    if (json_is_object(m)) {
      json_object_set(into, list[i].item_id, m);
    }
    json_decref(m);
  }
  store_item_marks_list_free(list, n);
  return rc;
}

enum reviews_rc reviews_sheet_saved_marks(json_t **out, struct svc *svc, int64_t attempt_id,
                                          int64_t viewer_id, struct reviews_err *err) {
  struct store_rd *rd = NULL;
  int rc = STORE_HARD;
  err_reset(err);
  *out = json_object();
  if (NULL == *out) {
    return REVIEWS_INTERNAL;
  }
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = read_saved_marks(rd, *out, attempt_id, viewer_id);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    json_decref(*out);
    *out = NULL;
    return store_failed(err, rc);
  }
  return REVIEWS_OK;
}

struct beside_ctx {
  int64_t attempt_id, actor, appeal_id, ttl_ms;
  int (*write)(struct store_tx *tx, void *arg);
  void *arg;
  struct store_claim claim; /* out: the claim taken or renewed (first review) */
  enum reviews_rc refusal;
};

/* What is saved ahead of a decision (marks, observations) is saved under the same conditions
 * a decision is taken: a first review needs the actor's claim (taken or renewed here, as a
 * claim request would), an appeal must still be assigned to the actor. */
static int tx_beside(struct store_tx *tx, void *vctx) {
  struct beside_ctx *c = vctx;
  struct store_appeal appeal;
  int rc = STORE_HARD;
  c->refusal = REVIEWS_OK;
  memset(&appeal, 0, sizeof appeal);
  if (0 == c->appeal_id) {
    rc = store_claim_take(tx, &c->claim, c->attempt_id, c->actor, c->ttl_ms);
    c->refusal = STORE_NONE == rc       ? REVIEWS_NOT_AWAITING_REVIEW
                 : STORE_CONFLICT == rc ? REVIEWS_CLAIM_HELD
                                        : REVIEWS_OK;
  } else {
    rc = store_appeal_get(store_tx_rd(tx), &appeal, c->appeal_id);
    if (STORE_OK == rc && (APPEAL_ASSIGNED != appeal.status || appeal.assessor_id != c->actor)) {
      c->refusal = REVIEWS_NOT_AWAITING_REVIEW;
      rc = STORE_CONFLICT;
    }
    store_appeal_clear(&appeal);
  }
  if (STORE_OK != rc) {
    return STORE_NONE == rc ? STORE_CONFLICT : rc;
  }
  return c->write(tx, c->arg);
}

/* Runs c in its transaction: REVIEWS_OK (c->claim set), the refusal, or the store's failure. */
static enum reviews_rc beside_run(struct svc *svc, struct beside_ctx *c, struct reviews_err *err) {
  c->ttl_ms = (int64_t)svc->cfg->claim_ttl_s * 1000;
  int rc = store_txn(svc->store, tx_beside, c);
  if (STORE_CONFLICT == rc) {
    return REVIEWS_OK != c->refusal ? c->refusal : REVIEWS_NOT_AWAITING_REVIEW;
  }
  return STORE_OK == rc ? REVIEWS_OK : store_failed(err, rc);
}

enum reviews_rc reviews_save_beside(int64_t *out_claim_expires_ms, struct svc *svc,
                                    int64_t attempt_id, int64_t actor,
                                    int (*write)(struct store_tx *tx, void *arg), void *arg,
                                    struct reviews_err *err) {
  struct loaded l;
  struct store_appeal appeal;
  enum reviews_kind kind = REVIEWS_FIRST_REVIEW;
  struct beside_ctx c = {.attempt_id = attempt_id, .actor = actor, .write = write, .arg = arg};
  *out_claim_expires_ms = 0;
  err_reset(err);
  enum reviews_rc res = load_for_assessor(&l, &appeal, &kind, svc, attempt_id, actor, err);
  if (REVIEWS_OK != res) {
    return res;
  }
  c.appeal_id = REVIEWS_APPEAL == kind ? appeal.id : 0;
  res = beside_run(svc, &c, err);
  if (REVIEWS_OK == res) {
    *out_claim_expires_ms = c.claim.expires_ms;
  }
  store_appeal_clear(&appeal);
  loaded_free(&l);
  return res;
}

struct item_marks_ctx {
  int64_t attempt_id, actor;
  const char *item_id;
  const char *marks;
};

static int put_item_marks(struct store_tx *tx, void *arg) {
  const struct item_marks_ctx *m = arg;
  return store_item_marks_put(tx, m->attempt_id, m->item_id, m->actor, m->marks);
}

void reviews_item_marks_clear(struct reviews_item_marks *m) {
  json_decref(m->marks);
  memset(m, 0, sizeof *m);
}

enum reviews_rc reviews_save_item_marks(struct reviews_item_marks *out, struct svc *svc,
                                        int64_t attempt_id, const char *item_id, int64_t actor,
                                        const json_t *marks, struct reviews_err *err) {
  struct loaded l;
  struct store_appeal appeal;
  struct item_marks_ctx m = {.attempt_id = attempt_id, .actor = actor, .item_id = item_id};
  struct beside_ctx c = {.attempt_id = attempt_id, .actor = actor, .write = put_item_marks};
  const struct form_item *fi = NULL;
  enum reviews_kind kind = REVIEWS_FIRST_REVIEW;
  char *text = NULL;
  memset(out, 0, sizeof *out);
  err_reset(err);
  enum reviews_rc res = load_for_assessor(&l, &appeal, &kind, svc, attempt_id, actor, err);
  if (REVIEWS_OK != res) {
    return res;
  }
  fi = exam_form_find_item(l.form, item_id);
  if (NULL == fi) {
    res = REVIEWS_BAD_MARKS;
    snprintf(err->why, sizeof err->why, "items.%.64s: not an item of this attempt's form.",
             item_id);
    goto cleanup;
  }
  enum review_status st =
      review_item_marks(&out->marks, &out->points, fi->item, marks, err->why, sizeof err->why);
  if (REVIEW_OK != st) {
    res = refused(st);
    goto cleanup;
  }
  text = json_compact(out->marks, true);
  if (NULL == text) {
    res = REVIEWS_INTERNAL;
    goto cleanup;
  }
  m.marks = text;
  c.arg = &m;
  c.appeal_id = REVIEWS_APPEAL == kind ? appeal.id : 0;
  res = beside_run(svc, &c, err);
  if (REVIEWS_OK == res) {
    out->claim_expires_ms = c.claim.expires_ms;
  }
cleanup:
  if (REVIEWS_OK != res) {
    reviews_item_marks_clear(out);
  }
  free(text);
  store_appeal_clear(&appeal);
  loaded_free(&l);
  return res;
}
