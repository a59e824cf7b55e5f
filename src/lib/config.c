#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"

/* ---- schema ------------------------------------------------------------ */

static const char *const experiment_keys[] = { "seed", "environments", "modules", "split", NULL };
static const char *const bench_keys[] = { "backend",	   "threads",	   "warmup",
					  "runs",	   "fuse_relu",	   "min_run_ms",
					  "quiet",	   "contention",   "quiet_wait_s",
					  "retries",	   "repeat_share", "repeat_min",
					  "fold_first",	   NULL };
static const char *const dynamic_keys[] = { "duty", "period_ms", "load_threads", NULL };
static const char *const sampling_keys[] = { "count", "batch", "cin", "cout", "hw", "kernel",
					     "stride", "flop_cap", "mem_cap_mb", NULL };
/* Regression-model sections: [RM] or [RM.MODULE]. */
static const char *const rm_names[] = { "lr", "rf", "mlp", "medn", "gbt", "lop", NULL };
static const char *const rm_keys[] = { "trees",  "max_depth", "max_features", "min_samples_split",
				       "min_samples_leaf", "bootstrap", "threads", "hidden",
				       "encoder", "weight", "epochs", "lr", "batch", "target",
				       "activation", "lambda", "min_child_weight", "subsample",
				       "colsample", "max_bin",
				       NULL };

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/* The keys a section may hold, or NULL for an unknown section. */
static const char *const *section_keys(const char *section)
{
	enum module_kind m;
	char rm[32];
	const char *dot;

	if (!strcmp(section, "experiment"))
		return experiment_keys;
	if (!strcmp(section, "bench"))
		return bench_keys;
	if (!strcmp(section, "dynamic"))
		return dynamic_keys;
	if (!strcmp(section, "sampling") || module_from_name(section, &m) == 0)
		return sampling_keys;
	dot = strchr(section, '.');
	if (!dot) {
		if (in_list(section, rm_names))
			return rm_keys;
		return NULL;
	}
	if ((size_t)(dot - section) >= sizeof(rm))
		return NULL;
	memcpy(rm, section, dot - section);
	rm[dot - section] = 0;
	if (in_list(rm, rm_names) && module_from_name(dot + 1, &m) == 0)
		return rm_keys;
	return NULL;
}

/* ---- loading ----------------------------------------------------------- */

/* Debian's inih does not pass line numbers to the handler, so the reader
 * counts the lines it hands to the parser: when the handler runs, the line
 * just read is the one being handled. */
struct load_ctx {
	struct config *c;
	const char *file;
	FILE *f;
	int line;
	char *err;
	int failed; /* the line of the first error the handler found, or 0 */
};

static char *read_line(char *buf, int size, void *stream)
{
	struct load_ctx *ctx = stream;
	char *s = fgets(buf, size, ctx->f);

	if (s)
		ctx->line++;
	return s;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *ctx = user;
	struct config *c = ctx->c;
	const char *const *keys;
	struct config_entry *e;
	int lineno = ctx->line;

	if (ctx->failed)
		return 0; /* keep the first error */
	if (!key)
		return 1; /* a section header alone */
	if (!*section) {
		err_set(ctx->err, "%s:%d: key '%s' is outside any section", ctx->file, lineno, key);
		goto fail;
	}
	keys = section_keys(section);
	if (!keys) {
		err_set(ctx->err, "%s:%d: unknown section '[%s]'", ctx->file, lineno, section);
		goto fail;
	}
	if (!in_list(key, keys)) {
		err_set(ctx->err, "%s:%d: unknown key '%s' in section '[%s]'", ctx->file, lineno,
			key, section);
		goto fail;
	}
	e = realloc(c->e, (c->n + 1) * sizeof(*e));
	if (!e) {
		err_set(ctx->err, "out of memory reading %s", ctx->file);
		goto fail;
	}
	c->e = e;
	e = &c->e[c->n];
	e->section = strdup(section);
	e->key = strdup(key);
	e->value = strdup(value);
	e->file = strdup(ctx->file);
	e->line = lineno;
	c->n++;
	if (!e->section || !e->key || !e->value || !e->file) {
		err_set(ctx->err, "out of memory reading %s", ctx->file);
		goto fail;
	}
	return 1;
fail:
	ctx->failed = lineno ? lineno : 1;
	return 0;
}

