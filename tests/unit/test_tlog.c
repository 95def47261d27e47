/*
 * The transparency log core: RFC 9162 tree hashes, inclusion and consistency proofs against
 * published known-answer vectors and against a naive reference over every tree up to 64
 * leaves, forged proofs refused, C2SP tile paths, the tiles a tree has and needs, roots and
 * proofs recomputed from tiles alone, entry bundles, checkpoints and tlog-proof documents.
 *
 * Known-answer vectors (leaf inputs, roots of sizes 0..8, the happy-path inclusion and
 * consistency proofs) are copied from github.com/transparency-dev/merkle (testonly/
 * constants.go and testdata/), Copyright 2019 Google LLC, Apache License 2.0; they are the
 * RFC 6962/9162 test vectors of the Certificate Transparency project. The example checkpoint
 * is from c2sp.org/tlog-checkpoint (CC BY 4.0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/tlog.h"

static const char *const leaf_inputs_hex[8] = {"",
                                               "00",
                                               "10",
                                               "2021",
                                               "3031",
                                               "40414243",
                                               "5051525354555657",
                                               "606162636465666768696a6b6c6d6e6f"};

static const char *const roots_hex[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

struct inclusion_vector {
  uint64_t index, size;
  const char *root, *leaf;
  const char *proof[3];
  size_t n;
};

static const struct inclusion_vector inclusion_vectors[] = {
    {0,
     1,
     "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
     "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
     {NULL},
     0},
    {0,
     8,
     "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
     "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
     {"lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
      "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
      "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="},
     3},
    {5,
     8,
     "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
     "QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg=",
     {"vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=",
      "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="},
     3},
    {2,
     3,
     "rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=",
     "ApjRIpBtz8EIkstTpzmS/FufST6kybrbJ7eRtBJ6f+c=",
     {"+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU="},
     1},
    {1,
     5,
     "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=",
     "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
     {"bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
      "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
      "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms="},
     3},
};

struct consistency_vector {
  uint64_t size1, size2;
  const char *root1, *root2;
  const char *proof[3];
  size_t n;
};

static const struct consistency_vector consistency_vectors[] = {
    {1,
     1,
     "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
     "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
     {NULL},
     0},
    {1,
     8,
     "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
     "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
     {"lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
      "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
      "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="},
     3},
    {6,
     8,
     "duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=",
     "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
     {"DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
      "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="},
     3},
    {2,
     5,
     "+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU=",
     "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=",
     {"Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
      "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms="},
     2},
    {6,
     7,
     "duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=",
     "3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw=",
     {"DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
      "sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8=",
      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="},
     3},
};

static size_t unhex(unsigned char *out, const char *hex) {
  size_t n = strlen(hex) / 2;
  for (size_t i = 0; i < n; i++) {
    unsigned v = 0;
    for (int k = 0; k < 2; k++) {
      char c = hex[2 * i + (size_t)k];
      v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    out[i] = (unsigned char)v;
  }
  return n;
}

static struct tlog_hash b64hash(const char *s) {
  struct tlog_hash h;
  unsigned char *raw = NULL;
  size_t n = 0;
  assert_int_equal(0, note_b64_decode(&raw, &n, s, strlen(s)));
  assert_int_equal(TLOG_HASH_LEN, n);
  memcpy(h.b, raw, TLOG_HASH_LEN);
  free(raw);
  return h;
}

static struct tlog_hash hexhash(const char *s) {
  struct tlog_hash h;
  assert_int_equal(TLOG_HASH_LEN, unhex(h.b, s));
  return h;
}

/* A tree of n leaves whose data is the big-endian index (4 bytes). */
static struct tlog_memtree *tree_of(uint64_t n) {
  struct tlog_memtree *t = NULL;
  assert_int_equal(0, tlog_memtree_new(&t));
  for (uint64_t i = 0; i < n; i++) {
    unsigned char d[4] = {(unsigned char)(i >> 24), (unsigned char)(i >> 16),
                          (unsigned char)(i >> 8), (unsigned char)i};
    struct tlog_hash h;
    assert_int_equal(0, tlog_leaf_hash(&h, d, sizeof d));
    assert_int_equal(0, tlog_memtree_append(t, &h));
  }
  return t;
}

/* The RFC's MTH written the obvious way, independent of the reader code. */
static struct tlog_hash naive_mth(const struct tlog_hash *leaves, uint64_t n) {
  struct tlog_hash h;
  if (0 == n) {
    tlog_empty_root(&h);
    return h;
  }
  if (1 == n) {
    return leaves[0];
  }
  uint64_t k = 1;
  while (k * 2 < n) {
    k *= 2;
  }
  struct tlog_hash l = naive_mth(leaves, k), r = naive_mth(leaves + k, n - k);
  assert_int_equal(0, tlog_node_hash(&h, &l, &r));
  return h;
}

