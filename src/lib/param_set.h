/* param_set.h - a flat list of named numeric arrays, for saving models.
 *
 * A model exports itself into a param_set (X_export) and is rebuilt from one
 * (X_import); the file layer writes each entry as one HDF5 dataset named
 * entry.name, so a model file is just its arrays. Each entry is rank 1
 * (shape[0] elements) or rank 2 (shape[0] x shape[1], row-major), holding
 * double or int64 values. Scalars are rank-1 arrays of length 1.
 *
 *   struct param_set ps;
 *   param_set_init(&ps);
 *   if (rf_export(model, &ps, err) < 0) ...
 *   ... write ps.entries[0 .. ps.n) ...
 *   param_set_release(&ps);
 */
#ifndef MODLAT_PARAM_SET_H
#define MODLAT_PARAM_SET_H

#include <stddef.h>
#include <stdint.h>

enum param_type {
	PARAM_F64,	/* data is double[] */
	PARAM_I64	/* data is int64_t[] */
};

struct param_entry {
	char *name;		/* unique within the set, owned */
	enum param_type type;
	int rank;		/* 1 or 2 */
	size_t shape[2];	/* rank 1: shape[1] == 1 */
	void *data;		/* shape[0] * shape[1] values, owned */
};

struct param_set {
	struct param_entry *entries;	/* n entries, in the order added */
	size_t n, cap;
};

/* An empty set; param_set_release frees what the set owns (not ps itself).
 * Release accepts NULL and an initialised empty set. */
void param_set_init(struct param_set *ps);
void param_set_release(struct param_set *ps);

/* Appends a copy of data (rank 1: rows values, cols ignored and set to 1;
 * rank 2: rows * cols values, row-major). Fails on a duplicate name, a bad
 * rank or out of memory. */
int param_set_add(struct param_set *ps, const char *name, enum param_type type,
		  int rank, size_t rows, size_t cols, const void *data, char *err);
int param_set_add_f64(struct param_set *ps, const char *name, size_t n,
		      const double *data, char *err);
int param_set_add_i64(struct param_set *ps, const char *name, size_t n,
		      const int64_t *data, char *err);
int param_set_add_scalar_f64(struct param_set *ps, const char *name, double v,
			     char *err);
int param_set_add_scalar_i64(struct param_set *ps, const char *name, int64_t v,
			     char *err);

/* The entry called name, or NULL. */
const struct param_entry *param_set_find(const struct param_set *ps, const char *name);

/* Checked lookups for importers: the entry must exist with this type and
 * rank; rank 1 reports its length in *rows (cols may be NULL), rank 2 both
 * dimensions. The returned pointer is the set's, valid until release. */
int param_set_get(const struct param_set *ps, const char *name, enum param_type type,
		  int rank, size_t *rows, size_t *cols, const void **data, char *err);
/* A rank-1 entry of exactly one value. */
int param_set_get_scalar_f64(const struct param_set *ps, const char *name, double *v,
			     char *err);
int param_set_get_scalar_i64(const struct param_set *ps, const char *name, int64_t *v,
			     char *err);

#endif
