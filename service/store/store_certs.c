/*
 * Certificates in SQLite. The partial unique index of non-revoked certificates per attempt
 * is what makes issuance idempotent under concurrency; triggers keep signed content
 * immutable and revocation one-way, and count status changes for the published status
 * lists (whose signed credentials are cached here too).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/cert_locator.h"
#include "store/store_internal.h"

enum certs_stmt {
  CERTS_INSERT,
  CERTS_BY_SERIAL,
  CERTS_BY_ATTEMPT,
  CERTS_LIST_ALL,
  CERTS_LIST_USER,
  CERTS_REVOKE,
  CERTS_STATUS,
  CERTS_PNG_GET,
  CERTS_PNG_PUT,
  CERTS_BY_SERIAL_BRIEF,
  CERTS_LIST_UNDISPLAYED,
  CERTS_SET_DISPLAY,
  CERTS_SUSPEND,
  CERTS_REINSTATE,
  CERTS_LAST_REVOKED,
  CERTS_INDEX_USED,
  CERTS_INDEX_MAX,
  CERTS_INDEXES,
  CERTS_EPOCH,
  CERTS_LIST_GET,
  CERTS_LIST_PUT,
  CERTS_BY_SERIAL_LOGGED,
  CERTS_STATE,
  CERTS_BY_SERIAL_LOCATE,
  CERTS_BY_ROWID_LOGGED,
  CERTS_COUNT,
  CERTS_LOCATE_ALL,
  CERTS__MAX
};

#define CERT_COLS                                                                                  \
  "serial, attempt_id, user_id, holder, subsector, exam_id, units, issued_at, expires_at, kid, "   \
  "status, coalesce(revoked_at, 0), coalesce(revoked_reason, ''), coalesce(revoked_by, 0), "       \
  "coalesce(suspended_at, 0), coalesce(suspended_reason, ''), coalesce(suspended_by, 0), "         \
  "coalesce(replaces, ''), status_index"

/* CERT_COLS without units (the display text has them), then no jws, then qr_token and display;
 * p is the table's alias with its dot, or "". */
#define CERT_BRIEF_COLS(p)                                                                         \
  p "serial, " p "attempt_id, " p "user_id, " p "holder, " p "subsector, " p "exam_id, NULL, " p   \
    "issued_at, " p "expires_at, " p "kid, " p "status, coalesce(" p "revoked_at, 0), coalesce(" p \
    "revoked_reason, ''), coalesce(" p "revoked_by, 0), coalesce(" p "suspended_at, 0), "          \
    "coalesce(" p "suspended_reason, ''), coalesce(" p "suspended_by, 0), coalesce(" p             \
    "replaces, ''), " p "status_index, NULL, " p "qr_token, " p "display"
#define CERT_BRIEF_COLS_C CERT_BRIEF_COLS("c.")

/* A page of the certificates, newest first (then by serial): ?1 issued before that second
 * (0: any); after the certificate ?4 in that order (NULL: from the first), which ties of
 * one second cannot skip; ?5 part of the serial or of the holder's name (ASCII case
 * ignored; NULL: any); ?6 one status (NULL: any); at most ?2. */
#define CERTS_LIST_FILTERS                                                                         \
  "(?1 = 0 OR issued_at < ?1) AND (CAST(?4 AS TEXT) IS NULL OR issued_at < "                       \
  "(SELECT issued_at FROM certificates WHERE serial = ?4) OR (issued_at = "                        \
  "(SELECT issued_at FROM certificates WHERE serial = ?4) AND serial > ?4)) AND "                  \
  "(CAST(?5 AS TEXT) IS NULL OR instr(serial, upper(?5)) > 0 OR "                                  \
  "instr(lower(holder), lower(?5)) > 0) AND (CAST(?6 AS TEXT) IS NULL OR status = ?6) "            \
  "ORDER BY issued_at DESC, serial LIMIT ?2"

