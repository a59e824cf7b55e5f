#include "sysstat.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Busy and steal CPU seconds of the whole machine since boot. */
static int read_busy(double *busy_s, double *steal_s, char *err)
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
	*steal_s = (double)v[7] / (double)hz;
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

	if (read_meminfo(mem_avail, err) < 0 || read_busy(&now.busy_s, &now.steal_s, err) < 0)
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
	s->last_steal = 0;
	if (old && now.wall_s > old->wall_s) {
		double u = ((now.busy_s - old->busy_s) - (now.own_s - old->own_s)) /
			   (s->ncpu * (now.wall_s - old->wall_s));
		double st = (now.steal_s - old->steal_s) / (s->ncpu * (now.wall_s - old->wall_s));

		*util = u < 0 ? 0 : u > 1 ? 1 : u;
		s->last_steal = st < 0 ? 0 : st > 1 ? 1 : st;
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

double sysstat_steal(const struct sysstat *s)
{
	return s->last_steal;
}

/* Summed run-queue wait of this process's threads, in seconds: the second
 * field of each /proc/self/task/N/schedstat (nanoseconds); 0 where the
 * kernel has no schedstats. */
static double read_delay(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	double sum = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[64];
		unsigned long long run, wait;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.20s/schedstat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu %llu", &run, &wait) == 2)
			sum += (double)wait * 1e-9;
		fclose(f);
	}
	closedir(d);
	return sum;
}

int sysstat_mark(struct sysstat_mark *m, char *err)
{
	if (read_busy(&m->busy_s, &m->steal_s, err) < 0)
		return -1;
	m->own_s = own_cpu_s();
	m->delay_s = read_delay();
	m->wall_s = now_s();
	return 0;
}

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

void sysstat_span(const struct sysstat *s, const struct sysstat_mark *a,
		  const struct sysstat_mark *b, struct sysstat_span *out)
{
	double wall = b->wall_s - a->wall_s;

	memset(out, 0, sizeof(*out));
	if (wall <= 0)
		return;
	out->util = clamp01(((b->busy_s - a->busy_s) - (b->own_s - a->own_s)) / (s->ncpu * wall));
	out->steal = clamp01((b->steal_s - a->steal_s) / (s->ncpu * wall));
	out->delay = (b->delay_s - a->delay_s) / wall;
	if (out->delay < 0)
		out->delay = 0;
}
