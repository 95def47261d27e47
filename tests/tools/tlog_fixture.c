/*
 * Writes a transparency log as a static tree in a directory, through the core alone, for
 * the independent verifier (tlog_verify.py) to check:
 *
 *   vkey                      the log's verifier key string
 *   checkpoint                signed checkpoint of the whole log (size2 entries)
 *   checkpoint.old            signed checkpoint of the first size1 entries
 *   consistency               consistency proof size1 -> size2, one base64 hash a line
 *   tile/<L>/<N>[.p/<W>]      every tile of both tree sizes
 *   tile/entries/<N>[.p/<W>]  every entry bundle of both sizes
 *   proof/<i>.tlog-proof      an inclusion proof of every STRIDE-th entry and of the last one
 *
 * Usage: tlog_fixture DIR SIZE1 SIZE2 [STRIDE] (0 < SIZE1 <= SIZE2; STRIDE 1 by default).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ujikom/tlog.h"

#define ORIGIN "ujikom.example/log"

static int mkdirs(char *path) {
  for (char *p = path + 1; *p; p++) {
    if ('/' != *p) {
      continue;
    }
    *p = '\0';
    int rc = mkdir(path, 0755);
    *p = '/';
    if (0 != rc && EEXIST != errno) {
      return -1;
    }
  }
  return 0;
}

static int write_file(const char *dir, const char *name, const void *data, size_t len) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path || 0 != mkdirs(path)) {
    return -1;
  }
  FILE *f = fopen(path, "wb");
  if (NULL == f) {
    return -1;
  }
  size_t w = fwrite(data, 1, len, f);
  return (0 == fclose(f) && w == len) ? 0 : -1;
}

/* The bytes of entry i: what an issuance record might look like. */
static size_t entry_data(char *buf, size_t cap, uint64_t i) {
  int n = snprintf(buf, cap, "issue UJK-%04X-%04X index %llu\n", (unsigned)(i >> 16),
                   (unsigned)(i & 0xffff), (unsigned long long)i);
  return n < 0 ? 0 : (size_t)n;
}

static int write_tiles(const char *dir, const struct tlog_hash_reader *r, uint64_t size) {
  size_t n = tlog_tiles_for_size(NULL, 0, size);
  struct tlog_tile *tiles = calloc(n, sizeof *tiles);
  unsigned char *data = malloc(TLOG_TILE_WIDTH * TLOG_HASH_LEN);
  int rc = -1;
  if (NULL == tiles || NULL == data) {
    goto cleanup;
  }
  tlog_tiles_for_size(tiles, n, size);
  for (size_t i = 0; i < n; i++) {
    char path[TLOG_PATH_SIZE];
    if (0 != tlog_tile_path(path, sizeof path, &tiles[i]) ||
        0 != tlog_tile_data(data, r, &tiles[i]) ||
        0 != write_file(dir, path, data, (size_t)tiles[i].width * TLOG_HASH_LEN)) {
      goto cleanup;
    }
    if (0 != tiles[i].level) {
      continue;
    }
    /* The entry bundle beside each level-0 tile. */
    const unsigned char *entries[TLOG_TILE_WIDTH];
    size_t lens[TLOG_TILE_WIDTH];
    char store[TLOG_TILE_WIDTH][64];
    for (unsigned k = 0; k < tiles[i].width; k++) {
      lens[k] = entry_data(store[k], sizeof store[k], tiles[i].index * TLOG_TILE_WIDTH + k);
      entries[k] = (const unsigned char *)store[k];
    }
    unsigned char *bundle = NULL;
    size_t blen = 0;
    struct tlog_tile et = tiles[i];
    et.level = TLOG_ENTRIES;
    if (0 != tlog_bundle_encode(&bundle, &blen, entries, lens, tiles[i].width) ||
        0 != tlog_tile_path(path, sizeof path, &et) || 0 != write_file(dir, path, bundle, blen)) {
      free(bundle);
      goto cleanup;
    }
    free(bundle);
  }
  rc = 0;
cleanup:
  free(tiles);
  free(data);
  return rc;
}

static int sign_checkpoint(char **out, const struct tlog_hash_reader *r, uint64_t size,
                           const struct note_signer *s) {
  struct tlog_checkpoint c = {.size = size};
  snprintf(c.origin, sizeof c.origin, "%s", ORIGIN);
  if (0 != tlog_tree_hash(&c.root, r, size)) {
    return -1;
  }
  return tlog_checkpoint_sign(out, &c, s);
}

