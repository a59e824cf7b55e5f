/* bench_rm.c - times the regression models on a conv-sized synthetic set.
 *
 * 7,000 rows x 12 min-max scaled features (batch, channels, size, kernel,
 * stride drawn like gen's conv sampling, plus memory, utilisation and
 * derived sizes), target = a latency-like FLOP/memory model with 5% noise.
 * Prints one line per measurement: rf fit (wall and CPU seconds: on a
 * shared machine the CPU time shows the work, the wall time the wait),
 * rf predict_one and linreg predict_one (median over batches of calls on
 * consecutive rows, so every call sees a new row; the fastest batch too).
 * Usage: bench_rm [threads]   (0 = all cores, the default)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "err.h"
#include "linreg.h"
#include "metrics.h"
#include "rf.h"
#include "rng.h"

#define N 7000
#define D 12
#define CALLS 200	/* predictions per timed batch */
#define BATCHES 500

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static void synth(double *X, double *y, struct rng *r)
{
	static const double hw[] = { 224, 112, 56, 32, 28, 27, 14, 13, 8, 7 };
	double lo[D], hi[D];
	size_t i, j;

	for (i = 0; i < N; i++) {
		double *x = X + i * D;
		double b = (double)rng_range(r, 1, 64), ci = (double)rng_range(r, 3, 512);
		double co = (double)rng_range(r, 3, 512), l = hw[rng_range(r, 0, 9)];
		double k = (double)(1 + 2 * rng_range(r, 0, 4));
		double s = (double)(1 << rng_range(r, 0, 2));
		double mem = 8e9 + 4e9 * rng_uniform(r), util = rng_uniform(r);
		double lo_ = l / s, flops = 2 * b * ci * co * k * k * lo_ * lo_;
		double in = b * ci * l * l, outsz = b * co * lo_ * lo_;

		x[0] = b; x[1] = ci; x[2] = co; x[3] = l; x[4] = k; x[5] = s;
		x[6] = mem; x[7] = util; x[8] = in; x[9] = ci * co * k * k;
		x[10] = flops; x[11] = outsz;
		y[i] = (flops / 5e10 + (in + outsz) / 2e9 + 0.01) * (1 + 0.5 * util) *
			(1 + 0.05 * rng_normal(r));
	}
	for (j = 0; j < D; j++) {
		lo[j] = hi[j] = X[j];
		for (i = 0; i < N; i++) {
			lo[j] = X[i * D + j] < lo[j] ? X[i * D + j] : lo[j];
			hi[j] = X[i * D + j] > hi[j] ? X[i * D + j] : hi[j];
		}
	}
	for (i = 0; i < N; i++)
		for (j = 0; j < D; j++)
			X[i * D + j] = hi[j] > lo[j] ? (X[i * D + j] - lo[j]) / (hi[j] - lo[j]) : 0;
}

static volatile double sink;

/* The median (and *fastest) over BATCHES of the time per call of CALLS
 * predictions on consecutive rows, in microseconds. */
static double time_one(double (*fn)(const void *, const double *), const void *m,
		       const double *X, double *fastest)
{
	double per[BATCHES], med = 0;
	char err[ERR_LEN];
	size_t b, c, row = 0;

	for (b = 0; b < BATCHES; b++) {
		double t0 = now(), s = 0;

		for (c = 0; c < CALLS; c++) {
			s += fn(m, X + row * D);
			row = (row + 1) % N;
		}
		per[b] = (now() - t0) / CALLS * 1e6;
		sink = s;
	}
	*fastest = per[0];
	for (b = 1; b < BATCHES; b++)
		*fastest = per[b] < *fastest ? per[b] : *fastest;
	if (metrics_median(per, BATCHES, &med, err) < 0)
		fprintf(stderr, "bench_rm: %s\n", err);
	return med;
}

static double rf_one(const void *m, const double *x)
{
	return rf_predict_one(m, x);
}

static double lr_one(const void *m, const double *x)
{
	return linreg_predict_one(m, x);
}

int main(int argc, char **argv)
{
	double *X = malloc(sizeof(double) * N * D), *y = malloc(sizeof(double) * N);
	double t0, t1, c0, c1, med, fast;
	struct linreg_model *lr;
	struct rf_model *rf;
	struct rf_params p;
	char err[ERR_LEN];
	struct rng r;

	if (!X || !y)
		return 1;
	rng_init(&r, 1, 0);
	synth(X, y, &r);
	rf_params_init(&p);
	p.threads = argc > 1 ? atoi(argv[1]) : 0;
	t0 = now();
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (rf_fit(X, y, N, D, &p, &rf, err) < 0) {
		fprintf(stderr, "bench_rm: %s\n", err);
		return 1;
	}
	t1 = now();
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	printf("rf fit: %.2f s wall, %.2f s CPU (%d x %d, %d trees, max_depth %d, "
	       "max_features %d, threads %d (0 = all), %zu nodes)\n", t1 - t0, c1 - c0, N, D,
	       p.n_trees, p.max_depth, p.max_features, p.threads, rf_node_count(rf));
	med = time_one(rf_one, rf, X, &fast);
	printf("rf predict_one: %.2f us median, %.2f us fastest (%d batches of %d rows)\n",
	       med, fast, BATCHES, CALLS);
	if (linreg_fit(X, y, N, D, &lr, err) < 0) {
		fprintf(stderr, "bench_rm: %s\n", err);
		return 1;
	}
	med = time_one(lr_one, lr, X, &fast);
	printf("linreg predict_one: %.4f us median, %.4f us fastest (%d batches of %d rows)\n",
	       med, fast, BATCHES, CALLS);
	rf_free(rf);
	linreg_free(lr);
	free(X);
	free(y);
	return 0;
}
