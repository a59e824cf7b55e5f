/* Tests of medn.c: the paper's sizes (Table 4 / Table 5), the gradient of
 * both branches against finite differences, learning a smooth function,
 * determinism, single vs batched prediction, MEDN-D, export/import. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "medn.h"
#include "nn_testutil.h"
#include "param_set.h"
#include "unit.h"

static size_t count_for(int d, int e0, int e1, int e2, int direct)
{
	struct medn_params p;
	struct medn_model *m;
	char err[ERR_LEN];
	size_t n;

	medn_params_default(&p);
	p.enc[0] = e0;
	p.enc[1] = e1;
	p.enc[2] = e2;
	p.direct = direct;
	m = medn_new(d, &p, err);
	CU_ASSERT_FATAL(m != NULL);
	n = medn_param_count(m);
	medn_free(m);
	return n;
}

static void test_medn_paper_sizes(void)
{
	struct medn_params p;
	struct medn_model *m;
	char err[ERR_LEN];
	int l, pred[] = { 32, 16, 8, 4, 2, 1 }, recon[] = { 32, 64, 128, 10 };

	medn_params_default(&p);
	CU_ASSERT(p.nenc == 3 && p.enc[0] == 128 && p.enc[1] == 64 && p.enc[2] == 32);
	CU_ASSERT(p.recon_weight == 100.0 && p.epochs == 500 && p.batch == 64 && p.lr == 0.005);
	m = medn_new(10, &p, err);
	CU_ASSERT_FATAL(m != NULL);
	/* conv: 10 inputs, Table 4's [128, 64, 32] -> 24,179 floats, Table 5's 110 KB
	 * encoder 1408 + 8256 + 2080, predictor 528 + 136 + 36 + 10 + 3,
	 * reconstructor 2112 + 8320 + 1290 */
	CU_ASSERT(medn_param_count(m) == 24179);
	CU_ASSERT(medn_size_bytes(m) == 24179 * 4);
	CU_ASSERT(m->enc.nparams == 11744 && m->pred.nparams == 713 && m->recon.nparams == 11722);
	CU_ASSERT_FATAL(m->pred.nlayers == 5);
	for (l = 0; l <= 5; l++)
		CU_ASSERT(m->pred.width[l] == pred[l]);
	CU_ASSERT_FATAL(m->recon.nlayers == 3);
	for (l = 0; l <= 3; l++)
		CU_ASSERT(m->recon.width[l] == recon[l]);
	CU_ASSERT(m->enc.act[2] == NN_ACT_RELU && m->pred.act[3] == NN_ACT_RELU &&
		  m->pred.act[4] == NN_ACT_IDENTITY && m->recon.act[2] == NN_ACT_IDENTITY);
	medn_free(m);
	/* MEDN-D stores no reconstructor */
	CU_ASSERT(count_for(10, 128, 64, 32, 1) == 24179 - 11722);
	/* bn (7 inputs, [32, 16, 8]): 1,888 floats, the paper's 21 KB with the
	 * state dict's overhead; avgpool (8 inputs, [64, 32, 16]): 6,545, its 40 KB */
	CU_ASSERT(count_for(7, 32, 16, 8, 0) == 1888);
	CU_ASSERT(count_for(8, 64, 32, 16, 0) == 6545);
}

/* medn_loss_grad's loss of a struct fd_batch */
static double batch_loss(void *ctx)
{
	const struct fd_batch *b = ctx;
	char err[ERR_LEN];
	double loss;

	return medn_loss_grad(b->model, b->w, b->x, b->y, b->rows, b->g, &loss, err) ? NAN : loss;
}

/* central differences of medn_loss_grad's loss against its gradient, over
 * every parameter; returns the number of mismatches */
static int gradient_mismatches(int direct, double w, enum nn_act act)
{
	enum { ROWS = 5, D = 4 };
	struct medn_params p;
	struct medn_model *m;
	char err[ERR_LEN];
	float x[ROWS * D], y[ROWS], *g, *g2;
	double loss;
	size_t k, n;
	int bad;

	medn_params_default(&p);
	p.enc[0] = 6;
	p.enc[1] = 5;
	p.enc[2] = 4; /* predictor 4 -> 2 -> 1, reconstructor 4 -> 5 -> 6 -> 4 */
	p.direct = direct;
	p.act = act;
	p.seed = 21;
	m = medn_new(D, &p, err);
	CU_ASSERT_FATAL(m != NULL);
	n = medn_param_count(m);
	g = calloc(n, sizeof(float));
	g2 = calloc(n, sizeof(float));
	random_batch(x, ROWS * D, 2.5, y, ROWS, 8); /* some recon errors beyond 1 */
	CU_ASSERT_FATAL(medn_loss_grad(m, w, x, y, ROWS, g, &loss, err) == 0);
	bad = fd_mismatches(m->params, n, g, batch_loss, &(struct fd_batch){ m, w, x, y, ROWS, g2 },
			    2e-4 * (1 + w));
	/* the reconstructor's parameters get a gradient exactly when there is one */
	if (!direct) {
		double sum = 0;

		for (k = m->recon.begin; k < n; k++)
			sum += fabs(g[k]);
		CU_ASSERT(sum > 1e-3);
	}
	free(g);
	free(g2);
	medn_free(m);
	return bad;
}

