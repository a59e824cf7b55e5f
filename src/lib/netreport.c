/* netreport.c - whole networks, measured end to end (bench --network)
 * against the sum of their modules' predictions (netreport.h). */
#include "netreport.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "h5io.h"
#include "modlat.h"
#include "module.h"
#include "netbench.h"
#include "select.h"
#include "table.h"
#include "util.h"

/* the RMs reported alone, each with its nine module models (a variant
 * without them, such as the dynamic-only ablation's, is left out) */
#define NRM ((size_t)SELECT_NVARIANTS)

/* One measured network (a modlat-network file). */
struct netm {
	char *path, *name;
	long batch;
	double latency_ms, glue_share, mem_avail, util;
	int contended;
	size_t n;
	double *layer_ms;
	int64_t *shape; /* (n, 6) */
	uint8_t *glue;
	char **names;
};

static void netm_release(struct netm *m)
{
	free(m->path);
	free(m->name);
	free(m->layer_ms);
	free(m->shape);
	free(m->glue);
	if (m->names)
		h5_strings_free(m->n, m->names);
	memset(m, 0, sizeof(*m));
}

static int netm_read(struct netm *m, const char *path, char *err)
{
	size_t d1[1], d2[2], nn;
	hid_t f;
	int64_t batch, contended;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (!(m->path = xstrdup(path, err)) ||
	    h5_open(path, NETBENCH_FORMAT, NETBENCH_VERSION, &f, err) < 0)
		return -1;
	if (h5_attr_read_str(f, "network", &m->name, err) < 0 ||
	    h5_attr_read_i64(f, "batch", &batch, err) < 0 ||
	    h5_attr_read_f64(f, "latency_ms", &m->latency_ms, err) < 0 ||
	    h5_attr_read_f64(f, "glue_share", &m->glue_share, err) < 0 ||
	    h5_attr_read_f64(f, "mem_avail", &m->mem_avail, err) < 0 ||
	    h5_attr_read_f64(f, "util", &m->util, err) < 0 ||
	    h5_attr_read_i64(f, "contended", &contended, err) < 0 ||
	    h5_read_f64(f, "layer_latency_ms", 1, d1, &m->layer_ms, err) < 0 ||
	    h5_read_i64(f, "layer_shape", 2, d2, &m->shape, err) < 0 ||
	    h5_read_u8(f, "layer_glue", 1, &nn, &m->glue, err) < 0 ||
	    h5_read_strings(f, "layer_name", &m->n, &m->names, err) < 0)
		goto out;
	if (d1[0] != m->n || d2[0] != m->n || d2[1] != 6 || nn != m->n || m->n == 0) {
		err_set(err, "%s: the layer arrays disagree in length (or are empty)", path);
		goto out;
	}
	if (!(m->latency_ms > 0) || !isfinite(m->latency_ms) || batch < 1) {
		err_set(err, "%s: latency_ms %g or batch %lld is not positive", path, m->latency_ms,
			(long long)batch);
		goto out;
	}
	m->batch = (long)batch;
	m->contended = contended != 0;
	rc = 0;
out:
	h5_close(f);
	return rc;
}

/* Predicts layer i of m with p (a selection, or per module kind pk[]). */
static int predict_layer(const struct netm *m, size_t i, struct modlat_predictor *p,
			 struct modlat_predictor *const *pk, double *ms, unsigned *flags, char *err)
{
	const int64_t *s = &m->shape[i * 6];
	struct modlat_module q;
	struct modlat_result r;
	enum module_kind kind;

	if (module_from_name(m->names[i], &kind) < 0)
		return err_set(err, "%s: layer %zu is '%s', not a module", m->path, i, m->names[i]);
	modlat_module_init(&q);
	q.kind = (enum modlat_kind)kind;
	q.batch = (long)s[0], q.cin = (long)s[1], q.cout = (long)s[2], q.hw = (long)s[3];
	q.kernel = (long)s[4], q.stride = (long)s[5];
	q.mem_avail = m->mem_avail;
	q.util = m->util;
	q.flags = MODLAT_STATE_GIVEN;
	if (modlat_predict_ex(p ? p : pk[kind], &q, &r, err) < 0)
		return err_prefix(err, m->path);
	*ms = r.latency_ms;
	*flags = r.flags;
	return 0;
}

static int within(double pred, double meas, double tol)
{
	return fabs(pred - meas) <= tol * meas;
}

