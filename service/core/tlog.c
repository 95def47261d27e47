/*
 * The served forms of the transparency log: C2SP tlog-tiles (paths, which tiles a tree
 * has and needs, tile contents, hashes recomputed from tiles, entry bundles), tlog-checkpoint
 * note text, and tlog-proof documents. Everything read here can come from an untrusted
 * server or holder, so every parser accepts one canonical form and says what was wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/tlog.h"

static void set_err(char *err, size_t errlen, const char *msg) {
  if (NULL != err && errlen > 0) {
    snprintf(err, errlen, "%s", msg);
  }
}

/* --- tile paths --- */

int tlog_tile_path(char *out, size_t cap, const struct tlog_tile *t) {
  if (t->level < TLOG_ENTRIES || t->level > TLOG_MAX_LEVEL || 0 == t->width ||
      t->width > TLOG_TILE_WIDTH) {
    return -1;
  }
  unsigned groups[8];
  int ng = 0;
  uint64_t n = t->index;
  do {
    groups[ng++] = (unsigned)(n % 1000);
    n /= 1000;
  } while (n > 0);
  size_t o = 0;
  int w;
  if (TLOG_ENTRIES == t->level) {
    w = snprintf(out, cap, "tile/entries/");
  } else {
    w = snprintf(out, cap, "tile/%d/", t->level);
  }
  if (w < 0 || (size_t)w >= cap) {
    return -1;
  }
  o = (size_t)w;
  for (int i = ng - 1; i >= 0; i--) {
    w = snprintf(out + o, cap - o, i > 0 ? "x%03u/" : "%03u", groups[i]);
    if (w < 0 || (size_t)w >= cap - o) {
      return -1;
    }
    o += (size_t)w;
  }
  if (t->width < TLOG_TILE_WIDTH) {
    w = snprintf(out + o, cap - o, ".p/%u", t->width);
    if (w < 0 || (size_t)w >= cap - o) {
      return -1;
    }
  }
  return 0;
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* A decimal without leading zeros in [s, s+len) of at most max. */
static int parse_small_decimal(unsigned *out, const char *s, size_t len, unsigned max) {
  if (0 == len || len > 3 || ('0' == s[0] && len > 1)) {
    return -1;
  }
  unsigned v = 0;
  for (size_t i = 0; i < len; i++) {
    if (!is_digit(s[i])) {
      return -1;
    }
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  if (v > max) {
    return -1;
  }
  *out = v;
  return 0;
}

int tlog_tile_parse_path(struct tlog_tile *out, const char *path, size_t len) {
  memset(out, 0, sizeof *out);
  if (len < 5 || len >= TLOG_PATH_SIZE || 0 != memcmp(path, "tile/", 5)) {
    return -1;
  }
  size_t p = 5;
  const char *slash = memchr(path + p, '/', len - p);
  if (NULL == slash) {
    return -1;
  }
  size_t toklen = (size_t)(slash - (path + p));
  int level;
  if (7 == toklen && 0 == memcmp(path + p, "entries", 7)) {
    level = TLOG_ENTRIES;
  } else {
    unsigned l;
    if (0 != parse_small_decimal(&l, path + p, toklen, TLOG_MAX_LEVEL)) {
      return -1;
    }
    level = (int)l;
  }
  p += toklen + 1;
  uint64_t index = 0;
  bool first = true;
  for (;;) {
    bool more = p < len && 'x' == path[p];
    if (more) {
      p++;
    }
    if (len - p < 3 || !is_digit(path[p]) || !is_digit(path[p + 1]) || !is_digit(path[p + 2])) {
      return -1;
    }
    unsigned g = (unsigned)(path[p] - '0') * 100 + (unsigned)(path[p + 1] - '0') * 10 +
                 (unsigned)(path[p + 2] - '0');
    if (first && more && 0 == g) {
      return -1; /* x000 leading group: not the canonical form */
    }
    if (index > (UINT64_MAX - g) / 1000) {
      return -1;
    }
    index = index * 1000 + g;
    p += 3;
    first = false;
    if (more) {
      if (p >= len || '/' != path[p]) {
        return -1;
      }
      p++;
      continue;
    }
    break;
  }
  unsigned width = TLOG_TILE_WIDTH;
  if (p < len) {
    if (len - p < 4 || 0 != memcmp(path + p, ".p/", 3)) {
      return -1;
    }
    p += 3;
    if (0 != parse_small_decimal(&width, path + p, len - p, TLOG_TILE_WIDTH - 1) || 0 == width) {
      return -1;
    }
  }
  out->level = level;
  out->index = index;
  out->width = width;
  return 0;
}

/* --- which tiles --- */

static void put_tile(struct tlog_tile *out, size_t cap, size_t *n, int level, uint64_t index,
                     unsigned width) {
  if (NULL != out && *n < cap) {
    out[*n].level = level;
    out[*n].index = index;
    out[*n].width = width;
  }
  (*n)++;
}

size_t tlog_tiles_for_size(struct tlog_tile *out, size_t cap, uint64_t size) {
  size_t n = 0;
  for (int l = 0; l < 8; l++) {
    uint64_t hashes = size >> (TLOG_TILE_HEIGHT * l);
    if (0 == hashes) {
      break;
    }
    uint64_t full = hashes / TLOG_TILE_WIDTH;
    unsigned partial = (unsigned)(hashes % TLOG_TILE_WIDTH);
    for (uint64_t i = 0; i < full; i++) {
      put_tile(out, cap, &n, l, i, TLOG_TILE_WIDTH);
    }
    if (partial > 0) {
      put_tile(out, cap, &n, l, full, partial);
    }
  }
  return n;
}

size_t tlog_tiles_for_root(struct tlog_tile out[8], uint64_t size) {
  size_t n = 0;
  for (int l = 0; l < 8; l++) {
    uint64_t hashes = size >> (TLOG_TILE_HEIGHT * l);
    unsigned partial = (unsigned)(hashes % TLOG_TILE_WIDTH);
    if (partial > 0) {
      put_tile(out, 8, &n, l, hashes / TLOG_TILE_WIDTH, partial);
    }
  }
  return n;
}

int tlog_tile_for_hash(struct tlog_tile *out, unsigned level, uint64_t index, uint64_t size) {
  if (level >= 64) {
    return -1;
  }
  /* Complete in the tree: (index + 1) << level <= size, without overflow. */
  if ((size >> level) <= index) {
    return -1;
  }
  unsigned l = level / TLOG_TILE_HEIGHT;
  unsigned sub = level - l * TLOG_TILE_HEIGHT;
  uint64_t start = index << sub; /* first hash at level 8l */
  uint64_t n = start / TLOG_TILE_WIDTH;
  uint64_t avail = size >> (TLOG_TILE_HEIGHT * l); /* hashes the tree has at level 8l */
  uint64_t w = avail - n * TLOG_TILE_WIDTH;
  out->level = (int)l;
  out->index = n;
  out->width = w > TLOG_TILE_WIDTH ? TLOG_TILE_WIDTH : (unsigned)w;
  return 0;
}

/* A reader that answers zeros and records the tile each stored hash would come from. */
struct tile_recorder {
  uint64_t size;
  struct tlog_tile *out;
  size_t n;
};

static int record_read(void *ctx, unsigned level, uint64_t index, struct tlog_hash *out) {
  struct tile_recorder *rec = ctx;
  struct tlog_tile t;
  memset(out, 0, sizeof *out);
  if (0 != tlog_tile_for_hash(&t, level, index, rec->size)) {
    return -1;
  }
  for (size_t i = 0; i < rec->n; i++) {
    if (rec->out[i].level == t.level && rec->out[i].index == t.index) {
      return 0;
    }
  }
  if (rec->n >= TLOG_MAX_TILES) {
    return -1;
  }
  rec->out[rec->n++] = t;
  return 0;
}

/* The tiles a proof reads: the proof is made against a reader that records them. The proof is
 * of consistency with the tree of size `from` when consistency, else of the inclusion of the
 * leaf at index `from`. */
static int tiles_for_proof(struct tlog_tile out[TLOG_MAX_TILES], size_t *out_n, uint64_t size,
                           bool consistency, uint64_t from) {
  struct tile_recorder rec = {size, out, 0};
  struct tlog_hash_reader r = {record_read, &rec};
  struct tlog_hash proof[TLOG_MAX_PROOF];
  size_t n = 0;
  *out_n = 0;
  int rc = consistency ? tlog_consistency_proof(proof, &n, &r, from, size)
                       : tlog_inclusion_proof(proof, &n, &r, size, from);
  if (0 != rc) {
    return -1;
  }
  *out_n = rec.n;
  return 0;
}

int tlog_tiles_for_inclusion(struct tlog_tile out[TLOG_MAX_TILES], size_t *out_n, uint64_t size,
                             uint64_t index) {
  return tiles_for_proof(out, out_n, size, false, index);
}

int tlog_tiles_for_consistency(struct tlog_tile out[TLOG_MAX_TILES], size_t *out_n, uint64_t size1,
                               uint64_t size) {
  return tiles_for_proof(out, out_n, size, true, size1);
}

int tlog_tile_data(unsigned char *out, const struct tlog_hash_reader *r,
                   const struct tlog_tile *t) {
  if (t->level < 0 || t->level > 7 || 0 == t->width || t->width > TLOG_TILE_WIDTH) {
    return -1;
  }
  unsigned level = (unsigned)t->level * TLOG_TILE_HEIGHT;
  for (unsigned i = 0; i < t->width; i++) {
    struct tlog_hash h;
    if (0 != r->read(r->ctx, level, t->index * TLOG_TILE_WIDTH + i, &h)) {
      return -1;
    }
    memcpy(out + (size_t)i * TLOG_HASH_LEN, h.b, TLOG_HASH_LEN);
  }
  return 0;
}

static int tile_read(void *ctx, unsigned level, uint64_t index, struct tlog_hash *out) {
  struct tlog_tile_reader *tr = ctx;
  struct tlog_tile t;
  const unsigned char *data = NULL;
  if (0 != tlog_tile_for_hash(&t, level, index, tr->size) || 0 != tr->fetch(tr->ctx, &t, &data) ||
      NULL == data) {
    return -1;
  }
  unsigned sub = level - (unsigned)t.level * TLOG_TILE_HEIGHT;
  uint64_t offset = (index << sub) - t.index * TLOG_TILE_WIDTH;
  size_t count = (size_t)1 << sub;
  if (offset + count > t.width) {
    return -1;
  }
  struct tlog_hash h[TLOG_TILE_WIDTH / 2];
  if (1 == count) {
    memcpy(out->b, data + offset * TLOG_HASH_LEN, TLOG_HASH_LEN);
    return 0;
  }
  /* Hash the aligned run of 2^sub tile hashes up to its root, a level at a time. */
  for (size_t i = 0; i < count / 2; i++) {
    struct tlog_hash a, b;
    memcpy(a.b, data + (offset + 2 * i) * TLOG_HASH_LEN, TLOG_HASH_LEN);
    memcpy(b.b, data + (offset + 2 * i + 1) * TLOG_HASH_LEN, TLOG_HASH_LEN);
    if (0 != tlog_node_hash(&h[i], &a, &b)) {
      return -1;
    }
  }
  for (size_t n = count / 2; n > 1; n /= 2) {
    for (size_t i = 0; i < n / 2; i++) {
      if (0 != tlog_node_hash(&h[i], &h[2 * i], &h[2 * i + 1])) {
        return -1;
      }
    }
  }
  *out = h[0];
  return 0;
}

struct tlog_hash_reader tlog_tile_reader(struct tlog_tile_reader *tr) {
  struct tlog_hash_reader r = {tile_read, tr};
  return r;
}

/* --- entry bundles --- */

int tlog_bundle_encode(unsigned char **out, size_t *out_len, const unsigned char *const *entries,
                       const size_t *lens, size_t n) {
  *out = NULL;
  *out_len = 0;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (lens[i] > TLOG_ENTRY_MAX || total > SIZE_MAX - 2 - lens[i]) {
      return -1;
    }
    total += 2 + lens[i];
  }
  unsigned char *buf = malloc(0 == total ? 1 : total);
  if (NULL == buf) {
    return -1;
  }
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    buf[o++] = (unsigned char)(lens[i] >> 8);
    buf[o++] = (unsigned char)lens[i];
    if (lens[i] > 0) {
      memcpy(buf + o, entries[i], lens[i]);
    }
    o += lens[i];
  }
  *out = buf;
  *out_len = total;
  return 0;
}

