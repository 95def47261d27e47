/*
 * A zip archive written in memory (libzip) from named byte strings, every entry with the same
 * fixed time so that the same parts always give the same bytes. Used by the QTI export; the
 * tests build packages and workbooks with it too.
 */
#ifndef UJIKOM_ZIP_WRITE_H
#define UJIKOM_ZIP_WRITE_H

#include <stddef.h>

struct zip_write_entry {
  const char *name; /* the path in the archive (UTF-8) */
  const void *data;
  size_t len;
};

/* Writes entries[0..n) (deflated) into *out (*out_len bytes; the caller's, free with free()).
 * Returns 0, or -1 (out of memory, a libzip failure) with *out NULL. */
int zip_write(unsigned char **out, size_t *out_len, const struct zip_write_entry *entries,
              size_t n);

#endif
