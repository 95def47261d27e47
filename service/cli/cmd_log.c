/*
 * `ujikom log verify`: the transparency log's monitor and the register <-> log cross-check.
 *
 * With --url (or --dir, a copy of the files) it checks a published log as anyone can: the
 * checkpoint's signature under the pinned verifier key, every tile against the entry
 * bundles (each leaf hash recomputed from its entry), every higher tile and the root against
 * the tiles below, and that the log still extends the last checkpoint it saw (a consistency
 * proof); then it lists every entry and keeps the new checkpoint in its state file.
 * Without them it reads the data directory's database: every certificate of the register
 * must have its issuance in the log, and every stored entry must hash to its leaf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/certlog.h"
#include "common/fetch.h"
#include "store/store.h"
#include "ujikom/certlog_entry.h"
#include "ujikom/timefmt.h"
#include "ujikom/tlog.h"

/* The largest file of a certificate log: an entry bundle of 256 entries of at most
 * CERTLOG_ENTRY_MAX bytes, each with its 2-byte length. */
#define LOG_FILE_MAX ((size_t)TLOG_TILE_WIDTH * (2 + CERTLOG_ENTRY_MAX))
#define STATE_KEY    "key "

static int log_usage(FILE *out, int status) {
  fprintf(out,
          "usage: ujikom log verify --url BASE [--key VKEY] [--state FILE]\n"
          "       ujikom log verify --dir DIR [--key VKEY] [--state FILE]\n"
          "       ujikom log verify [--data-dir DIR]\n"
          "  --url    the log's base URL (<public-url>/log): fetches the checkpoint, every tile\n"
          "           and entry bundle, recomputes the root and lists every entry\n"
          "  --dir    the same over a copy of those files (checkpoint, tile/...)\n"
          "  --key    the log's verifier key (<public-url>/log/key); pinned into the state\n"
          "           file on the first run, a different key later is refused\n"
          "  --state  where the pinned key and the last checkpoint seen are kept (default:\n"
          "           none: no pinning, no consistency check)\n"
          "  without --url/--dir: cross-checks the data directory's register and log: every\n"
          "  certificate must have its issuance entry\n"
          "  exit status: 0 all checks passed, 1 a check failed, 2 usage error\n");
  return status;
}

struct source {
  const char *url; /* base URL, or NULL */
  const char *dir; /* base directory, or NULL */
};

/* A local file of at most LOG_FILE_MAX bytes: 0 with *out (malloc'd, NUL after it), or -1. */
static int read_local(const char *path, char **out, size_t *out_len, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL == f ? NULL : malloc(LOG_FILE_MAX + 1);
  size_t n = NULL == buf ? 0 : fread(buf, 1, LOG_FILE_MAX + 1, f);
  if (NULL != f) {
    fclose(f);
  }
  if (NULL == buf || n > LOG_FILE_MAX) {
    snprintf(err, errlen, "%s: %s", path, NULL == f ? strerror(errno) : "cannot read");
    free(buf);
    return -1;
  }
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  return 0;
}

/* One file of the log: path relative to the base. Returns 0 with *out (malloc'd, NUL after
 * it, free()), or -1 with a message in err (any HTTP status but 200 too: a log must have
 * every file). */
static int get_file(const struct source *src, const char *path, char **out, size_t *out_len,
                    char *err, size_t errlen) {
  char where[2048];
  const char *base = NULL != src->url ? src->url : src->dir;
  size_t bl = strlen(base);
  while (bl > 0 && '/' == base[bl - 1]) {
    bl--;
  }
  if ((size_t)snprintf(where, sizeof where, "%.*s/%s", (int)bl, base, path) >= sizeof where) {
    snprintf(err, errlen, "%s: path too long", path);
    return -1;
  }
  if (NULL != src->url) {
    return fetch_url(out, out_len, where, LOG_FILE_MAX, err, errlen);
  }
  return read_local(where, out, out_len, err, errlen);
}

/* The state file: "key <vkey>\n" and the last checkpoint seen, verbatim. */
struct state {
  char *key;        /* malloc'd or NULL */
  char *checkpoint; /* malloc'd or NULL */
};

