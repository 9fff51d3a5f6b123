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

int lr_lat_init(struct lr_lat_samples *l, size_t cap)
{
	memset(l, 0, sizeof(*l));
	l->ns = malloc(cap * sizeof(*l->ns));
	if (!l->ns)
		return -ENOMEM;
	l->cap = cap;
	return 0;
}

void lr_lat_add(struct lr_lat_samples *l, uint64_t ns)
{
	if (l->n < l->cap)
		l->ns[l->n++] = ns;
	else
		l->dropped++;
}

void lr_lat_stats(struct lr_lat_samples *l, struct lr_lat_stats *out)
{
	double *us, sum = 0;

	memset(out, 0, sizeof(*out));
	if (!l->n)
		return;
	us = malloc(l->n * sizeof(*us));
	if (!us)
		return;
	for (size_t i = 0; i < l->n; i++) {
		us[i] = (double)l->ns[i] / 1e3;
		sum += us[i];
	}
	qsort(us, l->n, sizeof(*us), cmp_double);
	out->n = l->n;
	out->min_us = us[0];
	out->max_us = us[l->n - 1];
	out->median_us = lr_percentile(us, l->n, 0.5);
	out->p99_us = lr_percentile(us, l->n, 0.99);
	out->p999_us = lr_percentile(us, l->n, 0.999);
	out->mean_us = sum / (double)l->n;
	free(us);
}

void lr_lat_free(struct lr_lat_samples *l)
{
	free(l->ns);
	memset(l, 0, sizeof(*l));
}
