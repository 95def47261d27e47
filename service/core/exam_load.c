/*
 * Exam loader and validator. Reads the YAML exam format (format 1) through libyaml's document
 * (node) API, so every value carries its line and column, and checks every rule of the format
 * in one pass, collecting all errors as "file:line:column: message". The model it builds lives
 * in one allocation list owned by the exam, so freeing is a single call.
 */
#include "ujikom/exam.h"
#include "ujikom/exam_text.h"

#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ------------------------------------------------------------------ allocations and errors */

struct exam_mem {
  void **ptrs;
  size_t n;
  size_t cap;
};

static struct exam_mem *mem_new(void) {
  return calloc(1, sizeof(struct exam_mem));
}

static void mem_free(struct exam_mem *m) {
  if (m == NULL) {
    return;
  }
  for (size_t i = 0; i < m->n; i++) {
    free(m->ptrs[i]);
  }
  free(m->ptrs);
  free(m);
}

/* Zeroed memory owned by m, or NULL when out of memory. */
static void *mem_alloc(struct exam_mem *m, size_t count, size_t size) {
  if (count == 0) {
    count = 1;
  }
  if (m->n == m->cap) {
    size_t ncap = m->cap ? m->cap * 2 : 64;
    void **np = realloc(m->ptrs, ncap * sizeof(*np));
    if (np == NULL) {
      return NULL;
    }
    m->ptrs = np;
    m->cap = ncap;
  }
  void *p = calloc(count, size);
  if (p == NULL) {
    return NULL;
  }
  m->ptrs[m->n++] = p;
  return p;
}

void exam_errors_add(struct exam_errors *errs, const char *file, unsigned line, unsigned col,
                     const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (errs->n == errs->cap) {
    size_t ncap = errs->cap ? errs->cap * 2 : 16;
    char **nl = realloc(errs->lines, ncap * sizeof(*nl));
    if (nl == NULL) {
      return;
    }
    errs->lines = nl;
    errs->cap = ncap;
  }
  int len = snprintf(NULL, 0, "%s:%u:%u: %s", file, line, col, msg);
  if (len < 0) {
    return;
  }
  char *s = malloc((size_t)len + 1);
  if (s == NULL) {
    return;
  }
  snprintf(s, (size_t)len + 1, "%s:%u:%u: %s", file, line, col, msg);
  errs->lines[errs->n++] = s;
}

void exam_errors_clear(struct exam_errors *errs) {
  for (size_t i = 0; i < errs->n; i++) {
    free(errs->lines[i]);
  }
  free(errs->lines);
  errs->lines = NULL;
  errs->n = 0;
  errs->cap = 0;
}

/* ------------------------------------------------------------------ loader context */

struct ld {
  const char *file;
  struct exam_errors *errs;
  size_t errs_at_start;
  struct exam_mem *mem;
  yaml_document_t *doc;
  unsigned char *seen; /* per node index: visited once already (aliases are refused) */
  size_t nnodes;
  bool oom;
};

/* An id seen so far in some scope, for duplicate reports. */
struct seen_id {
  const char *id;
  unsigned line;
};

static unsigned node_line(const yaml_node_t *n) {
  return (unsigned)n->start_mark.line + 1;
}

static unsigned node_col(const yaml_node_t *n) {
  return (unsigned)n->start_mark.column + 1;
}

#define ERR_AT(ld, node, ...)                                                                      \
  exam_errors_add((ld)->errs, (ld)->file, node_line(node), node_col(node), __VA_ARGS__)

static bool ld_failed(const struct ld *ld) {
  return ld->oom || ld->errs->n > ld->errs_at_start;
}

/* The end of a parse, shared by exams and the subsector list: releases the YAML document,
 * reports running out of memory, and on failure (no result, or any error) makes sure at
 * least one error names the file (failure_msg) and frees the loader's memory. Returns true
 * when the result stands; ld->mem then belongs to it. */
static bool ld_finish(struct ld *ld, yaml_document_t *doc, bool loaded, bool have_result,
                      const char *failure_msg) {
  free(ld->seen);
  ld->seen = NULL;
  if (loaded) {
    yaml_document_delete(doc);
  }
  if (ld->oom) {
    exam_errors_add(ld->errs, ld->file, 1, 1, "out of memory while loading");
  }
  if (!have_result || ld_failed(ld)) {
    if (ld->errs->n == ld->errs_at_start) {
      exam_errors_add(ld->errs, ld->file, 1, 1, "%s", failure_msg);
    }
    mem_free(ld->mem);
    ld->mem = NULL;
    return false;
  }
  return true;
}

static void *ld_alloc(struct ld *ld, size_t count, size_t size) {
  void *p = mem_alloc(ld->mem, count, size);
  if (p == NULL) {
    ld->oom = true;
  }
  return p;
}

static char *ld_strdup(struct ld *ld, const char *s, size_t len) {
  char *p = ld_alloc(ld, len + 1, 1);
  if (p != NULL) {
    memcpy(p, s, len);
    p[len] = '\0';
  }
  return p;
}

/* The node at a document index, refusing a node reached a second time: that only happens
 * through an alias, and aliases would let a small file expand enormously. */
static yaml_node_t *ld_node(struct ld *ld, yaml_node_item_t idx) {
  yaml_node_t *n = yaml_document_get_node(ld->doc, idx);
  if (n == NULL) {
    return NULL;
  }
  size_t i = (size_t)idx;
  if (i < ld->nnodes) {
    if (ld->seen[i]) {
      ERR_AT(ld, n,
             "this anchored value is reused through an alias (*name); aliases are not supported, "
             "write the value out");
      return NULL;
    }
    ld->seen[i] = 1;
  }
  return n;
}

static const char *scalar_text(const yaml_node_t *n) {
  return (const char *)n->data.scalar.value;
}

static bool is_scalar(const yaml_node_t *n) {
  return n->type == YAML_SCALAR_NODE;
}

static size_t seq_len(const yaml_node_t *n) {
  return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* ------------------------------------------------------------------ mappings */

struct field {
  const char *name;
  bool required;
  yaml_node_t *val; /* filled by read_map */
};

/* Checks that node is a mapping whose keys are all among fields (no duplicates) and that
 * every required field is present; fills fields[i].val. Returns -1 when node is not a
 * mapping at all (reported), else 0 even when some keys were wrong (reported). */
static int read_map(struct ld *ld, const yaml_node_t *node, const char *what, struct field *fields,
                    size_t nfields) {
  if (node->type != YAML_MAPPING_NODE) {
    ERR_AT(ld, node, "%s must be a mapping of key: value lines", what);
    return -1;
  }
  for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
       p++) {
    yaml_node_t *k = ld_node(ld, p->key);
    if (k == NULL) {
      continue;
    }
    if (!is_scalar(k)) {
      ERR_AT(ld, k, "keys in %s must be plain words", what);
      continue;
    }
    const char *name = scalar_text(k);
    size_t i = 0;
    while (i < nfields && strcmp(fields[i].name, name) != 0) {
      i++;
    }
    if (i == nfields) {
      ERR_AT(ld, k, "unknown key '%s' in %s", name, what);
      continue;
    }
    if (fields[i].val != NULL) {
      ERR_AT(ld, k, "duplicate key '%s' in %s (first at line %u)", name, what,
             node_line(fields[i].val));
      continue;
    }
    yaml_node_t *v = ld_node(ld, p->value);
    if (v == NULL) {
      continue;
    }
    fields[i].val = v;
  }
  for (size_t i = 0; i < nfields; i++) {
    if (fields[i].required && fields[i].val == NULL) {
      ERR_AT(ld, node, "missing key '%s' in %s", fields[i].name, what);
    }
  }
  return 0;
}

