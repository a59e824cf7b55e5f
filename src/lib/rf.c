/* rf.c - growing and evaluating the random forest (see rf.h for the
 * semantics).
 *
 * Fitting: each column is ranked once (rank = index of the value among the
 * column's sorted distinct values), shared read-only by all trees. At a node,
 * a drawn feature's samples are sorted by rank (counting sort when the rank
 * range is small, LSD radix sort otherwise, insertion sort for tiny nodes),
 * then one pass with running sums of w and w*y scores every boundary. Trees
 * are handed to threads through an atomic counter; each writes its own node
 * buffer, and the buffers are concatenated in tree order.
 */
#include "rf.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"
#include "rng.h"

#define FEATURE_THRESHOLD 1e-7	/* sklearn: closer values count as equal */
#define INSERTION_MAX 16	/* nodes up to this size sort by insertion */

void rf_params_init(struct rf_params *p)
{
	p->n_trees = 320;
	p->max_depth = 70;
	p->max_features = 6;
	p->min_samples_split = 2;
	p->min_samples_leaf = 1;
	p->bootstrap = 1;
	p->seed = 0;
	p->threads = 0;
}

static int online_cores(void)
{
	long c = sysconf(_SC_NPROCESSORS_ONLN);

	return c < 1 ? 1 : c > 1024 ? 1024 : (int)c;
}

/* ------------------------------------------------------------------------ */
/* The training data, shared read-only by every tree. */

struct fit_data {
	size_t n, d;
	const double *y;	/* n */
	uint32_t *rank;		/* (d, n): rank[f * n + i] of X[i][f] in its column */
	double *uval;		/* column f's sorted distinct values: uval + uoff[f] */
	size_t *uoff;		/* d + 1 */
	const struct rf_params *p;
	size_t max_features;
};

struct value_index {
	double v;
	uint32_t i;
};

