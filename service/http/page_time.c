/*
 * Times on pages in the reader's time zone (common/prefs.h keeps the choice).
 */
#include "http/page_time.h"

#include <stdio.h>

#include "common/prefs.h"
#include "http/layout.h"

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

void page_zone_form(struct html *h, const struct req *r, enum time_zone zone, const char *back) {
  static const char *const keys[TIME_ZONE_COUNT] = {"me.zone_wib", "me.zone_wita", "me.zone_wit"};
  HTML_LIT(h, "<form method=\"post\" action=\"/me/time-zone\" class=\"card zone\">");
  layout_csrf_field(h, r);
  if (NULL != back) {
    html_hidden(h, "back", back);
  }
  HTML_LIT(h, "<label for=\"time-zone\">");
  html_text(h, L(r, "me.time_zone"));
  HTML_LIT(h, "</label> <select id=\"time-zone\" name=\"time_zone\">");
  for (int z = 0; z < TIME_ZONE_COUNT; z++) {
    HTML_LIT(h, "<option");
    html_attr(h, "value", time_zone_name((enum time_zone)z));
    if ((int)zone == z) {
      HTML_LIT(h, " selected");
    }
    HTML_LIT(h, ">");
    html_text(h, L(r, keys[z]));
    HTML_LIT(h, "</option>");
  }
  HTML_LIT(h, "</select> <button type=\"submit\" class=\"secondary\">");
  html_text(h, L(r, "me.time_zone_save"));
  HTML_LIT(h, "</button></form>");
}
