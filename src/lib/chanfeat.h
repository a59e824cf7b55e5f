/* chanfeat.h - channel-alignment features, computed from a channel count.
 *
 * oneDNN's CPU kernels work on blocks of channels: 8 with AVX2, 16 with
 * AVX-512 (nChw8c / nChw16c layouts, brgconv's blocking). A channel count
 * that is not a multiple of the block pays for the rounded-up count and
 * takes slower tails: on bn the latency per element is 0.095 ns for C a
 * multiple of 16 and 1.2-1.8 ns for C not a multiple of 4 (issue 11), which
 * a model that sees C only as a number cannot tell apart. For a channel
 * count C (cin or cout) the features are, named C's name plus a suffix:
 *   _ceil8    8 ceil(C / 8)        _ceil16   16 ceil(C / 16)
 *   _div8     1 if 8 divides C     _div16    1 if 16 divides C (else 0)
 *   _pow2     the largest power of two dividing C (C & -C)
 * They are computed from the shape wherever it is known (a dataset's rows
 * when a model is fitted or evaluated, a query in predict and the C API),
 * never stored in a dataset: the feature set "channels" (model.h) adds them.
 */
#ifndef MODLAT_CHANFEAT_H
#define MODLAT_CHANFEAT_H

#include <stddef.h>

enum chanfeat_op {
	CHANFEAT_CEIL8,
	CHANFEAT_CEIL16,
	CHANFEAT_DIV8,
	CHANFEAT_DIV16,
	CHANFEAT_POW2,
	CHANFEAT_COUNT
};

/* The channel parameters they are computed from, in this order. */
#define CHANFEAT_NBASES 2
extern const char *const chanfeat_bases[CHANFEAT_NBASES]; /* "cin", "cout" */

/* "_ceil8", "_ceil16", "_div8", "_div16", "_pow2". */
const char *chanfeat_suffix(enum chanfeat_op op);

/* When name is a base's name plus a suffix ("cout_div16"), sets *base (index
 * into chanfeat_bases) and *op and returns 0; else -1. */
int chanfeat_parse(const char *name, int *base, enum chanfeat_op *op);

/* The feature of channel count c (a positive integer; anything else is
 * taken as its integer part, at least 1). */
double chanfeat_value(enum chanfeat_op op, double c);

#endif
