/* SPDX-License-Identifier: MIT */
/*
 * util: logging, exit codes, number parsing, clocks and atomic file writes
 * shared by every piece of linerate.
 */
#ifndef LINERATE_UTIL_H
#define LINERATE_UTIL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes of the linerate executable (documented in README.md). */
enum lr_exit {
	LR_EXIT_OK = 0, /* success */
	LR_EXIT_BELOW = 1, /* measured below expectation / findings */
	LR_EXIT_USAGE = 2, /* usage or input error */
	LR_EXIT_RUNTIME = 3, /* runtime failure: peer, protocol, device */
};

enum lr_log_level {
	LR_LOG_ERROR = 0,
	LR_LOG_WARN,
	LR_LOG_INFO,
	LR_LOG_DEBUG,
};

void lr_log_set_level(enum lr_log_level level);
enum lr_log_level lr_log_get_level(void);
/* Set the program/subcommand prefix printed before every message. */
void lr_log_set_prefix(const char *prefix);
void lr_log(enum lr_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lr_vlog(enum lr_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define lr_err(...) lr_log(LR_LOG_ERROR, __VA_ARGS__)
#define lr_warn(...) lr_log(LR_LOG_WARN, __VA_ARGS__)
#define lr_info(...) lr_log(LR_LOG_INFO, __VA_ARGS__)
#define lr_dbg(...) lr_log(LR_LOG_DEBUG, __VA_ARGS__)

#define LR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Parse an unsigned size with an optional binary suffix (K, M, G, T:
 * powers of 1024; an optional trailing 'B' or 'iB' is accepted).
 * Returns 0, or -EINVAL (not a number) / -ERANGE (outside [min, max]).
 */
int lr_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Plain unsigned integer in [min, max]. */
int lr_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Seconds, decimal, optional 's' or 'ms' suffix, in [min, max]. */
int lr_parse_seconds(const char *s, double min, double max, double *out);
/*
 * Split "host", "host:port", "[v6]:port" or "v6" into host and port.
 * *port is left unchanged when the string has none; port 0 is accepted
 * (listen on any port). Returns 0 or -EINVAL.
 */
int lr_parse_hostport(const char *s, char *host, size_t hostlen,
		      uint16_t *port);
/* Format a byte count as e.g. "128 KiB" into buf. */
const char *lr_fmt_size(uint64_t bytes, char *buf, size_t len);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t lr_now_ns(void);
/* Wall clock as an RFC 3339 UTC timestamp, e.g. 2026-11-29T00:00:00Z. */
const char *lr_utc_now(char *buf, size_t len);
/* Sleep for ns nanoseconds (restarting on EINTR). */
void lr_sleep_ns(uint64_t ns);

/* Gb/s: 10^9 bits of payload per second. */
static inline double lr_gbps(uint64_t bytes, double seconds)
{
	return seconds > 0 ? (double)bytes * 8.0 / seconds / 1e9 : 0.0;
}

/*
 * Write buf to path atomically: a temporary file in the same directory,
 * fsync, rename. "-" writes to stdout. Returns 0 or -errno.
 */
/*
 * A budget shared by threads (buffers, file descriptors): take want from
 * *used when used + want <= limit, atomically. *seen (may be NULL): the
 * amount in use that the decision saw. lr_budget_give returns it.
 */
bool lr_budget_take(_Atomic uint64_t *used, uint64_t want, uint64_t limit,
		    uint64_t *seen);
void lr_budget_give(_Atomic uint64_t *used, uint64_t n);

int lr_write_file_atomic(const char *path, const char *buf, size_t len);

#endif
