// SPDX-License-Identifier: MIT
/*
 * Flows that share a resource the model fills. The model gives each
 * its max-min fair share; real queues do not split a bottleneck that
 * evenly (one FIFO queue behind a shaped or oversubscribed link, TCP's
 * flows under it, a switch port without fair queueing), so one flow may
 * take a few per cent of another's share. Flows joined by full resources
 * (a flow's own NIC and the uplink it shares with others: with a
 * non-blocking uplink both fill at once) are judged together: when
 * their sum is within the tolerance of the model's sum, a flow outside it
 * alone passes, and a note names the resource and the spread. What one
 * flow lost and no other could take leaves the sum short: every verdict
 * then stays as it was, and the rules place the fault. DESIGN.md:
 * "compare aggregates".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "vd.h"

struct member {
	uint32_t root, flow;
};

static int by_root(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
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
	if (!(want > 0) || fabs(got / want - 1) > v->tolerance)
		return;
	for (size_t i = 0; i < n; i++) {
		struct vd_flow *f = &v->flows[m[i].flow];

		if (f->verdict == VD_PASS)
			continue;
		f->verdict = VD_PASS;
		f->shared = true;
	}
}

static uint32_t find_root(uint32_t *up, uint32_t x)
{
	while (up[x] != x)
		x = up[x] = up[up[x]];
	return x;
}

/* The model's rates use all of it. Not lr_res.saturated: a resource whose
 * flows all froze elsewhere at exactly its capacity (a non-blocking uplink
 * beside its NICs) is full without being marked. */
static bool full(const struct lr_res *r)
{
	return r->n_flows > 1 && r->used >= r->cap * (1 - 1e-9);
}

/* up[]: the graph's flows joined through the resources they fill. */
static int join_flows(const struct lr_graph *g, const bool *cand, uint32_t *up)
{
	uint32_t *first = malloc((g->n_res + 1) * sizeof(*first));

	if (!first)
		return -ENOMEM;
	for (size_t r = 0; r < g->n_res; r++)
		first[r] = UINT32_MAX;
	for (uint32_t i = 0; i < g->n_flows; i++)
		up[i] = i;
	for (uint32_t i = 0; i < g->n_flows; i++) {
		const struct lr_flow *f = &g->flows[i];

		for (uint32_t k = 0; cand[i] && k < f->path_len; k++) {
			uint32_t r = g->path[f->path_off + k];

			if (!full(&g->res[r]))
				continue;
			if (first[r] == UINT32_MAX)
				first[r] = i;
			else
				up[find_root(up, i)] = find_root(up, first[r]);
		}
	}
	free(first);
	return 0;
}

int vd_judge_shared(struct lr_verdict *v, const struct lr_graph *g,
		    const uint32_t *flows)
{
	size_t n = g->n_flows, k = 0;
	struct member *m = malloc((n + 1) * sizeof(*m));
	uint32_t *up = malloc((n + 1) * sizeof(*up));
	bool *cand = malloc(n + 1);
	int ret = m && up && cand ? 0 : -ENOMEM;

	for (size_t i = 0; !ret && i < n; i++)
		cand[i] = candidate(&v->flows[flows[i]]);
	if (!ret)
		ret = join_flows(g, cand, up);
	for (uint32_t i = 0; !ret && i < n; i++)
		if (cand[i])
			m[k++] = (struct member){ find_root(up, i), flows[i] };
	if (!ret)
		qsort(m, k, sizeof(*m), by_root);
	for (size_t i = 0, j; !ret && i < k; i = j) {
		for (j = i + 1; j < k && m[j].root == m[i].root; j++)
			;
		if (j - i >= 2)
			judge_group(v, m + i, j - i);
	}
	free(m);
	free(up);
	free(cand);
	return ret;
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
		vd_limit_subject(x, what, sizeof(what));
		f = vd_finding_find(v, "share", what);
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
