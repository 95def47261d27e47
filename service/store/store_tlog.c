/*
 * The transparency log in SQLite: append-only entries (triggers refuse UPDATE and DELETE),
 * leaf hashes by range, stored checkpoints, and the register <-> log look-ups.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_tlog.h"

enum tlog_stmt {
  TLOG_COUNT,
  TLOG_INSERT,
  TLOG_LEAVES,
  TLOG_ENTRIES,
  TLOG_ISSUED,
  TLOG_CP_PUT,
  TLOG_CP_LATEST,
  TLOG_BACKFILL,
  TLOG_BACKFILL_DONE,
  TLOG_BACKFILL_SETTLE,
  TLOG_UNLOGGED,
  TLOG_STATUS_DIFFERS,
  TLOG__MAX
};
static const char *const tlog_sqls[TLOG__MAX] = {
    [TLOG_COUNT] = "SELECT coalesce(max(idx) + 1, 0) FROM tlog_entries",
    [TLOG_INSERT] = "INSERT INTO tlog_entries(idx, entry, leaf_hash, serial, event, appended_at) "
                    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [TLOG_LEAVES] = "SELECT idx, leaf_hash FROM tlog_entries WHERE idx >= ?1 AND idx < ?2 "
                    "ORDER BY idx",
    [TLOG_ENTRIES] = "SELECT idx, entry, leaf_hash, serial, event, appended_at FROM tlog_entries "
                     "WHERE idx >= ?1 ORDER BY idx LIMIT ?2",
    [TLOG_ISSUED] = "SELECT idx, appended_at FROM tlog_entries WHERE serial = ?1 AND "
                    "event = 'issue'",
    [TLOG_CP_PUT] = "INSERT INTO tlog_checkpoints(size, note, at) VALUES(?1, ?2, ?3)",
    [TLOG_CP_LATEST] = "SELECT size, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1",
    /* Driven by the list (IN, looked up by serial): written as a join, SQLite's planner
     * walked the whole register in issue order to avoid a sort and probed the list for each
     * certificate, ~0.5 s at every start with 100,000 certificates and an empty list. */
    [TLOG_BACKFILL] = "SELECT c.serial FROM certificates c WHERE c.serial IN (SELECT serial "
                      "FROM tlog_backfill) AND NOT EXISTS (SELECT 1 FROM tlog_entries t WHERE "
                      "t.serial = c.serial AND t.event = 'issue') ORDER BY c.issued_at, c.serial "
                      "LIMIT ?1",
    [TLOG_BACKFILL_DONE] = "DELETE FROM tlog_backfill WHERE serial = ?1",
    [TLOG_BACKFILL_SETTLE] = "DELETE FROM tlog_backfill WHERE EXISTS (SELECT 1 FROM tlog_entries "
                             "t WHERE t.serial = tlog_backfill.serial AND t.event = 'issue')",
    [TLOG_UNLOGGED] = "SELECT c.serial FROM certificates c WHERE NOT EXISTS (SELECT 1 FROM "
                      "tlog_entries t WHERE t.serial = c.serial AND t.event = 'issue') "
                      "ORDER BY c.issued_at, c.serial LIMIT ?1",
    /* The log's last revoke, suspend or reinstate entry of each certificate, found by one
     * pass over those (few) entries rather than a look-up per certificate: a per-row
     * "ORDER BY idx DESC LIMIT 1" lets PostgreSQL walk the whole log backwards for every
     * certificate when it misjudges how many such entries there are. */
    [TLOG_STATUS_DIFFERS] =
        "SELECT c.serial, c.status, CASE l.event WHEN 'revoke' THEN 'revoked' WHEN 'suspend' "
        "THEN 'suspended' ELSE 'valid' END AS logged FROM certificates c "
        "JOIN tlog_entries i ON i.serial = c.serial AND i.event = 'issue' "
        "LEFT JOIN (SELECT serial, event, row_number() OVER (PARTITION BY serial ORDER BY idx "
        "DESC) AS n FROM tlog_entries WHERE event <> 'issue') l ON l.serial = c.serial AND "
        "l.n = 1 WHERE c.status <> CASE l.event WHEN 'revoke' THEN 'revoked' WHEN 'suspend' "
        "THEN 'suspended' ELSE 'valid' END ORDER BY c.issued_at, c.serial LIMIT ?1",
};
static const struct store_sqlset tlog_set = {"tlog", tlog_sqls, TLOG__MAX};