static const char *const certs_sqls[CERTS__MAX] = {
    [CERTS_INSERT] =
        "INSERT INTO certificates(serial, attempt_id, user_id, holder, subsector, "
        "exam_id, units, issued_at, expires_at, kid, jws, qr_token, display, replaces, "
        "status_index) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "?14, ?15)",
    [CERTS_BY_SERIAL] =
        "SELECT " CERT_COLS ", jws, qr_token, display FROM certificates WHERE serial = ?1",
    [CERTS_BY_ATTEMPT] =
        "SELECT " CERT_COLS ", jws, qr_token, display FROM certificates WHERE attempt_id = ?1 "
        "AND status <> 'revoked'",
    [CERTS_LIST_ALL] = "SELECT " CERT_COLS " FROM certificates WHERE (?3 = 0 OR user_id = ?3) "
                       "AND " CERTS_LIST_FILTERS,
    /* the same for one holder, by certificates_user */
    [CERTS_LIST_USER] =
        "SELECT " CERT_COLS " FROM certificates WHERE user_id = ?3 AND " CERTS_LIST_FILTERS,
    [CERTS_REVOKE] = "UPDATE certificates SET status = 'revoked', revoked_at = ?2, "
                     "revoked_reason = ?3, revoked_by = ?4, suspended_at = NULL, "
                     "suspended_reason = NULL, suspended_by = NULL WHERE serial = ?1 AND "
                     "status IN ('valid', 'suspended')",
    [CERTS_STATUS] = "SELECT status FROM certificates WHERE serial = ?1",
    [CERTS_PNG_GET] = "SELECT qr_png FROM certificates WHERE serial = ?1 AND qr_png IS NOT NULL "
                      "AND qr_png_url = ?2",
    [CERTS_PNG_PUT] = "UPDATE certificates SET qr_png = ?2, qr_png_url = ?3 WHERE serial = ?1",
    [CERTS_BY_SERIAL_BRIEF] = "SELECT " CERT_BRIEF_COLS("") " FROM certificates WHERE serial = ?1",
    /* One statement per verification: the brief row and the log's record of its issuance
     * (tlog_entries_serial holds both columns: the look-up reads that index alone). */
    /* The generation comes from the statement's own snapshot (on PostgreSQL too, whatever
     * the isolation), so it is never newer than the row read beside it. */
    [CERTS_BY_SERIAL_LOGGED] = "SELECT " CERT_BRIEF_COLS_C ", t.idx, t.appended_at, "
                               "(SELECT generation FROM certificate_state WHERE id = 1) "
                               "FROM certificates c LEFT JOIN tlog_entries t ON "
                               "t.serial = c.serial AND t.event = 'issue' WHERE c.serial = ?1",
    [CERTS_STATE] = "SELECT generation FROM certificate_state WHERE id = 1",
    /* SQLite's certificate locator (store/cert_locator.h): the verification's statement with
     * the row's rowid, so that the next look-up of the serial can go to the row directly;
     * that look-up, which takes the row only if it still has the serial asked for; and the
     * locations of every logged certificate (both indexes alone, as the plan reads them). */
    [CERTS_BY_SERIAL_LOCATE] = "SELECT " CERT_BRIEF_COLS_C ", t.idx, t.appended_at, "
                               "(SELECT generation FROM certificate_state WHERE id = 1), "
                               "c.rowid FROM certificates c LEFT JOIN tlog_entries t ON "
                               "t.serial = c.serial AND t.event = 'issue' WHERE c.serial = ?1",
    [CERTS_BY_ROWID_LOGGED] = "SELECT " CERT_BRIEF_COLS_C ", "
                              "(SELECT generation FROM certificate_state WHERE id = 1) "
                              "FROM certificates c WHERE c.rowid = ?1 AND c.serial = ?2",
    [CERTS_COUNT] = "SELECT count(*) FROM certificates",
    [CERTS_LOCATE_ALL] = "SELECT t.serial, c.rowid, t.idx, t.appended_at FROM tlog_entries t "
                         "JOIN certificates c ON c.serial = t.serial WHERE t.event = 'issue'",
    [CERTS_LIST_UNDISPLAYED] = "SELECT " CERT_COLS ", jws, qr_token, NULL FROM certificates "
                               "WHERE display IS NULL AND serial > ?1 ORDER BY serial LIMIT ?2",
    [CERTS_SET_DISPLAY] =
        "UPDATE certificates SET display = ?2 WHERE serial = ?1 AND display IS NULL",
    [CERTS_SUSPEND] = "UPDATE certificates SET status = 'suspended', suspended_at = ?2, "
                      "suspended_reason = ?3, suspended_by = ?4 WHERE serial = ?1 AND "
                      "status = 'valid'",
    [CERTS_REINSTATE] = "UPDATE certificates SET status = 'valid', suspended_at = NULL, "
                        "suspended_reason = NULL, suspended_by = NULL WHERE serial = ?1 AND "
                        "status = 'suspended'",
    [CERTS_LAST_REVOKED] = "SELECT serial FROM certificates WHERE attempt_id = ?1 AND "
                           "status = 'revoked' ORDER BY revoked_at DESC, serial LIMIT 1",
    [CERTS_INDEX_USED] = "SELECT 1 FROM certificates WHERE status_index = ?1",
    /* The end of the unique index on status_index: one look-up, on either engine. */
    [CERTS_INDEX_MAX] = "SELECT coalesce(max(status_index), -1) FROM certificates",
    [CERTS_INDEXES] = "SELECT status_index FROM certificates WHERE status = ?1 AND "
                      "status <> 'valid' AND status_index IS NOT NULL",
    [CERTS_EPOCH] = "SELECT epoch FROM certificate_status_epoch WHERE id = 1",
    [CERTS_LIST_GET] = "SELECT epoch, kid, url, built_at, credential FROM "
                       "certificate_status_lists WHERE purpose = ?1",
    [CERTS_LIST_PUT] = "INSERT INTO certificate_status_lists(purpose, epoch, kid, url, built_at, "
                       "credential) VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(purpose) DO UPDATE "
                       "SET epoch = excluded.epoch, kid = excluded.kid, url = excluded.url, "
                       "built_at = excluded.built_at, credential = excluded.credential "
                       "WHERE excluded.epoch >= certificate_status_lists.epoch",
};
static const struct store_sqlset certs_set = {"certificates", certs_sqls, CERTS__MAX};

