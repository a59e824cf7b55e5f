#include "dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "h5io.h"
#include "rng.h"

/* ---- the dataset ------------------------------------------------------- */

int dataset_init(struct dataset *ds, size_t n, size_t d, size_t r, char *err)
{
	memset(ds, 0, sizeof(*ds));
	ds->n = n;
	ds->d = d;
	ds->r = r;
	ds->features = xcalloc(n * d, sizeof(double), err);
	ds->names = xcalloc(d, sizeof(char *), err);
	ds->kinds = xcalloc(d, sizeof(char *), err);
	ds->split = xcalloc(n, 1, err);
	if (r) {
		ds->latency_ms = xcalloc(n, sizeof(double), err);
		ds->runs_ms = xcalloc(n * r, sizeof(double), err);
	}
	if (!ds->features || !ds->names || !ds->kinds || !ds->split ||
	    (r && (!ds->latency_ms || !ds->runs_ms))) {
		dataset_release(ds);
		return -1;
	}
	return 0;
}

void dataset_release(struct dataset *ds)
{
	size_t j;

	if (ds->names)
		for (j = 0; j < ds->d; j++)
			free(ds->names[j]);
	if (ds->kinds)
		for (j = 0; j < ds->d; j++)
			free(ds->kinds[j]);
	free(ds->names);
	free(ds->kinds);
	free(ds->features);
	free(ds->latency_ms);
	free(ds->runs_ms);
	free(ds->split);
	free(ds->flags);
	free(ds->util_during);
	free(ds->steal_during);
	free(ds->delay_during);
	free(ds->load_during);
	free(ds->loops);
	free(ds->repeat_rows);
	free(ds->repeat_ms);
	attrs_release(&ds->attrs);
	memset(ds, 0, sizeof(*ds));
}

int dataset_init_protocol(struct dataset *ds, int load, size_t nrepeat, char *err)
{
	size_t n = ds->n;

	ds->flags = xcalloc(n, 1, err);
	ds->util_during = xcalloc(n, sizeof(double), err);
	ds->steal_during = xcalloc(n, sizeof(double), err);
	ds->delay_during = xcalloc(n, sizeof(double), err);
	ds->load_during = load ? xcalloc(n, sizeof(double), err) : NULL;
	ds->loops = xcalloc(n, sizeof(int64_t), err);
	ds->nrepeat = nrepeat;
	ds->repeat_rows = xcalloc(nrepeat ? nrepeat : 1, sizeof(int64_t), err);
	ds->repeat_ms = xcalloc(nrepeat ? nrepeat : 1, sizeof(double), err);
	if (!ds->flags || !ds->util_during || !ds->steal_during || !ds->delay_during || (load && !ds->load_during) ||
	    !ds->loops || !ds->repeat_rows || !ds->repeat_ms)
		return -1;
	return 0;
}

int dataset_set_feature(struct dataset *ds, size_t j, const char *name, const char *kind,
			char *err)
{
	free(ds->names[j]);
	free(ds->kinds[j]);
	ds->names[j] = xstrdup(name, err);
	ds->kinds[j] = xstrdup(kind, err);
	return ds->names[j] && ds->kinds[j] ? 0 : -1;
}

int dataset_feature(const struct dataset *ds, const char *name)
{
	size_t j;

	for (j = 0; j < ds->d; j++)
		if (!strcmp(ds->names[j], name))
			return (int)j;
	return -1;
}

