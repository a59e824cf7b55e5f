#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "err.h"
#include "load.h"
#include "journal.h"
#include "sysstat.h"
#include "util.h"

/* utilisation window: long enough for /proc/stat's 10 ms ticks to average */
#define UTIL_WINDOW_S 0.2

int bench_shape(const struct dataset *ds, size_t i, enum module_kind m,
		struct module_shape *shape, char *err)
{
	static const char *const names[] = { "batch", "cin", "cout", "hw", "kernel", "stride" };
	long *fields[6];
	unsigned p = module_params(m);
	size_t k;

	memset(shape, 0, sizeof(*shape));
	shape->kind = m;
	fields[0] = &shape->batch;
	fields[1] = &shape->cin;
	fields[2] = &shape->cout;
	fields[3] = &shape->hw;
	fields[4] = &shape->kernel;
	fields[5] = &shape->stride;
	for (k = 0; k < 6; k++) {
		int j;

		if (!(p & (1u << k)))
			continue;
		j = dataset_feature(ds, names[k]);
		if (j < 0)
			return err_set(err, "feature '%s' is missing, module %s needs it", names[k],
				       module_name(m));
		*fields[k] = (long)ds->features[i * ds->d + j];
		if (*fields[k] <= 0)
			return err_set(err, "sample %zu: feature '%s' is %ld, expected > 0", i,
				       names[k], *fields[k]);
	}
	return 0;
}

struct resume_ctx {
	struct dataset *out;
	unsigned char *done;
	size_t ndone;
	struct bench_totals *t;
	double *scratch;
	int mem_col, util_col;
};

static void store(struct resume_ctx *c, const struct journal_record *rec)
{
	struct dataset *o = c->out;
	size_t i = (size_t)rec->index;

	if (i >= o->n || c->done[i])
		return;
	memcpy(&o->runs_ms[i * o->r], rec->runs_ms, o->r * sizeof(double));
	o->latency_ms[i] = median_of(rec->runs_ms, o->r, c->scratch);
	o->features[i * o->d + c->mem_col] = rec->mem_avail;
	o->features[i * o->d + c->util_col] = rec->util;
	c->t->timed_s += rec->timed_s;
	c->t->total_s += rec->total_s;
	c->done[i] = 1;
	c->ndone++;
}

static void on_found(const struct journal_record *rec, void *user)
{
	struct resume_ctx *c = user;

	store(c, rec);
	c->t->resumed = c->ndone;
}

/* Lays out the output: gen's sampling features, then M and U, then the
 * inferable ones; attributes copied from gen. */
static int layout(const struct dataset *gen, size_t r, struct dataset *out, int *mem_col,
		  int *util_col, char *err)
{
	size_t i, j, k = 0, *src;

	if (dataset_init(out, gen->n, gen->d + 2, r, err) < 0)
		return -1;
	src = xcalloc(out->d, sizeof(*src), err);
	if (!src)
		return -1;
	for (j = 0; j < gen->d; j++)
		if (!strcmp(gen->kinds[j], "sampling")) {
			src[k] = j;
			if (dataset_set_feature(out, k++, gen->names[j], "sampling", err) < 0)
				goto fail;
		}
	*mem_col = (int)k;
	if (dataset_set_feature(out, k++, "mem_avail", "measurable", err) < 0)
		goto fail;
	*util_col = (int)k;
	if (dataset_set_feature(out, k++, "util", "measurable", err) < 0)
		goto fail;
	for (j = 0; j < gen->d; j++)
		if (strcmp(gen->kinds[j], "sampling")) {
			src[k] = j;
			if (dataset_set_feature(out, k++, gen->names[j], gen->kinds[j], err) < 0)
				goto fail;
		}
	for (i = 0; i < gen->n; i++)
		for (k = 0; k < out->d; k++)
			if ((int)k != *mem_col && (int)k != *util_col)
				out->features[i * out->d + k] = gen->features[i * gen->d + src[k]];
	memcpy(out->split, gen->split, gen->n);
	for (i = 0; i < gen->attrs.n; i++) {
		const struct attr *a = &gen->attrs.a[i];
		int rc = a->str ? attrs_set_str(&out->attrs, a->name, a->str, err)
			 : a->is_int ? attrs_set_int(&out->attrs, a->name, (int64_t)a->num, err)
				     : attrs_set_num(&out->attrs, a->name, a->num, err);
		if (rc < 0)
			goto fail;
	}
	free(src);
	return 0;
fail:
	free(src);
	dataset_release(out);
	return -1;
}

static int stamp(struct dataset *out, const struct bench_job *job, const struct backend_ops *b,
		 const struct bench_totals *t, char *err)
{
	const struct bench_settings *bs = &job->x->bench;
	char cpu[256], created[32];

	host_cpu_model(cpu, sizeof(cpu));
	now_iso8601(created, sizeof(created));
	if (attrs_set_str(&out->attrs, "environment", job->env, err) < 0 ||
	    attrs_set_str(&out->attrs, "backend", b->name, err) < 0 ||
	    attrs_set_str(&out->attrs, "backend_version", b->version(), err) < 0 ||
	    attrs_set_int(&out->attrs, "threads", bs->threads, err) < 0 ||
	    attrs_set_int(&out->attrs, "warmup", bs->warmup, err) < 0 ||
	    attrs_set_int(&out->attrs, "runs", bs->runs, err) < 0 ||
	    attrs_set_str(&out->attrs, "fuse_relu", bs->fuse_relu ? "yes" : "no", err) < 0 ||
	    attrs_set_str(&out->attrs, "host_cpu", cpu, err) < 0 ||
	    attrs_set_str(&out->attrs, "created", created, err) < 0 ||
	    attrs_set_str(&out->attrs, "tool_version", MODLAT_VERSION, err) < 0 ||
	    attrs_set_num(&out->attrs, "bench_timed_s", t->timed_s, err) < 0 ||
	    attrs_set_num(&out->attrs, "bench_total_s", t->total_s, err) < 0 ||
	    attrs_set_num(&out->attrs, "util_window_s", UTIL_WINDOW_S, err) < 0)
		return -1;
	if (!strcmp(job->env, "dynamic") &&
	    (attrs_set_num(&out->attrs, "load_duty", job->x->dynamic.duty, err) < 0 ||
	     attrs_set_num(&out->attrs, "load_period_ms", job->x->dynamic.period_ms, err) < 0))
		return -1;
	return 0;
}

