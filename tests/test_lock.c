/* lock: a waiter names who holds the machine's measurement lock. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "lock.h"
#include "unit.h"

static void test_holder(void)
{
	char path[512], err[ERR_LEN], who[256], expect[64], note[64] = "";
	int ready[2], fd, rc;
	pid_t child;
	FILE *f;

	snprintf(path, sizeof(path), "%s/holder.lock", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(pipe(ready), 0);
	child = fork();
	CU_ASSERT_FATAL(child >= 0);
	if (child == 0) { /* the measurement: holds the lock until killed */
		int cfd;

		if (lock_try(path, 1, &cfd, err) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	CU_ASSERT_EQUAL_FATAL(read(ready[0], note, 1), 1);
	close(ready[0]);

	rc = lock_try(path, 0, &fd, err);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_EQUAL(lock_holder(fd, who, sizeof(who)), 0);
	snprintf(expect, sizeof(expect), "pid %ld (", (long)child);
	CU_ASSERT_EQUAL(strncmp(who, expect, strlen(expect)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(who, "unit")); /* the command: tests/unit */
	/* the holder's note in the file names it too */
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(note, sizeof(note), f));
	fclose(f);
	CU_ASSERT_EQUAL(atol(note), (long)child);

	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	CU_ASSERT_EQUAL(lock_wait(fd, 0, err), 0);
	/* nobody else holds it now */
	CU_ASSERT_EQUAL(lock_holder(fd, who, sizeof(who)), -1);
	CU_ASSERT_STRING_EQUAL(who, "");
	lock_release(fd);
}

UNIT_SUITE("lock", UNIT_TEST(test_holder));
