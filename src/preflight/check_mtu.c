// SPDX-License-Identifier: MIT
/* MTUs: the netdev's, and the RoCE/IB path MTU the port runs at. */
#include <stdio.h>
#include <string.h>

#include "pf.h"

static bool check_netdev_mtu(struct pf_nic *n)
{
	const struct lr_profile *p = n->spec.profile;
	double mtu = pf_num(n->netdev, "mtu", 0);
	struct lr_nic_spec found = n->spec;
	struct lr_profile fp = *p;
	char want[32], got[32];

	if (!p->mtu || !mtu || mtu >= p->mtu)
		return false;
	fp.mtu = (unsigned)mtu;
	if (p->encap == LR_ENCAP_ROCEV2)
		fp.path_mtu = lr_roce_path_mtu(fp.mtu);
	found.profile = &fp;
	snprintf(want, sizeof(want), "%u", p->mtu);
	snprintf(got, sizeof(got), "%u", fp.mtu);
	pf_finding(n, "mtu", "netdev MTU", want, got, &found, NULL);
	return true;
}

static void check_active_mtu(struct pf_nic *n)
{
	const struct lr_profile *p = n->spec.profile;
	double mtu = pf_num(n->port, "active_mtu", 0);
	unsigned want_mtu = lr_profile_path_mtu(p);
	struct lr_nic_spec found = n->spec;
	struct lr_profile fp = *p;
	char want[32], got[32];

	if (!mtu || !want_mtu || mtu >= want_mtu)
		return;
	fp.path_mtu = (unsigned)mtu;
	found.profile = &fp;
	snprintf(want, sizeof(want), "%u", want_mtu);
	snprintf(got, sizeof(got), "%u", fp.path_mtu);
	pf_finding(n, "mtu", "active MTU", want, got, &found, NULL);
}

void pf_check_mtu(struct pf_nic *n)
{
	if (check_netdev_mtu(n))
		return; /* the active MTU follows from it */
	if (n->port && n->spec.profile->encap != LR_ENCAP_TCP)
		check_active_mtu(n);
}

static bool gid_fits(const json_t *g, bool ipv6)
{
	const char *type = pf_str(g, "type"), *gid = pf_str(g, "gid");
	bool mapped = gid && !strncmp(gid, "::ffff:", 7);

	if (!type || strcmp(type, "RoCE v2") || !gid)
		return false;
	return ipv6 ? !mapped && strncmp(gid, "fe80:", 5) : mapped;
}

void pf_check_gid(struct pf_nic *n)
{
	bool ipv6 = n->spec.profile->ipv6;
	struct lr_nic_spec none = n->spec;
	size_t i;
	json_t *g;

	if (!n->port || n->spec.profile->encap != LR_ENCAP_ROCEV2)
		return;
	json_array_foreach(json_object_get(n->port, "gids"), i, g)
		if (gid_fits(g, ipv6))
			return;
	none.rate_gbps = 0;
	pf_finding(n, "gid", "GID table has", "one",
		   ipv6 ? "no RoCE v2 IPv6 GID" : "no RoCE v2 IPv4 GID", &none,
		   NULL);
}
