/*
 * QTI 3.0 import: an IMS content package (zip, imsmanifest.xml) of qti-assessment-item
 * documents and optionally a qti-assessment-test, to ujikom items. Items come in the order of
 * the test's item references (their section path is the report's category, their "kuk-*"
 * categories their KUK ids), then any item the manifest lists that the test does not. Every
 * part is read under limits (entry count, inflated size, zip-bomb ratio) with the item banks'
 * safe XML reader. Items written by ujikom's export (tool-name "ujikom") read back exactly;
 * items of other tools keep their text only (whitespace tidied, markup dropped).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "itembank_internal.h"
#include "sheet_internal.h"

#include "ujikom/qti.h"

#define QTI_MAX_ENTRIES  (2 * ITEMBANK_MAX_ITEMS + 16)
#define QTI_MAX_PART     ((size_t)8 * 1024 * 1024)
#define QTI_MAX_INFLATED ((size_t)128 * 1024 * 1024)
#define QTI_MAX_HREF     512u
#define QTI_MAX_VALUES   64u

struct pkg_item {
  char *href; /* package path */
  char *kuk;  /* the item reference's categories, or NULL */
  char *path; /* the section path ("unit / pool"), or NULL */
};

struct pkg {
  struct imp *imp;
  zip_t *z;
  size_t inflated;
  struct pkg_item *items;
  size_t n, cap;
};

/* ------------------------------------------------------------------ paths */

/* base's directory joined with href, "." and ".." resolved; NULL when it leaves the package,
 * is absolute, has a scheme or is too long. */
static char *resolve(const char *base, const char *href) {
  if (href == NULL || href[0] == '\0' || href[0] == '/' || strchr(href, ':') != NULL ||
      strchr(href, '\\') != NULL || strlen(href) > QTI_MAX_HREF) {
    return NULL;
  }
  char buf[2 * QTI_MAX_HREF + 2];
  const char *slash = base == NULL ? NULL : strrchr(base, '/');
  size_t dl = slash == NULL ? 0 : (size_t)(slash - base) + 1;
  if (dl > QTI_MAX_HREF) {
    return NULL;
  }
  if (dl > 0) {
    memcpy(buf, base, dl);
  }
  snprintf(buf + dl, sizeof(buf) - dl, "%s", href);
  char *out = malloc(strlen(buf) + 1);
  if (out == NULL) {
    return NULL;
  }
  size_t w = 0;
  const char *s = buf;
  while (*s != '\0') {
    size_t n = strcspn(s, "/");
    if (n == 0 || (n == 1 && s[0] == '.')) {
      /* skip */
    } else if (n == 2 && s[0] == '.' && s[1] == '.') {
      if (w == 0) {
        free(out);
        return NULL;
      }
      while (w > 0 && out[w - 1] != '/') {
        w--;
      }
      if (w > 0) {
        w--;
      }
    } else {
      if (w > 0) {
        out[w++] = '/';
      }
      memcpy(out + w, s, n);
      w += n;
    }
    s += n;
    if (*s == '/') {
      s++;
    }
  }
  out[w] = '\0';
  if (w == 0) {
    free(out);
    return NULL;
  }
  return out;
}

/* Reads one part of the package (NULL after reporting why). */
static char *read_part(struct pkg *p, const char *name, size_t *len) {
  char err[256];
  if (zip_name_locate(p->z, name, 0) < 0) {
    IMP_ERR(p->imp, 1, 1, "the package has no %s", name);
    return NULL;
  }
  char *buf = NULL;
  enum sheet_rc rc = sheet_zip_entry(p->z, name, true, QTI_MAX_PART, &buf, len, err, sizeof(err));
  if (rc == SHEET_NO_MEMORY) {
    p->imp->oom = true;
    return NULL;
  }
  if (rc != SHEET_OK) {
    IMP_ERR(p->imp, 1, 1, "%s", err);
    return NULL;
  }
  p->inflated += *len;
  if (p->inflated > QTI_MAX_INFLATED) {
    IMP_ERR(p->imp, 1, 1, "the package inflates to more than %zu bytes", QTI_MAX_INFLATED);
    free(buf);
    return NULL;
  }
  return buf;
}

static void xml_error(struct pkg *p, const char *part, const struct ib_xml *x) {
  IMP_ERR(p->imp, x->error_line, x->error_col, "%s: %s", part, x->error);
}

