/*
 * The request/response API that every handler is written against, in one include: the
 * request and the response primitives (server.h), the replies (reply.h), pages as answers
 * (layout_reply.h) and the small helpers (requtil.h). Nothing below the handlers includes
 * it.
 *
 * libmicrohttpd stays behind these headers: handlers read a parsed `struct req` and answer
 * through exactly one reply_* call. The dispatcher (dispatch.c) and the adapter (server.c)
 * have already enforced the limits (URL, headers, body), matched the route (404/405),
 * parsed the body (JSON or form), loaded the session and checked the route's roles, the
 * Origin and CSRF before a handler runs.
 */
#ifndef UJIKOM_HTTP_H
#define UJIKOM_HTTP_H

#include "http/errors.h"
#include "http/layout_reply.h"
#include "http/reply.h"
#include "http/requtil.h"
#include "http/server.h"

/* A handler: parse (already done) -> authorise (roles done; ownership is the handler's) ->
 * call store/core -> one reply_*. Its return value is the reply's. */
typedef int (*handler_fn)(struct req *r);

#endif
