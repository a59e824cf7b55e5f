/* nn.c - dense layers in float32: sgemm minibatch forward/backward, a
 * hand-written single-sample forward, SmoothL1, Adam, PyTorch-like init, and
 * the training loop and prediction paths that mlp.c and medn.c share. */
#include "nn.h"

#include <assert.h>
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "err.h"
#include "param_set.h"

int nn_blas_threads(int n)
{
	int prev = openblas_get_num_threads();

	if (n > 0 && n != prev)
		openblas_set_num_threads(n);
	return prev;
}

int nn_stack_init(struct nn_stack *s, int in, int nlayers, const int *out, enum nn_act hidden,
		  enum nn_act last, size_t begin, char *err)
{
	size_t off = begin;
	int l;

	memset(s, 0, sizeof(*s));
	if (nlayers < 1 || nlayers > NN_MAX_LAYERS)
		return err_set(err, "a network stack needs 1 to %d layers, got %d", NN_MAX_LAYERS,
			       nlayers);
	if (in < 1 || in > NN_MAX_WIDTH)
		return err_set(err, "input width %d is outside [1, %d]", in, NN_MAX_WIDTH);
	s->nlayers = nlayers;
	s->width[0] = in;
	s->begin = begin;
	for (l = 0; l < nlayers; l++) {
		if (out[l] < 1 || out[l] > NN_MAX_WIDTH)
			return err_set(err, "layer %d width %d is outside [1, %d]", l, out[l],
				       NN_MAX_WIDTH);
		s->width[l + 1] = out[l];
		s->act[l] = l + 1 < nlayers ? hidden : last;
		s->off[l] = off;
		off += (size_t)s->width[l] * out[l] + out[l];
	}
	s->nparams = off - begin;
	return 0;
}

int nn_stack_out(const struct nn_stack *s)
{
	return s->width[s->nlayers];
}

void nn_stack_reset(const struct nn_stack *s, float *params, struct rng *r)
{
	int l;

	for (l = 0; l < s->nlayers; l++) {
		size_t k, count = (size_t)s->width[l] * s->width[l + 1] + s->width[l + 1];
		double bound = 1.0 / sqrt((double)s->width[l]);
		float *p = params + s->off[l];

		for (k = 0; k < count; k++)
			p[k] = (float)((2.0 * rng_uniform(r) - 1.0) * bound);
	}
}

static int max_width(const struct nn_stack *s)
{
	int l, w = 0;

	for (l = 0; l <= s->nlayers; l++)
		if (s->width[l] > w)
			w = s->width[l];
	return w;
}

int nn_cache_init(struct nn_cache *c, const struct nn_stack *s, int cap, char *err)
{
	size_t wmax = (size_t)max_width(s);
	int l;

	memset(c, 0, sizeof(*c));
	if (cap < 1)
		return err_set(err, "minibatch capacity %d is not positive", cap);
	c->cap = cap;
	for (l = 0; l < s->nlayers; l++)
		if (!(c->a[l] = xcalloc((size_t)cap * s->width[l + 1], sizeof(float), err)))
			goto fail;
	if (!(c->d0 = xcalloc((size_t)cap * wmax, sizeof(float), err)) ||
	    !(c->d1 = xcalloc((size_t)cap * wmax, sizeof(float), err)))
		goto fail;
	return 0;
fail:
	nn_cache_release(c);
	return -1;
}

void nn_cache_release(struct nn_cache *c)
{
	int l;

	if (!c)
		return;
	for (l = 0; l < NN_MAX_LAYERS; l++)
		free(c->a[l]);
	free(c->d0);
	free(c->d1);
	memset(c, 0, sizeof(*c));
}

/* Element-wise loops on 8 floats at a time with GCC vector extensions, which
 * lower to SSE2 (the default clone) or AVX2 (the avx2 clone, picked at load
 * time); GCC -O2 does not vectorise loops that need a scalar remainder.
 * Element-wise IEEE operations give the same bits in every clone. */
typedef float nn_v8 __attribute__((vector_size(32), aligned(4), may_alias));
typedef int nn_v8i __attribute__((vector_size(32), aligned(4), may_alias));

/* One activation of one value: ReLU gives 0 for z <= 0 (and NaN), leaky
 * ReLU slope * z. */
