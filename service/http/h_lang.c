/*
 * The language switch: remembers the chosen language in the `lang` cookie for a year and
 * sends the user back to the page they were on (a local path only, never another site).
 */
#include <string.h>

#include "http/handlers.h"
#include "http/html.h"

#define LANG_COOKIE_MAX_AGE (365L * 24 * 3600)

int h_lang(struct req *r) {
  const char *to = req_query(r, "to");
  if (NULL == to) {
    to = req_form(r, "to");
  }
  if (NULL == to || (0 != strcmp(to, "id") && 0 != strcmp(to, "en"))) {
    return reply_error(r, ERR_INVALID_FIELD, "to must be \"id\" or \"en\"");
  }
  const char *back = req_query(r, "back");
  if (NULL == back) {
    back = req_form(r, "back");
  }
  if (!html_local_path(back)) {
    back = "/";
  }
  /* Not HttpOnly would let scripts read it, which nothing needs; keep it HttpOnly. */
  reply_cookie(r, "lang", to, LANG_COOKIE_MAX_AGE, true);
  return reply_redirect(r, back);
}
