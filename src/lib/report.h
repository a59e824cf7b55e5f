/* report.h - the paper's Table 5, ours vs the paper (Table 5 of Shen et al.
 * 2024 from REFDIR/paper-table5.csv), Fig. 1's data (RF P10 static vs
 * dynamic) and the scatter data of each module's time-efficient selected
 * model, from DATA/{static,dynamic}/evals and selection.h5.
 *
 * Each table goes to OUTDIR as .md, .csv and .tex (see table.h); all files
 * of one call are staged in files and renamed into place together by
 * table_out_commit, so an error leaves none of them. */
#ifndef MODLAT_REPORT_H
#define MODLAT_REPORT_H

#include "select.h"
#include "table.h"

int report_tables(const char *data, const char *exp, const char *refdir, const char *outdir,
		  struct table_out *files, char *err);

/* Fig. 4's data: test P10, P20 and R² of MEDN, MEDN-D, MEDN-XI, MEDN-XM and
 * MEDN-R averaged over the modules of the evaluations e[n] (other variants
 * ignored; a variant missing some module is an error). */
int report_ablation(const struct select_eval *e, size_t n, struct table *t, char *err);

/* Table 6: each scheme's choice per module beside MEDN-everywhere, and the
 * average % difference, from a selection r over the evaluations e[n]. */
int report_table6(const struct select_result *r, const struct select_eval *e, size_t n,
		  struct table *t, char *err);

#endif
