/*
 * Item analysis against values worked out by hand (the arithmetic is in the comments), plus
 * the refusals of inconsistent input and the outcome counts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "ujikom/analysis.h"

#define EPS 1e-9

/* cmocka's float assertion narrows to float; this keeps double precision. */
#define assert_near(want, got, eps)                                                                \
  do {                                                                                             \
    double want_ = (want), got_ = (got);                                                           \
    if (!(fabs(want_ - got_) <= (eps)))                                                            \
      fail_msg("%s: expected %.9f, got %.9f", #got, want_, got_);                                  \
  } while (0)

/*
 * Five attempts, four one-point items:
 *        I1 I2 I3 I4
 *   A1    1  1  1  0
 *   A2    1  1  0  0
 *   A3    1  0  1  1
 *   A4    1  0  0  1
 *   A5    1  1  1  1
 * Facility: I1 5/5 = 1.0 (too easy), I2 = I3 = I4 = 3/5 = 0.6.
 * I1: no spread -> no discrimination.
 * I2: x = (1,1,0,0,1); rest score of the other three items, in thirds, Y = (2,1,3,2,3),
 *     mean 2.2; dx = (.4,.4,-.6,-.6,.4), dY = (-.2,-1.2,.8,-.2,.8);
 *     sum dx*dY = -.08-.48-.48+.12+.32 = -0.6; sum dx^2 = 1.2; sum dY^2 = 2.8;
 *     r = -0.6 / sqrt(1.2 * 2.8) = -0.6 / sqrt(3.36) = -0.32733 (negative -> flagged).
 * I3: x = (1,0,1,0,1); Y = (2,2,2,2,3), mean 2.2; dY = (-.2,-.2,-.2,-.2,.8);
 *     sum dx*dY = -.08+.12-.08+.12+.32 = 0.4; sum dY^2 = 0.8;
 *     r = 0.4 / sqrt(1.2 * 0.8) = 0.4 / sqrt(0.96) = 0.40825.
 * I4: x = (0,0,1,1,1); Y = (3,2,2,1,3), mean 2.2; dx = (-.6,-.6,.4,.4,.4),
 *     dY = (.8,-.2,-.2,-1.2,.8); sum dx*dY = -.48+.12-.08-.48+.32 = -0.6; sum dY^2 = 2.8;
 *     r = -0.6 / sqrt(3.36) = -0.32733.
 */
static void test_dichotomous_items(void **state) {
  (void)state;
  const double scores[] = {1,      1, 1, 0, /**/ 1, 1, 0, 0, /**/ 1, 0, 1, 1, /**/ 1, 0, 0, 1,
                           /**/ 1, 1, 1, 1};
  const double max[] = {1, 1, 1, 1};
  struct analysis_input in = {5, 4, scores, max};
  struct analysis_item it[4];
  assert_int_equal(0, analysis_items(it, &in));

  assert_int_equal(5, it[0].n);
  assert_near(1.0, it[0].facility, EPS);
  assert_false(it[0].has_discrimination);
  assert_int_equal(ANALYSIS_TOO_EASY, it[0].flags);

  assert_near(0.6, it[1].facility, EPS);
  assert_true(it[1].has_discrimination);
  assert_near(-0.6 / sqrt(3.36), it[1].discrimination, EPS);
  assert_near(-0.3273268, it[1].discrimination, 1e-6);
  assert_int_equal(ANALYSIS_NEGATIVE_DISCRIMINATION, it[1].flags);

  assert_near(0.6, it[2].facility, EPS);
  assert_near(0.4 / sqrt(0.96), it[2].discrimination, EPS);
  assert_near(0.4082483, it[2].discrimination, 1e-6);
  assert_int_equal(0, it[2].flags);

  assert_near(0.6, it[3].facility, EPS);
  assert_near(-0.6 / sqrt(3.36), it[3].discrimination, EPS);
  assert_int_equal(ANALYSIS_NEGATIVE_DISCRIMINATION, it[3].flags);
}

/*
 * Four attempts; item b is worth 2 points (rubric) and was not on A4's form (pool);
 * item c was on every form and nobody got it:
 *        a  b    c
 *   A1   1  2    0
 *   A2   1  1    0
 *   A3   0  0    0
 *   A4   0  -    0
 * a: n = 4, facility 2/4 = 0.5. Rest = (b + c) / (max of those present):
 *    A1 2/3, A2 1/3, A3 0/3, A4 0/1 -> in thirds Y = (2,1,0,0), mean .75;
 *    dx = (.5,.5,-.5,-.5), dY = (1.25,.25,-.75,-.75); sum dx*dY = .625+.125+.375+.375 = 1.5;
 *    sum dx^2 = 1; sum dY^2 = 1.5625+.0625+.5625+.5625 = 2.75; r = 1.5 / sqrt(2.75) = 0.90453.
 * b: n = 3, fractions (1, .5, 0), facility 0.5. Rest = (a + c) / 2: (.5, .5, 0), mean 1/3;
 *    dx = (.5,0,-.5), dy = (1/6,1/6,-1/3); sum dx*dy = 1/12 + 1/6 = .25; sum dx^2 = .5;
 *    sum dy^2 = 1/36+1/36+1/9 = 1/6; r = .25 / sqrt(.5/6) = .25 * sqrt(12) = sqrt(3)/2.
 * c: n = 4, facility 0 (too hard), no spread -> no discrimination.
 */
static void test_partial_credit_and_pools(void **state) {
  (void)state;
  const double scores[] = {1, 2, 0, /**/ 1, 1, 0, /**/ 0, 0, 0, /**/ 0, NAN, 0};
  const double max[] = {1, 2, 1};
  struct analysis_input in = {4, 3, scores, max};
  struct analysis_item it[3];
  assert_int_equal(0, analysis_items(it, &in));

  assert_int_equal(4, it[0].n);
  assert_near(0.5, it[0].facility, EPS);
  assert_near(1.5 / sqrt(2.75), it[0].discrimination, EPS);
  assert_near(0.9045340, it[0].discrimination, 1e-6);
  assert_int_equal(0, it[0].flags);

  assert_int_equal(3, it[1].n);
  assert_near(0.5, it[1].facility, EPS);
  assert_near(sqrt(3.0) / 2.0, it[1].discrimination, EPS);

  assert_int_equal(4, it[2].n);
  assert_near(0.0, it[2].facility, EPS);
  assert_false(it[2].has_discrimination);
  assert_int_equal(ANALYSIS_TOO_HARD, it[2].flags);
}

static void test_inconsistent_input_is_refused(void **state) {
  (void)state;
  struct analysis_item it[2];
  const double max[] = {1, 2};
  const double over[] = {1, 3}; /* 3 > max 2 */
  const double negative[] = {-1, 0};
  const double inf[] = {INFINITY, 0};
  const double zero_max[] = {1, 0};
  struct analysis_input in = {1, 2, over, max};
  assert_int_equal(-1, analysis_items(it, &in));
  in.scores = negative;
  assert_int_equal(-1, analysis_items(it, &in));
  in.scores = inf;
  assert_int_equal(-1, analysis_items(it, &in));
  in.scores = max;
  in.max_points = zero_max;
  assert_int_equal(-1, analysis_items(it, &in));
  in.max_points = NULL;
  assert_int_equal(-1, analysis_items(it, &in));
  assert_int_equal(-1, analysis_items(it, NULL));
  /* No attempts yet: every item is empty, nothing flagged. */
  in = (struct analysis_input){0, 2, NULL, max};
  assert_int_equal(0, analysis_items(it, &in));
  assert_int_equal(0, it[0].n);
  assert_int_equal(0, it[1].flags);
}

static void test_outcomes_and_pass_rate(void **state) {
  (void)state;
  struct analysis_outcomes o = {0};
  double rate = -1;
  assert_false(analysis_pass_rate(&o, &rate));
  analysis_outcomes_add(&o, VERDICT_K);
  analysis_outcomes_add(&o, VERDICT_K);
  analysis_outcomes_add(&o, VERDICT_K);
  analysis_outcomes_add(&o, VERDICT_BK);
  analysis_outcomes_add(&o, VERDICT_PENDING);
  assert_int_equal(5, o.attempts);
  assert_int_equal(3, o.k);
  assert_int_equal(1, o.bk);
  assert_int_equal(1, o.pending);
  assert_true(analysis_pass_rate(&o, &rate));
  assert_near(0.75, rate, EPS); /* 3 K of 4 decided; pending ones do not count */
}

/* The words an item's statistics are shown with: facility and discrimination bands at their
 * edges, no band without data, and the small-sample rule. */
static void test_bands(void **state) {
  (void)state;
  struct analysis_item it = {0};
  assert_int_equal(ANALYSIS_BAND_NONE, analysis_facility_band(&it));
  assert_int_equal(ANALYSIS_BAND_NONE, analysis_discrimination_band(&it));
  it.n = 40;
  const struct {
    double facility;
    enum analysis_band band;
  } fac[] = {{0.0, ANALYSIS_BAND_TOO_HARD},  {0.19, ANALYSIS_BAND_TOO_HARD},
             {0.2, ANALYSIS_BAND_MODERATE},  {0.9, ANALYSIS_BAND_MODERATE},
             {0.91, ANALYSIS_BAND_TOO_EASY}, {1.0, ANALYSIS_BAND_TOO_EASY}};
  for (size_t i = 0; i < sizeof fac / sizeof fac[0]; i++) {
    it.facility = fac[i].facility;
    assert_int_equal(fac[i].band, analysis_facility_band(&it));
  }
  const struct {
    double d;
    enum analysis_band band;
  } dis[] = {{-0.01, ANALYSIS_BAND_NEGATIVE}, {0.0, ANALYSIS_BAND_POOR}, {0.19, ANALYSIS_BAND_POOR},
             {0.2, ANALYSIS_BAND_FAIR},       {0.3, ANALYSIS_BAND_GOOD}, {0.39, ANALYSIS_BAND_GOOD},
             {0.4, ANALYSIS_BAND_VERY_GOOD}};
  it.has_discrimination = true;
  for (size_t i = 0; i < sizeof dis / sizeof dis[0]; i++) {
    it.discrimination = dis[i].d;
    assert_int_equal(dis[i].band, analysis_discrimination_band(&it));
  }
  assert_string_equal("too_easy", analysis_band_name(ANALYSIS_BAND_TOO_EASY));
  assert_string_equal("very_good", analysis_band_name(ANALYSIS_BAND_VERY_GOOD));
  assert_string_equal("none", analysis_band_name((enum analysis_band)99));
  assert_true(analysis_small_sample(0));
  assert_true(analysis_small_sample(ANALYSIS_SMALL_SAMPLE - 1));
  assert_false(analysis_small_sample(ANALYSIS_SMALL_SAMPLE));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dichotomous_items),
      cmocka_unit_test(test_partial_credit_and_pools),
      cmocka_unit_test(test_inconsistent_input_is_refused),
      cmocka_unit_test(test_outcomes_and_pass_rate),
      cmocka_unit_test(test_bands),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
