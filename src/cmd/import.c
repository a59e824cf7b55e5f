/* import - a CSV of latencies measured elsewhere as a modlat dataset.
 * usage: import [--name EXP] --map MAP.ini CSV -o OUT.h5 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "err.h"
#include "h5io.h"
#include "import.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: import [--name EXP] --map MAP.ini CSV -o OUT\n"
		"Reads latencies measured elsewhere from CSV (a header row, then one row per\n"
		"sample) and writes them to OUT as a modlat dataset. MAP says which column is\n"
		"what:\n\n"
		"  [import]\n"
		"  module = conv            ; conv conv-relu conv-bn conv-bn-relu bn bn-relu\n"
		"                           ; linear maxpool avgpool (required)\n"
		"  latency = time_us        ; the latency column (required)\n"
		"  latency_unit = us        ; s | ms | us | ns (default ms)\n"
		"  runs = run1, run2        ; the timed runs' columns (default: the latency)\n"
		"  split = split            ; train/validation/test or 0/1/2\n"
		"                           ; (default: a seeded 7:1:2 split)\n"
		"  environment = static     ; static | dynamic (default static)\n"
		"  seed = 42                ; the split's seed (default 42)\n"
		"  date = 2024-05-01        ; when measured (default: the CSV's mtime)\n"
		"  [sampling]               ; feature = column: batch cin cout hw kernel stride\n"
		"  batch = N                ; [measurable] mem_avail util, [inferable]\n"
		"                           ; data_size param_count flops out_size\n\n"
		"  -m, --map PATH         the column map (required)\n"
		"  -n, --name EXP         experiment name recorded in the file (default: import)\n"
		"  -o, --output PATH      output file (required)\n"
		"  -q, --quiet            no summary on stderr\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "map", required_argument, 0, 'm' },    { "name", required_argument, 0, 'n' },
		{ "output", required_argument, 0, 'o' }, { "quiet", no_argument, 0, 'q' },
		{ "help", no_argument, 0, 'h' },         { "version", no_argument, 0, 'V' },
		{ 0, 0, 0, 0 }
	};
	const char *map = NULL, *name = "import", *out = NULL, *csv;
	char msg[128];
	char err[ERR_LEN];
	struct dataset ds;
	int c, quiet = 0;
	size_t i, count[3] = { 0, 0, 0 };

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":m:n:o:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'm': map = optarg; break;
		case 'n': name = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("import (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "import: %s; try 'import --help'\n",
				opt_error(c, argv, msg, sizeof(msg)));
			return 2;
		}
	}
	if (!map || !out || optind != argc - 1) {
		fprintf(stderr, "import: need --map, -o and one CSV file; try 'import --help'\n");
		return 2;
	}
	csv = argv[optind];
	memset(&ds, 0, sizeof(ds));
	h5_quiet();
	if (check_output_dir(out, err) < 0 || import_csv(&ds, csv, map, name, err) < 0 ||
	    dataset_write(&ds, out, DATASET_FORMAT, DATASET_VERSION, err) < 0) {
		fprintf(stderr, "import: %s\n", err);
		dataset_release(&ds);
		return 1;
	}
	for (i = 0; i < ds.n; i++)
		count[ds.split[i]]++;
	if (!quiet)
		fprintf(stderr,
			"import: %s: %zu samples (train %zu, validation %zu, test %zu), "
			"%zu features, %zu run%s each, %s\n",
			attrs_str(&ds.attrs, "module"), ds.n, count[0], count[1], count[2], ds.d,
			ds.r, ds.r == 1 ? "" : "s", out);
	dataset_release(&ds);
	return 0;
}