void store_cert_clear(struct store_cert *c) {
  if (NULL != c) {
    char **const owned[] = {&c->units, &c->jws, &c->qr_token, &c->display};
    store_free_texts(owned, sizeof owned / sizeof owned[0]);
  }
}

static char *col_dup(struct store_stmt *st, int col) {
  const char *t = store_col_text(st, col);
  return strdup(NULL == t ? "" : t);
}

/* The columns after CERT_COLS in the queries that read the tokens. */
enum { TOK_JWS = 19, TOK_QR, TOK_DISPLAY };

/* Fills *c from CERT_COLS (and, with_tokens, the jws, qr_token and display that follow: a
 * NULL jws or display column stays NULL). */
static int read_cert(struct store_stmt *st, struct store_cert *c, int with_tokens) {
  memset(c, 0, sizeof *c);
  if (0 != store_col_copy(st, 0, c->serial, sizeof c->serial) ||
      0 != store_col_copy(st, 3, c->holder, sizeof c->holder) ||
      0 != store_col_copy(st, 4, c->subsector, sizeof c->subsector) ||
      0 != store_col_copy(st, 5, c->exam_id, sizeof c->exam_id) ||
      0 != store_col_copy(st, 9, c->kid, sizeof c->kid) ||
      0 != store_col_copy(st, 10, c->status, sizeof c->status) ||
      0 != store_col_copy(st, 12, c->revoked_reason, sizeof c->revoked_reason) ||
      0 != store_col_copy(st, 15, c->suspended_reason, sizeof c->suspended_reason) ||
      0 != store_col_copy(st, 17, c->replaces, sizeof c->replaces)) {
    return -1;
  }
  c->attempt_id = store_col_int64(st, 1);
  c->user_id = store_col_int64(st, 2);
  c->issued_s = store_col_int64(st, 7);
  c->expires_s = store_col_int64(st, 8);
  c->revoked_ms = store_col_int64(st, 11);
  c->revoked_by = store_col_int64(st, 13);
  c->suspended_ms = store_col_int64(st, 14);
  c->suspended_by = store_col_int64(st, 16);
  c->has_status_index = !store_col_is_null(st, 18);
  c->status_index = c->has_status_index ? store_col_int64(st, 18) : 0;
  c->units = col_dup(st, 6);
  bool failed = NULL == c->units;
  if (with_tokens) {
    c->qr_token = col_dup(st, TOK_QR);
    failed = failed || NULL == c->qr_token;
    if (!store_col_is_null(st, TOK_JWS)) {
      c->jws = col_dup(st, TOK_JWS);
      failed = failed || NULL == c->jws;
    }
    if (!store_col_is_null(st, TOK_DISPLAY)) {
      c->display = col_dup(st, TOK_DISPLAY);
      failed = failed || NULL == c->display;
    }
  }
  if (failed) {
    store_cert_clear(c);
    return -1;
  }
  return 0;
}

