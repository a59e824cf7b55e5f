#include "evaluate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "h5io.h"
#include "util.h"

#define TPS_ROUND 64
#define TPS_ROUNDS 201

static int split_metrics(const struct dataset *ds, const double *pred, int split,
			 struct metrics *mt, double *n10, double *n20, char *err)
{
	double *p = xcalloc(ds->n, sizeof(double), err), *y = xcalloc(ds->n, sizeof(double), err);
	double *runs = xcalloc(ds->n * (ds->r ? ds->r : 1), sizeof(double), err);
	size_t i, k = 0;
	int rc = -1;

	if (!p || !y || !runs)
		goto out;
	for (i = 0; i < ds->n; i++)
		if (ds->split[i] == split) {
			p[k] = pred[i];
			y[k] = ds->latency_ms[i];
			memcpy(&runs[k * ds->r], &ds->runs_ms[i * ds->r], ds->r * sizeof(double));
			k++;
		}
	if (k == 0) {
		err_set(err, "the %s split is empty", split == SPLIT_VALIDATION ? "validation" : "test");
		goto out;
	}
	if (metrics_compute(p, y, k, mt, err) < 0 ||
	    metrics_single_run_noise(runs, y, k, ds->r, n10, n20, err) < 0)
		goto out;
	rc = 0;
out:
	free(p);
	free(y);
	free(runs);
	return rc;
}

static void metrics_na(struct metrics *m)
{
	m->n = 0;
	m->p10 = m->p20 = m->r2 = m->rmse = m->mape = NAN;
}

/* The ceiling over the repeat rows in split (-1: every split), n/a below
 * min rows. */
static int repeat_split(const struct dataset *ds, int split, size_t min, double *first,
			double *second, struct metrics *out, char *err)
{
	size_t i, k = 0;

	metrics_na(out);
	for (i = 0; i < ds->nrepeat; i++) {
		size_t row = (size_t)ds->repeat_rows[i];

		if (row >= ds->n)
			return err_set(err, "repeat row %zu is %zu, the dataset has %zu rows", i, row,
				       ds->n);
		if (split >= 0 && ds->split[row] != split)
			continue;
		first[k] = ds->latency_ms[row];
		second[k] = ds->repeat_ms[i];
		k++;
	}
	if (k == 0 || k < min)
		return 0;
	return metrics_repeatability(first, second, k, out, err);
}

int evaluate_repeatability(const struct dataset *ds, struct metrics *all, struct metrics *val,
			   struct metrics *test, char *err)
{
	double *first, *second;
	int rc = -1;

	metrics_na(all);
	metrics_na(val);
	metrics_na(test);
	if (!ds->latency_ms || !ds->nrepeat || !ds->repeat_rows || !ds->repeat_ms)
		return 0;
	first = xcalloc(ds->nrepeat, sizeof(double), err);
	second = xcalloc(ds->nrepeat, sizeof(double), err);
	if (first && second &&
	    repeat_split(ds, -1, 1, first, second, all, err) == 0 &&
	    repeat_split(ds, SPLIT_VALIDATION, EVAL_REPEAT_MIN_ROWS, first, second, val, err) == 0 &&
	    repeat_split(ds, SPLIT_TEST, EVAL_REPEAT_MIN_ROWS, first, second, test, err) == 0)
		rc = 0;
	free(first);
	free(second);
	return rc;
}

/* Median over rounds of the mean time of TPS_ROUND single predictions. */
static int time_single(const struct model *m, const struct dataset *ds, const int *cols,
		       double *tps_ms, char *err)
{
	size_t i, j, k, nt = 0, *rows = xcalloc(ds->n, sizeof(size_t), err);
	double *X, t[TPS_ROUNDS], scratch[TPS_ROUNDS];
	volatile double sink = 0; /* keeps the predictions from being optimised away */

	if (!rows)
		return -1;
	for (i = 0; i < ds->n; i++)
		if (ds->split[i] == SPLIT_TEST)
			rows[nt++] = i;
	if (!nt)
		for (i = 0; i < ds->n; i++)
			rows[nt++] = i;
	X = xcalloc(nt * m->d, sizeof(double), err);
	if (!X) {
		free(rows);
		return -1;
	}
	for (i = 0; i < nt; i++)
		for (j = 0; j < m->d; j++)
			X[i * m->d + j] = model_column(ds, rows[i], cols[j]);
	for (k = 0, i = 0; k < TPS_ROUNDS; k++) {
		double t0 = now_s();

		for (j = 0; j < TPS_ROUND; j++, i = (i + 1) % nt)
			sink += model_predict_one(m, &X[i * m->d]);
		t[k] = (now_s() - t0) / TPS_ROUND;
	}
	*tps_ms = median_of(t, TPS_ROUNDS, scratch) * 1e3;
	free(X);
	free(rows);
	return 0;
}

int evaluate_model(const struct model *m, const struct dataset *ds, int timed,
		   struct evaluation *e, char *err)
{
	int cols[MODEL_MAX_FEATURES];
	double t0;

	memset(e, 0, sizeof(*e));
	if (!ds->latency_ms)
		return err_set(err, "the dataset has no latencies");
	if (model_bind(m, ds, cols, err) < 0)
		return -1;
	e->n = ds->n;
	e->pred_ms = xcalloc(ds->n, sizeof(double), err);
	if (!e->pred_ms)
		return -1;
	t0 = now_s();
	if (model_predict_dataset(m, ds, e->pred_ms, err) < 0)
		goto fail;
	e->batch_us = (now_s() - t0) / (double)ds->n * 1e6;
	if (split_metrics(ds, e->pred_ms, SPLIT_VALIDATION, &e->val, &e->single_val_p10,
			  &e->single_val_p20, err) < 0 ||
	    split_metrics(ds, e->pred_ms, SPLIT_TEST, &e->test, &e->single_test_p10,
			  &e->single_test_p20, err) < 0 ||
	    evaluate_repeatability(ds, &e->repeat, &e->repeat_val, &e->repeat_test, err) < 0)
		goto fail;
	e->size_kb = (double)model_param_bytes(m) / 1024.0;
	if (timed && time_single(m, ds, cols, &e->tps_ms, err) < 0)
		goto fail;
	return 0;
fail:
	evaluation_release(e);
	return -1;
}

