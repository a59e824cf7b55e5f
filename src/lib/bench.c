#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "err.h"
#include "journal.h"
#include "load.h"
#include "rng.h"
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
	unsigned char *done;   /* n: the sample's kept measurement is in */
	unsigned char *rdone;  /* nrepeat: the second measurement is in */
	size_t ndone, nrdone;
	struct bench_totals *t;
	double *scratch;
	int mem_col, util_col;
	double from, to;       /* Unix time span of the kept measurements */
};

/* Slot of row i in the repeat subset, or -1. */
static long repeat_slot(const struct dataset *o, uint64_t i)
{
	size_t lo = 0, hi = o->nrepeat;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if ((uint64_t)o->repeat_rows[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->nrepeat && (uint64_t)o->repeat_rows[lo] == i ? (long)lo : -1;
}

static void store(struct resume_ctx *c, const struct journal_record *rec)
{
	struct dataset *o = c->out;
	size_t i = (size_t)rec->index;
	double start = rec->at_s - rec->total_s;

	if (i >= o->n)
		return;
	if (rec->kind == JOURNAL_REPEAT) {
		long k = repeat_slot(o, i);

		if (k < 0 || c->rdone[k])
			return;
		o->repeat_ms[k] = median_of(rec->runs_ms, o->r, c->scratch);
		c->rdone[k] = 1;
		c->nrdone++;
	} else {
		if (c->done[i])
			return;
		memcpy(&o->runs_ms[i * o->r], rec->runs_ms, o->r * sizeof(double));
		o->latency_ms[i] = median_of(rec->runs_ms, o->r, c->scratch);
		o->features[i * o->d + c->mem_col] = rec->mem_avail;
		o->features[i * o->d + c->util_col] = rec->util;
		o->flags[i] = (uint8_t)rec->flags;
		o->util_during[i] = rec->util_during;
		o->steal_during[i] = rec->steal_during;
		o->delay_during[i] = rec->delay_during;
		if (o->load_during)
			o->load_during[i] = rec->load_during;
		o->loops[i] = rec->loops;
		c->done[i] = 1;
		c->ndone++;
	}
	c->t->timed_s += rec->timed_s;
	c->t->total_s += rec->total_s;
	if (c->from == 0 || start < c->from)
		c->from = start;
	if (rec->at_s > c->to)
		c->to = rec->at_s;
}

static void on_found(const struct journal_record *rec, void *user)
{
	struct resume_ctx *c = user;

	store(c, rec);
	c->t->resumed = c->ndone + c->nrdone;
}

/* The seeded repeat subset: k = max(share * n, min(repeat_min, n)) rows,
 * drawn uniformly (Knuth's selection sampling, so the rows come out in
 * order) from the stream (seed, module) — the same rows for the same gen
 * file and settings, spread over the split like the samples. */
size_t bench_repeat_count(const struct bench_settings *bs, size_t n)
{
	size_t k = (size_t)ceil(bs->repeat_share * (double)n);
	size_t least = (size_t)bs->repeat_min < n ? (size_t)bs->repeat_min : n;

	return k > least ? (k < n ? k : n) : least;
}

void bench_repeat_rows(size_t n, size_t k, uint64_t seed, enum module_kind m, int64_t *rows)
{
	struct rng r;
	size_t i, got = 0;

	rng_init(&r, seed, 0x4e70 + (uint64_t)m);
	for (i = 0; i < n && got < k; i++)
		if (rng_uniform(&r) * (double)(n - i) < (double)(k - got))
			rows[got++] = (int64_t)i;
}

/* Lays out the output: gen's sampling features, then M and U, then the
 * inferable ones; attributes copied from gen; the protocol's arrays. */
static int layout(const struct dataset *gen, const struct bench_job *job, size_t r,
		  enum module_kind m, struct dataset *out, int *mem_col, int *util_col, char *err)
{
	size_t i, j, k = 0, *src;

	if (dataset_init(out, gen->n, gen->d + 2, r, err) < 0)
		return -1;
	if (dataset_init_protocol(out, !strcmp(job->env, "dynamic"),
				  bench_repeat_count(&job->x->bench, gen->n), err) < 0)
		goto fail0;
	bench_repeat_rows(out->n, out->nrepeat, job->x->seed, m, out->repeat_rows);
	src = xcalloc(out->d, sizeof(*src), err);
	if (!src)
		goto fail0;
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
fail0:
	dataset_release(out);
	return -1;
}

static int stamp(struct dataset *out, const struct bench_job *job, const struct backend_ops *b,
		 const struct bench_totals *t, const struct resume_ctx *rc, char *err)
{
	const struct bench_settings *bs = &job->x->bench;
	char cpu[256], created[32];
	size_t i, waited = 0, remeasured = 0, flagged = 0;

	for (i = 0; i < out->n; i++) {
		waited += !!(out->flags[i] & DATASET_WAITED);
		remeasured += !!(out->flags[i] & DATASET_REMEASURED);
		flagged += !!(out->flags[i] & DATASET_CONTENDED);
	}
#define SHARE(k) (out->n ? (double)(k) / (double)out->n : 0.0)
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
	    attrs_set_num(&out->attrs, "bench_wait_s", t->wait_s, err) < 0 ||
	    attrs_set_num(&out->attrs, "util_window_s", UTIL_WINDOW_S, err) < 0 ||
	    attrs_set_num(&out->attrs, "measured_from", rc->from, err) < 0 ||
	    attrs_set_num(&out->attrs, "measured_to", rc->to, err) < 0 ||
	    attrs_set_int(&out->attrs, "protocol", BENCH_PROTOCOL, err) < 0 ||
	    attrs_set_num(&out->attrs, "min_run_ms", bs->min_run_ms, err) < 0 ||
	    attrs_set_str(&out->attrs, "fold_first", bs->fold_first ? "yes" : "no", err) < 0 ||
	    attrs_set_num(&out->attrs, "quiet_threshold", bs->quiet, err) < 0 ||
	    attrs_set_num(&out->attrs, "contention_threshold", bs->contention, err) < 0 ||
	    attrs_set_num(&out->attrs, "quiet_wait_max_s", bs->quiet_wait_s, err) < 0 ||
	    attrs_set_int(&out->attrs, "retries", bs->retries, err) < 0 ||
	    attrs_set_num(&out->attrs, "share_waited", SHARE(waited), err) < 0 ||
	    attrs_set_num(&out->attrs, "share_remeasured", SHARE(remeasured), err) < 0 ||
	    attrs_set_num(&out->attrs, "share_flagged", SHARE(flagged), err) < 0 ||
	    attrs_set_int(&out->attrs, "repeat_count", (int64_t)out->nrepeat, err) < 0)
		return -1;
#undef SHARE
	if (!strcmp(job->env, "dynamic") &&
	    (attrs_set_num(&out->attrs, "load_duty", job->x->dynamic.duty, err) < 0 ||
	     attrs_set_num(&out->attrs, "load_period_ms", job->x->dynamic.period_ms, err) < 0))
		return -1;
	return 0;
}

/* Everything one bench run measures with. */
struct bench_run {
	const struct bench_job *job;
	const struct backend_ops *b;
	void *ctx;
	struct sysstat ss;
	struct load load;
	struct bench_totals *t;
	int guard;   /* static environment: wait for quiet, re-measure contended samples */
	int gave_up; /* the last wait ran out, and no quiet moment came since */
};

static void notice(const struct bench_run *br, const char *fmt, double a, double b, double c)
{
	char msg[256];

	if (!br->job->notice)
		return;
	snprintf(msg, sizeof(msg), fmt, a, b, c);
	br->job->notice(msg, br->job->user);
}

/* Waits until others use at most `quiet` cores and steal stays below it, over
 * the utilisation window. Returns 0 if it was quiet, 1 if it waited, 2 if
 * it gave up after quiet_wait_s (the sample is then measured anyway, and
 * flagged). After giving up it does not wait again until a quiet moment
 * comes: on a machine that stays busy the bench goes on, flagging. */
static int wait_quiet(struct bench_run *br, char *err)
{
	const struct bench_settings *bs = &br->job->x->bench;
	double m, u, start = now_s(), said = start;
	int ncpu = br->ss.ncpu, waited = 0;

	for (;;) {
		if (sysstat_read(&br->ss, &m, &u, err) < 0)
			return -1;
		if (u * ncpu <= bs->quiet && sysstat_steal(&br->ss) * ncpu <= bs->quiet) {
			br->gave_up = 0;
			break;
		}
		if (br->gave_up)
			return 2;
		if (br->job->stop && *br->job->stop)
			break;
		if (!waited)
			notice(br, "waiting for quiet: other processes use %.2f cores, steal %.2f "
				   "cores (measuring anyway after %.0f s)",
			       u * ncpu, sysstat_steal(&br->ss) * ncpu, bs->quiet_wait_s);
		waited = 1;
		if (now_s() - start >= bs->quiet_wait_s) {
			notice(br, "still not quiet after %.0f s (others %.2f cores, steal %.2f): "
				   "measuring, and flagging the sample",
			       now_s() - start, u * ncpu, sysstat_steal(&br->ss) * ncpu);
			br->t->wait_s += now_s() - start;
			br->gave_up = 1;
			return 2;
		}
		if (now_s() - said >= 10) {
			said = now_s();
			notice(br, "still waiting for quiet: others %.2f cores, steal %.2f (%.0f s so far)",
			       u * ncpu, sysstat_steal(&br->ss) * ncpu, now_s() - start);
		}
		sleep_s(0.05);
	}
	br->t->wait_s += now_s() - start;
	return waited;
}

/* Times `loops` executions of the module; returns ms per execution. *busy
 * counts the background load's state at the run's start and end, *nbusy
 * how often it was looked at. */
static int timed_run(struct bench_run *br, void *inst, int64_t loops, double *ms, int *busy,
		     int *nbusy, char *err)
{
	double a;
	int64_t k;

	*busy += load_busy(&br->load);
	a = now_s();
	for (k = 0; k < loops; k++)
		if (br->b->run(inst, err) < 0)
			return -1;
	*ms = (now_s() - a) * 1e3 / (double)loops;
	*busy += load_busy(&br->load);
	*nbusy += 2;
	return 0;
}

#define MAX_LOOPS 10000000

/* Run 0 with fold_first: the module's first execution, then more of them
 * until the run has lasted min_ms (the clock read after each execution
 * costs about 20 ns). *ms gets the time per execution over the whole run,
 * the cold first one included; *warm the time per execution after the
 * first (the first's own when it alone lasted min_ms), which sizes the
 * other runs' loops. */
static int first_run(struct bench_run *br, void *inst, double min_ms, double *ms, double *warm,
		     int *busy, int *nbusy, char *err)
{
	double a, first, el;
	int64_t k = 1;

	*busy += load_busy(&br->load);
	a = now_s();
	if (br->b->run(inst, err) < 0)
		return -1;
	first = el = (now_s() - a) * 1e3;
	while (el < min_ms && k < MAX_LOOPS) {
		if (br->b->run(inst, err) < 0)
			return -1;
		k++;
		el = (now_s() - a) * 1e3;
	}
	*busy += load_busy(&br->load);
	*nbusy += 2;
	*ms = el / (double)k;
	*warm = k > 1 ? (el - first) / (double)(k - 1) : *ms;
	return 0;
}

/* Executions per run that make a run of min_ms at `per` ms each. */
static int64_t loops_for(double min_ms, double per)
{
	double l = ceil(min_ms / (per > 1e-6 ? per : 1e-6));

	return l > MAX_LOOPS ? MAX_LOOPS : l < 1 ? 1 : (int64_t)l;
}

/* Measures one sample into rec: M and U before it, the module built, the
 * warm-up runs, then `runs` timed runs; every run records the time per
 * execution. With fold_first (the default), run 0 starts with the module's
 * first execution and loops until it has lasted min_run_ms (first_run), and
 * each other run loops ceil(min_run_ms / run 0's warm time per execution)
 * times: the cold first execution is measured, as part of run 0, instead
 * of being spent apart. Without it (protocol 2 as first shipped), the first
 * execution calibrates: one that lasts min_run_ms or more is the first
 * timed run; for a faster module the first timed run loops it
 * ceil(min_run_ms / first) times, and each other timed run loops it
 * ceil(min_run_ms / the first run's time per execution) times. What the
 * timed runs met is recorded beside them. */
static int measure_one(struct bench_run *br, const struct module_shape *sh,
		       struct journal_record *rec, char *err)
{
	const struct bench_settings *bs = &br->job->x->bench;
	struct bench_totals *t = br->t;
	struct sysstat_mark ma, mb;
	struct sysstat_span sp;
	double t0 = now_s(), tw, tt, tr, first;
	void *inst = NULL;
	int k, busy = 0, nbusy = 0;
	int64_t loops;

	rec->flags = 0;
	if (br->guard) {
		int w = wait_quiet(br, err);

		if (w < 0)
			return -1;
		if (w)
			rec->flags |= DATASET_WAITED;
		if (w == 2)
			rec->flags |= DATASET_CONTENDED;
		t0 = now_s();
	}
	if (sysstat_read(&br->ss, &rec->mem_avail, &rec->util, err) < 0 ||
	    br->b->prepare(br->ctx, sh, &inst, err) < 0)
		return -1;
	tw = now_s();
	for (k = 0; k < bs->warmup; k++)
		if (br->b->run(inst, err) < 0)
			goto fail;
	if (sysstat_mark(&ma, err) < 0)
		goto fail;
	tt = now_s();
	k = 0;
	if (bs->fold_first) {
		double warm;

		if (first_run(br, inst, bs->min_run_ms, &rec->runs_ms[k++], &warm, &busy,
			      &nbusy, err) < 0)
			goto fail;
		loops = loops_for(bs->min_run_ms, warm);
		goto rest;
	}
	if (timed_run(br, inst, 1, &first, &busy, &nbusy, err) < 0)
		goto fail;
	loops = 1;
	if (first >= bs->min_run_ms) {
		rec->runs_ms[k++] = first; /* long enough: the first run counts */
	} else {
		/* the first execution runs cold (up to 7x slower for tiny modules),
		 * so the first run, sized from it, lasts at least min_run_ms and
		 * sizes the loops of the others; only the first execution is not
		 * a timed run */
		t->warmup_s += now_s() - tt;
		tt = now_s();
		if (timed_run(br, inst, loops_for(bs->min_run_ms, first), &rec->runs_ms[k], &busy,
			      &nbusy, err) < 0)
			goto fail;
		loops = loops_for(bs->min_run_ms, rec->runs_ms[k]);
		k++;
	}
rest:
	for (; k < bs->runs; k++)
		if (timed_run(br, inst, loops, &rec->runs_ms[k], &busy, &nbusy, err) < 0)
			goto fail;
	tr = now_s();
	if (sysstat_mark(&mb, err) < 0)
		goto fail;
	sysstat_span(&br->ss, &ma, &mb, &sp);
	br->b->release(inst);
	rec->loops = loops;
	rec->timed_s = tr - tt;
	rec->util_during = sp.util;
	rec->steal_during = sp.steal;
	rec->delay_during = sp.delay;
	rec->load_during = br->load.busy ? busy / (double)nbusy : 0;
	rec->total_s = now_s() - t0;
	rec->at_s = epoch_s();
	if (br->guard && (sp.delay > bs->contention || sp.steal * br->ss.ncpu > bs->quiet))
		rec->flags |= DATASET_CONTENDED;
	t->setup_s += (tw - t0) + (now_s() - tr);
	t->warmup_s += tt - tw;
	return 0;
fail:
	br->b->release(inst);
	return -1;
}

/* A contended measurement waiting to be measured again. */
struct pending {
	struct journal_record best; /* the least contended attempt so far */
	int tries;
};

static void record_copy(struct journal_record *dst, const struct journal_record *src, size_t r)
{
	double *runs = dst->runs_ms;

	*dst = *src;
	dst->runs_ms = runs;
	memcpy(runs, src->runs_ms, r * sizeof(double));
}

/* Measures row i (kind: sample or repeat) until it is not contended or the
 * retries are spent, keeping the least contended attempt; `retry_now` says
 * whether to retry at once (repeats) or hand a contended first attempt
 * back (returns 1) for a later pass. */
static int measure_row(struct bench_run *br, enum module_kind m, size_t i, uint64_t kind,
		       struct journal_record *rec, struct pending *p, int retry_now, char *err)
{
	const struct bench_settings *bs = &br->job->x->bench;
	size_t r = (size_t)bs->runs;
	struct module_shape sh;

	if (bench_shape(br->job->gen, i, m, &sh, err) < 0)
		return -1;
	for (;;) {
		rec->index = i;
		rec->kind = kind;
		if (measure_one(br, &sh, rec, err) < 0)
			return -1;
		if (p->tries)
			rec->flags |= DATASET_REMEASURED;
		/* a discarded attempt's cost is counted apart */
		if (!p->tries || rec->delay_during < p->best.delay_during) {
			if (p->tries)
				br->t->retry_s += p->best.total_s;
			record_copy(&p->best, rec, r);
		} else {
			br->t->retry_s += rec->total_s;
		}
		p->tries++;
		if (!(rec->flags & DATASET_CONTENDED) || p->tries > bs->retries)
			break;
		if (!retry_now)
			return 1;
		if (br->job->stop && *br->job->stop)
			break;
	}
	record_copy(rec, &p->best, r);
	if (p->tries > 1)
		rec->flags |= DATASET_REMEASURED;
	return 0;
}

int bench_measure(const struct bench_job *job, struct dataset *out, struct bench_totals *t,
		  char *err)
{
	const struct bench_settings *bs = &job->x->bench;
	const struct backend_ops *b = backend_find(bs->backend);
	struct backend_settings set = { bs->threads, bs->fuse_relu, job->x->seed, 1 };
	struct resume_ctx rc = { 0 };
	struct journal_record rec = { 0 };
	struct bench_progress p = { 0 };
	struct journal j = { -1, 0, 0, 0 };
	struct bench_run br = { 0 };
	struct pending *pend = NULL;
	size_t *pend_rows = NULL, npend = 0;
	enum module_kind m;
	const char *mname = attrs_str(&job->gen->attrs, "module");
	double start = now_s(), last = start;
	size_t i, session_done = 0, total;
	int status = -1, pass;

	memset(t, 0, sizeof(*t));
	rc.out = out;
	rc.t = t;
	br.job = job;
	br.b = b;
	br.t = t;
	br.guard = !strcmp(job->env, "static");
	if (!b)
		return err_set(err, "unknown backend '%s'", bs->backend);
	if (!mname || module_from_name(mname, &m) < 0)
		return err_set(err, "the gen file names no known module (attribute 'module')");
	if (layout(job->gen, job, (size_t)bs->runs, m, out, &rc.mem_col, &rc.util_col, err) < 0)
		return -1;
	rc.done = xcalloc(out->n ? out->n : 1, 1, err);
	rc.rdone = xcalloc(out->nrepeat ? out->nrepeat : 1, 1, err);
	rc.scratch = xcalloc((size_t)bs->runs, sizeof(double), err);
	rec.runs_ms = xcalloc((size_t)bs->runs, sizeof(double), err);
	pend = xcalloc(out->n ? out->n : 1, sizeof(*pend), err);
	pend_rows = xcalloc(out->n ? out->n : 1, sizeof(*pend_rows), err);
	if (!rc.done || !rc.rdone || !rc.scratch || !rec.runs_ms || !pend || !pend_rows)
		goto done;
	if (journal_open(&j, job->journal_path, job->journal_key, out->r, on_found, &rc, err) < 0)
		goto done;
	total = out->n + out->nrepeat;
	p.total = total;
	p.resumed = rc.ndone + rc.nrdone;
	if (!strcmp(job->env, "dynamic")) {
		struct load_settings ls = { job->x->dynamic.duty, job->x->dynamic.period_ms,
					    job->x->dynamic.load_threads, job->x->seed ^ 0xd1 };

		if (load_start(b, &ls, &br.load, err) < 0)
			goto done;
	}
	if (sysstat_init(&br.ss, UTIL_WINDOW_S, err) < 0 || b->open(&br.ctx, &set, err) < 0)
		goto done;
	/* pass 0: every sample; passes 1..retries: the contended ones again;
	 * then the repeat subset */
	for (pass = 0; pass <= bs->retries + 1; pass++) {
		int repeats = pass == bs->retries + 1;
		size_t n = repeats ? out->nrepeat : pass == 0 ? out->n : npend, left = 0;

		for (i = 0; i < n; i++) {
			size_t row = repeats ? (size_t)out->repeat_rows[i] : pass ? pend_rows[i] : i;
			struct pending one = { 0 }, *pp = repeats ? &one : &pend[row];
			double tj;
			int r;

			if (repeats ? rc.rdone[i] : rc.done[row])
				continue;
			if (job->stop && *job->stop) {
				status = 1;
				goto done;
			}
			if (!pp->best.runs_ms) {
				pp->best.runs_ms = xcalloc((size_t)bs->runs, sizeof(double), err);
				if (!pp->best.runs_ms)
					goto done;
			}
			r = measure_row(&br, m, row, repeats ? JOURNAL_REPEAT : JOURNAL_SAMPLE, &rec,
					pp, repeats || pass == bs->retries, err);
			if (repeats)
				free(one.best.runs_ms);
			if (r < 0) {
				char msg[ERR_LEN];

				snprintf(msg, sizeof(msg), "sample %zu", row);
				err_prefix(err, msg);
				goto done;
			}
			if (r == 1) { /* contended: again in the next pass */
				pend_rows[left++] = row;
				continue;
			}
			tj = now_s();
			if (journal_append(&j, &rec, err) < 0)
				goto done;
			/* the checkpoint is part of the sample's cost */
			rec.total_s += now_s() - tj;
			t->journal_s += now_s() - tj;
			store(&rc, &rec);
			session_done++;
			if (job->progress && (now_s() - last >= 0.5 ||
					      rc.ndone + rc.nrdone == total)) {
				last = now_s();
				p.done = rc.ndone + rc.nrdone;
				p.elapsed_s = last - start;
				p.eta_s = session_done ? (last - start) / (double)session_done *
								 (double)(total - p.done)
						       : -1;
				job->progress(&p, job->user);
			}
		}
		if (!repeats)
			npend = left;
	}
	t->resumed = p.resumed;
	status = stamp(out, job, b, t, &rc, err);
done:
	b->close(br.ctx);
	load_stop(&br.load);
	journal_close(&j);
	if (pend)
		for (i = 0; i < out->n; i++)
			free(pend[i].best.runs_ms);
	free(pend);
	free(pend_rows);
	free(rc.done);
	free(rc.rdone);
	free(rc.scratch);
	free(rec.runs_ms);
	if (status != 0)
		dataset_release(out);
	return status;
}