int dataset_add_run_state(struct dataset *ds, char *err)
{
	const char *names[] = { "util_during", "steal_during", "delay_during", "load_during" };
	const double *cols[] = { ds->util_during, ds->steal_during, ds->delay_during,
				 ds->load_during };
	size_t k = ds->load_during ? 4 : 3, d = ds->d + k, i, j;
	double *x;
	char **nm, **kd;

	if (!ds->util_during || dataset_feature(ds, names[0]) >= 0)
		return 0;
	x = xcalloc(ds->n * d, sizeof(double), err);
	nm = xcalloc(d, sizeof(char *), err);
	kd = xcalloc(d, sizeof(char *), err);
	if (!x || !nm || !kd) {
		free(x);
		free(nm);
		free(kd);
		return -1;
	}
	for (i = 0; i < ds->n; i++) {
		memcpy(x + i * d, ds->features + i * ds->d, ds->d * sizeof(double));
		for (j = 0; j < k; j++)
			x[i * d + ds->d + j] = cols[j][i];
	}
	memcpy(nm, ds->names, ds->d * sizeof(char *));
	memcpy(kd, ds->kinds, ds->d * sizeof(char *));
	free(ds->features);
	free(ds->names);
	free(ds->kinds);
	ds->features = x;
	ds->names = nm;
	ds->kinds = kd;
	j = ds->d;
	ds->d = d;
	for (; j < d; j++)
		if (dataset_set_feature(ds, j, names[j - (d - k)], "run-state", err) < 0)
			return -1;
	return 0;
}

int dataset_write(const struct dataset *ds, const char *path, const char *format, int version,
		  char *err)
{
	struct h5_out out;
	size_t dims[2] = { ds->n, ds->d };

	if (h5_create(&out, path, format, version, err) < 0)
		return -1;
	if (attrs_write(out.file, &ds->attrs, err) < 0 ||
	    h5_write_f64z(out.file, "features", 2, dims, ds->features, err) < 0 ||
	    h5_write_strings(out.file, "feature_names", ds->d, ds->names, err) < 0 ||
	    h5_write_strings(out.file, "feature_kind", ds->d, ds->kinds, err) < 0 ||
	    h5_write_u8(out.file, "split", 1, dims, ds->split, err) < 0)
		goto fail;
	if (ds->latency_ms) {
		size_t rd[2] = { ds->n, ds->r };

		if (h5_write_f64z(out.file, "latency_ms", 1, dims, ds->latency_ms, err) < 0 ||
		    h5_write_f64z(out.file, "latency_runs_ms", 2, rd, ds->runs_ms, err) < 0)
			goto fail;
	}
	if (ds->flags) {
		size_t kd[1] = { ds->nrepeat };

		if (h5_write_u8(out.file, "sample_flags", 1, dims, ds->flags, err) < 0 ||
		    h5_write_f64(out.file, "util_during", 1, dims, ds->util_during, err) < 0 ||
		    h5_write_f64(out.file, "steal_during", 1, dims, ds->steal_during, err) < 0 ||
		    h5_write_f64(out.file, "delay_during", 1, dims, ds->delay_during, err) < 0 ||
		    (ds->load_during &&
		     h5_write_f64(out.file, "load_during", 1, dims, ds->load_during, err) < 0) ||
		    h5_write_i64(out.file, "run_loops", 1, dims, ds->loops, err) < 0 ||
		    h5_write_i64(out.file, "repeat_rows", 1, kd, ds->repeat_rows, err) < 0 ||
		    h5_write_f64(out.file, "repeat_latency_ms", 1, kd, ds->repeat_ms, err) < 0)
			goto fail;
	}
	return h5_commit(&out, err);
fail:
	h5_abort(&out);
	return -1;
}

