/*
 * Shared fixture for the store's unit tests: a store opened in a fresh temporary directory,
 * and removed again with everything in it.
 */
#ifndef TEST_STORE_FIXTURE_H
#define TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

struct temp_store {
  char dir[64]; /* /tmp/ujikom-<tag>-XXXXXX */
  char db[128]; /* <dir>/ujikom.db */
  struct store *s;
};

/* Closes the store (if open) and removes its directory (if made). */
static inline void temp_store_close(struct temp_store *t) {
  char cmd[160];
  store_close(t->s);
  t->s = NULL;
  if ('\0' == t->dir[0])
    return;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
  if (0 != system(cmd))
    fprintf(stderr, "could not remove %s\n", t->dir);
  t->dir[0] = '\0';
}

/* Opens a store in a new directory named after tag; opts as store_open takes them (NULL:
 * the defaults). Returns 0, or -1 with a line on stderr and nothing left behind. */
static inline int temp_store_open(struct temp_store *t, const char *tag,
                                  const struct store_opts *opts) {
  char err[256];
  t->s = NULL;
  snprintf(t->dir, sizeof t->dir, "/tmp/ujikom-%s-XXXXXX", tag);
  if (NULL == mkdtemp(t->dir)) {
    perror("mkdtemp");
    t->dir[0] = '\0';
    return -1;
  }
  snprintf(t->db, sizeof t->db, "%s/ujikom.db", t->dir);
  if (STORE_OK != store_open(&t->s, t->db, opts, err, sizeof err)) {
    fprintf(stderr, "store_open: %s\n", err);
    temp_store_close(t);
    return -1;
  }
  return 0;
}

#endif
