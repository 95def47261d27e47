/*
 * FNV-1a, 64 bits (Fowler, Noll and Vo): the one definition of the fast, non-cryptographic
 * hash the caches use to choose a set and the static answers use for their ETags and
 * versions. It is never a security measure: every key it hashes is checked in full after,
 * or names our own bytes. Header-only (static inline), like clock.h, so the request path's
 * look-ups pay no call for it; it sits beside the core's headers because the store, the
 * application layer and the HTTP shell all use it.
 */
#ifndef UJIKOM_FNV_H
#define UJIKOM_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A64_OFFSET 0xcbf29ce484222325ull /* the hash of no bytes */
#define FNV1A64_PRIME  0x100000001b3ull

/* The hash h (FNV1A64_OFFSET to begin) continued over n bytes. */
static inline uint64_t fnv1a64_add(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h = (h ^ p[i]) * FNV1A64_PRIME;
  }
  return h;
}

/* The hash h continued over the bytes of s up to its NUL. */
static inline uint64_t fnv1a64_add_str(uint64_t h, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; '\0' != *p; p++) {
    h = (h ^ *p) * FNV1A64_PRIME;
  }
  return h;
}

/* The hash of n bytes. */
static inline uint64_t fnv1a64(const void *data, size_t n) {
  return fnv1a64_add(FNV1A64_OFFSET, data, n);
}

#endif
