/*
 * Re-certification reminders and links, for both backends.
 */
#include <string.h>

#include "store/store_internal.h"

enum recert_stmt {
  RECERT_DUE,
  RECERT_REMIND,
  RECERT_PENDING_MAILS,
  RECERT_RECLAIM,
  RECERT_DELIVERED,
  RECERT_RELEASE,
  RECERT_OPEN,
  RECERT_GET,
  RECERT_PENDING,
  RECERT_LINK,
  RECERT_LINKS,
  RECERT_LIST_USER,
  RECERT__MAX
};

#define RECERT_COLS                                                                                \
  "old_serial, user_id, exam_id, opened_at, coalesce(new_serial, ''), coalesce(linked_at, 0)"

static const char *const recert_sqls[RECERT__MAX] = {
    [RECERT_DUE] = "SELECT c.serial, c.user_id, u.email, c.holder, c.exam_id, c.expires_at "
                   "FROM certificates c JOIN users u ON u.id = c.user_id "
                   "WHERE c.status = 'valid' AND c.expires_at > ?1 AND c.expires_at <= ?1 + "
                   "CAST(?2 AS BIGINT) * 86400 "
                   "AND u.disabled = 0 "
                   "AND NOT EXISTS (SELECT 1 FROM recert_reminders r WHERE r.serial = c.serial "
                   "AND r.days <= ?2) "
                   "AND NOT EXISTS (SELECT 1 FROM recertifications x WHERE x.old_serial = c.serial "
                   "AND x.new_serial IS NOT NULL) "
                   "ORDER BY c.expires_at, c.serial LIMIT ?3",
    /* The nearer-threshold check is in the insert itself, so two sweeps with different
     * thresholds cannot both send. */
    [RECERT_REMIND] =
        "INSERT INTO recert_reminders(serial, days, sent_at, mailed) "
        "SELECT CAST(?1 AS TEXT), CAST(?2 AS BIGINT), CAST(?3 AS BIGINT), CAST(?4 AS BIGINT) "
        "WHERE NOT EXISTS (SELECT 1 FROM recert_reminders "
        "WHERE serial = ?1 AND days <= ?2) ON CONFLICT (serial, days) DO NOTHING",
    /* Through the partial index on pending reminders (migration 0034). */
    [RECERT_PENDING_MAILS] =
        "SELECT c.serial, c.user_id, u.email, c.holder, c.exam_id, c.expires_at, r.days, "
        "r.sent_at FROM recert_reminders r JOIN certificates c ON c.serial = r.serial "
        "JOIN users u ON u.id = c.user_id "
        "WHERE r.mailed = 0 AND r.sent_at <= ?2 AND c.status = 'valid' AND c.expires_at > ?1 "
        "AND u.disabled = 0 "
        "AND NOT EXISTS (SELECT 1 FROM recert_reminders n WHERE n.serial = r.serial "
        "AND n.days < r.days) "
        "AND NOT EXISTS (SELECT 1 FROM recertifications x WHERE x.old_serial = c.serial "
        "AND x.new_serial IS NOT NULL) "
        "ORDER BY r.sent_at, r.serial LIMIT ?3",
    [RECERT_RECLAIM] = "UPDATE recert_reminders SET sent_at = ?4 WHERE serial = ?1 AND days = ?2 "
                       "AND mailed = 0 AND sent_at = ?3",
    [RECERT_DELIVERED] =
        "UPDATE recert_reminders SET mailed = 1 WHERE serial = ?1 AND days = ?2 AND mailed = 0",
    [RECERT_RELEASE] =
        "UPDATE recert_reminders SET sent_at = 0 WHERE serial = ?1 AND days = ?2 AND mailed = 0",
    [RECERT_OPEN] = "INSERT INTO recertifications(old_serial, user_id, exam_id, opened_at) "
                    "VALUES(?1, ?2, ?3, ?4) ON CONFLICT (old_serial) DO NOTHING",
    [RECERT_GET] = "SELECT " RECERT_COLS " FROM recertifications WHERE old_serial = ?1",
    [RECERT_PENDING] = "SELECT " RECERT_COLS " FROM recertifications WHERE user_id = ?1 AND "
                       "exam_id = ?2 AND new_serial IS NULL ORDER BY opened_at DESC LIMIT 1",
    [RECERT_LINK] = "UPDATE recertifications SET new_serial = ?2, linked_at = ?3 "
                    "WHERE old_serial = ?1 AND new_serial IS NULL",
    /* Two index look-ups (every verification runs it): an OR would build a temporary table. */
    [RECERT_LINKS] = "SELECT old_serial, 1 FROM recertifications WHERE new_serial = ?1 UNION ALL "
                     "SELECT new_serial, 2 FROM recertifications WHERE old_serial = ?1 AND "
                     "new_serial IS NOT NULL",
    [RECERT_LIST_USER] = "SELECT " RECERT_COLS " FROM recertifications WHERE user_id = ?1 "
                         "ORDER BY opened_at DESC, old_serial LIMIT ?2",
};
static const struct store_sqlset recert_set = {"recertifications", recert_sqls, RECERT__MAX};