int store_tlog_size(struct store_rd *rd, uint64_t *out) {
  struct store_conn *c = store_rd_conn(rd);
  int64_t n = 0;
  int rc = store_row_int64(c, store_stmt(c, &tlog_set, TLOG_COUNT), "tlog size", &n);
  *out = (uint64_t)n;
  return rc;
}

int store_tlog_append(struct store_tx *tx, uint64_t *out_index, const void *entry, size_t len,
                      const unsigned char leaf[STORE_TLOG_HASH_LEN], const char *serial,
                      const char *event, int64_t at_ms) {
  struct store_conn *c = store_tx_conn(tx);
  uint64_t idx = 0;
  if (0 == len || len > STORE_TLOG_ENTRY_MAX) {
    store_conn_log(c, STORE_LOG_ERROR, "tlog append of %zu bytes", len);
    return STORE_HARD;
  }
  int rc = store_tlog_size(store_tx_rd(tx), &idx);
  if (STORE_OK != rc) {
    return rc;
  }
  struct store_stmt *st = store_stmt(c, &tlog_set, TLOG_INSERT);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_int64(st, 1, (int64_t)idx);
  store_bind_blob(st, 2, entry, len);
  store_bind_blob(st, 3, leaf, (size_t)STORE_TLOG_HASH_LEN);
  store_bind_text(st, 4, serial);
  store_bind_text(st, 5, event);
  store_bind_int64(st, 6, at_ms);
  rc = store_step_done(c, st, "tlog append", NULL);
  store_stmt_done(st);
  if (STORE_OK == rc && NULL != out_index) {
    *out_index = idx;
  }
  return rc;
}

int store_tlog_leaves(struct store_rd *rd, unsigned char *out, uint64_t from, size_t n) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &tlog_set, TLOG_LEAVES);
  size_t got = 0;
  int rc = STORE_OK;
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_int64(st, 1, (int64_t)from);
  store_bind_int64(st, 2, (int64_t)from + (int64_t)n);
  while (got < n && STORE_OK == (rc = store_step_row(c, st, "tlog leaves"))) {
    if ((uint64_t)store_col_int64(st, 0) != from + got ||
        STORE_TLOG_HASH_LEN != store_col_bytes(st, 1)) {
      rc = STORE_HARD; /* a gap or a damaged hash: never serve a tree made of it */
      break;
    }
    memcpy(out + got * STORE_TLOG_HASH_LEN, store_col_data(st, 1), STORE_TLOG_HASH_LEN);
    got++;
  }
  store_stmt_done(st);
  if (rc < 0) {
    return rc;
  }
  return got == n ? STORE_OK : STORE_NONE;
}

static void entry_clear(void *elem) {
  struct store_tlog_entry *e = elem;
  free(e->entry);
  e->entry = NULL;
}

static int entry_row(struct store_stmt *st, void *elem) {
  struct store_tlog_entry *e = elem;
  e->index = (uint64_t)store_col_int64(st, 0);
  e->at_ms = store_col_int64(st, 5);
  if (STORE_TLOG_HASH_LEN != store_col_bytes(st, 2) ||
      0 != store_col_copy(st, 3, e->serial, sizeof e->serial) ||
      0 != store_col_copy(st, 4, e->event, sizeof e->event)) {
    return STORE_HARD;
  }
  memcpy(e->leaf, store_col_data(st, 2), STORE_TLOG_HASH_LEN);
  e->entry = store_col_blob(st, 1, &e->len);
  return NULL == e->entry ? STORE_UNAVAILABLE : STORE_OK;
}

static const struct store_rowtype entry_rows = {"tlog entries", sizeof(struct store_tlog_entry),
                                                entry_row, entry_clear};

int store_tlog_entries(struct store_rd *rd, struct store_tlog_entry **out, size_t *out_n,
                       uint64_t from, int limit) {
  const struct store_arg args[] = {STORE_ARG_INT((int64_t)from), STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &tlog_set, TLOG_ENTRIES, args, 2, &entry_rows, limit,
                          out, out_n);
}

void store_tlog_entries_free(struct store_tlog_entry *list, size_t n) {
  store_rows_free(&entry_rows, list, n);
}

