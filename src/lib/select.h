/* select.h - the paper's auto-selection (Algorithm 1), the evaluations it
 * reads and the selection file it writes.
 *
 * Algorithm 1 (Shen et al. 2024), per module m, over the candidates Y_m:
 *   Y_1 = { y in Y_m : max acc - y.acc <= eps_a }    (acc: P20)
 *   Y_2 = { y in Y_1 : max r2 over Y_1 - y.r2 <= eps_r }
 *   choose argmin over Y_2 of the objective: Tps (time-efficient) or model
 *   size (space-efficient).
 * Differences are compared with a tolerance of SELECT_TOL, so that values
 * exactly eps apart on paper (0.80 and 0.75 with eps 0.05) are kept despite
 * floating point. Ties on the objective go to the higher acc, then the higher
 * r2, then the variant that comes first in lr, rf, mlp, medn, medn-d, medn-xi,
 * medn-xm, medn-r, lop (other names after those, by strcmp). A NaN acc or r2
 * counts as -infinity, a NaN objective as +infinity.
 *
 * modlat selects on the validation split and reports on the test split (the
 * paper reports the numbers it selected on).
 *
 * The selection file (format "modlat-selection", version 1):
 *   attributes on /: format, format_version, experiment, environment, eps_a,
 *                    eps_r, selected_on = "validation", reported_on = "test",
 *                    tool_version
 *   /time, /space    one group per scheme; attributes objective ("tps_ms" |
 *                    "size_kb"), eps_a, eps_r; each holds, one entry per
 *                    module in the paper's module order:
 *     modules   string  [m]  module names
 *     variants  string  [m]  the chosen variant (lr, rf, ..., medn-xm, ...)
 *     models    string  [m]  its model file: the evaluation's path with
 *                            /evals/ replaced by /models/
 *     val_acc, val_r2, test_acc, test_r2, tps_ms, size_kb  float64 [m]
 *                            the chosen model's numbers
 */
#ifndef MODLAT_SELECT_H
#define MODLAT_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "table.h"

#define SELECT_FORMAT "modlat-selection"
#define SELECT_VERSION 1
#define SELECT_TOL 1e-12

enum select_objective { SELECT_TIME, SELECT_SPACE };

struct select_candidate {
	const char *module, *variant;
	double acc;    /* P20 on the split selected on, in [0, 1] */
	double r2;
	double tps_ms; /* median time of one single prediction */
	double size_kb;
};

/* 0 when eps is in [0, 1]; else -1 with a message naming `what`. */
int select_check_eps(double eps, const char *what, char *err);

/* Algorithm 1 for one module: *best is the index in c[0 .. n) of the chosen
 * candidate among those whose module is `module`. Fails for eps outside
 * [0, 1] or when no candidate has that module. */
int select_module(const struct select_candidate *c, size_t n, const char *module, double eps_a,
		  double eps_r, enum select_objective obj, size_t *best, char *err);

/* Algorithm 1 for every module in c: chosen[k] (room for n) is the index of
 * module k's choice, modules in select_module_cmp order; *nmod modules. */
int select_all(const struct select_candidate *c, size_t n, double eps_a, double eps_r,
	       enum select_objective obj, size_t *chosen, size_t *nmod, char *err);

/* Orders: modules as the paper and module.h list them (conv, conv-relu,
 * conv-bn, conv-bn-relu, bn, bn-relu, linear, maxpool, avgpool; others
 * after, by strcmp);
 * variants as lr, rf, mlp, medn, medn-d, medn-xi, medn-xm, medn-r, lop. */
int select_module_cmp(const char *a, const char *b);
int select_variant_cmp(const char *a, const char *b);
/* Every RM variant the pipeline fits, in the tables' order (the order of
 * select_variant_cmp; NULL-terminated) */
#define SELECT_NVARIANTS 17
extern const char *const select_variants[SELECT_NVARIANTS + 1];
/* The display name: "medn-xm" -> "MEDN-XM". */
void select_variant_label(const char *variant, char *buf, size_t len);

/* The mean over i of 100 * (x[i] - ref[i]) / |ref[i]|, the "average %
 * difference vs MEDN" of the paper's Tables 5 and 6 (|ref| keeps the sign
 * meaning "above the reference" when a reference R² is negative; it equals
 * ref for the paper's positive values). Entries whose ref is 0 or whose x or
 * ref is not finite are left out; *used (may be NULL) counts the others.
 * NaN when none is left. */
