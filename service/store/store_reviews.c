/*
 * Claims, decisions, appeals and the administrators' attempt list in SQLite.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

enum reviews_stmt {
  CLAIM_GET,
  CLAIM_PUT,
  CLAIM_DELETE,
  ATTEMPT_PENDING,
  QUEUE,
  DECISION_INSERT,
  DECISION_LATEST,
  DECISION_HISTORY,
  APPEAL_INSERT,
  APPEAL_GET,
  APPEAL_FOR_ATTEMPT,
  APPEAL_ASSIGN,
  APPEAL_SET_DECIDED,
  APPEAL_LIST,
  APPEAL_LIST_UNDECIDED,
  ADMIN_ATTEMPTS,
  REVIEWS__MAX
};

#define DECISION_COLS                                                                              \
  "id, attempt_id, decided_by, kind, decided_at, overall, marks, units, feedback, reason, "        \
  "appeal_id"
#define APPEAL_COLS                                                                                \
  "id, attempt_id, candidate_id, reason, created_at, status, original_assessor_id, "               \
  "assessor_id, assigned_at, decided_at"
/* The queue after the entry (?3 since, ?4 attempt id) in its order, (since, attempt id);
 * ?2 one exam or NULL. Each side reads in that order from where the last page ended (the
 * pending side by attempts_verdict_since, migration 0037), so a page costs its own rows. */
#define QUEUE_SQL                                                                                  \
  "SELECT a.id, a.user_id, a.exam_id, a.finished_at AS since, c.assessor_id, c.expires_at, "       \
  "NULL FROM attempts a LEFT JOIN review_claims c ON c.attempt_id = a.id "                         \
  "WHERE a.verdict = 'PENDING' AND (CAST(?2 AS TEXT) IS NULL OR a.exam_id = ?2) "                  \
  "AND a.finished_at >= ?3 AND (a.finished_at > ?3 OR a.id > ?4) UNION ALL "                       \
  "SELECT a.id, a.user_id, a.exam_id, coalesce(p.assigned_at, 0) AS since, p.assessor_id, NULL, "  \
  "p.id FROM appeals p JOIN attempts a ON a.id = p.attempt_id WHERE p.status = 'assigned' "        \
  "AND (CAST(?2 AS TEXT) IS NULL OR a.exam_id = ?2) AND coalesce(p.assigned_at, 0) >= ?3 "         \
  "AND (coalesce(p.assigned_at, 0) > ?3 OR a.id > ?4) ORDER BY since, 1 LIMIT ?1"

static const char *const reviews_sqls[REVIEWS__MAX] = {
    [CLAIM_GET] = "SELECT attempt_id, assessor_id, claimed_at, expires_at FROM review_claims "
                  "WHERE attempt_id = ?1",
    [CLAIM_PUT] = "INSERT INTO review_claims(attempt_id, assessor_id, claimed_at, expires_at) "
                  "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(attempt_id) DO UPDATE SET "
                  "assessor_id = excluded.assessor_id, claimed_at = excluded.claimed_at, "
                  "expires_at = excluded.expires_at",
    [CLAIM_DELETE] = "DELETE FROM review_claims WHERE attempt_id = ?1",
    [ATTEMPT_PENDING] = "SELECT 1 FROM attempts WHERE id = ?1 AND verdict = 'PENDING'",
    [QUEUE] = QUEUE_SQL,
    [DECISION_INSERT] = "INSERT INTO review_decisions(attempt_id, decided_by, kind, decided_at, "
                        "overall, marks, units, feedback, reason, appeal_id) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [DECISION_LATEST] = "SELECT " DECISION_COLS " FROM review_decisions WHERE attempt_id = ?1 "
                        "ORDER BY id DESC LIMIT 1",
    [DECISION_HISTORY] = "SELECT " DECISION_COLS " FROM review_decisions WHERE attempt_id = ?1 "
                         "ORDER BY id",
    [APPEAL_INSERT] = "INSERT INTO appeals(attempt_id, candidate_id, reason, created_at, status, "
                      "original_assessor_id) VALUES(?1, ?2, ?3, ?4, 'open', ?5)",
    [APPEAL_GET] = "SELECT " APPEAL_COLS " FROM appeals WHERE id = ?1",
    [APPEAL_FOR_ATTEMPT] = "SELECT " APPEAL_COLS " FROM appeals WHERE attempt_id = ?1",
    [APPEAL_ASSIGN] = "UPDATE appeals SET status = 'assigned', assessor_id = ?2, assigned_at = ?3 "
                      "WHERE id = ?1 AND status IN ('open', 'assigned')",
    [APPEAL_SET_DECIDED] = "UPDATE appeals SET status = 'decided', decided_at = ?2 "
                           "WHERE id = ?1 AND status = 'assigned'",
    /* Keyset paging: appeals after ?3 (0: from the oldest); with a status ?2, or all. */
    [APPEAL_LIST] = "SELECT " APPEAL_COLS " FROM appeals WHERE (CAST(?2 AS TEXT) IS NULL OR "
                    "status = ?2) AND id > ?3 ORDER BY id LIMIT ?1",
    [APPEAL_LIST_UNDECIDED] = "SELECT " APPEAL_COLS " FROM appeals WHERE status IN ('open', "
                              "'assigned') AND id > ?2 ORDER BY id LIMIT ?1",
    [ADMIN_ATTEMPTS] =
        "SELECT " STORE_ATTEMPT_COLS " FROM attempts "
        "WHERE (CAST(?1 AS TEXT) IS NULL OR exam_id = ?1) AND (CAST(?2 AS TEXT) IS NULL OR status "
        "= ?2) "
        "AND (CAST(?3 AS TEXT) IS NULL OR coalesce(verdict, '') = ?3) AND (?4 = 0 OR id < ?4) "
        "AND (CAST(?6 AS TEXT) IS NULL OR user_id IN (SELECT id FROM users "
        "WHERE instr(lower(name), lower(?6)) > 0 "
        "OR instr(lower(email), lower(?6)) > 0)) "
        "ORDER BY id DESC LIMIT ?5",
};
static const struct store_sqlset reviews_set = {"reviews", reviews_sqls, REVIEWS__MAX};

