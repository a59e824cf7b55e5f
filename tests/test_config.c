/* The experiment parser: good files, and one message per kind of bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "err.h"
#include "rm.h"
#include "unit.h"

static const char *write_ini(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", unit_tmpdir(), name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_defaults_and_overrides(void)
{
	const char *p = write_ini("good.ini", "[experiment]\nseed = 5\nenvironments = static\n"
					      "[sampling]\nbatch = 2..8\nhw = 7, 14\n"
					      "[maxpool]\ncount = 50\nkernel = 3\n"
					      "[rf.conv]\ntrees = 10\n");
	char err[ERR_LEN];
	struct experiment x;

	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, p, err), 0);
	CU_ASSERT_EQUAL(x.seed, 5);
	CU_ASSERT_EQUAL(x.n_env, 1);
	CU_ASSERT(experiment_has_env(&x, "static"));
	CU_ASSERT(!experiment_has_env(&x, "dynamic"));
	CU_ASSERT_EQUAL(x.split[0], 7);
	CU_ASSERT_EQUAL(x.split[2], 2);
	/* paper defaults: conv family 10000, others 2000 */
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].count, 10000);
	CU_ASSERT_EQUAL(x.sampling[MODULE_BN].count, 2000);
	CU_ASSERT_EQUAL(x.sampling[MODULE_MAXPOOL].count, 50);
	CU_ASSERT_EQUAL(x.sampling[MODULE_MAXPOOL].kernel.n, 1);
	CU_ASSERT_EQUAL(x.sampling[MODULE_MAXPOOL].kernel.v[0], 3);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].kernel.n, 5);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].stride.n, 3);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].stride.v[2], 4);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].batch[0], 2);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].batch[1], 8);
	CU_ASSERT_EQUAL(x.sampling[MODULE_BN].hw.n, 2);
	CU_ASSERT_EQUAL(x.sampling[MODULE_BN].hw.v[1], 14);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].cin[1], 512);
	CU_ASSERT_EQUAL(x.bench.runs, 10);
	CU_ASSERT_STRING_EQUAL(config_find(&x.raw, "rf.conv", "trees")->value, "10");
	experiment_release(&x);
}

