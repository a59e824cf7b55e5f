#include "h5io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the time bound on reading (commands only) ----------------------------
 *
 * HDF5 follows a damaged global heap (variable-length strings of files
 * written before format 1.10 was used) into loops that never end. A command
 * calls h5_quiet at start-up, which also installs a SIGALRM handler; every
 * h5_open arms alarm(MODLAT_READ_TIMEOUT) (default 60 s, far above any real
 * read) and the last h5_close disarms it. Past it, the handler writes
 * "PROG: PATH: reading did not finish in N s (damaged file?)" and _exits 1:
 * the message is built when the file is opened, so the handler only calls
 * write(2) and _exit(2), which are async-signal-safe. The C API never
 * installs it (see modlat.h). */
#define GUARD_DEPTH 8
static unsigned guard_seconds;
static int guard_depth;
static char guard_paths[GUARD_DEPTH][1024];
static char guard_msg[1400];
static volatile size_t guard_len;

static void guard_fire(int sig)
{
	ssize_t w = write(2, guard_msg, guard_len);

	(void)w;
	_exit(1);
}

static void guard_update(void)
{
	size_t len = 0;

	if (guard_depth > 0) {
		int n = snprintf(guard_msg, sizeof(guard_msg),
				 "%s: %s: reading did not finish in %u s (damaged file?)\n",
				 program_invocation_short_name,
				 guard_paths[guard_depth > GUARD_DEPTH ? GUARD_DEPTH - 1 : guard_depth - 1],
				 guard_seconds);
		len = n > 0 && (size_t)n < sizeof(guard_msg) ? (size_t)n : sizeof(guard_msg) - 1;
	}
	guard_len = len;
}

static void guard_push(const char *path)
{
	if (!guard_seconds)
		return;
	if (guard_depth < GUARD_DEPTH)
		snprintf(guard_paths[guard_depth], sizeof(guard_paths[0]), "%s", path);
	guard_depth++;
	guard_update();
	alarm(guard_seconds);
}

static void guard_pop(void)
{
	if (!guard_seconds || guard_depth == 0)
		return;
	guard_depth--;
	guard_update();
	if (!guard_depth)
		alarm(0);
}

void h5_quiet(void)
{
	struct sigaction sa;
	const char *s = getenv("MODLAT_READ_TIMEOUT");
	long v = s && *s ? strtol(s, NULL, 10) : 60;

	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = guard_fire;
	sigemptyset(&sa.sa_mask);
	guard_seconds = v > 0 && v < 86400 ? (unsigned)v : 60;
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		guard_seconds = 0;
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

/* Files are built in memory (HDF5's core driver, no backing store) and
 * written out by h5_commit with plain write(2): a full disk or an I/O error
 * is then one failed write that we report, never an HDF5 flush failing
 * inside H5Fclose or in HDF5's atexit clean-up (which crashed). The format
 * is HDF5 1.10's (superblock v3, object headers and B-trees with checksums),
 * so a damaged header is detected instead of followed.
 *
 * The image is taken from the core driver's buffer as H5Fclose hands it back
 * (file image callbacks), not from H5Fget_file_image: HDF5 1.10.8 returns
 * the image of an open file with the superblock's open-for-write flags
 * cleared but its checksum not updated, which no reader accepts. */
static void *img_malloc(size_t size, H5FD_file_image_op_t op, void *ud)
{
	struct h5_image *im = ud;
	void *p = malloc(size ? size : 1);

	if (p && op != H5FD_FILE_IMAGE_OP_PROPERTY_LIST_SET &&
	    op != H5FD_FILE_IMAGE_OP_PROPERTY_LIST_COPY && op != H5FD_FILE_IMAGE_OP_PROPERTY_LIST_GET)
		im->size = size;
	return p;
}

static void *img_memcpy(void *dst, const void *src, size_t size, H5FD_file_image_op_t op,
			void *ud)
{
	return memcpy(dst, src, size);
}

static void *img_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *ud)
{
	struct h5_image *im = ud;
	void *p = realloc(ptr, size ? size : 1);

	if (p)
		im->size = size;
	return p;
}

static herr_t img_free(void *ptr, H5FD_file_image_op_t op, void *ud)
{
	struct h5_image *im = ud;

	if (op == H5FD_FILE_IMAGE_OP_FILE_CLOSE) {
		free(im->buf);
		im->buf = ptr; /* the finished file: kept for h5_stage */
		return 0;
	}
	free(ptr);
	return 0;
}

static void *img_udata_copy(void *ud)
{
	return ud;
}

