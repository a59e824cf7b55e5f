/* The public prediction API: the same numbers as the model layer, inferable
 * parameters as module.c computes them, the machine's state, bad input, and a
 * selection's per-module dispatch and schemes. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "err.h"
#include "h5io.h"
#include "modlat.h"
#include "model.h"
#include "module.h"
#include "rm.h"
#include "rng.h"
#include "select.h"
#include "unit.h"
#include "util.h"

/* A synthetic dataset of module kind in the contract: the module's sampling
 * parameters, mem_avail (2e10 to 2.1e10), util (0 to 0.2), then the
 * inferable ones from module.c (as gen and bench lay them out); latency
 * linear in flops and util; 120 rows. */
static void synth(struct dataset *ds, enum module_kind kind)
{
	static const char *const sampling[] = { "batch", "cin", "cout", "hw", "kernel", "stride" };
	static const long hws[] = { 7, 8, 13, 14, 28 };
	unsigned params = module_params(kind);
	int ratio[3] = { 7, 1, 2 }, weights = module_has_weights(kind);
	size_t i, j, d = 0, ns = 0;
	char err[ERR_LEN];
	struct rng r;

	for (j = 0; j < 6; j++)
		ns += (params >> j) & 1;
	CU_ASSERT_EQUAL_FATAL(dataset_init(ds, 120, ns + 5 + weights, 1, err), 0);
	for (j = 0; j < 6; j++)
		if (params & (1u << j))
			dataset_set_feature(ds, d++, sampling[j], "sampling", err);
	dataset_set_feature(ds, d++, "mem_avail", "measurable", err);
	dataset_set_feature(ds, d++, "util", "measurable", err);
	dataset_set_feature(ds, d++, "data_size", "inferable", err);
	if (weights)
		dataset_set_feature(ds, d++, "param_count", "inferable", err);
	dataset_set_feature(ds, d++, "flops", "inferable", err);
	dataset_set_feature(ds, d++, "out_size", "inferable", err);
	CU_ASSERT_EQUAL_FATAL(d, ds->d);
	rng_init(&r, 11, (uint64_t)kind);
	for (i = 0; i < ds->n; i++) {
		struct module_shape sh = { kind, 0, 0, 0, 0, 0, 0 };
		double *x = &ds->features[i * ds->d], u = 0.2 * rng_uniform(&r);
		long v[6];

		sh.batch = rng_range(&r, 1, 16);
		sh.cin = rng_range(&r, 3, 64);
		sh.cout = params & PARAM_COUT ? rng_range(&r, 3, 64) : 0;
		sh.hw = params & PARAM_HW ? hws[rng_range(&r, 0, 4)] : 0;
		sh.kernel = params & PARAM_KERNEL ? 2 * rng_range(&r, 0, 2) + 1 : 0;
		sh.stride = params & PARAM_STRIDE ? rng_range(&r, 1, 2) : 0;
		v[0] = sh.batch, v[1] = sh.cin, v[2] = sh.cout, v[3] = sh.hw, v[4] = sh.kernel,
		v[5] = sh.stride;
		d = 0;
		for (j = 0; j < 6; j++)
			if (params & (1u << j))
				x[d++] = (double)v[j];
		x[d++] = 2e10 + 1e9 * rng_uniform(&r);
		x[d++] = u;
		x[d++] = module_data_size(&sh);
		if (weights)
			x[d++] = module_param_count(&sh);
		x[d++] = module_flops(&sh);
		x[d++] = module_out_size(&sh);
		ds->latency_ms[i] = 0.01 + 1e-7 * module_flops(&sh) + 0.005 * u;
		ds->runs_ms[i] = ds->latency_ms[i];
	}
	dataset_assign_split(ds->split, ds->n, ratio, 1);
	attrs_set_str(&ds->attrs, "module", module_name(kind), err);
}

/* Fits lr with feature set fs on kind's synthetic data and writes it to
 * path; m (may be NULL) gets the model as read back. */
static void fit_write(enum module_kind kind, enum feature_set fs, const char *path,
		      struct model *m)
{
	struct rm_settings s;
	struct experiment x;
	struct dataset ds;
	struct model fit;
	char err[ERR_LEN];

	memset(&x, 0, sizeof(x));
	x.seed = 9;
	CU_ASSERT_EQUAL_FATAL(rm_settings_load(&s, "lr", kind, &x, err), 0);
	synth(&ds, kind);
	CU_ASSERT_EQUAL_FATAL(model_fit(&fit, &ds, "lr", fs, &s, err), 0);
	CU_ASSERT_EQUAL_FATAL(attrs_set_str(&fit.attrs, "module", module_name(kind), err), 0);
	CU_ASSERT_EQUAL_FATAL(model_write(&fit, path, err), 0);
	model_release(&fit);
	dataset_release(&ds);
	if (m)
		CU_ASSERT_EQUAL_FATAL(model_read(m, path, err), 0);
}

static const char *tmp(const char *name)
{
	static char buf[8][4096];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/predictor-%s", unit_tmpdir(), name);
	return buf[k];
}

/* A module with its state given. */
static struct modlat_module given(const char *name, long n, long ci, long co, long l, long k,
				  long s)
{
	struct modlat_module m;

	modlat_module_init(&m);
	m.name = name;
	m.batch = n, m.cin = ci, m.cout = co, m.hw = l, m.kernel = k, m.stride = s;
	m.mem_avail = 2.05e10; /* inside the training range of synth */
	m.util = 0.1;
	m.flags = MODLAT_STATE_GIVEN;
	return m;
}

