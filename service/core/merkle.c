/*
 * RFC 9162 Merkle tree hashing: leaf and node hashes, the tree hash of any prefix of a log,
 * inclusion and consistency proofs and their verification, and an in-memory tree. Proofs
 * are built from complete-subtree hashes through a reader, so their cost is logarithmic
 * whenever the reader's is constant (the in-memory tree, tiles).
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/tlog.h"

static int sha256_parts(struct tlog_hash *out, unsigned char prefix, const void *a, size_t alen,
                        const void *b, size_t blen) {
  unsigned int mdlen = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int rc = -1;
  if (NULL == ctx) {
    return -1;
  }
  if (1 == EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && 1 == EVP_DigestUpdate(ctx, &prefix, 1) &&
      (0 == alen || 1 == EVP_DigestUpdate(ctx, a, alen)) &&
      (0 == blen || 1 == EVP_DigestUpdate(ctx, b, blen)) &&
      1 == EVP_DigestFinal_ex(ctx, out->b, &mdlen) && TLOG_HASH_LEN == mdlen) {
    rc = 0;
  }
  EVP_MD_CTX_free(ctx);
  return rc;
}

int tlog_leaf_hash(struct tlog_hash *out, const void *data, size_t len) {
  return sha256_parts(out, 0x00, data, len, NULL, 0);
}

int tlog_node_hash(struct tlog_hash *out, const struct tlog_hash *left,
                   const struct tlog_hash *right) {
  return sha256_parts(out, 0x01, left->b, TLOG_HASH_LEN, right->b, TLOG_HASH_LEN);
}

void tlog_empty_root(struct tlog_hash *out) {
  static const unsigned char empty[TLOG_HASH_LEN] = {
      0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
      0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
      0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
  memcpy(out->b, empty, TLOG_HASH_LEN);
}

/* Largest power of two strictly less than n (n >= 2). */
static uint64_t split_point(uint64_t n) {
  uint64_t k = 1;
  while (k < n - k) {
    k <<= 1;
  }
  return k;
}

static unsigned log2_exact(uint64_t n) {
  unsigned l = 0;
  while ((UINT64_C(1) << l) < n) {
    l++;
  }
  return l;
}

static bool is_pow2(uint64_t n) {
  return 0 != n && 0 == (n & (n - 1));
}

int tlog_subtree_hash(struct tlog_hash *out, const struct tlog_hash_reader *r, uint64_t lo,
                      uint64_t hi) {
  if (hi <= lo) {
    return -1;
  }
  uint64_t n = hi - lo;
  if (is_pow2(n)) {
    unsigned level = log2_exact(n);
    if (0 != (lo & (n - 1))) {
      return -1; /* not a stored subtree: the recursion never asks for one */
    }
    return r->read(r->ctx, level, lo >> level, out);
  }
  uint64_t k = split_point(n);
  struct tlog_hash left, right;
  if (0 != tlog_subtree_hash(&left, r, lo, lo + k) ||
      0 != tlog_subtree_hash(&right, r, lo + k, hi)) {
    return -1;
  }
  return tlog_node_hash(out, &left, &right);
}

int tlog_tree_hash(struct tlog_hash *out, const struct tlog_hash_reader *r, uint64_t size) {
  if (0 == size) {
    tlog_empty_root(out);
    return 0;
  }
  return tlog_subtree_hash(out, r, 0, size);
}

/* Appends h to a proof being built; -1 when the proof is full. */
static int proof_push(struct tlog_hash *out, size_t *n, const struct tlog_hash *h) {
  if (*n >= TLOG_MAX_PROOF) {
    return -1;
  }
  out[(*n)++] = *h;
  return 0;
}

