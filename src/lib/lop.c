/* lop.c - fitting the low-overhead predictor (see lop.h for the method). */
#include "lop.h"

#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define LOP_RCOND 1e-12
#define LOP_QUANTILES 64
#define LOP_MIN_HIGH 4

void lop_free(struct lop_model *m)
{
	free(m);
}

/* min ||A x - b|| for A (m, k), column-major with leading dimension lda,
 * both overwritten; b holds max(m, k) values. Columns are scaled to unit
 * norm first (a zero column gets weight 0); singular values below
 * LOP_RCOND of the largest are dropped (minimum-norm solution). k <= 4. */
static int lstsq(double *A, size_t lda, double *b, size_t m, size_t k, double *x, char *err)
{
	double norm[4], sv[4];
	lapack_int rank, info;
	size_t i, j;

	for (j = 0; j < k; j++) {
		double ss = 0;

		for (i = 0; i < m; i++)
			ss += A[j * lda + i] * A[j * lda + i];
		norm[j] = sqrt(ss);
		for (i = 0; i < m && norm[j] > 0; i++)
			A[j * lda + i] /= norm[j];
	}
	info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)k, 1, A,
			      (lapack_int)lda, b, (lapack_int)(m > k ? m : k), sv, LOP_RCOND,
			      &rank);
	if (info != 0)
		return err_set(err, "low-overhead predictor: least squares failed (dgelsd %d)",
			       (int)info);
	for (j = 0; j < k; j++)
		x[j] = norm[j] > 0 ? b[j] / norm[j] : 0.0;
	return 0;
}

/* Non-negative least squares min ||A x - b||, x >= 0, for A (m, 4)
 * (column-major, leading dimension lda; destroyed) and b (m; destroyed).
 * A = QR reduces it to min ||R x - Q'b|| (r = min(m, 4) rows); the optimum
 * is the unconstrained solution on its own support, so solving every
 * support and keeping the best non-negative one is exact. */
static int nnls4(double *A, size_t lda, double *b, size_t m, double x[4], char *err)
{
	size_t r = m < 4 ? m : 4, i, j;
	double tau[4], R[16], best = 0;
	unsigned mask;

	if (LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (lapack_int)m, 4, A, (lapack_int)lda, tau) != 0 ||
	    LAPACKE_dormqr(LAPACK_COL_MAJOR, 'L', 'T', (lapack_int)m, 1, (lapack_int)r, A,
			   (lapack_int)lda, tau, b, (lapack_int)m) != 0)
		return err_set(err, "low-overhead predictor: QR factorisation failed");
	for (j = 0; j < 4; j++)
		for (i = 0; i < 4; i++)
			R[j * 4 + i] = i < r && i <= j ? A[j * lda + i] : 0.0;
	for (i = 0; i < 4; i++)
		x[i] = 0;
	for (i = 0; i < r; i++)
		best += b[i] * b[i];	/* the empty support: x = 0 */
	for (mask = 1; mask < 16; mask++) {
		double Rs[16], q[4], xs[4], full[4] = { 0 }, res = 0;
		size_t k = 0, c;
		int feasible = 1;

		for (j = 0; j < 4; j++)
			if (mask >> j & 1) {
				memcpy(Rs + k * 4, R + j * 4, 4 * sizeof(double));
				k++;
			}
		for (i = 0; i < 4; i++)
			q[i] = i < r ? b[i] : 0.0;
		if (lstsq(Rs, 4, q, r, k, xs, err) < 0)
			return -1;
		for (j = 0, c = 0; j < 4; j++)
			if (mask >> j & 1) {
				feasible &= xs[c] >= 0;
				full[j] = xs[c++];
			}
		if (!feasible)
			continue;
		for (i = 0; i < r; i++) {
			double e = -b[i];

			for (j = 0; j < 4; j++)
				e += R[j * 4 + i] * full[j];
			res += e * e;
		}
		if (res < best) {
			best = res;
			memcpy(x, full, sizeof(full));
		}
	}
	return 0;
}

/* The scaled data and scratch space. */
struct lop_work {
	size_t n;
	double *u[3];		/* n each: acts, inp, flops over their largest value */
	double *t;		/* n: y over its largest value */
	double *A;		/* (n, 4) column-major */
	double *rhs;		/* n */
	double *base;		/* n */
};

struct candidate {
	double B;		/* breakpoint (scaled); < 0: no correction */
	double coef[4];		/* scaled a, b, c, d */
	double slope, offset;	/* offset scaled */
	double error;		/* summed relative error */
};