int store_cert_insert(struct store_tx *tx, const struct store_cert *c) {
  /* In the order of CERTS_INSERT's columns; a NULL display stays NULL until it is rendered. */
  const struct store_arg args[] = {STORE_ARG_TEXT(c->serial),
                                   STORE_ARG_INT(c->attempt_id),
                                   STORE_ARG_INT(c->user_id),
                                   STORE_ARG_TEXT(c->holder),
                                   STORE_ARG_TEXT(c->subsector),
                                   STORE_ARG_TEXT(c->exam_id),
                                   STORE_ARG_TEXT(c->units),
                                   STORE_ARG_INT(c->issued_s),
                                   STORE_ARG_INT(c->expires_s),
                                   STORE_ARG_TEXT(c->kid),
                                   STORE_ARG_TEXT(c->jws),
                                   STORE_ARG_TEXT(c->qr_token),
                                   STORE_ARG_TEXT(c->display),
                                   STORE_ARG_TEXT(c->replaces[0] ? c->replaces : NULL),
                                   c->has_status_index ? STORE_ARG_INT(c->status_index)
                                                       : STORE_ARG_NULL};
  return store_write(store_tx_conn(tx), &certs_set, CERTS_INSERT, args,
                     sizeof args / sizeof args[0], "certificate insert");
}

static void cert_row_clear(void *elem) {
  store_cert_clear(elem);
}

static int cert_row(struct store_stmt *st, void *elem) {
  return 0 == read_cert(st, elem, 0) ? STORE_OK : STORE_HARD;
}

static int cert_row_with_tokens(struct store_stmt *st, void *elem) {
  return 0 == read_cert(st, elem, 1) ? STORE_OK : STORE_HARD;
}

static const struct store_rowtype cert_one = {"certificate look-up", sizeof(struct store_cert),
                                              cert_row_with_tokens, cert_row_clear};
static const struct store_rowtype cert_rows = {"certificate list", sizeof(struct store_cert),
                                               cert_row, cert_row_clear};
static const struct store_rowtype cert_rows_with_tokens = {
    "certificate list", sizeof(struct store_cert), cert_row_with_tokens, cert_row_clear};
/* Only whether the certificate exists. */
static const struct store_rowtype cert_exists = {"certificate status", 0, NULL, NULL};

/* One statement of this file with ?1 = serial bound, or NULL (store_stmt failed). */
static struct store_stmt *stmt_by_serial(struct store_conn *conn, int which, const char *serial) {
  struct store_stmt *st = store_stmt(conn, &certs_set, which);
  if (NULL != st) {
    store_bind_text(st, 1, serial);
  }
  return st;
}

