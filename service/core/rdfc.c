/*
 * RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation) with SHA-256: Hash First
 * Degree Quads, Hash Related Blank Node, Hash N-Degree Quads with its permutations and
 * recursion, the canonical issuer, and the sorted canonical N-Quads.
 *
 * Blank nodes are numbered 0..nb-1 and every non-blank term is serialized once up front, so
 * hashing a quad is a concatenation. The work is counted (calls plus permutations, over the
 * whole run) and bounded, as the specification asks of implementations facing poison
 * datasets; the recursion depth is bounded too.
 */
#include "ujikom/rdfc.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdf_buf.h"

#define HEX_LEN 64

/* A quad ready for hashing: per position either a blank node number or its N-Quads text. */
struct cquad {
  long bn[4];    /* blank node number, or -1 */
  char *txt[4];  /* serialized non-blank term; NULL for a blank node or the default graph */
  size_t len[4]; /* of txt */
};

struct issuer {
  const char *prefix; /* "c14n" or "b" */
  size_t nb;
  long *id;      /* per blank node: number issued, or -1 */
  size_t *order; /* blank nodes in the order identifiers were issued */
  size_t count;
};

struct canon {
  size_t nb, nq;
  struct cquad *q;
  size_t **bq; /* per blank node: the quads that mention it */
  size_t *nbq;
  char (*h1)[HEX_LEN + 1];
  struct issuer *canon;
  size_t work, depth;
  int status; /* 0, RDFC_ERR_INVALID or RDFC_ERR_LIMIT */
  const char *why;
};

static void set_err(char *err, size_t errlen, const char *msg) {
  if (NULL != err && errlen > 0) {
    snprintf(err, errlen, "%s", msg);
  }
}

static int sha256_hex(char out[HEX_LEN + 1], const void *data, size_t len) {
  static const char hex[] = "0123456789abcdef";
  unsigned char md[32];
  unsigned int mdlen = 0;
  if (1 != EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || 32 != mdlen) {
    return -1;
  }
  for (size_t i = 0; i < 32; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 0xF];
  }
  out[HEX_LEN] = '\0';
  return 0;
}

/* ---- identifier issuers ---- */

static struct issuer *issuer_new(const char *prefix, size_t nb) {
  struct issuer *is = calloc(1, sizeof *is);
  if (NULL == is) {
    return NULL;
  }
  is->prefix = prefix;
  is->nb = nb;
  is->id = malloc((nb ? nb : 1) * sizeof *is->id);
  is->order = malloc((nb ? nb : 1) * sizeof *is->order);
  if (NULL == is->id || NULL == is->order) {
    free(is->id);
    free(is->order);
    free(is);
    return NULL;
  }
  for (size_t i = 0; i < nb; i++) {
    is->id[i] = -1;
  }
  return is;
}

static void issuer_free(struct issuer *is) {
  if (NULL == is) {
    return;
  }
  free(is->id);
  free(is->order);
  free(is);
}

static struct issuer *issuer_copy(const struct issuer *src) {
  struct issuer *is = issuer_new(src->prefix, src->nb);
  if (NULL == is) {
    return NULL;
  }
  memcpy(is->id, src->id, src->nb * sizeof *is->id);
  memcpy(is->order, src->order, src->count * sizeof *is->order);
  is->count = src->count;
  return is;
}

static long issuer_issue(struct issuer *is, size_t bnode) {
  if (is->id[bnode] < 0) {
    is->id[bnode] = (long)is->count;
    is->order[is->count++] = bnode;
  }
  return is->id[bnode];
}

/* "_:" + prefix + number */
static int buf_issued(struct growbuf *b, const struct issuer *is, long id) {
  char tmp[40];
  int n = snprintf(tmp, sizeof tmp, "_:%s%ld", is->prefix, id);
  return n > 0 ? growbuf_add(b, tmp, (size_t)n) : -1;
}

/* ---- serialization of prepared quads ---- */

/* Label for a blank node in a quad line; writes it to b. */
typedef int (*label_fn)(struct growbuf *b, const struct canon *c, size_t bnode, const void *ctx);

