/* import: the column map, values and their errors, units, splits, feature
 * order, and a round trip through the dataset file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "dataset.h"
#include "err.h"
#include "h5io.h"
#include "import.h"
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

static const char *write_file(const char *name, const char *text)
{
	const char *p = tmp(name);
	FILE *f = fopen(p, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static const char *const map_text = "[import]\n"
				    "module = conv\n"
				    "latency = time_us\n"
				    "latency_unit = us\n"
				    "[sampling]\n"
				    "batch = N\n"
				    "cin = C_in\n";

/* Parses csv text and builds with the map text; returns import_build's status. */
static int build(struct dataset *ds, const char *map, const char *csv_text, char *err)
{
	struct import_map m;
	struct csv c;
	int rc;

	memset(ds, 0, sizeof(*ds));
	if (import_map_load(&m, write_file("m.ini", map), err) < 0) {
		import_map_release(&m);
		return -2;
	}
	if (csv_parse(&c, csv_text, strlen(csv_text), "runs.csv", err) < 0) {
		import_map_release(&m);
		return -3;
	}
	rc = import_build(ds, &c, "runs.csv", &m, err);
	csv_release(&c);
	import_map_release(&m);
	return rc;
}

/* The map's error message for text, with the map's path replaced by "m.ini". */
static const char *map_error(const char *text)
{
	static char msg[ERR_LEN];
	const char *p = write_file("bad.ini", text);
	struct import_map m;
	char err[ERR_LEN];
	size_t pl = strlen(p);

	if (import_map_load(&m, p, err) == 0) {
		import_map_release(&m);
		return "(no error)";
	}
	import_map_release(&m);
	if (strncmp(err, p, pl))
		return "(message does not start with the map's path)";
	snprintf(msg, sizeof(msg), "m.ini%s", err + pl);
	return msg;
}

static void test_map(void)
{
	struct import_map m;
	char err[ERR_LEN];
	const char *p = write_file("full.ini",
				   "; a comment\n"
				   "[inferable]\n"
				   "flops = FLOPs\n"
				   "[import]\n"
				   "module = conv-bn-relu     ; inline comment\n"
				   "latency = t\n"
				   "latency_unit = ns\n"
				   "runs = r1, r2 ,r3\n"
				   "split = part\n"
				   "environment = dynamic\n"
				   "seed = 7\n"
				   "[measurable]\n"
				   "util = gpu_util\n"
				   "[sampling]\n"
				   "batch = N\n"
				   "cin = C_in\n");

	CU_ASSERT_EQUAL_FATAL(import_map_load(&m, p, err), 0);
	CU_ASSERT_EQUAL(m.module, MODULE_CONV_BN_RELU);
	CU_ASSERT_STRING_EQUAL(m.latency, "t");
	CU_ASSERT_STRING_EQUAL(m.unit, "ns");
	CU_ASSERT_EQUAL_FATAL(m.nruns, 3);
	CU_ASSERT_STRING_EQUAL(m.runs[0], "r1");
	CU_ASSERT_STRING_EQUAL(m.runs[1], "r2");
	CU_ASSERT_STRING_EQUAL(m.runs[2], "r3");
	CU_ASSERT_STRING_EQUAL(m.split, "part");
	CU_ASSERT_STRING_EQUAL(m.environment, "dynamic");
	CU_ASSERT_EQUAL(m.seed, 7);
	/* sampling, measurable, inferable, whatever the order in the file */
	CU_ASSERT_EQUAL_FATAL(m.nfeat, 4);
	CU_ASSERT_STRING_EQUAL(m.feat[0].name, "batch");
	CU_ASSERT_STRING_EQUAL(m.feat[0].column, "N");
	CU_ASSERT_STRING_EQUAL(m.feat[1].name, "cin");
	CU_ASSERT_STRING_EQUAL(m.feat[2].name, "util");
	CU_ASSERT_STRING_EQUAL(m.feat[2].kind, "measurable");
	CU_ASSERT_STRING_EQUAL(m.feat[3].name, "flops");
	CU_ASSERT_STRING_EQUAL(m.feat[3].column, "FLOPs");
	CU_ASSERT_STRING_EQUAL(m.feat[3].kind, "inferable");
	import_map_release(&m);

	/* defaults */
	CU_ASSERT_EQUAL_FATAL(import_map_load(&m, write_file("min.ini",
							     "[import]\nmodule = bn\nlatency = t\n"
							     "[sampling]\nbatch = N\n"),
					      err), 0);
	CU_ASSERT_STRING_EQUAL(m.unit, "ms");
	CU_ASSERT_STRING_EQUAL(m.environment, "static");
	CU_ASSERT_EQUAL(m.seed, 42);
	CU_ASSERT_EQUAL(m.nruns, 0);
	CU_ASSERT_PTR_NULL(m.split);
	import_map_release(&m);
}

