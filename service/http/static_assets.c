/*
 * Static assets (CSS, JS) served from the table compiled into the binary. Only table
 * entries can be served, so no request path reaches the file system.
 * Links carry ?v=<content hash>; such requests may be cached for a day, others an hour.
 * Each text asset also has a gzip-compressed copy, made at build time at zopfli's best (or
 * at start-up when the build had no zopfli), sent to clients that accept gzip (every
 * browser): a third of the bytes on a candidate's phone connection; and a brotli copy made
 * at build time at brotli's best (none when the build had no brotli tool), 9-13 % smaller
 * again, sent to clients that prefer it (parse.h, accept_encoding_pick).
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

#define STATIC_PREFIX "static/" /* the assets the static route serves (h_static.c) */

/* The service worker (static/sw.js) may control pages outside the directory it is served
 * from: the exam pages (registered for /attempts/) and the observation sheets (/review/). It
 * handles only those pages and versioned assets. */
#define SW_ASSET "static/sw.js"
#define SW_SCOPE "/"

#define CODINGS (CODING_BR + 1)
static const char *const coding_names[CODINGS] = {NULL, "gzip", "br"};
static const char *const etag_suffixes[CODINGS] = {"", "-gz", "-br"};

/* Per asset, computed once: the assets are compiled in, so neither their versions, their
 * compressed copies nor the answers built from them can ever go stale.
 * answers[coding][pinned][not_modified], coding an enum content_coding; a coding's row is
 * empty when the asset has no copy in it (compressing does not pay, or no brotli copy). */
struct asset_cache {
  char version[ASSET_VERSION_LEN + 1];
  /* per coding: "<version>", "<version>-gz" and "<version>-br" */
  char etag[CODINGS][ASSET_VERSION_LEN + 6];
  struct prebuilt *answers[CODINGS][2][2];
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

/* The copy the build made of an asset (copy, copy_size; NULL: none) when the asset is worth
 * sending compressed and the copy saves a tenth (as gzip_compress and brotli_compress ask);
 * NULL otherwise. */
static const unsigned char *built_copy(const struct asset *a, const char *type,
                                       const unsigned char *copy, size_t copy_size, size_t *len) {
  *len = 0;
  if (NULL == copy || !gzip_worthwhile_type(type) || copy_size >= a->size - a->size / 10) {
    return NULL;
  }
  *len = copy_size;
  return copy;
}

/* The gzip copy of an asset worth sending compressed: the one made at build time (see
 * built_copy), else, when the build made none, one made now; NULL when compressing does not
 * pay. A copy made now is the caller's to free. */
static const unsigned char *compressed_copy(const struct asset *a, const char *type, size_t *len) {
  if (NULL != a->gz || !gzip_worthwhile_type(type)) {
    return built_copy(a, type, a->gz, a->gz_size, len);
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
    /* Only what the static route serves: the table also holds the interface texts
     * (i18n/id.json and en.json, ~80 KB each, read by i18n.c), which no request reaches and whose
     * gzip copies, made here at level 12, took ~20 ms of every start. */
    if (0 != strncmp(assets[i].path, STATIC_PREFIX, sizeof STATIC_PREFIX - 1)) {
      continue;
    }
    asset_version(&assets[i], c[i].version);
    for (int k = 0; k < CODINGS; k++) {
      snprintf(c[i].etag[k], sizeof(c[i].etag[k]), "\"%s%s\"", c[i].version, etag_suffixes[k]);
    }
    const char *type = content_type(assets[i].path);
    bool sw = 0 == strcmp(assets[i].path, SW_ASSET);
    const unsigned char *body[CODINGS] = {assets[i].data, NULL, NULL};
    size_t len[CODINGS] = {assets[i].size, 0, 0};
    body[CODING_GZIP] = compressed_copy(&assets[i], type, &len[CODING_GZIP]);
    body[CODING_BR] =
        built_copy(&assets[i], type, assets[i].br, assets[i].br_size, &len[CODING_BR]);
    bool built_gz = NULL != body[CODING_GZIP] && body[CODING_GZIP] == assets[i].gz;
    for (int k = 0; k < CODINGS; k++) {
      if (NULL == body[k]) {
        continue;
      }
      for (int pinned = 0; pinned < 2; pinned++) {
        const char *cc = pinned ? "public, max-age=86400, immutable" : "public, max-age=3600";
        const char *headers[] = {
            "ETag", c[i].etag[k], "Cache-Control", cc, "Vary", "Accept-Encoding", NULL, NULL, NULL,
            NULL,   NULL};
        size_t nh = 6;
        if (CODING_IDENTITY != k) {
          headers[nh++] = "Content-Encoding";
          headers[nh++] = coding_names[k];
        }
        if (sw) {
          headers[nh++] = "Service-Worker-Allowed";
          headers[nh++] = SW_SCOPE;
        }
        /* Only a gzip copy made now is copied (then freed below); the others are static. */
        bool copy = CODING_GZIP == k && !built_gz;
        c[i].answers[k][pinned][0] = prebuilt_new(200, type, body[k], len[k], copy, headers);
        c[i].answers[k][pinned][1] = prebuilt_new(304, type, "", 0, false, headers);
      }
    }
    if (!built_gz) {
      free((void *)(uintptr_t)body[CODING_GZIP]); /* prebuilt_new copied it */
    }
  }
  cache_count = n;
  cache = c;
}

static const struct asset_cache *cache_of(const struct asset *a) {
  if (NULL == cache || a < assets || a >= assets + cache_count) {
    return NULL;
  }
  const struct asset_cache *c = &cache[a - assets];
  return '\0' == c->version[0] ? NULL : c; /* not under static/: nothing prepared */
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
  if (NULL != c) {
    /* The coding the client prefers; gzip when it prefers brotli and the asset has no
     * brotli copy but gzip is accepted too; else the asset as it is. */
    const char *ae = req_header(r, "Accept-Encoding");
    enum content_coding k = accept_encoding_pick(ae);
    if (CODING_BR == k && NULL == c->answers[CODING_BR][pinned][0]) {
      k = accepts_gzip(ae) ? CODING_GZIP : CODING_IDENTITY;
    }
    if (NULL == c->answers[k][pinned][0]) {
      k = CODING_IDENTITY;
    }
    bool not_modified = etag_matches(req_header(r, "If-None-Match"), c->etag[k]);
    if (NULL != c->answers[k][pinned][not_modified]) {
      return reply_prebuilt(r, c->answers[k][pinned][not_modified]);
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
