/* Tests of the oneDNN backend: every module's output against a naive
 * reference computed here in double precision from the same (plain-layout)
 * inputs, within 1e-4 relative to max(1, |reference|). */
#include "backend_onednn.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "unit.h"

#define TOL 1e-4

/* One opened context and one prepared, run instance. */
struct fixture {
	void *ctx, *inst;
	struct onednn_buffers b;
	char err[ERR_LEN];
};

static struct module_shape shape(enum module_kind kind, long n, long cin, long cout, long hw,
				 long k, long s)
{
	struct module_shape m = { kind, n, cin, cout, hw, k, s };

	return m;
}

/* Opens, prepares and runs m; returns 0, or -1 with the message in f->err. */
static int fixture_run(struct fixture *f, const struct module_shape *m, int threads, int fuse)
{
	struct backend_settings s = { threads, fuse, 42, 0 };

	memset(f, 0, sizeof(*f));
	if (backend_onednn.open(&f->ctx, &s, f->err) ||
	    backend_onednn.prepare(f->ctx, m, &f->inst, f->err) ||
	    backend_onednn.run(f->inst, f->err) || backend_onednn_buffers(f->inst, &f->b, f->err))
		return -1;
	return 0;
}

static void fixture_done(struct fixture *f)
{
	backend_onednn.release(f->inst);
	backend_onednn.close(f->ctx);
	f->inst = f->ctx = NULL;
}

static size_t out_count(const struct module_shape *m)
{
	return (size_t)module_out_size(m);
}

/* Number of elements where got and want differ by more than TOL*max(1,|want|). */
static size_t mismatches(const float *got, const double *want, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (!(fabs((double)got[i] - want[i]) <= TOL * fmax(1.0, fabs(want[i]))))
			bad++;
	return bad;
}

/* y (N, C_o, Lo, Lo) = conv(x (N, C_i, L, L), w (C_o, C_i, K, K)) + b,
 * zero padding P = K/2 on each side, stride S */
static void naive_conv(const struct module_shape *m, const float *x, const float *w,
		       const float *b, double *y)
{
	long lo = module_out_hw(m), p = module_padding(m), L = m->hw, K = m->kernel;
	long n, co, ci, oh, ow, kh, kw;

	for (n = 0; n < m->batch; n++)
		for (co = 0; co < m->cout; co++)
			for (oh = 0; oh < lo; oh++)
				for (ow = 0; ow < lo; ow++) {
					double acc = b[co];

					for (ci = 0; ci < m->cin; ci++)
						for (kh = 0; kh < K; kh++)
							for (kw = 0; kw < K; kw++) {
								long ih = oh * m->stride - p + kh;
								long iw = ow * m->stride - p + kw;

								if (ih < 0 || ih >= L || iw < 0 || iw >= L)
									continue;
								acc += (double)x[((n * m->cin + ci) * L + ih) * L + iw] *
								       w[((co * m->cin + ci) * K + kh) * K + kw];
							}
					y[((n * m->cout + co) * lo + oh) * lo + ow] = acc;
				}
}

/* In place on y (N, C, HW): (y - mean) / sqrt(var + eps) * scale + shift */
static void naive_bn(const struct onednn_buffers *b, long n, long c, long hw, double *y)
{
	long i, j, k;

	for (i = 0; i < n; i++)
		for (j = 0; j < c; j++)
			for (k = 0; k < hw; k++) {
				double *v = &y[(i * c + j) * hw + k];

				*v = (*v - b->bn_mean[j]) / sqrt((double)b->bn_var[j] + b->bn_epsilon) *
					     b->bn_scale[j] +
				     b->bn_shift[j];
			}
}

static void naive_pool(const struct module_shape *m, const float *x, double *y)
{
	long lo = module_out_hw(m), L = m->hw, K = m->kernel;
	long n, c, oh, ow, kh, kw;

	for (n = 0; n < m->batch; n++)
		for (c = 0; c < m->cin; c++)
			for (oh = 0; oh < lo; oh++)
				for (ow = 0; ow < lo; ow++) {
					double acc = m->kind == MODULE_MAXPOOL ? -INFINITY : 0.0;

					for (kh = 0; kh < K; kh++)
						for (kw = 0; kw < K; kw++) {
							double v = x[((n * m->cin + c) * L + oh * m->stride + kh) * L +
								     ow * m->stride + kw];

							acc = m->kind == MODULE_MAXPOOL ? fmax(acc, v) : acc + v;
						}
					if (m->kind == MODULE_AVGPOOL)
						acc /= (double)(K * K);
					y[((n * m->cin + c) * lo + oh) * lo + ow] = acc;
				}
}

