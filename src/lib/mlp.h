/* mlp.h - the MLP regressor, configured as SWFU's.
 *
 * d inputs -> hidden ReLU layers (two of 128 units) -> 1 output (identity),
 * trained with Adam on the SmoothL1 loss (PyTorch's, beta = 1, mean over the
 * minibatch), minibatches of 64 rows reshuffled every epoch, PyTorch's default
 * initialisation. SWFU does not publish its network; two hidden layers of 128
 * match the paper's 77 KB model size (see DESIGN.md).
 *
 * X is (n, d) row-major, already scaled; y is the target as the caller wants
 * it predicted (e.g. log latency). Same data, parameters and seed give
 * bit-identical parameters on the same machine and OpenBLAS build (OpenBLAS
 * picks its kernels by CPU, so another CPU model may round differently).
 */
#ifndef MODLAT_MLP_H
#define MODLAT_MLP_H

#include <stddef.h>
#include <stdint.h>

#include "nn.h"
#include "param_set.h"

struct mlp_params {
	int nhidden;                   /* hidden layers (2) */
	int hidden[NN_MAX_LAYERS - 1]; /* their widths (128, 128) */
	/* the rest is nn_train's settings (nn.h), passed on by NN_TRAIN_PARAMS */
	int epochs;                    /* passes over the data (500) */
	double lr;                     /* Adam learning rate (0.005) */
	int batch;                     /* minibatch rows (64); the last one of an epoch may be short */
	uint64_t seed;                 /* initialisation (rng stream 0), shuffling (stream 1) (0) */
	/* Called after every epoch (1-based) with the mean training loss; may be
	 * NULL. A non-zero return stops the fit, which then fails. */
	int (*progress)(void *ctx, int epoch, double loss);
	void *progress_ctx;
	int cosine;               /* learning rate on a cosine schedule (0) */
	struct nn_valid valid;    /* early stopping's validation rows (none) */
};

struct mlp_model {
	int d;                /* inputs */
	struct nn_stack net;  /* d -> hidden... -> 1 */
	float *params;        /* net.nparams floats */
};

/* Fills p with the defaults shown above. */
void mlp_params_default(struct mlp_params *p);

/* A model for d inputs laid out by p (nhidden, hidden) and initialised from
 * p->seed as mlp_fit starts; the caller's to mlp_free. NULL on error. */
struct mlp_model *mlp_new(int d, const struct mlp_params *p, char *err);

/* Fits a model to X (n, d) and y (n): mlp_new, then nn_train (nn.h) on the
 * loss of mlp_loss_grad; *model is the caller's to mlp_free. Returns 0, or
 * -1 with a message (nn_train's, or a bad architecture). */
int mlp_fit(const double *X, const double *y, size_t n, int d, const struct mlp_params *p,
	    struct mlp_model **model, char *err);

/* The training loss of one minibatch, xb (rows, d) and yb (rows) in float32,
 * as mlp_fit minimises it at each step (the same code), into *loss, and its
 * gradient with respect to every parameter into grads (mlp_param_count
 * floats). For tests and tools; allocates its scratch. */
int mlp_loss_grad(const struct mlp_model *m, const float *xb, const float *yb, int rows,
		  float *grads, double *loss, char *err);

/* nn_predict_one (nn.h) through the network: no allocation, thread-safe,
 * about 1 us. */
double mlp_predict_one(const struct mlp_model *m, const double *x);

/* nn_predict (nn.h) through the network: X (n, d) into out (n). */
int mlp_predict(const struct mlp_model *m, const double *X, size_t n, double *out, char *err);

void mlp_free(struct mlp_model *m);

size_t mlp_param_count(const struct mlp_model *m);
/* Bytes of the float32 parameters (param_count * 4). */
size_t mlp_size_bytes(const struct mlp_model *m);

/* Appends the parameters to ps (param_set.h) in PyTorch's state-dict names
 * and layout: layers.L.weight (out, in) and layers.L.bias (out), L = 0 ..
 * nhidden, float64 entries holding the float32 values exactly. */
int mlp_export(const struct mlp_model *m, struct param_set *ps, char *err);
/* Rebuilds a model from mlp_export's entries (the architecture is read from
 * their shapes); *model is the caller's to mlp_free. */
int mlp_import(const struct param_set *ps, struct mlp_model **model, char *err);

#endif
