/* Network descriptions: the shapes of real networks worked out by hand, the
 * chain of shapes, and every kind of bad line named by file and line; the
 * one-line query format of predict --stdin. */
#include <stdio.h>
#include <string.h>

#include "modlat.h"
#include "unit.h"

static struct modlat_network *parse(const char *text, char *err)
{
	return modlat_network_parse(text, "t.net", err);
}

static void expect_bad(const char *text, const char *msg)
{
	char err[MODLAT_ERR_LEN] = "";
	struct modlat_network *net = parse(text, err);

	CU_ASSERT_PTR_NULL(net);
	modlat_network_free(net);
	if (!strstr(err, msg))
		fprintf(stderr, "\nexpected '%s' in: %s\n", msg, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
}

static void test_shapes(void)
{
	char err[MODLAT_ERR_LEN];
	const char *text = "# a comment line\n"
			   "network small\n"
			   "input channels=3 hw=32\n"
			   "conv-bn-relu cout=16 kernel=3 stride=2 as=a   # 32 -> 16\n"
			   "conv-bn cout=16 kernel=3 stride=1\n"
			   "add from=a relu as=b\n"
			   "conv cout=8 kernel=1 stride=1 from=b as=x\n"
			   "\n"
			   "maxpool kernel=3 stride=1 from=b   # 16 -> 14\n"
			   "avgpool kernel=2 stride=2          # 14 -> 7\n"
			   "conv cout=4 kernel=5 stride=2 from=x   # pad 2: (16 + 4 - 5) / 2 + 1 = 8\n"
			   "conv cout=4 kernel=1 stride=1 from=x as=y\n"
			   "concat from=x,y,b\n"
			   "gpool\n"
			   "flatten\n"
			   "linear cout=10\n"
			   "relu\n";
	struct modlat_network *net = parse(text, err);
	const struct modlat_layer *l;
	size_t n;
	long c, hw;

	CU_ASSERT_PTR_NOT_NULL_FATAL(net);
	CU_ASSERT_STRING_EQUAL(modlat_network_name(net), "small");
	CU_ASSERT_STRING_EQUAL(modlat_network_source(net), "t.net");
	l = modlat_network_layers(net, &n, &c, &hw);
	CU_ASSERT_EQUAL_FATAL(n, 13);
	CU_ASSERT_EQUAL(c, 3);
	CU_ASSERT_EQUAL(hw, 32);
	CU_ASSERT_EQUAL(l[0].line, 4);
	CU_ASSERT_EQUAL(l[0].kind, MODLAT_CONV_BN_RELU);
	CU_ASSERT_EQUAL(l[0].cin, 3);
	CU_ASSERT_EQUAL(l[0].hw, 32);
	CU_ASSERT_EQUAL(l[0].out_hw, 16);
	CU_ASSERT_EQUAL(l[0].inputs[0], -1);
	CU_ASSERT_EQUAL(l[2].op, MODLAT_OP_ADD);
	CU_ASSERT_EQUAL(l[2].relu, 1);
	CU_ASSERT_EQUAL(l[2].ninputs, 2);
	CU_ASSERT_EQUAL(l[2].inputs[0], 1); /* the previous line's output ... */
	CU_ASSERT_EQUAL(l[2].inputs[1], 0); /* ... plus a */
	CU_ASSERT_EQUAL(l[3].inputs[0], 2);
	CU_ASSERT_EQUAL(l[3].cin, 16);
	CU_ASSERT_EQUAL(l[4].line, 9);  /* the blank line counts */
	CU_ASSERT_EQUAL(l[4].out_hw, 14);
	CU_ASSERT_EQUAL(l[5].out_hw, 7);
	CU_ASSERT_EQUAL(l[6].hw, 16);
	CU_ASSERT_EQUAL(l[6].out_hw, 8);
	CU_ASSERT_EQUAL(l[8].op, MODLAT_OP_CONCAT);
	CU_ASSERT_EQUAL(l[8].ninputs, 3);
	CU_ASSERT_EQUAL(l[8].out_c, 8 + 4 + 16);
	CU_ASSERT_EQUAL(l[8].out_hw, 16);
	CU_ASSERT_EQUAL(l[9].out_hw, 1);
	CU_ASSERT_EQUAL(l[10].out_c, 28);
	CU_ASSERT_EQUAL(l[10].out_hw, 0);
	CU_ASSERT_EQUAL(l[11].cin, 28);
	CU_ASSERT_EQUAL(l[11].out_c, 10);
	CU_ASSERT_EQUAL(l[12].op, MODLAT_OP_RELU);
	modlat_network_free(net);
	modlat_network_free(NULL);
}

/* The shipped descriptions: layer counts and the shapes that the published
 * architectures fix (ResNet-50: 53 convolutions, 2048 features into fc). */
static void test_shipped(void)
{
	static const struct {
		const char *file;
		size_t modules, glue;
		long fc_in; /* the last linear layer's input features */
	} want[] = {
		{ "networks/alexnet.net", 11, 3, 4096 },
		{ "networks/vgg16.net", 21, 3, 4096 },
		{ "networks/resnet18.net", 22, 10, 512 },
		{ "networks/resnet34.net", 38, 18, 512 },
		{ "networks/resnet50.net", 55, 18, 2048 },
		{ "networks/squeezenet.net", 29, 10, 0 },
	};
	char err[MODLAT_ERR_LEN];
	size_t k, i, n, mods, glue;

	for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		struct modlat_network *net = modlat_network_read(want[k].file, err);
		const struct modlat_layer *l;
		long fc = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(net);
		l = modlat_network_layers(net, &n, NULL, NULL);
		for (i = mods = glue = 0; i < n; i++) {
			mods += l[i].op == MODLAT_OP_MODULE;
			glue += l[i].op != MODLAT_OP_MODULE;
			if (l[i].op == MODLAT_OP_MODULE && l[i].kind == MODLAT_LINEAR)
				fc = l[i].cin;
		}
		if (mods != want[k].modules || glue != want[k].glue || fc != want[k].fc_in)
			fprintf(stderr, "\n%s: %zu modules, %zu glue, fc in %ld\n", want[k].file,
				mods, glue, fc);
		CU_ASSERT_EQUAL(mods, want[k].modules);
		CU_ASSERT_EQUAL(glue, want[k].glue);
		CU_ASSERT_EQUAL(fc, want[k].fc_in);
		/* every network ends in 1000 classes */
		CU_ASSERT_EQUAL(l[n - 1].out_c, 1000);
		modlat_network_free(net);
	}
	/* VGG-16's flatten: 512 x 7 x 7 */
	{
		struct modlat_network *net = modlat_network_read("networks/vgg16.net", err);
		const struct modlat_layer *l = modlat_network_layers(net, &n, NULL, NULL);

		for (i = 0; i < n && l[i].op != MODLAT_OP_FLATTEN; i++)
			;
		CU_ASSERT_EQUAL_FATAL(i < n, 1);
		CU_ASSERT_EQUAL(l[i].out_c, 512 * 7 * 7);
		modlat_network_free(net);
	}
}

