/* predictor.c - the public prediction API (include/modlat.h): a model file or
 * a selection's models, each bound at open to the sources of its features,
 * so that modlat_predict only copies numbers and calls model_predict_one. */
#include "modlat.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sysstat.h"

#include "chanfeat.h"
#include "err.h"
#include "h5io.h"
#include "model.h"
#include "module.h"
#include "select.h"
#include "util.h"

_Static_assert(MODLAT_ERR_LEN == ERR_LEN, "error buffers differ");
_Static_assert((int)MODLAT_KIND_COUNT == (int)MODULE_COUNT, "module kinds differ");
_Static_assert((int)MODLAT_CONV_BN_RELU == (int)MODULE_CONV_BN_RELU &&
		       (int)MODLAT_LINEAR == (int)MODULE_LINEAR &&
		       (int)MODLAT_AVGPOOL == (int)MODULE_AVGPOOL,
	       "module kinds differ");

/* bench's utilisation window (UTIL_WINDOW_S in bench.c; the datasets record
 * it as util_window_s) */
#define LIVE_WINDOW_S 0.2
/* a state read is shared by the predictions of the next 10 ms */
#define LIVE_MAX_AGE_S 0.01
/* sampling parameters above this are refused (module.c's long arithmetic
 * on them must not overflow) */
#define MAX_DIM (1L << 30)
/* a module whose float32 tensors (input, output, weights) take more bytes
 * than this cannot run: 2^48 is the x86-64 (and ARMv8) virtual address space */
#define MAX_TENSOR_BYTES 281474976710656.0
/* a given mem_avail above 2^64 bytes is no machine's */
#define MAX_MEM_AVAIL 18446744073709551616.0
/* the parameters of a sliding window (conv family and pools) */
#define WINDOW (PARAM_HW | PARAM_KERNEL | PARAM_STRIDE)

/* Where each feature value comes from. */
enum source {
	SRC_BATCH, /* sampling, in enum module_param's bit order */
	SRC_CIN,
	SRC_COUT,
	SRC_HW,
	SRC_KERNEL,
	SRC_STRIDE,
	SRC_MEM_AVAIL, /* measurable */
	SRC_UTIL,
	SRC_DATA_SIZE, /* inferable */
	SRC_PARAM_COUNT,
	SRC_FLOPS,
	SRC_OUT_SIZE,
	SRC_COUNT
};

static const char *const source_names[SRC_COUNT] = {
	"batch",     "cin",  "cout",      "hw",          "kernel", "stride",
	"mem_avail", "util", "data_size", "param_count", "flops",  "out_size",
};
_Static_assert(PARAM_BATCH == 1u << SRC_BATCH && PARAM_HW == 1u << SRC_HW &&
		       PARAM_STRIDE == 1u << SRC_STRIDE,
	       "sampling sources follow enum module_param's bits");

/* A model and, per feature, its source. */
struct bound_model {
	struct model m;
	enum module_kind kind;
	char *path;
	unsigned char src[MODEL_MAX_FEATURES]; /* d: enum source, or a channel feature:
						  SRC_COUNT + base * CHANFEAT_COUNT + op
						  (chanfeat.h) */
	unsigned need;                         /* enum module_param bits that must be > 0 */
	int inferable, mem, util;              /* uses an inferable / M / U */
};

/* The machine's state, read at most every LIVE_MAX_AGE_S. */
struct live_state {
	pthread_mutex_t lock;
	struct sysstat stat;
	double opened_s, read_s; /* monotonic: the open, the last read (-inf: none) */
	double mem_avail, util;
};

struct modlat_predictor {
	char *path;
	const char *scheme;        /* "time" | "space"; NULL for a model file */
	size_t n;                  /* models */
	struct bound_model *models;
	struct bound_model *by_kind[MODULE_COUNT];
	struct live_state *live;   /* NULL when no model uses a measurable */
};

void modlat_module_init(struct modlat_module *m)
{
	memset(m, 0, sizeof(*m));
	m->kind = MODLAT_CONV;
	m->mem_avail = NAN;
	m->util = NAN;
}

