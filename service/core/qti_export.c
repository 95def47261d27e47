/*
 * QTI 3.0 export (ujikom/qti.h): every item of an exam as a qti-assessment-item, the units
 * and pools as sections of one qti-assessment-test, all in an IMS content package written
 * with libzip in memory. What QTI has no place for is carried in the places QTI leaves to
 * tools (data-* attributes and classes in scorer rubric blocks, categories of item
 * references) so that the package reads back into the same items; the report says what a
 * QTI player will not see.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itembank_internal.h"

#include "ujikom/qti.h"
#include "ujikom/utf8.h"
#include "ujikom/zip_write.h"

#define QTI_XML_MAX ((size_t)64 * 1024 * 1024)

static const char *const RP_MATCH =
    "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml";
static const char *const RP_MAP =
    "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml";

/* Whether the code point may appear in an XML 1.0 document. */
static bool xml_char_ok(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
}

/* Writes s escaped for XML: in text, a line break becomes <br/> (attr false), in an attribute
 * every break and tab is a character reference. Sets *lossy when a character XML cannot hold
 * was replaced by U+FFFD. */
static void xml_escape(struct growbuf *b, const char *s, bool attr, bool *lossy) {
  size_t n = strlen(s);
  size_t i = 0;
  while (i < n) {
    uint32_t cp = 0;
    size_t k = utf8_decode(s + i, n - i, &cp);
    if (k == 0 || !xml_char_ok(cp)) {
      growbuf_str(b, "\xEF\xBF\xBD");
      *lossy = true;
      i += k == 0 ? 1 : k;
      continue;
    }
    switch (cp) {
    case '&':
      growbuf_str(b, "&amp;");
      break;
    case '<':
      growbuf_str(b, "&lt;");
      break;
    case '>':
      growbuf_str(b, "&gt;");
      break;
    case '"':
      growbuf_str(b, "&quot;");
      break;
    case '\r':
      growbuf_str(b, "&#13;");
      break;
    case '\n':
      growbuf_str(b, attr ? "&#10;" : "<br/>");
      break;
    case '\t':
      growbuf_str(b, attr ? "&#9;" : "\t");
      break;
    default:
      growbuf_add(b, s + i, k);
    }
    i += k;
  }
}

struct qx {
  struct growbuf b;
  bool lossy;
};

static void text(struct qx *q, const char *s) {
  xml_escape(&q->b, s == NULL ? "" : s, false, &q->lossy);
}

static void attr(struct qx *q, const char *name, const char *value) {
  growbuf_fmt(&q->b, " %s=\"", name);
  xml_escape(&q->b, value, true, &q->lossy);
  growbuf_str(&q->b, "\"");
}

static void raw(struct qx *q, const char *s) {
  growbuf_str(&q->b, s);
}

static void value_el(struct qx *q, const char *v) {
  raw(q, "<qti-value>");
  text(q, v);
  raw(q, "</qti-value>");
}

