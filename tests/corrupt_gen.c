/* corrupt_gen - a seeded corpus of damaged copies of modlat's HDF5 files.
 *
 *   corrupt_gen SEED COUNT OUTDIR FILE...
 *
 * Writes COUNT mutants, round-robin over FILE..., as OUTDIR/NNNN.KIND.BASE
 * (BASE the file's own name, so that a reader that goes by the name still
 * takes it for what it was). Kinds:
 *   flip   1 to 4 bytes xor'ed with a random non-zero byte, at offsets drawn
 *          mostly (3 in 4) from the first 4 KiB, where HDF5 keeps metadata
 *   trunc  the file cut at a random length
 *   zero   a run of 4 to 64 bytes set to 0x00 (0xff for kind 'ones')
 *   struct an edit through the HDF5 API: a dataset deleted, replaced by one
 *          of another shape, rank or type, or filled with NaN, -1 or 1e308;
 *          an attribute deleted, retyped or given a long string
 * The same SEED gives the same corpus (xorshift64*, no libc rand). Used by
 * tests/corrupt.sh; prints one line per mutant: NAME KIND DETAIL.
 */
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 2685821657736338717ULL;
}

static size_t below(size_t n)
{
	return n ? (size_t)(next() % n) : 0;
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(len > 0 ? (size_t)len : 1);
	if (!b || fread(b, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	*n = (size_t)len;
	return b;
}

static int spill(const char *path, const unsigned char *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(b, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* ---- structural edits ---------------------------------------------------- */

struct names {
	char *v[256];
	int n;
};

static herr_t collect(hid_t o, const char *name, const H5O_info_t *info, void *ud)
{
	struct names *s = ud;

	if (info->type == H5O_TYPE_DATASET && s->n < 256)
		s->v[s->n++] = strdup(name);
	return 0;
}

static herr_t collect_attr(hid_t o, const char *name, const H5A_info_t *info, void *ud)
{
	struct names *s = ud;

	if (s->n < 256)
		s->v[s->n++] = strdup(name);
	return 0;
}

static void names_free(struct names *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
}

/* Replaces dataset `name` by one of rank `rank`, dims d, of type t, filled
 * with `fill` (numbers) or "x" strings. */
static int replace(hid_t f, const char *name, int rank, const hsize_t *d, hid_t t, double fill)
{
	hid_t sp, ds;
	hsize_t n = 1;
	int i, rc;
	void *buf;

	if (H5Ldelete(f, name, H5P_DEFAULT) < 0)
		return -1;
	for (i = 0; i < rank; i++)
		n *= d[i];
	sp = H5Screate_simple(rank, d, NULL);
	ds = H5Dcreate2(f, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	H5Sclose(sp);
	if (ds < 0)
		return -1;
	if (H5Tget_class(t) == H5T_STRING) {
		size_t sz = H5Tget_size(t);

		buf = calloc(n ? n : 1, sz);
		for (i = 0; i < (int)n; i++)
			((char *)buf)[i * sz] = 'x';
		rc = H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
	} else {
		buf = malloc((n ? n : 1) * sizeof(double));
		for (i = 0; i < (int)n; i++)
			((double *)buf)[i] = fill;
		rc = n ? H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
	}
	free(buf);
	H5Dclose(ds);
	return rc < 0 ? -1 : 0;
}

static int structural(const char *path, char *detail, size_t len)
{
	hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), ds, sp, t;
	struct names s = { { 0 }, 0 };
	hsize_t d[3] = { 0, 0, 0 }, nd[3];
	int rank, what, rc = 0;
	const char *name;

	if (f < 0)
		return -1;
	what = (int)below(10);
	if (what >= 8) { /* attributes of the root group */
		H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_attr, &s);
		if (!s.n) {
			H5Fclose(f);
			return -1;
		}
		name = s.v[below((size_t)s.n)];
		H5Adelete(f, name);
		if (what == 8) {
			snprintf(detail, len, "attribute %s deleted", name);
		} else {
			/* retyped: a number where a string was and the other way round,
			 * or a 5000-byte string */
			int k = (int)below(3);
			hid_t a, as = H5Screate(H5S_SCALAR);

			if (k == 0) {
				double v = -1e308;

				a = H5Acreate2(f, name, H5T_IEEE_F64LE, as, H5P_DEFAULT, H5P_DEFAULT);
				H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
				snprintf(detail, len, "attribute %s made -1e308", name);
			} else {
				size_t n = k == 1 ? 5000 : 3;
				char *v = malloc(n);

				memset(v, k == 1 ? 'y' : 'z', n - 1);
				v[n - 1] = 0;
				t = H5Tcopy(H5T_C_S1);
				H5Tset_size(t, n);
				a = H5Acreate2(f, name, t, as, H5P_DEFAULT, H5P_DEFAULT);
				H5Awrite(a, t, v);
				H5Tclose(t);
				free(v);
				snprintf(detail, len, "attribute %s made a %zu-byte string", name, n - 1);
			}
			H5Aclose(a);
			H5Sclose(as);
		}
		names_free(&s);
		H5Fclose(f);
		return 0;
	}
	H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, collect, &s);
	if (!s.n) {
		H5Fclose(f);
		return -1;
	}
	name = s.v[below((size_t)s.n)];
	ds = H5Dopen2(f, name, H5P_DEFAULT);
	sp = H5Dget_space(ds);
	rank = H5Sget_simple_extent_ndims(sp);
	if (rank > 3)
		rank = 3;
	H5Sget_simple_extent_dims(sp, d, NULL);
	H5Sclose(sp);
	H5Dclose(ds);
	memcpy(nd, d, sizeof(d));
	switch (what) {
	case 0:
		rc = H5Ldelete(f, name, H5P_DEFAULT);
		snprintf(detail, len, "dataset %s deleted", name);
		break;
	case 1: /* one row more or fewer */
		nd[0] = d[0] ? d[0] + (below(2) ? 1 : -1) : 1;
		rc = replace(f, name, rank ? rank : 1, nd, H5T_IEEE_F64LE, 1.0);
		snprintf(detail, len, "dataset %s given %llu rows", name, (unsigned long long)nd[0]);
		break;
	case 2: /* another column count, or a column where a vector was */
		if (rank == 2) {
			nd[1] = d[1] + 1 + below(3);
			rc = replace(f, name, 2, nd, H5T_IEEE_F64LE, 1.0);
		} else {
			nd[1] = 2;
			rc = replace(f, name, 2, nd, H5T_IEEE_F64LE, 1.0);
		}
		snprintf(detail, len, "dataset %s made (%llu, %llu)", name, (unsigned long long)nd[0],
			 (unsigned long long)nd[1]);
		break;
	case 3: /* rank 3 */
		nd[0] = d[0] ? d[0] : 1;
		nd[1] = 2;
		nd[2] = 2;
		rc = replace(f, name, 3, nd, H5T_IEEE_F64LE, 1.0);
		snprintf(detail, len, "dataset %s made rank 3", name);
		break;
	case 4: /* strings where numbers were, numbers where strings were */
		t = H5Tcopy(H5T_C_S1);
		H5Tset_size(t, 4);
		ds = H5Dopen2(f, name, H5P_DEFAULT);
		{
			hid_t ft = H5Dget_type(ds);
			int was_str = H5Tget_class(ft) == H5T_STRING;

			H5Tclose(ft);
			H5Dclose(ds);
			if (!rank)
				rank = 1, nd[0] = 1;
			rc = was_str ? replace(f, name, rank, nd, H5T_IEEE_F64LE, 3.0)
				     : replace(f, name, rank, nd, t, 0);
			snprintf(detail, len, "dataset %s retyped", name);
		}
		H5Tclose(t);
		break;
	case 5:
	case 6:
	case 7: { /* same shape, absurd values */
		static const double vals[] = { 0.0 / 0.0, -1.0, 1e308, 0.0, 1e9, -1e308 };
		double v = vals[below(6)];

		if (!rank)
			rank = 1, nd[0] = 1;
		rc = replace(f, name, rank, nd, H5T_IEEE_F64LE, v);
		snprintf(detail, len, "dataset %s filled with %g", name, v);
		break;
	}
	}
	names_free(&s);
	H5Fclose(f);
	return rc < 0 ? -1 : 0;
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static const char *kinds[] = { "flip", "flip", "flip", "trunc", "zero", "ones",
				       "struct", "struct", "struct" };
	unsigned long long seed;
	int count, i, nfiles;

	if (argc < 5) {
		fprintf(stderr, "usage: corrupt_gen SEED COUNT OUTDIR FILE...\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 10);
	count = atoi(argv[2]);
	nfiles = argc - 4;
	state = seed * 0x9E3779B97F4A7C15ULL + 1;
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	for (i = 0; i < count; i++) {
		const char *src = argv[4 + i % nfiles], *base = strrchr(src, '/');
		const char *kind = kinds[below(sizeof(kinds) / sizeof(*kinds))];
		char out[4096], detail[512] = "";
		unsigned char *b;
		size_t n = 0, k, off, len;

		base = base ? base + 1 : src;
		snprintf(out, sizeof(out), "%s/%04d.%s.%s", argv[3], i, kind, base);
		b = slurp(src, &n);
		if (!b || n < 16) {
			fprintf(stderr, "corrupt_gen: cannot read %s\n", src);
			return 1;
		}
		if (!strcmp(kind, "flip")) {
			int nflip = 1 + (int)below(4);
			size_t lim = n < 4096 ? n : 4096;

			for (k = 0; k < (size_t)nflip; k++) {
				unsigned char x = (unsigned char)(1 + below(255));

				off = below(4) ? below(lim) : below(n);
				b[off] ^= x;
				snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
					 "%s%zu^%02x", k ? "," : "", off, x);
			}
		} else if (!strcmp(kind, "trunc")) {
			n = below(n);
			snprintf(detail, sizeof(detail), "at %zu", n);
		} else if (!strcmp(kind, "zero") || !strcmp(kind, "ones")) {
			len = 4 + below(61);
			off = below(n < 4096 ? n : 4096);
			if (off + len > n)
				len = n - off;
			memset(b + off, kind[0] == 'z' ? 0 : 0xff, len);
			snprintf(detail, sizeof(detail), "%zu bytes at %zu", len, off);
		}
		if (spill(out, b, n) < 0) {
			fprintf(stderr, "corrupt_gen: cannot write %s\n", out);
			return 1;
		}
		free(b);
		if (!strcmp(kind, "struct") && structural(out, detail, sizeof(detail)) < 0) {
			/* nothing to edit: a byte flip instead */
			b = slurp(src, &n);
			off = below(n);
			b[off] ^= 0x40;
			spill(out, b, n);
			free(b);
			snprintf(detail, sizeof(detail), "fallback flip %zu^40", off);
		}
		printf("%s %s %s\n", out, kind, detail);
	}
	return 0;
}
