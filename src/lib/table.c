#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "h5io.h"
#include "module.h"

int table_init(struct table *t, const char *caption, size_t ncols, const char *const *header,
	       const char *const *csv_header, char *err)
{
	size_t j;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->caption = xstrdup(caption ? caption : "", err);
	t->header = xcalloc(ncols, sizeof(char *), err);
	t->csv_header = xcalloc(ncols, sizeof(char *), err);
	t->align = xcalloc(ncols + 1, 1, err);
	if (!t->caption || !t->header || !t->csv_header || !t->align)
		goto fail;
	for (j = 0; j < ncols; j++) {
		t->header[j] = xstrdup(header[j], err);
		t->csv_header[j] = xstrdup(csv_header ? csv_header[j] : header[j], err);
		if (!t->header[j] || !t->csv_header[j])
			goto fail;
		t->align[j] = j ? 'r' : 'l';
	}
	return 0;
fail:
	table_release(t);
	return -1;
}

void table_release(struct table *t)
{
	size_t i;

	for (i = 0; t->header && i < t->ncols; i++) {
		free(t->header[i]);
		if (t->csv_header)
			free(t->csv_header[i]);
	}
	for (i = 0; i < t->nrows * t->ncols; i++) {
		free(t->cells[i].text);
		free(t->cells[i].plain);
	}
	free(t->cells);
	free(t->header);
	free(t->csv_header);
	free(t->align);
	free(t->caption);
	memset(t, 0, sizeof(*t));
}

long table_add_row(struct table *t, char *err)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct table_cell *c = realloc(t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof(*c));

		if (!c)
			return err_set(err, "out of memory growing a table");
		t->cells = c;
		t->cap = cap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	return (long)t->nrows++;
}

int table_set(struct table *t, size_t row, size_t col, const char *text, const char *plain,
	      char *err)
{
	struct table_cell *c;
	char *x = NULL, *p = NULL;

	if (row >= t->nrows || col >= t->ncols)
		return err_set(err, "table cell (%zu, %zu) is outside the table", row, col);
	if ((text && !(x = xstrdup(text, err))) || (plain && !(p = xstrdup(plain, err)))) {
		free(x);
		return -1;
	}
	c = &t->cells[row * t->ncols + col];
	free(c->text);
	free(c->plain);
	c->text = x;
	c->plain = p;
	return 0;
}

void table_format_num(char *buf, size_t len, double v, int decimals)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "n/a");
		return;
	}
	/* a degenerate fit (R² of -1e24) would otherwise print 30 digits */
	if (fabs(v) >= TABLE_BIG)
		snprintf(buf, len, "%.3e", v);
	else
		snprintf(buf, len, "%.*f", decimals, v);
	/* "-0.000": a tiny negative rounded to zero reads as zero */
	if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
		memmove(buf, buf + 1, strlen(buf));
}

int table_set_num(struct table *t, size_t row, size_t col, double v, int decimals, char *err)
{
	char buf[64];

	table_format_num(buf, sizeof(buf), v, decimals);
	return table_set(t, row, col, buf, isfinite(v) ? NULL : "", err);
}

int table_set_pct(struct table *t, size_t row, size_t col, double pct, int decimals, char *err)
{
	char num[64], text[72];

	table_format_num(num, sizeof(num), pct, decimals);
	if (!isfinite(pct))
		return table_set(t, row, col, num, "", err);
	snprintf(text, sizeof(text), "%s%s%%", num[0] == '-' ? "" : "+", num);
	return table_set(t, row, col, text, num, err);
}

/* ---- rendering ------------------------------------------------------- */

static const char *cell_text(const struct table *t, size_t i, size_t j, int plain)
{
	const struct table_cell *c = &t->cells[i * t->ncols + j];

	if (plain && c->plain)
		return c->plain;
	return c->text ? c->text : "";
}

