/* test_select.c - Algorithm 1 on candidate sets built by hand, the average %
 * difference, paths, and the selection file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "h5io.h"
#include "select.h"
#include "unit.h"

#define EPS 0.05

/* The variant select_module picks for module among c[0 .. n). */
static const char *pick(const struct select_candidate *c, size_t n, const char *module,
			double eps_a, double eps_r, enum select_objective obj)
{
	char err[ERR_LEN] = "";
	size_t best = (size_t)-1;

	if (select_module(c, n, module, eps_a, eps_r, obj, &best, err) < 0 || best >= n)
		return "(error)";
	return c[best].variant;
}

/* rf is best on acc by far and on R²: it wins whatever the objective,
 * although lr is faster and smaller. */
static void test_clear_winner(void)
{
	static const struct select_candidate c[] = {
		{ "conv", "lr", 0.50, 0.30, 0.01, 3 },
		{ "conv", "rf", 0.90, 0.90, 80.0, 40000 },
		{ "conv", "medn", 0.70, 0.80, 0.40, 110 },
		{ "bn", "lr", 0.99, 0.99, 0.01, 3 }, /* another module: ignored */
	};

	CU_ASSERT_STRING_EQUAL(pick(c, 4, "conv", EPS, EPS, SELECT_TIME), "rf");
	CU_ASSERT_STRING_EQUAL(pick(c, 4, "conv", EPS, EPS, SELECT_SPACE), "rf");
	/* with eps_a = 0.4 lr and medn join Y_1 (0.90 - 0.50 = 0.40); R² keeps rf
	 * only (0.90 - 0.80 > 0.05) */
	CU_ASSERT_STRING_EQUAL(pick(c, 4, "conv", 0.4, EPS, SELECT_TIME), "rf");
	/* and with eps_r = 0.1 medn too (0.90 - 0.80 = 0.10): the faster one */
	CU_ASSERT_STRING_EQUAL(pick(c, 4, "conv", 0.4, 0.1, SELECT_TIME), "medn");
	/* everything within tolerance: the fastest, lr */
	CU_ASSERT_STRING_EQUAL(pick(c, 4, "conv", 1, 1, SELECT_TIME), "lr");
}

/* Line 7 takes the best R² within Y_1, not over all candidates: b has the
 * best R² but is out on accuracy, so a and c stay, and c is faster. */
static void test_r2_filter_on_y1(void)
{
	static const struct select_candidate c[] = {
		{ "conv", "medn", 0.90, 0.50, 5.0, 100 },
		{ "conv", "rf", 0.70, 0.99, 1.0, 100 },
		{ "conv", "mlp", 0.88, 0.47, 2.0, 100 },
	};

	CU_ASSERT_STRING_EQUAL(pick(c, 3, "conv", EPS, EPS, SELECT_TIME), "mlp");
}

/* Ties on the objective: higher acc, then higher R², then the fixed variant
 * order lr, rf, mlp, medn, medn-d, medn-xi, medn-xm, medn-r, lop. */
static void test_ties(void)
{
	static const struct select_candidate acc[] = {
		{ "bn", "medn-xm", 0.88, 0.90, 1.0, 20 },
		{ "bn", "medn", 0.90, 0.90, 1.0, 20 },
	};
	static const struct select_candidate r2[] = {
		{ "bn", "lr", 0.90, 0.88, 1.0, 20 },
		{ "bn", "medn-r", 0.90, 0.90, 1.0, 20 },
	};
	static const struct select_candidate name[] = {
		{ "bn", "lop", 0.90, 0.90, 1.0, 20 },
		{ "bn", "medn-r", 0.90, 0.90, 1.0, 20 },
		{ "bn", "medn-xm", 0.90, 0.90, 1.0, 20 },
		{ "bn", "mlp", 0.90, 0.90, 1.0, 20 },
		{ "bn", "medn-xi", 0.90, 0.90, 1.0, 20 },
	};

	CU_ASSERT_STRING_EQUAL(pick(acc, 2, "bn", EPS, EPS, SELECT_TIME), "medn");
	CU_ASSERT_STRING_EQUAL(pick(r2, 2, "bn", EPS, EPS, SELECT_SPACE), "medn-r");
	CU_ASSERT_STRING_EQUAL(pick(name, 5, "bn", EPS, EPS, SELECT_TIME), "mlp");
	CU_ASSERT_STRING_EQUAL(pick(name + 1, 2, "bn", EPS, EPS, SELECT_TIME), "medn-xm");
	CU_ASSERT_STRING_EQUAL(pick(name, 2, "bn", EPS, EPS, SELECT_TIME), "medn-r");
	/* the order does not depend on where a candidate sits in the array */
	CU_ASSERT_STRING_EQUAL(pick(name + 2, 3, "bn", EPS, EPS, SELECT_TIME), "mlp");
}

