/*
 * Complaints and their notes, for both backends (migrations 0039 and 0040). The handler's and
 * the notes' authors' names are read with the rows (LEFT JOIN users), and so is whether a
 * complainant's reply awaits staff, so a list page needs no look-up per row.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_complaints.h"
#include "store/store_internal.h"

enum complaints_stmt {
  COMPLAINT_INSERT,
  COMPLAINT_GET,
  COMPLAINT_BY_TOKEN,
  COMPLAINT_EXISTS,
  COMPLAINT_TAKE,
  COMPLAINT_CLOSE,
  COMPLAINT_LIST,
  COMPLAINT_LIST_BY_USER,
  COMPLAINT_COUNTS,
  NOTE_NEXT_SEQ,
  NOTE_INSERT,
  NOTE_LIST,
  COMPLAINT_DUE_ERASURE,
  COMPLAINT_ERASE,
  NOTES_ERASE,
  COMPLAINTS__MAX
};

/* Every column of a complaint, its handler's name and whether it awaits staff (open, and its
 * last note the complainant's reply: one step down the notes' primary key per row), in the
 * order complaint_row reads them. */
#define COMPLAINT_SELECT                                                                           \
  "SELECT c.id, c.token, c.created_at, c.user_id, c.name, c.email, c.category, c.about, c.body, "  \
  "c.status, c.handler_id, c.taken_at, c.outcome, c.outcome_text, c.closed_at, h.name, "           \
  "CASE WHEN c.status <> 'closed' AND coalesce((SELECT n.from_complainant FROM complaint_notes "   \
  "n WHERE n.complaint_id = c.id ORDER BY n.seq DESC LIMIT 1), 0) = 1 THEN 1 ELSE 0 END, "         \
  "c.erased_at FROM complaints c LEFT JOIN users h ON h.id = c.handler_id "

static const char *const complaints_sqls[COMPLAINTS__MAX] = {
    [COMPLAINT_INSERT] = "INSERT INTO complaints(token, created_at, user_id, name, email, "
                         "category, about, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [COMPLAINT_GET] = COMPLAINT_SELECT "WHERE c.id = ?1",
    [COMPLAINT_BY_TOKEN] = COMPLAINT_SELECT "WHERE c.token = ?1",
    [COMPLAINT_EXISTS] = "SELECT 1 FROM complaints WHERE id = ?1",
    [COMPLAINT_TAKE] = "UPDATE complaints SET status = 'in_review', handler_id = ?2, taken_at = ?3 "
                       "WHERE id = ?1 AND status = 'received'",
    [COMPLAINT_CLOSE] = "UPDATE complaints SET status = 'closed', handler_id = ?2, outcome = ?3, "
                        "outcome_text = ?4, closed_at = ?5 WHERE id = ?1 AND status = 'in_review'",
    /* Keyset paging, newest first: before ?3 (0: from the newest); with a status ?2, or all
     * (complaints_status serves the one, the primary key the other). */
    [COMPLAINT_LIST] = COMPLAINT_SELECT "WHERE (CAST(?2 AS TEXT) IS NULL OR c.status = ?2) "
                                        "AND (?3 = 0 OR c.id < ?3) ORDER BY c.id DESC LIMIT ?1",
    [COMPLAINT_LIST_BY_USER] = COMPLAINT_SELECT "WHERE c.user_id = ?2 ORDER BY c.id DESC LIMIT ?1",
    [COMPLAINT_COUNTS] = "SELECT (SELECT count(*) FROM complaints WHERE status = 'received'), "
                         "(SELECT count(*) FROM complaints WHERE status = 'in_review'), "
                         "(SELECT count(*) FROM complaints WHERE status = 'closed')",
    [NOTE_NEXT_SEQ] =
        "SELECT coalesce(max(seq), 0) + 1 FROM complaint_notes WHERE complaint_id = ?1",
    [NOTE_INSERT] = "INSERT INTO complaint_notes(complaint_id, seq, created_at, author_id, "
                    "from_complainant, shown, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [NOTE_LIST] =
        "SELECT n.complaint_id, n.seq, n.created_at, n.author_id, n.shown, n.body, "
        "u.name, n.from_complainant FROM complaint_notes n LEFT JOIN users u ON u.id = "
        "n.author_id WHERE n.complaint_id = ?1 AND (?2 = 0 OR n.shown = 1) ORDER BY n.seq",
    /* Closed before ?1 and kept: oldest closing first (complaints_retained serves it). */
    [COMPLAINT_DUE_ERASURE] = "SELECT id FROM complaints WHERE status = 'closed' AND erased_at IS "
                              "NULL AND closed_at < ?1 ORDER BY closed_at, id LIMIT ?2",
    [COMPLAINT_ERASE] = "UPDATE complaints SET name = ?2, email = '', about = '', body = ?2, "
                        "outcome_text = ?2, user_id = NULL, erased_at = ?3 WHERE id = ?1 AND "
                        "status = 'closed' AND erased_at IS NULL",
    [NOTES_ERASE] = "UPDATE complaint_notes SET body = ?2 WHERE complaint_id = ?1",
};
static const struct store_sqlset complaints_set = {"complaints", complaints_sqls, COMPLAINTS__MAX};