static void test_known_roots(void **state) {
  (void)state;
  struct tlog_memtree *t = NULL;
  assert_int_equal(0, tlog_memtree_new(&t));
  struct tlog_hash_reader r = tlog_memtree_reader(t);
  for (uint64_t size = 0; size <= 8; size++) {
    if (size > 0) {
      unsigned char data[16];
      size_t n = unhex(data, leaf_inputs_hex[size - 1]);
      struct tlog_hash leaf;
      assert_int_equal(0, tlog_leaf_hash(&leaf, data, n));
      assert_int_equal(0, tlog_memtree_append(t, &leaf));
    }
    struct tlog_hash root, want = hexhash(roots_hex[size]);
    assert_int_equal(0, tlog_tree_hash(&root, &r, size));
    if (0 != memcmp(root.b, want.b, TLOG_HASH_LEN)) {
      fail_msg("root of the %u-leaf tree differs from the RFC 6962 vector", (unsigned)size);
    }
  }
  /* An earlier size of the grown tree still has its own root. */
  struct tlog_hash root, want = hexhash(roots_hex[5]);
  assert_int_equal(0, tlog_tree_hash(&root, &r, 5));
  assert_memory_equal(want.b, root.b, TLOG_HASH_LEN);
  assert_int_equal(-1, tlog_tree_hash(&root, &r, 9)); /* beyond the tree */
  tlog_memtree_free(t);
}

static void test_inclusion_vectors(void **state) {
  (void)state;
  for (size_t v = 0; v < sizeof inclusion_vectors / sizeof inclusion_vectors[0]; v++) {
    const struct inclusion_vector *iv = &inclusion_vectors[v];
    struct tlog_hash proof[3], root = b64hash(iv->root), leaf = b64hash(iv->leaf);
    for (size_t i = 0; i < iv->n; i++) {
      proof[i] = b64hash(iv->proof[i]);
    }
    if (!tlog_inclusion_verify(&leaf, iv->index, iv->size, proof, iv->n, &root)) {
      fail_msg("inclusion vector %zu does not verify", v);
    }
    /* Every mutation of the published proof is refused. */
    assert_false(tlog_inclusion_verify(&leaf, iv->index + 1, iv->size, proof, iv->n, &root));
    /* (A size one larger can share a proof, so the published mutations halve and double.) */
    assert_false(tlog_inclusion_verify(&leaf, iv->index, iv->size / 2, proof, iv->n, &root));
    assert_false(tlog_inclusion_verify(&leaf, iv->index, iv->size * 2, proof, iv->n, &root));
    assert_false(tlog_inclusion_verify(&leaf, iv->index, iv->index, proof, iv->n, &root));
    assert_false(tlog_inclusion_verify(&root, iv->index, iv->size, proof, iv->n, &leaf) &&
                 0 != memcmp(root.b, leaf.b, TLOG_HASH_LEN));
    if (iv->index > 0) {
      assert_false(tlog_inclusion_verify(&leaf, iv->index - 1, iv->size, proof, iv->n, &root));
    }
    if (iv->n > 0) {
      assert_false(tlog_inclusion_verify(&leaf, iv->index, iv->size, proof, iv->n - 1, &root));
    }
    struct tlog_hash longer[4];
    memcpy(longer, proof, iv->n * sizeof proof[0]);
    longer[iv->n] = root;
    assert_false(tlog_inclusion_verify(&leaf, iv->index, iv->size, longer, iv->n + 1, &root));
    for (size_t i = 0; i < iv->n; i++) {
      for (int bit = 0; bit < 8 * TLOG_HASH_LEN; bit += 37) {
        proof[i].b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        assert_false(tlog_inclusion_verify(&leaf, iv->index, iv->size, proof, iv->n, &root));
        proof[i].b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
      }
    }
    struct tlog_hash other = leaf;
    other.b[0] ^= 1;
    assert_false(tlog_inclusion_verify(&other, iv->index, iv->size, proof, iv->n, &root));
  }
}

