/* modlat.h - online latency prediction: "how long will this module take right
 * now?", asked by an adaptive optimiser (partitioning, pruning, batching)
 * thousands of times a second.
 *
 * A predictor holds one fitted model per module: either a single model file
 * (data/EXP/ENV/models/MODULE.RM.h5) or every module's chosen model of a
 * selection file (data/EXP/ENV/selection.h5, the time- or space-efficient
 * scheme). modlat_predict builds the feature vector each model was fitted
 * on, by name: sampling parameters from the module description, inferable
 * ones (data_size, param_count, flops, out_size) and the channel-alignment
 * ones of gbt-ca-style models (cin_ceil8 ... cout_pow2) computed from it, measurable
 * ones (mem_avail, util) from the description or read from this machine. The
 * name-to-source mapping is worked out once, at open, so a prediction does no
 * allocation, no I/O (unless it reads the machine's state) and no string
 * matching beyond the module name.
 *
 * Errors follow the library's convention: functions return 0 (or a pointer)
 * on success and -1 (or NULL) on failure, after writing a one-line message
 * into err, a buffer of MODLAT_ERR_LEN bytes the caller owns (err may be
 * NULL). Nothing here prints or exits.
 *
 * Link: the installed library, `cc prog.c $(pkg-config --cflags --libs
 * modlat)` (make install PREFIX=...; README "Online prediction").
 */
#ifndef MODLAT_H
#define MODLAT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MODLAT_ERR_LEN 1024

/* The nine modules, in the library's order (file and option names in
 * parentheses). */
enum modlat_kind {
	MODLAT_CONV,         /* conv */
	MODLAT_CONV_RELU,    /* conv-relu */
	MODLAT_CONV_BN,      /* conv-bn */
	MODLAT_CONV_BN_RELU, /* conv-bn-relu */
	MODLAT_BN,           /* bn */
	MODLAT_BN_RELU,      /* bn-relu */
	MODLAT_LINEAR,       /* linear */
	MODLAT_MAXPOOL,      /* maxpool */
	MODLAT_AVGPOOL,      /* avgpool */
	MODLAT_KIND_COUNT
};

/* flags of struct modlat_module: which measurable values the caller gives.
 * A measurable the model uses and the flags do not mark as given is read
 * from this machine at the time of the call (see modlat_predict). */
#define MODLAT_MEM_GIVEN 1u  /* take mem_avail from the struct */
#define MODLAT_UTIL_GIVEN 2u /* take util from the struct */
#define MODLAT_STATE_GIVEN (MODLAT_MEM_GIVEN | MODLAT_UTIL_GIVEN)

/* One module to predict. Shapes: float32 NCHW, input height = width hw;
 * convolutions pad kernel/2 on each side, pools pad 0. A sampling parameter
 * of 0 is "not given": an error only when the model needs it (directly, or
 * to compute an inferable parameter). Start from modlat_module_init. */
struct modlat_module {
	const char *name;      /* "conv-bn-relu", ...; NULL: use kind */
	enum modlat_kind kind; /* used when name is NULL */
	long batch;            /* N */
	long cin;              /* C_i (the channels of bn and pools) */
	long cout;             /* C_o: conv family and linear */
	long hw;               /* L: not linear */
	long kernel;           /* K: conv family and pools */
	long stride;           /* S: conv family and pools */
	double mem_avail;      /* M: available memory, bytes (MemAvailable) */
	double util;           /* U: CPU utilisation by other processes, [0, 1] */
	unsigned flags;        /* MODLAT_MEM_GIVEN | MODLAT_UTIL_GIVEN */
};

struct modlat_predictor;

/* Sets every field of m to "not given": name NULL, kind MODLAT_CONV, shapes
 * 0, mem_avail and util NaN, flags 0 (so the state is read live). */
void modlat_module_init(struct modlat_module *m);

/* Opens path, a model file (format modlat-model: one module) or a selection
 * file (format modlat-selection: every module's chosen model, here the
 * time-efficient scheme). A selection names its models by the path select
 * wrote (relative to the folder it ran in); a path that does not exist is
 * looked for beside the selection instead, as DIR/models/BASENAME. Fails
 * when a file is missing or malformed, or a model uses a feature that
 * modlat_predict cannot supply. Returns a predictor to free with
 * modlat_close, or NULL with a message in err. */