static int64_t col_int_or_zero(struct store_stmt *st, int col) {
  return store_col_is_null(st, col) ? 0 : store_col_int64(st, col);
}

/* ------------------------------------------------------------------------------------ */
/* claims */

/* One statement of this file with ?1 = id bound, or NULL (store_stmt failed). */
static struct store_stmt *stmt_by_id(struct store_conn *c, int which, int64_t id) {
  struct store_stmt *st = store_stmt(c, &reviews_set, which);
  if (NULL != st) {
    store_bind_int64(st, 1, id);
  }
  return st;
}

static int claim_row(struct store_stmt *st, void *elem) {
  struct store_claim *cl = elem;
  cl->attempt_id = store_col_int64(st, 0);
  cl->assessor_id = store_col_int64(st, 1);
  cl->claimed_ms = store_col_int64(st, 2);
  cl->expires_ms = store_col_int64(st, 3);
  return STORE_OK;
}

static const struct store_rowtype claim_one = {"claim get", sizeof(struct store_claim), claim_row,
                                               NULL};
/* Only whether the attempt waits for a decision. */
static const struct store_rowtype pending_one = {"claim attempt", 0, NULL, NULL};

static int claim_read(struct store_conn *c, struct store_claim *out, int64_t attempt_id) {
  struct store_stmt *st = store_stmt(c, &reviews_set, CLAIM_GET);
  memset(out, 0, sizeof *out);
  if (NULL != st) {
    store_bind_int64(st, 1, attempt_id);
  }
  return store_row_get(c, st, &claim_one, out);
}

int store_claim_get(struct store_rd *rd, struct store_claim *out, int64_t attempt_id) {
  return claim_read(store_rd_conn(rd), out, attempt_id);
}

int store_claim_take(struct store_tx *tx, struct store_claim *out, int64_t attempt_id,
                     int64_t assessor_id, int64_t ttl_ms) {
  struct store_conn *c = store_tx_conn(tx);
  int64_t now = store_tx_now_ms(tx);
  int rc = STORE_HARD;
  memset(out, 0, sizeof *out);
  if (ttl_ms <= 0 || assessor_id <= 0) {
    return STORE_HARD;
  }
  rc = store_row_get(c, stmt_by_id(c, ATTEMPT_PENDING, attempt_id), &pending_one, NULL);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = claim_read(c, out, attempt_id);
  if (rc < 0) {
    return rc;
  }
  if (STORE_OK == rc && out->assessor_id != assessor_id && out->expires_ms > now) {
    return STORE_CONFLICT;
  }
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_INT(assessor_id),
                                   STORE_ARG_INT(now), STORE_ARG_INT(now + ttl_ms)};
  rc = store_write(c, &reviews_set, CLAIM_PUT, args, sizeof args / sizeof args[0], "claim put");
  if (STORE_OK == rc) {
    *out = (struct store_claim){attempt_id, assessor_id, now, now + ttl_ms};
  }
  return rc;
}

