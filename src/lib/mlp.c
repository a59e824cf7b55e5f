/* mlp.c - the MLP regressor: minibatch Adam on SmoothL1 over nn.c's layers. */
#include "mlp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void mlp_params_default(struct mlp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->nhidden = 2;
	p->hidden[0] = 128;
	p->hidden[1] = 128;
	p->epochs = 500;
	p->lr = 0.005;
	p->batch = 64;
	p->seed = 0;
}

/* Lays out d -> hidden[0..nhidden-1] -> 1 and allocates the parameters. */
static struct mlp_model *layout(int d, int nhidden, const int *hidden, char *err)
{
	int widths[NN_MAX_LAYERS];
	struct mlp_model *m;

	if (nhidden < 0 || nhidden > NN_MAX_LAYERS - 1) {
		err_set(err, "mlp: %d hidden layers, expected 0 to %d", nhidden, NN_MAX_LAYERS - 1);
		return NULL;
	}
	if (nhidden)
		memcpy(widths, hidden, (size_t)nhidden * sizeof(int));
	widths[nhidden] = 1;
	if (!(m = xcalloc(1, sizeof(*m), err)))
		return NULL;
	m->d = d;
	if (nn_stack_init(&m->net, d, nhidden + 1, widths, NN_ACT_RELU, NN_ACT_IDENTITY, 0, err) < 0 ||
	    !(m->params = xcalloc(m->net.nparams, sizeof(float), err))) {
		err_prefix(err, "mlp");
		mlp_free(m);
		return NULL;
	}
	return m;
}

struct mlp_model *mlp_new(int d, const struct mlp_params *p, char *err)
{
	struct mlp_model *m;
	struct rng init;

	if (d < 1 || d > NN_MAX_WIDTH) {
		err_set(err, "mlp: %d features, expected 1 to %d", d, NN_MAX_WIDTH);
		return NULL;
	}
	if (!(m = layout(d, p->nhidden, p->hidden, err)))
		return NULL;
	rng_init(&init, p->seed, 0);
	nn_stack_reset(&m->net, m->params, &init);
	return m;
}

void mlp_free(struct mlp_model *m)
{
	if (!m)
		return;
	free(m->params);
	free(m);
}

static int check_params(const struct mlp_params *p, size_t n, int d, char *err)
{
	if (n < 1)
		return err_set(err, "mlp: no training rows");
	if (d < 1 || d > NN_MAX_WIDTH)
		return err_set(err, "mlp: %d features, expected 1 to %d", d, NN_MAX_WIDTH);
	if (p->epochs < 1)
		return err_set(err, "mlp: epochs %d, expected at least 1", p->epochs);
	if (p->batch < 1)
		return err_set(err, "mlp: batch size %d, expected at least 1", p->batch);
	if (!(p->lr > 0.0) || !isfinite(p->lr))
		return err_set(err, "mlp: learning rate %g, expected a positive number", p->lr);
	return 0;
}

/* What one training step needs besides the model. */
struct work {
	struct nn_cache c;
	float *gout; /* dLoss/dPrediction, (cap) */
};

static void work_release(struct work *w)
{
	nn_cache_release(&w->c);
	free(w->gout);
	memset(w, 0, sizeof(*w));
}

static int work_init(struct work *w, const struct mlp_model *m, int cap, char *err)
{
	memset(w, 0, sizeof(*w));
	if (nn_cache_init(&w->c, &m->net, cap, err) < 0 ||
	    !(w->gout = xcalloc((size_t)cap, sizeof(float), err))) {
		work_release(w);
		return -1;
	}
	return 0;
}

/* loss = SmoothL1(pred, y) of the minibatch (xb, yb); grads = its gradient. */
static double loss_grad(const struct mlp_model *m, struct work *w, const float *xb,
			const float *yb, int rows, float *grads)
{
	const float *pred = nn_forward(&m->net, m->params, &w->c, xb, rows);
	double loss = nn_smooth_l1(pred, yb, (size_t)rows, 1.0f / rows, w->gout);

	memset(grads, 0, m->net.nparams * sizeof(float));
	nn_backward(&m->net, m->params, grads, &w->c, rows, w->gout, NULL, 0);
	return loss;
}

int mlp_loss_grad(const struct mlp_model *m, const float *xb, const float *yb, int rows,
		  float *grads, double *loss, char *err)
{
	struct work w;

	if (rows < 1)
		return err_set(err, "mlp: a minibatch of %d rows", rows);
	if (work_init(&w, m, rows, err) < 0)
		return -1;
	*loss = loss_grad(m, &w, xb, yb, rows, grads);
	work_release(&w);
	return 0;
}

int mlp_fit(const double *X, const double *y, size_t n, int d, const struct mlp_params *p,
	    struct mlp_model **model, char *err)
{
	struct mlp_model *m = NULL;
	struct work w = { 0 };
	struct nn_adam adam = { 0 };
	struct rng shuffle;
	float *Xf = NULL, *yf = NULL, *grads = NULL, *xb = NULL, *yb = NULL;
	size_t *idx = NULL, i, start;
	int batch, epoch, r, threads = -1, ret = -1;

