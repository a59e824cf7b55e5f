/* test_metrics.c - metrics against hand-computed values. */
#include <math.h>
#include <string.h>

#include "err.h"
#include "metrics.h"
#include "unit.h"

/* y = 10 20 40 50, p = 11 23 30 50.
 * relative errors: 1/10 = 0.1, 3/20 = 0.15, 10/40 = 0.25, 0/50 = 0
 *   P10: 0.1 and 0 -> 2/4 = 0.5 (0.1 is within: <=)
 *   P20: 0.1, 0.15 and 0 -> 3/4 = 0.75
 *   MAPE: (0.1 + 0.15 + 0.25 + 0) / 4 = 0.125
 * errors 1 3 -10 0: SS_res = 1 + 9 + 100 + 0 = 110, RMSE = sqrt(110/4) = sqrt(27.5)
 * mean y = 120/4 = 30: SS_tot = 400 + 100 + 100 + 400 = 1000, R^2 = 1 - 110/1000 = 0.89 */
static void test_by_hand(void)
{
	static const double y[4] = { 10, 20, 40, 50 }, p[4] = { 11, 23, 30, 50 };
	char err[ERR_LEN] = "";
	struct metrics m;

	CU_ASSERT_EQUAL_FATAL(metrics_compute(p, y, 4, &m, err), 0);
	CU_ASSERT_EQUAL(m.n, 4);
	CU_ASSERT_EQUAL(m.p10, 0.5);
	CU_ASSERT_EQUAL(m.p20, 0.75);
	ASSERT_CLOSE(m.mape, 0.125, 1e-15);
	ASSERT_CLOSE(m.rmse, 5.244044240850758, 1e-15);	/* sqrt(27.5) */
	ASSERT_CLOSE(m.r2, 0.89, 1e-15);
}

/* Constant y: SS_tot = 0, so R^2 is 1 for an exact fit, else 0. */
static void test_constant_truth(void)
{
	static const double y[3] = { 5, 5, 5 }, exact[3] = { 5, 5, 5 }, off[3] = { 5, 5, 6 };
	char err[ERR_LEN] = "";
	struct metrics m;

	CU_ASSERT_EQUAL_FATAL(metrics_compute(exact, y, 3, &m, err), 0);
	CU_ASSERT_EQUAL(m.r2, 1.0);
	CU_ASSERT_EQUAL(m.rmse, 0.0);
	CU_ASSERT_EQUAL_FATAL(metrics_compute(off, y, 3, &m, err), 0);
	CU_ASSERT_EQUAL(m.r2, 0.0);
	ASSERT_CLOSE(m.rmse, sqrt(1.0 / 3), 1e-15);	/* errors 0 0 1 */
	CU_ASSERT_EQUAL(m.p20, 1.0);			/* 1/5 = 0.2: within P20 */
	ASSERT_CLOSE(m.p10, 2.0 / 3, 1e-15);
}

/* Runs (2 samples x 4 runs, NaN = not measured):
 *   sample 0: 10 11 13 NaN, median 11: |11-10|/10 = 0.1, 0, |11-13|/13 = 0.154
 *   sample 1: 20 20 30 20,  median 20: 0, 0, |20-30|/30 = 0.333, 0
 * 7 runs; P10: 0.1, 0, 0, 0, 0 -> 5/7; P20: those and 0.154 -> 6/7. */
static void test_single_run_noise(void)
{
	static const double runs[8] = { 10, 11, 13, NAN, 20, 20, 30, 20 };
	static const double med[2] = { 11, 20 };
	char err[ERR_LEN] = "";
	double p10 = 0, p20 = 0;

	CU_ASSERT_EQUAL_FATAL(metrics_single_run_noise(runs, med, 2, 4, &p10, &p20, err), 0);
	ASSERT_CLOSE(p10, 5.0 / 7, 1e-15);
	ASSERT_CLOSE(p20, 6.0 / 7, 1e-15);
	/* the same with the medians taken from the runs */
	p10 = p20 = 0;
	CU_ASSERT_EQUAL_FATAL(metrics_single_run_noise(runs, NULL, 2, 4, &p10, &p20, err), 0);
	ASSERT_CLOSE(p10, 5.0 / 7, 1e-15);
	ASSERT_CLOSE(p20, 6.0 / 7, 1e-15);
}

/* One run per sample: the run is its median, there is no noise to see, and
 * the figure is n/a (NaN), not a perfect 1. A sample with a single finite run
 * among NaNs is left out the same way: 3 NaN 3 NaN | 10 12 gives median 11
 * (by med) for the second only: 1/10 and 1/12 -> P10 1, P20 1 over 2 runs;
 * with its run at 14 instead: 3/10 and 3/14 = 0.214 -> P10 0, P20 0. */