static int cert_get(struct store_rd *rd, struct store_cert *out, int which, const char *serial,
                    int64_t attempt_id) {
  struct store_conn *conn = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(conn, &certs_set, which);
  memset(out, 0, sizeof *out);
  if (NULL != st) {
    if (CERTS_BY_ATTEMPT != which) {
      store_bind_text(st, 1, serial);
    } else {
      store_bind_int64(st, 1, attempt_id);
    }
  }
  return store_row_get(conn, st, &cert_one, out);
}

int store_cert_by_serial(struct store_rd *rd, struct store_cert *out, const char *serial) {
  return cert_get(rd, out, CERTS_BY_SERIAL, serial, 0);
}

int store_cert_by_attempt(struct store_rd *rd, struct store_cert *out, int64_t attempt_id) {
  return cert_get(rd, out, CERTS_BY_ATTEMPT, NULL, attempt_id);
}

int store_cert_by_serial_brief(struct store_rd *rd, struct store_cert *out, const char *serial) {
  return cert_get(rd, out, CERTS_BY_SERIAL_BRIEF, serial, 0);
}

/* The columns after the brief row's in CERTS_BY_SERIAL_LOGGED (and _LOCATE, which adds the
 * rowid), and in CERTS_BY_ROWID_LOGGED. */
enum { LOG_INDEX = TOK_DISPLAY + 1, LOG_AT, LOG_GENERATION, LOG_ROWID };
enum { LOCATED_GENERATION = TOK_DISPLAY + 1 };

static int cert_logged_row(struct store_stmt *st, void *elem) {
  struct store_cert_logged *o = elem;
  if (0 != read_cert(st, &o->cert, 1)) {
    return STORE_HARD;
  }
  o->logged = !store_col_is_null(st, LOG_INDEX);
  o->log_index = o->logged ? (uint64_t)store_col_int64(st, LOG_INDEX) : 0;
  o->logged_ms = o->logged ? store_col_int64(st, LOG_AT) : 0;
  o->generation = store_col_int64(st, LOG_GENERATION);
  return STORE_OK;
}

static const struct store_rowtype cert_logged_one = {
    "certificate and log look-up", sizeof(struct store_cert_logged), cert_logged_row, NULL};

/* The row at a location: the brief row and the generation read beside it. */
static int cert_located_row(struct store_stmt *st, void *elem) {
  struct store_cert_logged *o = elem;
  if (0 != read_cert(st, &o->cert, 1)) {
    return STORE_HARD;
  }
  o->generation = store_col_int64(st, LOCATED_GENERATION);
  return STORE_OK;
}

static const struct store_rowtype cert_located_one = {
    "certificate look-up by location", sizeof(struct store_cert_logged), cert_located_row, NULL};

/* The row where loc found serial, taken (STORE_OK, out filled as the look-up by serial
 * fills it) only when it still has that serial and the generation has not moved since loc
 * was read, so that the log's record is still the one loc kept; else STORE_NONE (out
 * zeroed) or < 0. */
static int cert_at_location(struct store_conn *conn, struct store_cert_logged *out,
                            const char *serial, const struct cert_location *loc) {
  struct store_stmt *st = store_stmt(conn, &certs_set, CERTS_BY_ROWID_LOGGED);
  if (NULL != st) {
    store_bind_int64(st, 1, loc->rowid);
    store_bind_text(st, 2, serial);
  }
  int rc = store_row_get(conn, st, &cert_located_one, out);
  if (STORE_OK == rc && out->generation != loc->generation) {
    store_cert_clear(&out->cert);
    rc = STORE_NONE;
  }
  if (STORE_OK != rc) {
    memset(out, 0, sizeof *out);
    return rc;
  }
  out->logged = true;
  out->log_index = loc->log_index;
  out->logged_ms = loc->logged_ms;
  return STORE_OK;
}

/* The look-up by serial with the row's rowid (CERTS_BY_SERIAL_LOCATE). */
struct cert_locating {
  struct store_cert_logged l;
  int64_t rowid;
};