static int load_file(struct config *c, const char *path, char *err)
{
	struct load_ctx ctx = { c, path, NULL, 0, err, 0 };
	struct stat st;
	FILE *f;
	int rc;

	/* fopen opens a folder and reads nothing from it: say so instead of
	 * going on with the defaults */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return err_set(err, "%s: not a regular file (an experiment file must be an INI file)",
			       path);
	f = fopen(path, "r");
	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	ctx.f = f;
	rc = ini_parse_stream(read_line, &ctx, on_entry, &ctx);
	fclose(f);
	/* inih goes on after a syntax error: report whichever came first */
	if (rc > 0 && (!ctx.failed || rc < ctx.failed))
		return err_set(err, "%s:%d: not valid INI syntax", path, rc);
	if (ctx.failed)
		return -1;
	if (rc < 0)
		return err_set(err, "%s: cannot read", path);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int config_load(struct config *c, const char *path, char *err)
{
	struct stat st;
	struct dirent *de;
	char **names = NULL, full[4096];
	size_t n = 0, i;
	DIR *d;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if (stat(path, &st) < 0)
		return err_set(err, "%s: experiment not found (%s)", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		rc = load_file(c, path, err);
		if (rc < 0)
			config_release(c);
		return rc;
	}
	d = opendir(path);
	if (!d)
		return err_set(err, "%s: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **nn;

		if (len < 5 || strcmp(de->d_name + len - 4, ".ini") || de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn || !(nn[n] = strdup(de->d_name))) {
			names = nn ? nn : names;
			rc = err_set(err, "out of memory listing %s", path);
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (rc == 0 && n == 0)
		rc = err_set(err, "%s: no .ini file in the experiment folder", path);
	if (rc == 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; rc == 0 && i < n; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		rc = load_file(c, full, err);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc < 0)
		config_release(c);
	return rc;
}

void config_release(struct config *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->e[i].section);
		free(c->e[i].key);
		free(c->e[i].value);
		free(c->e[i].file);
	}
	free(c->e);
	c->e = NULL;
	c->n = 0;
}

const struct config_entry *config_find(const struct config *c, const char *section,
				       const char *key)
{
	size_t i = c->n;

	while (i-- > 0)
		if (!strcmp(c->e[i].section, section) && !strcmp(c->e[i].key, key))
			return &c->e[i];
	return NULL;
}

const struct config_entry *config_overridden_by(const struct config *c, size_t i)
{
	const struct config_entry *e;
	size_t j;

	if (i >= c->n)
		return NULL;
	e = &c->e[i];
	for (j = i + 1; j < c->n; j++)
		if (!strcmp(c->e[j].section, e->section) && !strcmp(c->e[j].key, e->key))
			return &c->e[j];
	return NULL;
}

/* ---- typed values ------------------------------------------------------ */

static int bad(const struct config_entry *e, const char *expected, char *err)
{
	return err_set(err, "%s:%d: [%s] %s = '%s': expected %s", e->file, e->line, e->section,
		       e->key, e->value, expected);
}

/* Parses a whole string as a number (integers may be written 1e4 or 15.0). */
static int parse_num(const char *s, double *out)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	return (*end || errno || !isfinite(*out)) ? -1 : 0;
}

static int parse_long(const char *s, long *out)
{
	double v;

	if (parse_num(s, &v) < 0 || v != floor(v) || fabs(v) > 9e15)
		return -1;
	*out = (long)v;
	return 0;
}

int config_long(const struct config *c, const char *section, const char *key, long def, long lo,
		long hi, long *out, char *err)
{
	const struct config_entry *e = config_find(c, section, key);
	char what[128];

	*out = def;
	if (!e)
		return 0;
	snprintf(what, sizeof(what), "an integer in [%ld, %ld]", lo, hi);
	if (parse_long(e->value, out) < 0 || *out < lo || *out > hi)
		return bad(e, what, err);
	return 0;
}