static int state_read(struct state *st, const char *path, char *err, size_t errlen) {
  char *text = NULL;
  size_t len = 0;
  memset(st, 0, sizeof *st);
  if (0 != access(path, F_OK)) {
    return 0; /* first run */
  }
  if (0 != read_local(path, &text, &len, err, errlen)) {
    return -1;
  }
  char *nl = strchr(text, '\n');
  if (0 != strncmp(text, STATE_KEY, strlen(STATE_KEY)) || NULL == nl) {
    snprintf(err, errlen, "%s: not a monitor state file", path);
    free(text);
    return -1;
  }
  st->key = strndup(text + strlen(STATE_KEY), (size_t)(nl - text) - strlen(STATE_KEY));
  st->checkpoint = '\0' == nl[1] ? NULL : strdup(nl + 1);
  free(text);
  return NULL == st->key ? -1 : 0;
}

/* Writes the state atomically (a temporary file renamed over it). */
static int state_write(const char *path, const char *key, const char *checkpoint, char *err,
                       size_t errlen) {
  char tmp[1100];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
    snprintf(err, errlen, "%s: path too long", path);
    return -1;
  }
  FILE *f = fopen(tmp, "wb");
  if (NULL == f) {
    snprintf(err, errlen, "%s.tmp: %s", path, strerror(errno));
    return -1;
  }
  int bad = fprintf(f, "%s%s\n%s", STATE_KEY, key, checkpoint) < 0;
  bad |= 0 != fclose(f);
  if (bad || 0 != rename(tmp, path)) {
    snprintf(err, errlen, "cannot write %s", path);
    remove(tmp);
    return -1;
  }
  return 0;
}

/* What one monitor run holds. */
struct monitor {
  struct source src;
  struct note_key key;
  char *vkey;
  struct tlog_checkpoint cp;
  char *cp_note;
  struct tlog_memtree *tree;
  char **bundles; /* one per level-0 tile, kept for the listing */
  size_t *bundle_lens;
  size_t nbundles;
  char err[512];
};

static void monitor_free(struct monitor *m) {
  for (size_t i = 0; i < m->nbundles; i++) {
    free(m->bundles[i]);
  }
  free(m->bundles);
  free(m->bundle_lens);
  tlog_memtree_free(m->tree);
  free(m->cp_note);
  free(m->vkey);
}

static int fail(struct monitor *m, const char *what) {
  fprintf(stderr, "ujikom log verify: FAILED: %s%s%s\n", what, '\0' == m->err[0] ? "" : ": ",
          m->err);
  return 1;
}

/* The file at tile t's path. */
static int get_tile(struct monitor *m, const struct tlog_tile *t, char **out, size_t *len) {
  char path[TLOG_PATH_SIZE];
  if (0 != tlog_tile_path(path, sizeof path, t)) {
    snprintf(m->err, sizeof m->err, "tile out of range");
    return -1;
  }
  return get_file(&m->src, path, out, len, m->err, sizeof m->err);
}

/* Level 0: each tile's hashes are the leaf hashes of its entry bundle's entries; they make
 * the in-memory tree. */
static int check_leaves(struct monitor *m, const struct tlog_tile *tiles, size_t n) {
  for (size_t i = 0; i < n && 0 == tiles[i].level; i++) {
    struct tlog_tile bt = tiles[i];
    char *tile = NULL, *bundle = NULL;
    size_t tlen = 0, blen = 0, pos = 0, k = 0;
    bt.level = TLOG_ENTRIES;
    if (0 != get_tile(m, &tiles[i], &tile, &tlen) || 0 != get_tile(m, &bt, &bundle, &blen)) {
      free(tile);
      return -1;
    }
    m->bundles[m->nbundles] = bundle;
    m->bundle_lens[m->nbundles++] = blen;
    const unsigned char *e = NULL;
    size_t elen = 0;
    int more = 0;
    int bad = tlen != (size_t)tiles[i].width * TLOG_HASH_LEN;
    while (!bad &&
           1 == (more = tlog_bundle_next((const unsigned char *)bundle, blen, &pos, &e, &elen))) {
      struct tlog_hash h;
      bad = k >= tiles[i].width || 0 != tlog_leaf_hash(&h, e, elen) ||
            0 != memcmp(h.b, tile + k * TLOG_HASH_LEN, TLOG_HASH_LEN) ||
            0 != tlog_memtree_append(m->tree, &h);
      k++;
    }
    free(tile);
    if (bad || 0 != more || k != tiles[i].width) {
      snprintf(m->err, sizeof m->err,
               "tile 0/%llu: its hashes are not the leaf hashes of its entry bundle",
               (unsigned long long)tiles[i].index);
      return -1;
    }
  }
  return 0;
}

