#include "h5io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void h5_quiet(void)
{
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* The file name behind an object, for messages. */
static const char *where(hid_t loc, char *buf, size_t len)
{
	if (H5Fget_name(loc, buf, len) < 0)
		snprintf(buf, len, "(hdf5 file)");
	return buf;
}

#define FAIL(loc, ...)                                              \
	do {                                                        \
		char w_[1024], m_[ERR_LEN];                         \
		snprintf(m_, sizeof(m_), __VA_ARGS__);              \
		return err_set(err, "%s: %s", where(loc, w_, sizeof(w_)), m_); \
	} while (0)

int h5_create(struct h5_out *out, const char *path, const char *format, int version, char *err)
{
	hid_t fcpl;

	memset(out, 0, sizeof(*out));
	out->file = H5I_INVALID_HID;
	snprintf(out->path, sizeof(out->path), "%s", path);
	snprintf(out->tmp, sizeof(out->tmp), "%s.tmp.%ld", path, (long)getpid());
	fcpl = H5Pcreate(H5P_FILE_CREATE);
	if (fcpl < 0)
		return err_set(err, "%s: cannot create hdf5 property list", path);
	/* no object timestamps anywhere: same content, same bytes */
	H5Pset_obj_track_times(fcpl, 0);
	out->file = H5Fcreate(out->tmp, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
	H5Pclose(fcpl);
	if (out->file < 0) {
		int e = errno;
		out->file = H5I_INVALID_HID;
		return err_set(err, "%s: cannot create file (%s)", out->tmp,
			       e ? strerror(e) : "hdf5 error");
	}
	if (h5_attr_write_str(out->file, "format", format, err) < 0 ||
	    h5_attr_write_i64(out->file, "format_version", version, err) < 0) {
		h5_abort(out);
		return -1;
	}
	return 0;
}

int h5_commit(struct h5_out *out, char *err)
{
	int fd;

	if (H5Fclose(out->file) < 0) {
		out->file = H5I_INVALID_HID;
		h5_abort(out);
		return err_set(err, "%s: cannot close file", out->tmp);
	}
	out->file = H5I_INVALID_HID;
	fd = open(out->tmp, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	if (rename(out->tmp, out->path) < 0) {
		int e = errno;
		unlink(out->tmp);
		return err_set(err, "%s: cannot rename into place (%s)", out->path, strerror(e));
	}
	out->tmp[0] = 0;
	return 0;
}

void h5_abort(struct h5_out *out)
{
	if (out->file > 0)
		H5Fclose(out->file);
	out->file = H5I_INVALID_HID;
	if (out->tmp[0])
		unlink(out->tmp);
	out->tmp[0] = 0;
}

int h5_open(const char *path, const char *format, int version, hid_t *file, char *err)
{
	char *fmt = NULL;
	int64_t v;
	hid_t f;

	*file = H5I_INVALID_HID;
	if (access(path, R_OK) < 0)
		return err_set(err, "%s: %s", path, strerror(errno));
	if (H5Fis_hdf5(path) <= 0)
		return err_set(err, "%s: not an hdf5 file (or truncated), expected a %s file", path,
			       format);
	f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	if (f < 0)
		return err_set(err, "%s: cannot open as hdf5 (truncated or damaged?)", path);
	if (!h5_attr_exists(f, "format") || h5_attr_read_str(f, "format", &fmt, err) < 0) {
		H5Fclose(f);
		return err_set(err, "%s: no 'format' attribute, not a %s file", path, format);
	}
	if (strcmp(fmt, format)) {
		err_set(err, "%s: format is '%s', expected '%s'", path, fmt, format);
		free(fmt);
		H5Fclose(f);
		return -1;
	}
	free(fmt);
	if (h5_attr_read_i64(f, "format_version", &v, err) < 0) {
		H5Fclose(f);
		return -1;
	}
	if (v != version) {
		H5Fclose(f);
		return err_set(err, "%s: format_version is %lld, this tool reads version %d", path,
			       (long long)v, version);
	}
	*file = f;
	return 0;
}

void h5_close(hid_t file)
{
	if (file > 0)
		H5Fclose(file);
}

int h5_group(hid_t loc, const char *name, hid_t *group, char *err)
{
	hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);

	H5Pset_obj_track_times(gcpl, 0);
	*group = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
	H5Pclose(gcpl);
	if (*group < 0)
		FAIL(loc, "cannot create group '%s'", name);
	return 0;
}

int h5_open_group(hid_t loc, const char *name, hid_t *group, char *err)
{
	if (!h5_exists(loc, name))
		FAIL(loc, "group '%s' is missing", name);
	*group = H5Gopen2(loc, name, H5P_DEFAULT);
	if (*group < 0)
		FAIL(loc, "cannot open group '%s'", name);
	return 0;
}

int h5_exists(hid_t loc, const char *name)
{
	return H5Lexists(loc, name, H5P_DEFAULT) > 0;
}

int h5_attr_exists(hid_t loc, const char *name)
{
	return H5Aexists(loc, name) > 0;
}

static int attr_write(hid_t loc, const char *name, hid_t type, const void *value, char *err)
{
	hid_t space = H5Screate(H5S_SCALAR), a;
	herr_t st;

	if (H5Aexists(loc, name) > 0)
		H5Adelete(loc, name);
	a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
	H5Sclose(space);
	if (a < 0)
		FAIL(loc, "cannot create attribute '%s'", name);
	st = H5Awrite(a, type, value);
	H5Aclose(a);
	if (st < 0)
		FAIL(loc, "cannot write attribute '%s'", name);
	return 0;
}

static hid_t str_type(void)
{
	hid_t t = H5Tcopy(H5T_C_S1);

	H5Tset_size(t, H5T_VARIABLE);
	H5Tset_cset(t, H5T_CSET_UTF8);
	return t;
}

int h5_attr_write_str(hid_t loc, const char *name, const char *value, char *err)
{
	hid_t t = str_type();
	int rc = attr_write(loc, name, t, &value, err);

	H5Tclose(t);
	return rc;
}

int h5_attr_write_f64(hid_t loc, const char *name, double value, char *err)
{
	return attr_write(loc, name, H5T_IEEE_F64LE, &value, err);
}

int h5_attr_write_i64(hid_t loc, const char *name, int64_t value, char *err)
{
	return attr_write(loc, name, H5T_STD_I64LE, &value, err);
}

static int attr_read(hid_t loc, const char *name, hid_t memtype, void *value, char *err)
{
	hid_t a, space;
	herr_t st;

	if (H5Aexists(loc, name) <= 0)
		FAIL(loc, "attribute '%s' is missing", name);
	a = H5Aopen(loc, name, H5P_DEFAULT);
	if (a < 0)
		FAIL(loc, "cannot open attribute '%s'", name);
	space = H5Aget_space(a);
	if (H5Sget_simple_extent_npoints(space) != 1) {
		H5Sclose(space);
		H5Aclose(a);
		FAIL(loc, "attribute '%s' is not a scalar", name);
	}
	H5Sclose(space);
	st = H5Aread(a, memtype, value);
	H5Aclose(a);
	if (st < 0)
		FAIL(loc, "attribute '%s' has the wrong type", name);
	return 0;
}

/* Fixed-length strings (h5py's np.bytes_ / np.array(names, "S"), or any
 * tool's): n cells of size bytes each in buf, null- or space-padded or
 * null-terminated, ASCII or UTF-8 (the bytes are kept as they are). Returns
 * n new strings with the padding dropped, or NULL when out of memory. */
static char **fixed_strings(const char *buf, size_t n, size_t size, H5T_str_t pad)
{
	char **out = calloc(n ? n : 1, sizeof(*out));
	size_t i, len;

	for (i = 0; out && i < n; i++) {
		const char *cell = buf + i * size;

		len = strnlen(cell, size);
		if (pad == H5T_STR_SPACEPAD)
			while (len > 0 && cell[len - 1] == ' ')
				len--;
		out[i] = strndup(cell, len);
		if (!out[i]) {
			while (i > 0)
				free(out[--i]);
			free(out);
			return NULL;
		}
	}
	return out;
}

int h5_attr_read_str(hid_t loc, const char *name, char **value, char *err)
{
	hid_t t = str_type(), a, ft;
	char *s = NULL;
	int rc;

	*value = NULL;
	if (H5Aexists(loc, name) > 0) {
		a = H5Aopen(loc, name, H5P_DEFAULT);
		ft = a >= 0 ? H5Aget_type(a) : -1;
		if (ft < 0 || H5Tget_class(ft) != H5T_STRING) {
			if (ft >= 0)
				H5Tclose(ft);
			if (a >= 0)
				H5Aclose(a);
			H5Tclose(t);
			FAIL(loc, "attribute '%s' is not a string", name);
		}
		if (!H5Tis_variable_str(ft)) { /* a fixed-length string */
			size_t size = H5Tget_size(ft);
			H5T_str_t pad = H5Tget_strpad(ft);
			hid_t mt = H5Tcopy(ft); /* the same bytes, no conversion */
			char *buf = size ? calloc(1, size) : NULL, **one = NULL;

			H5Tclose(ft);
			H5Aclose(a);
			H5Tclose(t);
			rc = !buf || mt < 0 ? err_set(err, "out of memory reading attribute '%s'", name)
					    : attr_read(loc, name, mt, buf, err);
			if (rc == 0 && !(one = fixed_strings(buf, 1, size, pad)))
				rc = err_set(err, "out of memory reading attribute '%s'", name);
			if (mt >= 0)
				H5Tclose(mt);
			free(buf);
			if (rc < 0)
				return rc;
			*value = one[0];
			free(one);
			return 0;
		}
		H5Tclose(ft);
		H5Aclose(a);
	}
	rc = attr_read(loc, name, t, &s, err);
	H5Tclose(t);
	if (rc < 0) {
		H5free_memory(s); /* NULL unless HDF5 failed after allocating */
		return rc;
	}
	*value = xstrdup(s ? s : "", err);
	H5free_memory(s);
	return *value ? 0 : -1;
}

int h5_attr_read_f64(hid_t loc, const char *name, double *value, char *err)
{
	return attr_read(loc, name, H5T_NATIVE_DOUBLE, value, err);
}

int h5_attr_read_i64(hid_t loc, const char *name, int64_t *value, char *err)
{
	return attr_read(loc, name, H5T_NATIVE_INT64, value, err);
}

/* Arrays of at least this many elements are compressed when asked. */
#define COMPRESS_MIN 4096

static int write_array_z(hid_t loc, const char *name, int rank, const size_t *dims,
			 hid_t filetype, hid_t memtype, const void *data, int compress, char *err)
{
	hsize_t hd[2] = { dims[0], rank == 2 ? dims[1] : 1 };
	hid_t space, dcpl, ds;
	herr_t st = 0;

	space = H5Screate_simple(rank, hd, NULL);
	dcpl = H5Pcreate(H5P_DATASET_CREATE);
	H5Pset_obj_track_times(dcpl, 0);
	if (compress && hd[0] * hd[1] >= COMPRESS_MIN) {
		/* byte shuffle, then deflate: doubles compress 2-4x this way;
		 * chunks of whole rows */
		hsize_t chunk[2] = { hd[0], hd[1] };

		if (chunk[0] * chunk[1] > 65536)
			chunk[0] = 65536 / chunk[1] ? 65536 / chunk[1] : 1;
		if (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
		    H5Pset_deflate(dcpl, 6) < 0) {
			H5Pclose(dcpl);
			H5Sclose(space);
			FAIL(loc, "cannot set up compression of dataset '%s'", name);
		}
	}
	ds = H5Dcreate2(loc, name, filetype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	H5Pclose(dcpl);
	H5Sclose(space);
	if (ds < 0)
		FAIL(loc, "cannot create dataset '%s'", name);
	if (hd[0] * hd[1] > 0)
		st = H5Dwrite(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
	H5Dclose(ds);
	if (st < 0)
		FAIL(loc, "cannot write dataset '%s'", name);
	return 0;
}

static int write_array(hid_t loc, const char *name, int rank, const size_t *dims, hid_t filetype,
		       hid_t memtype, const void *data, char *err)
{
	return write_array_z(loc, name, rank, dims, filetype, memtype, data, 0, err);
}

int h5_write_f64z(hid_t loc, const char *name, int rank, const size_t *dims, const double *data,
		  char *err)
{
	return write_array_z(loc, name, rank, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, 1,
			     err);
}

int h5_write_f64(hid_t loc, const char *name, int rank, const size_t *dims, const double *data,
		 char *err)
{
	return write_array(loc, name, rank, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, err);
}

int h5_write_f32(hid_t loc, const char *name, int rank, const size_t *dims, const float *data,
		 char *err)
{
	return write_array(loc, name, rank, dims, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, data, err);
}

int h5_write_i64(hid_t loc, const char *name, int rank, const size_t *dims, const int64_t *data,
		 char *err)
{
	return write_array(loc, name, rank, dims, H5T_STD_I64LE, H5T_NATIVE_INT64, data, err);
}

int h5_write_u8(hid_t loc, const char *name, int rank, const size_t *dims, const uint8_t *data,
		char *err)
{
	return write_array(loc, name, rank, dims, H5T_STD_U8LE, H5T_NATIVE_UINT8, data, err);
}

int h5_write_strings(hid_t loc, const char *name, size_t n, char *const *strs, char *err)
{
	hid_t t = str_type();
	int rc = write_array(loc, name, 1, &n, t, t, strs, err);

	H5Tclose(t);
	return rc;
}

/* Opens dataset `name`, checks its rank, fills dims; returns the dataset. */
static hid_t open_array(hid_t loc, const char *name, int rank, size_t *dims, char *err)
{
	hsize_t hd[2] = { 0, 0 };
	hid_t ds, space;
	int r;
	char w[1024];

	if (!h5_exists(loc, name)) {
		err_set(err, "%s: dataset '%s' is missing", where(loc, w, sizeof(w)), name);
		return -1;
	}
	ds = H5Dopen2(loc, name, H5P_DEFAULT);
	if (ds < 0) {
		err_set(err, "%s: cannot open dataset '%s'", where(loc, w, sizeof(w)), name);
		return -1;
	}
	space = H5Dget_space(ds);
	r = H5Sget_simple_extent_ndims(space);
	if (r != rank) {
		H5Sclose(space);
		H5Dclose(ds);
		err_set(err, "%s: dataset '%s' has rank %d, expected %d", where(loc, w, sizeof(w)),
			name, r, rank);
		return -1;
	}
	H5Sget_simple_extent_dims(space, hd, NULL);
	H5Sclose(space);
	dims[0] = hd[0];
	if (rank == 2)
		dims[1] = hd[1];
	return ds;
}

static int read_array(hid_t loc, const char *name, int rank, size_t *dims, hid_t memtype,
		      size_t elsize, void **data, char *err)
{
	hid_t ds = open_array(loc, name, rank, dims, err);
	size_t n;
	herr_t st = 0;

	*data = NULL;
	if (ds < 0)
		return -1;
	n = dims[0] * (rank == 2 ? dims[1] : 1);
	*data = xcalloc(n, elsize, err);
	if (!*data) {
		H5Dclose(ds);
		return -1;
	}
	if (n)
		st = H5Dread(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data);
	H5Dclose(ds);
	if (st < 0) {
		free(*data);
		*data = NULL;
		FAIL(loc, "cannot read dataset '%s' (wrong type or truncated file)", name);
	}
	return 0;
}

int h5_read_f64(hid_t loc, const char *name, int rank, size_t *dims, double **data, char *err)
{
	return read_array(loc, name, rank, dims, H5T_NATIVE_DOUBLE, sizeof(double), (void **)data,
			  err);
}

int h5_read_f32(hid_t loc, const char *name, int rank, size_t *dims, float **data, char *err)
{
	return read_array(loc, name, rank, dims, H5T_NATIVE_FLOAT, sizeof(float), (void **)data,
			  err);
}

int h5_read_i64(hid_t loc, const char *name, int rank, size_t *dims, int64_t **data, char *err)
{
	return read_array(loc, name, rank, dims, H5T_NATIVE_INT64, sizeof(int64_t), (void **)data,
			  err);
}

int h5_read_u8(hid_t loc, const char *name, int rank, size_t *dims, uint8_t **data, char *err)
{
	return read_array(loc, name, rank, dims, H5T_NATIVE_UINT8, 1, (void **)data, err);
}

/* Reads n variable-length strings one at a time: when a damaged heap fails
 * a read halfway, HDF5 (1.10) leaks the strings it converted so far unless
 * they reached our buffer, where the caller frees them. */
static herr_t read_each_string(hid_t ds, hid_t t, size_t n, char **raw)
{
	hsize_t one = 1, start;
	hid_t fs = H5Dget_space(ds), ms = H5Screate_simple(1, &one, NULL);
	herr_t st = fs < 0 || ms < 0 ? -1 : 0;
	size_t i;

	for (i = 0; i < n && st >= 0; i++) {
		start = i;
		st = H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &one, NULL);
		if (st >= 0)
			st = H5Dread(ds, t, ms, fs, H5P_DEFAULT, &raw[i]);
	}
	if (ms >= 0)
		H5Sclose(ms);
	if (fs >= 0)
		H5Sclose(fs);
	return st;
}

int h5_read_strings(hid_t loc, const char *name, size_t *n, char ***strs, char *err)
{
	hid_t t = str_type(), ds, ft;
	char **raw = NULL, **out = NULL;
	size_t i;
	herr_t st;

	*strs = NULL;
	ds = open_array(loc, name, 1, n, err);
	if (ds < 0) {
		H5Tclose(t);
		return -1;
	}
	ft = H5Dget_type(ds);
	if (H5Tget_class(ft) != H5T_STRING) {
		H5Tclose(ft);
		H5Dclose(ds);
		H5Tclose(t);
		FAIL(loc, "dataset '%s' is not a list of strings", name);
	}
	if (!H5Tis_variable_str(ft)) { /* fixed-length: h5py's np.array(names, "S") */
		size_t size = H5Tget_size(ft);
		H5T_str_t pad = H5Tget_strpad(ft);
		hid_t mt = H5Tcopy(ft); /* the same bytes, no conversion */
		char *buf = NULL;

		H5Tclose(ft);
		H5Tclose(t);
		if (size && *n > SIZE_MAX / size) {
			if (mt >= 0)
				H5Tclose(mt);
			H5Dclose(ds);
			FAIL(loc, "dataset '%s': %zu strings of %zu bytes is too large", name, *n,
			     size);
		}
		buf = mt >= 0 ? calloc(*n && size ? *n : 1, size ? size : 1) : NULL;
		st = buf && *n && size ? H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
		if (mt >= 0)
			H5Tclose(mt);
		H5Dclose(ds);
		if (!buf)
			return err_set(err, "out of memory reading '%s'", name);
		if (st < 0) {
			free(buf);
			FAIL(loc, "cannot read dataset '%s'", name);
		}
		*strs = fixed_strings(buf, *n, size, pad);
		free(buf);
		return *strs ? 0 : err_set(err, "out of memory reading '%s'", name);
	}
	H5Tclose(ft);
	raw = xcalloc(*n, sizeof(char *), err);
	out = xcalloc(*n, sizeof(char *), err);
	if (!raw || !out) {
		free(raw);
		free(out);
		H5Dclose(ds);
		H5Tclose(t);
		return -1;
	}
	st = read_each_string(ds, t, *n, raw);
	H5Dclose(ds);
	H5Tclose(t);
	if (st < 0) { /* HDF5 may have filled some strings before it failed */
		for (i = 0; i < *n; i++)
			H5free_memory(raw[i]);
		free(raw);
		free(out);
		FAIL(loc, "cannot read dataset '%s'", name);
	}
	for (i = 0; i < *n; i++) {
		out[i] = strdup(raw[i] ? raw[i] : "");
		H5free_memory(raw[i]);
	}
	free(raw);
	for (i = 0; i < *n; i++)
		if (!out[i]) {
			h5_strings_free(*n, out);
			return err_set(err, "out of memory reading '%s'", name);
		}
	*strs = out;
	return 0;
}

void h5_strings_free(size_t n, char **strs)
{
	size_t i;

	if (!strs)
		return;
	for (i = 0; i < n; i++)
		free(strs[i]);
	free(strs);
}