static int64_t col_int_or_zero(struct store_stmt *st, int col) {
  return store_col_is_null(st, col) ? 0 : store_col_int64(st, col);
}

/* ------------------------------------------------------------------------------------ */
/* complaints */

void store_complaint_clear(struct store_complaint *c) {
  if (NULL != c) {
    char **const owned[] = {&c->name, &c->email,        &c->about,
                            &c->body, &c->outcome_text, &c->handler_name};
    store_free_texts(owned, sizeof owned / sizeof owned[0]);
  }
}

/* The states of the row: its status, and its outcome when it has one (NULL: left as is). */
static bool complaint_states(struct store_stmt *st, struct store_complaint *c) {
  const char *outcome = store_col_text(st, 12);
  return complaint_category_parse(store_col_text(st, 6), &c->category) &&
         complaint_status_parse(store_col_text(st, 9), &c->status) &&
         (NULL == outcome || complaint_outcome_parse(outcome, &c->outcome));
}

/* Fills a struct store_complaint from COMPLAINT_SELECT (a row type's read): STORE_OK,
 * STORE_HARD (a value the table's checks should have kept out) or STORE_UNAVAILABLE (out of
 * memory). */
static int complaint_row(struct store_stmt *st, void *elem) {
  struct store_complaint *c = elem;
  int oom[6] = {0, 0, 0, 0, 0, 0};
  memset(c, 0, sizeof *c);
  c->id = store_col_int64(st, 0);
  if (0 != store_col_copy(st, 1, c->token, sizeof c->token) || !complaint_states(st, c)) {
    return STORE_HARD;
  }
  c->created_ms = store_col_int64(st, 2);
  c->user_id = col_int_or_zero(st, 3);
  c->name = store_col_strdup(st, 4, &oom[0]);
  c->email = store_col_strdup(st, 5, &oom[1]);
  c->about = store_col_strdup(st, 7, &oom[2]);
  c->body = store_col_strdup(st, 8, &oom[3]);
  c->handler_id = col_int_or_zero(st, 10);
  c->taken_ms = col_int_or_zero(st, 11);
  c->outcome_text = store_col_strdup(st, 13, &oom[4]);
  c->closed_ms = col_int_or_zero(st, 14);
  c->handler_name = store_col_strdup(st, 15, &oom[5]);
  c->awaiting_staff = 0 != store_col_int64(st, 16);
  c->erased_ms = col_int_or_zero(st, 17);
  if (oom[0] || oom[1] || oom[2] || oom[3] || oom[4] || oom[5] || NULL == c->name ||
      NULL == c->email || NULL == c->about || NULL == c->body) {
    store_complaint_clear(c);
    return STORE_UNAVAILABLE;
  }
  return STORE_OK;
}

static void complaint_row_clear(void *elem) {
  store_complaint_clear(elem);
}

static const struct store_rowtype complaint_one = {"complaint get", sizeof(struct store_complaint),
                                                   complaint_row, complaint_row_clear};
static const struct store_rowtype complaint_rows = {
    "complaint list", sizeof(struct store_complaint), complaint_row, complaint_row_clear};
/* Only whether the complaint exists. */
static const struct store_rowtype complaint_exists = {"complaint exists", 0, NULL, NULL};

int store_complaint_create(struct store_tx *tx, int64_t *out_id, const struct store_complaint *c) {
  struct store_conn *conn = store_tx_conn(tx);
  const char *category = complaint_category_name(c->category);
  *out_id = 0;
  if (NULL == c->name || NULL == c->body || NULL == category) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_TEXT(c->token),
                                   STORE_ARG_INT(c->created_ms),
                                   store_arg_id(c->user_id),
                                   STORE_ARG_TEXT(c->name),
                                   STORE_ARG_TEXT(NULL == c->email ? "" : c->email),
                                   STORE_ARG_TEXT(category),
                                   STORE_ARG_TEXT(NULL == c->about ? "" : c->about),
                                   STORE_ARG_TEXT(c->body)};
  int rc = store_write(conn, &complaints_set, COMPLAINT_INSERT, args, sizeof args / sizeof args[0],
                       "complaint insert");
  if (STORE_EXISTS == rc) {
    return STORE_HARD; /* a token taken: 256 random bits twice, a broken generator */
  }
  if (STORE_OK == rc) {
    *out_id = store_conn_last_rowid(conn);
  }
  return rc;
}