static yaml_node_t *field_val(struct field *fields, size_t nfields, const char *name) {
  for (size_t i = 0; i < nfields; i++) {
    if (strcmp(fields[i].name, name) == 0) {
      return fields[i].val;
    }
  }
  return NULL;
}

/* ------------------------------------------------------------------ scalars */

/* The text of the scalar n, the value of key; NULL when n is missing (the map check has
 * reported that) or is no scalar (reported: "'key' must be <what>"). */
static const char *scalar_of(struct ld *ld, const yaml_node_t *n, const char *key,
                             const char *what) {
  if (n == NULL) {
    return NULL;
  }
  if (!is_scalar(n)) {
    ERR_AT(ld, n, "'%s' must be %s", key, what);
    return NULL;
  }
  return scalar_text(n);
}

/* A text value; NULL (reported) when not a scalar or empty and !allow_empty. */
static const char *get_text(struct ld *ld, const yaml_node_t *n, const char *key,
                            bool allow_empty) {
  if (scalar_of(ld, n, key, "text, not a list or mapping") == NULL) {
    return NULL;
  }
  size_t len = n->data.scalar.length;
  if (!allow_empty && len == 0) {
    ERR_AT(ld, n, "'%s' must not be empty", key);
    return NULL;
  }
  if (strlen(scalar_text(n)) != len) {
    ERR_AT(ld, n, "'%s' must not contain NUL characters", key);
    return NULL;
  }
  return ld_strdup(ld, scalar_text(n), len);
}

static bool id_char_ok(char c, const char *allowed) {
  for (const char *a = allowed; *a; a++) {
    if (a[0] == 'A' && a[1] == '-' && a[2] == 'Z') {
      if (c >= 'A' && c <= 'Z') {
        return true;
      }
      a += 2;
    } else if (a[0] == 'a' && a[1] == '-' && a[2] == 'z') {
      if (c >= 'a' && c <= 'z') {
        return true;
      }
      a += 2;
    } else if (a[0] == '0' && a[1] == '-' && a[2] == '9') {
      if (c >= '0' && c <= '9') {
        return true;
      }
      a += 2;
    } else if (c == *a) {
      return true;
    }
  }
  return false;
}

bool exam_id_ok(const char *p, size_t max) {
  size_t len = p == NULL ? 0 : strlen(p);
  if (len < 1 || len > max) {
    return false;
  }
  for (size_t i = 0; i < len; i++) {
    char c = p[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

/* An identifier: text of min..max characters from `allowed` (ranges like A-Z and single
 * characters), described as `pattern` in the error. */
static const char *get_id(struct ld *ld, const yaml_node_t *n, const char *key, const char *allowed,
                          size_t min, size_t max, const char *pattern) {
  const char *s = get_text(ld, n, key, true);
  if (s == NULL) {
    return NULL;
  }
  size_t len = strlen(s);
  bool ok = len >= min && len <= max;
  for (size_t i = 0; ok && i < len; i++) {
    ok = id_char_ok(s[i], allowed);
  }
  if (!ok) {
    ERR_AT(ld, n, "'%s' must match %s (got '%s')", key, pattern, s);
    return NULL;
  }
  return s;
}

/* An integer in [min, max]; returns false (reported) otherwise. */
static bool get_long(struct ld *ld, const yaml_node_t *n, const char *key, long min, long max,
                     long *out) {
  const char *s = scalar_of(ld, n, key, "a whole number");
  if (s == NULL) {
    return false;
  }
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || errno != 0 || n->data.scalar.length == 0) {
    ERR_AT(ld, n, "'%s' must be a whole number (got '%s')", key, s);
    return false;
  }
  if (v < min || v > max) {
    ERR_AT(ld, n, "'%s' must be between %ld and %ld (got %ld)", key, min, max, v);
    return false;
  }
  *out = v;
  return true;
}

static bool get_double(struct ld *ld, const yaml_node_t *n, const char *key, double *out) {
  const char *s = scalar_of(ld, n, key, "a number");
  if (s == NULL) {
    return false;
  }
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || errno != 0 || !isfinite(v)) {
    ERR_AT(ld, n, "'%s' must be a number (got '%s')", key, s);
    return false;
  }
  *out = v;
  return true;
}

static bool get_bool(struct ld *ld, const yaml_node_t *n, const char *key, bool *out) {
  const char *s = scalar_of(ld, n, key, "true or false");
  if (s == NULL) {
    return false;
  }
  if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
    ERR_AT(ld, n, "'%s' must be true or false", key);
    return false;
  }
  *out = strcmp(s, "true") == 0;
  return true;
}

/* A sequence with at least min entries; NULL (reported) otherwise. */
static const yaml_node_t *get_seq(struct ld *ld, const yaml_node_t *n, const char *key,
                                  size_t min) {
  if (n == NULL) {
    return NULL;
  }
  if (n->type != YAML_SEQUENCE_NODE) {
    ERR_AT(ld, n, "'%s' must be a list", key);
    return NULL;
  }
  if (seq_len(n) < min) {
    ERR_AT(ld, n, "'%s' must have at least %zu entr%s", key, min, min == 1 ? "y" : "ies");
    return NULL;
  }
  return n;
}

/* Remembers id in the scope list; reports a duplicate. Returns false for a duplicate. */
static bool note_id(struct ld *ld, struct seen_id *list, size_t *n, const char *id,
                    const yaml_node_t *at, const char *what) {
  for (size_t i = 0; i < *n; i++) {
    if (strcmp(list[i].id, id) == 0) {
      ERR_AT(ld, at, "duplicate %s '%s' (first at line %u)", what, id, list[i].line);
      return false;
    }
  }
  list[*n].id = id;
  list[*n].line = node_line(at);
  (*n)++;
  return true;
}

/* A walk over the entries of a list, each entry reached once through ld_node (entries it
 * refuses are passed over), with a list of the ids seen in it for note_id. */
struct seq_walk {
  const yaml_node_item_t *next, *end;
  size_t len;
  struct seen_id *seen;
  size_t nseen;
};

/* Starts a walk over the list n under key: get_seq's checks (at least min entries), at most max
 * entries when max > 0, then an array of as many elements of size bytes, which it returns, and
 * the walk's seen-id list. NULL when the list is absent, reported or memory ran out. */
