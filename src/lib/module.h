/* module.h - the nine DNN modules, their shapes and inferable parameters.
 *
 * Shapes follow the paper's sampling parameters: batch N, input channels C_i,
 * output channels C_o, input height = width L, kernel K, stride S. Tensors are
 * float32 NCHW. Padding: convolutions pad K/2 on each side ("same" at stride
 * 1, as in real networks); pools pad 0 (PyTorch's default), so a pool needs
 * K <= L. Average pooling counts the padding (PyTorch's default) — moot with
 * no padding.
 */
#ifndef MODLAT_MODULE_H
#define MODLAT_MODULE_H

enum module_kind {
	MODULE_CONV,
	MODULE_CONV_RELU,
	MODULE_CONV_BN,
	MODULE_CONV_BN_RELU,
	MODULE_BN,
	MODULE_BN_RELU,
	MODULE_LINEAR,
	MODULE_MAXPOOL,
	MODULE_AVGPOOL,
	MODULE_COUNT
};

/* Which sampling parameters a module has (bit set of these). */
enum module_param {
	PARAM_BATCH = 1 << 0,
	PARAM_CIN = 1 << 1,
	PARAM_COUT = 1 << 2,
	PARAM_HW = 1 << 3,
	PARAM_KERNEL = 1 << 4,
	PARAM_STRIDE = 1 << 5
};

struct module_shape {
	enum module_kind kind;
	long batch;  /* N */
	long cin;    /* C_i (the channel count of bn and pools) */
	long cout;   /* C_o: conv family and linear; 0 otherwise */
	long hw;     /* L: input height = width; 0 for linear */
	long kernel; /* K: conv family and pools; 0 otherwise */
	long stride; /* S: conv family and pools; 0 otherwise */
};

/* "conv-bn-relu" etc., the spelling used in file names and options. */
const char *module_name(enum module_kind kind);
/* Returns 0 and sets *kind, or -1 if name is not one of the nine. */
int module_from_name(const char *name, enum module_kind *kind);
/* Bit set of enum module_param that the module is built from. */
unsigned module_params(enum module_kind kind);
int module_has_conv(enum module_kind kind);
int module_has_bn(enum module_kind kind);
int module_has_relu(enum module_kind kind);
int module_has_weights(enum module_kind kind);

long module_padding(const struct module_shape *m);
/* Output height = width: (L + 2P - K) / S + 1; <= 0 when K > L + 2P. */
long module_out_hw(const struct module_shape *m);

/* Inferable parameters. All are counts (not bytes):
 *   data_size   N_d  input elements: N*C_i*L*L (linear: N*C_i)
 *   param_count N_m  trainable weights: conv C_o*C_i*K*K + C_o (bias),
 *                    bn 2*C (scale, shift), linear C_i*C_o + C_o; pools 0
 *   out_size         output elements
 *   flops            floating-point operations, a multiply-add counted as 2:
 *                    conv 2*N*C_o*Lo^2*C_i*K^2 + N*C_o*Lo^2 (bias),
 *                    bn 2 per element, relu 1 per element,
 *                    linear 2*N*C_i*C_o + N*C_o, pools K^2 per output element */
double module_data_size(const struct module_shape *m);
double module_param_count(const struct module_shape *m);
double module_out_size(const struct module_shape *m);
double module_flops(const struct module_shape *m);
/* Bytes of float32 tensors the module touches: input, output, weights. */
double module_bytes(const struct module_shape *m);

#endif