int config_double(const struct config *c, const char *section, const char *key, double def,
		  double lo, double hi, double *out, char *err)
{
	const struct config_entry *e = config_find(c, section, key);
	char what[128];

	*out = def;
	if (!e)
		return 0;
	snprintf(what, sizeof(what), "a number in [%g, %g]", lo, hi);
	if (parse_num(e->value, out) < 0 || *out < lo || *out > hi)
		return bad(e, what, err);
	return 0;
}

int config_bool(const struct config *c, const char *section, const char *key, int def, int *out,
		char *err)
{
	const struct config_entry *e = config_find(c, section, key);

	*out = def;
	if (!e)
		return 0;
	if (!strcmp(e->value, "yes") || !strcmp(e->value, "true") || !strcmp(e->value, "1"))
		*out = 1;
	else if (!strcmp(e->value, "no") || !strcmp(e->value, "false") || !strcmp(e->value, "0"))
		*out = 0;
	else
		return bad(e, "yes or no", err);
	return 0;
}

/* Splits s at commas into at most max positive integers. */
static int parse_set(const char *s, long *v, int max, int *n)
{
	char buf[512], *tok, *save;

	*n = 0;
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == max || parse_long(tok, &v[*n]) < 0 || v[*n] <= 0)
			return -1;
		(*n)++;
	}
	return *n ? 0 : -1;
}

int config_list(const struct config *c, const char *section, const char *key, const char *def,
		long *out, int max, int *n, char *err)
{
	const struct config_entry *e = config_find(c, section, key);
	char what[96];

	if (!e)
		return parse_set(def, out, max, n) < 0 ? err_set(err, "bad default for %s", key) : 0;
	snprintf(what, sizeof(what), "a comma-separated list of 1 to %d positive integers", max);
	if (parse_set(e->value, out, max, n) < 0)
		return bad(e, what, err);
	return 0;
}

/* "LO..HI" or "N"; lo <= hi within [min, max]. */
static int get_range(const struct config *c, const char *section, const char *key, long *r,
		     long min, long max, char *err)
{
	const struct config_entry *e = config_find(c, section, key);
	const char *dots;
	char what[128];

	if (!e)
		return 0;
	snprintf(what, sizeof(what), "a range LO..HI of integers in [%ld, %ld] with LO <= HI", min,
		 max);
	dots = strstr(e->value, "..");
	if (dots) {
		char lo[64];
		size_t len = dots - e->value;

		if (len >= sizeof(lo))
			return bad(e, what, err);
		memcpy(lo, e->value, len);
		lo[len] = 0;
		if (parse_long(lo, &r[0]) < 0 || parse_long(dots + 2, &r[1]) < 0)
			return bad(e, what, err);
	} else if (parse_long(e->value, &r[0]) < 0) {
		return bad(e, what, err);
	} else {
		r[1] = r[0];
	}
	if (r[0] > r[1] || r[0] < min || r[1] > max)
		return bad(e, what, err);
	return 0;
}

static int get_set(const struct config *c, const char *section, const char *key,
		   struct int_set *s, char *err)
{
	const struct config_entry *e = config_find(c, section, key);

	if (!e)
		return 0;
	if (parse_set(e->value, s->v, CONFIG_MAX_SET, &s->n) < 0)
		return bad(e, "a comma-separated list of positive integers", err);
	return 0;
}

/* ---- the experiment ---------------------------------------------------- */

static const struct sampling paper_defaults = {
	.count = 2000,
	.batch = { 1, 64 },
	.cin = { 3, 512 },
	.cout = { 3, 512 },
	.hw = { { 224, 112, 56, 32, 28, 27, 14, 13, 8, 7 }, 10 },
	.kernel = { { 1, 3, 5, 7, 9 }, 5 },
	.stride = { { 1, 2, 4 }, 3 },
	.flop_cap = 1e12,
	.mem_cap_mb = 4096,
};