int store_claim_release(struct store_tx *tx, int64_t attempt_id) {
  struct store_conn *c = store_tx_conn(tx);
  int rc = store_step_changes(c, stmt_by_id(c, CLAIM_DELETE, attempt_id), "claim delete");
  return STORE_NONE == rc ? STORE_OK : rc;
}

/* ------------------------------------------------------------------------------------ */
/* queue */

static int queue_row(struct store_stmt *st, void *elem) {
  struct store_queue_entry *e = elem;
  e->attempt_id = store_col_int64(st, 0);
  e->user_id = store_col_int64(st, 1);
  if (0 != store_col_copy(st, 2, e->exam_id, sizeof e->exam_id)) {
    return STORE_HARD;
  }
  e->since_ms = col_int_or_zero(st, 3);
  e->holder_id = col_int_or_zero(st, 4);
  e->claim_expires_ms = col_int_or_zero(st, 5);
  e->appeal_id = col_int_or_zero(st, 6);
  return STORE_OK;
}

static const struct store_rowtype queue_rows = {"review queue", sizeof(struct store_queue_entry),
                                                queue_row, NULL};

void store_queue_list_free(struct store_queue_entry *list, size_t n) {
  store_rows_free(&queue_rows, list, n);
}

int store_review_queue(struct store_rd *rd, struct store_queue_entry **out, size_t *out_n,
                       const char *exam_id, int64_t after_since_ms, int64_t after_attempt_id,
                       int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(limit), STORE_ARG_TEXT(exam_id),
                                   STORE_ARG_INT(after_since_ms), STORE_ARG_INT(after_attempt_id)};
  return store_rows_query(store_rd_conn(rd), &reviews_set, QUEUE, args,
                          sizeof args / sizeof args[0], &queue_rows, limit, out, out_n);
}

/* ------------------------------------------------------------------------------------ */
/* decisions */

void store_decision_clear(struct store_decision *d) {
  if (NULL != d) {
    char **const owned[] = {&d->marks, &d->units, &d->feedback, &d->reason};
    store_free_texts(owned, sizeof owned / sizeof owned[0]);
  }
}

int store_decision_add(struct store_tx *tx, int64_t *out_id, const struct store_decision *d) {
  struct store_conn *c = store_tx_conn(tx);
  *out_id = 0;
  if (NULL == d->marks || NULL == d->units ||
      (VERDICT_K != d->overall && VERDICT_BK != d->overall)) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(d->attempt_id),
                                   STORE_ARG_INT(d->decided_by),
                                   STORE_ARG_TEXT(d->kind),
                                   STORE_ARG_INT(store_tx_now_ms(tx)),
                                   STORE_ARG_TEXT(verdict_name(d->overall)),
                                   STORE_ARG_TEXT(d->marks),
                                   STORE_ARG_TEXT(d->units),
                                   STORE_ARG_TEXT(d->feedback),
                                   STORE_ARG_TEXT(d->reason),
                                   store_arg_id(d->appeal_id)};
  int rc = store_write(c, &reviews_set, DECISION_INSERT, args, sizeof args / sizeof args[0],
                       "decision insert");
  if (STORE_EXISTS == rc) {
    rc = STORE_HARD;
  }
  if (STORE_OK == rc) {
    *out_id = store_conn_last_rowid(c);
  }
  return rc;
}

/* Fills a struct store_decision from DECISION_COLS (a row type's read): STORE_OK, STORE_HARD
 * or STORE_UNAVAILABLE (out of memory). */
static int decision_row(struct store_stmt *st, void *elem) {
  struct store_decision *d = elem;
  int oom[4] = {0, 0, 0, 0};
  memset(d, 0, sizeof *d);
  d->id = store_col_int64(st, 0);
  d->attempt_id = store_col_int64(st, 1);
  d->decided_by = store_col_int64(st, 2);
  if (0 != store_col_copy(st, 3, d->kind, sizeof d->kind) ||
      !verdict_parse(store_col_text(st, 5), &d->overall)) {
    return STORE_HARD;
  }
  d->decided_ms = store_col_int64(st, 4);
  d->marks = store_col_strdup(st, 6, &oom[0]);
  d->units = store_col_strdup(st, 7, &oom[1]);
  d->feedback = store_col_strdup(st, 8, &oom[2]);
  d->reason = store_col_strdup(st, 9, &oom[3]);
  d->appeal_id = col_int_or_zero(st, 10);
  if (oom[0] || oom[1] || oom[2] || oom[3] || NULL == d->marks || NULL == d->units) {
    store_decision_clear(d);
    return STORE_UNAVAILABLE;
  }
  return STORE_OK;
}

