/* gbt.h - GBT: gradient-boosted regression trees.
 *
 * Friedman's gradient boosting with XGBoost's second-order trees
 * (Chen & Guestrin 2016), squared error: starting from a base score b,
 * round k fits a tree f_k to the residuals and the model predicts
 *   y(x) = b + sum_k f_k(x)
 * (the learning rate is folded into the leaves). The trees are grown by
 * XGBoost's C API (gbt_xgb.c, the only file that needs libxgboost: only
 * fit-gbt and the tests link it) with the "hist" method on one thread, so a
 * refit gives the same trees bit for bit. They are then stored in the
 * random forest's blocked layout and walked by its walker (rf.h), which
 * sums the leaves instead of averaging them: prediction needs neither
 * XGBoost nor an allocation.
 *
 * XGBoost tests "x < c" in float32 (its inputs are cast to float, c is a
 * float); the forest tests "x <= t" in double. Each split is stored with
 * t = the largest double whose float rounding is below c, so for every
 * double x the two agree exactly: x <= t iff (float)x < c. Leaf values
 * and the base score are XGBoost's floats, summed here in double (XGBoost
 * sums in float: the two differ by float rounding, ~1e-7 relative).
 */
#ifndef MODLAT_GBT_H
#define MODLAT_GBT_H

#include <stddef.h>
#include <stdint.h>

#include "param_set.h"
#include "rf.h"

struct gbt_params {
	int n_trees;             /* boosting rounds, >= 1 */
	int max_depth;           /* >= 1 */
	double lr;               /* learning rate (XGBoost's eta), in (0, 1] */
	double lambda;           /* L2 penalty on leaf values, >= 0 */
	double min_child_weight; /* least hessian (rows, for squared error) in a child */
	double subsample;        /* share of rows drawn per tree, in (0, 1] */
	double colsample;        /* share of features drawn per tree, in (0, 1] */
	int max_bin;             /* histogram bins per feature, >= 2 */
	uint64_t seed;
};

struct gbt_model {
	struct rf_model *trees; /* leaves hold the learning-rate-scaled values */
	double base;            /* the base score (a float's value) */
};

/* 600 trees, depth 6, lr 0.05, lambda 1, min_child_weight 5, subsample 0.8,
 * colsample 1, 256 bins, seed 0 (chosen on the paper datasets' validation
 * split: experiments/paper/models.ini). */
void gbt_params_init(struct gbt_params *p);

/* Fits on X (n, d), row-major, and y (n), all finite, 1 <= d <= 127; the
 * base score is the mean of y (as a float). On success *m is a new model
 * (free with gbt_free). Defined in gbt_xgb.c: a program that does not link
 * it (evaluate, predict, the C API) cannot fit, and rm.c says so. */
int gbt_fit(const double *X, const double *y, size_t n, size_t d, const struct gbt_params *p,
	    struct gbt_model **m, char *err);

/* b + the trees' summed leaves for one row x (d values, no NaN). */
double gbt_predict_one(const struct gbt_model *m, const double *x);
/* The same for X (n, d) into out (n), on `threads` threads (0: all cores). */
void gbt_predict(const struct gbt_model *m, const double *X, size_t n, double *out, int threads);

/* Builds a model from trees in the forest's export form (rf.h: tree_offset,
 * feature, threshold as "x <= t goes left", right, value, n_features) and
 * the base score. */
int gbt_import(const struct param_set *ps, struct gbt_model **m, char *err);
/* The forest's entries and base_score float64 [1]. */
int gbt_export(const struct gbt_model *m, struct param_set *ps, char *err);

void gbt_free(struct gbt_model *m);

/* The largest double t with (float)t < c, for a finite float c: XGBoost's
 * split "x < c" as the forest's "x <= t". */
double gbt_threshold(float c);

#endif
