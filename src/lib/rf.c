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
#include <sched.h>
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

/* The cores this process may run on (its CPU affinity: what a Slurm job
 * step or taskset grants it), else the online ones. */
static int online_cores(void)
{
	cpu_set_t set;
	long c;

	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		c = CPU_COUNT(&set);
	else
		c = sysconf(_SC_NPROCESSORS_ONLN);
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

#define RF_MAX_FEATURES 127		/* the feature fits in 7 bits */
#define RF_MAX_INDEX ((1u << 24) - 1)	/* threshold indices fit in 24 bits (the last is PASS) */

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
 * A query x is first turned into q[f] = the number of feature f's
 * thresholds below x[f] (thresholds sorted and shared by the whole forest),
 * so "x[f] <= threshold k" is exactly "q[f] <= k": integer tests.
 *
 * The trees are cut into blocks of three levels, one 64-byte cache line
 * each: the 7 splits of a complete depth-3 subtree (threshold index << 7 |
 * feature; slot k's children are slots 2k + 1 and 2k + 2) and its 8
 * exits (a block index, or LEAF_BIT | a leaf's index into leaf_value). A
 * leaf above the bottom level becomes PASS splits (feature 0 against an
 * index no query exceeds: always left) down to an exit. A walk then costs a
 * cache miss per three levels instead of about one per level, and the
 * three tests of a block are worked out from its 7 splits at once (all
 * seven with AVX2, see walk_simd) instead of one after another.
 *
 * Blocks are numbered level by level over all trees (the trees' root blocks
 * first), so the blocks every query visits lie together; block 0 is a sink
 * (all PASS, exits to leaf 0) for walks with no tree left. Leaves are
 * numbered per tree in preorder, trees in order. */

#define BLOCK_SPLITS 7
#define BLOCK_EXITS 8
#define LEAF_BIT 0x80000000u
#define PASS (RF_MAX_INDEX << 7)	/* feature 0, index 2^24 - 1: q never exceeds it */
#define SINK 0u

struct rf_block {
	uint32_t split[BLOCK_SPLITS + 1];	/* the eighth is PASS, for 8-wide loads */
	uint32_t exit[BLOCK_EXITS];
} __attribute__((aligned(64)));

struct rf_model {
	size_t d, n_trees;
	int64_t *tree_offset;	/* n_trees + 1: each tree's first node in the export, then the total */
	uint32_t *root;		/* n_trees: each tree's root block */
	struct rf_block *blocks;
	double *leaf_value;
	size_t *thr_offset;	/* d + 1: feature f's thresholds start at thr + thr_offset[f] */
	double *thr;		/* ascending, distinct per feature */
	int simd;		/* walk with AVX2 (the CPU has it and d <= 16) */
};

static inline uint32_t split_feature(uint32_t s)
{
	return s & 127;
}

static inline uint32_t split_index(uint32_t s)
{
	return s >> 7;
}

/* A big forest is walked at random, so with 4 KiB pages nearly every step
 * is also a TLB miss; ask for transparent huge pages (2 MiB) where the
 * kernel gives them on request. Memory is zeroed and 64-byte aligned. */
#define HUGE_PAGE ((size_t)2 << 20)

static void *big_alloc(size_t n, size_t size, char *err)
{
	size_t bytes = (n ? n : 1) * size, align = 64;
	void *p = NULL;

	if (bytes >= HUGE_PAGE) {
		bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
		align = HUGE_PAGE;
	}
	if (posix_memalign(&p, align, bytes) != 0) {
		err_set(err, "out of memory allocating %zu x %zu bytes", n, size);
		return NULL;
	}
#ifdef MADV_HUGEPAGE
	if (align == HUGE_PAGE)
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
	free(m->root);
	free(m->blocks);
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

static int cpu_has_avx2(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
#else
	return 0;
#endif
}

/* Every feature's thresholds, sorted, duplicates dropped, into m->thr. */
static int collect_thresholds(struct rf_model *m, const struct tree *trees, size_t n_internal,
			      char *err)
{
	size_t d = m->d, t, i, f, *fill = xcalloc(d + 1, sizeof(size_t), err);

	m->thr_offset = xcalloc(d + 1, sizeof(size_t), err);
	m->thr = xcalloc(n_internal ? n_internal : 1, sizeof(double), err);
	if (!fill || !m->thr_offset || !m->thr) {
		free(fill);
		return -1;
	}
	for (t = 0; t < m->n_trees; t++)
		for (i = 0; i < trees[t].count; i++)
			if (trees[t].nodes[i].feature >= 0)
				m->thr_offset[trees[t].nodes[i].feature + 1]++;
	for (f = 0; f < d; f++)
		m->thr_offset[f + 1] += m->thr_offset[f];
	for (t = 0; t < m->n_trees; t++)
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
		if (u >= RF_MAX_INDEX) {
			free(fill);
			return err_set(err, "random forest: feature %zu has %zu thresholds, at "
				       "most %u supported", f, u, RF_MAX_INDEX - 1);
		}
		memmove(m->thr + fill[f], a, u * sizeof(double));
		fill[f + 1] = fill[f] + u;
	}
	memcpy(m->thr_offset, fill, (d + 1) * sizeof(size_t));
	free(fill);
	return 0;
}

static uint32_t node_split(const struct rf_model *m, const struct grow_node *g)
{
	const double *a = m->thr + m->thr_offset[g->feature];
	size_t len = m->thr_offset[g->feature + 1] - m->thr_offset[g->feature];
	const double *k = bsearch(&g->v, a, len, sizeof(double), by_double);

	return (uint32_t)(k - a) << 7 | (uint32_t)g->feature;
}

/* A node waiting for its block: tree t's node v, whose block index goes to
 * exit e of block b (or to root[t] when b is UINT32_MAX). */
struct pending {
	uint32_t t, v, b, e;
};

struct block_queue {
	struct pending *at;
	size_t head, tail, cap;
};

/* Fills block b from node u of tree tr (see above), whose nodes' leaf
 * indices are in leaf_index; internal nodes below its bottom level go on
 * the queue. Fails when the queue is full (a malformed tree). */
static int fill_block(struct rf_model *m, const struct tree *tr, uint32_t t, uint32_t u,
		      uint32_t b, const uint32_t *leaf_index, struct block_queue *q)
{
	struct rf_block *blk = &m->blocks[b];
	int64_t slot[BLOCK_SPLITS];
	size_t k;
	int j;

	slot[0] = u;
	blk->split[BLOCK_SPLITS] = PASS;
	for (k = 0; k < BLOCK_SPLITS; k++) {
		int64_t v = slot[k], child[2] = { v, -1 };	/* a leaf: always left */
		const struct grow_node *g = v >= 0 ? &tr->nodes[v] : NULL;

		blk->split[k] = PASS;
		if (g && g->feature >= 0) {
			blk->split[k] = node_split(m, g);
			child[0] = v + 1;
			child[1] = g->right;
		}
		for (j = 0; j < 2; j++) {
			size_t e = 2 * k + 1 + (size_t)j - BLOCK_SPLITS;

			if (k < BLOCK_SPLITS / 2)
				slot[2 * k + 1 + (size_t)j] = child[j];
			else if (child[j] < 0)
				blk->exit[e] = LEAF_BIT;	/* never reached */
			else if (tr->nodes[child[j]].feature < 0)
				blk->exit[e] = LEAF_BIT | leaf_index[child[j]];
			else if (q->tail == q->cap)
				return -1;
			else
				q->at[q->tail++] = (struct pending){ t, (uint32_t)child[j], b,
								     (uint32_t)e };
		}
	}
	return 0;
}

/* Builds the model from grown (or imported) trees, which must be valid
 * preorder trees with features < d. */
static int model_build(size_t d, const struct tree *trees, size_t n_trees,
		       struct rf_model **out, char *err)
{
	struct rf_model *m = xcalloc(1, sizeof(*m), err);
	struct block_queue q = { 0 };
	size_t nn = 0, nl = 0, ni, nb = 1, t, i, next;
	uint32_t *aux = NULL;	/* an internal node's depth; a leaf's index */

	*out = NULL;
	if (!m)
		return -1;
	m->d = d;
	m->n_trees = n_trees;
	m->simd = d <= 16 && cpu_has_avx2();
	m->tree_offset = xcalloc(n_trees + 1, sizeof(int64_t), err);
	m->root = xcalloc(n_trees, sizeof(uint32_t), err);
	if (!m->tree_offset || !m->root)
		goto fail;
	for (t = 0; t < n_trees; t++) {
		m->tree_offset[t] = (int64_t)nn;
		nn += trees[t].count;
	}
	m->tree_offset[n_trees] = (int64_t)nn;
	aux = xcalloc(nn, sizeof(uint32_t), err);
	if (!aux)
		goto fail;
	/* children come after their parent: one pass finds every depth */
	for (t = 0; t < n_trees; t++) {
		const struct grow_node *g = trees[t].nodes;
		uint32_t *a = aux + m->tree_offset[t];

		nb += g[0].feature < 0;		/* a lone leaf still needs a block */
		for (i = 0; i < trees[t].count; i++) {
			if (g[i].feature < 0) {
				a[i] = (uint32_t)nl++;
				continue;
			}
			nb += a[i] % 3 == 0;
			a[i + 1] = a[g[i].right] = a[i] + 1;
		}
	}
	ni = nn - nl;
	if (nl >= LEAF_BIT || nb >= LEAF_BIT) {
		err_set(err, "random forest: %zu leaves in %zu blocks, at most %u supported",
			nl, nb, LEAF_BIT - 1);
		goto fail;
	}
	if (collect_thresholds(m, trees, ni, err) < 0)
		goto fail;
	m->blocks = big_alloc(nb, sizeof(struct rf_block), err);
	m->leaf_value = big_alloc(nl, sizeof(double), err);
	q.cap = nb;
	q.at = xcalloc(nb, sizeof(*q.at), err);
	if (!m->blocks || !m->leaf_value || !q.at)
		goto fail;
	for (t = 0; t < n_trees; t++)
		for (i = 0; i < trees[t].count; i++)
			if (trees[t].nodes[i].feature < 0)
				m->leaf_value[aux[m->tree_offset[t] + (int64_t)i]] = trees[t].nodes[i].v;
	for (i = 0; i <= BLOCK_SPLITS; i++)
		m->blocks[SINK].split[i] = PASS;
	for (i = 0; i < BLOCK_EXITS; i++)
		m->blocks[SINK].exit[i] = LEAF_BIT;
	for (t = 0; t < n_trees; t++)
		q.at[q.tail++] = (struct pending){ (uint32_t)t, 0, UINT32_MAX, 0 };
	for (next = 1; q.head < q.tail; next++) {
		struct pending p = q.at[q.head++];

		if (p.b == UINT32_MAX)
			m->root[p.t] = (uint32_t)next;
		else
			m->blocks[p.b].exit[p.e] = (uint32_t)next;
		if (fill_block(m, &trees[p.t], p.t, p.v, (uint32_t)next,
			       aux + m->tree_offset[p.t], &q) < 0)
			break;
	}
	if (next != nb || q.head != q.tail) {
		err_set(err, "random forest: the trees are not valid preorder trees");
		goto fail;
	}
	free(aux);
	free(q.at);
	*out = m;
	return 0;
fail:
	free(aux);
	free(q.at);
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
 * lower bound), for f < d; 0 for d <= f < 16 (the SIMD walk reads 16). */
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
	for (; f < 16; f++)
		q[f] = 0;
}

/* The exit a query leaves a block by, from the block's 7 test results
 * (bit k: slot k sends it right): three levels down the complete subtree. */
static const uint8_t exit_of[128] = {
	0, 4, 2, 4, 0, 6, 2, 6, 1, 4, 2, 4, 1, 6, 2, 6,
	0, 4, 3, 4, 0, 6, 3, 6, 1, 4, 3, 4, 1, 6, 3, 6,
	0, 5, 2, 5, 0, 6, 2, 6, 1, 5, 2, 5, 1, 6, 2, 6,
	0, 5, 3, 5, 0, 6, 3, 6, 1, 5, 3, 5, 1, 6, 3, 6,
	0, 4, 2, 4, 0, 7, 2, 7, 1, 4, 2, 4, 1, 7, 2, 7,
	0, 4, 3, 4, 0, 7, 3, 7, 1, 4, 3, 4, 1, 7, 3, 7,
	0, 5, 2, 5, 0, 7, 2, 7, 1, 5, 2, 5, 1, 7, 2, 7,
	0, 5, 3, 5, 0, 7, 3, 7, 1, 5, 3, 5, 1, 7, 3, 7,
};

static inline uint32_t block_exit(const struct rf_block *b, unsigned right)
{
	return b->exit[exit_of[right & 127]];
}

/* Without SIMD, only the three tests on the way down. */
static inline uint32_t step_scalar(const struct rf_block *b, const uint32_t *q)
{
	unsigned k = 0, level;

	for (level = 0; level < 3; level++) {
		uint32_t s = b->split[k];

		k = 2 * k + 1 + (q[split_feature(s)] > split_index(s));
	}
	return b->exit[k - BLOCK_SPLITS];
}

double rf_predict_tree(const struct rf_model *m, size_t t, const double *x)
{
	uint32_t q[RF_MAX_FEATURES + 1], e = m->root[t];

	quantize(m, x, q);
	do
		e = step_scalar(&m->blocks[e], q);
	while (!(e & LEAF_BIT));
	return m->leaf_value[e & ~LEAF_BIT];
}

/* rf_predict_one walks LANES trees at once. A big forest is bound by
 * memory latency, so the walks' cache misses must overlap: each lane
 * prefetches the block it goes to next (or, at a leaf, the leaf's value)
 * and comes back to it LANES steps later; a lane whose tree is done takes
 * the next tree. (Written without branches, the compiler branches once per
 * finished tree, which measured faster than a mask-only version.) Leaves
 * are recorded per tree and summed in tree order, CHUNK trees at a time. */
#define LANES 64
#define CHUNK 512

/* One walk of trees [t0, t1) of m (at most CHUNK); leaf[i] is tree t0 + i's
 * exit. STEP(block) is the step expression. */
#define WALK_CHUNK(STEP)							\
	do {									\
		uint32_t at[LANES], tree[LANES];				\
		size_t next = t0, done = 0, n = t1 - t0, k;			\
										\
		for (k = 0; k < LANES; k++, next += next < t1) {		\
			tree[k] = next < t1 ? (uint32_t)(next - t0) : CHUNK;	\
			at[k] = next < t1 ? m->root[next] : SINK;		\
		}								\
		while (done < n)						\
			for (k = 0; k < LANES; k++) {				\
				uint32_t e = STEP(&m->blocks[at[k]]);		\
				uint32_t is_leaf = e >> 31, i = tree[k];	\
				uint32_t more = next < t1, to;			\
										\
				leaf[is_leaf ? i : CHUNK] = e;			\
				done += is_leaf & (i < n);			\
				tree[k] = is_leaf ? (more ? (uint32_t)(next - t0) : CHUNK) : i; \
				to = is_leaf ? (more ? m->root[next] : SINK) : e; \
				next += is_leaf & more;				\
				at[k] = to;					\
				__builtin_prefetch(is_leaf ?			\
					(const void *)&m->leaf_value[e & ~LEAF_BIT] : \
					(const void *)&m->blocks[to]);		\
			}							\
	} while (0)

static void walk_scalar(const struct rf_model *m, const uint32_t *q, size_t t0, size_t t1,
			uint32_t *leaf)
{
#define STEP_SCALAR(b) step_scalar(b, q)
	WALK_CHUNK(STEP_SCALAR);
#undef STEP_SCALAR
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* The 7 tests of a block at once: features < 16 pick their q from two
 * registers (q[0..7], q[8..15]) by the split's low 4 bits, and "q > index"
 * is "q << 7 > index << 7 | feature", the split word itself. */
__attribute__((target("avx2"))) static inline uint32_t
step_simd(const struct rf_block *b, __m256i qlo, __m256i qhi)
{
	__m256i s = _mm256_load_si256((const __m256i *)b->split);
	__m256 lo = _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(qlo, s));
	__m256 hi = _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(qhi, s));
	__m256i qf = _mm256_castps_si256(_mm256_blendv_ps(lo, hi,
		_mm256_castsi256_ps(_mm256_slli_epi32(s, 28))));
	__m256i right = _mm256_cmpgt_epi32(qf, s);

	return block_exit(b, (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(right)));
}

/* q < 2^24, so q << 7 < 2^31 and the signed compare is right. */
__attribute__((target("avx2"))) static void
walk_simd(const struct rf_model *m, const uint32_t *q, size_t t0, size_t t1, uint32_t *leaf)
{
	__m256i qlo = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)q), 7);
	__m256i qhi = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(q + 8)), 7);
