// SPDX-License-Identifier: MIT
/* Link and PCIe physics: the numbers of DESIGN.md, pinned. */
#include "helpers.h"

static struct lr_profile roce(double rate, unsigned mtu, unsigned pmtu)
{
	return (struct lr_profile){ .link = LR_LINK_ETHERNET,
				    .encap = LR_ENCAP_ROCEV2,
				    .rate_gbps = rate,
				    .mtu = mtu,
				    .path_mtu = pmtu };
}

static struct lr_profile ib(unsigned pmtu, bool grh)
{
	return (struct lr_profile){ .link = LR_LINK_INFINIBAND,
				    .encap = LR_ENCAP_IB,
				    .rate_gbps = 400,
				    .path_mtu = pmtu,
				    .grh = grh };
}

static double gp(const struct lr_profile *p)
{
	return lr_link_goodput(p, p->rate_gbps, LR_OP_WRITE, 0);
}

Test(link, roce_overhead_is_82_bytes)
{
	struct lr_profile p = roce(400, 9000, 0);
	struct lr_framing f;

	cr_assert_eq(lr_profile_framing(&p, LR_OP_WRITE, &f), 0);
	cr_assert_eq(f.per_packet, 82);
	cr_assert_eq(f.payload, 4096);
	cr_assert_eq(f.per_message, 16, "RETH on the first packet");
	cr_assert_eq(lr_profile_framing(&p, LR_OP_SEND, &f), 0);
	cr_assert_eq(f.per_message, 0);
}

Test(link, roce_400g_mtu_4096_is_392_14)
{
	struct lr_profile p = roce(400, 9000, 0);

	assert_gbps(gp(&p), 392.1493);
	cr_assert_float_eq(lr_floor2(gp(&p)), 392.14, 1e-9);
}

Test(link, roce_400g_mtu_2048_and_1024)
{
	struct lr_profile p2 = roce(400, 0, 2048), p1 = roce(400, 0, 1024);

	assert_gbps(gp(&p2), 400.0 * 2048 / 2130); /* 384.60 */
	assert_gbps(gp(&p1), 370.3436);
	cr_assert_float_eq(lr_floor2(gp(&p1)), 370.34, 1e-9);
}

Test(link, roce_ipv6_and_vlan)
{
	struct lr_profile p = roce(400, 9000, 0);

	p.ipv6 = true;
	assert_gbps(gp(&p), 400.0 * 4096 / 4198);
	p.ipv6 = false;
	p.vlan = true;
	assert_gbps(gp(&p), 400.0 * 4096 / 4182);
}

Test(link, roce_path_mtu_from_netdev_mtu)
{
	cr_assert_eq(lr_roce_path_mtu(9000), 4096);
	cr_assert_eq(lr_roce_path_mtu(4192), 4096);
	cr_assert_eq(lr_roce_path_mtu(4191), 2048);
	cr_assert_eq(lr_roce_path_mtu(1500), 1024);
	cr_assert_eq(lr_roce_path_mtu(1120), 1024);
	cr_assert_eq(lr_roce_path_mtu(1119), 512);
	cr_assert_eq(lr_roce_path_mtu(300), 0);
}

Test(link, ndr_ib_mtu_4096_is_397_47)
{
	struct lr_profile p = ib(4096, false);
	struct lr_framing f;

	cr_assert_eq(lr_profile_framing(&p, LR_OP_WRITE, &f), 0);
	cr_assert_eq(f.per_packet, 26);
	assert_gbps(gp(&p), 397.4769);
	cr_assert_float_eq(lr_floor2(gp(&p)), 397.47, 1e-9);
}

Test(link, ib_mtu_2048_1024_and_grh)
{
	struct lr_profile p2 = ib(2048, false), p1 = ib(1024, false);
	struct lr_profile g = ib(4096, true);

	assert_gbps(gp(&p2), 400.0 * 2048 / 2074); /* 394.98 */
	assert_gbps(gp(&p1), 400.0 * 1024 / 1050); /* 390.09 */
	assert_gbps(gp(&g), 400.0 * 4096 / 4162); /* 393.65 */
}

