/*
 * The libmicrohttpd adapter, the bottom of the HTTP shell: the daemon with its thread pool,
 * the request-head watchdog, the limits checked before a body is read, the request context
 * with its readers, the response primitives every answer is built from, prebuilt answers,
 * per-request logging and cleanup, and start/stop. It knows nothing above it: what a request
 * means (route, session, handler) is the application's, reached through struct server_app.
 */
#ifndef UJIKOM_SERVER_H
#define UJIKOM_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/svc.h"
#include "http/errors.h"
#include "ujikom/person_name.h"
#include "ujikom/session_token.h"
#include "ujikom/states.h"

struct store_rd;

struct kv_list; /* service/http/parse.h */
struct route;   /* service/http/routes.h: the matched row of the route table */

/* Roles (enum role, ujikom/states.h), as a bit mask in the route table. ROLE_ANON means "no
 * session needed". */
#define ROLE_USER  (ROLE_CANDIDATE | ROLE_ASSESSOR | ROLE_ADMIN)
#define ROLE_ANY   (ROLE_ANON | ROLE_USER)
#define ROLE_STAFF (ROLE_ASSESSOR | ROLE_ADMIN)

/* The logged-in user, filled by the dispatcher from the session cookie or bearer token. */
struct req_user {
  int64_t id;
  enum role role;
  char name[PERSON_NAME_SIZE];
  char email[256];
  char session_hash[65]; /* hex SHA-256 of the session token (never the token itself) */
  /* The CSRF token of a session this request made (log-in, check-in); "" for the session the
   * request presented, whose token presented_csrf derives when a form or check needs it. */
  char csrf[SESSION_CSRF_LEN + 1];
  /* A session started by a check-in code (common/checkin.h): its schedule and that schedule's
   * exam; 0 and "" for a password log-in. */
  int64_t scope_schedule_id;
  char scope_exam_id[41];
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
  const struct route *route;   /* the matched route (set by the dispatcher) */
  size_t body_max;             /* the route's body limit when it is not --max-body (0) */
  struct store_rd *rd;         /* the session's read transaction, kept for the handler on
                                  ROUTE_SHARED_READ routes (req_take_read), else NULL */
  void *impl;                  /* adapter-private */
};

/* The read transaction the session was read in (ROUTE_SHARED_READ routes with a logged-in
 * user), handed over: the caller ends it (store_rd_end). NULL when there is none. */
struct store_rd *req_take_read(struct req *r);

/* --- reading the request (all return NULL when absent; strings live as long as req) --- */
const char *req_header(const struct req *r, const char *name);
const char *req_query(const struct req *r, const char *name);
const char *req_cookie(const struct req *r, const char *name);
/* A field of an application/x-www-form-urlencoded body. */
const char *req_form(const struct req *r, const char *name);
/* True when the client prefers JSON (Accept: application/json or an /api/ path). */
bool req_wants_json(const struct req *r);

/* --- answering: the primitives every reply is built from; each reply returns 0 --- */
/* Adds a response header; call before the reply. name/value are copied. */
void reply_header(struct req *r, const char *name, const char *value);
/* True when reply_header added a header of this name (case-insensitive). */
bool reply_has_header(const struct req *r, const char *name);
/* Sets a cookie (HttpOnly, SameSite=Strict, Path=/, Secure when the public URL is https).
 * max_age_s < 0 means a session cookie, 0 deletes it. */
void reply_cookie(struct req *r, const char *name, const char *value, long max_age_s,
                  bool http_only);
/* Copies len bytes. Returns -1 only when out of memory (nothing is then queued). A text
 * body of GZIP_MIN_BYTES or more (http/gzip.h) goes gzip-compressed to a client that accepts
 * it, with Vary: Accept-Encoding, unless the handler set Content-Encoding or an ETag. */
int reply_bytes(struct req *r, unsigned status, const char *content_type, const void *data,
                size_t len);
/* Takes ownership of data (freed with free()); compressed as reply_bytes. */
int reply_bytes_owned(struct req *r, unsigned status, const char *content_type, void *data,
                      size_t len);
/* A body produced piece by piece after the handler returns, never whole in memory: fn is
 * called on the connection's thread with the position (from 0) and room for up to max
 * bytes, and returns how many it wrote (1..max), or -1 to abort the answer (the client sees
 * a short body); done(ctx), when not NULL, runs once the answer is finished or dropped.
 * len is the body's exact length (Content-Length); never compressed. Returns -1 only when
 * out of memory (then done(ctx) has run). */
typedef long (*reply_stream_fn)(void *ctx, uint64_t pos, char *buf, size_t max);
int reply_stream(struct req *r, unsigned status, const char *content_type, uint64_t len,
                 reply_stream_fn fn, void *ctx, void (*done)(void *ctx));
/* 303 See Other to a local path (must start with '/'). */
int reply_redirect(struct req *r, const char *location);
/* True once the request has an answer. */
bool reply_done(const struct req *r);