void evaluation_release(struct evaluation *e)
{
	free(e->pred_ms);
	e->pred_ms = NULL;
}

static int write_ident(hid_t f, const struct model *m, const struct dataset *ds, char *err)
{
	static const char *const keys[] = { "rm", "variant", "module", "feature_set",
					    "experiment", "environment", NULL };
	int i;

	for (i = 0; keys[i]; i++) {
		const char *v = attrs_str(&m->attrs, keys[i]);

		if (!strcmp(keys[i], "rm"))
			v = m->ops->name;
		if (h5_attr_write_str(f, keys[i], v ? v : "", err) < 0)
			return -1;
	}
	if (h5_attr_write_str(f, "dataset", attrs_str(&m->attrs, "dataset") ?: "", err) < 0 ||
	    h5_attr_write_str(f, "host_cpu", attrs_str(&ds->attrs, "host_cpu") ?: "", err) < 0 ||
	    h5_attr_write_str(f, "backend", attrs_str(&ds->attrs, "backend") ?: "", err) < 0 ||
	    h5_attr_write_str(f, "backend_version", attrs_str(&ds->attrs, "backend_version") ?: "",
			      err) < 0 ||
	    h5_attr_write_str(f, "tool_version", MODLAT_VERSION, err) < 0)
		return -1;
	return 0;
}

static int write_metrics(hid_t f, const char *prefix, const struct metrics *mt, char *err)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_p10", prefix);
	if (h5_attr_write_f64(f, name, mt->p10, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s_p20", prefix);
	if (h5_attr_write_f64(f, name, mt->p20, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s_r2", prefix);
	if (h5_attr_write_f64(f, name, mt->r2, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s_rmse", prefix);
	if (h5_attr_write_f64(f, name, mt->rmse, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s_mape", prefix);
	if (h5_attr_write_f64(f, name, mt->mape, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s_n", prefix);
	return h5_attr_write_i64(f, name, (int64_t)mt->n, err);
}

/* The repeat subset behind the ceiling: its rows and second medians (the
 * first are /latency_ms[row]); absent when the dataset has none. */
static int write_repeat_rows(hid_t f, const struct dataset *ds, char *err)
{
	size_t k = ds->nrepeat;

	if (!k || !ds->repeat_rows || !ds->repeat_ms)
		return 0;
	if (h5_write_i64(f, "repeat_rows", 1, &k, ds->repeat_rows, err) < 0 ||
	    h5_write_f64(f, "repeat_latency_ms", 1, &k, ds->repeat_ms, err) < 0)
		return -1;
	return 0;
}

int evaluation_write(const struct evaluation *e, const struct model *m, const struct dataset *ds,
		     const char *path, const char *timing_path, char *err)
{
	struct h5_out out, tout;
	size_t n = e->n;

	if (h5_create(&out, path, EVAL_FORMAT, EVAL_VERSION, err) < 0)
		return -1;
	if (write_ident(out.file, m, ds, err) < 0 || write_metrics(out.file, "val", &e->val, err) < 0 ||
	    write_metrics(out.file, "test", &e->test, err) < 0 ||
	    h5_attr_write_f64(out.file, "single_run_val_p10", e->single_val_p10, err) < 0 ||
	    h5_attr_write_f64(out.file, "single_run_val_p20", e->single_val_p20, err) < 0 ||
	    h5_attr_write_f64(out.file, "single_run_test_p10", e->single_test_p10, err) < 0 ||
	    h5_attr_write_f64(out.file, "single_run_test_p20", e->single_test_p20, err) < 0 ||
	    write_metrics(out.file, "repeat", &e->repeat, err) < 0 ||
	    write_metrics(out.file, "repeat_val", &e->repeat_val, err) < 0 ||
	    write_metrics(out.file, "repeat_test", &e->repeat_test, err) < 0 ||
	    write_repeat_rows(out.file, ds, err) < 0 ||
	    h5_attr_write_f64(out.file, "size_kb", e->size_kb, err) < 0 ||
	    h5_write_f64(out.file, "pred_ms", 1, &n, e->pred_ms, err) < 0 ||
	    h5_write_f64(out.file, "latency_ms", 1, &n, ds->latency_ms, err) < 0 ||
	    h5_write_u8(out.file, "split", 1, &n, ds->split, err) < 0) {
		h5_abort(&out);
		return -1;
	}
	if (timing_path) {
		if (h5_create(&tout, timing_path, TIMING_FORMAT, TIMING_VERSION, err) < 0) {
			h5_abort(&out);
			return -1;
		}
		if (write_ident(tout.file, m, ds, err) < 0 ||
		    h5_attr_write_f64(tout.file, "tps_ms", e->tps_ms, err) < 0 ||
		    h5_attr_write_f64(tout.file, "batch_us_per_sample", e->batch_us, err) < 0 ||
		    h5_stage(&tout, err) < 0 || h5_stage(&out, err) < 0) {
			h5_abort(&tout);
			h5_abort(&out);
			return -1;
		}
		/* both are complete on disk: only the renames are left */
		if (h5_commit(&tout, err) < 0) {
			h5_abort(&out);
			return -1;
		}
	}
	return h5_commit(&out, err);
}
