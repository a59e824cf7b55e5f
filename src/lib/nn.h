/* nn.h - a small dense-network toolkit in float32, for the deep RMs (mlp.c, medn.c).
 *
 * A network is one or more "stacks": chains of dense layers
 *   a_l = act_l(a_{l-1} W_l + b_l),  W_l is (in, out) row-major, b_l is (out)
 * whose parameters live at fixed offsets in ONE contiguous float buffer shared
 * by the whole model; gradients and Adam moments are buffers of the same
 * length and layout, so an optimiser step is one loop over the model.
 *
 * Minibatch forward and backward run on OpenBLAS's cblas_sgemm (row-major
 * activations, (rows, width)); nn_forward_one is a single-sample path with
 * hand-written loops, no BLAS and no allocation, for microsecond predictions.
 * Its sums run in the same order on every CPU (no FMA contraction under
 * -std=c11), so it is deterministic; it differs from the sgemm path only by
 * float rounding (~1e-6 relative).
 *
 * Weights are stored (in, out), the transpose of PyTorch's nn.Linear.weight;
 * nn_export_stack / nn_import_stack convert to and from PyTorch's (out, in)
 * in a param_set (param_set.h).
 */
#ifndef MODLAT_NN_H
#define MODLAT_NN_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define NN_MAX_LAYERS 16   /* layers in one stack */
#define NN_MAX_WIDTH 2048  /* units in one layer (also the input width) */
#define NN_MAX_CHAIN 4     /* stacks in one prediction path */

enum nn_act {
	NN_ACT_IDENTITY,
	NN_ACT_RELU,
	NN_ACT_LEAKY_RELU /* z > 0 ? z : NN_LEAKY_SLOPE z */
};

#define NN_LEAKY_SLOPE 0.01f /* PyTorch's LeakyReLU default */

/* The shape of a chain of dense layers and where its parameters live. */
struct nn_stack {
	int nlayers;
	int width[NN_MAX_LAYERS + 1];   /* width[0] = input, width[l + 1] = output of layer l */
	enum nn_act act[NN_MAX_LAYERS]; /* activation after layer l */
	size_t off[NN_MAX_LAYERS];      /* layer l: W (width[l] x width[l+1]) at off[l], then b */
	size_t begin, nparams;          /* the stack's span [begin, begin + nparams) */
};

/* Lays out a stack of `nlayers` layers from `in` inputs to widths out[0..nlayers-1],
 * `hidden` after every layer but the last, `last` after the last, its
 * parameters starting at float offset `begin` of the model's buffer.
 * Returns 0, or -1 for a width outside [1, NN_MAX_WIDTH] or too many layers. */
int nn_stack_init(struct nn_stack *s, int in, int nlayers, const int *out, enum nn_act hidden,
		  enum nn_act last, size_t begin, char *err);
/* Output width of the stack. */
int nn_stack_out(const struct nn_stack *s);

/* PyTorch's nn.Linear default initialisation: every weight and bias of layer l
 * drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = width[l], in buffer
 * order, from r. */
void nn_stack_reset(const struct nn_stack *s, float *params, struct rng *r);

/* Activations of one stack for a minibatch of at most `cap` rows, kept for backward. */
struct nn_cache {
	int cap;
	const float *in;                /* the last forward's input (not owned) */
	float *a[NN_MAX_LAYERS];        /* a[l]: output of layer l, (cap, width[l+1]) */
	float *d0, *d1;                 /* backward scratch, (cap, max width) each */
};

int nn_cache_init(struct nn_cache *c, const struct nn_stack *s, int cap, char *err);
void nn_cache_release(struct nn_cache *c);

/* Minibatch forward: in is (rows, width[0]), rows <= c->cap; returns the
 * output (rows, width[nlayers]), which lives in c. `in` must stay valid until
 * nn_backward. */
const float *nn_forward(const struct nn_stack *s, const float *params, struct nn_cache *c,
			const float *in, int rows);

/* Backward for the last nn_forward: dout is dLoss/dOutput (rows, width[nlayers]).
 * ADDS the parameter gradients into grads (same layout as params; zero it
 * before the first backward of a step). If din is not NULL, writes (or, with
 * din_accumulate, adds) dLoss/dInput (rows, width[0]) into it. */
void nn_backward(const struct nn_stack *s, const float *params, float *grads, struct nn_cache *c,
		 int rows, const float *dout, float *din, int din_accumulate);

