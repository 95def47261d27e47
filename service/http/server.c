/*
 * libmicrohttpd lives here and nowhere else (secheaders.c aside): the limits checked before
 * a body is read, the request context and its readers, the response primitives, prebuilt
 * answers, per-request logging and cleanup, and start/stop. What a request means is the
 * application's (struct server_app): this file calls up only through it.
 *
 * Request lifecycle with libmicrohttpd's access handler:
 *   uri_log callback      -> allocates the request context (sees the raw target first)
 *   1st access call       -> limits, app->route; never queues a response here unless the
 *                            request must be refused before its body (queuing in the first
 *                            call makes libmicrohttpd close the connection)
 *   calls with body data  -> accumulated up to max-body, else 413
 *   last call (no data)   -> app->run (parse body, authorise, run the handler), here or on
 *                            a pool thread, then queue its response
 *   completed callback    -> one log line, free everything
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/log.h"
#include "http/brotli.h"
#include "http/gzip.h"
#include "http/headwatch.h"
#include "http/listener.h"
#include "http/parse.h"
#include "http/secheaders.h"
#include "http/workpool.h"
#include "ujikom/clock.h"
#include "ujikom/json_compact.h"

struct server {
  struct MHD_Daemon *daemon;
  struct svc *svc;
  const struct server_app *app;
  int listen_fd;
  uint16_t port;
  atomic_uint_fast64_t next_id;
  atomic_long inflight;    /* requests between first access call and completion */
  atomic_long connections; /* open connections, to answer 503 before the hard limit */
  bool https;              /* public URL is https: cookies get Secure */
  struct headwatch watch;  /* the request-head deadline */
  size_t pool_size;        /* libmicrohttpd's per-connection memory pool */
  /* Threads for state-changing requests (see run_offloaded); NULL: run on the workers.
   * Requests that hash a password have threads of their own, one per CPU: a stampede of
   * log-ins waits in their queue instead of taking every writer thread from the saves. */
  struct workpool *writers;
  struct workpool *hashers;
  /* Deferred requests (req_defer) not yet resumed, and the stop that waits for them. */
  atomic_long deferred;
  atomic_bool stopping;
};

static struct conn_watch *watch_of(struct MHD_Connection *conn) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return NULL == ci ? NULL : ci->socket_context;
}

struct header {
  char *name;
  char *value;
};

/* Targets up to this long (most) are copied, decoded and matched in the request context
 * itself; longer ones (up to --max-url) in allocated buffers. */
#define REQ_INLINE 160

/* Where a request handed to the writer threads is (see on_request). */
enum offload { OFFLOAD_NONE, OFFLOAD_RUNNING, OFFLOAD_DONE };

struct req_impl {
  struct req r;
  struct server *srv;
  struct MHD_Connection *conn;
  atomic_int offload; /* enum offload */
  struct conn_watch *watch;
  char request_id[17];
  char client_ip[INET6_ADDRSTRLEN];
  char *raw_target; /* target_buf or allocated */
  char *path;       /* path_buf or allocated */
  char *scratch;    /* scratch_buf or allocated */
  struct kv_list query;
  struct kv_list form;
  struct kv_list cookies;
  char *body;
  size_t body_len;
  enum server_pool pool; /* where the application's part runs (from app->route) */
  bool started;
  bool deferred; /* req_defer: the answer comes from another thread */
  bool has_early_error;
  enum err early_error;
  struct header *headers;
  size_t nheaders;
  bool has_cache_control;
  struct MHD_Response *resp;
  struct prebuilt *shared; /* a prebuilt answer to queue instead of resp */
  unsigned status;
  size_t resp_bytes;
  struct timespec t0;
  struct req_user *user; /* a logged-in user's copy, cleansed and freed at the end */
  /* The first of these request headers, found while the head is measured (so reading them
   * needs no walk through libmicrohttpd's list); valid once heads_known. */
  bool heads_known;
  const char *h_cookie;
  const char *h_authorization;
  const char *h_content_length;
  const char *h_if_none_match;
  unsigned n_host;           /* Host headers in the head */
  unsigned n_content_length; /* Content-Length headers in the head */
  bool h_transfer_encoding;
  /* Not zeroed when the context is allocated (everything above is). The context stays
   * small enough for the allocator's per-thread cache. */
  char target_buf[REQ_INLINE];
  char path_buf[REQ_INLINE];
  char scratch_buf[REQ_INLINE];
};

static struct req_impl *impl_of(const struct req *r) {
  return (struct req_impl *)r->impl;
}

/* ------------------------------------------------------------------------------------ */
/* Reading the request                                                                  */
/* ------------------------------------------------------------------------------------ */

const char *req_header(const struct req *r, const char *name) {
  const struct req_impl *ri = impl_of(r);
  if (ri->heads_known) {
    if (0 == strcmp(name, "Authorization")) {
      return ri->h_authorization;
    }
    if (0 == strcmp(name, "Cookie")) {
      return ri->h_cookie;
    }
    if (0 == strcmp(name, "If-None-Match")) {
      return ri->h_if_none_match;
    }
  }
  return MHD_lookup_connection_value(ri->conn, MHD_HEADER_KIND, name);
}

const char *req_query(const struct req *r, const char *name) {
  return kv_get(&impl_of(r)->query, name);
}

const char *req_form(const struct req *r, const char *name) {
  return kv_get(&impl_of(r)->form, name);
}

const char *req_cookie(const struct req *r, const char *name) {
  struct req_impl *ri = impl_of(r);
  const char *have = kv_get(&ri->cookies, name);
  if (have) {
    return have;
  }
  const char *hdr = req_header(r, "Cookie");
  if (NULL == hdr) {
    return NULL;
  }
  char buf[512];
  if (!parse_cookie(hdr, name, buf, sizeof(buf))) {
    return NULL;
  }
  /* Parsed values are cached on the request so the pointer lives as long as it. */
  struct kv *n = realloc(ri->cookies.items, (ri->cookies.count + 1) * sizeof(*n));
  if (NULL == n) {
    return NULL;
  }
  ri->cookies.items = n;
  n[ri->cookies.count].name = strdup(name);
  n[ri->cookies.count].value = strdup(buf);
  if (NULL == n[ri->cookies.count].name || NULL == n[ri->cookies.count].value) {
    free(n[ri->cookies.count].name);
    free(n[ri->cookies.count].value);
    return NULL;
  }
  return n[ri->cookies.count++].value;
}

