/*
 * SQLite-only operations on database files: the checks that refuse a damaged or foreign file
 * before anything writes to it (at start-up, bounded; for `ujikom check`, every page), and
 * the online backup and restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_sqlite_foundation.h"

static const char sqlite_magic[16] = "SQLite format 3";

/* ------------------------------------------------------------------------------------ */
/* checks before any write */

/* Checks the 100-byte database header against the file format's fixed rules (magic, a
 * power-of-two page size, the file a whole number of pages, the fixed payload fractions,
 * known format numbers). Cheap, and it catches a file that is not, or no longer, an SQLite
 * database before SQLite reads anything else of it. */
static int check_header(const char *path, char *err, size_t errlen) {
  unsigned char h[100];
  struct stat sb;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  ssize_t got = 0;
  if (fd < 0) {
    store_set_err(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    return STORE_UNAVAILABLE;
  }
  got = read(fd, h, sizeof h);
  if (0 != fstat(fd, &sb)) {
    sb.st_size = 0;
  }
  close(fd);
  if (got < 16 || 0 != memcmp(h, sqlite_magic, sizeof sqlite_magic)) {
    store_set_err(err, errlen, "%s: not an SQLite database (refusing to touch it)", path);
    return STORE_HARD;
  }
  /* Offsets and expected values of the database header (sqlite.org/fileformat.html 1.3). */
  enum {
    HDR_PAGE_SIZE = 16,     /* 2 bytes, big-endian; 1 means 65536 */
    HDR_WRITE_VERSION = 18, /* 1 legacy, 2 WAL */
    HDR_READ_VERSION = 19,  /* 1 legacy, 2 WAL */
    HDR_MAX_PAYLOAD = 21,   /* must be 64 */
    HDR_MIN_PAYLOAD = 22,   /* must be 32 */
    HDR_LEAF_PAYLOAD = 23,  /* must be 32 */
    HDR_SCHEMA_FORMAT = 44, /* 4 bytes big-endian, 0..4 (the first byte is checked) */
    HDR_TEXT_ENCODING = 56, /* 4 bytes big-endian, 0..3 (the first byte is checked) */
  };
  unsigned page = (unsigned)h[HDR_PAGE_SIZE] << 8 | h[HDR_PAGE_SIZE + 1];
  if (1 == page) {
    page = 65536;
  }
  bool page_ok = page >= 512 && page <= 65536 && 0 == (page & (page - 1));
  if (got != (ssize_t)sizeof h || !page_ok || sb.st_size < (off_t)page ||
      0 != sb.st_size % (off_t)page || h[HDR_WRITE_VERSION] < 1 || h[HDR_WRITE_VERSION] > 2 ||
      h[HDR_READ_VERSION] < 1 || h[HDR_READ_VERSION] > 2 || 64 != h[HDR_MAX_PAYLOAD] ||
      32 != h[HDR_MIN_PAYLOAD] || 32 != h[HDR_LEAF_PAYLOAD] || h[HDR_SCHEMA_FORMAT] > 4 ||
      h[HDR_TEXT_ENCODING] > 3) {
    store_set_err(err, errlen, "%s: database is corrupt: invalid header (refusing to touch it)",
                  path);
    return STORE_HARD;
  }
  return STORE_OK;
}

/* Runs one PRAGMA that answers "ok" when the database is intact. */
static int run_check(sqlite3 *db, const char *path, const char *pragma, char *err, size_t errlen) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, pragma, -1, &st, NULL);
  int result = STORE_HARD;
  if (SQLITE_OK == rc) {
    rc = sqlite3_step(st);
  }
  if (SQLITE_ROW != rc) {
    store_set_err(err, errlen, "%s: database is corrupt or unreadable: %s", path,
                  sqlite3_errmsg(db));
  } else {
    const char *res = (const char *)sqlite3_column_text(st, 0);
    if (NULL == res || 0 != strcmp(res, "ok")) {
      store_set_err(err, errlen, "%s: database is corrupt: %s", path, NULL == res ? "?" : res);
    } else {
      result = STORE_OK;
    }
  }
  sqlite3_finalize(st);
  return result;
}

/* The bounded part of the start-up check: the first and the last row of every table, which
 * makes SQLite read (and validate) each table's root page and the pages down to its first
 * and last leaf, where the most recent writes land: a few pages per table, whatever the
 * database's size. */