/* Each bad file must fail with a message that contains `want`. */
static void expect_bad(const char *name, const char *text, const char *want)
{
	const char *p = write_ini(name, text);
	char err[ERR_LEN] = "";
	struct experiment x;

	CU_ASSERT_EQUAL(experiment_load(&x, p, err), -1);
	if (!strstr(err, want))
		fprintf(stderr, "\n  message '%s' lacks '%s'\n", err, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
}

static void test_bad_inputs(void)
{
	expect_bad("b1.ini", "[experiment]\nseed = 1\n[nonsense]\nx = 1\n",
		   "b1.ini:4: unknown section '[nonsense]'");
	expect_bad("b2.ini", "[bench]\nthreads = 2\nthread = 2\n",
		   "b2.ini:3: unknown key 'thread' in section '[bench]'");
	expect_bad("b3.ini", "[sampling]\nbatch = 64..1\n", "b3.ini:2: [sampling] batch = '64..1'");
	expect_bad("b4.ini", "[conv]\ncount = 0\n", "b4.ini:2: [conv] count = '0'");
	expect_bad("b5.ini", "[conv]\ncount = -5\n", "b5.ini:2");
	expect_bad("b6.ini", "[bench]\nruns = ten\n", "b6.ini:2: [bench] runs = 'ten': expected");
	expect_bad("b7.ini", "[experiment]\nmodules = conv, convolution\n",
		   "unknown module 'convolution'");
	expect_bad("b8.ini", "[experiment]\nenvironments = static, windy\n", "b8.ini:2");
	expect_bad("b9.ini", "[sampling]\nhw = 7,x\n", "b9.ini:2: [sampling] hw");
	expect_bad("b10.ini", "[dynamic]\nduty = 1.5\n", "b10.ini:2: [dynamic] duty");
	expect_bad("b11.ini", "[experiment\nseed = 1\n", "b11.ini:1: not valid INI syntax");
	expect_bad("b12.ini", "[rf.convolution]\ntrees = 1\n", "unknown section");
}

/* Range and set edges: LO = HI is a range; the maximum 2^20 is the last
 * value accepted; 0 is not a kernel or stride. */
static void test_edges(void)
{
	const char *p = write_ini("edge.ini", "[sampling]\nbatch = 8..8\ncin = 3..1048576\n"
					      "cout = 7\nstride = 1\n");
	char err[ERR_LEN] = "";
	struct experiment x;

	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, p, err), 0);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].batch[0], 8);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].batch[1], 8);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].cin[0], 3);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].cin[1], 1048576);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].cout[0], 7);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].cout[1], 7);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].stride.n, 1);
	experiment_release(&x);
	expect_bad("e1.ini", "[sampling]\ncin = 3..99999999\n",
		   "e1.ini:2: [sampling] cin = '3..99999999': expected a range LO..HI of integers "
		   "in [1, 1048576] with LO <= HI");
	expect_bad("e2.ini", "[sampling]\ncin = 3..1048577\n", "e2.ini:2: [sampling] cin");
	expect_bad("e3.ini", "[sampling]\nbatch = 0..4\n", "e3.ini:2: [sampling] batch");
	expect_bad("e4.ini", "[conv]\nstride = 0\n",
		   "e4.ini:2: [conv] stride = '0': expected a comma-separated list of positive "
		   "integers");
	expect_bad("e5.ini", "[sampling]\nkernel = 3, 0\n",
		   "e5.ini:2: [sampling] kernel = '3, 0': expected a comma-separated list of "
		   "positive integers");
	expect_bad("e6.ini", "[sampling]\nbatch = 8..\n", "e6.ini:2: [sampling] batch");
	/* a count's maximum is 10^7 */
	expect_bad("e9.ini", "[conv]\ncount = 10000001\n", "e9.ini:2: [conv] count = '10000001'");
	p = write_ini("edge2.ini", "[conv]\ncount = 10000000\n");
	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, p, err), 0);
	CU_ASSERT_EQUAL(x.sampling[MODULE_CONV].count, 10000000);
	experiment_release(&x);
	/* NaN compares false with both bounds: refused all the same */
	expect_bad("e7.ini", "[dynamic]\nduty = nan\n", "e7.ini:2: [dynamic] duty = 'nan'");
	expect_bad("e8.ini", "[sampling]\nflop_cap = nan\n", "e8.ini:2: [sampling] flop_cap");
}

static void test_missing_folder(void)
{
	char err[ERR_LEN] = "";
	struct experiment x;

	CU_ASSERT_EQUAL(experiment_load(&x, "/nonexistent/experiment", err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/experiment: experiment not found"));
}

static void test_fragment_is_stable(void)
{
	/* the gen fragment of bn ignores settings only conv reads */
	const char *a = write_ini("fa.ini", "[sampling]\ncount = 9\n[conv]\nkernel = 3\n");
	char err[ERR_LEN], *ba = NULL, *bb = NULL;
	size_t la = 0, lb = 0;
	struct experiment x, y;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, a, err), 0);
	f = open_memstream(&ba, &la);
	experiment_write_gen(&x, MODULE_BN, f);
	fclose(f);
	a = write_ini("fb.ini", "[sampling]\ncount = 9\n[conv]\nkernel = 5\n");
	CU_ASSERT_EQUAL_FATAL(experiment_load(&y, a, err), 0);
	f = open_memstream(&bb, &lb);
	experiment_write_gen(&y, MODULE_BN, f);
	fclose(f);
	CU_ASSERT_EQUAL(la, lb);
	CU_ASSERT(la == lb && !memcmp(ba, bb, la));
	CU_ASSERT_PTR_NOT_NULL(strstr(ba, "count = 9"));
	free(ba);
	free(bb);
	experiment_release(&x);
	experiment_release(&y);
}

/* A folder named like an INI file is an error, never read as empty. */
static void test_folder_named_ini(void)
{
	char dir[512], path[600], err[ERR_LEN] = "";
	struct experiment x;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/folder-exp", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/a.ini", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("[bench]\nruns = 3\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, dir, err), 0);
	CU_ASSERT_EQUAL(x.bench.runs, 3);
	experiment_release(&x);
	snprintf(path, sizeof(path), "%s/experiment.ini", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0777), 0);
	CU_ASSERT_EQUAL(experiment_load(&x, dir, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "folder-exp/experiment.ini: not a regular file"));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
}

