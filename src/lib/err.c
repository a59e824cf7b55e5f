#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int err_set(char *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(char *err, const char *prefix)
{
	char tmp[ERR_LEN];

	if (!err)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s: %s", prefix, err);
	memcpy(err, tmp, ERR_LEN);
	return -1;
}

void *xcalloc(size_t n, size_t size, char *err)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		err_set(err, "out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *xmalloc(size_t size, char *err)
{
	return xcalloc(1, size, err);
}

char *xstrdup(const char *s, char *err)
{
	char *p = strdup(s);

	if (!p)
		err_set(err, "out of memory copying a string");
	return p;
}
