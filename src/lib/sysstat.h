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
	double wall_s, busy_s, own_s;
};

struct sysstat {
	struct sysstat_snap ring[SYSSTAT_RING];
	int head, count;
	int ncpu;
	double window_s;
};

int sysstat_init(struct sysstat *s, double window_s, char *err);
/* Takes a snapshot now and returns M (bytes) and U in [0, 1]. */
int sysstat_read(struct sysstat *s, double *mem_avail, double *util, char *err);

#endif
