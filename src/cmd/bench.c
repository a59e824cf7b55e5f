/* bench - measure the latency of every configuration in a gen file, or of a
 * whole network end to end.
 * usage: bench --experiment PATH --env ENV GEN -o OUT
 *        bench --experiment PATH --network FILE [--batch N] -o OUT */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench.h"
#include "config.h"
#include "dataset.h"
#include "h5io.h"
#include "lock.h"
#include "modlat.h"
#include "netbench.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGINT, SIGTERM and SIGHUP ask the measurement to stop cleanly */
static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench --experiment PATH --env ENV GEN -o OUT\n"
		"       bench --experiment PATH --network FILE [--batch N] -o OUT\n"
		"Measures every configuration of GEN (gen's output) through the experiment's\n"
		"backend and writes the dataset OUT. Finished samples are kept in OUT.journal:\n"
		"an interrupted run resumes where it stopped. Only one bench measures at a time\n"
		"on a machine (the others wait).\n\n"
		"  -e, --experiment PATH  experiment folder or INI file (required)\n"
		"  -E, --env ENV          static | dynamic (default static)\n"
		"  -o, --output PATH      output dataset (required)\n"
		"  -n, --network FILE     measure a whole network (docs/networks.md) end to end\n"
		"                         instead: its layers back to back on one input, with\n"
		"                         the experiment's [bench] settings, the whole network's\n"
		"                         latency and each layer's into OUT (modlat-network)\n"
		"  -b, --batch N          the network's batch (default 1)\n"
		"  -l, --lock PATH        machine-wide lock file (default $MODLAT_LOCK or\n"
		"                         /tmp/modlat-bench.lock)\n"
		"  -q, --quiet            no progress on stderr\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n");
}

