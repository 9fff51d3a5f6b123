// SPDX-License-Identifier: MIT
/*
 * Max-min fair share over the capacity graph, checked against results
 * worked out by hand: shared PCIe switch uplinks, a Gen4 slot, a degraded
 * link, 2:1 oversubscription, static ECMP against adaptive routing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

#define ROCE400 400.0 * 4096 / 4178 /* 392.149 */
#define ROCE100 100.0 * 4096 / 4178 /* 98.037 */
/*
 * Gen5 x16 posted writes at MPS 256 (src/model/pcie.c): raw x SKP x DLLP
 * x payload share = 504.123 x 370/371 x (1 - 16 / (284 x 3.0)) x 256/280
 * = 451.04; the read completions (457.57) are a little wider.
 */
#define GEN5X16                                                               \
	(32.0 * 128 / 130 * 16 * 370 / 371 * (1 - 16.0 / (284 * 3.0)) * 256 / \
	 280)
#define GEN4X16 (GEN5X16 / 2)

static const char *head =
	"version: 1\n"
	"profiles:\n"
	"  r400: { link: ethernet, transport: rocev2, rate: 400G, mtu: 9000 }\n"
	"  r100: { link: ethernet, transport: rocev2, rate: 100G, mtu: 9000 }\n";

static struct lr_topo *topo(const char *body)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", head, body);
	return load_ok(buf);
}

Test(fairshare, two_nics_under_one_pcie_switch)
{
	struct lr_topo *t = topo(
		"hosts:\n  h:\n"
		"    pcie_switches: [ { name: sw, uplink: gen5 x16 } ]\n"
		"    nics:\n"
		"      - { name: a, profile: r400, rail: 0, pcie: gen5 x16, "
		"pcie_switch: sw }\n"
		"      - { name: b, profile: r400, rail: 1, pcie: gen5 x16, "
		"pcie_switch: sw }\n"
		"servers: [ { hosts: \"s[1-2]\", template: h } ]\n"
		"switches: [ { name: \"l[0-1]\", tier: leaf, rail: 0-1, "
		"servers: \"s[1-2]\" } ]\n");
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	solve(t, LR_PAT_SERVER, g, &r);
	cr_assert_eq(r.n_flows, 2);
	assert_gbps(r.flow.min, GEN5X16 / 2); /* 225.51 each */
	assert_gbps(r.aggregate, GEN5X16);
	/* the receiver's writes (451.04) bind before the reads (457.57) */
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_PSW_WR);
	cr_assert_eq(r.limit_count[LR_RES_PSW_WR], 2);
	lr_graph_free(g);
	/* one NIC alone gets its link rate */
	solve(t, LR_PAT_PAIR, g, &r);
	assert_gbps(r.flow.min, ROCE400);
	lr_graph_free(g);
	release(t);
}

#define ONE_NIC                                                   \
	"hosts:\n  h:\n    nics:\n"                               \
	"      - { name: a, profile: r400, rail: 0, pcie: %s }\n" \
	"servers: [ { hosts: \"s[1-2]\", template: h } ]\n"       \
	"switches: [ { name: l, tier: leaf, servers: \"s[1-2]\" } ]\n%s"

Test(fairshare, nic_in_a_gen4_x16_slot)
{
	char body[1024];
	struct lr_topo *t;
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	snprintf(body, sizeof(body), ONE_NIC, "gen4 x16", "");
	t = topo(body);
	solve(t, LR_PAT_PAIR, g, &r);
	assert_gbps(r.flow.min, GEN4X16); /* 225.51, not 392.14 */
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_PCIE_WR);
	lr_graph_free(g);
	release(t);
}

Test(fairshare, degraded_link_200g_where_400g_is_expected)
{
	char body[1024];
	struct lr_topo *t;
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	snprintf(body, sizeof(body), ONE_NIC, "gen5 x16",
		 "links: [ { nic: s2/a, rate: 200G } ]\n");
	t = topo(body);
	solve(t, LR_PAT_PAIR, g, &r);
	assert_gbps(r.flow.min, 200.0 * 4096 / 4178); /* 196.07 */
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_NIC_RX);
	cr_assert_float_eq(r.nominal, 400, 1e-9, "the sender is at 400G");
	lr_graph_free(g);
	release(t);
}

