/* gbt_xgb.c - fitting gradient-boosted trees with XGBoost's C API (gbt.h).
 *
 * XGBoost grows the trees (hist method, squared error, one thread: the same
 * data and seed give the same trees bit for bit); its text dump, whose
 * numbers are printed with 9 significant digits (a float's exact value),
 * is turned into the forest's preorder arrays and built by gbt_import. Only
 * this file calls XGBoost.
 */
#include "gbt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "err.h"

#define GBT_MAX_FEATURES 127 /* the forest's limit (rf.h) */

static int check_params(const struct gbt_params *p, size_t n, size_t d, char *err)
{
	if (n == 0)
		return err_set(err, "boosted trees: no training samples");
	if (n > INT32_MAX)
		return err_set(err, "boosted trees: %zu samples, at most %d supported", n, INT32_MAX);
	if (d == 0 || d > GBT_MAX_FEATURES)
		return err_set(err, "boosted trees: %zu features, expected 1 .. %d", d,
			       GBT_MAX_FEATURES);
	if (p->n_trees < 1)
		return err_set(err, "boosted trees: %d trees, expected >= 1", p->n_trees);
	if (p->max_depth < 1 || p->max_depth > 30)
		return err_set(err, "boosted trees: max_depth is %d, expected 1 .. 30", p->max_depth);
	if (!(p->lr > 0 && p->lr <= 1))
		return err_set(err, "boosted trees: lr is %g, expected a value in (0, 1]", p->lr);
	if (!(p->lambda >= 0 && isfinite(p->lambda)))
		return err_set(err, "boosted trees: lambda is %g, expected >= 0", p->lambda);
	if (!(p->min_child_weight >= 0 && isfinite(p->min_child_weight)))
		return err_set(err, "boosted trees: min_child_weight is %g, expected >= 0",
			       p->min_child_weight);
	if (!(p->subsample > 0 && p->subsample <= 1))
		return err_set(err, "boosted trees: subsample is %g, expected a value in (0, 1]",
			       p->subsample);
	if (!(p->colsample > 0 && p->colsample <= 1))
		return err_set(err, "boosted trees: colsample is %g, expected a value in (0, 1]",
			       p->colsample);
	if (p->max_bin < 2)
		return err_set(err, "boosted trees: max_bin is %d, expected >= 2", p->max_bin);
	return 0;
}

/* ---- the text dump ------------------------------------------------------ */

/* One node of a dumped tree, by XGBoost's node id. */
struct dump_node {
	int kind;        /* 0 unseen, 1 split, 2 leaf */
	int feature;
	float cond;      /* split: go left ("yes") when x < cond */
	float value;     /* leaf */
	long yes, no;
};

/* Parses one line, "ID:[fF<COND] yes=A,no=B,missing=C" or "ID:leaf=V"
 * (leading tabs), into nodes (cap entries). */
static int parse_line(const char *s, struct dump_node *nodes, long cap, size_t d)
{
	char *end;
	long id, f;
	struct dump_node nd = { 0 };

	while (*s == '\t')
		s++;
	id = strtol(s, &end, 10);
	if (end == s || *end != ':' || id < 0 || id >= cap)
		return -1;
	s = end + 1;
	if (!strncmp(s, "leaf=", 5)) {
		nd.kind = 2;
		nd.value = strtof(s + 5, &end);
		if (end == s + 5 || !isfinite(nd.value))
			return -1;
	} else {
		if (strncmp(s, "[f", 2))
			return -1;
		f = strtol(s + 2, &end, 10);
		if (end == s + 2 || *end != '<' || f < 0 || (size_t)f >= d)
			return -1;
		s = end + 1;
		nd.cond = strtof(s, &end);
		if (end == s || strncmp(end, "] yes=", 6) || isnan(nd.cond))
			return -1;
		s = end + 6;
		nd.yes = strtol(s, &end, 10);
		if (end == s || strncmp(end, ",no=", 4))
			return -1;
		s = end + 4;
		nd.no = strtol(s, &end, 10);
		if (end == s || nd.yes < 0 || nd.yes >= cap || nd.no < 0 || nd.no >= cap)
			return -1;
		nd.kind = 1;
		nd.feature = (int)f;
	}
	if (nodes[id].kind)
		return -1; /* the same id twice */
	nodes[id] = nd;
	return 0;
}

/* Growing arrays of the forest's export form. */
struct forest_arrays {
	int64_t *feature, *right;
	double *threshold, *value;
	size_t n, cap;
};

