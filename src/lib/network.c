/* network.c - whole networks: the description format (docs/networks.md),
 * its parser with the shape chain checked line by line, and the prediction
 * (predictor.c predicts a network as the sum of its modules'); also the one-line query format of predict --stdin, which shares the
 * "NAME key=value ..." tokens.
 *
 * A description is a sequence of lines, one layer each; the tensor a layer
 * reads is the previous layer's output unless `from=` names others. Tensors
 * are (N, C, L, L), or flat (N, C) after `flatten`; the batch N is the
 * caller's. */
#include "modlat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "module.h"

#define LINE_MAX_LEN 4096 /* bytes of one line, newline excluded */
#define NAME_LEN 64       /* a tensor name given by as= */
#define MAX_LAYERS 100000
/* a channel count or height above this is refused (module.c's long
 * arithmetic on them must not overflow), as modlat_predict does */
#define MAX_DIM (1L << 30)

struct modlat_network {
	char *name;
	char *source; /* the file (or the name given to modlat_network_parse) */
	long in_c, in_hw;
	size_t n;
	struct modlat_layer *layers;
	char (*names)[NAME_LEN]; /* n: each layer's as= name, "" for none */
};

static const char *const op_names[MODLAT_OP_COUNT] = {
	[MODLAT_OP_MODULE] = "module", [MODLAT_OP_ADD] = "add",	    [MODLAT_OP_CONCAT] = "concat",
	[MODLAT_OP_FLATTEN] = "flatten", [MODLAT_OP_GPOOL] = "gpool", [MODLAT_OP_RELU] = "relu",
};

/* ---- tokens ------------------------------------------------------------------ */

/* Splits s (modified) at spaces and tabs into at most max tokens. */
static int tokenize(char *s, char **tok, int max)
{
	int n = 0;

	for (;;) {
		s += strspn(s, " \t\r");
		if (!*s)
			return n;
		if (n == max)
			return -1;
		tok[n++] = s;
		s += strcspn(s, " \t\r");
		if (*s)
			*s++ = 0;
	}
}

/* A positive integer (also written 15.0) of at most MAX_DIM. */
static int parse_dim(const char *s, long *v)
{
	char *end;
	double d;

	if (!*s || strspn(s, "0123456789.eE+") < strlen(s))
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (*end || errno || d != floor(d) || d < 1 || d > (double)MAX_DIM)
		return -1;
	*v = (long)d;
	return 0;
}

/* A plain decimal number (no hex, inf, nan). */
static int parse_real(const char *s, double *v)
{
	char *end;

	if (!*s || strspn(s, "0123456789+-.eE") < strlen(s))
		return -1;
	*v = strtod(s, &end);
	return *end || !isfinite(*v) ? -1 : 0;
}

int modlat_query_parse(const char *line, struct modlat_module *m, char *buf, size_t len,
		       char *err)
{
	static const char *const keys[] = { "batch", "cin", "cout", "hw", "kernel", "stride",
					    "mem_avail", "util" };
	char copy[LINE_MAX_LEN + 1], *tok[16];
	enum module_kind kind;
	int n, i, k;

	memset(m, 0, sizeof(*m)); /* modlat_module_init's "not given" */
	m->mem_avail = NAN;
	m->util = NAN;
	if (strlen(line) > LINE_MAX_LEN)
		return err_set(err, "line longer than %d bytes", LINE_MAX_LEN);
	strcpy(copy, line);
	copy[strcspn(copy, "#\n")] = 0;
	n = tokenize(copy, tok, 16);
	if (n < 0)
		return err_set(err, "more than 15 key=value fields");
	if (n == 0)
		return err_set(err, "blank query, expected 'MODULE key=value ...'");
	if (module_from_name(tok[0], &kind) < 0)
		return err_set(err, "unknown module '%s', expected conv, conv-relu, conv-bn, "
			       "conv-bn-relu, bn, bn-relu, linear, maxpool or avgpool", tok[0]);
	if (strlen(tok[0]) >= len)
		return err_set(err, "no room for the module name");
	strcpy(buf, tok[0]);
	m->name = buf;
	for (i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		long *dims[6] = { &m->batch, &m->cin, &m->cout, &m->hw, &m->kernel, &m->stride };

		if (!eq)
			return err_set(err, "'%s' is not key=value", tok[i]);
		*eq = 0;
		for (k = 0; k < 8; k++)
			if (!strcmp(tok[i], keys[k]))
				break;
		if (k == 8)
			return err_set(err, "unknown key '%s', expected batch, cin, cout, hw, kernel, "
				       "stride, mem_avail or util", tok[i]);
		if (k < 6) {
			if (parse_dim(eq + 1, dims[k]) < 0)
				return err_set(err, "%s '%s': expected an integer from 1 to %ld", tok[i],
					       eq + 1, MAX_DIM);
		} else if (k == 6) {
			if (parse_real(eq + 1, &m->mem_avail) < 0 || !(m->mem_avail > 0))
				return err_set(err, "mem_avail '%s': expected bytes > 0", eq + 1);
			m->flags |= MODLAT_MEM_GIVEN;
		} else {
			if (parse_real(eq + 1, &m->util) < 0 || !(m->util >= 0 && m->util <= 1))
				return err_set(err, "util '%s': expected a number in [0, 1]", eq + 1);
			m->flags |= MODLAT_UTIL_GIVEN;
		}
	}
	return 0;
}