/* 2 leaves x 4 servers, 100G NICs, 2 x 100G uplinks per leaf: 2:1. */
#define OVERSUB                                                         \
	"hosts:\n  h:\n    nics: [ { name: a, profile: r100 } ]\n"      \
	"servers: [ { hosts: \"s[1-8]\", template: h } ]\n"             \
	"switches:\n"                                                   \
	"  - { name: l1, tier: leaf, servers: \"s[1-4]\", uplinks: 2, " \
	"uplink_rate: 100G, up: \"sp[1-2]\" }\n"                        \
	"  - { name: l2, tier: leaf, servers: \"s[5-8]\", uplinks: 2, " \
	"uplink_rate: 100G, up: \"sp[1-2]\" }\n"                        \
	"  - { name: \"sp[1-2]\", tier: spine }\n%s"

Test(fairshare, oversubscribed_2_to_1_all_to_all_halves)
{
	char body[2048];
	struct lr_topo *t;
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	snprintf(body, sizeof(body), OVERSUB, "");
	t = topo(body);
	solve(t, LR_PAT_PAIR, g, &r);
	assert_gbps(r.flow.min, ROCE100); /* s1 -> s2: same leaf */
	lr_graph_free(g);
	solve(t, LR_PAT_ALLTOALL, g, &r);
	cr_assert_eq(r.n_flows, 32);
	assert_gbps(r.server.min, ROCE100 / 2);
	assert_gbps(r.server.max, ROCE100 / 2);
	assert_gbps(r.aggregate, 2 * 2 * ROCE100);
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_SW_UP);
	lr_graph_free(g);
	solve(t, LR_PAT_BISECTION, g, &r);
	assert_gbps(r.flow.min, ROCE100 / 2);
	lr_graph_free(g);
	release(t);
}

/*
 * Worked by hand: s1's link at 25G. Its 4 flows freeze at 24.51/4 = 6.127
 * (NIC first); the other 12 flows share what is left of leaf l1's
 * uplinks: (196.07 - 24.51) / 12 = 14.297. Same on the way back.
 */
Test(fairshare, max_min_with_one_slow_nic)
{
	char body[2048];
	struct lr_topo *t;
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;
	double slow = 25.0 * 4096 / 4178, up = 2 * ROCE100;

	snprintf(body, sizeof(body), OVERSUB,
		 "links: [ { nic: s1/a, rate: 25G } ]\n");
	t = topo(body);
	solve(t, LR_PAT_ALLTOALL, g, &r);
	assert_gbps(r.flow.min, slow / 4);
	assert_gbps(r.flow.max, (up - slow) / 12);
	assert_gbps(r.server.min, slow);
	assert_gbps(r.server.max, 4 * (up - slow) / 12);
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_NIC_TX);
	cr_assert_eq(r.limit_count[LR_RES_NIC_TX], 4);
	cr_assert_eq(r.limit_count[LR_RES_NIC_RX], 4);
	cr_assert_eq(r.limit_count[LR_RES_SW_UP] +
			     r.limit_count[LR_RES_SW_DOWN],
		     24, "the uplinks");
	lr_graph_free(g);
	release(t);
}

/* 2 leaves x 8 servers, 8 x 100G uplinks each: 1:1, bisection 8 flows. */
#define CLOS                                                              \
	"hosts:\n  h:\n    nics: [ { name: a, profile: r100 } ]\n"        \
	"servers: [ { hosts: \"s[01-16]\", template: h } ]\n"             \
	"switches:\n"                                                     \
	"  - { name: l1, tier: leaf, servers: \"s[01-08]\", uplinks: 8, " \
	"uplink_rate: 100G, up: \"sp[1-8]\" }\n"                          \
	"  - { name: l2, tier: leaf, servers: \"s[09-16]\", uplinks: 8, " \
	"uplink_rate: 100G, up: \"sp[1-8]\" }\n"                          \
	"  - { name: \"sp[1-8]\", tier: spine }\n"                        \
	"routing: { mode: %s, qps_per_flow: %u }\n"