int netreport_tables(const char *exp, const char *envdir, char *const *files, size_t nfiles,
		     const char *outdir, struct table_out *out, char *err)
{
	static const char *const h1[] = { "network", "batch", "measured (ms)", "predicted (ms)",
					  "error", "modules within ±10%", "glue (measured)",
					  "out of range" };
	static const char *const c1[] = { "network", "batch", "measured_ms", "predicted_ms",
					  "error_pct", "modules_p10", "glue_share", "out_of_range" };
	static const char *const h2[] = { "predictor", "pairs", "within ±10%", "within ±20%" };
	static const char *const c2[] = { "predictor", "pairs", "p10", "p20" };
	static const char *const h3[] = { "module", "layers", "median |error|", "within ±10%",
					  "within ±20%", "out of range" };
	static const char *const c3[] = { "module", "layers", "median_abs_error_pct", "p10", "p20",
					  "out_of_range" };
	struct netm *nm = NULL;
	struct modlat_predictor *sel = NULL, *pk[NRM][MODULE_COUNT] = { { 0 } };
	struct table t1 = { 0 }, t2 = { 0 }, t3 = { 0 };
	char path[4200], cap[2048], buf[64], host[256] = "", cpu_note[300] = "";
	double *errs[MODULE_COUNT] = { 0 };
	size_t nerr[MODULE_COUNT] = { 0 }, oor[MODULE_COUNT] = { 0 }, i, j, k;
	size_t hit10[NRM + 1] = { 0 }, hit20[NRM + 1] = { 0 }, contended = 0;
	int rc = -1, have_rm[NRM] = { 0 };

	if (!(nm = xcalloc(nfiles ? nfiles : 1, sizeof(*nm), err)))
		return -1;
	for (i = 0; i < nfiles; i++)
		if (netm_read(&nm[i], files[i], err) < 0)
			goto out;
	snprintf(path, sizeof(path), "%s/selection.h5", envdir);
	if (!(sel = modlat_open_scheme(path, "time", err)))
		goto out;
	for (k = 0; k < NRM; k++) {
		have_rm[k] = 1;
		for (j = 0; j < MODULE_COUNT && have_rm[k]; j++) {
			snprintf(path, sizeof(path), "%s/models/%s.%s.h5", envdir,
				 module_name((enum module_kind)j), select_variants[k]);
			if (!(pk[k][j] = modlat_open(path, err)))
				have_rm[k] = 0; /* an RM without all nine models is left out */
		}
	}
	for (j = 0; j < MODULE_COUNT; j++)
		if (!(errs[j] = xcalloc(1 + nfiles * 256, sizeof(double), err)))
			goto out;
	if (table_init(&t1, "", 8, h1, c1, err) < 0 || table_init(&t2, "", 4, h2, c2, err) < 0 ||
	    table_init(&t3, "", 6, h3, c3, err) < 0)
		goto out;
	for (i = 0; i < nfiles; i++) {
		struct netm *m = &nm[i];
		double sum = 0, pct;
		size_t mods = 0, in10 = 0, flagged = 0;
		long row;

		for (j = 0; j < m->n; j++) {
			double v;
			unsigned fl;
			enum module_kind kind;

			if (m->glue[j])
				continue;
			if (predict_layer(m, j, sel, NULL, &v, &fl, err) < 0)
				goto out;
			sum += v;
			mods++;
			in10 += within(v, m->layer_ms[j], 0.10);
			flagged += fl != 0;
			module_from_name(m->names[j], &kind);
			if (nerr[kind] < 1 + nfiles * 256)
				errs[kind][nerr[kind]++] = 100 * fabs(v - m->layer_ms[j]) / m->layer_ms[j];
			oor[kind] += (fl & MODLAT_OUT_OF_RANGE) != 0;
		}
		hit10[0] += within(sum, m->latency_ms, 0.10);
		hit20[0] += within(sum, m->latency_ms, 0.20);
		for (k = 0; k < NRM; k++) {
			double s2 = 0, v;
			unsigned fl;

			if (!have_rm[k])
				continue;
			for (j = 0; j < m->n; j++) {
				if (m->glue[j])
					continue;
				if (predict_layer(m, j, NULL, pk[k], &v, &fl, err) < 0)
					goto out;
				s2 += v;
			}
			hit10[k + 1] += within(s2, m->latency_ms, 0.10);
			hit20[k + 1] += within(s2, m->latency_ms, 0.20);
		}
		contended += m->contended;
		pct = 100 * (sum - m->latency_ms) / m->latency_ms;
		if ((row = table_add_row(&t1, err)) < 0)
			goto out;
		snprintf(buf, sizeof(buf), "%s%s", m->name, m->contended ? TABLE_FLAG_MARK : "");
		if (table_set(&t1, (size_t)row, 0, buf, m->name, err) < 0 ||
		    table_set_num(&t1, (size_t)row, 1, (double)m->batch, 0, err) < 0 ||
		    table_set_num(&t1, (size_t)row, 2, m->latency_ms, 3, err) < 0 ||
		    table_set_num(&t1, (size_t)row, 3, sum, 3, err) < 0 ||
		    table_set_pct(&t1, (size_t)row, 4, pct, 1, err) < 0 ||
		    table_set_num(&t1, (size_t)row, 5, mods ? (double)in10 / (double)mods : NAN, 2,
				  err) < 0 ||
		    table_set_num(&t1, (size_t)row, 6, m->glue_share, 3, err) < 0 ||
		    table_set_num(&t1, (size_t)row, 7, (double)flagged, 0, err) < 0)
			goto out;
	}
	for (k = 0; k <= NRM; k++) {
		long row;

		if (k && !have_rm[k - 1])
			continue;
		if ((row = table_add_row(&t2, err)) < 0 ||
		    table_set(&t2, (size_t)row, 0, k ? select_variants[k - 1] : "time-efficient selection",
			      k ? select_variants[k - 1] : "selection-time", err) < 0 ||
		    table_set_num(&t2, (size_t)row, 1, (double)nfiles, 0, err) < 0 ||
		    table_set_num(&t2, (size_t)row, 2, nfiles ? (double)hit10[k] / nfiles : NAN, 2,
				  err) < 0 ||
		    table_set_num(&t2, (size_t)row, 3, nfiles ? (double)hit20[k] / nfiles : NAN, 2,
				  err) < 0)
			goto out;
	}
	for (j = 0; j < MODULE_COUNT; j++) {
		double *scratch, med, p10 = 0, p20 = 0;
		long row;

		if (!nerr[j])
			continue;
		if (!(scratch = xcalloc(nerr[j], sizeof(double), err)))
			goto out;
		med = median_of(errs[j], nerr[j], scratch);
		free(scratch);
		for (i = 0; i < nerr[j]; i++) {
			p10 += errs[j][i] <= 10;
			p20 += errs[j][i] <= 20;
		}
		if ((row = table_add_row(&t3, err)) < 0 ||
		    table_set(&t3, (size_t)row, 0, module_name((enum module_kind)j), NULL, err) < 0 ||
		    table_set_num(&t3, (size_t)row, 1, (double)nerr[j], 0, err) < 0 ||
		    table_set_num(&t3, (size_t)row, 2, med, 1, err) < 0 ||
		    table_set_num(&t3, (size_t)row, 3, p10 / (double)nerr[j], 2, err) < 0 ||
		    table_set_num(&t3, (size_t)row, 4, p20 / (double)nerr[j], 2, err) < 0 ||
		    table_set_num(&t3, (size_t)row, 5, (double)oor[j], 0, err) < 0)
			goto out;
	}
	{ /* the device, from the first network file */
		hid_t f;
		char *h = NULL, *v = NULL;

		if (nfiles && h5_open(files[0], NETBENCH_FORMAT, NETBENCH_VERSION, &f, err) == 0) {
			if (h5_attr_read_str(f, "host_cpu", &h, err) == 0 &&
			    h5_attr_read_str(f, "backend_version", &v, err) == 0)
				snprintf(host, sizeof(host), "%s, oneDNN %s", h, v);
			free(h);
			free(v);
			h5_close(f);
		}
		if (contended)
			snprintf(cpu_note, sizeof(cpu_note), " %s: measured contended (flagged by "
				 "bench --network): %zu of %zu.", TABLE_FLAG_MARK, contended, nfiles);
	}
	snprintf(cap, sizeof(cap),
		 "Whole networks (experiment %s, static), measured end to end by bench --network "
		 "on %s, against the sum of their modules' predictions (time-efficient "
		 "selection, with the M and U recorded before each measurement). Error: "
		 "(predicted - measured) / measured; modules within ±10%%: the share of the "
		 "network's module layers whose prediction is within 10%% of the layer's own "
		 "measured time; glue (add, concat, flatten, global pooling, relu) is measured and "
		 "not predicted. Headline: %zu of %zu (network, batch) pairs within ±10%%, %zu of %zu "
		 "within ±20%%.%s",
		 exp, host[0] ? host : "the device", hit10[0], nfiles, hit20[0], nfiles, cpu_note);
	free(t1.caption);
	if (!(t1.caption = xstrdup(cap, err)))
		goto out;
	snprintf(cap, sizeof(cap),
		 "Whole networks (experiment %s): the share of the %zu (network, batch) pairs "
		 "whose summed module predictions lie within ±10%% and ±20%% of the measured "
		 "end-to-end latency, for the time-efficient selection and for each RM alone.",
		 exp, nfiles);
	free(t2.caption);
	if (!(t2.caption = xstrdup(cap, err)))
		goto out;
	snprintf(cap, sizeof(cap),
		 "The layers of real networks (experiment %s, %zu networks and batches): per "
		 "module, the time-efficient selection's error against each layer's measured "
		 "time inside the network, and how many layers lie outside the model's training "
		 "range (where the paper's uniform sampling covers real layers thinly).",
		 exp, nfiles);
	free(t3.caption);
	if (!(t3.caption = xstrdup(cap, err)))
		goto out;
	snprintf(path, sizeof(path), "%s/networks", outdir);
	if (table_out_add_table(out, path, &t1, NULL, err) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/networks-rm", outdir);
	if (table_out_add_table(out, path, &t2, NULL, err) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/networks-modules", outdir);
	if (table_out_add_table(out, path, &t3, NULL, err) < 0)
		goto out;
	rc = 0;
out:
	for (i = 0; nm && i < nfiles; i++)
		netm_release(&nm[i]);
	free(nm);
	modlat_close(sel);
	for (k = 0; k < NRM; k++)
		for (j = 0; j < MODULE_COUNT; j++)
			modlat_close(pk[k][j]);
	for (j = 0; j < MODULE_COUNT; j++)
		free(errs[j]);
	table_release(&t1);
	table_release(&t2);
	table_release(&t3);
	return rc;
}
