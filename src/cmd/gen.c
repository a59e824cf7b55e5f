/* gen - sample module configurations for an experiment.
 * usage: gen --experiment DIR [--name EXP] MODULE -o OUT.gen.h5 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dataset.h"
#include "h5io.h"
#include "sample.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gen --experiment DIR [--name EXP] MODULE -o OUT\n"
		"Samples MODULE's configurations (sampling + inferable parameters and the\n"
		"train/validation/test split) and writes them to OUT (a modlat-gen file).\n\n"
		"  -e, --experiment PATH  experiment folder or INI file (required)\n"
		"  -n, --name EXP         experiment name recorded in the file\n"
		"                         (default: the folder's name)\n"
		"  -o, --output PATH      output file (required)\n"
		"  -q, --quiet            no progress on stderr\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n"
		"MODULE: conv conv-relu conv-bn conv-bn-relu bn bn-relu linear maxpool avgpool\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "experiment", required_argument, 0, 'e' }, { "name", required_argument, 0, 'n' },
		{ "output", required_argument, 0, 'o' },     { "quiet", no_argument, 0, 'q' },
		{ "help", no_argument, 0, 'h' },             { "version", no_argument, 0, 'V' },
		{ 0, 0, 0, 0 }
	};
	const char *exp_path = NULL, *name = NULL, *out = NULL;
	char msg[128];
	char err[ERR_LEN], base[256];
	struct experiment x;
	struct dataset ds;
	enum module_kind m;
	int c, quiet = 0;

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":e:n:o:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'e': exp_path = optarg; break;
		case 'n': name = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("gen (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "gen: %s; try 'gen --help'\n",
				opt_error(c, argv, msg, sizeof(msg)));
			return 2;
		}
	}
	if (!exp_path || !out || optind != argc - 1) {
		fprintf(stderr, "gen: need --experiment, -o and one MODULE; try 'gen --help'\n");
		return 2;
	}
	if (module_from_name(argv[optind], &m) < 0) {
		fprintf(stderr,
			"gen: unknown module '%s', expected conv, conv-relu, conv-bn, "
			"conv-bn-relu, bn, bn-relu, linear, maxpool or avgpool\n",
			argv[optind]);
		return 2;
	}
	h5_quiet();
	if (check_output_dir(out, err) < 0 || experiment_load(&x, exp_path, err) < 0) {
		fprintf(stderr, "gen: %s\n", err);
		return 1;
	}
	if (!name) {
		path_basename(exp_path, base, sizeof(base));
		name = base;
	}
	memset(&ds, 0, sizeof(ds));
	if (sample_dataset(&x, m, name, &ds, err) < 0 ||
	    dataset_write(&ds, out, GEN_FORMAT, GEN_VERSION, err) < 0) {
		fprintf(stderr, "gen: %s\n", err);
		dataset_release(&ds);
		experiment_release(&x);
		return 1;
	}
	if (!quiet)
		fprintf(stderr, "gen: %s: %zu samples (rejected %lld), %s\n", module_name(m), ds.n,
			(long long)attrs_get(&ds.attrs, "rejected")->num, out);
	dataset_release(&ds);
	experiment_release(&x);
	return 0;
}
