/* ablate - the MEDN ablation (the paper's Fig. 4) as a table.
 * usage: ablate -o PREFIX EVAL... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io.h"
#include "select.h"
#include "table.h"
#include "util.h"

#define NVAR 5
static const char *const variants[NVAR] = { "medn", "medn-d", "medn-xi", "medn-xm", "medn-r" };

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

static int variant_index(const char *v)
{
	int k;

	for (k = 0; k < NVAR; k++)
		if (!strcmp(variants[k], v))
			return k;
	return -1;
}

static int by_module(const void *a, const void *b)
{
	return select_module_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* The modules of the ablation evaluations (sorted), and per variant the
 * evaluation of each: grid[k * nmod + j], NULL where missing. */
static int build(const struct select_eval *e, size_t n, const char **mods, size_t *nmod,
		 const struct select_eval **grid, int *present, char *err)
{
	size_t i, j, m = 0;
	int k;

	for (i = 0; i < n; i++) {
		if (variant_index(e[i].variant) < 0)
			continue;
		for (j = 0; j < m && strcmp(mods[j], e[i].module); j++)
			;
		if (j == m)
			mods[m++] = e[i].module;
	}
	if (!m)
		return err_set(err, "no evaluation of MEDN or its ablation variants (%s, %s, %s, "
				    "%s, %s) among the inputs",
			       variants[0], variants[1], variants[2], variants[3], variants[4]);
	qsort(mods, m, sizeof(char *), by_module);
	for (i = 0; i < n; i++) {
		if ((k = variant_index(e[i].variant)) < 0)
			continue;
		for (j = 0; strcmp(mods[j], e[i].module); j++)
			;
		grid[(size_t)k * m + j] = &e[i];
		present[k] = 1;
	}
	for (k = 0; k < NVAR; k++)
		for (j = 0; present[k] && j < m; j++)
			if (!grid[(size_t)k * m + j])
				return err_set(err,
					       "no '%s' evaluation of module '%s' among the inputs "
					       "(the other variants have one)",
					       variants[k], mods[j]);
	*nmod = m;
	return 0;
}

static int ablation_table(const struct select_eval *e, size_t n, struct table *t, char *err)
{
	static const char *const head[] = { "Variant", "P10", "P20", "R²" };
	static const char *const csv[] = { "variant", "p10", "p20", "r2" };
	const char **mods = xcalloc(n, sizeof(char *), err);
	const struct select_eval **grid = xcalloc(NVAR * n, sizeof(*grid), err);
	char caption[3072], source[1024], list[1024] = "", label[32];
	int present[NVAR] = { 0 }, k, rc = -1;
	struct table_source src;
	size_t j, m = 0;
	long row;

	memset(t, 0, sizeof(*t));
	if (!mods || !grid || build(e, n, mods, &m, grid, present, err) < 0)
		goto out;
	table_source_init(&src, e[0].experiment);
	if (select_evals_source(e, n, &src, err) < 0)
		goto out;
	table_source_format(&src, source, sizeof(source));
	for (j = 0; j < m; j++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", j ? ", " : "",
			 mods[j]);
	snprintf(caption, sizeof(caption),
		 "MEDN ablation, the data of the paper's Fig. 4 (%s environment): test-split P10, "
		 "P20 (Acc) and R² averaged over %zu modules (%s). MEDN-D: no reconstruction "
		 "decoder; MEDN-XI: no inferable parameters; MEDN-XM: no measurable parameters; "
		 "MEDN-R: sampling parameters only. Source: %s.",
		 e[0].environment, m, list, source);
	if (table_init(t, caption, 4, head, csv, err) < 0)
		goto out;
	for (k = 0; k < NVAR; k++) {
		double p10 = 0, p20 = 0, r2 = 0;

		if (!present[k])
			continue;
		for (j = 0; j < m; j++) {
			p10 += grid[(size_t)k * m + j]->test_p10;
			p20 += grid[(size_t)k * m + j]->test_p20;
			r2 += grid[(size_t)k * m + j]->test_r2;
		}
		select_variant_label(variants[k], label, sizeof(label));
		if ((row = table_add_row(t, err)) < 0 ||
		    table_set(t, (size_t)row, 0, label, variants[k], err) < 0 ||
		    table_set_num(t, (size_t)row, 1, p10 / (double)m, 4, err) < 0 ||
		    table_set_num(t, (size_t)row, 2, p20 / (double)m, 4, err) < 0 ||
		    table_set_num(t, (size_t)row, 3, r2 / (double)m, 4, err) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		table_release(t);
	free(mods);
	free(grid);
	return rc;
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
	char err[ERR_LEN];
	size_t n;
	int c, quiet = 0, rc = 1;

	while ((c = getopt_long(argc, argv, "o:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'o': prefix = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("ablate (modlat) %s\n", MODLAT_VERSION); return 0;
		default: fprintf(stderr, "ablate: try 'ablate --help'\n"); return 2;
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
	    ablation_table(e, n, &t, err) < 0 ||
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
