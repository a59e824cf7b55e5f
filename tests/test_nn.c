/* Tests of nn.c: SmoothL1 and Adam against hand computations, a forward pass
 * against hand values, backward against central finite differences, the
 * single-sample path against the sgemm path, init bounds, export layout. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nn.h"
#include "nn_testutil.h"
#include "param_set.h"
#include "rng.h"
#include "unit.h"

static void test_smooth_l1_values(void)
{
	/* errors -0.5, 2, -1.5, 0, 1: losses 0.125, 1.5, 1, 0, 0.5 (sum 3.125) */
	const float pred[] = { 0.0f, 2.0f, -1.5f, 0.5f, 3.0f };
	const float target[] = { 0.5f, 0.0f, 0.0f, 0.5f, 2.0f };
	float grad[5];
	double loss = nn_smooth_l1(pred, target, 5, 0.2f, grad);

	ASSERT_CLOSE(loss, 0.625, 1e-7);
	ASSERT_CLOSE(grad[0], -0.1, 1e-7); /* 0.2 * -0.5 */
	ASSERT_CLOSE(grad[1], 0.2, 1e-7);  /* 0.2 * clamp(2) */
	ASSERT_CLOSE(grad[2], -0.2, 1e-7); /* 0.2 * clamp(-1.5) */
	CU_ASSERT(grad[3] == 0.0f);
	ASSERT_CLOSE(grad[4], 0.2, 1e-7);  /* |e| = 1: the linear branch, PyTorch's too */
	/* scale multiplies both; NULL grad is allowed */
	ASSERT_CLOSE(nn_smooth_l1(pred, target, 5, 3.0f, NULL), 9.375, 1e-7);
}

/* Adam by hand, in double, for one parameter: returns p after `steps` steps
 * with the same gradient sequence. */
static double adam_ref(double p, const double *g, int steps, double lr)
{
	double m = 0, v = 0, b1 = 0.9, b2 = 0.999, eps = 1e-8;
	int t;

	for (t = 1; t <= steps; t++) {
		m = b1 * m + (1 - b1) * g[t - 1];
		v = b2 * v + (1 - b2) * g[t - 1] * g[t - 1];
		p -= lr * (m / (1 - pow(b1, t))) / (sqrt(v / (1 - pow(b2, t))) + eps);
	}
	return p;
}

static void test_adam_steps(void)
{
	/* 11 parameters: the vector loop and the scalar remainder both run */
	enum { N = 11 };
	float p[N], g[N];
	double p0[N], g1[N], g2[N];
	struct nn_adam a;
	char err[ERR_LEN];
	int i;

	for (i = 0; i < N; i++) {
		p[i] = (float)(p0[i] = 1.0 - 0.25 * i);
		g1[i] = (i % 3 - 1) * (0.5 + i); /* -0.5, 0, 2.5, -3.5, ... */
		g2[i] = 0.3 * i - 1.0;
	}
	g1[5] = 1e-3; /* small: the step is still ~lr (m-hat / sqrt(v-hat) = 1) */
	CU_ASSERT_FATAL(nn_adam_init(&a, N, 0.1, err) == 0);
	for (i = 0; i < N; i++)
		g[i] = (float)g1[i];
	nn_adam_step(&a, p, g);
	/* step 1 moves every parameter by lr * sign(g) (minus eps effects) */
	ASSERT_CLOSE(p[0], 1.0 + 0.1, 1e-6);  /* g = -0.5 */
	CU_ASSERT(p[1] == (float)p0[1]);      /* g = 0: no move */
	ASSERT_CLOSE(p[2], 0.5 - 0.1, 1e-6);  /* g = 2.5 */
	ASSERT_CLOSE(p[5], -0.25 - 0.1 * 1e-3 / (1e-3 + 1e-8), 1e-6);
	for (i = 0; i < N; i++) {
		double gs[2] = { g1[i], g2[i] };

		ASSERT_CLOSE(p[i], adam_ref(p0[i], gs, 1, 0.1), 1e-6);
		g[i] = (float)g2[i];
	}
	nn_adam_step(&a, p, g);
	CU_ASSERT(a.t == 2);
	for (i = 0; i < N; i++) {
		double gs[2] = { g1[i], g2[i] };

		ASSERT_CLOSE(p[i], adam_ref(p0[i], gs, 2, 0.1), 1e-6);
	}
	/* by hand, parameter 0: g = -0.5 then -1, so m = -0.145, v = 0.00124975,
	 * bias corrections 0.19 and 0.001999 */
	ASSERT_CLOSE(p[0], 1.0 + 0.1 + 0.1 * (0.145 / 0.19) / sqrt(0.00124975 / 0.001999), 1e-6);
	nn_adam_release(&a);
}

