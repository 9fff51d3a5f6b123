// SPDX-License-Identifier: MIT
/* The plan of a rack run: the tournament and the sets of each phase. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "linerate/cluster.h"
#include "linerate/topology.h"

/* Every pair exactly once over all rounds, each player once per round. */
static void check_tournament(size_t n)
{
	unsigned rounds = lr_tournament_rounds(n);
	unsigned char *met = calloc(n * n, 1);
	uint32_t *partner = malloc(n * sizeof(*partner));

	cr_assert(met && partner);
	cr_assert_eq(rounds, n % 2 ? n : n - 1, "n=%zu", n);
	for (unsigned r = 0; r < rounds; r++) {
		size_t byes = 0;

		lr_tournament_round(n, r, partner);
		for (size_t i = 0; i < n; i++) {
			uint32_t p = partner[i];

			if (p == LR_NO_PARTNER) {
				byes++;
				continue;
			}
			cr_assert_neq(p, i, "n=%zu round %u: %zu plays itself",
				      n, r, i);
			cr_assert_lt(p, n);
			/* symmetric: one pair, so one game per round */
			cr_assert_eq(partner[p], i, "n=%zu round %u", n, r);
			met[i * n + p]++;
		}
		cr_assert_eq(byes, n % 2, "n=%zu round %u: %zu byes", n, r,
			     byes);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			cr_assert_eq(met[i * n + j], i != j,
				     "n=%zu: %zu and %zu met %u times", n, i, j,
				     met[i * n + j]);
	free(met);
	free(partner);
}

Test(tournament, every_pair_once_even)
{
	for (size_t n = 2; n <= 40; n += 2)
		check_tournament(n);
	check_tournament(128);
}

Test(tournament, odd_with_a_bye)
{
	for (size_t n = 3; n <= 41; n += 2)
		check_tournament(n);
	check_tournament(127);
}

Test(tournament, fewer_than_two)
{
	uint32_t p[1];

	cr_assert_eq(lr_tournament_rounds(0), 0);
	cr_assert_eq(lr_tournament_rounds(1), 0);
	lr_tournament_round(1, 0, p);
	cr_assert_eq(p[0], LR_NO_PARTNER);
}

#define RACK                                                             \
	"version: 1\n"                                                   \
	"name: t\n"                                                      \
	"profiles:\n"                                                    \
	"  v: { link: veth-tbf, transport: tcp, rate: 1G, mtu: 9000 }\n" \
	"hosts:\n"                                                       \
	"  h:\n"                                                         \
	"    nics:\n"                                                    \
	"      - { name: r0, profile: v, rail: 0 }\n"                    \
	"      - { name: r1, profile: v, rail: 1 }\n"                    \
	"servers:\n"                                                     \
	"  - { hosts: 's[1-%d]', template: h }\n"                        \
	"switches:\n"                                                    \
	"  - { name: 'l[0-1]', tier: leaf, rail: 0-1, servers: 's[1-%d]' }\n"

/* Two leaves per rail under a spine: s1..s(n/2) and the rest. */
static const char spine[] =
	"version: 1\n"
	"name: t\n"
	"profiles:\n"
	"  v: { link: veth-tbf, transport: tcp, rate: 1G, mtu: 9000 }\n"
	"hosts:\n"
	"  h:\n"
	"    nics:\n"
	"      - { name: r0, profile: v, rail: 0 }\n"
	"servers:\n"
	"  - { hosts: 's[1-4]', template: h }\n"
	"switches:\n"
	"  - { name: la, tier: leaf, servers: 's[1-2]', uplinks: 1,\n"
	"      uplink_rate: 1G, up: sp }\n"
	"  - { name: lb, tier: leaf, servers: 's[3-4]', uplinks: 1,\n"
	"      uplink_rate: 1G, up: sp }\n"
	"  - { name: sp, tier: spine }\n";

static struct lr_topo *load_text(const char *text)
{
	struct lr_diags d = { 0 };
	struct lr_topo *t = NULL;
	int ret;

	ret = lr_topo_load_string("t.yaml", text, strlen(text), &d, &t);
	if (ret)
		lr_diags_print(&d, 20);
	lr_diags_free(&d);
	cr_assert_eq(ret, 0, "topology should load");
	return t;
}

static struct lr_topo *load(int n)
{
	char text[2048];

	snprintf(text, sizeof(text), RACK, n, n);
	return load_text(text);
}

Test(plan, pairs_rounds_are_rail_aligned_and_whole_servers)
{
	struct lr_topo *t = load(4);
	struct lr_plan p = { 0 };

	cr_assert_eq(lr_plan_pairs(&p, t, NULL, 0, 3), 0);
	cr_assert_eq(p.n, 3, "4 servers: 3 rounds");
	for (size_t s = 0; s < p.n; s++) {
		unsigned busy[4] = { 0 };

		cr_assert_eq(p.sets[s].phase, LR_PHASE_PAIRS);
		cr_assert_eq(p.sets[s].round, (int)s + 1);
		/* 2 pairs of servers x 2 NICs, both directions each */
		cr_assert_eq(p.sets[s].n, 4);
		for (size_t f = 0; f < p.sets[s].n; f++) {
			const struct lr_plan_flow *fl = &p.sets[s].flows[f];

			cr_assert(fl->bidir);
			cr_assert_eq(t->nics[fl->src_nic].idx,
				     t->nics[fl->dst_nic].idx, "rail-aligned");
			busy[t->nics[fl->src_nic].server]++;
			busy[t->nics[fl->dst_nic].server]++;
		}
		for (int i = 0; i < 4; i++)
			cr_assert_eq(busy[i], 2, "every NIC of every server");
	}
	cr_assert_str_eq(p.sets[1].id, "pairs-r2");
	lr_plan_free(&p);
	lr_topo_free(t);
}

Test(plan, pairs_replanned_without_a_dead_server)
{
	struct lr_topo *t = load(4);
	bool alive[4] = { true, false, true, true };
	struct lr_plan p = { 0 };

	/* 3 servers: 3 rounds, one bye each */
	cr_assert_eq(lr_plan_pairs(&p, t, alive, 0, 0), 0);
	cr_assert_eq(p.n, 3);
	for (size_t s = 0; s < p.n; s++) {
		cr_assert_eq(p.sets[s].n, 2);
		for (size_t f = 0; f < p.sets[s].n; f++) {
			cr_assert_neq(
				t->nics[p.sets[s].flows[f].src_nic].server, 1);
			cr_assert_neq(
				t->nics[p.sets[s].flows[f].dst_nic].server, 1);
		}
	}
	lr_plan_free(&p);
	lr_topo_free(t);
}

Test(plan, rounds_default_and_all)
{
	cr_assert_eq(lr_plan_pair_rounds(8, 3), 3);
	cr_assert_eq(lr_plan_pair_rounds(8, 0), 7);
	cr_assert_eq(lr_plan_pair_rounds(3, 5), 3);
	cr_assert_eq(lr_plan_pair_rounds(2, 3), 1);
}

Test(plan, fabric_single_leaf_has_bisection_only)
{
	struct lr_topo *t = load(4);
	struct lr_plan p = { 0 };
	bool skipped;

	cr_assert_eq(lr_plan_fabric(&p, t, NULL, 1000, &skipped), 0);
	cr_assert_not(skipped);
	/* one leaf per rail: no all-to-all across leaves */
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.sets[0].id, "fabric-bisection");
	/* s1<->s3, s2<->s4 on both rails, merged both ways */
	cr_assert_eq(p.sets[0].n, 4);
	for (size_t f = 0; f < p.sets[0].n; f++)
		cr_assert(p.sets[0].flows[f].bidir);
	lr_plan_free(&p);
	lr_topo_free(t);
}