static bool add_item(struct pkg *p, char *href, const char *kuk, const char *path) {
  for (size_t i = 0; i < p->n; i++) {
    if (strcmp(p->items[i].href, href) == 0) {
      free(href);
      return true; /* referenced twice: read once */
    }
  }
  if (p->n >= ITEMBANK_MAX_ITEMS) {
    IMP_ERR(p->imp, 1, 1, "more than %u items in one package", ITEMBANK_MAX_ITEMS);
    free(href);
    return false;
  }
  if (p->n == p->cap) {
    size_t ncap = p->cap ? p->cap * 2 : 32;
    struct pkg_item *ni = realloc(p->items, ncap * sizeof(*ni));
    if (ni == NULL) {
      p->imp->oom = true;
      free(href);
      return false;
    }
    p->items = ni;
    p->cap = ncap;
  }
  struct pkg_item *it = &p->items[p->n++];
  it->href = href;
  it->kuk = ib_dup(kuk);
  it->path = ib_dup(path);
  if ((kuk != NULL && it->kuk == NULL) || (path != NULL && it->path == NULL)) {
    p->imp->oom = true;
    return false;
  }
  return true;
}

/* ------------------------------------------------------------------ manifest */

struct man {
  struct pkg *p;
  bool root_seen;
  char *test;   /* the test's href */
  char **items; /* item hrefs, in manifest order */
  size_t nitems, cap;
};

static void man_start(struct ib_xml *x, const char *name, const char **atts) {
  struct man *m = x->ud;
  if (!m->root_seen) {
    m->root_seen = true;
    if (strcmp(name, "manifest") != 0) {
      ib_xml_fail(x, "the root element is not <manifest>");
    }
    return;
  }
  if (strcmp(name, "resource") != 0) {
    return;
  }
  const char *type = ib_xml_attr(atts, "type");
  const char *href = ib_xml_attr(atts, "href");
  if (type == NULL || href == NULL) {
    return;
  }
  bool test = strncmp(type, "imsqti_test_xmlv3p0", 19) == 0;
  bool item = strncmp(type, "imsqti_item_xmlv3p0", 19) == 0;
  if (!test && !item) {
    return;
  }
  char *path = resolve(NULL, href);
  if (path == NULL) {
    ib_xml_fail(x, "a resource's href leaves the package or is not a relative path");
    return;
  }
  if (test && m->test == NULL) {
    m->test = path;
    return;
  }
  if (test) {
    free(path);
    return; /* one test is read: the first */
  }
  if (m->nitems >= ITEMBANK_MAX_ITEMS) {
    free(path);
    ib_xml_fail(x, "more than 5000 item resources");
    return;
  }
  if (m->nitems == m->cap) {
    size_t ncap = m->cap ? m->cap * 2 : 32;
    char **ni = realloc(m->items, ncap * sizeof(*ni));
    if (ni == NULL) {
      free(path);
      ib_xml_fail(x, "out of memory");
      return;
    }
    m->items = ni;
    m->cap = ncap;
  }
  m->items[m->nitems++] = path;
}

/* ------------------------------------------------------------------ test */

struct test {
  struct pkg *p;
  const char *href;
  bool root_seen;
  char titles[IB_XML_MAX_DEPTH + 1][128]; /* the section titles down to the current one */
  unsigned nsections;
};

static void test_start(struct ib_xml *x, const char *name, const char **atts) {
  struct test *t = x->ud;
  if (!t->root_seen) {
    t->root_seen = true;
    const char *ns = ib_xml_attr(atts, "xmlns");
    if (strcmp(name, "qti-assessment-test") != 0 || ns == NULL || strcmp(ns, QTI_NS_ITEM) != 0) {
      ib_xml_fail(x, "not a QTI 3.0 assessment test (root qti-assessment-test in " QTI_NS_ITEM ")");
    }
    return;
  }
  if (strcmp(name, "qti-assessment-section") == 0) {
    const char *title = ib_xml_attr(atts, "title");
    if (title == NULL) {
      title = ib_xml_attr(atts, "identifier");
    }
    snprintf(t->titles[t->nsections++], sizeof(t->titles[0]), "%s", title == NULL ? "" : title);
    return;
  }
  if (strcmp(name, "qti-assessment-item-ref") != 0) {
    return;
  }
  char *path = resolve(t->href, ib_xml_attr(atts, "href"));
  if (path == NULL) {
    ib_xml_fail(x, "an item reference's href leaves the package or is not a relative path");
    return;
  }
  struct growbuf sp = {.max = 4096};
  for (unsigned i = 0; i < t->nsections; i++) {
    growbuf_str(&sp, i ? " / " : "");
    growbuf_str(&sp, t->titles[i]);
  }
  bool ok = add_item(t->p, path, ib_xml_attr(atts, "category"), sp.p);
  free(sp.p);
  if (!ok) {
    ib_xml_fail(x, "too many items");
  }
}

