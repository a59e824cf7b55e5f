/* The CSV reader: RFC 4180 quoting, line ends, blank lines, BOM, errors. */
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "unit.h"

static int parse(struct csv *c, const char *text, char *err)
{
	return csv_parse(c, text, strlen(text), "t.csv", err);
}

static void test_plain(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(&c, "a,b,c\n1,2,3\n4,5,6\n", err), 0);
	CU_ASSERT_EQUAL(c.ncols, 3);
	CU_ASSERT_EQUAL(c.nrows, 2);
	CU_ASSERT_STRING_EQUAL(c.header[0], "a");
	CU_ASSERT_STRING_EQUAL(c.header[2], "c");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 0), "1");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 2), "6");
	CU_ASSERT_EQUAL(c.row[0], 2);
	CU_ASSERT_EQUAL(c.row[1], 3);
	CU_ASSERT_EQUAL(csv_column(&c, "b"), 1);
	CU_ASSERT_EQUAL(csv_column(&c, "d"), -1);
	csv_release(&c);
}

static void test_quoted(void)
{
	struct csv c;
	char err[ERR_LEN];
	/* commas, doubled quotes and a CRLF line break inside quotes; an empty
	 * quoted field; spaces around a quoted field are dropped */
	const char *t = "name,note,x\n"
			"\"a,b\",\"say \"\"hi\"\"\",1\n"
			"\"two\r\nlines\",\"\", \"3\" \n"
			"plain,\"\"\"\",4\n";

	CU_ASSERT_EQUAL_FATAL(parse(&c, t, err), 0);
	CU_ASSERT_EQUAL(c.nrows, 3);
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 0), "a,b");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 1), "say \"hi\"");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 0), "two\r\nlines");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 1), "");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 2), "3");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 2, 1), "\"");
	/* the two-line row is one row, as a spreadsheet shows it */
	CU_ASSERT_EQUAL(c.row[1], 3);
	CU_ASSERT_EQUAL(c.row[2], 4);
	csv_release(&c);
}

static void test_quoted_header(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(&c, "\"time, us\", N \n5,6\n", err), 0);
	CU_ASSERT_STRING_EQUAL(c.header[0], "time, us");
	CU_ASSERT_STRING_EQUAL(c.header[1], " N ");
	CU_ASSERT_EQUAL(csv_column(&c, "time, us"), 0);
	CU_ASSERT_EQUAL(csv_column(&c, "N"), 1); /* matched without the spaces */
	csv_release(&c);
}

static void test_unquoted_spaces_kept(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(&c, "a,b\n 15.0 ,x y\n", err), 0);
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 0), " 15.0 ");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 1), "x y");
	csv_release(&c);
}

static void test_blank_lines(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(&c, "\na,b\n\n1,2\n  \t\n3,4\n\n\n", err), 0);
	CU_ASSERT_EQUAL(c.nrows, 2);
	CU_ASSERT_STRING_EQUAL(c.header[0], "a");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 1), "4");
	/* blank lines count as rows: header on row 2, data on rows 4 and 6 */
	CU_ASSERT_EQUAL(c.row[0], 4);
	CU_ASSERT_EQUAL(c.row[1], 6);
	csv_release(&c);
}

static void test_line_ends(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(&c, "a,b\r\n1,2\r\n\r\n3,4", err), 0);
	CU_ASSERT_EQUAL(c.nrows, 2);
	CU_ASSERT_STRING_EQUAL(c.header[1], "b"); /* no '\r' left over */
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 1), "2");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 1), "4"); /* no final line end */
	CU_ASSERT_EQUAL(c.row[1], 4);
	csv_release(&c);
	/* old Mac line ends */
	CU_ASSERT_EQUAL_FATAL(parse(&c, "a,b\r1,2\r3,4\r", err), 0);
	CU_ASSERT_EQUAL(c.nrows, 2);
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 0), "3");
	csv_release(&c);
}

