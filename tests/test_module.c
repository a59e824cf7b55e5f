/* Inferable parameters against values worked out by hand. */
#include "module.h"
#include "unit.h"

static void test_conv(void)
{
	/* N=3, C_i=11, C_o=23, L=32, K=1, S=2: P=0, Lo=(32-1)/2+1=16
	 * data 3*11*32*32=33792, weights 23*11*1+23=276, out 3*23*16*16=17664,
	 * flops 17664*(2*11*1+1)=406272 */
	struct module_shape m = { MODULE_CONV, 3, 11, 23, 32, 1, 2 };

	CU_ASSERT_EQUAL(module_out_hw(&m), 16);
	ASSERT_CLOSE(module_data_size(&m), 33792, 0);
	ASSERT_CLOSE(module_param_count(&m), 276, 0);
	ASSERT_CLOSE(module_out_size(&m), 17664, 0);
	ASSERT_CLOSE(module_flops(&m), 406272, 0);
}

static void test_conv_bn_relu(void)
{
	/* N=2, C_i=4, C_o=8, L=7, K=3, S=1: P=1, Lo=(7+2-3)/1+1=7
	 * weights 8*4*9+8=296 (+bn 2*8=16) = 312; out 2*8*49=784;
	 * flops conv 784*(2*4*9+1)=57232, bn 2*784=1568, relu 784: 59584 */
	struct module_shape m = { MODULE_CONV_BN_RELU, 2, 4, 8, 7, 3, 1 };

	CU_ASSERT_EQUAL(module_padding(&m), 1);
	CU_ASSERT_EQUAL(module_out_hw(&m), 7);
	ASSERT_CLOSE(module_param_count(&m), 312, 0);
	ASSERT_CLOSE(module_out_size(&m), 784, 0);
	ASSERT_CLOSE(module_flops(&m), 59584, 0);
	/* bytes: 4*(2*4*49 + 784 + 312) = 4*1488 = 5952 */
	ASSERT_CLOSE(module_bytes(&m), 5952, 0);
}

static void test_conv_stride4_k9(void)
{
	/* L=7, K=9, S=4: P=4, Lo=(7+8-9)/4+1=2 */
	struct module_shape m = { MODULE_CONV_RELU, 1, 3, 5, 7, 9, 4 };

	CU_ASSERT_EQUAL(module_out_hw(&m), 2);
	/* flops: out 1*5*4=20 -> 20*(2*3*81+1) = 9740, relu 20 -> 9760 */
	ASSERT_CLOSE(module_flops(&m), 9760, 0);
}

static void test_bn(void)
{
	/* N=4, C=16, L=14: data 12544, weights 32, out 12544, flops 2*12544 */
	struct module_shape m = { MODULE_BN, 4, 16, 0, 14, 0, 0 };
	struct module_shape r = { MODULE_BN_RELU, 4, 16, 0, 14, 0, 0 };

	ASSERT_CLOSE(module_data_size(&m), 12544, 0);
	ASSERT_CLOSE(module_param_count(&m), 32, 0);
	ASSERT_CLOSE(module_out_size(&m), 12544, 0);
	ASSERT_CLOSE(module_flops(&m), 25088, 0);
	ASSERT_CLOSE(module_flops(&r), 37632, 0);
}

static void test_linear(void)
{
	/* N=5, C_i=100, C_o=10: data 500, weights 1010, out 50,
	 * flops 50*(2*100+1) = 10050 */
	struct module_shape m = { MODULE_LINEAR, 5, 100, 10, 0, 0, 0 };

	ASSERT_CLOSE(module_data_size(&m), 500, 0);
	ASSERT_CLOSE(module_param_count(&m), 1010, 0);
	ASSERT_CLOSE(module_out_size(&m), 50, 0);
	ASSERT_CLOSE(module_flops(&m), 10050, 0);
}

static void test_pools(void)
{
	/* maxpool N=2, C=3, L=13, K=3, S=2: P=0, Lo=(13-3)/2+1=6,
	 * out 2*3*36=216, flops 216*9=1944, no weights */
	struct module_shape m = { MODULE_MAXPOOL, 2, 3, 0, 13, 3, 2 };
	struct module_shape big = { MODULE_AVGPOOL, 1, 3, 0, 7, 9, 1 };

	CU_ASSERT_EQUAL(module_out_hw(&m), 6);
	ASSERT_CLOSE(module_out_size(&m), 216, 0);
	ASSERT_CLOSE(module_flops(&m), 1944, 0);
	ASSERT_CLOSE(module_param_count(&m), 0, 0);
	CU_ASSERT(module_out_hw(&big) <= 0); /* kernel 9 > input 7 */
}

static void test_names(void)
{
	enum module_kind k;
	int i;

	for (i = 0; i < MODULE_COUNT; i++) {
		CU_ASSERT_EQUAL(module_from_name(module_name((enum module_kind)i), &k), 0);
		CU_ASSERT_EQUAL((int)k, i);
	}
	CU_ASSERT_EQUAL(module_from_name("conv_bn", &k), -1);
	CU_ASSERT_STRING_EQUAL(module_name(MODULE_CONV_BN_RELU), "conv-bn-relu");
}

UNIT_SUITE("module", UNIT_TEST(test_conv), UNIT_TEST(test_conv_bn_relu),
	   UNIT_TEST(test_conv_stride4_k9), UNIT_TEST(test_bn), UNIT_TEST(test_linear),
	   UNIT_TEST(test_pools), UNIT_TEST(test_names));