static int due_row(struct store_stmt *st, void *elem) {
  struct store_recert_due *d = elem;
  if (0 != store_col_copy(st, 0, d->serial, sizeof d->serial) ||
      0 != store_col_copy(st, 2, d->email, sizeof d->email) ||
      0 != store_col_copy(st, 3, d->holder, sizeof d->holder) ||
      0 != store_col_copy(st, 4, d->exam_id, sizeof d->exam_id)) {
    return STORE_HARD;
  }
  d->user_id = store_col_int64(st, 1);
  d->expires_s = store_col_int64(st, 5);
  return STORE_OK;
}

static int pending_row(struct store_stmt *st, void *elem) {
  struct store_recert_due *d = elem;
  int rc = due_row(st, elem);
  d->days = store_col_int64(st, 6);
  d->claimed_ms = store_col_int64(st, 7);
  return rc;
}

static const struct store_rowtype pending_rows = {
    "recert pending mail", sizeof(struct store_recert_due), pending_row, NULL};

static const struct store_rowtype due_rows = {"recert due", sizeof(struct store_recert_due),
                                              due_row, NULL};

int store_recert_due(struct store_rd *rd, struct store_recert_due **out, size_t *out_n,
                     int64_t now_s, int64_t days, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(now_s), STORE_ARG_INT(days), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &recert_set, RECERT_DUE, args,
                          sizeof args / sizeof args[0], &due_rows, limit, out, out_n);
}

/* Runs the write `which` with args: STORE_OK when it changed a row, STORE_NONE when not. */
static int recert_change(struct store_tx *tx, int which, const struct store_arg *args, size_t nargs,
                         const char *what) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &recert_set, which);
  if (NULL != st) {
    store_bind_all(st, args, nargs);
  }
  return store_step_changes(c, st, what);
}

int store_recert_reminder_put(struct store_tx *tx, const char *serial, int64_t days, int64_t now_ms,
                              bool mailed) {
  const struct store_arg args[] = {STORE_ARG_TEXT(serial), STORE_ARG_INT(days),
                                   STORE_ARG_INT(now_ms), STORE_ARG_INT(mailed ? 1 : 0)};
  return recert_change(tx, RECERT_REMIND, args, sizeof args / sizeof args[0], "recert remind");
}

int store_recert_undelivered(struct store_rd *rd, struct store_recert_due **out, size_t *out_n,
                             int64_t now_s, int64_t claimed_before_ms, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(now_s), STORE_ARG_INT(claimed_before_ms),
                                   STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &recert_set, RECERT_PENDING_MAILS, args,
                          sizeof args / sizeof args[0], &pending_rows, limit, out, out_n);
}

int store_recert_reminder_reclaim(struct store_tx *tx, const char *serial, int64_t days,
                                  int64_t claimed_ms, int64_t now_ms) {
  const struct store_arg args[] = {STORE_ARG_TEXT(serial), STORE_ARG_INT(days),
                                   STORE_ARG_INT(claimed_ms), STORE_ARG_INT(now_ms)};
  return recert_change(tx, RECERT_RECLAIM, args, sizeof args / sizeof args[0], "recert reclaim");
}

int store_recert_reminder_settle(struct store_tx *tx, const char *serial, int64_t days,
                                 bool delivered) {
  const struct store_arg args[] = {STORE_ARG_TEXT(serial), STORE_ARG_INT(days)};
  return recert_change(tx, delivered ? RECERT_DELIVERED : RECERT_RELEASE, args,
                       sizeof args / sizeof args[0], "recert settle");
}

