/*
 * Flags for review and the account's time zone in SQLite.
 */
#include <string.h>

#include "store/store_internal.h"

enum candidate_stmt { FLAG_ON, FLAG_OFF, FLAG_GET, TZ_GET, TZ_SET, CANDIDATE__MAX };

static const char *const candidate_sqls[CANDIDATE__MAX] = {
    [FLAG_ON] = "INSERT INTO attempt_flags(attempt_id, item_id, flagged_at) VALUES(?1, ?2, ?3) "
                "ON CONFLICT(attempt_id, item_id) DO NOTHING",
    [FLAG_OFF] = "DELETE FROM attempt_flags WHERE attempt_id = ?1 AND item_id = ?2",
    [FLAG_GET] = "SELECT item_id FROM attempt_flags WHERE attempt_id = ?1 ORDER BY item_id",
    [TZ_GET] = "SELECT time_zone FROM user_prefs WHERE user_id = ?1",
    [TZ_SET] = "INSERT INTO user_prefs(user_id, time_zone) VALUES(?1, ?2) "
               "ON CONFLICT(user_id) DO UPDATE SET time_zone = excluded.time_zone",
};
static const struct store_sqlset candidate_set = {"candidate", candidate_sqls, CANDIDATE__MAX};

int store_flag_set(struct store_tx *tx, int64_t attempt_id, const char *item_id, bool flagged,
                   int64_t now_ms) {
  bool open = false;
  int64_t deadline_ms = 0;
  if (NULL == item_id) {
    return STORE_HARD;
  }
  int rc = store_attempt_state(store_tx_rd(tx), attempt_id, &open, &deadline_ms);
  if (STORE_OK != rc) {
    return rc;
  }
  if (!open) {
    return STORE_CONFLICT;
  }
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id), STORE_ARG_TEXT(item_id),
                                   STORE_ARG_INT(now_ms)};
  return store_write(store_tx_conn(tx), &candidate_set, flagged ? FLAG_ON : FLAG_OFF, args,
                     flagged ? 3 : 2, "flag set");
}

static int flag_row(struct store_stmt *st, void *elem) {
  struct store_flag *f = elem;
  return 0 == store_col_copy(st, 0, f->item_id, sizeof f->item_id) ? STORE_OK : STORE_HARD;
}

static const struct store_rowtype flag_rows = {"flags get", sizeof(struct store_flag), flag_row,
                                               NULL};

int store_flags_get(struct store_rd *rd, struct store_flag **out, size_t *out_n,
                    int64_t attempt_id) {
  const struct store_arg args[] = {STORE_ARG_INT(attempt_id)};
  return store_rows_query_all(store_rd_conn(rd), &candidate_set, FLAG_GET, args, 1, &flag_rows, out,
                              out_n);
}

void store_flags_free(struct store_flag *list, size_t n) {
  store_rows_free(&flag_rows, list, n);
}

struct zone_name {
  char text[8]; /* "WITA" and a NUL, with room */
};

static int zone_row(struct store_stmt *st, void *elem) {
  struct zone_name *z = elem;
  return 0 == store_col_copy(st, 0, z->text, sizeof z->text) ? STORE_OK : STORE_HARD;
}

static const struct store_rowtype zone_one = {"time zone get", sizeof(struct zone_name), zone_row,
                                              NULL};

int store_user_time_zone_get(struct store_rd *rd, int64_t user_id, char *buf, size_t buflen) {
  struct store_conn *c = store_rd_conn(rd);
  struct store_stmt *st = store_stmt(c, &candidate_set, TZ_GET);
  if (NULL == st || 0 == buflen) {
    return STORE_HARD;
  }
  const struct store_arg key = STORE_ARG_INT(user_id);
  store_bind_all(st, &key, 1);
  struct zone_name z = {{0}};
  int rc = store_row_get(c, st, &zone_one, &z);
  if (STORE_OK == rc) {
    size_t n = strlen(z.text);
    if (n >= buflen) {
      return STORE_HARD;
    }
    memcpy(buf, z.text, n + 1);
  }
  return rc;
}

int store_user_time_zone_set(struct store_tx *tx, int64_t user_id, const char *zone) {
  if (NULL == zone ||
      (0 != strcmp(zone, "WIB") && 0 != strcmp(zone, "WITA") && 0 != strcmp(zone, "WIT"))) {
    return STORE_HARD;
  }
  const struct store_arg args[] = {STORE_ARG_INT(user_id), STORE_ARG_TEXT(zone)};
  return store_write(store_tx_conn(tx), &candidate_set, TZ_SET, args, 2, "time zone set");
}
