/*
 * Static assets (CSS, JS) served from the table compiled into the binary. Only table
 * entries under static/ can be served, so no request path reaches the file system.
 * Links carry ?v=<content hash>; such requests may be cached for a day, others an hour.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/assets.h"
#include "http/handlers.h"

const struct asset *asset_find(const char *path) {
  if (NULL == path)
    return NULL;
  for (const struct asset *a = assets; NULL != a->path; a++) {
    if (0 == strcmp(a->path, path))
      return a;
  }
  return NULL;
}

void asset_version(const struct asset *a, char out[ASSET_VERSION_LEN + 1]) {
  /* FNV-1a 64: a cache key for our own files, not a security measure. */
  uint64_t hash = 14695981039346656037ull;
  for (size_t i = 0; i < a->size; i++) {
    hash ^= a->data[i];
    hash *= 1099511628211ull;
  }
  snprintf(out, ASSET_VERSION_LEN + 1, "%016llx", (unsigned long long)hash);
}

static const char *content_type(const char *path) {
  static const struct {
    const char *ext;
    const char *type;
  } types[] = {
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const char *dot = strrchr(path, '.');
  if (NULL != dot) {
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
      if (0 == strcmp(dot, types[i].ext))
        return types[i].type;
    }
  }
  return "application/octet-stream";
}

/* True when the If-None-Match header lists etag (or is "*"). */
static bool etag_matches(const char *header, const char *etag) {
  if (NULL == header)
    return false;
  if (0 == strcmp(header, "*"))
    return true;
  size_t elen = strlen(etag);
  for (const char *p = header; NULL != (p = strstr(p, etag)); p += elen) {
    bool start_ok = p == header || ' ' == p[-1] || ',' == p[-1] || '/' == p[-1];
    bool end_ok = '\0' == p[elen] || ',' == p[elen] || ' ' == p[elen];
    if (start_ok && end_ok)
      return true;
  }
  return false;
}

int h_static(struct req *r) {
  const char *rest = r->nparams > 0 ? r->params[0] : NULL;
  char path[256];
  if (NULL == rest)
    return reply_error(r, ERR_NOT_FOUND, NULL);
  int n = snprintf(path, sizeof(path), "static/%s", rest);
  if (n < 0 || (size_t)n >= sizeof(path))
    return reply_error(r, ERR_NOT_FOUND, NULL);
  const struct asset *a = asset_find(path);
  if (NULL == a)
    return reply_error(r, ERR_NOT_FOUND, NULL);

  char version[ASSET_VERSION_LEN + 1];
  char etag[ASSET_VERSION_LEN + 3];
  asset_version(a, version);
  snprintf(etag, sizeof(etag), "\"%s\"", version);
  const char *v = req_query(r, "v");
  bool pinned = NULL != v && 0 == strcmp(v, version);
  reply_header(r, "ETag", etag);
  reply_header(r, "Cache-Control",
               pinned ? "public, max-age=86400, immutable" : "public, max-age=3600");
  if (etag_matches(req_header(r, "If-None-Match"), etag))
    return reply_bytes(r, 304, content_type(path), "", 0);
  return reply_bytes(r, 200, content_type(path), a->data, a->size);
}
