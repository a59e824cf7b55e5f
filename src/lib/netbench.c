/* netbench.c - a whole network measured end to end (netbench.h). */
#include "netbench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "h5io.h"
#include "module.h"
#include "netrun.h"
#include "sysstat.h"
#include "util.h"

/* as bench.c: long enough for /proc/stat's 10 ms ticks to average */
#define UTIL_WINDOW_S 0.2
#define MAX_LOOPS 1000000

static void say(const struct netbench_job *job, const char *fmt, double a, double b, double c)
{
	char msg[256];

	if (!job->notice)
		return;
	snprintf(msg, sizeof(msg), fmt, a, b, c);
	job->notice(msg, job->user);
}

/* bench.c's quiet guard (wait_quiet), for one measurement: waits until
 * others use at most `quiet` cores and steal stays below it; 0 quiet at
 * once, 1 waited, 2 gave up after quiet_wait_s (measured anyway, flagged). */
static int wait_quiet(const struct netbench_job *job, struct sysstat *ss, char *err)
{
	const struct bench_settings *bs = &job->x->bench;
	double m, u, start = now_s(), said = start;
	int waited = 0;

	for (;;) {
		if (sysstat_read(ss, &m, &u, err) < 0)
			return -1;
		if (u * ss->ncpu <= bs->quiet && sysstat_steal(ss) * ss->ncpu <= bs->quiet)
			return waited;
		if (job->stop && *job->stop)
			return waited;
		if (!waited)
			say(job, "waiting for quiet: other processes use %.2f cores, steal %.2f cores "
				 "(measuring anyway after %.0f s)",
			    u * ss->ncpu, sysstat_steal(ss) * ss->ncpu, bs->quiet_wait_s);
		waited = 1;
		if (now_s() - start >= bs->quiet_wait_s) {
			say(job, "still not quiet after %.0f s (others %.2f cores, steal %.2f): "
				 "measuring, and flagging the network",
			    now_s() - start, u * ss->ncpu, sysstat_steal(ss) * ss->ncpu);
			return 2;
		}
		if (now_s() - said >= 10) {
			said = now_s();
			say(job, "still waiting for quiet: others %.2f cores, steal %.2f (%.0f s so far)",
			    u * ss->ncpu, sysstat_steal(ss) * ss->ncpu, now_s() - start);
		}
		sleep_s(0.05);
	}
}

/* One attempt: the timed runs into runs_ms[r] and layer_runs_ms[n, r]. */
static int attempt(const struct netbench_job *job, struct netrun *nr, struct sysstat *ss,
		   struct netbench_out *o, double *acc, struct sysstat_span *sp, char *err)
{
	const struct bench_settings *bs = &job->x->bench;
	struct sysstat_mark ma, mb;
	double t, first;
	size_t i, k;
	long l;
	int w;

	for (w = 0; w < (bs->warmup > 1 ? bs->warmup : 1); w++)
		if (netrun_pass(nr, NULL, err) < 0)
			return -1;
	t = now_s();
	if (netrun_pass(nr, NULL, err) < 0)
		return -1;
	first = (now_s() - t) * 1e3;
	o->loops = first >= bs->min_run_ms ? 1
		   : (long)fmin(MAX_LOOPS, ceil(bs->min_run_ms / fmax(first, 1e-6)));
	if (sysstat_mark(&ma, err) < 0)
		return -1;
	for (k = 0; k < o->r; k++) {
		memset(acc, 0, o->n * sizeof(double));
		t = now_s();
		for (l = 0; l < o->loops; l++)
			if (netrun_pass(nr, acc, err) < 0)
				return -1;
		o->runs_ms[k] = (now_s() - t) * 1e3 / (double)o->loops;
		for (i = 0; i < o->n; i++)
			o->layer_runs_ms[i * o->r + k] = acc[i] * 1e3 / (double)o->loops;
		if (job->stop && *job->stop)
			return 1;
	}
	if (sysstat_mark(&mb, err) < 0)
		return -1;
	sysstat_span(ss, &ma, &mb, sp);
	return 0;
}