static void test_consistency_vectors(void **state) {
  (void)state;
  for (size_t v = 0; v < sizeof consistency_vectors / sizeof consistency_vectors[0]; v++) {
    const struct consistency_vector *cv = &consistency_vectors[v];
    struct tlog_hash proof[3], r1 = b64hash(cv->root1), r2 = b64hash(cv->root2);
    for (size_t i = 0; i < cv->n; i++) {
      proof[i] = b64hash(cv->proof[i]);
    }
    if (!tlog_consistency_verify(cv->size1, &r1, cv->size2, &r2, proof, cv->n)) {
      fail_msg("consistency vector %zu does not verify", v);
    }
    if (cv->size1 != cv->size2) {
      assert_false(tlog_consistency_verify(cv->size1, &r2, cv->size2, &r1, proof, cv->n));
      assert_false(tlog_consistency_verify(cv->size1 + 1, &r1, cv->size2, &r2, proof, cv->n));
      assert_false(tlog_consistency_verify(cv->size1, &r1, cv->size2 * 2, &r2, proof, cv->n));
      assert_false(tlog_consistency_verify(cv->size1, &r1, cv->size2 / 2, &r2, proof, cv->n));
      assert_false(tlog_consistency_verify(cv->size1 ^ 2, &r1, cv->size2, &r2, proof, cv->n));
      assert_false(tlog_consistency_verify(cv->size1, &r1, cv->size2, &r2, proof, cv->n - 1));
      assert_false(tlog_consistency_verify(cv->size1, &r1, cv->size2, &r2, proof + 1, cv->n - 1));
      assert_false(tlog_consistency_verify(cv->size1, &r1, cv->size2, &r2, NULL, 0));
      for (size_t i = 0; i < cv->n; i++) {
        proof[i].b[i + 3] ^= 0x10;
        assert_false(tlog_consistency_verify(cv->size1, &r1, cv->size2, &r2, proof, cv->n));
        proof[i].b[i + 3] ^= 0x10;
      }
    }
    assert_false(tlog_consistency_verify(cv->size2, &r2, cv->size1, &r1, proof, cv->n) &&
                 cv->size1 != cv->size2);
    struct tlog_hash bad = r1;
    bad.b[31] ^= 1;
    assert_false(tlog_consistency_verify(cv->size1, &bad, cv->size2, &r2, proof, cv->n));
  }
  /* Edge cases: the empty tree and equal sizes. */
  struct tlog_hash r1 = hexhash(roots_hex[1]), r2 = hexhash(roots_hex[2]);
  assert_true(tlog_consistency_verify(0, &r1, 2, &r2, NULL, 0));
  assert_false(tlog_consistency_verify(0, &r1, 2, &r2, &r1, 1));
  assert_true(tlog_consistency_verify(2, &r2, 2, &r2, NULL, 0));
  assert_false(tlog_consistency_verify(2, &r1, 2, &r2, NULL, 0));
  assert_false(tlog_consistency_verify(2, &r2, 2, &r2, &r1, 1));
  assert_false(tlog_consistency_verify(3, &r2, 2, &r2, NULL, 0));
}

/* Every tree of 1..64 leaves: roots agree with the naive MTH; every inclusion proof and
 * every consistency proof made verifies, and fails against any other index or size. */
static void test_all_small_trees(void **state) {
  (void)state;
  enum { N = 64 };
  struct tlog_memtree *t = tree_of(N);
  struct tlog_hash_reader r = tlog_memtree_reader(t);
  struct tlog_hash leaves[N], roots[N + 1], proof[TLOG_MAX_PROOF];
  for (uint64_t i = 0; i < N; i++) {
    assert_int_equal(0, r.read(r.ctx, 0, i, &leaves[i]));
  }
  for (uint64_t n = 0; n <= N; n++) {
    assert_int_equal(0, tlog_tree_hash(&roots[n], &r, n));
    struct tlog_hash want = naive_mth(leaves, n);
    assert_memory_equal(want.b, roots[n].b, TLOG_HASH_LEN);
  }
  size_t np = 0;
  for (uint64_t n = 1; n <= N; n++) {
    for (uint64_t i = 0; i < n; i++) {
      assert_int_equal(0, tlog_inclusion_proof(proof, &np, &r, n, i));
      if (!tlog_inclusion_verify(&leaves[i], i, n, proof, np, &roots[n])) {
        fail_msg("inclusion proof of %u in %u does not verify", (unsigned)i, (unsigned)n);
      }
      if (n > 1) {
        assert_false(tlog_inclusion_verify(&leaves[i], (i + 1) % n, n, proof, np, &roots[n]));
      }
      assert_false(tlog_inclusion_verify(&leaves[i], i, n + 1, proof, np, &roots[n + (n < N)]));
    }
    assert_int_equal(-1, tlog_inclusion_proof(proof, &np, &r, n, n));
    for (uint64_t m = 1; m <= n; m++) {
      assert_int_equal(0, tlog_consistency_proof(proof, &np, &r, m, n));
      if (!tlog_consistency_verify(m, &roots[m], n, &roots[n], proof, np)) {
        fail_msg("consistency proof %u -> %u does not verify", (unsigned)m, (unsigned)n);
      }
      if (m < n) {
        assert_false(tlog_consistency_verify(m, &roots[m - 1], n, &roots[n], proof, np));
        assert_false(tlog_consistency_verify(m, &roots[m], n, &roots[n - 1], proof, np));
      }
    }
  }
  assert_int_equal(-1, tlog_consistency_proof(proof, &np, &r, 0, 5));
  assert_int_equal(-1, tlog_consistency_proof(proof, &np, &r, 6, 5));
  tlog_memtree_free(t);
}

static void check_path(int level, uint64_t index, unsigned width, const char *want) {
  struct tlog_tile t = {level, index, width}, back;
  char path[TLOG_PATH_SIZE];
  assert_int_equal(0, tlog_tile_path(path, sizeof path, &t));
  assert_string_equal(want, path);
  assert_int_equal(0, tlog_tile_parse_path(&back, path, strlen(path)));
  assert_int_equal(level, back.level);
  assert_true(index == back.index);
  assert_int_equal(width, back.width);
}