static void *seq_open(struct ld *ld, struct seq_walk *w, const yaml_node_t *n, const char *key,
                      size_t min, size_t max, size_t size) {
  const yaml_node_t *seq = get_seq(ld, n, key, min);
  if (seq == NULL) {
    return NULL;
  }
  w->len = seq_len(seq);
  if (max > 0 && w->len > max) {
    ERR_AT(ld, seq, "'%s' must have at most %zu entries (got %zu)", key, max, w->len);
    return NULL;
  }
  void *arr = ld_alloc(ld, w->len, size);
  w->seen = ld_alloc(ld, w->len, sizeof(*w->seen));
  w->nseen = 0;
  w->next = seq->data.sequence.items.start;
  w->end = seq->data.sequence.items.top;
  return w->seen == NULL ? NULL : arr;
}

/* The walk's next entry; NULL after the last. */
static yaml_node_t *seq_next(struct ld *ld, struct seq_walk *w) {
  while (w->next < w->end) {
    yaml_node_t *n = ld_node(ld, *w->next++);
    if (n != NULL) {
      return n;
    }
  }
  return NULL;
}

/* The walk's next entry that is a mapping (what, in messages), read into fields (read_map);
 * NULL after the last. */
static yaml_node_t *seq_next_map(struct ld *ld, struct seq_walk *w, const char *what,
                                 struct field *fields, size_t nfields) {
  for (yaml_node_t *n; (n = seq_next(ld, w)) != NULL;) {
    for (size_t i = 0; i < nfields; i++) {
      fields[i].val = NULL;
    }
    if (read_map(ld, n, what, fields, nfields) == 0) {
      return n;
    }
  }
  return NULL;
}

/* note_id over the walk's seen-id list. */
static bool seq_note_id(struct ld *ld, struct seq_walk *w, const char *id, const yaml_node_t *at,
                        const char *what) {
  return note_id(ld, w->seen, &w->nseen, id, at, what);
}

/* ------------------------------------------------------------------ items */

static const char *const type_names[] = {"single", "multiple", "truefalse", "numeric",
                                         "short",  "ordering", "open",      "evidence"};

const char *exam_item_type_name(enum exam_item_type type) {
  if ((size_t)type < sizeof(type_names) / sizeof(type_names[0])) {
    return type_names[type];
  }
  return "unknown";
}

/* Per-unit state while items are read: the unit's KUK with their positions and use. */
struct kuk_ref {
  const char *id;
  const yaml_node_t *at;
  bool evidenced;
};

struct unit_ctx {
  const char *code;
  struct kuk_ref *kuk;
  size_t nkuk;
};

/* Ids shared by the whole exam (item ids are unique across units). */
struct exam_ctx {
  struct seen_id *items;
  size_t nitems;
};

static const struct exam_option *find_option(const struct exam_option *opts, size_t n,
                                             const char *id) {
  for (size_t i = 0; i < n; i++) {
    if (strcmp(opts[i].id, id) == 0) {
      return &opts[i];
    }
  }
  return NULL;
}

static void read_options(struct ld *ld, struct exam_item *it, const yaml_node_t *n) {
  struct seq_walk w;
  struct exam_option *opts = seq_open(ld, &w, n, "options", 2, 8, sizeof(*opts));
  if (opts == NULL) {
    return;
  }
  size_t nopt = 0;
  struct field f[] = {{"id", true, NULL}, {"text", true, NULL}};
  while (seq_next_map(ld, &w, "an option", f, 2) != NULL) {
    const char *id = get_id(ld, f[0].val, "id", "a-z0-9", 1, 8, "[a-z0-9]{1,8}");
    const char *text = get_text(ld, f[1].val, "text", false);
    if (id == NULL || text == NULL) {
      continue;
    }
    if (!seq_note_id(ld, &w, id, f[0].val, "option id")) {
      continue;
    }
    opts[nopt].id = id;
    opts[nopt].text = text;
    nopt++;
  }
  it->options = opts;
  it->noptions = nopt;
}

/* A list of option ids for multiple/ordering keys; NULL entries are skipped. */
static void read_key_ids(struct ld *ld, struct exam_item *it, const yaml_node_t *n) {
  struct seq_walk w;
  const char **ids = seq_open(ld, &w, n, "answer", 1, 0, sizeof(*ids));
  if (ids == NULL) {
    return;
  }
  size_t nids = 0;
  for (yaml_node_t *an; (an = seq_next(ld, &w)) != NULL;) {
    const char *id = get_text(ld, an, "answer", false);
    if (id == NULL) {
      continue;
    }
    if (find_option(it->options, it->noptions, id) == NULL) {
      ERR_AT(ld, an, "answer '%s' is not one of the options", id);
      continue;
    }
    if (!seq_note_id(ld, &w, id, an, "answer option")) {
      continue;
    }
    ids[nids++] = id;
  }
  it->key_ids = ids;
  it->nkey_ids = nids;
  if (it->type == EXAM_ITEM_ORDERING && !ld_failed(ld) && nids != it->noptions) {
    for (size_t i = 0; i < it->noptions; i++) {
      bool found = false;
      for (size_t j = 0; j < nids && !found; j++) {
        found = strcmp(ids[j], it->options[i].id) == 0;
      }
      if (!found) {
        ERR_AT(ld, n, "an ordering answer must list every option exactly once (missing '%s')",
               it->options[i].id);
        break;
      }
    }
  }
}

static void read_answer(struct ld *ld, struct exam_item *it, const yaml_node_t *n) {
  switch (it->type) {
  case EXAM_ITEM_SINGLE: {
    const char *id = get_text(ld, n, "answer", false);
    if (id == NULL) {
      return;
    }
    if (it->noptions > 0 && find_option(it->options, it->noptions, id) == NULL) {
      ERR_AT(ld, n, "answer '%s' is not one of the options", id);
      return;
    }
    const char **ids = ld_alloc(ld, 1, sizeof(*ids));
    if (ids != NULL) {
      ids[0] = id;
      it->key_ids = ids;
      it->nkey_ids = 1;
    }
    return;
  }
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    if (it->noptions > 0) {
      read_key_ids(ld, it, n);
    }
    return;
  case EXAM_ITEM_TRUEFALSE:
    get_bool(ld, n, "answer", &it->key_bool);
    return;
  case EXAM_ITEM_NUMERIC: {
    struct field f[] = {{"value", true, NULL}, {"tolerance", false, NULL}, {"unit", false, NULL}};
    if (read_map(ld, n, "a numeric answer", f, 3) != 0) {
      return;
    }
    get_double(ld, f[0].val, "value", &it->key_value);
    if (f[1].val != NULL && get_double(ld, f[1].val, "tolerance", &it->key_tolerance) &&
        it->key_tolerance < 0) {
      ERR_AT(ld, f[1].val, "'tolerance' must not be negative");
    }
    if (f[2].val != NULL) {
      it->key_unit = get_text(ld, f[2].val, "unit", false);
    }
    return;
  }
  case EXAM_ITEM_SHORT: {
    struct seq_walk w;
    const char **acc = seq_open(ld, &w, n, "answer", 1, 0, sizeof(*acc));
    const char **norm = acc == NULL ? NULL : ld_alloc(ld, w.len, sizeof(*norm));
    if (norm == NULL) {
      return;
    }
    size_t k = 0;
    for (yaml_node_t *an; (an = seq_next(ld, &w)) != NULL;) {
      const char *s = get_text(ld, an, "answer", false);
      if (s == NULL) {
        continue;
      }
      char *nm = NULL;
      if (exam_text_normalize(&nm, s, strlen(s)) != 0) {
        ERR_AT(ld, an, "accepted answer is not valid UTF-8");
        continue;
      }
      if (nm[0] == '\0') {
        free(nm);
        ERR_AT(ld, an, "accepted answer is blank");
        continue;
      }
      acc[k] = s;
      norm[k] = ld_strdup(ld, nm, strlen(nm));
      free(nm);
      k++;
    }
    it->accepted = acc;
    it->accepted_norm = norm;
    it->naccepted = k;
    return;
  }
  case EXAM_ITEM_OPEN:
  case EXAM_ITEM_EVIDENCE:
    return;
  }
}

