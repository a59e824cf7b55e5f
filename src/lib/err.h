/* err.h - the library's error convention.
 *
 * Library functions never print or exit: they return 0 on success and a
 * negative status on failure, after writing a one-line, lowercase message
 * without a full stop into the caller's buffer `err` (ERR_LEN bytes), e.g.
 *   data/paper/static/conv.h5: attribute 'format' is 'foo', expected 'modlat-dataset'
 * The command prints it as "NAME: MESSAGE" and exits non-zero.
 */
#ifndef MODLAT_ERR_H
#define MODLAT_ERR_H

#include <stddef.h>

#define ERR_LEN 1024

/* Formats the message into err (may be NULL) and returns -1. */
int err_set(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefixes the message already in err with "PREFIX: " (for adding a path). */
int err_prefix(char *err, const char *prefix);

/* Checked allocation: returns NULL and fills err on failure (also for n == 0
 * it returns a valid, freeable pointer). */
void *xcalloc(size_t n, size_t size, char *err);
void *xmalloc(size_t size, char *err);
char *xstrdup(const char *s, char *err);

#endif