static int quad_line(struct growbuf *b, const struct canon *c, const struct cquad *q,
                     label_fn label, const void *ctx) {
  for (int pos = 0; pos < 4; pos++) {
    if (3 == pos && q->bn[3] < 0 && NULL == q->txt[3]) {
      break; /* default graph */
    }
    if (pos > 0) {
      growbuf_char(b, ' ');
    }
    if (q->bn[pos] >= 0) {
      label(b, c, (size_t)q->bn[pos], ctx);
    } else {
      growbuf_add(b, q->txt[pos], q->len[pos]);
    }
  }
  return growbuf_str(b, " .\n");
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines of quads (each NUL-terminated inside one buffer) sorted and joined into out. */
static int sorted_join(struct growbuf *out, const struct canon *c, const size_t *qs, size_t n,
                       label_fn label, const void *ctx, bool dedup) {
  struct growbuf all = {.max = RDF_BUF_MAX};
  size_t *off = malloc((n ? n : 1) * sizeof *off);
  char **lines = malloc((n ? n : 1) * sizeof *lines);
  int rc = -1;
  if (NULL == off || NULL == lines) {
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    off[i] = all.len;
    quad_line(&all, c, &c->q[NULL == qs ? i : qs[i]], label, ctx);
    growbuf_add(&all, "", 1); /* keep the NUL between lines */
  }
  if (all.failed) {
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    lines[i] = all.p + off[i];
  }
  qsort(lines, n, sizeof *lines, cmp_str);
  for (size_t i = 0; i < n; i++) {
    if (!dedup || 0 == i || 0 != strcmp(lines[i], lines[i - 1])) {
      growbuf_str(out, lines[i]);
    }
  }
  rc = out->failed ? -1 : 0;
cleanup:
  free(all.p);
  free(off);
  free(lines);
  return rc;
}

/* ---- Hash First Degree Quads ---- */

static int label_first_degree(struct growbuf *b, const struct canon *c, size_t bnode,
                              const void *ctx) {
  (void)c;
  return growbuf_str(b, bnode == *(const size_t *)ctx ? "_:a" : "_:z");
}

static int hash_first_degree(struct canon *c, size_t bnode) {
  struct growbuf b = {.max = RDF_BUF_MAX};
  int rc = sorted_join(&b, c, c->bq[bnode], c->nbq[bnode], label_first_degree, &bnode, false);
  if (0 == rc) {
    rc = sha256_hex(c->h1[bnode], NULL == b.p ? "" : b.p, b.len);
  }
  free(b.p);
  return rc;
}

/* ---- Hash Related Blank Node ---- */

static int hash_related(char out[HEX_LEN + 1], const struct canon *c, size_t related,
                        const struct cquad *q, const struct issuer *issuer, int pos) {
  static const char position[4] = {'s', 'p', 'o', 'g'};
  struct growbuf b = {.max = RDF_BUF_MAX};
  growbuf_char(&b, position[pos]);
  if (3 != pos) {
    growbuf_add(&b, q->txt[1], q->len[1]); /* the predicate, "<iri>" */
  }
  if (c->canon->id[related] >= 0) {
    buf_issued(&b, c->canon, c->canon->id[related]);
  } else if (issuer->id[related] >= 0) {
    buf_issued(&b, issuer, issuer->id[related]);
  } else {
    growbuf_str(&b, c->h1[related]);
  }
  int rc = b.failed ? -1 : sha256_hex(out, b.p, b.len);
  free(b.p);
  return rc;
}

/* ---- Hash N-Degree Quads ---- */

struct related {
  char hash[HEX_LEN + 1];
  size_t bnode;
};

/* The order of blank nodes by hash, then (for equal hashes) by number. */
static int cmp_hash_then_bnode(const char *ha, size_t ba, const char *hb, size_t bb) {
  int r = strcmp(ha, hb);
  if (0 != r) {
    return r;
  }
  return ba < bb ? -1 : ba > bb;
}

static int cmp_related(const void *a, const void *b) {
  const struct related *x = a, *y = b;
  return cmp_hash_then_bnode(x->hash, x->bnode, y->hash, y->bnode);
}

/* The next permutation in lexicographic order; false after the last. */
static bool next_permutation(size_t *a, size_t n) {
  if (n < 2) {
    return false;
  }
  size_t i = n - 1;
  while (i > 0 && a[i - 1] >= a[i]) {
    i--;
  }
  if (0 == i) {
    return false;
  }
  size_t j = n - 1;
  while (a[j] <= a[i - 1]) {
    j--;
  }
  size_t t = a[i - 1];
  a[i - 1] = a[j];
  a[j] = t;
  for (size_t l = i, r = n - 1; l < r; l++, r--) {
    t = a[l];
    a[l] = a[r];
    a[r] = t;
  }
  return true;
}

/* One unit of work, weighted by what it costs here: every permutation copies an issuer
 * (two words per blank node) and every call walks the quads of its node. */
static int charge(struct canon *c, size_t quads) {
  c->work += 1 + c->nb / 256 + quads / 16;
  if (c->work > RDFC_MAX_WORK) {
    c->status = RDFC_ERR_LIMIT;
    c->why = "dataset refused: canonicalization needs more work than allowed (poison dataset?)";
    return -1;
  }
  return 0;
}

static int oom(struct canon *c) {
  if (0 == c->status) {
    c->status = RDFC_ERR_INVALID;
    c->why = "out of memory";
  }
  return -1;
}

static bool path_worse(const struct growbuf *path, const struct growbuf *chosen) {
  return chosen->len > 0 && path->len >= chosen->len && strcmp(path->p, chosen->p) > 0;
}

/* After a step of a permutation's path: true when the permutation ends there, out of memory
 * (reported; *rc is left as it is) or because the path can no longer beat chosen (*skipped,
 * *rc 0). */
static bool path_ends(struct canon *c, const struct growbuf *path, const struct growbuf *chosen,
                      bool *skipped, int *rc) {
  if (path->failed) {
    oom(c);
    return true;
  }
  if (path_worse(path, chosen)) {
    *skipped = true;
    *rc = 0;
    return true;
  }
  return false;
}

static int hash_n_degree(struct canon *c, size_t bnode, const struct issuer *issuer_in,
                         char hash_out[HEX_LEN + 1], struct issuer **issuer_out);

/* One permutation: its path and issuer, or *skipped when it cannot beat chosen. */
static int try_permutation(struct canon *c, const size_t *perm, size_t n,
                           const struct issuer *issuer, const struct growbuf *chosen,
                           struct growbuf *path, struct issuer **copy_out, bool *skipped) {
  struct issuer *copy = issuer_copy(issuer);
  size_t *recursion = malloc(n * sizeof *recursion);
  size_t nrec = 0;
  int rc = -1;
  *skipped = false;
  if (NULL == copy || NULL == recursion) {
    oom(c);
    goto cleanup;
  }
  for (size_t k = 0; k < n; k++) {
    size_t related = perm[k];
    if (c->canon->id[related] >= 0) {
      buf_issued(path, c->canon, c->canon->id[related]);
    } else {
      if (copy->id[related] < 0) {
        recursion[nrec++] = related;
      }
      buf_issued(path, copy, issuer_issue(copy, related));
    }
    if (path_ends(c, path, chosen, skipped, &rc)) {
      goto cleanup;
    }
  }
  for (size_t k = 0; k < nrec; k++) {
    char h[HEX_LEN + 1];
    struct issuer *result = NULL;
    if (0 != hash_n_degree(c, recursion[k], copy, h, &result)) {
      goto cleanup;
    }
    buf_issued(path, copy, issuer_issue(copy, recursion[k]));
    growbuf_char(path, '<');
    growbuf_str(path, h);
    growbuf_char(path, '>');
    issuer_free(copy);
    copy = result;
    if (path_ends(c, path, chosen, skipped, &rc)) {
      goto cleanup;
    }
  }
  *copy_out = copy;
  copy = NULL;
  rc = 0;
cleanup:
  issuer_free(copy);
  free(recursion);
  return rc;
}

static int hash_n_degree(struct canon *c, size_t bnode, const struct issuer *issuer_in,
                         char hash_out[HEX_LEN + 1], struct issuer **issuer_out) {
  struct related *rel = NULL;
  size_t nrel = 0, cap = 0;
  struct issuer *owned = NULL; /* the current issuer once a chosen issuer replaced issuer_in */
  struct growbuf data = {.max = RDF_BUF_MAX}, chosen = {.max = RDF_BUF_MAX},
                 path = {.max = RDF_BUF_MAX};
  size_t *perm = NULL;
  int rc = -1;
  *issuer_out = NULL;
  if (0 != charge(c, c->nbq[bnode])) {
    return -1;
  }
  /* Each level of recursion holds a few issuers of two words per blank node. */
  if (++c->depth > RDFC_MAX_DEPTH || c->depth * c->nb > RDFC_MAX_DEPTH_NODES) {
    c->status = RDFC_ERR_LIMIT;
    c->why = "dataset refused: blank nodes nest deeper than allowed";
    goto cleanup;
  }
  /* Steps 1-3: the related blank nodes, keyed by their related hash. */
  for (size_t k = 0; k < c->nbq[bnode]; k++) {
    const struct cquad *q = &c->q[c->bq[bnode][k]];
    for (int pos = 0; pos < 4; pos++) {
      if (1 == pos || q->bn[pos] < 0 || (size_t)q->bn[pos] == bnode) {
        continue;
      }
      if (nrel == cap) {
        size_t ncap = cap ? cap * 2 : 8;
        struct related *p = realloc(rel, ncap * sizeof *p);
        if (NULL == p) {
          oom(c);
          goto cleanup;
        }
        rel = p;
        cap = ncap;
      }
      rel[nrel].bnode = (size_t)q->bn[pos];
      if (0 != hash_related(rel[nrel].hash, c, (size_t)q->bn[pos], q, issuer_in, pos)) {
        oom(c);
        goto cleanup;
      }
      nrel++;
    }
  }
  if (nrel > 1) {
    qsort(rel, nrel, sizeof *rel, cmp_related);
  }
  perm = malloc((nrel ? nrel : 1) * sizeof *perm);
  if (NULL == perm) {
    oom(c);
    goto cleanup;
  }
  const struct issuer *issuer = issuer_in;
  /* Step 5: each related hash in code point order (rel is sorted by hash, then bnode, so the
   * first permutation of each group is the lexicographically smallest). */
  for (size_t g = 0; g < nrel;) {
    size_t end = g;
    while (end < nrel && 0 == strcmp(rel[end].hash, rel[g].hash)) {
      end++;
    }
    size_t n = end - g;
    for (size_t k = 0; k < n; k++) {
      perm[k] = rel[g + k].bnode;
    }
    growbuf_str(&data, rel[g].hash);
    chosen.len = 0;
    struct issuer *chosen_issuer = NULL;
    do {
      if (0 != charge(c, 0)) {
        issuer_free(chosen_issuer);
        goto cleanup;
      }
      struct issuer *copy = NULL;
      bool skipped = false;
      path.len = 0;
      if (0 != growbuf_reserve(&path, 0) ||
          0 != try_permutation(c, perm, n, issuer, &chosen, &path, &copy, &skipped)) {
        issuer_free(chosen_issuer);
        oom(c);
        goto cleanup;
      }
      if (skipped) {
        continue;
      }
      if (0 == chosen.len || strcmp(path.p, chosen.p) < 0) {
        chosen.len = 0;
        growbuf_add(&chosen, path.p, path.len);
        issuer_free(chosen_issuer);
        chosen_issuer = copy;
      } else {
        issuer_free(copy);
      }
    } while (next_permutation(perm, n));
    growbuf_add(&data, chosen.p, chosen.len);
    if (data.failed || chosen.failed || NULL == chosen_issuer) {
      issuer_free(chosen_issuer);
      oom(c);
      goto cleanup;
    }
    issuer_free(owned);
    owned = chosen_issuer;
    issuer = owned;
    g = end;
  }
  if (NULL == owned && NULL == (owned = issuer_copy(issuer_in))) {
    oom(c);
    goto cleanup;
  }
  if (0 != sha256_hex(hash_out, NULL == data.p ? "" : data.p, data.len)) {
    oom(c);
    goto cleanup;
  }
  *issuer_out = owned;
  owned = NULL;
  rc = 0;
cleanup:
  c->depth--;
  issuer_free(owned);
  free(rel);
  free(perm);
  free(data.p);
  free(chosen.p);
  free(path.p);
  return rc;
}

/* ---- preparation: unique quads, blank node numbers ---- */

struct label_ref {
  const char *s;
  size_t len;
};

static int cmp_label(const void *a, const void *b) {
  const struct label_ref *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int r = memcmp(x->s, y->s, n);
  if (0 != r) {
    return r;
  }
  return x->len < y->len ? -1 : x->len > y->len;
}

static const struct rdf_term *quad_term(const struct rdf_quad *q, int pos) {
  switch (pos) {
  case 0:
    return &q->subject;
  case 1:
    return &q->predicate;
  case 2:
    return &q->object;
  default:
    return &q->graph;
  }
}

static void canon_clear(struct canon *c) {
  for (size_t i = 0; i < c->nq; i++) {
    for (int pos = 0; pos < 4; pos++) {
      free(c->q[i].txt[pos]);
    }
  }
  free(c->q);
  if (NULL != c->bq) {
    for (size_t i = 0; i < c->nb; i++) {
      free(c->bq[i]);
    }
  }
  free(c->bq);
  free(c->nbq);
  free(c->h1);
  issuer_free(c->canon);
}

/* Input quads with their own labels, unique (a dataset is a set). */
static int label_original(struct growbuf *b, const struct canon *c, size_t bnode, const void *ctx) {
  (void)c;
  const struct label_ref *labels = ctx;
  growbuf_str(b, "_:");
  return growbuf_add(b, labels[bnode].s, labels[bnode].len);
}

static int prepare(struct canon *c, const struct rdf_dataset *d) {
  struct label_ref *labels = NULL;
  size_t nlabels = 0;
  int rc = -1;
  for (size_t i = 0; i < d->nquads; i++) {
    for (int pos = 0; pos < 4; pos++) {
      if (RDF_TERM_BLANK == quad_term(&d->quads[i], pos)->kind) {
        nlabels++;
      }
    }
  }
  labels = malloc((nlabels ? nlabels : 1) * sizeof *labels);
  c->q = calloc(d->nquads ? d->nquads : 1, sizeof *c->q);
  if (NULL == labels || NULL == c->q) {
    goto cleanup;
  }
  nlabels = 0;
  for (size_t i = 0; i < d->nquads; i++) {
    for (int pos = 0; pos < 4; pos++) {
      const struct rdf_term *t = quad_term(&d->quads[i], pos);
      if (RDF_TERM_BLANK == t->kind) {
        labels[nlabels++] = (struct label_ref){t->value, t->len};
      }
    }
  }
  qsort(labels, nlabels, sizeof *labels, cmp_label);
  size_t nb = 0;
  for (size_t i = 0; i < nlabels; i++) {
    if (0 == i || 0 != cmp_label(&labels[i], &labels[nb - 1])) {
      labels[nb++] = labels[i];
    }
  }
  c->nb = nb;
  /* Every quad prepared, then duplicates dropped by their serialization. */
  c->nq = d->nquads;
  for (size_t i = 0; i < d->nquads; i++) {
    for (int pos = 0; pos < 4; pos++) {
      const struct rdf_term *t = quad_term(&d->quads[i], pos);
      c->q[i].bn[pos] = -1;
      if (RDF_TERM_BLANK == t->kind) {
        struct label_ref key = {t->value, t->len};
        struct label_ref *hit = bsearch(&key, labels, nb, sizeof *labels, cmp_label);
        c->q[i].bn[pos] = hit - labels;
      } else if (RDF_TERM_DEFAULT_GRAPH != t->kind) {
        if (NULL == (c->q[i].txt[pos] = rdf_term_to_nquads(t))) {
          goto cleanup;
        }
        c->q[i].len[pos] = strlen(c->q[i].txt[pos]);
      }
    }
  }
  {
    /* Sort quad indexes by their line; keep the first of equal lines. */
    struct growbuf all = {.max = RDF_BUF_MAX};
    size_t *off = malloc((c->nq ? c->nq : 1) * sizeof *off);
    size_t *keep = malloc((c->nq ? c->nq : 1) * sizeof *keep);
    bool ok = NULL != off && NULL != keep;
    for (size_t i = 0; ok && i < c->nq; i++) {
      off[i] = all.len;
      quad_line(&all, c, &c->q[i], label_original, labels);
      growbuf_add(&all, "", 1);
    }
    ok = ok && !all.failed;
    size_t nkeep = 0;
    if (ok) {
      /* Pair each line pointer with its quad: sort pointers, recover index by offset. */
      char **lines = malloc((c->nq ? c->nq : 1) * sizeof *lines);
      ok = NULL != lines;
      for (size_t i = 0; ok && i < c->nq; i++) {
        lines[i] = all.p + off[i];
      }
      if (ok) {
        qsort(lines, c->nq, sizeof *lines, cmp_str);
        for (size_t i = 0; i < c->nq; i++) {
          if (i > 0 && 0 == strcmp(lines[i], lines[i - 1])) {
            continue;
          }
          /* offsets are increasing: binary search the quad index */
          size_t at = (size_t)(lines[i] - all.p), lo = 0, hi = c->nq;
          while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (off[mid] <= at) {
              lo = mid;
            } else {
              hi = mid;
            }
          }
          keep[nkeep++] = lo;
        }
      }
      free(lines);
    }
    if (ok) {
      /* Compact c->q to the kept quads (in input order), freeing the dropped ones. */
      bool *kept = calloc(c->nq ? c->nq : 1, sizeof *kept);
      ok = NULL != kept;
      for (size_t i = 0; ok && i < nkeep; i++) {
        kept[keep[i]] = true;
      }
      size_t w = 0;
      for (size_t i = 0; ok && i < c->nq; i++) {
        if (kept[i]) {
          c->q[w++] = c->q[i];
        } else {
          for (int pos = 0; pos < 4; pos++) {
            free(c->q[i].txt[pos]);
          }
        }
      }
      if (ok) {
        c->nq = w;
      }
      free(kept);
    }
    free(all.p);
    free(off);
    free(keep);
    if (!ok) {
      goto cleanup;
    }
  }
  /* Quads per blank node (a quad once per node, even if the node appears twice in it). */
  c->bq = calloc(nb ? nb : 1, sizeof *c->bq);
  c->nbq = calloc(nb ? nb : 1, sizeof *c->nbq);
  c->h1 = calloc(nb ? nb : 1, sizeof *c->h1);
  c->canon = issuer_new("c14n", nb);
  if (NULL == c->bq || NULL == c->nbq || NULL == c->h1 || NULL == c->canon) {
    goto cleanup;
  }
  for (size_t i = 0; i < c->nq; i++) {
    for (int pos = 0; pos < 4; pos++) {
      long b = c->q[i].bn[pos];
      if (b < 0) {
        continue;
      }
      size_t n = c->nbq[b];
      if (n > 0 && c->bq[b][n - 1] == i) {
        continue;
      }
      if (0 == (n & (n - 1)) || 0 == n) { /* grow at powers of two */
        size_t *p = realloc(c->bq[b], (n ? 2 * n : 1) * sizeof *p);
        if (NULL == p) {
          goto cleanup;
        }
        c->bq[b] = p;
      }
      c->bq[b][c->nbq[b]++] = i;
    }
  }
  rc = 0;
cleanup:
  free(labels);
  return rc;
}

