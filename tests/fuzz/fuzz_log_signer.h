/*
 * The key that signed the seed corpora of the signed-note and tlog-proof fuzzers: an Ed25519
 * signer for "ujikom.example/log" from a fixed seed, made once per process.
 */
#ifndef UJIKOM_FUZZ_LOG_SIGNER_H
#define UJIKOM_FUZZ_LOG_SIGNER_H

#include <stdlib.h>
#include <string.h>

#include "ujikom/tlog.h"

static const struct note_signer *fuzz_log_signer(void) {
  static struct note_signer signer;
  static int ready = 0;
  if (!ready) {
    unsigned char seed[NOTE_SEED_LEN];
    memset(seed, 0x5a, sizeof seed);
    if (0 != note_signer_from_seed(&signer, "ujikom.example/log", seed)) {
      abort();
    }
    ready = 1;
  }
  return &signer;
}

#endif