double select_pct_diff(const double *x, const double *ref, size_t n, size_t *used);

/* ---- evaluation files ------------------------------------------------ */

/* One evaluation file (format modlat-eval), summarised. */
struct select_eval {
	char *path, *module, *variant, *experiment, *environment;
	char *dataset; /* the dataset behind it (see select_dataset_path) */
	double val_p10, val_p20, val_r2, test_p10, test_p20, test_r2;
	double size_kb;
	/* the measurement's limits (evaluate.h): single-run noise on the test
	 * split (read from noise_test_p* in files written before the rename),
	 * and the repeatability ceiling over the whole repeat subset; NaN when
	 * not applicable or not recorded (repeat_n = 0) */
	double single_test_p10, single_test_p20;
	double repeat_p10, repeat_p20;
	int64_t repeat_n;
	double tps_ms; /* from the sibling X.tps.h5; NaN when not read */
	/* with SELECT_READ_PREDICTIONS: */
	size_t n;
	double *pred_ms, *latency_ms; /* n each */
	uint8_t *split;               /* n: 0 train, 1 validation, 2 test */
};

#define SELECT_READ_TIMING 1u      /* also read X.tps.h5 */
#define SELECT_READ_PREDICTIONS 2u /* also read /pred_ms, /latency_ms, /split */

int select_eval_read(struct select_eval *e, const char *path, unsigned flags, char *err);
void select_eval_release(struct select_eval *e);

/* Reads n evaluations (flags as above) into a new array *out (free with
 * select_evals_free) and checks they share experiment and environment and
 * that no (module, variant) comes twice; errors name the odd file. */
int select_evals_read(char *const *paths, size_t n, unsigned flags, struct select_eval **out,
		      char *err);
void select_evals_free(struct select_eval *e, size_t n);

/* DIR/evals/MODULE.VARIANT.h5 -> DIR/evals/MODULE.VARIANT.tps.h5 */
void select_timing_path(const char *eval_path, char *buf, size_t len);
/* The model behind an evaluation: its path with the last "/evals/" (or a
 * leading "evals/") replaced by "/models/"; fails when there is none. */
int select_model_path(const char *eval_path, char *buf, size_t len, char *err);
/* The dataset behind an evaluation: DIR/MODULE.h5 for DIR/evals/X.h5, else
 * the evaluation's own `dataset` attribute (dataset_attr). */
void select_dataset_path(const char *eval_path, const char *module, const char *dataset_attr,
			 char *buf, size_t len);

/* Adds the dataset behind each of e[0 .. n) to s (each file once), for the
 * device and date in a table's caption. */
int select_evals_source(const struct select_eval *e, size_t n, struct table_source *s, char *err);

/* ---- the selection file ---------------------------------------------- */

struct select_entry {
	char *module, *variant, *model;
	double val_acc, val_r2, test_acc, test_r2, tps_ms, size_kb;
};

struct select_result {
	char *experiment, *environment;
	double eps_a, eps_r;
	size_t n;                   /* modules */
	struct select_entry *time;  /* n, the time-efficient scheme */
	struct select_entry *space; /* n, the space-efficient scheme */
};

/* Runs both schemes on evaluations e[0 .. n) (read with SELECT_READ_TIMING;
 * selection on validation P20 and R², the entries keep test numbers too).
 * Fails naming the module when a module has no 'medn' evaluation (needed for
 * the comparison with MEDN everywhere). Free with select_result_release. */
int select_run(const struct select_eval *e, size_t n, double eps_a, double eps_r,
	       struct select_result *r, char *err);
void select_result_release(struct select_result *r);

/* Writes r atomically (temporary name, renamed into place). */
int select_write(const struct select_result *r, const char *path, char *err);
/* Writes r to out, not yet committed (for committing beside other files). */
struct h5_out;
int select_write_open(const struct select_result *r, const char *path, struct h5_out *out,
		      char *err);
/* Reads and checks a selection file. */
int select_read(struct select_result *r, const char *path, char *err);
/* The entry of module in a scheme's list, or NULL. */
const struct select_entry *select_find(const struct select_entry *list, size_t n,
				       const char *module);

#endif
