#include "select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "h5io.h"
#include "module.h"

/* ---- orders and names ------------------------------------------------ */

const char *const select_variants[SELECT_NVARIANTS + 1] = {
	"lr",     "rf",       "mlp",       "medn", "medn-d", "medn-xi",  "medn-xm",
	"medn-r", "medn-run", "medn-both", "lop",  "gbt",    "gbt-ca", "mlp-log", "medn-log",
	"medn-es", "medn-ca-log-es", NULL
};

static int rank_in(const char *const *list, const char *name)
{
	int i;

	for (i = 0; list[i]; i++)
		if (!strcmp(list[i], name))
			return i;
	return i;
}

static int cmp_ranked(const char *const *list, const char *a, const char *b)
{
	int ra = rank_in(list, a), rb = rank_in(list, b);

	return ra != rb ? (ra > rb) - (ra < rb) : strcmp(a, b);
}

/* module.h's order, the paper's: conv, conv-relu, conv-bn, conv-bn-relu, bn,
 * bn-relu, linear, maxpool, avgpool; unknown names after them */
static int module_rank(const char *name)
{
	enum module_kind k;

	return module_from_name(name, &k) < 0 ? MODULE_COUNT : (int)k;
}

int select_module_cmp(const char *a, const char *b)
{
	int ra = module_rank(a), rb = module_rank(b);

	return ra != rb ? (ra > rb) - (ra < rb) : strcmp(a, b);
}

int select_variant_cmp(const char *a, const char *b)
{
	return cmp_ranked(select_variants, a, b);
}

void select_variant_label(const char *variant, char *buf, size_t len)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; variant[i] && i + 1 < len; i++)
		buf[i] = (char)(variant[i] >= 'a' && variant[i] <= 'z' ? variant[i] - 'a' + 'A'
								       : variant[i]);
	buf[i] = 0;
}

/* ---- Algorithm 1 ----------------------------------------------------- */

int select_check_eps(double eps, const char *what, char *err)
{
	if (!(eps >= 0 && eps <= 1))
		return err_set(err, "%s is %g, expected a value in [0, 1]", what, eps);
	return 0;
}

static double higher_is_better(double v)
{
	return isnan(v) ? -INFINITY : v;
}

static double lower_is_better(double v)
{
	return isnan(v) ? INFINITY : v;
}

/* v is within eps of the best value (the tolerance absorbs rounding) */
static int within(double best, double v, double eps)
{
	return v == best || best - v <= eps + SELECT_TOL;
}

static double objective(const struct select_candidate *c, enum select_objective obj)
{
	return lower_is_better(obj == SELECT_TIME ? c->tps_ms : c->size_kb);
}

/* a comes before b: smaller objective, higher acc, higher r2, variant order */
static int prefer(const struct select_candidate *a, const struct select_candidate *b,
		  enum select_objective obj)
{
	double oa = objective(a, obj), ob = objective(b, obj);
	double aa = higher_is_better(a->acc), ab = higher_is_better(b->acc);
	double ra = higher_is_better(a->r2), rb = higher_is_better(b->r2);

	if (oa != ob)
		return oa < ob;
	if (aa != ab)
		return aa > ab;
	if (ra != rb)
		return ra > rb;
	return select_variant_cmp(a->variant, b->variant) < 0;
}

int select_module(const struct select_candidate *c, size_t n, const char *module, double eps_a,
		  double eps_r, enum select_objective obj, size_t *best, char *err)
{
	double best_acc = -INFINITY, best_r2 = -INFINITY;
	size_t i, found = 0, chosen = 0;

	if (select_check_eps(eps_a, "eps_a", err) < 0 || select_check_eps(eps_r, "eps_r", err) < 0)
		return -1;
	/* lines 4-6: the best accuracy, and Y_1 within eps_a of it */
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].module, module)) {
			found++;
			if (higher_is_better(c[i].acc) > best_acc)
				best_acc = higher_is_better(c[i].acc);
		}
	if (!found)
		return err_set(err, "no candidate for module '%s'", module);
	/* lines 7-8: the best R² in Y_1, and Y_2 within eps_r of it */
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].module, module) &&
		    within(best_acc, higher_is_better(c[i].acc), eps_a) &&
		    higher_is_better(c[i].r2) > best_r2)
			best_r2 = higher_is_better(c[i].r2);
	/* line 9: the least objective in Y_2 */
	found = 0;
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].module, module) &&
		    within(best_acc, higher_is_better(c[i].acc), eps_a) &&
		    within(best_r2, higher_is_better(c[i].r2), eps_r))
			if (!found++ || prefer(&c[i], &c[chosen], obj))
				chosen = i;
	*best = chosen;
	return 0;
}

