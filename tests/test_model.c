/* The model layer: feature sets, the scaler, the target transform, the file
 * round trip, binding checks, determinism. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chanfeat.h"
#include "config.h"
#include "dataset.h"
#include "err.h"
#include "evaluate.h"
#include "h5io.h"
#include "model.h"
#include "medn.h"
#include "rm.h"
#include "rng.h"
#include "unit.h"
#include "util.h"

/* A synthetic linear-module dataset: latency = 0.01 + 1e-7 * flops (ms), with
 * a measurable column of noise; 200 rows, split 7:1:2. */
static void synth(struct dataset *ds, const char *module)
{
	static const char *const names[] = { "batch", "cin", "cout", "mem_avail", "util",
					     "data_size", "param_count", "flops", "out_size" };
	static const char *const kinds[] = { "sampling",   "sampling",  "sampling",
					     "measurable", "measurable", "inferable",
					     "inferable",  "inferable", "inferable" };
	int ratio[3] = { 7, 1, 2 };
	char err[ERR_LEN];
	struct rng r;
	size_t i, j;

	CU_ASSERT_EQUAL_FATAL(dataset_init(ds, 200, 9, 3, err), 0);
	for (j = 0; j < 9; j++)
		dataset_set_feature(ds, j, names[j], kinds[j], err);
	rng_init(&r, 5, 0);
	for (i = 0; i < ds->n; i++) {
		double *x = &ds->features[i * 9];
		double n = (double)rng_range(&r, 1, 64), ci = (double)rng_range(&r, 3, 512),
		       co = (double)rng_range(&r, 3, 512);

		x[0] = n, x[1] = ci, x[2] = co;
		x[3] = 1e10 + 1e8 * rng_uniform(&r);
		x[4] = rng_uniform(&r);
		x[5] = n * ci, x[6] = ci * co + co, x[7] = n * co * (2 * ci + 1), x[8] = n * co;
		ds->latency_ms[i] = 0.01 + 1e-7 * x[7];
		for (j = 0; j < 3; j++)
			ds->runs_ms[i * 3 + j] = ds->latency_ms[i] * (1 + 0.01 * ((double)j - 1));
	}
	dataset_assign_split(ds->split, ds->n, ratio, 1);
	attrs_set_str(&ds->attrs, "module", module, err);
}

static void settings(struct rm_settings *s, const char *rm)
{
	struct experiment x;

	memset(&x, 0, sizeof(x));
	x.seed = 9;
	CU_ASSERT_EQUAL_FATAL(rm_settings_load(s, rm, MODULE_LINEAR, &x, (char[ERR_LEN]){ 0 }), 0);
}

/* MEDN's reconstruction weight: Table 4's defaults per module, and 0 (no
 * reconstruction term) is a valid setting. */
