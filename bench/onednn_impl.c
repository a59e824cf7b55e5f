/* onednn_impl - the implementation oneDNN picks for every row of a dataset
 * (issue 11's lever 2: is "which kernel" a feature worth adding?).
 *
 * Usage: onednn_impl MODULE DATASET.h5 [THREADS]
 * Builds each row's module with the oneDNN backend as bench built it (the
 * dataset's `threads`, unless THREADS is given, and its `fuse_relu`), runs
 * it once and prints one line
 * per row: the implementation of each primitive, joined by '+', e.g.
 * "brgconv_1x1:avx512_core+bnorm_jit:avx512_core". What it prints depends on
 * this host's ISA; compare with a dataset measured on the same kind of host.
 * scripts/lever2.py reads these lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_onednn.h"
#include "bench.h"
#include "dataset.h"
#include "err.h"
#include "module.h"

int main(int argc, char **argv)
{
	char err[ERR_LEN];
	struct dataset ds;
	struct backend_settings s = { .seed = 1, .fill_once = 1 };
	const struct attr *threads;
	const char *fuse;
	enum module_kind mk;
	void *ctx = NULL;
	size_t i;

	memset(&ds, 0, sizeof(ds));
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: onednn_impl MODULE DATASET.h5 [THREADS]\n");
		return 2;
	}
	if (module_from_name(argv[1], &mk) < 0) {
		fprintf(stderr, "onednn_impl: unknown module '%s'\n", argv[1]);
		return 2;
	}
	if (dataset_read(&ds, argv[2], DATASET_FORMAT, DATASET_VERSION, err) < 0)
		goto fail;
	threads = attrs_get(&ds.attrs, "threads");
	s.threads = argc == 4 ? atoi(argv[3]) : threads ? (int)threads->num : 0;
	fuse = attrs_str(&ds.attrs, "fuse_relu");
	s.fuse_relu = fuse && !strcmp(fuse, "yes");
	if (s.threads < 1) {
		fprintf(stderr, "onednn_impl: %s: thread count %d (THREADS, or the dataset's threads "
			"attribute, must be >= 1)\n", argv[2], s.threads);
		dataset_release(&ds);
		return 2;
	}
	if (backend_onednn.open(&ctx, &s, err) < 0)
		goto fail;
	for (i = 0; i < ds.n; i++) {
		struct module_shape m;
		struct onednn_buffers b;
		void *inst = NULL;
		int k;

		if (bench_shape(&ds, i, mk, &m, err) < 0 ||
		    backend_onednn.prepare(ctx, &m, &inst, err) < 0 ||
		    backend_onednn.run(inst, err) < 0 || backend_onednn_buffers(inst, &b, err) < 0) {
			backend_onednn.release(inst);
			goto fail;
		}
		for (k = 0; k < 4 && b.impl[k]; k++)
			printf("%s%s", k ? "+" : "", b.impl[k]);
		putchar('\n');
		backend_onednn.release(inst);
	}
	backend_onednn.close(ctx);
	dataset_release(&ds);
	return 0;
fail:
	fprintf(stderr, "onednn_impl: %s: %s\n", argv[2], err);
	backend_onednn.close(ctx);
	dataset_release(&ds);
	return 1;
}