static int by_module(const void *a, const void *b)
{
	return select_module_cmp(*(const char *const *)a, *(const char *const *)b);
}

int select_all(const struct select_candidate *c, size_t n, double eps_a, double eps_r,
	       enum select_objective obj, size_t *chosen, size_t *nmod, char *err)
{
	const char **mods = xcalloc(n, sizeof(char *), err);
	size_t i, k, m = 0;

	*nmod = 0;
	if (!mods)
		return -1;
	for (i = 0; i < n; i++) {
		for (k = 0; k < m && strcmp(mods[k], c[i].module); k++)
			;
		if (k == m)
			mods[m++] = c[i].module;
	}
	qsort(mods, m, sizeof(char *), by_module);
	for (k = 0; k < m; k++)
		if (select_module(c, n, mods[k], eps_a, eps_r, obj, &chosen[k], err) < 0) {
			free(mods);
			return -1;
		}
	*nmod = m;
	free(mods);
	return 0;
}

double select_pct_diff(const double *x, const double *ref, size_t n, size_t *used)
{
	double sum = 0;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (ref[i] != 0 && isfinite(ref[i]) && isfinite(x[i])) {
			sum += 100.0 * (x[i] - ref[i]) / fabs(ref[i]);
			k++;
		}
	if (used)
		*used = k;
	return k ? sum / (double)k : NAN;
}

/* ---- paths ----------------------------------------------------------- */

void select_timing_path(const char *eval_path, char *buf, size_t len)
{
	size_t n = strlen(eval_path);

	if (n >= 3 && !strcmp(eval_path + n - 3, ".h5"))
		n -= 3;
	snprintf(buf, len, "%.*s.tps.h5", (int)n, eval_path);
}

/* Where "evals/" starts as a whole path component (the last one), or NULL. */
static const char *evals_component(const char *path)
{
	const char *p, *last = NULL;

	if (!strncmp(path, "evals/", 6))
		last = path;
	for (p = path; (p = strstr(p, "/evals/")); p++)
		last = p + 1;
	return last;
}

int select_model_path(const char *eval_path, char *buf, size_t len, char *err)
{
	const char *e = evals_component(eval_path);

	if (!e)
		return err_set(err, "%s: not in an 'evals' folder, cannot tell its model's path",
			       eval_path);
	snprintf(buf, len, "%.*smodels/%s", (int)(e - eval_path), eval_path, e + 6);
	return 0;
}

void select_dataset_path(const char *eval_path, const char *module, const char *dataset_attr,
			 char *buf, size_t len)
{
	const char *e = evals_component(eval_path);

	/* only when the file sits right in evals/ (no deeper folder) */
	if (e && !strchr(e + 6, '/'))
		snprintf(buf, len, "%.*s%s.h5", (int)(e - eval_path), eval_path, module);
	else
		snprintf(buf, len, "%s", dataset_attr);
}

/* ---- evaluation files ------------------------------------------------ */

static int read_strs(hid_t f, const char *const *names, char **out[], char *err)
{
	size_t i;

	for (i = 0; names[i]; i++)
		if (h5_attr_read_str(f, names[i], out[i], err) < 0)
			return -1;
	return 0;
}

static int read_nums(hid_t f, const char *const *names, double *out[], char *err)
{
	size_t i;

	for (i = 0; names[i]; i++)
		if (h5_attr_read_f64(f, names[i], out[i], err) < 0)
			return -1;
	return 0;
}