static void test_bad(void)
{
	const char *in = "input channels=3 hw=8\n";
	char text[512];

	expect_bad("", "t.net: no 'input channels=C hw=L' line");
	expect_bad(in, "t.net: no layers after the input line");
	expect_bad("conv cout=4 kernel=3 stride=1\n", "t.net:1: 'conv' before the 'input");
	expect_bad("input channels=3\nconv cout=4\n", "t.net:1: 'input' needs channels=C and hw=L");
	expect_bad("input channels=0 hw=8\n", "t.net:1: input channels '0'");
	snprintf(text, sizeof(text), "%s\nconv2d cout=4 kernel=3 stride=1\n", in);
	expect_bad(text, "t.net:3: unknown layer 'conv2d'");
	snprintf(text, sizeof(text), "%sconv cout=4 kernel=3\n", in);
	expect_bad(text, "t.net:2: conv needs kernel= and stride=");
	snprintf(text, sizeof(text), "%sconv cout=4 kernel=3 stride=1 pad=1\n", in);
	expect_bad(text, "t.net:2: unknown key 'pad'");
	snprintf(text, sizeof(text), "%sconv cout=4.5 kernel=3 stride=1\n", in);
	expect_bad(text, "t.net:2: cout '4.5'");
	snprintf(text, sizeof(text), "%sconv cout=4 kernel=3 stride=1 bogus\n", in);
	expect_bad(text, "t.net:2: 'bogus' is not key=value");
	/* shapes that do not chain: both lines named */
	snprintf(text, sizeof(text), "%sconv-relu cout=4 kernel=3 stride=1\nbn cin=8\n", in);
	expect_bad(text, "t.net:3: cin 8 does not chain: line 2 (conv-relu) gives 4");
	snprintf(text, sizeof(text), "%sconv cout=4 kernel=3 stride=2 as=a\nconv cout=4 kernel=3 "
		 "stride=1 from=input\nadd from=a\n", in);
	expect_bad(text, "t.net:4: hw 8 does not chain: line 2 (conv) gives 4");
	snprintf(text, sizeof(text), "%sconv cout=4 kernel=3 stride=1\nlinear cout=3\n", in);
	expect_bad(text, "t.net:3: linear needs a flat input, but line 2 (conv) gives (N, C, L, L)");
	snprintf(text, sizeof(text), "%sflatten\nconv cout=4 kernel=3 stride=1\n", in);
	expect_bad(text, "t.net:3: conv needs an (N, C, L, L) input");
	snprintf(text, sizeof(text), "%smaxpool kernel=9 stride=1\n", in);
	expect_bad(text, "t.net:2: kernel 9 does not fit the input's hw 8");
	snprintf(text, sizeof(text), "%sconv cout=4 kernel=3 stride=1 from=nowhere\n", in);
	expect_bad(text, "t.net:2: from='nowhere': no earlier line is named so");
	snprintf(text, sizeof(text), "%sbn as=a\nbn as=a\n", in);
	expect_bad(text, "t.net:3: as='a': the name is taken");
	snprintf(text, sizeof(text), "%sbn\nadd\n", in);
	expect_bad(text, "t.net:3: add needs from=NAME");
	snprintf(text, sizeof(text), "%sbn as=a\nconcat from=a\n", in);
	expect_bad(text, "t.net:3: concat needs at least two tensors");
	snprintf(text, sizeof(text), "%sbn cout=4\n", in);
	expect_bad(text, "t.net:2: bn has no cout");
	snprintf(text, sizeof(text), "%sconv cout=4 kernel=3 stride=1 hw=9\n", in);
	expect_bad(text, "t.net:2: hw 9 does not chain: the input gives 8");
	CU_ASSERT_PTR_NULL(modlat_network_read("tests/no-such.net", text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "tests/no-such.net: cannot open"));
}