#define EXAM_MAX_LEVELS 10

/* The level descriptors of criterion c (the list n): points within 0..max_points, each
 * value once, a text for each. */
static void read_levels(struct ld *ld, struct exam_criterion *c, const yaml_node_t *n) {
  struct seq_walk w;
  struct exam_level *lv = seq_open(ld, &w, n, "levels", 1, EXAM_MAX_LEVELS, sizeof(*lv));
  if (lv == NULL) {
    return;
  }
  size_t k = 0;
  struct field f[] = {{"points", true, NULL}, {"text", true, NULL}};
  while (seq_next_map(ld, &w, "a rubric level", f, 2) != NULL) {
    long pts = 0;
    bool ok = get_long(ld, f[0].val, "points", 0, c->max_points, &pts);
    const char *text = get_text(ld, f[1].val, "text", false);
    if (!ok || text == NULL) {
      continue;
    }
    bool dup = false;
    for (size_t i = 0; i < k && !dup; i++) {
      dup = lv[i].points == pts;
    }
    if (dup) {
      ERR_AT(ld, f[0].val, "two levels of criterion '%s' give %ld points", c->id, pts);
      continue;
    }
    lv[k].points = pts;
    lv[k].text = text;
    k++;
  }
  c->levels = lv;
  c->nlevels = k;
}

static void read_rubric(struct ld *ld, struct exam_item *it, const yaml_node_t *n) {
  struct seq_walk w;
  struct exam_criterion *crit = seq_open(ld, &w, n, "rubric", 1, 0, sizeof(*crit));
  if (crit == NULL) {
    return;
  }
  size_t k = 0;
  struct field f[] = {{"id", true, NULL},
                      {"text", true, NULL},
                      {"max_points", true, NULL},
                      {"levels", false, NULL}};
  while (seq_next_map(ld, &w, "a rubric criterion", f, 4) != NULL) {
    const char *id = get_id(ld, f[0].val, "id", "A-Za-z0-9._-", 1, 32, "[A-Za-z0-9._-]{1,32}");
    const char *text = get_text(ld, f[1].val, "text", false);
    long maxp = 0;
    bool ok = get_long(ld, f[2].val, "max_points", 1, 100, &maxp);
    if (id == NULL || text == NULL || !ok) {
      continue;
    }
    if (!seq_note_id(ld, &w, id, f[0].val, "rubric criterion id")) {
      continue;
    }
    crit[k].id = id;
    crit[k].text = text;
    crit[k].max_points = maxp;
    if (f[3].val != NULL) {
      read_levels(ld, &crit[k], f[3].val);
    }
    k++;
  }
  it->rubric = crit;
  it->nrubric = k;
}

static void read_item_kuk(struct ld *ld, struct exam_item *it, const yaml_node_t *n,
                          struct unit_ctx *u) {
  struct seq_walk w;
  const char **ids = seq_open(ld, &w, n, "kuk", 1, 0, sizeof(*ids));
  if (ids == NULL) {
    return;
  }
  size_t k = 0;
  for (yaml_node_t *kn; (kn = seq_next(ld, &w)) != NULL;) {
    const char *id = get_text(ld, kn, "kuk", false);
    if (id == NULL) {
      continue;
    }
    if (!seq_note_id(ld, &w, id, kn, "KUK in item")) {
      continue;
    }
    size_t j = 0;
    while (j < u->nkuk && strcmp(u->kuk[j].id, id) != 0) {
      j++;
    }
    if (j == u->nkuk) {
      ERR_AT(ld, kn, "KUK '%s' is not defined in unit %s", id, u->code ? u->code : "(unnamed)");
      continue;
    }
    u->kuk[j].evidenced = true;
    ids[k++] = id;
  }
  it->kuk = ids;
  it->nkuk = k;
}

static const char *const accept_names[] = {"image", "pdf", "audio", "video"};
#define NACCEPT (sizeof(accept_names) / sizeof(accept_names[0]))

const char *exam_accept_name(unsigned kind) {
  for (size_t i = 0; i < NACCEPT; i++) {
    if (kind == 1u << i) {
      return accept_names[i];
    }
  }
  return NULL;
}

/* The accept list of an evidence item: one or more of the kinds, each once. */
static void read_accept(struct ld *ld, struct exam_item *it, const yaml_node_t *n) {
  struct seq_walk w;
  if (seq_open(ld, &w, n, "accept", 1, NACCEPT, sizeof(char)) == NULL) {
    return;
  }
  for (yaml_node_t *kn; (kn = seq_next(ld, &w)) != NULL;) {
    const char *name = get_text(ld, kn, "accept", false);
    if (name == NULL) {
      continue;
    }
    size_t k = 0;
    while (k < NACCEPT && strcmp(accept_names[k], name) != 0) {
      k++;
    }
    if (k == NACCEPT) {
      ERR_AT(ld, kn, "unknown kind '%s' in 'accept' (expected image, pdf, audio or video)", name);
    } else if (seq_note_id(ld, &w, name, kn, "accept kind")) {
      it->accept |= 1u << k;
    }
  }
}

/* accept, max_files and max_mb: required in an evidence item, refused in any other. */
static void read_evidence_limits(struct ld *ld, struct exam_item *it, const yaml_node_t *n,
                                 struct field *f, size_t nf, const char *tname) {
  static const char *const keys[] = {"accept", "max_files", "max_mb"};
  const yaml_node_t *v[3];
  for (size_t i = 0; i < 3; i++) {
    v[i] = field_val(f, nf, keys[i]);
    if (it->type != EXAM_ITEM_EVIDENCE && v[i] != NULL) {
      ERR_AT(ld, v[i], "a %s item has no '%s'; only evidence items do", tname, keys[i]);
    } else if (it->type == EXAM_ITEM_EVIDENCE && v[i] == NULL) {
      ERR_AT(ld, n, "missing key '%s' in an evidence item", keys[i]);
    }
  }
  if (it->type != EXAM_ITEM_EVIDENCE) {
    return;
  }
  if (v[0] != NULL) {
    read_accept(ld, it, v[0]);
  }
  if (v[1] != NULL) {
    get_long(ld, v[1], "max_files", 1, EXAM_EVIDENCE_MAX_FILES, &it->max_files);
  }
  if (v[2] != NULL) {
    get_long(ld, v[2], "max_mb", 1, EXAM_EVIDENCE_MAX_MB, &it->max_mb);
  }
}

