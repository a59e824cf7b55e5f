/* test_evaluate.c - the measurement's limits in an evaluation: the
 * repeatability ceiling over a hand-made repeat subset (exact P10/P20,
 * overall and per split), its n/a cases, the single-run noise's n/a for one
 * run per sample, and the eval file's layout, old files included. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "err.h"
#include "evaluate.h"
#include "h5io.h"
#include "model.h"
#include "rm.h"
#include "select.h"
#include "unit.h"

#define N 60

/* Relative errors of the first median as a prediction of the second, per
 * repeat row: train rows 0-4 all 0.05; validation rows 20-39: 10 x 0.05,
 * 6 x 0.15, 4 x 0.30; test rows 40-59: 5 x 0.05, 5 x 0.15, 10 x 0.30. Every
 * other one is taken below the first median, so both signs occur.
 *   validation: P10 10/20 = 0.5,  P20 16/20 = 0.8
 *   test:       P10  5/20 = 0.25, P20 10/20 = 0.5
 *   all 45:     P10 20/45,        P20 31/45 */
static double planted_error(size_t row)
{
	if (row < 20)
		return 0.05;
	if (row < 40)
		return row < 30 ? 0.05 : row < 36 ? 0.15 : 0.30;
	return row < 45 ? 0.05 : row < 50 ? 0.15 : 0.30;
}

/* A linear-module dataset of N rows: rows 0-19 train, 20-39 validation,
 * 40-59 test; r runs per sample at +-1%; with a repeat subset (train 0-4,
 * all of validation and test, less the last test row when short) when
 * repeat is non-zero. */
static void make_dataset(struct dataset *ds, size_t r, int repeat, int short_test)
{
	static const char *const names[] = { "batch", "cin", "cout", "mem_avail", "util",
					     "data_size", "param_count", "flops", "out_size" };
	static const char *const kinds[] = { "sampling",   "sampling",  "sampling",
					     "measurable", "measurable", "inferable",
					     "inferable",  "inferable", "inferable" };
	char err[ERR_LEN];
	size_t i, j, k = 0;

	CU_ASSERT_EQUAL_FATAL(dataset_init(ds, N, 9, r, err), 0);
	for (j = 0; j < 9; j++)
		CU_ASSERT_EQUAL_FATAL(dataset_set_feature(ds, j, names[j], kinds[j], err), 0);
	for (i = 0; i < N; i++) {
		double *x = &ds->features[i * 9], n = (double)(1 + i % 7), ci = (double)(3 + i * 5),
		       co = (double)(8 + (i * 13) % 97);

		x[0] = n, x[1] = ci, x[2] = co, x[3] = 1e10 + (double)i, x[4] = 0.01 * (double)(i % 5);
		x[5] = n * ci, x[6] = ci * co + co, x[7] = n * co * (2 * ci + 1), x[8] = n * co;
		ds->latency_ms[i] = 0.05 + 1e-6 * x[7];
		for (j = 0; j < r; j++)
			ds->runs_ms[i * r + j] =
				ds->latency_ms[i] * (1 + (r > 1 ? 0.01 * ((double)j - 1) : 0));
		ds->split[i] = i < 20 ? SPLIT_TRAIN : i < 40 ? SPLIT_VALIDATION : SPLIT_TEST;
	}
	CU_ASSERT_EQUAL_FATAL(attrs_set_str(&ds->attrs, "module", "linear", err), 0);
	if (!repeat)
		return;
	CU_ASSERT_EQUAL_FATAL(dataset_init_protocol(ds, 0, short_test ? 44 : 45, err), 0);
	for (i = 0; i < N; i++) {
		double e = planted_error(i);

		if ((i >= 5 && i < 20) || (short_test && i == N - 1))
			continue;
		ds->repeat_rows[k] = (int64_t)i;
		/* |first - second| / second = e, second above or below first */
		ds->repeat_ms[k] = ds->latency_ms[i] / (i % 2 ? 1 - e : 1 + e);
		k++;
	}
	CU_ASSERT_EQUAL_FATAL(k, ds->nrepeat);
}

static void test_ceiling_by_hand(void)
{
	struct metrics all, val, test;
	struct dataset ds;
	char err[ERR_LEN] = "";

	make_dataset(&ds, 3, 1, 0);
	CU_ASSERT_EQUAL_FATAL(evaluate_repeatability(&ds, &all, &val, &test, err), 0);
	CU_ASSERT_EQUAL(all.n, 45);
	ASSERT_CLOSE(all.p10, 20.0 / 45, 1e-15);
	ASSERT_CLOSE(all.p20, 31.0 / 45, 1e-15);
	CU_ASSERT_EQUAL(val.n, 20);
	CU_ASSERT_EQUAL(val.p10, 0.5);
	CU_ASSERT_EQUAL(val.p20, 0.8);
	CU_ASSERT_EQUAL(test.n, 20);
	CU_ASSERT_EQUAL(test.p10, 0.25);
	CU_ASSERT_EQUAL(test.p20, 0.5);
	/* MAPE over validation: (10 * 0.05 + 6 * 0.15 + 4 * 0.3) / 20 = 0.13 */
	ASSERT_CLOSE(val.mape, 0.13, 1e-12);
	dataset_release(&ds);
}

