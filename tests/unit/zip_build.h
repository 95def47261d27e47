/*
 * A zip archive built in memory from named texts, for the tests and fuzz targets that need a
 * package or a workbook: ujikom/zip_write.h with text entries.
 */
#ifndef UJIKOM_TEST_ZIP_BUILD_H
#define UJIKOM_TEST_ZIP_BUILD_H

#include <stdlib.h>
#include <string.h>

#include "ujikom/zip_write.h"

struct zip_build_entry {
  const char *name;
  const char *text;
  size_t len; /* 0: strlen(text) */
};

/* The archive (the caller frees), or NULL when it cannot be written. */
static inline unsigned char *zip_build(const struct zip_build_entry *e, size_t n, size_t *len) {
  struct zip_write_entry *w = calloc(n > 0 ? n : 1, sizeof(*w));
  unsigned char *out = NULL;
  if (w == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    w[i] = (struct zip_write_entry){e[i].name, e[i].text,
                                    e[i].len != 0 ? e[i].len : strlen(e[i].text)};
  }
  if (zip_write(&out, len, w, n) != 0) {
    out = NULL;
  }
  free(w);
  return out;
}

#endif