static void test_map_errors(void)
{
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = conv\nlatency = t\nspeed = 3\n"),
			       "m.ini:4: unknown key 'speed' in [import], expected module, "
			       "latency, latency_unit, runs, split, environment, seed or date");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = conv\n[extra]\nx = y\n"),
			       "m.ini:4: unknown section '[extra]', expected [import], "
			       "[sampling], [measurable] or [inferable]");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nlatency = t\n[sampling]\nbatch = N\n"),
			       "m.ini: no 'module' in [import], expected one of conv, conv-relu, "
			       "conv-bn, conv-bn-relu, bn, bn-relu, linear, maxpool, avgpool");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = conv\n[sampling]\nbatch = N\n"),
			       "m.ini: no 'latency' in [import], expected the name of the CSV "
			       "column that holds the latency");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = conv\nlatency = t\nlatency_unit = "
					 "sec\n"),
			       "m.ini:4: unknown latency_unit 'sec', expected s, ms, us or ns");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = conv2d\n"),
			       "m.ini:2: unknown module 'conv2d', expected conv, conv-relu, "
			       "conv-bn, conv-bn-relu, bn, bn-relu, linear, maxpool or avgpool");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = conv\nlatency = t\n"),
			       "m.ini: no features, expected 'name = column' lines in [sampling], "
			       "[measurable] or [inferable]");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = conv\nmodule = bn\n"),
			       "m.ini:3: [import] module is given twice");
	CU_ASSERT_STRING_EQUAL(map_error("[sampling]\nbatch = N\n[inferable]\nbatch = B\n"),
			       "m.ini:4: feature 'batch' is already given in [sampling]");
	CU_ASSERT_STRING_EQUAL(map_error("[sampling]\nbatch = N\n  cin = C\n"),
			       "m.ini:3: an indented line continues the key above it; remove "
			       "the indentation");
	CU_ASSERT_STRING_EQUAL(map_error("module = conv\n"),
			       "m.ini:1: key 'module' is outside any section, expected [import], "
			       "[sampling], [measurable] or [inferable]");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nseed = -1\n"),
			       "m.ini:2: seed = '-1': expected a non-negative integer");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nenvironment = windy\n"),
			       "m.ini:2: unknown environment 'windy', expected static or dynamic");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nruns = a,,b\n"),
			       "m.ini:2: runs = 'a,,b': an empty item in the list, expected "
			       "column names separated by commas");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nthis line has no equals sign\n"),
			       "m.ini:2: not valid INI syntax");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nsplit =\n"), "m.ini:2: [import] split has no value");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\ndate = 2024-5-1\n"),
			       "m.ini:2: date = '2024-5-1': expected YYYY-MM-DD or "
			       "YYYY-MM-DDTHH:MM:SSZ");
}

/* Features are checked against the module once the whole map is read, so
 * [import] may come last and the line is still the feature's. */