int store_tlog_issued(struct store_rd *rd, const char *serial, uint64_t *out_index,
                      int64_t *out_at_ms) {
  struct store_stmt *st = NULL;
  const struct store_arg args[] = {STORE_ARG_TEXT(serial)};
  int rc = store_row_step(store_rd_conn(rd), &tlog_set, TLOG_ISSUED, args, 1, "tlog issued", &st);
  if (STORE_OK == rc) {
    *out_index = (uint64_t)store_col_int64(st, 0);
    *out_at_ms = store_col_int64(st, 1);
  }
  store_stmt_done(st);
  return rc;
}

int store_tlog_checkpoint_put(struct store_tx *tx, uint64_t size, const char *note) {
  const struct store_arg args[] = {STORE_ARG_INT((int64_t)size), STORE_ARG_TEXT(note),
                                   STORE_ARG_INT(store_tx_now_ms(tx))};
  return store_write(store_tx_conn(tx), &tlog_set, TLOG_CP_PUT, args, 3, "tlog checkpoint");
}

int store_tlog_checkpoint_latest(struct store_rd *rd, uint64_t *out_size, char **out_note) {
  struct store_stmt *st = NULL;
  int oom = 0;
  *out_note = NULL;
  int rc =
      store_row_step(store_rd_conn(rd), &tlog_set, TLOG_CP_LATEST, NULL, 0, "tlog checkpoint", &st);
  if (STORE_OK == rc) {
    *out_size = (uint64_t)store_col_int64(st, 0);
    *out_note = store_col_strdup(st, 1, &oom);
    rc = NULL == *out_note ? STORE_UNAVAILABLE : STORE_OK;
  }
  store_stmt_done(st);
  return rc;
}

static int serial_row(struct store_stmt *st, void *elem) {
  struct store_tlog_serial *s = elem;
  return 0 == store_col_copy(st, 0, s->serial, sizeof s->serial) ? STORE_OK : STORE_HARD;
}

static const struct store_rowtype serial_rows = {"tlog serials", sizeof(struct store_tlog_serial),
                                                 serial_row, NULL};

static int serials(struct store_rd *rd, int id, struct store_tlog_serial **out, size_t *out_n,
                   int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &tlog_set, id, args, 1, &serial_rows, limit, out,
                          out_n);
}

int store_tlog_backfill_pending(struct store_rd *rd, struct store_tlog_serial **out, size_t *out_n,
                                int limit) {
  return serials(rd, TLOG_BACKFILL, out, out_n, limit);
}

int store_tlog_backfill_done(struct store_tx *tx, const char *serial) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &tlog_set, TLOG_BACKFILL_DONE);
  if (NULL == st) {
    return STORE_HARD;
  }
  store_bind_text(st, 1, serial);
  int rc = store_step_done(c, st, "tlog backfill done", NULL);
  store_stmt_done(st);
  return rc;
}

int store_tlog_backfill_settle(struct store_tx *tx) {
  struct store_conn *c = store_tx_conn(tx);
  struct store_stmt *st = store_stmt(c, &tlog_set, TLOG_BACKFILL_SETTLE);
  if (NULL == st) {
    return STORE_HARD;
  }
  int rc = store_step_done(c, st, "tlog backfill settle", NULL);
  store_stmt_done(st);
  return rc;
}

int store_tlog_unlogged(struct store_rd *rd, struct store_tlog_serial **out, size_t *out_n,
                        int limit) {
  return serials(rd, TLOG_UNLOGGED, out, out_n, limit);
}

void store_tlog_serials_free(struct store_tlog_serial *list, size_t n) {
  store_rows_free(&serial_rows, list, n);
}

static int status_row(struct store_stmt *st, void *elem) {
  struct store_tlog_status *s = elem;
  return 0 == store_col_copy(st, 0, s->serial, sizeof s->serial) &&
                 0 == store_col_copy(st, 1, s->status, sizeof s->status) &&
                 0 == store_col_copy(st, 2, s->logged, sizeof s->logged)
             ? STORE_OK
             : STORE_HARD;
}

static const struct store_rowtype status_rows = {"tlog statuses", sizeof(struct store_tlog_status),
                                                 status_row, NULL};

int store_tlog_status_differs(struct store_rd *rd, struct store_tlog_status **out, size_t *out_n,
                              int limit) {
  const struct store_arg args[] = {STORE_ARG_INT(limit)};
  return store_rows_query(store_rd_conn(rd), &tlog_set, TLOG_STATUS_DIFFERS, args, 1, &status_rows,
                          limit, out, out_n);
}

void store_tlog_statuses_free(struct store_tlog_status *list, size_t n) {
  store_rows_free(&status_rows, list, n);
}
