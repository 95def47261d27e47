/*
 * The observation checklist's records, for both backends.
 */
#include <string.h>

#include "store/store_internal.h"

enum obs_stmt { OBS_PUT, OBS_LIST, OBS_GET, OBS__MAX };

#define OBS_COLS                                                                                   \
  "attempt_id, unit_code, kuk_id, observed, notes, assessor_id, recorded_at, saved_at, op"

static const char *const obs_sqls[OBS__MAX] = {
    /* The later recording wins; a repeated save (same time, same id) changes nothing. */
    [OBS_PUT] =
        "INSERT INTO observations(" OBS_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT(attempt_id, unit_code, kuk_id) DO UPDATE SET "
        "observed = excluded.observed, notes = excluded.notes, "
        "assessor_id = excluded.assessor_id, recorded_at = excluded.recorded_at, "
        "saved_at = excluded.saved_at, op = excluded.op "
        "WHERE excluded.recorded_at > observations.recorded_at OR "
        "(excluded.recorded_at = observations.recorded_at AND excluded.op > observations.op)",
    [OBS_LIST] = "SELECT " OBS_COLS " FROM observations WHERE attempt_id = ?1 "
                 "ORDER BY unit_code, kuk_id",
    [OBS_GET] = "SELECT " OBS_COLS " FROM observations WHERE attempt_id = ?1 AND unit_code = ?2 "
                "AND kuk_id = ?3",
};
static const struct store_sqlset obs_set = {"observations", obs_sqls, OBS__MAX};

int store_observation_put(struct store_tx *tx, const struct store_observation *o,
                          bool *out_applied) {
  struct store_conn *c = store_tx_conn(tx);
  const struct store_arg args[] = {
      STORE_ARG_INT(o->attempt_id),  STORE_ARG_TEXT(o->unit_code), STORE_ARG_TEXT(o->kuk_id),
      STORE_ARG_INT(o->observed),    STORE_ARG_TEXT(o->notes),     STORE_ARG_INT(o->assessor_id),
      STORE_ARG_INT(o->recorded_ms), STORE_ARG_INT(o->saved_ms),   STORE_ARG_TEXT(o->op)};
  struct store_stmt *st = store_stmt(c, &obs_set, OBS_PUT);
  int64_t changes = 0;
  int rc = STORE_HARD;
  *out_applied = false;
  if (NULL != st) {
    store_bind_all(st, args, sizeof args / sizeof args[0]);
    rc = store_step_done(c, st, "observation put", &changes);
    store_stmt_done(st);
  }
  *out_applied = STORE_OK == rc && changes > 0;
  return rc;
}

static int obs_row(struct store_stmt *st, void *elem) {
  struct store_observation *o = elem;
  memset(o, 0, sizeof *o);
  o->attempt_id = store_col_int64(st, 0);
  o->observed = 0 != store_col_int64(st, 3);
  o->assessor_id = store_col_int64(st, 5);
  o->recorded_ms = store_col_int64(st, 6);
  o->saved_ms = store_col_int64(st, 7);
  if (0 != store_col_copy(st, 1, o->unit_code, sizeof o->unit_code) ||
      0 != store_col_copy(st, 2, o->kuk_id, sizeof o->kuk_id) ||
      0 != store_col_copy(st, 4, o->notes, sizeof o->notes) ||
      0 != store_col_copy(st, 8, o->op, sizeof o->op)) {
    return STORE_HARD;
  }
  return STORE_OK;
}

static const struct store_rowtype obs_rows = {"observation", sizeof(struct store_observation),
                                              obs_row, NULL};

int store_observation_list(struct store_rd *rd, struct store_observation **out, size_t *out_n,
                           int64_t attempt_id) {
  const struct store_arg key = STORE_ARG_INT(attempt_id);
  return store_rows_query_all(store_rd_conn(rd), &obs_set, OBS_LIST, &key, 1, &obs_rows, out,
                              out_n);
}

int store_observation_get(struct store_rd *rd, struct store_observation *out, int64_t attempt_id,
                          const char *unit_code, const char *kuk_id) {
  struct store_conn *c = store_rd_conn(rd);
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(unit_code),
                                   STORE_ARG_TEXT(kuk_id)};
  struct store_stmt *st = store_stmt(c, &obs_set, OBS_GET);
  if (NULL != st) {
    store_bind_all(st, args, sizeof args / sizeof args[0]);
  }
  return store_row_get(c, st, &obs_rows, out);
}

void store_observation_list_free(struct store_observation *list, size_t n) {
  store_rows_free(&obs_rows, list, n);
}
