/*
 * The session cache (see session_cache.h): an 8-way set-associative table keyed by the
 * session's token hash, with striped locks. An entry (the session, the user's fields, then
 * the user's e-mail and name and the scope's exam) is a 256-byte slot of the table; look-ups
 * and puts copy under the lock.
 */
#include "common/session_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/b64.h"
#include "ujikom/fnv.h"

#define SESSION_CACHE_WAYS    8
#define SESSION_CACHE_STRIPES 64
#define HASH_LEN              64 /* hex SHA-256 */
#define HASH_BYTES            32
/* Room in an entry of 256 bytes for the user's e-mail, name and a check-in session's exam,
 * without NULs: nearly every account's fit; a session whose do not is not kept (it is read
 * from the store each time). */
#define TEXT_ROOM 154

/* Entries live in the table itself, not in allocations of their own: a kept session among
 * a request's short-lived allocations pins a page of the heap each, which the daemon's heap
 * trimming cannot give back (measured with one allocation per entry: RSS ~19 MB higher after
 * the form scenario's 20,000 sessions). A slot is empty while `used` is 0, as calloc leaves
 * it, so no page of the block is written before a session is kept in it. */
struct session_entry {
  unsigned char hash[HASH_BYTES]; /* the token hash, from its hex */
  int64_t generation;
  int64_t user_id;
  int64_t created_ms, last_seen_ms, expires_ms, absolute_expires_ms;
  int64_t scope_schedule_id;
  int64_t user_created_ms;
  unsigned char used;
  unsigned char role;
  unsigned char disabled;
  unsigned char email_len, name_len, scope_len;
  char text[TEXT_ROOM]; /* the e-mail, the name, the scope's exam, one after the other */
};

_Static_assert(sizeof(struct session_entry) == 256, "a session entry is 256 bytes");

struct session_cache {
  size_t nsets;
  unsigned char *victim; /* per set: the way replaced next when the set is full */
  pthread_mutex_t locks[SESSION_CACHE_STRIPES];
  atomic_uint_fast64_t hits, misses;
  struct session_entry *slots; /* nsets * SESSION_CACHE_WAYS; pages untouched until used */
};

int session_cache_new(struct session_cache **out, size_t slots) {
  *out = NULL;
  if (slots < 1 || slots > ((size_t)1 << 20)) {
    return -1;
  }
  size_t n = SESSION_CACHE_WAYS;
  while (n < slots) {
    n <<= 1;
  }
  struct session_cache *c = calloc(1, sizeof *c + n / SESSION_CACHE_WAYS);
  if (NULL == c) {
    return -1;
  }
  /* One block for every entry: calloc maps a block this large afresh, so the memory of a
   * slot is taken only once a session is kept in it. */
  c->slots = calloc(n, sizeof c->slots[0]);
  if (NULL == c->slots) {
    free(c);
    return -1;
  }
  c->nsets = n / SESSION_CACHE_WAYS;
  c->victim = (unsigned char *)(c + 1);
  for (size_t i = 0; i < SESSION_CACHE_STRIPES; i++) {
    pthread_mutex_init(&c->locks[i], NULL);
  }
  atomic_init(&c->hits, 0);
  atomic_init(&c->misses, 0);
  *out = c;
  return 0;
}

void session_cache_free(struct session_cache *c) {
  if (NULL == c) {
    return;
  }
  for (size_t i = 0; i < SESSION_CACHE_STRIPES; i++) {
    pthread_mutex_destroy(&c->locks[i]);
  }
  free(c->slots);
  free(c);
}

/* The token hash is SHA-256 in hex: its first 16 digits are as good as any hash of it. An
 * ill-formed one (never stored: the store's check) still gets a set. */
static size_t set_of(const struct session_cache *c, const char *token_hash) {
  uint64_t h = fnv1a64(token_hash, strnlen(token_hash, 16));
  return (size_t)(h ^ (h >> 32)) & (c->nsets - 1);
}

static pthread_mutex_t *lock_of(struct session_cache *c, size_t set) {
  return &c->locks[set % SESSION_CACHE_STRIPES];
}

/* The 32 bytes of a token hash in lowercase hex (as session_token_hash writes it: upper
 * case, which would name the same bytes, is refused); false for anything else. */
static bool hash_bytes(unsigned char out[HASH_BYTES], const char *hex) {
  if (HASH_LEN != strspn(hex, "0123456789abcdef") || '\0' != hex[HASH_LEN]) {
    return false;
  }
  for (size_t i = 0; i < HASH_BYTES; i++) {
    out[i] = (unsigned char)(b16_value(hex[2 * i]) << 4 | b16_value(hex[2 * i + 1]));
  }
  return true;
}

/* The entry of hash in set, or NULL. Under the set's lock. */
static struct session_entry *entry_of(struct session_cache *c, size_t set,
                                      const unsigned char hash[HASH_BYTES]) {
  struct session_entry *ways = &c->slots[set * SESSION_CACHE_WAYS];
  for (size_t w = 0; w < SESSION_CACHE_WAYS; w++) {
    if (ways[w].used && 0 == memcmp(ways[w].hash, hash, HASH_BYTES)) {
      return &ways[w];
    }
  }
  return NULL;
}

static void count(struct session_cache *c, bool hit) {
  atomic_fetch_add_explicit(hit ? &c->hits : &c->misses, 1, memory_order_relaxed);
}

/* What store_session_user_get fills, from e and its token hash (the user's password hash
 * stays empty). */