static void test_tile_paths(void **state) {
  (void)state;
  check_path(0, 1234067, 256, "tile/0/x001/x234/067");
  check_path(1, 1234067, 17, "tile/1/x001/x234/067.p/17");
  check_path(0, 0, 256, "tile/0/000");
  check_path(2, 0, 1, "tile/2/000.p/1");
  check_path(63, 999, 255, "tile/63/999.p/255");
  check_path(0, 1000, 256, "tile/0/x001/000");
  check_path(TLOG_ENTRIES, 273, 112, "tile/entries/273.p/112");
  check_path(TLOG_ENTRIES, 0, 256, "tile/entries/000");
  check_path(5, UINT64_MAX, 256, "tile/5/x018/x446/x744/x073/x709/x551/615");
  static const char *const bad[] = {"tile/0/x000/001",
                                    "tile/00/000",
                                    "tile/64/000",
                                    "tile/0/001.p/0",
                                    "tile/0/001.p/256",
                                    "tile/0/001.p/07",
                                    "tile/0/01",
                                    "tile/0/0001",
                                    "tile/0/x001",
                                    "tile/0/x001/",
                                    "tile//000",
                                    "tile/entries/000.p/",
                                    "tile/-1/000",
                                    "tile/0/000/",
                                    "tile/0/000.p/1x",
                                    "tile/0/000.P/1",
                                    "tile/entry/000",
                                    "tiles/0/000",
                                    "tile/0/X001/000",
                                    "/tile/0/000",
                                    "tile/0/000.p/",
                                    "tile/0/x1/000",
                                    "tile/0/x018/x446/x744/x073/x709/x551/616",
                                    "tile/0/00a",
                                    "tile/1",
                                    "tile/0/ 000",
                                    ""};
  struct tlog_tile t;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (0 == tlog_tile_parse_path(&t, bad[i], strlen(bad[i]))) {
      fail_msg("tile path \"%s\" was accepted", bad[i]);
    }
  }
  char small[8];
  struct tlog_tile ok = {0, 1234067, 256}, wide = {0, 0, 257}, high = {64, 0, 256};
  assert_int_equal(-1, tlog_tile_path(small, sizeof small, &ok));
  char path[TLOG_PATH_SIZE];
  assert_int_equal(-1, tlog_tile_path(path, sizeof path, &wide));
  assert_int_equal(-1, tlog_tile_path(path, sizeof path, &high));
}

static void test_tiles_for_size(void **state) {
  (void)state;
  /* The example of the tlog-tiles specification: a tree of 70,000 leaves. */
  struct tlog_tile tiles[400];
  size_t n = tlog_tiles_for_size(tiles, 400, 70000);
  assert_int_equal(273 + 1 + 1 + 1 + 1, n);
  size_t full0 = 0;
  for (size_t i = 0; i < n; i++) {
    full0 += 0 == tiles[i].level && 256 == tiles[i].width;
  }
  assert_int_equal(273, full0);
  assert_int_equal(0, tiles[273].level);
  assert_int_equal(112, tiles[273].width);
  assert_true(273 == tiles[273].index);
  assert_int_equal(1, tiles[274].level);
  assert_int_equal(256, tiles[274].width);
  assert_int_equal(1, tiles[275].level);
  assert_int_equal(17, tiles[275].width);
  assert_int_equal(2, tiles[276].level);
  assert_int_equal(1, tiles[276].width);
  assert_int_equal(n, tlog_tiles_for_size(NULL, 0, 70000));
  /* "a tree of size 256 will be represented by a full level 0 tile and a partial level 1
   * tile of width 1" */
  n = tlog_tiles_for_size(tiles, 400, 256);
  assert_int_equal(2, n);
  assert_int_equal(0, tiles[0].level);
  assert_int_equal(256, tiles[0].width);
  assert_int_equal(1, tiles[1].level);
  assert_int_equal(1, tiles[1].width);
  assert_int_equal(0, tlog_tiles_for_size(tiles, 400, 0));
  struct tlog_tile root[8];
  n = tlog_tiles_for_root(root, 70000);
  assert_int_equal(3, n);
  assert_int_equal(112, root[0].width);
  assert_int_equal(17, root[1].width);
  assert_int_equal(1, root[2].width);
  assert_int_equal(1, tlog_tiles_for_root(root, 65536 * 256));
  assert_int_equal(3, root[0].level);
  assert_int_equal(0, tlog_tiles_for_root(root, 0));
  n = tlog_tiles_for_root(root, UINT64_MAX);
  assert_int_equal(8, n);
  /* Which tile holds a stored hash. */
  struct tlog_tile t;
  assert_int_equal(0, tlog_tile_for_hash(&t, 0, 69999, 70000));
  assert_int_equal(0, t.level);
  assert_true(273 == t.index);
  assert_int_equal(112, t.width);
  assert_int_equal(0, tlog_tile_for_hash(&t, 12, 16, 70000));
  assert_int_equal(1, t.level);
  assert_true(1 == t.index);
  assert_int_equal(17, t.width);
  assert_int_equal(0, tlog_tile_for_hash(&t, 16, 0, 70000));
  assert_int_equal(2, t.level);
  assert_int_equal(1, t.width);
  assert_int_equal(-1, tlog_tile_for_hash(&t, 0, 70000, 70000));
  assert_int_equal(-1, tlog_tile_for_hash(&t, 17, 0, 70000));
}