struct modlat_predictor *modlat_open(const char *path, char *err);

/* As modlat_open, with the selection's scheme: "time" (the least time per
 * prediction) or "space" (the least model size); NULL means "time". The
 * scheme is ignored for a model file. */
struct modlat_predictor *modlat_open_scheme(const char *path, const char *scheme, char *err);

/* Frees p and its models; accepts NULL. */
void modlat_close(struct modlat_predictor *p);

/* Predicts the latency of module m, in milliseconds, into *latency_ms.
 *
 * Every answer is positive and finite, and bounded by what the model was
 * trained on: each input is clamped to its training range plus a margin of
 * 5% of that range (a min-max scaled feature to [-0.05, 1.05]), and the
 * latency to [min / 10, max * 10] of the training latencies. A feature
 * whose training range is below 1% of its magnitude (mem_avail on a quiet
 * machine) is used as a constant. modlat_predict_ex says when a query lies
 * outside the training range.
 *
 * Fails, with a message naming the module and field, for an unknown module,
 * a module p has no model for, a sampling parameter the model needs that is
 * 0 (not given) or negative or above 2^30, a shape with no output (a pool's
 * kernel larger than hw), a shape whose tensors would take more than 2^48
 * bytes, a given mem_avail that is not in (0, 2^64] (NaN included), a given
 * util outside [0, 1] (NaN included) -- given values are checked whether the
 * model uses them or not --, or when the machine's state cannot be read.
 *
 * The machine's state (for a measurable the flags do not mark as given) is
 * read as bench measured it (src/lib/sysstat.h): M is MemAvailable, U the
 * share of the machine's CPU time used by processes other than this one over
 * a window of about 0.2 s. It is read at most once per 10 ms and shared by
 * the calls in between; the first read after modlat_open waits until the
 * window has passed since the open (at most 0.2 s, once).
 *
 * Safe to call from several threads on one predictor (the state read is
 * serialised by a mutex). No allocation. */
int modlat_predict(const struct modlat_predictor *p, const struct modlat_module *m,
		   double *latency_ms, char *err);

/* bits of struct modlat_result's flags */
#define MODLAT_OUT_OF_RANGE 1u /* a feature lies outside the model's training range */
#define MODLAT_BOUNDED 2u      /* the model's own answer lay outside [latency_min_ms,
				  latency_max_ms] and was clamped to it */

/* What modlat_predict_ex answers. */
struct modlat_result {
	double latency_ms;       /* the prediction, as modlat_predict gives it */
	unsigned flags;          /* MODLAT_OUT_OF_RANGE | MODLAT_BOUNDED; 0: in range */
	const char *model;       /* the model file that answered (owned by p) */
	const char *feature;     /* the first feature outside its training range (owned
				    by p), NULL when none */
	double value;            /* its value in this query (NaN when none) */
	double train_min, train_max; /* its range in the training split (NaN when none) */
	double latency_min_ms, latency_max_ms; /* the bounds of any answer of this model */
};

/* modlat_predict, and what the bounds did: r->flags has MODLAT_OUT_OF_RANGE
 * when a feature (a sampling, measurable or inferable parameter) lies
 * outside its training range -- the answer is then an extrapolation from the
 * edge of that range, to be taken with care -- and MODLAT_BOUNDED when the
 * model's own answer had to be clamped. A feature used as a constant
 * (degenerate training range) is flagged when it is more than 1% of its
 * magnitude away from its training values. Also fails when the model gives
 * NaN (a broken model file). Same speed and guarantees as modlat_predict. */
int modlat_predict_ex(const struct modlat_predictor *p, const struct modlat_module *m,
		      struct modlat_result *r, char *err);

/* The feature vector modlat_predict gives m's model, for inspection: the
 * model's d feature values into x[0 .. d) (cap: room in x; at least d, and
 * d <= 64) and, when names is not NULL, *names points at the model's d
 * feature names (owned by p, valid until modlat_close). Returns d, or -1
 * with a message (as modlat_predict, or when cap is too small). */
int modlat_features(const struct modlat_predictor *p, const struct modlat_module *m, double *x,
		    size_t cap, const char *const **names, char *err);

/* ---- many modules, whole networks ----------------------------------------- */

