// SPDX-License-Identifier: MIT
/*
 * Time the plan of a rack run on a topology (scripts/bench/cluster-plan):
 * the pairs phase (--rounds default 3, and the tournament of every round),
 * the fabric phase and a retest of 1% of the pairs flows.
 * usage: plan_bench TOPOLOGY
 */
#include <stdio.h>
#include <stdlib.h>

#include "linerate/cluster.h"
#include "linerate/topology.h"
#include "linerate/util.h"

static double secs(uint64_t a, uint64_t b)
{
	return (double)(b - a) / 1e9;
}

static int retest(struct lr_plan *p, const struct lr_topo *t, size_t *n)
{
	size_t flows = p->sets[0].n, k = 0;
	struct lr_plan_flow *b = malloc((flows / 100 + 1) * sizeof(*b));
	int ret;

	if (!b)
		return -1;
	for (size_t i = 0; i < flows; i += 100)
		b[k++] = p->sets[0].flows[i];
	ret = lr_plan_retest(p, t, NULL, b, k);
	free(b);
	*n = k;
	return ret;
}

int main(int argc, char **argv)
{
	struct lr_diags d = { 0 };
	struct lr_topo *t;
	struct lr_plan p = { 0 };
	uint64_t t0, t1, t2, t3, t4, t5;
	uint32_t *partner;
	size_t below = 0, sets_pairs;
	bool skipped;

	if (argc != 2) {
		fprintf(stderr, "usage: plan_bench TOPOLOGY\n");
		return 2;
	}
	t0 = lr_now_ns();
	if (lr_topo_load(argv[1], &d, &t)) {
		lr_diags_print(&d, 10);
		return 2;
	}
	lr_diags_free(&d);
	t1 = lr_now_ns();
	if (lr_plan_pairs(&p, t, NULL, 0, 3))
		return 3;
	sets_pairs = p.n;
	t2 = lr_now_ns();
	if (lr_plan_fabric(&p, t, NULL, 1000000, &skipped))
		return 3;
	t3 = lr_now_ns();
	if (retest(&p, t, &below))
		return 3;
	t4 = lr_now_ns();
	partner = malloc(t->n_servers * sizeof(*partner));
	for (unsigned r = 0; r < lr_tournament_rounds(t->n_servers); r++)
		lr_tournament_round(t->n_servers, r, partner);
	t5 = lr_now_ns();
	free(partner);
	printf("servers %zu nics %zu\n", t->n_servers, t->n_nics);
	printf("load topology      %.3f s\n", secs(t0, t1));
	printf("pairs (3 rounds)   %.3f s  %zu sets\n", secs(t1, t2),
	       sets_pairs);
	printf("fabric             %.3f s  all-to-all %s\n", secs(t2, t3),
	       skipped ? "left out (> 1,000,000 flows)" : "planned");
	printf("retest (%zu flows) %.3f s\n", below, secs(t3, t4));
	printf("plan in all        %.3f s  %zu sets, %zu flows\n", secs(t1, t4),
	       p.n, p.n_flows);
	printf("tournament, all %u rounds (partners only) %.3f s\n",
	       lr_tournament_rounds(t->n_servers), secs(t4, t5));
	lr_plan_free(&p);
	lr_topo_free(t);
	return 0;
}