/* Single-sample forward: in has width[0] floats, out gets width[nlayers].
 * No allocation (stack scratch of 2 * NN_MAX_WIDTH floats), thread-safe;
 * in and out may be the same array. */
void nn_forward_one(const struct nn_stack *s, const float *params, const float *in, float *out);

/* PyTorch's SmoothL1Loss with beta = 1, summed and scaled:
 *   returns scale * sum_i l(p_i - t_i),  l(e) = 0.5 e^2 if |e| < 1, |e| - 0.5 otherwise,
 *   and writes grad[i] = scale * clamp(p_i - t_i, -1, 1) (grad may be NULL).
 * scale = 1/n gives the mean (reduction='mean'). */
double nn_smooth_l1(const float *pred, const float *target, size_t n, float scale, float *grad);

/* Adam (Kingma & Ba, 2015) as torch.optim.Adam (no weight decay, no amsgrad):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  t = t + 1
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps) */
struct nn_adam {
	size_t n;
	double lr, beta1, beta2, eps; /* nn_adam_init sets 0.9, 0.999, 1e-8 */
	long t;                       /* steps taken */
	float *m, *v;                 /* moments, n each, zero at start */
};

int nn_adam_init(struct nn_adam *a, size_t n, double lr, char *err);
void nn_adam_step(struct nn_adam *a, float *params, const float *grads);
void nn_adam_release(struct nn_adam *a);

/* Runs OpenBLAS on n threads from now on (n <= 0: leaves it) and returns the
 * previous count, to be restored with nn_blas_threads(prev). OpenBLAS's sgemm
 * rounds differently with another thread count, so the fits and batched
 * predictions of mlp.c and medn.c run on 1 thread, which is also the fastest
 * for layers this small (0.25 vs 0.31 ms per MEDN step of 64 rows on a
 * 2-core Zen 3), and restore the caller's count after. The count is global
 * to the process: do not change it from another thread meanwhile. */
int nn_blas_threads(int n);

/* Fisher-Yates shuffle of idx[0..n-1] from r. */
void nn_shuffle(size_t *idx, size_t n, struct rng *r);

/* Converts n x d doubles (row-major) to a new float array (caller frees),
 * rejecting any value that is not finite: "WHAT row R column C is not finite". */
int nn_floats(const double *src, size_t n, int d, const char *what, float **dst, char *err);

/* Copies rows idx[0..rows-1] of the float matrix X (., d) into out (rows, d). */
void nn_gather(const float *X, int d, const size_t *idx, int rows, float *out);

/* ---- training: minibatch Adam on one model's parameter buffer ---- */

/* The loss of one minibatch, xb (rows, d) and yb (rows) in float32, rows >= 1:
 * returns it and OVERWRITES grads (every parameter of the model) with its
 * gradient. ctx is the model's: its layout, scratch for the rows of
 * nn_train_batch, and loss settings. */
typedef double nn_loss_grad_fn(void *ctx, const float *xb, const float *yb, int rows,
			       float *grads);

/* Validation rows for early stopping (the -es variants, issue 11's lever 4),
 * prepared as the training rows are (scaled features, transformed target). */
struct nn_valid {
	const double *X, *y; /* (n, d) and (n) */
	size_t n;            /* 0: no early stopping */
	int target_log;      /* y is log(latency) (else the latency itself) */
};

/* The settings nn_train shares among the deep RMs (mlp_params, medn_params). */
struct nn_train_params {
	const char *who; /* the RM's name, first in every message: "mlp" */
	int epochs;      /* passes over the data */
	double lr;       /* Adam learning rate */
	int batch;       /* minibatch rows; the last one of an epoch may be short */
	uint64_t seed;   /* shuffling: rng stream 1 (stream 0 is the RM's initialisation) */
	/* Called after every epoch (1-based) with the mean training loss; may be
	 * NULL. A non-zero return stops the fit, which then fails. */
	int (*progress)(void *ctx, int epoch, double loss);
	void *progress_ctx;
	/* The learning rate of epoch e (1-based): lr, or with cosine
	 * lr (1 + cos(pi (e - 1) / epochs)) / 2, from lr down to near 0. */
	int cosine;
	/* Early stopping: with valid.n > 0, after every epoch the model's
	 * prediction path (chain[0..nchain-1], set by the RM) predicts the
	 * validation rows, and nn_train returns the parameters of the epoch
	 * with the most predictions within 20% of the latency (P20; ties: the
	 * lower mean absolute error of the target), not the last epoch's. */
	struct nn_valid valid;
	const struct nn_stack *chain[NN_MAX_CHAIN];
	int nchain;
};

