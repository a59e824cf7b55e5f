/* netrun_onednn.c - a whole network on oneDNN 2.x (netrun.h).
 *
 * Each layer is a short list of primitives with their arguments; a layer's
 * output memory is the input of the layers that read it. Memory is allocated
 * by oneDNN; the scratchpads are oneDNN's own (library mode), allocated at
 * the first execution, which the caller's warm-up runs absorb. */
#include "netrun.h"

#include <dnnl.h>
#include <dnnl_debug.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "module.h"
#include "rng.h"
#include "util.h"

#define BN_EPSILON 1e-5f
#define MAX_STEPS 4 /* reorder, main, bn, relu */
#define MAX_ARGS (MODLAT_MAX_INPUTS + 4)

struct nstep {
	dnnl_primitive_t prim;
	int nargs;
	dnnl_exec_arg_t args[MAX_ARGS];
};

struct nlayer {
	struct nstep steps[MAX_STEPS];
	int nsteps;
	dnnl_memory_t out; /* its output (for flatten: the (N, C*L*L) view) */
	const char *impl;  /* the main primitive's implementation */
};

struct netrun {
	dnnl_engine_t engine;
	dnnl_stream_t stream;
	int threads, fuse_relu;
	uint64_t seed;
	uint64_t stream_no; /* next fill stream */
	long batch;
	dnnl_memory_t input;
	size_t n;
	struct nlayer *layers;
	/* everything to destroy */
	dnnl_memory_t *mems;
	dnnl_primitive_desc_t *pds;
	size_t nmems, npds, cap_mems, cap_pds;
	char label[64];
};

static int ck(const char *label, dnnl_status_t st, const char *call, char *err)
{
	if (st == dnnl_success)
		return 0;
	return err_set(err, "%s: %s failed: %s", label, call,
		       st == dnnl_unimplemented ? "no implementation for this shape"
						 : dnnl_status2str(st));
}