/* ---- the description --------------------------------------------------------- */

struct parser {
	struct modlat_network *net;
	const char *file;
	int line;
	int have_input;
	size_t cap;
	char *err;
};

static int perr(struct parser *ps, const char *fmt, const char *a, const char *b)
{
	char msg[ERR_LEN];

	snprintf(msg, sizeof(msg), fmt, a, b);
	return err_set(ps->err, "%s:%d: %s", ps->file, ps->line, msg);
}

/* The layer index of tensor `name` (-1: the input), or -2. */
static int find_tensor(const struct modlat_network *net, const char *name)
{
	size_t i;

	if (!strcmp(name, "input"))
		return -1;
	for (i = net->n; i-- > 0;)
		if (!strcmp(net->names[i], name))
			return (int)i;
	return -2;
}

/* Channels and height of tensor t (-1: the input). */
static void tensor_shape(const struct modlat_network *net, int t, long *c, long *hw)
{
	*c = t < 0 ? net->in_c : net->layers[t].out_c;
	*hw = t < 0 ? net->in_hw : net->layers[t].out_hw;
}

/* "line 12 (conv-bn-relu)" or "the input line" for tensor t. */
static void describe(const struct modlat_network *net, int t, char *buf, size_t len)
{
	const struct modlat_layer *l;

	if (t < 0) {
		snprintf(buf, len, "the input");
		return;
	}
	l = &net->layers[t];
	snprintf(buf, len, "line %d (%s)", l->line,
		 l->op == MODLAT_OP_MODULE ? module_name((enum module_kind)l->kind) : op_names[l->op]);
}

static int chain_err(struct parser *ps, int t, const char *what, long expect, long got)
{
	char from[128], msg[512];

	describe(ps->net, t, from, sizeof(from));
	snprintf(msg, sizeof(msg), "%s %ld does not chain: %s gives %ld", what, expect, from, got);
	return err_set(ps->err, "%s:%d: %s", ps->file, ps->line, msg);
}

static int parse_input(struct parser *ps, char **tok, int n)
{
	struct modlat_network *net = ps->net;
	int i;

	if (ps->have_input)
		return perr(ps, "a second 'input' line", "", "");
	for (i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		long *v = NULL;

		if (eq) {
			*eq = 0;
			v = !strcmp(tok[i], "channels") ? &net->in_c : !strcmp(tok[i], "hw") ? &net->in_hw : NULL;
		}
		if (!v)
			return perr(ps, "'input' takes channels=C hw=L, not '%s'", tok[i], "");
		if (parse_dim(eq + 1, v) < 0)
			return perr(ps, "input %s '%s': expected an integer >= 1", tok[i], eq + 1);
	}
	if (!net->in_c || !net->in_hw)
		return perr(ps, "'input' needs channels=C and hw=L", "", "");
	ps->have_input = 1;
	return 0;
}

/* from=A,B,... into l->inputs. */
static int parse_from(struct parser *ps, char *list, struct modlat_layer *l)
{
	char *name = list, *comma;

	l->ninputs = 0;
	for (;;) {
		int t;

		comma = strchr(name, ',');
		if (comma)
			*comma = 0;
		if (!*name)
			return perr(ps, "from= has an empty name", "", "");
		t = find_tensor(ps->net, name);
		if (t == -2)
			return perr(ps, "from='%s': no earlier line is named so (as=%s)", name, name);
		if (l->ninputs == MODLAT_MAX_INPUTS)
			return perr(ps, "from= names more than 8 tensors", "", "");
		l->inputs[l->ninputs++] = t;
		if (!comma)
			return 0;
		name = comma + 1;
	}
}

