/*
 * Times on pages in the reader's time zone (common/prefs.h keeps the choice).
 */
#include "http/page_time.h"

#include <stdio.h>

#include "common/prefs.h"

enum time_zone page_zone(struct req *r) {
  return NULL != r->user ? prefs_time_zone(r->svc, r->user->id) : TIME_ZONE_WIB;
}

enum time_zone page_zone_for(enum time_zone account, const struct exam *x) {
  return NULL != x && x->has_time_zone ? x->time_zone : account;
}

void page_time(char *out, size_t outlen, int64_t ms, enum time_zone zone, bool date_only) {
  if (ms <= 0 || 0 == time_format_zone(out, outlen, ms / 1000, zone,
                                       date_only ? TIME_DATE : TIME_MINUTE_UTC)) {
    snprintf(out, outlen, "—");
  }
}