static int read_timing(struct select_eval *e, char *err)
{
	char path[4200], *module = NULL, *variant = NULL;
	hid_t f;
	int rc = -1;

	select_timing_path(e->path, path, sizeof(path));
	if (h5_open(path, TIMING_FORMAT, TIMING_VERSION, &f, err) < 0)
		return -1;
	if (h5_attr_read_str(f, "module", &module, err) < 0 ||
	    h5_attr_read_str(f, "variant", &variant, err) < 0 ||
	    h5_attr_read_f64(f, "tps_ms", &e->tps_ms, err) < 0)
		goto out;
	if (strcmp(module, e->module) || strcmp(variant, e->variant)) {
		err_set(err, "%s: times %s %s, but %s evaluates %s %s", path, module, variant,
			e->path, e->module, e->variant);
		goto out;
	}
	rc = 0;
out:
	free(module);
	free(variant);
	h5_close(f);
	return rc;
}

static int read_predictions(struct select_eval *e, hid_t f, char *err)
{
	size_t d1[2], d2[2], d3[2];

	if (h5_read_f64(f, "pred_ms", 1, d1, &e->pred_ms, err) < 0 ||
	    h5_read_f64(f, "latency_ms", 1, d2, &e->latency_ms, err) < 0 ||
	    h5_read_u8(f, "split", 1, d3, &e->split, err) < 0)
		return -1;
	if (d1[0] != d2[0] || d1[0] != d3[0])
		return err_set(err, "%s: pred_ms, latency_ms and split have %zu, %zu and %zu rows",
			       e->path, d1[0], d2[0], d3[0]);
	e->n = d1[0];
	return 0;
}

/* An attribute that older files lack: NaN then. */
static int read_optional(hid_t f, const char *name, double *v, char *err)
{
	*v = NAN;
	return h5_attr_exists(f, name) ? h5_attr_read_f64(f, name, v, err) : 0;
}

/* The single-run noise (named noise_test_p10/p20, "the noise ceiling", in
 * files written before the repeatability ceiling existed) and the
 * repeatability ceiling (absent from those files). */
static int read_limits(struct select_eval *e, hid_t f, char *err)
{
	int old = !h5_attr_exists(f, "single_run_test_p20");

	e->repeat_n = 0;
	if (h5_attr_read_f64(f, old ? "noise_test_p20" : "single_run_test_p20",
			     &e->single_test_p20, err) < 0 ||
	    read_optional(f, old ? "noise_test_p10" : "single_run_test_p10", &e->single_test_p10,
			  err) < 0 ||
	    read_optional(f, "repeat_p10", &e->repeat_p10, err) < 0 ||
	    read_optional(f, "repeat_p20", &e->repeat_p20, err) < 0 ||
	    (h5_attr_exists(f, "repeat_n") && h5_attr_read_i64(f, "repeat_n", &e->repeat_n, err) < 0))
		return -1;
	if (e->repeat_n <= 0)
		e->repeat_p10 = e->repeat_p20 = NAN;
	return 0;
}

int select_eval_read(struct select_eval *e, const char *path, unsigned flags, char *err)
{
	static const char *const strs[] = { "module", "variant", "experiment", "environment", NULL };
	static const char *const nums[] = { "val_p10",  "val_p20", "val_r2",
					    "test_p10", "test_p20", "test_r2",
					    "size_kb", NULL };
	char **sp[] = { &e->module, &e->variant, &e->experiment, &e->environment };
	double *np[] = { &e->val_p10, &e->val_p20, &e->val_r2, &e->test_p10, &e->test_p20,
			 &e->test_r2, &e->size_kb };
	char dpath[4096], *attr = NULL;
	hid_t f;

	memset(e, 0, sizeof(*e));
	e->tps_ms = NAN;
	if (!(e->path = xstrdup(path, err)))
		return -1;
	if (h5_open(path, EVAL_FORMAT, EVAL_VERSION, &f, err) < 0)
		goto fail;
	if (read_strs(f, strs, sp, err) < 0 || read_nums(f, nums, np, err) < 0 ||
	    read_limits(e, f, err) < 0 || h5_attr_read_str(f, "dataset", &attr, err) < 0 ||
	    ((flags & SELECT_READ_PREDICTIONS) && read_predictions(e, f, err) < 0)) {
		h5_close(f);
		goto fail;
	}
	h5_close(f);
	select_dataset_path(path, e->module, attr, dpath, sizeof(dpath));
	free(attr);
	attr = NULL;
	if (!(e->dataset = xstrdup(dpath, err)))
		goto fail;
	if ((flags & SELECT_READ_TIMING) && read_timing(e, err) < 0)
		goto fail;
	return 0;
fail:
	free(attr);
	select_eval_release(e);
	return -1;
}

