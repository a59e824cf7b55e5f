/* sysstat.h - the measurable parameters: available memory and utilisation.
 *
 * M is MemAvailable from /proc/meminfo, in bytes. U is the share of the
 * machine's CPU time used by *other* processes (everything but this one)
 * over a sliding window of about window_s before the call: busy jiffies from
 * /proc/stat minus this process's own CPU time, over ncpu x wall time,
 * clamped to [0, 1]. Excluding our own use makes U describe the device's
 * state, not the measurement itself.
 */
#ifndef MODLAT_SYSSTAT_H
#define MODLAT_SYSSTAT_H

#define SYSSTAT_RING 64

struct sysstat_snap {
	double wall_s, busy_s, own_s, steal_s;
};

struct sysstat {
	struct sysstat_snap ring[SYSSTAT_RING];
	int head, count;
	int ncpu;
	double window_s;
	double last_steal; /* steal share over the last read's window */
};

/* A point in time, for what happened between two of them (the timed runs). */
struct sysstat_mark {
	double wall_s;  /* CLOCK_MONOTONIC */
	double busy_s;  /* machine's busy CPU seconds (/proc/stat, 10 ms ticks) */
	double steal_s; /* machine's steal seconds (/proc/stat) */
	double own_s;   /* this process's CPU seconds */
	double delay_s; /* this process's threads' run-queue wait (/proc/self/task/N/schedstat) */
};

/* What the interval between two marks met. */
struct sysstat_span {
	double util;  /* others' CPU share of the machine, [0, 1] (as U) */
	double steal; /* steal share of the machine, [0, 1] */
	double delay; /* our threads' summed run-queue wait over the wall time: 0.1 means
		       * they waited, together, a tenth of the interval for a CPU */
};

int sysstat_init(struct sysstat *s, double window_s, char *err);
int sysstat_mark(struct sysstat_mark *m, char *err);
void sysstat_span(const struct sysstat *s, const struct sysstat_mark *a,
		  const struct sysstat_mark *b, struct sysstat_span *out);
/* Steal share of the machine over the same window as the last sysstat_read. */
double sysstat_steal(const struct sysstat *s);
/* Takes a snapshot now and returns M (bytes) and U in [0, 1]. */
int sysstat_read(struct sysstat *s, double *mem_avail, double *util, char *err);

#endif