/* Measures one sample; fills rec (runs into rec->runs_ms) and adds to t's
 * breakdown. */
static int measure_one(const struct backend_ops *b, void *ctx, const struct module_shape *sh,
		       const struct bench_settings *bs, struct sysstat *ss,
		       struct journal_record *rec, struct bench_totals *t, char *err)
{
	double t0 = now_s(), tw, tt, tr;
	void *inst = NULL;
	int k;

	if (sysstat_read(ss, &rec->mem_avail, &rec->util, err) < 0 ||
	    b->prepare(ctx, sh, &inst, err) < 0)
		return -1;
	tw = now_s();
	for (k = 0; k < bs->warmup; k++)
		if (b->run(inst, err) < 0)
			goto fail;
	tt = now_s();
	rec->timed_s = 0;
	for (k = 0; k < bs->runs; k++) {
		double a = now_s(), z;

		if (b->run(inst, err) < 0)
			goto fail;
		z = now_s();
		rec->runs_ms[k] = (z - a) * 1e3;
		rec->timed_s += z - a;
	}
	tr = now_s();
	b->release(inst);
	rec->total_s = now_s() - t0;
	t->setup_s += (tw - t0) + (now_s() - tr);
	t->warmup_s += tt - tw;
	return 0;
fail:
	b->release(inst);
	return -1;
}

int bench_measure(const struct bench_job *job, struct dataset *out, struct bench_totals *t,
		  char *err)
{
	const struct bench_settings *bs = &job->x->bench;
	const struct backend_ops *b = backend_find(bs->backend);
	struct backend_settings set = { bs->threads, bs->fuse_relu, job->x->seed };
	struct resume_ctx rc = { out, NULL, 0, t, NULL, 0, 0 };
	struct journal_record rec = { 0 };
	struct bench_progress p = { 0 };
	struct journal j = { -1, 0, 1 };
	struct sysstat ss;
	enum module_kind m;
	const char *mname = attrs_str(&job->gen->attrs, "module");
	void *ctx = NULL;
	pid_t load = 0;
	double start = now_s(), last = start, tj;
	size_t i, session_done = 0;
	int status = -1;

	memset(t, 0, sizeof(*t));
	if (!b)
		return err_set(err, "unknown backend '%s'", bs->backend);
	if (!mname || module_from_name(mname, &m) < 0)
		return err_set(err, "the gen file names no known module (attribute 'module')");
	if (layout(job->gen, (size_t)bs->runs, out, &rc.mem_col, &rc.util_col, err) < 0)
		return -1;
	rc.done = xcalloc(out->n, 1, err);
	rc.scratch = xcalloc((size_t)bs->runs, sizeof(double), err);
	rec.runs_ms = xcalloc((size_t)bs->runs, sizeof(double), err);
	if (!rc.done || !rc.scratch || !rec.runs_ms)
		goto done;
	if (journal_open(&j, job->journal_path, job->journal_key, out->r, on_found, &rc, err) < 0)
		goto done;
	p.total = out->n;
	p.resumed = rc.ndone;
	if (!strcmp(job->env, "dynamic")) {
		struct load_settings ls = { job->x->dynamic.duty, job->x->dynamic.period_ms,
					    job->x->dynamic.load_threads, job->x->seed ^ 0xd1 };

		if (load_start(b, &ls, &load, err) < 0)
			goto done;
	}
	if (sysstat_init(&ss, UTIL_WINDOW_S, err) < 0 || b->open(&ctx, &set, err) < 0)
		goto done;
	for (i = 0; i < out->n; i++) {
		struct module_shape sh;

		if (rc.done[i])
			continue;
		if (job->stop && *job->stop) {
			status = 1;
			goto done;
		}
		rec.index = i;
		if (bench_shape(job->gen, i, m, &sh, err) < 0 ||
		    measure_one(b, ctx, &sh, bs, &ss, &rec, t, err) < 0) {
			char msg[ERR_LEN];

			snprintf(msg, sizeof(msg), "sample %zu", i);
			err_prefix(err, msg);
			goto done;
		}
		tj = now_s();
		if (journal_append(&j, &rec, err) < 0)
			goto done;
		/* the checkpoint is part of the sample's cost */
		rec.total_s += now_s() - tj;
		t->journal_s += now_s() - tj;
		store(&rc, &rec);
		session_done++;
		if (job->progress && (now_s() - last >= 0.5 || rc.ndone == out->n)) {
			last = now_s();
			p.done = rc.ndone;
			p.elapsed_s = last - start;
			p.eta_s = session_done ? (last - start) / (double)session_done *
							 (double)(out->n - rc.ndone)
					       : -1;
			job->progress(&p, job->user);
		}
	}
	t->resumed = p.resumed;
	status = stamp(out, job, b, t, err);
done:
	b->close(ctx);
	load_stop(load);
	journal_close(&j);
	free(rc.done);
	free(rc.scratch);
	free(rec.runs_ms);
	if (status != 0)
		dataset_release(out);
	return status;
}