/* 2 -> 2 (ReLU) -> 1 with weights set by hand */
static void test_forward_hand(void)
{
	struct nn_stack s;
	struct nn_cache c;
	struct param_set ps;
	const struct param_entry *w0;
	char err[ERR_LEN];
	int widths[] = { 2, 1 };
	float params[9], x[4] = { 1, 2, -1, 0 }, one;
	const float *out;

	CU_ASSERT_FATAL(nn_stack_init(&s, 2, 2, widths, NN_ACT_RELU, NN_ACT_IDENTITY, 0, err) == 0);
	CU_ASSERT(s.nparams == 9);
	CU_ASSERT(s.off[0] == 0 && s.off[1] == 6);
	/* W0 (in, out) = [[1, -1], [2, 0.5]], b0 = [0.5, -3]; W1 = [[2], [7]], b1 = [-1] */
	memcpy(params, (float[]){ 1, -1, 2, 0.5f, 0.5f, -3, 2, 7, -1 }, sizeof(params));
	/* x = (1, 2): z0 = (5.5, -3) -> (5.5, 0), y = 11 - 1 = 10
	 * x = (-1, 0): z0 = (-0.5, -2) -> (0, 0), y = -1 */
	CU_ASSERT_FATAL(nn_cache_init(&c, &s, 2, err) == 0);
	out = nn_forward(&s, params, &c, x, 2);
	ASSERT_CLOSE(out[0], 10.0, 1e-6);
	ASSERT_CLOSE(out[1], -1.0, 1e-6);
	ASSERT_CLOSE(c.a[0][0], 5.5, 1e-6);
	CU_ASSERT(c.a[0][1] == 0.0f);
	nn_forward_one(&s, params, x, &one);
	ASSERT_CLOSE(one, 10.0, 1e-6);
	nn_forward_one(&s, params, x + 2, &one);
	ASSERT_CLOSE(one, -1.0, 1e-6);
	nn_cache_release(&c);

	/* leaky ReLU: z0 = (5.5, -3) -> (5.5, -0.03), y = 11 - 0.21 - 1 = 9.79 */
	{
		struct nn_stack sl;

		CU_ASSERT_FATAL(nn_stack_init(&sl, 2, 2, widths, NN_ACT_LEAKY_RELU, NN_ACT_IDENTITY, 0,
					      err) == 0);
		CU_ASSERT_FATAL(nn_cache_init(&c, &sl, 2, err) == 0);
		out = nn_forward(&sl, params, &c, x, 2);
		ASSERT_CLOSE(out[0], 9.79, 1e-6);
		ASSERT_CLOSE(c.a[0][1], -0.03, 1e-6);
		nn_forward_one(&sl, params, x, &one);
		ASSERT_CLOSE(one, 9.79, 1e-6);
		nn_cache_release(&c);
	}

	/* export: PyTorch's (out, in) layout, names in state-dict order */
	param_set_init(&ps);
	CU_ASSERT_FATAL(nn_export_stack(&s, params, "net", &ps, err) == 0);
	CU_ASSERT_FATAL(ps.n == 4);
	CU_ASSERT_STRING_EQUAL(ps.entries[0].name, "net.0.weight");
	CU_ASSERT_STRING_EQUAL(ps.entries[3].name, "net.1.bias");
	w0 = param_set_find(&ps, "net.0.weight");
	CU_ASSERT_FATAL(w0 != NULL);
	CU_ASSERT(w0->type == PARAM_F64 && w0->rank == 2 && w0->shape[0] == 2 && w0->shape[1] == 2);
	CU_ASSERT(((double *)w0->data)[1] == 2.0);  /* [out 0][in 1] = W0[1][0] */
	CU_ASSERT(((double *)w0->data)[2] == -1.0); /* [out 1][in 0] = W0[0][1] */
	CU_ASSERT(param_set_find(&ps, "net.1.weight")->shape[0] == 1);
	CU_ASSERT(param_set_find(&ps, "net.2.weight") == NULL);
	/* and back */
	{
		float back[9];
		int iw[NN_MAX_LAYERS + 1];

		CU_ASSERT(nn_import_widths(&ps, "net", iw, err) == 2);
		CU_ASSERT(iw[0] == 2 && iw[1] == 2 && iw[2] == 1);
		CU_ASSERT(nn_import_widths(&ps, "other", iw, err) == 0);
		CU_ASSERT_FATAL(nn_import_stack(&s, back, "net", &ps, err) == 0);
		CU_ASSERT(memcmp(back, params, sizeof(back)) == 0);
		((double *)ps.entries[3].data)[0] = NAN;
		CU_ASSERT(nn_import_stack(&s, back, "net", &ps, err) == -1);
		CU_ASSERT_STRING_EQUAL(err, "'net.1.bias' [0] is not a finite float");
	}
	param_set_release(&ps);
}