static inline float act_one(float z, enum nn_act act)
{
	if (act == NN_ACT_IDENTITY || z > 0.0f)
		return z;
	return act == NN_ACT_LEAKY_RELU ? NN_LEAKY_SLOPE * z : 0.0f;
}

/* *v = act(*v) on 8 lanes (through a pointer: passing 32-byte vectors by
 * value changes the ABI without AVX) */
static inline void act_v8(nn_v8 *v, enum nn_act act)
{
	const nn_v8 zero = { 0 };
	nn_v8i pos = *v > zero;

	if (act == NN_ACT_RELU)
		*v = (nn_v8)((nn_v8i)*v & pos);
	else if (act == NN_ACT_LEAKY_RELU)
		*v = (nn_v8)(((nn_v8i)*v & pos) | ((nn_v8i)(NN_LEAKY_SLOPE * *v) & ~pos));
}

/* z = act(z) */
__attribute__((target_clones("avx2", "default")))
static void activate(float *z, size_t n, enum nn_act act)
{
	size_t k = 0;

	for (; k + 8 <= n; k += 8) {
		nn_v8 v = *(nn_v8 *)(z + k);

		act_v8(&v, act);
		*(nn_v8 *)(z + k) = v;
	}
	for (; k < n; k++)
		z[k] = act_one(z[k], act);
}

/* d = d * act'(z), from a = act(z): a > 0 exactly where z > 0 */
__attribute__((target_clones("avx2", "default")))
static void activate_grad(float *d, const float *a, size_t n, enum nn_act act)
{
	const nn_v8 zero = { 0 };
	size_t k = 0;

	for (; k + 8 <= n; k += 8) {
		nn_v8 v = *(nn_v8 *)(d + k);
		nn_v8i pos = *(const nn_v8 *)(a + k) > zero;

		if (act == NN_ACT_RELU)
			v = (nn_v8)((nn_v8i)v & pos);
		else
			v = (nn_v8)(((nn_v8i)v & pos) | ((nn_v8i)(NN_LEAKY_SLOPE * v) & ~pos));
		*(nn_v8 *)(d + k) = v;
	}
	for (; k < n; k++)
		d[k] = a[k] > 0.0f ? d[k] : act == NN_ACT_RELU ? 0.0f : NN_LEAKY_SLOPE * d[k];
}

/* g[j] += sum over r of d[r, j], d (rows, no), summed in order of r */
__attribute__((target_clones("avx2", "default")))
static void add_colsums(float *restrict g, const float *restrict d, int rows, int no)
{
	int r, j = 0;

	for (; j + 8 <= no; j += 8) {
		nn_v8 acc = *(nn_v8 *)(g + j);

		for (r = 0; r < rows; r++)
			acc += *(const nn_v8 *)(d + (size_t)r * no + j);
		*(nn_v8 *)(g + j) = acc;
	}
	for (; j < no; j++) {
		float acc = g[j];

		for (r = 0; r < rows; r++)
			acc += d[(size_t)r * no + j];
		g[j] = acc;
	}
}

const float *nn_forward(const struct nn_stack *s, const float *params, struct nn_cache *c,
			const float *in, int rows)
{
	const float *x = in;
	int l, r;

	c->in = in;
	for (l = 0; l < s->nlayers; l++) {
		int ni = s->width[l], no = s->width[l + 1];
		const float *W = params + s->off[l], *b = W + (size_t)ni * no;
		float *z = c->a[l];

		for (r = 0; r < rows; r++)
			memcpy(z + (size_t)r * no, b, (size_t)no * sizeof(float));
		/* z = x W + z */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, no, ni, 1.0f, x, ni, W,
			    no, 1.0f, z, no);
		if (s->act[l] != NN_ACT_IDENTITY)
			activate(z, (size_t)rows * no, s->act[l]);
		x = z;
	}
	return x;
}

