/* bench_nn - times the deep RMs on synthetic data shaped like the paper's conv
 * training split: MEDN (conv's Table 4 configuration) and MLP fits, batched
 * prediction, and single-sample prediction (median over many calls).
 *
 * Usage: bench_nn [--rows N] [--epochs E] [--batch B] [--leaky] [--skip-mlp]
 * Defaults: 7000 rows x 10 features, 500 epochs, batch 64, ReLU. The fits and
 * batched predictions run OpenBLAS on one thread whatever the caller's
 * setting (see nn.h). Results on stdout.
 * Build: gcc -std=c11 -D_GNU_SOURCE -O2 -Isrc/lib $(pkg-config --cflags openblas)
 *   -o bench_nn bench/bench_nn.c src/lib/{nn,mlp,medn,param_set,err,rng}.c
 *   $(pkg-config --libs openblas) -lm */
#include <cblas.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "medn.h"
#include "mlp.h"
#include "rng.h"

#define D 10

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A smooth, conv-latency-like target of features in [0, 1]. */
static void synth(size_t n, double *X, double *y, uint64_t seed)
{
	struct rng r;
	size_t i;
	int j;

	rng_init(&r, seed, 0);
	for (i = 0; i < n; i++) {
		double *x = X + i * D;

		for (j = 0; j < D; j++)
			x[j] = rng_uniform(&r);
		y[i] = log(1.0 + 20.0 * x[0] * x[1] * x[2] * (0.2 + x[3]) / (0.5 + x[4])) +
		       0.1 * x[5] + 0.05 * x[6] * x[7] + 0.3 * x[8] * x[9] + 1.0;
	}
}

static double p20(const double *p, const double *y, size_t n)
{
	size_t i, ok = 0;

	for (i = 0; i < n; i++)
		ok += fabs(p[i] - y[i]) <= 0.2 * fabs(y[i]);
	return (double)ok / n;
}

/* median single-sample time in microseconds: blocks of calls, median block */
static double time_one(double (*fn)(const void *, const double *), const void *m,
		       const double *X, size_t n)
{
	enum { BLOCKS = 201, CALLS = 1000 };
	static double t[BLOCKS];
	volatile double sink = 0;
	int b, c;

	for (b = 0; b < BLOCKS; b++) {
		double t0 = now();

		for (c = 0; c < CALLS; c++)
			sink += fn(m, X + (size_t)((b * CALLS + c) % n) * D);
		t[b] = (now() - t0) / CALLS * 1e6;
	}
	(void)sink;
	qsort(t, BLOCKS, sizeof(double), cmp_double);
	return t[BLOCKS / 2];
}

static double medn_one(const void *m, const double *x)
{
	return medn_predict_one(m, x);
}

static double mlp_one(const void *m, const double *x)
{
	return mlp_predict_one(m, x);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rows", required_argument, 0, 'n' },  { "epochs", required_argument, 0, 'e' },
		{ "batch", required_argument, 0, 'b' }, { "leaky", no_argument, 0, 'l' },
		{ "skip-mlp", no_argument, 0, 's' },    { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	size_t n = 7000, ntest = 2000;
	int epochs = 500, batch = 64, leaky = 0, skip_mlp = 0, c;
	char err[ERR_LEN];
	double *X, *y, *Xt, *yt, *pred, t0, t;
	struct medn_params mp;
	struct mlp_params lp;
	struct medn_model *medn;
	struct mlp_model *mlp;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'e': epochs = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'l': leaky = 1; break;
		case 's': skip_mlp = 1; break;
		case 'h':
			printf("usage: bench_nn [--rows 7000] [--epochs 500] [--batch 64] [--leaky] "
			       "[--skip-mlp]\n");
			return 0;
		default:
			fprintf(stderr, "bench_nn: try --help\n");
			return 2;
		}
	}
	X = malloc(n * D * sizeof(double));
	y = malloc(n * sizeof(double));
	Xt = malloc(ntest * D * sizeof(double));
	yt = malloc(ntest * sizeof(double));
	pred = malloc(ntest * sizeof(double));
	if (!X || !y || !Xt || !yt || !pred) {
		fprintf(stderr, "bench_nn: out of memory\n");
		return 1;
	}
	synth(n, X, y, 1);
	synth(ntest, Xt, yt, 2);
	printf("rows %zu x %d features, %d epochs, batch %d, %s, OpenBLAS %s core\n", n, D,
	       epochs, batch, leaky ? "leaky ReLU" : "ReLU", openblas_get_corename());

	medn_params_default(&mp);
	mp.epochs = epochs;
	mp.batch = batch;
	mp.act = leaky ? NN_ACT_LEAKY_RELU : NN_ACT_RELU;
	t0 = now();
	if (medn_fit(X, y, n, D, &mp, &medn, err) < 0) {
		fprintf(stderr, "bench_nn: %s\n", err);
		return 1;
	}
	t = now() - t0;
	if (medn_predict(medn, Xt, ntest, pred, err) < 0) {
		fprintf(stderr, "bench_nn: %s\n", err);
		return 1;
	}
	printf("medn  fit %7.2f s (%.3f ms/step)  params %zu  test P20 %.4f\n", t,
	       t * 1e3 / (epochs * ((n + batch - 1) / batch)), medn_param_count(medn),
	       p20(pred, yt, ntest));
	t0 = now();
	for (c = 0; c < 50; c++)
		medn_predict(medn, Xt, ntest, pred, err);
	printf("medn  predict batched %.3f us/sample\n", (now() - t0) / (50.0 * ntest) * 1e6);
	printf("medn  predict_one median %.3f us\n", time_one(medn_one, medn, Xt, ntest));

	if (!skip_mlp) {
		mlp_params_default(&lp);
		lp.epochs = epochs;
		lp.batch = batch;
		t0 = now();
		if (mlp_fit(X, y, n, D, &lp, &mlp, err) < 0) {
			fprintf(stderr, "bench_nn: %s\n", err);
			return 1;
		}
		t = now() - t0;
		mlp_predict(mlp, Xt, ntest, pred, err);
		printf("mlp   fit %7.2f s (%.3f ms/step)  params %zu  test P20 %.4f\n", t,
		       t * 1e3 / (epochs * ((n + batch - 1) / batch)), mlp_param_count(mlp),
		       p20(pred, yt, ntest));
		printf("mlp   predict_one median %.3f us\n", time_one(mlp_one, mlp, Xt, ntest));
		mlp_free(mlp);
	}
	medn_free(medn);
	free(X);
	free(y);
	free(Xt);
	free(yt);
	free(pred);
	return 0;
}
