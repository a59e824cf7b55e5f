/* report.c - the tables command's tables: Table 5, ours vs the paper,
 * Fig. 1's data and the scatter data, from an experiment's evaluations. */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dataset.h"
#include "h5io.h"
#include "select.h"
#include "util.h"

#define NVAR 7
static const char *const variants[NVAR] = { "medn",    "medn-d",   "medn-xi",  "medn-xm",
					    "medn-r",  "medn-run", "medn-both" };

#define NENV 2
static const char *const env_names[NENV] = { "static", "dynamic" };

struct env {
	const char *name;
	int present;
	struct select_eval *e;
	size_t n;
	char **modules, **variants;
	size_t nmod, nvar;
	const struct select_eval **grid;
	struct select_result sel;
	struct table_source src;
};

static const struct select_eval *cell(const struct env *v, size_t var, size_t mod)
{
	return v->grid[var * v->nmod + mod];
}

static long find_name(char *const *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return (long)i;
	return -1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static int by_path(const void *a, const void *b)
{
	/* MODULE.VARIANT.h5 names: module order, then variant order */
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	const char *dx = strchr(x, '.'), *dy = strchr(y, '.');
	char mx[256], my[256], vx[256], vy[256];
	int c;

	snprintf(mx, sizeof(mx), "%.*s", (int)(dx - x), x);
	snprintf(my, sizeof(my), "%.*s", (int)(dy - y), y);
	snprintf(vx, sizeof(vx), "%.*s", (int)(strlen(dx + 1) - 3), dx + 1);
	snprintf(vy, sizeof(vy), "%.*s", (int)(strlen(dy + 1) - 3), dy + 1);
	c = select_module_cmp(mx, my);
	return c ? c : select_variant_cmp(vx, vy);
}

static int by_module(const void *a, const void *b)
{
	return select_module_cmp(*(char *const *)a, *(char *const *)b);
}

static int by_variant(const void *a, const void *b)
{
	return select_variant_cmp(*(char *const *)a, *(char *const *)b);
}

/* The evaluation files of dir: MODULE.VARIANT.h5, not timings or temporaries,
 * sorted. *names == NULL with 0 when dir does not exist. */
static int list_evals(const char *dir, char ***names, size_t *n, char *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **list = NULL;
	size_t k = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : err_set(err, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		const char *s = de->d_name, *dot = strchr(s, '.');
		char **grown;

		/* MODULE.VARIANT.h5, both names non-empty */
		if (!ends_with(s, ".h5") || ends_with(s, ".tps.h5") || strstr(s, ".tmp.") || !dot ||
		    dot == s || strlen(dot) < 5)
			continue;
		grown = realloc(list, (k + 1) * sizeof(char *));
		if (!grown || !(grown[k] = xstrdup(s, err))) {
			free(grown ? grown : list);
			closedir(d);
			return err_set(err, "%s: out of memory listing it", dir);
		}
		list = grown;
		k++;
	}
	closedir(d);
	if (k) /* qsort of NULL is undefined, even for 0 items */
		qsort(list, k, sizeof(char *), by_path);
	*names = list;
	*n = k;
	return 0;
}

static void env_release(struct env *v)
{
	select_evals_free(v->e, v->n);
	free(v->modules); /* the strings belong to v->e */
	free(v->variants);
	free(v->grid);
	select_result_release(&v->sel);
}

static int env_read(struct env *v, const char *data, const char *exp, char *err)
{
	char dir[4096], path[4400], **names = NULL;
	size_t i, m, k, nnames = 0;
	long a, b;
	int rc = -1;

	snprintf(dir, sizeof(dir), "%s/%s/evals", data, v->name);
	if (list_evals(dir, &names, &nnames, err) < 0)
		return -1;
	if (!nnames) {
		free(names);
		return 0; /* no such environment */
	}
	v->present = 1;
	v->e = xcalloc(nnames, sizeof(*v->e), err);
	v->modules = xcalloc(nnames, sizeof(char *), err);
	v->variants = xcalloc(nnames, sizeof(char *), err);
	if (!v->e || !v->modules || !v->variants)
		goto out;
	for (i = 0; i < nnames; i++) {
		struct select_eval *e = &v->e[v->n];
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (select_eval_read(e, path, SELECT_READ_TIMING, err) < 0)
			goto out;
		v->n++;
		len = strlen(e->module);
		if (strncmp(names[i], e->module, len) || names[i][len] != '.' ||
		    strncmp(names[i] + len + 1, e->variant, strlen(e->variant)) ||
		    strcmp(names[i] + len + 1 + strlen(e->variant), ".h5")) {
			err_set(err, "%s: evaluates %s %s, not what its name says", path,
				e->module, e->variant);
			goto out;
		}
		if (strcmp(e->experiment, exp) || strcmp(e->environment, v->name)) {
			err_set(err, "%s: experiment '%s', environment '%s', expected '%s', '%s'", path,
				e->experiment, e->environment, exp, v->name);
			goto out;
		}
		if (find_name(v->modules, v->nmod, e->module) < 0)
			v->modules[v->nmod++] = e->module;
		if (find_name(v->variants, v->nvar, e->variant) < 0)
			v->variants[v->nvar++] = e->variant;
	}
	qsort(v->modules, v->nmod, sizeof(char *), by_module);
	qsort(v->variants, v->nvar, sizeof(char *), by_variant);
	if (!(v->grid = xcalloc(v->nmod * v->nvar, sizeof(*v->grid), err)))
		goto out;
	for (i = 0; i < v->n; i++) {
		a = find_name(v->variants, v->nvar, v->e[i].variant);
		b = find_name(v->modules, v->nmod, v->e[i].module);
		v->grid[(size_t)a * v->nmod + (size_t)b] = &v->e[i];
	}
	/* every module needs every variant, and the tables need medn and rf */
	for (k = 0; k < v->nvar + 2; k++)
		for (m = 0; m < v->nmod; m++) {
			const char *var = k < v->nvar ? v->variants[k] : k == v->nvar ? "medn" : "rf";
			long vi = find_name(v->variants, v->nvar, var);

			if (vi < 0 || !cell(v, (size_t)vi, m)) {
				err_set(err, "%s/%s.%s.h5: missing (needed for the tables)", dir,
					v->modules[m], var);
				goto out;
			}
		}
	table_source_init(&v->src, exp);
	if (select_evals_source(v->e, v->n, &v->src, err) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s/selection.h5", data, v->name);
	if (select_read(&v->sel, path, err) < 0)
		goto out;
	if (strcmp(v->sel.experiment, exp) || strcmp(v->sel.environment, v->name)) {
		err_set(err, "%s: experiment '%s', environment '%s', expected '%s', '%s'", path,
			v->sel.experiment, v->sel.environment, exp, v->name);
		goto out;
	}
	for (m = 0; m < v->nmod; m++)
		if (!select_find(v->sel.time, v->sel.n, v->modules[m])) {
			err_set(err, "%s: no time-efficient choice for module '%s'", path,
				v->modules[m]);
			goto out;
		}
	rc = 0;
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---- Table 5 --------------------------------------------------------- */

enum { M_ACC, M_R2, M_TPS, M_SIZE, NMETRIC };
static const char *const metric_label[NMETRIC] = { "Acc", "R²", "Tps (ms)", "Size (KB)" };
static const int metric_decimals[NMETRIC] = { 4, 4, 6, 1 };
static const int metric_csv_decimals[NMETRIC] = { 4, 4, 6, 3 };

static double metric(const struct select_eval *e, int k)
{
	switch (k) {
	case M_ACC: return e->test_p20;
	case M_R2: return e->test_r2;
	case M_TPS: return e->tps_ms;
	default: return e->size_kb;
	}
}

/* The measurement's limits (evaluate.h), in the long CSV's column order. */
enum { L_SINGLE_P10, L_SINGLE_ACC, L_REPEAT_P10, L_REPEAT_ACC, NLIMIT };
static const char *const limit_label[NLIMIT] = { "Single-run noise", "Single-run noise",
						 "Repeatability ceiling",
						 "Repeatability ceiling" };
static const char *const limit_metric[NLIMIT] = { "P10", "Acc", "P10", "Acc" };
#define NCSV (6 + NLIMIT + 1)

static double limit(const struct select_eval *e, int k)
{
	switch (k) {
	case L_SINGLE_P10: return e->single_test_p10;
	case L_SINGLE_ACC: return e->single_test_p20;
	case L_REPEAT_P10: return e->repeat_p10;
	default: return e->repeat_p20;
	}
}

/* A metric's cell: an R² below TABLE_R2_FLOOR reads as a model that blew up. */
static int set_metric(struct table *t, size_t row, size_t col, int k, double v, int decimals,
		      char *err)
{
	return k == M_R2 ? table_set_r2(t, row, col, v, decimals, err)
			 : table_set_num(t, row, col, v, decimals, err);
}

static int table5(const struct env *v, struct table *wide, struct table *csv, char *err)
{
	static const char *const csv_head[NCSV] = {
		"rm",	       "module",	  "acc",	"r2",	      "tps_ms",
		"size_kb",     "single_run_p10", "single_run_acc", "repeat_p10", "repeat_acc",
		"repeat_n"
	};
	size_t ncols = v->nmod + 3, var, m, k;
	const char **head = xcalloc(ncols, sizeof(char *), err);
	char (*labels)[64] = xcalloc(v->nmod ? v->nmod : 1, sizeof(*labels), err);
	double *x = xcalloc(v->nmod, sizeof(double), err), *ref = xcalloc(v->nmod, sizeof(double), err);
	long medn = find_name(v->variants, v->nvar, "medn"), row;
	char caption[6144], source[1024], contention[3072], label[64];
	int j, rc = -1;

	memset(wide, 0, sizeof(*wide));
	memset(csv, 0, sizeof(*csv));
	if (!head || !x || !ref || !labels)
		goto out;
	head[0] = "RM";
	head[1] = "Metric";
	for (m = 0; m < v->nmod; m++) {
		table_source_label(&v->src, v->name, v->modules[m], labels[m], sizeof(labels[m]));
		head[m + 2] = labels[m];
	}
	head[ncols - 1] = "Avg diff % vs MEDN";
	table_source_format(&v->src, source, sizeof(source));
	table_source_contention(&v->src, contention, sizeof(contention));
	snprintf(caption, sizeof(caption),
		 "Table 5 (%s environment): per regression model and module, the test-split Acc "
		 "(P20), R², Tps (median time of one single-sample prediction, ms) and Size (KB), "
		 "and the average %% difference vs MEDN: the mean over modules of 100 * (x - MEDN) "
		 "/ |MEDN| (modules where MEDN's value is 0 left out; beyond 10000%% it reads > "
		 "+10000%% or < -10000%%). R² < -1000: the model's predictions blew up. "
		 "Repeatability ceiling: the "
		 "P10 and P20 of a sample's median as a prediction of the median of the same "
		 "configuration measured again at the end of the bench (the dataset's re-measured "
		 "subset, every split), the upper bound for a model of the median (n/a: no "
		 "re-measured subset). Single-run noise: the P10 and P20 of predicting each "
		 "individual timed run of the test split by its sample's median, the noise of one "
		 "run (n/a: one run per sample). %s%sSource: %s.",
		 v->name, contention, contention[0] ? " " : "", source);
	if (table_init(wide, caption, ncols, head, NULL, err) < 0 ||
	    table_init(csv, "", NCSV, csv_head, NULL, err) < 0)
		goto out;
	memcpy(wide->align, "ll", 2);
	for (var = 0; var < v->nvar; var++) {
		select_variant_label(v->variants[var], label, sizeof(label));
		for (j = 0; j < NMETRIC; j++) {
			if ((row = table_add_row(wide, err)) < 0 ||
			    table_set(wide, (size_t)row, 0, label, NULL, err) < 0 ||
			    table_set(wide, (size_t)row, 1, metric_label[j], NULL, err) < 0)
				goto out;
			for (m = 0; m < v->nmod; m++) {
				x[m] = metric(cell(v, var, m), j);
				ref[m] = metric(cell(v, (size_t)medn, m), j);
				if (set_metric(wide, (size_t)row, m + 2, j, x[m], metric_decimals[j],
					       err) < 0)
					goto out;
			}
			if ((long)var == medn ? table_set(wide, (size_t)row, ncols - 1, "-", "", err)
					      : table_set_pct(wide, (size_t)row, ncols - 1,
							      select_pct_diff(x, ref, v->nmod, NULL),
							      1, err))
				goto out;
		}
		/* the long CSV: one row per module, then the average differences */
		for (m = 0; m <= v->nmod; m++) {
			if ((row = table_add_row(csv, err)) < 0 ||
			    table_set(csv, (size_t)row, 0, v->variants[var], NULL, err) < 0 ||
			    table_set(csv, (size_t)row, 1, m < v->nmod ? v->modules[m] : "avg-diff-vs-medn",
				      NULL, err) < 0)
				goto out;
			for (j = 0; j < NMETRIC; j++) {
				double val;

				if (m < v->nmod) {
					val = metric(cell(v, var, m), j);
					if (set_metric(csv, (size_t)row, (size_t)j + 2, j, val,
						       metric_csv_decimals[j], err) < 0)
						goto out;
					continue;
				}
				for (k = 0; k < v->nmod; k++) {
					x[k] = metric(cell(v, var, k), j);
					ref[k] = metric(cell(v, (size_t)medn, k), j);
				}
				val = table_cap_pct(select_pct_diff(x, ref, v->nmod, NULL));
				if (table_set_num(csv, (size_t)row, (size_t)j + 2, val, 2, err) < 0)
					goto out;
			}
			for (k = 0; k < NLIMIT; k++)
				if (m < v->nmod && table_set_num(csv, (size_t)row, 6 + k,
							       limit(cell(v, var, m), (int)k), 4,
							       err) < 0)
					goto out;
			if (m < v->nmod && table_set_num(csv, (size_t)row, 6 + NLIMIT,
						       (double)cell(v, var, m)->repeat_n, 0,
						       err) < 0)
				goto out;
		}
	}
	/* the measurement's limits, the same in every variant's evaluation */
	for (k = 0; k < NLIMIT; k++) {
		static const size_t shown[NLIMIT] = { L_REPEAT_P10, L_REPEAT_ACC, L_SINGLE_P10,
						      L_SINGLE_ACC };
		size_t l = shown[k];

		if ((row = table_add_row(wide, err)) < 0 ||
		    table_set(wide, (size_t)row, 0, limit_label[l], NULL, err) < 0 ||
		    table_set(wide, (size_t)row, 1, limit_metric[l], NULL, err) < 0 ||
		    table_set(wide, (size_t)row, ncols - 1, "-", "", err) < 0)
			goto out;
		for (m = 0; m < v->nmod; m++)
			if (table_set_num(wide, (size_t)row, m + 2,
					  limit(cell(v, (size_t)medn, m), (int)l), 4, err) < 0)
				goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		table_release(wide);
		table_release(csv);
	}
	free(head);
	free(labels);
	free(x);
	free(ref);
	return rc;
}

/* ---- ours vs the paper ----------------------------------------------- */

struct reference {
	struct table t;
	const char *path;
	int rm, module, acc, r2;
};

static int reference_read(struct reference *ref, const char *path, char *err)
{
	static const char *const need[] = { "rm", "module", "acc", "r2" };
	int *col[] = { &ref->rm, &ref->module, &ref->acc, &ref->r2 }, k;

	ref->path = path;
	if (table_read_csv(&ref->t, path, err) < 0)
		return -1;
	for (k = 0; k < 4; k++)
		if ((*col[k] = table_column(&ref->t, need[k])) < 0) {
			err_set(err, "%s: no '%s' column", path, need[k]);
			table_release(&ref->t);
			return -1;
		}
	return 0;
}

static int reference_num(const struct reference *ref, size_t row, int col, double *v, char *err)
{
	const char *s = ref->t.cells[row * ref->t.ncols + (size_t)col].text;
	char *end;

	*v = strtod(s ? s : "", &end);
	if (!s || !*s || *end)
		return err_set(err, "%s: data row %zu: %s '%s' is not a number", ref->path, row + 1,
			       ref->t.header[col], s ? s : "");
	return 0;
}

static long reference_find(const struct reference *ref, const char *rm, const char *module)
{
	size_t i, nc = ref->t.ncols;

	for (i = 0; i < ref->t.nrows; i++)
		if (!strcmp(ref->t.cells[i * nc + (size_t)ref->rm].text ?: "", rm) &&
		    !strcmp(ref->t.cells[i * nc + (size_t)ref->module].text ?: "", module))
			return (long)i;
	return -1;
}

static int paper_vs_ours(const struct env *v, const struct reference *ref, struct table *t,
			 char *err)
{
	static const char *const head[] = { "RM",	  "Module",    "Acc (paper)",
					    "Acc (ours)", "R² (paper)", "R² (ours)" };
	static const char *const csv[] = { "rm",	"module", "paper_acc",
					   "our_acc", "paper_r2", "our_r2" };
	char caption[6144], source[1024], contention[3072], label[64], mod[64];
	size_t var, m;
	long i, row;
	double pa, pr;

	table_source_format(&v->src, source, sizeof(source));
	table_source_contention(&v->src, contention, sizeof(contention));
	snprintf(caption, sizeof(caption),
		 "Ours vs the paper (%s environment): test-split Acc (P20) and R² per regression "
		 "model and module. Paper: Table 5 of Shen, Tziritas and Theodoropoulos, \"Towards "
		 "A Flexible Accuracy-Oriented Deep Learning Module Inference Latency Prediction "
		 "Framework for Adaptive Optimization Algorithms\" (2024, arXiv:2312.06440), "
		 "PyTorch and scikit-learn on a Tesla P100 GPU. Ours: %s.%s%s",
		 v->name, source, contention[0] ? " " : "", contention);
	if (table_init(t, caption, 6, head, csv, err) < 0)
		return -1;
	memcpy(t->align, "ll", 2);
	for (var = 0; var < v->nvar; var++)
		for (m = 0; m < v->nmod; m++) {
			const struct select_eval *e = cell(v, var, m);

			if ((i = reference_find(ref, v->variants[var], v->modules[m])) < 0)
				continue;
			select_variant_label(v->variants[var], label, sizeof(label));
			table_source_label(&v->src, v->name, v->modules[m], mod, sizeof(mod));
			if (reference_num(ref, (size_t)i, ref->acc, &pa, err) < 0 ||
			    reference_num(ref, (size_t)i, ref->r2, &pr, err) < 0 ||
			    (row = table_add_row(t, err)) < 0 ||
			    table_set(t, (size_t)row, 0, label, v->variants[var], err) < 0 ||
			    table_set(t, (size_t)row, 1, mod, v->modules[m], err) < 0 ||
			    table_set_num(t, (size_t)row, 2, pa, 4, err) < 0 ||
			    table_set_num(t, (size_t)row, 3, e->test_p20, 4, err) < 0 ||
			    table_set_num(t, (size_t)row, 4, pr, 4, err) < 0 ||
			    table_set_r2(t, (size_t)row, 5, e->test_r2, 4, err) < 0) {
				table_release(t);
				return -1;
			}
		}
	return 0;
}

/* ---- Fig. 1 ---------------------------------------------------------- */

static int fig1(const struct env *envs, const char *exp, struct table *t, char *err)
{
	static const char *const head[] = { "Module", "Static P10", "Dynamic P10" };
	static const char *const csv[] = { "module", "static_p10", "dynamic_p10" };
	char caption[6144], source[1024], contention[3072], *mods[64], num[64], text[80];
	struct table_source src;
	size_t nmod = 0, m, i;
	long row, k, vi;
	int en;

	table_source_init(&src, exp);
	for (en = 0; en < NENV; en++) {
		const struct env *v = &envs[en];

		if (v->present && select_evals_source(v->e, v->n, &src, err) < 0)
			return -1;
		for (m = 0; v->present && m < v->nmod; m++)
			if (find_name(mods, nmod, v->modules[m]) < 0 && nmod < 64)
				mods[nmod++] = v->modules[m];
	}
	qsort(mods, nmod, sizeof(char *), by_module);
	table_source_format(&src, source, sizeof(source));
	table_source_contention(&src, contention, sizeof(contention));
	snprintf(caption, sizeof(caption),
		 "The data of the paper's Fig. 1: the random forest's test-split P10 accuracy per "
		 "module in the static and the dynamic environment (n/a: not measured). %s%s"
		 "Source: %s.",
		 contention, contention[0] ? " " : "", source);
	if (table_init(t, caption, 3, head, csv, err) < 0)
		return -1;
	for (i = 0; i < nmod; i++) {
		if ((row = table_add_row(t, err)) < 0 ||
		    table_set(t, (size_t)row, 0, mods[i], NULL, err) < 0)
			goto fail;
		for (en = 0; en < NENV; en++) {
			const struct env *v = &envs[en];
			double p10 = NAN;

			k = v->present ? find_name(v->modules, v->nmod, mods[i]) : -1;
			vi = v->present ? find_name(v->variants, v->nvar, "rf") : -1;
			if (k >= 0 && vi >= 0)
				p10 = cell(v, (size_t)vi, (size_t)k)->test_p10;
			if (table_set_num(t, (size_t)row, (size_t)en + 1, p10, 4, err) < 0)
				goto fail;
			/* a flagged dataset marks its number; the CSV keeps the number */
			if (k >= 0 && isfinite(p10) &&
			    table_source_flagged(&src, v->name, mods[i])) {
				table_format_num(num, sizeof(num), p10, 4);
				snprintf(text, sizeof(text), "%s%s", num, TABLE_FLAG_MARK);
				if (table_set(t, (size_t)row, (size_t)en + 1, text, num, err) < 0)
					goto fail;
			}
		}
	}
	return 0;
fail:
	table_release(t);
	return -1;
}

/* ---- the accuracy levers (issue 11) ------------------------------------ */

/* the levers, each alone, as variants: label, variant */
#define NLEVER 7
static const char *const lever_var[NLEVER] = { "medn", "medn-log", "mlp-log", "gbt",
					       "gbt-ca", "medn-es", "medn-ca-log-es" };
static const char *const lever_head[NLEVER] = { "MEDN",   "L1 MEDN-LOG", "L1 MLP-LOG",
						"L3 GBT", "L2+3 GBT-CA", "L4 MEDN-ES",
						"L1+2+4 MEDN-CA-LOG-ES" };
static const char *const lever_csv[NLEVER] = { "medn",   "medn_log", "mlp_log",       "gbt",
					       "gbt_ca", "medn_es",  "medn_ca_log_es" };
#define LEVER_COLS (1 + 2 * NLEVER + 3 + 1)

/* One row of the levers table: the module, then the numbers of val[1..]
 * (n/a for NaN; an R² column reads "< -1000" below it) and the selected
 * variant's label in column 1 + 2 * NLEVER (its CSV cell: variant). */
static int lever_row(struct table *t, const char *module, const char *label, const char *variant,
		     const double *val, char *err)
{
	const size_t c = 1 + 2 * NLEVER;
	long row = table_add_row(t, err);
	size_t k;

	if (row < 0 || table_set(t, (size_t)row, 0, module, NULL, err) < 0 ||
	    table_set(t, (size_t)row, c, label, variant, err) < 0)
		return -1;
	for (k = 1; k < LEVER_COLS; k++) {
		int r2 = k == c + 2 || (k < c && k % 2 == 0);

		if (k != c && (r2 ? set_metric(t, (size_t)row, k, M_R2, val[k], 4, err)
				  : table_set_num(t, (size_t)row, k, val[k], 4, err)) < 0)
			return -1;
	}
	return 0;
}

/* Per module: the paper's MEDN, each lever alone, all together (the
 * time-efficient selection over every RM and variant) and the
 * repeatability ceiling; a last row of means. n/a: a variant not fitted. */
static int levers(const struct env *v, struct table *t, char *err)
{
	const char *head[LEVER_COLS], *csv[LEVER_COLS];
	char hbuf[2 * NLEVER][48], cbuf[2 * NLEVER][48], caption[6144], source[1024];
	char contention[3072];
	double sum[LEVER_COLS] = { 0 };
	size_t m, k, c;

	head[0] = "Module";
	csv[0] = "module";
	for (k = 0; k < NLEVER; k++) {
		snprintf(hbuf[2 * k], sizeof(hbuf[0]), "%s Acc", lever_head[k]);
		snprintf(hbuf[2 * k + 1], sizeof(hbuf[0]), "%s R²", lever_head[k]);
		snprintf(cbuf[2 * k], sizeof(cbuf[0]), "%s_acc", lever_csv[k]);
		snprintf(cbuf[2 * k + 1], sizeof(cbuf[0]), "%s_r2", lever_csv[k]);
		head[1 + 2 * k] = hbuf[2 * k];
		head[2 + 2 * k] = hbuf[2 * k + 1];
		csv[1 + 2 * k] = cbuf[2 * k];
		csv[2 + 2 * k] = cbuf[2 * k + 1];
	}
	c = 1 + 2 * NLEVER;
	head[c] = "All: selected";
	csv[c] = "selected";
	head[c + 1] = "All Acc";
	csv[c + 1] = "selected_acc";
	head[c + 2] = "All R²";
	csv[c + 2] = "selected_r2";
	head[c + 3] = "Ceiling Acc";
	csv[c + 3] = "repeat_acc";
	table_source_format(&v->src, source, sizeof(source));
	table_source_contention(&v->src, contention, sizeof(contention));
	snprintf(caption, sizeof(caption),
		 "The accuracy levers (%s environment): test-split Acc (P20) and R² per module "
		 "for the paper's MEDN, each lever alone (L1: wide-range inputs scaled as log(x) "
		 "before min-max, MEDN-LOG and MLP-LOG; L3: gradient-boosted trees, GBT; L2+3: "
		 "GBT with the channel-alignment features, GBT-CA; L4: MEDN trained on a cosine "
		 "learning-rate schedule, keeping the epoch of best P20 on a held-out tenth of "
		 "the training rows, MEDN-ES; "
		 "L1+2+4: MEDN with the three, MEDN-CA-LOG-ES) and all together (the "
		 "time-efficient auto-selection over every RM and variant, validation -> test), "
		 "beside the repeatability ceiling (the P20 of a second measurement of the same "
		 "configuration predicted by the first; n/a where the dataset has none). Last "
		 "row: the mean over modules. n/a: not fitted. %s%sSource: %s.",
		 v->name, contention, contention[0] ? " " : "", source);
	if (table_init(t, caption, LEVER_COLS, head, csv, err) < 0)
		return -1;
	for (m = 0; m < v->nmod; m++) {
		const struct select_entry *sel = select_find(v->sel.time, v->sel.n, v->modules[m]);
		double val[LEVER_COLS];
		char label[64];

		for (k = 0; k < NLEVER; k++) {
			long vi = find_name(v->variants, v->nvar, lever_var[k]);

			val[1 + 2 * k] = vi >= 0 ? cell(v, (size_t)vi, m)->test_p20 : NAN;
			val[2 + 2 * k] = vi >= 0 ? cell(v, (size_t)vi, m)->test_r2 : NAN;
		}
		val[c + 1] = sel->test_acc;
		val[c + 2] = sel->test_r2;
		val[c + 3] = cell(v, 0, m)->repeat_p20;
		for (k = 1; k < LEVER_COLS; k++)
			sum[k] += k == c ? 0 : val[k];
		select_variant_label(sel->variant, label, sizeof(label));
		if (lever_row(t, v->modules[m], label, sel->variant, val, err) < 0)
			goto fail;
	}
	for (k = 1; k < LEVER_COLS; k++)
		sum[k] /= (double)v->nmod;
	if (lever_row(t, "mean", "", NULL, sum, err) < 0)
		goto fail;
	return 0;
fail:
	table_release(t);
	return -1;
}

/* ---- scatter data ---------------------------------------------------- */

static int scatter(const struct env *v, const char *data, const char *outdir,
		   struct table_out *files, char *err)
{
	char path[4400], out[4400], num[2][64];
	struct select_eval e;
	size_t m, i;

	for (m = 0; m < v->nmod; m++) {
		const struct select_entry *s = select_find(v->sel.time, v->sel.n, v->modules[m]);
		char *text = NULL;
		size_t len = 0;
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "%s/%s/evals/%s.%s.h5", data, v->name, s->module,
			 s->variant);
		if (select_eval_read(&e, path, SELECT_READ_PREDICTIONS, err) < 0)
			return -1;
		if (!(f = open_memstream(&text, &len))) {
			select_eval_release(&e);
			return err_set(err, "out of memory");
		}
		fputs("measured_ms,predicted_ms\n", f);
		for (i = 0; i < e.n; i++)
			if (e.split[i] == SPLIT_TEST) {
				table_format_num(num[0], sizeof(num[0]), e.latency_ms[i], 6);
				table_format_num(num[1], sizeof(num[1]), e.pred_ms[i], 6);
				fprintf(f, "%s,%s\n", num[0], num[1]);
			}
		rc = ferror(f) | fclose(f);
		select_eval_release(&e);
		snprintf(out, sizeof(out), "%s/scatter/%s.%s.csv", outdir, v->name, v->modules[m]);
		if (rc || table_out_add(files, out, text, err) < 0) {
			free(text);
			return rc ? err_set(err, "out of memory") : -1;
		}
		free(text);
		snprintf(out, sizeof(out), "%s/scatter/%s.%s.txt", outdir, v->name, v->modules[m]);
		snprintf(path, sizeof(path), "%s\n", s->variant);
		if (table_out_add(files, out, path, err) < 0)
			return -1;
	}
	return 0;
}

static int make_dir(const char *path, char *err)
{
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		return err_set(err, "%s: cannot create folder (%s)", path, strerror(errno));
	return 0;
}

int report_tables(const char *data, const char *exp, const char *refdir, const char *outdir,
		  struct table_out *files, char *err)
{
	struct env envs[NENV];
	struct reference ref = { 0 };
	struct table t = { 0 }, csv = { 0 };
	char path[4400];
	int en, any = 0, rc = -1;

	memset(envs, 0, sizeof(envs));
	for (en = 0; en < NENV; en++)
		envs[en].name = env_names[en];
	snprintf(path, sizeof(path), "%s/paper-table5.csv", refdir);
	if (reference_read(&ref, path, err) < 0)
		goto out;
	for (en = 0; en < NENV; en++) {
		if (env_read(&envs[en], data, exp, err) < 0)
			goto out;
		any |= envs[en].present;
	}
	if (!any) {
		err_set(err, "%s/%s/evals: no evaluations (nor in %s/%s/evals)", data, env_names[0],
			data, env_names[1]);
		goto out;
	}
	for (en = 0; en < NENV; en++) {
		const struct env *v = &envs[en];

		if (!v->present)
			continue;
		snprintf(path, sizeof(path), "%s/table5.%s", outdir, v->name);
		if (table5(v, &t, &csv, err) < 0 || table_out_add_table(files, path, &t, &csv, err) < 0)
			goto out;
		table_release(&t);
		table_release(&csv);
		snprintf(path, sizeof(path), "%s/paper-vs-ours.%s", outdir, v->name);
		if (paper_vs_ours(v, &ref, &t, err) < 0 ||
		    table_out_add_table(files, path, &t, NULL, err) < 0)
			goto out;
		table_release(&t);
		snprintf(path, sizeof(path), "%s/levers.%s", outdir, v->name);
		if (levers(v, &t, err) < 0 || table_out_add_table(files, path, &t, NULL, err) < 0)
			goto out;
		table_release(&t);
		if (scatter(v, data, outdir, files, err) < 0)
			goto out;
	}
	snprintf(path, sizeof(path), "%s/fig1", outdir);
	if (fig1(envs, exp, &t, err) < 0 || table_out_add_table(files, path, &t, NULL, err) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/scatter", outdir);
	if (make_dir(outdir, err) < 0 || make_dir(path, err) < 0 ||
	    table_out_commit(files, err) < 0)
		goto out;
	rc = 0;
out:
	table_release(&t);
	table_release(&csv);
	table_release(&ref.t);
	for (en = 0; en < NENV; en++)
		env_release(&envs[en]);
	return rc;
}


/* ---- Fig. 4: the MEDN ablation ------------------------------------------ */

static int variant_index(const char *v)
{
	int k;

	for (k = 0; k < NVAR; k++)
		if (!strcmp(variants[k], v))
			return k;
	return -1;
}

/* The modules of the ablation evaluations (sorted), and per variant the
 * evaluation of each: grid[k * nmod + j], NULL where missing. */
static int build(const struct select_eval *e, size_t n, const char **mods, size_t *nmod,
		 const struct select_eval **grid, int *present, char *err)
{
	size_t i, j, m = 0;
	int k;

	for (i = 0; i < n; i++) {
		if (variant_index(e[i].variant) < 0)
			continue;
		for (j = 0; j < m && strcmp(mods[j], e[i].module); j++)
			;
		if (j == m)
			mods[m++] = e[i].module;
	}
	if (!m)
		return err_set(err, "no evaluation of MEDN or its ablation variants (%s, %s, %s, "
				    "%s, %s, %s, %s) among the inputs",
			       variants[0], variants[1], variants[2], variants[3], variants[4],
			       variants[5], variants[6]);
	qsort(mods, m, sizeof(char *), by_module);
	for (i = 0; i < n; i++) {
		if ((k = variant_index(e[i].variant)) < 0)
			continue;
		for (j = 0; strcmp(mods[j], e[i].module); j++)
			;
		grid[(size_t)k * m + j] = &e[i];
		present[k] = 1;
	}
	for (k = 0; k < NVAR; k++)
		for (j = 0; present[k] && j < m; j++)
			if (!grid[(size_t)k * m + j])
				return err_set(err,
					       "no '%s' evaluation of module '%s' among the inputs "
					       "(the other variants have one)",
					       variants[k], mods[j]);
	*nmod = m;
	return 0;
}

int report_ablation(const struct select_eval *e, size_t n, struct table *t, char *err)
{
	static const char *const head[] = { "Variant", "P10", "P20", "R²" };
	static const char *const csv[] = { "variant", "p10", "p20", "r2" };
	const char **mods = xcalloc(n, sizeof(char *), err);
	const struct select_eval **grid = xcalloc(NVAR * n, sizeof(*grid), err);
	char caption[6144], source[1024], contention[3072], list[1024] = "", label[32];
	char mod[64];
	int present[NVAR] = { 0 }, k, rc = -1;
	struct table_source src;
	size_t j, m = 0;
	long row;

	memset(t, 0, sizeof(*t));
	if (!mods || !grid || build(e, n, mods, &m, grid, present, err) < 0)
		goto out;
	table_source_init(&src, e[0].experiment);
	if (select_evals_source(e, n, &src, err) < 0)
		goto out;
	table_source_format(&src, source, sizeof(source));
	table_source_contention(&src, contention, sizeof(contention));
	for (j = 0; j < m; j++) {
		table_source_label(&src, e[0].environment, mods[j], mod, sizeof(mod));
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", j ? ", " : "",
			 mod);
	}
	snprintf(caption, sizeof(caption),
		 "MEDN ablation, the data of the paper's Fig. 4 (%s environment): test-split P10, "
		 "P20 (Acc) and R² averaged over %zu modules (%s). MEDN-D: no reconstruction "
		 "decoder; MEDN-XI: no inferable parameters; MEDN-XM: no measurable parameters; "
		 "MEDN-R: sampling parameters only%s. R² < -1000: predictions that blew up. "
		 "%s%sSource: %s.",
		 e[0].environment, m, list,
		 present[5] || present[6]
			 ? "; MEDN-RUN: the state the timed runs met (others' CPU use, steal, "
			   "run-queue wait, the background load's busy share) instead of the state "
			   "before them (M, U); MEDN-BOTH: both. MEDN-RUN and MEDN-BOTH know what "
			   "no predictor can know at query time: they measure how much the state "
			   "explains, not what a deployed model can reach"
			 : "",
		 contention, contention[0] ? " " : "", source);
	if (table_init(t, caption, 4, head, csv, err) < 0)
		goto out;
	for (k = 0; k < NVAR; k++) {
		double p10 = 0, p20 = 0, r2 = 0;

		if (!present[k])
			continue;
		for (j = 0; j < m; j++) {
			p10 += grid[(size_t)k * m + j]->test_p10;
			p20 += grid[(size_t)k * m + j]->test_p20;
			r2 += grid[(size_t)k * m + j]->test_r2;
		}
		select_variant_label(variants[k], label, sizeof(label));
		if ((row = table_add_row(t, err)) < 0 ||
		    table_set(t, (size_t)row, 0, label, variants[k], err) < 0 ||
		    table_set_num(t, (size_t)row, 1, p10 / (double)m, 4, err) < 0 ||
		    table_set_num(t, (size_t)row, 2, p20 / (double)m, 4, err) < 0 ||
		    table_set_r2(t, (size_t)row, 3, r2 / (double)m, 4, err) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		table_release(t);
	free(mods);
	free(grid);
	return rc;
}

/* ---- Table 6: the selections ------------------------------------------- */

static const struct select_eval *find_eval(const struct select_eval *e, size_t n,
					   const char *module, const char *variant)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(e[i].module, module) && !strcmp(e[i].variant, variant))
			return &e[i];
	return NULL;
}

/* One scheme's choice: label (plain: variant), test Acc and R². */
static int put_choice(struct table *t, size_t row, size_t col, const struct select_entry *s,
		      char *err)
{
	char label[64];

	select_variant_label(s->variant, label, sizeof(label));
	if (table_set(t, row, col, label, s->variant, err) < 0 ||
	    table_set_num(t, row, col + 1, s->test_acc, 4, err) < 0 ||
	    table_set_r2(t, row, col + 2, s->test_r2, 4, err) < 0)
		return -1;
	return 0;
}

/* Table 6: per module both choices and MEDN's test numbers, then the mean %
 * difference of each scheme against MEDN everywhere. */
int report_table6(const struct select_result *r, const struct select_eval *e, size_t n,
		  struct table *t, char *err)
{
	static const char *const head[] = { "Module", "Time-efficient", "Acc", "R²",
					    "Space-efficient", "Acc", "R²", "MEDN Acc", "MEDN R²" };
	static const char *const csv[] = { "module",   "time_variant",  "time_acc",
					   "time_r2",  "space_variant", "space_acc",
					   "space_r2", "medn_acc",      "medn_r2" };
	double *x = xcalloc(5 * r->n + 1, sizeof(double), err);
	double *ta, *tr, *sa, *sr, *ma, *mr;
	char caption[6144], source[1024], contention[3072], mod[64];
	struct table_source src;
	size_t k, row;
	long rw;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (!x)
		return -1;
	ta = x, tr = ta + r->n, sa = tr + r->n, sr = sa + r->n, ma = sr + r->n;
	mr = xcalloc(r->n + 1, sizeof(double), err);
	if (!mr)
		goto out;
	table_source_init(&src, r->experiment);
	if (select_evals_source(e, n, &src, err) < 0)
		goto out;
	table_source_format(&src, source, sizeof(source));
	table_source_contention(&src, contention, sizeof(contention));
	snprintf(caption, sizeof(caption),
		 "Table 6 (%s environment): the time-efficient and the space-efficient "
		 "auto-selection (Algorithm 1, eps_a = %g, eps_r = %g) per module, selected on "
		 "the validation split and reported on the test split (Acc = P20), beside MEDN "
		 "everywhere. Avg diff %% vs MEDN: the mean over modules of 100 * (x - MEDN) / "
		 "|MEDN| (modules where MEDN's value is 0 left out; capped at +-10000%%). R² < "
		 "-1000: the model's predictions blew up. %s%sSource: %s.",
		 r->environment, r->eps_a, r->eps_r, contention, contention[0] ? " " : "", source);
	if (table_init(t, caption, 9, head, csv, err) < 0)
		goto out;
	memcpy(t->align, "llrrlrrrr", 9);
	for (k = 0; k < r->n; k++) {
		const struct select_eval *m = find_eval(e, n, r->time[k].module, "medn");

		if ((rw = table_add_row(t, err)) < 0)
			goto out;
		row = (size_t)rw;
		ta[k] = r->time[k].test_acc;
		tr[k] = r->time[k].test_r2;
		sa[k] = r->space[k].test_acc;
		sr[k] = r->space[k].test_r2;
		ma[k] = m->test_p20; /* select_run checked every module has one */
		mr[k] = m->test_r2;
		table_source_label(&src, r->environment, r->time[k].module, mod, sizeof(mod));
		if (table_set(t, row, 0, mod, r->time[k].module, err) < 0 ||
		    put_choice(t, row, 1, &r->time[k], err) < 0 ||
		    put_choice(t, row, 4, &r->space[k], err) < 0 ||
		    table_set_num(t, row, 7, ma[k], 4, err) < 0 ||
		    table_set_r2(t, row, 8, mr[k], 4, err) < 0)
			goto out;
	}
	if ((rw = table_add_row(t, err)) < 0)
		goto out;
	row = (size_t)rw;
	if (table_set(t, row, 0, "Avg diff % vs MEDN", "avg-diff-vs-medn", err) < 0 ||
	    table_set_pct(t, row, 2, select_pct_diff(ta, ma, r->n, NULL), 2, err) < 0 ||
	    table_set_pct(t, row, 3, select_pct_diff(tr, mr, r->n, NULL), 2, err) < 0 ||
	    table_set_pct(t, row, 5, select_pct_diff(sa, ma, r->n, NULL), 2, err) < 0 ||
	    table_set_pct(t, row, 6, select_pct_diff(sr, mr, r->n, NULL), 2, err) < 0 ||
	    table_set(t, row, 7, "-", "", err) < 0 || table_set(t, row, 8, "-", "", err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		table_release(t);
	free(x);
	free(mr);
	return rc;
}