/* Runs conv or conv-bn and checks it against the reference. */
static void check_conv(const struct module_shape *m)
{
	struct fixture f;
	size_t n = out_count(m);
	double *want = calloc(n, sizeof(*want));
	long lo = module_out_hw(m);

	CU_ASSERT_FATAL(want != NULL);
	CU_ASSERT_EQUAL_FATAL(fixture_run(&f, m, 2, 0), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.b.weights);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.b.bias);
	naive_conv(m, f.b.input, f.b.weights, f.b.bias, want);
	if (module_has_bn(m->kind))
		naive_bn(&f.b, m->batch, m->cout, lo * lo, want);
	CU_ASSERT_EQUAL(mismatches(f.b.output, want, n), 0);
	/* an all-zero output would mean nothing ran */
	CU_ASSERT(fabs(f.b.output[n / 2]) > 0 || fabs(f.b.output[n / 3]) > 0);
	free(want);
	fixture_done(&f);
}

static void test_conv_matches_naive(void)
{
	check_conv(&(struct module_shape){ MODULE_CONV, 2, 3, 5, 7, 3, 2 });
	check_conv(&(struct module_shape){ MODULE_CONV, 1, 4, 3, 6, 1, 1 });
	check_conv(&(struct module_shape){ MODULE_CONV, 2, 2, 4, 5, 5, 1 });
	check_conv(&(struct module_shape){ MODULE_CONV, 1, 3, 2, 9, 7, 4 });
	/* channel counts oneDNN stores blocked: src, weights and dst reordered */
	check_conv(&(struct module_shape){ MODULE_CONV, 2, 16, 24, 9, 3, 1 });
	check_conv(&(struct module_shape){ MODULE_CONV, 1, 32, 8, 8, 3, 2 });
}

static void test_conv_bn_matches_naive(void)
{
	check_conv(&(struct module_shape){ MODULE_CONV_BN, 2, 3, 5, 7, 3, 1 });
	check_conv(&(struct module_shape){ MODULE_CONV_BN, 2, 16, 32, 8, 3, 2 });
}

static void test_bn_matches_formula(void)
{
	struct module_shape m = shape(MODULE_BN, 3, 5, 0, 4, 0, 0);
	struct fixture f;
	size_t i, n = out_count(&m);
	double want[3 * 5 * 4 * 4];
	int negative = 0;

	CU_ASSERT_EQUAL_FATAL(n, sizeof(want) / sizeof(want[0]));
	CU_ASSERT_EQUAL_FATAL(fixture_run(&f, &m, 2, 0), 0);
	CU_ASSERT_PTR_NULL(f.b.weights);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.b.bn_var);
	CU_ASSERT(f.b.bn_epsilon > 0);
	for (i = 0; i < (size_t)m.cin; i++)
		CU_ASSERT(f.b.bn_var[i] > 0);
	for (i = 0; i < n; i++)
		want[i] = f.b.input[i];
	naive_bn(&f.b, m.batch, m.cin, m.hw * m.hw, want);
	CU_ASSERT_EQUAL(mismatches(f.b.output, want, n), 0);
	for (i = 0; i < n; i++)
		negative += f.b.output[i] < 0;
	CU_ASSERT(negative > 0); /* so bn-relu's check below means something */
	fixture_done(&f);
}

static void test_linear_matches_matmul(void)
{
	static const long shapes[][3] = { { 3, 20, 7 }, { 8, 64, 32 }, { 1, 5, 1 } };
	size_t t;

	for (t = 0; t < sizeof(shapes) / sizeof(shapes[0]); t++) {
		struct module_shape m = shape(MODULE_LINEAR, shapes[t][0], shapes[t][1], shapes[t][2], 0,
					      0, 0);
		struct fixture f;
		double want[8 * 32];
		long i, o, k;

		CU_ASSERT_EQUAL_FATAL(out_count(&m), (size_t)(m.batch * m.cout));
		CU_ASSERT_EQUAL_FATAL(fixture_run(&f, &m, 2, 0), 0);
		for (i = 0; i < m.batch; i++)
			for (o = 0; o < m.cout; o++) {
				double acc = f.b.bias[o];

				for (k = 0; k < m.cin; k++)
					acc += (double)f.b.input[i * m.cin + k] * f.b.weights[o * m.cin + k];
				want[i * m.cout + o] = acc;
			}
		CU_ASSERT_EQUAL(mismatches(f.b.output, want, out_count(&m)), 0);
		fixture_done(&f);
	}
}