bool req_wants_json(const struct req *r) {
  if (0 == strncmp(r->path, "/api/", 5) || 0 == strncmp(r->path, "/.well-known/", 13)) {
    return true;
  }
  /* Browsers ask for text/html; every other client (curl, scripts, apps) gets JSON. */
  const char *accept = req_header(r, "Accept");
  if (NULL == accept) {
    return true;
  }
  const char *j = strstr(accept, "application/json");
  const char *h = strstr(accept, "text/html");
  return NULL == h || (NULL != j && j < h);
}

/* ------------------------------------------------------------------------------------ */
/* Replies                                                                              */
/* ------------------------------------------------------------------------------------ */

void reply_header(struct req *r, const char *name, const char *value) {
  struct req_impl *ri = impl_of(r);
  struct header *n = realloc(ri->headers, (ri->nheaders + 1) * sizeof(*n));
  if (NULL == n) {
    return;
  }
  ri->headers = n;
  n[ri->nheaders].name = strdup(name);
  n[ri->nheaders].value = strdup(value);
  if (NULL == n[ri->nheaders].name || NULL == n[ri->nheaders].value) {
    free(n[ri->nheaders].name);
    free(n[ri->nheaders].value);
    return;
  }
  if (0 == strcasecmp(name, "Cache-Control")) {
    ri->has_cache_control = true;
  }
  ri->nheaders++;
}

bool reply_has_header(const struct req *r, const char *name) {
  const struct req_impl *ri = impl_of(r);
  bool found = false;
  for (size_t i = 0; i < ri->nheaders; i++) {
    if (0 == strcasecmp(ri->headers[i].name, name)) {
      found = true;
    }
  }
  return found;
}

bool reply_done(const struct req *r) {
  const struct req_impl *ri = impl_of(r);
  return NULL != ri->resp || NULL != ri->shared;
}

bool req_defer(struct req *r) {
  struct req_impl *ri = impl_of(r);
  struct server *srv = ri->srv;
  if (ri->deferred || OFFLOAD_NONE != atomic_load(&ri->offload)) {
    return false;
  }
  /* Counted before the stop flag is read, and the stop sets its flag before it reads the
   * count (both sequentially consistent): either the stop waits for this request, or this
   * request sees the stop and is not deferred. */
  atomic_fetch_add(&srv->deferred, 1);
  if (atomic_load(&srv->stopping)) {
    atomic_fetch_sub(&srv->deferred, 1);
    return false;
  }
  ri->deferred = true;
  atomic_store(&ri->offload, OFFLOAD_RUNNING);
  MHD_suspend_connection(ri->conn);
  return true;
}

void req_resume(struct req *r) {
  struct req_impl *ri = impl_of(r);
  struct server *srv = ri->srv; /* read first: once resumed, the request may be gone */
  atomic_store(&ri->offload, OFFLOAD_DONE);
  MHD_resume_connection(ri->conn);
  atomic_fetch_sub(&srv->deferred, 1); /* after the resume: the stop waits for it */
}

bool req_deferred(const struct req *r) {
  return impl_of(r)->deferred;
}

unsigned reply_status(const struct req *r) {
  return reply_done(r) ? impl_of(r)->status : 0;
}

void reply_discard(struct req *r) {
  struct req_impl *ri = impl_of(r);
  if (NULL != ri->resp) {
    MHD_destroy_response(ri->resp);
  }
  ri->resp = NULL;
  prebuilt_release(ri->shared);
  ri->shared = NULL;
  ri->status = 0;
}

void reply_cookie(struct req *r, const char *name, const char *value, long max_age_s,
                  bool http_only) {
  char buf[1024];
  char age[48] = "";
  if (max_age_s >= 0) {
    snprintf(age, sizeof(age), "; Max-Age=%ld", max_age_s);
  }
  snprintf(buf, sizeof(buf), "%s=%s; Path=/; SameSite=Strict%s%s%s", name, value, age,
           http_only ? "; HttpOnly" : "", impl_of(r)->srv->https ? "; Secure" : "");
  reply_header(r, "Set-Cookie", buf);
}

/* A handler that replies twice is our bug: the earlier reply is dropped (logged) and the
 * last one kept. */
static void drop_earlier_reply(struct req_impl *ri) {
  if (NULL == ri->resp && NULL == ri->shared) {
    return;
  }
  log_msg(LOG_ERROR, ri->request_id, "handler replied twice; keeping the last reply");
  if (NULL != ri->resp) {
    MHD_destroy_response(ri->resp);
  }
  ri->resp = NULL;
  prebuilt_release(ri->shared);
  ri->shared = NULL;
}

/* Installs resp as the request's response; the last reply wins if a handler replies twice
 * (a bug, logged). */
static int set_response(struct req *r, unsigned status, struct MHD_Response *resp, size_t len,
                        const char *content_type) {
  struct req_impl *ri = impl_of(r);
  if (NULL == resp) {
    log_msg(LOG_ERROR, ri->request_id, "out of memory building a response");
    return -1;
  }
  drop_earlier_reply(ri);
  if (content_type) {
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  }
  ri->resp = resp;
  ri->status = status;
  ri->resp_bytes = len;
  return 0;
}

/* The body compressed for this request (a buffer the caller frees, in *coding), or NULL to
 * send it as it is: a text body of at least GZIP_MIN_BYTES, in the coding the client
 * prefers of brotli and gzip (accept_encoding_pick), unless the handler chose an encoding
 * or an ETag (a strong ETag names one encoding). Whether or not it is compressed, such a
 * body's answer varies with Accept-Encoding, so *vary is set. HEAD runs the same handler,
 * so it gets the same headers and length. */
static unsigned char *compressed_for(const struct req *r, const char *content_type,
                                     const void *data, size_t len, size_t *out_len,
                                     const char **coding, bool *vary) {
  *vary = false;
  *coding = NULL;
  if (len < GZIP_MIN_BYTES || !gzip_worthwhile_type(content_type) ||
      reply_has_header(r, "Content-Encoding") || reply_has_header(r, "ETag")) {
    return NULL;
  }
  *vary = !reply_has_header(r, "Vary");
  switch (accept_encoding_pick(req_header(r, "Accept-Encoding"))) {
  case CODING_BR:
    *coding = "br";
    return brotli_compress(data, len, BROTLI_QUALITY_PER_REQUEST, out_len);
  case CODING_GZIP:
    *coding = "gzip";
    return gzip_compress(data, len, GZIP_LEVEL_PER_REQUEST, out_len);
  case CODING_IDENTITY:
    break;
  }
  return NULL;
}