static int cert_locating_row(struct store_stmt *st, void *elem) {
  struct cert_locating *o = elem;
  int rc = cert_logged_row(st, &o->l);
  o->rowid = STORE_OK == rc ? store_col_int64(st, LOG_ROWID) : 0;
  return rc;
}

static const struct store_rowtype cert_locating_one = {
    "certificate and log look-up", sizeof(struct cert_locating), cert_locating_row, NULL};

int store_cert_by_serial_logged(struct store_rd *rd, struct store_cert_logged *out,
                                const char *serial) {
  struct store_conn *conn = store_rd_conn(rd);
  struct cert_locator *locator = store_conn_locator(conn);
  struct cert_location loc;
  memset(out, 0, sizeof *out);
  if (NULL == locator) {
    return store_row_get(conn, stmt_by_serial(conn, CERTS_BY_SERIAL_LOGGED, serial),
                         &cert_logged_one, out);
  }
  if (cert_locator_get(locator, serial, &loc)) {
    int rc = cert_at_location(conn, out, serial, &loc);
    if (STORE_NONE != rc) {
      return rc;
    }
  }
  struct cert_locating got;
  memset(&got, 0, sizeof got);
  int rc = store_row_get(conn, stmt_by_serial(conn, CERTS_BY_SERIAL_LOCATE, serial),
                         &cert_locating_one, &got);
  *out = got.l;
  if (STORE_OK == rc && out->logged) { /* an issuance not logged yet may be soon: not kept */
    loc = (struct cert_location){.rowid = got.rowid,
                                 .log_index = out->log_index,
                                 .logged_ms = out->logged_ms,
                                 .generation = out->generation};
    cert_locator_put(locator, serial, &loc);
  }
  return rc;
}

int store_certs_count(struct store_rd *rd, int64_t *out) {
  struct store_conn *conn = store_rd_conn(rd);
  return store_row_int64(conn, store_stmt(conn, &certs_set, CERTS_COUNT), "certificate count", out);
}

int store_certs_locate_all(struct store_rd *rd, struct cert_locator *loc, const atomic_bool *stop) {
  struct store_conn *conn = store_rd_conn(rd);
  struct cert_location l = {0};
  int rc = store_cert_state_generation(rd, &l.generation); /* the snapshot's, as each row */
  struct store_stmt *st = STORE_OK == rc ? store_stmt(conn, &certs_set, CERTS_LOCATE_ALL) : NULL;
  if (STORE_OK == rc && NULL == st) {
    rc = STORE_HARD;
  }
  while (STORE_OK == rc && STORE_OK == (rc = store_step_row(conn, st, "certificate locations"))) {
    if (atomic_load_explicit(stop, memory_order_relaxed)) {
      rc = STORE_BUSY;
      break;
    }
    const char *serial = store_col_text(st, 0);
    l.rowid = store_col_int64(st, 1);
    l.log_index = (uint64_t)store_col_int64(st, 2);
    l.logged_ms = store_col_int64(st, 3);
    if (NULL != serial) {
      cert_locator_put(loc, serial, &l);
    }
  }
  store_stmt_done(st);
  return STORE_NONE == rc ? STORE_OK : rc;
}

void store_cert_list_free(struct store_cert *list, size_t n) {
  store_rows_free(&cert_rows, list, n);
}

int store_cert_list(struct store_rd *rd, struct store_cert **out, size_t *out_n,
                    const struct store_cert_query *q, int limit, bool *out_more) {
  const char *text = NULL != q->text && '\0' != q->text[0] ? q->text : NULL;
  const struct store_arg args[] = {STORE_ARG_INT(q->before_s), STORE_ARG_LIMIT(limit),
                                   STORE_ARG_INT(q->user_id),  STORE_ARG_TEXT(q->after_serial),
                                   STORE_ARG_TEXT(text),       STORE_ARG_TEXT(q->status)};
  return store_rows_query_page(store_rd_conn(rd), &certs_set,
                               q->user_id > 0 ? CERTS_LIST_USER : CERTS_LIST_ALL, args,
                               sizeof args / sizeof args[0], &cert_rows, out, out_n, out_more);
}

