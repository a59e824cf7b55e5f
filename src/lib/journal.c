#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

#define MAGIC "modlat-journal-2"
#define KEY_LEN 256

struct header {
	char magic[16];
	char key[KEY_LEN];
	uint64_t r;
};

/* record on disk: the 13 fixed 8-byte fields in struct order, runs[r],
 * checksum */
#define FIXED_FIELDS 13

static size_t record_size(size_t r)
{
	return FIXED_FIELDS * 8 + r * sizeof(double) + sizeof(uint64_t);
}

/* the fixed fields, in their order on disk */
static void fields(const struct journal_record *rec, const void *f[FIXED_FIELDS])
{
	const void *v[FIXED_FIELDS] = { &rec->index,	    &rec->kind,		&rec->flags,
					&rec->loops,	    &rec->mem_avail,	&rec->util,
					&rec->util_during,  &rec->steal_during, &rec->load_during,
					&rec->delay_during, &rec->timed_s,	&rec->total_s,
					&rec->at_s };

	memcpy(f, v, sizeof(v));
}

static void pack(const struct journal_record *rec, size_t r, unsigned char *buf)
{
	const void *f[FIXED_FIELDS];
	size_t off = 0, i;
	uint64_t sum;

	fields(rec, f);
	for (i = 0; i < FIXED_FIELDS; i++, off += 8)
		memcpy(buf + off, f[i], 8);
	memcpy(buf + off, rec->runs_ms, r * 8), off += r * 8;
	sum = fnv1a(buf, off, FNV1A_INIT);
	memcpy(buf + off, &sum, 8);
}

static int unpack(const unsigned char *buf, size_t r, struct journal_record *rec)
{
	const void *f[FIXED_FIELDS];
	size_t off = 0, i;
	uint64_t sum;

	fields(rec, f);
	for (i = 0; i < FIXED_FIELDS; i++, off += 8)
		memcpy((void *)f[i], buf + off, 8);
	memcpy(rec->runs_ms, buf + off, r * 8), off += r * 8;
	memcpy(&sum, buf + off, 8);
	return sum == fnv1a(buf, off, FNV1A_INIT) ? 0 : -1;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int start_over(struct journal *j, const char *path, const struct header *h, char *err)
{
	if (ftruncate(j->fd, 0) < 0 || lseek(j->fd, 0, SEEK_SET) < 0 ||
	    write_all(j->fd, h, sizeof(*h)) < 0 || fdatasync(j->fd) < 0)
		return err_set(err, "%s: cannot write journal (%s)", path, strerror(errno));
	return 0;
}

int journal_open(struct journal *j, const char *path, const char *key, size_t r,
		 void (*found)(const struct journal_record *rec, void *user), void *user,
		 char *err)
{
	struct header h, disk;
	size_t rs = record_size(r);
	unsigned char *buf;
	struct journal_record rec;
	off_t good = sizeof(h);
	ssize_t got;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	snprintf(h.key, sizeof(h.key), "%s", key);
	h.r = r;
	j->r = r;
	j->sync_s = JOURNAL_SYNC_S;
	j->synced_at = now_s();
	j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (j->fd < 0)
		return err_set(err, "%s: cannot open journal (%s)", path, strerror(errno));
	got = read(j->fd, &disk, sizeof(disk));
	if (got != (ssize_t)sizeof(disk) || memcmp(&disk, &h, sizeof(h)))
		return start_over(j, path, &h, err) < 0 ? (journal_close(j), -1) : 0;
	buf = malloc(rs);
	rec.runs_ms = malloc((r ? r : 1) * sizeof(double));
	if (!buf || !rec.runs_ms) {
		free(buf);
		free(rec.runs_ms);
		journal_close(j);
		return err_set(err, "out of memory reading %s", path);
	}
	while (read(j->fd, buf, rs) == (ssize_t)rs && unpack(buf, r, &rec) == 0) {
		found(&rec, user);
		good += (off_t)rs;
	}
	free(buf);
	free(rec.runs_ms);
	/* drop a torn or damaged tail */
	if (ftruncate(j->fd, good) < 0 || lseek(j->fd, good, SEEK_SET) < 0) {
		journal_close(j);
		return err_set(err, "%s: cannot truncate journal (%s)", path, strerror(errno));
	}
	return 0;
}

int journal_append(struct journal *j, const struct journal_record *rec, char *err)
{
	size_t rs = record_size(j->r);
	unsigned char *buf = malloc(rs);
	int rc = 0;

	if (!buf)
		return err_set(err, "out of memory writing the journal");
	pack(rec, j->r, buf);
	if (write_all(j->fd, buf, rs) < 0)
		rc = err_set(err, "cannot append to the journal (%s)", strerror(errno));
	else if (now_s() - j->synced_at >= j->sync_s) {
		if (fdatasync(j->fd) < 0)
			rc = err_set(err, "cannot sync the journal (%s)", strerror(errno));
		j->synced_at = now_s();
	}
	free(buf);
	return rc;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0) {
		fdatasync(j->fd);
		close(j->fd);
	}
	j->fd = -1;
}
