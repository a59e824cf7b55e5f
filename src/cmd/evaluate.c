/* evaluate - a model's accuracy, speed and size on its dataset.
 * usage: evaluate MODEL DATASET -o EVAL [-t TIMING] */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dataset.h"
#include "evaluate.h"
#include "h5io.h"
#include "lock.h"
#include "model.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: evaluate MODEL DATASET -o EVAL [-t TIMING]\n"
		"Evaluates MODEL on DATASET's validation and test splits: P10, P20, R2, RMSE,\n"
		"MAPE, size, and the measurement's limits: the repeatability ceiling (P10/P20\n"
		"of each re-measured sample's first median as a prediction of its second, n/a\n"
		"without a re-measured subset) and the single-run noise (P10/P20 of each timed\n"
		"run predicted by its sample's median, n/a with one run per sample); with -t\n"
		"also the time per single prediction and the batched throughput, into their\n"
		"own file (timings vary run to run).\n\n"
		"  -o, --output PATH  evaluation file (required)\n"
		"  -t, --timing PATH  timing file (default: none, no timing)\n"
		"  -q, --quiet        no summary on stderr\n"
		"  -h, --help         this help\n"
		"  -V, --version      print the version\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, 0, 'o' },
					      { "timing", required_argument, 0, 't' },
					      { "quiet", no_argument, 0, 'q' },
					      { "help", no_argument, 0, 'h' },
					      { "version", no_argument, 0, 'V' },
					      { 0, 0, 0, 0 } };
	const char *out = NULL, *timing = NULL;
	char msg[128];
	char err[ERR_LEN];
	struct evaluation e;
	struct dataset ds;
	struct model m;
	int c, quiet = 0, lockfd;

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":o:t:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 't': timing = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("evaluate (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "evaluate: %s; try 'evaluate --help'\n",
				opt_error(c, argv, msg, sizeof(msg)));
			return 2;
		}
	}
	if (!out || optind != argc - 2) {
		fprintf(stderr, "evaluate: need MODEL, DATASET and -o; try 'evaluate --help'\n");
		return 2;
	}
	h5_quiet();
	if (check_output_dir(out, err) < 0 || (timing && check_output_dir(timing, err) < 0) ||
	    model_read(&m, argv[optind], err) < 0) {
		fprintf(stderr, "evaluate: %s\n", err);
		return 1;
	}
	if (dataset_read(&ds, argv[optind + 1], DATASET_FORMAT, DATASET_VERSION, err) < 0 ||
	    dataset_add_run_state(&ds, err) < 0) {
		fprintf(stderr, "evaluate: %s\n", err);
		model_release(&m);
		return 1;
	}
	/* timings mean nothing during a measurement, and would disturb it */
	memset(&e, 0, sizeof(e)); /* released on the error path too */
	lockfd = lock_take(0, "evaluate", quiet, err);
	if (lockfd < 0 || evaluate_model(&m, &ds, timing != NULL, &e, err) < 0 ||
	    evaluation_write(&e, &m, &ds, out, timing, err) < 0) {
		fprintf(stderr, "evaluate: %s on %s: %s\n", argv[optind], argv[optind + 1], err);
		evaluation_release(&e);
		lock_release(lockfd);
		dataset_release(&ds);
		model_release(&m);
		return 1;
	}
	lock_release(lockfd);
	if (!quiet) {
		char ceil[96], single[64];

		if (e.repeat.n)
			snprintf(ceil, sizeof(ceil), "P20 %.3f over %zu re-measured samples",
				 e.repeat.p20, e.repeat.n);
		else
			snprintf(ceil, sizeof(ceil), "n/a, no re-measured samples");
		if (isfinite(e.single_test_p20))
			snprintf(single, sizeof(single), "P20 %.3f", e.single_test_p20);
		else
			snprintf(single, sizeof(single), "n/a, one run per sample");
		fprintf(stderr,
			"evaluate: %s %s: test P10 %.3f P20 %.3f R2 %.3f (repeatability ceiling %s; "
			"single-run noise %s), %.1f KB",
			attrs_str(&m.attrs, "module") ?: "?", attrs_str(&m.attrs, "variant") ?: "?",
			e.test.p10, e.test.p20, e.test.r2, ceil, single, e.size_kb);
		if (timing)
			fprintf(stderr, ", %.3f us per prediction", e.tps_ms * 1e3);
		fputc('\n', stderr);
	}
	evaluation_release(&e);
	dataset_release(&ds);
	model_release(&m);
	return 0;
}