int tlog_bundle_next(const unsigned char *buf, size_t len, size_t *pos, const unsigned char **entry,
                     size_t *entry_len) {
  *entry = NULL;
  *entry_len = 0;
  if (*pos == len) {
    return 0;
  }
  if (*pos > len || len - *pos < 2) {
    return -1;
  }
  size_t n = (size_t)buf[*pos] << 8 | buf[*pos + 1];
  if (len - *pos - 2 < n) {
    return -1;
  }
  *entry = buf + *pos + 2;
  *entry_len = n;
  *pos += 2 + n;
  return 1;
}

/* --- checkpoints --- */

/* A line of printable UTF-8: no byte below 0x20 and no DEL (C1 controls are refused by the
 * note parser before a checkpoint is read). */
static bool line_ok(const char *s, size_t len) {
  if (0 == len) {
    return false;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || 0x7f == c) {
      return false;
    }
  }
  return true;
}

static bool extensions_ok(const char *ext) {
  size_t len = strlen(ext);
  if (0 == len) {
    return true;
  }
  if (len > TLOG_EXT_MAX || '\n' != ext[len - 1]) {
    return false;
  }
  size_t p = 0;
  while (p < len) {
    const char *nl = memchr(ext + p, '\n', len - p);
    size_t l = (size_t)(nl - (ext + p));
    if (!line_ok(ext + p, l)) {
      return false;
    }
    p += l + 1;
  }
  return true;
}