int store_cert_list_undisplayed(struct store_rd *rd, struct store_cert **out, size_t *out_n,
                                const char *after, int limit) {
  const struct store_arg args[] = {STORE_ARG_TEXT(NULL == after ? "" : after),
                                   STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &certs_set, CERTS_LIST_UNDISPLAYED, args, 2,
                          &cert_rows_with_tokens, limit, out, out_n);
}

int store_cert_set_display(struct store_tx *tx, const char *serial, const char *display) {
  struct store_conn *conn = store_tx_conn(tx);
  struct store_stmt *st = stmt_by_serial(conn, CERTS_SET_DISPLAY, serial);
  if (NULL != st) {
    store_bind_text(st, 2, display);
  }
  return store_step_changes(conn, st, "certificate display");
}

int store_cert_set_status(struct store_tx *tx, const char *serial, enum store_cert_change change,
                          int64_t by_user_id, const char *reason) {
  static const int stmts[] = {[STORE_CERT_TO_REVOKED] = CERTS_REVOKE,
                              [STORE_CERT_TO_SUSPENDED] = CERTS_SUSPEND,
                              [STORE_CERT_TO_VALID] = CERTS_REINSTATE};
  if ((size_t)change >= sizeof stmts / sizeof stmts[0]) {
    return STORE_HARD;
  }
  struct store_conn *conn = store_tx_conn(tx);
  struct store_stmt *st = stmt_by_serial(conn, stmts[change], serial);
  if (NULL == st) {
    return STORE_HARD;
  }
  if (STORE_CERT_TO_VALID != change) {
    store_bind_int64(st, 2, store_tx_now_ms(tx));
    store_bind_text(st, 3, reason);
    if (by_user_id > 0) {
      store_bind_int64(st, 4, by_user_id);
    } else {
      store_bind_null(st, 4);
    }
  }
  /* The serial is the primary key: at most one row changes. */
  int rc = store_step_changes(conn, st, "certificate status");
  if (STORE_NONE != rc) {
    return rc;
  }
  /* Nothing changed: tell "no such certificate" from "not in a state to change". */
  rc = store_row_get(conn, stmt_by_serial(conn, CERTS_STATUS, serial), &cert_exists, NULL);
  return STORE_OK == rc ? STORE_CONFLICT : rc;
}

int store_cert_last_revoked(struct store_rd *rd, char out[26], int64_t attempt_id) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id)};
  struct store_stmt *st = NULL;
  out[0] = '\0';
  int rc = store_row_step(store_rd_conn(rd), &certs_set, CERTS_LAST_REVOKED, args, 1,
                          "certificate revoked look-up", &st);
  if (STORE_OK == rc && 0 != store_col_copy(st, 0, out, 26)) {
    out[0] = '\0';
    rc = STORE_HARD;
  }
  store_stmt_done(st);
  return rc;
}

int store_cert_status_index_used(struct store_rd *rd, int64_t index) {
  const struct store_arg args[] = {STORE_ARG_INT(index)};
  struct store_stmt *st = NULL;
  int rc = store_row_step(store_rd_conn(rd), &certs_set, CERTS_INDEX_USED, args, 1,
                          "certificate status index", &st);
  store_stmt_done(st);
  return rc;
}

int store_cert_status_index_max(struct store_rd *rd, int64_t *out) {
  struct store_conn *conn = store_rd_conn(rd);
  return store_row_int64(conn, store_stmt(conn, &certs_set, CERTS_INDEX_MAX),
                         "highest certificate status index", out);
}

static int index_row(struct store_stmt *st, void *elem) {
  *(int64_t *)elem = store_col_int64(st, 0);
  return STORE_OK;
}