static herr_t img_udata_free(void *ud)
{
	return 0;
}

int h5_create(struct h5_out *out, const char *path, const char *format, int version, char *err)
{
	H5FD_file_image_callbacks_t cb = { img_malloc, img_memcpy, img_realloc, img_free,
					   img_udata_copy, img_udata_free, NULL };
	hid_t fcpl, fapl;

	memset(out, 0, sizeof(*out));
	out->file = H5I_INVALID_HID;
	out->fd = -1;
	snprintf(out->path, sizeof(out->path), "%s", path);
	snprintf(out->tmp, sizeof(out->tmp), "%s.tmp.%ld", path, (long)getpid());
	/* the temporary file is created now, so that an unwritable folder fails
	 * before the work, not after it */
	out->fd = open(out->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out->fd < 0) {
		int e = errno;

		out->tmp[0] = 0;
		return err_set(err, "%s: cannot create file (%s)", path, strerror(e));
	}
	cb.udata = &out->image;
	fcpl = H5Pcreate(H5P_FILE_CREATE);
	fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (fcpl < 0 || fapl < 0 || H5Pset_fapl_core(fapl, 1 << 16, 0) < 0 ||
	    H5Pset_file_image_callbacks(fapl, &cb) < 0 ||
	    H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110) < 0) {
		if (fcpl >= 0)
			H5Pclose(fcpl);
		if (fapl >= 0)
			H5Pclose(fapl);
		h5_abort(out);
		return err_set(err, "%s: cannot create hdf5 property lists", path);
	}
	/* no object timestamps anywhere: same content, same bytes */
	H5Pset_obj_track_times(fcpl, 0);
	out->file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
	H5Pclose(fcpl);
	H5Pclose(fapl);
	if (out->file < 0) {
		out->file = H5I_INVALID_HID;
		h5_abort(out);
		return err_set(err, "%s: cannot create hdf5 file in memory", path);
	}
	if (h5_attr_write_str(out->file, "format", format, err) < 0 ||
	    h5_attr_write_i64(out->file, "format_version", version, err) < 0) {
		h5_abort(out);
		return -1;
	}
	return 0;
}

/* The end-of-file address in a version 2 or 3 superblock with 8-byte
 * offsets (what HDF5 1.10 writes here), or 0. */
static size_t image_eof(const unsigned char *img, size_t size)
{
	static const unsigned char sig[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };
	uint64_t eof = 0;
	int i;

	if (size < 48 || memcmp(img, sig, 8) || (img[8] != 2 && img[8] != 3) || img[9] != 8)
		return 0;
	for (i = 7; i >= 0; i--)
		eof = eof << 8 | img[28 + i];
	return eof <= size ? (size_t)eof : 0;
}

