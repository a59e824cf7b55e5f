/* load.h - the dynamic environment's background load.
 *
 * A child process that alternates busy and idle periods: busy, it runs random
 * module inferences through the backend; idle, it sleeps. Each cycle lasts an
 * exponentially distributed time with mean period_ms, of which `duty` is busy.
 * The child dies with its parent (PR_SET_PDEATHSIG), so no orphan is left even
 * when bench is killed with SIGKILL. Start it before the parent initialises
 * its own backend (a forked OpenMP runtime is not safe to use).
 */
#ifndef MODLAT_LOAD_H
#define MODLAT_LOAD_H

#include <stdint.h>
#include <sys/types.h>

#include "backend.h"

struct load_settings {
	double duty;      /* busy share in [0, 1] */
	double period_ms; /* mean cycle length */
	int threads;      /* backend threads of the load */
	uint64_t seed;
};

struct load {
	pid_t pid;
	volatile int *busy; /* shared with the child: 1 while it runs inference */
};

/* Forks the load process into l. */
int load_start(const struct backend_ops *b, const struct load_settings *s, struct load *l,
	       char *err);
/* Whether the load is busy now (0 when there is none). */
int load_busy(const struct load *l);
/* Stops it (SIGTERM, then waits); accepts a load that was never started. */
void load_stop(struct load *l);

#endif
