/*
 * The request/response API that every handler is written against.
 *
 * libmicrohttpd stays behind this header: handlers read a parsed `struct req` and answer
 * through exactly one reply_* call. The dispatcher (server.c) has already enforced the
 * limits (URL, headers, body), matched the route (404/405), parsed the body (JSON or form),
 * loaded the session and checked the route's roles and CSRF before a handler runs.
 */
#ifndef UJIKOM_HTTP_H
#define UJIKOM_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "http/errors.h"
#include "ujikom/states.h"

struct html; /* service/http/html.h: an HTML buffer that escapes by default */

/* Roles (enum role, ujikom/states.h), as a bit mask in the route table. ROLE_ANON means "no
 * session needed". */
#define ROLE_USER  (ROLE_CANDIDATE | ROLE_ASSESSOR | ROLE_ADMIN)
#define ROLE_ANY   (ROLE_ANON | ROLE_USER)
#define ROLE_STAFF (ROLE_ASSESSOR | ROLE_ADMIN)

/* The logged-in user, filled by the dispatcher from the session cookie or bearer token. */
struct req_user {
  int64_t id;
  enum role role;
  char name[256];
  char email[256];
  char session_hash[65]; /* hex SHA-256 of the session token (never the token itself) */
  char csrf[44];         /* CSRF token bound to this session, for forms and X-CSRF-Token */
};

#define REQ_MAX_PARAMS 4

struct req {
  struct svc *svc;
  const char *method; /* "GET", "POST", ... (HEAD is served as GET without a body) */
  const char *path;   /* decoded path, without the query string */
  const char *params[REQ_MAX_PARAMS]; /* ":name" segments of the route pattern, in order */
  size_t nparams;
  json_t *json;     /* parsed JSON body (object or array) or NULL; owned by the req */
  const char *body; /* raw body (NUL-terminated), NULL when empty */
  size_t body_len;
  const struct req_user *user; /* NULL for anonymous requests */
  const char *request_id;      /* short id that every log line of this request carries */
  const char *client_ip;       /* textual peer address */
  const char *lang;            /* "id" or "en": from the lang cookie, default "id" */
  int64_t now_ms;              /* wall-clock time the request was dispatched, ms since epoch */
  void *impl;                  /* dispatcher-private */
};

/* --- reading the request (all return NULL when absent; strings live as long as req) --- */
const char *req_header(const struct req *r, const char *name);
const char *req_query(const struct req *r, const char *name);
const char *req_cookie(const struct req *r, const char *name);
/* A field of an application/x-www-form-urlencoded body. */
const char *req_form(const struct req *r, const char *name);
/* True when the client prefers JSON (Accept: application/json or an /api/ path). */
bool req_wants_json(const struct req *r);

/* --- answering: exactly one reply_* per request; each returns 0 --- */
/* Adds a response header; call before the reply. name/value are copied. */
void reply_header(struct req *r, const char *name, const char *value);
/* Sets a cookie (HttpOnly, SameSite=Strict, Path=/, Secure when the public URL is https).
 * max_age_s < 0 means a session cookie, 0 deletes it. */
void reply_cookie(struct req *r, const char *name, const char *value, long max_age_s,
                  bool http_only);
/* Takes ownership of body (may be NULL for an empty object). */
int reply_json(struct req *r, unsigned status, json_t *body);
/* The one error path: {"error":"<name>","message":"<registry text or detail>"}; HTML
 * clients get the same as a page. detail may be NULL (the registry message is used). */
int reply_error(struct req *r, enum err code, const char *detail);
/* Takes ownership of the html buffer. */
int reply_html(struct req *r, unsigned status, struct html *h);
/* Copies len bytes. */
int reply_bytes(struct req *r, unsigned status, const char *content_type, const void *data,
                size_t len);
/* Takes ownership of data (freed with free()). */
int reply_bytes_owned(struct req *r, unsigned status, const char *content_type, void *data,
                      size_t len);
/* 303 See Other to a local path (must start with '/'). */
int reply_redirect(struct req *r, const char *location);

/* --- small helpers every resource needs (requtil.c) --- */
/* Answers a failed store call: STORE_BUSY -> 503 busy, STORE_UNAVAILABLE -> 503 unavailable,
 * anything else (STORE_HARD, a broken invariant) -> 500, logged with what. */
int reply_store_error(struct req *r, int store_rc, const char *what);
/* Parses a positive decimal id (1 to 18 digits, nothing else), e.g. a path segment.
 * Returns false for anything else, leaving *out untouched. */
bool parse_id(const char *s, int64_t *out);
/* ms since the epoch as an ISO-8601 UTC string with seconds ("2026-11-22T08:00:00Z");
 * JSON null for ms <= 0 ("not yet"). */
json_t *json_time(int64_t ms);
/* The same text into out (at least 21 bytes); "" for ms <= 0. */
void iso_time(char *out, size_t outlen, int64_t ms);

/* A handler: parse (already done) -> authorise (roles done; ownership is the handler's) ->
 * call store/core -> one reply_*. Its return value is the reply's. */
typedef int (*handler_fn)(struct req *r);

#endif