#define STEP_SIMD(b) step_simd(b, qlo, qhi)
	WALK_CHUNK(STEP_SIMD);
#undef STEP_SIMD
}
#else
#define walk_simd walk_scalar
#endif

double rf_predict_sum(const struct rf_model *m, const double *x)
{
	uint32_t q[RF_MAX_FEATURES + 1], leaf[CHUNK + 1];
	size_t t0, t1, t, T = m->n_trees;
	double sum = 0;

	quantize(m, x, q);
	for (t0 = 0; t0 < T; t0 = t1) {
		t1 = T - t0 > CHUNK ? t0 + CHUNK : T;
		if (m->simd)
			walk_simd(m, q, t0, t1, leaf);
		else
			walk_scalar(m, q, t0, t1, leaf);
		for (t = t0; t < t1; t++)
			sum += m->leaf_value[leaf[t - t0] & ~LEAF_BIT];
	}
	return sum;
}

double rf_predict_one(const struct rf_model *m, const double *x)
{
	return rf_predict_sum(m, x) / (double)m->n_trees;
}

struct predict_job {
	const struct rf_model *m;
	const double *X;
	double *out;
	size_t lo, hi;
	double (*one)(const struct rf_model *, const double *);
};

static void *predict_worker(void *arg)
{
	struct predict_job *j = arg;
	size_t i;

	for (i = j->lo; i < j->hi; i++)
		j->out[i] = j->one(j->m, j->X + i * j->m->d);
	return NULL;
}

