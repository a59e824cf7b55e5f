/* test_lop.c - the low-overhead predictor recovers planted models. */
#include <math.h>
#include <string.h>

#include "err.h"
#include "lop.h"
#include "param_set.h"
#include "rng.h"
#include "unit.h"

#define N 600

/* The planted model (latency in ms): a*ACTS + b*INP + c*FLOPs + d, and
 * below a base of B0 = 0.3 ms the measured latency is 0.4*base + 0.18
 * (continuous at B0). ACTS and INP span 1e3..1e8, FLOPs 1e5..1e11. */
static const double A = 2e-9, B = 1e-9, C = 4e-11, D = 0.02;
static const double B0 = 0.3, SLOPE = 0.4, OFFSET = 0.18;

static double planted(double acts, double inp, double flops)
{
	double base = A * acts + B * inp + C * flops + D;

	return base < B0 ? SLOPE * base + OFFSET : base;
}

static void make_data(double *acts, double *inp, double *flops, double *y, uint64_t seed,
		      double noise)
{
	struct rng r;
	size_t i;

	rng_init(&r, seed, 0);
	for (i = 0; i < N; i++) {
		acts[i] = pow(10, 3 + 5 * rng_uniform(&r));
		inp[i] = pow(10, 3 + 5 * rng_uniform(&r));
		flops[i] = pow(10, 5 + 6 * rng_uniform(&r));
		y[i] = planted(acts[i], inp[i], flops[i]) * (1 + noise * rng_normal(&r));
	}
}

/* Noiseless: the breakpoint search finds the planted split, so the fit on
 * the high range and the correction are exact (relative 1e-6). */
static void test_recovers_planted_model(void)
{
	double acts[N], inp[N], flops[N], y[N], lo_max = 0, hi_min = INFINITY;
	struct lop_model *m = NULL;
	char err[ERR_LEN] = "";
	size_t i, nlow = 0, ncorrected = 0;

	make_data(acts, inp, flops, y, 1, 0.0);
	for (i = 0; i < N; i++) {
		double base = A * acts[i] + B * inp[i] + C * flops[i] + D;

		if (base < B0) {
			nlow++;
			lo_max = y[i] > lo_max ? y[i] : lo_max;
		} else {
			hi_min = y[i] < hi_min ? y[i] : hi_min;
		}
	}
	CU_ASSERT_EQUAL_FATAL(lop_fit(acts, inp, flops, y, N, &m, err), 0);
	ASSERT_CLOSE(m->a / A, 1.0, 1e-6);
	ASSERT_CLOSE(m->b / B, 1.0, 1e-6);
	ASSERT_CLOSE(m->c / C, 1.0, 1e-6);
	ASSERT_CLOSE(m->d / D, 1.0, 1e-6);
	ASSERT_CLOSE(m->slope, SLOPE, 1e-6);
	ASSERT_CLOSE(m->offset / OFFSET, 1.0, 1e-6);
	/* the breakpoint lies in the gap between the two regimes' latencies */
	CU_ASSERT(m->breakpoint > lo_max && m->breakpoint < hi_min);
	/* the model corrects exactly the planted low regime */
	for (i = 0; i < N; i++)
		ncorrected += lop_base(m, acts[i], inp[i], flops[i]) < m->breakpoint;
	CU_ASSERT_EQUAL(ncorrected, nlow);
	for (i = 0; i < N; i++)
		ASSERT_CLOSE(lop_predict_one(m, acts[i], inp[i], flops[i]) / y[i], 1.0, 1e-6);
	lop_free(m);
}

/* The same planted recovery with the breakpoint elsewhere: the search
 * (coarse quantiles, then every candidate between the best one's
 * neighbours) must find the one candidate in the gap wherever it lies. */
static void test_search_finds_the_gap(void)
{
	double acts[N], inp[N], flops[N], y[N];
	size_t k, i;

	/* B0 = 0.05 .. 1.28 ms: the gap lies below the best coarse quantile
	 * for some (0.57, 0.85), above it for others */
	for (k = 0; k < 9; k++) {
		double b0 = 0.05 * pow(1.5, (double)k), lo_max = 0, hi_min = INFINITY;
		struct lop_model *m = NULL;
		char err[ERR_LEN] = "";
		int bad = 0;

		make_data(acts, inp, flops, y, 10, 0.0);
		for (i = 0; i < N; i++) {
			double base = A * acts[i] + B * inp[i] + C * flops[i] + D;

			y[i] = base < b0 ? SLOPE * base + b0 * (1 - SLOPE) : base;
			if (base < b0)
				lo_max = y[i] > lo_max ? y[i] : lo_max;
			else
				hi_min = y[i] < hi_min ? y[i] : hi_min;
		}
		CU_ASSERT_EQUAL_FATAL(lop_fit(acts, inp, flops, y, N, &m, err), 0);
		CU_ASSERT(m->breakpoint > lo_max && m->breakpoint < hi_min);
		for (i = 0; i < N; i++)
			bad += fabs(lop_predict_one(m, acts[i], inp[i], flops[i]) / y[i] - 1) > 1e-6;
		CU_ASSERT_EQUAL(bad, 0);
		lop_free(m);
	}
}

