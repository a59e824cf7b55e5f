/* medn.c - MEDN: an encoder, a prediction decoder and a reconstruction decoder
 * trained together (Shen et al. 2024, Fig. 3) over nn.c's layers. */
#include "medn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void medn_params_default(struct medn_params *p)
{
	memset(p, 0, sizeof(*p));
	p->nenc = 3;
	p->enc[0] = 128;
	p->enc[1] = 64;
	p->enc[2] = 32;
	p->recon_weight = 100.0;
	p->direct = 0;
	p->act = NN_ACT_RELU;
	p->epochs = 500;
	p->lr = 0.005;
	p->batch = 64;
	p->seed = 0;
}

/* The predictor's widths: latent/2, latent/4, ... while above 1, then 1
 * (32 -> 16 8 4 2 1). Returns the layer count. */
static int predictor_widths(int latent, int *w)
{
	int n = 0, h;

	for (h = latent / 2; h > 1; h /= 2)
		w[n++] = h;
	w[n++] = 1;
	return n;
}

/* Lays out the three stacks for d inputs and encoder widths enc[0..nenc-1]
 * and allocates the parameters (zero). */
static struct medn_model *layout(int d, int nenc, const int *enc, int direct, enum nn_act act,
				 char *err)
{
	int pw[NN_MAX_LAYERS * 2], rw[NN_MAX_LAYERS], npred, l;
	struct medn_model *m;

	if (nenc < 1 || nenc > NN_MAX_LAYERS) {
		err_set(err, "medn: %d encoder layers, expected 1 to %d", nenc, NN_MAX_LAYERS);
		return NULL;
	}
	if (act != NN_ACT_RELU && act != NN_ACT_LEAKY_RELU) {
		err_set(err, "medn: hidden activation %d, expected ReLU or leaky ReLU", (int)act);
		return NULL;
	}
	if (!(m = xcalloc(1, sizeof(*m), err)))
		return NULL;
	m->d = d;
	m->direct = direct;
	m->act = act;
	if (nn_stack_init(&m->enc, d, nenc, enc, act, act, 0, err) < 0)
		goto fail;
	npred = predictor_widths(enc[nenc - 1], pw);
	if (nn_stack_init(&m->pred, enc[nenc - 1], npred, pw, act, NN_ACT_IDENTITY,
			  m->enc.nparams, err) < 0)
		goto fail;
	m->nparams = m->enc.nparams + m->pred.nparams;
	if (!direct) {
		for (l = 0; l < nenc - 1; l++)
			rw[l] = enc[nenc - 2 - l];
		rw[nenc - 1] = d;
		if (nn_stack_init(&m->recon, enc[nenc - 1], nenc, rw, act, NN_ACT_IDENTITY,
				  m->nparams, err) < 0)
			goto fail;
		m->nparams += m->recon.nparams;
	}
	if (!(m->params = xcalloc(m->nparams, sizeof(float), err)))
		goto fail;
	return m;
fail:
	err_prefix(err, "medn");
	medn_free(m);
	return NULL;
}

struct medn_model *medn_new(int d, const struct medn_params *p, char *err)
{
	struct medn_model *m;
	struct rng init;

	if (d < 1 || d > NN_MAX_WIDTH) {
		err_set(err, "medn: %d features, expected 1 to %d", d, NN_MAX_WIDTH);
		return NULL;
	}
	if (!(m = layout(d, p->nenc, p->enc, p->direct, p->act, err)))
		return NULL;
	rng_init(&init, p->seed, 0);
	nn_stack_reset(&m->enc, m->params, &init);
	nn_stack_reset(&m->pred, m->params, &init);
	if (!m->direct)
		nn_stack_reset(&m->recon, m->params, &init);
	return m;
}

void medn_free(struct medn_model *m)
{
	if (!m)
		return;
	free(m->params);
	free(m);
}

