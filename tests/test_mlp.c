/* Tests of mlp.c: size, gradient against finite differences, learning a
 * smooth function, determinism, single vs batched prediction, export/import,
 * bad input. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mlp.h"
#include "nn_testutil.h"
#include "param_set.h"
#include "unit.h"

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

/* mlp_loss_grad's loss of a struct fd_batch */
static double batch_loss(void *ctx)
{
	const struct fd_batch *b = ctx;
	char err[ERR_LEN];
	double loss;

	return mlp_loss_grad(b->model, b->x, b->y, b->rows, b->g, &loss, err) ? NAN : loss;
}

static void test_mlp_gradient(void)
{
	enum { ROWS = 7, D = 3 };
	struct mlp_params p;
	struct mlp_model *m;
	char err[ERR_LEN];
	float x[ROWS * D], y[ROWS], *g, *g2;
	double loss, lp;
	size_t n;

	mlp_params_default(&p);
	p.hidden[0] = 6;
	p.hidden[1] = 5;
	p.seed = 4;
	m = mlp_new(D, &p, err);
	CU_ASSERT_FATAL(m != NULL);
	n = mlp_param_count(m);
	g = calloc(n, sizeof(float));
	g2 = calloc(n, sizeof(float));
	random_batch(x, ROWS * D, 1.0, y, ROWS, 9);
	CU_ASSERT_FATAL(mlp_loss_grad(m, x, y, ROWS, g, &loss, err) == 0);
	CU_ASSERT(loss > 0);
	CU_ASSERT(fd_mismatches(m->params, n, g, batch_loss,
				&(struct fd_batch){ m, 0.0, x, y, ROWS, g2 }, 2e-4) == 0);
	/* grads are overwritten, not accumulated */
	CU_ASSERT_FATAL(mlp_loss_grad(m, x, y, ROWS, g2, &lp, err) == 0);
	CU_ASSERT(memcmp(g, g2, n * sizeof(float)) == 0 && lp == loss);
	free(g);
	free(g2);
	mlp_free(m);
}

NN_TEST_LEARNS(mlp)

static void test_mlp_learns(void)
{
	struct mlp_params p;

	mlp_params_default(&p);
	mlp_learns(&p);
}

NN_TEST_DETERMINISTIC(mlp)

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
	p.nhidden = NN_MAX_LAYERS;
	CU_ASSERT(mlp_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT_STRING_EQUAL(err, "mlp: 16 hidden layers, expected 0 to 15");
	p.nhidden = 2;
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