/* Serves tiles computed from an in-memory tree, checking each is one the tree of `size`
 * leaves really has, and counts them. */
struct tile_server {
  struct tlog_hash_reader src;
  uint64_t size;
  unsigned char buf[TLOG_TILE_WIDTH * TLOG_HASH_LEN];
  size_t fetched;
  int unexpected;
  const struct tlog_tile *allowed; /* when set, only these may be fetched */
  size_t nallowed;
};

static int serve_tile(void *ctx, const struct tlog_tile *t, const unsigned char **data) {
  struct tile_server *s = ctx;
  struct tlog_tile all[600];
  size_t n = tlog_tiles_for_size(all, 600, s->size);
  bool exists = false;
  for (size_t i = 0; i < n && i < 600; i++) {
    exists |= all[i].level == t->level && all[i].index == t->index && all[i].width == t->width;
  }
  if (NULL != s->allowed) {
    bool ok = false;
    for (size_t i = 0; i < s->nallowed; i++) {
      ok |= s->allowed[i].level == t->level && s->allowed[i].index == t->index &&
            s->allowed[i].width == t->width;
    }
    exists &= ok;
  }
  if (!exists) {
    s->unexpected++;
    return -1;
  }
  s->fetched++;
  if (0 != tlog_tile_data(s->buf, &s->src, t)) {
    return -1;
  }
  *data = s->buf;
  return 0;
}

static void test_tiles_compute_root_and_proofs(void **state) {
  (void)state;
  const uint64_t size = 70000;
  struct tlog_memtree *t = tree_of(size);
  struct tlog_hash_reader mem = tlog_memtree_reader(t);
  struct tile_server *srv = calloc(1, sizeof *srv);
  assert_non_null(srv);
  srv->src = mem;
  srv->size = size;
  struct tlog_tile roottiles[8];
  srv->nallowed = tlog_tiles_for_root(roottiles, size);
  srv->allowed = roottiles;
  struct tlog_tile_reader tr = {serve_tile, srv, size};
  struct tlog_hash_reader tiles = tlog_tile_reader(&tr);
  struct tlog_hash want, got;
  assert_int_equal(0, tlog_tree_hash(&want, &mem, size));
  assert_int_equal(0, tlog_tree_hash(&got, &tiles, size));
  assert_memory_equal(want.b, got.b, TLOG_HASH_LEN);
  assert_int_equal(0, srv->unexpected); /* the root needs the partial tiles only */
  srv->allowed = NULL;
  /* Proofs from tiles equal proofs from the whole tree. */
  struct tlog_hash p1[TLOG_MAX_PROOF], p2[TLOG_MAX_PROOF];
  size_t n1 = 0, n2 = 0;
  static const uint64_t idx[] = {0, 1, 255, 256, 65535, 65536, 69887, 69888, 69999};
  for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
    assert_int_equal(0, tlog_inclusion_proof(p1, &n1, &mem, size, idx[i]));
    assert_int_equal(0, tlog_inclusion_proof(p2, &n2, &tiles, size, idx[i]));
    assert_int_equal(n1, n2);
    assert_memory_equal(p1, p2, n1 * sizeof p1[0]);
    struct tlog_hash leaf;
    assert_int_equal(0, mem.read(mem.ctx, 0, idx[i], &leaf));
    assert_true(tlog_inclusion_verify(&leaf, idx[i], size, p2, n2, &want));
  }
  /* The tiles listed as needed for a proof are all it takes. */
  struct tlog_tile needed[TLOG_MAX_TILES];
  size_t nneeded = 0;
  for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
    assert_int_equal(0, tlog_tiles_for_inclusion(needed, &nneeded, size, idx[i]));
    assert_true(nneeded >= 1 && nneeded <= 8);
    srv->allowed = needed;
    srv->nallowed = nneeded;
    assert_int_equal(0, tlog_inclusion_proof(p2, &n2, &tiles, size, idx[i]));
    assert_int_equal(0, srv->unexpected);
  }
  assert_int_equal(0, tlog_tiles_for_consistency(needed, &nneeded, 1000, size));
  srv->allowed = needed;
  srv->nallowed = nneeded;
  assert_int_equal(0, tlog_consistency_proof(p2, &n2, &tiles, 1000, size));
  assert_int_equal(0, srv->unexpected);
  srv->allowed = NULL;
  assert_int_equal(-1, tlog_tiles_for_inclusion(needed, &nneeded, size, size));
  assert_int_equal(-1, tlog_tiles_for_consistency(needed, &nneeded, 0, size));
  assert_int_equal(-1, tlog_tiles_for_consistency(needed, &nneeded, size + 1, size));
  static const uint64_t old[] = {1, 256, 1000, 65536, 69999};
  for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
    struct tlog_hash oldroot;
    assert_int_equal(0, tlog_tree_hash(&oldroot, &mem, old[i]));
    assert_int_equal(0, tlog_consistency_proof(p1, &n1, &mem, old[i], size));
    assert_int_equal(0, tlog_consistency_proof(p2, &n2, &tiles, old[i], size));
    assert_int_equal(n1, n2);
    assert_memory_equal(p1, p2, n1 * sizeof p1[0]);
    assert_true(tlog_consistency_verify(old[i], &oldroot, size, &want, p2, n2));
  }
  assert_int_equal(0, srv->unexpected);
  /* A tile the server does not have makes the read fail, not invent a hash. */
  tr.size = size + 1000;
  srv->size = size;
  assert_int_equal(-1, tlog_tree_hash(&got, &tiles, size + 1000));
  free(srv);
  tlog_memtree_free(t);
}

