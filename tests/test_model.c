/* The model layer: feature sets, the scaler, the target transform, the file
 * round trip, binding checks, determinism. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "err.h"
#include "evaluate.h"
#include "model.h"
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

	synth(&ds, "linear");
	settings(&s, "lop");
	CU_ASSERT_EQUAL_FATAL(model_fit(&m, &ds, "lop", FEATURES_ALL, &s, err), 0);
	CU_ASSERT_EQUAL_FATAL(evaluate_model(&m, &ds, 0, &e, err), 0);
	/* latency is exactly linear in flops: every prediction within 10% */
	ASSERT_CLOSE(e.test.p10, 1.0, 1e-12);
	CU_ASSERT(e.test.r2 > 0.999);
	/* the runs are +-1%: the single-run noise is nil at 10% */
	ASSERT_CLOSE(e.single_test_p10, 1.0, 1e-12);
	evaluation_release(&e);
	model_release(&m);
	dataset_release(&ds);
}

static void test_round_trip_and_determinism(void)
{
	static const char *const rms[] = { "lr", "rf", "mlp", "medn", "lop" };
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
	for (k = 0; k < 5; k++) {
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

UNIT_SUITE("model", UNIT_TEST(test_feature_sets), UNIT_TEST(test_scaler_uses_train_only),
	   UNIT_TEST(test_lop_recovers_linear_latency), UNIT_TEST(test_round_trip_and_determinism),
	   UNIT_TEST(test_bind_errors), UNIT_TEST(test_fit_errors));