static void test_medn_weight_setting(void)
{
	char path[512], err[ERR_LEN] = "";
	struct rm_settings s;
	struct experiment x;
	FILE *f;

	settings(&s, "medn");
	CU_ASSERT_EQUAL(s.weight, 0.01); /* linear */
	memset(&x, 0, sizeof(x));
	CU_ASSERT_EQUAL_FATAL(rm_settings_load(&s, "medn", MODULE_AVGPOOL, &x, err), 0);
	CU_ASSERT_EQUAL(s.weight, 0.001);
	CU_ASSERT_EQUAL_FATAL(rm_settings_load(&s, "medn", MODULE_MAXPOOL, &x, err), 0);
	CU_ASSERT_EQUAL(s.weight, 0.01);
	snprintf(path, sizeof(path), "%s/weight0.ini", unit_tmpdir());
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("[medn.linear]\nweight = 0\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, path, err), 0);
	CU_ASSERT_EQUAL(rm_settings_load(&s, "medn", MODULE_LINEAR, &x, err), 0);
	CU_ASSERT_EQUAL(s.weight, 0.0);
	experiment_release(&x);
}

static void test_feature_sets(void)
{
	static const struct {
		enum feature_set fs;
		size_t d;
	} cases[] = { { FEATURES_ALL, 9 },
		      { FEATURES_NO_INFERABLE, 5 },
		      { FEATURES_NO_MEASURABLE, 7 },
		      { FEATURES_SAMPLING, 3 } };
	struct rm_settings s;
	struct dataset ds;
	struct model m;
	char err[ERR_LEN];
	size_t k;

	synth(&ds, "linear");
	settings(&s, "lr");
	for (k = 0; k < 4; k++) {
		CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lr", cases[k].fs, &s, err), 0);
		CU_ASSERT_EQUAL(m.d, cases[k].d);
		model_release(&m);
	}
	CU_ASSERT_EQUAL(model_fit(&m, &ds, "lr", FEATURES_SAMPLING, &s, err), 0);
	CU_ASSERT_STRING_EQUAL(m.names[2], "cout");
	model_release(&m);
	/* channels: all nine, then cin's and cout's five alignment features,
	 * computed from the rows' cin and cout */
	{
		int cols[MODEL_MAX_FEATURES];
		size_t i, j;

		CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lr", FEATURES_CHANNELS, &s, err), 0);
		CU_ASSERT_EQUAL_FATAL(m.d, 19);
		CU_ASSERT_STRING_EQUAL(m.names[8], "out_size");
		CU_ASSERT_STRING_EQUAL(m.names[9], "cin_ceil8");
		CU_ASSERT_STRING_EQUAL(m.names[13], "cin_pow2");
		CU_ASSERT_STRING_EQUAL(m.names[14], "cout_ceil8");
		CU_ASSERT_STRING_EQUAL(m.names[18], "cout_pow2");
		CU_ASSERT_EQUAL_FATAL(model_bind(&m, &ds, cols, err), 0);
		for (i = 0; i < ds.n; i++)
			for (j = 0; j < 5; j++) {
				CU_ASSERT_EQUAL(model_column(&ds, i, cols[9 + j]),
						chanfeat_value((enum chanfeat_op)j, ds.features[i * 9 + 1]));
				CU_ASSERT_EQUAL(model_column(&ds, i, cols[14 + j]),
						chanfeat_value((enum chanfeat_op)j, ds.features[i * 9 + 2]));
			}
		CU_ASSERT_STRING_EQUAL(feature_set_name(FEATURES_CHANNELS), "channels");
		model_release(&m);
	}
	/* LOP takes out_size, data_size, flops whatever the set */
	settings(&s, "lop");
	CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lop", FEATURES_ALL, &s, err), 0);
	CU_ASSERT_EQUAL(m.d, 3);
	CU_ASSERT_STRING_EQUAL(m.names[0], "out_size");
	CU_ASSERT_PTR_NULL(m.lo);
	CU_ASSERT_EQUAL(m.target_log, 0);
	model_release(&m);
	dataset_release(&ds);
}

/* The state during the timed runs: columns of kind "run-state" appended in
 * memory, used only by the run-state and both sets; nothing without
 * protocol 2's arrays. */
static void test_run_state_sets(void)
{
	static const struct {
		enum feature_set fs;
		size_t d;
	} cases[] = { { FEATURES_ALL, 9 },      { FEATURES_NO_INFERABLE, 5 },
		      { FEATURES_NO_MEASURABLE, 7 }, { FEATURES_SAMPLING, 3 },
		      { FEATURES_RUN_STATE, 11 },    { FEATURES_BOTH, 13 } };
	struct rm_settings s;
	struct dataset ds;
	struct model m;
	enum feature_set fs;
	char err[ERR_LEN];
	size_t k, i, d0, during;

	synth(&ds, "linear");
	settings(&s, "lr");
	d0 = ds.d;
	/* no protocol-2 arrays: nothing to add */
	CU_ASSERT_EQUAL(dataset_add_run_state(&ds, err), 0);
	CU_ASSERT_EQUAL(ds.d, d0);
	CU_ASSERT_EQUAL_FATAL(dataset_init_protocol(&ds, 1, 0, err), 0);
	for (i = 0; i < ds.n; i++) {
		ds.util_during[i] = (double)(i % 7) / 10;
		ds.steal_during[i] = (double)(i % 3) / 100;
		ds.delay_during[i] = (double)(i % 5) / 20;
		ds.load_during[i] = (double)(i % 2);
	}
	CU_ASSERT_EQUAL_FATAL(dataset_add_run_state(&ds, err), 0);
	CU_ASSERT_EQUAL_FATAL(ds.d, d0 + 4);
	CU_ASSERT_STRING_EQUAL(ds.names[d0], "util_during");
	CU_ASSERT_STRING_EQUAL(ds.names[d0 + 3], "load_during");
	CU_ASSERT_STRING_EQUAL(ds.kinds[d0 + 1], "run-state");
	for (i = 0; i < ds.n; i++) {
		CU_ASSERT_EQUAL(ds.features[i * ds.d + d0], ds.util_during[i]);
		CU_ASSERT_EQUAL(ds.features[i * ds.d + d0 + 2], ds.delay_during[i]);
	}
	/* a second call adds nothing */
	CU_ASSERT_EQUAL(dataset_add_run_state(&ds, err), 0);
	CU_ASSERT_EQUAL(ds.d, d0 + 4);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		CU_ASSERT_EQUAL(feature_set_from_name(feature_set_name(cases[k].fs), &fs), 0);
		CU_ASSERT_EQUAL(fs, cases[k].fs);
		CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lr", cases[k].fs, &s, err), 0);
		CU_ASSERT_EQUAL(m.d, cases[k].d);
		for (i = 0, during = 0; i < m.d; i++)
			during += strstr(m.names[i], "_during") != NULL;
		CU_ASSERT_EQUAL(during, cases[k].fs >= FEATURES_RUN_STATE ? 4 : 0);
		model_release(&m);
	}
	CU_ASSERT_EQUAL(feature_set_from_name("run_state", &fs), -1);
	dataset_release(&ds);
}

