/* netrun.h - a whole network built on a device and run end to end.
 *
 * One input flows through: each layer's primitives read the tensors the
 * layers before it wrote, in the layout those hand on (oneDNN's blocked
 * activation layout after a convolution), as a framework would run the
 * network; a layer whose primitive wants another layout reorders its input
 * at every run, and that reorder is part of the layer's time. Modules are
 * built as bench builds them (backend_onednn.c: conv with bias, bn with
 * global statistics, relu fused or not as the experiment says); glue is a
 * binary add (relu as its post-op), a concat along the channels, a reorder
 * to plain NCHW viewed as (N, C*L*L) for flatten, an average pool over the
 * whole map for gpool, an in-place eltwise for relu. All building,
 * allocation and filling happens in netrun_build, outside any timed region.
 * The oneDNN backend is netrun_onednn.c; a GPU one would be another file
 * behind the same three functions.
 */
#ifndef MODLAT_NETRUN_H
#define MODLAT_NETRUN_H

#include <stdint.h>

#include "modlat.h"

struct netrun;

/* Builds net at batch N on oneDNN with `threads` threads, relu fused as a
 * post-op when fuse_relu; inputs and weights from seed. */
int netrun_build(const struct modlat_network *net, long batch, int threads, int fuse_relu,
		 uint64_t seed, struct netrun **out, char *err);
/* Runs the whole network once, synchronously; when layer_s is not NULL,
 * adds each layer's wall time (seconds, the layer's primitives and a stream
 * wait) to layer_s[0 .. layers). */
int netrun_pass(struct netrun *r, double *layer_s, char *err);
/* The oneDNN implementation of layer i's main primitive ("brg:avx512_core"). */
const char *netrun_impl(const struct netrun *r, size_t i);
void netrun_free(struct netrun *r); /* accepts NULL */
/* "onednn 2.6.3" */
const char *netrun_backend_version(void);

#endif
