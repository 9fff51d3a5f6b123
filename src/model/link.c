// SPDX-License-Identifier: MIT
/*
 * Per-packet overhead and large-message goodput of a link profile.
 *
 * Ethernet speed names are MAC data rates: 400GbE carries 400 Gb/s of
 * frames, so only per-frame bytes are deducted. Bytes per packet beyond the
 * payload (topologies/README.md cites the sources):
 *   Ethernet: preamble+SFD 8, IFG 12, header 14, VLAN 4, FCS 4
 *   RoCEv2:   IPv4 20 / IPv6 40, UDP 8, BTH 12, ICRC 4  (82 B for IPv4)
 *             RETH 16 on WRITE first/only, AETH 4 on READ first/last/only
 *   IB:       LRH 8, GRH 40 (optional), BTH 12, ICRC 4, VCRC 2  (26 B)
 *   TCP:      IPv4 20 / IPv6 40, TCP 20, timestamps option 12
 * A veth shaped by tc tbf counts L2 frame bytes only (header 14 + IP + TCP
 * + payload): no preamble, IFG or FCS.
 */
#include <errno.h>
#include <math.h>

#include "linerate/model.h"

enum {
	ETH_PREAMBLE_IFG = 20,
	ETH_HDR = 14,
	ETH_VLAN = 4,
	ETH_FCS = 4,
	IPV4_HDR = 20,
	IPV6_HDR = 40,
	UDP_HDR = 8,
	IB_LRH = 8,
	IB_GRH = 40,
	IB_BTH = 12,
	IB_RETH = 16,
	IB_AETH = 4,
	IB_ICRC = 4,
	IB_VCRC = 2,
	TCP_HDR = 20,
	TCP_TIMESTAMPS = 12,
	ROCE_MTU_HEADROOM = 96,
};

unsigned lr_roce_path_mtu(unsigned netdev_mtu)
{
	static const unsigned ib_mtus[] = { 4096, 2048, 1024, 512, 256 };

	for (size_t i = 0; i < sizeof(ib_mtus) / sizeof(ib_mtus[0]); i++)
		if (netdev_mtu >= ib_mtus[i] + ROCE_MTU_HEADROOM)
			return ib_mtus[i];
	return 0;
}

unsigned lr_profile_path_mtu(const struct lr_profile *p)
{
	if (p->path_mtu)
		return p->path_mtu;
	if (p->encap == LR_ENCAP_ROCEV2)
		return lr_roce_path_mtu(p->mtu);
	if (p->encap == LR_ENCAP_IB)
		return 4096;
	return 0;
}

/* Bytes the link layer adds to each packet (what the rate counts). */
static unsigned l2_bytes(const struct lr_profile *p)
{
	unsigned vlan = p->vlan ? ETH_VLAN : 0;

	switch (p->link) {
	case LR_LINK_ETHERNET:
		return ETH_PREAMBLE_IFG + ETH_HDR + vlan + ETH_FCS;
	case LR_LINK_VETH_TBF: return ETH_HDR + vlan;
	case LR_LINK_INFINIBAND:
		return IB_LRH + IB_VCRC + (p->grh ? IB_GRH : 0);
	}
	return 0;
}

static unsigned ip_bytes(const struct lr_profile *p)
{
	return p->ipv6 ? IPV6_HDR : IPV4_HDR;
}

static int tcp_framing(const struct lr_profile *p, struct lr_framing *f)
{
	unsigned mtu = p->mtu ? p->mtu : 1500;
	unsigned hdr = ip_bytes(p) + TCP_HDR +
		       (p->tcp_timestamps ? TCP_TIMESTAMPS : 0);

	if (p->link == LR_LINK_INFINIBAND || mtu <= hdr)
		return -EINVAL;
	f->payload = mtu - hdr;
	f->per_packet = hdr + l2_bytes(p);
	f->per_message = 0;
	return 0;
}

static unsigned per_message(enum lr_op op)
{
	if (op == LR_OP_WRITE)
		return IB_RETH;
	if (op == LR_OP_READ)
		return 2 * IB_AETH;
	return 0;
}

int lr_profile_framing(const struct lr_profile *p, enum lr_op op,
		       struct lr_framing *f)
{
	unsigned pmtu;

	if (p->encap == LR_ENCAP_TCP)
		return tcp_framing(p, f);
	pmtu = lr_profile_path_mtu(p);
	if (!pmtu)
		return -EINVAL;
	if (p->encap == LR_ENCAP_ROCEV2) {
		if (p->link == LR_LINK_INFINIBAND)
			return -EINVAL;
		f->per_packet =
			l2_bytes(p) + ip_bytes(p) + UDP_HDR + IB_BTH + IB_ICRC;
	} else {
		if (p->link != LR_LINK_INFINIBAND)
			return -EINVAL;
		f->per_packet = l2_bytes(p) + IB_BTH + IB_ICRC;
	}
	f->payload = pmtu;
	f->per_message = op == LR_OP_STREAM ? 0 : per_message(op);
	return 0;
}

double lr_link_efficiency(const struct lr_profile *p, enum lr_op op,
			  uint64_t msg)
{
	struct lr_framing f;
	double pkts, extra;

	if (lr_profile_framing(p, op, &f))
		return 0.0;
	if (!msg)
		return (double)f.payload / (f.payload + f.per_packet);
	pkts = ceil((double)msg / f.payload);
	extra = f.per_message;
	if (op == LR_OP_READ && pkts < 2)
		extra = IB_AETH;
	return (double)msg / ((double)msg + pkts * f.per_packet + extra);
}

double lr_link_goodput(const struct lr_profile *p, double rate_gbps,
		       enum lr_op op, uint64_t msg)
{
	return rate_gbps * lr_link_efficiency(p, op, msg);
}

double lr_floor_dp(double gbps, int decimals)
{
	double scale = pow(10.0, decimals);

	/* the epsilon keeps a value exactly at a step (0.34) at that step */
	return floor(gbps * scale + 1e-6) / scale;
}

double lr_floor2(double gbps)
{
	return lr_floor_dp(gbps, 2);
}