/* Characters shown (UTF-8 continuation bytes do not count). */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void md_cell(FILE *f, const char *s, size_t width, char align)
{
	size_t w = 0, k;
	const char *p;

	for (p = s; *p; p++)
		if (*p == '|')
			w++; /* the escaping backslash */
	w += text_width(s);
	fputc(' ', f);
	if (align == 'r')
		for (k = w; k < width; k++)
			fputc(' ', f);
	for (p = s; *p; p++) {
		if (*p == '|')
			fputc('\\', f);
		fputc(*p == '\n' ? ' ' : *p, f);
	}
	if (align != 'r')
		for (k = w; k < width; k++)
			fputc(' ', f);
	fputs(" |", f);
}

static size_t md_width(const char *s)
{
	size_t w = text_width(s);

	for (; *s; s++)
		w += *s == '|';
	return w;
}

static void render_md(const struct table *t, FILE *f)
{
	size_t i, j, k, *w = calloc(t->ncols ? t->ncols : 1, sizeof(size_t));

	if (!w)
		return; /* the stream's error is reported by the caller */
	for (j = 0; j < t->ncols; j++) {
		w[j] = md_width(t->header[j]);
		if (w[j] < 3)
			w[j] = 3;
		for (i = 0; i < t->nrows; i++)
			if (md_width(cell_text(t, i, j, 0)) > w[j])
				w[j] = md_width(cell_text(t, i, j, 0));
	}
	if (t->caption[0])
		fprintf(f, "%s\n\n", t->caption);
	fputc('|', f);
	for (j = 0; j < t->ncols; j++)
		md_cell(f, t->header[j], w[j], 'l');
	fputs("\n|", f);
	for (j = 0; j < t->ncols; j++) {
		fputc(t->align[j] == 'r' ? '-' : ':', f);
		for (k = 0; k < w[j]; k++)
			fputc('-', f);
		fputs(t->align[j] == 'r' ? ":|" : "-|", f);
	}
	fputc('\n', f);
	for (i = 0; i < t->nrows; i++) {
		fputc('|', f);
		for (j = 0; j < t->ncols; j++)
			md_cell(f, cell_text(t, i, j, 0), w[j], t->align[j]);
		fputc('\n', f);
	}
	free(w);
}

static void csv_field(FILE *f, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void render_csv(const struct table *t, FILE *f)
{
	size_t i, j;

	for (j = 0; j < t->ncols; j++) {
		if (j)
			fputc(',', f);
		csv_field(f, t->csv_header[j]);
	}
	fputc('\n', f);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++) {
			if (j)
				fputc(',', f);
			csv_field(f, cell_text(t, i, j, 1));
		}
		fputc('\n', f);
	}
}

static void tex_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '_': case '%': case '&': case '#': case '$': case '{': case '}':
			fputc('\\', f);
			fputc(*s, f);
			break;
		case '~': fputs("\\textasciitilde{}", f); break;
		case '^': fputs("\\textasciicircum{}", f); break;
		case '\\': fputs("\\textbackslash{}", f); break;
		case '<': fputs("$<$", f); break;
		case '>': fputs("$>$", f); break;
		case '|': fputs("\\textbar{}", f); break;
		case '\n': fputc(' ', f); break;
		default:
			if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xb2) {
				fputs("$^2$", f); /* "²" */
				s++;
			} else if (!strncmp(s, "\xe2\x80\xa0", 3)) {
				fputs("\\textdagger{}", f); /* "†" (TABLE_FLAG_MARK) */
				s += 2;
			} else {
				fputc(*s, f);
			}
		}
	}
}

static void render_tex(const struct table *t, FILE *f)
{
	size_t i, j;

	fputs("\\begin{table}[htbp]\n\\centering\n\\caption{", f);
	tex_text(f, t->caption);
	fprintf(f, "}\n\\begin{tabular}{%s}\n\\hline\n", t->align);
	for (j = 0; j < t->ncols; j++) {
		if (j)
			fputs(" & ", f);
		tex_text(f, t->header[j]);
	}
	fputs(" \\\\\n\\hline\n", f);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++) {
			if (j)
				fputs(" & ", f);
			tex_text(f, cell_text(t, i, j, 0));
		}
		fputs(" \\\\\n", f);
	}
	fputs("\\hline\n\\end{tabular}\n\\end{table}\n", f);
}