/* n rows: the top `high` (inputs around 1e7..1e8) follow the base model,
 * the others (1e3..1e5) 0.4 * base; the two regimes' latencies are far
 * apart. flops_only: ACTS and INP are 0, so the base has two unknowns (c,
 * d) and 3 rows determine it. */
static void small_data(double *acts, double *inp, double *flops, double *y, size_t n,
		       size_t high, int flops_only)
{
	struct rng r;
	size_t i;

	rng_init(&r, 5, 0);
	for (i = 0; i < n; i++) {
		double lo = i < n - high ? 3 : 7, span = i < n - high ? 2 : 1, base;

		acts[i] = pow(10, lo + span * rng_uniform(&r));
		inp[i] = pow(10, lo + span * rng_uniform(&r));
		flops[i] = pow(10, lo + 2 + span * rng_uniform(&r));
		if (flops_only)
			acts[i] = inp[i] = 0;
		base = A * acts[i] + B * inp[i] + C * flops[i] + D;
		y[i] = i < n - high ? 0.4 * base : base;
	}
}

/* A breakpoint needs 4 samples above it: with exactly 4 high rows the
 * planted split is a candidate and recovered exactly; with 3 it is not (although
 * those 3 would determine a FLOPs-only base exactly), so the breakpoint
 * stays below the 4th largest latency. */
static void test_breakpoint_min_samples(void)
{
	double acts[12], inp[12], flops[12], y[12], fourth = 0;
	struct lop_model *m = NULL;
	char err[ERR_LEN] = "";
	size_t i;

	small_data(acts, inp, flops, y, 12, 4, 0);
	CU_ASSERT_EQUAL_FATAL(lop_fit(acts, inp, flops, y, 12, &m, err), 0);
	CU_ASSERT(m->breakpoint > y[7] && m->breakpoint < y[8]);
	for (i = 0; i < 12; i++)
		ASSERT_CLOSE(lop_predict_one(m, acts[i], inp[i], flops[i]) / y[i], 1.0, 1e-6);
	lop_free(m);
	small_data(acts, inp, flops, y, 12, 3, 1);
	for (i = 0; i < 9; i++)
		fourth = y[i] > fourth ? y[i] : fourth;
	CU_ASSERT_EQUAL_FATAL(lop_fit(acts, inp, flops, y, 12, &m, err), 0);
	CU_ASSERT(m->breakpoint < fourth);
	lop_free(m);
}

/* On noisy data, the fitted model is what the method says, checked against
 * a reference computed here: (slope, offset) is the least squared relative
 * error fit over exactly the rows whose base is below the breakpoint, and
 * (a, b, c, d) satisfies the NNLS optimality conditions on the rows whose
 * latency is above it (gradient 0 where a coefficient is > 0, >= 0 where it
 * is 0). */
static void test_fit_rows(void)
{
	double acts[N], inp[N], flops[N], y[N];
	double s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0, det, slope, offset;
	double g[4] = { 0 }, gs[4] = { 0 }, coef[4];
	struct lop_model *m = NULL;
	char err[ERR_LEN] = "";
	size_t i, j, nlow = 0, nhigh = 0;

	make_data(acts, inp, flops, y, 2, 0.03);
	CU_ASSERT_EQUAL_FATAL(lop_fit(acts, inp, flops, y, N, &m, err), 0);
	CU_ASSERT_FATAL(m->breakpoint > 0);
	coef[0] = m->a, coef[1] = m->b, coef[2] = m->c, coef[3] = m->d;
	for (i = 0; i < N; i++) {
		double base = lop_base(m, acts[i], inp[i], flops[i]);
		double x[4] = { acts[i], inp[i], flops[i], 1 };

		if (base < m->breakpoint) {	/* rows (base/y, 1/y) -> 1 */
			double u = base / y[i], v = 1 / y[i];

			s11 += u * u, s12 += u * v, s22 += v * v, r1 += u, r2 += v;
			nlow++;
		}
		if (y[i] > m->breakpoint) {
			for (j = 0; j < 4; j++) {
				g[j] += x[j] * (base - y[i]);
				gs[j] += fabs(x[j] * y[i]);
			}
			nhigh++;
		}
	}
	CU_ASSERT_FATAL(nlow > 10 && nhigh > 10);
	det = s11 * s22 - s12 * s12;
	slope = (r1 * s22 - r2 * s12) / det;
	offset = (s11 * r2 - s12 * r1) / det;
	ASSERT_CLOSE(m->slope, slope, 1e-6);
	ASSERT_CLOSE(m->offset / offset, 1.0, 1e-6);
	for (j = 0; j < 4; j++) {
		if (coef[j] > 0) {
			CU_ASSERT(fabs(g[j]) <= 1e-7 * gs[j]);
		} else {
			CU_ASSERT(g[j] >= -1e-7 * gs[j]);
		}
	}
	lop_free(m);
}

