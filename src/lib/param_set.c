#include "param_set.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

void param_set_init(struct param_set *ps)
{
	ps->entries = NULL;
	ps->n = ps->cap = 0;
}

void param_set_release(struct param_set *ps)
{
	size_t i;

	if (!ps)
		return;
	for (i = 0; i < ps->n; i++) {
		free(ps->entries[i].name);
		free(ps->entries[i].data);
	}
	free(ps->entries);
	param_set_init(ps);
}

const struct param_entry *param_set_find(const struct param_set *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->entries[i].name, name))
			return &ps->entries[i];
	return NULL;
}

int param_set_add(struct param_set *ps, const char *name, enum param_type type,
		  int rank, size_t rows, size_t cols, const void *data, char *err)
{
	struct param_entry *e;
	size_t count, bytes;

	if (rank != 1 && rank != 2)
		return err_set(err, "parameter '%s': rank %d, expected 1 or 2", name, rank);
	if (type != PARAM_F64 && type != PARAM_I64)
		return err_set(err, "parameter '%s': unknown element type", name);
	if (param_set_find(ps, name))
		return err_set(err, "parameter '%s' added twice", name);
	if (rank == 1)
		cols = 1;
	if (cols && rows > SIZE_MAX / 8 / cols)
		return err_set(err, "parameter '%s': %zu x %zu values is too large", name,
			       rows, cols);
	count = rows * cols;
	bytes = count * 8;	/* sizeof(double) == sizeof(int64_t) */
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 16;
		struct param_entry *p = realloc(ps->entries, cap * sizeof(*p));

		if (!p)
			return err_set(err, "out of memory adding parameter '%s'", name);
		ps->entries = p;
		ps->cap = cap;
	}
	e = &ps->entries[ps->n];
	e->name = xstrdup(name, err);
	e->data = xmalloc(bytes, err);
	if (!e->name || !e->data) {
		free(e->name);
		free(e->data);
		return -1;
	}
	if (bytes)
		memcpy(e->data, data, bytes);
	e->type = type;
	e->rank = rank;
	e->shape[0] = rows;
	e->shape[1] = cols;
	ps->n++;
	return 0;
}

int param_set_add_f64(struct param_set *ps, const char *name, size_t n,
		      const double *data, char *err)
{
	return param_set_add(ps, name, PARAM_F64, 1, n, 1, data, err);
}

int param_set_add_i64(struct param_set *ps, const char *name, size_t n,
		      const int64_t *data, char *err)
{
	return param_set_add(ps, name, PARAM_I64, 1, n, 1, data, err);
}

int param_set_add_scalar_f64(struct param_set *ps, const char *name, double v, char *err)
{
	return param_set_add_f64(ps, name, 1, &v, err);
}

int param_set_add_scalar_i64(struct param_set *ps, const char *name, int64_t v, char *err)
{
	return param_set_add_i64(ps, name, 1, &v, err);
}

int param_set_get(const struct param_set *ps, const char *name, enum param_type type,
		  int rank, size_t *rows, size_t *cols, const void **data, char *err)
{
	const struct param_entry *e = param_set_find(ps, name);

	if (!e)
		return err_set(err, "parameter '%s' is missing", name);
	if (e->type != type)
		return err_set(err, "parameter '%s' holds %s values, expected %s", name,
			       e->type == PARAM_F64 ? "float64" : "int64",
			       type == PARAM_F64 ? "float64" : "int64");
	if (e->rank != rank)
		return err_set(err, "parameter '%s' has rank %d, expected %d", name,
			       e->rank, rank);
	if (rows)
		*rows = e->shape[0];
	if (cols)
		*cols = e->shape[1];
	*data = e->data;
	return 0;
}

static int get_scalar(const struct param_set *ps, const char *name, enum param_type type,
		      const void **data, char *err)
{
	size_t rows;

	if (param_set_get(ps, name, type, 1, &rows, NULL, data, err) < 0)
		return -1;
	if (rows != 1)
		return err_set(err, "parameter '%s' has %zu values, expected 1", name, rows);
	return 0;
}

int param_set_get_scalar_f64(const struct param_set *ps, const char *name, double *v,
			     char *err)
{
	const void *p;

	if (get_scalar(ps, name, PARAM_F64, &p, err) < 0)
		return -1;
	*v = *(const double *)p;
	return 0;
}

int param_set_get_scalar_i64(const struct param_set *ps, const char *name, int64_t *v,
			     char *err)
{
	const void *p;

	if (get_scalar(ps, name, PARAM_I64, &p, err) < 0)
		return -1;
	*v = *(const int64_t *)p;
	return 0;
}
