/*
 * Who is calling: resolves a session (cookie `ujikom_session` or `Authorization: Bearer`)
 * into a struct req_user, and checks CSRF tokens on state-changing requests.
 * The dispatcher calls these before any handler runs.
 */
#ifndef UJIKOM_AUTH_H
#define UJIKOM_AUTH_H

#include "http/http.h"

#define AUTH_COOKIE "ujikom_session"

enum auth_result {
  AUTH_ANONYMOUS = 0,   /* no or unknown/expired session: proceed as anonymous */
  AUTH_USER = 1,        /* out was filled */
  AUTH_STORE_ERROR = -1 /* the store could not answer: 503 */
};

/* Fills out from the request's session. *via_cookie tells whether the session came from
 * the cookie (CSRF applies) rather than a bearer token (CSRF exempt). */
enum auth_result auth_load_user(struct req *r, struct req_user *out, bool *via_cookie);

/* For a cookie-authenticated state-changing request: true when the X-CSRF-Token header
 * or the `csrf` form field matches the session's CSRF token (constant time). */
bool auth_check_csrf(const struct req *r);

#endif
