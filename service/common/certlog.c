/*
 * The transparency log of certificate events (see certlog.h): entries appended inside the
 * caller's transaction, and the published log served from the store. Every leaf hash is
 * loaded once into an in-memory tree (tlog_memtree: every complete subtree's hash, about 64
 * bytes per entry), which is the cache of tiles: full tiles never change, and any tile,
 * root or proof is read from it in O(its size). The tree only grows from the store, which
 * refuses to change an entry, so what it holds is always a prefix of the stored log.
 */
#include "common/certlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/keyfile.h"
#include "ujikom/certlog_entry.h"
#include "ujikom/note.h"
#include "ujikom/tlog.h"

struct certlog {
  struct store *store;
  struct note_signer signer;
  char origin[CERTLOG_ORIGIN_MAX + 1];
  char *vkey;
  pthread_mutex_t mu; /* guards everything below */
  struct tlog_memtree *tree;
  char *checkpoint; /* the newest signed checkpoint, of cp_size entries; NULL before the first */
  uint64_t cp_size;
};

/* --- entries --- */

static enum certlog_entry_event entry_event(enum certlog_event ev) {
  switch (ev) {
  case CERTLOG_REVOKE:
    return CERTLOG_ENTRY_REVOKE;
  case CERTLOG_SUSPEND:
    return CERTLOG_ENTRY_SUSPEND;
  case CERTLOG_REINSTATE:
    return CERTLOG_ENTRY_REINSTATE;
  case CERTLOG_ISSUE:
  default:
    return CERTLOG_ENTRY_ISSUE;
  }
}

static int copy_field(char out[CERTLOG_FIELD_MAX + 1], const char *s) {
  size_t n = strnlen(s, CERTLOG_FIELD_MAX + 1);
  if (n > CERTLOG_FIELD_MAX) {
    return -1;
  }
  memcpy(out, s, n + 1);
  return 0;
}

/* The entry of event ev about c at time at_ms, into buf. 0 or -1 (a field the format cannot
 * carry, an issuance without its signed forms). */
static int build_entry(char buf[CERTLOG_ENTRY_MAX], size_t *out_len, enum certlog_event ev,
                       const struct store_cert *c, const char *reason, int64_t at_ms) {
  struct certlog_entry e;
  memset(&e, 0, sizeof e);
  e.event = entry_event(ev);
  e.time_ms = at_ms;
  e.issued_s = c->issued_s;
  e.expires_s = c->expires_s;
  if (0 != copy_field(e.serial, c->serial) || 0 != copy_field(e.kid, c->kid) ||
      0 != copy_field(e.subsector, c->subsector) || 0 != copy_field(e.scheme, c->exam_id)) {
    return -1;
  }
  if (CERTLOG_ENTRY_ISSUE == e.event) {
    if (NULL == c->jws || NULL == c->qr_token ||
        0 != certlog_entry_digest(e.credential, c->jws, strlen(c->jws)) ||
        0 != certlog_entry_digest(e.token, c->qr_token, strlen(c->qr_token))) {
      return -1;
    }
  } else {
    const char *why = NULL == reason ? "" : reason;
    if (0 != certlog_entry_digest(e.reason, why, strlen(why))) {
      return -1;
    }
  }
  return certlog_entry_encode(buf, CERTLOG_ENTRY_MAX, out_len, &e);
}

int certlog_append_tx(struct store_tx *tx, enum certlog_event ev, const struct store_cert *c,
                      const char *reason) {
  char buf[CERTLOG_ENTRY_MAX];
  size_t len = 0;
  struct tlog_hash leaf;
  int64_t now = store_tx_now_ms(tx);
  enum certlog_entry_event kind = entry_event(ev);
  if (0 != build_entry(buf, &len, ev, c, reason, now) || 0 != tlog_leaf_hash(&leaf, buf, len)) {
    return STORE_HARD;
  }
  return store_tlog_append(tx, NULL, buf, len, leaf.b, c->serial, certlog_entry_event_name(kind),
                           now);
}

int certlog_issued_at(struct store_rd *rd, const char *serial, uint64_t *out_index,
                      int64_t *out_logged_ms) {
  return store_tlog_issued(rd, serial, out_index, out_logged_ms);
}

/* --- backfill --- */

struct backfill_batch {
  struct store_cert *certs;
  size_t n;
  size_t appended;
};

