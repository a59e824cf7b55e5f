/* bench.h - measure every configuration of a gen file on a backend.
 *
 * For each sample: read M and U, build the module (untimed), run it `warmup`
 * times, then time `runs` runs one by one (CLOCK_MONOTONIC around each
 * synchronous run); the latency is their median. Finished samples go to the
 * journal at once, so an interrupted measurement resumes where it stopped.
 */
#ifndef MODLAT_BENCH_H
#define MODLAT_BENCH_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "dataset.h"

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
};

struct bench_job {
	const struct dataset *gen;      /* gen's output */
	const struct experiment *x;     /* [bench] and [dynamic] settings */
	const char *env;                /* "static" | "dynamic" */
	const char *journal_path;
	const char *journal_key;        /* identifies gen file + settings */
	void (*progress)(const struct bench_progress *p, void *user); /* may be NULL */
	void *user;
	volatile sig_atomic_t *stop;    /* set asynchronously to stop early */
};

/* Measures job->gen into out (a full dataset). Returns 0, -1 on error, or 1
 * when *stop was raised (the journal keeps what was finished). */
int bench_measure(const struct bench_job *job, struct dataset *out, struct bench_totals *t,
		  char *err);

/* Rebuilds the module shape of row i of a gen file or dataset. */
int bench_shape(const struct dataset *ds, size_t i, enum module_kind m,
		struct module_shape *shape, char *err);

#endif
