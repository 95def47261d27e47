/*
 * The form index: an 8-way set-associative table of attempt id -> its drawn form in compact
 * form (item pointers, items per unit, option order as indices), with striped locks.
 * Look-ups copy out what they need under the lock, so an entry replaced meanwhile can be
 * freed at once (no reference counts). The exam views are made once per exam version and
 * kept until the index is freed.
 */
#include "common/form_index.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define FORM_INDEX_WAYS    8
#define FORM_INDEX_STRIPES 64

struct form_entry {
  int64_t attempt_id;
  const struct exam *exam;
  uint64_t seed;
  size_t nitems;
  size_t nopts;
  const struct exam_item **items; /* every item of the form, unit by unit */
  uint32_t *unit_nitems;          /* exam->nunits counts */
  uint16_t *opts;                 /* per item, its options' indices in display order */
};

struct view_node {
  struct exam_view *view;
  struct view_node *next;
};

struct form_index {
  size_t nsets;
  struct form_entry **slots; /* nsets * FORM_INDEX_WAYS */
  unsigned char *victim;     /* per set: the way replaced next when the set is full */
  pthread_mutex_t locks[FORM_INDEX_STRIPES];
  pthread_mutex_t views_lock;
  struct view_node *views;
  atomic_uint_fast64_t hits, misses;
};

int form_index_new(struct form_index **out, size_t slots) {
  struct form_index *fx = NULL;
  size_t n = FORM_INDEX_WAYS;
  *out = NULL;
  if (slots < 1 || slots > ((size_t)1 << 22)) {
    return -1;
  }
  while (n < slots) {
    n <<= 1;
  }
  fx = calloc(1, sizeof *fx);
  if (NULL == fx) {
    return -1;
  }
  fx->nsets = n / FORM_INDEX_WAYS;
  fx->slots = calloc(n, sizeof *fx->slots);
  fx->victim = calloc(fx->nsets, 1);
  if (NULL == fx->slots || NULL == fx->victim) {
    free(fx->slots);
    free(fx->victim);
    free(fx);
    return -1;
  }
  for (size_t i = 0; i < FORM_INDEX_STRIPES; i++) {
    pthread_mutex_init(&fx->locks[i], NULL);
  }
  pthread_mutex_init(&fx->views_lock, NULL);
  atomic_init(&fx->hits, 0);
  atomic_init(&fx->misses, 0);
  *out = fx;
  return 0;
}

void form_index_free(struct form_index *fx) {
  if (NULL == fx) {
    return;
  }
  for (size_t i = 0; i < fx->nsets * FORM_INDEX_WAYS; i++) {
    free(fx->slots[i]);
  }
  for (size_t i = 0; i < FORM_INDEX_STRIPES; i++) {
    pthread_mutex_destroy(&fx->locks[i]);
  }
  pthread_mutex_destroy(&fx->views_lock);
  for (struct view_node *v = fx->views, *next = NULL; NULL != v; v = next) {
    next = v->next;
    exam_view_free(v->view);
    free(v);
  }
  free(fx->slots);
  free(fx->victim);
  free(fx);
}

static size_t set_of(const struct form_index *fx, int64_t attempt_id) {
  uint64_t h = (uint64_t)attempt_id * 0x9e3779b97f4a7c15ull; /* spread sequential ids */
  return (size_t)(h >> 32) & (fx->nsets - 1);
}

static pthread_mutex_t *lock_of(struct form_index *fx, size_t set) {
  return &fx->locks[set % FORM_INDEX_STRIPES];
}

/* The entry of attempt_id at `version` in its set, or NULL. Under the set's lock. */
static const struct form_entry *lookup(const struct form_index *fx, size_t set, int64_t attempt_id,
                                       const char *version) {
  struct form_entry *const *ways = &fx->slots[set * FORM_INDEX_WAYS];
  for (size_t w = 0; w < FORM_INDEX_WAYS; w++) {
    const struct form_entry *e = ways[w];
    if (NULL != e && e->attempt_id == attempt_id) {
      return 0 == strcmp(e->exam->version, version) ? e : NULL;
    }
  }
  return NULL;
}

/* Takes the lock of attempt_id's set (*lock; the caller releases it) and returns the attempt's
 * entry at `version` there, or NULL. */
static const struct form_entry *lock_lookup(struct form_index *fx, int64_t attempt_id,
                                            const char *version, pthread_mutex_t **lock) {
  size_t set = set_of(fx, attempt_id);
  *lock = lock_of(fx, set);
  pthread_mutex_lock(*lock);
  return lookup(fx, set, attempt_id, version);
}

static void count(struct form_index *fx, bool hit) {
  atomic_fetch_add_explicit(hit ? &fx->hits : &fx->misses, 1, memory_order_relaxed);
}