void nn_backward(const struct nn_stack *s, const float *params, float *grads, struct nn_cache *c,
		 int rows, const float *dout, float *din, int din_accumulate)
{
	float *d = c->d0, *dn = c->d1, *tmp;
	int l;

	memcpy(d, dout, (size_t)rows * nn_stack_out(s) * sizeof(float));
	for (l = s->nlayers - 1; l >= 0; l--) {
		int ni = s->width[l], no = s->width[l + 1];
		const float *W = params + s->off[l];
		float *gW = grads + s->off[l], *gb = gW + (size_t)ni * no;
		const float *x = l ? c->a[l - 1] : c->in;

		if (s->act[l] != NN_ACT_IDENTITY)
			activate_grad(d, c->a[l], (size_t)rows * no, s->act[l]);
		/* gW += x^T d;  gb += column sums of d */
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ni, no, rows, 1.0f, x, ni, d, no,
			    1.0f, gW, no);
		add_colsums(gb, d, rows, no);
		/* dx = d W^T */
		if (l > 0) {
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, ni, no, 1.0f, d, no,
				    W, no, 0.0f, dn, ni);
			tmp = d;
			d = dn;
			dn = tmp;
		} else if (din) {
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, ni, no, 1.0f, d, no,
				    W, no, din_accumulate ? 1.0f : 0.0f, din, ni);
		}
	}
}

/* One dense layer for one sample: z = act(b + sum_i x_i W[i, :]), summed in
 * order of i for every output, so both versions give the same bits. Outputs
 * are taken 64 (AVX2 only), 32, 16 and 8 at a time in 8, 4, 2 and 1 vector
 * accumulators (written out: GCC -O2 keeps an array of vectors in memory),
 * then one at a time. A single output (the last layer) is a dot product in 8
 * lanes, added up lane by lane at the end. Activations by a sign mask, not a
 * branch (random signs mispredict). */
#define ACC_LOAD(k) nn_v8 a##k = *(const nn_v8 *)(b + j + 8 * k)
#define ACC_MAC(k) a##k += xi * *(const nn_v8 *)(w + 8 * k)
#define ACC_STORE(k)                                 \
	do {                                         \
		act_v8(&a##k, act);                  \
		*(nn_v8 *)(z + j + 8 * k) = a##k;    \
	} while (0)
#define REPEAT1(M) M(0)
#define REPEAT2(M) M(0); M(1)
#define REPEAT4(M) REPEAT2(M); M(2); M(3)
#define REPEAT8(M) REPEAT4(M); M(4); M(5); M(6); M(7)
#define OUT_BLOCK(NACC)                                                  \
	for (; j + 8 * (NACC) <= no; j += 8 * (NACC)) {                  \
		REPEAT##NACC(ACC_LOAD);                                  \
		for (i = 0; i < ni; i++) {                               \
			const float *w = W + (size_t)i * no + j;         \
			float xi = x[i];                                 \
                                                                         \
			REPEAT##NACC(ACC_MAC);                           \
		}                                                        \
		REPEAT##NACC(ACC_STORE);                                 \
	}

#define DENSE_ONE(NAME, WIDE)                                                           \
	static void NAME(const float *restrict x, int ni, int no, const float *restrict W, \
			 float *restrict z, enum nn_act act)                              \
	{                                                                                 \
		const float *b = W + (size_t)ni * no;                                     \
		const nn_v8 zero = { 0 };                                                 \
		int i, j = 0;                                                             \
                                                                                          \
		if (no == 1) {                                                            \
			nn_v8 acc = zero;                                                 \
			float a = 0.0f;                                                   \
                                                                                          \
			for (i = 0; i + 8 <= ni; i += 8)                                  \
				acc += *(const nn_v8 *)(x + i) * *(const nn_v8 *)(W + i); \
			for (j = 0; j < 8; j++)                                           \
				a += acc[j];                                              \
			for (; i < ni; i++)                                               \
				a += x[i] * W[i];                                         \
			a += b[0];                                                        \
			z[0] = act_one(a, act);                                           \
			return;                                                           \
		}                                                                         \
		if (WIDE)                                                                 \
			OUT_BLOCK(8)                                                      \
		OUT_BLOCK(4)                                                              \
		OUT_BLOCK(2)                                                              \
		OUT_BLOCK(1)                                                              \
		for (; j < no; j++) {                                                     \
			float a0 = b[j];                                                  \
                                                                                          \
			for (i = 0; i < ni; i++)                                          \
				a0 += x[i] * W[(size_t)i * no + j];                       \
			z[j] = act_one(a0, act);                                          \
		}                                                                         \
	}

/* (8 ymm accumulators for AVX2; SSE2 has 16 xmm registers, so 4 there) */
DENSE_ONE(dense_one_base, 0)
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2")))
DENSE_ONE(dense_one_avx2, 1)
#endif

static void dense_one(const float *x, int ni, int no, const float *W, float *z, enum nn_act act)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (__builtin_cpu_supports("avx2")) {
		dense_one_avx2(x, ni, no, W, z, act);
		return;
	}
#endif
	dense_one_base(x, ni, no, W, z, act);
}