static void test_scaler_uses_train_only(void)
{
	struct rm_settings s;
	struct dataset ds;
	struct model m;
	char err[ERR_LEN];
	size_t i;
	double lo = INFINITY, hi = -INFINITY;

	synth(&ds, "linear");
	/* an extreme value outside the training split must not move the scaler */
	for (i = 0; i < ds.n; i++)
		if (ds.split[i] == SPLIT_TEST) {
			ds.features[i * 9] = 1e6;
			break;
		}
	for (i = 0; i < ds.n; i++)
		if (ds.split[i] == SPLIT_TRAIN) {
			lo = fmin(lo, ds.features[i * 9]);
			hi = fmax(hi, ds.features[i * 9]);
		}
	settings(&s, "lr");
	CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lr", FEATURES_ALL, &s, err), 0);
	ASSERT_CLOSE(m.lo[0], lo, 0);
	ASSERT_CLOSE(m.range[0], hi - lo, 0);
	model_release(&m);
	dataset_release(&ds);
}

static void test_lop_recovers_linear_latency(void)
{
	struct rm_settings s;
	struct dataset ds;
	struct evaluation e;
	struct model m;
	char err[ERR_LEN];
	size_t i, nval = 0, ntest = 0;

	synth(&ds, "linear");
	settings(&s, "lop");
	CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lop", FEATURES_ALL, &s, err), 0);
	CU_ASSERT_EQUAL_FATAL(evaluate_model(&m, &ds, 0, &e, err), 0);
	/* latency is exactly linear in flops: every prediction within 10% */
	ASSERT_CLOSE(e.test.p10, 1.0, 1e-12);
	CU_ASSERT(e.test.r2 > 0.999);
	/* the runs are +-1%: the single-run noise is nil at 10% */
	ASSERT_CLOSE(e.single_test_p10, 1.0, 1e-12);
	/* each split's metrics are over that split's rows */
	for (i = 0; i < ds.n; i++) {
		nval += ds.split[i] == SPLIT_VALIDATION;
		ntest += ds.split[i] == SPLIT_TEST;
	}
	CU_ASSERT(nval > 0 && ntest > nval);
	CU_ASSERT_EQUAL(e.val.n, nval);
	CU_ASSERT_EQUAL(e.test.n, ntest);
	CU_ASSERT_EQUAL(e.n, ds.n);
	ASSERT_CLOSE(e.size_kb, model_param_bytes(&m) / 1024.0, 1e-15);
	evaluation_release(&e);
	model_release(&m);
	dataset_release(&ds);
}

static void test_round_trip_and_determinism(void)
{
	static const char *const rms[] = { "lr", "rf", "mlp", "medn", "lop", "gbt" };
	char err[ERR_LEN], p1[512], p2[512], h1[17], h2[17];
	struct rm_settings s;
	struct dataset ds;
	struct model a, b, c;
	double *pa, *pb, x[MODEL_MAX_FEATURES];
	int cols[MODEL_MAX_FEATURES];
	size_t k, i;

	synth(&ds, "linear");
	pa = calloc(ds.n, sizeof(double));
	pb = calloc(ds.n, sizeof(double));
	for (k = 0; k < 6; k++) {
		settings(&s, rms[k]);
		s.trees = 20;
		s.epochs = 20;
		snprintf(p1, sizeof(p1), "%s/m1.%s.h5", unit_tmpdir(), rms[k]);
		snprintf(p2, sizeof(p2), "%s/m2.%s.h5", unit_tmpdir(), rms[k]);
		CU_ASSERT_EQUAL_FATAL(model_fit(&a, &ds, rms[k], FEATURES_ALL, &s, err), 0);
		attrs_set_str(&a.attrs, "module", "linear", err);
		CU_ASSERT_EQUAL_FATAL(model_write(&a, p1, err), 0);
		CU_ASSERT_EQUAL_FATAL(model_fit(&c, &ds, rms[k], FEATURES_ALL, &s, err), 0);
		attrs_set_str(&c.attrs, "module", "linear", err);
		CU_ASSERT_EQUAL_FATAL(model_write(&c, p2, err), 0);
		/* same inputs and seed: the same bytes */
		file_checksum(p1, h1, err);
		file_checksum(p2, h2, err);
		CU_ASSERT_STRING_EQUAL(h1, h2);
		/* what is read back predicts exactly what was fitted */
		CU_ASSERT_EQUAL_FATAL(model_read(&b, p1, err), 0);
		CU_ASSERT_EQUAL(model_predict_dataset(&a, &ds, pa, err), 0);
		CU_ASSERT_EQUAL(model_predict_dataset(&b, &ds, pb, err), 0);
		for (i = 0; i < ds.n; i++)
			if (pa[i] != pb[i])
				break;
		CU_ASSERT_EQUAL(i, ds.n);
		/* and one sample at a time as in a batch */
		CU_ASSERT_EQUAL_FATAL(model_bind(&b, &ds, cols, err), 0);
		for (i = 0; i < b.d; i++)
			x[i] = ds.features[5 * ds.d + cols[i]];
		ASSERT_CLOSE(model_predict_one(&b, x), pa[5], 1e-5);
		model_release(&a);
		model_release(&b);
		model_release(&c);
	}
	free(pa);
	free(pb);
	dataset_release(&ds);
}