/* PATH(m, D[lo:hi]) of RFC 9162 section 2.1.3.1, appended leaf-side first. */
static int path(struct tlog_hash *out, size_t *n, const struct tlog_hash_reader *r, uint64_t m,
                uint64_t lo, uint64_t hi) {
  if (hi - lo <= 1) {
    return 0;
  }
  uint64_t k = split_point(hi - lo);
  struct tlog_hash h;
  if (m < k) {
    if (0 != path(out, n, r, m, lo, lo + k) || 0 != tlog_subtree_hash(&h, r, lo + k, hi)) {
      return -1;
    }
  } else {
    if (0 != path(out, n, r, m - k, lo + k, hi) || 0 != tlog_subtree_hash(&h, r, lo, lo + k)) {
      return -1;
    }
  }
  return proof_push(out, n, &h);
}

int tlog_inclusion_proof(struct tlog_hash out[TLOG_MAX_PROOF], size_t *out_n,
                         const struct tlog_hash_reader *r, uint64_t size, uint64_t index) {
  *out_n = 0;
  if (index >= size) {
    return -1;
  }
  return path(out, out_n, r, index, 0, size);
}

/* The verification step that follows a left-hand proof node (RFC 9162, 2.1.3.2 and 2.1.4.2):
 * shifts fn and sn right together while fn is even and not 0. */
static void shift_while_even(uint64_t *fn, uint64_t *sn) {
  while (0 == (*fn & 1) && 0 != *fn) {
    *fn >>= 1;
    *sn >>= 1;
  }
}

/* One step of RFC 9162's proof verification (sections 2.1.3.2 and 2.1.4.2): proof node p is
 * a left sibling when fn is odd or the last node of its level, and goes before sr (and before
 * fr, when given); else it goes after sr. Moves fn and sn up a level. False when sn reached
 * the root before the proof ended, or hashing failed. */
static bool proof_step(const struct tlog_hash *p, struct tlog_hash *fr, struct tlog_hash *sr,
                       uint64_t *fn, uint64_t *sn) {
  if (0 == *sn) {
    return false;
  }
  if ((*fn & 1) || *fn == *sn) {
    if ((NULL != fr && 0 != tlog_node_hash(fr, p, fr)) || 0 != tlog_node_hash(sr, p, sr)) {
      return false;
    }
    shift_while_even(fn, sn);
  } else if (0 != tlog_node_hash(sr, sr, p)) {
    return false;
  }
  *fn >>= 1;
  *sn >>= 1;
  return true;
}

bool tlog_inclusion_verify(const struct tlog_hash *leaf, uint64_t index, uint64_t size,
                           const struct tlog_hash *proof, size_t n, const struct tlog_hash *root) {
  if (index >= size || n > TLOG_MAX_PROOF) {
    return false;
  }
  uint64_t fn = index, sn = size - 1;
  struct tlog_hash h = *leaf;
  for (size_t i = 0; i < n; i++) {
    if (!proof_step(&proof[i], NULL, &h, &fn, &sn)) {
      return false;
    }
  }
  return 0 == sn && 0 == memcmp(h.b, root->b, TLOG_HASH_LEN);
}

/* SUBPROOF(m, D[lo:hi], b) of RFC 9162 section 2.1.4.1. */
static int subproof(struct tlog_hash *out, size_t *n, const struct tlog_hash_reader *r, uint64_t m,
                    uint64_t lo, uint64_t hi, bool complete) {
  struct tlog_hash h;
  if (m == hi - lo) {
    if (complete) {
      return 0;
    }
    if (0 != tlog_subtree_hash(&h, r, lo, hi)) {
      return -1;
    }
  } else {
    uint64_t k = split_point(hi - lo);
    if (m <= k) {
      if (0 != subproof(out, n, r, m, lo, lo + k, complete) ||
          0 != tlog_subtree_hash(&h, r, lo + k, hi)) {
        return -1;
      }
    } else {
      if (0 != subproof(out, n, r, m - k, lo + k, hi, false) ||
          0 != tlog_subtree_hash(&h, r, lo, lo + k)) {
        return -1;
      }
    }
  }
  return proof_push(out, n, &h);
}