/* Installs a body answer: compressed when compressed_for says so (then data, when owned, is
 * freed here), else data itself (copied unless owned). */
static int reply_body(struct req *r, unsigned status, const char *content_type, void *data,
                      size_t len, bool owned) {
  size_t z_len = 0;
  bool vary = false;
  const char *coding = NULL;
  unsigned char *z = compressed_for(r, content_type, data, len, &z_len, &coding, &vary);
  struct MHD_Response *resp = NULL;
  if (NULL != z) {
    if (owned) {
      free(data);
    }
    resp = MHD_create_response_from_buffer_with_free_callback(z_len, z, free);
    if (NULL == resp) {
      free(z);
    } else {
      MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, coding);
    }
    len = z_len;
  } else if (owned) {
    resp = MHD_create_response_from_buffer_with_free_callback(len, data, free);
    if (NULL == resp) {
      free(data);
    }
  } else {
    resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_COPY);
  }
  if (NULL != resp && vary) {
    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  }
  return set_response(r, status, resp, len, content_type);
}

int reply_bytes(struct req *r, unsigned status, const char *content_type, const void *data,
                size_t len) {
  return reply_body(r, status, content_type, (void *)(uintptr_t)data, len, false);
}

int reply_bytes_owned(struct req *r, unsigned status, const char *content_type, void *data,
                      size_t len) {
  return reply_body(r, status, content_type, data, len, true);
}