/* A later file's value wins, and the earlier entry knows which one. */
static void test_overridden_by(void)
{
	char dir[512], path[600], err[ERR_LEN] = "";
	const struct config_entry *e, *w;
	struct experiment x;
	size_t i, n_over = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/override-exp", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/experiment.ini", dir);
	f = fopen(path, "w");
	fputs("[bench]\nruns = 3\n[medn.conv]\nweight = 50\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/models.ini", dir);
	f = fopen(path, "w");
	fputs("[medn.conv]\nencoder = 8\nweight = 100\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, dir, err), 0);
	w = config_find(&x.raw, "medn.conv", "weight");
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_STRING_EQUAL(w->value, "100");
	CU_ASSERT_PTR_NOT_NULL(strstr(w->file, "models.ini"));
	CU_ASSERT_EQUAL(w->line, 3);
	for (i = 0; i < x.raw.n; i++) {
		e = &x.raw.e[i];
		if (!config_overridden_by(&x.raw, i))
			continue;
		n_over++;
		CU_ASSERT_STRING_EQUAL(e->key, "weight");
		CU_ASSERT_STRING_EQUAL(e->value, "50");
		CU_ASSERT_PTR_NOT_NULL(strstr(e->file, "experiment.ini"));
		CU_ASSERT_EQUAL(e->line, 4);
		CU_ASSERT_PTR_EQUAL(config_overridden_by(&x.raw, i), w);
	}
	CU_ASSERT_EQUAL(n_over, 1);
	CU_ASSERT_PTR_NULL(config_overridden_by(&x.raw, x.raw.n));
	experiment_release(&x);
}

/* The RM settings split-config checks before anything is measured: each bad
 * one names the experiment's file and line. */
static void expect_bad_rm(const char *text, const char *rm, enum module_kind m, const char *want)
{
	const char *p = write_ini("rm.ini", text);
	char err[ERR_LEN] = "";
	struct rm_settings s;
	struct experiment x;

	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, p, err), 0);
	CU_ASSERT_EQUAL(rm_settings_load(&s, rm, m, &x, err), -1);
	if (!strstr(err, want))
		fprintf(stderr, "\n  message '%s' lacks '%s'\n", err, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	experiment_release(&x);
}

static void test_rm_settings_checked(void)
{
	const char *p = write_ini("rmgood.ini", "[rf]\ntrees = 5\n[mlp.bn]\nhidden = 4,2\n");
	char err[ERR_LEN] = "";
	struct rm_settings s;
	struct experiment x;

	CU_ASSERT_EQUAL_FATAL(experiment_load(&x, p, err), 0);
	CU_ASSERT_EQUAL(rm_settings_load(&s, "rf", MODULE_CONV, &x, err), 0);
	CU_ASSERT_EQUAL(s.trees, 5);
	CU_ASSERT_EQUAL(rm_settings_load(&s, "mlp", MODULE_BN, &x, err), 0);
	CU_ASSERT_EQUAL(s.nhidden, 2);
	CU_ASSERT_EQUAL(s.hidden[1], 2);
	experiment_release(&x);
	expect_bad_rm("[rf]\ntrees = 0\n", "rf", MODULE_CONV, "rm.ini:2: [rf] trees = '0'");
	expect_bad_rm("[rf.conv]\nmax_depth = -3\n", "rf", MODULE_CONV,
		      "rm.ini:2: [rf.conv] max_depth = '-3'");
	expect_bad_rm("[experiment]\nseed = 1\n[mlp]\nhidden = 0,0\n", "mlp", MODULE_BN,
		      "rm.ini:4: [mlp] hidden = '0,0'");
	expect_bad_rm("[medn]\nlr = nan\n", "medn", MODULE_MAXPOOL, "rm.ini:2: [medn] lr = 'nan'");
	expect_bad_rm("[mlp.bn]\nepochs = -1\n", "mlp", MODULE_BN, "rm.ini:2: [mlp.bn] epochs = '-1'");
}

UNIT_SUITE("config", UNIT_TEST(test_defaults_and_overrides), UNIT_TEST(test_bad_inputs),
	   UNIT_TEST(test_edges),
	   UNIT_TEST(test_missing_folder), UNIT_TEST(test_fragment_is_stable), UNIT_TEST(test_folder_named_ini),
	   UNIT_TEST(test_overridden_by), UNIT_TEST(test_rm_settings_checked));