int tlog_checkpoint_format(char **out, const struct tlog_checkpoint *c) {
  *out = NULL;
  size_t olen = strnlen(c->origin, sizeof c->origin);
  if (olen > TLOG_ORIGIN_MAX || !line_ok(c->origin, olen) ||
      strnlen(c->extensions, sizeof c->extensions) > TLOG_EXT_MAX ||
      !extensions_ok(c->extensions)) {
    return -1;
  }
  char *root = note_b64_encode(c->root.b, TLOG_HASH_LEN);
  if (NULL == root) {
    return -1;
  }
  size_t cap = olen + 1 + 21 + 1 + strlen(root) + 1 + strlen(c->extensions) + 1;
  char *text = malloc(cap);
  if (NULL != text) {
    snprintf(text, cap, "%s\n%llu\n%s\n%s", c->origin, (unsigned long long)c->size, root,
             c->extensions);
  }
  free(root);
  *out = text;
  return NULL == text ? -1 : 0;
}

int tlog_checkpoint_parse(struct tlog_checkpoint *out, const char *text, size_t len, char *err,
                          size_t errlen) {
  memset(out, 0, sizeof *out);
  if (0 == len || '\n' != text[len - 1]) {
    set_err(err, errlen, "checkpoint: empty or not ending in a newline");
    return -1;
  }
  const char *lines[3];
  size_t lens[3];
  size_t p = 0;
  for (int i = 0; i < 3; i++) {
    if (p >= len) {
      set_err(err, errlen, "checkpoint: fewer than three lines");
      return -1;
    }
    const char *nl = memchr(text + p, '\n', len - p);
    lines[i] = text + p;
    lens[i] = (size_t)(nl - (text + p));
    p += lens[i] + 1;
  }
  if (!line_ok(lines[0], lens[0]) || lens[0] > TLOG_ORIGIN_MAX) {
    set_err(err, errlen, "checkpoint: the origin line is empty, too long or has a control");
    return -1;
  }
  uint64_t size = 0;
  if (0 == lens[1] || lens[1] > 20 || ('0' == lines[1][0] && lens[1] > 1)) {
    set_err(err, errlen, "checkpoint: the tree size is not a canonical decimal");
    return -1;
  }
  for (size_t i = 0; i < lens[1]; i++) {
    char c = lines[1][i];
    unsigned d = (unsigned)(c - '0');
    if (!is_digit(c) || size > (UINT64_MAX - d) / 10) {
      set_err(err, errlen, "checkpoint: the tree size is not a canonical decimal");
      return -1;
    }
    size = size * 10 + d;
  }
  unsigned char *root = NULL;
  size_t rootlen = 0;
  if (0 != note_b64_decode(&root, &rootlen, lines[2], lens[2]) || TLOG_HASH_LEN != rootlen) {
    free(root);
    set_err(err, errlen, "checkpoint: the root hash is not base64 of 32 bytes");
    return -1;
  }
  memcpy(out->root.b, root, TLOG_HASH_LEN);
  free(root);
  size_t extlen = len - p;
  if (extlen > TLOG_EXT_MAX) {
    set_err(err, errlen, "checkpoint: extension lines too long");
    memset(out, 0, sizeof *out);
    return -1;
  }
  memcpy(out->extensions, text + p, extlen);
  out->extensions[extlen] = '\0';
  if (memchr(text + p, '\0', extlen) != NULL || !extensions_ok(out->extensions)) {
    set_err(err, errlen, "checkpoint: an extension line is empty or has a control character");
    memset(out, 0, sizeof *out);
    return -1;
  }
  memcpy(out->origin, lines[0], lens[0]);
  out->origin[lens[0]] = '\0';
  out->size = size;
  return 0;
}