int netbench_measure(const struct netbench_job *job, struct netbench_out *o, char *err)
{
	const struct bench_settings *bs = &job->x->bench;
	const struct modlat_layer *ly;
	struct netrun *nr = NULL;
	struct sysstat ss;
	struct sysstat_span sp, best_sp = { 0 };
	double *acc = NULL, *best_runs = NULL, *best_layers = NULL, *scratch = NULL;
	double best_mem = 0, best_util = 0;
	long best_loops = 1;
	size_t i;
	int rc = -1, a, w;

	memset(o, 0, sizeof(*o));
	if (strcmp(bs->backend, "onednn"))
		return err_set(err, "bench --network: backend '%s' has no network runner (onednn has)",
			       bs->backend);
	ly = modlat_network_layers(job->net, &o->n, NULL, NULL);
	o->r = (size_t)bs->runs;
	if (!(o->layer_runs_ms = xcalloc(o->n * o->r, sizeof(double), err)) ||
	    !(o->layer_ms = xcalloc(o->n, sizeof(double), err)) ||
	    !(o->runs_ms = xcalloc(o->r, sizeof(double), err)) ||
	    !(o->impl = xcalloc(o->n, sizeof(char *), err)) ||
	    !(acc = xcalloc(o->n, sizeof(double), err)) ||
	    !(best_runs = xcalloc(o->r, sizeof(double), err)) ||
	    !(best_layers = xcalloc(o->n * o->r, sizeof(double), err)) ||
	    !(scratch = xcalloc(o->r > o->n ? o->r : o->n, sizeof(double), err)))
		goto out;
	if (sysstat_init(&ss, UTIL_WINDOW_S, err) < 0)
		goto out;
	for (a = 0; a <= bs->retries; a++) {
		if ((w = wait_quiet(job, &ss, err)) < 0)
			goto out;
		o->waited |= w != 0;
		if (sysstat_read(&ss, &o->mem_avail, &o->util, err) < 0)
			goto out;
		if (!nr && netrun_build(job->net, job->batch, bs->threads, bs->fuse_relu, job->x->seed,
					&nr, err) < 0)
			goto out;
		if ((w = attempt(job, nr, &ss, o, acc, &sp, err)) != 0) {
			rc = w;
			goto out;
		}
		o->attempts = a + 1;
		if (a == 0 || sp.delay < best_sp.delay) {
			best_sp = sp;
			best_mem = o->mem_avail;
			best_util = o->util;
			best_loops = o->loops;
			memcpy(best_runs, o->runs_ms, o->r * sizeof(double));
			memcpy(best_layers, o->layer_runs_ms, o->n * o->r * sizeof(double));
		}
		o->contended = best_sp.delay > bs->contention || best_sp.steal * ss.ncpu > bs->quiet;
		if (!o->contended)
			break;
		if (a < bs->retries)
			say(job, "contended (our threads waited %.1f%% of the runs for a CPU): measuring "
				 "again (%.0f of %.0f)",
			    100 * sp.delay, a + 2, bs->retries + 1);
	}
	memcpy(o->runs_ms, best_runs, o->r * sizeof(double));
	memcpy(o->layer_runs_ms, best_layers, o->n * o->r * sizeof(double));
	o->mem_avail = best_mem;
	o->util = best_util;
	o->loops = best_loops;
	o->util_during = best_sp.util;
	o->steal_during = best_sp.steal;
	o->delay_during = best_sp.delay;
	o->latency_ms = median_of(o->runs_ms, o->r, scratch);
	for (i = 0; i < o->n; i++) {
		o->layer_ms[i] = median_of(&o->layer_runs_ms[i * o->r], o->r, scratch);
		o->layer_sum_ms += o->layer_ms[i];
		if (ly[i].op != MODLAT_OP_MODULE)
			o->glue_ms += o->layer_ms[i];
		if (!(o->impl[i] = xstrdup(netrun_impl(nr, i), err)))
			goto out;
	}
	rc = 0;
out:
	netrun_free(nr);
	free(acc);
	free(best_runs);
	free(best_layers);
	free(scratch);
	if (rc != 0)
		netbench_release(o);
	return rc;
}

void netbench_release(struct netbench_out *o)
{
	size_t i;

	if (o->impl)
		for (i = 0; i < o->n; i++)
			free(o->impl[i]);
	free(o->impl);
	free(o->layer_runs_ms);
	free(o->layer_ms);
	free(o->runs_ms);
	memset(o, 0, sizeof(*o));
}

static const char *const glue_names[MODLAT_OP_COUNT] = { "", "add", "concat", "flatten", "gpool",
							 "relu" };

