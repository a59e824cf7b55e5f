/* predict - a module's latency from a model or a selection, through the
 * public API (include/modlat.h).
 * usage: predict MODEL|SELECTION --module M [shape] [--mem-avail B] [--util U]
 *        predict MODEL|SELECTION --csv FILE     (one module per row, and the total) */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "h5io.h"

#include "modlat.h"
#include "util.h"

#define ROUND 64 /* predictions per timed round of --repeat */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: predict MODEL|SELECTION --module M [--batch N] [--cin C] [--cout C]\n"
		"               [--hw L] [--kernel K] [--stride S] [--mem-avail B] [--util U]\n"
		"       predict MODEL|SELECTION --csv FILE\n"
		"Predicts a module's latency (ms, printed on stdout) with a model file\n"
		"(data/EXP/ENV/models/MODULE.RM.h5) or a selection (data/EXP/ENV/selection.h5:\n"
		"each module's selected model).\n"
		"Answers are positive, finite and bounded by what the model was trained on;\n"
		"a query outside its training range is answered (exit 0) with one warning\n"
		"line on stderr per run (README, \"Online prediction\").\n\n"
		"  -m, --module NAME    conv, conv-relu, conv-bn, conv-bn-relu, bn, bn-relu,\n"
		"                       linear, maxpool, avgpool (required without --csv)\n"
		"      --batch N        batch size N\n"
		"      --cin C          input channels (bn and pools: the channels)\n"
		"      --cout C         output channels (conv family, linear)\n"
		"      --hw L           input height = width (not linear)\n"
		"      --kernel K       kernel size (conv family, pools)\n"
		"      --stride S       stride (conv family, pools)\n"
		"                       (a shape option left out is 'not given': an error only\n"
		"                       if the model needs it)\n"
		"      --mem-avail B    available memory M in bytes (default: this machine's\n"
		"                       MemAvailable now)\n"
		"      --util U         CPU utilisation U by other processes, in [0, 1]\n"
		"                       (default: this machine's over the last 0.2 s)\n"
		"  -s, --scheme S       a selection's scheme: time or space (default time)\n"
		"  -c, --csv FILE       predict every row of FILE, whose header names the\n"
		"                       fields above (module,batch,cin,cout,hw,kernel,stride,\n"
		"                       mem_avail,util; others ignored); a column left out or a\n"
		"                       cell left empty takes the option's value. Prints\n"
		"                       'row,latency_ms', a line per row (its row number, the\n"
		"                       header being row 1) and 'total,SUM' (a network's\n"
		"                       latency as the sum of its modules', as nn-Meter does)\n"
		"  -r, --repeat N       also time N predictions of the (first) module and print\n"
		"                       the median microseconds per prediction on stderr\n"
		"                       (rounds of %d calls; default: no timing)\n"
		"  -h, --help           this help\n"
		"  -V, --version        print the version\n",
		ROUND);
}

/* A plain decimal number (no hex, inf or nan), spaces and tabs around it
 * allowed; 0 or -1. */
static int parse_num(const char *s, double *v)
{
	char buf[64], *end;
	size_t a = strspn(s, " \t"), n = strlen(s + a);

	while (n && (s[a + n - 1] == ' ' || s[a + n - 1] == '\t'))
		n--;
	if (!n || n >= sizeof(buf) || strspn(s + a, "0123456789+-.eE") < n)
		return -1;
	memcpy(buf, s + a, n);
	buf[n] = 0;
	*v = strtod(buf, &end);
	return *end || !isfinite(*v) ? -1 : 0;
}

/* An integer, also written as 15.0; 0 or -1. */
static int parse_long(const char *s, long *v)
{
	double d;

	if (parse_num(s, &d) < 0 || d != floor(d) || fabs(d) > 1e15)
		return -1;
	*v = (long)d;
	return 0;
}

static int blank(const char *s)
{
	return s[strspn(s, " \t")] == 0;
}

/* The CSV columns, in struct modlat_module's order after the name. */
static const char *const fields[] = { "batch", "cin",	 "cout",      "hw",  "kernel",
				      "stride", "mem_avail", "util" };
#define NFIELDS 8

static long *field_long(struct modlat_module *m, int k)
{
	long *v[6] = { &m->batch, &m->cin, &m->cout, &m->hw, &m->kernel, &m->stride };

	return v[k];
}

/* What a shape (k < 6), mem_avail (6) or util (7) can be. */
static const char *const expected[3] = { "an integer >= 1", "bytes > 0", "a number in [0, 1]" };

static int possible(int k, double v)
{
	return k < 6 ? v >= 1 : k == 6 ? v > 0 : v >= 0 && v <= 1;
}

