/* backend_onednn.c - the CPU backend: oneDNN 2.x primitives (Debian's libdnnl).
 *
 * Uses the v2.x C API: an operation descriptor (dnnl_*_desc_init), then a
 * primitive descriptor, then the primitive. float32 throughout.
 *
 * How each module is built (all of it in prepare, outside any timed region).
 * Inputs and weights are filled in plain layouts (NCHW, OIHW) and reordered
 * once into the layouts the primitives run on:
 *   conv*    convolution forward inference, direct algorithm, with bias; src,
 *            weights and dst in the layouts oneDNN prefers (format "any").
 *   bn*      batch normalization forward inference with global statistics and
 *            separate scale and shift (PyTorch's eval-mode BatchNorm2d),
 *            epsilon 1e-5, into its own dst, on the conv's dst layout (conv-bn)
 *            or the activation layout (bn; see activation_md).
 *   relu     fused: an eltwise post-op of the conv, or bn's fuse_norm_relu flag
 *            (2.x batch normalization takes no post-ops); unfused: an eltwise
 *            forward primitive, in place on the previous dst (ReLU(inplace)).
 *   linear   inner product forward with bias: src (N, C_i), dst (N, C_o).
 *   pools    pooling forward inference on the activation layout, padding 0;
 *            avg counts the padding (moot without padding).
 * Scratchpads are user-managed, so every byte is allocated and touched in
 * prepare: a run allocates nothing.
 *
 * Threads: Debian builds libdnnl with the OpenMP runtime (libgomp), which uses
 * omp_get_max_threads() of the calling thread, so the count is set with
 * omp_set_num_threads() in prepare and before each run (one store; it keeps
 * instances of contexts with different thread counts apart). Link -lgomp.
 */
#include "backend_onednn.h"

#include <assert.h>
#include <dnnl.h>
#include <dnnl_debug.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "rng.h"

#define BN_EPSILON 1e-5f
#define MAX_STEPS 3 /* conv, bn, relu */
#define MAX_ARGS 8
#define MAX_MEMS 24

#define CACHE_SLOTS 32

/* Buffers of released instances, kept for the next one: reusing pages that
 * are already mapped spares each module build its page faults and the
 * kernel's page clearing, which otherwise cost more than the runs. */
struct buf_cache {
	void *p[CACHE_SLOTS];
	size_t size[CACHE_SLOTS];
	unsigned char clean[CACHE_SLOTS]; /* holds bounded random values (see fill_once) */
	int n;
};

struct onednn_ctx {
	struct buf_cache cache; /* every buffer; fill_once: the clean ones */
	struct buf_cache dirty; /* fill_once: the buffers the runs wrote */
	dnnl_engine_t engine;
	dnnl_stream_t stream;
	int threads;
	int fuse_relu;
	int fill_once;
	uint64_t seed;
};

/* One primitive of the chain and the arguments it runs with. */
struct step {
	const char *what; /* "convolution", ... for messages */
	dnnl_primitive_desc_t pd;
	dnnl_primitive_t prim;
	int nargs;
	dnnl_exec_arg_t args[MAX_ARGS];
};

struct onednn_inst {
	struct onednn_ctx *ctx;
	struct module_shape m;
	char label[160]; /* "conv (batch 8, cin 64, ...)" */
	struct step steps[MAX_STEPS];
	int nsteps;
	dnnl_memory_t mems[MAX_MEMS]; /* every memory object, to destroy */
	void *bufs[MAX_MEMS];         /* their buffers (ours, not oneDNN's) */
	size_t buf_size[MAX_MEMS];
	unsigned char buf_clean[MAX_MEMS]; /* not written by the runs */
	int nmems;
	double bytes; /* allocated so far */
	/* the plain, user-filled tensors; NULL where the module has none */
	dnnl_memory_t src, weights, bias, mean, var, scale, shift;
	dnnl_memory_t dst;       /* the chain's output, oneDNN's layout */
	dnnl_memory_t plain_dst; /* dst in plain layout (the accessor's) */
	dnnl_primitive_t dst_reorder; /* dst -> plain_dst; NULL if the same */
};

static const char *status_str(dnnl_status_t st)
{
	switch (st) {
	case dnnl_out_of_memory:
		return "out of memory";
	case dnnl_invalid_arguments:
		return "invalid arguments";
	case dnnl_unimplemented:
		return "no implementation for this shape";
	case dnnl_runtime_error:
		return "runtime error";
	default:
		return dnnl_status2str(st);
	}
}

/* Turns a failed oneDNN call into "LABEL: CALL (WHAT) failed: WHY". */
static int check(const char *label, dnnl_status_t st, const char *call, const char *what,
		 char *err)
{
	if (st == dnnl_success)
		return 0;
	return err_set(err, "%s: %s (%s) failed: %s", label, call, what, status_str(st));
}

/* CK(what, dnnl_fn, args...): returns -1 from the caller on failure; needs
 * `label` and `err` in scope. */
