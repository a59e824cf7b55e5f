/* h5io: the format files are written in, both string kinds, extents checked
 * against the file, a write that cannot complete. */
#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "h5io.h"
#include "unit.h"

static const char *tmp(const char *name)
{
	static char path[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", unit_tmpdir(), name);
	return path[k];
}

static int write_small(const char *path, char *err)
{
	struct h5_out out;
	char *names[] = { "batch", "", "a much longer name than the others" };
	double v[6] = { 1, 2, 3, 4, 5, 6 };
	size_t d[2] = { 3, 2 };

	if (h5_create(&out, path, "modlat-test", 3, err) < 0)
		return -1;
	if (h5_attr_write_str(out.file, "module", "conv-bn-relu", err) < 0 ||
	    h5_attr_write_str(out.file, "empty", "", err) < 0 ||
	    h5_write_strings(out.file, "names", 3, names, err) < 0 ||
	    h5_write_f64(out.file, "x", 2, d, v, err) < 0) {
		h5_abort(&out);
		return -1;
	}
	return h5_commit(&out, err);
}

static long file_bytes(const char *path, unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	n = (long)fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void test_latest_format_round_trip(void)
{
	const char *p = tmp("a.h5"), *q = tmp("b.h5");
	static unsigned char a[1 << 16], b[1 << 16];
	char err[ERR_LEN], *s = NULL, **names = NULL;
	size_t n = 0, d[2];
	double *x = NULL;
	long na, nb;
	hid_t f;

	h5_quiet();
	CU_ASSERT_EQUAL_FATAL(write_small(p, err), 0);
	CU_ASSERT_EQUAL_FATAL(write_small(q, err), 0);
	na = file_bytes(p, a, sizeof(a));
	nb = file_bytes(q, b, sizeof(b));
	/* superblock version 3 (byte 8): checksummed metadata; same bytes */
	CU_ASSERT(na > 48);
	CU_ASSERT_EQUAL(a[8], 3);
	CU_ASSERT(na == nb && !memcmp(a, b, (size_t)na));
	CU_ASSERT_EQUAL_FATAL(h5_open(p, "modlat-test", 3, &f, err), 0);
	CU_ASSERT_EQUAL(h5_attr_read_str(f, "module", &s, err), 0);
	CU_ASSERT_STRING_EQUAL(s ? s : "", "conv-bn-relu");
	free(s);
	CU_ASSERT_EQUAL(h5_attr_read_str(f, "empty", &s, err), 0);
	CU_ASSERT_STRING_EQUAL(s ? s : "?", "");
	free(s);
	CU_ASSERT_EQUAL_FATAL(h5_read_strings(f, "names", &n, &names, err), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_STRING_EQUAL(names[0], "batch");
	CU_ASSERT_STRING_EQUAL(names[1], "");
	CU_ASSERT_STRING_EQUAL(names[2], "a much longer name than the others");
	h5_strings_free(n, names);
	CU_ASSERT_EQUAL(h5_read_f64(f, "x", 2, d, &x, err), 0);
	CU_ASSERT(d[0] == 3 && d[1] == 2 && x && x[5] == 6);
	free(x);
	/* a rank that is not asked for names the file */
	CU_ASSERT_EQUAL(h5_read_f64(f, "x", 1, d, &x, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "a.h5: dataset 'x' has rank 2, expected 1"));
	h5_close(f);
}

/* Files of earlier versions (and other tools) hold variable-length strings,
 * and h5py writes NUL-padded fixed-length ones: all are read. */
static void test_other_string_kinds(void)
{
	const char *p = tmp("old.h5");
	const char *vals[2] = { "cin", "mem_avail" };
	char padded[2][6] = { { 'c', 'i', 'n', 0, 0, 0 }, { 'h', 'w', 'x', 'y', 'z', 'w' } };
	char err[ERR_LEN], *s = NULL, **names = NULL;
	hsize_t two = 2;
	hid_t f, vt, ft, sp, ds, a, sc;
	size_t n = 0;

	h5_quiet();
	f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
	CU_ASSERT_FATAL(f >= 0);
	vt = H5Tcopy(H5T_C_S1);
	H5Tset_size(vt, H5T_VARIABLE);
	ft = H5Tcopy(H5T_C_S1);
	H5Tset_size(ft, 6);
	H5Tset_strpad(ft, H5T_STR_NULLPAD);
	sp = H5Screate_simple(1, &two, NULL);
	sc = H5Screate(H5S_SCALAR);
	ds = H5Dcreate2(f, "vlen", vt, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	H5Dwrite(ds, vt, H5S_ALL, H5S_ALL, H5P_DEFAULT, vals);
	H5Dclose(ds);
	ds = H5Dcreate2(f, "padded", ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	H5Dwrite(ds, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, padded);
	H5Dclose(ds);
	a = H5Acreate2(f, "format", vt, sc, H5P_DEFAULT, H5P_DEFAULT);
	H5Awrite(a, vt, &vals[1]);
	H5Aclose(a);
	H5Sclose(sp);
	H5Sclose(sc);
	H5Tclose(vt);
	H5Tclose(ft);
	H5Fclose(f);

	f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT_FATAL(f >= 0);
	CU_ASSERT_EQUAL(h5_attr_read_str(f, "format", &s, err), 0);
	CU_ASSERT_STRING_EQUAL(s ? s : "", "mem_avail");
	free(s);
	CU_ASSERT_EQUAL_FATAL(h5_read_strings(f, "vlen", &n, &names, err), 0);
	CU_ASSERT(n == 2 && !strcmp(names[0], "cin") && !strcmp(names[1], "mem_avail"));
	h5_strings_free(n, names);
	CU_ASSERT_EQUAL_FATAL(h5_read_strings(f, "padded", &n, &names, err), 0);
	/* a string that fills its 6 bytes has no terminator in the file */
	CU_ASSERT(n == 2 && !strcmp(names[0], "cin") && !strcmp(names[1], "hwxyzw"));
	h5_strings_free(n, names);
	H5Fclose(f);
}

/* A write that cannot complete names the file and leaves nothing behind. */
static void test_unwritable_leaves_nothing(void)
{
	char dir[600], path[700], err[ERR_LEN];
	struct h5_out out;
	struct dirent *e;
	DIR *d;
	int n = 0;

	h5_quiet();
	snprintf(dir, sizeof(dir), "%s/nowhere", unit_tmpdir());
	snprintf(path, sizeof(path), "%s/x.h5", dir);
	CU_ASSERT_EQUAL(h5_create(&out, path, "modlat-test", 1, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nowhere/x.h5: cannot create file (No such file"));
	/* aborted after creation: the temporary file goes */
	snprintf(dir, sizeof(dir), "%s/abort", unit_tmpdir());
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/x.h5", dir);
	CU_ASSERT_EQUAL_FATAL(h5_create(&out, path, "modlat-test", 1, err), 0);
	h5_abort(&out);
	h5_abort(&out); /* twice is harmless */
	d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	CU_ASSERT_EQUAL(n, 0);
}

/* A dataset that claims more elements than its file holds is refused
 * before anything is allocated. */
static void test_extent_beyond_file(void)
{
	const char *p = tmp("big.h5");
	hsize_t dims[1] = { (hsize_t)1 << 40 }, one = 1;
	char err[ERR_LEN];
	double *x = NULL;
	size_t d[2];
	hid_t f, sp, dcpl, ds;

	h5_quiet();
	f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
	CU_ASSERT_FATAL(f >= 0);
	/* chunked, never written: 2^40 doubles of fill value */
	sp = H5Screate_simple(1, dims, NULL);
	dcpl = H5Pcreate(H5P_DATASET_CREATE);
	H5Pset_chunk(dcpl, 1, &one);
	ds = H5Dcreate2(f, "huge", H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	H5Dclose(ds);
	H5Pclose(dcpl);
	H5Sclose(sp);
	H5Fclose(f);
	f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT_FATAL(f >= 0);
	CU_ASSERT_EQUAL(h5_read_f64(f, "huge", 1, d, &x, err), -1);
	CU_ASSERT_PTR_NULL(x);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "big.h5: dataset 'huge' claims 1099511627776 elements"));
	H5Fclose(f);
}

UNIT_SUITE("h5io", UNIT_TEST(test_latest_format_round_trip), UNIT_TEST(test_other_string_kinds),
	   UNIT_TEST(test_unwritable_leaves_nothing), UNIT_TEST(test_extent_beyond_file));
