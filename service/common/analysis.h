/*
 * Item analysis as an administrator sees it: every finished attempt of an exam (at most
 * ANALYSIS_REPORT_MAX_ATTEMPTS, newest first) scored again from its stored form, answers
 * and current rubric points, then facility and discrimination per item of the exam's
 * current version and outcomes per unit and overall. The statistics themselves are the
 * core's (ujikom/analysis.h); this module fetches what they need.
 */
#ifndef UJIKOM_COMMON_ANALYSIS_H
#define UJIKOM_COMMON_ANALYSIS_H

#include <stddef.h>

#include "common/svc.h"
#include "ujikom/analysis.h"
#include "ujikom/exam.h"

#define ANALYSIS_REPORT_MAX_ATTEMPTS 5000

enum analysis_report_rc {
  ANALYSIS_REPORT_OK = 0,
  ANALYSIS_REPORT_EXAM_NOT_FOUND, /* no such exam in the catalogue */
  ANALYSIS_REPORT_STORE_FAILED,   /* the store could not answer; see *out_store_rc */
  ANALYSIS_REPORT_INTERNAL,       /* no memory, or the statistics failed */
};

/* One column: an item of the exam's current version, with its statistics. */
struct analysis_report_item {
  const struct exam_item *item;
  const char *unit_code;
  struct analysis_item stats;
};

struct analysis_report {
  const struct exam *exam; /* the current version */
  struct analysis_report_item *items;
  size_t nitems;
  struct analysis_outcomes overall;
  struct analysis_outcomes *units; /* one per unit of exam */
};

/* Analyses exam_id. On ANALYSIS_REPORT_OK *out is filled (free with analysis_report_free);
 * attempts of an exam version that cannot be rebuilt are left out. */
enum analysis_report_rc analysis_report_build(struct analysis_report *out, struct svc *svc,
                                              const char *exam_id, int *out_store_rc);
void analysis_report_free(struct analysis_report *r);

/* The first words of an item's prompt for a table cell: runs of white space (the file's hard
 * line breaks included) become one space, and a prompt longer than outlen - 1 bytes is cut
 * at a character boundary with "…" at the end. out is always terminated (outlen >= 8). */
void analysis_prompt_excerpt(char *out, size_t outlen, const char *prompt);

/* The columns of the CSV export, in order: their headings are the caller's (the page's
 * language), as are the band labels (label(ctx, "analysis.<band name>")) and the words for
 * yes and no in the small-sample column. */
enum analysis_csv_col {
  ANALYSIS_CSV_ITEM,
  ANALYSIS_CSV_UNIT,
  ANALYSIS_CSV_TYPE,
  ANALYSIS_CSV_QUESTION,
  ANALYSIS_CSV_N,
  ANALYSIS_CSV_FACILITY,
  ANALYSIS_CSV_FACILITY_LABEL,
  ANALYSIS_CSV_DISCRIMINATION,
  ANALYSIS_CSV_DISCRIMINATION_LABEL,
  ANALYSIS_CSV_SMALL_SAMPLE,
  ANALYSIS_CSV_COLS
};
struct analysis_csv_texts {
  const char *headings[ANALYSIS_CSV_COLS];
  const char *yes, *no;
  const char *(*label)(const void *ctx, const char *key);
  const void *ctx;
};

/* The report as CSV (ujikom/csv.h: RFC 4180, UTF-8 with a BOM, formula cells guarded), one
 * record per item with its whole prompt. Returns malloc'd text (free()) with its length, or
 * NULL when out of memory. */
char *analysis_report_csv(const struct analysis_report *rep, const struct analysis_csv_texts *t,
                          size_t *out_len);

#endif