/* Every tile, all levels, must be what the leaves give. */
static int check_tiles(struct monitor *m, const struct tlog_tile *tiles, size_t n) {
  struct tlog_hash_reader r = tlog_memtree_reader(m->tree);
  unsigned char *want = malloc((size_t)TLOG_TILE_WIDTH * TLOG_HASH_LEN);
  int ret = NULL == want ? -1 : 0;
  for (size_t i = 0; 0 == ret && i < n; i++) {
    char *got = NULL;
    size_t len = 0;
    if (0 != get_tile(m, &tiles[i], &got, &len)) {
      ret = -1;
      break;
    }
    if (0 != tlog_tile_data(want, &r, &tiles[i]) || len != (size_t)tiles[i].width * TLOG_HASH_LEN ||
        0 != memcmp(want, got, len)) {
      char path[TLOG_PATH_SIZE] = "?";
      tlog_tile_path(path, sizeof path, &tiles[i]);
      snprintf(m->err, sizeof m->err, "%s is not the hashes of the tiles below it", path);
      ret = -1;
    }
    free(got);
  }
  free(want);
  return ret;
}

/* The new checkpoint must extend the last one seen. */
static int check_consistency(struct monitor *m, const char *old_note) {
  struct tlog_checkpoint old;
  struct tlog_hash proof[TLOG_MAX_PROOF];
  size_t np = 0;
  if (0 != tlog_checkpoint_open(&old, old_note, strlen(old_note), &m->key, 1, m->key.name, m->err,
                                sizeof m->err)) {
    return -1;
  }
  if (old.size > m->cp.size) {
    snprintf(m->err, sizeof m->err, "the log shrank from %llu to %llu entries",
             (unsigned long long)old.size, (unsigned long long)m->cp.size);
    return -1;
  }
  struct tlog_hash_reader r = tlog_memtree_reader(m->tree);
  if (old.size > 0 && 0 != tlog_consistency_proof(proof, &np, &r, old.size, m->cp.size)) {
    snprintf(m->err, sizeof m->err, "no consistency proof from %llu entries",
             (unsigned long long)old.size);
    return -1;
  }
  if (!tlog_consistency_verify(old.size, &old.root, m->cp.size, &m->cp.root, proof, np)) {
    snprintf(m->err, sizeof m->err,
             "the log of %llu entries does not extend the checkpoint of %llu seen before "
             "(a fork or a rewritten history)",
             (unsigned long long)m->cp.size, (unsigned long long)old.size);
    return -1;
  }
  printf("consistent with the checkpoint seen before (%llu entries)\n",
         (unsigned long long)old.size);
  return 0;
}

/* One line per entry: index, event, serial, validity, when it was logged. */
static int list_entries(struct monitor *m) {
  uint64_t index = 0;
  for (size_t b = 0; b < m->nbundles; b++) {
    size_t pos = 0, elen = 0;
    const unsigned char *e = NULL;
    while (1 == tlog_bundle_next((const unsigned char *)m->bundles[b], m->bundle_lens[b], &pos, &e,
                                 &elen)) {
      struct certlog_entry ce;
      char issued[TIME_TEXT_SIZE], expires[TIME_TEXT_SIZE], logged[TIME_TEXT_SIZE];
      if (0 != certlog_entry_parse(&ce, e, elen, m->err, sizeof m->err)) {
        char what[64];
        snprintf(what, sizeof what, "entry %llu is not a certificate event",
                 (unsigned long long)index);
        return fail(m, what);
      }
      time_format(issued, sizeof issued, ce.issued_s, TIME_ISO);
      time_format(expires, sizeof expires, ce.expires_s, TIME_ISO);
      time_format(logged, sizeof logged, ce.time_ms / 1000, TIME_ISO);
      printf("%llu %s %s issued=%s expires=%s kid=%s scheme=%s logged=%s\n",
             (unsigned long long)index, certlog_entry_event_name(ce.event), ce.serial, issued,
             expires, ce.kid, ce.scheme, logged);
      index++;
    }
  }
  return 0;
}

