/*
 * The public transparency log as static files (C2SP tlog-tiles under /log/): the checkpoint,
 * tiles and entry bundles, the verifier key; and a certificate's inclusion proof for its
 * holder. Everything here is public and the same for everyone, so it may be cached and
 * served by a CDN or a second machine: full tiles never change, a partial tile's bytes never
 * change either (a longer partial or the full tile has another path), the checkpoint does.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/certlog.h"
#include "http/handlers.h"
#include "http/server.h"
#include "ujikom/cert.h"
#include "ujikom/tlog.h"

#define CACHE_IMMUTABLE "public, max-age=31536000, immutable"
#define CACHE_SHORT     "public, max-age=10" /* the checkpoint moves with every issuance */
#define CACHE_PARTIAL   "public, max-age=60" /* superseded by a wider tile once the log grows */

/* Public files: any origin may read them (a monitor in a browser). */
static int reply_public(struct req *r, const char *type, const char *cache, void *data,
                        size_t len) {
  reply_header(r, "Cache-Control", cache);
  reply_header(r, "Access-Control-Allow-Origin", "*");
  return reply_bytes_owned(r, 200, type, data, len);
}

static int log_store_error(struct req *r, int rc) {
  return reply_store_error(r, rc, "transparency log");
}

int h_log_checkpoint(struct req *r) {
  char *note = NULL;
  size_t len = 0;
  if (NULL == r->svc->log) {
    return reply_error(r, ERR_LOG_UNAVAILABLE, NULL);
  }
  int rc = certlog_checkpoint(r->svc->log, &note, &len, NULL);
  if (STORE_OK != rc) {
    return log_store_error(r, rc);
  }
  return reply_public(r, "text/plain; charset=utf-8", CACHE_SHORT, note, len);
}

int h_log_key(struct req *r) {
  if (NULL == r->svc->log) {
    return reply_error(r, ERR_LOG_UNAVAILABLE, NULL);
  }
  char *text = NULL;
  const char *vkey = certlog_vkey(r->svc->log);
  size_t len = strlen(vkey);
  text = malloc(len + 2);
  if (NULL == text) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  memcpy(text, vkey, len);
  memcpy(text + len, "\n", 2);
  return reply_public(r, "text/plain; charset=utf-8", "public, max-age=86400", text, len + 1);
}

int h_log_tile(struct req *r) {
  char path[TLOG_PATH_SIZE + 8];
  struct tlog_tile t;
  unsigned char *data = NULL;
  size_t len = 0;
  if (NULL == r->svc->log) {
    return reply_error(r, ERR_LOG_UNAVAILABLE, NULL);
  }
  /* the route captured what follows "/log/tile/"; the core parses the whole tile path */
  int n = snprintf(path, sizeof path, "tile/%s", r->params[0]);
  if (n < 0 || (size_t)n >= sizeof path || 0 != tlog_tile_parse_path(&t, path, (size_t)n)) {
    return reply_error(r, ERR_LOG_NO_TILE, NULL);
  }
  int rc = certlog_tile(r->svc->log, &t, &data, &len);
  if (STORE_NONE == rc) {
    return reply_error(r, ERR_LOG_NO_TILE, NULL);
  }
  if (STORE_OK != rc) {
    return log_store_error(r, rc);
  }
  return reply_public(r, "application/octet-stream",
                      TLOG_TILE_WIDTH == t.width ? CACHE_IMMUTABLE : CACHE_PARTIAL, data, len);
}

int h_log_proof(struct req *r) {
  char serial[CERT_SERIAL_SIZE], disposition[96];
  char *proof = NULL;
  size_t len = 0;
  int64_t holder = 0;
  if (NULL == r->svc->log) {
    return reply_error(r, ERR_LOG_UNAVAILABLE, NULL);
  }
  if (0 != cert_serial_parse(serial, NULL, r->params[0])) {
    return reply_error(r, ERR_CERT_NOT_FOUND, NULL);
  }
  int rc = certlog_proof(r->svc->log, serial, &proof, &len, &holder);
  /* someone else's certificate is "not found", as everywhere in the API */
  bool visible = 0 != holder && (ROLE_ADMIN == r->user->role || holder == r->user->id);
  if (STORE_OK == rc && !visible) {
    free(proof);
    rc = STORE_NONE;
  }
  if (STORE_NONE == rc) {
    return reply_error(r, visible ? ERR_LOG_NOT_LOGGED : ERR_CERT_NOT_FOUND, NULL);
  }
  if (STORE_OK != rc) {
    return log_store_error(r, rc);
  }
  snprintf(disposition, sizeof disposition, "attachment; filename=\"sertifikat-%s.tlog-proof\"",
           serial);
  reply_header(r, "Content-Disposition", disposition);
  reply_header(r, "Cache-Control", "private, no-store");
  return reply_bytes_owned(r, 200, "text/plain; charset=utf-8", proof, len);
}