/* 3% multiplicative noise: c (FLOPs carry most of the latency) within 2%,
 * a and b (smaller shares, so less determined) within 15%, the breakpoint
 * within 0.1 ms of 0.3, and 95% of samples within 10% (3.3 sigma). */
static void test_noisy_data(void)
{
	double acts[N], inp[N], flops[N], y[N];
	struct lop_model *m = NULL;
	char err[ERR_LEN] = "";
	size_t i, within = 0;

	make_data(acts, inp, flops, y, 2, 0.03);
	CU_ASSERT_EQUAL_FATAL(lop_fit(acts, inp, flops, y, N, &m, err), 0);
	ASSERT_CLOSE(m->a / A, 1.0, 0.15);
	ASSERT_CLOSE(m->b / B, 1.0, 0.15);
	ASSERT_CLOSE(m->c / C, 1.0, 0.02);
	CU_ASSERT(m->a >= 0 && m->b >= 0 && m->c >= 0 && m->d >= 0);
	CU_ASSERT(m->breakpoint > 0.2 && m->breakpoint < 0.4);
	for (i = 0; i < N; i++)
		within += fabs(lop_predict_one(m, acts[i], inp[i], flops[i]) - y[i]) <= 0.1 * y[i];
	CU_ASSERT(within >= 0.95 * N);
	lop_free(m);
}

/* Latency depends on FLOPs only, with a negative pull from ACTS that the
 * constraint must stop: y = 1e-10 FLOPs + 0.5 - 1e-9 ACTS (kept > 0).
 * Unconstrained least squares would give a < 0; NNLS gives a = 0. */
static void test_coefficients_stay_non_negative(void)
{
	double acts[N], inp[N], flops[N], y[N];
	struct lop_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rng r;
	size_t i;

	rng_init(&r, 3, 0);
	for (i = 0; i < N; i++) {
		acts[i] = pow(10, 3 + 5 * rng_uniform(&r));
		inp[i] = pow(10, 3 + 5 * rng_uniform(&r));
		flops[i] = pow(10, 9 + 2 * rng_uniform(&r));
		y[i] = 1e-10 * flops[i] + 0.5 - 1e-9 * acts[i];
	}
	CU_ASSERT_EQUAL_FATAL(lop_fit(acts, inp, flops, y, N, &m, err), 0);
	CU_ASSERT_EQUAL(m->a, 0.0);
	CU_ASSERT(m->b >= 0 && m->c > 0 && m->d >= 0);
	lop_free(m);
}

static void test_export_import(void)
{
	double acts[N], inp[N], flops[N], y[N];
	struct lop_model *m = NULL, *m2 = NULL;
	char err[ERR_LEN] = "";
	struct param_set ps;

	make_data(acts, inp, flops, y, 4, 0.02);
	CU_ASSERT_EQUAL_FATAL(lop_fit(acts, inp, flops, y, N, &m, err), 0);
	param_set_init(&ps);
	CU_ASSERT_EQUAL_FATAL(lop_export(m, &ps, err), 0);
	CU_ASSERT_EQUAL(ps.n, 4);
	CU_ASSERT_EQUAL_FATAL(lop_import(&ps, &m2, err), 0);
	CU_ASSERT_EQUAL(memcmp(m, m2, sizeof(*m)), 0);
	((double *)param_set_find(&ps, "coef")->data)[2] = -1;
	lop_free(m2);
	CU_ASSERT_EQUAL(lop_import(&ps, &m2, err), -1);
	CU_ASSERT(strstr(err, "'coef' value 2") != NULL);
	param_set_release(&ps);
	lop_free(m);
}

static void test_bad_input(void)
{
	double acts[2] = { 1, 2 }, inp[2] = { 1, 2 }, flops[2] = { 1, 2 }, y[2] = { 1, 0 };
	struct lop_model *m = NULL;
	char err[ERR_LEN] = "";

	CU_ASSERT_EQUAL(lop_fit(acts, inp, flops, y, 2, &m, err), -1);
	CU_ASSERT(strstr(err, "latency 1 is 0") != NULL);
	y[1] = 2;
	acts[0] = -1;
	CU_ASSERT_EQUAL(lop_fit(acts, inp, flops, y, 2, &m, err), -1);
	CU_ASSERT(strstr(err, "acts of sample 0") != NULL);
	CU_ASSERT(m == NULL);
}

UNIT_SUITE("lop", UNIT_TEST(test_recovers_planted_model), UNIT_TEST(test_noisy_data),
	   UNIT_TEST(test_search_finds_the_gap), UNIT_TEST(test_breakpoint_min_samples),
	   UNIT_TEST(test_fit_rows),
	   UNIT_TEST(test_coefficients_stay_non_negative), UNIT_TEST(test_export_import),
	   UNIT_TEST(test_bad_input));