static struct lr_pattern_result bisect(const char *mode, unsigned qps)
{
	char body[2048];
	struct lr_topo *t;
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	snprintf(body, sizeof(body), CLOS, mode, qps);
	t = topo(body);
	solve(t, LR_PAT_BISECTION, g, &r);
	lr_graph_free(g);
	release(t);
	return r;
}

Test(fairshare, static_ecmp_against_adaptive)
{
	struct lr_pattern_result ad = bisect("adaptive", 1);
	struct lr_pattern_result e1 = bisect("ecmp", 1);
	struct lr_pattern_result e4 = bisect("ecmp", 4);
	double hash = 1 - pow(7.0 / 8, 8); /* 0.656: "~63%" */

	assert_gbps(ad.aggregate, 16 * ROCE100);
	assert_gbps(ad.ecmp_slowest, ROCE100);
	assert_gbps(e1.aggregate, 16 * ROCE100 * hash);
	cr_assert(e1.ecmp_slowest < e1.flow.min, "a flow on a busy uplink");
	assert_gbps(e1.ecmp_slowest, ROCE100 / lr_ecmp_expected_max_load(8, 8));
	cr_assert(e4.aggregate > e1.aggregate && e4.aggregate < ad.aggregate,
		  "more QPs close the gap: %f", e4.aggregate);
	assert_gbps(e4.aggregate,
		    2 * lr_ecmp_expected_total(8, ROCE100, 32, ROCE100 / 4));
}

Test(fairshare, ecmp_formulas)
{
	/* n = m large flows: 1 - (1 - 1/m)^m of the capacity */
	cr_assert_float_eq(lr_ecmp_expected_total(8, 1, 8, 1),
			   8 * (1 - pow(7.0 / 8, 8)), 1e-9);
	cr_assert(fabs(lr_ecmp_expected_total(1000, 1, 1000, 1) / 1000 -
		       (1 - exp(-1))) < 1e-3,
		  "~63% in the limit");
	/* one link: everything on it */
	cr_assert_float_eq(lr_ecmp_expected_total(1, 10, 4, 1), 4, 1e-9);
	cr_assert_float_eq(lr_ecmp_expected_total(1, 10, 40, 1), 10, 1e-9);
	/* max load: 1 ball -> 1; m = 1 -> n */
	cr_assert_float_eq(lr_ecmp_expected_max_load(8, 1), 1, 1e-9);
	cr_assert_float_eq(lr_ecmp_expected_max_load(1, 5), 5, 1e-9);
	cr_assert(lr_ecmp_expected_max_load(8, 8) > 2.0 &&
		  lr_ecmp_expected_max_load(8, 8) < 3.5);
}

Test(fairshare, remote_numa_crosses_the_inter_socket_link)
{
	struct lr_topo *t =
		topo("hosts:\n  h:\n    sockets: 2\n    inter_socket: 300G\n"
		     "    nics:\n"
		     "      - { name: a, profile: r400, rail: 0, numa: 0 }\n"
		     "      - { name: b, profile: r400, rail: 1, numa: 1 }\n"
		     "servers: [ { hosts: \"s[1-2]\", template: h } ]\n"
		     "switches: [ { name: \"l[0-1]\", tier: leaf, rail: 0-1, "
		     "servers: \"s[1-2]\" } ]\n");
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	lr_graph_init(g, t, LR_OP_WRITE);
	g->remote_numa = true;
	cr_assert_eq(lr_pattern_run(g, LR_PAT_SERVER, &r), 0);
	/* a on node 0 reads node 1, b the reverse: two directions of 300G */
	assert_gbps(r.flow.max, 300);
	assert_gbps(r.aggregate, 600);
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_XSOCK_TX);
	lr_graph_free(g);
	release(t);
}