void nn_forward_one(const struct nn_stack *s, const float *params, const float *in, float *out)
{
	float buf[2][NN_MAX_WIDTH];
	const float *x = in;
	int l;

	for (l = 0; l < s->nlayers; l++) {
		float *z = l + 1 == s->nlayers ? buf[1 - (l & 1)] : buf[l & 1];

		/* the last layer also writes to scratch: out may alias in */
		dense_one(x, s->width[l], s->width[l + 1], params + s->off[l], z,
			  s->act[l]);
		x = z;
	}
	memcpy(out, x, (size_t)nn_stack_out(s) * sizeof(float));
}

double nn_smooth_l1(const float *pred, const float *target, size_t n, float scale, float *grad)
{
	double sum = 0.0;
	size_t i;

	for (i = 0; i < n; i++) {
		float e = pred[i] - target[i], ae = fabsf(e);

		sum += ae < 1.0f ? 0.5 * (double)e * e : (double)ae - 0.5;
		if (grad)
			grad[i] = scale * (ae < 1.0f ? e : (e > 0.0f ? 1.0f : -1.0f));
	}
	return scale * sum;
}

int nn_adam_init(struct nn_adam *a, size_t n, double lr, char *err)
{
	memset(a, 0, sizeof(*a));
	a->n = n;
	a->lr = lr;
	a->beta1 = 0.9;
	a->beta2 = 0.999;
	a->eps = 1e-8;
	if (!(a->m = xcalloc(n, sizeof(float), err)) || !(a->v = xcalloc(n, sizeof(float), err))) {
		nn_adam_release(a);
		return -1;
	}
	return 0;
}

void nn_adam_release(struct nn_adam *a)
{
	if (!a)
		return;
	free(a->m);
	free(a->v);
	a->m = a->v = NULL;
}

/* The Adam update of p[i0..n-1] with the step's constants; every path below
 * does the same IEEE operations in the same order, so all give the same bits:
 *   m = b1 m + c1 g;  v = b2 v + (c2 g) g;  p = p - step (m / (sqrt(v) / bc2s + eps)) */
struct adam_k {
	float b1, b2, c1, c2, step, bc2s, eps;
};

static void adam_scalar(const struct adam_k *k, size_t i, size_t n, float *p, const float *g,
			float *m, float *v)
{
	for (; i < n; i++) {
		float den;

		m[i] = k->b1 * m[i] + k->c1 * g[i];
		v[i] = k->b2 * v[i] + k->c2 * g[i] * g[i];
		den = sqrtf(v[i]) / k->bc2s + k->eps;
		p[i] = p[i] - k->step * (m[i] / den);
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
/* (sqrtf is not vectorised without -fno-math-errno, hence intrinsics) */
__attribute__((target("avx")))
static size_t adam_avx(const struct adam_k *k, size_t n, float *p, const float *g, float *m,
		       float *v)
{
	const __m256 B1 = _mm256_set1_ps(k->b1), B2 = _mm256_set1_ps(k->b2);
	const __m256 C1 = _mm256_set1_ps(k->c1), C2 = _mm256_set1_ps(k->c2);
	const __m256 STEP = _mm256_set1_ps(k->step), BC2S = _mm256_set1_ps(k->bc2s);
	const __m256 EPS = _mm256_set1_ps(k->eps);
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		__m256 gi = _mm256_loadu_ps(g + i);
		__m256 mi = _mm256_add_ps(_mm256_mul_ps(B1, _mm256_loadu_ps(m + i)),
					  _mm256_mul_ps(C1, gi));
		__m256 vi = _mm256_add_ps(_mm256_mul_ps(B2, _mm256_loadu_ps(v + i)),
					  _mm256_mul_ps(_mm256_mul_ps(C2, gi), gi));
		__m256 den = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), BC2S), EPS);

		_mm256_storeu_ps(m + i, mi);
		_mm256_storeu_ps(v + i, vi);
		_mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i),
						      _mm256_mul_ps(STEP, _mm256_div_ps(mi, den))));
	}
	return i;
}