/* The stream's reader and its end, as libmicrohttpd calls them. */
struct stream {
  reply_stream_fn fn;
  void *ctx;
  void (*done)(void *ctx);
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
  struct stream *s = cls;
  long n = s->fn(s->ctx, pos, buf, max);
  return n > 0 && (size_t)n <= max ? (ssize_t)n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void stream_free(void *cls) {
  struct stream *s = cls;
  if (NULL != s->done) {
    s->done(s->ctx);
  }
  free(s);
}

/* The piece libmicrohttpd asks for at a time: large enough for few calls, small beside a
 * connection's other memory. */
#define STREAM_BLOCK ((size_t)64 * 1024)

int reply_stream(struct req *r, unsigned status, const char *content_type, uint64_t len,
                 reply_stream_fn fn, void *ctx, void (*done)(void *ctx)) {
  struct stream *s = malloc(sizeof *s);
  struct MHD_Response *resp = NULL;
  if (NULL != s) {
    *s = (struct stream){fn, ctx, done};
    resp = MHD_create_response_from_callback(len, STREAM_BLOCK, stream_read, s, stream_free);
  }
  if (NULL == resp) {
    if (NULL != done) {
      done(ctx);
    }
    free(s);
  }
  return set_response(r, status, resp, (size_t)len, content_type);
}

int reply_redirect(struct req *r, const char *location) {
  if (NULL == location || '/' != location[0] || '/' == location[1]) {
    location = "/";
  }
  reply_header(r, "Location", location);
  return reply_bytes(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* ------------------------------------------------------------------------------------ */
/* Prebuilt answers                                                                     */
/* ------------------------------------------------------------------------------------ */

struct prebuilt {
  struct MHD_Response *resp; /* carries every header; libmicrohttpd counts its own users */
  atomic_int refs;           /* holders of this object: its slot and queued requests */
  unsigned status;
  const void *data;
  size_t len;
  char *content_type;
  struct header *headers; /* the extra headers again, to build the answer afresh */
  size_t nheaders;
  bool has_cache_control;
};

static void prebuilt_free(struct prebuilt *p) {
  if (NULL == p) {
    return;
  }
  if (NULL != p->resp) {
    MHD_destroy_response(p->resp); /* frees a copied body once its last send is done */
  }
  for (size_t i = 0; i < p->nheaders; i++) {
    free(p->headers[i].name);
    free(p->headers[i].value);
  }
  free(p->headers);
  free(p->content_type);
  free(p);
}

struct prebuilt *prebuilt_new(unsigned status, const char *content_type, const void *data,
                              size_t len, bool copy, const char *const *headers) {
  struct prebuilt *p = calloc(1, sizeof(*p));
  if (NULL == p) {
    return NULL;
  }
  atomic_init(&p->refs, 1);
  p->status = status;
  p->len = len;
  p->content_type = strdup(content_type ? content_type : "application/octet-stream");
  size_t n = 0;
  while (NULL != headers && NULL != headers[2 * n]) {
    n++;
  }
  p->headers = calloc(n + 1, sizeof(*p->headers));
  if (NULL == p->content_type || NULL == p->headers) {
    prebuilt_free(p);
    return NULL;
  }
  if (copy) {
    void *body = malloc(len + 1);
    if (NULL == body) {
      prebuilt_free(p);
      return NULL;
    }
    memcpy(body, data, len);
    /* libmicrohttpd frees the copy when the response's last user is done with it. */
    p->data = body;
    p->resp = MHD_create_response_from_buffer_with_free_callback(len, body, free);
    if (NULL == p->resp) {
      free(body);
    }
  } else {
    p->resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);
    p->data = data;
  }
  if (NULL == p->resp) {
    prebuilt_free(p);
    return NULL;
  }
  bool ok =
      MHD_YES == MHD_add_response_header(p->resp, MHD_HTTP_HEADER_CONTENT_TYPE, p->content_type);
  for (size_t i = 0; i < n && ok; i++) {
    p->headers[i].name = strdup(headers[2 * i]);
    p->headers[i].value = strdup(headers[2 * i + 1]);
    p->nheaders = i + 1;
    ok = NULL != p->headers[i].name && NULL != p->headers[i].value &&
         MHD_YES == MHD_add_response_header(p->resp, headers[2 * i], headers[2 * i + 1]);
    if (0 == strcasecmp(headers[2 * i], "Cache-Control")) {
      p->has_cache_control = true;
    }
  }
  if (!ok) {
    prebuilt_free(p);
    return NULL;
  }
  /* Anonymous answers: an authenticated request gets the answer built afresh when its
   * policy must differ (see reply_prebuilt). */
  secheaders_apply(p->resp, false, p->has_cache_control);
  return p;
}

void prebuilt_ref(struct prebuilt *p) {
  atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

void prebuilt_release(struct prebuilt *p) {
  if (NULL != p && 1 == atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel)) {
    prebuilt_free(p);
  }
}

int reply_prebuilt(struct req *r, struct prebuilt *p) {
  struct req_impl *ri = impl_of(r);
  if (NULL == p) {
    return ri->srv->app->error(r, ERR_INTERNAL, NULL);
  }
  if (ri->nheaders > 0 || (NULL != r->user && p->has_cache_control)) {
    for (size_t i = 0; i < p->nheaders; i++) {
      reply_header(r, p->headers[i].name, p->headers[i].value);
    }
    return reply_bytes(r, p->status, p->content_type, p->data, p->len);
  }
  drop_earlier_reply(ri);
  prebuilt_ref(p);
  ri->shared = p;
  ri->status = p->status;
  ri->resp_bytes = p->len;
  return 0;
}

bool etag_matches(const char *header, const char *etag) {
  if (NULL == header) {
    return false;
  }
  if (0 == strcmp(header, "*")) {
    return true;
  }
  size_t elen = strlen(etag);
  for (const char *p = header; NULL != (p = strstr(p, etag)); p += elen) {
    bool start_ok = p == header || ' ' == p[-1] || ',' == p[-1] || '/' == p[-1];
    bool end_ok = '\0' == p[elen] || ',' == p[elen] || ' ' == p[elen];
    if (start_ok && end_ok) {
      return true;
    }
  }
  return false;
}

/* ------------------------------------------------------------------------------------ */
/* For the application                                                                  */
/* ------------------------------------------------------------------------------------ */

struct kv_list *server_form_fields(struct req *r) {
  return &impl_of(r)->form;
}

bool server_has_credentials(const struct req *r) {
  const struct req_impl *ri = impl_of(r);
  return NULL != ri->h_authorization || NULL != ri->h_cookie;
}

bool server_set_user(struct req *r, const struct req_user *u) {
  struct req_impl *ri = impl_of(r);
  ri->user = malloc(sizeof(*ri->user));
  if (NULL == ri->user) {
    return false;
  }
  memcpy(ri->user, u, sizeof(*u));
  r->user = ri->user;
  return true;
}

/* ------------------------------------------------------------------------------------ */
/* Queuing the answer                                                                   */
/* ------------------------------------------------------------------------------------ */

static enum MHD_Result queue(struct req_impl *ri) {
  if (NULL != ri->shared) {
    /* libmicrohttpd takes its own reference to the response before ours is dropped. */
    enum MHD_Result ret = MHD_queue_response(ri->conn, ri->status, ri->shared->resp);
    prebuilt_release(ri->shared);
    ri->shared = NULL;
    return ret;
  }
  if (NULL == ri->resp) {
    ri->srv->app->error(&ri->r, ERR_INTERNAL, NULL);
  }
  if (NULL == ri->resp) {
    return MHD_NO;
  }
  /* A logged-in user's answer is never cached: its one Cache-Control is no-store, whatever
   * policy the handler chose for everyone else (static assets, JWKS). */
  bool authenticated = NULL != ri->r.user;
  for (size_t i = 0; i < ri->nheaders; i++) {
    if (!authenticated || 0 != strcasecmp(ri->headers[i].name, "Cache-Control")) {
      MHD_add_response_header(ri->resp, ri->headers[i].name, ri->headers[i].value);
    }
  }
  secheaders_apply(ri->resp, authenticated, ri->has_cache_control);
  if (ri->srv->https) {
    /* Served over HTTPS (--public-url says so): the browser keeps to HTTPS for this host
     * for a year, so a later visit over a test site's Wi-Fi cannot be downgraded. Pages and
     * API answers carry it; the prebuilt ones (static assets, JWKS, healthz) are shared by
     * every request and built before the server, and a browser learns it from the first
     * page it loads anyway. */
    MHD_add_response_header(ri->resp, "Strict-Transport-Security", "max-age=31536000");
  }
  enum MHD_Result ret = MHD_queue_response(ri->conn, ri->status, ri->resp);
  MHD_destroy_response(ri->resp);
  ri->resp = NULL;
  return ret;
}

/* Refuses before the body is read; libmicrohttpd then closes the connection. */
static enum MHD_Result refuse_now(struct req_impl *ri, enum err code) {
  ri->srv->app->error(&ri->r, code, NULL);
  MHD_add_response_header(ri->resp, MHD_HTTP_HEADER_CONNECTION, "close");
  return queue(ri);
}

/* Room a connection's pool keeps for an answer's header block beside the request head:
 * status line, Date, Connection, Content-Type, Content-Length, the security headers,
 * Cache-Control and what handlers add (two cookies, a Location, an ETag) stay under it. */
#define ANSWER_HEADER_RESERVE 1152
/* libmicrohttpd's record of one header, cookie or query argument in the pool (0.9.75:
 * three pointers, two sizes and the kind, rounded up to 16 bytes). */
#define HEAD_RECORD_BYTES 64
/* The pool beyond --max-header: the request line, the records and the answer's header. */
#define POOL_SLACK 2048

/* libmicrohttpd splits the Cookie header in the pool: a copy of it and a record for each
 * cookie, beside the head itself and its records. Twice --max-header holds 60 cookies in
 * 1 KB with room to spare (at the default 4 KB: up to 85 cookies of 12-byte values, 50
 * of 40-byte ones); a larger head gets one 431 (refuse_raw, or on_mhd_log when the
 * library itself cannot split it). The pool is zeroed after every request, so it is no
 * larger than that. */
size_t server_pool_size(const struct config *cfg) {
  return 2 * (size_t)cfg->max_header + POOL_SLACK;
}

static const char hexdigits[] = "0123456789abcdef";

/* Dotted quad without inet_ntop's generality (out has INET_ADDRSTRLEN bytes). */
static void ipv4_text(char *out, const unsigned char *b) {
  size_t o = 0;
  for (int i = 0; i < 4; i++) {
    unsigned v = b[i];
    if (v >= 100) {
      out[o++] = (char)('0' + v / 100);
    }
    if (v >= 10) {
      out[o++] = (char)('0' + v / 10 % 10);
    }
    out[o++] = (char)('0' + v % 10);
    out[o++] = i < 3 ? '.' : '\0';
  }
}

/* One per worker thread: its address tells the threads apart (see on_mhd_log). */
static _Thread_local char worker_tag;

struct store_rd *req_take_read(struct req *r) {
  struct store_rd *rd = r->rd;
  r->rd = NULL;
  return rd;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
  struct server *srv = cls;
  /* Only the fields before the inline buffers need zeroing; user is filled by the
   * dispatcher before it is read. */
  struct req_impl *ri = malloc(sizeof(*ri));
  if (NULL == ri) {
    return NULL;
  }
  memset(ri, 0, offsetof(struct req_impl, target_buf));
  clock_gettime(CLOCK_MONOTONIC, &ri->t0);
  ri->srv = srv;
  ri->conn = conn;
  ri->watch = watch_of(conn);
  if (NULL != ri->watch) {
    atomic_store(&ri->watch->worker, (uintptr_t)&worker_tag);
    atomic_store(&ri->watch->in_head, true);
  }
  if (NULL == uri) {
    uri = "";
  }
  size_t ulen = strlen(uri);
  ri->raw_target = ulen < sizeof(ri->target_buf) ? ri->target_buf : malloc(ulen + 1);
  if (NULL != ri->raw_target) {
    memcpy(ri->raw_target, uri, ulen + 1);
  }
  uint32_t id = (uint32_t)(atomic_fetch_add(&srv->next_id, 1) & 0xffffffffu);
  for (int i = 0; i < 8; i++) {
    ri->request_id[i] = hexdigits[(id >> (28 - 4 * i)) & 15u];
  }
  ri->request_id[8] = '\0';
  ri->r.impl = ri;
  ri->r.svc = srv->svc;
  ri->r.request_id = ri->request_id;
  ri->r.client_ip = ri->client_ip;
  ri->r.path = "";
  ri->r.lang = "id";
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (ci && ci->client_addr) {
    if (AF_INET == ci->client_addr->sa_family) {
      ipv4_text(ri->client_ip,
                (const unsigned char *)&((const struct sockaddr_in *)(const void *)ci->client_addr)
                    ->sin_addr);
    } else if (AF_INET6 == ci->client_addr->sa_family) {
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
                ri->client_ip, sizeof(ri->client_ip));
    }
  }
  return ri;
}

static void early_error(struct req_impl *ri, enum err code) {
  if (!ri->has_early_error) {
    ri->has_early_error = true;
    ri->early_error = code;
  }
}

/* What a request head occupies: the headers as sent (for --max-header) and, for the pool,
 * libmicrohttpd's records of headers, cookies and query arguments plus its copy of the
 * Cookie header that it splits into cookies. */
struct head_size {
  struct req_impl *ri;
  size_t header_bytes;
  size_t pool_bytes;
};

#define NAME_IS(key, key_size, lit)                                                                \
  (sizeof(lit) - 1 == (key_size) && 0 == strncasecmp((key), (lit), sizeof(lit) - 1))

static enum MHD_Result add_head_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size) {
  struct head_size *hs = cls;
  hs->pool_bytes += HEAD_RECORD_BYTES;
  if (MHD_HEADER_KIND == kind) {
    size_t n = key_size + value_size + 4; /* ": " and CRLF */
    hs->header_bytes += n;
    hs->pool_bytes += n;
    struct req_impl *ri = hs->ri;
    if (NULL == value) {
      /* nothing to remember */
    } else if (NAME_IS(key, key_size, MHD_HTTP_HEADER_COOKIE)) {
      hs->pool_bytes += value_size + 16; /* libmicrohttpd's copy, split into cookies */
      if (NULL == ri->h_cookie) {
        ri->h_cookie = value;
      }
    } else if (NAME_IS(key, key_size, MHD_HTTP_HEADER_AUTHORIZATION)) {
      if (NULL == ri->h_authorization) {
        ri->h_authorization = value;
      }
    } else if (NAME_IS(key, key_size, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
      ri->n_content_length++;
      if (NULL == ri->h_content_length) {
        ri->h_content_length = value;
      }
    } else if (NAME_IS(key, key_size, MHD_HTTP_HEADER_HOST)) {
      ri->n_host++;
    } else if (NAME_IS(key, key_size, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
      ri->h_transfer_encoding = true;
    } else if (NAME_IS(key, key_size, MHD_HTTP_HEADER_IF_NONE_MATCH)) {
      if (NULL == ri->h_if_none_match) {
        ri->h_if_none_match = value;
      }
    }
  }
  return MHD_YES;
}

/* Writes a refusal straight to the socket fd, in the registry's shape and with the security
 * headers, for a connection on which nothing else is being sent (its request head is read
 * and no answer started). The caller then closes the connection. Returns the body's length. */
static size_t send_raw_error(int fd, enum err code) {
  unsigned status = err_status(code);
  json_t *j = json_pack("{s:s, s:s}", "error", err_name(code), "message", err_message(code));
  char *body = NULL == j ? NULL : json_compact(j, false);
  json_decref(j);
  size_t blen = NULL == body ? 0 : strlen(body);
  char out[2048];
  int n = snprintf(out, sizeof(out),
                   "HTTP/1.1 %u %s\r\nConnection: close\r\n"
                   "Content-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n"
                   "Cache-Control: no-store\r\n",
                   status, MHD_get_reason_phrase_for(status), blen);
  size_t len = n > 0 && (size_t)n < sizeof(out) ? (size_t)n : 0;
  for (size_t i = 0; i < secheaders_count && len > 0; i++) {
    const char *value = secheader_value(&secheaders[i], SECHEADER_API);
    if (NULL == value) {
      continue;
    }
    n = snprintf(out + len, sizeof(out) - len, "%s: %s\r\n", secheaders[i].name, value);
    len = n > 0 && (size_t)n < sizeof(out) - len ? len + (size_t)n : 0;
  }
  if (len > 0 && len + 2 + blen <= sizeof(out)) {
    memcpy(out + len, "\r\n", 2);
    memcpy(out + len + 2, body, blen);
    len += 2 + blen;
    for (size_t sent = 0; fd >= 0 && sent < len;) {
      ssize_t w = send(fd, out + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w <= 0) {
        break; /* a client that does not read gets the close alone */
      }
      sent += (size_t)w;
    }
  }
  free(body);
  return blen;
}

/* Answers a request whose head leaves its connection's pool no room for an answer's
 * header: libmicrohttpd would accept the head and then fail to build any reply, closing
 * the connection without a word. The refusal goes straight to the socket (the connection
 * is between requests, so nothing else is being sent on it); then the connection is
 * closed. */
static enum MHD_Result refuse_raw(struct req_impl *ri, enum err code) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(ri->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  ri->resp_bytes = send_raw_error(NULL == ci ? -1 : ci->connect_fd, code);
  ri->status = err_status(code);
  log_msg(LOG_DEBUG, ri->request_id, "%s: the request head fills the connection's pool",
          err_name(code));
  return MHD_NO; /* libmicrohttpd closes the connection */
}

/* The largest body the matched route takes: its own limit (an upload's chunk) or --max-body. */
static long long body_limit(const struct req *r, const struct config *cfg) {
  return r->body_max > 0 ? (long long)r->body_max : (long long)cfg->max_body;
}

static enum MHD_Result first_call(struct req_impl *ri, const char *method, const char *version) {
  struct server *srv = ri->srv;
  const struct config *cfg = srv->svc->cfg;
  struct req *r = &ri->r;
  ri->started = true;
  if (NULL != ri->watch) {
    atomic_store(&ri->watch->in_head, false);
  }
  atomic_fetch_add(&srv->inflight, 1);
  r->method = method;
  r->now_ms = clock_wall_ms();

  size_t url_len = NULL == ri->raw_target ? 0 : strlen(ri->raw_target);
  struct head_size hs = {ri, 0, 0};
  MHD_get_connection_values_n(ri->conn, MHD_HEADER_KIND | MHD_COOKIE_KIND | MHD_GET_ARGUMENT_KIND,
                              add_head_size, &hs);
  ri->heads_known = true;
  /* The body, if any, must be complete within --body-timeout from now (see on_request). */
  if (NULL != ri->h_content_length || ri->h_transfer_encoding) {
    headwatch_set_body(ri->watch, clock_mono_ms());
  }
  /* "METHOD TARGET HTTP/1.1\r\n", the headers, the blank line */
  size_t head = strlen(method) + url_len + 12 + hs.pool_bytes + 2;
  if (head + ANSWER_HEADER_RESERVE > srv->pool_size) {
    return refuse_raw(ri,
                      url_len > (size_t)cfg->max_url ? ERR_URI_TOO_LONG : ERR_HEADERS_TOO_LARGE);
  }
  if (NULL == ri->raw_target || url_len > (size_t)cfg->max_url) {
    early_error(ri, ERR_URI_TOO_LONG);
    return MHD_YES;
  }
  if (hs.header_bytes > (size_t)cfg->max_header) {
    early_error(ri, ERR_HEADERS_TOO_LARGE);
    return MHD_YES;
  }
  const char *query = NULL;
  enum parse_rc prc =
      parse_target_buf(&ri->path, &query, ri->raw_target, ri->path_buf, sizeof(ri->path_buf));
  if (PARSE_OK != prc) {
    early_error(ri, PARSE_NOMEM == prc ? ERR_INTERNAL : ERR_BAD_REQUEST);
    return MHD_YES;
  }
  r->path = ri->path;
  /* One framing only (no request smuggling past a proxy), and the one Host an HTTP/1.1
   * request must carry (RFC 9112, section 3.2). */
  bool http11 = NULL != version && 0 == strcmp(version, "HTTP/1.1");
  if (ri->n_content_length > 1 || (ri->n_content_length > 0 && ri->h_transfer_encoding) ||
      ri->n_host > 1 || (http11 && 0 == ri->n_host)) {
    return refuse_now(ri, ERR_BAD_REQUEST);
  }
  if (query && PARSE_OK != parse_urlencoded(&ri->query, query, strlen(query),
                                            (size_t)cfg->form_max_fields)) {
    early_error(ri, ERR_BAD_REQUEST);
    return MHD_YES;
  }
  size_t plen = strlen(ri->path);
  ri->scratch = plen < sizeof(ri->scratch_buf) ? ri->scratch_buf : malloc(plen + 1);
  if (NULL == ri->scratch) {
    early_error(ri, ERR_INTERNAL);
    return MHD_YES;
  }
  enum err refusal = ERR_NOT_FOUND;
  if (!srv->app->route(r, ri->scratch, &ri->pool, &refusal)) {
    early_error(ri, refusal);
    return MHD_YES;
  }
  if (atomic_load(&srv->connections) > cfg->max_conns) {
    return refuse_now(ri, ERR_BUSY);
  }
  const char *cl = ri->h_content_length;
  if (cl) {
    /* digits only; a number too large for strtoll is too large a body, not a bad one */
    size_t ndigits = strspn(cl, "0123456789");
    if (0 == ndigits || '\0' != cl[ndigits]) {
      return refuse_now(ri, ERR_BAD_REQUEST);
    }
    errno = 0;
    long long n = strtoll(cl, NULL, 10);
    if (0 != errno || n > body_limit(r, cfg)) {
      return refuse_now(ri, ERR_BODY_TOO_LARGE);
    }
  }
  return MHD_YES;
}

/* On a writer thread: runs the handler of a suspended request, then resumes its connection;
 * libmicrohttpd calls on_request again on its worker, which queues the reply. */
static void run_offloaded(void *arg) {
  struct req_impl *ri = arg;
  ri->srv->app->run(&ri->r);
  atomic_store(&ri->offload, OFFLOAD_DONE);
  MHD_resume_connection(ri->conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  (void)cls;
  (void)url;
  struct req_impl *ri = *con_cls;
  if (NULL == ri) {
    return MHD_NO;
  }
  if (!ri->started) {
    headwatch_set(ri->watch, 0);
    return first_call(ri, method, version);
  }
  if (*upload_data_size > 0) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (ri->has_early_error) {
      return MHD_YES; /* discard; the error is answered at the end */
    }
    if (ri->body_len + n > (size_t)body_limit(&ri->r, ri->srv->svc->cfg)) {
      return refuse_now(ri, ERR_BODY_TOO_LARGE);
    }
    char *nb = realloc(ri->body, ri->body_len + n + 1);
    if (NULL == nb) {
      return refuse_now(ri, ERR_INTERNAL);
    }
    memcpy(nb + ri->body_len, upload_data, n);
    ri->body = nb;
    ri->body_len += n;
    ri->body[ri->body_len] = '\0';
    return MHD_YES;
  }
  headwatch_set_body(ri->watch, 0); /* the body is complete */
  switch (atomic_load(&ri->offload)) {
  case OFFLOAD_DONE: /* resumed: a writer thread has run the handler */
    return queue(ri);
  case OFFLOAD_RUNNING: /* not called while suspended; kept for safety */
    return MHD_YES;
  default:
    break;
  }
  if (NULL != ri->resp || ri->status) {
    return MHD_YES; /* already answered (refused mid-upload) */
  }
  ri->r.body = ri->body;
  ri->r.body_len = ri->body_len;
  struct server *srv = ri->srv;
  if (ri->has_early_error) {
    srv->app->error(&ri->r, ri->early_error, NULL);
    return queue(ri);
  }
  /* A state-changing request waits for its group commit (and a log-in for its password
   * hash): it runs on a writer thread while its connection is suspended, so this worker
   * goes on serving the other connections it polls. */
  if (NULL != srv->writers && SERVER_POOL_NONE != ri->pool) {
    struct workpool *pool = SERVER_POOL_HASHERS == ri->pool ? srv->hashers : srv->writers;
    atomic_store(&ri->offload, OFFLOAD_RUNNING);
    MHD_suspend_connection(conn);
    if (0 == workpool_submit(pool, run_offloaded, ri)) {
      return MHD_YES;
    }
    MHD_resume_connection(conn); /* queue full: answer here, as without writer threads */
    atomic_store(&ri->offload, OFFLOAD_NONE);
  }
  srv->app->run(&ri->r);
  if (ri->deferred) {
    return MHD_YES; /* answered from another thread, which resumes the connection */
  }
  return queue(ri);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  struct server *srv = cls;
  struct req_impl *ri = *con_cls;
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  /* a kept-alive connection's next head starts now */
  int64_t now = (int64_t)t1.tv_sec * 1000 + t1.tv_nsec / 1000000;
  struct conn_watch *w = NULL != ri ? ri->watch : watch_of(conn);
  headwatch_set(w, 0 == now ? 1 : now);
  headwatch_set_body(w, 0);
  if (NULL != w) {
    atomic_store(&w->in_head, false);
  }
  if (NULL == ri) {
    return;
  }
  *con_cls = NULL;
  if (ri->started) {
    int64_t ns = (int64_t)(t1.tv_sec - ri->t0.tv_sec) * 1000000000 + (t1.tv_nsec - ri->t0.tv_nsec);
    log_access(ri->request_id, ri->r.method ? ri->r.method : "-",
               ri->path ? ri->path : "(bad target)", ri->status, ri->resp_bytes,
               ns > 0 ? (uint64_t)ns : 0, MHD_REQUEST_TERMINATED_COMPLETED_OK != toe);
    atomic_fetch_sub(&srv->inflight, 1);
  }
  if (ri->resp) {
    MHD_destroy_response(ri->resp);
  }
  prebuilt_release(ri->shared);
  json_decref(ri->r.json);
  kv_list_free(&ri->query);
  kv_list_free(&ri->form);
  kv_list_free(&ri->cookies);
  for (size_t i = 0; i < ri->nheaders; i++) {
    free(ri->headers[i].name);
    free(ri->headers[i].value);
  }
  free(ri->headers);
  free(ri->body);
  if (ri->scratch != ri->scratch_buf) {
    free(ri->scratch);
  }
  if (ri->path != ri->path_buf) {
    free(ri->path);
  }
  if (ri->raw_target != ri->target_buf) {
    free(ri->raw_target);
  }
  if (NULL != ri->user) {
    OPENSSL_cleanse(ri->user, sizeof(*ri->user));
    free(ri->user);
  }
  free(ri);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
  struct server *srv = cls;
  if (MHD_CONNECTION_NOTIFY_STARTED == toe) {
    atomic_fetch_add(&srv->connections, 1);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    /* NULL (unwatched) when out of memory: only the idle timeout applies */
    *socket_context =
        NULL == ci ? NULL : headwatch_add(&srv->watch, ci->connect_fd, conn, &srv->connections);
    return;
  }
  if (!headwatch_remove(&srv->watch, *socket_context)) { /* a cut one gave its place back */
    atomic_fetch_sub(&srv->connections, 1);
  }
  *socket_context = NULL;
}

/* libmicrohttpd 0.9.75 refuses some heads itself after reading them whole: a Cookie header
 * its pool cannot split, a Content-Length it cannot parse (-1, 2^64) and, if asked, a
 * missing Host. Its state machine then builds the refusal's header block a second time
 * (parse_connection_headers' error is overwritten by the next state), so the client would
 * get two status lines. It logs "Error processing request" on the connection's worker
 * thread just before; there the connection is found and the refusal is written here, in
 * the registry's shape, and the socket shut down, so libmicrohttpd's own bytes never go. */
#define MHD_REFUSAL_LOG "Error processing request (HTTP response code is %u"

struct refusal {
  uintptr_t worker;
  enum err code;
  bool found;
};

static enum err err_of_status(unsigned status) {
  switch (status) {
  case 413:
    return ERR_BODY_TOO_LARGE;
  case 414:
    return ERR_URI_TOO_LONG;
  case 431:
    return ERR_HEADERS_TOO_LARGE;
  default:
    return ERR_BAD_REQUEST;
  }
}

/* The connection the worker thread is refusing: its target is read and its head is whole
 * (the library answers the head-size question only from then on), it is not yet handed
 * to the application and has no answer yet. Heads are parsed and handed over in one pass
 * of a thread, so this is at most one of the thread's connections. Connections of other
 * threads are not looked at. */
static bool refuse_if_culprit(struct conn_watch *w, void *arg) {
  struct refusal *rf = arg;
  if (w->cut || rf->worker != atomic_load(&w->worker) || !atomic_load(&w->in_head)) {
    return false;
  }
  struct MHD_Connection *conn = w->conn;
  if (NULL == MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE) ||
      NULL != MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS)) {
    return false;
  }
  send_raw_error(w->fd, rf->code);
  headwatch_cut(w);
  atomic_store(&w->in_head, false);
  rf->found = true;
  return true;
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt,
                                                             va_list ap) {
  struct server *srv = cls;
  if (0 == strncmp(fmt, MHD_REFUSAL_LOG, sizeof(MHD_REFUSAL_LOG) - 1)) {
    va_list copy;
    va_copy(copy, ap);
    struct refusal rf = {(uintptr_t)&worker_tag, err_of_status(va_arg(copy, unsigned)), false};
    va_end(copy);
    headwatch_each(&srv->watch, refuse_if_culprit, &rf);
    if (rf.found) {
      log_msg(LOG_INFO, NULL, "%s: refused a request head the HTTP library cannot take",
              err_name(rf.code));
      return;
    }
  }
  char buf[512];
  vsnprintf(buf, sizeof(buf), fmt, ap);
  size_t n = strlen(buf);
  while (n > 0 && '\n' == buf[n - 1]) {
    buf[--n] = '\0';
  }
  log_msg(LOG_WARN, NULL, "libmicrohttpd: %s", buf);
}

