/*
 * Item banks in: parsers of question files (untrusted bytes) — Moodle's Aiken, GIFT and
 * Moodle XML formats, ujikom's Excel template and IMS QTI 3.0 content packages — that turn
 * them into ujikom exam items, written as a YAML fragment in the exam
 * format (docs/exam-format.md), plus an import report naming every question found and what
 * became of it. Pure computation: the caller hands in the bytes and stores the result.
 *
 * Syntax errors (invalid UTF-8, NUL bytes, an over-long line, an unterminated brace, a
 * missing ANSWER line, ...) fail the import as a whole and are reported as
 * "file:line:column: message". A well-formed question that ujikom cannot express (a GIFT
 * matching question, a description, more than 8 options, ...) is not an error: it is listed
 * in the report as unmapped, with its line and the reason.
 */
#ifndef UJIKOM_ITEMBANK_H
#define UJIKOM_ITEMBANK_H

#include <stdbool.h>
#include <stddef.h>

#include "ujikom/exam.h"

enum itembank_format {
  ITEMBANK_AIKEN,
  ITEMBANK_GIFT,
  ITEMBANK_MOODLE, /* Moodle XML (<quiz>), read with expat: no document type, bounded depth */
  ITEMBANK_XLSX,   /* the Excel template (itembank_xlsx.h): "row N" is the line */
  ITEMBANK_QTI,    /* an IMS content package of QTI 3.0 items and an assessment test */
};

/* Hard limits on untrusted input. */
#define ITEMBANK_MAX_INPUT ((size_t)8 * 1024 * 1024) /* bytes in one file */
#define ITEMBANK_MAX_LINE  65536u                    /* bytes in one line */
#define ITEMBANK_MAX_ITEMS 5000u                     /* questions in one file */

struct itembank_options {
  const char *file;       /* name used in error lines; NULL gives "input" */
  const char *id_prefix;  /* item ids are "<prefix>-001", ...: [A-Za-z0-9._-]{1,56} (QTI
                             items keep their own identifier when it is a valid, new id) */
  const char *const *kuk; /* KUK ids of the target unit every item gives evidence for (>= 1;
                             QTI items whose test names their KUKs keep those) */
  size_t nkuk;
  unsigned indent; /* spaces put before every YAML line (0..64), to nest under a pool */
  /* Text of the single placeholder rubric criterion (1 point) given to imported essays;
   * NULL gives an Indonesian default. */
  const char *open_rubric_text;
};

/* One question of the input, mapped or not. */
struct itembank_entry {
  unsigned line;  /* where the question starts (1-based) */
  char *item_id;  /* the ujikom item id, or NULL when not mapped */
  char *type;     /* the ujikom item type ("single", ...), or NULL when not mapped */
  char *title;    /* GIFT ::title::, or NULL */
  char *category; /* GIFT $CATEGORY / Moodle category in force, the Excel row's unit, the QTI
                     section path ("unit / pool"), or NULL */
  char *note;     /* unmapped: the reason; mapped: what was dropped or changed, or NULL */
};

struct itembank_report {
  struct itembank_entry *entries;
  size_t n;
  size_t cap;
  size_t nmapped;
  size_t nunmapped;
};

/* Imports buf (len bytes, need not be NUL-terminated, may hold anything). On success returns
 * 0, *out is a NUL-terminated YAML fragment `items:` followed by the mapped items (the
 * caller's, free with free()), and report lists every question. On failure returns -1, *out
 * is NULL and errs holds at least one "file:line:column: message" line (the report may hold
 * the questions read before the errors). Zero-initialise report and errs before the call;
 * release with itembank_report_clear and exam_errors_clear. */
int itembank_import(char **out, struct itembank_report *report, struct exam_errors *errs,
                    enum itembank_format format, const char *buf, size_t len,
                    const struct itembank_options *opts);

/* Frees every entry and resets the report to empty. */
void itembank_report_clear(struct itembank_report *report);

/* "aiken", "gift", "moodle", "xlsx" or "qti" to the format; returns -1 for anything else. */
int itembank_format_parse(enum itembank_format *out, const char *name);
/* The name itembank_format_parse reads. */
const char *itembank_format_name(enum itembank_format format);

#endif
