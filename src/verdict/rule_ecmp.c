// SPDX-License-Identifier: MIT
/*
 * ecmp: with static ECMP (routing: ecmp) hashing puts some flows on shared
 * uplinks; the model expects the fair share on average and gives each
 * flow's expected slowest rate (lr_ecmp_finish). Flows below the fair
 * share but not below the slowest estimate are the design limit of static
 * hashing, reported as such (not a fault); below even that is left to the
 * other rules (a fault).
 */
#include <errno.h>

#include "vd.h"
#include "linerate/util.h"

static bool design_limit(const struct lr_verdict *v, const struct vd_flow *f)
{
	return vd_open_below(f) && f->ecmp_slowest < f->expected &&
	       f->gbps >= (1 - v->tolerance) * f->ecmp_slowest;
}

int vd_rule_ecmp(struct lr_verdict *v)
{
	struct vd_finding *f = NULL;
	double slowest = 0;

	if (v->topo->routing != LR_ROUTE_ECMP)
		return 0;
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *x = &v->flows[i];

		if (!design_limit(v, x))
			continue;
		if (!f)
			f = vd_finding_add(
				v, "fabric (static ECMP)", "ecmp", false,
				"flows below the fair share but within the "
				"model's static-ECMP expectation: hash "
				"collisions on the uplinks, a design limit "
				"of static ECMP, not a fault (adaptive "
				"routing would deliver the fair share)");
		if (!f || vd_finding_flow(v, f, (uint32_t)i))
			return -ENOMEM;
		slowest += x->ecmp_slowest;
	}
	if (f) {
		vd_finding_rates(v, f);
		vd_finding_evidence(f,
				    "%zu flows; the model's slowest-flow "
				    "estimate for them %.2f Gb/s in all",
				    f->n_flows, slowest);
	}
	return 0;
}
