/*
 * The dispatcher. The adapter has already enforced the limits on the head (URL, headers,
 * body size) when it asks for the route; by the time it runs a request the body is read.
 */
#include "http/dispatch.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "common/checkin.h"
#include "common/evidence.h"
#include "common/log.h"
#include "common/second_factor.h"
#include "ujikom/itembank.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/parse.h"
#include "http/reply.h"
#include "http/routes.h"
#include "store/store.h"

static bool is_state_changing(const char *method) {
  return 0 != strcmp(method, "GET") && 0 != strcmp(method, "HEAD") &&
         0 != strcmp(method, "OPTIONS");
}

static bool route(struct req *r, char *scratch, enum server_pool *pool, enum err *refusal) {
  switch (routes_match(r->method, r->path, scratch, &r->route, r->params, &r->nparams)) {
  case ROUTE_FOUND:
    break;
  case ROUTE_BAD_METHOD:
    *refusal = ERR_METHOD_NOT_ALLOWED;
    return false;
  case ROUTE_NOT_FOUND:
    *refusal = ERR_NOT_FOUND;
    return false;
  }
  if (r->route->flags & ROUTE_UPLOAD) {
    r->body_max = EVIDENCE_CHUNK_MAX;
  }
  if (r->route->flags & ROUTE_ITEM_BANK) {
    r->body_max = ITEMBANK_MAX_INPUT;
  }
  if (!is_state_changing(r->method) ||
      ((r->route->flags & ROUTE_QUEUES_WRITE) && store_txn_async_queues(r->svc->store))) {
    *pool = SERVER_POOL_NONE;
  } else {
    *pool = (r->route->flags & ROUTE_HASHES) ? SERVER_POOL_HASHERS : SERVER_POOL_WRITERS;
  }
  return true;
}

/* The origin (RFC 6454) of "scheme://host[:port]", and of what follows when rest_ok (a
 * path): scheme and host as written (compared without case), the port made explicit. */
struct origin {
  const char *scheme;
  size_t scheme_len;
  const char *host;
  size_t host_len;
  long port;
};

static bool origin_parse(const char *s, bool rest_ok, struct origin *o) {
  const char *sep = strstr(s, "://");
  if (NULL == sep) {
    return false;
  }
  o->scheme = s;
  o->scheme_len = (size_t)(sep - s);
  if (5 == o->scheme_len && 0 == strncasecmp(s, "https", 5)) {
    o->port = 443;
  } else if (4 == o->scheme_len && 0 == strncasecmp(s, "http", 4)) {
    o->port = 80;
  } else {
    return false;
  }
  o->host = sep + 3;
  const char *p = o->host;
  if ('[' == *p) {
    p = strchr(p, ']');
    if (NULL == p) {
      return false;
    }
    p++;
  } else {
    p += strcspn(p, ":/?#");
  }
  o->host_len = (size_t)(p - o->host);
  if (0 == o->host_len) {
    return false;
  }
  if (':' == *p) {
    long port = 0;
    const char *digits = ++p;
    while (*p >= '0' && *p <= '9' && port <= 65535) {
      port = port * 10 + (*p++ - '0');
    }
    if (p == digits || port < 1 || port > 65535) {
      return false;
    }
    o->port = port;
  }
  return '\0' == *p || (rest_ok && '/' == *p);
}

/* Origin check for state-changing requests: a browser always sends Origin on cross-site
 * POSTs, so an Origin other than --public-url's (scheme, host and port) is a cross-site
 * request whatever the cookie says; the Host header plays no part (a proxy may rewrite
 * it, and a client chooses it). It is the only one: it also guards the routes without a
 * CSRF token (log-in and registration, against login CSRF). Requests without Origin
 * (non-browser clients) pass; "null" (an opaque origin) does not. */