Test(fairshare, no_route_between_planes)
{
	struct lr_topo *t =
		topo("hosts:\n  h:\n    nics: [ { name: a, profile: r100 } ]\n"
		     "servers: [ { hosts: \"s[1-2]\", template: h } ]\n"
		     "switches:\n  - { name: l1, tier: leaf, servers: s1 }\n"
		     "  - { name: l2, tier: leaf, servers: s2 }\n");
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	lr_graph_init(g, t, LR_OP_WRITE);
	cr_assert_eq(lr_pattern_run(g, LR_PAT_PAIR, &r), -EHOSTUNREACH);
	lr_graph_free(g);
	release(t);
}

Test(fairshare, three_tiers)
{
	/* 2 pods of 2 leaves; each pod's spines go up to the core */
	struct lr_topo *t =
		topo("hosts:\n  h:\n    nics: [ { name: a, profile: r100 } ]\n"
		     "servers: [ { hosts: \"s[1-8]\", template: h } ]\n"
		     "switches:\n"
		     "  - { name: l1, tier: leaf, servers: \"s[1-2]\", "
		     "uplinks: 2, uplink_rate: 100G, up: \"pa[1-2]\" }\n"
		     "  - { name: l2, tier: leaf, servers: \"s[3-4]\", "
		     "uplinks: 2, uplink_rate: 100G, up: \"pa[1-2]\" }\n"
		     "  - { name: l3, tier: leaf, servers: \"s[5-6]\", "
		     "uplinks: 2, uplink_rate: 100G, up: \"pb[1-2]\" }\n"
		     "  - { name: l4, tier: leaf, servers: \"s[7-8]\", "
		     "uplinks: 2, uplink_rate: 100G, up: \"pb[1-2]\" }\n"
		     "  - { name: \"pa[1-2]\", tier: spine, uplinks: 1, "
		     "uplink_rate: 100G, up: c1 }\n"
		     "  - { name: \"pb[1-2]\", tier: spine, uplinks: 1, "
		     "uplink_rate: 100G, up: c1 }\n"
		     "  - { name: c1, tier: core }\n");
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	cr_assert_eq(t->n_groups, 3);
	solve(t, LR_PAT_BISECTION, g, &r);
	/* 8 flows each way through 2 x 100G between the pods */
	cr_assert_eq(r.n_flows, 8);
	assert_gbps(r.aggregate, 2 * 2 * ROCE100);
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_GRP_UP);
	lr_graph_free(g);
	release(t);
}

Test(fairshare, gpu_buffers_skip_the_pcie_switch_uplink)
{
	struct lr_topo *t = topo(
		"hosts:\n  h:\n"
		"    pcie_switches: [ { name: sw, uplink: gen5 x16 } ]\n"
		"    nics:\n"
		"      - { name: a, profile: r400, rail: 0, pcie: gen5 x16, "
		"pcie_switch: sw, gpu: 0 }\n"
		"      - { name: b, profile: r400, rail: 1, pcie: gen5 x16, "
		"pcie_switch: sw, gpu: 1 }\n"
		"servers: [ { hosts: \"s[1-2]\", template: h } ]\n"
		"switches: [ { name: \"l[0-1]\", tier: leaf, rail: 0-1, "
		"servers: \"s[1-2]\" } ]\n");
	struct lr_model_opts o = { .gpu_buffers = true };
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	lr_graph_init_opts(g, t, &o);
	cr_assert_eq(lr_pattern_run(g, LR_PAT_SERVER, &r), 0);
	assert_gbps(r.aggregate, 2 * ROCE400);
	cr_assert_eq(r.limit_count[LR_RES_PSW_RD], 0);
	lr_graph_free(g);
	release(t);
}

/* ---- against a naive progressive filling, on an irregular fabric ---- */

static size_t crossing(const struct lr_graph *g, size_t r, const char *fz)
{
	size_t n = 0;

	for (size_t f = 0; f < g->n_flows; f++)
		for (uint32_t i = 0; !fz[f] && i < g->flows[f].path_len; i++)
			n += g->path[g->flows[f].path_off + i] == r;
	return n;
}