static void test_end(struct ib_xml *x, const char *name) {
  struct test *t = x->ud;
  if (strcmp(name, "qti-assessment-section") == 0 && t->nsections > 0) {
    t->nsections--;
  }
}

/* ------------------------------------------------------------------ items */

/* What a <br> or the end of a block element leaves in a foreign item's text: a byte XML text
 * can never hold, so it cannot be confused with the text's own line breaks (which are only
 * whitespace there, as in HTML). */
#define HARD_BREAK "\x01"

enum target {
  T_NONE,
  T_PROMPT,
  T_BODY,
  T_OPTION,
  T_CRITERION,
  T_LEVEL,
  T_EXPLANATION,
  T_UNIT,
  T_VALUE,
};

enum interaction { I_NONE, I_CHOICE, I_ORDER, I_TEXT, I_EXTENDED, I_OTHER };

struct qi {
  struct imp *imp;
  bool root_seen;
  bool ours; /* written by ujikom: text is exact */
  char *id;
  /* RESPONSE declaration */
  char cardinality[16];
  char base_type[16];
  char *values[QTI_MAX_VALUES];
  size_t nvalues;
  char *map_keys[MAX_ACCEPTED];
  size_t nmap;
  bool in_correct;
  bool response_seen;
  double normal_max;
  double tolerance;
  bool has_tolerance;
  /* the body */
  bool in_body;
  enum interaction kind;
  unsigned ninteractions;
  char other[48]; /* the name of an interaction ujikom cannot map */
  long max_choices;
  char *option_ids[MAX_OPTIONS];
  char *options[MAX_OPTIONS];
  size_t noptions;
  bool too_many_options;
  struct ib_criterion rubric[IB_MAX_RUBRIC];
  size_t nrubric;
  bool too_many_criteria;
  bool foreign_rubric;
  unsigned skip_depth; /* inside an interaction or rubric block: not body text */
  enum target target;
  unsigned target_depth;
  struct growbuf text;   /* of the current target */
  struct growbuf prompt; /* qti-prompt / the ujikom prompt */
  struct growbuf body;   /* body text outside interactions (a foreign item's prompt) */
  char *explanation;
  char *unit;
  long level_points;
};

static bool has_class(const char **atts, const char *cls) {
  const char *c = ib_xml_attr(atts, "class");
  size_t n = strlen(cls);
  while (c != NULL && *c != '\0') {
    size_t k = strcspn(c, " \t\n");
    if (k == n && strncmp(c, cls, n) == 0) {
      return true;
    }
    c += k;
    c += strspn(c, " \t\n");
  }
  return false;
}

static bool whole_number(const char *s, long lo, long hi, long *out) {
  if (s == NULL) {
    return false;
  }
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi) {
    return false;
  }
  *out = v;
  return true;
}

static void begin_target(struct ib_xml *x, struct qi *q, enum target t) {
  q->target = t;
  q->target_depth = x->depth;
  q->text.len = 0;
  if (q->text.p != NULL) {
    q->text.p[0] = '\0';
  }
}

/* Block elements break lines in a foreign item's text. */
static bool block_element(const char *name) {
  static const char *const blocks[] = {"p",  "div", "li",         "tr", "h1", "h2",   "h3",
                                       "h4", "pre", "blockquote", "ul", "ol", "table"};
  for (size_t k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
    if (strcmp(name, blocks[k]) == 0) {
      return true;
    }
  }
  return false;
}

static struct growbuf *text_sink(struct qi *q) {
  if (q->target != T_NONE) {
    return &q->text;
  }
  return q->in_body && q->skip_depth == 0 ? &q->body : NULL;
}