/* ------------------------------------------------------------------------------------ */
/* Start and stop                                                                       */
/* ------------------------------------------------------------------------------------ */

int server_start(struct svc *svc, const struct server_app *app, struct server **out, char *err,
                 size_t errlen) {
  const struct config *cfg = svc->cfg;
  *out = NULL;
  uint16_t port = 0;
  int fd = listener_open(cfg->listen, &port, err, errlen);
  if (fd < 0) {
    return -1;
  }

  struct server *srv = calloc(1, sizeof(*srv));
  if (NULL == srv) {
    close(fd);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  srv->svc = svc;
  srv->app = app;
  srv->listen_fd = fd;
  srv->port = port;
  srv->https = 0 == strncmp(cfg->public_url, "https://", 8);
  headwatch_init(&srv->watch, (int64_t)cfg->conn_timeout * 1000, (int64_t)cfg->body_timeout * 1000);
  uint32_t seed = 0;
  RAND_bytes((unsigned char *)&seed, sizeof(seed));
  atomic_init(&srv->next_id, (uint_fast64_t)seed);
  atomic_init(&srv->deferred, 0L);
  atomic_init(&srv->stopping, false);

  unsigned threads = (unsigned)cfg->threads;
  if (0 == threads) {
    /* Four per CPU: a worker waiting for its group commit (an fsync) or hashing a password
     * serves none of its connections meanwhile, and waiting writers are what one commit
     * batches. */
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n > 0 ? (n < 64 ? 4 * (unsigned)n : 256) : 4;
  }
  /* The pool holds a head up to max-header with room for the answer (see
   * server_pool_size): heads over max-header get the dispatcher's 431 in the registry's
   * shape, those that leave no room for an answer refuse_raw's, and only heads larger
   * than the pool libmicrohttpd's own 431. */
  size_t pool_size = server_pool_size(cfg);
  /* epoll: a worker's cost per event does not grow with its open connections; with poll, a
   * worker scans all of them (1,250 each at 10,000 connections over 8 workers) for every
   * event, which cut saves from ~4,800/s to ~700/s with 9,000 idle connections open. */
  unsigned event_loop = 0 == strcmp(cfg->event_loop, "poll") ? MHD_USE_POLL : MHD_USE_EPOLL;
  srv->pool_size = pool_size;
  /* The hard limit sits above max-conns so the dispatcher can still answer 503 there. */
  unsigned hard_limit = (unsigned)cfg->max_conns + 64;
  srv->daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | event_loop | MHD_USE_ITC | MHD_USE_ERROR_LOG |
          (cfg->write_threads > 0 ? MHD_ALLOW_SUSPEND_RESUME : 0),
      0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
      MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
      MHD_OPTION_CONNECTION_LIMIT, hard_limit, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)cfg->conn_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool_size,
      MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_conns_per_addr, MHD_OPTION_END);
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  if (NULL != srv->daemon && cfg->write_threads > 0 &&
      (0 != workpool_start(&srv->writers, (unsigned)cfg->write_threads, (size_t)cfg->max_conns) ||
       0 !=
           workpool_start(&srv->hashers, ncpu > 0 ? (unsigned)ncpu : 1u, (size_t)cfg->max_conns))) {
    workpool_stop(srv->writers);
    srv->writers = NULL;
    MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
  }
  if (NULL == srv->daemon) {
    snprintf(err, errlen, "cannot start the HTTP server on %s", cfg->listen);
    close(fd);
    headwatch_stop(&srv->watch);
    free(srv);
    return -1;
  }
  /* Without the watchdog only the idle timeout applies; serving is still possible. */
  int prc = headwatch_run(&srv->watch);
  if (0 != prc) {
    log_msg(LOG_WARN, NULL, "no request-head watchdog: %s", strerror(prc));
  }
  *out = srv;
  return 0;
}

