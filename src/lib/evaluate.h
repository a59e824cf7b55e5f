/* evaluate.h - a model's accuracy, speed and size on its dataset, beside
 * the measurement's own limits.
 *
 * Accuracy (P10, P20, R², RMSE, MAPE) on the validation and the test split,
 * beside two figures of the measurement itself, not to be confused:
 *   single-run noise        the P10/P20 of "predicting" each individual timed
 *                           run by its sample's median: the noise of one run
 *                           (n/a, NaN, when the dataset has one run per sample)
 *   repeatability ceiling   the P10/P20 of the first median (latency_ms[row])
 *                           as a prediction of the second median of the same
 *                           configuration, re-measured at the end of the bench
 *                           (the dataset's repeat subset; metrics_repeatability):
 *                           the upper bound a model of the median can reach.
 *                           Over the whole subset, and per split where the
 *                           split holds at least EVAL_REPEAT_MIN_ROWS of it;
 *                           n/a (NaN, n = 0) otherwise and without a subset.
 *
 * Speed: Tps is the median time of one single-sample prediction (the way an
 * online optimiser calls the predictor), from rounds of 64 calls on test rows;
 * batch throughput is the time per sample of one batched call over the whole
 * dataset. Timings are kept apart from the deterministic metrics, in their
 * own file, so the evaluation file itself is byte-reproducible.
 */
#ifndef MODLAT_EVALUATE_H
#define MODLAT_EVALUATE_H

#include "dataset.h"
#include "metrics.h"
#include "model.h"

#define EVAL_FORMAT "modlat-eval"
#define EVAL_VERSION 1
#define TIMING_FORMAT "modlat-timing"
#define TIMING_VERSION 1

/* The eval file's layout is documented in the README ("evaluate"). */
#define EVAL_REPEAT_MIN_ROWS 20

struct evaluation {
	struct metrics val, test;
	/* single-run noise per split; NaN when not applicable */
	double single_val_p10, single_val_p20, single_test_p10, single_test_p20;
	/* repeatability ceiling: every split, validation, test; n = 0 and NaN
	 * metrics when not applicable */
	struct metrics repeat, repeat_val, repeat_test;
	double size_kb;
	double *pred_ms; /* n predictions, every split */
	size_t n;
	/* timing */
	double tps_ms;       /* median single-sample prediction */
	double batch_us;     /* per sample, batched */
};

/* The repeatability ceiling of ds (see above) into all, val and test; each
 * n/a (n = 0, NaN metrics) where it does not apply. Fails only on bad data. */
int evaluate_repeatability(const struct dataset *ds, struct metrics *all, struct metrics *val,
			   struct metrics *test, char *err);

/* Evaluates m on ds (accuracy and size; timings when timed is non-zero). */
int evaluate_model(const struct model *m, const struct dataset *ds, int timed,
		   struct evaluation *e, char *err);
void evaluation_release(struct evaluation *e);

/* Writes the metrics and predictions (path) and the timings (timing_path,
 * may be NULL); attributes identify model and dataset. */
int evaluation_write(const struct evaluation *e, const struct model *m, const struct dataset *ds,
		     const char *path, const char *timing_path, char *err);

#endif