static int by_value(const void *a, const void *b)
{
	const struct value_index *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void fit_data_release(struct fit_data *fd)
{
	free(fd->rank);
	free(fd->uval);
	free(fd->uoff);
}

static int fit_data_init(struct fit_data *fd, const double *X, const double *y,
			 size_t n, size_t d, const struct rf_params *p, char *err)
{
	struct value_index *vi = NULL;
	size_t f, i, nu = 0;

	memset(fd, 0, sizeof(*fd));
	fd->n = n;
	fd->d = d;
	fd->y = y;
	fd->p = p;
	fd->max_features = p->max_features <= 0 || (size_t)p->max_features > d ?
		d : (size_t)p->max_features;
	fd->rank = xcalloc(n * d, sizeof(uint32_t), err);
	fd->uval = xcalloc(n * d, sizeof(double), err);
	fd->uoff = xcalloc(d + 1, sizeof(size_t), err);
	vi = xcalloc(n, sizeof(*vi), err);
	if (!fd->rank || !fd->uval || !fd->uoff || !vi) {
		free(vi);
		fit_data_release(fd);
		return -1;
	}
	for (f = 0; f < d; f++) {
		uint32_t *rk = fd->rank + f * n;

		fd->uoff[f] = nu;
		for (i = 0; i < n; i++) {
			vi[i].v = X[i * d + f];
			vi[i].i = (uint32_t)i;
		}
		qsort(vi, n, sizeof(*vi), by_value);
		for (i = 0; i < n; i++) {
			if (i == 0 || vi[i].v != vi[i - 1].v)
				fd->uval[nu++] = vi[i].v;
			rk[vi[i].i] = (uint32_t)(nu - 1 - fd->uoff[f]);
		}
	}
	fd->uoff[d] = nu;
	free(vi);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Sorting a node's samples by rank. A key is rank << 32 | sample. */

static inline uint32_t key_rank(uint64_t k)
{
	return (uint32_t)(k >> 32);
}

static inline uint32_t key_sample(uint64_t k)
{
	return (uint32_t)k;
}

static void insertion_sort(uint64_t *a, size_t m)
{
	size_t i, j;

	for (i = 1; i < m; i++) {
		uint64_t k = a[i];

		for (j = i; j > 0 && a[j - 1] > k; j--)
			a[j] = a[j - 1];
		a[j] = k;
	}
}

/* Sorts a (m keys, ranks in [rmin, rmax]) using tmp (m keys) and cnt
 * (at least max(rmax - rmin + 2, 257) entries); returns the sorted buffer
 * (a or tmp). Counting sort when the rank range is at most 2m, else LSD
 * radix sort on 8-bit digits of rank - rmin. */
static uint64_t *sort_keys(uint64_t *a, uint64_t *tmp, size_t m, uint32_t rmin,
			   uint32_t rmax, size_t *cnt)
{
	size_t range = (size_t)(rmax - rmin) + 1, i, r;
	unsigned shift, bits = 0;

	if (m <= INSERTION_MAX) {
		insertion_sort(a, m);
		return a;
	}
	if (range <= 2 * m) {
		memset(cnt, 0, (range + 1) * sizeof(*cnt));
		for (i = 0; i < m; i++)
			cnt[key_rank(a[i]) - rmin + 1]++;
		for (r = 1; r <= range; r++)
			cnt[r] += cnt[r - 1];
		for (i = 0; i < m; i++)
			tmp[cnt[key_rank(a[i]) - rmin]++] = a[i];
		return tmp;
	}
	while (bits < 32 && ((size_t)1 << bits) < range)
		bits++;
	for (shift = 0; shift < bits; shift += 8) {
		uint64_t *t;

		memset(cnt, 0, 257 * sizeof(*cnt));
		for (i = 0; i < m; i++)
			cnt[((key_rank(a[i]) - rmin) >> shift & 0xff) + 1]++;
		for (r = 1; r <= 256; r++)
			cnt[r] += cnt[r - 1];
		for (i = 0; i < m; i++)
			tmp[cnt[(key_rank(a[i]) - rmin) >> shift & 0xff]++] = a[i];
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* ------------------------------------------------------------------------ */
/* Growing one tree. */

/* A tree as grown (and as exported): nodes in preorder, 16 bytes each. */
struct grow_node {
	double v;		/* internal: threshold; leaf: value */
	int32_t feature;	/* -1 at a leaf */
	int32_t right;		/* internal: right child's index in the tree */
};

struct tree {
	struct grow_node *nodes;
	size_t count;
};

/* Per-thread scratch space, sized for n samples. */
struct grower {
	const struct fit_data *fd;
	double *w, *wy;		/* n: bootstrap weight, weight * y */
	uint32_t *samples;	/* the samples with w > 0; nodes are ranges of it */
	uint64_t *keys, *tmp;	/* n */
	size_t *cnt;		/* max(n + 1, 257) */
	size_t *feats;		/* d */
	struct stack_entry {
		size_t start, end, depth;
		int64_t parent;	/* the node whose right child this is; -1 otherwise */
	} *stack;		/* n + 1 */
};

static void grower_release(struct grower *g)
{
	free(g->w);
	free(g->wy);
	free(g->samples);
	free(g->keys);
	free(g->tmp);
	free(g->cnt);
	free(g->feats);
	free(g->stack);
}

static int grower_init(struct grower *g, const struct fit_data *fd, char *err)
{
	size_t n = fd->n;

	memset(g, 0, sizeof(*g));
	g->fd = fd;
	g->w = xcalloc(n, sizeof(double), err);
	g->wy = xcalloc(n, sizeof(double), err);
	g->samples = xcalloc(n, sizeof(uint32_t), err);
	g->keys = xcalloc(n, sizeof(uint64_t), err);
	g->tmp = xcalloc(n, sizeof(uint64_t), err);
	g->cnt = xcalloc(n + 1 > 257 ? n + 1 : 257, sizeof(size_t), err);
	g->feats = xcalloc(fd->d, sizeof(size_t), err);
	g->stack = xcalloc(n + 1, sizeof(*g->stack), err);
	if (!g->w || !g->wy || !g->samples || !g->keys || !g->tmp || !g->cnt ||
	    !g->feats || !g->stack) {
		grower_release(g);
		return -1;
	}
	return 0;
}

struct split {
	double proxy;		/* sum_L^2/w_L + sum_R^2/w_R; -inf: none yet */
	double threshold;
	size_t feature;
	size_t nleft;		/* samples going left */
	uint32_t left_rank;	/* the largest rank going left */
};

/* Scores every boundary of feature f over samples s[0 .. m) (weight W, sum
 * S), updating best when a boundary beats it. Returns 1 when f is constant
 * in the node, else 0. */
static int score_feature(struct grower *g, size_t f, const uint32_t *s, size_t m,
			 double W, double S, struct split *best)
{
	const struct fit_data *fd = g->fd;
	const uint32_t *rk = fd->rank + f * fd->n;
	const double *uv = fd->uval + fd->uoff[f];
	size_t msl = (size_t)fd->p->min_samples_leaf, i;
	uint32_t rmin = UINT32_MAX, rmax = 0;
	double wl = 0, sl = 0;
	uint64_t *sorted;

	for (i = 0; i < m; i++) {
		uint32_t r = rk[s[i]];

		g->keys[i] = (uint64_t)r << 32 | s[i];
		rmin = r < rmin ? r : rmin;
		rmax = r > rmax ? r : rmax;
	}
	if (uv[rmax] <= uv[rmin] + FEATURE_THRESHOLD)
		return 1;
	sorted = sort_keys(g->keys, g->tmp, m, rmin, rmax, g->cnt);
	for (i = 0; i + 1 < m; i++) {
		uint32_t si = key_sample(sorted[i]);
		uint32_t r0 = key_rank(sorted[i]), r1 = key_rank(sorted[i + 1]);
		double wr, sr, proxy;

		wl += g->w[si];
		sl += g->wy[si];
		if (r1 == r0 || uv[r1] <= uv[r0] + FEATURE_THRESHOLD)
			continue;
		if (i + 1 < msl || m - (i + 1) < msl)
			continue;
		wr = W - wl;
		sr = S - sl;
		proxy = sl * sl / wl + sr * sr / wr;
		if (proxy > best->proxy) {
			double t = uv[r0] / 2.0 + uv[r1] / 2.0;

			if (t == uv[r1] || isinf(t))
				t = uv[r0];
			best->proxy = proxy;
			best->threshold = t;
			best->feature = f;
			best->nleft = i + 1;
			best->left_rank = r0;
		}
	}
	return 0;
}

/* Finds the best split of samples s[0 .. m) per sklearn's feature-drawing
 * rule (see rf.h). Returns 0 with *best filled, or 1 when every feature is
 * constant in the node. */
static int find_split(struct grower *g, struct rng *rng, const uint32_t *s, size_t m,
		      double W, double S, struct split *best)
{
	size_t d = g->fd->d, maxf = g->fd->max_features, k, visited = 0, nconst = 0;

	for (k = 0; k < d; k++)
		g->feats[k] = k;
	best->proxy = -INFINITY;
	for (k = 0; k < d; k++) {
		size_t j, f;

		if (visited >= maxf && visited > nconst)
			break;
		j = (size_t)rng_range(rng, (int64_t)k, (int64_t)d - 1);
		f = g->feats[j];
		g->feats[j] = g->feats[k];
		g->feats[k] = f;
		visited++;
		nconst += (size_t)score_feature(g, f, s, m, W, S, best);
	}
	return best->proxy == -INFINITY;
}

/* Grows tree t into *out (nodes in preorder). */
static int grow_tree(struct grower *g, size_t t, struct tree *out, char *err)
{
	const struct fit_data *fd = g->fd;
	const struct rf_params *p = fd->p;
	size_t n = fd->n, m = 0, i, top = 0, count = 0;
	struct grow_node *nodes;
	struct rng rng;

	rng_init(&rng, p->seed, t);
	if (p->bootstrap) {
		memset(g->w, 0, n * sizeof(double));
		for (i = 0; i < n; i++)
			g->w[rng_range(&rng, 0, (int64_t)n - 1)] += 1.0;
	} else {
		for (i = 0; i < n; i++)
			g->w[i] = 1.0;
	}
	for (i = 0; i < n; i++) {
		g->wy[i] = g->w[i] * fd->y[i];
		if (g->w[i] > 0)
			g->samples[m++] = (uint32_t)i;
	}
	/* a binary tree over m distinct samples has at most 2m - 1 nodes */
	nodes = xcalloc(2 * m - 1, sizeof(*nodes), err);
	if (!nodes)
		return -1;

	g->stack[top++] = (struct stack_entry){ 0, m, 0, -1 };
	while (top) {
		struct stack_entry e = g->stack[--top];
		const uint32_t *s = g->samples + e.start;
		size_t nm = e.end - e.start, node = count++, lo, hi;
		double W = 0, S = 0, SS = 0, impurity;
		struct split best;
		int leaf;

		if (e.parent >= 0)
			nodes[e.parent].right = (int32_t)node;
		for (i = 0; i < nm; i++) {
			W += g->w[s[i]];
			S += g->wy[s[i]];
			SS += g->wy[s[i]] * fd->y[s[i]];
		}
		impurity = SS / W - (S / W) * (S / W);
		leaf = (p->max_depth > 0 && e.depth >= (size_t)p->max_depth) ||
			nm < (size_t)p->min_samples_split ||
			nm < 2 * (size_t)p->min_samples_leaf || impurity <= DBL_EPSILON;
		if (!leaf)
			leaf = find_split(g, &rng, s, nm, W, S, &best);
		if (leaf) {
			nodes[node] = (struct grow_node){ S / W, -1, -1 };
			continue;
		}
		nodes[node] = (struct grow_node){ best.threshold, (int32_t)best.feature, -1 };
		/* partition: ranks <= left_rank first */
		{
			const uint32_t *rk = fd->rank + best.feature * n;
			uint32_t *a = g->samples + e.start;

			lo = 0;
			hi = nm;
			while (lo < hi) {
				if (rk[a[lo]] <= best.left_rank) {
					lo++;
				} else {
					uint32_t tmp = a[lo];

					a[lo] = a[--hi];
					a[hi] = tmp;
				}
			}
		}
		/* right pushed first, so the left child is the next node */
		g->stack[top++] = (struct stack_entry){ e.start + lo, e.end, e.depth + 1,
							(int64_t)node };
		g->stack[top++] = (struct stack_entry){ e.start, e.start + lo, e.depth + 1, -1 };
	}
	out->nodes = realloc(nodes, count * sizeof(*nodes));
	if (!out->nodes)
		out->nodes = nodes;
	out->count = count;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The forest: trees handed out to threads. */

struct forest_job {
	const struct fit_data *fd;
	struct tree *trees;
	size_t n_trees;
	atomic_size_t next;
	atomic_int failed;
	pthread_mutex_t lock;
	char err[ERR_LEN];
};

static void *forest_worker(void *arg)
{
	struct forest_job *job = arg;
	char err[ERR_LEN] = "";
	struct grower g;
	size_t t;

	if (grower_init(&g, job->fd, err) < 0)
		goto fail;
	while (!atomic_load(&job->failed) &&
	       (t = atomic_fetch_add(&job->next, 1)) < job->n_trees)
		if (grow_tree(&g, t, &job->trees[t], err) < 0) {
			grower_release(&g);
			goto fail;
		}
	grower_release(&g);
	return NULL;
fail:
	pthread_mutex_lock(&job->lock);
	if (!atomic_load(&job->failed))
		memcpy(job->err, err, ERR_LEN);
	atomic_store(&job->failed, 1);
	pthread_mutex_unlock(&job->lock);
	return NULL;
}

#define RF_MAX_FEATURES 255		/* the feature fits in 8 bits, d itself included */
#define RF_MAX_INDEX ((1u << 24) - 1)	/* threshold and leaf indices fit in 24 bits */

static int check_params(const struct rf_params *p, size_t n, size_t d, char *err)
{
	if (n == 0)
		return err_set(err, "random forest: no training samples");
	if (n > RF_MAX_INDEX)
		return err_set(err, "random forest: %zu samples, at most %u supported",
			       n, RF_MAX_INDEX);
	if (d == 0 || d > RF_MAX_FEATURES)
		return err_set(err, "random forest: %zu features, expected 1 .. %d", d,
			       RF_MAX_FEATURES);
	if (p->n_trees < 1)
		return err_set(err, "random forest: n_trees is %d, expected >= 1", p->n_trees);
	if (p->max_depth < 0)
		return err_set(err, "random forest: max_depth is %d, expected >= 0 "
			       "(0 = unlimited)", p->max_depth);
	if (p->max_features < 0)
		return err_set(err, "random forest: max_features is %d, expected >= 0 "
			       "(0 = all)", p->max_features);
	if (p->min_samples_split < 2)
		return err_set(err, "random forest: min_samples_split is %d, expected >= 2",
			       p->min_samples_split);
	if (p->min_samples_leaf < 1)
		return err_set(err, "random forest: min_samples_leaf is %d, expected >= 1",
			       p->min_samples_leaf);
	if (p->threads < 0)
		return err_set(err, "random forest: threads is %d, expected >= 0 "
			       "(0 = all cores)", p->threads);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The model as prediction wants it.
 *
 * A node is 8 bytes: 8 bits of feature and 24 bits of threshold index (into
 * that feature's sorted distinct thresholds, shared by the whole forest),
 * and the offset of the right child (the left child is the next node). A
 * query x is first turned into q[f] = the number of feature f's thresholds
 * below x[f], so "x[f] <= threshold k" is exactly "q[f] <= k": integer
 * tests on half the memory of (double, feature, child) nodes. A leaf holds
 * feature d, its index among its tree's leaves, and offset 0; q[d] is
 * UINT32_MAX, so a leaf's test sends it "right" to itself (see
 * rf_predict_one). */

struct rf_node {
	uint32_t split;		/* feature << 24 | threshold index;
				 * a leaf: d << 24 | its index among the tree's leaves */
	int32_t right;		/* right child = this node + right; 0 at a leaf */
};

struct rf_model {
	size_t d, n_trees;
	int64_t *tree_offset;	/* n_trees + 1: tree t starts at nodes + tree_offset[t] */
	int64_t *leaf_offset;	/* n_trees + 1: its leaf values at leaf_value + leaf_offset[t] */
	struct rf_node *nodes;
	double *leaf_value;
	size_t *thr_offset;	/* d + 1: feature f's thresholds start at thr + thr_offset[f] */
	double *thr;		/* ascending, distinct per feature */
};

static inline uint32_t split_feature(uint32_t s)
{
	return s >> 24;
}

static inline uint32_t split_index(uint32_t s)
{
	return s & RF_MAX_INDEX;
}

/* A big forest is walked at random, so with 4 KiB pages nearly every step
 * is also a TLB miss; ask for transparent huge pages (2 MiB) where the
 * kernel gives them on request. */
#define HUGE_PAGE ((size_t)2 << 20)

static void *big_alloc(size_t n, size_t size, char *err)
{
	size_t bytes = (n ? n : 1) * size;
	void *p = NULL;

	if (bytes < HUGE_PAGE)
		return xcalloc(n, size, err);
	bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	if (posix_memalign(&p, HUGE_PAGE, bytes) != 0) {
		err_set(err, "out of memory allocating %zu x %zu bytes", n, size);
		return NULL;
	}
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);	/* a hint: failure is harmless */
#endif
	memset(p, 0, bytes);
	return p;
}

void rf_free(struct rf_model *m)
{
	if (!m)
		return;
	free(m->tree_offset);
	free(m->leaf_offset);
	free(m->nodes);
	free(m->leaf_value);
	free(m->thr_offset);
	free(m->thr);
	free(m);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Builds the model from grown (or imported) trees, which must be valid:
 * features < d, children inside their tree and after their parent. */
static int model_build(size_t d, const struct tree *trees, size_t n_trees,
		       struct rf_model **out, char *err)
{
	struct rf_model *m = xcalloc(1, sizeof(*m), err);
	size_t nn = 0, nl = 0, t, i, f, *fill = NULL;

	*out = NULL;
	if (!m)
		return -1;
	m->d = d;
	m->n_trees = n_trees;
	for (t = 0; t < n_trees; t++)
		for (i = 0; i < trees[t].count; i++)
			nl += trees[t].nodes[i].feature < 0;
	for (t = 0; t < n_trees; t++)
		nn += trees[t].count;
	m->tree_offset = xcalloc(n_trees + 1, sizeof(int64_t), err);
	m->leaf_offset = xcalloc(n_trees + 1, sizeof(int64_t), err);
	m->nodes = big_alloc(nn, sizeof(struct rf_node), err);
	m->leaf_value = big_alloc(nl, sizeof(double), err);
	m->thr_offset = xcalloc(d + 1, sizeof(size_t), err);
	m->thr = xcalloc(nn - nl, sizeof(double), err);
	fill = xcalloc(d + 1, sizeof(size_t), err);
	if (!m->tree_offset || !m->leaf_offset || !m->nodes || !m->leaf_value ||
	    !m->thr_offset || !m->thr || !fill)
		goto fail;

	/* every feature's thresholds, sorted, duplicates dropped */
	for (t = 0; t < n_trees; t++)
		for (i = 0; i < trees[t].count; i++)
			if (trees[t].nodes[i].feature >= 0)
				m->thr_offset[trees[t].nodes[i].feature + 1]++;
	for (f = 0; f < d; f++)
		m->thr_offset[f + 1] += m->thr_offset[f];
	for (t = 0; t < n_trees; t++)
		for (i = 0; i < trees[t].count; i++) {
			const struct grow_node *g = &trees[t].nodes[i];

			if (g->feature >= 0)
				m->thr[m->thr_offset[g->feature] + fill[g->feature]++] = g->v;
		}
	for (f = 0, fill[0] = 0; f < d; f++) {
		double *a = m->thr + m->thr_offset[f];
		size_t k, u = 0, len = m->thr_offset[f + 1] - m->thr_offset[f];

		qsort(a, len, sizeof(double), by_double);
		for (k = 0; k < len; k++)
			if (k == 0 || a[k] != a[u - 1])
				a[u++] = a[k];
		if (u > RF_MAX_INDEX) {
			err_set(err, "random forest: feature %zu has %zu thresholds, at most %u "
				"supported", f, u, RF_MAX_INDEX);
			goto fail;
		}
		memmove(m->thr + fill[f], a, u * sizeof(double));
		fill[f + 1] = fill[f] + u;
	}
	memcpy(m->thr_offset, fill, (d + 1) * sizeof(size_t));

	nn = nl = 0;
	for (t = 0; t < n_trees; t++) {
		const struct grow_node *g = trees[t].nodes;
		struct rf_node *nd = m->nodes + nn;
		size_t leaves = 0;

		m->tree_offset[t] = (int64_t)nn;
		m->leaf_offset[t] = (int64_t)nl;
		for (i = 0; i < trees[t].count; i++) {
			if (g[i].feature < 0) {
				if (leaves > RF_MAX_INDEX) {
					err_set(err, "random forest: tree %zu has more than %u "
						"leaves", t, RF_MAX_INDEX + 1);
					goto fail;
				}
				m->leaf_value[nl + leaves] = g[i].v;
				nd[i].split = (uint32_t)d << 24 | (uint32_t)leaves++;
				nd[i].right = 0;
			} else {
				const double *a = m->thr + m->thr_offset[g[i].feature];
				size_t len = m->thr_offset[g[i].feature + 1] -
					m->thr_offset[g[i].feature];
				const double *k = bsearch(&g[i].v, a, len, sizeof(double),
							  by_double);

				nd[i].split = (uint32_t)g[i].feature << 24 | (uint32_t)(k - a);
				nd[i].right = (int32_t)(g[i].right - (int32_t)i);
			}
		}
		nn += trees[t].count;
		nl += leaves;
	}
	m->tree_offset[n_trees] = (int64_t)nn;
	m->leaf_offset[n_trees] = (int64_t)nl;
	free(fill);
	*out = m;
	return 0;
fail:
	free(fill);
	rf_free(m);
	return -1;
}

/* ------------------------------------------------------------------------ */
/* Fitting. */

int rf_fit(const double *X, const double *y, size_t n, size_t d,
	   const struct rf_params *p, struct rf_model **out, char *err)
{
	struct forest_job job;
	struct fit_data fd;
	pthread_t *tids = NULL;
	size_t i, j, started = 0;
	int threads, rc = -1;

	*out = NULL;
	if (check_params(p, n, d, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]))
			return err_set(err, "random forest: target %zu is not finite", i);
		for (j = 0; j < d; j++)
			if (!isfinite(X[i * d + j]))
				return err_set(err, "random forest: feature %zu of sample %zu "
					       "is not finite", j, i);
	}
	if (fit_data_init(&fd, X, y, n, d, p, err) < 0)
		return -1;

	memset(&job, 0, sizeof(job));
	job.fd = &fd;
	job.n_trees = (size_t)p->n_trees;
	atomic_init(&job.next, 0);
	atomic_init(&job.failed, 0);
	job.trees = xcalloc(job.n_trees, sizeof(struct tree), err);
	threads = p->threads ? p->threads : online_cores();
	if (threads > p->n_trees)
		threads = p->n_trees;
	tids = xcalloc((size_t)threads, sizeof(pthread_t), err);
	if (job.trees && tids && pthread_mutex_init(&job.lock, NULL) != 0) {
		err_set(err, "random forest: cannot create a mutex");
		free(tids);
		tids = NULL;
	}
	if (!job.trees || !tids) {
		free(job.trees);
		free(tids);
		fit_data_release(&fd);
		return -1;
	}
	/* the calling thread is a worker too; a thread that cannot be started
	 * only means fewer workers, never a different forest */
	for (i = 1; i < (size_t)threads; i++)
		if (pthread_create(&tids[started], NULL, forest_worker, &job) == 0)
			started++;
	forest_worker(&job);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (atomic_load(&job.failed))
		err_set(err, "%s", job.err);
	else
		rc = model_build(d, job.trees, job.n_trees, out, err);

	for (i = 0; i < job.n_trees; i++)
		free(job.trees[i].nodes);
	free(job.trees);
	free(tids);
	pthread_mutex_destroy(&job.lock);
	fit_data_release(&fd);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Prediction. */

size_t rf_node_count(const struct rf_model *m)
{
	return (size_t)m->tree_offset[m->n_trees];
}

size_t rf_n_trees(const struct rf_model *m)
{
	return m->n_trees;
}

size_t rf_n_features(const struct rf_model *m)
{
	return m->d;
}

/* q[f] = the number of feature f's thresholds below x[f] (a branchless
 * lower bound); q[d] = UINT32_MAX, the leaves' slot. */
static void quantize(const struct rf_model *m, const double *x, uint32_t *q)
{
	size_t f;

	for (f = 0; f < m->d; f++) {
		const double *a = m->thr + m->thr_offset[f], *base = a;
		size_t len = m->thr_offset[f + 1] - m->thr_offset[f];

		if (len == 0) {
			q[f] = 0;
			continue;
		}
		while (len > 1) {
			size_t half = len / 2;

			base = base[half] < x[f] ? base + half : base;
			len -= half;
		}
		q[f] = (uint32_t)(base - a) + (*base < x[f]);
	}
	q[m->d] = UINT32_MAX;
}

static double leaf_value(const struct rf_model *m, size_t t, const struct rf_node *leaf)
{
	return m->leaf_value[m->leaf_offset[t] + split_index(leaf->split)];
}

/* One step: left (the next node) when q[feature] <= index, else right; a
 * leaf steps to itself. No branch on the data: see rf_predict_one. */
static inline const struct rf_node *step(const struct rf_node *nd, const uint32_t *q)
{
	uint32_t s = nd->split;
	int32_t right = -(int32_t)(q[split_feature(s)] > split_index(s));

	return nd + 1 + ((nd->right - 1) & right);
}

double rf_predict_tree(const struct rf_model *m, size_t t, const double *x)
{
	const struct rf_node *nd = m->nodes + m->tree_offset[t], *to;
	uint32_t q[RF_MAX_FEATURES + 1];

	quantize(m, x, q);
	while ((to = step(nd, q)) != nd)
		nd = to;
	return leaf_value(m, t, nd);
}

/* rf_predict_one walks GROUP trees side by side. A big forest is bound by
 * memory latency: independent walks let the nodes' cache misses overlap,
 * and so does fetching the right child while the node's test is worked
 * out. A step has no branch on the data, since a mispredicted branch would
 * throw away the loads in flight; a leaf steps to itself, and a group is
 * done when no walk moved. (Refilling finished lanes with new trees, to
 * skip the steps that finished walks idle through, measured slower: the
 * bookkeeping costs more than the idle steps.) Leaves are summed in tree
 * order. */
#define GROUP 32

static inline __attribute__((always_inline)) double
walk_group(const struct rf_model *m, const uint32_t *q, size_t t0, size_t g, double sum)
{
	const struct rf_node *at[GROUP];
	uintptr_t moved;
	size_t k;

	for (k = 0; k < g; k++)
		at[k] = m->nodes + m->tree_offset[t0 + k];
	do {
		moved = 0;
		for (k = 0; k < g; k++) {
			const struct rf_node *nd = at[k], *to;

			__builtin_prefetch(nd + nd->right);
			to = step(nd, q);
			moved |= (uintptr_t)to ^ (uintptr_t)nd;
			at[k] = to;
		}
	} while (moved);
	for (k = 0; k < g; k++)
		sum += leaf_value(m, t0 + k, at[k]);
	return sum;
}

double rf_predict_one(const struct rf_model *m, const double *x)
{
	uint32_t q[RF_MAX_FEATURES + 1];
	size_t t0, T = m->n_trees, full = T / GROUP * GROUP;
	double sum = 0;

	quantize(m, x, q);
	for (t0 = 0; t0 < full; t0 += GROUP)
		sum = walk_group(m, q, t0, GROUP, sum);
	if (full < T)
		sum = walk_group(m, q, full, T - full, sum);
	return sum / (double)T;
}

struct predict_job {
	const struct rf_model *m;
	const double *X;
	double *out;
	size_t lo, hi;
};

static void *predict_worker(void *arg)
{
	struct predict_job *j = arg;
	size_t i;

	for (i = j->lo; i < j->hi; i++)
		j->out[i] = rf_predict_one(j->m, j->X + i * j->m->d);
	return NULL;
}

void rf_predict(const struct rf_model *m, const double *X, size_t n, double *out,
		int threads)
{
	struct predict_job jobs[64];
	pthread_t tids[64];
	int started[64] = { 0 };
	size_t k, nt;

	nt = (size_t)(threads > 0 ? threads : online_cores());
	nt = nt > 64 ? 64 : nt;
	nt = nt > n / 64 ? (n / 64 ? n / 64 : 1) : nt;	/* >= 64 rows a thread */
	for (k = 0; k < nt; k++) {
		jobs[k] = (struct predict_job){ m, X, out, n * k / nt, n * (k + 1) / nt };
		if (k > 0)
			started[k] = pthread_create(&tids[k], NULL, predict_worker,
						    &jobs[k]) == 0;
	}
	predict_worker(&jobs[0]);
	for (k = 1; k < nt; k++) {
		if (started[k])
			pthread_join(tids[k], NULL);
		else
			predict_worker(&jobs[k]);	/* could not start: do it here */
	}
}

/* ------------------------------------------------------------------------ */
/* Export and import: the grown trees' form, node for node. */

int rf_export(const struct rf_model *m, struct param_set *ps, char *err)
{
	size_t nn = rf_node_count(m), t, i;
	int64_t *feature = xcalloc(nn, sizeof(int64_t), err);
	int64_t *right = xcalloc(nn, sizeof(int64_t), err);
	double *threshold = xcalloc(nn, sizeof(double), err);
	double *value = xcalloc(nn, sizeof(double), err);
	int rc = -1;

	if (!feature || !right || !threshold || !value)
		goto out;
	for (t = 0; t < m->n_trees; t++) {
		size_t a = (size_t)m->tree_offset[t], b = (size_t)m->tree_offset[t + 1];

		for (i = a; i < b; i++) {
			const struct rf_node *nd = &m->nodes[i];
			uint32_t f = split_feature(nd->split);

			if (f < m->d) {
				feature[i] = f;
				threshold[i] = m->thr[m->thr_offset[f] + split_index(nd->split)];
				right[i] = (int64_t)(i - a) + nd->right;
			} else {
				feature[i] = -1;
				value[i] = leaf_value(m, t, nd);
				right[i] = -1;
			}
		}
	}
	if (param_set_add_scalar_i64(ps, "n_features", (int64_t)m->d, err) < 0 ||
	    param_set_add_i64(ps, "tree_offset", m->n_trees + 1, m->tree_offset, err) < 0 ||
	    param_set_add_i64(ps, "feature", nn, feature, err) < 0 ||
	    param_set_add_f64(ps, "threshold", nn, threshold, err) < 0 ||
	    param_set_add_i64(ps, "right", nn, right, err) < 0 ||
	    param_set_add_f64(ps, "value", nn, value, err) < 0)
		goto out;
	rc = 0;
out:
	free(feature);
	free(right);
	free(threshold);
	free(value);
	return rc;
}

int rf_import(const struct param_set *ps, struct rf_model **out, char *err)
{
	const int64_t *off, *feature, *right;
	const double *threshold, *value;
	const void *p[5];
	size_t n_off, nn, len[4], t, i;
	struct grow_node *nodes = NULL;
	struct tree *trees = NULL;
	int64_t d;
	int rc = -1;

	*out = NULL;
	if (param_set_get_scalar_i64(ps, "n_features", &d, err) < 0 ||
	    param_set_get(ps, "tree_offset", PARAM_I64, 1, &n_off, NULL, &p[0], err) < 0 ||
	    param_set_get(ps, "feature", PARAM_I64, 1, &len[0], NULL, &p[1], err) < 0 ||
	    param_set_get(ps, "threshold", PARAM_F64, 1, &len[1], NULL, &p[2], err) < 0 ||
	    param_set_get(ps, "right", PARAM_I64, 1, &len[2], NULL, &p[3], err) < 0 ||
	    param_set_get(ps, "value", PARAM_F64, 1, &len[3], NULL, &p[4], err) < 0)
		return -1;
	off = p[0];
	feature = p[1];
	threshold = p[2];
	right = p[3];
	value = p[4];
	nn = len[0];
	if (d < 1 || d > RF_MAX_FEATURES)
		return err_set(err, "parameter 'n_features' is %lld, expected 1 .. %d",
			       (long long)d, RF_MAX_FEATURES);
	if (n_off < 2)
		return err_set(err, "parameter 'tree_offset' has %zu values, expected "
			       "n_trees + 1 >= 2", n_off);
	for (i = 1; i < 4; i++)
		if (len[i] != nn)
			return err_set(err, "node arrays have different lengths (%zu and %zu)",
				       nn, len[i]);
	if (off[0] != 0 || off[n_off - 1] != (int64_t)nn)
		return err_set(err, "parameter 'tree_offset' must run from 0 to the "
			       "node count %zu", nn);
	for (t = 0; t + 1 < n_off; t++) {
		int64_t a = off[t], b = off[t + 1];

		if (b <= a || b - a > INT32_MAX)
			return err_set(err, "parameter 'tree_offset': tree %zu has %lld nodes",
				       t, (long long)(b - a));
		for (i = (size_t)a; i < (size_t)b; i++) {
			int64_t rel = (int64_t)i - a;

			if (feature[i] == -1) {
				if (!isfinite(value[i]))
					return err_set(err, "node %zu: leaf value is not finite", i);
				continue;
			}
			if (feature[i] < 0 || feature[i] >= d)
				return err_set(err, "node %zu: feature %lld, expected -1 .. %lld",
					       i, (long long)feature[i], (long long)d - 1);
			if (isnan(threshold[i]))
				return err_set(err, "node %zu: threshold is not a number", i);
			/* children after the node and inside the tree: walks end */
			if (rel + 1 >= b - a || right[i] <= rel + 1 || right[i] >= b - a)
				return err_set(err, "node %zu: children outside tree %zu", i, t);
		}
	}
	nodes = xcalloc(nn, sizeof(*nodes), err);
	trees = xcalloc(n_off - 1, sizeof(*trees), err);
	if (!nodes || !trees)
		goto out;
	for (i = 0; i < nn; i++)
		nodes[i] = (struct grow_node){ feature[i] >= 0 ? threshold[i] : value[i],
					       (int32_t)feature[i], (int32_t)right[i] };
	for (t = 0; t + 1 < n_off; t++) {
		trees[t].nodes = nodes + off[t];
		trees[t].count = (size_t)(off[t + 1] - off[t]);
	}
	rc = model_build((size_t)d, trees, n_off - 1, out, err);
out:
	free(nodes);
	free(trees);
	return rc;
}
