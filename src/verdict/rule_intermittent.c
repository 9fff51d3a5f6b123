// SPDX-License-Identifier: MIT
/*
 * intermittent: the interval minimum below the expectation while the
 * median passes. A fault when an interval fell below vd_limits.stopped x
 * the expectation (the flow stopped: flaps, pause storms), else a note
 * (dips). On a NIC when it shows with two or more partners, else on the
 * link of the flow.
 */
#include <errno.h>
#include <stdio.h>

#include "vd.h"

static bool dips(const struct lr_verdict *v, const struct vd_flow *f)
{
	double floor = (1 - v->tolerance) * f->expected;

	return (f->verdict == VD_PASS || f->verdict == VD_BELOW) &&
	       f->iv_n >= 2 && f->iv_min < floor && f->iv_med >= floor;
}

/* Distinct partners of nic's intermittent flows. */
static size_t partners(const struct lr_verdict *v, long nic)
{
	const uint32_t *fl;
	size_t n = vd_nic_flows(v, nic, &fl), k = 0;
	long first = -1;

	for (size_t i = 0; i < n; i++) {
		const struct vd_flow *f = &v->flows[fl[i]];
		long p = vd_partner(f, nic);

		if (!dips(v, f))
			continue;
		if (first < 0)
			first = p, k = 1;
		else if (p != first)
			return 2;
	}
	return k;
}

static bool stops(const struct vd_flow *f)
{
	return f->iv_min < vd_limits.stopped * f->expected;
}

/* Whether any of the n flows fl that dip stops. */
static bool any_stops(const struct lr_verdict *v, const uint32_t *fl, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dips(v, &v->flows[fl[i]]) && stops(&v->flows[fl[i]]))
			return true;
	return false;
}

static int finding(struct lr_verdict *v, const char *subject,
		   const uint32_t *fl, size_t n, long nic)
{
	bool fault = any_stops(v, fl, n);
	struct vd_finding *f = vd_finding_add(
		v, subject, "intermittent", fault,
		fault ? "an interval below %.0f%% of the expectation while the "
			"median passes: the flow stops from time to time "
			"(flaps, pause storms, resets)" :
			"interval minimum below the expectation, above %.0f%% "
			"of it, while the median passes: the rate dips from "
			"time to time (a loaded host pausing a sender, "
			"congestion); a note",
		100 * vd_limits.stopped);

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct vd_flow *x = &v->flows[fl[i]];

		if (!dips(v, x) || (nic < 0 && v->flows[fl[i]].claimed))
			continue;
		if (vd_finding_flow(v, f, fl[i]))
			return -ENOMEM;
		vd_finding_evidence(f,
				    "%s -> %s: intervals min %.2f, median "
				    "%.2f, max %.2f Gb/s (expected %.2f)",
				    x->src, x->dst, x->iv_min, x->iv_med,
				    x->iv_max, x->expected);
	}
	vd_finding_rates(v, f);
	/* the rate that dips: the minimum against the expectation */
	f->measured = 0;
	for (size_t i = 0; i < f->n_flows; i++)
		f->measured += v->flows[f->flows[i]].iv_min;
	f->ratio = f->expected > 0 ? f->measured / f->expected : f->ratio;
	if (nic >= 0)
		vd_finding_nic_evidence(v, f, subject);
	return 0;
}

int vd_rule_intermittent(struct lr_verdict *v)
{
	char name[256], subject[520];

	for (size_t nic = 0; nic < v->topo->n_nics; nic++) {
		const uint32_t *fl;
		size_t n;

		if (v->nic_off[nic] == v->nic_off[nic + 1] ||
		    partners(v, (long)nic) < 2)
			continue;
		n = vd_nic_flows(v, (long)nic, &fl);
		vd_nic_name(v->topo, (long)nic, name, sizeof(name));
		if (finding(v, name, fl, n, (long)nic))
			return -ENOMEM;
	}
	for (size_t i = 0; i < v->n_flows; i++) {
		uint32_t one = (uint32_t)i;

		if (!dips(v, &v->flows[i]) || v->flows[i].claimed)
			continue;
		snprintf(subject, sizeof(subject), "%s -> %s", v->flows[i].src,
			 v->flows[i].dst);
		if (finding(v, subject, &one, 1, -1))
			return -ENOMEM;
	}
	return 0;
}
