/*
 * The exam catalogue: the subsector list and every exam file of the exams directory, loaded
 * at start-up and on reload. Invalid files are logged with their file:line:column errors and
 * skipped; the rest are served. Every exam version ever loaded (keyed by the SHA-256 of its
 * source) stays in memory until the catalogue is freed, so an attempt keeps the version it
 * started with; versions no longer on disk are rebuilt from the source snapshot the store
 * keeps with each attempt. Thread-safe: handlers read while a reload runs.
 */
#ifndef UJIKOM_CATALOG_H
#define UJIKOM_CATALOG_H

#include <stddef.h>

#include "ujikom/exam.h"

struct catalog;
struct store;

/* Largest exam or subsector file read, in bytes. */
#define CATALOG_MAX_FILE (4u * 1024u * 1024u)

/* Loads dir/subsectors.yaml and every dir/<name>.exam.yaml. Returns 0 and *out (free with
 * catalog_free) even when some exam files were invalid (each error is logged); returns -1
 * with a message in err when the directory cannot be read or the subsector list is
 * invalid. */
int catalog_open(struct catalog **out, const char *dir, char *err, size_t errlen);
/* Re-reads the directory. New versions are added, the current exam set is replaced; old
 * versions stay available. On -1 (err set) the previous set stays current. */
int catalog_reload(struct catalog *c, char *err, size_t errlen);
void catalog_free(struct catalog *c);

/* The current subsector list (valid for the catalogue's lifetime). */
const struct exam_subsectors *catalog_subsectors(struct catalog *c);
/* A copy of the current exams, sorted by id. *out is the caller's to free() (the exams are
 * not: they live as long as the catalogue). Returns 0, or -1 when memory runs out. */
int catalog_list(struct catalog *c, const struct exam ***out, size_t *out_n);
/* The current version of an exam, or NULL. Valid for the catalogue's lifetime. */
const struct exam *catalog_current(struct catalog *c, const char *exam_id);
/* A loaded version by its hash, or NULL. */
const struct exam *catalog_version(struct catalog *c, const char *version);
/* The source bytes and display file name of a loaded version (valid for the catalogue's
 * lifetime). Returns 0, or -1 when the version is not loaded. */
int catalog_source(struct catalog *c, const char *version, const char **out_src, size_t *out_len,
                   const char **out_file);
/* Parses src (e.g. a snapshot from the store) and adds it as a version, or finds it when
 * already loaded. Returns 0 and *out, or -1 with errors in errs. */
int catalog_add_source(struct catalog *c, const struct exam **out, const char *src, size_t len,
                       const char *file, struct exam_errors *errs);
/* The version `version`, loading it from the store's exam-source snapshot when it is not in
 * memory (after a restart with a changed file). Returns 0 and *out; -1 when the store has no
 * such snapshot or it does not parse (logged: a broken invariant); -2 when the store could
 * not be read (retry later). */
int catalog_version_from_store(struct catalog *c, struct store *store, const struct exam **out,
                               const char *version);

/* Reads a whole file (at most CATALOG_MAX_FILE bytes). Returns 0 and *out (free()), or -1
 * with a message (without the path) in err. */
int catalog_read_file(char **out, size_t *out_len, const char *path, char *err, size_t errlen);
/* Checks exam files as `ujikom exams check` does: each file parsed against the subsector
 * list at subsectors_path (NULL: not checked), exam ids unique across the files. Every error
 * is appended to errs; returns the number of files with errors. */
size_t catalog_check_files(const char *const *paths, size_t n, const char *subsectors_path,
                           struct exam_errors *errs);

#endif
