/* config.h - experiment settings, read from INI files with inih.
 *
 * An experiment is a folder of *.ini files (read in name order) or a single
 * file. Sections:
 *   [experiment]  seed, environments, modules, split
 *   [bench]       backend, threads, warmup, runs, fuse_relu, min_run_ms, fold_first, quiet,
 *                 contention, quiet_wait_s, retries, repeat_share, repeat_min
 *   [dynamic]     duty, period_ms, load_threads   (the background load)
 *   [sampling]    count, batch, cin, cout, hw, kernel, stride, flop_cap,
 *                 mem_cap_mb — defaults for every module
 *   [MODULE]      the same keys for one module (conv, maxpool, ...)
 *   [RM], [RM.MODULE]  regression-model settings (lr, rf, mlp, medn, lop)
 * An unknown section or key, a value that does not parse, a range with
 * lo > hi, a non-positive count: one message naming file and line. A folder
 * where an INI file is expected is an error too, never an empty file.
 *
 * Ranges are "LO..HI" (integers, inclusive) and sets are comma-separated
 * lists; a single number is a set of one (or a range LO..LO).
 */
#ifndef MODLAT_CONFIG_H
#define MODLAT_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "module.h"

#define CONFIG_MAX_SET 16
#define CONFIG_MAX_ENV 4

struct config_entry {
	char *section, *key, *value;
	char *file;
	int line;
};

/* The raw key/value pairs of an experiment, validated against the schema. */
struct config {
	struct config_entry *e;
	size_t n;
};

struct int_set {
	long v[CONFIG_MAX_SET];
	int n;
};

struct sampling {
	long count;            /* samples to generate */
	long batch[2];         /* N range, inclusive */
	long cin[2], cout[2];  /* channel ranges */
	struct int_set hw;     /* L values */
	struct int_set kernel; /* K values */
	struct int_set stride; /* S values */
	double flop_cap;       /* reject configurations above this many FLOPs */
	double mem_cap_mb;     /* reject configurations whose tensors exceed this (MiB) */
};

struct bench_settings {
	char backend[32];
	int threads;
	int warmup; /* untimed runs before the timed ones */
	int runs;   /* timed runs; the latency is their median */
	int fuse_relu;
	double min_run_ms;   /* a timed run loops the module until it lasts this long */
	double quiet;        /* cores of others' CPU use (or steal) that still count as quiet */
	double contention;   /* run-queue wait share over the timed runs that flags a sample */
	double quiet_wait_s; /* longest wait for quiet before measuring anyway (flagged) */
	int retries;         /* measurements again of a contended sample, later */
	double repeat_share; /* share of the samples measured a second time at the end */
	int repeat_min;      /* ... and at least this many (or all) */
	int fold_first;      /* the first, cold execution starts run 0 (else it only sizes the loops) */
};

struct dynamic_settings {
	double duty;      /* share of time the background load runs, in [0, 1] */
	double period_ms; /* mean length of one on+off cycle */
	int load_threads;
};

struct experiment {
	uint64_t seed;
	int n_env;
	char env[CONFIG_MAX_ENV][16]; /* "static", "dynamic" */
	unsigned modules;             /* bit i: module i is part of the experiment */
	int split[3];                 /* train : validation : test */
	struct bench_settings bench;
	struct dynamic_settings dynamic;
	struct sampling sampling[MODULE_COUNT];
	struct config raw;
};

/* Reads an experiment folder or file into c (validated). */
int config_load(struct config *c, const char *path, char *err);
void config_release(struct config *c);
/* The last entry for section/key, or NULL. */
const struct config_entry *config_find(const struct config *c, const char *section,
				       const char *key);

/* The next entry that sets the same section and key as entry i (a later
 * line or a later file: the last one wins), or NULL when entry i is the one
 * that counts. */
const struct config_entry *config_overridden_by(const struct config *c, size_t i);

/* Typed getters: a missing key gives def; a bad value is an error naming the
 * file and line. */
int config_long(const struct config *c, const char *section, const char *key, long def, long lo,
		long hi, long *out, char *err);
int config_double(const struct config *c, const char *section, const char *key, double def,
		  double lo, double hi, double *out, char *err);
int config_bool(const struct config *c, const char *section, const char *key, int def, int *out,
		char *err);
/* A comma-separated list of positive integers (e.g. "128,64,32"). */
int config_list(const struct config *c, const char *section, const char *key, const char *def,
		long *out, int max, int *n, char *err);

/* Loads and checks a whole experiment (defaults fill what is not given). */
int experiment_load(struct experiment *x, const char *path, char *err);
void experiment_release(struct experiment *x);
int experiment_has_module(const struct experiment *x, enum module_kind m);
int experiment_has_env(const struct experiment *x, const char *env);

/* Normalised per-step fragments, so a rule depends only on the settings it
 * reads: gen of one module; bench of one module in one environment. */
void experiment_write_gen(const struct experiment *x, enum module_kind m, FILE *f);
void experiment_write_bench(const struct experiment *x, enum module_kind m, const char *env,
			    FILE *f);
/* The [RM] and [RM.MODULE] entries for one fit, verbatim and sorted. */
void experiment_write_fit(const struct experiment *x, enum module_kind m, const char *rm,
			  FILE *f);

#endif