/* Fits candidate c->B (B < 0: no correction) and fills the rest of *c. */
static int try_candidate(struct lop_work *w, struct candidate *c, char *err)
{
	size_t n = w->n, m = 0, i, j;
	int correct = c->B >= 0;

	for (i = 0; i < n; i++) {
		if (correct && !(w->t[i] > c->B))
			continue;
		for (j = 0; j < 3; j++)
			w->A[j * n + m] = w->u[j][i];
		w->A[3 * n + m] = 1.0;
		w->rhs[m++] = w->t[i];
	}
	if (m == 0) {	/* the midpoint rounded onto a value: not a candidate */
		c->error = INFINITY;
		return 0;
	}
	if (nnls4(w->A, n, w->rhs, m, c->coef, err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		w->base[i] = c->coef[0] * w->u[0][i] + c->coef[1] * w->u[1][i] +
			c->coef[2] * w->u[2][i] + c->coef[3];

	/* the correction: least squared relative error over base < B,
	 * i.e. rows (base/t, 1/t) -> 1 */
	c->slope = 1.0;
	c->offset = 0.0;
	m = 0;
	for (i = 0; correct && i < n; i++)
		if (w->base[i] < c->B) {
			w->A[m] = w->base[i] / w->t[i];
			w->A[n + m] = 1.0 / w->t[i];
			w->rhs[m++] = 1.0;
		}
	if (m > 0) {
		double so[2];

		if (lstsq(w->A, n, w->rhs, m, 2, so, err) < 0)
			return -1;
		c->slope = so[0];
		c->offset = so[1];
	}
	c->error = 0;
	for (i = 0; i < n; i++) {
		double p = correct && w->base[i] < c->B ?
			c->slope * w->base[i] + c->offset : w->base[i];

		c->error += fabs(p - w->t[i]) / w->t[i];
	}
	return 0;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Tries the breakpoint midway below distinct value k (k >= 1) of uq. */
static int try_index(struct lop_work *w, const double *uq, size_t k, struct candidate *best,
		     char *err)
{
	struct candidate c;

	c.B = uq[k - 1] / 2.0 + uq[k] / 2.0;
	if (try_candidate(w, &c, err) < 0)
		return -1;
	if (c.error < best->error || (c.error == best->error && c.B < best->B))
		*best = c;
	return 0;
}

static int lop_search(struct lop_work *w, struct candidate *best, char *err)
{
	size_t n = w->n, nu = 0, kmax, i, j, lo, hi, k, at[LOP_QUANTILES];
	size_t bestq = 0, nq = 0;
	double *uq = xcalloc(n, sizeof(double), err);
	int rc = -1;

	if (!uq)
		return -1;
	best->B = -1.0;
	if (try_candidate(w, best, err) < 0)
		goto out;
	/* uq: the distinct latencies, ascending */
	memcpy(uq, w->t, n * sizeof(double));
	qsort(uq, n, sizeof(double), by_double);
	for (i = 0; i < n; i++)
		if (i == 0 || uq[i] != uq[nu - 1])
			uq[nu++] = uq[i];
	/* candidates k = 1 .. kmax keep >= LOP_MIN_HIGH samples above B */
	kmax = 0;
	{
		size_t above = 0;

		for (k = nu; k-- > 1;) {
			for (i = 0; i < n; i++)	/* counted once per k: only near the top */
				above += w->t[i] == uq[k];
			if (above >= LOP_MIN_HIGH) {
				kmax = k;
				break;
			}
		}
	}
	if (kmax == 0) {
		rc = 0;
		goto out;
	}
	if (kmax <= 2 * LOP_QUANTILES) {
		for (k = 1; k <= kmax; k++)
			if (try_index(w, uq, k, best, err) < 0)
				goto out;
		rc = 0;
		goto out;
	}
	/* coarse: quantiles of the candidate indices; then refine around the best */
	for (j = 0; j < LOP_QUANTILES; j++) {
		k = 1 + j * (kmax - 1) / (LOP_QUANTILES - 1);
		if (nq && at[nq - 1] == k)
			continue;
		at[nq] = k;
		{
			double before = best->error;

			if (try_index(w, uq, k, best, err) < 0)
				goto out;
			if (best->error < before)
				bestq = nq;
		}
		nq++;
	}
	if (best->B < 0) {	/* no correction won; nothing to refine */
		rc = 0;
		goto out;
	}
	lo = bestq > 0 ? at[bestq - 1] + 1 : 1;
	hi = bestq + 1 < nq ? at[bestq + 1] - 1 : kmax;
	for (k = lo; k <= hi; k++)
		if (k != at[bestq] && try_index(w, uq, k, best, err) < 0)
			goto out;
	rc = 0;
out:
	free(uq);
	return rc;
}

static double column_max(const double *x, size_t n)
{
	double mx = 0;
	size_t i;

	for (i = 0; i < n; i++)
		mx = x[i] > mx ? x[i] : mx;
	return mx > 0 ? mx : 1.0;
}

int lop_fit(const double *acts, const double *inp, const double *flops, const double *y,
	    size_t n, struct lop_model **out, char *err)
{
	static const char *names[3] = { "acts", "inp", "flops" };
	const double *cols[3] = { acts, inp, flops };
	struct lop_work w;
	struct candidate best;
	struct lop_model *m = NULL;
	double scale[3], sy;
	size_t i, j;
	int rc = -1;

	*out = NULL;
	if (n == 0)
		return err_set(err, "low-overhead predictor: no training samples");
	if (n > INT_MAX / 4)
		return err_set(err, "low-overhead predictor: %zu samples is too many", n);
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]) || y[i] <= 0)
			return err_set(err, "low-overhead predictor: latency %zu is %g, "
				       "expected > 0", i, y[i]);
		for (j = 0; j < 3; j++)
			if (!isfinite(cols[j][i]) || cols[j][i] < 0)
				return err_set(err, "low-overhead predictor: %s of sample %zu "
					       "is %g, expected >= 0", names[j], i, cols[j][i]);
	}
	memset(&w, 0, sizeof(w));
	w.n = n;
	for (j = 0; j < 3; j++)
		w.u[j] = xcalloc(n, sizeof(double), err);
	w.t = xcalloc(n, sizeof(double), err);
	w.A = xcalloc(4 * n, sizeof(double), err);
	w.rhs = xcalloc(n > 4 ? n : 4, sizeof(double), err);
	w.base = xcalloc(n, sizeof(double), err);
	m = xcalloc(1, sizeof(*m), err);
	if (!w.u[0] || !w.u[1] || !w.u[2] || !w.t || !w.A || !w.rhs || !w.base || !m)
		goto out;
	for (j = 0; j < 3; j++) {
		scale[j] = column_max(cols[j], n);
		for (i = 0; i < n; i++)
			w.u[j][i] = cols[j][i] / scale[j];
	}
	sy = column_max(y, n);
	for (i = 0; i < n; i++)
		w.t[i] = y[i] / sy;

	if (lop_search(&w, &best, err) < 0)
		goto out;
	m->a = best.coef[0] * sy / scale[0];
	m->b = best.coef[1] * sy / scale[1];
	m->c = best.coef[2] * sy / scale[2];
	m->d = best.coef[3] * sy;
	m->breakpoint = best.B < 0 ? 0.0 : best.B * sy;
	m->slope = best.slope;
	m->offset = best.offset * sy;
	*out = m;
	m = NULL;
	rc = 0;