/* A handler that hands its work to another thread and answers from there (a write queued
 * with store_txn_async) calls req_defer on the libmicrohttpd worker before handing it over:
 * the connection is suspended, the worker goes on with its other connections, and the
 * handler returns without an answer. The thread that finishes sets the answer and calls
 * req_resume (once), after which it must not touch r. False (and nothing changes) when the
 * request cannot wait so: it already runs off the worker, or the server is stopping; the
 * handler then does the work itself. */
bool req_defer(struct req *r);
void req_resume(struct req *r);
/* True between req_defer and the end of the request. */
bool req_deferred(const struct req *r);
/* The status of the answer so far (0 when there is none yet). */
unsigned reply_status(const struct req *r);
/* Drops the answer so far (body and status; the extra headers stay), so that the caller can
 * answer differently: the form bridge turns an API success into a redirect. */
void reply_discard(struct req *r);

/* --- prebuilt answers ---------------------------------------------------------------
 * An immutable answer (status, body, Content-Type, extra headers and the security headers)
 * built once and queued for any number of requests, on any thread: libmicrohttpd counts
 * its own references to the response, and the prebuilt answer counts the holders of the
 * object itself (its creator and every request that has it queued), so whoever swaps in a
 * newer answer releases the old one and it is freed after its last request. */
struct prebuilt;

/* headers: name, value, name, value, ..., NULL (may be NULL). copy: copy data (else it must
 * outlive the answer, e.g. a compiled-in asset). NULL when out of memory. The caller holds
 * one reference. */
struct prebuilt *prebuilt_new(unsigned status, const char *content_type, const void *data,
                              size_t len, bool copy, const char *const *headers);
/* Another reference, for a reader that fetched p under the lock that guards its slot. */
void prebuilt_ref(struct prebuilt *p);
/* Drops one reference; the last one frees the object (libmicrohttpd keeps the response
 * itself alive until its sends are done). NULL is ignored. */
void prebuilt_release(struct prebuilt *p);
/* Answers r with p (takes its own reference until the answer is queued). When the request
 * needs something p cannot carry — headers a handler added, or no-store because the user
 * is logged in while p allows caching — the same answer is built afresh instead. A NULL p
 * is answered as an internal error. */
int reply_prebuilt(struct req *r, struct prebuilt *p);
/* True when an If-None-Match header value lists etag (a quoted entity tag, weak or strong)
 * or is "*": the client's copy is current and a 304 answers it. */
bool etag_matches(const char *if_none_match, const char *etag);

/* --- for the layer above: what the application does with a request --------------------- */

/* Where the application's part of a request runs. */
enum server_pool {
  SERVER_POOL_NONE,    /* on the libmicrohttpd worker that read it */
  SERVER_POOL_WRITERS, /* on a writer thread (it waits for its group commit) */
  SERVER_POOL_HASHERS, /* on a password thread (it hashes a password) */
};

struct server_app {
  /* First call for a request whose head passed the adapter's checks (r->method, r->path,
   * the query are set): finds what answers it. scratch has strlen(r->path) + 1 bytes that
   * live as long as r (for r->params). Returns true and sets *pool, or false and sets
   * *refusal, answered once the body has been read (404, 405). */
  bool (*route)(struct req *r, char *scratch, enum server_pool *pool, enum err *refusal);
  /* Last call, with the body in r->body: everything else, ending in a reply. Runs on the
   * thread *pool said. */
  void (*run)(struct req *r);
  /* Answers with a registry error (the adapter's own refusals: limits, busy, no reply). */
  int (*error)(struct req *r, enum err code, const char *detail);
};

/* The request's form fields, for the dispatcher to fill from the body (req_form reads it). */
struct kv_list *server_form_fields(struct req *r);
/* True when the request came with an Authorization or a Cookie header (else it has no
 * session to look for); read from what the adapter noted while measuring the head. */
bool server_has_credentials(const struct req *r);
/* Keeps a copy of *u as r->user until the request ends (then wiped). False when out of
 * memory. */
bool server_set_user(struct req *r, const struct req_user *u);

/* --- start and stop -------------------------------------------------------------------- */
struct server;

/* Binds cfg->listen and starts serving with app (which must outlive the server). On failure
 * returns -1 with one clear line in err (e.g. "cannot listen on 127.0.0.1:8080: Address
 * already in use"). */
int server_start(struct svc *svc, const struct server_app *app, struct server **out, char *err,
                 size_t errlen);
/* The port actually bound (useful with port 0). */
uint16_t server_port(const struct server *s);
/* Stops accepting, waits up to grace_s seconds for in-flight requests, then stops.
 * Returns the number of requests still running when it gave up (0 = clean). */
unsigned server_stop(struct server *s, long grace_s);

/* Bytes of libmicrohttpd's per-connection memory pool for this configuration: the request
 * line, the headers (up to --max-header) and the answer's header all live in it, and it is
 * touched (zeroed after every request) for every open connection, so it decides the
 * memory of idle connections. `ujikomd --pool-size` prints it. */
size_t server_pool_size(const struct config *cfg);

#endif
