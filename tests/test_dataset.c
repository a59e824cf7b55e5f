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
	/* attributes read from another file's format never override the
	 * format being written */
	attrs_set_str(&a.attrs, "format", "modlat-other", err);
	attrs_set_int(&a.attrs, "format_version", 99, err);
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
	/* a newer version than the reader knows is refused too */
	CU_ASSERT_EQUAL(dataset_write(&a, p, GEN_FORMAT, GEN_VERSION + 1, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, GEN_FORMAT, GEN_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "format_version is 2"));
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
	CU_ASSERT_PTR_NOT_NULL(strstr(err, cut));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
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
	a.latency_ms[1] = 1.0 / 0.0;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "latency_ms of sample 1 is inf"));
	a.latency_ms[1] = 1;
	a.features[3] = 0.0 / 0.0;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "feature 'util' of sample 1 is not finite"));
	a.features[3] = 0.5;
	/* every timed run is checked, not only their median */
	a.runs_ms[2 * 2 + 1] = -0.5;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nan.h5: latency_runs_ms of sample 2, run 1 is -0.5, "
					   "expected a positive finite number"));
	a.runs_ms[2 * 2 + 1] = 0.0 / 0.0;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "latency_runs_ms of sample 2, run 1 is"));
	a.runs_ms[2 * 2 + 1] = 0;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "latency_runs_ms of sample 2, run 1 is 0,"));
	a.runs_ms[2 * 2 + 1] = 3;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	dataset_release(&b);
	dataset_release(&a);
}

/* split must hold 0, 1 or 2 for every row, and one value per row */
static void test_bad_split(void)
{
	const char *p = tmp("split.h5");
	struct dataset a, b;
	char err[ERR_LEN] = "";
	struct h5_out out;
	size_t dims[2] = { 3, 2 }, two = 2;

	make(&a);
	a.split[2] = 3;
	CU_ASSERT_EQUAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "split of sample 2 is 3, expected 0, 1 or 2"));
	a.split[2] = 2;
	/* the same file by hand, with a split of 2 values for 3 rows */
	CU_ASSERT_EQUAL_FATAL(h5_create(&out, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL(attrs_write(out.file, &a.attrs, err), 0);
	CU_ASSERT_EQUAL(h5_write_f64(out.file, "features", 2, dims, a.features, err), 0);
	CU_ASSERT_EQUAL(h5_write_strings(out.file, "feature_names", 2, a.names, err), 0);
	CU_ASSERT_EQUAL(h5_write_strings(out.file, "feature_kind", 2, a.kinds, err), 0);
	CU_ASSERT_EQUAL(h5_write_u8(out.file, "split", 1, &two, a.split, err), 0);
	CU_ASSERT_EQUAL(h5_write_f64(out.file, "latency_ms", 1, dims, a.latency_ms, err), 0);
	CU_ASSERT_EQUAL(h5_write_f64(out.file, "latency_runs_ms", 2, dims, a.runs_ms, err), 0);
	CU_ASSERT_EQUAL_FATAL(h5_commit(&out, err), 0);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "shapes disagree"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "split 2"));
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

static long file_size(const char *p)
{
	FILE *f = fopen(p, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void flip_byte(const char *p, long at)
{
	FILE *f = fopen(p, "r+b");
	int c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, at, SEEK_SET);
	c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 0x10, f);
	fclose(f);
}

static void append(struct journal *j, uint64_t index, double run)
{
	double runs[2] = { run - 1, run };
	struct journal_record rec = { .index = index, .mem_avail = 1e9, .util = 0.5,
				      .timed_s = 0.1, .total_s = 0.2, .runs_ms = runs };
	char err[ERR_LEN];

	CU_ASSERT_EQUAL(journal_append(j, &rec, err), 0);
}

/* Two interruptions: what the first resume found stays for the second; a
 * record whose bytes changed is not believed (it and what follows it are
 * dropped), whichever record it is. */
static void test_journal_resume_twice(void)
{
	const char *p = tmp("j2.journal");
	struct journal j;
	char err[ERR_LEN];
	long head, rec;

	unlink(p);
	memset(seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, p, "key", 2, found, NULL, err), 0);
	head = file_size(p);
	append(&j, 0, 10);
	append(&j, 1, 11);
	journal_close(&j);
	rec = (file_size(p) - head) / 2;
	/* first resume: both found, then one more */
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, p, "key", 2, found, NULL, err), 0);
	CU_ASSERT(seen[0] && seen[1] && !seen[2]);
	append(&j, 2, 12);
	journal_close(&j);
	CU_ASSERT_EQUAL(file_size(p), head + 3 * rec);
	/* second resume: all three, with their values */
	memset(seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, p, "key", 2, found, NULL, err), 0);
	journal_close(&j);
	CU_ASSERT(seen[0] && seen[1] && seen[2] && !seen[3]);
	ASSERT_CLOSE(seen_run[0], 10, 0);
	ASSERT_CLOSE(seen_run[2], 12, 0);
	/* a flipped byte inside the middle record: records 1 and 2 go */
	flip_byte(p, head + rec + 8 + 4 * 8 + 8 + 3);
	memset(seen, 0, sizeof(seen));
	seen_run[1] = 0;
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, p, "key", 2, found, NULL, err), 0);
	journal_close(&j);
	CU_ASSERT(seen[0] && !seen[1] && !seen[2]);
	CU_ASSERT_EQUAL(seen_run[1], 0);
	CU_ASSERT_EQUAL(file_size(p), head + rec);
	/* a flipped byte in the first record's checksum: nothing is believed */
	flip_byte(p, head + rec - 1);
	memset(seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, p, "key", 2, found, NULL, err), 0);
	journal_close(&j);
	CU_ASSERT(!seen[0]);
	CU_ASSERT_EQUAL(file_size(p), head);
}