/* ---- open ---------------------------------------------------------------- */

/* Maps each of b's features to its source; fails for a feature nothing here
 * supplies or a sampling parameter the module does not have. */
static int bind(struct bound_model *b, char *err)
{
	unsigned params = module_params(b->kind);
	size_t j;
	int s;

	for (j = 0; j < b->m.d; j++) {
		int base;
		enum chanfeat_op op;

		for (s = 0; s < SRC_COUNT; s++)
			if (!strcmp(b->m.names[j], source_names[s]))
				break;
		if (s == SRC_COUNT && chanfeat_parse(b->m.names[j], &base, &op) == 0) {
			/* cin's or cout's alignment: computed from the shape */
			s = base == 0 ? SRC_CIN : SRC_COUT;
			if (!(params & (1u << s)))
				return err_set(err, "%s: feature '%s' is not a parameter of module '%s'",
					       b->path, b->m.names[j], module_name(b->kind));
			b->need |= 1u << s;
			b->src[j] = (unsigned char)(SRC_COUNT + base * CHANFEAT_COUNT + (int)op);
			continue;
		}
		if (s == SRC_COUNT)
			return err_set(err,
				       "%s: feature '%s' is not one modlat_predict supplies (batch, "
				       "cin, cout, hw, kernel, stride, mem_avail, util, data_size, "
				       "param_count, flops, out_size, and cin's and cout's alignment)",
				       b->path, b->m.names[j]);
		if (s <= SRC_STRIDE) {
			if (!(params & (1u << s)))
				return err_set(err, "%s: feature '%s' is not a parameter of module '%s'",
					       b->path, b->m.names[j], module_name(b->kind));
			b->need |= 1u << s;
		} else if (s == SRC_MEM_AVAIL) {
			b->mem = 1;
		} else if (s == SRC_UTIL) {
			b->util = 1;
		} else {
			b->inferable = 1;
		}
		b->src[j] = (unsigned char)s;
	}
	if (b->inferable)
		b->need |= params; /* the inferables are computed from all of them */
	return 0;
}

/* Reads the model at path into b. want: the module it must be of, or -1. */
static int load_model(struct bound_model *b, const char *path, int want, char *err)
{
	const char *mod;
	enum module_kind kind;

	if (!(b->path = xstrdup(path, err)) || model_read(&b->m, path, err) < 0)
		return -1;
	mod = attrs_str(&b->m.attrs, "module");
	if (!mod || module_from_name(mod, &kind) < 0)
		return err_set(err, "%s: attribute 'module' is missing or not one of the nine modules",
			       path);
	if (want >= 0 && (int)kind != want)
		return err_set(err, "%s: a model of module '%s', listed for '%s'", path, mod,
			       module_name((enum module_kind)want));
	b->kind = kind;
	return bind(b, err);
}

/* The model file a selection names: as stored (relative to where select ran),
 * else DIR/models/BASENAME beside the selection file. */
static int resolve_model(const char *sel, const char *stored, char *buf, size_t len, char *err)
{
	const char *slash = strrchr(sel, '/'), *base = strrchr(stored, '/');
	int dirlen = slash ? (int)(slash - sel) : 1;

	if (access(stored, F_OK) == 0 || stored[0] == '/') {
		snprintf(buf, len, "%s", stored);
		return 0;
	}
	snprintf(buf, len, "%.*s/models/%s", dirlen, slash ? sel : ".", base ? base + 1 : stored);
	if (access(buf, F_OK) == 0)
		return 0;
	return err_set(err, "%s: model '%s' not found (nor '%s')", sel, stored, buf);
}

