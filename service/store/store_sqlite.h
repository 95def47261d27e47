/*
 * Operations of the SQLite backend only: they work on a database file, which a PostgreSQL
 * database is not. A PostgreSQL database is checked, backed up and restored with
 * PostgreSQL's own tools (pg_amcheck, pg_dump / base backups and WAL archiving, pg_restore;
 * docs/operations.md). Paths here are file paths, or sqlite:PATH.
 */
#ifndef UJIKOM_STORE_SQLITE_H
#define UJIKOM_STORE_SQLITE_H

#include <stddef.h>

#include "store/store.h"

/* A group-commit member runs in a savepoint, and SQLite keeps the old copy of each page it
 * changes (~4 KiB a page) to roll that member back alone: in memory up to this many bytes,
 * then in a temporary file. SQLite's default, 64 KiB, is fewer pages than one issuance
 * changes (docs/performance.md, change 29). The journal is kept in chunks of this size and
 * written to the file a chunk at once when it spills, and SQLite's unix VFS writes at most
 * 128 KiB at once (a larger write fails with SQLITE_FULL): it must stay below 128 KiB. */
#define STORE_SQLITE_SUBJOURNAL_SPILL (124 * 1024)
_Static_assert(STORE_SQLITE_SUBJOURNAL_SPILL < 128 * 1024,
               "a spilled savepoint journal is written a chunk at once, at most 128 KiB");

/* The full integrity check of the database file at path, read-only (safe while the daemon
 * runs): the checks of store_open plus PRAGMA quick_check over every page, which reads the
 * whole file. STORE_OK; STORE_NONE when there is no such file; STORE_HARD (corrupt, or a
 * schema newer than this program) or another negative store_rc, with a message in err. */
int store_check_file(const char *path, char *err, size_t errlen);

/* Writes a consistent copy of the database to dest_path with SQLite's online backup API;
 * safe while the daemon is writing (readers and the writer are not blocked). dest_path
 * must not exist. Returns STORE_OK or negative with a message in err (STORE_HARD for a store
 * of another backend). */
int store_backup(struct store *s, const char *dest_path, char *err, size_t errlen);

/* Replaces the database at db_path with the contents of src_path (a backup), after checking
 * that src_path is an intact ujikom database whose schema is not newer than this program;
 * then migrates it to the latest schema. Uses the backup API, so concurrent connections see
 * either the old or the new database, never a mix; still, stop the daemon first.
 * Returns STORE_OK or negative with a message in err (db_path unchanged on refusal). */
int store_restore(const char *db_path, const char *src_path, const struct store_opts *opts,
                  char *err, size_t errlen);

/* The file path of a database name as store_open takes it (a path, or sqlite:PATH), or NULL
 * for a PostgreSQL URI. */
const char *store_sqlite_path(const char *database);

/* Tests: hook(arg) is called before each flush of the WAL (by the group commit's syncer,
 * or after a migration), on the flushing thread; NULL removes it. False when the store
 * flushes no WAL of its own: not SQLite, a bulk load, or the syncer did not start (its
 * commits then fsync inside COMMIT). */
bool store_sqlite_flush_hook(struct store *s, void (*hook)(void *arg), void *arg);

#endif
