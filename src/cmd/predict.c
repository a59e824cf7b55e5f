/* predict - a module's latency from a model or a selection, through the
 * public API (include/modlat.h).
 * usage: predict MODEL|SELECTION --module M [shape] [--mem-avail B] [--util U]
 *        predict MODEL|SELECTION --csv FILE     (one module per row, and the total)
 *        predict MODEL|SELECTION --network FILE [--batch N]   (a whole network)
 *        predict MODEL|SELECTION --stdin        (a query per line, an answer per line) */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "h5io.h"
#include "module.h"

#include "modlat.h"
#include "util.h"

#define ROUND 64 /* predictions per timed round of --repeat */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: predict MODEL|SELECTION --module M [--batch N] [--cin C] [--cout C]\n"
		"               [--hw L] [--kernel K] [--stride S] [--mem-avail B] [--util U]\n"
		"       predict MODEL|SELECTION --csv FILE\n"
		"       predict MODEL|SELECTION --network FILE [--batch N]\n"
		"       predict MODEL|SELECTION --stdin\n"
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
		"  -n, --network FILE   predict a whole network (docs/networks.md; networks/*.net)\n"
		"                       at batch --batch (default 1): a line 'line,layer,batch,\n"
		"                       cin,cout,hw,kernel,stride,latency_ms' per layer (glue\n"
		"                       such as add or concat: latency empty, not predicted) and\n"
		"                       'total,...,SUM', the sum of the module predictions\n"
		"      --stdin          read queries from stdin, one a line, 'MODULE key=value\n"
		"                       ...' (keys batch cin cout hw kernel stride mem_avail\n"
		"                       util; the options above fill what a line leaves out) and\n"
		"                       answer each with one line on stdout, flushed: the\n"
		"                       latency in ms, followed by ' out-of-range' and/or\n"
		"                       ' bounded' when flagged; a bad line gets 'error: line N:\n"
		"                       WHAT' and the stream goes on (exit 0 at end of input)\n"
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


/* --network: every layer's prediction and the sum, as CSV on stdout. */
static int run_network(const struct modlat_predictor *p, const char *path,
		       const struct modlat_module *base, char *err)
{
	struct modlat_network *net = modlat_network_read(path, err);
	const struct modlat_layer *l;
	struct modlat_result *r = NULL;
	long batch = base->batch ? base->batch : 1;
	size_t n, i, nflagged = 0, first = 0;
	double total;
	int flags;

	if (!net)
		return -1;
	l = modlat_network_layers(net, &n, NULL, NULL);
	if (!(r = xcalloc(n, sizeof(*r), err)) ||
	    (flags = modlat_predict_network(p, net, batch, base, &total, r, err)) < 0) {
		free(r);
		modlat_network_free(net);
		return -1;
	}
	printf("line,layer,batch,cin,cout,hw,kernel,stride,latency_ms\n");
	for (i = 0; i < n; i++) {
		static const char *const glue[] = { "", "add", "concat", "flatten", "gpool", "relu" };
		const struct modlat_layer *y = &l[i];

		if (y->op != MODLAT_OP_MODULE) {
			printf("%d,%s%s,%ld,,,,,,\n", y->line, glue[y->op], y->relu ? "-relu" : "",
			       batch);
			continue;
		}
		if (r[i].flags && !nflagged++)
			first = i;
		printf("%d,%s,%ld,%ld,", y->line, module_name((enum module_kind)y->kind), batch,
		       y->cin);
		if (y->cout)
			printf("%ld", y->cout);
		putchar(',');
		if (y->hw)
			printf("%ld", y->hw);
		putchar(',');
		if (y->kernel)
			printf("%ld,%ld", y->kernel, y->stride);
		else
			putchar(',');
		printf(",%.6g\n", r[i].latency_ms);
	}
	printf("total,,%ld,,,,,,%.6g\n", batch, total);
	if (nflagged) {
		char which[160];

		snprintf(which, sizeof(which), "%s: %zu of the network's modules", path, nflagged);
		fprintf(stderr, "predict: warning: %s (first: line %d) outside the training range; "
			"answers bounded to it (first: %s = %g, trained %g to %g, by %s)\n", which,
			l[first].line, r[first].feature ? r[first].feature : "latency",
			r[first].value, r[first].train_min, r[first].train_max, r[first].model);
	}
	free(r);
	modlat_network_free(net);
	return 0;
}

/* A --stdin query over the options' values: what the line leaves out. */
static void query_merge(struct modlat_module *q, const struct modlat_module *base)
{
	long *qd[6] = { &q->batch, &q->cin, &q->cout, &q->hw, &q->kernel, &q->stride };
	const long bd[6] = { base->batch, base->cin, base->cout, base->hw, base->kernel,
			     base->stride };
	int k;

	for (k = 0; k < 6; k++)
		if (!*qd[k])
			*qd[k] = bd[k];
	if (!(q->flags & MODLAT_MEM_GIVEN) && (base->flags & MODLAT_MEM_GIVEN)) {
		q->mem_avail = base->mem_avail;
		q->flags |= MODLAT_MEM_GIVEN;
	}
	if (!(q->flags & MODLAT_UTIL_GIVEN) && (base->flags & MODLAT_UTIL_GIVEN)) {
		q->util = base->util;
		q->flags |= MODLAT_UTIL_GIVEN;
	}
}