int form_index_find(struct form_index *fx, const struct exam_item **out_item, int64_t attempt_id,
                    const char *version, const char *item_id) {
  int found = -1;
  *out_item = NULL;
  if (NULL == fx || NULL == version || NULL == item_id) {
    return -1;
  }
  pthread_mutex_t *lock = NULL;
  const struct form_entry *e = lock_lookup(fx, attempt_id, version, &lock);
  if (NULL != e) {
    found = 0;
    for (size_t i = 0; i < e->nitems; i++) {
      if (0 == strcmp(e->items[i]->id, item_id)) {
        *out_item = e->items[i];
        found = 1;
        break;
      }
    }
  }
  pthread_mutex_unlock(lock);
  count(fx, found >= 0);
  return found;
}

/* A new exam_form from entry e, laid out as exam_form_free expects. NULL when out of memory. */
static struct exam_form *materialise(const struct form_entry *e) {
  const struct exam *exam = e->exam;
  struct exam_form *form = calloc(1, sizeof *form);
  if (NULL == form) {
    return NULL;
  }
  form->exam = exam;
  form->seed = e->seed;
  form->units = calloc(exam->nunits ? exam->nunits : 1, sizeof *form->units);
  if (NULL == form->units) {
    free(form);
    return NULL;
  }
  form->nunits = exam->nunits;
  size_t k = 0, o = 0;
  for (size_t u = 0; u < exam->nunits; u++) {
    struct form_unit *fu = &form->units[u];
    fu->unit_index = u;
    fu->unit = &exam->units[u];
    size_t n = e->unit_nitems[u];
    fu->items = calloc(n ? n : 1, sizeof *fu->items);
    if (NULL == fu->items) {
      goto fail;
    }
    for (size_t i = 0; i < n; i++, k++) {
      const struct exam_item *item = e->items[k];
      struct form_item *fi = &fu->items[i];
      fi->options = calloc(item->noptions ? item->noptions : 1, sizeof *fi->options);
      if (NULL == fi->options) {
        goto fail;
      }
      fi->item = item;
      fi->noptions = item->noptions;
      fu->nitems = i + 1;
      for (size_t j = 0; j < item->noptions; j++) {
        fi->options[j] = &item->options[e->opts[o++]];
      }
    }
  }
  return form;
fail:
  exam_form_free(form);
  return NULL;
}

bool form_index_has(struct form_index *fx, int64_t attempt_id) {
  if (NULL == fx) {
    return false;
  }
  size_t set = set_of(fx, attempt_id);
  pthread_mutex_t *lock = lock_of(fx, set);
  bool found = false;
  pthread_mutex_lock(lock);
  struct form_entry *const *ways = &fx->slots[set * FORM_INDEX_WAYS];
  for (size_t w = 0; w < FORM_INDEX_WAYS && !found; w++) {
    found = NULL != ways[w] && ways[w]->attempt_id == attempt_id;
  }
  pthread_mutex_unlock(lock);
  return found;
}

int form_index_form(struct form_index *fx, struct exam_form **out, int64_t attempt_id,
                    const char *version) {
  int rc = -1;
  *out = NULL;
  if (NULL == fx || NULL == version) {
    return -1;
  }
  pthread_mutex_t *lock = NULL;
  const struct form_entry *e = lock_lookup(fx, attempt_id, version, &lock);
  if (NULL != e) {
    *out = materialise(e);
    rc = NULL != *out ? 1 : -2;
  }
  pthread_mutex_unlock(lock);
  count(fx, rc >= 0);
  return rc;
}

int form_index_view_text(struct form_index *fx, int64_t attempt_id, const char *version, char **buf,
                         size_t *len, size_t *cap) {
  int rc = -1;
  if (NULL == fx || NULL == version) {
    return -1;
  }
  pthread_mutex_t *lock = NULL;
  const struct form_entry *e = lock_lookup(fx, attempt_id, version, &lock);
  if (NULL != e) {
    /* views are made under their own lock, never taken the other way round */
    const struct exam_view *view = form_index_view(fx, e->exam);
    struct exam_form_order o = {.exam = e->exam,
                                .unit_nitems = e->unit_nitems,
                                .items = e->items,
                                .nitems = e->nitems,
                                .opts = e->opts,
                                .nopts = e->nopts};
    size_t n = NULL != view ? exam_view_order_size(view, &o) : SIZE_MAX;
    rc = -2;
    if (SIZE_MAX != n) {
      if (*len + n + 1 > *cap) {
        size_t want = *len + n + 1 + 1024;
        char *s = realloc(*buf, want);
        if (NULL != s) {
          *buf = s;
          *cap = want;
        }
      }
      if (*len + n + 1 <= *cap && n == exam_view_order_write(view, &o, *buf + *len)) {
        *len += n;
        (*buf)[*len] = '\0';
        rc = 1;
      }
    }
  }
  pthread_mutex_unlock(lock);
  count(fx, -1 != rc);
  return rc;
}