/* The verifier key: --key, else the pinned one, else the log's own (trust on first use). */
static int choose_key(struct monitor *m, const char *given, const struct state *st,
                      const char *state_path) {
  char *fetched = NULL;
  size_t len = 0;
  if (NULL != given && NULL != st->key && 0 != strcmp(given, st->key)) {
    snprintf(m->err, sizeof m->err, "%s pinned %s", state_path, st->key);
    return fail(m, "the given key is not the one pinned in the state file");
  }
  const char *k = NULL != given ? given : st->key;
  if (NULL == k) {
    if (0 != get_file(&m->src, "key", &fetched, &len, m->err, sizeof m->err)) {
      return fail(m, "cannot fetch the log's key");
    }
    fetched[strcspn(fetched, "\n")] = '\0';
    printf("WARNING: no --key given: trusting the key the log serves (%s)%s\n", fetched,
           NULL != state_path ? ", pinned from now on" : "");
    k = fetched;
  }
  m->vkey = strdup(k);
  free(fetched);
  if (NULL == m->vkey ||
      0 != note_vkey_parse(&m->key, m->vkey, strlen(m->vkey), m->err, sizeof m->err)) {
    return fail(m, "the verifier key is not valid");
  }
  return 0;
}

static int monitor_run(struct monitor *m, const char *given_key, const char *state_path) {
  struct state st = {0};
  struct tlog_tile *tiles = NULL;
  size_t len = 0;
  int rc = 1;
  if (NULL != state_path && 0 != state_read(&st, state_path, m->err, sizeof m->err)) {
    rc = fail(m, "cannot read the state file");
    goto cleanup;
  }
  if (0 != (rc = choose_key(m, given_key, &st, state_path))) {
    goto cleanup;
  }
  rc = 1;
  if (0 != get_file(&m->src, "checkpoint", &m->cp_note, &len, m->err, sizeof m->err)) {
    rc = fail(m, "cannot fetch the checkpoint");
    goto cleanup;
  }
  if (0 != tlog_checkpoint_open(&m->cp, m->cp_note, len, &m->key, 1, m->key.name, m->err,
                                sizeof m->err)) {
    rc = fail(m, "the checkpoint's signature does not verify under the log key");
    goto cleanup;
  }
  printf("checkpoint: %s, %llu entries, signed by %s\n", m->cp.origin,
         (unsigned long long)m->cp.size, m->vkey);
  size_t n = tlog_tiles_for_size(NULL, 0, m->cp.size);
  size_t n0 = (size_t)(m->cp.size / TLOG_TILE_WIDTH) + 1;
  tiles = calloc(n + 1, sizeof *tiles);
  m->bundles = calloc(n0, sizeof *m->bundles);
  m->bundle_lens = calloc(n0, sizeof *m->bundle_lens);
  if (NULL == tiles || NULL == m->bundles || NULL == m->bundle_lens ||
      0 != tlog_memtree_new(&m->tree)) {
    snprintf(m->err, sizeof m->err, "out of memory");
    rc = fail(m, "cannot hold the log");
    goto cleanup;
  }
  tlog_tiles_for_size(tiles, n, m->cp.size);
  if (0 != check_leaves(m, tiles, n)) {
    rc = fail(m, "entries");
    goto cleanup;
  }
  if (0 != check_tiles(m, tiles, n)) {
    rc = fail(m, "tiles");
    goto cleanup;
  }
  struct tlog_hash root;
  struct tlog_hash_reader r = tlog_memtree_reader(m->tree);
  if (tlog_memtree_size(m->tree) != m->cp.size || 0 != tlog_tree_hash(&root, &r, m->cp.size) ||
      0 != memcmp(root.b, m->cp.root.b, TLOG_HASH_LEN)) {
    m->err[0] = '\0';
    rc = fail(m, "the root recomputed from the tiles is not the checkpoint's");
    goto cleanup;
  }
  printf("root recomputed from %zu tiles: matches the checkpoint\n", n);
  if (NULL != st.checkpoint && 0 != check_consistency(m, st.checkpoint)) {
    rc = fail(m, "consistency with the last checkpoint seen");
    goto cleanup;
  }
  if (0 != (rc = list_entries(m))) {
    goto cleanup;
  }
  if (NULL != state_path &&
      0 != state_write(state_path, m->vkey, m->cp_note, m->err, sizeof m->err)) {
    rc = fail(m, "cannot save the state");
    goto cleanup;
  }
  printf("log verified: %llu entries\n", (unsigned long long)m->cp.size);
  rc = 0;
cleanup:
  free(tiles);
  free(st.key);
  free(st.checkpoint);
  return rc;
}

