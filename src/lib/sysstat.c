#include "sysstat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

static int read_meminfo(double *bytes, char *err)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb;

	if (!f)
		return err_set(err, "/proc/meminfo: cannot open");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
			fclose(f);
			*bytes = (double)kb * 1024.0;
			return 0;
		}
	fclose(f);
	return err_set(err, "/proc/meminfo: no MemAvailable line");
}

/* Busy CPU seconds of the whole machine since boot. */
static int read_busy(double *busy_s, char *err)
{
	FILE *f = fopen("/proc/stat", "r");
	unsigned long long v[8] = { 0 };
	static long hz;
	int n;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	if (!f)
		return err_set(err, "/proc/stat: cannot open");
	/* cpu user nice system idle iowait irq softirq steal */
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 4)
		return err_set(err, "/proc/stat: unexpected first line");
	*busy_s = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)hz;
	return 0;
}

static double own_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int sysstat_init(struct sysstat *s, double window_s, char *err)
{
	double m, u;

	memset(s, 0, sizeof(*s));
	s->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (s->ncpu < 1)
		s->ncpu = 1;
	s->window_s = window_s;
	return sysstat_read(s, &m, &u, err);
}

int sysstat_read(struct sysstat *s, double *mem_avail, double *util, char *err)
{
	struct sysstat_snap now, *old = NULL;
	int i;

	if (read_meminfo(mem_avail, err) < 0 || read_busy(&now.busy_s, err) < 0)
		return -1;
	now.wall_s = now_s();
	now.own_s = own_cpu_s();
	/* the newest snapshot at least window_s old, else the oldest we have */
	for (i = 0; i < s->count; i++) {
		struct sysstat_snap *p = &s->ring[(s->head - 1 - i + 2 * SYSSTAT_RING) % SYSSTAT_RING];

		old = p;
		if (now.wall_s - p->wall_s >= s->window_s)
			break;
	}
	*util = 0;
	if (old && now.wall_s > old->wall_s) {
		double u = ((now.busy_s - old->busy_s) - (now.own_s - old->own_s)) /
			   (s->ncpu * (now.wall_s - old->wall_s));

		*util = u < 0 ? 0 : u > 1 ? 1 : u;
	}
	/* keep at most one snapshot per 10 ms, so the ring spans the window */
	if (!s->count ||
	    now.wall_s - s->ring[(s->head - 1 + SYSSTAT_RING) % SYSSTAT_RING].wall_s >= 0.01) {
		s->ring[s->head] = now;
		s->head = (s->head + 1) % SYSSTAT_RING;
		if (s->count < SYSSTAT_RING)
			s->count++;
	}
	return 0;
}
