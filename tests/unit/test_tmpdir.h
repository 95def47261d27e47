/*
 * Temporary directories for the unit tests: made with mkdtemp, removed with everything in
 * them by walking the tree (readdir, unlink, rmdir), never by running a shell.
 */
#ifndef TEST_TMPDIR_H
#define TEST_TMPDIR_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Makes /tmp/ujikom-<tag>-XXXXXX in dir (size dirsize). 0, or -1 with dir[0] = '\0'. */
static inline int test_tmpdir_make(char *dir, size_t dirsize, const char *tag) {
  int n = snprintf(dir, dirsize, "/tmp/ujikom-%s-XXXXXX", tag);
  if (n < 0 || (size_t)n >= dirsize || NULL == mkdtemp(dir)) {
    perror("mkdtemp");
    if (dirsize > 0) {
      dir[0] = '\0';
    }
    return -1;
  }
  return 0;
}

/* Removes path: a directory after everything in it (depth first), anything else (a symbolic
 * link included, never followed) with unlink. 0 or -1. */
static inline int test_tmpdir_remove_tree(const char *path) {
  struct stat sb;
  DIR *d = NULL;
  struct dirent *e = NULL;
  int rc = 0;
  if (0 != lstat(path, &sb)) {
    return -1;
  }
  if (!S_ISDIR(sb.st_mode)) {
    return unlink(path);
  }
  chmod(path, 0700); /* a test may have left it read-only */
  d = opendir(path);
  if (NULL == d) {
    return -1;
  }
  while (NULL != (e = readdir(d))) {
    char child[PATH_MAX];
    if (0 == strcmp(e->d_name, ".") || 0 == strcmp(e->d_name, "..")) {
      continue;
    }
    int n = snprintf(child, sizeof child, "%s/%s", path, e->d_name);
    if (n < 0 || (size_t)n >= sizeof child || 0 != test_tmpdir_remove_tree(child)) {
      rc = -1;
    }
  }
  closedir(d);
  if (0 != rmdir(path)) {
    rc = -1;
  }
  return rc;
}

/* Removes dir and everything in it. 0, or -1 with a line on stderr. */
static inline int test_tmpdir_remove(const char *dir) {
  if (0 != test_tmpdir_remove_tree(dir)) {
    fprintf(stderr, "could not remove %s\n", dir);
    return -1;
  }
  return 0;
}

#endif
