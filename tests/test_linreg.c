/* test_linreg.c - LR against planted exact coefficients. */
#include <string.h>

#include "err.h"
#include "linreg.h"
#include "param_set.h"
#include "rng.h"
#include "unit.h"

#define N 50

/* y = 1.5 + 2 x0 - 3 x1 + 0.5 x2, no noise: the fit must return exactly
 * these numbers (to rounding). */
static void test_exact_coefficients(void)
{
	static const double coef[3] = { 2.0, -3.0, 0.5 };
	double X[N * 3], y[N], out[N];
	struct linreg_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rng r;
	size_t i, j;

	rng_init(&r, 42, 0);
	for (i = 0; i < N; i++) {
		y[i] = 1.5;
		for (j = 0; j < 3; j++) {
			X[i * 3 + j] = rng_uniform(&r) * 10 - 5;
			y[i] += coef[j] * X[i * 3 + j];
		}
	}
	CU_ASSERT_EQUAL_FATAL(linreg_fit(X, y, N, 3, &m, err), 0);
	CU_ASSERT_EQUAL(m->d, 3);
	ASSERT_CLOSE(m->intercept, 1.5, 1e-9);
	for (j = 0; j < 3; j++)
		ASSERT_CLOSE(m->coef[j], coef[j], 1e-9);
	linreg_predict(m, X, N, out);
	for (i = 0; i < N; i++) {
		ASSERT_CLOSE(out[i], y[i], 1e-9);
		CU_ASSERT_EQUAL(out[i], linreg_predict_one(m, X + i * 3));
	}
	linreg_free(m);
}

/* Columns: x0 random, x1 = 4 (constant), x2 = x0 (duplicate), x3 random;
 * y = 1 + 2 x0 + 3 x3. Rank 3 of 4 (plus the intercept): the minimum-norm
 * solution splits x0's weight evenly over its two copies (1 and 1) and
 * gives the constant column 0; predictions stay exact. */
static void test_rank_deficient(void)
{
	double X[N * 4], y[N];
	struct linreg_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rng r;
	size_t i;

	rng_init(&r, 7, 0);
	for (i = 0; i < N; i++) {
		double *x = X + i * 4;

		x[0] = rng_uniform(&r);
		x[1] = 4.0;
		x[2] = x[0];
		x[3] = rng_uniform(&r) * 3;
		y[i] = 1 + 2 * x[0] + 3 * x[3];
	}
	CU_ASSERT_EQUAL_FATAL(linreg_fit(X, y, N, 4, &m, err), 0);
	ASSERT_CLOSE(m->coef[0], 1.0, 1e-9);
	ASSERT_CLOSE(m->coef[1], 0.0, 1e-9);
	ASSERT_CLOSE(m->coef[2], 1.0, 1e-9);
	ASSERT_CLOSE(m->coef[3], 3.0, 1e-9);
	ASSERT_CLOSE(m->intercept, 1.0, 1e-9);
	for (i = 0; i < N; i++)
		ASSERT_CLOSE(linreg_predict_one(m, X + i * 4), y[i], 1e-9);
	linreg_free(m);
}

/* Near-collinear, not singular: x2 = x0 + 1e-6 u (u uniform in [-0.5, 0.5]),
 * y = 1 + 2 x0 - 1 x2 + 3 x3 exactly. The normalised columns' smallest
 * singular value is about 1e-7 of the largest, far above the 1e-12 cut-off,
 * so the reference solution is the planted one (an exact fit, unique); a
 * cut-off near 1e-6 would give the minimum-norm 0.5, 0.5 instead. */
static void test_near_collinear(void)
{
	double X[N * 3], y[N];
	struct linreg_model *m = NULL;
	char err[ERR_LEN] = "";
	struct rng r;
	size_t i;

	rng_init(&r, 11, 0);
	for (i = 0; i < N; i++) {
		double *x = X + i * 3;

		x[0] = rng_uniform(&r);
		x[1] = x[0] + 1e-6 * (rng_uniform(&r) - 0.5);
		x[2] = rng_uniform(&r) * 3;
		y[i] = 1 + 2 * x[0] - 1 * x[1] + 3 * x[2];
	}
	CU_ASSERT_EQUAL_FATAL(linreg_fit(X, y, N, 3, &m, err), 0);
	ASSERT_CLOSE(m->coef[0], 2.0, 1e-4);
	ASSERT_CLOSE(m->coef[1], -1.0, 1e-4);
	ASSERT_CLOSE(m->coef[2], 3.0, 1e-9);
	ASSERT_CLOSE(m->intercept, 1.0, 1e-6);
	linreg_free(m);
}

