/* test_rf.c - the random forest against hand computations, a naive
 * reference grower and scikit-learn (tests/ref/rf_sklearn.py). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "param_set.h"
#include "rf.h"
#include "rng.h"
#include "unit.h"

/* Exported arrays of a model (valid until the set is released). */
struct flat {
	struct param_set ps;
	const int64_t *tree_offset, *feature, *right;
	const double *threshold, *value;
	size_t n_nodes, n_trees;
};

static void flat_init(struct flat *f, const struct rf_model *m)
{
	char err[ERR_LEN] = "";
	size_t n_off;

	param_set_init(&f->ps);
	CU_ASSERT_EQUAL_FATAL(rf_export(m, &f->ps, err), 0);
	f->tree_offset = param_set_find(&f->ps, "tree_offset")->data;
	n_off = param_set_find(&f->ps, "tree_offset")->shape[0];
	f->n_trees = n_off - 1;
	f->n_nodes = (size_t)f->tree_offset[f->n_trees];
	f->feature = param_set_find(&f->ps, "feature")->data;
	f->right = param_set_find(&f->ps, "right")->data;
	f->threshold = param_set_find(&f->ps, "threshold")->data;
	f->value = param_set_find(&f->ps, "value")->data;
}

/* The exported node of tree t that x lands in. */
static size_t flat_leaf(const struct flat *f, size_t t, const double *x)
{
	size_t base = (size_t)f->tree_offset[t], i = 0;

	while (f->feature[base + i] >= 0)
		i = x[f->feature[base + i]] <= f->threshold[base + i] ? i + 1 :
			(size_t)f->right[base + i];
	return base + i;
}

static void params_single_tree(struct rf_params *p, int max_depth, int max_features)
{
	rf_params_init(p);
	p->n_trees = 1;
	p->bootstrap = 0;
	p->max_depth = max_depth;
	p->max_features = max_features;
	p->threads = 1;
}

/* Feature 0 = 1 2 3 4 5 and feature 1 = 5 1 4 2 3, y = 1 2 6 7 8.
 * Children's summed squared error per boundary:
 *   f0 1.5: {1} 0 + {2,6,7,8} (mean 5.75) 14.0625+0.0625+1.5625+5.0625 = 20.75
 *   f0 2.5: {1,2} 0.5 + {6,7,8} 2                                      = 2.5
 *   f0 3.5: {1,2,6} (mean 3) 4+1+9 + {7,8} 0.5                         = 14.5
 *   f0 4.5: {1,2,6,7} (mean 4) 9+4+4+9 + {8} 0                         = 26
 *   f1 sorted gives y = 2 7 8 6 1:
 *   f1 1.5: {2} 0 + {7,8,6,1} (mean 5.5) 2.25+6.25+0.25+20.25          = 29
 *   f1 2.5: {2,7} 12.5 + {8,6,1} (mean 5) 9+1+16                       = 38.5
 *   f1 3.5: {2,7,8} 20.667 + {6,1} 12.5                                = 33.17
 *   f1 4.5: {2,7,8,6} (mean 5.75) 20.75 + {1} 0                        = 20.75
 * Best: feature 0 at 2.5; leaves 1.5 (= (1+2)/2) and 7 (= (6+7+8)/3). */
static void test_depth_one_by_hand(void)
{
	static const double X[10] = { 1, 5, 2, 1, 3, 4, 4, 2, 5, 3 };
	static const double y[5] = { 1, 2, 6, 7, 8 };
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;
	struct flat f;

	params_single_tree(&p, 1, 2);
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, 5, 2, &p, &m, err), 0);
	CU_ASSERT_EQUAL(rf_node_count(m), 3);
	CU_ASSERT_EQUAL(rf_n_trees(m), 1);
	CU_ASSERT_EQUAL(rf_n_features(m), 2);
	flat_init(&f, m);
	CU_ASSERT_EQUAL(f.feature[0], 0);
	CU_ASSERT_EQUAL(f.threshold[0], 2.5);
	CU_ASSERT_EQUAL(f.right[0], 2);
	CU_ASSERT_EQUAL(f.feature[1], -1);
	CU_ASSERT_EQUAL(f.feature[2], -1);
	ASSERT_CLOSE(f.value[1], 1.5, 1e-15);
	ASSERT_CLOSE(f.value[2], 7.0, 1e-15);
	ASSERT_CLOSE(rf_predict_one(m, (double[]){ 2.5, 0 }), 1.5, 1e-15);
	ASSERT_CLOSE(rf_predict_one(m, (double[]){ 2.6, 9 }), 7.0, 1e-15);
	param_set_release(&f.ps);
	rf_free(m);
}

static void random_data(double *X, double *y, size_t n, size_t d, uint64_t seed)
{
	struct rng r;
	size_t i, j;

	rng_init(&r, seed, 0);
	for (i = 0; i < n; i++) {
		for (j = 0; j < d; j++)
			X[i * d + j] = rng_uniform(&r);
		y[i] = sin(6 * X[i * d]) + X[i * d + 1] * X[i * d + (d - 1)] +
			0.3 * rng_normal(&r);
	}
}

/* With max_depth 3 every leaf's value is the mean of the training targets
 * that land in it (no bootstrap: each sample once). */
static void test_leaves_are_means(void)
{
	enum { n = 200, d = 3 };
	double X[n * d], y[n], sum[64] = { 0 };
	size_t cnt[64] = { 0 }, i, leaves = 0;
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;
	struct flat f;

	random_data(X, y, n, d, 11);
	params_single_tree(&p, 3, 0);
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m, err), 0);
	flat_init(&f, m);
	CU_ASSERT_FATAL(f.n_nodes <= 15);
	CU_ASSERT_EQUAL(f.n_nodes, 15);	/* 200 noisy samples: a full depth-3 tree */
	for (i = 0; i < n; i++) {
		size_t l = flat_leaf(&f, 0, X + i * d);

		sum[l] += y[i];
		cnt[l]++;
	}
	for (i = 0; i < f.n_nodes; i++) {
		if (f.feature[i] >= 0)
			continue;
		leaves++;
		CU_ASSERT(cnt[i] > 0);
		if (cnt[i])
			ASSERT_CLOSE(f.value[i], sum[i] / (double)cnt[i], 1e-12);
	}
	CU_ASSERT_EQUAL(leaves, 8);
	param_set_release(&f.ps);
	rf_free(m);
}

