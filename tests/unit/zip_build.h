/*
 * A zip archive built in memory from named texts, for the tests and fuzz targets that need a
 * package or a workbook (libzip, no files).
 */
#ifndef UJIKOM_TEST_ZIP_BUILD_H
#define UJIKOM_TEST_ZIP_BUILD_H

#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct zip_build_entry {
  const char *name;
  const char *text;
  size_t len; /* 0: strlen(text) */
};

/* The archive (the caller frees), or NULL when libzip fails. */
static inline unsigned char *zip_build(const struct zip_build_entry *e, size_t n, size_t *len) {
  zip_error_t ze;
  zip_error_init(&ze);
  unsigned char *buf = NULL;
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
  zip_t *z = NULL;
  if (src == NULL) {
    goto done;
  }
  zip_source_keep(src);
  z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
  if (z == NULL) {
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    size_t l = e[i].len != 0 ? e[i].len : strlen(e[i].text);
    zip_source_t *s = zip_source_buffer(z, e[i].text, l, 0);
    if (s == NULL || zip_file_add(z, e[i].name, s, 0) < 0) {
      zip_source_free(s);
      zip_discard(z);
      goto done;
    }
  }
  if (zip_close(z) != 0) {
    zip_discard(z);
    goto done;
  }
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0) {
    goto done;
  }
  buf = malloc((size_t)st.size + 1);
  if (buf != NULL && zip_source_read(src, buf, st.size) != (zip_int64_t)st.size) {
    free(buf);
    buf = NULL;
  }
  zip_source_close(src);
  *len = (size_t)st.size;
done:
  if (src != NULL) {
    zip_source_free(src);
  }
  zip_error_fini(&ze);
  return buf;
}

#endif