static void test_init_bounds(void)
{
	struct nn_stack s;
	struct rng r, r2;
	char err[ERR_LEN];
	int widths[] = { 100, 1 };
	float *p, *p2;
	double bound0 = 1.0 / sqrt(25.0), bound1 = 1.0 / sqrt(100.0), sum = 0, maxabs = 0;
	size_t k, n0 = 25 * 100 + 100;

	CU_ASSERT_FATAL(nn_stack_init(&s, 25, 2, widths, NN_ACT_RELU, NN_ACT_IDENTITY, 3, err) == 0);
	CU_ASSERT(s.begin == 3 && s.off[0] == 3 && s.off[1] == 3 + n0);
	p = calloc(3 + s.nparams, sizeof(float));
	p2 = calloc(3 + s.nparams, sizeof(float));
	rng_init(&r, 42, 0);
	rng_init(&r2, 42, 0);
	nn_stack_reset(&s, p, &r);
	nn_stack_reset(&s, p2, &r2);
	CU_ASSERT(memcmp(p, p2, (3 + s.nparams) * sizeof(float)) == 0);
	CU_ASSERT(p[0] == 0.0f && p[2] == 0.0f); /* before the stack: untouched */
	for (k = 0; k < n0; k++) {
		double a = fabs(p[3 + k]);

		CU_ASSERT(a <= bound0);
		sum += a;
		maxabs = a > maxabs ? a : maxabs;
	}
	/* U(-b, b): mean |w| = b/2 (2,600 draws: within 5%), max close to b */
	ASSERT_CLOSE(sum / n0, bound0 / 2, 0.05 * bound0 / 2);
	CU_ASSERT(maxabs > 0.99 * bound0);
	for (k = n0; k < s.nparams; k++)
		CU_ASSERT(fabs(p[3 + k]) <= bound1);
	free(p);
	free(p2);
}

/* loss = mean SmoothL1(stack(x), t) over rows, in double */
static double stack_loss(const struct nn_stack *s, const float *params, struct nn_cache *c,
			 const float *x, const float *t, int rows, float *gout)
{
	const float *out = nn_forward(s, params, c, x, rows);
	size_t n = (size_t)rows * nn_stack_out(s);

	return nn_smooth_l1(out, t, n, 1.0f / n, gout);
}

/* stack_loss for fd_mismatches */
struct stack_ctx {
	const struct nn_stack *s;
	const float *params;
	struct nn_cache *c;
	const float *x, *t;
	int rows;
	float *gout;
};

static double stack_ctx_loss(void *ctx)
{
	struct stack_ctx *k = ctx;

	return stack_loss(k->s, k->params, k->c, k->x, k->t, k->rows, k->gout);
}

