/* lock.h - one measurement at a time on a machine.
 *
 * bench holds an exclusive flock(2) on the lock file while it measures;
 * other pipeline steps may hold it shared, so a measurement never overlaps
 * them either. The lock goes away with the process, also on kill -9.
 * An exclusive holder writes "PID COMMAND" into the lock file, a note for
 * where /proc/locks does not show it.
 */
#ifndef MODLAT_LOCK_H
#define MODLAT_LOCK_H

#include <stddef.h>

/* The machine-wide lock file: $MODLAT_LOCK, or /tmp/modlat-bench.lock. */
const char *lock_default_path(void);
/* Tries to take the lock without waiting: returns 0 with *fd set, 1 when
 * another process holds it (*fd still set: call lock_wait), -1 on error. */
int lock_try(const char *path, int exclusive, int *fd, char *err);
/* Waits for the lock on fd. */
int lock_wait(int fd, int exclusive, char *err);
void lock_release(int fd);
/* Who holds the lock on fd's file (another process): "pid 1234 (bin/bench
 * ...)" into buf, from /proc/locks, else from the holder's note in the file.
 * Returns 0, or -1 (buf "") when nobody can be named. */
int lock_holder(int fd, char *buf, size_t len);
/* Takes the machine-wide lock (shared or exclusive), waiting for it; when it
 * has to wait, says so on stderr, naming the holder, also when quiet (a
 * fit that waits an hour for someone's measurement must not look hung).
 * Returns the fd or -1. */
int lock_take(int exclusive, const char *who, int quiet, char *err);

#endif
