/*
 * Seeded form assembly and the form's two JSON views (storage and candidate). The random
 * stream is SplitMix64 so that a stored 64-bit seed reproduces the form on any platform.
 */
#include "ujikom/exam_form.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/json_compact.h"

static uint64_t rng_next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias. n >= 1. */
static size_t rng_below(uint64_t *state, size_t n) {
  uint64_t bound = (uint64_t)n;
  uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t r;
  do {
    r = rng_next(state);
  } while (r >= limit);
  return (size_t)(r % bound);
}

static void shuffle_ptrs(uint64_t *state, const void **arr, size_t n) {
  for (size_t i = n; i > 1; i--) {
    size_t j = rng_below(state, i);
    const void *t = arr[i - 1];
    arr[i - 1] = arr[j];
    arr[j] = t;
  }
}

void exam_form_free(struct exam_form *form) {
  if (form == NULL) {
    return;
  }
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      free(form->units[u].items[i].options);
    }
    free(form->units[u].items);
  }
  free(form->units);
  free(form);
}

static bool shuffles_options(const struct exam *exam, const struct exam_item *item) {
  if (item->type == EXAM_ITEM_ORDERING) {
    return true; /* authors write the options in the right order; never show that order */
  }
  return exam->shuffle_options &&
         (item->type == EXAM_ITEM_SINGLE || item->type == EXAM_ITEM_MULTIPLE);
}

static int fill_options(struct form_item *fi, const struct exam_item *item) {
  fi->item = item;
  fi->noptions = item->noptions;
  fi->options = calloc(item->noptions ? item->noptions : 1, sizeof(*fi->options));
  if (fi->options == NULL) {
    return -1;
  }
  for (size_t o = 0; o < item->noptions; o++) {
    fi->options[o] = &item->options[o];
  }
  return 0;
}

static struct exam_form *form_alloc(const struct exam *exam, uint64_t seed) {
  struct exam_form *form = calloc(1, sizeof(*form));
  if (form == NULL) {
    return NULL;
  }
  form->exam = exam;
  form->seed = seed;
  form->units = calloc(exam->nunits ? exam->nunits : 1, sizeof(*form->units));
  if (form->units == NULL) {
    free(form);
    return NULL;
  }
  form->nunits = exam->nunits;
  for (size_t u = 0; u < exam->nunits; u++) {
    form->units[u].unit_index = u;
    form->units[u].unit = &exam->units[u];
  }
  return form;
}

int exam_form_assemble(struct exam_form **out, const struct exam *exam, uint64_t seed) {
  *out = NULL;
  uint64_t rng = seed;
  const void **picks = NULL;
  struct exam_form *form = form_alloc(exam, seed);
  if (form == NULL) {
    goto fail;
  }
  for (size_t u = 0; u < exam->nunits; u++) {
    const struct exam_unit *unit = &exam->units[u];
    struct form_unit *fu = &form->units[u];
    size_t total = exam_unit_draw_count(unit);
    fu->items = calloc(total ? total : 1, sizeof(*fu->items));
    picks = calloc(total ? total : 1, sizeof(*picks));
    if (fu->items == NULL || picks == NULL) {
      goto fail;
    }
    size_t n = 0;
    for (size_t p = 0; p < unit->npools; p++) {
      const struct exam_pool *pool = &unit->pools[p];
      const void **idx = calloc(pool->nitems ? pool->nitems : 1, sizeof(*idx));
      if (idx == NULL) {
        goto fail;
      }
      for (size_t i = 0; i < pool->nitems; i++) {
        idx[i] = &pool->items[i];
      }
      /* Partial Fisher-Yates: the first `draw` slots are a uniform sample. */
      size_t draw = (size_t)pool->draw <= pool->nitems ? (size_t)pool->draw : pool->nitems;
      for (size_t i = 0; i < draw; i++) {
        size_t j = i + rng_below(&rng, pool->nitems - i);
        const void *t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        picks[n++] = idx[i];
      }
      free(idx);
    }
    shuffle_ptrs(&rng, picks, n);
    for (size_t i = 0; i < n; i++) {
      const struct exam_item *item = picks[i];
      if (fill_options(&fu->items[i], item) != 0) {
        fu->nitems = i;
        goto fail;
      }
      fu->nitems = i + 1;
      if (shuffles_options(exam, item)) {
        shuffle_ptrs(&rng, (const void **)fu->items[i].options, fu->items[i].noptions);
      }
    }
    free(picks);
    picks = NULL;
  }
  *out = form;
  return 0;
fail:
  free(picks);
  exam_form_free(form);
  return -1;
}