static void test_bind_errors(void)
{
	struct rm_settings s;
	struct dataset ds, other;
	struct model m;
	char err[ERR_LEN] = "";
	int cols[MODEL_MAX_FEATURES];

	synth(&ds, "linear");
	synth(&other, "bn");
	settings(&s, "lr");
	CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lr", FEATURES_ALL, &s, err), 0);
	attrs_set_str(&m.attrs, "module", "linear", err);
	CU_ASSERT_EQUAL(model_bind(&m, &other, cols, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "module 'linear', the dataset of 'bn'"));
	attrs_set_str(&other.attrs, "module", "linear", err);
	free(other.names[4]);
	other.names[4] = strdup("utilisation");
	CU_ASSERT_EQUAL(model_bind(&m, &other, cols, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no feature 'util'"));
	model_release(&m);
	dataset_release(&other);
	dataset_release(&ds);
}

static void test_fit_errors(void)
{
	struct rm_settings s;
	struct dataset ds;
	struct model m;
	char err[ERR_LEN] = "";
	size_t i;

	synth(&ds, "linear");
	settings(&s, "lr");
	for (i = 0; i < ds.n; i++)
		ds.split[i] = SPLIT_TEST;
	CU_ASSERT_EQUAL(model_fit(&m, &ds, "lr", FEATURES_ALL, &s, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0 training rows"));
	/* fewer rows than features + 2 */
	for (i = 0; i < 3; i++)
		ds.split[i] = SPLIT_TRAIN;
	CU_ASSERT_EQUAL(model_fit(&m, &ds, "lr", FEATURES_ALL, &s, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "3 training rows, lr needs at least"));
	for (i = 0; i < ds.d; i++)
		if (strcmp(ds.kinds[i], "sampling")) {
			free(ds.kinds[i]);
			ds.kinds[i] = strdup("measurable");
		} else {
			free(ds.kinds[i]);
			ds.kinds[i] = strdup("inferable");
		}
	CU_ASSERT_EQUAL(model_fit(&m, &ds, "lr", FEATURES_SAMPLING, &s, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "feature set 'sampling' leaves no feature"));
	CU_ASSERT_EQUAL(model_fit(&m, &ds, "svm", FEATURES_ALL, &s, err), -1);
	dataset_release(&ds);
}


/* ---- bounds ------------------------------------------------------------ */

static const char *const all_rms[] = { "lr", "rf", "mlp", "medn", "lop", "gbt" };

/* rm fitted on ds with small settings (fast, still real fits). */
static void fit_small(struct model *m, const struct dataset *ds, const char *rm,
		      enum feature_set fs)
{
	struct rm_settings s;
	char err[ERR_LEN] = "";

	settings(&s, rm);
	s.trees = 10;
	s.epochs = 30;
	CU_ASSERT_EQUAL_FATAL(model_fit(m, ds, rm, fs, &s, err), 0);
}

/* The training latencies' range of ds. */
static void train_latency(const struct dataset *ds, double *lo, double *hi)
{
	size_t i;

	*lo = INFINITY, *hi = -INFINITY;
	for (i = 0; i < ds->n; i++)
		if (ds->split[i] == SPLIT_TRAIN) {
			*lo = fmin(*lo, ds->latency_ms[i]);
			*hi = fmax(*hi, ds->latency_ms[i]);
		}
}

#define ASSERT_BOUNDED(v, lo, hi) \
	CU_ASSERT(isfinite(v) && (v) > 0 && (v) >= (lo) / MODEL_FACTOR && (v) <= (hi) * MODEL_FACTOR)

/* Every RM: a query far outside the training range, in each feature alone
 * and in all at once, is answered finite, positive, within [min / 10, max *
 * 10] of the training latencies, and flagged with the feature; every training
 * row and any point of the training box is not flagged. */
static void test_bounds_every_rm(void)
{
	static const double far[] = { 1e12, -1e12, 1e300, -1e300, 0 };
	struct dataset ds;
	struct model m;
	double lo, hi, x[MODEL_MAX_FEATURES], v;
	int cols[MODEL_MAX_FEATURES], feature;
	unsigned flags;
	char err[ERR_LEN] = "";
	struct rng r;
	size_t k, i, j, f;

	synth(&ds, "linear");
	train_latency(&ds, &lo, &hi);
	rng_init(&r, 3, 0);
	for (k = 0; k < 6; k++) {
		fit_small(&m, &ds, all_rms[k], FEATURES_ALL);
		ASSERT_CLOSE(m.lat_min, lo, 0);
		ASSERT_CLOSE(m.lat_max, hi, 0);
		CU_ASSERT_EQUAL_FATAL(model_bind(&m, &ds, cols, err), 0);
		for (i = 0; i < ds.n; i++) {
			if (ds.split[i] != SPLIT_TRAIN)
				continue;
			for (j = 0; j < m.d; j++)
				x[j] = ds.features[i * ds.d + cols[j]];
			v = model_predict_flagged(&m, x, &flags, &feature);
			CU_ASSERT_EQUAL(flags & MODEL_OUT_OF_RANGE, 0);
			CU_ASSERT_EQUAL(feature, -1);
			ASSERT_BOUNDED(v, lo, hi);
		}
		/* anywhere in the box of the training ranges: not flagged, bounded */
		for (i = 0; i < 200; i++) {
			for (j = 0; j < m.d; j++)
				x[j] = m.train_min[j] +
				       rng_uniform(&r) * (m.train_max[j] - m.train_min[j]);
			v = model_predict_flagged(&m, x, &flags, &feature);
			CU_ASSERT_EQUAL(flags & MODEL_OUT_OF_RANGE, 0);
			ASSERT_BOUNDED(v, lo, hi);
		}
		/* far outside, one feature at a time, then all at once */
		for (f = 0; f < sizeof(far) / sizeof(far[0]); f++) {
			for (j = 0; j <= m.d; j++) {
				size_t q;

				for (q = 0; q < m.d; q++)
					x[q] = j == m.d || q == j ? far[f] : m.train_min[q];
				if (far[f] == 0 && j < m.d && m.train_min[j] <= 0)
					continue; /* 0 is inside util's range */
				v = model_predict_flagged(&m, x, &flags, &feature);
				CU_ASSERT(flags & MODEL_OUT_OF_RANGE);
				CU_ASSERT_EQUAL(feature, j == m.d ? 0 : (int)j);
				ASSERT_BOUNDED(v, lo, hi);
				/* the same as the query clamped to the edge plus the margin */
				if (j < m.d && far[f] > 0) {
					double edge = m.train_max[j] +
						      MODEL_MARGIN * (m.train_max[j] - m.train_min[j]);
					unsigned g;

					x[j] = edge;
					ASSERT_CLOSE(model_predict_flagged(&m, x, &g, NULL), v, 1e-9);
				}
			}
		}
		/* NaN lands on a bound and is flagged */
		for (j = 0; j < m.d; j++)
			x[j] = m.train_min[j];
		x[0] = NAN;
		v = model_predict_flagged(&m, x, &flags, &feature);
		CU_ASSERT(flags & MODEL_OUT_OF_RANGE);
		ASSERT_BOUNDED(v, lo, hi);
		model_release(&m);
	}
	dataset_release(&ds);
}

/* A batch of rows far outside the training range: model_predict_dataset
 * (what evaluate uses) bounds them as model_predict_one does. */
static void test_bounds_dataset(void)
{
	struct dataset ds;
	struct model m;
	double lo, hi, *out, x[MODEL_MAX_FEATURES];
	int cols[MODEL_MAX_FEATURES];
	char err[ERR_LEN] = "";
	size_t k, i, j;

	synth(&ds, "linear");
	train_latency(&ds, &lo, &hi);
	out = calloc(ds.n, sizeof(double));
	for (i = 0; i < ds.n; i++)
		if (ds.split[i] == SPLIT_TEST)
			for (j = 0; j < ds.d; j++)
				ds.features[i * ds.d + j] *= i % 2 ? 1e9 : 1e-9;
	for (k = 0; k < 6; k++) {
		fit_small(&m, &ds, all_rms[k], FEATURES_ALL);
		CU_ASSERT_EQUAL_FATAL(model_predict_dataset(&m, &ds, out, err), 0);
		CU_ASSERT_EQUAL_FATAL(model_bind(&m, &ds, cols, err), 0);
		for (i = 0; i < ds.n; i++) {
			ASSERT_BOUNDED(out[i], lo, hi);
			for (j = 0; j < m.d; j++)
				x[j] = ds.features[i * ds.d + cols[j]];
			ASSERT_CLOSE(model_predict_one(&m, x), out[i], 1e-5);
		}
		model_release(&m);
	}
	free(out);
	dataset_release(&ds);
}

/* Least squares extrapolates below zero inside the training box (the smoke
 * maxpool's LR did for 12 of 30 test rows): y = 5 + 0.1 a - 2 (b - a) with a
 * and b rising together in training, asked at a = min, b = max (-97). The answer is
 * the lower bound, flagged as bounded, not out of range. */
static void test_bounds_negative_lr(void)
{
	struct dataset ds;
	struct model m;
	struct rm_settings s;
	double x[2], v;
	unsigned flags;
	int ratio[3] = { 7, 1, 2 }, feature;
	char err[ERR_LEN] = "";
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dataset_init(&ds, 50, 2, 1, err), 0);
	dataset_set_feature(&ds, 0, "batch", "sampling", err);
	dataset_set_feature(&ds, 1, "cin", "sampling", err);
	for (i = 0; i < ds.n; i++) {
		double a = (double)i + 1, b = a + (double)(i % 3);

		ds.features[i * 2] = a;
		ds.features[i * 2 + 1] = b;
		ds.latency_ms[i] = ds.runs_ms[i] = 5 + 0.1 * a - 2 * (b - a); /* 1.1 to 10 */
	}
	dataset_assign_split(ds.split, ds.n, ratio, 1);
	attrs_set_str(&ds.attrs, "module", "linear", err);
	settings(&s, "lr");
	CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lr", FEATURES_ALL, &s, err), 0);
	x[0] = m.train_min[0];
	x[1] = m.train_max[1];
	v = model_predict_flagged(&m, x, &flags, &feature);
	CU_ASSERT_EQUAL(flags, MODEL_BOUNDED);
	CU_ASSERT_EQUAL(feature, -1);
	ASSERT_CLOSE(v, m.lat_min / MODEL_FACTOR, 1e-15);
	CU_ASSERT(v > 0);
	model_release(&m);
	dataset_release(&ds);
}

/* mem_avail that barely moves in training (32 KB out of 2e10 bytes) is used
 * as a constant: every query gives the answer of the training level, the
 * model file says so, and only a value more than 1% away is flagged. */
static void test_degenerate_feature(void)
{
	struct dataset ds;
	struct model m, b;
	double x[MODEL_MAX_FEATURES], v0, v;
	int cols[MODEL_MAX_FEATURES], feature;
	unsigned flags;
	char err[ERR_LEN] = "", path[4096];
	const double mems[] = { 2e9, 2.48e10, 1e15, 1 };
	size_t i, j, k, q;

	synth(&ds, "linear");
	for (i = 0; i < ds.n; i++)
		ds.features[i * ds.d + 3] = 2e10 + 32768.0 * (double)(i % 7) / 6;
	snprintf(path, sizeof(path), "%s/degenerate.h5", unit_tmpdir());
	for (k = 0; k < 4; k++) {
		const char *rm = all_rms[k]; /* lop does not use mem_avail */

		fit_small(&m, &ds, rm, FEATURES_ALL);
		CU_ASSERT_STRING_EQUAL(m.names[3], "mem_avail");
		CU_ASSERT(model_degenerate(&m, 3));
		CU_ASSERT(!model_degenerate(&m, 0));
		CU_ASSERT_EQUAL(m.range[3], 0.0);
		CU_ASSERT_STRING_EQUAL(attrs_str(&m.attrs, "degenerate_features"), "mem_avail");
		attrs_set_str(&m.attrs, "module", "linear", err);
		CU_ASSERT_EQUAL_FATAL(model_write(&m, path, err), 0);
		CU_ASSERT_EQUAL_FATAL(model_read(&b, path, err), 0);
		CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "degenerate_features"), "mem_avail");
		CU_ASSERT_EQUAL(b.range[3], 0.0);
		CU_ASSERT_EQUAL_FATAL(model_bind(&b, &ds, cols, err), 0);
		for (j = 0; j < b.d; j++)
			x[j] = ds.features[0 * ds.d + cols[j]];
		v0 = model_predict_flagged(&b, x, &flags, &feature);
		CU_ASSERT_EQUAL(flags & MODEL_OUT_OF_RANGE, 0);
		/* 100 MB away (0.5%): not flagged, same answer */
		x[3] = 2e10 + 1e8;
		v = model_predict_flagged(&b, x, &flags, &feature);
		CU_ASSERT_EQUAL(flags & MODEL_OUT_OF_RANGE, 0);
		CU_ASSERT_EQUAL(v, v0);
		for (q = 0; q < 4; q++) {
			x[3] = mems[q];
			v = model_predict_flagged(&b, x, &flags, &feature);
			CU_ASSERT_EQUAL(v, v0);
			CU_ASSERT(flags & MODEL_OUT_OF_RANGE);
			CU_ASSERT_EQUAL(feature, 3);
		}
		model_release(&m);
		model_release(&b);
	}
	/* a feature of real spread (here mem_avail over 10%) is not degenerate;
	 * none: an empty note */
	dataset_release(&ds);
	synth(&ds, "linear");
	for (i = 0; i < ds.n; i++)
		ds.features[i * ds.d + 3] = 1e10 + 1e9 * (double)(i % 7) / 6;
	fit_small(&m, &ds, "lr", FEATURES_ALL);
	CU_ASSERT_STRING_EQUAL(attrs_str(&m.attrs, "degenerate_features"), "");
	for (j = 0; j < m.d; j++)
		CU_ASSERT(!model_degenerate(&m, j));
	model_release(&m);
	dataset_release(&ds);
}

/* Overwrites dataset name of the file at path with n doubles. */
static void poke_f64(const char *path, const char *name, const double *v)
{
	hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), d;

	CU_ASSERT_FATAL(f >= 0);
	d = H5Dopen2(f, name, H5P_DEFAULT);
	CU_ASSERT_FATAL(d >= 0);
	CU_ASSERT(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
	H5Dclose(d);
	H5Fclose(f);
}

/* A model file whose scaler, training ranges or latency range cannot be
 * (-inf, NaN, min > max, none) is refused at load, naming the value; a file
 * of format version 1 is refused with a message to fit it again. */
static void test_refuse_at_load(void)
{
	struct dataset ds;
	struct model m, b;
	char err[ERR_LEN] = "", path[4096], cmd[8300], good[4096];
	double v[MODEL_MAX_FEATURES];
	size_t j;
	hid_t f, a;
	int64_t one = 1;

	synth(&ds, "linear");
	fit_small(&m, &ds, "lr", FEATURES_ALL);
	attrs_set_str(&m.attrs, "module", "linear", err);
	snprintf(good, sizeof(good), "%s/refuse.good.h5", unit_tmpdir());
	snprintf(path, sizeof(path), "%s/refuse.h5", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(model_write(&m, good, err), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", good, path);

	for (j = 0; j < m.d; j++)
		v[j] = m.lo[j];
	v[1] = -INFINITY;
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	poke_f64(path, "scaler_min", v);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "feature 'cin' has the scaler min -inf"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));

	for (j = 0; j < m.d; j++)
		v[j] = m.range[j];
	v[0] = NAN;
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	poke_f64(path, "scaler_range", v);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "feature 'batch' has the scaler min 1, range nan"));

	for (j = 0; j < m.d; j++)
		v[j] = m.lo[j];
	v[4] = m.lo[4] + 1e-3;
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	poke_f64(path, "scaler_min", v);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "feature 'util' has the scaler min"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "disagree with its training range"));

	for (j = 0; j < m.d; j++)
		v[j] = m.train_max[j];
	v[2] = m.train_min[2] - 1;
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	poke_f64(path, "train_max", v);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "feature 'cout' has the training range"));

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
	CU_ASSERT(H5Adelete(f, "latency_max_ms") >= 0);
	H5Fclose(f);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'latency_max_ms' is missing"));

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
	a = H5Aopen(f, "latency_min_ms", H5P_DEFAULT);
	v[0] = -0.5;
	CU_ASSERT(H5Awrite(a, H5T_NATIVE_DOUBLE, v) >= 0);
	H5Aclose(a);
	H5Fclose(f);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "training latencies from -0.5 to"));

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
	a = H5Aopen(f, "format_version", H5P_DEFAULT);
	CU_ASSERT(H5Awrite(a, H5T_NATIVE_INT64, &one) >= 0);
	H5Aclose(a);
	H5Fclose(f);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "format version 1, which does not record the training "
					   "ranges"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "fit it again"));

	/* and the untouched copy loads */
	CU_ASSERT_EQUAL(model_read(&b, good, err), 0);
	model_release(&b);
	model_release(&m);
	dataset_release(&ds);
}

