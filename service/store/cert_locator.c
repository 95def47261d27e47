/*
 * Where certificates are (see cert_locator.h): slots of (tag, location) in sets of
 * LOCATOR_WAYS, a lock per stripe of sets. The tag is a 64-bit hash of the serial: two
 * serials with one tag share a slot, which the caller's check of the row's serial turns into
 * a look-up by serial.
 */
#include "store/cert_locator.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "ujikom/fnv.h"

#define LOCATOR_WAYS      8
#define LOCATOR_STRIPES   64
#define LOCATOR_MIN_SLOTS ((size_t)1 << 16)
#define LOCATOR_MAX_SLOTS ((size_t)1 << 20)

struct slot {
  uint64_t tag; /* 0: empty */
  struct cert_location loc;
};

struct cert_locator {
  size_t nsets;
  pthread_mutex_t locks[LOCATOR_STRIPES];
  atomic_uint_fast64_t found, missed;
  unsigned char *victim; /* per set: the way replaced next when the set is full */
  struct slot slots[];   /* nsets * LOCATOR_WAYS, then the victims */
};

int cert_locator_new(struct cert_locator **out, size_t certificates) {
  *out = NULL;
  size_t want = certificates + certificates / 8;
  size_t n = LOCATOR_MIN_SLOTS;
  while (n < want && n < LOCATOR_MAX_SLOTS) {
    n <<= 1;
  }
  /* Pages of the table become resident as sets are first written. */
  struct cert_locator *l = calloc(1, sizeof *l + n * sizeof l->slots[0] + n / LOCATOR_WAYS);
  if (NULL == l) {
    return -1;
  }
  l->nsets = n / LOCATOR_WAYS;
  l->victim = (unsigned char *)&l->slots[n];
  for (size_t i = 0; i < LOCATOR_STRIPES; i++) {
    pthread_mutex_init(&l->locks[i], NULL);
  }
  atomic_init(&l->found, 0);
  atomic_init(&l->missed, 0);
  *out = l;
  return 0;
}

void cert_locator_free(struct cert_locator *l) {
  if (NULL == l) {
    return;
  }
  for (size_t i = 0; i < LOCATOR_STRIPES; i++) {
    pthread_mutex_destroy(&l->locks[i]);
  }
  free(l);
}

/* FNV-1a of the serial, its bits then mixed (MurmurHash3's finaliser): the low bits choose
 * the set, all 64 are the tag (never 0). */
static uint64_t tag_of(const char *serial) {
  uint64_t h = fnv1a64_add_str(FNV1A64_OFFSET, serial);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return 0 == h ? 1 : h;
}

bool cert_locator_get(struct cert_locator *l, const char *serial, struct cert_location *out) {
  uint64_t tag = tag_of(serial);
  size_t set = (size_t)tag & (l->nsets - 1);
  const struct slot *ways = &l->slots[set * LOCATOR_WAYS];
  bool hit = false;
  pthread_mutex_t *lock = &l->locks[set % LOCATOR_STRIPES];
  pthread_mutex_lock(lock);
  for (size_t w = 0; w < LOCATOR_WAYS; w++) {
    if (ways[w].tag == tag) {
      *out = ways[w].loc;
      hit = true;
      break;
    }
  }
  pthread_mutex_unlock(lock);
  atomic_fetch_add_explicit(hit ? &l->found : &l->missed, 1, memory_order_relaxed);
  return hit;
}

void cert_locator_put(struct cert_locator *l, const char *serial, const struct cert_location *in) {
  uint64_t tag = tag_of(serial);
  size_t set = (size_t)tag & (l->nsets - 1);
  struct slot *ways = &l->slots[set * LOCATOR_WAYS];
  pthread_mutex_t *lock = &l->locks[set % LOCATOR_STRIPES];
  pthread_mutex_lock(lock);
  size_t way = LOCATOR_WAYS;
  for (size_t w = 0; w < LOCATOR_WAYS && LOCATOR_WAYS == way; w++) {
    if (ways[w].tag == tag) {
      way = w;
    }
  }
  for (size_t w = 0; w < LOCATOR_WAYS && LOCATOR_WAYS == way; w++) {
    if (0 == ways[w].tag) {
      way = w;
    }
  }
  if (LOCATOR_WAYS == way) {
    way = l->victim[set];
    l->victim[set] = (unsigned char)((way + 1) % LOCATOR_WAYS);
  }
  ways[way].tag = tag;
  ways[way].loc = *in;
  pthread_mutex_unlock(lock);
}

void cert_locator_counts(struct cert_locator *l, uint64_t *found, uint64_t *missed) {
  *found = atomic_load_explicit(&l->found, memory_order_relaxed);
  *missed = atomic_load_explicit(&l->missed, memory_order_relaxed);
}

size_t cert_locator_slots(const struct cert_locator *l) {
  return l->nsets * LOCATOR_WAYS;
}