static void backward_finite_differences(enum nn_act act)
{
	enum { ROWS = 6, IN = 5 };
	int widths[] = { 7, 6, 3 };
	struct nn_stack s;
	struct nn_cache c;
	struct stack_ctx ctx;
	struct rng r;
	char err[ERR_LEN];
	float x[ROWS * IN], t[ROWS * 3], gout[ROWS * 3], din[ROWS * IN], *p, *g;
	size_t k;
	int i;

	CU_ASSERT_FATAL(nn_stack_init(&s, IN, 3, widths, act, NN_ACT_IDENTITY, 0, err) == 0);
	CU_ASSERT_FATAL(nn_cache_init(&c, &s, ROWS, err) == 0);
	p = calloc(s.nparams, sizeof(float));
	g = calloc(s.nparams, sizeof(float));
	rng_init(&r, 7, 0);
	nn_stack_reset(&s, p, &r);
	for (i = 0; i < ROWS * IN; i++)
		x[i] = (float)rng_uniform(&r);
	for (i = 0; i < ROWS * 3; i++)
		t[i] = (float)(3.0 * rng_uniform(&r) - 1.5); /* both SmoothL1 branches */
	stack_loss(&s, p, &c, x, t, ROWS, gout);
	nn_backward(&s, p, g, &c, ROWS, gout, din, 0);
	ctx = (struct stack_ctx){ &s, p, &c, x, t, ROWS, gout };
	CU_ASSERT(fd_mismatches(p, s.nparams, g, stack_ctx_loss, &ctx, 2e-4) == 0);
	/* the input gradient too */
	CU_ASSERT(fd_mismatches(x, ROWS * IN, din, stack_ctx_loss, &ctx, 2e-4) == 0);
	/* gradients accumulate; din_accumulate adds */
	{
		float *g2 = calloc(s.nparams, sizeof(float)), din2[ROWS * IN];

		memcpy(g2, g, s.nparams * sizeof(float));
		memcpy(din2, din, sizeof(din));
		stack_loss(&s, p, &c, x, t, ROWS, gout);
		nn_backward(&s, p, g2, &c, ROWS, gout, din2, 1);
		for (k = 0; k < s.nparams; k++)
			ASSERT_CLOSE(g2[k], 2.0 * g[k], 1e-6);
		for (i = 0; i < ROWS * IN; i++)
			ASSERT_CLOSE(din2[i], 2.0 * din[i], 1e-6);
		free(g2);
	}
	nn_cache_release(&c);
	free(p);
	free(g);
}

static void test_backward_finite_differences(void)
{
	backward_finite_differences(NN_ACT_RELU);
	backward_finite_differences(NN_ACT_LEAKY_RELU);
}

/* Widths that take every path of the single-sample kernel: blocks of 64, 32,
 * 16, 8, single columns, and the one-output dot product. */
static void forward_one_matches_sgemm(enum nn_act act)
{
	enum { ROWS = 9, IN = 13 };
	int widths[] = { 125, 67, 19, 7, 1 };
	struct nn_stack s;
	struct nn_cache c;
	struct rng r;
	char err[ERR_LEN];
	float x[ROWS * IN], out, *p;
	const float *batch;
	int i;

	CU_ASSERT_FATAL(nn_stack_init(&s, IN, 5, widths, act, NN_ACT_IDENTITY, 0, err) == 0);
	CU_ASSERT_FATAL(nn_cache_init(&c, &s, ROWS, err) == 0);
	p = calloc(s.nparams, sizeof(float));
	rng_init(&r, 11, 0);
	nn_stack_reset(&s, p, &r);
	for (i = 0; i < ROWS * IN; i++)
		x[i] = (float)rng_uniform(&r);
	batch = nn_forward(&s, p, &c, x, ROWS);
	for (i = 0; i < ROWS; i++) {
		nn_forward_one(&s, p, x + i * IN, &out);
		ASSERT_CLOSE(out, batch[i], 1e-5);
	}
	/* an output of width > 1 (activated), through every block size */
	{
		int w2[] = { 127 };
		struct nn_stack s2;
		struct nn_cache c2;
		float o2[127];
		int nonzero = 0;

		CU_ASSERT_FATAL(nn_stack_init(&s2, IN, 1, w2, act, act, 0, err) == 0);
		CU_ASSERT_FATAL(nn_cache_init(&c2, &s2, ROWS, err) == 0);
		nn_stack_reset(&s2, p, &r);
		batch = nn_forward(&s2, p, &c2, x, ROWS);
		nn_forward_one(&s2, p, x + IN, o2);
		for (i = 0; i < 127; i++) {
			ASSERT_CLOSE(o2[i], batch[127 + i], 1e-5);
			nonzero += o2[i] != 0.0f;
		}
		CU_ASSERT(nonzero > 30);
		nn_cache_release(&c2);
	}
	nn_cache_release(&c);
	free(p);
}

static void test_forward_one_matches_sgemm(void)
{
	forward_one_matches_sgemm(NN_ACT_RELU);
	forward_one_matches_sgemm(NN_ACT_LEAKY_RELU);
}

