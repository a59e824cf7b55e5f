#include "import.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "err.h"
#include "util.h"

static const char *const import_keys[] = { "module", "latency", "latency_unit", "runs",
					   "split", "environment", "seed", "date", NULL };
static const char *const kinds[] = { "sampling", "measurable", "inferable" };

/* ---- the column map ----------------------------------------------------- */

/* Debian's inih does not pass line numbers to the handler (see config.c), so
 * the reader counts the lines it hands over. */
struct map_ctx {
	struct import_map *m;
	FILE *f;
	int line;
	int indented;   /* the line just read starts with a space or tab */
	char *err;
	int failed;     /* the line of the first error found, or 0 */
	unsigned seen;  /* bit i: import_keys[i] was given */
	/* the features of each kind, in the map's order, merged at the end */
	struct import_feature *part[3];
	size_t npart[3];
};

static char *map_read_line(char *buf, int size, void *stream)
{
	struct map_ctx *ctx = stream;
	char *s = fgets(buf, size, ctx->f);
	size_t len;

	if (!s)
		return NULL;
	ctx->line++;
	ctx->indented = buf[0] == ' ' || buf[0] == '\t';
	len = strlen(buf);
	if (len == (size_t)size - 1 && buf[len - 1] != '\n' && !feof(ctx->f)) {
		if (!ctx->failed) {
			err_set(ctx->err, "%s:%d: line longer than %d characters", ctx->m->path,
				ctx->line, size - 3);
			ctx->failed = ctx->line;
		}
		return NULL; /* stop the parser */
	}
	return s;
}

static int fail_at(struct map_ctx *ctx)
{
	ctx->failed = ctx->line ? ctx->line : 1;
	return 0;
}

static int key_index(const char *key)
{
	int i;

	for (i = 0; import_keys[i]; i++)
		if (!strcmp(import_keys[i], key))
			return i;
	return -1;
}

