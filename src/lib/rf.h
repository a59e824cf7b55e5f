/* rf.h - RF: a random forest regressor with scikit-learn's semantics.
 *
 * Breiman's random forest of CART regression trees, as sklearn's
 * RandomForestRegressor grows them (the configuration nn-Meter uses):
 *   - each tree sees a bootstrap sample (n draws with replacement; a sample
 *     drawn k times has weight k) or, with bootstrap = 0, every sample once;
 *   - a node is a leaf when it is at max_depth, holds fewer than
 *     min_samples_split distinct samples (or fewer than 2 min_samples_leaf),
 *     or is pure (weighted variance <= DBL_EPSILON); its value is the
 *     weighted mean of its targets;
 *   - otherwise features are drawn without replacement: at least
 *     max_features of them, and more while every feature drawn so far is
 *     constant in the node (like sklearn; with min_samples_leaf = 1 a
 *     non-constant feature always has a valid split). For each, the samples
 *     are sorted and every boundary between consecutive distinct values
 *     (values closer than 1e-7 count as equal, sklearn's FEATURE_THRESHOLD)
 *     whose sides hold >= min_samples_leaf samples is scored by the MSE
 *     proxy sum_L^2/w_L + sum_R^2/w_R (maximising it minimises the children's
 *     summed squared error); the first best wins (strict >) in draw order;
 *   - the threshold is the midpoint of the two values (the lower value when
 *     the midpoint rounds up to the upper one); x <= threshold goes left;
 *   - the forest predicts the mean of its trees' predictions.
 * The same storage and walker serve gradient-boosted trees (gbt.h), which
 * take the sum of the leaves instead of their mean.
 * Differences from sklearn: values stay double (sklearn casts X to float32),
 * and the random streams are ours (xoshiro: stream (seed, tree index)), so
 * the forests are equal in distribution, not bit for bit. A tree depends
 * only on its own stream, so the forest is bitwise the same for any number
 * of threads.
 *
 * For prediction the trees are cut into 3-level blocks of one cache line
 * each that test integer ranks of x against the forest's sorted
 * thresholds (see rf.c); the export keeps the plain preorder form.
 */
#ifndef MODLAT_RF_H
#define MODLAT_RF_H

#include <stddef.h>
#include <stdint.h>

#include "param_set.h"

struct rf_params {
	int n_trees;		/* >= 1 */
	int max_depth;		/* the root is depth 0; 0 = unlimited */
	int max_features;	/* features drawn per node; 0 or > d: all d */
	int min_samples_split;	/* >= 2 */
	int min_samples_leaf;	/* >= 1 */
	int bootstrap;		/* 1: bootstrap sample per tree; 0: all samples */
	uint64_t seed;
	int threads;		/* threads growing trees; 0 = all online cores */
};

/* A fitted forest (opaque: see rf.c for its layout). */
struct rf_model;

/* nn-Meter's conv-family CPU settings: 320 trees, max_depth 70,
 * max_features 6, min_samples_split 2, min_samples_leaf 1, bootstrap,
 * seed 0, threads 0. */
void rf_params_init(struct rf_params *p);

/* Grows a forest on X (n, d), row-major, and y (n); all values finite,
 * 1 <= n < 2^24, 1 <= d <= 127. On success *m is a new model (free with
 * rf_free). */
int rf_fit(const double *X, const double *y, size_t n, size_t d,
	   const struct rf_params *p, struct rf_model **m, char *err);

/* The forest's prediction for one row x (d values): the mean of the trees'
 * leaves, summed in tree order. Not validated: x must not hold NaN. */
double rf_predict_one(const struct rf_model *m, const double *x);
/* The sum of the trees' leaves for x, in tree order (what a boosted
 * ensemble predicts, less its base score; gbt.c). Not validated either. */
double rf_predict_sum(const struct rf_model *m, const double *x);
/* Tree t's prediction for x. */
double rf_predict_tree(const struct rf_model *m, size_t t, const double *x);
/* Predictions for X (n, d), row-major, into out (n), on `threads` threads
 * (0 = all online cores). Results equal rf_predict_one's. */
void rf_predict(const struct rf_model *m, const double *X, size_t n, double *out,
		int threads);

/* The same with rf_predict_sum's sums. */
void rf_predict_sums(const struct rf_model *m, const double *X, size_t n, double *out,
		     int threads);

/* Total number of nodes over all trees; the number of trees; of features. */
size_t rf_node_count(const struct rf_model *m);
size_t rf_n_trees(const struct rf_model *m);
size_t rf_n_features(const struct rf_model *m);

void rf_free(struct rf_model *m);

/* Entries:
 *   n_features   int64 [1]
 *   tree_offset  int64 [n_trees + 1]   first node of each tree, then the total
 *   feature      int64 [nodes]         split feature; -1 at a leaf
 *   threshold    float64 [nodes]       go left when x[feature] <= threshold; 0 at a leaf
 *   right        int64 [nodes]         right child's index within its tree; -1 at a leaf
 *   value        float64 [nodes]       a leaf's prediction; 0 at an internal node
 * Import checks that every tree is a valid preorder tree (children inside
 * the tree and after their parent) and every feature is in range. */
int rf_export(const struct rf_model *m, struct param_set *ps, char *err);
int rf_import(const struct param_set *ps, struct rf_model **m, char *err);

#endif