/* ---- a deliberately naive reference: at every node of the grown tree,
 * recompute by brute force what CART must do there. For every feature and
 * every boundary between distinct sorted values, both children's squared
 * errors are computed from scratch; the tree's split must reach the
 * smallest total (ties are real: in a 2-sample node every feature gives the
 * same partition, and sklearn too takes whichever it draws first), its
 * threshold must be the midpoint of the values on either side, a node must
 * be a leaf exactly when it is at max depth, has fewer than 2 samples, or
 * is pure, a leaf's value must be its samples' mean, and the nodes must be
 * numbered in preorder. */

static const double *ref_X;
static size_t ref_d;

static double ref_sse(const double *y, const size_t *idx, size_t n, double *mean)
{
	double mu = 0, s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		mu += y[idx[i]];
	mu /= (double)n;
	for (i = 0; i < n; i++)
		s += (y[idx[i]] - mu) * (y[idx[i]] - mu);
	if (mean)
		*mean = mu;
	return s;
}

/* The smallest children's total over every feature and boundary. */
static double ref_best_split(const double *y, const size_t *idx, size_t n)
{
	size_t f, i, j, *s = malloc(n * sizeof(size_t));
	double best = INFINITY;

	CU_ASSERT_FATAL(s != NULL);
	for (f = 0; f < ref_d; f++) {
		memcpy(s, idx, n * sizeof(size_t));
		for (i = 1; i < n; i++)	/* insertion sort on feature f */
			for (j = i; j > 0 && ref_X[s[j - 1] * ref_d + f] > ref_X[s[j] * ref_d + f]; j--) {
				size_t tmp = s[j];

				s[j] = s[j - 1];
				s[j - 1] = tmp;
			}
		for (i = 1; i < n; i++) {
			double tot;

			if (ref_X[s[i] * ref_d + f] <= ref_X[s[i - 1] * ref_d + f])
				continue;
			tot = ref_sse(y, s, i, NULL) + ref_sse(y, s + i, n - i, NULL);
			best = tot < best ? tot : best;
		}
	}
	free(s);
	return best;
}

/* Checks node `node` (holding samples idx) and its subtree; returns the
 * index one past the subtree, or 0 after a failed check. */
static size_t ref_check(const struct flat *t, const double *y, const size_t *idx, size_t n,
			size_t node, int depth, int max_depth)
{
	double mean, sse = ref_sse(y, idx, n, &mean), best, lo = -INFINITY, hi = INFINITY;
	size_t i, nl = 0, nr = 0, *l, *r, f, end;
	int leaf = (max_depth && depth >= max_depth) || n < 2 || sse / (double)n <= DBL_EPSILON;

	if (node >= t->n_nodes) {
		CU_FAIL("tree has fewer nodes than the reference");
		return 0;
	}
	best = leaf ? INFINITY : ref_best_split(y, idx, n);
	if (best == INFINITY)	/* no boundary anywhere: a leaf too */
		leaf = 1;
	CU_ASSERT_EQUAL(t->feature[node] < 0, leaf);
	if (t->feature[node] < 0) {
		ASSERT_CLOSE(t->value[node], mean, 1e-12);
		return leaf ? node + 1 : 0;
	}
	f = (size_t)t->feature[node];
	l = malloc(n * sizeof(size_t));
	r = malloc(n * sizeof(size_t));
	CU_ASSERT_FATAL(l != NULL && r != NULL);
	for (i = 0; i < n; i++) {
		double v = ref_X[idx[i] * ref_d + f];

		if (v <= t->threshold[node]) {
			l[nl++] = idx[i];
			lo = v > lo ? v : lo;
		} else {
			r[nr++] = idx[i];
			hi = v < hi ? v : hi;
		}
	}
	CU_ASSERT_FATAL(nl > 0 && nr > 0);
	ASSERT_CLOSE(ref_sse(y, l, nl, NULL) + ref_sse(y, r, nr, NULL), best, 1e-10);
	ASSERT_CLOSE(t->threshold[node], (lo + hi) / 2, 1e-15);
	end = ref_check(t, y, l, nl, node + 1, depth + 1, max_depth);
	CU_ASSERT_EQUAL(t->right[node], (int64_t)end);
	if (end)
		end = ref_check(t, y, r, nr, end, depth + 1, max_depth);
	free(l);
	free(r);
	return end;
}

static void compare_with_reference(int max_depth)
{
	enum { n = 60, d = 3 };
	double X[n * d], y[n];
	size_t idx[n], i;
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;
	struct flat f;
	struct rng r;

	random_data(X, y, n, d, 5);
	for (i = 0; i < n; i++)
		idx[i] = i;
	ref_X = X;
	ref_d = d;
	params_single_tree(&p, max_depth, d);
	p.seed = 99;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m, err), 0);
	flat_init(&f, m);
	CU_ASSERT_EQUAL(ref_check(&f, y, idx, n, 0, 0, max_depth), f.n_nodes);
	if (!max_depth)
		CU_ASSERT_EQUAL(f.n_nodes, 2 * n - 1);	/* distinct y: one leaf per sample */
	/* prediction for prediction on fresh points, against the exported tree */
	rng_init(&r, 6, 0);
	for (i = 0; i < 200; i++) {
		double x[d] = { rng_uniform(&r), rng_uniform(&r), rng_uniform(&r) };

		CU_ASSERT_EQUAL(rf_predict_one(m, x), f.value[flat_leaf(&f, 0, x)]);
	}
	param_set_release(&f.ps);
	rf_free(m);
}

static void test_matches_naive_full_tree(void)
{
	compare_with_reference(0);
}

static void test_matches_naive_depth_4(void)
{
	compare_with_reference(4);
}

/* Feature 0 is constant, max_features 1: when the constant feature is drawn
 * first, drawing goes on (as in sklearn) and the root splits on feature 1,
 * whatever the seed. */
