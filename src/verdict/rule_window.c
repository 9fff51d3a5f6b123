// SPDX-License-Identifier: MIT
/*
 * window: the flows of a set must have run at the same time. A flow whose
 * window shares less than window_overlap of its length with the set's
 * common window (median start to median end) measured a different set:
 * its verdict compares it with flows it did not run beside.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vd.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

static int check_set(struct lr_verdict *v, const struct vd_set *s, double *a,
		     double *b)
{
	size_t n = 0;
	double S, E;

	for (size_t i = 0; i < s->n_flows; i++) {
		const struct vd_flow *f = &v->flows[s->flows[i]];

		if (isnan(f->start) || isnan(f->end))
			continue;
		a[n] = f->start;
		b[n++] = f->end;
	}
	if (n < 2)
		return 0;
	S = median(a, n);
	E = median(b, n);
	for (size_t i = 0; i < s->n_flows; i++) {
		const struct vd_flow *f = &v->flows[s->flows[i]];
		double len = f->end - f->start, ov;
		struct vd_finding *x;
		char subject[520];

		if (isnan(f->start) || isnan(f->end) || !(len > 0))
			continue;
		ov = fmax(0, fmin(f->end, E) - fmax(f->start, S));
		if (ov >= vd_limits.window_overlap * len)
			continue;
		snprintf(subject, sizeof(subject), "%s -> %s", f->src, f->dst);
		x = vd_finding_add(
			v, subject, "window", false,
			"measured a different set: its window (%.1f s) shares "
			"only %.0f%% with the common window of set '%s' "
			"(started %+.1f s, ended %+.1f s from it); its "
			"verdict compares it with flows it did not run beside",
			len, 100 * ov / len, s->id, f->start - S, f->end - E);
		if (!x)
			return -ENOMEM;
		x->flows = malloc(sizeof(*x->flows));
		if (!x->flows)
			return -ENOMEM;
		x->flows[x->n_flows++] = s->flows[i]; /* not claimed */
	}
	return 0;
}

int vd_rule_window(struct lr_verdict *v)
{
	size_t max = 0;
	double *a, *b;
	int ret = 0;

	for (size_t i = 0; i < v->n_sets; i++)
		max = v->sets[i].n_flows > max ? v->sets[i].n_flows : max;
	a = malloc((max + 1) * sizeof(*a));
	b = malloc((max + 1) * sizeof(*b));
	if (!a || !b)
		ret = -ENOMEM;
	for (size_t i = 0; i < v->n_sets && !ret; i++)
		ret = check_set(v, &v->sets[i], a, b);
	free(a);
	free(b);
	return ret;
}
