/* unit.h - CUnit suites that register themselves.
 *
 * Each tests/test_NAME.c ends with
 *   UNIT_SUITE("NAME", UNIT_TEST(test_a), UNIT_TEST(test_b));
 * and tests/unit.c's main runs every registered suite, sorted by name.
 */
#ifndef MODLAT_UNIT_H
#define MODLAT_UNIT_H

#include <CUnit/CUnit.h>
#include <math.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

void unit_register(const char *suite, const struct unit_test *tests);

/* A path under the per-run scratch folder (created by main); static buffer
 * per call site is the caller's: pass buf of PATH_MAX. */
const char *unit_tmpdir(void);

#define UNIT_TEST(fn) { #fn, fn }
#define UNIT_SUITE(suite, ...)                                              \
	static const struct unit_test unit_tests_[] = { __VA_ARGS__, { 0, 0 } }; \
	__attribute__((constructor)) static void unit_register_(void)           \
	{                                                                     \
		unit_register(suite, unit_tests_);                            \
	}

/* |a - b| <= tol * max(1, |b|): a relative tolerance that is absolute near 0 */
#define ASSERT_CLOSE(a, b, tol) \
	CU_ASSERT(fabs((double)(a) - (double)(b)) <= (tol) * fmax(1.0, fabs((double)(b))))

#endif