static size_t adam_sse2(const struct adam_k *k, size_t n, float *p, const float *g, float *m,
			float *v)
{
	const __m128 B1 = _mm_set1_ps(k->b1), B2 = _mm_set1_ps(k->b2), C1 = _mm_set1_ps(k->c1);
	const __m128 C2 = _mm_set1_ps(k->c2), STEP = _mm_set1_ps(k->step);
	const __m128 BC2S = _mm_set1_ps(k->bc2s), EPS = _mm_set1_ps(k->eps);
	size_t i;

	for (i = 0; i + 4 <= n; i += 4) {
		__m128 gi = _mm_loadu_ps(g + i);
		__m128 mi = _mm_add_ps(_mm_mul_ps(B1, _mm_loadu_ps(m + i)), _mm_mul_ps(C1, gi));
		__m128 vi = _mm_add_ps(_mm_mul_ps(B2, _mm_loadu_ps(v + i)),
				       _mm_mul_ps(_mm_mul_ps(C2, gi), gi));
		__m128 den = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(vi), BC2S), EPS);

		_mm_storeu_ps(m + i, mi);
		_mm_storeu_ps(v + i, vi);
		_mm_storeu_ps(p + i, _mm_sub_ps(_mm_loadu_ps(p + i),
						_mm_mul_ps(STEP, _mm_div_ps(mi, den))));
	}
	return i;
}
#endif

void nn_adam_step(struct nn_adam *a, float *p, const float *g)
{
	struct adam_k k;
	double bc1, bc2;
	size_t i = 0;

	a->t++;
	bc1 = 1.0 - pow(a->beta1, (double)a->t);
	bc2 = 1.0 - pow(a->beta2, (double)a->t);
	k.b1 = (float)a->beta1;
	k.b2 = (float)a->beta2;
	k.c1 = (float)(1.0 - a->beta1);
	k.c2 = (float)(1.0 - a->beta2);
	k.step = (float)(a->lr / bc1);
	k.bc2s = (float)sqrt(bc2);
	k.eps = (float)a->eps;
#if defined(__x86_64__) && defined(__GNUC__)
	if (__builtin_cpu_supports("avx"))
		i = adam_avx(&k, a->n, p, g, a->m, a->v);
	else
		i = adam_sse2(&k, a->n, p, g, a->m, a->v);
#endif
	adam_scalar(&k, i, a->n, p, g, a->m, a->v);
}

void nn_shuffle(size_t *idx, size_t n, struct rng *r)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = (size_t)rng_range(r, 0, (int64_t)i - 1), t = idx[i - 1];

		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

int nn_floats(const double *src, size_t n, int d, const char *what, float **dst, char *err)
{
	size_t i, count = n * (size_t)d;
	float *f;

	*dst = NULL;
	for (i = 0; i < count; i++)
		if (!isfinite(src[i]) || fabs(src[i]) > 3e38)
			return err_set(err, "%s row %zu column %zu is not a finite float (%g)", what,
				       i / d, i % d, src[i]);
	if (!(f = xcalloc(count, sizeof(float), err)))
		return -1;
	for (i = 0; i < count; i++)
		f[i] = (float)src[i];
	*dst = f;
	return 0;
}

void nn_gather(const float *X, int d, const size_t *idx, int rows, float *out)
{
	int r;

	for (r = 0; r < rows; r++)
		memcpy(out + (size_t)r * d, X + idx[r] * d, (size_t)d * sizeof(float));
}

/* ---- training ---- */