void select_eval_release(struct select_eval *e)
{
	free(e->path);
	free(e->module);
	free(e->variant);
	free(e->experiment);
	free(e->environment);
	free(e->dataset);
	free(e->pred_ms);
	free(e->latency_ms);
	free(e->split);
	memset(e, 0, sizeof(*e));
}

void select_evals_free(struct select_eval *e, size_t n)
{
	size_t i;

	for (i = 0; e && i < n; i++)
		select_eval_release(&e[i]);
	free(e);
}

int select_evals_read(char *const *paths, size_t n, unsigned flags, struct select_eval **out,
		      char *err)
{
	struct select_eval *e = xcalloc(n, sizeof(*e), err);
	size_t i, k;

	*out = NULL;
	if (!e)
		return -1;
	for (i = 0; i < n; i++) {
		if (select_eval_read(&e[i], paths[i], flags, err) < 0)
			goto fail;
		if (strcmp(e[i].experiment, e[0].experiment) ||
		    strcmp(e[i].environment, e[0].environment)) {
			err_set(err,
				"%s: experiment '%s', environment '%s', but %s has experiment '%s', "
				"environment '%s'",
				paths[i], e[i].experiment, e[i].environment, paths[0],
				e[0].experiment, e[0].environment);
			i++;
			goto fail;
		}
		for (k = 0; k < i; k++)
			if (!strcmp(e[k].module, e[i].module) && !strcmp(e[k].variant, e[i].variant)) {
				err_set(err, "%s: a second evaluation of %s %s (the first is %s)",
					paths[i], e[i].module, e[i].variant, paths[k]);
				i++;
				goto fail;
			}
	}
	*out = e;
	return 0;
fail:
	select_evals_free(e, i);
	return -1;
}