static void test_keeps_drawing_past_constant(void)
{
	enum { n = 50 };
	double X[n * 2], y[n];
	struct rng r;
	uint64_t seed;
	size_t i;

	rng_init(&r, 1, 0);
	for (i = 0; i < n; i++) {
		X[i * 2] = 0.5;
		X[i * 2 + 1] = rng_uniform(&r);
		y[i] = X[i * 2 + 1] + 0.1 * rng_normal(&r);
	}
	for (seed = 0; seed < 8; seed++) {
		struct rf_model *m = NULL;
		char err[ERR_LEN] = "";
		struct rf_params p;
		struct flat f;

		params_single_tree(&p, 1, 1);
		p.seed = seed;
		CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, 2, &p, &m, err), 0);
		flat_init(&f, m);
		CU_ASSERT_EQUAL(f.n_nodes, 3);
		CU_ASSERT_EQUAL(f.feature[0], 1);
		param_set_release(&f.ps);
		rf_free(m);
	}
}

/* min_samples_leaf 5: every leaf holds at least 5 training samples. */
static void test_min_samples_leaf(void)
{
	enum { n = 120, d = 2 };
	double X[n * d], y[n];
	size_t cnt[512] = { 0 }, i;
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;
	struct flat f;

	random_data(X, y, n, d, 8);
	params_single_tree(&p, 0, 0);
	p.min_samples_leaf = 5;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m, err), 0);
	flat_init(&f, m);
	CU_ASSERT_FATAL(f.n_nodes < 512);
	CU_ASSERT(f.n_nodes > 10);
	for (i = 0; i < n; i++)
		cnt[flat_leaf(&f, 0, X + i * d)]++;
	for (i = 0; i < f.n_nodes; i++)
		if (f.feature[i] < 0)
			CU_ASSERT(cnt[i] >= 5);
	param_set_release(&f.ps);
	rf_free(m);
}

/* y is a step (0 for x < 0.5, 1 above) over 40 distinct x: one split, and
 * the two pure halves stay leaves although their x would split further. */
static void test_pure_nodes_stay_leaves(void)
{
	enum { n = 40 };
	double X[n], y[n];
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;
	struct flat f;
	size_t i;

	for (i = 0; i < n; i++) {
		X[i] = (double)i / n;
		y[i] = X[i] < 0.5 ? 0.0 : 1.0;
	}
	params_single_tree(&p, 0, 0);
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, 1, &p, &m, err), 0);
	flat_init(&f, m);
	CU_ASSERT_EQUAL(f.n_nodes, 3);
	ASSERT_CLOSE(f.threshold[0], 0.4875, 1e-15);	/* (19/40 + 20/40) / 2 */
	param_set_release(&f.ps);
	rf_free(m);
}

/* sklearn's FEATURE_THRESHOLD is 1e-7: values 5e-7 apart are distinct and
 * split; 5e-8 apart count as equal, so the node stays a leaf. */
static void test_feature_threshold(void)
{
	double X[4] = { 1.0, 1.0, 1.0 + 5e-7, 1.0 + 5e-7 }, y[4] = { 0, 0, 1, 1 };
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;

	params_single_tree(&p, 0, 0);
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, 4, 1, &p, &m, err), 0);
	CU_ASSERT_EQUAL(rf_node_count(m), 3);
	ASSERT_CLOSE(rf_predict_one(m, (double[]){ 1.0 }), 0.0, 1e-15);
	ASSERT_CLOSE(rf_predict_one(m, (double[]){ 1.0 + 5e-7 }), 1.0, 1e-15);
	rf_free(m);
	X[2] = X[3] = 1.0 + 5e-8;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, 4, 1, &p, &m, err), 0);
	CU_ASSERT_EQUAL(rf_node_count(m), 1);
	rf_free(m);
}

/* Bootstrap: n draws with replacement reach about 1 - 1/e = 63.2% of the
 * samples. With distinct x and y and no depth limit, every sample drawn
 * gets a leaf of its own, so a tree of 1,000 samples has 632 leaves give or
 * take 15 (1 sigma), and each leaf value is one sample's y. */
static void test_bootstrap_sample(void)
{
	enum { n = 1000, d = 2 };
	static double X[n * d], y[n];
	size_t i, leaves = 0, hits = 0;
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;
	struct flat f;

	random_data(X, y, n, d, 23);
	params_single_tree(&p, 0, 0);
	p.bootstrap = 1;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m, err), 0);
	flat_init(&f, m);
	for (i = 0; i < f.n_nodes; i++)
		leaves += f.feature[i] < 0;
	CU_ASSERT(leaves > 580 && leaves < 690);
	for (i = 0; i < n; i++)	/* a drawn sample predicts its own y (k y / k) */
		hits += fabs(rf_predict_one(m, X + i * d) - y[i]) <= 1e-12 * fabs(y[i]);
	CU_ASSERT_EQUAL(hits, leaves);
	param_set_release(&f.ps);
	rf_free(m);
}

/* The forest's prediction is the mean of its trees' (summed in tree order),
 * and rf_predict gives rf_predict_one's numbers on any thread count.
 * rf_predict_tree walks one tree with plain tests; rf_predict_one walks
 * many at once, with AVX2 where the CPU has it and d <= 16 (features 8 ..
 * 15 come from a second register), else with the plain tests too. */
static void check_mean_of_trees(size_t d, int T, int max_depth)
{
	enum { n = 300 };
	double *X = calloc(n * d, sizeof(double)), y[n], out[n];
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;
	size_t i, t;

	CU_ASSERT_FATAL(X != NULL);
	random_data(X, y, n, d, 21);
	rf_params_init(&p);
	p.n_trees = T;
	p.max_features = 2;
	p.max_depth = max_depth;
	p.seed = 4;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m, err), 0);
	for (i = 0; i < 50; i++) {
		double s = 0;

		for (t = 0; t < (size_t)T; t++)
			s += rf_predict_tree(m, t, X + i * d);
		CU_ASSERT_EQUAL(rf_predict_one(m, X + i * d), s / T);
	}
	/* trees differ (bootstrap, feature draws): not all tree 0's answer */
	CU_ASSERT(rf_predict_tree(m, 0, X) != rf_predict_tree(m, 1, X) ||
		  rf_predict_tree(m, 0, X + d) != rf_predict_tree(m, 1, X + d));
	rf_predict(m, X, n, out, 2);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(out[i], rf_predict_one(m, X + i * d));
	rf_free(m);
	free(X);
}