int tlog_checkpoint_sign(char **out, const struct tlog_checkpoint *c,
                         const struct note_signer *signer) {
  char *text = NULL;
  *out = NULL;
  if (0 != tlog_checkpoint_format(&text, c)) {
    return -1;
  }
  int rc = note_sign(out, text, strlen(text), signer);
  free(text);
  return rc;
}

int tlog_checkpoint_open(struct tlog_checkpoint *out, const char *msg, size_t len,
                         const struct note_key *keys, size_t nkeys, const char *origin, char *err,
                         size_t errlen) {
  char *text = NULL;
  size_t textlen = 0;
  memset(out, 0, sizeof *out);
  if (0 != note_open(&text, &textlen, msg, len, keys, nkeys, err, errlen)) {
    return -1;
  }
  int rc = tlog_checkpoint_parse(out, text, textlen, err, errlen);
  free(text);
  if (0 == rc && NULL != origin && 0 != strcmp(origin, out->origin)) {
    set_err(err, errlen, "checkpoint: not from the expected log (origin differs)");
    memset(out, 0, sizeof *out);
    rc = -1;
  }
  return rc;
}

/* --- tlog-proof --- */

int tlog_proof_format(char **out, uint64_t index, const unsigned char *extra, size_t extra_len,
                      const struct tlog_hash *hashes, size_t n, const char *checkpoint,
                      size_t checkpoint_len) {
  *out = NULL;
  if (n > TLOG_MAX_PROOF || 0 == checkpoint_len || '\n' != checkpoint[checkpoint_len - 1] ||
      (NULL != extra && (0 == extra_len || extra_len > TLOG_EXTRA_MAX))) {
    return -1;
  }
  char *extra64 = NULL;
  if (NULL != extra && NULL == (extra64 = note_b64_encode(extra, extra_len))) {
    return -1;
  }
  size_t cap = sizeof TLOG_PROOF_HEADER + 1 + (NULL != extra64 ? 7 + strlen(extra64) : 0) + 28 +
               n * 45 + 1 + checkpoint_len + 1;
  char *buf = malloc(cap);
  int rc = -1;
  if (NULL == buf) {
    goto cleanup;
  }
  int w = snprintf(buf, cap, TLOG_PROOF_HEADER "\n%s%s%sindex %llu\n",
                   NULL != extra64 ? "extra " : "", NULL != extra64 ? extra64 : "",
                   NULL != extra64 ? "\n" : "", (unsigned long long)index);
  if (w < 0 || (size_t)w >= cap) {
    goto cleanup;
  }
  size_t o = (size_t)w;
  for (size_t i = 0; i < n; i++) {
    char *h = note_b64_encode(hashes[i].b, TLOG_HASH_LEN);
    if (NULL == h) {
      goto cleanup;
    }
    w = snprintf(buf + o, cap - o, "%s\n", h);
    free(h);
    if (w < 0 || (size_t)w >= cap - o) {
      goto cleanup;
    }
    o += (size_t)w;
  }
  buf[o++] = '\n';
  memcpy(buf + o, checkpoint, checkpoint_len);
  o += checkpoint_len;
  buf[o] = '\0';
  *out = buf;
  buf = NULL;
  rc = 0;
cleanup:
  free(buf);
  free(extra64);
  return rc;
}

