/*
 * Raw secret key files (see keyfile.h): creation and the checks on every read.
 */
#include "common/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* Creates the key file with fresh material (never over an existing file). */
static int create_key_file(const char *path, uint8_t *material, size_t len, char *err,
                           size_t errlen) {
  if (1 != RAND_bytes(material, (int)len)) {
    snprintf(err, errlen, "%s: no randomness for a new key", path);
    return -1;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    return -1;
  }
  ssize_t w = write(fd, material, len);
  int synced = fsync(fd);
  close(fd);
  if ((ssize_t)len != w || 0 != synced) {
    unlink(path);
    snprintf(err, errlen, "cannot write %s", path);
    return -1;
  }
  return 0;
}

int keyfile_secret(uint8_t *out, size_t len, const char *path, bool create, char *err,
                   size_t errlen) {
  struct stat st;
  int ret = -1;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && ENOENT == errno && create) {
    ret = create_key_file(path, out, len, err, errlen);
  } else if (fd < 0) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
  } else if (0 != fstat(fd, &st) || !S_ISREG(st.st_mode) || 0 != (st.st_mode & 077)) {
    snprintf(err, errlen, "%s must be a regular file of mode 0600", path);
  } else if ((ssize_t)len != read(fd, out, len) || (off_t)len != st.st_size) {
    snprintf(err, errlen, "%s must hold exactly %zu bytes", path, len);
  } else {
    ret = 0;
  }
  if (fd >= 0) {
    close(fd);
  }
  if (0 != ret) {
    OPENSSL_cleanse(out, len);
  }
  return ret;
}
