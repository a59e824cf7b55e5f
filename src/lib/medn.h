/* medn.h - MEDN, the multi-task encoder-decoder network (Shen et al. 2024, 2.3).
 *
 *   encoder        d -> enc[0] -> ... -> enc[k-1] = latent   (act after every layer)
 *   predictor      latent -> latent/2 -> latent/4 -> ... -> 2 -> 1
 *                  (widths halve while above 1; act between, identity out)
 *   reconstructor  latent -> enc[k-2] -> ... -> enc[0] -> d  (mirror of the
 *                  encoder; act between, identity out)
 * act is ReLU (the paper's, the default) or leaky ReLU (see below).
 *   loss = SmoothL1(pred, y) + w * SmoothL1(recon, x)
 * SmoothL1 is PyTorch's (beta = 1, mean over the minibatch; over rows and
 * features for the reconstruction). Trained with Adam, minibatches of 64 rows
 * reshuffled every epoch, PyTorch's default initialisation. Predictions use
 * the encoder and the predictor only. With d = 10 and enc = [128, 64, 32]
 * (conv, Table 4) the network has 24,179 float32 parameters, the paper's 110 KB.
 *
 * MEDN-D (direct) has no reconstructor: loss = SmoothL1(pred, y).
 *
 * The narrow end of the predictor (4 -> 2 -> 1 units) can die: with ReLU and
 * PyTorch's initialisation, every unit of a layer negative for every input,
 * so the output is a constant and no gradient reaches the encoder. On a
 * smooth 4-feature problem (tests/test_medn.c's), 16 of 40 seeds start that
 * way and 22 of 40 end that way after 40 epochs; PyTorch draws from the same
 * distributions, so the paper's MEDN is exposed to the same. act =
 * NN_ACT_LEAKY_RELU (slope 0.01, same parameter count) collapsed in 0 of 40.
 *
 * All parameters are one float buffer: encoder, predictor, then the
 * reconstructor (absent for MEDN-D). X is (n, d) row-major, already scaled;
 * same data, parameters and seed give bit-identical parameters on the same
 * machine and OpenBLAS build.
 */
#ifndef MODLAT_MEDN_H
#define MODLAT_MEDN_H

#include <stddef.h>
#include <stdint.h>

#include "nn.h"
#include "param_set.h"

struct medn_params {
	int nenc;                 /* encoder layers (3) */
	int enc[NN_MAX_LAYERS];   /* encoder widths, the last is the latent ({128, 64, 32}) */
	double recon_weight;      /* w, reconstruction : prediction loss weight (100, conv's) */
	int direct;               /* 1: MEDN-D, no reconstructor (0) */
	enum nn_act act;          /* after every hidden layer and the latent:
				   * NN_ACT_RELU (the paper's) or NN_ACT_LEAKY_RELU (NN_ACT_RELU) */
	/* the rest is nn_train's settings (nn.h), passed on by NN_TRAIN_PARAMS */
	int epochs;               /* passes over the data (500) */
	double lr;                /* Adam learning rate (0.005) */
	int batch;                /* minibatch rows (64); the last one of an epoch may be short */
	uint64_t seed;            /* initialisation (rng stream 0), shuffling (stream 1) (0) */
	/* Called after every epoch (1-based) with the mean training loss (the
	 * weighted sum); may be NULL. A non-zero return stops the fit, which fails. */
	int (*progress)(void *ctx, int epoch, double loss);
	void *progress_ctx;
	int cosine;               /* learning rate on a cosine schedule (0) */
	struct nn_valid valid;    /* early stopping's validation rows (none) */
};

struct medn_model {
	int d;                       /* inputs */
	int direct;                  /* 1: no reconstructor */
	enum nn_act act;             /* hidden activation */
	struct nn_stack enc, pred, recon; /* recon unused (nlayers 0) when direct */
	size_t nparams;              /* all stacks */
	float *params;
};

/* Fills p with the defaults shown above (conv's configuration). */
void medn_params_default(struct medn_params *p);

/* A model for d inputs laid out by p (nenc, enc, direct) and initialised from
 * p->seed as medn_fit starts; the caller's to medn_free. NULL on error. */
struct medn_model *medn_new(int d, const struct medn_params *p, char *err);

/* Fits a model to X (n, d) and y (n): medn_new, then nn_train (nn.h) on the
 * loss of medn_loss_grad with p->recon_weight; *model is the caller's to
 * medn_free. Returns 0, or -1 with a message (nn_train's, a bad
 * architecture or reconstruction weight). */
int medn_fit(const double *X, const double *y, size_t n, int d, const struct medn_params *p,
	     struct medn_model **model, char *err);

/* The training loss of one minibatch, xb (rows, d) and yb (rows) in float32,
 * as medn_fit minimises it at each step (the same code), into *loss, and its
 * gradient with respect to every parameter into grads (medn_param_count
 * floats). For tests and tools; allocates its scratch. */
int medn_loss_grad(const struct medn_model *m, double recon_weight, const float *xb,
		   const float *yb, int rows, float *grads, double *loss, char *err);

/* nn_predict_one (nn.h) through the encoder and the predictor: no
 * allocation, thread-safe, about 1 us. */
double medn_predict_one(const struct medn_model *m, const double *x);

/* nn_predict (nn.h) through the encoder and the predictor: X (n, d) into out (n). */
int medn_predict(const struct medn_model *m, const double *X, size_t n, double *out, char *err);

void medn_free(struct medn_model *m);

/* All stored parameters (the reconstructor's included, where there is one). */
size_t medn_param_count(const struct medn_model *m);
/* Bytes of the float32 parameters (param_count * 4). */
size_t medn_size_bytes(const struct medn_model *m);

/* Appends the parameters to ps (param_set.h) in PyTorch's state-dict names
 * and layout: encoder.L.*, predictor.L.*, reconstructor.L.* (not for
 * MEDN-D), each .weight (out, in) and .bias (out), float64 entries holding
 * the float32 values exactly, and the int64 scalar leaky_relu (0: ReLU, 1:
 * leaky ReLU). */
int medn_export(const struct medn_model *m, struct param_set *ps, char *err);
/* Rebuilds a model from medn_export's entries (the architecture, and whether
 * it is MEDN-D, read from their shapes; a missing leaky_relu means ReLU);
 * *model is the caller's to medn_free. */
int medn_import(const struct param_set *ps, struct medn_model **model, char *err);

#endif