static int backfill_txn(struct store_tx *tx, void *arg) {
  struct backfill_batch *b = arg;
  b->appended = 0;
  for (size_t i = 0; i < b->n; i++) {
    uint64_t idx = 0;
    int64_t at = 0;
    int rc = store_tlog_issued(store_tx_rd(tx), b->certs[i].serial, &idx, &at);
    if (STORE_NONE == rc) { /* another process may have appended it meanwhile */
      const struct store_cert *c = &b->certs[i];
      rc = certlog_append_tx(tx, CERTLOG_ISSUE, c, NULL);
      /* what happened to it before the log existed, so the log tells its present state */
      if (STORE_OK == rc && 0 == strcmp(c->status, STORE_CERT_REVOKED)) {
        rc = certlog_append_tx(tx, CERTLOG_REVOKE, c, c->revoked_reason);
      } else if (STORE_OK == rc && 0 == strcmp(c->status, STORE_CERT_SUSPENDED)) {
        rc = certlog_append_tx(tx, CERTLOG_SUSPEND, c, c->suspended_reason);
      }
      b->appended += STORE_OK == rc ? 1 : 0;
    }
    if (STORE_OK == rc) {
      rc = store_tlog_backfill_done(tx, b->certs[i].serial);
    }
    if (rc < 0) {
      return rc;
    }
  }
  return STORE_OK;
}

static int settle_txn(struct store_tx *tx, void *arg) {
  (void)arg;
  return store_tlog_backfill_settle(tx);
}

int certlog_backfill(struct store *store, size_t *out_n) {
  *out_n = 0;
  /* The list empties as it is worked through, so this finds nothing after the first start
   * that ran this version. Lists that earlier versions left full (every certificate older
   * than the log, logged long ago) go in one statement here rather than through the loop
   * below, which would read each certificate and commit once per hundred. */
  int rc = store_txn(store, settle_txn, NULL);
  if (STORE_OK != rc) {
    return rc;
  }
  for (;;) {
    struct store_rd *rd = NULL;
    struct store_tlog_serial *pending = NULL;
    struct backfill_batch b = {0};
    size_t n = 0;
    rc = store_rd_begin(store, &rd);
    if (STORE_OK == rc) {
      rc = store_tlog_backfill_pending(rd, &pending, &n, 100);
    }
    if (STORE_OK == rc && n > 0) {
      b.certs = calloc(n, sizeof *b.certs);
      rc = NULL == b.certs ? STORE_UNAVAILABLE : STORE_OK;
    }
    for (size_t i = 0; STORE_OK == rc && i < n; i++, b.n++) {
      rc = store_cert_by_serial(rd, &b.certs[i], pending[i].serial);
    }
    store_rd_end(rd);
    store_tlog_serials_free(pending, n);
    if (STORE_OK == rc && b.n > 0) {
      rc = store_txn(store, backfill_txn, &b);
      *out_n += b.appended;
    }
    for (size_t i = 0; i < b.n; i++) {
      store_cert_clear(&b.certs[i]);
    }
    free(b.certs);
    if (STORE_OK != rc || 0 == n) {
      return STORE_NONE == rc ? STORE_HARD : rc;
    }
  }
}

/* --- cross-check --- */

int certlog_cross_check(struct store *store, struct certlog_check *out) {
  struct store_rd *rd = NULL;
  struct store_tlog_serial *list = NULL;
  struct store_tlog_status *differs = NULL;
  size_t n = 0, nd = 0;
  memset(out, 0, sizeof *out);
  int rc = store_rd_begin(store, &rd);
  if (STORE_OK == rc) {
    rc = store_tlog_unlogged(rd, &list, &n, CERTLOG_CHECK_MAX);
  }
  if (STORE_OK == rc) {
    memcpy(out->unlogged, list, n * sizeof *list);
    out->nunlogged = n;
    rc = store_tlog_status_differs(rd, &differs, &nd, CERTLOG_CHECK_MAX);
  }
  if (STORE_OK == rc) {
    memcpy(out->differs, differs, nd * sizeof *differs);
    out->ndiffers = nd;
  }
  store_tlog_serials_free(list, n);
  store_tlog_statuses_free(differs, nd);
  for (uint64_t from = 0; STORE_OK == rc;) {
    struct store_tlog_entry *e = NULL;
    size_t got = 0;
    rc = store_tlog_entries(rd, &e, &got, from, 1000);
    for (size_t i = 0; STORE_OK == rc && i < got; i++) {
      struct tlog_hash h;
      struct certlog_entry parsed;
      char err[128];
      if (0 != tlog_leaf_hash(&h, e[i].entry, e[i].len) ||
          0 != memcmp(h.b, e[i].leaf, TLOG_HASH_LEN) ||
          0 != certlog_entry_parse(&parsed, e[i].entry, e[i].len, err, sizeof err) ||
          0 != strcmp(parsed.serial, e[i].serial)) {
        out->bad_entries++;
      }
    }
    out->entries += got;
    from += got;
    store_tlog_entries_free(e, got);
    if (0 == got) {
      break;
    }
  }
  store_rd_end(rd);
  return rc;
}