static void fmt_time(double s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

struct show {
	const char *label;
	int tty;
};

static void progress(const struct bench_progress *p, void *user)
{
	const struct show *s = user;
	static double last_line;
	char eta[32], el[32];

	fmt_time(p->eta_s, eta, sizeof(eta));
	fmt_time(p->elapsed_s, el, sizeof(el));
	if (s->tty)
		fprintf(stderr, "\rbench: %s: %zu/%zu (%3.0f%%) elapsed %s, ETA %s   ", s->label,
			p->done, p->total, 100.0 * (double)p->done / (double)p->total, el, eta);
	else if (p->elapsed_s - last_line >= 10 || p->done == p->total) {
		/* a log, not a terminal: a line every 10 s */
		last_line = p->elapsed_s;
		fprintf(stderr, "bench: %s: %zu/%zu (%.0f%%) elapsed %s, ETA %s\n", s->label,
			p->done, p->total, 100.0 * (double)p->done / (double)p->total, el, eta);
	}
}

/* A wait for quiet: always said (also with --quiet), since it explains a
 * bench that seems to hang. */
static void notice(const char *msg, void *user)
{
	const struct show *s = user;

	fprintf(stderr, "%sbench: %s: %s\n", s->tty ? "\n" : "", s->label, msg);
}


/* bench --network: one network at one batch, end to end. */
static int bench_network(const char *exp_path, const char *net_path, long batch, const char *out,
			 const char *lock_path, int quiet)
{
	char err[ERR_LEN], label[160];
	struct modlat_network *net;
	struct netbench_out o;
	struct netbench_job job;
	struct experiment x;
	struct show show;
	int lockfd, rc;

	h5_quiet();
	if (!(net = modlat_network_read(net_path, err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	if (check_output_dir(out, err) < 0 || experiment_load(&x, exp_path, err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		modlat_network_free(net);
		return 1;
	}
	if (lock_path)
		setenv("MODLAT_LOCK", lock_path, 1);
	if ((lockfd = lock_take(1, "bench", quiet, err)) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		experiment_release(&x);
		modlat_network_free(net);
		return 1;
	}
	catch_stop_signals();
	snprintf(label, sizeof(label), "%s batch %ld", modlat_network_name(net), batch);
	show.label = label;
	show.tty = 0;
	job = (struct netbench_job){ net, batch, &x, exp_path, "static", notice, &show, &stop };
	rc = netbench_measure(&job, &o, err);
	if (rc == 0 && netbench_write(&job, &o, out, err) < 0)
		rc = -1;
	lock_release(lockfd);
	if (rc == 1)
		fprintf(stderr, "bench: %s: interrupted, nothing written\n", label);
	else if (rc < 0)
		fprintf(stderr, "bench: %s\n", err);
	else if (!quiet)
		fprintf(stderr, "bench: %s: %.4g ms end to end (layers %.4g ms, glue %.1f%%), %zu runs of "
				"%ld passes%s -> %s\n", label, o.latency_ms, o.layer_sum_ms,
			o.layer_sum_ms > 0 ? 100 * o.glue_ms / o.layer_sum_ms : 0.0, o.r, o.loops,
			o.contended ? ", contended (flagged)" : "", out);
	if (rc == 0)
		netbench_release(&o);
	experiment_release(&x);
	modlat_network_free(net);
	return rc == 0 ? 0 : rc == 1 ? 130 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "experiment", required_argument, 0, 'e' }, { "env", required_argument, 0, 'E' },
		{ "output", required_argument, 0, 'o' },     { "lock", required_argument, 0, 'l' },
		{ "quiet", no_argument, 0, 'q' },            { "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' },          { "network", required_argument, 0, 'n' },
		{ "batch", required_argument, 0, 'b' },      { 0, 0, 0, 0 }
	};
	const char *net_path = NULL;
	long batch = 1;
	const char *exp_path = NULL, *env = "static", *out = NULL, *lock_path = NULL, *gen_path;
	char msg[128];
	char err[ERR_LEN], journal[4200], key[256], sum[17], label[64];
	struct bench_totals tot;
	struct experiment x;
	struct dataset gen, ds;
	struct show show;
	struct bench_job job;
	int c, quiet = 0, lockfd, rc;

	opterr = 0; /* our one line, not getopt's too */
	while ((c = getopt_long(argc, argv, ":e:E:o:l:n:b:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'e': exp_path = optarg; break;
		case 'E': env = optarg; break;
		case 'o': out = optarg; break;
		case 'l': lock_path = optarg; break;
		case 'q': quiet = 1; break;
		case 'n': net_path = optarg; break;
		case 'b': {
			char *end;

			batch = strtol(optarg, &end, 10);
			if (*end || end == optarg || batch < 1 || batch > 1L << 30) {
				fprintf(stderr, "bench: --batch '%s', expected an integer from 1 to 2^30\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'h': usage(stdout); return 0;
		case 'V': printf("bench (modlat) %s\n", MODLAT_VERSION); return 0;
		default:
			fprintf(stderr, "bench: %s; try 'bench --help'\n",
				opt_error(c, argv, msg, sizeof(msg)));
			return 2;
		}
	}
	if (net_path) {
		if (!exp_path || !out || optind != argc) {
			fprintf(stderr, "bench: --network needs --experiment and -o, and no GEN file; "
					"try 'bench --help'\n");
			return 2;
		}
		return bench_network(exp_path, net_path, batch, out, lock_path, quiet);
	}
	if (!exp_path || !out || optind != argc - 1) {
		fprintf(stderr, "bench: need --experiment, -o and one GEN file; try 'bench --help'\n");
		return 2;
	}
	if (strcmp(env, "static") && strcmp(env, "dynamic")) {
		fprintf(stderr, "bench: unknown environment '%s', expected static or dynamic\n", env);
		return 2;
	}
	gen_path = argv[optind];
	h5_quiet();
	if (check_output_dir(out, err) < 0 || experiment_load(&x, exp_path, err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	if (!experiment_has_env(&x, env)) {
		fprintf(stderr, "bench: %s: environment '%s' is not part of the experiment\n",
			exp_path, env);
		experiment_release(&x);
		return 1;
	}
	if (dataset_read(&gen, gen_path, GEN_FORMAT, GEN_VERSION, err) < 0 ||
	    file_checksum(gen_path, sum, err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		experiment_release(&x);
		return 1;
	}

	if (lock_path)
		setenv("MODLAT_LOCK", lock_path, 1);
	lockfd = lock_take(1, "bench", quiet, err);
	if (lockfd < 0) {
		fprintf(stderr, "bench: %s\n", err);
		dataset_release(&gen);
		experiment_release(&x);
		return 1;
	}
	catch_stop_signals();

	snprintf(journal, sizeof(journal), "%s.journal", out);
	snprintf(key, sizeof(key),
		 "%s %s %s t%d w%d r%d f%d d%.6g p%.6g l%d s%llu P%d m%.6g q%.6g c%.6g W%.6g R%d "
		 "S%.6g M%d F%d",
		 sum, env, x.bench.backend, x.bench.threads, x.bench.warmup, x.bench.runs,
		 x.bench.fuse_relu, x.dynamic.duty, x.dynamic.period_ms, x.dynamic.load_threads,
		 (unsigned long long)x.seed, BENCH_PROTOCOL, x.bench.min_run_ms, x.bench.quiet,
		 x.bench.contention, x.bench.quiet_wait_s, x.bench.retries, x.bench.repeat_share,
		 x.bench.repeat_min, x.bench.fold_first);
	snprintf(label, sizeof(label), "%s %s", attrs_str(&gen.attrs, "module") ?: "?", env);
	show.label = label;
	show.tty = isatty(2);
	job = (struct bench_job){ &gen,	  &x,	 env,  journal,	     key, quiet ? NULL : progress,
				  notice, &show, &stop };
	memset(&ds, 0, sizeof(ds)); /* released on every path below */
	rc = bench_measure(&job, &ds, &tot, err);
	if (show.tty && !quiet)
		fputc('\n', stderr);
	if (rc == 0 && dataset_write(&ds, out, DATASET_FORMAT, DATASET_VERSION, err) < 0)
		rc = -1;
	lock_release(lockfd);
	if (rc == 1) {
		fprintf(stderr, "bench: interrupted; finished samples are kept in %s, rerun to resume\n",
			journal);
		dataset_release(&gen);
		experiment_release(&x);
		return 130;
	}
	if (rc < 0) {
		fprintf(stderr, "bench: %s: %s\n", gen_path, err);
		dataset_release(&ds);
		dataset_release(&gen);
		experiment_release(&x);
		return 1;
	}
	unlink(journal);
	if (!quiet)
		fprintf(stderr,
			"bench: %s: %zu samples + %zu repeated (%zu resumed), %.1f s on samples, %.1f s "
			"in timed runs (overhead %.1f%%; this run: setup %.1f s, warm-up %.1f s, "
			"checkpoints %.1f s; waited for quiet %.1f s, contended attempts %.1f s); "
			"flagged %.1f%% -> %s\n",
			label, ds.n, ds.nrepeat, tot.resumed, tot.total_s, tot.timed_s,
			tot.timed_s > 0 ? 100.0 * (tot.total_s / tot.timed_s - 1.0) : 0.0, tot.setup_s,
			tot.warmup_s, tot.journal_s, tot.wait_s, tot.retry_s,
			100.0 * (attrs_get(&ds.attrs, "share_flagged") ? attrs_get(&ds.attrs, "share_flagged")->num : 0), out);
	dataset_release(&ds);
	dataset_release(&gen);
	experiment_release(&x);
	return 0;
}