int select_evals_source(const struct select_eval *e, size_t n, struct table_source *s, char *err)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < i && strcmp(e[k].dataset, e[i].dataset); k++)
			;
		if (k == i && table_source_add(s, e[i].dataset, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- both schemes ---------------------------------------------------- */

static void entries_free(struct select_entry *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++) {
		free(s[i].module);
		free(s[i].variant);
		free(s[i].model);
	}
	free(s);
}

void select_result_release(struct select_result *r)
{
	entries_free(r->time, r->n);
	entries_free(r->space, r->n);
	free(r->experiment);
	free(r->environment);
	memset(r, 0, sizeof(*r));
}

static int entry_fill(struct select_entry *s, const struct select_eval *e, char *err)
{
	char model[4200];

	if (select_model_path(e->path, model, sizeof(model), err) < 0)
		return -1;
	s->module = xstrdup(e->module, err);
	s->variant = xstrdup(e->variant, err);
	s->model = xstrdup(model, err);
	s->val_acc = e->val_p20;
	s->val_r2 = e->val_r2;
	s->test_acc = e->test_p20;
	s->test_r2 = e->test_r2;
	s->tps_ms = e->tps_ms;
	s->size_kb = e->size_kb;
	return s->module && s->variant && s->model ? 0 : -1;
}

int select_run(const struct select_eval *e, size_t n, double eps_a, double eps_r,
	       struct select_result *r, char *err)
{
	struct select_candidate *c = xcalloc(n, sizeof(*c), err);
	size_t *ct = xcalloc(n, sizeof(size_t), err), *cs = xcalloc(n, sizeof(size_t), err);
	size_t i, k, m = 0, m2 = 0;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (!c || !ct || !cs)
		goto out;
	if (!n) {
		err_set(err, "no evaluation to select from");
		goto out;
	}
	for (i = 0; i < n; i++) {
		c[i].module = e[i].module;
		c[i].variant = e[i].variant;
		c[i].acc = e[i].val_p20;
		c[i].r2 = e[i].val_r2;
		c[i].tps_ms = e[i].tps_ms;
		c[i].size_kb = e[i].size_kb;
	}
	if (select_all(c, n, eps_a, eps_r, SELECT_TIME, ct, &m, err) < 0 ||
	    select_all(c, n, eps_a, eps_r, SELECT_SPACE, cs, &m2, err) < 0)
		goto out;
	for (k = 0; k < m; k++) {
		for (i = 0; i < n && (strcmp(e[i].module, e[ct[k]].module) ||
				      strcmp(e[i].variant, "medn"));
		     i++)
			;
		if (i == n) {
			err_set(err, "no 'medn' evaluation of module '%s' among the inputs (needed "
				     "for the comparison with MEDN everywhere)",
				e[ct[k]].module);
			goto out;
		}
	}
	r->n = m;
	r->eps_a = eps_a;
	r->eps_r = eps_r;
	r->experiment = xstrdup(e[0].experiment, err);
	r->environment = xstrdup(e[0].environment, err);
	r->time = xcalloc(m, sizeof(*r->time), err);
	r->space = xcalloc(m, sizeof(*r->space), err);
	if (!r->experiment || !r->environment || !r->time || !r->space)
		goto out;
	for (k = 0; k < m; k++)
		if (entry_fill(&r->time[k], &e[ct[k]], err) < 0 ||
		    entry_fill(&r->space[k], &e[cs[k]], err) < 0)
			goto out;
	rc = 0;
out:
	if (rc < 0)
		select_result_release(r);
	free(c);
	free(ct);
	free(cs);
	return rc;
}

/* ---- the selection file ---------------------------------------------- */

#define NUM_FIELDS 6
static const char *const num_names[NUM_FIELDS] = { "val_acc",  "val_r2", "test_acc",
						   "test_r2", "tps_ms", "size_kb" };

static double *num_field(struct select_entry *s, int j)
{
	double *p[NUM_FIELDS] = { &s->val_acc, &s->val_r2, &s->test_acc,
				  &s->test_r2, &s->tps_ms, &s->size_kb };

	return p[j];
}

static int write_scheme(hid_t file, const char *name, const char *objective,
			const struct select_result *r, struct select_entry *s, char *err)
{
	char **mods = xcalloc(r->n, sizeof(char *), err), **vars = xcalloc(r->n, sizeof(char *), err);
	char **models = xcalloc(r->n, sizeof(char *), err);
	double *v = xcalloc(r->n, sizeof(double), err);
	hid_t g = H5I_INVALID_HID;
	size_t i;
	int j, rc = -1;

	if (!mods || !vars || !models || !v || h5_group(file, name, &g, err) < 0)
		goto out;
	for (i = 0; i < r->n; i++) {
		mods[i] = s[i].module;
		vars[i] = s[i].variant;
		models[i] = s[i].model;
	}
	if (h5_attr_write_str(g, "objective", objective, err) < 0 ||
	    h5_attr_write_f64(g, "eps_a", r->eps_a, err) < 0 ||
	    h5_attr_write_f64(g, "eps_r", r->eps_r, err) < 0 ||
	    h5_write_strings(g, "modules", r->n, mods, err) < 0 ||
	    h5_write_strings(g, "variants", r->n, vars, err) < 0 ||
	    h5_write_strings(g, "models", r->n, models, err) < 0)
		goto out;
	for (j = 0; j < NUM_FIELDS; j++) {
		for (i = 0; i < r->n; i++)
			v[i] = *num_field(&s[i], j);
		if (h5_write_f64(g, num_names[j], 1, &r->n, v, err) < 0)
			goto out;
	}
	rc = 0;
out:
	if (g > 0)
		H5Gclose(g);
	free(mods);
	free(vars);
	free(models);
	free(v);
	return rc;
}

int select_write_open(const struct select_result *r, const char *path, struct h5_out *out,
		      char *err)
{
	if (h5_create(out, path, SELECT_FORMAT, SELECT_VERSION, err) < 0)
		return -1;
	if (h5_attr_write_str(out->file, "experiment", r->experiment, err) < 0 ||
	    h5_attr_write_str(out->file, "environment", r->environment, err) < 0 ||
	    h5_attr_write_f64(out->file, "eps_a", r->eps_a, err) < 0 ||
	    h5_attr_write_f64(out->file, "eps_r", r->eps_r, err) < 0 ||
	    h5_attr_write_str(out->file, "selected_on", "validation", err) < 0 ||
	    h5_attr_write_str(out->file, "reported_on", "test", err) < 0 ||
	    h5_attr_write_str(out->file, "tool_version", MODLAT_VERSION, err) < 0 ||
	    write_scheme(out->file, "time", "tps_ms", r, r->time, err) < 0 ||
	    write_scheme(out->file, "space", "size_kb", r, r->space, err) < 0) {
		h5_abort(out);
		return -1;
	}
	return 0;
}

int select_write(const struct select_result *r, const char *path, char *err)
{
	struct h5_out out;

	if (select_write_open(r, path, &out, err) < 0)
		return -1;
	return h5_commit(&out, err);
}

static int read_scheme(hid_t file, const char *path, const char *name, size_t *n,
		       struct select_entry **out, char *err)
{
	char **mods = NULL, **vars = NULL, **models = NULL;
	size_t nm = 0, nv = 0, nmo = 0, dims[2], i;
	struct select_entry *s = NULL;
	double *v = NULL;
	hid_t g;
	int j, rc = -1;

	if (h5_open_group(file, name, &g, err) < 0)
		return -1;
	if (h5_read_strings(g, "modules", &nm, &mods, err) < 0 ||
	    h5_read_strings(g, "variants", &nv, &vars, err) < 0 ||
	    h5_read_strings(g, "models", &nmo, &models, err) < 0)
		goto out;
	if (nv != nm || nmo != nm) {
		err_set(err, "%s: /%s has %zu modules, %zu variants and %zu models", path, name, nm,
			nv, nmo);
		goto out;
	}
	if (!(s = xcalloc(nm, sizeof(*s), err)))
		goto out;
	for (i = 0; i < nm; i++) {
		s[i].module = mods[i];
		s[i].variant = vars[i];
		s[i].model = models[i];
		mods[i] = vars[i] = models[i] = NULL;
	}
	for (j = 0; j < NUM_FIELDS; j++) {
		if (h5_read_f64(g, num_names[j], 1, dims, &v, err) < 0)
			goto out;
		if (dims[0] != nm) {
			err_set(err, "%s: /%s/%s has %zu entries, expected %zu", path, name,
				num_names[j], dims[0], nm);
			goto out;
		}
		for (i = 0; i < nm; i++)
			*num_field(&s[i], j) = v[i];
		free(v);
		v = NULL;
	}
	if (*n != (size_t)-1 && *n != nm) {
		err_set(err, "%s: /%s has %zu modules, the other scheme %zu", path, name, nm, *n);
		goto out;
	}
	*n = nm;
	*out = s;
	s = NULL;
	rc = 0;
out:
	H5Gclose(g);
	entries_free(s, nm);
	h5_strings_free(nm, mods);
	h5_strings_free(nv, vars);
	h5_strings_free(nmo, models);
	free(v);
	return rc;
}

int select_read(struct select_result *r, const char *path, char *err)
{
	size_t n = (size_t)-1;
	hid_t f;

	memset(r, 0, sizeof(*r));
	if (h5_open(path, SELECT_FORMAT, SELECT_VERSION, &f, err) < 0)
		return -1;
	if (h5_attr_read_str(f, "experiment", &r->experiment, err) < 0 ||
	    h5_attr_read_str(f, "environment", &r->environment, err) < 0 ||
	    h5_attr_read_f64(f, "eps_a", &r->eps_a, err) < 0 ||
	    h5_attr_read_f64(f, "eps_r", &r->eps_r, err) < 0 ||
	    read_scheme(f, path, "time", &n, &r->time, err) < 0 ||
	    read_scheme(f, path, "space", &n, &r->space, err) < 0) {
		h5_close(f);
		r->n = r->time ? n : 0;
		select_result_release(r);
		return -1;
	}
	r->n = n;
	h5_close(f);
	return 0;
}

const struct select_entry *select_find(const struct select_entry *list, size_t n,
				       const char *module)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i].module, module))
			return &list[i];
	return NULL;
}