json_t *exam_form_to_json(const struct exam_form *form) {
  char seed[17];
  snprintf(seed, sizeof(seed), "%016" PRIx64, form->seed);
  json_t *units = json_array();
  json_t *root = json_pack("{s:i, s:s, s:s, s:s, s:o}", "format", 1, "exam", form->exam->id,
                           "version", form->exam->version, "seed", seed, "units", units);
  if (root == NULL) {
    return NULL;
  }
  for (size_t u = 0; u < form->nunits; u++) {
    const struct form_unit *fu = &form->units[u];
    json_t *items = json_array();
    if (json_array_append_new(
            units, json_pack("{s:s, s:o}", "code", fu->unit->code, "items", items)) != 0) {
      json_decref(root);
      return NULL;
    }
    for (size_t i = 0; i < fu->nitems; i++) {
      json_t *opts = json_array();
      for (size_t o = 0; o < fu->items[i].noptions; o++) {
        json_array_append_new(opts, json_string(fu->items[i].options[o]->id));
      }
      if (json_array_append_new(
              items, json_pack("{s:s, s:o}", "id", fu->items[i].item->id, "options", opts)) != 0) {
        json_decref(root);
        return NULL;
      }
    }
  }
  return root;
}

int exam_form_from_json(struct exam_form **out, const struct exam *exam, const json_t *json,
                        char *err, size_t errlen) {
  *out = NULL;
  struct exam_form *form = NULL;
  const char *exam_id = json_string_value(json_object_get(json, "exam"));
  const char *version = json_string_value(json_object_get(json, "version"));
  const char *seed_hex = json_string_value(json_object_get(json, "seed"));
  const json_t *units = json_object_get(json, "units");
  if (exam_id == NULL || version == NULL || seed_hex == NULL || !json_is_array(units)) {
    snprintf(err, errlen, "not a stored form");
    goto fail;
  }
  if (strcmp(exam_id, exam->id) != 0 || strcmp(version, exam->version) != 0) {
    snprintf(err, errlen, "form belongs to exam %s version %.12s", exam_id, version);
    goto fail;
  }
  char *end = NULL;
  errno = 0;
  unsigned long long seed = strtoull(seed_hex, &end, 16);
  if (end == seed_hex || *end != '\0' || errno != 0) {
    snprintf(err, errlen, "bad seed");
    goto fail;
  }
  if (json_array_size(units) != exam->nunits) {
    snprintf(err, errlen, "form has %zu units, exam has %zu", json_array_size(units), exam->nunits);
    goto fail;
  }
  form = form_alloc(exam, (uint64_t)seed);
  if (form == NULL) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  for (size_t u = 0; u < exam->nunits; u++) {
    const json_t *ju = json_array_get(units, u);
    const json_t *items = json_object_get(ju, "items");
    const char *code = json_string_value(json_object_get(ju, "code"));
    if (code == NULL || strcmp(code, exam->units[u].code) != 0 || !json_is_array(items)) {
      snprintf(err, errlen, "unit %zu does not match the exam", u + 1);
      goto fail;
    }
    struct form_unit *fu = &form->units[u];
    size_t n = json_array_size(items);
    fu->items = calloc(n ? n : 1, sizeof(*fu->items));
    if (fu->items == NULL) {
      snprintf(err, errlen, "out of memory");
      goto fail;
    }
    for (size_t i = 0; i < n; i++) {
      const json_t *ji = json_array_get(items, i);
      const char *id = json_string_value(json_object_get(ji, "id"));
      const json_t *opts = json_object_get(ji, "options");
      size_t ui = 0;
      const struct exam_item *item = id ? exam_find_item(exam, id, &ui) : NULL;
      if (item == NULL || ui != u || !json_is_array(opts) ||
          json_array_size(opts) != item->noptions) {
        snprintf(err, errlen, "item %s does not match the exam", id ? id : "(none)");
        goto fail;
      }
      if (exam_form_find_item(form, id) != NULL) {
        snprintf(err, errlen, "item %s appears twice", id);
        goto fail;
      }
      if (fill_options(&fu->items[i], item) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
      }
      fu->nitems = i + 1;
      for (size_t o = 0; o < item->noptions; o++) {
        const char *oid = json_string_value(json_array_get(opts, o));
        const struct exam_option *opt = oid ? exam_item_option(item, oid) : NULL;
        for (size_t k = 0; opt != NULL && k < o; k++) {
          if (fu->items[i].options[k] == opt) {
            opt = NULL;
          }
        }
        if (opt == NULL) {
          snprintf(err, errlen, "item %s has bad options", id);
          goto fail;
        }
        fu->items[i].options[o] = opt;
      }
    }
  }
  *out = form;
  return 0;
fail:
  exam_form_free(form);
  return -1;
}

