#include "linreg.h"

#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define LINREG_RCOND 1e-12

static struct linreg_model *linreg_new(size_t d, char *err)
{
	struct linreg_model *m = xcalloc(1, sizeof(*m), err);

	if (!m)
		return NULL;
	m->coef = xcalloc(d, sizeof(double), err);
	if (!m->coef) {
		free(m);
		return NULL;
	}
	m->d = d;
	return m;
}

void linreg_free(struct linreg_model *m)
{
	if (!m)
		return;
	free(m->coef);
	free(m);
}

/* Solves the centred, column-normalised problem A w = b (A is (n, d),
 * column-major, b holds max(n, d) values) and writes w into b[0 .. d). */
static int solve_min_norm(double *A, double *b, size_t n, size_t d, char *err)
{
	size_t k = n < d ? n : d;
	double *sv = xcalloc(k, sizeof(double), err);
	lapack_int rank, info;

	if (!sv)
		return -1;
	info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)d, 1, A,
			      (lapack_int)n, b, (lapack_int)(n > d ? n : d), sv,
			      LINREG_RCOND, &rank);
	free(sv);
	if (info < 0)
		return err_set(err, "linear regression: dgelsd argument %d is invalid",
			       (int)-info);
	if (info > 0)
		return err_set(err, "linear regression: the SVD did not converge");
	return 0;
}

int linreg_fit(const double *X, const double *y, size_t n, size_t d,
	       struct linreg_model **out, char *err)
{
	struct linreg_model *m = NULL;
	double *A = NULL, *b = NULL, *xm = NULL, *scale = NULL, ym = 0;
	size_t i, j, ldb = n > d ? n : d;
	int rc = -1;

	*out = NULL;
	if (n == 0)
		return err_set(err, "linear regression: no training samples");
	if (n > INT_MAX || d > INT_MAX || (d && n > (size_t)INT_MAX / d))
		return err_set(err, "linear regression: %zu x %zu is too large", n, d);
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]))
			return err_set(err, "linear regression: target %zu is not finite", i);
		for (j = 0; j < d; j++)
			if (!isfinite(X[i * d + j]))
				return err_set(err, "linear regression: feature %zu of "
					       "sample %zu is not finite", j, i);
	}
	m = linreg_new(d, err);
	A = xcalloc(n * d, sizeof(double), err);
	b = xcalloc(ldb, sizeof(double), err);
	xm = xcalloc(d, sizeof(double), err);
	scale = xcalloc(d, sizeof(double), err);
	if (!m || !A || !b || !xm || !scale)
		goto out;

	for (i = 0; i < n; i++) {
		ym += y[i];
		for (j = 0; j < d; j++)
			xm[j] += X[i * d + j];
	}
	ym /= (double)n;
	for (j = 0; j < d; j++)
		xm[j] /= (double)n;
	/* A = centred X, column-major, each column scaled to unit norm */
	for (j = 0; j < d; j++) {
		double *col = A + j * n, ss = 0;

		for (i = 0; i < n; i++) {
			col[i] = X[i * d + j] - xm[j];
			ss += col[i] * col[i];
		}
		scale[j] = sqrt(ss);
		if (scale[j] > 0)
			for (i = 0; i < n; i++)
				col[i] /= scale[j];
	}
	for (i = 0; i < n; i++)
		b[i] = y[i] - ym;
	if (d && solve_min_norm(A, b, n, d, err) < 0)
		goto out;

	m->intercept = ym;
	for (j = 0; j < d; j++) {
		m->coef[j] = scale[j] > 0 ? b[j] / scale[j] : 0.0;
		m->intercept -= m->coef[j] * xm[j];
	}
	*out = m;
	m = NULL;
	rc = 0;
out:
	linreg_free(m);
	free(A);
	free(b);
	free(xm);
	free(scale);
	return rc;
}

void linreg_predict(const struct linreg_model *m, const double *X, size_t n, double *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = linreg_predict_one(m, X + i * m->d);
}

int linreg_export(const struct linreg_model *m, struct param_set *ps, char *err)
{
	if (param_set_add_scalar_f64(ps, "intercept", m->intercept, err) < 0 ||
	    param_set_add_f64(ps, "coef", m->d, m->coef, err) < 0)
		return -1;
	return 0;
}

int linreg_import(const struct param_set *ps, struct linreg_model **out, char *err)
{
	struct linreg_model *m;
	const void *coef;
	double intercept;
	size_t d, j;

	*out = NULL;
	if (param_set_get_scalar_f64(ps, "intercept", &intercept, err) < 0 ||
	    param_set_get(ps, "coef", PARAM_F64, 1, &d, NULL, &coef, err) < 0)
		return -1;
	if (!isfinite(intercept))
		return err_set(err, "parameter 'intercept' is not finite");
	for (j = 0; j < d; j++)
		if (!isfinite(((const double *)coef)[j]))
			return err_set(err, "parameter 'coef' value %zu is not finite", j);
	m = linreg_new(d, err);
	if (!m)
		return -1;
	m->intercept = intercept;
	if (d)
		memcpy(m->coef, coef, d * sizeof(double));
	*out = m;
	return 0;
}