/* --- the published log --- */

int certlog_origin_of(char out[CERTLOG_ORIGIN_MAX + 1], const char *public_url) {
  const char *p = public_url;
  if (0 == strncmp(p, "https://", 8)) {
    p += 8;
  } else if (0 == strncmp(p, "http://", 7)) {
    p += 7;
  }
  size_t n = strlen(p);
  while (n > 0 && '/' == p[n - 1]) {
    n--;
  }
  int w = snprintf(out, CERTLOG_ORIGIN_MAX + 1, "%.*s/log", (int)n, p);
  if (0 == n || w < 0 || w > CERTLOG_ORIGIN_MAX || !note_name_valid(out, (size_t)w)) {
    out[0] = '\0';
    return -1;
  }
  return 0;
}

int certlog_open(struct certlog **out, struct store *store, const char *data_dir,
                 const char *public_url, bool create, char *err, size_t errlen) {
  unsigned char seed[NOTE_SEED_LEN];
  char path[1024];
  struct certlog *l = NULL;
  *out = NULL;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", data_dir, CERTLOG_KEY_FILE) >= sizeof path) {
    snprintf(err, errlen, "the data directory's path is too long");
    return -1;
  }
  l = calloc(1, sizeof *l);
  if (NULL == l) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  pthread_mutex_init(&l->mu, NULL);
  l->store = store;
  if (0 != tlog_memtree_new(&l->tree)) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  if (0 != certlog_origin_of(l->origin, public_url)) {
    snprintf(err, errlen, "the public URL %s gives no valid log origin", public_url);
    goto fail;
  }
  if (0 != keyfile_secret(seed, sizeof seed, path, create, err, errlen)) {
    goto fail;
  }
  int signed_ok = note_signer_from_seed(&l->signer, l->origin, seed);
  OPENSSL_cleanse(seed, sizeof seed);
  l->vkey = 0 == signed_ok ? note_vkey_format(&l->signer.key) : NULL;
  if (NULL == l->vkey) {
    snprintf(err, errlen, "%s: cannot derive the log key", path);
    goto fail;
  }
  *out = l;
  return 0;
fail:
  certlog_free(l);
  return -1;
}

void certlog_free(struct certlog *l) {
  if (NULL == l) {
    return;
  }
  note_signer_wipe(&l->signer);
  tlog_memtree_free(l->tree);
  free(l->vkey);
  free(l->checkpoint);
  pthread_mutex_destroy(&l->mu);
  free(l);
}

const char *certlog_origin(const struct certlog *l) {
  return l->origin;
}

const char *certlog_vkey(const struct certlog *l) {
  return l->vkey;
}

/* Brings the in-memory tree up to the log's size in rd's snapshot (l->mu held); *out_size is
 * that size. */
static int sync_tree(struct certlog *l, struct store_rd *rd, uint64_t *out_size) {
  enum { BATCH = 4096 };
  uint64_t size = 0;
  int rc = store_tlog_size(rd, &size);
  unsigned char *buf = NULL;
  while (STORE_OK == rc && tlog_memtree_size(l->tree) < size) {
    uint64_t have = tlog_memtree_size(l->tree);
    size_t n = size - have < BATCH ? (size_t)(size - have) : BATCH;
    if (NULL == buf && NULL == (buf = malloc((size_t)BATCH * TLOG_HASH_LEN))) {
      rc = STORE_UNAVAILABLE;
      break;
    }
    rc = store_tlog_leaves(rd, buf, have, n);
    for (size_t i = 0; STORE_OK == rc && i < n; i++) {
      struct tlog_hash h;
      memcpy(h.b, buf + i * TLOG_HASH_LEN, TLOG_HASH_LEN);
      rc = 0 == tlog_memtree_append(l->tree, &h) ? STORE_OK : STORE_UNAVAILABLE;
    }
    rc = STORE_NONE == rc ? STORE_HARD : rc; /* the snapshot had them a moment ago */
  }
  free(buf);
  *out_size = size;
  return rc;
}

/* A signed checkpoint being stored. */
struct cp_put {
  uint64_t size;
  const char *note;
};

static int store_cp_txn(struct store_tx *tx, void *arg) {
  const struct cp_put *p = arg;
  int rc = store_tlog_checkpoint_put(tx, p->size, p->note);
  return STORE_EXISTS == rc ? STORE_OK : rc; /* another process signed the same bytes */
}

