/* rng.h - a small, seedable, portable random number generator.
 *
 * xoshiro256** (Blackman & Vigna, 2018), seeded through splitmix64, so a seed
 * gives the same stream on every machine and compiler. Use one `struct rng`
 * per independent stream (e.g. one per tree), derived with rng_init(seed, id).
 */
#ifndef MODLAT_RNG_H
#define MODLAT_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Seeds the stream `stream` of the generator family `seed`. */
void rng_init(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, 1), 53 random bits. */
double rng_uniform(struct rng *r);
/* Uniform integer in [lo, hi] (inclusive), unbiased; requires lo <= hi. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);
/* Standard normal (Box-Muller; deterministic, consumes two uniforms). */
double rng_normal(struct rng *r);

#endif
