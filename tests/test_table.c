/* test_table.c - the table writer against text written out by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "err.h"
#include "h5io.h"
#include "table.h"
#include "unit.h"

/* A 2 x 2 table whose cells need escaping in every format:
 *   Name           | R²
 *   a_b            | 0.50    (0.5, 2 decimals)
 *   p|q, "r" & #1  | +2.5%   (2.5 %, 1 decimal; CSV 2.5) */
static int make_2x2(struct table *t, char *err)
{
	static const char *const head[] = { "Name", "R²" };
	static const char *const csv[] = { "name", "r2" };

	if (table_init(t, "Caption with 5% & under_score", 2, head, csv, err) < 0 ||
	    table_add_row(t, err) != 0 || table_add_row(t, err) != 1 ||
	    table_set(t, 0, 0, "a_b", NULL, err) < 0 || table_set_num(t, 0, 1, 0.5, 2, err) < 0 ||
	    table_set(t, 1, 0, "p|q, \"r\" & #1", NULL, err) < 0 ||
	    table_set_pct(t, 1, 1, 2.5, 1, err) < 0)
		return -1;
	return 0;
}

/* Column widths: col 0 is the widest cell, p\|q, "r" & #1 = 14 characters
 * with the escaping backslash; col 1 is "+2.5%" = 5 ("R²" counts 2). */
static const char expect_md[] =
	"Caption with 5% & under_score\n"
	"\n"
	"| Name           | R²    |\n"
	"|:---------------|------:|\n"
	"| a_b            |  0.50 |\n"
	"| p\\|q, \"r\" & #1 | +2.5% |\n";

static const char expect_csv[] =
	"name,r2\n"
	"a_b,0.50\n"
	"\"p|q, \"\"r\"\" & #1\",2.5\n";

static const char expect_tex[] =
	"\\begin{table}[htbp]\n"
	"\\centering\n"
	"\\caption{Caption with 5\\% \\& under\\_score}\n"
	"\\begin{tabular}{lr}\n"
	"\\hline\n"
	"Name & R$^2$ \\\\\n"
	"\\hline\n"
	"a\\_b & 0.50 \\\\\n"
	"p\\textbar{}q, \"r\" \\& \\#1 & +2.5\\% \\\\\n"
	"\\hline\n"
	"\\end{tabular}\n"
	"\\end{table}\n";

static void test_render(void)
{
	char err[ERR_LEN] = "", *md, *csv, *tex;
	struct table t;

	CU_ASSERT_EQUAL_FATAL(make_2x2(&t, err), 0);
	md = table_render(&t, TABLE_MD, err);
	csv = table_render(&t, TABLE_CSV, err);
	tex = table_render(&t, TABLE_TEX, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(md);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tex);
	CU_ASSERT_STRING_EQUAL(md, expect_md);
	CU_ASSERT_STRING_EQUAL(csv, expect_csv);
	CU_ASSERT_STRING_EQUAL(tex, expect_tex);
	free(md);
	free(csv);
	free(tex);
	table_release(&t);
}

static void test_numbers(void)
{
	char buf[64];

	table_format_num(buf, sizeof(buf), 0.123456, 4);
	CU_ASSERT_STRING_EQUAL(buf, "0.1235");
	table_format_num(buf, sizeof(buf), -0.00001, 4); /* no "-0.0000" */
	CU_ASSERT_STRING_EQUAL(buf, "0.0000");
	table_format_num(buf, sizeof(buf), -1.5, 1);
	CU_ASSERT_STRING_EQUAL(buf, "-1.5");
	table_format_num(buf, sizeof(buf), NAN, 4);
	CU_ASSERT_STRING_EQUAL(buf, "n/a");
	table_format_num(buf, sizeof(buf), -1.9736e24, 4);
	CU_ASSERT_STRING_EQUAL(buf, "-1.974e+24");
}

/* Non-finite numbers: "n/a" shown, an empty CSV cell; a negative percentage
 * keeps its own sign. */