static void check_pool(const struct module_shape *m)
{
	struct fixture f;
	size_t n = out_count(m);
	double *want = calloc(n, sizeof(*want));

	CU_ASSERT_FATAL(want != NULL);
	CU_ASSERT_EQUAL_FATAL(fixture_run(&f, m, 2, 0), 0);
	CU_ASSERT_PTR_NULL(f.b.weights);
	naive_pool(m, f.b.input, want);
	CU_ASSERT_EQUAL(mismatches(f.b.output, want, n), 0);
	free(want);
	fixture_done(&f);
}

static void test_pools_match_naive(void)
{
	enum module_kind k;

	for (k = MODULE_MAXPOOL; k <= MODULE_AVGPOOL; k++) {
		check_pool(&(struct module_shape){ k, 2, 3, 0, 7, 3, 2 });
		check_pool(&(struct module_shape){ k, 1, 16, 0, 8, 2, 2 });
		check_pool(&(struct module_shape){ k, 2, 4, 0, 13, 5, 4 });
		check_pool(&(struct module_shape){ k, 1, 2, 0, 7, 7, 1 }); /* global */
		check_pool(&(struct module_shape){ k, 1, 3, 0, 5, 1, 1 }); /* identity */
	}
}

/* conv-relu, bn-relu and conv-bn-relu: fused and unfused give the same
 * output, which is relu of the module without relu. */
static void test_relu_fused_matches_unfused(void)
{
	static const struct {
		enum module_kind relu, plain;
	} pairs[] = {
		{ MODULE_CONV_RELU, MODULE_CONV },
		{ MODULE_BN_RELU, MODULE_BN },
		{ MODULE_CONV_BN_RELU, MODULE_CONV_BN },
	};
	size_t t, i;

	for (t = 0; t < sizeof(pairs) / sizeof(pairs[0]); t++) {
		struct module_shape m = shape(pairs[t].relu, 2, 16, 8, 6, 3, 1);
		struct module_shape p = m;
		struct fixture fused, unfused, plain;
		size_t n, negative = 0, zero = 0, differ = 0, not_relu = 0;

		if (m.kind == MODULE_BN_RELU) {
			m.cout = m.kernel = m.stride = 0;
			p = m;
		}
		p.kind = pairs[t].plain;
		n = out_count(&m);
		CU_ASSERT_EQUAL_FATAL(fixture_run(&fused, &m, 2, 1), 0);
		CU_ASSERT_EQUAL_FATAL(fixture_run(&unfused, &m, 2, 0), 0);
		CU_ASSERT_EQUAL_FATAL(fixture_run(&plain, &p, 2, 0), 0);
		/* fused: no separate relu primitive */
		i = (size_t)(module_has_conv(m.kind) + module_has_bn(m.kind));
		CU_ASSERT_PTR_NULL(fused.b.impl[i]);
		CU_ASSERT_PTR_NOT_NULL(unfused.b.impl[i]);
		for (i = 0; i < n; i++) {
			float want = fmaxf(plain.b.output[i], 0.0f);

			negative += fused.b.output[i] < 0 || unfused.b.output[i] < 0;
			zero += fused.b.output[i] == 0;
			differ += !(fabs(fused.b.output[i] - unfused.b.output[i]) <= 1e-5);
			not_relu += !(fabs(unfused.b.output[i] - want) <= 1e-5);
		}
		CU_ASSERT_EQUAL(negative, 0);
		CU_ASSERT(zero > 0 && zero < n);
		CU_ASSERT_EQUAL(differ, 0);
		CU_ASSERT_EQUAL(not_relu, 0);
		fixture_done(&fused);
		fixture_done(&unfused);
		fixture_done(&plain);
	}
}

/* Every module builds and runs; a second run gives the same output (runs do
 * not modify their inputs). */