/* Exactly eps apart on paper is kept, whatever the rounding of the
 * difference; 0.0501 apart is dropped. */
static void test_eps_boundary(void)
{
	struct select_candidate c[] = {
		{ "linear", "rf", 0.80, 0.95, 10.0, 100 },
		{ "linear", "lr", 0.75, 0.95, 1.0, 3 },
	};

	CU_ASSERT(0.80 - 0.75 > 0.05); /* what the tolerance is for */
	CU_ASSERT_STRING_EQUAL(pick(c, 2, "linear", EPS, EPS, SELECT_TIME), "lr");
	c[1].acc = 0.7499;
	CU_ASSERT_STRING_EQUAL(pick(c, 2, "linear", EPS, EPS, SELECT_TIME), "rf");
	/* 0.85 - 0.80 rounds below 0.05: kept too */
	c[0].acc = 0.85;
	c[1].acc = 0.80;
	CU_ASSERT_STRING_EQUAL(pick(c, 2, "linear", EPS, EPS, SELECT_TIME), "lr");
	/* the same on R² */
	c[1].acc = 0.85;
	c[0].r2 = 0.80;
	c[1].r2 = 0.75;
	CU_ASSERT_STRING_EQUAL(pick(c, 2, "linear", EPS, EPS, SELECT_SPACE), "lr");
	c[1].r2 = 0.7499;
	CU_ASSERT_STRING_EQUAL(pick(c, 2, "linear", EPS, EPS, SELECT_SPACE), "rf");
	/* eps = 0: only the best (equal values still tie) */
	c[1].r2 = 0.80;
	CU_ASSERT_STRING_EQUAL(pick(c, 2, "linear", 0, 0, SELECT_TIME), "lr");
	c[1].acc = 0.8499;
	CU_ASSERT_STRING_EQUAL(pick(c, 2, "linear", 0, 0, SELECT_TIME), "rf");
}

/* The paper's bn-relu case: MLP is faster, MEDN-XM smaller. */
static void test_time_vs_space(void)
{
	static const struct select_candidate c[] = {
		{ "bn-relu", "mlp", 0.8275, 0.9907, 0.4295, 77 },
		{ "bn-relu", "medn-xm", 0.8300, 0.9750, 0.4820, 20 },
		{ "bn-relu", "lr", 0.2325, 0.3918, 0.1564, 3 },
	};

	CU_ASSERT_STRING_EQUAL(pick(c, 3, "bn-relu", EPS, EPS, SELECT_TIME), "mlp");
	CU_ASSERT_STRING_EQUAL(pick(c, 3, "bn-relu", EPS, EPS, SELECT_SPACE), "medn-xm");
}

/* NaN accuracy or R² never wins against a number; a NaN objective loses. */
static void test_nan(void)
{
	static const struct select_candidate c[] = {
		{ "maxpool", "medn", NAN, 0.9, 0.1, 10 },
		{ "maxpool", "rf", 0.5, 0.5, 10, 1000 },
		{ "maxpool", "lr", 0.5, 0.5, NAN, 3 },
	};

	CU_ASSERT_STRING_EQUAL(pick(c, 3, "maxpool", EPS, EPS, SELECT_TIME), "rf");
	CU_ASSERT_STRING_EQUAL(pick(c, 3, "maxpool", EPS, EPS, SELECT_SPACE), "lr");
	CU_ASSERT_STRING_EQUAL(pick(c, 1, "maxpool", EPS, EPS, SELECT_TIME), "medn");
}