int nn_train_check(const struct nn_train_params *p, size_t n, int d, char *err)
{
	if (n < 1)
		return err_set(err, "%s: no training rows", p->who);
	if (d < 1 || d > NN_MAX_WIDTH)
		return err_set(err, "%s: %d features, expected 1 to %d", p->who, d, NN_MAX_WIDTH);
	if (p->epochs < 1)
		return err_set(err, "%s: epochs %d, expected at least 1", p->who, p->epochs);
	if (p->batch < 1)
		return err_set(err, "%s: batch size %d, expected at least 1", p->who, p->batch);
	if (!(p->lr > 0.0) || !isfinite(p->lr))
		return err_set(err, "%s: learning rate %g, expected a positive number", p->who,
			       p->lr);
	return 0;
}

int nn_train_batch(const struct nn_train_params *p, size_t n)
{
	return (size_t)p->batch < n ? p->batch : (int)n;
}

/* Early stopping's score of params on p->valid: the predictions within 20%
 * of the latency into *hits, their mean absolute error of the target into
 * *mae. pred holds valid.n doubles. */
static int valid_score(const struct nn_train_params *p, const float *params, double *pred,
		       size_t *hits, double *mae, char *err)
{
	const struct nn_valid *v = &p->valid;
	double sum = 0.0;
	size_t i;

	if (nn_predict(p->chain, p->nchain, params, v->X, v->n, pred, err) < 0)
		return -1;
	*hits = 0;
	for (i = 0; i < v->n; i++) {
		double e = pred[i] - v->y[i];
		double ratio = v->target_log ? exp(e) : pred[i] / v->y[i];

		*hits += fabs(ratio - 1.0) <= 0.2;
		sum += fabs(e);
	}
	*mae = sum / (double)v->n;
	if (!isfinite(*mae))
		*mae = INFINITY;
	return 0;
}

int nn_train(const double *X, const double *y, size_t n, int d, float *params, size_t nparams,
	     const struct nn_train_params *p, nn_loss_grad_fn *loss_grad, void *ctx,
	     int *best_epoch, char *err)
{
	double *vpred = NULL, best_mae = INFINITY;
	float *best = NULL;
	size_t best_hits = 0;
	int have_best = 0;

	struct nn_adam adam = { 0 };
	struct rng shuffle;
	char xwhat[64], ywhat[64];
	float *Xf = NULL, *yf = NULL, *grads = NULL, *xb = NULL, *yb = NULL;
	size_t *idx = NULL, i, start;
	int batch, epoch, r, threads = -1, ret = -1;

	if (nn_train_check(p, n, d, err) < 0)
		return -1;
	batch = nn_train_batch(p, n);
	snprintf(xwhat, sizeof(xwhat), "%s: X", p->who);
	snprintf(ywhat, sizeof(ywhat), "%s: y", p->who);
	if (nn_floats(X, n, d, xwhat, &Xf, err) < 0 || nn_floats(y, n, 1, ywhat, &yf, err) < 0 ||
	    !(grads = xcalloc(nparams, sizeof(float), err)) ||
	    !(xb = xcalloc((size_t)batch * d, sizeof(float), err)) ||
	    !(yb = xcalloc((size_t)batch, sizeof(float), err)) ||
	    !(idx = xcalloc(n, sizeof(size_t), err)) ||
	    nn_adam_init(&adam, nparams, p->lr, err) < 0)
		goto out;
	if (p->valid.n) {
		assert(p->nchain >= 1 && p->nchain <= NN_MAX_CHAIN);
		if (!(vpred = xcalloc(p->valid.n, sizeof(double), err)) ||
		    !(best = xcalloc(nparams, sizeof(float), err)))
			goto out;
	}
	if (best_epoch)
		*best_epoch = p->epochs;

	threads = nn_blas_threads(1); /* the same bits on any core count; see nn.h */
	rng_init(&shuffle, p->seed, 1);
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (epoch = 1; epoch <= p->epochs; epoch++) {
		double loss_sum = 0.0;

		if (p->cosine)
			adam.lr = p->lr * 0.5 * (1.0 + cos(M_PI * (epoch - 1) / p->epochs));
		nn_shuffle(idx, n, &shuffle);
		for (start = 0; start < n; start += (size_t)batch) {
			int rows = n - start < (size_t)batch ? (int)(n - start) : batch;

			nn_gather(Xf, d, idx + start, rows, xb);
			for (r = 0; r < rows; r++)
				yb[r] = yf[idx[start + r]];
			loss_sum += rows * loss_grad(ctx, xb, yb, rows, grads);
			nn_adam_step(&adam, params, grads);
		}
		if (!isfinite(loss_sum)) {
			err_set(err, "%s: training diverged (loss not finite) at epoch %d", p->who,
				epoch);
			goto out;
		}
		if (p->progress && p->progress(p->progress_ctx, epoch, loss_sum / n)) {
			err_set(err, "%s: fit stopped at epoch %d", p->who, epoch);
			goto out;
		}
		if (p->valid.n) {
			size_t hits;
			double mae;

			if (valid_score(p, params, vpred, &hits, &mae, err) < 0)
				goto out;
			if (!have_best || hits > best_hits || (hits == best_hits && mae < best_mae)) {
				memcpy(best, params, nparams * sizeof(float));
				best_hits = hits;
				best_mae = mae;
				have_best = 1;
				if (best_epoch)
					*best_epoch = epoch;
			}
		}
	}
	if (have_best)
		memcpy(params, best, nparams * sizeof(float));
	ret = 0;
out:
	free(vpred);
	free(best);
	if (threads > 0)
		nn_blas_threads(threads);
	nn_adam_release(&adam);
	free(Xf);
	free(yf);
	free(grads);
	free(xb);
	free(yb);
	free(idx);
	return ret;
}