/* The nn_train_params of an RM's settings p, a struct with fields of the
 * same names (mlp_params, medn_params), for messages that start "WHO: "
 * (the RM sets chain and nchain). */
#define NN_TRAIN_PARAMS(who_, p)                                                        \
	((struct nn_train_params){ .who = (who_), .epochs = (p)->epochs, .lr = (p)->lr,     \
				   .batch = (p)->batch, .seed = (p)->seed,                  \
				   .progress = (p)->progress, .progress_ctx = (p)->progress_ctx, \
				   .cosine = (p)->cosine, .valid = (p)->valid })

/* Checks n (>= 1 rows), d (1 to NN_MAX_WIDTH features) and p (epochs and
 * batch >= 1, lr > 0): returns 0, or -1 with "WHO: epochs 0, expected at
 * least 1" and the like. */
int nn_train_check(const struct nn_train_params *p, size_t n, int d, char *err);

/* The most rows of a minibatch of nn_train: min(p->batch, n). */
int nn_train_batch(const struct nn_train_params *p, size_t n);

/* Fits params (nparams floats, initialised by the caller) to X (n, d) and y
 * (n), doubles converted to float32 (a value that is not a finite float is an
 * error: "WHO: X row R column C ..."). Each epoch shuffles the row order
 * (nn_shuffle, rng stream 1 of p->seed) and takes one nn_adam_step per
 * minibatch of that order on loss_grad's gradient; the epoch's loss is the
 * rows-weighted mean of the minibatch losses. OpenBLAS runs on 1 thread
 * meanwhile (nn_blas_threads). Returns 0, or -1 with a message (bad
 * parameters, non-finite data, out of memory, a loss that is not finite, or
 * a stop asked by p->progress); params then hold the last step's values.
 * With p->valid.n > 0, params end as the best validation epoch's (above) and
 * *best_epoch (may be NULL) gets that epoch; otherwise it gets p->epochs. */
int nn_train(const double *X, const double *y, size_t n, int d, float *params, size_t nparams,
	     const struct nn_train_params *p, nn_loss_grad_fn *loss_grad, void *ctx,
	     int *best_epoch, char *err);

/* ---- prediction through a chain of stacks ---- */


/* A model's prediction path: s[0] takes the inputs, each stack feeds the
 * next, and the last has one output; all parameters in params. Single-sample
 * prediction for x (s[0]'s input width doubles), on nn_forward_one: no
 * allocation, thread-safe. nstacks is 1 to NN_MAX_CHAIN. */
double nn_predict_one(const struct nn_stack *const *s, int nstacks, const float *params,
		      const double *x);

/* Predictions for X (n, s[0]'s input width) into out (n), in chunks of 256
 * rows through nn_forward (sgemm) on 1 OpenBLAS thread. Returns 0 or -1 (out
 * of memory). */
int nn_predict(const struct nn_stack *const *s, int nstacks, const float *params,
	       const double *X, size_t n, double *out, char *err);

/* ---- export / import through param_set.h (one HDF5 dataset per entry) ---- */

struct param_set;

/* Appends a stack's parameters in PyTorch's state-dict names and layout, as
 * float64 entries (exact copies of the float32 values):
 * PREFIX.L.weight (out, in) and PREFIX.L.bias (out) for L = 0, 1, ... */
int nn_export_stack(const struct nn_stack *s, const float *params, const char *prefix,
		    struct param_set *ps, char *err);
/* Counts the layers stored as PREFIX.L.weight / PREFIX.L.bias (0 if none)
 * and checks that their shapes chain: returns the count, or -1 with a
 * message. widths[0..count] get the input and output widths (widths holds
 * NN_MAX_LAYERS + 1). */
int nn_import_widths(const struct param_set *ps, const char *prefix, int *widths, char *err);
/* Copies the entries of a stack laid out by nn_stack_init (same widths) into
 * params; a value that is not a finite float is an error. */
int nn_import_stack(const struct nn_stack *s, float *params, const char *prefix,
		    const struct param_set *ps, char *err);

#endif
