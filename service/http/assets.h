/*
 * The web assets (CSS, JS, message catalogues) compiled into the binary by the build, so
 * the daemon never reads them from disk. The table is generated from service/web.
 */
#ifndef UJIKOM_ASSETS_H
#define UJIKOM_ASSETS_H

#include <stddef.h>

struct asset {
  const char *path;          /* relative to service/web, e.g. "static/app.css" */
  const unsigned char *data; /* size bytes, followed by a NUL for convenience */
  size_t size;
  /* The gzip-compressed copy made at build time (gz_size bytes), or NULL: then the daemon
   * compresses the asset itself at start-up when that pays. */
  const unsigned char *gz;
  size_t gz_size;
  /* The brotli-compressed copy made at build time (br_size bytes), or NULL: then the asset
   * is not offered in brotli (the daemon does not compress at brotli's best at start-up). */
  const unsigned char *br;
  size_t br_size;
};

/* Ends with an entry whose path is NULL. */
extern const struct asset assets[];

/* How many entries the table has before the one whose path is NULL. */
size_t assets_count(void);

/* Computes every asset's version once, at start-up (http_init), before any thread reads
 * them; without it (out of memory) versions are hashed per call. */
void assets_init(void);

/* The entry for path (exact match), or NULL. */
const struct asset *asset_find(const char *path);

#define ASSET_VERSION_LEN 16
/* A content hash of the asset as ASSET_VERSION_LEN lower-case hex digits plus NUL, used as
 * the ETag and as the ?v= cache-buster in links. */
void asset_version(const struct asset *a, char out[ASSET_VERSION_LEN + 1]);

#endif