/* Reads one sampling section over the values already in s. */
static int read_sampling(const struct config *c, const char *sec, struct sampling *s, char *err)
{
	if (config_long(c, sec, "count", s->count, 1, 10000000, &s->count, err) < 0 ||
	    get_range(c, sec, "batch", s->batch, 1, 1 << 20, err) < 0 ||
	    get_range(c, sec, "cin", s->cin, 1, 1 << 20, err) < 0 ||
	    get_range(c, sec, "cout", s->cout, 1, 1 << 20, err) < 0 ||
	    get_set(c, sec, "hw", &s->hw, err) < 0 || get_set(c, sec, "kernel", &s->kernel, err) < 0 ||
	    get_set(c, sec, "stride", &s->stride, err) < 0 ||
	    config_double(c, sec, "flop_cap", s->flop_cap, 1, 1e18, &s->flop_cap, err) < 0 ||
	    config_double(c, sec, "mem_cap_mb", s->mem_cap_mb, 1, 1e9, &s->mem_cap_mb, err) < 0)
		return -1;
	return 0;
}

static int read_words(const struct config *c, const char *key, char *buf, size_t len)
{
	const struct config_entry *e = config_find(c, "experiment", key);

	if (!e)
		return 0;
	snprintf(buf, len, "%s", e->value);
	return 1;
}

static int read_envs(struct experiment *x, char *err)
{
	const struct config_entry *e = config_find(&x->raw, "experiment", "environments");
	char buf[256], *tok, *save;

	x->n_env = 2;
	strcpy(x->env[0], "static");
	strcpy(x->env[1], "dynamic");
	if (!read_words(&x->raw, "environments", buf, sizeof(buf)))
		return 0;
	x->n_env = 0;
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if ((strcmp(tok, "static") && strcmp(tok, "dynamic")) || x->n_env == CONFIG_MAX_ENV)
			return bad(e, "environments among: static, dynamic", err);
		if (!experiment_has_env(x, tok))
			strcpy(x->env[x->n_env++], tok);
	}
	if (!x->n_env)
		return bad(e, "at least one environment (static, dynamic)", err);
	return 0;
}

static int read_modules(struct experiment *x, char *err)
{
	const struct config_entry *e = config_find(&x->raw, "experiment", "modules");
	char buf[512], *tok, *save;
	enum module_kind m;

	x->modules = (1u << MODULE_COUNT) - 1;
	if (!read_words(&x->raw, "modules", buf, sizeof(buf)))
		return 0;
	x->modules = 0;
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (module_from_name(tok, &m) < 0)
			return err_set(err,
				       "%s:%d: unknown module '%s', expected conv, conv-relu, "
				       "conv-bn, conv-bn-relu, bn, bn-relu, linear, maxpool, avgpool",
				       e->file, e->line, tok);
		x->modules |= 1u << m;
	}
	if (!x->modules)
		return bad(e, "at least one module", err);
	return 0;
}

