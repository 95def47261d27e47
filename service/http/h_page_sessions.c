/*
 * The account holder's sign-in sessions (GET /account/sessions): every browser or device
 * the account is signed in on ("Chrome di Android", from the User-Agent header at sign-in),
 * when it signed in, was last used and will be signed out, the
 * one this page was opened on marked, and a button that signs out all the others (a
 * computer at the test site left signed in, a phone lent out). It calls what the JSON API
 * calls (GET /api/auth/sessions, POST /api/auth/logout-others); signing out here is the
 * header's "Keluar". An administrator ends an account's sessions from its page
 * (h_page_admin_user.c).
 */
#include <stdlib.h>

#include "http/auth.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/page_time.h"

static const char *const cols[] = {"sessions.device", "sessions.started", "sessions.last_used",
                                   "sessions.ends", "sessions.note"};

/* One session's row: the kind of device it was started from, its times in the reader's
 * zone and what sets it apart. */
static void session_row(struct html *h, const struct req *r, const struct store_session_info *s,
                        enum time_zone zone) {
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
  HTML_LIT(h, "</td></tr>");
}

/* GET /account/sessions */
int h_page_sessions(struct req *r) {
  struct store_session_info *list = NULL;
  size_t n = 0, others = 0;
  if (0 != auth_sessions(r, &list, &n)) {
    return 0; /* answered */
  }
  struct html *h = layout_page_new(r, "sessions.title", NULL);
  if (NULL == h) {
    free(list);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  enum time_zone zone = page_zone(r);
  html_fmt(h, "<p>%s</p>", L(r, "sessions.intro"));
  layout_stack_table_begin(h, r, NULL, cols, sizeof cols / sizeof cols[0]);
  for (size_t i = 0; i < n; i++) {
    session_row(h, r, &list[i], zone);
    others += list[i].current ? 0 : 1;
  }
  HTML_LIT(h, "</tbody></table></div>");
  if (others > 0) {
    layout_action_form(h, r, "/account/sessions/logout-others", "/api/auth/logout-others",
                       "/account/sessions?notice=sessions_ended");
    html_fmt(h, "<p><button type=\"submit\">%s</button></p><p class=\"hint\">%s</p></form>",
             L(r, "sessions.end_others"), L(r, "sessions.end_others_hint"));
  } else {
    html_fmt(h, "<p id=\"sessions-none\">%s</p>", L(r, "sessions.no_others"));
  }
  free(list);
  return layout_reply_with_back(r, h, auth_start_page(r->user->role));
}
