/* table.h - small result tables, written as Markdown, CSV and LaTeX.
 *
 * A table is a caption, column headers and rows of cells. A cell has a
 * display text (Markdown, LaTeX) and optionally a plain text for CSV, so that
 * "+2.40%" or "MEDN-XM" in the paper's tables reads 2.40 and medn-xm in the
 * CSV that scripts and gnuplot read. Columns likewise have a display header
 * and optionally a CSV name.
 *
 *   Markdown: the caption as a paragraph, then a pipe table, columns padded
 *             ('|' escaped as "\|")
 *   CSV:      a header row, then the rows; no caption; RFC 4180 quoting
 *   LaTeX:    a tabular inside a table float with \caption; _ % & # $ { } ~ ^ \
 *             < > | are escaped, "²" becomes $^2$ and "†" \textdagger{}
 *
 * Every rendering is deterministic: the same table gives the same bytes.
 * Output files are collected in a struct table_out and written together:
 * each to a temporary name, then all renamed into place, so an error leaves
 * none of them behind.
 *
 * Captions also say where the numbers come from: struct table_source gathers
 * the experiment, the device (host CPU, backend and version, threads) and the
 * measurement dates from the datasets' attributes, never from the clock, so
 * rerunning gives the same bytes; and how contended each dataset's
 * measurement was (measurement protocol 2): the shares of samples that waited
 * for quiet, were re-measured, or stayed flagged as contended. A module whose
 * dataset has more than TABLE_FLAG_SHARE of its samples flagged is marked
 * TABLE_FLAG_MARK wherever a table names it, and the caption names it.
 */
#ifndef MODLAT_TABLE_H
#define MODLAT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct table_cell {
	char *text;  /* display text; NULL: empty */
	char *plain; /* CSV text; NULL: text */
};

struct table {
	char *caption;
	size_t ncols, nrows, cap;
	char **header;            /* ncols display headers */
	char **csv_header;        /* ncols CSV column names */
	char *align;              /* ncols chars, 'l' or 'r'; "lrr...r" by default */
	struct table_cell *cells; /* (nrows, ncols), row-major */
};

enum table_format { TABLE_MD, TABLE_CSV, TABLE_TEX };

/* Starts an empty table of ncols columns. csv_header may be NULL (then the
 * display headers are the CSV names). Free with table_release. */
int table_init(struct table *t, const char *caption, size_t ncols, const char *const *header,
	       const char *const *csv_header, char *err);
void table_release(struct table *t);

/* Appends an empty row; returns its index, or -1 (out of memory). */
long table_add_row(struct table *t, char *err);
/* Sets a cell; plain may be NULL (CSV shows text). Replaces what was there. */
int table_set(struct table *t, size_t row, size_t col, const char *text, const char *plain,
	      char *err);
/* A number as table_format_num writes it; non-finite: "n/a", and an
 * empty CSV cell. */
int table_set_num(struct table *t, size_t row, size_t col, double v, int decimals, char *err);
/* A percentage: "+2.40%" displayed, "2.40" in CSV (decimals as above). */
int table_set_pct(struct table *t, size_t row, size_t col, double pct, int decimals, char *err);

/* Renders t; returns a malloc'd string (caller frees) or NULL. */
char *table_render(const struct table *t, enum table_format f, char *err);

/* "%.*f" of v into buf, with "-0.00" normalised to "0.00"; "%.3e" from
 * TABLE_BIG on (a degenerate R² of -1e24); "n/a" when not finite. */
#define TABLE_BIG 1e9
void table_format_num(char *buf, size_t len, double v, int decimals);

/* Files to be written together. */
struct table_out {
	size_t n;
	char **paths;
	char **texts;
};

/* Adds a file holding a copy of text. */
int table_out_add(struct table_out *o, const char *path, const char *text, char *err);
/* Adds PREFIX.md and PREFIX.tex rendered from t and PREFIX.csv rendered from
 * csv (t when csv is NULL: a long-format CSV can go with a wide display). */
int table_out_add_table(struct table_out *o, const char *prefix, const struct table *t,
			const struct table *csv, char *err);
/* Writes every file to PATH.tmp.PID (fsync'ed), then renames each into place;
 * on error removes the temporary files. */
int table_out_commit(struct table_out *o, char *err);
void table_out_release(struct table_out *o);

/* How contended one dataset's measurement was. */
struct table_contention {
	char module[32], environment[16];
	int recorded;                       /* 0: contention not recorded */
	double waited, remeasured, flagged; /* shares of the samples, [0, 1] */
};

#define TABLE_SOURCE_MAX 32     /* datasets whose contention a caption lists */
#define TABLE_FLAG_SHARE 0.01   /* flagged above this share of samples */
#define TABLE_FLAG_MARK "†"

/* Where the numbers come from, gathered over the datasets behind a table. */
struct table_source {
	char experiment[128];
	char host_cpu[256];
	char backend[64];
	char backend_version[64];
	int64_t threads_min, threads_max; /* 0: not recorded (imported data) */
	char date_min[11], date_max[11];  /* YYYY-MM-DD of the datasets' `created` */
	int mixed_cpu, mixed_backend;     /* datasets disagree */
	size_t n;                         /* datasets added */
	size_t ncont;                     /* entries of cont (the first TABLE_SOURCE_MAX) */
	struct table_contention cont[TABLE_SOURCE_MAX];
};

void table_source_init(struct table_source *s, const char *experiment);
/* Reads the attributes host_cpu, backend, backend_version, threads and
 * created of a dataset file (format modlat-dataset) and adds them; and its
 * module, environment and contention: the attributes share_waited,
 * share_remeasured and share_flagged (each in [0, 1]) where bench wrote them,
 * else the shares of the bits of /sample_flags where that exists, else
 * "not recorded". */
int table_source_add(struct table_source *s, const char *dataset_path, char *err);
/* Adds one dataset's contention directly (what table_source_add reads). */
void table_source_add_contention(struct table_source *s, const struct table_contention *c);
/* 1 when the dataset of (environment, module) has more than TABLE_FLAG_SHARE
 * of its samples flagged; environment NULL: any environment. */
int table_source_flagged(const struct table_source *s, const char *environment,
			 const char *module);
/* module, followed by TABLE_FLAG_MARK when table_source_flagged. */
void table_source_label(const struct table_source *s, const char *environment,
			const char *module, char *buf, size_t len);
/* The caption's contention sentence: "Contention (% of samples waited for
 * quiet / re-measured / flagged as contended): conv 0.0/0.4/0.0, bn
 * 1.2/0.0/2.5†. † more than 1% of samples flagged: bn." (per environment
 * where the datasets span two), "Contention not recorded." when no dataset
 * recorded it, and the ones that did not named otherwise. Modules in the
 * paper's order. */
void table_source_contention(const struct table_source *s, char *buf, size_t len);
/* "experiment smoke; device AMD EPYC, onednn 2.6.3, 2 threads; measured
 * 2026-11-27" (a date range, or "mixed", where the datasets differ). */
void table_source_format(const struct table_source *s, char *buf, size_t len);

/* Reads a small CSV (lines starting with '#' and blank lines skipped; the
 * first other line is the header) into t: headers are the column names,
 * cells hold the text (plain NULL). Fails naming the file and line on a row
 * of another width. */
int table_read_csv(struct table *t, const char *path, char *err);
/* Index of the column named name, or -1. */
int table_column(const struct table *t, const char *name);

#endif
