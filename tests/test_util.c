/* test_util.c - the small modules: util, err, rng, lock, sysstat, backend
 * lookup and bench's reading of a shape. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <unistd.h>

#include "backend.h"
#include "bench.h"
#include "dataset.h"
#include "err.h"
#include "fit_cli.h"
#include "lock.h"
#include "param_set.h"
#include "rng.h"
#include "sysstat.h"
#include "unit.h"
#include "util.h"

/* FNV-1a 64 reference values (the published test vectors) */
static void test_fnv1a(void)
{
	CU_ASSERT_EQUAL(fnv1a("", 0, FNV1A_INIT), 0xcbf29ce484222325ULL);
	CU_ASSERT_EQUAL(fnv1a("a", 1, FNV1A_INIT), 0xaf63dc4c8601ec8cULL);
	CU_ASSERT_EQUAL(fnv1a("foobar", 6, FNV1A_INIT), 0x85944171f73967e8ULL);
	/* continuing from a previous value is the same as one pass */
	CU_ASSERT_EQUAL(fnv1a("bar", 3, fnv1a("foo", 3, FNV1A_INIT)), 0x85944171f73967e8ULL);
}

static void test_paths_and_errors(void)
{
	char buf[64], err[ERR_LEN];

	path_basename("data/x/conv.h5", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "conv.h5");
	path_basename("experiments/paper/", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "paper");
	path_basename("plain", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "plain");
	CU_ASSERT_EQUAL(err_set(err, "bad %s %d", "thing", 3), -1);
	CU_ASSERT_STRING_EQUAL(err, "bad thing 3");
	CU_ASSERT_EQUAL(err_prefix(err, "f.h5"), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.h5: bad thing 3");
	CU_ASSERT_EQUAL(check_output_dir("/nonexistent/dir/x.h5", err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/dir/x.h5: cannot write to folder "
					   "'/nonexistent/dir'"));
}

/* rng_range covers both ends evenly; rng_uniform is uniform on [0, 1). */
static void test_rng(void)
{
	struct rng r;
	int count[3] = { 0, 0, 0 }, i, bad = 0;
	double sum = 0, lo = 1, hi = 0;

	rng_init(&r, 1, 0);
	for (i = 0; i < 3000; i++) {
		int64_t v = rng_range(&r, 5, 7);

		bad += v < 5 || v > 7;
		if (v >= 5 && v <= 7)
			count[v - 5]++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (i = 0; i < 3; i++)	/* 1000 expected, sigma 26 */
		CU_ASSERT(count[i] > 880 && count[i] < 1120);
	for (i = 0; i < 10000; i++) {
		double u = rng_uniform(&r);

		sum += u;
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
	}
	CU_ASSERT(fabs(sum / 10000 - 0.5) < 0.01);	/* sigma 0.003 */
	CU_ASSERT(lo >= 0 && lo < 0.01 && hi < 1 && hi > 0.99);
}

/* Two holders of one lock file: exclusive excludes, shared shares. */
static void test_lock(void)
{
	char path[512], err[ERR_LEN], *old = getenv("MODLAT_LOCK");
	int a = -1, b = -1;

	snprintf(path, sizeof(path), "%s/test.lock", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(lock_try(path, 1, &a, err), 0);
	CU_ASSERT_EQUAL(lock_try(path, 1, &b, err), 1);	/* held: would wait */
	lock_release(b);
	CU_ASSERT_EQUAL(lock_try(path, 0, &b, err), 1);
	lock_release(b);
	lock_release(a);
	CU_ASSERT_EQUAL_FATAL(lock_try(path, 0, &a, err), 0);
	CU_ASSERT_EQUAL(lock_try(path, 0, &b, err), 0);
	lock_release(b);
	CU_ASSERT_EQUAL(lock_try(path, 1, &b, err), 1);
	lock_release(b);
	lock_release(a);
	CU_ASSERT_EQUAL(lock_try("/nonexistent/dir/x.lock", 1, &a, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/dir/x.lock: cannot open lock file"));
	/* MODLAT_LOCK names the lock */
	old = old ? strdup(old) : NULL;
	setenv("MODLAT_LOCK", path, 1);
	CU_ASSERT_STRING_EQUAL(lock_default_path(), path);
	if (old)
		setenv("MODLAT_LOCK", old, 1);
	else
		unsetenv("MODLAT_LOCK");
	free(old);
}

static double meminfo_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (double)kb * 1024;
}

/* Free memory in bytes, as /proc/meminfo says (within 2 %: it moves; kB *
 * 1000 would be 2.3 % off), and a utilisation in [0, 1]. */
static void test_sysstat(void)
{
	struct sysstat s;
	char err[ERR_LEN] = "";
	double mem = 0, util = -1, want;

	CU_ASSERT_EQUAL_FATAL(sysstat_init(&s, 0.05, err), 0);
	usleep(20000);
	CU_ASSERT_EQUAL_FATAL(sysstat_read(&s, &mem, &util, err), 0);
	want = meminfo_available();
	CU_ASSERT(want > 0 && fabs(mem / want - 1) < 0.02);
	CU_ASSERT(util >= 0 && util <= 1);
}

static void test_backend_find(void)
{
	CU_ASSERT_PTR_NOT_NULL(backend_find("onednn"));
	CU_ASSERT_PTR_NULL(backend_find("one"));
	CU_ASSERT_PTR_NULL(backend_find("onednn2"));
}

/* bench reads the parameters its module uses, each > 0; the others may be
 * missing. */
static void test_bench_shape(void)
{
	static const char *const names[] = { "batch", "cin", "hw", "kernel", "stride" };
	static const double row[] = { 2, 16, 14, 3, 2 };
	struct module_shape sh;
	struct dataset ds;
	char err[ERR_LEN] = "";
	size_t j;

	CU_ASSERT_EQUAL_FATAL(dataset_init(&ds, 1, 5, 0, err), 0);
	for (j = 0; j < 5; j++) {
		dataset_set_feature(&ds, j, names[j], "sampling", err);
		ds.features[j] = row[j];
	}
	CU_ASSERT_EQUAL_FATAL(bench_shape(&ds, 0, MODULE_MAXPOOL, &sh, err), 0);
	CU_ASSERT(sh.batch == 2 && sh.cin == 16 && sh.cout == 0 && sh.hw == 14 && sh.kernel == 3 &&
		  sh.stride == 2);
	CU_ASSERT_EQUAL(bench_shape(&ds, 0, MODULE_CONV, &sh, err), -1);
	CU_ASSERT_STRING_EQUAL(err, "feature 'cout' is missing, module conv needs it");
	ds.features[4] = 0;
	CU_ASSERT_EQUAL(bench_shape(&ds, 0, MODULE_MAXPOOL, &sh, err), -1);
	CU_ASSERT_STRING_EQUAL(err, "sample 0: feature 'stride' is 0, expected > 0");
	dataset_release(&ds);
}

/* a scalar is exactly one value; names are unique */
static void test_param_set_scalar(void)
{
	static const double two[2] = { 1, 2 };
	struct param_set ps;
	char err[ERR_LEN] = "";
	double v = 0;

	param_set_init(&ps);
	CU_ASSERT_EQUAL(param_set_add_f64(&ps, "pair", 2, two, err), 0);
	CU_ASSERT_EQUAL(param_set_add_scalar_f64(&ps, "one", 3.5, err), 0);
	CU_ASSERT_EQUAL(param_set_get_scalar_f64(&ps, "one", &v, err), 0);
	CU_ASSERT_EQUAL(v, 3.5);
	CU_ASSERT_EQUAL(param_set_get_scalar_f64(&ps, "pair", &v, err), -1);
	CU_ASSERT_STRING_EQUAL(err, "parameter 'pair' has 2 values, expected 1");
	CU_ASSERT_EQUAL(param_set_add_scalar_f64(&ps, "one", 1, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'one'"));
	CU_ASSERT_EQUAL(ps.n, 2);
	param_set_release(&ps);
}

/* fit-RM's usage errors exit 2 before reading anything (each prints one
 * line on stderr) */
static void test_fit_cli_usage(void)
{
	char *no_exp[] = { "fit-lr", "-o", "/nonexistent/m.h5", "/nonexistent/d.h5", NULL };
	char *no_out[] = { "fit-lr", "-e", "/nonexistent/x", "/nonexistent/d.h5", NULL };
	char *two[] = { "fit-lr", "-e", "x", "-o", "m.h5", "a.h5", "b.h5", NULL };

	optind = 0;
	CU_ASSERT_EQUAL(fit_cli_main("lr", 4, no_exp), 2);
	optind = 0;
	CU_ASSERT_EQUAL(fit_cli_main("lr", 4, no_out), 2);
	optind = 0;
	CU_ASSERT_EQUAL(fit_cli_main("lr", 7, two), 2);
	optind = 0;
}

UNIT_SUITE("util", UNIT_TEST(test_fnv1a), UNIT_TEST(test_paths_and_errors), UNIT_TEST(test_rng),
	   UNIT_TEST(test_lock), UNIT_TEST(test_sysstat), UNIT_TEST(test_backend_find),
	   UNIT_TEST(test_bench_shape), UNIT_TEST(test_fit_cli_usage),
	   UNIT_TEST(test_param_set_scalar));