static void test_missing_and_negative(void)
{
	static const char *const head[] = { "A", "B" };
	char err[ERR_LEN] = "", *csv, *md;
	struct table t;

	CU_ASSERT_EQUAL_FATAL(table_init(&t, "", 2, head, NULL, err), 0);
	CU_ASSERT_EQUAL_FATAL(table_add_row(&t, err), 0);
	CU_ASSERT_EQUAL(table_set_num(&t, 0, 0, NAN, 3, err), 0);
	CU_ASSERT_EQUAL(table_set_pct(&t, 0, 1, -12.34, 1, err), 0);
	CU_ASSERT_EQUAL(table_set(&t, 3, 0, "x", NULL, err), -1); /* outside */
	csv = table_render(&t, TABLE_CSV, err);
	md = table_render(&t, TABLE_MD, err);
	CU_ASSERT_STRING_EQUAL(csv, "A,B\n,-12.3\n");
	CU_ASSERT_STRING_EQUAL(md, "| A   | B      |\n"
				   "|:----|-------:|\n"
				   "| n/a | -12.3% |\n");
	free(csv);
	free(md);
	table_release(&t);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* All three files land, with the rendered bytes; into a missing folder
 * nothing lands and no temporary file is left. */
static void test_files(void)
{
	char err[ERR_LEN] = "", prefix[4096], path[4200], *text;
	struct table_out o = { 0 };
	struct table t;

	CU_ASSERT_EQUAL_FATAL(make_2x2(&t, err), 0);
	snprintf(prefix, sizeof(prefix), "%s/tab", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(table_out_add_table(&o, prefix, &t, NULL, err), 0);
	CU_ASSERT_EQUAL(o.n, 3);
	CU_ASSERT_EQUAL_FATAL(table_out_commit(&o, err), 0);
	snprintf(path, sizeof(path), "%s.md", prefix);
	text = slurp(path);
	CU_ASSERT_STRING_EQUAL(text ? text : "", expect_md);
	free(text);
	snprintf(path, sizeof(path), "%s.csv", prefix);
	text = slurp(path);
	CU_ASSERT_STRING_EQUAL(text ? text : "", expect_csv);
	free(text);
	snprintf(path, sizeof(path), "%s.tex", prefix);
	text = slurp(path);
	CU_ASSERT_STRING_EQUAL(text ? text : "", expect_tex);
	free(text);
	table_out_release(&o);

	/* the first file can be written, the second cannot */
	snprintf(path, sizeof(path), "%s/one.txt", unit_tmpdir());
	CU_ASSERT_EQUAL(table_out_add(&o, path, "one\n", err), 0);
	snprintf(path, sizeof(path), "%s/no-such-folder/two.txt", unit_tmpdir());
	CU_ASSERT_EQUAL(table_out_add(&o, path, "two\n", err), 0);
	CU_ASSERT_EQUAL(table_out_commit(&o, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no-such-folder/two.txt.tmp."));
	snprintf(path, sizeof(path), "%s/one.txt", unit_tmpdir());
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/one.txt.tmp.%ld", unit_tmpdir(), (long)getpid());
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	table_out_release(&o);
	table_release(&t);
}

static void test_read_csv(void)
{
	char err[ERR_LEN] = "", path[4096];
	struct table t;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ref.csv", unit_tmpdir());
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("# a comment\nrm,module,acc\n\nmedn,conv,0.6695\n\"l,r\",\"a \"\"b\"\"\",1\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(table_read_csv(&t, path, err), 0);
	CU_ASSERT_EQUAL(t.ncols, 3);
	CU_ASSERT_EQUAL(t.nrows, 2);
	CU_ASSERT_EQUAL(table_column(&t, "acc"), 2);
	CU_ASSERT_EQUAL(table_column(&t, "r2"), -1);
	CU_ASSERT_STRING_EQUAL(t.cells[2].text, "0.6695");
	CU_ASSERT_STRING_EQUAL(t.cells[3].text, "l,r");
	CU_ASSERT_STRING_EQUAL(t.cells[4].text, "a \"b\"");
	table_release(&t);

	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("a,b\n1,2\n3\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(table_read_csv(&t, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ref.csv:3: 1 fields, expected 2"));
}

/* A file with just the attributes table_source_add reads. */
static int fake_dataset(const char *path, const char *cpu, int64_t threads, const char *created,
			char *err)
{
	struct h5_out out;

	if (h5_create(&out, path, DATASET_FORMAT, DATASET_VERSION, err) < 0)
		return -1;
	if (h5_attr_write_str(out.file, "host_cpu", cpu, err) < 0 ||
	    h5_attr_write_str(out.file, "backend", "onednn", err) < 0 ||
	    h5_attr_write_str(out.file, "backend_version", "2.6.3", err) < 0 ||
	    h5_attr_write_i64(out.file, "threads", threads, err) < 0 ||
	    h5_attr_write_str(out.file, "created", created, err) < 0) {
		h5_abort(&out);
		return -1;
	}
	return h5_commit(&out, err);
}

static void test_source(void)
{
	char err[ERR_LEN] = "", a[4096], b[4096], c[4096], buf[1024];
	struct table_source s;

	h5_quiet();
	snprintf(a, sizeof(a), "%s/a.h5", unit_tmpdir());
	snprintf(b, sizeof(b), "%s/b.h5", unit_tmpdir());
	snprintf(c, sizeof(c), "%s/c.h5", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(fake_dataset(a, "AMD EPYC", 2, "2026-11-27T16:35:22Z", err), 0);
	CU_ASSERT_EQUAL_FATAL(fake_dataset(b, "AMD EPYC", 2, "2026-11-26T23:59:59Z", err), 0);
	CU_ASSERT_EQUAL_FATAL(fake_dataset(c, "AMD EPYC", 4, "yesterday", err), 0);

	table_source_init(&s, "paper");
	CU_ASSERT_EQUAL(table_source_add(&s, a, err), 0);
	table_source_format(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "experiment paper; device AMD EPYC, onednn 2.6.3, 2 threads; "
				    "measured 2026-11-27");
	CU_ASSERT_EQUAL(table_source_add(&s, b, err), 0);
	table_source_format(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "experiment paper; device AMD EPYC, onednn 2.6.3, 2 threads; "
				    "measured 2026-11-26 to 2026-11-27");
	CU_ASSERT_EQUAL(table_source_add(&s, c, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "attribute 'created' is 'yesterday'"));
}

/* A real dataset file of n rows for module/env, with the attributes
 * table_source_add reads; protocol 2 when flags is non-NULL: sample_flags
 * set from the counts of flags[0..2] (waited, re-measured, contended) on
 * distinct rows; with shares non-NULL also the share_* attributes. */
static int protocol_dataset(const char *path, const char *module, const char *env, size_t n,
			    const size_t *flags, const double *shares, char *err)
{
	static const unsigned bit[3] = { DATASET_WAITED, DATASET_REMEASURED, DATASET_CONTENDED };
	static const char *const share_name[3] = { "share_waited", "share_remeasured",
						   "share_flagged" };
	struct dataset ds;
	size_t i, k, row = 0;
	int rc = -1;

	if (dataset_init(&ds, n, 1, 1, err) < 0)
		return -1;
	if (dataset_set_feature(&ds, 0, "batch", "sampling", err) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		ds.features[i] = (double)(i + 1);
		ds.latency_ms[i] = ds.runs_ms[i] = 1.0;
		ds.split[i] = (uint8_t)(i % 3);
	}
	if (attrs_set_str(&ds.attrs, "module", module, err) < 0 ||
	    attrs_set_str(&ds.attrs, "environment", env, err) < 0 ||
	    attrs_set_str(&ds.attrs, "host_cpu", "AMD EPYC", err) < 0 ||
	    attrs_set_str(&ds.attrs, "backend", "onednn", err) < 0 ||
	    attrs_set_str(&ds.attrs, "backend_version", "2.6.3", err) < 0 ||
	    attrs_set_int(&ds.attrs, "threads", 2, err) < 0 ||
	    attrs_set_str(&ds.attrs, "created", "2026-12-04T10:00:00Z", err) < 0)
		goto out;
	if (flags) {
		if (dataset_init_protocol(&ds, !strcmp(env, "dynamic"), 0, err) < 0)
			goto out;
		for (k = 0; k < 3; k++)
			for (i = 0; i < flags[k]; i++)
				ds.flags[row++ % n] |= (uint8_t)bit[k];
		for (i = 0; i < n; i++)
			ds.loops[i] = 1;
		if (attrs_set_int(&ds.attrs, "protocol", 2, err) < 0)
			goto out;
	}
	for (k = 0; shares && k < 3; k++)
		if (attrs_set_num(&ds.attrs, share_name[k], shares[k], err) < 0)
			goto out;
	rc = dataset_write(&ds, path, DATASET_FORMAT, DATASET_VERSION, err);
out:
	dataset_release(&ds);
	return rc;
}

/* Shares from the attributes (conv), from sample_flags (bn: 3, 2 and 3 of
 * 200 rows = 1.5%, 1.0%, 1.5%), not recorded (avgpool); exactly 1% flagged
 * (bn-relu: 2 of 200) is not "more than 1%". Modules listed in the paper's
 * order whatever order they came in. */
static void test_contention(void)
{
	static const size_t bn_flags[3] = { 3, 2, 3 }, edge_flags[3] = { 0, 0, 2 };
	static const double conv_shares[3] = { 0.25, 0.05, 0.02 };
	char err[ERR_LEN] = "", path[4][4096], buf[2048], label[64];
	static const char *const name[4] = { "avgpool", "bn", "conv", "bn-relu" };
	struct table_source s;
	struct table t;
	char *tex;
	int k;

	h5_quiet();
	for (k = 0; k < 4; k++)
		snprintf(path[k], sizeof(path[k]), "%s/cont.%s.h5", unit_tmpdir(), name[k]);
	CU_ASSERT_EQUAL_FATAL(protocol_dataset(path[0], "avgpool", "static", 10, NULL, NULL, err),
			      0);
	CU_ASSERT_EQUAL_FATAL(protocol_dataset(path[1], "bn", "static", 200, bn_flags, NULL, err),
			      0);
	CU_ASSERT_EQUAL_FATAL(protocol_dataset(path[2], "conv", "static", 10,
					       (const size_t[3]){ 0, 0, 0 }, conv_shares, err),
			      0);
	CU_ASSERT_EQUAL_FATAL(
		protocol_dataset(path[3], "bn-relu", "static", 200, edge_flags, NULL, err), 0);

	/* nothing recorded yet */
	table_source_init(&s, "paper");
	CU_ASSERT_EQUAL_FATAL(table_source_add(&s, path[0], err), 0);
	table_source_contention(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "Contention not recorded.");
	CU_ASSERT_EQUAL(table_source_flagged(&s, "static", "avgpool"), 0);

	for (k = 1; k < 4; k++)
		CU_ASSERT_EQUAL_FATAL(table_source_add(&s, path[k], err), 0);
	table_source_contention(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
			       "Contention (% of samples waited for quiet / re-measured / flagged "
			       "as contended): conv 25.0/5.0/2.0†, bn 1.5/1.0/1.5†, bn-relu "
			       "0.0/0.0/1.0. Contention not recorded for avgpool. † more than 1% "
			       "of samples flagged as contended: conv, bn.");
	CU_ASSERT_EQUAL(table_source_flagged(&s, "static", "conv"), 1);
	CU_ASSERT_EQUAL(table_source_flagged(&s, NULL, "bn"), 1);
	CU_ASSERT_EQUAL(table_source_flagged(&s, "static", "bn-relu"), 0);
	CU_ASSERT_EQUAL(table_source_flagged(&s, "dynamic", "conv"), 0);
	table_source_label(&s, "static", "conv", label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "conv†");
	table_source_label(&s, "static", "avgpool", label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "avgpool");

	/* the mark reaches LaTeX as \textdagger{} */
	CU_ASSERT_EQUAL_FATAL(table_init(&t, buf, 1, (const char *const[]){ "m" }, NULL, err), 0);
	tex = table_render(&t, TABLE_TEX, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tex);
	CU_ASSERT_PTR_NOT_NULL(strstr(tex, "conv 25.0/5.0/2.0\\textdagger{}, bn"));
	CU_ASSERT_PTR_NULL(strstr(tex, "†"));
	free(tex);
	table_release(&t);
}

/* Two environments: grouped per environment, modules named with theirs;
 * a share outside [0, 1] is an error naming the file and attribute. */
static void test_contention_envs(void)
{
	static const size_t none[3] = { 0, 0, 0 }, some[3] = { 1, 0, 1 };
	char err[ERR_LEN] = "", a[4096], b[4096], c[4096], buf[2048];
	struct table_source s;

	h5_quiet();
	snprintf(a, sizeof(a), "%s/env.s.h5", unit_tmpdir());
	snprintf(b, sizeof(b), "%s/env.d.h5", unit_tmpdir());
	snprintf(c, sizeof(c), "%s/env.bad.h5", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(protocol_dataset(a, "linear", "static", 50, none, NULL, err), 0);
	CU_ASSERT_EQUAL_FATAL(protocol_dataset(b, "linear", "dynamic", 50, some, NULL, err), 0);
	CU_ASSERT_EQUAL_FATAL(protocol_dataset(c, "linear", "static", 5, none,
					       (const double[3]){ 0, 0, 1.5 }, err),
			      0);
	table_source_init(&s, "paper");
	CU_ASSERT_EQUAL_FATAL(table_source_add(&s, b, err), 0);
	CU_ASSERT_EQUAL_FATAL(table_source_add(&s, a, err), 0);
	table_source_contention(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
			       "Contention (% of samples waited for quiet / re-measured / flagged "
			       "as contended): static: linear 0.0/0.0/0.0; dynamic: linear "
			       "2.0/0.0/2.0†. † more than 1% of samples flagged as contended: "
			       "linear (dynamic).");
	CU_ASSERT_EQUAL(table_source_flagged(&s, "static", "linear"), 0);
	CU_ASSERT_EQUAL(table_source_flagged(&s, "dynamic", "linear"), 1);
	table_source_init(&s, "paper");
	CU_ASSERT_EQUAL_FATAL(table_source_add(&s, a, err), 0);
	table_source_contention(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
			       "Contention (% of samples waited for quiet / re-measured / flagged "
			       "as contended): linear 0.0/0.0/0.0. No module has more than 1% of "
			       "its samples flagged.");
	CU_ASSERT_EQUAL(table_source_add(&s, c, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "env.bad.h5: attribute 'share_flagged' is 1.5, "
					   "expected a share in [0, 1]"));
}

UNIT_SUITE("table", UNIT_TEST(test_render), UNIT_TEST(test_numbers),
	   UNIT_TEST(test_missing_and_negative), UNIT_TEST(test_files), UNIT_TEST(test_read_csv),
	   UNIT_TEST(test_source), UNIT_TEST(test_contention), UNIT_TEST(test_contention_envs));
