/*
 * A person's own settings, kept in the store (store/store_candidate.h).
 */
#include "common/prefs.h"

#include "common/log.h"
#include "store/store.h"

enum time_zone prefs_time_zone(struct svc *svc, int64_t user_id) {
  struct store_rd *rd = NULL;
  char name[8] = "";
  enum time_zone zone = TIME_ZONE_WIB;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_user_time_zone_get(rd, user_id, name, sizeof name);
    store_rd_end(rd);
  }
  if (rc < 0) {
    log_msg(LOG_WARN, NULL, "prefs: time zone read: store %s", store_rc_name(rc));
  }
  if (STORE_OK != rc || !time_zone_parse(name, &zone)) {
    return TIME_ZONE_WIB;
  }
  return zone;
}

struct zone_ctx {
  int64_t user_id;
  const char *name;
};

static int zone_txn(struct store_tx *tx, void *arg) {
  const struct zone_ctx *zc = arg;
  return store_user_time_zone_set(tx, zc->user_id, zc->name);
}

enum prefs_rc prefs_set_time_zone(struct svc *svc, int64_t user_id, const char *zone_name) {
  enum time_zone zone;
  if (!time_zone_parse(zone_name, &zone)) {
    return PREFS_BAD_ZONE;
  }
  struct zone_ctx zc = {user_id, time_zone_name(zone)};
  int rc = store_txn(svc->store, zone_txn, &zc);
  if (STORE_OK == rc) {
    return PREFS_OK;
  }
  log_msg(LOG_WARN, NULL, "prefs: time zone set: store %s", store_rc_name(rc));
  return STORE_BUSY == rc ? PREFS_BUSY : PREFS_UNAVAILABLE;
}
