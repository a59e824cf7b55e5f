/* util.h - small system helpers shared by the commands. */
#ifndef MODLAT_UTIL_H
#define MODLAT_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Seconds on the monotonic clock. */
double now_s(void);
/* Seconds since the Unix epoch (wall clock). */
double epoch_s(void);
/* Sleeps s seconds (nothing for s <= 0). */
void sleep_s(double s);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
void now_iso8601(char *buf, size_t len);
/* The CPU's "model name" from /proc/cpuinfo, or "unknown". */
void host_cpu_model(char *buf, size_t len);
/* Checks that the folder holding path exists and is writable. */
int check_output_dir(const char *path, char *err);
/* 64-bit FNV-1a of a file's bytes, as 16 hex digits into hex (>= 17 bytes). */
int file_checksum(const char *path, char *hex, char *err);
/* 64-bit FNV-1a of n bytes, continuing from h (start with FNV1A_INIT). */
#define FNV1A_INIT 0xcbf29ce484222325ULL
uint64_t fnv1a(const void *p, size_t n, uint64_t h);
/* The median of v[n] (n >= 1; the mean of the middle two for even n), found
 * by sorting a copy in scratch[n]; v is left as it is. */
double median_of(const double *v, size_t n, double *scratch);
/* The last path component without a trailing slash (into buf). */
void path_basename(const char *path, char *buf, size_t len);

#endif
