/* nn_testutil.h - what tests/test_nn.c, test_mlp.c and test_medn.c share: a
 * smooth problem to learn, central differences against a gradient, and the
 * tests that mlp.c and medn.c pass alike (written once, for an RM with their
 * API: PFX_params_default, PFX_fit, PFX_predict, ...). */
#ifndef MODLAT_NN_TESTUTIL_H
#define MODLAT_NN_TESTUTIL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "rng.h"
#include "unit.h"

/* y = log(1 + 10 x0 x1 x2 + x3) + 0.5 on [0, 1]^4: in [0.5, 3.0], away from 0;
 * X is (n, 4) */
static inline void synth(size_t n, double *X, double *y, uint64_t seed)
{
	struct rng r;
	size_t i;
	int j;

	rng_init(&r, seed, 0);
	for (i = 0; i < n; i++) {
		double *x = X + 4 * i;

		for (j = 0; j < 4; j++)
			x[j] = rng_uniform(&r);
		y[i] = log(1.0 + 10.0 * x[0] * x[1] * x[2] + x[3]) + 0.5;
	}
}

/* share of |p - y| <= tol |y| */
static inline double within(const double *p, const double *y, size_t n, double tol)
{
	size_t i, ok = 0;

	for (i = 0; i < n; i++)
		ok += fabs(p[i] - y[i]) <= tol * fabs(y[i]);
	return (double)ok / n;
}

/* The first and last epoch losses a fit reported through record. */
struct losses {
	double first, last;
	int epochs;
};

/* A progress callback (mlp_params, medn_params); ctx is a struct losses. */
static inline int record(void *ctx, int epoch, double loss)
{
	struct losses *l = ctx;

	if (epoch == 1)
		l->first = loss;
	l->last = loss;
	l->epochs = epoch;
	return 0;
}

/* The loss at the current values of the variables fd_mismatches moves. */
typedef double fd_loss_fn(void *ctx);

/* Central differences of loss in each of v[0..n-1] (steps of 1e-3f, v restored)
 * against the gradient g: returns how many k have NOT
 * |g[k] - fd| <= 1e-2 |fd| + atol (a NaN is a mismatch). */
static inline int fd_mismatches(float *v, size_t n, const float *g, fd_loss_fn *loss,
				void *ctx, double atol)
{
	size_t k;
	int bad = 0;

	for (k = 0; k < n; k++) {
		float keep = v[k], hi = keep + 1e-3f, lo = keep - 1e-3f;
		double lp, lm, fd;

		v[k] = hi;
		lp = loss(ctx);
		v[k] = lo;
		lm = loss(ctx);
		v[k] = keep;
		fd = (lp - lm) / ((double)hi - lo);
		if (!(fabs(g[k] - fd) <= 1e-2 * fabs(fd) + atol))
			bad++;
	}
	return bad;
}

/* x[0..nx-1] uniform in [0, xscale), then y[0..ny-1] uniform in [-2, 2) (both
 * SmoothL1 branches), from rng stream 0 of seed. */
static inline void random_batch(float *x, int nx, double xscale, float *y, int ny,
				uint64_t seed)
{
	struct rng r;
	int i;

	rng_init(&r, seed, 0);
	for (i = 0; i < nx; i++)
		x[i] = (float)(xscale * rng_uniform(&r));
	for (i = 0; i < ny; i++)
		y[i] = (float)(4.0 * rng_uniform(&r) - 2.0);
}

/* A minibatch to move the parameters of an RM's model over, for an fd_loss_fn
 * made of PFX_loss_grad. */
struct fd_batch {
	const void *model;  /* struct PFX_model */
	double w;           /* medn's reconstruction weight */
	const float *x, *y; /* (rows, d), (rows) */
	int rows;
	float *g;           /* scratch for the gradient, PFX_param_count floats */
};

/* PFX_learns(p): fits 1500 rows of synth (seed 1) for 40 epochs with the
 * settings p, which the caller has made from PFX_params_default: the loss
 * falls tenfold, and of 500 new rows (seed 2) 95% are predicted within 20%,
 * 80% within 10%. */
#define NN_TEST_LEARNS(PFX)                                                     \
	static void PFX##_learns(struct PFX##_params *p)                        \
	{                                                                       \
		enum { N = 1500, NT = 500 };                                    \
		static double X[N * 4], y[N], Xt[NT * 4], yt[NT], pt[NT];       \
		struct PFX##_model *m;                                          \
		struct losses l = { 0 };                                        \
		char err[ERR_LEN];                                              \
                                                                                \
		synth(N, X, y, 1);                                              \
		synth(NT, Xt, yt, 2);                                           \
		p->epochs = 40;                                                 \
		p->progress = record;                                           \
		p->progress_ctx = &l;                                           \
		CU_ASSERT_FATAL(PFX##_fit(X, y, N, 4, p, &m, err) == 0);        \
		CU_ASSERT(l.epochs == 40);                                      \
		CU_ASSERT(l.last < l.first / 10);                               \
		CU_ASSERT_FATAL(PFX##_predict(m, Xt, NT, pt, err) == 0);        \
		CU_ASSERT(within(pt, yt, NT, 0.2) >= 0.95);                     \
		CU_ASSERT(within(pt, yt, NT, 0.1) >= 0.80);                     \
		PFX##_free(m);                                                  \
	}

/* test_PFX_deterministic: two fits of the same data and seed give the same
 * bits, another seed others; single-sample predictions match the batched. */
#define NN_TEST_DETERMINISTIC(PFX)                                                  \
	static void test_##PFX##_deterministic(void)                                \
	{                                                                           \
		enum { N = 300 };                                                   \
		static double X[N * 4], y[N], p1[N];                                \
		struct PFX##_params p;                                              \
		struct PFX##_model *a, *b, *c;                                      \
		char err[ERR_LEN];                                                  \
		size_t i;                                                           \
                                                                                    \
		synth(N, X, y, 3);                                                  \
		PFX##_params_default(&p);                                           \
		p.epochs = 3;                                                       \
		p.batch = 50;                                                       \
		p.seed = 12;                                                        \
		CU_ASSERT_FATAL(PFX##_fit(X, y, N, 4, &p, &a, err) == 0);           \
		CU_ASSERT_FATAL(PFX##_fit(X, y, N, 4, &p, &b, err) == 0);           \
		p.seed = 13;                                                        \
		CU_ASSERT_FATAL(PFX##_fit(X, y, N, 4, &p, &c, err) == 0);           \
		CU_ASSERT(memcmp(a->params, b->params, PFX##_size_bytes(a)) == 0);  \
		CU_ASSERT(memcmp(a->params, c->params, PFX##_size_bytes(a)) != 0);  \
		CU_ASSERT_FATAL(PFX##_predict(a, X, N, p1, err) == 0);              \
		for (i = 0; i < N; i++)                                             \
			ASSERT_CLOSE(PFX##_predict_one(a, X + 4 * i), p1[i], 1e-5); \
		PFX##_free(a);                                                      \
		PFX##_free(b);                                                      \
		PFX##_free(c);                                                      \
	}

#endif
