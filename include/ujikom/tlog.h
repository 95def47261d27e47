/*
 * The transparency log core: RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing
 * with inclusion and consistency proofs, the C2SP tlog-tiles layout (tile paths, tile
 * contents, entry bundles, which tiles a tree size needs), C2SP tlog-checkpoint checkpoints
 * carried in signed notes (see note.h), and C2SP tlog-proof inclusion proof documents.
 *
 * Pure functions: hashes come from the caller through a reader (struct tlog_hash_reader), so
 * the same proof code runs over an in-memory tree, a store or tiles fetched from a server.
 * Everything parsed here (tile paths, bundles, checkpoints, proofs) may come from an
 * attacker: parsers are strict and say what was wrong.
 */
#ifndef UJIKOM_TLOG_H
#define UJIKOM_TLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/note.h"

#define TLOG_HASH_LEN    32
#define TLOG_TILE_HEIGHT 8     /* tlog-tiles: every tile is a subtree of height 8 */
#define TLOG_TILE_WIDTH  256   /* hashes in a full tile (8,192 bytes) */
#define TLOG_MAX_LEVEL   63    /* highest tile level a path may name */
#define TLOG_MAX_PROOF   128   /* hashes in any inclusion or consistency proof (tree < 2^63) */
#define TLOG_ENTRIES     (-1)  /* tile level that names an entry bundle */
#define TLOG_PATH_SIZE   96    /* enough for any tile path and its NUL */
#define TLOG_ORIGIN_MAX  255   /* bytes of a checkpoint origin line */
#define TLOG_EXT_MAX     1024  /* bytes of all extension lines of a checkpoint */
#define TLOG_ENTRY_MAX   65535 /* bytes of one entry in a bundle (uint16 length prefix) */

struct tlog_hash {
  unsigned char b[TLOG_HASH_LEN];
};

/* --- RFC 9162 section 2.1.1 hashing --- */

/* Leaf hash: SHA-256(0x00 || data). Returns 0, or -1 when OpenSSL fails. */
int tlog_leaf_hash(struct tlog_hash *out, const void *data, size_t len);
/* Interior node: SHA-256(0x01 || left || right). Returns 0 or -1 (OpenSSL failure). */
int tlog_node_hash(struct tlog_hash *out, const struct tlog_hash *left,
                   const struct tlog_hash *right);
/* Hash of the empty tree, SHA-256 of no bytes. */
void tlog_empty_root(struct tlog_hash *out);

/* Gives the hash of the complete subtree of 2^level leaves starting at leaf index << level
 * (level 0: the leaf hashes). Returns 0, or -1 when the hash is not available. Complete
 * subtrees never change as a log grows, so a reader needs no tree size. */
struct tlog_hash_reader {
  int (*read)(void *ctx, unsigned level, uint64_t index, struct tlog_hash *out);
  void *ctx;
};

/* Merkle Tree Hash of leaves [lo, hi) of a log (RFC 9162 MTH, lo aligned as the recursion
 * of a tree starting at 0 produces). Returns 0 or -1 (reader failure or bad range). */
int tlog_subtree_hash(struct tlog_hash *out, const struct tlog_hash_reader *r, uint64_t lo,
                      uint64_t hi);
/* Root of the first `size` leaves (size 0: the empty root). Returns 0 or -1. */
int tlog_tree_hash(struct tlog_hash *out, const struct tlog_hash_reader *r, uint64_t size);

/* Inclusion proof (RFC 9162 section 2.1.3.1, PATH) of leaf `index` in the tree of `size`
 * leaves: *out_n hashes (at most TLOG_MAX_PROOF) into out. Returns 0, or -1 when index >=
 * size or the reader fails. */
int tlog_inclusion_proof(struct tlog_hash out[TLOG_MAX_PROOF], size_t *out_n,
                         const struct tlog_hash_reader *r, uint64_t size, uint64_t index);
/* RFC 9162 section 2.1.3.2: true only when proof proves leaf at index in the tree of size
 * leaves whose root is root. */
bool tlog_inclusion_verify(const struct tlog_hash *leaf, uint64_t index, uint64_t size,
                           const struct tlog_hash *proof, size_t n, const struct tlog_hash *root);

/* Consistency proof (RFC 9162 section 2.1.4.1) between the trees of size1 and size2 leaves
 * (0 < size1 <= size2; the proof is empty when they are equal). Returns 0 or -1. */
