/* backend_onednn.h - test-only view into a oneDNN module instance.
 *
 * The measuring code needs only `backend_onednn` (backend.h). Tests use this
 * accessor to check the numbers a run produced against a naive reference.
 */
#ifndef MODLAT_BACKEND_ONEDNN_H
#define MODLAT_BACKEND_ONEDNN_H

#include "backend.h"

extern const struct backend_ops backend_onednn;

/* An instance's tensors in plain layouts, float32. Channel counts: C is C_i,
 * except after a conv (bn of conv-bn*) where it is C_o. */
struct onednn_buffers {
	const float *input;   /* (N, C_i, L, L); linear (N, C_i) */
	const float *weights; /* conv (C_o, C_i, K, K), linear (C_o, C_i); else NULL */
	const float *bias;    /* (C_o) for conv and linear; else NULL */
	const float *bn_mean, *bn_var, *bn_scale, *bn_shift; /* (C); NULL without bn */
	float bn_epsilon;
	const float *output; /* (N, C_o or C, Lo, Lo); linear (N, C_o) */
	/* oneDNN's implementation of each primitive run, in order, e.g.
	 * "brg:avx2"; the list ends with NULL. */
	const char *impl[4];
};

/* Fills *b for the instance `inst` (from backend_onednn.prepare) after a run:
 * reorders the output into its plain layout if oneDNN chose another one
 * (allocating that buffer on the first call). The pointers belong to the
 * instance: valid until its next run or its release. Returns 0, or -1 with
 * a message in err. */
int backend_onednn_buffers(void *inst, struct onednn_buffers *b, char *err);

#endif