/* Shape of a module layer from its input tensor; checks given cin, hw. */
static int module_layer(struct parser *ps, struct modlat_layer *l, long given_cin, long given_hw)
{
	struct module_shape sh = { 0 };
	enum module_kind k = (enum module_kind)l->kind;
	unsigned params = module_params(k);
	int t = l->inputs[0];
	long c, hw;

	tensor_shape(ps->net, t, &c, &hw);
	if (k == MODULE_LINEAR) {
		if (hw) {
			char from[128];

			describe(ps->net, t, from, sizeof(from));
			return perr(ps, "linear needs a flat input, but %s gives (N, C, L, L): put a "
				    "'flatten' line before it%s", from, "");
		}
	} else if (!hw) {
		return perr(ps, "%s needs an (N, C, L, L) input, the input here is flat (after "
			    "flatten)", module_name(k), "");
	}
	if (given_cin && given_cin != c)
		return chain_err(ps, t, "cin", given_cin, c);
	if (given_hw && given_hw != hw)
		return chain_err(ps, t, "hw", given_hw, hw);
	if ((params & PARAM_COUT) && !l->cout)
		return perr(ps, "%s needs cout=", module_name(k), "");
	if ((params & PARAM_KERNEL) && (!l->kernel || !l->stride))
		return perr(ps, "%s needs kernel= and stride=", module_name(k), "");
	if (!(params & PARAM_COUT) && l->cout)
		return perr(ps, "%s has no cout (its output has its input's channels)", module_name(k), "");
	if (!(params & PARAM_KERNEL) && (l->kernel || l->stride))
		return perr(ps, "%s has no kernel or stride", module_name(k), "");
	l->cin = c;
	l->hw = hw;
	sh.kind = k;
	sh.batch = 1;
	sh.cin = c;
	sh.cout = l->cout;
	sh.hw = hw;
	sh.kernel = l->kernel;
	sh.stride = l->stride;
	l->out_c = params & PARAM_COUT ? l->cout : c;
	l->out_hw = k == MODULE_LINEAR ? 0 : params & PARAM_KERNEL ? module_out_hw(&sh) : hw;
	if (k != MODULE_LINEAR && l->out_hw < 1) {
		char msg[160];

		snprintf(msg, sizeof(msg), "kernel %ld does not fit the input's hw %ld (pools pad 0, "
			 "convolutions kernel/2)", l->kernel, hw);
		return perr(ps, "%s", msg, "");
	}
	return 0;
}

static int glue_layer(struct parser *ps, struct modlat_layer *l)
{
	long c, hw, c2, hw2, sum = 0;
	int i;

	tensor_shape(ps->net, l->inputs[0], &c, &hw);
	switch (l->op) {
	case MODLAT_OP_ADD:
		if (l->ninputs != 2)
			return perr(ps, "add needs two tensors: from=NAME (added to the previous "
				    "line's output) or from=A,B", "", "");
		tensor_shape(ps->net, l->inputs[1], &c2, &hw2);
		if (c2 != c)
			return chain_err(ps, l->inputs[1], "channels", c, c2);
		if (hw2 != hw)
			return chain_err(ps, l->inputs[1], "hw", hw, hw2);
		l->out_c = c;
		l->out_hw = hw;
		return 0;
	case MODLAT_OP_CONCAT:
		if (l->ninputs < 2)
			return perr(ps, "concat needs at least two tensors: from=A,B,...", "", "");
		for (i = 0; i < l->ninputs; i++) {
			tensor_shape(ps->net, l->inputs[i], &c2, &hw2);
			if (!hw2)
				return perr(ps, "concat joins (N, C, L, L) tensors, not flat ones", "", "");
			if (hw2 != hw)
				return chain_err(ps, l->inputs[i], "hw", hw, hw2);
			sum += c2;
		}
		l->out_c = sum;
		l->out_hw = hw;
		return 0;
	default:
		break;
	}
	if (l->ninputs != 1)
		return perr(ps, "%s reads one tensor", op_names[l->op], "");
	if ((l->op == MODLAT_OP_FLATTEN || l->op == MODLAT_OP_GPOOL) && !hw)
		return perr(ps, "%s needs an (N, C, L, L) input, the input here is already flat",
			    op_names[l->op], "");
	l->out_c = l->op == MODLAT_OP_FLATTEN ? c * hw * hw : c;
	l->out_hw = l->op == MODLAT_OP_FLATTEN ? 0 : l->op == MODLAT_OP_GPOOL ? 1 : hw;
	if (l->out_c > MAX_DIM)
		return perr(ps, "flatten gives more than 2^30 features", "", "");
	return 0;
}

