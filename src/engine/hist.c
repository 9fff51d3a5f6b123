// SPDX-License-Identifier: MIT
/*
 * engine: a log-linear latency histogram in the manner of HdrHistogram.
 *
 * Values (nanoseconds) below 2 x LR_HIST_SUB are counted exactly; above,
 * each power of two is split into LR_HIST_SUB (1024) equal buckets, so a
 * bucket is never wider than 1/1024 of the values it holds: 3 significant
 * digits everywhere. Fixed memory, O(1) to record, merged by adding counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/engine.h"

#define SUB_BITS 10 /* log2(LR_HIST_SUB) */

static unsigned log2_floor(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

size_t lr_hist_index(uint64_t v)
{
	unsigned shift;

	if (v > LR_HIST_MAX_NS)
		v = LR_HIST_MAX_NS;
	if (v < 2 * LR_HIST_SUB)
		return (size_t)v;
	shift = log2_floor(v) - SUB_BITS; /* >= 1 */
	return (size_t)shift * LR_HIST_SUB + (size_t)(v >> shift);
}

/* The lowest value of bucket i and its width. */
static uint64_t bucket_low(size_t i, uint64_t *width)
{
	unsigned shift;

	if (i < 2 * LR_HIST_SUB) {
		*width = 1;
		return i;
	}
	shift = (unsigned)(i / LR_HIST_SUB) - 1;
	*width = 1ull << shift;
	return (uint64_t)(i - (size_t)shift * LR_HIST_SUB) << shift;
}

uint64_t lr_hist_value(size_t i)
{
	uint64_t w, low = bucket_low(i, &w);

	return low + w / 2; /* the middle: within half a bucket */
}

int lr_hist_init(struct lr_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->counts = calloc(LR_HIST_BUCKETS, sizeof(*h->counts));
	if (!h->counts)
		return -ENOMEM;
	h->min = UINT64_MAX;
	return 0;
}

void lr_hist_add(struct lr_hist *h, uint64_t ns)
{
	h->counts[lr_hist_index(ns)]++;
	h->n++;
	h->sum += ns;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

void lr_hist_merge(struct lr_hist *to, const struct lr_hist *from)
{
	for (size_t i = 0; i < LR_HIST_BUCKETS; i++)
		to->counts[i] += from->counts[i];
	to->n += from->n;
	to->sum += from->sum;
	if (from->min < to->min)
		to->min = from->min;
	if (from->max > to->max)
		to->max = from->max;
}

/* Nearest rank: the smallest value with at least q x n samples at or
 * below it; the exact minimum and maximum at the ends. */
uint64_t lr_hist_percentile(const struct lr_hist *h, double q)
{
	uint64_t rank, seen = 0;
	double x;

	if (!h->n)
		return 0;
	x = q * (double)h->n;
	rank = (uint64_t)x;
	rank += (double)rank < x; /* ceil */
	if (rank <= 1)
		return h->min;
	if (rank >= h->n)
		return h->max;
	for (size_t i = 0; i < LR_HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			uint64_t v = lr_hist_value(i);

			return v < h->min ? h->min : v > h->max ? h->max : v;
		}
	}
	return h->max;
}

void lr_hist_free(struct lr_hist *h)
{
	free(h->counts);
	memset(h, 0, sizeof(*h));
}
