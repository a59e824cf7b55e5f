#include "sample.h"

#include <stdlib.h>

#include "err.h"
#include "rng.h"

#define MAX_REJECTS_IN_A_ROW 1000

static long draw_range(struct rng *r, const long *range)
{
	return (long)rng_range(r, range[0], range[1]);
}

static long draw_set(struct rng *r, const struct int_set *s)
{
	return s->v[rng_range(r, 0, s->n - 1)];
}

int sample_shapes(const struct sampling *s, enum module_kind m, uint64_t seed,
		  struct module_shape *shapes, struct sample_stats *st, char *err)
{
	unsigned p = module_params(m);
	struct rng r;
	long i = 0, misses = 0;

	st->rejected_shape = st->rejected_flops = st->rejected_mem = 0;
	rng_init(&r, seed, (uint64_t)m + 1);
	while (i < s->count) {
		struct module_shape sh = { .kind = m };

		/* always draw every parameter, so the stream does not depend on
		 * which ones the module uses */
		sh.batch = draw_range(&r, s->batch);
		sh.cin = draw_range(&r, s->cin);
		sh.cout = draw_range(&r, s->cout);
		sh.hw = draw_set(&r, &s->hw);
		sh.kernel = draw_set(&r, &s->kernel);
		sh.stride = draw_set(&r, &s->stride);
		if (!(p & PARAM_COUT))
			sh.cout = 0;
		if (!(p & PARAM_HW))
			sh.hw = 0;
		if (!(p & PARAM_KERNEL))
			sh.kernel = 0;
		if (!(p & PARAM_STRIDE))
			sh.stride = 0;
		if ((p & PARAM_KERNEL) && module_out_hw(&sh) <= 0)
			st->rejected_shape++;
		else if (module_flops(&sh) > s->flop_cap)
			st->rejected_flops++;
		else if (module_bytes(&sh) > s->mem_cap_mb * 1048576.0)
			st->rejected_mem++;
		else {
			shapes[i++] = sh;
			misses = 0;
			continue;
		}
		if (++misses == MAX_REJECTS_IN_A_ROW)
			return err_set(err,
				       "%s: %d draws in a row rejected (shape %ld, flop cap %ld, "
				       "memory cap %ld): widen the ranges or raise the caps",
				       module_name(m), MAX_REJECTS_IN_A_ROW, st->rejected_shape,
				       st->rejected_flops, st->rejected_mem);
	}
	return 0;
}

static const struct {
	unsigned param;
	const char *name;
} sampling_features[] = {
	{ PARAM_BATCH, "batch" },   { PARAM_CIN, "cin" },       { PARAM_COUT, "cout" },
	{ PARAM_HW, "hw" },         { PARAM_KERNEL, "kernel" }, { PARAM_STRIDE, "stride" },
};

static long shape_param(const struct module_shape *sh, unsigned param)
{
	switch (param) {
	case PARAM_BATCH: return sh->batch;
	case PARAM_CIN: return sh->cin;
	case PARAM_COUT: return sh->cout;
	case PARAM_HW: return sh->hw;
	case PARAM_KERNEL: return sh->kernel;
	default: return sh->stride;
	}
}

int sample_dataset(const struct experiment *x, enum module_kind m, const char *experiment_name,
		   struct dataset *ds, char *err)
{
	const struct sampling *s = &x->sampling[m];
	unsigned p = module_params(m);
	struct module_shape *shapes;
	struct sample_stats st;
	size_t i, j, d = 0, nsamp = 0;
	int weights = module_has_weights(m);

	for (j = 0; j < sizeof(sampling_features) / sizeof(sampling_features[0]); j++)
		nsamp += (p & sampling_features[j].param) != 0;
	d = nsamp + 3 + (weights ? 1 : 0); /* data_size, [param_count], flops, out_size */
	shapes = xcalloc((size_t)s->count, sizeof(*shapes), err);
	if (!shapes)
		return -1;
	if (sample_shapes(s, m, x->seed, shapes, &st, err) < 0 ||
	    dataset_init(ds, (size_t)s->count, d, 0, err) < 0) {
		free(shapes);
		return -1;
	}
	for (j = 0, d = 0; j < sizeof(sampling_features) / sizeof(sampling_features[0]); j++)
		if (p & sampling_features[j].param)
			if (dataset_set_feature(ds, d++, sampling_features[j].name, "sampling", err) < 0)
				goto fail;
	if (dataset_set_feature(ds, d++, "data_size", "inferable", err) < 0 ||
	    (weights && dataset_set_feature(ds, d++, "param_count", "inferable", err) < 0) ||
	    dataset_set_feature(ds, d++, "flops", "inferable", err) < 0 ||
	    dataset_set_feature(ds, d++, "out_size", "inferable", err) < 0)
		goto fail;
	for (i = 0; i < ds->n; i++) {
		double *row = &ds->features[i * ds->d];
		const struct module_shape *sh = &shapes[i];

		for (j = 0, d = 0; j < sizeof(sampling_features) / sizeof(sampling_features[0]); j++)
			if (p & sampling_features[j].param)
				row[d++] = (double)shape_param(sh, sampling_features[j].param);
		row[d++] = module_data_size(sh);
		if (weights)
			row[d++] = module_param_count(sh);
		row[d++] = module_flops(sh);
		row[d++] = module_out_size(sh);
	}
	dataset_assign_split(ds->split, ds->n, x->split, x->seed ^ (uint64_t)m);
	free(shapes);
	if (attrs_set_str(&ds->attrs, "module", module_name(m), err) < 0 ||
	    attrs_set_str(&ds->attrs, "experiment", experiment_name, err) < 0 ||
	    attrs_set_int(&ds->attrs, "seed", (int64_t)x->seed, err) < 0 ||
	    attrs_set_num(&ds->attrs, "flop_cap", s->flop_cap, err) < 0 ||
	    attrs_set_num(&ds->attrs, "mem_cap_mb", s->mem_cap_mb, err) < 0 ||
	    attrs_set_int(&ds->attrs, "rejected_shape", st.rejected_shape, err) < 0 ||
	    attrs_set_int(&ds->attrs, "rejected_flops", st.rejected_flops, err) < 0 ||
	    attrs_set_int(&ds->attrs, "rejected_mem", st.rejected_mem, err) < 0 ||
	    attrs_set_int(&ds->attrs, "rejected",
			  st.rejected_shape + st.rejected_flops + st.rejected_mem, err) < 0 ||
	    attrs_set_str(&ds->attrs, "tool_version", MODLAT_VERSION, err) < 0)
		goto fail_ds;
	return 0;
fail:
	free(shapes);
fail_ds:
	dataset_release(ds);
	return -1;
}