Test(link, message_size_counts_reth_and_aeth)
{
	struct lr_profile p = roce(400, 9000, 0);
	double w = lr_link_efficiency(&p, LR_OP_WRITE, 65536);
	double r = lr_link_efficiency(&p, LR_OP_READ, 65536);
	double one = lr_link_efficiency(&p, LR_OP_READ, 4096);

	cr_assert_float_eq(w, 65536.0 / (65536 + 16 * 82 + 16), 1e-12);
	cr_assert_float_eq(r, 65536.0 / (65536 + 16 * 82 + 8), 1e-12);
	cr_assert_float_eq(one, 4096.0 / (4096 + 82 + 4), 1e-12);
}

Test(link, tcp_on_tbf_veth)
{
	struct lr_profile p = { .link = LR_LINK_VETH_TBF,
				.encap = LR_ENCAP_TCP,
				.rate_gbps = 1,
				.mtu = 1500,
				.tcp_timestamps = true };

	cr_assert_float_eq(lr_link_efficiency(&p, LR_OP_STREAM, 0),
			   1448.0 / 1514, 1e-12);
	cr_assert_float_eq(
		lr_floor_dp(lr_link_efficiency(&p, LR_OP_STREAM, 0), 4), 0.9564,
		1e-9);
	p.mtu = 9000;
	cr_assert_float_eq(lr_link_efficiency(&p, LR_OP_STREAM, 0),
			   8948.0 / 9014, 1e-12);
	cr_assert(fabs(lr_link_efficiency(&p, LR_OP_STREAM, 0) - 0.9927) <
		  5e-5);
}

Test(link, tcp_on_real_ethernet)
{
	struct lr_profile p = { .link = LR_LINK_ETHERNET,
				.encap = LR_ENCAP_TCP,
				.rate_gbps = 100,
				.mtu = 1500,
				.tcp_timestamps = true };
	struct lr_framing f;

	cr_assert_eq(lr_profile_framing(&p, LR_OP_STREAM, &f), 0);
	cr_assert_eq(f.payload, 1448);
	cr_assert_eq(f.per_packet, 52 + 38);
	cr_assert_float_eq(lr_link_efficiency(&p, LR_OP_STREAM, 0),
			   1448.0 / 1538, 1e-12);
	p.tcp_timestamps = false;
	cr_assert_float_eq(lr_link_efficiency(&p, LR_OP_STREAM, 0),
			   1460.0 / 1538, 1e-12);
}

Test(link, impossible_profiles_have_no_goodput)
{
	struct lr_profile p = ib(4096, false);

	p.encap = LR_ENCAP_ROCEV2;
	cr_assert_eq(lr_link_efficiency(&p, LR_OP_WRITE, 0), 0.0);
	p = roce(400, 200, 0);
	cr_assert_eq(lr_link_efficiency(&p, LR_OP_WRITE, 0), 0.0);
}

Test(link, rates)
{
	double v;

	cr_assert_eq(lr_parse_rate("400G", &v), 0);
	cr_assert_float_eq(v, 400, 1e-9);
	cr_assert_eq(lr_parse_rate("1.6T", &v), 0);
	cr_assert_float_eq(v, 1600, 1e-9);
	cr_assert_eq(lr_parse_rate("250M", &v), 0);
	cr_assert_float_eq(v, 0.25, 1e-12);
	cr_assert_eq(lr_parse_rate("100Gb/s", &v), 0);
	cr_assert_eq(lr_parse_rate("250q", &v), -EINVAL);
	cr_assert_eq(lr_parse_rate("400", &v), -EINVAL);
	cr_assert_eq(lr_parse_rate("-4G", &v), -EINVAL);
	cr_assert_eq(lr_parse_rate("0G", &v), -EINVAL);
}