static int write_proof(const char *dir, const struct tlog_hash_reader *r, uint64_t size, uint64_t i,
                       const char *cp) {
  struct tlog_hash proof[TLOG_MAX_PROOF];
  size_t np = 0;
  char name[64], *doc = NULL;
  if (0 != tlog_inclusion_proof(proof, &np, r, size, i) ||
      0 != tlog_proof_format(&doc, i, NULL, 0, proof, np, cp, strlen(cp))) {
    return -1;
  }
  snprintf(name, sizeof name, "proof/%llu.tlog-proof", (unsigned long long)i);
  int rc = write_file(dir, name, doc, strlen(doc));
  free(doc);
  return rc;
}

static int parse_size(uint64_t *out, const char *s) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (0 != errno || end == s || '\0' != *end || 0 == v || v > 10000000) {
    return -1;
  }
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  uint64_t size1 = 0, size2 = 0, stride = 1;
  if ((4 != argc && 5 != argc) || 0 != parse_size(&size1, argv[2]) ||
      0 != parse_size(&size2, argv[3]) || size1 > size2 ||
      (5 == argc && 0 != parse_size(&stride, argv[4]))) {
    fprintf(stderr, "usage: tlog_fixture DIR SIZE1 SIZE2 [STRIDE] (0 < SIZE1 <= SIZE2)\n");
    return 2;
  }
  const char *dir = argv[1];
  unsigned char seed[NOTE_SEED_LEN];
  memset(seed, 0x5a, sizeof seed);
  struct note_signer signer;
  struct tlog_memtree *t = NULL;
  char *cp_old = NULL, *cp = NULL, *vkey = NULL;
  int rc = 1;
  if (0 != note_signer_from_seed(&signer, ORIGIN, seed) || 0 != tlog_memtree_new(&t)) {
    goto cleanup;
  }
  for (uint64_t i = 0; i < size2; i++) {
    char buf[64];
    struct tlog_hash h;
    size_t n = entry_data(buf, sizeof buf, i);
    if (0 != tlog_leaf_hash(&h, buf, n) || 0 != tlog_memtree_append(t, &h)) {
      goto cleanup;
    }
  }
  struct tlog_hash_reader r = tlog_memtree_reader(t);
  vkey = note_vkey_format(&signer.key);
  if (NULL == vkey || 0 != write_file(dir, "vkey", vkey, strlen(vkey)) ||
      0 != write_tiles(dir, &r, size1) || 0 != write_tiles(dir, &r, size2) ||
      0 != sign_checkpoint(&cp_old, &r, size1, &signer) ||
      0 != sign_checkpoint(&cp, &r, size2, &signer) ||
      0 != write_file(dir, "checkpoint.old", cp_old, strlen(cp_old)) ||
      0 != write_file(dir, "checkpoint", cp, strlen(cp))) {
    goto cleanup;
  }
  struct tlog_hash proof[TLOG_MAX_PROOF];
  size_t np = 0;
  if (0 != tlog_consistency_proof(proof, &np, &r, size1, size2)) {
    goto cleanup;
  }
  char lines[TLOG_MAX_PROOF * 45 + 1];
  size_t o = 0;
  for (size_t i = 0; i < np; i++) {
    char *h = note_b64_encode(proof[i].b, TLOG_HASH_LEN);
    if (NULL == h) {
      goto cleanup;
    }
    o += (size_t)snprintf(lines + o, sizeof lines - o, "%s\n", h);
    free(h);
  }
  if (0 != write_file(dir, "consistency", lines, o)) {
    goto cleanup;
  }
  for (uint64_t i = 0; i < size2; i += stride) {
    if (0 != write_proof(dir, &r, size2, i, cp)) {
      goto cleanup;
    }
  }
  if (0 != (size2 - 1) % stride && 0 != write_proof(dir, &r, size2, size2 - 1, cp)) {
    goto cleanup;
  }
  rc = 0;
cleanup:
  if (0 != rc) {
    fprintf(stderr, "tlog_fixture: failed writing the log\n");
  }
  note_signer_wipe(&signer);
  tlog_memtree_free(t);
  free(cp_old);
  free(cp);
  free(vkey);
  return rc;
}
