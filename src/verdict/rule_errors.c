// SPDX-License-Identifier: MIT
/*
 * errors: error counters rising during a flow (symbol, CRC, link downs,
 * sequence errors, discards) and TCP retransmissions above the threshold.
 * They are evidence of the finding about that NIC or link when there is
 * one; without one (the flows ran at full rate) they are a finding of
 * their own: errors corrected at full rate cost RDMA far more than TCP.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vd.h"

/* A fault finding that already covers this NIC (or one of its flows). */
static bool covered(const struct lr_verdict *v, const char *nic, size_t upto)
{
	for (size_t i = 0; i < upto; i++) {
		const struct vd_finding *f = &v->findings[i];

		if (!f->fault)
			continue;
		if (vd_mentions(f->subject, nic))
			return true;
	}
	return false;
}

static int nic_errors(struct lr_verdict *v, long nic, size_t upto)
{
	const uint32_t *fl;
	size_t n = vd_nic_flows(v, nic, &fl), below = 0;
	struct vd_finding *f;
	char name[256];
	bool any = false, hard = false;

	vd_nic_name(v->topo, nic, name, sizeof(name));
	for (size_t i = 0; i < n; i++) {
		const struct vd_flow *x = &v->flows[fl[i]];
		bool src = x->src_nic == nic;

		if ((src ? x->err_src : x->err_dst) != NULL) {
			any = true;
			hard |= !(src ? x->pause_src : x->pause_dst);
		}
		below += x->verdict == VD_BELOW;
	}
	/* Pause frames while every flow ran at full rate: flow control doing
	 * its work, nothing lost. */
	if (!any || (!hard && !below))
		return 0;
	if (covered(v, name, upto)) {
		/* evidence of the finding that covers it */
		for (size_t i = 0; i < upto; i++)
			if (v->findings[i].fault &&
			    vd_mentions(v->findings[i].subject, name))
				vd_finding_nic_evidence(v, &v->findings[i],
							name);
		return 0;
	}
	f = vd_finding_add(v, name, "errors", true,
			   !hard ? "pause frames rising during its flows: "
				   "the link was held back (a slow or "
				   "congested receiver, a pause storm)" :
			   below ? "error counters rising during its flows" :
				   "errors corrected at full rate: error "
				   "counters rising while its flows passed "
				   "(loss that TCP hides costs RDMA far more)");
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct vd_flow *x = &v->flows[fl[i]];

		if ((x->src_nic == nic ? x->err_src : x->err_dst) &&
		    vd_finding_flow(v, f, fl[i]))
			return -ENOMEM;
	}
	vd_finding_rates(v, f);
	vd_finding_nic_evidence(v, f, name);
	return 0;
}

static int retransmits(struct lr_verdict *v, size_t upto)
{
	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *x = &v->flows[i];
		struct vd_finding *f;
		char subject[520];

		if (!(x->retrans_ratio > vd_limits.retrans_ratio) ||
		    x->claimed || covered(v, x->src, upto) ||
		    covered(v, x->dst, upto))
			continue;
		snprintf(subject, sizeof(subject), "%s -> %s", x->src, x->dst);
		f = vd_finding_add(v, subject, "errors", true,
				   "TCP retransmits %.2f%% of its segments "
				   "(loss on the path%s)",
				   100 * x->retrans_ratio,
				   x->verdict == VD_PASS ?
					   ", corrected at full rate" :
					   "");
		if (!f || vd_finding_flow(v, f, (uint32_t)i))
			return -ENOMEM;
		vd_finding_rates(v, f);
		vd_finding_nic_evidence(v, f, x->src);
	}
	return 0;
}

int vd_rule_errors(struct lr_verdict *v)
{
	size_t upto = v->n_findings;

	for (size_t nic = 0; nic < v->topo->n_nics; nic++)
		if (v->nic_off[nic] != v->nic_off[nic + 1] &&
		    nic_errors(v, (long)nic, upto))
			return -ENOMEM;
	return retransmits(v, upto);
}