static int arrays_push(struct forest_arrays *a, char *err)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 1024;
		int64_t *f = realloc(a->feature, cap * sizeof(int64_t));
		int64_t *r = f ? realloc(a->right, cap * sizeof(int64_t)) : NULL;
		double *t = r ? realloc(a->threshold, cap * sizeof(double)) : NULL;
		double *v = t ? realloc(a->value, cap * sizeof(double)) : NULL;

		if (f)
			a->feature = f;
		if (r)
			a->right = r;
		if (t)
			a->threshold = t;
		if (!v)
			return err_set(err, "out of memory converting the boosted trees");
		a->value = v;
		a->cap = cap;
	}
	a->n++;
	return 0;
}

static void arrays_release(struct forest_arrays *a)
{
	free(a->feature);
	free(a->right);
	free(a->threshold);
	free(a->value);
}

/* Appends tree `text` (one dumped tree) to a in preorder, the left ("yes")
 * child first. */
static int convert_tree(const char *text, size_t t, size_t d, struct forest_arrays *a, char *err)
{
	struct dump_node *nodes = NULL;
	struct stack_entry {
		long id;
		int64_t parent; /* the node (in a) whose right child this is, or -1 */
		size_t depth;
	} *stack = NULL;
	const char *line;
	long cap = 1, top = 0;
	size_t first = a->n, seen = 0, i;
	int rc = -1;

	/* ids are below the node count XGBoost allocated, which may exceed the
	 * dumped (reachable) nodes after pruning: size by the largest id */
	for (line = text; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		long id = strtol(line + strspn(line, "\t"), NULL, 10);

		if (id >= cap && id < (1L << 26))
			cap = id + 1;
	}
	nodes = xcalloc((size_t)cap, sizeof(*nodes), err);
	stack = xcalloc((size_t)cap + 1, sizeof(*stack), err);
	if (!nodes || !stack)
		goto out;
	for (line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[256];

		if (len >= sizeof(buf) || (memcpy(buf, line, len), buf[len] = 0,
					   parse_line(buf, nodes, cap, d) < 0)) {
			err_set(err, "boosted trees: cannot read line '%.*s' of tree %zu of "
				"XGBoost's dump", (int)(len > 80 ? 80 : len), line, t);
			goto out;
		}
		seen++;
		line += len + (nl != NULL);
	}
	stack[top++] = (struct stack_entry){ 0, -1, 0 };
	while (top > 0) {
		struct stack_entry e = stack[--top];
		struct dump_node *nd = &nodes[e.id];
		size_t at = a->n;

		if (nd->kind == 0 || e.depth > 64 || a->n - first >= seen) {
			err_set(err, "boosted trees: tree %zu of XGBoost's dump is not a tree", t);
			goto out;
		}
		if (arrays_push(a, err) < 0)
			goto out;
		if (e.parent >= 0)
			a->right[e.parent] = (int64_t)(at - first);
		if (nd->kind == 2) {
			a->feature[at] = -1;
			a->threshold[at] = 0;
			a->right[at] = -1;
			a->value[at] = nd->value;
			continue;
		}
		a->feature[at] = nd->feature;
		a->threshold[at] = gbt_threshold(nd->cond);
		a->right[at] = -1;
		a->value[at] = 0;
		stack[top++] = (struct stack_entry){ nd->no, (int64_t)at, e.depth + 1 };
		stack[top++] = (struct stack_entry){ nd->yes, -1, e.depth + 1 };
	}
	if (a->n - first != seen) {
		err_set(err, "boosted trees: tree %zu of XGBoost's dump has unreachable nodes", t);
		goto out;
	}
	for (i = first; i < a->n; i++)
		if (a->feature[i] >= 0 && a->right[i] < 0) {
			err_set(err, "boosted trees: tree %zu of XGBoost's dump is not a tree", t);
			goto out;
		}
	rc = 0;
out:
	free(nodes);
	free(stack);
	return rc;
}

/* ---- the fit ------------------------------------------------------------ */

static int xgb_failed(const char *what, char *err)
{
	return err_set(err, "boosted trees: xgboost %s: %s", what, XGBGetLastError());
}

static int set_param(BoosterHandle b, const char *key, const char *fmt, double v, char *err)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	if (XGBoosterSetParam(b, key, buf) != 0)
		return xgb_failed(key, err);
	return 0;
}

int gbt_fit(const double *X, const double *y, size_t n, size_t d, const struct gbt_params *p,
	    struct gbt_model **out, char *err)
{
	DMatrixHandle dm = NULL;
	BoosterHandle b = NULL;
	struct forest_arrays a = { 0 };
	struct param_set ps;
	float *xf = NULL, *yf = NULL, base;
	double mean = 0;
	const char **dump = NULL;
	bst_ulong ndump = 0;
	int64_t *offset = NULL;
	size_t i, j, t;
	int rc = -1;