static void response_decl(struct qx *q, const struct exam_item *it) {
  const char *card = "single", *base = "identifier";
  switch (it->type) {
  case EXAM_ITEM_MULTIPLE:
    card = "multiple";
    break;
  case EXAM_ITEM_ORDERING:
    card = "ordered";
    break;
  case EXAM_ITEM_NUMERIC:
    base = "float";
    break;
  case EXAM_ITEM_SHORT:
  case EXAM_ITEM_OPEN:
  case EXAM_ITEM_EVIDENCE:
    base = "string";
    break;
  case EXAM_ITEM_SINGLE:
  case EXAM_ITEM_TRUEFALSE:
    break;
  }
  raw(q, "\n  <qti-response-declaration identifier=\"RESPONSE\"");
  attr(q, "cardinality", card);
  attr(q, "base-type", base);
  raw(q, ">");
  char num[40];
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    raw(q, "<qti-correct-response>");
    for (size_t k = 0; k < it->nkey_ids; k++) {
      value_el(q, it->key_ids[k]);
    }
    raw(q, "</qti-correct-response>");
    break;
  case EXAM_ITEM_TRUEFALSE:
    raw(q, "<qti-correct-response>");
    value_el(q, it->key_bool ? "TRUE" : "FALSE");
    raw(q, "</qti-correct-response>");
    break;
  case EXAM_ITEM_NUMERIC:
    snprintf(num, sizeof(num), "%.17g", it->key_value);
    raw(q, "<qti-correct-response>");
    value_el(q, num);
    raw(q, "</qti-correct-response>");
    break;
  case EXAM_ITEM_SHORT:
    raw(q, "<qti-correct-response>");
    value_el(q, it->naccepted > 0 ? it->accepted[0] : "");
    raw(q, "</qti-correct-response><qti-mapping default-value=\"0\">");
    for (size_t k = 0; k < it->naccepted; k++) {
      raw(q, "<qti-map-entry");
      attr(q, "map-key", it->accepted[k]);
      raw(q, " mapped-value=\"1\" case-sensitive=\"false\"/>");
    }
    raw(q, "</qti-mapping>");
    break;
  case EXAM_ITEM_OPEN:
  case EXAM_ITEM_EVIDENCE:
    break;
  }
  raw(q, "</qti-response-declaration>");
}

/* The scorer's rubric: one block per criterion, its levels as paragraphs. */
static void rubric_blocks(struct qx *q, const struct exam_item *it) {
  char num[32];
  for (size_t c = 0; c < it->nrubric; c++) {
    const struct exam_criterion *cr = &it->rubric[c];
    raw(q, "\n    <qti-rubric-block view=\"scorer\" use=\"scoring\" class=\"ujikom-criterion\"");
    attr(q, "data-criterion", cr->id);
    snprintf(num, sizeof(num), "%ld", cr->max_points);
    attr(q, "data-max-points", num);
    raw(q, "><qti-content-body><p class=\"ujikom-criterion-text\">");
    text(q, cr->text);
    raw(q, "</p>");
    for (size_t l = 0; l < cr->nlevels; l++) {
      raw(q, "<p class=\"ujikom-level\"");
      snprintf(num, sizeof(num), "%ld", cr->levels[l].points);
      attr(q, "data-points", num);
      raw(q, ">");
      text(q, cr->levels[l].text);
      raw(q, "</p>");
    }
    raw(q, "</qti-content-body></qti-rubric-block>");
  }
  if (it->explanation != NULL) {
    raw(q, "\n    <qti-rubric-block view=\"scorer\" use=\"instructions\" "
           "class=\"ujikom-explanation\"><qti-content-body><p>");
    text(q, it->explanation);
    raw(q, "</p></qti-content-body></qti-rubric-block>");
  }
}

static void choices(struct qx *q, const struct exam_item *it) {
  for (size_t k = 0; k < it->noptions; k++) {
    raw(q, "\n      <qti-simple-choice");
    attr(q, "identifier", it->options[k].id);
    raw(q, ">");
    text(q, it->options[k].text);
    raw(q, "</qti-simple-choice>");
  }
}

static void prompt(struct qx *q, const struct exam_item *it) {
  raw(q, "\n      <qti-prompt>");
  text(q, it->prompt);
  raw(q, "</qti-prompt>");
}