/* n/a: a split with fewer than EVAL_REPEAT_MIN_ROWS re-measured rows (the
 * overall figure stays), and a dataset without a repeat subset (all n/a). */
static void test_ceiling_na(void)
{
	struct metrics all, val, test;
	struct dataset ds;
	char err[ERR_LEN] = "";

	CU_ASSERT_EQUAL_FATAL(EVAL_REPEAT_MIN_ROWS, 20);
	make_dataset(&ds, 3, 1, 1);
	CU_ASSERT_EQUAL_FATAL(evaluate_repeatability(&ds, &all, &val, &test, err), 0);
	CU_ASSERT_EQUAL(all.n, 44);
	ASSERT_CLOSE(all.p20, 31.0 / 44, 1e-15); /* the dropped row 59 was a 0.30 */
	CU_ASSERT_EQUAL(val.n, 20);
	CU_ASSERT_EQUAL(test.n, 0);
	CU_ASSERT(isnan(test.p10) && isnan(test.p20) && isnan(test.r2));
	dataset_release(&ds);

	make_dataset(&ds, 3, 0, 0);
	CU_ASSERT_EQUAL_FATAL(evaluate_repeatability(&ds, &all, &val, &test, err), 0);
	CU_ASSERT_EQUAL(all.n, 0);
	CU_ASSERT(isnan(all.p10) && isnan(all.p20));
	CU_ASSERT(isnan(val.p20) && isnan(test.p20));
	dataset_release(&ds);
}

static void fit_lr(struct model *m, const struct dataset *ds)
{
	struct experiment x;
	struct rm_settings s;
	char err[ERR_LEN] = "";

	memset(&x, 0, sizeof(x));
	x.seed = 3;
	CU_ASSERT_EQUAL_FATAL(rm_settings_load(&s, "lr", MODULE_LINEAR, &x, err), 0);
	CU_ASSERT_EQUAL_FATAL(model_fit(m, ds, "lr", FEATURES_ALL, &s, err), 0);
	CU_ASSERT_EQUAL_FATAL(attrs_set_str(&m->attrs, "module", "linear", err), 0);
	CU_ASSERT_EQUAL_FATAL(attrs_set_str(&m->attrs, "variant", "lr", err), 0);
	CU_ASSERT_EQUAL_FATAL(attrs_set_str(&m->attrs, "experiment", "t", err), 0);
	CU_ASSERT_EQUAL_FATAL(attrs_set_str(&m->attrs, "environment", "static", err), 0);
}

static double attr_f64(const char *path, const char *name)
{
	char err[ERR_LEN] = "";
	double v = -1;
	hid_t f;

	if (h5_open(path, EVAL_FORMAT, EVAL_VERSION, &f, err) < 0)
		return -2;
	if (h5_attr_read_f64(f, name, &v, err) < 0)
		v = -3;
	h5_close(f);
	return v;
}

/* evaluate_model carries the ceiling and the single-run noise into the file;
 * select_eval_read reads them back. */