char *table_render(const struct table *t, enum table_format fmt, char *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		err_set(err, "out of memory rendering a table");
		return NULL;
	}
	switch (fmt) {
	case TABLE_MD: render_md(t, f); break;
	case TABLE_CSV: render_csv(t, f); break;
	case TABLE_TEX: render_tex(t, f); break;
	}
	if (ferror(f) | fclose(f)) {
		free(buf);
		err_set(err, "out of memory rendering a table");
		return NULL;
	}
	return buf;
}

/* ---- output files ---------------------------------------------------- */

static int out_push(struct table_out *o, const char *path, char *text, char *err)
{
	char **p = realloc(o->paths, (o->n + 1) * sizeof(char *));
	char **x;

	if (p)
		o->paths = p;
	x = p ? realloc(o->texts, (o->n + 1) * sizeof(char *)) : NULL;
	if (x)
		o->texts = x;
	if (!p || !x || !(o->paths[o->n] = xstrdup(path, err))) {
		free(text);
		return err_set(err, "%s: out of memory", path);
	}
	o->texts[o->n++] = text;
	return 0;
}

int table_out_add(struct table_out *o, const char *path, const char *text, char *err)
{
	char *copy = xstrdup(text, err);

	return copy ? out_push(o, path, copy, err) : -1;
}

int table_out_add_table(struct table_out *o, const char *prefix, const struct table *t,
			const struct table *csv, char *err)
{
	static const char *const ext[3] = { ".md", ".csv", ".tex" };
	static const enum table_format fmt[3] = { TABLE_MD, TABLE_CSV, TABLE_TEX };
	char path[4096];
	int k;

	for (k = 0; k < 3; k++) {
		char *text = table_render(fmt[k] == TABLE_CSV && csv ? csv : t, fmt[k], err);

		if (!text)
			return -1;
		snprintf(path, sizeof(path), "%s%s", prefix, ext[k]);
		if (out_push(o, path, text, err) < 0)
			return -1;
	}
	return 0;
}

static void tmp_name(char *buf, size_t len, const char *path)
{
	snprintf(buf, len, "%s.tmp.%ld", path, (long)getpid());
}

static int write_file(const char *path, const char *text, char *err)
{
	size_t n = strlen(text), done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return err_set(err, "%s: cannot create file (%s)", path, strerror(errno));
	while (done < n) {
		ssize_t w = write(fd, text + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(err, "%s: cannot write (%s)", path, w < 0 ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		return err_set(err, "%s: cannot write (%s)", path, strerror(errno));
	return 0;
}

int table_out_commit(struct table_out *o, char *err)
{
	char tmp[4200];
	size_t i, k;

	for (i = 0; i < o->n; i++) {
		tmp_name(tmp, sizeof(tmp), o->paths[i]);
		if (write_file(tmp, o->texts[i], err) < 0)
			goto fail;
	}
	for (k = 0; k < o->n; k++) {
		tmp_name(tmp, sizeof(tmp), o->paths[k]);
		if (rename(tmp, o->paths[k]) < 0) {
			err_set(err, "%s: cannot rename into place (%s)", o->paths[k], strerror(errno));
			/* those already renamed are complete; remove them too, so that
			 * none of a set is newer than the others */
			while (k-- > 0)
				unlink(o->paths[k]);
			goto fail;
		}
	}
	return 0;
fail:
	for (k = 0; k <= i && k < o->n; k++) {
		tmp_name(tmp, sizeof(tmp), o->paths[k]);
		unlink(tmp);
	}
	return -1;
}

void table_out_release(struct table_out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->paths[i]);
		free(o->texts[i]);
	}
	free(o->paths);
	free(o->texts);
	memset(o, 0, sizeof(*o));
}

/* ---- sources --------------------------------------------------------- */

void table_source_init(struct table_source *s, const char *experiment)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->experiment, sizeof(s->experiment), "%s", experiment ? experiment : "");
}

static int is_date(const char *d)
{
	static const char pat[] = "dddd-dd-dd";
	int i;

	for (i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? (d[i] < '0' || d[i] > '9') : d[i] != pat[i])
			return 0;
	return 1;
}

