/* tables - the paper's Table 5, Fig. 1's data, ours vs the paper, and the
 * scatter data of the selected models, from an experiment's evaluations.
 * usage: tables --exp NAME [--reference DIR] -o OUTDIR DATA_EXP_DIR */
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>

#include "h5io.h"
#include "netreport.h"
#include "report.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tables --exp NAME [--reference DIR] -o OUTDIR DATA_EXP_DIR\n"
		"       tables --exp NAME --networks DATA_EXP_DIR/ENV -o OUTDIR NETWORK.h5...\n"
		"Reads DATA_EXP_DIR/ENV/evals/MODULE.VARIANT.h5 (+ .tps.h5) and\n"
		"DATA_EXP_DIR/ENV/selection.h5 for ENV static and dynamic (those present) and\n"
		"writes into OUTDIR (.md, .csv and .tex each):\n"
		"  table5.ENV          Acc (test P20), R2, Tps, Size per RM and module, the average\n"
		"                      %% difference vs MEDN, and per module the repeatability\n"
		"                      ceiling and the single-run noise (Table 5)\n"
		"  fig1                RF test P10 per module, static vs dynamic (Fig. 1)\n"
		"  paper-vs-ours.ENV   the paper's Table 5 Acc and R2 beside ours\n"
		"  levers.ENV          Acc and R2 per module: MEDN, each accuracy lever alone\n"
		"                      (medn-log, mlp-log, gbt, gbt-ca, medn-es, medn-ca-log-es;\n"
		"                      n/a where not fitted),\n"
		"                      all together (the time-efficient selection), the ceiling\n"
		"and scatter/ENV.MODULE.csv (measured_ms,predicted_ms on the test split of the\n"
		"time-efficient selected model) with scatter/ENV.MODULE.txt (its variant).\n"
		"Every module present needs every variant present, and an RF and a MEDN one.\n"
		"Modules come in the paper's order; each caption gives the contention the\n"
		"datasets' measurement met, and marks a module more than 1%% flagged with a dagger.\n\n"
		"  -e, --exp NAME        the experiment, as the evaluations record it (required)\n"
		"  -n, --networks ENVDIR instead: the networks tables (networks, networks-rm,\n"
		"                        networks-modules) from bench --network's files, with\n"
		"                        ENVDIR's selection.h5 and models/MODULE.RM.h5\n"
		"  -r, --reference DIR   holds paper-table5.csv (default paper/reference)\n"
		"  -o, --output OUTDIR   where the tables go; created if missing (required)\n"
		"  -q, --quiet           no summary on stderr\n"
		"  -h, --help            this help\n"
		"  -V, --version         print the version\n");
}

/* One environment's evaluations: grid[v * nmod + m] for variants[v] and
 * modules[m], every cell present. */
int main(int argc, char **argv)
{
	static const struct option opts[] = { { "exp", required_argument, 0, 'e' },
					      { "reference", required_argument, 0, 'r' },
					      { "networks", required_argument, 0, 'n' },
					      { "output", required_argument, 0, 'o' },
					      { "quiet", no_argument, 0, 'q' },
					      { "help", no_argument, 0, 'h' },
					      { "version", no_argument, 0, 'V' },
					      { 0, 0, 0, 0 } };
	const char *exp = NULL, *refdir = "paper/reference", *outdir = NULL, *netenv = NULL;
	struct table_out files = { 0 };
	char msg[128];
	char err[ERR_LEN];
	int c, quiet = 0, rc;

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":e:r:n:o:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'e': exp = optarg; break;
		case 'r': refdir = optarg; break;
		case 'n': netenv = optarg; break;
		case 'o': outdir = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("tables (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "tables: %s; try 'tables --help'\n",
				opt_error(c, argv, msg, sizeof(msg)));
			return 2;
		}
	}
	if (netenv) {
		if (!exp || !outdir || optind == argc) {
			fprintf(stderr, "tables: --networks needs --exp, -o and network files; try "
					"'tables --help'\n");
			return 2;
		}
		h5_quiet();
		mkdir(outdir, 0777); /* created if missing; a failure shows at the write */
		rc = netreport_tables(exp, netenv, argv + optind, (size_t)(argc - optind), outdir,
				      &files, err);
		if (rc == 0)
			rc = table_out_commit(&files, err);
		if (rc < 0)
			fprintf(stderr, "tables: %s\n", err);
		else if (!quiet)
			fprintf(stderr, "tables: %s: networks tables into %s\n", exp, outdir);
		table_out_release(&files);
		return rc < 0 ? 1 : 0;
	}
	if (!exp || !outdir || optind != argc - 1) {
		fprintf(stderr, "tables: need --exp, -o and DATA_EXP_DIR; try 'tables --help'\n");
		return 2;
	}
	h5_quiet();
	rc = report_tables(argv[optind], exp, refdir, outdir, &files, err);
	if (rc < 0)
		fprintf(stderr, "tables: %s\n", err);
	else if (!quiet)
		fprintf(stderr, "tables: %s: %zu files into %s\n", exp, files.n, outdir);
	table_out_release(&files);
	return rc < 0 ? 1 : 0;
}
