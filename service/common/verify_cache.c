/*
 * The verified-certificate cache (see verify_cache.h): a 4-way set-associative table keyed by
 * (serial, form), with striped locks. Entries own deep copies of the row; look-ups copy out
 * under the lock, so an entry replaced meanwhile can be freed at once.
 *
 * Admission: a certificate takes a free way at once, but replaces another one only if it was
 * asked for before, recently. Most verifications are of a certificate nobody asks about
 * again soon (an employer scans one candidate's QR code), and letting each of those evict an
 * entry would keep none of the certificates that are asked for again, and cost an entry's
 * copy and free per request. A "seen" table (four fingerprints per slot, lock-free) records
 * the keys that were turned away; the next put of the same key is admitted.
 */
#include "common/verify_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/fnv.h"

#define VERIFY_CACHE_WAYS    4
#define VERIFY_CACHE_STRIPES 64
#define VERIFY_CACHE_SEEN    4 /* fingerprints of keys turned away, per slot */

struct verify_entry {
  enum verify_cache_form form;
  uint64_t keys;
  int64_t generation;         /* v.generation, on the cache line way_of reads */
  struct store_cert_logged v; /* owns its texts */
};

struct verify_cache {
  size_t nsets;
  size_t nseen;                /* a power of two */
  atomic_uint_least32_t *seen; /* fingerprints of keys turned away (0: none) */
  unsigned char *victim;       /* per set: the way replaced next when the set is full */
  pthread_mutex_t locks[VERIFY_CACHE_STRIPES];
  atomic_uint_fast64_t hits, misses, refused;
  struct verify_entry *slots[]; /* nsets * VERIFY_CACHE_WAYS, then seen, then the victims */
};

int verify_cache_new(struct verify_cache **out, size_t slots) {
  *out = NULL;
  if (slots < 1 || slots > ((size_t)1 << 20)) {
    return -1;
  }
  size_t n = VERIFY_CACHE_WAYS;
  while (n < slots) {
    n <<= 1;
  }
  /* One block: the table, its slots, the seen fingerprints and each set's victim. */
  size_t nseen = n * VERIFY_CACHE_SEEN;
  struct verify_cache *c = calloc(1, sizeof *c + n * sizeof c->slots[0] +
                                         nseen * sizeof c->seen[0] + n / VERIFY_CACHE_WAYS);
  if (NULL == c) {
    return -1;
  }
  c->nsets = n / VERIFY_CACHE_WAYS;
  c->nseen = nseen;
  c->seen = (atomic_uint_least32_t *)(void *)&c->slots[n];
  for (size_t i = 0; i < nseen; i++) {
    atomic_init(&c->seen[i], 0);
  }
  c->victim = (unsigned char *)&c->slots[n] + nseen * sizeof c->seen[0];
  for (size_t i = 0; i < VERIFY_CACHE_STRIPES; i++) {
    pthread_mutex_init(&c->locks[i], NULL);
  }
  atomic_init(&c->hits, 0);
  atomic_init(&c->misses, 0);
  atomic_init(&c->refused, 0);
  *out = c;
  return 0;
}

static void entry_free(struct verify_entry *e) {
  if (NULL != e) {
    store_cert_clear(&e->v.cert);
    free(e);
  }
}

void verify_cache_free(struct verify_cache *c) {
  if (NULL == c) {
    return;
  }
  for (size_t i = 0; i < c->nsets * VERIFY_CACHE_WAYS; i++) {
    entry_free(c->slots[i]);
  }
  for (size_t i = 0; i < VERIFY_CACHE_STRIPES; i++) {
    pthread_mutex_destroy(&c->locks[i]);
  }
  free(c);
}

/* FNV-1a of the serial and the form. */
static uint64_t key_hash(const char *serial, enum verify_cache_form form) {
  return fnv1a64_add_str(FNV1A64_OFFSET ^ (uint64_t)form, serial);
}

static size_t set_of(const struct verify_cache *c, uint64_t h) {
  return (size_t)(h ^ (h >> 32)) & (c->nsets - 1);
}

/* Whether the key was turned away recently; if not, it is remembered as turned away now
 * (its fingerprint, never 0, in its place of the seen table). */
static bool seen_before(struct verify_cache *c, uint64_t h) {
  uint32_t fp = (uint32_t)(h >> 32) | 1u;
  atomic_uint_least32_t *at = &c->seen[(size_t)(h >> 7) & (c->nseen - 1)];
  if (fp == atomic_load_explicit(at, memory_order_relaxed)) {
    return true;
  }
  atomic_store_explicit(at, fp, memory_order_relaxed);
  return false;
}

/* The way of serial's entry for form in set, or VERIFY_CACHE_WAYS. Under the set's lock. */
static size_t way_of(const struct verify_cache *c, size_t set, const char *serial,
                     enum verify_cache_form form) {
  struct verify_entry *const *ways = &c->slots[set * VERIFY_CACHE_WAYS];
  for (size_t w = 0; w < VERIFY_CACHE_WAYS; w++) {
    if (NULL != ways[w] && ways[w]->form == form && 0 == strcmp(ways[w]->v.cert.serial, serial)) {
      return w;
    }
  }
  return VERIFY_CACHE_WAYS;
}

/* A copy of the malloc'd text s (NULL stays NULL); false when out of memory. */
static bool dup_text(char **out, const char *s) {
  *out = NULL == s ? NULL : strdup(s);
  return NULL == s || NULL != *out;
}