static int read_share(hid_t f, const char *path, const char *name, double *v, char *err)
{
	if (h5_attr_read_f64(f, name, v, err) < 0)
		return -1;
	if (!(*v >= 0 && *v <= 1))
		return err_set(err, "%s: attribute '%s' is %g, expected a share in [0, 1]", path,
			       name, *v);
	return 0;
}

/* A dataset's module, environment and contention (see table_source_add). */
static int read_contention(hid_t f, const char *path, struct table_contention *c, char *err)
{
	char *module = NULL, *env = NULL;
	uint8_t *flags = NULL;
	size_t dims[2] = { 0, 0 }, i, cnt[3] = { 0, 0, 0 };
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if ((h5_attr_exists(f, "module") && h5_attr_read_str(f, "module", &module, err) < 0) ||
	    (h5_attr_exists(f, "environment") &&
	     h5_attr_read_str(f, "environment", &env, err) < 0))
		goto out;
	snprintf(c->module, sizeof(c->module), "%s", module ? module : "?");
	snprintf(c->environment, sizeof(c->environment), "%s", env ? env : "?");
	if (h5_attr_exists(f, "share_flagged")) {
		if (read_share(f, path, "share_waited", &c->waited, err) < 0 ||
		    read_share(f, path, "share_remeasured", &c->remeasured, err) < 0 ||
		    read_share(f, path, "share_flagged", &c->flagged, err) < 0)
			goto out;
		c->recorded = 1;
	} else if (h5_exists(f, "sample_flags")) {
		if (h5_read_u8(f, "sample_flags", 1, dims, &flags, err) < 0)
			goto out;
		for (i = 0; i < dims[0]; i++) {
			cnt[0] += (flags[i] & DATASET_WAITED) != 0;
			cnt[1] += (flags[i] & DATASET_REMEASURED) != 0;
			cnt[2] += (flags[i] & DATASET_CONTENDED) != 0;
		}
		if (dims[0]) {
			c->waited = (double)cnt[0] / (double)dims[0];
			c->remeasured = (double)cnt[1] / (double)dims[0];
			c->flagged = (double)cnt[2] / (double)dims[0];
			c->recorded = 1;
		}
	}
	rc = 0;
out:
	free(module);
	free(env);
	free(flags);
	return rc;
}

int table_source_add(struct table_source *s, const char *path, char *err)
{
	struct table_contention c;
	char *cpu = NULL, *be = NULL, *bv = NULL, *created = NULL;
	int64_t threads = 0;
	hid_t f;
	int rc = -1;

	if (h5_open(path, DATASET_FORMAT, DATASET_VERSION, &f, err) < 0)
		return -1;
	if (h5_attr_read_str(f, "host_cpu", &cpu, err) < 0 ||
	    h5_attr_read_str(f, "backend", &be, err) < 0 ||
	    h5_attr_read_str(f, "backend_version", &bv, err) < 0 ||
	    h5_attr_read_str(f, "created", &created, err) < 0 ||
	    h5_attr_read_i64(f, "threads", &threads, err) < 0)
		goto out;
	if (!is_date(created)) {
		err_set(err, "%s: attribute 'created' is '%s', expected an ISO 8601 date", path,
			created);
		goto out;
	}
	if (!s->n) {
		snprintf(s->host_cpu, sizeof(s->host_cpu), "%s", cpu);
		snprintf(s->backend, sizeof(s->backend), "%s", be);
		snprintf(s->backend_version, sizeof(s->backend_version), "%s", bv);
		s->threads_min = s->threads_max = threads;
		memcpy(s->date_min, created, 10);
		memcpy(s->date_max, created, 10);
	} else {
		s->mixed_cpu |= strcmp(s->host_cpu, cpu) != 0;
		s->mixed_backend |= strcmp(s->backend, be) || strcmp(s->backend_version, bv);
		if (threads < s->threads_min)
			s->threads_min = threads;
		if (threads > s->threads_max)
			s->threads_max = threads;
		if (strncmp(created, s->date_min, 10) < 0)
			memcpy(s->date_min, created, 10);
		if (strncmp(created, s->date_max, 10) > 0)
			memcpy(s->date_max, created, 10);
	}
	if (read_contention(f, path, &c, err) < 0)
		goto out;
	table_source_add_contention(s, &c);
	s->n++;
	rc = 0;
out:
	free(cpu);
	free(be);
	free(bv);
	free(created);
	h5_close(f);
	return rc;
}

