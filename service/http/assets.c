/*
 * Look-ups in the compiled-in asset table and the assets' versions. The assets cannot
 * change while the process runs, so their versions are computed once, at start-up.
 */
#include "http/assets.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/fnv.h"

/* versions[i] of assets[i]; NULL before assets_init (or when it ran out of memory). */
static char (*versions)[ASSET_VERSION_LEN + 1];
static size_t versions_count;

/* A cache key for our own files, not a security measure. */
static void hash_version(const struct asset *a, char out[ASSET_VERSION_LEN + 1]) {
  snprintf(out, ASSET_VERSION_LEN + 1, "%016llx", (unsigned long long)fnv1a64(a->data, a->size));
}

size_t assets_count(void) {
  size_t n = 0;
  while (NULL != assets[n].path) {
    n++;
  }
  return n;
}

void assets_init(void) {
  if (NULL != versions) {
    return;
  }
  size_t n = assets_count();
  char(*v)[ASSET_VERSION_LEN + 1] = calloc(n + 1, sizeof(*v));
  if (NULL == v) {
    return;
  }
  for (size_t i = 0; i < n; i++) {
    hash_version(&assets[i], v[i]);
  }
  versions_count = n;
  versions = v;
}

const struct asset *asset_find(const char *path) {
  if (NULL == path) {
    return NULL;
  }
  for (const struct asset *a = assets; NULL != a->path; a++) {
    if (0 == strcmp(a->path, path)) {
      return a;
    }
  }
  return NULL;
}

void asset_version(const struct asset *a, char out[ASSET_VERSION_LEN + 1]) {
  if (NULL != versions && a >= assets && a < assets + versions_count) {
    memcpy(out, versions[a - assets], ASSET_VERSION_LEN + 1);
  } else {
    hash_version(a, out);
  }
}