static void item_start_body(struct ib_xml *x, struct qi *q, const char *name, const char **atts) {
  struct growbuf *sink = text_sink(q);
  if (strcmp(name, "br") == 0) {
    if (sink != NULL) {
      growbuf_str(sink, q->ours ? "\n" : HARD_BREAK);
    }
    return;
  }
  if (!q->ours && sink != NULL && block_element(name)) {
    growbuf_str(sink, HARD_BREAK);
  }
  bool interaction = strstr(name, "-interaction") != NULL;
  if (interaction) {
    q->ninteractions++;
    q->kind = strcmp(name, "qti-choice-interaction") == 0          ? I_CHOICE
              : strcmp(name, "qti-order-interaction") == 0         ? I_ORDER
              : strcmp(name, "qti-text-entry-interaction") == 0    ? I_TEXT
              : strcmp(name, "qti-extended-text-interaction") == 0 ? I_EXTENDED
                                                                   : I_OTHER;
    if (q->kind == I_OTHER) {
      snprintf(q->other, sizeof(q->other), "%s", name);
    }
    long mc = 1;
    if (q->kind == I_CHOICE && !whole_number(ib_xml_attr(atts, "max-choices"), 0, 1000, &mc)) {
      mc = 1;
    }
    q->max_choices = mc;
    if (q->skip_depth == 0 && q->kind != I_TEXT) {
      q->skip_depth = x->depth;
    }
    return;
  }
  if (strcmp(name, "qti-rubric-block") == 0 || strcmp(name, "qti-modal-feedback") == 0 ||
      strcmp(name, "qti-feedback-block") == 0 || strcmp(name, "qti-feedback-inline") == 0) {
    if (q->skip_depth == 0) {
      q->skip_depth = x->depth;
    }
    if (strcmp(name, "qti-rubric-block") != 0) {
      return;
    }
    if (has_class(atts, "ujikom-explanation")) {
      begin_target(x, q, T_EXPLANATION);
    } else if (has_class(atts, "ujikom-criterion")) {
      if (q->nrubric == IB_MAX_RUBRIC) {
        q->too_many_criteria = true;
        return;
      }
      struct ib_criterion *c = &q->rubric[q->nrubric++];
      c->id = ib_dup(ib_xml_attr(atts, "data-criterion"));
      if (!whole_number(ib_xml_attr(atts, "data-max-points"), 1, 100, &c->max_points)) {
        c->max_points = 0; /* refused when the item is checked */
      }
    } else {
      q->foreign_rubric = true;
    }
    return;
  }
  if (q->target != T_NONE) {
    return;
  }
  if (strcmp(name, "qti-prompt") == 0 ||
      (strcmp(name, "div") == 0 && has_class(atts, "ujikom-prompt"))) {
    begin_target(x, q, T_PROMPT);
  } else if (strcmp(name, "qti-simple-choice") == 0) {
    if (q->noptions == MAX_OPTIONS) {
      q->too_many_options = true;
      return;
    }
    q->option_ids[q->noptions] = ib_dup(ib_xml_attr(atts, "identifier"));
    begin_target(x, q, T_OPTION);
  } else if (strcmp(name, "p") == 0 && has_class(atts, "ujikom-criterion-text")) {
    begin_target(x, q, T_CRITERION);
  } else if (strcmp(name, "p") == 0 && has_class(atts, "ujikom-level")) {
    if (!whole_number(ib_xml_attr(atts, "data-points"), 0, 100, &q->level_points)) {
      q->level_points = -1;
    }
    begin_target(x, q, T_LEVEL);
  } else if (strcmp(name, "span") == 0 && has_class(atts, "ujikom-unit")) {
    begin_target(x, q, T_UNIT);
  }
}

