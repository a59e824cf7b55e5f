/* metrics.h - accuracy of latency predictions, and the measurement's own
 * limits: the single-run noise and the repeatability ceiling.
 *
 * For predictions p and measured latencies y (> 0), with relative error
 * e_i = |p_i - y_i| / y_i:
 *   P10, P20  share of samples with e_i <= 0.10 / 0.20, in [0, 1]
 *             (P20 is the paper's "Acc")
 *   R^2       1 - SS_res / SS_tot; when SS_tot = 0 (constant y) it is 1 for
 *             a perfect fit and 0 otherwise (scikit-learn's r2_score)
 *   RMSE      sqrt(mean (p_i - y_i)^2), in y's units
 *   MAPE      mean e_i, a fraction (0.05 = 5%), like scikit-learn's
 */
#ifndef MODLAT_METRICS_H
#define MODLAT_METRICS_H

#include <stddef.h>

struct metrics {
	size_t n;
	double p10, p20;
	double r2;
	double rmse;
	double mape;
};

/* Fills *out from pred and y (n >= 1 each). Fails when a prediction is not
 * finite or a latency is not finite and > 0. */
int metrics_compute(const double *pred, const double *y, size_t n, struct metrics *out,
		    char *err);

/* The single-run noise: the P10/P20 of "predicting" every individual timed
 * run runs[i * r + k] (truth) by its sample's median med[i]; shares over all
 * runs. It measures the noise of one run, not how well a median can be
 * predicted (that is metrics_repeatability). runs is (n, r), row-major; a
 * non-finite run (NaN: not measured) is skipped, and so is a sample with
 * fewer than 2 finite runs (its one run is its median: no noise to see);
 * finite runs must be > 0. med may be NULL: then each sample's median is
 * taken over its finite runs. When no sample has 2 finite runs (r = 1:
 * single-run datasets) *p10 and *p20 are NaN, "not applicable", and it
 * returns 0. */
int metrics_single_run_noise(const double *runs, const double *med, size_t n, size_t r,
			     double *p10, double *p20, char *err);

/* The repeatability ceiling: how well the median of one measurement
 * (first[i], the dataset's latency) predicts the median of the same
 * configuration measured again later (second[i]): metrics_compute with
 * pred = first and y = second, so e_i = |first_i - second_i| / second_i —
 * the later measurement is the truth, as it is for a model queried later.
 * The upper bound a model of the median can be expected to reach. Fails as
 * metrics_compute does (n = 0, a non-finite or non-positive value). */
int metrics_repeatability(const double *first, const double *second, size_t n,
			  struct metrics *out, char *err);

/* The median of x[0 .. n) (mean of the two middle values for even n),
 * computed on a copy: x is not reordered. Fails for n = 0 or a NaN. */
int metrics_median(const double *x, size_t n, double *out, char *err);

#endif