/* The register <-> log cross-check of the data directory's database. */
static int cross_check(int argc, char **argv) {
  char db[1100];
  struct certlog_check *check = calloc(1, sizeof *check);
  cli_db_path(argc, argv, db, sizeof db);
  struct store *s = NULL == check ? NULL : cli_store_open("log verify", db, false);
  if (NULL == s) {
    free(check);
    return 1;
  }
  int rc = certlog_cross_check(s, check);
  store_close(s);
  if (STORE_OK != rc) {
    fprintf(stderr, "ujikom log verify: cannot read the log (%s)\n", store_rc_name(rc));
    free(check);
    return 1;
  }
  for (size_t i = 0; i < check->nunlogged; i++) {
    printf("NOT IN THE LOG: certificate %s is in the register without an issuance entry\n",
           check->unlogged[i].serial);
  }
  for (size_t i = 0; i < check->ndiffers; i++) {
    printf("STATUS DIFFERS: certificate %s is %s in the register but %s in the log\n",
           check->differs[i].serial, check->differs[i].status, check->differs[i].logged);
  }
  if (check->bad_entries > 0) {
    printf("DAMAGED: %llu log entries do not hash to their stored leaf or do not parse\n",
           (unsigned long long)check->bad_entries);
  }
  int status = 0;
  if (check->nunlogged > 0 || check->ndiffers > 0 || check->bad_entries > 0) {
    printf("register and log DISAGREE\n");
    status = 1;
  } else {
    printf("register and log agree: %llu log entries, every certificate logged with its "
           "status\n",
           (unsigned long long)check->entries);
  }
  free(check);
  return status;
}

int cmd_log(int argc, char **argv) {
  struct monitor m;
  const char *key = NULL, *state = NULL;
  memset(&m, 0, sizeof m);
  if (argc < 2 || cli_is_help(argv[1])) {
    return log_usage(argc < 2 ? stderr : stdout, argc < 2 ? 2 : 0);
  }
  if (0 != strcmp(argv[1], "verify")) {
    fprintf(stderr, "ujikom log: unknown subcommand '%s'\n", argv[1]);
    return log_usage(stderr, 2);
  }
  for (int i = 2; i < argc; i++) {
    const char **slot = NULL;
    if (cli_is_help(argv[i])) {
      return log_usage(stdout, 0);
    }
    if (cli_skip_data_dir(argc, argv, &i)) {
      continue;
    }
    if (0 == strcmp(argv[i], "--url")) {
      slot = &m.src.url;
    } else if (0 == strcmp(argv[i], "--dir")) {
      slot = &m.src.dir;
    } else if (0 == strcmp(argv[i], "--key")) {
      slot = &key;
    } else if (0 == strcmp(argv[i], "--state")) {
      slot = &state;
    }
    if (NULL == slot || i + 1 >= argc) {
      fprintf(stderr, "ujikom log verify: unexpected argument '%s'\n", argv[i]);
      return log_usage(stderr, 2);
    }
    *slot = argv[++i];
  }
  if (NULL != m.src.url && NULL != m.src.dir) {
    fprintf(stderr, "ujikom log verify: --url and --dir exclude each other\n");
    return 2;
  }
  if (NULL == m.src.url && NULL == m.src.dir) {
    return cross_check(argc, argv);
  }
  int rc = monitor_run(&m, key, state);
  monitor_free(&m);
  return rc;
}