/* Makes note (of size entries) the cached checkpoint unless the cache holds one at least as
 * large by now (l->mu held). STORE_OK or STORE_UNAVAILABLE. */
static int cache_checkpoint(struct certlog *l, uint64_t size, const char *note) {
  if (NULL != l->checkpoint && l->cp_size >= size) {
    return STORE_OK;
  }
  char *copy = strdup(note);
  if (NULL == copy) {
    return STORE_UNAVAILABLE;
  }
  free(l->checkpoint);
  l->checkpoint = copy;
  l->cp_size = size;
  return STORE_OK;
}

/* The signed checkpoint of `size` entries when one is at hand (l->mu held; the tree holds at
 * least size entries): *out_note a copy of it, cached or stored by any process. Otherwise
 * *out_note stays NULL and *cp is what to sign (origin, size, root), which checkpoint_sign
 * does after l->mu is released: a signature and a write transaction are never waited for
 * under the lock that every tile, checkpoint and proof request takes. */
static int checkpoint_at_hand(struct certlog *l, struct store_rd *rd, uint64_t size,
                              char **out_note, struct tlog_checkpoint *cp) {
  *out_note = NULL;
  if (NULL != l->checkpoint && l->cp_size == size) {
    *out_note = strdup(l->checkpoint);
    return NULL == *out_note ? STORE_UNAVAILABLE : STORE_OK;
  }
  uint64_t stored_size = 0;
  char *note = NULL;
  int rc = store_tlog_checkpoint_latest(rd, &stored_size, &note);
  if (STORE_OK == rc && stored_size == size) {
    rc = cache_checkpoint(l, size, note);
    if (STORE_OK == rc) {
      *out_note = note;
      return STORE_OK;
    }
  }
  free(note);
  if (rc < 0) {
    return rc;
  }
  memset(cp, 0, sizeof *cp);
  memcpy(cp->origin, l->origin, sizeof l->origin);
  cp->size = size;
  struct tlog_hash_reader r = tlog_memtree_reader(l->tree);
  return 0 == tlog_tree_hash(&cp->root, &r, size) ? STORE_OK : STORE_HARD;
}

/* Signs cp (l->mu not held), stores it for every process and caches it: *out_note a copy. */
static int checkpoint_sign(struct certlog *l, const struct tlog_checkpoint *cp, char **out_note) {
  char *note = NULL;
  *out_note = NULL;
  if (0 != tlog_checkpoint_sign(&note, cp, &l->signer)) {
    return STORE_HARD;
  }
  struct cp_put put = {cp->size, note};
  int rc = store_txn(l->store, store_cp_txn, &put);
  if (STORE_OK == rc) {
    pthread_mutex_lock(&l->mu);
    rc = cache_checkpoint(l, cp->size, note);
    pthread_mutex_unlock(&l->mu);
  }
  if (STORE_OK == rc) {
    *out_note = note;
  } else {
    free(note);
  }
  return rc;
}

/* Takes l->mu, then a read snapshot into *rd; unlock_read releases both, whatever this
 * returned. */
static int lock_read(struct certlog *l, struct store_rd **rd) {
  *rd = NULL;
  pthread_mutex_lock(&l->mu);
  return store_rd_begin(l->store, rd);
}

static void unlock_read(struct certlog *l, struct store_rd *rd) {
  store_rd_end(rd);
  pthread_mutex_unlock(&l->mu);
}

int certlog_checkpoint(struct certlog *l, char **out, size_t *out_len, uint64_t *out_size) {
  struct store_rd *rd = NULL;
  struct tlog_checkpoint cp;
  uint64_t size = 0;
  *out = NULL;
  int rc = lock_read(l, &rd);
  if (STORE_OK == rc) {
    rc = sync_tree(l, rd, &size);
  }
  if (STORE_OK == rc) {
    rc = checkpoint_at_hand(l, rd, size, out, &cp);
  }
  unlock_read(l, rd);
  if (STORE_OK == rc && NULL == *out) {
    rc = checkpoint_sign(l, &cp, out);
  }
  if (STORE_OK == rc) {
    *out_len = strlen(*out);
    if (NULL != out_size) {
      *out_size = size;
    }
  }
  return rc;
}

