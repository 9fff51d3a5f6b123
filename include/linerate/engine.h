/* SPDX-License-Identifier: MIT */
/*
 * engine: runs one test on this end: every worker of every flow at once,
 * warm-up (not counted), a measured window of fixed duration or byte count,
 * per-interval samples on CLOCK_MONOTONIC.
 */
#ifndef LINERATE_ENGINE_H
#define LINERATE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "linerate/transport.h"

/* One sample period of one direction. */
struct lr_interval {
	double start_s; /* from the start of the measured window */
	double end_s;
	uint64_t bytes;
};

/* Min / median / max of the interval rates (Gb/s), full intervals only
 * unless every interval is partial. */
struct lr_rate_stats {
	unsigned n;
	double min_gbps, median_gbps, max_gbps, mean_gbps;
};

/* Latency samples (ping-pong, half round trip), bounded. */
struct lr_lat_samples {
	uint64_t *ns;
	size_t n, cap;
	uint64_t dropped; /* samples past cap */
};

struct lr_lat_stats {
	size_t n;
	double min_us, median_us, p99_us, p999_us, max_us, mean_us;
};

/* What this end saw of one direction of one flow. */
struct lr_dir_side {
	bool active;
	bool sender; /* this end sent in this direction */
	bool counted; /* this end counted the bytes (not blind) */
	uint64_t bytes; /* in the measured window */
	uint64_t bytes_total; /* including warm-up */
	double seconds; /* length of the measured window */
	struct lr_interval *iv;
	unsigned niv;
};

/* What this end saw of one flow. */
struct lr_side {
	struct lr_dir_side dir[LR_DIR_COUNT];
	struct lr_lat_stats lat; /* latency mode, client end */
	int error; /* -errno, first failure */
	char errmsg[256];
};

struct lr_engine_flow {
	const struct lr_transport_ops *ops;
	struct lr_endpoint *ep;
	enum lr_role role;
	struct lr_side side; /* filled by lr_engine_run */
};

struct lr_engine_opts {
	/* A descriptor that must stay silent during the run (the control
	 * channel): readable means the peer died or sent an error. -1: none. */
	int watch_fd;
};

/*
 * Run every flow's workers until the window ends, a worker fails or the
 * watched descriptor fires. Each flow's side is filled in every case, with
 * what was measured so far. Returns 0, or the first -errno.
 */
int lr_engine_run(const struct lr_test_params *p, struct lr_engine_flow *f,
		  unsigned nflows, const struct lr_engine_opts *opts);
void lr_side_free(struct lr_side *s);

/* stats.c */
void lr_rate_stats(const struct lr_interval *iv, unsigned n, double interval_s,
		   struct lr_rate_stats *out);
int lr_lat_init(struct lr_lat_samples *l, size_t cap);
void lr_lat_add(struct lr_lat_samples *l, uint64_t ns);
void lr_lat_stats(struct lr_lat_samples *l, struct lr_lat_stats *out);
void lr_lat_free(struct lr_lat_samples *l);
/* Percentile q in [0, 1] of a sorted array, linear interpolation. */
double lr_percentile(const double *sorted, size_t n, double q);

#endif