static void test_shuffle_and_gather(void)
{
	enum { N = 50 };
	size_t a[N], b[N];
	int seen[N] = { 0 }, i, moved = 0;
	struct rng r1, r2;
	float X[N * 2], out[4];

	for (i = 0; i < N; i++) {
		a[i] = b[i] = (size_t)i;
		X[2 * i] = (float)i;
		X[2 * i + 1] = (float)-i;
	}
	rng_init(&r1, 3, 1);
	rng_init(&r2, 3, 1);
	nn_shuffle(a, N, &r1);
	nn_shuffle(b, N, &r2);
	CU_ASSERT(memcmp(a, b, sizeof(a)) == 0);
	for (i = 0; i < N; i++) {
		seen[a[i]]++;
		moved += a[i] != (size_t)i;
	}
	for (i = 0; i < N; i++)
		CU_ASSERT(seen[i] == 1);
	CU_ASSERT(moved > N / 2);
	nn_gather(X, 2, a + 3, 2, out);
	CU_ASSERT(out[0] == (float)a[3] && out[1] == -(float)a[3]);
	CU_ASSERT(out[2] == (float)a[4] && out[3] == -(float)a[4]);
}

/* ---- nn_train: the cosine schedule and early stopping ---- */

/* A model of one stack trained by nn_train: the loss is stack_loss, and the
 * progress callback follows the validation score as the test computes it. */
struct es_run {
	struct nn_stack s;
	struct nn_cache c;
	float *params, *best, gout[64];
	const double *Xv, *yv;
	double pred[200];
	size_t nv, best_hits;
	double best_mae;
	int best_epoch;
};

static double es_loss_grad(void *ctx, const float *xb, const float *yb, int rows, float *grads)
{
	struct es_run *k = ctx;
	double loss = stack_loss(&k->s, k->params, &k->c, xb, yb, rows, k->gout);

	memset(grads, 0, k->s.nparams * sizeof(float));
	nn_backward(&k->s, k->params, grads, &k->c, rows, k->gout, NULL, 0);
	return loss;
}

/* after each epoch: the validation rows within 20% of exp(y) and the mean
 * |error| of the current parameters; the first strictly better is kept */
static int es_progress(void *ctx, int epoch, double loss)
{
	struct es_run *k = ctx;
	const struct nn_stack *chain[] = { &k->s };
	size_t i, hits = 0;
	double sum = 0;
	char err[ERR_LEN];

	CU_ASSERT_FATAL(nn_predict(chain, 1, k->params, k->Xv, k->nv, k->pred, err) == 0);
	for (i = 0; i < k->nv; i++) {
		hits += fabs(exp(k->pred[i] - k->yv[i]) - 1) <= 0.2;
		sum += fabs(k->pred[i] - k->yv[i]);
	}
	if (epoch == 1 || hits > k->best_hits || (hits == k->best_hits && sum / k->nv < k->best_mae)) {
		k->best_hits = hits;
		k->best_mae = sum / k->nv;
		k->best_epoch = epoch;
		memcpy(k->best, k->params, k->s.nparams * sizeof(float));
	}
	return 0;
}

/* Trains a 4 -> 16 -> 1 network on 48 rows of synth for `epochs` epochs
 * (seed 3), with early stopping on 200 validation rows or not, the cosine
 * schedule or not; *best_epoch is nn_train's. The caller frees k->params
 * and k->best. */
static void es_train(int epochs, int early, int cosine, struct es_run *k, int *best_epoch)
{
	enum { N = 48, NV = 200 };
	static double X[N * 4], y[N], Xv[NV * 4], yv[NV];
	int w[] = { 16, 1 };
	struct nn_train_params p = { .who = "t", .epochs = epochs, .lr = 0.02, .batch = 16,
				     .seed = 3, .progress = es_progress, .cosine = cosine };
	struct rng r;
	char err[ERR_LEN];

	memset(k, 0, sizeof(*k));
	synth(N, X, y, 5);
	synth(NV, Xv, yv, 6);
	CU_ASSERT_FATAL(nn_stack_init(&k->s, 4, 2, w, NN_ACT_LEAKY_RELU, NN_ACT_IDENTITY, 0, err) == 0);
	CU_ASSERT_FATAL(nn_cache_init(&k->c, &k->s, 16, err) == 0);
	k->params = calloc(k->s.nparams, sizeof(float));
	k->best = calloc(k->s.nparams, sizeof(float));
	CU_ASSERT_FATAL(k->params && k->best);
	rng_init(&r, 3, 0);
	nn_stack_reset(&k->s, k->params, &r);
	k->Xv = Xv;
	k->yv = yv;
	k->nv = NV;
	p.progress_ctx = k;
	if (early) {
		p.valid = (struct nn_valid){ .X = Xv, .y = yv, .n = NV, .target_log = 1 };
		p.chain[0] = &k->s;
		p.nchain = 1;
	}
	CU_ASSERT_FATAL(nn_train(X, y, N, 4, k->params, k->s.nparams, &p, es_loss_grad, k,
				 best_epoch, err) == 0);
	nn_cache_release(&k->c);
}

