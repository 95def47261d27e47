/*
 * A person's own settings: the time zone every time on their pages is shown in (Indonesia's
 * WIB, WITA or WIT; WIB until they choose). The one place that reads and sets it, for the
 * pages and the API alike.
 */
#ifndef UJIKOM_PREFS_H
#define UJIKOM_PREFS_H

#include <stdint.h>

#include "common/svc.h"
#include "ujikom/timefmt.h"

enum prefs_rc {
  PREFS_OK = 0,
  PREFS_BAD_ZONE,    /* not one of "WIB", "WITA", "WIT" */
  PREFS_BUSY,        /* the store's write lock was not obtained: retry (503) */
  PREFS_UNAVAILABLE, /* the store cannot be used: retry (503) */
};

/* user_id's time zone: the one they chose, else WIB (also when it cannot be read: a time shown
 * in the default zone, labelled, is still true). */
enum time_zone prefs_time_zone(struct svc *svc, int64_t user_id);

/* Sets user_id's time zone to the one named zone_name ("WIB", "WITA", "WIT"). */
enum prefs_rc prefs_set_time_zone(struct svc *svc, int64_t user_id, const char *zone_name);

#endif
