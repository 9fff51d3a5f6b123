// SPDX-License-Identifier: MIT
/*
 * below: what no localisation rule explained. A lone pair that is below
 * cannot say which end is at fault; the finding says so, with whatever
 * evidence either end shows.
 */
#include <errno.h>
#include <stdio.h>

#include "vd.h"

int vd_rule_below(struct lr_verdict *v)
{
	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *x = &v->flows[i];
		struct vd_finding *f;
		char subject[520];

		if (x->verdict != VD_BELOW || x->claimed)
			continue;
		snprintf(subject, sizeof(subject), "%s -> %s", x->src, x->dst);
		f = vd_finding_add(v, subject, "below", true,
				   "below the model (limited by %s); not "
				   "localised: test each end with other "
				   "partners",
				   x->limited_by ? x->limited_by : "?");
		if (!f || vd_finding_flow(v, f, (uint32_t)i))
			return -ENOMEM;
		vd_finding_rates(v, f);
		vd_finding_nic_evidence(v, f, x->src);
		vd_finding_nic_evidence(v, f, x->dst);
	}
	return 0;
}
