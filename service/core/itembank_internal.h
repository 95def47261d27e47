/*
 * What the item bank parsers share: the neutral item every parser fills, the import state
 * with its report and YAML writer, and the safe XML reader the XML formats (Moodle XML, QTI)
 * use. Private to the core.
 */
#ifndef UJIKOM_ITEMBANK_INTERNAL_H
#define UJIKOM_ITEMBANK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ujikom/itembank.h"

#include "growbuf.h"

#define MAX_OPTIONS   8u
#define MAX_ACCEPTED  32u
#define MAX_ERRORS    50u
#define PREFIX_MAX    56u
#define IB_MAX_KUK    32u
#define IB_MAX_RUBRIC 32u
#define IB_MAX_LEVELS 10u
/* The cap of every text the importer builds (the YAML, a prompt, a question block): what an
 * input of ITEMBANK_MAX_INPUT bytes can become, each byte at most escaped as \uFFFD. */
#define IMPORT_TEXT_MAX ((size_t)8 * ITEMBANK_MAX_INPUT)

struct ib_criterion {
  char *id;
  char *text;
  long max_points;
  long level_points[IB_MAX_LEVELS];
  char *level_text[IB_MAX_LEVELS];
  size_t nlevels;
};

/* One question as a parser read it, in ujikom's terms. Fields a format cannot give stay
 * zero: the writer then uses the defaults (ids from the prefix, the caller's KUK ids, one
 * point, option ids a, b, ..., a placeholder rubric). */
struct ib_item {
  unsigned line;
  enum exam_item_type type;
  char *id;              /* the item's own id, or NULL for "<prefix>-NNN" */
  char *kuk[IB_MAX_KUK]; /* the item's own KUK ids, or none for the caller's */
  size_t nkuk;
  long points; /* 0: not given */
  char *prompt;
  char *option_ids[MAX_OPTIONS]; /* NULL: a, b, c, ... */
  char *options[MAX_OPTIONS];
  bool correct[MAX_OPTIONS]; /* single, multiple: used when nkey is 0 */
  size_t noptions;
  size_t key[MAX_OPTIONS]; /* single, multiple, ordering: option indexes, in order */
  size_t nkey;
  char *accepted[MAX_ACCEPTED];
  size_t naccepted;
  bool key_bool;
  double value;
  double tolerance;
  char *unit;                                /* numeric, may be NULL */
  struct ib_criterion rubric[IB_MAX_RUBRIC]; /* open: none gives the placeholder */
  size_t nrubric;
  char *explanation;
};

void ib_item_clear(struct ib_item *it);

struct imp {
  const struct itembank_options *opts;
  const char *file;
  struct exam_errors *errs;
  size_t errs_at_start;
  struct itembank_report *report;
  struct growbuf yaml;
  unsigned next_id;
  char *category;
  bool too_many; /* ITEMBANK_MAX_ITEMS questions read; the rest is refused */
  bool oom;
};

#define IMP_ERR(imp, line, col, ...)                                                               \
  do {                                                                                             \
    if ((imp)->errs->n - (imp)->errs_at_start < MAX_ERRORS) {                                      \
      exam_errors_add((imp)->errs, (imp)->file, (line), (col), __VA_ARGS__);                       \
    }                                                                                              \
  } while (0)

bool ib_failed(const struct imp *imp);
/* A new zeroed entry at the end of the report, or NULL when out of memory. */
struct itembank_entry *ib_report_push(struct itembank_report *r);
/* Lists a question that could not be mapped, with the reason. */
void ib_report_unmapped(struct imp *imp, unsigned line, const char *title, const char *why);
/* Writes one item and records it in the report (or reports why the loader would refuse it);
 * the item is consumed. */
void ib_emit_item(struct imp *imp, struct ib_item *it, const char *title, const char *note);
/* Sets the category the following report entries carry (NULL clears it). */
void ib_set_category(struct imp *imp, const char *category);

char *ib_dup_n(const char *s, size_t len);
char *ib_dup(const char *s);
bool ib_is_space(char c);
char *ib_trim(char *s);
/* True when s matches [A-Za-z0-9._-]{1,max}. */
/* The parsers of the other formats (moodle_xml.c, itembank_xlsx.c, qti_import.c): each reads
 * buf and emits or reports every question through imp, adding "file:line:column" errors for
 * input that cannot be read at all. */
void moodle_xml_parse(struct imp *imp, const char *buf, size_t len);
void itembank_xlsx_parse(struct imp *imp, const char *buf, size_t len);
void qti_package_parse(struct imp *imp, const char *buf, size_t len);

/* ------------------------------------------------------------------ safe XML reading */

/* Limits of one XML document read by ib_xml_parse. */
#define IB_XML_MAX_DEPTH 48u

struct ib_xml;
typedef void (*ib_xml_start_fn)(struct ib_xml *x, const char *name, const char **atts);
typedef void (*ib_xml_end_fn)(struct ib_xml *x, const char *name);
typedef void (*ib_xml_text_fn)(struct ib_xml *x, const char *s, size_t len);

struct ib_xml {
  void *parser; /* XML_Parser while parsing */
  void *ud;     /* the caller's state */
  ib_xml_start_fn start;
  ib_xml_end_fn end;
  ib_xml_text_fn text;
  unsigned depth;
  char error[256]; /* set by ib_xml_fail or the parser: why reading stopped */
  unsigned error_line, error_col;
};

/* Parses len bytes of XML with expat: no document type (so no entity of any kind beyond the
 * five predefined ones: external entities and entity expansion are refused), no more than
 * IB_XML_MAX_DEPTH nested elements. Element names are given without namespace prefix.
 * Returns 0, or -1 with x->error, x->error_line and x->error_col set. */
int ib_xml_parse(struct ib_xml *x, const char *buf, size_t len);
/* Stops parsing with a message (the current line and column are recorded). */
void ib_xml_fail(struct ib_xml *x, const char *msg);
unsigned ib_xml_line(const struct ib_xml *x);
/* The value of attribute name (prefix ignored), or NULL. */
const char *ib_xml_attr(const char **atts, const char *name);

/* Appends the text of an HTML fragment to b: tags dropped (script and style with their
 * content), block ends and <br> as line breaks, entities decoded, runs of blank lines and
 * spaces collapsed. Sets *had_markup when any tag or entity was found. */
void ib_html_text(struct growbuf *b, const char *html, bool *had_markup);

#endif
