/* netbench.h - a whole network measured end to end (bench --network).
 *
 * The protocol of bench.h applied to one network at one batch: in the
 * static environment wait until the machine is quiet (the experiment's
 * `quiet`, `quiet_wait_s`); read M and U; build the network (netrun.h,
 * untimed); max(warmup, 1) untimed passes (the first allocates oneDNN's
 * scratchpads); one timed pass sizes the loops so that a timed run lasts at
 * least min_run_ms; then `runs` timed runs of `loops` back-to-back passes.
 * Each run gives the whole network's time per pass and, from the same
 * passes, each layer's (its primitives and a stream wait). A run whose
 * threads waited for a CPU more than `contention` of its wall time (or met
 * steal) makes the measurement contended: it is measured again, up to
 * `retries` times, keeping the least contended attempt, and flagged if none
 * ran quiet.
 *
 * The file (HDF5, format "modlat-network", version 1):
 *   /layer_line        int64   [L]    the layer's line in the description
 *   /layer_name        string  [L]    module (conv-bn-relu, ...) or glue (add, add-relu,
 *                                     concat, flatten, gpool, relu)
 *   /layer_glue        uint8   [L]    1: glue, not predicted
 *   /layer_shape       int64   [L, 6] batch, cin, cout, hw, kernel, stride (0: none)
 *   /layer_impl        string  [L]    oneDNN's implementation of its main primitive
 *   /layer_latency_ms  float64 [L]    median over the runs of the layer's time per pass
 *   /layer_runs_ms     float64 [L, r] every run
 *   /latency_runs_ms   float64 [r]    the whole network's time per pass, every run
 *   attributes: format, format_version, network, description (its path),
 *     batch, latency_ms (median of the runs), layer_sum_ms, glue_ms (the glue
 *     layers' medians summed), glue_share (glue_ms / layer_sum_ms), modules,
 *     glue_layers, environment, experiment, backend, backend_version,
 *     threads, warmup, runs, loops, min_run_ms, fuse_relu, mem_avail, util,
 *     util_during, steal_during, delay_during, waited (0/1), contended (0/1),
 *     attempts, quiet_threshold, contention_threshold, host_cpu, created,
 *     tool_version, seed
 */
#ifndef MODLAT_NETBENCH_H
#define MODLAT_NETBENCH_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "modlat.h"

#define NETBENCH_FORMAT "modlat-network"
#define NETBENCH_VERSION 1

struct netbench_job {
	const struct modlat_network *net;
	long batch;
	const struct experiment *x;  /* [bench] settings, seed */
	const char *exp_path;        /* recorded */
	const char *env;             /* "static" (quiet guard) | "dynamic" (no guard, no load) */
	void (*notice)(const char *msg, void *user); /* waits for quiet; may be NULL */
	void *user;
	volatile sig_atomic_t *stop;
};

struct netbench_out {
	size_t n, r;           /* layers, runs */
	double *layer_runs_ms; /* (n, r) */
	double *layer_ms;      /* n: medians */
	double *runs_ms;       /* r */
	char **impl;           /* n */
	double latency_ms, layer_sum_ms, glue_ms;
	long loops;
	double mem_avail, util, util_during, steal_during, delay_during;
	int waited, contended, attempts;
};

/* Measures job->net into out. Returns 0, -1 with a message, or 1 when
 * *stop was raised. */
int netbench_measure(const struct netbench_job *job, struct netbench_out *out, char *err);
/* Writes out (with job's description) to path, atomically. */
int netbench_write(const struct netbench_job *job, const struct netbench_out *out,
		   const char *path, char *err);
void netbench_release(struct netbench_out *out);

#endif