static int check_table_ends(sqlite3 *db, const char *path, char *err, size_t errlen) {
  sqlite3_stmt *names = NULL;
  int result = STORE_OK;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
                              "LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%'",
                              -1, &names, NULL);
  if (SQLITE_OK != rc) {
    store_set_err(err, errlen, "%s: database is corrupt or unreadable: %s", path,
                  sqlite3_errmsg(db));
    return STORE_HARD;
  }
  while (STORE_OK == result && SQLITE_ROW == (rc = sqlite3_step(names))) {
    const char *name = (const char *)sqlite3_column_text(names, 0);
    for (int end = 0; STORE_OK == result && NULL != name && end < 2; end++) {
      /* WITHOUT ROWID tables have no rowid: their first row (by primary key) is read. */
      char *sql = sqlite3_mprintf(0 == end ? "SELECT * FROM \"%w\" LIMIT 1"
                                           : "SELECT * FROM \"%w\" ORDER BY rowid DESC LIMIT 1",
                                  name);
      sqlite3_stmt *st = NULL;
      int prc = NULL == sql ? SQLITE_NOMEM : sqlite3_prepare_v2(db, sql, -1, &st, NULL);
      int src = SQLITE_OK == prc ? sqlite3_step(st) : prc;
      bool no_rowid = 1 == end && SQLITE_ERROR == prc;
      if (!no_rowid && SQLITE_ROW != src && SQLITE_DONE != src) {
        store_set_err(err, errlen, "%s: database is corrupt or unreadable: table %s: %s", path,
                      name, sqlite3_errmsg(db));
        result = STORE_HARD;
      }
      sqlite3_finalize(st);
      sqlite3_free(sql);
    }
  }
  if (STORE_OK == result && SQLITE_DONE != rc) {
    store_set_err(err, errlen, "%s: database is corrupt or unreadable: %s", path,
                  sqlite3_errmsg(db));
    result = STORE_HARD;
  }
  sqlite3_finalize(names);
  return result;
}

/* Checks an existing, non-empty file read-only: its header, the schema (parsed, and its
 * B-tree checked), the first and last rows of every table, and a schema version this
 * program knows; with full, every page instead (PRAGMA quick_check, which reads the whole
 * file: ~1.6 s per GB). Start-up uses the bounded check, so it does not grow with the
 * database: a file cut off or overwritten, a torn write at a table's end, are refused; damage
 * deeper inside is reported by SQLite when a request reads it, and by the full check
 * (`ujikom check`, which backups and restores also pass through).
 * Writes *out_version. Returns STORE_OK or negative + err. */
int store_file_check_existing(const char *path, bool full, int *out_version, char *err,
                              size_t errlen) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int result = STORE_HARD;
  int rc = check_header(path, err, errlen);
  *out_version = 0;
  if (STORE_OK != rc) {
    return rc;
  }
  rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (SQLITE_OK != rc) {
    store_set_err(err, errlen, "%s: cannot open read-only: %s", path, sqlite3_errstr(rc));
    result = store_map_code(rc);
    goto cleanup;
  }
  sqlite3_exec(db, "PRAGMA trusted_schema=OFF", NULL, NULL, NULL);
  result = run_check(db, path, full ? "PRAGMA quick_check(1)" : "PRAGMA quick_check(sqlite_schema)",
                     err, errlen);
  if (STORE_OK == result && !full) {
    result = check_table_ends(db, path, err, errlen);
  }
  if (STORE_OK != result) {
    goto cleanup;
  }
  result = STORE_HARD;
  rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
  if (SQLITE_OK == rc) {
    rc = sqlite3_step(st);
  }
  if (SQLITE_ROW != rc) {
    store_set_err(err, errlen, "%s: cannot read schema version: %s", path, sqlite3_errmsg(db));
    goto cleanup;
  }
  *out_version = sqlite3_column_int(st, 0);
  if (*out_version > store_schema_latest() || *out_version < 0) {
    store_set_err(err, errlen,
                  "%s: schema version %d is newer than this program knows (%d); upgrade ujikom",
                  path, *out_version, store_schema_latest());
    goto cleanup;
  }
  result = STORE_OK;
cleanup:
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