const struct form_item *exam_form_find_item(const struct exam_form *form, const char *item_id) {
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      if (form->units[u].items[i].item != NULL &&
          strcmp(form->units[u].items[i].item->id, item_id) == 0) {
        return &form->units[u].items[i];
      }
    }
  }
  return NULL;
}

size_t exam_form_item_count(const struct exam_form *form) {
  size_t n = 0;
  for (size_t u = 0; u < form->nunits; u++) {
    n += form->units[u].nitems;
  }
  return n;
}

size_t exam_form_open_count(const struct exam_form *form) {
  size_t n = 0;
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      n += exam_item_is_open(form->units[u].items[i].item) ? 1 : 0;
    }
  }
  return n;
}

/* The rubric of an open or evidence item as the candidate sees it (ids and texts). */
static json_t *rubric_json(const struct exam_item *it) {
  json_t *rub = json_array();
  for (size_t r = 0; rub != NULL && r < it->nrubric; r++) {
    json_array_append_new(
        rub, json_pack("{s:s, s:s}", "id", it->rubric[r].id, "text", it->rubric[r].text));
  }
  return rub;
}

/* What an evidence item takes: {"accept": ["image", ...], "max_files", "max_mb"}. */
static json_t *evidence_json(const struct exam_item *it) {
  json_t *acc = json_array();
  for (unsigned k = 1; acc != NULL && k <= EXAM_ACCEPT_VIDEO; k <<= 1) {
    if (it->accept & k) {
      json_array_append_new(acc, json_string(exam_accept_name(k)));
    }
  }
  return json_pack("{s:o, s:I, s:I}", "accept", acc != NULL ? acc : json_array(), "max_files",
                   (json_int_t)it->max_files, "max_mb", (json_int_t)it->max_mb);
}

static json_t *candidate_item(const struct form_item *fi) {
  const struct exam_item *it = fi->item;
  json_t *kuk = json_array();
  for (size_t k = 0; k < it->nkuk; k++) {
    json_array_append_new(kuk, json_string(it->kuk[k]));
  }
  json_t *j =
      json_pack("{s:s, s:s, s:s, s:I, s:o}", "id", it->id, "type", exam_item_type_name(it->type),
                "prompt", it->prompt, "points", (json_int_t)it->points, "kuk", kuk);
  if (j == NULL) {
    return NULL;
  }
  if (fi->noptions > 0) {
    json_t *opts = json_array();
    for (size_t o = 0; o < fi->noptions; o++) {
      json_array_append_new(
          opts, json_pack("{s:s, s:s}", "id", fi->options[o]->id, "text", fi->options[o]->text));
    }
    json_object_set_new(j, "options", opts);
  }
  if (it->type == EXAM_ITEM_NUMERIC && it->key_unit != NULL) {
    json_object_set_new(j, "unit", json_string(it->key_unit));
  }
  if (exam_item_is_open(it)) {
    json_object_set_new(j, "rubric", rubric_json(it));
  }
  if (it->type == EXAM_ITEM_EVIDENCE) {
    json_object_update_new(j, evidence_json(it));
  }
  return j;
}

