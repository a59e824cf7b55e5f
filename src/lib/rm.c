#include "rm.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gbt.h"
#include "linreg.h"
#include "lop.h"
#include "medn.h"
#include "mlp.h"
#include "rf.h"

/* ---- adapters ---------------------------------------------------------- */

static int lr_fit(const double *X, const double *y, size_t n, size_t d,
		  const struct rm_settings *s, void **model, char *err)
{
	return linreg_fit(X, y, n, d, (struct linreg_model **)model, err);
}

static double lr_one(const void *m, const double *x)
{
	return linreg_predict_one(m, x);
}

static int lr_many(const void *m, const double *X, size_t n, double *out, char *err)
{
	linreg_predict(m, X, n, out);
	return 0;
}

static int lr_save(const void *m, struct param_set *ps, char *err)
{
	return linreg_export(m, ps, err);
}

static int lr_load(const struct param_set *ps, void **m, char *err)
{
	return linreg_import(ps, (struct linreg_model **)m, err);
}

static void lr_free(void *m)
{
	linreg_free(m);
}

static int rf_fit_rm(const double *X, const double *y, size_t n, size_t d,
		     const struct rm_settings *s, void **model, char *err)
{
	struct rf_params p;

	rf_params_init(&p);
	p.n_trees = s->trees;
	p.max_depth = s->max_depth;
	p.max_features = s->max_features;
	p.min_samples_split = s->min_samples_split;
	p.min_samples_leaf = s->min_samples_leaf;
	p.bootstrap = s->bootstrap;
	p.seed = s->seed;
	p.threads = s->threads;
	return rf_fit(X, y, n, d, &p, (struct rf_model **)model, err);
}

static double rf_one(const void *m, const double *x)
{
	return rf_predict_one(m, x);
}

static int rf_many(const void *m, const double *X, size_t n, double *out, char *err)
{
	rf_predict(m, X, n, out, 1);
	return 0;
}

static int rf_save(const void *m, struct param_set *ps, char *err)
{
	return rf_export(m, ps, err);
}

static int rf_load(const struct param_set *ps, void **m, char *err)
{
	return rf_import(ps, (struct rf_model **)m, err);
}

static void rf_free_rm(void *m)
{
	rf_free(m);
}

/* The -es variants' training settings of the deep RMs (nn_train_params) */
static void deep_early_stop(const struct rm_settings *s, int *cosine, struct nn_valid *v)
{
	*cosine = s->early_stop;
	memset(v, 0, sizeof(*v));
	if (s->early_stop) {
		v->X = s->valid_X;
		v->y = s->valid_y;
		v->n = s->nvalid;
		v->target_log = s->target_log;
	}
}

static int mlp_fit_rm(const double *X, const double *y, size_t n, size_t d,
		      const struct rm_settings *s, void **model, char *err)
{
	struct mlp_params p;
	int i;

	mlp_params_default(&p);
	p.nhidden = s->nhidden;
	for (i = 0; i < s->nhidden; i++)
		p.hidden[i] = s->hidden[i];
	p.epochs = s->epochs;
	p.lr = s->lr;
	p.batch = s->batch;
	p.seed = s->seed;
	deep_early_stop(s, &p.cosine, &p.valid);
	return mlp_fit(X, y, n, (int)d, &p, (struct mlp_model **)model, err);
}

static double mlp_one(const void *m, const double *x)
{
	return mlp_predict_one(m, x);
}

static int mlp_many(const void *m, const double *X, size_t n, double *out, char *err)
{
	return mlp_predict(m, X, n, out, err);
}

static int mlp_save(const void *m, struct param_set *ps, char *err)
{
	return mlp_export(m, ps, err);
}

static int mlp_load(const struct param_set *ps, void **m, char *err)
{
	return mlp_import(ps, (struct mlp_model **)m, err);
}

static void mlp_free_rm(void *m)
{
	mlp_free(m);
}

static int medn_fit_rm(const double *X, const double *y, size_t n, size_t d,
		       const struct rm_settings *s, void **model, char *err)
{
	struct medn_params p;
	int i;

	medn_params_default(&p);
	p.nenc = s->nenc;
	for (i = 0; i < s->nenc; i++)
		p.enc[i] = s->encoder[i];
	p.recon_weight = s->weight;
	p.direct = s->direct;
	p.act = s->leaky ? NN_ACT_LEAKY_RELU : NN_ACT_RELU;
	p.epochs = s->epochs;
	p.lr = s->lr;
	p.batch = s->batch;
	p.seed = s->seed;
	deep_early_stop(s, &p.cosine, &p.valid);
	return medn_fit(X, y, n, (int)d, &p, (struct medn_model **)model, err);
}

