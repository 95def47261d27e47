/*
 * The form index: a direct-mapped table of attempt id -> the items of its drawn form, with
 * striped locks. Look-ups copy out one item pointer under the lock, so an entry replaced
 * meanwhile can be freed at once (no reference counts).
 */
#include "common/form_index.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define FORM_INDEX_STRIPES 64

struct form_entry {
  int64_t attempt_id;
  char version[65];
  size_t n;
  const struct exam_item *items[]; /* every item of the form */
};

struct form_index {
  size_t mask;
  struct form_entry **slots;
  pthread_mutex_t locks[FORM_INDEX_STRIPES];
};

int form_index_new(struct form_index **out, size_t slots) {
  struct form_index *fx = NULL;
  size_t n = 1;
  *out = NULL;
  if (slots < 1 || slots > ((size_t)1 << 22))
    return -1;
  while (n < slots)
    n <<= 1;
  fx = calloc(1, sizeof *fx);
  if (NULL == fx)
    return -1;
  fx->slots = calloc(n, sizeof *fx->slots);
  if (NULL == fx->slots) {
    free(fx);
    return -1;
  }
  fx->mask = n - 1;
  for (size_t i = 0; i < FORM_INDEX_STRIPES; i++)
    pthread_mutex_init(&fx->locks[i], NULL);
  *out = fx;
  return 0;
}

void form_index_free(struct form_index *fx) {
  if (NULL == fx)
    return;
  for (size_t i = 0; i <= fx->mask; i++)
    free(fx->slots[i]);
  for (size_t i = 0; i < FORM_INDEX_STRIPES; i++)
    pthread_mutex_destroy(&fx->locks[i]);
  free(fx->slots);
  free(fx);
}

static size_t slot_of(const struct form_index *fx, int64_t attempt_id) {
  uint64_t h = (uint64_t)attempt_id * 0x9e3779b97f4a7c15ull; /* spread sequential ids */
  return (size_t)(h >> 32) & fx->mask;
}

int form_index_find(struct form_index *fx, const struct exam_item **out_item, int64_t attempt_id,
                    const char *version, const char *item_id) {
  int found = -1;
  *out_item = NULL;
  if (NULL == fx || NULL == version || NULL == item_id)
    return -1;
  size_t slot = slot_of(fx, attempt_id);
  pthread_mutex_t *lock = &fx->locks[slot % FORM_INDEX_STRIPES];
  pthread_mutex_lock(lock);
  const struct form_entry *e = fx->slots[slot];
  if (NULL != e && e->attempt_id == attempt_id && 0 == strcmp(e->version, version)) {
    found = 0;
    for (size_t i = 0; i < e->n; i++) {
      if (0 == strcmp(e->items[i]->id, item_id)) {
        *out_item = e->items[i];
        found = 1;
        break;
      }
    }
  }
  pthread_mutex_unlock(lock);
  return found;
}

int form_index_put(struct form_index *fx, int64_t attempt_id, const char *version,
                   const struct exam_form *form) {
  size_t n = 0, k = 0;
  if (NULL == fx || NULL == form || NULL == version || strlen(version) >= 65)
    return -1;
  for (size_t u = 0; u < form->nunits; u++)
    n += form->units[u].nitems;
  struct form_entry *e = malloc(sizeof *e + n * sizeof e->items[0]);
  if (NULL == e)
    return -1;
  e->attempt_id = attempt_id;
  memcpy(e->version, version, strlen(version) + 1);
  for (size_t u = 0; u < form->nunits; u++)
    for (size_t i = 0; i < form->units[u].nitems; i++)
      e->items[k++] = form->units[u].items[i].item;
  e->n = k;
  size_t slot = slot_of(fx, attempt_id);
  pthread_mutex_t *lock = &fx->locks[slot % FORM_INDEX_STRIPES];
  pthread_mutex_lock(lock);
  struct form_entry *old = fx->slots[slot];
  fx->slots[slot] = e;
  pthread_mutex_unlock(lock);
  free(old);
  return 0;
}
