/* h5io.h - checked HDF5 helpers: atomic files, format checks, whole arrays.
 *
 * Every file modlat writes is created under a temporary name beside its final
 * path and renamed into place by h5_commit() once complete, so an interrupted
 * step never leaves a file that make would trust. Object modification times
 * are not recorded, so the same content gives the same bytes.
 *
 * Every call returns 0 or -1 with a one-line message in err that names the
 * file (and the object) concerned.
 */
#ifndef MODLAT_H5IO_H
#define MODLAT_H5IO_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* the core driver's buffer, handed over when the file is closed */
struct h5_image {
	void *buf;
	size_t size;
};

/* Not to be copied between h5_create and h5_commit/h5_abort: HDF5 holds a
 * pointer to its image member. */
struct h5_out {
	hid_t file;      /* the file being built, in memory */
	struct h5_image image;
	int fd;          /* the temporary file, until staged */
	int staged;      /* the temporary file is complete */
	char path[4096]; /* final path */
	char tmp[4200];  /* where it is written until committed */
};

/* Creates PATH.tmp.PID (empty) and an HDF5 file in memory named PATH, in the
 * HDF5 1.10 format (checksummed metadata), and stamps `format` and
 * `format_version` attributes on its root group. */
int h5_create(struct h5_out *out, const char *path, const char *format, int version, char *err);
/* Writes the file's image to the temporary file and fsyncs it (a full disk
 * is reported here, naming PATH, and the temporary file removed); the file
 * can no longer be changed. For outputs that must land together: stage each,
 * then commit each. */
int h5_stage(struct h5_out *out, char *err);
/* Stages the file (if not yet) and renames it into place. */
int h5_commit(struct h5_out *out, char *err);
/* Closes and removes the temporary file (after an error); accepts a never
 * opened or already committed out. */
void h5_abort(struct h5_out *out);

/* Opens an existing file read-only and checks its `format` attribute equals
 * `format` and `format_version` equals `version`. */
int h5_open(const char *path, const char *format, int version, hid_t *file, char *err);
void h5_close(hid_t file);
/* The `format` attribute of the modlat file at path (malloc'd: caller frees). */
int h5_read_format(const char *path, char **format, char *err);

/* Creates a group (no timestamps). */
int h5_group(hid_t loc, const char *name, hid_t *group, char *err);
int h5_open_group(hid_t loc, const char *name, hid_t *group, char *err);
int h5_exists(hid_t loc, const char *name);

/* Attributes (scalars). Strings read back are malloc'd: caller frees. */
int h5_attr_write_str(hid_t loc, const char *name, const char *value, char *err);
int h5_attr_write_f64(hid_t loc, const char *name, double value, char *err);
int h5_attr_write_i64(hid_t loc, const char *name, int64_t value, char *err);
int h5_attr_read_str(hid_t loc, const char *name, char **value, char *err);
int h5_attr_read_f64(hid_t loc, const char *name, double *value, char *err);
int h5_attr_read_i64(hid_t loc, const char *name, int64_t *value, char *err);
int h5_attr_exists(hid_t loc, const char *name);

/* Whole datasets of rank 1 or 2 (dims[1] ignored for rank 1), row-major. */
int h5_write_f64(hid_t loc, const char *name, int rank, const size_t *dims, const double *data,
		 char *err);
/* The same, compressed (shuffle + deflate) when large: for datasets that
 * ship with the code. */
int h5_write_f64z(hid_t loc, const char *name, int rank, const size_t *dims, const double *data,
		  char *err);
int h5_write_f32(hid_t loc, const char *name, int rank, const size_t *dims, const float *data,
		 char *err);
int h5_write_i64(hid_t loc, const char *name, int rank, const size_t *dims, const int64_t *data,
		 char *err);
int h5_write_u8(hid_t loc, const char *name, int rank, const size_t *dims, const uint8_t *data,
		char *err);
/* A rank-1 dataset of n variable-length UTF-8 strings. */
int h5_write_strings(hid_t loc, const char *name, size_t n, char *const *strs, char *err);

/* Readers allocate *data (caller frees) and fill dims; a dataset of another
 * rank or a type that does not convert is an error. */
int h5_read_f64(hid_t loc, const char *name, int rank, size_t *dims, double **data, char *err);
int h5_read_f32(hid_t loc, const char *name, int rank, size_t *dims, float **data, char *err);
int h5_read_i64(hid_t loc, const char *name, int rank, size_t *dims, int64_t **data, char *err);
int h5_read_u8(hid_t loc, const char *name, int rank, size_t *dims, uint8_t **data, char *err);
/* Reads a rank-1 string dataset: *strs is an array of *n malloc'd strings;
 * free with h5_strings_free. */
int h5_read_strings(hid_t loc, const char *name, size_t *n, char ***strs, char *err);
void h5_strings_free(size_t n, char **strs);

/* For commands, once at start-up (never the C API): silences HDF5's own
 * error printing, and bounds the time a file takes to read, from h5_open to
 * h5_close, to $MODLAT_READ_TIMEOUT seconds (default 60): past it, the
 * process prints "PROG: PATH: reading did not finish in N s (damaged
 * file?)" on stderr and exits 1 (SIGALRM). HDF5 can loop forever on a
 * damaged global heap, which only files of earlier modlat versions have. */
void h5_quiet(void);

#endif