void table_source_add_contention(struct table_source *s, const struct table_contention *c)
{
	if (s->ncont < TABLE_SOURCE_MAX)
		s->cont[s->ncont++] = *c;
}

static int is_flagged(const struct table_contention *c)
{
	return c->recorded && c->flagged > TABLE_FLAG_SHARE;
}

int table_source_flagged(const struct table_source *s, const char *environment,
			 const char *module)
{
	size_t i;

	for (i = 0; i < s->ncont; i++)
		if (!strcmp(s->cont[i].module, module) &&
		    (!environment || !strcmp(s->cont[i].environment, environment)) &&
		    is_flagged(&s->cont[i]))
			return 1;
	return 0;
}

void table_source_label(const struct table_source *s, const char *environment,
			const char *module, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", module,
		 table_source_flagged(s, environment, module) ? TABLE_FLAG_MARK : "");
}

/* Paper order: static before dynamic, then module.h's module order. */
static int env_rank(const char *e)
{
	return !strcmp(e, "static") ? 0 : !strcmp(e, "dynamic") ? 1 : 2;
}

static int module_rank(const char *m)
{
	enum module_kind k;

	return module_from_name(m, &k) < 0 ? MODULE_COUNT : (int)k;
}

static int contention_cmp(const void *a, const void *b)
{
	const struct table_contention *x = a, *y = b;
	int c = env_rank(x->environment) - env_rank(y->environment);

	if (!c)
		c = strcmp(x->environment, y->environment);
	if (!c)
		c = module_rank(x->module) - module_rank(y->module);
	return c ? c : strcmp(x->module, y->module);
}

/* Appends to buf (of len) what fits. */
static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

void table_source_contention(const struct table_source *s, char *buf, size_t len)
{
	struct table_contention c[TABLE_SOURCE_MAX];
	size_t i, n = s->ncont, nrec = 0, nflag = 0, k;
	int envs = 0;

	if (!len)
		return;
	buf[0] = 0;
	if (!n)
		return;
	memcpy(c, s->cont, n * sizeof(*c));
	qsort(c, n, sizeof(*c), contention_cmp);
	for (i = 0; i < n; i++) {
		nrec += c[i].recorded != 0;
		nflag += is_flagged(&c[i]);
		envs |= strcmp(c[i].environment, c[0].environment) != 0;
	}
	if (!nrec) {
		append(buf, len, "Contention not recorded.");
		return;
	}
	append(buf, len, "Contention (%% of samples waited for quiet / re-measured / flagged as "
			 "contended): ");
	for (i = 0, k = 0; i < n; i++) {
		if (!c[i].recorded)
			continue;
		if (envs && (!k || strcmp(c[i].environment, c[i - 1].environment)))
			append(buf, len, "%s%s: ", k ? "; " : "", c[i].environment);
		else if (k)
			append(buf, len, ", ");
		append(buf, len, "%s %.1f/%.1f/%.1f%s", c[i].module, 100 * c[i].waited,
		       100 * c[i].remeasured, 100 * c[i].flagged,
		       is_flagged(&c[i]) ? TABLE_FLAG_MARK : "");
		k++;
	}
	append(buf, len, ".");
	if (nrec < n) {
		append(buf, len, " Contention not recorded for");
		for (i = 0, k = 0; i < n; i++)
			if (!c[i].recorded)
				append(buf, len, "%s %s%s%s%s", k++ ? "," : "", c[i].module,
				       envs ? " (" : "", envs ? c[i].environment : "", envs ? ")" : "");
		append(buf, len, ".");
	}
	if (!nflag) {
		append(buf, len, " No module has more than %g%% of its samples flagged.",
		       100 * TABLE_FLAG_SHARE);
		return;
	}
	append(buf, len, " %s more than %g%% of samples flagged as contended:", TABLE_FLAG_MARK,
	       100 * TABLE_FLAG_SHARE);
	for (i = 0, k = 0; i < n; i++)
		if (is_flagged(&c[i]))
			append(buf, len, "%s %s%s%s%s", k++ ? "," : "", c[i].module,
			       envs ? " (" : "", envs ? c[i].environment : "", envs ? ")" : "");
	append(buf, len, ".");
}