static void es_free(struct es_run *k)
{
	free(k->params);
	free(k->best);
}

/* Early stopping returns the parameters of the epoch with the best
 * validation P20 (ties: the lower mean error) as the test follows them
 * epoch by epoch, and that epoch; without it, the last epoch's. The scoring
 * only reads the parameters: both runs follow the same trajectory. */
static void test_train_early_stop(void)
{
	struct es_run a, b;
	int ea = 0, eb = 0;

	es_train(150, 1, 1, &a, &ea);
	es_train(150, 0, 1, &b, &eb);
	CU_ASSERT_EQUAL(ea, a.best_epoch);
	CU_ASSERT(ea < 150); /* on this problem the best epoch is not the last */
	CU_ASSERT(memcmp(a.params, a.best, a.s.nparams * sizeof(float)) == 0);
	CU_ASSERT_EQUAL(eb, 150);
	CU_ASSERT_EQUAL(b.best_epoch, ea);
	CU_ASSERT(memcmp(b.best, a.best, a.s.nparams * sizeof(float)) == 0);
	CU_ASSERT(memcmp(b.params, a.params, a.s.nparams * sizeof(float)) != 0);
	es_free(&a);
	es_free(&b);
}

/* The cosine schedule: epoch 1 runs at the full rate (one epoch: the same
 * bits as a constant rate), later epochs slower (different bits). */
static void test_train_cosine(void)
{
	struct es_run a, b;
	int e;

	es_train(1, 0, 1, &a, &e);
	es_train(1, 0, 0, &b, &e);
	CU_ASSERT(memcmp(a.params, b.params, a.s.nparams * sizeof(float)) == 0);
	es_free(&a);
	es_free(&b);
	es_train(5, 0, 1, &a, &e);
	es_train(5, 0, 0, &b, &e);
	CU_ASSERT(memcmp(a.params, b.params, a.s.nparams * sizeof(float)) != 0);
	es_free(&a);
	es_free(&b);
}

static void test_errors(void)
{
	struct nn_stack s;
	char err[ERR_LEN] = "";
	int widths[] = { 4, 0 };
	double X[] = { 1, 2, NAN, 4 };
	float *f = (float *)1;

	CU_ASSERT(nn_stack_init(&s, 3, 2, widths, NN_ACT_RELU, NN_ACT_IDENTITY, 0, err) == -1);
	CU_ASSERT(strstr(err, "layer 1 width 0") != NULL);
	CU_ASSERT(nn_stack_init(&s, 0, 1, widths, NN_ACT_RELU, NN_ACT_IDENTITY, 0, err) == -1);
	CU_ASSERT(nn_floats(X, 2, 2, "X", &f, err) == -1);
	CU_ASSERT(f == NULL);
	CU_ASSERT_STRING_EQUAL(err, "X row 1 column 0 is not a finite float (nan)");
	X[2] = 3.0;
	CU_ASSERT_FATAL(nn_floats(X, 2, 2, "X", &f, err) == 0);
	CU_ASSERT(f[2] == 3.0f && f[3] == 4.0f);
	free(f);
}

UNIT_SUITE("nn",
	   UNIT_TEST(test_smooth_l1_values),
	   UNIT_TEST(test_adam_steps),
	   UNIT_TEST(test_forward_hand),
	   UNIT_TEST(test_init_bounds),
	   UNIT_TEST(test_backward_finite_differences),
	   UNIT_TEST(test_forward_one_matches_sgemm),
	   UNIT_TEST(test_shuffle_and_gather),
	   UNIT_TEST(test_train_early_stop),
	   UNIT_TEST(test_train_cosine),
	   UNIT_TEST(test_errors));
