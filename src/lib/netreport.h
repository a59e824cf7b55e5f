/* netreport.h - the networks tables: whole networks measured end to end
 * (bench --network, netbench.h) against the sum of their modules'
 * predictions.
 *
 * OUTDIR/networks.{md,csv,tex}: per (network, batch), the measured latency,
 * the predicted sum (the time-efficient selection), the relative error, the
 * share of module layers predicted within ±10% of their own measured time,
 * the measured glue share and the layers outside the training range; the
 * caption holds the headline (pairs within ±10% and ±20%).
 * OUTDIR/networks-rm.*: the headline for the selection and for each RM alone
 * (lr, rf, mlp, medn and its variants, lop: those with all nine models).
 * OUTDIR/networks-modules.*: per module, the errors of the real networks'
 * layers (median |error|, P10, P20) and how many lie outside the training
 * range.
 */
#ifndef MODLAT_NETREPORT_H
#define MODLAT_NETREPORT_H

#include <stddef.h>

#include "table.h"

/* envdir: data/EXP/ENV (its selection.h5 and models/); files: nfiles
 * modlat-network files. Adds the tables to out. */
int netreport_tables(const char *exp, const char *envdir, char *const *files, size_t nfiles,
		     const char *outdir, struct table_out *out, char *err);

#endif
