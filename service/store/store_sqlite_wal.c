/*
 * The writer's WAL file, flushed outside SQLite. Once the group commit's syncer runs, the
 * writer commits with synchronous=NORMAL: COMMIT writes its frames to the WAL without an
 * fsync, and the syncer makes them durable here, with fdatasync on a descriptor of the same
 * file, before anyone is told that the commit happened. Linux flushes a file's pages
 * whichever descriptor wrote them, and the WAL is a log: a flush makes everything written to
 * it before the call durable, and recovery after a power loss replays a prefix of the
 * commits, so a flush that follows a later commit vouches for the earlier ones too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_sqlite.h"
#include "store/store_sqlite_foundation.h"

int store_sqlite_wal_open(struct sq_store *s, char *err, size_t errlen) {
  const char *db = sqlite3_db_filename(s->writer->db, "main");
  const char *wal = NULL != db ? sqlite3_filename_wal(db) : NULL;
  s->wal_fd = -1;
  s->wal_path = NULL;
  if (NULL == wal || '\0' == wal[0]) {
    store_set_err(err, errlen, "%s: SQLite names no WAL file", s->path);
    return STORE_HARD;
  }
  if (0 != pthread_mutex_init(&s->wal_lock, NULL)) {
    store_set_err(err, errlen, "cannot initialise the WAL's lock");
    return STORE_HARD;
  }
  s->wal_path = strdup(wal);
  if (NULL == s->wal_path) {
    pthread_mutex_destroy(&s->wal_lock);
    store_set_err(err, errlen, "out of memory");
    return STORE_UNAVAILABLE;
  }
  /* Read-only: fdatasync needs no write access, and nothing is written through it. */
  s->wal_fd = open(s->wal_path, O_RDONLY | O_CLOEXEC);
  if (s->wal_fd < 0) {
    store_set_err(err, errlen, "%s: %s", s->wal_path, strerror(errno));
    store_sqlite_wal_close(s);
    return STORE_UNAVAILABLE;
  }
  return STORE_OK;
}

/* True when fd is the file at path now. SQLite deletes the WAL only when the last
 * connection to the database closes, which the store's own open connections prevent; the
 * check costs two system calls per flush and keeps a flush from going to a file that is no
 * longer the WAL whatever removed it. */
static bool still_the_wal(int fd, const char *path) {
  struct stat a, b;
  return 0 == fstat(fd, &a) && 0 == stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* fdatasync of the WAL: 0, or an errno value. */
static int wal_flush(struct sq_store *s) {
  int rc = 0;
  if (NULL != s->wal_flush_hook) {
    s->wal_flush_hook(s->wal_flush_hook_arg);
  }
  pthread_mutex_lock(&s->wal_lock);
  if (!still_the_wal(s->wal_fd, s->wal_path)) {
    int fd = open(s->wal_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      rc = errno;
      pthread_mutex_unlock(&s->wal_lock);
      return rc;
    }
    close(s->wal_fd);
    s->wal_fd = fd;
  }
  while (0 != fdatasync(s->wal_fd)) {
    if (EINTR != errno) {
      rc = errno;
      break;
    }
  }
  pthread_mutex_unlock(&s->wal_lock);
  return rc;
}

void store_sqlite_wal_flush_or_stop(struct sq_store *s) {
  int rc = wal_flush(s);
  if (0 == rc) {
    return;
  }
  /* The commits are in the WAL and visible, but not known to be on disk, and after a failed
   * fdatasync the kernel may have dropped their pages, so a later flush that succeeds would
   * not vouch for them. Nobody has been told they succeeded: stop here (as PostgreSQL does
   * on a failed fsync); a restart recovers the database from what reached the disk. */
  store_logf(&s->base, STORE_LOG_ERROR,
             "%s: fdatasync failed: %s; stopping, since writes can no longer be acknowledged "
             "as durable",
             s->wal_path, strerror(rc));
  abort();
}

void store_sqlite_wal_close(struct sq_store *s) {
  if (NULL == s->wal_path) {
    return; /* never opened */
  }
  if (s->wal_fd >= 0) {
    close(s->wal_fd);
  }
  s->wal_fd = -1;
  pthread_mutex_destroy(&s->wal_lock);
  free(s->wal_path);
  s->wal_path = NULL;
}

bool store_sqlite_flush_hook(struct store *base, void (*hook)(void *arg), void *arg) {
  if (0 != strcmp(store_backend_name(base), "sqlite")) {
    return false;
  }
  struct sq_store *s = sq_store(base);
  if (!s->syncer_running) {
    return false;
  }
  s->wal_flush_hook_arg = arg;
  s->wal_flush_hook = hook;
  return true;
}
