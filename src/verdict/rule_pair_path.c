// SPDX-License-Identifier: MIT
/*
 * pair-path: below with one partner only, both ends fine elsewhere: the
 * path between them (cabling, a switch port, one ECMP path).
 */
#include <errno.h>
#include <stdio.h>

#include "vd.h"

static int path_finding(struct lr_verdict *v, long a, long b)
{
	const uint32_t *fl;
	size_t n = vd_nic_flows(v, a, &fl);
	char na[256], nb[256], subject[520];
	struct vd_finding *f;

	vd_nic_name(v->topo, a, na, sizeof(na));
	vd_nic_name(v->topo, b, nb, sizeof(nb));
	snprintf(subject, sizeof(subject), "%s <-> %s", na, nb);
	f = vd_finding_add(v, subject, "pair-path", true,
			   "below between these two only; both ends are fine "
			   "with other partners: the path between them "
			   "(cabling, a switch port, one ECMP path)");
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (vd_open_below(&v->flows[fl[i]]) &&
		    vd_partner(&v->flows[fl[i]], a) == b &&
		    vd_finding_flow(v, f, fl[i]))
			return -ENOMEM;
	vd_finding_rates(v, f);
	vd_finding_nic_evidence(v, f, na);
	vd_finding_nic_evidence(v, f, nb);
	return 0;
}

int vd_rule_pair_path(struct lr_verdict *v)
{
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *x = &v->flows[i];

		if (!vd_open_below(x) ||
		    !vd_fine_elsewhere(v, x->src_nic, x->dst_nic) ||
		    !vd_fine_elsewhere(v, x->dst_nic, x->src_nic))
			continue;
		if (path_finding(v, x->src_nic, x->dst_nic))
			return -ENOMEM;
	}
	return 0;
}
