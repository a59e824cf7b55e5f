/* mlp.c - the MLP regressor: minibatch Adam on SmoothL1 over nn.c's layers. */
#include "mlp.h"

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

/* What one training step needs besides the minibatch: the model and its
 * activations for up to cap rows. */
struct work {
	const struct mlp_model *m;
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
	w->m = m;
	if (nn_cache_init(&w->c, &m->net, cap, err) < 0 ||
	    !(w->gout = xcalloc((size_t)cap, sizeof(float), err))) {
		work_release(w);
		return -1;
	}
	return 0;
}

/* loss = SmoothL1(pred, y) of the minibatch (xb, yb); grads = its gradient
 * (an nn_loss_grad_fn, ctx a struct work) */
static double loss_grad(void *ctx, const float *xb, const float *yb, int rows, float *grads)
{
	struct work *w = ctx;
	const struct mlp_model *m = w->m;
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
	*loss = loss_grad(&w, xb, yb, rows, grads);
	work_release(&w);
	return 0;
}

int mlp_fit(const double *X, const double *y, size_t n, int d, const struct mlp_params *p,
	    struct mlp_model **model, char *err)
{
	struct nn_train_params t = NN_TRAIN_PARAMS("mlp", p);
	struct mlp_model *m;
	struct work w;

	*model = NULL;
	if (nn_train_check(&t, n, d, err) < 0 || !(m = mlp_new(d, p, err)))
		return -1;
	t.chain[0] = &m->net;
	t.nchain = 1;
	if (work_init(&w, m, nn_train_batch(&t, n), err) < 0 ||
	    nn_train(X, y, n, d, m->params, m->net.nparams, &t, loss_grad, &w, NULL, err) < 0) {
		work_release(&w);
		mlp_free(m);
		return -1;
	}
	work_release(&w);
	*model = m;
	return 0;
}

double mlp_predict_one(const struct mlp_model *m, const double *x)
{
	const struct nn_stack *s = &m->net;

	return nn_predict_one(&s, 1, m->params, x);
}

int mlp_predict(const struct mlp_model *m, const double *X, size_t n, double *out, char *err)
{
	const struct nn_stack *s = &m->net;

	return nn_predict(&s, 1, m->params, X, n, out, err);
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