/* ---- prediction ---- */

double nn_predict_one(const struct nn_stack *const *s, int nstacks, const float *params,
		      const double *x)
{
	float buf[NN_MAX_WIDTH];
	int j;

	assert(nstacks >= 1 && nstacks <= NN_MAX_CHAIN);
	for (j = 0; j < s[0]->width[0]; j++)
		buf[j] = (float)x[j];
	for (j = 0; j < nstacks; j++)
		nn_forward_one(s[j], params, buf, buf);
	return buf[0];
}

#define PREDICT_CHUNK 256

int nn_predict(const struct nn_stack *const *s, int nstacks, const float *params,
	       const double *X, size_t n, double *out, char *err)
{
	struct nn_cache c[NN_MAX_CHAIN] = { { 0 } };
	int d = s[0]->width[0], rows, threads, j, ret = -1;
	float *xb;
	size_t start, k;

	assert(nstacks >= 1 && nstacks <= NN_MAX_CHAIN);
	if (!n)
		return 0;
	rows = n < PREDICT_CHUNK ? (int)n : PREDICT_CHUNK;
	if (!(xb = xcalloc((size_t)rows * d, sizeof(float), err)))
		return -1;
	for (j = 0; j < nstacks; j++)
		if (nn_cache_init(&c[j], s[j], rows, err) < 0)
			goto out;
	threads = nn_blas_threads(1); /* the same bits on any core count; see nn.h */
	for (start = 0; start < n; start += PREDICT_CHUNK) {
		size_t count = n - start < PREDICT_CHUNK ? n - start : PREDICT_CHUNK;
		const double *src = X + start * d;
		const float *a = xb;

		for (k = 0; k < count * d; k++)
			xb[k] = (float)src[k];
		for (j = 0; j < nstacks; j++)
			a = nn_forward(s[j], params, &c[j], a, (int)count);
		for (k = 0; k < count; k++)
			out[start + k] = a[k];
	}
	nn_blas_threads(threads);
	ret = 0;
out:
	for (j = 0; j < nstacks; j++)
		nn_cache_release(&c[j]);
	free(xb);
	return ret;
}

/* ---- export / import ---- */

static void layer_name(char *buf, size_t len, const char *prefix, int l, const char *what)
{
	snprintf(buf, len, "%s.%d.%s", prefix, l, what);
}

int nn_export_stack(const struct nn_stack *s, const float *params, const char *prefix,
		    struct param_set *ps, char *err)
{
	char name[256];
	double *buf;
	size_t most = 0;
	int l, i, j;