static int check_values(const struct dataset *ds, const char *path, char *err)
{
	size_t i, j;

	for (j = 0; j < ds->d; j++)
		if (strcmp(ds->kinds[j], "sampling") && strcmp(ds->kinds[j], "measurable") &&
		    strcmp(ds->kinds[j], "inferable"))
			return err_set(err,
				       "%s: feature '%s' has kind '%s', expected sampling, "
				       "measurable or inferable",
				       path, ds->names[j], ds->kinds[j]);
	for (i = 0; i < ds->n; i++) {
		for (j = 0; j < ds->d; j++)
			if (!isfinite(ds->features[i * ds->d + j]))
				return err_set(err, "%s: feature '%s' of sample %zu is not finite",
					       path, ds->names[j], i);
		if (ds->split[i] > 2)
			return err_set(err, "%s: split of sample %zu is %d, expected 0, 1 or 2", path,
				       i, ds->split[i]);
		if (ds->latency_ms && !(isfinite(ds->latency_ms[i]) && ds->latency_ms[i] > 0))
			return err_set(err,
				       "%s: latency_ms of sample %zu is %g, expected a positive "
				       "finite number",
				       path, i, ds->latency_ms[i]);
		for (j = 0; ds->runs_ms && j < ds->r; j++)
			if (!(isfinite(ds->runs_ms[i * ds->r + j]) && ds->runs_ms[i * ds->r + j] > 0))
				return err_set(err,
					       "%s: latency_runs_ms of sample %zu, run %zu is %g, "
					       "expected a positive finite number",
					       path, i, j, ds->runs_ms[i * ds->r + j]);
	}
	return 0;
}

/* n-row optional array `name` of a protocol-2 dataset */
static int read_rows_f64(hid_t f, const char *name, const struct dataset *ds, const char *path,
			 double **out, double lo, double hi, char *err)
{
	size_t n, i;

	if (h5_read_f64(f, name, 1, &n, out, err) < 0)
		return -1;
	if (n != ds->n)
		return err_set(err, "%s: '%s' has %zu rows, expected %zu", path, name, n, ds->n);
	for (i = 0; i < n; i++)
		if (!((*out)[i] >= lo && (*out)[i] <= hi))
			return err_set(err, "%s: '%s' of sample %zu is %g, expected %g..%g", path,
				       name, i, (*out)[i], lo, hi);
	return 0;
}

static int read_protocol(hid_t f, struct dataset *ds, const char *path, char *err)
{
	size_t n, k, k2, i;

	if (!ds->latency_ms)
		return err_set(err, "%s: 'sample_flags' without latencies", path);
	if (h5_read_u8(f, "sample_flags", 1, &n, &ds->flags, err) < 0)
		return -1;
	if (n != ds->n)
		return err_set(err, "%s: 'sample_flags' has %zu rows, expected %zu", path, n, ds->n);
	for (i = 0; i < n; i++)
		if (ds->flags[i] > 7)
			return err_set(err, "%s: sample_flags of sample %zu is %d, expected 0..7",
				       path, i, ds->flags[i]);
	if (read_rows_f64(f, "util_during", ds, path, &ds->util_during, 0, 1, err) < 0 ||
	    read_rows_f64(f, "steal_during", ds, path, &ds->steal_during, 0, 1, err) < 0 ||
	    read_rows_f64(f, "delay_during", ds, path, &ds->delay_during, 0, 1024, err) < 0 ||
	    (h5_exists(f, "load_during") &&
	     read_rows_f64(f, "load_during", ds, path, &ds->load_during, 0, 1, err) < 0))
		return -1;
	if (h5_read_i64(f, "run_loops", 1, &n, &ds->loops, err) < 0)
		return -1;
	if (n != ds->n)
		return err_set(err, "%s: 'run_loops' has %zu rows, expected %zu", path, n, ds->n);
	for (i = 0; i < n; i++)
		if (ds->loops[i] < 1)
			return err_set(err, "%s: run_loops of sample %zu is %lld, expected >= 1", path,
				       i, (long long)ds->loops[i]);
	if (h5_read_i64(f, "repeat_rows", 1, &k, &ds->repeat_rows, err) < 0 ||
	    h5_read_f64(f, "repeat_latency_ms", 1, &k2, &ds->repeat_ms, err) < 0)
		return -1;
	if (k != k2)
		return err_set(err, "%s: repeat_rows has %zu entries and repeat_latency_ms %zu", path,
			       k, k2);
	ds->nrepeat = k;
	for (i = 0; i < k; i++) {
		if (ds->repeat_rows[i] < 0 || (size_t)ds->repeat_rows[i] >= ds->n ||
		    (i && ds->repeat_rows[i] <= ds->repeat_rows[i - 1]))
			return err_set(err,
				       "%s: repeat_rows[%zu] is %lld, expected increasing rows < %zu",
				       path, i, (long long)ds->repeat_rows[i], ds->n);
		if (!(isfinite(ds->repeat_ms[i]) && ds->repeat_ms[i] > 0))
			return err_set(err,
				       "%s: repeat_latency_ms[%zu] is %g, expected a positive "
				       "finite number",
				       path, i, ds->repeat_ms[i]);
	}
	return 0;
}