/* Predicts n modules m[0 .. n) into latency_ms[0 .. n) and, when flags is not
 * NULL, their MODLAT_OUT_OF_RANGE | MODLAT_BOUNDED bits into flags[0 .. n).
 * The machine's state, where a module does not give it, is read as
 * modlat_predict reads it (at most every 10 ms). Fails at the first module that modlat_predict would refuse
 * (the message starts with "module I: "); latency_ms is then partly
 * written. No allocation; thread-safe. */
int modlat_predict_batch(const struct modlat_predictor *p, const struct modlat_module *m,
			 size_t n, double *latency_ms, unsigned *flags, char *err);

/* What one line of a network description does (docs/networks.md). */
enum modlat_op {
	MODLAT_OP_MODULE,  /* one of the nine modules: predicted */
	MODLAT_OP_ADD,     /* glue: elementwise sum of two tensors (a residual), relu optional */
	MODLAT_OP_CONCAT,  /* glue: tensors joined along the channels */
	MODLAT_OP_FLATTEN, /* glue: (N, C, L, L) -> (N, C*L*L) */
	MODLAT_OP_GPOOL,   /* glue: global average pooling (N, C, L, L) -> (N, C, 1, 1) */
	MODLAT_OP_RELU,    /* glue: a relu of its own (after a linear layer) */
	MODLAT_OP_COUNT
};

#define MODLAT_MAX_INPUTS 8 /* inputs of one layer (concat) */

/* One layer of a parsed network: its shape at any batch. */
struct modlat_layer {
	int line;                /* its line in the description (from 1) */
	enum modlat_op op;
	enum modlat_kind kind;   /* op MODLAT_OP_MODULE: the module */
	long cin, cout, hw, kernel, stride; /* a module's shape (0 where it has none) */
	long out_c, out_hw;      /* the output: channels, height = width (0: flat (N, out_c)) */
	int relu;                /* add: a relu follows the sum */
	int ninputs;             /* the tensors it reads */
	int inputs[MODLAT_MAX_INPUTS]; /* layer indices; -1 is the network's input */
};

struct modlat_network;

/* Reads a network description (the text format of docs/networks.md) and
 * checks that its shapes chain. Returns the network (modlat_network_free) or
 * NULL with one message naming the file and line. */
struct modlat_network *modlat_network_read(const char *path, char *err);
/* The same from text in memory; name stands for the file in messages. */
struct modlat_network *modlat_network_parse(const char *text, const char *name, char *err);
void modlat_network_free(struct modlat_network *net); /* accepts NULL */
/* The network's name (its `network` line, else the file's base name). */
const char *modlat_network_name(const struct modlat_network *net);
/* The file it was read from (or the name given to modlat_network_parse). */
const char *modlat_network_source(const struct modlat_network *net);
/* Its layers in order (owned by net) and their number into *count; the
 * input's channels and height = width into *in_c and *in_hw (may be NULL). */
const struct modlat_layer *modlat_network_layers(const struct modlat_network *net, size_t *count,
						 long *in_c, long *in_hw);

/* Predicts the whole network at batch `batch`: each module layer through
 * modlat_predict_ex, glue not (it is not one of the nine modules). state
 * gives mem_avail and util with their MODLAT_*_GIVEN flags (its shape is
 * ignored); NULL reads them from this machine, as modlat_predict does. Writes
 * the sum of the module predictions into *total_ms and, when layers is not
 * NULL, each layer's result into layers[0 .. count) (a glue layer's
 * latency_ms is NaN, its model NULL). Returns the OR of the layers' flags
 * (>= 0: MODLAT_OUT_OF_RANGE, MODLAT_BOUNDED), or -1 with a message that
 * names the file and the layer's line. No allocation; thread-safe. */
int modlat_predict_network(const struct modlat_predictor *p, const struct modlat_network *net,
			   long batch, const struct modlat_module *state, double *total_ms,
			   struct modlat_result *layers, char *err);

/* Parses one query line "MODULE key=value ..." (keys batch, cin, cout, hw,
 * kernel, stride, mem_avail, util; the format of predict --stdin) into *m
 * (name pointing into buf, room for the module name). Returns 0, or -1 with
 * a message naming the token. */
int modlat_query_parse(const char *line, struct modlat_module *m, char *buf, size_t len,
		       char *err);

#ifdef __cplusplus
}
#endif

#endif
