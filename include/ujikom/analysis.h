/*
 * Item analysis for exam quality: how easy each item was (facility), whether it separates
 * stronger from weaker candidates (point-biserial discrimination), and per exam and unit
 * how many attempts ended K or BK. Pure computation over numbers the caller collects.
 */
#ifndef UJIKOM_ANALYSIS_H
#define UJIKOM_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "ujikom/states.h"

/* Thresholds of the flags (documented for the admin page). */
#define ANALYSIS_TOO_EASY_ABOVE 0.9
#define ANALYSIS_TOO_HARD_BELOW 0.2

enum analysis_flag {
  ANALYSIS_TOO_EASY = 1u << 0,               /* facility > 0.9 */
  ANALYSIS_TOO_HARD = 1u << 1,               /* facility < 0.2 */
  ANALYSIS_NEGATIVE_DISCRIMINATION = 1u << 2 /* discrimination < 0 */
};

/* Points per attempt and item, row-major: scores[a * n_items + i] is what attempt a earned
 * on item i (0..max_points[i]); a NaN marks an item that was not on that attempt's form
 * (drawn from a pool). max_points[i] > 0. */
struct analysis_input {
  size_t n_attempts;
  size_t n_items;
  const double *scores;
  const double *max_points;
};

struct analysis_item {
  size_t n;        /* attempts that had the item */
  double facility; /* mean of points / max over those attempts (the p-value), 0..1 */
  /* Corrected point-biserial: the Pearson correlation between the item's fraction and the
   * attempt's fraction on its *other* items (so the item does not correlate with itself).
   * has_discrimination is false when it is undefined: fewer than 2 attempts, or no spread
   * in the item or in the rest scores. */
  double discrimination;
  bool has_discrimination;
  unsigned flags; /* enum analysis_flag; facility flags need n >= 1 */
};

/* Fills out[0..n_items-1]. Returns 0, or -1 when the input is inconsistent (NULL arrays with
 * non-zero sizes, a non-positive or non-finite max, a score outside 0..max that is not NaN,
 * or a size that overflows). */
int analysis_items(struct analysis_item *out, const struct analysis_input *in);

/* Below this many attempts an item's statistics are too unstable to act on: one more
 * attempt can move a facility by several points and a point-biserial by much more (a common
 * rule of thumb in classical test theory; docs/web.md). Pages and exports warn then. */
#define ANALYSIS_SMALL_SAMPLE 30

/* Whether statistics over n attempts are a small sample (n < ANALYSIS_SMALL_SAMPLE). */
bool analysis_small_sample(size_t n);

/* How an item's facility and discrimination read, for labels (the names are stable codes
 * for exports; pages show the catalogue's "analysis.<name>"). */
enum analysis_band {
  ANALYSIS_BAND_NONE = 0,  /* no data (no attempt, or no discrimination) */
  ANALYSIS_BAND_TOO_HARD,  /* facility < ANALYSIS_TOO_HARD_BELOW */
  ANALYSIS_BAND_MODERATE,  /* facility in between */
  ANALYSIS_BAND_TOO_EASY,  /* facility > ANALYSIS_TOO_EASY_ABOVE */
  ANALYSIS_BAND_NEGATIVE,  /* discrimination < 0: stronger candidates do worse on it */
  ANALYSIS_BAND_POOR,      /* 0 <= discrimination < 0.2 */
  ANALYSIS_BAND_FAIR,      /* 0.2 .. < 0.3 */
  ANALYSIS_BAND_GOOD,      /* 0.3 .. < 0.4 */
  ANALYSIS_BAND_VERY_GOOD, /* >= 0.4 (Ebel's classes) */
};
enum analysis_band analysis_facility_band(const struct analysis_item *it);
enum analysis_band analysis_discrimination_band(const struct analysis_item *it);
/* "none", "too_hard", "moderate", "too_easy", "negative", "poor", "fair", "good",
 * "very_good". */
const char *analysis_band_name(enum analysis_band b);

/* Outcome counts for an exam or a unit. */
struct analysis_outcomes {
  size_t attempts; /* every attempt counted */
  size_t k;        /* Kompeten */
  size_t bk;       /* Belum Kompeten */
  size_t pending;  /* not decided yet */
};

/* Counts one attempt's outcome: K, BK, or anything else as not decided yet. */
void analysis_outcomes_add(struct analysis_outcomes *o, enum verdict outcome);

/* k / (k + bk); false (and *out untouched) when nothing was decided yet. */
bool analysis_pass_rate(const struct analysis_outcomes *o, double *out);

#endif