#define CK(fn, ...)                                                \
	do {                                                       \
		if (ck(r->label, fn(__VA_ARGS__), #fn, err))       \
			return -1;                                 \
	} while (0)

static void set_threads(int threads)
{
	if (omp_get_max_threads() != threads)
		omp_set_num_threads(threads);
}

const char *netrun_backend_version(void)
{
	static char buf[48];
	const dnnl_version_t *v = dnnl_version();

	snprintf(buf, sizeof(buf), "%d.%d.%d", v->major, v->minor, v->patch);
	return buf;
}

static int keep_mem(struct netrun *r, dnnl_memory_t m, char *err)
{
	if (r->nmems == r->cap_mems) {
		size_t cap = r->cap_mems ? 2 * r->cap_mems : 64;
		void *a = realloc(r->mems, cap * sizeof(*r->mems));

		if (!a) {
			dnnl_memory_destroy(m);
			return err_set(err, "%s: out of memory", r->label);
		}
		r->mems = a;
		r->cap_mems = cap;
	}
	r->mems[r->nmems++] = m;
	return 0;
}

static int keep_pd(struct netrun *r, dnnl_primitive_desc_t pd, char *err)
{
	if (r->npds == r->cap_pds) {
		size_t cap = r->cap_pds ? 2 * r->cap_pds : 64;
		void *a = realloc(r->pds, cap * sizeof(*r->pds));

		if (!a) {
			dnnl_primitive_desc_destroy(pd);
			return err_set(err, "%s: out of memory", r->label);
		}
		r->pds = a;
		r->cap_pds = cap;
	}
	r->pds[r->npds++] = pd;
	return 0;
}

/* A new memory for md, allocated by oneDNN (or over handle). */
static int mem_new(struct netrun *r, const dnnl_memory_desc_t *md, void *handle,
		   dnnl_memory_t *m, char *err)
{
	CK(dnnl_memory_create, m, md, r->engine, handle ? handle : DNNL_MEMORY_ALLOCATE);
	return keep_mem(r, *m, err);
}

static const dnnl_memory_desc_t *md_of(dnnl_memory_t m)
{
	const dnnl_memory_desc_t *md = NULL;

	dnnl_memory_get_memory_desc(m, &md);
	return md;
}

static void *data_of(dnnl_memory_t m)
{
	void *p = NULL;

	dnnl_memory_get_data_handle(m, &p);
	return p;
}

/* Runs a reorder src -> dst once, now. */
static int reorder_now(struct netrun *r, dnnl_memory_t src, dnnl_memory_t dst, char *err)
{
	dnnl_primitive_desc_t pd;
	dnnl_primitive_t prim;
	dnnl_exec_arg_t args[2] = { { DNNL_ARG_FROM, src }, { DNNL_ARG_TO, dst } };
	dnnl_status_t st;

	CK(dnnl_reorder_primitive_desc_create, &pd, md_of(src), r->engine, md_of(dst), r->engine,
	   NULL);
	st = dnnl_primitive_create(&prim, pd);
	dnnl_primitive_desc_destroy(pd);
	if (ck(r->label, st, "dnnl_primitive_create", err))
		return -1;
	st = dnnl_primitive_execute(prim, r->stream, 2, args);
	if (st == dnnl_success)
		st = dnnl_stream_wait(r->stream);
	dnnl_primitive_destroy(prim);
	return ck(r->label, st, "dnnl_primitive_execute (reorder)", err);
}

/* A tensor of md filled with uniform values in [lo, hi), written in its plain
 * layout (dims as md's, row-major) and reordered once into md. */
static int filled(struct netrun *r, const dnnl_memory_desc_t *md, double lo, double hi,
		  dnnl_memory_t *out, char *err)
{
	static const dnnl_format_tag_t tags[] = { dnnl_a, dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd };
	dnnl_memory_desc_t plain_md;
	dnnl_memory_t plain;
	struct rng g;
	float *p;
	size_t n, i;

	if (md->ndims < 1 || md->ndims > 4)
		return err_set(err, "%s: a tensor of %d dimensions", r->label, md->ndims);
	CK(dnnl_memory_desc_init_by_tag, &plain_md, md->ndims, md->dims, dnnl_f32, tags[md->ndims]);
	if (mem_new(r, &plain_md, NULL, &plain, err) < 0)
		return -1;
	p = data_of(plain);
	n = dnnl_memory_desc_get_size(&plain_md) / sizeof(float);
	rng_init(&g, r->seed, r->stream_no++);
	for (i = 0; i < n; i++)
		p[i] = (float)(lo + (hi - lo) * rng_uniform(&g));
	if (dnnl_memory_desc_equal(&plain_md, md)) {
		*out = plain;
		return 0;
	}
	if (mem_new(r, md, NULL, out, err) < 0)
		return -1;
	memset(data_of(*out), 0, dnnl_memory_desc_get_size(md)); /* blocked padding */
	return reorder_now(r, plain, *out, err);
}

static struct nstep *step_add(struct nlayer *l)
{
	struct nstep *s = &l->steps[l->nsteps++];

	memset(s, 0, sizeof(*s));
	return s;
}

static void arg(struct nstep *s, int a, dnnl_memory_t m)
{
	s->args[s->nargs].arg = a;
	s->args[s->nargs].memory = m;
	s->nargs++;
}

/* The primitive of op descriptor desc (relu as a post-op if asked) into a
 * new step; *pd_out gets its primitive descriptor. */
static int prim_new(struct netrun *r, struct nlayer *l, const void *desc, int relu_post_op,
		    dnnl_primitive_desc_t *pd_out, struct nstep **out, char *err)
{
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t ops = NULL;
	dnnl_primitive_desc_t pd;
	dnnl_status_t st;
	struct nstep *s;

	CK(dnnl_primitive_attr_create, &attr);
	st = dnnl_success;
	if (relu_post_op) {
		st = dnnl_post_ops_create(&ops);
		if (st == dnnl_success)
			st = dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
		if (st == dnnl_success)
			st = dnnl_primitive_attr_set_post_ops(attr, ops);
		if (ops)
			dnnl_post_ops_destroy(ops);
	}
	if (st == dnnl_success)
		st = dnnl_primitive_desc_create(&pd, desc, attr, r->engine, NULL);
	dnnl_primitive_attr_destroy(attr);
	if (ck(r->label, st, "dnnl_primitive_desc_create", err) || keep_pd(r, pd, err))
		return -1;
	s = step_add(l);
	CK(dnnl_primitive_create, &s->prim, pd);
	*pd_out = pd;
	*out = s;
	return 0;
}

/* in, in the layout md: in itself, or a new memory and a reorder step of
 * layer l that fills it at every run. */
static int as_layout(struct netrun *r, struct nlayer *l, dnnl_memory_t in,
		     const dnnl_memory_desc_t *md, dnnl_memory_t *out, char *err)
{
	dnnl_primitive_desc_t pd;
	struct nstep *s;

	if (dnnl_memory_desc_equal(md, md_of(in))) {
		*out = in;
		return 0;
	}
	if (mem_new(r, md, NULL, out, err) < 0)
		return -1;
	memset(data_of(*out), 0, dnnl_memory_desc_get_size(md));
	CK(dnnl_reorder_primitive_desc_create, &pd, md_of(in), r->engine, md, r->engine, NULL);
	if (keep_pd(r, pd, err) < 0)
		return -1;
	s = step_add(l);
	CK(dnnl_primitive_create, &s->prim, pd);
	arg(s, DNNL_ARG_FROM, in);
	arg(s, DNNL_ARG_TO, *out);
	return 0;
}

static int dst_of(struct netrun *r, dnnl_primitive_desc_t pd, struct nstep *s,
		  dnnl_memory_t *dst, char *err)
{
	const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);

	if (!md)
		return err_set(err, "%s: no dst layout", r->label);
	if (mem_new(r, md, NULL, dst, err) < 0)
		return -1;
	arg(s, DNNL_ARG_DST, *dst);
	return 0;
}

static void impl_of(struct nlayer *l, dnnl_primitive_desc_t pd)
{
	const char *impl = NULL;

	if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success)
		l->impl = impl;
}