/* the settings nn_train_check does not check */
static int check_weight(const struct medn_params *p, char *err)
{
	if (!p->direct && (!(p->recon_weight >= 0.0) || !isfinite(p->recon_weight)))
		return err_set(err, "medn: reconstruction weight %g, expected a number >= 0",
			       p->recon_weight);
	return 0;
}

/* What one training step needs besides the minibatch: the model, the loss
 * weight, activations of the three stacks and the gradients flowing between
 * them, for up to cap rows. */
struct work {
	const struct medn_model *m;
	double recon_weight;
	struct nn_cache ce, cp, cr;
	float *gpred, *grecon, *glatent;
};

static void work_release(struct work *w)
{
	nn_cache_release(&w->ce);
	nn_cache_release(&w->cp);
	nn_cache_release(&w->cr);
	free(w->gpred);
	free(w->grecon);
	free(w->glatent);
	memset(w, 0, sizeof(*w));
}

static int work_init(struct work *w, const struct medn_model *m, double recon_weight, int cap,
		     char *err)
{
	memset(w, 0, sizeof(*w));
	w->m = m;
	w->recon_weight = recon_weight;
	if (nn_cache_init(&w->ce, &m->enc, cap, err) < 0 ||
	    nn_cache_init(&w->cp, &m->pred, cap, err) < 0 ||
	    (!m->direct && nn_cache_init(&w->cr, &m->recon, cap, err) < 0) ||
	    !(w->gpred = xcalloc((size_t)cap, sizeof(float), err)) ||
	    !(w->grecon = xcalloc((size_t)cap * m->d, sizeof(float), err)) ||
	    !(w->glatent = xcalloc((size_t)cap * nn_stack_out(&m->enc), sizeof(float), err))) {
		work_release(w);
		return -1;
	}
	return 0;
}

/* loss = SmoothL1(pred, y) + w SmoothL1(recon, x) of the minibatch (xb, yb);
 * grads (all m->nparams) = its gradient. The encoder gets the sum of both
 * decoders' gradients with respect to the latent. (An nn_loss_grad_fn, ctx a
 * struct work.) */
static double loss_grad(void *ctx, const float *xb, const float *yb, int rows, float *grads)
{
	struct work *w = ctx;
	const struct medn_model *m = w->m;
	const float *z, *pred, *recon;
	double loss;

	z = nn_forward(&m->enc, m->params, &w->ce, xb, rows);
	pred = nn_forward(&m->pred, m->params, &w->cp, z, rows);
	loss = nn_smooth_l1(pred, yb, (size_t)rows, 1.0f / rows, w->gpred);
	memset(grads, 0, m->nparams * sizeof(float));
	nn_backward(&m->pred, m->params, grads, &w->cp, rows, w->gpred, w->glatent, 0);
	if (!m->direct) {
		size_t count = (size_t)rows * m->d;

		recon = nn_forward(&m->recon, m->params, &w->cr, z, rows);
		loss += nn_smooth_l1(recon, xb, count, (float)(w->recon_weight / count),
				     w->grecon);
		nn_backward(&m->recon, m->params, grads, &w->cr, rows, w->grecon, w->glatent, 1);
	}
	nn_backward(&m->enc, m->params, grads, &w->ce, rows, w->glatent, NULL, 0);
	return loss;
}

int medn_loss_grad(const struct medn_model *m, double recon_weight, const float *xb,
		   const float *yb, int rows, float *grads, double *loss, char *err)
{
	struct work w;

	if (rows < 1)
		return err_set(err, "medn: a minibatch of %d rows", rows);
	if (work_init(&w, m, recon_weight, rows, err) < 0)
		return -1;
	*loss = loss_grad(&w, xb, yb, rows, grads);
	work_release(&w);
	return 0;
}

int medn_fit(const double *X, const double *y, size_t n, int d, const struct medn_params *p,
	     struct medn_model **model, char *err)
{
	struct nn_train_params t = NN_TRAIN_PARAMS("medn", p);
	struct medn_model *m;
	struct work w;

