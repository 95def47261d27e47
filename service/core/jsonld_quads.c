/*
 * JSON-LD to RDF for the documents this service writes (credentials and their proof
 * configurations): the parts of JSON-LD 1.1 Expansion and Deserialize JSON-LD to RDF that
 * those documents use, driven by the term definitions of the contexts compiled in
 * (certs/contexts/) and of inline context objects. Context processing follows the
 * specification for what it supports: protected terms (a redefinition must be identical
 * unless a property-scoped context overrides it), type-scoped contexts that do not propagate
 * into nested nodes, property-scoped contexts that do, terms whose @id names another term,
 * type coercion to @id, @vocab or a datatype. Anything outside that is refused with a reason,
 * so a document is either mapped exactly as a JSON-LD processor maps it or not at all.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonld_contexts.h"
#include "ujikom/ob3.h"
#include "ujikom/rdfc.h"

#define RDF_TYPE    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#define XSD_BOOLEAN "http://www.w3.org/2001/XMLSchema#boolean"
#define XSD_INTEGER "http://www.w3.org/2001/XMLSchema#integer"
#define XSD_DOUBLE  "http://www.w3.org/2001/XMLSchema#double"

/* Bounds on what one document may make us do (a credential needs a few dozen of each). */
#define JSONLD_MAX_DEPTH  32
#define JSONLD_MAX_NODES  4096
#define JSONLD_MAX_CHAIN  8 /* terms whose @id names a term naming a term ... */
#define JSONLD_MAX_TERMS  512
#define JSONLD_MAX_LOCALS 64 /* contexts processed for one document */

/* The remote contexts known, by URL, and the file under certs/contexts/ that holds each. */
static const struct {
  const char *url;
  const char *file;
} known_contexts[] = {
    {OB3_CONTEXT_VC, "credentials-v2.jsonld"},
    {OB3_CONTEXT_OB, "ob-v3p0-context-3.0.3.json"},
};
#define NKNOWN (sizeof known_contexts / sizeof known_contexts[0])

/* Parsed once, read-only afterwards. */
static json_t *known_docs[NKNOWN];
static pthread_once_t known_once = PTHREAD_ONCE_INIT;

static void load_known(void);

/* One term definition. Strings are borrowed from the context documents (compiled in, or
 * inline in the document being mapped), which outlive the mapping. */
struct tdef {
  const char *term;
  const char *iri;       /* an absolute IRI, or the keyword "@id" / "@type" (an alias) */
  const char *type;      /* NULL, "@id", "@vocab", "@json", or a datatype IRI */
  const char *container; /* NULL, "@set", "@list", "@graph", ... */
  const json_t *scoped;  /* the term's own @context, or NULL */
  bool prot;             /* protected */
};

struct ctx {
  struct tdef *defs;
  size_t n;
  const struct ctx *previous; /* before a type-scoped context (not propagated), or NULL */
  bool shared; /* shared by every document: never changed, kept for the process (shared_process) */
};

/* A context processed once for a document: the same local context on the same active context
 * gives the same result (a credential's alignments all apply Alignment's). */
struct memo {
  const struct ctx *from, *result;
  const json_t *local;
  bool override_protected, propagate;
};