static bool origin_ok(const struct req *r) {
  const char *origin = req_header(r, "Origin");
  if (NULL == origin) {
    return true;
  }
  struct origin want;
  struct origin got;
  if (!origin_parse(r->svc->cfg->public_url, true, &want) || !origin_parse(origin, false, &got)) {
    return false;
  }
  return want.scheme_len == got.scheme_len &&
         0 == strncasecmp(want.scheme, got.scheme, got.scheme_len) &&
         want.host_len == got.host_len && 0 == strncasecmp(want.host, got.host, got.host_len) &&
         want.port == got.port;
}

static bool content_type_is(const struct req *r, const char *type) {
  const char *ct = req_header(r, "Content-Type");
  if (NULL == ct) {
    return false;
  }
  size_t n = strlen(type);
  return 0 == strncasecmp(ct, type, n) && ('\0' == ct[n] || ';' == ct[n] || ' ' == ct[n]);
}

static int parse_body(struct req *r) {
  const struct config *cfg = r->svc->cfg;
  if (0 == r->body_len) {
    return 0;
  }
  if (content_type_is(r, "application/json")) {
    if (!json_depth_ok(r->body, r->body_len, (int)cfg->json_max_depth)) {
      return reply_error(r, ERR_JSON_TOO_DEEP, NULL), -1;
    }
    json_error_t jerr;
    json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (NULL == j) {
      char msg[256];
      snprintf(msg, sizeof(msg), "The request body is not valid JSON: %s (line %d, column %d).",
               jerr.text, jerr.line, jerr.column);
      return reply_error(r, ERR_BAD_JSON, msg), -1;
    }
    r->json = j;
    return 0;
  }
  if (content_type_is(r, "application/x-www-form-urlencoded")) {
    enum parse_rc rc =
        parse_urlencoded(server_form_fields(r), r->body, r->body_len, (size_t)cfg->form_max_fields);
    if (PARSE_TOO_MANY == rc) {
      return reply_error(r, ERR_TOO_MANY_FIELDS, NULL), -1;
    }
    if (PARSE_OK != rc) {
      return reply_error(r, ERR_BAD_REQUEST, "The form data is malformed or not UTF-8."), -1;
    }
    return 0;
  }
  return 0; /* other types: the raw body is the handler's to interpret */
}

/* --staff-2fa required: a staff member without a confirmed second factor reaches only the
 * routes marked ROUTE_BEFORE_2FA (enrolment, log-out, who am I); a page asked for with GET
 * sends them to the enrolment page, anything else is 403. True when it replied. */
static bool second_factor_missing(struct req *r) {
  struct second_factor_status st;
  int store_rc = STORE_OK;
  if (NULL == r->user || (r->route->flags & ROUTE_BEFORE_2FA) ||
      !second_factor_applies(r->user->role) || !second_factor_enforced(r->svc->cfg)) {
    return false;
  }
  if (SECOND_FACTOR_OK != second_factor_status_get(&st, r->svc, r->user->id, &store_rc)) {
    reply_store_error(r, store_rc, "second factor");
    return true;
  }
  if (SECOND_FACTOR_STATE_CONFIRMED == st.state) {
    return false;
  }
  if ((r->route->flags & ROUTE_HTML) && 0 == strcmp(r->method, "GET")) {
    reply_redirect(r, "/account/2fa");
  } else {
    reply_error(r, ERR_SECOND_FACTOR_REQUIRED, NULL);
  }
  return true;
}

/* A check-in session (common/checkin.h) reaches only the routes that opt in (routes.h,
 * ROUTE_CHECKIN_ANY), and of those with a parameter only its schedule's exam, the attempt
 * started under the schedule and that attempt's uploads; anything else is 403 saying to log
 * in with the password. True when it replied. */
