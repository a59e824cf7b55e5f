/* modlat.h - online latency prediction: "how long will this module take right
 * now?", asked by an adaptive optimiser (partitioning, pruning, batching)
 * thousands of times a second.
 *
 * A predictor holds one fitted model per module: either a single model file
 * (data/EXP/ENV/models/MODULE.RM.h5) or every module's chosen model of a
 * selection file (data/EXP/ENV/selection.h5, the time- or space-efficient
 * scheme). modlat_predict builds the feature vector each model was fitted
 * on, by name: sampling parameters from the module description, inferable
 * ones (data_size, param_count, flops, out_size) computed from it, measurable
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
 * Link: the modlat library objects (src/lib) and HDF5, OpenBLAS/LAPACKE,
 * libm, libpthread, as bin/predict does.
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
 * Fails, with a message naming the module and field, for an unknown module,
 * a module p has no model for, a sampling parameter the model needs that is
 * 0 or negative, a shape with no output (a pool's kernel larger than hw), a
 * given mem_avail that is negative or not finite, a given util outside
 * [0, 1] (NaN included), or when the machine's state cannot be read.
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

/* The feature vector modlat_predict gives m's model, for inspection: the
 * model's d feature values into x[0 .. d) (cap: room in x; at least d, and
 * d <= 64) and, when names is not NULL, *names points at the model's d
 * feature names (owned by p, valid until modlat_close). Returns d, or -1
 * with a message (as modlat_predict, or when cap is too small). */
int modlat_features(const struct modlat_predictor *p, const struct modlat_module *m, double *x,
		    size_t cap, const char *const **names, char *err);

#ifdef __cplusplus
}
#endif

#endif