static int open_selection(struct modlat_predictor *p, const char *scheme, char *err)
{
	char **mods = NULL, **paths = NULL, file[4096];
	size_t nm = 0, np = 0, i;
	hid_t f = H5I_INVALID_HID, g = H5I_INVALID_HID;
	enum module_kind kind;
	int rc = -1;

	if (h5_open(p->path, SELECT_FORMAT, SELECT_VERSION, &f, err) < 0)
		return -1;
	if (!h5_exists(f, scheme)) {
		err_set(err, "%s: no '/%s' scheme", p->path, scheme);
		goto out;
	}
	if (h5_open_group(f, scheme, &g, err) < 0 ||
	    h5_read_strings(g, "modules", &nm, &mods, err) < 0 ||
	    h5_read_strings(g, "models", &np, &paths, err) < 0)
		goto out;
	if (nm != np || nm == 0) {
		err_set(err, "%s: /%s has %zu modules and %zu models, expected as many and at least 1",
			p->path, scheme, nm, np);
		goto out;
	}
	if (!(p->models = xcalloc(nm, sizeof(*p->models), err)))
		goto out;
	for (i = 0; i < nm; i++) {
		if (module_from_name(mods[i], &kind) < 0) {
			err_set(err, "%s: /%s/modules[%zu] is '%s', not one of the nine modules",
				p->path, scheme, i, mods[i]);
			goto out;
		}
		if (p->by_kind[kind]) {
			err_set(err, "%s: /%s lists module '%s' twice", p->path, scheme, mods[i]);
			goto out;
		}
		p->n = i + 1; /* so that modlat_close frees what is loaded */
		if (resolve_model(p->path, paths[i], file, sizeof(file), err) < 0 ||
		    load_model(&p->models[i], file, (int)kind, err) < 0)
			goto out;
		p->by_kind[kind] = &p->models[i];
	}
	rc = 0;
out:
	if (mods)
		h5_strings_free(nm, mods);
	if (paths)
		h5_strings_free(np, paths);
	if (g >= 0)
		H5Gclose(g);
	h5_close(f);
	return rc;
}

/* The file's `format` attribute (caller frees), after the usual checks. */
static int file_format(const char *path, char **fmt, char *err)
{
	return h5_read_format(path, fmt, err);
}

static int live_init(struct modlat_predictor *p, char *err)
{
	struct live_state *s = xcalloc(1, sizeof(*s), err);

	if (!s)
		return -1;
	p->live = s;
	pthread_mutex_init(&s->lock, NULL);
	if (sysstat_init(&s->stat, LIVE_WINDOW_S, err) < 0)
		return -1;
	s->opened_s = now_s();
	s->read_s = -INFINITY;
	return 0;
}

static struct modlat_predictor *open_any(const char *path, const char *scheme, char *err)
{
	struct modlat_predictor *p;
	char *fmt = NULL;
	size_t i;
	int rc = -1, live = 0;

	if (!scheme)
		scheme = "time";
	if (strcmp(scheme, "time") && strcmp(scheme, "space")) {
		err_set(err, "unknown scheme '%s', expected time or space", scheme);
		return NULL;
	}
	if (!(p = xcalloc(1, sizeof(*p), err)) || !(p->path = xstrdup(path, err)))
		goto out;
	if (file_format(path, &fmt, err) < 0)
		goto out;
	if (!strcmp(fmt, MODEL_FORMAT)) {
		if (!(p->models = xcalloc(1, sizeof(*p->models), err)))
			goto out;
		p->n = 1;
		if (load_model(&p->models[0], path, -1, err) < 0)
			goto out;
		p->by_kind[p->models[0].kind] = &p->models[0];
	} else if (!strcmp(fmt, SELECT_FORMAT)) {
		p->scheme = !strcmp(scheme, "time") ? "time" : "space";
		if (open_selection(p, p->scheme, err) < 0)
			goto out;
	} else {
		err_set(err, "%s: format is '%s', expected '%s' or '%s'", path, fmt, MODEL_FORMAT,
			SELECT_FORMAT);
		goto out;
	}
	for (i = 0; i < p->n; i++)
		live |= p->models[i].mem | p->models[i].util;
	if (live && live_init(p, err) < 0)
		goto out;
	rc = 0;
out:
	free(fmt);
	if (rc < 0) {
		modlat_close(p);
		return NULL;
	}
	return p;
}

struct modlat_predictor *modlat_open_scheme(const char *path, const char *scheme, char *err)
{
	struct modlat_predictor *p;
	H5E_auto2_t fn;
	void *data;

