/*
 * Zip archives written in memory (ujikom/zip_write.h): libzip writes into a buffer source
 * kept open past zip_close, which is then read back whole.
 */
#include "ujikom/zip_write.h"

#include <stdlib.h>
#include <zip.h>

/* 1980-01-01, the earliest time a zip entry can carry. */
#define ZIP_WRITE_MTIME ((time_t)315532800)

int zip_write(unsigned char **out, size_t *out_len, const struct zip_write_entry *entries,
              size_t n) {
  *out = NULL;
  *out_len = 0;
  zip_error_t ze;
  zip_error_init(&ze);
  int rc = -1;
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
    zip_source_t *s = zip_source_buffer(z, entries[i].data, entries[i].len, 0);
    zip_int64_t idx = s == NULL ? -1 : zip_file_add(z, entries[i].name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(s);
      zip_discard(z);
      goto done;
    }
    zip_file_set_mtime(z, (zip_uint64_t)idx, ZIP_WRITE_MTIME, 0);
  }
  if (zip_close(z) != 0) {
    zip_discard(z);
    goto done;
  }
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) != 0) {
    goto done;
  }
  unsigned char *buf = malloc(st.size > 0 ? (size_t)st.size : 1);
  zip_int64_t got = buf == NULL ? -1 : zip_source_read(src, buf, st.size);
  zip_source_close(src);
  if (got < 0 || (zip_uint64_t)got != st.size) {
    free(buf);
    goto done;
  }
  *out = buf;
  *out_len = (size_t)got;
  rc = 0;
done:
  if (src != NULL) {
    zip_source_free(src);
  }
  zip_error_fini(&ze);
  return rc;
}