static void test_eps_range(void)
{
	static const struct select_candidate c[] = { { "bn", "lr", 0.5, 0.5, 1, 1 } };
	char err[ERR_LEN] = "";
	size_t best;

	CU_ASSERT_EQUAL(select_module(c, 1, "bn", -0.01, EPS, SELECT_TIME, &best, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "eps_a is -0.01, expected a value in [0, 1]"));
	CU_ASSERT_EQUAL(select_module(c, 1, "bn", EPS, 1.01, SELECT_TIME, &best, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "eps_r is 1.01"));
	CU_ASSERT_EQUAL(select_module(c, 1, "bn", NAN, EPS, SELECT_TIME, &best, err), -1);
	CU_ASSERT_EQUAL(select_check_eps(0, "x", err), 0);
	CU_ASSERT_EQUAL(select_check_eps(1, "x", err), 0);
	CU_ASSERT_EQUAL(select_module(c, 1, "conv", EPS, EPS, SELECT_TIME, &best, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no candidate for module 'conv'"));
}

/* Every module, in the paper's order whatever the input order. */
static void test_all_modules(void)
{
	static const struct select_candidate c[] = {
		{ "maxpool", "rf", 0.74, 0.71, 80, 46000 },
		{ "linear", "lr", 0.96, 0.06, 0.07, 3 },
		{ "avgpool", "medn-xm", 0.70, 0.98, 0.41, 40 },
		{ "linear", "medn", 0.96, 0.03, 0.40, 40 },
		{ "maxpool", "medn", 0.64, 0.87, 0.42, 40 },
	};
	size_t chosen[5], nmod = 0;
	char err[ERR_LEN] = "";

	CU_ASSERT_EQUAL_FATAL(select_all(c, 5, EPS, EPS, SELECT_TIME, chosen, &nmod, err), 0);
	CU_ASSERT_EQUAL_FATAL(nmod, 3);
	/* modules in the paper's order: linear, maxpool, avgpool */
	CU_ASSERT_EQUAL(chosen[0], 1); /* linear: lr, as in the paper */
	CU_ASSERT_EQUAL(chosen[1], 0); /* maxpool: rf, 0.74 - 0.64 > eps */
	CU_ASSERT_EQUAL(chosen[2], 2); /* avgpool: medn-xm */
	CU_ASSERT(select_module_cmp("conv", "conv-relu") < 0);
	CU_ASSERT(select_module_cmp("conv-bn-relu", "bn") < 0);
	CU_ASSERT(select_module_cmp("maxpool", "avgpool") < 0);
	CU_ASSERT(select_module_cmp("maxpool", "zzz") < 0);
	CU_ASSERT(select_variant_cmp("medn-r", "lop") < 0);
	CU_ASSERT(select_variant_cmp("medn-xm", "medn-r") < 0);
}

/* 100 * (x - ref) / |ref|, averaged:
 *   (0.90 - 0.75) / 0.75 = +20 %, (0.5 - 0.5) / 0.5 = 0 %  -> +10 %
 *   (-0.1 - -0.2) / 0.2 = +50 % (above a negative reference is better)
 *   a zero reference is left out */
static void test_pct_diff(void)
{
	static const double x[] = { 0.90, 0.5, -0.1, 7 }, ref[] = { 0.75, 0.5, -0.2, 0 };
	static const double t6x[] = { 0.7, 0.85 }, t6r[] = { 0.6925, 0.8300 };
	size_t used = 0;

	ASSERT_CLOSE(select_pct_diff(x, ref, 2, &used), 10.0, 1e-12);
	CU_ASSERT_EQUAL(used, 2);
	ASSERT_CLOSE(select_pct_diff(x + 2, ref + 2, 1, NULL), 50.0, 1e-12);
	ASSERT_CLOSE(select_pct_diff(x, ref, 4, &used), 70.0 / 3, 1e-12);
	CU_ASSERT_EQUAL(used, 3);
	CU_ASSERT(isnan(select_pct_diff(x + 3, ref + 3, 1, &used)));
	CU_ASSERT_EQUAL(used, 0);
	/* (0.7 - 0.6925) / 0.6925 = 1.0830 %, (0.85 - 0.83) / 0.83 = 2.4096 %;
	 * mean 1.7463 % */
	ASSERT_CLOSE(select_pct_diff(t6x, t6r, 2, NULL), 1.7463355226, 1e-9);
}

static void test_paths(void)
{
	char buf[4200], err[ERR_LEN] = "";

	select_timing_path("data/x/static/evals/conv.medn.h5", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "data/x/static/evals/conv.medn.tps.h5");
	CU_ASSERT_EQUAL(select_model_path("data/evals/static/evals/conv.medn.h5", buf, sizeof(buf),
					  err), 0);
	CU_ASSERT_STRING_EQUAL(buf, "data/evals/static/models/conv.medn.h5");
	CU_ASSERT_EQUAL(select_model_path("evals/bn.lr.h5", buf, sizeof(buf), err), 0);
	CU_ASSERT_STRING_EQUAL(buf, "models/bn.lr.h5");
	CU_ASSERT_EQUAL(select_model_path("/tmp/bn.lr.h5", buf, sizeof(buf), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/tmp/bn.lr.h5: not in an 'evals' folder"));
	select_dataset_path("d/static/evals/conv-bn.medn-r.h5", "conv-bn", "elsewhere.h5", buf,
			    sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "d/static/conv-bn.h5");
	select_dataset_path("/tmp/e.h5", "conv-bn", "elsewhere.h5", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "elsewhere.h5");
	select_variant_label("medn-xm", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "MEDN-XM");
}

/* Both schemes on evaluations built in memory, written and read back. */
static void fill(struct select_eval *e, const char *module, const char *variant, double acc,
		 double r2, double tps, double size)
{
	char path[256];

	memset(e, 0, sizeof(*e));
	snprintf(path, sizeof(path), "d/static/evals/%s.%s.h5", module, variant);
	e->path = strdup(path);
	e->module = strdup(module);
	e->variant = strdup(variant);
	e->experiment = strdup("t");
	e->environment = strdup("static");
	e->dataset = strdup("d/static/x.h5");
	e->val_p20 = acc;
	e->val_r2 = r2;
	e->test_p20 = acc - 0.01; /* reported, not selected on */
	e->test_r2 = r2 - 0.01;
	e->tps_ms = tps;
	e->size_kb = size;
}

static void test_run_and_file(void)
{
	struct select_eval e[4];
	struct select_result r, back;
	char err[ERR_LEN] = "", path[4096];
	size_t i;

	h5_quiet();
	fill(&e[0], "bn-relu", "mlp", 0.8275, 0.9907, 0.4295, 77);
	fill(&e[1], "bn-relu", "medn-xm", 0.8300, 0.9750, 0.4820, 20);
	fill(&e[2], "bn-relu", "medn", 0.8300, 0.9750, 0.7895, 21);
	fill(&e[3], "avgpool", "lr", 0.1, 0.1, 0.07, 3);
	/* avgpool has no medn evaluation */
	CU_ASSERT_EQUAL(select_run(e, 4, EPS, EPS, &r, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no 'medn' evaluation of module 'avgpool'"));
	CU_ASSERT_EQUAL_FATAL(select_run(e, 3, EPS, EPS, &r, err), 0);
	CU_ASSERT_EQUAL_FATAL(r.n, 1);
	CU_ASSERT_STRING_EQUAL(r.time[0].variant, "mlp");
	CU_ASSERT_STRING_EQUAL(r.space[0].variant, "medn-xm");
	CU_ASSERT_STRING_EQUAL(r.space[0].model, "d/static/models/bn-relu.medn-xm.h5");
	ASSERT_CLOSE(r.time[0].test_acc, 0.8175, 1e-12);

	snprintf(path, sizeof(path), "%s/selection.h5", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(select_write(&r, path, err), 0);
	CU_ASSERT_EQUAL_FATAL(select_read(&back, path, err), 0);
	CU_ASSERT_EQUAL(back.n, 1);
	CU_ASSERT_STRING_EQUAL(back.experiment, "t");
	CU_ASSERT_STRING_EQUAL(back.environment, "static");
	CU_ASSERT_EQUAL(back.eps_a, EPS);
	CU_ASSERT_STRING_EQUAL(back.time[0].module, "bn-relu");
	CU_ASSERT_STRING_EQUAL(back.time[0].variant, "mlp");
	CU_ASSERT_STRING_EQUAL(back.space[0].model, "d/static/models/bn-relu.medn-xm.h5");
	CU_ASSERT_EQUAL(back.space[0].size_kb, 20);
	CU_ASSERT_EQUAL(back.time[0].tps_ms, 0.4295);
	CU_ASSERT_PTR_NOT_NULL(select_find(back.time, back.n, "bn-relu"));
	CU_ASSERT_PTR_NULL(select_find(back.time, back.n, "conv"));
	select_result_release(&back);
	select_result_release(&r);
	/* not a selection file */
	CU_ASSERT_EQUAL(select_read(&back, "/nonexistent/selection.h5", err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/selection.h5"));
	for (i = 0; i < 4; i++)
		select_eval_release(&e[i]);
}

UNIT_SUITE("select", UNIT_TEST(test_clear_winner), UNIT_TEST(test_r2_filter_on_y1),
	   UNIT_TEST(test_ties), UNIT_TEST(test_eps_boundary), UNIT_TEST(test_time_vs_space),
	   UNIT_TEST(test_nan), UNIT_TEST(test_eps_range), UNIT_TEST(test_all_modules),
	   UNIT_TEST(test_pct_diff), UNIT_TEST(test_paths), UNIT_TEST(test_run_and_file));