/* The -es variants watch every 10th training row, not the validation split
 * that selection compares the variants on: the validation and test rows'
 * latencies do not move the fit, and it is not the fit without early
 * stopping (nine tenths of the rows, another end). */
static void test_early_stop_rows(void)
{
	char err[ERR_LEN];
	struct rm_settings s;
	struct dataset ds;
	struct model a, b, c;
	size_t i;

	synth(&ds, "linear");
	settings(&s, "medn");
	s.epochs = 20;
	s.early_stop = 1;
	CU_ASSERT_EQUAL_FATAL(model_fit(&a, &ds, "medn", FEATURES_ALL, &s, err), 0);
	for (i = 0; i < ds.n; i++)
		if (ds.split[i] != SPLIT_TRAIN)
			ds.latency_ms[i] *= 3.0;
	CU_ASSERT_EQUAL_FATAL(model_fit(&b, &ds, "medn", FEATURES_ALL, &s, err), 0);
	s.early_stop = 0;
	CU_ASSERT_EQUAL_FATAL(model_fit(&c, &ds, "medn", FEATURES_ALL, &s, err), 0);
	CU_ASSERT_EQUAL(medn_param_count(a.rm), medn_param_count(b.rm));
	CU_ASSERT(memcmp(((struct medn_model *)a.rm)->params, ((struct medn_model *)b.rm)->params,
			 medn_size_bytes(a.rm)) == 0);
	CU_ASSERT(memcmp(((struct medn_model *)a.rm)->params, ((struct medn_model *)c.rm)->params,
			 medn_size_bytes(a.rm)) != 0);
	model_release(&a);
	model_release(&b);
	model_release(&c);
	dataset_release(&ds);
}