	*out = NULL;
	param_set_init(&ps);
	if (check_params(p, n, d, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]) || fabs(y[i]) > 1e30)
			return err_set(err, "boosted trees: target %zu is %g, expected a finite number",
				       i, y[i]);
		for (j = 0; j < d; j++)
			if (!isfinite(X[i * d + j]) || fabs(X[i * d + j]) > 1e30)
				return err_set(err, "boosted trees: feature %zu of sample %zu is %g, "
					       "expected a finite number", j, i, X[i * d + j]);
		mean += y[i];
	}
	base = (float)(mean / (double)n);
	xf = xcalloc(n * d, sizeof(float), err);
	yf = xcalloc(n, sizeof(float), err);
	offset = xcalloc((size_t)p->n_trees + 1, sizeof(int64_t), err);
	if (!xf || !yf || !offset)
		goto out;
	for (i = 0; i < n * d; i++)
		xf[i] = (float)X[i];
	for (i = 0; i < n; i++)
		yf[i] = (float)y[i];

	/* XGBoost prints warnings unless told not to; the library prints nothing */
	if (XGBSetGlobalConfig("{\"verbosity\": 0}") != 0) {
		xgb_failed("global configuration", err);
		goto out;
	}
	if (XGDMatrixCreateFromMat(xf, (bst_ulong)n, (bst_ulong)d, NAN, &dm) != 0) {
		xgb_failed("training matrix", err);
		dm = NULL;
		goto out;
	}
	if (XGDMatrixSetFloatInfo(dm, "label", yf, (bst_ulong)n) != 0) {
		xgb_failed("labels", err);
		goto out;
	}
	if (XGBoosterCreate(&dm, 1, &b) != 0) {
		xgb_failed("booster", err);
		b = NULL;
		goto out;
	}
	if (XGBoosterSetParam(b, "verbosity", "0") != 0 || XGBoosterSetParam(b, "nthread", "1") != 0 ||
	    XGBoosterSetParam(b, "booster", "gbtree") != 0 ||
	    XGBoosterSetParam(b, "tree_method", "hist") != 0 ||
	    XGBoosterSetParam(b, "objective", "reg:squarederror") != 0) {
		xgb_failed("settings", err);
		goto out;
	}
	if (set_param(b, "eta", "%.17g", p->lr, err) < 0 ||
	    set_param(b, "max_depth", "%.0f", p->max_depth, err) < 0 ||
	    set_param(b, "lambda", "%.17g", p->lambda, err) < 0 ||
	    set_param(b, "min_child_weight", "%.17g", p->min_child_weight, err) < 0 ||
	    set_param(b, "subsample", "%.17g", p->subsample, err) < 0 ||
	    set_param(b, "colsample_bytree", "%.17g", p->colsample, err) < 0 ||
	    set_param(b, "max_bin", "%.0f", p->max_bin, err) < 0 ||
	    set_param(b, "seed", "%.0f", (double)(p->seed % 2147483648u), err) < 0 ||
	    set_param(b, "base_score", "%.9g", base, err) < 0)
		goto out;
	for (t = 0; t < (size_t)p->n_trees; t++)
		if (XGBoosterUpdateOneIter(b, (int)t, dm) != 0) {
			xgb_failed("boosting round", err);
			goto out;
		}
	if (XGBoosterDumpModelEx(b, "", 0, "text", &ndump, &dump) != 0) {
		xgb_failed("dump", err);
		goto out;
	}
	if (ndump != (bst_ulong)p->n_trees) {
		err_set(err, "boosted trees: xgboost dumped %llu trees, expected %d",
			(unsigned long long)ndump, p->n_trees);
		goto out;
	}
	for (t = 0; t < (size_t)p->n_trees; t++) {
		offset[t] = (int64_t)a.n;
		if (convert_tree(dump[t], t, d, &a, err) < 0)
			goto out;
	}
	offset[p->n_trees] = (int64_t)a.n;
	if (param_set_add_scalar_i64(&ps, "n_features", (int64_t)d, err) < 0 ||
	    param_set_add_i64(&ps, "tree_offset", (size_t)p->n_trees + 1, offset, err) < 0 ||
	    param_set_add_i64(&ps, "feature", a.n, a.feature, err) < 0 ||
	    param_set_add_f64(&ps, "threshold", a.n, a.threshold, err) < 0 ||
	    param_set_add_i64(&ps, "right", a.n, a.right, err) < 0 ||
	    param_set_add_f64(&ps, "value", a.n, a.value, err) < 0 ||
	    param_set_add_scalar_f64(&ps, "base_score", base, err) < 0)
		goto out;
	rc = gbt_import(&ps, out, err);
out:
	if (b)
		XGBoosterFree(b);
	if (dm)
		XGDMatrixFree(dm);
	param_set_release(&ps);
	arrays_release(&a);
	free(xf);
	free(yf);
	free(offset);
	return rc;
}