int tlog_consistency_proof(struct tlog_hash out[TLOG_MAX_PROOF], size_t *out_n,
                           const struct tlog_hash_reader *r, uint64_t size1, uint64_t size2);
/* RFC 9162 section 2.1.4.2. True only when proof shows the tree (size1, root1) is a prefix
 * of (size2, root2). size1 == size2 needs an empty proof and equal roots; size1 == 0 needs an
 * empty proof (every tree extends the empty one); size1 > size2 is always false. */
bool tlog_consistency_verify(uint64_t size1, const struct tlog_hash *root1, uint64_t size2,
                             const struct tlog_hash *root2, const struct tlog_hash *proof,
                             size_t n);

/* --- An in-memory tree (every stored hash kept; O(1) reads) --- */

struct tlog_memtree;
/* Returns 0 and *out (free with tlog_memtree_free), or -1 when out of memory. */
int tlog_memtree_new(struct tlog_memtree **out);
void tlog_memtree_free(struct tlog_memtree *t);
/* Appends one leaf hash. Returns 0 or -1 (out of memory, OpenSSL failure). */
int tlog_memtree_append(struct tlog_memtree *t, const struct tlog_hash *leaf);
uint64_t tlog_memtree_size(const struct tlog_memtree *t);
/* A reader over t, valid while t lives and is not appended to concurrently. */
struct tlog_hash_reader tlog_memtree_reader(struct tlog_memtree *t);

/* --- C2SP tlog-tiles --- */

/* A tile: level (TLOG_ENTRIES for an entry bundle), index within the level, and width
 * (1..256; 256 = full, anything less is the partial tile, path suffix .p/<W>). */
struct tlog_tile {
  int level;
  uint64_t index;
  unsigned width;
};

/* Writes the tile's path ("tile/1/x001/x234/067.p/17", "tile/entries/000") into out.
 * Returns 0, or -1 when the tile is out of range or cap is too small. */
int tlog_tile_path(char *out, size_t cap, const struct tlog_tile *t);
/* Parses a path as tlog_tile_path writes it, and nothing else (no leading zeros beyond the
 * 3-digit groups, no empty "x000" leading group, level 0..63, width 1..255). Returns 0 or
 * -1. */
int tlog_tile_parse_path(struct tlog_tile *out, const char *path, size_t len);

/* Every tile (levels >= 0) that exists for a tree of `size` leaves: full tiles and, per
 * level, the partial one, lowest level first, by index. With out NULL only counts. Returns
 * the number of tiles (which may exceed cap: then only cap are written). */
size_t tlog_tiles_for_size(struct tlog_tile *out, size_t cap, uint64_t size);
/* The tile of a tree of `size` leaves that holds what is needed to compute the stored hash
 * (level, index): the tile at level/8 covering it, as wide as that tree has it. Returns 0,
 * or -1 when that subtree is not complete in the tree. */
int tlog_tile_for_hash(struct tlog_tile *out, unsigned level, uint64_t index, uint64_t size);
/* The tiles needed to compute the root of a tree of `size` leaves: the partial tile of each
 * level (width > 0), lowest first. Returns their number (at most 8). */
size_t tlog_tiles_for_root(struct tlog_tile out[8], uint64_t size);

#define TLOG_MAX_TILES 256 /* tiles any one root or proof can need (far more than enough) */
/* The tiles of a tree of `size` leaves needed to compute the inclusion proof of leaf index
 * (tlog_tiles_for_inclusion) or the consistency proof from size1 to size
 * (tlog_tiles_for_consistency), each once. Returns 0 and *out_n tiles, or -1 when the proof
 * does not exist (index >= size; size1 == 0 or size1 > size). */
int tlog_tiles_for_inclusion(struct tlog_tile out[TLOG_MAX_TILES], size_t *out_n, uint64_t size,
                             uint64_t index);
int tlog_tiles_for_consistency(struct tlog_tile out[TLOG_MAX_TILES], size_t *out_n, uint64_t size1,
                               uint64_t size);

/* The contents of tile t (t->width hashes, 32 bytes each) written into out (capacity
 * t->width * 32). Returns 0 or -1 (reader failure). */
int tlog_tile_data(unsigned char *out, const struct tlog_hash_reader *r, const struct tlog_tile *t);

/* Supplies tiles to tlog_tile_reader: *data = the tile's t->width * 32 bytes, borrowed until
 * the next call. Returns 0 or -1 (not available). */