	*model = NULL;
	if (check_params(p, n, d, err) < 0 || !(m = mlp_new(d, p, err)))
		return -1;
	batch = (size_t)p->batch < n ? p->batch : (int)n;
	if (nn_floats(X, n, d, "mlp: X", &Xf, err) < 0 || nn_floats(y, n, 1, "mlp: y", &yf, err) < 0 ||
	    !(grads = xcalloc(m->net.nparams, sizeof(float), err)) ||
	    !(xb = xcalloc((size_t)batch * d, sizeof(float), err)) ||
	    !(yb = xcalloc((size_t)batch, sizeof(float), err)) ||
	    !(idx = xcalloc(n, sizeof(size_t), err)) || work_init(&w, m, batch, err) < 0 ||
	    nn_adam_init(&adam, m->net.nparams, p->lr, err) < 0)
		goto out;

	threads = nn_blas_threads(1); /* the same bits on any core count; see nn.h */
	rng_init(&shuffle, p->seed, 1);
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (epoch = 1; epoch <= p->epochs; epoch++) {
		double loss_sum = 0.0;

		nn_shuffle(idx, n, &shuffle);
		for (start = 0; start < n; start += (size_t)batch) {
			int rows = n - start < (size_t)batch ? (int)(n - start) : batch;

			nn_gather(Xf, d, idx + start, rows, xb);
			for (r = 0; r < rows; r++)
				yb[r] = yf[idx[start + r]];
			loss_sum += rows * loss_grad(m, &w, xb, yb, rows, grads);
			nn_adam_step(&adam, m->params, grads);
		}
		if (!isfinite(loss_sum)) {
			err_set(err, "mlp: training diverged (loss not finite) at epoch %d", epoch);
			goto out;
		}
		if (p->progress && p->progress(p->progress_ctx, epoch, loss_sum / n)) {
			err_set(err, "mlp: fit stopped at epoch %d", epoch);
			goto out;
		}
	}
	*model = m;
	m = NULL;
	ret = 0;
out:
	if (threads > 0)
		nn_blas_threads(threads);
	mlp_free(m);
	work_release(&w);
	nn_adam_release(&adam);
	free(Xf);
	free(yf);
	free(grads);
	free(xb);
	free(yb);
	free(idx);
	return ret;
}

double mlp_predict_one(const struct mlp_model *m, const double *x)
{
	float xf[NN_MAX_WIDTH], out;
	int j;

	for (j = 0; j < m->d; j++)
		xf[j] = (float)x[j];
	nn_forward_one(&m->net, m->params, xf, &out);
	return out;
}

#define PREDICT_CHUNK 256

int mlp_predict(const struct mlp_model *m, const double *X, size_t n, double *out, char *err)
{
	struct nn_cache cache;
	float *xb;
	size_t start, k;
	int rows, threads;

	if (!n)
		return 0;
	rows = n < PREDICT_CHUNK ? (int)n : PREDICT_CHUNK;
	if (!(xb = xcalloc((size_t)rows * m->d, sizeof(float), err)))
		return -1;
	if (nn_cache_init(&cache, &m->net, rows, err) < 0) {
		free(xb);
		return -1;
	}
	threads = nn_blas_threads(1);
	for (start = 0; start < n; start += PREDICT_CHUNK) {
		size_t count = n - start < PREDICT_CHUNK ? n - start : PREDICT_CHUNK;
		const double *src = X + start * m->d;
		const float *pred;

		for (k = 0; k < count * m->d; k++)
			xb[k] = (float)src[k];
		pred = nn_forward(&m->net, m->params, &cache, xb, (int)count);
		for (k = 0; k < count; k++)
			out[start + k] = pred[k];
	}
	nn_blas_threads(threads);
	nn_cache_release(&cache);
	free(xb);
	return 0;
}

size_t mlp_param_count(const struct mlp_model *m)
{
	return m->net.nparams;
}

size_t mlp_size_bytes(const struct mlp_model *m)
{
	return m->net.nparams * sizeof(float);
}

int mlp_export(const struct mlp_model *m, struct param_set *ps, char *err)
{
	if (nn_export_stack(&m->net, m->params, "layers", ps, err) < 0)
		return err_prefix(err, "mlp");
	return 0;
}

int mlp_import(const struct param_set *ps, struct mlp_model **model, char *err)
{
	int widths[NN_MAX_LAYERS + 1], nlayers;
	struct mlp_model *m;

	*model = NULL;
	if ((nlayers = nn_import_widths(ps, "layers", widths, err)) < 0)
		return err_prefix(err, "mlp");
	if (nlayers == 0)
		return err_set(err, "mlp: parameter 'layers.0.weight' is missing");
	if (widths[nlayers] != 1)
		return err_set(err, "mlp: the last layer has %d outputs, expected 1", widths[nlayers]);
	if (!(m = layout(widths[0], nlayers - 1, widths + 1, err)))
		return -1;
	if (nn_import_stack(&m->net, m->params, "layers", ps, err) < 0) {
		mlp_free(m);
		return err_prefix(err, "mlp");
	}
	*model = m;
	return 0;
}