json_t *exam_form_candidate_json(const struct exam_form *form) {
  const struct exam *exam = form->exam;
  json_t *units = json_array();
  json_t *root = json_pack("{s:s, s:s, s:s, s:o}", "exam_id", exam->id, "title", exam->title,
                           "title_en", exam->title_en, "units", units);
  if (root == NULL) {
    return NULL;
  }
  for (size_t u = 0; u < form->nunits; u++) {
    const struct form_unit *fu = &form->units[u];
    json_t *items = json_array();
    json_t *ju = json_pack("{s:s, s:s, s:o}", "code", fu->unit->code, "title", fu->unit->title,
                           "items", items);
    if (ju == NULL || json_array_append_new(units, ju) != 0) {
      json_decref(root);
      return NULL;
    }
    if (fu->unit->title_en != NULL) {
      json_object_set_new(ju, "title_en", json_string(fu->unit->title_en));
    }
    for (size_t i = 0; i < fu->nitems; i++) {
      json_t *ji = candidate_item(&fu->items[i]);
      if (ji == NULL || json_array_append_new(items, ji) != 0) {
        json_decref(root);
        return NULL;
      }
    }
  }
  return root;
}

/* ------------------------------------------------------------------ pre-serialised view */

/* The candidate view of one exam version, cut into pieces of JSON text that never change:
 * a form's view is those pieces concatenated in the form's order (items drawn, options
 * shuffled), byte for byte what json_dumps(exam_form_candidate_json(form), JSON_COMPACT)
 * gives. Every piece is written by json_compact, which writes json_dumps's text. */
struct view_text {
  char *s;
  size_t len;
};

struct view_item {
  struct view_text head;  /* {"id":..,"type":..,"prompt":..,"points":..,"kuk":[..] */
  struct view_text *opts; /* {"id":..,"text":..} per option, in authored order */
  struct view_text tail;  /* ,"unit":..} / ,"rubric":[..]} / } */
};

struct view_pool {
  struct view_item *items; /* as exam_pool.items */
};

struct view_unit {
  struct view_text head; /* {"code":..,"title":..,"items":[ */
  struct view_text tail; /* ],"title_en":..} or ]} */
  struct view_pool *pools;
};

struct exam_view {
  const struct exam *exam;
  struct view_text head; /* {"exam_id":..,"title":..,"title_en":..,"units":[ */
  struct view_unit *units;
};

static void view_text_free(struct view_text *t) {
  free(t->s);
  t->s = NULL;
  t->len = 0;
}

void exam_view_free(struct exam_view *v) {
  if (v == NULL) {
    return;
  }
  view_text_free(&v->head);
  for (size_t u = 0; v->units != NULL && u < v->exam->nunits; u++) {
    struct view_unit *vu = &v->units[u];
    const struct exam_unit *unit = &v->exam->units[u];
    view_text_free(&vu->head);
    view_text_free(&vu->tail);
    for (size_t p = 0; vu->pools != NULL && p < unit->npools; p++) {
      struct view_item *items = vu->pools[p].items;
      for (size_t i = 0; items != NULL && i < unit->pools[p].nitems; i++) {
        view_text_free(&items[i].head);
        view_text_free(&items[i].tail);
        for (size_t o = 0; items[i].opts != NULL && o < unit->pools[p].items[i].noptions; o++) {
          view_text_free(&items[i].opts[o]);
        }
        free(items[i].opts);
      }
      free(items);
    }
    free(vu->pools);
  }
  free(v->units);
  free(v);
}

/* Dumps j (consumed) compactly; with cut_last the final '}' is dropped, with comma_first the
 * leading '{' becomes ','. -1 when j is NULL or memory runs out. */
