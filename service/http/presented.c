/*
 * The session token and CSRF token a request presents (see presented.h).
 */
#include "http/presented.h"

#include <strings.h>

/* "Bearer <token>": scheme case-insensitive, spaces after it, then the token to the end. */
static const char *bearer_token(const char *header) {
  const char *p;
  if (NULL == header || 0 != strncasecmp(header, "Bearer ", 7)) {
    return NULL;
  }
  p = header + 7;
  while (' ' == *p) {
    p++;
  }
  return '\0' == *p ? NULL : p;
}

const char *presented_session_token(const struct req *r, bool *via_cookie) {
  const char *bearer = bearer_token(req_header(r, "Authorization"));
  *via_cookie = false;
  if (NULL != bearer) {
    return bearer;
  }
  const char *cookie = req_cookie(r, AUTH_COOKIE);
  if (NULL != cookie && '\0' != cookie[0]) {
    *via_cookie = true;
    return cookie;
  }
  return NULL;
}

const char *presented_csrf(const struct req *r, char buf[SESSION_CSRF_LEN + 1]) {
  buf[0] = '\0';
  if (NULL == r->user) {
    return buf;
  }
  if ('\0' != r->user->csrf[0]) {
    return r->user->csrf;
  }
  /* The token auth_load_user read the session by: the same request, the same precedence. */
  bool cookie = false;
  const char *token = presented_session_token(r, &cookie);
  if (NULL == token || !session_token_well_formed(token) || 0 != session_csrf_token(buf, token)) {
    buf[0] = '\0';
  }
  return buf;
}