int tlog_consistency_proof(struct tlog_hash out[TLOG_MAX_PROOF], size_t *out_n,
                           const struct tlog_hash_reader *r, uint64_t size1, uint64_t size2) {
  *out_n = 0;
  if (0 == size1 || size1 > size2) {
    return -1;
  }
  return subproof(out, out_n, r, size1, 0, size2, true);
}

bool tlog_consistency_verify(uint64_t size1, const struct tlog_hash *root1, uint64_t size2,
                             const struct tlog_hash *root2, const struct tlog_hash *proof,
                             size_t n) {
  if (size1 > size2 || n > TLOG_MAX_PROOF) {
    return false;
  }
  if (0 == size1) {
    return 0 == n;
  }
  if (size1 == size2) {
    return 0 == n && 0 == memcmp(root1->b, root2->b, TLOG_HASH_LEN);
  }
  if (0 == n) {
    return false;
  }
  /* Step 2: when size1 is a power of two the old root is the first node of the path. */
  size_t start = 0;
  struct tlog_hash fr, sr;
  if (is_pow2(size1)) {
    fr = *root1;
  } else {
    fr = proof[0];
    start = 1;
  }
  sr = fr;
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  for (size_t i = start; i < n; i++) {
    if (!proof_step(&proof[i], &fr, &sr, &fn, &sn)) {
      return false;
    }
  }
  return 0 == sn && 0 == memcmp(fr.b, root1->b, TLOG_HASH_LEN) &&
         0 == memcmp(sr.b, root2->b, TLOG_HASH_LEN);
}

/* --- in-memory tree: level k holds every complete subtree hash of 2^k leaves --- */

#define MEMTREE_LEVELS 64

struct tlog_memtree {
  struct tlog_hash *level[MEMTREE_LEVELS];
  uint64_t count[MEMTREE_LEVELS];
  uint64_t cap[MEMTREE_LEVELS];
};

int tlog_memtree_new(struct tlog_memtree **out) {
  *out = calloc(1, sizeof **out);
  return NULL == *out ? -1 : 0;
}

void tlog_memtree_free(struct tlog_memtree *t) {
  if (NULL == t) {
    return;
  }
  for (int i = 0; i < MEMTREE_LEVELS; i++) {
    free(t->level[i]);
  }
  free(t);
}

static int memtree_push(struct tlog_memtree *t, unsigned k, const struct tlog_hash *h) {
  if (t->count[k] == t->cap[k]) {
    uint64_t cap = 0 == t->cap[k] ? 16 : t->cap[k] * 2;
    if (cap > SIZE_MAX / sizeof(struct tlog_hash)) {
      return -1;
    }
    struct tlog_hash *p = realloc(t->level[k], (size_t)cap * sizeof *p);
    if (NULL == p) {
      return -1;
    }
    t->level[k] = p;
    t->cap[k] = cap;
  }
  t->level[k][t->count[k]++] = *h;
  return 0;
}

int tlog_memtree_append(struct tlog_memtree *t, const struct tlog_hash *leaf) {
  if (0 != memtree_push(t, 0, leaf)) {
    return -1;
  }
  /* Each level completes a parent whenever its count becomes even. */
  for (unsigned k = 0; k + 1 < MEMTREE_LEVELS && 0 == (t->count[k] & 1); k++) {
    struct tlog_hash h;
    if (0 != tlog_node_hash(&h, &t->level[k][t->count[k] - 2], &t->level[k][t->count[k] - 1]) ||
        0 != memtree_push(t, k + 1, &h)) {
      return -1;
    }
  }
  return 0;
}

uint64_t tlog_memtree_size(const struct tlog_memtree *t) {
  return t->count[0];
}

static int memtree_read(void *ctx, unsigned level, uint64_t index, struct tlog_hash *out) {
  struct tlog_memtree *t = ctx;
  if (level >= MEMTREE_LEVELS || index >= t->count[level]) {
    return -1;
  }
  *out = t->level[level][index];
  return 0;
}

struct tlog_hash_reader tlog_memtree_reader(struct tlog_memtree *t) {
  struct tlog_hash_reader r = {memtree_read, t};
  return r;
}
