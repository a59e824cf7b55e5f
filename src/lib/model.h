/* model.h - a fitted regression model: features, scaler, target, RM.
 *
 * model_fit picks the feature set's columns of a dataset (the set
 * "channels" adds features computed from cin and cout, chanfeat.h), fits a min-max
 * scaler on the training split only (x' = (x - min) / (max - min); a
 * constant column maps to 0), transforms the target (log latency unless the
 * settings say raw), and fits the RM on the training rows. LOP instead gets
 * the raw out_size, data_size and flops columns and the raw latency.
 *
 * Bounds. A model answers only within what it was trained on:
 *   - inputs: a scaled feature is clamped to [-MODEL_MARGIN, 1 + MODEL_MARGIN]
 *     (LOP's raw inputs to the same interval of their training range);
 *   - a feature whose training range is below MODEL_DEGENERATE of its
 *     magnitude (mem_avail on a quiet machine: 32 KB out of 2e10 bytes) is
 *     "degenerate": scaled as a constant (range 0, so it is 0 in training and
 *     in every query), since the model cannot learn anything from it and
 *     would otherwise be asked about values thousands of ranges away;
 *   - the prediction is clamped to [lat_min / MODEL_FACTOR, lat_max *
 *     MODEL_FACTOR] of the training latencies: positive and finite.
 * model_predict_flagged says when a query lies outside the training range
 * (the flag tolerance of a degenerate feature is MODEL_DEGENERATE of its
 * magnitude) and when the output was bounded.
 *
 * The model file (HDF5, format "modlat-model", version 2):
 *   /feature_names  string  [d]   the dataset columns used, in order
 *   /scaler_min     float64 [d]   (not for raw-input RMs: LOP)
 *   /scaler_range   float64 [d]   max - min (0: constant or degenerate in training)
 *   /train_min      float64 [d]   each feature's range in the training split
 *   /train_max      float64 [d]
 *   /params/NAME    the RM's arrays (param_set)
 *   attributes: rm (lr, rf, mlp, medn, gbt, lop), variant (medn-d, medn-xi,
 *     gbt-ca, ...),
 *     module, feature_set, target (log | raw), settings (the fragment text),
 *     seed, dataset, dataset_checksum, experiment, environment, tool_version,
 *     latency_min_ms, latency_max_ms (the training latencies' range),
 *     degenerate_features (the features used as constants, comma-separated,
 *     "" for none), log_features (only with log inputs, the -log variants:
 *     the features scaled as log(x), comma-separated; their scaler_min and
 *     scaler_range are log(train_min) and log(train_max) - log(train_min))
 * No time stamps: the same inputs and seed give the same bytes. Version 1
 * files (no training ranges) are refused with a message to fit them again.
 */
#ifndef MODLAT_MODEL_H
#define MODLAT_MODEL_H

#include <stddef.h>

#include "dataset.h"
#include "rm.h"

#define MODEL_FORMAT "modlat-model"
#define MODEL_VERSION 2
#define MODEL_MAX_FEATURES 64

/* scaled inputs are clamped to [-MODEL_MARGIN, 1 + MODEL_MARGIN] */
#define MODEL_MARGIN 0.05
/* predictions are clamped to [lat_min / MODEL_FACTOR, lat_max * MODEL_FACTOR] */
#define MODEL_FACTOR 10.0
/* log inputs (rm_settings.log_inputs): a feature positive in training whose
 * maximum is at least this many times its minimum is scaled as log(x): the
 * sizes and FLOPs (5-9 decades), not batch, channels or map size (1-2
 * decades; logging those too measured worse: conv MEDN P20 0.834 against
 * 0.866 without logs and 0.892 with this ratio, paper static datasets) */
#define MODEL_LOG_RATIO 1000.0
/* a training range below this share of the feature's magnitude is degenerate */
#define MODEL_DEGENERATE 0.01

/* bits of model_predict_flagged's *flags */
#define MODEL_OUT_OF_RANGE 1u /* a feature lies outside its training range */
#define MODEL_BOUNDED 2u      /* the RM's answer lay outside the latency bounds */
#define MODEL_NAN 4u          /* the RM's answer was not a number (a broken model) */

enum feature_set {
	FEATURES_ALL,
	FEATURES_NO_INFERABLE,  /* MEDN-XI */
	FEATURES_NO_MEASURABLE, /* MEDN-XM */
	FEATURES_SAMPLING,      /* MEDN-R */
	FEATURES_CHANNELS,      /* all, and cin's and cout's alignment (chanfeat.h): -ca */
	FEATURES_RUN_STATE,     /* MEDN-RUN: the state during the timed runs instead of before */
	FEATURES_BOTH,          /* MEDN-BOTH: the state before and during the timed runs */
};
#define FEATURE_SET_COUNT 7

struct model {
	const struct rm_ops *ops;
	void *rm;
	size_t d;                 /* features used */
	char **names;             /* d dataset column names */
	double *lo, *range;       /* scaler; NULL for raw-input RMs */
	unsigned char *logx;      /* d: 1 = scaled as log(x) (log_features); NULL: none */
	double *train_min, *train_max; /* d: each feature's range in the training split */
	double lat_min, lat_max;  /* the training latencies' range (ms), > 0 */
	int target_log;
	struct attrs attrs;
};

/* "all", "no-inferable", "no-measurable", "sampling", "channels",
 * "run-state", "both"; -1 when unknown. The state during the timed runs
 * (dataset_add_run_state's columns, kind "run-state") is in the last two
 * sets only: a predictor cannot know it at query time, so it serves the
 * ablation, not selection. */
int feature_set_from_name(const char *name, enum feature_set *fs);
const char *feature_set_name(enum feature_set fs);

/* Fits rm (settings s) on the training split of ds with feature set fs. */
int model_fit(struct model *m, const struct dataset *ds, const char *rm, enum feature_set fs,
	      const struct rm_settings *s, char *err);
void model_release(struct model *m);

int model_write(const struct model *m, const char *path, char *err);
int model_read(struct model *m, const char *path, char *err);

/* Maps the model's features to ds's columns (cols[d]; a channel feature has
 * a negative code, read with model_column); fails when ds is of another
 * module or lacks a feature. */
int model_bind(const struct model *m, const struct dataset *ds, int *cols, char *err);
/* The value of column col (from model_bind) in row `row` of ds. */
double model_column(const struct dataset *ds, size_t row, int col);

/* Predicted latency (ms) from the d raw feature values, in the model's order,
 * within the bounds above. The hot path: no allocation. */
double model_predict_one(const struct model *m, const double *x);
/* The same, and *flags (MODEL_* bits) says what the bounds did; *feature
 * (may be NULL) gets the index of the first feature outside its training
 * range, or -1. */
double model_predict_flagged(const struct model *m, const double *x, unsigned *flags,
			     int *feature);
/* Whether feature j is degenerate (see above). */
int model_degenerate(const struct model *m, size_t j);
/* Predicted latency of every row of ds (out[n]), batched, bounded as
 * model_predict_one. */
int model_predict_dataset(const struct model *m, const struct dataset *ds, double *out,
			  char *err);

/* Bytes of stored parameters (what "size" reports). */
size_t model_param_bytes(const struct model *m);

#endif
