// SPDX-License-Identifier: MIT
/* failed: a flow with no result (it could not run, or an end died). */
#include <errno.h>
#include <stdio.h>

#include "vd.h"

int vd_rule_failed(struct lr_verdict *v)
{
	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *x = &v->flows[i];
		struct vd_finding *f;
		char subject[520];

		if (x->verdict != VD_FAILED)
			continue;
		snprintf(subject, sizeof(subject), "%s -> %s", x->src, x->dst);
		f = vd_finding_add(v, subject, "failed", true, "%s", x->error);
		if (!f || vd_finding_flow(v, f, (uint32_t)i))
			return -ENOMEM;
		f->measured = 0;
		f->ratio = 0;
		f->expected = x->expected;
	}
	return 0;
}
