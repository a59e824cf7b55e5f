/* model.h - a fitted regression model: features, scaler, target, RM.
 *
 * model_fit picks the feature set's columns of a dataset, fits a min-max
 * scaler on the training split only (x' = (x - min) / (max - min); a
 * constant column maps to 0), transforms the target (log latency unless the
 * settings say raw), and fits the RM on the training rows. LOP instead gets
 * the raw out_size, data_size and flops columns and the raw latency.
 *
 * The model file (HDF5, format "modlat-model", version 1):
 *   /feature_names  string  [d]   the dataset columns used, in order
 *   /scaler_min     float64 [d]
 *   /scaler_range   float64 [d]   max - min (0: constant in training)
 *   /params/NAME    the RM's arrays (param_set)
 *   attributes: rm (lr, rf, mlp, medn, lop), variant (medn-d, medn-xi, ...),
 *     module, feature_set, target (log | raw), settings (the fragment text),
 *     seed, dataset, dataset_checksum, experiment, environment, tool_version
 * No time stamps: the same inputs and seed give the same bytes.
 */
#ifndef MODLAT_MODEL_H
#define MODLAT_MODEL_H

#include <stddef.h>

#include "dataset.h"
#include "rm.h"

#define MODEL_FORMAT "modlat-model"
#define MODEL_VERSION 1
#define MODEL_MAX_FEATURES 64

enum feature_set {
	FEATURES_ALL,
	FEATURES_NO_INFERABLE,  /* MEDN-XI */
	FEATURES_NO_MEASURABLE, /* MEDN-XM */
	FEATURES_SAMPLING,      /* MEDN-R */
};

struct model {
	const struct rm_ops *ops;
	void *rm;
	size_t d;                 /* features used */
	char **names;             /* d dataset column names */
	double *lo, *range;       /* scaler; NULL for raw-input RMs */
	int target_log;
	struct attrs attrs;
};

/* "all", "no-inferable", "no-measurable", "sampling"; -1 when unknown. */
int feature_set_from_name(const char *name, enum feature_set *fs);
const char *feature_set_name(enum feature_set fs);

/* Fits rm (settings s) on the training split of ds with feature set fs. */
int model_fit(struct model *m, const struct dataset *ds, const char *rm, enum feature_set fs,
	      const struct rm_settings *s, char *err);
void model_release(struct model *m);

int model_write(const struct model *m, const char *path, char *err);
int model_read(struct model *m, const char *path, char *err);

/* Maps the model's features to ds's columns (cols[d]); fails when ds is of
 * another module or lacks a feature. */
int model_bind(const struct model *m, const struct dataset *ds, int *cols, char *err);

/* Predicted latency (ms) from the d raw feature values, in the model's order.
 * The hot path: no allocation. */
double model_predict_one(const struct model *m, const double *x);
/* Predicted latency of every row of ds (out[n]), batched. */
int model_predict_dataset(const struct model *m, const struct dataset *ds, double *out,
			  char *err);

/* Bytes of stored parameters (what "size" reports). */
size_t model_param_bytes(const struct model *m);

#endif