static void test_query(void)
{
	struct modlat_module m;
	char err[MODLAT_ERR_LEN], name[32];

	CU_ASSERT_EQUAL_FATAL(modlat_query_parse("conv-bn batch=8 cin=3 cout=16 hw=32 kernel=3 "
						 "stride=2 util=0.25 mem_avail=2e10\n",
						 &m, name, sizeof(name), err), 0);
	CU_ASSERT_STRING_EQUAL(m.name, "conv-bn");
	CU_ASSERT_EQUAL(m.batch, 8);
	CU_ASSERT_EQUAL(m.cout, 16);
	CU_ASSERT_EQUAL(m.stride, 2);
	CU_ASSERT_EQUAL(m.util, 0.25);
	CU_ASSERT_EQUAL(m.mem_avail, 2e10);
	CU_ASSERT_EQUAL(m.flags, MODLAT_STATE_GIVEN);
	CU_ASSERT_EQUAL(modlat_query_parse("bn batch=2", &m, name, sizeof(name), err), 0);
	CU_ASSERT_EQUAL(m.cin, 0); /* not given */
	CU_ASSERT_EQUAL(m.flags, 0);
	CU_ASSERT(isnan(m.util));
	CU_ASSERT_EQUAL(modlat_query_parse("   ", &m, name, sizeof(name), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "blank query"));
	CU_ASSERT_EQUAL(modlat_query_parse("conv3d batch=1", &m, name, sizeof(name), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown module 'conv3d'"));
	CU_ASSERT_EQUAL(modlat_query_parse("conv batch=0", &m, name, sizeof(name), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "batch '0'"));
	CU_ASSERT_EQUAL(modlat_query_parse("conv util=1.5", &m, name, sizeof(name), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "util '1.5'"));
	CU_ASSERT_EQUAL(modlat_query_parse("conv mem_avail=nan", &m, name, sizeof(name), err), -1);
	CU_ASSERT_EQUAL(modlat_query_parse("conv depth=3", &m, name, sizeof(name), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown key 'depth'"));
	CU_ASSERT_EQUAL(modlat_query_parse("conv 3", &m, name, sizeof(name), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'3' is not key=value"));
}

UNIT_SUITE("network", UNIT_TEST(test_shapes), UNIT_TEST(test_shipped), UNIT_TEST(test_bad),
	   UNIT_TEST(test_query));