static void test_bundles(void **state) {
  (void)state;
  const unsigned char a[] = "alpha", b[] = "";
  unsigned char *big = calloc(TLOG_ENTRY_MAX + 1, 1);
  assert_non_null(big);
  const unsigned char *entries[3] = {a, b, big};
  size_t lens[3] = {5, 0, TLOG_ENTRY_MAX};
  unsigned char *buf = NULL;
  size_t len = 0;
  assert_int_equal(0, tlog_bundle_encode(&buf, &len, entries, lens, 3));
  assert_int_equal(2 + 5 + 2 + 0 + 2 + TLOG_ENTRY_MAX, len);
  assert_int_equal(0x00, buf[0]);
  assert_int_equal(0x05, buf[1]);
  size_t pos = 0, el = 0;
  const unsigned char *e = NULL;
  for (int i = 0; i < 3; i++) {
    assert_int_equal(1, tlog_bundle_next(buf, len, &pos, &e, &el));
    assert_int_equal(lens[i], el);
    if (el > 0) {
      assert_memory_equal(entries[i], e, el);
    }
  }
  assert_int_equal(0, tlog_bundle_next(buf, len, &pos, &e, &el));
  /* Truncated anywhere inside an entry or its length: an error, never a short entry. */
  for (size_t cut = 1; cut < 9; cut++) {
    if (7 == cut) {
      continue; /* a cut between entries is a shorter valid bundle */
    }
    pos = 0;
    int rc;
    while (1 == (rc = tlog_bundle_next(buf, cut, &pos, &e, &el))) {
      ;
    }
    if (-1 != rc) {
      fail_msg("bundle cut at %zu was not refused", cut);
    }
  }
  free(buf);
  lens[2] = TLOG_ENTRY_MAX + 1;
  assert_int_equal(-1, tlog_bundle_encode(&buf, &len, entries, lens, 3));
  assert_null(buf);
  free(big);
}

static void signer(struct note_signer *s, const char *name, unsigned char fill) {
  unsigned char seed[NOTE_SEED_LEN];
  memset(seed, fill, sizeof seed);
  assert_int_equal(0, note_signer_from_seed(s, name, seed));
}