uint16_t server_port(const struct server *s) {
  return s->port;
}

unsigned server_stop(struct server *s, long grace_s) {
  if (NULL == s) {
    return 0;
  }
  /* Stop accepting first, so no new request starts while we wait. */
  MHD_socket lfd = MHD_quiesce_daemon(s->daemon);
  if (MHD_INVALID_SOCKET != lfd) {
    close(lfd);
  }
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    long inflight = atomic_load(&s->inflight);
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (inflight <= 0 || (t.tv_sec - t0.tv_sec) >= grace_s) {
      break;
    }
    struct timespec nap = {0, 20L * 1000 * 1000};
    nanosleep(&nap, NULL);
  }
  long left = atomic_load(&s->inflight);
  /* Deferred requests are answered and resumed before libmicrohttpd stops, as the writer
   * threads' are below; from here on none is deferred (req_defer). Their writes are queued
   * in the store, which settles each within its budget. */
  atomic_store(&s->stopping, true);
  while (atomic_load(&s->deferred) > 0) {
    struct timespec nap = {0, 1000L * 1000};
    nanosleep(&nap, NULL);
  }
  /* Every request a writer thread holds is finished and its connection resumed before
   * libmicrohttpd stops: it must not stop with connections suspended. Until it has stopped,
   * kept-alive connections can still bring requests: the drained pools refuse them and they
   * run on the worker (on_request), so the pools are freed only after the stop. */
  workpool_drain(s->hashers);
  workpool_drain(s->writers);
  MHD_stop_daemon(s->daemon); /* notifies CLOSED for every connection: frees the watches */
  workpool_stop(s->hashers);
  workpool_stop(s->writers);
  headwatch_stop(&s->watch);
  free(s);
  return left > 0 ? (unsigned)left : 0;
}