static double medn_one(const void *m, const double *x)
{
	return medn_predict_one(m, x);
}

static int medn_many(const void *m, const double *X, size_t n, double *out, char *err)
{
	return medn_predict(m, X, n, out, err);
}

static int medn_save(const void *m, struct param_set *ps, char *err)
{
	return medn_export(m, ps, err);
}

static int medn_load(const struct param_set *ps, void **m, char *err)
{
	return medn_import(ps, (struct medn_model **)m, err);
}

static void medn_free_rm(void *m)
{
	medn_free(m);
}

/* gbt's fit calls XGBoost, which only fit-gbt and the unit tests link
 * (gbt_xgb.c), so that evaluate, predict and the C API never need
 * libxgboost: the reference is weak, and null where gbt_xgb.c is not
 * linked in. */
extern int gbt_fit(const double *X, const double *y, size_t n, size_t d,
		   const struct gbt_params *p, struct gbt_model **m, char *err)
	__attribute__((weak));

static int gbt_fit_rm(const double *X, const double *y, size_t n, size_t d,
		      const struct rm_settings *s, void **model, char *err)
{
	struct gbt_params p;

	if (!gbt_fit)
		return err_set(err, "this program cannot fit boosted trees (fit-gbt does)");
	gbt_params_init(&p);
	p.n_trees = s->trees;
	p.max_depth = s->max_depth;
	p.lr = s->lr;
	p.lambda = s->lambda;
	p.min_child_weight = s->min_child_weight;
	p.subsample = s->subsample;
	p.colsample = s->colsample;
	p.max_bin = s->max_bin;
	p.seed = s->seed;
	return gbt_fit(X, y, n, d, &p, (struct gbt_model **)model, err);
}

static double gbt_one(const void *m, const double *x)
{
	return gbt_predict_one(m, x);
}

static int gbt_many(const void *m, const double *X, size_t n, double *out, char *err)
{
	gbt_predict(m, X, n, out, 1);
	return 0;
}

static int gbt_save(const void *m, struct param_set *ps, char *err)
{
	return gbt_export(m, ps, err);
}

static int gbt_load(const struct param_set *ps, void **m, char *err)
{
	return gbt_import(ps, (struct gbt_model **)m, err);
}

static void gbt_free_rm(void *m)
{
	gbt_free(m);
}

/* LOP's rows are (ACTS, INP, FLOPs) = (out_size, data_size, flops). */
static int lop_fit_rm(const double *X, const double *y, size_t n, size_t d,
		      const struct rm_settings *s, void **model, char *err)
{
	double *cols = xcalloc(3 * n, sizeof(double), err);
	size_t i;
	int rc;

	if (!cols)
		return -1;
	for (i = 0; i < n; i++) {
		cols[i] = X[i * 3];
		cols[n + i] = X[i * 3 + 1];
		cols[2 * n + i] = X[i * 3 + 2];
	}
	rc = lop_fit(cols, cols + n, cols + 2 * n, y, n, (struct lop_model **)model, err);
	free(cols);
	return rc;
}

static double lop_one(const void *m, const double *x)
{
	return lop_predict_one(m, x[0], x[1], x[2]);
}

static int lop_many(const void *m, const double *X, size_t n, double *out, char *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = lop_one(m, &X[i * 3]);
	return 0;
}

static int lop_save(const void *m, struct param_set *ps, char *err)
{
	return lop_export(m, ps, err);
}

static int lop_load(const struct param_set *ps, void **m, char *err)
{
	return lop_import(ps, (struct lop_model **)m, err);
}

static void lop_free_rm(void *m)
{
	lop_free(m);
}

static const struct rm_ops rms[] = {
	{ "lr", 0, lr_fit, lr_one, lr_many, lr_save, lr_load, lr_free, 0 },
	{ "rf", 0, rf_fit_rm, rf_one, rf_many, rf_save, rf_load, rf_free_rm, 0 },
	{ "mlp", 0, mlp_fit_rm, mlp_one, mlp_many, mlp_save, mlp_load, mlp_free_rm, 1 },
	{ "medn", 0, medn_fit_rm, medn_one, medn_many, medn_save, medn_load, medn_free_rm, 1 },
	{ "gbt", 0, gbt_fit_rm, gbt_one, gbt_many, gbt_save, gbt_load, gbt_free_rm, 1 },
	{ "lop", 1, lop_fit_rm, lop_one, lop_many, lop_save, lop_load, lop_free_rm, 0 },
};

