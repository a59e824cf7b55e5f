/* ablate - the MEDN ablation (the paper's Fig. 4) as a table.
 * usage: ablate -o PREFIX EVAL... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io.h"
#include "report.h"
#include "select.h"
#include "table.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ablate -o PREFIX EVAL...\n"
		"The MEDN ablation (the paper's Fig. 4): for MEDN, MEDN-D (no reconstruction\n"
		"decoder), MEDN-XI (no inferable parameters), MEDN-XM (no measurable parameters)\n"
		"and MEDN-R (sampling parameters only), the test-split P10, P20 and R2 averaged\n"
		"over the modules, written as PREFIX.md, PREFIX.csv (variant,p10,p20,r2) and\n"
		"PREFIX.tex. Evaluations of other variants are ignored; a variant given for some\n"
		"modules must be given for all of them. All EVALs share one experiment and\n"
		"environment.\n\n"
		"  -o, --output PREFIX  where the table goes (required)\n"
		"  -q, --quiet          no summary on stderr\n"
		"  -h, --help           this help\n"
		"  -V, --version        print the version\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, 0, 'o' },
					      { "quiet", no_argument, 0, 'q' },
					      { "help", no_argument, 0, 'h' },
					      { "version", no_argument, 0, 'V' },
					      { 0, 0, 0, 0 } };
	const char *prefix = NULL;
	struct select_eval *e = NULL;
	struct table_out files = { 0 };
	struct table t = { 0 };
	char msg[128];
	char err[ERR_LEN];
	size_t n;
	int c, quiet = 0, rc = 1;

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":o:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'o': prefix = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("ablate (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "ablate: %s; try 'ablate --help'\n",
				opt_error(c, argv, msg, sizeof(msg)));
			return 2;
		}
	}
	if (!prefix || optind >= argc) {
		fprintf(stderr, "ablate: need -o and at least one EVAL; try 'ablate --help'\n");
		return 2;
	}
	n = (size_t)(argc - optind);
	h5_quiet();
	if (check_output_dir(prefix, err) < 0 ||
	    select_evals_read(argv + optind, n, 0, &e, err) < 0 ||
	    report_ablation(e, n, &t, err) < 0 ||
	    table_out_add_table(&files, prefix, &t, NULL, err) < 0 ||
	    table_out_commit(&files, err) < 0) {
		fprintf(stderr, "ablate: %s\n", err);
	} else {
		if (!quiet)
			fprintf(stderr, "ablate: %s %s: %zu variants into %s.{md,csv,tex}\n",
				e[0].experiment, e[0].environment, t.nrows, prefix);
		rc = 0;
	}
	table_release(&t);
	table_out_release(&files);
	select_evals_free(e, e ? n : 0);
	return rc;
}
