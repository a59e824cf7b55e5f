#include "fit_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "config.h"
#include "dataset.h"
#include "h5io.h"
#include "lock.h"
#include "model.h"
#include "util.h"

static void usage(const char *rm, FILE *f)
{
	fprintf(f,
		"usage: fit-%s --experiment PATH [--features SET]%s DATASET -o MODEL\n"
		"Fits %s on the training split of DATASET and writes MODEL (modlat-model).\n"
		"Settings: the paper's for the dataset's module, then the experiment's\n"
		"[%s] and [%s.MODULE] sections.\n\n"
		"  -e, --experiment PATH  experiment folder or INI file (required)\n"
		"  -f, --features SET     all | no-inferable | no-measurable | sampling |\n"
		"                         channels | run-state | both (all; channels adds\n"
		"                         channel alignment, the last two the state during\n"
		"                         the timed runs, for the ablation)\n"
		"%s"
		"%s"
		"  -o, --output PATH      output model (required)\n"
		"  -q, --quiet            no progress on stderr\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n",
		rm,
		!strcmp(rm, "medn")  ? " [--direct] [--log-inputs] [--early-stop]"
		: !strcmp(rm, "mlp") ? " [--log-inputs] [--early-stop]"
				     : "",
		rm, rm, rm,
		strcmp(rm, "medn") ? "" : "  -d, --direct           MEDN-D: no reconstruction decoder\n",
		strcmp(rm, "medn") && strcmp(rm, "mlp")
			? ""
			: "  -l, --log-inputs       the -log variant: a feature positive in training\n"
			  "                         whose max is >= 1000x its min is scaled as log(x)\n"
			  "  -s, --early-stop       the -es variant: a cosine learning-rate schedule,\n"
			  "                         the epoch with the best P20 on every 10th training\n"
			  "                         row kept (fitted on the other nine tenths)\n");
}

/* "medn-d", "medn-xi", "rf-r", ...: the paper's names of the variants */
static void variant_name(const char *rm, int direct, enum feature_set fs, int log_inputs,
			 int early_stop, char *buf, size_t len)
{
	static const char *const suffix[FEATURE_SET_COUNT] = { "", "-xi", "-xm", "-r", "-ca", "-run", "-both" };

	snprintf(buf, len, "%s%s%s%s%s", rm, direct ? "-d" : "", suffix[fs],
		 log_inputs ? "-log" : "", early_stop ? "-es" : "");
}