int store_cert_status_indexes(struct store_rd *rd, int64_t **out, size_t *out_n,
                              const char *status) {
  static const struct store_rowtype index_rows = {"certificate status indexes", sizeof(int64_t),
                                                  index_row, NULL};
  const struct store_arg args[] = {STORE_ARG_TEXT(status)};
  return store_rows_query_all(store_rd_conn(rd), &certs_set, CERTS_INDEXES, args, 1, &index_rows,
                              out, out_n);
}

int store_cert_status_epoch(struct store_rd *rd, int64_t *out) {
  struct store_conn *conn = store_rd_conn(rd);
  return store_row_int64(conn, store_stmt(conn, &certs_set, CERTS_EPOCH), "certificate epoch", out);
}

int store_cert_state_generation(struct store_rd *rd, int64_t *out) {
  struct store_conn *conn = store_rd_conn(rd);
  return store_row_int64(conn, store_stmt(conn, &certs_set, CERTS_STATE),
                         "certificate state generation", out);
}

void store_status_list_clear(struct store_status_list *l) {
  if (NULL != l) {
    free(l->credential);
    l->credential = NULL;
  }
}

int store_status_list_get(struct store_rd *rd, struct store_status_list *out, const char *purpose) {
  const struct store_arg args[] = {STORE_ARG_TEXT(purpose)};
  struct store_stmt *st = NULL;
  memset(out, 0, sizeof *out);
  int rc = store_row_step(store_rd_conn(rd), &certs_set, CERTS_LIST_GET, args, 1,
                          "status list look-up", &st);
  if (STORE_OK == rc) {
    int oom = 0;
    out->epoch = store_col_int64(st, 0);
    out->built_ms = store_col_int64(st, 3);
    if (0 != store_col_copy(st, 1, out->kid, sizeof out->kid) ||
        0 != store_col_copy(st, 2, out->url, sizeof out->url)) {
      rc = STORE_HARD;
    } else if (NULL == (out->credential = store_col_strdup(st, 4, &oom))) {
      rc = oom ? STORE_UNAVAILABLE : STORE_HARD;
    }
  }
  store_stmt_done(st);
  return rc;
}

int store_status_list_put(struct store_tx *tx, const char *purpose,
                          const struct store_status_list *l) {
  const struct store_arg args[] = {STORE_ARG_TEXT(purpose),    STORE_ARG_INT(l->epoch),
                                   STORE_ARG_TEXT(l->kid),     STORE_ARG_TEXT(l->url),
                                   STORE_ARG_INT(l->built_ms), STORE_ARG_TEXT(l->credential)};
  return store_write(store_tx_conn(tx), &certs_set, CERTS_LIST_PUT, args,
                     sizeof args / sizeof args[0], "status list store");
}

int store_cert_png_get(struct store_rd *rd, unsigned char **out, size_t *out_len,
                       const char *serial, const char *url) {
  const struct store_arg args[] = {STORE_ARG_TEXT(serial), STORE_ARG_TEXT(url)};
  struct store_stmt *st = NULL;
  *out = NULL;
  *out_len = 0;
  int rc =
      store_row_step(store_rd_conn(rd), &certs_set, CERTS_PNG_GET, args, 2, "certificate png", &st);
  if (STORE_OK == rc) {
    size_t n = 0;
    unsigned char *png = store_col_blob(st, 0, &n);
    if (0 == n || NULL == png) {
      free(png);
      rc = 0 == n ? STORE_NONE : STORE_UNAVAILABLE;
    } else {
      *out = png;
      *out_len = n;
    }
  }
  store_stmt_done(st);
  return rc;
}

int store_cert_png_put(struct store_tx *tx, const char *serial, const char *url, const void *png,
                       size_t len) {
  struct store_conn *conn = store_tx_conn(tx);
  struct store_stmt *st = stmt_by_serial(conn, CERTS_PNG_PUT, serial);
  if (NULL != st) {
    store_bind_blob(st, 2, png, len);
    store_bind_text(st, 3, url);
  }
  return store_step_changes(conn, st, "certificate png cache");
}
