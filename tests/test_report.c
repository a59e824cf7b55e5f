/* test_report.c - the tables command's tables from an experiment folder of
 * evaluation files written by hand: Table 5's module columns in the paper's
 * order, its repeatability-ceiling and single-run-noise rows (n/a where not
 * recorded), and a flagged module marked in the headers and captions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dataset.h"
#include "err.h"
#include "evaluate.h"
#include "h5io.h"
#include "report.h"
#include "select.h"
#include "unit.h"

/* A dataset with the attributes the captions read; flagged: 3 of 100
 * samples contended (protocol 2), else no protocol-2 data. */
static int write_dataset(const char *path, const char *module, int flagged, char *err)
{
	struct dataset ds;
	size_t i;
	int rc = -1;

	if (dataset_init(&ds, 100, 1, 1, err) < 0)
		return -1;
	if (dataset_set_feature(&ds, 0, "batch", "sampling", err) < 0)
		goto out;
	for (i = 0; i < ds.n; i++) {
		ds.features[i] = (double)i;
		ds.latency_ms[i] = ds.runs_ms[i] = 1.0;
		ds.split[i] = (uint8_t)(i % 3);
	}
	if (attrs_set_str(&ds.attrs, "module", module, err) < 0 ||
	    attrs_set_str(&ds.attrs, "environment", "static", err) < 0 ||
	    attrs_set_str(&ds.attrs, "host_cpu", "AMD EPYC", err) < 0 ||
	    attrs_set_str(&ds.attrs, "backend", "onednn", err) < 0 ||
	    attrs_set_str(&ds.attrs, "backend_version", "2.6.3", err) < 0 ||
	    attrs_set_int(&ds.attrs, "threads", 2, err) < 0 ||
	    attrs_set_str(&ds.attrs, "created", "2026-12-04T10:00:00Z", err) < 0)
		goto out;
	if (flagged) {
		if (dataset_init_protocol(&ds, 0, 0, err) < 0)
			goto out;
		for (i = 0; i < ds.n; i++)
			ds.loops[i] = 1;
		ds.flags[10] = ds.flags[20] = ds.flags[30] = DATASET_CONTENDED;
	}
	rc = dataset_write(&ds, path, DATASET_FORMAT, DATASET_VERSION, err);
out:
	dataset_release(&ds);
	return rc;
}