static void test_bom(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(&c, "\xef\xbb\xbfN,t\n1,2\n", err), 0);
	CU_ASSERT_STRING_EQUAL(c.header[0], "N");
	CU_ASSERT_EQUAL(csv_column(&c, "N"), 0);
	csv_release(&c);
	/* only at the very start: a BOM later is data */
	CU_ASSERT_EQUAL_FATAL(parse(&c, "N\n\xef\xbb\xbf" "1\n", err), 0);
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 0), "\xef\xbb\xbf" "1");
	csv_release(&c);
	/* only the whole 3-byte mark is skipped */
	CU_ASSERT_EQUAL_FATAL(parse(&c, "\xef\xbbN,b\n1,2\n", err), 0);
	CU_ASSERT_STRING_EQUAL(c.header[0], "\xef\xbbN");
	csv_release(&c);
}

static void test_empty_fields(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(&c, "a,b,c\n,,\n1,,3", err), 0);
	CU_ASSERT_EQUAL(c.nrows, 2);
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 0), "");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 2), "");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 1), "");
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 1, 2), "3");
	csv_release(&c);
}

static void test_header_only(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(&c, "a,b\n", err), 0);
	CU_ASSERT_EQUAL(c.ncols, 2);
	CU_ASSERT_EQUAL(c.nrows, 0);
	csv_release(&c);
}

static void test_errors(void)
{
	struct csv c;
	char err[ERR_LEN];

	CU_ASSERT_EQUAL(parse(&c, "a,b\n1,2\n3\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.csv: row 3 has 1 field, expected 2 as in the header");
	CU_ASSERT_PTR_NULL(c.cells); /* left empty */
	csv_release(&c);

	CU_ASSERT_EQUAL(parse(&c, "a,b\n1,2\n\n3,4,5\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.csv: row 4 has 3 fields, expected 2 as in the header");

	CU_ASSERT_EQUAL(parse(&c, "a,b\n1,2\n3,\"4\n5,6\n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.csv: row 3, column 2: a quoted field is not closed "
				    "(no '\"' before the end of the file)");

	CU_ASSERT_EQUAL(parse(&c, "a,b,c\n1,\"2\"x,3\n", err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.csv: row 2, column 2: 'x' after a closing quote"));

	CU_ASSERT_EQUAL(csv_parse(&c, "a,b\n1,\0", 7, "t.csv", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.csv: row 2, column 2: a NUL byte");
	/* inside a quoted field too: refused, not a cell cut short at the NUL */
	CU_ASSERT_EQUAL(csv_parse(&c, "a,b\n1,\"x\0y\"\n", 11, "t.csv", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.csv: row 2, column 2: a NUL byte");
	CU_ASSERT_PTR_NULL(c.cells);

	CU_ASSERT_EQUAL(parse(&c, "", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.csv: no header row (the file is empty)");
	CU_ASSERT_EQUAL(parse(&c, "\xef\xbb\xbf\r\n \n", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.csv: no header row (the file is empty)");
}

static void test_read_file(void)
{
	char path[512], err[ERR_LEN];
	struct csv c;
	FILE *f;

	snprintf(path, sizeof(path), "%s/read.csv", unit_tmpdir());
	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("x,y\r\n\"1,5\",2\r\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(csv_read(&c, path, err), 0);
	CU_ASSERT_EQUAL(c.nrows, 1);
	CU_ASSERT_STRING_EQUAL(csv_cell(&c, 0, 0), "1,5");
	csv_release(&c);

	snprintf(path, sizeof(path), "%s/missing.csv", unit_tmpdir());
	CU_ASSERT_EQUAL(csv_read(&c, path, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing.csv: No such file"));
}

UNIT_SUITE("csv", UNIT_TEST(test_plain), UNIT_TEST(test_quoted), UNIT_TEST(test_quoted_header),
	   UNIT_TEST(test_unquoted_spaces_kept), UNIT_TEST(test_blank_lines),
	   UNIT_TEST(test_line_ends), UNIT_TEST(test_bom), UNIT_TEST(test_empty_fields),
	   UNIT_TEST(test_header_only), UNIT_TEST(test_errors), UNIT_TEST(test_read_file));