static void decision_row_clear(void *elem) {
  store_decision_clear(elem);
}

static const struct store_rowtype decision_one = {"decision latest", sizeof(struct store_decision),
                                                  decision_row, decision_row_clear};
static const struct store_rowtype decision_rows = {
    "decision history", sizeof(struct store_decision), decision_row, decision_row_clear};

int store_decision_latest(struct store_rd *rd, struct store_decision *out, int64_t attempt_id) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = stmt_by_id(c, DECISION_LATEST, attempt_id);
  memset(out, 0, sizeof *out);
  return store_row_get(c, st, &decision_one, out);
}

void store_decision_list_free(struct store_decision *list, size_t n) {
  store_rows_free(&decision_rows, list, n);
}

int store_decision_history(struct store_rd *rd, struct store_decision **out, size_t *out_n,
                           int64_t attempt_id) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id)};
  return store_rows_query_all(store_rd_conn(rd), &reviews_set, DECISION_HISTORY, args, 1,
                              &decision_rows, out, out_n);
}

/* ------------------------------------------------------------------------------------ */
/* appeals */

void store_appeal_clear(struct store_appeal *a) {
  if (NULL == a) {
    return;
  }
  free(a->reason);
  a->reason = NULL;
}

/* Fills a struct store_appeal from APPEAL_COLS (a row type's read). */
static int appeal_row(struct store_stmt *st, void *elem) {
  struct store_appeal *a = elem;
  int oom = 0;
  memset(a, 0, sizeof *a);
  a->id = store_col_int64(st, 0);
  a->attempt_id = store_col_int64(st, 1);
  a->candidate_id = store_col_int64(st, 2);
  a->reason = store_col_strdup(st, 3, &oom);
  a->created_ms = store_col_int64(st, 4);
  if (!appeal_status_parse(store_col_text(st, 5), &a->status)) {
    store_appeal_clear(a);
    return STORE_HARD;
  }
  a->original_assessor_id = col_int_or_zero(st, 6);
  a->assessor_id = col_int_or_zero(st, 7);
  a->assigned_ms = col_int_or_zero(st, 8);
  a->decided_ms = col_int_or_zero(st, 9);
  if (oom || NULL == a->reason) {
    store_appeal_clear(a);
    return STORE_UNAVAILABLE;
  }
  return STORE_OK;
}

int store_appeal_create(struct store_tx *tx, int64_t *out_id, int64_t attempt_id,
                        int64_t candidate_id, const char *reason, int64_t original_assessor_id) {
  struct store_conn *c = store_tx_conn(tx);
  *out_id = 0;
  if (NULL == reason) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_INT(candidate_id),
                                   STORE_ARG_TEXT(reason), STORE_ARG_INT(store_tx_now_ms(tx)),
                                   store_arg_id(original_assessor_id)};
  int rc = store_write(c, &reviews_set, APPEAL_INSERT, args, sizeof args / sizeof args[0],
                       "appeal insert");
  if (STORE_OK == rc) {
    *out_id = store_conn_last_rowid(c);
  }
  return rc;
}

static void appeal_row_clear(void *elem) {
  store_appeal_clear(elem);
}

static const struct store_rowtype appeal_one = {"appeal get", sizeof(struct store_appeal),
                                                appeal_row, appeal_row_clear};
static const struct store_rowtype appeal_rows = {"appeal list", sizeof(struct store_appeal),
                                                 appeal_row, appeal_row_clear};

static int appeal_lookup(struct store_rd *rd, struct store_appeal *out, int which, int64_t key) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = stmt_by_id(c, which, key);
  memset(out, 0, sizeof *out);
  return store_row_get(c, st, &appeal_one, out);
}

int store_appeal_get(struct store_rd *rd, struct store_appeal *out, int64_t id) {
  return appeal_lookup(rd, out, APPEAL_GET, id);
}