/* Splits "a, b ,c" into trimmed, non-empty items. */
static int split_list(const char *value, char ***items, size_t *n, char *err)
{
	const char *p = value;

	*items = NULL;
	*n = 0;
	for (;;) {
		const char *end = strchr(p, ','), *q;
		size_t len;
		char **grown;

		if (!end)
			end = p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		q = end;
		while (q > p && isspace((unsigned char)q[-1]))
			q--;
		len = (size_t)(q - p);
		if (!len)
			return err_set(err, "an empty item in the list");
		grown = realloc(*items, (*n + 1) * sizeof(**items));
		if (!grown)
			return err_set(err, "out of memory");
		*items = grown;
		(*items)[*n] = strndup(p, len);
		if (!(*items)[*n])
			return err_set(err, "out of memory");
		(*n)++;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ", with digits where the pattern has d */
static int valid_date(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i, len = strlen(s);

	if (len != 10 && len != sizeof(pat) - 1)
		return 0;
	for (i = 0; i < len; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
			return 0;
	return 1;
}

static int set_import_key(struct map_ctx *ctx, int k, const char *value)
{
	struct import_map *m = ctx->m;
	const char *path = m->path;
	char msg[ERR_LEN];
	int line = ctx->line;

	switch (k) {
	case 0: /* module */
		if (module_from_name(value, &m->module) < 0) {
			err_set(ctx->err,
				"%s:%d: unknown module '%s', expected conv, conv-relu, conv-bn, "
				"conv-bn-relu, bn, bn-relu, linear, maxpool or avgpool",
				path, line, value);
			return -1;
		}
		return 0;
	case 1: /* latency */
		m->latency = strdup(value);
		return m->latency ? 0 : err_set(ctx->err, "out of memory reading %s", path);
	case 2: /* latency_unit */
		if (strcmp(value, "s") && strcmp(value, "ms") && strcmp(value, "us") &&
		    strcmp(value, "ns")) {
			err_set(ctx->err,
				"%s:%d: unknown latency_unit '%s', expected s, ms, us or ns", path,
				line, value);
			return -1;
		}
		snprintf(m->unit, sizeof(m->unit), "%s", value);
		return 0;
	case 3: /* runs */
		if (split_list(value, &m->runs, &m->nruns, msg) < 0) {
			err_set(ctx->err, "%s:%d: runs = '%s': %s, expected column names "
				"separated by commas", path, line, value, msg);
			return -1;
		}
		return 0;
	case 4: /* split */
		m->split = strdup(value);
		return m->split ? 0 : err_set(ctx->err, "out of memory reading %s", path);
	case 5: /* environment */
		if (strcmp(value, "static") && strcmp(value, "dynamic")) {
			err_set(ctx->err, "%s:%d: unknown environment '%s', expected static or dynamic",
				path, line, value);
			return -1;
		}
		snprintf(m->environment, sizeof(m->environment), "%s", value);
		return 0;
	case 6: { /* seed */
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(value, &end, 10);
		if (!isdigit((unsigned char)value[0]) || *end || errno) {
			err_set(ctx->err, "%s:%d: seed = '%s': expected a non-negative integer",
				path, line, value);
			return -1;
		}
		m->seed = v;
		return 0;
	}
	case 7: /* date */
		if (!valid_date(value)) {
			err_set(ctx->err, "%s:%d: date = '%s': expected YYYY-MM-DD or "
				"YYYY-MM-DDTHH:MM:SSZ", path, line, value);
			return -1;
		}
		snprintf(m->date, sizeof(m->date), "%s", value);
		return 0;
	}
	return err_set(ctx->err, "%s:%d: internal error: key %d", path, line, k);
}

static const struct import_feature *find_feature(const struct map_ctx *ctx, const char *name)
{
	size_t i;
	int p;

	for (p = 0; p < 3; p++)
		for (i = 0; i < ctx->npart[p]; i++)
			if (!strcmp(ctx->part[p][i].name, name))
				return &ctx->part[p][i];
	return NULL;
}

static int add_feature(struct map_ctx *ctx, int p, const char *name, const char *column)
{
	const struct import_feature *old = find_feature(ctx, name);
	struct import_feature *f;

	if (old) {
		err_set(ctx->err, "%s:%d: feature '%s' is already given in [%s]", ctx->m->path,
			ctx->line, name, old->kind);
		return -1;
	}
	f = realloc(ctx->part[p], (ctx->npart[p] + 1) * sizeof(*f));
	if (!f)
		return err_set(ctx->err, "out of memory reading %s", ctx->m->path);
	ctx->part[p] = f;
	f = &f[ctx->npart[p]];
	f->kind = kinds[p];
	f->line = ctx->line;
	f->name = strdup(name);
	f->column = strdup(column);
	ctx->npart[p]++;
	if (!f->name || !f->column)
		return err_set(ctx->err, "out of memory reading %s", ctx->m->path);
	return 0;
}

static int on_map_entry(void *user, const char *section, const char *key, const char *value)
{
	struct map_ctx *ctx = user;
	const char *path = ctx->m->path;
	int line = ctx->line, p, k;

	if (ctx->failed)
		return 0; /* keep the first error */
	if (!key)
		return 1; /* a section header alone */
	if (!*section) {
		err_set(ctx->err, "%s:%d: key '%s' is outside any section, expected [import], "
			"[sampling], [measurable] or [inferable]", path, line, key);
		return fail_at(ctx);
	}
	if (!value || !*value) {
		err_set(ctx->err, "%s:%d: [%s] %s has no value", path, line, section, key);
		return fail_at(ctx);
	}
	if (!strcmp(section, "import")) {
		k = key_index(key);
		if (k < 0) {
			err_set(ctx->err,
				"%s:%d: unknown key '%s' in [import], expected module, latency, "
				"latency_unit, runs, split, environment, seed or date",
				path, line, key);
			return fail_at(ctx);
		}
		if (ctx->seen & (1u << k)) {
			if (ctx->indented)
				err_set(ctx->err, "%s:%d: an indented line continues the key above "
					"it; remove the indentation", path, line);
			else
				err_set(ctx->err, "%s:%d: [import] %s is given twice", path, line,
					key);
			return fail_at(ctx);
		}
		ctx->seen |= 1u << k;
		return set_import_key(ctx, k, value) < 0 ? fail_at(ctx) : 1;
	}
	for (p = 0; p < 3; p++)
		if (!strcmp(section, kinds[p]))
			break;
	if (p == 3) {
		err_set(ctx->err, "%s:%d: unknown section '[%s]', expected [import], [sampling], "
			"[measurable] or [inferable]", path, line, section);
		return fail_at(ctx);
	}
	if (ctx->indented && find_feature(ctx, key)) {
		err_set(ctx->err, "%s:%d: an indented line continues the key above it; remove "
			"the indentation", path, line);
		return fail_at(ctx);
	}
	return add_feature(ctx, p, key, value) < 0 ? fail_at(ctx) : 1;
}

/* ---- which features a module has -------------------------------------- */

static const char *const sampling_names[] = { "batch", "cin", "cout", "hw", "kernel", "stride" };
static const char *const measurable_names[] = { "mem_avail", "util" };
static const char *const inferable_names[] = { "data_size", "param_count", "flops", "out_size" };

/* Whether module has the feature called name among kind p's (0 sampling, 1
 * measurable, 2 inferable); lists them, in words, into list. */
static int module_feature(enum module_kind module, int p, const char *name, char *list,
			  size_t len)
{
	const char *const *names[3] = { sampling_names, measurable_names, inferable_names };
	const size_t count[3] = { 6, 2, 4 };
	const char *have[6];
	size_t i, n = 0, used = 0;
	int found = 0;

	for (i = 0; i < count[p]; i++) {
		if (p == 0 && !(module_params(module) & (1u << i)))
			continue;
		if (p == 2 && !strcmp(names[p][i], "param_count") && !module_has_weights(module))
			continue;
		have[n++] = names[p][i];
		found |= !strcmp(names[p][i], name);
	}
	list[0] = 0;
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(list + used, used < len ? len - used : 0, "%s%s",
					 i == 0 ? "" : i + 1 == n ? " or " : ", ", have[i]);
	return found;
}

/* Every feature is one the module has, in the section of its kind. Done
 * after the whole map is read: [import] may come after the features. */
static int check_features(const struct import_map *m, char *err)
{
	static const char *const kind_words[3] = { "a sampling parameter", "a measurable parameter",
						   "an inferable parameter" };
	char list[96], other[96];
	size_t i;
	int p, q;

	for (i = 0; i < m->nfeat; i++) {
		const struct import_feature *f = &m->feat[i];

		for (p = 0; p < 3; p++)
			if (f->kind == kinds[p])
				break;
		if (module_feature(m->module, p, f->name, list, sizeof(list)))
			continue;
		for (q = 0; q < 3; q++)
			if (q != p && module_feature(m->module, q, f->name, other, sizeof(other)))
				return err_set(err, "%s:%d: [%s] %s is %s, expected it in [%s]",
					       m->path, f->line, f->kind, f->name, kind_words[q],
					       kinds[q]);
		for (q = 0; q < 6; q++)
			if (!strcmp(f->name, sampling_names[q]))
				return err_set(err, "%s:%d: [%s] %s: %s has no %s, expected %s",
					       m->path, f->line, f->kind, f->name,
					       module_name(m->module), f->name, list);
		if (!strcmp(f->name, "param_count"))
			return err_set(err, "%s:%d: [%s] %s: %s has no weights, expected %s",
				       m->path, f->line, f->kind, f->name, module_name(m->module),
				       list);
		return err_set(err, "%s:%d: [%s] %s: unknown feature, expected %s%s", m->path,
			       f->line, f->kind, f->name, *list ? list : "no feature here",
			       p == 0 ? "" : p == 1 ? " (mem_avail in bytes, util in [0, 1])"
						     : "");
	}
	return 0;
}

int import_map_load(struct import_map *m, const char *path, char *err)
{
	struct map_ctx ctx;
	size_t i;
	int rc, p;

	memset(m, 0, sizeof(*m));
	memset(&ctx, 0, sizeof(ctx));
	snprintf(m->unit, sizeof(m->unit), "ms");
	snprintf(m->environment, sizeof(m->environment), "static");
	m->seed = 42;
	m->path = strdup(path);
	if (!m->path)
		return err_set(err, "out of memory");
	ctx.m = m;
	ctx.err = err;
	ctx.f = fopen(path, "r");
	if (!ctx.f)
		return err_set(err, "%s: %s", path, strerror(errno));
	rc = ini_parse_stream(map_read_line, &ctx, on_map_entry, &ctx);
	fclose(ctx.f);
	/* merge the three kinds, in order (also after a failure, to free them) */
	for (p = 0; p < 3; p++)
		m->nfeat += ctx.npart[p];
	m->feat = calloc(m->nfeat ? m->nfeat : 1, sizeof(*m->feat));
	if (!m->feat) {
		for (p = 0; p < 3; p++) {
			for (i = 0; i < ctx.npart[p]; i++) {
				free(ctx.part[p][i].name);
				free(ctx.part[p][i].column);
			}
			free(ctx.part[p]);
		}
		m->nfeat = 0;
		return err_set(err, "out of memory reading %s", path);
	}
	m->nfeat = 0;
	for (p = 0; p < 3; p++) {
		for (i = 0; i < ctx.npart[p]; i++)
			m->feat[m->nfeat++] = ctx.part[p][i];
		free(ctx.part[p]);
	}
	/* inih goes on after a syntax error: report whichever came first */
	if (rc > 0 && (!ctx.failed || rc < ctx.failed))
		return err_set(err, "%s:%d: not valid INI syntax", path, rc);
	if (ctx.failed)
		return -1;
	if (rc < 0)
		return err_set(err, "%s: cannot read", path);
	if (!(ctx.seen & 1u << 0))
		return err_set(err, "%s: no 'module' in [import], expected one of conv, conv-relu, "
			       "conv-bn, conv-bn-relu, bn, bn-relu, linear, maxpool, avgpool", path);
	if (!(ctx.seen & 1u << 1))
		return err_set(err, "%s: no 'latency' in [import], expected the name of the CSV "
			       "column that holds the latency", path);
	if (!m->nfeat)
		return err_set(err, "%s: no features, expected 'name = column' lines in "
			       "[sampling], [measurable] or [inferable]", path);
	return check_features(m, err);
}

void import_map_release(struct import_map *m)
{
	size_t i;

	for (i = 0; i < m->nfeat; i++) {
		free(m->feat[i].name);
		free(m->feat[i].column);
	}
	free(m->feat);
	for (i = 0; i < m->nruns; i++)
		free(m->runs[i]);
	free(m->runs);
	free(m->latency);
	free(m->split);
	free(m->path);
	memset(m, 0, sizeof(*m));
}

/* ---- values ------------------------------------------------------------- */

/* The power of ten that takes unit to milliseconds. */
static int unit_shift(const char *unit)
{
	if (!strcmp(unit, "s"))
		return 3;
	if (!strcmp(unit, "us"))
		return -3;
	if (!strcmp(unit, "ns"))
		return -6;
	return 0; /* ms */
}

/* A cell as it may appear in a one-line message: at most 40 bytes, control
 * characters (a newline in a quoted field) shown as '?'. */
static const char *show(const char *s, char *buf, size_t len)
{
	size_t i, max = len - 4 < 40 ? len - 4 : 40;

	for (i = 0; s[i] && i < max; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (s[i])
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = 0;
	return buf;
}

/* Parses a decimal number with optional surrounding spaces or tabs ("15",
 * "15.0", " 1e3 ", "-0.5"; not NaN, infinities, hexadecimal or an empty cell)
 * times 10^shift. The shift goes into the decimal exponent before the one
 * rounding to a double, so "2.1" us is the double nearest 0.0021 ms, which
 * 2.1 / 1000 in doubles is not. */
static int parse_number(const char *s, int shift, double *v, const char *csv_name, size_t row,
			const char *column, char *err)
{
	const char *p = s, *q;
	char buf[96], *end, *e;
	size_t len;

	while (*p == ' ' || *p == '\t')
		p++;
	q = p + strlen(p);
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	len = (size_t)(q - p);
	if (!len)
		return err_set(err, "%s: row %zu, column '%s' is empty, expected a number", csv_name,
			       row, column);
	if (len >= 64 || strspn(p, "0123456789+-.eE") < len)
		goto bad;
	memcpy(buf, p, len);
	buf[len] = 0;
	*v = strtod(buf, &end);
	if (end != buf + len)
		goto bad;
	if (shift) {
		long x = 0;

		e = strpbrk(buf, "eE");
		if (e) {
			x = strtol(e + 1, NULL, 10);
			*e = 0;
		}
		x = x < -100000 ? -100000 : x > 100000 ? 100000 : x;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "e%ld", x + shift);
		*v = strtod(buf, NULL);
	}
	if (!isfinite(*v))
		return err_set(err, "%s: row %zu, column '%s': '%s' is out of range", csv_name, row,
			       column, show(s, buf, sizeof(buf)));
	return 0;
bad:
	return err_set(err, "%s: row %zu, column '%s': '%s' is not a number", csv_name, row,
		       column, show(s, buf, sizeof(buf)));
}

static int parse_latency(const char *s, const char *unit, double *ms, const char *csv_name,
			 size_t row, const char *column, char *err)
{
	char buf[64];

	if (parse_number(s, unit_shift(unit), ms, csv_name, row, column, err) < 0)
		return -1;
	if (!(*ms > 0))
		return err_set(err,
			       "%s: row %zu, column '%s': '%s' is not a latency, expected a "
			       "positive number of %s",
			       csv_name, row, column, show(s, buf, sizeof(buf)), unit);
	return 0;
}

static int parse_split(const char *s, uint8_t *split, const char *csv_name, size_t row,
		       const char *column, char *err)
{
	static const char *const names[] = { "train", "validation", "test" };
	static const char *const digits[] = { "0", "1", "2" };
	const char *p = s;
	char buf[64];
	size_t len;
	int k;

	while (*p == ' ' || *p == '\t')
		p++;
	len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	for (k = 0; k < 3; k++)
		if ((len == strlen(names[k]) && !strncasecmp(p, names[k], len)) ||
		    (len == 1 && *p == *digits[k])) {
			*split = (uint8_t)k;
			return 0;
		}
	return err_set(err,
		       "%s: row %zu, column '%s': '%s' is not a split, expected train, "
		       "validation, test, 0, 1 or 2",
		       csv_name, row, column, show(s, buf, sizeof(buf)));
}

/* ---- the dataset -------------------------------------------------------- */

/* The CSV column of name, or -1 and a message listing the header. */
static int find_column(const struct csv *c, const char *csv_name, const char *name, char *err)
{
	char list[700];
	size_t j, len = 0;
	int col = csv_column(c, name);

	if (col >= 0) {
		for (j = (size_t)col + 1; j < c->ncols; j++) {
			struct csv one = *c;

			one.header = c->header + j;
			one.ncols = 1;
			if (csv_column(&one, name) == 0) {
				err_set(err, "%s: column '%s' appears twice in the header (columns "
					"%d and %zu)", csv_name, name, col + 1, j + 1);
				return -1;
			}
		}
		return col;
	}
	list[0] = 0;
	for (j = 0; j < c->ncols; j++) {
		const char *h = c->header[j];
		char item[64];
		size_t il;

		while (*h == ' ' || *h == '\t')
			h++;
		show(h, item, sizeof(item));
		il = strlen(item);
		while (il > 0 && (item[il - 1] == ' ' || item[il - 1] == '\t'))
			item[--il] = 0;
		if (len + il + 8 >= sizeof(list)) {
			snprintf(list + len, sizeof(list) - len, "%s...", j ? ", " : "");
			break;
		}
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", j ? ", " : "", item);
	}
	err_set(err, "%s: no column '%s' (the header has: %s)", csv_name, name, list);
	return -1;
}

int import_build(struct dataset *ds, const struct csv *c, const char *csv_name,
		 const struct import_map *m, char *err)
{
	static const int ratio[3] = { 7, 1, 2 };
	size_t n = c->nrows, d = m->nfeat, r = m->nruns ? m->nruns : 1, i, j;
	int *fcol = NULL, *rcol = NULL, lcol, scol = -1;

	memset(ds, 0, sizeof(*ds));
	if (!n)
		return err_set(err, "%s: no data rows after the header", csv_name);
	fcol = xcalloc(d, sizeof(*fcol), err);
	rcol = xcalloc(r, sizeof(*rcol), err);
	if (!fcol || !rcol)
		goto fail;
	if ((lcol = find_column(c, csv_name, m->latency, err)) < 0)
		goto fail;
	for (j = 0; j < m->nruns; j++)
		if ((rcol[j] = find_column(c, csv_name, m->runs[j], err)) < 0)
			goto fail;
	if (m->split && (scol = find_column(c, csv_name, m->split, err)) < 0)
		goto fail;
	for (j = 0; j < d; j++)
		if ((fcol[j] = find_column(c, csv_name, m->feat[j].column, err)) < 0)
			goto fail;

	if (dataset_init(ds, n, d, r, err) < 0)
		goto fail;
	for (j = 0; j < d; j++)
		if (dataset_set_feature(ds, j, m->feat[j].name, m->feat[j].kind, err) < 0)
			goto fail;
	for (i = 0; i < n; i++) {
		size_t row = c->row[i];

		for (j = 0; j < d; j++)
			if (parse_number(csv_cell(c, i, (size_t)fcol[j]), 0, &ds->features[i * d + j],
					 csv_name, row, m->feat[j].column, err) < 0)
				goto fail;
		if (parse_latency(csv_cell(c, i, (size_t)lcol), m->unit, &ds->latency_ms[i],
				  csv_name, row, m->latency, err) < 0)
			goto fail;
		if (!m->nruns)
			ds->runs_ms[i] = ds->latency_ms[i];
		for (j = 0; j < m->nruns; j++)
			if (parse_latency(csv_cell(c, i, (size_t)rcol[j]), m->unit,
					  &ds->runs_ms[i * r + j], csv_name, row, m->runs[j],
					  err) < 0)
				goto fail;
		if (scol >= 0 && parse_split(csv_cell(c, i, (size_t)scol), &ds->split[i], csv_name,
					     row, m->split, err) < 0)
			goto fail;
	}
	if (scol < 0)
		dataset_assign_split(ds->split, n, ratio, m->seed);

	if (attrs_set_str(&ds->attrs, "module", module_name(m->module), err) < 0 ||
	    attrs_set_str(&ds->attrs, "environment", m->environment, err) < 0 ||
	    attrs_set_int(&ds->attrs, "seed", (int64_t)m->seed, err) < 0 ||
	    attrs_set_str(&ds->attrs, "backend", "import", err) < 0 ||
	    attrs_set_str(&ds->attrs, "backend_version", "", err) < 0 ||
	    attrs_set_int(&ds->attrs, "threads", 0, err) < 0 ||
	    attrs_set_str(&ds->attrs, "host_cpu", "unknown", err) < 0)
		goto fail;
	free(fcol);
	free(rcol);
	return 0;
fail:
	free(fcol);
	free(rcol);
	dataset_release(ds);
	return -1;
}

int import_csv(struct dataset *ds, const char *csv_path, const char *map_path,
	       const char *experiment, char *err)
{
	struct import_map m;
	struct csv c;
	char sum[17], created[32];
	struct stat st;
	int rc;

	memset(ds, 0, sizeof(*ds));
	if (import_map_load(&m, map_path, err) < 0) {
		import_map_release(&m);
		return -1;
	}
	if (csv_read(&c, csv_path, err) < 0 || file_checksum(csv_path, sum, err) < 0 ||
	    (!*m.date && stat(csv_path, &st) < 0 &&
	     err_set(err, "%s: %s", csv_path, strerror(errno)) < 0)) {
		csv_release(&c);
		import_map_release(&m);
		return -1;
	}
	/* the measurements' date, never the import's: same inputs, same bytes */
	if (*m.date && strlen(m.date) == 10)
		snprintf(created, sizeof(created), "%sT00:00:00Z", m.date);
	else if (*m.date)
		snprintf(created, sizeof(created), "%s", m.date);
	else {
		struct tm tm;

		gmtime_r(&st.st_mtime, &tm);
		strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	rc = import_build(ds, &c, csv_path, &m, err);
	csv_release(&c);
	import_map_release(&m);
	if (rc < 0)
		return -1;
	if (attrs_set_str(&ds->attrs, "experiment", experiment, err) < 0 ||
	    attrs_set_str(&ds->attrs, "source", csv_path, err) < 0 ||
	    attrs_set_str(&ds->attrs, "source_checksum", sum, err) < 0 ||
	    attrs_set_str(&ds->attrs, "source_map", map_path, err) < 0 ||
	    attrs_set_str(&ds->attrs, "created", created, err) < 0 ||
	    attrs_set_str(&ds->attrs, "tool_version", MODLAT_VERSION, err) < 0) {
		dataset_release(ds);
		return -1;
	}
	return 0;
}
