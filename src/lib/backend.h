/* backend.h - what runs a module on a device, behind one small table.
 *
 * A backend builds one module instance (primitives created, memory allocated
 * and filled with random values — all outside any timed region) and then runs
 * it synchronously as often as asked; the caller times each run. Adding a GPU
 * backend is one new file and one entry in backend_list().
 */
#ifndef MODLAT_BACKEND_H
#define MODLAT_BACKEND_H

#include <stdint.h>

#include "module.h"

struct backend_settings {
	int threads;   /* worker threads the backend may use (>= 1) */
	int fuse_relu; /* relu as a post-op of conv/bn instead of an eltwise primitive */
	uint64_t seed; /* fills inputs and weights */
	/* reuse buffers that hold bounded random values as they are, instead of
	 * filling and reordering every input (faster setup; the values then do
	 * not match the plain inputs, so only for timing) */
	int fill_once;
};

struct backend_ops {
	const char *name; /* "onednn" */
	/* Library version string, e.g. "2.6.3"; static storage. */
	const char *(*version)(void);
	/* Opens the device (engine, stream, thread count). *ctx freed by close. */
	int (*open)(void **ctx, const struct backend_settings *s, char *err);
	/* Builds one module instance; *inst freed by release. */
	int (*prepare)(void *ctx, const struct module_shape *m, void **inst, char *err);
	/* Runs the instance once and waits for it to finish. */
	int (*run)(void *inst, char *err);
	void (*release)(void *inst); /* accepts NULL */
	void (*close)(void *ctx);    /* accepts NULL */
};

/* The backend named `name`, or NULL. */
const struct backend_ops *backend_find(const char *name);
/* NULL-terminated list of every compiled-in backend. */
const struct backend_ops *const *backend_list(void);

#endif