static bool type_has_options(enum exam_item_type t) {
  return t == EXAM_ITEM_SINGLE || t == EXAM_ITEM_MULTIPLE || t == EXAM_ITEM_ORDERING;
}

/* Reads one item into *it; returns false when it could not be read at all. */
static bool read_item(struct ld *ld, struct exam_item *it, const yaml_node_t *n, struct unit_ctx *u,
                      struct exam_ctx *ex) {
  struct field f[] = {
      {"id", true, NULL},      {"type", true, NULL},       {"kuk", true, NULL},
      {"points", false, NULL}, {"prompt", true, NULL},     {"options", false, NULL},
      {"answer", false, NULL}, {"rubric", false, NULL},    {"explanation", false, NULL},
      {"accept", false, NULL}, {"max_files", false, NULL}, {"max_mb", false, NULL}};
  const size_t nf = sizeof(f) / sizeof(f[0]);
  if (read_map(ld, n, "an item", f, nf) != 0) {
    return false;
  }
  it->line = node_line(n);
  it->id = get_id(ld, f[0].val, "id", "A-Za-z0-9._-", 1, 64, "[A-Za-z0-9._-]{1,64}");
  if (it->id != NULL) {
    note_id(ld, ex->items, &ex->nitems, it->id, f[0].val, "item id");
  }
  it->prompt = get_text(ld, f[4].val, "prompt", false);
  if (f[8].val != NULL) {
    it->explanation = get_text(ld, f[8].val, "explanation", true);
  }
  read_item_kuk(ld, it, f[2].val, u);

  const char *tname = get_text(ld, f[1].val, "type", false);
  if (tname == NULL) {
    return true;
  }
  size_t t = 0;
  while (t < sizeof(type_names) / sizeof(type_names[0]) && strcmp(type_names[t], tname) != 0) {
    t++;
  }
  if (t == sizeof(type_names) / sizeof(type_names[0])) {
    ERR_AT(ld, f[1].val,
           "unknown item type '%s' (expected single, multiple, truefalse, numeric, short, "
           "ordering, open or evidence)",
           tname);
    return true;
  }
  it->type = (enum exam_item_type)t;
  yaml_node_t *opts = field_val(f, nf, "options");
  yaml_node_t *answer = field_val(f, nf, "answer");
  yaml_node_t *rubric = field_val(f, nf, "rubric");
  yaml_node_t *points = field_val(f, nf, "points");

  if (type_has_options(it->type)) {
    if (opts == NULL) {
      ERR_AT(ld, n, "missing key 'options' in a %s item", tname);
    } else {
      read_options(ld, it, opts);
    }
  } else if (opts != NULL) {
    ERR_AT(ld, opts, "a %s item has no options", tname);
  }

  read_evidence_limits(ld, it, n, f, nf, tname);
  if (exam_item_is_open(it)) {
    if (answer != NULL) {
      ERR_AT(ld, answer, "an %s item must not have an answer; it is scored with a rubric", tname);
    }
    if (rubric == NULL) {
      ERR_AT(ld, n, "missing key 'rubric' in an %s item", tname);
      return true;
    }
    read_rubric(ld, it, rubric);
    long total = 0;
    for (size_t i = 0; i < it->nrubric; i++) {
      total += it->rubric[i].max_points;
    }
    long pts = 0;
    if (points != NULL && get_long(ld, points, "points", 1, 10000, &pts) && pts != total) {
      ERR_AT(ld, points, "'points' (%ld) must equal the rubric total (%ld)", pts, total);
    }
    it->points = total;
    return true;
  }

  if (rubric != NULL) {
    ERR_AT(ld, rubric, "a %s item must not have a rubric; only open and evidence items do", tname);
  }
  it->points = 1;
  if (points != NULL) {
    get_long(ld, points, "points", 1, 100, &it->points);
  }
  if (answer == NULL) {
    ERR_AT(ld, n, "missing key 'answer' in a %s item", tname);
    return true;
  }
  read_answer(ld, it, answer);
  return true;
}

/* ------------------------------------------------------------------ units */

static void read_pools(struct ld *ld, struct exam_unit *unit, const yaml_node_t *n,
                       struct unit_ctx *u, struct exam_ctx *ex) {
  struct seq_walk w;
  struct exam_pool *pools = seq_open(ld, &w, n, "pools", 1, 0, sizeof(*pools));
  if (pools == NULL) {
    return;
  }
  size_t k = 0;
  struct field f[] = {{"id", true, NULL}, {"draw", true, NULL}, {"items", true, NULL}};
  while (seq_next_map(ld, &w, "a pool", f, 3) != NULL) {
    struct exam_pool *pool = &pools[k];
    pool->id = get_id(ld, f[0].val, "id", "A-Za-z0-9._-", 1, 32, "[A-Za-z0-9._-]{1,32}");
    if (pool->id != NULL) {
      seq_note_id(ld, &w, pool->id, f[0].val, "pool id");
    }
    const yaml_node_t *items = get_seq(ld, f[2].val, "items", 1);
    size_t nitems = 0;
    if (items != NULL) {
      size_t icnt = seq_len(items);
      struct exam_item *arr = ld_alloc(ld, icnt, sizeof(*arr));
      if (arr == NULL) {
        return;
      }
      for (yaml_node_item_t *q = items->data.sequence.items.start;
           q < items->data.sequence.items.top; q++) {
        yaml_node_t *in = ld_node(ld, *q);
        if (in != NULL && read_item(ld, &arr[nitems], in, u, ex)) {
          nitems++;
        }
      }
      pool->items = arr;
      pool->nitems = nitems;
    }
    if (f[1].val != NULL && items != NULL) {
      long hi = (long)seq_len(items);
      if (!get_long(ld, f[1].val, "draw", 1, hi, &pool->draw)) {
        /* reported; the message names the pool size as the upper bound */
      }
    }
    k++;
  }
  unit->pools = pools;
  unit->npools = k;
}

