// SPDX-License-Identifier: MIT
/*
 * below: what no localisation rule explained. A lone pair that is below
 * cannot say which end is at fault; the finding says so, with whatever
 * evidence either end shows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd.h"

/* Flows the model cannot judge: one note per reason. */
static int cannot_judge(struct lr_verdict *v)
{
	size_t first = v->n_findings;

	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *x = &v->flows[i];
		const char *why =
			x->limited_by ? x->limited_by : "cannot judge";
		struct vd_finding *f = NULL;

		if (x->verdict != VD_NOJUDGE)
			continue;
		for (size_t k = first; k < v->n_findings && !f; k++)
			if (!strcmp(v->findings[k].subject, why))
				f = &v->findings[k];
		if (!f)
			f = vd_finding_add(v, why, "cannot-judge", false,
					   "the model has no expectation for "
					   "these flows (%s): neither pass nor "
					   "below",
					   why);
		if (!f || vd_finding_flow(v, f, (uint32_t)i))
			return -ENOMEM;
	}
	return 0;
}

int vd_rule_below(struct lr_verdict *v)
{
	if (cannot_judge(v))
		return -ENOMEM;
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
