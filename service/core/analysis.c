/*
 * Item analysis: facility and corrected point-biserial discrimination per item, and outcome
 * counts. Works on fractions of each item's maximum so partially scored (rubric) items and
 * forms with different item sets drawn from pools can be compared.
 */
#include "ujikom/analysis.h"

#include <math.h>
#include <stdint.h>

static int input_valid(const struct analysis_input *in) {
  if (NULL == in) {
    return 0;
  }
  if (0 == in->n_items || 0 == in->n_attempts) {
    return 1;
  }
  if (NULL == in->max_points || (in->n_attempts > 0 && NULL == in->scores)) {
    return 0;
  }
  if (in->n_attempts > SIZE_MAX / in->n_items) {
    return 0;
  }
  for (size_t i = 0; i < in->n_items; i++) {
    if (!isfinite(in->max_points[i]) || in->max_points[i] <= 0) {
      return 0;
    }
  }
  for (size_t a = 0; a < in->n_attempts; a++) {
    for (size_t i = 0; i < in->n_items; i++) {
      double s = in->scores[a * in->n_items + i];
      if (isnan(s)) {
        continue;
      }
      if (!isfinite(s) || s < 0 || s > in->max_points[i]) {
        return 0;
      }
    }
  }
  return 1;
}

/* The attempt's fraction on every presented item except `skip`; false when it had none. */
static bool rest_fraction(const struct analysis_input *in, size_t a, size_t skip, double *out) {
  double got = 0, max = 0;
  for (size_t i = 0; i < in->n_items; i++) {
    double s = in->scores[a * in->n_items + i];
    if (i == skip || isnan(s)) {
      continue;
    }
    got += s;
    max += in->max_points[i];
  }
  if (max <= 0) {
    return false;
  }
  *out = got / max;
  return true;
}

static void analyse_item(struct analysis_item *it, const struct analysis_input *in, size_t i) {
  double sum_x = 0, sum_y = 0, sum_xx = 0, sum_yy = 0, sum_xy = 0;
  double sum_p = 0;
  size_t n_pairs = 0;
  it->n = 0;
  it->facility = 0;
  it->discrimination = 0;
  it->has_discrimination = false;
  it->flags = 0;
  for (size_t a = 0; a < in->n_attempts; a++) {
    double s = in->scores[a * in->n_items + i];
    double x = 0, y = 0;
    if (isnan(s)) {
      continue;
    }
    x = s / in->max_points[i];
    it->n++;
    sum_p += x;
    if (!rest_fraction(in, a, i, &y)) {
      continue;
    }
    n_pairs++;
    sum_x += x;
    sum_y += y;
    sum_xx += x * x;
    sum_yy += y * y;
    sum_xy += x * y;
  }
  if (0 == it->n) {
    return;
  }
  it->facility = sum_p / (double)it->n;
  if (it->facility > ANALYSIS_TOO_EASY_ABOVE) {
    it->flags |= ANALYSIS_TOO_EASY;
  }
  if (it->facility < ANALYSIS_TOO_HARD_BELOW) {
    it->flags |= ANALYSIS_TOO_HARD;
  }
  if (n_pairs >= 2) {
    double n = (double)n_pairs;
    double cov = sum_xy - sum_x * sum_y / n;
    double var_x = sum_xx - sum_x * sum_x / n;
    double var_y = sum_yy - sum_y * sum_y / n;
    /* Guard against rounding leaving a tiny non-zero variance for constant data. */
    if (var_x > 1e-12 && var_y > 1e-12) {
      it->discrimination = cov / sqrt(var_x * var_y);
      it->has_discrimination = true;
      if (it->discrimination < 0) {
        it->flags |= ANALYSIS_NEGATIVE_DISCRIMINATION;
      }
    }
  }
}

int analysis_items(struct analysis_item *out, const struct analysis_input *in) {
  if (!input_valid(in) || (in->n_items > 0 && NULL == out)) {
    return -1;
  }
  for (size_t i = 0; i < in->n_items; i++) {
    if (0 == in->n_attempts) {
      out[i] = (struct analysis_item){0};
      continue;
    }
    analyse_item(&out[i], in, i);
  }
  return 0;
}

void analysis_outcomes_add(struct analysis_outcomes *o, enum verdict outcome) {
  o->attempts++;
  switch (outcome) {
  case VERDICT_K:
    o->k++;
    break;
  case VERDICT_BK:
    o->bk++;
    break;
  default:
    o->pending++;
    break;
  }
}

bool analysis_pass_rate(const struct analysis_outcomes *o, double *out) {
  if (0 == o->k + o->bk) {
    return false;
  }
  *out = (double)o->k / (double)(o->k + o->bk);
  return true;
}

bool analysis_small_sample(size_t n) {
  return n < ANALYSIS_SMALL_SAMPLE;
}

enum analysis_band analysis_facility_band(const struct analysis_item *it) {
  if (0 == it->n) {
    return ANALYSIS_BAND_NONE;
  }
  if (it->facility > ANALYSIS_TOO_EASY_ABOVE) {
    return ANALYSIS_BAND_TOO_EASY;
  }
  return it->facility < ANALYSIS_TOO_HARD_BELOW ? ANALYSIS_BAND_TOO_HARD : ANALYSIS_BAND_MODERATE;
}

enum analysis_band analysis_discrimination_band(const struct analysis_item *it) {
  if (!it->has_discrimination) {
    return ANALYSIS_BAND_NONE;
  }
  double d = it->discrimination;
  if (d < 0) {
    return ANALYSIS_BAND_NEGATIVE;
  }
  if (d < 0.2) {
    return ANALYSIS_BAND_POOR;
  }
  if (d < 0.3) {
    return ANALYSIS_BAND_FAIR;
  }
  return d < 0.4 ? ANALYSIS_BAND_GOOD : ANALYSIS_BAND_VERY_GOOD;
}

const char *analysis_band_name(enum analysis_band b) {
  static const char *const names[] = {
      [ANALYSIS_BAND_NONE] = "none",          [ANALYSIS_BAND_TOO_HARD] = "too_hard",
      [ANALYSIS_BAND_MODERATE] = "moderate",  [ANALYSIS_BAND_TOO_EASY] = "too_easy",
      [ANALYSIS_BAND_NEGATIVE] = "negative",  [ANALYSIS_BAND_POOR] = "poor",
      [ANALYSIS_BAND_FAIR] = "fair",          [ANALYSIS_BAND_GOOD] = "good",
      [ANALYSIS_BAND_VERY_GOOD] = "very_good"};
  return (unsigned)b < sizeof names / sizeof names[0] ? names[b] : "none";
}
