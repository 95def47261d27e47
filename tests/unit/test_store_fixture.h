/*
 * The store's unit tests share this fixture: a store in a fresh temporary directory, made
 * by a cmocka set-up and removed again, with everything in it, by the matching tear-down.
 *
 *   struct fixture { struct temp_store t; int64_t user; };   // temp_store first
 *   static int seed(struct store_tx *tx, void *f) { ... }      // optional, a store_txn body
 *   static int setup(void **state) {
 *     return temp_store_setup_with(state, sizeof(struct fixture), "reviews", NULL, seed);
 *   }
 *   cmocka_unit_test_setup_teardown(test_x, setup, temp_store_teardown)
 *
 * A test whose fixture is the store alone uses temp_store_setup; one that opens the store
 * itself (with its own options, or not at all) uses temp_store_dir_setup.
 */
#ifndef TEST_STORE_FIXTURE_H
#define TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "test_tmpdir.h"

struct temp_store {
  char dir[64]; /* /tmp/ujikom-<tag>-XXXXXX */
  char db[128]; /* <dir>/ujikom.db */
  struct store *s;
};

/* Closes the store (if open) and removes its directory (if made): 0, or -1 when the
 * directory could not be removed. */
static inline int temp_store_close(struct temp_store *t) {
  int rc = 0;
  store_close(t->s);
  t->s = NULL;
  if ('\0' == t->dir[0]) {
    return 0;
  }
  rc = test_tmpdir_remove(t->dir);
  t->dir[0] = '\0';
  return rc;
}

/* Makes the directory and names the database in it, without opening it. 0 or -1. */
static inline int temp_store_make_dir(struct temp_store *t, const char *tag) {
  t->s = NULL;
  if (0 != test_tmpdir_make(t->dir, sizeof t->dir, tag)) {
    return -1;
  }
  snprintf(t->db, sizeof t->db, "%s/ujikom.db", t->dir);
  return 0;
}

/* Opens a store in a new directory named after tag; opts as store_open takes them (NULL:
 * the defaults). Returns 0, or -1 with a line on stderr and nothing left behind. */
static inline int temp_store_open(struct temp_store *t, const char *tag,
                                  const struct store_opts *opts) {
  char err[256];
  if (0 != temp_store_make_dir(t, tag)) {
    return -1;
  }
  if (STORE_OK != store_open(&t->s, t->db, opts, err, sizeof err)) {
    fprintf(stderr, "store_open: %s\n", err);
    temp_store_close(t);
    return -1;
  }
  return 0;
}

/* cmocka set-up: allocates a zeroed fixture of size bytes whose first member is a struct
 * temp_store, opens a store in it (opts: NULL for the defaults), runs seed (may be NULL) in
 * one transaction with the fixture as its context, and leaves the fixture in *state.
 * 0, or -1 with nothing left behind. */
static inline int temp_store_setup_with(void **state, size_t size, const char *tag,
                                        const struct store_opts *opts, store_txn_fn seed) {
  struct temp_store *t = NULL;
  *state = NULL;
  if (size < sizeof *t || NULL == (t = calloc(1, size))) {
    return -1;
  }
  if (0 != temp_store_open(t, tag, opts)) {
    free(t);
    return -1;
  }
  if (NULL != seed && STORE_OK != store_txn(t->s, seed, t)) {
    fprintf(stderr, "setup: seeding failed\n");
    temp_store_close(t);
    free(t);
    return -1;
  }
  *state = t;
  return 0;
}

/* cmocka set-up: a struct temp_store with an open store of default options. */
static inline int temp_store_setup(void **state) {
  return temp_store_setup_with(state, sizeof(struct temp_store), "store", NULL, NULL);
}

/* cmocka set-up: a struct temp_store with its directory made and its database named, the
 * store not opened (the test opens it, and may leave it open in t->s). */
static inline int temp_store_dir_setup(void **state) {
  struct temp_store *t = calloc(1, sizeof *t);
  *state = NULL;
  if (NULL == t || 0 != temp_store_make_dir(t, "store")) {
    free(t);
    return -1;
  }
  *state = t;
  return 0;
}

/* cmocka tear-down for every set-up above: closes the store, removes the directory with
 * everything in it, and frees the fixture. */
static inline int temp_store_teardown(void **state) {
  struct temp_store *t = *state;
  int rc = 0;
  if (NULL == t) {
    return 0;
  }
  rc = temp_store_close(t);
  free(t);
  *state = NULL;
  return rc;
}

#endif
