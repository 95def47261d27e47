/*
 * The language switch: remembers the chosen language in the `lang` cookie for a year and
 * sends the user back to the page they were on (a local path only, never another site).
 */
#include <stdbool.h>
#include <string.h>

#include "http/handlers.h"
#include "http/html.h"

#define LANG_COOKIE_MAX_AGE (365L * 24 * 3600)

/* back arrives decoded: for Location (a header carries visible ASCII only) spaces, '%' and
 * bytes beyond ASCII are percent-encoded again. False when it does not fit in out. */
static bool location_of(const char *back, char *out, size_t cap) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)back; '\0' != *p; p++) {
    bool plain = *p > 0x20 && *p < 0x7F && '%' != *p;
    if (n + (plain ? 1 : 3) >= cap) {
      return false;
    }
    if (plain) {
      out[n++] = (char)*p;
    } else {
      out[n++] = '%';
      out[n++] = hex[*p >> 4];
      out[n++] = hex[*p & 15];
    }
  }
  out[n] = '\0';
  return true;
}

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
  char location[2048];
  if (!html_local_path(back) || !location_of(back, location, sizeof(location))) {
    memcpy(location, "/", 2);
  }
  /* Not HttpOnly would let scripts read it, which nothing needs; keep it HttpOnly. */
  reply_cookie(r, "lang", to, LANG_COOKIE_MAX_AGE, true);
  return reply_redirect(r, location);
}
