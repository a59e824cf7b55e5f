/* evaluate.h - a model's accuracy, speed and size on its dataset.
 *
 * Accuracy (P10, P20, R², RMSE, MAPE) on the validation and the test split,
 * beside the noise ceiling: the P10/P20 of "predicting" each individual timed
 * run by its sample's median latency — what a perfect model of the median
 * could reach given the device's run-to-run noise.
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

struct evaluation {
	struct metrics val, test;
	double noise_val_p10, noise_val_p20, noise_test_p10, noise_test_p20;
	double size_kb;
	double *pred_ms; /* n predictions, every split */
	size_t n;
	/* timing */
	double tps_ms;       /* median single-sample prediction */
	double batch_us;     /* per sample, batched */
};

/* Evaluates m on ds (accuracy and size; timings when timed is non-zero). */
int evaluate_model(const struct model *m, const struct dataset *ds, int timed,
		   struct evaluation *e, char *err);
void evaluation_release(struct evaluation *e);

/* Writes the metrics and predictions (path) and the timings (timing_path,
 * may be NULL); attributes identify model and dataset. */
int evaluation_write(const struct evaluation *e, const struct model *m, const struct dataset *ds,
		     const char *path, const char *timing_path, char *err);

#endif