static void predict_rows(const struct rf_model *m, const double *X, size_t n, double *out,
			 int threads, double (*one)(const struct rf_model *, const double *))
{
	struct predict_job jobs[64];
	pthread_t tids[64];
	int started[64] = { 0 };
	size_t k, nt;

	nt = (size_t)(threads > 0 ? threads : online_cores());
	nt = nt > 64 ? 64 : nt;
	nt = nt > n / 64 ? (n / 64 ? n / 64 : 1) : nt;	/* >= 64 rows a thread */
	for (k = 0; k < nt; k++) {
		jobs[k] = (struct predict_job){ m, X, out, n * k / nt, n * (k + 1) / nt, one };
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

void rf_predict(const struct rf_model *m, const double *X, size_t n, double *out,
		int threads)
{
	predict_rows(m, X, n, out, threads, rf_predict_one);
}

void rf_predict_sums(const struct rf_model *m, const double *X, size_t n, double *out,
		     int threads)
{
	predict_rows(m, X, n, out, threads, rf_predict_sum);
}

/* ------------------------------------------------------------------------ */
/* Export and import: the grown trees' form, node for node. */

/* A place in the blocks: block << 3 | slot, or PLACE_LEAF | a leaf's index. */
#define PLACE_LEAF ((uint64_t)1 << 63)

static uint64_t place_child(const struct rf_model *m, uint64_t p, unsigned side)
{
	uint64_t b = p >> 3, k = p & 7;
	uint32_t e;

	if (k < BLOCK_SPLITS / 2)
		return b << 3 | (2 * k + 1 + side);
	e = m->blocks[b].exit[2 * k + 1 + side - BLOCK_SPLITS];
	return e & LEAF_BIT ? PLACE_LEAF | (e & ~LEAF_BIT) : (uint64_t)e << 3;
}

/* The node at p: a PASS split is a leaf further down to the left. */
static uint64_t place_node(const struct rf_model *m, uint64_t p)
{
	while (!(p & PLACE_LEAF) && m->blocks[p >> 3].split[p & 7] == PASS)
		p = place_child(m, p, 0);
	return p;
}

/* A node to export and the node whose right child it is (or -1). */
struct place_entry {
	uint64_t p;
	int64_t parent;
};

int rf_export(const struct rf_model *m, struct param_set *ps, char *err)
{
	size_t nn = rf_node_count(m), t, top;
	int64_t *feature = xcalloc(nn, sizeof(int64_t), err);
	int64_t *right = xcalloc(nn, sizeof(int64_t), err);
	double *threshold = xcalloc(nn, sizeof(double), err);
	double *value = xcalloc(nn, sizeof(double), err);
	struct place_entry *stack = xcalloc(nn + 1, sizeof(*stack), err);
	int rc = -1;

	if (!feature || !right || !threshold || !value || !stack)
		goto out;
	/* preorder: a node, its left subtree, then its right one */
	for (t = 0; t < m->n_trees; t++) {
		size_t a = (size_t)m->tree_offset[t], i = a;

		top = 0;
		stack[top++].p = place_node(m, (uint64_t)m->root[t] << 3);
		stack[0].parent = -1;
		while (top > 0) {
			uint64_t p = stack[--top].p;
			int64_t parent = stack[top].parent;
			uint32_t s, f;

			if (i == (size_t)m->tree_offset[t + 1]) {
				err_set(err, "random forest: tree %zu has more nodes than recorded", t);
				goto out;
			}
			if (parent >= 0)
				right[parent] = (int64_t)(i - a);
			if (p & PLACE_LEAF) {
				feature[i] = -1;
				value[i] = m->leaf_value[p & ~PLACE_LEAF];
				right[i++] = -1;
				continue;
			}
			s = m->blocks[p >> 3].split[p & 7];
			f = split_feature(s);
			feature[i] = f;
			threshold[i] = m->thr[m->thr_offset[f] + split_index(s)];
			stack[top++] = (struct place_entry){ place_node(m, place_child(m, p, 1)), (int64_t)i };
			stack[top++] = (struct place_entry){ place_node(m, place_child(m, p, 0)), -1 };
			i++;
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
	free(stack);
	return rc;
}

/* Nodes a .. b - 1 form one tree in preorder: each internal node's left
 * child is the next node and its right child starts just after the left
 * subtree; every node belongs to the tree exactly once. */
static int check_preorder(const int64_t *feature, const int64_t *right, int64_t a, int64_t b,
			  int64_t *stack)
{
	int64_t at = a, top = 0;

	for (;;) {
		if (at >= b)
			return -1;
		if (feature[at] >= 0) {
			stack[top++] = a + right[at];
			at++;
			continue;
		}
		if (top == 0)
			return at + 1 == b ? 0 : -1;
		if (stack[--top] != at + 1)
			return -1;
		at++;
	}
}

int rf_import(const struct param_set *ps, struct rf_model **out, char *err)
{
	const int64_t *off, *feature, *right;
	int64_t *stack;
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
	stack = xcalloc(nn, sizeof(int64_t), err);
	if (!stack)
		return -1;
	for (t = 0; t + 1 < n_off; t++)
		if (check_preorder(feature, right, off[t], off[t + 1], stack) < 0) {
			free(stack);
			return err_set(err, "tree %zu is not a tree in preorder", t);
		}
	free(stack);
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