const struct rm_ops *rm_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(rms) / sizeof(rms[0]); i++)
		if (!strcmp(rms[i].name, name))
			return &rms[i];
	return NULL;
}

/* ---- settings ---------------------------------------------------------- */

/* The paper's settings of module m. */
static void paper_defaults(struct rm_settings *s, enum module_kind m)
{
	memset(s, 0, sizeof(*s));
	s->target_log = 1;
	/* nn-Meter's CPU kernel predictors (predictor_lib.py) */
	s->min_samples_split = 2;
	s->min_samples_leaf = 1;
	s->bootstrap = 1;
	if (module_has_conv(m)) {
		s->trees = 320, s->max_depth = 70, s->max_features = 6;
	} else if (m == MODULE_MAXPOOL) {
		s->trees = 210, s->max_depth = 50, s->max_features = 5;
	} else if (m == MODULE_AVGPOOL) {
		s->trees = 370, s->max_depth = 50, s->max_features = 5;
	} else { /* linear (nn-Meter's fc), bn, bn-relu */
		s->trees = 370, s->max_depth = 50, s->max_features = 2;
	}
	/* the MLP: two hidden layers of 128 (see README) */
	s->nhidden = 2;
	s->hidden[0] = s->hidden[1] = 128;
	/* MEDN, Table 4: encoder widths and reconstruction weight */
	s->nenc = 3;
	if (module_has_conv(m)) {
		s->encoder[0] = 128, s->encoder[1] = 64, s->encoder[2] = 32, s->weight = 100;
	} else if (m == MODULE_BN || m == MODULE_BN_RELU) {
		s->encoder[0] = 32, s->encoder[1] = 16, s->encoder[2] = 8, s->weight = 1.0;
	} else {
		s->encoder[0] = 64, s->encoder[1] = 32, s->encoder[2] = 16;
		s->weight = m == MODULE_AVGPOOL ? 0.001 : 0.01; /* linear, maxpool 0.01 */
	}
	s->leaky = 1;
	s->epochs = 500;
	s->batch = 64;
	s->lr = 0.005;
	/* gbt (trees, max_depth and lr: rm_settings_load) */
	{
		struct gbt_params g;

		gbt_params_init(&g);
		s->lambda = g.lambda;
		s->min_child_weight = g.min_child_weight;
		s->subsample = g.subsample;
		s->colsample = g.colsample;
		s->max_bin = g.max_bin;
	}
}

static int read_layers(const struct config *c, const char *sec, const char *key, int *n,
		       int *w, char *err)
{
	long v[RM_MAX_LAYERS];
	int i, k;

	if (!config_find(c, sec, key))
		return 0;
	if (config_list(c, sec, key, "1", v, RM_MAX_LAYERS, &k, err) < 0)
		return -1;
	*n = k;
	for (i = 0; i < k; i++)
		w[i] = (int)v[i];
	return 0;
}