static void test_forest_is_mean_of_trees(void)
{
	check_mean_of_trees(4, 37, 10);		/* fewer trees than the walk's lanes */
	check_mean_of_trees(16, 37, 0);		/* every SIMD feature slot; deep trees */
	check_mean_of_trees(20, 101, 12);	/* past SIMD's 16 features */
	check_mean_of_trees(3, 600, 4);		/* more trees than one chunk (512) */
}

static int sets_equal(const struct param_set *a, const struct param_set *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct param_entry *x = &a->entries[i], *y = &b->entries[i];

		if (strcmp(x->name, y->name) || x->type != y->type || x->rank != y->rank ||
		    x->shape[0] != y->shape[0] || x->shape[1] != y->shape[1] ||
		    memcmp(x->data, y->data, x->shape[0] * x->shape[1] * 8))
			return 0;
	}
	return 1;
}

/* Same seed: the same forest, byte for byte, on 1 and 2 threads; another
 * seed: another forest. */
static void test_threads_same_forest(void)
{
	enum { n = 400, d = 5 };
	double X[n * d], y[n];
	struct rf_model *m1 = NULL, *m2 = NULL, *m3 = NULL;
	struct param_set s1, s2, s3;
	char err[ERR_LEN] = "";
	struct rf_params p;

	random_data(X, y, n, d, 13);
	rf_params_init(&p);
	p.n_trees = 12;
	p.max_features = 3;
	p.seed = 77;
	p.threads = 1;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m1, err), 0);
	p.threads = 2;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m2, err), 0);
	p.seed = 78;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m3, err), 0);
	param_set_init(&s1);
	param_set_init(&s2);
	param_set_init(&s3);
	CU_ASSERT_EQUAL_FATAL(rf_export(m1, &s1, err), 0);
	CU_ASSERT_EQUAL_FATAL(rf_export(m2, &s2, err), 0);
	CU_ASSERT_EQUAL_FATAL(rf_export(m3, &s3, err), 0);
	CU_ASSERT_EQUAL(s1.n, 6);
	CU_ASSERT(sets_equal(&s1, &s2));
	CU_ASSERT(!sets_equal(&s1, &s3));
	param_set_release(&s1);
	param_set_release(&s2);
	param_set_release(&s3);
	rf_free(m1);
	rf_free(m2);
	rf_free(m3);
}

/* import(export(m)) exports the same arrays and predicts the same; a tree
 * whose child points backwards is refused. */
static void test_export_import(void)
{
	enum { n = 200, d = 3 };
	double X[n * d], y[n];
	struct rf_model *m = NULL, *m2 = NULL;
	struct param_set s1, s2;
	char err[ERR_LEN] = "";
	struct rf_params p;
	int64_t *right;
	size_t i;

	random_data(X, y, n, d, 17);
	rf_params_init(&p);
	p.n_trees = 5;
	p.max_features = 2;
	CU_ASSERT_EQUAL_FATAL(rf_fit(X, y, n, d, &p, &m, err), 0);
	param_set_init(&s1);
	param_set_init(&s2);
	CU_ASSERT_EQUAL_FATAL(rf_export(m, &s1, err), 0);
	CU_ASSERT_EQUAL_FATAL(rf_import(&s1, &m2, err), 0);
	CU_ASSERT_EQUAL_FATAL(rf_export(m2, &s2, err), 0);
	CU_ASSERT(sets_equal(&s1, &s2));
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(rf_predict_one(m2, X + i * d), rf_predict_one(m, X + i * d));
	rf_free(m2);
	m2 = NULL;

	/* root's right child one node late: in the tree, but not a preorder tree */
	right = param_set_find(&s1, "right")->data;
	right[0]++;
	CU_ASSERT_FATAL(right[0] < ((int64_t *)param_set_find(&s1, "tree_offset")->data)[1]);
	CU_ASSERT_EQUAL(rf_import(&s1, &m2, err), -1);
	CU_ASSERT(m2 == NULL);
	CU_ASSERT(strstr(err, "tree 0 is not a tree in preorder") != NULL);
	right[0] = 0;	/* root's right: itself */
	CU_ASSERT_EQUAL(rf_import(&s1, &m2, err), -1);
	CU_ASSERT(m2 == NULL);
	CU_ASSERT(strstr(err, "node 0: children outside tree 0") != NULL);
	param_set_release(&s1);
	param_set_release(&s2);
	rf_free(m);
}

static void test_bad_params(void)
{
	double X[4] = { 0, 1, 2, 3 }, y[2] = { 1, 2 };
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;

	rf_params_init(&p);
	p.n_trees = 0;
	CU_ASSERT_EQUAL(rf_fit(X, y, 2, 2, &p, &m, err), -1);
	CU_ASSERT(strstr(err, "n_trees is 0") != NULL);
	rf_params_init(&p);
	p.max_depth = -1;
	CU_ASSERT_EQUAL(rf_fit(X, y, 2, 2, &p, &m, err), -1);
	CU_ASSERT(strstr(err, "max_depth is -1") != NULL);
	rf_params_init(&p);
	y[1] = NAN;
	CU_ASSERT_EQUAL(rf_fit(X, y, 2, 2, &p, &m, err), -1);
	CU_ASSERT(strstr(err, "target 1 is not finite") != NULL);
	CU_ASSERT(m == NULL);
	/* a split word has 7 bits for the feature */
	{
		double wide[128] = { 0 }, one = 1;

		rf_params_init(&p);
		CU_ASSERT_EQUAL(rf_fit(wide, &one, 1, 128, &p, &m, err), -1);
		CU_ASSERT(strstr(err, "128 features, expected 1 .. 127") != NULL);
		CU_ASSERT(m == NULL);
	}
}

/* ---- sklearn reference: generated by tests/ref/rf_sklearn.py with
 * scikit-learn 1.2.1 (Debian python3-sklearn); to regenerate, run
 * `/usr/bin/python3 tests/ref/rf_sklearn.py` and paste its output over this
 * fragment, down to the end marker. The script says how the bootstrap
 * weights are rebuilt and why some predictions are NAN (left out). */