static int build_bn(struct netrun *r, struct nlayer *l, long c, dnnl_memory_t src, int relu,
		    dnnl_memory_t *dst, char *err)
{
	unsigned flags = dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift;
	dnnl_dims_t cd = { c };
	dnnl_memory_desc_t cmd;
	dnnl_batch_normalization_desc_t desc;
	dnnl_primitive_desc_t pd;
	dnnl_memory_t mean, var, scale, shift;
	struct nstep *s;

	if (relu)
		flags |= dnnl_fuse_norm_relu;
	CK(dnnl_memory_desc_init_by_tag, &cmd, 1, cd, dnnl_f32, dnnl_a);
	CK(dnnl_batch_normalization_forward_desc_init, &desc, dnnl_forward_inference, md_of(src),
	   BN_EPSILON, flags);
	if (prim_new(r, l, &desc, 0, &pd, &s, err) < 0 ||
	    filled(r, &cmd, -0.1, 0.1, &mean, err) < 0 || filled(r, &cmd, 0.5, 1.5, &var, err) < 0 ||
	    filled(r, &cmd, 0.5, 1.5, &scale, err) < 0 ||
	    filled(r, &cmd, -0.5, 0.5, &shift, err) < 0)
		return -1;
	arg(s, DNNL_ARG_SRC, src);
	arg(s, DNNL_ARG_MEAN, mean);
	arg(s, DNNL_ARG_VARIANCE, var);
	arg(s, DNNL_ARG_SCALE, scale);
	arg(s, DNNL_ARG_SHIFT, shift);
	if (!l->impl)
		impl_of(l, pd);
	return dst_of(r, pd, s, dst, err);
}

/* An eltwise relu in place on data. */
static int build_relu(struct netrun *r, struct nlayer *l, dnnl_memory_t data, char *err)
{
	dnnl_eltwise_desc_t desc;
	dnnl_primitive_desc_t pd;
	struct nstep *s;

	CK(dnnl_eltwise_forward_desc_init, &desc, dnnl_forward_inference, dnnl_eltwise_relu,
	   md_of(data), 0.0f, 0.0f);
	if (prim_new(r, l, &desc, 0, &pd, &s, err) < 0)
		return -1;
	if (!l->impl)
		impl_of(l, pd);
	arg(s, DNNL_ARG_SRC, data);
	arg(s, DNNL_ARG_DST, data);
	return 0;
}

