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

/*
 * Latency samples (ping-pong, half round trip, ns) in a log-linear
 * histogram (hist.c): exact below 2 x LR_HIST_SUB ns, above that
 * LR_HIST_SUB buckets per power of two (3 significant digits), values
 * past LR_HIST_MAX_NS counted in the last bucket. One per worker, merged.
 */
#define LR_HIST_SUB 1024u
#define LR_HIST_MAX_NS ((1ull << 40) - 1) /* about 18 minutes */
#define LR_HIST_BUCKETS (31u * LR_HIST_SUB)

struct lr_hist {
	uint64_t *counts; /* LR_HIST_BUCKETS */
	uint64_t n, sum, min, max;
};

/* One non-empty bucket: its middle value and its count. */
struct lr_lat_bucket {
	uint64_t ns, count;
};

struct lr_lat_stats {
	size_t n; /* round trips in the measured window */
	double min_us, median_us, p99_us, p999_us, max_us, mean_us;
	struct lr_lat_bucket *buckets; /* non-empty buckets, ascending */
	size_t nbuckets;
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
	struct lr_retrans
		retrans; /* sender: the transport's, over the window */
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
	/* The endpoints' timeout (ms, 0: 10 s). In bytes mode a message on
	 * watch_fd (the peer's result) does not stop this end's workers:
	 * they run on until done, for at most peer_grace_ms. */
	int timeout_ms;
	int peer_grace_ms; /* 0: 15 s + timeout_ms */
};

/*
 * Run every flow's workers until the window ends (bytes mode: until every
 * worker has moved its share), a worker fails or the watched descriptor
 * fires (bytes mode: the peer hangs up, or has spoken and this end's
 * workers are not done within the grace). Each flow's side is filled in
 * every case, with what was measured so far; in bytes mode a direction
 * this end counted short of the byte count is the side's error. Returns 0,
 * or the first -errno.
 */
int lr_engine_run(const struct lr_test_params *p, struct lr_engine_flow *f,
		  unsigned nflows, const struct lr_engine_opts *opts);
void lr_side_free(struct lr_side *s);

/* stats.c */
void lr_rate_stats(const struct lr_interval *iv, unsigned n, double interval_s,
		   struct lr_rate_stats *out);
/* Statistics of a histogram; out->buckets is malloc'd (lr_lat_free). */
void lr_lat_stats(const struct lr_hist *h, struct lr_lat_stats *out);
void lr_lat_free(struct lr_lat_stats *l);

/* hist.c */
int lr_hist_init(struct lr_hist *h);
void lr_hist_add(struct lr_hist *h, uint64_t ns);
void lr_hist_merge(struct lr_hist *to, const struct lr_hist *from);
/* Nearest-rank percentile, q in [0, 1], within half a bucket. */
uint64_t lr_hist_percentile(const struct lr_hist *h, double q);
size_t lr_hist_index(uint64_t ns);
uint64_t lr_hist_value(size_t idx); /* the middle of bucket idx */
void lr_hist_free(struct lr_hist *h);

/*
 * A worker's round trip: call lr_lat_begin before it starts and
 * lr_lat_end after it ends; the sample counts only when the whole round
 * trip lay inside the measured window.
 */
static inline bool lr_lat_begin(const struct lr_worker_ctl *ctl)
{
	return ctl->lat &&
	       atomic_load_explicit(ctl->in_window, memory_order_acquire);
}

static inline void lr_lat_end(struct lr_worker_ctl *ctl, bool began,
			      uint64_t t0, uint64_t t1)
{
	if (began && atomic_load_explicit(ctl->in_window, memory_order_acquire))
		lr_hist_add(ctl->lat, (t1 - t0) / 2);
}
/* Percentile q in [0, 1] of a sorted array, linear interpolation. */
double lr_percentile(const double *sorted, size_t n, double q);

#endif