int store_recert_open(struct store_tx *tx, const struct store_recert *r) {
  const struct store_arg args[] = {STORE_ARG_TEXT(r->old_serial), STORE_ARG_INT(r->user_id),
                                   STORE_ARG_TEXT(r->exam_id), STORE_ARG_INT(r->opened_ms)};
  int rc = recert_change(tx, RECERT_OPEN, args, sizeof args / sizeof args[0], "recert open");
  return STORE_NONE == rc ? STORE_EXISTS : rc;
}

static int recert_row(struct store_stmt *st, void *elem) {
  struct store_recert *r = elem;
  memset(r, 0, sizeof *r);
  if (0 != store_col_copy(st, 0, r->old_serial, sizeof r->old_serial) ||
      0 != store_col_copy(st, 2, r->exam_id, sizeof r->exam_id) ||
      0 != store_col_copy(st, 4, r->new_serial, sizeof r->new_serial)) {
    return STORE_HARD;
  }
  r->user_id = store_col_int64(st, 1);
  r->opened_ms = store_col_int64(st, 3);
  r->linked_ms = store_col_int64(st, 5);
  return STORE_OK;
}

static const struct store_rowtype recert_rows = {"recertification", sizeof(struct store_recert),
                                                 recert_row, NULL};

/* One re-certification by statement which with args. */
static int recert_one(struct store_rd *rd, struct store_recert *out, int which,
                      const struct store_arg *args, size_t nargs) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &recert_set, which);
  memset(out, 0, sizeof *out);
  if (NULL != st) {
    store_bind_all(st, args, nargs);
  }
  return store_row_get(c, st, &recert_rows, out);
}

int store_recert_get(struct store_rd *rd, struct store_recert *out, const char *old_serial) {
  const struct store_arg key = STORE_ARG_TEXT(old_serial);
  return recert_one(rd, out, RECERT_GET, &key, 1);
}

int store_recert_pending(struct store_rd *rd, struct store_recert *out, int64_t user_id,
                         const char *exam_id) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(exam_id)};
  return recert_one(rd, out, RECERT_PENDING, args, 2);
}

int store_recert_link(struct store_tx *tx, const char *old_serial, const char *new_serial,
                      int64_t now_ms) {
  const struct store_arg args[] = {STORE_ARG_TEXT(old_serial), STORE_ARG_TEXT(new_serial),
                                   STORE_ARG_INT(now_ms)};
  return recert_change(tx, RECERT_LINK, args, sizeof args / sizeof args[0], "recert link");
}

/* One link of a certificate: the other serial, and kind 1 (it recertifies that one) or 2 (that
 * one renewed it). */
struct recert_link {
  char serial[26];
  int64_t kind;
};

static int link_row(struct store_stmt *st, void *elem) {
  struct recert_link *l = elem;
  l->kind = store_col_int64(st, 1);
  return 0 != store_col_copy(st, 0, l->serial, sizeof l->serial) ? STORE_HARD : STORE_OK;
}

static const struct store_rowtype link_rows = {"recert links", sizeof(struct recert_link), link_row,
                                               NULL};

int store_recert_links(struct store_rd *rd, const char *serial, char recertifies[26],
                       char renewed_by[26]) {
  const struct store_arg key = STORE_ARG_TEXT(serial);
  struct recert_link *got = NULL;
  size_t n = 0;
  recertifies[0] = renewed_by[0] = '\0';
  int rc = store_rows_query(store_rd_conn(rd), &recert_set, RECERT_LINKS, &key, 1, &link_rows, 2,
                            &got, &n);
  for (size_t i = 0; STORE_OK == rc && i < n; i++) {
    memcpy(1 == got[i].kind ? recertifies : renewed_by, got[i].serial, 26);
  }
  store_rows_free(&link_rows, got, n);
  return rc;
}

int store_recert_list_user(struct store_rd *rd, struct store_recert **out, size_t *out_n,
                           int64_t user_id, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &recert_set, RECERT_LIST_USER, args, 2, &recert_rows,
                          limit, out, out_n);
}