static void item_start(struct ib_xml *x, const char *name, const char **atts) {
  struct qi *q = x->ud;
  if (!q->root_seen) {
    q->root_seen = true;
    const char *ns = ib_xml_attr(atts, "xmlns");
    if (strcmp(name, "qti-assessment-item") != 0 || ns == NULL || strcmp(ns, QTI_NS_ITEM) != 0) {
      ib_xml_fail(x, "not a QTI 3.0 item (root qti-assessment-item in " QTI_NS_ITEM ")");
      return;
    }
    const char *tool = ib_xml_attr(atts, "tool-name");
    q->ours = tool != NULL && strcmp(tool, "ujikom") == 0;
    q->id = ib_dup(ib_xml_attr(atts, "identifier"));
    return;
  }
  if (q->in_body) {
    item_start_body(x, q, name, atts);
    return;
  }
  if (strcmp(name, "qti-item-body") == 0) {
    q->in_body = true;
  } else if (strcmp(name, "qti-response-declaration") == 0) {
    const char *id = ib_xml_attr(atts, "identifier");
    const char *card = ib_xml_attr(atts, "cardinality");
    const char *base = ib_xml_attr(atts, "base-type");
    if (id != NULL && strcmp(id, "RESPONSE") == 0 && !q->response_seen) {
      q->response_seen = true;
      snprintf(q->cardinality, sizeof(q->cardinality), "%s", card == NULL ? "" : card);
      snprintf(q->base_type, sizeof(q->base_type), "%s", base == NULL ? "" : base);
    }
  } else if (strcmp(name, "qti-correct-response") == 0) {
    q->in_correct = q->nvalues == 0;
  } else if (strcmp(name, "qti-value") == 0 && q->in_correct) {
    begin_target(x, q, T_VALUE);
  } else if (strcmp(name, "qti-map-entry") == 0) {
    const char *key = ib_xml_attr(atts, "map-key");
    const char *val = ib_xml_attr(atts, "mapped-value");
    char *end = NULL;
    double v = val == NULL ? 0 : strtod(val, &end);
    if (key != NULL && end != val && v > 0 && q->nmap < MAX_ACCEPTED) {
      q->map_keys[q->nmap++] = ib_dup(key);
    }
  } else if (strcmp(name, "qti-outcome-declaration") == 0) {
    const char *id = ib_xml_attr(atts, "identifier");
    const char *nm = ib_xml_attr(atts, "normal-maximum");
    if (id != NULL && strcmp(id, "SCORE") == 0 && nm != NULL) {
      q->normal_max = strtod(nm, NULL);
    }
  } else if (strcmp(name, "qti-equal") == 0) {
    const char *mode = ib_xml_attr(atts, "tolerance-mode");
    const char *tol = ib_xml_attr(atts, "tolerance");
    char *end = NULL;
    double t = tol == NULL ? NAN : strtod(tol, &end);
    if (mode != NULL && strcmp(mode, "absolute") == 0 && end != tol && isfinite(t)) {
      q->tolerance = t;
      q->has_tolerance = true;
    }
  }
}

static char *take(struct qi *q, struct growbuf *b) {
  char *s = NULL;
  if (b->failed) {
    q->imp->oom = true;
    return NULL;
  }
  if (q->ours) {
    s = ib_dup(b->p == NULL ? "" : b->p);
  } else {
    struct growbuf t = {.max = IMPORT_TEXT_MAX};
    bool markup = false;
    /* a foreign text: whitespace tidied as HTML would show it */
    struct growbuf esc = {.max = IMPORT_TEXT_MAX};
    for (size_t i = 0; i < b->len; i++) {
      char c = b->p[i];
      if (c == '<' || c == '&' || c == HARD_BREAK[0]) {
        growbuf_str(&esc, c == '<' ? "&lt;" : c == '&' ? "&amp;" : "<br>");
      } else if (c == '\n' || c == '\r' || c == '\t') {
        growbuf_add(&esc, " ", 1); /* whitespace, as in HTML */
      } else {
        growbuf_add(&esc, &c, 1);
      }
    }
    ib_html_text(&t, esc.p == NULL ? "" : esc.p, &markup);
    free(esc.p);
    s = growbuf_take(&t, NULL);
    if (s == NULL && !t.failed) {
      s = ib_dup("");
    }
    free(t.p);
  }
  if (s == NULL) {
    q->imp->oom = true;
  }
  return s;
}

static void item_end(struct ib_xml *x, const char *name) {
  struct qi *q = x->ud;
  unsigned depth = x->depth + 1; /* the depth of the element ending */
  if (q->target != T_NONE && depth == q->target_depth) {
    char *s = take(q, &q->text);
    switch (q->target) {
    case T_PROMPT:
      growbuf_str(&q->prompt, s == NULL ? "" : s);
      break;
    case T_OPTION:
      q->options[q->noptions++] = s;
      s = NULL;
      break;
    case T_CRITERION:
      if (q->nrubric > 0 && q->rubric[q->nrubric - 1].text == NULL) {
        q->rubric[q->nrubric - 1].text = s;
        s = NULL;
      }
      break;
    case T_LEVEL:
      if (q->nrubric > 0 && q->rubric[q->nrubric - 1].nlevels < IB_MAX_LEVELS) {
        struct ib_criterion *c = &q->rubric[q->nrubric - 1];
        c->level_points[c->nlevels] = q->level_points;
        c->level_text[c->nlevels++] = s;
        s = NULL;
      }
      break;
    case T_EXPLANATION:
      free(q->explanation);
      q->explanation = s;
      s = NULL;
      break;
    case T_UNIT:
      free(q->unit);
      q->unit = s;
      s = NULL;
      break;
    case T_VALUE:
      if (q->nvalues < QTI_MAX_VALUES) {
        q->values[q->nvalues++] = s;
        s = NULL;
      }
      break;
    case T_BODY:
    case T_NONE:
      break;
    }
    free(s);
    q->target = T_NONE;
  } else if (!q->ours && q->in_body && block_element(name)) {
    struct growbuf *sink = text_sink(q);
    if (sink != NULL) {
      growbuf_str(sink, HARD_BREAK);
    }
  }
  if (q->skip_depth != 0 && depth == q->skip_depth) {
    q->skip_depth = 0;
  }
  if (strcmp(name, "qti-correct-response") == 0) {
    q->in_correct = false;
  } else if (strcmp(name, "qti-item-body") == 0) {
    q->in_body = false;
  }
}