typedef int (*tlog_tile_fetch_fn)(void *ctx, const struct tlog_tile *t, const unsigned char **data);
/* A reader of stored hashes computed from tiles of a tree of `size` leaves. */
struct tlog_tile_reader {
  tlog_tile_fetch_fn fetch;
  void *ctx;
  uint64_t size;
};
struct tlog_hash_reader tlog_tile_reader(struct tlog_tile_reader *tr);

/* Entry bundles: each entry as a big-endian uint16 length and its bytes. Encode returns 0 and
 * *out (malloc'd, free()) of *out_len bytes, or -1 (an entry over TLOG_ENTRY_MAX bytes, out
 * of memory). */
int tlog_bundle_encode(unsigned char **out, size_t *out_len, const unsigned char *const *entries,
                       const size_t *lens, size_t n);
/* Iterates a bundle: returns 1 and the next entry (borrowed from buf) advancing *pos, 0 at
 * the end, -1 when the bundle is truncated. */
int tlog_bundle_next(const unsigned char *buf, size_t len, size_t *pos, const unsigned char **entry,
                     size_t *entry_len);

/* --- C2SP tlog-checkpoint --- */

struct tlog_checkpoint {
  char origin[TLOG_ORIGIN_MAX + 1];
  uint64_t size;
  struct tlog_hash root;
  char extensions[TLOG_EXT_MAX + 1]; /* extension lines, each ending in "\n"; "" = none */
};

/* The note text of c ("origin\nsize\nbase64(root)\n" + extensions). Returns 0 and *out
 * (malloc'd, free()), or -1 when c is not valid (empty origin, an origin with a control
 * character, extensions with an empty line or not ending in a newline). */
int tlog_checkpoint_format(char **out, const struct tlog_checkpoint *c);
/* Parses checkpoint note text (already verified). Returns 0, or -1 with a reason in err. */
int tlog_checkpoint_parse(struct tlog_checkpoint *out, const char *text, size_t len, char *err,
                          size_t errlen);
/* Formats and signs c. Returns 0 and *out (the signed note, malloc'd, free()) or -1. */
int tlog_checkpoint_sign(char **out, const struct tlog_checkpoint *c,
                         const struct note_signer *signer);
/* Verifies a signed checkpoint under keys and parses it; when origin is not NULL the
 * checkpoint's origin must equal it. Returns 0, or -1 with a reason in err. */
int tlog_checkpoint_open(struct tlog_checkpoint *out, const char *msg, size_t len,
                         const struct note_key *keys, size_t nkeys, const char *origin, char *err,
                         size_t errlen);

/* --- C2SP tlog-proof --- */

#define TLOG_PROOF_HEADER "c2sp.org/tlog-proof@v1"
#define TLOG_PROOF_MAX    ((size_t)64 * 1024) /* bytes of a proof document this parser accepts */
#define TLOG_EXTRA_MAX    4096                /* bytes of decoded extra data */

struct tlog_proof {
  uint64_t index;
  size_t n;
  struct tlog_hash hashes[TLOG_MAX_PROOF];
  unsigned char *extra; /* NULL when the proof has no extra line */
  size_t extra_len;
  char *checkpoint; /* the signed checkpoint note, verbatim, NUL-terminated */
  size_t checkpoint_len;
};

/* Writes a proof document. extra may be NULL (no extra line). Returns 0 and *out (malloc'd,
 * free()), or -1 (n too large, a checkpoint that does not end in a newline, out of memory). */
int tlog_proof_format(char **out, uint64_t index, const unsigned char *extra, size_t extra_len,
                      const struct tlog_hash *hashes, size_t n, const char *checkpoint,
                      size_t checkpoint_len);
/* Parses a proof document strictly. Returns 0 and *out (release with tlog_proof_free), or -1
 * with a reason in err. The checkpoint is not verified here (tlog_proof_verify does). */
int tlog_proof_parse(struct tlog_proof *out, const char *text, size_t len, char *err,
                     size_t errlen);
void tlog_proof_free(struct tlog_proof *p);
/* Verifies p for the entry whose leaf hash is leaf: the checkpoint is signed by one of
 * keys (and has the given origin unless NULL), index < its size, and the inclusion proof
 * leads to its root. Returns 0 and the checkpoint in *out_cp (may be NULL), or -1 with a
 * reason in err. */
int tlog_proof_verify(struct tlog_checkpoint *out_cp, const struct tlog_proof *p,
                      const struct tlog_hash *leaf, const struct note_key *keys, size_t nkeys,
                      const char *origin, char *err, size_t errlen);

#endif
