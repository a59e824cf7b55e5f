#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* A growable array of field pointers. */
struct fields {
	char **p;
	size_t n, cap;
};

static int fields_push(struct fields *f, char *s, char *err)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 256;
		char **p = realloc(f->p, cap * sizeof(*p));

		if (!p)
			return err_set(err, "out of memory reading a CSV file");
		f->p = p;
		f->cap = cap;
	}
	f->p[f->n++] = s;
	return 0;
}

static int is_blank(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* The position after the line end (LF, CRLF or CR) at pos, if there is one. */
static size_t skip_eol(const unsigned char *in, size_t len, size_t pos)
{
	if (pos < len && in[pos] == '\r') {
		pos++;
		if (pos < len && in[pos] == '\n')
			pos++;
	} else if (pos < len && in[pos] == '\n') {
		pos++;
	}
	return pos;
}

/* A printable rendering of the byte ch for a message. */
static const char *show_char(int ch, char *buf, size_t len)
{
	if (ch >= 0x20 && ch < 0x7f)
		snprintf(buf, len, "'%c'", ch);
	else
		snprintf(buf, len, "byte 0x%02x", ch & 0xff);
	return buf;
}

/*
 * One pass over the input. Field contents are copied, unquoted, into out
 * (each followed by a NUL): a field's content is never longer than the bytes
 * it was read from, and every field but the last one of the file gives up at
 * least one separator for its NUL, so out needs len + 1 bytes.
 */
int csv_parse(struct csv *c, const char *text, size_t len, const char *name, char *err)
{
	const unsigned char *in = (const unsigned char *)text;
	struct fields f = { 0 };
	size_t pos = 0, rowno = 0, nrec = 0, *rows = NULL, rows_cap = 0;
	char *out, *o, cb[16];

	memset(c, 0, sizeof(*c));
	out = xmalloc(len + 1, err);
	if (!out)
		return -1;
	o = out;
	if (len >= 3 && in[0] == 0xef && in[1] == 0xbb && in[2] == 0xbf)
		pos = 3;
	while (pos < len) {
		size_t q = pos, nf = 0, col;

		rowno++;
		while (q < len && is_blank(in[q]))
			q++;
		if (q == len || in[q] == '\n' || in[q] == '\r') { /* a blank line */
			pos = skip_eol(in, len, q);
			continue;
		}
		for (;;) { /* one field per turn */
			char *start = o;

			col = nf + 1;
			q = pos;
			while (q < len && is_blank(in[q]))
				q++;
			if (q < len && in[q] == '"') {
				pos = q + 1;
				for (;;) {
					if (pos == len) {
						err_set(err,
							"%s: row %zu, column %zu: a quoted field is "
							"not closed (no '\"' before the end of the file)",
							name, rowno, col);
						goto fail;
					}
					if (in[pos] == '"') {
						if (pos + 1 < len && in[pos + 1] == '"') {
							*o++ = '"';
							pos += 2;
							continue;
						}
						pos++;
						break;
					}
					if (in[pos] == 0) {
						err_set(err, "%s: row %zu, column %zu: a NUL byte", name,
							rowno, col);
						goto fail;
					}
					*o++ = (char)in[pos++];
				}
				while (pos < len && is_blank(in[pos]))
					pos++;
				if (pos < len && in[pos] != ',' && in[pos] != '\n' && in[pos] != '\r') {
					err_set(err,
						"%s: row %zu, column %zu: %s after a closing quote, "
						"expected ',' or the end of the row (write a quote "
						"inside a quoted field as \"\")",
						name, rowno, col, show_char(in[pos], cb, sizeof(cb)));
					goto fail;
				}
			} else {
				while (pos < len && in[pos] != ',' && in[pos] != '\n' &&
				       in[pos] != '\r') {
					if (in[pos] == 0) {
						err_set(err, "%s: row %zu, column %zu: a NUL byte", name,
							rowno, col);
						goto fail;
					}
					*o++ = (char)in[pos++];
				}
			}
			*o++ = 0;
			nf++;
			if (fields_push(&f, start, err) < 0)
				goto fail;
			if (pos < len && in[pos] == ',') {
				pos++;
				continue;
			}
			pos = skip_eol(in, len, pos);
			break;
		}
		if (nrec == 0) {
			c->ncols = nf;
		} else if (nf != c->ncols) {
			err_set(err, "%s: row %zu has %zu field%s, expected %zu as in the header",
				name, rowno, nf, nf == 1 ? "" : "s", c->ncols);
			goto fail;
		} else {
			if (nrec - 1 == rows_cap) {
				size_t cap = rows_cap ? 2 * rows_cap : 256;
				size_t *r = realloc(rows, cap * sizeof(*r));

				if (!r) {
					err_set(err, "out of memory reading %s", name);
					goto fail;
				}
				rows = r;
				rows_cap = cap;
			}
			rows[nrec - 1] = rowno;
		}
		nrec++;
	}
	if (nrec == 0) {
		err_set(err, "%s: no header row (the file is empty)", name);
		goto fail;
	}
	c->nrows = nrec - 1;
	c->text_ = out;
	c->fields_ = f.p;
	c->header = f.p;
	c->cells = f.p + c->ncols;
	c->row = rows ? rows : xcalloc(1, sizeof(*rows), err);
	if (!c->row) {
		csv_release(c);
		return -1;
	}
	return 0;
fail:
	free(out);
	free(f.p);
	free(rows);
	memset(c, 0, sizeof(*c));
	return -1;
}

int csv_read(struct csv *c, const char *path, char *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!fp)
		return err_set(err, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (len == cap) {
			size_t ncap = cap ? 2 * cap : 65536;
			char *p = realloc(buf, ncap);

			if (!p) {
				free(buf);
				fclose(fp);
				return err_set(err, "%s: out of memory reading the file", path);
			}
			buf = p;
			cap = ncap;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		rc = err_set(err, "%s: read error (%s)", path, strerror(errno));
		free(buf);
		fclose(fp);
		return rc;
	}
	fclose(fp);
	rc = csv_parse(c, buf, len, path, err);
	free(buf);
	return rc;
}

void csv_release(struct csv *c)
{
	free(c->text_);
	free(c->fields_);
	free(c->row);
	memset(c, 0, sizeof(*c));
}

int csv_column(const struct csv *c, const char *name)
{
	size_t j, len = strlen(name);

	for (j = 0; j < c->ncols; j++) {
		const char *h = c->header[j];
		size_t hl;

		while (is_blank((unsigned char)*h))
			h++;
		hl = strlen(h);
		while (hl > 0 && is_blank((unsigned char)h[hl - 1]))
			hl--;
		if (hl == len && !memcmp(h, name, len))
			return (int)j;
	}
	return -1;
}
