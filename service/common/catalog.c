/*
 * The exam catalogue: reads the exams directory, keeps every exam version ever loaded (by
 * content hash) for the process lifetime, and swaps the current set on reload under a
 * mutex. Exams are immutable once loaded, so pointers handed out stay valid without
 * reference counting.
 */
#include "common/catalog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "store/store.h"

struct cat_version {
  struct exam *exam;
  char *source;
  size_t len;
  char *file;
};

struct catalog {
  pthread_mutex_t mu;
  char dir[512];
  struct exam_subsectors **subs_all; /* every list loaded; the last is current */
  size_t nsubs_all;
  struct cat_version **versions; /* every version loaded, never removed */
  size_t nversions;
  size_t cap_versions;
  const struct exam **current; /* sorted by id */
  size_t ncurrent;
};

int catalog_read_file(char **out, size_t *out_len, const char *path, char *err, size_t errlen) {
  *out = NULL;
  *out_len = 0;
  char *buf = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "cannot open: %s", strerror(errno));
    return -1;
  }
  struct stat sb;
  if (0 != fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
    snprintf(err, errlen, "not a regular file");
    goto fail;
  }
  if (sb.st_size > (off_t)CATALOG_MAX_FILE) {
    snprintf(err, errlen, "larger than %u bytes", CATALOG_MAX_FILE);
    goto fail;
  }
  size_t cap = (size_t)sb.st_size + 2, n = 0; /* one spare byte detects growth */
  buf = malloc(cap);
  if (NULL == buf) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  for (;;) {
    if (n >= cap - 1) { /* the file grew while reading */
      snprintf(err, errlen, "changed while being read");
      goto fail;
    }
    ssize_t got = read(fd, buf + n, cap - 1 - n);
    if (got < 0 && EINTR == errno) {
      continue;
    }
    if (got < 0) {
      snprintf(err, errlen, "read error: %s", strerror(errno));
      goto fail;
    }
    if (0 == got) {
      break;
    }
    n += (size_t)got;
  }
  buf[n] = '\0';
  close(fd);
  *out = buf;
  *out_len = n;
  return 0;
fail:
  free(buf);
  close(fd);
  return -1;
}

static int load_subsectors(struct exam_subsectors **out, const char *path,
                           struct exam_errors *errs) {
  char *buf = NULL;
  size_t len = 0;
  char err[600];
  *out = NULL;
  if (0 != catalog_read_file(&buf, &len, path, err, sizeof(err))) {
    exam_errors_add(errs, path, 1, 1, "%s", err);
    return -1;
  }
  int rc = exam_subsectors_parse(out, errs, buf, len, path);
  free(buf);
  return rc;
}

