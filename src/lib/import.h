/* import.h - latencies measured elsewhere (a CSV) as a modlat dataset.
 *
 * A column map (an INI file) says which CSV column is what:
 *
 *   [import]
 *   module = conv            ; one of the nine module names (required)
 *   latency = time_us        ; the latency column (required)
 *   latency_unit = us        ; s | ms | us | ns (default ms), converted to ms
 *   runs = run1, run2, run3  ; columns of the individual timed runs, same unit
 *                            ; (default: the latency is the only run)
 *   split = split            ; train/validation/test or 0/1/2 (default: a
 *                            ; seeded 7:1:2 split, dataset_assign_split)
 *   environment = static     ; static | dynamic (default static)
 *   seed = 42                ; seed of that split (default 42)
 *   date = 2024-05-01        ; when the latencies were measured (the dataset's
 *                            ; 'created'; default: the CSV's modification time)
 *   [sampling]               ; feature name = CSV column, in this order
 *   batch = N
 *   [measurable]
 *   util = gpu_util
 *   [inferable]
 *   flops = FLOPs
 *
 * The features come out in the order sampling, measurable, inferable, each
 * section in the map's order. Latencies are converted to ms exactly: the
 * unit's power of ten goes into the cell's decimal exponent before the one
 * rounding to a double (1500 us is 1.5 ms; 2.1 us is the double nearest
 * 0.0021, which 2.1 / 1000 in doubles is not). CSV column names match with surrounding spaces
 * dropped; columns the map does not name are ignored.
 */
#ifndef MODLAT_IMPORT_H
#define MODLAT_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "dataset.h"
#include "module.h"

struct import_feature {
	char *name;       /* the feature's name in the dataset */
	char *column;     /* the CSV column it is read from */
	const char *kind; /* "sampling" | "measurable" | "inferable" (static) */
	int line;         /* its line in the map, for messages */
};

struct import_map {
	char *path;                   /* the map file, for messages */
	enum module_kind module;
	char *latency;                /* the latency column */
	char unit[4];                 /* "s", "ms", "us" or "ns" */
	char **runs;                  /* nruns columns of timed runs; NULL if none */
	size_t nruns;
	char *split;                  /* the split column, or NULL */
	char environment[8];          /* "static" | "dynamic" */
	uint64_t seed;
	char date[24];                /* "YYYY-MM-DD[THH:MM:SSZ]", or "" when not given */
	struct import_feature *feat;  /* nfeat, sampling then measurable then inferable */
	size_t nfeat;
};

/* Reads the column map at path. Unknown sections or keys, a key given twice,
 * a missing module or latency, an unknown module, unit or environment, no
 * feature at all, or a feature the module does not have or that is not of
 * its section's kind (known: the module's sampling parameters among batch,
 * cin, cout, hw, kernel, stride; mem_avail, util; data_size, param_count
 * (modules with weights), flops, out_size): -1 and a message naming the file (and line). Release with
 * import_map_release, also after a failure. */
int import_map_load(struct import_map *m, const char *path, char *err);
void import_map_release(struct import_map *m);

/* Builds the dataset from a parsed CSV (csv_name names it in messages): the
 * features, latency_ms, latency_runs_ms, split, and the attributes module,
 * environment, seed, backend ("import"), backend_version (""), threads (0),
 * host_cpu ("unknown"). A mapped column missing from the header, a value that
 * is not a finite number, a latency or run <= 0, an unknown split: -1 and a
 * message naming the file, row (as a spreadsheet shows it) and column.
 * On success the caller releases ds with dataset_release; on failure ds is
 * left empty. */
int import_build(struct dataset *ds, const struct csv *c, const char *csv_name,
		 const struct import_map *m, char *err);

/* The whole import: reads the map and the CSV, builds the dataset, and adds
 * the attributes experiment, source (csv_path), source_checksum, source_map,
 * created and tool_version. created is the map's date, else the CSV's
 * modification time (UTC): never the time of the import, so the same inputs
 * give the same bytes. Writing it is the caller's (dataset_write with
 * DATASET_FORMAT). */
int import_csv(struct dataset *ds, const char *csv_path, const char *map_path,
	       const char *experiment, char *err);

#endif