static void read_elements(struct ld *ld, struct exam_unit *unit, const yaml_node_t *n,
                          struct unit_ctx *u) {
  struct seq_walk w;
  struct exam_element *els = seq_open(ld, &w, n, "elements", 1, 0, sizeof(*els));
  char(*idtext)[24] = els == NULL ? NULL : ld_alloc(ld, w.len, sizeof(*idtext));
  if (idtext == NULL) {
    return;
  }
  /* Count KUK entries first so the unit-wide list can be allocated once. */
  size_t total_kuk = 0;
  for (const yaml_node_item_t *p = w.next; p < w.end; p++) {
    yaml_node_t *en = yaml_document_get_node(ld->doc, *p);
    if (en != NULL && en->type == YAML_MAPPING_NODE) {
      for (yaml_node_pair_t *q = en->data.mapping.pairs.start; q < en->data.mapping.pairs.top;
           q++) {
        yaml_node_t *k = yaml_document_get_node(ld->doc, q->key);
        yaml_node_t *v = yaml_document_get_node(ld->doc, q->value);
        if (k != NULL && v != NULL && is_scalar(k) && strcmp(scalar_text(k), "kuk") == 0 &&
            v->type == YAML_SEQUENCE_NODE) {
          total_kuk += seq_len(v);
        }
      }
    }
  }
  u->kuk = ld_alloc(ld, total_kuk, sizeof(*u->kuk));
  struct seen_id *kuk_ids = ld_alloc(ld, total_kuk, sizeof(*kuk_ids));
  if (u->kuk == NULL || kuk_ids == NULL) {
    return;
  }
  size_t nkuk_ids = 0, k = 0;
  struct field f[] = {{"id", true, NULL}, {"title", true, NULL}, {"kuk", true, NULL}};
  while (seq_next_map(ld, &w, "an element", f, 3) != NULL) {
    struct exam_element *el = &els[k];
    bool id_ok = get_long(ld, f[0].val, "id", 1, 99, &el->id);
    if (id_ok) {
      snprintf(idtext[k], sizeof(idtext[k]), "%ld", el->id);
      id_ok = seq_note_id(ld, &w, idtext[k], f[0].val, "element id");
    }
    el->title = get_text(ld, f[1].val, "title", false);
    const yaml_node_t *ks = get_seq(ld, f[2].val, "kuk", 1);
    if (ks != NULL) {
      struct exam_kuk *kuk = ld_alloc(ld, seq_len(ks), sizeof(*kuk));
      if (kuk == NULL) {
        return;
      }
      size_t nk = 0;
      for (yaml_node_item_t *q = ks->data.sequence.items.start; q < ks->data.sequence.items.top;
           q++) {
        yaml_node_t *kn = ld_node(ld, *q);
        if (kn == NULL) {
          continue;
        }
        struct field kf[] = {{"id", true, NULL}, {"text", true, NULL}};
        if (read_map(ld, kn, "a KUK", kf, 2) != 0) {
          continue;
        }
        const char *kid = get_id(ld, kf[0].val, "id", "0-9.", 3, 7, "element.criterion, e.g. 1.2");
        const char *text = get_text(ld, kf[1].val, "text", false);
        if (kid == NULL || text == NULL) {
          continue;
        }
        if (id_ok) {
          size_t plen = strlen(idtext[k]);
          char *end = NULL;
          long crit = 0;
          bool shape = strncmp(kid, idtext[k], plen) == 0 && kid[plen] == '.';
          if (shape) {
            errno = 0;
            crit = strtol(kid + plen + 1, &end, 10);
            shape = end != kid + plen + 1 && *end == '\0' && errno == 0 && crit >= 1;
          }
          if (!shape) {
            ERR_AT(ld, kf[0].val, "KUK id '%s' must be %s.N, numbered within element %s", kid,
                   idtext[k], idtext[k]);
            continue;
          }
        }
        if (!note_id(ld, kuk_ids, &nkuk_ids, kid, kf[0].val, "KUK id")) {
          continue;
        }
        kuk[nk].id = kid;
        kuk[nk].text = text;
        u->kuk[u->nkuk].id = kid;
        u->kuk[u->nkuk].at = kf[0].val;
        u->nkuk++;
        nk++;
      }
      el->kuk = kuk;
      el->nkuk = nk;
    }
    k++;
  }
  unit->elements = els;
  unit->nelements = k;
}

/* A unit's `assessment` (written when absent) and the keys that go with it: a written unit
 * needs cut_score and pools; an observation unit has neither (its KUKs are observed, and it
 * is K when every one is: cut_score 100). `unit_node` is where a missing key is reported. */
static void read_assessment(struct ld *ld, struct exam_unit *unit, const yaml_node_t *kind,
                            const yaml_node_t *cut, const yaml_node_t *pools,
                            const yaml_node_t *unit_node) {
  unit->assessment = EXAM_ASSESS_WRITTEN;
  if (kind != NULL) {
    const char *t = get_text(ld, kind, "assessment", false);
    if (t != NULL && strcmp(t, "observation") == 0) {
      unit->assessment = EXAM_ASSESS_OBSERVATION;
    } else if (t != NULL && strcmp(t, "written") != 0) {
      ERR_AT(ld, kind, "'assessment' must be written or observation, not '%s'", t);
    }
  }
  if (exam_unit_is_observed(unit)) {
    unit->cut_score = 100;
    if (cut != NULL) {
      ERR_AT(ld, cut, "an observation unit has no 'cut_score': it is K when every KUK is observed");
    }
    if (pools != NULL) {
      ERR_AT(ld, pools, "an observation unit has no 'pools': the assessor observes its KUKs");
    }
    return;
  }
  if (unit_node != NULL && cut == NULL) {
    ERR_AT(ld, unit_node, "missing key 'cut_score' in a unit");
  }
  if (unit_node != NULL && pools == NULL) {
    ERR_AT(ld, unit_node, "missing key 'pools' in a unit");
  }
}

static void read_units(struct ld *ld, struct exam *exam, const yaml_node_t *n) {
  struct seq_walk w;
  struct exam_unit *units = seq_open(ld, &w, n, "units", 1, 0, sizeof(*units));
  struct exam_ctx ex = {0};
  /* Item ids are unique across the exam: bound the list by the number of nodes. */
  ex.items = units == NULL ? NULL : ld_alloc(ld, ld->nnodes, sizeof(*ex.items));
  if (ex.items == NULL) {
    return;
  }
  size_t k = 0;
  /* cut_score and pools are required of a written unit, absent from an observation unit
   * (read_assessment checks which). */
  struct field f[] = {{"code", true, NULL},       {"title", true, NULL},
                      {"title_en", false, NULL},  {"cut_score", false, NULL},
                      {"elements", true, NULL},   {"pools", false, NULL},
                      {"assessment", false, NULL}};
  for (const yaml_node_t *un; (un = seq_next_map(ld, &w, "a unit", f, 7)) != NULL;) {
    struct exam_unit *unit = &units[k];
    unit->code = get_id(ld, f[0].val, "code", "A-Za-z0-9._-", 3, 64, "[A-Za-z0-9._-]{3,64}");
    if (unit->code != NULL) {
      seq_note_id(ld, &w, unit->code, f[0].val, "unit code");
    }
    unit->title = get_text(ld, f[1].val, "title", false);
    if (f[2].val != NULL) {
      unit->title_en = get_text(ld, f[2].val, "title_en", false);
    }
    read_assessment(ld, unit, f[6].val, f[3].val, f[5].val, un);
    if (f[3].val != NULL && !exam_unit_is_observed(unit)) {
      get_long(ld, f[3].val, "cut_score", 1, 100, &unit->cut_score);
    }
    struct unit_ctx u = {.code = unit->code};
    read_elements(ld, unit, f[4].val, &u);
    if (f[5].val != NULL && !exam_unit_is_observed(unit)) {
      read_pools(ld, unit, f[5].val, &u, &ex);
    }
    for (size_t i = 0; i < u.nkuk && !exam_unit_is_observed(unit); i++) {
      if (!u.kuk[i].evidenced) {
        ERR_AT(ld, u.kuk[i].at, "KUK '%s' has no item giving evidence for it", u.kuk[i].id);
      }
    }
    k++;
  }
  exam->units = units;
  exam->nunits = k;
}

/* ------------------------------------------------------------------ documents */

static void hash_hex(const char *buf, size_t len, char out[65]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  out[0] = '\0';
  if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1) {
    return;
  }
  for (unsigned i = 0; i < mdlen && i < 32; i++) {
    snprintf(out + 2 * (size_t)i, 3, "%02x", md[i]);
  }
}

