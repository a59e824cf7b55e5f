/* rm.h - the regression models behind one table.
 *
 * Each RM fits on rows already prepared by model.c (min-max scaled features
 * and a transformed target, or for LOP the raw ACTS, INP and FLOPs columns
 * and the raw latency) and predicts one row or many. Adding an RM is one
 * entry in rm_list() and its settings in struct rm_settings.
 */
#ifndef MODLAT_RM_H
#define MODLAT_RM_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "module.h"
#include "param_set.h"

#define RM_MAX_LAYERS 8

/* Every RM's settings; each RM reads its own. Defaults: rm_settings_default. */
struct rm_settings {
	uint64_t seed;
	int target_log; /* fit log(latency) instead of latency */
	int log_inputs; /* the -log variants: wide-range positive features as log(x) (model.h) */
	/* rf (nn-Meter's CPU predictors, per module) */
	int trees, max_depth, max_features, min_samples_split, min_samples_leaf, bootstrap;
	int threads; /* 0: all cores */
	/* mlp and medn */
	int nhidden, hidden[RM_MAX_LAYERS]; /* mlp hidden widths */
	int nenc, encoder[RM_MAX_LAYERS];   /* medn encoder widths */
	double weight;                      /* medn reconstruction weight w */
	int direct;                         /* medn-d: no reconstruction decoder */
	int leaky;                          /* medn: leaky ReLU instead of ReLU */
	int epochs, batch;
	double lr; /* also gbt's learning rate (XGBoost's eta) */
	/* gbt (trees, max_depth and lr above) */
	double lambda, min_child_weight, subsample, colsample;
	int max_bin;
	/* the -es variants (mlp and medn): a cosine learning-rate schedule and
	 * the parameters of the epoch best on held-out rows (nn.h's early
	 * stopping) */
	int early_stop;
	/* filled by model_fit for early_stop, not settings: the held-out rows
	 * (every 10th training row), prepared as the training rows */
	const double *valid_X, *valid_y;
	size_t nvalid;
};

struct rm_ops {
	const char *name;  /* lr, rf, mlp, medn, gbt, lop */
	int raw_inputs;    /* 1: fits raw out_size, data_size, flops and raw latency */
	int (*fit)(const double *X, const double *y, size_t n, size_t d, const struct rm_settings *s,
		   void **model, char *err);
	double (*predict_one)(const void *model, const double *x);
	int (*predict)(const void *model, const double *X, size_t n, double *out, char *err);
	int (*save)(const void *model, struct param_set *ps, char *err);
	int (*load)(const struct param_set *ps, void **model, char *err);
	void (*free)(void *model);
	int few_rows;      /* 1: fits fewer training rows than features (trees and
			      the networks need only 2 rows; lr, rf and lop d + 2) */
};

/* The RM called name ("lr", "rf", "mlp", "medn", "gbt", "lop"), or NULL. */
const struct rm_ops *rm_find(const char *name);

/* The paper's settings of rm for module m (nn-Meter's forests, Table 4's MEDN
 * widths and weights, SWFU-like MLP), then the experiment's [RM] and
 * [RM.MODULE] entries over them. Unknown values are errors naming file and
 * line. */
int rm_settings_load(struct rm_settings *s, const char *rm, enum module_kind m,
		     const struct experiment *x, char *err);

#endif