static int view_dump(struct view_text *out, json_t *j, bool cut_last, bool comma_first) {
  out->s = NULL;
  out->len = 0;
  if (j == NULL) {
    return -1;
  }
  char *s = json_compact(j, false);
  json_decref(j);
  if (s == NULL) {
    return -1;
  }
  size_t len = strlen(s);
  if (len < 2 || s[0] != '{' || s[len - 1] != '}') {
    free(s);
    return -1;
  }
  if (cut_last) {
    s[--len] = '\0';
  }
  if (comma_first) {
    s[0] = ',';
  }
  out->s = s;
  out->len = len;
  return 0;
}

/* The text t followed by suffix (a literal), in a new allocation. */
static int view_append(struct view_text *t, const char *suffix) {
  size_t n = strlen(suffix);
  char *s = realloc(t->s, t->len + n + 1);
  if (s == NULL) {
    return -1;
  }
  memcpy(s + t->len, suffix, n + 1);
  t->s = s;
  t->len += n;
  return 0;
}

static int view_set(struct view_text *t, const char *literal) {
  t->s = strdup(literal);
  t->len = t->s != NULL ? strlen(literal) : 0;
  return t->s != NULL ? 0 : -1;
}

/* The same keys, in the same order, as candidate_item(). */
static int view_item_build(struct view_item *vi, const struct exam_item *it) {
  json_t *kuk = json_array();
  for (size_t k = 0; kuk != NULL && k < it->nkuk; k++) {
    json_array_append_new(kuk, json_string(it->kuk[k]));
  }
  if (view_dump(&vi->head,
                json_pack("{s:s, s:s, s:s, s:I, s:o}", "id", it->id, "type",
                          exam_item_type_name(it->type), "prompt", it->prompt, "points",
                          (json_int_t)it->points, "kuk", kuk),
                true, false) != 0) {
    return -1;
  }
  vi->opts = calloc(it->noptions ? it->noptions : 1, sizeof(*vi->opts));
  if (vi->opts == NULL) {
    return -1;
  }
  for (size_t o = 0; o < it->noptions; o++) {
    if (view_dump(&vi->opts[o],
                  json_pack("{s:s, s:s}", "id", it->options[o].id, "text", it->options[o].text),
                  false, false) != 0) {
      return -1;
    }
  }
  json_t *rest = NULL;
  if (it->type == EXAM_ITEM_NUMERIC && it->key_unit != NULL) {
    rest = json_pack("{s:s}", "unit", it->key_unit);
  } else if (exam_item_is_open(it)) {
    rest = json_pack("{s:o}", "rubric", rubric_json(it));
    if (rest != NULL && it->type == EXAM_ITEM_EVIDENCE) {
      json_object_update_new(rest, evidence_json(it));
    }
  } else {
    return view_set(&vi->tail, "}");
  }
  return view_dump(&vi->tail, rest, false, true);
}

int exam_view_new(struct exam_view **out, const struct exam *exam) {
  *out = NULL;
  struct exam_view *v = calloc(1, sizeof(*v));
  if (v == NULL) {
    return -1;
  }
  v->exam = exam;
  v->units = calloc(exam->nunits ? exam->nunits : 1, sizeof(*v->units));
  if (v->units == NULL ||
      view_dump(&v->head,
                json_pack("{s:s, s:s, s:s}", "exam_id", exam->id, "title", exam->title, "title_en",
                          exam->title_en),
                true, false) != 0 ||
      view_append(&v->head, ",\"units\":[") != 0) {
    goto fail;
  }
  for (size_t u = 0; u < exam->nunits; u++) {
    const struct exam_unit *unit = &exam->units[u];
    struct view_unit *vu = &v->units[u];
    if (view_dump(&vu->head, json_pack("{s:s, s:s}", "code", unit->code, "title", unit->title),
                  true, false) != 0 ||
        view_append(&vu->head, ",\"items\":[") != 0) {
      goto fail;
    }
    if (unit->title_en != NULL) {
      struct view_text t;
      if (view_dump(&t, json_pack("{s:s}", "title_en", unit->title_en), false, true) != 0) {
        goto fail;
      }
      vu->tail.s = malloc(t.len + 2);
      if (vu->tail.s == NULL) {
        view_text_free(&t);
        goto fail;
      }
      vu->tail.s[0] = ']';
      memcpy(vu->tail.s + 1, t.s, t.len + 1);
      vu->tail.len = t.len + 1;
      view_text_free(&t);
    } else if (view_set(&vu->tail, "]}") != 0) {
      goto fail;
    }
    vu->pools = calloc(unit->npools ? unit->npools : 1, sizeof(*vu->pools));
    if (vu->pools == NULL) {
      goto fail;
    }
    for (size_t p = 0; p < unit->npools; p++) {
      const struct exam_pool *pool = &unit->pools[p];
      vu->pools[p].items = calloc(pool->nitems ? pool->nitems : 1, sizeof(struct view_item));
      if (vu->pools[p].items == NULL) {
        goto fail;
      }
      for (size_t i = 0; i < pool->nitems; i++) {
        if (view_item_build(&vu->pools[p].items[i], &pool->items[i]) != 0) {
          goto fail;
        }
      }
    }
  }
  *out = v;
  return 0;
fail:
  exam_view_free(v);
  return -1;
}