/* Loads the single YAML document of buf into doc. Returns the root node or NULL (reported). */
static yaml_node_t *load_doc(struct ld *ld, yaml_document_t *doc, bool *loaded, const char *buf,
                             size_t len) {
  yaml_parser_t parser;
  yaml_node_t *root = NULL;
  *loaded = false;
  if (!yaml_parser_initialize(&parser)) {
    ld->oom = true;
    return NULL;
  }
  /* libyaml asserts on a NULL input; an empty buffer is reported as an empty file. */
  static const unsigned char empty[1] = {0};
  yaml_parser_set_input_string(&parser, buf != NULL ? (const unsigned char *)buf : empty,
                               buf != NULL ? len : 0);
  if (!yaml_parser_load(&parser, doc)) {
    exam_errors_add(ld->errs, ld->file, (unsigned)parser.problem_mark.line + 1,
                    (unsigned)parser.problem_mark.column + 1, "YAML syntax error: %s%s%s",
                    parser.problem ? parser.problem : "unknown problem", parser.context ? " " : "",
                    parser.context ? parser.context : "");
    goto cleanup;
  }
  *loaded = true;
  root = yaml_document_get_root_node(doc);
  if (root == NULL) {
    exam_errors_add(ld->errs, ld->file, 1, 1, "the file is empty");
    goto cleanup;
  }
  yaml_document_t next;
  if (!yaml_parser_load(&parser, &next)) {
    exam_errors_add(ld->errs, ld->file, (unsigned)parser.problem_mark.line + 1,
                    (unsigned)parser.problem_mark.column + 1, "YAML syntax error: %s",
                    parser.problem ? parser.problem : "unknown problem");
    root = NULL;
    goto cleanup;
  }
  yaml_node_t *extra = yaml_document_get_root_node(&next);
  if (extra != NULL) {
    ERR_AT(ld, extra, "only one YAML document per file is allowed");
    root = NULL;
  }
  yaml_document_delete(&next);
cleanup:
  yaml_parser_delete(&parser);
  return root;
}

static bool setup(struct ld *ld, yaml_document_t *doc) {
  ld->doc = doc;
  ld->nnodes = (size_t)(doc->nodes.top - doc->nodes.start) + 1;
  ld->seen = calloc(ld->nnodes, 1);
  if (ld->seen == NULL) {
    ld->oom = true;
    return false;
  }
  return true;
}

/* The start of a parse, shared by exams and the subsector list: the loader's memory, then the
 * YAML document (load_doc, setup). Returns the document's root, marked as reached, or NULL:
 * with ld->mem NULL when the memory could not be had (reported; there is nothing to finish),
 * else after a reported failure that ld_finish ends. */
static yaml_node_t *ld_begin(struct ld *ld, yaml_document_t *doc, bool *loaded, const char *buf,
                             size_t len) {
  ld->mem = mem_new();
  if (ld->mem == NULL) {
    exam_errors_add(ld->errs, ld->file, 1, 1, "out of memory");
    return NULL;
  }
  yaml_node_t *root = load_doc(ld, doc, loaded, buf, len);
  if (root == NULL || !setup(ld, doc)) {
    return NULL;
  }
  ld->seen[1] = 1; /* the root */
  return root;
}

/* What a file's reader makes of its root map, in ld's memory; NULL when there is nothing. */
typedef void *(*ld_read_fn)(struct ld *ld, yaml_node_t *root, const void *ctx);

/* The whole of one parse, shared by exams and the subsector list: ld_begin, the reader, and
 * ld_finish. Returns what the reader made, with the memory holding it in *mem, or NULL when
 * it failed (every problem reported in errs, at least one). */
static void *ld_parse(struct exam_mem **mem, struct exam_errors *errs, const char *buf, size_t len,
                      const char *file, ld_read_fn read, const void *ctx, const char *failure_msg) {
  struct ld ld = {.file = file, .errs = errs, .errs_at_start = errs->n};
  yaml_document_t doc;
  bool loaded = false;
  void *result = NULL;
  *mem = NULL;
  yaml_node_t *root = ld_begin(&ld, &doc, &loaded, buf, len);
  if (root == NULL && ld.mem == NULL) {
    return NULL;
  }
  if (root != NULL) {
    result = read(&ld, root, ctx);
  }
  if (!ld_finish(&ld, &doc, loaded, result != NULL, failure_msg)) {
    return NULL;
  }
  *mem = ld.mem;
  return result;
}

static void check_format(struct ld *ld, const yaml_node_t *n) {
  long fmt = 0;
  if (n == NULL || !is_scalar(n)) {
    if (n != NULL) {
      ERR_AT(ld, n, "'format' must be 1");
    }
    return;
  }
  if (strcmp(scalar_text(n), "1") != 0) {
    if (get_long(ld, n, "format", 0, 1000000, &fmt)) {
      ERR_AT(ld, n, "unsupported format %ld (this version reads format 1)", fmt);
    }
  }
}

/* An exam from its file's root map (in ld's memory), or NULL; problems are reported. */
static void *read_exam(struct ld *ld, yaml_node_t *root, const void *ctx) {
  const struct exam_subsectors *subs = ctx;
  struct exam *exam = NULL;
  struct field f[] = {{"format", true, NULL},
                      {"id", true, NULL},
                      {"subsector", true, NULL},
                      {"title", true, NULL},
                      {"title_en", true, NULL},
                      {"scheme", true, NULL},
                      {"standard", true, NULL},
                      {"description", false, NULL},
                      {"duration_minutes", true, NULL},
                      {"validity_years", true, NULL},
                      {"retake", true, NULL},
                      {"shuffle_options", false, NULL},
                      {"units", true, NULL},
                      {"blind_marking", false, NULL},
                      {"time_zone", false, NULL},
                      {"requires_application", false, NULL}};
  const size_t nf = sizeof(f) / sizeof(f[0]);
  if (read_map(ld, root, "an exam file", f, nf) != 0) {
    return NULL;
  }
  exam = ld_alloc(ld, 1, sizeof(*exam));
  if (exam == NULL) {
    return NULL;
  }
  check_format(ld, f[0].val);
  exam->id = get_id(ld, f[1].val, "id", "A-Z0-9-", 3, 40, "[A-Z0-9-]{3,40}");
  exam->subsector = get_text(ld, f[2].val, "subsector", false);
  if (exam->subsector != NULL && subs != NULL &&
      exam_subsector_find(subs, exam->subsector) == NULL) {
    ERR_AT(ld, f[2].val, "unknown subsector '%s'", exam->subsector);
  }
  exam->title = get_text(ld, f[3].val, "title", false);
  exam->title_en = get_text(ld, f[4].val, "title_en", false);
  exam->scheme = get_text(ld, f[5].val, "scheme", false);
  exam->standard = get_text(ld, f[6].val, "standard", false);
  if (f[7].val != NULL) {
    exam->description = get_text(ld, f[7].val, "description", true);
  }
  get_long(ld, f[8].val, "duration_minutes", 5, 600, &exam->duration_minutes);
  get_long(ld, f[9].val, "validity_years", 1, 5, &exam->validity_years);
  if (f[10].val != NULL) {
    struct field rf[] = {{"max_attempts", true, NULL}, {"cooldown_days", true, NULL}};
    if (read_map(ld, f[10].val, "retake", rf, 2) == 0) {
      get_long(ld, rf[0].val, "max_attempts", 1, 20, &exam->max_attempts);
      get_long(ld, rf[1].val, "cooldown_days", 0, 365, &exam->cooldown_days);
    }
  }
  if (f[11].val != NULL) {
    get_bool(ld, f[11].val, "shuffle_options", &exam->shuffle_options);
  }
  read_units(ld, exam, f[12].val);
  if (f[13].val != NULL) {
    get_bool(ld, f[13].val, "blind_marking", &exam->blind_marking);
  }
  if (f[14].val != NULL) {
    const char *zone = get_text(ld, f[14].val, "time_zone", false);
    exam->has_time_zone = zone != NULL && time_zone_parse(zone, &exam->time_zone);
    if (zone != NULL && !exam->has_time_zone) {
      ERR_AT(ld, f[14].val, "'time_zone' must be WIB, WITA or WIT, not '%s'", zone);
    }
  }
  if (f[15].val != NULL) {
    get_bool(ld, f[15].val, "requires_application", &exam->requires_application);
  }
  return exam;
}