/* Fewer samples than unknowns (2 samples, 3 features) still fits them. */
static void test_underdetermined(void)
{
	double X[6] = { 0, 1, 2, 1, 0, 5 }, y[2] = { 3, -1 };
	struct linreg_model *m = NULL;
	char err[ERR_LEN] = "";

	CU_ASSERT_EQUAL_FATAL(linreg_fit(X, y, 2, 3, &m, err), 0);
	ASSERT_CLOSE(linreg_predict_one(m, X), 3, 1e-9);
	ASSERT_CLOSE(linreg_predict_one(m, X + 3), -1, 1e-9);
	linreg_free(m);
}

static void test_export_import(void)
{
	double X[N * 2], y[N];
	struct linreg_model *m = NULL, *m2 = NULL;
	const struct param_entry *e;
	char err[ERR_LEN] = "";
	struct param_set ps;
	struct rng r;
	size_t i;

	rng_init(&r, 3, 0);
	for (i = 0; i < N; i++) {
		X[i * 2] = rng_uniform(&r);
		X[i * 2 + 1] = rng_uniform(&r);
		y[i] = X[i * 2] - 2 * X[i * 2 + 1] + 0.1 * rng_normal(&r);
	}
	CU_ASSERT_EQUAL_FATAL(linreg_fit(X, y, N, 2, &m, err), 0);
	param_set_init(&ps);
	CU_ASSERT_EQUAL_FATAL(linreg_export(m, &ps, err), 0);
	CU_ASSERT_EQUAL(ps.n, 2);
	e = param_set_find(&ps, "coef");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->type, PARAM_F64);
	CU_ASSERT_EQUAL(e->rank, 1);
	CU_ASSERT_EQUAL(e->shape[0], 2);
	CU_ASSERT_EQUAL(memcmp(e->data, m->coef, 2 * sizeof(double)), 0);
	CU_ASSERT_EQUAL_FATAL(linreg_import(&ps, &m2, err), 0);
	CU_ASSERT_EQUAL(m2->d, 2);
	CU_ASSERT_EQUAL(m2->intercept, m->intercept);
	for (i = 0; i < N; i++)
		CU_ASSERT_EQUAL(linreg_predict_one(m2, X + i * 2), linreg_predict_one(m, X + i * 2));

	/* the container refuses a second "coef" and a lookup of the wrong type */
	CU_ASSERT_EQUAL(param_set_add_scalar_f64(&ps, "coef", 1.0, err), -1);
	CU_ASSERT(strstr(err, "'coef'") != NULL);
	CU_ASSERT_EQUAL(param_set_get_scalar_i64(&ps, "intercept", &(int64_t){ 0 }, err), -1);
	CU_ASSERT(strstr(err, "float64") != NULL);
	/* a non-finite intercept is refused */
	*(double *)param_set_find(&ps, "intercept")->data = 1.0 / 0.0;
	linreg_free(m2);
	m2 = NULL;
	CU_ASSERT_EQUAL(linreg_import(&ps, &m2, err), -1);
	CU_ASSERT_STRING_EQUAL(err, "parameter 'intercept' is not finite");
	CU_ASSERT_PTR_NULL(m2);
	param_set_release(&ps);
	CU_ASSERT_EQUAL(ps.n, 0);

	/* a set without "coef" is refused */
	linreg_free(m2);
	param_set_init(&ps);
	CU_ASSERT_EQUAL(param_set_add_scalar_f64(&ps, "intercept", 1.0, err), 0);
	CU_ASSERT_EQUAL(linreg_import(&ps, &m2, err), -1);
	CU_ASSERT(m2 == NULL);
	CU_ASSERT(strstr(err, "'coef' is missing") != NULL);
	param_set_release(&ps);
	linreg_free(m);
}

static void test_bad_input(void)
{
	double X[4] = { 1, 2, 3, NAN }, y[2] = { 1, 2 };
	struct linreg_model *m = NULL;
	char err[ERR_LEN] = "";

	CU_ASSERT_EQUAL(linreg_fit(X, y, 0, 2, &m, err), -1);
	CU_ASSERT(strstr(err, "no training samples") != NULL);
	CU_ASSERT_EQUAL(linreg_fit(X, y, 2, 2, &m, err), -1);
	CU_ASSERT(strstr(err, "feature 1 of sample 1") != NULL);
	CU_ASSERT(m == NULL);
}

UNIT_SUITE("linreg", UNIT_TEST(test_exact_coefficients), UNIT_TEST(test_rank_deficient),
	   UNIT_TEST(test_near_collinear),
	   UNIT_TEST(test_underdetermined), UNIT_TEST(test_export_import),
	   UNIT_TEST(test_bad_input));