/* The fragment's text, recorded in the model as its settings. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while (m && (c = fgetc(f)) != EOF)
		fputc(c, m);
	if (m)
		fclose(m);
	fclose(f);
	return buf;
}

int fit_cli_main(const char *rm, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "experiment", required_argument, 0, 'e' }, { "features", required_argument, 0, 'f' },
		{ "direct", no_argument, 0, 'd' },           { "output", required_argument, 0, 'o' },
		{ "quiet", no_argument, 0, 'q' },            { "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' },          { "log-inputs", no_argument, 0, 'l' },
		{ "early-stop", no_argument, 0, 's' },       { 0, 0, 0, 0 }
	};
	const char *exp_path = NULL, *out = NULL, *data_path;
	char msg[128];
	char err[ERR_LEN], variant[32], sum[17], who[32], *settings_text = NULL;
	enum feature_set fs = FEATURES_ALL;
	struct rm_settings s;
	struct experiment x;
	struct dataset ds;
	struct model m;
	enum module_kind mod;
	struct rusage ru;
	double t0;
	int c, quiet = 0, direct = 0, log_inputs = 0, early_stop = 0, rc = 1, lockfd = -1;
	const char *mname;

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":e:f:dlso:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'e': exp_path = optarg; break;
		case 'f':
			if (feature_set_from_name(optarg, &fs) < 0) {
				fprintf(stderr,
					"fit-%s: unknown feature set '%s', expected all, no-inferable, "
					"no-measurable, sampling, channels, run-state or both\n",
					rm, optarg);
				return 2;
			}
			break;
		case 'd':
			if (strcmp(rm, "medn")) {
				fprintf(stderr, "fit-%s: --direct is for fit-medn only\n", rm);
				return 2;
			}
			direct = 1;
			break;
		case 'l':
			if (strcmp(rm, "medn") && strcmp(rm, "mlp")) {
				fprintf(stderr, "fit-%s: --log-inputs is for fit-mlp and fit-medn only\n", rm);
				return 2;
			}
			log_inputs = 1;
			break;
		case 's':
			if (strcmp(rm, "medn") && strcmp(rm, "mlp")) {
				fprintf(stderr, "fit-%s: --early-stop is for fit-mlp and fit-medn only\n", rm);
				return 2;
			}
			early_stop = 1;
			break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(rm, stdout); return 0;
		case 'V': printf("fit-%s (modlat) %s\n", rm, MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "fit-%s: %s; try 'fit-%s --help'\n", rm,
				opt_error(c, argv, msg, sizeof(msg)), rm);
			return 2;
		}
	}
	if (!exp_path || !out || optind != argc - 1) {
		fprintf(stderr, "fit-%s: need --experiment, -o and one DATASET; try 'fit-%s --help'\n",
			rm, rm);
		return 2;
	}
	if (!strcmp(rm, "lop") && fs != FEATURES_ALL) {
		fprintf(stderr, "fit-lop: the low-overhead predictor has fixed inputs; no --features\n");
		return 2;
	}
	data_path = argv[optind];
	h5_quiet();
	if (check_output_dir(out, err) < 0 || experiment_load(&x, exp_path, err) < 0) {
		fprintf(stderr, "fit-%s: %s\n", rm, err);
		return 1;
	}
	if (dataset_read(&ds, data_path, DATASET_FORMAT, DATASET_VERSION, err) < 0 ||
	    file_checksum(data_path, sum, err) < 0 || dataset_add_run_state(&ds, err) < 0) {
		fprintf(stderr, "fit-%s: %s\n", rm, err);
		experiment_release(&x);
		return 1;
	}
	if ((fs == FEATURES_RUN_STATE || fs == FEATURES_BOTH) && !ds.util_during) {
		fprintf(stderr,
			"fit-%s: %s: feature set '%s' needs the state during the timed runs, "
			"which only measurement protocol 2 records\n",
			rm, data_path, feature_set_name(fs));
		goto out;
	}
	mname = attrs_str(&ds.attrs, "module");
	if (!mname || module_from_name(mname, &mod) < 0) {
		fprintf(stderr, "fit-%s: %s: attribute 'module' is missing or unknown\n", rm,
			data_path);
		goto out;
	}
	if (rm_settings_load(&s, rm, mod, &x, err) < 0) {
		fprintf(stderr, "fit-%s: %s\n", rm, err);
		goto out;
	}
	s.direct = direct;
	s.log_inputs = log_inputs;
	s.early_stop = early_stop;
	variant_name(rm, direct, fs, log_inputs, early_stop, variant, sizeof(variant));
	/* never fit while this machine measures latencies */
	snprintf(who, sizeof(who), "fit-%s", rm);
	lockfd = lock_take(0, who, quiet, err);
	if (lockfd < 0) {
		fprintf(stderr, "fit-%s: %s\n", rm, err);
		goto out;
	}
	t0 = now_s();
	if (model_fit(&m, &ds, rm, fs, &s, err) < 0) {
		fprintf(stderr, "fit-%s: %s: %s\n", rm, data_path, err);
		goto out;
	}
	settings_text = slurp(exp_path);
	if (attrs_set_str(&m.attrs, "variant", variant, err) < 0 ||
	    attrs_set_str(&m.attrs, "module", mname, err) < 0 ||
	    attrs_set_str(&m.attrs, "feature_set", feature_set_name(fs), err) < 0 ||
	    attrs_set_str(&m.attrs, "settings", settings_text ? settings_text : exp_path, err) < 0 ||
	    attrs_set_int(&m.attrs, "seed", (int64_t)s.seed, err) < 0 ||
	    attrs_set_str(&m.attrs, "dataset", data_path, err) < 0 ||
	    attrs_set_str(&m.attrs, "dataset_checksum", sum, err) < 0 ||
	    attrs_set_str(&m.attrs, "experiment", attrs_str(&ds.attrs, "experiment") ?: "", err) < 0 ||
	    attrs_set_str(&m.attrs, "environment", attrs_str(&ds.attrs, "environment") ?: "", err) < 0 ||
	    attrs_set_str(&m.attrs, "tool_version", MODLAT_VERSION, err) < 0 ||
	    model_write(&m, out, err) < 0) {
		fprintf(stderr, "fit-%s: %s\n", rm, err);
		model_release(&m);
		goto out;
	}
	getrusage(RUSAGE_SELF, &ru);
	if (!quiet) {
		const char *deg = attrs_str(&m.attrs, "degenerate_features");

		fprintf(stderr, "fit-%s: %s %s: %zu features%s%s%s, fit in %.2f s, peak memory "
			"%.1f MiB -> %s\n", rm, mname, variant, m.d,
			deg && *deg ? " (used as constants, their training range is below 1% of "
				      "their magnitude: " : "",
			deg && *deg ? deg : "", deg && *deg ? ")" : "", now_s() - t0,
			ru.ru_maxrss / 1024.0, out);
	}
	model_release(&m);
	rc = 0;
out:
	lock_release(lockfd);
	free(settings_text);
	dataset_release(&ds);
	experiment_release(&x);
	return rc;
}
