/*
 * The session cache (see session_cache.h): an 8-way set-associative table keyed by the
 * session's token hash, with striped locks. An entry is one allocation (the session, the
 * user's fields, then the user's e-mail and name); look-ups copy out under the lock, so an
 * entry replaced meanwhile can be freed at once.
 */
#include "common/session_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_CACHE_WAYS    8
#define SESSION_CACHE_STRIPES 64
#define HASH_LEN              64 /* hex SHA-256 */

struct session_entry {
  struct store_session s;
  int64_t user_id;
  int64_t user_created_ms;
  enum role role;
  bool disabled;
  size_t email_len;
  char text[]; /* the e-mail, NUL, the name, NUL */
};

struct session_cache {
  size_t nsets;
  unsigned char *victim; /* per set: the way replaced next when the set is full */
  pthread_mutex_t locks[SESSION_CACHE_STRIPES];
  atomic_uint_fast64_t hits, misses;
  struct session_entry *slots[]; /* nsets * SESSION_CACHE_WAYS, then the victims */
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
  struct session_cache *c = calloc(1, sizeof *c + n * sizeof c->slots[0] + n / SESSION_CACHE_WAYS);
  if (NULL == c) {
    return -1;
  }
  c->nsets = n / SESSION_CACHE_WAYS;
  c->victim = (unsigned char *)&c->slots[n];
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
  for (size_t i = 0; i < c->nsets * SESSION_CACHE_WAYS; i++) {
    free(c->slots[i]);
  }
  for (size_t i = 0; i < SESSION_CACHE_STRIPES; i++) {
    pthread_mutex_destroy(&c->locks[i]);
  }
  free(c);
}

/* The token hash is SHA-256 in hex: its first 16 digits are as good as any hash of it. An
 * ill-formed one (never stored: the store's check) still gets a set. */
static size_t set_of(const struct session_cache *c, const char *token_hash) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < 16 && '\0' != token_hash[i]; i++) {
    h = (h ^ (unsigned char)token_hash[i]) * 0x100000001b3ull;
  }
  return (size_t)(h ^ (h >> 32)) & (c->nsets - 1);
}

static pthread_mutex_t *lock_of(struct session_cache *c, size_t set) {
  return &c->locks[set % SESSION_CACHE_STRIPES];
}

/* The slot of token_hash's entry in set, or NULL. Under the set's lock. */
static struct session_entry **slot_of(struct session_cache *c, size_t set, const char *token_hash) {
  struct session_entry **ways = &c->slots[set * SESSION_CACHE_WAYS];
  for (size_t w = 0; w < SESSION_CACHE_WAYS; w++) {
    if (NULL != ways[w] && 0 == strncmp(ways[w]->s.token_hash, token_hash, HASH_LEN + 1)) {
      return &ways[w];
    }
  }
  return NULL;
}

static void count(struct session_cache *c, bool hit) {
  atomic_fetch_add_explicit(hit ? &c->hits : &c->misses, 1, memory_order_relaxed);
}

/* What store_session_user_get fills, from e (the user's password hash stays empty). */
static void copy_out(const struct session_entry *e, struct store_session *s, struct store_user *u) {
  *s = e->s;
  memset(u, 0, sizeof *u);
  u->id = e->user_id;
  u->created_ms = e->user_created_ms;
  u->role = e->role;
  u->disabled = e->disabled;
  memcpy(u->email, e->text, e->email_len + 1);
  const char *name = e->text + e->email_len + 1;
  memcpy(u->name, name, strlen(name) + 1);
}

int session_cache_get(struct session_cache *c, struct store_session *out_session,
                      struct store_user *out_user, const char *token_hash, int64_t now_ms,
                      struct store_rd *rd) {
  if (NULL == c || NULL == token_hash) {
    return STORE_NONE;
  }
  size_t set = set_of(c, token_hash);
  pthread_mutex_t *lock = lock_of(c, set);
  pthread_mutex_lock(lock);
  struct session_entry **slot = slot_of(c, set, token_hash);
  bool found =
      NULL != slot && now_ms < (*slot)->s.expires_ms && now_ms < (*slot)->s.absolute_expires_ms;
  if (found) {
    copy_out(*slot, out_session, out_user);
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
    slot = slot_of(c, set, token_hash);
    if (NULL != slot && (*slot)->s.generation < now) {
      free(*slot); /* stale for good: the generation only grows */
      *slot = NULL;
    }
    pthread_mutex_unlock(lock);
  }
  count(c, hit);
  return hit ? STORE_OK : STORE_NONE;
}

void session_cache_put(struct session_cache *c, const struct store_session *s,
                       const struct store_user *u) {
  if (NULL == c) {
    return;
  }
  size_t email_len = strnlen(u->email, sizeof u->email - 1);
  size_t name_len = strnlen(u->name, sizeof u->name - 1);
  struct session_entry *e = malloc(sizeof *e + email_len + 1 + name_len + 1);
  if (NULL == e) {
    return;
  }
  e->s = *s;
  e->user_id = u->id;
  e->user_created_ms = u->created_ms;
  e->role = u->role;
  e->disabled = u->disabled;
  e->email_len = email_len;
  memcpy(e->text, u->email, email_len);
  e->text[email_len] = '\0';
  memcpy(e->text + email_len + 1, u->name, name_len);
  e->text[email_len + 1 + name_len] = '\0';

  size_t set = set_of(c, s->token_hash);
  pthread_mutex_t *lock = lock_of(c, set);
  struct session_entry *old = NULL;
  pthread_mutex_lock(lock);
  struct session_entry **slot = slot_of(c, set, s->token_hash);
  if (NULL != slot && (*slot)->s.generation > s->generation) {
    old = e; /* a newer read is there already */
  } else {
    if (NULL == slot) {
      struct session_entry **ways = &c->slots[set * SESSION_CACHE_WAYS];
      size_t w = 0;
      while (w < SESSION_CACHE_WAYS && NULL != ways[w]) {
        w++;
      }
      if (w == SESSION_CACHE_WAYS) {
        w = c->victim[set];
        c->victim[set] = (unsigned char)((w + 1) % SESSION_CACHE_WAYS);
      }
      slot = &ways[w];
    }
    old = *slot;
    *slot = e;
  }
  pthread_mutex_unlock(lock);
  free(old);
}

void session_cache_touched(struct session_cache *c, const char *token_hash, int64_t last_seen_ms,
                           int64_t expires_ms) {
  if (NULL == c || NULL == token_hash) {
    return;
  }
  size_t set = set_of(c, token_hash);
  pthread_mutex_t *lock = lock_of(c, set);
  pthread_mutex_lock(lock);
  struct session_entry **slot = slot_of(c, set, token_hash);
  if (NULL != slot) {
    /* Only later: a touch committed before the entry's read must not move it back. */
    if (last_seen_ms > (*slot)->s.last_seen_ms) {
      (*slot)->s.last_seen_ms = last_seen_ms;
    }
    if (expires_ms > (*slot)->s.expires_ms) {
      (*slot)->s.expires_ms = expires_ms;
    }
  }
  pthread_mutex_unlock(lock);
}

void session_cache_counts(const struct session_cache *c, uint64_t *hits, uint64_t *misses) {
  *hits = NULL == c ? 0 : atomic_load_explicit(&c->hits, memory_order_relaxed);
  *misses = NULL == c ? 0 : atomic_load_explicit(&c->misses, memory_order_relaxed);
}