int dataset_read(struct dataset *ds, const char *path, const char *format, int version,
		 char *err)
{
	size_t dims[2], nn = 0, nk = 0, sd, ld, rd[2];
	char **names = NULL, **kinds = NULL;
	hid_t f;

	memset(ds, 0, sizeof(*ds));
	if (h5_open(path, format, version, &f, err) < 0)
		return -1;
	if (attrs_read(f, &ds->attrs, err) < 0)
		goto fail;
	if (h5_read_f64(f, "features", 2, dims, &ds->features, err) < 0)
		goto fail;
	ds->n = dims[0];
	ds->d = dims[1];
	if (h5_read_strings(f, "feature_names", &nn, &names, err) < 0 ||
	    h5_read_strings(f, "feature_kind", &nk, &kinds, err) < 0 ||
	    h5_read_u8(f, "split", 1, &sd, &ds->split, err) < 0)
		goto fail;
	if (nn != ds->d || nk != ds->d || sd != ds->n) {
		err_set(err,
			"%s: shapes disagree: features (%zu, %zu), feature_names %zu, "
			"feature_kind %zu, split %zu",
			path, ds->n, ds->d, nn, nk, sd);
		goto fail;
	}
	ds->names = names;
	ds->kinds = kinds;
	names = kinds = NULL;
	if (h5_exists(f, "latency_ms") || !strcmp(format, DATASET_FORMAT)) {
		if (h5_read_f64(f, "latency_ms", 1, &ld, &ds->latency_ms, err) < 0 ||
		    h5_read_f64(f, "latency_runs_ms", 2, rd, &ds->runs_ms, err) < 0)
			goto fail;
		if (ld != ds->n || rd[0] != ds->n) {
			err_set(err, "%s: latency_ms has %zu rows and latency_runs_ms %zu, expected %zu",
				path, ld, rd[0], ds->n);
			goto fail;
		}
		ds->r = rd[1];
	}
	if (h5_exists(f, "sample_flags") && read_protocol(f, ds, path, err) < 0)
		goto fail;
	h5_close(f);
	if (check_values(ds, path, err) < 0) {
		dataset_release(ds);
		return -1;
	}
	return 0;
fail:
	h5_close(f);
	h5_strings_free(nn, names);
	h5_strings_free(nk, kinds);
	dataset_release(ds);
	return -1;
}

void dataset_assign_split(uint8_t *split, size_t n, const int ratio[3], uint64_t seed)
{
	size_t *perm = malloc((n ? n : 1) * sizeof(*perm)), i, ntrain, nval;
	int sum = ratio[0] + ratio[1] + ratio[2];
	struct rng r;

	rng_init(&r, seed, 0x5911); /* the split's own stream */
	ntrain = (size_t)((double)n * ratio[0] / sum + 0.5);
	nval = (size_t)((double)n * ratio[1] / sum + 0.5);
	if (ntrain + nval > n)
		nval = n - ntrain;
	if (!perm) { /* fall back to a deterministic stripe */
		for (i = 0; i < n; i++)
			split[i] = i < ntrain ? 0 : i < ntrain + nval ? 1 : 2;
		return;
	}
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n; i > 1; i--) { /* Fisher-Yates */
		size_t j = (size_t)rng_range(&r, 0, (int64_t)i - 1), t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++)
		split[perm[i]] = i < ntrain ? SPLIT_TRAIN : i < ntrain + nval ? SPLIT_VALIDATION
								     : SPLIT_TEST;
	free(perm);
}
