/*
 * Static assets (CSS, JS) served from the table compiled into the binary. Only table
 * entries can be served, so no request path reaches the file system.
 * Links carry ?v=<content hash>; such requests may be cached for a day, others an hour.
 * Each text asset also has a gzip-compressed copy, made at build time at zopfli's best (or
 * at start-up when the build had no zopfli), sent to clients that accept gzip (every
 * browser): a third of the bytes on a candidate's phone connection.
 */
#include "http/static_assets.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/assets.h"
#include "http/gzip.h"
#include "http/parse.h"
#include "http/reply.h"

/* Per asset, computed once: the assets are compiled in, so neither their versions, their
 * compressed copies nor the answers built from them can ever go stale.
 * answers[gzip][pinned][not_modified]; the gzip row is empty when compressing does not pay. */
/* The service worker (static/sw.js) may control pages outside the directory it is served
 * from: the exam pages (registered for /attempts/) and the observation sheets (/review/). It
 * handles only those pages and versioned assets. */
#define SW_ASSET "static/sw.js"
#define SW_SCOPE "/"

struct asset_cache {
  char version[ASSET_VERSION_LEN + 1];
  char etag[2][ASSET_VERSION_LEN + 6]; /* "<version>" and "<version>-gz" */
  struct prebuilt *answers[2][2][2];
};
static struct asset_cache *cache;
static size_t cache_count;

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
      if (0 == strcmp(dot, types[i].ext)) {
        return types[i].type;
      }
    }
  }
  return "application/octet-stream";
}

/* The gzip copy of an asset worth sending compressed: the one made at build time when it
 * saves a tenth (as gzip_compress asks), else one made now; NULL when compressing does not
 * pay. A copy made now is the caller's to free. */
static const unsigned char *compressed_copy(const struct asset *a, const char *type, size_t *len) {
  *len = 0;
  if (!gzip_worthwhile_type(type)) {
    return NULL;
  }
  if (NULL != a->gz) {
    if (a->gz_size >= a->size - a->size / 10) {
      return NULL;
    }
    *len = a->gz_size;
    return a->gz;
  }
  return gzip_compress(a->data, a->size, GZIP_LEVEL_ONCE, len);
}

void static_assets_init(void) {
  if (NULL != cache) {
    return;
  }
  size_t n = assets_count();
  struct asset_cache *c = calloc(n + 1, sizeof(*c));
  if (NULL == c) {
    return; /* answers are then built per request */
  }
  for (size_t i = 0; i < n; i++) {
    asset_version(&assets[i], c[i].version);
    snprintf(c[i].etag[0], sizeof(c[i].etag[0]), "\"%s\"", c[i].version);
    snprintf(c[i].etag[1], sizeof(c[i].etag[1]), "\"%s-gz\"", c[i].version);
    const char *type = content_type(assets[i].path);
    bool sw = 0 == strcmp(assets[i].path, SW_ASSET);
    size_t gz_len = 0;
    const unsigned char *gz = compressed_copy(&assets[i], type, &gz_len);
    bool built_gz = NULL != gz && gz == assets[i].gz; /* static: sent as it is */
    for (int zipped = 0; zipped < 2; zipped++) {
      if (zipped && NULL == gz) {
        break;
      }
      for (int pinned = 0; pinned < 2; pinned++) {
        const char *cc = pinned ? "public, max-age=86400, immutable" : "public, max-age=3600";
        const char *headers[] = {"ETag",
                                 c[i].etag[zipped],
                                 "Cache-Control",
                                 cc,
                                 "Vary",
                                 "Accept-Encoding",
                                 NULL,
                                 NULL,
                                 NULL,
                                 NULL,
                                 NULL};
        size_t nh = 6;
        if (zipped) {
          headers[nh++] = "Content-Encoding";
          headers[nh++] = "gzip";
        }
        if (sw) {
          headers[nh++] = "Service-Worker-Allowed";
          headers[nh++] = SW_SCOPE;
        }
        c[i].answers[zipped][pinned][0] =
            zipped ? prebuilt_new(200, type, gz, gz_len, !built_gz, headers)
                   : prebuilt_new(200, type, assets[i].data, assets[i].size, false, headers);
        c[i].answers[zipped][pinned][1] = prebuilt_new(304, type, "", 0, false, headers);
      }
    }
    if (!built_gz) {
      free((void *)(uintptr_t)gz); /* prebuilt_new copied it */
    }
  }
  cache_count = n;
  cache = c;
}

static const struct asset_cache *cache_of(const struct asset *a) {
  if (NULL == cache || a < assets || a >= assets + cache_count) {
    return NULL;
  }
  return &cache[a - assets];
}

int static_assets_reply(struct req *r, const char *path) {
  const struct asset *a = asset_find(path);
  if (NULL == a) {
    return reply_error(r, ERR_NOT_FOUND, NULL);
  }

  const struct asset_cache *c = cache_of(a);
  char version_buf[ASSET_VERSION_LEN + 1];
  const char *version = version_buf;
  if (NULL != c) {
    version = c->version;
  } else {
    asset_version(a, version_buf);
  }
  const char *v = req_query(r, "v");
  bool pinned = NULL != v && 0 == strcmp(v, version);
  bool zipped = NULL != c && NULL != c->answers[1][pinned][0] &&
                accepts_gzip(req_header(r, "Accept-Encoding"));
  if (NULL != c) {
    bool not_modified = etag_matches(req_header(r, "If-None-Match"), c->etag[zipped]);
    if (NULL != c->answers[zipped][pinned][not_modified]) {
      return reply_prebuilt(r, c->answers[zipped][pinned][not_modified]);
    }
  }
  /* Without the cache (out of memory at start-up): the plain answer, built now. */
  char etag[ASSET_VERSION_LEN + 3];
  snprintf(etag, sizeof(etag), "\"%s\"", version);
  reply_header(r, "ETag", etag);
  reply_header(r, "Cache-Control",
               pinned ? "public, max-age=86400, immutable" : "public, max-age=3600");
  reply_header(r, "Vary", "Accept-Encoding");
  if (0 == strcmp(path, SW_ASSET)) {
    reply_header(r, "Service-Worker-Allowed", SW_SCOPE);
  }
  if (etag_matches(req_header(r, "If-None-Match"), etag)) {
    return reply_bytes(r, 304, content_type(path), "", 0);
  }
  return reply_bytes(r, 200, content_type(path), a->data, a->size);
}
