/*
 * The published transparency log (common/certlog.h): the origin a public URL gives, the log
 * key file (created 0600, the same key on every open, refused when others may read it, when
 * it is a symlink or of another size), and over a real store: entries appended inside
 * transactions become a checkpoint signed by that key whose root is the RFC 9162 root of the
 * entries' leaf hashes, tiles and entry bundles that hold exactly those, a consistency proof
 * between two checkpoints, and a cross-check that finds every entry intact; a checkpoint is
 * signed and stored outside the log's lock, so tiles are served while its write waits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/certlog.h"
#include "test_store_fixture.h"
#include "ujikom/certlog_entry.h"
#include "ujikom/tlog.h"

static void test_origin_of(void **state) {
  (void)state;
  char o[CERTLOG_ORIGIN_MAX + 1];
  assert_int_equal(0, certlog_origin_of(o, "https://sertifikat.lsp.example.id"));
  assert_string_equal("sertifikat.lsp.example.id/log", o);
  assert_int_equal(0, certlog_origin_of(o, "http://127.0.0.1:8080//"));
  assert_string_equal("127.0.0.1:8080/log", o);
  assert_int_equal(0, certlog_origin_of(o, "https://lsp.example.id/uji/"));
  assert_string_equal("lsp.example.id/uji/log", o);
  assert_int_equal(-1, certlog_origin_of(o, "https://"));
  assert_int_equal(-1, certlog_origin_of(o, "https://a b.id")); /* a key name has no space */
  assert_int_equal(-1, certlog_origin_of(o, "https://a+b.id")); /* nor a '+' */
  assert_string_equal("", o);
}

static void key_path(char *out, size_t size, const struct temp_store *t) {
  snprintf(out, size, "%s/%s", t->dir, CERTLOG_KEY_FILE);
}

static void test_key_file(void **state) {
  struct temp_store *t = *state;
  struct certlog *l = NULL;
  char err[256], path[256], vkey[512];
  struct stat st;
  key_path(path, sizeof path, t);
  assert_int_equal(-1, certlog_open(&l, t->s, t->dir, "https://lsp.id", false, err, sizeof err));
  assert_null(l);
  assert_int_equal(0, certlog_open(&l, t->s, t->dir, "https://lsp.id", true, err, sizeof err));
  assert_int_equal(0, lstat(path, &st));
  assert_int_equal(0600, st.st_mode & 0777);
  assert_int_equal(32, st.st_size);
  assert_string_equal("lsp.id/log", certlog_origin(l));
  snprintf(vkey, sizeof vkey, "%s", certlog_vkey(l));
  assert_true(0 == strncmp(vkey, "lsp.id/log+", 11));
  certlog_free(l);
  assert_int_equal(0, certlog_open(&l, t->s, t->dir, "https://lsp.id", false, err, sizeof err));
  assert_string_equal(vkey, certlog_vkey(l)); /* the same key on every start */
  certlog_free(l);
  l = NULL;

  assert_int_equal(0, chmod(path, 0640));
  assert_int_equal(-1, certlog_open(&l, t->s, t->dir, "https://lsp.id", true, err, sizeof err));
  assert_non_null(strstr(err, "mode 0600"));
  assert_int_equal(0, chmod(path, 0600));
  char moved[300];
  snprintf(moved, sizeof moved, "%s.real", path);
  assert_int_equal(0, rename(path, moved));
  assert_int_equal(0, symlink(moved, path));
  assert_int_equal(-1, certlog_open(&l, t->s, t->dir, "https://lsp.id", true, err, sizeof err));
  assert_int_equal(0, unlink(path));
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs("short", f);
  fclose(f);
  assert_int_equal(0, chmod(path, 0600));
  assert_int_equal(-1, certlog_open(&l, t->s, t->dir, "https://lsp.id", true, err, sizeof err));
  assert_non_null(strstr(err, "exactly 32 bytes"));
  assert_null(l);
}

struct batch {
  int from, to; /* certificates S<from>..S<to-1> are issued; S0 is revoked when to == 0 */
};