static int read_section(struct rm_settings *s, const struct config *c, const char *sec,
			char *err)
{
	const struct config_entry *e;
	long v;

	if (config_long(c, sec, "trees", s->trees, 1, 100000, &v, err) < 0)
		return -1;
	s->trees = (int)v;
	if (config_long(c, sec, "max_depth", s->max_depth, 0, 100000, &v, err) < 0)
		return -1;
	s->max_depth = (int)v;
	if (config_long(c, sec, "max_features", s->max_features, 0, 100000, &v, err) < 0)
		return -1;
	s->max_features = (int)v;
	if (config_long(c, sec, "min_samples_split", s->min_samples_split, 2, 1000000, &v, err) < 0)
		return -1;
	s->min_samples_split = (int)v;
	if (config_long(c, sec, "min_samples_leaf", s->min_samples_leaf, 1, 1000000, &v, err) < 0)
		return -1;
	s->min_samples_leaf = (int)v;
	if (config_bool(c, sec, "bootstrap", s->bootstrap, &s->bootstrap, err) < 0)
		return -1;
	if (config_long(c, sec, "threads", s->threads, 0, 1024, &v, err) < 0)
		return -1;
	s->threads = (int)v;
	if (read_layers(c, sec, "hidden", &s->nhidden, s->hidden, err) < 0 ||
	    read_layers(c, sec, "encoder", &s->nenc, s->encoder, err) < 0)
		return -1;
	if (config_double(c, sec, "weight", s->weight, 0, 1e9, &s->weight, err) < 0)
		return -1;
	if (config_double(c, sec, "lambda", s->lambda, 0, 1e9, &s->lambda, err) < 0 ||
	    config_double(c, sec, "min_child_weight", s->min_child_weight, 0, 1e9,
			  &s->min_child_weight, err) < 0 ||
	    config_double(c, sec, "subsample", s->subsample, 1e-6, 1, &s->subsample, err) < 0 ||
	    config_double(c, sec, "colsample", s->colsample, 1e-6, 1, &s->colsample, err) < 0)
		return -1;
	if (config_long(c, sec, "max_bin", s->max_bin, 2, 65536, &v, err) < 0)
		return -1;
	s->max_bin = (int)v;
	if (config_long(c, sec, "epochs", s->epochs, 1, 1000000, &v, err) < 0)
		return -1;
	s->epochs = (int)v;
	if (config_long(c, sec, "batch", s->batch, 1, 1000000, &v, err) < 0)
		return -1;
	s->batch = (int)v;
	if (config_double(c, sec, "lr", s->lr, 1e-12, 10, &s->lr, err) < 0)
		return -1;
	e = config_find(c, sec, "target");
	if (e) {
		if (!strcmp(e->value, "log"))
			s->target_log = 1;
		else if (!strcmp(e->value, "raw"))
			s->target_log = 0;
		else
			return err_set(err, "%s:%d: [%s] target = '%s': expected log or raw", e->file,
				       e->line, sec, e->value);
	}
	e = config_find(c, sec, "activation");
	if (e) {
		if (!strcmp(e->value, "relu"))
			s->leaky = 0;
		else if (!strcmp(e->value, "leaky_relu"))
			s->leaky = 1;
		else
			return err_set(err, "%s:%d: [%s] activation = '%s': expected relu or leaky_relu",
				       e->file, e->line, sec, e->value);
	}
	return 0;
}

/* The entry of key in sec, else in [rm] (the one that set the value). */
static const struct config_entry *setting(const struct config *c, const char *rm,
					  const char *sec, const char *key)
{
	const struct config_entry *e = config_find(c, sec, key);

	return e ? e : config_find(c, rm, key);
}

/* gbt's ranges beyond the shared keys' (XGBoost's learning rate is at most
 * 1, its depth 1 to 30), named by file and line. */
static int check_gbt(const struct rm_settings *s, const struct config *c, const char *sec,
		     char *err)
{
	const struct config_entry *e;

	if (!(s->lr <= 1) && (e = setting(c, "gbt", sec, "lr")))
		return err_set(err, "%s:%d: [%s] lr = %s: expected a value in (0, 1] for gbt",
			       e->file, e->line, e->section, e->value);
	if ((s->max_depth < 1 || s->max_depth > 30) && (e = setting(c, "gbt", sec, "max_depth")))
		return err_set(err, "%s:%d: [%s] max_depth = %s: expected 1 to 30 for gbt", e->file,
			       e->line, e->section, e->value);
	return 0;
}

int rm_settings_load(struct rm_settings *s, const char *rm, enum module_kind m,
		     const struct experiment *x, char *err)
{
	char sec[64];

	if (!rm_find(rm))
		return err_set(err, "unknown regression model '%s', expected lr, rf, mlp, medn, gbt "
			       "or lop",
			       rm);
	paper_defaults(s, m);
	/* LOP is a linear model of latency by definition; LR is the paper's plain
	 * least squares (on log latency its exp() explodes when extrapolating) */
	if (!strcmp(rm, "lop") || !strcmp(rm, "lr"))
		s->target_log = 0;
	if (!strcmp(rm, "gbt")) {
		struct gbt_params g;

		gbt_params_init(&g);
		s->trees = g.n_trees;
		s->max_depth = g.max_depth;
		s->lr = g.lr;
	}
	s->seed = x->seed;
	snprintf(sec, sizeof(sec), "%s.%s", rm, module_name(m));
	if (read_section(s, &x->raw, rm, err) < 0 || read_section(s, &x->raw, sec, err) < 0)
		return -1;
	return strcmp(rm, "gbt") ? 0 : check_gbt(s, &x->raw, sec, err);
}
