/* chanfeat.c - channel-alignment features (chanfeat.h). */
#include "chanfeat.h"

#include <stdint.h>
#include <string.h>

const char *const chanfeat_bases[CHANFEAT_NBASES] = { "cin", "cout" };

static const char *const suffixes[CHANFEAT_COUNT] = { "_ceil8", "_ceil16", "_div8", "_div16",
						      "_pow2" };

const char *chanfeat_suffix(enum chanfeat_op op)
{
	return (unsigned)op < CHANFEAT_COUNT ? suffixes[op] : "";
}

int chanfeat_parse(const char *name, int *base, enum chanfeat_op *op)
{
	int b, k;

	for (b = 0; b < CHANFEAT_NBASES; b++) {
		size_t len = strlen(chanfeat_bases[b]);

		if (strncmp(name, chanfeat_bases[b], len))
			continue;
		for (k = 0; k < CHANFEAT_COUNT; k++)
			if (!strcmp(name + len, suffixes[k])) {
				*base = b;
				*op = (enum chanfeat_op)k;
				return 0;
			}
	}
	return -1;
}

double chanfeat_value(enum chanfeat_op op, double c)
{
	/* channel counts are below 2^62 wherever they come from (predict refuses
	 * shapes above 2^30); a non-integer or out-of-range value is clamped */
	int64_t n = c >= 1 && c < 4611686018427387904.0 ? (int64_t)c : 1;

	switch (op) {
	case CHANFEAT_CEIL8: return (double)((n + 7) / 8 * 8);
	case CHANFEAT_CEIL16: return (double)((n + 15) / 16 * 16);
	case CHANFEAT_DIV8: return n % 8 == 0;
	case CHANFEAT_DIV16: return n % 16 == 0;
	case CHANFEAT_POW2: return (double)(n & -n);
	default: return 0;
	}
}
