/*
 * Bytes that do not compress, for the compression tests: an xorshift32 stream (as a PNG's or
 * a ZIP's bytes would look to a compressor), the same for the same seed on every run.
 */
#ifndef UJIKOM_TEST_NOISE_H
#define UJIKOM_TEST_NOISE_H

#include <stddef.h>
#include <stdint.h>

static inline void test_noise(unsigned char *out, size_t n, uint32_t seed) {
  uint32_t x = 0 == seed ? 1u : seed;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = (unsigned char)x;
  }
}

#endif