static void test_checkpoint(void **state) {
  (void)state;
  struct note_signer log, other;
  signer(&log, "ujikom.example/log", 0x42);
  signer(&other, "ujikom.example/log", 0x43);
  struct tlog_checkpoint c = {.size = 70000}, back;
  snprintf(c.origin, sizeof c.origin, "ujikom.example/log");
  c.root = hexhash(roots_hex[8]);
  char *text = NULL, *msg = NULL, err[160];
  assert_int_equal(0, tlog_checkpoint_format(&text, &c));
  assert_string_equal("ujikom.example/log\n70000\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
                      text);
  assert_int_equal(0, tlog_checkpoint_parse(&back, text, strlen(text), err, sizeof err));
  assert_string_equal(c.origin, back.origin);
  assert_true(70000 == back.size);
  assert_memory_equal(c.root.b, back.root.b, TLOG_HASH_LEN);
  free(text);
  assert_int_equal(0, tlog_checkpoint_sign(&msg, &c, &log));
  assert_int_equal(0, tlog_checkpoint_open(&back, msg, strlen(msg), &log.key, 1,
                                           "ujikom.example/log", err, sizeof err));
  assert_true(70000 == back.size);
  assert_int_equal(-1, tlog_checkpoint_open(&back, msg, strlen(msg), &log.key, 1,
                                            "ujikom.example/other", err, sizeof err));
  assert_non_null(strstr(err, "origin"));
  assert_int_equal(
      -1, tlog_checkpoint_open(&back, msg, strlen(msg), &other.key, 1, NULL, err, sizeof err));
  free(msg);
  /* Extensions round-trip. */
  snprintf(c.extensions, sizeof c.extensions, "ext one\nsecond\n");
  assert_int_equal(0, tlog_checkpoint_sign(&msg, &c, &log));
  assert_int_equal(
      0, tlog_checkpoint_open(&back, msg, strlen(msg), &log.key, 1, NULL, err, sizeof err));
  assert_string_equal("ext one\nsecond\n", back.extensions);
  free(msg);
  snprintf(c.extensions, sizeof c.extensions, "no newline");
  assert_int_equal(-1, tlog_checkpoint_format(&text, &c));
  c.extensions[0] = '\0';
  c.origin[0] = '\0';
  assert_int_equal(-1, tlog_checkpoint_format(&text, &c));
  /* Malformed checkpoint texts. */
  static const char *const bad[] = {
      "",
      "origin\n",
      "origin\n5\n",
      "origin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
      "\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "origin\n05\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "origin\n+5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "origin\n\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "origin\n18446744073709551616\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "origin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy=\n",
      "origin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n",
      "origin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=\n",
      "origin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n",
      "origin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\next\n\n",
      "origin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nex\tt\n",
      "ori\tgin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "origin\n5 \nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    if (0 == tlog_checkpoint_parse(&back, bad[i], strlen(bad[i]), err, sizeof err)) {
      fail_msg("checkpoint %zu was accepted", i);
    }
    assert_true('\0' != err[0]);
  }
  /* The example of the C2SP tlog-checkpoint specification (its key is not published, so
   * only the shape is checked: it parses, and opens as far as "no known key"). */
  const char spec_text[] = "example.com/behind-the-sofa\n20852163\n"
                           "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  assert_int_equal(0, tlog_checkpoint_parse(&back, spec_text, strlen(spec_text), err, sizeof err));
  assert_string_equal("example.com/behind-the-sofa", back.origin);
  assert_true(20852163 == back.size);
  const char spec_note[] =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
      "\xE2\x80\x94 example.com/behind-the-sofa "
      "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
      "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
  assert_int_equal(-1, tlog_checkpoint_open(&back, spec_note, strlen(spec_note), &log.key, 1, NULL,
                                            err, sizeof err));
  assert_string_equal("note: no signature by a known key", err);
  const char zero[] = "origin\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
  assert_int_equal(0, tlog_checkpoint_parse(&back, zero, strlen(zero), err, sizeof err));
  assert_true(0 == back.size);
  const char nul[] = "origin\n5\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\ne\0x\n";
  assert_int_equal(-1, tlog_checkpoint_parse(&back, nul, sizeof nul - 1, err, sizeof err));
  note_signer_wipe(&log);
  note_signer_wipe(&other);
}