/* The complaint whose key (statement which: id or token) is arg. */
static int complaint_lookup(struct store_conn *c, struct store_complaint *out, int which,
                            struct store_arg arg) {
  struct store_stmt *st = store_stmt(c, &complaints_set, which);
  memset(out, 0, sizeof *out);
  if (NULL != st) {
    store_bind_all(st, &arg, 1);
  }
  return store_row_get(c, st, &complaint_one, out);
}

int store_complaint_get(struct store_rd *rd, struct store_complaint *out, int64_t id) {
  return complaint_lookup(store_rd_conn(rd), out, COMPLAINT_GET, STORE_ARG_INT(id));
}

int store_complaint_by_token(struct store_rd *rd, struct store_complaint *out, const char *token) {
  if (NULL == token) {
    memset(out, 0, sizeof *out);
    return STORE_NONE;
  }
  return complaint_lookup(store_rd_conn(rd), out, COMPLAINT_BY_TOKEN, STORE_ARG_TEXT(token));
}

/* A conditional state change (statement which with args): STORE_OK when it changed the row;
 * otherwise STORE_CONFLICT when the complaint exists (in another state), STORE_NONE when not. */
static int complaint_transition(struct store_tx *tx, int which, const struct store_arg *args,
                                size_t nargs, const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &complaints_set, which);
  if (NULL != st) {
    store_bind_all(st, args, nargs);
  }
  int rc = store_step_changes(c, st, what);
  if (STORE_NONE != rc) {
    return rc;
  }
  struct store_stmt *ex = store_stmt(c, &complaints_set, COMPLAINT_EXISTS);
  if (NULL != ex) {
    store_bind_all(ex, args, 1); /* ?1 is the id in both */
  }
  rc = store_row_get(c, ex, &complaint_exists, NULL);
  return STORE_OK == rc ? STORE_CONFLICT : rc;
}

int store_complaint_take(struct store_tx *tx, int64_t id, int64_t handler_id, int64_t now_ms) {
  if (handler_id <= 0) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(id), STORE_ARG_INT(handler_id),
                                   STORE_ARG_INT(now_ms)};
  return complaint_transition(tx, COMPLAINT_TAKE, args, sizeof args / sizeof args[0],
                              "complaint take");
}

int store_complaint_close(struct store_tx *tx, int64_t id, int64_t handler_id,
                          enum complaint_outcome outcome, const char *text, int64_t now_ms) {
  const char *name = complaint_outcome_name(outcome);
  if (handler_id <= 0 || NULL == name || NULL == text) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(id), STORE_ARG_INT(handler_id),
                                   STORE_ARG_TEXT(name), STORE_ARG_TEXT(text),
                                   STORE_ARG_INT(now_ms)};
  return complaint_transition(tx, COMPLAINT_CLOSE, args, sizeof args / sizeof args[0],
                              "complaint close");
}

void store_complaint_list_free(struct store_complaint *list, size_t n) {
  store_rows_free(&complaint_rows, list, n);
}

int store_complaint_list(struct store_rd *rd, struct store_complaint **out, size_t *out_n,
                         const enum complaint_status *status, int64_t before_id, int limit,
                         bool *out_more) {
  const char *name = NULL == status ? NULL : complaint_status_name(*status);
  if (NULL != status && NULL == name) {
    *out = NULL;
    *out_n = 0;
    if (NULL != out_more) {
      *out_more = false;
    }
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_LIMIT(limit), STORE_ARG_TEXT(name),
                                   STORE_ARG_INT(before_id)};
  return store_rows_query_page(store_rd_conn(rd), &complaints_set, COMPLAINT_LIST, args,
                               sizeof args / sizeof args[0], &complaint_rows, out, out_n, out_more);
}

int store_complaint_list_by_user(struct store_rd *rd, struct store_complaint **out, size_t *out_n,
                                 int64_t user_id, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(limit), STORE_ARG_INT(user_id)};
  return store_rows_query(store_rd_conn(rd), &complaints_set, COMPLAINT_LIST_BY_USER, args,
                          sizeof args / sizeof args[0], &complaint_rows, limit, out, out_n);
}

int store_complaint_counts(struct store_rd *rd, int64_t out_counts[3]) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = NULL;
  memset(out_counts, 0, 3 * sizeof out_counts[0]);
  int rc = store_row_step(c, &complaints_set, COMPLAINT_COUNTS, NULL, 0, "complaint counts", &st);
  if (STORE_OK == rc) {
    out_counts[COMPLAINT_RECEIVED] = store_col_int64(st, 0);
    out_counts[COMPLAINT_IN_REVIEW] = store_col_int64(st, 1);
    out_counts[COMPLAINT_CLOSED] = store_col_int64(st, 2);
  }
  store_stmt_done(st);
  return STORE_NONE == rc ? STORE_HARD : rc; /* the query always yields its one row */
}