static void item_text(struct ib_xml *x, const char *s, size_t len) {
  struct qi *q = x->ud;
  struct growbuf *sink = text_sink(q);
  if (sink != NULL) {
    growbuf_add(sink, s, len);
  }
}

static void qi_clear(struct qi *q) {
  free(q->id);
  for (size_t i = 0; i < q->nvalues; i++) {
    free(q->values[i]);
  }
  for (size_t i = 0; i < q->nmap; i++) {
    free(q->map_keys[i]);
  }
  for (size_t i = 0; i < MAX_OPTIONS; i++) {
    free(q->option_ids[i]);
    free(q->options[i]);
  }
  for (size_t i = 0; i < q->nrubric; i++) {
    free(q->rubric[i].id);
    free(q->rubric[i].text);
    for (size_t k = 0; k < q->rubric[i].nlevels; k++) {
      free(q->rubric[i].level_text[k]);
    }
  }
  free(q->text.p);
  free(q->prompt.p);
  free(q->body.p);
  free(q->explanation);
  free(q->unit);
}

/* The option index of identifier v, or MAX_OPTIONS. */
static size_t option_index(const struct qi *q, const char *v) {
  for (size_t i = 0; i < q->noptions; i++) {
    if (q->option_ids[i] != NULL && v != NULL && strcmp(q->option_ids[i], v) == 0) {
      return i;
    }
  }
  return MAX_OPTIONS;
}

static const char *map_key(struct qi *q, struct ib_item *it) {
  for (size_t k = 0; k < q->nvalues; k++) {
    size_t i = option_index(q, q->values[k]);
    if (i == MAX_OPTIONS) {
      return "the correct response names a choice the item does not have";
    }
    if (it->nkey == MAX_OPTIONS) {
      return "the correct response names more than 8 choices";
    }
    it->key[it->nkey++] = i;
  }
  return NULL;
}

/* Whether every choice identifier is a ujikom option id ([a-z0-9]{1,8}), each once. */
static bool option_ids_ok(const struct qi *q) {
  for (size_t i = 0; i < q->noptions; i++) {
    const char *id = q->option_ids[i];
    size_t n = id == NULL ? 0 : strlen(id);
    if (n < 1 || n > 8 || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789") != n) {
      return false;
    }
    for (size_t k = 0; k < i; k++) {
      if (strcmp(q->option_ids[k], id) == 0) {
        return false;
      }
    }
  }
  return true;
}

/* Moves the choices into the item; identifiers ujikom cannot use give way to a, b, ... (the
 * key, held as indexes, follows). */
static void take_options(struct qi *q, struct ib_item *it) {
  bool keep_ids = option_ids_ok(q);
  for (size_t i = 0; i < q->noptions; i++) {
    it->options[i] = q->options[i];
    it->option_ids[i] = keep_ids ? q->option_ids[i] : NULL;
    if (keep_ids) {
      q->option_ids[i] = NULL;
    }
    q->options[i] = NULL;
  }
  it->noptions = q->noptions;
}

