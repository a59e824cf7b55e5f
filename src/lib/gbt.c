/* gbt.c - the boosted trees as modlat stores and walks them (gbt.h); the
 * fit is in gbt_xgb.c. */
#include "gbt.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "err.h"

void gbt_params_init(struct gbt_params *p)
{
	p->n_trees = 600;
	p->max_depth = 6;
	p->lr = 0.05;
	p->lambda = 1.0;
	p->min_child_weight = 5.0;
	p->subsample = 0.8;
	p->colsample = 1.0;
	p->max_bin = 256;
	p->seed = 0;
}

double gbt_threshold(float c)
{
	float below = nextafterf(c, -INFINITY);
	double mid;

	if (isinf(below))
		return -DBL_MAX;
	/* two neighbouring floats: their sum and its half are exact in double */
	mid = ((double)below + (double)c) / 2;
	/* the midpoint rounds to one of them (ties to even) */
	return (float)mid < c ? mid : nextafter(mid, -INFINITY);
}

double gbt_predict_one(const struct gbt_model *m, const double *x)
{
	return m->base + rf_predict_sum(m->trees, x);
}

void gbt_predict(const struct gbt_model *m, const double *X, size_t n, double *out, int threads)
{
	size_t i;

	rf_predict_sums(m->trees, X, n, out, threads);
	for (i = 0; i < n; i++)
		out[i] += m->base;
}

void gbt_free(struct gbt_model *m)
{
	if (!m)
		return;
	rf_free(m->trees);
	free(m);
}

int gbt_import(const struct param_set *ps, struct gbt_model **out, char *err)
{
	struct gbt_model *m;
	double base;

	*out = NULL;
	if (param_set_get_scalar_f64(ps, "base_score", &base, err) < 0)
		return -1;
	if (!isfinite(base))
		return err_set(err, "parameter 'base_score' is %g, expected a finite number", base);
	m = xcalloc(1, sizeof(*m), err);
	if (!m)
		return -1;
	m->base = base;
	if (rf_import(ps, &m->trees, err) < 0) {
		free(m);
		return -1;
	}
	*out = m;
	return 0;
}

int gbt_export(const struct gbt_model *m, struct param_set *ps, char *err)
{
	if (rf_export(m->trees, ps, err) < 0)
		return -1;
	return param_set_add_scalar_f64(ps, "base_score", m->base, err);
}
