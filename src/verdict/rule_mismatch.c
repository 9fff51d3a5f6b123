// SPDX-License-Identifier: MIT
/*
 * mismatch: flows above the model. The model says which resource bounds
 * each flow; measuring more means the topology is wrong about it (a NIC
 * faster than declared, more uplinks). One finding per such resource.
 */
#include <errno.h>

#include "vd.h"

int vd_rule_mismatch(struct lr_verdict *v)
{
	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *x = &v->flows[i];
		char what[256];
		struct vd_finding *f;

		if (x->verdict != VD_ABOVE)
			continue;
		vd_limit_subject(x, what, sizeof(what));
		f = vd_finding_find(v, "mismatch", what);
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