static bool on_path(const struct lr_flow *fl, const uint32_t *path, size_t r)
{
	for (uint32_t i = 0; i < fl->path_len; i++)
		if (path[fl->path_off + i] == r)
			return true;
	return false;
}

/* O(R F^2): every round, the lowest level over all resources. */
static void naive(const struct lr_graph *g, double *rate)
{
	char *fz = calloc(g->n_flows, 1);
	double *used = calloc(g->n_res, sizeof(*used));
	size_t left = g->n_flows;

	while (left) {
		double best = INFINITY;
		size_t br = 0;

		for (size_t r = 0; r < g->n_res; r++) {
			size_t n = crossing(g, r, fz);

			if (n && (g->res[r].cap - used[r]) / n < best) {
				best = (g->res[r].cap - used[r]) / n;
				br = r;
			}
		}
		for (size_t f = 0; f < g->n_flows; f++) {
			const struct lr_flow *fl = &g->flows[f];

			if (fz[f] || !on_path(fl, g->path, br))
				continue;
			fz[f] = 1;
			rate[f] = best;
			left--;
			for (uint32_t i = 0; i < fl->path_len; i++)
				used[g->path[fl->path_off + i]] += best;
		}
	}
	free(fz);
	free(used);
}

Test(fairshare, matches_naive_progressive_filling)
{
	struct lr_topo *t = topo(
		"  p200: { link: ethernet, transport: rocev2, rate: 200G, "
		"mtu: 4200 }\n"
		"hosts:\n  h:\n    sockets: 2\n    inter_socket: 150G\n"
		"    pcie_switches: [ { name: sw, uplink: gen4 x8 } ]\n"
		"    nics:\n"
		"      - { name: a, profile: r100, pcie: gen4 x16, "
		"pcie_switch: sw }\n"
		"      - { name: b, profile: p200, numa: 1, pcie: gen3 x16, "
		"pcie_switch: sw, rail: 0 }\n"
		"servers: [ { hosts: \"s[01-12]\", template: h } ]\n"
		"switches:\n"
		"  - { name: l1, tier: leaf, servers: \"s[01-04]\", uplinks: 2, "
		"uplink_rate: 100G, up: \"sp[1-2]\" }\n"
		"  - { name: l2, tier: leaf, servers: \"s[05-08]\", uplinks: 4, "
		"uplink_rate: 100G, up: \"sp[1-2]\" }\n"
		"  - { name: l3, tier: leaf, servers: \"s[09-12]\", uplinks: 2, "
		"uplink_rate: 200G, up: \"sp[1-2]\" }\n"
		"  - { name: \"sp[1-2]\", tier: spine }\n"
		"links:\n  - { nic: s03/a, rate: 25G }\n"
		"  - { nic: s07/b, rate: 40G }\n  - { nic: s10/a, rate: 10G }\n");
	size_t checked = 0;

	for (int remote = 0; remote < 2; remote++) {
		for (int p = 0; p < LR_PAT_COUNT; p++) {
			struct lr_graph *g = new_graph();
			struct lr_pattern_result r;
			double *ref;

			lr_graph_init(g, t, LR_OP_WRITE);
			g->remote_numa = remote;
			cr_assert_eq(lr_pattern_run(g, (enum lr_pattern)p, &r),
				     0);
			ref = own(calloc(g->n_flows + 1, sizeof(*ref)), free);
			naive(g, ref);
			for (size_t f = 0; f < g->n_flows; f++, checked++)
				cr_assert(fabs(ref[f] - g->flows[f].rate) <
						  1e-6 * (1 + ref[f]),
					  "%s flow %zu: %f, naive %f",
					  lr_pattern_name(p), f,
					  g->flows[f].rate, ref[f]);
			release(ref);
			release(g);
		}
	}
	cr_assert_gt(checked, 800);
	release(t);
}
