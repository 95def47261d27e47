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

#endif