#define STDIN_BUF (1 << 16)
#define STDIN_LINE_MAX 4096

/* Answers one query line (NUL-terminated, no newline) on stdout. */
static void answer(const struct modlat_predictor *p, const struct modlat_module *base,
		   const char *line, size_t len, unsigned long no)
{
	struct modlat_module q;
	struct modlat_result r;
	char err[MODLAT_ERR_LEN], name[64];

	if (len > STDIN_LINE_MAX) {
		printf("error: line %lu: longer than %d bytes\n", no, STDIN_LINE_MAX);
		return;
	}
	if (modlat_query_parse(line, &q, name, sizeof(name), err) < 0) {
		printf("error: line %lu: %s\n", no, err);
		return;
	}
	query_merge(&q, base);
	if (modlat_predict_ex(p, &q, &r, err) < 0) {
		printf("error: line %lu: %s\n", no, err);
		return;
	}
	printf("%.6g%s%s\n", r.latency_ms, r.flags & MODLAT_OUT_OF_RANGE ? " out-of-range" : "",
	       r.flags & MODLAT_BOUNDED ? " bounded" : "");
}

/* --stdin: reads fd 0 in blocks and answers every complete line; stdout is
 * flushed whenever the input has nothing more ready (before each blocking
 * read), so a client that writes one query and waits gets its answer, and a
 * pipe of many queries is not written one line at a time. A line longer
 * than STDIN_LINE_MAX is answered with an error and skipped. */
static int run_stdin(const struct modlat_predictor *p, const struct modlat_module *base, char *err)
{
	static char buf[STDIN_BUF + 1];
	size_t have = 0, start, i, skipped = 0;
	unsigned long no = 0;
	ssize_t got;

	for (;;) {
		if (fflush(stdout) != 0)
			return err_set(err, "cannot write the output");
		got = read(0, buf + have, STDIN_BUF - have);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, "stdin: cannot read (%s)", strerror(errno));
		}
		if (got == 0) { /* a last line without its newline */
			if (have || skipped) {
				buf[have] = 0;
				answer(p, base, buf, have + skipped, ++no);
			}
			return fflush(stdout) == 0 ? 0 : err_set(err, "cannot write the output");
		}
		have += (size_t)got;
		for (start = 0, i = 0; i < have; i++) {
			if (buf[i] != '\n')
				continue;
			buf[i] = 0;
			answer(p, base, buf + start, i - start + skipped, ++no);
			skipped = 0;
			start = i + 1;
		}
		if (start == 0 && have == STDIN_BUF) { /* a line longer than the buffer */
			skipped += have;
			have = 0;
			continue;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
}

int main(int argc, char **argv)
{
	enum { O_BATCH = 256, O_CIN, O_COUT, O_HW, O_KERNEL, O_STRIDE, O_MEM, O_UTIL, O_STDIN };
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
					      { "network", required_argument, 0, 'n' },
					      { "stdin", no_argument, 0, O_STDIN },
					      { "repeat", required_argument, 0, 'r' },
					      { "help", no_argument, 0, 'h' },
					      { "version", no_argument, 0, 'V' },
					      { 0, 0, 0, 0 } };
	const char *scheme = NULL, *csv_path = NULL, *net_path = NULL;
	int use_stdin = 0;
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
	while ((opt = getopt_long(argc, argv, ":m:s:c:n:r:hV", opts, NULL)) != -1) {
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
		case 'n': net_path = optarg; break;
		case O_STDIN: use_stdin = 1; break;
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
	if (optind != argc - 1 || (!csv_path && !base.name && !net_path && !use_stdin)) {
		fprintf(stderr, "predict: need MODEL or SELECTION and --module, --csv, --network or "
				"--stdin; try 'predict --help'\n");
		return 2;
	}
	if (!!csv_path + !!net_path + use_stdin > 1) {
		fprintf(stderr, "predict: --csv, --network and --stdin exclude each other; try "
				"'predict --help'\n");
		return 2;
	}
	if ((net_path || use_stdin) && repeat) {
		fprintf(stderr, "predict: --repeat times single modules (--module or --csv), not "
				"--network or --stdin\n");
		return 2;
	}
	if (net_path || use_stdin) {
		h5_quiet();
		if (!(p = modlat_open_scheme(argv[optind], scheme, err)) ||
		    (net_path ? run_network(p, net_path, &base, err)
			      : run_stdin(p, &base, err)) < 0) {
			fprintf(stderr, "predict: %s\n", err);
			modlat_close(p);
			return 1;
		}
		modlat_close(p);
		if (fflush(stdout) != 0) {
			fprintf(stderr, "predict: cannot write the output\n");
			return 1;
		}
		return 0;
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