static void test_all_modules_run(void)
{
	enum module_kind k;

	for (k = 0; k < MODULE_COUNT; k++) {
		struct module_shape m = shape(k, 2, 8, 4, 6, 3, 1);
		struct fixture f;
		float *first;
		size_t i, n, same = 0, finite = 0;

		if (!(module_params(k) & PARAM_COUT))
			m.cout = 0;
		if (!(module_params(k) & PARAM_HW))
			m.hw = 0;
		if (!(module_params(k) & PARAM_KERNEL))
			m.kernel = m.stride = 0;
		n = out_count(&m);
		CU_ASSERT_FATAL(n > 0);
		if (fixture_run(&f, &m, 2, 0)) {
			CU_FAIL(f.err);
			fixture_done(&f);
			continue;
		}
		CU_ASSERT_PTR_NOT_NULL(f.b.impl[0]);
		CU_ASSERT_EQUAL(f.b.weights != NULL, module_has_conv(k) || k == MODULE_LINEAR);
		CU_ASSERT_EQUAL(f.b.bn_mean != NULL, module_has_bn(k));
		first = malloc(n * sizeof(*first));
		CU_ASSERT_FATAL(first != NULL);
		memcpy(first, f.b.output, n * sizeof(*first));
		CU_ASSERT_EQUAL(backend_onednn.run(f.inst, f.err), 0);
		CU_ASSERT_EQUAL(backend_onednn_buffers(f.inst, &f.b, f.err), 0);
		for (i = 0; i < n; i++) {
			same += first[i] == f.b.output[i];
			finite += isfinite(first[i]);
		}
		CU_ASSERT_EQUAL(same, n);
		CU_ASSERT_EQUAL(finite, n);
		free(first);
		fixture_done(&f);
	}
}

static void check_refused(struct module_shape m, const char *expect)
{
	struct fixture f;
	int rc = fixture_run(&f, &m, 1, 0);

	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_PTR_NULL(f.inst);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.err, expect));
	CU_ASSERT_PTR_NOT_NULL(strstr(f.err, module_name(m.kind)));
	fixture_done(&f);
}

static void test_bad_shapes_refused(void)
{
	check_refused(shape(MODULE_MAXPOOL, 1, 3, 0, 7, 9, 1), "kernel 9");
	check_refused(shape(MODULE_AVGPOOL, 1, 3, 0, 4, 5, 2), "kernel 5");
	/* (a conv's K/2 padding makes every odd kernel fit) */
	check_refused(shape(MODULE_CONV, 1, 3, 4, 0, 3, 1), "hw");
	check_refused(shape(MODULE_CONV, 0, 3, 4, 8, 3, 1), "batch");
	check_refused(shape(MODULE_LINEAR, 2, 3, 0, 0, 0, 0), "cout");
	check_refused(shape(MODULE_CONV, 1, 3, 4, 8, 3, 0), "stride");
	/* 2^15 x 512 x 512 x 512 floats: 16 TiB, more than any machine here */
	check_refused(shape(MODULE_BN, 32768, 512, 0, 512, 0, 0), "memory");
}

static void test_threads(void)
{
	struct module_shape m = shape(MODULE_CONV_BN_RELU, 4, 16, 16, 14, 3, 1);
	struct backend_settings bad = { 0, 0, 1, 0 };
	struct fixture one, two;
	char err[ERR_LEN] = "";
	void *ctx = (void *)1;
	size_t i, n = out_count(&m), differ = 0;

	CU_ASSERT_EQUAL(backend_onednn.open(&ctx, &bad, err), -1);
	CU_ASSERT_PTR_NULL(ctx);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "threads"));

	CU_ASSERT_EQUAL_FATAL(fixture_run(&one, &m, 1, 0), 0);
	CU_ASSERT_EQUAL(omp_get_max_threads(), 1);
	CU_ASSERT_EQUAL_FATAL(fixture_run(&two, &m, 2, 0), 0);
	CU_ASSERT_EQUAL(omp_get_max_threads(), 2);
	/* each run sets its own context's count */
	CU_ASSERT_EQUAL(backend_onednn.run(one.inst, one.err), 0);
	CU_ASSERT_EQUAL(omp_get_max_threads(), 1);
	CU_ASSERT_EQUAL(backend_onednn_buffers(one.inst, &one.b, one.err), 0);
	for (i = 0; i < n; i++)
		differ += !(fabs(one.b.output[i] - two.b.output[i]) <= 1e-5);
	CU_ASSERT_EQUAL(differ, 0);
	fixture_done(&one);
	fixture_done(&two);
}

