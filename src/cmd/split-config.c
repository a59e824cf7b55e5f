/* split-config - check an experiment and write its per-step configuration
 * fragments.
 * usage: split-config [--mk] [-n] EXPERIMENT [-o DIR]
 *
 * Each step reads only its own fragment (gen.MODULE.ini,
 * bench.ENV.MODULE.ini, fit.MODULE.RM.ini), and a fragment is rewritten only
 * when its content changes, so a settings edit reruns exactly the steps that
 * read the edited setting. Every setting is checked here, the regression
 * models' too, so a broken experiment fails before anything is measured,
 * naming the experiment's file and line (not a fragment's). A setting that a
 * later line or file overrides gets a note on stderr.
 *
 * --mk is for the Makefile, which runs this while it reads itself: one line
 * on stdout, either the experiment's modules (m:NAME), environments
 * (e:NAME) and the fragments that are missing or would change (c:PATH), or
 * the error. -n writes nothing (make -n and make -q change nothing). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "err.h"
#include "rm.h"
#include "util.h"

static const char *const rms[] = { "lr", "rf", "mlp", "medn", "gbt", "lop", NULL };

static int dry_run;      /* -n: write nothing */
static FILE *changed_to; /* --mk: where "c:PATH" goes for each fragment that changes */
static FILE *err_to;     /* errors: stderr, or stdout under --mk */

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
	if (changed_to)
		fprintf(changed_to, " c:%s", path);
	if (dry_run)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(content, 1, len, f) != len || fclose(f) != 0) {
		fprintf(err_to, "split-config: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	if (rename(tmp, path) < 0) {
		fprintf(err_to, "split-config: %s: %s\n", path, strerror(errno));
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
		if (!mf_)                                                      \
			goto fail;                                             \
		call;                                                          \
		fclose(mf_);                                                   \
		if (write_if_changed(path, buf_, len_) < 0) {                  \
			free(buf_);                                            \
			goto fail;                                             \
		}                                                              \
		free(buf_);                                                    \
	} while (0)

/* mkdir -p: only once the experiment is known to be good */
static int mkdir_p(const char *dir)
{
	char p[4096];
	size_t i;

	if (strlen(dir) >= sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(p, dir);
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = 0;
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			return -1;
		p[i] = '/';
	}
	return mkdir(p, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

/* Every RM's settings for every module, as the fits will read them. */
static int check_rm_settings(const struct experiment *x, char *err)
{
	struct rm_settings s;
	int m, r;

	for (r = 0; rms[r]; r++)
		for (m = 0; m < MODULE_COUNT; m++)
			if (rm_settings_load(&s, rms[r], (enum module_kind)m, x, err) < 0)
				return -1;
	return 0;
}

/* One note per setting that a later line or file overrides. */
static void note_overrides(const struct config *c)
{
	const struct config_entry *e, *later;
	size_t i;

	for (i = 0; i < c->n; i++) {
		later = config_overridden_by(c, i);
		if (!later)
			continue;
		e = &c->e[i];
		fprintf(stderr,
			"split-config: note: %s:%d: [%s] %s = %s is overridden by %s:%d (%s = %s)\n",
			e->file, e->line, e->section, e->key, e->value, later->file, later->line,
			later->key, later->value);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, 0, 'o' },
					      { "dry-run", no_argument, 0, 'n' },
					      { "mk", no_argument, 0, 'M' },
					      { "help", no_argument, 0, 'h' },
					      { "version", no_argument, 0, 'V' },
					      { 0, 0, 0, 0 } };
	const char *dir = NULL;
	char err[ERR_LEN], path[4096], msg[128];
	struct experiment x;
	char *changed = NULL;
	size_t changed_len = 0;
	int c, m, e, r, mk = 0, loaded = 0;

	err_to = stderr;
	opterr = 0; /* one line of ours, not getopt's and ours */
	while ((c = getopt_long(argc, argv, ":o:nhV", opts, NULL)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case 'n': dry_run = 1; break;
		case 'M': mk = 1; break;
		case 'h':
			printf("usage: split-config [--mk] [-n] EXPERIMENT [-o DIR]\n"
			       "Checks EXPERIMENT (folder or INI file), every regression-model setting\n"
			       "included, and writes its per-step fragments into DIR, each only when its\n"
			       "content changes. A setting overridden by a later line or file gets a note.\n\n"
			       "  -o, --output DIR  where the fragments go (without it: check only)\n"
			       "  -n, --dry-run     write nothing\n"
			       "      --mk          one line on stdout for the Makefile: m:MODULE e:ENV\n"
			       "                    c:FRAGMENT (missing or changed), or the error\n"
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
	if (mk)
		err_to = stdout;
	if (optind != argc - 1) {
		fprintf(err_to, "split-config: need one EXPERIMENT; try --help\n");
		return 2;
	}
	if (experiment_load(&x, argv[optind], err) < 0) {
		fprintf(err_to, "split-config: %s\n", err);
		return 1;
	}
	loaded = 1;
	if (check_rm_settings(&x, err) < 0) {
		fprintf(err_to, "split-config: %s\n", err);
		goto fail;
	}
	note_overrides(&x.raw);
	/* under --mk the line is printed whole at the end, so an error is alone */
	if (mk && !(changed_to = open_memstream(&changed, &changed_len))) {
		fprintf(err_to, "split-config: out of memory\n");
		goto fail;
	}
	if (dir && !dry_run && mkdir_p(dir) < 0) {
		fprintf(err_to, "split-config: %s: %s\n", dir, strerror(errno));
		goto fail;
	}
	for (m = 0; dir && m < MODULE_COUNT; m++) {
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
	if (mk) {
		fclose(changed_to);
		for (m = 0; m < MODULE_COUNT; m++)
			if (experiment_has_module(&x, (enum module_kind)m))
				printf("m:%s ", module_name((enum module_kind)m));
		for (e = 0; e < x.n_env; e++)
			printf("e:%s ", x.env[e]);
		printf("%s\n", changed ? changed : "");
		free(changed);
	}
	experiment_release(&x);
	return 0;
fail:
	if (changed_to)
		fclose(changed_to);
	free(changed);
	if (loaded)
		experiment_release(&x);
	return 1;
}
