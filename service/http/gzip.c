/*
 * gzip for answers (see gzip.h).
 */
#include "http/gzip.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libdeflate.h>

bool gzip_worthwhile_type(const char *content_type) {
  if (NULL == content_type) {
    return false;
  }
  size_t n = strcspn(content_type, "; \t");
  static const char *const exact[] = {"application/json", "application/javascript",
                                      "application/xml", "image/svg+xml"};
  for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
    if (strlen(exact[i]) == n && 0 == strncasecmp(content_type, exact[i], n)) {
      return true;
    }
  }
  if (n > 5 && 0 == strncasecmp(content_type, "text/", 5)) {
    return true;
  }
  /* application/ld+json, application/problem+json, ... */
  return n > 17 && 0 == strncasecmp(content_type, "application/", 12) &&
         0 == strncasecmp(content_type + n - 5, "+json", 5);
}

/* One compressor per thread at GZIP_LEVEL_PER_REQUEST, kept for the next answer: making one
 * allocates and sets up its tables (~30 k instructions, against ~0.5 M for compressing a 5 KB
 * answer at level 9), and its ~230 KB stay with the thread as a freed one stayed in the
 * thread's malloc arena before. Other levels (start-up only) make one per call. */
static pthread_once_t compressor_once = PTHREAD_ONCE_INIT;
static pthread_key_t compressor_key;
static bool compressor_key_ok;

static void compressor_free(void *c) {
  libdeflate_free_compressor(c);
}

static void compressor_key_make(void) {
  compressor_key_ok = 0 == pthread_key_create(&compressor_key, compressor_free);
}

/* This thread's compressor at GZIP_LEVEL_PER_REQUEST, or NULL when out of memory. */
static struct libdeflate_compressor *thread_compressor(void) {
  if (0 != pthread_once(&compressor_once, compressor_key_make) || !compressor_key_ok) {
    return NULL;
  }
  struct libdeflate_compressor *c = pthread_getspecific(compressor_key);
  if (NULL == c) {
    c = libdeflate_alloc_compressor(GZIP_LEVEL_PER_REQUEST);
    if (NULL != c && 0 != pthread_setspecific(compressor_key, c)) {
      libdeflate_free_compressor(c);
      c = NULL;
    }
  }
  return c;
}

unsigned char *gzip_compress(const void *data, size_t size, int level, size_t *out_len) {
  *out_len = 0;
  /* Worth sending only when it saves a tenth: a buffer that small, and libdeflate answers 0
   * when the output does not fit. */
  size_t room = size - size / 10;
  if (room < 2) {
    return NULL;
  }
  room--;
  bool kept = GZIP_LEVEL_PER_REQUEST == level;
  struct libdeflate_compressor *c = kept ? thread_compressor() : libdeflate_alloc_compressor(level);
  unsigned char *out = NULL == c ? NULL : malloc(room);
  size_t len = NULL == out ? 0 : libdeflate_gzip_compress(c, data, size, out, room);
  if (!kept) {
    libdeflate_free_compressor(c);
  }
  if (0 == len) {
    free(out);
    return NULL;
  }
  *out_len = len;
  return out;
}