/* Log inputs (the -log variants): the wide-range shape features (FLOPs and
 * sizes: >= MODEL_LOG_RATIO from min to max) are scaled as log(x), never
 * the device's state or the narrow ones; a power law in FLOPs is then
 * linear for LR in log space, recovered to rounding, which plain min-max
 * cannot do; the file round trip keeps it; a foreign name is refused. */
static void test_log_inputs(void)
{
	char path[512], err[ERR_LEN] = "";
	const char *lf;
	struct rm_settings s;
	struct dataset ds;
	struct model m, plain, b;
	double worst = 0, worst_plain = 0;
	size_t i;

	synth(&ds, "linear");
	for (i = 0; i < ds.n; i++) { /* FLOPs over 6 decades, latency a power law of them */
		ds.features[i * 9 + 7] *= pow(10.0, (double)(i % 4));
		ds.latency_ms[i] = 1e-6 * ds.features[i * 9 + 7];
	}
	settings(&s, "lr");
	s.target_log = 1;
	CU_ASSERT_EQUAL_FATAL(model_fit(&plain, &ds, "lr", FEATURES_ALL, &s, err), 0);
	CU_ASSERT_PTR_NULL(plain.logx);
	CU_ASSERT_PTR_NULL(attrs_get(&plain.attrs, "log_features"));
	s.log_inputs = 1;
	CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lr", FEATURES_ALL, &s, err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m.logx);
	lf = attrs_str(&m.attrs, "log_features");
	CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
	CU_ASSERT_PTR_NOT_NULL(strstr(lf, "flops"));
	CU_ASSERT_PTR_NULL(strstr(lf, "util"));
	CU_ASSERT_PTR_NULL(strstr(lf, "mem_avail"));
	CU_ASSERT_PTR_NULL(strstr(lf, "batch"));
	CU_ASSERT_PTR_NULL(strstr(lf, "cin"));
	CU_ASSERT_EQUAL(m.logx[7], 1);
	CU_ASSERT_EQUAL(m.lo[7], log(m.train_min[7]));
	CU_ASSERT_EQUAL(m.logx[0] + m.logx[3] + m.logx[4], 0);
	for (i = 0; i < ds.n; i++) {
		double y = ds.latency_ms[i];

		if (ds.split[i] != SPLIT_TRAIN) /* others may lie outside the range: bounded */
			continue;
		worst = fmax(worst, fabs(model_predict_one(&m, &ds.features[i * 9]) / y - 1));
		worst_plain =
			fmax(worst_plain, fabs(model_predict_one(&plain, &ds.features[i * 9]) / y - 1));
	}
	CU_ASSERT(worst < 1e-9);
	CU_ASSERT(worst_plain > 1e-2);

	snprintf(path, sizeof(path), "%s/log.h5", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(model_write(&m, path, err), 0);
	CU_ASSERT_EQUAL_FATAL(model_read(&b, path, err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.logx);
	CU_ASSERT_EQUAL(memcmp(b.logx, m.logx, m.d), 0);
	for (i = 0; i < ds.n; i += 7)
		CU_ASSERT_EQUAL(model_predict_one(&b, &ds.features[i * 9]),
				model_predict_one(&m, &ds.features[i * 9]));
	model_release(&b);

	CU_ASSERT_EQUAL_FATAL(attrs_set_str(&m.attrs, "log_features", "flops,nope", err), 0);
	CU_ASSERT_EQUAL_FATAL(model_write(&m, path, err), 0);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "log_features names 'nope'"));
	/* a log scaler that disagrees with the training range */
	CU_ASSERT_EQUAL_FATAL(attrs_set_str(&m.attrs, "log_features", "", err), 0);
	CU_ASSERT_EQUAL_FATAL(model_write(&m, path, err), 0);
	CU_ASSERT_EQUAL(model_read(&b, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "disagree with its training range"));
	model_release(&m);
	model_release(&plain);
	dataset_release(&ds);
}

UNIT_SUITE("model", UNIT_TEST(test_medn_weight_setting), UNIT_TEST(test_feature_sets),
	   UNIT_TEST(test_run_state_sets), UNIT_TEST(test_log_inputs),
	   UNIT_TEST(test_early_stop_rows),
	   UNIT_TEST(test_scaler_uses_train_only),
	   UNIT_TEST(test_lop_recovers_linear_latency), UNIT_TEST(test_round_trip_and_determinism),
	   UNIT_TEST(test_bind_errors), UNIT_TEST(test_fit_errors),
	   UNIT_TEST(test_bounds_every_rm), UNIT_TEST(test_bounds_dataset),
	   UNIT_TEST(test_bounds_negative_lr), UNIT_TEST(test_degenerate_feature),
	   UNIT_TEST(test_refuse_at_load));