static int write_all(int fd, const unsigned char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

int h5_stage(struct h5_out *out, char *err)
{
	size_t size;
	int e;

	if (out->staged)
		return 0;
	if (out->file < 0 || out->fd < 0) {
		h5_abort(out);
		return err_set(err, "%s: not open for writing", out->path);
	}
	e = H5Fclose(out->file) < 0; /* in memory: no I/O that could fail */
	out->file = H5I_INVALID_HID;
	size = out->image.buf ? image_eof(out->image.buf, out->image.size) : 0;
	if (e || !size) {
		h5_abort(out);
		return err_set(err, "%s: cannot build the hdf5 file in memory", out->path);
	}
	if (write_all(out->fd, out->image.buf, size) < 0 || fsync(out->fd) < 0) {
		e = errno;
		h5_abort(out);
		return err_set(err, "%s: cannot write (%s)", out->path, strerror(e));
	}
	free(out->image.buf);
	out->image.buf = NULL;
	e = close(out->fd) < 0 ? errno : 0;
	out->fd = -1;
	if (e) {
		h5_abort(out);
		return err_set(err, "%s: cannot write (%s)", out->path, strerror(e));
	}
	out->staged = 1;
	return 0;
}

int h5_commit(struct h5_out *out, char *err)
{
	if (h5_stage(out, err) < 0)
		return -1;
	if (rename(out->tmp, out->path) < 0) {
		int e = errno;

		h5_abort(out);
		return err_set(err, "%s: cannot rename into place (%s)", out->path, strerror(e));
	}
	out->tmp[0] = 0;
	out->staged = 0;
	return 0;
}

void h5_abort(struct h5_out *out)
{
	/* > 0: a zeroed, never created out holds neither id 0 nor stdin */
	if (out->file > 0)
		H5Fclose(out->file);
	out->file = H5I_INVALID_HID;
	if (out->fd > 0)
		close(out->fd);
	out->fd = -1;
	free(out->image.buf);
	out->image.buf = NULL;
	if (out->tmp[0])
		unlink(out->tmp);
	out->tmp[0] = 0;
	out->staged = 0;
}

static int open_checked(const char *path, const char *format, int version, hid_t *file,
			char *err)
{
	char *fmt = NULL;
	int64_t v;
	hid_t f;

	*file = H5I_INVALID_HID;
	if (access(path, R_OK) < 0)
		return err_set(err, "%s: %s", path, strerror(errno));
	if (H5Fis_hdf5(path) <= 0)
		return err_set(err, "%s: not an hdf5 file (or truncated), expected a %s file", path,
			       format ? format : "modlat");
	f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	if (f < 0)
		return err_set(err, "%s: cannot open as hdf5 (truncated or damaged?)", path);
	if (!h5_attr_exists(f, "format") || h5_attr_read_str(f, "format", &fmt, err) < 0) {
		H5Fclose(f);
		return err_set(err, "%s: no 'format' attribute, not a %s file", path,
			       format ? format : "modlat");
	}
	if (!format) { /* the caller wants to know which */
		*file = f;
		snprintf(err, ERR_LEN, "%s", fmt);
		free(fmt);
		return 0;
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

int h5_open(const char *path, const char *format, int version, hid_t *file, char *err)
{
	guard_push(path);
	if (open_checked(path, format, version, file, err) < 0) {
		guard_pop();
		return -1;
	}
	return 0;
}

int h5_read_format(const char *path, char **format, char *err)
{
	char buf[ERR_LEN];
	hid_t f;

	*format = NULL;
	guard_push(path);
	if (open_checked(path, NULL, 0, &f, buf) < 0) {
		guard_pop();
		return err_set(err, "%s", buf);
	}
	H5Fclose(f);
	guard_pop();
	*format = xstrdup(buf, err);
	return *format ? 0 : -1;
}

void h5_close(hid_t file)
{
	if (file > 0) {
		H5Fclose(file);
		guard_pop();
	}
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

/* Strings are written fixed-length (NUL-terminated, UTF-8): a fixed-length
 * string lives in the object's own checksummed header or data, while a
 * variable-length one points into HDF5's global heap, whose damage HDF5
 * follows into loops and crashes. Files of earlier versions hold
 * variable-length strings; both kinds (and NUL- or space-padded ones, as
 * h5py writes) are read. */
#define H5_MAX_STRING (1 << 16) /* longest string read: names, paths, hosts */

static hid_t fixed_str_type(size_t size)
{
	hid_t t = H5Tcopy(H5T_C_S1);

	if (t < 0)
		return -1;
	if (H5Tset_size(t, size ? size : 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
	    H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
		H5Tclose(t);
		return -1;
	}
	return t;
}

/* HDF5 converts no string between character sets: memory takes the file's */
static hid_t vlen_str_type(H5T_cset_t cset)
{
	hid_t t = H5Tcopy(H5T_C_S1);

	H5Tset_size(t, H5T_VARIABLE);
	H5Tset_cset(t, cset == H5T_CSET_UTF8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
	return t;
}

/* The memory type that reads strings of file type ft: variable-length, or
 * fixed-length one byte longer than the file's (always NUL-terminated).
 * Returns -1 for a type that is not a string or too long a string. */
static hid_t str_mem_type(hid_t ft, size_t *size)
{
	hid_t t;

	*size = 0;
	if (H5Tget_class(ft) != H5T_STRING)
		return -1;
	if (H5Tis_variable_str(ft) > 0)
		return vlen_str_type(H5Tget_cset(ft));
	*size = H5Tget_size(ft);
	if (*size == 0 || *size > H5_MAX_STRING)
		return -1;
	t = H5Tcopy(H5T_C_S1);
	if (t < 0)
		return -1;
	if (H5Tset_size(t, *size + 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
	    H5Tset_cset(t, H5Tget_cset(ft) == H5T_CSET_UTF8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) <
		    0) {
		H5Tclose(t);
		return -1;
	}
	*size += 1;
	return t;
}

int h5_attr_write_str(hid_t loc, const char *name, const char *value, char *err)
{
	size_t n = strlen(value) + 1;
	hid_t t = fixed_str_type(n);
	int rc;

	if (t < 0)
		FAIL(loc, "cannot make a string type for attribute '%s'", name);
	rc = attr_write(loc, name, t, value, err);
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
	if (space < 0 || H5Sget_simple_extent_npoints(space) != 1) {
		if (space >= 0)
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

int h5_attr_read_str(hid_t loc, const char *name, char **value, char *err)
{
	hid_t a, ft, t;
	size_t size;
	int rc;

	*value = NULL;
	if (H5Aexists(loc, name) <= 0)
		FAIL(loc, "attribute '%s' is missing", name);
	a = H5Aopen(loc, name, H5P_DEFAULT);
	if (a < 0)
		FAIL(loc, "cannot open attribute '%s'", name);
	ft = H5Aget_type(a);
	t = ft >= 0 ? str_mem_type(ft, &size) : -1;
	if (ft >= 0)
		H5Tclose(ft);
	H5Aclose(a);
	if (t < 0)
		FAIL(loc, "attribute '%s' is not a string (of at most %d bytes)", name, H5_MAX_STRING);
	if (size) { /* fixed length */
		char *s = xcalloc(size, 1, err);

		rc = s ? attr_read(loc, name, t, s, err) : -1;
		H5Tclose(t);
		if (rc < 0) {
			free(s);
			return -1;
		}
		s[size - 1] = 0;
		*value = s;
		return 0;
	} else {
		char *s = NULL;

		rc = attr_read(loc, name, t, &s, err);
		H5Tclose(t);
		if (rc < 0)
			return rc;
		if (s && strnlen(s, H5_MAX_STRING + 1) > H5_MAX_STRING) {
			H5free_memory(s);
			FAIL(loc, "attribute '%s' is longer than %d bytes", name, H5_MAX_STRING);
		}
		*value = xstrdup(s ? s : "", err);
		H5free_memory(s);
		return *value ? 0 : -1;
	}
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
	size_t i, size = 1;
	char *buf;
	hid_t t;
	int rc;

	for (i = 0; i < n; i++)
		if (strlen(strs[i]) + 1 > size)
			size = strlen(strs[i]) + 1;
	t = fixed_str_type(size);
	buf = xcalloc(n ? n : 1, size, err);
	if (t < 0 || !buf) {
		if (t >= 0)
			H5Tclose(t);
		free(buf);
		FAIL(loc, "cannot make the strings of dataset '%s'", name);
	}
	for (i = 0; i < n; i++)
		memcpy(buf + i * size, strs[i], strlen(strs[i]));
	rc = write_array(loc, name, 1, &n, t, t, buf, err);
	H5Tclose(t);
	free(buf);
	return rc;
}

/* The size of the file behind loc, in bytes (0 when unknown). */
static hsize_t file_size(hid_t loc)
{
	hid_t f = H5Iget_file_id(loc);
	hsize_t size = 0;

	if (f < 0)
		return 0;
	if (H5Fget_filesize(f, &size) < 0)
		size = 0;
	H5Fclose(f);
	return size;
}

/* Before anything is allocated or read: dataset ds of n elements of file
 * type size `tsize` must fit the file it is in. Contiguous and compact data
 * (all modlat writes) must hold exactly n elements inside the file; chunked
 * data (other tools' files, maybe compressed) is capped at H5_MAX_READ. */
#define H5_MAX_READ ((hsize_t)1 << 32)
static int check_extent(hid_t loc, hid_t ds, const char *name, hsize_t n, size_t tsize,
			size_t memsize, int vlen, char *err)
{
	hsize_t fsize = file_size(loc), stored = H5Dget_storage_size(ds);
	hid_t dcpl = H5Dget_create_plist(ds);
	H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
	char w[1024];

	if (dcpl >= 0)
		H5Pclose(dcpl);
	if (tsize == 0 || memsize == 0 || n > H5_MAX_READ / memsize)
		goto bad;
	if (layout == H5D_CONTIGUOUS || layout == H5D_COMPACT) {
		haddr_t off = layout == H5D_CONTIGUOUS ? H5Dget_offset(ds) : HADDR_UNDEF;

		if (fsize && n * tsize > fsize)
			goto bad;
		/* not allocated (never written: reads as the fill value) or exactly n */
		if (stored && stored != n * tsize && !vlen)
			goto bad;
		if (off != HADDR_UNDEF && fsize && (off > fsize || stored > fsize - off))
			goto bad;
	} else if (layout != H5D_CHUNKED) {
		err_set(err, "%s: dataset '%s' has a layout modlat does not read",
			where(loc, w, sizeof(w)), name);
		return -1;
	}
	return 0;
bad:
	err_set(err, "%s: dataset '%s' claims %llu elements that its file cannot hold (damaged?)",
		where(loc, w, sizeof(w)), name, (unsigned long long)n);
	return -1;
}

/* Opens dataset `name`, checks its rank (1 or 2) and that its extent fits
 * the file for elements of memsize bytes, fills dims; returns the dataset. */
static hid_t open_array(hid_t loc, const char *name, int rank, size_t *dims, size_t memsize,
			char *err)
{
	hsize_t hd[2] = { 0, 0 };
	hid_t ds, space, ft;
	size_t tsize;
	int r, vlen;
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
	r = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
	if (r != rank || rank < 1 || rank > 2) {
		if (space >= 0)
			H5Sclose(space);
		H5Dclose(ds);
		err_set(err, "%s: dataset '%s' has rank %d, expected %d", where(loc, w, sizeof(w)),
			name, r, rank);
		return -1;
	}
	H5Sget_simple_extent_dims(space, hd, NULL);
	H5Sclose(space);
	ft = H5Dget_type(ds);
	tsize = ft >= 0 ? H5Tget_size(ft) : 0;
	vlen = ft >= 0 && H5Tis_variable_str(ft) > 0;
	if (ft >= 0)
		H5Tclose(ft);
	if (rank == 2 && hd[1] && hd[0] > H5_MAX_READ / hd[1]) {
		H5Dclose(ds);
		err_set(err, "%s: dataset '%s' claims (%llu, %llu) elements (damaged?)",
			where(loc, w, sizeof(w)), name, (unsigned long long)hd[0],
			(unsigned long long)hd[1]);
		return -1;
	}
	if (check_extent(loc, ds, name, hd[0] * (rank == 2 ? hd[1] : 1), tsize, memsize, vlen,
			 err) < 0) {
		H5Dclose(ds);
		return -1;
	}
	dims[0] = hd[0];
	if (rank == 2)
		dims[1] = hd[1];
	return ds;
}

static int read_array(hid_t loc, const char *name, int rank, size_t *dims, hid_t memtype,
		      size_t elsize, void **data, char *err)
{
	hid_t ds = open_array(loc, name, rank, dims, elsize, err);
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
		FAIL(loc, "cannot read dataset '%s' (wrong type or damaged file)", name);
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

int h5_read_strings(hid_t loc, const char *name, size_t *n, char ***strs, char *err)
{
	hid_t ds, ft, t;
	char **out = NULL, *buf = NULL;
	size_t i, size = 0;
	herr_t st;

	*strs = NULL;
	*n = 0;
	/* at least 8 bytes of memory per string: a pointer, or a fixed string's
	 * bytes (checked against the file below) */
	ds = open_array(loc, name, 1, n, sizeof(char *), err);
	if (ds < 0)
		return -1;
	ft = H5Dget_type(ds);
	t = ft >= 0 ? str_mem_type(ft, &size) : -1;
	if (ft >= 0)
		H5Tclose(ft);
	if (t < 0) {
		H5Dclose(ds);
		*n = 0;
		FAIL(loc, "dataset '%s' is not a list of strings (of at most %d bytes)", name,
		     H5_MAX_STRING);
	}
	if (size && *n > H5_MAX_READ / size) {
		H5Tclose(t);
		H5Dclose(ds);
		*n = 0;
		FAIL(loc, "dataset '%s' claims %zu strings (damaged?)", name, *n);
	}
	buf = xcalloc(*n ? *n : 1, size ? size : sizeof(char *), err);
	out = xcalloc(*n, sizeof(char *), err);
	if (!buf || !out) {
		free(buf);
		free(out);
		H5Dclose(ds);
		H5Tclose(t);
		*n = 0;
		return -1;
	}
	st = *n ? H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
	H5Dclose(ds);
	H5Tclose(t);
	if (st < 0) {
		free(buf);
		free(out);
		*n = 0;
		FAIL(loc, "cannot read dataset '%s' (damaged file?)", name);
	}
	for (i = 0; i < *n; i++) {
		if (size) {
			buf[i * size + size - 1] = 0;
			out[i] = strdup(buf + i * size);
		} else {
			char *s = ((char **)buf)[i];

			out[i] = strndup(s ? s : "", H5_MAX_STRING);
			H5free_memory(s);
		}
	}
	free(buf);
	for (i = 0; i < *n; i++)
		if (!out[i]) {
			h5_strings_free(*n, out);
			*n = 0;
			FAIL(loc, "out of memory reading dataset '%s'", name);
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