/* Row i of the CSV over base into *m; name: room for the module name. */
static int csv_module(const struct csv *c, const int *col, size_t i,
		      const struct modlat_module *base, struct modlat_module *m, char *name,
		      size_t len, const char *path, char *err)
{
	const char *cell;
	size_t a, n;
	int k;

	*m = *base;
	if (col[NFIELDS] >= 0 && !blank(cell = csv_cell(c, i, (size_t)col[NFIELDS]))) {
		a = strspn(cell, " \t");
		n = strcspn(cell + a, " \t");
		snprintf(name, len, "%.*s", (int)n, cell + a);
		m->name = name;
	}
	if (!m->name)
		return err_set(err, "%s: row %zu: no module (empty 'module' cell and no --module)",
			       path, c->row[i]);
	for (k = 0; k < NFIELDS; k++) {
		double v;

		if (col[k] < 0 || blank(cell = csv_cell(c, i, (size_t)col[k])))
			continue;
		if (k < 6 ? parse_long(cell, field_long(m, k)) < 0 : parse_num(cell, &v) < 0)
			return err_set(err, "%s: row %zu: %s '%s' is not %s", path, c->row[i],
				       fields[k], cell, k < 6 ? "an integer" : "a plain decimal number");
		if (!possible(k, k < 6 ? (double)*field_long(m, k) : v))
			return err_set(err, "%s: row %zu: %s '%s': expected %s", path, c->row[i],
				       fields[k], cell, expected[k < 6 ? 0 : k - 5]);
		if (k == 6) {
			m->mem_avail = v;
			m->flags |= MODLAT_MEM_GIVEN;
		} else if (k == 7) {
			m->util = v;
			m->flags |= MODLAT_UTIL_GIVEN;
		}
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Times n predictions of m in rounds of ROUND; *us: the median per call. */
static int time_predictions(const struct modlat_predictor *p, const struct modlat_module *m,
			    long n, double *us, size_t *rounds, char *err)
{
	size_t nr = (size_t)((n + ROUND - 1) / ROUND), r;
	double *t = xcalloc(nr, sizeof(double), err), v;
	volatile double sink = 0;

	if (!t)
		return -1;
	for (r = 0; r < nr; r++) {
		long k, calls = r + 1 < nr ? ROUND : n - (long)r * ROUND;
		double t0 = now_s();

		for (k = 0; k < calls; k++) {
			if (modlat_predict(p, m, &v, err) < 0) {
				free(t);
				return -1;
			}
			sink += v;
		}
		t[r] = (now_s() - t0) / (double)calls;
	}
	(void)sink;
	qsort(t, nr, sizeof(double), cmp_double);
	*us = 1e6 * (nr % 2 ? t[nr / 2] : 0.5 * (t[nr / 2 - 1] + t[nr / 2]));
	*rounds = nr;
	free(t);
	return 0;
}

/* The one line on stderr of a run whose answers were bounded: how many,
 * and the first (row: its CSV row, 0 without --csv). */
static void warn_flagged(const struct modlat_result *r, size_t row, size_t n, size_t nrows)
{
	char which[128] = "", what[512];

	if (nrows > 1)
		snprintf(which, sizeof(which), "%zu of %zu rows (first: row %zu) ", n, nrows, row);
	if (r->flags & MODLAT_OUT_OF_RANGE)
		snprintf(what, sizeof(what), "outside the training range of %s (%s = %g, trained "
			 "%g to %g)", r->model, r->feature, r->value, r->train_min, r->train_max);
	else
		snprintf(what, sizeof(what), "answered by %s outside its latency bounds", r->model);
	fprintf(stderr, "predict: warning: %s%s; answer%s bounded to the training range "
		"(inputs within 5%% of it, latency within [%g, %g] ms)\n", which, what,
		nrows > 1 ? "s" : "", r->latency_min_ms, r->latency_max_ms);
}

int main(int argc, char **argv)
{
	enum { O_BATCH = 256, O_CIN, O_COUT, O_HW, O_KERNEL, O_STRIDE, O_MEM, O_UTIL };
	static const struct option opts[] = { { "module", required_argument, 0, 'm' },
					      { "batch", required_argument, 0, O_BATCH },
					      { "cin", required_argument, 0, O_CIN },
					      { "cout", required_argument, 0, O_COUT },
					      { "hw", required_argument, 0, O_HW },
					      { "kernel", required_argument, 0, O_KERNEL },
					      { "stride", required_argument, 0, O_STRIDE },
					      { "mem-avail", required_argument, 0, O_MEM },
					      { "util", required_argument, 0, O_UTIL },
					      { "scheme", required_argument, 0, 's' },
					      { "csv", required_argument, 0, 'c' },
					      { "repeat", required_argument, 0, 'r' },
					      { "help", no_argument, 0, 'h' },
					      { "version", no_argument, 0, 'V' },
					      { 0, 0, 0, 0 } };
	const char *scheme = NULL, *csv_path = NULL;
	struct modlat_predictor *p = NULL;
	struct modlat_module base, m;
	struct csv c;
	char err[MODLAT_ERR_LEN], name[64], optmsg[128];
	double *lat = NULL, total = 0, us;
	long repeat = 0;
	size_t i, nrows = 1, rounds, nflagged = 0, first_row = 0;
	struct modlat_result first;
	int opt, k, col[NFIELDS + 1], rc = 1;

	modlat_module_init(&base);
	memset(&c, 0, sizeof(c));
	opterr = 0; /* our one line, not getopt's too */
	while ((opt = getopt_long(argc, argv, ":m:s:c:r:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'm': base.name = optarg; break;
		case O_BATCH: case O_CIN: case O_COUT: case O_HW: case O_KERNEL: case O_STRIDE:
			if (parse_long(optarg, field_long(&base, opt - O_BATCH)) < 0) {
				fprintf(stderr, "predict: --%s '%s' is not an integer\n",
					fields[opt - O_BATCH], optarg);
				return 2;
			}
			if (!possible(0, (double)*field_long(&base, opt - O_BATCH))) {
				fprintf(stderr, "predict: --%s '%s': expected %s\n",
					fields[opt - O_BATCH], optarg, expected[0]);
				return 2;
			}
			break;
		case O_MEM: case O_UTIL:
			if (parse_num(optarg, opt == O_MEM ? &base.mem_avail : &base.util) < 0) {
				fprintf(stderr, "predict: --%s '%s' is not a number\n",
					opt == O_MEM ? "mem-avail" : "util", optarg);
				return 2;
			}
			if (!possible(opt == O_MEM ? 6 : 7, opt == O_MEM ? base.mem_avail : base.util)) {
				fprintf(stderr, "predict: --%s '%s': expected %s\n",
					opt == O_MEM ? "mem-avail" : "util", optarg,
					expected[opt == O_MEM ? 1 : 2]);
				return 2;
			}
			base.flags |= opt == O_MEM ? MODLAT_MEM_GIVEN : MODLAT_UTIL_GIVEN;
			break;
		case 's':
			if (strcmp(optarg, "time") && strcmp(optarg, "space")) {
				fprintf(stderr, "predict: --scheme '%s', expected time or space\n",
					optarg);
				return 2;
			}
			scheme = optarg;
			break;
		case 'c': csv_path = optarg; break;
		case 'r':
			if (parse_long(optarg, &repeat) < 0 || repeat < 1) {
				fprintf(stderr, "predict: --repeat '%s', expected a count >= 1\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("predict (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "predict: %s; try 'predict --help'\n",
				opt_error(opt, argv, optmsg, sizeof(optmsg)));
			return 2;
		}
	}
	if (optind != argc - 1 || (!csv_path && !base.name)) {
		fprintf(stderr, "predict: need MODEL or SELECTION and --module or --csv; try 'predict "
				"--help'\n");
		return 2;
	}
	if (csv_path) {
		if (csv_read(&c, csv_path, err) < 0)
			goto fail;
		if (!c.nrows) {
			err_set(err, "%s: no data rows", csv_path);
			goto fail;
		}
		for (k = 0; k < NFIELDS; k++)
			col[k] = csv_column(&c, fields[k]);
		col[NFIELDS] = csv_column(&c, "module");
		nrows = c.nrows;
	}
	h5_quiet(); /* as every command: HDF5 prints nothing, also at exit */
	if (!(p = modlat_open_scheme(argv[optind], scheme, err)) ||
	    !(lat = xcalloc(nrows, sizeof(double), err)))
		goto fail;
	for (i = 0; i < nrows; i++) {
		struct modlat_result r;

		if (csv_path && csv_module(&c, col, i, &base, &m, name, sizeof(name), csv_path,
					   err) < 0)
			goto fail;
		if (modlat_predict_ex(p, csv_path ? &m : &base, &r, err) < 0) {
			if (csv_path) {
				char msg[MODLAT_ERR_LEN];

				snprintf(msg, sizeof(msg), "%s", err);
				err_set(err, "%s: row %zu: %s", csv_path, c.row[i], msg);
			}
			goto fail;
		}
		lat[i] = r.latency_ms;
		total += lat[i];
		if (r.flags && !nflagged++) {
			first = r;
			first_row = csv_path ? c.row[i] : 0;
		}
	}
	if (nflagged)
		warn_flagged(&first, first_row, nflagged, nrows);
	if (repeat) {
		if (csv_path)
			csv_module(&c, col, 0, &base, &m, name, sizeof(name), csv_path, err);
		if (time_predictions(p, csv_path ? &m : &base, repeat, &us, &rounds, err) < 0)
			goto fail;
		fprintf(stderr, "predict: %.3f us per prediction (median of %zu rounds of up to %d, "
				"%ld predictions)\n", us, rounds, ROUND, repeat);
	}
	if (!csv_path) {
		printf("%.6g\n", lat[0]);
	} else {
		printf("row,latency_ms\n");
		for (i = 0; i < nrows; i++)
			printf("%zu,%.6g\n", c.row[i], lat[i]);
		printf("total,%.6g\n", total);
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
	if (rc)
		fprintf(stderr, "predict: cannot write the output\n");
	goto out;
fail:
	fprintf(stderr, "predict: %s\n", err);
out:
	free(lat);
	modlat_close(p);
	csv_release(&c);
	return rc;
}
