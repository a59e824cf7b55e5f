/* journal.h - bench's checkpoint: finished samples survive an interruption.
 *
 * An append-only binary file beside the output (OUT.journal). The header
 * names what is being measured (a key built from the gen file's checksum and
 * the bench settings) and the record size; a journal with another key is
 * stale and starts over. Each record is one finished sample, followed by a
 * checksum. Each record is written at once (so a killed process loses only
 * the sample in flight) and the file is fdatasync'ed at most every
 * JOURNAL_SYNC_S seconds and at close (so a power loss loses at most that
 * much finished work); a torn or damaged tail is ignored.
 */
#ifndef MODLAT_JOURNAL_H
#define MODLAT_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#define JOURNAL_SYNC_S 1.0

enum journal_kind { JOURNAL_SAMPLE = 0, JOURNAL_REPEAT = 1 };

struct journal_record {
	uint64_t index;      /* sample row */
	uint64_t kind;       /* JOURNAL_SAMPLE, or JOURNAL_REPEAT (the second measurement) */
	uint64_t flags;      /* DATASET_WAITED | ... (dataset.h) */
	int64_t loops;       /* executions per timed run */
	double mem_avail;    /* bytes, before the sample */
	double util;         /* [0, 1], before the sample */
	double util_during;  /* others' share over the timed runs */
	double steal_during; /* steal share over the timed runs */
	double load_during;  /* share of the timed runs the background load was busy */
	double delay_during; /* our threads' run-queue wait over the timed runs' wall time */
	double timed_s;      /* seconds inside timed runs */
	double total_s;      /* seconds spent on the sample, everything included */
	double at_s;         /* Unix time the sample was measured */
	double *runs_ms;     /* r timed runs, ms per execution */
};

struct journal {
	int fd;
	size_t r;
	double sync_s;    /* fdatasync at most this often (0: after each record) */
	double synced_at; /* CLOCK_MONOTONIC of the last fdatasync */
};

/* Opens (or creates) the journal for `key` with r runs per record; calls
 * found(record, user) for every complete record already there, in order.
 * A journal with another key or record size is replaced. */
int journal_open(struct journal *j, const char *path, const char *key, size_t r,
		 void (*found)(const struct journal_record *rec, void *user), void *user,
		 char *err);
int journal_append(struct journal *j, const struct journal_record *rec, char *err);
/* Syncs what was appended and closes; accepts a closed journal. */
void journal_close(struct journal *j);

#endif
