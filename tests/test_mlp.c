/* Tests of mlp.c: size, gradient against finite differences, learning a
 * smooth function, determinism, single vs batched prediction, export/import,
 * bad input. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mlp.h"
#include "param_set.h"
#include "rng.h"
#include "unit.h"

/* y = log(1 + 10 x0 x1 x2 + x3) + 0.5 on [0, 1]^4: in [0.5, 3.0], away from 0 */
static void synth(size_t n, double *X, double *y, uint64_t seed)
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
static double within(const double *p, const double *y, size_t n, double tol)
{
	size_t i, ok = 0;

	for (i = 0; i < n; i++)
		ok += fabs(p[i] - y[i]) <= tol * fabs(y[i]);
	return (double)ok / n;
}

static void test_mlp_size(void)
{
	struct mlp_params p;
	struct mlp_model *m;
	char err[ERR_LEN];

	mlp_params_default(&p);
	CU_ASSERT(p.nhidden == 2 && p.hidden[0] == 128 && p.hidden[1] == 128);
	CU_ASSERT(p.epochs == 500 && p.batch == 64 && p.lr == 0.005);
	m = mlp_new(10, &p, err);
	CU_ASSERT_FATAL(m != NULL);
	/* 10*128+128 + 128*128+128 + 128+1 */
	CU_ASSERT(mlp_param_count(m) == 18049);
	CU_ASSERT(mlp_size_bytes(m) == 18049 * 4);
	CU_ASSERT(m->net.nlayers == 3 && m->net.act[1] == NN_ACT_RELU &&
		  m->net.act[2] == NN_ACT_IDENTITY);
	mlp_free(m);
}

static void test_mlp_gradient(void)
{
	enum { ROWS = 7, D = 3 };
	struct mlp_params p;
	struct mlp_model *m;
	struct rng r;
	char err[ERR_LEN];
	float x[ROWS * D], y[ROWS], *g, *g2;
	double loss, lp, lm;
	size_t k, n;
	int i, bad = 0;

	mlp_params_default(&p);
	p.hidden[0] = 6;
	p.hidden[1] = 5;
	p.seed = 4;
	m = mlp_new(D, &p, err);
	CU_ASSERT_FATAL(m != NULL);
	n = mlp_param_count(m);
	g = calloc(n, sizeof(float));
	g2 = calloc(n, sizeof(float));
	rng_init(&r, 9, 0);
	for (i = 0; i < ROWS * D; i++)
		x[i] = (float)rng_uniform(&r);
	for (i = 0; i < ROWS; i++)
		y[i] = (float)(4.0 * rng_uniform(&r) - 2.0); /* both SmoothL1 branches */
	CU_ASSERT_FATAL(mlp_loss_grad(m, x, y, ROWS, g, &loss, err) == 0);
	CU_ASSERT(loss > 0);
	for (k = 0; k < n; k++) {
		float keep = m->params[k], hi = keep + 1e-3f, lo = keep - 1e-3f;
		double fd;

		m->params[k] = hi;
		mlp_loss_grad(m, x, y, ROWS, g2, &lp, err);
		m->params[k] = lo;
		mlp_loss_grad(m, x, y, ROWS, g2, &lm, err);
		m->params[k] = keep;
		fd = (lp - lm) / ((double)hi - lo);
		if (fabs(g[k] - fd) > 1e-2 * fabs(fd) + 2e-4)
			bad++;
	}
	CU_ASSERT(bad == 0);
	/* grads are overwritten, not accumulated */
	CU_ASSERT_FATAL(mlp_loss_grad(m, x, y, ROWS, g2, &lp, err) == 0);
	CU_ASSERT(memcmp(g, g2, n * sizeof(float)) == 0 && lp == loss);
	free(g);
	free(g2);
	mlp_free(m);
}

struct losses {
	double first, last;
	int epochs;
};

static int record(void *ctx, int epoch, double loss)
{
	struct losses *l = ctx;

	if (epoch == 1)
		l->first = loss;
	l->last = loss;
	l->epochs = epoch;
	return 0;
}

static void test_mlp_learns(void)
{
	enum { N = 1500, NT = 500 };
	static double X[N * 4], y[N], Xt[NT * 4], yt[NT], pt[NT];
	struct mlp_params p;
	struct mlp_model *m;
	struct losses l = { 0 };
	char err[ERR_LEN];

	synth(N, X, y, 1);
	synth(NT, Xt, yt, 2);
	mlp_params_default(&p);
	p.epochs = 40;
	p.progress = record;
	p.progress_ctx = &l;
	CU_ASSERT_FATAL(mlp_fit(X, y, N, 4, &p, &m, err) == 0);
	CU_ASSERT(l.epochs == 40);
	CU_ASSERT(l.last < l.first / 10);
	CU_ASSERT_FATAL(mlp_predict(m, Xt, NT, pt, err) == 0);
	CU_ASSERT(within(pt, yt, NT, 0.2) >= 0.95);
	CU_ASSERT(within(pt, yt, NT, 0.1) >= 0.80);
	mlp_free(m);
}