int exam_parse(struct exam **out, struct exam_errors *errs, const char *buf, size_t len,
               const char *file, const struct exam_subsectors *subs) {
  struct exam_mem *mem = NULL;
  struct exam *exam =
      ld_parse(&mem, errs, buf, len, file, read_exam, subs, "could not load the exam");
  *out = exam;
  if (exam == NULL) {
    return -1;
  }
  hash_hex(buf, len, exam->version);
  exam->mem = mem;
  return 0;
}

void exam_free(struct exam *exam) {
  if (exam != NULL) {
    mem_free(exam->mem); /* the exam struct itself lives in mem */
  }
}

/* The subsector catalogue from its file's root map (in ld's memory), or NULL. */
static void *read_subsectors(struct ld *ld, yaml_node_t *root, const void *ctx) {
  (void)ctx;
  struct exam_subsectors *subs = NULL;
  struct field f[] = {{"format", true, NULL}, {"subsectors", true, NULL}};
  if (read_map(ld, root, "the subsector catalogue", f, 2) != 0) {
    return NULL;
  }
  check_format(ld, f[0].val);
  struct seq_walk w;
  struct exam_subsector *items = seq_open(ld, &w, f[1].val, "subsectors", 1, 0, sizeof(*items));
  if (items == NULL || NULL == (subs = ld_alloc(ld, 1, sizeof(*subs)))) {
    return NULL;
  }
  size_t k = 0;
  struct field sf[] = {{"code", true, NULL}, {"name_id", true, NULL}, {"name_en", true, NULL}};
  while (seq_next_map(ld, &w, "a subsector", sf, 3) != NULL) {
    const char *code = get_id(ld, sf[0].val, "code", "A-Z", 2, 8, "[A-Z]{2,8}");
    const char *nid = get_text(ld, sf[1].val, "name_id", false);
    const char *nen = get_text(ld, sf[2].val, "name_en", false);
    if (code == NULL || nid == NULL || nen == NULL ||
        !seq_note_id(ld, &w, code, sf[0].val, "subsector code")) {
      continue;
    }
    items[k].code = code;
    items[k].name_id = nid;
    items[k].name_en = nen;
    k++;
  }
  subs->items = items;
  subs->n = k;
  return subs;
}

int exam_subsectors_parse(struct exam_subsectors **out, struct exam_errors *errs, const char *buf,
                          size_t len, const char *file) {
  struct exam_mem *mem = NULL;
  struct exam_subsectors *subs = ld_parse(&mem, errs, buf, len, file, read_subsectors, NULL,
                                          "could not load the subsector catalogue");
  *out = subs;
  if (subs == NULL) {
    return -1;
  }
  subs->mem = mem;
  return 0;
}

void exam_subsectors_free(struct exam_subsectors *subs) {
  if (subs != NULL) {
    mem_free(subs->mem);
  }
}

const struct exam_subsector *exam_subsector_find(const struct exam_subsectors *subs,
                                                 const char *code) {
  for (size_t i = 0; subs != NULL && i < subs->n; i++) {
    if (strcmp(subs->items[i].code, code) == 0) {
      return &subs->items[i];
    }
  }
  return NULL;
}

/* ------------------------------------------------------------------ look-ups */

const struct exam_item *exam_find_item(const struct exam *exam, const char *item_id,
                                       size_t *unit_index) {
  for (size_t u = 0; u < exam->nunits; u++) {
    const struct exam_unit *unit = &exam->units[u];
    for (size_t p = 0; p < unit->npools; p++) {
      for (size_t i = 0; i < unit->pools[p].nitems; i++) {
        if (strcmp(unit->pools[p].items[i].id, item_id) == 0) {
          if (unit_index != NULL) {
            *unit_index = u;
          }
          return &unit->pools[p].items[i];
        }
      }
    }
  }
  return NULL;
}

const struct exam_option *exam_item_option(const struct exam_item *item, const char *option_id) {
  return find_option(item->options, item->noptions, option_id);
}

bool exam_item_is_open(const struct exam_item *item) {
  return item->type == EXAM_ITEM_OPEN || item->type == EXAM_ITEM_EVIDENCE;
}

const struct exam_level *exam_criterion_level(const struct exam_criterion *c, long points) {
  for (size_t i = 0; i < c->nlevels; i++) {
    if (c->levels[i].points == points) {
      return &c->levels[i];
    }
  }
  return NULL;
}

size_t exam_unit_draw_count(const struct exam_unit *unit) {
  size_t n = 0;
  for (size_t p = 0; p < unit->npools; p++) {
    n += (size_t)unit->pools[p].draw;
  }
  return n;
}

bool exam_unit_is_observed(const struct exam_unit *unit) {
  return unit->assessment == EXAM_ASSESS_OBSERVATION;
}

size_t exam_unit_kuk_count(const struct exam_unit *unit) {
  size_t n = 0;
  for (size_t e = 0; e < unit->nelements; e++) {
    n += unit->elements[e].nkuk;
  }
  return n;
}

const struct exam_kuk *exam_unit_kuk(const struct exam_unit *unit, const char *kuk_id) {
  for (size_t e = 0; kuk_id != NULL && e < unit->nelements; e++) {
    for (size_t i = 0; i < unit->elements[e].nkuk; i++) {
      if (strcmp(unit->elements[e].kuk[i].id, kuk_id) == 0) {
        return &unit->elements[e].kuk[i];
      }
    }
  }
  return NULL;
}

const struct exam_unit *exam_find_unit(const struct exam *exam, const char *code,
                                       size_t *out_index) {
  for (size_t u = 0; code != NULL && u < exam->nunits; u++) {
    if (strcmp(exam->units[u].code, code) == 0) {
      if (out_index != NULL) {
        *out_index = u;
      }
      return &exam->units[u];
    }
  }
  return NULL;
}
