// SPDX-License-Identifier: MIT
/*
 * DCB: a RoCE profile that names a lossless class (lossless_dscp) needs the
 * netdev to map that DSCP to a priority with PFC on, and ECN (DCQCN's
 * notification and reaction points) on for that priority.
 */
#include <stdio.h>

#include "linerate/dcb.h"
#include "pf.h"

static const char *const lossy_why =
	"RoCE on a lossy class: a drop under congestion costs a go-back-N "
	"retransmit of everything in flight, the rate collapses far below the "
	"model";

static void check_ecn(struct pf_nic *n, const struct lr_dcb *d, int prio)
{
	static const char *const names[] = { "notification point (roce_np)",
					     "reaction point (roce_rp)" };
	const int flags[] = { d->ecn_np[prio], d->ecn_rp[prio] };
	char subject[96];

	for (int i = 0; i < 2; i++) {
		if (flags[i] != 0)
			continue; /* on, or not exposed by the driver */
		snprintf(subject, sizeof(subject), "ECN %s on priority %d",
			 names[i], prio);
		pf_finding(n, "dcb", subject, "enabled", "disabled", NULL,
			   "no congestion control for the lossless class: PFC "
			   "pauses spread instead (head-of-line blocking)");
	}
}

void pf_check_dcb(struct pf_nic *n)
{
	const struct lr_profile *p = n->spec.profile;
	const char *ifname = pf_str(n->netdev, "name");
	char subject[96], want[48];
	struct lr_dcb d;
	int prio;

	if (!p->lossless || p->encap != LR_ENCAP_ROCEV2 || !ifname)
		return;
	lr_dcb_read(ifname, &d);
	snprintf(want, sizeof(want), "DSCP %u on a PFC priority",
		 p->lossless_dscp);
	if (!d.have_pfc) {
		snprintf(subject, sizeof(subject), "DCB state of %s", ifname);
		pf_finding(n, "dcb", subject, want,
			   "unknown (no answer to dcb pfc show)", NULL,
			   lossy_why);
		return;
	}
	prio = lr_dcb_prio_of(&d, p->lossless_dscp);
	if (!(d.pfc_en & (1u << prio))) {
		snprintf(subject, sizeof(subject),
			 "PFC on priority %d (DSCP %u%s)", prio,
			 p->lossless_dscp,
			 d.have_app && d.dscp_prio[p->lossless_dscp] >= 0 ?
				 "" :
				 ", not in the DSCP map: default priority");
		pf_finding(n, "dcb", subject, "on", "off", NULL, lossy_why);
	}
	check_ecn(n, &d, prio);
}
