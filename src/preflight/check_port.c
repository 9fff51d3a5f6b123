// SPDX-License-Identifier: MIT
/* The port itself: presence, state, link layer, rate and width. */
#include <stdio.h>
#include <string.h>

#include "pf.h"

bool pf_check_presence(struct pf_nic *n)
{
	const char *status = pf_str(n->dev ? n->dev : n->netdev, "status");
	struct lr_nic_spec none = n->spec;

	none.rate_gbps = 0;
	if (!n->dev && !n->netdev) {
		pf_finding(n, "presence", "device", "present", "missing", &none,
			   NULL);
		return true;
	}
	if (status && !strcmp(status, "disappeared")) {
		pf_finding(n, "presence", "device", "present",
			   "disappeared while it was read", &none, NULL);
		return true;
	}
	return false;
}

/* A NIC that is only a netdev (tcp profiles): its operational state. */
static bool netdev_state(struct pf_nic *n)
{
	const char *op = pf_str(n->netdev, "operstate");
	struct lr_nic_spec none = n->spec;

	if (op && (!strcmp(op, "up") || !strcmp(op, "unknown")))
		return false;
	none.rate_gbps = 0;
	pf_finding(n, "state", "link", "up", op ? op : "unknown", &none, NULL);
	return true;
}

bool pf_check_state(struct pf_nic *n)
{
	const char *st = pf_str(n->port, "state");
	const char *ph = pf_str(n->port, "phys_state");
	struct lr_nic_spec none = n->spec;
	char found[64];

	if (!n->port)
		return netdev_state(n);
	if (st && !strcmp(st, "ACTIVE"))
		return false;
	none.rate_gbps = 0;
	snprintf(found, sizeof(found), "%s (%s)", st ? st : "unknown",
		 ph ? ph : "physical state unknown");
	pf_finding(n, "state", "port", "ACTIVE (LinkUp)", found, &none, NULL);
	return true;
}

static const char *want_layer(const struct lr_profile *p)
{
	return p->link == LR_LINK_INFINIBAND ? "InfiniBand" : "Ethernet";
}

static void check_layer(struct pf_nic *n)
{
	const char *ll = pf_str(n->port, "link_layer");
	const char *want = want_layer(n->spec.profile);
	struct lr_nic_spec none = n->spec;

	if (!ll || !strcmp(ll, want))
		return;
	none.rate_gbps = 0;
	pf_finding(n, "link_layer", "link layer", want, ll, &none, NULL);
}

/* "200 Gb/s (2X NDR)" for the port, or the netdev's speed. */
static double found_rate(const struct pf_nic *n, char *buf, size_t len)
{
	double gbps = pf_num(n->port, "rate_gbps", 0);

	if (gbps > 0) {
		snprintf(buf, len, "%g Gb/s (%s %s)", gbps,
			 pf_str(n->port, "width"), pf_str(n->port, "speed"));
		return gbps;
	}
	gbps = pf_num(n->netdev, "speed_mbps", 0) / 1000;
	snprintf(buf, len, "%g Gb/s", gbps);
	return gbps;
}

void pf_check_link(struct pf_nic *n)
{
	struct lr_nic_spec found = n->spec;
	char want[64], got[64];
	double gbps;

	if (n->port)
		check_layer(n);
	/* a tbf-shaped veth reports veth's speed, not the shaped rate */
	if (n->spec.profile->link == LR_LINK_VETH_TBF)
		return;
	gbps = found_rate(n, got, sizeof(got));
	if (gbps <= 0) {
		snprintf(want, sizeof(want), "%g Gb/s", n->spec.rate_gbps);
		pf_finding(n, "rate", "link rate", want, "unknown", NULL,
			   "cannot tell the link's ceiling");
		return;
	}
	if (gbps > n->spec.rate_gbps - 0.001)
		return;
	found.rate_gbps = gbps;
	snprintf(want, sizeof(want), "%g Gb/s", n->spec.rate_gbps);
	pf_finding(n, "rate", "link", want, got, &found, NULL);
}
