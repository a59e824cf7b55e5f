/* The sampler stays in its ranges, honours the caps, splits 7:1:2, and is
 * deterministic. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dataset.h"
#include "err.h"
#include "sample.h"
#include "unit.h"

static struct sampling small(void)
{
	struct sampling s = {
		.count = 2000,
		.batch = { 1, 64 },
		.cin = { 3, 512 },
		.cout = { 3, 512 },
		.hw = { { 224, 56, 14, 7 }, 4 },
		.kernel = { { 1, 3, 5, 7, 9 }, 5 },
		.stride = { { 1, 2, 4 }, 3 },
		.flop_cap = 1e8,
		.mem_cap_mb = 16,
	};
	return s;
}

static int in_set(long v, const struct int_set *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == v)
			return 1;
	return 0;
}

static void test_ranges_and_caps(void)
{
	struct sampling s = small();
	struct module_shape *sh = calloc((size_t)s.count, sizeof(*sh));
	struct sample_stats st;
	char err[ERR_LEN];
	long i, bad = 0;

	CU_ASSERT_EQUAL_FATAL(sample_shapes(&s, MODULE_CONV_BN, 1, sh, &st, err), 0);
	for (i = 0; i < s.count; i++) {
		bad += sh[i].batch < 1 || sh[i].batch > 64 || sh[i].cin < 3 || sh[i].cin > 512 ||
		       sh[i].cout < 3 || sh[i].cout > 512 || !in_set(sh[i].hw, &s.hw) ||
		       !in_set(sh[i].kernel, &s.kernel) || !in_set(sh[i].stride, &s.stride) ||
		       module_flops(&sh[i]) > s.flop_cap ||
		       module_bytes(&sh[i]) > s.mem_cap_mb * 1048576.0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* with these caps most uniform draws are far too big */
	CU_ASSERT(st.rejected_flops > s.count);
	free(sh);
}

static void test_pool_shapes(void)
{
	struct sampling s = small();
	struct module_shape *sh;
	struct sample_stats st;
	char err[ERR_LEN];
	long i, bad = 0;

	s.hw.v[0] = 7; /* only tiny inputs: K = 9 is impossible */
	s.hw.n = 1;
	s.count = 500;
	sh = calloc((size_t)s.count, sizeof(*sh));
	CU_ASSERT_EQUAL_FATAL(sample_shapes(&s, MODULE_MAXPOOL, 3, sh, &st, err), 0);
	for (i = 0; i < s.count; i++)
		bad += sh[i].kernel > 7 || sh[i].cout != 0 || module_out_hw(&sh[i]) <= 0;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(st.rejected_shape > 0);
	free(sh);
}

static void test_impossible_caps(void)
{
	struct sampling s = small();
	struct module_shape sh[4];
	struct sample_stats st;
	char err[ERR_LEN] = "";

	s.count = 4;
	s.flop_cap = 1; /* nothing fits */
	CU_ASSERT_EQUAL(sample_shapes(&s, MODULE_CONV, 1, sh, &st, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "raise the caps"));
}

/* Both ends of every range and set are drawn. */
static void test_range_ends_drawn(void)
{
	struct sampling s = small();
	struct module_shape sh[400];
	struct sample_stats st;
	char err[ERR_LEN];
	int seen[6][2] = { { 0 } }, i;

	s.count = 400;
	s.batch[0] = 1, s.batch[1] = 2;
	s.cin[0] = 3, s.cin[1] = 4;
	s.cout[0] = 5, s.cout[1] = 6;
	s.hw.v[0] = 7, s.hw.v[1] = 8, s.hw.n = 2;
	s.kernel.v[0] = 1, s.kernel.v[1] = 3, s.kernel.n = 2;
	s.stride.v[0] = 1, s.stride.v[1] = 2, s.stride.n = 2;
	s.flop_cap = 1e18;
	s.mem_cap_mb = 1e9;
	CU_ASSERT_EQUAL_FATAL(sample_shapes(&s, MODULE_CONV, 5, sh, &st, err), 0);
	for (i = 0; i < s.count; i++) {
		seen[0][sh[i].batch == 2]++;
		seen[1][sh[i].cin == 4]++;
		seen[2][sh[i].cout == 6]++;
		seen[3][sh[i].hw == 8]++;
		seen[4][sh[i].kernel == 3]++;
		seen[5][sh[i].stride == 2]++;
	}
	for (i = 0; i < 6; i++)	/* 400 fair draws: each end about 200 times */
		CU_ASSERT(seen[i][0] > 120 && seen[i][1] > 120);
}

/* The caps are inclusive and exact: a shape whose FLOPs and bytes equal the
 * caps is kept; one byte less of memory cap rejects it. */