/* ---- the algorithm ---- */

struct hashed {
  char hash[HEX_LEN + 1];
  size_t bnode; /* first-degree: the node; n-degree: the order of computation */
  struct issuer *issuer;
};

static int cmp_hashed(const void *a, const void *b) {
  const struct hashed *x = a, *y = b;
  return cmp_hash_then_bnode(x->hash, x->bnode, y->hash, y->bnode);
}

static int label_canonical(struct growbuf *b, const struct canon *c, size_t bnode,
                           const void *ctx) {
  (void)ctx;
  return buf_issued(b, c->canon, c->canon->id[bnode]);
}

int rdfc_canonicalize(char **out, size_t *outlen, const struct rdf_dataset *d, char *err,
                      size_t errlen) {
  struct canon c;
  struct hashed *first = NULL, *paths = NULL;
  struct growbuf result = {.max = RDF_BUF_MAX};
  memset(&c, 0, sizeof c);
  *out = NULL;
  *outlen = 0;
  if (0 != prepare(&c, d)) {
    oom(&c);
    goto cleanup;
  }
  /* Steps 2-4: first-degree hashes; unique ones get canonical identifiers at once. */
  first = calloc(c.nb ? c.nb : 1, sizeof *first);
  paths = calloc(c.nb ? c.nb : 1, sizeof *paths);
  if (NULL == first || NULL == paths) {
    oom(&c);
    goto cleanup;
  }
  for (size_t i = 0; i < c.nb; i++) {
    if (0 != hash_first_degree(&c, i)) {
      oom(&c);
      goto cleanup;
    }
    memcpy(first[i].hash, c.h1[i], sizeof first[i].hash);
    first[i].bnode = i;
  }
  qsort(first, c.nb, sizeof *first, cmp_hashed);
  for (size_t g = 0; g < c.nb;) {
    size_t end = g + 1;
    while (end < c.nb && 0 == strcmp(first[end].hash, first[g].hash)) {
      end++;
    }
    if (1 == end - g) {
      issuer_issue(c.canon, first[g].bnode);
    }
    g = end;
  }
  /* Step 5: shared first-degree hashes, resolved by N-degree hashing. */
  for (size_t g = 0; g < c.nb;) {
    size_t end = g + 1;
    while (end < c.nb && 0 == strcmp(first[end].hash, first[g].hash)) {
      end++;
    }
    if (1 == end - g) {
      g = end;
      continue;
    }
    size_t np = 0;
    for (size_t k = g; k < end; k++) {
      size_t n = first[k].bnode;
      if (c.canon->id[n] >= 0) {
        continue;
      }
      struct issuer *temp = issuer_new("b", c.nb);
      if (NULL == temp) {
        oom(&c);
        goto cleanup;
      }
      issuer_issue(temp, n);
      paths[np].bnode = np;
      int rc = hash_n_degree(&c, n, temp, paths[np].hash, &paths[np].issuer);
      issuer_free(temp);
      if (0 != rc) {
        oom(&c);
        for (size_t i = 0; i < np; i++) {
          issuer_free(paths[i].issuer);
        }
        goto cleanup;
      }
      np++;
    }
    qsort(paths, np, sizeof *paths, cmp_hashed);
    for (size_t i = 0; i < np; i++) {
      for (size_t k = 0; k < paths[i].issuer->count; k++) {
        issuer_issue(c.canon, paths[i].issuer->order[k]);
      }
      issuer_free(paths[i].issuer);
      paths[i].issuer = NULL;
    }
    g = end;
  }
  /* Step 6-7: relabelled quads, sorted. */
  if (0 != growbuf_reserve(&result, 0) ||
      0 != sorted_join(&result, &c, NULL, c.nq, label_canonical, NULL, true)) {
    oom(&c);
    goto cleanup;
  }
  *out = result.p;
  *outlen = result.len;
  result.p = NULL;
cleanup:
  if (0 != c.status) {
    set_err(err, errlen, c.why);
  }
  int status = c.status;
  canon_clear(&c);
  free(first);
  free(paths);
  free(result.p);
  return status;
}