enum { SK_N = 50, SK_D = 4, SK_FRESH = 24, SK_Q = SK_FRESH + SK_N, SK_T = 5 };
static const uint64_t sk_seed = 7;
/* X is (SK_N, SK_D), row-major: k/64 */
static const double sk_X[SK_N * SK_D] = {
	1.96875, 0.546875, 0.28125, 0.328125,
	1.890625, 1.5625, 1.34375, 1.953125,
	1.578125, 1.859375, 1.734375, 1.75,
	0.21875, 1.8125, 1.96875, 0.640625,
	0.375, 0.265625, 0.546875, 0.203125,
	1.75, 0.0, 0.78125, 1.34375,
	1.3125, 0.71875, 1.703125, 0.015625,
	1.0, 0.4375, 0.953125, 1.015625,
	0.59375, 0.484375, 0.359375, 0.4375,
	1.390625, 1.890625, 1.0625, 1.90625,
	0.734375, 1.328125, 0.625, 1.71875,
	0.546875, 0.890625, 1.578125, 0.859375,
	0.53125, 0.828125, 1.40625, 0.21875,
	0.265625, 1.15625, 0.875, 0.828125,
	1.8125, 1.9375, 1.203125, 0.265625,
	0.328125, 1.3125, 1.765625, 1.546875,
	0.8125, 0.875, 1.921875, 0.578125,
	0.25, 1.71875, 1.6875, 0.59375,
	1.1875, 0.5, 0.59375, 0.796875,
	0.90625, 0.171875, 1.140625, 1.921875,
	0.234375, 1.21875, 0.71875, 1.890625,
	0.875, 0.703125, 0.5625, 1.9375,
	1.734375, 1.515625, 1.46875, 0.296875,
	0.796875, 0.140625, 0.96875, 1.875,
	0.6875, 0.5625, 0.234375, 1.265625,
	0.71875, 1.59375, 0.078125, 1.84375,
	1.59375, 1.453125, 0.328125, 1.8125,
	1.78125, 1.96875, 1.171875, 1.203125,
	0.09375, 0.984375, 0.640625, 1.609375,
	0.15625, 0.03125, 0.75, 0.078125,
	1.671875, 1.015625, 1.109375, 1.171875,
	1.640625, 1.921875, 1.75, 0.25,
	0.140625, 0.25, 1.859375, 1.96875,
	0.296875, 1.28125, 1.328125, 1.21875,
	0.5, 1.90625, 0.125, 1.125,
	0.390625, 0.84375, 1.03125, 0.359375,
	1.109375, 1.046875, 0.90625, 0.671875,
	0.078125, 0.015625, 0.015625, 1.40625,
	0.40625, 0.859375, 0.53125, 0.609375,
	1.046875, 1.1875, 0.046875, 1.984375,
	1.359375, 0.328125, 0.203125, 0.46875,
	1.5625, 0.609375, 0.921875, 1.09375,
	0.046875, 1.625, 1.484375, 0.1875,
	0.765625, 0.640625, 1.0, 0.03125,
	1.0625, 1.65625, 0.8125, 1.375,
	1.46875, 0.796875, 0.296875, 0.140625,
	0.625, 1.09375, 1.796875, 0.96875,
	1.859375, 1.421875, 1.9375, 0.09375,
	1.375, 1.671875, 1.046875, 1.234375,
	0.359375, 0.953125, 1.71875, 0.875
};
static const double sk_y[SK_N] = {
	-1.0436372756958008, -0.9517278671264648, 0.7467622756958008,
	3.875565528869629, 0.7632436752319336, -1.7305326461791992,
	1.5547904968261719, 0.531005859375, 1.0128374099731445,
	-0.013134002685546875, 0.4644441604614258, 1.7450695037841797,
	2.1057605743408203, 1.128514289855957, 1.4876031875610352,
	1.7970142364501953, 2.402860641479492, 2.840892791748047,
	0.09819602966308594, -0.8828506469726562, -0.07426071166992188,
	-0.8210887908935547, 1.0838022232055664, -0.5603818893432617,
	0.6864261627197266, -0.555903434753418, -2.058561325073242,
	0.6094541549682617, -0.6461248397827148, 0.597132682800293,
	-0.04803752899169922, 2.2537689208984375, -0.7264375686645508,
	1.658538818359375, 0.49041175842285156, 1.532414436340332,
	1.1075334548950195, -0.27138519287109375, 1.123366355895996,
	-1.2872858047485352, -0.40315914154052734, -0.880101203918457,
	2.495762825012207, 1.7048158645629883, 1.0345191955566406,
	0.02977466583251953, 2.6914024353027344, 1.561976432800293,
	0.8812723159790039, 1.9192800521850586
};
/* query j < SK_FRESH is sk_fresh + j * SK_D (odd multiples of 1/256);
 * query SK_FRESH + i is training row i */