int store_check_file(const char *path, char *err, size_t errlen) {
  if (NULL != path && NULL == (path = store_sqlite_path(path))) {
    store_set_err(err, errlen, "check: the database is not an SQLite file (use pg_amcheck)");
    return STORE_HARD;
  }
  struct stat sb;
  int version = 0;
  if (NULL == path || 0 != stat(path, &sb) || !S_ISREG(sb.st_mode)) {
    store_set_err(err, errlen, "%s: no such database file", NULL == path ? "?" : path);
    return STORE_NONE;
  }
  return store_file_check_existing(path, true, &version, err, errlen);
}

/* Refuses a directory we cannot write (WAL needs the -wal and -shm files beside the db). */
int store_file_check_directory(const char *path, char *err, size_t errlen) {
  char dir[PATH_MAX];
  const char *slash = strrchr(path, '/');
  size_t n = 0;
  if (NULL == slash) {
    dir[0] = '.';
    dir[1] = '\0';
  } else {
    n = (size_t)(slash - path);
    if (0 == n) {
      n = 1; /* "/file" */
    }
    if (n >= sizeof dir) {
      store_set_err(err, errlen, "%s: path too long", path);
      return STORE_HARD;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
  }
  if (0 != access(dir, W_OK | X_OK)) {
    store_set_err(err, errlen, "%s: directory is not writable: %s", dir, strerror(errno));
    return STORE_UNAVAILABLE;
  }
  return STORE_OK;
}

/* The database holds password hashes, answers and the audit log: like the signing keys, it
 * is the service's alone. A missing file is created empty with mode 0600 whatever the umask
 * (SQLite gives the -wal and -shm files the database's mode); an existing one that group or
 * others may read or write is refused, as a key file is. */
int store_file_check_private(const char *path, char *err, size_t errlen) {
  struct stat sb;
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) {
    close(fd);
    return STORE_OK;
  }
  if (EEXIST != errno || 0 != stat(path, &sb)) {
    store_set_err(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    return STORE_UNAVAILABLE;
  }
  if (0 != (sb.st_mode & 077)) {
    store_set_err(err, errlen,
                  "%s: the database is readable or writable by group or others (mode %03o); "
                  "refusing to use it (chmod 600 it, and find out who could read it: it holds "
                  "password hashes and answers)",
                  path, (unsigned)(sb.st_mode & 0777));
    return STORE_HARD;
  }
  return STORE_OK;
}

/* ------------------------------------------------------------------------------------ */
/* backup and restore */

/* Copies everything from src to dst (both open) with the online backup API. */
static int copy_db(sqlite3 *dst, sqlite3 *src, char *err, size_t errlen) {
  sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
  int rc = SQLITE_OK;
  if (NULL == b) {
    store_set_err(err, errlen, "backup: %s", sqlite3_errmsg(dst));
    return store_map_code(sqlite3_errcode(dst));
  }
  /* Small steps with a pause on BUSY/LOCKED, so a busy daemon keeps working; a bounded
   * number of pauses so a stuck lock ends in a clear error. */
  for (int pauses = 0;;) {
    rc = sqlite3_backup_step(b, 256);
    if (SQLITE_DONE == rc) {
      break;
    }
    if (SQLITE_OK == rc) {
      continue;
    }
    if ((SQLITE_BUSY == rc || SQLITE_LOCKED == rc) && pauses < 600) {
      pauses++;
      store_sleep_ms(50);
      continue;
    }
    break;
  }
  sqlite3_backup_finish(b);
  if (SQLITE_DONE != rc) {
    store_set_err(err, errlen, "backup: %s", sqlite3_errstr(rc));
    return store_map_code(rc) < 0 ? store_map_code(rc) : STORE_HARD;
  }
  rc = sqlite3_errcode(dst);
  if (SQLITE_OK != rc) {
    store_set_err(err, errlen, "backup: %s", sqlite3_errmsg(dst));
    return store_map_code(rc) < 0 ? store_map_code(rc) : STORE_HARD;
  }
  return STORE_OK;
}

const char *store_sqlite_path(const char *database) {
  if (NULL == database) {
    return NULL;
  }
  if (0 == strncmp(database, "postgresql://", 13) || 0 == strncmp(database, "postgres://", 11)) {
    return NULL;
  }
  if (0 == strncmp(database, "sqlite:", 7)) {
    return database + 7;
  }
  return database;
}

int store_backup(struct store *s, const char *dest_path, char *err, size_t errlen) {
  sqlite3 *src = NULL, *dst = NULL;
  int rc = STORE_HARD;
  int fd = -1;
  bool created = false;
  if (0 != strcmp("sqlite", store_backend_name(s))) {
    store_set_err(err, errlen,
                  "backup: the database is not an SQLite file (use pg_dump or a base backup)");
    return STORE_HARD;
  }
  const struct sq_store *sq = sq_store(s);
  if (NULL == dest_path || '\0' == dest_path[0]) {
    store_set_err(err, errlen, "no backup file given");
    return STORE_HARD;
  }
  fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    store_set_err(err, errlen, "%s: %s", dest_path,
                  EEXIST == errno ? "already exists (refusing to overwrite)" : strerror(errno));
    return EEXIST == errno ? STORE_EXISTS : STORE_UNAVAILABLE;
  }
  close(fd);
  created = true;
  if (SQLITE_OK !=
      sqlite3_open_v2(sq->path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL)) {
    store_set_err(err, errlen, "%s: %s", sq->path, sqlite3_errmsg(src));
    rc = STORE_UNAVAILABLE;
    goto cleanup;
  }
  sqlite3_busy_timeout(src, (int)sq->base.opts.busy_timeout_ms);
  if (SQLITE_OK !=
      sqlite3_open_v2(dest_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)) {
    store_set_err(err, errlen, "%s: %s", dest_path, sqlite3_errmsg(dst));
    rc = STORE_UNAVAILABLE;
    goto cleanup;
  }
  sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
  rc = copy_db(dst, src, err, errlen);
  if (STORE_OK == rc) {
    /* Leave a self-contained file: no -wal beside it. */
    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
  }
cleanup:
  sqlite3_close(src);
  sqlite3_close(dst);
  if (STORE_OK != rc && created) {
    unlink(dest_path);
  }
  return rc;
}