static void test_seed_and_version(void)
{
	struct module_shape m = shape(MODULE_LINEAR, 2, 4, 3, 0, 0, 0);
	struct backend_settings s = { 1, 0, 42, 0 };
	struct fixture f;
	void *ctx, *inst;
	char err[ERR_LEN];
	float first;

	CU_ASSERT_STRING_EQUAL(backend_onednn.name, "onednn");
	CU_ASSERT_PTR_EQUAL(backend_find("onednn"), &backend_onednn);
	CU_ASSERT_STRING_EQUAL(backend_onednn.version(), "2.6.3");
	CU_ASSERT_EQUAL_FATAL(fixture_run(&f, &m, 1, 0), 0);
	first = f.b.input[0];
	CU_ASSERT(first >= -1.0f && first < 1.0f && first != 0.0f);
	fixture_done(&f);
	CU_ASSERT_EQUAL_FATAL(fixture_run(&f, &m, 1, 0), 0);
	CU_ASSERT_EQUAL(f.b.input[0], first);
	fixture_done(&f);
	s.seed = 43;
	CU_ASSERT_EQUAL_FATAL(backend_onednn.open(&ctx, &s, err), 0);
	CU_ASSERT_EQUAL_FATAL(backend_onednn.prepare(ctx, &m, &inst, err), 0);
	CU_ASSERT_EQUAL(backend_onednn_buffers(inst, &f.b, err), 0);
	CU_ASSERT(f.b.input[0] != first);
	backend_onednn.release(inst);
	backend_onednn.close(ctx);
	backend_onednn.release(NULL);
	backend_onednn.close(NULL);
}

/* fill_once (bench's mode): one context measures many modules in a row,
 * reusing buffers as they are; outputs of one module must never reach the
 * next one's inputs, so every output stays finite and of the inputs' order
 * of magnitude however many modules come before it. */
static void test_fill_once_stays_bounded(void)
{
	static const enum module_kind kinds[] = { MODULE_CONV,	  MODULE_CONV_BN_RELU, MODULE_BN,
						  MODULE_LINEAR,  MODULE_MAXPOOL,      MODULE_AVGPOOL,
						  MODULE_CONV_BN, MODULE_BN_RELU };
	struct backend_settings s = { 2, 0, 7, 1 };
	struct onednn_buffers b;
	char err[ERR_LEN];
	void *ctx = NULL;
	int i, bad = 0;
	double worst = 0;

	CU_ASSERT_EQUAL_FATAL(backend_onednn.open(&ctx, &s, err), 0);
	for (i = 0; i < 64; i++) {
		enum module_kind k = kinds[i % 8];
		long c = 8 + 24 * (i % 5), hw = (i % 3) ? 28 : 14;
		struct module_shape m = shape(k, 1 + i % 4, c, 16 + 8 * (i % 7),
					      k == MODULE_LINEAR ? 0 : hw, 3, 1);
		void *inst = NULL;
		size_t j, n;

		if (k == MODULE_LINEAR)
			m.kernel = m.stride = 0;
		if (module_params(k) & PARAM_KERNEL && !module_has_conv(k))
			m.cout = 0;
		if (!module_has_conv(k) && k != MODULE_LINEAR && !(module_params(k) & PARAM_KERNEL))
			m.kernel = m.stride = m.cout = 0;
		CU_ASSERT_EQUAL_FATAL(backend_onednn.prepare(ctx, &m, &inst, err), 0);
		CU_ASSERT_EQUAL(backend_onednn.run(inst, err), 0);
		CU_ASSERT_EQUAL(backend_onednn.run(inst, err), 0);
		CU_ASSERT_EQUAL_FATAL(backend_onednn_buffers(inst, &b, err), 0);
		n = out_count(&m);
		for (j = 0; j < n; j++) {
			double v = fabs((double)b.output[j]);

			if (!isfinite(v))
				bad++;
			else if (v > worst)
				worst = v;
		}
		backend_onednn.release(inst);
	}
	backend_onednn.close(ctx);
	CU_ASSERT_EQUAL(bad, 0);
	/* inputs in [-1, 1), weights at most 1: a conv output is bounded by its
	 * fan-in (at most 104 * 9 + 1 here); a reused output would compound */
	CU_ASSERT(worst < 1000.0);
}

UNIT_SUITE("backend_onednn",
	   UNIT_TEST(test_fill_once_stays_bounded),
	   UNIT_TEST(test_conv_matches_naive),
	   UNIT_TEST(test_conv_bn_matches_naive),
	   UNIT_TEST(test_bn_matches_formula),
	   UNIT_TEST(test_linear_matches_matmul),
	   UNIT_TEST(test_pools_match_naive),
	   UNIT_TEST(test_relu_fused_matches_unfused),
	   UNIT_TEST(test_all_modules_run),
	   UNIT_TEST(test_bad_shapes_refused),
	   UNIT_TEST(test_threads),
	   UNIT_TEST(test_seed_and_version));