int experiment_load(struct experiment *x, const char *path, char *err)
{
	struct config *c = &x->raw;
	struct sampling common = paper_defaults;
	long v, split[3];
	int n, i;
	const struct config_entry *e;

	memset(x, 0, sizeof(*x));
	if (config_load(c, path, err) < 0)
		return -1;
	if (config_long(c, "experiment", "seed", 42, 0, 9000000000000000L, &v, err) < 0)
		goto fail;
	x->seed = (uint64_t)v;
	if (read_envs(x, err) < 0 || read_modules(x, err) < 0)
		goto fail;
	split[0] = 7;
	split[1] = 1;
	split[2] = 2;
	e = config_find(c, "experiment", "split");
	if (e && (parse_set(e->value, split, 3, &n) < 0 || n != 3)) {
		bad(e, "three positive integers train,validation,test (e.g. 7,1,2)", err);
		goto fail;
	}
	for (i = 0; i < 3; i++)
		x->split[i] = (int)split[i];

	snprintf(x->bench.backend, sizeof(x->bench.backend), "onednn");
	e = config_find(c, "bench", "backend");
	if (e) {
		if (strlen(e->value) >= sizeof(x->bench.backend)) {
			bad(e, "a backend name", err);
			goto fail;
		}
		strcpy(x->bench.backend, e->value);
	}
	if (config_long(c, "bench", "threads", 2, 1, 1024, &v, err) < 0)
		goto fail;
	x->bench.threads = (int)v;
	if (config_long(c, "bench", "warmup", 3, 0, 1000, &v, err) < 0)
		goto fail;
	x->bench.warmup = (int)v;
	if (config_long(c, "bench", "runs", 10, 1, 10000, &v, err) < 0)
		goto fail;
	x->bench.runs = (int)v;
	if (config_double(c, "bench", "min_run_ms", 2, 0, 1e4, &x->bench.min_run_ms, err) < 0 ||
	    config_double(c, "bench", "quiet", 0.1, 0, 1024, &x->bench.quiet, err) < 0 ||
	    config_double(c, "bench", "contention", 0.05, 0, 1024, &x->bench.contention, err) < 0 ||
	    config_double(c, "bench", "quiet_wait_s", 120, 0, 1e6, &x->bench.quiet_wait_s, err) < 0 ||
	    config_double(c, "bench", "repeat_share", 0.05, 0, 1, &x->bench.repeat_share, err) < 0)
		goto fail;
	if (config_long(c, "bench", "retries", 3, 0, 100, &v, err) < 0)
		goto fail;
	x->bench.retries = (int)v;
	if (config_long(c, "bench", "repeat_min", 100, 0, 1000000, &v, err) < 0)
		goto fail;
	x->bench.repeat_min = (int)v;
	if (config_bool(c, "bench", "fuse_relu", 0, &x->bench.fuse_relu, err) < 0 ||
	    config_bool(c, "bench", "fold_first", 1, &x->bench.fold_first, err) < 0 ||
	    config_double(c, "dynamic", "duty", 0.5, 0, 1, &x->dynamic.duty, err) < 0 ||
	    config_double(c, "dynamic", "period_ms", 400, 1, 1e6, &x->dynamic.period_ms, err) < 0 ||
	    config_long(c, "dynamic", "load_threads", 1, 1, 1024, &v, err) < 0)
		goto fail;
	x->dynamic.load_threads = (int)v;

	if (read_sampling(c, "sampling", &common, err) < 0)
		goto fail;
	for (i = 0; i < MODULE_COUNT; i++) {
		x->sampling[i] = common;
		if (module_has_conv((enum module_kind)i) && !config_find(c, "sampling", "count"))
			x->sampling[i].count = 10000;
		if (read_sampling(c, module_name((enum module_kind)i), &x->sampling[i], err) < 0)
			goto fail;
	}
	return 0;
fail:
	experiment_release(x);
	return -1;
}

void experiment_release(struct experiment *x)
{
	config_release(&x->raw);
}

int experiment_has_module(const struct experiment *x, enum module_kind m)
{
	return (x->modules >> m) & 1u;
}

int experiment_has_env(const struct experiment *x, const char *env)
{
	int i;

	for (i = 0; i < x->n_env; i++)
		if (!strcmp(x->env[i], env))
			return 1;
	return 0;
}

/* ---- fragments --------------------------------------------------------- */

static void write_set(FILE *f, const char *key, const struct int_set *s)
{
	int i;

	fprintf(f, "%s = ", key);
	for (i = 0; i < s->n; i++)
		fprintf(f, "%s%ld", i ? "," : "", s->v[i]);
	fputc('\n', f);
}