static int build_conv(struct netrun *r, struct nlayer *l, const struct modlat_layer *y,
		      dnnl_memory_t in, dnnl_memory_t *out, char *err)
{
	struct module_shape sh = { (enum module_kind)y->kind, r->batch, y->cin, y->cout, y->hw,
				   y->kernel, y->stride };
	long lo = module_out_hw(&sh), pad = module_padding(&sh);
	int bn = module_has_bn(sh.kind), relu = module_has_relu(sh.kind);
	int fuse = relu && r->fuse_relu;
	dnnl_dims_t src_d = { r->batch, y->cin, y->hw, y->hw };
	dnnl_dims_t wei_d = { y->cout, y->cin, y->kernel, y->kernel }, bias_d = { y->cout };
	dnnl_dims_t dst_d = { r->batch, y->cout, lo, lo };
	dnnl_dims_t strides = { y->stride, y->stride }, padding = { pad, pad };
	dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md;
	dnnl_convolution_desc_t desc;
	dnnl_primitive_desc_t pd;
	dnnl_memory_t src, wei, bias, cur;
	double bound = 1.0 / sqrt((double)y->cin * y->kernel * y->kernel);
	struct nstep *s;
	int at;

	CK(dnnl_memory_desc_init_by_tag, &src_md, 4, src_d, dnnl_f32, dnnl_format_tag_any);
	CK(dnnl_memory_desc_init_by_tag, &wei_md, 4, wei_d, dnnl_f32, dnnl_format_tag_any);
	CK(dnnl_memory_desc_init_by_tag, &bias_md, 1, bias_d, dnnl_f32, dnnl_a);
	CK(dnnl_memory_desc_init_by_tag, &dst_md, 4, dst_d, dnnl_f32, dnnl_format_tag_any);
	CK(dnnl_convolution_forward_desc_init, &desc, dnnl_forward_inference,
	   dnnl_convolution_direct, &src_md, &wei_md, &bias_md, &dst_md, strides, padding, padding);
	/* the conv's step goes after the reorder of its input, if any */
	at = l->nsteps;
	if (prim_new(r, l, &desc, fuse && !bn, &pd, &s, err) < 0)
		return -1;
	impl_of(l, pd);
	if (as_layout(r, l, in, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), &src, err) <
		    0 ||
	    filled(r, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), -bound, bound,
		   &wei, err) < 0 ||
	    filled(r, &bias_md, -bound, bound, &bias, err) < 0)
		return -1;
	if (l->nsteps > at + 1) { /* a reorder was added after the conv: swap them */
		struct nstep t = l->steps[at];

		l->steps[at] = l->steps[at + 1];
		l->steps[at + 1] = t;
		s = &l->steps[at + 1];
	}
	arg(s, DNNL_ARG_SRC, src);
	arg(s, DNNL_ARG_WEIGHTS, wei);
	arg(s, DNNL_ARG_BIAS, bias);
	if (dst_of(r, pd, s, &cur, err) < 0)
		return -1;
	if (bn && build_bn(r, l, y->cout, cur, fuse, &cur, err) < 0)
		return -1;
	if (relu && !fuse && build_relu(r, l, cur, err) < 0)
		return -1;
	*out = cur;
	return 0;
}

