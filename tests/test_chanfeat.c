/* test_chanfeat.c - the channel-alignment features for hand-worked counts. */
#include <string.h>

#include "chanfeat.h"
#include "unit.h"

static void test_values_by_hand(void)
{
	/* C, then ceil8, ceil16, div8, div16, pow2 */
	static const double cases[][6] = {
		{ 1, 8, 16, 0, 0, 1 },     { 3, 8, 16, 0, 0, 1 },      { 4, 8, 16, 0, 0, 4 },
		{ 8, 8, 16, 1, 0, 8 },     { 12, 16, 16, 0, 0, 4 },    { 16, 16, 16, 1, 1, 16 },
		{ 17, 24, 32, 0, 0, 1 },   { 24, 24, 32, 1, 0, 8 },    { 96, 96, 96, 1, 1, 32 },
		{ 295, 296, 304, 0, 0, 1 }, { 500, 504, 512, 0, 0, 4 }, { 512, 512, 512, 1, 1, 512 },
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (k = 0; k < CHANFEAT_COUNT; k++)
			CU_ASSERT_EQUAL(chanfeat_value((enum chanfeat_op)k, cases[i][0]),
					cases[i][k + 1]);
	/* not a count: taken as 1 */
	CU_ASSERT_EQUAL(chanfeat_value(CHANFEAT_POW2, 0), 1);
	CU_ASSERT_EQUAL(chanfeat_value(CHANFEAT_CEIL16, -5), 16);
}

static void test_names(void)
{
	enum chanfeat_op op;
	int b;

	CU_ASSERT_EQUAL(chanfeat_parse("cin_ceil8", &b, &op), 0);
	CU_ASSERT(b == 0 && op == CHANFEAT_CEIL8);
	CU_ASSERT_EQUAL(chanfeat_parse("cout_pow2", &b, &op), 0);
	CU_ASSERT(b == 1 && op == CHANFEAT_POW2);
	CU_ASSERT_EQUAL(chanfeat_parse("cout_div16", &b, &op), 0);
	CU_ASSERT(b == 1 && op == CHANFEAT_DIV16);
	CU_ASSERT_EQUAL(chanfeat_parse("cin", &b, &op), -1);
	CU_ASSERT_EQUAL(chanfeat_parse("hw_ceil8", &b, &op), -1);
	CU_ASSERT_EQUAL(chanfeat_parse("cin_ceil8x", &b, &op), -1);
	CU_ASSERT_STRING_EQUAL(chanfeat_suffix(CHANFEAT_DIV8), "_div8");
}

UNIT_SUITE("chanfeat", UNIT_TEST(test_values_by_hand), UNIT_TEST(test_names));