static bool has_suffix(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && 0 == strcmp(s + a - b, suffix);
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_exam_id(const void *a, const void *b) {
  return strcmp((*(const struct exam *const *)a)->id, (*(const struct exam *const *)b)->id);
}

/* Sorted *.exam.yaml names in dir; -1 when the directory cannot be read. */
static int list_exam_files(char ***out, size_t *out_n, const char *dir) {
  *out = NULL;
  *out_n = 0;
  DIR *d = opendir(dir);
  if (NULL == d) {
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  int rc = 0;
  while (NULL != (e = readdir(d))) {
    if ('.' == e->d_name[0] || !has_suffix(e->d_name, ".exam.yaml")) {
      continue;
    }
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 32;
      char **nn = realloc(names, ncap * sizeof(*nn));
      if (NULL == nn) {
        rc = -1;
        break;
      }
      names = nn;
      cap = ncap;
    }
    names[n] = strdup(e->d_name);
    if (NULL == names[n]) {
      rc = -1;
      break;
    }
    n++;
  }
  closedir(d);
  if (0 != rc) {
    for (size_t i = 0; i < n; i++) {
      free(names[i]);
    }
    free(names);
    return -1;
  }
  if (n > 1) {
    qsort(names, n, sizeof(*names), cmp_name);
  }
  *out = names;
  *out_n = n;
  return 0;
}

static void free_names(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
  free(names);
}

/* Caller holds the lock. */
static struct cat_version *find_version(struct catalog *c, const char *version) {
  for (size_t i = 0; i < c->nversions; i++) {
    if (0 == strcmp(c->versions[i]->exam->version, version)) {
      return c->versions[i];
    }
  }
  return NULL;
}

/* Adds a parsed exam (taking ownership of exam and src) unless the version exists already,
 * in which case the new copy is freed. Caller holds the lock. Returns the version or NULL. */
static struct cat_version *add_version(struct catalog *c, struct exam *exam, char *src, size_t len,
                                       const char *file) {
  struct cat_version *v = find_version(c, exam->version);
  if (NULL != v) {
    exam_free(exam);
    free(src);
    return v;
  }
  if (c->nversions == c->cap_versions) {
    size_t ncap = c->cap_versions ? c->cap_versions * 2 : 32;
    struct cat_version **nv = realloc(c->versions, ncap * sizeof(*nv));
    if (NULL == nv) {
      goto fail;
    }
    c->versions = nv;
    c->cap_versions = ncap;
  }
  v = calloc(1, sizeof(*v));
  char *fcopy = strdup(file);
  if (NULL == v || NULL == fcopy) {
    free(v);
    free(fcopy);
    goto fail;
  }
  v->exam = exam;
  v->source = src;
  v->len = len;
  v->file = fcopy;
  c->versions[c->nversions++] = v;
  return v;
fail:
  exam_free(exam);
  free(src);
  return NULL;
}

static void log_errors(const struct exam_errors *errs, size_t from) {
  for (size_t i = from; i < errs->n; i++) {
    log_msg(LOG_WARN, NULL, "exam skipped: %s", errs->lines[i]);
  }
}

/* Loads the directory into c (lock not held: only the loader thread mutates the lists, and
 * it takes the lock for each change). */
/* The exam currently served from file `name` (a reload keeps it when the file has become
 * unreadable or invalid), or NULL. */
static const struct exam *current_from_file(struct catalog *c, const char *name) {
  const struct exam *found = NULL;
  pthread_mutex_lock(&c->mu);
  for (size_t i = 0; i < c->ncurrent && NULL == found; i++) {
    struct cat_version *v = find_version(c, c->current[i]->version);
    if (NULL != v && NULL != v->file && 0 == strcmp(v->file, name)) {
      found = v->exam;
    }
  }
  pthread_mutex_unlock(&c->mu);
  return found;
}

/* True (logged as skipping path) when exam_id is already in the new current set. */
static bool id_taken(const struct exam **cur, size_t ncur, const char *exam_id, const char *path) {
  for (size_t k = 0; k < ncur; k++) {
    if (0 == strcmp(cur[k]->id, exam_id)) {
      log_msg(LOG_WARN, NULL, "exam skipped: %s:1:1: exam id %s is already used by another file",
              path, exam_id);
      return true;
    }
  }
  return false;
}

static int load_dir(struct catalog *c, char *err, size_t errlen) {
  char path[1100];
  struct exam_errors errs = {0};
  struct exam_subsectors *subs = NULL;
  char **names = NULL;
  size_t nnames = 0;
  const struct exam **cur = NULL;
  size_t ncur = 0;
  int rc = -1;

  snprintf(path, sizeof(path), "%s/subsectors.yaml", c->dir);
  if (0 != load_subsectors(&subs, path, &errs)) {
    snprintf(err, errlen, "%s", errs.n ? errs.lines[0] : "cannot load the subsector list");
    goto cleanup;
  }
  if (0 != list_exam_files(&names, &nnames, c->dir)) {
    snprintf(err, errlen, "%s: cannot read the exams directory: %s", c->dir, strerror(errno));
    goto cleanup;
  }
  cur = calloc(nnames ? nnames : 1, sizeof(*cur));
  if (NULL == cur) {
    snprintf(err, errlen, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < nnames; i++) {
    char *src = NULL, ferr[1200];
    size_t len = 0;
    struct exam *exam = NULL;
    size_t before = errs.n;
    snprintf(path, sizeof(path), "%s/%s", c->dir, names[i]);
    bool readable = 0 == catalog_read_file(&src, &len, path, ferr, sizeof(ferr));
    if (!readable) {
      log_msg(LOG_WARN, NULL, "exam skipped: %s: %s", path, ferr);
    }
    if (!readable || 0 != exam_parse(&exam, &errs, src, len, path, subs)) {
      if (readable) {
        log_errors(&errs, before);
      }
      free(src);
      /* On a reload, a file that broke keeps serving the version loaded before it. */
      const struct exam *previous = current_from_file(c, names[i]);
      if (NULL != previous && !id_taken(cur, ncur, previous->id, path)) {
        cur[ncur++] = previous;
        log_msg(LOG_WARN, NULL, "%s: keeping the previously loaded version of exam %s", path,
                previous->id);
      }
      continue;
    }
    if (id_taken(cur, ncur, exam->id, path)) {
      exam_free(exam);
      free(src);
      continue;
    }
    pthread_mutex_lock(&c->mu);
    struct cat_version *v = add_version(c, exam, src, len, names[i]);
    pthread_mutex_unlock(&c->mu);
    if (NULL == v) {
      snprintf(err, errlen, "out of memory");
      goto cleanup;
    }
    cur[ncur++] = v->exam;
  }
  if (ncur > 1) {
    qsort(cur, ncur, sizeof(*cur), cmp_exam_id);
  }

  pthread_mutex_lock(&c->mu);
  struct exam_subsectors **ns = realloc(c->subs_all, (c->nsubs_all + 1) * sizeof(*ns));
  if (NULL != ns) {
    c->subs_all = ns;
    c->subs_all[c->nsubs_all++] = subs;
    subs = NULL;
    const struct exam **old = c->current;
    c->current = cur;
    c->ncurrent = ncur;
    cur = old;
    rc = 0;
  }
  pthread_mutex_unlock(&c->mu);
  if (0 != rc) {
    snprintf(err, errlen, "out of memory");
  } else {
    log_msg(LOG_INFO, NULL, "exam catalogue: %zu exam(s) from %s", ncur, c->dir);
  }

cleanup:
  free(cur);
  free_names(names, nnames);
  exam_subsectors_free(subs);
  exam_errors_clear(&errs);
  return rc;
}

int catalog_open(struct catalog **out, const char *dir, char *err, size_t errlen) {
  *out = NULL;
  struct catalog *c = calloc(1, sizeof(*c));
  if (NULL == c) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (strlen(dir) >= sizeof(c->dir)) {
    snprintf(err, errlen, "exams directory path is too long");
    free(c);
    return -1;
  }
  memcpy(c->dir, dir, strlen(dir) + 1);
  pthread_mutex_init(&c->mu, NULL);
  if (0 != load_dir(c, err, errlen)) {
    catalog_free(c);
    return -1;
  }
  *out = c;
  return 0;
}

int catalog_reload(struct catalog *c, char *err, size_t errlen) {
  return load_dir(c, err, errlen);
}

void catalog_free(struct catalog *c) {
  if (NULL == c) {
    return;
  }
  for (size_t i = 0; i < c->nversions; i++) {
    exam_free(c->versions[i]->exam);
    free(c->versions[i]->source);
    free(c->versions[i]->file);
    free(c->versions[i]);
  }
  free(c->versions);
  for (size_t i = 0; i < c->nsubs_all; i++) {
    exam_subsectors_free(c->subs_all[i]);
  }
  free(c->subs_all);
  free(c->current);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

const struct exam_subsectors *catalog_subsectors(struct catalog *c) {
  pthread_mutex_lock(&c->mu);
  const struct exam_subsectors *s = c->nsubs_all ? c->subs_all[c->nsubs_all - 1] : NULL;
  pthread_mutex_unlock(&c->mu);
  return s;
}

int catalog_list(struct catalog *c, const struct exam ***out, size_t *out_n) {
  *out = NULL;
  *out_n = 0;
  pthread_mutex_lock(&c->mu);
  const struct exam **copy = calloc(c->ncurrent ? c->ncurrent : 1, sizeof(*copy));
  if (NULL != copy) {
    if (c->ncurrent) {
      memcpy(copy, c->current, c->ncurrent * sizeof(*copy));
    }
    *out_n = c->ncurrent;
  }
  pthread_mutex_unlock(&c->mu);
  if (NULL == copy) {
    return -1;
  }
  *out = copy;
  return 0;
}

const struct exam *catalog_current(struct catalog *c, const char *exam_id) {
  const struct exam *found = NULL;
  pthread_mutex_lock(&c->mu);
  for (size_t i = 0; i < c->ncurrent && NULL == found; i++) {
    if (0 == strcmp(c->current[i]->id, exam_id)) {
      found = c->current[i];
    }
  }
  pthread_mutex_unlock(&c->mu);
  return found;
}

const struct exam *catalog_version(struct catalog *c, const char *version) {
  pthread_mutex_lock(&c->mu);
  struct cat_version *v = find_version(c, version);
  pthread_mutex_unlock(&c->mu);
  return v ? v->exam : NULL;
}

int catalog_source(struct catalog *c, const char *version, const char **out_src, size_t *out_len,
                   const char **out_file) {
  pthread_mutex_lock(&c->mu);
  struct cat_version *v = find_version(c, version);
  pthread_mutex_unlock(&c->mu);
  if (NULL == v) {
    return -1;
  }
  *out_src = v->source;
  *out_len = v->len;
  *out_file = v->file;
  return 0;
}

int catalog_add_source(struct catalog *c, const struct exam **out, const char *src, size_t len,
                       const char *file, struct exam_errors *errs) {
  *out = NULL;
  struct exam *exam = NULL;
  /* Snapshots were valid when stored; check their subsector against the current list only
   * loosely (a subsector may have been renamed since): no catalogue check here. */
  if (0 != exam_parse(&exam, errs, src, len, file, NULL)) {
    return -1;
  }
  char *copy = malloc(len + 1);
  if (NULL == copy) {
    exam_free(exam);
    exam_errors_add(errs, file, 1, 1, "out of memory");
    return -1;
  }
  memcpy(copy, src, len);
  copy[len] = '\0';
  pthread_mutex_lock(&c->mu);
  struct cat_version *v = add_version(c, exam, copy, len, file);
  pthread_mutex_unlock(&c->mu);
  if (NULL == v) {
    exam_errors_add(errs, file, 1, 1, "out of memory");
    return -1;
  }
  *out = v->exam;
  return 0;
}

int catalog_version_from_store(struct catalog *c, struct store *store, const struct exam **out,
                               const char *version) {
  *out = catalog_version(c, version);
  if (NULL != *out) {
    return 0;
  }
  struct store_rd *rd = NULL;
  char *src = NULL, file[600];
  size_t len = 0;
  if (STORE_OK != store_rd_begin(store, &rd)) {
    return -2;
  }
  int rc = store_exam_source_get(rd, &src, &len, file, sizeof(file), version);
  store_rd_end(rd);
  if (rc < 0) {
    return -2;
  }
  if (STORE_OK != rc) {
    log_msg(LOG_ERROR, NULL, "exam version %.64s is neither loaded nor stored", version);
    return -1;
  }
  struct exam_errors errs = {0};
  int prc = catalog_add_source(c, out, src, len, file, &errs);
  if (0 != prc) {
    for (size_t i = 0; i < errs.n; i++) {
      log_msg(LOG_ERROR, NULL, "stored exam version %.12s does not load: %s", version,
              errs.lines[i]);
    }
  } else {
    log_msg(LOG_INFO, NULL, "exam version %.12s (%s) restored from the store", version, file);
  }
  exam_errors_clear(&errs);
  free(src);
  return 0 == prc ? 0 : -1;
}

size_t catalog_check_files(const char *const *paths, size_t n, const char *subsectors_path,
                           struct exam_errors *errs) {
  struct exam_subsectors *subs = NULL;
  size_t bad = 0;
  if (NULL != subsectors_path && 0 != load_subsectors(&subs, subsectors_path, errs)) {
    bad++;
  }
  struct seen {
    char id[41];
    const char *path;
  } *seen = calloc(n ? n : 1, sizeof(*seen));
  size_t nseen = 0;
  for (size_t i = 0; i < n; i++) {
    char *src = NULL, err[1200];
    size_t len = 0;
    struct exam *exam = NULL;
    if (0 != catalog_read_file(&src, &len, paths[i], err, sizeof(err))) {
      exam_errors_add(errs, paths[i], 1, 1, "%s", err);
      bad++;
      continue;
    }
    if (0 != exam_parse(&exam, errs, src, len, paths[i], subs)) {
      bad++;
    } else if (NULL != seen) {
      for (size_t k = 0; k < nseen; k++) {
        if (0 == strcmp(seen[k].id, exam->id)) {
          exam_errors_add(errs, paths[i], 1, 1, "exam id %s is already used by %s", exam->id,
                          seen[k].path);
          bad++;
          break;
        }
      }
      snprintf(seen[nseen].id, sizeof(seen[nseen].id), "%s", exam->id);
      seen[nseen].path = paths[i];
      nseen++;
    }
    exam_free(exam);
    free(src);
  }
  free(seen);
  exam_subsectors_free(subs);
  return bad;
}