static int build_linear(struct netrun *r, struct nlayer *l, const struct modlat_layer *y,
			dnnl_memory_t in, dnnl_memory_t *out, char *err)
{
	dnnl_dims_t wei_d = { y->cout, y->cin }, bias_d = { y->cout }, dst_d = { r->batch, y->cout };
	dnnl_memory_desc_t wei_md, bias_md, dst_md;
	dnnl_inner_product_desc_t desc;
	dnnl_primitive_desc_t pd;
	dnnl_memory_t wei, bias;
	double bound = 1.0 / sqrt((double)y->cin);
	struct nstep *s;

	CK(dnnl_memory_desc_init_by_tag, &wei_md, 2, wei_d, dnnl_f32, dnnl_format_tag_any);
	CK(dnnl_memory_desc_init_by_tag, &bias_md, 1, bias_d, dnnl_f32, dnnl_a);
	CK(dnnl_memory_desc_init_by_tag, &dst_md, 2, dst_d, dnnl_f32, dnnl_ab);
	CK(dnnl_inner_product_forward_desc_init, &desc, dnnl_forward_inference, md_of(in), &wei_md,
	   &bias_md, &dst_md);
	if (prim_new(r, l, &desc, 0, &pd, &s, err) < 0)
		return -1;
	impl_of(l, pd);
	if (filled(r, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), -bound, bound,
		   &wei, err) < 0 ||
	    filled(r, &bias_md, -bound, bound, &bias, err) < 0)
		return -1;
	arg(s, DNNL_ARG_SRC, in);
	arg(s, DNNL_ARG_WEIGHTS, wei);
	arg(s, DNNL_ARG_BIAS, bias);
	return dst_of(r, pd, s, out, err);
}

/* A pooling over in: max or average (counting the padding; there is none),
 * kernel k, stride s, into a new dst. */
static int build_pool(struct netrun *r, struct nlayer *l, dnnl_memory_t in, long c, long hw,
		      long k, long st, int max, dnnl_memory_t *out, char *err)
{
	long lo = (hw - k) / st + 1;
	dnnl_dims_t dst_d = { r->batch, c, lo, lo }, strides = { st, st }, kernel = { k, k };
	dnnl_dims_t padding = { 0, 0 };
	dnnl_memory_desc_t dst_md;
	dnnl_pooling_desc_t desc;
	dnnl_primitive_desc_t pd;
	struct nstep *s;

	CK(dnnl_memory_desc_init_by_tag, &dst_md, 4, dst_d, dnnl_f32, dnnl_format_tag_any);
	CK(dnnl_pooling_forward_desc_init, &desc, dnnl_forward_inference,
	   max ? dnnl_pooling_max : dnnl_pooling_avg_include_padding, md_of(in), &dst_md, strides,
	   kernel, padding, padding);
	if (prim_new(r, l, &desc, 0, &pd, &s, err) < 0)
		return -1;
	impl_of(l, pd);
	arg(s, DNNL_ARG_SRC, in);
	return dst_of(r, pd, s, out, err);
}

static int build_add(struct netrun *r, struct nlayer *l, dnnl_memory_t a, dnnl_memory_t b,
		     int relu, dnnl_memory_t *out, char *err)
{
	dnnl_binary_desc_t desc;
	dnnl_primitive_desc_t pd;
	struct nstep *s;

	CK(dnnl_binary_desc_init, &desc, dnnl_binary_add, md_of(a), md_of(b), md_of(a));
	if (prim_new(r, l, &desc, relu, &pd, &s, err) < 0)
		return -1;
	impl_of(l, pd);
	arg(s, DNNL_ARG_SRC_0, a);
	arg(s, DNNL_ARG_SRC_1, b);
	return dst_of(r, pd, s, out, err);
}

static int build_concat(struct netrun *r, struct nlayer *l, dnnl_memory_t *in, int n,
			dnnl_memory_t *out, char *err)
{
	dnnl_memory_desc_t mds[MODLAT_MAX_INPUTS];
	dnnl_primitive_desc_t pd;
	struct nstep *s;
	int i;

	for (i = 0; i < n; i++)
		mds[i] = *md_of(in[i]);
	CK(dnnl_concat_primitive_desc_create, &pd, NULL, n, 1, mds, NULL, r->engine);
	if (keep_pd(r, pd, err) < 0)
		return -1;
	s = step_add(l);
	CK(dnnl_primitive_create, &s->prim, pd);
	impl_of(l, pd);
	for (i = 0; i < n; i++)
		arg(s, DNNL_ARG_MULTIPLE_SRC + i, in[i]);
	return dst_of(r, pd, s, out, err);
}