static void body(struct qx *q, const struct exam_item *it) {
  char num[32];
  raw(q, "\n  <qti-item-body>");
  rubric_blocks(q, it);
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_TRUEFALSE:
    snprintf(num, sizeof(num), "%d", it->type == EXAM_ITEM_MULTIPLE ? 0 : 1);
    raw(q, "\n    <qti-choice-interaction response-identifier=\"RESPONSE\" shuffle=\"false\"");
    attr(q, "max-choices", num);
    raw(q, ">");
    prompt(q, it);
    if (it->type == EXAM_ITEM_TRUEFALSE) { /* capitals: ujikom option ids never are */
      raw(q, "\n      <qti-simple-choice identifier=\"TRUE\">Benar</qti-simple-choice>"
             "\n      <qti-simple-choice identifier=\"FALSE\">Salah</qti-simple-choice>");
    } else {
      choices(q, it);
    }
    raw(q, "\n    </qti-choice-interaction>");
    break;
  case EXAM_ITEM_ORDERING:
    raw(q, "\n    <qti-order-interaction response-identifier=\"RESPONSE\" shuffle=\"false\">");
    prompt(q, it);
    choices(q, it);
    raw(q, "\n    </qti-order-interaction>");
    break;
  case EXAM_ITEM_NUMERIC:
  case EXAM_ITEM_SHORT:
    raw(q, "\n    <div class=\"ujikom-prompt\">");
    text(q, it->prompt);
    raw(q, "</div>\n    <p><qti-text-entry-interaction response-identifier=\"RESPONSE\"/>");
    if (it->type == EXAM_ITEM_NUMERIC && it->key_unit != NULL) {
      raw(q, " <span class=\"ujikom-unit\">");
      text(q, it->key_unit);
      raw(q, "</span>");
    }
    raw(q, "</p>");
    break;
  case EXAM_ITEM_OPEN:
  case EXAM_ITEM_EVIDENCE:
    raw(q, "\n    <qti-extended-text-interaction response-identifier=\"RESPONSE\">");
    prompt(q, it);
    raw(q, "\n    </qti-extended-text-interaction>");
    break;
  }
  raw(q, "\n  </qti-item-body>");
}

static void set_score(struct qx *q, const char *points) {
  raw(q, "<qti-set-outcome-value identifier=\"SCORE\"><qti-base-value base-type=\"float\">");
  raw(q, points);
  raw(q, "</qti-base-value></qti-set-outcome-value>");
}

static void processing(struct qx *q, const struct exam_item *it) {
  char num[64];
  switch (it->type) {
  case EXAM_ITEM_NUMERIC:
    raw(q, "\n  <qti-response-processing><qti-response-condition><qti-response-if>"
           "<qti-equal tolerance-mode=\"absolute\"");
    snprintf(num, sizeof(num), "%.17g %.17g", it->key_tolerance, it->key_tolerance);
    attr(q, "tolerance", num);
    raw(q, "><qti-variable identifier=\"RESPONSE\"/><qti-correct identifier=\"RESPONSE\"/>"
           "</qti-equal>");
    snprintf(num, sizeof(num), "%ld", it->points);
    set_score(q, num);
    raw(q, "</qti-response-if><qti-response-else>");
    set_score(q, "0");
    raw(q, "</qti-response-else></qti-response-condition></qti-response-processing>");
    break;
  case EXAM_ITEM_SHORT:
    raw(q, "\n  <qti-response-processing");
    attr(q, "template", RP_MAP);
    raw(q, "/>");
    break;
  case EXAM_ITEM_OPEN:
  case EXAM_ITEM_EVIDENCE:
    break; /* scored by an assessor with the rubric */
  case EXAM_ITEM_SINGLE:
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_TRUEFALSE:
  case EXAM_ITEM_ORDERING:
    raw(q, "\n  <qti-response-processing");
    attr(q, "template", RP_MATCH);
    raw(q, "/>");
    break;
  }
}

static void item_document(struct qx *q, const struct exam_item *it) {
  char num[32];
  raw(q,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<qti-assessment-item xmlns=\"" QTI_NS_ITEM "\"");
  attr(q, "identifier", it->id);
  attr(q, "title", it->id);
  raw(q, " adaptive=\"false\" time-dependent=\"false\" tool-name=\"ujikom\" tool-version=\"1\">");
  response_decl(q, it);
  snprintf(num, sizeof(num), "%ld", it->points);
  raw(q, "\n  <qti-outcome-declaration identifier=\"SCORE\" cardinality=\"single\" "
         "base-type=\"float\"");
  attr(q, "normal-maximum", num);
  raw(q, "/>");
  body(q, it);
  processing(q, it);
  raw(q, "\n</qti-assessment-item>\n");
}

/* ------------------------------------------------------------------ the package */

struct part {
  char name[64];
  struct growbuf doc;
};

struct pkg {
  struct part *parts;
  size_t n;
};