static void copy_out(const struct session_entry *e, const char *token_hash, struct store_session *s,
                     struct store_user *u) {
  memset(s, 0, sizeof *s);
  memcpy(s->token_hash, token_hash, HASH_LEN + 1);
  s->user_id = e->user_id;
  s->created_ms = e->created_ms;
  s->last_seen_ms = e->last_seen_ms;
  s->expires_ms = e->expires_ms;
  s->absolute_expires_ms = e->absolute_expires_ms;
  s->scope_schedule_id = e->scope_schedule_id;
  s->generation = e->generation;
  memset(u, 0, sizeof *u);
  u->id = e->user_id;
  u->created_ms = e->user_created_ms;
  u->role = (enum role)e->role;
  u->disabled = 0 != e->disabled;
  const char *t = e->text;
  memcpy(u->email, t, e->email_len);
  t += e->email_len;
  memcpy(u->name, t, e->name_len);
  t += e->name_len;
  memcpy(s->scope_exam_id, t, e->scope_len);
}

int session_cache_get(struct session_cache *c, struct store_session *out_session,
                      struct store_user *out_user, const char *token_hash, int64_t now_ms,
                      struct store_rd *rd) {
  unsigned char hash[HASH_BYTES];
  if (NULL == c || NULL == token_hash || !hash_bytes(hash, token_hash)) {
    return STORE_NONE;
  }
  size_t set = set_of(c, token_hash);
  pthread_mutex_t *lock = lock_of(c, set);
  pthread_mutex_lock(lock);
  struct session_entry *e = entry_of(c, set, hash);
  bool found = NULL != e && now_ms < e->expires_ms && now_ms < e->absolute_expires_ms;
  if (found) {
    copy_out(e, token_hash, out_session, out_user);
  }
  pthread_mutex_unlock(lock);
  if (!found) {
    count(c, false);
    return STORE_NONE;
  }
  int64_t now = 0;
  int rc = store_session_state_generation(rd, &now);
  if (STORE_OK != rc) {
    return rc;
  }
  bool hit = out_session->generation == now;
  if (!hit) {
    pthread_mutex_lock(lock);
    e = entry_of(c, set, hash);
    if (NULL != e && e->generation < now) {
      e->used = 0; /* stale for good: the generation only grows */
    }
    pthread_mutex_unlock(lock);
  }
  count(c, hit);
  return hit ? STORE_OK : STORE_NONE;
}

void session_cache_put(struct session_cache *c, const struct store_session *s,
                       const struct store_user *u) {
  unsigned char hash[HASH_BYTES];
  size_t email_len = strnlen(u->email, sizeof u->email - 1);
  size_t name_len = strnlen(u->name, sizeof u->name - 1);
  size_t scope_len = strnlen(s->scope_exam_id, sizeof s->scope_exam_id - 1);
  if (NULL == c || email_len + name_len + scope_len > TEXT_ROOM || s->generation < 0 ||
      (unsigned)u->role > 255 || !hash_bytes(hash, s->token_hash)) {
    return;
  }
  size_t set = set_of(c, s->token_hash);
  pthread_mutex_t *lock = lock_of(c, set);
  pthread_mutex_lock(lock);
  struct session_entry *e = entry_of(c, set, hash);
  if (NULL != e && e->generation > s->generation) {
    e = NULL; /* a newer read is there already */
  } else if (NULL == e) {
    struct session_entry *ways = &c->slots[set * SESSION_CACHE_WAYS];
    size_t w = 0;
    while (w < SESSION_CACHE_WAYS && ways[w].used) {
      w++;
    }
    if (w == SESSION_CACHE_WAYS) {
      w = c->victim[set];
      c->victim[set] = (unsigned char)((w + 1) % SESSION_CACHE_WAYS);
    }
    e = &ways[w];
  }
  if (NULL != e) {
    e->used = 1;
    memcpy(e->hash, hash, HASH_BYTES);
    e->generation = s->generation;
    e->user_id = s->user_id;
    e->created_ms = s->created_ms;
    e->last_seen_ms = s->last_seen_ms;
    e->expires_ms = s->expires_ms;
    e->absolute_expires_ms = s->absolute_expires_ms;
    e->scope_schedule_id = s->scope_schedule_id;
    e->user_created_ms = u->created_ms;
    e->role = (unsigned char)u->role;
    e->disabled = u->disabled ? 1 : 0;
    e->email_len = (unsigned char)email_len;
    e->name_len = (unsigned char)name_len;
    e->scope_len = (unsigned char)scope_len;
    memcpy(e->text, u->email, email_len);
    memcpy(e->text + email_len, u->name, name_len);
    memcpy(e->text + email_len + name_len, s->scope_exam_id, scope_len);
  }
  pthread_mutex_unlock(lock);
}

void session_cache_touched(struct session_cache *c, const char *token_hash, int64_t last_seen_ms,
                           int64_t expires_ms) {
  unsigned char hash[HASH_BYTES];
  if (NULL == c || NULL == token_hash || !hash_bytes(hash, token_hash)) {
    return;
  }
  size_t set = set_of(c, token_hash);
  pthread_mutex_t *lock = lock_of(c, set);
  pthread_mutex_lock(lock);
  struct session_entry *e = entry_of(c, set, hash);
  if (NULL != e) {
    /* Only later: a touch committed before the entry's read must not move it back. */
    if (last_seen_ms > e->last_seen_ms) {
      e->last_seen_ms = last_seen_ms;
    }
    if (expires_ms > e->expires_ms) {
      e->expires_ms = expires_ms;
    }
  }
  pthread_mutex_unlock(lock);
}

void session_cache_counts(const struct session_cache *c, uint64_t *hits, uint64_t *misses) {
  *hits = NULL == c ? 0 : atomic_load_explicit(&c->hits, memory_order_relaxed);
  *misses = NULL == c ? 0 : atomic_load_explicit(&c->misses, memory_order_relaxed);
}
