/*
 * The table of an account's sign-in sessions (see session_table.h).
 */
#include "http/session_table.h"

#include <stdio.h>

#include "http/layout.h"
#include "http/page_time.h"

static const char *const cols[] = {"sessions.device", "sessions.started", "sessions.last_used",
                                   "sessions.ends", "sessions.note"};

/* One session's row: the kind of device it was started from, its times in the reader's
 * zone and what sets it apart. */
static void session_row(struct html *h, const struct req *r, const struct store_session_info *s,
                        enum time_zone zone, bool end_button) {
  const int64_t times[] = {s->created_ms, s->last_ms, s->expires_ms};
  if (s->current) {
    HTML_LIT(h, "<tr role=\"row\" id=\"session-current\">");
  } else {
    HTML_LIT(h, "<tr role=\"row\">");
  }
  layout_stack_cell(h, r, cols[0]);
  layout_device_text(h, r, s->device);
  HTML_LIT(h, "</td>");
  for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
    char when[40];
    page_time(when, sizeof when, times[i], zone, false);
    layout_stack_cell(h, r, cols[i + 1]);
    html_text(h, when);
    HTML_LIT(h, "</td>");
  }
  layout_stack_cell(h, r, cols[4]);
  if (s->current) {
    html_fmt(h, "<span class=\"badge k\">%s</span> ", L(r, "sessions.this_one"));
  }
  if (s->checkin) {
    html_text(h, L(r, "sessions.checkin"));
  }
  if (end_button && !s->current) {
    /* the button names its session for a screen reader, which meets it out of its row */
    char action[64], api[64];
    snprintf(action, sizeof action, "/account/sessions/%s/end", s->id);
    snprintf(api, sizeof api, "/api/auth/sessions/%s/end", s->id);
    layout_action_form(h, r, action, api, "/account/sessions?notice=session_ended");
    html_fmt(h, "<button type=\"submit\" class=\"secondary\">%s<span class=\"sr-only\"> (",
             L(r, "sessions.end_one"));
    layout_device_text(h, r, s->device);
    HTML_LIT(h, ")</span></button></form>");
  }
  HTML_LIT(h, "</td></tr>");
}

void session_table(struct html *h, struct req *r, const struct store_session_info *list, size_t n,
                   const char *caption_key, bool end_buttons) {
  enum time_zone zone = page_zone(r);
  layout_stack_table_begin(h, r, caption_key, cols, sizeof cols / sizeof cols[0]);
  for (size_t i = 0; i < n; i++) {
    session_row(h, r, &list[i], zone, end_buttons);
  }
  HTML_LIT(h, "</tbody></table></div>");
}
