#include "load.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "rng.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* A random mid-sized module: a few milliseconds per run. */
static void random_shape(struct rng *r, struct module_shape *m)
{
	static const long hw[] = { 14, 28, 56 };
	static const enum module_kind kinds[] = { MODULE_CONV, MODULE_CONV_BN_RELU, MODULE_BN,
						  MODULE_LINEAR, MODULE_MAXPOOL };

	memset(m, 0, sizeof(*m));
	m->kind = kinds[rng_range(r, 0, 4)];
	m->batch = rng_range(r, 1, 8);
	m->cin = rng_range(r, 16, 128);
	m->cout = module_params(m->kind) & PARAM_COUT ? rng_range(r, 16, 128) : 0;
	m->hw = m->kind == MODULE_LINEAR ? 0 : hw[rng_range(r, 0, 2)];
	m->kernel = module_params(m->kind) & PARAM_KERNEL ? 3 : 0;
	m->stride = module_params(m->kind) & PARAM_STRIDE ? 1 : 0;
	if (m->kind == MODULE_LINEAR) {
		m->cin *= 16;
		m->cout *= 16;
		m->batch *= 8;
	}
}

static void child(const struct backend_ops *b, const struct load_settings *s,
		  volatile int *busy)
{
	struct backend_settings bs = { .threads = s->threads, .fuse_relu = 0, .seed = s->seed };
	struct sigaction sa;
	char err[ERR_LEN];
	void *ctx = NULL;
	struct rng r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	rng_init(&r, s->seed, 0x10ad);
	if (b->open(&ctx, &bs, err) < 0)
		_exit(1);
	while (!stop) {
		/* exponential cycle length with the configured mean */
		double cycle = -log(1.0 - rng_uniform(&r)) * s->period_ms / 1000.0;
		double busy_until = now_s() + cycle * s->duty;

		*busy = 1;
		while (!stop && now_s() < busy_until) {
			struct module_shape m;
			void *inst = NULL;

			random_shape(&r, &m);
			if (b->prepare(ctx, &m, &inst, err) == 0)
				while (!stop && now_s() < busy_until && b->run(inst, err) == 0)
					;
			b->release(inst);
		}
		*busy = 0;
		if (!stop)
			sleep_s(cycle * (1.0 - s->duty));
	}
	b->close(ctx);
	_exit(0);
}

int load_start(const struct backend_ops *b, const struct load_settings *s, struct load *l,
	       char *err)
{
	pid_t parent = getpid();
	void *shared = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);

	l->pid = 0;
	l->busy = NULL;
	if (shared == MAP_FAILED)
		return err_set(err, "cannot share memory with the background load (%s)",
			       strerror(errno));
	l->busy = shared;
	*l->busy = 0;
	l->pid = fork();
	if (l->pid < 0) {
		munmap(shared, sizeof(int));
		l->busy = NULL;
		l->pid = 0;
		return err_set(err, "cannot start the background load (%s)", strerror(errno));
	}
	if (l->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) /* the parent died before prctl */
			_exit(0);
		child(b, s, l->busy);
	}
	return 0;
}

int load_busy(const struct load *l)
{
	return l->busy ? *l->busy : 0;
}

void load_stop(struct load *l)
{
	int status;

	if (l->pid > 0) {
		kill(l->pid, SIGTERM);
		while (waitpid(l->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (l->busy)
		munmap((void *)l->busy, sizeof(int));
	l->pid = 0;
	l->busy = NULL;
}