const struct exam *exam_view_exam(const struct exam_view *view) {
  return view->exam;
}

/* The view of a form's item: found by where the item lives in the exam (its unit's pools). */
static const struct view_item *view_item_of(const struct exam_view *v, size_t unit_index,
                                            const struct exam_item *item) {
  const struct exam_unit *unit = &v->exam->units[unit_index];
  for (size_t p = 0; p < unit->npools; p++) {
    const struct exam_pool *pool = &unit->pools[p];
    if (pool->nitems > 0 && item >= pool->items && item < pool->items + pool->nitems) {
      return &v->units[unit_index].pools[p].items[item - pool->items];
    }
  }
  return NULL;
}

/* Where a view takes its items and option orders from: a drawn form (is_order false; fu and
 * fi are the unit and item being walked), or a compact order (k and q are its item and option
 * cursors). */
struct view_source {
  bool is_order;
  const struct exam_form *form;
  const struct form_unit *fu;
  const struct form_item *fi;
  const struct exam_form_order *order;
  size_t k, q;
};

/* Copies l bytes from p to dst + *n (when dst is not NULL) and counts them in *n. */
static inline void view_put(char *dst, size_t *n, const char *p, size_t l) {
  if (dst != NULL) {
    memcpy(dst + *n, p, l);
  }
  *n += l;
}

/* True when the source is one of exam's forms (its units in the exam's order). */
static inline bool source_fits(const struct view_source *src, const struct exam *exam) {
  if (!src->is_order) {
    return src->form->exam == exam && src->form->nunits == exam->nunits;
  }
  return src->order->exam == exam;
}

/* How many items the source shows of unit u (the next one), or SIZE_MAX when its unit u is
 * another. */
static inline size_t source_nitems(struct view_source *src, size_t u) {
  if (!src->is_order) {
    src->fu = &src->form->units[u];
    return src->fu->unit_index == u ? src->fu->nitems : SIZE_MAX;
  }
  return src->order->unit_nitems[u];
}

/* Item i of the unit; NULL when the source has no such item or not all its options. */
static inline const struct exam_item *source_item(struct view_source *src, size_t i) {
  if (!src->is_order) {
    src->fi = &src->fu->items[i];
    return src->fi->noptions == src->fi->item->noptions ? src->fi->item : NULL;
  }
  const struct exam_form_order *o = src->order;
  const struct exam_item *item = src->k < o->nitems ? o->items[src->k] : NULL;
  src->k++;
  return item != NULL && src->q + item->noptions <= o->nopts ? item : NULL;
}

/* The index among item's options of the j-th one the source shows, or SIZE_MAX when it is
 * not one of them. */
static inline size_t source_option(struct view_source *src, const struct exam_item *item,
                                   size_t j) {
  if (!src->is_order) {
    const struct exam_option *opt = src->fi->options[j];
    return opt >= item->options && opt < item->options + item->noptions
               ? (size_t)(opt - item->options)
               : SIZE_MAX;
  }
  size_t at = src->order->opts[src->q++];
  return at < item->noptions ? at : SIZE_MAX;
}