void tlog_proof_free(struct tlog_proof *p) {
  if (NULL == p) {
    return;
  }
  free(p->extra);
  free(p->checkpoint);
  memset(p, 0, sizeof *p);
}

/* The next line of [s+*p, s+len) without its newline; -1 when there is no newline. */
static int next_line(const char *s, size_t len, size_t *p, const char **line, size_t *linelen) {
  if (*p >= len) {
    return -1;
  }
  const char *nl = memchr(s + *p, '\n', len - *p);
  if (NULL == nl) {
    return -1;
  }
  *line = s + *p;
  *linelen = (size_t)(nl - (s + *p));
  *p += *linelen + 1;
  return 0;
}

int tlog_proof_parse(struct tlog_proof *out, const char *text, size_t len, char *err,
                     size_t errlen) {
  memset(out, 0, sizeof *out);
  const char *line = NULL;
  size_t ll = 0, p = 0;
  if (len > TLOG_PROOF_MAX || NULL != memchr(text, '\0', len)) {
    set_err(err, errlen, "proof: too large or contains a NUL byte");
    return -1;
  }
  if (0 != next_line(text, len, &p, &line, &ll) || sizeof TLOG_PROOF_HEADER - 1 != ll ||
      0 != memcmp(line, TLOG_PROOF_HEADER, ll)) {
    set_err(err, errlen, "proof: the first line is not " TLOG_PROOF_HEADER);
    return -1;
  }
  if (0 != next_line(text, len, &p, &line, &ll)) {
    set_err(err, errlen, "proof: no index line");
    return -1;
  }
  if (ll >= 6 && 0 == memcmp(line, "extra ", 6)) {
    if (0 != note_b64_decode(&out->extra, &out->extra_len, line + 6, ll - 6) ||
        0 == out->extra_len || out->extra_len > TLOG_EXTRA_MAX) {
      set_err(err, errlen, "proof: the extra data is not non-empty base64");
      goto bad;
    }
    if (0 != next_line(text, len, &p, &line, &ll)) {
      set_err(err, errlen, "proof: no index line");
      goto bad;
    }
  }
  if (ll < 7 || ll > 26 || 0 != memcmp(line, "index ", 6) || ('0' == line[6] && ll > 7)) {
    set_err(err, errlen, "proof: the index line is not \"index\" and a canonical decimal");
    goto bad;
  }
  uint64_t index = 0;
  for (size_t i = 6; i < ll; i++) {
    unsigned d = (unsigned)(line[i] - '0');
    if (!is_digit(line[i]) || index > (UINT64_MAX - d) / 10) {
      set_err(err, errlen, "proof: the index line is not \"index\" and a canonical decimal");
      goto bad;
    }
    index = index * 10 + d;
  }
  out->index = index;
  for (;;) {
    if (0 != next_line(text, len, &p, &line, &ll)) {
      set_err(err, errlen, "proof: no blank line before the checkpoint");
      goto bad;
    }
    if (0 == ll) {
      break;
    }
    unsigned char *h = NULL;
    size_t hl = 0;
    if (out->n >= TLOG_MAX_PROOF) {
      set_err(err, errlen, "proof: too many hashes");
      goto bad;
    }
    if (0 != note_b64_decode(&h, &hl, line, ll) || TLOG_HASH_LEN != hl) {
      free(h);
      set_err(err, errlen, "proof: a proof line is not base64 of a 32-byte hash");
      goto bad;
    }
    memcpy(out->hashes[out->n++].b, h, TLOG_HASH_LEN);
    free(h);
  }
  if (p >= len || '\n' != text[len - 1]) {
    set_err(err, errlen, "proof: no checkpoint, or one that does not end in a newline");
    goto bad;
  }
  out->checkpoint_len = len - p;
  out->checkpoint = malloc(out->checkpoint_len + 1);
  if (NULL == out->checkpoint) {
    set_err(err, errlen, "proof: out of memory");
    goto bad;
  }
  memcpy(out->checkpoint, text + p, out->checkpoint_len);
  out->checkpoint[out->checkpoint_len] = '\0';
  return 0;
bad:
  tlog_proof_free(out);
  return -1;
}

int tlog_proof_verify(struct tlog_checkpoint *out_cp, const struct tlog_proof *p,
                      const struct tlog_hash *leaf, const struct note_key *keys, size_t nkeys,
                      const char *origin, char *err, size_t errlen) {
  struct tlog_checkpoint cp;
  if (NULL != out_cp) {
    memset(out_cp, 0, sizeof *out_cp);
  }
  if (0 != tlog_checkpoint_open(&cp, p->checkpoint, p->checkpoint_len, keys, nkeys, origin, err,
                                errlen)) {
    return -1;
  }
  if (p->index >= cp.size) {
    set_err(err, errlen, "proof: the index is beyond the checkpoint's tree size");
    return -1;
  }
  if (!tlog_inclusion_verify(leaf, p->index, cp.size, p->hashes, p->n, &cp.root)) {
    set_err(err, errlen, "proof: the inclusion proof does not lead to the checkpoint's root");
    return -1;
  }
  if (NULL != out_cp) {
    *out_cp = cp;
  }
  return 0;
}