/* The entry bundle t from rd's snapshot. */
static int bundle_of(struct store_rd *rd, const struct tlog_tile *t, unsigned char **out,
                     size_t *out_len) {
  struct store_tlog_entry *e = NULL;
  size_t n = 0;
  const unsigned char *ptrs[TLOG_TILE_WIDTH];
  size_t lens[TLOG_TILE_WIDTH];
  int rc = store_tlog_entries(rd, &e, &n, t->index * TLOG_TILE_WIDTH, (int)t->width);
  if (STORE_OK == rc && n != t->width) {
    rc = STORE_NONE;
  }
  for (size_t i = 0; STORE_OK == rc && i < n; i++) {
    ptrs[i] = e[i].entry;
    lens[i] = e[i].len;
  }
  if (STORE_OK == rc && 0 != tlog_bundle_encode(out, out_len, ptrs, lens, n)) {
    rc = STORE_UNAVAILABLE;
  }
  store_tlog_entries_free(e, n);
  return rc;
}

/* True when a tree of size entries holds tile t (levels >= 0 and entry bundles alike). */
static bool tile_in_tree(const struct tlog_tile *t, uint64_t size) {
  unsigned shift = 8u * (unsigned)(t->level < 0 ? 0 : t->level);
  if (shift >= 64 || t->index > (UINT64_MAX >> shift) / TLOG_TILE_WIDTH) {
    return false;
  }
  uint64_t hashes = size >> shift; /* complete subtrees of that level */
  return t->width >= 1 && t->width <= TLOG_TILE_WIDTH &&
         t->index * TLOG_TILE_WIDTH + t->width <= hashes;
}

int certlog_tile(struct certlog *l, const struct tlog_tile *t, unsigned char **out,
                 size_t *out_len) {
  struct store_rd *rd = NULL;
  uint64_t size = 0;
  *out = NULL;
  int rc = lock_read(l, &rd);
  if (STORE_OK == rc) {
    rc = sync_tree(l, rd, &size);
  }
  if (STORE_OK == rc && !tile_in_tree(t, size)) {
    rc = STORE_NONE;
  }
  if (STORE_OK == rc && TLOG_ENTRIES == t->level) {
    rc = bundle_of(rd, t, out, out_len);
  } else if (STORE_OK == rc) {
    struct tlog_hash_reader r = tlog_memtree_reader(l->tree);
    *out_len = (size_t)t->width * TLOG_HASH_LEN;
    *out = malloc(*out_len);
    rc = NULL == *out                       ? STORE_UNAVAILABLE
         : 0 == tlog_tile_data(*out, &r, t) ? STORE_OK
                                            : STORE_HARD;
  }
  unlock_read(l, rd);
  if (STORE_OK != rc) {
    free(*out);
    *out = NULL;
  }
  return rc;
}

int certlog_proof(struct certlog *l, const char *serial, char **out, size_t *out_len,
                  int64_t *out_user_id) {
  struct store_rd *rd = NULL;
  struct store_cert c;
  struct store_tlog_entry *e = NULL;
  size_t ne = 0;
  uint64_t index = 0, size = 0;
  int64_t at = 0;
  struct tlog_hash proof[TLOG_MAX_PROOF];
  struct tlog_checkpoint cp;
  char *note = NULL;
  size_t np = 0;
  memset(&c, 0, sizeof c);
  *out = NULL;
  *out_user_id = 0;
  int rc = lock_read(l, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_by_serial_brief(rd, &c, serial);
  }
  if (STORE_OK == rc) {
    *out_user_id = c.user_id;
    rc = store_tlog_issued(rd, serial, &index, &at);
  }
  if (STORE_OK == rc) {
    rc = store_tlog_entries(rd, &e, &ne, index, 1);
    rc = STORE_OK == rc && 1 != ne ? STORE_HARD : rc;
  }
  if (STORE_OK == rc) {
    rc = sync_tree(l, rd, &size);
  }
  if (STORE_OK == rc) {
    struct tlog_hash_reader r = tlog_memtree_reader(l->tree);
    rc = 0 == tlog_inclusion_proof(proof, &np, &r, size, index) ? STORE_OK : STORE_HARD;
  }
  if (STORE_OK == rc) {
    rc = checkpoint_at_hand(l, rd, size, &note, &cp);
  }
  unlock_read(l, rd);
  if (STORE_OK == rc && NULL == note) {
    rc = checkpoint_sign(l, &cp, &note); /* of the same size as the proof */
  }
  if (STORE_OK == rc &&
      0 != tlog_proof_format(out, index, e[0].entry, e[0].len, proof, np, note, strlen(note))) {
    rc = STORE_UNAVAILABLE;
  }
  free(note);
  store_cert_clear(&c);
  store_tlog_entries_free(e, ne);
  if (STORE_OK == rc) {
    *out_len = strlen(*out);
  }
  return rc;
}