/* ------------------------------------------------------------------------------------ */
/* erasure at the end of the retention period */

static int id_row(struct store_stmt *st, void *elem) {
  *(int64_t *)elem = store_col_int64(st, 0);
  return STORE_OK;
}

static const struct store_rowtype id_rows = {"complaints due for erasure", sizeof(int64_t), id_row,
                                             NULL};

int store_complaint_due_erasure(struct store_rd *rd, int64_t **out, size_t *out_n,
                                int64_t closed_before_ms, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(closed_before_ms), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &complaints_set, COMPLAINT_DUE_ERASURE, args,
                          sizeof args / sizeof args[0], &id_rows, limit, out, out_n);
}

int store_complaint_erase(struct store_tx *tx, int64_t id, const char *marker, int64_t now_ms) {
  if (NULL == marker || '\0' == marker[0]) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(id), STORE_ARG_TEXT(marker),
                                   STORE_ARG_INT(now_ms)};
  int rc = complaint_transition(tx, COMPLAINT_ERASE, args, sizeof args / sizeof args[0],
                                "complaint erase");
  if (STORE_OK == rc) {
    rc = store_write(store_tx_conn(tx), &complaints_set, NOTES_ERASE, args, 2,
                     "complaint notes erase");
  }
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* notes */

int store_complaint_note_add(struct store_tx *tx, int64_t *out_seq, int64_t complaint_id,
                             int64_t author_id, bool shown, const char *body, int64_t now_ms) {
  struct store_conn *c = store_tx_conn(tx);
  int64_t seq = 0;
  *out_seq = 0;
  if (author_id < 0 || NULL == body) {
    return STORE_HARD;
  }
  struct store_stmt *st = store_stmt(c, &complaints_set, NOTE_NEXT_SEQ);
  if (NULL != st) {
    store_bind_int64(st, 1, complaint_id);
  }
  /* Write bodies run one at a time (store.h), so no other note can take seq meanwhile. */
  int rc = store_row_int64(c, st, "complaint note seq", &seq);
  if (STORE_OK != rc) {
    return rc;
  }
  /* author 0: the complainant's reply, which has no author account (NULL) */
  const struct store_arg args[] = {STORE_ARG_INT(complaint_id),
                                   STORE_ARG_INT(seq),
                                   STORE_ARG_INT(now_ms),
                                   store_arg_id(author_id),
                                   STORE_ARG_INT(0 == author_id ? 1 : 0),
                                   STORE_ARG_INT(shown ? 1 : 0),
                                   STORE_ARG_TEXT(body)};
  rc = store_write(c, &complaints_set, NOTE_INSERT, args, sizeof args / sizeof args[0],
                   "complaint note insert");
  if (STORE_EXISTS == rc) {
    return STORE_HARD; /* seq taken although bodies are serial: a broken invariant */
  }
  if (STORE_OK == rc) {
    *out_seq = seq;
  }
  return rc;
}

static void note_clear(struct store_complaint_note *n) {
  char **const owned[] = {&n->body, &n->author_name};
  store_free_texts(owned, sizeof owned / sizeof owned[0]);
}

/* Fills a struct store_complaint_note from NOTE_LIST's columns (a row type's read). */
static int note_row(struct store_stmt *st, void *elem) {
  struct store_complaint_note *n = elem;
  int oom[2] = {0, 0};
  memset(n, 0, sizeof *n);
  n->complaint_id = store_col_int64(st, 0);
  n->seq = store_col_int64(st, 1);
  n->created_ms = store_col_int64(st, 2);
  n->author_id = col_int_or_zero(st, 3);
  n->shown = 0 != store_col_int64(st, 4);
  n->body = store_col_strdup(st, 5, &oom[0]);
  n->author_name = store_col_strdup(st, 6, &oom[1]);
  n->from_complainant = 0 != store_col_int64(st, 7);
  if (oom[0] || oom[1] || NULL == n->body) {
    note_clear(n);
    return STORE_UNAVAILABLE;
  }
  return STORE_OK;
}

static void note_row_clear(void *elem) {
  note_clear(elem);
}

static const struct store_rowtype note_rows = {
    "complaint notes", sizeof(struct store_complaint_note), note_row, note_row_clear};

void store_complaint_notes_free(struct store_complaint_note *list, size_t n) {
  store_rows_free(&note_rows, list, n);
}

int store_complaint_notes(struct store_rd *rd, struct store_complaint_note **out, size_t *out_n,
                          int64_t complaint_id, bool shown_only) {
  const struct store_arg args[] = {STORE_ARG_INT(complaint_id), STORE_ARG_INT(shown_only ? 1 : 0)};
  return store_rows_query_all(store_rd_conn(rd), &complaints_set, NOTE_LIST, args,
                              sizeof args / sizeof args[0], &note_rows, out, out_n);
}