static void test_medn_gradient(void)
{
	CU_ASSERT(gradient_mismatches(0, 2.5, NN_ACT_RELU) == 0);
	CU_ASSERT(gradient_mismatches(0, 0.01, NN_ACT_RELU) == 0);
	CU_ASSERT(gradient_mismatches(1, 0.0, NN_ACT_RELU) == 0);
	CU_ASSERT(gradient_mismatches(0, 2.5, NN_ACT_LEAKY_RELU) == 0);
	CU_ASSERT(gradient_mismatches(1, 0.0, NN_ACT_LEAKY_RELU) == 0);
}

/* The reconstruction term by hand: with the reconstructor's last layer set to
 * output x exactly (zero weights, bias = x) for a one-row batch, the loss is
 * the prediction loss alone; moving the bias by 0.5 on one of d features
 * adds w * 0.5 * 0.25 / d. */
static void test_medn_loss_by_hand(void)
{
	struct medn_params p;
	struct medn_model *m;
	char err[ERR_LEN];
	float x[3] = { 0.2f, 0.4f, 0.6f }, y = 1.0f, *g, *W, *b;
	double l0, l1, ld;
	const struct nn_stack *rc;
	int last;

	medn_params_default(&p);
	p.enc[0] = 8;
	p.enc[1] = 4;
	p.nenc = 2;
	m = medn_new(3, &p, err);
	CU_ASSERT_FATAL(m != NULL);
	g = calloc(medn_param_count(m), sizeof(float));
	rc = &m->recon;
	last = rc->nlayers - 1;
	W = m->params + rc->off[last];
	b = W + (size_t)rc->width[last] * 3;
	memset(W, 0, (size_t)rc->width[last] * 3 * sizeof(float));
	memcpy(b, x, sizeof(x));
	CU_ASSERT_FATAL(medn_loss_grad(m, 8.0, x, &y, 1, g, &l0, err) == 0);
	b[1] += 0.5f;
	CU_ASSERT_FATAL(medn_loss_grad(m, 8.0, x, &y, 1, g, &l1, err) == 0);
	ASSERT_CLOSE(l1 - l0, 8.0 * 0.125 / 3, 1e-5);
	ASSERT_CLOSE(g[rc->off[last] + (size_t)rc->width[last] * 3 + 1], 8.0 * 0.5 / 3, 1e-5);
	/* and MEDN-D's loss is the prediction term: the same as w = 0 */
	CU_ASSERT_FATAL(medn_loss_grad(m, 0.0, x, &y, 1, g, &ld, err) == 0);
	ASSERT_CLOSE(ld, l0, 1e-7);
	free(g);
	medn_free(m);
}

NN_TEST_LEARNS(medn)

static void learns(int direct, enum nn_act act, uint64_t seed)
{
	struct medn_params p;

	medn_params_default(&p);
	p.recon_weight = 1.0;
	p.direct = direct;
	p.act = act;
	p.seed = seed;
	medn_learns(&p);
}

/* With ReLU about half the seeds collapse to a constant on this problem (see
 * medn.h): seeds 1 (MEDN) and 2 (MEDN-D) are ones that do not. Seeds 0 and 3
 * collapse with ReLU, both variants; leaky ReLU learns with them. */
static void test_medn_learns(void)
{
	learns(0, NN_ACT_RELU, 1);
	learns(0, NN_ACT_LEAKY_RELU, 0);
	learns(0, NN_ACT_LEAKY_RELU, 3);
}

static void test_medn_d_learns(void)
{
	learns(1, NN_ACT_RELU, 2);
	learns(1, NN_ACT_LEAKY_RELU, 0);
}

NN_TEST_DETERMINISTIC(medn)

/* Issue 11's stability check: the -es variants' training (leaky ReLU, the
 * cosine schedule, the epoch best on 300 validation rows) learns the smooth
 * problem with every one of 10 seeds: 95% of 500 new rows within 20%. (With
 * ReLU and a constant rate, seeds 0, 3, 5, 7 and 9 end at 0.43: a constant.) */
static void test_medn_stable_over_seeds(void)
{
	enum { N = 1500, NT = 500, NV = 300 };
	static double X[N * 4], y[N], Xt[NT * 4], yt[NT], pt[NT], Xv[NV * 4], yv[NV];
	struct medn_params p;
	struct medn_model *m;
	char err[ERR_LEN];
	uint64_t seed;

	synth(N, X, y, 1);
	synth(NT, Xt, yt, 2);
	synth(NV, Xv, yv, 4);
	for (seed = 0; seed < 10; seed++) {
		medn_params_default(&p);
		p.recon_weight = 1.0;
		p.act = NN_ACT_LEAKY_RELU;
		p.epochs = 40;
		p.seed = seed;
		p.cosine = 1;
		p.valid = (struct nn_valid){ .X = Xv, .y = yv, .n = NV, .target_log = 0 };
		CU_ASSERT_FATAL(medn_fit(X, y, N, 4, &p, &m, err) == 0);
		CU_ASSERT_FATAL(medn_predict(m, Xt, NT, pt, err) == 0);
		CU_ASSERT(within(pt, yt, NT, 0.2) >= 0.95);
		medn_free(m);
	}
}


