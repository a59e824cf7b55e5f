/* bench.h - measure every configuration of a gen file on a backend.
 *
 * Protocol 2. For each sample: in the static environment, wait until the
 * machine is quiet; read M and U; build the module (untimed); run it
 * `warmup` times; then time `runs` runs one by one (CLOCK_MONOTONIC around
 * each synchronous run, a run looping the module until it lasts min_run_ms);
 * the latency is the median time per execution. What the timed runs met
 * (others' CPU, steal, our threads' run-queue wait, the load's state) is
 * recorded; in the static environment a sample whose runs waited for a CPU
 * is measured again later (up to `retries` times) and flagged if it never
 * ran quiet. At the end a seeded subset is measured a second time (the
 * repeatability ceiling). Finished samples go to the journal at once, so an
 * interrupted measurement resumes where it stopped.
 */
#ifndef MODLAT_BENCH_H
#define MODLAT_BENCH_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "dataset.h"

/* the measurement protocol, recorded in each dataset (attribute protocol) */
#define BENCH_PROTOCOL 2

struct bench_progress {
	size_t done, total;  /* samples finished (resumed ones included) */
	size_t resumed;      /* samples found in the journal at start */
	double elapsed_s;    /* this run's wall time so far */
	double eta_s;        /* estimated seconds left (< 0: unknown yet) */
};

struct bench_totals {
	double timed_s;  /* inside timed runs, over all samples (resumed included) */
	double total_s;  /* spent on the samples, everything included */
	size_t resumed;  /* samples taken from the journal */
	/* this session's breakdown of total_s (resumed samples not included) */
	double setup_s;   /* reading M and U, building and releasing the module */
	double warmup_s;  /* untimed warm-up runs */
	double journal_s; /* checkpointing finished samples */
	double wait_s;    /* waiting for quiet (not part of total_s) */
	double retry_s;   /* contended attempts measured again (not part of total_s) */
};

struct bench_job {
	const struct dataset *gen;      /* gen's output */
	const struct experiment *x;     /* [bench] and [dynamic] settings */
	const char *env;                /* "static" | "dynamic" */
	const char *journal_path;
	const char *journal_key;        /* identifies gen file + settings */
	void (*progress)(const struct bench_progress *p, void *user); /* may be NULL */
	void (*notice)(const char *msg, void *user); /* waits for quiet; may be NULL */
	void *user;
	volatile sig_atomic_t *stop;    /* set asynchronously to stop early */
};

/* Measures job->gen into out (a full dataset). Returns 0, -1 on error, or 1
 * when *stop was raised (the journal keeps what was finished). */
int bench_measure(const struct bench_job *job, struct dataset *out, struct bench_totals *t,
		  char *err);

/* The size of the repeat subset of n samples: max(repeat_share * n,
 * min(repeat_min, n)), at most n. */
size_t bench_repeat_count(const struct bench_settings *bs, size_t n);
/* The k rows (increasing) of the repeat subset of n samples, drawn uniformly
 * from the stream (seed, module): Knuth's selection sampling. */
void bench_repeat_rows(size_t n, size_t k, uint64_t seed, enum module_kind m, int64_t *rows);

/* Rebuilds the module shape of row i of a gen file or dataset. */
int bench_shape(const struct dataset *ds, size_t i, enum module_kind m,
		struct module_shape *shape, char *err);

#endif