static void test_eval_file(void)
{
	char err[ERR_LEN] = "", path[4096];
	struct select_eval se;
	struct evaluation e;
	struct dataset ds;
	struct model m;
	size_t k[1];
	int64_t *rows = NULL;
	hid_t f;

	h5_quiet();
	make_dataset(&ds, 3, 1, 0);
	fit_lr(&m, &ds);
	CU_ASSERT_EQUAL_FATAL(evaluate_model(&m, &ds, 0, &e, err), 0);
	CU_ASSERT_EQUAL(e.repeat.n, 45);
	CU_ASSERT_EQUAL(e.repeat_test.p20, 0.5);
	ASSERT_CLOSE(e.single_test_p10, 1.0, 1e-15); /* runs at +-1% */
	snprintf(path, sizeof(path), "%s/linear.lr.h5", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(evaluation_write(&e, &m, &ds, path, NULL, err), 0);
	ASSERT_CLOSE(attr_f64(path, "repeat_p10"), 20.0 / 45, 1e-15);
	CU_ASSERT_EQUAL(attr_f64(path, "repeat_val_p20"), 0.8);
	CU_ASSERT_EQUAL(attr_f64(path, "repeat_test_p10"), 0.25);
	CU_ASSERT_EQUAL(attr_f64(path, "single_run_test_p20"), 1.0);
	CU_ASSERT_EQUAL_FATAL(h5_open(path, EVAL_FORMAT, EVAL_VERSION, &f, err), 0);
	CU_ASSERT_EQUAL(h5_attr_exists(f, "noise_test_p20"), 0); /* the old name is gone */
	CU_ASSERT_EQUAL(h5_read_i64(f, "repeat_rows", 1, k, &rows, err), 0);
	CU_ASSERT_EQUAL(k[0], 45);
	CU_ASSERT(rows && rows[5] == 20);
	free(rows);
	h5_close(f);
	CU_ASSERT_EQUAL_FATAL(select_eval_read(&se, path, 0, err), 0);
	ASSERT_CLOSE(se.repeat_p20, 31.0 / 45, 1e-15);
	CU_ASSERT_EQUAL(se.repeat_n, 45);
	CU_ASSERT_EQUAL(se.single_test_p20, 1.0);
	select_eval_release(&se);
	evaluation_release(&e);
	model_release(&m);
	dataset_release(&ds);

	/* one run per sample, no repeat subset: both figures n/a, not 1.000 */
	make_dataset(&ds, 1, 0, 0);
	fit_lr(&m, &ds);
	CU_ASSERT_EQUAL_FATAL(evaluate_model(&m, &ds, 0, &e, err), 0);
	CU_ASSERT(isnan(e.single_test_p10) && isnan(e.single_test_p20));
	CU_ASSERT(isnan(e.repeat.p20) && e.repeat.n == 0);
	CU_ASSERT_EQUAL_FATAL(evaluation_write(&e, &m, &ds, path, NULL, err), 0);
	CU_ASSERT(isnan(attr_f64(path, "single_run_test_p20")));
	CU_ASSERT(isnan(attr_f64(path, "repeat_p20")));
	CU_ASSERT_EQUAL_FATAL(h5_open(path, EVAL_FORMAT, EVAL_VERSION, &f, err), 0);
	CU_ASSERT_EQUAL(h5_exists(f, "repeat_rows"), 0);
	h5_close(f);
	CU_ASSERT_EQUAL_FATAL(select_eval_read(&se, path, 0, err), 0);
	CU_ASSERT(isnan(se.single_test_p20) && isnan(se.repeat_p20) && se.repeat_n == 0);
	select_eval_release(&se);
	evaluation_release(&e);
	model_release(&m);
	dataset_release(&ds);
}

/* An evaluation written before the rename: noise_test_p10/p20 are read as
 * the single-run noise, the ceiling is n/a. */
static void test_old_eval_file(void)
{
	static const char *const strs[] = { "module", "variant", "experiment", "environment",
					    "dataset", NULL };
	static const char *const nums[] = { "val_p10", "val_p20", "val_r2", "test_p10",
					    "test_p20", "test_r2", "size_kb", NULL };
	char err[ERR_LEN] = "", path[4096];
	struct select_eval se;
	struct h5_out out;
	int i;

	h5_quiet();
	snprintf(path, sizeof(path), "%s/old.h5", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(h5_create(&out, path, EVAL_FORMAT, EVAL_VERSION, err), 0);
	for (i = 0; strs[i]; i++)
		CU_ASSERT_EQUAL(h5_attr_write_str(out.file, strs[i], "x", err), 0);
	for (i = 0; nums[i]; i++)
		CU_ASSERT_EQUAL(h5_attr_write_f64(out.file, nums[i], 0.5, err), 0);
	CU_ASSERT_EQUAL(h5_attr_write_f64(out.file, "noise_test_p10", 0.75, err), 0);
	CU_ASSERT_EQUAL(h5_attr_write_f64(out.file, "noise_test_p20", 0.875, err), 0);
	CU_ASSERT_EQUAL_FATAL(h5_commit(&out, err), 0);
	CU_ASSERT_EQUAL_FATAL(select_eval_read(&se, path, 0, err), 0);
	CU_ASSERT_EQUAL(se.single_test_p10, 0.75);
	CU_ASSERT_EQUAL(se.single_test_p20, 0.875);
	CU_ASSERT(isnan(se.repeat_p10) && isnan(se.repeat_p20));
	CU_ASSERT_EQUAL(se.repeat_n, 0);
	select_eval_release(&se);
}

UNIT_SUITE("evaluate", UNIT_TEST(test_ceiling_by_hand), UNIT_TEST(test_ceiling_na),
	   UNIT_TEST(test_eval_file), UNIT_TEST(test_old_eval_file));
