/*
 * The account holder's sign-in sessions (GET /account/sessions): every browser or device
 * the account is signed in on (session_table.h: "Chrome di Android", when it signed in, was
 * last used and will be signed out, the one this page was opened on marked), and a button
 * that signs out all the others (a computer at the test site left signed in, a phone lent
 * out). It calls what the JSON API
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
#include "http/session_table.h"

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
  html_fmt(h, "<p>%s</p>", L(r, "sessions.intro"));
  session_table(h, r, list, n, NULL, true);
  for (size_t i = 0; i < n; i++) {
    others += list[i].current ? 0 : 1;
  }
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