static const double sk_fresh[SK_FRESH * SK_D] = {
	0.73828125, 1.89453125, 0.02734375, 0.65234375,
	1.30859375, 0.35546875, 0.13671875, 0.57421875,
	0.07421875, 0.14453125, 1.08203125, 0.52734375,
	0.16796875, 1.82421875, 1.98828125, 0.87109375,
	0.64453125, 0.09765625, 0.48046875, 1.83203125,
	1.19921875, 1.26953125, 1.10546875, 0.05859375,
	0.24609375, 0.48828125, 0.87890625, 1.03515625,
	1.89453125, 1.32421875, 0.29296875, 0.57421875,
	1.91796875, 1.57421875, 1.33984375, 1.82421875,
	1.82421875, 1.91796875, 1.53515625, 0.38671875,
	1.52734375, 0.53515625, 1.06640625, 1.16015625,
	0.55859375, 0.74609375, 1.98046875, 0.13671875,
	0.29296875, 0.54296875, 0.23828125, 1.47265625,
	0.93359375, 1.05859375, 1.42578125, 1.08984375,
	0.94140625, 1.91796875, 1.08984375, 1.82421875,
	0.72265625, 1.73046875, 1.73828125, 1.02734375,
	0.77734375, 1.22265625, 0.41015625, 0.73828125,
	0.49609375, 1.40234375, 0.63671875, 0.12109375,
	0.42578125, 0.09765625, 1.31640625, 0.08984375,
	1.61328125, 1.59765625, 1.30859375, 0.58203125,
	0.95703125, 0.97265625, 0.39453125, 1.05859375,
	1.80859375, 1.22265625, 0.97265625, 0.58203125,
	1.61328125, 0.79296875, 0.01953125, 1.02734375,
	0.44140625, 0.52734375, 1.48828125, 0.87109375
};
struct sk_forest {
	int bootstrap, max_depth, n_trees;	/* max_depth 0: unlimited */
	int node_count[SK_T], root_feature[SK_T];
	double root_threshold[SK_T];
	double tree_pred[SK_T][SK_Q];	/* NAN: a tied split decides the query's path */
	double forest_pred[SK_Q];	/* mean in tree order; NAN where a tree's is */
	int n_pred;			/* tree_pred entries that are not NAN */
};
static const struct sk_forest sk_forests[] = {
	/* bootstrap 1, max_depth 4: 21 tied nodes, 326 of 370 tree predictions kept */
	{ 1, 4, 5,
	  { 27, 23, 27, 25, 29 },
	  { 3, 2, 2, 2, 3 },
	  { 0.9921875, 1.375, 1.4765625, 1.375, 1.03125 },
	  {
		{
			NAN, -1.0436372756958008, 2.668327808380127,
			3.875565528869629, -0.6419169108072916, 1.7509360313415527,
			0.008315631321498327, -1.0436372756958008, -2.058561325073242,
			1.7509360313415527, 0.008315631321498327, 1.7509360313415527,
			0.008315631321498327, 0.008315631321498327, -2.058561325073242,
			0.8447928428649902, 1.0681018829345703, NAN,
			1.7509360313415527, 1.7509360313415527, 0.008315631321498327,
			1.7509360313415527, 0.008315631321498327, 1.7509360313415527,
			-1.0436372756958008, -0.9018487930297852, 0.8447928428649902,
			3.875565528869629, 0.7632436752319336, -1.7305326461791992,
			1.7509360313415527, 0.008315631321498327, 1.0681018829345703,
			-0.9018487930297852, NAN, 1.7509360313415527,
			1.7509360313415527, NAN, 1.7509360313415527,
			1.7508557637532551, 1.7509360313415527, 2.668327808380127,
			NAN, -0.9018487930297852, -0.6419169108072916,
			-0.9018487930297852, 1.7509360313415527, -0.6419169108072916,
			0.008315631321498327, -0.6419169108072916, -2.058561325073242,
			0.8447928428649902, 0.008315631321498327, 0.7632436752319336,
			0.008315631321498327, 1.7509360313415527, -0.6419169108072916,
			1.7508557637532551, 0.8447928428649902, 1.7509360313415527,
			1.7509360313415527, 0.008315631321498327, 1.0681018829345703,
			-0.9018487930297852, -1.0436372756958008, 0.008315631321498327,
			2.668327808380127, 1.7509360313415527, 0.8447928428649902,
			-1.0436372756958008, 2.6914024353027344, 1.7509360313415527,
			0.8447928428649902, 1.7509360313415527
		},
		{
			1.1215206782023113, NAN, 0.387030029296875,
			3.875565528869629, 0.19509172439575195, 1.5100088119506836,
			0.387030029296875, 1.1215206782023113, -1.1260707037789481,
			2.0996864106920032, -1.1260707037789481, 3.875565528869629,
			0.19509172439575195, 2.0996864106920032, NAN,
			2.0996864106920032, 1.1215206782023113, NAN,
			0.387030029296875, NAN, -1.1260707037789481,
			NAN, NAN, 2.0996864106920032,
			-1.0436372756958008, -1.1260707037789481, 0.7467622756958008,
			3.875565528869629, 0.387030029296875, -1.1260707037789481,
			2.0996864106920032, 0.387030029296875, 0.387030029296875,
			NAN, 0.19509172439575195, 2.0996864106920032,
			2.0996864106920032, 1.1215206782023113, 1.5100088119506836,
			2.0996864106920032, 2.0996864106920032, 2.668327808380127,
			0.387030029296875, -1.1260707037789481, 0.19509172439575195,
			-1.1260707037789481, 2.0996864106920032, -1.1260707037789481,
			0.19509172439575195, 0.19509172439575195, -1.1260707037789481,
			0.5300925572713217, 0.19509172439575195, 0.387030029296875,
			-1.1260707037789481, 2.0996864106920032, 0.7467622756958008,
			0.19509172439575195, 0.5300925572713217, 1.5100088119506836,
			1.1215206782023113, 0.19509172439575195, 1.1215206782023113,
			-1.1260707037789481, NAN, -1.1260707037789481,
			2.668327808380127, 0.387030029296875, 1.0345191955566406,
			0.387030029296875, 2.0996864106920032, 2.0996864106920032,
			NAN, 2.0996864106920032
		},
		{
			1.31392240524292, -0.41939369837443036, 0.6644896268844604,
			NAN, -0.664149284362793, 0.7338151931762695,
			0.6644896268844604, 0.7338151931762695, NAN,
			2.2537689208984375, -0.41939369837443036, NAN,
			-0.664149284362793, 1.31392240524292, 0.1656719207763672,
			NAN, 1.31392240524292, 1.31392240524292,
			0.6644896268844604, 0.7338151931762695, 1.31392240524292,
			-0.41939369837443036, -0.41939369837443036, NAN,
			-0.41939369837443036, -0.9517278671264648, NAN,
			NAN, 0.6644896268844604, -1.7305326461791992,
			NAN, 0.6644896268844604, 0.6644896268844604,
			0.1656719207763672, 0.1656719207763672, 1.7450695037841797,
			1.31392240524292, 1.31392240524292, 0.7338151931762695,
			1.8785247802734375, 2.402860641479492, NAN,
			-0.41939369837443036, -0.664149284362793, 0.1656719207763672,
			-0.664149284362793, 0.7338151931762695, -0.664149284362793,
			0.6644896268844604, 0.1656719207763672, 0.1656719207763672,
			0.7338151931762695, -0.664149284362793, 0.6644896268844604,
			-0.41939369837443036, 2.2537689208984375, NAN,
			1.31392240524292, 1.31392240524292, 1.31392240524292,
			1.31392240524292, -0.664149284362793, 1.31392240524292,
			NAN, -0.41939369837443036, -0.41939369837443036,
			2.495762825012207, 1.31392240524292, 0.1656719207763672,
			-0.41939369837443036, 2.6914024353027344, NAN,
			0.7338151931762695, 1.8785247802734375
		},
		{
			0.47669010162353515, -0.7233982086181641, 0.6304607391357422,
			NAN, -0.39834149678548175, 1.3069278399149578,
			1.3069278399149578, 0.47669010162353515, -1.0725806100027901,
			NAN, 1.3069278399149578, NAN,
			-0.39834149678548175, 2.3007616996765137, 1.0345191955566406,
			1.7540385723114014, 1.3069278399149578, 1.3069278399149578,
			0.6304607391357422, 1.3069278399149578, 1.3069278399149578,
			1.3069278399149578, 0.47669010162353515, 2.3007616996765137,
			-0.7233982086181641, -1.0725806100027901, 0.7467622756958008,
			3.875565528869629, 0.6304607391357422, -1.0725806100027901,
			1.7540385723114014, 0.6304607391357422, 1.3069278399149578,
			1.0345191955566406, -0.39834149678548175, 1.7540385723114014,
			2.3007616996765137, 1.3069278399149578, 1.3069278399149578,
			1.7540385723114014, NAN, 1.7540385723114014,
			1.3069278399149578, -1.0725806100027901, -0.39834149678548175,
			-1.0725806100027901, 1.0838022232055664, -0.39834149678548175,
			0.47669010162353515, -0.39834149678548175, -1.0725806100027901,
			1.3069278399149578, -0.39834149678548175, 0.6304607391357422,
			1.3069278399149578, NAN, NAN,
			1.3069278399149578, 0.47669010162353515, 1.3069278399149578,
			1.3069278399149578, -0.39834149678548175, 1.3069278399149578,
			-1.0725806100027901, -0.7233982086181641, 1.3069278399149578,
			2.3007616996765137, 1.3069278399149578, 1.0345191955566406,
			0.47669010162353515, 2.6914024353027344, NAN,
			1.3069278399149578, 1.7540385723114014
		},
		{
			1.0838594436645508, -0.40315914154052734, 1.532414436340332,
			2.423675775527954, -0.919896125793457, NAN,
			-0.2804534435272217, 0.07538890838623047, -2.058561325073242,
			2.423675775527954, -0.2804534435272217, 1.9223475456237793,
			-0.919896125793457, -0.2804534435272217, -2.058561325073242,
			2.423675775527954, 1.0838594436645508, NAN,
			1.9223475456237793, 2.423675775527954, -0.2804534435272217,
			NAN, NAN, 1.9223475456237793,
			0.07538890838623047, -0.2702156702677409, NAN,
			2.423675775527954, 0.7632436752319336, -1.7305326461791992,
			1.9223475456237793, 1.0838594436645508, 1.0838594436645508,
			-0.2702156702677409, 0.7101403474807739, 1.9223475456237793,
			1.9223475456237793, NAN, 1.4876031875610352,
			1.7970142364501953, 1.9223475456237793, 2.423675775527954,
			0.07538890838623047, -0.919896125793457, -0.2702156702677409,
			-0.919896125793457, 2.423675775527954, -0.919896125793457,
			-0.2804534435272217, -0.2702156702677409, -2.058561325073242,
			0.7101403474807739, -0.919896125793457, 0.7632436752319336,
			-0.2804534435272217, 2.423675775527954, -0.919896125793457,
			NAN, NAN, 1.532414436340332,
			1.0838594436645508, NAN, NAN,
			-0.919896125793457, -0.40315914154052734, -0.2804534435272217,
			2.423675775527954, NAN, 0.7101403474807739,
			0.07538890838623047, 2.423675775527954, 2.423675775527954,
			0.7101403474807739, 1.9223475456237793
		},
	  },
	  {
		NAN, NAN, 1.1765445280075073,
		NAN, -0.4858424186706543, NAN,
		0.41726193677811396, 0.27275552113850915, NAN,
		NAN, -0.10213487488882884, NAN,
		-0.3557959102448963, 1.0884465406811425, NAN,
		NAN, 1.1788664499918622, NAN,
		1.071052794456482, NAN, 0.24452834583464123,
		NAN, NAN, NAN,
		-0.630935509999593, -0.8644887288411459, NAN,
		NAN, 0.6416935491561889, -1.4780498504638673,
		NAN, 0.5548310940606254, 0.9020817645390828,
		NAN, NAN, 1.8544156127505833,
		1.8775308185153539, NAN, 1.3578582127888998,
		1.8560239526960587, NAN, NAN,
		NAN, -0.9369091033935547, -0.18994208653767902,
		-0.9369091033935547, 1.6183831267886692, -0.7500749043055943,
		0.21282672813960485, -0.18994208653767902, -1.2300204086303712,
		0.8251537561416626, -0.3557959102448963, 0.6416935491561889,
		-0.10213487488882884, NAN, NAN,
		NAN, NAN, 1.4828419049580892,
		1.3154332796732586, NAN, NAN,
		NAN, NAN, -0.10213487488882884,
		2.5113711833953856, NAN, 0.7579287004470825,
		-0.10478438695271808, 2.519513898425632, NAN,
		NAN, 1.8811066680484347
	  }, 326 },
	/* bootstrap 0, max_depth 0: 30 tied nodes, 55 of 74 tree predictions kept */
	{ 0, 0, 1,
	  { 99 },
	  { 2 },
	  { 1.375 },
	  {
		{
			NAN, -0.40315914154052734, NAN,
			3.875565528869629, NAN, NAN,
			NAN, -1.0436372756958008, NAN,
			NAN, -0.880101203918457, 3.875565528869629,
			NAN, NAN, NAN,
			NAN, NAN, NAN,
			NAN, NAN, NAN,
			NAN, NAN, NAN,
			-1.0436372756958008, -0.9517278671264648, 0.7467622756958008,
			3.875565528869629, 0.7632436752319336, -1.7305326461791992,
			1.5547904968261719, 0.531005859375, 1.0128374099731445,
			-0.013134002685546875, 0.4644441604614258, 1.7450695037841797,
			2.1057605743408203, 1.128514289855957, 1.4876031875610352,
			1.7970142364501953, 2.402860641479492, 2.840892791748047,
			0.09819602966308594, -0.8828506469726562, -0.07426071166992188,
			-0.8210887908935547, 1.0838022232055664, -0.5603818893432617,
			0.6864261627197266, -0.555903434753418, -2.058561325073242,
			0.6094541549682617, -0.6461248397827148, 0.597132682800293,
			-0.04803752899169922, 2.2537689208984375, -0.7264375686645508,
			1.658538818359375, 0.49041175842285156, 1.532414436340332,
			1.1075334548950195, -0.27138519287109375, 1.123366355895996,
			-1.2872858047485352, -0.40315914154052734, -0.880101203918457,
			2.495762825012207, 1.7048158645629883, 1.0345191955566406,
			0.02977466583251953, 2.6914024353027344, 1.561976432800293,
			0.8812723159790039, 1.9192800521850586
		},
	  },
	  {
		NAN, -0.40315914154052734, NAN,
		3.875565528869629, NAN, NAN,
		NAN, -1.0436372756958008, NAN,
		NAN, -0.880101203918457, 3.875565528869629,
		NAN, NAN, NAN,
		NAN, NAN, NAN,
		NAN, NAN, NAN,
		NAN, NAN, NAN,
		-1.0436372756958008, -0.9517278671264648, 0.7467622756958008,
		3.875565528869629, 0.7632436752319336, -1.7305326461791992,
		1.5547904968261719, 0.531005859375, 1.0128374099731445,
		-0.013134002685546875, 0.4644441604614258, 1.7450695037841797,
		2.1057605743408203, 1.128514289855957, 1.4876031875610352,
		1.7970142364501953, 2.402860641479492, 2.840892791748047,
		0.09819602966308594, -0.8828506469726562, -0.07426071166992188,
		-0.8210887908935547, 1.0838022232055664, -0.5603818893432617,
		0.6864261627197266, -0.555903434753418, -2.058561325073242,
		0.6094541549682617, -0.6461248397827148, 0.597132682800293,
		-0.04803752899169922, 2.2537689208984375, -0.7264375686645508,
		1.658538818359375, 0.49041175842285156, 1.532414436340332,
		1.1075334548950195, -0.27138519287109375, 1.123366355895996,
		-1.2872858047485352, -0.40315914154052734, -0.880101203918457,
		2.495762825012207, 1.7048158645629883, 1.0345191955566406,
		0.02977466583251953, 2.6914024353027344, 1.561976432800293,
		0.8812723159790039, 1.9192800521850586
	  }, 55 },
};
/* ---- end of the sklearn reference */

