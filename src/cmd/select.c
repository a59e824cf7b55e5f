/* select - the paper's auto-selection (Algorithm 1) and its Table 6.
 * usage: select [--eps-acc E] [--eps-r2 E] -o SELECTION.h5 [--table PREFIX] EVAL... */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h5io.h"
#include "report.h"
#include "select.h"
#include "table.h"
#include "util.h"

#define EPS_DEFAULT 0.05

static void usage(FILE *f)
{
	fprintf(f,
		"usage: select [--eps-acc E] [--eps-r2 E] -o SELECTION.h5 [--table PREFIX] EVAL...\n"
		"Chooses one regression model per module from the evaluations EVAL (each with its\n"
		"EVAL.tps.h5 timing beside it), as the paper's Algorithm 1: keep the models within\n"
		"eps-acc of the best P20, of those the ones within eps-r2 of the best R2, then the\n"
		"fastest (time-efficient) or the smallest (space-efficient). Selects on the\n"
		"validation split; Table 6 reports the test split, beside MEDN everywhere. All\n"
		"EVALs share one experiment and environment, and every module needs a 'medn' one.\n\n"
		"  -a, --eps-acc E     accuracy (P20) tolerance, in [0, 1] (default %g)\n"
		"  -r, --eps-r2 E      R2 tolerance, in [0, 1] (default %g)\n"
		"  -o, --output PATH   the selection file (required)\n"
		"  -t, --table PREFIX  also write Table 6 as PREFIX.md, PREFIX.csv, PREFIX.tex\n"
		"                      (default: no table)\n"
		"  -q, --quiet         no summary on stderr\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n",
		EPS_DEFAULT, EPS_DEFAULT);
}

static int parse_eps(const char *opt, const char *s, double *v)
{
	char *end, err[ERR_LEN];

	errno = 0;
	*v = strtod(s, &end);
	if (!*s || *end || errno) {
		fprintf(stderr, "select: %s '%s' is not a number; try 'select --help'\n", opt, s);
		return -1;
	}
	if (select_check_eps(*v, opt, err) < 0) {
		fprintf(stderr, "select: %s; try 'select --help'\n", err);
		return -1;
	}
	return 0;
}

static void summary(const struct select_result *r)
{
	size_t k;

	fprintf(stderr, "select: %s %s, time-efficient:", r->experiment, r->environment);
	for (k = 0; k < r->n; k++)
		fprintf(stderr, " %s=%s", r->time[k].module, r->time[k].variant);
	fprintf(stderr, "\nselect: %s %s, space-efficient:", r->experiment, r->environment);
	for (k = 0; k < r->n; k++)
		fprintf(stderr, " %s=%s", r->space[k].module, r->space[k].variant);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "eps-acc", required_argument, 0, 'a' },
					      { "eps-r2", required_argument, 0, 'r' },
					      { "output", required_argument, 0, 'o' },
					      { "table", required_argument, 0, 't' },
					      { "quiet", no_argument, 0, 'q' },
					      { "help", no_argument, 0, 'h' },
					      { "version", no_argument, 0, 'V' },
					      { 0, 0, 0, 0 } };
	const char *out = NULL, *prefix = NULL;
	double eps_a = EPS_DEFAULT, eps_r = EPS_DEFAULT;
	struct select_eval *e = NULL;
	struct table_out files = { 0 };
	struct select_result r = { 0 };
	struct table t = { 0 };
	struct h5_out h5;
	char msg[128];
	char err[ERR_LEN];
	size_t n, k;
	int c, quiet = 0, rc = 1;

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":a:r:o:t:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'a': if (parse_eps("--eps-acc", optarg, &eps_a) < 0) return 2; break;
		case 'r': if (parse_eps("--eps-r2", optarg, &eps_r) < 0) return 2; break;
		case 'o': out = optarg; break;
		case 't': prefix = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("select (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "select: %s; try 'select --help'\n",
				opt_error(c, argv, msg, sizeof(msg)));
			return 2;
		}
	}
	if (!out || optind >= argc) {
		fprintf(stderr, "select: need -o and at least one EVAL; try 'select --help'\n");
		return 2;
	}
	n = (size_t)(argc - optind);
	h5_quiet();
	if (check_output_dir(out, err) < 0 || (prefix && check_output_dir(prefix, err) < 0) ||
	    select_evals_read(argv + optind, n, SELECT_READ_TIMING, &e, err) < 0 ||
	    select_run(e, n, eps_a, eps_r, &r, err) < 0)
		goto fail;
	if (prefix && (report_table6(&r, e, n, &t, err) < 0 ||
		       table_out_add_table(&files, prefix, &t, NULL, err) < 0))
		goto fail;
	/* the selection and its table land together, or neither does */
	if (select_write_open(&r, out, &h5, err) < 0)
		goto fail;
	if (table_out_commit(&files, err) < 0) {
		h5_abort(&h5);
		goto fail;
	}
	if (h5_commit(&h5, err) < 0) {
		for (k = 0; k < files.n; k++)
			unlink(files.paths[k]);
		goto fail;
	}
	if (!quiet)
		summary(&r);
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "select: %s\n", err);
done:
	table_release(&t);
	table_out_release(&files);
	select_result_release(&r);
	select_evals_free(e, e ? n : 0);
	return rc;
}
