// SPDX-License-Identifier: MIT
/*
 * mismatch: flows above the model. The model says which resource bounds
 * each flow; measuring more means the topology is wrong about it (a NIC
 * faster than declared, more uplinks). One finding per such resource.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vd.h"

static struct vd_finding *find(struct lr_verdict *v, size_t from,
			       const char *subject)
{
	for (size_t i = from; i < v->n_findings; i++)
		if (!strcmp(v->findings[i].subject, subject))
			return &v->findings[i];
	return NULL;
}

int vd_rule_mismatch(struct lr_verdict *v)
{
	size_t first = v->n_findings;

	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *x = &v->flows[i];
		char what[256];
		struct vd_finding *f;

		if (x->verdict != VD_ABOVE)
			continue;
		/* "n1/m0 (nic-link-tx)" -> "n1/m0" */
		snprintf(what, sizeof(what), "%s",
			 x->limited_by ? x->limited_by : x->src);
		if (strstr(what, " ("))
			*strstr(what, " (") = '\0';
		f = find(v, first, what);
		if (!f)
			f = vd_finding_add(v, what, "mismatch", true,
					   "measured above the model: the "
					   "topology is wrong about %s (e.g. "
					   "faster than declared)",
					   what);
		if (!f || vd_finding_flow(v, f, (uint32_t)i))
			return -ENOMEM;
		vd_finding_rates(v, f);
	}
	return 0;
}