Test(plan, fabric_all_to_all_across_leaves)
{
	struct lr_topo *t = load_text(spine);
	struct lr_plan p = { 0 };
	bool skipped;

	cr_assert_eq(lr_plan_fabric(&p, t, NULL, 1000, &skipped), 0);
	cr_assert_eq(p.n, 2);
	cr_assert_str_eq(p.sets[1].id, "fabric-all-to-all");
	/* every NIC of leaf a with every NIC of leaf b: 2 x 2 pairs */
	cr_assert_eq(p.sets[1].n, 4);
	for (size_t f = 0; f < p.sets[1].n; f++) {
		const struct lr_plan_flow *fl = &p.sets[1].flows[f];

		cr_assert(fl->bidir);
		cr_assert_neq(t->nics[fl->src_nic].leaf,
			      t->nics[fl->dst_nic].leaf);
	}
	lr_plan_free(&p);
	cr_assert_eq(lr_plan_fabric(&p, t, NULL, 3, &skipped), 0);
	cr_assert(skipped, "8 directed flows > 3: left out");
	cr_assert_eq(p.n, 1);
	lr_plan_free(&p);
	lr_topo_free(t);
}

Test(plan, retest_alone_and_two_fresh_partners)
{
	struct lr_topo *t = load(4);
	struct lr_plan p = { 0 };
	/* s2/r1 <-> s3/r1 came in below */
	struct lr_plan_flow below = { 3, 5, true };

	cr_assert_eq(lr_plan_retest(&p, t, NULL, &below, 1), 0);
	cr_assert_eq(p.n, 3);
	cr_assert_str_eq(p.sets[0].id, "retest-1-same");
	cr_assert_eq(p.sets[0].flows[0].dst_nic, 5);
	for (size_t s = 0; s < 3; s++) {
		cr_assert_eq(p.sets[s].n, 1, "alone");
		cr_assert_eq(p.sets[s].flows[0].src_nic, 3);
		cr_assert_eq(t->nics[p.sets[s].flows[0].dst_nic].idx, 1);
	}
	/* fresh: s4 and s1 (neither end) */
	cr_assert_eq(t->nics[p.sets[1].flows[0].dst_nic].server, 3);
	cr_assert_eq(t->nics[p.sets[2].flows[0].dst_nic].server, 0);
	lr_plan_free(&p);
	lr_topo_free(t);
}

Test(plan, phases_parse)
{
	unsigned m;
	char bad[64];

	cr_assert_eq(lr_phases_parse("hosts,pairs", &m, bad, sizeof(bad)), 0);
	cr_assert_eq(m, 3);
	cr_assert_eq(lr_phases_parse("hosts,nope", &m, bad, sizeof(bad)),
		     -EINVAL);
	cr_assert_str_eq(bad, "nope");
	cr_assert_eq(lr_phases_parse("", &m, bad, sizeof(bad)), -EINVAL);
}
