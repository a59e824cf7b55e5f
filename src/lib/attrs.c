#include "attrs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "h5io.h"

static struct attr *attr_slot(struct attrs *s, const char *name, char *err)
{
	struct attr *a;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->a[i].name, name)) {
			free(s->a[i].str);
			s->a[i].str = NULL;
			return &s->a[i];
		}
	a = realloc(s->a, (s->n + 1) * sizeof(*a));
	if (!a) {
		err_set(err, "out of memory");
		return NULL;
	}
	s->a = a;
	a = &s->a[s->n];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name, err);
	if (!a->name)
		return NULL;
	s->n++;
	return a;
}

int attrs_set_str(struct attrs *s, const char *name, const char *value, char *err)
{
	struct attr *a = attr_slot(s, name, err);

	if (!a)
		return -1;
	a->is_int = 0;
	a->str = xstrdup(value, err);
	return a->str ? 0 : -1;
}

int attrs_set_int(struct attrs *s, const char *name, int64_t value, char *err)
{
	struct attr *a = attr_slot(s, name, err);

	if (!a)
		return -1;
	a->is_int = 1;
	a->num = (double)value;
	return 0;
}

int attrs_set_num(struct attrs *s, const char *name, double value, char *err)
{
	struct attr *a = attr_slot(s, name, err);

	if (!a)
		return -1;
	a->is_int = 0;
	a->num = value;
	return 0;
}

const struct attr *attrs_get(const struct attrs *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->a[i].name, name))
			return &s->a[i];
	return NULL;
}

const char *attrs_str(const struct attrs *s, const char *name)
{
	const struct attr *a = attrs_get(s, name);

	return a ? a->str : NULL;
}

void attrs_release(struct attrs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->a[i].name);
		free(s->a[i].str);
	}
	free(s->a);
	s->a = NULL;
	s->n = 0;
}

int attrs_write(hid_t f, const struct attrs *s, char *err)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct attr *a = &s->a[i];
		int rc;

		/* format and format_version are the file's own, set at creation */
		if (!strcmp(a->name, "format") || !strcmp(a->name, "format_version"))
			continue;
		if (a->str)
			rc = h5_attr_write_str(f, a->name, a->str, err);
		else if (a->is_int)
			rc = h5_attr_write_i64(f, a->name, (int64_t)a->num, err);
		else
			rc = h5_attr_write_f64(f, a->name, a->num, err);
		if (rc < 0)
			return -1;
	}
	return 0;
}

struct iter_ctx {
	struct attrs *s;
	char *err;
	int failed;
};

static herr_t read_one_attr(hid_t loc, const char *name, const H5A_info_t *info, void *user)
{
	struct iter_ctx *ctx = user;
	hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t;
	H5T_class_t cls;
	int rc = 0;

	if (a < 0)
		return 0;
	t = H5Aget_type(a);
	cls = H5Tget_class(t);
	H5Tclose(t);
	H5Aclose(a);
	if (cls == H5T_STRING) {
		char *v;

		rc = h5_attr_read_str(loc, name, &v, ctx->err);
		if (rc == 0) {
			rc = attrs_set_str(ctx->s, name, v, ctx->err);
			free(v);
		}
	} else if (cls == H5T_INTEGER) {
		int64_t v;

		rc = h5_attr_read_i64(loc, name, &v, ctx->err);
		if (rc == 0)
			rc = attrs_set_int(ctx->s, name, v, ctx->err);
	} else if (cls == H5T_FLOAT) {
		double v;

		rc = h5_attr_read_f64(loc, name, &v, ctx->err);
		if (rc == 0)
			rc = attrs_set_num(ctx->s, name, v, ctx->err);
	}
	if (rc < 0) {
		ctx->failed = 1;
		return -1;
	}
	return 0;
}

int attrs_read(hid_t loc, struct attrs *s, char *err)
{
	struct iter_ctx ctx = { s, err, 0 };

	if (H5Aiterate2(loc, H5_INDEX_NAME, H5_ITER_INC, NULL, read_one_attr, &ctx) < 0 ||
	    ctx.failed)
	{
		char path[1024];

		if (ctx.failed)
			return -1;
		if (H5Fget_name(loc, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "(hdf5 file)");
		return err_set(err, "%s: cannot read the attributes (damaged file?)", path);
	}
	return 0;
}