/* A deep copy of in into *out; false (nothing to free) when out of memory. */
static bool copy_logged(struct store_cert_logged *out, const struct store_cert_logged *in) {
  *out = *in;
  struct store_cert *o = &out->cert;
  const struct store_cert *i = &in->cert;
  o->units = o->jws = o->qr_token = o->display = NULL; /* in's until copied */
  if (dup_text(&o->units, i->units) && dup_text(&o->jws, i->jws) &&
      dup_text(&o->qr_token, i->qr_token) && dup_text(&o->display, i->display)) {
    return true;
  }
  store_cert_clear(o);
  return false;
}

static void count(struct verify_cache *c, bool hit) {
  atomic_fetch_add_explicit(hit ? &c->hits : &c->misses, 1, memory_order_relaxed);
}

int verify_cache_get(struct verify_cache *c, struct store_cert_logged *out,
                     enum verify_cache_form form, const char *serial, uint64_t keys,
                     struct store_rd *rd) {
  memset(out, 0, sizeof *out);
  if (NULL == c) {
    return STORE_NONE;
  }
  size_t set = set_of(c, key_hash(serial, form));
  pthread_mutex_t *lock = &c->locks[set % VERIFY_CACHE_STRIPES];
  pthread_mutex_lock(lock);
  size_t w = way_of(c, set, serial, form);
  struct verify_entry **slot = &c->slots[set * VERIFY_CACHE_WAYS + w];
  bool found = w < VERIFY_CACHE_WAYS && (*slot)->keys == keys;
  pthread_mutex_unlock(lock);
  if (!found) {
    count(c, false);
    return STORE_NONE;
  }
  /* Read outside the lock: another thread may replace the entry meanwhile, so it is
   * looked up again, and used only if still read at the generation the store has now. */
  int64_t now = 0;
  int rc = store_cert_state_generation(rd, &now);
  if (STORE_OK != rc) {
    return rc;
  }
  bool hit = false; /* when out of memory for the copy, verified the long way */
  pthread_mutex_lock(lock);
  w = way_of(c, set, serial, form);
  slot = &c->slots[set * VERIFY_CACHE_WAYS + w];
  if (w < VERIFY_CACHE_WAYS && (*slot)->keys == keys && (*slot)->generation == now) {
    hit = copy_logged(out, &(*slot)->v);
  } else if (w < VERIFY_CACHE_WAYS && (*slot)->generation < now) {
    entry_free(*slot); /* stale for good: the generation only grows */
    *slot = NULL;
  }
  pthread_mutex_unlock(lock);
  if (!hit) {
    memset(out, 0, sizeof *out);
  }
  count(c, hit);
  rc = hit ? STORE_OK : STORE_NONE;
  return rc;
}

void verify_cache_put(struct verify_cache *c, struct store_cert_logged *in,
                      enum verify_cache_form form, uint64_t keys) {
  if (NULL == c || !in->logged) {
    store_cert_clear(&in->cert);
    return;
  }
  uint64_t h = key_hash(in->cert.serial, form);
  size_t set = set_of(c, h);
  pthread_mutex_t *lock = &c->locks[set % VERIFY_CACHE_STRIPES];
  struct verify_entry *old = NULL;
  bool keep = true, evict = false, refused = false;
  pthread_mutex_lock(lock);
  struct verify_entry **ways = &c->slots[set * VERIFY_CACHE_WAYS];
  size_t w = way_of(c, set, in->cert.serial, form);
  if (w < VERIFY_CACHE_WAYS && ways[w]->generation > in->generation) {
    keep = false; /* a newer proof is there already */
  } else if (w == VERIFY_CACHE_WAYS) {
    /* A free way, else one read before the newest generation (it can never be used again:
     * after a certificate changed, every entry of the cache is such a way). */
    for (w = 0; w < VERIFY_CACHE_WAYS && NULL != ways[w]; w++) {
    }
    for (size_t o = 0; w == VERIFY_CACHE_WAYS && o < VERIFY_CACHE_WAYS; o++) {
      w = ways[o]->generation < in->generation ? o : w;
    }
    if (w == VERIFY_CACHE_WAYS) { /* full: another entry goes only for a key asked for again */
      evict = seen_before(c, h);
      keep = evict;
      refused = !evict;
      w = c->victim[set];
    }
  }
  struct verify_entry *e = keep ? malloc(sizeof *e) : NULL;
  if (NULL != e) {
    e->form = form;
    e->keys = keys;
    e->generation = in->generation;
    e->v = *in; /* its texts are the entry's now */
    in->cert.units = in->cert.jws = in->cert.qr_token = in->cert.display = NULL;
    if (evict) {
      c->victim[set] = (unsigned char)((w + 1) % VERIFY_CACHE_WAYS);
    }
    old = ways[w];
    ways[w] = e;
  }
  pthread_mutex_unlock(lock);
  if (refused) {
    atomic_fetch_add_explicit(&c->refused, 1, memory_order_relaxed);
  }
  entry_free(old);
  store_cert_clear(&in->cert); /* nothing left when kept */
}

void verify_cache_counts(const struct verify_cache *c, uint64_t *hits, uint64_t *misses,
                         uint64_t *refused) {
  *hits = NULL == c ? 0 : atomic_load_explicit(&c->hits, memory_order_relaxed);
  *misses = NULL == c ? 0 : atomic_load_explicit(&c->misses, memory_order_relaxed);
  *refused = NULL == c ? 0 : atomic_load_explicit(&c->refused, memory_order_relaxed);
}
