/* dataset.h - the dataset file, the one contract every tool relies on.
 *
 *   /features        float64 [n, d]  one row per sample
 *   /feature_names   string  [d]
 *   /feature_kind    string  [d]     sampling | measurable | inferable
 *   /latency_ms      float64 [n]     median of the timed runs
 *   /latency_runs_ms float64 [n, r]  every timed run
 *   /split           uint8   [n]     0 train, 1 validation, 2 test
 * optional, written by bench's measurement protocol 2 (absent in older or
 * imported datasets; all or none of the per-sample ones):
 *   /sample_flags    uint8   [n]     DATASET_WAITED | _REMEASURED | _CONTENDED
 *   /util_during     float64 [n]     others' CPU share over the timed runs, [0, 1]
 *   /steal_during    float64 [n]     hypervisor steal share over the timed runs
 *   /delay_during    float64 [n]     bench's threads' summed run-queue wait over the
 *                                    timed runs' wall time (0.1: a tenth of it)
 *   /load_during     float64 [n]     share of the timed runs the background load
 *                                    was busy (dynamic environment only)
 *   /run_loops       int64   [n]     executions per timed run (runs are per execution)
 *   /repeat_rows     int64   [k]     rows measured again at the end of the bench
 *   /repeat_latency_ms float64 [k]   their second medians
 *   attributes on /: format, format_version, module, environment, backend,
 *                    backend_version, threads, seed, experiment, host_cpu,
 *                    created, tool_version, and the generator's settings
 *
 * gen writes the same layout without latencies (format "modlat-gen", r = 0,
 * no measurable features); bench adds them.
 */
#ifndef MODLAT_DATASET_H
#define MODLAT_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "attrs.h"

#define DATASET_FORMAT "modlat-dataset"
#define DATASET_VERSION 1
#define GEN_FORMAT "modlat-gen"
#define GEN_VERSION 1

/* sample_flags bits */
#define DATASET_WAITED 1u     /* bench waited for quiet before the sample */
#define DATASET_REMEASURED 2u /* an earlier attempt overlapped contention */
#define DATASET_CONTENDED 4u  /* the kept measurement overlapped contention */

enum split { SPLIT_TRAIN = 0, SPLIT_VALIDATION = 1, SPLIT_TEST = 2 };

struct dataset {
	size_t n, d, r;       /* samples, features, timed runs per sample */
	double *features;     /* (n, d) row-major */
	char **names;         /* d feature names */
	char **kinds;         /* d: "sampling" | "measurable" | "inferable" */
	double *latency_ms;   /* n; NULL in a gen file */
	double *runs_ms;      /* (n, r); NULL in a gen file */
	uint8_t *split;       /* n */
	/* protocol 2 (see above); NULL when absent */
	uint8_t *flags;       /* n */
	double *util_during;  /* n */
	double *steal_during; /* n */
	double *delay_during; /* n */
	double *load_during;  /* n; NULL in the static environment */
	int64_t *loops;       /* n */
	size_t nrepeat;
	int64_t *repeat_rows; /* nrepeat, increasing */
	double *repeat_ms;    /* nrepeat */
	struct attrs attrs;
};

/* Allocates an empty dataset of n rows, d features, r runs (r may be 0). */
int dataset_init(struct dataset *ds, size_t n, size_t d, size_t r, char *err);
void dataset_release(struct dataset *ds);
/* Allocates the protocol-2 per-sample arrays (load_during when load != 0)
 * and nrepeat repeat slots. */
int dataset_init_protocol(struct dataset *ds, int load, size_t nrepeat, char *err);
int dataset_set_feature(struct dataset *ds, size_t j, const char *name, const char *kind,
			char *err);
/* Index of the feature called name, or -1. */
int dataset_feature(const struct dataset *ds, const char *name);

/* Appends the state the timed runs met (protocol 2's util_during,
 * steal_during, delay_during and, in the dynamic environment, load_during) as
 * feature columns of kind "run-state", in memory only, so that a model can
 * be fitted and evaluated on them (the MEDN-RUN and MEDN-BOTH ablations).
 * Does nothing to a dataset without them or that has them already. */
int dataset_add_run_state(struct dataset *ds, char *err);

/* Writes atomically (temporary file, then rename). */
int dataset_write(const struct dataset *ds, const char *path, const char *format, int version,
		  char *err);
/* Reads and checks a file of the given format: shapes agree, feature kinds
 * are known, splits are 0..2, no NaN or infinite value, latencies > 0. */
int dataset_read(struct dataset *ds, const char *path, const char *format, int version,
		 char *err);

/* Assigns splits in the ratio train:validation:test, deterministically from
 * seed: a seeded shuffle, then the first n*train/sum rows are train, etc. */
void dataset_assign_split(uint8_t *split, size_t n, const int ratio[3], uint64_t seed);

#endif
