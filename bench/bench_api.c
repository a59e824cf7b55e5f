/* bench_api.c - the prediction API's speed, as a program linked to modlat
 * calls it (README "Online prediction"):
 *   - one module per call (modlat_predict): median time per call over rounds
 *     of 64 calls, each call a different shape, for a network RM and a tree
 *     RM (MODEL_NN, MODEL_TREE: conv models);
 *   - many modules per call (modlat_predict_batch, 10,000 conv modules):
 *     predictions per second, one thread;
 *   - a whole network per call (modlat_predict_network) with the selection:
 *     median time per call.
 * The state (mem_avail, util) is given, as an optimiser that tracks it
 * would; reading it live adds at most one /proc read per 10 ms.
 * Usage: bench_api MODEL_NN MODEL_TREE SELECTION NETWORK */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "modlat.h"

#define ROUND 64
#define ROUNDS 2000
#define NBATCH 10000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(double), cmp);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A conv of varied shape, in the paper's ranges; state given. */
static void query(struct modlat_module *m, unsigned i)
{
	static const long hws[] = { 224, 112, 56, 32, 28, 27, 14, 13, 8, 7 };

	modlat_module_init(m);
	m->kind = MODLAT_CONV;
	m->batch = 1 + (long)(i * 7 % 64);
	m->cin = 3 + (long)(i * 37 % 510);
	m->cout = 3 + (long)(i * 53 % 510);
	m->hw = hws[i % 10];
	m->kernel = 1 + 2 * (long)(i % 5);
	m->stride = 1 + (long)(i % 3 == 2 ? 3 : i % 3);
	m->mem_avail = 2.4e10;
	m->util = 0.01;
	m->flags = MODLAT_STATE_GIVEN;
}

static int single(const char *label, const char *path)
{
	char err[MODLAT_ERR_LEN];
	struct modlat_predictor *p = modlat_open(path, err);
	struct modlat_module q[ROUND];
	static double t[ROUNDS];
	volatile double sink = 0;
	double v;
	int r, k;

	if (!p) {
		fprintf(stderr, "bench_api: %s\n", err);
		return -1;
	}
	for (k = 0; k < ROUND; k++)
		query(&q[k], (unsigned)k);
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now();

		for (k = 0; k < ROUND; k++) {
			if (modlat_predict(p, &q[k], &v, err) < 0) {
				fprintf(stderr, "bench_api: %s\n", err);
				modlat_close(p);
				return -1;
			}
			sink += v;
		}
		t[r] = (now() - t0) / ROUND;
	}
	(void)sink;
	printf("api single %-5s %8.3f us per prediction (median of %d rounds of %d; %s)\n", label,
	       1e6 * median(t, ROUNDS), ROUNDS, ROUND, path);
	modlat_close(p);
	return 0;
}

int main(int argc, char **argv)
{
	char err[MODLAT_ERR_LEN];
	struct modlat_predictor *p;
	struct modlat_network *net;
	struct modlat_module *q, state;
	double *out, t0, best = 1e30, total;
	static double t[ROUNDS];
	unsigned i;
	int r;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_api MODEL_NN MODEL_TREE SELECTION NETWORK\n");
		return 2;
	}
	if (single("nn", argv[1]) < 0 || single("tree", argv[2]) < 0)
		return 1;
	if (!(p = modlat_open(argv[1], err))) {
		fprintf(stderr, "bench_api: %s\n", err);
		return 1;
	}
	q = calloc(NBATCH, sizeof(*q));
	out = calloc(NBATCH, sizeof(*out));
	if (!q || !out)
		return 1;
	for (i = 0; i < NBATCH; i++)
		query(&q[i], i);
	for (r = 0; r < 20; r++) {
		t0 = now();
		if (modlat_predict_batch(p, q, NBATCH, out, NULL, err) < 0) {
			fprintf(stderr, "bench_api: %s\n", err);
			return 1;
		}
		if (now() - t0 < best)
			best = now() - t0;
		t[r] = now() - t0;
	}
	printf("api batch  nn    %8.3f million predictions per second (median of 20 calls of %d; "
	       "best %.3f)\n", NBATCH / median(t, 20) / 1e6, NBATCH, NBATCH / best / 1e6);
	modlat_close(p);
	free(q);
	free(out);

	if (!(p = modlat_open(argv[3], err)) || !(net = modlat_network_read(argv[4], err))) {
		fprintf(stderr, "bench_api: %s\n", err);
		return 1;
	}
	query(&state, 0);
	for (r = 0; r < ROUNDS; r++) {
		t0 = now();
		if (modlat_predict_network(p, net, 1, &state, &total, NULL, err) < 0) {
			fprintf(stderr, "bench_api: %s\n", err);
			return 1;
		}
		t[r] = now() - t0;
	}
	printf("api network %s %8.3f us per whole-network prediction (median of %d; %s)\n",
	       modlat_network_name(net), 1e6 * median(t, ROUNDS), ROUNDS, argv[3]);
	modlat_network_free(net);
	modlat_close(p);
	return 0;
}