int netbench_write(const struct netbench_job *job, const struct netbench_out *o,
		   const char *path, char *err)
{
	const struct bench_settings *bs = &job->x->bench;
	const struct modlat_layer *ly = modlat_network_layers(job->net, NULL, NULL, NULL);
	size_t n = o->n, i, dims2[2] = { n, o->r }, dims6[2] = { n, 6 }, glue = 0;
	int64_t *line = xcalloc(n, sizeof(int64_t), err), *shape = xcalloc(n * 6, sizeof(int64_t), err);
	uint8_t *isglue = xcalloc(n, 1, err);
	char **names = xcalloc(n, sizeof(char *), err), cpu[256], created[32];
	struct h5_out out;
	int rc = -1;

	if (!line || !shape || !isglue || !names)
		goto done;
	for (i = 0; i < n; i++) {
		const struct modlat_layer *y = &ly[i];
		char buf[32];

		line[i] = y->line;
		isglue[i] = y->op != MODLAT_OP_MODULE;
		glue += isglue[i];
		if (y->op == MODLAT_OP_MODULE) {
			snprintf(buf, sizeof(buf), "%s", module_name((enum module_kind)y->kind));
			shape[i * 6 + 0] = job->batch;
			shape[i * 6 + 1] = y->cin;
			shape[i * 6 + 2] = y->cout;
			shape[i * 6 + 3] = y->hw;
			shape[i * 6 + 4] = y->kernel;
			shape[i * 6 + 5] = y->stride;
		} else {
			snprintf(buf, sizeof(buf), "%s%s", glue_names[y->op], y->relu ? "-relu" : "");
			shape[i * 6 + 0] = job->batch;
		}
		if (!(names[i] = xstrdup(buf, err)))
			goto done;
	}
	host_cpu_model(cpu, sizeof(cpu));
	now_iso8601(created, sizeof(created));
	if (h5_create(&out, path, NETBENCH_FORMAT, NETBENCH_VERSION, err) < 0)
		goto done;
	if (h5_write_i64(out.file, "layer_line", 1, &n, line, err) < 0 ||
	    h5_write_strings(out.file, "layer_name", n, names, err) < 0 ||
	    h5_write_u8(out.file, "layer_glue", 1, &n, isglue, err) < 0 ||
	    h5_write_i64(out.file, "layer_shape", 2, dims6, shape, err) < 0 ||
	    h5_write_strings(out.file, "layer_impl", n, o->impl, err) < 0 ||
	    h5_write_f64(out.file, "layer_latency_ms", 1, &n, o->layer_ms, err) < 0 ||
	    h5_write_f64(out.file, "layer_runs_ms", 2, dims2, o->layer_runs_ms, err) < 0 ||
	    h5_write_f64(out.file, "latency_runs_ms", 1, &o->r, o->runs_ms, err) < 0 ||
	    h5_attr_write_str(out.file, "network", modlat_network_name(job->net), err) < 0 ||
	    h5_attr_write_str(out.file, "description", modlat_network_source(job->net), err) < 0 ||
	    h5_attr_write_i64(out.file, "batch", job->batch, err) < 0 ||
	    h5_attr_write_f64(out.file, "latency_ms", o->latency_ms, err) < 0 ||
	    h5_attr_write_f64(out.file, "layer_sum_ms", o->layer_sum_ms, err) < 0 ||
	    h5_attr_write_f64(out.file, "glue_ms", o->glue_ms, err) < 0 ||
	    h5_attr_write_f64(out.file, "glue_share",
			      o->layer_sum_ms > 0 ? o->glue_ms / o->layer_sum_ms : 0, err) < 0 ||
	    h5_attr_write_i64(out.file, "modules", (int64_t)(n - glue), err) < 0 ||
	    h5_attr_write_i64(out.file, "glue_layers", (int64_t)glue, err) < 0 ||
	    h5_attr_write_str(out.file, "environment", "static", err) < 0 ||
	    h5_attr_write_str(out.file, "experiment", job->exp_path ? job->exp_path : "", err) < 0 ||
	    h5_attr_write_str(out.file, "backend", bs->backend, err) < 0 ||
	    h5_attr_write_str(out.file, "backend_version", netrun_backend_version(), err) < 0 ||
	    h5_attr_write_i64(out.file, "threads", bs->threads, err) < 0 ||
	    h5_attr_write_i64(out.file, "warmup", bs->warmup, err) < 0 ||
	    h5_attr_write_i64(out.file, "runs", bs->runs, err) < 0 ||
	    h5_attr_write_i64(out.file, "loops", o->loops, err) < 0 ||
	    h5_attr_write_f64(out.file, "min_run_ms", bs->min_run_ms, err) < 0 ||
	    h5_attr_write_str(out.file, "fuse_relu", bs->fuse_relu ? "yes" : "no", err) < 0 ||
	    h5_attr_write_f64(out.file, "mem_avail", o->mem_avail, err) < 0 ||
	    h5_attr_write_f64(out.file, "util", o->util, err) < 0 ||
	    h5_attr_write_f64(out.file, "util_during", o->util_during, err) < 0 ||
	    h5_attr_write_f64(out.file, "steal_during", o->steal_during, err) < 0 ||
	    h5_attr_write_f64(out.file, "delay_during", o->delay_during, err) < 0 ||
	    h5_attr_write_i64(out.file, "waited", o->waited, err) < 0 ||
	    h5_attr_write_i64(out.file, "contended", o->contended, err) < 0 ||
	    h5_attr_write_i64(out.file, "attempts", o->attempts, err) < 0 ||
	    h5_attr_write_f64(out.file, "quiet_threshold", bs->quiet, err) < 0 ||
	    h5_attr_write_f64(out.file, "contention_threshold", bs->contention, err) < 0 ||
	    h5_attr_write_str(out.file, "host_cpu", cpu, err) < 0 ||
	    h5_attr_write_str(out.file, "created", created, err) < 0 ||
	    h5_attr_write_str(out.file, "tool_version", MODLAT_VERSION, err) < 0 ||
	    h5_attr_write_i64(out.file, "seed", (int64_t)job->x->seed, err) < 0) {
		h5_abort(&out);
		goto done;
	}
	rc = h5_commit(&out, err);
done:
	if (names)
		for (i = 0; i < n; i++)
			free(names[i]);
	free(names);
	free(line);
	free(shape);
	free(isglue);
	return rc;
}