/* (N, C, L, L) in any layout -> plain NCHW, viewed as (N, C*L*L). */
static int build_flatten(struct netrun *r, struct nlayer *l, dnnl_memory_t in, long c, long hw,
			 dnnl_memory_t *out, char *err)
{
	dnnl_dims_t d4 = { r->batch, c, hw, hw }, d2 = { r->batch, c * hw * hw };
	dnnl_memory_desc_t plain_md, flat_md;
	dnnl_memory_t plain;

	CK(dnnl_memory_desc_init_by_tag, &plain_md, 4, d4, dnnl_f32, dnnl_abcd);
	CK(dnnl_memory_desc_init_by_tag, &flat_md, 2, d2, dnnl_f32, dnnl_ab);
	if (as_layout(r, l, in, &plain_md, &plain, err) < 0)
		return -1;
	l->impl = l->nsteps ? "reorder" : "view";
	return mem_new(r, &flat_md, data_of(plain), out, err);
}

static int build_layer(struct netrun *r, size_t i, const struct modlat_layer *y, char *err)
{
	struct nlayer *l = &r->layers[i];
	dnnl_memory_t in[MODLAT_MAX_INPUTS];
	long c, hw;
	int k;

	for (k = 0; k < y->ninputs; k++)
		in[k] = y->inputs[k] < 0 ? r->input : r->layers[y->inputs[k]].out;
	if (y->op == MODLAT_OP_MODULE) {
		enum module_kind kind = (enum module_kind)y->kind;

		if (module_has_conv(kind))
			return build_conv(r, l, y, in[0], &l->out, err);
		if (kind == MODULE_LINEAR)
			return build_linear(r, l, y, in[0], &l->out, err);
		if (kind == MODULE_MAXPOOL || kind == MODULE_AVGPOOL)
			return build_pool(r, l, in[0], y->cin, y->hw, y->kernel, y->stride,
					  kind == MODULE_MAXPOOL, &l->out, err);
		/* bn, bn-relu */
		if (build_bn(r, l, y->cin, in[0], module_has_relu(kind) && r->fuse_relu, &l->out,
			     err) < 0)
			return -1;
		return module_has_relu(kind) && !r->fuse_relu ? build_relu(r, l, l->out, err) : 0;
	}
	/* glue: the input's shape is in its memory descriptor */
	switch (y->op) {
	case MODLAT_OP_ADD:
		return build_add(r, l, in[0], in[1], y->relu, &l->out, err);
	case MODLAT_OP_CONCAT:
		return build_concat(r, l, in, y->ninputs, &l->out, err);
	case MODLAT_OP_FLATTEN:
		/* out_c = C*L*L: recover C and L from the input's dims */
		c = md_of(in[0])->dims[1];
		hw = md_of(in[0])->dims[2];
		return build_flatten(r, l, in[0], c, hw, &l->out, err);
	case MODLAT_OP_GPOOL:
		c = md_of(in[0])->dims[1];
		hw = md_of(in[0])->dims[2];
		return build_pool(r, l, in[0], c, hw, hw, 1, 0, &l->out, err);
	case MODLAT_OP_RELU:
		l->out = in[0];
		return build_relu(r, l, in[0], err);
	default:
		return err_set(err, "%s: unknown layer kind %d", r->label, (int)y->op);
	}
}

/* Refuses a network whose tensors (every layer's output, twice for a layer
 * that writes two, and the weights) would not fit in this machine's memory:
 * it could only swap or be killed. */
static int too_large(const struct netrun *r, const struct modlat_layer *ly, long in_c,
		     long in_hw, char *err)
{
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	double phys = pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
	double bytes = 4.0 * (double)r->batch * (double)in_c * (double)in_hw * (double)in_hw;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct modlat_layer *y = &ly[i];
		double out = 4.0 * (double)r->batch * (double)y->out_c *
			     (y->out_hw ? (double)y->out_hw * (double)y->out_hw : 1.0);

		bytes += 2 * out;
		if (y->op == MODLAT_OP_MODULE) {
			struct module_shape sh = { (enum module_kind)y->kind, r->batch, y->cin, y->cout,
						   y->hw, y->kernel, y->stride };

			bytes += 4.0 * module_param_count(&sh);
		}
	}
	if (bytes > phys)
		return err_set(err, "%s: its tensors need %.2f GiB, more than the %.2f GiB of memory "
			       "this machine has", r->label, bytes / 1073741824.0, phys / 1073741824.0);
	return 0;
}