#define CK(what, fn, ...)                                                \
	do {                                                             \
		if (check(label, fn(__VA_ARGS__), #fn, what, err))       \
			return -1;                                       \
	} while (0)

static void set_threads(int threads)
{
	if (omp_get_max_threads() != threads)
		omp_set_num_threads(threads);
}

static const char *onednn_version(void)
{
	static char buf[48];
	const dnnl_version_t *v = dnnl_version();

	snprintf(buf, sizeof(buf), "%d.%d.%d", v->major, v->minor, v->patch);
	return buf;
}

static void cache_put(struct buf_cache *c, void *p, size_t size, int clean);
static void cache_release(struct buf_cache *c);

/* The cache for buffers of this cleanness. In fill_once mode clean and
 * dirty buffers are kept apart, so that outputs (which are often the largest
 * tensors) never take the large clean buffers the next inputs need: each
 * pool soon holds the largest buffers of its kind, and a sample rarely
 * fills or maps anything. */
static struct buf_cache *pool(struct onednn_ctx *ctx, int clean)
{
	return ctx->fill_once && !clean ? &ctx->dirty : &ctx->cache;
}

static void onednn_close(void *vctx)
{
	struct onednn_ctx *ctx = vctx;

	if (!ctx)
		return;
	if (ctx->stream)
		dnnl_stream_destroy(ctx->stream);
	if (ctx->engine)
		dnnl_engine_destroy(ctx->engine);
	cache_release(&ctx->cache);
	cache_release(&ctx->dirty);
	free(ctx);
}

static int onednn_open(void **out, const struct backend_settings *s, char *err)
{
	static const char label[] = "onednn";
	struct onednn_ctx *ctx;

	*out = NULL;
	if (s->threads < 1)
		return err_set(err, "onednn: threads must be at least 1, got %d", s->threads);
	ctx = xcalloc(1, sizeof(*ctx), err);
	if (!ctx)
		return -1;
	ctx->threads = s->threads;
	ctx->fuse_relu = s->fuse_relu;
	ctx->seed = s->seed;
	ctx->fill_once = s->fill_once;
	set_threads(ctx->threads);
	if (check(label, dnnl_engine_create(&ctx->engine, dnnl_cpu, 0), "dnnl_engine_create",
		  "cpu engine", err) ||
	    check(label, dnnl_stream_create(&ctx->stream, ctx->engine, dnnl_stream_default_flags),
		  "dnnl_stream_create", "cpu stream", err)) {
		onednn_close(ctx);
		return -1;
	}
	*out = ctx;
	return 0;
}

static void onednn_release(void *vin)
{
	struct onednn_inst *in = vin;
	int i;

	if (!in)
		return;
	for (i = 0; i < in->nsteps; i++) {
		if (in->steps[i].prim)
			dnnl_primitive_destroy(in->steps[i].prim);
		if (in->steps[i].pd)
			dnnl_primitive_desc_destroy(in->steps[i].pd);
	}
	if (in->dst_reorder)
		dnnl_primitive_destroy(in->dst_reorder);
	for (i = 0; i < in->nmems; i++) {
		dnnl_memory_destroy(in->mems[i]);
		cache_put(pool(in->ctx, in->buf_clean[i]), in->bufs[i], in->buf_size[i],
			  in->buf_clean[i]);
	}
	free(in);
}

static double phys_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (double)pages * size : INFINITY;
}

/* Keeps buffer p for reuse; when full, frees the smallest kept buffer (or p). */
static void cache_put(struct buf_cache *c, void *p, size_t size, int clean)
{
	int i, small = 0;

	if (!p)
		return;
	if (c->n < CACHE_SLOTS) {
		c->p[c->n] = p;
		c->clean[c->n] = (unsigned char)clean;
		c->size[c->n++] = size;
		return;
	}
	for (i = 1; i < c->n; i++)
		if (c->size[i] < c->size[small])
			small = i;
	if (c->size[small] >= size) {
		free(p);
		return;
	}
	free(c->p[small]);
	c->p[small] = p;
	c->size[small] = size;
	c->clean[small] = (unsigned char)clean;
}

/* The smallest kept buffer of at least size bytes (removed from the cache),
 * one whose cleanness is `want` where there is one; or NULL. */
static void *cache_get(struct buf_cache *c, size_t size, int want, size_t *got, int *clean)
{
	int i, best = -1;
	void *p;

	for (i = 0; i < c->n; i++)
		if (c->size[i] >= size &&
		    (best < 0 || (c->clean[i] == want && c->clean[best] != want) ||
		     (c->clean[i] == c->clean[best] && c->size[i] < c->size[best])))
			best = i;
	if (best < 0)
		return NULL;
	p = c->p[best];
	*got = c->size[best];
	*clean = c->clean[best];
	c->p[best] = c->p[--c->n];
	c->size[best] = c->size[c->n];
	c->clean[best] = c->clean[c->n];
	return p;
}

static void cache_release(struct buf_cache *c)
{
	while (c->n > 0)
		free(c->p[--c->n]);
}

/* How a new buffer will be used, so it is cleared only when that matters. */
enum mem_use {
	MEM_WRITTEN, /* the caller writes every byte at once (a fill) */
	MEM_ZEROED,  /* must start zero (a reorder target: blocked padding) */
	MEM_OUTPUT,  /* written by the runs: its pages must be mapped before them */
};

#define FILL_BLOCK 4099 /* floats; prime, so the tiling does not align with shapes */
#define FILL_ALWAYS 65536 /* bytes: smaller inputs are filled even in fill_once mode */

/* Fills n floats with uniform values in [lo, hi) from stream `stream` of
 * seed: a random block, tiled. Drawing every element would make filling
 * (outside the timed region, but inside the bench's wall time) cost more
 * than the runs themselves for large tensors. The block is longer than any
 * cache line pattern, so values stay varied. */
static void fill_tiled(float *p, size_t n, uint64_t seed, uint64_t stream, double lo, double hi)
{
	struct rng r;
	size_t i;

	rng_init(&r, seed, stream);
	for (i = 0; i < n && i < FILL_BLOCK; i++)
		p[i] = (float)(lo + (hi - lo) * rng_uniform(&r));
	for (; i < n; i += FILL_BLOCK)
		memcpy(p + i, p, (n - i < FILL_BLOCK ? n - i : FILL_BLOCK) * sizeof(float));
}

/* A new memory object for md, on a buffer from the context's cache (pages
 * already mapped) or freshly allocated and zeroed (mapping its pages here,
 * not in the first timed run). Refuses a module that would need more than
 * the machine's physical memory: it could only swap or be killed.
 *
 * fill_once mode (bench): the values of inputs do not change how long a
 * kernel runs (no data-dependent paths; the values stay bounded, so no
 * denormal or overflow), so a buffer that holds bounded random values and
 * was not written by the runs ("clean") is reused as it is: an input or a
 * reorder target on a clean buffer is neither filled, zeroed nor reordered
 * into. Only a buffer the runs wrote (an output, a scratchpad) is filled
 * again before it serves as an input. This takes two to three passes over
 * every tensor out of each sample's setup. *clean says whether the buffer
 * already holds such values. */
static int mem_new_ex(struct onednn_inst *in, const dnnl_memory_desc_t *md, const char *what,
		      enum mem_use use, dnnl_memory_t *mem, int *clean, char *err)
{
	const char *label = in->label;
	size_t size = dnnl_memory_desc_get_size(md), got = 0;
	int once = in->ctx->fill_once, was_clean = 0;
	void *p;

	if (in->nmems == MAX_MEMS)
		return err_set(err, "%s: more than %d tensors (a bug in backend_onednn.c)", label,
			       MAX_MEMS);
	in->bytes += (double)size;
	if (in->bytes > phys_bytes())
		return err_set(err,
			       "%s: needs more than %.2f GiB (at '%s'), more than the %.2f GiB of "
			       "memory this machine has",
			       label, in->bytes / 1073741824.0, what, phys_bytes() / 1073741824.0);
	if (!size)
		size = 64;
	p = cache_get(pool(in->ctx, use != MEM_OUTPUT), size, use != MEM_OUTPUT, &got, &was_clean);
	if (p) {
		if (use == MEM_ZEROED && once && !was_clean)
			fill_tiled(p, size / sizeof(float), in->ctx->seed, 0, -1.0, 1.0);
		else if (use == MEM_ZEROED && !once)
			memset(p, 0, size);
	} else {
		got = size;
		if (posix_memalign(&p, 64, size) != 0)
			return err_set(err, "%s: out of memory allocating %.1f MiB for '%s'", label,
				       (double)size / 1048576.0, what);
		if (use == MEM_ZEROED && once)
			fill_tiled(p, size / sizeof(float), in->ctx->seed, 0, -1.0, 1.0);
		else if (use != MEM_WRITTEN)
			memset(p, 0, size);
	}
	if (check(label, dnnl_memory_create(mem, md, in->ctx->engine, p), "dnnl_memory_create",
		  what, err)) {
		cache_put(pool(in->ctx, was_clean), p, got, was_clean);
		return -1;
	}
	if (clean)
		*clean = once && use != MEM_OUTPUT && (use == MEM_ZEROED || was_clean);
	in->bufs[in->nmems] = p;
	in->buf_size[in->nmems] = got;
	in->buf_clean[in->nmems] = use != MEM_OUTPUT;
	in->mems[in->nmems++] = *mem;
	return 0;
}

static int mem_new(struct onednn_inst *in, const dnnl_memory_desc_t *md, const char *what,
		   dnnl_memory_t *mem, char *err)
{
	return mem_new_ex(in, md, what, MEM_OUTPUT, mem, NULL, err);
}

static float *mem_data(dnnl_memory_t mem)
{
	void *p = NULL;

	dnnl_memory_get_data_handle(mem, &p);
	return p;
}

static const dnnl_memory_desc_t *mem_desc(dnnl_memory_t mem)
{
	const dnnl_memory_desc_t *md = NULL;

	dnnl_memory_get_memory_desc(mem, &md);
	return md;
}

/* A plain (row-major: nchw, oihw, nc, x) float32 tensor, filled with
 * uniform values in [lo, hi) from stream `stream` of the context's seed. */
static int plain_new(struct onednn_inst *in, int ndims, const dnnl_dims_t dims, const char *what,
		     uint64_t stream, double lo, double hi, dnnl_memory_t *mem, char *err)
{
	static const dnnl_format_tag_t tags[] = { dnnl_a, dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd };
	const char *label = in->label;
	dnnl_memory_desc_t md;
	size_t size;
	int clean;

	CK(what, dnnl_memory_desc_init_by_tag, &md, ndims, dims, dnnl_f32, tags[ndims]);
	if (mem_new_ex(in, &md, what, MEM_WRITTEN, mem, &clean, err))
		return -1;
	size = dnnl_memory_desc_get_size(&md);
	if (!clean || size < FILL_ALWAYS)
		fill_tiled(mem_data(*mem), size / sizeof(float), in->ctx->seed, stream, lo, hi);
	return 0;
}

/* Copies src into dst, converting the layout, once (at prepare time). */
static int reorder_once(struct onednn_inst *in, dnnl_memory_t src, dnnl_memory_t dst,
			const char *what, char *err)
{
	const char *label = in->label;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_primitive_t prim = NULL;
	dnnl_exec_arg_t args[2] = { { DNNL_ARG_FROM, src }, { DNNL_ARG_TO, dst } };
	dnnl_status_t st;
	int rc = -1;

	st = dnnl_reorder_primitive_desc_create(&pd, mem_desc(src), in->ctx->engine, mem_desc(dst),
						in->ctx->engine, NULL);
	if (check(label, st, "dnnl_reorder_primitive_desc_create", what, err))
		goto out;
	if (check(label, dnnl_primitive_create(&prim, pd), "dnnl_primitive_create", what, err) ||
	    check(label, dnnl_primitive_execute(prim, in->ctx->stream, 2, args),
		  "dnnl_primitive_execute", what, err) ||
	    check(label, dnnl_stream_wait(in->ctx->stream), "dnnl_stream_wait", what, err))
		goto out;
	rc = 0;
out:
	if (prim)
		dnnl_primitive_destroy(prim);
	if (pd)
		dnnl_primitive_desc_destroy(pd);
	return rc;
}

/* `user` itself if it has layout md, or a new memory in layout md that user
 * is reordered into. */
static int in_layout(struct onednn_inst *in, dnnl_memory_t user, const dnnl_memory_desc_t *md,
		     const char *what, dnnl_memory_t *out, char *err)
{
	if (dnnl_memory_desc_equal(md, mem_desc(user))) {
		*out = user;
		return 0;
	}
	/* zeroed: a blocked layout's padding is not written by the reorder, and
	 * oneDNN expects it to be zero (fill_once: holds bounded values already) */
	if (mem_new_ex(in, md, what, MEM_ZEROED, out, NULL, err))
		return -1;
	return in->ctx->fill_once ? 0 : reorder_once(in, user, *out, what, err);
}

/* The memory the primitive of step s expects as argument `arg`, from `user`. */
static int as_arg(struct onednn_inst *in, const struct step *s, int arg, dnnl_memory_t user,
		  const char *what, dnnl_memory_t *out, char *err)
{
	const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(s->pd, dnnl_query_exec_arg_md,
								    arg);

	if (!md)
		return err_set(err, "%s: dnnl_primitive_desc_query_md (%s of the %s) failed",
			       in->label, what, s->what);
	return in_layout(in, user, md, what, out, err);
}

/* The layout oneDNN's convolution hands to the next layer for (N, C, L, L)
 * activations: the dst layout it picks for a 1x1 C -> C convolution
 * (nChw8c with AVX2, nChw16c with AVX-512, C padded to the block). bn and
 * pools run on it, as they would in a network. On plain NCHW, oneDNN 2.6
 * has only reference kernels for them (simple_nchw pooling, ncsp_bnorm),
 * 10 to 60 times slower than the jit kernels on the blocked layout. */
static int activation_md(struct onednn_inst *in, long c, dnnl_memory_desc_t *md, char *err)
{
	const char *label = in->label;
	const struct module_shape *m = &in->m;
	dnnl_dims_t act_d = { m->batch, c, m->hw, m->hw }, wei_d = { c, c, 1, 1 };
	dnnl_dims_t ones = { 1, 1 }, zeros = { 0, 0 };
	dnnl_memory_desc_t act_md, wei_md;
	dnnl_convolution_desc_t desc;
	dnnl_primitive_desc_t pd;
	const dnnl_memory_desc_t *dst;

	CK("layout probe", dnnl_memory_desc_init_by_tag, &act_md, 4, act_d, dnnl_f32,
	   dnnl_format_tag_any);
	CK("layout probe", dnnl_memory_desc_init_by_tag, &wei_md, 4, wei_d, dnnl_f32,
	   dnnl_format_tag_any);
	CK("layout probe", dnnl_convolution_forward_desc_init, &desc, dnnl_forward_inference,
	   dnnl_convolution_direct, &act_md, &wei_md, NULL, &act_md, ones, zeros, zeros);
	CK("layout probe", dnnl_primitive_desc_create, &pd, &desc, NULL, in->ctx->engine, NULL);
	dst = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
	if (dst)
		*md = *dst;
	dnnl_primitive_desc_destroy(pd);
	if (!dst)
		return err_set(err, "%s: dnnl_primitive_desc_query_md (dst of the layout probe) failed",
			       label);
	return 0;
}

/* The plain, filled input (N, C_i, L, L) and its copy in activation layout. */
static int activation_input(struct onednn_inst *in, dnnl_memory_t *src, char *err)
{
	const struct module_shape *m = &in->m;
	dnnl_dims_t src_d = { m->batch, m->cin, m->hw, m->hw };
	dnnl_memory_desc_t md;

	if (plain_new(in, 4, src_d, "input", 1, -1.0, 1.0, &in->src, err) ||
	    activation_md(in, m->cin, &md, err))
		return -1;
	return in_layout(in, in->src, &md, "input", src, err);
}

static void step_arg(struct step *s, int arg, dnnl_memory_t mem)
{
	s->args[s->nargs].arg = arg;
	s->args[s->nargs].memory = mem;
	s->nargs++;
}

/* Adds a primitive for `desc` to the chain (with a relu post-op if asked)
 * and its scratchpad. */
static int step_new(struct onednn_inst *in, const void *desc, int relu_post_op, const char *what,
		    struct step **out, char *err)
{
	const char *label = in->label;
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t ops = NULL;
	const dnnl_memory_desc_t *md;
	struct step *s;
	dnnl_memory_t scratch;
	const char *call;
	dnnl_status_t st;

	assert(in->nsteps < MAX_STEPS);
	s = &in->steps[in->nsteps++];
	s->what = what;
	CK(what, dnnl_primitive_attr_create, &attr);
	call = "dnnl_primitive_attr_set_scratchpad_mode";
	st = dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
	if (st == dnnl_success && relu_post_op) {
		call = "dnnl_post_ops_create";
		st = dnnl_post_ops_create(&ops);
		if (st == dnnl_success) {
			call = "dnnl_post_ops_append_eltwise";
			st = dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
		}
		if (st == dnnl_success) {
			call = "dnnl_primitive_attr_set_post_ops";
			st = dnnl_primitive_attr_set_post_ops(attr, ops);
		}
		if (ops)
			dnnl_post_ops_destroy(ops);
	}
	if (st == dnnl_success) {
		call = "dnnl_primitive_desc_create";
		st = dnnl_primitive_desc_create(&s->pd, desc, attr, in->ctx->engine, NULL);
	}
	dnnl_primitive_attr_destroy(attr);
	if (check(label, st, call, what, err))
		return -1;
	CK(what, dnnl_primitive_create, &s->prim, s->pd);
	md = dnnl_primitive_desc_query_md(s->pd, dnnl_query_scratchpad_md, 0);
	if (md && dnnl_memory_desc_get_size(md) > 0) {
		if (mem_new(in, md, "scratchpad", &scratch, err))
			return -1;
		step_arg(s, DNNL_ARG_SCRATCHPAD, scratch);
	}
	*out = s;
	return 0;
}

/* The output memory of step s. */
static int step_dst(struct onednn_inst *in, struct step *s, dnnl_memory_t *dst, char *err)
{
	const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(s->pd, dnnl_query_dst_md, 0);

	if (!md)
		return err_set(err, "%s: dnnl_primitive_desc_query_md (dst of the %s) failed",
			       in->label, s->what);
	if (mem_new(in, md, "dst", dst, err))
		return -1;
	step_arg(s, DNNL_ARG_DST, *dst);
	return 0;
}

static int build_conv(struct onednn_inst *in, int relu_post_op, dnnl_memory_t *dst, char *err)
{
	const char *label = in->label;
	const struct module_shape *m = &in->m;
	long lo = module_out_hw(m), pad = module_padding(m);
	dnnl_dims_t src_d = { m->batch, m->cin, m->hw, m->hw };
	dnnl_dims_t wei_d = { m->cout, m->cin, m->kernel, m->kernel };
	dnnl_dims_t bias_d = { m->cout };
	dnnl_dims_t dst_d = { m->batch, m->cout, lo, lo };
	dnnl_dims_t strides = { m->stride, m->stride }, padding = { pad, pad };
	dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md;
	dnnl_convolution_desc_t desc;
	double bound = 1.0 / sqrt((double)m->cin * m->kernel * m->kernel);
	dnnl_memory_t src, wei;
	struct step *s;

	CK("conv src", dnnl_memory_desc_init_by_tag, &src_md, 4, src_d, dnnl_f32, dnnl_format_tag_any);
	CK("conv weights", dnnl_memory_desc_init_by_tag, &wei_md, 4, wei_d, dnnl_f32,
	   dnnl_format_tag_any);
	CK("conv bias", dnnl_memory_desc_init_by_tag, &bias_md, 1, bias_d, dnnl_f32, dnnl_a);
	CK("conv dst", dnnl_memory_desc_init_by_tag, &dst_md, 4, dst_d, dnnl_f32, dnnl_format_tag_any);
	CK("convolution", dnnl_convolution_forward_desc_init, &desc, dnnl_forward_inference,
	   dnnl_convolution_direct, &src_md, &wei_md, &bias_md, &dst_md, strides, padding, padding);
	if (step_new(in, &desc, relu_post_op, "convolution", &s, err))
		return -1;
	/* PyTorch's default init: weights and bias uniform in +-1/sqrt(fan_in) */
	if (plain_new(in, 4, src_d, "input", 1, -1.0, 1.0, &in->src, err) ||
	    plain_new(in, 4, wei_d, "weights", 2, -bound, bound, &in->weights, err) ||
	    plain_new(in, 1, bias_d, "bias", 3, -bound, bound, &in->bias, err) ||
	    as_arg(in, s, DNNL_ARG_SRC, in->src, "input", &src, err) ||
	    as_arg(in, s, DNNL_ARG_WEIGHTS, in->weights, "weights", &wei, err))
		return -1;
	step_arg(s, DNNL_ARG_SRC, src);
	step_arg(s, DNNL_ARG_WEIGHTS, wei);
	step_arg(s, DNNL_ARG_BIAS, in->bias);
	return step_dst(in, s, dst, err);
}

static int build_linear(struct onednn_inst *in, dnnl_memory_t *dst, char *err)
{
	const char *label = in->label;
	const struct module_shape *m = &in->m;
	dnnl_dims_t src_d = { m->batch, m->cin }, wei_d = { m->cout, m->cin };
	dnnl_dims_t bias_d = { m->cout }, dst_d = { m->batch, m->cout };
	dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md;
	dnnl_inner_product_desc_t desc;
	double bound = 1.0 / sqrt((double)m->cin);
	dnnl_memory_t wei;
	struct step *s;

	CK("linear src", dnnl_memory_desc_init_by_tag, &src_md, 2, src_d, dnnl_f32, dnnl_ab);
	CK("linear weights", dnnl_memory_desc_init_by_tag, &wei_md, 2, wei_d, dnnl_f32,
	   dnnl_format_tag_any);
	CK("linear bias", dnnl_memory_desc_init_by_tag, &bias_md, 1, bias_d, dnnl_f32, dnnl_a);
	CK("linear dst", dnnl_memory_desc_init_by_tag, &dst_md, 2, dst_d, dnnl_f32, dnnl_ab);
	CK("inner product", dnnl_inner_product_forward_desc_init, &desc, dnnl_forward_inference,
	   &src_md, &wei_md, &bias_md, &dst_md);
	if (step_new(in, &desc, 0, "inner product", &s, err) ||
	    plain_new(in, 2, src_d, "input", 1, -1.0, 1.0, &in->src, err) ||
	    plain_new(in, 2, wei_d, "weights", 2, -bound, bound, &in->weights, err) ||
	    plain_new(in, 1, bias_d, "bias", 3, -bound, bound, &in->bias, err) ||
	    as_arg(in, s, DNNL_ARG_WEIGHTS, in->weights, "weights", &wei, err))
		return -1;
	step_arg(s, DNNL_ARG_SRC, in->src);
	step_arg(s, DNNL_ARG_WEIGHTS, wei);
	step_arg(s, DNNL_ARG_BIAS, in->bias);
	return step_dst(in, s, dst, err);
}

static int build_pool(struct onednn_inst *in, dnnl_memory_t *dst, char *err)
{
	const char *label = in->label;
	const struct module_shape *m = &in->m;
	long lo = module_out_hw(m);
	dnnl_dims_t dst_d = { m->batch, m->cin, lo, lo };
	dnnl_dims_t strides = { m->stride, m->stride }, kernel = { m->kernel, m->kernel };
	dnnl_dims_t padding = { 0, 0 };
	dnnl_alg_kind_t alg = m->kind == MODULE_MAXPOOL ? dnnl_pooling_max
							: dnnl_pooling_avg_include_padding;
	dnnl_memory_desc_t dst_md;
	dnnl_pooling_desc_t desc;
	dnnl_memory_t src;
	struct step *s;

	if (activation_input(in, &src, err))
		return -1;
	CK("pool dst", dnnl_memory_desc_init_by_tag, &dst_md, 4, dst_d, dnnl_f32, dnnl_format_tag_any);
	CK("pooling", dnnl_pooling_forward_desc_init, &desc, dnnl_forward_inference, alg,
	   mem_desc(src), &dst_md, strides, kernel, padding, padding);
	if (step_new(in, &desc, 0, "pooling", &s, err))
		return -1;
	step_arg(s, DNNL_ARG_SRC, src);
	return step_dst(in, s, dst, err);
}

/* Batch normalization of `src` (C channels), into a new dst. */
static int build_bn(struct onednn_inst *in, dnnl_memory_t src, int fuse_relu, dnnl_memory_t *dst,
		    char *err)
{
	const char *label = in->label;
	const struct module_shape *m = &in->m;
	dnnl_dims_t c_d = { module_has_conv(m->kind) ? m->cout : m->cin };
	unsigned flags = dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift;
	dnnl_batch_normalization_desc_t desc;
	struct step *s;

	if (fuse_relu)
		flags |= dnnl_fuse_norm_relu;
	CK("batch normalization", dnnl_batch_normalization_forward_desc_init, &desc,
	   dnnl_forward_inference, mem_desc(src), BN_EPSILON, flags);
	if (step_new(in, &desc, 0, "batch normalization", &s, err) ||
	    plain_new(in, 1, c_d, "bn mean", 4, -0.1, 0.1, &in->mean, err) ||
	    plain_new(in, 1, c_d, "bn variance", 5, 0.5, 1.5, &in->var, err) ||
	    plain_new(in, 1, c_d, "bn scale", 6, 0.5, 1.5, &in->scale, err) ||
	    plain_new(in, 1, c_d, "bn shift", 7, -0.5, 0.5, &in->shift, err))
		return -1;
	step_arg(s, DNNL_ARG_SRC, src);
	step_arg(s, DNNL_ARG_MEAN, in->mean);
	step_arg(s, DNNL_ARG_VARIANCE, in->var);
	step_arg(s, DNNL_ARG_SCALE, in->scale);
	step_arg(s, DNNL_ARG_SHIFT, in->shift);
	return step_dst(in, s, dst, err);
}

/* An eltwise relu primitive, in place on data. */
static int build_relu(struct onednn_inst *in, dnnl_memory_t data, char *err)
{
	const char *label = in->label;
	dnnl_eltwise_desc_t desc;
	struct step *s;

	CK("relu", dnnl_eltwise_forward_desc_init, &desc, dnnl_forward_inference, dnnl_eltwise_relu,
	   mem_desc(data), 0.0f, 0.0f);
	if (step_new(in, &desc, 0, "relu", &s, err))
		return -1;
	step_arg(s, DNNL_ARG_SRC, data);
	step_arg(s, DNNL_ARG_DST, data);
	return 0;
}

static int check_shape(const struct onednn_inst *in, char *err)
{
	const struct module_shape *m = &in->m;
	unsigned p = module_params(m->kind);

	if (m->batch < 1 || m->cin < 1)
		return err_set(err, "%s: batch and cin must be at least 1", in->label);
	if ((p & PARAM_COUT) && m->cout < 1)
		return err_set(err, "%s: cout must be at least 1", in->label);
	if ((p & PARAM_HW) && m->hw < 1)
		return err_set(err, "%s: hw must be at least 1", in->label);
	if ((p & PARAM_KERNEL) && (m->kernel < 1 || m->stride < 1))
		return err_set(err, "%s: kernel and stride must be at least 1", in->label);
	if ((p & PARAM_KERNEL) && module_out_hw(m) < 1)
		return err_set(err, "%s: kernel %ld is larger than the padded input (%ld + 2*%ld)",
			       in->label, m->kernel, m->hw, module_padding(m));
	return 0;
}

static void make_label(struct onednn_inst *in)
{
	static const struct {
		unsigned bit;
		const char *name;
	} params[] = {
		{ PARAM_BATCH, "batch" }, { PARAM_CIN, "cin" },       { PARAM_COUT, "cout" },
		{ PARAM_HW, "hw" },       { PARAM_KERNEL, "kernel" }, { PARAM_STRIDE, "stride" },
	};
	const struct module_shape *m = &in->m;
	long v[] = { m->batch, m->cin, m->cout, m->hw, m->kernel, m->stride };
	unsigned have = module_params(m->kind);
	size_t n, i;
	const char *sep = " (";

	n = (size_t)snprintf(in->label, sizeof(in->label), "%s", module_name(m->kind));
	for (i = 0; i < sizeof(params) / sizeof(params[0]) && n < sizeof(in->label); i++)
		if (have & params[i].bit) {
			n += (size_t)snprintf(in->label + n, sizeof(in->label) - n, "%s%s %ld", sep,
					      params[i].name, v[i]);
			sep = ", ";
		}
	if (n < sizeof(in->label))
		snprintf(in->label + n, sizeof(in->label) - n, ")");
}

static int build(struct onednn_inst *in, char *err)
{
	const struct module_shape *m = &in->m;
	int relu = module_has_relu(m->kind), bn = module_has_bn(m->kind);
	int fuse = relu && in->ctx->fuse_relu;
	dnnl_memory_t cur;

	if (module_has_conv(m->kind)) {
		if (build_conv(in, fuse && !bn, &cur, err))
			return -1;
	} else if (m->kind == MODULE_LINEAR) {
		if (build_linear(in, &cur, err))
			return -1;
	} else if (m->kind == MODULE_MAXPOOL || m->kind == MODULE_AVGPOOL) {
		if (build_pool(in, &cur, err))
			return -1;
	} else if (activation_input(in, &cur, err)) { /* bn, bn-relu */
		return -1;
	}
	if (bn && build_bn(in, cur, fuse, &cur, err))
		return -1;
	if (relu && !fuse && build_relu(in, cur, err))
		return -1;
	in->dst = cur;
	return 0;
}

static int onednn_prepare(void *vctx, const struct module_shape *m, void **out, char *err)
{
	struct onednn_ctx *ctx = vctx;
	struct onednn_inst *in;

	*out = NULL;
	if ((unsigned)m->kind >= MODULE_COUNT)
		return err_set(err, "onednn: unknown module kind %d", (int)m->kind);
	in = xcalloc(1, sizeof(*in), err);
	if (!in)
		return -1;
	in->ctx = ctx;
	in->m = *m;
	make_label(in);
	set_threads(ctx->threads);
	if (check_shape(in, err) || build(in, err)) {
		onednn_release(in);
		return -1;
	}
	*out = in;
	return 0;
}

static int onednn_run(void *vin, char *err)
{
	struct onednn_inst *in = vin;
	const char *label = in->label;
	int i;

	set_threads(in->ctx->threads);
	for (i = 0; i < in->nsteps; i++)
		CK(in->steps[i].what, dnnl_primitive_execute, in->steps[i].prim, in->ctx->stream,
		   in->steps[i].nargs, in->steps[i].args);
	CK("run", dnnl_stream_wait, in->ctx->stream);
	return 0;
}

/* Creates the plain dst and the reorder into it, the first time. */
static int plain_dst_init(struct onednn_inst *in, char *err)
{
	const char *label = in->label;
	const struct module_shape *m = &in->m;
	long c = module_has_conv(m->kind) || m->kind == MODULE_LINEAR ? m->cout : m->cin;
	long lo = module_out_hw(m);
	dnnl_dims_t d4 = { m->batch, c, lo, lo }, d2 = { m->batch, c };
	dnnl_memory_desc_t md;
	dnnl_primitive_desc_t pd;
	dnnl_status_t st;

	if (m->kind == MODULE_LINEAR)
		CK("plain output", dnnl_memory_desc_init_by_tag, &md, 2, d2, dnnl_f32, dnnl_ab);
	else
		CK("plain output", dnnl_memory_desc_init_by_tag, &md, 4, d4, dnnl_f32, dnnl_abcd);
	if (dnnl_memory_desc_equal(&md, mem_desc(in->dst))) {
		in->plain_dst = in->dst;
		return 0;
	}
	if (mem_new(in, &md, "plain output", &in->plain_dst, err))
		return -1;
	CK("plain output", dnnl_reorder_primitive_desc_create, &pd, mem_desc(in->dst),
	   in->ctx->engine, &md, in->ctx->engine, NULL);
	st = dnnl_primitive_create(&in->dst_reorder, pd);
	dnnl_primitive_desc_destroy(pd);
	return check(label, st, "dnnl_primitive_create", "plain output", err);
}

int backend_onednn_buffers(void *vin, struct onednn_buffers *b, char *err)
{
	struct onednn_inst *in = vin;
	const char *label = in->label;
	int i;

	memset(b, 0, sizeof(*b));
	if (!in->plain_dst && plain_dst_init(in, err))
		return -1;
	if (in->dst_reorder) {
		dnnl_exec_arg_t args[2] = { { DNNL_ARG_FROM, in->dst },
					    { DNNL_ARG_TO, in->plain_dst } };

		set_threads(in->ctx->threads);
		CK("plain output", dnnl_primitive_execute, in->dst_reorder, in->ctx->stream, 2, args);
		CK("plain output", dnnl_stream_wait, in->ctx->stream);
	}
	b->input = mem_data(in->src);
	b->weights = in->weights ? mem_data(in->weights) : NULL;
	b->bias = in->bias ? mem_data(in->bias) : NULL;
	if (in->mean) {
		b->bn_mean = mem_data(in->mean);
		b->bn_var = mem_data(in->var);
		b->bn_scale = mem_data(in->scale);
		b->bn_shift = mem_data(in->shift);
		b->bn_epsilon = BN_EPSILON;
	}
	b->output = mem_data(in->plain_dst);
	for (i = 0; i < in->nsteps; i++) {
		const char *impl = NULL;

		CK(in->steps[i].what, dnnl_primitive_desc_query, in->steps[i].pd,
		   dnnl_query_impl_info_str, 0, &impl);
		b->impl[i] = impl;
	}
	return 0;
}

const struct backend_ops backend_onednn = {
	.name = "onednn",
	.version = onednn_version,
	.open = onednn_open,
	.prepare = onednn_prepare,
	.run = onednn_run,
	.release = onednn_release,
	.close = onednn_close,
};