/* Maps the item read; returns NULL when mapped, else the reason. */
static const char *map_item(struct qi *q, struct ib_item *it, const char **note) {
  if (q->ninteractions == 0) {
    return "no interaction: nothing to answer";
  }
  if (q->ninteractions > 1) {
    return "more than one interaction in one item (ujikom items have one answer)";
  }
  if (q->kind == I_OTHER) {
    return "this interaction has no ujikom item type";
  }
  if (q->too_many_options) {
    return "more than 8 options";
  }
  if (!q->response_seen) {
    return "no RESPONSE declaration";
  }
  const char *why = NULL;
  switch (q->kind) {
  case I_CHOICE:
    if (q->noptions == 2 && option_index(q, "TRUE") == 0 && option_index(q, "FALSE") == 1 &&
        q->nvalues == 1 && strcmp(q->cardinality, "single") == 0) {
      it->type = EXAM_ITEM_TRUEFALSE;
      it->key_bool = strcmp(q->values[0], "TRUE") == 0;
      return NULL;
    }
    it->type = strcmp(q->cardinality, "multiple") == 0 ? EXAM_ITEM_MULTIPLE : EXAM_ITEM_SINGLE;
    why = map_key(q, it);
    take_options(q, it);
    if (why == NULL && it->nkey == 0) {
      why = "no correct response";
    }
    return why;
  case I_ORDER:
    it->type = EXAM_ITEM_ORDERING;
    why = map_key(q, it);
    take_options(q, it);
    return why;
  case I_TEXT:
    if (strcmp(q->base_type, "float") == 0 || strcmp(q->base_type, "integer") == 0) {
      it->type = EXAM_ITEM_NUMERIC;
      if (q->nvalues != 1) {
        return "a numeric item needs exactly one correct value";
      }
      char *end = NULL;
      errno = 0;
      it->value = strtod(q->values[0], &end);
      if (end == q->values[0] || *end != '\0' || errno != 0 || !isfinite(it->value)) {
        return "the correct value is not a number";
      }
      it->tolerance = q->has_tolerance ? q->tolerance : 0;
      it->unit = q->unit;
      q->unit = NULL;
      return NULL;
    }
    it->type = EXAM_ITEM_SHORT;
    char **list = q->nmap > 0 ? q->map_keys : q->values;
    size_t n = q->nmap > 0 ? q->nmap : q->nvalues;
    for (size_t k = 0; k < n && it->naccepted < MAX_ACCEPTED; k++) {
      it->accepted[it->naccepted++] = list[k];
      list[k] = NULL;
    }
    return it->naccepted == 0 ? "no correct response" : NULL;
  case I_EXTENDED:
    it->type = EXAM_ITEM_OPEN;
    if (q->too_many_criteria) {
      return "more than 32 rubric criteria";
    }
    for (size_t i = 0; i < q->nrubric; i++) {
      it->rubric[i] = q->rubric[i];
    }
    it->nrubric = q->nrubric;
    q->nrubric = 0;
    if (it->nrubric == 0) {
      *note = "extended text: a one-criterion placeholder rubric (1 point) was added; write "
              "the real one";
    }
    return NULL;
  case I_NONE:
  case I_OTHER:
    break;
  }
  return "this interaction has no ujikom item type";
}

/* KUK ids from "kuk-1.1 kuk-1.2" categories. */
static void item_kuk(struct imp *imp, struct ib_item *it, const char *cats) {
  const char *p = cats;
  while (p != NULL && *p != '\0') {
    p += strspn(p, " \t\n");
    size_t n = strcspn(p, " \t\n");
    if (n > 4 && strncmp(p, "kuk-", 4) == 0 && it->nkuk < IB_MAX_KUK) {
      it->kuk[it->nkuk] = ib_dup_n(p + 4, n - 4);
      if (it->kuk[it->nkuk++] == NULL) {
        imp->oom = true;
      }
    }
    p += n;
  }
}

