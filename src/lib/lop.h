/* lop.h - LOP: the low-overhead latency predictor.
 *
 * From Stock, Mazaheri & Beringer's dnn-latency-predictor (see
 * reference/lop-readme.md): a linear model of the module's output
 * activations, input size and FLOPs, fitted on the high-latency range,
 *     base = a*ACTS + b*INP + c*FLOPs + d,      a, b, c, d >= 0,
 * with a linear correction below a breakpoint:
 *     pred = base < breakpoint ? slope*base + offset : base.
 *
 * Fitting (our choices; the README gives the form, not the procedure):
 *   - columns and target are divided by their largest value, so inputs
 *     spanning 1e3 .. 1e12 stay well conditioned; the coefficients are
 *     scaled back;
 *   - for a candidate breakpoint B, (a, b, c, d) is the non-negative least
 *     squares fit (absolute error) to the samples with y > B: QR of those
 *     rows, then every active set of the 4 unknowns is solved exactly and
 *     the best feasible one kept (for 4 unknowns this enumeration is exact
 *     NNLS); (slope, offset) is the weighted least squares fit, weights
 *     1/y^2 (i.e. least squared relative error), to the samples whose base
 *     prediction is below B;
 *   - one B serves both as the fit threshold (on measured latency) and as
 *     the breakpoint (on the base prediction); it is chosen to minimise the
 *     summed relative error sum |pred - y| / y over all training samples.
 *     Candidates lie midway between consecutive distinct measured
 *     latencies (so the fit set is y > B and no training sample sits on
 *     the breakpoint): first those at 64 quantiles of y, then every one
 *     between the best one's neighbouring quantiles.
 *     "No correction" (base fitted on all samples, breakpoint 0, slope 1,
 *     offset 0) is a candidate too. On equal error the smaller B wins, "no
 *     correction" first. A candidate needs at least 4 samples above B.
 */
#ifndef MODLAT_LOP_H
#define MODLAT_LOP_H

#include <stddef.h>

#include "param_set.h"

struct lop_model {
	double a, b, c, d;	/* base = a*ACTS + b*INP + c*FLOPs + d (latency units) */
	double breakpoint;	/* base < breakpoint: corrected; 0 = never */
	double slope, offset;	/* corrected = slope * base + offset */
};

/* Fits n samples: acts (output elements), inp (input elements), flops, all
 * finite and >= 0, and the measured latency y, finite and > 0. n >= 1.
 * On success *m is a new model (free with lop_free). */
int lop_fit(const double *acts, const double *inp, const double *flops, const double *y,
	    size_t n, struct lop_model **m, char *err);

static inline double lop_base(const struct lop_model *m, double acts, double inp,
			      double flops)
{
	return m->a * acts + m->b * inp + m->c * flops + m->d;
}

static inline double lop_predict_one(const struct lop_model *m, double acts, double inp,
				     double flops)
{
	double base = lop_base(m, acts, inp, flops);

	return base < m->breakpoint ? m->slope * base + m->offset : base;
}

void lop_free(struct lop_model *m);

/* Entries: "coef" float64 [4] (a, b, c, d), "breakpoint", "slope",
 * "offset" float64 [1]. */
int lop_export(const struct lop_model *m, struct param_set *ps, char *err);
int lop_import(const struct param_set *ps, struct lop_model **m, char *err);

#endif