/* True when the source has shown all it holds (an order has no items or options left). */
static inline bool source_done(const struct view_source *src) {
  return !src->is_order || (src->k == src->order->nitems && src->q == src->order->nopts);
}

/* Walks the pieces of the view of a form (or of its compact order): with dst NULL only
 * counts. Returns the length, or SIZE_MAX when the form is not one of the view's exam.
 * Inlined into view_walk_form and view_walk_order (the exam-form hot path), so that each
 * is compiled for its one kind of source with its cursors in registers. */
static inline __attribute__((always_inline)) size_t
view_walk(const struct exam_view *v, struct view_source source, char *dst) {
  struct view_source *src = &source;
  size_t n = 0;
  if (!source_fits(src, v->exam)) {
    return SIZE_MAX;
  }
  view_put(dst, &n, v->head.s, v->head.len);
  for (size_t u = 0; u < v->exam->nunits; u++) {
    size_t nitems = source_nitems(src, u);
    if (nitems == SIZE_MAX) {
      return SIZE_MAX;
    }
    if (u > 0) {
      view_put(dst, &n, ",", 1);
    }
    view_put(dst, &n, v->units[u].head.s, v->units[u].head.len);
    for (size_t i = 0; i < nitems; i++) {
      const struct exam_item *item = source_item(src, i);
      const struct view_item *vi = item != NULL ? view_item_of(v, u, item) : NULL;
      if (vi == NULL) {
        return SIZE_MAX;
      }
      if (i > 0) {
        view_put(dst, &n, ",", 1);
      }
      view_put(dst, &n, vi->head.s, vi->head.len);
      if (item->noptions > 0) {
        view_put(dst, &n, ",\"options\":[", 12);
        for (size_t j = 0; j < item->noptions; j++) {
          size_t at = source_option(src, item, j);
          if (at == SIZE_MAX) {
            return SIZE_MAX;
          }
          if (j > 0) {
            view_put(dst, &n, ",", 1);
          }
          view_put(dst, &n, vi->opts[at].s, vi->opts[at].len);
        }
        view_put(dst, &n, "]", 1);
      }
      view_put(dst, &n, vi->tail.s, vi->tail.len);
    }
    view_put(dst, &n, v->units[u].tail.s, v->units[u].tail.len);
  }
  view_put(dst, &n, "]}", 2);
  return source_done(src) ? n : SIZE_MAX;
}

static size_t view_walk_form(const struct exam_view *v, const struct exam_form *form, char *dst) {
  return view_walk(v, (struct view_source){.form = form}, dst);
}

static size_t view_walk_order(const struct exam_view *v, const struct exam_form_order *order,
                              char *dst) {
  return view_walk(v, (struct view_source){.is_order = true, .order = order}, dst);
}

size_t exam_view_order_size(const struct exam_view *view, const struct exam_form_order *order) {
  return view_walk_order(view, order, NULL);
}

size_t exam_view_order_write(const struct exam_view *view, const struct exam_form_order *order,
                             char *dst) {
  return view_walk_order(view, order, dst);
}

size_t exam_view_form_size(const struct exam_view *view, const struct exam_form *form) {
  return view_walk_form(view, form, NULL);
}

size_t exam_view_form_write(const struct exam_view *view, const struct exam_form *form, char *dst) {
  return view_walk_form(view, form, dst);
}

/* ------------------------------------------------------------------ stored form, fast */

/* True when jansson writes s as "s": no byte needs escaping. */
static bool plain_string(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    if (*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f) {
      return false;
    }
  }
  return true;
}

/* True when text is exactly the storage text of form as json_dumps(exam_form_to_json(form),
 * JSON_COMPACT) writes it, compared piece by piece as it is walked (no copy). False as soon as
 * a piece differs, and when some string would need escaping (then only jansson can say what
 * the text is). */