void experiment_write_gen(const struct experiment *x, enum module_kind m, FILE *f)
{
	const struct sampling *s = &x->sampling[m];
	unsigned p = module_params(m);

	fprintf(f, "# generated from the experiment: the settings gen reads for %s\n",
		module_name(m));
	fprintf(f, "[experiment]\nseed = %llu\nsplit = %d,%d,%d\nmodules = %s\n\n",
		(unsigned long long)x->seed, x->split[0], x->split[1], x->split[2],
		module_name(m));
	fprintf(f, "[%s]\ncount = %ld\n", module_name(m), s->count);
	fprintf(f, "batch = %ld..%ld\n", s->batch[0], s->batch[1]);
	fprintf(f, "cin = %ld..%ld\n", s->cin[0], s->cin[1]);
	if (p & PARAM_COUT)
		fprintf(f, "cout = %ld..%ld\n", s->cout[0], s->cout[1]);
	if (p & PARAM_HW)
		write_set(f, "hw", &s->hw);
	if (p & PARAM_KERNEL)
		write_set(f, "kernel", &s->kernel);
	if (p & PARAM_STRIDE)
		write_set(f, "stride", &s->stride);
	fprintf(f, "flop_cap = %.17g\nmem_cap_mb = %.17g\n", s->flop_cap, s->mem_cap_mb);
}

void experiment_write_bench(const struct experiment *x, enum module_kind m, const char *env,
			    FILE *f)
{
	fprintf(f, "# generated from the experiment: the settings bench reads for %s, %s\n",
		module_name(m), env);
	fprintf(f, "[experiment]\nseed = %llu\nenvironments = %s\nmodules = %s\n\n",
		(unsigned long long)x->seed, env, module_name(m));
	fprintf(f, "[bench]\nbackend = %s\nthreads = %d\nwarmup = %d\nruns = %d\nfuse_relu = %s\n",
		x->bench.backend, x->bench.threads, x->bench.warmup, x->bench.runs,
		x->bench.fuse_relu ? "yes" : "no");
	fprintf(f,
		"min_run_ms = %.17g\nquiet = %.17g\ncontention = %.17g\nquiet_wait_s = %.17g\n"
		"retries = %d\nrepeat_share = %.17g\nrepeat_min = %d\nfold_first = %s\n",
		x->bench.min_run_ms, x->bench.quiet, x->bench.contention, x->bench.quiet_wait_s,
		x->bench.retries, x->bench.repeat_share, x->bench.repeat_min,
		x->bench.fold_first ? "yes" : "no");
	if (!strcmp(env, "dynamic"))
		fprintf(f, "\n[dynamic]\nduty = %.17g\nperiod_ms = %.17g\nload_threads = %d\n",
			x->dynamic.duty, x->dynamic.period_ms, x->dynamic.load_threads);
}

static int by_key(const void *a, const void *b)
{
	const struct config_entry *const *x = a, *const *y = b;
	int c = strcmp((*x)->section, (*y)->section);

	return c ? c : strcmp((*x)->key, (*y)->key);
}

void experiment_write_fit(const struct experiment *x, enum module_kind m, const char *rm,
			  FILE *f)
{
	const struct config_entry **sel;
	char specific[64];
	const char *last = "";
	size_t i, n = 0;

	snprintf(specific, sizeof(specific), "%s.%s", rm, module_name(m));
	fprintf(f, "# generated from the experiment: the settings of %s for %s\n", rm,
		module_name(m));
	fprintf(f, "[experiment]\nseed = %llu\nmodules = %s\n", (unsigned long long)x->seed,
		module_name(m));
	sel = calloc(x->raw.n + 1, sizeof(*sel));
	if (!sel)
		return;
	/* the last value of each key wins, as in config_find */
	for (i = 0; i < x->raw.n; i++) {
		const struct config_entry *e = &x->raw.e[i];

		if ((!strcmp(e->section, rm) || !strcmp(e->section, specific)) &&
		    config_find(&x->raw, e->section, e->key) == e)
			sel[n++] = e;
	}
	qsort(sel, n, sizeof(*sel), by_key);
	for (i = 0; i < n; i++) {
		if (strcmp(sel[i]->section, last))
			fprintf(f, "\n[%s]\n", sel[i]->section);
		last = sel[i]->section;
		fprintf(f, "%s = %s\n", sel[i]->key, sel[i]->value);
	}
	free(sel);
}
