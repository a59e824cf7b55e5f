/* HDF5 round trip, format checks, bad files; the bench journal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "err.h"
#include "h5io.h"
#include "journal.h"
#include "unit.h"
#include "util.h"

static const char *tmp(const char *name)
{
	static char path[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", unit_tmpdir(), name);
	return path[k];
}

static void make(struct dataset *ds)
{
	char err[ERR_LEN];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dataset_init(ds, 3, 2, 2, err), 0);
	dataset_set_feature(ds, 0, "batch", "sampling", err);
	dataset_set_feature(ds, 1, "util", "measurable", err);
	for (i = 0; i < 3; i++) {
		ds->features[i * 2] = (double)i + 1;
		ds->features[i * 2 + 1] = 0.25 * (double)i;
		ds->latency_ms[i] = 1.5 + (double)i;
		ds->runs_ms[i * 2] = 1.0 + (double)i;
		ds->runs_ms[i * 2 + 1] = 2.0 + (double)i;
		ds->split[i] = (uint8_t)i;
	}
	attrs_set_str(&ds->attrs, "module", "conv", err);
	attrs_set_int(&ds->attrs, "threads", 2, err);
	attrs_set_num(&ds->attrs, "flop_cap", 2.5e8, err);
}

static void test_round_trip(void)
{
	const char *p = tmp("rt.h5");
	struct dataset a, b;
	char err[ERR_LEN];

	h5_quiet();
	make(&a);
	CU_ASSERT_EQUAL_FATAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL_FATAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(b.n, 3);
	CU_ASSERT_EQUAL(b.d, 2);
	CU_ASSERT_EQUAL(b.r, 2);
	CU_ASSERT(!memcmp(a.features, b.features, 6 * sizeof(double)));
	CU_ASSERT(!memcmp(a.runs_ms, b.runs_ms, 6 * sizeof(double)));
	CU_ASSERT(!memcmp(a.split, b.split, 3));
	CU_ASSERT_STRING_EQUAL(b.names[1], "util");
	CU_ASSERT_STRING_EQUAL(b.kinds[1], "measurable");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "module"), "conv");
	CU_ASSERT_EQUAL(attrs_get(&b.attrs, "threads")->is_int, 1);
	ASSERT_CLOSE(attrs_get(&b.attrs, "threads")->num, 2, 0);
	ASSERT_CLOSE(attrs_get(&b.attrs, "flop_cap")->num, 2.5e8, 0);
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "format"), DATASET_FORMAT);
	/* no temporary file left behind */
	CU_ASSERT(access(tmp("rt.h5.tmp.0"), F_OK) != 0);
	dataset_release(&a);
	dataset_release(&b);
}

static void test_same_bytes(void)
{
	const char *p = tmp("s1.h5"), *q = tmp("s2.h5");
	char err[ERR_LEN], h1[17], h2[17];
	struct dataset a;

	make(&a);
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_write(&a, q, DATASET_FORMAT, DATASET_VERSION, err), 0);
	dataset_release(&a);
	CU_ASSERT_EQUAL(file_checksum(p, h1, err), 0);
	CU_ASSERT_EQUAL(file_checksum(q, h2, err), 0);
	CU_ASSERT_STRING_EQUAL(h1, h2);
}

static void test_format_checks(void)
{
	const char *p = tmp("f.h5"), *junk = tmp("junk.h5"), *cut = tmp("cut.h5");
	struct dataset a, b;
	char err[ERR_LEN] = "", buf[200];
	FILE *f;
	long size;

	make(&a);
	CU_ASSERT_EQUAL(dataset_write(&a, p, GEN_FORMAT, GEN_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "format is 'modlat-gen', expected 'modlat-dataset'"));
	CU_ASSERT_EQUAL(dataset_read(&b, p, GEN_FORMAT, GEN_VERSION + 1, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "format_version is 1"));
	/* not HDF5 at all */
	f = fopen(junk, "w");
	fputs("batch,cin\n1,2\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(dataset_read(&b, junk, GEN_FORMAT, GEN_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an hdf5 file"));
	/* truncated: the first half of a real file */
	f = fopen(p, "rb");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	snprintf(buf, sizeof(buf), "head -c %ld '%s' > '%s'", size / 2, p, cut);
	CU_ASSERT_EQUAL(system(buf), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, cut, GEN_FORMAT, GEN_VERSION, err), -1);
	CU_ASSERT(strlen(err) > 0);
	/* a missing file */
	CU_ASSERT_EQUAL(dataset_read(&b, tmp("none.h5"), GEN_FORMAT, GEN_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
	dataset_release(&a);
}

static void test_bad_values(void)
{
	const char *p = tmp("nan.h5");
	struct dataset a, b;
	char err[ERR_LEN] = "";

	make(&a);
	a.latency_ms[1] = 0;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "latency_ms of sample 1 is 0"));
	a.latency_ms[1] = 1;
	a.features[3] = 0.0 / 0.0;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "feature 'util' of sample 1 is not finite"));
	dataset_release(&a);
}

static void test_unwritable(void)
{
	struct dataset a;
	char err[ERR_LEN] = "";

	make(&a);
	CU_ASSERT_EQUAL(dataset_write(&a, "/nonexistent/dir/x.h5", DATASET_FORMAT, DATASET_VERSION,
				      err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/dir/x.h5"));
	dataset_release(&a);
}

static int seen[8];
static double seen_run[8];

static void found(const struct journal_record *rec, void *user)
{
	(void)user;
	seen[rec->index] = 1;
	seen_run[rec->index] = rec->runs_ms[1];
}

static void test_journal_resume(void)
{
	const char *p = tmp("j.journal");
	struct journal j;
	double runs[2];
	struct journal_record rec = { .mem_avail = 1e9, .util = 0.5, .timed_s = 0.1,
				      .total_s = 0.2, .runs_ms = runs };
	char err[ERR_LEN], cmd[600];
	int i;

	unlink(p);
	memset(seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, p, "key-a", 2, found, NULL, err), 0);
	for (i = 0; i < 3; i++) {
		rec.index = (uint64_t)i * 2;
		runs[0] = i;
		runs[1] = 10 + i;
		CU_ASSERT_EQUAL(journal_append(&j, &rec, err), 0);
	}
	journal_close(&j);
	/* tear the last record: it must be dropped, the others kept */
	snprintf(cmd, sizeof(cmd), "truncate -s -5 '%s'", p);
	CU_ASSERT_EQUAL(system(cmd), 0);
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, p, "key-a", 2, found, NULL, err), 0);
	journal_close(&j);
	CU_ASSERT(seen[0] && seen[2] && !seen[4] && !seen[1]);
	ASSERT_CLOSE(seen_run[2], 11, 0);
	/* another key: a stale journal starts over */
	memset(seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, p, "key-b", 2, found, NULL, err), 0);
	journal_close(&j);
	CU_ASSERT(!seen[0] && !seen[2]);
}

UNIT_SUITE("dataset", UNIT_TEST(test_round_trip), UNIT_TEST(test_same_bytes),
	   UNIT_TEST(test_format_checks), UNIT_TEST(test_bad_values), UNIT_TEST(test_unwritable),
	   UNIT_TEST(test_journal_resume));
