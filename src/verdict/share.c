// SPDX-License-Identifier: MIT
/*
 * Flows that share the resource that binds them. The model gives each its
 * max-min fair share; real queues do not split a bottleneck that evenly
 * (one FIFO queue behind a shaped or oversubscribed link, TCP's flows
 * under it, a switch port without fair queueing), so one flow may take a
 * few per cent of another's share. Such flows are judged together: when
 * their sum is within the tolerance of the model's sum, a flow outside it
 * alone passes, and a note names the resource and the spread. A sum
 * outside the tolerance leaves every verdict as it was (the rules then
 * place the fault). DESIGN.md: "compare aggregates".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"

struct member {
	uint32_t res, flow;
};

static int by_res(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->res != y->res)
		return x->res < y->res ? -1 : 1;
	return x->flow < y->flow ? -1 : x->flow > y->flow;
}

/* Judged alone, and not by static ECMP's own model of uneven shares (its
 * slowest-flow estimate, the ecmp rule). */
static bool candidate(const struct vd_flow *f)
{
	return (f->verdict == VD_PASS || f->verdict == VD_BELOW ||
		f->verdict == VD_ABOVE) &&
	       !isnan(f->gbps) && !(f->ecmp_slowest < f->expected);
}

/* One group m[0..n): pass its outliers when the sum passes. */
static void judge_group(struct lr_verdict *v, const struct member *m, size_t n)
{
	double got = 0, want = 0;

	for (size_t i = 0; i < n; i++) {
		const struct vd_flow *f = &v->flows[m[i].flow];

		got += f->gbps;
		want += f->expected;
	}
	if (!(want > 0) || isnan(got) || fabs(got / want - 1) > v->tolerance)
		return;
	for (size_t i = 0; i < n; i++) {
		struct vd_flow *f = &v->flows[m[i].flow];

		if (f->verdict == VD_PASS)
			continue;
		f->verdict = VD_PASS;
		f->shared = true;
	}
}

int vd_judge_shared(struct lr_verdict *v, const uint32_t *flows,
		    const uint32_t *res, size_t n)
{
	struct member *m = malloc((n + 1) * sizeof(*m));
	size_t k = 0;

	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (candidate(&v->flows[flows[i]]))
			m[k++] = (struct member){ res[i], flows[i] };
	qsort(m, k, sizeof(*m), by_res);
	for (size_t i = 0, j; i < k; i = j) {
		for (j = i + 1; j < k && m[j].res == m[i].res; j++)
			;
		if (j - i >= 2)
			judge_group(v, m + i, j - i);
	}
	free(m);
	return 0;
}

/* "leaf-a uplinks (switch-uplink)" -> "leaf-a uplinks" */
static void resource_of(const struct vd_flow *x, char *buf, size_t len)
{
	snprintf(buf, len, "%s", x->limited_by ? x->limited_by : x->src);
	if (strstr(buf, " ("))
		*strstr(buf, " (") = '\0';
}

static struct vd_finding *find(struct lr_verdict *v, size_t from,
			       const char *subject)
{
	for (size_t i = from; i < v->n_findings; i++)
		if (!strcmp(v->findings[i].subject, subject))
			return &v->findings[i];
	return NULL;
}

static void spread(const struct lr_verdict *v, struct vd_finding *f)
{
	double lo = INFINITY, hi = 0;

	for (size_t i = 0; i < f->n_flows; i++) {
		double r = v->flows[f->flows[i]].ratio;

		lo = r < lo ? r : lo;
		hi = r > hi ? r : hi;
	}
	vd_finding_evidence(f,
			    "%zu flows outside the tolerance alone, at %.3f "
			    "to %.3f of their fair share",
			    f->n_flows, lo, hi);
}

int vd_rule_share(struct lr_verdict *v)
{
	size_t first = v->n_findings;

	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *x = &v->flows[i];
		struct vd_finding *f;
		char what[256];

		if (!x->shared)
			continue;
		resource_of(x, what, sizeof(what));
		f = find(v, first, what);
		if (!f)
			f = vd_finding_add(
				v, what, "share", false,
				"flows bound by %s split it unevenly (one "
				"queue, no fair queueing): their sum is "
				"within the tolerance of the model's, so "
				"they pass together; a note",
				what);
		if (!f || vd_finding_flow(v, f, (uint32_t)i))
			return -ENOMEM;
		vd_finding_rates(v, f);
	}
	for (size_t k = first; k < v->n_findings; k++)
		spread(v, &v->findings[k]);
	return 0;
}