/* An evaluation file and its timing; repeat_n = 0: no ceiling recorded. */
static int write_eval(const char *dir, const char *module, const char *variant, double acc,
		      double single, double repeat, int64_t repeat_n, char *err)
{
	static const char *const nums[] = { "val_p10", "val_p20", "val_r2", "test_p10",
					    "test_p20", "test_r2", "size_kb", NULL };
	double pred[3] = { 1, 2, 3 }, lat[3] = { 1, 2, 3 };
	uint8_t split[3] = { 2, 2, 2 };
	char path[8400];
	size_t n = 3;
	struct h5_out out;
	int i;

	snprintf(path, sizeof(path), "%s/%s.%s.h5", dir, module, variant);
	if (h5_create(&out, path, EVAL_FORMAT, EVAL_VERSION, err) < 0)
		return -1;
	if (h5_attr_write_str(out.file, "module", module, err) < 0 ||
	    h5_attr_write_str(out.file, "variant", variant, err) < 0 ||
	    h5_attr_write_str(out.file, "experiment", "t", err) < 0 ||
	    h5_attr_write_str(out.file, "environment", "static", err) < 0 ||
	    h5_attr_write_str(out.file, "dataset", "", err) < 0 ||
	    h5_attr_write_f64(out.file, "single_run_test_p10", single, err) < 0 ||
	    h5_attr_write_f64(out.file, "single_run_test_p20", single, err) < 0 ||
	    h5_attr_write_f64(out.file, "repeat_p10", repeat / 2, err) < 0 ||
	    h5_attr_write_f64(out.file, "repeat_p20", repeat, err) < 0 ||
	    h5_attr_write_i64(out.file, "repeat_n", repeat_n, err) < 0 ||
	    h5_write_f64(out.file, "pred_ms", 1, &n, pred, err) < 0 ||
	    h5_write_f64(out.file, "latency_ms", 1, &n, lat, err) < 0 ||
	    h5_write_u8(out.file, "split", 1, &n, split, err) < 0)
		goto fail;
	for (i = 0; nums[i]; i++)
		if (h5_attr_write_f64(out.file, nums[i], acc, err) < 0)
			goto fail;
	if (h5_commit(&out, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.%s.tps.h5", dir, module, variant);
	if (h5_create(&out, path, TIMING_FORMAT, TIMING_VERSION, err) < 0)
		return -1;
	if (h5_attr_write_str(out.file, "module", module, err) < 0 ||
	    h5_attr_write_str(out.file, "variant", variant, err) < 0 ||
	    h5_attr_write_f64(out.file, "tps_ms", 0.001, err) < 0)
		goto fail;
	return h5_commit(&out, err);
fail:
	h5_abort(&out);
	return -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &cap, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* avgpool, bn and conv given in that (alphabetical) order come out as conv,
 * bn, avgpool; conv's dataset is 3% flagged; bn has no repeat subset. */
static void test_table5(void)
{
	static const char *const mods[3] = { "avgpool", "bn", "conv" };
	static const char *const vars[2] = { "rf", "medn" };
	char err[ERR_LEN] = "", root[4096], dir[4200], path[4400], out[4200], *text, *hdr;
	struct table_out files = { 0 };
	struct select_result r;
	struct select_eval *e;
	struct table t6;
	char *paths[6];
	size_t i, j, k = 0;
	FILE *f;

	h5_quiet();
	snprintf(root, sizeof(root), "%s/report", unit_tmpdir());
	snprintf(dir, sizeof(dir), "%s/static", root);
	mkdir(root, 0777);
	mkdir(dir, 0777);
	snprintf(dir, sizeof(dir), "%s/static/evals", root);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0777), 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/static/%s.h5", root, mods[i]);
		CU_ASSERT_EQUAL_FATAL(write_dataset(path, mods[i], !strcmp(mods[i], "conv"), err),
				      0);
		for (j = 0; j < 2; j++) {
			int has_repeat = strcmp(mods[i], "bn") != 0;

			CU_ASSERT_EQUAL_FATAL(write_eval(dir, mods[i], vars[j], 0.5 + 0.1 * (double)i,
							 0.875, has_repeat ? 0.75 : NAN,
							 has_repeat ? 100 : 0, err),
					      0);
			snprintf(path, sizeof(path), "%s/%s.%s.h5", dir, mods[i], vars[j]);
			paths[k++] = strdup(path);
		}
	}
	CU_ASSERT_EQUAL_FATAL(select_evals_read(paths, 6, SELECT_READ_TIMING, &e, err), 0);
	CU_ASSERT_EQUAL_FATAL(select_run(e, 6, 0.05, 0.05, &r, err), 0);
	CU_ASSERT_STRING_EQUAL(r.time[0].module, "conv");
	CU_ASSERT_STRING_EQUAL(r.time[2].module, "avgpool");
	/* Table 6 marks the flagged module in its row, not in the CSV */
	CU_ASSERT_EQUAL_FATAL(report_table6(&r, e, 6, &t6, err), 0);
	text = table_render(&t6, TABLE_MD, err);
	CU_ASSERT_PTR_NOT_NULL(text && strstr(text, "\n| conv† "));
	CU_ASSERT_PTR_NOT_NULL(text && strstr(text, "flagged as contended: conv."));
	free(text);
	text = table_render(&t6, TABLE_CSV, err);
	CU_ASSERT_PTR_NOT_NULL(text && strstr(text, "\nconv,"));
	CU_ASSERT_PTR_NULL(text && strstr(text, "†"));
	free(text);
	table_release(&t6);
	snprintf(path, sizeof(path), "%s/static/selection.h5", root);
	CU_ASSERT_EQUAL_FATAL(select_write(&r, path, err), 0);
	select_result_release(&r);
	select_evals_free(e, 6);
	for (k = 0; k < 6; k++)
		free(paths[k]);
	snprintf(path, sizeof(path), "%s/paper-table5.csv", root);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("rm,module,acc,r2\nmedn,conv,0.6,0.9\n", f);
	fclose(f);

	snprintf(out, sizeof(out), "%s/tables", root);
	CU_ASSERT_EQUAL_FATAL(report_tables(root, "t", root, out, &files, err), 0);
	table_out_release(&files);

	snprintf(path, sizeof(path), "%s/table5.static.md", out);
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	hdr = strstr(text, "| RM ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(hdr);
	{
		static const char head[] = "| RM                    | Metric    | conv†    | bn      "
					   " | avgpool  |";

		CU_ASSERT_EQUAL(strncmp(hdr, head, strlen(head)), 0);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| Repeatability ceiling | P10       |   0.3750 |      "
					    "n/a |   0.3750 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| Repeatability ceiling | Acc       |   0.7500 |      "
					    "n/a |   0.7500 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| Single-run noise      | Acc       |   0.8750 |   "
					    "0.8750 |   0.8750 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "conv 0.0/0.0/3.0†. Contention not recorded for bn, "
					    "avgpool. † more than 1% of samples flagged as "
					    "contended: conv."));
	CU_ASSERT_PTR_NULL(strstr(text, "noise ceiling"));
	free(text);

	snprintf(path, sizeof(path), "%s/table5.static.csv", out);
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strncmp(text, "rm,module,acc,r2,tps_ms,size_kb,single_run_p10,"
				      "single_run_acc,repeat_p10,repeat_acc,repeat_n\n"
				      "rf,conv,",
				60 + 19 + 8),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "rf,bn,0.6000,0.6000,0.001000,0.600,0.8750,0.8750,,,0\n"));
	free(text);

	snprintf(path, sizeof(path), "%s/paper-vs-ours.static.md", out);
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| MEDN | conv†  |"));
	free(text);
	snprintf(path, sizeof(path), "%s/paper-vs-ours.static.csv", out);
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "medn,conv,"));
	free(text);
	snprintf(path, sizeof(path), "%s/fig1.csv", out);
	text = slurp(path);
	CU_ASSERT_STRING_EQUAL(text ? text : "", "module,static_p10,dynamic_p10\n"
						 "conv,0.7000,\nbn,0.6000,\navgpool,0.5000,\n");
	free(text);
	snprintf(path, sizeof(path), "%s/fig1.md", out);
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL(text && strstr(text, "| conv    |    0.7000† |         n/a |"));
	free(text);
}

UNIT_SUITE("report", UNIT_TEST(test_table5));