	for (l = 0; l < s->nlayers; l++)
		if ((size_t)s->width[l] * s->width[l + 1] > most)
			most = (size_t)s->width[l] * s->width[l + 1];
	if (!(buf = xcalloc(most, sizeof(double), err)))
		return -1;
	for (l = 0; l < s->nlayers; l++) {
		int ni = s->width[l], no = s->width[l + 1];
		const float *W = params + s->off[l], *b = W + (size_t)ni * no;

		for (j = 0; j < no; j++)
			for (i = 0; i < ni; i++)
				buf[(size_t)j * ni + i] = W[(size_t)i * no + j];
		layer_name(name, sizeof(name), prefix, l, "weight");
		if (param_set_add(ps, name, PARAM_F64, 2, (size_t)no, (size_t)ni, buf, err) < 0)
			goto fail;
		for (j = 0; j < no; j++)
			buf[j] = b[j];
		layer_name(name, sizeof(name), prefix, l, "bias");
		if (param_set_add(ps, name, PARAM_F64, 1, (size_t)no, 1, buf, err) < 0)
			goto fail;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

int nn_import_widths(const struct param_set *ps, const char *prefix, int *widths, char *err)
{
	char wname[256], bname[256];
	int l;

	for (l = 0;; l++) {
		const struct param_entry *w, *b;

		layer_name(wname, sizeof(wname), prefix, l, "weight");
		layer_name(bname, sizeof(bname), prefix, l, "bias");
		w = param_set_find(ps, wname);
		b = param_set_find(ps, bname);
		if (!w && !b)
			break;
		if (l == NN_MAX_LAYERS)
			return err_set(err, "'%s' has more than %d layers", prefix, NN_MAX_LAYERS);
		if (!w || !b)
			return err_set(err, "'%s' is missing", w ? bname : wname);
		if (w->type != PARAM_F64 || b->type != PARAM_F64 || w->rank != 2 || b->rank != 1 ||
		    b->shape[0] != w->shape[0])
			return err_set(err, "'%s' and '%s' are not float64 arrays of shapes (out, in) "
				       "and (out)", wname, bname);
		if (w->shape[0] < 1 || w->shape[0] > NN_MAX_WIDTH || w->shape[1] < 1 ||
		    w->shape[1] > NN_MAX_WIDTH)
			return err_set(err, "'%s' has shape (%zu, %zu), expected sizes in [1, %d]",
				       wname, w->shape[0], w->shape[1], NN_MAX_WIDTH);
		if (l > 0 && (int)w->shape[1] != widths[l])
			return err_set(err, "'%s' takes %zu inputs, expected %d (the outputs of "
				       "layer %d)", wname, w->shape[1], widths[l], l - 1);
		widths[l] = (int)w->shape[1];
		widths[l + 1] = (int)w->shape[0];
	}
	return l;
}

/* v as a float, or -1 if it is not a finite float */
static int to_float(double v, float *f)
{
	if (!isfinite(v) || fabs(v) > 3.4e38)
		return -1;
	*f = (float)v;
	return 0;
}

int nn_import_stack(const struct nn_stack *s, float *params, const char *prefix,
		    const struct param_set *ps, char *err)
{
	char wname[256], bname[256];
	int l, i, j;

	for (l = 0; l < s->nlayers; l++) {
		int ni = s->width[l], no = s->width[l + 1];
		const double *w, *b;
		size_t wr, wc, br;
		float *W = params + s->off[l];

		layer_name(wname, sizeof(wname), prefix, l, "weight");
		layer_name(bname, sizeof(bname), prefix, l, "bias");
		if (param_set_get(ps, wname, PARAM_F64, 2, &wr, &wc, (const void **)&w, err) < 0 ||
		    param_set_get(ps, bname, PARAM_F64, 1, &br, NULL, (const void **)&b, err) < 0)
			return -1;
		if (wr != (size_t)no || wc != (size_t)ni || br != (size_t)no)
			return err_set(err, "'%s' is (%zu, %zu) and '%s' (%zu), expected (%d, %d) "
				       "and (%d)", wname, wr, wc, bname, br, no, ni, no);
		for (j = 0; j < no; j++)
			for (i = 0; i < ni; i++)
				if (to_float(w[(size_t)j * ni + i], &W[(size_t)i * no + j]) < 0)
					return err_set(err, "'%s' [%d, %d] is not a finite float",
						       wname, j, i);
		for (j = 0; j < no; j++)
			if (to_float(b[j], &W[(size_t)ni * no + j]) < 0)
				return err_set(err, "'%s' [%d] is not a finite float", bname, j);
	}
	return 0;
}