static bool storage_matches(const struct exam_form *form, const char *text, size_t len) {
  size_t n = 0;
  char seed[17];
#define STORE_PUT(p, l)                                                                            \
  do {                                                                                             \
    size_t l_ = (l);                                                                               \
    if (l_ > len - n || memcmp(text + n, (p), l_) != 0) {                                          \
      return false;                                                                                \
    }                                                                                              \
    n += l_;                                                                                       \
  } while (0)
#define STORE_STR(s)                                                                               \
  do {                                                                                             \
    if (!plain_string(s)) {                                                                        \
      return false;                                                                                \
    }                                                                                              \
    STORE_PUT("\"", 1);                                                                            \
    STORE_PUT((s), strlen(s));                                                                     \
    STORE_PUT("\"", 1);                                                                            \
  } while (0)
  snprintf(seed, sizeof(seed), "%016" PRIx64, form->seed);
  STORE_PUT("{\"format\":1,\"exam\":", 19);
  STORE_STR(form->exam->id);
  STORE_PUT(",\"version\":", 11);
  STORE_STR(form->exam->version);
  STORE_PUT(",\"seed\":", 8);
  STORE_STR(seed);
  STORE_PUT(",\"units\":[", 10);
  for (size_t u = 0; u < form->nunits; u++) {
    const struct form_unit *fu = &form->units[u];
    STORE_PUT(u > 0 ? ",{\"code\":" : "{\"code\":", u > 0 ? 9 : 8);
    STORE_STR(fu->unit->code);
    STORE_PUT(",\"items\":[", 10);
    for (size_t i = 0; i < fu->nitems; i++) {
      STORE_PUT(i > 0 ? ",{\"id\":" : "{\"id\":", i > 0 ? 7 : 6);
      STORE_STR(fu->items[i].item->id);
      STORE_PUT(",\"options\":[", 12);
      for (size_t o = 0; o < fu->items[i].noptions; o++) {
        if (o > 0) {
          STORE_PUT(",", 1);
        }
        STORE_STR(fu->items[i].options[o]->id);
      }
      STORE_PUT("]}", 2);
    }
    STORE_PUT("]}", 2);
  }
  STORE_PUT("]}", 2);
#undef STORE_STR
#undef STORE_PUT
  return n == len;
}

/* The seed named in a stored form's text, when it can be read without parsing (the text
 * is checked as a whole afterwards, so a wrong guess only costs the fast path). */
static bool seed_of_text(const char *text, size_t len, uint64_t *out) {
  static const char key[] = "\"seed\":\"";
  const char *p = strstr(text, key);
  if (p == NULL || (size_t)(p - text) + sizeof(key) - 1 + 17 > len) {
    return false;
  }
  p += sizeof(key) - 1;
  uint64_t v = 0;
  for (int i = 0; i < 16; i++) {
    char c = p[i];
    unsigned d;
    if (c >= '0' && c <= '9') {
      d = (unsigned)(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = (unsigned)(c - 'a' + 10);
    } else {
      return false;
    }
    v = (v << 4) | d;
  }
  if (p[16] != '"') {
    return false;
  }
  *out = v;
  return true;
}

int exam_form_from_text(struct exam_form **out, const struct exam *exam, const char *text,
                        char *err, size_t errlen) {
  *out = NULL;
  size_t len = strlen(text);
  uint64_t seed = 0;
  /* Fast: draw the form again from its seed (the same version and seed always give the same
   * form) and accept it only if it writes exactly the stored text. */
  if (seed_of_text(text, len, &seed)) {
    struct exam_form *form = NULL;
    if (exam_form_assemble(&form, exam, seed) != 0) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    if (storage_matches(form, text, len)) {
      *out = form;
      return 0;
    }
    exam_form_free(form);
  }
  /* Anything else (a form stored by another drawing algorithm, escaped strings): parse. */
  json_error_t jerr;
  json_t *j = json_loadb(text, len, 0, &jerr);
  if (j == NULL) {
    snprintf(err, errlen, "stored form is not JSON");
    return -1;
  }
  int rc = exam_form_from_json(out, exam, j, err, errlen);
  json_decref(j);
  return rc;
}

size_t exam_form_item_marker(char *out, size_t outlen, const char *item_id) {
  if (!exam_id_ok(item_id, 64)) {
    return 0;
  }
  int w = snprintf(out, outlen, "\"id\":\"%s\"", item_id);
  return w > 0 && (size_t)w < outlen ? (size_t)w : 0;
}