static void test_map_features(void)
{
	CU_ASSERT_STRING_EQUAL(map_error("[sampling]\nbatch = N\ndilation = D\n"
					 "[import]\nmodule = conv\nlatency = t\n"),
			       "m.ini:3: [sampling] dilation: unknown feature, expected batch, "
			       "cin, cout, hw, kernel or stride");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = linear\nlatency = t\n"
					 "[sampling]\nbatch = N\nkernel = K\n"),
			       "m.ini:6: [sampling] kernel: linear has no kernel, expected "
			       "batch, cin or cout");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = maxpool\nlatency = t\n"
					 "[inferable]\nparam_count = P\n"),
			       "m.ini:5: [inferable] param_count: maxpool has no weights, "
			       "expected data_size, flops or out_size");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = bn\nlatency = t\n"
					 "[measurable]\nbatch = N\n"),
			       "m.ini:5: [measurable] batch is a sampling parameter, expected "
			       "it in [sampling]");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = bn\nlatency = t\n"
					 "[measurable]\ngpu_util = U\n"),
			       "m.ini:5: [measurable] gpu_util: unknown feature, expected "
			       "mem_avail or util (mem_avail in bytes, util in [0, 1])");
	CU_ASSERT_STRING_EQUAL(map_error("[import]\nmodule = conv-bn-relu\nlatency = t\n"
					 "[sampling]\nbatch = N\ncin = C\ncout = O\nhw = L\n"
					 "kernel = K\nstride = S\n[measurable]\nmem_avail = M\n"
					 "util = U\n[inferable]\ndata_size = D\nparam_count = P\n"
					 "flops = F\nout_size = O2\n"),
			       "(no error)");
}

static void test_numbers(void)
{
	struct dataset ds;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(build(&ds, map_text,
				    "N,C_in,time_us\n"
				    "15.0,1e3,2000\n"
				    " 7 ,\" 3 \",1.5e3\n"
				    "-2,+0.25,\"1,\"\n",
				    err), -1);
	/* the last row's latency is "1," */
	CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 4, column 'time_us': '1,' is not a number");
	CU_ASSERT_EQUAL_FATAL(build(&ds, map_text,
				    "N,C_in,time_us\n"
				    "15.0,1e3,2000\n"
				    " 7 ,\" 3 \",1.5e3\n"
				    "-2,+0.25,\t1\t\n",
				    err), 0);
	CU_ASSERT_EQUAL(ds.n, 3);
	CU_ASSERT_EQUAL(ds.d, 2);
	CU_ASSERT_EQUAL(ds.features[0], 15.0);
	CU_ASSERT_EQUAL(ds.features[1], 1000.0);
	CU_ASSERT_EQUAL(ds.features[2], 7.0);
	CU_ASSERT_EQUAL(ds.features[3], 3.0);
	CU_ASSERT_EQUAL(ds.features[4], -2.0);
	CU_ASSERT_EQUAL(ds.features[5], 0.25);
	CU_ASSERT_EQUAL(ds.latency_ms[0], 2.0);
	CU_ASSERT_EQUAL(ds.latency_ms[1], 1.5);
	CU_ASSERT_EQUAL(ds.latency_ms[2], 0.001);
	dataset_release(&ds);
}