struct mapper {
  struct rdf_dataset *ds;
  struct ctx **made; /* every context made, freed at the end */
  size_t nmade, capmade;
  struct memo memo[JSONLD_MAX_LOCALS];
  size_t nmemo;
  size_t blanks;
  size_t nodes;
  char *err;
  size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int fail(struct mapper *m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->err, m->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* jansson's iterators and the quad model take non-const pointers to what they only read. */
#define MUT_JSON(p) ((json_t *)(uintptr_t)(p))
#define MUT_TEXT(p) ((char *)(uintptr_t)(p))

/* Where term is in c's definitions (kept sorted by term), or where it would go: *found says
 * which. */
static size_t position(const struct ctx *c, const char *term, bool *found) {
  size_t lo = 0, hi = c->n;
  *found = false;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = strcmp(c->defs[mid].term, term);
    if (0 == cmp) {
      *found = true;
      return mid;
    }
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

static const struct tdef *lookup(const struct ctx *c, const char *term) {
  bool found = false;
  size_t i = position(c, term, &found);
  return found ? &c->defs[i] : NULL;
}

/* An absolute IRI as JSON-LD processors test it: a scheme, ':', and no white space. */
static bool absolute_iri(const char *s) {
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
    return false;
  }
  size_t i = 1;
  while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
         (s[i] >= '0' && s[i] <= '9') || '+' == s[i] || '-' == s[i] || '.' == s[i]) {
    i++;
  }
  if (':' != s[i]) {
    return false;
  }
  return NULL == strpbrk(s, " \t\r\n\f\v");
}

/* A term being defined by a local context (fresh, n of them) or else of c; NULL when none. */
static const struct tdef *find_term(const struct tdef *fresh, size_t n, const struct ctx *c,
                                    const char *term) {
  for (size_t i = 0; i < n; i++) {
    if (0 == strcmp(fresh[i].term, term)) {
      return &fresh[i];
    }
  }
  return lookup(c, term);
}

/* Whether s would be read as a compact IRI "prefix:suffix" with prefix a term of c or of the
 * fresh definitions (which this mapper does not expand). */
static bool compact_with_fresh(const struct tdef *fresh, size_t n, const struct ctx *c,
                               const char *s) {
  const char *colon = strchr(s, ':');
  if (NULL == colon || 0 == strncmp(colon + 1, "//", 2)) {
    return false;
  }
  char prefix[128];
  size_t len = (size_t)(colon - s);
  if (len >= sizeof prefix) {
    return false;
  }
  memcpy(prefix, s, len);
  prefix[len] = '\0';
  return NULL != find_term(fresh, n, c, prefix);
}

static bool compact_with_term(const struct ctx *c, const char *s) {
  return compact_with_fresh(NULL, 0, c, s);
}

static bool same_text(const char *a, const char *b) {
  return a == b || (NULL != a && NULL != b && 0 == strcmp(a, b));
}

static bool same_def(const struct tdef *a, const struct tdef *b) {
  return same_text(a->iri, b->iri) && same_text(a->type, b->type) &&
         same_text(a->container, b->container) &&
         (a->scoped == b->scoped ||
          (NULL != a->scoped && NULL != b->scoped && json_equal(a->scoped, b->scoped)));
}

static struct ctx *ctx_copy(struct mapper *m, const struct ctx *from, size_t extra) {
  if (m->nmade >= JSONLD_MAX_LOCALS || from->n + extra > JSONLD_MAX_TERMS) {
    fail(m, "too many contexts or terms");
    return NULL;
  }
  if (m->nmade == m->capmade) {
    size_t cap = 0 == m->capmade ? 8 : 2 * m->capmade;
    struct ctx **made = realloc(m->made, cap * sizeof *made);
    if (NULL == made) {
      fail(m, "out of memory");
      return NULL;
    }
    m->made = made;
    m->capmade = cap;
  }
  struct ctx *c = calloc(1, sizeof *c);
  if (NULL != c) {
    c->defs = calloc(from->n + extra + 1, sizeof *c->defs);
  }
  if (NULL == c || NULL == c->defs) {
    free(c);
    fail(m, "out of memory");
    return NULL;
  }
  if (from->n > 0) {
    memcpy(c->defs, from->defs, from->n * sizeof *c->defs);
  }
  c->n = from->n;
  c->previous = from->previous;
  m->made[m->nmade++] = c;
  return c;
}

/* Reads one term definition of a local context (value v) into d. 0 or -1. */
static int read_def(struct mapper *m, struct tdef *d, const char *term, const json_t *v,
                    bool prot) {
  memset(d, 0, sizeof *d);
  d->term = term;
  d->prot = prot;
  if (json_is_string(v)) {
    d->iri = json_string_value(v);
    return 0;
  }
  if (!json_is_object(v)) {
    return fail(m, "context: term \"%s\" is neither a string nor an object", term);
  }
  const char *key;
  const json_t *x;
  json_object_foreach(MUT_JSON(v), key, x) {
    if (0 == strcmp(key, "@id") && json_is_string(x)) {
      d->iri = json_string_value(x);
    } else if (0 == strcmp(key, "@type") && json_is_string(x)) {
      d->type = json_string_value(x);
    } else if (0 == strcmp(key, "@container") && json_is_string(x)) {
      d->container = json_string_value(x);
    } else if (0 == strcmp(key, "@context") && json_is_object(x)) {
      d->scoped = x;
    } else if (0 == strcmp(key, "@protected") && json_is_boolean(x)) {
      d->prot = json_is_true(x);
    } else {
      return fail(m, "context: term \"%s\" has a member this mapper does not support", term);
    }
  }
  if (NULL == d->iri) {
    return fail(m, "context: term \"%s\" has no @id (no @vocab to fall back on)", term);
  }
  if (NULL != d->type && '@' != d->type[0] && !absolute_iri(d->type)) {
    return fail(m, "context: term \"%s\" has a @type that is not an IRI", term);
  }
  return 0;
}

/* Makes the IRI of d absolute where it names another term (as "AchievementCredential"
 * names "OpenBadgeCredential"), looking it up among the terms being defined (fresh, n of
 * them), then in c. 0 or -1. */
static int resolve_def(struct mapper *m, struct tdef *d, const struct tdef *fresh, size_t n,
                       const struct ctx *c) {
  for (int hop = 0; hop < JSONLD_MAX_CHAIN; hop++) {
    if (0 == strcmp(d->iri, "@id") || 0 == strcmp(d->iri, "@type")) {
      return 0;
    }
    if ('@' == d->iri[0]) {
      return fail(m, "context: term \"%s\" is an alias of a keyword this mapper refuses", d->term);
    }
    if (absolute_iri(d->iri)) {
      return compact_with_fresh(fresh, n, c, d->iri)
                 ? fail(m, "context: term \"%s\" uses a compact IRI", d->term)
                 : 0;
    }
    const struct tdef *t = find_term(fresh, n, c, d->iri);
    if (NULL == t || t == d) {
      return fail(m, "context: term \"%s\" has a relative IRI", d->term);
    }
    d->iri = t->iri;
  }
  return fail(m, "context: term \"%s\" names terms too deeply", d->term);
}

/* Puts d into c (replacing a definition of the same term). A protected term may only be
 * redefined identically, unless override_protected (a property-scoped context). */
static int put_def(struct mapper *m, struct ctx *c, const struct tdef *d, bool override_protected) {
  bool found = false;
  size_t i = position(c, d->term, &found);
  if (found) {
    if (c->defs[i].prot && !override_protected && !same_def(&c->defs[i], d)) {
      return fail(m, "context: protected term \"%s\" redefined", d->term);
    }
    c->defs[i] = *d;
    return 0;
  }
  memmove(&c->defs[i + 1], &c->defs[i], (c->n - i) * sizeof c->defs[0]);
  c->defs[i] = *d;
  c->n++;
  return 0;
}

static const struct ctx *process(struct mapper *m, const struct ctx *active, const json_t *local,
                                 bool override_protected, bool propagate, bool known);
static const struct ctx *process_uncached(struct mapper *m, const struct ctx *active,
                                          const json_t *local, bool override_protected,
                                          bool propagate);

static const json_t *known_context(const char *url) {
  pthread_once(&known_once, load_known);
  for (size_t i = 0; i < NKNOWN; i++) {
    if (0 == strcmp(url, known_contexts[i].url) && NULL != known_docs[i]) {
      return json_object_get(known_docs[i], "@context");
    }
  }
  return NULL;
}

/* One context object (not an array, not a URL) on top of active. */
static struct ctx *process_object(struct mapper *m, const struct ctx *active, const json_t *local,
                                  bool override_protected) {
  bool prot = false;
  const char *key;
  const json_t *v;
  json_object_foreach(MUT_JSON(local), key, v) {
    if ('@' != key[0]) {
      continue;
    }
    if (0 == strcmp(key, "@protected") && json_is_boolean(v)) {
      prot = json_is_true(v);
    } else if (0 == strcmp(key, "@version") && json_is_number(v) && 1.1 == json_number_value(v)) {
      continue;
    } else {
      fail(m, "context: %s is not supported", key);
      return NULL;
    }
  }
  struct ctx *c = ctx_copy(m, active, json_object_size(local));
  if (NULL == c) {
    return NULL;
  }
  struct tdef *fresh = calloc(json_object_size(local) + 1, sizeof *fresh);
  size_t nfresh = 0;
  if (NULL == fresh) {
    fail(m, "out of memory");
    return NULL;
  }
  json_object_foreach(MUT_JSON(local), key, v) {
    if ('@' == key[0]) {
      continue;
    }
    if ('\0' == key[0] || NULL != strchr(key, ':')) {
      free(fresh);
      fail(m, "context: term \"%s\" is empty or looks like an IRI", key);
      return NULL;
    }
    if (0 != read_def(m, &fresh[nfresh], key, v, prot)) {
      free(fresh);
      return NULL;
    }
    nfresh++;
  }
  /* Terms may name terms of the same context: resolved before any is put in. */
  int rc = 0;
  for (size_t i = 0; 0 == rc && i < nfresh; i++) {
    rc = resolve_def(m, &fresh[i], fresh, nfresh, c);
  }
  for (size_t i = 0; 0 == rc && i < nfresh; i++) {
    rc = put_def(m, c, &fresh[i], override_protected);
  }
  free(fresh);
  return 0 == rc ? c : NULL;
}

/* The known contexts processed once, in their order, on an empty context: base[i] holds
 * known_contexts[0..i] (NULL from the first that failed). Read-only once made; every
 * document's @context starts with them, so their hundred-odd terms are defined once. */
static const struct ctx *base[NKNOWN];

/* The contexts that every document can share: base[], and context objects applied on a
 * shared context (shared_process). Made once, under shared_lock, read-only once made and
 * kept for the process's life; shared.made holds them all. */
static struct mapper shared;
static char shared_err[200];
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct memo shared_memo[JSONLD_MAX_LOCALS]; /* local: a document's object is a copy */
static size_t shared_nmemo;

/* A document's own context object is shared (by content) up to this many members: the one
 * this service writes has one. */
#define JSONLD_SHARED_MEMBERS 16

static void load_known(void) {
  static const struct ctx empty = {NULL, 0, NULL, true};
  struct mapper *m = &shared;
  const struct ctx *c = &empty;
  m->err = shared_err;
  m->errlen = sizeof shared_err;
  for (size_t i = 0; i < NKNOWN; i++) {
    for (const struct jsonld_context_file *f = jsonld_context_files; NULL != f->name; f++) {
      if (0 == strcmp(f->name, known_contexts[i].file)) {
        known_docs[i] = json_loadb(f->data, f->size, JSON_REJECT_DUPLICATES, NULL);
      }
    }
    const json_t *local = json_object_get(known_docs[i], "@context");
    struct ctx *made =
        (NULL == c || !json_is_object(local)) ? NULL : process_object(m, c, local, false);
    if (NULL != made) {
      made->shared = true;
    }
    base[i] = c = made;
  }
}

/* How many of the known contexts local (an array) starts with, in their order, as they are
 * processed on an empty active context. */
static size_t known_prefix(const struct ctx *active, const json_t *local) {
  size_t n = 0;
  pthread_once(&known_once, load_known);
  if (0 != active->n || NULL != active->previous) {
    return 0;
  }
  while (n < NKNOWN && n < json_array_size(local) && NULL != base[n] &&
         json_is_string(json_array_get(local, n)) &&
         0 == strcmp(json_string_value(json_array_get(local, n)), known_contexts[n].url)) {
    n++;
  }
  return n;
}

/* Whether e is a call on the same active context with the same flags as key. */
static bool same_call(const struct memo *e, const struct memo *key) {
  return e->from == key->from && e->override_protected == key->override_protected &&
         e->propagate == key->propagate;
}

/* The result of the call described by key among memo[0..n), or NULL. */
static const struct ctx *memo_find(const struct memo *memo, size_t n, const struct memo *key) {
  for (size_t i = 0; i < n; i++) {
    if (same_call(&memo[i], key) && memo[i].local == key->local) {
      return memo[i].result;
    }
  }
  return NULL;
}

/* A context object on a shared active context, processed once for every document: a
 * scoped context of the compiled-in contexts (known: a term of a shared context holds it),
 * found by its address, or a small one of a document, found by its content (any kept
 * object's: the same content on the same context makes the same definitions) and processed
 * from a copy (the definitions made borrow its strings). *done is false when it is not made
 * here (too large, or the shared contexts are full): the document's own mapper makes it. */
static const struct ctx *shared_process(struct mapper *m, const struct memo *key, bool known,
                                        bool *done) {
  *done = false;
  if (!known && json_object_size(key->local) > JSONLD_SHARED_MEMBERS) {
    return NULL;
  }
  pthread_mutex_lock(&shared_lock);
  const struct ctx *result = NULL;
  for (size_t i = 0; NULL == result && i < shared_nmemo; i++) {
    const struct memo *e = &shared_memo[i];
    if (same_call(e, key) && (e->local == key->local ||
                              (!known && json_equal(MUT_JSON(e->local), MUT_JSON(key->local))))) {
      result = e->result;
    }
  }
  *done = NULL != result;
  if (NULL == result && shared_nmemo < JSONLD_MAX_LOCALS && shared.nmade < JSONLD_MAX_LOCALS) {
    json_t *copy = known ? NULL : json_deep_copy(key->local);
    const json_t *local = known ? key->local : copy;
    if (NULL != local) {
      size_t made = shared.nmade;
      *done = true;
      result = process_uncached(&shared, key->from, local, key->override_protected, key->propagate);
      if (NULL == result) {
        fail(m, "%s", shared_err);
        while (shared.nmade > made) { /* what a refused context made is not kept */
          struct ctx *c = shared.made[--shared.nmade];
          free(c->defs);
          free(c);
        }
        json_decref(copy);
      } else {
        ((struct ctx *)(uintptr_t)result)->shared = true;
        shared_memo[shared_nmemo] = *key;
        shared_memo[shared_nmemo].local = local; /* the copy is kept with the entry */
        shared_memo[shared_nmemo++].result = result;
      }
    }
  }
  pthread_mutex_unlock(&shared_lock);
  return result;
}

/* The Context Processing algorithm for what this mapper supports (process_uncached), each
 * distinct call made once per document, and once for every document where a context object
 * applies on a shared context (shared_process; known: local is a scoped context of the
 * compiled-in contexts). */
static const struct ctx *process(struct mapper *m, const struct ctx *active, const json_t *local,
                                 bool override_protected, bool propagate, bool known) {
  const struct memo key = {active, NULL, local, override_protected, propagate};
  const struct ctx *result = memo_find(m->memo, m->nmemo, &key);
  if (NULL != result) {
    return result;
  }
  bool done = false;
  if (active->shared && json_is_object(local)) {
    result = shared_process(m, &key, known, &done);
  }
  if (!done) {
    result = process_uncached(m, active, local, override_protected, propagate);
  }
  if (NULL != result && m->nmemo < JSONLD_MAX_LOCALS) {
    m->memo[m->nmemo] = key;
    m->memo[m->nmemo++].result = result;
  }
  return result;
}

/* URLs of the known contexts, context objects, arrays of them. */
static const struct ctx *process_uncached(struct mapper *m, const struct ctx *active,
                                          const json_t *local, bool override_protected,
                                          bool propagate) {
  const struct ctx *result = active;
  if (json_is_array(local)) {
    /* (Only where the result propagates: a shared base context is never marked.) */
    size_t i, known = propagate ? known_prefix(active, local) : 0;
    const json_t *item;
    if (known > 0) {
      result = base[known - 1];
    }
    json_array_foreach(local, i, item) {
      if (i < known) {
        continue;
      }
      if (json_is_array(item)) {
        fail(m, "context: nested arrays");
        return NULL;
      }
      result = process(m, result, item, override_protected, true, false);
      if (NULL == result) {
        return NULL;
      }
    }
  } else if (json_is_string(local)) {
    const json_t *doc = known_context(json_string_value(local));
    if (NULL == doc || !json_is_object(doc)) {
      fail(m, "context: unknown context %s", json_string_value(local));
      return NULL;
    }
    result = process_object(m, active, doc, override_protected);
  } else if (json_is_object(local)) {
    result = process_object(m, active, local, override_protected);
  } else {
    fail(m, "context: not a URL, an object or an array");
    return NULL;
  }
  if (NULL != result && !propagate && NULL == result->previous && result != active) {
    /* (A shared context is never changed: the document gets its own copy.) */
    struct ctx *own = result->shared ? ctx_copy(m, result, 0) : (struct ctx *)(uintptr_t)result;
    if (NULL == own) {
      return NULL;
    }
    own->previous = active;
    result = own;
  }
  return result;
}

/* --- expansion straight to quads --- */

static void blank_term(struct mapper *m, struct rdf_term *t, char *buf, size_t size) {
  memset(t, 0, sizeof *t);
  snprintf(buf, size, "b%zu", m->blanks++);
  t->kind = RDF_TERM_BLANK;
  t->value = buf;
  t->len = strlen(buf);
}

static void iri_term(struct rdf_term *t, const char *iri) {
  memset(t, 0, sizeof *t);
  t->kind = RDF_TERM_IRI;
  t->value = MUT_TEXT(iri);
  t->len = strlen(iri);
}

static int emit(struct mapper *m, const struct rdf_term *s, const char *p,
                const struct rdf_term *o) {
  struct rdf_quad q;
  memset(&q, 0, sizeof q);
  q.subject = *s;
  iri_term(&q.predicate, p);
  q.object = *o;
  q.graph.kind = RDF_TERM_DEFAULT_GRAPH;
  q.graph.value = MUT_TEXT("");
  if (0 != rdf_dataset_add(m->ds, &q)) {
    return fail(m, "a term is not valid in RDF (IRI or text) under %s", p);
  }
  return 0;
}

/* A type or @vocab value: a term of c, or an absolute IRI. NULL (with err) otherwise. */
static const char *vocab_iri(struct mapper *m, const struct ctx *c, const char *s) {
  const struct tdef *d = lookup(c, s);
  if (NULL != d) {
    if ('@' == d->iri[0]) {
      fail(m, "\"%s\" is a keyword alias, not a vocabulary term", s);
      return NULL;
    }
    return d->iri;
  }
  if (absolute_iri(s) && !compact_with_term(c, s)) {
    return s;
  }
  fail(m, "\"%s\" is not a term of the contexts (and not an absolute IRI)", s);
  return NULL;
}

/* An @id value: an absolute IRI (relative ones and blank node identifiers are refused). */
static const char *id_iri(struct mapper *m, const struct ctx *c, const char *s) {
  if (absolute_iri(s) && 0 != strncmp(s, "_:", 2) && !compact_with_term(c, s)) {
    return s;
  }
  fail(m, "\"%s\" is not an absolute IRI", s);
  return NULL;
}

/* The key of obj that c makes an alias of keyword kw ("@id", "@type"); NULL when none, and
 * *dup set when more than one. */
static const char *alias_key(const struct ctx *c, const json_t *obj, const char *kw, bool *dup) {
  const char *found = NULL, *key;
  const json_t *v;
  json_object_foreach(MUT_JSON(obj), key, v) {
    const struct tdef *d = lookup(c, key);
    if (NULL != d && 0 == strcmp(d->iri, kw)) {
      if (NULL != found) {
        *dup = true;
      }
      found = key;
    }
  }
  return found;
}

static int strcmp_ptr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int node(struct mapper *m, const struct ctx *active, const json_t *obj, int depth,
                struct rdf_term *subject, char *label, size_t labelsize);

/* One value of property p (term definition d) of subject s. */
static int value(struct mapper *m, const struct ctx *active, const struct tdef *d,
                 const struct rdf_term *s, const json_t *v, int depth) {
  struct rdf_term o;
  char label[32], num[32];
  memset(&o, 0, sizeof o);
  if (json_is_object(v)) {
    /* A nested node: type-scoped contexts stop here; property-scoped ones apply. */
    const struct ctx *c = NULL != active->previous ? active->previous : active;
    if (NULL != d->scoped && NULL == (c = process(m, c, d->scoped, true, true, active->shared))) {
      return -1;
    }
    if (0 != node(m, c, v, depth + 1, &o, label, sizeof label)) {
      return -1;
    }
    return emit(m, s, d->iri, &o);
  }
  if (json_is_string(v)) {
    const char *text = json_string_value(v);
    if (NULL != d->type && 0 == strcmp(d->type, "@id")) {
      const char *iri = id_iri(m, active, text);
      if (NULL == iri) {
        return -1;
      }
      iri_term(&o, iri);
      return emit(m, s, d->iri, &o);
    }
    if (NULL != d->type && 0 == strcmp(d->type, "@vocab")) {
      const struct ctx *c = active;
      if (NULL != d->scoped &&
          NULL == (c = process(m, active, d->scoped, true, true, active->shared))) {
        return -1;
      }
      const char *iri = vocab_iri(m, c, text);
      if (NULL == iri) {
        return -1;
      }
      iri_term(&o, iri);
      return emit(m, s, d->iri, &o);
    }
    o.kind = RDF_TERM_LITERAL;
    o.value = MUT_TEXT(text);
    o.len = json_string_length(v);
    o.datatype =
        (NULL == d->type || 0 == strcmp(d->type, RDF_XSD_STRING)) ? NULL : MUT_TEXT(d->type);
    return emit(m, s, d->iri, &o);
  }
  if (json_is_boolean(v) || json_is_integer(v)) {
    bool typed = NULL != d->type && '@' != d->type[0];
    if (json_is_boolean(v)) {
      snprintf(num, sizeof num, "%s", json_is_true(v) ? "true" : "false");
    } else {
      if (typed && 0 == strcmp(d->type, XSD_DOUBLE)) {
        return fail(m, "a number typed xsd:double under %s", d->iri);
      }
      snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    }
    o.kind = RDF_TERM_LITERAL;
    o.value = num;
    o.len = strlen(num);
    o.datatype =
        typed ? MUT_TEXT(d->type) : MUT_TEXT(json_is_boolean(v) ? XSD_BOOLEAN : XSD_INTEGER);
    return emit(m, s, d->iri, &o);
  }
  return fail(m, "a value that is null, a real number or a nested array under %s", d->iri);
}

/* The properties of obj other than @context, id and type, under context c. */
static int properties(struct mapper *m, const struct ctx *c, const json_t *obj,
                      const struct rdf_term *s, int depth) {
  const char *key;
  const json_t *v;
  json_object_foreach(MUT_JSON(obj), key, v) {
    if (0 == strcmp(key, "@context")) {
      continue;
    }
    if ('@' == key[0]) {
      return fail(m, "keyword %s is not supported", key);
    }
    struct tdef local;
    const struct tdef *d = lookup(c, key);
    if (NULL == d) {
      if (!absolute_iri(key) || compact_with_term(c, key)) {
        return fail(m, "\"%s\" is not a term of the contexts", key);
      }
      memset(&local, 0, sizeof local);
      local.term = key;
      local.iri = key;
      d = &local;
    }
    if (0 == strcmp(d->iri, "@id") || 0 == strcmp(d->iri, "@type")) {
      continue; /* read by node() */
    }
    if (NULL != d->container && 0 != strcmp(d->container, "@set")) {
      return fail(m, "\"%s\" has a container this mapper does not support", key);
    }
    if (NULL != d->type && 0 == strcmp(d->type, "@json")) {
      return fail(m, "\"%s\" is a JSON literal, not supported", key);
    }
    if (json_is_array(v)) {
      size_t i;
      const json_t *item;
      json_array_foreach(v, i, item) {
        if (json_is_array(item) || 0 != value(m, c, d, s, item, depth)) {
          return json_is_array(item) ? fail(m, "nested arrays under \"%s\"", key) : -1;
        }
      }
    } else if (0 != value(m, c, d, s, v, depth)) {
      return -1;
    }
  }
  return 0;
}

/* Expands node object obj under active and writes its quads; its subject goes to *subject
 * (a blank node labelled in label when it has no id). */
static int node(struct mapper *m, const struct ctx *active, const json_t *obj, int depth,
                struct rdf_term *subject, char *label, size_t labelsize) {
  if (depth > JSONLD_MAX_DEPTH || ++m->nodes > JSONLD_MAX_NODES) {
    return fail(m, "the document nests too deeply or holds too many nodes");
  }
  const json_t *local = json_object_get(obj, "@context");
  if (NULL != local && NULL == (active = process(m, active, local, false, true, false))) {
    return -1;
  }
  bool dup = false;
  const char *type_key = alias_key(active, obj, "@type", &dup);
  const char *id_key = alias_key(active, obj, "@id", &dup);
  if (dup) {
    return fail(m, "two keys are aliases of the same keyword");
  }
  /* Types: expanded with the context before their own scoped contexts, which then apply in
   * lexicographic order of the type terms. */
  const json_t *types = NULL == type_key ? NULL : json_object_get(obj, type_key);
  const char *names[64];
  size_t ntypes = 0;
  if (NULL != types) {
    if (json_is_string(types)) {
      names[ntypes++] = json_string_value(types);
    } else if (json_is_array(types) && json_array_size(types) <= 64) {
      size_t i;
      const json_t *t;
      json_array_foreach(types, i, t) {
        if (!json_is_string(t)) {
          return fail(m, "a type that is not a string");
        }
        names[ntypes++] = json_string_value(t);
      }
    } else {
      return fail(m, "type is neither a string nor an array of up to 64 strings");
    }
  }
  const char *type_iris[64];
  for (size_t i = 0; i < ntypes; i++) {
    if (NULL == (type_iris[i] = vocab_iri(m, active, names[i]))) {
      return -1;
    }
  }
  const char *sorted[64];
  memcpy(sorted, names, ntypes * sizeof *sorted);
  qsort(sorted, ntypes, sizeof *sorted, strcmp_ptr);
  const struct ctx *type_scoped = active;
  for (size_t i = 0; i < ntypes; i++) {
    const struct tdef *d = lookup(active, sorted[i]);
    if (NULL != d && NULL != d->scoped &&
        NULL == (type_scoped = process(m, type_scoped, d->scoped, false, false, active->shared))) {
      return -1;
    }
  }
  if (NULL != id_key) {
    const json_t *id = json_object_get(obj, id_key);
    const char *iri = json_is_string(id) ? id_iri(m, type_scoped, json_string_value(id)) : NULL;
    if (NULL == iri) {
      return json_is_string(id) ? -1 : fail(m, "id is not a string");
    }
    iri_term(subject, iri);
  } else {
    blank_term(m, subject, label, labelsize);
  }
  struct rdf_term t;
  for (size_t i = 0; i < ntypes; i++) {
    iri_term(&t, type_iris[i]);
    if (0 != emit(m, subject, RDF_TYPE, &t)) {
      return -1;
    }
  }
  return properties(m, type_scoped, obj, subject, depth);
}

int jsonld_to_dataset(struct rdf_dataset **out, const json_t *doc, char *err, size_t errlen) {
  struct mapper m;
  struct ctx empty = {NULL, 0, NULL, false};
  struct rdf_term subject;
  char label[32];
  memset(&m, 0, sizeof m);
  m.err = err;
  m.errlen = errlen;
  *out = NULL;
  int rc = -1;
  if (!json_is_object(doc) || !json_is_array(json_object_get(doc, "@context"))) {
    fail(&m, "not a JSON object with an @context array");
    return -1;
  }
  m.ds = rdf_dataset_new();
  if (NULL == m.ds) {
    fail(&m, "out of memory");
    return -1;
  }
  rc = node(&m, &empty, doc, 0, &subject, label, sizeof label);
  for (size_t i = 0; i < m.nmade; i++) {
    free(m.made[i]->defs);
    free(m.made[i]);
  }
  free(m.made);
  if (0 != rc) {
    rdf_dataset_free(m.ds);
    return -1;
  }
  *out = m.ds;
  return 0;
}

int jsonld_canonical(char **out, size_t *outlen, const json_t *doc, char *err, size_t errlen) {
  struct rdf_dataset *ds = NULL;
  *out = NULL;
  *outlen = 0;
  if (0 != jsonld_to_dataset(&ds, doc, err, errlen)) {
    return -1;
  }
  int rc = rdfc_canonicalize(out, outlen, ds, err, errlen);
  rdf_dataset_free(ds);
  return 0 == rc ? 0 : -1;
}
