/* linreg.h - LR: ordinary least squares with an intercept.
 *
 * Minimises sum_i (y_i - b0 - x_i . b)^2 with LAPACK's dgelsd (SVD). X is
 * centred and each column scaled to unit norm first, so the intercept is
 * exact, a constant column becomes a zero column, and singular values below
 * 1e-12 of the largest are dropped: a constant or duplicated column (rank
 * deficiency) does not fail, it gets the minimum-norm solution in the scaled
 * space (duplicates share their weight; a constant column gets 0), whose
 * predictions equal any least-squares solution's.
 */
#ifndef MODLAT_LINREG_H
#define MODLAT_LINREG_H

#include <stddef.h>

#include "param_set.h"

struct linreg_model {
	size_t d;		/* number of features */
	double intercept;
	double *coef;		/* d weights */
};

/* Fits X (n, d), row-major, to y (n). n >= 1; every value must be finite.
 * On success *m is a new model the caller frees with linreg_free. */
int linreg_fit(const double *X, const double *y, size_t n, size_t d,
	       struct linreg_model **m, char *err);

/* The prediction for one row x (d values). */
static inline double linreg_predict_one(const struct linreg_model *m, const double *x)
{
	double s = m->intercept;
	size_t j;

	for (j = 0; j < m->d; j++)
		s += m->coef[j] * x[j];
	return s;
}

/* Predictions for X (n, d), row-major, into out (n). */
void linreg_predict(const struct linreg_model *m, const double *X, size_t n, double *out);

void linreg_free(struct linreg_model *m);

/* Entries: "intercept" (float64 [1]) and "coef" (float64 [d]). */
int linreg_export(const struct linreg_model *m, struct param_set *ps, char *err);
int linreg_import(const struct param_set *ps, struct linreg_model **m, char *err);

#endif
