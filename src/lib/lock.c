#include "lock.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "err.h"

const char *lock_default_path(void)
{
	const char *p = getenv("MODLAT_LOCK");

	return p && *p ? p : "/tmp/modlat-bench.lock";
}

/* "pid command" of this process into buf: what lock_holder shows others. */
static void self_line(char *buf, size_t len)
{
	char cmd[256] = "";
	FILE *f = fopen("/proc/self/cmdline", "rb");
	size_t n = 0, i;

	if (f) {
		n = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
	}
	for (i = 0; i + 1 < n; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	cmd[n] = 0;
	snprintf(buf, len, "%ld %s\n", (long)getpid(), cmd);
}

/* Writes "PID COMMAND" into the lock file: a note for lock_holder where
 * /proc/locks cannot tell. Best effort: a lock file we cannot write still
 * locks. */
static void note_holder(int fd)
{
	char line[300];
	ssize_t len;

	self_line(line, sizeof(line));
	len = (ssize_t)strlen(line);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, line, (size_t)len, 0) != len)
		return;
}

int lock_try(const char *path, int exclusive, int *fd, char *err)
{
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (*fd < 0)
		return err_set(err, "%s: cannot open lock file (%s)", path, strerror(errno));
	if (flock(*fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) {
		if (exclusive)
			note_holder(*fd);
		return 0;
	}
	if (errno == EWOULDBLOCK)
		return 1;
	err_set(err, "%s: cannot lock (%s)", path, strerror(errno));
	close(*fd);
	*fd = -1;
	return -1;
}

/* The command line of process pid, spaces between the arguments, at most
 * len - 1 bytes; "" when it cannot be read. */
static void cmdline_of(long pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;
	size_t n = 0, i;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	buf[0] = 0;
	f = fopen(path, "rb");
	if (!f)
		return;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n > 0 && !buf[n - 1])
		n--;
	for (i = 0; i < n; i++)
		if (!buf[i] || buf[i] == '\n')
			buf[i] = ' ';
	buf[n] = 0;
}

int lock_holder(int fd, char *buf, size_t len)
{
	struct stat st;
	char line[256], cmd[160];
	long first = 0, pid, others = 0;
	unsigned maj, min;
	unsigned long ino;
	FILE *f;

	buf[0] = 0;
	if (fstat(fd, &st) < 0)
		return -1;
	/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; "1: -> FLOCK ..." waits */
	f = fopen("/proc/locks", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char type[16];

		if (strstr(line, "->") ||
		    sscanf(line, "%*d: FLOCK %*s %15s %ld %x:%x:%lu", type, &pid, &maj, &min,
			   &ino) != 5)
			continue;
		if (ino != st.st_ino || makedev(maj, min) != st.st_dev || pid == (long)getpid())
			continue;
		if (!first)
			first = pid;
		else if (pid != first)
			others++;
	}
	if (f)
		fclose(f);
	if (!first) { /* no /proc/locks (or another pid namespace): the holder's note */
		ssize_t n = pread(fd, line, sizeof(line) - 1, 0);

		if (n <= 0)
			return -1;
		line[n] = 0;
		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%ld", &first) != 1 || first <= 0 || kill((pid_t)first, 0) < 0)
			return -1;
	}
	cmdline_of(first, cmd, sizeof(cmd));
	if (others)
		snprintf(buf, len, "pid %ld (%s) and %ld other%s", first, *cmd ? cmd : "?", others,
			 others == 1 ? "" : "s");
	else
		snprintf(buf, len, "pid %ld (%s)", first, *cmd ? cmd : "?");
	return 0;
}

int lock_wait(int fd, int exclusive, char *err)
{
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return err_set(err, "cannot wait for the lock (%s)", strerror(errno));
	if (exclusive)
		note_holder(fd);
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

	(void)quiet; /* a wait that may last an hour is never silent */
	if (rc == 1) {
		char holder[256];

		if (lock_holder(fd, holder, sizeof(holder)) < 0)
			snprintf(holder, sizeof(holder), "another process");
		fprintf(stderr, "%s: waiting for the measurement lock %s, held by %s\n", who, path,
			holder);
		rc = lock_wait(fd, exclusive, err);
		if (rc < 0)
			close(fd);
	}
	return rc < 0 ? -1 : fd;
}