int form_index_put(struct form_index *fx, int64_t attempt_id, const char *version,
                   const struct exam_form *form) {
  size_t n = 0, nopts = 0, k = 0, o = 0;
  if (NULL == fx || NULL == form || NULL == form->exam || NULL == version ||
      0 != strcmp(form->exam->version, version) || form->nunits != form->exam->nunits) {
    return -1;
  }
  const struct exam *exam = form->exam;
  for (size_t u = 0; u < form->nunits; u++) {
    if (form->units[u].unit_index != u || form->units[u].nitems > UINT32_MAX) {
      return -1;
    }
    n += form->units[u].nitems;
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      const struct form_item *fi = &form->units[u].items[i];
      if (fi->noptions != fi->item->noptions || fi->noptions > UINT16_MAX) {
        return -1;
      }
      nopts += fi->noptions;
    }
  }
  /* One allocation: the entry, then item pointers, unit counts, option indices. */
  size_t size = sizeof(struct form_entry) + n * sizeof(const struct exam_item *) +
                exam->nunits * sizeof(uint32_t) + nopts * sizeof(uint16_t);
  struct form_entry *e = malloc(size);
  if (NULL == e) {
    return -1;
  }
  e->attempt_id = attempt_id;
  e->exam = exam;
  e->seed = form->seed;
  e->nitems = n;
  e->nopts = nopts;
  e->items = (const struct exam_item **)(void *)(e + 1);
  e->unit_nitems = (uint32_t *)(void *)(e->items + n);
  e->opts = (uint16_t *)(void *)(e->unit_nitems + exam->nunits);
  for (size_t u = 0; u < form->nunits; u++) {
    e->unit_nitems[u] = (uint32_t)form->units[u].nitems;
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      const struct form_item *fi = &form->units[u].items[i];
      e->items[k++] = fi->item;
      for (size_t j = 0; j < fi->noptions; j++) {
        const struct exam_option *opt = fi->options[j];
        if (opt < fi->item->options || opt >= fi->item->options + fi->item->noptions) {
          free(e);
          return -1;
        }
        e->opts[o++] = (uint16_t)(opt - fi->item->options);
      }
    }
  }
  size_t set = set_of(fx, attempt_id);
  pthread_mutex_t *lock = lock_of(fx, set);
  struct form_entry *old = NULL;
  pthread_mutex_lock(lock);
  struct form_entry **ways = &fx->slots[set * FORM_INDEX_WAYS];
  size_t w = FORM_INDEX_WAYS;
  for (size_t i = 0; i < FORM_INDEX_WAYS && FORM_INDEX_WAYS == w; i++) {
    if (NULL != ways[i] && ways[i]->attempt_id == attempt_id) {
      w = i; /* replace the attempt's own entry */
    }
  }
  for (size_t i = 0; i < FORM_INDEX_WAYS && FORM_INDEX_WAYS == w; i++) {
    if (NULL == ways[i]) {
      w = i;
    }
  }
  if (FORM_INDEX_WAYS == w) { /* full: replace in turn (oldest put first) */
    w = fx->victim[set];
    fx->victim[set] = (unsigned char)((w + 1) % FORM_INDEX_WAYS);
  }
  old = ways[w];
  ways[w] = e;
  pthread_mutex_unlock(lock);
  free(old);
  return 0;
}

const struct exam_view *form_index_view(struct form_index *fx, const struct exam *exam) {
  const struct exam_view *found = NULL;
  if (NULL == fx || NULL == exam) {
    return NULL;
  }
  pthread_mutex_lock(&fx->views_lock);
  for (const struct view_node *v = fx->views; NULL != v && NULL == found; v = v->next) {
    if (exam_view_exam(v->view) == exam) {
      found = v->view;
    }
  }
  if (NULL == found) {
    /* Made under the lock: once per exam version, and the others would wait for it anyway. */
    struct view_node *node = calloc(1, sizeof *node);
    if (NULL != node && 0 == exam_view_new(&node->view, exam)) {
      node->next = fx->views;
      fx->views = node;
      found = node->view;
    } else {
      free(node);
    }
  }
  pthread_mutex_unlock(&fx->views_lock);
  return found;
}

void form_index_stats(struct form_index *fx, uint64_t *hits, uint64_t *misses) {
  *hits = NULL != fx ? atomic_load(&fx->hits) : 0;
  *misses = NULL != fx ? atomic_load(&fx->misses) : 0;
}
