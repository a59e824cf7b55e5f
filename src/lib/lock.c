#include "lock.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "err.h"

const char *lock_default_path(void)
{
	const char *p = getenv("MODLAT_LOCK");

	return p && *p ? p : "/tmp/modlat-bench.lock";
}

int lock_try(const char *path, int exclusive, int *fd, char *err)
{
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (*fd < 0)
		return err_set(err, "%s: cannot open lock file (%s)", path, strerror(errno));
	if (flock(*fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		return 1;
	err_set(err, "%s: cannot lock (%s)", path, strerror(errno));
	close(*fd);
	*fd = -1;
	return -1;
}

int lock_wait(int fd, int exclusive, char *err)
{
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return err_set(err, "cannot wait for the lock (%s)", strerror(errno));
	return 0;
}

void lock_release(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

int lock_take(int exclusive, const char *who, int quiet, char *err)
{
	const char *path = lock_default_path();
	int fd, rc = lock_try(path, exclusive, &fd, err);

	if (rc == 1) {
		if (!quiet)
			fprintf(stderr, "%s: a measurement holds %s; waiting for it\n", who, path);
		rc = lock_wait(fd, exclusive, err);
		if (rc < 0)
			close(fd);
	}
	return rc < 0 ? -1 : fd;
}
