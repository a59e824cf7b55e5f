/* split-config - write an experiment's per-step configuration fragments.
 * usage: split-config EXPERIMENT -o DIR
 *
 * Each step reads only its own fragment (gen.MODULE.ini,
 * bench.ENV.MODULE.ini, fit.MODULE.RM.ini), and a fragment is rewritten only
 * when its content changes, so a settings edit reruns exactly the steps that
 * read the edited setting. DIR/config.mk tells the Makefile the experiment's
 * modules and environments. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "err.h"
#include "util.h"

static const char *const rms[] = { "lr", "rf", "mlp", "medn", "lop", NULL };

/* Writes content to path unless the file already holds exactly that. */
static int write_if_changed(const char *path, const char *content, size_t len)
{
	char tmp[4200];
	FILE *f = fopen(path, "rb");

	if (f) {
		char *old = malloc(len + 1);
		size_t got = old ? fread(old, 1, len + 1, f) : 0;
		int same = old && got == len && !memcmp(old, content, len);

		free(old);
		fclose(f);
		if (same)
			return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(content, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "split-config: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	if (rename(tmp, path) < 0) {
		fprintf(stderr, "split-config: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Renders one fragment into memory and writes it if changed. */
#define FRAGMENT(path, call)                                                   \
	do {                                                                   \
		char *buf_ = NULL;                                             \
		size_t len_ = 0;                                               \
		FILE *mf_ = open_memstream(&buf_, &len_);                      \
		if (!mf_) {                                                    \
			experiment_release(&x);                                \
			return 1;                                              \
		}                                                              \
		call;                                                          \
		fclose(mf_);                                                   \
		if (write_if_changed(path, buf_, len_) < 0) {                  \
			free(buf_);                                            \
			experiment_release(&x);                                \
			return 1;                                              \
		}                                                              \
		free(buf_);                                                    \
	} while (0)

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, 0, 'o' },
					      { "help", no_argument, 0, 'h' },
					      { "version", no_argument, 0, 'V' },
					      { 0, 0, 0, 0 } };
	const char *dir = NULL;
	char msg[128];
	char err[ERR_LEN], path[4096];
	struct experiment x;
	int c, m, e, r;

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":o:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case 'h':
			printf("usage: split-config EXPERIMENT -o DIR\n"
			       "Writes the per-step fragments of EXPERIMENT (folder or INI file) into\n"
			       "DIR, each only when its content changes, and DIR/config.mk.\n\n"
			       "  -o, --output DIR  where the fragments go (required)\n"
			       "  -h, --help        this help\n"
			       "  -V, --version     print the version\n");
			return 0;
		case 'V': printf("split-config (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "split-config: %s; try 'split-config --help'\n",
				opt_error(c, argv, msg, sizeof(msg)));
			return 2;
		}
	}
	if (!dir || optind != argc - 1) {
		fprintf(stderr, "split-config: need an EXPERIMENT and -o DIR; try --help\n");
		return 2;
	}
	if (experiment_load(&x, argv[optind], err) < 0) {
		fprintf(stderr, "split-config: %s\n", err);
		return 1;
	}
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "split-config: %s: %s\n", dir, strerror(errno));
		experiment_release(&x);
		return 1;
	}
	for (m = 0; m < MODULE_COUNT; m++) {
		if (!experiment_has_module(&x, (enum module_kind)m))
			continue;
		snprintf(path, sizeof(path), "%s/gen.%s.ini", dir, module_name((enum module_kind)m));
		FRAGMENT(path, experiment_write_gen(&x, (enum module_kind)m, mf_));
		for (e = 0; e < x.n_env; e++) {
			snprintf(path, sizeof(path), "%s/bench.%s.%s.ini", dir, x.env[e],
				 module_name((enum module_kind)m));
			FRAGMENT(path, experiment_write_bench(&x, (enum module_kind)m, x.env[e], mf_));
		}
		for (r = 0; rms[r]; r++) {
			snprintf(path, sizeof(path), "%s/fit.%s.%s.ini", dir,
				 module_name((enum module_kind)m), rms[r]);
			FRAGMENT(path, experiment_write_fit(&x, (enum module_kind)m, rms[r], mf_));
		}
	}
	snprintf(path, sizeof(path), "%s/config.mk", dir);
	{
		FILE *f = fopen(path, "w");

		if (!f) {
			fprintf(stderr, "split-config: %s: %s\n", path, strerror(errno));
			experiment_release(&x);
			return 1;
		}
		fprintf(f, "# generated by split-config from %s\nEXP_MODULES :=", argv[optind]);
		for (m = 0; m < MODULE_COUNT; m++)
			if (experiment_has_module(&x, (enum module_kind)m))
				fprintf(f, " %s", module_name((enum module_kind)m));
		fprintf(f, "\nEXP_ENVS :=");
		for (e = 0; e < x.n_env; e++)
			fprintf(f, " %s", x.env[e]);
		fprintf(f, "\n");
		if (fclose(f) != 0) {
			fprintf(stderr, "split-config: %s: cannot write\n", path);
			experiment_release(&x);
			return 1;
		}
	}
	experiment_release(&x);
	return 0;
}