out:
	for (j = 0; j < 3; j++)
		free(w.u[j]);
	free(w.t);
	free(w.A);
	free(w.rhs);
	free(w.base);
	free(m);
	return rc;
}

int lop_export(const struct lop_model *m, struct param_set *ps, char *err)
{
	double coef[4] = { m->a, m->b, m->c, m->d };

	if (param_set_add_f64(ps, "coef", 4, coef, err) < 0 ||
	    param_set_add_scalar_f64(ps, "breakpoint", m->breakpoint, err) < 0 ||
	    param_set_add_scalar_f64(ps, "slope", m->slope, err) < 0 ||
	    param_set_add_scalar_f64(ps, "offset", m->offset, err) < 0)
		return -1;
	return 0;
}

int lop_import(const struct param_set *ps, struct lop_model **out, char *err)
{
	struct lop_model v, *m;
	const double *coef;
	const void *p;
	size_t len, j;

	*out = NULL;
	if (param_set_get(ps, "coef", PARAM_F64, 1, &len, NULL, &p, err) < 0)
		return -1;
	if (len != 4)
		return err_set(err, "parameter 'coef' has %zu values, expected 4", len);
	coef = p;
	if (param_set_get_scalar_f64(ps, "breakpoint", &v.breakpoint, err) < 0 ||
	    param_set_get_scalar_f64(ps, "slope", &v.slope, err) < 0 ||
	    param_set_get_scalar_f64(ps, "offset", &v.offset, err) < 0)
		return -1;
	for (j = 0; j < 4; j++)
		if (!isfinite(coef[j]) || coef[j] < 0)
			return err_set(err, "parameter 'coef' value %zu is %g, expected "
				       "finite and >= 0", j, coef[j]);
	if (!isfinite(v.breakpoint) || !isfinite(v.slope) || !isfinite(v.offset))
		return err_set(err, "parameters 'breakpoint', 'slope', 'offset' must be finite");
	v.a = coef[0];
	v.b = coef[1];
	v.c = coef[2];
	v.d = coef[3];
	m = xmalloc(sizeof(*m), err);
	if (!m)
		return -1;
	*m = v;
	*out = m;
	return 0;
}
