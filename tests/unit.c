/* The unit-test runner: every suite that registered itself, sorted by name.
 * Usage: unit [SUITE...]  (no argument: all suites) */
#include "unit.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SUITES 64

static struct {
	const char *name;
	const struct unit_test *tests;
} suites[MAX_SUITES];
static int nsuites;
static char tmpdir[256];

void unit_register(const char *suite, const struct unit_test *tests)
{
	if (nsuites == MAX_SUITES) {
		fprintf(stderr, "unit: more than %d suites, raise MAX_SUITES\n", MAX_SUITES);
		abort();
	}
	suites[nsuites].name = suite;
	suites[nsuites].tests = tests;
	nsuites++;
}

const char *unit_tmpdir(void)
{
	return tmpdir;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int wanted(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned failed;
	char cmd[300];
	int i, j;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/modlat-unit.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("unit: mkdtemp");
		return 1;
	}
	/* suites[] starts with the name pointer, so by_name sorts it */
	qsort(suites, nsuites, sizeof(suites[0]), by_name);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (i = 0; i < nsuites; i++) {
		CU_pSuite s;

		if (!wanted(suites[i].name, argc, argv))
			continue;
		s = CU_add_suite(suites[i].name, NULL, NULL);
		for (j = 0; suites[i].tests[j].name; j++)
			CU_add_test(s, suites[i].tests[j].name, suites[i].tests[j].fn);
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "unit: could not remove %s\n", tmpdir);
	return failed ? 1 : 0;
}
