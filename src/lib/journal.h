/* journal.h - bench's checkpoint: finished samples survive an interruption.
 *
 * An append-only binary file beside the output (OUT.journal). The header
 * names what is being measured (a key built from the gen file's checksum and
 * the bench settings) and the record size; a journal with another key is
 * stale and starts over. Each record is one finished sample, followed by a
 * checksum; appends are fdatasync'ed, so after a crash or power loss at most
 * the record being written is lost, and a torn last record is ignored.
 */
#ifndef MODLAT_JOURNAL_H
#define MODLAT_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct journal_record {
	uint64_t index;   /* sample row */
	double mem_avail; /* bytes */
	double util;      /* [0, 1] */
	double timed_s;   /* seconds inside timed runs */
	double total_s;   /* seconds spent on the sample, everything included */
	double *runs_ms;  /* r timed runs */
};

struct journal {
	int fd;
	size_t r;
	int sync; /* fdatasync after each record */
};

/* Opens (or creates) the journal for `key` with r runs per record; calls
 * found(record, user) for every complete record already there, in order.
 * A journal with another key or record size is replaced. */
int journal_open(struct journal *j, const char *path, const char *key, size_t r,
		 void (*found)(const struct journal_record *rec, void *user), void *user,
		 char *err);
int journal_append(struct journal *j, const struct journal_record *rec, char *err);
void journal_close(struct journal *j);

#endif