int store_appeal_for_attempt(struct store_rd *rd, struct store_appeal *out, int64_t attempt_id) {
  return appeal_lookup(rd, out, APPEAL_FOR_ATTEMPT, attempt_id);
}

/* OK when a row changed; otherwise NONE if the appeal does not exist, CONFLICT if it does. */
static int appeal_transition(struct store_tx *tx, int which, int64_t id, int64_t who) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &reviews_set, which);
  struct store_appeal a;
  int rc = STORE_HARD;
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_int64(st, 1, id);
  if (APPEAL_ASSIGN == which) {
    store_bind_int64(st, 2, who);
    store_bind_int64(st, 3, store_tx_now_ms(tx));
  } else {
    store_bind_int64(st, 2, store_tx_now_ms(tx));
  }
  rc = store_step_changes(c, st, "appeal update");
  if (STORE_NONE != rc) {
    return rc;
  }
  rc = store_appeal_get(store_tx_rd(tx), &a, id);
  store_appeal_clear(&a);
  return STORE_OK == rc ? STORE_CONFLICT : rc;
}

int store_appeal_assign(struct store_tx *tx, int64_t id, int64_t assessor_id) {
  if (assessor_id <= 0) {
    return STORE_HARD;
  }
  return appeal_transition(tx, APPEAL_ASSIGN, id, assessor_id);
}

int store_appeal_set_decided(struct store_tx *tx, int64_t id) {
  return appeal_transition(tx, APPEAL_SET_DECIDED, id, 0);
}

void store_appeal_list_free(struct store_appeal *list, size_t n) {
  store_rows_free(&appeal_rows, list, n);
}

int store_appeal_list(struct store_rd *rd, struct store_appeal **out, size_t *out_n,
                      const enum appeal_status *status, int64_t after_id, int limit,
                      bool *out_more) {
  const struct store_arg args[] = {
      STORE_ARG_LIMIT(limit), STORE_ARG_TEXT(NULL == status ? NULL : appeal_status_name(*status)),
      STORE_ARG_INT(after_id)};
  return store_rows_query_page(store_rd_conn(rd), &reviews_set, APPEAL_LIST, args,
                               sizeof args / sizeof args[0], &appeal_rows, out, out_n, out_more);
}

int store_appeal_list_undecided(struct store_rd *rd, struct store_appeal **out, size_t *out_n,
                                int64_t after_id, int limit, bool *out_more) {
  const struct store_arg args[] = {STORE_ARG_LIMIT(limit), STORE_ARG_INT(after_id)};
  return store_rows_query_page(store_rd_conn(rd), &reviews_set, APPEAL_LIST_UNDECIDED, args,
                               sizeof args / sizeof args[0], &appeal_rows, out, out_n, out_more);
}

/* ------------------------------------------------------------------------------------ */
/* attempts for administrators */

/* The administrators' list reads attempts as the attempts' own list does. */
static const struct store_rowtype admin_attempt_rows = {
    "admin attempts", sizeof(struct store_attempt), store_attempt_row, store_attempt_row_clear};

int store_attempt_search(struct store_rd *rd, struct store_attempt **out, size_t *out_n,
                         const struct store_attempt_filter *f, int64_t before_id, int limit,
                         bool *out_more) {
  const struct store_attempt_filter any = {0};
  if (NULL == f) {
    f = &any;
  }
  const char *candidate = NULL != f->candidate && '\0' != f->candidate[0] ? f->candidate : NULL;
  const struct store_arg args[] = {
      STORE_ARG_TEXT(f->exam_id),
      STORE_ARG_TEXT(NULL == f->status ? NULL : attempt_status_name(*f->status)),
      STORE_ARG_TEXT(NULL == f->verdict ? NULL : verdict_name(*f->verdict)),
      STORE_ARG_INT(before_id),
      STORE_ARG_LIMIT(limit),
      STORE_ARG_TEXT(candidate)};
  return store_rows_query_page(store_rd_conn(rd), &reviews_set, ADMIN_ATTEMPTS, args,
                               sizeof args / sizeof args[0], &admin_attempt_rows, out, out_n,
                               out_more);
}

int store_review_attempts(struct store_rd *rd, struct store_attempt **out, size_t *out_n,
                          const char *exam_id, const enum attempt_status *status,
                          const enum verdict *verdict, int64_t before_id, int limit) {
  const struct store_attempt_filter f = {exam_id, status, verdict, NULL};
  return store_attempt_search(rd, out, out_n, &f, before_id, limit, NULL);
}