static void test_mlp_deterministic(void)
{
	enum { N = 300 };
	static double X[N * 4], y[N], p1[N];
	struct mlp_params p;
	struct mlp_model *a, *b, *c;
	char err[ERR_LEN];
	size_t i;

	synth(N, X, y, 3);
	mlp_params_default(&p);
	p.epochs = 3;
	p.batch = 50;
	p.seed = 12;
	CU_ASSERT_FATAL(mlp_fit(X, y, N, 4, &p, &a, err) == 0);
	CU_ASSERT_FATAL(mlp_fit(X, y, N, 4, &p, &b, err) == 0);
	p.seed = 13;
	CU_ASSERT_FATAL(mlp_fit(X, y, N, 4, &p, &c, err) == 0);
	CU_ASSERT(memcmp(a->params, b->params, mlp_size_bytes(a)) == 0);
	CU_ASSERT(memcmp(a->params, c->params, mlp_size_bytes(a)) != 0);
	/* single-sample and batched predictions agree */
	CU_ASSERT_FATAL(mlp_predict(a, X, N, p1, err) == 0);
	for (i = 0; i < N; i++)
		ASSERT_CLOSE(mlp_predict_one(a, X + 4 * i), p1[i], 1e-5);
	mlp_free(a);
	mlp_free(b);
	mlp_free(c);
}

static void test_mlp_export_import(void)
{
	enum { N = 64 };
	static double X[N * 4], y[N];
	struct mlp_params p;
	struct mlp_model *m, *back;
	struct param_set ps;
	const struct param_entry *w;
	char err[ERR_LEN];
	size_t i;

	synth(N, X, y, 5);
	mlp_params_default(&p);
	p.nhidden = 3;
	p.hidden[2] = 16;
	p.epochs = 2;
	CU_ASSERT_FATAL(mlp_fit(X, y, N, 4, &p, &m, err) == 0);
	param_set_init(&ps);
	CU_ASSERT_FATAL(mlp_export(m, &ps, err) == 0);
	CU_ASSERT(ps.n == 8);
	w = param_set_find(&ps, "layers.0.weight");
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT(w->rank == 2 && w->shape[0] == 128 && w->shape[1] == 4);
	CU_ASSERT(param_set_find(&ps, "layers.3.bias")->shape[0] == 1);
	CU_ASSERT_FATAL(mlp_import(&ps, &back, err) == 0);
	CU_ASSERT(back->d == 4 && back->net.nlayers == 4 && back->net.width[3] == 16);
	CU_ASSERT(memcmp(m->params, back->params, mlp_size_bytes(m)) == 0);
	for (i = 0; i < N; i++)
		CU_ASSERT(mlp_predict_one(m, X + 4 * i) == mlp_predict_one(back, X + 4 * i));
	mlp_free(back);
	/* a broken chain of shapes is refused */
	ps.entries[2].shape[1] = 127; /* layers.1.weight takes 127 inputs */
	CU_ASSERT(mlp_import(&ps, &back, err) == -1);
	CU_ASSERT(back == NULL);
	CU_ASSERT_STRING_EQUAL(err, "mlp: 'layers.1.weight' takes 127 inputs, expected 128 "
			       "(the outputs of layer 0)");
	param_set_release(&ps);
	mlp_free(m);
}

static int stop_at_2(void *ctx, int epoch, double loss)
{
	(void)ctx;
	(void)loss;
	return epoch == 2;
}

static void test_mlp_errors(void)
{
	double X[] = { 0, 1, 0.5, INFINITY, 0, 0, 1, 1 }, y[] = { 1, 2 };
	struct mlp_params p;
	struct mlp_model *m = (struct mlp_model *)1;
	char err[ERR_LEN];

	mlp_params_default(&p);
	CU_ASSERT(mlp_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT(m == NULL);
	CU_ASSERT_STRING_EQUAL(err, "mlp: X row 0 column 3 is not a finite float (inf)");
	X[3] = 0.2;
	p.epochs = 0;
	CU_ASSERT(mlp_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT_STRING_EQUAL(err, "mlp: epochs 0, expected at least 1");
	p.epochs = 5;
	p.progress = stop_at_2;
	CU_ASSERT(mlp_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT(m == NULL);
	CU_ASSERT_STRING_EQUAL(err, "mlp: fit stopped at epoch 2");
	p.progress = NULL;
	CU_ASSERT_FATAL(mlp_fit(X, y, 2, 4, &p, &m, err) == 0); /* batch > n is fine */
	mlp_free(m);
	mlp_free(NULL);
}

UNIT_SUITE("mlp",
	   UNIT_TEST(test_mlp_size),
	   UNIT_TEST(test_mlp_gradient),
	   UNIT_TEST(test_mlp_learns),
	   UNIT_TEST(test_mlp_deterministic),
	   UNIT_TEST(test_mlp_export_import),
	   UNIT_TEST(test_mlp_errors));
