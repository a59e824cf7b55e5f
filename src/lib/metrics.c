#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

int metrics_compute(const double *pred, const double *y, size_t n, struct metrics *out,
		    char *err)
{
	double mean = 0, ss_res = 0, ss_tot = 0, sum_rel = 0;
	size_t i, in10 = 0, in20 = 0;

	if (n == 0)
		return err_set(err, "metrics: no samples");
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]) || y[i] <= 0)
			return err_set(err, "metrics: latency %zu is %g, expected > 0", i, y[i]);
		if (!isfinite(pred[i]))
			return err_set(err, "metrics: prediction %zu is not finite", i);
		mean += y[i];
	}
	mean /= (double)n;
	for (i = 0; i < n; i++) {
		double rel = fabs(pred[i] - y[i]) / y[i];

		in10 += rel <= 0.10;
		in20 += rel <= 0.20;
		sum_rel += rel;
		ss_res += (pred[i] - y[i]) * (pred[i] - y[i]);
		ss_tot += (y[i] - mean) * (y[i] - mean);
	}
	out->n = n;
	out->p10 = (double)in10 / (double)n;
	out->p20 = (double)in20 / (double)n;
	out->mape = sum_rel / (double)n;
	out->rmse = sqrt(ss_res / (double)n);
	if (ss_tot > 0)
		out->r2 = 1.0 - ss_res / ss_tot;
	else
		out->r2 = ss_res == 0 ? 1.0 : 0.0;
	return 0;
}

int metrics_median(const double *x, size_t n, double *out, char *err)
{
	double *c;
	size_t i;

	if (n == 0)
		return err_set(err, "median of no values");
	for (i = 0; i < n; i++)
		if (isnan(x[i]))
			return err_set(err, "median: value %zu is not a number", i);
	c = xcalloc(n, sizeof(double), err);
	if (!c)
		return -1;
	*out = median_of(x, n, c);
	free(c);
	return 0;
}

int metrics_repeatability(const double *first, const double *second, size_t n,
			  struct metrics *out, char *err)
{
	size_t i;

	if (n == 0)
		return err_set(err, "repeatability: no re-measured samples");
	for (i = 0; i < n; i++)
		if (!isfinite(first[i]) || first[i] <= 0)
			return err_set(err, "repeatability: first median %zu is %g, expected > 0", i,
				       first[i]);
	return metrics_compute(first, second, n, out, err);
}

int metrics_single_run_noise(const double *runs, const double *med, size_t n, size_t r,
			     double *p10, double *p20, char *err)
{
	size_t i, k, total = 0, in10 = 0, in20 = 0;
	double *row = xcalloc(r ? r : 1, sizeof(double), err);

	if (!row)
		return -1;
	for (i = 0; i < n; i++) {
		const double *ri = runs + i * r;
		size_t got = 0;
		double m;

		for (k = 0; k < r; k++) {
			if (!isfinite(ri[k]))
				continue;
			if (ri[k] <= 0) {
				free(row);
				return err_set(err, "metrics: run %zu of sample %zu is %g, "
					       "expected > 0", k, i, ri[k]);
			}
			row[got++] = ri[k];
		}
		if (got < 2)
			continue;
		if (med) {
			m = med[i];
			if (!isfinite(m)) {
				free(row);
				return err_set(err, "metrics: median of sample %zu is not finite",
					       i);
			}
		} else if (metrics_median(row, got, &m, err) < 0) {
			free(row);
			return -1;
		}
		for (k = 0; k < got; k++) {
			double rel = fabs(m - row[k]) / row[k];

			in10 += rel <= 0.10;
			in20 += rel <= 0.20;
		}
		total += got;
	}
	free(row);
	if (!total) {
		*p10 = *p20 = NAN;
		return 0;
	}
	*p10 = (double)in10 / (double)total;
	*p20 = (double)in20 / (double)total;
	return 0;
}