/* The reference query j: a fresh point or a training row. */
static const double *sk_query(size_t j)
{
	return j < SK_FRESH ? sk_fresh + j * SK_D : sk_X + (j - SK_FRESH) * SK_D;
}

/* Our forest grown on the reference data with sklearn's settings has
 * sklearn's trees: per tree the same node count and root split, and the
 * same predictions within 1e-12 (relative, absolute below 1; the data make
 * every sum exact, so they are in fact equal). */
static void check_sklearn_forest(const struct sk_forest *sk)
{
	struct rf_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rf_params p;
	struct flat f;
	size_t t, j, n_nodes = 0;
	int n_pred = 0;

	rf_params_init(&p);
	p.n_trees = sk->n_trees;
	p.max_depth = sk->max_depth;
	p.max_features = 0;
	p.min_samples_split = 2;
	p.min_samples_leaf = 1;
	p.bootstrap = sk->bootstrap;
	p.seed = sk_seed;
	p.threads = 1;
	CU_ASSERT_EQUAL_FATAL(rf_fit(sk_X, sk_y, SK_N, SK_D, &p, &m, err), 0);
	flat_init(&f, m);
	CU_ASSERT_EQUAL_FATAL(f.n_trees, (size_t)sk->n_trees);
	for (t = 0; t < f.n_trees; t++) {
		size_t root = (size_t)f.tree_offset[t];

		CU_ASSERT_EQUAL(f.tree_offset[t + 1] - f.tree_offset[t], sk->node_count[t]);
		n_nodes += (size_t)sk->node_count[t];
		CU_ASSERT_EQUAL(f.feature[root], sk->root_feature[t]);
		CU_ASSERT_EQUAL(f.threshold[root], sk->root_threshold[t]);
		for (j = 0; j < SK_Q; j++) {
			if (isnan(sk->tree_pred[t][j]))
				continue;
			ASSERT_CLOSE(rf_predict_tree(m, t, sk_query(j)), sk->tree_pred[t][j], 1e-12);
			n_pred++;
		}
	}
	CU_ASSERT_EQUAL(rf_node_count(m), n_nodes);
	CU_ASSERT_EQUAL(n_pred, sk->n_pred);
	for (j = 0; j < SK_Q; j++)
		if (!isnan(sk->forest_pred[j]))
			ASSERT_CLOSE(rf_predict_one(m, sk_query(j)), sk->forest_pred[j], 1e-12);
	param_set_release(&f.ps);
	rf_free(m);
}

/* 5 trees on bootstrap samples, max_depth 4 */
static void test_sklearn_bootstrap(void)
{
	check_sklearn_forest(&sk_forests[0]);
}

/* 1 tree on every sample once, grown to pure leaves */
static void test_sklearn_no_bootstrap(void)
{
	check_sklearn_forest(&sk_forests[1]);
}

UNIT_SUITE("rf", UNIT_TEST(test_depth_one_by_hand), UNIT_TEST(test_leaves_are_means),
	   UNIT_TEST(test_matches_naive_full_tree), UNIT_TEST(test_matches_naive_depth_4),
	   UNIT_TEST(test_keeps_drawing_past_constant), UNIT_TEST(test_min_samples_leaf),
	   UNIT_TEST(test_pure_nodes_stay_leaves),
	   UNIT_TEST(test_feature_threshold), UNIT_TEST(test_bootstrap_sample),
	   UNIT_TEST(test_forest_is_mean_of_trees), UNIT_TEST(test_threads_same_forest),
	   UNIT_TEST(test_export_import), UNIT_TEST(test_bad_params),
	   UNIT_TEST(test_sklearn_bootstrap), UNIT_TEST(test_sklearn_no_bootstrap));
