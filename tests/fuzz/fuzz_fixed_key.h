/*
 * A certificate signing key made from a fixed seed once per process, for fuzzers whose
 * inputs must reach the parsers behind a signature check (or be verified against a known
 * key).
 */
#ifndef UJIKOM_FUZZ_FIXED_KEY_H
#define UJIKOM_FUZZ_FIXED_KEY_H

#include <stdlib.h>
#include <string.h>

#include "ujikom/token.h"

/* The key whose 32-byte seed is every byte `fill`; one key per process (the first fill). */
static inline const struct token_key *fuzz_fixed_key(unsigned char fill) {
  static struct token_key key;
  static int ready = 0;
  if (!ready) {
    unsigned char seed[TOKEN_SEED_LEN];
    memset(seed, fill, sizeof seed);
    if (0 != token_key_from_seed(&key, seed)) {
      abort();
    }
    ready = 1;
  }
  return &key;
}

#endif