static void roundtrip(int direct, enum nn_act act)
{
	enum { N = 64 };
	static double X[N * 4], y[N];
	struct medn_params p;
	struct medn_model *m, *back;
	struct param_set ps;
	const struct param_entry *w;
	int64_t leaky;
	char err[ERR_LEN];
	size_t i;

	synth(N, X, y, 5);
	medn_params_default(&p);
	p.direct = direct;
	p.act = act;
	p.epochs = 2;
	CU_ASSERT_FATAL(medn_fit(X, y, N, 4, &p, &m, err) == 0);
	param_set_init(&ps);
	CU_ASSERT_FATAL(medn_export(m, &ps, err) == 0);
	/* (3 + 5 [+ 3]) layers x 2, and leaky_relu */
	CU_ASSERT(ps.n == (direct ? 16u : 22u) + 1);
	w = param_set_find(&ps, "encoder.0.weight");
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT(w->shape[0] == 128 && w->shape[1] == 4);
	CU_ASSERT(param_set_find(&ps, "predictor.4.weight")->shape[0] == 1);
	CU_ASSERT((param_set_find(&ps, "reconstructor.2.weight") != NULL) == !direct);
	CU_ASSERT_FATAL(param_set_get_scalar_i64(&ps, "leaky_relu", &leaky, err) == 0);
	CU_ASSERT(leaky == (act == NN_ACT_LEAKY_RELU));
	CU_ASSERT_FATAL(medn_import(&ps, &back, err) == 0);
	CU_ASSERT(back->direct == direct && back->d == 4 && back->act == act);
	CU_ASSERT(medn_param_count(back) == medn_param_count(m));
	CU_ASSERT(memcmp(m->params, back->params, medn_size_bytes(m)) == 0);
	for (i = 0; i < N; i++)
		CU_ASSERT(medn_predict_one(m, X + 4 * i) == medn_predict_one(back, X + 4 * i));
	medn_free(back);
	param_set_release(&ps);
	medn_free(m);
}

static void test_medn_export_import(void)
{
	roundtrip(0, NN_ACT_RELU);
	roundtrip(1, NN_ACT_RELU);
	roundtrip(0, NN_ACT_LEAKY_RELU);
}

static void test_medn_errors(void)
{
	double X[] = { 0, 1, 0.5, 0.1, 0, 0, 1, 1 }, y[] = { 1, NAN };
	struct medn_params p;
	struct medn_model *m = (struct medn_model *)1;
	struct param_set none;
	char err[ERR_LEN];

	medn_params_default(&p);
	CU_ASSERT(medn_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT(m == NULL);
	CU_ASSERT_STRING_EQUAL(err, "medn: y row 1 column 0 is not a finite float (nan)");
	y[1] = 2;
	p.recon_weight = -1;
	CU_ASSERT(medn_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT(strstr(err, "reconstruction weight -1") != NULL);
	/* 0 is allowed (reconstruction off; rm.c reads weight in [0, 1e9]) */
	p.recon_weight = 0;
	p.epochs = 1;
	CU_ASSERT_EQUAL(medn_fit(X, y, 2, 4, &p, &m, err), 0);
	CU_ASSERT_PTR_NOT_NULL(m);
	medn_free(m);
	m = NULL;
	p.recon_weight = 1;
	p.nenc = NN_MAX_LAYERS + 1;
	CU_ASSERT(medn_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT_STRING_EQUAL(err, "medn: 17 encoder layers, expected 1 to 16");
	p.nenc = 3;
	p.enc[2] = 0;
	CU_ASSERT(medn_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT_STRING_EQUAL(err, "medn: layer 2 width 0 is outside [1, 2048]");
	p.enc[2] = 2049;
	CU_ASSERT(medn_fit(X, y, 2, 4, &p, &m, err) == -1);
	CU_ASSERT_STRING_EQUAL(err, "medn: layer 2 width 2049 is outside [1, 2048]");
	param_set_init(&none);
	CU_ASSERT(medn_import(&none, &m, err) == -1);
	CU_ASSERT_STRING_EQUAL(err, "medn: parameter 'encoder.0.weight' is missing");
	medn_free(NULL);
}

UNIT_SUITE("medn",
	   UNIT_TEST(test_medn_paper_sizes),
	   UNIT_TEST(test_medn_gradient),
	   UNIT_TEST(test_medn_loss_by_hand),
	   UNIT_TEST(test_medn_learns),
	   UNIT_TEST(test_medn_d_learns),
	   UNIT_TEST(test_medn_deterministic),
	   UNIT_TEST(test_medn_stable_over_seeds),
	   UNIT_TEST(test_medn_export_import),
	   UNIT_TEST(test_medn_errors));