int netrun_build(const struct modlat_network *net, long batch, int threads, int fuse_relu,
		 uint64_t seed, struct netrun **out, char *err)
{
	const struct modlat_layer *ly;
	struct netrun *r;
	dnnl_memory_desc_t in_md;
	long in_c, in_hw;
	size_t i;

	*out = NULL;
	if (threads < 1)
		return err_set(err, "onednn: threads must be at least 1, got %d", threads);
	if (!(r = xcalloc(1, sizeof(*r), err)))
		return -1;
	ly = modlat_network_layers(net, &r->n, &in_c, &in_hw);
	snprintf(r->label, sizeof(r->label), "%s (batch %ld)", modlat_network_name(net), batch);
	r->threads = threads;
	r->fuse_relu = fuse_relu;
	r->seed = seed;
	r->batch = batch;
	set_threads(threads);
	if (too_large(r, ly, in_c, in_hw, err) < 0) {
		err_prefix(err, modlat_network_source(net));
		goto fail;
	}
	if (!(r->layers = xcalloc(r->n ? r->n : 1, sizeof(*r->layers), err)))
		goto fail;
	if (ck(r->label, dnnl_engine_create(&r->engine, dnnl_cpu, 0), "dnnl_engine_create", err) ||
	    ck(r->label, dnnl_stream_create(&r->stream, r->engine, dnnl_stream_default_flags),
	       "dnnl_stream_create", err))
		goto fail;
	{
		dnnl_dims_t d = { batch, in_c, in_hw, in_hw };

		if (ck(r->label, dnnl_memory_desc_init_by_tag(&in_md, 4, d, dnnl_f32, dnnl_abcd),
		       "dnnl_memory_desc_init_by_tag", err) ||
		    filled(r, &in_md, -1.0, 1.0, &r->input, err) < 0)
			goto fail;
	}
	for (i = 0; i < r->n; i++)
		if (build_layer(r, i, &ly[i], err) < 0) {
			char msg[ERR_LEN];

			snprintf(msg, sizeof(msg), "%s", err);
			err_set(err, "%s:%d: %s", modlat_network_source(net), ly[i].line, msg);
			goto fail;
		}
	*out = r;
	return 0;
fail:
	netrun_free(r);
	return -1;
}

int netrun_pass(struct netrun *r, double *layer_s, char *err)
{
	size_t i;
	int k;

	set_threads(r->threads);
	for (i = 0; i < r->n; i++) {
		struct nlayer *l = &r->layers[i];
		double t0 = layer_s ? now_s() : 0;

		for (k = 0; k < l->nsteps; k++)
			CK(dnnl_primitive_execute, l->steps[k].prim, r->stream, l->steps[k].nargs,
			   l->steps[k].args);
		CK(dnnl_stream_wait, r->stream);
		if (layer_s)
			layer_s[i] += now_s() - t0;
	}
	return 0;
}

const char *netrun_impl(const struct netrun *r, size_t i)
{
	return i < r->n && r->layers[i].impl ? r->layers[i].impl : "";
}

void netrun_free(struct netrun *r)
{
	size_t i;
	int k;

	if (!r)
		return;
	for (i = 0; r->layers && i < r->n; i++)
		for (k = 0; k < r->layers[i].nsteps; k++)
			if (r->layers[i].steps[k].prim)
				dnnl_primitive_destroy(r->layers[i].steps[k].prim);
	for (i = 0; i < r->npds; i++)
		dnnl_primitive_desc_destroy(r->pds[i]);
	for (i = 0; i < r->nmems; i++)
		dnnl_memory_destroy(r->mems[i]);
	if (r->stream)
		dnnl_stream_destroy(r->stream);
	if (r->engine)
		dnnl_engine_destroy(r->engine);
	free(r->layers);
	free(r->mems);
	free(r->pds);
	free(r);
}