static void read_item(struct pkg *p, const struct pkg_item *ref, unsigned line) {
  struct imp *imp = p->imp;
  size_t len = 0;
  char *buf = read_part(p, ref->href, &len);
  if (buf == NULL) {
    return;
  }
  struct qi q = {.imp = imp,
                 .text = {.max = IMPORT_TEXT_MAX},
                 .prompt = {.max = IMPORT_TEXT_MAX},
                 .body = {.max = IMPORT_TEXT_MAX}};
  struct ib_xml x = {.ud = &q, .start = item_start, .end = item_end, .text = item_text};
  ib_set_category(imp, ref->path);
  if (ib_xml_parse(&x, buf, len) != 0) {
    char why[400];
    snprintf(why, sizeof(why), "%s line %u: %s", ref->href, x.error_line, x.error);
    ib_report_unmapped(imp, line, ref->href, why);
  } else {
    struct ib_item it = {.line = line};
    const char *note = NULL;
    const char *why = map_item(&q, &it, &note);
    if (imp->oom) {
      ib_item_clear(&it);
    } else if (why == NULL) {
      it.prompt = take(&q, q.prompt.len > 0 || q.ours ? &q.prompt : &q.body);
      if (!q.ours && q.prompt.len > 0 && q.body.len > 0) {
        /* a foreign item's body text before its interaction's prompt */
        char *head = take(&q, &q.body);
        size_t n = (head == NULL ? 0 : strlen(head)) + (it.prompt == NULL ? 0 : strlen(it.prompt));
        char *joined = malloc(n + 3);
        if (joined != NULL && head != NULL && it.prompt != NULL) {
          snprintf(joined, n + 3, "%s%s%s", head, head[0] != '\0' ? "\n\n" : "", it.prompt);
          free(it.prompt);
          it.prompt = joined;
          joined = NULL;
        }
        free(joined);
        free(head);
      }
      it.id = q.id;
      q.id = NULL;
      it.explanation = q.explanation;
      q.explanation = NULL;
      item_kuk(imp, &it, ref->kuk);
      if (q.normal_max >= 1 && q.normal_max <= 100 && q.normal_max == floor(q.normal_max)) {
        it.points = (long)q.normal_max;
      }
      if (note == NULL && q.foreign_rubric) {
        note = "rubric blocks of another tool dropped";
      }
      if (note == NULL && !q.ours) {
        note = "written by another tool: text kept without markup";
      }
      ib_emit_item(imp, &it, ref->href, note);
    } else {
      ib_report_unmapped(imp, line, ref->href, why);
      ib_item_clear(&it);
    }
  }
  qi_clear(&q);
  free(buf);
}

void qti_package_parse(struct imp *imp, const char *buf, size_t len) {
  struct pkg p = {.imp = imp};
  struct man m = {.p = &p};
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = len == 0 ? NULL : zip_source_buffer_create(buf, len, 0, &ze);
  char *xml = NULL;
  size_t xlen = 0;
  if (src == NULL) {
    IMP_ERR(imp, 1, 1, "the package is empty or cannot be read");
    goto done;
  }
  p.z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
  if (p.z == NULL) {
    zip_source_free(src);
    IMP_ERR(imp, 1, 1, "not a QTI package (the zip archive cannot be opened: %s)",
            zip_error_strerror(&ze));
    goto done;
  }
  zip_int64_t nentries = zip_get_num_entries(p.z, 0);
  if (nentries < 0 || nentries > (zip_int64_t)QTI_MAX_ENTRIES) {
    IMP_ERR(imp, 1, 1, "the package holds more than %u files", (unsigned)QTI_MAX_ENTRIES);
    goto done;
  }
  xml = read_part(&p, "imsmanifest.xml", &xlen);
  if (xml == NULL) {
    goto done;
  }
  struct ib_xml x = {.ud = &m, .start = man_start};
  if (ib_xml_parse(&x, xml, xlen) != 0) {
    xml_error(&p, "imsmanifest.xml", &x);
    goto done;
  }
  free(xml);
  xml = NULL;
  if (m.test != NULL) {
    xml = read_part(&p, m.test, &xlen);
    if (xml == NULL) {
      goto done;
    }
    struct test t = {.p = &p, .href = m.test};
    struct ib_xml tx = {.ud = &t, .start = test_start, .end = test_end};
    if (ib_xml_parse(&tx, xml, xlen) != 0) {
      xml_error(&p, m.test, &tx);
      goto done;
    }
  }
  for (size_t i = 0; i < m.nitems && !ib_failed(imp); i++) {
    add_item(&p, m.items[i], NULL, NULL);
    m.items[i] = NULL;
  }
  if (p.n == 0 && !ib_failed(imp)) {
    IMP_ERR(imp, 1, 1, "the package lists no QTI 3.0 item (resource type imsqti_item_xmlv3p0)");
  }
  for (size_t i = 0; i < p.n && !ib_failed(imp) && !imp->too_many; i++) {
    read_item(&p, &p.items[i], (unsigned)i + 1);
  }
done:
  if (p.z != NULL) {
    zip_discard(p.z);
  }
  zip_error_fini(&ze);
  free(xml);
  free(m.test);
  for (size_t i = 0; i < m.nitems; i++) {
    free(m.items[i]);
  }
  free(m.items);
  for (size_t i = 0; i < p.n; i++) {
    free(p.items[i].href);
    free(p.items[i].kuk);
    free(p.items[i].path);
  }
  free(p.items);
}
