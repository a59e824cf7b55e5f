/* lock.h - one measurement at a time on a machine.
 *
 * bench holds an exclusive flock(2) on the lock file while it measures;
 * other pipeline steps may hold it shared, so a measurement never overlaps
 * them either. The lock goes away with the process, also on kill -9.
 */
#ifndef MODLAT_LOCK_H
#define MODLAT_LOCK_H

/* The machine-wide lock file: $MODLAT_LOCK, or /tmp/modlat-bench.lock. */
const char *lock_default_path(void);
/* Tries to take the lock without waiting: returns 0 with *fd set, 1 when
 * another process holds it (*fd still set: call lock_wait), -1 on error. */
int lock_try(const char *path, int exclusive, int *fd, char *err);
/* Waits for the lock on fd. */
int lock_wait(int fd, int exclusive, char *err);
void lock_release(int fd);
/* Takes the machine-wide lock (shared or exclusive), waiting for it; when it
 * has to wait, says so on stderr unless quiet. Returns the fd or -1. */
int lock_take(int exclusive, const char *who, int quiet, char *err);

#endif