static int parse_layer(struct parser *ps, char **tok, int n)
{
	struct modlat_network *net = ps->net;
	struct modlat_layer *l;
	char as[NAME_LEN] = "";
	long given_cin = 0, given_hw = 0;
	enum module_kind kind;
	int i, op = -1;

	if (!ps->have_input)
		return perr(ps, "'%s' before the 'input channels=C hw=L' line", tok[0], "");
	if (module_from_name(tok[0], &kind) == 0)
		op = MODLAT_OP_MODULE;
	for (i = 1; op < 0 && i < MODLAT_OP_COUNT; i++)
		if (!strcmp(tok[0], op_names[i]))
			op = i;
	if (op < 0)
		return perr(ps, "unknown layer '%s', expected a module (conv, conv-relu, conv-bn, "
			    "conv-bn-relu, bn, bn-relu, linear, maxpool, avgpool) or glue (add, "
			    "concat, flatten, gpool, relu)%s", tok[0], "");
	if (net->n == MAX_LAYERS)
		return perr(ps, "more than 100000 layers", "", "");
	if (net->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 64;
		void *a = realloc(net->layers, cap * sizeof(*net->layers));

		if (a)
			net->layers = a;
		a = a ? realloc(net->names, cap * sizeof(*net->names)) : NULL;
		if (!a)
			return err_set(ps->err, "%s:%d: out of memory", ps->file, ps->line);
		net->names = a;
		ps->cap = cap;
	}
	l = &net->layers[net->n];
	memset(l, 0, sizeof(*l));
	l->line = ps->line;
	l->op = (enum modlat_op)op;
	l->kind = op == MODLAT_OP_MODULE ? (enum modlat_kind)kind : MODLAT_CONV;
	l->ninputs = 1;
	l->inputs[0] = (int)net->n - 1;
	for (i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		long *v = NULL;

		if (!eq) {
			if (op == MODLAT_OP_ADD && !strcmp(tok[i], "relu")) {
				l->relu = 1;
				continue;
			}
			return perr(ps, "'%s' is not key=value%s", tok[i],
				    op == MODLAT_OP_ADD ? " (or 'relu')" : "");
		}
		*eq = 0;
		if (!strcmp(tok[i], "from")) {
			int prev = (int)net->n - 1;

			if (parse_from(ps, eq + 1, l) < 0)
				return -1;
			if (op == MODLAT_OP_ADD && l->ninputs == 1) { /* previous + NAME */
				l->inputs[1] = l->inputs[0];
				l->inputs[0] = prev;
				l->ninputs = 2;
			}
			continue;
		}
		if (!strcmp(tok[i], "as")) {
			if (!eq[1] || strlen(eq + 1) >= NAME_LEN || strchr(eq + 1, ','))
				return perr(ps, "as='%s': expected a name of 1 to 63 characters "
					    "without commas", eq + 1, "");
			if (!strcmp(eq + 1, "input") || find_tensor(net, eq + 1) != -2)
				return perr(ps, "as='%s': the name is taken", eq + 1, "");
			snprintf(as, sizeof(as), "%s", eq + 1);
			continue;
		}
		if (op == MODLAT_OP_MODULE)
			v = !strcmp(tok[i], "cout")	 ? &l->cout
			    : !strcmp(tok[i], "kernel") ? &l->kernel
			    : !strcmp(tok[i], "stride") ? &l->stride
			    : !strcmp(tok[i], "cin")	 ? &given_cin
			    : !strcmp(tok[i], "hw")	 ? &given_hw
							 : NULL;
		if (!v)
			return perr(ps, op == MODLAT_OP_MODULE
					    ? "unknown key '%s', expected cout, kernel, stride, cin, hw, "
					      "from or as%s"
					    : "unknown key '%s', expected from or as%s",
				    tok[i], "");
		if (parse_dim(eq + 1, v) < 0)
			return perr(ps, "%s '%s': expected an integer from 1 to 2^30", tok[i], eq + 1);
	}
	if (op == MODLAT_OP_ADD && l->ninputs == 1)
		return perr(ps, "add needs from=NAME (added to the previous line's output) or "
			    "from=A,B", "", "");
	if ((op == MODLAT_OP_MODULE ? module_layer(ps, l, given_cin, given_hw)
				    : glue_layer(ps, l)) < 0)
		return -1;
	snprintf(net->names[net->n], NAME_LEN, "%s", as);
	net->n++;
	return 0;
}