	*model = NULL;
	if (nn_train_check(&t, n, d, err) < 0 || check_weight(p, err) < 0 ||
	    !(m = medn_new(d, p, err)))
		return -1;
	t.chain[0] = &m->enc;
	t.chain[1] = &m->pred;
	t.nchain = 2;
	if (work_init(&w, m, p->recon_weight, nn_train_batch(&t, n), err) < 0 ||
	    nn_train(X, y, n, d, m->params, m->nparams, &t, loss_grad, &w, NULL, err) < 0) {
		work_release(&w);
		medn_free(m);
		return -1;
	}
	work_release(&w);
	*model = m;
	return 0;
}

double medn_predict_one(const struct medn_model *m, const double *x)
{
	const struct nn_stack *s[] = { &m->enc, &m->pred };

	return nn_predict_one(s, 2, m->params, x);
}

int medn_predict(const struct medn_model *m, const double *X, size_t n, double *out, char *err)
{
	const struct nn_stack *s[] = { &m->enc, &m->pred };

	return nn_predict(s, 2, m->params, X, n, out, err);
}

size_t medn_param_count(const struct medn_model *m)
{
	return m->nparams;
}

size_t medn_size_bytes(const struct medn_model *m)
{
	return m->nparams * sizeof(float);
}

int medn_export(const struct medn_model *m, struct param_set *ps, char *err)
{
	if (nn_export_stack(&m->enc, m->params, "encoder", ps, err) < 0 ||
	    nn_export_stack(&m->pred, m->params, "predictor", ps, err) < 0 ||
	    (!m->direct && nn_export_stack(&m->recon, m->params, "reconstructor", ps, err) < 0) ||
	    param_set_add_scalar_i64(ps, "leaky_relu", m->act == NN_ACT_LEAKY_RELU, err) < 0)
		return err_prefix(err, "medn");
	return 0;
}

int medn_import(const struct param_set *ps, struct medn_model **model, char *err)
{
	int ew[NN_MAX_LAYERS + 1], pw[NN_MAX_LAYERS + 1], rw[NN_MAX_LAYERS + 1];
	enum nn_act act = NN_ACT_RELU;
	int ne, np, nr, direct;
	struct medn_model *m;

	*model = NULL;
	if (param_set_find(ps, "leaky_relu")) {
		int64_t leaky;

		if (param_set_get_scalar_i64(ps, "leaky_relu", &leaky, err) < 0)
			return err_prefix(err, "medn");
		if (leaky != 0 && leaky != 1)
			return err_set(err, "medn: parameter 'leaky_relu' is %lld, expected 0 or 1",
				       (long long)leaky);
		act = leaky ? NN_ACT_LEAKY_RELU : NN_ACT_RELU;
	}
	if ((ne = nn_import_widths(ps, "encoder", ew, err)) < 0 ||
	    (np = nn_import_widths(ps, "predictor", pw, err)) < 0 ||
	    (nr = nn_import_widths(ps, "reconstructor", rw, err)) < 0)
		return err_prefix(err, "medn");
	if (ne == 0)
		return err_set(err, "medn: parameter 'encoder.0.weight' is missing");
	direct = nr == 0;
	/* layout() lays out the predictor and reconstructor from the encoder;
	 * nn_import_stack then checks every stored shape against that layout */
	if (!(m = layout(ew[0], ne, ew + 1, direct, act, err)))
		return -1;
	if (np != m->pred.nlayers || (!direct && nr != m->recon.nlayers)) {
		medn_free(m);
		return err_set(err, "medn: the decoders have %d and %d layers, expected %d and %d "
			       "for this encoder", np, nr, m->pred.nlayers,
			       direct ? 0 : m->recon.nlayers);
	}
	if (nn_import_stack(&m->enc, m->params, "encoder", ps, err) < 0 ||
	    nn_import_stack(&m->pred, m->params, "predictor", ps, err) < 0 ||
	    (!direct && nn_import_stack(&m->recon, m->params, "reconstructor", ps, err) < 0)) {
		medn_free(m);
		return err_prefix(err, "medn");
	}
	*model = m;
	return 0;
}