static bool checkin_scope_refuses(struct req *r) {
  const struct req_user *u = r->user;
  unsigned flags = r->route->flags;
  if (NULL == u || 0 == u->scope_schedule_id || (flags & ROUTE_CHECKIN)) {
    return false;
  }
  bool reached = false;
  const char *param = r->nparams > 0 ? r->params[0] : NULL;
  if (flags & ROUTE_CHECKIN_EXAM) {
    reached = NULL != param && '\0' != u->scope_exam_id[0] && 0 == strcmp(param, u->scope_exam_id);
  } else if (flags & (ROUTE_CHECKIN_ATTEMPT | ROUTE_CHECKIN_UPLOAD)) {
    /* In the session's own snapshot when the route keeps it (the answer saves). */
    struct store_rd *rd = r->rd;
    int rc = NULL != rd ? STORE_OK : store_rd_begin(r->svc->store, &rd);
    if (STORE_OK == rc) {
      rc = checkin_scope_reaches(
          rd, u->scope_schedule_id, u->id,
          (flags & ROUTE_CHECKIN_UPLOAD) ? CHECKIN_TARGET_UPLOAD : CHECKIN_TARGET_ATTEMPT, param);
    }
    if (rd != r->rd) {
      store_rd_end(rd);
    }
    if (rc < 0) {
      reply_store_error(r, rc, "check-in scope");
      return true;
    }
    reached = STORE_OK == rc;
  }
  if (!reached) {
    reply_error(r, ERR_CHECKIN_SCOPE, NULL);
  }
  return !reached;
}

static void serve(struct req *r);

static void run(struct req *r) {
  serve(r);
  /* the session's read transaction, if the handler did not take it */
  store_rd_end(req_take_read(r));
}

static void serve(struct req *r) {
  if (0 != parse_body(r)) {
    return;
  }
  const char *lang = req_cookie(r, "lang");
  r->lang = (lang && 0 == strcmp(lang, "en")) ? "en" : "id";

  struct req_user user; /* filled (and so secret) only when a session is found */
  bool via_cookie = false;
  /* Without an Authorization or Cookie header there is no session to look for; a public
   * route's answer does not depend on one. */
  enum auth_result ar =
      server_has_credentials(r) && !(r->route->flags & ROUTE_PUBLIC)
          ? auth_load_user(r, &user, &via_cookie, 0 != (r->route->flags & ROUTE_SHARED_READ))
          : AUTH_ANONYMOUS;
  if (AUTH_STORE_ERROR == ar) {
    reply_error(r, ERR_UNAVAILABLE, NULL);
    return;
  }
  if (AUTH_USER == ar) {
    bool kept = server_set_user(r, &user);
    OPENSSL_cleanse(&user, sizeof(user));
    if (!kept) {
      reply_error(r, ERR_INTERNAL, NULL);
      return;
    }
  }

  const struct route *rt = r->route;
  unsigned roles = rt->roles;
  if (checkin_scope_refuses(r)) {
    return;
  }
  if (!(roles & ROLE_ANON)) {
    if (NULL == r->user) {
      if ((rt->flags & ROUTE_HTML) && 0 == strcmp(r->method, "GET")) {
        reply_redirect(r, "/login");
        return;
      }
      reply_error(r, ERR_UNAUTHENTICATED, NULL);
      return;
    }
    if (!(roles & (unsigned)r->user->role)) {
      reply_error(r, ERR_FORBIDDEN, NULL);
      return;
    }
    if (second_factor_missing(r)) {
      return;
    }
  }
  /* A cross-site Origin is refused on every state-changing route (login forms included);
   * the session-bound token is required where a cookie session exists. */
  if (is_state_changing(r->method)) {
    bool token_needed = !(rt->flags & ROUTE_NO_CSRF) && NULL != r->user && via_cookie;
    if (!origin_ok(r) || (token_needed && !auth_check_csrf(r))) {
      reply_error(r, ERR_CSRF, NULL);
      return;
    }
  }
  if (rt->flags & ROUTE_FORM) {
    h_page_form_bridge(r, rt->handler);
  } else {
    rt->handler(r);
  }
  /* A deferred request is answered by another thread, maybe at this moment: not read here. */
  if (!req_deferred(r) && !reply_done(r)) {
    log_msg(LOG_ERROR, r->request_id, "handler for %s %s gave no reply", r->method, r->path);
    reply_error(r, ERR_INTERNAL, NULL);
  }
}

const struct server_app dispatch_app = {
    .route = route,
    .run = run,
    .error = reply_error,
};
