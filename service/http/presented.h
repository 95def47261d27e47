/*
 * What a request presents to prove its session: the session token (a bearer token, else the
 * session cookie) and the CSRF token bound to it. Below auth (which resolves the session)
 * and layout (whose forms carry the CSRF token), so both can use it.
 */
#ifndef UJIKOM_PRESENTED_H
#define UJIKOM_PRESENTED_H

#include <stdbool.h>

#include "http/server.h"
#include "ujikom/session_token.h"

#define AUTH_COOKIE "ujikom_session"

/* The session token the request presented (bearer or cookie; a bearer token, when present,
 * wins over the cookie), or NULL. *via_cookie says which. Points into the request. */
const char *presented_session_token(const struct req *r, bool *via_cookie);

/* The CSRF token of the request's session, for forms and X-CSRF-Token: r->user->csrf for a
 * session this request made (log-in, check-in), else derived into buf from the token the
 * request presented — only where a form or a check needs it: most authenticated requests,
 * bearer ones and reads, never do, and save a SHA-256. "" without a user or when it cannot be
 * derived (auth_check_csrf then refuses). */
const char *presented_csrf(const struct req *r, char buf[SESSION_CSRF_LEN + 1]);

#endif