static struct growbuf *part_add(struct pkg *p, const char *name) {
  struct part *np = realloc(p->parts, (p->n + 1) * sizeof(*np));
  if (np == NULL) {
    return NULL;
  }
  p->parts = np;
  struct part *pt = &p->parts[p->n++];
  memset(pt, 0, sizeof(*pt));
  snprintf(pt->name, sizeof(pt->name), "%s", name);
  pt->doc.max = QTI_XML_MAX;
  return &pt->doc;
}

static int zip_package(unsigned char **out, size_t *out_len, const struct pkg *p) {
  struct zip_write_entry *e = calloc(p->n > 0 ? p->n : 1, sizeof(*e));
  if (e == NULL) {
    return -1;
  }
  for (size_t i = 0; i < p->n; i++) {
    e[i] = (struct zip_write_entry){p->parts[i].name, p->parts[i].doc.p, p->parts[i].doc.len};
  }
  int rc = zip_write(out, out_len, e, p->n);
  free(e);
  return rc;
}

static void manifest(struct qx *q, const struct exam *exam, const struct pkg *p) {
  raw(q, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"" QTI_NS_MANIFEST "\"");
  char id[96];
  snprintf(id, sizeof(id), "M-%s", exam->id);
  attr(q, "identifier", id);
  raw(q, ">\n  <metadata><schema>QTI Package</schema><schemaversion>3.0.0</schemaversion>"
         "</metadata>\n  <organizations/>\n  <resources>\n    <resource identifier=\"TEST\" "
         "type=\"imsqti_test_xmlv3p0\" href=\"test.xml\"><file href=\"test.xml\"/>");
  for (size_t i = 2; i < p->n; i++) {
    snprintf(id, sizeof(id), "R%zu", i - 1);
    raw(q, "<dependency");
    attr(q, "identifierref", id);
    raw(q, "/>");
  }
  raw(q, "</resource>");
  for (size_t i = 2; i < p->n; i++) {
    snprintf(id, sizeof(id), "R%zu", i - 1);
    raw(q, "\n    <resource type=\"imsqti_item_xmlv3p0\"");
    attr(q, "identifier", id);
    attr(q, "href", p->parts[i].name);
    raw(q, "><file");
    attr(q, "href", p->parts[i].name);
    raw(q, "/></resource>");
  }
  raw(q, "\n  </resources>\n</manifest>\n");
}

static int report_item(struct itembank_report *r, const struct exam_item *it,
                       const struct exam_unit *u, const struct exam_pool *pool, const char *note,
                       bool exported) {
  struct itembank_entry *e = ib_report_push(r);
  if (e == NULL) {
    return -1;
  }
  e->line = it->line;
  size_t n = strlen(u->code) + strlen(pool->id) + 4;
  e->category = malloc(n);
  if (e->category != NULL) {
    snprintf(e->category, n, "%s / %s", u->code, pool->id);
  }
  e->item_id = exported ? ib_dup(it->id) : NULL;
  e->type = exported ? ib_dup(exam_item_type_name(it->type)) : NULL;
  e->note = ib_dup(note);
  if (exported) {
    r->nmapped++;
  } else {
    r->nunmapped++;
  }
  return e->category == NULL || (exported && (e->item_id == NULL || e->type == NULL)) ||
                 (note != NULL && e->note == NULL)
             ? -1
             : 0;
}