static void test_caps_exact(void)
{
	struct sampling s = small();
	struct module_shape one = { .kind = MODULE_CONV }, sh[3];
	struct sample_stats st;
	char err[ERR_LEN] = "";

	one.batch = 2, one.cin = 3, one.cout = 5, one.hw = 8, one.kernel = 3, one.stride = 1;
	s.count = 3;
	s.batch[0] = s.batch[1] = 2;
	s.cin[0] = s.cin[1] = 3;
	s.cout[0] = s.cout[1] = 5;
	s.hw.v[0] = 8, s.hw.n = 1;
	s.kernel.v[0] = 3, s.kernel.n = 1;
	s.stride.v[0] = 1, s.stride.n = 1;
	s.flop_cap = module_flops(&one);
	s.mem_cap_mb = module_bytes(&one) / 1048576.0;
	CU_ASSERT_EQUAL_FATAL(sample_shapes(&s, MODULE_CONV, 1, sh, &st, err), 0);
	CU_ASSERT_EQUAL(st.rejected_flops + st.rejected_mem + st.rejected_shape, 0);
	CU_ASSERT_EQUAL(sh[2].cout, 5);
	s.mem_cap_mb = (module_bytes(&one) - 1) / 1048576.0;
	CU_ASSERT_EQUAL(sample_shapes(&s, MODULE_CONV, 1, sh, &st, err), -1);
	CU_ASSERT(st.rejected_mem > 0 && st.rejected_flops == 0);
	s.mem_cap_mb = module_bytes(&one) / 1048576.0;
	s.flop_cap = module_flops(&one) - 1;
	CU_ASSERT_EQUAL(sample_shapes(&s, MODULE_CONV, 1, sh, &st, err), -1);
	CU_ASSERT(st.rejected_flops > 0 && st.rejected_mem == 0);
}

static void test_split_ratio(void)
{
	int ratio[3] = { 7, 1, 2 };
	uint8_t split[1000], again[1000];
	int count[3] = { 0, 0, 0 }, i;

	dataset_assign_split(split, 1000, ratio, 11);
	for (i = 0; i < 1000; i++)
		count[split[i]]++;
	CU_ASSERT_EQUAL(count[0], 700);
	CU_ASSERT_EQUAL(count[1], 100);
	CU_ASSERT_EQUAL(count[2], 200);
	dataset_assign_split(again, 1000, ratio, 11);
	CU_ASSERT(!memcmp(split, again, sizeof(split)));
	dataset_assign_split(again, 1000, ratio, 12);
	CU_ASSERT(memcmp(split, again, sizeof(split)) != 0);
	/* rounded to the nearest: 5 rows at 7:1:2 are 3.5, 0.5, 1 -> 4, 1, 0 */
	dataset_assign_split(again, 5, ratio, 11);
	for (i = 0, count[0] = count[1] = count[2] = 0; i < 5; i++)
		count[again[i]]++;
	CU_ASSERT(count[0] == 4 && count[1] == 1 && count[2] == 0);
	/* shuffled, not striped: the first 100 rows hold some non-train rows */
	for (i = 0, count[1] = 0; i < 100; i++)
		count[1] += split[i] != 0;
	CU_ASSERT(count[1] > 5);
}

static void test_dataset_features(void)
{
	struct experiment x;
	struct dataset ds;
	char err[ERR_LEN];
	size_t i;

	memset(&x, 0, sizeof(x));
	x.seed = 3;
	x.split[0] = 7, x.split[1] = 1, x.split[2] = 2;
	x.sampling[MODULE_LINEAR] = small();
	x.sampling[MODULE_LINEAR].count = 40;
	CU_ASSERT_EQUAL_FATAL(sample_dataset(&x, MODULE_LINEAR, "t", &ds, err), 0);
	CU_ASSERT_EQUAL(ds.d, 7); /* batch cin cout data_size param_count flops out_size */
	CU_ASSERT_STRING_EQUAL(ds.names[0], "batch");
	CU_ASSERT_STRING_EQUAL(ds.names[3], "data_size");
	CU_ASSERT_STRING_EQUAL(ds.kinds[2], "sampling");
	CU_ASSERT_STRING_EQUAL(ds.kinds[6], "inferable");
	for (i = 0; i < ds.n; i++) {
		const double *r = &ds.features[i * ds.d];

		ASSERT_CLOSE(r[3], r[0] * r[1], 0);               /* N * C_i */
		ASSERT_CLOSE(r[4], r[1] * r[2] + r[2], 0);        /* weights + bias */
		ASSERT_CLOSE(r[6], r[0] * r[2], 0);               /* N * C_o */
		ASSERT_CLOSE(r[5], r[6] * (2 * r[1] + 1), 0);
	}
	dataset_release(&ds);
}

UNIT_SUITE("sample", UNIT_TEST(test_ranges_and_caps), UNIT_TEST(test_pool_shapes),
	   UNIT_TEST(test_impossible_caps), UNIT_TEST(test_range_ends_drawn),
	   UNIT_TEST(test_caps_exact), UNIT_TEST(test_split_ratio),
	   UNIT_TEST(test_dataset_features));