int store_restore(const char *db_path, const char *src_path, const struct store_opts *opts,
                  char *err, size_t errlen) {
  sqlite3 *src = NULL, *dst = NULL;
  struct store *s = NULL;
  struct stat sb;
  struct store_opts o = {0};
  int version = 0;
  int rc = STORE_HARD;
  if (NULL == db_path || NULL == src_path) {
    store_set_err(err, errlen, "restore needs a database and a backup file");
    return STORE_HARD;
  }
  db_path = store_sqlite_path(db_path);
  if (NULL == db_path) {
    store_set_err(err, errlen, "restore: the database is not an SQLite file (use pg_restore)");
    return STORE_HARD;
  }
  if (0 != stat(src_path, &sb) || !S_ISREG(sb.st_mode)) {
    store_set_err(err, errlen, "%s: no such backup file", src_path);
    return STORE_HARD;
  }
  rc = store_file_check_existing(src_path, true, &version, err, errlen);
  if (STORE_OK != rc) {
    return rc;
  }
  if (version < 1) {
    store_set_err(err, errlen, "%s: not a ujikom database (schema version 0)", src_path);
    return STORE_HARD;
  }
  if (NULL != opts) {
    o = *opts;
  }
  /* Checks the target like start-up does (writable, intact or absent) and creates it. */
  o.migrate_to = -1;
  rc = store_open(&s, db_path, &o, err, errlen);
  if (STORE_OK != rc) {
    return rc;
  }
  store_close(s);
  s = NULL;
  if (SQLITE_OK !=
          sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) ||
      SQLITE_OK !=
          sqlite3_open_v2(db_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)) {
    store_set_err(err, errlen, "cannot open %s or %s", src_path, db_path);
    rc = STORE_UNAVAILABLE;
    goto cleanup;
  }
  sqlite3_busy_timeout(
      dst, o.busy_timeout_ms > 0 && o.busy_timeout_ms < INT_MAX ? (int)o.busy_timeout_ms : 5000);
  sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
  rc = copy_db(dst, src, err, errlen);
  if (STORE_OK != rc) {
    goto cleanup;
  }
  sqlite3_close(dst);
  dst = NULL;
  o.migrate_to = 0;
  rc = store_open(&s, db_path, &o, err, errlen);
  store_close(s);
cleanup:
  sqlite3_close(src);
  sqlite3_close(dst);
  return rc;
}