static void test_proof_document(void **state) {
  (void)state;
  struct note_signer log;
  signer(&log, "ujikom.example/log", 0x42);
  const uint64_t size = 300;
  struct tlog_memtree *t = tree_of(size);
  struct tlog_hash_reader r = tlog_memtree_reader(t);
  struct tlog_checkpoint c = {.size = size};
  snprintf(c.origin, sizeof c.origin, "ujikom.example/log");
  assert_int_equal(0, tlog_tree_hash(&c.root, &r, size));
  char *cp = NULL, *doc = NULL, err[160];
  assert_int_equal(0, tlog_checkpoint_sign(&cp, &c, &log));
  struct tlog_hash proof[TLOG_MAX_PROOF], leaf;
  size_t n = 0;
  assert_int_equal(0, tlog_inclusion_proof(proof, &n, &r, size, 257));
  assert_int_equal(0, r.read(r.ctx, 0, 257, &leaf));
  const unsigned char extra[] = "UJK-0000-0000";
  assert_int_equal(0,
                   tlog_proof_format(&doc, 257, extra, sizeof extra - 1, proof, n, cp, strlen(cp)));
  assert_memory_equal("c2sp.org/tlog-proof@v1\nextra VUpLLTAwMDAtMDAwMA==\nindex 257\n", doc,
                      strlen("c2sp.org/tlog-proof@v1\nextra VUpLLTAwMDAtMDAwMA==\nindex 257\n"));
  struct tlog_proof p;
  assert_int_equal(0, tlog_proof_parse(&p, doc, strlen(doc), err, sizeof err));
  assert_true(257 == p.index);
  assert_int_equal(n, p.n);
  assert_int_equal(sizeof extra - 1, p.extra_len);
  assert_memory_equal(extra, p.extra, p.extra_len);
  assert_string_equal(cp, p.checkpoint);
  struct tlog_checkpoint got;
  assert_int_equal(
      0, tlog_proof_verify(&got, &p, &leaf, &log.key, 1, "ujikom.example/log", err, sizeof err));
  assert_true(size == got.size);
  struct tlog_hash other;
  assert_int_equal(0, r.read(r.ctx, 0, 256, &other));
  assert_int_equal(-1, tlog_proof_verify(&got, &p, &other, &log.key, 1, NULL, err, sizeof err));
  assert_non_null(strstr(err, "inclusion"));
  p.index = 256;
  assert_int_equal(-1, tlog_proof_verify(&got, &p, &leaf, &log.key, 1, NULL, err, sizeof err));
  p.index = size;
  assert_int_equal(-1, tlog_proof_verify(&got, &p, &leaf, &log.key, 1, NULL, err, sizeof err));
  tlog_proof_free(&p);
  /* Every single-byte change of the document is refused by parse or verify. */
  size_t len = strlen(doc);
  for (size_t i = 0; i < len; i++) {
    /* The extra line is not authenticated (the spec says so): skip its bytes. */
    if (i >= 29 && i < 49) {
      continue;
    }
    char saved = doc[i];
    doc[i] = (char)(saved + 1);
    if (0 == tlog_proof_parse(&p, doc, len, err, sizeof err)) {
      if (0 ==
          tlog_proof_verify(NULL, &p, &leaf, &log.key, 1, "ujikom.example/log", err, sizeof err)) {
        fail_msg("proof document with byte %zu changed still verifies", i);
      }
      tlog_proof_free(&p);
    }
    doc[i] = saved;
  }
  for (size_t cut = 0; cut < len; cut++) {
    if (0 == tlog_proof_parse(&p, doc, cut, err, sizeof err)) {
      if (0 == tlog_proof_verify(NULL, &p, &leaf, &log.key, 1, NULL, err, sizeof err)) {
        fail_msg("proof document cut at %zu still verifies", cut);
      }
      tlog_proof_free(&p);
    }
  }
  free(doc);
  /* No extra line; index 0 of a one-leaf tree has an empty proof. */
  assert_int_equal(0, tlog_proof_format(&doc, 0, NULL, 0, NULL, 0, cp, strlen(cp)));
  assert_int_equal(0, strncmp(doc, "c2sp.org/tlog-proof@v1\nindex 0\n\n", 32));
  assert_int_equal(0, tlog_proof_parse(&p, doc, strlen(doc), err, sizeof err));
  assert_null(p.extra);
  assert_int_equal(0, p.n);
  tlog_proof_free(&p);
  free(doc);
  static const char *const bad[] = {
      "",
      "c2sp.org/tlog-proof@v2\nindex 0\n\nx\n",
      "c2sp.org/tlog-proof@v1\nindex 01\n\nx\n",
      "c2sp.org/tlog-proof@v1\nindex -1\n\nx\n",
      "c2sp.org/tlog-proof@v1\nindex \n\nx\n",
      "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\nx\n",
      "c2sp.org/tlog-proof@v1\nextra \nindex 0\n\nx\n",
      "c2sp.org/tlog-proof@v1\nextra !!!!\nindex 0\n\nx\n",
      "c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\nx\n",
      "c2sp.org/tlog-proof@v1\nindex 0\n\n",
      "c2sp.org/tlog-proof@v1\nindex 0\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "c2sp.org/tlog-proof@v1\nindex 0\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n\nx\n",
      "c2sp.org/tlog-proof@v1\r\nindex 0\n\nx\n",
      "c2sp.org/tlog-proof@v1\nindex 0",
      "c2sp.org/tlog-proof@v1\nINDEX 0\n\nx\n",
      "c2sp.org/tlog-proof@v1\n\nindex 0\n\nx\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    if (0 == tlog_proof_parse(&p, bad[i], strlen(bad[i]), err, sizeof err)) {
      fail_msg("proof document %zu was accepted", i);
    }
    assert_true('\0' != err[0]);
  }
  /* More hashes than any proof can have. */
  size_t cap = 64 + (TLOG_MAX_PROOF + 1) * 45;
  char *many = malloc(cap);
  assert_non_null(many);
  size_t o = (size_t)snprintf(many, cap, "c2sp.org/tlog-proof@v1\nindex 0\n");
  for (int i = 0; i <= TLOG_MAX_PROOF; i++) {
    o += (size_t)snprintf(many + o, cap - o, "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n");
  }
  o += (size_t)snprintf(many + o, cap - o, "\nx\n");
  assert_int_equal(-1, tlog_proof_parse(&p, many, o, err, sizeof err));
  free(many);
  assert_int_equal(-1, tlog_proof_format(&doc, 0, NULL, 0, NULL, 0, cp, strlen(cp) - 1));
  free(cp);
  tlog_memtree_free(t);
  note_signer_wipe(&log);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_roots),
      cmocka_unit_test(test_inclusion_vectors),
      cmocka_unit_test(test_consistency_vectors),
      cmocka_unit_test(test_all_small_trees),
      cmocka_unit_test(test_tile_paths),
      cmocka_unit_test(test_tiles_for_size),
      cmocka_unit_test(test_tiles_compute_root_and_proofs),
      cmocka_unit_test(test_bundles),
      cmocka_unit_test(test_checkpoint),
      cmocka_unit_test(test_proof_document),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