static int parse_line(struct parser *ps, char *s)
{
	char *tok[32];
	int n;

	s[strcspn(s, "#")] = 0;
	n = tokenize(s, tok, 32);
	if (n < 0)
		return perr(ps, "more than 31 fields", "", "");
	if (n == 0)
		return 0;
	if (!strcmp(tok[0], "network")) {
		if (n != 2 || ps->net->name)
			return perr(ps, "expected one 'network NAME' line", "", "");
		ps->net->name = strdup(tok[1]);
		return ps->net->name ? 0 : err_set(ps->err, "out of memory");
	}
	if (!strcmp(tok[0], "input"))
		return parse_input(ps, tok, n);
	return parse_layer(ps, tok, n);
}

struct modlat_network *modlat_network_parse(const char *text, const char *name, char *err)
{
	struct parser ps = { 0 };
	char line[LINE_MAX_LEN + 2];
	const char *s = text;

	ps.file = name;
	ps.err = err;
	if (!(ps.net = xcalloc(1, sizeof(*ps.net), err)))
		return NULL;
	if (!(ps.net->source = xstrdup(name, err)))
		goto fail;
	while (*s) {
		size_t len = strcspn(s, "\n");

		ps.line++;
		if (len > LINE_MAX_LEN) {
			err_set(err, "%s:%d: line longer than %d bytes", name, ps.line, LINE_MAX_LEN);
			goto fail;
		}
		memcpy(line, s, len);
		line[len] = 0;
		if (parse_line(&ps, line) < 0)
			goto fail;
		s += len + (s[len] == '\n');
	}
	if (!ps.have_input) {
		err_set(err, "%s: no 'input channels=C hw=L' line", name);
		goto fail;
	}
	if (!ps.net->n) {
		err_set(err, "%s: no layers after the input line", name);
		goto fail;
	}
	if (!ps.net->name) {
		const char *b = strrchr(name, '/');
		size_t k;

		ps.net->name = strdup(b ? b + 1 : name);
		if (!ps.net->name) {
			err_set(err, "out of memory");
			goto fail;
		}
		k = strcspn(ps.net->name, ".");
		if (k)
			ps.net->name[k] = 0;
	}
	return ps.net;
fail:
	modlat_network_free(ps.net);
	return NULL;
}

struct modlat_network *modlat_network_read(const char *path, char *err)
{
	struct modlat_network *net;
	FILE *f = fopen(path, "rb");
	char *text;
	long size;

	if (!f) {
		err_set(err, "%s: cannot open (%s)", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		err_set(err, "%s: cannot read (%s)", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	if (size > 16L << 20) {
		err_set(err, "%s: %ld bytes, more than a network description's 16 MiB", path, size);
		fclose(f);
		return NULL;
	}
	if (!(text = xmalloc((size_t)size + 1, err))) {
		fclose(f);
		return NULL;
	}
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		err_set(err, "%s: cannot read (%s)", path, ferror(f) ? strerror(errno) : "short read");
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[size] = 0;
	if (strlen(text) != (size_t)size) {
		size_t at = strlen(text), line = 1, i;

		for (i = 0; i < at; i++)
			line += text[i] == '\n';
		err_set(err, "%s:%zu: a NUL byte (not a text file)", path, line);
		free(text);
		return NULL;
	}
	net = modlat_network_parse(text, path, err);
	free(text);
	return net;
}

void modlat_network_free(struct modlat_network *net)
{
	if (!net)
		return;
	free(net->name);
	free(net->source);
	free(net->layers);
	free(net->names);
	free(net);
}

const char *modlat_network_name(const struct modlat_network *net)
{
	return net->name;
}

const char *modlat_network_source(const struct modlat_network *net)
{
	return net->source;
}

const struct modlat_layer *modlat_network_layers(const struct modlat_network *net, size_t *count,
						 long *in_c, long *in_hw)
{
	if (count)
		*count = net->n;
	if (in_c)
		*in_c = net->in_c;
	if (in_hw)
		*in_hw = net->in_hw;
	return net->layers;
}