static void test_value_errors(void)
{
	struct dataset ds;
	char err[ERR_LEN];
	const char *head = "N,C_in,time_us\n1,2,3\n4,5,6\n\n8,9,10\n1,1,1\n7,8,";

	/* row 7: the header is row 1 and the blank line is row 4 */
	{
		char t[256];

		snprintf(t, sizeof(t), "%s%s", head, "abc\n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us': 'abc' is not a number");
		snprintf(t, sizeof(t), "%s%s", head, "\n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us' is empty, expected a number");
		snprintf(t, sizeof(t), "%s%s", head, " \n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us' is empty, expected a number");
		snprintf(t, sizeof(t), "%s%s", head, "nan\n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us': 'nan' is not a number");
		snprintf(t, sizeof(t), "%s%s", head, "inf\n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us': 'inf' is not a number");
		snprintf(t, sizeof(t), "%s%s", head, "1e999\n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us': '1e999' is out of range");
		snprintf(t, sizeof(t), "%s%s", head, "0x10\n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us': '0x10' is not a number");
		snprintf(t, sizeof(t), "%s%s", head, "0\n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us': '0' is not a "
					    "latency, expected a positive number of us");
		snprintf(t, sizeof(t), "%s%s", head, "-3\n");
		CU_ASSERT_EQUAL(build(&ds, map_text, t, err), -1);
		CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 7, column 'time_us': '-3' is not a "
					    "latency, expected a positive number of us");
	}
	/* a feature cell, a quoted cell with a line break shown on one line */
	CU_ASSERT_EQUAL(build(&ds, map_text, "N,C_in,time_us\n1,\"x\ny\",3\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 2, column 'C_in': 'x?y' is not a number");
	/* a missing column */
	CU_ASSERT_EQUAL(build(&ds, map_text, "N,Cin,time_us\n1,2,3\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "runs.csv: no column 'C_in' (the header has: N, Cin, time_us)");
	/* an ambiguous one */
	CU_ASSERT_EQUAL(build(&ds, map_text, "N,C_in,time_us,N\n1,2,3,4\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "runs.csv: column 'N' appears twice in the header "
				    "(columns 1 and 4)");
	/* a row with the wrong number of fields (the CSV reader's error) */
	CU_ASSERT_EQUAL(build(&ds, map_text, "N,C_in,time_us\n1,2,3\n1,2\n", err), -3);
	CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 3 has 2 fields, expected 3 as in the header");
	/* no data */
	CU_ASSERT_EQUAL(build(&ds, map_text, "N,C_in,time_us\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "runs.csv: no data rows after the header");
	CU_ASSERT_PTR_NULL(ds.features); /* left empty */
}

static void test_units(void)
{
	static const struct {
		const char *unit, *cell;
		double ms;
	} cases[] = {
		{ "us", "1500", 1.5 },       { "us", "100", 0.1 },       { "us", "7", 0.007 },
		{ "us", "1.5e3", 1.5 },      { "ns", "2500000", 2.5 },   { "ns", "300", 0.0003 },
		{ "s", "0.0125", 12.5 },     { "s", "0.001", 1.0 },      { "ms", "0.1", 0.1 },
		{ "ms", "2.5E-1", 0.25 },
		/* where x / 1000 in doubles misses the nearest double (checked in
		 * Python: 2.1 / 1e3 != 0.0021, 0.1 / 1e6 != 1e-07) */
		{ "us", "2.1", 0.0021 },     { "us", "4.9", 0.0049 },    { "ns", "0.1", 1e-07 },
		{ "ns", " 1.8e0 ", 1.8e-06 },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char map[256], csv[64], err[ERR_LEN];
		struct dataset ds;

		snprintf(map, sizeof(map),
			 "[import]\nmodule = linear\nlatency = t\nlatency_unit = %s\n"
			 "runs = a, b\n[sampling]\nbatch = N\n",
			 cases[k].unit);
		snprintf(csv, sizeof(csv), "N,t,a,b\n1,%s,%s,%s\n", cases[k].cell, cases[k].cell,
			 cases[k].cell);
		CU_ASSERT_EQUAL_FATAL(build(&ds, map, csv, err), 0);
		/* exact: one correctly rounded operation gives the nearest double */
		CU_ASSERT_EQUAL(ds.latency_ms[0], cases[k].ms);
		CU_ASSERT_EQUAL(ds.runs_ms[0], cases[k].ms);
		CU_ASSERT_EQUAL(ds.runs_ms[1], cases[k].ms);
		dataset_release(&ds);
	}
	/* the cases above do catch a division in doubles */
	CU_ASSERT(2.1 / 1e3 != 0.0021);
}

static void test_runs(void)
{
	const char *map = "[import]\nmodule = conv\nlatency = med\nruns = r1, r2, r3\n"
			  "[sampling]\nbatch = N\n";
	struct dataset ds;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(build(&ds, map, "N,r1,r2,r3,med\n1,3,1,2,2\n2,4,5,6,5\n", err), 0);
	CU_ASSERT_EQUAL(ds.r, 3);
	CU_ASSERT_EQUAL(ds.latency_ms[0], 2);
	CU_ASSERT_EQUAL(ds.runs_ms[0], 3);
	CU_ASSERT_EQUAL(ds.runs_ms[1], 1);
	CU_ASSERT_EQUAL(ds.runs_ms[2], 2);
	CU_ASSERT_EQUAL(ds.runs_ms[3], 4);
	CU_ASSERT_EQUAL(ds.runs_ms[5], 6);
	dataset_release(&ds);
	/* a run <= 0 is an error too */
	CU_ASSERT_EQUAL(build(&ds, map, "N,r1,r2,r3,med\n1,3,0,2,2\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 2, column 'r2': '0' is not a latency, "
				    "expected a positive number of ms");
	/* without runs the latency is the one run */
	CU_ASSERT_EQUAL_FATAL(build(&ds, map_text, "N,C_in,time_us\n1,2,250\n3,4,500\n", err), 0);
	CU_ASSERT_EQUAL(ds.r, 1);
	CU_ASSERT_EQUAL(ds.runs_ms[0], 0.25);
	CU_ASSERT_EQUAL(ds.runs_ms[1], 0.5);
	dataset_release(&ds);
}

static void test_split_column(void)
{
	const char *map = "[import]\nmodule = conv\nlatency = t\nsplit = part\n"
			  "[sampling]\nbatch = N\n";
	struct dataset ds;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(build(&ds, map,
				    "N,t,part\n1,1,test\n2,1,train\n3,1,Validation\n"
				    "4,1,2\n5,1,0\n6,1, 1 \n7,1,TRAIN\n",
				    err), 0);
	CU_ASSERT_EQUAL_FATAL(ds.n, 7);
	CU_ASSERT_EQUAL(ds.split[0], SPLIT_TEST);
	CU_ASSERT_EQUAL(ds.split[1], SPLIT_TRAIN);
	CU_ASSERT_EQUAL(ds.split[2], SPLIT_VALIDATION);
	CU_ASSERT_EQUAL(ds.split[3], SPLIT_TEST);
	CU_ASSERT_EQUAL(ds.split[4], SPLIT_TRAIN);
	CU_ASSERT_EQUAL(ds.split[5], SPLIT_VALIDATION);
	CU_ASSERT_EQUAL(ds.split[6], SPLIT_TRAIN);
	dataset_release(&ds);
	CU_ASSERT_EQUAL(build(&ds, map, "N,t,part\n1,1,train\n2,1,3\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "runs.csv: row 3, column 'part': '3' is not a split, "
				    "expected train, validation, test, 0, 1 or 2");
}

static void test_seeded_split(void)
{
	static const int ratio[3] = { 7, 1, 2 };
	char csv[4096], map[256], err[ERR_LEN];
	size_t i, len, count[3] = { 0, 0, 0 };
	struct dataset a, b;
	uint8_t want[100];

	len = (size_t)snprintf(csv, sizeof(csv), "N,t\n");
	for (i = 0; i < 100; i++)
		len += (size_t)snprintf(csv + len, sizeof(csv) - len, "%zu,%zu\n", i, i + 1);
	snprintf(map, sizeof(map), "[import]\nmodule = bn\nlatency = t\nseed = 9\n"
				   "[sampling]\nbatch = N\n");
	CU_ASSERT_EQUAL_FATAL(build(&a, map, csv, err), 0);
	for (i = 0; i < 100; i++)
		count[a.split[i]]++;
	CU_ASSERT_EQUAL(count[0], 70);
	CU_ASSERT_EQUAL(count[1], 10);
	CU_ASSERT_EQUAL(count[2], 20);
	dataset_assign_split(want, 100, ratio, 9);
	CU_ASSERT(!memcmp(a.split, want, 100));
	ASSERT_CLOSE(attrs_get(&a.attrs, "seed")->num, 9, 0);
	/* another seed, another split */
	snprintf(map, sizeof(map), "[import]\nmodule = bn\nlatency = t\nseed = 10\n"
				   "[sampling]\nbatch = N\n");
	CU_ASSERT_EQUAL_FATAL(build(&b, map, csv, err), 0);
	CU_ASSERT(memcmp(a.split, b.split, 100) != 0);
	dataset_release(&a);
	dataset_release(&b);
}

static void test_feature_order(void)
{
	const char *map = "[inferable]\nflops = F\nout_size = O\n"
			  "[measurable]\nutil = U\nmem_avail = M\n"
			  "[import]\nmodule = maxpool\nlatency = t\n"
			  "[sampling]\nkernel = K\nbatch = N\n";
	static const char *const names[] = { "kernel", "batch", "util", "mem_avail", "flops",
					     "out_size" };
	static const char *const kinds[] = { "sampling", "sampling", "measurable", "measurable",
					     "inferable", "inferable" };
	static const double row[] = { 3, 8, 0.5, 1e9, 1e6, 2e5 };
	struct dataset ds;
	char err[ERR_LEN];
	size_t j;

	CU_ASSERT_EQUAL_FATAL(build(&ds, map, "t,N,K,M,U,F,O,unused\n1,8,3,1e9,0.5,1e6,2e5,x\n",
				    err), 0);
	CU_ASSERT_EQUAL_FATAL(ds.d, 6);
	for (j = 0; j < 6; j++) {
		CU_ASSERT_STRING_EQUAL(ds.names[j], names[j]);
		CU_ASSERT_STRING_EQUAL(ds.kinds[j], kinds[j]);
		CU_ASSERT_EQUAL(ds.features[j], row[j]);
	}
	CU_ASSERT_STRING_EQUAL(attrs_str(&ds.attrs, "module"), "maxpool");
	dataset_release(&ds);
}

static void test_round_trip(void)
{
	const char *csv = write_file("rt.csv",
				     "\xef\xbb\xbf\"N\",C_in,time_us,split,r1,r2\r\n"
				     "1,3,1500,train,1400,1600\r\n"
				     "\r\n"
				     "64,512,\"2,5e3\",test,1,2\r\n");
	const char *map = write_file("rt.ini",
				     "[import]\nmodule = conv\nlatency = time_us\n"
				     "latency_unit = us\nruns = r1, r2\nsplit = split\n"
				     "environment = dynamic\nseed = 5\n"
				     "[sampling]\nbatch = N\ncin = C_in\n");
	const char *out = tmp("rt.h5");
	char err[ERR_LEN], sum[17];
	struct dataset a, b;
	size_t i;

	h5_quiet();
	/* "2,5e3" (a decimal comma) is not a number: no dataset, no file */
	CU_ASSERT_EQUAL(import_csv(&a, csv, map, "foreign", err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "rt.csv: row 4, column 'time_us': '2,5e3' is not a "
					   "number"));
	CU_ASSERT_PTR_NULL(a.features);

	csv = write_file("rt.csv", "\xef\xbb\xbf\"N\",C_in,time_us,split,r1,r2\r\n"
				   "1,3,1500,train,1400,1600\r\n"
				   "\r\n"
				   "64,512,2.5e3,test,1,2\r\n");
	CU_ASSERT_EQUAL_FATAL(import_csv(&a, csv, map, "foreign", err), 0);
	CU_ASSERT_EQUAL_FATAL(dataset_write(&a, out, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL_FATAL(dataset_read(&b, out, DATASET_FORMAT, DATASET_VERSION, err), 0);
	CU_ASSERT_EQUAL_FATAL(b.n, 2);
	CU_ASSERT_EQUAL_FATAL(b.d, 2);
	CU_ASSERT_EQUAL_FATAL(b.r, 2);
	CU_ASSERT_EQUAL(b.features[0], 1);
	CU_ASSERT_EQUAL(b.features[1], 3);
	CU_ASSERT_EQUAL(b.features[2], 64);
	CU_ASSERT_EQUAL(b.features[3], 512);
	CU_ASSERT_EQUAL(b.latency_ms[0], 1.5);
	CU_ASSERT_EQUAL(b.latency_ms[1], 2.5);
	CU_ASSERT_EQUAL(b.runs_ms[0], 1.4);
	CU_ASSERT_EQUAL(b.runs_ms[1], 1.6);
	CU_ASSERT_EQUAL(b.runs_ms[2], 0.001);
	CU_ASSERT_EQUAL(b.runs_ms[3], 0.002);
	CU_ASSERT_EQUAL(b.split[0], SPLIT_TRAIN);
	CU_ASSERT_EQUAL(b.split[1], SPLIT_TEST);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(a.features[i], b.features[i]);
	CU_ASSERT_STRING_EQUAL(b.names[1], "cin");
	CU_ASSERT_STRING_EQUAL(b.kinds[1], "sampling");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "format"), DATASET_FORMAT);
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "module"), "conv");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "environment"), "dynamic");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "backend"), "import");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "backend_version"), "");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "experiment"), "foreign");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "host_cpu"), "unknown");
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "source"), csv);
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "tool_version"), MODLAT_VERSION);
	CU_ASSERT_EQUAL(file_checksum(csv, sum, err), 0);
	CU_ASSERT_STRING_EQUAL(attrs_str(&b.attrs, "source_checksum"), sum);
	CU_ASSERT_EQUAL(strlen(attrs_str(&b.attrs, "created")), 20);
	ASSERT_CLOSE(attrs_get(&b.attrs, "seed")->num, 5, 0);
	ASSERT_CLOSE(attrs_get(&b.attrs, "threads")->num, 0, 0);
	dataset_release(&a);
	dataset_release(&b);

	/* created is the CSV's modification time or the map's date, never the
	 * import's: importing twice gives the same bytes */
	{
		const char *o2 = tmp("rt2.h5");
		char s1[17], s2[17];
		struct timespec ts[2] = { { 86400 * 365, 0 }, { 86400 * 365, 0 } };

		CU_ASSERT_EQUAL_FATAL(utimensat(AT_FDCWD, csv, ts, 0), 0);
		CU_ASSERT_EQUAL_FATAL(import_csv(&a, csv, map, "foreign", err), 0);
		CU_ASSERT_STRING_EQUAL(attrs_str(&a.attrs, "created"), "1971-01-01T00:00:00Z");
		CU_ASSERT_EQUAL_FATAL(dataset_write(&a, out, DATASET_FORMAT, DATASET_VERSION, err), 0);
		dataset_release(&a);
		sleep(1);
		CU_ASSERT_EQUAL_FATAL(import_csv(&a, csv, map, "foreign", err), 0);
		CU_ASSERT_EQUAL_FATAL(dataset_write(&a, o2, DATASET_FORMAT, DATASET_VERSION, err), 0);
		dataset_release(&a);
		CU_ASSERT_EQUAL(file_checksum(out, s1, err), 0);
		CU_ASSERT_EQUAL(file_checksum(o2, s2, err), 0);
		CU_ASSERT_STRING_EQUAL(s1, s2);
		map = write_file("rt.ini", "[import]\nmodule = conv\nlatency = time_us\n"
					   "date = 2024-05-01\n[sampling]\nbatch = N\n");
		CU_ASSERT_EQUAL_FATAL(import_csv(&a, csv, map, "foreign", err), 0);
		CU_ASSERT_STRING_EQUAL(attrs_str(&a.attrs, "created"), "2024-05-01T00:00:00Z");
		dataset_release(&a);
	}
}

UNIT_SUITE("import", UNIT_TEST(test_map), UNIT_TEST(test_map_errors),
	   UNIT_TEST(test_map_features), UNIT_TEST(test_numbers),
	   UNIT_TEST(test_value_errors), UNIT_TEST(test_units), UNIT_TEST(test_runs),
	   UNIT_TEST(test_split_column), UNIT_TEST(test_seeded_split),
	   UNIT_TEST(test_feature_order), UNIT_TEST(test_round_trip));