static int append_txn(struct store_tx *tx, void *arg) {
  const struct batch *b = arg;
  struct store_cert c;
  char jws[] = "header.payload.signature", token[] = "QRTOKEN";
  memset(&c, 0, sizeof c);
  snprintf(c.kid, sizeof c.kid, "TESTKID1");
  snprintf(c.subsector, sizeof c.subsector, "DKV");
  snprintf(c.exam_id, sizeof c.exam_id, "DKV-UJI");
  c.issued_s = 1795341600;
  c.expires_s = c.issued_s + 86400;
  c.jws = jws;
  c.qr_token = token;
  if (0 == b->to) {
    snprintf(c.serial, sizeof c.serial, "S0");
    return certlog_append_tx(tx, CERTLOG_REVOKE, &c, "cheating found");
  }
  for (int i = b->from; i < b->to; i++) {
    snprintf(c.serial, sizeof c.serial, "S%d", i);
    int rc = certlog_append_tx(tx, CERTLOG_ISSUE, &c, NULL);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* The checkpoint now, opened under the log's own verifier key. */
static void open_checkpoint(struct certlog *l, struct tlog_checkpoint *cp, char **note) {
  struct note_key key;
  char err[256];
  size_t len = 0;
  uint64_t size = 0;
  const char *vkey = certlog_vkey(l);
  assert_int_equal(0, note_vkey_parse(&key, vkey, strlen(vkey), err, sizeof err));
  assert_int_equal(STORE_OK, certlog_checkpoint(l, note, &len, &size));
  assert_int_equal(
      0, tlog_checkpoint_open(cp, *note, len, &key, 1, certlog_origin(l), err, sizeof err));
  assert_int_equal(size, cp->size);
}

/* Every leaf hash of the store's log, into a tree of our own. */
static struct tlog_memtree *leaves_of(struct temp_store *t, uint64_t *out_n) {
  struct store_rd *rd = NULL;
  struct tlog_memtree *tree = NULL;
  struct store_tlog_entry *e = NULL;
  size_t n = 0;
  assert_int_equal(0, tlog_memtree_new(&tree));
  assert_int_equal(STORE_OK, store_rd_begin(t->s, &rd));
  assert_int_equal(STORE_OK, store_tlog_entries(rd, &e, &n, 0, 1000));
  for (size_t i = 0; i < n; i++) {
    struct tlog_hash h;
    assert_int_equal(0, tlog_leaf_hash(&h, e[i].entry, e[i].len));
    assert_int_equal(0, tlog_memtree_append(tree, &h));
  }
  store_tlog_entries_free(e, n);
  store_rd_end(rd);
  *out_n = n;
  return tree;
}

static void test_published_log(void **state) {
  struct temp_store *t = *state;
  struct certlog *l = NULL;
  char err[256];
  struct batch first = {0, 300}, revoke = {0, 0}, more = {300, 520};
  assert_int_equal(0, certlog_open(&l, t->s, t->dir, "https://lsp.id", true, err, sizeof err));
  assert_int_equal(STORE_OK, store_txn(t->s, append_txn, &first));
  assert_int_equal(STORE_OK, store_txn(t->s, append_txn, &revoke));

  struct tlog_checkpoint cp1, cp2;
  char *note1 = NULL, *again = NULL, *note2 = NULL;
  open_checkpoint(l, &cp1, &note1);
  assert_int_equal(301, cp1.size);
  open_checkpoint(l, &cp1, &again); /* the log did not grow: the same checkpoint */
  assert_string_equal(note1, again);
  uint64_t n = 0;
  struct tlog_memtree *tree = leaves_of(t, &n);
  struct tlog_hash_reader r = tlog_memtree_reader(tree);
  struct tlog_hash root;
  assert_int_equal(301, n);
  assert_int_equal(0, tlog_tree_hash(&root, &r, 301));
  assert_memory_equal(root.b, cp1.root.b, TLOG_HASH_LEN);

  /* tiles: a full one, the partial one, level 1, an entry bundle; none beyond the size */
  const struct tlog_tile tiles[] = {{0, 0, 256}, {0, 1, 45}, {0, 1, 3}, {1, 0, 1}};
  for (size_t i = 0; i < sizeof tiles / sizeof tiles[0]; i++) {
    unsigned char *data = NULL, want[256 * TLOG_HASH_LEN];
    size_t len = 0;
    assert_int_equal(STORE_OK, certlog_tile(l, &tiles[i], &data, &len));
    assert_int_equal((size_t)tiles[i].width * TLOG_HASH_LEN, len);
    assert_int_equal(0, tlog_tile_data(want, &r, &tiles[i]));
    assert_memory_equal(want, data, len);
    free(data);
  }
  const struct tlog_tile absent[] = {
      {0, 1, 46}, {0, 2, 1}, {1, 0, 2}, {2, 0, 1}, {TLOG_ENTRIES, 1, 46}};
  for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
    unsigned char *data = NULL;
    size_t len = 0;
    assert_int_equal(STORE_NONE, certlog_tile(l, &absent[i], &data, &len));
    assert_null(data);
  }
  struct tlog_tile bt = {TLOG_ENTRIES, 1, 45};
  unsigned char *bundle = NULL;
  size_t blen = 0, pos = 0, elen = 0, k = 0;
  const unsigned char *e = NULL;
  assert_int_equal(STORE_OK, certlog_tile(l, &bt, &bundle, &blen));
  while (1 == tlog_bundle_next(bundle, blen, &pos, &e, &elen)) {
    struct certlog_entry ce;
    assert_int_equal(0, certlog_entry_parse(&ce, e, elen, err, sizeof err));
    if (44 == k) { /* entry 300: the revocation of S0, its reason committed */
      unsigned char d[CERTLOG_DIGEST_LEN];
      assert_int_equal(CERTLOG_ENTRY_REVOKE, ce.event);
      assert_string_equal("S0", ce.serial);
      assert_int_equal(0, certlog_entry_digest(d, "cheating found", 14));
      assert_memory_equal(d, ce.reason, sizeof d);
    } else {
      char want[16];
      snprintf(want, sizeof want, "S%zu", 256 + k);
      assert_int_equal(CERTLOG_ENTRY_ISSUE, ce.event);
      assert_string_equal(want, ce.serial);
    }
    k++;
  }
  assert_int_equal(45, k);
  free(bundle);
  tlog_memtree_free(tree);

  /* the log grows: a new checkpoint, consistent with the first */
  assert_int_equal(STORE_OK, store_txn(t->s, append_txn, &more));
  open_checkpoint(l, &cp2, &note2);
  assert_int_equal(521, cp2.size);
  tree = leaves_of(t, &n);
  r = tlog_memtree_reader(tree);
  struct tlog_hash proof[TLOG_MAX_PROOF];
  size_t np = 0;
  assert_int_equal(0, tlog_consistency_proof(proof, &np, &r, cp1.size, cp2.size));
  assert_true(tlog_consistency_verify(cp1.size, &cp1.root, cp2.size, &cp2.root, proof, np));
  tlog_memtree_free(tree);

  /* an issuance is logged once */
  struct batch twice = {5, 6};
  assert_int_equal(STORE_EXISTS, store_txn(t->s, append_txn, &twice));

  struct certlog_check *check = calloc(1, sizeof *check);
  assert_non_null(check);
  assert_int_equal(STORE_OK, certlog_cross_check(t->s, check));
  assert_int_equal(0, check->nunlogged);
  assert_int_equal(0, check->ndiffers);
  assert_int_equal(0, check->bad_entries);
  assert_int_equal(521, check->entries);
  free(check);
  free(note1);
  free(again);
  free(note2);
  certlog_free(l);
}

/* A write transaction held open until released: what a slow commit looks like to others. */
struct hold {
  struct store *s;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool holding, release;
};

static int hold_txn(struct store_tx *tx, void *arg) {
  struct hold *h = arg;
  (void)tx;
  pthread_mutex_lock(&h->mu);
  h->holding = true;
  pthread_cond_broadcast(&h->cv);
  while (!h->release) {
    pthread_cond_wait(&h->cv, &h->mu);
  }
  pthread_mutex_unlock(&h->mu);
  return STORE_OK;
}

static void *hold_thread(void *arg) {
  struct hold *h = arg;
  return STORE_OK == store_txn(h->s, hold_txn, h) ? arg : NULL;
}

/* One request of the published log on a thread of its own. */
struct request {
  struct certlog *l;
  bool tile; /* a tile, else the checkpoint */
  int rc;
  char *note;
  size_t len;
  uint64_t size;
  atomic_bool done;
};

static void *request_thread(void *arg) {
  struct request *q = arg;
  if (q->tile) {
    const struct tlog_tile t = {0, 0, 256};
    unsigned char *data = NULL;
    q->rc = certlog_tile(q->l, &t, &data, &q->len);
    free(data);
  } else {
    q->rc = certlog_checkpoint(q->l, &q->note, &q->len, &q->size);
  }
  atomic_store(&q->done, true);
  return NULL;
}

static void pause_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* The log grew, so the next checkpoint request signs and stores a new checkpoint, and the
 * store is slow to commit it (a write transaction is held open meanwhile): tiles are still
 * served at once, because nothing is signed or written under the log's lock. */
static void test_checkpoint_signed_outside_the_lock(void **state) {
  struct temp_store *t = *state;
  struct certlog *l = NULL;
  char err[256];
  struct batch first = {0, 300};
  assert_int_equal(0, certlog_open(&l, t->s, t->dir, "https://lsp.id", true, err, sizeof err));
  assert_int_equal(STORE_OK, store_txn(t->s, append_txn, &first));

  struct hold h = {.s = t->s, .holding = false, .release = false};
  pthread_mutex_init(&h.mu, NULL);
  pthread_cond_init(&h.cv, NULL);
  pthread_t holder, signer, reader;
  assert_int_equal(0, pthread_create(&holder, NULL, hold_thread, &h));
  pthread_mutex_lock(&h.mu);
  while (!h.holding) {
    pthread_cond_wait(&h.cv, &h.mu);
  }
  pthread_mutex_unlock(&h.mu);

  struct request cp = {.l = l, .tile = false}, tile = {.l = l, .tile = true};
  atomic_init(&cp.done, false);
  atomic_init(&tile.done, false);
  assert_int_equal(0, pthread_create(&signer, NULL, request_thread, &cp));
  pause_ms(300); /* the checkpoint is signed by now, and its write waits for the held one */
  assert_int_equal(0, pthread_create(&reader, NULL, request_thread, &tile));
  for (int i = 0; i < 300 && !atomic_load(&tile.done); i++) {
    pause_ms(10);
  }
  bool tile_served = atomic_load(&tile.done);
  bool cp_waited = !atomic_load(&cp.done);

  pthread_mutex_lock(&h.mu);
  h.release = true;
  pthread_cond_broadcast(&h.cv);
  pthread_mutex_unlock(&h.mu);
  void *held = NULL;
  assert_int_equal(0, pthread_join(holder, &held));
  assert_int_equal(0, pthread_join(signer, NULL));
  assert_int_equal(0, pthread_join(reader, NULL));
  assert_non_null(held);
  assert_true(cp_waited); /* the write did wait for the held transaction */
  assert_true(tile_served);
  assert_int_equal(STORE_OK, tile.rc);
  assert_int_equal((size_t)256 * TLOG_HASH_LEN, tile.len);

  /* The checkpoint signed outside the lock is the log's: opened under its key, cached, and
   * stored for every process. */
  assert_int_equal(STORE_OK, cp.rc);
  assert_int_equal(300, cp.size);
  struct tlog_checkpoint opened;
  char *again = NULL;
  open_checkpoint(l, &opened, &again);
  assert_int_equal(300, opened.size);
  assert_string_equal(cp.note, again);
  struct store_rd *rd = NULL;
  uint64_t stored_size = 0;
  char *stored = NULL;
  assert_int_equal(STORE_OK, store_rd_begin(t->s, &rd));
  int rc = store_tlog_checkpoint_latest(rd, &stored_size, &stored);
  store_rd_end(rd);
  assert_int_equal(STORE_OK, rc);
  assert_int_equal(300, stored_size);
  assert_string_equal(cp.note, stored);
  free(stored);
  free(again);
  free(cp.note);
  pthread_cond_destroy(&h.cv);
  pthread_mutex_destroy(&h.mu);
  certlog_free(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_origin_of),
      cmocka_unit_test_setup_teardown(test_key_file, temp_store_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_published_log, temp_store_setup, temp_store_teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_signed_outside_the_lock, temp_store_setup,
                                      temp_store_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
