/* sample.h - random module configurations and their inferable parameters.
 *
 * Each sampling parameter is drawn uniformly: integer ranges (N, C_i, C_o)
 * over every integer, sets (L, K, S) over their members. A draw is rejected
 * and drawn again when the shape is impossible (a pool kernel larger than its
 * input), above the FLOP cap, or above the memory cap; rejections are counted
 * per reason. The stream is (seed, module), so one module's settings never
 * change another module's samples.
 */
#ifndef MODLAT_SAMPLE_H
#define MODLAT_SAMPLE_H

#include "config.h"
#include "dataset.h"
#include "module.h"

struct sample_stats {
	long rejected_shape;
	long rejected_flops;
	long rejected_mem;
};

/* Draws s->count valid shapes into shapes[] (caller allocates count). Fails
 * when 1000 draws in a row are rejected (the caps leave nothing to sample). */
int sample_shapes(const struct sampling *s, enum module_kind m, uint64_t seed,
		  struct module_shape *shapes, struct sample_stats *st, char *err);

/* Builds gen's output for module m of experiment x: sampling and inferable
 * features, the split, and the settings as attributes. */
int sample_dataset(const struct experiment *x, enum module_kind m, const char *experiment_name,
		   struct dataset *ds, char *err);

#endif