	/* the library prints nothing: silence HDF5's error stack while opening */
	H5Eget_auto2(H5E_DEFAULT, &fn, &data);
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	p = open_any(path, scheme, err);
	H5Eset_auto2(H5E_DEFAULT, fn, data);
	return p;
}

struct modlat_predictor *modlat_open(const char *path, char *err)
{
	return modlat_open_scheme(path, NULL, err);
}

void modlat_close(struct modlat_predictor *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		model_release(&p->models[i].m);
		free(p->models[i].path);
	}
	free(p->models);
	if (p->live)
		pthread_mutex_destroy(&p->live->lock);
	free(p->live);
	free(p->path);
	free(p);
}

/* ---- predict --------------------------------------------------------------- */

/* M and U of this machine now (at most LIVE_MAX_AGE_S old). */
static int live_read(struct live_state *s, double *mem_avail, double *util, char *err)
{
	double t = now_s();
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	if (t - s->read_s >= LIVE_MAX_AGE_S) {
		if (s->read_s == -INFINITY && t - s->opened_s < LIVE_WINDOW_S) {
			/* U needs a window's worth of /proc/stat since the open */
			double w = LIVE_WINDOW_S - (t - s->opened_s);
			struct timespec ts = { (time_t)w, (long)((w - (double)(time_t)w) * 1e9) };

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
		rc = sysstat_read(&s->stat, &s->mem_avail, &s->util, err);
		if (rc == 0)
			s->read_s = now_s();
	}
	*mem_avail = s->mem_avail;
	*util = s->util;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static const struct bound_model *find_model(const struct modlat_predictor *p,
					    const struct modlat_module *mm, enum module_kind *kind,
					    char *err)
{
	const struct bound_model *b;

	if (mm->name) {
		if (module_from_name(mm->name, kind) < 0) {
			err_set(err, "unknown module '%s', expected conv, conv-relu, conv-bn, "
				"conv-bn-relu, bn, bn-relu, linear, maxpool or avgpool", mm->name);
			return NULL;
		}
	} else {
		if ((unsigned)mm->kind >= MODULE_COUNT) {
			err_set(err, "unknown module kind %d, expected 0 to %d", (int)mm->kind,
				MODULE_COUNT - 1);
			return NULL;
		}
		*kind = (enum module_kind)mm->kind;
	}
	b = p->by_kind[*kind];
	if (!b) {
		if (p->scheme)
			err_set(err, "%s: the %s-efficient selection has no model for module '%s'",
				p->path, p->scheme, module_name(*kind));
		else
			err_set(err, "%s: a model of module '%s', not '%s'", p->path,
				module_name(p->models[0].kind), module_name(*kind));
	}
	return b;
}

/* "module 'conv': batch 1, cin 8, ..., hw 1000000000 make tensors of ..." */
static int too_large(const struct module_shape *sh, char *err)
{
	const long v[6] = { sh->batch, sh->cin, sh->cout, sh->hw, sh->kernel, sh->stride };
	unsigned params = module_params(sh->kind);
	char shape[256] = "";
	int s;

	for (s = 0; s <= SRC_STRIDE; s++)
		if (params & (1u << s))
			snprintf(shape + strlen(shape), sizeof(shape) - strlen(shape), "%s%s %ld",
				 shape[0] ? ", " : "", source_names[s], v[s]);
	return err_set(err, "module '%s': %s make tensors of %.3g bytes, more than the 2^48 "
		       "(256 TiB) a CPU can address", module_name(sh->kind), shape,
		       module_bytes(sh));
}

/* The feature values of mm for its model (*out) into x. */
static int features(const struct modlat_predictor *p, const struct modlat_module *mm,
		    const struct bound_model **out, double *x, char *err)
{
	const long given[6] = { mm->batch, mm->cin, mm->cout, mm->hw, mm->kernel, mm->stride };
	const struct bound_model *b;
	struct module_shape sh = { 0 };
	enum module_kind kind;
	double mem = mm->mem_avail, util = mm->util, inf[4] = { 0 };
	unsigned params;
	size_t j;
	int s;

	if (!(b = find_model(p, mm, &kind, err)))
		return -1;
	params = module_params(kind);
	for (s = 0; s <= SRC_STRIDE; s++) {
		if (!(b->need & (1u << s)))
			continue;
		if (given[s] == 0)
			return err_set(err, "module '%s': '%s' is missing (0 means not given), the "
				       "model needs a value of 1 to %ld", module_name(kind),
				       source_names[s], MAX_DIM);
		if (given[s] < 0 || given[s] > MAX_DIM)
			return err_set(err, "module '%s': '%s' is %ld, expected 1 to %ld",
				       module_name(kind), source_names[s], given[s], MAX_DIM);
	}
	/* a measurable given is checked whether the model uses it or not */
	if ((mm->flags & MODLAT_MEM_GIVEN) && !(mem > 0 && mem <= MAX_MEM_AVAIL))
		return err_set(err, "module '%s': mem_avail is %g, expected bytes > 0 and at most "
			       "2^64 (the flags say it is given)", module_name(kind), mem);
	if ((mm->flags & MODLAT_UTIL_GIVEN) && !(util >= 0 && util <= 1))
		return err_set(err, "module '%s': util is %g, expected a value in [0, 1] (the flags "
			       "say it is given)", module_name(kind), util);
	sh.kind = kind;
	sh.batch = mm->batch;
	sh.cin = mm->cin;
	sh.cout = params & PARAM_COUT ? mm->cout : 0;
	sh.hw = params & PARAM_HW ? mm->hw : 0;
	sh.kernel = params & PARAM_KERNEL ? mm->kernel : 0;
	sh.stride = params & PARAM_STRIDE ? mm->stride : 0;
	if ((b->need & WINDOW) == WINDOW && module_out_hw(&sh) <= 0)
		return err_set(err, "module '%s': kernel %ld does not fit hw %ld (no output)",
			       module_name(kind), sh.kernel, sh.hw);
	if ((b->need & params) == params && module_bytes(&sh) > MAX_TENSOR_BYTES)
		return too_large(&sh, err);
	if (b->inferable) {
		inf[0] = module_data_size(&sh);
		inf[1] = module_param_count(&sh);
		inf[2] = module_flops(&sh);
		inf[3] = module_out_size(&sh);
	}
	if ((b->mem && !(mm->flags & MODLAT_MEM_GIVEN)) ||
	    (b->util && !(mm->flags & MODLAT_UTIL_GIVEN))) {
		double lm, lu;

		if (live_read(p->live, &lm, &lu, err) < 0)
			return -1;
		if (!(mm->flags & MODLAT_MEM_GIVEN))
			mem = lm;
		if (!(mm->flags & MODLAT_UTIL_GIVEN))
			util = lu;
	}
	for (j = 0; j < b->m.d; j++) {
		s = b->src[j];
		if (s >= SRC_COUNT) {
			int k = s - SRC_COUNT;

			x[j] = chanfeat_value((enum chanfeat_op)(k % CHANFEAT_COUNT),
					      (double)given[k / CHANFEAT_COUNT ? SRC_COUT : SRC_CIN]);
			continue;
		}
		x[j] = s <= SRC_STRIDE	     ? (double)given[s]
		       : s == SRC_MEM_AVAIL ? mem
		       : s == SRC_UTIL	     ? util
					     : inf[s - SRC_DATA_SIZE];
	}
	*out = b;
	return 0;
}

int modlat_predict_ex(const struct modlat_predictor *p, const struct modlat_module *m,
		      struct modlat_result *r, char *err)
{
	const struct bound_model *b;
	double x[MODEL_MAX_FEATURES], v;
	unsigned flags;
	int j;

	if (features(p, m, &b, x, err) < 0)
		return -1;
	v = model_predict_flagged(&b->m, x, &flags, &j);
	if (flags & MODEL_NAN)
		return err_set(err, "%s: the model gave no number (NaN) for this query: the model "
			       "is broken, fit it again", b->path);
	r->latency_ms = v;
	r->flags = (flags & MODEL_OUT_OF_RANGE ? MODLAT_OUT_OF_RANGE : 0u) |
		   (flags & MODEL_BOUNDED ? MODLAT_BOUNDED : 0u);
	r->model = b->path;
	r->feature = j >= 0 ? b->m.names[j] : NULL;
	r->value = j >= 0 ? x[j] : NAN;
	r->train_min = j >= 0 ? b->m.train_min[j] : NAN;
	r->train_max = j >= 0 ? b->m.train_max[j] : NAN;
	r->latency_min_ms = b->m.lat_min / MODEL_FACTOR;
	r->latency_max_ms = b->m.lat_max * MODEL_FACTOR;
	return 0;
}

int modlat_predict(const struct modlat_predictor *p, const struct modlat_module *m,
		   double *latency_ms, char *err)
{
	struct modlat_result r;

	if (modlat_predict_ex(p, m, &r, err) < 0)
		return -1;
	*latency_ms = r.latency_ms;
	return 0;
}

int modlat_features(const struct modlat_predictor *p, const struct modlat_module *m, double *x,
		    size_t cap, const char *const **names, char *err)
{
	const struct bound_model *b;
	double v[MODEL_MAX_FEATURES];

	if (features(p, m, &b, v, err) < 0)
		return -1;
	if (cap < b->m.d)
		return err_set(err, "room for %zu features, the model has %zu", cap, b->m.d);
	memcpy(x, v, b->m.d * sizeof(double));
	if (names)
		*names = (const char *const *)b->m.names;
	return (int)b->m.d;
}

/* ---- many modules, whole networks ------------------------------------------------ */

/* The query for module layer l at batch N, with the state of *state. */
static void layer_query(const struct modlat_layer *l, long batch, const struct modlat_module *state,
			struct modlat_module *m)
{
	*m = *state;
	m->name = NULL;
	m->kind = l->kind;
	m->batch = batch;
	m->cin = l->cin;
	m->cout = l->cout;
	m->hw = l->hw;
	m->kernel = l->kernel;
	m->stride = l->stride;
}

int modlat_predict_network(const struct modlat_predictor *p, const struct modlat_network *net,
			   long batch, const struct modlat_module *state, double *total_ms,
			   struct modlat_result *layers, char *err)
{
	struct modlat_module st, m;
	struct modlat_result r;
	unsigned flags = 0;
	double sum = 0;
	size_t i;

	size_t nl;
	const struct modlat_layer *all = modlat_network_layers(net, &nl, NULL, NULL);

	if (batch < 1 || batch > MAX_DIM)
		return err_set(err, "batch %ld, expected 1 to %ld", batch, MAX_DIM);
	if (state) {
		st = *state;
	} else {
		modlat_module_init(&st);
	}
	for (i = 0; i < nl; i++) {
		const struct modlat_layer *l = &all[i];

		if (l->op != MODLAT_OP_MODULE) {
			if (layers) {
				memset(&layers[i], 0, sizeof(layers[i]));
				layers[i].latency_ms = NAN;
				layers[i].value = layers[i].train_min = layers[i].train_max = NAN;
			}
			continue;
		}
		layer_query(l, batch, &st, &m);
		if (modlat_predict_ex(p, &m, &r, err) < 0) {
			char msg[ERR_LEN];

			snprintf(msg, sizeof(msg), "%s", err);
			return err_set(err, "%s:%d: %s", modlat_network_source(net), l->line, msg);
		}
		sum += r.latency_ms;
		flags |= r.flags;
		if (layers)
			layers[i] = r;
	}
	*total_ms = sum;
	return (int)flags;
}

int modlat_predict_batch(const struct modlat_predictor *p, const struct modlat_module *m,
			 size_t n, double *latency_ms, unsigned *flags, char *err)
{
	struct modlat_result r;
	size_t i;

	for (i = 0; i < n; i++) {
		if (modlat_predict_ex(p, &m[i], &r, err) < 0) {
			char msg[ERR_LEN];

			snprintf(msg, sizeof(msg), "%s", err);
			return err_set(err, "module %zu: %s", i, msg);
		}
		latency_ms[i] = r.latency_ms;
		if (flags)
			flags[i] = r.flags;
	}
	return 0;
}