static void test_single_run_na(void)
{
	static const double one[3] = { 1.0, 2.0, 3.0 };
	static const double mixed[4] = { 3, NAN, 10, 12 }, med[2] = { 3, 11 };
	static const double far[4] = { 3, NAN, 8, 14 }, far_med[2] = { 3, 11 };
	char err[ERR_LEN] = "";
	double p10 = 0, p20 = 0;

	CU_ASSERT_EQUAL_FATAL(metrics_single_run_noise(one, NULL, 3, 1, &p10, &p20, err), 0);
	CU_ASSERT(isnan(p10));
	CU_ASSERT(isnan(p20));
	CU_ASSERT_EQUAL_FATAL(metrics_single_run_noise(mixed, med, 2, 2, &p10, &p20, err), 0);
	CU_ASSERT_EQUAL(p10, 1.0);
	CU_ASSERT_EQUAL(p20, 1.0);
	CU_ASSERT_EQUAL_FATAL(metrics_single_run_noise(far, far_med, 2, 2, &p10, &p20, err), 0);
	CU_ASSERT_EQUAL(p10, 0.0);
	CU_ASSERT_EQUAL(p20, 0.0);
}

/* First medians 10 11 12 10 10, second 10 10 10 8 12. The first predicts the
 * second: e = |first - second| / second = 0, 0.1, 0.2, 0.25, 0.1667
 *   P10 = 2/5 = 0.4 (0.1 is within), P20 = 4/5 = 0.8 (0.2 is within)
 * The other direction, |second - first| / first = 0, 0.0909, 0.1667, 0.2, 0.2,
 * would give P20 = 1: the direction matters and is the documented one. */
static void test_repeatability(void)
{
	static const double first[5] = { 10, 11, 12, 10, 10 }, second[5] = { 10, 10, 10, 8, 12 };
	char err[ERR_LEN] = "";
	struct metrics m;

	CU_ASSERT_EQUAL_FATAL(metrics_repeatability(first, second, 5, &m, err), 0);
	CU_ASSERT_EQUAL(m.n, 5);
	CU_ASSERT_EQUAL(m.p10, 0.4);
	CU_ASSERT_EQUAL(m.p20, 0.8);
	/* MAPE: (0 + 0.1 + 0.2 + 0.25 + 1/6) / 5 */
	ASSERT_CLOSE(m.mape, (0.55 + 1.0 / 6) / 5, 1e-15);
	CU_ASSERT_EQUAL(metrics_repeatability(first, second, 0, &m, err), -1);
	CU_ASSERT(strstr(err, "no re-measured samples") != NULL);
	CU_ASSERT_EQUAL(metrics_repeatability(second, (const double[5]){ 1, 1, 1, 1, 0 }, 5, &m,
					      err),
			-1);
	CU_ASSERT(strstr(err, "latency 4 is 0") != NULL);
	CU_ASSERT_EQUAL(metrics_repeatability((const double[2]){ 1, -1 }, first, 2, &m, err), -1);
	CU_ASSERT(strstr(err, "first median 1 is -1") != NULL);
}

static void test_median(void)
{
	double odd[3] = { 3, 1, 2 }, even[4] = { 4, 1, 3, 2 }, bad[2] = { 1, NAN }, v = 0;
	char err[ERR_LEN] = "";

	CU_ASSERT_EQUAL(metrics_median(odd, 3, &v, err), 0);
	CU_ASSERT_EQUAL(v, 2.0);
	CU_ASSERT_EQUAL(metrics_median(even, 4, &v, err), 0);
	CU_ASSERT_EQUAL(v, 2.5);	/* (2 + 3) / 2 */
	CU_ASSERT_EQUAL(odd[0], 3.0);	/* the input keeps its order */
	CU_ASSERT_EQUAL(even[0], 4.0);
	CU_ASSERT_EQUAL(metrics_median(odd, 0, &v, err), -1);
	CU_ASSERT_EQUAL(metrics_median(bad, 2, &v, err), -1);
	CU_ASSERT(strstr(err, "value 1 is not a number") != NULL);
}

static void test_bad_input(void)
{
	double y[2] = { 1, 0 }, p[2] = { 1, 1 }, runs[2] = { NAN, NAN }, p10 = 0, p20 = 0;
	double neg[2] = { 1, -2 };
	char err[ERR_LEN] = "";
	struct metrics m;

	CU_ASSERT_EQUAL(metrics_compute(p, y, 2, &m, err), -1);
	CU_ASSERT(strstr(err, "latency 1 is 0") != NULL);
	y[1] = 1;
	p[0] = INFINITY;
	CU_ASSERT_EQUAL(metrics_compute(p, y, 2, &m, err), -1);
	CU_ASSERT(strstr(err, "prediction 0") != NULL);
	/* no finite run at all: n/a, not an error */
	CU_ASSERT_EQUAL(metrics_single_run_noise(runs, NULL, 1, 2, &p10, &p20, err), 0);
	CU_ASSERT(isnan(p10) && isnan(p20));
	CU_ASSERT_EQUAL(metrics_single_run_noise(neg, NULL, 1, 2, &p10, &p20, err), -1);
	CU_ASSERT(strstr(err, "run 1 of sample 0 is -2") != NULL);
}

UNIT_SUITE("metrics", UNIT_TEST(test_by_hand), UNIT_TEST(test_constant_truth),
	   UNIT_TEST(test_single_run_noise), UNIT_TEST(test_single_run_na),
	   UNIT_TEST(test_repeatability), UNIT_TEST(test_median), UNIT_TEST(test_bad_input));
