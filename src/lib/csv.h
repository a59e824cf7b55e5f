/* csv.h - a small, strict CSV reader (RFC 4180 with the usual quirks).
 *
 * What it accepts:
 *   - a header row, then data rows; every row must have the header's number
 *     of fields
 *   - fields separated by ','; a field in double quotes may hold commas, line
 *     breaks and doubled quotes ("" is one "); spaces or tabs around a quoted
 *     field are dropped, those of an unquoted field are kept
 *   - LF, CRLF or lone CR line ends; no line end needed after the last row
 *   - blank lines (nothing but spaces or tabs) anywhere: skipped
 *   - a UTF-8 byte-order mark at the start: skipped
 * What it rejects, naming the row and column: a quoted field that is never
 * closed, text after a closing quote, a NUL byte, a row with the wrong number
 * of fields, a file without a header.
 *
 * Rows are numbered as a spreadsheet shows them: the header is row 1, a
 * blank line counts as a row, and a row whose quoted field spans several
 * lines counts once. Columns are numbered from 1.
 */
#ifndef MODLAT_CSV_H
#define MODLAT_CSV_H

#include <stddef.h>

struct csv {
	size_t ncols;   /* fields per row (the header's count) */
	size_t nrows;   /* data rows, header not counted */
	char **header;  /* ncols column names, as written (not trimmed) */
	char **cells;   /* (nrows, ncols) row-major, NUL-terminated, unquoted */
	size_t *row;    /* nrows: each data row's spreadsheet row number */
	/* private: the storage the pointers above point into */
	char *text_;
	char **fields_;
};

/* Parses len bytes of text; name (a path) prefixes every error message.
 * On success fills c (release with csv_release); on failure returns -1, fills
 * err and leaves c empty (csv_release is still safe). */
int csv_parse(struct csv *c, const char *text, size_t len, const char *name, char *err);
/* Reads and parses the file at path. */
int csv_read(struct csv *c, const char *path, char *err);
void csv_release(struct csv *c);

/* The index of the first column whose name, with surrounding spaces and tabs
 * dropped, is name; -1 if there is none. */
int csv_column(const struct csv *c, const char *name);
/* The cell of data row i (0-based) and column j. */
static inline const char *csv_cell(const struct csv *c, size_t i, size_t j)
{
	return c->cells[i * c->ncols + j];
}

#endif
