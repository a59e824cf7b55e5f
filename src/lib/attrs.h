/* attrs.h - the scalar attributes of a modlat file, in memory and on disk. */
#ifndef MODLAT_ATTRS_H
#define MODLAT_ATTRS_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/* A list of scalar attributes (strings, integers, reals), kept in the order
 * they were set; setting an existing name replaces its value. */
struct attr {
	char *name;
	char *str;   /* non-NULL for a string */
	int is_int;  /* stored as int64 */
	double num;
};

struct attrs {
	struct attr *a;
	size_t n;
};

int attrs_set_str(struct attrs *s, const char *name, const char *value, char *err);
int attrs_set_int(struct attrs *s, const char *name, int64_t value, char *err);
int attrs_set_num(struct attrs *s, const char *name, double value, char *err);
const struct attr *attrs_get(const struct attrs *s, const char *name);
/* The string value of name, or NULL when absent or not a string. */
const char *attrs_str(const struct attrs *s, const char *name);
void attrs_release(struct attrs *s);

/* Writes every attribute on loc (format and format_version are skipped:
 * h5_create owns them). */
int attrs_write(hid_t loc, const struct attrs *s, char *err);
/* Adds every string, integer and real attribute of loc to s. */
int attrs_read(hid_t loc, struct attrs *s, char *err);

#endif
