/*
 * Fuzzes the tlog-proof parser and verifier, the tile path parser and the entry bundle
 * reader with arbitrary bytes. Whatever the parsers accept must format back to the same
 * bytes; a proof that verifies must be for the fuzz log's checkpoint and an index inside it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_log_signer.h"
#include "ujikom/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const struct note_signer *signer = fuzz_log_signer();
  const char *in = (const char *)data;
  char err[160];
  struct tlog_proof *p = malloc(sizeof *p);
  if (NULL == p) {
    return 0;
  }
  if (0 == tlog_proof_parse(p, in, size, err, sizeof err)) {
    char *again = NULL;
    if (0 != tlog_proof_format(&again, p->index, p->extra, p->extra_len, p->hashes, p->n,
                               p->checkpoint, p->checkpoint_len) ||
        strlen(again) != size || 0 != memcmp(again, in, size)) {
      abort();
    }
    free(again);
    /* The seeds prove entry "issue UJK-0000-0064 index 100\n" (see tlog_fixture.c). */
    const char entry[] = "issue UJK-0000-0064 index 100\n";
    struct tlog_hash leaf;
    struct tlog_checkpoint cp;
    if (0 != tlog_leaf_hash(&leaf, entry, sizeof entry - 1)) {
      abort();
    }
    if (0 == tlog_proof_verify(&cp, p, &leaf, &signer->key, 1, "ujikom.example/log", err,
                               sizeof err) &&
        (p->index >= cp.size || 0 != strcmp(cp.origin, "ujikom.example/log"))) {
      abort();
    }
    tlog_proof_free(p);
  }
  free(p);
  struct tlog_tile t;
  if (0 == tlog_tile_parse_path(&t, in, size)) {
    char path[TLOG_PATH_SIZE];
    if (0 != tlog_tile_path(path, sizeof path, &t) || strlen(path) != size ||
        0 != memcmp(path, in, size)) {
      abort();
    }
  }
  size_t pos = 0, total = 0, elen = 0;
  const unsigned char *e = NULL;
  int rc;
  while (1 == (rc = tlog_bundle_next(data, size, &pos, &e, &elen))) {
    if (e < data || e + elen > data + size) {
      abort();
    }
    total += 2 + elen;
  }
  if (0 == rc && total != size) {
    abort();
  }
  return 0;
}