/* Replaces dataset name in file p with n fixed-length strings of size bytes,
 * padded as pad says, in character set cset: what h5py's
 * np.array(names, "S") and other tools write. */
static void put_fixed(const char *p, const char *name, const char *const *v, size_t n,
		      size_t size, H5T_str_t pad, H5T_cset_t cset)
{
	hid_t f = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT), t, sp, ds;
	hsize_t dim = n;
	char *buf = calloc(n, size);
	size_t i;

	CU_ASSERT_FATAL(f >= 0 && buf);
	for (i = 0; i < n; i++) {
		memset(buf + i * size, pad == H5T_STR_SPACEPAD ? ' ' : 0, size);
		memcpy(buf + i * size, v[i], strlen(v[i]));
	}
	CU_ASSERT_FATAL(H5Ldelete(f, name, H5P_DEFAULT) >= 0);
	t = H5Tcopy(H5T_C_S1);
	H5Tset_size(t, size);
	H5Tset_strpad(t, pad);
	H5Tset_cset(t, cset);
	sp = H5Screate_simple(1, &dim, NULL);
	ds = H5Dcreate2(f, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	CU_ASSERT_FATAL(ds >= 0);
	CU_ASSERT(H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
	H5Dclose(ds);
	H5Sclose(sp);
	H5Tclose(t);
	H5Fclose(f);
	free(buf);
}

/* Every string type reads: variable or fixed length, null- or space-padded
 * or null-terminated, ASCII or UTF-8, in datasets and in attributes. */
static void test_fixed_strings(void)
{
	static const char *const names[] = { "batch", "util" };
	static const char *const kinds[] = { "sampling", "measurable" };
	const char *p = tmp("fixed.h5");
	struct dataset a, b;
	char err[ERR_LEN] = "";
	hid_t f, t, sp, at;

	h5_quiet();
	make(&a);
	CU_ASSERT_EQUAL_FATAL(dataset_write(&a, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	/* "batch" fills its 5 bytes exactly: no terminator at all */
	put_fixed(p, "feature_names", names, 2, 5, H5T_STR_NULLPAD, H5T_CSET_ASCII);
	put_fixed(p, "feature_kind", kinds, 2, 12, H5T_STR_SPACEPAD, H5T_CSET_UTF8);
	/* a fixed-length attribute, as h5py writes np.bytes_("conv") */
	f = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT);
	CU_ASSERT_FATAL(f >= 0);
	H5Adelete(f, "module");
	t = H5Tcopy(H5T_C_S1);
	H5Tset_size(t, 8);
	H5Tset_strpad(t, H5T_STR_NULLTERM);
	sp = H5Screate(H5S_SCALAR);
	at = H5Acreate2(f, "module", t, sp, H5P_DEFAULT, H5P_DEFAULT);
	CU_ASSERT(H5Awrite(at, t, "conv\0\0\0\0") >= 0);
	H5Aclose(at);
	H5Sclose(sp);
	H5Tclose(t);
	H5Fclose(f);
	CU_ASSERT_EQUAL_FATAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_STRING_EQUAL(b.names[0], "batch");
	CU_ASSERT_STRING_EQUAL(b.names[1], "util");
	CU_ASSERT_STRING_EQUAL(b.kinds[0], "sampling");
	CU_ASSERT_STRING_EQUAL(b.kinds[1], "measurable");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "module"), "conv");
	dataset_release(&b);
	/* a number where strings belong is still refused */
	f = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT);
	H5Ldelete(f, "feature_kind", H5P_DEFAULT);
	{
		hsize_t dim = 2;
		int v[2] = { 1, 2 };
		hid_t ds;

		sp = H5Screate_simple(1, &dim, NULL);
		ds = H5Dcreate2(f, "feature_kind", H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT,
				H5P_DEFAULT);
		H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
		H5Dclose(ds);
		H5Sclose(sp);
	}
	H5Fclose(f);
	CU_ASSERT_EQUAL(dataset_read(&b, p, DATASET_FORMAT, DATASET_VERSION, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "fixed.h5: dataset 'feature_kind' is not a list of strings"));
	dataset_release(&a);
}

UNIT_SUITE("dataset", UNIT_TEST(test_round_trip), UNIT_TEST(test_same_bytes),
	   UNIT_TEST(test_format_checks), UNIT_TEST(test_bad_values), UNIT_TEST(test_unwritable),
	   UNIT_TEST(test_journal_resume), UNIT_TEST(test_fixed_strings),
	   UNIT_TEST(test_journal_resume_twice), UNIT_TEST(test_bad_split));