void table_source_format(const struct table_source *s, char *buf, size_t len)
{
	char threads[64], backend[160], dates[32];

	if (!s->n) {
		snprintf(buf, len, "experiment %s", s->experiment);
		return;
	}
	if (s->threads_max <= 0)
		snprintf(threads, sizeof(threads), "threads not recorded");
	else if (s->threads_min == s->threads_max)
		snprintf(threads, sizeof(threads), "%lld thread%s", (long long)s->threads_min,
			 s->threads_min == 1 ? "" : "s");
	else
		snprintf(threads, sizeof(threads), "%lld to %lld threads",
			 (long long)s->threads_min, (long long)s->threads_max);
	if (s->mixed_backend)
		snprintf(backend, sizeof(backend), "mixed backends");
	else
		snprintf(backend, sizeof(backend), "%s%s%s", s->backend,
			 s->backend_version[0] ? " " : "", s->backend_version);
	if (strcmp(s->date_min, s->date_max))
		snprintf(dates, sizeof(dates), "%s to %s", s->date_min, s->date_max);
	else
		snprintf(dates, sizeof(dates), "%s", s->date_min);
	snprintf(buf, len, "experiment %s; device %s, %s, %s; measured %s", s->experiment,
		 s->mixed_cpu ? "mixed CPUs" : s->host_cpu, backend, threads, dates);
}

/* ---- reading a small CSV --------------------------------------------- */

/* Splits line (no newline) into fields in place, honouring "quoted" fields
 * with "" for a quote; returns the count (at most max) or -1 when more. */
static int csv_split(char *line, char **fields, int max)
{
	char *r = line, *w = line;
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		fields[n++] = w;
		if (*r == '"') {
			for (r++; *r; r++) {
				if (*r == '"' && r[1] == '"')
					*w++ = *r++;
				else if (*r == '"')
					break;
				else
					*w++ = *r;
			}
			if (*r == '"')
				r++;
			while (*r && *r != ',')
				r++;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (!*r) {
			*w = 0;
			return n;
		}
		r++;      /* the comma */
		*w++ = 0; /* w <= r - 1 here: the field ends where the comma was */
	}
}

#define CSV_MAX_COLS 64

int table_read_csv(struct table *t, const char *path, char *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *fields[CSV_MAX_COLS];
	size_t cap = 0;
	long lineno = 0;
	ssize_t len;
	int n, j, rc = -1, have_header = 0;

	memset(t, 0, sizeof(*t));
	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len || line[0] == '#')
			continue;
		n = csv_split(line, fields, CSV_MAX_COLS);
		if (n < 0) {
			err_set(err, "%s:%ld: more than %d columns", path, lineno, CSV_MAX_COLS);
			goto out;
		}
		if (!have_header) {
			if (table_init(t, "", (size_t)n, (const char *const *)fields, NULL, err) < 0)
				goto out;
			have_header = 1;
			continue;
		}
		if ((size_t)n != t->ncols) {
			err_set(err, "%s:%ld: %d fields, expected %zu as in the header", path, lineno, n,
				t->ncols);
			goto out;
		}
		if (table_add_row(t, err) < 0)
			goto out;
		for (j = 0; j < n; j++)
			if (table_set(t, t->nrows - 1, (size_t)j, fields[j], NULL, err) < 0)
				goto out;
	}
	if (ferror(f)) {
		err_set(err, "%s: read error", path);
		goto out;
	}
	if (!have_header) {
		err_set(err, "%s: no header line", path);
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	if (rc < 0)
		table_release(t);
	return rc;
}

int table_column(const struct table *t, const char *name)
{
	size_t j;

	for (j = 0; j < t->ncols; j++)
		if (!strcmp(t->header[j], name))
			return (int)j;
	return -1;
}