/* The items of one pool: their documents and their references in the test. */
static int export_pool(struct pkg *p, struct qx *test, struct itembank_report *report,
                       const struct exam_unit *u, const struct exam_pool *pool, size_t *nitem) {
  for (size_t i = 0; i < pool->nitems; i++) {
    const struct exam_item *it = &pool->items[i];
    if (it->type == EXAM_ITEM_EVIDENCE) {
      if (report_item(report, it, u, pool,
                      "evidence item: not exported (QTI has no place for ujikom's file kinds, "
                      "counts and sizes)",
                      false) != 0) {
        return -1;
      }
      continue;
    }
    char name[40];
    snprintf(name, sizeof(name), "items/item-%04zu.xml", ++*nitem);
    struct growbuf *doc = part_add(p, name);
    if (doc == NULL) {
      return -1;
    }
    struct qx q = {.b = {.max = QTI_XML_MAX}};
    item_document(&q, it);
    *doc = q.b;
    if (doc->failed) {
      return -1;
    }
    raw(test, "\n        <qti-assessment-item-ref");
    attr(test, "identifier", it->id);
    attr(test, "href", name);
    struct growbuf cat = {.max = QTI_XML_MAX};
    for (size_t k = 0; k < it->nkuk; k++) {
      growbuf_fmt(&cat, "%skuk-%s", k ? " " : "", it->kuk[k]);
    }
    attr(test, "category", cat.p == NULL ? "" : cat.p);
    free(cat.p);
    raw(test, "/>");
    const char *note = q.lossy ? "characters XML cannot hold were replaced by U+FFFD" : NULL;
    if (report_item(report, it, u, pool, note, true) != 0) {
      return -1;
    }
  }
  return 0;
}

int qti_export(unsigned char **out, size_t *out_len, struct itembank_report *report,
               struct exam_errors *errs, const struct exam *exam) {
  *out = NULL;
  *out_len = 0;
  struct pkg p = {0};
  struct qx test = {.b = {.max = QTI_XML_MAX}};
  struct qx man = {.b = {.max = QTI_XML_MAX}};
  int rc = -1;
  /* parts[0] is the manifest, parts[1] the test, then the items */
  if (part_add(&p, "imsmanifest.xml") == NULL || part_add(&p, "test.xml") == NULL) {
    goto done;
  }
  raw(&test, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<qti-assessment-test xmlns=\"" QTI_NS_ITEM
             "\" identifier=\"TEST\"");
  attr(&test, "title", exam->title);
  raw(&test, " tool-name=\"ujikom\" tool-version=\"1\">\n  <qti-test-part identifier=\"PART\" "
             "navigation-mode=\"nonlinear\" submission-mode=\"simultaneous\">");
  size_t nitem = 0;
  char sid[48], num[32];
  for (size_t ui = 0; ui < exam->nunits; ui++) {
    const struct exam_unit *u = &exam->units[ui];
    snprintf(sid, sizeof(sid), "U%zu", ui + 1);
    raw(&test, "\n    <qti-assessment-section visible=\"true\"");
    attr(&test, "identifier", sid);
    attr(&test, "title", u->code);
    raw(&test, ">");
    for (size_t pi = 0; pi < u->npools; pi++) {
      const struct exam_pool *pool = &u->pools[pi];
      snprintf(sid, sizeof(sid), "U%zu-P%zu", ui + 1, pi + 1);
      raw(&test, "\n      <qti-assessment-section visible=\"false\"");
      attr(&test, "identifier", sid);
      attr(&test, "title", pool->id);
      raw(&test, ">\n        <qti-selection");
      snprintf(num, sizeof(num), "%ld", pool->draw);
      attr(&test, "select", num);
      raw(&test, "/>");
      if (export_pool(&p, &test, report, u, pool, &nitem) != 0) {
        goto done;
      }
      raw(&test, "\n      </qti-assessment-section>");
    }
    raw(&test, "\n    </qti-assessment-section>");
  }
  raw(&test, "\n  </qti-test-part>\n</qti-assessment-test>\n");
  manifest(&man, exam, &p);
  if (test.b.failed || man.b.failed) {
    goto done;
  }
  p.parts[0].doc = man.b;
  p.parts[1].doc = test.b;
  man.b = (struct growbuf){0};
  test.b = (struct growbuf){0};
  rc = zip_package(out, out_len, &p);
done:
  if (rc != 0) {
    exam_errors_add(errs, exam->id, 1, 1, "the QTI package could not be written (out of memory)");
  }
  for (size_t i = 0; i < p.n; i++) {
    free(p.parts[i].doc.p);
  }
  free(p.parts);
  free(test.b.p);
  free(man.b.p);
  return rc;
}
