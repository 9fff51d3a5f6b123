// SPDX-License-Identifier: MIT
/* engine: interval rate statistics and latency percentiles. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/engine.h"
#include "linerate/util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double lr_percentile(const double *sorted, size_t n, double q)
{
	double pos, frac;
	size_t lo;

	if (!n)
		return 0.0;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	pos = q * (double)(n - 1);
	lo = (size_t)pos;
	frac = pos - (double)lo;
	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

/* An interval counts as full when it lasts at least 90% of the period. */
static bool is_full(const struct lr_interval *iv, double interval_s)
{
	return iv->end_s - iv->start_s >= 0.9 * interval_s;
}

void lr_rate_stats(const struct lr_interval *iv, unsigned n, double interval_s,
		   struct lr_rate_stats *out)
{
	double *r = malloc((n ? n : 1) * sizeof(*r)), sum = 0;
	unsigned k = 0, full = 0;

	memset(out, 0, sizeof(*out));
	if (!r)
		return;
	for (unsigned i = 0; i < n; i++)
		full += is_full(&iv[i], interval_s);
	for (unsigned i = 0; i < n; i++) {
		/* A short last interval is noise beside full ones. */
		if (full && !is_full(&iv[i], interval_s))
			continue;
		r[k] = lr_gbps(iv[i].bytes, iv[i].end_s - iv[i].start_s);
		sum += r[k++];
	}
	qsort(r, k, sizeof(*r), cmp_double);
	out->n = k;
	if (k) {
		out->min_gbps = r[0];
		out->max_gbps = r[k - 1];
		out->median_gbps = lr_percentile(r, k, 0.5);
		out->mean_gbps = sum / k;
	}
	free(r);
}

static void lat_buckets(const struct lr_hist *h, struct lr_lat_stats *out)
{
	size_t k = 0;

	for (size_t i = 0; i < LR_HIST_BUCKETS; i++)
		k += h->counts[i] != 0;
	out->buckets = malloc(k * sizeof(*out->buckets));
	if (!out->buckets)
		return; /* the statistics stand without the buckets */
	for (size_t i = 0; i < LR_HIST_BUCKETS; i++)
		if (h->counts[i])
			out->buckets[out->nbuckets++] =
				(struct lr_lat_bucket){ lr_hist_value(i),
							h->counts[i] };
}

void lr_lat_stats(const struct lr_hist *h, struct lr_lat_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!h->n)
		return;
	out->n = (size_t)h->n;
	out->min_us = (double)h->min / 1e3;
	out->max_us = (double)h->max / 1e3;
	out->median_us = (double)lr_hist_percentile(h, 0.5) / 1e3;
	out->p99_us = (double)lr_hist_percentile(h, 0.99) / 1e3;
	out->p999_us = (double)lr_hist_percentile(h, 0.999) / 1e3;
	out->mean_us = (double)h->sum / (double)h->n / 1e3;
	lat_buckets(h, out);
}

void lr_lat_free(struct lr_lat_stats *l)
{
	free(l->buckets);
	l->buckets = NULL;
	l->nbuckets = 0;
}
