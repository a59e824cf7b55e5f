#include "module.h"

#include <string.h>

static const char *const names[MODULE_COUNT] = {
	[MODULE_CONV] = "conv",
	[MODULE_CONV_RELU] = "conv-relu",
	[MODULE_CONV_BN] = "conv-bn",
	[MODULE_CONV_BN_RELU] = "conv-bn-relu",
	[MODULE_BN] = "bn",
	[MODULE_BN_RELU] = "bn-relu",
	[MODULE_LINEAR] = "linear",
	[MODULE_MAXPOOL] = "maxpool",
	[MODULE_AVGPOOL] = "avgpool",
};

const char *module_name(enum module_kind kind)
{
	return (unsigned)kind < MODULE_COUNT ? names[kind] : "?";
}

int module_from_name(const char *name, enum module_kind *kind)
{
	int i;

	for (i = 0; i < MODULE_COUNT; i++)
		if (!strcmp(name, names[i])) {
			*kind = (enum module_kind)i;
			return 0;
		}
	return -1;
}

int module_has_conv(enum module_kind k)
{
	return k == MODULE_CONV || k == MODULE_CONV_RELU || k == MODULE_CONV_BN ||
	       k == MODULE_CONV_BN_RELU;
}

int module_has_bn(enum module_kind k)
{
	return k == MODULE_CONV_BN || k == MODULE_CONV_BN_RELU || k == MODULE_BN ||
	       k == MODULE_BN_RELU;
}

int module_has_relu(enum module_kind k)
{
	return k == MODULE_CONV_RELU || k == MODULE_CONV_BN_RELU || k == MODULE_BN_RELU;
}

static int is_pool(enum module_kind k)
{
	return k == MODULE_MAXPOOL || k == MODULE_AVGPOOL;
}

int module_has_weights(enum module_kind k)
{
	return !is_pool(k);
}

unsigned module_params(enum module_kind k)
{
	if (module_has_conv(k))
		return PARAM_BATCH | PARAM_CIN | PARAM_COUT | PARAM_HW | PARAM_KERNEL | PARAM_STRIDE;
	if (is_pool(k))
		return PARAM_BATCH | PARAM_CIN | PARAM_HW | PARAM_KERNEL | PARAM_STRIDE;
	if (k == MODULE_LINEAR)
		return PARAM_BATCH | PARAM_CIN | PARAM_COUT;
	return PARAM_BATCH | PARAM_CIN | PARAM_HW; /* bn, bn-relu */
}

long module_padding(const struct module_shape *m)
{
	return module_has_conv(m->kind) ? m->kernel / 2 : 0;
}

long module_out_hw(const struct module_shape *m)
{
	if (m->kind == MODULE_LINEAR)
		return 0;
	if (!module_has_conv(m->kind) && !is_pool(m->kind))
		return m->hw;
	if (m->stride <= 0)
		return 0;
	if (m->kernel > m->hw + 2 * module_padding(m))
		return 0;
	return (m->hw + 2 * module_padding(m) - m->kernel) / m->stride + 1;
}

static long out_channels(const struct module_shape *m)
{
	return module_has_conv(m->kind) || m->kind == MODULE_LINEAR ? m->cout : m->cin;
}

double module_data_size(const struct module_shape *m)
{
	if (m->kind == MODULE_LINEAR)
		return (double)m->batch * m->cin;
	return (double)m->batch * m->cin * m->hw * m->hw;
}

double module_param_count(const struct module_shape *m)
{
	double n = 0;

	if (module_has_conv(m->kind))
		n += (double)m->cout * m->cin * m->kernel * m->kernel + m->cout;
	if (module_has_bn(m->kind))
		n += 2.0 * out_channels(m);
	if (m->kind == MODULE_LINEAR)
		n += (double)m->cin * m->cout + m->cout;
	return n;
}

double module_out_size(const struct module_shape *m)
{
	double lo = (double)module_out_hw(m);

	if (m->kind == MODULE_LINEAR)
		return (double)m->batch * m->cout;
	return (double)m->batch * out_channels(m) * lo * lo;
}

double module_flops(const struct module_shape *m)
{
	double out = module_out_size(m), f = 0;

	if (module_has_conv(m->kind))
		f += out * (2.0 * m->cin * m->kernel * m->kernel + 1.0);
	if (module_has_bn(m->kind))
		f += 2.0 * out;
	if (module_has_relu(m->kind))
		f += out;
	if (m->kind == MODULE_LINEAR)
		f += out * (2.0 * m->cin + 1.0);
	if (is_pool(m->kind))
		f += out * (double)m->kernel * m->kernel;
	return f;
}

double module_bytes(const struct module_shape *m)
{
	return 4.0 * (module_data_size(m) + module_out_size(m) + module_param_count(m));
}