static void test_same_as_model(void)
{
	struct modlat_predictor *p;
	struct modlat_module mod = given("linear", 8, 60, 50, 0, 0, 0);
	struct modlat_result r;
	struct model m;
	char err[MODLAT_ERR_LEN];
	/* batch, cin, cout, mem_avail, util, data_size, param_count, flops, out_size */
	const double x[9] = { 8, 60, 50, 2.05e10, 0.1, 480, 3050, 48400, 400 };
	double v = NAN, w = NAN;

	fit_write(MODULE_LINEAR, FEATURES_ALL, tmp("linear.lr.h5"), &m);
	CU_ASSERT_EQUAL_FATAL(m.d, 9);
	p = modlat_open(tmp("linear.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(modlat_predict(p, &mod, &v, err), 0);
	CU_ASSERT_EQUAL(v, model_predict_one(&m, x)); /* exactly */
	/* and the fit is right: 0.01 + 1e-7 flops + 0.005 util */
	ASSERT_CLOSE(v, 0.01 + 1e-7 * 48400 + 0.005 * 0.1, 1e-9);
	/* in the training range: not flagged; the result names the model */
	CU_ASSERT_EQUAL(modlat_predict_ex(p, &mod, &r, err), 0);
	CU_ASSERT_EQUAL(r.latency_ms, v);
	CU_ASSERT_EQUAL(r.flags, 0);
	CU_ASSERT_PTR_NULL(r.feature);
	CU_ASSERT_STRING_EQUAL(r.model, tmp("linear.lr.h5"));
	ASSERT_CLOSE(r.latency_min_ms, m.lat_min / 10, 1e-15);
	ASSERT_CLOSE(r.latency_max_ms, m.lat_max * 10, 1e-15);
	/* by kind instead of name; other modules' fields are ignored */
	mod.name = NULL;
	mod.kind = MODLAT_LINEAR;
	mod.hw = 99, mod.kernel = 7;
	CU_ASSERT_EQUAL(modlat_predict(p, &mod, &w, err), 0);
	CU_ASSERT_EQUAL(w, v);
	modlat_close(p);
	model_release(&m);
}

/* The feature value called name, NaN if the model has none. */
static double feature(const char *const *names, const double *x, int d, const char *name)
{
	int j;

	for (j = 0; j < d; j++)
		if (!strcmp(names[j], name))
			return x[j];
	return NAN;
}

/* The channel-alignment features (feature set "channels") come from the
 * query's cin and cout, worked out by hand, and the prediction is the
 * model's on them. */
static void test_channels(void)
{
	struct modlat_predictor *p;
	struct modlat_module mod = given("conv", 2, 12, 48, 8, 3, 2);
	const char *const *names;
	struct model m;
	char err[MODLAT_ERR_LEN];
	double x[MODEL_MAX_FEATURES], v;
	int d;

	fit_write(MODULE_CONV, FEATURES_CHANNELS, tmp("conv.lr-ca.h5"), &m);
	p = modlat_open(tmp("conv.lr-ca.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	d = modlat_features(p, &mod, x, MODEL_MAX_FEATURES, &names, err);
	CU_ASSERT_EQUAL_FATAL(d, 22);
	/* cin 12: 16, 16, no, no, 4; cout 48: 48, 48, yes, yes, 16 */
	CU_ASSERT_EQUAL(feature(names, x, d, "cin_ceil8"), 16);
	CU_ASSERT_EQUAL(feature(names, x, d, "cin_ceil16"), 16);
	CU_ASSERT_EQUAL(feature(names, x, d, "cin_div8"), 0);
	CU_ASSERT_EQUAL(feature(names, x, d, "cin_div16"), 0);
	CU_ASSERT_EQUAL(feature(names, x, d, "cin_pow2"), 4);
	CU_ASSERT_EQUAL(feature(names, x, d, "cout_ceil8"), 48);
	CU_ASSERT_EQUAL(feature(names, x, d, "cout_ceil16"), 48);
	CU_ASSERT_EQUAL(feature(names, x, d, "cout_div8"), 1);
	CU_ASSERT_EQUAL(feature(names, x, d, "cout_div16"), 1);
	CU_ASSERT_EQUAL(feature(names, x, d, "cout_pow2"), 16);
	CU_ASSERT_EQUAL(modlat_predict(p, &mod, &v, err), 0);
	CU_ASSERT_EQUAL(v, model_predict_one(&m, x));
	/* cout is needed: a conv query without it is refused */
	mod.cout = 0;
	CU_ASSERT_EQUAL(modlat_predict(p, &mod, &v, err), -1);
	modlat_close(p);
	model_release(&m);

	/* bn has cin only: its nine features and five more */
	fit_write(MODULE_BN, FEATURES_CHANNELS, tmp("bn.lr-ca.h5"), NULL);
	p = modlat_open(tmp("bn.lr-ca.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	mod = given("bn", 2, 40, 0, 8, 0, 0);
	d = modlat_features(p, &mod, x, MODEL_MAX_FEATURES, &names, err);
	CU_ASSERT_EQUAL_FATAL(d, 14);
	CU_ASSERT_EQUAL(feature(names, x, d, "cin_ceil16"), 48);
	CU_ASSERT_EQUAL(feature(names, x, d, "cin_div8"), 1);
	CU_ASSERT_EQUAL(feature(names, x, d, "cin_pow2"), 8);
	CU_ASSERT(isnan(feature(names, x, d, "cout_pow2")));
	modlat_close(p);
}

static void test_inferable(void)
{
	struct modlat_predictor *p;
	struct modlat_module mod = given("conv", 2, 3, 4, 8, 3, 2);
	struct module_shape sh = { MODULE_CONV, 2, 3, 4, 8, 3, 2 };
	const char *const *names;
	struct model m;
	char err[MODLAT_ERR_LEN];
	double x[MODEL_MAX_FEATURES], v;
	int d, j;

	fit_write(MODULE_CONV, FEATURES_ALL, tmp("conv.lr.h5"), &m);
	p = modlat_open(tmp("conv.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	d = modlat_features(p, &mod, x, MODEL_MAX_FEATURES, &names, err);
	CU_ASSERT_EQUAL_FATAL(d, 12);
	for (j = 0; j < d; j++)
		CU_ASSERT_STRING_EQUAL(names[j], m.names[j]);
	/* pad 1, output 4x4: N*Ci*L^2, Co*Ci*K^2 + Co, out*(2*Ci*K^2 + 1), N*Co*4^2 */
	CU_ASSERT_EQUAL(feature(names, x, d, "data_size"), 384);
	CU_ASSERT_EQUAL(feature(names, x, d, "param_count"), 112);
	CU_ASSERT_EQUAL(feature(names, x, d, "flops"), 128 * 55);
	CU_ASSERT_EQUAL(feature(names, x, d, "out_size"), 128);
	CU_ASSERT_EQUAL(feature(names, x, d, "flops"), module_flops(&sh));
	CU_ASSERT_EQUAL(feature(names, x, d, "kernel"), 3);
	CU_ASSERT_EQUAL(feature(names, x, d, "stride"), 2);
	CU_ASSERT_EQUAL(feature(names, x, d, "mem_avail"), 2.05e10);
	CU_ASSERT_EQUAL(feature(names, x, d, "util"), 0.1);
	CU_ASSERT_EQUAL(modlat_predict(p, &mod, &v, err), 0);
	CU_ASSERT_EQUAL(v, model_predict_one(&m, x));
	/* too little room */
	CU_ASSERT_EQUAL(modlat_features(p, &mod, x, 11, NULL, err), -1);
	modlat_close(p);
	model_release(&m);

	/* a pool: no padding, no param_count; output (8 - 3) / 2 + 1 = 3 */
	fit_write(MODULE_MAXPOOL, FEATURES_ALL, tmp("maxpool.lr.h5"), NULL);
	p = modlat_open(tmp("maxpool.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	mod = given("maxpool", 2, 3, 0, 8, 3, 2);
	d = modlat_features(p, &mod, x, MODEL_MAX_FEATURES, &names, err);
	CU_ASSERT_EQUAL_FATAL(d, 10);
	CU_ASSERT_EQUAL(feature(names, x, d, "data_size"), 384);
	CU_ASSERT(isnan(feature(names, x, d, "param_count")));
	CU_ASSERT_EQUAL(feature(names, x, d, "out_size"), 54);
	CU_ASSERT_EQUAL(feature(names, x, d, "flops"), 54 * 9);
	/* a kernel larger than the input has no output */
	mod.kernel = 9;
	CU_ASSERT_EQUAL(modlat_predict(p, &mod, &v, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not fit"));
	modlat_close(p);
}

static void expect_error(const struct modlat_predictor *p, const struct modlat_module *m,
			 const char *msg)
{
	char err[MODLAT_ERR_LEN] = "";
	double v = 42;

	CU_ASSERT_EQUAL(modlat_predict(p, m, &v, err), -1);
	CU_ASSERT_EQUAL(v, 42); /* untouched */
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
	if (!strstr(err, msg))
		fprintf(stderr, "\n  expected '%s' in '%s'\n", msg, err);
}

static void test_bad_input(void)
{
	struct modlat_predictor *p;
	struct modlat_module ok = given("linear", 8, 60, 50, 0, 0, 0), m;
	struct modlat_module conv = given("conv", 2, 3, 4, 8, 3, 2);
	struct h5_out out;
	char err[MODLAT_ERR_LEN];
	double v = NAN;
	FILE *f;

	fit_write(MODULE_LINEAR, FEATURES_ALL, tmp("linear.lr.h5"), NULL);
	p = modlat_open(tmp("linear.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	m = ok, m.name = "conv";
	expect_error(p, &m, "a model of module 'linear', not 'conv'");
	m = ok, m.name = "conv2d";
	expect_error(p, &m, "unknown module 'conv2d'");
	m = ok, m.name = NULL, m.kind = (enum modlat_kind)99;
	expect_error(p, &m, "unknown module kind 99");
	m = ok, m.cout = 0;
	expect_error(p, &m, "'cout' is missing");
	m = ok, m.batch = -1;
	expect_error(p, &m, "'batch' is -1");
	/* a measurable marked given but missing (NaN) or out of range */
	m = ok, m.mem_avail = NAN;
	expect_error(p, &m, "mem_avail is nan");
	m = ok, m.util = NAN, m.flags = MODLAT_UTIL_GIVEN;
	expect_error(p, &m, "util is nan");
	m = ok, m.util = 1.5;
	expect_error(p, &m, "util is 1.5");
	m = ok, m.util = -0.01;
	expect_error(p, &m, "util is -0.01");
	m = ok, m.mem_avail = 0;
	expect_error(p, &m, "mem_avail is 0, expected bytes > 0");
	m = ok, m.mem_avail = -5;
	expect_error(p, &m, "mem_avail is -5");
	m = ok, m.mem_avail = INFINITY;
	expect_error(p, &m, "mem_avail is inf");
	m = ok, m.mem_avail = 1e20;
	expect_error(p, &m, "mem_avail is 1e+20, expected bytes > 0 and at most 2^64");
	/* and after all that, the good query still answers the fitted value */
	CU_ASSERT_EQUAL(modlat_predict(p, &ok, &v, err), 0);
	ASSERT_CLOSE(v, 0.01 + 1e-7 * 48400 + 0.005 * 0.1, 1e-9);
	modlat_close(p);

	/* shapes that cannot exist */
	fit_write(MODULE_CONV, FEATURES_ALL, tmp("conv.lr.h5"), NULL);
	p = modlat_open(tmp("conv.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	m = conv, m.hw = 0;
	expect_error(p, &m, "'hw' is missing (0 means not given), the model needs a value of 1 to");
	m = conv, m.hw = 1000000000;
	expect_error(p, &m, "module 'conv': batch 2, cin 3, cout 4, hw 1000000000, kernel 3, stride 2 "
			    "make tensors of 3.2e+19 bytes, more than the 2^48");
	m = conv, m.batch = 100000, m.cin = 100000, m.hw = 1000;
	expect_error(p, &m, "make tensors of");
	m = conv, m.kernel = 2000000000L;
	expect_error(p, &m, "'kernel' is 2000000000, expected 1 to");
	m = conv, m.stride = -2;
	expect_error(p, &m, "'stride' is -2");
	CU_ASSERT_EQUAL(modlat_predict(p, &conv, &v, err), 0);
	CU_ASSERT(isfinite(v) && v > 0);
	modlat_close(p);

	/* a given measurable is checked even when the model does not use it */
	fit_write(MODULE_LINEAR, FEATURES_NO_MEASURABLE, tmp("linear.xm.h5"), NULL);
	p = modlat_open(tmp("linear.xm.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	m = ok, m.util = 1.5;
	expect_error(p, &m, "util is 1.5");
	m = ok, m.mem_avail = -1;
	expect_error(p, &m, "mem_avail is -1");
	modlat_close(p);

	/* files */
	CU_ASSERT_PTR_NULL(modlat_open(tmp("nonexistent.h5"), err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nonexistent.h5"));
	f = fopen(tmp("text.h5"), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("not hdf5\n", f);
	fclose(f);
	CU_ASSERT_PTR_NULL(modlat_open(tmp("text.h5"), err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an hdf5 file"));
	CU_ASSERT_EQUAL_FATAL(h5_create(&out, tmp("eval.h5"), "modlat-eval", 1, err), 0);
	CU_ASSERT_EQUAL_FATAL(h5_commit(&out, err), 0);
	CU_ASSERT_PTR_NULL(modlat_open(tmp("eval.h5"), err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "format is 'modlat-eval'"));
	CU_ASSERT_PTR_NULL(modlat_open_scheme(tmp("linear.lr.h5"), "fast", err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown scheme 'fast'"));
	modlat_close(NULL);
}

static void test_live_state(void)
{
	struct modlat_predictor *p;
	struct modlat_result r;
	struct model xm;
	struct modlat_module m;
	const char *const *names;
	char err[MODLAT_ERR_LEN];
	double x[MODEL_MAX_FEATURES], t0, v;
	int d;

	fit_write(MODULE_LINEAR, FEATURES_ALL, tmp("linear.lr.h5"), NULL);
	t0 = now_s();
	p = modlat_open(tmp("linear.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	modlat_module_init(&m);
	m.kind = MODLAT_LINEAR;
	m.batch = 4, m.cin = 16, m.cout = 16;
	d = modlat_features(p, &m, x, MODEL_MAX_FEATURES, &names, err);
	CU_ASSERT_EQUAL_FATAL(d, 9);
	/* the first read waits for a utilisation window since the open */
	CU_ASSERT(now_s() - t0 >= 0.19);
	CU_ASSERT(feature(names, x, d, "mem_avail") > 0);
	CU_ASSERT(feature(names, x, d, "util") >= 0 && feature(names, x, d, "util") <= 1);
	/* a live prediction is a bounded number */
	CU_ASSERT_EQUAL(modlat_predict_ex(p, &m, &r, err), 0);
	CU_ASSERT(isfinite(r.latency_ms) && r.latency_ms >= r.latency_min_ms &&
		  r.latency_ms <= r.latency_max_ms && r.latency_ms > 0);
	/* one given, the other live; 123 bytes is far below the training range
	 * (2e10 to 2.1e10): answered, bounded, flagged */
	m.mem_avail = 123;
	m.flags = MODLAT_MEM_GIVEN;
	d = modlat_features(p, &m, x, MODEL_MAX_FEATURES, &names, err);
	CU_ASSERT_EQUAL(feature(names, x, d, "mem_avail"), 123);
	CU_ASSERT(feature(names, x, d, "util") >= 0 && feature(names, x, d, "util") <= 1);
	CU_ASSERT_EQUAL(modlat_predict_ex(p, &m, &r, err), 0);
	CU_ASSERT(r.flags & MODLAT_OUT_OF_RANGE);
	CU_ASSERT_STRING_EQUAL(r.feature ? r.feature : "", "mem_avail");
	CU_ASSERT_EQUAL(r.value, 123);
	CU_ASSERT(r.train_min >= 2e10 && r.train_max <= 2.1e10);
	CU_ASSERT(isfinite(r.latency_ms) && r.latency_ms >= r.latency_min_ms &&
		  r.latency_ms <= r.latency_max_ms);
	modlat_close(p);

	/* a model without measurables does not read the state; a given util
	 * must still be one */
	fit_write(MODULE_LINEAR, FEATURES_NO_MEASURABLE, tmp("linear.xm.h5"), &xm);
	p = modlat_open(tmp("linear.xm.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	m.flags = MODLAT_STATE_GIVEN; /* util NaN: refused, even though not used */
	v = 42;
	CU_ASSERT_EQUAL(modlat_predict(p, &m, &v, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "util is nan"));
	CU_ASSERT_EQUAL(v, 42);
	m.util = 0.5;
	CU_ASSERT_EQUAL(modlat_features(p, &m, x, MODEL_MAX_FEATURES, NULL, err), 7);
	CU_ASSERT_EQUAL(modlat_predict(p, &m, &v, err), 0);
	CU_ASSERT_EQUAL(v, model_predict_one(&xm, x));
	/* batch 4, cin 16, cout 16: 0.01 + 1e-7 flops (4 * 16 * 33) and util's
	 * share, which this model cannot see (0 to 0.001; its mean 0.0005) */
	CU_ASSERT(fabs(v - (0.01 + 1e-7 * 2112 + 0.0005)) < 6e-4);
	modlat_close(p);
	model_release(&xm);
}

/* Writes a selection whose time scheme picks time[i] and space scheme
 * space[i] for modules[i]. */
static void write_selection(const char *path, size_t n, const char *const *modules,
			    const char *const *time, const char *const *space)
{
	struct select_entry te[4], se[4];
	struct select_result r;
	char err[ERR_LEN];
	size_t i;

	memset(&r, 0, sizeof(r));
	memset(te, 0, sizeof(te));
	memset(se, 0, sizeof(se));
	r.experiment = "unit";
	r.environment = "static";
	r.eps_a = r.eps_r = 0.05;
	r.n = n;
	r.time = te;
	r.space = se;
	for (i = 0; i < n; i++) {
		te[i].module = se[i].module = (char *)modules[i];
		te[i].variant = se[i].variant = "lr";
		te[i].model = (char *)time[i];
		se[i].model = (char *)space[i];
	}
	CU_ASSERT_EQUAL_FATAL(select_write(&r, path, err), 0);
}

static void test_selection(void)
{
	static const char *const modules[] = { "conv", "linear" };
	struct modlat_predictor *p;
	struct modlat_module c = given("conv", 2, 3, 4, 8, 3, 2), l = given("linear", 8, 60, 50, 0, 0, 0);
	struct module_shape csh = { MODULE_CONV, 2, 3, 4, 8, 3, 2 };
	struct model conv, lin, lin_s;
	char err[MODLAT_ERR_LEN], dir[4096], cmd[4200];
	const char *time[2], *space[2], *bad[2];
	double x[MODEL_MAX_FEATURES], v;
	int d;

	snprintf(dir, sizeof(dir), "%s", tmp("sel"));
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/models'", dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	fit_write(MODULE_CONV, FEATURES_ALL, tmp("sel/models/conv.lr.h5"), &conv);
	fit_write(MODULE_LINEAR, FEATURES_ALL, tmp("sel/models/linear.lr.h5"), &lin);
	fit_write(MODULE_LINEAR, FEATURES_SAMPLING, tmp("sel/models/linear.medn-r.h5"), &lin_s);
	/* as select writes them (relative to where it ran, here nowhere: found
	 * beside the selection), and one absolute path */
	time[0] = space[0] = "data/nowhere/static/models/conv.lr.h5";
	time[1] = tmp("sel/models/linear.lr.h5");
	space[1] = "data/nowhere/static/models/linear.medn-r.h5";
	write_selection(tmp("sel/selection.h5"), 2, modules, time, space);

	p = modlat_open(tmp("sel/selection.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	d = modlat_features(p, &c, x, MODEL_MAX_FEATURES, NULL, err);
	CU_ASSERT_EQUAL(d, 12);
	CU_ASSERT_EQUAL(modlat_predict(p, &c, &v, err), 0);
	CU_ASSERT_EQUAL(v, model_predict_one(&conv, x));
	/* the data is exactly linear: LR recovers 0.01 + 1e-7 flops + 0.005 util */
	ASSERT_CLOSE(v, 0.01 + 1e-7 * module_flops(&csh) + 0.005 * 0.1, 1e-9);
	d = modlat_features(p, &l, x, MODEL_MAX_FEATURES, NULL, err);
	CU_ASSERT_EQUAL(d, 9);
	CU_ASSERT_EQUAL(modlat_predict(p, &l, &v, err), 0);
	CU_ASSERT_EQUAL(v, model_predict_one(&lin, x));
	ASSERT_CLOSE(v, 0.01 + 1e-7 * 48400 + 0.005 * 0.1, 1e-9);
	c.name = "bn";
	expect_error(p, &c, "the time-efficient selection has no model for module 'bn'");
	c.name = "conv";
	modlat_close(p);

	/* the space scheme: linear's model takes only batch, cin, cout */
	p = modlat_open_scheme(tmp("sel/selection.h5"), "space", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	d = modlat_features(p, &l, x, MODEL_MAX_FEATURES, NULL, err);
	CU_ASSERT_EQUAL_FATAL(d, 3);
	CU_ASSERT_EQUAL(x[0], 8);
	CU_ASSERT_EQUAL(x[2], 50);
	CU_ASSERT_EQUAL(modlat_predict(p, &l, &v, err), 0);
	CU_ASSERT_EQUAL(v, model_predict_one(&lin_s, x));
	/* conv's space choice is the same file as its time choice */
	d = modlat_features(p, &c, x, MODEL_MAX_FEATURES, NULL, err);
	CU_ASSERT_EQUAL(d, 12);
	v = NAN;
	CU_ASSERT_EQUAL(modlat_predict(p, &c, &v, err), 0);
	CU_ASSERT_EQUAL(v, model_predict_one(&conv, x));
	ASSERT_CLOSE(v, 0.01 + 1e-7 * module_flops(&csh) + 0.005 * 0.1, 1e-9);
	modlat_close(p);

	/* a model listed for another module; a model that is nowhere */
	bad[0] = time[1];
	bad[1] = time[1];
	write_selection(tmp("sel/bad1.h5"), 2, modules, bad, bad);
	CU_ASSERT_PTR_NULL(modlat_open(tmp("sel/bad1.h5"), err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "a model of module 'linear', listed for 'conv'"));
	bad[0] = "data/x/models/avgpool.lr.h5";
	write_selection(tmp("sel/bad2.h5"), 2, modules, bad, bad);
	CU_ASSERT_PTR_NULL(modlat_open(tmp("sel/bad2.h5"), err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "model 'data/x/models/avgpool.lr.h5' not found"));
	model_release(&conv);
	model_release(&lin);
	model_release(&lin_s);
}


/* Every RM kind and variant fitted on conv's synthetic data, asked through
 * the API about queries far outside the training range (each shape
 * parameter, mem_avail, util, and all of them): finite, positive, within the
 * model's latency bounds, flagged (naming the feature, for the models that
 * use it); and every training row answered unflagged. */
static void test_bounds_every_rm(void)
{
	static const struct {
		const char *rm, *variant;
		enum feature_set fs;
	} rms[] = {
		{ "lr", "lr", FEATURES_ALL },
		{ "rf", "rf", FEATURES_ALL },
		{ "mlp", "mlp", FEATURES_ALL },
		{ "medn", "medn", FEATURES_ALL },
		{ "medn", "medn-d", FEATURES_ALL },
		{ "medn", "medn-xi", FEATURES_NO_INFERABLE },
		{ "medn", "medn-xm", FEATURES_NO_MEASURABLE },
		{ "medn", "medn-r", FEATURES_SAMPLING },
		{ "lop", "lop", FEATURES_ALL },
		{ "gbt", "gbt", FEATURES_ALL },
		{ "gbt", "gbt-ca", FEATURES_CHANNELS },
	};
	/* far queries: which field, its value (shapes chosen so that the
	 * tensors stay possible) */
	static const struct {
		const char *field;
		double value;
	} far[] = {
		{ "batch", 100000 }, { "cin", 100000 },	 { "cout", 100000 },
		{ "hw", 4000 },	     { "hw", 1 },	 { "kernel", 2001 },
		{ "stride", 1000 },  { "mem_avail", 2e9 }, { "mem_avail", 2.48e10 },
		{ "mem_avail", 1e15 }, { "util", 1 },	 { "all", 0 },
	};
	struct dataset ds;
	struct rm_settings s;
	struct experiment x;
	struct model fit;
	struct modlat_predictor *p;
	struct modlat_module q, base;
	struct modlat_result r;
	const char *const *names;
	char err[MODLAT_ERR_LEN] = "", path[64];
	size_t nbase = 0;
	double lo = INFINITY, hi = -INFINITY, f[MODEL_MAX_FEATURES];
	size_t k, i, j;
	int d;

	synth(&ds, MODULE_CONV);
	for (i = 0; i < ds.n; i++)
		if (ds.split[i] == SPLIT_TRAIN) {
			lo = fmin(lo, ds.latency_ms[i]);
			hi = fmax(hi, ds.latency_ms[i]);
		}
	memset(&x, 0, sizeof(x));
	x.seed = 9;
	for (k = 0; k < sizeof(rms) / sizeof(rms[0]); k++) {
		CU_ASSERT_EQUAL_FATAL(rm_settings_load(&s, rms[k].rm, MODULE_CONV, &x, err), 0);
		s.trees = 10;
		s.epochs = 40;
		s.direct = !strcmp(rms[k].variant, "medn-d");
		CU_ASSERT_EQUAL_FATAL(model_fit(&fit, &ds, rms[k].rm, rms[k].fs, &s, err), 0);
		attrs_set_str(&fit.attrs, "module", "conv", err);
		attrs_set_str(&fit.attrs, "variant", rms[k].variant, err);
		snprintf(path, sizeof(path), "conv.%s.h5", rms[k].variant);
		CU_ASSERT_EQUAL_FATAL(model_write(&fit, tmp(path), err), 0);
		model_release(&fit);
		p = modlat_open(tmp(path), err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		nbase = 0;

		/* the training rows: in range */
		for (i = 0; i < ds.n; i++) {
			const double *row = &ds.features[i * ds.d];

			if (ds.split[i] != SPLIT_TRAIN)
				continue;
			q = given("conv", (long)row[0], (long)row[1], (long)row[2], (long)row[3],
				  (long)row[4], (long)row[5]);
			q.mem_avail = row[6];
			q.util = row[7];
			CU_ASSERT_EQUAL_FATAL(modlat_predict_ex(p, &q, &r, err), 0);
			CU_ASSERT_EQUAL(r.flags & MODLAT_OUT_OF_RANGE, 0);
			CU_ASSERT_PTR_NULL(r.feature);
			CU_ASSERT(isfinite(r.latency_ms) && r.latency_ms > 0);
			if (!nbase++)
				base = q;
		}
		/* far outside */
		for (j = 0; j < sizeof(far) / sizeof(far[0]); j++) {
			const char *fl = far[j].field;
			int all = !strcmp(fl, "all"), uses;

			q = base; /* a training row: in range */
			if (all) {
				q.batch = q.cin = q.cout = q.hw = 1000;
				q.kernel = 101, q.stride = 7;
				q.mem_avail = 1e15, q.util = 1;
			} else if (!strcmp(fl, "mem_avail")) {
				q.mem_avail = far[j].value;
			} else if (!strcmp(fl, "util")) {
				q.util = far[j].value;
			} else {
				long *v[6] = { &q.batch, &q.cin, &q.cout, &q.hw, &q.kernel, &q.stride };
				static const char *const sh[6] = { "batch", "cin",    "cout",
								   "hw",    "kernel", "stride" };
				int t;

				for (t = 0; t < 6; t++)
					if (!strcmp(fl, sh[t]))
						*v[t] = (long)far[j].value;
				if (far[j].value == 1) /* hw 1: below the range, and tiny for LOP */
					q.batch = 1, q.kernel = 1;
			}
			d = modlat_features(p, &q, f, MODEL_MAX_FEATURES, &names, err);
			CU_ASSERT_FATAL(d > 0);
			for (uses = all, i = 0; i < (size_t)d; i++)
				uses |= !strcmp(names[i], fl);
			/* a shape parameter reaches every model (LOP's through the inferables) */
			uses |= strcmp(fl, "mem_avail") && strcmp(fl, "util");
			CU_ASSERT_EQUAL_FATAL(modlat_predict_ex(p, &q, &r, err), 0);
			CU_ASSERT(isfinite(r.latency_ms) && r.latency_ms > 0);
			CU_ASSERT(r.latency_ms >= lo / MODEL_FACTOR && r.latency_ms <= hi * MODEL_FACTOR);
			ASSERT_CLOSE(r.latency_min_ms, lo / MODEL_FACTOR, 1e-15);
			ASSERT_CLOSE(r.latency_max_ms, hi * MODEL_FACTOR, 1e-15);
			CU_ASSERT_EQUAL(!!(r.flags & MODLAT_OUT_OF_RANGE), uses);
			if (!(r.flags & MODLAT_OUT_OF_RANGE) != !uses)
				fprintf(stderr, "\n  %s, %s = %g: flags %u\n", rms[k].variant, fl,
					far[j].value, r.flags);
			if (uses && !all && r.feature) {
				/* the feature named: the field itself where the model has it */
				for (i = 0; i < (size_t)d && strcmp(names[i], fl); i++)
					;
				if (i < (size_t)d)
					CU_ASSERT_STRING_EQUAL(r.feature, fl);
				CU_ASSERT(!(r.value >= r.train_min && r.value <= r.train_max));
			}
			CU_ASSERT(uses ? r.feature != NULL : r.feature == NULL);
		}
		modlat_close(p);
	}
	dataset_release(&ds);
}


/* The batch call and a whole network against single predictions, and
 * against what evaluate stores (model_predict_dataset): the same numbers,
 * exactly. */
static void test_batch_network(void)
{
	const char *text = "input channels=60 hw=2\nflatten\nlinear cout=50\nrelu\nlinear cout=60\n";
	struct modlat_module q[120], one;
	struct modlat_result r[4];
	struct modlat_predictor *p;
	struct modlat_network *net;
	struct dataset ds;
	struct model m;
	char err[MODLAT_ERR_LEN];
	double got[120], want[120], v, total = 0;
	unsigned flags[120];
	size_t i;

	fit_write(MODULE_LINEAR, FEATURES_ALL, tmp("batch.lr.h5"), &m);
	p = modlat_open(tmp("batch.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	synth(&ds, MODULE_LINEAR);
	CU_ASSERT_EQUAL_FATAL(model_predict_dataset(&m, &ds, want, err), 0);
	for (i = 0; i < ds.n; i++) {
		const double *x = &ds.features[i * ds.d]; /* batch, cin, cout, mem_avail, util */

		q[i] = given("linear", (long)x[0], (long)x[1], (long)x[2], 0, 0, 0);
		q[i].mem_avail = x[3];
		q[i].util = x[4];
	}
	CU_ASSERT_EQUAL(modlat_predict_batch(p, q, ds.n, got, flags, err), 0);
	for (i = 0; i < ds.n; i++) {
		CU_ASSERT_EQUAL(got[i], want[i]); /* exactly evaluate's */
		if (ds.split[i] == 0) /* the training rows lie in the training range */
			CU_ASSERT_EQUAL(flags[i], 0);
	}
	/* a bad module names its index */
	q[7].cin = 0;
	CU_ASSERT_EQUAL(modlat_predict_batch(p, q, ds.n, got, NULL, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "module 7: module 'linear': 'cin' is missing"));

	net = modlat_network_parse(text, "lin.net", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(net);
	one = given("linear", 4, 240, 50, 0, 0, 0);
	CU_ASSERT_EQUAL(modlat_predict(p, &one, &v, err), 0);
	total += v;
	one.cin = 50, one.cout = 60;
	CU_ASSERT_EQUAL(modlat_predict(p, &one, &v, err), 0);
	total += v;
	CU_ASSERT_EQUAL(modlat_predict_network(p, net, 4, &one, &v, r, err) >= 0, 1);
	CU_ASSERT_EQUAL(v, total);
	CU_ASSERT(isnan(r[0].latency_ms)); /* flatten: glue, not predicted */
	CU_ASSERT_PTR_NULL(r[0].model);
	CU_ASSERT_EQUAL(r[1].latency_ms + r[3].latency_ms, total);
	CU_ASSERT(isnan(r[2].latency_ms));
	CU_ASSERT_EQUAL(modlat_predict_network(p, net, 0, &one, &v, NULL, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "batch 0"));
	modlat_network_free(net);
	/* a network with a module the model does not answer: file and line */
	net = modlat_network_parse("input channels=3 hw=8\nbn\n", "bn.net", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(net);
	CU_ASSERT_EQUAL(modlat_predict_network(p, net, 1, &one, &v, NULL, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bn.net:2: "));
	modlat_network_free(net);
	modlat_close(p);
	/* a network whose first layer is a module: it counts too */
	fit_write(MODULE_CONV, FEATURES_ALL, tmp("net.conv.lr.h5"), NULL);
	p = modlat_open(tmp("net.conv.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	net = modlat_network_parse("input channels=16 hw=14\nconv cout=16 kernel=3 stride=1\n"
				   "conv cout=16 kernel=3 stride=1\n",
				   "conv.net", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(net);
	one = given("conv", 2, 16, 16, 14, 3, 1);
	CU_ASSERT_EQUAL_FATAL(modlat_predict(p, &one, &total, err), 0);
	CU_ASSERT_EQUAL(modlat_predict_network(p, net, 2, &one, &v, NULL, err) >= 0, 1);
	CU_ASSERT_EQUAL(v, 2 * total);
	modlat_network_free(net);
	modlat_close(p);
	model_release(&m);
	dataset_release(&ds);
}

struct thread_job {
	const struct modlat_predictor *p;
	const struct modlat_module *q;
	size_t n;
	double out[120];
	int rc;
};

static void *predict_thread(void *arg)
{
	struct thread_job *j = arg;
	char err[MODLAT_ERR_LEN];
	int k;

	for (k = 0; k < 200 && j->rc == 0; k++)
		j->rc = modlat_predict_batch(j->p, j->q, j->n, j->out, NULL, err);
	return NULL;
}

/* Four threads predicting at once, the state read live in half the
 * queries, give the answers of one. */
static void test_threads(void)
{
	struct modlat_module q[120];
	struct modlat_predictor *p;
	struct thread_job jobs[4];
	pthread_t t[4];
	char err[MODLAT_ERR_LEN];
	double want[120];
	size_t i;
	int k;

	fit_write(MODULE_CONV, FEATURES_NO_MEASURABLE, tmp("threads.lr.h5"), NULL);
	p = modlat_open(tmp("threads.lr.h5"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (i = 0; i < 120; i++) {
		q[i] = given("conv", 1 + (long)i % 16, 3 + (long)i % 61, 4 + (long)i % 50, 7 + (long)i % 22,
			     1 + 2 * ((long)i % 3), 1 + (long)i % 2);
		if (i % 2)
			q[i].flags = 0; /* read live (the model does not use it: no effect) */
	}
	CU_ASSERT_EQUAL_FATAL(modlat_predict_batch(p, q, 120, want, NULL, err), 0);
	for (k = 0; k < 4; k++) {
		jobs[k].p = p;
		jobs[k].q = q;
		jobs[k].n = 120;
		jobs[k].rc = 0;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[k], NULL, predict_thread, &jobs[k]), 0);
	}
	for (k = 0; k < 4; k++) {
		pthread_join(t[k], NULL);
		CU_ASSERT_EQUAL(jobs[k].rc, 0);
		CU_ASSERT_EQUAL(memcmp(jobs[k].out, want, sizeof(want)), 0);
	}
	modlat_close(p);
}

UNIT_SUITE("predictor", UNIT_TEST(test_same_as_model), UNIT_TEST(test_inferable),
	   UNIT_TEST(test_channels),
	   UNIT_TEST(test_bad_input), UNIT_TEST(test_live_state), UNIT_TEST(test_selection),
	   UNIT_TEST(test_bounds_every_rm), UNIT_TEST(test_batch_network), UNIT_TEST(test_threads));
